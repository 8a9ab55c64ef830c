//! One queue of a service interface's TUN device, with the kernel's virtio-net offload when
//! it takes it (issue 15, item 2): IFF_VNET_HDR and TUNSETOFFLOAD (checksum, TSO4/6, USO4/6).
//!
//! With offload every read and write carries a 10-octet `virtio_net_hdr` in front of the
//! packet, and one read or write may be a "super-packet": up to 64 KiB of one TCP or UDP
//! flow that the kernel cuts into segments (our writes) or that we must cut (our reads).
//! tun-rs does both (its port of wireguard-go): [`TunQueue::send_packets`] coalesces a
//! batch's packets of one flow with a [`GROTable`] (only where the headers allow it, keeping
//! each flow's order; the others go out unchanged, one write each) and
//! [`TunQueue::recv_batch`] splits what it reads into the batch's slots, so everything
//! after the read and before the write sees one IP packet at a time, as without offload.
//!
//! The device's `gso_max_segs` is set to [`MAX_SEGMENTS`]: the kernel then never hands us a
//! super-packet of more segments (it cuts bigger ones itself before the device), so a read
//! needs at most that many free slots and never loses a packet for want of room. A kernel
//! that refuses IFF_VNET_HDR, TUNSETOFFLOAD or that limit gets the plain device, logged.
//!
//! No `unsafe` here: tun-rs owns the ioctls, netlink-sys the netlink socket.

use std::io::{self, IoSlice};
use std::sync::Mutex;

use netlink_packet_route::link::{LinkAttribute, LinkMessage};
use netlink_packet_route::RouteNetlinkMessage;
use tun_rs::{AsyncDevice, DeviceBuilder, DeviceImpl, VIRTIO_NET_HDR_LEN};

/// The coalescing state a writer keeps from batch to batch ([`TunQueue::send_packets`]).
pub use tun_rs::GROTable;

use super::frame_batch::{FrameBatch, HEADROOM};

/// Octets in front of every packet handed to [`TunQueue::send_packets`]: room for the
/// virtio-net header, written there by the call.
pub const VNET_HEADROOM: usize = VIRTIO_NET_HDR_LEN;

/// The capacity a packet buffer handed to [`TunQueue::send_packets`] needs for its flow's
/// next packets to be appended to it: tun-rs coalesces only into room already there (it
/// never reallocates), and a coalesced IPv4 packet is at most 65,535 octets. Reserved once
/// per reused buffer ([`reserve_for_coalescing`]).
pub const COALESCE_CAPACITY: usize = 2 * VNET_HEADROOM + 65_535;

/// Gives `buffer` the room [`COALESCE_CAPACITY`] asks for, once (a reused buffer keeps it).
pub fn reserve_for_coalescing(buffer: &mut Vec<u8>) {
    if buffer.capacity() < COALESCE_CAPACITY {
        buffer.reserve_exact(COALESCE_CAPACITY - buffer.len());
    }
}

/// The most segments the kernel puts in one super-packet toward us (the device's
/// `gso_max_segs`): 16 × 1460 octets is 23 KiB a read, a sixteenth of the system calls of
/// plain reads, while a 64-slot receive batch still takes 49 reads or more.
pub const MAX_SEGMENTS: usize = 16;

/// The header of a packet that is one packet (GSO_NONE, no checksum to complete).
const PLAIN_HEADER: [u8; VIRTIO_NET_HDR_LEN] = [0; VIRTIO_NET_HDR_LEN];

/// Largest read of an offload device: the header and a 64 KiB super-packet.
const RAW_READ: usize = VIRTIO_NET_HDR_LEN + 65_535;

/// Whether to ask the kernel for offload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offload {
    /// When the kernel takes it (the daemon).
    Auto,
    /// Never: one packet per read and write (tests and benches that compare).
    Off,
}

/// A queue of a TUN device, registered with the runtime it was made in.
pub struct TunQueue {
    device: AsyncDevice,
    offload: bool,
    /// The read area of a super-packet before it is split (empty without offload). A queue
    /// has one reader; the lock is never contended.
    raw: Mutex<Vec<u8>>,
}

impl std::fmt::Debug for TunQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Tun({:?}, offload {})",
            self.device.name().ok(),
            self.offload
        )
    }
}

impl TunQueue {
    /// Creates (or attaches to) multi-queue TUN device `name` with `mtu`, with offload when
    /// `offload` asks and the kernel takes it. Needs CAP_NET_ADMIN and a tokio runtime.
    pub fn open(name: &str, mtu: u16, offload: Offload) -> io::Result<TunQueue> {
        let build = |offload: bool| {
            DeviceBuilder::new()
                .name(name.to_string())
                .packet_information(false)
                .mtu(mtu)
                .multi_queue(true)
                .offload(offload)
                .build_async()
        };
        if offload == Offload::Auto {
            match build(true).and_then(|device| {
                set_gso_max_segs(name, MAX_SEGMENTS as u32)?;
                Ok(device)
            }) {
                Ok(device) => return Ok(Self::with(device, true)),
                Err(e) => tracing::warn!(
                    "service interface {name}: the kernel refuses TUN offload ({e}): \
                     one packet per read and write"
                ),
            }
        }
        Ok(Self::with(build(false)?, false))
    }

    fn with(device: AsyncDevice, offload: bool) -> TunQueue {
        let raw = if offload {
            vec![0; RAW_READ]
        } else {
            Vec::new()
        };
        TunQueue {
            device,
            offload,
            raw: Mutex::new(raw),
        }
    }

    /// Another queue of the device, with the same flags and offload (IFF_MULTI_QUEUE),
    /// registered with the calling thread's runtime.
    pub fn try_clone(&self) -> io::Result<TunQueue> {
        Ok(Self::with(self.device.try_clone()?, self.offload))
    }

    pub fn device(&self) -> &AsyncDevice {
        &self.device
    }

    /// Whether reads and writes carry the virtio-net header.
    pub fn offload(&self) -> bool {
        self.offload
    }

    /// Writes one packet without waiting: a plain `write` on the non-blocking descriptor.
    /// Not tokio's `try_send`, which answers `WouldBlock` without writing until its reactor
    /// has seen the descriptor writable once: a packet relayed to a device opened a moment
    /// before was lost that way (`tun_offload_netns`, about one run in 25). A TUN write does
    /// not wait for room, so no readiness is needed.
    pub fn try_send(&self, packet: &[u8]) -> io::Result<()> {
        let device: &DeviceImpl = &self.device;
        if self.offload {
            let parts = [IoSlice::new(&PLAIN_HEADER), IoSlice::new(packet)];
            nix::sys::uio::writev(device, &parts)
                .map(|_| ())
                .map_err(io::Error::from)
        } else {
            nix::unistd::write(device, packet)
                .map(|_| ())
                .map_err(io::Error::from)
        }
    }

    /// Writes `packets`, each behind [`VNET_HEADROOM`] octets of room, in order within
    /// each flow; with offload a flow's consecutive packets that can coalesce go out as one
    /// super-packet (`gro` is the caller's, reused). Returns how many packets went: all, or
    /// none when a write failed (tun-rs does not say which of the batch's writes did).
    pub fn send_packets(&self, packets: &mut [Vec<u8>], gro: &mut GROTable) -> usize {
        if !self.offload {
            return send_each(packets.iter().map(|p| &p[VNET_HEADROOM..]), |p| {
                self.try_send(p)
            });
        }
        // The blocking-free write of tun-rs's synchronous device (the descriptor is
        // non-blocking), not the async one that waits for room.
        let device: &DeviceImpl = &self.device;
        match device.send_multiple(gro, packets, VNET_HEADROOM) {
            Ok(_) => packets.len(),
            Err(e) => {
                tracing::debug!("TUN {:?}: coalesced write: {e}", self.device.name().ok());
                0
            }
        }
    }

    /// Waits until the queue is readable.
    pub async fn readable(&self) -> io::Result<()> {
        self.device.readable().await
    }

    /// Takes what is queued into `batch` without waiting (the batch is not cleared): one
    /// packet per slot, a super-packet split into its segments. A packet longer than a slot,
    /// or a super-packet that cannot be split, is dropped and counted in `dropped`.
    /// `WouldBlock` when nothing was waiting.
    pub fn try_recv_batch(&self, batch: &mut FrameBatch, dropped: &mut u64) -> io::Result<()> {
        if self.offload {
            self.recv_segments(batch, dropped)
        } else {
            self.recv_plain(batch, dropped)
        }
    }

    fn recv_plain(&self, batch: &mut FrameBatch, dropped: &mut u64) -> io::Result<()> {
        let max = batch.max_frame_len();
        let first = batch.len();
        for slot in first..batch.capacity() {
            // One byte more than the largest packet: a read that fills it was longer.
            let area = &mut batch.slot_mut(slot)[HEADROOM..];
            let len = match self.device.try_recv(area) {
                Ok(len) => len,
                Err(e) if slot == first => return Err(e),
                // A later error shows again on the next call.
                Err(_) => break,
            };
            if len > max {
                *dropped += 1;
                continue;
            }
            if len > 0 {
                batch.deliver(slot, HEADROOM..HEADROOM + len);
            }
        }
        Ok(())
    }

    fn recv_segments(&self, batch: &mut FrameBatch, dropped: &mut u64) -> io::Result<()> {
        let mut raw = self.raw.lock().unwrap_or_else(|p| p.into_inner());
        let max = batch.max_frame_len();
        let mut sizes = [0usize; 2 * MAX_SEGMENTS];
        let mut reads = 0;
        loop {
            let free = batch.capacity() - batch.len();
            // Room for a whole super-packet, or an empty batch (a smaller batch than that
            // only in tests).
            if free == 0 || (free < MAX_SEGMENTS && !batch.is_empty()) {
                return Ok(());
            }
            let take = free.min(sizes.len());
            let base = batch.len();
            let read = self.device.try_recv_multiple(
                &mut raw,
                &mut batch.free_slots()[..take],
                &mut sizes[..take],
                HEADROOM,
            );
            reads += 1;
            let segments = match read {
                Ok(segments) => segments,
                // The system call's own error: nothing was read.
                Err(e) if e.raw_os_error().is_some() || e.kind() == io::ErrorKind::WouldBlock => {
                    return if reads == 1 { Err(e) } else { Ok(()) };
                }
                // tun-rs could not take the super-packet apart: it is gone, counted.
                Err(e) => {
                    tracing::debug!("TUN {:?}: read: {e}", self.device.name().ok());
                    *dropped += 1;
                    continue;
                }
            };
            for (i, &len) in sizes[..segments].iter().enumerate() {
                if len == 0 || len > max {
                    *dropped += 1;
                    continue;
                }
                batch.deliver(base + i, HEADROOM..HEADROOM + len);
            }
        }
    }
}

/// Writes `packets` one by one until the device is full; how many went. One bad packet
/// (EINVAL from the kernel, say) does not hold the others up.
pub(super) fn send_each<'a>(
    packets: impl IntoIterator<Item = &'a [u8]>,
    mut send: impl FnMut(&[u8]) -> io::Result<()>,
) -> usize {
    let mut sent = 0;
    for packet in packets {
        match send(packet) {
            Ok(()) => sent += 1,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => tracing::debug!("service interface: send: {e}"),
        }
    }
    sent
}

/// `ip link set dev NAME gso_max_segs N`: the kernel segments bigger GSO packets itself
/// before they reach the device.
fn set_gso_max_segs(name: &str, segments: u32) -> io::Result<()> {
    let mut link = LinkMessage::default();
    link.attributes
        .push(LinkAttribute::IfName(name.to_string()));
    link.attributes.push(LinkAttribute::GsoMaxSegs(segments));
    super::vrf::request(RouteNetlinkMessage::SetLink(link), 0)
        .map_err(|e| io::Error::new(e.kind(), format!("gso_max_segs {segments}: {e}")))
}
