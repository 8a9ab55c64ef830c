//! The answers to rejected packets, byte by byte: ICMP Destination Unreachable with the
//! quote RFC 792 asks for, a TCP RST by RFC 793's rule, both with checksums that verify, and
//! none where RFC 1812 §4.3.2.7 forbids one.

use proptest::prelude::*;

use super::*;
use crate::firewall::matcher::tests::{ipv4, udp};

const SUBSCRIBER: [u8; 4] = [198, 18, 0, 10];
const SERVER: [u8; 4] = [198, 19, 0, 1];
const ROUTER: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 1);

/// A checksum over data that includes its checksum field verifies to zero.
fn verifies(parts: &[&[u8]]) -> bool {
    internet_checksum(parts) == 0
}

fn answered(packet: &[u8], message: RejectMessage) -> Option<Vec<u8>> {
    let mut out = vec![0xee; 3];
    answer(packet, message, ROUTER, &mut out).then_some(out)
}

#[test]
fn the_default_is_administratively_prohibited_from_the_router_quoting_header_and_8_octets() {
    // A UDP packet with 12 octets of payload: the quote stops 8 octets in.
    let mut udp_packet = udp(SUBSCRIBER, SERVER, 40000, 53);
    udp_packet[3] += 12;
    udp_packet.extend_from_slice(b"query-12-oct");
    let icmp = answered(&udp_packet, RejectMessage::default()).expect("answered");

    let mut expected = vec![
        0x45, 0xc0, 0, 56, // 20 + 8 + 20 + 8
        0, 0, 0, 0, 64, 1, 0, 0, // id, flags, TTL 64, ICMP, checksum (below)
    ];
    expected.extend_from_slice(&ROUTER.octets());
    expected.extend_from_slice(&SUBSCRIBER);
    expected.extend_from_slice(&[3, 13, 0, 0, 0, 0, 0, 0]);
    expected.extend_from_slice(&udp_packet[..28]);
    assert_eq!(icmp.len(), expected.len());
    assert_eq!(icmp[..10], expected[..10]);
    assert_eq!(icmp[12..22], expected[12..22]);
    assert_eq!(icmp[24..], expected[24..]);
    assert!(verifies(&[&icmp[..20]]), "the IP header checksum");
    assert!(verifies(&[&icmp[20..]]), "the ICMP checksum");
}

#[test]
fn each_message_type_gives_its_code_and_a_short_packet_is_quoted_whole() {
    let ping = ipv4(1, SUBSCRIBER, SERVER, &[8, 0, 0, 0, 0, 1]);
    for (name, code) in schema::typed::REJECT_MESSAGES {
        let icmp = answered(&ping, RejectMessage::Unreachable(*code)).expect(name);
        assert_eq!(icmp[20..22], [3, *code], "{name}");
        assert_eq!(icmp[28..], ping[..], "{name}: 6 payload octets, all quoted");
        assert!(verifies(&[&icmp[20..]]), "{name}");
    }
}

#[test]
fn tcp_reset_answers_a_syn_with_rst_ack_and_an_ack_with_rst_from_the_destination() {
    let segment = |flags: u8, seq: u32, ack: u32, data: &[u8]| {
        let mut t = Vec::new();
        t.extend_from_slice(&40000u16.to_be_bytes());
        t.extend_from_slice(&443u16.to_be_bytes());
        t.extend_from_slice(&seq.to_be_bytes());
        t.extend_from_slice(&ack.to_be_bytes());
        t.extend_from_slice(&[5 << 4, flags, 0xff, 0xff, 0, 0, 0, 0]);
        t.extend_from_slice(data);
        ipv4(6, SUBSCRIBER, SERVER, &t)
    };
    let check = |rst: &[u8]| {
        assert_eq!(rst.len(), 40);
        assert_eq!(
            rst[12..16],
            SERVER,
            "from the address the segment was sent to"
        );
        assert_eq!(rst[16..20], SUBSCRIBER);
        assert_eq!(rst[9], 6);
        assert_eq!(rst[20..24], [0x01, 0xbb, 0x9c, 0x40], "ports swapped");
        assert!(verifies(&[&rst[..20]]));
        let mut pseudo = Vec::new();
        pseudo.extend_from_slice(&SERVER);
        pseudo.extend_from_slice(&SUBSCRIBER);
        pseudo.extend_from_slice(&[0, 6, 0, 20]);
        assert!(verifies(&[&pseudo, &rst[20..]]), "the TCP checksum");
    };
    // A SYN (no ACK): seq 0, ack = its seq + 1, RST|ACK.
    let syn = answered(&segment(0x02, 1000, 0, &[]), RejectMessage::TcpReset).expect("a RST");
    check(&syn);
    assert_eq!(syn[24..28], 0u32.to_be_bytes());
    assert_eq!(syn[28..32], 1001u32.to_be_bytes());
    assert_eq!(syn[33], 0x14);
    // Data with ACK: seq = its ack, RST alone.
    let data = answered(&segment(0x18, 5, 777, b"hello"), RejectMessage::TcpReset).expect("RST");
    check(&data);
    assert_eq!(data[24..28], 777u32.to_be_bytes());
    assert_eq!(data[33], 0x04);
    // Never a RST for a RST.
    assert_eq!(
        answered(&segment(0x04, 1, 0, &[]), RejectMessage::TcpReset),
        None
    );
    // Not TCP: administratively prohibited, from the router.
    let icmp = answered(&udp(SUBSCRIBER, SERVER, 1, 2), RejectMessage::TcpReset).expect("ICMP");
    assert_eq!(icmp[20..22], [3, 13]);
    assert_eq!(icmp[12..16], ROUTER.octets());
}

#[test]
fn no_answer_where_rfc_1812_forbids_one() {
    let none = |packet: &[u8]| answered(packet, RejectMessage::default()).is_none();
    // ICMP errors are never answered; queries are.
    assert!(none(&ipv4(
        1,
        SUBSCRIBER,
        SERVER,
        &[3, 1, 0, 0, 0, 0, 0, 0]
    )));
    assert!(none(&ipv4(
        1,
        SUBSCRIBER,
        SERVER,
        &[11, 0, 0, 0, 0, 0, 0, 0]
    )));
    assert!(!none(&ipv4(
        1,
        SUBSCRIBER,
        SERVER,
        &[8, 0, 0, 0, 0, 0, 0, 0]
    )));
    // A later fragment; the first fragment is answered.
    let mut fragment = udp(SUBSCRIBER, SERVER, 1, 2);
    fragment[6] = 0x20;
    assert!(!none(&fragment));
    fragment[7] = 1;
    assert!(none(&fragment));
    // Broadcast or multicast destinations.
    assert!(none(&udp(SUBSCRIBER, [255, 255, 255, 255], 1, 2)));
    assert!(none(&udp(SUBSCRIBER, [224, 0, 0, 5], 1, 2)));
    // Sources that are not one host.
    for source in [[0, 0, 0, 0], [127, 0, 0, 1], [224, 1, 1, 1], [240, 0, 0, 1]] {
        assert!(none(&udp(source, SERVER, 1, 2)), "{source:?}");
    }
    // Not IPv4, or a Total Length longer than the bytes.
    assert!(none(b"\x60\x00\x00\x00"));
    let mut lying = udp(SUBSCRIBER, SERVER, 1, 2);
    lying[3] += 1;
    assert!(none(&lying));
}

proptest! {
    /// Whatever is rejected, building its answer never panics, and an answer is one IPv4
    /// packet whose header checksum verifies.
    #[test]
    fn arbitrary_packets_never_panic(packet in proptest::collection::vec(any::<u8>(), 0..90)) {
        for message in [RejectMessage::default(), RejectMessage::TcpReset] {
            let mut out = Vec::new();
            if answer(&packet, message, ROUTER, &mut out) {
                prop_assert!(out.len() >= 40);
                prop_assert!(verifies(&[&out[..20]]));
            } else {
                prop_assert!(out.is_empty());
            }
        }
    }
}
