use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::*;
use crate::snmp::snapshot::{Counters, SessionRow, SnmpSnapshot, TunnelGroupRow, TunnelRow};

pub(crate) fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

pub(crate) fn tunnel(local_tid: u16, group: &str, state: i32) -> TunnelRow {
    TunnelRow {
        local_tid,
        remote_tid: local_tid + 1000,
        service_interface: String::new(),
        tunnel_group: group.into(),
        local: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 6, 1)), 1701),
        remote: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 6, 2)), 1701),
        state,
        local_host_name: "lns".into(),
        remote_host_name: "lac".into(),
        max_sessions: 0,
        window_size: 4,
        hello_interval: 60,
        created: at(1_000),
        idle: Duration::from_secs(5),
        collection_start: at(1_000),
        counters: Counters {
            control_tx_packets: (1 << 32) + 7,
            control_tx_octets: 700,
            control_rx_packets: 6,
            control_rx_octets: 600,
            data_tx_packets: 50,
            data_tx_octets: 5_000,
            data_rx_packets: 40,
            data_rx_octets: 4_000,
            error_tx_packets: 1,
            error_rx_packets: 2,
        },
    }
}

pub(crate) fn session(local_tid: u16, local_sid: u16, group: &str) -> SessionRow {
    SessionRow {
        local_tid,
        local_sid,
        remote_sid: local_sid + 500,
        service_interface: String::new(),
        tunnel_group: group.into(),
        interface_unit: 1_073_741_824 + u32::from(local_sid),
        state: mibs::jnx_l2tp_session_stats_state::ESTABLISHED,
        user_name: format!("user{local_sid}@example.net"),
        local: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 6, 1)), 1701),
        remote: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 6, 2)), 1701),
        local_host_name: "lns".into(),
        remote_host_name: "lac".into(),
        assigned_address: Some(IpAddr::V4(Ipv4Addr::new(127, 0, 7, local_sid as u8))),
        local_mru: 1492,
        remote_mru: 1492,
        tx_speed: 100_000_000,
        rx_speed: 100_000_000,
        call_bearer_type: mibs::jnx_l2tp_session_stats_call_bearer_type::DIGITAL,
        framing_type: mibs::jnx_l2tp_session_stats_framing_type::SYNC,
        lcp_renegotiation: false,
        auth_method: mibs::jnx_l2tp_session_stats_auth_method::PPP_CHAP,
        calling_station_id: "0312345678".into(),
        called_station_id: String::new(),
        acct_session_id: format!("{local_sid:08x}"),
        radius_accounting: true,
        nas_port_type: mibs::jnx_l2tp_session_stats_acct_nas_port_type::VIRTUAL,
        call_serial_number: u32::from(local_sid),
        created: at(1_100),
        idle: Duration::from_secs(1),
        collection_start: at(1_100),
        counters: Counters::default(),
    }
}

/// 3 tunnels (two established in group "east", one closing in "west") and 5 sessions.
pub(crate) fn snapshot(tunnel_statistics: bool) -> SnmpSnapshot {
    SnmpSnapshot {
        tunnel_statistics,
        tunnel_groups: vec![
            TunnelGroupRow {
                name: "west".into(),
                gateway: Some(IpAddr::V4(Ipv4Addr::new(127, 0, 6, 1))),
                service_interface: "si-0/0/0".into(),
            },
            TunnelGroupRow {
                name: "east".into(),
                gateway: None,
                service_interface: String::new(),
            },
        ],
        tunnels: vec![
            tunnel(17967, "east", tunnel_state::ESTABLISHED),
            tunnel(3, "east", tunnel_state::ESTABLISHED),
            tunnel(400, "west", tunnel_state::TERMINATE),
        ],
        sessions: vec![
            session(17967, 2, "east"),
            session(3, 9, "east"),
            session(17967, 1, "east"),
            session(3, 10, "east"),
            session(400, 77, "west"),
        ],
    }
}

fn instance(column: &[u32], index: &[u32]) -> Vec<u32> {
    [column, index].concat()
}

fn view() -> View {
    View::new(snapshot(true), at(2_000))
}

#[test]
fn tunnel_columns_are_indexed_by_local_tid() {
    let view = view();
    let oid = instance(mibs::JNX_L2TP_TUNNEL_STATS_DATA_TX_PKTS, &[17967]);
    assert_eq!(
        oid,
        [1, 3, 6, 1, 4, 1, 2636, 3, 49, 1, 1, 3, 1, 26, 17967],
        "the reference's example instance"
    );
    assert_eq!(view.get(&oid), Lookup::Value(Value::Counter32(50)));
    assert_eq!(
        view.get(&instance(mibs::JNX_L2TP_TUNNEL_STATS_CONTROL_TX_PKTS, &[3])),
        Lookup::Value(Value::Counter32(7)),
        "Counter32 wraps"
    );
    assert_eq!(
        view.get(&instance(
            mibs::JNX_L2TP_TUNNEL_STATS_ACTIVE_SESSIONS,
            &[17967]
        )),
        Lookup::Value(Value::Gauge32(2))
    );
    assert_eq!(
        view.get(&instance(mibs::JNX_L2TP_TUNNEL_STATS_UP_TIME, &[3])),
        Lookup::Value(Value::TimeTicks(100_000))
    );
    assert_eq!(
        view.get(&instance(
            mibs::JNX_L2TP_TUNNEL_STATS_REMOTE_IP_ADDRESS,
            &[3]
        )),
        Lookup::Value(Value::OctetString(vec![127, 0, 6, 2]))
    );
    assert_eq!(
        view.get(&instance(mibs::JNX_L2TP_TUNNEL_STATS_DATA_TX_PKTS, &[4])),
        Lookup::NoSuchInstance
    );
    assert_eq!(
        view.get(&instance(mibs::JNX_L2TP_TUNNEL_STATS_LOCAL_TID, &[3])),
        Lookup::NoSuchObject,
        "the index column is not-accessible"
    );
}

#[test]
fn session_rows_are_indexed_by_tunnel_then_session() {
    let view = view();
    let name = view.get(&instance(
        mibs::JNX_L2TP_SESSION_STATS_USER_NAME,
        &[17967, 1],
    ));
    assert_eq!(name, Lookup::Value(Value::string("user1@example.net")));
    let walk = view.get_bulk(mibs::JNX_L2TP_SESSION_STATS_USER_NAME, 5);
    let order: Vec<&[u32]> = walk
        .iter()
        .map(|(oid, _)| &oid[mibs::JNX_L2TP_SESSION_STATS_USER_NAME.len()..])
        .collect();
    assert_eq!(
        order,
        [&[3, 9][..], &[3, 10], &[400, 77], &[17967, 1], &[17967, 2]]
    );
}

#[test]
fn tunnel_groups_use_the_implied_name_index() {
    let view = view();
    let east: Vec<u32> = b"east".iter().copied().map(u32::from).collect();
    assert_eq!(
        view.get(&instance(
            mibs::JNX_L2TP_TUNNEL_GROUP_STATS_TOTAL_TUNNELS,
            &east
        )),
        Lookup::Value(Value::Gauge32(2))
    );
    assert_eq!(
        view.get(&instance(
            mibs::JNX_L2TP_TUNNEL_GROUP_STATS_TOTAL_SESSIONS,
            &east
        )),
        Lookup::Value(Value::Gauge32(4))
    );
    // IMPLIED: no length prefix, so "east" sorts before "west" by octets alone.
    let first = view
        .get_next(mibs::JNX_L2TP_TUNNEL_GROUP_STATS_TABLE)
        .expect("a group");
    assert_eq!(
        first.0,
        instance(mibs::JNX_L2TP_TUNNEL_GROUP_STATS_GATEWAY_ADDR_TYPE, &east)
    );
    assert_eq!(first.1, Value::Integer(0), "no gateway: unknown(0)");
}

#[test]
fn scalars_sum_the_tunnels_and_honour_the_statistics_gate() {
    let on = view();
    let scalar = |view: &View, column: &[u32]| view.get(&instance(column, &[0]));
    assert_eq!(
        scalar(&on, mibs::JNX_L2TP_STATS_TOTAL_TUNNELS),
        Lookup::Value(Value::Gauge32(2)),
        "established tunnels only"
    );
    assert_eq!(
        scalar(&on, mibs::JNX_L2TP_STATS_TOTAL_SESSIONS),
        Lookup::Value(Value::Gauge32(5))
    );
    assert_eq!(
        scalar(&on, mibs::JNX_L2TP_STATS_PAYLOAD_TX_PKTS),
        Lookup::Value(Value::Counter64(150))
    );
    assert_eq!(
        scalar(&on, mibs::JNX_L2TP_STATS_CONTROL_TX_PKTS),
        Lookup::Value(Value::Gauge32(u32::MAX)),
        "a Gauge32 latches"
    );
    let off = View::new(snapshot(false), at(2_000));
    assert_eq!(
        scalar(&off, mibs::JNX_L2TP_STATS_PAYLOAD_TX_PKTS),
        Lookup::Value(Value::Counter64(0))
    );
    assert_eq!(
        off.get(&instance(mibs::JNX_L2TP_TUNNEL_STATS_DATA_TX_PKTS, &[3])),
        Lookup::Value(Value::Counter32(0))
    );
    assert_eq!(
        off.get(&instance(mibs::JNX_L2TP_TUNNEL_STATS_CONTROL_RX_PKTS, &[3])),
        Lookup::Value(Value::Counter32(6)),
        "control counters are not gated"
    );
    assert_eq!(
        on.get(&instance(mibs::JNX_L2TP_STATS_TOTAL_TUNNELS, &[1])),
        Lookup::NoSuchInstance
    );
}

#[test]
fn get_next_walks_everything_in_order_with_the_mib_types() {
    let view = view();
    let mut oid = vec![1, 3, 6, 1, 2, 1];
    let mut seen = 0;
    while let Some((next, value)) = view.get_next(&oid) {
        assert!(next > oid, "{next:?} after {oid:?}");
        assert_eq!(view.get(&next), Lookup::Value(value.clone()), "{next:?}");
        let object = mibs::object_of(&next).expect("every instance is of a MIB object");
        assert_eq!(object.access, mibs::Access::ReadOnly, "{}", object.name);
        let syntax = match value {
            Value::Integer(_) => mibs::Syntax::Integer32,
            Value::OctetString(_) => mibs::Syntax::OctetString,
            Value::IpAddress(_) => mibs::Syntax::IpAddress,
            Value::Counter32(_) => mibs::Syntax::Counter32,
            Value::Gauge32(_) => mibs::Syntax::Gauge32,
            Value::Unsigned32(_) => mibs::Syntax::Unsigned32,
            Value::TimeTicks(_) => mibs::Syntax::TimeTicks,
            Value::Counter64(_) => mibs::Syntax::Counter64,
        };
        assert_eq!(object.syntax, syntax, "{}", object.name);
        oid = next;
        seen += 1;
    }
    assert_eq!(seen, 13 + 2 * 5 + 3 * 34 + 5 * 65);
    assert_eq!(view.get_next(&[1, 3, 6, 1, 4, 1, 2636, 3, 50]), None);
    assert_eq!(view.get_next(&[2]), None);
}

#[test]
fn outside_the_tree_is_no_such_object() {
    let view = view();
    assert_eq!(view.get(&[1, 3, 6, 1, 2, 1, 1, 1, 0]), Lookup::NoSuchObject);
    assert_eq!(view.get(&[]), Lookup::NoSuchObject);
    assert_eq!(
        view.get(&instance(mibs::JNX_L2TP_MLPPP_BUNDLE_STATS_NUM_LINKS, &[1])),
        Lookup::NoSuchObject,
        "bundles are not served"
    );
    assert_eq!(
        view.get(&instance(mibs::JNX_L2TP_TUNNEL_STATS_ENTRY, &[99, 3])),
        Lookup::NoSuchObject
    );
}

#[test]
fn an_empty_snapshot_serves_only_scalars() {
    let view = View::new(SnmpSnapshot::default(), at(0));
    let all = view.get_bulk(&[1, 3], 100);
    assert_eq!(all.len(), 13);
    assert_eq!(
        view.get_next(&instance(mibs::JNX_L2TP_STATS_PAYLOAD_RX_OCTETS64, &[0])),
        None
    );
}
