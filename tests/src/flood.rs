//! An SCCRQ flood from many loopback addresses at an LNS, and a probe that times the LNS's
//! answers while it runs (issue 9). Bounded in count and in time; every socket is closed
//! when the flood returns.
//!
//! The probe sends, from an address of its own, an SCCRQ the LNS refuses (a Host Name no
//! access-profile client has): the LNS answers it with one StopCCN and keeps nothing, so the
//! probe's round trip is the time the engine took to come to it, flood queue included.

use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use l2tpd::l2tp::wire::{Avp, ControlHeader, ControlMessage, ControlMessageBuilder, MessageType};

/// What to send.
#[derive(Debug, Clone)]
pub struct FloodSpec {
    pub target: SocketAddr,
    pub sources: Vec<Ipv4Addr>,
    /// SCCRQs in all, sent round-robin over the sources.
    pub count: usize,
    /// SCCRQs a second at most (0: as fast as the sockets take them).
    pub rate: u32,
    /// The LAC Host Name every SCCRQ carries: an access-profile client (admitted) or not
    /// (refused).
    pub host_name: String,
    /// The flood stops here even if not all was sent.
    pub time_limit: Duration,
}

/// What the flood saw.
#[derive(Debug, Clone, Copy, Default)]
pub struct FloodOutcome {
    pub sent: usize,
    /// Datagrams the LNS sent back to the flooding addresses.
    pub replies: usize,
    /// Sends the kernel refused (a full send buffer).
    pub send_errors: usize,
    /// The sending, then the sending and the counting of late replies.
    pub sending: Duration,
    pub elapsed: Duration,
}

/// `n` addresses 127.`second`.x.y, x from 1, y from 1 to 254.
pub fn sources(second: u8, n: usize) -> Vec<Ipv4Addr> {
    (0..n)
        .map(|i| {
            let x = u8::try_from(1 + i / 254).unwrap_or(u8::MAX);
            let y = u8::try_from(1 + i % 254).unwrap_or(u8::MAX);
            Ipv4Addr::new(127, second, x, y)
        })
        .collect()
}

/// A well-formed SCCRQ from LAC `host_name` with its Assigned Tunnel ID `id`.
pub fn sccrq(host_name: &str, id: u16) -> Vec<u8> {
    ControlMessageBuilder::new(MessageType::SCCRQ)
        .avp(Avp::ProtocolVersion {
            version: 1,
            revision: 0,
        })
        .avp(Avp::HostName(host_name.as_bytes().to_vec()))
        .avp(Avp::FramingCapabilities(3))
        .avp(Avp::AssignedTunnelId(id))
        .emit(
            ControlHeader {
                tunnel_id: 0,
                session_id: 0,
                ns: 0,
                nr: 0,
            },
            None,
        )
        .expect("an SCCRQ encodes")
}

/// Sends the flood and counts what comes back (until `linger` of quiet after the last send).
pub fn run(spec: &FloodSpec, linger: Duration) -> std::io::Result<FloodOutcome> {
    let sockets = spec
        .sources
        .iter()
        .map(|a| {
            let socket = UdpSocket::bind((*a, 0))?;
            socket.set_nonblocking(true)?;
            Ok(socket)
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    let started = Instant::now();
    let mut outcome = FloodOutcome::default();
    let mut buf = [0u8; 2048];
    let datagrams: Vec<Vec<u8>> = (1..=u16::MAX)
        .take(spec.count.div_ceil(sockets.len().max(1)))
        .map(|id| sccrq(&spec.host_name, id))
        .collect();
    'flood: for (round, datagram) in datagrams.iter().enumerate() {
        for socket in &sockets {
            if outcome.sent + outcome.send_errors >= spec.count
                || started.elapsed() >= spec.time_limit
            {
                break 'flood;
            }
            match socket.send_to(datagram, spec.target) {
                Ok(_) => outcome.sent += 1,
                Err(_) => outcome.send_errors += 1,
            }
            if spec.rate > 0 {
                let due = Duration::from_secs_f64(
                    (outcome.sent + outcome.send_errors) as f64 / f64::from(spec.rate),
                );
                if let Some(wait) = due.checked_sub(started.elapsed()) {
                    std::thread::sleep(wait);
                }
            }
        }
        if round % 4 == 0 {
            outcome.replies += drain(&sockets, &mut buf);
        }
    }
    outcome.sending = started.elapsed();
    let mut quiet_since = Instant::now();
    while quiet_since.elapsed() < linger && started.elapsed() < spec.time_limit + linger {
        let got = drain(&sockets, &mut buf);
        outcome.replies += got;
        if got > 0 {
            quiet_since = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    outcome.elapsed = started.elapsed();
    Ok(outcome)
}

/// Reads every datagram waiting on the sockets.
fn drain(sockets: &[UdpSocket], buf: &mut [u8]) -> usize {
    let mut n = 0;
    for socket in sockets {
        loop {
            match socket.recv_from(buf) {
                Ok(_) => n += 1,
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                // ICMP errors from earlier sends surface here; the socket is still good.
                Err(_) => {}
            }
        }
    }
    n
}

/// Round trips of the probe, sent every `interval` until stopped.
pub struct Probe {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<ProbeReport>,
}

#[derive(Debug, Clone, Default)]
pub struct ProbeReport {
    pub answered: usize,
    /// Probes with no answer within a second (dropped by a full socket buffer, or late).
    pub unanswered: usize,
    pub longest: Duration,
    pub round_trips: Vec<Duration>,
}

impl Probe {
    pub fn start(from: Ipv4Addr, target: SocketAddr, interval: Duration) -> std::io::Result<Self> {
        let socket = UdpSocket::bind((from, 0))?;
        socket.set_read_timeout(Some(Duration::from_millis(50)))?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::spawn(move || probe(&socket, target, interval, &stopping));
        Ok(Self { stop, thread })
    }

    pub fn finish(self) -> ProbeReport {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or_default()
    }
}

fn probe(
    socket: &UdpSocket,
    target: SocketAddr,
    interval: Duration,
    stop: &AtomicBool,
) -> ProbeReport {
    let mut report = ProbeReport::default();
    let mut buf = [0u8; 2048];
    let mut id: u16 = 0;
    while !stop.load(Ordering::Relaxed) {
        id = id.wrapping_add(1).max(1);
        let sent = Instant::now();
        if socket
            .send_to(&sccrq("probe-not-a-client", id), target)
            .is_err()
        {
            report.unanswered += 1;
            continue;
        }
        let mut answered = false;
        while sent.elapsed() < Duration::from_secs(1) {
            let Ok((len, _)) = socket.recv_from(&mut buf) else {
                continue;
            };
            let reply = ControlMessage::parse(buf.get(..len).unwrap_or_default(), None);
            if reply.is_ok_and(|m| m.header.tunnel_id == id) {
                let rtt = sent.elapsed();
                report.longest = report.longest.max(rtt);
                report.round_trips.push(rtt);
                answered = true;
                break;
            }
        }
        if answered {
            report.answered += 1;
        } else {
            report.unanswered += 1;
        }
        if let Some(rest) = interval.checked_sub(sent.elapsed()) {
            std::thread::sleep(rest);
        }
    }
    report
}

/// A field of /proc/`pid`/status in KiB (`VmRSS`, `VmHWM`).
pub fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
}

/// Datagrams the kernel dropped on the UDP socket bound to `local` (a full receive
/// buffer), from /proc/net/udp.
pub fn socket_drops(local: SocketAddr) -> Option<u64> {
    udp_socket_drops(local)?.into_iter().next()
}

/// The same, added up over every UDP socket on `local`: a listener and the connected
/// sockets beside it (the LNS keeps one per tunnel on its listener's address and port).
pub fn all_socket_drops(local: SocketAddr) -> Option<u64> {
    Some(udp_socket_drops(local)?.into_iter().sum())
}

/// Each UDP socket's drops on `local`, in /proc/net/udp's order.
fn udp_socket_drops(local: SocketAddr) -> Option<Vec<u64>> {
    let SocketAddr::V4(local) = local else {
        return None;
    };
    let wanted = format!(
        "{:08X}:{:04X}",
        u32::from_le_bytes(local.ip().octets()),
        local.port()
    );
    let table = std::fs::read_to_string("/proc/net/udp").ok()?;
    Some(
        table
            .lines()
            .skip(1)
            .filter_map(|line| {
                let fields: Vec<&str> = line.split_whitespace().collect();
                (fields.get(1) == Some(&wanted.as_str()))
                    .then(|| fields.last()?.parse().ok())
                    .flatten()
            })
            .collect(),
    )
}
