//! A PACKET_RX_RING receive ring, TPACKET_V3, on a PPPoE port's packet socket (issue 15,
//! item 2): the kernel writes frames into blocks of memory shared with us, and we walk each
//! block it hands over instead of a recvmmsg per 64 frames with a PACKET_AUXDATA control
//! message per frame (`packet_recvmsg` and `put_cmsg` were most of a worker's CPU on the
//! LAC's PPPoE → L2TP direction, docs/performance.md stage 6).
//!
//! How the ring works (Documentation/networking/packet_mmap.rst): `blocks` blocks of
//! `block_bytes` each. The kernel fills the block it holds with frames, one after another,
//! and hands it to us when it is full or when `retire_ms` pass after its first frame,
//! setting TP_STATUS_USER in its `block_status` and waking the socket's pollers (so the
//! socket polls readable, and the worker's tokio readiness works as for recvmmsg). We read
//! the blocks in ring order and give each back by writing TP_STATUS_KERNEL. While every block
//! is ours the kernel drops frames and counts them (PACKET_STATISTICS, as before).
//!
//! The frames are copied out of the block into the caller's [`FrameBatch`], with the outer
//! VLAN tag the kernel stripped (tp_vlan_tci / tp_vlan_tpid) put back in, so the code behind
//! sees exactly what the recvmmsg path gives it. The copy is a memcpy per frame; what it
//! saves is the system call and control message per frame.
//!
//! The `unsafe` here: mmap and munmap of the ring, the atomic view of each block's status
//! word, and the slice of a block the kernel has handed us. The block's contents are read
//! by `ring_block` in safe, bounds-checked code.
#![allow(unsafe_code)]

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU32, Ordering};

use libc::c_int;

use super::frame_batch::FrameBatch;
use super::frame_endpoint::ReceiveDrops;
use super::packet_socket::set_option;
use super::ring_block::{block_header, frame_at};

/// Where `block_status` lies in a block (`tpacket_block_desc.hdr.bh1.block_status`): 4-byte
/// aligned in a page-aligned block.
const STATUS_AT: usize = std::mem::offset_of!(libc::tpacket_block_desc, hdr)
    + std::mem::offset_of!(libc::tpacket_hdr_v1, block_status);

/// The nominal frame size TPACKET_V3 still asks for (`tp_frame_size`, `tp_frame_nr`): the
/// kernel checks them for consistency but packs frames of any length into a block.
const NOMINAL_FRAME: u32 = 2048;

/// A ring's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RingSize {
    /// Bytes per block (rounded up to whole pages).
    pub block_bytes: u32,
    pub blocks: u32,
    /// How long a block the kernel has started waits for more frames before it is handed
    /// over anyway: the most a frame waits under light load.
    pub retire_ms: u32,
}

/// What all the member sockets of one port's fan-out group get together (about 100,000
/// small frames or 20,000 full-size ones): a burst of PADTs or PADIs after an outage goes to
/// one member (discovery is the first member's), hence the floor per member.
const PORT_RING_BYTES: u32 = 32 << 20;
const MEMBER_MIN_BYTES: u32 = 4 << 20;
const MEMBER_MAX_BYTES: u32 = 16 << 20;
/// 256 KiB: about 1,600 small frames a block, so under load the worker wakes once for that
/// many; an order-6 allocation, which the kernel falls back to vmalloc for when memory is
/// fragmented.
const BLOCK_BYTES: u32 = 256 << 10;
/// A PPPoE discovery or LCP frame waits at most this long in a block under light load.
const RETIRE_MS: u32 = 2;

impl RingSize {
    /// The ring of one of the `members` sockets of a port's fan-out group (one per data
    /// worker): the port's share split among them, within 4..16 MiB each. The memory is the
    /// kernel's, locked, for as long as the socket is open.
    pub fn for_member(members: usize) -> RingSize {
        let members = u32::try_from(members.max(1)).unwrap_or(u32::MAX);
        let bytes = (PORT_RING_BYTES / members).clamp(MEMBER_MIN_BYTES, MEMBER_MAX_BYTES);
        RingSize {
            block_bytes: BLOCK_BYTES,
            blocks: bytes / BLOCK_BYTES,
            retire_ms: RETIRE_MS,
        }
    }
}

/// The mapped ring of one packet socket, and where the reader is in it. Unmapped on drop;
/// the socket must outlive it only in the sense that closing the socket first is harmless
/// too (the mapping holds its own reference to the ring).
pub struct RxRing {
    area: NonNull<u8>,
    block_bytes: usize,
    blocks: usize,
    /// The block read next (ring order).
    current: usize,
    /// In the current block, already started: the next frame's header offset and how many
    /// frames are left.
    cursor: Option<(usize, u32)>,
}

// SAFETY: the mapping belongs to this value alone (made in `attach`, unmapped in `drop`);
// moving it to another thread moves all access with it.
unsafe impl Send for RxRing {}
// SAFETY: through `&RxRing` a block is only read, and only while the kernel has handed it
// to us (see `user_block`); handing it back takes `&mut self`.
unsafe impl Sync for RxRing {}

impl std::fmt::Debug for RxRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RxRing")
            .field("block_bytes", &self.block_bytes)
            .field("blocks", &self.blocks)
            .field("current", &self.current)
            .finish()
    }
}

impl RxRing {
    /// Sets TPACKET_V3 and the ring on `fd` (an AF_PACKET socket with no ring yet) and maps
    /// it. On an error the socket may be left in TPACKET_V3 with or without a ring: the
    /// caller closes it (`PacketSocket::open_with_ring` does, and opens a plain one).
    pub fn attach(fd: BorrowedFd<'_>, size: RingSize) -> io::Result<RxRing> {
        let page = page_size();
        let block_bytes = (size.block_bytes as usize).max(1).next_multiple_of(page);
        let blocks = size.blocks.max(1) as usize;
        let too_big = || io::Error::new(io::ErrorKind::InvalidInput, "receive ring too large");
        let block_u32 = u32::try_from(block_bytes).map_err(|_| too_big())?;
        let length = block_bytes.checked_mul(blocks).ok_or_else(too_big)?;
        let request = libc::tpacket_req3 {
            tp_block_size: block_u32,
            tp_block_nr: blocks as u32,
            tp_frame_size: NOMINAL_FRAME,
            tp_frame_nr: (block_u32 / NOMINAL_FRAME)
                .checked_mul(blocks as u32)
                .ok_or_else(too_big)?,
            tp_retire_blk_tov: size.retire_ms.max(1),
            tp_sizeof_priv: 0,
            tp_feature_req_word: 0,
        };
        let version = libc::tpacket_versions::TPACKET_V3 as c_int;
        set_option(fd, libc::SOL_PACKET, libc::PACKET_VERSION, &version)?;
        set_option(fd, libc::SOL_PACKET, libc::PACKET_RX_RING, &request)?;
        // SAFETY: a fresh shared mapping of the ring the kernel just made for `fd`, `length`
        // bytes as requested; we own the address range until munmap in `drop`.
        let area = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                length,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                0,
            )
        };
        if area == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let area = NonNull::new(area.cast::<u8>()).ok_or_else(io::Error::last_os_error)?;
        Ok(RxRing {
            area,
            block_bytes,
            blocks,
            current: 0,
            cursor: None,
        })
    }

    /// The status word of block `index` (< `blocks`).
    fn status(&self, index: usize) -> &AtomicU32 {
        debug_assert!(index < self.blocks);
        // SAFETY: the block starts inside the mapping (index < blocks) at a page boundary,
        // so its status word at STATUS_AT is in bounds and 4-byte aligned. The kernel and we
        // both access it only atomically (the kernel with its own barriers: smp_wmb before
        // setting TP_STATUS_USER, smp_rmb after reading TP_STATUS_KERNEL), and it lives as
        // long as the mapping, which outlives `&self`.
        unsafe {
            AtomicU32::from_ptr(
                self.area
                    .as_ptr()
                    .add(index * self.block_bytes + STATUS_AT)
                    .cast(),
            )
        }
    }

    /// Block `index` while the kernel has handed it to us, else `None`.
    fn user_block(&self, index: usize) -> Option<&[u8]> {
        // Acquire: the kernel's writes to the block happen before its TP_STATUS_USER.
        let status = self.status(index).load(Ordering::Acquire);
        if status & libc::TP_STATUS_USER == 0 {
            return None;
        }
        // SAFETY: the block is inside the mapping; with TP_STATUS_USER set the kernel
        // neither writes nor frees it until we store TP_STATUS_KERNEL, which `give_back`
        // does through `&mut self`, so no slice from here is alive then.
        Some(unsafe {
            std::slice::from_raw_parts(
                self.area.as_ptr().add(index * self.block_bytes),
                self.block_bytes,
            )
        })
    }

    /// Hands the current block back to the kernel and moves to the next.
    fn give_back(&mut self) {
        // Release: our reads of the block happen before the kernel may write it again.
        self.status(self.current)
            .store(libc::TP_STATUS_KERNEL, Ordering::Release);
        self.current = (self.current + 1) % self.blocks;
        self.cursor = None;
    }

    /// Copies frames from the blocks the kernel has handed over into `out` (cleared
    /// first), up to its capacity, in arrival order, each with its stripped VLAN tag put
    /// back; a block is given back as soon as its last frame is copied, and the reader
    /// resumes mid-block on the next call. Frames that are ours looped back, longer than
    /// `out`'s slots or cut by the block's room are counted in `drops`, never delivered.
    /// `WouldBlock` when no block was ready.
    pub fn recv_batch(
        &mut self,
        out: &mut FrameBatch,
        drops: &mut ReceiveDrops,
    ) -> io::Result<usize> {
        out.clear();
        let mut any = false;
        while out.len() < out.capacity() {
            let Some(block) = self.user_block(self.current) else {
                break;
            };
            any = true;
            let (at, left) = match self.cursor {
                Some(cursor) => cursor,
                None => match block_header(block) {
                    Some(header) if header.frames > 0 => (header.first, header.frames),
                    _ => {
                        self.give_back();
                        continue;
                    }
                },
            };
            let Some(frame) = frame_at(block, at) else {
                // The kernel's layout is not what we read: the rest of this block is lost.
                drops.malformed += u64::from(left);
                self.give_back();
                continue;
            };
            let len = frame.data.len();
            if frame.outgoing {
                drops.outgoing += 1;
            } else if frame.wire_len > len || len > out.max_frame_len() {
                drops.truncated += 1;
            } else {
                let index = out.len();
                let slot = &mut out.receive_area(index)[..len];
                slot.copy_from_slice(&block[frame.data.clone()]);
                if !out.deliver_received(index, len, frame.stripped_tag) {
                    drops.malformed += 1;
                }
            }
            match (left - 1, frame.next) {
                (0, _) | (_, None) => self.give_back(),
                (left, Some(next)) => self.cursor = Some((next, left)),
            }
        }
        if !any {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        Ok(out.len())
    }
}

impl Drop for RxRing {
    fn drop(&mut self) {
        // SAFETY: exactly the range `attach` mapped; no slice of it outlives `&mut self`.
        unsafe {
            libc::munmap(self.area.as_ptr().cast(), self.block_bytes * self.blocks);
        }
    }
}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(page).unwrap_or(4096).max(4096)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_ring_is_split_among_its_members_within_bounds() {
        let one = RingSize::for_member(1);
        assert_eq!(one.block_bytes as u64 * one.blocks as u64, 16 << 20);
        let two = RingSize::for_member(2);
        assert_eq!(two.block_bytes as u64 * two.blocks as u64, 16 << 20);
        let four = RingSize::for_member(4);
        assert_eq!(four.block_bytes as u64 * four.blocks as u64, 8 << 20);
        for members in [8, 64] {
            let size = RingSize::for_member(members);
            assert_eq!(size.block_bytes as u64 * size.blocks as u64, 4 << 20);
        }
        assert_eq!(RingSize::for_member(0), one, "no members reads as one");
        assert_eq!(one.retire_ms, RETIRE_MS);
    }

    #[test]
    fn the_status_word_is_where_the_kernel_keeps_it() {
        assert_eq!(STATUS_AT, 8);
    }
}
