//! `show snmp mib get OBJECT` and `show snmp mib walk OBJECT`: the daemon queries its own
//! embedded SNMP agent and returns typed variable bindings; the shell renders them as
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

/// An SNMP value as the agent typed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "kebab-case")]
pub enum SnmpValue {
    Integer(i64),
    OctetString(Vec<u8>),
    ObjectIdentifier(Vec<u32>),
    IpAddress([u8; 4]),
    Counter32(u32),
    /// Gauge32 and Unsigned32 share their tag on the wire.
    Gauge32(u32),
    TimeTicks(u32),
    Counter64(u64),
    Null,
    /// A Get named an object or instance the agent does not have.
    NoSuchObject,
}

/// `show snmp mib get | walk` reply.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnmpObjects {
    pub objects: Vec<SnmpObject>,
    /// A walk stopped at the daemon's limit before the end of the subtree.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}
