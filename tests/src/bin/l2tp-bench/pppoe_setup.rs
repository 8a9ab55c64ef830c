//! `l2tp-bench pppoe-setup --count N`: the subscriber setup rate through real processes, PADI
//! to the L2TP session established, and the LAC daemon's memory per subscriber (issue 10).
//!
//! The lab of `tests/tests/pppoe_lac_netns.rs` (`l2tp_tests::subscriber_lab`): two network
//! namespaces made here, a veth pair between them; `pppoe-emulator` (AF_PACKET) on one end,
//! our LAC (`l2tpd`, AF_PACKET on the other end) and our LNS on the LAC namespace's loopback.
//! Needs root.
//!
//! The clock starts when the emulator is spawned (its PADIs follow within milliseconds) and
//! stops when the LNS shows N sessions, every one `established` (ICCN received): polled with
//! `show services l2tp summary` (cheap), then confirmed with the session list. The LAC's RSS
//! (`/proc/PID/status` VmRSS) is read before the emulator starts and once every session is up.
//! Then the emulator leaves (SIGTERM: a PADT per subscriber) and the teardown is timed the
//! same way, until the LNS shows no session.
//!
//! `--up-at ip` (issue 11): the LNS terminates PPP (a /16 pool, a service interface, see
//! `lns_ip.rs`) and the emulator counts a subscriber up when IPCP gave it an address; the clock
//! stops when the LNS shows every subscriber active with a pool address, and the teardown
//! when it holds no address and no session. The LNS's RSS per subscriber is read as the
//! LAC's is.
//!
//! `--radius responder|freeradius` (issue 12): the LAC's domain map gets an access profile
//! with `authentication-order radius`, so every subscriber's credentials go to a RADIUS server
//! before its tunnel is chosen: `radius.rs`'s responder (a thread inside the LAC's namespace)
//! or FreeRADIUS (started inside it), both on that namespace's 127.0.0.1.

use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use l2tp_tests::client::Client;
use l2tp_tests::flood::status_kib;
use l2tp_tests::netns::may_run_as_root;
use l2tp_tests::ops::leaf;
use l2tp_tests::subscriber_lab::{l2tp_sessions, SubscriberLab};
use l2tp_tests::DaemonProcess;
use schema::mgmt::{Reply, Request};

use super::cpu_seconds;
use super::lns_ip;
use super::radius;

/// Targets of the issue.
const RATE_TARGET: f64 = 10_000.0;
const BYTES_PER_SUBSCRIBER_TARGET: f64 = 4096.0;
/// How often the LNS's summary is read while subscribers come up or leave.
const POLL: Duration = Duration::from_millis(5);

/// How far a subscriber gets before it counts as set up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum UpAt {
    /// Its L2TP session at the LNS is established (ICCN received); the LNS goes no further.
    L2tp,
    /// The LNS terminates its PPP and IPCP gave it a pool address.
    Ip,
}

pub struct PppoeSetupBench {
    pub count: usize,
    pub up_at: UpAt,
    /// Subscribers the emulator starts per second.
    pub rate: f64,
    /// Subscribers the emulator has started and not yet seen up, at most.
    pub in_flight: usize,
    /// Control receive window of both daemons (4 is the RFC and Junos default): one tunnel
    /// carries every subscriber, so its window bounds the ICRQ/ICCN in flight.
    pub rx_window: u16,
    pub timeout: Duration,
    /// The LAC authenticates every subscriber with this RADIUS server first.
    pub radius: Option<radius::Server>,
}

/// The LAC's lines that send every subscriber's credentials to the server at `port`.
fn radius_lines(port: u16, secret: &str) -> String {
    format!(
        "set access domain map isp.example access-profile bench-radius\n\
         set access profile bench-radius authentication-order radius\n\
         set access profile bench-radius radius authentication-server 127.0.0.1\n\
         set access radius-server 127.0.0.1 port {port}\n\
         set access radius-server 127.0.0.1 secret {secret}\n\
         set access radius-server 127.0.0.1 message-authenticator optional\n"
    )
}

pub fn run(b: &PppoeSetupBench) -> Result<bool, String> {
    if !may_run_as_root("l2tp-bench pppoe-setup") {
        return Err("pppoe-setup needs root (network namespaces, AF_PACKET)".into());
    }
    if b.count == 0 || b.count > 60_000 {
        return Err("--count must be 1 to 60,000 (one tunnel)".into());
    }
    let lab = SubscriberLab::create("l2bn");
    let (lac, lns) = lab.lac_and_lns(b.count);
    let window = format!("set services l2tp tunnel rx-window-size {}\n", b.rx_window);
    lns.commit(&window);
    lac.commit(&window);
    if b.up_at == UpAt::Ip {
        lns.commit(&lns_ip::lns_lines());
    }
    let radius_server = match b.radius {
        Some(server) => {
            // The emulator's users (`user{n}@isp.example`) with its default password.
            let started = radius::LabServer::start(
                server,
                lab.pair.namespace(0),
                "^user[0-9]+@isp\\.example$",
                "secret",
            )?;
            lac.commit(&radius_lines(started.port, started.secret));
            Some(started)
        }
        None => None,
    };
    let radius_cpu_before = radius_server.as_ref().and_then(radius::LabServer::cpu);
    let lac_pid = lac.pid().ok_or("the LAC is not running")?;
    let lns_pid = lns.pid().ok_or("the LNS is not running")?;
    let rss = |pid: u32| status_kib(pid, "VmRSS").ok_or(format!("no VmRSS for {pid}"));
    let rss_before = [rss(lac_pid)?, rss(lns_pid)?];
    let cpu_before = [
        cpu_seconds(&lac_pid.to_string())?,
        cpu_seconds(&lns_pid.to_string())?,
    ];

    let timeout = b.timeout.as_secs_f64();
    let mut args = vec![
        "--count".to_string(),
        b.count.to_string(),
        "--rate".into(),
        b.rate.to_string(),
        "--max-in-flight".into(),
        b.in_flight.to_string(),
        "--hold".into(),
        // Longer than the run: the subscribers leave only when told (SIGTERM).
        (3.0 * timeout).to_string(),
        "--timeout".into(),
        (2.0 * timeout).to_string(),
    ];
    if b.up_at == UpAt::Ip {
        args.extend(["--up-at".to_string(), "ip".to_string()]);
    }
    // The figures depend on what else the machine runs (its two cores are shared): the
    // load average goes with them.
    let load_before = load_average();
    let started = Instant::now();
    let emulator = lab.emulator(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let setup = match b.up_at {
        UpAt::L2tp => wait_for_lns_sessions(&lns, b.count, started, b.timeout),
        UpAt::Ip => lns_ip::wait_for_ip_up(&lns, b.count, started, b.timeout, POLL),
    };
    let setup = match setup {
        Ok(took) => took,
        Err(why) => {
            // Where the subscribers that did not come up stopped: the LAC's RADIUS view
            // (answers, timeouts, queue refusals) and its subscribers.
            if b.radius.is_some() {
                for command in [
                    "show network-access aaa statistics",
                    "show network-access aaa radius-servers",
                    "show subscribers summary",
                ] {
                    let out = lac.cli(&[], &format!("{command}\n"));
                    eprintln!("LAC> {command}\n{}", l2tp_tests::output_text(&out));
                }
            }
            // And the emulator's own count of where its subscribers stopped.
            emulator.signal(Signal::SIGTERM);
            let (_, summary) = emulator.finish(b.timeout);
            eprintln!("emulator summary: {summary}");
            return Err(why);
        }
    };
    let rss_after = [rss(lac_pid)?, rss(lns_pid)?];
    let cpu_after = [
        cpu_seconds(&lac_pid.to_string())?,
        cpu_seconds(&lns_pid.to_string())?,
    ];
    // The emulator's whole CPU time so far (it started with the clock).
    let emulator_us = cpu_seconds(&emulator.pid().to_string())? * 1e6 / b.count as f64;
    // CPU per subscriber, in microseconds: what bounds the rate on a core of this machine.
    let [lac_us, lns_us] = [0, 1].map(|i| (cpu_after[i] - cpu_before[i]) * 1e6 / b.count as f64);
    let radius_cpu = match (
        radius_cpu_before,
        radius_server.as_ref().and_then(radius::LabServer::cpu),
    ) {
        (Some(before), Some(after)) => format!(
            "{:.0}",
            after.saturating_sub(before).as_secs_f64() * 1e6 / b.count as f64
        ),
        _ => "-".into(),
    };
    let lac_sessions = l2tp_sessions(&lac, false).len();
    let lns_tunnels = lns_tunnels(&lns);
    let established = b.up_at == UpAt::L2tp || all_established(&lns);

    let leaving = Instant::now();
    emulator.signal(Signal::SIGTERM);
    // Not fatal: the figures of the setup stand, and a teardown that leaves sessions
    // (or, at an LNS that terminates PPP, addresses) behind is reported as such.
    let teardown = match b.up_at {
        UpAt::L2tp => wait_for_lns_sessions(&lns, 0, leaving, b.timeout),
        UpAt::Ip => lns_ip::wait_for_clean(&lns, leaving, b.timeout, POLL),
    };
    let (_, summary) = emulator.finish(b.timeout);
    let radius_served = radius_server.and_then(radius::LabServer::stop);
    let radius_text = match b.radius {
        None => "none".to_string(),
        Some(server) => format!("{server:?}"),
    };

    let setup_rate = b.count as f64 / setup.as_secs_f64();
    let teardown_text = match &teardown {
        Ok(took) => format!(
            "{:.0}/s ({:.3} s)",
            b.count as f64 / took.as_secs_f64(),
            took.as_secs_f64()
        ),
        Err(why) => format!("incomplete: {why}"),
    };
    let [lac_per_subscriber, lns_per_subscriber] =
        [0, 1].map(|i| (rss_after[i].saturating_sub(rss_before[i]) * 1024) as f64 / b.count as f64);
    let setup_ms = &summary["setup_ms"];
    let (reached, clean) = match b.up_at {
        UpAt::L2tp => ("L2TP established", "LNS without session"),
        UpAt::Ip => ("IPCP up", "LNS without address or session"),
    };
    println!(
        "| subscribers | PADI → {reached} | CPU per subscriber LAC / LNS / emulator | \
         teardown (PADT → {clean}) | LAC RSS per subscriber | LNS RSS per subscriber | \
         emulator PADI → up p50 / p99 |"
    );
    println!("|---|---|---|---|---|---|---|");
    println!(
        "| {} | {:.0}/s ({:.3} s) | {:.0} / {:.0} / {:.0} µs | {} | {:.0} B ({} → {} KiB) \
         | {:.0} B ({} → {} KiB) | {} / {} ms |",
        b.count,
        setup_rate,
        setup.as_secs_f64(),
        lac_us,
        lns_us,
        emulator_us,
        teardown_text,
        lac_per_subscriber,
        rss_before[0],
        rss_after[0],
        lns_per_subscriber,
        rss_before[1],
        rss_after[1],
        setup_ms["p50"],
        setup_ms["p99"],
    );
    // The memory target is the daemon's that ends the subscriber's leg: the LAC's when the
    // LNS goes no further than L2TP, the LNS's when it terminates PPP.
    let per_subscriber = match b.up_at {
        UpAt::L2tp => lac_per_subscriber,
        UpAt::Ip => lns_per_subscriber,
    };
    println!(
        "load average (1 min) before / after the run: {load_before} / {}",
        load_average()
    );
    println!(
        "radius: {radius_text}; LNS tunnels when all were up: {lns_tunnels}; FreeRADIUS CPU per subscriber {radius_cpu} µs; responder \
         answered {}",
        radius_served.map_or("-".to_string(), |n| n.to_string())
    );
    let met = setup_rate >= RATE_TARGET && per_subscriber <= BYTES_PER_SUBSCRIBER_TARGET;
    println!(
        "pppoe-setup radius={radius_text} up_at={:?} count={} lac_sessions={} setup_per_s={:.0} lac_cpu_us={lac_us:.0} \
         lns_cpu_us={lns_us:.0} emulator_cpu_us={emulator_us:.0} teardown_complete={} \
         lac_rss_per_subscriber_bytes={lac_per_subscriber:.0} \
         lns_rss_per_subscriber_bytes={lns_per_subscriber:.0} emulator_ipcp_up={} \
         emulator_addresses={} targets_met={met}",
        b.up_at,
        b.count,
        lac_sessions,
        setup_rate,
        teardown.is_ok(),
        summary["ipcp_up"],
        summary["addresses"],
    );
    let ip_ok =
        b.up_at == UpAt::L2tp || (summary["ipcp_up"] == b.count && summary["addresses"] == b.count);
    Ok(lac_sessions == b.count && summary["up"] == b.count && established && ip_ok)
}

/// How many tunnels the LAC opened to the LNS ("?" if it cannot say): one carries every
/// subscriber unless something splits them.
fn lns_tunnels(lns: &DaemonProcess) -> String {
    Client::connect(&lns.socket())
        .ok()
        .and_then(
            |mut c| match c.ok(&Request::GetL2tpSummaryInformation { statistics: false }) {
                Reply::L2tpSummary(summary) => Some(summary.tunnels.to_string()),
                _ => None,
            },
        )
        .unwrap_or_else(|| "?".into())
}

/// The 1-minute load average from /proc/loadavg, as text ("?" if unreadable).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// Waits until the LNS shows exactly `count` sessions, every one established; returns the
/// time from `since` to the first summary that showed them all. The summary is read over
/// the management socket (no `cli` process per poll, which would take CPU from the daemons
/// being measured), and the session list that confirms every one is established is read
/// after the clock stops: listing 10,000 sessions is not part of their setup.
fn wait_for_lns_sessions(
    lns: &DaemonProcess,
    count: usize,
    since: Instant,
    limit: Duration,
) -> Result<Duration, String> {
    let deadline = since + limit;
    let mut client = Client::connect(&lns.socket()).map_err(|e| format!("LNS socket: {e}"))?;
    loop {
        let shown = match client.ok(&Request::GetL2tpSummaryInformation { statistics: false }) {
            Reply::L2tpSummary(summary) => summary.sessions as usize,
            other => return Err(format!("unexpected reply to the summary: {other:?}")),
        };
        if shown == count {
            let took = since.elapsed();
            if all_established(lns) {
                return Ok(took);
            }
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "the LNS shows {shown} sessions, not {count}, after {limit:?}"
            ));
        }
        std::thread::sleep(POLL);
    }
}

fn all_established(lns: &DaemonProcess) -> bool {
    l2tp_sessions(lns, false)
        .iter()
        .all(|s| leaf(s, "state").as_deref() == Some("established"))
}
