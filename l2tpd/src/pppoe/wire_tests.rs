use super::*;
use proptest::prelude::*;

const CLIENT: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0x01]);
const AC: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0xaa]);

/// A PADI as rp-pppoe sends it: any service, a 4-byte Host-Uniq, untagged.
static PADI: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x88, 0x63, //
    0x11, 0x09, 0x00, 0x00, 0x00, 0x0c, //
    0x01, 0x01, 0x00, 0x00, //
    0x01, 0x03, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef,
];

/// A PADO answering it: AC-Name "lns1", the Service-Name echoed, Host-Uniq echoed, an
/// AC-Cookie of 4 bytes.
static PADO: [u8; 48] = [
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0xaa, 0x88, 0x63, //
    0x11, 0x07, 0x00, 0x00, 0x00, 0x1c, //
    0x01, 0x02, 0x00, 0x04, b'l', b'n', b's', b'1', //
    0x01, 0x01, 0x00, 0x00, //
    0x01, 0x03, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef, //
    0x01, 0x04, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04,
];

/// A PADR in QinQ (outer 802.1ad VID 100, inner 802.1Q VID 7) with PPP-Max-Payload 1500.
static PADR_QINQ: [u8; 42] = [
    0x02, 0x00, 0x00, 0x00, 0x00, 0xaa, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, //
    0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x00, 0x07, 0x88, 0x63, //
    0x11, 0x19, 0x00, 0x00, 0x00, 0x0e, //
    0x01, 0x01, 0x00, 0x00, //
    0x01, 0x20, 0x00, 0x02, 0x05, 0xdc, //
    0x01, 0x04, 0x00, 0x00,
];

/// A PADS granting session 0x1234 on 802.1Q VID 100.
static PADS_DOT1Q: [u8; 28] = [
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0xaa, //
    0x81, 0x00, 0x00, 0x64, 0x88, 0x63, //
    0x11, 0x65, 0x12, 0x34, 0x00, 0x04, //
    0x01, 0x01, 0x00, 0x00,
];

/// A PADT for session 0x1234 with a Generic-Error "bye".
static PADT: [u8; 27] = [
    0x02, 0x00, 0x00, 0x00, 0x00, 0xaa, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x88, 0x63, //
    0x11, 0xa7, 0x12, 0x34, 0x00, 0x07, //
    0x02, 0x03, 0x00, 0x03, b'b', b'y', b'e',
];

/// A session frame carrying an LCP Configure-Request with no options.
static SESSION_LCP: [u8; 26] = [
    0x02, 0x00, 0x00, 0x00, 0x00, 0xaa, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x88, 0x64, //
    0x11, 0x00, 0x12, 0x34, 0x00, 0x06, //
    0xc0, 0x21, 0x01, 0x01, 0x00, 0x04,
];

fn discovery(code: Code, session_id: u16, tags: Vec<Tag>) -> Body<'static> {
    Body::Discovery {
        code,
        session_id,
        tags,
    }
}

fn check_exact(bytes: &[u8], expected: Frame<'_>) {
    assert_eq!(Frame::parse(bytes).unwrap(), expected);
    assert_eq!(expected.to_bytes().unwrap(), bytes);
}

#[test]
fn padi_exact_bytes() {
    check_exact(
        &PADI,
        Frame {
            dst: MacAddr::BROADCAST,
            src: CLIENT,
            vlans: vec![],
            body: discovery(
                Code::Padi,
                0,
                vec![
                    Tag::ServiceName(vec![]),
                    Tag::HostUniq(vec![0xde, 0xad, 0xbe, 0xef]),
                ],
            ),
        },
    );
}

#[test]
fn pado_exact_bytes() {
    check_exact(
        &PADO,
        Frame {
            dst: CLIENT,
            src: AC,
            vlans: vec![],
            body: discovery(
                Code::Pado,
                0,
                vec![
                    Tag::AcName(b"lns1".to_vec()),
                    Tag::ServiceName(vec![]),
                    Tag::HostUniq(vec![0xde, 0xad, 0xbe, 0xef]),
                    Tag::AcCookie(vec![1, 2, 3, 4]),
                ],
            ),
        },
    );
}

#[test]
fn padr_in_qinq_exact_bytes() {
    check_exact(
        &PADR_QINQ,
        Frame {
            dst: AC,
            src: CLIENT,
            vlans: vec![VlanTag::dot1ad(100), VlanTag::dot1q(7)],
            body: discovery(
                Code::Padr,
                0,
                vec![
                    Tag::ServiceName(vec![]),
                    Tag::PppMaxPayload(1500),
                    Tag::AcCookie(vec![]),
                ],
            ),
        },
    );
}

/// A pre-standard QinQ switch's 0x9100 outer tag is a tag; as an inner tag it is the
/// EtherType, which no PPPoE frame has.
#[test]
fn tpid_0x9100_is_an_outer_tag_only() {
    let mut qinq = PADR_QINQ.to_vec();
    qinq[12..14].copy_from_slice(&TPID_QINQ_9100.to_be_bytes());
    let frame = Frame::parse(&qinq).expect("parses");
    assert_eq!(
        frame.vlans,
        [
            VlanTag {
                tpid: TPID_QINQ_9100,
                tci: 100
            },
            VlanTag::dot1q(7)
        ]
    );
    qinq[12..14].copy_from_slice(&TPID_8021AD.to_be_bytes());
    qinq[16..18].copy_from_slice(&TPID_QINQ_9100.to_be_bytes());
    assert!(Frame::parse(&qinq).is_err());
}

#[test]
fn pads_in_dot1q_exact_bytes() {
    let frame = Frame::parse(&PADS_DOT1Q).unwrap();
    assert_eq!(frame.vlans[0].vid(), 100);
    check_exact(
        &PADS_DOT1Q,
        Frame {
            dst: CLIENT,
            src: AC,
            vlans: vec![VlanTag::dot1q(100)],
            body: discovery(Code::Pads, 0x1234, vec![Tag::ServiceName(vec![])]),
        },
    );
}

#[test]
fn padt_exact_bytes() {
    check_exact(
        &PADT,
        Frame {
            dst: AC,
            src: CLIENT,
            vlans: vec![],
            body: discovery(Code::Padt, 0x1234, vec![Tag::GenericError(b"bye".to_vec())]),
        },
    );
}

#[test]
fn session_frame_exact_bytes() {
    check_exact(
        &SESSION_LCP,
        Frame {
            dst: AC,
            src: CLIENT,
            vlans: vec![],
            body: Body::Session {
                session_id: 0x1234,
                ppp: &[0xc0, 0x21, 0x01, 0x01, 0x00, 0x04],
            },
        },
    );
}

#[test]
fn ethernet_padding_after_length_is_ignored() {
    let mut padded = PADI.to_vec();
    padded.resize(60, 0);
    assert_eq!(Frame::parse(&padded).unwrap(), Frame::parse(&PADI).unwrap());
}

#[test]
fn tags_after_end_of_list_are_ignored() {
    let tags = parse_tags(&[0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00]).unwrap();
    assert_eq!(tags, vec![Tag::EndOfList]);
}

#[test]
fn unknown_tags_survive_parse_and_emit() {
    let bytes = [0x7f, 0x00, 0x00, 0x02, 0xab, 0xcd];
    let tags = parse_tags(&bytes).unwrap();
    assert_eq!(
        tags,
        vec![Tag::Unknown {
            tag_type: 0x7f00,
            value: vec![0xab, 0xcd]
        }]
    );
    let mut out = Vec::new();
    emit_tags(&tags, &mut out).unwrap();
    assert_eq!(out, bytes);
}

#[test]
fn malformed_frames_have_named_errors() {
    let with = |at: usize, value: u8| {
        let mut bytes = PADI.to_vec();
        bytes[at] = value;
        Frame::parse(&bytes).map(|_| ()).unwrap_err()
    };
    assert_eq!(with(13, 0x00), PppoeWireError::NotPppoe(0x8800));
    assert_eq!(with(14, 0x21), PppoeWireError::BadVersionType(0x21));
    assert_eq!(
        with(15, 0x42),
        PppoeWireError::UnknownCode {
            ethertype: ETHERTYPE_DISCOVERY,
            code: 0x42
        }
    );
    assert_eq!(
        with(19, 0x0d),
        PppoeWireError::BadLength {
            length: 13,
            available: 12
        }
    );
    // Host-Uniq says 5 bytes, 4 remain.
    assert_eq!(with(27, 0x05), PppoeWireError::TagTruncated { offset: 4 });
    assert_eq!(
        Frame::parse(&PADI[..17]).unwrap_err(),
        PppoeWireError::Truncated
    );
    let three_tags = [
        &PADI[..12],
        &[0x81, 0, 0, 1, 0x81, 0, 0, 2, 0x81, 0, 0, 3],
        &PADI[12..],
    ]
    .concat();
    assert_eq!(
        Frame::parse(&three_tags).unwrap_err(),
        PppoeWireError::TooManyVlanTags
    );
}

#[test]
fn fixed_length_tags_are_checked() {
    assert_eq!(
        parse_tags(&[0x01, 0x20, 0x00, 0x01, 0x05]).unwrap_err(),
        PppoeWireError::BadTagLength {
            tag_type: tag_type::PPP_MAX_PAYLOAD,
            length: 1
        }
    );
    assert_eq!(
        parse_tags(&[0x00, 0x00, 0x00, 0x01, 0x05]).unwrap_err(),
        PppoeWireError::BadTagLength {
            tag_type: tag_type::END_OF_LIST,
            length: 1
        }
    );
    // A tag header cut short.
    assert_eq!(
        parse_tags(&[0x01, 0x01, 0x00]).unwrap_err(),
        PppoeWireError::TagTruncated { offset: 0 }
    );
}

#[test]
fn oversized_tag_is_refused_on_emit() {
    let tags = vec![Tag::HostUniq(vec![0; 70_000])];
    assert_eq!(
        emit_tags(&tags, &mut Vec::new()).unwrap_err(),
        PppoeWireError::TooLong(70_000)
    );
}

fn any_value() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..40)
}

/// Every tag but End-Of-List, which ends a list and so cannot sit in the middle of one.
fn any_tag() -> impl Strategy<Value = Tag> {
    prop_oneof![
        any_value().prop_map(Tag::ServiceName),
        any_value().prop_map(Tag::AcName),
        any_value().prop_map(Tag::HostUniq),
        any_value().prop_map(Tag::AcCookie),
        any_value().prop_map(Tag::VendorSpecific),
        any_value().prop_map(Tag::RelaySessionId),
        any::<u16>().prop_map(Tag::PppMaxPayload),
        any_value().prop_map(Tag::ServiceNameError),
        any_value().prop_map(Tag::AcSystemError),
        any_value().prop_map(Tag::GenericError),
        (0x0300u16..0xffff, any_value())
            .prop_map(|(tag_type, value)| Tag::Unknown { tag_type, value }),
    ]
}

fn any_code() -> impl Strategy<Value = Code> {
    prop_oneof![
        Just(Code::Padi),
        Just(Code::Pado),
        Just(Code::Padr),
        Just(Code::Pads),
        Just(Code::Padt),
    ]
}

fn any_vlans() -> impl Strategy<Value = Vec<VlanTag>> {
    let tag = |tpids: Vec<u16>| {
        (proptest::sample::select(tpids), any::<u16>())
            .prop_map(|(tpid, tci)| VlanTag { tpid, tci })
    };
    // 0x9100 is read as the outer tag only.
    let outer = tag(vec![TPID_8021Q, TPID_8021AD, TPID_QINQ_9100]);
    let inner = tag(vec![TPID_8021Q, TPID_8021AD]);
    prop_oneof![
        Just(Vec::new()),
        outer.clone().prop_map(|t| vec![t]),
        (outer, inner).prop_map(|(o, i)| vec![o, i]),
    ]
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_and_reparse(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(frame) = Frame::parse(&bytes) {
            let emitted = frame.to_bytes().unwrap();
            prop_assert_eq!(Frame::parse(&emitted).unwrap(), frame);
        }
    }

    #[test]
    fn mutated_padi_never_panics(at in 0usize..PADI.len(), value in any::<u8>(), cut in 0usize..=PADI.len()) {
        let mut bytes = PADI.to_vec();
        bytes[at] = value;
        bytes.truncate(cut);
        let _ = Frame::parse(&bytes);
    }

    #[test]
    fn discovery_round_trip(
        vlans in any_vlans(),
        code in any_code(),
        session_id in any::<u16>(),
        tags in proptest::collection::vec(any_tag(), 0..8),
    ) {
        let frame = Frame { dst: AC, src: CLIENT, vlans, body: discovery(code, session_id, tags) };
        let bytes = frame.to_bytes().unwrap();
        prop_assert_eq!(Frame::parse(&bytes).unwrap(), frame);
    }

    #[test]
    fn session_round_trip(vlans in any_vlans(), session_id in any::<u16>(), ppp in any_value()) {
        let frame = Frame { dst: AC, src: CLIENT, vlans, body: Body::Session { session_id, ppp: &ppp } };
        let bytes = frame.to_bytes().unwrap();
        prop_assert_eq!(Frame::parse(&bytes).unwrap(), frame);
    }
}
