//! Control message tests: round trips of every message kind, hidden AVPs end to end, the
//! Message Type and unknown-AVP rules, and arbitrary input.

use proptest::collection::vec;
use proptest::prelude::*;

use super::attribute::{attr, Avp, ResultCode};
use super::header::ControlHeader;
use super::message::{
    zlb, ControlMessage, ControlMessageBuilder, MessageType, StillHidden, UnknownAvp,
};
use super::testing::{arb_body_avp, arb_control_header, arb_message_type};
use super::WireError;

const SECRET: &[u8] = b"s3cret";

fn header() -> ControlHeader {
    ControlHeader {
        tunnel_id: 7,
        session_id: 0,
        ns: 1,
        nr: 2,
    }
}

fn expected_unknown(avp: &Avp) -> Option<UnknownAvp> {
    match avp {
        Avp::Unknown {
            vendor,
            attr,
            mandatory,
            value,
        } => Some(UnknownAvp {
            vendor: *vendor,
            attr: *attr,
            mandatory: *mandatory,
            hidden: false,
            reserved_bits: false,
            value: value.clone(),
        }),
        _ => None,
    }
}

proptest! {
    #[test]
    fn every_message_kind_round_trips(
        kind in arb_message_type(),
        header in arb_control_header(),
        body in vec((arb_body_avp(), any::<bool>(), vec(any::<u8>(), 0..20)), 0..12),
        rv in vec(any::<u8>(), 1..24),
    ) {
        let mut builder = ControlMessageBuilder::new(kind).avp(Avp::RandomVector(rv.clone()));
        for (avp, hide, padding) in &body {
            builder = if *hide && avp.may_be_hidden() && !matches!(avp, Avp::Unknown { .. }) {
                builder.hidden_avp(avp.clone(), padding.clone())
            } else {
                builder.avp(avp.clone())
            };
        }
        let bytes = builder.emit(header, Some(SECRET)).expect("fits");
        // Allocated once, at its size: hidden AVPs, padding and all.
        prop_assert_eq!(builder.emitted_len(Some(SECRET)), bytes.len());
        prop_assert_eq!(bytes.capacity(), bytes.len());
        let parsed = ControlMessage::parse(&bytes, Some(SECRET)).expect("parses");
        prop_assert_eq!(parsed.header, header);
        prop_assert_eq!(parsed.message_type, Some(kind));
        prop_assert!(parsed.message_type_mandatory);
        let mut known = vec![Avp::RandomVector(rv)];
        known.extend(body.iter().map(|(a, _, _)| a.clone()).filter(|a| !matches!(a, Avp::Unknown { .. })));
        prop_assert_eq!(parsed.avps, known);
        let unknown: Vec<_> = body.iter().filter_map(|(a, _, _)| expected_unknown(a)).collect();
        prop_assert_eq!(parsed.unknown, unknown);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..200)) {
        let _ = ControlMessage::parse(&bytes, Some(SECRET));
        let _ = ControlMessage::parse(&bytes, None);
    }

    #[test]
    fn whatever_parses_re_emits_to_the_same_avps(body in vec(any::<u8>(), 0..120)) {
        let mut bytes = ControlMessageBuilder::new(MessageType::ICCN)
            .emit(header(), None)
            .expect("fits");
        bytes.extend_from_slice(&body);
        let length = bytes.len() as u16;
        bytes[2..4].copy_from_slice(&length.to_be_bytes());
        if let Ok(message) = ControlMessage::parse(&bytes, None) {
            let rebuilt = message
                .avps
                .iter()
                .cloned()
                .fold(ControlMessageBuilder::new(MessageType::ICCN), |b, a| b.avp(a))
                .emit(message.header, None)
                .expect("fits");
            let again = ControlMessage::parse(&rebuilt, None).expect("parses");
            prop_assert_eq!(again.avps, message.avps);
        }
    }

    #[test]
    fn arbitrary_bodies_behind_a_valid_header_never_panic(body in vec(any::<u8>(), 0..200)) {
        let mut bytes = zlb(header());
        bytes.extend_from_slice(&body);
        let length = bytes.len() as u16;
        bytes[2..4].copy_from_slice(&length.to_be_bytes());
        let _ = ControlMessage::parse(&bytes, Some(SECRET));
    }
}

#[test]
fn zlb_is_a_bare_header() {
    let bytes = zlb(header());
    assert_eq!(bytes, [0xc8, 0x02, 0, 12, 0, 7, 0, 0, 0, 1, 0, 2]);
    let parsed = ControlMessage::parse(&bytes, None).expect("valid");
    assert!(parsed.is_zlb());
    assert!(parsed.missing_mandatory().is_empty());
}

#[test]
fn message_type_must_come_first_and_once() {
    // Host Name before Message Type.
    let mut bytes = zlb(header());
    Avp::HostName(b"lac".to_vec())
        .emit(&mut bytes)
        .expect("fits");
    Avp::MessageType(MessageType::HELLO)
        .emit(&mut bytes)
        .expect("fits");
    let length = bytes.len() as u16;
    bytes[2..4].copy_from_slice(&length.to_be_bytes());
    assert_eq!(
        ControlMessage::parse(&bytes, None),
        Err(WireError::MessageTypeNotFirst)
    );
    assert_eq!(
        ControlMessageBuilder::new(MessageType::HELLO)
            .avp(Avp::MessageType(MessageType::HELLO))
            .emit(header(), None),
        Err(WireError::BadMessageType)
    );
}

#[test]
fn reports_missing_mandatory_avps_per_message() {
    let bytes = ControlMessageBuilder::new(MessageType::SCCRQ)
        .avp(Avp::ProtocolVersion {
            version: 1,
            revision: 0,
        })
        .avp(Avp::HostName(b"lac".to_vec()))
        .emit(header(), None)
        .expect("fits");
    let parsed = ControlMessage::parse(&bytes, None).expect("valid");
    assert_eq!(
        parsed.missing_mandatory(),
        [attr::FRAMING_CAPABILITIES, attr::ASSIGNED_TUNNEL_ID]
    );
    let cdn = ControlMessageBuilder::new(MessageType::CDN)
        .avp(Avp::ResultCode(ResultCode {
            result: 1,
            error: None,
            message: vec![],
        }))
        .avp(Avp::AssignedSessionId(9))
        .emit(header(), None)
        .expect("fits");
    let parsed = ControlMessage::parse(&cdn, None).expect("valid");
    assert!(parsed.missing_mandatory().is_empty());
    assert_eq!(
        parsed.get(attr::ASSIGNED_SESSION_ID),
        Some(&Avp::AssignedSessionId(9))
    );
}

#[test]
fn unknown_avps_are_collected_with_their_m_bit() {
    let bytes = ControlMessageBuilder::new(MessageType::ICRQ)
        .avp(Avp::Unknown {
            vendor: 3561,
            attr: 2,
            mandatory: false,
            value: vec![1, 0],
        })
        .avp(Avp::Unknown {
            vendor: 0,
            attr: 200,
            mandatory: true,
            value: vec![],
        })
        .avp(Avp::AssignedSessionId(3))
        .emit(header(), None)
        .expect("fits");
    let parsed = ControlMessage::parse(&bytes, None).expect("valid");
    assert_eq!(parsed.avps, [Avp::AssignedSessionId(3)]);
    assert_eq!(parsed.unknown.len(), 2);
    assert!(!parsed.unknown[0].mandatory);
    assert!(parsed.unknown[1].mandatory);
    assert!(parsed.has_unknown_mandatory());
    assert_eq!(parsed.missing_mandatory(), [attr::CALL_SERIAL_NUMBER]);
}

#[test]
fn reserved_bits_make_a_known_avp_unknown() {
    let mut bytes = ControlMessageBuilder::new(MessageType::ICRP)
        .avp(Avp::AssignedSessionId(3))
        .emit(header(), None)
        .expect("fits");
    // The second AVP starts after the 12-octet header and the 8-octet Message Type AVP.
    bytes[20] |= 0x10;
    let parsed = ControlMessage::parse(&bytes, None).expect("valid");
    assert!(parsed.avps.is_empty());
    assert_eq!(parsed.unknown.len(), 1);
    assert!(parsed.unknown[0].reserved_bits && parsed.unknown[0].mandatory);
}

#[test]
fn unknown_message_type_keeps_its_m_bit() {
    let mut bytes = ControlMessageBuilder::new(MessageType(99))
        .emit(header(), None)
        .expect("fits");
    let parsed = ControlMessage::parse(&bytes, None).expect("valid");
    assert_eq!(parsed.message_type, Some(MessageType(99)));
    assert!(parsed.message_type_mandatory);
    bytes[12] &= 0x7f;
    let parsed = ControlMessage::parse(&bytes, None).expect("valid");
    assert!(!parsed.message_type_mandatory);
}

#[test]
fn hidden_avps_need_secret_and_random_vector() {
    let without_rv =
        ControlMessageBuilder::new(MessageType::ICRQ).hidden_avp(Avp::AssignedSessionId(3), vec![]);
    assert_eq!(
        without_rv.emit(header(), Some(SECRET)),
        Err(WireError::HiddenWithoutRandomVector {
            attribute: attr::ASSIGNED_SESSION_ID
        })
    );
    let builder = ControlMessageBuilder::new(MessageType::ICRQ)
        .avp(Avp::RandomVector(vec![1, 2, 3, 4]))
        .hidden_avp(Avp::AssignedSessionId(3), vec![0xaa; 5]);
    assert_eq!(
        builder.emit(header(), None),
        Err(WireError::HiddenWithoutSecret {
            attribute: attr::ASSIGNED_SESSION_ID
        })
    );
    let bytes = builder.emit(header(), Some(SECRET)).expect("fits");
    assert_eq!(
        ControlMessage::parse(&bytes, None),
        Err(WireError::HiddenWithoutSecret {
            attribute: attr::ASSIGNED_SESSION_ID
        })
    );
    let parsed = ControlMessage::parse(&bytes, Some(SECRET)).expect("valid");
    assert_eq!(
        parsed.get(attr::ASSIGNED_SESSION_ID),
        Some(&Avp::AssignedSessionId(3))
    );
    assert_eq!(
        ControlMessageBuilder::new(MessageType::SCCRQ)
            .avp(Avp::RandomVector(vec![1]))
            .hidden_avp(Avp::HostName(b"lac".to_vec()), vec![])
            .emit(header(), Some(SECRET)),
        Err(WireError::CannotHide {
            attribute: attr::HOST_NAME
        })
    );
}

#[test]
fn parse_leaving_hidden_collects_hidden_avps_undecoded() {
    let bytes = ControlMessageBuilder::new(MessageType::SCCRQ)
        .avp(Avp::HostName(b"lac".to_vec()))
        .avp(Avp::RandomVector(vec![9; 16]))
        .hidden_avp(Avp::AssignedTunnelId(0x1234), vec![0x55; 3])
        .avp(Avp::FirmwareRevision(0x0100))
        .emit(header(), Some(SECRET))
        .expect("fits");
    let parsed = ControlMessage::parse_leaving_hidden(&bytes).expect("valid");
    assert_eq!(
        parsed.get(attr::HOST_NAME),
        Some(&Avp::HostName(b"lac".to_vec()))
    );
    assert_eq!(
        parsed.get(attr::FIRMWARE_REVISION),
        Some(&Avp::FirmwareRevision(0x0100))
    );
    assert_eq!(parsed.get(attr::ASSIGNED_TUNNEL_ID), None);
    assert!(parsed.is_still_hidden(attr::ASSIGNED_TUNNEL_ID));
    assert!(!parsed.is_still_hidden(attr::HOST_NAME));
    // The value is the hidden octets as carried: Original Length, value, padding.
    let [StillHidden {
        attr: attribute,
        mandatory,
        value,
    }] = &parsed.still_hidden[..]
    else {
        panic!("one hidden AVP expected, got {:?}", parsed.still_hidden);
    };
    assert_eq!(
        (*attribute, *mandatory, value.len()),
        (attr::ASSIGNED_TUNNEL_ID, true, 2 + 2 + 3)
    );
    assert_ne!(&value[2..4], &[0x12, 0x34]);
    // The same bytes with the secret unhide it, and leave nothing hidden.
    let full = ControlMessage::parse(&bytes, Some(SECRET)).expect("valid");
    assert_eq!(
        full.get(attr::ASSIGNED_TUNNEL_ID),
        Some(&Avp::AssignedTunnelId(0x1234))
    );
    assert!(full.still_hidden.is_empty());
}

#[test]
fn parse_leaving_hidden_still_needs_a_random_vector() {
    let mut bytes = ControlMessageBuilder::new(MessageType::SCCRQ)
        .avp(Avp::AssignedTunnelId(5))
        .emit(header(), None)
        .expect("fits");
    // Set the H bit of the AVP after the 8-octet Message Type: no Random Vector precedes it.
    bytes[20] |= 0x40;
    assert_eq!(
        ControlMessage::parse_leaving_hidden(&bytes),
        Err(WireError::HiddenWithoutRandomVector {
            attribute: attr::ASSIGNED_TUNNEL_ID
        })
    );
}

/// The H bit of each AVP after Message Type, in order, read from the raw datagram.
fn hidden_bits(bytes: &[u8]) -> Vec<(u16, bool)> {
    super::avp::AvpIter::new(bytes.get(12..).expect("a control header"))
        .skip(1)
        .map(|avp| {
            let avp = avp.expect("well formed");
            (avp.attribute_type(), avp.hidden())
        })
        .collect()
}

#[test]
fn sensitive_avps_are_hidden_only_with_a_secret() {
    let password = b"pap-password".to_vec();
    let builder = ControlMessageBuilder::new(MessageType::ICCN)
        .avp(Avp::TxConnectSpeed(1_000))
        .avp(Avp::FramingType(1))
        .sensitive_avp(Avp::ProxyAuthenResponse(password.clone()));
    assert!(builder.has_sensitive());

    // No secret: exactly what plain `avp` would have produced.
    let clear = builder.emit(header(), None).expect("fits");
    assert_eq!(builder.emitted_len(None), clear.len());
    let plain = ControlMessageBuilder::new(MessageType::ICCN)
        .avp(Avp::TxConnectSpeed(1_000))
        .avp(Avp::FramingType(1))
        .avp(Avp::ProxyAuthenResponse(password.clone()))
        .emit(header(), None)
        .expect("fits");
    assert_eq!(clear, plain);

    // A secret but no Random Vector: refused rather than sent in the clear.
    assert_eq!(
        builder.emit(header(), Some(SECRET)),
        Err(WireError::HiddenWithoutRandomVector {
            attribute: attr::PROXY_AUTHEN_RESPONSE
        })
    );

    let mut lengths = Vec::new();
    let hiding = builder.hide_sensitive(vec![0x5a; 16], |len| {
        lengths.push(len);
        vec![0xee; 3]
    });
    assert_eq!(lengths, [password.len()]);
    let bytes = hiding.emit(header(), Some(SECRET)).expect("fits");
    assert_eq!(hiding.emitted_len(Some(SECRET)), bytes.len());
    assert_eq!(
        hidden_bits(&bytes),
        [
            (attr::TX_CONNECT_SPEED, false),
            (attr::FRAMING_TYPE, false),
            (attr::RANDOM_VECTOR, false),
            (attr::PROXY_AUTHEN_RESPONSE, true),
        ]
    );
    let parsed = ControlMessage::parse(&bytes, Some(SECRET)).expect("valid");
    assert_eq!(
        parsed.get(attr::PROXY_AUTHEN_RESPONSE),
        Some(&Avp::ProxyAuthenResponse(password))
    );
}

#[test]
fn hide_sensitive_without_sensitive_avps_changes_nothing() {
    let builder = ControlMessageBuilder::new(MessageType::ICCN).avp(Avp::TxConnectSpeed(1));
    assert!(!builder.has_sensitive());
    let same = builder
        .clone()
        .hide_sensitive(vec![1; 16], |_| panic!("no AVP to pad"));
    assert_eq!(same, builder);
}
