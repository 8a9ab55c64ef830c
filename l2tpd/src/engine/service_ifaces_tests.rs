//! The LNS's IP data path in the I/O shell, without root: a service interface that is a lab
//! link, the engine's own L2TP socket reader on loopback, a "LAC" UDP socket.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::UdpSocket;

use super::*;
use crate::engine::queues::Inbound;
use crate::engine::task::{read, Received};
use crate::io::ip_relay::{IpRoute, SharedIpRelay};
use crate::io::relay::SharedRelay;
use crate::io::service_endpoint::ServiceLink;
use crate::registry::{RelayLeg, SessionRef};

const SI: &str = "si-1/0/0";
const SUBSCRIBER: Ipv4Addr = Ipv4Addr::new(198, 18, 100, 7);
const SERVER: Ipv4Addr = Ipv4Addr::new(198, 19, 0, 1);
const WAIT: Duration = Duration::from_secs(5);

/// A UDP-in-IPv4 packet (checksums are not the data path's business).
fn ipv4(source: Ipv4Addr, destination: Ipv4Addr, payload: &[u8]) -> Vec<u8> {
    let total = u16::try_from(28 + payload.len()).unwrap();
    let mut p = vec![0x45, 0x00];
    p.extend(total.to_be_bytes());
    p.extend([0, 1, 0x40, 0, 64, 17, 0, 0]);
    p.extend(source.octets());
    p.extend(destination.octets());
    p.extend([0x30, 0x39, 0x00, 0x35]);
    p.extend((total - 20).to_be_bytes());
    p.extend([0, 0]);
    p.extend(payload);
    p
}

/// An unsequenced L2TP data message to our tunnel 100, session 200.
fn data_message(ppp: &[u8]) -> Vec<u8> {
    let mut d = vec![0x40, 0x02];
    d.extend(u16::try_from(8 + ppp.len()).unwrap().to_be_bytes());
    d.extend([0, 100, 0, 200]);
    d.extend(ppp);
    d
}

/// The one subscriber's fast-path route: its session in tunnel 100 to the LAC at `lac`.
fn subscriber_route(
    lac: std::net::SocketAddr,
    filters: crate::firewall::SubscriberFilters,
) -> IpRoute {
    IpRoute {
        filters,
        call: SessionRef(1),
        address: SUBSCRIBER,
        routed: Vec::new(),
        service: Arc::from(SI),
        router: Ipv4Addr::new(127, 0, 0, 1),
        l2tp: RelayLeg {
            local_tunnel: 100,
            local_session: 200,
            peer_tunnel: 300,
            peer_session: 400,
            source: Ipv4Addr::LOCALHOST,
            destination: lac,
        },
    }
}

struct Lns {
    _dir: tempfile::TempDir,
    services: ServiceIfaces,
    inputs: channel::Receiver<ServiceInput>,
    received: channel::Receiver<Received>,
    fast: FastPath,
    ip: SharedIpRelay,
    /// Our L2TP socket's address, and the LAC's socket.
    ours: SocketAddr,
    lac: UdpSocket,
    /// The far end of the service link (the "internet" behind si-1/0/0).
    far: ServiceLink,
    _reader: tokio::task::JoinHandle<()>,
}

impl Lns {
    async fn start() -> Lns {
        let dir = tempfile::tempdir().unwrap();
        let ip = SharedIpRelay::default();
        let fast = FastPath::with_ip(SharedRelay::default(), ip.clone());
        let socket = Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
        let ours = socket.local_addr().unwrap();
        fast.set_l2tp_sockets([(Ipv4Addr::LOCALHOST, Arc::clone(&socket))]);
        let (queue, received) = channel::channel(64);
        let queues = Inbound {
            control: queue.clone(),
            data: queue,
            drops: Arc::default(),
        };
        let reader = tokio::spawn(read(
            crate::engine::read_socket::ReadSocket::Shared(socket),
            Ipv4Addr::LOCALHOST,
            queues,
            fast.clone(),
            None,
        ));
        let lac = UdpSocket::bind("127.0.0.1:0").await.unwrap();

        let link = dir.path().join("si.sock");
        let (queue, inputs) = channel::channel(64);
        let mut services =
            ServiceIfaces::new([(SI.to_string(), link.clone())].into(), queue, fast.clone());
        services.reconcile(&[ServiceInterfaceSpec::new(
            SI,
            vec![(Ipv4Addr::new(198, 18, 100, 1), 24)],
        )]);
        let far = ServiceLink::connect(dir.path().join("far.sock"), &link).unwrap();
        ip.lock().install(subscriber_route(
            lac.local_addr().unwrap(),
            Default::default(),
        ));
        Lns {
            _dir: dir,
            services,
            inputs,
            received,
            fast,
            ip,
            ours,
            lac,
            far,
            _reader: reader,
        }
    }

    async fn far_sends(&self, packet: &[u8]) {
        self.far.send(packet).await.unwrap();
    }

    async fn at_lac(&self) -> Vec<u8> {
        let mut buf = [0u8; 2048];
        let (n, from) = tokio::time::timeout(WAIT, self.lac.recv_from(&mut buf))
            .await
            .expect("a datagram at the LAC")
            .unwrap();
        assert_eq!(from, self.ours, "sent from our L2TP socket");
        buf[..n].to_vec()
    }

    async fn at_far(&self) -> Vec<u8> {
        let mut buf = [0u8; 2048];
        let n = tokio::time::timeout(WAIT, self.far.recv(&mut buf))
            .await
            .expect("a packet behind the service interface")
            .unwrap();
        buf[..n].to_vec()
    }
}

#[tokio::test]
async fn packets_cross_both_ways_without_the_core() {
    let mut lns = Lns::start().await;
    let endpoint = lns.services.endpoint(SI).unwrap();
    assert!(!endpoint.is_tun());
    assert_eq!(endpoint.addresses(), [(Ipv4Addr::new(198, 18, 100, 1), 24)]);

    // Toward the subscriber: the service task sends the data message itself.
    let down = ipv4(SERVER, SUBSCRIBER, b"to the subscriber");
    lns.far_sends(&down).await;
    let datagram = lns.at_lac().await;
    let mut expected = vec![0x40, 0x02];
    // No Address and Control fields: a PPPoE client behind the LAC must not see them.
    expected.extend(u16::try_from(10 + down.len()).unwrap().to_be_bytes());
    expected.extend([1, 44, 1, 144, 0x00, 0x21]);
    expected.extend(&down);
    assert_eq!(datagram, expected);

    // From the subscriber: the engine's own socket reader writes it to the interface.
    let up = ipv4(SUBSCRIBER, SERVER, b"from the subscriber");
    let ppp = [&[0xff, 0x03, 0x00, 0x21][..], &up].concat();
    lns.lac
        .send_to(&data_message(&ppp), lns.ours)
        .await
        .unwrap();
    assert_eq!(lns.at_far().await, up);

    let counters = lns.ip.lock().take_counters();
    assert_eq!(counters.len(), 1);
    let c = counters[0].1;
    assert_eq!((c.up_packets, c.down_packets), (1, 1));
    assert!(lns.inputs.try_recv().is_err(), "nothing reached the core");
    assert!(lns.received.try_recv().is_err(), "nothing reached the core");
}

#[tokio::test]
async fn spoofed_packets_stop_at_the_reader_and_ppp_control_goes_to_the_core() {
    let mut lns = Lns::start().await;
    // The link answers whoever spoke last: say something first.
    lns.far_sends(&ipv4(SERVER, SUBSCRIBER, b"hello")).await;
    lns.at_lac().await;

    let spoofed = ipv4(Ipv4Addr::new(198, 18, 100, 99), SERVER, b"not mine");
    let ppp = [&[0xff, 0x03, 0x00, 0x21][..], &spoofed].concat();
    lns.lac
        .send_to(&data_message(&ppp), lns.ours)
        .await
        .unwrap();
    let lcp_echo = data_message(&[0xc0, 0x21, 9, 1, 0, 8, 1, 2, 3, 4]);
    lns.lac.send_to(&lcp_echo, lns.ours).await.unwrap();
    let slow = tokio::time::timeout(WAIT, lns.received.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        slow.bytes, lcp_echo,
        "the LCP echo is the core's, the spoofed packet no one's"
    );
    assert_eq!(lns.ip.lock().spoofed(SessionRef(1)), Some(1));
    let up = ipv4(SUBSCRIBER, SERVER, b"mine");
    let ppp = [&[0x21][..], &up].concat();
    lns.lac
        .send_to(&data_message(&ppp), lns.ours)
        .await
        .unwrap();
    assert_eq!(lns.at_far().await, up, "the spoofed packet never arrived");
}

#[tokio::test]
async fn packets_for_nobody_go_to_the_core_in_batches_and_slow_path_packets_go_out() {
    let mut lns = Lns::start().await;
    let nobody = ipv4(SERVER, Ipv4Addr::new(198, 18, 100, 50), b"anyone?");
    lns.far_sends(&nobody).await;
    let ServiceInput::Packets { service, packets } = tokio::time::timeout(WAIT, lns.inputs.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&*service, SI);
    assert_eq!(packets, [nobody]);
    assert_eq!(lns.ip.lock().totals().not_taken, 1);

    // The slow path's packets toward the interface (the engine's flush).
    let from_core = ipv4(SUBSCRIBER, SERVER, b"via the core");
    lns.services.send(SI, std::slice::from_ref(&from_core));
    assert_eq!(lns.at_far().await, from_core);
    lns.services
        .send("si-9/9/9", std::slice::from_ref(&from_core));
    assert_eq!(
        lns.services.drops().send_failures.load(Ordering::Relaxed),
        1
    );
}

#[tokio::test]
async fn a_commit_changes_addresses_in_place_and_closes_what_is_gone() {
    let mut lns = Lns::start().await;
    let first = Arc::clone(lns.services.endpoint(SI).unwrap());
    let changed = ServiceInterfaceSpec::new(
        SI,
        vec![
            (Ipv4Addr::new(198, 18, 100, 1), 24),
            (Ipv4Addr::new(198, 18, 101, 1), 24),
        ],
    );
    lns.services.reconcile(std::slice::from_ref(&changed));
    let now = lns.services.endpoint(SI).unwrap();
    assert!(Arc::ptr_eq(&first, now), "the same endpoint, not a new one");
    assert_eq!(now.addresses(), changed.addresses);

    lns.services.reconcile(&[]);
    assert!(lns.services.endpoint(SI).is_none());
    // The readers no longer have it: a subscriber's packet is dropped and counted.
    let before = lns.fast.send_failures();
    let up = ipv4(SUBSCRIBER, SERVER, b"too late");
    let ppp = [&[0xff, 0x03, 0x00, 0x21][..], &up].concat();
    lns.lac
        .send_to(&data_message(&ppp), lns.ours)
        .await
        .unwrap();
    tokio::time::timeout(WAIT, async {
        while lns.fast.send_failures() == before {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("counted as a send failure");
}

/// The subscriber's firewall filters on the real I/O path (issue 16): what its input
/// filter discards is never written to the service interface, what its output filter
/// discards is never sent to the LAC, neither goes to the core, and the filter counts both.
#[tokio::test]
async fn filtered_packets_stop_in_the_io_shell_and_are_counted() {
    let mut lns = Lns::start().await;
    let filter = crate::firewall::matcher::tests::no_dns_filter("si-1/0/0.1");
    let route = {
        let table = lns.ip.lock();
        assert!(table.contains(SessionRef(1)));
        subscriber_route(
            lns.lac.local_addr().unwrap(),
            crate::firewall::SubscriberFilters {
                input: filter.clone(),
                output: filter.clone(),
                rpf_fail: None,
                rpf_loose: false,
            },
        )
    };
    lns.ip.lock().install(route);
    // `ipv4` builds UDP to port 53; port 80 is the same packet with another port.
    let to_port_80 = |mut p: Vec<u8>| {
        p[23] = 80;
        p
    };

    // Down: the DNS packet is discarded in the service task; the next one arrives first.
    lns.far_sends(&ipv4(SERVER, SUBSCRIBER, b"dns")).await;
    let web = to_port_80(ipv4(SERVER, SUBSCRIBER, b"web"));
    lns.far_sends(&web).await;
    let datagram = lns.at_lac().await;
    assert!(
        datagram.ends_with(&web),
        "the first datagram is the web packet"
    );

    // Up: the same, in the L2TP reader.
    for p in [
        ipv4(SUBSCRIBER, SERVER, b"dns"),
        to_port_80(ipv4(SUBSCRIBER, SERVER, b"web")),
    ] {
        let ppp = [&[0x00, 0x21][..], &p].concat();
        lns.lac
            .send_to(&data_message(&ppp), lns.ours)
            .await
            .unwrap();
    }
    assert_eq!(
        lns.at_far().await,
        to_port_80(ipv4(SUBSCRIBER, SERVER, b"web")),
        "the DNS packet never reached the service interface"
    );

    let instance = filter.expect("configured");
    assert_eq!(instance.counters()[0].1.packets, 2);
    assert_eq!(instance.discarded(), 2);
    assert_eq!(lns.ip.lock().totals().filtered, 2);
    assert!(lns.inputs.try_recv().is_err(), "nothing reached the core");
    assert!(lns.received.try_recv().is_err(), "nothing reached the core");
}

/// `reject` on the real I/O path: the answer to a packet from the subscriber leaves our
/// L2TP socket for the LAC, the answer to a packet toward it goes back out the service
/// interface; neither packet goes on, nor to the core.
#[tokio::test]
async fn rejected_packets_are_answered_from_the_io_shell() {
    let mut lns = Lns::start().await;
    let filter = crate::firewall::matcher::tests::dns_filter("si-1/0/0.1", "reject");
    let filters = crate::firewall::SubscriberFilters {
        input: filter.clone(),
        output: filter.clone(),
        rpf_fail: None,
        rpf_loose: false,
    };
    let route = subscriber_route(lns.lac.local_addr().unwrap(), filters);
    let router = route.router;
    lns.ip.lock().install(route);

    // Down: answered back out the service interface, to the sender.
    let down = ipv4(SERVER, SUBSCRIBER, b"dns");
    lns.far_sends(&down).await;
    let answer = lns.at_far().await;
    assert_eq!(answer[12..16], router.octets());
    assert_eq!(answer[16..20], SERVER.octets());
    assert_eq!(answer[20..22], [3, 13]);
    assert_eq!(answer[28..], down[..28]);

    // Up: answered down the subscriber's session, from our L2TP socket.
    let up = ipv4(SUBSCRIBER, SERVER, b"dns");
    let ppp = [&[0x00, 0x21][..], &up].concat();
    lns.lac
        .send_to(&data_message(&ppp), lns.ours)
        .await
        .unwrap();
    let datagram = lns.at_lac().await;
    // To the LAC's tunnel 300, session 400; PPP IPv4; the ICMP to the subscriber.
    assert_eq!(datagram[4..10], [1, 44, 1, 144, 0x00, 0x21]);
    let icmp = &datagram[10..];
    assert_eq!(icmp[16..20], SUBSCRIBER.octets());
    assert_eq!(icmp[28..], up[..28]);

    let totals = lns.ip.lock().totals();
    assert_eq!((totals.filtered, totals.answers.unreachables_sent), (2, 2));
    assert_eq!(filter.expect("configured").discarded(), 2);
    assert!(lns.inputs.try_recv().is_err(), "nothing reached the core");
    assert!(lns.received.try_recv().is_err(), "nothing reached the core");
}
