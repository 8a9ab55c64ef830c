//! The embedded SNMPv2c agent (RFC 3416 over RFC 1901 messages), sans-IO: the runtime
//! hands in each datagram with its source and a view, and sends back what comes out.
//!
//! It is read-only. SNMPv1 messages are dropped and counted: every manager that walks
//! JNX-L2TP-MIB needs Counter64, which v1 cannot carry. Nothing a datagram holds can
//! make it panic; every dropped datagram is counted under its reason.

use std::net::{IpAddr, SocketAddr};

use rasn::types::{Integer, ObjectIdentifier, OctetString};
// The SMIv2 type names are aliases of the SMIv1 newtypes; construct through the latter.
use rasn_smi::v1::{Counter, Gauge, IpAddress, TimeTicks};
use rasn_smi::v2::{ApplicationSyntax, Counter64, ObjectSyntax, SimpleSyntax};
use rasn_snmp::v2::{BulkPdu, Pdu, Pdus, Response, VarBind, VarBindList, VarBindValue};
use rasn_snmp::v2c::Message;

use super::value::Value;
use super::view::{Lookup, View};

/// The largest response: an Ethernet MTU's UDP payload over IPv4 (1500 - 20 - 8), which
/// is what snmpd and Junos use so answers are never fragmented.
pub const MAX_RESPONSE_OCTETS: usize = 1472;
/// Requests above this are dropped unread. A well-formed request that would need more
/// could not be answered within `MAX_RESPONSE_OCTETS` anyway.
pub const MAX_REQUEST_OCTETS: usize = 1472;
/// GetBulk max-repetitions is capped here, as net-snmp caps it (its default is 100):
/// without a cap one request could make the agent produce a whole table before trimming.
pub const MAX_REPETITIONS: u32 = 100;

/// An address prefix of `clients [ ... ]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientPrefix {
    pub address: IpAddr,
    pub length: u8,
}

impl ClientPrefix {
    pub fn contains(&self, candidate: IpAddr) -> bool {
        fn masked(bits: u128, width: u32, length: u8) -> u128 {
            let keep = u32::from(length).min(width);
            if keep == 0 {
                0
            } else {
                bits >> (width - keep)
            }
        }
        match (self.address, candidate) {
            (IpAddr::V4(net), IpAddr::V4(host)) => {
                masked(u32::from(net).into(), 32, self.length)
                    == masked(u32::from(host).into(), 32, self.length)
            }
            (IpAddr::V6(net), IpAddr::V6(host)) => {
                masked(u128::from(net), 128, self.length)
                    == masked(u128::from(host), 128, self.length)
            }
            // An IPv4 client reaching an IPv6 socket shows up as ::ffff:a.b.c.d.
            (IpAddr::V4(_), IpAddr::V6(host)) => host
                .to_ipv4_mapped()
                .is_some_and(|v4| self.contains(IpAddr::V4(v4))),
            (IpAddr::V6(_), IpAddr::V4(_)) => false,
        }
    }
}

/// `snmp community NAME { authorization read-only; clients { ... } view V; }`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Community {
    pub name: String,
    /// Empty means any client, as on Junos when `clients` is not configured.
    pub clients: Vec<ClientPrefix>,
    /// `clients { P restrict; }`: refused prefixes.
    pub restricted: Vec<ClientPrefix>,
    /// `view V`: the objects this community reaches; `None` is every object.
    pub view: Option<MibView>,
}

impl Community {
    /// The longest configured prefix holding `source` decides, as Junos reads
    /// `clients { 0.0.0.0/0 restrict; 127.0.0.0/8; }`; a source under no prefix is refused.
    fn admits(&self, source: IpAddr) -> bool {
        if self.clients.is_empty() && self.restricted.is_empty() {
            return true;
        }
        let longest = |list: &[ClientPrefix]| {
            list.iter()
                .filter(|p| p.contains(source))
                .map(|p| i16::from(p.length))
                .max()
                .unwrap_or(-1)
        };
        let allowed = longest(&self.clients);
        allowed >= 0 && allowed > longest(&self.restricted)
    }
}

/// `snmp view V { oid O include; oid O exclude; }` (RFC 3415's view family without masks):
/// the longest configured subtree holding an OID decides; an OID under none is outside.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MibView {
    pub subtrees: Vec<(Vec<u32>, bool)>,
}

impl MibView {
    pub fn contains(&self, oid: &[u32]) -> bool {
        self.subtrees
            .iter()
            .filter(|(tree, _)| oid.starts_with(tree))
            .max_by_key(|(tree, _)| tree.len())
            .is_some_and(|(_, included)| *included)
    }
}

/// Longest run of objects a GetNext skips looking for one inside the community's view
/// before answering endOfMibView: bounds the work one request can cost.
const MAX_VIEW_SKIPS: usize = 100_000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgentConfig {
    pub communities: Vec<Community>,
}

/// Why datagrams were dropped or answered with an error, for `show snmp statistics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AgentCounters {
    pub in_packets: u64,
    pub out_responses: u64,
    /// snmpInBadVersions: SNMPv1 or an unknown version number.
    pub bad_versions: u64,
    /// snmpInBadCommunityNames.
    pub bad_community_names: u64,
    /// A known community from a client outside its `clients` list.
    pub unlisted_clients: u64,
    /// snmpInASNParseErrs: not a BER-encoded SNMP message.
    pub asn_parse_errors: u64,
    pub oversized_requests: u64,
    /// Response, Trap, InformRequest or Report sent to the agent.
    pub unsupported_pdus: u64,
    /// snmpInGetRequests, snmpInGetNexts and their GetBulk kin: requests past the community
    /// check, by kind.
    pub get_requests: u64,
    pub get_next_requests: u64,
    pub get_bulk_requests: u64,
    pub set_requests: u64,
    /// snmpOutTooBigs: Get or GetNext answers that did not fit.
    pub too_bigs: u64,
    /// Variable bindings naming OIDs the view does not serve.
    pub no_such_names: u64,
}

/// A request that passed [`Agent::admit`]: from a listed client, with a known community.
#[derive(Debug)]
pub struct Admitted {
    community: OctetString,
    pdu: Pdus,
    /// The community's view, if it has one.
    mib_view: Option<MibView>,
}

pub struct Agent {
    config: AgentConfig,
    counters: AgentCounters,
}

impl Agent {
    pub fn new(config: AgentConfig) -> Self {
        Agent {
            config,
            counters: AgentCounters::default(),
        }
    }

    /// Takes a new configuration on commit; counters carry on.
    pub fn reconfigure(&mut self, config: AgentConfig) {
        self.config = config;
    }

    pub fn counters(&self) -> AgentCounters {
        self.counters
    }

    /// Answers one datagram from `source`, or drops it (`None`) and counts why.
    pub fn handle(&mut self, source: SocketAddr, datagram: &[u8], view: &View) -> Option<Vec<u8>> {
        let request = self.admit(source, datagram)?;
        self.answer(request, view)
    }

    /// The checks that need no view: size, BER, version, community, client, PDU type.
    /// A runtime calls this before it fetches a view, so a flood of datagrams that fail
    /// them costs no registry snapshot. `None`: dropped and counted.
    pub fn admit(&mut self, source: SocketAddr, datagram: &[u8]) -> Option<Admitted> {
        self.counters.in_packets += 1;
        if datagram.len() > MAX_REQUEST_OCTETS {
            self.counters.oversized_requests += 1;
            return None;
        }
        let message: Message<Pdus> = match rasn::ber::decode(datagram) {
            Ok(message) => message,
            Err(_) => {
                self.counters.asn_parse_errors += 1;
                return None;
            }
        };
        if message.version != Integer::from(Message::<Pdus>::VERSION) {
            self.counters.bad_versions += 1;
            return None;
        }
        let Some(community) = self
            .config
            .communities
            .iter()
            .find(|c| c.name.as_bytes() == message.community.as_ref())
        else {
            self.counters.bad_community_names += 1;
            return None;
        };
        if !community.admits(source.ip()) {
            self.counters.unlisted_clients += 1;
            return None;
        }
        if let Pdus::Response(_) | Pdus::InformRequest(_) | Pdus::Trap(_) | Pdus::Report(_) =
            message.data
        {
            self.counters.unsupported_pdus += 1;
            return None;
        }
        let mib_view = community.view.clone();
        Some(Admitted {
            community: message.community,
            pdu: message.data,
            mib_view,
        })
    }

    /// Answers a request [`Agent::admit`] let through, from `view`.
    pub fn answer(&mut self, request: Admitted, view: &View) -> Option<Vec<u8>> {
        let scope = request.mib_view.as_ref();
        let response = match request.pdu {
            Pdus::GetRequest(request) => {
                self.counters.get_requests += 1;
                self.get(request.0, view, scope)
            }
            Pdus::GetNextRequest(request) => {
                self.counters.get_next_requests += 1;
                self.get_next(request.0, view, scope)
            }
            Pdus::GetBulkRequest(request) => {
                self.counters.get_bulk_requests += 1;
                self.get_bulk(request.0, view, scope)
            }
            Pdus::SetRequest(request) => {
                self.counters.set_requests += 1;
                // RFC 3416 4.2.5: a binding outside the (read-only) view is noAccess.
                error_response(request.0, Pdu::ERROR_STATUS_NO_ACCESS, 1)
            }
            // `admit` lets none of these through.
            Pdus::Response(_) | Pdus::InformRequest(_) | Pdus::Trap(_) | Pdus::Report(_) => {
                return None
            }
        };
        let encoded = self.encode(&request.community, response)?;
        self.counters.out_responses += 1;
        Some(encoded)
    }

    fn get(&mut self, request: Pdu, view: &View, scope: Option<&MibView>) -> Pdu {
        let bindings = request
            .variable_bindings
            .iter()
            .map(|binding| {
                let outside = scope.is_some_and(|s| !s.contains(&binding.name));
                let lookup = if outside {
                    // RFC 3416 4.2.1: an object outside the view is noSuchObject.
                    Lookup::NoSuchObject
                } else {
                    view.get(&binding.name)
                };
                let value = match lookup {
                    Lookup::Value(value) => VarBindValue::Value(object_syntax(value)),
                    Lookup::NoSuchObject => {
                        self.counters.no_such_names += 1;
                        VarBindValue::NoSuchObject
                    }
                    Lookup::NoSuchInstance => VarBindValue::NoSuchInstance,
                };
                VarBind {
                    name: binding.name.clone(),
                    value,
                }
            })
            .collect();
        ok_response(request.request_id, bindings)
    }

    fn get_next(&mut self, request: Pdu, view: &View, scope: Option<&MibView>) -> Pdu {
        let bindings = request
            .variable_bindings
            .iter()
            .map(|binding| next_binding(view, scope, &binding.name))
            .collect();
        ok_response(request.request_id, bindings)
    }

    /// RFC 3416 4.2.3: non-repeaters get one successor each, then each repeater is walked
    /// `max-repetitions` times, row by row. The answer is cut to fit rather than refused.
    fn get_bulk(&mut self, request: BulkPdu, view: &View, scope: Option<&MibView>) -> Pdu {
        let names = &request.variable_bindings;
        let non_repeaters = usize::try_from(request.non_repeaters)
            .unwrap_or(usize::MAX)
            .min(names.len());
        let repetitions = request.max_repetitions.min(MAX_REPETITIONS);
        let (singles, repeaters) = names.split_at(non_repeaters);

        let mut budget = SizeBudget::new(request.request_id);
        let mut bindings: VarBindList = Vec::new();
        for binding in singles {
            if !budget.admit(&mut bindings, next_binding(view, scope, &binding.name)) {
                return ok_response(request.request_id, bindings);
            }
        }
        let mut cursors: Vec<ObjectIdentifier> = repeaters.iter().map(|b| b.name.clone()).collect();
        for _ in 0..repetitions {
            if cursors.is_empty() {
                break;
            }
            let mut all_ended = true;
            for cursor in &mut cursors {
                let binding = next_binding(view, scope, cursor);
                all_ended &= binding.value == VarBindValue::EndOfMibView;
                *cursor = binding.name.clone();
                if !budget.admit(&mut bindings, binding) {
                    return ok_response(request.request_id, bindings);
                }
            }
            // Once every repeater is past the end, further rows would only repeat that.
            if all_ended {
                break;
            }
        }
        ok_response(request.request_id, bindings)
    }

    fn encode(&mut self, community: &OctetString, pdu: Pdu) -> Option<Vec<u8>> {
        let message = |pdu: Pdu| Message {
            version: Integer::from(Message::<Pdus>::VERSION),
            community: community.clone(),
            data: Pdus::Response(Response(pdu)),
        };
        let request_id = pdu.request_id;
        let encoded = rasn::ber::encode(&message(pdu)).ok()?;
        if encoded.len() <= MAX_RESPONSE_OCTETS {
            return Some(encoded);
        }
        // RFC 3416 4.2.1: a Get or GetNext answer that does not fit becomes tooBig with no
        // bindings. (GetBulk answers were already trimmed to fit.)
        self.counters.too_bigs += 1;
        let too_big = Pdu {
            request_id,
            error_status: Pdu::ERROR_STATUS_TOO_BIG,
            error_index: 0,
            variable_bindings: Vec::new(),
        };
        rasn::ber::encode(&message(too_big)).ok()
    }
}

/// Tracks how much of `MAX_RESPONSE_OCTETS` a growing GetBulk answer uses, by encoding
/// each binding once instead of the whole message per binding.
struct SizeBudget {
    used: usize,
}

impl SizeBudget {
    /// The fixed part: version, the longest community (255 octets), PDU header, each
    /// sequence with room for a 3-octet length. Generous, so an admitted answer always fits.
    fn new(request_id: i32) -> Self {
        let header = rasn::ber::encode(&Message {
            version: Integer::from(Message::<Pdus>::VERSION),
            community: OctetString::from(vec![0u8; 255]),
            data: Pdus::Response(Response(ok_response(request_id, Vec::new()))),
        })
        .map_or(MAX_RESPONSE_OCTETS, |h| h.len());
        SizeBudget {
            used: header + 3 * 2,
        }
    }

    fn admit(&mut self, bindings: &mut VarBindList, binding: VarBind) -> bool {
        let size = rasn::ber::encode(&binding).map_or(usize::MAX, |b| b.len());
        match self.used.checked_add(size) {
            Some(total) if total <= MAX_RESPONSE_OCTETS => {
                self.used = total;
                bindings.push(binding);
                true
            }
            _ => false,
        }
    }
}

/// The next object after `name` inside `scope` (RFC 3416 4.2.2: objects outside the view
/// are skipped; past the last, endOfMibView).
fn next_binding(view: &View, scope: Option<&MibView>, name: &ObjectIdentifier) -> VarBind {
    let mut found = view.get_next(name);
    if let Some(scope) = scope {
        let mut skips = 0;
        while let Some((oid, _)) = &found {
            if scope.contains(oid) {
                break;
            }
            skips += 1;
            found = if skips > MAX_VIEW_SKIPS {
                None
            } else {
                view.get_next(oid)
            };
        }
    }
    match found {
        Some((oid, value)) => VarBind {
            // The view only produces OIDs under 1.3.6.1, which are valid.
            name: ObjectIdentifier::new_unchecked(oid.into()),
            value: VarBindValue::Value(object_syntax(value)),
        },
        None => VarBind {
            name: name.clone(),
            value: VarBindValue::EndOfMibView,
        },
    }
}

fn ok_response(request_id: i32, variable_bindings: VarBindList) -> Pdu {
    Pdu {
        request_id,
        error_status: Pdu::ERROR_STATUS_NO_ERROR,
        error_index: 0,
        variable_bindings,
    }
}

/// An error answer returns the request's bindings unchanged (RFC 3416 4.2.5).
fn error_response(request: Pdu, error_status: u32, error_index: u32) -> Pdu {
    Pdu {
        error_status,
        error_index,
        ..request
    }
}

fn object_syntax(value: Value) -> ObjectSyntax {
    match value {
        Value::Integer(v) => ObjectSyntax::Simple(SimpleSyntax::Integer(v.into())),
        Value::OctetString(v) => ObjectSyntax::Simple(SimpleSyntax::String(v.into())),
        Value::IpAddress(v) => {
            ObjectSyntax::ApplicationWide(ApplicationSyntax::Address(IpAddress(v.into())))
        }
        Value::Counter32(v) => {
            ObjectSyntax::ApplicationWide(ApplicationSyntax::Counter(Counter(v)))
        }
        Value::Gauge32(v) | Value::Unsigned32(v) => {
            ObjectSyntax::ApplicationWide(ApplicationSyntax::Unsigned(Gauge(v)))
        }
        Value::TimeTicks(v) => {
            ObjectSyntax::ApplicationWide(ApplicationSyntax::Ticks(TimeTicks(v)))
        }
        Value::Counter64(v) => {
            ObjectSyntax::ApplicationWide(ApplicationSyntax::BigCounter(Counter64(v)))
        }
        // The view's OID values (zeroDotZero) are valid: two arcs, the first below 3.
        Value::ObjectIdentifier(arcs) => ObjectSyntax::Simple(SimpleSyntax::ObjectId(
            ObjectIdentifier::new_unchecked(arcs.into()),
        )),
    }
}

#[cfg(test)]
#[path = "agent_tests.rs"]
mod tests;
