//! `l2tp-bench control-under-data` (issue 15, item 1): the time to set up `--sessions`
//! sessions at a real `l2tpd` LNS (127.79.0.1) from a LAC engine in this process
//! (127.79.0.3), with no flood and then while one other session (LAC A, 127.79.0.2) is
//! flooded with 64-byte L2TP data messages at each `--rates` rate (0: as fast as one
//! thread sends). Each row: the set-up time, its ratio to the unflooded one (the issue's
//! target: at most 3), the flood's real rate and its sender's rate per CPU-second, what the
//! LNS forwarded of it, what the kernel dropped at the LNS's sockets with their receive
//! buffers full, and the LNS's data drops (`Data queue full`). The sessions are closed
//! between rows; the flood starts 300 ms before each set-up and stops when it is done.
//!
//! The flood leaves from the tunnel's own port (1701) by default, as a deployed LAC's data
//! does; `--flood-from-another-port` sends it from an ephemeral port instead, as the first
//! measurement did (docs/performance.md). Either way the LNS's listener takes it on the data
//! socket its Session ID picks, read by a data worker (before stage 12, the tunnel's own
//! connected socket took the first, control and data together).
//!
//! The flood is sent with UDP GSO by default (`--flood-sender gso`, data_flood.rs): one
//! thread reaches the asked rates that way; `--flood-sender batched` is stage 7's sender.
//!
//! By default the flooded session is as deployed (`forwarded_flood`: IPCP open, a service
//! interface at the LNS, the bench in a network namespace of its own): its data is IPv4
//! from its address, which the worker writes to the TUN device. `--flood-without-ip` leaves
//! it without IP, as the earlier measurements did: what the worker reads misses the fast
//! path and is offered to the engine's data queue, where a full queue drops it, counted.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use l2tp_tests::data_flood::{
    filler_ppp, lac, lns_config, lns_sessions, summary, DataFloodSpec, FloodPort, FloodSender,
    RunningFlood, GSO_SEGMENTS, PROFILE,
};
use l2tp_tests::flood::all_socket_drops;
use l2tp_tests::ops::number;
use l2tp_tests::DaemonProcess;

use super::forwarded_flood::{self, Sink};

const LNS: Ipv4Addr = Ipv4Addr::new(127, 79, 0, 1);
const LAC_A: Ipv4Addr = Ipv4Addr::new(127, 79, 0, 2);
const LAC_B: Ipv4Addr = Ipv4Addr::new(127, 79, 0, 3);
const HELLO: u32 = 5;
const TARGET_RATIO: f64 = 3.0;

pub struct ControlUnderData {
    pub sessions: usize,
    /// Flood rates, data messages a second; 0 is the sender's maximum.
    pub rates: Vec<u64>,
    pub flood_port: FloodPort,
    /// The flooded session has an address and its data is forwarded to TUN (root).
    pub forwarded: bool,
    /// The flood leaves from LAC B's address (and, with `FloodPort::Tunnel`, its port): it
    /// fills the LNS's socket of the tunnel being set up, not another tunnel's.
    pub flood_the_setup_tunnel: bool,
    pub sender: FloodSender,
    /// Sender threads sharing the rate.
    pub sender_threads: usize,
    pub timeout: Duration,
}

pub fn run(b: &ControlUnderData) -> Result<bool, String> {
    if b.forwarded {
        forwarded_flood::enter()?;
    }
    let lns = DaemonProcess::start();
    let mut config = lns_config(LNS, b.sessions, HELLO);
    if b.forwarded {
        config.push_str(&super::lns_ip::lns_lines());
    }
    lns.commit(&config);
    let lac_a = lac("lac-a", LAC_A, LNS, 1, HELLO)?;
    let lac_b = lac("lac-b", LAC_B, LNS, b.sessions, HELLO)?;
    let flooded = if b.forwarded {
        lac_a.open_test_sessions_with_ip(PROFILE, 1, b.timeout)?
    } else {
        lac_a.open_test_sessions(PROFILE, 1, b.timeout)?
    };
    if flooded.completed != 1 {
        return Err(format!("the session to flood did not come up: {flooded:?}"));
    }
    let Some(&(tunnel_id, session_id, _)) = lns_sessions(&lns).first() else {
        return Err("no session at the LNS".into());
    };
    let (ppp, mut sink) = if b.forwarded {
        let address = forwarded_flood::subscriber_address(&lns, b.timeout)?;
        (forwarded_flood::ppp(address), Some(Sink::open()?))
    } else {
        (filler_ppp(), None)
    };
    println!(
        "control under data: {} sessions from {LAC_B} to {LNS} while {LAC_A}'s session is flooded (64-byte data messages{}, {})",
        b.sessions,
        if b.flood_the_setup_tunnel {
            format!(" sent from {LAC_B}, the set-up's own LAC")
        } else {
            String::new()
        },
        match b.flood_port {
            FloodPort::Tunnel => "from the tunnel's port: the LNS's data workers read it",
            FloodPort::Other => "from another port: the LNS's listener takes it",
        }
    );
    println!(
        "the flooded session {}",
        if b.forwarded {
            "has an address: the LNS forwards its data to TUN"
        } else {
            "has no IP: the LNS offers its data to the engine's data queue"
        }
    );
    println!(
        "the flood's sender: {} thread(s), {}",
        b.sender_threads,
        match b.sender {
            FloodSender::Batched => "64 datagrams a sendmmsg, one message each",
            FloodSender::Gso => "UDP GSO, 64 messages a datagram, cut apart at the LNS's socket",
        }
    );
    println!("flood (asked)   flood (sent)    sender/CPU-s  set-up      ratio   complete  forwarded  socket full  data drops at the LNS control socket full");
    let mut ok = true;
    let mut unflooded: Option<f64> = None;
    let mut results = Vec::new();
    for rate in std::iter::once(None).chain(b.rates.iter().copied().map(Some)) {
        let before = summary(&lns).2;
        let drops_before = number(&before, "data-queue-full");
        let control_before = number(&before, "control-socket-full");
        let lns_address = SocketAddr::from((LNS, 1701));
        let kernel_drops_before = all_socket_drops(lns_address).unwrap_or(0);
        let flood = rate.map(|rate| {
            RunningFlood::start(DataFloodSpec {
                from: if b.flood_the_setup_tunnel {
                    LAC_B
                } else {
                    LAC_A
                },
                port: b.flood_port,
                target: SocketAddr::from((LNS, 1701)),
                tunnel_id,
                session_id,
                ppp: ppp.clone(),
                rate,
                count: u64::MAX,
                time_limit: b.timeout,
                sender: b.sender,
                threads: b.sender_threads,
            })
        });
        if flood.is_some() {
            std::thread::sleep(Duration::from_millis(300));
        }
        let setup = lac_b.open_test_sessions(PROFILE, b.sessions, b.timeout)?;
        let sent = match flood {
            Some(flood) => Some(flood.stop().map_err(|e| format!("flood: {e}"))?),
            None => None,
        };
        let after = summary(&lns).2;
        let drops = number(&after, "data-queue-full").saturating_sub(drops_before);
        // What the kernel dropped of control with the control socket's buffer full: the
        // point of the listener's split (issue 15, item 1), shown apart.
        let control_lost = number(&after, "control-socket-full").saturating_sub(control_before);
        let kernel_drops = all_socket_drops(lns_address)
            .unwrap_or(0)
            .saturating_sub(kernel_drops_before);
        let forwarded = sink.as_mut().map(settled_count);
        let seconds = setup.elapsed.as_secs_f64();
        let base = *unflooded.get_or_insert(seconds);
        let ratio = seconds / base.max(1e-9);
        let complete = setup.completed == b.sessions && setup.failed == 0 && !setup.timed_out;
        ok &= complete && ratio <= TARGET_RATIO;
        let asked = match rate {
            None => "none".to_string(),
            Some(0) => "maximum".to_string(),
            Some(r) => format!("{r}/s"),
        };
        let real = sent.map_or("-".to_string(), |s| format!("{:.0}/s", s.rate()));
        let per_cpu = sent.map_or("-".to_string(), |s| format!("{:.0}", s.per_cpu_second()));
        let shown = |n: Option<u64>| n.map_or("-".to_string(), |n| n.to_string());
        println!(
            "{asked:<15} {real:<15} {per_cpu:<13} {:>8.1} ms {ratio:>6.2}  {:<9} {:<10} {:<12} {drops:<21} {control_lost}",
            seconds * 1000.0,
            if complete { "yes" } else { "NO" },
            shown(forwarded),
            shown(sent.map(|_| kernel_drops)),
        );
        if let (Some(sent), Some(forwarded)) = (sent, forwarded) {
            // Each GSO datagram is cut into its messages at the LNS's socket: the kernel
            // counts one drop a message there when the buffer is full, the sink one packet
            // a message forwarded. Together they account for every message sent.
            println!(
                "    {} messages sent ({}): forwarded {forwarded} + the LNS's socket full {kernel_drops} = {}",
                sent.sent,
                match b.sender {
                    FloodSender::Batched => "one a datagram".to_string(),
                    FloodSender::Gso => format!("up to {GSO_SEGMENTS} a GSO datagram"),
                },
                forwarded + kernel_drops,
            );
        }
        results.push(format!(
            "{}={:.0}ms",
            asked.trim_end_matches("/s"),
            seconds * 1000.0
        ));
        let closed = lac_b.close_test_sessions(b.timeout)?;
        if closed.completed != b.sessions {
            return Err(format!("the sessions did not all close: {closed:?}"));
        }
    }
    println!(
        "RESULT control-under-data sessions={} flood_port={:?} forwarded={} setup_tunnel_flooded={} sender={:?}x{} {} target_ratio<={TARGET_RATIO}",
        b.sessions,
        b.flood_port,
        b.forwarded,
        b.flood_the_setup_tunnel,
        b.sender,
        b.sender_threads,
        results.join(" ")
    );
    Ok(ok)
}

/// What reached the sink once nothing more comes for 100 ms (at most 3 s): the LNS's worker
/// still forwards what its socket held when the flood stopped.
fn settled_count(sink: &mut Sink) -> u64 {
    let mut total = sink.take_count();
    for _ in 0..30 {
        std::thread::sleep(Duration::from_millis(100));
        let more = sink.take_count();
        if more == 0 {
            break;
        }
        total += more;
    }
    total
}
