//! Typed AVP values: every attribute of RFC 2661 §4.4 plus PPP Disconnect Cause Code (RFC 3145).
//!
//! Dispatch is on (Vendor ID, Attribute Type): a vendor AVP whose type number collides with an
//! IETF one is [`Avp::Unknown`], never the IETF attribute (xl2tpd #163 read a Broadband Forum
//! AVP 2 as Protocol Version).

use super::avp::{AvpHeader, VENDOR_IETF};
use super::error::WireError;
use super::message::MessageType;

/// IETF attribute type numbers.
pub mod attr {
    pub const MESSAGE_TYPE: u16 = 0;
    pub const RESULT_CODE: u16 = 1;
    pub const PROTOCOL_VERSION: u16 = 2;
    pub const FRAMING_CAPABILITIES: u16 = 3;
    pub const BEARER_CAPABILITIES: u16 = 4;
    pub const TIE_BREAKER: u16 = 5;
    pub const FIRMWARE_REVISION: u16 = 6;
    pub const HOST_NAME: u16 = 7;
    pub const VENDOR_NAME: u16 = 8;
    pub const ASSIGNED_TUNNEL_ID: u16 = 9;
    pub const RECEIVE_WINDOW_SIZE: u16 = 10;
    pub const CHALLENGE: u16 = 11;
    pub const Q931_CAUSE_CODE: u16 = 12;
    pub const CHALLENGE_RESPONSE: u16 = 13;
    pub const ASSIGNED_SESSION_ID: u16 = 14;
    pub const CALL_SERIAL_NUMBER: u16 = 15;
    pub const MINIMUM_BPS: u16 = 16;
    pub const MAXIMUM_BPS: u16 = 17;
    pub const BEARER_TYPE: u16 = 18;
    pub const FRAMING_TYPE: u16 = 19;
    pub const CALLED_NUMBER: u16 = 21;
    pub const CALLING_NUMBER: u16 = 22;
    pub const SUB_ADDRESS: u16 = 23;
    pub const TX_CONNECT_SPEED: u16 = 24;
    pub const PHYSICAL_CHANNEL_ID: u16 = 25;
    pub const INITIAL_RECEIVED_LCP_CONFREQ: u16 = 26;
    pub const LAST_SENT_LCP_CONFREQ: u16 = 27;
    pub const LAST_RECEIVED_LCP_CONFREQ: u16 = 28;
    pub const PROXY_AUTHEN_TYPE: u16 = 29;
    pub const PROXY_AUTHEN_NAME: u16 = 30;
    pub const PROXY_AUTHEN_CHALLENGE: u16 = 31;
    pub const PROXY_AUTHEN_ID: u16 = 32;
    pub const PROXY_AUTHEN_RESPONSE: u16 = 33;
    pub const CALL_ERRORS: u16 = 34;
    pub const ACCM: u16 = 35;
    pub const RANDOM_VECTOR: u16 = 36;
    pub const PRIVATE_GROUP_ID: u16 = 37;
    pub const RX_CONNECT_SPEED: u16 = 38;
    pub const SEQUENCING_REQUIRED: u16 = 39;
    /// RFC 3145.
    pub const PPP_DISCONNECT_CAUSE_CODE: u16 = 46;
    /// RFC 5515 §4.3: one session's new speeds, in a CSUN.
    pub const CONNECT_SPEED_UPDATE: u16 = 97;
}

/// Bits of Framing Capabilities and Framing Type (RFC 2661 §4.4.3, §4.4.5).
pub mod framing {
    pub const SYNC: u32 = 0x1;
    pub const ASYNC: u32 = 0x2;
}

/// Bits of Bearer Capabilities and Bearer Type.
pub mod bearer {
    pub const DIGITAL: u32 = 0x1;
    pub const ANALOG: u32 = 0x2;
}

/// Values of Proxy Authen Type (RFC 2661 §4.4.5).
pub mod proxy_authen {
    pub const TEXTUAL: u16 = 1;
    pub const CHAP: u16 = 2;
    pub const PAP: u16 = 3;
    pub const NONE: u16 = 4;
    pub const MSCHAP_V1: u16 = 5;
}

/// Result Code AVP (1). The RFC's 2-octet form (no Error Code) and an Error Code without a
/// message are both legal and both accepted (MikroTik sends them; xl2tpd #90 and #130 did not
/// accept them). A non-empty `message` is sent with Error Code 0 when `error` is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultCode {
    pub result: u16,
    pub error: Option<u16>,
    pub message: Vec<u8>,
}

/// Q.931 Cause Code AVP (12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Q931Cause {
    pub cause: u16,
    pub message: u8,
    pub advisory: Vec<u8>,
}

/// Connect Speed Update AVP (97, RFC 5515 §4.3): Reserved (2) ‖ Remote Session ID (2, the
/// receiver's ID of the session) ‖ Current Tx Connect Speed (4) ‖ Current Rx Connect Speed
/// (4), bit/s (the L2TPv2 layout).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpeedUpdate {
    pub session_id: u16,
    pub tx: u32,
    pub rx: u32,
}

/// Call Errors AVP (34), sent in WEN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CallErrors {
    pub crc: u32,
    pub framing: u32,
    pub hardware_overruns: u32,
    pub buffer_overruns: u32,
    pub timeouts: u32,
    pub alignment: u32,
}

/// ACCM AVP (35), sent in SLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Accm {
    pub send: u32,
    pub receive: u32,
}

/// PPP Disconnect Cause Code AVP (46, RFC 3145).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PppDisconnectCause {
    pub code: u16,
    /// The PPP protocol number the cause refers to (0xc021 LCP, 0x8021 IPCP, ...).
    pub protocol: u16,
    /// 0 global, 1 at peer, 2 at local.
    pub direction: u8,
    pub message: Vec<u8>,
}

/// One AVP with its value decoded. Strings are kept as the octets received: RFC 2661 does not
/// promise UTF-8 and a round trip must not change them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Avp {
    MessageType(MessageType),
    ResultCode(ResultCode),
    ProtocolVersion {
        version: u8,
        revision: u8,
    },
    FramingCapabilities(u32),
    BearerCapabilities(u32),
    TieBreaker([u8; 8]),
    FirmwareRevision(u16),
    HostName(Vec<u8>),
    VendorName(Vec<u8>),
    AssignedTunnelId(u16),
    ReceiveWindowSize(u16),
    Challenge(Vec<u8>),
    Q931CauseCode(Q931Cause),
    ChallengeResponse([u8; 16]),
    AssignedSessionId(u16),
    CallSerialNumber(u32),
    MinimumBps(u32),
    MaximumBps(u32),
    BearerType(u32),
    FramingType(u32),
    CalledNumber(Vec<u8>),
    CallingNumber(Vec<u8>),
    SubAddress(Vec<u8>),
    TxConnectSpeed(u32),
    PhysicalChannelId(u32),
    InitialReceivedLcpConfreq(Vec<u8>),
    LastSentLcpConfreq(Vec<u8>),
    LastReceivedLcpConfreq(Vec<u8>),
    ProxyAuthenType(u16),
    ProxyAuthenName(Vec<u8>),
    ProxyAuthenChallenge(Vec<u8>),
    ProxyAuthenId(u8),
    ProxyAuthenResponse(Vec<u8>),
    CallErrors(CallErrors),
    Accm(Accm),
    RandomVector(Vec<u8>),
    PrivateGroupId(Vec<u8>),
    RxConnectSpeed(u32),
    SequencingRequired,
    PppDisconnectCause(PppDisconnectCause),
    ConnectSpeedUpdate(SpeedUpdate),
    /// Anything else: another vendor's AVP, an unassigned IETF type, or an AVP with reserved
    /// header bits set (RFC 2661 §4.1 says to treat those as unrecognised).
    Unknown {
        vendor: u16,
        attr: u16,
        mandatory: bool,
        value: Vec<u8>,
    },
}

fn exact<const N: usize>(value: &[u8]) -> Option<[u8; N]> {
    value.try_into().ok()
}
fn u16_value(value: &[u8]) -> Option<u16> {
    exact::<2>(value).map(u16::from_be_bytes)
}
fn u32_value(value: &[u8]) -> Option<u32> {
    exact::<4>(value).map(u32::from_be_bytes)
}
fn u32_at(value: &[u8], at: usize) -> Option<u32> {
    value.get(at..at + 4).and_then(u32_value)
}

impl Avp {
    /// Decodes the (already unhidden) value of an AVP whose header had no reserved bits set.
    /// `mandatory` is only kept for [`Avp::Unknown`].
    pub fn decode(
        vendor: u16,
        attribute: u16,
        mandatory: bool,
        value: &[u8],
    ) -> Result<Self, WireError> {
        let unknown = || Self::Unknown {
            vendor,
            attr: attribute,
            mandatory,
            value: value.to_vec(),
        };
        if vendor != VENDOR_IETF {
            return Ok(unknown());
        }
        let bytes = || value.to_vec();
        let decoded = match attribute {
            attr::MESSAGE_TYPE => u16_value(value).map(|t| Self::MessageType(MessageType(t))),
            attr::RESULT_CODE => decode_result_code(value).map(Self::ResultCode),
            attr::PROTOCOL_VERSION => exact::<2>(value)
                .map(|[version, revision]| Self::ProtocolVersion { version, revision }),
            attr::FRAMING_CAPABILITIES => u32_value(value).map(Self::FramingCapabilities),
            attr::BEARER_CAPABILITIES => u32_value(value).map(Self::BearerCapabilities),
            attr::TIE_BREAKER => exact(value).map(Self::TieBreaker),
            attr::FIRMWARE_REVISION => u16_value(value).map(Self::FirmwareRevision),
            attr::HOST_NAME => Some(Self::HostName(bytes())),
            attr::VENDOR_NAME => Some(Self::VendorName(bytes())),
            attr::ASSIGNED_TUNNEL_ID => u16_value(value).map(Self::AssignedTunnelId),
            attr::RECEIVE_WINDOW_SIZE => u16_value(value).map(Self::ReceiveWindowSize),
            attr::CHALLENGE => Some(Self::Challenge(bytes())),
            attr::Q931_CAUSE_CODE => match value {
                [c0, c1, message, advisory @ ..] => Some(Self::Q931CauseCode(Q931Cause {
                    cause: u16::from_be_bytes([*c0, *c1]),
                    message: *message,
                    advisory: advisory.to_vec(),
                })),
                _ => None,
            },
            attr::CHALLENGE_RESPONSE => exact(value).map(Self::ChallengeResponse),
            attr::ASSIGNED_SESSION_ID => u16_value(value).map(Self::AssignedSessionId),
            attr::CALL_SERIAL_NUMBER => u32_value(value).map(Self::CallSerialNumber),
            attr::MINIMUM_BPS => u32_value(value).map(Self::MinimumBps),
            attr::MAXIMUM_BPS => u32_value(value).map(Self::MaximumBps),
            attr::BEARER_TYPE => u32_value(value).map(Self::BearerType),
            attr::FRAMING_TYPE => u32_value(value).map(Self::FramingType),
            attr::CALLED_NUMBER => Some(Self::CalledNumber(bytes())),
            attr::CALLING_NUMBER => Some(Self::CallingNumber(bytes())),
            attr::SUB_ADDRESS => Some(Self::SubAddress(bytes())),
            attr::TX_CONNECT_SPEED => u32_value(value).map(Self::TxConnectSpeed),
            attr::PHYSICAL_CHANNEL_ID => u32_value(value).map(Self::PhysicalChannelId),
            attr::INITIAL_RECEIVED_LCP_CONFREQ => Some(Self::InitialReceivedLcpConfreq(bytes())),
            attr::LAST_SENT_LCP_CONFREQ => Some(Self::LastSentLcpConfreq(bytes())),
            attr::LAST_RECEIVED_LCP_CONFREQ => Some(Self::LastReceivedLcpConfreq(bytes())),
            attr::PROXY_AUTHEN_TYPE => u16_value(value).map(Self::ProxyAuthenType),
            attr::PROXY_AUTHEN_NAME => Some(Self::ProxyAuthenName(bytes())),
            attr::PROXY_AUTHEN_CHALLENGE => Some(Self::ProxyAuthenChallenge(bytes())),
            // A reserved octet, then the CHAP identifier.
            attr::PROXY_AUTHEN_ID => exact::<2>(value).map(|[_, id]| Self::ProxyAuthenId(id)),
            attr::PROXY_AUTHEN_RESPONSE => Some(Self::ProxyAuthenResponse(bytes())),
            attr::CALL_ERRORS => (value.len() == 26)
                .then(|| {
                    Some(CallErrors {
                        crc: u32_at(value, 2)?,
                        framing: u32_at(value, 6)?,
                        hardware_overruns: u32_at(value, 10)?,
                        buffer_overruns: u32_at(value, 14)?,
                        timeouts: u32_at(value, 18)?,
                        alignment: u32_at(value, 22)?,
                    })
                })
                .flatten()
                .map(Self::CallErrors),
            attr::ACCM => (value.len() == 10)
                .then(|| {
                    Some(Accm {
                        send: u32_at(value, 2)?,
                        receive: u32_at(value, 6)?,
                    })
                })
                .flatten()
                .map(Self::Accm),
            attr::RANDOM_VECTOR => Some(Self::RandomVector(bytes())),
            attr::PRIVATE_GROUP_ID => Some(Self::PrivateGroupId(bytes())),
            attr::RX_CONNECT_SPEED => u32_value(value).map(Self::RxConnectSpeed),
            attr::SEQUENCING_REQUIRED => value.is_empty().then_some(Self::SequencingRequired),
            attr::PPP_DISCONNECT_CAUSE_CODE => match value {
                [c0, c1, p0, p1, direction, message @ ..] => {
                    Some(Self::PppDisconnectCause(PppDisconnectCause {
                        code: u16::from_be_bytes([*c0, *c1]),
                        protocol: u16::from_be_bytes([*p0, *p1]),
                        direction: *direction,
                        message: message.to_vec(),
                    }))
                }
                _ => None,
            },
            attr::CONNECT_SPEED_UPDATE => (value.len() == 12)
                .then(|| {
                    Some(SpeedUpdate {
                        session_id: u16_value(value.get(2..4)?)?,
                        tx: u32_at(value, 4)?,
                        rx: u32_at(value, 8)?,
                    })
                })
                .flatten()
                .map(Self::ConnectSpeedUpdate),
            _ => return Ok(unknown()),
        };
        decoded.ok_or(WireError::BadAvpValue { vendor, attribute })
    }

    pub fn vendor_id(&self) -> u16 {
        match self {
            Self::Unknown { vendor, .. } => *vendor,
            _ => VENDOR_IETF,
        }
    }

    pub fn attribute_type(&self) -> u16 {
        match self {
            Self::MessageType(_) => attr::MESSAGE_TYPE,
            Self::ResultCode(_) => attr::RESULT_CODE,
            Self::ProtocolVersion { .. } => attr::PROTOCOL_VERSION,
            Self::FramingCapabilities(_) => attr::FRAMING_CAPABILITIES,
            Self::BearerCapabilities(_) => attr::BEARER_CAPABILITIES,
            Self::TieBreaker(_) => attr::TIE_BREAKER,
            Self::FirmwareRevision(_) => attr::FIRMWARE_REVISION,
            Self::HostName(_) => attr::HOST_NAME,
            Self::VendorName(_) => attr::VENDOR_NAME,
            Self::AssignedTunnelId(_) => attr::ASSIGNED_TUNNEL_ID,
            Self::ReceiveWindowSize(_) => attr::RECEIVE_WINDOW_SIZE,
            Self::Challenge(_) => attr::CHALLENGE,
            Self::Q931CauseCode(_) => attr::Q931_CAUSE_CODE,
            Self::ChallengeResponse(_) => attr::CHALLENGE_RESPONSE,
            Self::AssignedSessionId(_) => attr::ASSIGNED_SESSION_ID,
            Self::CallSerialNumber(_) => attr::CALL_SERIAL_NUMBER,
            Self::MinimumBps(_) => attr::MINIMUM_BPS,
            Self::MaximumBps(_) => attr::MAXIMUM_BPS,
            Self::BearerType(_) => attr::BEARER_TYPE,
            Self::FramingType(_) => attr::FRAMING_TYPE,
            Self::CalledNumber(_) => attr::CALLED_NUMBER,
            Self::CallingNumber(_) => attr::CALLING_NUMBER,
            Self::SubAddress(_) => attr::SUB_ADDRESS,
            Self::TxConnectSpeed(_) => attr::TX_CONNECT_SPEED,
            Self::PhysicalChannelId(_) => attr::PHYSICAL_CHANNEL_ID,
            Self::InitialReceivedLcpConfreq(_) => attr::INITIAL_RECEIVED_LCP_CONFREQ,
            Self::LastSentLcpConfreq(_) => attr::LAST_SENT_LCP_CONFREQ,
            Self::LastReceivedLcpConfreq(_) => attr::LAST_RECEIVED_LCP_CONFREQ,
            Self::ProxyAuthenType(_) => attr::PROXY_AUTHEN_TYPE,
            Self::ProxyAuthenName(_) => attr::PROXY_AUTHEN_NAME,
            Self::ProxyAuthenChallenge(_) => attr::PROXY_AUTHEN_CHALLENGE,
            Self::ProxyAuthenId(_) => attr::PROXY_AUTHEN_ID,
            Self::ProxyAuthenResponse(_) => attr::PROXY_AUTHEN_RESPONSE,
            Self::CallErrors(_) => attr::CALL_ERRORS,
            Self::Accm(_) => attr::ACCM,
            Self::RandomVector(_) => attr::RANDOM_VECTOR,
            Self::PrivateGroupId(_) => attr::PRIVATE_GROUP_ID,
            Self::RxConnectSpeed(_) => attr::RX_CONNECT_SPEED,
            Self::SequencingRequired => attr::SEQUENCING_REQUIRED,
            Self::PppDisconnectCause(_) => attr::PPP_DISCONNECT_CAUSE_CODE,
            Self::ConnectSpeedUpdate(_) => attr::CONNECT_SPEED_UPDATE,
            Self::Unknown { attr, .. } => *attr,
        }
    }

    /// The M bit RFC 2661 §4.4 (and RFC 3145 for AVP 46) gives this AVP when we send it.
    pub fn mandatory(&self) -> bool {
        !matches!(
            self,
            Self::TieBreaker(_)
                | Self::FirmwareRevision(_)
                | Self::VendorName(_)
                | Self::PhysicalChannelId(_)
                | Self::InitialReceivedLcpConfreq(_)
                | Self::LastSentLcpConfreq(_)
                | Self::LastReceivedLcpConfreq(_)
                | Self::ProxyAuthenType(_)
                | Self::ProxyAuthenName(_)
                | Self::ProxyAuthenChallenge(_)
                | Self::ProxyAuthenId(_)
                | Self::ProxyAuthenResponse(_)
                | Self::PrivateGroupId(_)
                | Self::RxConnectSpeed(_)
                | Self::PppDisconnectCause(_)
                | Self::ConnectSpeedUpdate(_)
                | Self::Unknown {
                    mandatory: false,
                    ..
                }
        )
    }

    /// Whether we may send this AVP hidden. The AVPs a peer needs before it can unhide anything
    /// (Message Type, Random Vector) and those RFC 2661 keeps in the clear stay visible; so do
    /// vendor AVPs (RFC 5515's access line IDs): a receiver keeps the ones it does not know
    /// as they came, and a hidden one would be unreadable to it.
    pub fn may_be_hidden(&self) -> bool {
        !matches!(
            self,
            Self::MessageType(_)
                | Self::RandomVector(_)
                | Self::ProtocolVersion { .. }
                | Self::HostName(_)
                | Self::TieBreaker(_)
                | Self::ReceiveWindowSize(_)
                | Self::SequencingRequired
                | Self::Unknown { .. }
        )
    }

    /// Appends the value octets (not the AVP header).
    pub fn encode_value(&self, out: &mut Vec<u8>) {
        match self {
            Self::MessageType(t) => out.extend_from_slice(&t.0.to_be_bytes()),
            Self::ResultCode(rc) => {
                out.extend_from_slice(&rc.result.to_be_bytes());
                match (rc.error, rc.message.is_empty()) {
                    (None, true) => {}
                    (error, _) => {
                        out.extend_from_slice(&error.unwrap_or(0).to_be_bytes());
                        out.extend_from_slice(&rc.message);
                    }
                }
            }
            Self::ProtocolVersion { version, revision } => {
                out.extend_from_slice(&[*version, *revision])
            }
            Self::FramingCapabilities(v)
            | Self::BearerCapabilities(v)
            | Self::CallSerialNumber(v)
            | Self::MinimumBps(v)
            | Self::MaximumBps(v)
            | Self::BearerType(v)
            | Self::FramingType(v)
            | Self::TxConnectSpeed(v)
            | Self::PhysicalChannelId(v)
            | Self::RxConnectSpeed(v) => out.extend_from_slice(&v.to_be_bytes()),
            Self::FirmwareRevision(v)
            | Self::AssignedTunnelId(v)
            | Self::ReceiveWindowSize(v)
            | Self::AssignedSessionId(v)
            | Self::ProxyAuthenType(v) => out.extend_from_slice(&v.to_be_bytes()),
            Self::TieBreaker(v) => out.extend_from_slice(v),
            Self::ChallengeResponse(v) => out.extend_from_slice(v),
            Self::HostName(v)
            | Self::VendorName(v)
            | Self::Challenge(v)
            | Self::CalledNumber(v)
            | Self::CallingNumber(v)
            | Self::SubAddress(v)
            | Self::InitialReceivedLcpConfreq(v)
            | Self::LastSentLcpConfreq(v)
            | Self::LastReceivedLcpConfreq(v)
            | Self::ProxyAuthenName(v)
            | Self::ProxyAuthenChallenge(v)
            | Self::ProxyAuthenResponse(v)
            | Self::RandomVector(v)
            | Self::PrivateGroupId(v)
            | Self::Unknown { value: v, .. } => out.extend_from_slice(v),
            Self::Q931CauseCode(q) => {
                out.extend_from_slice(&q.cause.to_be_bytes());
                out.push(q.message);
                out.extend_from_slice(&q.advisory);
            }
            Self::ProxyAuthenId(id) => out.extend_from_slice(&[0, *id]),
            Self::CallErrors(e) => {
                out.extend_from_slice(&[0, 0]);
                for count in [
                    e.crc,
                    e.framing,
                    e.hardware_overruns,
                    e.buffer_overruns,
                    e.timeouts,
                    e.alignment,
                ] {
                    out.extend_from_slice(&count.to_be_bytes());
                }
            }
            Self::Accm(a) => {
                out.extend_from_slice(&[0, 0]);
                out.extend_from_slice(&a.send.to_be_bytes());
                out.extend_from_slice(&a.receive.to_be_bytes());
            }
            Self::SequencingRequired => {}
            Self::ConnectSpeedUpdate(u) => {
                out.extend_from_slice(&[0, 0]);
                out.extend_from_slice(&u.session_id.to_be_bytes());
                out.extend_from_slice(&u.tx.to_be_bytes());
                out.extend_from_slice(&u.rx.to_be_bytes());
            }
            Self::PppDisconnectCause(c) => {
                out.extend_from_slice(&c.code.to_be_bytes());
                out.extend_from_slice(&c.protocol.to_be_bytes());
                out.push(c.direction);
                out.extend_from_slice(&c.message);
            }
        }
    }

    /// The header this AVP is sent with, in the clear or hidden.
    pub fn header(&self, hidden: bool) -> AvpHeader {
        AvpHeader {
            mandatory: self.mandatory(),
            hidden,
            vendor_id: self.vendor_id(),
            attribute_type: self.attribute_type(),
        }
    }

    /// Appends the whole AVP, in the clear.
    pub fn emit(&self, out: &mut Vec<u8>) -> Result<(), WireError> {
        let mut value = Vec::new();
        self.encode_value(&mut value);
        self.header(false).emit(&value, out)
    }
}

fn decode_result_code(value: &[u8]) -> Option<ResultCode> {
    match value {
        [r0, r1] => Some(ResultCode {
            result: u16::from_be_bytes([*r0, *r1]),
            error: None,
            message: Vec::new(),
        }),
        [r0, r1, e0, e1, message @ ..] => Some(ResultCode {
            result: u16::from_be_bytes([*r0, *r1]),
            error: Some(u16::from_be_bytes([*e0, *e1])),
            message: message.to_vec(),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::l2tp::wire::avp::AvpIter;
    use crate::l2tp::wire::testing::arb_avp;
    use proptest::prelude::*;

    fn reparse(bytes: &[u8]) -> Result<Avp, WireError> {
        let avp = AvpIter::new(bytes).next().expect("one AVP")?;
        Avp::decode(
            avp.vendor_id(),
            avp.attribute_type(),
            avp.mandatory(),
            avp.value(),
        )
    }

    #[test]
    fn result_code_forms() {
        // Result Code 1 alone: the 8-octet AVP that MikroTik sends.
        let short = [0x80, 0x08, 0, 0, 0, 1, 0x00, 0x01];
        assert_eq!(
            reparse(&short),
            Ok(Avp::ResultCode(ResultCode {
                result: 1,
                error: None,
                message: vec![]
            }))
        );
        let with_error = [0x80, 0x0a, 0, 0, 0, 1, 0x00, 0x02, 0x00, 0x06];
        assert_eq!(
            reparse(&with_error),
            Ok(Avp::ResultCode(ResultCode {
                result: 2,
                error: Some(6),
                message: vec![]
            }))
        );
        let odd = [0x80, 0x09, 0, 0, 0, 1, 0x00, 0x02, 0x00];
        assert_eq!(
            reparse(&odd),
            Err(WireError::BadAvpValue {
                vendor: 0,
                attribute: 1
            })
        );
        // A message without an error code goes out with Error Code 0 in front of it.
        let mut value = Vec::new();
        Avp::ResultCode(ResultCode {
            result: 1,
            error: None,
            message: b"bye".to_vec(),
        })
        .encode_value(&mut value);
        assert_eq!(value, [0, 1, 0, 0, b'b', b'y', b'e']);
    }

    #[test]
    fn vendor_avp_with_ietf_number_is_not_the_ietf_avp() {
        // Vendor 3561, type 2, value 01 00: looks like Protocol Version 1.0 if read by number.
        let bbf = [0x80, 0x08, 0x0d, 0xe9, 0x00, 0x02, 0x01, 0x00];
        assert_eq!(
            reparse(&bbf),
            Ok(Avp::Unknown {
                vendor: 3561,
                attr: 2,
                mandatory: true,
                value: vec![1, 0]
            })
        );
    }

    #[test]
    fn fixed_size_values_are_checked() {
        // Assigned Tunnel ID with three octets.
        let bad = [0x80, 0x09, 0, 0, 0, 9, 0, 1, 2];
        assert_eq!(
            reparse(&bad),
            Err(WireError::BadAvpValue {
                vendor: 0,
                attribute: 9
            })
        );
        // Sequencing Required with a value.
        let bad = [0x80, 0x07, 0, 0, 0, 39, 0];
        assert!(reparse(&bad).is_err());
        // Unassigned IETF type 20 (a draft's Packet Processing Delay) is unknown, not an error.
        let unassigned = [0x00, 0x08, 0, 0, 0, 20, 0, 1];
        assert!(matches!(
            reparse(&unassigned),
            Ok(Avp::Unknown {
                attr: 20,
                mandatory: false,
                ..
            })
        ));
    }

    #[test]
    fn m_bits_follow_the_rfc() {
        assert!(Avp::HostName(vec![]).mandatory());
        assert!(Avp::ResultCode(ResultCode {
            result: 1,
            error: None,
            message: vec![]
        })
        .mandatory());
        assert!(!Avp::VendorName(vec![]).mandatory());
        assert!(!Avp::FirmwareRevision(0).mandatory());
        assert!(!Avp::RxConnectSpeed(0).mandatory());
        assert!(!Avp::ProxyAuthenName(vec![]).mandatory());
        assert!(!Avp::PppDisconnectCause(PppDisconnectCause {
            code: 0,
            protocol: 0,
            direction: 0,
            message: vec![]
        })
        .mandatory());
        assert!(Avp::RandomVector(vec![1]).mandatory());
        assert!(!Avp::RandomVector(vec![1]).may_be_hidden());
        assert!(Avp::AssignedSessionId(1).may_be_hidden());
    }

    proptest! {
        #[test]
        fn every_avp_round_trips(avp in arb_avp()) {
            let mut bytes = Vec::new();
            avp.emit(&mut bytes).expect("fits");
            prop_assert_eq!(reparse(&bytes), Ok(avp));
        }
    }
}
