//! IF-MIB and linkUp / linkDown as real pollers and receivers see them: an `l2tpd` inside a
//! network namespace with a PPPoE port on one end of a veth pair, net-snmp's snmpwalk of
//! its ifTable and ifXTable through the embedded agent, and the traps a UDP socket in the
//! same namespace receives when the far end of the veth goes down (the port loses its
//! carrier) and comes back.
//!
//! Needs root (namespaces, AF_PACKET) and net-snmp's snmpwalk: CI has both and must run
//! it; elsewhere it says why and returns.

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use l2tp_tests::netns::{may_run_as_root, VethPair};
use l2tp_tests::netsnmp;
use l2tp_tests::DaemonProcess;
use l2tpd::pppoe::wire::MacAddr;
use rasn_smi::v2::{ObjectSyntax, SimpleSyntax};
use rasn_snmp::v2::{Pdus, VarBindValue};

/// The agent and the trap receiver, on the namespace's own loopback.
const AGENT: &str = "127.0.0.1:16164";
const RECEIVER: &str = "127.0.0.9";
/// ifTable and ifXTable columns, as `-On` prints them.
const IF_ENTRY: &str = ".1.3.6.1.2.1.2.2.1";
const IF_X_ENTRY: &str = ".1.3.6.1.2.1.31.1.1.1";
const LINK_DOWN: [u32; 10] = [1, 3, 6, 1, 6, 3, 1, 1, 5, 3];
const LINK_UP: [u32; 10] = [1, 3, 6, 1, 6, 3, 1, 1, 5, 4];
/// Bound on each wait: the port's link is read every second.
const WAIT: Duration = Duration::from_secs(20);

/// `OID = VALUE` of a numeric walk of `subtree` inside the namespace.
fn walk(ns: &str, subtree: &str) -> Vec<(String, String)> {
    let wrapper = ["ip", "netns", "exec", ns];
    let out = netsnmp::run_wrapped(&wrapper, "snmpwalk", AGENT, &["-On"], &[subtree]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "snmpwalk {subtree} failed: {stderr}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(" = "))
        .map(|(oid, value)| (oid.to_string(), value.to_string()))
        .collect()
}

fn value<'a>(walked: &'a [(String, String)], oid: &str) -> Option<&'a str> {
    walked
        .iter()
        .find(|(o, _)| o == oid)
        .map(|(_, v)| v.as_str())
}

/// The ifIndex whose ifDescr is `name`.
fn if_index(walked: &[(String, String)], name: &str) -> u32 {
    let descr = format!("STRING: \"{name}\"");
    walked
        .iter()
        .find_map(|(oid, v)| {
            (v == &descr).then(|| oid.strip_prefix(&format!("{IF_ENTRY}.2."))?.parse().ok())?
        })
        .unwrap_or_else(|| panic!("no ifDescr {name} in {walked:#?}"))
}

/// The next SNMPv2c trap at the receiver: its snmpTrapOID.0 and the INTEGER variables after
/// it, (OID, value).
fn next_trap(receiver: &UdpSocket) -> (Vec<u32>, Vec<(Vec<u32>, i64)>) {
    let deadline = Instant::now() + WAIT;
    let mut buf = [0u8; 2048];
    let len = loop {
        match receiver.recv_from(&mut buf) {
            Ok((len, _)) => break len,
            Err(e) => assert!(Instant::now() < deadline, "no trap within {WAIT:?}: {e}"),
        }
    };
    let m: rasn_snmp::v2c::Message<Pdus> = rasn::ber::decode(&buf[..len]).expect("SNMPv2c");
    let Pdus::Trap(trap) = m.data else {
        panic!("not a trap: {:?}", m.data)
    };
    let bindings = trap.0.variable_bindings;
    let trap_oid = match &bindings[1].value {
        VarBindValue::Value(ObjectSyntax::Simple(SimpleSyntax::ObjectId(oid))) => oid.to_vec(),
        other => panic!("snmpTrapOID.0 is {other:?}"),
    };
    let variables = bindings[2..]
        .iter()
        .map(|b| match &b.value {
            VarBindValue::Value(ObjectSyntax::Simple(SimpleSyntax::Integer(n))) => {
                (b.name.to_vec(), i64::try_from(n.clone()).expect("small"))
            }
            other => panic!("{:?} is {other:?}", b.name),
        })
        .collect();
    (trap_oid, variables)
}

fn if_column(column: u32, if_index: u32) -> Vec<u32> {
    vec![1, 3, 6, 1, 2, 1, 2, 2, 1, column, if_index]
}

/// A wait for `probe` to hold, bounded by [`WAIT`].
fn eventually(what: &str, mut probe: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !probe() {
        assert!(Instant::now() < deadline, "{what}: not within {WAIT:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn if_mib_walks_and_link_traps_follow_the_port() {
    if !may_run_as_root("snmp_if_mib_netns") || !netsnmp::available(&["snmpwalk"]) {
        return;
    }
    let pair = VethPair::create(
        "ifmib",
        [
            MacAddr([0x02, 0, 0x5e, 0x53, 0, 1]),
            MacAddr([0x02, 0, 0x5e, 0x53, 0, 2]),
        ],
    );
    pair.loopback_up(0);
    let ns = pair.namespace(0).to_string();
    let port = pair.interface(0).to_string();
    let receiver = pair.run_in(0, || UdpSocket::bind((RECEIVER, 0)).expect("bind receiver"));
    receiver
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let trap_port = receiver.local_addr().unwrap().port();

    let daemon = DaemonProcess::start_wrapped(&["ip", "netns", "exec", &ns], &[]);
    daemon.commit(&format!(
        "set interfaces {port} description subscribers\n\
         set interfaces {port} unit 0 family pppoe access-concentrator ifmib\n\
         set interfaces {port} unit 0 traps\n\
         set interfaces {port} unit 0 description \"access unit\"\n\
         set interfaces core0 unit 0 family inet address 198.18.0.1/24\n\
         set interfaces core0 no-traps\n\
         set snmp community public clients 127.0.0.0/8\n\
         set snmp listen-address 127.0.0.1\n\
         set snmp port 16164\n\
         set snmp trap-group links version v2\n\
         set snmp trap-group links destination-port {trap_port}\n\
         set snmp trap-group links categories link\n\
         set snmp trap-group links targets {RECEIVER}\n"
    ));

    // ifTable: the port (up, Ethernet), its unit (a logical interface), pp0; core0, which
    // the daemon does not run, in state unknown.
    let mut table = Vec::new();
    eventually("the port up in ifOperStatus", || {
        table = walk(&ns, ".1.3.6.1.2.1.2");
        let i = if_index(&table, &port);
        value(&table, &format!("{IF_ENTRY}.8.{i}")) == Some("INTEGER: 1")
    });
    let port_index = if_index(&table, &port);
    let unit_index = if_index(&table, &format!("{port}.0"));
    let pp0 = if_index(&table, "pp0");
    let core = if_index(&table, "core0");
    let cell = |column: u32, i: u32| value(&table, &format!("{IF_ENTRY}.{column}.{i}"));
    assert_eq!(value(&table, ".1.3.6.1.2.1.2.1.0"), Some("INTEGER: 5"));
    assert_eq!(cell(3, port_index), Some("INTEGER: 6"), "ethernetCsmacd");
    assert_eq!(cell(3, unit_index), Some("INTEGER: 53"), "propVirtual");
    assert_eq!(cell(3, pp0), Some("INTEGER: 23"), "ppp");
    assert_eq!(cell(4, port_index), Some("INTEGER: 1500"));
    assert_eq!(cell(7, port_index), Some("INTEGER: 1"));
    assert_eq!(
        cell(8, core),
        Some("INTEGER: 4"),
        "unknown: not the daemon's"
    );
    assert_eq!(cell(10, core), None, "no traffic counted for it");
    assert_eq!(cell(10, port_index), Some("Counter32: 0"));

    let x = walk(&ns, ".1.3.6.1.2.1.31");
    let xcell = |column: u32, i: u32| value(&x, &format!("{IF_X_ENTRY}.{column}.{i}"));
    assert_eq!(
        xcell(1, unit_index),
        Some(format!("STRING: \"{port}.0\"").as_str())
    );
    assert_eq!(xcell(18, port_index), Some("STRING: \"subscribers\""));
    assert_eq!(xcell(18, unit_index), Some("STRING: \"access unit\""));
    assert_eq!(xcell(6, port_index), Some("Counter64: 0"));
    assert_eq!(
        xcell(14, port_index),
        Some("INTEGER: 1"),
        "traps on by default"
    );
    assert_eq!(xcell(14, core), Some("INTEGER: 2"), "no-traps");

    // The far end goes down: the port loses its carrier. linkDown for the port, then for
    // its unit (`traps`), each with ifIndex, ifAdminStatus up, ifOperStatus down.
    pair.set_link(1, "down");
    for i in [port_index, unit_index] {
        let (oid, variables) = next_trap(&receiver);
        assert_eq!(oid, LINK_DOWN);
        assert_eq!(
            variables,
            [
                (if_column(1, i), i64::from(i)),
                (if_column(7, i), 1),
                (if_column(8, i), 2),
            ]
        );
    }
    eventually("the port down in ifOperStatus", || {
        let now = walk(&ns, &format!("{IF_ENTRY}.8"));
        value(&now, &format!("{IF_ENTRY}.8.{port_index}")) == Some("INTEGER: 2")
    });
    let changed = walk(&ns, &format!("{IF_ENTRY}.9"));
    let last_change = value(&changed, &format!("{IF_ENTRY}.9.{port_index}")).unwrap_or("");
    assert!(
        last_change.starts_with("Timeticks: (") && !last_change.starts_with("Timeticks: (0)"),
        "ifLastChange set: {last_change}"
    );

    pair.set_link(1, "up");
    let (oid, variables) = next_trap(&receiver);
    assert_eq!(oid, LINK_UP);
    assert_eq!(
        variables[0],
        (if_column(1, port_index), i64::from(port_index))
    );
    assert_eq!(variables[2], (if_column(8, port_index), 1));

    // The ifIndex stays through a commit that adds an interface (seen once the agent's
    // view, up to a second old, is taken again).
    daemon.commit("set interfaces core1 unit 0 family inet address 198.18.1.1/24\n");
    let mut again = Vec::new();
    eventually("core1 in ifTable", || {
        again = walk(&ns, &format!("{IF_ENTRY}.2"));
        value(&again, ".1.3.6.1.2.1.2.2.1.2.6").is_some()
    });
    assert_eq!(if_index(&again, &port), port_index);
    assert!(if_index(&again, "core1") > pp0.max(core).max(unit_index));
}
