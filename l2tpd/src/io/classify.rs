//! The first look at every datagram and frame the I/O shell receives (issue 15, item 1):
//! control or data, decided from a few header bytes before anything else is done with it.
//!
//! Control is what keeps tunnels, sessions and subscribers alive: L2TP control messages
//! (the T bit: SCCRQ, ICRQ, hellos, ZLB acknowledgements), PPPoE discovery (0x8863), and
//! inside PPP the link and network control protocols (LCP, PAP, CHAP, IPCP, …: protocol
//! numbers 0x8000 and up, RFC 1661 §2). Data is everything else: the subscribers' IP. The
//! engine queues control on a path data cannot fill and drops data first when it is
//! behind, so one subscriber's download never delays another's set-up or a hello.
//!
//! Pure functions over untrusted bytes: no panics, no allocation. Anything too short or
//! unknown is data: dropping it costs nothing that matters, and the core, when it does see
//! it, counts it as malformed.

use crate::pppoe::wire::{ETHERTYPE_DISCOVERY, ETHERTYPE_SESSION, TPID_8021AD, TPID_8021Q};

/// Which queue a received datagram or frame goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Control,
    Data,
}

/// L2TP header flag bits (RFC 2661 §3.1).
const FLAG_TYPE: u8 = 0x80;
const FLAG_LENGTH: u8 = 0x40;
const FLAG_SEQUENCE: u8 = 0x08;
const FLAG_OFFSET: u8 = 0x02;
const VERSION_MASK: u8 = 0x0f;
const L2TP_VERSION: u8 = 2;
/// HDLC-like framing's Address and Control fields, which some LACs keep (RFC 2661 §4.1
/// leaves them out, RFC 1662 §3.1 puts them in).
const PPP_ADDRESS_CONTROL: [u8; 2] = [0xff, 0x03];
/// RFC 1661 §2: 0x8000–0xffff are the network and link control protocols.
const FIRST_CONTROL_PROTOCOL: u16 = 0x8000;
/// Ethernet destination and source MACs; the PPPoE header after the EtherType.
const MACS_LEN: usize = 12;
const PPPOE_HEADER_LEN: usize = 6;
/// At most two VLAN tags (QinQ), as the PPPoE codec accepts.
const MAX_TAGS: usize = 2;

/// A UDP datagram on an L2TP socket: control messages by their T bit; data messages by the
/// PPP frame they carry.
pub fn l2tp_datagram(datagram: &[u8]) -> Class {
    let (Some(&flags), Some(&version)) = (datagram.first(), datagram.get(1)) else {
        return Class::Data;
    };
    if flags & FLAG_TYPE != 0 {
        return Class::Control;
    }
    if version & VERSION_MASK != L2TP_VERSION {
        return Class::Data;
    }
    // Flags and version, [Length], Tunnel ID, Session ID, [Ns, Nr], [Offset Size, pad].
    let mut at = 2 + 4;
    if flags & FLAG_LENGTH != 0 {
        at += 2;
    }
    if flags & FLAG_SEQUENCE != 0 {
        at += 4;
    }
    if flags & FLAG_OFFSET != 0 {
        let Some(offset) = u16_at(datagram, at) else {
            return Class::Data;
        };
        at += 2 + usize::from(offset);
    }
    ppp_frame(datagram.get(at..).unwrap_or_default())
}

/// An Ethernet frame on a PPPoE port: discovery is control; session frames by the PPP
/// frame they carry.
pub fn pppoe_frame(frame: &[u8]) -> Class {
    let mut at = MACS_LEN;
    for _ in 0..=MAX_TAGS {
        match u16_at(frame, at) {
            Some(TPID_8021Q | TPID_8021AD) => at += 4,
            Some(ETHERTYPE_DISCOVERY) => return Class::Control,
            Some(ETHERTYPE_SESSION) => {
                let payload = at + 2 + PPPOE_HEADER_LEN;
                return ppp_frame(frame.get(payload..).unwrap_or_default());
            }
            _ => return Class::Data,
        }
    }
    Class::Data
}

/// A PPP frame, with or without Address and Control: control protocols by their number.
/// A one-octet (compressed, RFC 1661 §6.5) protocol field is always below 0x100: data.
pub fn ppp_frame(frame: &[u8]) -> Class {
    let frame = frame
        .strip_prefix(&PPP_ADDRESS_CONTROL[..])
        .unwrap_or(frame);
    match frame.first() {
        Some(&first) if first & 1 == 1 => Class::Data,
        _ => match u16_at(frame, 0) {
            Some(protocol) if protocol >= FIRST_CONTROL_PROTOCOL => Class::Control,
            _ => Class::Data,
        },
    }
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    let pair = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([*pair.first()?, *pair.get(1)?]))
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
