//! Reading one block of a TPACKET_V3 receive ring (linux/if_packet.h), as bytes: the block
//! descriptor, then each frame's `tpacket3_hdr` and where its data lies. Pure and safe: the
//! ring module (`rx_ring`) hands over a block the kernel has given back to us (its status
//! has TP_STATUS_USER, so the kernel writes none of it until we return it), and every
//! offset read here is checked against the block's length, so a wrong one (a kernel we do
//! not understand) ends the block, never a panic.
//!
//! Layout (64-bit and 32-bit alike: the kernel's structs are fixed-size):
//! - `tpacket_block_desc`: version, offset_to_priv, then `tpacket_hdr_v1`: block_status,
//!   num_pkts, offset_to_first_pkt, blk_len, … (offsets from libc's structs below).
//! - each frame: `tpacket3_hdr` (tp_next_offset to the next frame's header, 0 on the last;
//!   tp_snaplen octets of data at tp_mac from the header; tp_len on the wire; tp_status with
//!   the VLAN bits; hv1.tp_vlan_tci / tp_vlan_tpid), then at TPACKET_ALIGN(48) a
//!   `sockaddr_ll` whose sll_pkttype says PACKET_OUTGOING for our own transmissions.

use std::mem::offset_of;
use std::ops::Range;

use libc::{sockaddr_ll, tpacket3_hdr, tpacket_block_desc, tpacket_hdr_v1};

use super::vlan_auxdata::PacketAuxdata;
use crate::pppoe::wire::VlanTag;

const BLOCK_HDR: usize = offset_of!(tpacket_block_desc, hdr);
const NUM_PKTS: usize = BLOCK_HDR + offset_of!(tpacket_hdr_v1, num_pkts);
const FIRST_PKT: usize = BLOCK_HDR + offset_of!(tpacket_hdr_v1, offset_to_first_pkt);
/// Where the kernel puts the `sockaddr_ll` behind a frame's header: TPACKET_ALIGN of the
/// header's size (`tpacket_fill_skb`: `h.raw + TPACKET_ALIGN(sizeof(*h.h3))`).
const SLL_AT: usize = (size_of::<tpacket3_hdr>() + 15) & !15;
const PKTTYPE: usize = SLL_AT + offset_of!(sockaddr_ll, sll_pkttype);

/// The part of a block descriptor the reader needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockHeader {
    /// Frames in the block.
    pub frames: u32,
    /// Offset of the first frame's header from the block's start.
    pub first: usize,
}

/// Reads a block's descriptor; `None` when the block is shorter than one.
pub fn block_header(block: &[u8]) -> Option<BlockHeader> {
    Some(BlockHeader {
        frames: u32_at(block, NUM_PKTS)?,
        first: u32_at(block, FIRST_PKT)? as usize,
    })
}

/// One frame of a block, as the kernel described it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RingFrame {
    /// Where its captured octets lie in the block (tp_mac, tp_snaplen).
    pub data: Range<usize>,
    /// Its length on the wire (tp_len): more than `data.len()` when the block's room cut it.
    pub wire_len: usize,
    /// The outer VLAN tag the kernel took off, as PACKET_AUXDATA would name it.
    pub stripped_tag: Option<VlanTag>,
    /// One of our own transmissions looped back (PACKET_OUTGOING).
    pub outgoing: bool,
    /// Offset of the next frame's header; `None` on the last (tp_next_offset 0).
    pub next: Option<usize>,
}

/// The frame whose header is at `at` in `block`; `None` when the header or its data do not
/// lie inside the block (the caller drops the rest of the block and counts it).
pub fn frame_at(block: &[u8], at: usize) -> Option<RingFrame> {
    let field = |offset: usize| u32_at(block, at.checked_add(offset)?);
    let next = field(offset_of!(tpacket3_hdr, tp_next_offset))? as usize;
    let snaplen = field(offset_of!(tpacket3_hdr, tp_snaplen))? as usize;
    let wire_len = field(offset_of!(tpacket3_hdr, tp_len))? as usize;
    let status = field(offset_of!(tpacket3_hdr, tp_status))?;
    let mac = u16_at(block, at + offset_of!(tpacket3_hdr, tp_mac))? as usize;
    let hv1 = at + offset_of!(tpacket3_hdr, hv1);
    let tci = u32_at(
        block,
        hv1 + offset_of!(libc::tpacket_hdr_variant1, tp_vlan_tci),
    )?;
    let tpid = u16_at(
        block,
        hv1 + offset_of!(libc::tpacket_hdr_variant1, tp_vlan_tpid),
    )?;
    let pkttype = *block.get(at.checked_add(PKTTYPE)?)?;
    let start = at.checked_add(mac)?;
    let data = start..start.checked_add(snaplen)?;
    if data.end > block.len() {
        return None;
    }
    let next = match next {
        0 => None,
        offset => Some(at.checked_add(offset)?),
    };
    let auxdata = PacketAuxdata {
        status,
        // The TCI is 16 bits on the wire; the kernel's field is wider.
        vlan_tci: tci as u16,
        vlan_tpid: tpid,
    };
    Some(RingFrame {
        data,
        wire_len,
        stripped_tag: auxdata.stripped_tag(),
        outgoing: pkttype == libc::PACKET_OUTGOING,
        next,
    })
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_ne_bytes([b[0], b[1]]))
}

#[cfg(test)]
#[path = "ring_block_tests.rs"]
mod tests;
