//! The service interface's TUN device against a real kernel, in namespaces made by this
//! test: end 0 is the LNS (the `si-7/0/0` device with a pool's gateway, forwarding on), end 1
//! a host one veth hop away that routes the pool through the LNS.
//!
//! - The device is named, addressed, sized and up as the daemon asks (`si-7-0-0`, the pool's
//!   gateway with the pool prefix, MTU 1460), and the kernel routes the pool to it.
//! - A packet the kernel sends toward the pool arrives at the endpoint, byte for byte.
//! - A packet written to the endpoint reaches a UDP socket in the namespace.
//! - A DF packet bigger than 1460 forwarded toward the pool is answered by the kernel itself
//!   with ICMP fragmentation-needed carrying 1460: the daemon never has to.
//!
//! Needs root (namespaces, TUN): CI runs as root and must run it; elsewhere without root it
//! says why and returns.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, UdpSocket};
use std::os::fd::OwnedFd;
use std::time::{Duration, Instant};

use l2tp_tests::netns::{ip, may_run_as_root, VethPair};
use l2tpd::io::prefix_table::Prefix;
use l2tpd::io::route::{self, MAIN_TABLE};
use l2tpd::io::service_endpoint::{ServiceEndpoint, SERVICE_MTU};
use l2tpd::io::FrameBatch;
use l2tpd::pppoe::wire::MacAddr;
use nix::sys::socket::{self, AddressFamily, SockFlag, SockProtocol, SockType};

const SERVICE: &str = "si-7/0/0";
const LINUX_NAME: &str = "si-7-0-0";
const GATEWAY: Ipv4Addr = Ipv4Addr::new(198, 18, 200, 1);
const POOL: Ipv4Addr = Ipv4Addr::new(198, 18, 200, 0);
const POOL_PREFIX: u8 = 24;
const SUBSCRIBER: Ipv4Addr = Ipv4Addr::new(198, 18, 200, 7);
/// The veth between the LNS (…1) and the host (…2).
const LNS_LINK: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 1);
const HOST_LINK: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 2);
const KERNEL_WAIT: Duration = Duration::from_secs(10);

/// An IPv4/UDP packet with a valid header checksum (UDP checksum 0: none, RFC 768).
fn udp_packet(source: SocketAddrV4, destination: SocketAddrV4, payload: &[u8]) -> Vec<u8> {
    let total = u16::try_from(28 + payload.len()).unwrap();
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
    p.extend(payload);
    p
}

fn ip_output(namespace: &str, args: &[&str]) -> String {
    let output = std::process::Command::new("ip")
        .args(["-n", namespace])
        .args(args)
        .output()
        .expect("run ip");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A veth pair in namespaces of its own (MACs 02:00:5e:10:`tag`:01 and :02): end 0, the
/// LNS, with its loopback up and `LNS_LINK`/30 on its end of the link.
fn lns_with_link(name: &str, tag: u8) -> VethPair {
    let veth = VethPair::create(
        name,
        [
            MacAddr([0x02, 0x00, 0x5e, 0x10, tag, 0x01]),
            MacAddr([0x02, 0x00, 0x5e, 0x10, tag, 0x02]),
        ],
    );
    veth.loopback_up(0);
    ip(&[
        "-n",
        veth.namespace(0),
        "addr",
        "add",
        &format!("{LNS_LINK}/30"),
        "dev",
        veth.interface(0),
    ]);
    veth
}

/// Waits for a packet at `endpoint` that `wanted` accepts (the kernel may also send IPv6
/// solicitations and the like to a new device).
async fn packet_at(endpoint: &ServiceEndpoint, wanted: impl Fn(&[u8]) -> bool) -> Vec<u8> {
    let mut batch = FrameBatch::new(16, 2048);
    let mut oversized = 0;
    tokio::time::timeout(KERNEL_WAIT, async {
        loop {
            endpoint
                .recv_batch(&mut batch, &mut oversized)
                .await
                .unwrap();
            if let Some(packet) = batch.frames().find(|p| wanted(p)) {
                return packet.to_vec();
            }
        }
    })
    .await
    .expect("the packet at the TUN endpoint")
}

/// The next ICMP fragmentation-needed (type 3, code 4) on raw socket `raw`: its next-hop MTU.
fn frag_needed_mtu(raw: &OwnedFd) -> u16 {
    let deadline = Instant::now() + KERNEL_WAIT;
    let mut buf = [0u8; 2048];
    while Instant::now() < deadline {
        let n = match socket::recv(
            std::os::fd::AsRawFd::as_raw_fd(raw),
            &mut buf,
            socket::MsgFlags::empty(),
        ) {
            Ok(n) => n,
            Err(nix::errno::Errno::EAGAIN) => continue,
            Err(e) => panic!("raw ICMP receive: {e}"),
        };
        // A raw IPv4 socket delivers the IP header too.
        let header = usize::from(buf[0] & 0x0f) * 4;
        let icmp = &buf[header..n];
        if icmp.len() >= 8 && icmp[0] == 3 && icmp[1] == 4 {
            return u16::from_be_bytes([icmp[6], icmp[7]]);
        }
    }
    panic!("no ICMP fragmentation-needed within {KERNEL_WAIT:?}");
}

#[tokio::test]
async fn a_tun_service_interface_routes_its_pool_and_the_kernel_handles_path_mtu() {
    if !may_run_as_root("tun_netns") {
        return;
    }
    let veth = lns_with_link("tun", 0x0b);
    let (lns, host) = (veth.namespace(0).to_string(), veth.namespace(1).to_string());
    veth.loopback_up(1);
    ip(&[
        "-n",
        &host,
        "addr",
        "add",
        &format!("{HOST_LINK}/30"),
        "dev",
        veth.interface(1),
    ]);
    ip(&[
        "-n",
        &host,
        "route",
        "add",
        &format!("{POOL}/{POOL_PREFIX}"),
        "via",
        &LNS_LINK.to_string(),
    ]);

    // The device, configured from inside the LNS's namespace as the daemon does it in its
    // own; a server socket on the gateway address.
    let runtime = tokio::runtime::Handle::current();
    let (endpoint, server) = veth.run_in(0, move || {
        std::fs::write("/proc/sys/net/ipv4/ip_forward", "1").expect("enable forwarding");
        let _runtime = runtime.enter();
        let endpoint = ServiceEndpoint::tun(SERVICE).expect("open the TUN device");
        endpoint.set_mtu(SERVICE_MTU).unwrap();
        endpoint.set_addresses(&[(GATEWAY, POOL_PREFIX)]).unwrap();
        endpoint.set_up().unwrap();
        assert_eq!(endpoint.mtu().unwrap(), 1460);
        let server = UdpSocket::bind((GATEWAY, 0)).expect("bind on the gateway");
        (endpoint, server)
    });
    assert!(endpoint.is_tun());
    assert_eq!(endpoint.describe(), LINUX_NAME);
    let link = ip_output(&lns, &["-o", "link", "show", "dev", LINUX_NAME]);
    assert!(link.contains("mtu 1460") && link.contains(",UP"), "{link}");
    let addresses = ip_output(&lns, &["-o", "-4", "addr", "show", "dev", LINUX_NAME]);
    assert!(addresses.contains("198.18.200.1/24"), "{addresses}");
    let route = ip_output(&lns, &["route", "get", &SUBSCRIBER.to_string()]);
    assert!(route.contains(&format!("dev {LINUX_NAME}")), "{route}");

    // Kernel → endpoint: a datagram toward a subscriber's address.
    server
        .send_to(b"towards the subscriber", (SUBSCRIBER, 4000))
        .unwrap();
    let packet = packet_at(&endpoint, |p| {
        p.len() > 28 && p[16..20] == SUBSCRIBER.octets()
    })
    .await;
    assert_eq!(packet[0] >> 4, 4, "bare IPv4, no packet-information header");
    assert_eq!(&packet[12..16], &GATEWAY.octets());
    assert_eq!(&packet[22..24], &4000u16.to_be_bytes());
    assert_eq!(&packet[28..], b"towards the subscriber");

    // Endpoint → kernel: a subscriber's datagram to the server.
    let SocketAddr::V4(at) = server.local_addr().unwrap() else {
        unreachable!("bound on IPv4")
    };
    let from = SocketAddrV4::new(SUBSCRIBER, 5000);
    endpoint
        .try_send(&udp_packet(from, at, b"from the subscriber"))
        .unwrap();
    server.set_read_timeout(Some(KERNEL_WAIT)).unwrap();
    let mut buf = [0u8; 100];
    let (n, sender) = server
        .recv_from(&mut buf)
        .expect("the subscriber's datagram");
    assert_eq!(&buf[..n], b"from the subscriber");
    assert_eq!(sender, SocketAddr::V4(from));

    // Path MTU: the host sends 1500 octets with DF (Linux sets DF on UDP by default,
    // IP_PMTUDISC_WANT) through the LNS toward the pool; the LNS's kernel answers.
    let mtu = veth.run_in(1, || {
        let raw = socket::socket(
            AddressFamily::Inet,
            SockType::Raw,
            SockFlag::empty(),
            SockProtocol::Icmp,
        )
        .expect("raw ICMP socket");
        socket::setsockopt(
            &raw,
            socket::sockopt::ReceiveTimeout,
            &nix::sys::time::TimeVal::new(1, 0),
        )
        .unwrap();
        let sender = UdpSocket::bind((HOST_LINK, 0)).unwrap();
        sender
            .send_to(&[0u8; 1472], (SUBSCRIBER, 4001))
            .expect("1500 octets fit the veth");
        frag_needed_mtu(&raw)
    });
    assert_eq!(
        mtu, 1460,
        "ICMP fragmentation-needed carries the service MTU"
    );
}

/// RADIUS Framed-Route's kernel half: `ServiceEndpoint::set_routes` puts each prefix on the
/// TUN device in the table asked for (the main one, or a VRF's numbered one), takes away
/// what is no longer wanted, and leaves the rest alone.
#[tokio::test]
async fn framed_routes_are_put_on_the_tun_device_and_taken_away() {
    if !may_run_as_root("tun_netns") {
        return;
    }
    let veth = VethPair::create(
        "tunrt",
        [
            MacAddr([0x02, 0x00, 0x5e, 0x10, 0x0b, 0x11]),
            MacAddr([0x02, 0x00, 0x5e, 0x10, 0x0b, 0x12]),
        ],
    );
    let lns = veth.namespace(0).to_string();
    let prefix = |a: [u8; 4], l| Prefix::new(Ipv4Addr::from(a), l).unwrap();
    let wide = prefix([198, 18, 201, 0], 24);
    let host = prefix([198, 18, 202, 9], 32);
    let runtime = tokio::runtime::Handle::current();
    let endpoint = veth.run_in(0, move || {
        let _runtime = runtime.enter();
        let endpoint = ServiceEndpoint::tun("si-7/0/1").expect("open the TUN device");
        endpoint.set_up().unwrap();
        endpoint.set_routes(&[wide, host], MAIN_TABLE).unwrap();
        endpoint
    });
    let endpoint = std::sync::Arc::new(endpoint);
    let main = || ip_output(&lns, &["-4", "route", "show"]);
    let table = || ip_output(&lns, &["-4", "route", "show", "table", "1001"]);
    assert!(route::listed(&main(), wide, "si-7-0-1"), "{}", main());
    assert!(route::listed(&main(), host, "si-7-0-1"), "{}", main());

    let e = std::sync::Arc::clone(&endpoint);
    veth.run_in(0, move || e.set_routes(&[host], MAIN_TABLE).unwrap());
    assert!(!route::listed(&main(), wide, "si-7-0-1"), "{}", main());
    assert!(route::listed(&main(), host, "si-7-0-1"), "{}", main());

    // To another table: out of the main one, into that one.
    let e = std::sync::Arc::clone(&endpoint);
    veth.run_in(0, move || e.set_routes(&[host], 1001).unwrap());
    assert!(!route::listed(&main(), host, "si-7-0-1"), "{}", main());
    assert!(route::listed(&table(), host, "si-7-0-1"), "{}", table());
    assert_eq!(endpoint.routes(), vec![(host, 1001)]);

    let e = std::sync::Arc::clone(&endpoint);
    veth.run_in(0, move || e.set_routes(&[], 1001).unwrap());
    assert!(!route::listed(&table(), host, "si-7-0-1"), "{}", table());
    assert!(endpoint.routes().is_empty());
}

/// The data workers' queues of a multi-queue TUN (issue 15, item 2): once two worker queues
/// read the device and the engine's queue stopped receiving, the kernel's packets toward
/// subscribers all reach the workers' queues (spread by flow) and none the engine's, and
/// the engine's queue still writes.
#[tokio::test]
async fn worker_queues_take_the_packets_and_the_engines_queue_still_writes() {
    if !may_run_as_root("tun_netns") {
        return;
    }
    let veth = VethPair::create(
        "tunq",
        [
            MacAddr([0x02, 0x00, 0x5e, 0x10, 0x0c, 0x01]),
            MacAddr([0x02, 0x00, 0x5e, 0x10, 0x0c, 0x02]),
        ],
    );
    veth.loopback_up(0);
    let runtime = tokio::runtime::Handle::current();
    let (endpoint, queues, server) = veth.run_in(0, move || {
        let _runtime = runtime.enter();
        let endpoint = ServiceEndpoint::tun(SERVICE).expect("open the TUN device");
        endpoint.set_addresses(&[(GATEWAY, POOL_PREFIX)]).unwrap();
        endpoint.set_up().unwrap();
        let queues: Vec<ServiceEndpoint> = (0..2)
            .map(|_| endpoint.worker_queue().unwrap().expect("a TUN has queues"))
            .collect();
        endpoint
            .stop_receiving()
            .expect("detach the engine's queue");
        let server = UdpSocket::bind((GATEWAY, 0)).expect("bind on the gateway");
        (endpoint, queues, server)
    });

    // 40 flows toward subscribers (one datagram each, its own source port).
    const FLOWS: u16 = 40;
    veth.run_in(0, || {
        for k in 0..FLOWS {
            let client = UdpSocket::bind((GATEWAY, 0)).unwrap();
            client
                .send_to(&k.to_be_bytes(), (SUBSCRIBER, 4000 + k))
                .unwrap();
        }
    });
    let mut per_queue = [0usize; 2];
    let mut batch = FrameBatch::new(64, 2048);
    let mut oversized = 0;
    let deadline = Instant::now() + KERNEL_WAIT;
    while per_queue.iter().sum::<usize>() < usize::from(FLOWS) && Instant::now() < deadline {
        for (k, queue) in queues.iter().enumerate() {
            let received = tokio::time::timeout(
                Duration::from_millis(20),
                queue.recv_batch(&mut batch, &mut oversized),
            )
            .await;
            if let Ok(Ok(_)) = received {
                per_queue[k] += batch
                    .frames()
                    .filter(|p| p.len() == 30 && p[16..20] == SUBSCRIBER.octets())
                    .count();
            }
        }
    }
    assert_eq!(
        per_queue.iter().sum::<usize>(),
        usize::from(FLOWS),
        "{per_queue:?}"
    );
    assert!(
        per_queue.iter().all(|n| *n > 0),
        "spread by flow: {per_queue:?}"
    );
    let engine = tokio::time::timeout(
        Duration::from_millis(100),
        endpoint.recv_batch(&mut batch, &mut oversized),
    )
    .await;
    assert!(engine.is_err(), "the engine's queue received a packet");

    // The engine's (detached) queue still writes: a subscriber's datagram to the server.
    let SocketAddr::V4(at) = server.local_addr().unwrap() else {
        unreachable!("bound on IPv4")
    };
    endpoint
        .try_send(&udp_packet(
            SocketAddrV4::new(SUBSCRIBER, 5000),
            at,
            b"through the engine's queue",
        ))
        .expect("a detached queue writes");
    server.set_read_timeout(Some(KERNEL_WAIT)).unwrap();
    let mut buf = [0u8; 100];
    let (n, _) = server
        .recv_from(&mut buf)
        .expect("the subscriber's datagram");
    assert_eq!(&buf[..n], b"through the engine's queue");
}

/// `rpf-check mode loose`'s kernel half: with the loose check on, the kernel drops what a
/// subscriber sends from a source it has no route to, and passes a source routed through any
/// interface; with it off, the daemon's own (strict) check is the only one, and the kernel
/// passes both. Order, not time, tells a drop: a dropped datagram is sent before one that
/// passes, and the first to arrive must be the one that passes.
#[tokio::test]
async fn the_loose_reverse_path_check_drops_only_sources_without_a_route() {
    if !may_run_as_root("tun_netns") {
        return;
    }
    let veth = lns_with_link("tunrp", 0x0d);
    let lns = veth.namespace(0).to_string();
    let runtime = tokio::runtime::Handle::current();
    let (endpoint, server) = veth.run_in(0, move || {
        let _runtime = runtime.enter();
        let endpoint = ServiceEndpoint::tun(SERVICE).expect("open the TUN device");
        endpoint.set_addresses(&[(GATEWAY, POOL_PREFIX)]).unwrap();
        endpoint.set_up().unwrap();
        let server = UdpSocket::bind((GATEWAY, 0)).expect("bind on the gateway");
        server.set_read_timeout(Some(KERNEL_WAIT)).unwrap();
        (endpoint, server)
    });
    let endpoint = std::sync::Arc::new(endpoint);
    let SocketAddr::V4(at) = server.local_addr().unwrap() else {
        unreachable!("bound on IPv4")
    };
    let knob = format!("/proc/sys/net/ipv4/conf/{LINUX_NAME}/rp_filter");
    let set_loose = |loose: bool| {
        let (e, knob) = (std::sync::Arc::clone(&endpoint), knob.clone());
        veth.run_in(0, move || {
            e.set_loose_reverse_path(loose).unwrap();
            std::fs::read_to_string(&knob).unwrap().trim().to_string()
        })
    };
    // The first datagram the server receives, after `first` then `second` were written.
    async fn first_of(
        endpoint: &ServiceEndpoint,
        server: &UdpSocket,
        at: SocketAddrV4,
        first: Ipv4Addr,
        second: Ipv4Addr,
    ) -> (Vec<u8>, SocketAddr) {
        for (source, text) in [(first, &b"first"[..]), (second, b"second")] {
            let packet = udp_packet(SocketAddrV4::new(source, 5000), at, text);
            // The device is writable as soon as the runtime has seen it so: until then a
            // write says WouldBlock (bounded: a device that never takes it fails the test).
            let mut tries = 0;
            while let Err(e) = endpoint.try_send(&packet) {
                assert!(
                    e.kind() == std::io::ErrorKind::WouldBlock && tries < 1000,
                    "{e}"
                );
                tries += 1;
                tokio::task::yield_now().await;
            }
        }
        let mut buf = [0u8; 100];
        let (n, sender) = server.recv_from(&mut buf).expect("a datagram");
        (buf[..n].to_vec(), sender)
    }
    let stranger = Ipv4Addr::new(198, 18, 250, 5);

    assert_eq!(set_loose(true), "2");
    // No route to the stranger: dropped; the subscriber's own pool address passes.
    let (text, sender) = first_of(&endpoint, &server, at, stranger, SUBSCRIBER).await;
    assert_eq!(
        (text.as_slice(), sender),
        (
            &b"second"[..],
            SocketAddr::V4(SocketAddrV4::new(SUBSCRIBER, 5000))
        )
    );
    // A route to the stranger's network through another interface: it passes (loose).
    ip(&[
        "-n",
        &lns,
        "route",
        "add",
        "198.18.250.0/24",
        "via",
        &HOST_LINK.to_string(),
    ]);
    let (text, _) = first_of(&endpoint, &server, at, stranger, SUBSCRIBER).await;
    assert_eq!(text, b"first");
    server
        .recv_from(&mut [0u8; 100])
        .expect("and then the subscriber's");

    // Off: the kernel does not check; a source without a route passes too.
    assert_eq!(set_loose(false), "0");
    let unrouted = Ipv4Addr::new(198, 18, 251, 5);
    let (text, _) = first_of(&endpoint, &server, at, unrouted, SUBSCRIBER).await;
    assert_eq!(text, b"first");
}
