//! IF-MIB through net-snmp's snmpd as an AgentX master: with snmpd's own IF-MIB modules
//! left out (`-I -interfaces,ifTable,ifXTable`), the subagent's registrations of ifNumber,
//! ifTable and ifXTable are accepted and snmpwalk through snmpd shows the daemon's
//! configured interfaces, as the embedded agent does.
//!
//! Needs snmpd and snmpwalk (CI has them; elsewhere it says why and returns).

use std::time::{Duration, Instant};

use l2tp_tests::netsnmp::{self, Snmpd};
use l2tp_tests::DaemonProcess;

const SNMPD: &str = "127.0.13.3";
const LNS: &str = "127.0.13.1";
const SNMPD_PORT: u16 = 16_213;
/// The subagent's backoff starts at 1 s and doubles; it registers within a few.
const REGISTER: Duration = Duration::from_secs(40);

/// `OID = VALUE` lines of a numeric walk of `subtree` through snmpd.
fn walk(subtree: &str) -> Vec<String> {
    let out = netsnmp::run(
        "snmpwalk",
        &format!("{SNMPD}:{SNMPD_PORT}"),
        &["-On"],
        &[subtree],
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn snmpd_serves_the_subagents_if_mib() {
    if !netsnmp::available(&["snmpd", "snmpwalk"]) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let socket = dir.path().join("agentx.sock");
    let _snmpd = Snmpd::start_without(
        SNMPD,
        SNMPD_PORT,
        &socket,
        &["interfaces", "ifTable", "ifXTable"],
    );
    let daemon = DaemonProcess::start_named("ifmib-agentx", None);
    daemon.commit(&format!(
        "set interfaces core0 description uplink\n\
         set interfaces core0 unit 0 family inet address 198.18.0.1/24\n\
         set services l2tp tunnel-group g local-gateway address {LNS}\n\
         set services l2tp tunnel-group g service-interface si-0/0/0\n\
         set snmp agentx socket {}\n",
        socket.display()
    ));

    let deadline = Instant::now() + REGISTER;
    let descriptions = loop {
        let lines = walk(".1.3.6.1.2.1.2.2.1.2");
        if lines.iter().any(|l| l.ends_with("STRING: \"si-0/0/0\"")) {
            break lines;
        }
        assert!(
            Instant::now() < deadline,
            "IF-MIB not served through snmpd within {REGISTER:?}: {lines:#?}"
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    let names: Vec<&str> = descriptions
        .iter()
        .filter_map(|l| l.split_once("STRING: ").map(|(_, v)| v.trim_matches('"')))
        .collect();
    assert_eq!(names, ["core0", "core0.0", "si-0/0/0"], "{descriptions:#?}");

    let number = walk(".1.3.6.1.2.1.2.1");
    assert_eq!(number, [".1.3.6.1.2.1.2.1.0 = INTEGER: 3"]);
    let aliases = walk(".1.3.6.1.2.1.31.1.1.1.18");
    assert!(
        aliases.iter().any(|l| l.ends_with("STRING: \"uplink\"")),
        "{aliases:#?}"
    );
    // The service interface counts its subscribers' traffic: none yet.
    let hc = walk(".1.3.6.1.2.1.31.1.1.1.6");
    assert_eq!(hc.len(), 1, "only si-0/0/0 has traffic counters: {hc:#?}");
    assert!(hc[0].ends_with("Counter64: 0"), "{hc:#?}");
}
