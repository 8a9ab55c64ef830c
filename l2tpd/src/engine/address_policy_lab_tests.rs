//! Junos' address statements acted on in simulated time (`sim_lab`), at the LNS where the
//! leases live: `address-protection reassign-on-match` logs out the holder of an address
//! outside every pool that RADIUS gives a newcomer (refused, it gets the address when it
//! tries again); a commit that excludes an address a pool gave out logs its holder out; an
//! access profile's `session-options strip-user-name` cuts the User-Name RADIUS sees.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use super::radius_lab_tests::{bring_up, ip_up, lns_with_radius};
use super::session_options_lab_tests::lns_lab;
use super::sim_lab::Lab;
use crate::aaa::radius::{attr, code, Attribute};
use crate::subscriber::table::EndCause;

fn lns_ends(lab: &Lab, cause: EndCause) -> u64 {
    let ends = &lab.lns.subscribers().table.ends;
    ends.get(&cause).copied().unwrap_or(0)
}

fn settle_a_second(lab: &mut Lab) {
    for _ in 0..10 {
        lab.advance(Duration::from_millis(100));
    }
}

/// Outside the sim lab's pool (198.18.0.0/16).
const STATIC: Ipv4Addr = Ipv4Addr::new(198, 19, 5, 5);

#[test]
fn reassign_on_match_logs_out_the_holder_and_the_newcomer_gets_the_address_next_time() {
    for reassign in [false, true] {
        let extra = if reassign {
            "set access address-protection reassign-on-match\n"
        } else {
            "set access address-protection\n"
        };
        let mut lab = lns_lab(
            extra,
            vec![Attribute::ipv4(attr::FRAMED_IP_ADDRESS, STATIC)],
        );
        let first = bring_up(&mut lab, "first@isp.example");
        assert_eq!(ip_up(&lab.subs[first].events).map(|(a, _)| a), Some(STATIC));
        // The newcomer is refused either way (Junos: "the request from the new subscriber
        // is still rejected").
        let second = bring_up(&mut lab, "second@isp.example");
        settle_a_second(&mut lab);
        assert_eq!(ip_up(&lab.subs[second].events), None, "reassign {reassign}");
        assert_eq!(
            lns_ends(&lab, EndCause::NoAddress),
            1,
            "reassign {reassign}"
        );
        assert_eq!(lab.subs[first].ended, reassign, "the holder logged out");
        assert_eq!(
            lns_ends(&lab, EndCause::AddressReclaimed),
            u64::from(reassign)
        );
        // Its next try takes the address, now free, or is refused again.
        let again = bring_up(&mut lab, "second@isp.example");
        settle_a_second(&mut lab);
        assert_eq!(
            ip_up(&lab.subs[again].events).map(|(a, _)| a),
            reassign.then_some(STATIC),
            "reassign {reassign}"
        );
    }
}

#[test]
fn reassign_on_match_spares_the_holder_of_an_address_in_a_local_pool() {
    let pooled = Ipv4Addr::new(198, 18, 3, 3);
    let mut lab = lns_lab(
        "set access address-protection reassign-on-match\n",
        vec![Attribute::ipv4(attr::FRAMED_IP_ADDRESS, pooled)],
    );
    let first = bring_up(&mut lab, "first@isp.example");
    assert_eq!(ip_up(&lab.subs[first].events).map(|(a, _)| a), Some(pooled));
    let second = bring_up(&mut lab, "second@isp.example");
    settle_a_second(&mut lab);
    assert_eq!(ip_up(&lab.subs[second].events), None);
    assert!(!lab.subs[first].ended);
    assert_eq!(lns_ends(&lab, EndCause::AddressReclaimed), 0);
}

#[test]
fn a_commit_excluding_an_address_a_pool_gave_logs_its_holder_out() {
    let mut lab = lns_lab("", Vec::new());
    let first = bring_up(&mut lab, "first@isp.example");
    let second = bring_up(&mut lab, "second@isp.example");
    let address = |lab: &Lab, i: usize| ip_up(&lab.subs[i].events).map(|(a, _)| a);
    // The sim lab's range starts at 198.18.0.10.
    assert_eq!(address(&lab, first), Some(Ipv4Addr::new(198, 18, 0, 10)));
    assert_eq!(address(&lab, second), Some(Ipv4Addr::new(198, 18, 0, 11)));
    let excluding = lns_with_radius(
        "set access address-assignment pool lab family inet excluded-address 198.18.0.10\n",
    );
    let now = lab.now;
    lab.lns.apply_config(now, &Arc::new(excluding));
    settle_a_second(&mut lab);
    assert!(lab.subs[first].ended, "its address excluded");
    assert!(!lab.subs[second].ended);
    assert_eq!(lns_ends(&lab, EndCause::AddressReclaimed), 1);
    // The excluded address is not handed out again.
    let third = bring_up(&mut lab, "third@isp.example");
    assert_eq!(address(&lab, third), Some(Ipv4Addr::new(198, 18, 0, 12)));
}

/// The User-Name of the LNS's Access-Request for `user` under `extra`.
fn user_name_sent(extra: &str, user: &str) -> String {
    let mut lab = lns_lab(extra, Vec::new());
    let i = bring_up(&mut lab, user);
    assert!(ip_up(&lab.subs[i].events).is_some());
    let received = &lab.lns_radius.as_ref().expect("a server").received;
    let request = received
        .iter()
        .find(|p| p.code == code::ACCESS_REQUEST)
        .expect("an Access-Request");
    String::from_utf8_lossy(request.string(attr::USER_NAME).expect("User-Name")).into_owned()
}

#[test]
fn strip_user_name_cuts_the_user_name_radius_sees_as_junos_documents() {
    let user = "frank/home@isp.example";
    assert_eq!(user_name_sent("", user), user);
    let strip = "set access profile users session-options strip-user-name delimiter [ / @ ]\n";
    // Junos' default direction, left-to-right: the first delimiter from the left.
    assert_eq!(user_name_sent(strip, user), "frank");
    let right = format!(
        "{strip}set access profile users session-options strip-user-name parse-direction right-to-left\n"
    );
    assert_eq!(user_name_sent(&right, user), "frank/home");
}

/// The User-Name of each Accounting-Request (Start, Interim-Update, Stop) the LNS sends for
/// `user` under `extra`, with accounting on (an Interim-Update every ten minutes, Junos'
/// least), the subscriber up for fifteen minutes and then ending its PPP.
fn accounting_user_names(extra: &str, user: &str) -> Vec<(u32, String)> {
    let accounting = "set access profile users accounting order radius\n\
                      set access profile users accounting update-interval 10\n";
    let mut lab = lns_lab(&format!("{accounting}{extra}"), Vec::new());
    let i = bring_up(&mut lab, user);
    assert!(ip_up(&lab.subs[i].events).is_some());
    for _ in 0..15 {
        lab.advance(Duration::from_secs(60));
    }
    lab.subs[i].ppp.close(lab.now);
    lab.settle();
    for _ in 0..10 {
        settle_a_second(&mut lab);
    }
    assert!(lab.subs[i].ended);
    let received = &lab.lns_radius.as_ref().expect("a server").received;
    received
        .iter()
        .filter(|p| p.code == code::ACCOUNTING_REQUEST)
        .map(|p| {
            let name = p.string(attr::USER_NAME).expect("User-Name");
            (
                p.integer(attr::ACCT_STATUS_TYPE).expect("Acct-Status-Type"),
                String::from_utf8_lossy(name).into_owned(),
            )
        })
        .collect()
}

#[test]
fn accounting_names_the_subscriber_as_its_access_request_did() {
    let user = "frank/home@isp.example";
    // Start (1), Interim-Update (3), Stop (2).
    let each = |name: &str| {
        vec![
            (1, name.to_string()),
            (3, name.to_string()),
            (2, name.to_string()),
        ]
    };
    assert_eq!(accounting_user_names("", user), each(user));
    // Junos modifies the subscriber's user name at login: the server accounts the name it
    // authenticated, not the login string.
    let strip = "set access profile users session-options strip-user-name delimiter [ / @ ]\n";
    assert_eq!(user_name_sent(strip, user), "frank");
    assert_eq!(accounting_user_names(strip, user), each("frank"));
}
