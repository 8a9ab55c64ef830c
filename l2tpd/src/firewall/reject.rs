//! What `then reject <message-type>` sends back for the packet it discards: an ICMP
//! Destination Unreachable (RFC 792) from the router's address, or for `tcp-reset` a TCP RST
//! (RFC 793 §3.4, "Reset Generation") — sans-IO, bytes in, bytes out.
//!
//! RFC 1812 §4.3.2.7 says when no ICMP error may be sent; the same cases get no RST:
//! - the packet is itself an ICMP error (answering errors with errors loops);
//! - it is a fragment other than the first (only the first carries the header the sender
//!   can match an answer to);
//! - its destination is a broadcast or multicast address;
//! - its source is not one host: 0.0.0.0, loopback, broadcast, multicast or class E.
//!
//! The ICMP message carries the original IP header (options too) and the first 8 octets of
//! its payload (RFC 792, "Destination Unreachable Message"), the quote every sender can
//! match against the connection that sent it.

use std::net::Ipv4Addr;

use schema::typed::{RejectMessage, ADMINISTRATIVELY_PROHIBITED};

const ICMP: u8 = 1;
const TCP: u8 = 6;
const DESTINATION_UNREACHABLE: u8 = 3;
/// ICMP types that are error messages (RFC 792, RFC 1812 §4.3.2.7): Destination
/// Unreachable, Source Quench, Redirect, Time Exceeded, Parameter Problem.
const ICMP_ERRORS: [u8; 5] = [3, 4, 5, 11, 12];
/// RFC 1812 §4.3.2.5: ICMP errors go with precedence 6 (internetwork control).
const INTERNETWORK_CONTROL: u8 = 0xc0;
/// The TTL of what the router originates (RFC 1700's recommended default).
const TTL: u8 = 64;
/// TCP flags (RFC 793 §3.1).
const TCP_FIN: u8 = 0x01;
const TCP_SYN: u8 = 0x02;
const TCP_RST: u8 = 0x04;
const TCP_ACK: u8 = 0x10;

/// The parts of the rejected packet an answer is made from.
struct Rejected<'a> {
    header: &'a [u8],
    payload: &'a [u8],
    source: Ipv4Addr,
    destination: Ipv4Addr,
    protocol: u8,
}

impl<'a> Rejected<'a> {
    /// `packet` read as one IPv4 packet the router may answer (see the module notes).
    fn parse(packet: &'a [u8]) -> Option<Rejected<'a>> {
        let version_ihl = *packet.first()?;
        let header_len = usize::from(version_ihl & 0x0f) * 4;
        let total = usize::from(u16::from_be_bytes([*packet.get(2)?, *packet.get(3)?]));
        if version_ihl >> 4 != 4 || header_len < 20 || total < header_len || total > packet.len() {
            return None;
        }
        let offset = u16::from_be_bytes([packet[6], packet[7]]) & 0x1fff;
        let octets =
            |at: usize| Ipv4Addr::new(packet[at], packet[at + 1], packet[at + 2], packet[at + 3]);
        let rejected = Rejected {
            header: &packet[..header_len],
            payload: &packet[header_len..total],
            source: octets(12),
            destination: octets(16),
            protocol: packet[9],
        };
        let one_host = |a: Ipv4Addr| {
            !(a.is_unspecified() || a.is_loopback() || a.is_broadcast() || a.is_multicast())
                && a.octets()[0] < 240
        };
        let icmp_error = rejected.protocol == ICMP
            && rejected
                .payload
                .first()
                .is_none_or(|t| ICMP_ERRORS.contains(t));
        let answerable = offset == 0
            && one_host(rejected.source)
            && !rejected.destination.is_broadcast()
            && !rejected.destination.is_multicast()
            && !icmp_error;
        answerable.then_some(rejected)
    }
}

/// The RFC 1071 Internet checksum of `parts`, as if concatenated (each part but the last
/// of even length).
pub fn internet_checksum(parts: &[&[u8]]) -> u16 {
    let mut sum: u32 = 0;
    for part in parts {
        for pair in part.chunks(2) {
            let word = u16::from_be_bytes([pair[0], pair.get(1).copied().unwrap_or(0)]);
            sum += u32::from(word);
        }
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// An IPv4 header (no options) of `payload_len` octets of `protocol` into `out`.
fn ip_header(
    out: &mut Vec<u8>,
    tos: u8,
    protocol: u8,
    source: Ipv4Addr,
    destination: Ipv4Addr,
    payload_len: usize,
) -> Option<()> {
    let total = u16::try_from(20 + payload_len).ok()?;
    let start = out.len();
    out.extend_from_slice(&[0x45, tos]);
    out.extend_from_slice(&total.to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0, TTL, protocol, 0, 0]);
    out.extend_from_slice(&source.octets());
    out.extend_from_slice(&destination.octets());
    let checksum = internet_checksum(&[&out[start..]]);
    out[start + 10..start + 12].copy_from_slice(&checksum.to_be_bytes());
    Some(())
}

/// The answer to `packet`, which a `reject` term discarded, written into `out` (cleared
/// first): an IPv4 packet to the packet's source. `router` is the router's address on the
/// subscriber's side, the ICMP message's source. False, `out` empty, when none may be sent.
pub fn answer(packet: &[u8], message: RejectMessage, router: Ipv4Addr, out: &mut Vec<u8>) -> bool {
    out.clear();
    let Some(rejected) = Rejected::parse(packet) else {
        return false;
    };
    let sent = match message {
        RejectMessage::TcpReset if rejected.protocol == TCP => tcp_reset(&rejected, out),
        RejectMessage::TcpReset => unreachable(&rejected, ADMINISTRATIVELY_PROHIBITED, router, out),
        RejectMessage::Unreachable(code) => unreachable(&rejected, code, router, out),
    };
    if sent.is_none() {
        out.clear();
    }
    sent.is_some()
}

/// True when `answer`, written by [`answer`], is a TCP reset (else it is an ICMP message).
pub fn is_tcp_reset(answer: &[u8]) -> bool {
    answer.get(9) == Some(&TCP)
}

/// ICMP Destination Unreachable with `code`, quoting the header and 8 payload octets.
fn unreachable(
    rejected: &Rejected<'_>,
    code: u8,
    router: Ipv4Addr,
    out: &mut Vec<u8>,
) -> Option<()> {
    let quote = &rejected.payload[..rejected.payload.len().min(8)];
    let icmp_len = 8 + rejected.header.len() + quote.len();
    ip_header(
        out,
        INTERNETWORK_CONTROL,
        ICMP,
        router,
        rejected.source,
        icmp_len,
    )?;
    let start = out.len();
    // Type, code, checksum, then 4 unused octets (the Next-Hop MTU of code 4, RFC 1191
    // §4, is 0: unknown here).
    out.extend_from_slice(&[DESTINATION_UNREACHABLE, code, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(rejected.header);
    out.extend_from_slice(quote);
    let checksum = internet_checksum(&[&out[start..]]);
    out[start + 2..start + 4].copy_from_slice(&checksum.to_be_bytes());
    Some(())
}

/// A TCP RST for the segment (RFC 793 §3.4): from the address and port it was sent to, so
/// that the sender's connection takes it; none for a RST.
fn tcp_reset(rejected: &Rejected<'_>, out: &mut Vec<u8>) -> Option<()> {
    let segment = rejected.payload;
    let data_offset = usize::from(segment.get(12)? >> 4) * 4;
    if data_offset < 20 || segment.len() < data_offset {
        return None;
    }
    let flags = segment[13];
    if flags & TCP_RST != 0 {
        return None;
    }
    let word = |at: usize| {
        u32::from_be_bytes([
            segment[at],
            segment[at + 1],
            segment[at + 2],
            segment[at + 3],
        ])
    };
    // "If the incoming segment has an ACK field, the reset takes its sequence number from
    // the ACK field of the segment, otherwise the reset has sequence number zero and the
    // ACK field is set to the sum of the sequence number and segment length."
    let (sequence, acknowledgment, reply_flags) = if flags & TCP_ACK != 0 {
        (word(8), 0, TCP_RST)
    } else {
        let length = segment.len() - data_offset
            + usize::from(flags & TCP_SYN != 0)
            + usize::from(flags & TCP_FIN != 0);
        (0, word(4).wrapping_add(length as u32), TCP_RST | TCP_ACK)
    };
    ip_header(out, 0, TCP, rejected.destination, rejected.source, 20)?;
    let start = out.len();
    out.extend_from_slice(&segment[2..4]);
    out.extend_from_slice(&segment[0..2]);
    out.extend_from_slice(&sequence.to_be_bytes());
    out.extend_from_slice(&acknowledgment.to_be_bytes());
    out.extend_from_slice(&[5 << 4, reply_flags, 0, 0, 0, 0, 0, 0]);
    let mut pseudo = [0u8; 12];
    pseudo[0..4].copy_from_slice(&rejected.destination.octets());
    pseudo[4..8].copy_from_slice(&rejected.source.octets());
    pseudo[9] = TCP;
    pseudo[10..12].copy_from_slice(&20u16.to_be_bytes());
    let checksum = internet_checksum(&[&pseudo, &out[start..]]);
    out[start + 16..start + 18].copy_from_slice(&checksum.to_be_bytes());
    Some(())
}

#[cfg(test)]
#[path = "reject_tests.rs"]
mod tests;
