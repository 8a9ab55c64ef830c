use super::*;
use crate::l2tp::wire::header::{DataHeader, Sequence};
use crate::l2tp::wire::{zlb, ControlHeader, DataMessage};
use proptest::prelude::*;

const LCP_ECHO: [u8; 10] = [0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 0, 0, 0, 0];
const IPV4: [u8; 6] = [0x00, 0x21, 0x45, 0x00, 0x00, 0x14];

fn data_message(header: DataHeader, ppp: &[u8]) -> Vec<u8> {
    DataMessage {
        header,
        payload: ppp,
    }
    .to_bytes()
    .expect("a data message encodes")
}

fn plain(tunnel_id: u16, session_id: u16) -> DataHeader {
    DataHeader {
        tunnel_id,
        session_id,
        with_length: false,
        sequence: None,
        offset_pad: None,
        priority: false,
    }
}

#[test]
fn l2tp_control_messages_by_their_t_bit() {
    let header = ControlHeader {
        tunnel_id: 7,
        session_id: 0,
        ns: 1,
        nr: 2,
    };
    assert_eq!(l2tp_datagram(&zlb(header)), Class::Control);
    // The T bit alone decides: a truncated control message is still the control path's
    // (the core counts it malformed).
    assert_eq!(l2tp_datagram(&[0xc8, 0x02]), Class::Control);
}

#[test]
fn l2tp_data_messages_by_the_ppp_protocol_inside() {
    assert_eq!(
        l2tp_datagram(&data_message(plain(1, 2), &IPV4)),
        Class::Data
    );
    assert_eq!(
        l2tp_datagram(&data_message(plain(1, 2), &LCP_ECHO)),
        Class::Control
    );
    // Every optional header field at once, and Address/Control before the protocol.
    let all = DataHeader {
        with_length: true,
        sequence: Some(Sequence { ns: 3, nr: 4 }),
        offset_pad: Some(5),
        priority: true,
        ..plain(1, 2)
    };
    let mut framed = vec![0xff, 0x03];
    framed.extend_from_slice(&[0xc0, 0x23, 0x01]);
    assert_eq!(l2tp_datagram(&data_message(all, &framed)), Class::Control);
    let mut framed = vec![0xff, 0x03];
    framed.extend_from_slice(&IPV4);
    assert_eq!(l2tp_datagram(&data_message(all, &framed)), Class::Data);
    // IPCP (0x8021) is a network control protocol.
    assert_eq!(
        l2tp_datagram(&data_message(plain(1, 2), &[0x80, 0x21, 0x01])),
        Class::Control
    );
}

#[test]
fn short_unknown_or_compressed_is_data() {
    for bytes in [
        &[][..],
        &[0x00],
        &[0x00, 0x02],
        &[0x00, 0x03, 0, 1, 0, 2, 0xc0, 0x21],
    ] {
        assert_eq!(l2tp_datagram(bytes), Class::Data, "{bytes:02x?}");
    }
    // A compressed (one-octet) protocol field: IPv4 as 0x21.
    assert_eq!(ppp_frame(&[0x21, 0x45]), Class::Data);
    // An offset that points past the end.
    assert_eq!(
        l2tp_datagram(&[0x02, 0x02, 0, 1, 0, 2, 0xff, 0xff]),
        Class::Data
    );
}

fn ethernet(tags: &[u16], ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut frame = vec![0x02; MACS_LEN];
    for tpid in tags {
        frame.extend_from_slice(&tpid.to_be_bytes());
        frame.extend_from_slice(&[0x00, 0x64]);
    }
    frame.extend_from_slice(&ethertype.to_be_bytes());
    frame.extend_from_slice(payload);
    frame
}

fn pppoe_session(ppp: &[u8]) -> Vec<u8> {
    let mut body = vec![0x11, 0x00, 0x00, 0x01];
    body.extend_from_slice(&u16::try_from(ppp.len()).unwrap_or(0).to_be_bytes());
    body.extend_from_slice(ppp);
    body
}

#[test]
fn pppoe_discovery_and_session_control_against_session_ip() {
    let padi = [0x11, 0x09, 0x00, 0x00, 0x00, 0x00];
    for tags in [&[][..], &[TPID_8021Q], &[TPID_8021AD, TPID_8021Q]] {
        assert_eq!(
            pppoe_frame(&ethernet(tags, ETHERTYPE_DISCOVERY, &padi)),
            Class::Control
        );
        assert_eq!(
            pppoe_frame(&ethernet(
                tags,
                ETHERTYPE_SESSION,
                &pppoe_session(&LCP_ECHO)
            )),
            Class::Control
        );
        assert_eq!(
            pppoe_frame(&ethernet(tags, ETHERTYPE_SESSION, &pppoe_session(&IPV4))),
            Class::Data
        );
    }
    // Three tags is one more than the codec accepts; IPv4 over Ethernet is not ours.
    let three = [TPID_8021AD, TPID_8021Q, TPID_8021Q];
    assert_eq!(
        pppoe_frame(&ethernet(&three, ETHERTYPE_DISCOVERY, &padi)),
        Class::Data
    );
    assert_eq!(pppoe_frame(&ethernet(&[], 0x0800, &[0x45])), Class::Data);
    assert_eq!(pppoe_frame(&[0x02; 13]), Class::Data);
    assert_eq!(
        pppoe_frame(&ethernet(&[], ETHERTYPE_SESSION, &[0x11, 0x00])),
        Class::Data
    );
}

proptest! {
    #[test]
    fn any_bytes_are_classified_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = l2tp_datagram(&bytes);
        let _ = pppoe_frame(&bytes);
        let _ = ppp_frame(&bytes);
    }

    #[test]
    fn the_t_bit_alone_makes_l2tp_control(rest in proptest::collection::vec(any::<u8>(), 1..64), flags in any::<u8>()) {
        let mut bytes = vec![flags | FLAG_TYPE];
        bytes.extend_from_slice(&rest);
        prop_assert_eq!(l2tp_datagram(&bytes), Class::Control);
    }

    #[test]
    fn a_data_message_is_classified_by_its_ppp_protocol(
        protocol in any::<u16>(),
        rest in proptest::collection::vec(any::<u8>(), 0..32),
        sequence in any::<bool>(),
        offset in proptest::option::of(0u16..16),
        with_length in any::<bool>(),
    ) {
        let header = DataHeader {
            with_length,
            sequence: sequence.then_some(Sequence { ns: 1, nr: 2 }),
            offset_pad: offset,
            ..plain(9, 10)
        };
        let mut ppp = protocol.to_be_bytes().to_vec();
        ppp.extend_from_slice(&rest);
        let expected = if protocol >= 0x8000 && protocol & 0x0100 == 0 {
            Class::Control
        } else {
            Class::Data
        };
        // A first octet with its low bit set reads as a compressed protocol: data.
        let expected = if protocol >> 8 == 0xff && ppp.get(1) == Some(&0x03) {
            ppp_frame(&ppp)
        } else {
            expected
        };
        prop_assert_eq!(l2tp_datagram(&data_message(header, &ppp)), expected);
    }
}
