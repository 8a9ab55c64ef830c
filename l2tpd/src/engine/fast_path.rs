//! The relay's fast path in the engine's I/O tasks (issue 10, part 1; public because
//! `l2tp-bench relay` measures this very code): the port tasks and the L2TP socket readers
//! look every received frame and datagram up in the relay table
//! ([`crate::io::relay`]) and send the hits themselves, batched, from reused buffers. The
//! misses go to the core as before. No event, no allocation per relayed frame.
//!
//! The LNS's IP side (subscribers' packets L2TP ↔ service interface, [`crate::io::ip_relay`])
//! rides on the same sockets and lives in `ip_fast_path.rs`.
//!
//! Sends here do not wait for room: a full socket or interface queue drops the frame, and it
//! is counted, as a NIC queue would drop it; PPP above copes with loss (RFC 1661), and
//! waiting would stall the receive side for every other subscriber.

use std::collections::{BTreeMap, HashMap};
use std::net::{Ipv4Addr, SocketAddr};
use std::os::fd::{AsFd, OwnedFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::net::UdpSocket;

use super::l2tp_batch::{L2tpBatch, Sent};
use super::l2tp_senders::{senders, L2tpSender};
use crate::io::ip_relay::SharedIpRelay;
use crate::io::packet_socket::send_datagrams;
use crate::io::relay::{RelayTable, SharedRelay};
use crate::io::service_endpoint::ServiceEndpoint;
use crate::io::FrameEndpoint;

/// What the I/O tasks share to relay without the core: the tables (the core installs and
/// removes entries), our L2TP sockets by address (the wildcard socket under 0.0.0.0), a
/// sending handle per open port and each open service interface.
#[derive(Clone, Default)]
pub struct FastPath {
    pub table: SharedRelay,
    /// The LNS's subscribers' IP forwarding table.
    pub ip: SharedIpRelay,
    /// The sockets relayed L2TP leaves by, one per address ([`super::l2tp_senders`]).
    pub(super) l2tp: Arc<Mutex<BTreeMap<Ipv4Addr, L2tpSender>>>,
    ports: Arc<Mutex<HashMap<Arc<str>, PortSender>>>,
    pub(super) services: Arc<Mutex<HashMap<Arc<str>, Arc<ServiceEndpoint>>>>,
    /// Relayed frames a full socket or interface queue refused.
    pub(super) send_failures: Arc<AtomicU64>,
}

/// Port and service names per packet: the table hands out its own `Arc`, so the pointer
/// almost always decides without comparing the text (a `memcmp` per packet was 2–4 % of a
/// worker's CPU in the profile).
pub(super) fn same_name(a: &Arc<str>, b: &Arc<str>) -> bool {
    Arc::ptr_eq(a, b) || a == b
}

pub(super) fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every mutation under these locks is one insert or remove: a panic elsewhere cannot
    // leave them half-done.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl FastPath {
    pub fn new(table: SharedRelay) -> Self {
        Self {
            table,
            ..Self::default()
        }
    }

    /// With the LNS's IP table as well.
    pub fn with_ip(table: SharedRelay, ip: SharedIpRelay) -> Self {
        Self {
            table,
            ip,
            ..Self::default()
        }
    }

    /// The engine's L2TP sockets bound now (after a commit): the fast path sends beside
    /// each, from a socket of its own where it can ([`super::l2tp_senders`]).
    pub fn set_l2tp_sockets(&self, sockets: impl IntoIterator<Item = (Ipv4Addr, Arc<UdpSocket>)>) {
        let mut current = locked(&self.l2tp);
        let old = std::mem::take(&mut *current);
        *current = senders(old, sockets);
    }

    /// Sends a batch of L2TP datagrams ([`L2tpBatch::send`]), counting what was refused.
    pub(super) fn send_l2tp(&self, batch: &mut L2tpBatch) -> Sent {
        let senders = locked(&self.l2tp);
        let sent = batch.send(&senders);
        drop(senders);
        self.count_failures(sent.failed);
        sent
    }

    /// Port `name` is open: frames toward its subscribers are sent on a send-only packet
    /// socket on the same interface (the port task keeps its own for receiving). A socket link's daemon
    /// end answers whoever sent last, which only its task knows: frames for it go through
    /// `task` (the lab's link, not a data plane).
    pub fn add_port(
        &self,
        name: &Arc<str>,
        endpoint: &FrameEndpoint,
        task: &PortQueue,
    ) -> std::io::Result<()> {
        let sender = match endpoint {
            // A socket of its own, so its sends wake no epoll; a duplicate of the port
            // task's when the kernel refuses a second socket.
            FrameEndpoint::Packet(socket) => PortSender::Descriptor(match socket.sender() {
                Ok(sender) => sender,
                Err(e) => {
                    tracing::debug!("port {name}: no sending socket of its own: {e}");
                    socket.as_fd().try_clone_to_owned()?
                }
            }),
            FrameEndpoint::Link(_) => PortSender::Task(task.clone()),
        };
        locked(&self.ports).insert(name.clone(), sender);
        Ok(())
    }

    pub fn remove_port(&self, name: &str) {
        locked(&self.ports).remove(name);
    }

    pub(super) fn count_failures(&self, failed: usize) {
        if failed > 0 {
            let total = self
                .send_failures
                .fetch_add(failed as u64, Ordering::Relaxed)
                + failed as u64;
            tracing::debug!("relay: {failed} frames dropped by a full queue ({total} in all)");
        }
    }

    /// Relays what the table takes of `frames`, received on `port`, to the LNSs; hands the
    /// others to `slow`, in order.
    pub fn relay_up<'a>(
        &self,
        port: &str,
        frames: impl Iterator<Item = &'a [u8]>,
        buffers: &mut UpBuffers,
        mut slow: impl FnMut(&'a [u8]),
    ) {
        buffers.start();
        {
            let mut table = self.table.lock();
            // The port's subscribers found once for the batch, not per frame.
            match table.up_port(port) {
                Some(subscribers) => {
                    for frame in frames {
                        match subscribers.relay(frame, buffers.next_buffer()) {
                            Some(target) => buffers.keep(Some(target.source), target.destination),
                            None => slow(frame),
                        }
                    }
                }
                None => frames.for_each(slow),
            }
        }
        if buffers.is_empty() {
            return;
        }
        self.send_l2tp(buffers);
    }

    /// A datagram from `peer`: when the table takes it, its frame joins `buffers` for the
    /// next [`FastPath::flush_down`] and `true` is returned; `false` leaves it to the core.
    pub fn push_down(&self, peer: SocketAddr, datagram: &[u8], buffers: &mut DownBuffers) -> bool {
        push_down_locked(&mut self.table.lock(), peer, datagram, buffers)
    }

    /// A receive batch's datagrams (at most 64), under ONE lock of the table: those it
    /// takes join `buffers` as with [`FastPath::push_down`]; bit `i` of the result is set
    /// when datagram `i` was taken.
    pub fn push_down_batch<'a>(
        &self,
        datagrams: impl Iterator<Item = (SocketAddr, &'a [u8])>,
        buffers: &mut DownBuffers,
    ) -> u64 {
        let mut taken = 0u64;
        let mut table = self.table.lock();
        // An LNS relays nothing: no probe (a hash and a miss per datagram) of an empty table.
        if table.is_empty() {
            return 0;
        }
        for (i, (peer, datagram)) in datagrams.take(64).enumerate() {
            if push_down_locked(&mut table, peer, datagram, buffers) {
                taken |= 1 << i;
            }
        }
        taken
    }

    /// Sends the frames pushed since the last flush, one sendmmsg per port.
    pub fn flush_down(&self, buffers: &mut DownBuffers) {
        let filled = std::mem::take(&mut buffers.filled);
        if filled == 0 {
            return;
        }
        let ports = locked(&self.ports);
        let frames = &buffers.frames[..filled];
        let names = &buffers.ports[..filled];
        buffers.seen.clear();
        for name in names.iter().flatten() {
            if buffers.seen.iter().any(|seen| same_name(seen, name)) {
                continue;
            }
            buffers.seen.push(name.clone());
            let of_port = frames
                .iter()
                .zip(names)
                .filter(|(_, n)| n.as_ref().is_some_and(|n| same_name(n, name)))
                .map(|(frame, _)| &frame[..]);
            let count = of_port.clone().count();
            let sent = match ports.get(name) {
                Some(PortSender::Descriptor(fd)) => {
                    send_datagrams(fd.as_fd(), of_port).unwrap_or(0)
                }
                Some(PortSender::Task(task)) => {
                    let frames: Vec<Vec<u8>> = of_port.map(<[u8]>::to_vec).collect();
                    if task.send(frames).is_ok() {
                        count
                    } else {
                        0
                    }
                }
                None => 0,
            };
            self.count_failures(count - sent);
        }
    }
}

fn push_down_locked(
    table: &mut RelayTable,
    peer: SocketAddr,
    datagram: &[u8],
    buffers: &mut DownBuffers,
) -> bool {
    if buffers.filled == buffers.frames.len() {
        buffers.frames.push(Vec::new());
        buffers.ports.push(None);
    }
    let k = buffers.filled;
    let Some(port) = table.relay_down(peer, datagram, &mut buffers.frames[k]) else {
        return false;
    };
    if !buffers.ports[k]
        .as_ref()
        .is_some_and(|p| same_name(p, port))
    {
        buffers.ports[k] = Some(port.clone());
    }
    buffers.filled += 1;
    true
}

/// What a port task takes frames to send from.
pub type PortQueue = tokio::sync::mpsc::UnboundedSender<Vec<Vec<u8>>>;

enum PortSender {
    Descriptor(OwnedFd),
    Task(PortQueue),
}

/// A port task's reused datagram buffers (capacity kept between batches).
pub type UpBuffers = L2tpBatch;

/// An L2TP reader's reused frame buffers.
#[derive(Default)]
pub struct DownBuffers {
    frames: Vec<Vec<u8>>,
    ports: Vec<Option<Arc<str>>>,
    filled: usize,
    seen: Vec<Arc<str>>,
}
