use super::*;
use crate::pppoe::wire::{TPID_8021AD, TPID_8021Q};

/// Where the kernel puts a frame's data behind its header for an Ethernet frame:
/// TPACKET_ALIGN(TPACKET3_HDRLEN + 16) - 14 (`tpacket_rcv`, SOCK_RAW).
const MAC_AT: usize = 82;

/// A frame as the kernel would write it: its octets, tp_status, the stripped tag (TPID,
/// TCI) and sll_pkttype.
type KernelFrame<'a> = (&'a [u8], u32, Option<(u16, u16)>, u8);

/// Builds a block as the kernel lays one out: the descriptor, then each frame's header,
/// sockaddr_ll and data, headers 16-aligned, `tp_next_offset` chaining them.
fn block(frames: &[KernelFrame<'_>]) -> Vec<u8> {
    let mut block = vec![0u8; 48];
    block[NUM_PKTS..NUM_PKTS + 4].copy_from_slice(&(frames.len() as u32).to_ne_bytes());
    block[FIRST_PKT..FIRST_PKT + 4].copy_from_slice(&48u32.to_ne_bytes());
    let mut headers = Vec::new();
    for (data, status, tag, pkttype) in frames {
        let at = block.len();
        headers.push(at);
        let mut frame = vec![0u8; MAC_AT + data.len()];
        let put = |f: &mut Vec<u8>, offset: usize, bytes: &[u8]| {
            f[offset..offset + bytes.len()].copy_from_slice(bytes)
        };
        put(&mut frame, 12, &(data.len() as u32).to_ne_bytes());
        put(&mut frame, 16, &(data.len() as u32).to_ne_bytes());
        put(&mut frame, 20, &status.to_ne_bytes());
        put(&mut frame, 24, &(MAC_AT as u16).to_ne_bytes());
        if let Some((tpid, tci)) = tag {
            put(&mut frame, 32, &u32::from(*tci).to_ne_bytes());
            put(&mut frame, 36, &tpid.to_ne_bytes());
        }
        frame[PKTTYPE] = *pkttype;
        put(&mut frame, MAC_AT, data);
        frame.resize(frame.len().next_multiple_of(16), 0);
        block.extend(frame);
    }
    for pair in headers.windows(2) {
        let next = (pair[1] - pair[0]) as u32;
        block[pair[0]..pair[0] + 4].copy_from_slice(&next.to_ne_bytes());
    }
    block
}

/// Every frame of a block, as a reader walks it.
fn walk(block: &[u8]) -> Vec<RingFrame> {
    let header = block_header(block).expect("descriptor");
    let mut frames = Vec::new();
    let mut at = Some(header.first);
    for _ in 0..header.frames {
        let frame = frame_at(block, at.expect("a next frame")).expect("in the block");
        at = frame.next;
        frames.push(frame);
    }
    assert_eq!(at, None, "the last frame has no next");
    frames
}

const VLAN: u32 = libc::TP_STATUS_VLAN_VALID;
const TPID: u32 = libc::TP_STATUS_VLAN_TPID_VALID;

#[test]
fn the_layout_matches_the_kernels_headers() {
    assert_eq!(NUM_PKTS, 12);
    assert_eq!(FIRST_PKT, 16);
    assert_eq!(size_of::<tpacket3_hdr>(), 48);
    assert_eq!(SLL_AT, 48);
    assert_eq!(PKTTYPE, 58);
    assert_eq!(libc::TPACKET3_HDRLEN, 68);
}

#[test]
fn frames_come_in_order_with_their_stripped_tags() {
    let untagged = [0xaa; 60];
    let dot1q = [0xbb; 60];
    let qinq = [0xcc; 1400];
    let old_kernel = [0xdd; 64];
    let block = block(&[
        (&untagged, libc::TP_STATUS_USER, None, libc::PACKET_HOST),
        (&dot1q, VLAN | TPID, Some((TPID_8021Q, 0x2064)), 0),
        (&qinq, VLAN | TPID, Some((TPID_8021AD, 200)), 0),
        (&old_kernel, VLAN, Some((0, 7)), 0),
    ]);
    let frames = walk(&block);
    let data: Vec<&[u8]> = frames.iter().map(|f| &block[f.data.clone()]).collect();
    assert_eq!(data, [&untagged[..], &dot1q, &qinq, &old_kernel]);
    let tags: Vec<Option<VlanTag>> = frames.iter().map(|f| f.stripped_tag).collect();
    assert_eq!(
        tags,
        [
            None,
            Some(VlanTag::dot1q(0x2064)),
            Some(VlanTag::dot1ad(200)),
            // No TPID from the kernel: 802.1Q, as with PACKET_AUXDATA.
            Some(VlanTag::dot1q(7)),
        ]
    );
    assert!(frames.iter().all(|f| f.wire_len == f.data.len()));
    assert!(frames.iter().all(|f| !f.outgoing));
}

#[test]
fn a_looped_back_transmission_is_marked() {
    let block = block(&[(&[1; 60], 0, None, libc::PACKET_OUTGOING)]);
    assert!(walk(&block)[0].outgoing);
}

#[test]
fn a_frame_cut_by_the_block_shows_a_longer_wire_length() {
    let mut block = block(&[(&[1; 100], 0, None, 0)]);
    // tp_len 9000: the kernel kept 100 octets of it.
    block[48 + 16..48 + 20].copy_from_slice(&9000u32.to_ne_bytes());
    let frame = &walk(&block)[0];
    assert_eq!(frame.data.len(), 100);
    assert_eq!(frame.wire_len, 9000);
}

#[test]
fn offsets_outside_the_block_end_it_without_a_panic() {
    let good = block(&[(&[1; 60], 0, None, 0), (&[2; 60], 0, None, 0)]);
    let header = block_header(&good).unwrap();
    // Cut anywhere, the block yields what lies wholly inside it and then nothing.
    for len in 0..good.len() {
        let cut = &good[..len];
        if let Some(header) = block_header(cut) {
            let mut at = Some(header.first);
            for _ in 0..header.frames {
                let Some(frame) = at.and_then(|at| frame_at(cut, at)) else {
                    break;
                };
                assert!(frame.data.end <= cut.len());
                at = frame.next;
            }
        }
    }
    assert_eq!(frame_at(&good, usize::MAX), None);
    assert_eq!(frame_at(&good, good.len()), None);
    // A snaplen past the end.
    let mut bad = good.clone();
    bad[header.first + 12..header.first + 16].copy_from_slice(&u32::MAX.to_ne_bytes());
    assert_eq!(frame_at(&bad, header.first), None);
    // A next offset past the end is returned, and the frame there is refused.
    let mut far = good.clone();
    far[header.first..header.first + 4].copy_from_slice(&u32::MAX.to_ne_bytes());
    let next = frame_at(&far, header.first).unwrap().next.unwrap();
    assert_eq!(frame_at(&far, next), None);
    assert_eq!(block_header(&good[..19]), None);
}
