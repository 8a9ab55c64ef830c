//! A lossy UDP relay between LACs and an LNS, for end-to-end tests of reliable delivery.
//!
//! The LAC's tunnel profile points at the relay's LAC-facing address (port 1701); for each
//! LAC source address the relay binds an ephemeral port on its LNS-facing address and
//! forwards to the LNS from there, so the LNS sees the relay as its peer. Each direction
//! drops, duplicates and reorders its own share of datagrams, decided by an RNG seeded per
//! direction, and counts what it did (by control message type as well, so a test can tell
//! that a StopCCN went through).
//!
//! Reordering holds one datagram back and releases it after the next datagram of the same
//! direction, or after `hold` when no other comes (a held datagram must not turn into a loss
//! on a quiet path).

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use l2tpd::l2tp::wire::{ControlMessage, MessageType, Packet};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// How often a relay thread wakes up without traffic, to release held datagrams and stop.
const POLL: Duration = Duration::from_millis(5);
/// Largest UDP payload.
const MAX_DATAGRAM: usize = 65_535;

/// The share of datagrams one direction drops, duplicates and holds back, each 0.0..=1.0.
/// The decisions are exclusive and taken in that order from one draw.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Impairment {
    pub drop: f64,
    pub duplicate: f64,
    pub reorder: f64,
}

impl Impairment {
    /// Forwards everything unchanged.
    pub const NONE: Impairment = Impairment {
        drop: 0.0,
        duplicate: 0.0,
        reorder: 0.0,
    };
}

/// Where the relay listens, where it forwards, and how badly.
#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// Bound for the LACs: their tunnel profile's `remote-gateway address` with port 1701.
    pub lac_facing: SocketAddr,
    /// The address the LNS sees as its peer; one ephemeral port per LAC.
    pub lns_facing: Ipv4Addr,
    /// The LNS's `local-gateway address` with port 1701.
    pub lns: SocketAddr,
    pub towards_lns: Impairment,
    pub towards_lac: Impairment,
    /// The longest a held-back datagram waits when no other datagram follows it.
    pub hold: Duration,
    pub seed: u64,
}

/// What one direction did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectionCounts {
    pub received: u64,
    /// Datagrams sent on, duplicates included (counted as they leave).
    pub sent: u64,
    /// Sends the kernel refused (counted in `sent` as well).
    pub send_errors: u64,
    pub dropped: u64,
    pub duplicated: u64,
    pub reordered: u64,
    /// Received control messages by type (ZLB acknowledgements under `None`); data
    /// messages and undecodable datagrams are not in here.
    pub control: BTreeMap<Option<u16>, u64>,
}

impl DirectionCounts {
    /// Received control messages of `message_type`.
    pub fn control_received(&self, message_type: MessageType) -> u64 {
        self.control
            .get(&Some(message_type.0))
            .copied()
            .unwrap_or(0)
    }
}

/// Both directions' counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelayCounts {
    pub towards_lns: DirectionCounts,
    pub towards_lac: DirectionCounts,
}

#[derive(Clone, Copy)]
enum Direction {
    TowardsLns,
    TowardsLac,
}

struct Shared {
    stop: AtomicBool,
    counts: Mutex<RelayCounts>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl Shared {
    fn count(&self, direction: Direction, update: impl FnOnce(&mut DirectionCounts)) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        update(match direction {
            Direction::TowardsLns => &mut counts.towards_lns,
            Direction::TowardsLac => &mut counts.towards_lac,
        });
    }
}

/// A running relay; its threads stop when it is dropped.
pub struct Relay {
    shared: Arc<Shared>,
    lac_facing: SocketAddr,
}

impl Relay {
    /// Binds the LAC-facing address and starts relaying.
    pub fn start(config: RelayConfig) -> io::Result<Relay> {
        let lac_socket = UdpSocket::bind(config.lac_facing)?;
        lac_socket.set_read_timeout(Some(POLL))?;
        let lac_facing = lac_socket.local_addr()?;
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            counts: Mutex::new(RelayCounts::default()),
            threads: Mutex::new(Vec::new()),
        });
        let thread_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("relay-lac".into())
            .spawn(move || from_lacs(&config, &lac_socket, &thread_shared))?;
        shared
            .threads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(thread);
        Ok(Relay { shared, lac_facing })
    }

    /// The LAC-facing address as bound (the port filled in when the config said 0).
    pub fn lac_facing(&self) -> SocketAddr {
        self.lac_facing
    }

    /// A snapshot of what each direction did so far.
    pub fn counts(&self) -> RelayCounts {
        self.shared
            .counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        // Threads may register another thread until they see the flag: drain until empty.
        loop {
            let next = self
                .shared
                .threads
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop();
            match next {
                Some(thread) => {
                    let _ = thread.join();
                }
                None => break,
            }
        }
    }
}

/// One direction's decisions and its held-back datagram.
struct Impairer {
    direction: Direction,
    impairment: Impairment,
    rng: StdRng,
    held: Option<(Vec<u8>, Instant)>,
    hold: Duration,
}

impl Impairer {
    fn new(direction: Direction, impairment: Impairment, hold: Duration, seed: u64) -> Self {
        Self {
            direction,
            impairment,
            rng: StdRng::seed_from_u64(seed),
            held: None,
            hold,
        }
    }

    /// Forwards `bytes` through `send`, impaired; releases a held datagram after it. The
    /// counts are updated before anything leaves, so whoever receives it sees them.
    fn forward(&mut self, shared: &Shared, bytes: &[u8], send: &mut dyn FnMut(&[u8]) -> bool) {
        let class = classify(bytes);
        let draw: f64 = self.rng.random();
        let Impairment {
            drop,
            duplicate,
            reorder,
        } = self.impairment;
        let fate = if draw < drop {
            Fate::Drop
        } else if draw < drop + duplicate {
            Fate::Duplicate
        } else if draw < drop + duplicate + reorder {
            Fate::Hold
        } else {
            Fate::Pass
        };
        // Only one is held at a time: the one held before goes out now, still late.
        let release = if fate == Fate::Drop {
            None
        } else {
            self.held.take()
        };
        let copies: u64 = match fate {
            Fate::Drop | Fate::Hold => 0,
            Fate::Pass => 1,
            Fate::Duplicate => 2,
        };
        shared.count(self.direction, |c| {
            c.received += 1;
            if let Some(class) = class {
                *c.control.entry(class).or_default() += 1;
            }
            match fate {
                Fate::Drop => c.dropped += 1,
                Fate::Duplicate => c.duplicated += 1,
                Fate::Hold => c.reordered += 1,
                Fate::Pass => {}
            }
            c.sent += copies + u64::from(release.is_some());
        });
        let mut failed = 0;
        for _ in 0..copies {
            failed += u64::from(!send(bytes));
        }
        if fate == Fate::Hold {
            self.held = Some((bytes.to_vec(), Instant::now() + self.hold));
        }
        if let Some((late, _)) = release {
            failed += u64::from(!send(&late));
        }
        if failed > 0 {
            shared.count(self.direction, |c| c.send_errors += failed);
        }
    }

    /// Sends the held datagram if its time is up.
    fn release_due(&mut self, shared: &Shared, send: &mut dyn FnMut(&[u8]) -> bool) {
        let due = self
            .held
            .as_ref()
            .is_some_and(|(_, due)| *due <= Instant::now());
        if let Some((late, _)) = self.held.take_if(|_| due) {
            shared.count(self.direction, |c| c.sent += 1);
            if !send(&late) {
                shared.count(self.direction, |c| c.send_errors += 1);
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Drop,
    Duplicate,
    Hold,
    Pass,
}

/// `Some(Some(type))` for a control message, `Some(None)` for a ZLB, `None` otherwise.
fn classify(bytes: &[u8]) -> Option<Option<u16>> {
    let packet = Packet::new_checked(bytes).ok()?;
    if !packet.is_control() {
        return None;
    }
    // The Message Type AVP is never hidden, so no secret is needed to read it.
    let message = ControlMessage::parse_packet(&packet, None).ok()?;
    Some(message.message_type.map(|t| t.0))
}

fn send_to(socket: &UdpSocket, to: SocketAddr) -> impl FnMut(&[u8]) -> bool + '_ {
    move |bytes| socket.send_to(bytes, to).is_ok()
}

/// Waits for one datagram; `Ok(None)` on timeout.
fn receive(socket: &UdpSocket, buf: &mut [u8]) -> io::Result<Option<(usize, SocketAddr)>> {
    match socket.recv_from(buf) {
        Ok(got) => Ok(Some(got)),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            Ok(None)
        }
        // ICMP port unreachable from an earlier send (a peer not listening yet).
        Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => Ok(None),
        Err(e) => Err(e),
    }
}

/// The LAC-facing loop: LAC → LNS, opening an LNS-facing socket per new LAC.
fn from_lacs(config: &RelayConfig, lac_socket: &UdpSocket, shared: &Arc<Shared>) {
    let mut buf = vec![0u8; MAX_DATAGRAM];
    let mut impairer = Impairer::new(
        Direction::TowardsLns,
        config.towards_lns,
        config.hold,
        config.seed,
    );
    let mut lns_sockets: HashMap<SocketAddr, Arc<UdpSocket>> = HashMap::new();
    let mut last_lac: Option<SocketAddr> = None;
    while !shared.stop.load(Ordering::Relaxed) {
        let got = match receive(lac_socket, &mut buf) {
            Ok(got) => got,
            Err(e) => {
                eprintln!("relay: receive from the LACs failed: {e}");
                return;
            }
        };
        if let Some((len, lac)) = got {
            let socket = match lns_sockets.get(&lac) {
                Some(socket) => Arc::clone(socket),
                None => match towards_lac(config, lac_socket, lac, lns_sockets.len(), shared) {
                    Ok(socket) => {
                        lns_sockets.insert(lac, Arc::clone(&socket));
                        socket
                    }
                    Err(e) => {
                        eprintln!("relay: cannot open a socket for LAC {lac}: {e}");
                        continue;
                    }
                },
            };
            last_lac = Some(lac);
            let bytes = buf.get(..len).unwrap_or_default();
            impairer.forward(shared, bytes, &mut send_to(&socket, config.lns));
        }
        // A held datagram leaves from the socket of the last LAC heard from; with one LAC
        // (what the tests use) that is always its own.
        if let Some(socket) = last_lac.and_then(|lac| lns_sockets.get(&lac)) {
            impairer.release_due(shared, &mut send_to(socket, config.lns));
        }
    }
}

/// Binds the LNS-facing socket for `lac` and starts the LNS → LAC loop on it.
fn towards_lac(
    config: &RelayConfig,
    lac_socket: &UdpSocket,
    lac: SocketAddr,
    index: usize,
    shared: &Arc<Shared>,
) -> io::Result<Arc<UdpSocket>> {
    let socket = Arc::new(UdpSocket::bind(SocketAddr::new(
        config.lns_facing.into(),
        0,
    ))?);
    socket.set_read_timeout(Some(POLL))?;
    let reply_socket = lac_socket.try_clone()?;
    let thread_socket = Arc::clone(&socket);
    let thread_shared = Arc::clone(shared);
    let seed = config
        .seed
        .wrapping_add(1)
        .wrapping_add(u64::try_from(index).unwrap_or(u64::MAX));
    let mut impairer = Impairer::new(Direction::TowardsLac, config.towards_lac, config.hold, seed);
    let thread = std::thread::Builder::new()
        .name(format!("relay-{lac}"))
        .spawn(move || {
            let mut buf = vec![0u8; MAX_DATAGRAM];
            let mut send = send_to(&reply_socket, lac);
            while !thread_shared.stop.load(Ordering::Relaxed) {
                match receive(&thread_socket, &mut buf) {
                    Ok(Some((len, _lns))) => {
                        let bytes = buf.get(..len).unwrap_or_default();
                        impairer.forward(&thread_shared, bytes, &mut send);
                    }
                    Ok(None) => {}
                    Err(e) => {
                        eprintln!("relay: receive from the LNS failed: {e}");
                        return;
                    }
                }
                impairer.release_due(&thread_shared, &mut send);
            }
        })?;
    shared
        .threads
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(thread);
    Ok(socket)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A relay with one impairment both ways between two plain sockets on 127.0.2.x; the
    /// ports are ephemeral so this does not collide with the daemons' port 1701.
    fn relay_between(impairment: Impairment, seed: u64) -> (Relay, UdpSocket, UdpSocket) {
        let lac = UdpSocket::bind("127.0.2.1:0").expect("bind lac");
        let lns = UdpSocket::bind("127.0.2.2:0").expect("bind lns");
        let relay = Relay::start(RelayConfig {
            lac_facing: SocketAddr::new(Ipv4Addr::new(127, 0, 2, 3).into(), 0),
            lns_facing: Ipv4Addr::new(127, 0, 2, 4),
            lns: lns.local_addr().expect("lns address"),
            towards_lns: impairment,
            towards_lac: impairment,
            hold: Duration::from_millis(20),
            seed,
        })
        .expect("relay starts");
        lac.connect(relay.lac_facing()).expect("connect");
        for s in [&lac, &lns] {
            s.set_read_timeout(Some(Duration::from_millis(300)))
                .expect("timeout");
        }
        (relay, lac, lns)
    }

    fn drain(socket: &UdpSocket) -> Vec<Vec<u8>> {
        let mut got = Vec::new();
        let mut buf = [0u8; 64];
        while let Ok((len, _)) = socket.recv_from(&mut buf) {
            got.push(buf.get(..len).unwrap_or_default().to_vec());
        }
        got
    }

    #[test]
    fn clean_relay_forwards_both_ways_through_the_lns_facing_address() {
        let (relay, lac, lns) = relay_between(Impairment::NONE, 1);
        lac.send(b"up").expect("send");
        let mut buf = [0u8; 16];
        let (len, from) = lns.recv_from(&mut buf).expect("LNS receives");
        assert_eq!(buf.get(..len), Some(&b"up"[..]));
        assert_eq!(from.ip(), Ipv4Addr::new(127, 0, 2, 4));
        lns.send_to(b"down", from).expect("reply");
        let len = lac.recv(&mut buf).expect("LAC receives the reply");
        assert_eq!(buf.get(..len), Some(&b"down"[..]));
        let counts = relay.counts();
        assert_eq!(counts.towards_lns.sent, 1);
        assert_eq!(counts.towards_lac.sent, 1);
        assert_eq!(counts.towards_lns.dropped + counts.towards_lac.dropped, 0);
    }

    #[test]
    fn impairments_happen_in_their_share_and_add_up() {
        let share = Impairment {
            drop: 0.2,
            duplicate: 0.1,
            reorder: 0.1,
        };
        let (relay, lac, lns) = relay_between(share, 7);
        let total: u8 = 200;
        for n in 0..total {
            lac.send(&[n]).expect("send");
            // Paced so the kernel queue never overflows and hides a drop.
            std::thread::sleep(Duration::from_micros(200));
        }
        let got = drain(&lns);
        let c = relay.counts().towards_lns;
        assert_eq!(c.received, u64::from(total));
        assert_eq!(c.sent, u64::try_from(got.len()).expect("small"));
        assert_eq!(c.sent, c.received - c.dropped + c.duplicated);
        // Binomial(200, p): these bounds are more than four standard deviations wide.
        assert!((15..=70).contains(&c.dropped), "{c:?}");
        assert!((3..=40).contains(&c.duplicated), "{c:?}");
        assert!((3..=40).contains(&c.reordered), "{c:?}");
        let in_order = got.windows(2).all(|w| w.first() <= w.get(1));
        assert!(!in_order, "some datagrams arrive late");
    }

    #[test]
    fn a_held_datagram_is_released_on_a_quiet_path() {
        let (relay, lac, lns) = relay_between(
            Impairment {
                drop: 0.0,
                duplicate: 0.0,
                reorder: 1.0,
            },
            3,
        );
        lac.send(b"alone").expect("send");
        let mut buf = [0u8; 16];
        let len = lns.recv(&mut buf).expect("released after the hold");
        assert_eq!(buf.get(..len), Some(&b"alone"[..]));
        assert_eq!(relay.counts().towards_lns.reordered, 1);
    }

    #[test]
    fn control_messages_are_counted_by_type() {
        use l2tpd::l2tp::wire::{zlb, ControlHeader, ControlMessageBuilder};
        let (relay, lac, lns) = relay_between(Impairment::NONE, 1);
        let header = ControlHeader {
            tunnel_id: 9,
            session_id: 0,
            ns: 0,
            nr: 0,
        };
        let stop = ControlMessageBuilder::new(MessageType::STOPCCN)
            .emit(header, None)
            .expect("emit");
        lac.send(&stop).expect("send");
        lac.send(&zlb(header)).expect("send");
        lac.send(b"\x00\x02junk").expect("send");
        assert_eq!(drain(&lns).len(), 3);
        let c = relay.counts().towards_lns;
        assert_eq!(c.control_received(MessageType::STOPCCN), 1);
        assert_eq!(c.control.get(&None), Some(&1));
        assert_eq!(c.received, 3);
    }
}
