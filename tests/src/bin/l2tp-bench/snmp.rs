//! `l2tp-bench snmp`: snmpbulkwalk of the whole jnxL2tp subtree of an LNS holding N
//! sessions, from its embedded agent and through snmpd as AgentX master, in varbinds per
//! second; and the LNS engine's setup rate for a probe batch with and without a walk
//! running beside it; and l2tpd's CPU per varbind on each path (issue 15 item 3), from
//! walks with nothing else running.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use l2tp_tests::netsnmp::{self, Snmpd};

use super::agentx_master::Master;

use super::{
    check, commit_lns, ensure_l2tpd, lac_engine, lac_set_lines, lns_set_lines, per_second,
    per_tunnel, DaemonProcess, Setup, PROFILE,
};

const LNS_AGENT_PORT: u16 = 16_170;
const SNMPD_ADDRESS: &str = "127.0.3.3";
const SNMPD_PORT: u16 = 16_171;
/// net-snmp's snmpbulkwalk asks for 10 repetitions unless told; the agents cap at 100.
const MAX_REPETITIONS: &str = "-Cr100";
/// The LNS's address pool: the bench's calls ask for an address by IPCP, as live
/// subscribers do, so the LNS keeps them for as long as the walks take (without IPCP it
/// ends a call after its 60 s negotiation timeout; a walk of 65,000 sessions through
/// snmpd takes minutes). 198.18.0.0/15 holds 131,000: any session count the bench runs.
/// No service interface: the addresses are only numbers here.
const POOL_LINES: &str =
    "set access address-assignment pool bench family inet network 198.18.0.0/15\n\
     set access address-assignment pool bench family inet range r low 198.18.0.10\n\
     set access address-assignment pool bench family inet range r high 198.19.255.250\n";
/// JNX-L2TP-MIB::jnxL2tp, the subtree every walk covers.
const JNX_L2TP: &[u32] = &[1, 3, 6, 1, 4, 1, 2636, 3, 49, 1];

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
    /// The last line snmpbulkwalk printed: where the walk ended.
    last: String,
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
    let mut last = String::new();
    let mut varbinds = 0;
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        if line.starts_with("JNX-L2TP-MIB::") && !line.contains("No more variables") {
            varbinds += 1;
        }
        last = line;
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("snmpbulkwalk of {agent} failed ({status})"));
    }
    Ok(Walk {
        varbinds,
        elapsed: started.elapsed(),
        last,
    })
}

/// CPU seconds the process `pid` has used so far: the sum over its threads of
/// /proc/PID/task/TID/schedstat's time on a CPU (nanoseconds). /proc/PID/stat counts the
/// same in clock ticks (10 ms), too coarse for a walk of a few tenths of a second.
fn process_cpu(pid: u32) -> Result<f64, String> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task"))
        .map_err(|e| format!("/proc/{pid}/task: {e}"))?;
    let mut nanoseconds = 0u64;
    for task in tasks.flatten() {
        let schedstat = std::fs::read_to_string(task.path().join("schedstat")).unwrap_or_default();
        nanoseconds += schedstat
            .split_whitespace()
            .next()
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0);
    }
    if nanoseconds == 0 {
        return Err(format!("no schedstat for process {pid}"));
    }
    Ok(nanoseconds as f64 / 1e9)
}

/// CPU seconds the threads of process `pid` named `name` have used so far.
fn thread_cpu(pid: u32, name: &str) -> f64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0.0;
    };
    tasks
        .flatten()
        .filter(|t| std::fs::read_to_string(t.path().join("comm")).is_ok_and(|c| c.trim() == name))
        .filter_map(|t| {
            std::fs::read_to_string(t.path().join("schedstat"))
                .ok()?
                .split_whitespace()
                .next()?
                .parse::<u64>()
                .ok()
        })
        .map(|ns| ns as f64 / 1e9)
        .sum()
}

/// `times` walks with l2tpd's CPU counted around them: (the walks together, CPU seconds).
fn measured_walk(agent: &str, pid: u32, times: usize) -> Result<(Walk, f64), String> {
    let before = process_cpu(pid)?;
    let mut total = Walk {
        varbinds: 0,
        elapsed: Duration::ZERO,
        last: String::new(),
    };
    for _ in 0..times {
        let w = walk(agent)?;
        total.varbinds += w.varbinds;
        total.elapsed += w.elapsed;
        total.last = w.last;
    }
    let cpu = process_cpu(pid)? - before;
    Ok((total, cpu))
}

/// Microseconds of CPU per varbind.
fn micros_per_varbind(cpu_seconds: f64, varbinds: usize) -> f64 {
    if varbinds == 0 {
        return 0.0;
    }
    cpu_seconds * 1e6 / varbinds as f64
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
            "{}{POOL_LINES}set snmp community public\nset snmp listen-address {}\n\
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

    let opened = lac.open_test_sessions_with_ip(PROFILE, b.sessions, b.timeout)?;
    let mut ok = check("setup", &opened);
    // Every call's IPCP open before anything is measured: it is the LNS's work too.
    let ip_up = super::lns_ip::wait_for_ip_up(
        &lns,
        opened.completed,
        Instant::now(),
        b.timeout,
        Duration::from_millis(200),
    )?;
    println!(
        "IPCP up at the LNS for all {} calls {:.1} s after the setup",
        opened.completed,
        ip_up.as_secs_f64()
    );
    await_registration(&master)?;

    // CPU per varbind first, with nothing else running.
    let pid = lns.pid().ok_or("the LNS has no process id")?;
    // A short embedded walk is repeated, so its CPU is well above the noise.
    let repeats = (200_000 / b.sessions.max(1)).clamp(1, 5);
    let (quiet_embedded, embedded_cpu) = measured_walk(&embedded, pid, repeats)?;
    // The subagent under the bench's own master: GetBulk of 100, then GetNext (snmpd's
    // way, without snmpd's share of each round trip).
    let own_socket = socket_dir.path().join("bench-master.sock");
    commit_lns(
        &lns,
        &format!("set snmp agentx socket {}\n", own_socket.display()),
    )?;
    let mut own_master = Master::accept(&own_socket, Duration::from_secs(15))?;
    let mut direct = Vec::new();
    for repetitions in [100u16, 0] {
        let before = process_cpu(pid)?;
        let walked = own_master.walk(JNX_L2TP, repetitions)?;
        let cpu = process_cpu(pid)? - before;
        direct.push((repetitions, walked, cpu));
    }
    drop(own_master);
    commit_lns(
        &lns,
        &format!("set snmp agentx socket {}\n", agentx_socket.display()),
    )?;
    await_registration(&master)?;
    let agentx_thread_before = thread_cpu(pid, "agentx");
    let (quiet_agentx, agentx_cpu) = measured_walk(&master, pid, 1)?;
    let agentx_thread_cpu = thread_cpu(pid, "agentx") - agentx_thread_before;
    let embedded_us = micros_per_varbind(embedded_cpu, quiet_embedded.varbinds);
    let agentx_us = micros_per_varbind(agentx_cpu, quiet_agentx.varbinds);
    let cpu_ratio = if embedded_us > 0.0 {
        agentx_us / embedded_us
    } else {
        f64::INFINITY
    };
    // Every measured walk must have seen every row (none cut short by the 60 s).
    let whole = quiet_embedded.varbinds / repeats;
    for (what, varbinds) in [("AgentX walk through snmpd", quiet_agentx.varbinds)]
        .into_iter()
        .chain(
            direct
                .iter()
                .map(|(_, w, _)| ("AgentX walk by the bench", w.varbinds)),
        )
    {
        if varbinds != whole {
            eprintln!("{what}: {varbinds} varbinds, the embedded walk {whole}: cut short");
            ok = false;
        }
    }

    // The engine's setup rate with nothing else going on, then with a walk beside it.
    let quiet = lac.open_test_sessions_with_ip(PROFILE, b.probe, b.timeout)?;
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
    let busy = lac.open_test_sessions_with_ip(PROFILE, b.probe, b.timeout)?;
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
    for (name, w, cpu, us) in [
        (
            "l2tpd CPU per varbind, embedded agent",
            &quiet_embedded,
            embedded_cpu,
            embedded_us,
        ),
        (
            "l2tpd CPU per varbind, AgentX",
            &quiet_agentx,
            agentx_cpu,
            agentx_us,
        ),
    ] {
        row(name, format!("{us:.2} us"), "");
        println!("  the walk ended at: {}", w.last);
        row(
            "  CPU / varbinds / time",
            format!(
                "{cpu:.2} s / {} / {:.1} s",
                w.varbinds,
                w.elapsed.as_secs_f64()
            ),
            "",
        );
    }
    row(
        "  of which the subagent's thread (agentx)",
        format!(
            "{:.2} us",
            micros_per_varbind(agentx_thread_cpu, quiet_agentx.varbinds)
        ),
        "",
    );
    row(
        "AgentX / embedded CPU per varbind",
        format!("{cpu_ratio:.2}x"),
        "<= 3x",
    );
    let mut direct_ratios = Vec::new();
    for (repetitions, w, cpu) in &direct {
        let name = if *repetitions == 0 {
            "AgentX GetNext from the bench's master".to_string()
        } else {
            format!("AgentX GetBulk {repetitions} from the bench's master")
        };
        let us = micros_per_varbind(*cpu, w.varbinds);
        let ratio = if embedded_us > 0.0 {
            us / embedded_us
        } else {
            f64::INFINITY
        };
        direct_ratios.push(ratio);
        row(&name, format!("{us:.2} us ({ratio:.2}x)"), "");
        row(
            "  CPU / varbinds / PDUs / time",
            format!(
                "{cpu:.2} s / {} / {} / {:.1} s",
                w.varbinds,
                w.requests,
                w.elapsed.as_secs_f64()
            ),
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
        "sessions={} embedded_varbinds_per_s={:.0} agentx_varbinds_per_s={:.0} setup_quiet_per_s={quiet_rate:.0} setup_during_walk_per_s={busy_rate:.0} retransmissions={retransmissions} embedded_us_per_varbind={embedded_us:.2} agentx_us_per_varbind={agentx_us:.2} cpu_ratio={cpu_ratio:.2} direct_getnext_ratio={:.2} direct_getbulk_ratio={:.2}",
        opened.completed + quiet.completed + busy.completed,
        per_second(embedded_walk.varbinds, embedded_walk.elapsed),
        per_second(agentx_walk.varbinds, agentx_walk.elapsed),
        direct_ratios.get(1).copied().unwrap_or(f64::NAN),
        direct_ratios.first().copied().unwrap_or(f64::NAN),
    );
    Ok(ok)
}
