//! A daemon that starts on an active configuration part of which the host cannot serve now
//! (the SNMP agent's port is taken by another program) still runs the rest of it: the L2TP
//! engine gets its settings, as a router coming up after a reboot must not come up bare
//! because of its management agent. The commit path stays strict: the same configuration
//! is refused by `commit` while the port is taken.

use l2tp_tests::ops::{number, run_ok, show_json};
use l2tp_tests::{output_text, DaemonProcess};
use std::net::UdpSocket;

/// No other test uses this address.
const AGENT: &str = "127.0.42.1";
const AGENT_PORT: u16 = 16_174;

#[test]
fn an_snmp_port_taken_at_start_leaves_the_l2tp_configuration_in_force() {
    let mut daemon = DaemonProcess::start_named("start-degraded", None);
    daemon.commit(&format!(
        "set services l2tp tunnel retransmission-count-established 9\n\
         set snmp community public clients 127.0.0.0/8\n\
         set snmp listen-address {AGENT}\n\
         set snmp port {AGENT_PORT}\n"
    ));
    daemon.stop();

    // Another program has the agent's port while the daemon is down.
    let taken = UdpSocket::bind((AGENT, AGENT_PORT)).expect("bind the agent's port first");
    daemon.restart();
    let summary = show_json(&daemon, "show services l2tp summary");
    let root = &summary["service-l2tp-summary-information"][0];
    assert_eq!(
        number(root, "max-retransmissions-count-established"),
        9,
        "the L2TP part of the active configuration is in force: {summary}"
    );

    // A commit still refuses what cannot be served, naming the statement.
    let out = daemon.cli(
        &[],
        "configure\nset snmp description start-degraded\ncommit\n",
    );
    let text = output_text(&out);
    assert!(
        text.contains(&format!("UDP port {AGENT_PORT} of {AGENT} is in use")),
        "{text}"
    );

    // Once the port is free, the next commit starts the agent.
    drop(taken);
    daemon.commit("set snmp description start-degraded\n");
    let stats = show_json(&daemon, "show snmp statistics");
    let text = run_ok(&daemon, "show snmp statistics");
    assert!(text.contains(AGENT), "{text}\n{stats}");
}
