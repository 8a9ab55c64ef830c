//! Control apart from data (issue 15, item 1): the socket readers and port tasks classify
//! what the fast path did not take ([`crate::io::classify`]) and hand it to the engine on one
//! of two bounded queues. Control (L2TP control messages, PPPoE discovery, PPP's LCP,
//! authentication and NCPs) is awaited: never dropped by us, and served first each turn.
//! Data is offered with `try_send`: when the engine is behind, it is dropped here and
//! counted per cause, and the reader goes on draining its socket, so the kernel's buffer
//! does not overflow and take control messages with the data.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc as channel;

use crate::io::classify::Class;

/// Control items waiting for the engine; beyond this a reader waits (then the kernel
/// buffers, then drops: a control flood, which the registry's per-source limits bound).
pub(super) const CONTROL_QUEUE: usize = 4096;
/// L2TP data messages that missed the fast path waiting for the engine. Small: data that
/// waits long is worth little, and a short queue keeps memory and latency bounded.
pub(super) const L2TP_DATA_QUEUE: usize = 1024;
/// The same for PPPoE ports, in receive batches (up to 64 frames each).
pub(super) const PORT_DATA_QUEUE: usize = 32;
/// Control items handled per turn before data, timers and the rest get theirs.
pub(super) const CONTROL_PER_TURN: usize = 256;
/// L2TP data messages handled in a turn with no control ready: fewer than a reader's batch
/// (64), so that under a flood the queue fills and the reader drops, not the engine's CPU.
pub(super) const DATA_PER_TURN: usize = 32;

/// Data the readers dropped because its queue was full, by cause; only ever grows (the
/// engine folds the growth into the registry's drop counters, which `clear` resets).
#[derive(Debug, Default)]
pub struct DataDrops {
    l2tp: AtomicU64,
    pppoe: AtomicU64,
    /// Datagrams the kernel cut short (MSG_TRUNC): dropped, never handled in part.
    truncated: AtomicU64,
}

impl DataDrops {
    pub fn count_l2tp(&self, n: u64) {
        Self::count(&self.l2tp, n, "l2tp: data queue full");
    }

    pub fn count_pppoe(&self, n: u64) {
        Self::count(&self.pppoe, n, "pppoe: data queue full");
    }

    pub fn count_truncated(&self, n: u64) {
        Self::count(&self.truncated, n, "l2tp: datagram truncated by the kernel");
    }

    /// Datagrams dropped as truncated so far (the log says so at once; no view shows it yet).
    #[cfg(test)]
    pub fn truncated(&self) -> u64 {
        self.truncated.load(Ordering::Relaxed)
    }

    /// (L2TP data messages, PPPoE data frames) dropped so far.
    pub fn totals(&self) -> (u64, u64) {
        (
            self.l2tp.load(Ordering::Relaxed),
            self.pppoe.load(Ordering::Relaxed),
        )
    }

    /// Logged at the first drop and each time the total doubles: visible in the log, but
    /// a flood cannot flood the log as well.
    fn count(counter: &AtomicU64, n: u64, what: &str) {
        if n == 0 {
            return;
        }
        let before = counter.fetch_add(n, Ordering::Relaxed);
        let after = before.saturating_add(n);
        if before == 0 || after.leading_zeros() != before.leading_zeros() {
            tracing::warn!(
                "{what}: {after} data packets dropped in all (control is queued apart and not dropped)"
            );
        }
    }
}

/// Where a reader hands what the fast path did not take.
pub(super) struct Inbound<T> {
    pub control: channel::Sender<T>,
    pub data: channel::Sender<T>,
    pub drops: Arc<DataDrops>,
}

impl<T> Clone for Inbound<T> {
    fn clone(&self) -> Self {
        Self {
            control: self.control.clone(),
            data: self.data.clone(),
            drops: Arc::clone(&self.drops),
        }
    }
}

/// What became of an offered item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Offered {
    Queued,
    /// Data, and its queue full: the caller counts it under its cause.
    Dropped,
    /// The engine has stopped: the reader ends.
    Closed,
}

impl<T> Inbound<T> {
    /// No room for data now: the caller may drop without building the item.
    pub fn data_full(&self) -> bool {
        self.data.capacity() == 0
    }

    /// Control waits for room; data is queued only if there is room now.
    pub async fn offer(&self, class: Class, item: T) -> Offered {
        match class {
            Class::Control => match self.control.send(item).await {
                Ok(()) => Offered::Queued,
                Err(_) => Offered::Closed,
            },
            Class::Data => match self.data.try_send(item) {
                Ok(()) => Offered::Queued,
                Err(channel::error::TrySendError::Full(_)) => Offered::Dropped,
                Err(channel::error::TrySendError::Closed(_)) => Offered::Closed,
            },
        }
    }
}

/// Handles at most `limit` items waiting in `queue`.
pub(super) fn drain<T>(queue: &mut channel::Receiver<T>, limit: usize, mut handle: impl FnMut(T)) {
    for _ in 0..limit {
        let Ok(item) = queue.try_recv() else {
            break;
        };
        handle(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inbound(
        control: usize,
        data: usize,
    ) -> (Inbound<u32>, channel::Receiver<u32>, channel::Receiver<u32>) {
        let (c, c_rx) = channel::channel(control);
        let (d, d_rx) = channel::channel(data);
        let inbound = Inbound {
            control: c,
            data: d,
            drops: Arc::default(),
        };
        (inbound, c_rx, d_rx)
    }

    #[tokio::test]
    async fn full_data_is_dropped_but_control_still_queues() {
        let (inbound, mut control, mut data) = inbound(4, 2);
        assert_eq!(inbound.offer(Class::Data, 1).await, Offered::Queued);
        assert_eq!(inbound.offer(Class::Data, 2).await, Offered::Queued);
        assert!(inbound.data_full());
        assert_eq!(inbound.offer(Class::Data, 3).await, Offered::Dropped);
        assert_eq!(inbound.offer(Class::Control, 10).await, Offered::Queued);
        assert_eq!(control.try_recv().ok(), Some(10));
        let mut got = Vec::new();
        drain(&mut data, 8, |n| got.push(n));
        assert_eq!(got, [1, 2]);
        drop(control);
        assert_eq!(inbound.offer(Class::Control, 11).await, Offered::Closed);
    }

    #[tokio::test]
    async fn control_waits_for_room_instead_of_dropping() {
        let (inbound, mut control, _data) = inbound(1, 1);
        assert_eq!(inbound.offer(Class::Control, 1).await, Offered::Queued);
        let waiting = {
            let inbound = inbound.clone();
            tokio::spawn(async move { inbound.offer(Class::Control, 2).await })
        };
        tokio::task::yield_now().await;
        assert!(
            !waiting.is_finished(),
            "a full control queue makes the reader wait"
        );
        assert_eq!(control.recv().await, Some(1));
        assert_eq!(waiting.await.ok(), Some(Offered::Queued));
        assert_eq!(control.recv().await, Some(2));
    }

    #[test]
    fn drops_are_counted_per_cause() {
        let drops = DataDrops::default();
        drops.count_l2tp(3);
        drops.count_l2tp(0);
        drops.count_pppoe(64);
        drops.count_l2tp(1);
        assert_eq!(drops.totals(), (4, 64));
    }

    /// The L2TP socket reader end to end on loopback: with its data queue full, IP in data
    /// messages is dropped and counted, while LCP in a data message and a ZLB still reach
    /// the control queue.
    #[tokio::test]
    async fn a_reader_sorts_control_from_data_and_drops_only_data() {
        use crate::engine::fast_path::FastPath;
        use crate::engine::task::{read, Received};
        use crate::l2tp::wire::header::DataHeader;
        use crate::l2tp::wire::{zlb, ControlHeader, DataMessage};
        use std::net::Ipv4Addr;
        use std::time::Duration;

        let socket = Arc::new(
            tokio::net::UdpSocket::bind("127.0.0.1:0")
                .await
                .expect("bind"),
        );
        let at = socket.local_addr().expect("bound");
        let (control, mut control_rx) = channel::channel::<Received>(8);
        let (data, mut data_rx) = channel::channel::<Received>(2);
        let drops = Arc::new(DataDrops::default());
        let inbound = Inbound {
            control,
            data,
            drops: Arc::clone(&drops),
        };
        let reader = tokio::spawn(read(
            crate::engine::read_socket::ReadSocket::Shared(socket),
            Ipv4Addr::LOCALHOST,
            inbound,
            FastPath::default(),
            None,
        ));
        let message = |ppp: &[u8]| {
            DataMessage {
                header: DataHeader {
                    tunnel_id: 1,
                    session_id: 2,
                    with_length: false,
                    sequence: None,
                    offset_pad: None,
                    priority: false,
                },
                payload: ppp,
            }
            .to_bytes()
            .expect("encodes")
        };
        let ip = message(&[0x00, 0x21, 0x45, 0x00]);
        let lcp = message(&[0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 0, 0, 0, 0]);
        let ack = zlb(ControlHeader {
            tunnel_id: 1,
            session_id: 0,
            ns: 0,
            nr: 0,
        });
        let peer = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind the peer");
        for _ in 0..5 {
            peer.send_to(&ip, at).expect("send");
        }
        peer.send_to(&lcp, at).expect("send");
        peer.send_to(&ack, at).expect("send");
        let mut control = Vec::new();
        for _ in 0..2 {
            let got = tokio::time::timeout(Duration::from_secs(10), control_rx.recv())
                .await
                .expect("control arrives although the data queue is full")
                .expect("open");
            control.push(got.bytes);
        }
        assert_eq!(control, [lcp, ack]);
        let mut queued = Vec::new();
        drain(&mut data_rx, 8, |d| queued.push(d.bytes));
        assert_eq!(queued, [ip.clone(), ip]);
        assert_eq!(drops.totals(), (3, 0));
        reader.abort();
    }

    #[test]
    fn drain_stops_at_its_limit() {
        let (tx, mut rx) = channel::channel(8);
        for n in 0..5 {
            tx.try_send(n).ok();
        }
        let mut got = Vec::new();
        drain(&mut rx, 3, |n| got.push(n));
        assert_eq!(got, [0, 1, 2]);
    }
}
