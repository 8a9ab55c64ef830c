//! `show snmp mib get OBJECT` and `show snmp mib walk OBJECT`: the daemon reads its MIB
//! view and returns typed variable bindings; the shell renders them as
//! `jnxL2tpTunnelStatsRemoteTID.17967 = 5`.

use serde::{Deserialize, Serialize};

/// One variable binding. `name` is the MIB name of the object with the instance suffix
/// (`jnxL2tpStatsTotalTunnels.0`), or the dotted OID when the object is not in our MIBs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnmpObject {
    pub oid: Vec<u32>,
    pub name: String,
    pub value: SnmpValue,
}

/// An SNMP value as the MIB types it, or why a binding has none (RFC 3416 3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "kebab-case")]
pub enum SnmpValue {
    Integer(i64),
    OctetString(Vec<u8>),
    IpAddress([u8; 4]),
    Counter32(u32),
    /// Gauge32 and Unsigned32 share their tag on the wire.
    Gauge32(u32),
    TimeTicks(u32),
    Counter64(u64),
    /// An OBJECT IDENTIFIER value's arcs (sysObjectID).
    ObjectIdentifier(Vec<u32>),
    /// No object the MIB view serves is named by the OID.
    NoSuchObject,
    /// The object is served but has no such instance (no such row, or a scalar not `.0`).
    NoSuchInstance,
    /// A walk found nothing under its OID and nothing follows it in the view.
    EndOfMibView,
}

/// `show snmp mib get | walk` reply.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnmpObjects {
    pub objects: Vec<SnmpObject>,
    /// A walk stopped at the daemon's limit before the end of the subtree.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// The root element of `show snmp statistics | display json|xml`.
pub const STATISTICS_ROOT: &str = "snmp-statistics";

/// `show snmp statistics`: what the embedded agent received and sent, and the state of the
/// AgentX subagent. Counters run from the daemon's start; a commit does not reset them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SnmpStatistics {
    /// The addresses the embedded agent listens on (`snmp listen-address`); none when it
    /// does not listen (no community configured).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agent_address: Vec<std::net::IpAddr>,
    /// The UDP port the embedded agent listens on; absent when it does not listen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_port: Option<u16>,
    pub snmp_input_statistics: SnmpInputStatistics,
    pub snmp_output_statistics: SnmpOutputStatistics,
    pub agentx_statistics: AgentxStatistics,
}

/// Datagrams the embedded agent received, and why those it dropped were dropped.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SnmpInputStatistics {
    pub packets: u64,
    /// SNMPv1 (the MIB needs Counter64) or an unknown version.
    pub bad_versions: u64,
    pub bad_community_names: u64,
    /// A known community from an address outside its `clients`.
    pub unlisted_clients: u64,
    pub asn_parse_errors: u64,
    /// Requests larger than the agent reads (dropped unparsed).
    pub oversized_requests: u64,
    pub get_requests: u64,
    pub get_nexts: u64,
    pub get_bulks: u64,
    /// Refused: the agent is read-only.
    pub set_requests: u64,
    /// Response, Trap, InformRequest or Report PDUs sent to the agent.
    pub unsupported_pdus: u64,
}

/// What the embedded agent sent. It sends responses only (no traps), so `packets` and
/// `get-responses` agree; both are shown as Junos shows both.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SnmpOutputStatistics {
    /// Responses and traps (snmpOutPkts).
    pub packets: u64,
    pub too_bigs: u64,
    pub no_such_names: u64,
    pub get_responses: u64,
    /// Trap datagrams sent to `trap-group` targets (snmpOutTraps).
    #[serde(default)]
    pub traps: u64,
    /// Traps not sent: over the sender's rate bound, or refused by the socket.
    #[serde(default)]
    pub trap_drops: u64,
}

/// The AgentX subagent (`snmp agentx socket PATH`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AgentxStatistics {
    /// The master agent's socket; absent when AgentX is not configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub socket: Option<String>,
    pub connected: bool,
    /// JNX-L2TP-MIB is registered with the master on the current connection.
    pub registered: bool,
    pub connects: u64,
    pub registrations: u64,
    /// Connections lost (the master closed, restarted or stopped answering).
    pub resets: u64,
    /// Get, GetNext and GetBulk PDUs answered, over every connection.
    pub requests: u64,
    pub parse_errors: u64,
    /// TestSet PDUs refused: the MIB is read-only.
    pub set_requests: u64,
    pub unsupported_pdus: u64,
}
