//! JNX-L2TP-MIB as real pollers see it: net-snmp's snmpget, snmpwalk and snmpbulkwalk
//! against the embedded agent of an LNS (127.0.9.2) and, through snmpd as an AgentX master
//! (127.0.9.3), against the subagent of a LAC (127.0.9.1); test sessions opened with
//! `test services l2tp tunnel`. Checks the tunnel table row by row against `show services
//! l2tp tunnel`, the data counters before and after `enable-snmp-tunnel-statistics`, an
//! snmpd restart (the subagent reconnects and registers again), hostile datagrams, and
//! `show snmp mib get | walk` in the shell.
//!
//! One test function: the daemons bind fixed addresses and ports.

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use l2tp_tests::netsnmp::{self, Snmpd};
use l2tp_tests::ops::{leaf, number, rows, tunnel_test_ids};
use l2tp_tests::ops::{run_ok as run, show_json as json};
use l2tp_tests::DaemonProcess;

const LAC: &str = "127.0.9.1";
const LNS: &str = "127.0.9.2";
const SNMPD: &str = "127.0.9.3";
/// Another address of the host, where the LNS's agent must not answer.
const ELSEWHERE: &str = "127.0.9.5";
const LNS_AGENT_PORT: u16 = 16_162;
const SNMPD_PORT: u16 = 16_163;
const SESSIONS: usize = 3;
/// How long the subagent may take to (re)register: its backoff starts at 1 s and doubles.
const REGISTER: Duration = Duration::from_secs(40);

/// `NAME = VALUE` lines of a successful, silent net-snmp run.
fn snmp(tool: &str, agent: &str, args: &[&str]) -> Vec<String> {
    let out = netsnmp::run(tool, agent, &[], args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{tool} {args:?} failed: {stderr}");
    assert_eq!(stderr, "", "{tool} {args:?} warned");
    netsnmp::lines(&out)
}

/// The value text after `NAME = ` for `name`, from lines.
fn value_of<'l>(lines: &'l [String], name: &str) -> Option<&'l str> {
    lines
        .iter()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(" = "))
}

/// Retries `probe` until it returns `Some`, for things that happen on their own time
/// (a poll, a registration), bounded by `limit`.
fn eventually<T>(limit: Duration, what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(found) = probe() {
            return found;
        }
        assert!(Instant::now() < deadline, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The `system` subtree walked with `tool`, numeric: (OID, `TYPE: value`) per line.
fn system_group(agent: &str, tool: &str) -> Vec<(String, String)> {
    let out = netsnmp::run(tool, agent, &["-On"], &[".1.3.6.1.2.1.1"]);
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(" = "))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// The one tunnel of a daemon: (local ID, remote ID, data tx packets, data tx bytes).
fn only_tunnel(daemon: &DaemonProcess) -> (u64, u64, u64, u64) {
    let shown = json(daemon, "show services l2tp tunnel statistics");
    let tunnels = rows(&shown, "service-l2tp-tunnel-information", "l2tp-tunnel");
    assert_eq!(tunnels.len(), 1, "{shown}");
    let t = tunnels[0];
    let stats = &t["statistics"][0];
    (
        number(t, "tunnel-local-id"),
        number(t, "tunnel-remote-id"),
        number(stats, "data-tx-packets"),
        number(stats, "data-tx-bytes"),
    )
}

fn check_tunnel_row(lines: &[String], local: u64, remote: u64, peer: &str, sessions: usize) {
    let cell = |column: &str| {
        value_of(lines, &format!("jnxL2tpTunnelStats{column}.{local}"))
            .unwrap_or_else(|| panic!("no {column}.{local} in {lines:#?}"))
            .to_string()
    };
    assert_eq!(cell("RemoteTID"), format!("INTEGER: {remote}"));
    assert_eq!(cell("State"), "INTEGER: established(8)");
    assert_eq!(cell("ActiveSessions"), format!("Gauge32: {sessions}"));
    assert_eq!(cell("RemoteIpAddrType"), "INTEGER: ipv4(1)");
    let octets: Vec<String> = peer
        .split('.')
        .map(|o| format!("{:02X}", o.parse::<u8>().unwrap_or(0)))
        .collect();
    assert_eq!(
        cell("RemoteIpAddress"),
        format!("Hex-STRING: {} ", octets.join(" "))
    );
    assert_eq!(cell("RemoteUdpPort"), "Gauge32: 1701");
}

#[test]
fn net_snmp_polls_the_embedded_agent_and_the_agentx_subagent() {
    if !netsnmp::available(&["snmpget", "snmpwalk", "snmpbulkwalk", "snmpd"]) {
        return;
    }
    let agentx_dir = tempfile::tempdir().expect("temp dir");
    let agentx_socket = agentx_dir.path().join("agentx.sock");

    let lns = DaemonProcess::start_named("snmp-lns", None);
    lns.commit(&format!(
        "set services l2tp tunnel-group lacs local-gateway address {LNS}\n\
         set services l2tp tunnel-group lacs local-gateway gateway-name snmp-lns\n\
         set system host-name snmp-lns\n\
         set snmp location lab-rack-4\n\
         set snmp community public clients 127.0.0.0/8\n\
         set snmp community public clients ::1/128\n\
         set snmp listen-address {LNS}\n\
         set snmp listen-address ::1\n\
         set snmp port {LNS_AGENT_PORT}\n"
    ));
    let lac = DaemonProcess::start_named("snmp-lac", None);
    lac.commit(&format!(
        "set system host-name snmp-lac\n\
         set access tunnel-profile tp tunnel 1 source-gateway address {LAC}\n\
         set access tunnel-profile tp tunnel 1 remote-gateway address {LNS}\n\
         set snmp agentx socket {}\n",
        agentx_socket.display()
    ));
    let mut ids = Vec::new();
    for n in 0..SESSIONS {
        let shown = run(
            &lac,
            &format!("test services l2tp tunnel user u{n}@example.net password pw tunnel-name tp"),
        );
        ids.push(tunnel_test_ids(&shown).unwrap_or_else(|| panic!("no IDs in {shown}")));
    }
    let lns_agent = format!("{LNS}:{LNS_AGENT_PORT}");
    let (lns_tid, lns_remote, tx_packets, tx_bytes) = only_tunnel(&lns);
    assert_eq!(
        lns_remote,
        u64::from(ids[0].0),
        "the LNS names the LAC's tunnel"
    );
    assert!(tx_packets >= SESSIONS as u64, "LCP echo replies were sent");

    // ---- the embedded agent: the tunnel table, walked both ways ----
    let walked = snmp("snmpwalk", &lns_agent, &["jnxL2tpTunnelStatsTable"]);
    let bulk = snmp("snmpbulkwalk", &lns_agent, &["jnxL2tpTunnelStatsTable"]);
    assert_eq!(walked, bulk, "GetNext and GetBulk walks agree");
    check_tunnel_row(&walked, lns_tid, lns_remote, LAC, SESSIONS);
    assert_eq!(
        walked
            .iter()
            .filter(|l| l.starts_with("jnxL2tpTunnelStatsRemoteTID."))
            .count(),
        1,
        "one row per tunnel"
    );
    let sessions = snmp("snmpbulkwalk", &lns_agent, &["jnxL2tpSessionStatsUserName"]);
    assert_eq!(sessions.len(), SESSIONS, "{sessions:#?}");
    assert!(sessions
        .iter()
        .all(|l| l.contains("STRING: u") && l.contains("@example.net")));

    // ---- data counters: zero while enable-snmp-tunnel-statistics is off ----
    let counters = [
        format!("jnxL2tpTunnelStatsDataTxPkts.{lns_tid}"),
        format!("jnxL2tpTunnelStatsDataTxBytes.{lns_tid}"),
        "jnxL2tpStatsPayloadTxPkts.0".to_string(),
    ];
    let names: Vec<&str> = counters.iter().map(String::as_str).collect();
    let off = snmp("snmpget", &lns_agent, &names);
    assert_eq!(
        off.iter()
            .map(|l| l.rsplit(": ").next().unwrap_or_default())
            .collect::<Vec<_>>(),
        ["0", "0", "0"],
        "{off:#?}"
    );
    lns.commit("set services l2tp enable-snmp-tunnel-statistics\n");
    // The poller copies the first batch at once; the view is at most a second old.
    let on = eventually(
        Duration::from_secs(10),
        "counters after the first poll",
        || {
            let lines = snmp("snmpget", &lns_agent, &names);
            (value_of(&lines, &counters[0]) != Some("Counter32: 0")).then_some(lines)
        },
    );
    assert_eq!(
        value_of(&on, &counters[0]),
        Some(format!("Counter32: {tx_packets}").as_str())
    );
    assert_eq!(
        value_of(&on, &counters[1]),
        Some(format!("Counter64: {tx_bytes}").as_str())
    );
    assert_eq!(
        value_of(&on, &counters[2]),
        Some(format!("Counter64: {tx_packets}").as_str())
    );
    assert_eq!(only_tunnel(&lns).2, tx_packets, "no data traffic since");

    // ---- hostile datagrams: dropped, counted, and the agent answers on ----
    let probe = UdpSocket::bind("127.0.9.4:0").expect("bind");
    for datagram in [
        &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff][..],
        &[0u8; 4000][..],
        b"hello",
    ] {
        probe.send_to(datagram, &lns_agent).expect("send");
    }
    let wrong = netsnmp::run(
        "snmpget",
        &lns_agent,
        &["-c", "private", "-t", "1", "-r", "0"],
        &["jnxL2tpStatsTotalTunnels.0"],
    );
    assert!(!wrong.status.success(), "a wrong community gets no answer");
    // The agent listens on its listen-address only, not on every address of the host.
    let elsewhere = netsnmp::run(
        "snmpget",
        &format!("{ELSEWHERE}:{LNS_AGENT_PORT}"),
        &["-t", "1", "-r", "0"],
        &["jnxL2tpStatsTotalTunnels.0"],
    );
    assert!(
        !elsewhere.status.success(),
        "answered on {ELSEWHERE}: {}",
        String::from_utf8_lossy(&elsewhere.stdout)
    );
    let total = snmp(
        "snmpget",
        &lns_agent,
        &["jnxL2tpStatsTotalTunnels.0", "1.3.6.1.2.1.1.1.0"],
    );
    assert_eq!(
        value_of(&total, "jnxL2tpStatsTotalTunnels.0"),
        Some("Gauge32: 1")
    );
    // ---- the system group, as a poller's discovery reads it ----
    let system = system_group(&lns_agent, "snmpwalk");
    let names: Vec<&str> = system.iter().map(|(n, _)| n.as_str()).collect();
    let bulk = system_group(&lns_agent, "snmpbulkwalk");
    // Equal but for sysUpTime, which moved on.
    assert_eq!(
        bulk.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        names
    );
    assert_eq!(bulk[0], system[0]);
    assert_eq!(
        names,
        (1..=7)
            .map(|n| format!(".1.3.6.1.2.1.1.{n}.0"))
            .collect::<Vec<_>>(),
        "sysDescr.0 to sysServices.0, nothing else in `system`"
    );
    let value = |n: usize| system[n - 1].1.as_str();
    assert!(
        value(1).starts_with("STRING: \"l2tpd ") && value(1).contains("L2TP access router"),
        "{system:?}"
    );
    assert_eq!(value(2), "OID: .0.0");
    assert!(value(3).starts_with("Timeticks: ("), "{system:?}");
    assert_eq!(value(5), "STRING: \"snmp-lns\"");
    assert_eq!(value(6), "STRING: \"lab-rack-4\"");
    assert_eq!(value(7), "INTEGER: 4");
    // A commit changes the group at once: the next request sees it.
    lns.commit("set snmp description \"BNG east\"\nset snmp name bng1\n");
    let changed = netsnmp::run(
        "snmpget",
        &lns_agent,
        &["-On"],
        &[".1.3.6.1.2.1.1.1.0", ".1.3.6.1.2.1.1.5.0"],
    );
    assert_eq!(
        String::from_utf8_lossy(&changed.stdout),
        ".1.3.6.1.2.1.1.1.0 = STRING: \"BNG east\"\n.1.3.6.1.2.1.1.5.0 = STRING: \"bng1\"\n"
    );
    // The walk goes on from the group's end into IF-MIB (ifNumber.0), or JNX-L2TP-MIB.
    let next = netsnmp::run("snmpgetnext", &lns_agent, &["-On"], &[".1.3.6.1.2.1.1.7.0"]);
    let next = String::from_utf8_lossy(&next.stdout);
    assert!(
        next.starts_with(".1.3.6.1.2.1.2.1.0 = ") || next.starts_with(".1.3.6.1.4.1.2636."),
        "{next}"
    );

    // The same agent over IPv6 (`listen-address ::1`, `clients { ::1/128; }`).
    let six = snmp(
        "snmpget",
        &format!("udp6:[::1]:{LNS_AGENT_PORT}"),
        &["jnxL2tpStatsTotalTunnels.0"],
    );
    assert_eq!(
        value_of(&six, "jnxL2tpStatsTotalTunnels.0"),
        Some("Gauge32: 1")
    );

    // ---- show snmp statistics counted all of that ----
    let stats = json(&lns, "show snmp statistics");
    let root = &stats["snmp-statistics"][0];
    assert_eq!(
        leaf(root, "agent-port").as_deref(),
        Some(LNS_AGENT_PORT.to_string().as_str())
    );
    let input = &root["snmp-input-statistics"][0];
    assert!(number(input, "bad-community-names") >= 1, "{stats}");
    // The truncated BER header and the text; the 4000 zeros are too big to be parsed.
    assert!(number(input, "asn-parse-errors") >= 2, "{stats}");
    assert!(number(input, "oversized-requests") >= 1, "{stats}");
    assert!(number(input, "get-nexts") >= 1, "{stats}");
    assert!(number(input, "get-bulks") >= 1, "{stats}");
    let responses = number(&root["snmp-output-statistics"][0], "get-responses");
    assert!(responses > 0, "{stats}");
    assert_eq!(
        leaf(&root["agentx-statistics"][0], "connected").as_deref(),
        Some("false"),
        "AgentX is not configured on the LNS"
    );
    let text = run(&lns, "show snmp statistics");
    assert!(
        text.contains(&format!("Get responses: {responses}")),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "Agent: listening on {LNS}, ::1 UDP port {LNS_AGENT_PORT}\n"
        )),
        "{text}"
    );

    // ---- show snmp mib get | walk, read inside the daemon ----
    let got = run(
        &lns,
        &format!("show snmp mib get jnxL2tpTunnelStatsRemoteTID.{lns_tid}"),
    );
    assert_eq!(
        got.trim(),
        format!("jnxL2tpTunnelStatsRemoteTID.{lns_tid} = {lns_remote}")
    );
    let walk = run(&lns, "show snmp mib walk jnxL2tpSessionStatsUserName");
    assert_eq!(walk.lines().count(), SESSIONS, "{walk}");
    let numeric = run(&lns, "show snmp mib walk 1.3.6.1.4.1.2636.3.49.1.1.1.1");
    assert!(
        numeric.starts_with("jnxL2tpStatsTotalTunnels.0 = 1\n"),
        "{numeric}"
    );
    // The LAC has no embedded agent (AgentX only): the shell reads its MIB all the same.
    assert_eq!(
        run(&lac, "show snmp mib get jnxL2tpStatsTotalTunnels.0"),
        "jnxL2tpStatsTotalTunnels.0 = 1\n"
    );

    // ---- AgentX: the LAC's subagent under snmpd ----
    let snmpd_agent = format!("{SNMPD}:{SNMPD_PORT}");
    let via_master = |what: &str| {
        eventually(REGISTER, what, || {
            let out = netsnmp::run(
                "snmpbulkwalk",
                &snmpd_agent,
                &[],
                &["jnxL2tpTunnelStatsTable"],
            );
            let lines = netsnmp::lines(&out);
            let rows = lines
                .iter()
                .any(|l| l.starts_with("jnxL2tpTunnelStatsRemoteTID."));
            (out.status.success() && rows).then_some(lines)
        })
    };
    let subagent = |at_least: u64| {
        let stats = json(&lac, "show snmp statistics");
        let agentx = stats["snmp-statistics"][0]["agentx-statistics"][0].clone();
        assert_eq!(
            leaf(&agentx, "socket").as_deref(),
            Some(agentx_socket.to_string_lossy().as_ref())
        );
        assert_eq!(
            leaf(&agentx, "connected").as_deref(),
            Some("true"),
            "{stats}"
        );
        assert_eq!(
            leaf(&agentx, "registered").as_deref(),
            Some("true"),
            "{stats}"
        );
        assert!(number(&agentx, "registrations") >= at_least, "{stats}");
        assert!(number(&agentx, "requests") >= 1, "{stats}");
        agentx
    };
    let snmpd = Snmpd::start(SNMPD, SNMPD_PORT, &agentx_socket);
    let through_snmpd = via_master("the subagent registers with snmpd");
    subagent(1);
    let (lac_tid, lac_remote, _, _) = only_tunnel(&lac);
    assert_eq!(lac_remote, lns_tid);
    check_tunnel_row(&through_snmpd, lac_tid, lac_remote, LNS, SESSIONS);
    let sessions = snmp("snmpwalk", &snmpd_agent, &["jnxL2tpSessionStatsState"]);
    assert_eq!(sessions.len(), SESSIONS, "{sessions:#?}");
    assert!(
        sessions
            .iter()
            .all(|l| l.ends_with("INTEGER: established(1)")),
        "{sessions:#?}"
    );

    // Under AgentX the master answers the system group itself: the subagent never
    // registers it, so snmpd's sysDescr is snmpd's, not the LAC's.
    let master = netsnmp::run("snmpget", &snmpd_agent, &["-On"], &[".1.3.6.1.2.1.1.1.0"]);
    let master = String::from_utf8_lossy(&master.stdout);
    assert!(
        master.starts_with(".1.3.6.1.2.1.1.1.0 = STRING: ") && !master.contains("l2tpd"),
        "{master}"
    );

    // snmpd restarts: the subagent reconnects and registers again.
    drop(snmpd);
    let _snmpd = Snmpd::start(SNMPD, SNMPD_PORT, &agentx_socket);
    let again = via_master("the subagent registers again after snmpd restarted");
    let restarted = subagent(2);
    assert!(
        number(&restarted, "resets") >= 1,
        "the lost session was counted"
    );
    check_tunnel_row(&again, lac_tid, lac_remote, LNS, SESSIONS);
    // The LAC's L2TP engine carried on meanwhile.
    assert_eq!(
        leaf(
            &json(&lac, "show services l2tp summary")["service-l2tp-summary-information"][0],
            "sessions"
        )
        .as_deref(),
        Some("3")
    );
}
