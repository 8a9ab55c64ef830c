//! The matcher against packets built byte by byte: Junos' term order, longest-prefix
//! `except`, ports and ICMP types only in first fragments, the implicit discard; and
//! arbitrary bytes never panic.

use std::net::Ipv4Addr;

use proptest::prelude::*;

use super::*;

/// The typed view of `set` lines that commit (`set firewall family inet filter …`).
pub(crate) fn config(lines: &str) -> schema::typed::RouterConfig {
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), lines)
        .expect("set lines parse");
    schema::validate::check(&tree).expect("the filters commit");
    schema::typed::router_config(&tree)
}

/// The data-path tests' filter: DNS (UDP or TCP port 53) counted as `dns` and discarded,
/// the rest accepted; its instance on `interface`, inbound.
pub(crate) fn no_dns_filter(
    interface: &str,
) -> Option<std::sync::Arc<crate::firewall::FilterInstance>> {
    dns_filter(interface, "discard")
}

/// [`no_dns_filter`] with another action for DNS (`reject`, `reject tcp-reset`).
pub(crate) fn dns_filter(
    interface: &str,
    action: &str,
) -> Option<std::sync::Arc<crate::firewall::FilterInstance>> {
    let config = config(&format!(
        "set firewall family inet filter NO-DNS term dns from destination-port 53\n\
         set firewall family inet filter NO-DNS term dns then count dns\n\
         set firewall family inet filter NO-DNS term dns then {action}\n\
         set firewall family inet filter NO-DNS term rest\n",
    ));
    let mut firewall = crate::firewall::Firewall::default();
    firewall.configure(&config);
    firewall.attach("NO-DNS", interface, crate::firewall::Direction::Input)
}

fn filters(lines: &str) -> std::collections::BTreeMap<String, FirewallFilter> {
    config(lines).firewall_filters
}

fn filter(body: &str) -> CompiledFilter {
    let lines: String = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| format!("set firewall family inet filter F {l}\n"))
        .collect();
    CompiledFilter::new(&filters(&lines)["F"])
}

/// An IPv4 packet (20-octet header) from `source` to `destination` carrying `transport`.
pub(crate) fn ipv4(
    protocol: u8,
    source: [u8; 4],
    destination: [u8; 4],
    transport: &[u8],
) -> Vec<u8> {
    let length = (20 + transport.len()) as u16;
    let mut p = vec![0x45, 0, 0, 0, 0, 0, 0, 0, 64, protocol, 0, 0];
    p[2..4].copy_from_slice(&length.to_be_bytes());
    p.extend_from_slice(&source);
    p.extend_from_slice(&destination);
    p.extend_from_slice(transport);
    p
}

pub(crate) fn udp(source: [u8; 4], destination: [u8; 4], sport: u16, dport: u16) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(&sport.to_be_bytes());
    t.extend_from_slice(&dport.to_be_bytes());
    t.extend_from_slice(&[0, 8, 0, 0]);
    ipv4(17, source, destination, &t)
}

fn tcp(source: [u8; 4], destination: [u8; 4], sport: u16, dport: u16) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(&sport.to_be_bytes());
    t.extend_from_slice(&dport.to_be_bytes());
    t.extend_from_slice(&[0; 16]);
    ipv4(6, source, destination, &t)
}

fn icmp(source: [u8; 4], destination: [u8; 4], kind: u8) -> Vec<u8> {
    ipv4(1, source, destination, &[kind, 0, 0, 0, 0, 0, 0, 0])
}

const SUB: [u8; 4] = [127, 0, 0, 10];
const SERVER: [u8; 4] = [127, 1, 2, 3];

fn accepts(f: &CompiledFilter, packet: &[u8]) -> bool {
    f.evaluate(packet).accept
}

#[test]
fn the_header_fields_are_read_as_rfc_791_lays_them_out() {
    let p = udp(SUB, SERVER, 1234, 53);
    assert_eq!(
        PacketFields::parse(&p),
        Some(PacketFields {
            source: Ipv4Addr::from(SUB),
            destination: Ipv4Addr::from(SERVER),
            protocol: 17,
            ports: Some((1234, 53)),
            icmp_type: None,
        })
    );
    assert_eq!(
        PacketFields::parse(&icmp(SUB, SERVER, 8)).and_then(|f| f.icmp_type),
        Some(8)
    );
    // A later fragment has no transport header: no ports, no ICMP type.
    let mut fragment = udp(SUB, SERVER, 1234, 53);
    fragment[7] = 1;
    assert_eq!(PacketFields::parse(&fragment).and_then(|f| f.ports), None);
    // IPv6, a short header, an IHL below 5: not IPv4.
    assert_eq!(PacketFields::parse(&[0x60; 40]), None);
    assert_eq!(PacketFields::parse(&p[..19]), None);
    assert_eq!(PacketFields::parse(&[0x44; 40]), None);
}

#[test]
fn terms_are_tried_in_order_and_the_first_match_decides() {
    let f = filter(
        "term dns from protocol udp
         term dns from destination-port domain
         term dns then count dns
         term dns then accept
         term udp from protocol udp
         term udp then discard
         term rest then accept",
    );
    let dns = f.evaluate(&udp(SUB, SERVER, 1234, 53));
    assert_eq!(
        dns,
        Verdict {
            accept: true,
            reject: None,
            counter: Some(0),
            policer: None
        }
    );
    assert!(!accepts(&f, &udp(SUB, SERVER, 1234, 54)));
    assert!(accepts(&f, &tcp(SUB, SERVER, 1234, 53)));
    assert_eq!(f.counters(), ["dns"]);
}

#[test]
fn a_packet_no_term_matches_is_discarded_and_a_term_without_then_accepts() {
    let f = filter("term web from protocol tcp");
    assert!(accepts(&f, &tcp(SUB, SERVER, 1, 80)));
    assert_eq!(
        f.evaluate(&udp(SUB, SERVER, 1, 80)),
        Verdict {
            accept: false,
            reject: None,
            counter: None,
            policer: None
        }
    );
    // A term of `count` only accepts too.
    let counted = filter("term all then count everything");
    assert_eq!(
        counted.evaluate(&icmp(SUB, SERVER, 8)),
        Verdict {
            accept: true,
            reject: None,
            counter: Some(0),
            policer: None
        }
    );
    // Not IPv4 at all: the implicit discard.
    assert!(!accepts(&counted, b"not a packet"));
}

#[test]
fn the_longest_prefix_decides_and_except_excludes() {
    let f = filter(
        "term t from source-address 127.0.0.0/8
         term t from source-address 127.1.0.0/16 except
         term t from source-address 127.1.2.0/24
         term t then accept",
    );
    assert!(accepts(&f, &udp([127, 9, 9, 9], SERVER, 1, 2)));
    assert!(!accepts(&f, &udp([127, 1, 9, 9], SERVER, 1, 2)));
    assert!(accepts(&f, &udp([127, 1, 2, 9], SERVER, 1, 2)));
    assert!(!accepts(&f, &udp([10, 0, 0, 1], SERVER, 1, 2)));
}

/// A prefix written with host bits set (`127.1.2.9/16`, as Juniper's filter examples write
/// them) matches its network: the length decides, not the address's low bits.
#[test]
fn a_prefix_with_host_bits_matches_under_its_length() {
    let f = filter(
        "term t from source-address 127.1.2.9/16
         term t then accept",
    );
    assert!(accepts(&f, &udp([127, 1, 200, 7], SERVER, 1, 2)));
    assert!(!accepts(&f, &udp([127, 2, 2, 9], SERVER, 1, 2)));
}

#[test]
fn address_and_port_match_either_end() {
    let f = filter(
        "term t from address 127.1.2.3/32
         term t from port [ 8080 1000-1010 ]",
    );
    assert!(accepts(&f, &udp(SUB, SERVER, 5, 8080)));
    assert!(accepts(&f, &udp(SERVER, SUB, 1005, 5)));
    assert!(!accepts(&f, &udp(SUB, SERVER, 5, 8081)));
    assert!(!accepts(&f, &udp(SUB, [127, 9, 9, 9], 5, 8080)));
    // Ports need a transport header with ports: ICMP never matches a port condition.
    assert!(!accepts(&f, &icmp(SUB, SERVER, 8)));
}

#[test]
fn source_and_destination_ports_and_icmp_types() {
    let f = filter(
        "term web from protocol tcp
         term web from source-port 1024-65535
         term web from destination-port [ http https ]
         term web then accept
         term ping from protocol icmp
         term ping from icmp-type echo-request
         term ping then accept",
    );
    assert!(accepts(&f, &tcp(SUB, SERVER, 40000, 443)));
    assert!(
        !accepts(&f, &tcp(SUB, SERVER, 80, 443)),
        "source port too low"
    );
    assert!(!accepts(&f, &tcp(SUB, SERVER, 40000, 22)));
    assert!(accepts(&f, &icmp(SUB, SERVER, 8)));
    assert!(!accepts(&f, &icmp(SUB, SERVER, 0)));
    let mut fragment = tcp(SUB, SERVER, 40000, 443);
    fragment[6] = 0x20; // MF set, offset 0: still the first fragment
    assert!(accepts(&f, &fragment));
    fragment[7] = 3; // offset 3: no transport header
    assert!(!accepts(&f, &fragment));
}

#[test]
fn discard_and_reject_both_drop() {
    let f = filter(
        "term a from protocol udp
         term a then reject
         term b then discard",
    );
    assert!(!accepts(&f, &udp(SUB, SERVER, 1, 2)));
    assert!(!accepts(&f, &tcp(SUB, SERVER, 1, 2)));
}

proptest! {
    /// Whatever arrives, the matcher answers without panicking, and a packet it cannot read
    /// as IPv4 is never accepted.
    #[test]
    fn arbitrary_packets_never_panic(packet in proptest::collection::vec(any::<u8>(), 0..80)) {
        let f = filter(
            "term a from address 127.0.0.0/8
             term a from port 1-100
             term a then count hits
             term b from icmp-type echo-request
             term c from source-address 127.1.0.0/16 except
             term c from source-address 0.0.0.0/0",
        );
        let verdict = f.evaluate(&packet);
        if PacketFields::parse(&packet).is_none() {
            prop_assert!(!verdict.accept);
        }
    }

    /// A well-formed header with arbitrary fields and a transport header of any length.
    #[test]
    fn arbitrary_headers_never_panic(
        header in proptest::collection::vec(any::<u8>(), 20..21),
        transport in proptest::collection::vec(any::<u8>(), 0..12),
    ) {
        let mut packet = header;
        packet[0] = 0x45;
        packet.extend_from_slice(&transport);
        let f = filter("term a from port 53\nterm b from icmp-type 8\nterm b then discard");
        let fields = PacketFields::parse(&packet);
        prop_assert!(fields.is_some());
        let _ = f.evaluate(&packet);
    }
}
