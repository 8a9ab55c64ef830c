//! `[edit firewall family inet filter]` as the data path evaluates it: terms in order, each
//! with its match conditions parsed to numbers and prefixes, and its actions. The words a
//! condition takes (`tcp`, `http`, `1024-65535`, `echo-request`) are read here, once: the
//! commit check reports what does not read (validate::firewall), so the data path is given
//! exactly what was checked.

use super::net::Ipv4Prefix;
use super::view::View;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One `filter NAME`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirewallFilter {
    /// Each interface gets its own instance and counters (`C-pp0.5-i`).
    pub interface_specific: bool,
    pub terms: Vec<FilterTerm>,
}

/// One `term T`: no `from` matches every packet; no terminating action accepts (Junos).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterTerm {
    pub name: String,
    pub from: MatchConditions,
    /// `then policer P`: the policer's name and what it is, so that a commit changing the
    /// policer changes the filter (and replaces its instances, as a changed filter's).
    pub policer: Option<(String, Policer)>,
    pub count: Option<String>,
    pub action: FilterAction,
}

/// `firewall policer P`: a single-rate two-color policer whose out-of-profile packets are
/// discarded (the only `then` built).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policer {
    /// `if-exceeding bandwidth-limit`, bits per second.
    pub bandwidth_limit: u64,
    /// `if-exceeding burst-size-limit`, bytes.
    pub burst_size_limit: u64,
    /// One instance for all the terms of a filter that name it, not one a term.
    pub filter_specific: bool,
}

/// What a matching term does with the packet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum FilterAction {
    #[default]
    Accept,
    Discard,
    /// Discard, and tell the sender (`reject <message-type>`).
    Reject(RejectMessage),
}

/// What `reject` answers the sender with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RejectMessage {
    /// ICMP Destination Unreachable (type 3) with this code.
    Unreachable(u8),
    /// A TCP RST for a TCP packet; anything else gets `administratively-prohibited`.
    TcpReset,
}

/// ICMP Destination Unreachable, "communication administratively prohibited" (RFC 1812
/// §5.2.7.1): what `reject` with no message type sends.
pub const ADMINISTRATIVELY_PROHIBITED: u8 = 13;

impl Default for RejectMessage {
    fn default() -> Self {
        RejectMessage::Unreachable(ADMINISTRATIVELY_PROHIBITED)
    }
}

/// Junos' `reject` message types: the Destination Unreachable codes of RFC 792 (0-5),
/// RFC 1122 §3.2.2.1 (6-12) and RFC 1812 §5.2.7.1 (13-15). `tcp-reset` is apart.
pub const REJECT_MESSAGES: &[(&str, u8)] = &[
    ("administratively-prohibited", 13),
    ("bad-host-tos", 12),
    ("bad-network-tos", 11),
    ("fragmentation-needed", 4),
    ("host-prohibited", 10),
    ("host-unknown", 7),
    ("host-unreachable", 1),
    ("network-prohibited", 9),
    ("network-unknown", 6),
    ("network-unreachable", 0),
    ("port-unreachable", 3),
    ("precedence-cutoff", 15),
    ("precedence-violation", 14),
    ("protocol-unreachable", 2),
    ("source-host-isolated", 8),
    ("source-route-failed", 5),
];

/// `reject`'s keyword for a TCP RST.
pub const TCP_RESET: &str = "tcp-reset";

/// A prefix of an address condition; `except` excludes what it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefixMatch {
    pub prefix: Ipv4Prefix,
    pub except: bool,
}

/// The conditions of one `from`: all that are given must match (each list is any-of).
/// Empty lists are conditions not given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchConditions {
    pub address: Vec<PrefixMatch>,
    pub destination_address: Vec<PrefixMatch>,
    pub source_address: Vec<PrefixMatch>,
    pub protocol: Vec<u8>,
    /// Inclusive port ranges; a single port is `(p, p)`.
    pub port: Vec<(u16, u16)>,
    pub destination_port: Vec<(u16, u16)>,
    pub source_port: Vec<(u16, u16)>,
    pub icmp_type: Vec<u8>,
}

/// Junos' IPv4 protocol keywords (IANA numbers).
pub const PROTOCOLS: &[(&str, u8)] = &[
    ("ah", 51),
    ("egp", 8),
    ("esp", 50),
    ("gre", 47),
    ("icmp", 1),
    ("igmp", 2),
    ("ipip", 4),
    ("ipv6", 41),
    ("ospf", 89),
    ("pim", 103),
    ("rsvp", 46),
    ("sctp", 132),
    ("tcp", 6),
    ("udp", 17),
    ("vrrp", 112),
];

/// Junos' port keywords (IANA numbers), the ones subscriber filters use.
pub const PORTS: &[(&str, u16)] = &[
    ("bgp", 179),
    ("bootpc", 68),
    ("bootps", 67),
    ("dhcp", 67),
    ("domain", 53),
    ("finger", 79),
    ("ftp", 21),
    ("ftp-data", 20),
    ("http", 80),
    ("https", 443),
    ("ident", 113),
    ("imap", 143),
    ("kerberos-sec", 88),
    ("ldap", 389),
    ("ldp", 646),
    ("login", 513),
    ("netbios-dgm", 138),
    ("netbios-ns", 137),
    ("netbios-ssn", 139),
    ("nfsd", 2049),
    ("nntp", 119),
    ("ntp", 123),
    ("pop3", 110),
    ("pptp", 1723),
    ("printer", 515),
    ("radacct", 1813),
    ("radius", 1812),
    ("rip", 520),
    ("smtp", 25),
    ("snmp", 161),
    ("snmptrap", 162),
    ("socks", 1080),
    ("ssh", 22),
    ("sunrpc", 111),
    ("syslog", 514),
    ("tacacs", 49),
    ("telnet", 23),
    ("tftp", 69),
    ("xdmcp", 177),
];

/// Junos' ICMP type keywords (RFC 792 and RFC 950 numbers).
pub const ICMP_TYPES: &[(&str, u8)] = &[
    ("echo-reply", 0),
    ("unreachable", 3),
    ("source-quench", 4),
    ("redirect", 5),
    ("echo-request", 8),
    ("router-advertisement", 9),
    ("router-solicit", 10),
    ("time-exceeded", 11),
    ("parameter-problem", 12),
    ("timestamp", 13),
    ("timestamp-reply", 14),
    ("info-request", 15),
    ("info-reply", 16),
    ("mask-request", 17),
    ("mask-reply", 18),
];

fn names<T>(table: &[(&str, T)]) -> String {
    table.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}

fn number_or_name<T: Copy + std::str::FromStr + Into<u32>>(
    what: &str,
    word: &str,
    table: &[(&str, T)],
    max: u32,
) -> Result<T, String> {
    if let Some((_, n)) = table.iter().find(|(name, _)| *name == word) {
        return Ok(*n);
    }
    if word.bytes().all(|b| b.is_ascii_digit()) && !word.is_empty() {
        return word
            .parse::<T>()
            .map_err(|_| format!("Value {word} is not within range (0..{max})"));
    }
    Err(format!(
        "invalid {what} '{word}': expecting a number (0..{max}) or one of {}",
        names(table)
    ))
}

/// `tcp`, `17`: an IPv4 protocol number.
pub fn protocol_number(word: &str) -> Result<u8, String> {
    number_or_name("protocol", word, PROTOCOLS, 255)
}

/// `http`, `8080`, `1024-65535`: an inclusive port range.
pub fn port_range(word: &str) -> Result<(u16, u16), String> {
    let port = |w: &str| number_or_name("port", w, PORTS, 65535);
    match word.split_once('-') {
        // `ftp-data` is a name with a hyphen, not a range.
        Some((low, high)) if !PORTS.iter().any(|(n, _)| *n == word) => {
            let (low, high) = (port(low)?, port(high)?);
            if low > high {
                return Err(format!(
                    "invalid port range '{word}': the first port is above the second"
                ));
            }
            Ok((low, high))
        }
        _ => port(word).map(|p| (p, p)),
    }
}

/// `echo-request`, `8`: an ICMP message type.
pub fn icmp_type_number(word: &str) -> Result<u8, String> {
    number_or_name("icmp-type", word, ICMP_TYPES, 255)
}

/// `firewall family inet filter F` and its older form `firewall filter F`: one namespace
/// (a name in both is refused at commit; the `family inet` one is read here).
pub(super) fn firewall_filters(root: View<'_>) -> BTreeMap<String, FirewallFilter> {
    let firewall = root.container("firewall");
    let policers: BTreeMap<String, Policer> = firewall
        .entries("policer")
        .map(|(name, p)| (name.to_string(), policer(p)))
        .collect();
    let legacy = firewall.entries("filter");
    let inet = firewall
        .container("family")
        .container("inet")
        .entries("filter");
    legacy
        .chain(inet)
        .map(|(name, f)| (name.to_string(), filter(f, &policers)))
        .collect()
}

fn policer(p: View<'_>) -> Policer {
    let limits = p.container("if-exceeding");
    // Decimal suffixes (`10m` = 10,000,000), not the 1024-based sizes of View::uint.
    let decimal = |name: &str| {
        limits
            .value(name)
            .and_then(crate::def::decimal_value)
            .unwrap_or_default()
    };
    Policer {
        bandwidth_limit: decimal("bandwidth-limit"),
        burst_size_limit: decimal("burst-size-limit"),
        filter_specific: p.flag("filter-specific"),
    }
}

fn filter(f: View<'_>, policers: &BTreeMap<String, Policer>) -> FirewallFilter {
    FirewallFilter {
        interface_specific: f.flag("interface-specific"),
        terms: f
            .entries("term")
            .map(|(name, t)| term(name, t, policers))
            .collect(),
    }
}

fn term(name: &str, t: View<'_>, policers: &BTreeMap<String, Policer>) -> FilterTerm {
    let from = t.container("from");
    let then = t.container("then");
    let prefixes = |name: &'static str| -> Vec<PrefixMatch> {
        from.entries(name)
            .filter_map(|(prefix, p)| {
                Some(PrefixMatch {
                    prefix: Ipv4Prefix::parse(prefix)?,
                    except: p.flag("except"),
                })
            })
            .collect()
    };
    // A checked tree reads whole; a word that does not read is left out rather than
    // failing the view (validate::firewall refuses it at commit).
    let ports = |name: &str| -> Vec<(u16, u16)> {
        from.values(name)
            .iter()
            .filter_map(|w| port_range(w).ok())
            .collect()
    };
    let action = if then.flag("discard") {
        FilterAction::Discard
    } else if then.container("reject").present() {
        FilterAction::Reject(reject_message(then.container("reject")))
    } else {
        FilterAction::Accept
    };
    FilterTerm {
        name: name.to_string(),
        from: MatchConditions {
            address: prefixes("address"),
            destination_address: prefixes("destination-address"),
            source_address: prefixes("source-address"),
            protocol: from
                .values("protocol")
                .iter()
                .filter_map(|w| protocol_number(w).ok())
                .collect(),
            port: ports("port"),
            destination_port: ports("destination-port"),
            source_port: ports("source-port"),
            icmp_type: from
                .values("icmp-type")
                .iter()
                .filter_map(|w| icmp_type_number(w).ok())
                .collect(),
        },
        // A policer that is not defined is refused at commit (a reference); a checked tree
        // always finds it.
        policer: then
            .string("policer")
            .and_then(|p| Some((p.clone(), *policers.get(&p)?))),
        count: then.string("count"),
        action,
    }
}

/// The message type a `reject` names (one at most: a choice), the default without one.
fn reject_message(reject: View<'_>) -> RejectMessage {
    if reject.flag(TCP_RESET) {
        return RejectMessage::TcpReset;
    }
    REJECT_MESSAGES
        .iter()
        .find(|(name, _)| reject.flag(name))
        .map_or_else(RejectMessage::default, |(_, code)| {
            RejectMessage::Unreachable(*code)
        })
}

/// `family inet filter` of an interface unit or a dynamic profile's unit, as written
/// (a dynamic profile's may be a variable).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterfaceFilters {
    pub input: Option<String>,
    pub output: Option<String>,
}

impl InterfaceFilters {
    pub(super) fn of(inet: View<'_>) -> InterfaceFilters {
        let filter = inet.container("filter");
        // A static unit's is a leaf; a dynamic profile's a list entry keyed by the name
        // (it takes options), one a direction.
        let name = |direction: &str| {
            filter.string(direction).or_else(|| {
                filter
                    .entries(direction)
                    .next()
                    .map(|(name, _)| name.to_string())
            })
        };
        InterfaceFilters {
            input: name("input"),
            output: name("output"),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.input.is_none() && self.output.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_as_junos_takes_them() {
        assert_eq!(protocol_number("tcp"), Ok(6));
        assert_eq!(protocol_number("17"), Ok(17));
        assert_eq!(
            protocol_number("256"),
            Err("Value 256 is not within range (0..255)".into())
        );
        assert!(protocol_number("tpc")
            .unwrap_err()
            .starts_with("invalid protocol 'tpc': expecting a number (0..255) or one of ah, "));
        assert_eq!(port_range("http"), Ok((80, 80)));
        assert_eq!(port_range("ftp-data"), Ok((20, 20)));
        assert_eq!(port_range("1024-65535"), Ok((1024, 65535)));
        assert_eq!(port_range("ftp-http"), Ok((21, 80)));
        assert!(port_range("90-80").is_err());
        assert!(port_range("65536").is_err());
        assert!(port_range("-80").is_err());
        assert!(port_range("").is_err());
        assert_eq!(icmp_type_number("echo-request"), Ok(8));
        assert_eq!(icmp_type_number("0"), Ok(0));
        assert!(icmp_type_number("ping").is_err());
    }
}
