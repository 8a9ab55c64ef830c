//! Firewall filters end to end in simulated time (see `sim_lab`): a PPPoE subscriber → our
//! LAC → our LNS, whose dynamic profile applies `"$junos-input-filter"` and
//! `"$junos-output-filter"` as RADIUS names them (Ingress-/Egress-Policy-Name, 26-4874-10
//! and -11). A packet a filter discards never reaches the service interface (or the
//! subscriber), and is counted by its term's counter and as a data drop.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use schema::firewall_rpc::FirewallSelect;

use super::sim_lab::{config, lac_config, Lab, RadiusResponder, LNS_BASE, PORT};
use crate::aaa::radius::{code, erx, Attribute};
use crate::ppp::client_link::ClientEvent;

const SECRET: &str = "radius-secret";
const INTERNET: Ipv4Addr = Ipv4Addr::new(127, 9, 0, 1);
/// Ingress-Policy-Name and Egress-Policy-Name.
const INGRESS_POLICY_NAME: u8 = 10;
const EGRESS_POLICY_NAME: u8 = 11;

/// NO-DNS counts and discards the subscriber's DNS; OUT counts pings toward it and
/// discards them; the profile applies both by variable.
const FILTERS: &str = "\
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

fn lns(extra: &str) -> schema::typed::RouterConfig {
    config(&format!(
        "{LNS_BASE}{FILTERS}set services l2tp tunnel-group g aaa-access-profile users\n\
         set services l2tp tunnel-group g dynamic-profile SUBSCRIBER\n\
         set access profile users authentication-order radius\n\
         set access radius-server 127.0.0.9 secret {SECRET}\n\
         set access radius-server 127.0.0.9 message-authenticator optional\n\
         set dynamic-profiles SUBSCRIBER interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" family inet filter input \"$junos-input-filter\"\n\
         set dynamic-profiles SUBSCRIBER interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" family inet filter output \"$junos-output-filter\"\n\
         {extra}"
    ))
}

fn accept_with(attributes: Vec<Attribute>) -> RadiusResponder {
    RadiusResponder::new(
        SECRET,
        Box::new(move |_| Some((code::ACCESS_ACCEPT, attributes.clone()))),
    )
}

/// An IPv4 packet (checksums zero: nothing on the way checks them).
fn ipv4(protocol: u8, source: Ipv4Addr, destination: Ipv4Addr, transport: &[u8]) -> Vec<u8> {
    let total = u16::try_from(20 + transport.len()).expect("small");
    let mut packet = vec![0x45, 0, 0, 0, 0, 1, 0, 0, 64, protocol, 0, 0];
    packet[2..4].copy_from_slice(&total.to_be_bytes());
    packet.extend_from_slice(&source.octets());
    packet.extend_from_slice(&destination.octets());
    packet.extend_from_slice(transport);
    packet
}

fn udp(source: Ipv4Addr, destination: Ipv4Addr, port: u16) -> Vec<u8> {
    let mut t = 40000u16.to_be_bytes().to_vec();
    t.extend_from_slice(&port.to_be_bytes());
    t.extend_from_slice(&[0, 12, 0, 0, b'd', b'a', b't', b'a']);
    ipv4(17, source, destination, &t)
}

fn ping(source: Ipv4Addr, destination: Ipv4Addr) -> Vec<u8> {
    ipv4(1, source, destination, &[8, 0, 0, 0, 0, 1, 0, 1])
}

/// Brings one subscriber up; its address.
fn bring_up(lab: &mut Lab, user: &str) -> Ipv4Addr {
    lab.add_ip(user, "pw");
    lab.settle();
    for _ in 0..5 {
        lab.advance(Duration::from_millis(100));
    }
    lab.subs[0]
        .events
        .iter()
        .find_map(|e| match e {
            ClientEvent::IpUp { local, .. } => Some(*local),
            _ => None,
        })
        .expect("IPCP up")
}

/// What the subscriber's `packets` became at the LNS's service interface.
fn send_up(lab: &mut Lab, packets: &[&Vec<u8>]) -> Vec<(Arc<str>, Vec<u8>)> {
    for p in packets {
        let mut ppp = vec![0x00, 0x21];
        ppp.extend_from_slice(p);
        let frame = lab.subs[0].pppoe.session_frame(&ppp).expect("a session");
        let now = lab.now;
        lab.lac.handle_frame(now, PORT, &frame);
    }
    lab.settle();
    std::iter::from_fn(|| lab.lns.poll_ip_packet()).collect()
}

fn counters(lab: &Lab) -> Vec<(String, String, u64)> {
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
