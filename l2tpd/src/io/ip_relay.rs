//! The LNS's IP forwarding table (issue 11, "subscribers at the LNS"): one entry per
//! subscriber whose PPP ended here and who holds an address, looked up by the service
//! interface tasks (IP packet → L2TP data message, by destination address) and by the L2TP
//! socket readers (L2TP data message → IP packet, by Tunnel and Session ID), so an
//! established subscriber's IP traffic crosses L2TP ↔ the `si-` device without an event, an
//! allocation or a trip through the engine.
//!
//! Pure bytes, no I/O, like [`super::relay`]: the subscriber layer installs and removes
//! entries, the shell calls [`IpRelayTable::to_subscriber`] / [`IpRelayTable::from_subscriber`]
//! with reused buffers. Only IPv4 in a PPP frame is taken; PPP control (LCP echoes, IPCP),
//! sequenced data and strangers go the slow path.
//!
//! "A subscriber may only send from its own address" (issue 11): a packet from a known
//! session whose source is not the address IPCP gave it is dropped here and counted, per
//! subscriber and in total; it never reaches the kernel.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::ops::Range;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use super::id_hash::IdMap;
use super::prefix_table::{Prefix, PrefixTable};
use super::relay::{parse_unsequenced_data, RelayCounters, L2TP_DATA_FLAGS, L2TP_DATA_HEADER_LEN};
use crate::firewall::icmp_limit::{AnswerCounts, IcmpLimit};
use crate::firewall::{reject, Judged, SubscriberFilters};
use crate::registry::{RelayLeg, SessionRef};

/// RFC 1662 §3.1: Address 0xff, Control 0x03 (absent when ACFC was negotiated).
const PPP_ADDRESS_CONTROL: [u8; 2] = [0xff, 0x03];
/// RFC 1332 §2: IPv4 in a PPP frame; 0x21 alone when PFC was negotiated (RFC 1661 §6.5).
const PPP_IPV4: u16 = 0x0021;
/// What we put in front of every packet toward a subscriber: the uncompressed protocol field
/// and no Address and Control fields, as our PPP sends every frame (RFC 2661 §5.1 leaves
/// them to the sender, and a PPPoE client behind the LAC must not see them, RFC 2516 §7).
/// A peer that negotiated PFC must still accept the full field (RFC 1661 §6.5), so one
/// header fits every subscriber and no per-entry state is needed.
const PPP_IPV4_HEADER: [u8; 2] = [0x00, 0x21];
/// An IPv4 header without options.
const IPV4_MIN_HEADER: usize = 20;

/// What the subscriber layer knows once a subscriber at the LNS has an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpRoute {
    pub call: SessionRef,
    /// The address IPCP assigned: packets to it go down this session, packets up this
    /// session must come from it.
    pub address: Ipv4Addr,
    /// Prefixes routed to the subscriber (RADIUS Framed-Route): packets to them go down this
    /// session (the longest prefix wins; an assigned address beats any prefix), and packets
    /// from them are its own.
    pub routed: Vec<Prefix>,
    /// The service interface (`si-1/0/0`) the subscriber's packets enter and leave by.
    pub service: Arc<str>,
    /// The router's address on the subscriber's side (IPCP's local address): the source of
    /// the ICMP a `reject` filter term answers with.
    pub router: Ipv4Addr,
    /// The L2TP side: both ends' IDs, our source address and the LAC's.
    pub l2tp: RelayLeg,
    /// `family inet filter input / output` of the subscriber's interface (issue 16).
    pub filters: SubscriberFilters,
}

/// Where an encapsulated packet goes: to `peer` (the LAC) from our socket on `source`
/// (`None`: the wildcard socket, for a tunnel without a local address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DownTarget {
    pub peer: SocketAddr,
    pub source: Option<Ipv4Addr>,
}

impl DownTarget {
    /// Where the L2TP side `leg` sends.
    fn of(leg: &RelayLeg) -> DownTarget {
        DownTarget {
            peer: leg.destination,
            source: (!leg.source.is_unspecified()).then_some(leg.source),
        }
    }
}

/// What to do with a datagram that arrived on an L2TP socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IpVerdict<'a> {
    /// The IPv4 packet at `range` of the datagram goes to the service interface `service`
    /// (borrowed: a clone would cost an atomic increment and decrement per packet).
    Forward {
        service: &'a Arc<str>,
        range: Range<usize>,
    },
    /// An IPv4 packet of a known subscriber from another source address: dropped (counted).
    Spoofed,
    /// An IPv4 packet of a known subscriber its input filter discarded (counted).
    Filtered,
    /// An IPv4 packet of a known subscriber its input filter rejected (counted as
    /// `Filtered`): `datagram`, the L2TP data message carrying the answer, goes to `target`.
    Answer {
        target: DownTarget,
        datagram: &'a [u8],
    },
    /// Not for this table (control, PPP control, sequenced data, another peer, not IPv4,
    /// a malformed packet): the slow path decides.
    Miss,
}

/// Totals over every entry, kept after entries go (for `show` and the logs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IpRelayTotals {
    /// Packets from subscribers with a source address not theirs.
    pub spoofed: u64,
    /// Packets from the service interfaces that no entry takes (no subscriber holds the
    /// destination, or not IPv4): handed to the slow path.
    pub not_taken: u64,
    /// Packets a subscriber's input or output filter discarded (rejected ones too).
    pub filtered: u64,
    /// Answers to rejected packets (ICMP unreachables, TCP resets) sent, and those the rate
    /// limit suppressed, by the fast path and the slow path together.
    pub answers: AnswerCounts,
}

/// What to do with an IPv4 packet from a service interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Down {
    /// The L2TP data message is in the buffer: send it there.
    Send(DownTarget),
    /// The subscriber's output filter discarded it (counted).
    Filtered,
    /// The subscriber's output filter rejected it (counted as `Filtered`): the answer, an
    /// IPv4 packet, is in the buffer, to be written to the service interface it came from.
    Answer,
    /// No entry takes it: the slow path decides.
    Miss,
}

#[derive(Debug)]
struct Entry {
    route: IpRoute,
    counters: RelayCounters,
    spoofed: u64,
}

/// The table; shared between the engine (installs, removes, folds counters) and the I/O
/// tasks (lookups), each holding the lock for one batch at most.
#[derive(Debug, Default)]
pub struct IpRelayTable {
    /// Keyed by what we assign (call references, our IDs): the unkeyed [`IdMap`].
    entries: IdMap<SessionRef, Entry>,
    by_address: HashMap<Ipv4Addr, SessionRef>,
    by_prefix: PrefixTable<SessionRef>,
    by_session: IdMap<(u16, u16), SessionRef>,
    totals: IpRelayTotals,
    /// RFC 1812's limit on the answers to rejected packets, and the instant it is told.
    answers: IcmpLimit,
    clock: Option<Instant>,
    /// The answer to a rejected packet, before it is encapsulated.
    answer: Vec<u8>,
    /// An answer's L2TP data message.
    answer_datagram: Vec<u8>,
}

/// The handle the engine and its tasks share; a `Mutex` for the reasons
/// [`super::relay::SharedRelay`] gives.
#[derive(Debug, Clone, Default)]
pub struct SharedIpRelay(Arc<Mutex<IpRelayTable>>);

impl SharedIpRelay {
    pub fn lock(&self) -> MutexGuard<'_, IpRelayTable> {
        // Every mutation is a single insert or remove: a panic elsewhere leaves the table
        // consistent.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl IpRelayTable {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn contains(&self, call: SessionRef) -> bool {
        self.entries.contains_key(&call)
    }

    /// Adds (or replaces) the entry of `route.call`. An address held by another entry moves
    /// to this one (the pool gave it again: the other subscriber is gone, or about to be).
    pub fn install(&mut self, route: IpRoute) {
        let (counters, spoofed) = match self.entries.remove(&route.call) {
            Some(old) => {
                self.unlink(&old.route);
                (old.counters, old.spoofed)
            }
            None => (RelayCounters::default(), 0),
        };
        let call = route.call;
        self.by_address.insert(route.address, call);
        for prefix in &route.routed {
            self.by_prefix.insert(*prefix, call);
        }
        self.by_session
            .insert((route.l2tp.local_tunnel, route.l2tp.local_session), call);
        self.entries.insert(
            call,
            Entry {
                route,
                counters,
                spoofed,
            },
        );
    }

    /// A commit changed `call`'s filters: its next packet is judged by `filters` (the
    /// entry's counters stay). False when `call` has no entry.
    pub fn set_filters(&mut self, call: SessionRef, filters: &SubscriberFilters) -> bool {
        let Some(entry) = self.entries.get_mut(&call) else {
            return false;
        };
        entry.route.filters = filters.clone();
        true
    }

    /// Removes `call`'s entry; its counters not yet taken.
    pub fn remove(&mut self, call: SessionRef) -> Option<RelayCounters> {
        let entry = self.entries.remove(&call)?;
        self.unlink(&entry.route);
        Some(entry.counters)
    }

    /// Drops the lookups that point at `route.call` (and only those: an address or session
    /// key that moved to another entry stays with it).
    fn unlink(&mut self, route: &IpRoute) {
        if self.by_address.get(&route.address) == Some(&route.call) {
            self.by_address.remove(&route.address);
        }
        for prefix in &route.routed {
            if self.by_prefix.get(*prefix) == Some(&route.call) {
                self.by_prefix.remove(*prefix);
            }
        }
        let key = (route.l2tp.local_tunnel, route.l2tp.local_session);
        if self.by_session.get(&key) == Some(&route.call) {
            self.by_session.remove(&key);
        }
    }

    /// Takes every entry's counters since the last call (zeroing them), for views. `up` is
    /// subscriber → service interface, `down` the other way; bytes are PPP octets (protocol
    /// field included, L2TP header not), as [`super::relay`] counts them.
    pub fn take_counters(&mut self) -> Vec<(SessionRef, RelayCounters)> {
        self.entries
            .iter_mut()
            .filter(|(_, e)| !e.counters.is_zero())
            .map(|(call, e)| (*call, std::mem::take(&mut e.counters)))
            .collect()
    }

    /// Packets `call` sent from an address not its own, since it was installed.
    pub fn spoofed(&self, call: SessionRef) -> Option<u64> {
        self.entries.get(&call).map(|e| e.spoofed)
    }

    pub fn totals(&self) -> IpRelayTotals {
        IpRelayTotals {
            answers: self.answers.counts,
            ..self.totals
        }
    }

    /// The time, for the answers' rate limit and the filters' policers: the fast path sets
    /// it once per batch.
    pub fn set_clock(&mut self, now: Instant) {
        self.clock = Some(now);
    }

    /// The batch's instant for the policers. A table no batch set the clock of (a test
    /// driving it directly) reads the clock here, never per packet in the shell.
    fn now(&self) -> Instant {
        self.clock.unwrap_or_else(Instant::now)
    }

    /// True when the rate limit lets `answer` (an IPv4 packet [`reject::answer`] wrote) go
    /// at `now` (counted either way); the slow path asks here too, so that both share one
    /// limit.
    pub fn allow_answer(&mut self, now: Instant, answer: &[u8]) -> bool {
        self.answers.allow(now, reject::is_tcp_reset(answer))
    }

    /// A commit's `system internet-options icmpv4-rate-limit`, for the next answer.
    pub fn set_answer_rate(&mut self, rate: schema::typed::IcmpRateLimit) {
        self.answers.set_rate(rate);
    }

    /// An IPv4 packet from a service interface: when a subscriber holds its destination, the
    /// L2TP data message carrying it is written into `out` (cleared first) and where to send
    /// it returned; `None` (counted) leaves it to the slow path.
    pub fn to_subscriber(&mut self, packet: &[u8], out: &mut Vec<u8>) -> Option<DownTarget> {
        match self.toward_subscriber(packet, out) {
            Down::Send(target) => Some(target),
            Down::Filtered | Down::Answer | Down::Miss => None,
        }
    }

    /// [`IpRelayTable::to_subscriber`], telling a packet the subscriber's output filter
    /// discarded from one the table does not take.
    pub fn toward_subscriber(&mut self, packet: &[u8], out: &mut Vec<u8>) -> Down {
        let now = self.now();
        let Some(call) = ipv4_destination(packet)
            .and_then(|d| self.by_address.get(&d).or_else(|| self.by_prefix.lookup(d)))
        else {
            self.totals.not_taken += 1;
            return Down::Miss;
        };
        let Some(entry) = self.entries.get_mut(call) else {
            self.totals.not_taken += 1;
            return Down::Miss;
        };
        // The packet as its Total Length says (the destination lookup checked the header).
        let length = ipv4_total_length(packet).unwrap_or(packet.len());
        let packet_only = packet.get(..length).unwrap_or(packet);
        let judged = entry.route.filters.judge_output(packet_only, now);
        let answering = Answering {
            totals: &mut self.totals,
            limit: &mut self.answers,
            clock: self.clock,
        };
        // An answer goes back out the service interface, to the sender.
        match answering.filtered(judged, packet_only, entry.route.router, out) {
            Some(true) => return Down::Answer,
            Some(false) => return Down::Filtered,
            None => {}
        }
        let leg = &entry.route.l2tp;
        if encapsulate(leg.peer_tunnel, leg.peer_session, packet, out).is_none() {
            self.totals.not_taken += 1;
            return Down::Miss;
        }
        entry.counters.down_packets += 1;
        entry.counters.down_bytes += (PPP_IPV4_HEADER.len() + packet.len()) as u64;
        Down::Send(DownTarget::of(leg))
    }

    /// A UDP datagram from `peer` on an L2TP socket: see [`IpVerdict`].
    pub fn from_subscriber(&mut self, peer: SocketAddr, datagram: &[u8]) -> IpVerdict<'_> {
        let now = self.now();
        let Some(data) = parse_unsequenced_data(datagram) else {
            return IpVerdict::Miss;
        };
        let Some(call) = self.by_session.get(&(data.tunnel_id, data.session_id)) else {
            return IpVerdict::Miss;
        };
        let Some(entry) = self.entries.get_mut(call) else {
            return IpVerdict::Miss;
        };
        if entry.route.l2tp.destination != peer {
            return IpVerdict::Miss;
        }
        let Some(packet) = ipv4_in_ppp(data.ppp) else {
            return IpVerdict::Miss;
        };
        let ip = data.ppp.get(packet.clone()).unwrap_or_default();
        let Some(source) = ipv4_source(ip) else {
            return IpVerdict::Miss;
        };
        let own =
            source == entry.route.address || entry.route.routed.iter().any(|p| p.contains(source));
        // `rpf-check fail-filter`: a packet that fails the source check goes on only when
        // the fail filter passes it.
        if !own && !entry.route.filters.passes_rpf_fail(ip, now) {
            entry.spoofed += 1;
            self.totals.spoofed += 1;
            return IpVerdict::Spoofed;
        }
        let judged = entry.route.filters.judge_input(ip, now);
        let answering = Answering {
            totals: &mut self.totals,
            limit: &mut self.answers,
            clock: self.clock,
        };
        match answering.filtered(judged, ip, entry.route.router, &mut self.answer) {
            Some(true) => {
                // The answer goes back down the subscriber's own session.
                let leg = &entry.route.l2tp;
                let (tunnel, session) = (leg.peer_tunnel, leg.peer_session);
                let datagram = &mut self.answer_datagram;
                if encapsulate(tunnel, session, &self.answer, datagram).is_none() {
                    return IpVerdict::Filtered;
                }
                return IpVerdict::Answer {
                    target: DownTarget::of(leg),
                    datagram: &self.answer_datagram,
                };
            }
            Some(false) => return IpVerdict::Filtered,
            None => {}
        }
        entry.counters.up_packets += 1;
        entry.counters.up_bytes += data.ppp.len() as u64;
        let start = data.ppp_at;
        IpVerdict::Forward {
            service: &entry.route.service,
            range: start + packet.start..start + packet.end,
        }
    }
}

/// What a filter's judgement touches besides the packet: the table's drop counts and the
/// rate limit of answers, read at the table's clock.
struct Answering<'a> {
    totals: &'a mut IpRelayTotals,
    limit: &'a mut IcmpLimit,
    clock: Option<Instant>,
}

impl Answering<'_> {
    /// What follows a filter's judgement of `packet`: `None`, it passes; otherwise it is the
    /// filter's (counted in `totals`), and `Some(true)` when the answer to its rejection is
    /// in `out`, within the rate limit at the table's clock.
    fn filtered(
        self,
        judged: Judged,
        packet: &[u8],
        router: Ipv4Addr,
        out: &mut Vec<u8>,
    ) -> Option<bool> {
        let message = match judged {
            Judged::Pass => return None,
            Judged::Discard => None,
            Judged::Reject(message) => Some(message),
        };
        self.totals.filtered += 1;
        let (limit, clock) = (self.limit, self.clock);
        Some(message.is_some_and(|message| {
            reject::answer(packet, message, router, out)
                && clock.is_some_and(|now| limit.allow(now, reject::is_tcp_reset(out)))
        }))
    }
}

/// The IPv4 packet inside a PPP frame (with or without Address/Control, with a one- or
/// two-octet Protocol), as indices into `ppp`, its IPv4 Total Length honoured (what follows
/// is padding); `None` for any other protocol or a malformed packet.
fn ipv4_in_ppp(ppp: &[u8]) -> Option<Range<usize>> {
    let mut at = 0;
    if ppp.starts_with(&PPP_ADDRESS_CONTROL) {
        at = 2;
    }
    // RFC 1661 §2: protocol values are odd in their last octet; a first octet that is odd
    // is a compressed (one-octet) protocol.
    let first = *ppp.get(at)?;
    let protocol = if first & 1 == 1 {
        at += 1;
        u16::from(first)
    } else {
        let protocol = u16::from_be_bytes([first, *ppp.get(at + 1)?]);
        at += 2;
        protocol
    };
    if protocol != PPP_IPV4 {
        return None;
    }
    let packet = ppp.get(at..)?;
    let length = ipv4_total_length(packet)?;
    Some(at..at + length)
}

/// The Total Length of a well-formed IPv4 header at the start of `packet`, no longer than
/// `packet`; `None` otherwise.
pub(crate) fn ipv4_total_length(packet: &[u8]) -> Option<usize> {
    let version_ihl = *packet.first()?;
    let header = usize::from(version_ihl & 0x0f) * 4;
    if version_ihl >> 4 != 4 || header < IPV4_MIN_HEADER {
        return None;
    }
    let length = usize::from(u16::from_be_bytes([*packet.get(2)?, *packet.get(3)?]));
    (length >= header && length <= packet.len()).then_some(length)
}

fn ipv4_address(packet: &[u8], at: usize) -> Option<Ipv4Addr> {
    ipv4_total_length(packet)?;
    let octets: [u8; 4] = packet.get(at..at + 4)?.try_into().ok()?;
    Some(Ipv4Addr::from(octets))
}

/// RFC 791 §3.1: Source Address at octet 12, Destination Address at octet 16. Both `None`
/// unless `packet` starts with a well-formed IPv4 header (the subscriber layer's slow path
/// reads packets with these too).
pub(crate) fn ipv4_source(packet: &[u8]) -> Option<Ipv4Addr> {
    ipv4_address(packet, 12)
}

pub(crate) fn ipv4_destination(packet: &[u8]) -> Option<Ipv4Addr> {
    ipv4_address(packet, 16)
}

/// An L2TP data message (T=0, L=1, no sequence, no offset; as [`super::relay`] builds it)
/// carrying a PPP frame of `packet` into `out`.
fn encapsulate(
    peer_tunnel: u16,
    peer_session: u16,
    packet: &[u8],
    out: &mut Vec<u8>,
) -> Option<()> {
    let length = u16::try_from(L2TP_DATA_HEADER_LEN + PPP_IPV4_HEADER.len() + packet.len()).ok()?;
    out.clear();
    out.extend_from_slice(&L2TP_DATA_FLAGS.to_be_bytes());
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&peer_tunnel.to_be_bytes());
    out.extend_from_slice(&peer_session.to_be_bytes());
    out.extend_from_slice(&PPP_IPV4_HEADER);
    out.extend_from_slice(packet);
    Some(())
}

#[cfg(test)]
#[path = "ip_relay_tests.rs"]
mod tests;
