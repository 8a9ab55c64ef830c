//! Firewall filters end to end in simulated time (see `sim_lab`): a PPPoE subscriber → our
//! LAC → our LNS, whose dynamic profile applies `"$junos-input-filter"` and
//! `"$junos-output-filter"` as RADIUS names them (Ingress-/Egress-Policy-Name, 26-4874-10
//! and -11). A packet a filter discards never reaches the service interface (or the
//! subscriber), and is counted by its term's counter and as a data drop.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use schema::firewall_rpc::FirewallSelect;

use super::sim_lab::{config, lac_config, Lab, RadiusResponder, LNS_BASE, PORT};
use crate::aaa::radius::{code, erx, Attribute};
use crate::ppp::client_link::ClientEvent;

pub(super) const SECRET: &str = "radius-secret";
pub(super) const INTERNET: Ipv4Addr = Ipv4Addr::new(127, 9, 0, 1);
/// Ingress-Policy-Name and Egress-Policy-Name.
pub(super) const INGRESS_POLICY_NAME: u8 = 10;
pub(super) const EGRESS_POLICY_NAME: u8 = 11;

/// NO-DNS counts and discards the subscriber's DNS; OUT counts pings toward it and
/// discards them; the profile applies both by variable.
pub(super) const FILTERS: &str = "\
set firewall family inet filter NO-DNS term dns from protocol udp\n\
set firewall family inet filter NO-DNS term dns from destination-port domain\n\
set firewall family inet filter NO-DNS term dns then count dns\n\
set firewall family inet filter NO-DNS term dns then discard\n\
set firewall family inet filter NO-DNS term rest then accept\n\
set firewall family inet filter OUT interface-specific\n\
set firewall family inet filter OUT term ping from protocol icmp\n\
set firewall family inet filter OUT term ping then count pings\n\
set firewall family inet filter OUT term ping then discard\n\
set firewall family inet filter OUT term rest\n";

pub(super) fn lns(extra: &str) -> schema::typed::RouterConfig {
    lns_with(FILTERS, extra)
}

/// The LNS with `filters` in place of [`FILTERS`].
pub(super) fn lns_with(filters: &str, extra: &str) -> schema::typed::RouterConfig {
    config(&format!(
        "{LNS_BASE}{filters}set services l2tp tunnel-group g aaa-access-profile users\n\
         set services l2tp tunnel-group g dynamic-profile SUBSCRIBER\n\
         set access profile users authentication-order radius\n\
         set access radius-server 127.0.0.9 secret {SECRET}\n\
         set access radius-server 127.0.0.9 message-authenticator optional\n\
         set dynamic-profiles SUBSCRIBER interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" family inet filter input \"$junos-input-filter\"\n\
         set dynamic-profiles SUBSCRIBER interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" family inet filter output \"$junos-output-filter\"\n\
         {extra}"
    ))
}

pub(super) fn accept_with(attributes: Vec<Attribute>) -> RadiusResponder {
    RadiusResponder::new(
        SECRET,
        Box::new(move |_| Some((code::ACCESS_ACCEPT, attributes.clone()))),
    )
}

/// An IPv4 packet (checksums zero: nothing on the way checks them).
pub(super) fn ipv4(
    protocol: u8,
    source: Ipv4Addr,
    destination: Ipv4Addr,
    transport: &[u8],
) -> Vec<u8> {
    let total = u16::try_from(20 + transport.len()).expect("small");
    let mut packet = vec![0x45, 0, 0, 0, 0, 1, 0, 0, 64, protocol, 0, 0];
    packet[2..4].copy_from_slice(&total.to_be_bytes());
    packet.extend_from_slice(&source.octets());
    packet.extend_from_slice(&destination.octets());
    packet.extend_from_slice(transport);
    packet
}

pub(super) fn udp(source: Ipv4Addr, destination: Ipv4Addr, port: u16) -> Vec<u8> {
    let mut t = 40000u16.to_be_bytes().to_vec();
    t.extend_from_slice(&port.to_be_bytes());
    t.extend_from_slice(&[0, 12, 0, 0, b'd', b'a', b't', b'a']);
    ipv4(17, source, destination, &t)
}

pub(super) fn ping(source: Ipv4Addr, destination: Ipv4Addr) -> Vec<u8> {
    ipv4(1, source, destination, &[8, 0, 0, 0, 0, 1, 0, 1])
}

/// Brings one subscriber up; its address.
pub(super) fn bring_up(lab: &mut Lab, user: &str) -> Ipv4Addr {
    lab.add_ip(user, "pw");
    lab.settle();
    for _ in 0..5 {
        lab.advance(Duration::from_millis(100));
    }
    ipcp_addresses(lab).0
}

/// The first subscriber's address and the router's, as IPCP gave them.
pub(super) fn ipcp_addresses(lab: &Lab) -> (Ipv4Addr, Ipv4Addr) {
    lab.subs[0]
        .events
        .iter()
        .find_map(|e| match e {
            ClientEvent::IpUp { local, peer, .. } => Some((*local, *peer)),
            _ => None,
        })
        .expect("IPCP up")
}

/// The first subscriber sends the PPP frame `ppp` (protocol field first) to the LAC.
pub(super) fn from_client(lab: &mut Lab, ppp: &[u8]) {
    let frame = lab.subs[0].pppoe.session_frame(ppp).expect("a session");
    let now = lab.now;
    lab.lac.handle_frame(now, PORT, &frame);
}

/// What the subscriber's `packets` became at the LNS's service interface.
pub(super) fn send_up(lab: &mut Lab, packets: &[&Vec<u8>]) -> Vec<(Arc<str>, Vec<u8>)> {
    send_up_terminated(lab, packets, false)
}

/// What the first subscriber's `packets` became at the service interface of the router that
/// terminates it: the LNS, or the LAC itself (`pp0`) when `at_the_lac`.
pub(super) fn send_up_terminated(
    lab: &mut Lab,
    packets: &[&Vec<u8>],
    at_the_lac: bool,
) -> Vec<(Arc<str>, Vec<u8>)> {
    for p in packets {
        let mut ppp = vec![0x00, 0x21];
        ppp.extend_from_slice(p);
        from_client(lab, &ppp);
    }
    lab.settle();
    let terminating = if at_the_lac {
        &mut lab.lac
    } else {
        &mut lab.lns
    };
    std::iter::from_fn(|| terminating.poll_ip_packet()).collect()
}

pub(super) fn counters(lab: &Lab) -> Vec<(String, String, u64)> {
    lab.lns
        .subscribers()
        .firewall
        .instances(None)
        .iter()
        .flat_map(|i| {
            i.counters()
                .into_iter()
                .map(|(c, n)| (i.name.clone(), c, n.packets))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn radius_names_the_filters_and_discarded_packets_never_arrive_and_are_counted() {
    let mut lab = Lab::new(lac_config(""), lns(""));
    lab.lns_radius = Some(accept_with(vec![
        Attribute::vendor(erx::VENDOR, INGRESS_POLICY_NAME, "NO-DNS"),
        Attribute::vendor(erx::VENDOR, EGRESS_POLICY_NAME, "OUT"),
    ]));
    let address = bring_up(&mut lab, "ann@isp.example");

    // Input: the DNS query is discarded and counted; the web request crosses.
    let dns = udp(address, INTERNET, 53);
    let web = udp(address, INTERNET, 80);
    let out = send_up(&mut lab, &[&dns, &web]);
    assert_eq!(out, vec![(Arc::from("si-0/0/0"), web)]);

    // Output: the ping toward the subscriber is discarded, the reply delivered.
    let echo = ping(INTERNET, address);
    let reply = udp(INTERNET, address, 40000);
    let now = lab.now;
    lab.lns
        .handle_ip_packets(now, "si-0/0/0", &[echo, reply.clone()]);
    lab.settle();
    assert_eq!(lab.subs[0].ip_received, vec![reply]);

    // OUT is interface-specific: its instance and counter carry the subscriber's
    // interface and direction (`OUT-si-0/0/0.N-o`, `pings-si-0/0/0.N-o`).
    let counted = counters(&lab);
    assert_eq!(counted.len(), 2, "{counted:?}");
    assert_eq!(counted[0], ("NO-DNS".to_string(), "dns".to_string(), 1));
    let (instance, counter, packets) = &counted[1];
    let interface = instance
        .strip_prefix("OUT-")
        .and_then(|i| i.strip_suffix("-o"))
        .expect("an OUT instance");
    assert!(interface.starts_with("si-0/0/0."), "{instance}");
    assert_eq!(
        (counter.as_str(), *packets),
        (format!("pings-{interface}-o").as_str(), 1)
    );
    assert_eq!(lab.lns.subscribers().lns.ip_drops.filtered, 2);
    assert_eq!(lab.lns.subscribers().firewall.discarded(), 2);

    // `show firewall filter NO-DNS`, then `clear firewall all`.
    let layer = lab.lns.subscribers();
    let named = FirewallSelect {
        filter: Some("NO-DNS".into()),
    };
    let shown = layer.show_firewall(&named).expect("NO-DNS is shown");
    assert_eq!(shown.filters.len(), 1);
    assert_eq!(shown.filters[0].counters[0].packet_count, 1);
    assert_eq!(
        shown.filters[0].counters[0].byte_count,
        udp(address, INTERNET, 53).len() as u64
    );
    let cleared = layer
        .clear_firewall(&FirewallSelect::default())
        .expect("cleared");
    assert_eq!(cleared.filters.len(), 2);
    assert!(counters(&lab).iter().all(|(_, _, n)| *n == 0));
    assert_eq!(lab.lns.subscribers().lns.ip_drops.filtered, 2, "drops stay");
}

#[test]
fn a_filter_variable_radius_gives_no_value_applies_no_filter() {
    let mut lab = Lab::new(lac_config(""), lns(""));
    lab.lns_radius = Some(accept_with(vec![]));
    let address = bring_up(&mut lab, "bea@isp.example");
    let dns = udp(address, INTERNET, 53);
    assert_eq!(
        send_up(&mut lab, &[&dns]),
        vec![(Arc::from("si-0/0/0"), dns)]
    );
    assert_eq!(lab.lns.subscribers().lns.ip_drops.filtered, 0);
}

#[test]
fn the_service_interfaces_own_filter_applies_without_a_profile() {
    let mut lab = Lab::new(
        lac_config(""),
        config(&format!(
            "{LNS_BASE}{FILTERS}set interfaces si-0/0/0 unit 0 family inet filter input NO-DNS\n"
        )),
    );
    let address = bring_up(&mut lab, "cal@isp.example");
    let dns = udp(address, INTERNET, 53);
    let web = udp(address, INTERNET, 443);
    assert_eq!(
        send_up(&mut lab, &[&dns, &web]),
        vec![(Arc::from("si-0/0/0"), web)]
    );
    assert_eq!(counters(&lab)[0], ("NO-DNS".into(), "dns".into(), 1));
}

/// Commits `config` at the LNS, as `commit` does.
pub(super) fn commit(lab: &mut Lab, config: schema::typed::RouterConfig) {
    let now = lab.now;
    lab.lns.apply_config(now, &Arc::new(config));
    lab.settle();
}

/// What the subscriber receives of `packets` from the service interface, by the slow path.
pub(super) fn send_down(lab: &mut Lab, packets: &[Vec<u8>]) -> Vec<Vec<u8>> {
    lab.subs[0].ip_received.clear();
    let now = lab.now;
    lab.lns.handle_ip_packets(now, "si-0/0/0", packets);
    lab.settle();
    std::mem::take(&mut lab.subs[0].ip_received)
}

/// What the IP fast path's table does with `packet` toward the subscriber.
fn fast_down(lab: &Lab, packet: &[u8]) -> crate::io::ip_relay::Down {
    let mut out = Vec::new();
    lab.lns
        .subscribers()
        .ip_relay()
        .lock()
        .toward_subscriber(packet, &mut out)
}

#[test]
fn a_committed_change_judges_the_next_packet_of_a_subscriber_already_up() {
    let mut lab = Lab::new(lac_config(""), lns(""));
    lab.lns_radius = Some(accept_with(vec![
        Attribute::vendor(erx::VENDOR, INGRESS_POLICY_NAME, "NO-DNS"),
        Attribute::vendor(erx::VENDOR, EGRESS_POLICY_NAME, "OUT"),
    ]));
    let address = bring_up(&mut lab, "dan@isp.example");
    let dns = udp(address, INTERNET, 53);
    let web = udp(address, INTERNET, 80);
    assert_eq!(
        send_up(&mut lab, &[&dns, &web]),
        vec![(Arc::from("si-0/0/0"), web.clone())]
    );
    let echo = ping(INTERNET, address);
    assert!(send_down(&mut lab, std::slice::from_ref(&echo)).is_empty());
    assert_eq!(fast_down(&lab, &echo), crate::io::ip_relay::Down::Filtered);

    // NO-DNS now discards the web instead, OUT lets pings through: both at once, for the
    // subscriber already up, on the slow path and in the fast path's entry.
    let changed = FILTERS
        .replace("destination-port domain", "destination-port http")
        .replace("term ping then discard", "term ping then accept");
    commit(&mut lab, lns_with(&changed, ""));
    assert_eq!(
        send_up(&mut lab, &[&dns, &web]),
        vec![(Arc::from("si-0/0/0"), dns.clone())]
    );
    assert_eq!(
        send_down(&mut lab, std::slice::from_ref(&echo)),
        vec![echo.clone()]
    );
    assert!(matches!(
        fast_down(&lab, &echo),
        crate::io::ip_relay::Down::Send(_)
    ));
    // Junos re-installs a changed filter: its counters start again from zero.
    let counted = counters(&lab);
    assert_eq!(counted[0], ("NO-DNS".to_string(), "dns".to_string(), 1));
    assert!(counted[1].1.starts_with("pings-si-0/0/0."), "{counted:?}");
    assert_eq!(counted[1].2, 2, "the slow path's ping and the fast path's");
    assert_eq!(
        lab.lns.subscribers().firewall.discarded(),
        4,
        "discards are kept"
    );

    // An unchanged commit keeps the instances and their counters.
    commit(&mut lab, lns_with(&changed, ""));
    assert_eq!(counters(&lab), counted);
}

/// The LNS's configuration without its filters (their lines), the profile unchanged.
pub(super) fn without_filters() -> schema::typed::RouterConfig {
    lns_with("", "")
}

fn names(config: &schema::typed::RouterConfig) -> BTreeSet<String> {
    config.firewall_filters.keys().cloned().collect()
}

/// Junos keeps what active subscribers use: a filter RADIUS named is not taken from them.
/// An operator's commit cannot delete it (the commit check asks the engine); an apply that
/// is not checked — the automatic rollback of `commit confirmed` — does, and its holder
/// keeps the filter's terms until it leaves (before, it was left unfiltered: fail-open).
#[test]
fn a_radius_named_filter_deleted_while_held_keeps_filtering_its_holder_until_it_is_back() {
    let mut lab = Lab::new(lac_config(""), lns(""));
    lab.lns_radius = Some(accept_with(vec![
        Attribute::vendor(erx::VENDOR, INGRESS_POLICY_NAME, "NO-DNS"),
        Attribute::vendor(erx::VENDOR, EGRESS_POLICY_NAME, "OUT"),
    ]));
    let address = bring_up(&mut lab, "eve@isp.example");
    let dns = udp(address, INTERNET, 53);
    let echo = ping(INTERNET, address);
    assert!(send_up(&mut lab, &[&dns]).is_empty());

    // The profile names them by variable (RADIUS): the configuration alone cannot see the
    // use, so the commit check asks the engine, which names each filter and its holder.
    let gone = lab.lns.filters_held_but_gone(&names(&without_filters()));
    let expected = [("NO-DNS".to_string(), 1), ("OUT".to_string(), 1)];
    assert_eq!(gone, expected.into_iter().collect());
    assert!(lab.lns.filters_held_but_gone(&names(&lns(""))).is_empty());

    // The unchecked apply takes them from the configuration, not from their holder: its
    // DNS query and the ping toward it are still discarded, on the slow path and in the
    // fast path's entry (OUT's instance is the subscriber's own, interface-specific).
    commit(&mut lab, without_filters());
    assert!(send_up(&mut lab, &[&dns]).is_empty());
    assert!(send_down(&mut lab, std::slice::from_ref(&echo)).is_empty());
    assert_eq!(fast_down(&lab, &echo), crate::io::ip_relay::Down::Filtered);
    assert_eq!(lab.lns.subscribers().lns.ip_drops.filtered, 3);
    assert!(counters(&lab).is_empty(), "deleted filters leave the views");
    // They are no longer a commit's to take: later commits without them are not held up.
    assert!(lab
        .lns
        .filters_held_but_gone(&names(&without_filters()))
        .is_empty());

    // Back in the configuration: the holder gets them afresh, counters from zero.
    commit(&mut lab, lns(""));
    assert!(send_up(&mut lab, &[&dns]).is_empty());
    assert_eq!(
        counters(&lab)[0],
        ("NO-DNS".to_string(), "dns".to_string(), 1)
    );
}

#[test]
fn a_service_interface_naming_another_filter_applies_it_to_subscribers_up() {
    let unit = "set interfaces si-0/0/0 unit 0 family inet filter input";
    let mut lab = Lab::new(
        lac_config(""),
        config(&format!("{LNS_BASE}{FILTERS}{unit} NO-DNS\n")),
    );
    let address = bring_up(&mut lab, "fay@isp.example");
    let dns = udp(address, INTERNET, 53);
    let echo = ping(address, INTERNET);
    assert_eq!(
        send_up(&mut lab, &[&dns, &echo]),
        vec![(Arc::from("si-0/0/0"), echo.clone())]
    );

    commit(
        &mut lab,
        config(&format!("{LNS_BASE}{FILTERS}{unit} OUT\n")),
    );
    assert_eq!(
        send_up(&mut lab, &[&dns, &echo]),
        vec![(Arc::from("si-0/0/0"), dns)]
    );
    let counted = counters(&lab);
    assert_eq!(
        counted.len(),
        2,
        "NO-DNS, and OUT's instance for the subscriber: {counted:?}"
    );
    assert!(counted[1].0.ends_with("-i"), "{counted:?}");
    assert_eq!(counted[1].2, 1);
}

/// A host out on the service interface's side that is one host (ICMP may answer it).
pub(super) const SERVER: Ipv4Addr = Ipv4Addr::new(198, 19, 0, 1);

#[test]
fn a_reject_term_answers_both_ways_with_icmp_from_the_routers_address() {
    let reject = "set firewall family inet filter REJ term dns from destination-port 53\n\
                  set firewall family inet filter REJ term dns then count dns\n\
                  set firewall family inet filter REJ term dns then reject\n\
                  set firewall family inet filter REJ term rest then accept\n\
                  set interfaces si-0/0/0 unit 0 family inet filter input REJ\n\
                  set interfaces si-0/0/0 unit 0 family inet filter output REJ\n";
    let mut lab = Lab::new(lac_config(""), config(&format!("{LNS_BASE}{reject}")));
    bring_up(&mut lab, "gil@isp.example");
    let (address, router) = ipcp_addresses(&lab);

    // Input: the query never reaches the service interface; the subscriber is told so.
    let query = udp(address, SERVER, 53);
    lab.subs[0].ip_received.clear();
    assert!(send_up(&mut lab, &[&query]).is_empty());
    let received = std::mem::take(&mut lab.subs[0].ip_received);
    assert_eq!(received.len(), 1, "one ICMP message");
    let icmp = &received[0];
    assert_eq!(
        icmp[12..16],
        router.octets(),
        "from the router's IPCP address"
    );
    assert_eq!(icmp[16..20], address.octets());
    assert_eq!(icmp[20..22], [3, 13], "administratively prohibited");
    assert_eq!(icmp[28..], query[..28]);
    assert_eq!(
        crate::firewall::reject::internet_checksum(&[&icmp[20..]]),
        0
    );

    // Output: the packet toward the subscriber is answered back out the service interface.
    let toward = udp(SERVER, address, 53);
    assert!(send_down(&mut lab, std::slice::from_ref(&toward)).is_empty());
    let back: Vec<(Arc<str>, Vec<u8>)> = std::iter::from_fn(|| lab.lns.poll_ip_packet()).collect();
    assert_eq!(back.len(), 1, "{back:?}");
    assert_eq!(&*back[0].0, "si-0/0/0");
    assert_eq!(back[0].1[16..20], SERVER.octets());
    assert_eq!(back[0].1[28..], toward[..28]);

    // Both are the filter's discards and its term's count.
    assert_eq!(lab.lns.subscribers().lns.ip_drops.filtered, 2);
    assert_eq!(lab.lns.subscribers().firewall.discarded(), 2);
    assert_eq!(counters(&lab)[0], ("REJ".into(), "dns".into(), 2));
}

#[test]
fn a_filter_written_without_family_is_the_one_subscribers_get() {
    let legacy = "set firewall filter OLD term dns from destination-port 53\n\
                  set firewall filter OLD term dns then count dns\n\
                  set firewall filter OLD term dns then discard\n\
                  set firewall filter OLD term rest then accept\n\
                  set interfaces si-0/0/0 unit 0 family inet filter input OLD\n";
    let mut lab = Lab::new(lac_config(""), config(&format!("{LNS_BASE}{legacy}")));
    let address = bring_up(&mut lab, "hal@isp.example");
    let dns = udp(address, INTERNET, 53);
    let web = udp(address, INTERNET, 80);
    assert_eq!(
        send_up(&mut lab, &[&dns, &web]),
        vec![(Arc::from("si-0/0/0"), web)]
    );
    assert_eq!(counters(&lab)[0], ("OLD".into(), "dns".into(), 1));
}
