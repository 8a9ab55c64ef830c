//! An access profile's limits in simulated time (`sim_lab`): `session-options` and the
//! client's `ppp idle-timeout` end subscribers where RADIUS gives no Session-Timeout or
//! Idle-Timeout, RADIUS's win where it does, `client-idle-timeout-ingress-only` counts only
//! what the subscriber sends; `radius attributes exclude` leaves attributes out of the
//! requests and `ignore` leaves the Accept's routing instance unused.

use std::net::Ipv4Addr;
use std::time::Duration;

use super::radius_lab_tests::{
    accept_to_the_lns, bring_up, ip_up, ipv4_packet, lac_with_radius, lns_with_radius,
    lns_with_secret, SECRET,
};
use super::sim_lab::{ipv4_between, Lab, PORT};
use crate::aaa::radius::{attr, code, erx, Attribute, Packet};
use crate::subscriber::table::EndCause;

type Answer = Option<(u8, Vec<Attribute>)>;

/// An LNS whose RADIUS accepts everyone with `attributes` and takes accounting records.
pub(super) fn lns_lab(extra: &str, attributes: Vec<Attribute>) -> Lab {
    let mut lab = Lab::new(super::sim_lab::lac_config(""), lns_with_radius(extra));
    lab.lns_radius = Some(super::sim_lab::RadiusResponder::new(
        SECRET,
        Box::new(move |request: &Packet| -> Answer {
            Some(match request.code {
                code::ACCOUNTING_REQUEST => (code::ACCOUNTING_RESPONSE, Vec::new()),
                _ => (code::ACCESS_ACCEPT, attributes.clone()),
            })
        }),
    ));
    lab
}

fn minutes(lab: &mut Lab, count: u32) {
    for _ in 0..count {
        lab.advance(Duration::from_secs(60));
    }
}

fn lns_ends(lab: &Lab, cause: EndCause) -> u64 {
    let ends = &lab.lns.subscribers().table.ends;
    ends.get(&cause).copied().unwrap_or(0)
}

/// The subscriber `i` sends one IP packet up the tunnel.
fn send_up(lab: &mut Lab, i: usize) {
    let address = lab.subs[i].address().expect("IPCP up");
    let mut ppp = vec![0x00, 0x21];
    ppp.extend_from_slice(&ipv4_packet(address));
    let frame = lab.subs[i].pppoe.session_frame(&ppp).expect("a session");
    let now = lab.now;
    lab.lac.handle_frame(now, PORT, &frame);
    lab.settle();
}

/// A host behind the LNS sends subscriber `i` one IP packet.
fn send_down(lab: &mut Lab, i: usize) {
    let address = lab.subs[i].address().expect("IPCP up");
    let packet = ipv4_between(Ipv4Addr::new(198, 19, 0, 1), address);
    let now = lab.now;
    lab.lns.handle_ip_packets(now, "si-0/0/0", &[packet]);
    lab.settle();
}

#[test]
fn the_profiles_idle_timeout_ends_a_silent_subscriber_and_spares_one_that_sends() {
    let mut lab = lns_lab(
        "set access profile users session-options client-idle-timeout 10\n",
        Vec::new(),
    );
    let quiet = bring_up(&mut lab, "quiet@isp.example");
    let busy = bring_up(&mut lab, "busy@isp.example");
    for _ in 0..25 {
        minutes(&mut lab, 1);
        send_up(&mut lab, busy);
    }
    assert!(lab.subs[quiet].ended, "silent for 25 minutes");
    assert!(!lab.subs[busy].ended);
    assert_eq!(lns_ends(&lab, EndCause::IdleTimeout), 1);
}

#[test]
fn radius_idle_timeout_wins_over_the_profiles() {
    // The profile says 10 minutes, RADIUS 20.
    let mut lab = lns_lab(
        "set access profile users session-options client-idle-timeout 10\n",
        vec![Attribute::integer(attr::IDLE_TIMEOUT, 1200)],
    );
    let i = bring_up(&mut lab, "quiet@isp.example");
    minutes(&mut lab, 15);
    assert!(
        !lab.subs[i].ended,
        "RADIUS's 20 minutes, not the profile's 10"
    );
    minutes(&mut lab, 10);
    assert!(lab.subs[i].ended);
    assert_eq!(lns_ends(&lab, EndCause::IdleTimeout), 1);
}

#[test]
fn the_profiles_session_timeout_ends_the_subscriber_from_its_login_unless_radius_says() {
    for (radius, ends_after) in [(None, 2), (Some(300), 5)] {
        let attributes = radius
            .map(|s| vec![Attribute::integer(attr::SESSION_TIMEOUT, s)])
            .unwrap_or_default();
        let mut lab = lns_lab(
            "set access profile users session-options client-session-timeout 2\n",
            attributes,
        );
        let i = bring_up(&mut lab, "frank@isp.example");
        assert!(ip_up(&lab.subs[i].events).is_some());
        for _ in 0..ends_after * 60 - 5 {
            lab.advance(Duration::from_secs(1));
            if lab.subs[i].ended {
                break;
            }
        }
        assert!(!lab.subs[i].ended, "{radius:?}: ended early");
        for _ in 0..10 {
            lab.advance(Duration::from_secs(1));
        }
        assert!(lab.subs[i].ended, "{radius:?}: ended on time");
        assert_eq!(lns_ends(&lab, EndCause::SessionTimeout), 1);
    }
}

#[test]
fn a_clients_ppp_idle_timeout_wins_over_session_options() {
    // The user's client entry takes its group's 120 s; the profile says 10 minutes.
    let mut lab = lns_lab(
        "set access profile users session-options client-idle-timeout 10\n\
         set access group-profile short ppp idle-timeout 120\n\
         set access profile users client quiet@isp.example group-profile short\n",
        Vec::new(),
    );
    let i = bring_up(&mut lab, "quiet@isp.example");
    minutes(&mut lab, 5);
    assert!(lab.subs[i].ended, "its group's two minutes");
    assert_eq!(lns_ends(&lab, EndCause::IdleTimeout), 1);
}

#[test]
fn ingress_only_counts_only_what_the_subscriber_sends() {
    for ingress_only in [false, true] {
        let extra = if ingress_only {
            "set access profile users session-options client-idle-timeout-ingress-only\n"
        } else {
            ""
        };
        let mut lab = lns_lab(
            &format!("set access profile users session-options client-idle-timeout 10\n{extra}"),
            Vec::new(),
        );
        let i = bring_up(&mut lab, "listener@isp.example");
        for _ in 0..25 {
            minutes(&mut lab, 1);
            send_down(&mut lab, i);
        }
        assert_eq!(
            lab.subs[i].ended, ingress_only,
            "ingress-only {ingress_only}: only received packets for 25 minutes"
        );
    }
}

#[test]
fn show_subscribers_detail_names_the_limits_and_where_they_come_from() {
    let mut lab = lns_lab(
        "set access profile users session-options client-idle-timeout 10\n\
         set access profile users session-options client-idle-timeout-ingress-only\n",
        vec![Attribute::integer(attr::SESSION_TIMEOUT, 3600)],
    );
    bring_up(&mut lab, "frank@isp.example");
    let show = schema::subscriber_rpc::SubscriberShow {
        level: schema::l2tp_rpc::Level::Detail,
        ..Default::default()
    };
    let lns = lab.lns.subscribers();
    let rows = lns
        .show_subscribers(lab.lns.registry(), &show)
        .expect("rows");
    let limits = rows.subscribers[0].limits.clone().expect("limits");
    assert_eq!(
        limits,
        schema::subscriber_rpc::SubscriberLimits {
            session_timeout: Some(3600),
            session_timeout_from: Some("radius".into()),
            idle_timeout: Some(600),
            idle_timeout_from: Some("session-options".into()),
            idle_ingress_only: true,
        }
    );
}

#[test]
fn a_lac_subscriber_authenticated_by_the_profile_ends_at_its_session_timeout() {
    let mut lab = Lab::new(
        lac_with_radius("set access profile ra session-options client-session-timeout 1\n"),
        lns_with_secret(""),
    );
    lab.lac_radius = Some(super::sim_lab::RadiusResponder::new(
        SECRET,
        Box::new(accept_to_the_lns),
    ));
    let i = bring_up(&mut lab, "alice@isp.example");
    assert!(ip_up(&lab.subs[i].events).is_some());
    for _ in 0..50 {
        lab.advance(Duration::from_secs(1));
    }
    assert!(!lab.subs[i].ended, "within its minute");
    for _ in 0..15 {
        lab.advance(Duration::from_secs(1));
    }
    assert!(lab.subs[i].ended);
    let ends = &lab.lac.subscribers().table.ends;
    assert_eq!(ends.get(&EndCause::SessionTimeout), Some(&1));
}

#[test]
fn excluded_attributes_are_absent_from_the_messages_named_and_only_those() {
    let mut lab = Lab::new(
        lac_with_radius(
            "set access profile ra radius attributes exclude nas-port-id access-request\n\
             set access profile ra radius attributes exclude calling-station-id access-request\n\
             set access profile ra radius attributes exclude event-timestamp accounting-start\n\
             set access profile ra radius attributes exclude accounting-delay-time accounting-stop\n\
             set access profile ra accounting order radius\n\
             set access profile ra accounting update-interval 10\n\
             set access profile ra radius accounting-server 127.0.0.9\n",
        ),
        lns_with_secret(""),
    );
    lab.lac_radius = Some(super::sim_lab::RadiusResponder::new(
        SECRET,
        Box::new(super::radius_lab_tests::account_or_accept),
    ));
    let i = bring_up(&mut lab, "alice@isp.example");
    assert!(ip_up(&lab.subs[i].events).is_some());
    minutes(&mut lab, 10);
    lab.subs[i].ppp.close(lab.now);
    lab.settle();
    for _ in 0..5 {
        lab.advance(Duration::from_secs(1));
    }
    let received = &lab.lac_radius.as_ref().unwrap().received;
    let request = received
        .iter()
        .find(|p| p.code == code::ACCESS_REQUEST)
        .expect("an Access-Request");
    assert_eq!(request.string(attr::NAS_PORT_ID), None);
    assert_eq!(request.string(attr::CALLING_STATION_ID), None);
    assert!(
        request.string(attr::NAS_IDENTIFIER).is_some(),
        "the rest stays"
    );
    let status = |s: u32| {
        received
            .iter()
            .find(|p| {
                p.code == code::ACCOUNTING_REQUEST && p.integer(attr::ACCT_STATUS_TYPE) == Some(s)
            })
            .unwrap_or_else(|| panic!("status {s} in {received:?}"))
    };
    assert_eq!(status(1).integer(attr::EVENT_TIMESTAMP), None, "Start");
    assert!(status(2).integer(attr::EVENT_TIMESTAMP).is_some(), "Stop");
    // What the Stop leaves out, the Interim-Update leaves out too.
    assert!(status(1).integer(attr::ACCT_DELAY_TIME).is_some(), "Start");
    assert_eq!(status(3).integer(attr::ACCT_DELAY_TIME), None, "Interim");
    assert_eq!(status(2).integer(attr::ACCT_DELAY_TIME), None, "Stop");
}

#[test]
fn an_ignored_routing_instance_in_the_accept_has_no_effect() {
    let mut lab = lns_lab(
        "set routing-instances isp-b instance-type virtual-router\n\
         set access profile users radius attributes ignore logical-system:routing-instance\n",
        vec![Attribute::vendor(erx::VENDOR, erx::VIRTUAL_ROUTER, "isp-b")],
    );
    let i = bring_up(&mut lab, "dave@isp.example");
    assert!(ip_up(&lab.subs[i].events).is_some());
    let lns = lab.lns.subscribers();
    let subscriber = lns.table.iter().next().expect("the subscriber");
    assert_eq!(subscriber.routing_instance, None, "the tunnel's instance");
}
