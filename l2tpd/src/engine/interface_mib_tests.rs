//! IF-MIB's rows as the engine hands them to the SNMP side, in simulated time (see
//! `sim_lab`): the LAC's port, its unit and `pp0`, the LNS's service interface, with the
//! traffic of the subscribers there now and of those that ended, so that a counter never
//! goes back when a subscriber leaves.

use std::time::{Duration, Instant, SystemTime};

use schema::interface_rpc::{InterfaceLevel, InterfaceShow, TrafficStatistics};

use super::sim_lab::{config, lac_config, Lab, LNS_BASE, PORT};
use crate::snmp::if_mib::IF_ENTRY;
use crate::snmp::if_state::{IfState, SUBSCRIBER_IF_INDEXES};
use crate::snmp::snapshot::{if_type, oper_status, InterfaceRow, SnmpSnapshot};
use crate::snmp::value::Value;
use crate::snmp::view::View;
use crate::subscriber::if_index_pool::QUARANTINE;
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

/// The LAC's PPPoE profile, with or without `interface-mib`.
fn lac_profile(mib: bool) -> String {
    let pp0 = "set dynamic-profiles PPPOE interfaces pp0";
    let unit = format!("{pp0} unit \"$junos-interface-unit\"");
    let mut lines = format!(
        "set interfaces {PORT} unit 0 family pppoe dynamic-profile PPPOE\n\
         {unit} pppoe-options underlying-interface \"$junos-underlying-interface\"\n\
         {unit} pppoe-options server\n"
    );
    if mib {
        lines.push_str(&format!("{pp0} interface-mib\n"));
    }
    lines
}

/// The LNS's profile on the tunnel group's service interface, with `interface-mib`.
const LNS_MIB_PROFILE: &str = "set services l2tp tunnel-group g dynamic-profile LNS-MIB\n\
     set dynamic-profiles LNS-MIB interfaces \"$junos-interface-ifd-name\" interface-mib\n\
     set dynamic-profiles LNS-MIB interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" keepalives interval 30\n";

/// The subscriber rows: those numbered from the subscribers' range.
fn subscriber_rows(rows: &[InterfaceRow]) -> Vec<&InterfaceRow> {
    rows.iter()
        .filter(|r| SUBSCRIBER_IF_INDEXES.contains(&r.if_index))
        .collect()
}

/// `show interfaces NAME`'s traffic for a subscriber's unit.
fn shown_traffic(
    core: &mut super::core::Core,
    now: Instant,
    config: &schema::typed::RouterConfig,
    name: &str,
) -> TrafficStatistics {
    core.fold_relay_counters();
    core.fold_ip_counters();
    let shown = core
        .subscribers()
        .show_interfaces(
            now,
            core.registry(),
            config,
            &InterfaceShow {
                name: Some(name.to_string()),
                level: InterfaceLevel::Detail,
            },
        )
        .expect("shown");
    shown.logical[0].traffic_statistics
}

/// The ifIndex of the subscriber `user` at the LAC.
fn if_index_of(lab: &Lab, user: &str) -> Option<u32> {
    lab.lac
        .subscribers()
        .table
        .iter()
        .find(|s| s.user.as_deref() == Some(user))
        .and_then(|s| s.if_index)
}

#[test]
fn subscribers_with_interface_mib_are_rows_with_the_traffic_show_interfaces_gives() {
    let lac_cfg = lac_config(&lac_profile(true));
    let lns_cfg = config(&format!("{LNS_BASE}{LNS_MIB_PROFILE}"));
    let mut lab = Lab::new(lac_cfg.clone(), lns_cfg.clone());
    bring_up(&mut lab, "erin@isp.example");

    let lac = rows_of(&mut lab.lac);
    let names: Vec<&str> = lac.iter().map(|r| r.name.as_str()).collect();
    let rows = subscriber_rows(&lac);
    assert_eq!(rows.len(), 1, "{names:?}");
    let row = rows[0];
    assert!(row.name.starts_with("pp0."), "{row:?}");
    assert_eq!(
        (row.if_type, row.oper_status, row.mtu),
        (if_type::PPP, oper_status::UP, 1492)
    );
    let shown = shown_traffic(&mut lab.lac, lab.now, &lac_cfg, &row.name);
    assert!(shown.input_packets > 0, "{shown:?}");
    assert_eq!(row.traffic, Some(shown), "as show interfaces counts");
    // The configured interfaces are still unnumbered rows for the SNMP side.
    assert!(lac
        .iter()
        .filter(|r| !r.name.starts_with("pp0."))
        .all(|r| r.if_index == 0));

    let lns = rows_of(&mut lab.lns);
    let rows = subscriber_rows(&lns);
    assert_eq!(rows.len(), 1, "{lns:#?}");
    assert!(rows[0].name.starts_with("si-0/0/0."), "{:?}", rows[0]);
    assert_eq!(rows[0].if_type, if_type::PPP);
    let shown = shown_traffic(&mut lab.lns, lab.now, &lns_cfg, &rows[0].name);
    assert_eq!(rows[0].traffic, Some(shown));

    // Without `interface-mib` (at the LAC: the same profile without it; at the LNS: no
    // profile), no subscriber is a row.
    let mut lab = Lab::new(lac_config(&lac_profile(false)), config(LNS_BASE));
    bring_up(&mut lab, "frank@isp.example");
    assert_eq!(lab.lac.subscribers().table.len(), 1);
    assert!(subscriber_rows(&rows_of(&mut lab.lac)).is_empty());
    assert!(subscriber_rows(&rows_of(&mut lab.lns)).is_empty());
}

#[test]
fn an_if_index_is_freed_at_logout_and_given_again_only_after_the_quarantine() {
    let mut lab = Lab::new(
        lac_config(&lac_profile(true)),
        config(&format!("{LNS_BASE}{LNS_MIB_PROFILE}")),
    );
    bring_up(&mut lab, "a@isp.example");
    let a = if_index_of(&lab, "a@isp.example").expect("a numbered");

    // a logs out: its row goes, at both ends.
    assert_eq!(lab.lac.clear_subscribers_for_test(lab.now), 1);
    lab.settle();
    assert!(subscriber_rows(&rows_of(&mut lab.lac)).is_empty());
    assert!(subscriber_rows(&rows_of(&mut lab.lns)).is_empty());

    // b logs in within the quarantine: a's number is not given to it.
    lab.subs.clear();
    bring_up(&mut lab, "b@isp.example");
    let b = if_index_of(&lab, "b@isp.example").expect("b numbered");
    assert_ne!(b, a, "reused within the quarantine");

    // After the quarantine, the next to log in gets a's number back (the least recently
    // released), not a new one.
    lab.advance(QUARANTINE);
    assert_eq!(lab.lac.clear_subscribers_for_test(lab.now), 1);
    lab.settle();
    lab.subs.clear();
    bring_up(&mut lab, "c@isp.example");
    assert_eq!(if_index_of(&lab, "c@isp.example"), Some(a));
    let rows = rows_of(&mut lab.lac);
    let numbered: Vec<u32> = subscriber_rows(&rows).iter().map(|r| r.if_index).collect();
    assert_eq!(numbered, [a]);
}

/// A walk of ifDescr through the view the embedded agent and the AgentX subagent answer
/// from: the configured interfaces (numbered by the SNMP side), then the subscribers in
/// ifIndex order, every OID after the one before.
#[test]
fn a_walk_sees_the_subscriber_rows_after_the_configured_ones_in_if_index_order() {
    let mut lab = Lab::new(
        lac_config(&lac_profile(true)),
        config(&format!("{LNS_BASE}{LNS_MIB_PROFILE}")),
    );
    for user in ["w1@isp.example", "w2@isp.example", "w3@isp.example"] {
        bring_up(&mut lab, user);
    }
    let mut rows = rows_of(&mut lab.lac);
    IfState::new(Instant::now()).annotate(&mut rows);
    let mut subscribers: Vec<(u32, String)> = subscriber_rows(&rows)
        .iter()
        .map(|r| (r.if_index, r.name.clone()))
        .collect();
    assert_eq!(subscribers.len(), 3, "{rows:#?}");
    subscribers.sort();
    let snapshot = SnmpSnapshot {
        interfaces: rows,
        ..SnmpSnapshot::default()
    };
    let view = View::new(snapshot, SystemTime::now());
    let if_descr = [IF_ENTRY, &[2]].concat();
    let walked: Vec<(Vec<u32>, Value)> = view
        .walk_after(&if_descr)
        .take_while(|(oid, _)| oid.starts_with(&if_descr))
        .collect();
    let names: Vec<Value> = walked.iter().map(|(_, v)| v.clone()).collect();
    let mut expected: Vec<Value> = [PORT, &format!("{PORT}.0"), "pp0"]
        .iter()
        .map(|n| Value::string(n))
        .collect();
    expected.extend(subscribers.iter().map(|(_, n)| Value::string(n)));
    assert_eq!(names, expected);
    let indexes: Vec<u32> = walked.iter().map(|(oid, _)| oid[oid.len() - 1]).collect();
    assert_eq!(&indexes[..3], [1, 2, 3]);
    let numbers: Vec<u32> = subscribers.iter().map(|(n, _)| *n).collect();
    assert_eq!(&indexes[3..], numbers);
    // A walk resumed from a subscriber row's OID goes on to the next one.
    let resumed = view
        .walk_after(&[IF_ENTRY, &[2, numbers[0]]].concat())
        .next()
        .expect("the next row");
    assert_eq!(resumed.0, [IF_ENTRY, &[2, numbers[1]]].concat());
}
