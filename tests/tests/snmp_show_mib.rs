//! `show snmp mib get | walk` reads the MIB view inside the daemon, as Junos reads its
//! MIB: it answers with no SNMP agent configured at all, tells a missing object from a
//! missing instance and from the end of the view, and sends nothing to the daemon's own
//! embedded agent when one listens.

use l2tp_tests::ops::{leaf, number, run_ok as run, show_json as json};
use l2tp_tests::{output_text, DaemonProcess};
use std::net::UdpSocket;

/// The embedded agent of the second half; no other test uses this address.
const AGENT: &str = "127.0.41.1";
const AGENT_PORT: u16 = 16_172;
/// Held by the test, so the daemon cannot have it.
const TAKEN_PORT: u16 = 16_173;

#[test]
fn show_snmp_mib_reads_the_view_inside_the_daemon() {
    let daemon = DaemonProcess::start_named("snmp-show", None);

    // ---- no `snmp` statement at all ----
    let get = |object: &str| run(&daemon, &format!("show snmp mib get {object}"));
    assert_eq!(
        get("jnxL2tpStatsTotalTunnels.0"),
        "jnxL2tpStatsTotalTunnels.0 = 0\n"
    );
    assert_eq!(
        get("jnxL2tpTunnelStatsRemoteTID.7"),
        "jnxL2tpTunnelStatsRemoteTID.7 = No such instance\n"
    );
    assert_eq!(
        get("1.3.6.1.4.1.2636.3.49.1.1.9.0"),
        "1.3.6.1.4.1.2636.3.49.1.1.9.0 = No such object\n"
    );
    let stats = run(&daemon, "show snmp mib walk jnxL2tpStats");
    assert_eq!(stats.lines().count(), 13, "{stats}");
    assert!(
        stats.starts_with("jnxL2tpStatsTotalTunnels.0 = 0\n"),
        "{stats}"
    );
    assert_eq!(
        run(&daemon, "show snmp mib walk jnxL2tpSessionStatsTable"),
        "jnxL2tpSessionStatsTable = End of MIB view\n"
    );
    let unknown = daemon.run("show snmp mib walk sysFoo");
    assert!(!unknown.status.success());
    assert!(
        output_text(&unknown).contains("unknown MIB object 'sysFoo'"),
        "{}",
        output_text(&unknown)
    );

    // ---- with the embedded agent listening, the shell still does not ask it ----
    daemon.commit(&format!(
        "set snmp community public clients 127.0.0.0/8\n\
         set snmp listen-address {AGENT}\n\
         set snmp port {AGENT_PORT}\n"
    ));
    let walked = run(&daemon, "show snmp mib walk jnxL2tp");
    assert_eq!(walked, stats, "the same view, no tunnels");
    // The system group by name; a commit changes it at once.
    daemon.commit("set snmp name bng-test\nset snmp location lab\n");
    assert_eq!(get("sysName.0"), "sysName.0 = bng-test\n");
    let system = run(&daemon, "show snmp mib walk system");
    let names: Vec<&str> = system
        .lines()
        .filter_map(|l| l.split(" = ").next())
        .collect();
    assert_eq!(
        names,
        [
            "sysDescr.0",
            "sysObjectID.0",
            "sysUpTime.0",
            "sysContact.0",
            "sysName.0",
            "sysLocation.0",
            "sysServices.0"
        ],
        "{system}"
    );
    assert!(system.starts_with("sysDescr.0 = l2tpd "), "{system}");
    assert!(system.contains("\nsysObjectID.0 = 0.0\n"), "{system}");
    assert!(system.contains("\nsysLocation.0 = lab\n"), "{system}");
    assert!(system.ends_with("\nsysServices.0 = 4\n"), "{system}");
    let counted = json(&daemon, "show snmp statistics");
    let root = &counted["snmp-statistics"][0];
    assert_eq!(leaf(root, "agent-address").as_deref(), Some(AGENT));
    let input = &root["snmp-input-statistics"][0];
    assert_eq!(number(input, "packets"), 0, "{counted}");

    // ---- a port that cannot be bound fails the commit, naming the statement ----
    let taken = UdpSocket::bind((AGENT, TAKEN_PORT)).expect("bind the port first");
    let out = daemon.cli(
        &[],
        &format!("configure\nset snmp port {TAKEN_PORT}\ncommit\n"),
    );
    let text = output_text(&out);
    assert!(
        text.contains(&format!(
            "[edit snmp] 'port {TAKEN_PORT}': UDP port {TAKEN_PORT} of {AGENT} is in use"
        )),
        "{text}"
    );
    drop(taken);
    let counted = json(&daemon, "show snmp statistics");
    let root = &counted["snmp-statistics"][0];
    assert_eq!(
        number(root, "agent-port"),
        u64::from(AGENT_PORT),
        "{counted}"
    );
}
