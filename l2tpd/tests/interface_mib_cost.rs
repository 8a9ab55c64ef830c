//! What IF-MIB's rows cost the engine at 65,000 subscribers: the sum of every subscriber's
//! traffic per interface that each SNMP snapshot (one a second at most) makes. Prints the
//! time (`cargo test -p l2tpd --release --test interface_mib_cost -- --nocapture`); checks
//! only the sums.

use std::time::Instant;

use l2tpd::registry::SessionRef;
use l2tpd::subscriber::pppoe_access::UnitId;
use l2tpd::subscriber::table::{AccessLeg, Subscriber};
use l2tpd::subscriber::SubscriberLayer;

const SUBSCRIBERS: u64 = 65_000;
const UNITS: u64 = 16;

#[test]
fn rows_over_65000_subscribers() {
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
        layer.table.insert(subscriber);
    }

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
