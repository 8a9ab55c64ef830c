//! The access line a PPPoE intermediate agent (a DSLAM, OLT or access switch) names in the
//! PADI and PADR it relays: TR-101 §3.9.3 and RFC 4679 §3.3, the Vendor-Specific tag
//! (0x0105) with the DSL Forum's vendor ID and TLV sub-options.
//!
//! ```text
//! | 0x0105 | LENGTH | 0x00000DE9 (3561) | 0x01 | len | Agent-Circuit-ID ... |
//! |        |        |                   | 0x02 | len | Agent-Remote-ID ...  | 0x81.. |
//! ```
//!
//! The two identifiers and the access-loop characteristics (0x81 and on: rates, delays,
//! encapsulation; [`crate::access_loop`]) are kept. A tag that breaks the layout or its
//! identifiers is refused whole (the session still comes up, without an access line) and the
//! discovery server counts it: an identifier the agent did not mean must never name a
//! subscriber to RADIUS. A characteristic of the wrong length, or given twice, is only left
//! out (and counted): the layout around it is intact, and a rate names no one.

use super::wire::Tag;
use crate::access_loop::{self, AccessLoop, Coding, Decoded};

/// The DSL Forum's (now Broadband Forum's) IANA enterprise number.
pub const DSL_FORUM_VENDOR: u32 = 3561;
/// Sub-option types (TR-101 §3.9.3, RFC 4679 §3.3.1, §3.3.2).
pub const AGENT_CIRCUIT_ID: u8 = 0x01;
pub const AGENT_REMOTE_ID: u8 = 0x02;
/// TR-101: each identifier is 1 to 63 octets.
pub const MAX_ID_LEN: usize = 63;

/// What the intermediate agent said about the subscriber's line. Values are the agent's
/// bytes: TR-101 makes them ASCII, but nothing here relies on it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct AccessLine {
    pub circuit_id: Option<Box<[u8]>>,
    pub remote_id: Option<Box<[u8]>>,
    /// The line's rates, delays and encapsulation.
    pub access_loop: AccessLoop,
}

impl AccessLine {
    pub fn is_empty(&self) -> bool {
        self.circuit_id.is_none() && self.remote_id.is_none() && self.access_loop.is_empty()
    }

    /// The Vendor-Specific tag an intermediate agent inserts for this line (the test
    /// client's and the tests' form of it).
    pub fn to_tag(&self) -> Tag {
        let mut value = DSL_FORUM_VENDOR.to_be_bytes().to_vec();
        for (kind, id) in [
            (AGENT_CIRCUIT_ID, &self.circuit_id),
            (AGENT_REMOTE_ID, &self.remote_id),
        ] {
            if let Some(id) = id {
                value.push(kind);
                value.push(id.len().min(usize::from(u8::MAX)) as u8);
                value.extend_from_slice(id);
            }
        }
        for (kind, characteristic) in self.access_loop.entries() {
            let encoded = access_loop::encode(characteristic, Coding::PppoeTag);
            value.push(kind);
            value.push(encoded.len() as u8);
            value.extend(encoded);
        }
        Tag::VendorSpecific(value)
    }
}

/// Why a DSL Forum tag was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessLineError {
    /// A sub-option runs past the tag, or its header is cut.
    Truncated,
    /// An identifier of 0 or more than 63 octets.
    BadIdLength,
    /// The same identifier twice: which one names the line is anyone's guess.
    Duplicate,
    /// Two DSL Forum tags in one request, for the same reason.
    TwoTags,
}

/// An access line as read, with the characteristics left out for their length or repetition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadLine {
    pub line: AccessLine,
    pub malformed_characteristics: u32,
}

/// The access line of a PADI or PADR's tags: `Ok(None)` when no DSL Forum tag is present
/// (other vendors' tags are none of ours), `Err` when one is and breaks the layout.
pub fn from_tags(tags: &[Tag]) -> Result<Option<AccessLine>, AccessLineError> {
    Ok(read_tags(tags)?.map(|read| read.line))
}

/// [`from_tags`], with the count of characteristics left out.
pub fn read_tags(tags: &[Tag]) -> Result<Option<ReadLine>, AccessLineError> {
    let mut found = None;
    for tag in tags {
        let Tag::VendorSpecific(value) = tag else {
            continue;
        };
        let Some((vendor, sub_options)) = value.split_first_chunk::<4>() else {
            continue;
        };
        if u32::from_be_bytes(*vendor) != DSL_FORUM_VENDOR {
            continue;
        }
        if found.is_some() {
            return Err(AccessLineError::TwoTags);
        }
        found = Some(parse_sub_options(sub_options)?);
    }
    Ok(found)
}

fn parse_sub_options(mut rest: &[u8]) -> Result<ReadLine, AccessLineError> {
    let mut read = ReadLine::default();
    let line = &mut read.line;
    while !rest.is_empty() {
        let [kind, length, after @ ..] = rest else {
            return Err(AccessLineError::Truncated);
        };
        let (value, after) = after
            .split_at_checked(usize::from(*length))
            .ok_or(AccessLineError::Truncated)?;
        let slot = match *kind {
            AGENT_CIRCUIT_ID => &mut line.circuit_id,
            AGENT_REMOTE_ID => &mut line.remote_id,
            kind => {
                match access_loop::decode(kind, value, Coding::PppoeTag) {
                    Decoded::Known(c) if line.access_loop.get(kind).is_none() => {
                        line.access_loop.set(kind, c);
                    }
                    // Given twice (which one holds is anyone's guess) or of the wrong length.
                    Decoded::Known(_) | Decoded::Malformed => read.malformed_characteristics += 1,
                    // Anything newer: stepped over.
                    Decoded::Other => {}
                }
                rest = after;
                continue;
            }
        };
        if value.is_empty() || value.len() > MAX_ID_LEN {
            return Err(AccessLineError::BadIdLength);
        }
        if slot.is_some() {
            return Err(AccessLineError::Duplicate);
        }
        *slot = Some(value.into());
        rest = after;
    }
    Ok(read)
}

#[cfg(test)]
#[path = "access_line_tests.rs"]
mod tests;
