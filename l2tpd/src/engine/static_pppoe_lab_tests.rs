//! Static PPPoE subscriber interfaces end to end in simulated time (see `sim_lab`): the
//! brief's Junos text — `pp0 unit 1` on `veth-sub.100` with `encapsulation ppp-over-ether` —
//! serves one client at a time as `pp0.1`, with the unit's PPP options; a second client gets
//! no PADO while the unit is busy, and comes up once the first has left.

use std::sync::Arc;
use std::time::Duration;

use schema::l2tp_rpc::Level;
use schema::subscriber_rpc::SubscriberShow;
use schema::typed::RouterConfig;

use super::sim_lab::{config, Lab, LAC, LNS, LNS_BASE, PORT};
use crate::ppp::fsm::State;
use crate::pppoe::wire::VlanTag;
use crate::subscriber::table::Phase;

/// The LAC of the brief: one static pp0 unit on VLAN 100, `ppp-options` as given.
fn lac_config(ppp_options: &str, extra: &str) -> RouterConfig {
    config(&format!(
        "set system host-name lac-s\n\
         set interfaces {PORT} vlan-tagging\n\
         set interfaces {PORT} unit 100 vlan-id 100\n\
         set interfaces {PORT} unit 100 encapsulation ppp-over-ether\n\
         set interfaces lo0 unit 0 family inet address 198.19.0.1/32\n\
         set interfaces pp0 unit 1 ppp-options {ppp_options}\n\
         set interfaces pp0 unit 1 pppoe-options underlying-interface {PORT}.100\n\
         set interfaces pp0 unit 1 pppoe-options server\n\
         set interfaces pp0 unit 1 keepalives interval 30\n\
         set interfaces pp0 unit 1 family inet unnumbered-address lo0.0\n\
         set access tunnel-profile tp tunnel 1 source-gateway address {LAC}\n\
         set access tunnel-profile tp tunnel 1 remote-gateway address {LNS}\n\
         set access domain map isp.example tunnel-profile tp\n{extra}"
    ))
}

fn settle(lab: &mut Lab) {
    lab.settle();
    for _ in 0..5 {
        lab.advance(Duration::from_millis(100));
    }
}

fn vlan_100() -> Vec<VlanTag> {
    vec![VlanTag::dot1q(100)]
}

/// `show subscribers` at the LAC: each subscriber's user and interface.
fn lac_interfaces(lab: &Lab) -> Vec<(String, String)> {
    let show = SubscriberShow {
        level: Level::Detail,
        ..SubscriberShow::default()
    };
    let lac = lab.lac.subscribers();
    let rows = lac
        .show_subscribers(lab.lac.registry(), &show)
        .expect("rows");
    rows.subscribers
        .into_iter()
        .map(|r| (r.user_name.unwrap_or_default(), r.interface))
        .collect()
}

/// PADIs of the port left unanswered because every session the unit may carry is up.
fn refused_padis(lab: &Lab) -> u64 {
    let counters = lab.lac.subscribers().access.counters();
    counters.get(PORT).map_or(0, |c| c.max_sessions_refused)
}

#[test]
fn a_client_on_the_underlying_unit_comes_up_on_pp0_1_with_the_units_ppp_options() {
    let mut lab = Lab::new(lac_config("chap", ""), config(LNS_BASE));
    let first = lab.add_tagged("ann@isp.example", vlan_100());
    settle(&mut lab);
    assert!(lab.ip_up(first), "{:?}", lab.subs[first].events);
    let lac = lab.lac.subscribers();
    let subscriber = lac.table.iter().next().expect("the subscriber");
    assert_eq!(subscriber.phase, Phase::Active);
    assert_eq!(subscriber.authentication, Some("chap"));
    assert_eq!(subscriber.dynamic_profile, None);
    assert_eq!(
        lac_interfaces(&lab),
        [("ann@isp.example".to_string(), "pp0.1".to_string())]
    );
    // `show subscribers detail` reads `Interface type: Static`.
    let rows = lac
        .show_subscribers(lab.lac.registry(), &SubscriberShow::default())
        .expect("rows");
    assert!(rows.subscribers[0].static_interface);

    // The unit's own options, not the LAC's defaults (CHAP first): PAP only.
    let mut lab = Lab::new(lac_config("pap", ""), config(LNS_BASE));
    let first = lab.add_tagged("ann@isp.example", vlan_100());
    settle(&mut lab);
    assert!(lab.ip_up(first), "{:?}", lab.subs[first].events);
    let lac = lab.lac.subscribers();
    let subscriber = lac.table.iter().next().expect("the subscriber");
    assert_eq!(subscriber.authentication, Some("pap"));
}

/// `ppp-options chap challenge-length minimum N maximum M` ("challenge-length (Static and
/// Dynamic PPP)"): the unit's challenges are that long, and the client still authenticates.
#[test]
fn the_units_chap_challenge_length_is_the_one_configured() {
    for (options, sizes) in [
        ("chap", 16..=16),
        ("chap challenge-length minimum 40 maximum 40", 40..=40),
        ("chap challenge-length minimum 8 maximum 63", 8..=63),
    ] {
        let mut lab = Lab::new(lac_config(options, ""), config(LNS_BASE));
        let first = lab.add_tagged("ann@isp.example", vlan_100());
        settle(&mut lab);
        assert!(lab.ip_up(first), "{options}: {:?}", lab.subs[first].events);
        let seen = &lab.subs[first].chap_challenge_sizes;
        assert!(!seen.is_empty(), "{options}: no CHAP challenge");
        assert!(
            seen.iter().all(|size| sizes.contains(size)),
            "{options}: challenges of {seen:?} octets"
        );
    }
}

#[test]
fn a_second_client_gets_no_pado_while_the_one_static_unit_is_busy_and_does_once_it_leaves() {
    let mut lab = Lab::new(lac_config("chap", ""), config(LNS_BASE));
    let first = lab.add_tagged("ann@isp.example", vlan_100());
    settle(&mut lab);
    assert!(lab.ip_up(first));

    // Its first PADI and the resend a second later: no PADO, each counted.
    let second = lab.add_tagged("bea@isp.example", vlan_100());
    settle(&mut lab);
    lab.advance(Duration::from_secs(1));
    assert!(!lab.ip_up(second));
    assert_eq!(refused_padis(&lab), 2);
    assert_eq!(lab.lac.subscribers().table.iter().count(), 1);

    // The first leaves (its LNS ends the call; the LAC sends it a PADT): pp0.1 is free, and
    // the second client's next PADI (two seconds on) is answered.
    lab.lns_sends_cdn();
    settle(&mut lab);
    assert_eq!(lab.lac.subscribers().table.iter().count(), 0);
    lab.advance(Duration::from_secs(2));
    settle(&mut lab);
    assert!(lab.ip_up(second), "{:?}", lab.subs[second].events);
    assert_eq!(
        lac_interfaces(&lab),
        [("bea@isp.example".to_string(), "pp0.1".to_string())]
    );
    assert_eq!(refused_padis(&lab), 2);
}

#[test]
fn two_static_units_carry_two_clients_and_a_commit_deleting_a_busy_one_logs_it_out() {
    let second_unit = format!(
        "set interfaces pp0 unit 2 pppoe-options underlying-interface {PORT}.100\n\
         set interfaces pp0 unit 2 pppoe-options server\n"
    );
    let mut lab = Lab::new(lac_config("chap", &second_unit), config(LNS_BASE));
    let first = lab.add_tagged("ann@isp.example", vlan_100());
    settle(&mut lab);
    let second = lab.add_tagged("bea@isp.example", vlan_100());
    settle(&mut lab);
    assert!(lab.ip_up(first) && lab.ip_up(second));
    let mut up = lac_interfaces(&lab);
    up.sort();
    assert_eq!(
        up,
        [
            ("ann@isp.example".to_string(), "pp0.1".to_string()),
            ("bea@isp.example".to_string(), "pp0.2".to_string())
        ]
    );

    // pp0.2 deleted: bea is logged out, ann stays on pp0.1.
    let now = lab.now;
    lab.lac.apply_config(now, &Arc::new(lac_config("chap", "")));
    settle(&mut lab);
    assert_eq!(
        lac_interfaces(&lab),
        [("ann@isp.example".to_string(), "pp0.1".to_string())]
    );
    assert!(lab.subs[second].ended, "the PADT reached bea");
}

#[test]
fn a_commit_that_leaves_the_busy_unit_alone_keeps_its_subscriber_and_one_changing_it_logs_it_out() {
    let mut lab = Lab::new(lac_config("chap", ""), config(LNS_BASE));
    let first = lab.add_tagged("ann@isp.example", vlan_100());
    settle(&mut lab);
    assert!(lab.ip_up(first));

    // Another statement changes: pp0.1 is as it was, ann stays.
    let now = lab.now;
    let other = "set interfaces lo0 unit 0 description loopback\n";
    lab.lac
        .apply_config(now, &Arc::new(lac_config("chap", other)));
    settle(&mut lab);
    assert_eq!(lac_interfaces(&lab).len(), 1);
    assert!(!lab.subs[first].ended);

    // pp0.1's own PPP options change: its session was negotiated under the old ones.
    let now = lab.now;
    lab.lac
        .apply_config(now, &Arc::new(lac_config("pap", other)));
    settle(&mut lab);
    assert!(lac_interfaces(&lab).is_empty());
    assert!(lab.subs[first].ended, "the PADT reached ann");
}

/// A LAC that terminates `local.example` itself, with a local password and pool.
const TERMINATES: &str = "set access domain map local.example access-profile users\n\
     set access domain map local.example address-pool local\n\
     set access profile users client ann@local.example chap-secret pw\n\
     set access address-assignment pool local family inet network 198.18.0.0/16\n\
     set access address-assignment pool local family inet range r low 198.18.0.10\n\
     set access address-assignment pool local family inet range r high 198.18.0.250\n";

/// Where the subscriber's PPP ends here, the unit's `keepalives` and `unnumbered-address`
/// are its link's: echoes every 30 s, and lo0.0's address is the router's in IPCP.
#[test]
fn a_terminated_subscriber_gets_the_units_keepalives_and_unnumbered_address() {
    let mut lab = Lab::new(lac_config("chap", TERMINATES), config(""));
    let first = lab.add_tagged("ann@local.example", vlan_100());
    settle(&mut lab);
    let (_, peer) =
        super::dynamic_profile_lab_tests::ipcp_up(&lab.subs[first].events).expect("IPCP up");
    assert_eq!(peer, std::net::Ipv4Addr::new(198, 19, 0, 1));
    let lac = lab.lac.subscribers();
    let subscriber = lac.table.iter().next().expect("the subscriber");
    assert!(subscriber.terminated);
    let next = subscriber
        .link
        .as_ref()
        .and_then(|l| l.poll_timeout())
        .expect("the keepalive timer");
    assert!(next <= lab.now + Duration::from_secs(30), "{next:?}");
    assert_eq!(
        lac_interfaces(&lab),
        [("ann@local.example".to_string(), "pp0.1".to_string())]
    );
}

/// Without `unnumbered-address`, the unit's own `family inet address` is the router's in IPCP.
#[test]
fn a_terminated_subscriber_gets_the_units_own_address_without_unnumbered() {
    let own = format!(
        "{TERMINATES}delete interfaces pp0 unit 1 family inet unnumbered-address\n\
         set interfaces pp0 unit 1 family inet address 198.19.1.1/32\n"
    );
    let config_text = lac_config("chap", &own);
    assert_eq!(
        config_text.interfaces["pp0"].units[&1]
            .static_pppoe
            .as_ref()
            .and_then(|p| p.unnumbered_address.as_deref()),
        None
    );
    let mut lab = Lab::new(config_text, config(""));
    let first = lab.add_tagged("ann@local.example", vlan_100());
    settle(&mut lab);
    let (_, peer) =
        super::dynamic_profile_lab_tests::ipcp_up(&lab.subs[first].events).expect("IPCP up");
    assert_eq!(peer, std::net::Ipv4Addr::new(198, 19, 1, 1));
}

/// ann's address and the router's, as IPCP gave them to ann on pp0.1, under `extra`.
fn ann_addresses(extra: &str) -> (std::net::Ipv4Addr, std::net::Ipv4Addr) {
    let mut lab = Lab::new(lac_config("chap", extra), config(""));
    let first = lab.add_tagged("ann@local.example", vlan_100());
    settle(&mut lab);
    super::dynamic_profile_lab_tests::ipcp_up(&lab.subs[first].events).expect("IPCP up")
}

/// `unnumbered-address lo0.0 destination A` (unnumbered-address (PPP)): the unit's one
/// subscriber is given A in IPCP, not an address of the domain's pool; lo0.0's address stays
/// the router's. A client entry's `framed-ip-address` (as RADIUS's Framed-IP-Address) still
/// comes first: it names this user, the unit names whoever dials in on it.
#[test]
fn a_terminated_subscriber_gets_the_units_destination_address() {
    let destination = format!(
        "{TERMINATES}set interfaces pp0 unit 1 family inet unnumbered-address destination 198.19.2.7\n"
    );
    assert_eq!(
        ann_addresses(&destination),
        ("198.19.2.7".parse().unwrap(), "198.19.0.1".parse().unwrap())
    );
    let framed = format!(
        "{destination}set access profile users client ann@local.example ppp framed-ip-address 198.18.0.99\n"
    );
    assert_eq!(
        ann_addresses(&framed).0,
        std::net::Ipv4Addr::new(198, 18, 0, 99)
    );
}

/// The LCP state of the LAC's only subscriber, if it has one.
fn lcp_state(lab: &Lab) -> Option<State> {
    let lac = lab.lac.subscribers();
    let subscriber = lac.table.iter().next()?;
    subscriber.link.as_ref().map(|l| l.lcp_state())
}

/// `keepalives interval 1 down-count 2`: a terminated subscriber that stops answering (its
/// line goes quiet: nothing reaches it any more) has its link declared down once two
/// Echo-Requests went unanswered — three seconds after its last answer, where Junos' default
/// of three would wait four — and is logged out once LCP's Terminate-Requests run out.
#[test]
fn a_client_that_stops_answering_is_logged_out_after_down_count_missed_echoes() {
    let quick = format!(
        "{TERMINATES}set interfaces pp0 unit 1 keepalives interval 1\n\
         set interfaces pp0 unit 1 keepalives down-count 2\n"
    );
    let mut lab = Lab::new(lac_config("chap", &quick), config(""));
    let first = lab.add_tagged("ann@local.example", vlan_100());
    settle(&mut lab);
    assert!(lab.ip_up(first), "{:?}", lab.subs[first].events);
    // LCP opened less than a second ago (`settle` moves half a second): its first echo is
    // due within the second, and from now on every frame to the subscriber is lost.
    lab.subs.clear();
    lab.advance(Duration::from_secs(1));
    lab.advance(Duration::from_secs(1));
    assert_eq!(
        lcp_state(&lab),
        Some(State::Opened),
        "two echoes sent, the second not yet overdue"
    );
    lab.advance(Duration::from_secs(1));
    assert_eq!(
        lcp_state(&lab),
        Some(State::Closing),
        "two echoes unanswered: the link is down, LCP terminating"
    );
    // RFC 1661's Terminate-Requests (3 s apart) go unanswered too: bounded, then gone.
    for _ in 0..12 {
        lab.advance(Duration::from_secs(1));
    }
    assert!(lac_interfaces(&lab).is_empty(), "logged out");
}
