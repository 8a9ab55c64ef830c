//! `l2tp-bench flood`: an SCCRQ flood from many loopback addresses against a real `l2tpd`
//! LNS (127.78.0.1:1701; sources 127.78.1.1 onwards), issue 9. While it runs:
//! - a probe (127.78.0.3) sends every 10 ms an SCCRQ the LNS refuses and times the StopCCN
//!   that answers it: the longest round trip bounds the longest time the engine left a
//!   datagram waiting (its stalls, plus the queue of flood datagrams ahead of the probe);
//! - a LAC daemon (127.78.0.2) runs `test services l2tp tunnel` (tunnel, session, LCP echo),
//!   timed end to end through the real `cli`.
//!
//! Afterwards: the LNS's peak memory (VmHWM), the datagrams it sent the flooding addresses
//! per SCCRQ it read (the kernel's drops on its socket, from /proc/net/udp, taken off what
//! the flood sent), its drop counters, and how long SIGTERM takes to stop it.
//!
//! Replies are counted until `--linger` seconds pass without one: with `--admitted`, a
//! linger of 50 s takes in every retransmission of the SCCRPs of the tunnels still waiting
//! when the flood ends (the whole cycle is 47 s).
//!
//! `--admitted` floods with the Host Name of an access-profile client without a secret, so
//! every SCCRQ up to the limits opens a tunnel; without it every SCCRQ is refused.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use l2tp_tests::flood::{self, FloodSpec, Probe};
use l2tp_tests::lab::{DEMO_LAC, DEMO_LNS, DEMO_PROFILE};
use l2tp_tests::{output_text, DaemonProcess};

const LNS: Ipv4Addr = Ipv4Addr::new(127, 78, 0, 1);
const LAC: Ipv4Addr = Ipv4Addr::new(127, 78, 0, 2);
const PROBE: Ipv4Addr = Ipv4Addr::new(127, 78, 0, 3);
const PROBE_INTERVAL: Duration = Duration::from_millis(10);
/// Targets of the issue.
const STALL_TARGET: Duration = Duration::from_millis(50);
const RATIO_TARGET: f64 = 1.0;

pub struct FloodBench {
    pub count: usize,
    pub sources: usize,
    pub rate: u32,
    pub admitted: bool,
    /// How long replies are still counted after the flood, once they stop coming.
    pub linger: Duration,
}

pub fn run(b: &FloodBench) -> Result<bool, String> {
    if b.sources == 0 || b.sources > 254 * 254 {
        return Err("--sources must be 1 to 64,516".into());
    }
    let mut lns = DaemonProcess::start();
    lns.commit(&format!(
        "{}set access profile lab-lac-clients client flood-lac l2tp maximum-sessions-per-tunnel 10\n",
        DEMO_LNS.replace("127.0.0.2", &LNS.to_string())
    ));
    let lac = DaemonProcess::start();
    lac.commit(
        &DEMO_LAC
            .replace("127.0.0.1", &LAC.to_string())
            .replace("127.0.0.2", &LNS.to_string()),
    );
    let target = SocketAddr::from((LNS, 1701));
    let pid = lns.pid().ok_or("the LNS is not running")?;
    let rest_kib = flood::status_kib(pid, "VmHWM").unwrap_or(0);
    let drops_before = flood::socket_drops(target).unwrap_or(0);

    let spec = FloodSpec {
        target,
        sources: flood::sources(78, b.sources),
        count: b.count,
        rate: b.rate,
        host_name: if b.admitted {
            "flood-lac"
        } else {
            "not-a-client"
        }
        .into(),
        time_limit: Duration::from_secs(90),
    };
    let expected = if b.rate > 0 {
        Duration::from_secs_f64(b.count as f64 / f64::from(b.rate))
    } else {
        Duration::from_secs(1)
    };
    let linger = b.linger;
    let probe = Probe::start(PROBE, target, PROBE_INTERVAL).map_err(|e| e.to_string())?;
    let flood_started = Instant::now();
    let flooding = std::thread::spawn(move || flood::run(&spec, linger));
    std::thread::sleep(expected / 4);

    let started = Instant::now();
    let out = lac.run(&format!(
        "test services l2tp tunnel user flood@example.net password pw tunnel-name {DEMO_PROFILE}"
    ));
    let setup = started.elapsed();
    let lac_done = flood_started.elapsed();
    let shown = output_text(&out);
    let legitimate_up = shown.contains(": established; LCP echo reply in ");
    let outcome = flooding
        .join()
        .map_err(|_| "the flood thread panicked")?
        .map_err(|e| format!("flood: {e}"))?;
    let during_flood = lac_done < outcome.sending;
    let probes = probe.finish();

    let peak_kib = flood::status_kib(pid, "VmHWM").unwrap_or(0);
    let kernel_drops = flood::socket_drops(target)
        .unwrap_or(0)
        .saturating_sub(drops_before);
    let read = (outcome.sent as u64).saturating_sub(kernel_drops);
    let ratio = outcome.replies as f64 / read.max(1) as f64;
    let counters = output_text(&lns.run("show services l2tp summary statistics"));
    let stopping = Instant::now();
    let stopped = lns.stop().is_some_and(|s| s.success());
    let stop_time = stopping.elapsed();

    let mut sorted = probes.round_trips.clone();
    sorted.sort();
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or_default();
    println!(
        "flood: {} SCCRQs ({}) from {} addresses in {:.2} s ({:.0}/s), {} send errors",
        outcome.sent,
        if b.admitted { "admitted" } else { "refused" },
        b.sources,
        outcome.sending.as_secs_f64(),
        outcome.sent as f64 / outcome.sending.as_secs_f64().max(1e-9),
        outcome.send_errors
    );
    println!(
        "probe: {} answered, {} unanswered, round trip median {:.1} ms, longest {:.1} ms (target < {} ms)",
        probes.answered,
        probes.unanswered,
        ms(median),
        ms(probes.longest),
        STALL_TARGET.as_millis()
    );
    println!(
        "legitimate LAC: {} in {:.0} ms{}",
        if legitimate_up {
            "tunnel + session + echo"
        } else {
            "FAILED"
        },
        ms(setup),
        if during_flood {
            " (during the flood)"
        } else {
            " (the flood had ended)"
        }
    );
    if !legitimate_up {
        println!("{shown}");
    }
    println!("LNS memory: VmHWM {rest_kib} KiB at rest, {peak_kib} KiB peak");
    println!(
        "datagrams: LNS read {read} flood SCCRQs ({kernel_drops} dropped by the kernel), sent {} back: {ratio:.3} per SCCRQ read (target <= {RATIO_TARGET})",
        outcome.replies
    );
    println!(
        "SIGTERM: {} in {:.0} ms",
        if stopped { "stopped" } else { "NOT stopped" },
        ms(stop_time)
    );
    for line in counters.lines().skip_while(|l| !l.starts_with("Dropped:")) {
        println!("{line}");
    }
    println!(
        "RESULT flood count={} sources={} admitted={} longest_probe_ms={:.1} setup_ms={:.0} vmhwm_kib={peak_kib} ratio={ratio:.3} sigterm_ms={:.0}",
        outcome.sent,
        b.sources,
        b.admitted,
        ms(probes.longest),
        ms(setup),
        ms(stop_time)
    );
    Ok(legitimate_up && stopped)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
