//! `cargo run --release --bin l2tp-bench -- setup --sessions N --tunnels M`
//! `cargo run --release --bin l2tp-bench -- ops --sessions N --tunnels M` (see `ops`)
//! `cargo run --release --bin l2tp-bench -- snmp --sessions N` (see `snmp.rs` beside it)
//! `cargo run --release --bin l2tp-bench -- flood --count N --sources M` (see `flood.rs`)
//! `cargo run --release --bin l2tp-bench -- control-under-data --sessions N --rates R,…`
//! (see `control_under_data.rs`)
//! `cargo run --release --bin l2tp-bench -- relay --seconds S` (root; see `relay.rs`)
//! `cargo run --release --bin l2tp-bench -- ip-forward --seconds S` (root; `ip_forward.rs`)
//! `cargo run --release --bin l2tp-bench -- data-workers --seconds S` (root; the data
//! workers, 1 vs 2, against a C recvmmsg loop: `data_workers.rs`)
//! `cargo run --release --bin l2tp-bench -- pppoe-setup --count N` (root; `pppoe_setup.rs`)
//! `cargo run --release --bin l2tp-bench -- pppoe-setup --count N --up-at ip` (root; the LNS
//! terminates PPP: `lns_ip.rs`)
//! `cargo run --release --bin l2tp-bench -- radius-auth --server responder|freeradius` and
//! `radius-memory --outstanding N` (the RADIUS client: `radius.rs`)
//!
//! Session setup and teardown rate, memory per session and idle CPU, LAC to LNS over real
//! loopback UDP (127.0.3.1 → 127.0.3.2, port 1701):
//! - the LNS is a real `l2tpd` process (built beside this binary when run through cargo),
//!   configured over its management socket; its RSS and CPU time are read from /proc;
//! - the LAC is the same engine in this process (`Engine::open_test_sessions`), so that N
//!   sessions start at once without a management round trip each; the RSS of this process
//!   is the LAC's (the bench's own bookkeeping is a few bytes per session).
//!
//! Sessions spread over M tunnels of one tunnel profile (distinct identifications, each of
//! `max-sessions` ⌈N/M⌉). A batch counts as done when the LNS has acknowledged every ICCN
//! (setup) or CDN (teardown). The last line is machine-readable.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

mod agentx_master;
mod control_under_data;
mod data_workers;
mod flood;
mod forwarded_flood;
mod forwarding;
mod ip_forward;
mod lns_ip;
mod ops;
mod pppoe_setup;
mod radius;
mod relay;

use clap::{Parser, Subcommand};

mod snmp;
use l2tp_tests::{Client, DaemonProcess};
use l2tpd::engine::{BatchReport, ConfigApply, Engine};

const LAC_ADDRESS: &str = "127.0.3.1";
const LNS_ADDRESS: &str = "127.0.3.2";
const PROFILE: &str = "bench";
const SECRET: &str = "bench-tunnel-secret";
/// A tunnel profile holds at most 31 tunnels (Junos).
const MAX_TUNNELS: usize = 31;
/// `max-sessions` of a profile tunnel is at most 60,000.
const MAX_SESSIONS_PER_TUNNEL: usize = 60_000;
/// Linux reports process CPU time in USER_HZ ticks, 100 a second on every architecture
/// the project targets (x86-64, arm64).
pub(crate) const USER_HZ: f64 = 100.0;

#[derive(Parser)]
#[command(about = "L2TP session benchmark: our LAC against our LNS on loopback")]
struct Args {
    #[command(subcommand)]
    command: Bench,
}

#[derive(Subcommand)]
enum Bench {
    /// Open N sessions over M tunnels, hold them idle, close them.
    Setup {
        #[arg(long, default_value_t = 20_000)]
        sessions: usize,
        #[arg(long, default_value_t = 8)]
        tunnels: usize,
        /// Seconds the sessions stay idle while CPU time is measured (0 = skip).
        #[arg(long, default_value_t = 5)]
        idle_seconds: u64,
        /// Hello interval of both sides (seconds), so hellos run during the idle period.
        #[arg(long, default_value_t = 5)]
        hello_interval: u32,
        /// Control receive window of both sides (4 is the RFC and Junos default).
        #[arg(long, default_value_t = 4)]
        rx_window: u16,
        /// Bound on each of setup and teardown (seconds).
        #[arg(long, default_value_t = 120)]
        timeout: u64,
    },
    /// Open N sessions over M tunnels, then time the show commands on the LNS while the
    /// hellos of both sides run.
    Ops {
        #[arg(long, default_value_t = 65_000)]
        sessions: usize,
        #[arg(long, default_value_t = 16)]
        tunnels: usize,
        /// Times each command runs (the median is reported).
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Hello interval of both sides (seconds): short, so hellos run during the shows.
        #[arg(long, default_value_t = 2)]
        hello_interval: u32,
        /// Bound on each of setup and teardown (seconds).
        #[arg(long, default_value_t = 120)]
        timeout: u64,
    },
    /// Walk JNX-L2TP-MIB with snmpbulkwalk while N sessions are up: from the embedded
    /// agent and through snmpd (AgentX); the setup rate of a probe batch beside a walk.
    Snmp {
        #[arg(long, default_value_t = 65_000)]
        sessions: usize,
        #[arg(long, default_value_t = 8)]
        tunnels: usize,
        /// Sessions of each probe batch (one without a walk, one during it).
        #[arg(long, default_value_t = 2_500)]
        probe: usize,
        /// Bound on each batch (seconds).
        #[arg(long, default_value_t = 120)]
        timeout: u64,
    },
    /// An SCCRQ flood from many loopback addresses against a real LNS, with a probe and a
    /// legitimate LAC beside it.
    Flood {
        #[arg(long, default_value_t = 100_000)]
        count: usize,
        #[arg(long, default_value_t = 500)]
        sources: usize,
        /// SCCRQs a second (0: as fast as one thread sends).
        #[arg(long, default_value_t = 25_000)]
        rate: u32,
        /// Send the Host Name of an access-profile client, so SCCRQs open tunnels.
        #[arg(long)]
        admitted: bool,
        /// Seconds without a reply after which replies are no longer counted.
        #[arg(long, default_value_t = 1)]
        linger: u64,
    },
    /// The relay's fast path against a plain AF_PACKET → UDP forwarder, packets/s per
    /// core, 64- and 1,400-byte frames (root: a network namespace with a veth pair).
    Relay {
        /// Seconds of each of the four measurements.
        #[arg(long, default_value_t = 5)]
        seconds: u64,
    },
    /// Set-up of N sessions while another session is flooded with data, at each rate.
    ControlUnderData {
        #[arg(long, default_value_t = 2_000)]
        sessions: usize,
        /// Flood rates in data messages a second, 0 for the sender's maximum.
        #[arg(long, value_delimiter = ',', default_values_t = [200_000, 400_000, 600_000, 0])]
        rates: Vec<u64>,
        /// Flood from an ephemeral port of the LAC's address, not from the tunnel's port
        /// (since stage 12 the LNS's listener takes both alike).
        #[arg(long)]
        flood_from_another_port: bool,
        /// The flooded session without IP (no IPCP, no service interface): its data goes
        /// to the LNS's engine, not to TUN. By default it has an address and the LNS
        /// forwards its data, as deployed (root: a network namespace of the bench's own).
        #[arg(long)]
        flood_without_ip: bool,
        /// Flood from the address and port of the LAC that sets the sessions up: the flood
        /// comes from the very address and port whose control must get through (the limit
        /// docs/performance.md states for stage 11, which stage 12 removed).
        #[arg(long)]
        flood_the_setup_tunnel: bool,
        /// How the flood is sent: `gso` (UDP GSO, 64 messages a datagram, cut apart at the
        /// LNS's socket) or `batched` (one datagram a message, 64 a sendmmsg: stage 7's).
        #[arg(long, default_value = "gso", value_parser = ["gso", "batched"])]
        flood_sender: String,
        /// Sender threads sharing the rate (each its own socket).
        #[arg(long, default_value_t = 1)]
        flood_threads: usize,
        #[arg(long, default_value_t = 60)]
        timeout: u64,
    },
    /// The LNS's IP fast path (L2TP socket ↔ TUN service interface) against a plain UDP ↔
    /// TUN forwarder, packets/s per core, 64- and 1,400-byte IP packets (root: a network
    /// namespace with a TUN device).
    IpForward {
        /// Seconds of each of the eight measurements.
        #[arg(long, default_value_t = 5)]
        seconds: u64,
    },
    /// The data workers (issue 15, item 2) with 1 and 2 workers, LNS L2TP → TUN and the LAC
    /// relay L2TP → PPPoE (and, named in `--paths`, PPPoE → L2TP and TUN → L2TP), 64 and 1,400 B, 1 and 1,000 sessions, against a plain C recvmmsg
    /// loop (root: a network namespace with a TUN device and a veth pair).
    DataWorkers {
        /// Seconds of each measurement.
        #[arg(long, default_value_t = 3)]
        seconds: u64,
        /// Only these paths (`lns`, `lac`; `lacup` PPPoE → L2TP and `lnsdown` TUN → L2TP
        /// only when named), e.g. to profile one.
        #[arg(long, value_delimiter = ',', default_values_t = ["lns".to_string(), "lac".to_string()])]
        paths: Vec<String>,
        #[arg(long, value_delimiter = ',', default_values_t = [64, 1400])]
        sizes: Vec<usize>,
        #[arg(long, value_delimiter = ',', default_values_t = [1, 1000])]
        sessions: Vec<usize>,
        #[arg(long, value_delimiter = ',', default_values_t = [1, 2])]
        workers: Vec<usize>,
    },
    /// PPPoE subscribers from pppoe-emulator through our LAC to our LNS, in network
    /// namespaces made by the bench (root): setup rate PADI → L2TP session established,
    /// and the LAC's memory per subscriber; with `--up-at ip` the LNS terminates PPP and the
    /// setup ends when IPCP gave each subscriber a pool address.
    PppoeSetup {
        #[arg(long, default_value_t = 10_000)]
        count: usize,
        /// How far a subscriber gets: its L2TP session established, or IPCP up at the LNS.
        #[arg(long, value_enum, default_value_t = pppoe_setup::UpAt::L2tp)]
        up_at: pppoe_setup::UpAt,
        /// Subscribers the emulator starts per second.
        #[arg(long, default_value_t = 1_000_000.0)]
        rate: f64,
        /// Subscribers started and not yet up, at most.
        #[arg(long, default_value_t = 2_000)]
        in_flight: usize,
        /// Control receive window of both daemons (4 is the RFC and Junos default).
        #[arg(long, default_value_t = 4)]
        rx_window: u16,
        /// Bound on each of setup and teardown (seconds).
        #[arg(long, default_value_t = 60)]
        timeout: u64,
        /// Authenticate every subscriber at the LAC with RADIUS first (an access profile
        /// with `authentication-order radius` on the domain map).
        #[arg(long, value_enum)]
        radius: Option<radius::Server>,
    },
    /// Authentications per second of the daemon's RADIUS client (PAP Access-Requests, N
    /// outstanding) against a minimal in-process responder (the ceiling) or FreeRADIUS on
    /// loopback; latency, client CPU per request, timeouts.
    RadiusAuth {
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        #[arg(long, default_value_t = 256)]
        in_flight: usize,
        /// The server's max-outstanding-requests (default: --in-flight, none waits).
        #[arg(long)]
        max_outstanding: Option<usize>,
        #[arg(long, value_enum, default_value_t = radius::Server::Responder)]
        server: radius::Server,
    },
    /// Memory per outstanding RADIUS request: RSS before and after N requests to a server
    /// that never answers.
    RadiusMemory {
        #[arg(long, default_value_t = 100_000)]
        outstanding: usize,
        /// Drop the datagrams instead of sending them (no sockets): the client's state only.
        #[arg(long)]
        client_only: bool,
    },
}

struct Setup {
    sessions: usize,
    tunnels: usize,
    idle: Duration,
    hello_interval: u32,
    rx_window: u16,
    timeout: Duration,
}

fn main() -> ExitCode {
    let outcome = match Args::parse().command {
        Bench::Setup {
            sessions,
            tunnels,
            idle_seconds,
            hello_interval,
            rx_window,
            timeout,
        } => run(&Setup {
            sessions,
            tunnels,
            idle: Duration::from_secs(idle_seconds),
            hello_interval,
            rx_window,
            timeout: Duration::from_secs(timeout),
        }),
        Bench::Ops {
            sessions,
            tunnels,
            runs,
            hello_interval,
            timeout,
        } => run_ops(
            &Setup {
                sessions,
                tunnels,
                idle: Duration::ZERO,
                hello_interval,
                rx_window: 4,
                timeout: Duration::from_secs(timeout),
            },
            runs,
        ),
        Bench::Snmp {
            sessions,
            tunnels,
            probe,
            timeout,
        } => snmp::run(&snmp::SnmpBench {
            sessions,
            tunnels,
            probe,
            timeout: Duration::from_secs(timeout),
        }),
        Bench::Flood {
            count,
            sources,
            rate,
            admitted,
            linger,
        } => flood::run(&flood::FloodBench {
            count,
            sources,
            rate,
            admitted,
            linger: Duration::from_secs(linger),
        }),
        Bench::ControlUnderData {
            sessions,
            rates,
            flood_from_another_port,
            flood_without_ip,
            flood_the_setup_tunnel,
            flood_sender,
            flood_threads,
            timeout,
        } => ensure_l2tpd().and_then(|()| {
            control_under_data::run(&control_under_data::ControlUnderData {
                sessions,
                rates,
                flood_port: if flood_from_another_port {
                    l2tp_tests::data_flood::FloodPort::Other
                } else {
                    l2tp_tests::data_flood::FloodPort::Tunnel
                },
                forwarded: !flood_without_ip,
                flood_the_setup_tunnel,
                sender: if flood_sender == "batched" {
                    l2tp_tests::data_flood::FloodSender::Batched
                } else {
                    l2tp_tests::data_flood::FloodSender::Gso
                },
                sender_threads: flood_threads,
                timeout: Duration::from_secs(timeout),
            })
        }),
        Bench::Relay { seconds } => relay::run(&relay::RelayBench { seconds }),
        Bench::IpForward { seconds } => ip_forward::run(&ip_forward::IpForwardBench { seconds }),
        Bench::DataWorkers {
            seconds,
            paths,
            sizes,
            sessions,
            workers,
        } => data_workers::run(&data_workers::DataWorkersBench {
            seconds,
            paths,
            sizes,
            sessions,
            workers,
        }),
        Bench::PppoeSetup {
            count,
            up_at,
            rate,
            in_flight,
            rx_window,
            timeout,
            radius,
        } => ensure_l2tpd().and_then(|()| {
            pppoe_setup::run(&pppoe_setup::PppoeSetupBench {
                count,
                up_at,
                rate,
                in_flight,
                rx_window,
                timeout: Duration::from_secs(timeout),
                radius,
            })
        }),
        Bench::RadiusAuth {
            seconds,
            in_flight,
            max_outstanding,
            server,
        } => radius::run_auth(&radius::AuthBench {
            seconds,
            in_flight,
            max_outstanding,
            server,
        }),
        Bench::RadiusMemory {
            outstanding,
            client_only,
        } => radius::run_memory(&radius::MemoryBench {
            outstanding,
            client_only,
        }),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(why) => {
            eprintln!("l2tp-bench: {why}");
            ExitCode::FAILURE
        }
    }
}

/// Sessions per tunnel: every session must fit, and a tunnel's `max-sessions` caps it.
fn per_tunnel(sessions: usize, tunnels: usize) -> Result<usize, String> {
    if tunnels == 0 || tunnels > MAX_TUNNELS {
        return Err(format!("--tunnels must be 1 to {MAX_TUNNELS}"));
    }
    if sessions == 0 {
        return Err("--sessions must be at least 1".into());
    }
    let each = sessions.div_ceil(tunnels);
    if each > MAX_SESSIONS_PER_TUNNEL {
        return Err(format!(
            "{sessions} sessions over {tunnels} tunnels is {each} a tunnel; at most \
             {MAX_SESSIONS_PER_TUNNEL} fit in one: use more tunnels"
        ));
    }
    Ok(each)
}

fn lac_set_lines(s: &Setup, each: usize) -> String {
    let mut lines = format!(
        "set system host-name bench-lac\n\
         set services l2tp tunnel hello-interval {}\n\
         set services l2tp tunnel rx-window-size {}\n",
        s.hello_interval, s.rx_window
    );
    for n in 1..=s.tunnels {
        // Distinct identifications: otherwise every profile tunnel to the same LNS would
        // reuse the first one.
        lines.push_str(&format!(
            "set access tunnel-profile {PROFILE} tunnel {n} source-gateway address {LAC_ADDRESS}\n\
             set access tunnel-profile {PROFILE} tunnel {n} remote-gateway address {LNS_ADDRESS}\n\
             set access tunnel-profile {PROFILE} tunnel {n} secret {SECRET}\n\
             set access tunnel-profile {PROFILE} tunnel {n} identification bench{n}\n\
             set access tunnel-profile {PROFILE} tunnel {n} max-sessions {each}\n"
        ));
    }
    lines
}

fn lns_set_lines(s: &Setup, each: usize) -> String {
    format!(
        "set system host-name bench-lns\n\
         set services l2tp tunnel rx-window-size {window}\n\
         set services l2tp tunnel-group bench local-gateway address {LNS_ADDRESS}\n\
         set services l2tp tunnel-group bench l2tp-access-profile bench-lacs\n\
         set services l2tp tunnel-group bench hello-interval {hello}\n\
         set access profile bench-lacs client bench-lac l2tp shared-secret {SECRET}\n\
         set access profile bench-lacs client bench-lac l2tp maximum-sessions-per-tunnel {each}\n",
        window = s.rx_window,
        hello = s.hello_interval,
    )
}

/// When run through cargo, builds `l2tpd` and `cli` into the same target directory and
/// profile as this binary, so the LNS and the shell `ops` times are never stale builds;
/// otherwise they must already be there.
fn ensure_l2tpd() -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
    let dir = exe.parent().unwrap_or(Path::new("."));
    if let (Some(cargo), Some(manifest_dir)) = (
        std::env::var_os("CARGO"),
        std::env::var_os("CARGO_MANIFEST_DIR"),
    ) {
        let profile = dir.file_name().and_then(|n| n.to_str()).unwrap_or("debug");
        let target = dir.parent().unwrap_or(Path::new("."));
        let mut build = Command::new(cargo);
        build
            .arg("build")
            .arg("--quiet")
            .arg("--manifest-path")
            .arg(PathBuf::from(manifest_dir).join("Cargo.toml"))
            .arg("--target-dir")
            .arg(target)
            .args(["-p", "l2tpd", "--bin", "l2tpd", "-p", "cli", "--bin", "cli"])
            .args(["-p", "l2tp-tests", "--bin", "pppoe-emulator"]);
        if profile == "release" {
            build.arg("--release");
        }
        let status = build
            .status()
            .map_err(|e| format!("cannot run cargo to build l2tpd: {e}"))?;
        if !status.success() {
            return Err("building l2tpd and cli failed".into());
        }
    }
    if dir.join("l2tpd").exists() {
        Ok(())
    } else {
        Err(format!(
            "{} is missing: run through `cargo run --release --bin l2tp-bench`, or build \
             the binaries first (`cargo build --release --bins`)",
            dir.join("l2tpd").display()
        ))
    }
}

fn commit_lns(daemon: &DaemonProcess, set_lines: &str) -> Result<(), String> {
    Client::connect(&daemon.socket())
        .map_err(|e| e.to_string())?
        .commit_set_lines(set_lines, "l2tp-bench")
        .map_err(|e| format!("LNS configuration refused: {e}"))
}

fn lac_engine(set_lines: &str) -> Result<Engine, String> {
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), set_lines)
        .map_err(|e| format!("LAC configuration: {e:?}"))?;
    let mut engine = Engine::start()?;
    engine.apply(&std::sync::Arc::new(schema::typed::router_config(&tree)))?;
    Ok(engine)
}

/// Resident set of process `pid` ("self" for this one), in bytes.
fn rss_bytes(pid: &str) -> Result<u64, String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("cannot read /proc/{pid}/status: {e}"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|kib| kib.parse::<u64>().ok())
        .map(|kib| kib * 1024)
        .ok_or_else(|| format!("no VmRSS in /proc/{pid}/status"))
}

/// User plus system CPU time of process `pid`, all threads, in seconds.
fn cpu_seconds(pid: &str) -> Result<f64, String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map_err(|e| format!("cannot read /proc/{pid}/stat: {e}"))?;
    // The command name is in parentheses and may contain spaces: count fields after it.
    // utime and stime are fields 14 and 15, i.e. the 12th and 13th after the name.
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let mut fields = after_name.split_whitespace().skip(11);
    let mut tick = || fields.next().and_then(|f| f.parse::<u64>().ok());
    match (tick(), tick()) {
        (Some(user), Some(system)) => Ok((user + system) as f64 / USER_HZ),
        _ => Err(format!("unexpected /proc/{pid}/stat")),
    }
}

fn per_second(count: usize, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 {
        count as f64 / secs
    } else {
        0.0
    }
}

/// `used` CPU seconds over `window` seconds as a share of one core; /proc counts in ticks,
/// so a window with no tick shows the bound it proves instead of a bare zero.
fn cpu_share(used: f64, window: f64) -> String {
    if used <= 0.0 {
        format!("< {:.2} %", 100.0 / USER_HZ / window)
    } else {
        format!("{:.2} %", used / window * 100.0)
    }
}

fn per_session(before: u64, after: u64, sessions: usize) -> u64 {
    after.saturating_sub(before) / u64::try_from(sessions.max(1)).unwrap_or(u64::MAX)
}

fn check(what: &str, report: &BatchReport) -> bool {
    let ok = report.failed == 0 && !report.timed_out && report.completed == report.requested;
    if !ok {
        eprintln!(
            "l2tp-bench: {what}: {} of {} done, {} failed{}{}",
            report.completed,
            report.requested,
            report.failed,
            if report.timed_out { ", timed out" } else { "" },
            report
                .first_failure
                .as_deref()
                .map(|w| format!(" (first: {w})"))
                .unwrap_or_default()
        );
    }
    ok
}

/// The LNS daemon (with its pid) and the in-process LAC engine, configured for `s`.
fn start_pair(s: &Setup) -> Result<(DaemonProcess, String, Engine), String> {
    let each = per_tunnel(s.sessions, s.tunnels)?;
    ensure_l2tpd()?;
    let lns = DaemonProcess::start();
    let lns_pid = lns
        .pid()
        .map(|p| p.to_string())
        .ok_or("the LNS daemon has no process id")?;
    commit_lns(&lns, &lns_set_lines(s, each))?;
    let lac = lac_engine(&lac_set_lines(s, each))?;
    Ok((lns, lns_pid, lac))
}

fn run_ops(s: &Setup, runs: usize) -> Result<bool, String> {
    let (lns, _, mut lac) = start_pair(s)?;
    let opened = lac.open_test_sessions(PROFILE, s.sessions, s.timeout)?;
    if !check("setup", &opened) {
        return Ok(false);
    }
    let ok = ops::measure(&mut lac, &lns, s.sessions, s.tunnels, runs)?;
    let closed = lac.close_test_sessions(s.timeout)?;
    Ok(ok && check("teardown", &closed))
}

fn run(s: &Setup) -> Result<bool, String> {
    let (lns, lns_pid, lac) = start_pair(s)?;

    let (lac_before, lns_before) = (rss_bytes("self")?, rss_bytes(&lns_pid)?);
    let opened = lac.open_test_sessions(PROFILE, s.sessions, s.timeout)?;
    let (lac_after, lns_after) = (rss_bytes("self")?, rss_bytes(&lns_pid)?);
    let mut ok = check("setup", &opened);
    let established = opened.completed;

    let idle = if ok && !s.idle.is_zero() {
        let (lac_cpu, lns_cpu) = (cpu_seconds("self")?, cpu_seconds(&lns_pid)?);
        // The measurement window itself: the sessions sit idle, hellos keep the tunnels up.
        std::thread::sleep(s.idle);
        Some((
            cpu_seconds("self")? - lac_cpu,
            cpu_seconds(&lns_pid)? - lns_cpu,
        ))
    } else {
        None
    };

    let closed = lac.close_test_sessions(s.timeout)?;
    ok &= check("teardown", &closed);
    drop(lac);
    drop(lns);

    let setup_per_s = per_second(opened.completed, opened.elapsed);
    let teardown_per_s = per_second(closed.completed, closed.elapsed);
    let lac_per_session = per_session(lac_before, lac_after, established);
    let lns_per_session = per_session(lns_before, lns_after, established);

    println!(
        "L2TP bench: {} sessions over {} tunnels, LAC {LAC_ADDRESS} (this process) -> \
         LNS {LNS_ADDRESS} (l2tpd), rx-window {}, hello-interval {} s",
        s.sessions, s.tunnels, s.rx_window, s.hello_interval
    );
    let row = |name: &str, value: String, target: &str| {
        println!("{name:<44}{value:>16}{target:>14}");
    };
    row("measurement", "result".into(), "target");
    row(
        "sessions established",
        format!("{established}/{}", s.sessions),
        "",
    );
    row(
        "setup (ICRQ..ICCN acknowledged)",
        format!("{:.0}/s", setup_per_s),
        ">= 10000/s",
    );
    row(
        "  time",
        format!("{:.3} s", opened.elapsed.as_secs_f64()),
        "",
    );
    row(
        "teardown (CDN acknowledged)",
        format!("{:.0}/s", teardown_per_s),
        "",
    );
    row(
        "  time",
        format!("{:.3} s", closed.elapsed.as_secs_f64()),
        "",
    );
    row(
        "LNS l2tpd RSS per session",
        format!("{lns_per_session} B"),
        "<= 4096 B",
    );
    row(
        "LAC engine RSS per session (in-process)",
        format!("{lac_per_session} B"),
        "<= 4096 B",
    );
    row(
        "LNS l2tpd RSS with the sessions up",
        format!("{:.1} MiB", lns_after as f64 / 1_048_576.0),
        "",
    );
    if let Some((lac_cpu, lns_cpu)) = idle {
        let secs = s.idle.as_secs_f64();
        row(
            &format!("LNS l2tpd CPU, idle for {} s", s.idle.as_secs()),
            cpu_share(lns_cpu, secs),
            "< 2 %",
        );
        row(
            &format!("LAC engine CPU, idle for {} s", s.idle.as_secs()),
            cpu_share(lac_cpu, secs),
            "< 2 %",
        );
    }
    // The machine-readable line: the larger of the two sides' memory per session, so the
    // figure holds for either daemon role.
    println!(
        "sessions={} tunnels={} setup_per_s={:.0} teardown_per_s={:.0} rss_per_session_bytes={}",
        s.sessions,
        s.tunnels,
        setup_per_s,
        teardown_per_s,
        lac_per_session.max(lns_per_session)
    );
    Ok(ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_spread_within_tunnel_limits() {
        assert_eq!(per_tunnel(20_000, 8), Ok(2500));
        assert_eq!(per_tunnel(65_000, 8), Ok(8125));
        assert_eq!(per_tunnel(7, 2), Ok(4));
        assert!(per_tunnel(10, 0).is_err());
        assert!(per_tunnel(10, 32).is_err());
        assert!(per_tunnel(0, 1).is_err());
        assert!(per_tunnel(120_001, 2).is_err());
    }

    #[test]
    fn idle_cpu_reads_as_a_share_of_a_core() {
        assert_eq!(cpu_share(0.0, 30.0), "< 0.03 %");
        assert_eq!(cpu_share(0.3, 30.0), "1.00 %");
    }

    #[test]
    fn proc_stat_fields_after_a_name_with_spaces() {
        let pid = std::process::id().to_string();
        let cpu = cpu_seconds(&pid).expect("own stat");
        assert!(cpu >= 0.0);
        assert!(rss_bytes(&pid).expect("own status") > 0);
    }

    #[test]
    fn configurations_are_accepted_by_the_schema() {
        let s = Setup {
            sessions: 10,
            tunnels: 3,
            idle: Duration::ZERO,
            hello_interval: 5,
            rx_window: 16,
            timeout: Duration::from_secs(1),
        };
        for lines in [lac_set_lines(&s, 4), lns_set_lines(&s, 4)] {
            let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), &lines)
                .expect("set lines parse");
            let config = schema::typed::router_config(&tree);
            assert_eq!(config.l2tp.tunnel.rx_window_size, 16);
        }
    }
}
