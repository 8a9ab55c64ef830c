//! The project's MIB modules as Rust: OID constants generated at build time from
//! `JNX-L2TP-MIB.txt` and `JUNIPER-SMI.txt`, so the agent, the AgentX subagent and the tests
//! take every number from the MIB text itself.
#![forbid(unsafe_code)]

pub mod smi;

/// The SMI type an object's values are carried as on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `SEQUENCE OF`: a conceptual table, never an instance.
    Table,
    /// A conceptual row (an OBJECT-TYPE with an INDEX), never an instance.
    Row,
    Integer32,
    Unsigned32,
    Gauge32,
    Counter32,
    Counter64,
    TimeTicks,
    IpAddress,
    OctetString,
    ObjectIdentifier,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    NotAccessible,
    AccessibleForNotify,
    ReadOnly,
    ReadWrite,
    ReadCreate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Current,
    Deprecated,
    Obsolete,
}

/// One OBJECT-TYPE as its module defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MibObject {
    pub name: &'static str,
    pub oid: &'static [u32],
    pub syntax: Syntax,
    /// The textual convention named in SYNTAX, if any (`SnmpAdminString`).
    pub textual_convention: Option<&'static str>,
    pub access: Access,
    pub status: Status,
    pub units: Option<&'static str>,
    /// The INDEX objects of a conceptual row, in order.
    pub index: &'static [&'static str],
    /// The last INDEX object is IMPLIED (no length prefix in the instance).
    pub implied: bool,
}

include!(concat!(env!("OUT_DIR"), "/objects.rs"));

/// The object an OID names or is an instance of: the scalar or column for
/// `...jnxL2tpTunnelStatsDataTxPkts.17967`, the object itself for an exact match.
pub fn object_of(oid: &[u32]) -> Option<&'static MibObject> {
    // No object has OIDs below a column, so the only candidate is the last object that
    // sorts at or before `oid`.
    let after = OBJECTS.partition_point(|o| o.oid <= oid);
    let candidate = OBJECTS.get(after.checked_sub(1)?)?;
    oid.starts_with(candidate.oid).then_some(candidate)
}

/// The object with this MIB name.
pub fn object_named(name: &str) -> Option<&'static MibObject> {
    OBJECTS.iter().find(|o| o.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The numbers below are copied from the project's reference on Juniper's MIB
    // (shared/reference/jnx-l2tp-mib.md), not from the MIB file they check.
    #[test]
    fn constants_match_the_reference() {
        assert_eq!(JNX_MIBS, [1, 3, 6, 1, 4, 1, 2636, 3]);
        assert_eq!(JNX_L2TP_MIB_ROOT, [1, 3, 6, 1, 4, 1, 2636, 3, 49]);
        assert_eq!(JNX_L2TP, [1, 3, 6, 1, 4, 1, 2636, 3, 49, 1]);
        assert_eq!(JNX_L2TP_STATS, [1, 3, 6, 1, 4, 1, 2636, 3, 49, 1, 1, 1, 1]);
        assert_eq!(
            JNX_L2TP_STATS_PAYLOAD_RX_OCTETS64,
            [1, 3, 6, 1, 4, 1, 2636, 3, 49, 1, 1, 1, 1, 13]
        );
        assert_eq!(
            JNX_L2TP_TUNNEL_STATS_DATA_TX_PKTS,
            [1, 3, 6, 1, 4, 1, 2636, 3, 49, 1, 1, 3, 1, 26]
        );
        assert_eq!(
            JNX_L2TP_TUNNEL_STATS_DATA_RX_PKTS64,
            [1, 3, 6, 1, 4, 1, 2636, 3, 49, 1, 1, 3, 1, 35]
        );
        assert_eq!(
            JNX_L2TP_SESSION_ASSIGNED_IP_ADDRESS,
            [1, 3, 6, 1, 4, 1, 2636, 3, 49, 1, 1, 4, 1, 21]
        );
        assert_eq!(
            JNX_L2TP_SESSION_STATS_LCP_RENEGOTIATION,
            [1, 3, 6, 1, 4, 1, 2636, 3, 49, 1, 1, 4, 1, 28]
        );
        assert_eq!(
            JNX_L2TP_TUNNEL_GROUP_STATS_TOTAL_SESSIONS,
            [1, 3, 6, 1, 4, 1, 2636, 3, 49, 1, 1, 2, 1, 6]
        );
        assert_eq!(
            JNX_L2TP_MLPPP_BUNDLE_STATS_OUTPUT_MRRU,
            [1, 3, 6, 1, 4, 1, 2636, 3, 49, 1, 1, 5, 1, 5]
        );
    }

    #[test]
    fn enumerations_match_the_reference() {
        assert_eq!(jnx_l2tp_tunnel_stats_state::ESTABLISHED, 8);
        assert_eq!(jnx_l2tp_tunnel_stats_state::CC_RESPONDER_WAIT_CTL_CONN, 4);
        assert_eq!(jnx_l2tp_session_stats_state::LNS_IC_WAIT_CONNECT, 8);
        assert_eq!(jnx_l2tp_session_stats_auth_method::PPP_MS_CHAP_V2, 7);
        assert_eq!(jnx_l2tp_session_stats_framed_protocol::NONE, 100);
        assert_eq!(
            jnx_l2tp_session_stats_acct_nas_port_type::WIRELESS_IEEE_802_1,
            20
        );
    }

    #[test]
    fn the_object_table_describes_the_tables() {
        // 13 scalars, 6 + 35 + 67 + 5 columns, and a table and a row object per table.
        assert_eq!(OBJECTS.len(), 13 + 6 + 35 + 67 + 5 + 4 * 2);
        assert!(OBJECTS.windows(2).all(|w| w[0].oid < w[1].oid));

        let row = object_named("jnxL2tpSessionStatsEntry").expect("row");
        assert_eq!(row.syntax, Syntax::Row);
        assert_eq!(
            row.index,
            ["jnxL2tpSessionStatsLocalTID", "jnxL2tpSessionStatsLocalSID"]
        );
        assert!(!row.implied);
        let group = object_named("jnxL2tpTunnelGroupStatsEntry").expect("row");
        assert_eq!(group.index, ["jnxL2tpTunnelGroupStatsTnlGrpName"]);
        assert!(group.implied);

        let gauge64 = object_named("jnxL2tpStatsPayloadTxPkts").expect("scalar");
        assert_eq!(gauge64.syntax, Syntax::Counter64);
        assert_eq!(gauge64.textual_convention, Some("CounterBasedGauge64"));
        let deprecated = object_named("jnxL2tpTunnelStatsDataTxPkts").expect("column");
        assert_eq!(deprecated.syntax, Syntax::Counter32);
        assert_eq!(deprecated.status, Status::Deprecated);
        let speed = object_named("jnxL2tpSessionStatsTxSpeed").expect("column");
        assert_eq!(speed.units, Some("bits per second"));
        assert_eq!(
            object_named("jnxL2tpTunnelStatsLocalTID").map(|o| o.access),
            Some(Access::NotAccessible)
        );
    }

    #[test]
    fn instances_map_to_their_column() {
        let mut instance = JNX_L2TP_TUNNEL_STATS_DATA_TX_PKTS.to_vec();
        instance.push(17967);
        assert_eq!(
            object_of(&instance).map(|o| o.name),
            Some("jnxL2tpTunnelStatsDataTxPkts")
        );
        let mut scalar = JNX_L2TP_STATS_TOTAL_TUNNELS.to_vec();
        scalar.push(0);
        assert_eq!(
            object_of(&scalar).map(|o| o.name),
            Some("jnxL2tpStatsTotalTunnels")
        );
        let mut no_column = JNX_L2TP_TUNNEL_STATS_ENTRY.to_vec();
        no_column.extend([99, 1]);
        assert_eq!(object_of(&no_column), None);
        assert_eq!(object_of(&[1, 3, 6]), None);
        assert_eq!(object_of(&[]), None);
    }
}
