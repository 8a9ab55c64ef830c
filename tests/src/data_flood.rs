//! A data flood on one established L2TP session at an LNS, and the LACs around it (issue
//! 15, item 1): `tests/tests/l2tp_data_flood.rs` asserts what control does meanwhile, and
//! `l2tp-bench control-under-data` times it. Bounded in count and in time.
//!
//! The LACs are the engine in this process (as `l2tp-bench setup` runs it): a batch of
//! sessions starts at once and its outcome is one report. The flood leaves from the flooded
//! tunnel's LAC address, on another port ([`FloodPort::Other`]: the LNS admits a tunnel's
//! data from its peer's address, RFC 2661 §24.19 lets a peer move its port) or on the
//! tunnel's own ([`FloodPort::Tunnel`]), as a deployed LAC's data leaves.

use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use l2tpd::engine::{ConfigApply, Engine};
use l2tpd::io::packet_socket::{send_datagrams, send_datagrams_to, MAX_MESSAGES_PER_CALL};
use l2tpd::l2tp::wire::header::DataHeader;
use l2tpd::l2tp::wire::DataMessage;

use crate::daemon::DaemonProcess;
use crate::ops::{elements, leaf, number, show_json};

pub const SECRET: &str = "data-flood-secret";
/// The tunnel profile each LAC engine has.
pub const PROFILE: &str = "p";
/// The port both ends' tunnels use (each LAC's source address has its listener there).
const L2TP_PORT: u16 = 1701;

/// The LNS's configuration: a tunnel group on `lns` for LACs named `lac-a` and `lac-b`,
/// `lac-b` allowed `sessions` in its tunnel, hellos every `hello` seconds.
pub fn lns_config(lns: Ipv4Addr, sessions: usize, hello: u32) -> String {
    format!(
        "set system host-name flood-lns\n\
         set services l2tp tunnel-group g local-gateway address {lns}\n\
         set services l2tp tunnel-group g l2tp-access-profile lacs\n\
         set services l2tp tunnel-group g hello-interval {hello}\n\
         set access profile lacs client lac-a l2tp shared-secret {SECRET}\n\
         set access profile lacs client lac-b l2tp shared-secret {SECRET}\n\
         set access profile lacs client lac-b l2tp maximum-sessions-per-tunnel {sessions}\n"
    )
}

/// A LAC engine in this process named `host`, with one tunnel from `source` to `lns`.
pub fn lac(
    host: &str,
    source: Ipv4Addr,
    lns: Ipv4Addr,
    sessions: usize,
    hello: u32,
) -> Result<Engine, String> {
    let lines = format!(
        "set system host-name {host}\n\
         set services l2tp tunnel hello-interval {hello}\n\
         set access tunnel-profile {PROFILE} tunnel 1 source-gateway address {source}\n\
         set access tunnel-profile {PROFILE} tunnel 1 remote-gateway address {lns}\n\
         set access tunnel-profile {PROFILE} tunnel 1 secret {SECRET}\n\
         set access tunnel-profile {PROFILE} tunnel 1 max-sessions {sessions}\n"
    );
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), &lines)
        .map_err(|e| format!("LAC configuration: {e:?}"))?;
    let mut engine = Engine::start()?;
    engine.apply(&Arc::new(schema::typed::router_config(&tree)))?;
    Ok(engine)
}

/// The LNS's sessions: (tunnel-local-id, session-local-id, remote IP) each.
pub fn lns_sessions(lns: &DaemonProcess) -> Vec<(u16, u16, String)> {
    let json = show_json(lns, "show services l2tp session");
    let root = elements(&json, "service-l2tp-session-information");
    let rows = root
        .first()
        .map(|r| elements(r, "l2tp-session"))
        .unwrap_or_default();
    rows.iter()
        .map(|s| {
            (
                u16::try_from(number(s, "tunnel-local-id")).unwrap_or(0),
                u16::try_from(number(s, "session-local-id")).unwrap_or(0),
                leaf(s, "remote-ip").unwrap_or_default(),
            )
        })
        .collect()
}

/// `show services l2tp summary statistics`: (tunnels, sessions, the drops element).
pub fn summary(lns: &DaemonProcess) -> (u64, u64, serde_json::Value) {
    let json = show_json(lns, "show services l2tp summary statistics");
    let root = json["service-l2tp-summary-information"][0].clone();
    let drops = root["drops"][0].clone();
    (number(&root, "tunnels"), number(&root, "sessions"), drops)
}

/// What to send.
#[derive(Debug, Clone)]
pub struct DataFloodSpec {
    /// The flooded tunnel's LAC address (the socket takes an ephemeral port on it).
    pub from: Ipv4Addr,
    pub port: FloodPort,
    pub target: SocketAddr,
    /// The LNS's Tunnel ID and Session ID of the flooded session.
    pub tunnel_id: u16,
    pub session_id: u16,
    /// The PPP frame each data message carries ([`filler_ppp`], or an IPv4 packet from the
    /// session's address when the LNS is to forward it).
    pub ppp: Vec<u8>,
    /// Data messages a second at most, all threads together; 0: as fast as they send.
    pub rate: u64,
    pub count: u64,
    pub time_limit: Duration,
    pub sender: FloodSender,
    /// Sender threads, each with its own socket and its share of the rate and count.
    pub threads: usize,
}

/// How the sender hands the messages to the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloodSender {
    /// One datagram per message, [`MAX_MESSAGES_PER_CALL`] to a sendmmsg: 190–264k messages
    /// per CPU-second of the sender (docs/performance.md, stage 7), the kernel's whole send
    /// path (and on loopback its receive path up to the LNS's socket) once per message.
    Batched,
    /// UDP GSO (UDP_SEGMENT = the message's length): [`GSO_SEGMENTS`] identical messages in
    /// one datagram, which goes through the sender's UDP, IP and loopback's transmit once;
    /// the receiving socket cuts it into one datagram per message (`udp_rcv_segment`, the
    /// LNS's sockets having no UDP_GRO), so the LNS reads what a LAC sending them one by
    /// one would have sent. Still [`MAX_MESSAGES_PER_CALL`] datagrams to a sendmmsg.
    Gso,
}

/// Messages in one GSO datagram: the kernel's UDP_MAX_SEGMENTS before 6.9 (it takes 128
/// since), and 64 × 72 octets stay far below the 64 KiB of one IP datagram.
pub const GSO_SEGMENTS: usize = 64;

/// Which port of the LAC's address the flood leaves from, and so which of the LNS's sockets
/// it arrives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloodPort {
    /// An ephemeral port (the path of a peer that moved its port, or of anyone using the
    /// LAC's address): the LNS's listener takes it on its data sockets.
    Other,
    /// The tunnel's own (1701, shared with the LAC engine's sockets there), as a deployed
    /// LAC's data leaves: at the LNS the same data sockets take it as from another port
    /// (steered by Session ID), and the tunnel's control, from the same address and port,
    /// still reaches the control socket.
    Tunnel,
}

/// What the flood sent.
#[derive(Debug, Clone, Copy)]
pub struct DataFloodOutcome {
    pub sent: u64,
    pub send_errors: u64,
    pub elapsed: Duration,
    /// The sender thread's CPU time: what it would send with a core of its own.
    pub cpu: Duration,
}

impl DataFloodOutcome {
    pub fn rate(&self) -> f64 {
        self.sent as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Messages sent per CPU-second of the sender thread.
    pub fn per_cpu_second(&self) -> f64 {
        self.sent as f64 / self.cpu.as_secs_f64().max(1e-9)
    }
}

/// A 64-byte PPP frame: IPv4 (0x0021), then an IPv4 header's start and padding. Not a
/// packet the LNS could forward: it stops wherever a session's data is not forwarded.
pub fn filler_ppp() -> Vec<u8> {
    let mut ppp = vec![0x00, 0x21, 0x45, 0x00, 0x00, 0x3e];
    ppp.resize(64, 0);
    ppp
}

/// L2TP data messages carrying `spec.ppp` for the flooded session, until `stop`, the count
/// or the time limit, on `spec.threads` threads (each its own socket, rate and count
/// shared out); the outcome adds them up.
pub fn run(spec: &DataFloodSpec, stop: &AtomicBool) -> std::io::Result<DataFloodOutcome> {
    let threads = spec.threads.max(1);
    let shares = (0..threads).map(|i| {
        let share =
            |total: u64| total / threads as u64 + u64::from((i as u64) < total % threads as u64);
        DataFloodSpec {
            rate: if spec.rate == 0 {
                0
            } else {
                share(spec.rate).max(1)
            },
            count: share(spec.count),
            threads: 1,
            ..spec.clone()
        }
    });
    let outcomes: Vec<std::io::Result<DataFloodOutcome>> = std::thread::scope(|scope| {
        let running: Vec<_> = shares
            .map(|share| scope.spawn(move || run_one(&share, stop)))
            .collect();
        running
            .into_iter()
            .map(|t| {
                t.join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("a flood thread panicked")))
            })
            .collect()
    });
    let mut total = DataFloodOutcome {
        sent: 0,
        send_errors: 0,
        elapsed: Duration::ZERO,
        cpu: Duration::ZERO,
    };
    for outcome in outcomes {
        let outcome = outcome?;
        total.sent += outcome.sent;
        total.send_errors += outcome.send_errors;
        total.elapsed = total.elapsed.max(outcome.elapsed);
        total.cpu += outcome.cpu;
    }
    Ok(total)
}

/// One sender thread: up to [`MAX_MESSAGES_PER_CALL`] datagrams to a sendmmsg, each one
/// message ([`FloodSender::Batched`]) or [`GSO_SEGMENTS`] ([`FloodSender::Gso`]). The
/// pacing is per call, against the clock since the start, so a late wake-up is made good by
/// the next calls. At a rate, a call carries about a millisecond's messages (at least one
/// datagram), so GSO does not turn the flood into bursts of 4,096 that a steady sender at
/// that rate would not send.
fn run_one(spec: &DataFloodSpec, stop: &AtomicBool) -> std::io::Result<DataFloodOutcome> {
    let socket = flood_socket(spec)?;
    let SocketAddr::V4(target) = spec.target else {
        return Err(std::io::Error::other("the flood is IPv4 only"));
    };
    let message = DataMessage {
        header: DataHeader {
            tunnel_id: spec.tunnel_id,
            session_id: spec.session_id,
            with_length: false,
            sequence: None,
            offset_pad: None,
            priority: false,
        },
        payload: &spec.ppp,
    }
    .to_bytes()
    .map_err(|e| std::io::Error::other(format!("{e:?}")))?;
    let per_datagram = match spec.sender {
        FloodSender::Batched => 1,
        FloodSender::Gso => {
            let size = i32::try_from(message.len()).map_err(std::io::Error::other)?;
            nix::sys::socket::setsockopt(&socket, nix::sys::socket::sockopt::UdpGsoSegment, &size)?;
            GSO_SEGMENTS
        }
    };
    // The datagrams are prefixes of this: one to `per_datagram` messages back to back.
    let messages = message.repeat(per_datagram);
    let per_call = if spec.rate == 0 {
        MAX_MESSAGES_PER_CALL
    } else {
        let per_millisecond = usize::try_from(spec.rate / 1000).unwrap_or(usize::MAX);
        (per_millisecond / per_datagram).clamp(1, MAX_MESSAGES_PER_CALL)
    };
    let cpu_before = crate::ops::thread_cpu().map_err(std::io::Error::other)?;
    let started = Instant::now();
    let (mut sent, mut send_errors) = (0u64, 0u64);
    while sent < spec.count && send_errors < spec.count {
        let elapsed = started.elapsed();
        if stop.load(Ordering::Relaxed) || elapsed >= spec.time_limit {
            break;
        }
        if spec.rate > 0 {
            let due = Duration::from_secs_f64(sent as f64 / spec.rate as f64);
            if let Some(early) = due.checked_sub(elapsed) {
                std::thread::sleep(early);
            }
        }
        let left = usize::try_from(spec.count - sent).unwrap_or(usize::MAX);
        let datagrams = (0..per_call)
            .map(|i| left.saturating_sub(i * per_datagram).min(per_datagram))
            .take_while(|&n| n > 0)
            .map(|n| &messages[..n * message.len()]);
        let result = match spec.port {
            FloodPort::Other => send_datagrams(socket.as_fd(), datagrams.clone()),
            FloodPort::Tunnel => {
                send_datagrams_to(socket.as_fd(), datagrams.clone().map(|m| (m, target)))
            }
        };
        match result {
            Ok(n) => {
                let octets: usize = datagrams.take(n).map(<[u8]>::len).sum();
                sent += (octets / message.len()) as u64;
            }
            Err(_) => send_errors += 1,
        }
    }
    let elapsed = started.elapsed();
    let cpu = crate::ops::thread_cpu().map_err(std::io::Error::other)?;
    Ok(DataFloodOutcome {
        sent,
        send_errors,
        elapsed,
        cpu: cpu.saturating_sub(cpu_before),
    })
}

/// The flood's socket on `spec.from`: connected to the target from an ephemeral port, or
/// unconnected on the tunnel's port beside the LAC's own sockets there (SO_REUSEADDR, as
/// the daemon shares it).
fn flood_socket(spec: &DataFloodSpec) -> std::io::Result<UdpSocket> {
    use nix::sys::socket::{
        bind, setsockopt, socket, sockopt, AddressFamily, SockFlag, SockType, SockaddrIn,
    };
    use std::os::fd::AsRawFd;
    if spec.port == FloodPort::Other {
        let socket = UdpSocket::bind((spec.from, 0))?;
        socket.connect(spec.target)?;
        return Ok(socket);
    }
    let fd = socket(
        AddressFamily::Inet,
        SockType::Datagram,
        SockFlag::SOCK_CLOEXEC,
        None,
    )?;
    setsockopt(&fd, sockopt::ReuseAddr, &true)?;
    let local = std::net::SocketAddrV4::new(spec.from, L2TP_PORT);
    bind(fd.as_raw_fd(), &SockaddrIn::from(local))?;
    // Connected to itself, as the daemon's own sender is: the kernel hands it nothing (no
    // peer sends from there), so what the LNS sends the LAC still reaches the LAC's
    // listener; unconnected, it could take those datagrams in the listener's place.
    let socket = UdpSocket::from(fd);
    socket.connect(local)?;
    Ok(socket)
}

/// A flood running on its own thread until [`RunningFlood::stop`].
pub struct RunningFlood {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<std::io::Result<DataFloodOutcome>>,
}

impl RunningFlood {
    pub fn start(spec: DataFloodSpec) -> RunningFlood {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || run(&spec, &flag));
        RunningFlood { stop, thread }
    }

    /// Still sending (not yet at its count or time limit).
    pub fn running(&self) -> bool {
        !self.thread.is_finished()
    }

    pub fn stop(self) -> std::io::Result<DataFloodOutcome> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread
            .join()
            .map_err(|_| std::io::Error::other("the flood thread panicked"))?
    }
}
