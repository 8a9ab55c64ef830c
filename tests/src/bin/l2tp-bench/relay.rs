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
//! What it does not measure: the engine's event loop (a relayed frame never reaches it), the
//! LNS → subscriber direction, and more than one subscriber (one hash lookup per frame either
//! way). Every run is bounded: S seconds per measurement, four measurements.

use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use l2tpd::engine::fast_path::{FastPath, UpBuffers};
use l2tpd::io::forwarder::Forwarder;
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
/// Linux reports thread CPU time in USER_HZ ticks, 100 a second (see main.rs).
const USER_HZ: f64 = 100.0;
/// The share of the ceiling the relay must reach (issue 10).
const TARGET: f64 = 0.70;

pub struct RelayBench {
    pub seconds: u64,
}

#[derive(Clone, Copy)]
enum Measured {
    Relay,
    Ceiling,
}

struct Outcome {
    sunk: u64,
    cpu_seconds: f64,
    wall: Duration,
}

impl Outcome {
    fn per_core(&self) -> f64 {
        self.sunk as f64 / self.cpu_seconds.max(1.0 / USER_HZ)
    }
}

pub fn run(bench: &RelayBench) -> Result<bool, String> {
    if !nix::unistd::Uid::effective().is_root() {
        return Err("relay needs root: it makes a network namespace with a veth pair".into());
    }
    if !(1..=30).contains(&bench.seconds) {
        return Err("--seconds must be 1 to 30 (each of four runs takes that long)".into());
    }
    // Every thread and `ip` started from here on lives in the new namespace.
    nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNET)
        .map_err(|e| format!("cannot make a network namespace: {e}"))?;
    for args in [
        "link set lo up",
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
        "{:<10} {:>14} {:>14} {:>8} {:>14} {:>14}",
        "frame", "relay pkt/s/c", "ceiling pkt/s/c", "share", "relay pkt/s", "ceiling pkt/s"
    );
    let mut all_met = true;
    for frame_len in [64usize, 1400] {
        let window = Duration::from_secs(bench.seconds);
        let relay = measure(Measured::Relay, frame_len, relay_mac, window)?;
        let ceiling = measure(Measured::Ceiling, frame_len, relay_mac, window)?;
        let share = relay.per_core() / ceiling.per_core();
        all_met &= share >= TARGET;
        println!(
            "{:<10} {:>14.0} {:>14.0} {:>7.0}% {:>14.0} {:>14.0}",
            format!("{frame_len} B"),
            relay.per_core(),
            ceiling.per_core(),
            share * 100.0,
            relay.sunk as f64 / relay.wall.as_secs_f64(),
            ceiling.sunk as f64 / ceiling.wall.as_secs_f64(),
        );
    }
    println!(
        "relay share of the ceiling {} the {:.0}% target",
        if all_met { "meets" } else { "misses" },
        TARGET * 100.0
    );
    Ok(all_met)
}

fn ip(args: &str) -> Result<(), String> {
    let status = Command::new("ip")
        .args(args.split(' '))
        .status()
        .map_err(|e| format!("ip {args}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("ip {args}: {status}"))
    }
}

/// One measurement: generator, sink and the measured thread for `window`.
fn measure(
    what: Measured,
    frame_len: usize,
    relay_mac: MacAddr,
    window: Duration,
) -> Result<Outcome, String> {
    let sink = UdpSocket::bind("127.0.0.1:0").map_err(|e| format!("sink: {e}"))?;
    sink.set_read_timeout(Some(Duration::from_millis(50)))
        .map_err(|e| e.to_string())?;
    let sink_address = sink.local_addr().map_err(|e| e.to_string())?;
    let stop = Arc::new(AtomicBool::new(false));

    let sink_stop = Arc::clone(&stop);
    let sink_thread = std::thread::spawn(move || {
        let mut buf = [0u8; 2048];
        let mut count = 0u64;
        while !sink_stop.load(Ordering::Relaxed) {
            if sink.recv(&mut buf).is_ok() {
                count += 1;
            }
        }
        count
    });
    let measured_stop = Arc::clone(&stop);
    let measured =
        std::thread::spawn(move || measured_thread(what, relay_mac, sink_address, &measured_stop));
    // The measured side is listening before the first frame.
    std::thread::sleep(Duration::from_millis(200));
    let generator_stop = Arc::clone(&stop);
    let generator = std::thread::spawn(move || generate(frame_len, relay_mac, &generator_stop));
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
        .map_err(|_| "the sink panicked".to_string())?;
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

/// PPPoE session frames of `frame_len` octets to the relay, sent until `stop`.
fn generate(frame_len: usize, relay_mac: MacAddr, stop: &AtomicBool) -> Result<u64, String> {
    let socket = PacketSocket::open(GENERATOR).map_err(|e| format!("{GENERATOR}: {e}"))?;
    let ppp = vec![0x21u8; frame_len - PPPOE_OVERHEAD];
    let frame = Frame {
        dst: relay_mac,
        src: CLIENT,
        vlans: vec![],
        body: Body::Session {
            session_id: PPPOE_SESSION,
            ppp: &ppp,
        },
    }
    .to_bytes()
    .map_err(|e| e.to_string())?;
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

/// Relays or forwards until `stop`; returns this thread's CPU seconds meanwhile.
fn measured_thread(
    what: Measured,
    relay_mac: MacAddr,
    sink: SocketAddr,
    stop: &AtomicBool,
) -> Result<f64, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let endpoint = AsyncFrameEndpoint::packet(RELAY).map_err(|e| format!("{RELAY}: {e}"))?;
        let before = thread_cpu_seconds()?;
        match what {
            Measured::Relay => relay_loop(endpoint, relay_mac, sink, stop).await?,
            Measured::Ceiling => {
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
    fast.table.lock().install(RelayRoute {
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
            source,
            destination: sink,
        },
    });
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

/// utime + stime of the calling thread (fields 14 and 15 of /proc/thread-self/stat).
fn thread_cpu_seconds() -> Result<f64, String> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").map_err(|e| e.to_string())?;
    // The command name (field 2) may hold spaces; the fields after its ')' are plain.
    let after = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or("unreadable /proc/thread-self/stat")?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| -> Result<f64, String> {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .ok_or_else(|| "unreadable CPU time".to_string())
    };
    // `after` starts at field 3 (state): utime is field 14, stime 15.
    Ok((ticks(11)? + ticks(12)?) / USER_HZ)
}
