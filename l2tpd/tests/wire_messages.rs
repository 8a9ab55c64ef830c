//! Exact bytes of whole control messages, built by hand field by field, checked both ways:
//! parse gives the expected typed message and the builder emits the same octets.

use l2tpd::l2tp::wire::attribute::{attr, framing};
use l2tpd::l2tp::wire::{
    Avp, ControlHeader, ControlMessage, ControlMessageBuilder, MessageType, PppDisconnectCause,
    ResultCode,
};

/// An SCCRQ as an xl2tpd-like LAC sends it, before the peer's tunnel ID is known.
static SCCRQ: [u8; 79] = [
    0xc8, 0x02, // T=1 L=1 S=1, Ver=2
    0x00, 0x4f, // Length 79
    0x00, 0x00, // Tunnel ID 0: not yet assigned by the peer
    0x00, 0x00, // Session ID 0
    0x00, 0x00, // Ns 0
    0x00, 0x00, // Nr 0
    0x80, 0x08, 0x00, 0x00, 0x00, 0x00, // M=1, Length 8, IETF, Message Type
    0x00, 0x01, // SCCRQ
    0x80, 0x08, 0x00, 0x00, 0x00, 0x02, // M=1, Length 8, Protocol Version
    0x01, 0x00, // 1.0
    0x80, 0x0a, 0x00, 0x00, 0x00, 0x03, // M=1, Length 10, Framing Capabilities
    0x00, 0x00, 0x00, 0x03, // async + sync
    0x80, 0x0a, 0x00, 0x00, 0x00, 0x07, // M=1, Length 10, Host Name
    b'l', b'a', b'c', b'1', //
    0x80, 0x08, 0x00, 0x00, 0x00, 0x09, // M=1, Length 8, Assigned Tunnel ID
    0x12, 0x34, //
    0x80, 0x08, 0x00, 0x00, 0x00, 0x0a, // M=1, Length 8, Receive Window Size
    0x00, 0x04, //
    0x00, 0x08, 0x00, 0x00, 0x00, 0x06, // M=0, Length 8, Firmware Revision
    0x06, 0x90, //
    0x00, 0x07, 0x00, 0x00, 0x00, 0x08, // M=0, Length 7, Vendor Name
    b'x',
];

fn sccrq() -> (ControlHeader, ControlMessageBuilder, Vec<Avp>) {
    let avps = vec![
        Avp::ProtocolVersion {
            version: 1,
            revision: 0,
        },
        Avp::FramingCapabilities(framing::ASYNC | framing::SYNC),
        Avp::HostName(b"lac1".to_vec()),
        Avp::AssignedTunnelId(0x1234),
        Avp::ReceiveWindowSize(4),
        Avp::FirmwareRevision(0x0690),
        Avp::VendorName(b"x".to_vec()),
    ];
    let builder = avps
        .iter()
        .cloned()
        .fold(ControlMessageBuilder::new(MessageType::SCCRQ), |b, a| {
            b.avp(a)
        });
    (ControlHeader::default(), builder, avps)
}

/// A StopCCN with the short (2-octet) Result Code that MikroTik sends.
static STOPCCN: [u8; 36] = [
    0xc8, 0x02, 0x00, 0x24, // flags, Ver, Length 36
    0x56, 0x78, 0x00, 0x00, // Tunnel ID 0x5678, Session ID 0
    0x00, 0x03, 0x00, 0x02, // Ns 3, Nr 2
    0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, // Message Type StopCCN
    0x80, 0x08, 0x00, 0x00, 0x00, 0x09, 0x12, 0x34, // Assigned Tunnel ID 0x1234
    0x80, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, // Result Code 1, no Error Code
];

/// A CDN with the RFC 3145 PPP Disconnect Cause Code (M=0) after Result Code.
static CDN: [u8; 49] = [
    0xc8, 0x02, 0x00, 0x31, // flags, Ver, Length 49
    0x56, 0x78, 0x00, 0x09, // Tunnel ID 0x5678, Session ID 9
    0x00, 0x05, 0x00, 0x04, // Ns 5, Nr 4
    0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0e, // Message Type CDN
    0x80, 0x0a, 0x00, 0x00, 0x00, 0x01, // Result Code, Length 10
    0x00, 0x03, 0x00, 0x00, // result 3 (administrative), error 0
    0x80, 0x08, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x42, // Assigned Session ID 0x42
    0x00, 0x0b, 0x00, 0x00, 0x00, 0x2e, // M=0, Length 11, PPP Disconnect Cause Code
    0x00, 0x03, // code 3: normal, Terminate-Request sent
    0xc0, 0x21, // LCP
    0x02, // direction: at local
];

fn check(bytes: &[u8], header: ControlHeader, kind: MessageType, avps: Vec<Avp>) {
    let builder = avps
        .iter()
        .cloned()
        .fold(ControlMessageBuilder::new(kind), |b, a| b.avp(a));
    assert_eq!(builder.emit(header, None).expect("fits"), bytes);
    let parsed = ControlMessage::parse(bytes, None).expect("valid");
    assert_eq!(parsed.header, header);
    assert_eq!(parsed.message_type, Some(kind));
    assert_eq!(parsed.avps, avps);
    assert!(parsed.unknown.is_empty());
    assert!(parsed.missing_mandatory().is_empty());
}

#[test]
fn sccrq_exact_bytes() {
    let (header, builder, avps) = sccrq();
    assert_eq!(builder.emit(header, None).expect("fits"), SCCRQ);
    check(&SCCRQ, header, MessageType::SCCRQ, avps);
}

#[test]
fn stopccn_exact_bytes() {
    let header = ControlHeader {
        tunnel_id: 0x5678,
        session_id: 0,
        ns: 3,
        nr: 2,
    };
    let avps = vec![
        Avp::AssignedTunnelId(0x1234),
        Avp::ResultCode(ResultCode {
            result: 1,
            error: None,
            message: vec![],
        }),
    ];
    check(&STOPCCN, header, MessageType::STOPCCN, avps);
}

#[test]
fn cdn_exact_bytes() {
    let header = ControlHeader {
        tunnel_id: 0x5678,
        session_id: 9,
        ns: 5,
        nr: 4,
    };
    let avps = vec![
        Avp::ResultCode(ResultCode {
            result: 3,
            error: Some(0),
            message: vec![],
        }),
        Avp::AssignedSessionId(0x42),
        Avp::PppDisconnectCause(PppDisconnectCause {
            code: 3,
            protocol: 0xc021,
            direction: 2,
            message: vec![],
        }),
    ];
    check(&CDN, header, MessageType::CDN, avps);
    let parsed = ControlMessage::parse(&CDN, None).expect("valid");
    assert!(parsed.get(attr::PPP_DISCONNECT_CAUSE_CODE).is_some());
}

#[test]
fn trailing_bytes_after_length_are_ignored_and_short_ones_refused() {
    let mut padded = STOPCCN.to_vec();
    padded.extend_from_slice(&[0, 0, 0, 0]);
    let parsed = ControlMessage::parse(&padded, None).expect("valid");
    assert_eq!(parsed.avps.len(), 2);
    assert!(ControlMessage::parse(&STOPCCN[..35], None).is_err());
}
