//! A compiled `firewall family inet filter`: terms in order, each a set of conditions on an
//! IPv4 packet's header fields, sans-IO and allocation-free per packet. Junos' semantics
//! ("How Firewall Filters Evaluate Packets"):
//!
//! - the terms are tried in order; the first whose conditions all match decides;
//! - within one condition the values are alternatives (`protocol [ tcp udp ]`);
//! - an address list is decided by the longest of its prefixes that holds the address: an
//!   `except` prefix makes it fail, and no prefix holding it fails too;
//! - `address` / `port` match when either the source or the destination does;
//! - port and ICMP conditions read the transport header, which only a first fragment has:
//!   a later fragment, or a packet cut short, never matches them;
//! - a term with no terminating action accepts; a packet no term matches is discarded
//!   (the implicit `discard` that ends every filter);
//! - a term's `policer` is applied first: a packet out of its profile is discarded and the
//!   rest of the term's `then` (its `count`, its action) is not applied ("Minimum Policer
//!   Configuration"). Which policer instance: one per term naming the policer (`P-T`), or
//!   one per filter for a `filter-specific` policer (`P`).

use std::net::Ipv4Addr;

use schema::typed::{
    FilterAction, FirewallFilter, MatchConditions, Policer, PrefixMatch, RejectMessage,
};

/// IANA protocol numbers whose header begins with a source and a destination port.
const TCP: u8 = 6;
const UDP: u8 = 17;
const SCTP: u8 = 132;
const ICMP: u8 = 1;

/// The header fields the conditions read, from one IPv4 packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacketFields {
    pub source: Ipv4Addr,
    pub destination: Ipv4Addr,
    pub protocol: u8,
    /// (source, destination) of TCP, UDP and SCTP in a first fragment.
    pub ports: Option<(u16, u16)>,
    /// The ICMP message type, in a first fragment.
    pub icmp_type: Option<u8>,
}

impl PacketFields {
    /// The fields of the IPv4 packet at the start of `packet` (RFC 791 §3.1); `None` when it
    /// is not a well-formed IPv4 header.
    pub fn parse(packet: &[u8]) -> Option<PacketFields> {
        let version_ihl = *packet.first()?;
        let header = usize::from(version_ihl & 0x0f) * 4;
        if version_ihl >> 4 != 4 || header < 20 || packet.len() < header {
            return None;
        }
        let octets = |at: usize| -> Option<[u8; 4]> { packet.get(at..at + 4)?.try_into().ok() };
        let protocol = *packet.get(9)?;
        // Fragment Offset: the low 13 bits of octets 6-7; only offset 0 carries the
        // transport header.
        let offset = u16::from_be_bytes([*packet.get(6)?, *packet.get(7)?]) & 0x1fff;
        let transport = if offset == 0 {
            packet.get(header..)
        } else {
            None
        };
        let ports = match (protocol, transport) {
            (TCP | UDP | SCTP, Some(t)) if t.len() >= 4 => Some((
                u16::from_be_bytes([t[0], t[1]]),
                u16::from_be_bytes([t[2], t[3]]),
            )),
            _ => None,
        };
        let icmp_type = match (protocol, transport) {
            (ICMP, Some(t)) => t.first().copied(),
            _ => None,
        };
        Some(PacketFields {
            source: Ipv4Addr::from(octets(12)?),
            destination: Ipv4Addr::from(octets(16)?),
            protocol,
            ports,
            icmp_type,
        })
    }
}

/// An address list: (network, mask, except), longest prefix first, so that the first entry
/// holding an address is the one that decides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Prefixes(Vec<(u32, u32, bool)>);

impl Prefixes {
    fn new(list: &[PrefixMatch]) -> Prefixes {
        let mut entries: Vec<(u8, u32, u32, bool)> = list
            .iter()
            .map(|p| {
                let mask = p.prefix.mask();
                (
                    p.prefix.len,
                    u32::from(p.prefix.address) & mask,
                    mask,
                    p.except,
                )
            })
            .collect();
        entries.sort_by_key(|e| std::cmp::Reverse(e.0));
        Prefixes(entries.into_iter().map(|(_, n, m, e)| (n, m, e)).collect())
    }

    fn given(&self) -> bool {
        !self.0.is_empty()
    }

    fn matches(&self, address: Ipv4Addr) -> bool {
        let address = u32::from(address);
        self.0
            .iter()
            .find(|(network, mask, _)| address & mask == *network)
            .is_some_and(|(_, _, except)| !except)
    }
}

fn in_ranges(ranges: &[(u16, u16)], port: u16) -> bool {
    ranges
        .iter()
        .any(|(low, high)| (*low..=*high).contains(&port))
}

/// One term's conditions, ready for packets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Conditions {
    address: Prefixes,
    destination_address: Prefixes,
    source_address: Prefixes,
    protocol: Vec<u8>,
    port: Vec<(u16, u16)>,
    destination_port: Vec<(u16, u16)>,
    source_port: Vec<(u16, u16)>,
    icmp_type: Vec<u8>,
}

impl Conditions {
    fn new(from: &MatchConditions) -> Conditions {
        Conditions {
            address: Prefixes::new(&from.address),
            destination_address: Prefixes::new(&from.destination_address),
            source_address: Prefixes::new(&from.source_address),
            protocol: from.protocol.clone(),
            port: from.port.clone(),
            destination_port: from.destination_port.clone(),
            source_port: from.source_port.clone(),
            icmp_type: from.icmp_type.clone(),
        }
    }

    fn matches(&self, p: &PacketFields) -> bool {
        if self.address.given()
            && !self.address.matches(p.source)
            && !self.address.matches(p.destination)
        {
            return false;
        }
        if self.destination_address.given() && !self.destination_address.matches(p.destination) {
            return false;
        }
        if self.source_address.given() && !self.source_address.matches(p.source) {
            return false;
        }
        if !self.protocol.is_empty() && !self.protocol.contains(&p.protocol) {
            return false;
        }
        let any_port = !self.port.is_empty();
        let dst_port = !self.destination_port.is_empty();
        let src_port = !self.source_port.is_empty();
        if any_port || dst_port || src_port {
            let Some((source, destination)) = p.ports else {
                return false;
            };
            if any_port && !in_ranges(&self.port, source) && !in_ranges(&self.port, destination) {
                return false;
            }
            if dst_port && !in_ranges(&self.destination_port, destination) {
                return false;
            }
            if src_port && !in_ranges(&self.source_port, source) {
                return false;
            }
        }
        if !self.icmp_type.is_empty() && !p.icmp_type.is_some_and(|t| self.icmp_type.contains(&t)) {
            return false;
        }
        true
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    conditions: Conditions,
    /// Index into [`CompiledFilter::policers`].
    policer: Option<usize>,
    /// Index into [`CompiledFilter::counters`].
    counter: Option<usize>,
    action: FilterAction,
}

/// What a filter decided for one packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub accept: bool,
    /// For a packet a `reject` term discarded: what to answer its sender with.
    pub reject: Option<RejectMessage>,
    /// The `count` counter of the term that decided (index into
    /// [`CompiledFilter::counters`]).
    pub counter: Option<usize>,
    /// The policer of the term that decided (index into [`CompiledFilter::policers`]),
    /// applied before the rest: the verdict stands only for a packet within its profile.
    pub policer: Option<usize>,
}

impl Verdict {
    /// No term matched: the discard that ends every filter (silent, uncounted by a term).
    const IMPLICIT_DISCARD: Verdict = Verdict {
        accept: false,
        reject: None,
        counter: None,
        policer: None,
    };
}

/// A filter compiled from its configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledFilter {
    terms: Vec<Term>,
    /// Counter names in the order terms first name them (two terms may share one).
    counters: Vec<String>,
    /// Policer instances a filter instance holds, in the order terms first name them: as
    /// Junos names them (`P-T` for term `T`, `P` for a filter-specific policer), and what
    /// each is.
    policers: Vec<(String, Policer)>,
}

impl CompiledFilter {
    pub fn new(filter: &FirewallFilter) -> CompiledFilter {
        let mut counters: Vec<String> = Vec::new();
        let mut policers: Vec<(String, Policer)> = Vec::new();
        let terms = filter
            .terms
            .iter()
            .map(|t| {
                let counter = t.count.as_ref().map(|name| {
                    counters.iter().position(|c| c == name).unwrap_or_else(|| {
                        counters.push(name.clone());
                        counters.len() - 1
                    })
                });
                let policer = t.policer.as_ref().map(|(name, policer)| {
                    let instance = if policer.filter_specific {
                        name.clone()
                    } else {
                        format!("{name}-{}", t.name)
                    };
                    policers
                        .iter()
                        .position(|(n, _)| *n == instance)
                        .unwrap_or_else(|| {
                            policers.push((instance, *policer));
                            policers.len() - 1
                        })
                });
                Term {
                    conditions: Conditions::new(&t.from),
                    policer,
                    counter,
                    action: t.action,
                }
            })
            .collect();
        CompiledFilter {
            terms,
            counters,
            policers,
        }
    }

    /// The policer instances' names and policers, as configured.
    pub fn policers(&self) -> &[(String, Policer)] {
        &self.policers
    }

    /// The counters' names, as configured.
    pub fn counters(&self) -> &[String] {
        &self.counters
    }

    /// Evaluates the IPv4 packet at the start of `packet`. A packet that is not IPv4 matches
    /// no term: the implicit discard.
    pub fn evaluate(&self, packet: &[u8]) -> Verdict {
        let Some(fields) = PacketFields::parse(packet) else {
            return Verdict::IMPLICIT_DISCARD;
        };
        self.evaluate_fields(&fields)
    }

    pub fn evaluate_fields(&self, fields: &PacketFields) -> Verdict {
        self.terms
            .iter()
            .find(|t| t.conditions.matches(fields))
            .map_or(Verdict::IMPLICIT_DISCARD, |t| Verdict {
                accept: t.action == FilterAction::Accept,
                reject: match t.action {
                    FilterAction::Reject(message) => Some(message),
                    _ => None,
                },
                counter: t.counter,
                policer: t.policer,
            })
    }
}

#[cfg(test)]
#[path = "matcher_tests.rs"]
pub(crate) mod tests;
