//! `l2tp-bench relay --seconds S`: the relay's fast path PPPoE → L2TP in packets per
//! CPU-second of the relaying thread (packets/s per core), side by side in the same run with
//! the plain forwarder (`l2tpd::io::forwarder`, AF_PACKET in, UDP out, nothing else: the
//! ceiling), for 64-byte and 1,400-byte Ethernet frames (issue 10, Benchmarks).
//!
//! Needs root: it makes a network namespace of its own (nothing outside it is touched) with a
//! veth pair `vgen` ↔ `vrel` and loopback. A generator thread sends PPPoE session frames on
//! `vgen` with sendmmsg as fast as it can; the measured thread receives them on `vrel` and
//! either relays them (the engine's own `FastPath::relay_up` over a relay table holding one
//! Active subscriber, as the port task runs it) or forwards them (the ceiling); a sink thread
//! counts the UDP datagrams that arrive on 127.0.0.1. The figure is datagrams at the sink per
//! CPU-second the measured thread used (read from /proc/thread-self/stat), so the other
//! helpers sharing this machine's cores do not count against either side.
//!
//! And back (LNS → subscriber): a generator thread sends L2TP data messages of the relayed
//! session over UDP; the measured thread reads them as the engine's L2TP socket reader does
//! (`FastPath::push_down`/`flush_down`, one sendmmsg on the port per wakeup) or, the ceiling,
//! sends each UDP payload (a whole frame) on the port as it came; the sink counts frames on
//! `vgen`.
//!
//! What it does not measure: the engine's event loop (a relayed frame never reaches it) and
//! more than one subscriber (one hash lookup per frame either way). Every run is bounded: S
//! seconds per measurement, eight measurements.

use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::forwarding::{count_datagrams, enter_namespace, ip, thread_cpu_seconds, Outcome};
use l2tpd::engine::fast_path::{DownBuffers, FastPath, UpBuffers};
use l2tpd::io::forwarder::Forwarder;
use l2tpd::io::packet_socket::send_datagrams;
use l2tpd::io::relay::{RelayRoute, SharedRelay};
use l2tpd::io::{AsyncFrameEndpoint, FrameBatch, PacketSocket};
use l2tpd::pppoe::wire::{Body, Frame, MacAddr};
use l2tpd::registry::{RelayLeg, SessionRef};

const GENERATOR: &str = "vgen";
const RELAY: &str = "vrel";
const CLIENT: MacAddr = MacAddr([0x02, 0x5b, 0, 0, 0, 1]);
const PPPOE_SESSION: u16 = 0x0101;
/// Ethernet (14) + PPPoE (6) octets in front of the PPP frame.
const PPPOE_OVERHEAD: usize = 20;
/// The share of the ceiling the relay must reach (issue 10).
const TARGET: f64 = 0.70;

pub struct RelayBench {
    pub seconds: u64,
}

#[derive(Clone, Copy)]
enum Measured {
    Relay,
    Ceiling,
    /// LNS → subscriber: L2TP data in on UDP, PPPoE out on `vrel`.
    RelayDown,
    /// UDP in, the payload (a whole frame) out on `vrel` as it is, nothing else.
    CeilingDown,
}

pub fn run(bench: &RelayBench) -> Result<bool, String> {
    enter_namespace("relay", "a veth pair", bench.seconds)?;
    for args in [
        "link add vgen type veth peer name vrel",
        "link set vgen up",
        "link set vrel up",
    ] {
        ip(args)?;
    }
    let relay_mac = PacketSocket::open(RELAY)
        .and_then(|s| s.mac())
        .map_err(|e| format!("cannot open {RELAY}: {e}"))?;
    println!(
        "{:<16} {:>14} {:>15} {:>6} {:>12} {:>13}",
        "direction, frame",
        "relay pkt/s/c",
        "ceiling pkt/s/c",
        "share",
        "relay pkt/s",
        "ceiling pkt/s"
    );
    let mut all_met = true;
    let window = Duration::from_secs(bench.seconds);
    for (direction, relayed, plain) in [
        ("up", Measured::Relay, Measured::Ceiling),
        ("down", Measured::RelayDown, Measured::CeilingDown),
    ] {
        for frame_len in [64usize, 1400] {
            let relay = measure(relayed, frame_len, relay_mac, window)?;
            let ceiling = measure(plain, frame_len, relay_mac, window)?;
            let share = relay.per_core() / ceiling.per_core();
            all_met &= share >= TARGET;
            println!(
                "{:<16} {:>14.0} {:>15.0} {:>5.0}% {:>12.0} {:>13.0}",
                format!("{direction}, {frame_len} B"),
                relay.per_core(),
                ceiling.per_core(),
                share * 100.0,
                relay.sunk as f64 / relay.wall.as_secs_f64(),
                ceiling.sunk as f64 / ceiling.wall.as_secs_f64(),
            );
        }
    }
    println!(
        "relay share of the ceiling {} the {:.0}% target",
        if all_met { "meets" } else { "misses" },
        TARGET * 100.0
    );
    Ok(all_met)
}

/// One measurement: generator, sink and the measured thread for `window`.
fn measure(
    what: Measured,
    frame_len: usize,
    relay_mac: MacAddr,
    window: Duration,
) -> Result<Outcome, String> {
    let down = matches!(what, Measured::RelayDown | Measured::CeilingDown);
    let stop = Arc::new(AtomicBool::new(false));
    // Up: the sink is a UDP socket. Down: the generator's UDP socket and the measured
    // thread's are bound here, so each knows the other's address.
    let udp = |what: &str| UdpSocket::bind("127.0.0.1:0").map_err(|e| format!("{what}: {e}"));
    let (sink, generator_socket, relay_socket) = if down {
        (None, Some(udp("generator")?), Some(udp("relay")?))
    } else {
        (Some(udp("sink")?), None, None)
    };
    let address = |s: &Option<UdpSocket>| s.as_ref().and_then(|s| s.local_addr().ok());
    let (sink_address, generator_address, relay_address) = (
        address(&sink),
        address(&generator_socket),
        address(&relay_socket),
    );

    let sink_stop = Arc::clone(&stop);
    let sink_thread = std::thread::spawn(move || match sink {
        Some(sink) => count_datagrams(&sink, &sink_stop),
        None => count_frames(&sink_stop),
    });
    let measured_stop = Arc::clone(&stop);
    let measured = std::thread::spawn(move || {
        let peers = Peers {
            sink: sink_address,
            generator: generator_address,
            relay: relay_socket,
        };
        measured_thread(what, relay_mac, peers, &measured_stop)
    });
    // The measured side is listening before the first frame.
    std::thread::sleep(Duration::from_millis(200));
    let generator_stop = Arc::clone(&stop);
    let generator = std::thread::spawn(move || match (generator_socket, relay_address) {
        (Some(socket), Some(to)) => {
            generate_datagrams(what, frame_len, relay_mac, &socket, to, &generator_stop)
        }
        _ => generate(frame_len, relay_mac, &generator_stop),
    });
    let started = Instant::now();
    std::thread::sleep(window);
    stop.store(true, Ordering::Relaxed);
    let wall = started.elapsed();
    let generated = generator
        .join()
        .map_err(|_| "the generator panicked".to_string())??;
    let cpu_seconds = measured
        .join()
        .map_err(|_| "the measured thread panicked".to_string())??;
    let sunk = sink_thread
        .join()
        .map_err(|_| "the sink panicked".to_string())??;
    if sunk == 0 {
        return Err(format!(
            "nothing reached the sink ({generated} frames generated)"
        ));
    }
    Ok(Outcome {
        sunk,
        cpu_seconds,
        wall,
    })
}

/// A PPPoE session frame of `frame_len` octets from the client to the relay.
fn client_frame(frame_len: usize, relay_mac: MacAddr) -> Result<Vec<u8>, String> {
    let ppp = vec![0x21u8; frame_len - PPPOE_OVERHEAD];
    Frame {
        dst: relay_mac,
        src: CLIENT,
        vlans: vec![],
        body: Body::Session {
            session_id: PPPOE_SESSION,
            ppp: &ppp,
        },
    }
    .to_bytes()
    .map_err(|e| e.to_string())
}

/// Down: PPPoE frames received on the generator's end of the veth until `stop`.
fn count_frames(stop: &AtomicBool) -> Result<u64, String> {
    let mut socket = PacketSocket::open(GENERATOR).map_err(|e| format!("{GENERATOR}: {e}"))?;
    let mut batch = FrameBatch::new(64, 2048);
    let mut count = 0u64;
    while !stop.load(Ordering::Relaxed) {
        match socket.recv_batch(&mut batch) {
            Ok(n) => count += n as u64,
            Err(_) => std::thread::yield_now(),
        }
    }
    Ok(count)
}

/// Down: what the LNS would send, as fast as one thread can, until `stop`: L2TP data
/// messages for the relayed session, or (the ceiling) whole frames as UDP payloads.
fn generate_datagrams(
    what: Measured,
    frame_len: usize,
    relay_mac: MacAddr,
    socket: &UdpSocket,
    to: SocketAddr,
    stop: &AtomicBool,
) -> Result<u64, String> {
    socket.connect(to).map_err(|e| e.to_string())?;
    let frame = client_frame(frame_len, relay_mac)?;
    let payload = match what {
        Measured::RelayDown => {
            let ppp = &frame[PPPOE_OVERHEAD..];
            // T=0 L=1 Ver=2, Length, our local Tunnel ID 1 and Session ID 1 (RFC 2661 §3.1).
            let length = u16::try_from(8 + ppp.len()).map_err(|e| e.to_string())?;
            let mut message = vec![0x40, 0x02];
            message.extend_from_slice(&length.to_be_bytes());
            message.extend_from_slice(&[0, 1, 0, 1]);
            message.extend_from_slice(ppp);
            message
        }
        _ => frame,
    };
    let batch: Vec<&[u8]> = vec![&payload[..]; 64];
    let mut sent = 0u64;
    while !stop.load(Ordering::Relaxed) {
        match send_datagrams(socket.as_fd(), batch.iter().copied()) {
            Ok(n) => sent += n as u64,
            Err(_) => std::thread::yield_now(),
        }
    }
    Ok(sent)
}

/// PPPoE session frames of `frame_len` octets to the relay, sent until `stop`.
fn generate(frame_len: usize, relay_mac: MacAddr, stop: &AtomicBool) -> Result<u64, String> {
    let socket = PacketSocket::open(GENERATOR).map_err(|e| format!("{GENERATOR}: {e}"))?;
    let frame = client_frame(frame_len, relay_mac)?;
    let batch: Vec<&[u8]> = vec![&frame[..]; 64];
    let mut sent = 0u64;
    while !stop.load(Ordering::Relaxed) {
        match socket.send_batch(batch.iter().copied()) {
            Ok(n) => sent += n as u64,
            // The interface queue is full: the measured side is behind.
            Err(_) => std::thread::yield_now(),
        }
    }
    Ok(sent)
}

/// Who the measured thread talks to.
struct Peers {
    /// Up: where datagrams go.
    sink: Option<SocketAddr>,
    /// Down: where datagrams come from (the relayed session's LNS), and our socket.
    generator: Option<SocketAddr>,
    relay: Option<UdpSocket>,
}

/// Relays or forwards until `stop`; returns this thread's CPU seconds meanwhile.
fn measured_thread(
    what: Measured,
    relay_mac: MacAddr,
    peers: Peers,
    stop: &AtomicBool,
) -> Result<f64, String> {
    let unset = || "a peer of the measurement is missing".to_string();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let endpoint = AsyncFrameEndpoint::packet(RELAY).map_err(|e| format!("{RELAY}: {e}"))?;
        let before = thread_cpu_seconds()?;
        match what {
            Measured::Relay => {
                let sink = peers.sink.ok_or_else(unset)?;
                relay_loop(endpoint, relay_mac, sink, stop).await?
            }
            Measured::RelayDown | Measured::CeilingDown => {
                let socket = peers.relay.ok_or_else(unset)?;
                let lns = peers.generator.ok_or_else(unset)?;
                down_loop(what, endpoint, socket, relay_mac, lns, stop).await?
            }
            Measured::Ceiling => {
                let sink = peers.sink.ok_or_else(unset)?;
                let output = UdpSocket::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
                output.connect(sink).map_err(|e| e.to_string())?;
                let mut forwarder = Forwarder::new(endpoint, output);
                while !stop.load(Ordering::Relaxed) {
                    let batch =
                        tokio::time::timeout(Duration::from_millis(50), forwarder.forward_batch());
                    if let Ok(result) = batch.await {
                        result.map_err(|e| e.to_string())?;
                    }
                }
            }
        }
        Ok(thread_cpu_seconds()? - before)
    })
}

/// What the engine's port task does with a receive batch, with one Active subscriber.
async fn relay_loop(
    mut endpoint: AsyncFrameEndpoint,
    relay_mac: MacAddr,
    sink: SocketAddr,
    stop: &AtomicBool,
) -> Result<(), String> {
    let source = Ipv4Addr::LOCALHOST;
    let fast = FastPath::new(SharedRelay::default());
    fast.table.lock().install(route(relay_mac, sink));
    let socket = tokio::net::UdpSocket::bind(SocketAddr::new(source.into(), 0))
        .await
        .map_err(|e| e.to_string())?;
    fast.set_l2tp_sockets([(source, Arc::new(socket))]);
    let mut batch = FrameBatch::new(64, 9_216);
    let mut buffers = UpBuffers::default();
    let mut missed = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let received =
            tokio::time::timeout(Duration::from_millis(50), endpoint.recv_batch(&mut batch));
        if let Ok(result) = received.await {
            result.map_err(|e| e.to_string())?;
            fast.relay_up(RELAY, batch.frames(), &mut buffers, |_| missed += 1);
        }
    }
    if missed > 0 {
        return Err(format!("{missed} frames missed the relay table"));
    }
    Ok(())
}

/// What the engine's L2TP socket reader does (`engine/task.rs`, `read`), with one Active
/// subscriber; or, for the ceiling, the payloads sent on the port as they came.
async fn down_loop(
    what: Measured,
    endpoint: AsyncFrameEndpoint,
    socket: UdpSocket,
    relay_mac: MacAddr,
    lns: SocketAddr,
    stop: &AtomicBool,
) -> Result<(), String> {
    socket.set_nonblocking(true).map_err(|e| e.to_string())?;
    let socket = tokio::net::UdpSocket::from_std(socket).map_err(|e| e.to_string())?;
    let fast = FastPath::new(SharedRelay::default());
    fast.table.lock().install(route(relay_mac, lns));
    let (queue, _unused) = tokio::sync::mpsc::unbounded_channel();
    fast.add_port(&Arc::from(RELAY), endpoint.get_ref(), &queue)
        .map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; 65_535];
    let mut relayed = DownBuffers::default();
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
            match what {
                Measured::RelayDown => {
                    if !fast.push_down(peer, datagram, &mut relayed) {
                        missed += 1;
                    }
                }
                _ => {
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
        match what {
            Measured::RelayDown => fast.flush_down(&mut relayed),
            _ => {
                // A full interface queue drops the rest, as the relay's does.
                let _ = endpoint
                    .get_ref()
                    .send_batch(plain[..filled].iter().map(Vec::as_slice));
            }
        }
    }
    if missed > 0 {
        return Err(format!("{missed} datagrams missed the relay table"));
    }
    Ok(())
}

/// The relay table's entry of the one Active subscriber.
fn route(relay_mac: MacAddr, lns: SocketAddr) -> RelayRoute {
    RelayRoute {
        call: SessionRef(1),
        port: Arc::from(RELAY),
        client: CLIENT,
        our_mac: relay_mac,
        vlans: vec![],
        pppoe_session: PPPOE_SESSION,
        l2tp: RelayLeg {
            local_tunnel: 1,
            local_session: 1,
            peer_tunnel: 2,
            peer_session: 2,
            source: Ipv4Addr::LOCALHOST,
            destination: lns,
        },
    }
}
