//! What IF-MIB's rows cost the engine at 65,000 subscribers: the sum of every subscriber's
//! traffic per interface that each SNMP snapshot (one a second at most) makes, and with
//! `interface-mib` a row per subscriber as well (plus, on the SNMP thread, numbering the
//! rows and indexing them for walks). Prints the times (`cargo test -p l2tpd --release
//! --test interface_mib_cost -- --nocapture --test-threads 1`); checks only the rows.

use std::time::{Instant, SystemTime};

use l2tpd::registry::SessionRef;
use l2tpd::snmp::if_state::{IfState, SUBSCRIBER_IF_INDEXES};
use l2tpd::snmp::snapshot::SnmpSnapshot;
use l2tpd::snmp::value::Value;
use l2tpd::snmp::view::{Lookup, View};
use l2tpd::subscriber::pppoe_access::UnitId;
use l2tpd::subscriber::table::{AccessLeg, Subscriber};
use l2tpd::subscriber::SubscriberLayer;

const SUBSCRIBERS: u64 = 65_000;
const UNITS: u64 = 16;

/// 65,000 PPPoE subscribers on 16 units of one port, each numbered as `interface-mib`
/// numbers it when `mib`.
fn layer(mib: bool) -> (schema::typed::RouterConfig, SubscriberLayer) {
    let mut lines = String::new();
    for unit in 1..=UNITS {
        lines.push_str(&format!(
            "set interfaces ge-0/0/1 unit {unit} vlan-id {unit}\n\
             set interfaces ge-0/0/1 unit {unit} family pppoe\n"
        ));
    }
    lines.push_str("set interfaces ge-0/0/1 vlan-tagging\n");
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), &lines)
        .expect("set lines parse");
    let config = schema::typed::router_config(&tree);

    let now = Instant::now();
    let mut layer = SubscriberLayer::new(1, now);
    for n in 0..SUBSCRIBERS {
        let unit = 1 + n % UNITS;
        let access = AccessLeg::Pppoe {
            unit: UnitId(unit as u32),
            session_id: (n % 65_535) as u16 + 1,
            mac: [2, 0, 0, (n >> 16) as u8, (n >> 8) as u8, n as u8],
            vlans: vec![unit as u16],
            tpids: vec![0x8100],
            underlying: format!("ge-0/0/1.{unit}"),
            line: Default::default(),
        };
        let mut subscriber = Subscriber::without_link(SessionRef(n + 1), access, now);
        subscriber.frames_up = 2;
        subscriber.bytes_up = 100;
        if mib {
            subscriber.if_index = Some(SUBSCRIBER_IF_INDEXES.start() + n as u32);
        }
        layer.table.insert(subscriber);
    }
    (config, layer)
}

#[test]
fn rows_over_65000_subscribers() {
    let (config, layer) = layer(false);
    let started = Instant::now();
    let rows = layer.snmp_interfaces(&config);
    let took = started.elapsed();
    println!(
        "IF-MIB rows over {SUBSCRIBERS} subscribers on {UNITS} units: {} rows in {took:?}",
        rows.len()
    );
    let traffic = |name: &str| {
        rows.iter()
            .find(|r| r.name == name)
            .and_then(|r| r.traffic)
            .unwrap_or_else(|| panic!("{name}: {rows:#?}"))
    };
    assert_eq!(rows.len(), 1 + UNITS as usize + 1, "port, units, pp0");
    assert_eq!(traffic("ge-0/0/1").input_packets, 2 * SUBSCRIBERS);
    assert_eq!(traffic("pp0").input_bytes, 100 * SUBSCRIBERS);
    assert_eq!(
        traffic("ge-0/0/1.3").input_packets,
        2 * (SUBSCRIBERS / UNITS + u64::from(SUBSCRIBERS % UNITS >= 3))
    );
}

#[test]
fn rows_over_65000_subscribers_with_interface_mib() {
    let (config, layer) = layer(true);
    let started = Instant::now();
    let mut rows = layer.snmp_interfaces(&config);
    let engine = started.elapsed();
    let started = Instant::now();
    IfState::new(Instant::now()).annotate(&mut rows);
    let count = rows.len();
    let view = View::new(
        SnmpSnapshot {
            interfaces: rows,
            ..SnmpSnapshot::default()
        },
        SystemTime::now(),
    );
    let snmp = started.elapsed();
    println!(
        "IF-MIB rows over {SUBSCRIBERS} subscribers with interface-mib: {count} rows; \
         engine {engine:?}, SNMP thread (number and index) {snmp:?}"
    );
    assert_eq!(count, 1 + UNITS as usize + 1 + SUBSCRIBERS as usize);
    // The last subscriber's row answers by its ifIndex: ifHCInOctets.
    let last = SUBSCRIBER_IF_INDEXES.start() + (SUBSCRIBERS - 1) as u32;
    let oid = [&[1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6][..], &[last]].concat();
    assert_eq!(view.get(&oid), Lookup::Value(Value::Counter64(100)));
}
