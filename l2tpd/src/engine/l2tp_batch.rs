//! The L2TP datagrams one fast-path batch sends (PPPoE frames relayed up to LNSs, IP packets
//! relayed down to LACs): reused buffers, each kept with its destination and the address of
//! the socket it leaves by, sent with one sendmmsg per tunnel socket or source socket.

use super::l2tp_senders::L2tpSender;
use super::read_socket::TunnelSocket;
use crate::io::packet_socket::{
    largest_unfragmented_payload, send_datagrams, send_datagrams_segmented, send_datagrams_to,
};
use std::collections::{BTreeMap, HashMap};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::os::fd::{AsFd, BorrowedFd};

#[derive(Default)]
pub struct L2tpBatch {
    datagrams: Vec<Vec<u8>>,
    /// The source socket's address (0.0.0.0: the wildcard socket) and the destination.
    targets: Vec<(Ipv4Addr, SocketAddrV4)>,
    filled: usize,
    /// The batch's datagrams (their indices) by source and destination, and those of them
    /// that leave by their source's socket; reused from batch to batch.
    order: Vec<usize>,
    unconnected: Vec<usize>,
    segmentation: Segmentation,
}

/// How a busy path's datagrams leave its tunnel socket: as UDP GSO messages
/// ([`send_datagrams_segmented`]) within each path's MTU, or one by one once the kernel
/// refused GSO.
#[derive(Default)]
struct Segmentation {
    /// The kernel refused UDP GSO once: the tunnel sockets send without it.
    off: bool,
    /// The largest datagram each busy path takes in a GSO message (its route's MTU less the
    /// headers), asked once per path; paths no longer offered are forgotten now and then.
    max_segments: HashMap<(Ipv4Addr, SocketAddrV4), usize>,
}

impl Segmentation {
    /// Sends `datagrams` of `path` on its tunnel socket `fd`, in order; returns how many
    /// of the first ones went.
    fn send<'a>(
        &mut self,
        fd: BorrowedFd<'_>,
        path: (Ipv4Addr, SocketAddrV4),
        datagrams: impl Iterator<Item = &'a [u8]> + Clone,
    ) -> usize {
        if self.off {
            return send_datagrams(fd, datagrams).unwrap_or(0);
        }
        let max_segment = *self
            .max_segments
            .entry(path)
            .or_insert_with(|| largest_unfragmented_payload(fd).unwrap_or(0));
        match send_datagrams_segmented(fd, max_segment, datagrams.clone()) {
            Ok(done) => done,
            Err(e) if matches!(e.raw_os_error(), Some(libc::EMSGSIZE | libc::EINVAL)) => {
                // The route's MTU fell below a segment (an ICMP "fragmentation needed"):
                // asked again for the next batch; this one goes singly.
                self.max_segments.remove(&path);
                send_datagrams(fd, datagrams).unwrap_or(0)
            }
            Err(e) if segmentation_refused(&e) => {
                tracing::info!("UDP GSO refused ({e}): L2TP data is sent a datagram at a time");
                self.off = true;
                send_datagrams(fd, datagrams).unwrap_or(0)
            }
            Err(_) => 0,
        }
    }

    /// Forgets the limits of paths whose tunnel socket is gone, once they outnumber the
    /// sockets well (not every batch: it walks them all).
    fn forget_gone(&mut self, tunnels: &TunnelSockets) {
        if self.max_segments.len() > 2 * tunnels.len() + 16 {
            self.max_segments
                .retain(|path, _| tunnels.contains_key(path));
        }
    }
}

/// Whether `error` says the kernel cannot segment at all (an old kernel, a device or
/// transform that cannot), rather than that the socket is full.
fn segmentation_refused(error: &std::io::Error) -> bool {
    matches!(
        error.raw_os_error(),
        Some(libc::EIO | libc::EOPNOTSUPP | libc::ENOPROTOOPT)
    )
}

/// Each tunnel's connected socket, by our address and the peer's
/// ([`super::fast_path::FastPath::add_tunnel_socket`]).
pub(super) type TunnelSockets = HashMap<(Ipv4Addr, SocketAddrV4), TunnelSocket>;

/// The fewest datagrams of one destination in a batch that leave by the tunnel's connected
/// socket. Under load a batch holds dozens for the same LNS and one system call for them
/// saves a route lookup each; one or two (light load, or an LNS whose batch is spread over
/// many LACs) would cost a sendmmsg call per destination instead of sharing the source
/// socket's one, more than the lookups saved.
pub(super) const CONNECTED_MIN: usize = 4;

/// What [`L2tpBatch::send`] did with the batch.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Sent {
    /// Datagrams sent on a tunnel's connected socket.
    pub connected: usize,
    /// Datagrams sent from the source address's socket, destination named.
    pub unconnected: usize,
    /// Datagrams no socket took.
    pub failed: usize,
}

impl L2tpBatch {
    /// Forgets the previous batch; the buffers stay.
    pub(super) fn start(&mut self) {
        self.filled = 0;
    }

    /// The buffer the next datagram is written into; [`L2tpBatch::keep`] keeps it.
    pub(super) fn next_buffer(&mut self) -> &mut Vec<u8> {
        if self.filled == self.datagrams.len() {
            self.datagrams.push(Vec::new());
            self.targets.push((
                Ipv4Addr::UNSPECIFIED,
                SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0),
            ));
        }
        &mut self.datagrams[self.filled]
    }

    /// Keeps the datagram just written for `destination`, from our socket on `source`
    /// (`None`: the wildcard socket). L2TP runs over IPv4 here: another destination is
    /// not kept.
    pub(super) fn keep(&mut self, source: Option<Ipv4Addr>, destination: SocketAddr) {
        if let SocketAddr::V4(destination) = destination {
            self.targets[self.filled] = (source.unwrap_or(Ipv4Addr::UNSPECIFIED), destination);
            self.filled += 1;
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.filled == 0
    }

    /// Sends the batch; returns how many datagrams no socket took. A destination with a
    /// tunnel socket of its own in `tunnels` and at least [`CONNECTED_MIN`] datagrams here
    /// leaves by that socket, connected, with one sendmmsg and no destination named, so the
    /// kernel uses the route cached in the socket instead of looking one up per datagram
    /// (stage 8 in docs/performance.md: route lookups were about 30 % of a worker), its
    /// runs of equal length as UDP GSO messages ([`Segmentation`], stage 9). The
    /// rest leave by their source address's socket ([`super::l2tp_senders`]), one sendmmsg
    /// per source, each datagram naming its destination. A destination's datagrams all go
    /// one way, so they keep their order.
    pub(super) fn send(
        &mut self,
        sockets: &BTreeMap<Ipv4Addr, L2tpSender>,
        tunnels: &TunnelSockets,
    ) -> Sent {
        let filled = &self.datagrams[..self.filled];
        let targets = &self.targets[..self.filled];
        let mut sent = Sent::default();
        self.segmentation.forget_gone(tunnels);
        // The datagrams in the order (source, destination, as kept): each path, then each
        // source, is one run, and a destination's datagrams keep their order within it.
        // Sorting a batch (at most a receive batch) costs O(n log n) whatever the number of
        // peers in it; the index with it makes the unstable sort keep the order.
        self.order.clear();
        self.order.extend(0..targets.len());
        self.order.sort_unstable_by_key(|&i| (targets[i], i));
        self.unconnected.clear();
        for run in self.order.chunk_by(|&a, &b| targets[a] == targets[b]) {
            let socket = (run.len() >= CONNECTED_MIN)
                .then(|| tunnels.get(&targets[run[0]]))
                .flatten();
            let Some(socket) = socket else {
                self.unconnected.extend_from_slice(run);
                continue;
            };
            let of_path = run.iter().map(|&i| &filled[i][..]);
            let done = self
                .segmentation
                .send(socket.get_ref().as_fd(), targets[run[0]], of_path);
            sent.connected += done;
            sent.failed += run.len() - done;
        }
        for run in self
            .unconnected
            .chunk_by(|&a, &b| targets[a].0 == targets[b].0)
        {
            let of_source = run.iter().map(|&i| (&filled[i][..], targets[i].1));
            let done = match sockets.get(&targets[run[0]].0) {
                Some(socket) => send_datagrams_to(socket.as_fd(), of_source).unwrap_or(0),
                None => 0,
            };
            sent.unconnected += done;
            sent.failed += run.len() - done;
        }
        sent
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::l2tp_senders::senders;
    use crate::engine::sockets::{bind_tunnel, share_port};
    use std::time::Duration;

    const WAIT: Duration = Duration::from_secs(10);

    fn fill(batch: &mut L2tpBatch, payload: &[u8], source: Ipv4Addr, to: SocketAddr) {
        let buffer = batch.next_buffer();
        buffer.clear();
        buffer.extend_from_slice(payload);
        batch.keep(Some(source), to);
    }

    fn received(sink: &std::net::UdpSocket, count: usize) -> Vec<(SocketAddr, Vec<u8>)> {
        sink.set_read_timeout(Some(WAIT)).expect("timeout");
        let mut buf = [0u8; 2048];
        (0..count)
            .map(|_| {
                let (len, from) = sink.recv_from(&mut buf).expect("a datagram");
                (from, buf[..len].to_vec())
            })
            .collect()
    }

    /// A listener on `local_ip` sharing its port with the tunnels' sockets, as the daemon's,
    /// and the senders from it.
    async fn listener_and_senders(
        local_ip: Ipv4Addr,
    ) -> (SocketAddrV4, BTreeMap<Ipv4Addr, L2tpSender>) {
        let listener = tokio::net::UdpSocket::bind((local_ip, 0))
            .await
            .expect("bind");
        share_port(&listener);
        let SocketAddr::V4(local) = listener.local_addr().expect("addr") else {
            panic!("v4");
        };
        let senders = senders(BTreeMap::new(), [(local_ip, std::sync::Arc::new(listener))]);
        (local, senders)
    }

    /// A busy destination with a tunnel socket leaves by it, connected; a quiet one, and
    /// any once the tunnel's socket is gone, by the listener's sender naming it. Either
    /// way the peer sees our address and port 1701's stand-in, in order, and what the peer
    /// sends back still reaches the tunnel's socket (its reader), never the sender.
    #[tokio::test]
    async fn a_busy_peer_is_sent_to_on_its_tunnel_socket_and_still_heard_on_it() {
        let local_ip = Ipv4Addr::new(127, 58, 0, 1);
        let (local, senders) = listener_and_senders(local_ip).await;
        let busy = std::net::UdpSocket::bind("127.58.0.2:0").expect("sink");
        let quiet = std::net::UdpSocket::bind("127.58.0.3:0").expect("sink");
        let (busy_at, quiet_at) = (busy.local_addr().unwrap(), quiet.local_addr().unwrap());
        let SocketAddr::V4(busy_v4) = busy_at else {
            panic!("v4");
        };
        let tunnel = bind_tunnel(local, busy_v4).expect("tunnel socket");
        let tunnel = crate::engine::read_socket::tunnel_socket(tunnel).expect("tokio");
        let mut tunnels = TunnelSockets::new();
        tunnels.insert((local_ip, busy_v4), std::sync::Arc::clone(&tunnel));

        let mut batch = L2tpBatch::default();
        batch.start();
        for i in 0..10u8 {
            fill(&mut batch, &[i; 20], local_ip, busy_at);
            if i % 5 == 0 {
                fill(&mut batch, &[100 + i; 20], local_ip, quiet_at);
            }
        }
        let sent = batch.send(&senders, &tunnels);
        assert_eq!(
            sent,
            Sent {
                connected: 10,
                unconnected: 2,
                failed: 0
            }
        );
        let from_us = SocketAddr::V4(local);
        let expected: Vec<_> = (0..10u8).map(|i| (from_us, vec![i; 20])).collect();
        assert_eq!(received(&busy, 10), expected);
        assert_eq!(
            received(&quiet, 2),
            [(from_us, vec![100; 20]), (from_us, vec![105; 20])]
        );

        // Fewer than CONNECTED_MIN for the busy peer: the sender's one sendmmsg.
        batch.start();
        for i in 0..(CONNECTED_MIN as u8 - 1) {
            fill(&mut batch, &[i; 20], local_ip, busy_at);
        }
        let sent = batch.send(&senders, &tunnels);
        assert_eq!((sent.connected, sent.unconnected), (0, CONNECTED_MIN - 1));
        assert_eq!(received(&busy, CONNECTED_MIN - 1).len(), CONNECTED_MIN - 1);

        // The peer answers: its datagram is the tunnel socket's to read.
        busy.send_to(b"control", from_us).expect("send back");
        let mut buf = [0u8; 64];
        let (len, from) = tokio::time::timeout(WAIT, async {
            loop {
                let mut ready = tunnel.readable().await.expect("readable");
                if let Ok(received) = ready.try_io(|socket| socket.get_ref().recv_from(&mut buf)) {
                    return received;
                }
            }
        })
        .await
        .expect("in time")
        .expect("received");
        assert_eq!((&buf[..len], from), (&b"control"[..], busy_at));

        // The tunnel cleared: its socket is no longer offered; the peer still gets its data.
        tunnels.clear();
        drop(tunnel);
        batch.start();
        for i in 0..10u8 {
            fill(&mut batch, &[i; 20], local_ip, busy_at);
        }
        let sent = batch.send(&senders, &tunnels);
        assert_eq!((sent.connected, sent.unconnected, sent.failed), (0, 10, 0));
        assert_eq!(received(&busy, 10), expected);
    }

    /// A batch spread over many peers, interleaved (an LNS's TUN batch toward many LACs):
    /// every peer gets its own datagrams, in order; the busy ones by their tunnel socket,
    /// the rest by the sender; the counts add up to the batch.
    #[tokio::test]
    async fn a_batch_over_many_peers_reaches_each_in_order() {
        let local_ip = Ipv4Addr::new(127, 58, 1, 1);
        let (local, senders) = listener_and_senders(local_ip).await;
        // 12 peers: the even ones have a tunnel socket; peer p gets p + 1 datagrams.
        let peers: Vec<std::net::UdpSocket> = (0..12u8)
            .map(|p| {
                std::net::UdpSocket::bind((Ipv4Addr::new(127, 58, 1, 10 + p), 0)).expect("sink")
            })
            .collect();
        let addrs: Vec<SocketAddr> = peers.iter().map(|p| p.local_addr().unwrap()).collect();
        let mut tunnels = TunnelSockets::new();
        for at in addrs.iter().step_by(2) {
            let SocketAddr::V4(peer) = *at else {
                panic!("v4");
            };
            let socket = bind_tunnel(local, peer).expect("tunnel socket");
            let socket = crate::engine::read_socket::tunnel_socket(socket).expect("tokio");
            tunnels.insert((local_ip, peer), socket);
        }
        let mut batch = L2tpBatch::default();
        batch.start();
        let mut total = 0;
        for round in 0..12u8 {
            for (p, at) in addrs.iter().enumerate() {
                if usize::from(round) <= p {
                    fill(&mut batch, &[p as u8, round], local_ip, *at);
                    total += 1;
                }
            }
        }
        let sent = batch.send(&senders, &tunnels);
        // Even peers with at least CONNECTED_MIN datagrams: 4, 6, 8, 10 (p + 1 = 5..11).
        let connected: usize = (0..12)
            .filter(|p| p % 2 == 0 && p + 1 >= CONNECTED_MIN)
            .map(|p| p + 1)
            .sum();
        assert_eq!(
            sent,
            Sent {
                connected,
                unconnected: total - connected,
                failed: 0
            }
        );
        let from_us = SocketAddr::V4(local);
        for (p, peer) in peers.iter().enumerate() {
            let expected: Vec<_> = (0..=p as u8).map(|r| (from_us, vec![p as u8, r])).collect();
            assert_eq!(received(peer, p + 1), expected, "peer {p}");
        }
    }
}
