//! A PPPoE port read by two data workers through one fan-out group (issue 15, item 2), on a
//! real kernel: subscribers' session frames arrive on a veth end, each worker reads its share
//! (by PPPoE session ID), relays it to the LNS as L2TP, and hands discovery to the engine's
//! control queue. Every frame reaches the LNS, in order per session; the workers' frame
//! counters add up to what was sent, and both workers had a share.
//!
//! Needs root (network namespaces, AF_PACKET): CI runs as root and must run it; elsewhere
//! without root it says why and returns.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, UdpSocket};
use std::sync::Arc;
use std::time::{Duration, Instant};

use l2tp_tests::netns::{may_run_as_root, VethPair};
use l2tpd::engine::fast_path::FastPath;
use l2tpd::engine::PortReaders;
use l2tpd::io::data_workers::DataWorkers;
use l2tpd::io::relay::{RelayRoute, SharedRelay};
use l2tpd::pppoe::wire::MacAddr;
use l2tpd::registry::{RelayLeg, SessionRef};

const OURS: MacAddr = MacAddr([0x02, 0, 0, 0, 0xfa, 0x01]);
const FAR: MacAddr = MacAddr([0x02, 0, 0, 0, 0xfa, 0x02]);
const SESSIONS: u16 = 8;
const PER_SESSION: u8 = 25;
const PADIS: usize = 3;
const WAIT: Duration = Duration::from_secs(10);

fn client(session: u16) -> MacAddr {
    MacAddr([0x02, 0x5b, 0, 0, 0, session as u8])
}

fn session_frame(session: u16, seq: u8) -> Vec<u8> {
    let mut f = OURS.0.to_vec();
    f.extend_from_slice(&client(session).0);
    f.extend_from_slice(&0x8864u16.to_be_bytes());
    f.extend_from_slice(&[0x11, 0x00]);
    f.extend_from_slice(&session.to_be_bytes());
    f.extend_from_slice(&4u16.to_be_bytes());
    // PPP: IPv4 (0x0021), then the session and the frame's place in its stream.
    f.extend_from_slice(&[0x00, 0x21, session as u8, seq]);
    f
}

fn padi() -> Vec<u8> {
    let mut f = vec![0xff; 6];
    f.extend_from_slice(&FAR.0);
    f.extend_from_slice(&0x8863u16.to_be_bytes());
    f.extend_from_slice(&[0x11, 0x09, 0x00, 0x00, 0x00, 0x04, 0x01, 0x01, 0x00, 0x00]);
    f
}

#[test]
fn two_workers_share_a_port_by_session_and_every_frame_reaches_the_lns_in_order() {
    if !may_run_as_root("pppoe_fanout_netns") {
        return;
    }
    let pair = VethPair::create("pfan", [OURS, FAR]);
    let port: Arc<str> = Arc::from(pair.interface(0));
    let lns = UdpSocket::bind("127.0.0.1:0").expect("the LNS's socket");
    lns.set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    let lns_address = lns.local_addr().expect("address");

    let fast = FastPath::new(SharedRelay::default());
    for session in 1..=SESSIONS {
        fast.table.lock().install(RelayRoute {
            call: SessionRef(u64::from(session)),
            port: port.clone(),
            client: client(session),
            our_mac: OURS,
            vlans: Vec::new(),
            pppoe_session: session,
            l2tp: RelayLeg {
                local_tunnel: 1,
                local_session: session,
                peer_tunnel: 7,
                peer_session: 100 + session,
                source: Ipv4Addr::LOCALHOST,
                destination: lns_address,
            },
        });
    }
    let workers = DataWorkers::start(2).expect("two workers");
    let lac = {
        let _entered = workers.worker(0).handle.enter();
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("the LAC's socket");
        socket.set_nonblocking(true).expect("nonblocking");
        Arc::new(tokio::net::UdpSocket::from_std(socket).expect("tokio socket"))
    };
    fast.set_l2tp_sockets([(Ipv4Addr::LOCALHOST, lac)]);

    // The readers' sockets are opened in the port's namespace; they stay bound there.
    let mut readers = {
        let namespace = format!("/run/netns/{}", pair.namespace(0));
        let (fast, port) = (fast.clone(), port.clone());
        let workers = &workers;
        std::thread::scope(|scope| {
            scope
                .spawn(move || {
                    let handle = std::fs::File::open(&namespace).expect("the namespace");
                    nix::sched::setns(&handle, nix::sched::CloneFlags::CLONE_NEWNET)
                        .expect("setns");
                    PortReaders::start(workers, &port, &fast).expect("the fan-out readers")
                })
                .join()
                .expect("namespace thread")
        })
    };
    // On a kernel with TPACKET_V3 (3.2 and later, as CI's) both read through a receive ring.
    assert_eq!(
        readers.rings(),
        2,
        "both workers read the port through a ring"
    );

    let subscriber = pair.packet_socket(1);
    let mut sent = 0usize;
    for seq in 0..PER_SESSION {
        let frames: Vec<Vec<u8>> = (1..=SESSIONS).map(|s| session_frame(s, seq)).collect();
        let count = subscriber
            .send_batch(frames.iter().map(Vec::as_slice))
            .expect("send");
        assert_eq!(count, frames.len());
        sent += count;
    }
    for _ in 0..PADIS {
        subscriber.send_batch([&padi()[..]]).expect("send a PADI");
    }

    // Every session frame reaches the LNS as an L2TP data message, in order per session.
    let mut streams: BTreeMap<u16, Vec<u8>> = BTreeMap::new();
    let mut received = 0;
    let deadline = Instant::now() + WAIT;
    let mut buffer = [0u8; 256];
    while received < sent && Instant::now() < deadline {
        let Ok((len, _)) = lns.recv_from(&mut buffer) else {
            continue;
        };
        let message = &buffer[..len];
        // Flags 0x4002, length, tunnel 7, session 100 + s, then the PPP frame.
        assert_eq!(&message[..2], &[0x40, 0x02], "{message:02x?}");
        assert_eq!(u16::from_be_bytes([message[4], message[5]]), 7);
        let session = u16::from_be_bytes([message[6], message[7]]) - 100;
        assert_eq!(message[8..11], [0x00, 0x21, session as u8]);
        streams.entry(session).or_default().push(message[11]);
        received += 1;
    }
    assert_eq!(received, sent, "every frame relayed");
    for session in 1..=SESSIONS {
        let expected: Vec<u8> = (0..PER_SESSION).collect();
        assert_eq!(streams.get(&session), Some(&expected), "session {session}");
    }

    // Discovery reached the engine's control queue.
    let mut padis = 0;
    let deadline = Instant::now() + WAIT;
    while padis < PADIS && Instant::now() < deadline {
        padis += readers
            .control_frames()
            .iter()
            .filter(|f| f.get(12..14) == Some(&[0x88, 0x63][..]))
            .count();
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(padis, PADIS, "the PADIs reached the control queue");

    // Each worker read its share, and the shares add up to what was sent.
    let shares: Vec<u64> = workers.stats().iter().map(|s| s.frames()).collect();
    assert!(
        shares.iter().all(|n| *n > 0),
        "both workers read: {shares:?}"
    );
    assert_eq!(
        shares.iter().sum::<u64>(),
        (sent + PADIS) as u64,
        "the workers' counters add up: {shares:?}"
    );
    let relayed: u64 = fast
        .table
        .lock()
        .take_counters()
        .iter()
        .map(|(_, c)| c.up_packets)
        .sum();
    assert_eq!(relayed, sent as u64);
}
