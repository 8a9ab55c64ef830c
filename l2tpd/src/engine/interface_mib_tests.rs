//! IF-MIB's rows as the engine hands them to the SNMP side, in simulated time (see
//! `sim_lab`): the LAC's port, its unit and `pp0`, the LNS's service interface, with the
//! traffic of the subscribers there now and of those that ended, so that a counter never
//! goes back when a subscriber leaves.

use std::time::Duration;

use schema::interface_rpc::TrafficStatistics;

use super::sim_lab::{config, lac_config, Lab, LNS_BASE, PORT};
use crate::snmp::snapshot::{if_type, oper_status, InterfaceRow};
use crate::subscriber::table::EndCause;

fn row<'a>(rows: &'a [InterfaceRow], name: &str) -> &'a InterfaceRow {
    rows.iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no {name} in {rows:#?}"))
}

fn traffic(rows: &[InterfaceRow], name: &str) -> TrafficStatistics {
    row(rows, name).traffic.expect("traffic counted")
}

/// The rows as the engine builds them for a snapshot: after folding the relays' counters.
fn rows_of(core: &mut super::core::Core) -> Vec<InterfaceRow> {
    core.fold_relay_counters();
    core.fold_ip_counters();
    core.snmp_interfaces()
}

fn bring_up(lab: &mut Lab, user: &str) {
    lab.add_ip(user, "pw");
    lab.settle();
    for _ in 0..5 {
        lab.advance(Duration::from_millis(100));
    }
}

#[test]
fn rows_name_the_interfaces_and_keep_the_traffic_of_who_left() {
    let mut lab = Lab::new(
        lac_config(&format!(
            "set interfaces {PORT} description subscribers\n\
             set interfaces core0 unit 0 family inet address 198.18.5.1/24\n"
        )),
        config(LNS_BASE),
    );
    bring_up(&mut lab, "erin@isp.example");

    let lac = rows_of(&mut lab.lac);
    let names: Vec<&str> = lac.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        ["core0", "core0.0", PORT, &format!("{PORT}.0"), "pp0"],
        "configured interfaces and units, then pp0"
    );
    let port = row(&lac, PORT);
    assert_eq!(
        (port.if_type, port.mtu, port.oper_status),
        (if_type::ETHERNET_CSMACD, 1500, oper_status::UP)
    );
    assert_eq!(port.alias, "subscribers");
    assert_eq!(
        row(&lac, &format!("{PORT}.0")).if_type,
        if_type::PROP_VIRTUAL
    );
    assert_eq!(row(&lac, "pp0").if_type, if_type::PPP);
    assert_eq!(row(&lac, "core0").oper_status, oper_status::UNKNOWN);
    assert_eq!(
        row(&lac, "core0").traffic,
        None,
        "not the daemon's to count"
    );
    let up = traffic(&lac, PORT);
    assert!(up.input_packets > 0, "negotiation came in: {up:?}");
    assert_eq!(traffic(&lac, &format!("{PORT}.0")), up);
    assert_eq!(traffic(&lac, "pp0"), up);

    let lns = rows_of(&mut lab.lns);
    let si = row(&lns, "si-0/0/0");
    assert_eq!(
        (si.if_type, si.oper_status),
        (if_type::PPP, oper_status::UP)
    );
    let lns_before = traffic(&lns, "si-0/0/0");
    assert!(lns_before.input_packets > 0);

    // The link goes: the subscriber ends; the port is down, its counters stay.
    let now = lab.now;
    lab.lac.port_link(now, PORT, false);
    lab.settle();
    assert_eq!(lab.lac.subscribers().table.len(), 0);
    assert_eq!(
        lab.lac.subscribers().table.ends.get(&EndCause::LinkDown),
        Some(&1)
    );
    let lac = rows_of(&mut lab.lac);
    assert_eq!(row(&lac, PORT).oper_status, oper_status::DOWN);
    assert_eq!(
        row(&lac, &format!("{PORT}.0")).oper_status,
        oper_status::DOWN
    );
    let after = traffic(&lac, PORT);
    assert!(
        after.input_packets >= up.input_packets,
        "{after:?} < {up:?}"
    );
    assert!(
        after.output_packets >= up.output_packets,
        "{after:?} < {up:?}"
    );
    assert_eq!(traffic(&lac, "pp0"), after);
    // The LNS let its subscriber go too; its service interface keeps the traffic.
    let lns_after = traffic(&rows_of(&mut lab.lns), "si-0/0/0");
    assert!(lns_after.input_packets >= lns_before.input_packets);
    assert_eq!(lab.lns.subscribers().table.len(), 0);
}
