//! The data workers carry the LNS's L2TP → service interface path (issue 15, item 2): six
//! tunnels of four sessions each on one listener, whose data sockets (one per worker) the
//! kernel steers each session's data to by its Session ID; a paced stream of IPv4 packets
//! per session. Every packet reaches the service interface from the right subscriber, in
//! order per session; the table's session counters and the workers' datagram counts add up
//! to what was sent; and the datagrams were read on the workers' threads (every one of
//! them, each a tunnel's sessions spread over them), not the engine's.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::runtime::Handle;
use tokio::sync::mpsc as channel;

use super::fast_path::FastPath;
use super::queues::{DataDrops, Inbound};
use super::sockets::{bind_listener, data_socket_of, L2TP_PORT};
use super::task::{BoundListener, Received};
use crate::io::data_workers::DataWorkers;
use crate::io::ip_relay::{IpRoute, SharedIpRelay};
use crate::io::relay::SharedRelay;
use crate::io::service_endpoint::{ServiceEndpoint, ServiceLink};
use crate::registry::{RelayLeg, SessionRef};

const TUNNELS: u8 = 6;
const SESSIONS: u8 = 4;
/// Packets per session, sent in windows of `WINDOW` per session, each window delivered
/// before the next leaves (paced: the test is about order and counting, not overflow).
const PACKETS: u16 = 60;
const WINDOW: u16 = 10;
const BOUND: Duration = Duration::from_secs(20);
const SERVICE: &str = "si-0/0/0";

fn subscriber(tunnel: u8, session: u8) -> Ipv4Addr {
    Ipv4Addr::new(198, 18, tunnel, session + 10)
}

/// Our Session ID for session `session` of tunnel `tunnel`: unique on the listener, as the
/// daemon's are, so the kernel spreads them.
fn session_id(tunnel: u8, session: u8) -> u16 {
    u16::from(tunnel) * u16::from(SESSIONS) + u16::from(session) + 1
}

/// PPP (IPv4) in an L2TP data message with the Length bit, as a LAC sends it; the IPv4
/// packet carries (tunnel, session, sequence) after its header.
fn datagram(tunnel: u8, session: u8, sequence: u16) -> Vec<u8> {
    let mut ip = vec![0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, 17, 0, 0];
    ip.extend(subscriber(tunnel, session).octets());
    ip.extend([198, 19, 0, 1]);
    ip.extend([tunnel, session]);
    ip.extend(sequence.to_be_bytes());
    let total = u16::try_from(ip.len()).expect("short");
    ip[2..4].copy_from_slice(&total.to_be_bytes());
    let mut d = vec![0x40, 0x02, 0, 0];
    d.extend(u16::from(100 + tunnel).to_be_bytes());
    d.extend(session_id(tunnel, session).to_be_bytes());
    d.extend([0x00, 0x21]);
    d.extend(ip);
    let length = u16::try_from(d.len()).expect("short");
    d[2..4].copy_from_slice(&length.to_be_bytes());
    d
}

fn call(tunnel: u8, session: u8) -> SessionRef {
    SessionRef(u64::from(tunnel) * 100 + u64::from(session))
}

fn run_with(workers: usize, net: u8) {
    let pool = DataWorkers::start(workers).expect("pool");
    let local = Ipv4Addr::new(127, 42, net, 1);
    let peers: Vec<SocketAddr> = (0..TUNNELS)
        .map(|t| SocketAddr::from((Ipv4Addr::new(127, 42, net, 10 + t), L2TP_PORT)))
        .collect();
    // Which worker reads each session's data: the data socket the kernel steers it to.
    let mut owned = vec![0u64; workers];
    for t in 0..TUNNELS {
        for s in 0..SESSIONS {
            let k = data_socket_of(&datagram(t, s, 0), workers).expect("data");
            owned[k] += 1;
        }
    }
    assert!(
        owned.iter().all(|n| *n > 0),
        "the sessions spread over every worker: {owned:?}"
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let fast = FastPath::with_ip(SharedRelay::default(), SharedIpRelay::default());
        // The daemon's end is registered here, as the engine's runtime registers it.
        let (ours, far) = ServiceLink::pair().expect("link");
        fast.add_service(&Arc::from(SERVICE), Arc::new(ServiceEndpoint::from(ours)));
        for t in 0..TUNNELS {
            for s in 0..SESSIONS {
                fast.ip.lock().install(IpRoute {
                    filters: Default::default(),
                    call: call(t, s),
                    address: subscriber(t, s),
                    routed: Vec::new(),
                    service: Arc::from(SERVICE),
                    router: Ipv4Addr::new(127, 0, 0, 1),
                    l2tp: RelayLeg {
                        local_tunnel: u16::from(100 + t),
                        local_session: session_id(t, s),
                        peer_tunnel: 7,
                        peer_session: u16::from(s + 1),
                        source: local,
                        destination: peers[usize::from(t)],
                    },
                });
            }
        }
        let (control, mut control_rx) = channel::channel::<Received>(64);
        let (data, mut data_rx) = channel::channel::<Received>(64);
        let queues = Inbound {
            control,
            data,
            drops: Arc::new(DataDrops::default()),
        };
        let listener =
            bind_listener(SocketAddrV4::new(local, L2TP_PORT), workers).expect("listener");
        let readers =
            BoundListener::on_workers(listener, local, (&queues, &fast), &pool, &Handle::current())
                .expect("readers");
        let mut senders = Vec::new();
        for peer in &peers {
            let sender = std::net::UdpSocket::bind(peer).expect("peer");
            sender
                .connect(SocketAddr::from((local, L2TP_PORT)))
                .expect("connect");
            senders.push(sender);
        }

        let mut next: HashMap<(u8, u8), u16> = HashMap::new();
        let mut buf = vec![0u8; 2048];
        let deadline = Instant::now() + BOUND;
        for window in 0..PACKETS / WINDOW {
            for k in 0..WINDOW {
                for t in 0..TUNNELS {
                    for s in 0..SESSIONS {
                        let d = datagram(t, s, window * WINDOW + k);
                        senders[usize::from(t)].send(&d).expect("send");
                    }
                }
            }
            let expected = usize::from(TUNNELS) * usize::from(SESSIONS) * usize::from(WINDOW);
            for _ in 0..expected {
                let left = deadline.saturating_duration_since(Instant::now());
                let len = tokio::time::timeout(left, far.recv(&mut buf))
                    .await
                    .unwrap_or_else(|_| panic!("window {window}: stalled at {next:?}"))
                    .expect("receive");
                let packet = &buf[..len];
                let source = Ipv4Addr::new(packet[12], packet[13], packet[14], packet[15]);
                let (t, s) = (packet[20], packet[21]);
                let sequence = u16::from_be_bytes([packet[22], packet[23]]);
                assert_eq!(source, subscriber(t, s), "the right subscriber's packet");
                let seen = next.entry((t, s)).or_default();
                assert_eq!(sequence, *seen, "in order, none lost, on ({t}, {s})");
                *seen += 1;
            }
        }
        assert_eq!(next.len(), usize::from(TUNNELS) * usize::from(SESSIONS));
        assert!(next.values().all(|n| *n == PACKETS), "{next:?}");
        // Nothing went the slow way.
        assert!(control_rx.try_recv().is_err());
        assert!(data_rx.try_recv().is_err());

        // Session counters: every packet counted once, on its own session.
        let counters: HashMap<SessionRef, u64> = fast
            .ip
            .lock()
            .take_counters()
            .into_iter()
            .map(|(call, c)| (call, c.up_packets))
            .collect();
        for t in 0..TUNNELS {
            for s in 0..SESSIONS {
                assert_eq!(counters.get(&call(t, s)), Some(&u64::from(PACKETS)));
            }
        }
        drop(readers);
    });

    // The workers' counts add up, and each worker read its own sessions' datagrams.
    let stats = pool.stats();
    for (k, stat) in stats.iter().enumerate() {
        assert_eq!(
            stat.datagrams(),
            owned[k] * u64::from(PACKETS),
            "worker {k} of {owned:?}"
        );
    }
    let total: u64 = stats.iter().map(|s| s.datagrams()).sum();
    assert_eq!(
        total,
        u64::from(TUNNELS) * u64::from(SESSIONS) * u64::from(PACKETS)
    );
}

#[test]
fn two_workers_deliver_every_packet_to_its_session_in_order_with_counters_that_add_up() {
    run_with(2, 2);
}

#[test]
fn three_workers_deliver_every_packet_to_its_session_in_order_with_counters_that_add_up() {
    run_with(3, 3);
}

fn summary(engine: &mut super::Engine) -> schema::l2tp_rpc::L2tpSummary {
    use super::{ConfigApply, L2tpRpc};
    match engine.l2tp_rpc(L2tpRpc::Summary { statistics: false }) {
        Ok(schema::mgmt::Reply::L2tpSummary(summary)) => summary,
        other => panic!("not a summary: {other:?}"),
    }
}

/// `set services l2tp data-workers N` takes effect at commit: the summary shows it, the
/// listeners' sockets move to the new pool (data sockets added, or let go from the end), and
/// no session is dropped; a session opened afterwards comes up and answers its echo.
#[test]
fn a_commit_changes_the_worker_count_without_dropping_sessions() {
    use super::{config_from_set_lines, ConfigApply, Engine};
    use crate::subscriber::test_call::TunnelTest;
    use schema::mgmt::TunnelTestState;
    let lns_lines = "set system host-name lns-w\n\
         set services l2tp tunnel-group g local-gateway address 127.42.9.2\n\
         set services l2tp tunnel-group g l2tp-access-profile ap\n\
         set access profile ap client lac-w l2tp maximum-sessions-per-tunnel 100\n";
    let mut lns = Engine::start().expect("lns");
    lns.apply(&Arc::new(config_from_set_lines(lns_lines)))
        .expect("lns config");
    let mut lac = Engine::start().expect("lac");
    lac.apply(&Arc::new(config_from_set_lines(
        "set system host-name lac-w\n\
         set access tunnel-profile tp tunnel 1 source-gateway address 127.42.9.1\n\
         set access tunnel-profile tp tunnel 1 remote-gateway address 127.42.9.2\n",
    )))
    .expect("lac config");
    let cores = crate::io::data_workers::worker_count(None);
    let before = summary(&mut lns);
    assert_eq!(
        (before.data_workers, before.data_workers_per_core),
        (u32::try_from(cores).expect("few"), true)
    );
    let opened = lac
        .open_test_sessions("tp", 20, BOUND)
        .expect("the batch ran");
    assert_eq!(opened.completed, 20, "{opened:?}");
    for workers in [3, 1] {
        let lines = format!("{lns_lines}set services l2tp data-workers {workers}\n");
        lns.apply(&Arc::new(config_from_set_lines(&lines)))
            .expect("a new worker count is taken");
        let now = summary(&mut lns);
        assert_eq!(
            (now.data_workers, now.data_workers_per_core),
            (workers, false)
        );
        // The batch's 20, and the tests' sessions, which may still be closing.
        assert_eq!(now.tunnels, 1, "{workers} workers");
        assert!(now.sessions >= 20, "{workers} workers: {now:?}");
        let report = lac
            .test_tunnel(&TunnelTest {
                user: "u@example.net".into(),
                password: "pw".into(),
                tunnel_name: "tp".into(),
            })
            .expect("the test ran");
        assert_eq!(report.state, TunnelTestState::Established, "{report:?}");
        assert!(report.echo_round_trip_us.is_some(), "{report:?}");
    }
}

/// An L2TP control message (T, L, S bits) of `len` octets from tunnel 100, `ns` its Ns;
/// the rest is filler AVP space, marked with `ns` so a mixed-up order shows.
fn control(len: usize, ns: u8) -> Vec<u8> {
    let mut d = vec![0xc8, 0x02, 0, 0, 0, 100, 0, 0, 0, ns, 0, 0];
    d.resize(len.max(12), ns);
    let length = u16::try_from(d.len()).expect("fits");
    d[2..4].copy_from_slice(&length.to_be_bytes());
    d
}

/// Queues `datagrams` on a listener of one data socket before its readers start, so each
/// reader's first recvmmsg takes its share as one batch; returns what reached the engine's
/// control queue, the core's data queue and the service interface, and the worker's
/// datagram count (its data socket's; the control socket is read on the engine's runtime).
fn one_batch(net: u8, datagrams: &[Vec<u8>]) -> (Vec<Received>, Vec<Received>, Vec<Vec<u8>>, u64) {
    let pool = DataWorkers::start(1).expect("pool");
    let local = Ipv4Addr::new(127, 43, net, 1);
    let peer = SocketAddr::from((Ipv4Addr::new(127, 43, net, 10), L2TP_PORT));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let seen = runtime.block_on(async {
        let fast = FastPath::with_ip(SharedRelay::default(), SharedIpRelay::default());
        let (ours, far) = ServiceLink::pair().expect("link");
        fast.add_service(&Arc::from(SERVICE), Arc::new(ServiceEndpoint::from(ours)));
        fast.ip.lock().install(IpRoute {
            filters: Default::default(),
            call: call(0, 0),
            address: subscriber(0, 0),
            routed: Vec::new(),
            service: Arc::from(SERVICE),
            router: Ipv4Addr::new(127, 0, 0, 1),
            l2tp: RelayLeg {
                local_tunnel: 100,
                local_session: 1,
                peer_tunnel: 7,
                peer_session: 1,
                source: local,
                destination: peer,
            },
        });
        let (control_tx, mut control_rx) = channel::channel::<Received>(64);
        let (data_tx, mut data_rx) = channel::channel::<Received>(64);
        let queues = Inbound {
            control: control_tx,
            data: data_tx,
            drops: Arc::new(DataDrops::default()),
        };
        let listener = bind_listener(SocketAddrV4::new(local, L2TP_PORT), 1).expect("listener");
        let sender = std::net::UdpSocket::bind(peer).expect("peer");
        sender
            .connect(SocketAddr::from((local, L2TP_PORT)))
            .expect("connect");
        for d in datagrams {
            sender.send(d).expect("send");
        }
        let reader =
            BoundListener::on_workers(listener, local, (&queues, &fast), &pool, &Handle::current())
                .expect("reader");
        let (mut controls, mut data, mut forwarded) = (Vec::new(), Vec::new(), Vec::new());
        let expected = datagrams.len();
        let deadline = Instant::now() + BOUND;
        let mut buf = vec![0u8; 2048];
        while controls.len() + data.len() + forwarded.len() < expected {
            let left = deadline.saturating_duration_since(Instant::now());
            tokio::select! {
                Some(r) = control_rx.recv() => controls.push(r),
                Some(r) = data_rx.recv() => data.push(r),
                Ok(len) = far.recv(&mut buf) => forwarded.push(buf[..len].to_vec()),
                () = tokio::time::sleep(left) => panic!("stalled: {} {} {}",
                    controls.len(), data.len(), forwarded.len()),
            }
        }
        assert_eq!(queues.drops.truncated(), 0);
        drop(reader);
        (controls, data, forwarded)
    });
    let count = pool.worker(0).stats.datagrams();
    (seen.0, seen.1, seen.2, count)
}

#[test]
fn a_batch_mixing_control_and_data_sends_control_in_order_and_forwards_data() {
    let stranger = {
        // A data message for a session the IP table does not know: the core's.
        let mut d = datagram(0, 0, 99);
        d[6..8].copy_from_slice(&9u16.to_be_bytes());
        d
    };
    let sent = vec![
        datagram(0, 0, 0),
        control(40, 1),
        datagram(0, 0, 1),
        stranger.clone(),
        control(60, 2),
        datagram(0, 0, 2),
        control(20, 3),
    ];
    let (controls, data, forwarded, count) = one_batch(1, &sent);
    let control_bytes: Vec<Vec<u8>> = controls.into_iter().map(|r| r.bytes).collect();
    assert_eq!(
        control_bytes,
        vec![control(40, 1), control(60, 2), control(20, 3)]
    );
    assert_eq!(data.len(), 1);
    assert_eq!(data[0].bytes, stranger);
    let sequences: Vec<u16> = forwarded
        .iter()
        .map(|p| u16::from_be_bytes([p[22], p[23]]))
        .collect();
    assert_eq!(sequences, [0, 1, 2]);
    // The four data messages read on the worker; the control, from a socket of its own,
    // on the engine's runtime (the test's), so it counts nothing there.
    assert_eq!(count, 4);
}

#[test]
fn a_control_message_of_4000_octets_arrives_whole() {
    let big = control(4000, 5);
    let (controls, data, forwarded, _) = one_batch(2, &[datagram(0, 0, 0), big.clone()]);
    assert_eq!(controls.len(), 1);
    assert_eq!(controls[0].bytes.len(), 4000);
    assert_eq!(controls[0].bytes, big);
    assert!(data.is_empty());
    assert_eq!(forwarded.len(), 1);
}
