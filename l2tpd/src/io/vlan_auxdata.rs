//! The outer VLAN tag that Linux takes off a received frame and hands over in PACKET_AUXDATA,
//! and putting it back so callers see the frame as it was on the wire.
//!
//! On receive the kernel moves the outermost 802.1Q/802.1ad tag into the skb (hardware
//! offload, or `skb_vlan_untag` for devices without it) before any packet socket sees the
//! frame. The PPPoE codec (`pppoe::wire`) parses tags in-line, and a unit with `vlan-id` /
//! `vlan-tags` selects frames by them, so the shell re-inserts the tag. Only one tag is ever
//! stripped: the inner tag of QinQ stays in the frame.

use std::ops::Range;

use crate::pppoe::wire::{VlanTag, TPID_8021Q};

/// `struct tpacket_auxdata` (linux/if_packet.h), read from a control message's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacketAuxdata {
    pub status: u32,
    pub vlan_tci: u16,
    pub vlan_tpid: u16,
}

/// `tp_status` bits (linux/if_packet.h).
const TP_STATUS_VLAN_VALID: u32 = 1 << 4;
const TP_STATUS_VLAN_TPID_VALID: u32 = 1 << 6;
/// tp_status, tp_len, tp_snaplen (u32 each), tp_mac, tp_net, tp_vlan_tci, tp_vlan_tpid (u16).
const AUXDATA_LEN: usize = 20;
/// Destination and source MAC: the tag goes right after them.
const MAC_PAIR_LEN: usize = 12;
const TAG_LEN: usize = 4;

impl PacketAuxdata {
    /// Reads the struct from the data of a `SOL_PACKET`/`PACKET_AUXDATA` control message (in
    /// host byte order, as the kernel writes it). `None` when the message is too short.
    pub fn from_cmsg_data(data: &[u8]) -> Option<Self> {
        let data = data.get(..AUXDATA_LEN)?;
        let u16_at = |at: usize| u16::from_ne_bytes([data[at], data[at + 1]]);
        Some(Self {
            status: u32::from_ne_bytes([data[0], data[1], data[2], data[3]]),
            vlan_tci: u16_at(16),
            vlan_tpid: u16_at(18),
        })
    }

    /// The tag the kernel stripped, if any. TP_STATUS_VLAN_VALID tells a stripped tag with TCI 0
    /// (a priority tag) from no tag; kernels before 3.14 give no TPID, and then it was 802.1Q.
    pub fn stripped_tag(&self) -> Option<VlanTag> {
        if self.status & TP_STATUS_VLAN_VALID == 0 {
            return None;
        }
        let tpid = if self.status & TP_STATUS_VLAN_TPID_VALID != 0 {
            self.vlan_tpid
        } else {
            TPID_8021Q
        };
        Some(VlanTag {
            tpid,
            tci: self.vlan_tci,
        })
    }
}

/// Re-inserts `tag` into the frame at `buf[frame]`, using the bytes in front of it: the two MAC
/// addresses move 4 bytes towards the start and the tag fills the gap. Returns the tagged
/// frame's range, or `None` when there is no headroom or the frame is shorter than its MACs
/// (the caller drops it and counts it).
pub fn reinsert_tag(buf: &mut [u8], frame: Range<usize>, tag: VlanTag) -> Option<Range<usize>> {
    if frame.start < TAG_LEN || frame.end > buf.len() || frame.len() < MAC_PAIR_LEN {
        return None;
    }
    let start = frame.start - TAG_LEN;
    buf.copy_within(frame.start..frame.start + MAC_PAIR_LEN, start);
    let tag_at = start + MAC_PAIR_LEN;
    buf[tag_at..tag_at + 2].copy_from_slice(&tag.tpid.to_be_bytes());
    buf[tag_at + 2..tag_at + 4].copy_from_slice(&tag.tci.to_be_bytes());
    Some(start..frame.end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pppoe::wire::{Frame, TPID_8021AD};

    const DST: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
    const SRC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x02];

    /// A PPPoE session frame carrying an LCP Echo-Request, behind the given in-line tags.
    fn session_frame(tags: &[VlanTag]) -> Vec<u8> {
        let mut frame = [DST, SRC].concat();
        for tag in tags {
            frame.extend(tag.tpid.to_be_bytes());
            frame.extend(tag.tci.to_be_bytes());
        }
        frame.extend([0x88, 0x64, 0x11, 0x00, 0x12, 0x34, 0x00, 0x0a]);
        frame.extend([0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 0xde, 0xad, 0xbe, 0xef]);
        frame
    }

    /// What the kernel hands a packet socket: the frame without its outer tag, placed behind
    /// the headroom, and the auxdata bytes naming the tag.
    fn as_received(wire: &[u8], outer: VlanTag) -> (Vec<u8>, Range<usize>, [u8; AUXDATA_LEN]) {
        let stripped = [&wire[..12], &wire[16..]].concat();
        let mut buf = vec![0xee; TAG_LEN];
        buf.extend(&stripped);
        let mut aux = [0u8; AUXDATA_LEN];
        let status = TP_STATUS_VLAN_VALID | TP_STATUS_VLAN_TPID_VALID;
        aux[..4].copy_from_slice(&status.to_ne_bytes());
        aux[16..18].copy_from_slice(&outer.tci.to_ne_bytes());
        aux[18..20].copy_from_slice(&outer.tpid.to_ne_bytes());
        (buf, TAG_LEN..TAG_LEN + stripped.len(), aux)
    }

    #[test]
    fn dot1q_tag_is_put_back_byte_for_byte() {
        let tag = VlanTag::dot1q(0x2064); // PCP 1, VID 100
        let wire = session_frame(&[tag]);
        let (mut buf, frame, aux) = as_received(&wire, tag);
        let aux = PacketAuxdata::from_cmsg_data(&aux).unwrap();
        let restored = reinsert_tag(&mut buf, frame, aux.stripped_tag().unwrap()).unwrap();
        assert_eq!(&buf[restored], &wire[..]);
    }

    #[test]
    fn qinq_outer_tag_goes_back_in_front_of_the_inner_one() {
        let outer = VlanTag::dot1ad(200);
        let inner = VlanTag::dot1q(300);
        let wire = session_frame(&[outer, inner]);
        let (mut buf, frame, aux) = as_received(&wire, outer);
        let tag = PacketAuxdata::from_cmsg_data(&aux).unwrap().stripped_tag();
        assert_eq!(
            tag,
            Some(VlanTag {
                tpid: TPID_8021AD,
                tci: 200
            })
        );
        let restored = reinsert_tag(&mut buf, frame, tag.unwrap()).unwrap();
        assert_eq!(&buf[restored.clone()], &wire[..]);
        let parsed = Frame::parse(&buf[restored]).unwrap();
        assert_eq!(parsed.vlans, vec![outer, inner]);
    }

    #[test]
    fn priority_tag_with_tci_zero_is_still_a_tag() {
        let aux = PacketAuxdata {
            status: TP_STATUS_VLAN_VALID,
            vlan_tci: 0,
            vlan_tpid: 0,
        };
        // No TPID from an old kernel: it was 802.1Q.
        assert_eq!(aux.stripped_tag(), Some(VlanTag::dot1q(0)));
        let untagged = PacketAuxdata { status: 0, ..aux };
        assert_eq!(untagged.stripped_tag(), None);
    }

    #[test]
    fn short_frames_and_missing_headroom_are_refused() {
        let tag = VlanTag::dot1q(5);
        let mut buf = vec![0u8; 64];
        assert_eq!(reinsert_tag(&mut buf, 0..60, tag), None, "no headroom");
        assert_eq!(
            reinsert_tag(&mut buf, 4..15, tag),
            None,
            "shorter than two MACs"
        );
        assert_eq!(reinsert_tag(&mut buf, 4..70, tag), None, "past the buffer");
        assert_eq!(PacketAuxdata::from_cmsg_data(&[0; 19]), None);
    }
}
