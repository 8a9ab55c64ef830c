//! Dynamic profiles end to end in simulated time (see `sim_lab`): the LAC's PPPoE unit and
//! the LNS's tunnel group name a profile; each subscriber's PPP takes the profile's values
//! and `show subscribers detail` names the profile.

use std::net::Ipv4Addr;
use std::time::Duration;

use schema::l2tp_rpc::Level;
use schema::subscriber_rpc::SubscriberShow;

use super::sim_lab::{config, ipv4_between, lac_config, Lab, RadiusResponder, LNS_BASE, PORT};
use crate::aaa::radius::{attr, code, erx, Attribute};
use crate::ppp::client_link::ClientEvent;
use crate::subscriber::decision::Refusal;
use crate::subscriber::table::Phase;

/// The LAC offers PAP only, as its profile's `ppp-options` say (its default is CHAP first).
fn lac_profile() -> String {
    format!(
        "set interfaces {PORT} unit 0 family pppoe dynamic-profile PPPOE\n\
         set dynamic-profiles PPPOE interfaces pp0 unit \"$junos-interface-unit\" ppp-options pap\n\
         set dynamic-profiles PPPOE interfaces pp0 unit \"$junos-interface-unit\" pppoe-options underlying-interface \"$junos-underlying-interface\"\n\
         set dynamic-profiles PPPOE interfaces pp0 unit \"$junos-interface-unit\" pppoe-options server\n"
    )
}

/// The LNS's profile places its subscribers in vr1 and sends keepalives every 7 s.
pub(super) const LNS_PROFILE: &str = "set services l2tp tunnel-group g dynamic-profile LNS-PROFILE\n\
     set routing-instances vr1 instance-type virtual-router\n\
     set dynamic-profiles LNS-PROFILE variables vr default-value vr1\n\
     set dynamic-profiles LNS-PROFILE routing-instances \"$vr\" interface \"$junos-interface-name\"\n\
     set dynamic-profiles LNS-PROFILE interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" keepalives interval 7\n\
     set dynamic-profiles LNS-PROFILE interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" family inet unnumbered-address \"$junos-loopback-interface\"\n";

fn detail() -> SubscriberShow {
    SubscriberShow {
        level: Level::Detail,
        ..SubscriberShow::default()
    }
}

pub(super) fn bring_up(lab: &mut Lab, user: &str) {
    lab.add_ip(user, "pw");
    lab.settle();
    for _ in 0..5 {
        lab.advance(Duration::from_millis(100));
    }
}

#[test]
fn subscribers_come_up_from_their_profiles_and_show_them() {
    let mut lab = Lab::new(
        lac_config(&lac_profile()),
        config(&format!("{LNS_BASE}{LNS_PROFILE}")),
    );
    bring_up(&mut lab, "alice@isp.example");

    // The LAC: PAP, because the profile offered only PAP.
    let lac = lab.lac.subscribers();
    let subscriber = lac.table.iter().next().expect("one subscriber at the LAC");
    assert_eq!(subscriber.phase, Phase::Active);
    assert_eq!(subscriber.authentication, Some("pap"));
    let rows = lac
        .show_subscribers(lab.lac.registry(), &detail())
        .expect("rows");
    assert_eq!(
        rows.subscribers[0].dynamic_profile.as_deref(),
        Some("PPPOE")
    );
    assert!(rows.subscribers[0].interface.starts_with("pp0."));

    // The LNS: in vr1 (the profile's user variable), keepalives every 7 s.
    let lns = lab.lns.subscribers();
    let subscriber = lns.table.iter().next().expect("one subscriber at the LNS");
    assert_eq!(subscriber.routing_instance.as_deref(), Some("vr1"));
    let next = subscriber
        .link
        .as_ref()
        .and_then(|l| l.poll_timeout())
        .expect("the keepalive timer");
    assert!(next <= lab.now + Duration::from_secs(7), "{next:?}");
    let rows = lns
        .show_subscribers(lab.lns.registry(), &detail())
        .expect("rows");
    let row = &rows.subscribers[0];
    assert_eq!(row.dynamic_profile.as_deref(), Some("LNS-PROFILE"));
    assert_eq!(row.routing_instance, "vr1");
    assert!(row.interface.starts_with("si-0/0/0."), "{}", row.interface);
}

#[test]
fn without_a_profile_the_defaults_stand() {
    let mut lab = Lab::new(lac_config(""), config(LNS_BASE));
    bring_up(&mut lab, "bob@isp.example");
    let lac = lab.lac.subscribers();
    let subscriber = lac.table.iter().next().expect("one subscriber at the LAC");
    assert_eq!(subscriber.authentication, Some("chap"));
    assert_eq!(subscriber.dynamic_profile, None);
    let lns = lab.lns.subscribers();
    let subscriber = lns.table.iter().next().expect("one subscriber at the LNS");
    assert_eq!(subscriber.routing_instance, None);
    let next = subscriber
        .link
        .as_ref()
        .and_then(|l| l.poll_timeout())
        .expect("the keepalive timer");
    assert!(next > lab.now + Duration::from_secs(7), "{next:?}");
}

/// The LNS's profile borrows lo0.0's address: what the LNS calls itself in IPCP.
const UNNUMBERED: &str = "set services l2tp tunnel-group g dynamic-profile LNS-PROFILE\n\
     set interfaces lo0 unit 0 family inet address 127.0.0.77/32\n\
     set interfaces lo0 unit 0 family inet address 127.0.0.78/32\n\
     set dynamic-profiles LNS-PROFILE interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" family inet unnumbered-address \"$junos-loopback-interface\"\n";

pub(super) fn ipcp_up(events: &[ClientEvent]) -> Option<(Ipv4Addr, Ipv4Addr)> {
    events.iter().find_map(|e| match e {
        ClientEvent::IpUp { local, peer, .. } => Some((*local, *peer)),
        _ => None,
    })
}

#[test]
fn the_unnumbered_donors_address_is_the_lns_own_in_ipcp() {
    let mut lab = Lab::new(lac_config(""), config(&format!("{LNS_BASE}{UNNUMBERED}")));
    bring_up(&mut lab, "erin@isp.example");
    // The client learnt the LNS's address from the LNS's IPCP Configure-Request.
    let (address, peer) = ipcp_up(&lab.subs[0].events).expect("IPCP up");
    assert_eq!(peer, Ipv4Addr::new(127, 0, 0, 77));
    assert!(address.octets().starts_with(&[198, 18]), "{address}");
    // `show interfaces` names the same local address.
    let lns = lab.lns.subscribers();
    let subscriber = lns.table.iter().next().expect("the subscriber");
    assert_eq!(
        subscriber.lease.as_ref().map(|l| l.local),
        Some(Ipv4Addr::new(127, 0, 0, 77))
    );

    // With preferred-source-address the other of lo0.0's addresses.
    let mut lab = Lab::new(
        lac_config(""),
        config(&format!(
            "{LNS_BASE}{UNNUMBERED}set dynamic-profiles LNS-PROFILE interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" family inet unnumbered-address preferred-source-address 127.0.0.78\n"
        )),
    );
    bring_up(&mut lab, "erin@isp.example");
    let (_, peer) = ipcp_up(&lab.subs[0].events).expect("IPCP up");
    assert_eq!(peer, Ipv4Addr::new(127, 0, 0, 78));

    // Without a profile: the pool's gateway.
    let mut lab = Lab::new(lac_config(""), config(LNS_BASE));
    bring_up(&mut lab, "erin@isp.example");
    let (_, peer) = ipcp_up(&lab.subs[0].events).expect("IPCP up");
    assert_eq!(peer, Ipv4Addr::new(198, 18, 0, 1));
}

const SECRET: &str = "radius-secret";

/// The LNS authenticates by RADIUS; its profile's routing instance is a mandatory user
/// variable that 26-4874-1 supplies, and its keepalive interval one that 26-2636-99 may.
fn lns_with_radius_profile() -> schema::typed::RouterConfig {
    config(&format!(
        "{LNS_BASE}set services l2tp tunnel-group g aaa-access-profile users\n\
         set services l2tp tunnel-group g dynamic-profile RADIUS-PROFILE\n\
         set access profile users authentication-order radius\n\
         set access radius-server 127.0.0.9 secret {SECRET}\n\
         set access radius-server 127.0.0.9 message-authenticator optional\n\
         set routing-instances isp-b instance-type virtual-router\n\
         set dynamic-profiles RADIUS-PROFILE variables vr mandatory\n\
         set dynamic-profiles RADIUS-PROFILE variables vr radius vendor-id 4874 attribute 1\n\
         set dynamic-profiles RADIUS-PROFILE routing-instances \"$vr\" interface \"$junos-interface-name\"\n"
    ))
}

fn accept_with(attributes: Vec<Attribute>) -> RadiusResponder {
    RadiusResponder::new(
        SECRET,
        Box::new(move |_| Some((code::ACCESS_ACCEPT, attributes.clone()))),
    )
}

#[test]
fn radius_fills_the_profiles_variables_and_a_missing_mandatory_one_refuses() {
    let mut lab = Lab::new(lac_config(""), lns_with_radius_profile());
    lab.lns_radius = Some(accept_with(vec![Attribute::vendor(
        erx::VENDOR,
        erx::VIRTUAL_ROUTER,
        "isp-b",
    )]));
    bring_up(&mut lab, "fay@isp.example");
    assert!(ipcp_up(&lab.subs[0].events).is_some());
    let lns = lab.lns.subscribers();
    let subscriber = lns.table.iter().next().expect("the subscriber");
    assert_eq!(subscriber.phase, Phase::Active);
    assert_eq!(subscriber.routing_instance.as_deref(), Some("isp-b"));

    // An Accept without 26-4874-1: the profile fails, the subscriber is refused, counted.
    let mut lab = Lab::new(lac_config(""), lns_with_radius_profile());
    lab.lns_radius = Some(accept_with(vec![]));
    bring_up(&mut lab, "gus@isp.example");
    assert!(ipcp_up(&lab.subs[0].events).is_none());
    assert!(
        lab.subs[0]
            .events
            .iter()
            .any(|e| matches!(e, ClientEvent::AuthFailed(_))),
        "{:?}",
        lab.subs[0].events
    );
    let lns = lab.lns.subscribers();
    assert_eq!(lns.table.refusals.get(&Refusal::DynamicProfile), Some(&1));
    let summary = lns
        .show_subscribers(
            lab.lns.registry(),
            &SubscriberShow {
                summary: true,
                ..SubscriberShow::default()
            },
        )
        .expect("summary")
        .summary
        .expect("a summary");
    assert!(
        summary
            .refusals
            .iter()
            .any(|r| r.name == "dynamic-profile" && r.count == 1),
        "{:?}",
        summary.refusals
    );
}

#[test]
fn a_tunnelled_pppoe_subscriber_is_refused_when_its_mandatory_variable_has_no_value() {
    let profile = format!(
        "{}set dynamic-profiles PPPOE variables vr mandatory\n\
         set dynamic-profiles PPPOE variables vr radius vendor-id 4874 attribute 1\n",
        lac_profile()
    );
    let mut lab = Lab::new(lac_config(&profile), config(LNS_BASE));
    bring_up(&mut lab, "hal@isp.example");
    let lac = lab.lac.subscribers();
    assert_eq!(lac.table.refusals.get(&Refusal::DynamicProfile), Some(&1));
    // No session reached the LNS.
    assert!(lab.lns.subscribers().table.iter().next().is_none());

    // Without `mandatory` the same profile lets it through.
    let mut lab = Lab::new(lac_config(&lac_profile()), config(LNS_BASE));
    bring_up(&mut lab, "hal@isp.example");
    assert!(lab.lns.subscribers().table.iter().next().is_some());
}

/// The LNS's profile installs each Framed-Route through Juniper's access-route stanza, with
/// a tag of its own, and a literal route besides.
pub(super) fn lns_with_access_routes(stanza: &str) -> schema::typed::RouterConfig {
    config(&format!(
        "{LNS_BASE}set services l2tp tunnel-group g aaa-access-profile users\n\
         set services l2tp tunnel-group g dynamic-profile ROUTED\n\
         set access profile users authentication-order radius\n\
         set access radius-server 127.0.0.9 secret {SECRET}\n\
         set access radius-server 127.0.0.9 message-authenticator optional\n\
         set dynamic-profiles ROUTED interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" keepalives interval 30\n\
         {stanza}"
    ))
}

pub(super) const ACCESS_STANZA: &str = "set dynamic-profiles ROUTED routing-options access route \"$junos-framed-route-ip-address-prefix\" next-hop \"$junos-framed-route-nexthop\"\n\
     set dynamic-profiles ROUTED routing-options access route \"$junos-framed-route-ip-address-prefix\" metric \"$junos-framed-route-cost\"\n\
     set dynamic-profiles ROUTED routing-options access route \"$junos-framed-route-ip-address-prefix\" preference \"$junos-framed-route-distance\"\n\
     set dynamic-profiles ROUTED routing-options access route \"$junos-framed-route-ip-address-prefix\" tag 7\n\
     set dynamic-profiles ROUTED routing-options access route 198.18.70.0/24 preference 20\n";

pub(super) fn framed_accept() -> RadiusResponder {
    accept_with(vec![
        Attribute::string(attr::FRAMED_ROUTE, "198.18.60.0/24 0.0.0.0 5"),
        Attribute::string(attr::FRAMED_ROUTE, "198.18.61.0/29"),
    ])
}

fn prefix(a: [u8; 4], length: u8) -> crate::io::prefix_table::Prefix {
    crate::io::prefix_table::Prefix::new(a.into(), length).expect("a prefix")
}

#[test]
fn the_profiles_access_routes_install_framed_routes_and_go_at_logout() {
    let mut lab = Lab::new(lac_config(""), lns_with_access_routes(ACCESS_STANZA));
    lab.lns_radius = Some(framed_accept());
    bring_up(&mut lab, "ida@isp.example");
    let (address, _) = ipcp_up(&lab.subs[0].events).expect("IPCP up");
    let routes = lab.lns.poll_routes_changed().expect("routes installed");
    assert_eq!(
        routes.get("si-0/0/0"),
        Some(&vec![
            prefix([198, 18, 60, 0], 24),
            prefix([198, 18, 61, 0], 29),
            prefix([198, 18, 70, 0], 24),
        ])
    );
    // `show subscribers detail`: each route with the stanza's values.
    let lns = lab.lns.subscribers();
    let rows = lns
        .show_subscribers(lab.lns.registry(), &detail())
        .expect("rows");
    let row = &rows.subscribers[0];
    type Seen = (String, Option<Ipv4Addr>, Option<u32>, u32, Option<u32>);
    let seen: Vec<Seen> = row
        .access_routes
        .iter()
        .map(|r| (r.prefix.clone(), r.next_hop, r.metric, r.preference, r.tag))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("198.18.60.0/24".into(), Some(address), Some(5), 13, Some(7)),
            ("198.18.61.0/29".into(), Some(address), None, 13, Some(7)),
            ("198.18.70.0/24".into(), Some(address), None, 20, None),
        ]
    );
    assert!(row.access_routes[0].interface.starts_with("si-0/0/0."));

    // A packet to a routed prefix reaches the subscriber.
    let server = Ipv4Addr::new(198, 19, 0, 1);
    let packet = ipv4_between(server, Ipv4Addr::new(198, 18, 70, 9));
    let now = lab.now;
    lab.lns
        .handle_ip_packets(now, "si-0/0/0", std::slice::from_ref(&packet));
    lab.settle();
    assert_eq!(lab.subs[0].ip_received, vec![packet]);

    // Logout: every route goes.
    lab.subs[0].pppoe.terminate();
    lab.settle();
    lab.advance(Duration::from_secs(5));
    assert_eq!(lab.lns.subscribers().table.len(), 0);
    let routes = lab.lns.poll_routes_changed().expect("routes removed");
    assert!(routes.is_empty(), "{routes:?}");
}

#[test]
fn a_profile_without_the_access_stanza_installs_no_framed_route() {
    let mut lab = Lab::new(lac_config(""), lns_with_access_routes(""));
    lab.lns_radius = Some(framed_accept());
    bring_up(&mut lab, "jo@isp.example");
    assert!(ipcp_up(&lab.subs[0].events).is_some());
    assert!(
        lab.lns.poll_routes_changed().is_none(),
        "no route installed"
    );
    let lns = lab.lns.subscribers();
    let rows = lns
        .show_subscribers(lab.lns.registry(), &detail())
        .expect("rows");
    let row = &rows.subscribers[0];
    assert!(row.access_routes.is_empty());
    let unused = &row
        .aaa
        .as_ref()
        .expect("the RADIUS grant")
        .unused_attributes;
    assert_eq!(
        unused,
        &vec![
            "Framed-Route 198.18.60.0/24: dynamic profile ROUTED has no routing-options access route \"$junos-framed-route-ip-address-prefix\"".to_string(),
            "Framed-Route 198.18.61.0/29: dynamic profile ROUTED has no routing-options access route \"$junos-framed-route-ip-address-prefix\"".to_string(),
        ]
    );
}

/// The LAC's PPPoE profile with `ppp-options` `extra` (`mru 1400;` …).
fn lac_profile_with(ppp: &str) -> String {
    format!(
        "{}set dynamic-profiles PPPOE interfaces pp0 unit \"$junos-interface-unit\" ppp-options {ppp}\n",
        lac_profile()
    )
}

/// The MTU `show pppoe interfaces` gives the LAC's one subscriber.
fn pppoe_mtu(lab: &Lab) -> (u16, u16) {
    let shown = lab
        .lac
        .subscribers()
        .show_pppoe_interfaces(lab.now, &schema::subscriber_rpc::PppoeSelect::default())
        .expect("shown");
    let interface = &shown.interfaces[0];
    (interface.mru, interface.mtu)
}

/// `ppp-options mru`: the LAC's LCP asks the client for it (the client's LCP acked it, so
/// it sends no more); without it the session's payload (1492) stands. `mtu` is the
/// interface's MTU as shown, within the client's own MRU.
#[test]
fn a_pppoe_profiles_mru_is_asked_for_and_its_mtu_shown() {
    let mut lab = Lab::new(lac_config(&lac_profile_with("mru 1400")), config(LNS_BASE));
    bring_up(&mut lab, "mru@isp.example");
    assert_eq!(lab.subs[0].ppp.negotiated().peer_mru, Some(1400));
    // The client asked for 1492; no mtu: the session's payload.
    assert_eq!(pppoe_mtu(&lab), (1492, 1492));

    let mut lab = Lab::new(lac_config(&lac_profile_with("mtu 1380")), config(LNS_BASE));
    bring_up(&mut lab, "mtu@isp.example");
    assert_eq!(lab.subs[0].ppp.negotiated().peer_mru, Some(1492));
    assert_eq!(pppoe_mtu(&lab), (1492, 1380));

    // Above what a PPPoE session carries: held to its payload (RFC 2516 §7).
    let mut lab = Lab::new(lac_config(&lac_profile_with("mru 1500")), config(LNS_BASE));
    bring_up(&mut lab, "big@isp.example");
    assert_eq!(lab.subs[0].ppp.negotiated().peer_mru, Some(1492));
    assert_eq!(
        lab.lac.subscribers().table.iter().next().map(|s| s.phase),
        Some(Phase::Active)
    );
}

/// At the LNS the profile's MRU is its own: a proxy LCP in which the LAC asked the client
/// for more is not taken, and the LNS renegotiates LCP with the client for its MRU.
#[test]
fn an_lns_profiles_mru_is_asked_for_even_over_proxy_lcp() {
    let mru = "set dynamic-profiles LNS-PROFILE interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" ppp-options mru 1400\n";
    let mut lab = Lab::new(
        lac_config(""),
        config(&format!("{LNS_BASE}{LNS_PROFILE}{mru}")),
    );
    bring_up(&mut lab, "lns-mru@isp.example");
    assert_eq!(lab.subs[0].ppp.negotiated().peer_mru, Some(1400));
    let lns = lab.lns.subscribers();
    let subscriber = lns.table.iter().next().expect("one subscriber at the LNS");
    assert_eq!(subscriber.phase, Phase::Active);
    assert_eq!(
        subscriber.lcp_takeover,
        Some(crate::subscriber::table::LcpTakeover::Renegotiated)
    );

    // `mtu` is the interface's, as `show interfaces` gives it.
    let mtu = "set dynamic-profiles LNS-PROFILE interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" ppp-options mtu 1380\n";
    let lns_config = config(&format!("{LNS_BASE}{LNS_PROFILE}{mtu}"));
    let mut lab = Lab::new(lac_config(""), lns_config.clone());
    bring_up(&mut lab, "lns-mtu@isp.example");
    let shown = lab
        .lns
        .subscribers()
        .show_interfaces(
            lab.now,
            lab.lns.registry(),
            &lns_config,
            &schema::interface_rpc::InterfaceShow {
                name: None,
                level: schema::interface_rpc::InterfaceLevel::Detail,
            },
        )
        .expect("shown");
    let families: Vec<Option<u16>> = shown
        .physical
        .iter()
        .flat_map(|i| &i.units)
        .flat_map(|l| &l.address_family)
        .map(|f| f.mtu)
        .collect();
    assert_eq!(families, [Some(1380)]);

    // The same profile without `mru`: the LAC's proxy LCP is taken.
    let mut lab = Lab::new(lac_config(""), config(&format!("{LNS_BASE}{LNS_PROFILE}")));
    bring_up(&mut lab, "lns-proxy@isp.example");
    assert_eq!(lab.subs[0].ppp.negotiated().peer_mru, Some(1492));
    let lns = lab.lns.subscribers();
    let subscriber = lns.table.iter().next().expect("one subscriber at the LNS");
    assert_eq!(
        subscriber.lcp_takeover,
        Some(crate::subscriber::table::LcpTakeover::ProxyAccepted)
    );
}

/// The LNS's profile's `keepalives interval 1 down-count 2`: a subscriber that stops answering
/// (nothing reaches it any more) has its link declared down at the LNS once two echoes went
/// unanswered, three seconds after its last answer, where the default of three would wait
/// four.
#[test]
fn the_lns_profiles_down_count_is_the_echoes_left_unanswered() {
    let quick = "set services l2tp tunnel-group g dynamic-profile QUICK\n\
         set dynamic-profiles QUICK interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" keepalives interval 1 down-count 2\n";
    let mut lab = Lab::new(lac_config(""), config(&format!("{LNS_BASE}{quick}")));
    bring_up(&mut lab, "dee@isp.example");
    let lcp = |lab: &Lab| {
        let lns = lab.lns.subscribers();
        let subscriber = lns.table.iter().next()?;
        subscriber.link.as_ref().map(|l| l.lcp_state())
    };
    assert_eq!(lcp(&lab), Some(crate::ppp::fsm::State::Opened));
    // From now on every frame to the subscriber is lost.
    lab.subs.clear();
    let mut down_after = None;
    for second in 1..=6 {
        lab.advance(Duration::from_secs(1));
        if lcp(&lab) != Some(crate::ppp::fsm::State::Opened) {
            down_after = Some(second);
            break;
        }
    }
    assert!(
        matches!(down_after, Some(2..=3)),
        "down after {down_after:?} s (two echoes, one a second)"
    );
}
