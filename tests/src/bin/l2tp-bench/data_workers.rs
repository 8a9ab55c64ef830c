//! `l2tp-bench data-workers --seconds S` (root): the data workers (issue 15, item 2) with 1
//! and 2 workers, 64- and 1,400-octet packets, 1 and 1,000 sessions, on both data paths the
//! workers run, side by side with a plain C `recvmmsg` loop (the ceiling: receive and count,
//! nothing else; compiled with `cc -O2` from the source below at bench time). With an LNS
//! path, the same loop also writing each packet's IP packet to the TUN device is measured
//! beside it: the least any LNS does per packet, and what that costs on this kernel.
//!
//! - LNS, L2TP → TUN: the subscribers' L2TP data messages arrive on the listener's data
//!   sockets (one per worker, the kernel steering each session to one by its Session ID),
//!   read by the workers with the engine's own reader (`ListenerReader`, the IP
//!   table, a batch written to the TUN device `si-0/0/0` as the daemon writes it: with the
//!   kernel's offload when it takes it, a flow's packets coalesced); the kernel delivers the
//!   packets to a socket on the gateway address that nobody reads (it drops once full).
//! - LNS, L2TP → TUN, UDP with checksums (`--paths lnscsum`): the same, but each packet
//!   carries its UDP checksum, as real stacks send it (the `lns` rows' UDP checksum is 0,
//!   "none", which tun-rs's coalescing refuses: it checks every checksum before it merges).
//!   With one session a batch is one flow and the TUN's offload can coalesce it; with 1,000
//!   sessions in turn a 64-datagram batch holds no two packets of one flow.
//! - LAC relay, L2TP → PPPoE: the LNS's data messages arrive likewise; the workers relay
//!   them (the relay table, one sendmmsg per batch) to a PPPoE port on a veth pair.
//! - LAC relay up, PPPoE → L2TP (`--paths lacup`): subscribers' session frames arrive on
//!   the PPPoE port, read by the workers through the port's fan-out group (`PortReaders`,
//!   by session ID: with one session, one worker) and relayed as L2TP to a UDP socket on
//!   127.0.0.1 that nobody reads. One generator thread sends the frames on the veth's
//!   other end. The ceiling is still the UDP loop: an AF_PACKET receive costs more than a
//!   UDP one, so this row's share understates the workers.
//! - LNS TUN → L2TP (`--paths lnsdown`): a generator thread sends UDP packets from the
//!   gateway to the subscribers' addresses, which the kernel routes into the TUN device;
//!   the workers read its queues (one per worker, the device's own detached, as the engine
//!   has them read: `ServiceQueueReaders`; the kernel picks a queue by flow, so with one
//!   subscriber one worker) and send the packets as L2TP to sockets nobody reads.
//!
//! The two directions toward an L2TP peer send as the daemon's fast path does: from the
//! sender beside the listener on port 1701 (`FastPath::set_l2tp_sockets`), each datagram
//! naming its peer, a peer's runs as UDP GSO messages; the engine thread's own CPU is shown
//! beside the workers' (it does nothing but wake for what its sockets report).
//!
//! Sessions are spread over one tunnel per worker, and over the workers by Session ID (with
//! one session the second worker has nothing to do). One generator thread per tunnel sends
//! its sessions' messages in turn with sendmmsg as fast as it can.
//! Figures: packets forwarded (the tables' counters, less what a full queue refused) per
//! CPU-second of the workers together (per core), and per second of wall time (the machine
//! has two cores: with two workers the generators compete with them, so the wall figure is
//! the sender's limit as much as the workers'). Every run is bounded: S seconds each.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, UdpSocket};
use std::os::fd::AsFd;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use l2tpd::engine::fast_path::FastPath;
use l2tpd::engine::{ListenerReader, PortReaders, ServiceQueueReaders};
use l2tpd::io::data_workers::DataWorkers;
use l2tpd::io::ip_relay::{IpRoute, SharedIpRelay};
use l2tpd::io::packet_socket::{send_datagrams, send_datagrams_to};
use l2tpd::io::relay::{RelayRoute, SharedRelay};
use l2tpd::io::service_endpoint::ServiceEndpoint;
use l2tpd::io::{AsyncFrameEndpoint, FrameEndpoint, PacketSocket};
use l2tpd::pppoe::wire::MacAddr;
use l2tpd::registry::{RelayLeg, SessionRef};

use super::forwarding::{enter_namespace, ip};
use super::USER_HZ;

const SERVICE: &str = "si-0/0/0";
const PORT: &str = "dum0";
pub const GATEWAY: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 1);
pub const SINK_PORT: u16 = 9;
const LOCAL: Ipv4Addr = Ipv4Addr::LOCALHOST;
const L2TP: u16 = 1701;
const CEILING_PORT: u16 = 1702;
const READY_WAIT: Duration = Duration::from_secs(10);
/// The thread standing for the daemon's engine (`/proc` names it so).
const ENGINE_THREAD: &str = "bench-engine";
/// The source port of the packets toward subscribers (LNS TUN → L2TP).
const SOURCE_PORT: u16 = 5000;

const CEILING_C: &str = r#"
#define _GNU_SOURCE
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <stdint.h>
#include <netinet/udp.h>
#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
/* A plain recvmmsg loop: 64 datagrams a call, counted, nothing else. With MODE DEVICE SKIP,
 * also the least a forwarder does with each datagram, the first SKIP octets (L2TP and PPP
 * headers) left behind and only what the kernel took counted:
 *   tun:   its IP packet written to a queue of TUN device DEVICE, as the LNS's workers write
 *          it (with the virtio-net header when the device has one);
 *   pppoe: its PPP frame sent in a PPPoE session frame on DEVICE's packet socket, one
 *          sendmmsg per batch, as the LAC's relay sends it. */
/* tunread DEVICE SINK_PORT: the least an LNS does toward its subscribers: each packet read
 * from a queue of TUN device DEVICE (one read each, as a TUN queue gives them, until it has
 * none or 64), put behind an L2TP data header and PPP's FF 03 00 21 in place, and the batch
 * sent to 127.0.0.1:SINK_PORT as one UDP GSO message (the segments are of equal length here),
 * as the workers send a peer's runs. Counted: the packets sent. */
/* A queue of TUN device NAME, opened as the workers open theirs (multi-queue, with the
 * virtio-net header when the device takes it); *vnet is that header's length (10 or 0). */
static int open_tun_queue(const char *name, int open_flags, int *vnet) {
    for (int attempt = 0; attempt < 2; attempt++) {
        int t = open("/dev/net/tun", O_RDWR | open_flags);
        struct ifreq ifr;
        memset(&ifr, 0, sizeof ifr);
        strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
        ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE | (attempt == 0 ? IFF_VNET_HDR : 0);
        if (t >= 0 && ioctl(t, TUNSETIFF, &ifr) == 0) { *vnet = attempt == 0 ? 10 : 0; return t; }
        if (t >= 0) close(t);
    }
    perror("TUNSETIFF");
    return -1;
}

static int over(const struct timespec *start, double seconds) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9 >= seconds;
}

/* 127.0.0.1:PORT. */
static struct sockaddr_in loopback(int port) {
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(0x7f000001);
    return a;
}

/* Tells the bench to start its generator; the loop's clock starts here. */
static void ready(struct timespec *start) {
    printf("ready\n");
    fflush(stdout);
    clock_gettime(CLOCK_MONOTONIC, start);
}

/* The loop's result line: what it counted and its CPU seconds. */
static int report(unsigned long long count) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    double cpu = u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
    printf("%llu %f\n", count, cpu);
    return 0;
}

static int tun_to_udp(const char *device, int sink_port, double seconds) {
    int vnet = 0;
    int tun = open_tun_queue(device, O_NONBLOCK, &vnet);
    if (tun < 0) return 1;
    int out = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = loopback(sink_port);
    if (connect(out, (struct sockaddr *)&a, sizeof a) != 0) { perror("connect"); return 1; }
    static char bufs[64][2048];
    struct iovec iov[64];
    struct timespec start;
    ready(&start);
    unsigned long long count = 0;
    for (;;) {
        struct pollfd p = {tun, POLLIN, 0};
        poll(&p, 1, 50);
        int m = 0, same = 1, total = 0;
        /* A GSO message is one UDP datagram before it is cut: at most 64 KiB. */
        while (m < 64 && total <= 65000 - 2048) {
            /* The IP packet lands at offset 12, the virtio-net header just before it. */
            int n = read(tun, bufs[m] + 12 - vnet, sizeof bufs[m] - 12 + vnet);
            if (n <= vnet) break;
            int len = n - vnet;
            static const unsigned char hdr[12] = {0x40, 0x02, 0, 0, 0, 1, 0, 1, 0xff, 0x03, 0x00, 0x21};
            memcpy(bufs[m], hdr, 12);
            bufs[m][2] = (12 + len) >> 8;
            bufs[m][3] = (12 + len) & 0xff;
            iov[m].iov_base = bufs[m];
            iov[m].iov_len = 12 + len;
            total += 12 + len;
            if (m > 0 && iov[m].iov_len != iov[0].iov_len) same = 0;
            m++;
        }
        if (m > 0 && same) {
            char control[CMSG_SPACE(sizeof(uint16_t))];
            struct msghdr h;
            memset(&h, 0, sizeof h);
            h.msg_iov = iov;
            h.msg_iovlen = m;
            h.msg_control = control;
            h.msg_controllen = sizeof control;
            struct cmsghdr *c = CMSG_FIRSTHDR(&h);
            c->cmsg_level = SOL_UDP;
            c->cmsg_type = UDP_SEGMENT;
            c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
            *(uint16_t *)CMSG_DATA(c) = (uint16_t)iov[0].iov_len;
            if (sendmsg(out, &h, 0) > 0) count += m;
        } else if (m > 0) {
            struct mmsghdr msgs[64];
            memset(msgs, 0, sizeof msgs);
            for (int i = 0; i < m; i++) { msgs[i].msg_hdr.msg_iov = &iov[i]; msgs[i].msg_hdr.msg_iovlen = 1; }
            int sent = sendmmsg(out, msgs, m, 0);
            if (sent > 0) count += sent;
        }
        if (over(&start, seconds)) break;
    }
    return report(count);
}

int main(int argc, char **argv) {
    int port = atoi(argv[1]);
    double seconds = atof(argv[2]);
    if (argc > 5 && strcmp(argv[3], "tunread") == 0) return tun_to_udp(argv[4], atoi(argv[5]), seconds);
    const char *mode = argc > 5 ? argv[3] : "";
    int tun = -1, vnet = 0, packet = -1, skip = argc > 5 ? atoi(argv[5]) : 0;
    if (strcmp(mode, "tun") == 0) {
        tun = open_tun_queue(argv[4], 0, &vnet);
        if (tun < 0) return 1;
    } else if (strcmp(mode, "pppoe") == 0) {
        packet = socket(AF_PACKET, SOCK_RAW, 0);
        struct sockaddr_ll sll;
        memset(&sll, 0, sizeof sll);
        sll.sll_family = AF_PACKET;
        sll.sll_protocol = htons(0x8864);
        sll.sll_ifindex = if_nametoindex(argv[4]);
        if (packet < 0 || bind(packet, (struct sockaddr *)&sll, sizeof sll) != 0) { perror("packet socket"); return 1; }
    }
    static char frames[64][2048];
    struct mmsghdr out[64];
    struct iovec out_iov[64];
    static const unsigned char pppoe_hdr[20] = {2, 0x5b, 0, 0, 0, 1, 2, 0, 0, 0, 0, 1,
                                                0x88, 0x64, 0x11, 0, 0, 1, 0, 0};
    static char vnet_hdr[10];
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int big = 8 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    struct timeval tv = {0, 50000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = loopback(port);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) { perror("bind"); return 1; }
    static char bufs[64][2048];
    struct mmsghdr msgs[64];
    struct iovec iov[64];
    for (int i = 0; i < 64; i++) {
        iov[i].iov_base = bufs[i];
        iov[i].iov_len = sizeof bufs[i];
        memset(&msgs[i], 0, sizeof msgs[i]);
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    struct timespec start;
    ready(&start);
    unsigned long long count = 0;
    for (;;) {
        int n = recvmmsg(fd, msgs, 64, 0, NULL);
        if (n > 0 && tun < 0 && packet < 0) count += n;
        if (n > 0 && packet >= 0) {
            int m = 0;
            for (int i = 0; i < n; i++) {
                int len = (int)msgs[i].msg_len - skip;
                if (len <= 0 || len > 2048 - 20) continue;
                memcpy(frames[m], pppoe_hdr, 20);
                frames[m][18] = len >> 8;
                frames[m][19] = len & 0xff;
                memcpy(frames[m] + 20, bufs[i] + skip, len);
                out_iov[m].iov_base = frames[m];
                out_iov[m].iov_len = 20 + len;
                memset(&out[m], 0, sizeof out[m]);
                out[m].msg_hdr.msg_iov = &out_iov[m];
                out[m].msg_hdr.msg_iovlen = 1;
                m++;
            }
            int sent = m ? sendmmsg(packet, out, m, 0) : 0;
            if (sent > 0) count += sent;
        }
        for (int i = 0; tun >= 0 && i < n; i++) {
            int len = (int)msgs[i].msg_len - skip;
            if (len <= 0) continue;
            struct iovec v[2] = {{vnet_hdr, vnet}, {bufs[i] + skip, len}};
            if (writev(tun, vnet ? v : v + 1, vnet ? 2 : 1) > 0) count++;
        }
        if (over(&start, seconds)) break;
    }
    return report(count);
}
"#;

pub struct DataWorkersBench {
    pub seconds: u64,
    /// `lns`, `lnscsum`, `lac`, `lacup`, `lnsdown`: the paths measured.
    pub paths: Vec<String>,
    pub sizes: Vec<usize>,
    pub sessions: Vec<usize>,
    pub workers: Vec<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Lns,
    /// `Lns` with valid UDP checksums.
    LnsChecksummed,
    Lac,
    LacUp,
    LnsDown,
}

struct Figure {
    forwarded: u64,
    cpu_seconds: f64,
    wall: Duration,
    /// CPU-seconds of the engine thread meanwhile (it holds the L2TP socket's registration).
    engine_cpu_seconds: f64,
}

impl Figure {
    fn per_core(&self) -> f64 {
        self.forwarded as f64 / self.cpu_seconds.max(1.0 / USER_HZ)
    }
    fn per_second(&self) -> f64 {
        self.forwarded as f64 / self.wall.as_secs_f64()
    }
    /// The engine thread's share of a core meanwhile.
    fn engine_load(&self) -> f64 {
        self.engine_cpu_seconds / self.wall.as_secs_f64()
    }
}

pub fn run(bench: &DataWorkersBench) -> Result<bool, String> {
    enter_namespace(
        "data-workers",
        "a TUN device and a veth pair",
        bench.seconds,
    )?;
    // A veth pair (this kernel has no dummy driver): frames sent on `dum0` arrive at
    // `dum1`, which nobody reads.
    ip(&format!("link add {PORT} type veth peer name dum1"))?;
    ip(&format!("link set {PORT} up"))?;
    ip("link set dum1 up")?;
    let ceiling_binary = build_ceiling()?;
    let window = Duration::from_secs(bench.seconds);
    let (stop_engine, engine) = engine_thread()?;
    // Nobody reads it: the kernel drops what the LNS's packets bring once it is full.
    let _sink = UdpSocket::bind((GATEWAY, SINK_PORT)).map_err(|e| format!("sink: {e}"))?;

    println!(
        "{:<12} {:>5} {:>8} {:>7} {:>14} {:>15} {:>6} {:>12} {:>7}",
        "path",
        "size",
        "sessions",
        "workers",
        "pkt/CPU-s",
        "ceiling pkt/s/c",
        "share",
        "pkt/s (wall)",
        "engine"
    );
    for &size in &bench.sizes {
        let ceiling = measure_ceiling(&ceiling_binary, size, window, None)?;
        let device = l2tpd::io::service_endpoint::linux_name(SERVICE).map_err(|e| e.to_string())?;
        for (paths, forward, what) in [
            (
                &["lns", "lnscsum"][..],
                Forward::Tun(&device),
                format!("writing each packet to {SERVICE}"),
            ),
            (
                &["lac"][..],
                Forward::Pppoe(PORT),
                format!("sending each as PPPoE on {PORT}"),
            ),
        ] {
            if !bench.paths.iter().any(|p| paths.contains(&p.as_str())) {
                continue;
            }
            let forwarding = measure_ceiling(&ceiling_binary, size, window, Some(forward))?;
            println!(
                "{size}-octet packets: the C loop {:.0} pkt/CPU-s; the same {what} {:.0} \
                 pkt/CPU-s ({:.0}% of the loop)",
                ceiling.per_core(),
                forwarding.per_core(),
                100.0 * forwarding.per_core() / ceiling.per_core()
            );
        }
        if bench.paths.iter().any(|p| p == "lnsdown") {
            let down = measure_tun_read_ceiling(&ceiling_binary, size, window)?;
            println!(
                "{size}-octet packets: the C loop {:.0} pkt/CPU-s; a C loop reading a TUN queue \
                 and sending each packet as L2TP {:.0} pkt/CPU-s ({:.0}% of the loop)",
                ceiling.per_core(),
                down.per_core(),
                100.0 * down.per_core() / ceiling.per_core()
            );
        }
        for (name, kind, path) in [
            ("LNS L2TP→TUN", Kind::Lns, "lns"),
            ("LNS L2TP→TUN csum", Kind::LnsChecksummed, "lnscsum"),
            ("LAC relay", Kind::Lac, "lac"),
            ("LAC PPPoE→L2TP", Kind::LacUp, "lacup"),
            ("LNS TUN→L2TP", Kind::LnsDown, "lnsdown"),
        ] {
            if !bench.paths.iter().any(|p| p == path) {
                continue;
            }
            for &sessions in &bench.sessions {
                for &workers in &bench.workers {
                    let figure = measure(&engine, kind, size, sessions, workers, window)?;
                    println!(
                        "{:<12} {:>5} {:>8} {:>7} {:>14.0} {:>15.0} {:>5.0}% {:>12.0} {:>6.0}%",
                        name,
                        size,
                        sessions,
                        workers,
                        figure.per_core(),
                        ceiling.per_core(),
                        100.0 * figure.per_core() / ceiling.per_core(),
                        figure.per_second(),
                        100.0 * figure.engine_load()
                    );
                }
            }
        }
    }
    let _ = stop_engine.send(());
    let _ = engine.thread.join();
    Ok(true)
}

/// What the engine thread holds for the workers: the TUN device and the PPPoE port, both
/// registered with its runtime, which keeps running (their readiness is its reactor's).
struct EngineSide {
    service: Arc<ServiceEndpoint>,
    port: Arc<AsyncFrameEndpoint>,
    our_mac: MacAddr,
    thread: std::thread::JoinHandle<()>,
}

fn engine_thread() -> Result<(tokio::sync::oneshot::Sender<()>, EngineSide), String> {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (ready, ready_wait) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name(ENGINE_THREAD.into())
        .spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                let opened = (|| -> Result<_, String> {
                    let service =
                        ServiceEndpoint::tun(SERVICE).map_err(|e| format!("{SERVICE}: {e}"))?;
                    service
                        .set_addresses(&[(GATEWAY, 16)])
                        .and_then(|()| service.set_up())
                        .map_err(|e| format!("{SERVICE}: {e}"))?;
                    let port =
                        AsyncFrameEndpoint::packet(PORT).map_err(|e| format!("{PORT}: {e}"))?;
                    // As the engine's socket is once the workers read the port: it only sends.
                    if let FrameEndpoint::Packet(socket) = port.get_ref() {
                        socket
                            .stop_receiving()
                            .map_err(|e| format!("{PORT}: {e}"))?;
                    }
                    Ok((Arc::new(service), Arc::new(port)))
                })();
                let _ = ready.send(opened);
                let _ = stopped.await;
            });
        });
    let thread = spawned.map_err(|e| format!("the engine thread: {e}"))?;
    let (service, port) = ready_wait
        .recv_timeout(READY_WAIT)
        .map_err(|_| "the engine thread did not start".to_string())??;
    Ok((
        stop,
        EngineSide {
            service,
            port,
            our_mac: MacAddr([0x02, 0, 0, 0, 0xd0, 1]),
            thread,
        },
    ))
}

fn subscriber(i: usize) -> Ipv4Addr {
    let i = u32::try_from(i).unwrap_or(0) + 2;
    Ipv4Addr::from(u32::from(GATEWAY) + i)
}

/// One peer (LAC or LNS) address per tunnel.
fn peers(tunnels: usize) -> Vec<SocketAddr> {
    (0..tunnels)
        .map(|t| SocketAddr::from((Ipv4Addr::new(127, 0, 1, 2 + t as u8), L2TP)))
        .collect()
}

/// The L2TP data message for session `i`: T=0 L=1 Ver=2, Tunnel ID 1+t, Session ID 1+i,
/// PPP FF 03 then `ppp`.
fn l2tp_data(tunnel: u16, session: u16, ppp: &[u8]) -> Vec<u8> {
    let length = u16::try_from(10 + ppp.len()).unwrap_or(u16::MAX);
    let mut m = vec![0x40, 0x02];
    m.extend(length.to_be_bytes());
    m.extend(tunnel.to_be_bytes());
    m.extend(session.to_be_bytes());
    m.extend([0xff, 0x03]);
    m.extend(ppp);
    m
}

/// PPP (IPv4) carrying a UDP packet of `size` octets from `source` to the sink.
pub fn ppp_ipv4(source: Ipv4Addr, size: usize) -> Vec<u8> {
    let total = u16::try_from(size).unwrap_or(u16::MAX);
    let mut p = vec![0x00, 0x21, 0x45, 0x00];
    p.extend(total.to_be_bytes());
    p.extend([0, 1, 0x40, 0, 64, 17, 0, 0]);
    p.extend(source.octets());
    p.extend(GATEWAY.octets());
    let sum = l2tp_tests::emulator::ip_packet::checksum(&p[2..22]);
    p[12..14].copy_from_slice(&sum.to_be_bytes());
    p.extend(5000u16.to_be_bytes());
    p.extend(SINK_PORT.to_be_bytes());
    p.extend((total - 20).to_be_bytes());
    p.extend([0, 0]);
    p.resize(size + 2, 0x5a);
    p
}

/// [`ppp_ipv4`] with the UDP checksum a subscriber's stack computes.
fn ppp_ipv4_checksummed(source: Ipv4Addr, size: usize) -> Vec<u8> {
    let payload = vec![0x5a; size.saturating_sub(28)];
    let mut p = vec![0x00, 0x21];
    p.extend(l2tp_tests::emulator::ip_packet::udp(
        SocketAddrV4::new(source, 5000),
        SocketAddrV4::new(GATEWAY, SINK_PORT),
        1,
        &payload,
    ));
    p
}

fn measure(
    engine: &EngineSide,
    kind: Kind,
    size: usize,
    sessions: usize,
    workers: usize,
    window: Duration,
) -> Result<Figure, String> {
    let pool = DataWorkers::start(workers)?;
    let tunnels = workers.min(sessions);
    let peers = peers(tunnels);
    let fast = FastPath::with_ip(SharedRelay::default(), SharedIpRelay::default());
    fast.add_service(&Arc::from(SERVICE), Arc::clone(&engine.service));
    let (port_queue, _port_rx) = tokio::sync::mpsc::unbounded_channel();
    fast.add_port(&Arc::from(PORT), engine.port.get_ref(), &port_queue)
        .map_err(|e| format!("{PORT}: {e}"))?;
    // Each tunnel's messages, its sessions in turn.
    let mut messages: Vec<Vec<Vec<u8>>> = vec![Vec::new(); tunnels];
    // PPPoE → L2TP: the subscribers' frames, sessions in turn.
    let mut up_frames: Vec<Vec<u8>> = Vec::new();
    for i in 0..sessions {
        let t = i % tunnels;
        let (tunnel, session) = (1 + t as u16, 1 + i as u16);
        let leg = RelayLeg {
            local_tunnel: tunnel,
            local_session: session,
            peer_tunnel: tunnel,
            peer_session: session,
            source: LOCAL,
            destination: peers[t],
        };
        let ppp = match kind {
            Kind::Lns | Kind::LnsChecksummed | Kind::LnsDown => {
                fast.ip.lock().install(IpRoute {
                    filters: Default::default(),
                    call: SessionRef(i as u64),
                    address: subscriber(i),
                    routed: Vec::new(),
                    service: Arc::from(SERVICE),
                    router: Ipv4Addr::new(127, 0, 0, 1),
                    l2tp: leg,
                });
                if kind == Kind::LnsChecksummed {
                    ppp_ipv4_checksummed(subscriber(i), size)
                } else {
                    ppp_ipv4(subscriber(i), size)
                }
            }
            Kind::Lac | Kind::LacUp => {
                fast.table.lock().install(RelayRoute {
                    call: SessionRef(i as u64),
                    port: Arc::from(PORT),
                    client: MacAddr([0x02, 0x5b, 0, 0, (i >> 8) as u8, i as u8]),
                    our_mac: engine.our_mac,
                    vlans: Vec::new(),
                    pppoe_session: session,
                    l2tp: leg,
                });
                // The PPPoE frame is Ethernet (14) + PPPoE (6) + PPP: `size` in all.
                vec![0x5a; size.saturating_sub(20).max(4)]
            }
        };
        if kind == Kind::LacUp {
            let client = MacAddr([0x02, 0x5b, 0, 0, (i >> 8) as u8, i as u8]);
            up_frames.push(pppoe_session_frame(engine.our_mac, client, session, &ppp));
        }
        messages[t].push(l2tp_data(tunnel, session, &ppp));
    }
    if kind == Kind::LacUp {
        return measure_up(pool, &fast, &peers, up_frames, window);
    }
    if kind == Kind::LnsDown {
        return measure_down(engine, pool, &fast, &peers, (sessions, size), window);
    }
    let readers = listener(&pool, &fast)?;
    let mut generators = Vec::new();
    for peer in &peers {
        let generator = UdpSocket::bind(peer).map_err(|e| format!("{peer}: {e}"))?;
        generator
            .connect((LOCAL, L2TP))
            .map_err(|e| e.to_string())?;
        generators.push(generator);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = generators
        .into_iter()
        .zip(messages)
        .map(|(socket, messages)| {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || generate(&socket, &messages, &stop))
        })
        .collect();
    // Counted from 200 ms on: what the tables took before does not count.
    let figure = count_while(&fast, kind, window);
    stop.store(true, Ordering::Relaxed);
    for thread in threads {
        let _ = thread.join();
    }
    drop(readers);
    drop(pool);
    figure
}

/// Packets the table forwarded since the last call (and forgets them).
fn take_counted(fast: &FastPath, kind: Kind) -> u64 {
    match kind {
        Kind::Lns | Kind::LnsChecksummed => fast
            .ip
            .lock()
            .take_counters()
            .iter()
            .map(|(_, c)| c.up_packets)
            .sum(),
        Kind::Lac => fast
            .table
            .lock()
            .take_counters()
            .iter()
            .map(|(_, c)| c.down_packets)
            .sum(),
        Kind::LacUp => fast
            .table
            .lock()
            .take_counters()
            .iter()
            .map(|(_, c)| c.up_packets)
            .sum(),
        Kind::LnsDown => fast
            .ip
            .lock()
            .take_counters()
            .iter()
            .map(|(_, c)| c.down_packets)
            .sum(),
    }
}

/// PPPoE → L2TP: the port read by the workers' fan-out group, the relay sending from the
/// sender beside the listener on 127.0.0.1 to sockets nobody reads; one generator on the
/// veth's other end.
fn measure_up(
    pool: DataWorkers,
    fast: &FastPath,
    peers: &[SocketAddr],
    frames: Vec<Vec<u8>>,
    window: Duration,
) -> Result<Figure, String> {
    let _sinks = sinks(peers)?;
    let tunnels = listener(&pool, fast)?;
    let readers = PortReaders::start(&pool, PORT, fast).map_err(|e| format!("{PORT}: {e}"))?;
    let generator = PacketSocket::open("dum1").map_err(|e| format!("dum1: {e}"))?;
    let stop = Arc::new(AtomicBool::new(false));
    let thread = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || generate(&generator, &frames, &stop))
    };
    let figure = count_while(fast, Kind::LacUp, window);
    stop.store(true, Ordering::Relaxed);
    let _ = thread.join();
    stop_workers((readers, tunnels), pool);
    figure
}

/// The listener on 127.0.0.1:1701 as the engine binds it, a data socket per worker read by
/// that worker; the fast path sends from the sender beside it.
fn listener(pool: &DataWorkers, fast: &FastPath) -> Result<ListenerReader, String> {
    let at = SocketAddrV4::new(LOCAL, L2TP);
    let reader = ListenerReader::start(pool, at, fast).map_err(|e| format!("{at}: {e}"))?;
    let engine = reader
        .engine_socket()
        .ok_or(format!("{at}: no socket to send from"))?;
    fast.set_l2tp_sockets([(LOCAL, engine)]);
    Ok(reader)
}

/// Stops the readers and waits for the workers' threads, while the sinks are still open: an
/// aborted reader drains its backlog until its next yield, and what it sent to a closed
/// sink would cost ICMP port-unreachables in the profile.
fn stop_workers<R>(readers: R, pool: DataWorkers) {
    drop(readers);
    drop(pool);
}

/// The routes' L2TP legs go to the peers' addresses: sockets there that nobody reads (no
/// ICMP port-unreachable for every datagram).
fn sinks(peers: &[SocketAddr]) -> Result<Vec<UdpSocket>, String> {
    peers
        .iter()
        .map(|peer| UdpSocket::bind(peer).map_err(|e| format!("sink {peer}: {e}")))
        .collect()
}

/// What the table of `kind` forwarded during `window` (after 200 ms to settle), less what a
/// full queue refused, per CPU-second of the workers.
fn count_while(fast: &FastPath, kind: Kind, window: Duration) -> Result<Figure, String> {
    std::thread::sleep(Duration::from_millis(200));
    let _ = take_counted(fast, kind);
    let failed_before = fast.send_failures();
    let cpu_before = workers_cpu_seconds()?;
    let engine_before = thread_cpu_seconds(ENGINE_THREAD)?;
    let started = Instant::now();
    std::thread::sleep(window);
    let taken = take_counted(fast, kind);
    let failed = fast.send_failures() - failed_before;
    let cpu_seconds = workers_cpu_seconds()? - cpu_before;
    let engine_cpu_seconds = thread_cpu_seconds(ENGINE_THREAD)? - engine_before;
    let wall = started.elapsed();
    Ok(Figure {
        forwarded: taken.saturating_sub(failed),
        cpu_seconds,
        wall,
        engine_cpu_seconds,
    })
}

/// TUN → L2TP: the device's queues read by the workers, the packets sent as L2TP from the
/// engine's socket to ones nobody reads; one generator sends UDP packets from the gateway
/// to the `sessions` subscribers in turn (`size` octets of IPv4 each), which the kernel
/// routes into the device.
fn measure_down(
    engine: &EngineSide,
    pool: DataWorkers,
    fast: &FastPath,
    peers: &[SocketAddr],
    (sessions, size): (usize, usize),
    window: Duration,
) -> Result<Figure, String> {
    let _sinks = sinks(peers)?;
    let tunnels = listener(&pool, fast)?;
    let readers = ServiceQueueReaders::start(&pool, SERVICE, &engine.service, fast)
        .map_err(|e| format!("{SERVICE}: {e}"))?;
    let generator =
        UdpSocket::bind((GATEWAY, SOURCE_PORT)).map_err(|e| format!("generator: {e}"))?;
    let payload = vec![0x5a; size.saturating_sub(28).max(1)];
    let destinations: Vec<SocketAddrV4> = (0..sessions)
        .map(|i| SocketAddrV4::new(subscriber(i), SINK_PORT))
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let thread = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut next = 0;
            while !stop.load(Ordering::Relaxed) {
                let first = next;
                let batch = (0..64).map(|k| {
                    let to = destinations[(first + k) % destinations.len()];
                    (payload.as_slice(), to)
                });
                next = (next + 64) % destinations.len();
                if send_datagrams_to(generator.as_fd(), batch).is_err() {
                    std::thread::yield_now();
                }
            }
        })
    };
    let figure = count_while(fast, Kind::LnsDown, window);
    stop.store(true, Ordering::Relaxed);
    let _ = thread.join();
    stop_workers((readers, tunnels), pool);
    figure
}

/// A PPPoE session frame (RFC 2516) from `client` to `ours` carrying `ppp`.
fn pppoe_session_frame(ours: MacAddr, client: MacAddr, session: u16, ppp: &[u8]) -> Vec<u8> {
    let mut f = ours.0.to_vec();
    f.extend_from_slice(&client.0);
    f.extend_from_slice(&0x8864u16.to_be_bytes());
    f.extend_from_slice(&[0x11, 0x00]);
    f.extend_from_slice(&session.to_be_bytes());
    f.extend_from_slice(&u16::try_from(ppp.len()).unwrap_or(0).to_be_bytes());
    f.extend_from_slice(ppp);
    f
}

/// `messages`, 64 a sendmmsg in turn, as fast as one thread can, until `stop`.
fn generate(socket: &impl AsFd, messages: &[Vec<u8>], stop: &AtomicBool) {
    let mut next = 0;
    while !stop.load(Ordering::Relaxed) {
        let first = next;
        let batch = (0..64).map(move |k| messages[(first + k) % messages.len()].as_slice());
        next = (next + 64) % messages.len();
        if send_datagrams(socket.as_fd(), batch).is_err() {
            std::thread::yield_now();
        }
    }
}

/// utime + stime of this process's `l2tpd-data-*` threads.
fn workers_cpu_seconds() -> Result<f64, String> {
    thread_cpu_seconds("l2tpd-data-")
}

/// utime + stime of this process's threads whose name starts with `prefix`.
fn thread_cpu_seconds(prefix: &str) -> Result<f64, String> {
    let mut total = 0.0;
    let tasks = std::fs::read_dir("/proc/self/task").map_err(|e| e.to_string())?;
    for task in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        let Some((head, after)) = stat.rsplit_once(')') else {
            continue;
        };
        if !head.contains(&format!("({prefix}")) {
            continue;
        }
        let fields: Vec<&str> = after.split_whitespace().collect();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        total += (ticks(11) + ticks(12)) / USER_HZ;
    }
    Ok(total)
}

fn build_ceiling() -> Result<std::path::PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("l2tp-bench-ceiling-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let source = dir.join("recvmmsg_loop.c");
    let binary = dir.join("recvmmsg_loop");
    std::fs::write(&source, CEILING_C).map_err(|e| e.to_string())?;
    let status = Command::new("cc")
        .args(["-O2", "-o"])
        .arg(&binary)
        .arg(&source)
        .status()
        .map_err(|e| format!("cc: {e}"))?;
    if !status.success() {
        return Err(format!("cc: {status}"));
    }
    Ok(binary)
}

/// The TUN device of the TUN → L2TP C loop: its own, so that no other queue takes its
/// packets, with an address of its own for the generator to send into it.
const CEILING_TUN: &str = "l2b-ceil";
const CEILING_TUN_GATEWAY: Ipv4Addr = Ipv4Addr::new(198, 19, 0, 1);
const CEILING_SINK_PORT: u16 = 1703;

/// The C loop of the TUN → L2TP direction (`tunread`): a generator sends `size`-octet UDP
/// packets from the device's address to one address behind it, which the kernel routes into
/// the device; the loop reads them from its queue and sends them as L2TP to a socket nobody
/// reads, as the workers do toward a peer.
fn measure_tun_read_ceiling(
    binary: &std::path::Path,
    size: usize,
    window: Duration,
) -> Result<Figure, String> {
    // Made once per run of the bench (the namespace's /sys is the host's: no test there).
    static MADE: AtomicBool = AtomicBool::new(false);
    if !MADE.swap(true, Ordering::Relaxed) {
        ip(&format!(
            "tuntap add dev {CEILING_TUN} mode tun multi_queue vnet_hdr"
        ))?;
        ip(&format!(
            "addr add {CEILING_TUN_GATEWAY}/24 dev {CEILING_TUN}"
        ))?;
        ip(&format!("link set {CEILING_TUN} up"))?;
    }
    let _sink = UdpSocket::bind((LOCAL, CEILING_SINK_PORT)).map_err(|e| format!("sink: {e}"))?;
    let mut command = Command::new(binary);
    command
        .arg(CEILING_PORT.to_string())
        .arg(format!("{}", window.as_secs_f64()))
        .args(["tunread", CEILING_TUN, &CEILING_SINK_PORT.to_string()]);
    let generator = UdpSocket::bind((CEILING_TUN_GATEWAY, SOURCE_PORT))
        .map_err(|e| format!("generator: {e}"))?;
    let to = SocketAddrV4::new(Ipv4Addr::new(198, 19, 0, 7), SINK_PORT);
    let payload = vec![0x5a; size.saturating_sub(28).max(1)];
    run_ceiling(command, move |stop| {
        while !stop.load(Ordering::Relaxed) {
            let batch = (0..64).map(|_| (payload.as_slice(), to));
            if send_datagrams_to(generator.as_fd(), batch).is_err() {
                std::thread::yield_now();
            }
        }
    })
}

/// What the C loop does with each datagram beyond receiving it.
#[derive(Clone, Copy)]
enum Forward<'a> {
    /// Its IP packet written to a queue of this TUN device (Linux name).
    Tun(&'a str),
    /// Its PPP frame sent as a PPPoE session frame on this port.
    Pppoe(&'a str),
}

/// The C loop receiving one generator's stream of `size`-octet L2TP data messages, and with
/// `forward` passing each on as a forwarder at least must.
fn measure_ceiling(
    binary: &std::path::Path,
    size: usize,
    window: Duration,
    forward: Option<Forward>,
) -> Result<Figure, String> {
    let mut command = Command::new(binary);
    command
        .arg(CEILING_PORT.to_string())
        .arg(format!("{}", window.as_secs_f64()));
    // `l2tp_data`: the L2TP data header (8 octets), PPP's FF 03, then the protocol 00 21.
    match forward {
        Some(Forward::Tun(device)) => command.args(["tun", device, "12"]),
        Some(Forward::Pppoe(port)) => command.args(["pppoe", port, "10"]),
        None => &mut command,
    };
    let generator = UdpSocket::bind((Ipv4Addr::new(127, 0, 1, 1), 0)).map_err(|e| e.to_string())?;
    generator
        .connect((LOCAL, CEILING_PORT))
        .map_err(|e| e.to_string())?;
    let message = l2tp_data(1, 1, &ppp_ipv4(subscriber(0), size));
    run_ceiling(command, move |stop| generate(&generator, &[message], &stop))
}

/// Runs a C loop (`command`) once it says it is ready, with `generator` feeding it on a
/// thread of its own until the loop ends; the loop's count and CPU time are the figure.
fn run_ceiling(
    mut command: Command,
    generator: impl FnOnce(Arc<AtomicBool>) + Send + 'static,
) -> Result<Figure, String> {
    use std::io::BufRead;
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("the ceiling loop: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = std::io::BufReader::new(stdout).lines();
    match lines.next() {
        Some(Ok(line)) if line == "ready" => {}
        other => return Err(format!("the ceiling loop did not start: {other:?}")),
    }
    let stop = Arc::new(AtomicBool::new(false));
    let thread = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || generator(stop))
    };
    let started = Instant::now();
    let result = lines.next();
    let wall = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let _ = thread.join();
    let _ = child.wait();
    let line = match result {
        Some(Ok(line)) => line,
        other => return Err(format!("the ceiling loop said nothing: {other:?}")),
    };
    let mut words = line.split_whitespace();
    Ok(Figure {
        forwarded: words.next().and_then(|w| w.parse().ok()).unwrap_or(0),
        cpu_seconds: words.next().and_then(|w| w.parse().ok()).unwrap_or(0.0),
        wall,
        engine_cpu_seconds: 0.0,
    })
}
