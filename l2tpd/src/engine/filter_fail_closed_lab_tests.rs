//! Filters RADIUS names fail closed (issue 16), in simulated time (see `sim_lab`): a login
//! whose Ingress-/Egress-Policy-Name names a filter this router does not have fails — its
//! dynamic profile cannot be built, as on Junos — counted as a refusal, with no accounting
//! started; at the LNS and at a LAC that terminates the subscriber itself. The access
//! profile's `radius attributes ignore` is the operator's way out.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use schema::subscriber_rpc::SubscriberShow;

use super::core::Core;
use super::firewall_lab_tests::{
    accept_with, bring_up, commit, counters, from_client, lns, ping, send_down, send_up,
    send_up_terminated, udp, without_filters, EGRESS_POLICY_NAME, FILTERS, INGRESS_POLICY_NAME,
    INTERNET, SECRET,
};
use super::sim_lab::{config, lac_config, Lab, LNS_BASE, PORT};
use crate::aaa::radius::{code, erx, Attribute};
use crate::ppp::client_link::ClientEvent;
use crate::subscriber::decision::Refusal;

fn ingress(name: &str) -> Attribute {
    Attribute::vendor(erx::VENDOR, INGRESS_POLICY_NAME, name)
}

fn egress(name: &str) -> Attribute {
    Attribute::vendor(erx::VENDOR, EGRESS_POLICY_NAME, name)
}

/// Subscriber `i` was told its authentication failed.
fn auth_failed(lab: &Lab, i: usize) -> bool {
    lab.subs[i]
        .events
        .iter()
        .any(|e| matches!(e, ClientEvent::AuthFailed(_)))
}

/// Adds a subscriber and lets it run as far as it gets; its index.
fn log_in(lab: &mut Lab, user: &str) -> usize {
    let i = lab.add_ip(user, "pw");
    run_for(lab, 5);
    i
}

/// Lets the lab run for `tenths` tenths of a second.
fn run_for(lab: &mut Lab, tenths: u32) {
    lab.settle();
    for _ in 0..tenths {
        lab.advance(Duration::from_millis(100));
    }
}

/// The refusals `core` counted for an unknown filter, in its table and in
/// `show subscribers summary`.
fn unknown_filter_refusals(core: &Core) -> (Option<u64>, Option<u32>) {
    let layer = core.subscribers();
    let counted = layer.table.refusals.get(&Refusal::UnknownFilter).copied();
    let show = SubscriberShow {
        summary: true,
        ..SubscriberShow::default()
    };
    let summary = layer
        .show_subscribers(core.registry(), &show)
        .expect("summary")
        .summary
        .expect("a summary");
    let shown = summary
        .refusals
        .iter()
        .find(|r| r.name == "unknown-filter")
        .map(|r| r.count);
    (counted, shown)
}

fn accounting_requests(lab: &Lab) -> usize {
    lab.lns_radius
        .as_ref()
        .expect("the LNS's server")
        .received
        .iter()
        .filter(|p| p.code == code::ACCOUNTING_REQUEST)
        .count()
}

/// RADIUS accounting on at the LNS, to the same server.
const ACCOUNTING: &str = "set access profile users accounting-order radius\n\
     set access profile users radius accounting-server 127.0.0.9\n";

#[test]
fn an_lns_login_naming_a_filter_not_configured_fails_counted_and_never_accounted() {
    // The control: a filter that is configured comes up, and its accounting starts.
    let mut lab = Lab::new(lac_config(""), lns(ACCOUNTING));
    lab.lns_radius = Some(accept_with(vec![ingress("NO-DNS")]));
    bring_up(&mut lab, "ann@isp.example");
    assert!(lab.ip_up(0));
    assert_eq!(accounting_requests(&lab), 1, "Acct-Start");

    for named in [ingress("NOPE"), egress("NOPE")] {
        let mut lab = Lab::new(lac_config(""), lns(ACCOUNTING));
        lab.lns_radius = Some(accept_with(vec![named, ingress("NO-DNS")]));
        let i = log_in(&mut lab, "bob@isp.example");
        assert!(!lab.ip_up(i), "{:?}", lab.subs[i].events);
        assert!(auth_failed(&lab, i), "{:?}", lab.subs[i].events);
        assert_eq!(unknown_filter_refusals(&lab.lns), (Some(1), Some(1)));
        assert_eq!(accounting_requests(&lab), 0, "no Acct-Start, no Acct-Stop");
        assert!(lab.lns.subscribers().table.iter().next().is_none());
        assert!(counters(&lab).iter().all(|(_, _, n)| *n == 0));
    }
}

#[test]
fn a_new_login_naming_a_filter_an_unchecked_apply_deleted_fails_while_its_holder_keeps_it() {
    let mut lab = Lab::new(lac_config(""), lns(""));
    lab.lns_radius = Some(accept_with(vec![ingress("NO-DNS")]));
    let address = bring_up(&mut lab, "eve@isp.example");
    commit(&mut lab, without_filters());

    let i = log_in(&mut lab, "fay@isp.example");
    assert!(!lab.ip_up(i) && auth_failed(&lab, i));
    assert_eq!(unknown_filter_refusals(&lab.lns), (Some(1), Some(1)));
    let dns = udp(address, INTERNET, 53);
    assert!(send_up(&mut lab, &[&dns]).is_empty(), "the holder keeps it");
}

#[test]
fn radius_attributes_ignore_leaves_the_filter_radius_names_unused() {
    let ignore = "set access profile users radius attributes ignore input-filter\n";
    let mut lab = Lab::new(lac_config(""), lns(ignore));
    lab.lns_radius = Some(accept_with(vec![ingress("NO-DNS"), egress("OUT")]));
    let address = bring_up(&mut lab, "gil@isp.example");
    assert!(lab.ip_up(0));
    // No input filter: the name RADIUS gave is not used.
    let dns = udp(address, INTERNET, 53);
    assert_eq!(
        send_up(&mut lab, &[&dns]),
        vec![(Arc::from("si-0/0/0"), dns)]
    );
    // The output filter RADIUS names is still taken.
    let echo = ping(INTERNET, address);
    assert!(send_down(&mut lab, std::slice::from_ref(&echo)).is_empty());
    assert_eq!(unknown_filter_refusals(&lab.lns), (None, None));

    // Both ignored: an Accept naming filters this router does not have logs in.
    let both = format!("{ignore}set access profile users radius attributes ignore output-filter\n");
    let mut lab = Lab::new(lac_config(""), lns(&both));
    lab.lns_radius = Some(accept_with(vec![ingress("NOPE"), egress("NOPE")]));
    bring_up(&mut lab, "hal@isp.example");
    assert!(lab.ip_up(0));
}

/// A LAC that terminates `local.example` itself (`pp0`), authenticating by RADIUS, whose
/// PPPoE profile applies the input filter RADIUS names.
fn terminating_lac(extra: &str) -> schema::typed::RouterConfig {
    lac_config(&format!(
        "{FILTERS}set interfaces {PORT} unit 0 family pppoe dynamic-profile PPPOE\n\
         set dynamic-profiles PPPOE interfaces pp0 unit \"$junos-interface-unit\" family inet filter input \"$junos-input-filter\"\n\
         set access domain map local.example access-profile users\n\
         set access domain map local.example address-pool local\n\
         set access profile users authentication-order radius\n\
         set access radius-server 127.0.0.9 secret {SECRET}\n\
         set access radius-server 127.0.0.9 message-authenticator optional\n\
         set access address-assignment pool local family inet network 198.18.0.0/16\n\
         set access address-assignment pool local family inet range r low 198.18.0.10\n\
         set access address-assignment pool local family inet range r high 198.18.0.250\n{extra}"
    ))
}

fn address_of(lab: &Lab, i: usize) -> Ipv4Addr {
    lab.subs[i].address().expect("IPCP up")
}

#[test]
fn a_subscriber_the_lac_terminates_is_refused_for_an_unknown_filter_and_filtered_by_a_known_one() {
    let mut lab = Lab::new(terminating_lac(""), config(""));
    lab.lac_radius = Some(accept_with(vec![ingress("NO-DNS")]));
    let i = log_in(&mut lab, "ivy@local.example");
    let address = address_of(&lab, i);
    let dns = udp(address, INTERNET, 53);
    let web = udp(address, INTERNET, 80);
    assert!(send_up_terminated(&mut lab, &[&dns], true).is_empty());
    assert_eq!(
        send_up_terminated(&mut lab, &[&web], true),
        vec![(Arc::from("pp0"), web)]
    );

    let mut lab = Lab::new(terminating_lac(""), config(""));
    lab.lac_radius = Some(accept_with(vec![ingress("NOPE")]));
    let i = log_in(&mut lab, "jon@local.example");
    assert!(!lab.ip_up(i) && auth_failed(&lab, i));
    assert_eq!(unknown_filter_refusals(&lab.lac), (Some(1), Some(1)));
}

/// Junos builds a tunnelled PPPoE subscriber's profile too: a filter it cannot attach
/// refuses the subscriber at the LAC, before any session reaches the LNS.
#[test]
fn a_tunnelled_subscriber_whose_lac_profile_names_an_unknown_filter_is_refused_at_the_lac() {
    let tunnelled = "set access domain map isp.example access-profile users\n";
    let mut lab = Lab::new(terminating_lac(tunnelled), config(LNS_BASE));
    lab.lac_radius = Some(accept_with(vec![ingress("NO-DNS")]));
    let i = log_in(&mut lab, "kim@isp.example");
    assert!(lab.ip_up(i), "the control: a known filter is tunnelled");
    assert!(lab.lns.subscribers().table.iter().next().is_some());

    let mut lab = Lab::new(terminating_lac(tunnelled), config(LNS_BASE));
    lab.lac_radius = Some(accept_with(vec![ingress("NOPE")]));
    let i = log_in(&mut lab, "lea@isp.example");
    assert!(!lab.ip_up(i) && auth_failed(&lab, i));
    assert_eq!(unknown_filter_refusals(&lab.lac), (Some(1), Some(1)));
    assert!(lab.lns.subscribers().table.iter().next().is_none());
}

/// A filter deleted (by an unchecked apply) after the subscriber authenticated with its name
/// and before it asked for an address: refused when it asks, no address taken.
#[test]
fn a_filter_gone_between_authentication_and_ipcp_refuses_the_subscriber_there() {
    let mut lab = Lab::new(lac_config(""), lns(""));
    lab.lns_radius = Some(accept_with(vec![ingress("NO-DNS")]));
    // A client that authenticates and then waits: it runs no IPCP of its own.
    lab.add("max@isp.example");
    run_for(&mut lab, 5);
    assert!(lab.lns.subscribers().table.iter().next().is_some());
    commit(&mut lab, without_filters());

    // Its first IPCP Configure-Request (no options).
    from_client(&mut lab, &[0x80, 0x21, 1, 1, 0, 4]);
    run_for(&mut lab, 50);
    assert_eq!(unknown_filter_refusals(&lab.lns), (Some(1), Some(1)));
    let layer = lab.lns.subscribers();
    assert!(layer.table.iter().next().is_none(), "the subscriber ended");
    assert_eq!(layer.lns.pools.in_use(), 0, "no address taken");
}
