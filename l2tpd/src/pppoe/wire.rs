//! PPPoE frames on the wire (RFC 2516, RFC 4638): Ethernet II with up to two VLAN tags, the
//! PPPoE header, and the discovery tags.
//!
//! ```text
//! dst MAC (6) | src MAC (6) | [TPID 0x88a8/0x8100 (outer also 0x9100), TCI]{0,2} |
//! EtherType 0x8863/0x8864
//! +-------+-------+---------------+-------------------------------+
//! | VER=1 | TYPE=1|     CODE      |          SESSION_ID           |
//! |            LENGTH             |           payload ...
//! ```
//!
//! [`Frame::parse`] refuses a short or lying buffer with a named [`PppoeWireError`] and never
//! panics; Ethernet padding after LENGTH is ignored (a 60-byte minimum frame pads short PADIs).

use thiserror::Error;

/// EtherType of the discovery stage (RFC 2516 §4).
pub const ETHERTYPE_DISCOVERY: u16 = 0x8863;
/// EtherType of the session stage (RFC 2516 §4).
pub const ETHERTYPE_SESSION: u16 = 0x8864;
/// IEEE 802.1Q customer tag.
pub const TPID_8021Q: u16 = 0x8100;
/// IEEE 802.1ad service tag, the outer tag of QinQ.
pub const TPID_8021AD: u16 = 0x88a8;
/// The service tag of pre-standard QinQ switches (Junos `vlan-tags outer 0x9100.N`): read as
/// the outer tag only.
pub const TPID_QINQ_9100: u16 = 0x9100;

/// Whether `value`, at tag position `index` (0 is the outermost), is a VLAN tag's TPID.
pub fn is_vlan_tpid(value: u16, index: usize) -> bool {
    value == TPID_8021Q || value == TPID_8021AD || (index == 0 && value == TPID_QINQ_9100)
}
/// VER and TYPE are both 1 (RFC 2516 §4), packed in one octet.
const VER_TYPE: u8 = 0x11;
const ETHERNET_HEADER_LEN: usize = 14;
const VLAN_TAG_LEN: usize = 4;
/// VER/TYPE, CODE, SESSION_ID, LENGTH.
pub const PPPOE_HEADER_LEN: usize = 6;
const TAG_HEADER_LEN: usize = 4;
/// QinQ at most: a third tag is not a subscriber frame we serve.
const MAX_VLAN_TAGS: usize = 2;

/// Why a frame was refused; each has a drop counter in the discovery server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum PppoeWireError {
    #[error("truncated: the frame ends inside a header")]
    Truncated,
    #[error("more than two VLAN tags")]
    TooManyVlanTags,
    #[error("EtherType {0:#06x} is not PPPoE")]
    NotPppoe(u16),
    #[error("PPPoE VER/TYPE octet {0:#04x} is not 0x11")]
    BadVersionType(u8),
    #[error("unknown PPPoE code {code:#04x} for EtherType {ethertype:#06x}")]
    UnknownCode { ethertype: u16, code: u8 },
    #[error("PPPoE LENGTH {length} exceeds the {available} bytes of the frame")]
    BadLength { length: u16, available: usize },
    #[error("discovery tag at byte {offset} runs past the payload")]
    TagTruncated { offset: usize },
    #[error("tag {tag_type:#06x} has length {length}, which its type does not allow")]
    BadTagLength { tag_type: u16, length: u16 },
    #[error("{0} bytes do not fit a 16-bit length field")]
    TooLong(usize),
}

/// A 48-bit Ethernet address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MacAddr(pub [u8; 6]);

impl MacAddr {
    pub const BROADCAST: MacAddr = MacAddr([0xff; 6]);

    /// The I/G bit: a group address can never be a client's source (IEEE 802 §8.2).
    pub fn is_multicast(self) -> bool {
        self.0[0] & 0x01 != 0
    }
}

/// One 802.1Q / 802.1ad tag as received, so a reply can carry exactly the same tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VlanTag {
    pub tpid: u16,
    /// PCP (3 bits), DEI (1 bit), VID (12 bits).
    pub tci: u16,
}

impl VlanTag {
    /// A customer tag (the inner tag of QinQ, or the only one).
    pub fn dot1q(tci: u16) -> Self {
        Self {
            tpid: TPID_8021Q,
            tci,
        }
    }

    /// A service tag (the outer tag of QinQ).
    pub fn dot1ad(tci: u16) -> Self {
        Self {
            tpid: TPID_8021AD,
            tci,
        }
    }

    pub fn vid(self) -> u16 {
        self.tci & 0x0fff
    }
}

/// The PPPoE CODE field (RFC 2516 §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    Padi,
    Pado,
    Padr,
    Pads,
    Padt,
}

impl Code {
    pub fn value(self) -> u8 {
        match self {
            Code::Padi => 0x09,
            Code::Pado => 0x07,
            Code::Padr => 0x19,
            Code::Pads => 0x65,
            Code::Padt => 0xa7,
        }
    }

    fn from_value(value: u8) -> Option<Self> {
        Some(match value {
            0x09 => Code::Padi,
            0x07 => Code::Pado,
            0x19 => Code::Padr,
            0x65 => Code::Pads,
            0xa7 => Code::Padt,
            _ => return None,
        })
    }
}

/// Tag types (RFC 2516 Appendix A, RFC 4638 §4).
pub mod tag_type {
    pub const END_OF_LIST: u16 = 0x0000;
    pub const SERVICE_NAME: u16 = 0x0101;
    pub const AC_NAME: u16 = 0x0102;
    pub const HOST_UNIQ: u16 = 0x0103;
    pub const AC_COOKIE: u16 = 0x0104;
    pub const VENDOR_SPECIFIC: u16 = 0x0105;
    pub const RELAY_SESSION_ID: u16 = 0x0110;
    pub const PPP_MAX_PAYLOAD: u16 = 0x0120;
    pub const SERVICE_NAME_ERROR: u16 = 0x0201;
    pub const AC_SYSTEM_ERROR: u16 = 0x0202;
    pub const GENERIC_ERROR: u16 = 0x0203;
}

/// One discovery tag. Values are opaque bytes: names and error strings are UTF-8 without a
/// terminator by RFC 2516, but a peer's invalid UTF-8 must still be echoed byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tag {
    /// Ends the list; what follows is ignored (RFC 2516 Appendix A).
    EndOfList,
    /// Empty = any service.
    ServiceName(Vec<u8>),
    AcName(Vec<u8>),
    HostUniq(Vec<u8>),
    AcCookie(Vec<u8>),
    /// First four bytes are the vendor id; kept whole.
    VendorSpecific(Vec<u8>),
    RelaySessionId(Vec<u8>),
    /// RFC 4638: the largest PPP payload the sender can take, above 1492.
    PppMaxPayload(u16),
    ServiceNameError(Vec<u8>),
    AcSystemError(Vec<u8>),
    GenericError(Vec<u8>),
    /// Kept so that a future tag survives parse and emit unchanged.
    Unknown {
        tag_type: u16,
        value: Vec<u8>,
    },
}

impl Tag {
    fn parse(tag_type: u16, value: &[u8]) -> Result<Tag, PppoeWireError> {
        let bad_length = || PppoeWireError::BadTagLength {
            tag_type,
            length: value.len() as u16,
        };
        let owned = value.to_vec();
        Ok(match tag_type {
            tag_type::END_OF_LIST if value.is_empty() => Tag::EndOfList,
            tag_type::END_OF_LIST => return Err(bad_length()),
            tag_type::SERVICE_NAME => Tag::ServiceName(owned),
            tag_type::AC_NAME => Tag::AcName(owned),
            tag_type::HOST_UNIQ => Tag::HostUniq(owned),
            tag_type::AC_COOKIE => Tag::AcCookie(owned),
            tag_type::VENDOR_SPECIFIC => Tag::VendorSpecific(owned),
            tag_type::RELAY_SESSION_ID => Tag::RelaySessionId(owned),
            tag_type::PPP_MAX_PAYLOAD => match value {
                [hi, lo] => Tag::PppMaxPayload(u16::from_be_bytes([*hi, *lo])),
                _ => return Err(bad_length()),
            },
            tag_type::SERVICE_NAME_ERROR => Tag::ServiceNameError(owned),
            tag_type::AC_SYSTEM_ERROR => Tag::AcSystemError(owned),
            tag_type::GENERIC_ERROR => Tag::GenericError(owned),
            _ => Tag::Unknown {
                tag_type,
                value: owned,
            },
        })
    }

    fn type_and_value(&self) -> (u16, std::borrow::Cow<'_, [u8]>) {
        use std::borrow::Cow::{Borrowed, Owned};
        match self {
            Tag::EndOfList => (tag_type::END_OF_LIST, Borrowed(&[])),
            Tag::ServiceName(v) => (tag_type::SERVICE_NAME, Borrowed(v)),
            Tag::AcName(v) => (tag_type::AC_NAME, Borrowed(v)),
            Tag::HostUniq(v) => (tag_type::HOST_UNIQ, Borrowed(v)),
            Tag::AcCookie(v) => (tag_type::AC_COOKIE, Borrowed(v)),
            Tag::VendorSpecific(v) => (tag_type::VENDOR_SPECIFIC, Borrowed(v)),
            Tag::RelaySessionId(v) => (tag_type::RELAY_SESSION_ID, Borrowed(v)),
            Tag::PppMaxPayload(n) => (tag_type::PPP_MAX_PAYLOAD, Owned(n.to_be_bytes().to_vec())),
            Tag::ServiceNameError(v) => (tag_type::SERVICE_NAME_ERROR, Borrowed(v)),
            Tag::AcSystemError(v) => (tag_type::AC_SYSTEM_ERROR, Borrowed(v)),
            Tag::GenericError(v) => (tag_type::GENERIC_ERROR, Borrowed(v)),
            Tag::Unknown { tag_type, value } => (*tag_type, Borrowed(value)),
        }
    }
}

/// Parses a discovery payload into tags, stopping at End-Of-List.
pub fn parse_tags(mut payload: &[u8]) -> Result<Vec<Tag>, PppoeWireError> {
    let mut tags = Vec::new();
    let mut offset = 0;
    while !payload.is_empty() {
        let [t0, t1, l0, l1, rest @ ..] = payload else {
            return Err(PppoeWireError::TagTruncated { offset });
        };
        let tag_type = u16::from_be_bytes([*t0, *t1]);
        let length = usize::from(u16::from_be_bytes([*l0, *l1]));
        let (value, after) = rest
            .split_at_checked(length)
            .ok_or(PppoeWireError::TagTruncated { offset })?;
        let tag = Tag::parse(tag_type, value)?;
        let end = tag == Tag::EndOfList;
        tags.push(tag);
        if end {
            break;
        }
        payload = after;
        offset += TAG_HEADER_LEN + length;
    }
    Ok(tags)
}

/// Appends the tags in order.
pub fn emit_tags(tags: &[Tag], out: &mut Vec<u8>) -> Result<(), PppoeWireError> {
    for tag in tags {
        let (tag_type, value) = tag.type_and_value();
        let length =
            u16::try_from(value.len()).map_err(|_| PppoeWireError::TooLong(value.len()))?;
        out.extend_from_slice(&tag_type.to_be_bytes());
        out.extend_from_slice(&length.to_be_bytes());
        out.extend_from_slice(&value);
    }
    Ok(())
}

/// What follows the Ethernet header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body<'a> {
    /// EtherType 0x8863.
    Discovery {
        code: Code,
        session_id: u16,
        tags: Vec<Tag>,
    },
    /// EtherType 0x8864, CODE 0: a PPP frame starting at the protocol field.
    Session { session_id: u16, ppp: &'a [u8] },
}

/// One PPPoE frame, from the destination MAC to the end of the PPPoE payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame<'a> {
    pub dst: MacAddr,
    pub src: MacAddr,
    /// Outermost first; empty for an untagged frame.
    pub vlans: Vec<VlanTag>,
    pub body: Body<'a>,
}

fn be16(bytes: &[u8], at: usize) -> Result<u16, PppoeWireError> {
    match bytes.get(at..at + 2) {
        Some([hi, lo]) => Ok(u16::from_be_bytes([*hi, *lo])),
        _ => Err(PppoeWireError::Truncated),
    }
}

fn mac(bytes: &[u8], at: usize) -> Result<MacAddr, PppoeWireError> {
    bytes
        .get(at..at + 6)
        .and_then(|b| <[u8; 6]>::try_from(b).ok())
        .map(MacAddr)
        .ok_or(PppoeWireError::Truncated)
}

impl Frame<'static> {
    pub fn discovery(
        dst: MacAddr,
        src: MacAddr,
        vlans: &[VlanTag],
        code: Code,
        session_id: u16,
        tags: Vec<Tag>,
    ) -> Self {
        Frame {
            dst,
            src,
            vlans: vlans.to_vec(),
            body: Body::Discovery {
                code,
                session_id,
                tags,
            },
        }
    }
}

impl<'a> Frame<'a> {
    pub fn parse(bytes: &'a [u8]) -> Result<Frame<'a>, PppoeWireError> {
        let dst = mac(bytes, 0)?;
        let src = mac(bytes, 6)?;
        let mut at = ETHERNET_HEADER_LEN - 2;
        let mut vlans = Vec::new();
        let ethertype = loop {
            let ethertype = be16(bytes, at)?;
            if !is_vlan_tpid(ethertype, vlans.len()) {
                break ethertype;
            }
            if vlans.len() == MAX_VLAN_TAGS {
                return Err(PppoeWireError::TooManyVlanTags);
            }
            vlans.push(VlanTag {
                tpid: ethertype,
                tci: be16(bytes, at + 2)?,
            });
            at += VLAN_TAG_LEN;
        };
        if ethertype != ETHERTYPE_DISCOVERY && ethertype != ETHERTYPE_SESSION {
            return Err(PppoeWireError::NotPppoe(ethertype));
        }
        let header = bytes
            .get(at + 2..at + 2 + PPPOE_HEADER_LEN)
            .ok_or(PppoeWireError::Truncated)?;
        if header[0] != VER_TYPE {
            return Err(PppoeWireError::BadVersionType(header[0]));
        }
        let code = header[1];
        let session_id = u16::from_be_bytes([header[2], header[3]]);
        let length = u16::from_be_bytes([header[4], header[5]]);
        let payload_at = at + 2 + PPPOE_HEADER_LEN;
        let available = bytes.len() - payload_at;
        let payload = bytes
            .get(payload_at..payload_at + usize::from(length))
            .ok_or(PppoeWireError::BadLength { length, available })?;
        let body = match (ethertype, code) {
            (ETHERTYPE_SESSION, 0) => Body::Session {
                session_id,
                ppp: payload,
            },
            (ETHERTYPE_DISCOVERY, _) => Body::Discovery {
                code: Code::from_value(code)
                    .ok_or(PppoeWireError::UnknownCode { ethertype, code })?,
                session_id,
                tags: parse_tags(payload)?,
            },
            _ => return Err(PppoeWireError::UnknownCode { ethertype, code }),
        };
        Ok(Frame {
            dst,
            src,
            vlans,
            body,
        })
    }

    /// Appends the frame; no Ethernet padding (the kernel pads short frames).
    pub fn emit(&self, out: &mut Vec<u8>) -> Result<(), PppoeWireError> {
        if self.vlans.len() > MAX_VLAN_TAGS {
            return Err(PppoeWireError::TooManyVlanTags);
        }
        out.extend_from_slice(&self.dst.0);
        out.extend_from_slice(&self.src.0);
        for vlan in &self.vlans {
            out.extend_from_slice(&vlan.tpid.to_be_bytes());
            out.extend_from_slice(&vlan.tci.to_be_bytes());
        }
        let (ethertype, code, session_id) = match &self.body {
            Body::Discovery {
                code, session_id, ..
            } => (ETHERTYPE_DISCOVERY, code.value(), *session_id),
            Body::Session { session_id, .. } => (ETHERTYPE_SESSION, 0, *session_id),
        };
        out.extend_from_slice(&ethertype.to_be_bytes());
        out.extend_from_slice(&[VER_TYPE, code]);
        out.extend_from_slice(&session_id.to_be_bytes());
        let length_at = out.len();
        out.extend_from_slice(&[0, 0]);
        match &self.body {
            Body::Discovery { tags, .. } => emit_tags(tags, out)?,
            Body::Session { ppp, .. } => out.extend_from_slice(ppp),
        }
        let payload_len = out.len() - length_at - 2;
        let length =
            u16::try_from(payload_len).map_err(|_| PppoeWireError::TooLong(payload_len))?;
        out[length_at..length_at + 2].copy_from_slice(&length.to_be_bytes());
        Ok(())
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>, PppoeWireError> {
        let mut out = Vec::new();
        self.emit(&mut out)?;
        Ok(out)
    }
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
