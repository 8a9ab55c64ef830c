//! `l2tp-bench ops`: the operational commands at scale. N sessions over M tunnels are opened
//! as for `setup` (the LNS is a real `l2tpd`), then each show command runs `--runs` times
//! through the real `cli -c` against the LNS, timed end to end as an operator sees it (process
//! start, request, the daemon's answer, rendering). Meanwhile both sides' hellos run every
//! `--hello-interval` seconds: a side that answered a hello or an acknowledgement late would
//! retransmit (minimum-retransmission-interval 1 s), so "no retransmission during the shows"
//! is the proof that the daemon kept answering on time.

use std::time::{Duration, Instant};

use l2tp_tests::{output_text, DaemonProcess};
use l2tpd::engine::{ConfigApply, Engine, L2tpRpc};
use schema::mgmt::Reply;

/// One show command and its target (the figures for 65,000 sessions).
struct Probe {
    command: String,
    target_ms: u64,
}

fn probes(session_id: u16) -> Vec<Probe> {
    let probe = |command: &str, target_ms| Probe {
        command: command.to_string(),
        target_ms,
    };
    vec![
        probe("show services l2tp summary", 50),
        probe("show services l2tp tunnel", 100),
        probe("show services l2tp session | count", 1000),
        probe(
            &format!("show services l2tp session local-session-id {session_id}"),
            50,
        ),
        probe("show services l2tp session | display json | no-more", 2000),
    ]
}

/// Runs `cli -c command` against `daemon` (`DaemonProcess::run`); the output, or why the
/// command failed.
fn cli(daemon: &DaemonProcess, command: &str) -> Result<Vec<u8>, String> {
    let out = daemon.run(command);
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(format!("'{command}' failed: {}", output_text(&out)))
    }
}

/// `cli -c command` timed end to end; the wall time and the number of output lines.
fn timed_cli(daemon: &DaemonProcess, command: &str) -> Result<(Duration, usize), String> {
    let started = Instant::now();
    let stdout = cli(daemon, command)?;
    let elapsed = started.elapsed();
    Ok((elapsed, stdout.iter().filter(|b| **b == b'\n').count()))
}

/// Retransmissions and established tunnels of the in-process LAC engine.
pub(super) fn lac_state(lac: &mut Engine) -> Result<(u64, u32), String> {
    match lac.l2tp_rpc(L2tpRpc::Summary { statistics: true }) {
        Ok(Reply::L2tpSummary(s)) => Ok((s.statistics.map_or(0, |c| c.retransmissions), s.tunnels)),
        Ok(other) => Err(format!("unexpected reply {other:?}")),
        Err(e) => Err(format!("{e:?}")),
    }
}

/// The LNS's retransmissions, through its shell (`| display json`).
pub(super) fn lns_retransmissions(lns: &DaemonProcess) -> Result<u64, String> {
    let stdout = cli(
        lns,
        "show services l2tp summary statistics | display json | no-more",
    )?;
    let json: serde_json::Value =
        serde_json::from_slice(&stdout).map_err(|e| format!("summary JSON: {e}"))?;
    let root = &json["service-l2tp-summary-information"][0];
    Ok(l2tp_tests::ops::number(
        &root["statistics"][0],
        "retransmissions",
    ))
}

/// A session ID the LNS holds: the first of the last tunnel's list (read once, untimed).
fn some_session_id(lns: &DaemonProcess) -> Result<u16, String> {
    let stdout = cli(lns, "show services l2tp session | last 1")?;
    String::from_utf8_lossy(&stdout)
        .split_whitespace()
        .next()
        .and_then(|w| w.parse().ok())
        .ok_or_else(|| "no session in the LNS's list".to_string())
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Times every probe on the LNS while `sessions` sessions over `tunnels` tunnels are up.
/// Returns whether every target was met and no side retransmitted.
pub fn measure(
    lac: &mut Engine,
    lns: &DaemonProcess,
    sessions: usize,
    tunnels: usize,
    runs: usize,
) -> Result<bool, String> {
    let session_id = some_session_id(lns)?;
    let (lac_retx_before, _) = lac_state(lac)?;
    let lns_retx_before = lns_retransmissions(lns)?;
    let started = Instant::now();

    println!(
        "Operational commands on the LNS with {sessions} sessions over {tunnels} tunnels \
         (cli -c, end to end, {runs} runs each)"
    );
    println!(
        "{:<58}{:>10}{:>10}{:>9}{:>10}",
        "command", "median", "max", "lines", "target"
    );
    let mut ok = true;
    let mut figures = Vec::new();
    for probe in probes(session_id) {
        let mut samples = Vec::with_capacity(runs);
        let mut lines = 0;
        for _ in 0..runs.max(1) {
            let (elapsed, n) = timed_cli(lns, &probe.command)?;
            samples.push(elapsed);
            lines = n;
        }
        let max = samples.iter().max().copied().unwrap_or_default();
        let median = median(samples);
        ok &= ms(median) < probe.target_ms as f64;
        println!(
            "{:<58}{:>7.1} ms{:>7.1} ms{:>9}{:>7} ms",
            probe.command,
            ms(median),
            ms(max),
            lines,
            probe.target_ms
        );
        figures.push(ms(median));
    }

    let window = started.elapsed();
    let (lac_retx_after, lac_tunnels) = lac_state(lac)?;
    let lns_retx_after = lns_retransmissions(lns)?;
    let retransmissions = (lac_retx_after - lac_retx_before.min(lac_retx_after))
        + lns_retx_after.saturating_sub(lns_retx_before);
    println!(
        "{:<58}{:>10}",
        format!(
            "retransmissions (both sides) during {:.1} s of shows",
            window.as_secs_f64()
        ),
        retransmissions
    );
    println!("{:<58}{:>10}", "LAC tunnels still established", lac_tunnels);
    ok &= retransmissions == 0 && lac_tunnels as usize == tunnels;
    println!(
        "sessions={sessions} tunnels={tunnels} summary_ms={:.1} tunnel_ms={:.1} \
         session_count_ms={:.1} session_by_id_ms={:.1} session_json_ms={:.1} \
         retransmissions={retransmissions}",
        figures.first().copied().unwrap_or_default(),
        figures.get(1).copied().unwrap_or_default(),
        figures.get(2).copied().unwrap_or_default(),
        figures.get(3).copied().unwrap_or_default(),
        figures.get(4).copied().unwrap_or_default(),
    );
    Ok(ok)
}
