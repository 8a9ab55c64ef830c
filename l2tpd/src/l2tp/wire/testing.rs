//! proptest strategies shared by the codec's unit tests.

use proptest::collection::vec;
use proptest::prelude::*;

use super::attribute::{
    Accm, Avp, CallErrors, PppDisconnectCause, Q931Cause, ResultCode, SpeedUpdate,
};
use super::header::ControlHeader;
use super::message::MessageType;

fn octets(max: usize) -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..max)
}

fn result_code() -> impl Strategy<Value = ResultCode> {
    prop_oneof![
        any::<u16>().prop_map(|result| ResultCode {
            result,
            error: None,
            message: vec![]
        }),
        (any::<u16>(), any::<u16>(), octets(40)).prop_map(|(result, error, message)| ResultCode {
            result,
            error: Some(error),
            message
        }),
    ]
}

/// Every AVP this codec knows except Message Type (which a message carries once, first).
pub fn arb_body_avp() -> impl Strategy<Value = Avp> {
    let fixed = prop_oneof![
        result_code().prop_map(Avp::ResultCode),
        (any::<u8>(), any::<u8>())
            .prop_map(|(version, revision)| Avp::ProtocolVersion { version, revision }),
        any::<u32>().prop_map(Avp::FramingCapabilities),
        any::<u32>().prop_map(Avp::BearerCapabilities),
        any::<[u8; 8]>().prop_map(Avp::TieBreaker),
        any::<u16>().prop_map(Avp::FirmwareRevision),
        any::<u16>().prop_map(Avp::AssignedTunnelId),
        any::<u16>().prop_map(Avp::ReceiveWindowSize),
        (any::<u16>(), any::<u8>(), octets(20)).prop_map(|(cause, message, advisory)| {
            Avp::Q931CauseCode(Q931Cause {
                cause,
                message,
                advisory,
            })
        }),
        any::<[u8; 16]>().prop_map(Avp::ChallengeResponse),
        any::<u16>().prop_map(Avp::AssignedSessionId),
        any::<u32>().prop_map(Avp::CallSerialNumber),
        any::<u32>().prop_map(Avp::MinimumBps),
        any::<u32>().prop_map(Avp::MaximumBps),
        any::<u32>().prop_map(Avp::BearerType),
        any::<u32>().prop_map(Avp::FramingType),
        any::<u32>().prop_map(Avp::TxConnectSpeed),
        any::<u32>().prop_map(Avp::PhysicalChannelId),
        any::<u16>().prop_map(Avp::ProxyAuthenType),
        any::<u8>().prop_map(Avp::ProxyAuthenId),
        any::<[u32; 6]>().prop_map(|c| Avp::CallErrors(CallErrors {
            crc: c[0],
            framing: c[1],
            hardware_overruns: c[2],
            buffer_overruns: c[3],
            timeouts: c[4],
            alignment: c[5],
        })),
        (any::<u32>(), any::<u32>()).prop_map(|(send, receive)| Avp::Accm(Accm { send, receive })),
        any::<u32>().prop_map(Avp::RxConnectSpeed),
        any::<(u16, u32, u32)>().prop_map(|(session_id, tx, rx)| Avp::ConnectSpeedUpdate(
            SpeedUpdate { session_id, tx, rx }
        )),
        Just(Avp::SequencingRequired),
        (any::<u16>(), any::<u16>(), any::<u8>(), octets(20)).prop_map(
            |(code, protocol, direction, message)| Avp::PppDisconnectCause(PppDisconnectCause {
                code,
                protocol,
                direction,
                message
            })
        ),
    ];
    let strings = prop_oneof![
        octets(64).prop_map(Avp::HostName),
        octets(64).prop_map(Avp::VendorName),
        octets(64).prop_map(Avp::Challenge),
        octets(32).prop_map(Avp::CalledNumber),
        octets(32).prop_map(Avp::CallingNumber),
        octets(32).prop_map(Avp::SubAddress),
        octets(64).prop_map(Avp::InitialReceivedLcpConfreq),
        octets(64).prop_map(Avp::LastSentLcpConfreq),
        octets(64).prop_map(Avp::LastReceivedLcpConfreq),
        octets(64).prop_map(Avp::ProxyAuthenName),
        octets(64).prop_map(Avp::ProxyAuthenChallenge),
        octets(64).prop_map(Avp::ProxyAuthenResponse),
        octets(32).prop_map(Avp::RandomVector),
        octets(32).prop_map(Avp::PrivateGroupId),
    ];
    // Vendor AVPs, including ones whose type number collides with an IETF attribute.
    let unknown = (1u16.., 0u16..64, any::<bool>(), octets(32)).prop_map(
        |(vendor, attr, mandatory, value)| Avp::Unknown {
            vendor,
            attr,
            mandatory,
            value,
        },
    );
    prop_oneof![4 => fixed, 3 => strings, 1 => unknown]
}

pub fn arb_avp() -> impl Strategy<Value = Avp> {
    prop_oneof![
        1 => any::<u16>().prop_map(|t| Avp::MessageType(MessageType(t))),
        20 => arb_body_avp(),
    ]
}

pub fn arb_control_header() -> impl Strategy<Value = ControlHeader> {
    any::<[u16; 4]>().prop_map(|[tunnel_id, session_id, ns, nr]| ControlHeader {
        tunnel_id,
        session_id,
        ns,
        nr,
    })
}

pub fn arb_message_type() -> impl Strategy<Value = MessageType> {
    proptest::sample::select(MessageType::ALL.to_vec())
}
