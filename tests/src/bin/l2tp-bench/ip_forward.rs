//! `l2tp-bench ip-forward --seconds S`: the LNS's IP fast path in packets per CPU-second of
//! the forwarding thread (packets/s per core), side by side in the same run with a plain
//! forwarder (UDP payload ↔ TUN packet, nothing else: the ceiling), for 64- and 1,400-octet
//! IP packets (issue 11).
//!
//! Needs root: it makes a network namespace of its own (nothing outside it is touched) in
//! which the measured thread opens the service interface `si-0/0/0` as the daemon does (a
//! TUN device, MTU 1460, the pool's gateway 198.18.0.1/24) and an L2TP socket on 127.0.0.1.
//!
//! - down (toward the subscriber): a generator thread sends UDP datagrams from the gateway
//!   address to the subscriber 198.18.0.7, which the kernel routes to the TUN device; the
//!   measured thread runs what the engine's service interface task runs
//!   (`FastPath::relay_ip_down`: the IP table, one sendmmsg of L2TP data messages per batch)
//!   or, the ceiling, sends each packet as it came as a UDP payload; a sink counts the
//!   datagrams that arrive on 127.0.0.1.
//! - up (from the subscriber): a generator thread sends the subscriber's L2TP data messages
//!   (or, for the ceiling, the bare IP packets) to the L2TP socket; the measured thread runs
//!   what the engine's L2TP socket reader runs (`FastPath::push_ip_up`/`flush_ip_up`) or
//!   writes each payload to the TUN device as it came; a sink on the gateway address counts
//!   the datagrams the kernel delivers.
//!
//! The figure is datagrams at the sink per CPU-second the measured thread used (read from
//! /proc/thread-self/stat). The kernel's work for a TUN write (IP input, UDP delivery) runs
//! in the writer's system call, so it counts against both sides alike. What it does not
//! measure: the engine's event loop and more than one subscriber (one hash lookup per packet
//! either way). Every run is bounded: S seconds per measurement, eight measurements.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, UdpSocket};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use l2tpd::engine::fast_path::FastPath;
use l2tpd::engine::ip_fast_path::{IpDownBuffers, IpPush, IpUpBuffers};
use l2tpd::io::ip_relay::{IpRoute, SharedIpRelay};
use l2tpd::io::packet_socket::send_datagrams;
use l2tpd::io::relay::SharedRelay;
use l2tpd::io::service_endpoint::ServiceEndpoint;
use l2tpd::io::FrameBatch;
use l2tpd::registry::{RelayLeg, SessionRef};

use super::forwarding::{count_datagrams, enter_namespace, thread_cpu_seconds, Outcome};

const SERVICE: &str = "si-0/0/0";
const GATEWAY: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 1);
const POOL_PREFIX: u8 = 24;
const SUBSCRIBER: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 7);
/// IPv4 (20) + UDP (8) octets in front of a datagram's payload.
const IP_UDP: usize = 28;
/// The share of the ceiling the fast path is expected to reach (as issue 10's relay).
const TARGET: f64 = 0.70;
/// Longest the measured thread may take to open its TUN device and socket.
const READY_WAIT: Duration = Duration::from_secs(10);

pub struct IpForwardBench {
    pub seconds: u64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// TUN → L2TP.
    Down,
    /// L2TP → TUN.
    Up,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Path {
    FastPath,
    Ceiling,
}

pub fn run(bench: &IpForwardBench) -> Result<bool, String> {
    enter_namespace("ip-forward", "a TUN device", bench.seconds)?;
    println!(
        "{:<16} {:>14} {:>15} {:>6} {:>12} {:>13}",
        "direction, size",
        "fast pkt/s/c",
        "ceiling pkt/s/c",
        "share",
        "fast pkt/s",
        "ceiling pkt/s"
    );
    let mut all_met = true;
    let window = Duration::from_secs(bench.seconds);
    for (name, direction) in [("down", Direction::Down), ("up", Direction::Up)] {
        for size in [64usize, 1400] {
            let (fast, missed) = measure(direction, Path::FastPath, size, window)?;
            let (ceiling, _) = measure(direction, Path::Ceiling, size, window)?;
            if missed > 0 {
                return Err(format!("{missed} packets missed the IP table"));
            }
            let share = fast.per_core() / ceiling.per_core();
            all_met &= share >= TARGET;
            println!(
                "{:<16} {:>14.0} {:>15.0} {:>5.0}% {:>12.0} {:>13.0}",
                format!("{name}, {size} B"),
                fast.per_core(),
                ceiling.per_core(),
                share * 100.0,
                fast.sunk as f64 / fast.wall.as_secs_f64(),
                ceiling.sunk as f64 / ceiling.wall.as_secs_f64(),
            );
        }
    }
    println!(
        "IP fast path share of the ceiling {} the {:.0}% target",
        if all_met { "meets" } else { "misses" },
        TARGET * 100.0
    );
    Ok(all_met)
}

fn udp(at: impl std::net::ToSocketAddrs, what: &str) -> Result<UdpSocket, String> {
    UdpSocket::bind(at).map_err(|e| format!("{what}: {e}"))
}

/// One measurement — the measured thread (which opens the TUN device), then sink and
/// generator, for `window` — and the packets the IP table did not take.
fn measure(
    direction: Direction,
    path: Path,
    size: usize,
    window: Duration,
) -> Result<(Outcome, u64), String> {
    let stop = Arc::new(AtomicBool::new(false));
    // Down: the sink (the LAC) is on loopback, known before the measured thread starts.
    // Up: the generator (the LAC) is, and the measured thread checks datagrams come from it.
    let lac = udp("127.0.0.1:0", "the LAC's socket")?;
    let lac_address = lac.local_addr().map_err(|e| e.to_string())?;
    let (ready, ready_wait) = mpsc::channel();
    let measured_stop = Arc::clone(&stop);
    let measured = std::thread::spawn(move || {
        measured_thread(direction, path, lac_address, ready, &measured_stop)
    });
    let ours: SocketAddr = match ready_wait.recv_timeout(READY_WAIT) {
        Ok(address) => address,
        Err(_) => {
            stop.store(true, Ordering::Relaxed);
            return Err(match measured.join() {
                Ok(Err(why)) => why,
                _ => "the measured thread did not start".to_string(),
            });
        }
    };
    // The gateway address exists now: the other socket binds on it.
    let on_gateway = udp((GATEWAY, 0), "a socket on the gateway")?;
    let (sink, generator) = match direction {
        Direction::Down => (lac, on_gateway),
        Direction::Up => (on_gateway, lac),
    };
    let SocketAddr::V4(sink_address) = sink.local_addr().map_err(|e| e.to_string())? else {
        return Err("the sink is not on IPv4".into());
    };
    let payload = match (direction, path) {
        (Direction::Down, _) => {
            generator
                .connect((SUBSCRIBER, 9))
                .map_err(|e| e.to_string())?;
            vec![0x5a; size - IP_UDP]
        }
        (Direction::Up, _) => {
            generator.connect(ours).map_err(|e| e.to_string())?;
            let packet = ipv4_udp(SocketAddrV4::new(SUBSCRIBER, 5000), sink_address, size);
            match path {
                Path::FastPath => l2tp_data(&packet),
                Path::Ceiling => packet,
            }
        }
    };
    let sink_stop = Arc::clone(&stop);
    let sink_thread = std::thread::spawn(move || count_datagrams(&sink, &sink_stop));
    let generator_stop = Arc::clone(&stop);
    let generator_thread =
        std::thread::spawn(move || generate(&generator, &payload, &generator_stop));
    let started = Instant::now();
    std::thread::sleep(window);
    stop.store(true, Ordering::Relaxed);
    let wall = started.elapsed();
    let generated = generator_thread
        .join()
        .map_err(|_| "the generator panicked".to_string())??;
    let (cpu_seconds, missed) = measured
        .join()
        .map_err(|_| "the measured thread panicked".to_string())??;
    let sunk = sink_thread
        .join()
        .map_err(|_| "the sink panicked".to_string())??;
    if sunk == 0 {
        return Err(format!(
            "nothing reached the sink ({generated} datagrams generated)"
        ));
    }
    Ok((
        Outcome {
            sunk,
            cpu_seconds,
            wall,
        },
        missed,
    ))
}

/// An IPv4/UDP packet of `size` octets with a valid header checksum (UDP checksum 0).
fn ipv4_udp(source: SocketAddrV4, destination: SocketAddrV4, size: usize) -> Vec<u8> {
    let total = u16::try_from(size).unwrap_or(u16::MAX);
    let mut p = vec![0x45, 0x00];
    p.extend(total.to_be_bytes());
    p.extend([0, 1, 0x40, 0, 64, 17, 0, 0]);
    p.extend(source.ip().octets());
    p.extend(destination.ip().octets());
    let sum = l2tp_tests::emulator::ip_packet::checksum(&p);
    p[10..12].copy_from_slice(&sum.to_be_bytes());
    p.extend(source.port().to_be_bytes());
    p.extend(destination.port().to_be_bytes());
    p.extend((total - 20).to_be_bytes());
    p.extend([0, 0]);
    p.resize(size, 0x5a);
    p
}

/// The subscriber's L2TP data message carrying `packet`: T=0 L=1 Ver=2, our Tunnel ID 1 and
/// Session ID 1 (RFC 2661 §3.1), PPP FF 03 00 21.
fn l2tp_data(packet: &[u8]) -> Vec<u8> {
    let length = u16::try_from(12 + packet.len()).unwrap_or(u16::MAX);
    let mut message = vec![0x40, 0x02];
    message.extend(length.to_be_bytes());
    message.extend([0, 1, 0, 1, 0xff, 0x03, 0x00, 0x21]);
    message.extend(packet);
    message
}

/// `payload` on the connected `socket`, 64 a sendmmsg, as fast as one thread can, until
/// `stop`.
fn generate(socket: &UdpSocket, payload: &[u8], stop: &AtomicBool) -> Result<u64, String> {
    let batch: Vec<&[u8]> = vec![payload; 64];
    let mut sent = 0u64;
    while !stop.load(Ordering::Relaxed) {
        match send_datagrams(socket.as_fd(), batch.iter().copied()) {
            Ok(n) => sent += n as u64,
            // The measured side is behind (a full queue), or the route is not there yet.
            Err(_) => std::thread::yield_now(),
        }
    }
    Ok(sent)
}

/// Opens the service interface and the L2TP socket, says where the latter is, then
/// forwards until `stop`; returns this thread's CPU seconds meanwhile and the packets the
/// IP table did not take.
fn measured_thread(
    direction: Direction,
    path: Path,
    lac: SocketAddr,
    ready: mpsc::Sender<SocketAddr>,
    stop: &AtomicBool,
) -> Result<(f64, u64), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let endpoint = ServiceEndpoint::tun(SERVICE).map_err(|e| format!("{SERVICE}: {e}"))?;
        endpoint
            .set_addresses(&[(GATEWAY, POOL_PREFIX)])
            .and_then(|()| endpoint.set_up())
            .map_err(|e| format!("{SERVICE}: {e}"))?;
        let endpoint = Arc::new(endpoint);
        let socket = tokio::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|e| e.to_string())?;
        let socket = Arc::new(socket);
        let ip_table = SharedIpRelay::default();
        ip_table.lock().install(IpRoute {
            filters: Default::default(),
            call: SessionRef(1),
            address: SUBSCRIBER,
            routed: Vec::new(),
            service: Arc::from(SERVICE),
            router: Ipv4Addr::new(127, 0, 0, 1),
            l2tp: RelayLeg {
                local_tunnel: 1,
                local_session: 1,
                peer_tunnel: 2,
                peer_session: 2,
                source: Ipv4Addr::LOCALHOST,
                destination: lac,
            },
        });
        let fast = FastPath::with_ip(SharedRelay::default(), ip_table);
        fast.set_l2tp_sockets([(Ipv4Addr::LOCALHOST, Arc::clone(&socket))]);
        fast.add_service(&Arc::from(SERVICE), Arc::clone(&endpoint));
        let ours = socket.local_addr().map_err(|e| e.to_string())?;
        ready.send(ours).map_err(|e| e.to_string())?;
        let before = thread_cpu_seconds()?;
        let missed = match direction {
            Direction::Down => down_loop(path, &fast, &endpoint, &socket, lac, stop).await?,
            Direction::Up => up_loop(path, &fast, &endpoint, &socket, stop).await?,
        };
        Ok((thread_cpu_seconds()? - before, missed))
    })
}

/// What the engine's service interface task does with a receive batch, with one
/// subscriber; or, for the ceiling, each packet sent to the LAC as it came.
async fn down_loop(
    path: Path,
    fast: &FastPath,
    endpoint: &ServiceEndpoint,
    socket: &tokio::net::UdpSocket,
    lac: SocketAddr,
    stop: &AtomicBool,
) -> Result<u64, String> {
    socket.connect(lac).await.map_err(|e| e.to_string())?;
    let mut batch = FrameBatch::new(64, 9_216);
    let mut buffers = IpDownBuffers::default();
    let mut missed = 0u64;
    let mut oversized = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let received = tokio::time::timeout(
            Duration::from_millis(50),
            endpoint.recv_batch(&mut batch, &mut oversized),
        );
        let Ok(result) = received.await else {
            continue;
        };
        result.map_err(|e| e.to_string())?;
        match path {
            Path::FastPath => fast.relay_ip_down(
                batch.frames(),
                &mut buffers,
                |packet| {
                    // The kernel's own packets to a new device (IPv6 solicitations) are no
                    // subscriber's; only IPv4 misses count.
                    if packet.first().is_some_and(|b| b >> 4 == 4) {
                        missed += 1;
                    }
                },
                // No filters here: nothing is rejected.
                |_| {},
            ),
            // A full socket drops the rest, as the fast path's does.
            Path::Ceiling => {
                let _ = send_datagrams(socket.as_fd(), batch.frames());
            }
        }
    }
    Ok(missed)
}

/// What the engine's L2TP socket reader does (`engine/task.rs`, `read`), with one
/// subscriber; or, for the ceiling, each payload written to the TUN device as it came.
async fn up_loop(
    path: Path,
    fast: &FastPath,
    endpoint: &ServiceEndpoint,
    socket: &tokio::net::UdpSocket,
    stop: &AtomicBool,
) -> Result<u64, String> {
    let mut buf = vec![0u8; 65_535];
    let mut buffers = IpUpBuffers::default();
    let mut plain: Vec<Vec<u8>> = vec![Vec::new(); 64];
    let mut missed = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let first = tokio::time::timeout(Duration::from_millis(50), socket.recv_from(&mut buf));
        let Ok(mut received) = first.await else {
            continue;
        };
        let mut filled = 0;
        for _ in 0..64 {
            let Ok((len, peer)) = received else {
                break;
            };
            let datagram = &buf[..len];
            match path {
                Path::FastPath => {
                    if fast.push_ip_up(peer, datagram, &mut buffers) != IpPush::Forwarded {
                        missed += 1;
                    }
                }
                Path::Ceiling => {
                    plain[filled].clear();
                    plain[filled].extend_from_slice(datagram);
                    filled += 1;
                }
            }
            received = match socket.try_recv_from(&mut buf) {
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                other => other,
            };
        }
        match path {
            Path::FastPath => fast.flush_ip_up(&mut buffers),
            Path::Ceiling => {
                endpoint.send_batch(plain[..filled].iter().map(Vec::as_slice));
            }
        }
    }
    Ok(missed)
}
