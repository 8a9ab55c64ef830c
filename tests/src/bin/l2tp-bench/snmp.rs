//! `l2tp-bench snmp`: snmpbulkwalk of the whole jnxL2tp subtree of an LNS holding N
//! sessions, from its embedded agent and through snmpd as AgentX master, in varbinds per
//! second; and the LNS engine's setup rate for a probe batch with and without a walk
//! running beside it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use l2tp_tests::netsnmp::{self, Snmpd};

use super::{
    check, commit_lns, ensure_l2tpd, lac_engine, lac_set_lines, lns_set_lines, per_second,
    per_tunnel, DaemonProcess, Setup, PROFILE,
};

const LNS_AGENT_PORT: u16 = 16_170;
const SNMPD_ADDRESS: &str = "127.0.3.3";
const SNMPD_PORT: u16 = 16_171;
/// net-snmp's snmpbulkwalk asks for 10 repetitions unless told; the agents cap at 100.
const MAX_REPETITIONS: &str = "-Cr100";

pub struct SnmpBench {
    pub sessions: usize,
    pub tunnels: usize,
    /// Sessions of each probe batch (one without a walk, one during).
    pub probe: usize,
    pub timeout: Duration,
}

/// One walk: varbinds printed and how long it took.
struct Walk {
    varbinds: usize,
    elapsed: Duration,
}

/// Runs snmpbulkwalk on `agent` for jnxL2tp and counts the instances it prints, streaming
/// (a walk of 65,000 sessions prints millions of lines).
fn walk(agent: &str) -> Result<Walk, String> {
    let started = Instant::now();
    let state = std::env::temp_dir().join("l2tpd-tests-net-snmp");
    let _ = std::fs::create_dir_all(state.join("cert_indexes"));
    let mut child = Command::new("snmpbulkwalk")
        .env_remove("MIBS")
        .env_remove("MIBDIRS")
        .env("SNMPCONFPATH", &state)
        .env("SNMP_PERSISTENT_DIR", &state)
        .args(["-M", &netsnmp::mib_dirs(), "-m", "JNX-L2TP-MIB"])
        .args([
            "-v2c",
            "-c",
            "public",
            "-r",
            "1",
            "-t",
            "10",
            MAX_REPETITIONS,
        ])
        .arg(agent)
        .arg("JNX-L2TP-MIB::jnxL2tp")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run snmpbulkwalk: {e}"))?;
    let stdout = child.stdout.take().ok_or("snmpbulkwalk has no stdout")?;
    let varbinds = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .filter(|l| l.starts_with("JNX-L2TP-MIB::") && !l.contains("No more variables"))
        .count();
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("snmpbulkwalk of {agent} failed ({status})"));
    }
    Ok(Walk {
        varbinds,
        elapsed: started.elapsed(),
    })
}

/// Waits until snmpd answers for the subagent (registration takes a reconnect backoff).
fn await_registration(agent: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let out = netsnmp::run("snmpget", agent, &[], &["jnxL2tpStatsTotalTunnels.0"]);
        if netsnmp::lines(&out).iter().any(|l| l.contains("Gauge32")) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    Err("the subagent did not register with snmpd within 60 s".into())
}

pub fn run(b: &SnmpBench) -> Result<bool, String> {
    if !netsnmp::available(&["snmpbulkwalk", "snmpget", "snmpd"]) {
        return Err("net-snmp is not installed".into());
    }
    let total = b.sessions + 2 * b.probe;
    let setup = Setup {
        sessions: total,
        tunnels: b.tunnels,
        idle: Duration::ZERO,
        // Short, so both sides' hellos run during the walks.
        hello_interval: 2,
        rx_window: 4,
        timeout: b.timeout,
    };
    let each = per_tunnel(total, b.tunnels)?;
    ensure_l2tpd()?;
    let socket_dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let agentx_socket = socket_dir.path().join("agentx.sock");
    let lns = DaemonProcess::start();
    commit_lns(
        &lns,
        &format!(
            "{}set snmp community public\nset snmp listen-address {}\n\
             set snmp port {LNS_AGENT_PORT}\n\
             set snmp agentx socket {}\nset services l2tp enable-snmp-tunnel-statistics\n",
            lns_set_lines(&setup, each),
            super::LNS_ADDRESS,
            agentx_socket.display()
        ),
    )?;
    let mut lac = lac_engine(&lac_set_lines(&setup, each))?;
    let _snmpd = Snmpd::start(SNMPD_ADDRESS, SNMPD_PORT, &agentx_socket);
    let embedded = format!("{}:{LNS_AGENT_PORT}", super::LNS_ADDRESS);
    let master = format!("{SNMPD_ADDRESS}:{SNMPD_PORT}");

    let opened = lac.open_test_sessions(PROFILE, b.sessions, b.timeout)?;
    let mut ok = check("setup", &opened);
    await_registration(&master)?;

    // The engine's setup rate with nothing else going on, then with a walk beside it.
    let quiet = lac.open_test_sessions(PROFILE, b.probe, b.timeout)?;
    ok &= check("probe without a walk", &quiet);
    // Any hello or acknowledgement answered a second late during the walks retransmits.
    let (lac_retx_before, _) = super::ops::lac_state(&mut lac)?;
    let lns_retx_before = super::ops::lns_retransmissions(&lns)?;
    let walker = std::thread::spawn({
        let embedded = embedded.clone();
        move || walk(&embedded)
    });
    // Let the walk get going (and its first snapshot be taken) before the probe starts.
    std::thread::sleep(Duration::from_secs(1));
    let busy = lac.open_test_sessions(PROFILE, b.probe, b.timeout)?;
    ok &= check("probe during a walk", &busy);
    let embedded_walk = walker
        .join()
        .map_err(|_| String::from("the walk thread panicked"))??;
    let agentx_walk = walk(&master)?;
    let (lac_retx_after, tunnels_up) = super::ops::lac_state(&mut lac)?;
    let retransmissions = lac_retx_after.saturating_sub(lac_retx_before)
        + super::ops::lns_retransmissions(&lns)?.saturating_sub(lns_retx_before);
    ok &= retransmissions == 0 && tunnels_up as usize == b.tunnels;

    let summary = lac.close_test_sessions(b.timeout)?;
    ok &= check("teardown", &summary);
    drop(lac);
    drop(lns);

    println!(
        "SNMP bench: {} sessions over {} tunnels on the LNS (l2tpd, 127.0.3.2), snmpbulkwalk {MAX_REPETITIONS} of jnxL2tp",
        opened.completed + quiet.completed + busy.completed,
        b.tunnels
    );
    let row = |name: &str, value: String, target: &str| {
        println!("{name:<52}{value:>18}{target:>14}");
    };
    row("measurement", "result".into(), "target");
    for (name, w, target) in [
        ("embedded agent walk", &embedded_walk, ">= 50000/s"),
        ("AgentX walk (through snmpd)", &agentx_walk, ""),
    ] {
        row(
            name,
            format!("{:.0} varbinds/s", per_second(w.varbinds, w.elapsed)),
            target,
        );
        row(
            "  varbinds / time",
            format!("{} / {:.1} s", w.varbinds, w.elapsed.as_secs_f64()),
            "",
        );
    }
    let quiet_rate = per_second(quiet.completed, quiet.elapsed);
    let busy_rate = per_second(busy.completed, busy.elapsed);
    row(
        &format!("setup of {} more sessions, no walk", b.probe),
        format!("{quiet_rate:.0}/s"),
        "",
    );
    row(
        &format!("setup of {} more sessions, during the walk", b.probe),
        format!("{busy_rate:.0}/s"),
        "",
    );
    row(
        "retransmissions (both sides) during the walks",
        retransmissions.to_string(),
        "0",
    );
    row(
        "LAC tunnels established after the walks",
        format!("{tunnels_up}/{}", b.tunnels),
        "",
    );
    println!(
        "sessions={} embedded_varbinds_per_s={:.0} agentx_varbinds_per_s={:.0} setup_quiet_per_s={quiet_rate:.0} setup_during_walk_per_s={busy_rate:.0} retransmissions={retransmissions}",
        opened.completed + quiet.completed + busy.completed,
        per_second(embedded_walk.varbinds, embedded_walk.elapsed),
        per_second(agentx_walk.varbinds, agentx_walk.elapsed),
    );
    Ok(ok)
}
