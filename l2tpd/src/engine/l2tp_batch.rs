//! The L2TP datagrams one fast-path batch sends (PPPoE frames relayed up to LNSs, IP packets
//! relayed down to LACs): reused buffers, each kept with its destination and the address of
//! the socket it leaves by, sent with one sendmmsg per source socket, each destination's
//! runs of equal length as UDP GSO messages.

use super::l2tp_senders::L2tpSender;
use crate::io::packet_socket::{largest_unfragmented_payload, send_datagrams_segmented_to};
use std::collections::{BTreeMap, HashMap};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::os::fd::AsFd;

#[derive(Default)]
pub struct L2tpBatch {
    datagrams: Vec<Vec<u8>>,
    /// The source socket's address (0.0.0.0: the wildcard socket) and the destination.
    targets: Vec<(Ipv4Addr, SocketAddrV4)>,
    filled: usize,
    /// The batch's datagrams (their indices) by source and destination; reused from batch
    /// to batch.
    order: Vec<usize>,
    segmentation: Segmentation,
}

/// The most paths whose segment limit is kept: past it the cache starts again (an LNS with
/// more LACs than this asks each path's MTU again now and then; a socket and a getsockopt).
const PATHS_KEPT: usize = 4096;

/// How each path's datagrams are grouped: as UDP GSO messages within the path's MTU (stage
/// 9 in docs/performance.md: the kernel's send path, its route lookup included, runs once
/// per message instead of once per datagram), or one by one once the kernel refused GSO.
#[derive(Default)]
struct Segmentation {
    /// The kernel refused UDP GSO once: datagrams go one per message.
    off: bool,
    /// The largest datagram each path takes in a GSO message (its route's MTU less the
    /// headers; 0: not segmented), asked once per path.
    max_segments: HashMap<(Ipv4Addr, SocketAddrV4), usize>,
    /// Paths whose GSO message was refused in the last batch: asked again in the next.
    ask_again: Vec<(Ipv4Addr, SocketAddrV4)>,
}

impl Segmentation {
    /// A new batch: the paths refused in the last one are asked again.
    fn start(&mut self) {
        for path in self.ask_again.drain(..) {
            self.max_segments.remove(&path);
        }
    }

    /// The largest segment toward `to` from our `source` (0.0.0.0: any), asked of the kernel
    /// the first time by a socket connected there (IP_MTU reads only a connected socket's
    /// route; nothing is sent on it, and it closes at once).
    fn max_segment(&mut self, source: Ipv4Addr, to: SocketAddrV4) -> usize {
        if self.off {
            return 0;
        }
        if self.max_segments.len() >= PATHS_KEPT {
            self.max_segments.clear();
        }
        *self
            .max_segments
            .entry((source, to))
            .or_insert_with(|| path_max_segment(source, to))
    }

    /// The send of `path`'s message failed as a GSO message can (EMSGSIZE, EINVAL: the
    /// route's MTU fell below a segment, an ICMP "fragmentation needed"), or the kernel
    /// cannot segment at all (EIO, EOPNOTSUPP, ENOPROTOOPT: an old kernel, a device or
    /// transform that cannot). Returns whether the datagram is worth sending again singly.
    fn refused(&mut self, path: (Ipv4Addr, SocketAddrV4), error: &std::io::Error) -> bool {
        let segmented = self.max_segments.get(&path).is_some_and(|m| *m > 0);
        if !segmented || self.off {
            return false;
        }
        match error.raw_os_error() {
            Some(libc::EMSGSIZE | libc::EINVAL) => {
                // Sent singly until asked again: the next batch asks the route afresh.
                self.max_segments.insert(path, 0);
                self.ask_again.push(path);
                true
            }
            Some(libc::EIO | libc::EOPNOTSUPP | libc::ENOPROTOOPT) => {
                tracing::info!("UDP GSO refused ({error}): L2TP data is sent a datagram at a time");
                self.off = true;
                true
            }
            _ => false,
        }
    }
}

/// The largest UDP payload from `source` to `to` that leaves unfragmented, by a throwaway
/// socket connected there; 0 (never segmented) when the kernel cannot say.
fn path_max_segment(source: Ipv4Addr, to: SocketAddrV4) -> usize {
    let asked = std::net::UdpSocket::bind((source, 0)).and_then(|socket| {
        socket.connect(to)?;
        largest_unfragmented_payload(socket.as_fd())
    });
    asked.unwrap_or(0)
}

/// What [`L2tpBatch::send`] did with the batch.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Sent {
    /// Datagrams the kernel took.
    pub sent: usize,
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

    /// Sends the batch from each source address's socket ([`super::l2tp_senders`]), one
    /// sendmmsg per source, each datagram naming its destination, and each destination's
    /// runs of equal length as UDP GSO messages ([`Segmentation`]). A destination's
    /// datagrams keep their order. What a full socket refuses is counted failed, as a full
    /// NIC queue drops; a datagram one destination refuses (a filter, an unreachable
    /// route) is counted and the rest go on.
    pub(super) fn send(&mut self, sockets: &BTreeMap<Ipv4Addr, L2tpSender>) -> Sent {
        let filled = &self.datagrams[..self.filled];
        let targets = &self.targets[..self.filled];
        let segmentation = &mut self.segmentation;
        segmentation.start();
        // The datagrams in the order (source, destination, as kept): each source, then each
        // path, is one run, and a destination's datagrams keep their order within it.
        // Sorting a batch (at most a receive batch) costs O(n log n) whatever the number of
        // peers in it; the index with it makes the unstable sort keep the order.
        self.order.clear();
        self.order.extend(0..targets.len());
        self.order.sort_unstable_by_key(|&i| (targets[i], i));
        let mut done = Sent::default();
        for run in self.order.chunk_by(|&a, &b| targets[a].0 == targets[b].0) {
            let Some(socket) = sockets.get(&targets[run[0]].0) else {
                done.failed += run.len();
                continue;
            };
            let mut rest = run;
            while let Some(&first) = rest.first() {
                // One lookup per path and call, not per datagram.
                let mut path = None;
                let mut max = 0;
                let datagrams = rest.iter().map(|&i| {
                    if path != Some(targets[i]) {
                        path = Some(targets[i]);
                        max = segmentation.max_segment(targets[i].0, targets[i].1);
                    }
                    (&filled[i][..], targets[i].1, max)
                });
                match send_datagrams_segmented_to(socket.as_fd(), datagrams) {
                    Ok(0) => {
                        done.failed += rest.len();
                        break;
                    }
                    Ok(n) => {
                        done.sent += n;
                        rest = &rest[n..];
                    }
                    Err(e) if segmentation.refused(targets[first], &e) => {}
                    Err(e) if full(&e) => {
                        done.failed += rest.len();
                        break;
                    }
                    Err(_) => {
                        done.failed += 1;
                        rest = &rest[1..];
                    }
                }
            }
        }
        done
    }
}

/// The socket's send buffer is full (or the host out of buffers): the rest of the batch
/// would be refused too.
fn full(error: &std::io::Error) -> bool {
    matches!(error.raw_os_error(), Some(libc::EAGAIN | libc::ENOBUFS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::l2tp_senders::senders;
    use crate::engine::sockets::bind_listener;
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

    /// A listener on `local_ip`, as the daemon's, and the senders beside it; the listener is
    /// returned so that it stays open.
    async fn listener_and_senders(
        local_ip: Ipv4Addr,
    ) -> (
        SocketAddrV4,
        BTreeMap<Ipv4Addr, L2tpSender>,
        std::sync::Arc<tokio::net::UdpSocket>,
    ) {
        let listener = bind_listener(SocketAddrV4::new(local_ip, 0), 1).expect("bind");
        let first = listener.data.into_iter().next().expect("one data socket");
        let first = tokio::net::UdpSocket::from_std(first).expect("tokio");
        let SocketAddr::V4(local) = first.local_addr().expect("addr") else {
            panic!("v4");
        };
        let engine = std::sync::Arc::new(first);
        let senders = senders(
            BTreeMap::new(),
            [(local_ip, std::sync::Arc::clone(&engine))],
        );
        (local, senders, engine)
    }

    /// A batch spread over many peers, interleaved (an LNS's TUN batch toward many LACs),
    /// busy ones in runs long enough for GSO and quiet ones of a datagram or two: every
    /// peer gets its own datagrams, from our address and port, in order, each whole.
    #[tokio::test]
    async fn a_batch_over_many_peers_reaches_each_in_order() {
        let local_ip = Ipv4Addr::new(127, 58, 1, 1);
        let (local, senders, _listener) = listener_and_senders(local_ip).await;
        // Peer p gets p + 1 datagrams of 20 + p octets (equal within a peer: GSO runs).
        let peers: Vec<std::net::UdpSocket> = (0..12u8)
            .map(|p| {
                std::net::UdpSocket::bind((Ipv4Addr::new(127, 58, 1, 10 + p), 0)).expect("sink")
            })
            .collect();
        let addrs: Vec<SocketAddr> = peers.iter().map(|p| p.local_addr().unwrap()).collect();
        let mut batch = L2tpBatch::default();
        batch.start();
        let mut total = 0;
        for round in 0..12u8 {
            for (p, at) in addrs.iter().enumerate() {
                if usize::from(round) <= p {
                    let mut payload = vec![p as u8; 20 + p];
                    payload[1] = round;
                    fill(&mut batch, &payload, local_ip, *at);
                    total += 1;
                }
            }
        }
        let sent = batch.send(&senders);
        assert_eq!(
            sent,
            Sent {
                sent: total,
                failed: 0
            }
        );
        let from_us = SocketAddr::V4(local);
        for (p, peer) in peers.iter().enumerate() {
            let expected: Vec<_> = (0..=p as u8)
                .map(|r| {
                    let mut payload = vec![p as u8; 20 + p];
                    payload[1] = r;
                    (from_us, payload)
                })
                .collect();
            assert_eq!(received(peer, p + 1), expected, "peer {p}");
        }
        // The paths' limits were asked once each, from the loopback route.
        assert_eq!(batch.segmentation.max_segments.len(), 12);
        assert!(batch.segmentation.max_segments.values().all(|m| *m > 1400));
    }

    /// Runs of mixed lengths toward one peer, one datagram above the path's limit among
    /// them, and a datagram from an address we have no socket on: the peer gets its own in
    /// order, the other is counted failed, and the batch goes on.
    #[tokio::test]
    async fn mixed_lengths_and_a_source_without_a_socket() {
        let local_ip = Ipv4Addr::new(127, 58, 2, 1);
        let (local, senders, _listener) = listener_and_senders(local_ip).await;
        let peer = std::net::UdpSocket::bind("127.58.2.2:0").expect("sink");
        let at = peer.local_addr().unwrap();
        let lengths = [10usize, 10, 10, 30, 30, 10, 65_000, 10, 10];
        let mut batch = L2tpBatch::default();
        batch.start();
        for (i, len) in lengths.iter().enumerate() {
            fill(&mut batch, &vec![i as u8; *len], local_ip, at);
        }
        fill(&mut batch, b"nowhere", Ipv4Addr::new(127, 58, 2, 9), at);
        let sent = batch.send(&senders);
        assert_eq!(
            sent,
            Sent {
                sent: lengths.len(),
                failed: 1
            }
        );
        peer.set_read_timeout(Some(WAIT)).expect("timeout");
        let mut buf = vec![0u8; 70_000];
        for (i, len) in lengths.iter().enumerate() {
            let (got, from) = peer.recv_from(&mut buf).expect("a datagram");
            assert_eq!(
                (got, from, buf[0]),
                (*len, SocketAddr::V4(local), i as u8),
                "datagram {i}"
            );
        }
    }
}
