//! Reused receive buffers for batched UDP receives (issue 15, item 2, stage 3): a tunnel
//! socket's reader takes what the kernel holds with one recvmmsg
//! ([`super::packet_socket::recv_datagrams`]) instead of one call per datagram.
//!
//! Every slot holds the largest UDP payload there is, so a control message is never cut
//! short (an L2TP control message may be as long as the peer likes; a data worker reads
//! control as well as data). A worker owns one batch for all the tunnels it reads
//! ([`with_worker_batch`]): 64 slots of 64 KiB, never per tunnel. That is 4 MiB of
//! address space per thread, but a slot's pages are only backed once a datagram reaches
//! them (calloc'd memory is the kernel's zero page until written): 64-octet data touches
//! one page per slot, 256 KiB per thread.

use std::cell::RefCell;
use std::net::SocketAddr;
use std::thread::LocalKey;

/// Slots per batch, as many as one recvmmsg takes (the C ceiling's 64 a call): one call
/// per wakeup instead of four when the worker falls behind the sender.
pub const DATAGRAM_SLOTS: usize = 64;
/// Largest UDP payload (IPv4 allows 65,507; the 16-bit length field 65,535).
pub const MAX_UDP_PAYLOAD: usize = 65_535;

/// A fixed set of datagram buffers that one receive fills from the front.
pub struct DatagramBatch {
    pub(crate) slots: Vec<Box<[u8]>>,
    pub(crate) lens: Vec<usize>,
    pub(crate) peers: Vec<SocketAddr>,
    /// Datagrams the kernel reported truncated (MSG_TRUNC) since the batch was made:
    /// dropped, never delivered cut short.
    pub(crate) truncated: u64,
}

impl DatagramBatch {
    /// `slots` buffers (at least 1, at most 64) of [`MAX_UDP_PAYLOAD`] bytes each.
    pub fn new(slots: usize) -> Self {
        let slots = slots.clamp(1, super::packet_socket::MAX_MESSAGES_PER_CALL);
        Self {
            slots: (0..slots)
                .map(|_| vec![0u8; MAX_UDP_PAYLOAD].into_boxed_slice())
                .collect(),
            lens: Vec::with_capacity(slots),
            peers: Vec::with_capacity(slots),
            truncated: 0,
        }
    }

    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// Datagrams delivered by the last receive.
    pub fn len(&self) -> usize {
        self.lens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lens.is_empty()
    }

    /// Datagrams dropped as truncated since the batch was made.
    pub fn truncated(&self) -> u64 {
        self.truncated
    }

    /// The received datagrams with their senders, in arrival order.
    pub fn datagrams(&self) -> impl Iterator<Item = (SocketAddr, &[u8])> + '_ {
        self.peers
            .iter()
            .zip(&self.lens)
            .zip(&self.slots)
            .map(|((peer, len), slot)| (*peer, slot.get(..*len).unwrap_or_default()))
    }

    pub fn clear(&mut self) {
        self.lens.clear();
        self.peers.clear();
    }
}

impl std::fmt::Debug for DatagramBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatagramBatch")
            .field("capacity", &self.capacity())
            .field("len", &self.len())
            .finish()
    }
}

thread_local! {
    /// The batch of the thread's readers; `None` while one of them holds it.
    static WORKER_BATCH: RefCell<Option<Box<DatagramBatch>>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's batch. Readers on one thread take turns (a current-thread
/// runtime) and `f` never awaits, so the batch is free whenever `f` starts; were it not
/// (a reader nested in another), `f` gets a batch of its own for that call.
pub fn with_worker_batch<R>(f: impl FnOnce(&mut DatagramBatch) -> R) -> R {
    with_thread_buffers(
        &WORKER_BATCH,
        || Box::new(DatagramBatch::new(DATAGRAM_SLOTS)),
        f,
    )
}

/// Runs `f` with the buffers `cell` keeps for the thread's readers, taken out for the call
/// and put back after it (a reader nested in another, finding them taken, gets `make()`'s
/// for that call). For buffers the readers of one thread share: they take turns and `f`
/// never awaits.
pub fn with_thread_buffers<T, R>(
    cell: &'static LocalKey<RefCell<Option<Box<T>>>>,
    make: impl FnOnce() -> Box<T>,
    f: impl FnOnce(&mut T) -> R,
) -> R {
    let taken = cell.with(|cell| cell.borrow_mut().take());
    let mut buffers = taken.unwrap_or_else(make);
    let result = f(&mut buffers);
    cell.with(|cell| *cell.borrow_mut() = Some(buffers));
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::packet_socket::recv_datagrams;
    use std::os::fd::AsFd;

    #[test]
    fn one_call_takes_up_to_the_slots_in_order_with_their_senders_and_never_cuts() {
        let receiver = std::net::UdpSocket::bind("127.44.0.1:0").expect("bind");
        let to = receiver.local_addr().expect("addr");
        let a = std::net::UdpSocket::bind("127.44.0.2:0").expect("a");
        let b = std::net::UdpSocket::bind("127.44.0.3:0").expect("b");
        for i in 0..20u8 {
            let from = if i.is_multiple_of(2) { &a } else { &b };
            let len = if i == 3 { 60_000 } else { 10 + usize::from(i) };
            from.send_to(&vec![i; len], to).expect("send");
        }
        let mut batch = DatagramBatch::new(DATAGRAM_SLOTS);
        let mut seen = Vec::new();
        while seen.len() < 20 {
            let n = recv_datagrams(receiver.as_fd(), &mut batch).expect("receive");
            assert!(n <= DATAGRAM_SLOTS);
            seen.extend(batch.datagrams().map(|(peer, d)| (peer, d.to_vec())));
        }
        for (i, (peer, d)) in seen.iter().enumerate() {
            let i = i as u8;
            let from = if i.is_multiple_of(2) { &a } else { &b };
            assert_eq!(*peer, from.local_addr().expect("addr"));
            assert_eq!(d.len(), if i == 3 { 60_000 } else { 10 + usize::from(i) });
            assert!(d.iter().all(|x| *x == i));
        }
        assert_eq!(batch.truncated(), 0);
        let empty = recv_datagrams(receiver.as_fd(), &mut batch);
        assert_eq!(
            empty.map_err(|e| e.kind()),
            Err(std::io::ErrorKind::WouldBlock)
        );
    }

    #[test]
    fn a_thread_reuses_its_one_batch() {
        let first = with_worker_batch(|b| b as *const DatagramBatch as usize);
        let second = with_worker_batch(|b| b as *const DatagramBatch as usize);
        assert_eq!(first, second);
        with_worker_batch(|b| assert_eq!(b.capacity(), DATAGRAM_SLOTS));
    }
}
