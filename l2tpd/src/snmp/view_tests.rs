use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use proptest::prelude::*;

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
        interface_unit: schema::l2tp_rpc::FIRST_DYNAMIC_UNIT + u32::from(local_sid),
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
        interfaces: Vec::new(),
        system: None,
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
            Value::ObjectIdentifier(_) => mibs::Syntax::ObjectIdentifier,
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

/// A snapshot of `tunnels` tunnels (local IDs spread out, some above 255 so index arcs
/// differ in size) carrying `sessions` sessions each.
pub(crate) fn snapshot_of(tunnels: u16, sessions: u16) -> SnmpSnapshot {
    let mut snapshot = snapshot(true);
    snapshot.tunnels.clear();
    snapshot.sessions.clear();
    for t in 0..tunnels {
        let tid = 1 + t.wrapping_mul(211);
        snapshot
            .tunnels
            .push(tunnel(tid, "east", tunnel_state::ESTABLISHED));
        for s in 0..sessions {
            snapshot.sessions.push(session(tid, 1 + s * 3, "east"));
        }
    }
    snapshot
}

/// Every instance of the view with its value, found without walking: each scalar, and
/// each column of each table for every index, sorted. The oracle of the walk tests.
pub(crate) fn every_instance(view: &View) -> Vec<(Vec<u32>, Value)> {
    let mut names: Vec<Vec<u32>> = SCALARS
        .clone()
        .map(|n| [mibs::JNX_L2TP_STATS, &[n, 0]].concat())
        .collect();
    for table in Table::ALL {
        for column in table.columns() {
            for index in view.index(table).keys() {
                names.push([table.entry(), &[column], index].concat());
            }
        }
    }
    names.sort();
    names
        .into_iter()
        .filter_map(|name| match view.get(&name) {
            Lookup::Value(value) => Some((name, value)),
            _ => None,
        })
        .collect()
}

/// OIDs to start a walk from: instances, their prefixes, neighbours one arc on either
/// side, and names outside the subtree.
pub(crate) fn start_oid(instances: &[(Vec<u32>, Value)]) -> impl Strategy<Value = Vec<u32>> {
    let names: Vec<Vec<u32>> = instances.iter().map(|(n, _)| n.clone()).collect();
    (
        proptest::sample::select(names),
        0usize..20,
        prop_oneof![Just(0i64), Just(1), Just(-1), 0i64..70_000],
    )
        .prop_map(|(name, cut, shift)| {
            let mut oid = name[..name.len().saturating_sub(cut).max(1)].to_vec();
            if let Some(last) = oid.last_mut() {
                *last = (i64::from(*last) + shift).clamp(0, i64::from(u32::MAX)) as u32;
            }
            oid
        })
}

proptest! {
    /// From any starting OID, the walk gives exactly the instances after it, in order.
    #[test]
    fn walk_after_gives_every_later_instance_in_order(
        tunnels in 0u16..4,
        sessions in 0u16..5,
        seed in any::<proptest::sample::Index>(),
        extra in proptest::collection::vec(0u32..70_000, 0..4),
    ) {
        let view = View::new(snapshot_of(tunnels, sessions), at(2_000));
        let all = every_instance(&view);
        let mut start = seed.get(&all).0.clone();
        start.extend(&extra);
        let expected: Vec<_> = all.iter().filter(|(n, _)| *n > start).cloned().collect();
        let walked: Vec<_> = view.walk_after(&start).collect();
        prop_assert_eq!(&walked, &expected);
        prop_assert_eq!(view.get_next(&start), expected.first().cloned());
    }

    #[test]
    fn walk_after_any_oid_matches_the_oracle(
        start in start_oid(&every_instance(&View::new(snapshot_of(3, 4), at(2_000)))),
    ) {
        let view = View::new(snapshot_of(3, 4), at(2_000));
        let expected: Vec<_> = every_instance(&view)
            .into_iter()
            .filter(|(n, _)| *n > start)
            .collect();
        prop_assert_eq!(view.walk_after(&start).collect::<Vec<_>>(), expected);
    }
}

#[test]
fn walks_from_outside_the_subtree() {
    let view = View::new(snapshot_of(2, 2), at(2_000));
    let all = every_instance(&view);
    assert_eq!(view.walk_after(&[1, 3]).collect::<Vec<_>>(), all);
    assert_eq!(view.walk_after(&[]).count(), all.len());
    assert_eq!(view.walk_after(&[1, 4]).next(), None);
    let last = all.last().expect("instances").0.clone();
    assert_eq!(view.walk_after(&last).next(), None);
}

/// IF-MIB comes before jnxL2tp: a walk from the start goes through ifNumber, the
/// interface tables, then on into jnxL2tpStats; a get finds either.
#[test]
fn interfaces_come_before_the_l2tp_tables() {
    let mut s = snapshot(true);
    s.interfaces = vec![crate::snmp::snapshot::InterfaceRow {
        name: "si-0/0/0".into(),
        if_index: 4,
        mtu: 1460,
        ..Default::default()
    }];
    let view = View::new(s, at(2_000));
    let if_descr = [crate::snmp::if_mib::IF_ENTRY, &[2, 4]].concat();
    assert_eq!(
        view.get(&if_descr),
        Lookup::Value(Value::string("si-0/0/0"))
    );
    let walked: Vec<Vec<u32>> = view.walk_after(&[1, 3]).map(|(o, _)| o).collect();
    assert_eq!(walked[0], [crate::snmp::if_mib::IF_NUMBER, &[0]].concat());
    assert_eq!(walked[1], [crate::snmp::if_mib::IF_ENTRY, &[1, 4]].concat());
    let first_l2tp = walked
        .iter()
        .position(|o| o.starts_with(mibs::JNX_L2TP_STATS))
        .expect("the walk reaches jnxL2tp");
    assert!(walked[..first_l2tp]
        .iter()
        .all(|o| crate::snmp::if_mib::SUBTREES
            .iter()
            .any(|t| o.starts_with(t))));
    let mut sorted = walked.clone();
    sorted.sort();
    assert_eq!(walked, sorted);
    // A walk that starts inside jnxL2tp never goes back to IF-MIB.
    let from_l2tp = view.walk_after(mibs::JNX_L2TP_STATS).next().unwrap().0;
    assert_eq!(from_l2tp, [mibs::JNX_L2TP_STATS, &[1, 0]].concat());
}

/// A snapshot with the system group and one interface: what the embedded agent serves.
fn with_system_and_interface() -> View {
    let mut s = snapshot(true);
    s.system = Some(crate::snmp::system::tests::group());
    s.interfaces = vec![crate::snmp::snapshot::InterfaceRow {
        name: "si-0/0/0".into(),
        if_index: 4,
        mtu: 1460,
        ..Default::default()
    }];
    View::new(s, at(2_000))
}

/// The system group (1.3.6.1.2.1.1) comes first: a walk from the start gives its seven
/// scalars, then ifNumber.0; a GetNext from sysServices.0 (the group's end) or from
/// past the group goes on into IF-MIB, never back.
#[test]
fn the_system_group_comes_before_if_mib() {
    let view = with_system_and_interface();
    let sys = |n: u32| [crate::snmp::system::SYSTEM, &[n, 0]].concat();
    let if_number = [crate::snmp::if_mib::IF_NUMBER, &[0]].concat();
    assert_eq!(view.get(&sys(5)), Lookup::Value(Value::string("bng1")));
    assert_eq!(
        view.get(&sys(2)),
        Lookup::Value(Value::ObjectIdentifier(vec![0, 0]))
    );
    let walked: Vec<Vec<u32>> = view.walk_after(&[1, 3]).map(|(o, _)| o).take(8).collect();
    let mut expected: Vec<Vec<u32>> = (1..=7).map(sys).collect();
    expected.push(if_number.clone());
    assert_eq!(walked, expected);
    assert_eq!(
        view.get_next(&sys(7)).map(|(o, _)| o),
        Some(if_number.clone())
    );
    assert_eq!(
        view.get_next(&[1, 3, 6, 1, 2, 1, 1, 9, 1, 2])
            .map(|(o, _)| o),
        Some(if_number.clone())
    );
    assert_eq!(view.get_next(&sys(6)).map(|(o, _)| o), Some(sys(7)));
    // A GetBulk across the boundary: the group's end, then IF-MIB in order.
    let bulk: Vec<Vec<u32>> = view
        .get_bulk(&sys(5), 4)
        .into_iter()
        .map(|(o, _)| o)
        .collect();
    assert_eq!(
        bulk,
        [
            sys(6),
            sys(7),
            if_number,
            [crate::snmp::if_mib::IF_ENTRY, &[1, 4]].concat()
        ]
    );
    // Without IF-MIB rows, the group's end leads straight into jnxL2tp.
    let mut bare = snapshot(true);
    bare.system = Some(crate::snmp::system::tests::group());
    let bare = View::new(bare, at(2_000));
    assert_eq!(
        bare.get_next(&sys(7)).map(|(o, _)| o),
        Some([mibs::JNX_L2TP_STATS, &[1, 0]].concat())
    );
}
