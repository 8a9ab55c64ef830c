//! The LNS's IP fast path (issue 11): the service interface tasks and the L2TP socket
//! readers look every packet and datagram up in the IP table ([`crate::io::ip_relay`]) and
//! send the hits themselves, batched, from reused buffers. Public because
//! `l2tp-bench ip-forward` measures this very code.
//!
//! - Toward subscribers (service interface → L2TP): [`FastPath::relay_ip_down`], one
//!   sendmmsg per source socket per batch. What the table does not take goes to `slow`.
//! - From subscribers (L2TP → service interface): [`FastPath::push_ip_up`] per datagram,
//!   then [`FastPath::flush_ip_up`] per reader wakeup, grouped by interface under one lock:
//!   a TUN device with the kernel's offload takes a flow's consecutive packets as one
//!   super-packet (coalesced after the table's checks and filters, which saw each packet);
//!   without it, one write per packet.
//!
//! As in `fast_path.rs`, nothing here waits for room: a full queue drops and counts.

use std::cell::RefCell;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use super::fast_path::{locked, same_name, FastPath};
use super::l2tp_batch::L2tpBatch;
use crate::io::datagram_batch::with_thread_buffers;
use crate::io::ip_relay::{Down, IpRelayTable, IpVerdict};
use crate::io::service_endpoint::ServiceEndpoint;
use crate::io::tun_queue::{reserve_for_coalescing, VNET_HEADROOM};

/// What [`FastPath::push_ip_up`] did with a datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpPush {
    /// Queued for the next [`FastPath::flush_ip_up`].
    Forwarded,
    /// From a subscriber, with a source address not its own: dropped (the table counts it).
    Spoofed,
    /// From a subscriber, discarded by its input filter (the filter and table count it);
    /// when the filter rejected it, its answer is queued for the subscriber's LAC.
    Filtered,
    /// Not for the IP table: the core's.
    Miss,
}

/// A service interface task's reused datagram buffers.
pub type IpDownBuffers = L2tpBatch;

/// An L2TP reader's reused packet buffers.
#[derive(Default)]
pub struct IpUpBuffers {
    /// Answers to packets an input filter rejected, L2TP data messages for the LACs.
    answers: L2tpBatch,
    /// Each packet behind [`VNET_HEADROOM`] octets of room for the TUN's virtio-net header.
    packets: Vec<Vec<u8>>,
    services: Vec<Option<Arc<str>>>,
    filled: usize,
    seen: Vec<Arc<str>>,
    /// The coalescing state of the TUN writes, kept from flush to flush.
    gro: tun_rs::GROTable,
    /// One service's packets when a batch holds several services' (moved, not copied).
    of_service: Vec<Vec<u8>>,
}

thread_local! {
    /// The IP buffers of the thread's readers; `None` while one of them holds them.
    static THREAD_IP_UP: RefCell<Option<Box<IpUpBuffers>>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's IP buffers, shared as the thread's receive batch is
/// ([`with_thread_buffers`]). One set per thread, not per reader: with offload its packet buffers keep 64 KiB of coalescing room
/// each and its `GROTable` about 2 MiB, which per reader (when each tunnel had a socket and a
/// reader of its own) took an LNS under an SCCRQ flood from 51 to 161 MiB (`l2tp_flood`).
pub fn with_thread_ip_up<R>(f: impl FnOnce(&mut IpUpBuffers) -> R) -> R {
    with_thread_buffers(&THREAD_IP_UP, Box::default, f)
}

impl IpUpBuffers {
    /// Packets pushed and not flushed yet.
    pub fn len(&self) -> usize {
        self.filled
    }

    pub fn is_empty(&self) -> bool {
        self.filled == 0
    }
}

impl FastPath {
    /// Service interface `name` is open: the readers write its subscribers' packets to it.
    pub fn add_service(&self, name: &Arc<str>, endpoint: Arc<ServiceEndpoint>) {
        locked(&self.services).insert(name.clone(), endpoint);
    }

    pub fn remove_service(&self, name: &str) {
        locked(&self.services).remove(name);
    }

    /// Relayed packets and frames a full queue refused, since the start.
    pub fn send_failures(&self) -> u64 {
        self.send_failures.load(Ordering::Relaxed)
    }

    /// Sends what the IP table takes of `packets` (read from service interface `service`)
    /// to the subscribers' LACs; hands the others to `slow`, in order, and the answers to
    /// packets an output filter rejected to `back` (for the same service interface).
    pub fn relay_ip_down<'a>(
        &self,
        packets: impl Iterator<Item = &'a [u8]>,
        buffers: &mut IpDownBuffers,
        mut slow: impl FnMut(&'a [u8]),
        mut back: impl FnMut(&[u8]),
    ) {
        buffers.start();
        {
            let mut table = self.ip.lock();
            table.set_clock(Instant::now());
            for packet in packets {
                let out = buffers.next_buffer();
                match table.toward_subscriber(packet, out) {
                    Down::Send(target) => buffers.keep(target.source, target.peer),
                    // The subscriber's output filter discarded it: counted, gone.
                    Down::Filtered => {}
                    Down::Answer => back(out),
                    Down::Miss => slow(packet),
                }
            }
        }
        if buffers.is_empty() {
            return;
        }
        self.send_l2tp(buffers);
    }

    /// A datagram from `peer` on an L2TP socket: a subscriber's IPv4 packet joins `buffers`
    /// for the next [`FastPath::flush_ip_up`].
    pub fn push_ip_up(
        &self,
        peer: SocketAddr,
        datagram: &[u8],
        buffers: &mut IpUpBuffers,
    ) -> IpPush {
        let mut table = self.ip.lock();
        table.set_clock(Instant::now());
        push_ip_up_locked(&mut table, peer, datagram, buffers)
    }

    /// A receive batch's datagrams (at most 64) under ONE lock of the IP table, skipping
    /// those whose bit is set in `skip` (the relay took them): bit `i` of the result is set
    /// when datagram `i` was forwarded or dropped as spoofed, i.e. is not the core's.
    pub fn push_ip_up_batch<'a>(
        &self,
        datagrams: impl Iterator<Item = (SocketAddr, &'a [u8])>,
        skip: u64,
        buffers: &mut IpUpBuffers,
    ) -> u64 {
        let mut taken = 0u64;
        let mut table = self.ip.lock();
        // A LAC terminates no subscriber: no probe of an empty table.
        if table.is_empty() {
            return 0;
        }
        table.set_clock(Instant::now());
        for (i, (peer, datagram)) in datagrams.take(64).enumerate() {
            if skip & (1 << i) != 0 {
                continue;
            }
            if push_ip_up_locked(&mut table, peer, datagram, buffers) != IpPush::Miss {
                taken |= 1 << i;
            }
        }
        taken
    }

    /// Writes the packets pushed since the last flush to their service interfaces.
    pub fn flush_ip_up(&self, buffers: &mut IpUpBuffers) {
        if !buffers.answers.is_empty() {
            self.send_l2tp(&mut buffers.answers);
            buffers.answers.start();
        }
        let filled = std::mem::take(&mut buffers.filled);
        if filled == 0 {
            return;
        }
        let services = locked(&self.services);
        buffers.seen.clear();
        for k in 0..filled {
            let Some(name) = buffers.services[k].clone() else {
                continue;
            };
            if buffers.seen.iter().any(|seen| same_name(seen, &name)) {
                continue;
            }
            buffers.seen.push(name.clone());
            let endpoint = services.get(&name);
            let of_name = |n: &Option<Arc<str>>| n.as_ref().is_some_and(|n| same_name(n, &name));
            // Nearly always one service interface: its packets are the whole batch.
            if buffers.services[..filled].iter().all(of_name) {
                let sent = endpoint.map_or(0, |endpoint| {
                    endpoint.send_packets(&mut buffers.packets[..filled], &mut buffers.gro)
                });
                self.count_failures(filled - sent);
                break;
            }
            // Else this service's packets, in order, moved out and back around the write.
            buffers.of_service.clear();
            for (packet, n) in buffers.packets[..filled].iter_mut().zip(&buffers.services) {
                if of_name(n) {
                    buffers.of_service.push(std::mem::take(packet));
                }
            }
            let count = buffers.of_service.len();
            let sent = endpoint.map_or(0, |endpoint| {
                endpoint.send_packets(&mut buffers.of_service, &mut buffers.gro)
            });
            self.count_failures(count - sent);
            let mut back = buffers.of_service.drain(..);
            for (packet, n) in buffers.packets[..filled].iter_mut().zip(&buffers.services) {
                if of_name(n) {
                    *packet = back.next().unwrap_or_default();
                }
            }
        }
    }
}

fn push_ip_up_locked(
    table: &mut IpRelayTable,
    peer: SocketAddr,
    datagram: &[u8],
    buffers: &mut IpUpBuffers,
) -> IpPush {
    let (service, range) = match table.from_subscriber(peer, datagram) {
        IpVerdict::Forward { service, range } => (service, range),
        IpVerdict::Spoofed => return IpPush::Spoofed,
        IpVerdict::Filtered => return IpPush::Filtered,
        IpVerdict::Answer { target, datagram } => {
            let out = buffers.answers.next_buffer();
            out.clear();
            out.extend_from_slice(datagram);
            buffers.answers.keep(target.source, target.peer);
            return IpPush::Filtered;
        }
        IpVerdict::Miss => return IpPush::Miss,
    };
    let Some(packet) = datagram.get(range) else {
        return IpPush::Miss;
    };
    if buffers.filled == buffers.packets.len() {
        buffers.packets.push(Vec::new());
        buffers.services.push(None);
    }
    let k = buffers.filled;
    let out = &mut buffers.packets[k];
    out.clear();
    reserve_for_coalescing(out);
    out.resize(VNET_HEADROOM, 0);
    out.extend_from_slice(packet);
    if !buffers.services[k]
        .as_ref()
        .is_some_and(|s| same_name(s, service))
    {
        buffers.services[k] = Some(service.clone());
    }
    buffers.filled += 1;
    IpPush::Forwarded
}

#[cfg(test)]
#[path = "ip_fast_path_tests.rs"]
mod tests;
