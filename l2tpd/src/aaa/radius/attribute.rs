//! One attribute: its kind (standard, or a vendor's sub-attribute inside 26) and its value
//! exactly as on the wire, tag octet included (RFC 2865 §5, RFC 2868 §3.1).

use std::net::Ipv4Addr;

use super::dictionary::attr;
use super::packet::{DecodeError, EncodeError};

/// Type ‖ Length ‖ Value: a value holds at most 253 octets.
pub const MAX_VALUE: usize = 253;
/// 26 ‖ Length ‖ Vendor-Id (4) ‖ Vendor-Type ‖ Vendor-Length ‖ value: 247 octets at most.
pub const MAX_VENDOR_VALUE: usize = MAX_VALUE - 4 - 2;
/// The highest tag (RFC 2868 §3.1): 0x01–0x1F name a tunnel, a string octet above is data.
pub const MAX_TAG: u8 = 0x1F;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttrKind {
    Standard(u8),
    /// A sub-attribute of Vendor-Specific (26) in the RFC 2865 §5.26 layout.
    Vendor {
        vendor: u32,
        kind: u8,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub kind: AttrKind,
    /// As on the wire: a tagged attribute's tag is the first octet.
    pub value: Vec<u8>,
}

impl Attribute {
    pub fn new(kind: AttrKind, value: impl Into<Vec<u8>>) -> Self {
        Attribute {
            kind,
            value: value.into(),
        }
    }

    pub fn string(kind: u8, s: impl AsRef<[u8]>) -> Self {
        Attribute::new(AttrKind::Standard(kind), s.as_ref())
    }

    pub fn integer(kind: u8, v: u32) -> Self {
        Attribute::new(AttrKind::Standard(kind), v.to_be_bytes())
    }

    pub fn ipv4(kind: u8, a: Ipv4Addr) -> Self {
        Attribute::new(AttrKind::Standard(kind), a.octets())
    }

    /// Tag ‖ 3-octet value (RFC 2868 §3.1): length 6 on the wire; the value's top octet is lost.
    pub fn tagged_integer(kind: u8, tag: u8, v: u32) -> Self {
        let [_, a, b, c] = v.to_be_bytes();
        Attribute::new(AttrKind::Standard(kind), [tag, a, b, c])
    }

    pub fn tagged_string(kind: u8, tag: u8, s: impl AsRef<[u8]>) -> Self {
        let mut value = Vec::with_capacity(1 + s.as_ref().len());
        value.push(tag);
        value.extend_from_slice(s.as_ref());
        Attribute::new(AttrKind::Standard(kind), value)
    }

    pub fn vendor(vendor: u32, kind: u8, value: impl AsRef<[u8]>) -> Self {
        Attribute::new(AttrKind::Vendor { vendor, kind }, value.as_ref())
    }

    pub fn as_string(&self) -> Option<&[u8]> {
        Some(&self.value)
    }

    /// A 4-octet integer; any other length is not one.
    pub fn as_integer(&self) -> Option<u32> {
        let bytes: [u8; 4] = self.value.as_slice().try_into().ok()?;
        Some(u32::from_be_bytes(bytes))
    }

    pub fn as_ipv4(&self) -> Option<Ipv4Addr> {
        let bytes: [u8; 4] = self.value.as_slice().try_into().ok()?;
        Some(Ipv4Addr::from(bytes))
    }

    /// A tagged string: (tag, data). A first octet above 0x1F is data, so the tag is 0.
    pub fn tagged(&self) -> Option<(u8, &[u8])> {
        match self.value.split_first() {
            Some((&tag, rest)) if tag <= MAX_TAG => Some((tag, rest)),
            _ => Some((0, &self.value)),
        }
    }

    /// A tagged integer: exactly tag ‖ 3 octets (length 6 on the wire), else None. The tag
    /// is returned as found, even above 0x1F: the caller decides (tunnel.rs ignores it).
    pub fn as_tagged_integer(&self) -> Option<(u8, u32)> {
        let [tag, a, b, c]: [u8; 4] = self.value.as_slice().try_into().ok()?;
        Some((tag, u32::from_be_bytes([0, a, b, c])))
    }

    /// Appends Type ‖ Length ‖ Value (a vendor's inside its own 26).
    pub(crate) fn emit(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        match self.kind {
            AttrKind::Standard(kind) => {
                if self.value.len() > MAX_VALUE {
                    return Err(EncodeError::AttributeTooLong(self.kind));
                }
                out.push(kind);
                out.push(2 + self.value.len() as u8);
            }
            AttrKind::Vendor { vendor, kind } => {
                if self.value.len() > MAX_VENDOR_VALUE {
                    return Err(EncodeError::AttributeTooLong(self.kind));
                }
                out.push(attr::VENDOR_SPECIFIC);
                out.push(8 + self.value.len() as u8);
                out.extend_from_slice(&vendor.to_be_bytes());
                out.push(kind);
                out.push(2 + self.value.len() as u8);
            }
        }
        out.extend_from_slice(&self.value);
        Ok(())
    }
}

/// Splits the attribute area of a packet. A Vendor-Specific attribute whose value follows the
/// RFC 2865 §5.26 layout becomes one attribute per sub-attribute; one that does not (a vendor
/// with its own format) stays `Standard(26)` with its raw value, rather than failing the packet.
pub(crate) fn parse_attributes(mut area: &[u8]) -> Result<Vec<Attribute>, DecodeError> {
    let mut attributes = Vec::new();
    while !area.is_empty() {
        let (kind, value, rest) = split_tlv(area).ok_or(DecodeError::BadAttribute {
            offset_from_end: area.len(),
        })?;
        area = rest;
        if kind == attr::VENDOR_SPECIFIC {
            if let Some(subs) = parse_vendor(value) {
                attributes.extend(subs);
                continue;
            }
        }
        attributes.push(Attribute::new(AttrKind::Standard(kind), value));
    }
    Ok(attributes)
}

/// Type ‖ Length ‖ Value with Length ≥ 2 and within `bytes`.
pub(crate) fn split_tlv(bytes: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&kind, rest) = bytes.split_first()?;
    let (&length, rest) = rest.split_first()?;
    let value_length = usize::from(length).checked_sub(2)?;
    if value_length > rest.len() {
        return None;
    }
    let (value, rest) = rest.split_at(value_length);
    Some((kind, value, rest))
}

fn parse_vendor(value: &[u8]) -> Option<Vec<Attribute>> {
    let (vendor, mut subs) = value.split_first_chunk::<4>()?;
    let vendor = u32::from_be_bytes(*vendor);
    let mut out = Vec::new();
    if subs.is_empty() {
        return None;
    }
    while !subs.is_empty() {
        let (kind, sub_value, rest) = split_tlv(subs)?;
        out.push(Attribute::new(AttrKind::Vendor { vendor, kind }, sub_value));
        subs = rest;
    }
    Some(out)
}
