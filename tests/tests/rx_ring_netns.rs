//! The PPPoE port's receive ring (PACKET_RX_RING, TPACKET_V3; issue 15, item 2) against a
//! real kernel: a veth pair between two namespaces made by this test, and on the receiving
//! end two sockets, one with a ring and one without (recvmmsg), each seeing every frame.
//! The ring must hand over what recvmmsg does: the same PPPoE frames in the same order,
//! untagged, 802.1Q and QinQ (0x88a8 or 0x9100 outer) with the stripped outer tag put back, a frame too long for a
//! block dropped and counted on both, nothing at all before the first frame.
//!
//! Needs root (namespaces, CAP_NET_RAW): CI runs as root and must run it; elsewhere without
//! root it says why and returns.

use std::io;
use std::time::Duration;

use l2tp_tests::netns::{may_run_as_root, VethPair};
use l2tpd::io::rx_ring::RingSize;
use l2tpd::io::{AsyncFrameEndpoint, FrameBatch, FrameEndpoint, PacketSocket};
use l2tpd::pppoe::wire::{MacAddr, VlanTag, TPID_QINQ_9100};

const RX_MAC: MacAddr = MacAddr([0x02, 0x00, 0x5e, 0x10, 0x0b, 0x01]);
const TX_MAC: MacAddr = MacAddr([0x02, 0x00, 0x5e, 0x10, 0x0b, 0x02]);
const KERNEL_WAIT: Duration = Duration::from_secs(10);
/// One page a block: a few dozen small frames each, so the frames span many blocks and the
/// reader resumes mid-block (its batch holds 16), and a jumbo frame does not fit one.
const SMALL_RING: RingSize = RingSize {
    block_bytes: 4096,
    blocks: 64,
    retire_ms: 2,
};
/// The jumbo frame's length: more than a 4 KiB block holds, less than the MTU.
const JUMBO: usize = 8_000;

/// A PPPoE session frame to us behind `tags`, its LCP Echo-Request's magic naming it,
/// padded to `len` octets (at least the 60-octet minimum).
fn session(tags: &[VlanTag], n: u16, len: usize) -> Vec<u8> {
    let mut frame = ethernet(RX_MAC.0, tags);
    frame.extend([0x88, 0x64, 0x11, 0x00, 0x12, 0x34, 0x00, 0x0a]);
    frame.extend([0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 0x00, 0x00]);
    frame.extend(n.to_be_bytes());
    frame.resize(frame.len().max(len).max(60), 0);
    frame
}

/// The Ethernet header from the sender's end to `dst`, with `tags` (outermost first); the
/// EtherType is the caller's.
fn ethernet(dst: [u8; 6], tags: &[VlanTag]) -> Vec<u8> {
    let mut frame = [dst, TX_MAC.0].concat();
    for tag in tags {
        frame.extend(tag.tpid.to_be_bytes());
        frame.extend(tag.tci.to_be_bytes());
    }
    frame
}

/// A PADI behind `tags`, its Host-Uniq naming it.
fn padi(tags: &[VlanTag], n: u16) -> Vec<u8> {
    let mut frame = ethernet([0xff; 6], tags);
    frame.extend([0x88, 0x63, 0x11, 0x09, 0x00, 0x00, 0x00, 0x0a]);
    frame.extend([0x01, 0x01, 0x00, 0x00, 0x01, 0x03, 0x00, 0x02]);
    frame.extend(n.to_be_bytes());
    frame.resize(frame.len().max(60), 0);
    frame
}

/// Reads `endpoint` until `count` frames arrived (bounded by KERNEL_WAIT).
async fn read(endpoint: &mut AsyncFrameEndpoint, count: usize) -> Vec<Vec<u8>> {
    let mut batch = FrameBatch::new(16, 1600);
    let mut received = Vec::new();
    tokio::time::timeout(KERNEL_WAIT, async {
        while received.len() < count {
            endpoint.recv_batch(&mut batch).await.expect("receive");
            received.extend(batch.frames().map(<[u8]>::to_vec));
        }
    })
    .await
    .unwrap_or_else(|_| panic!("only {} of {count} frames arrived", received.len()));
    received
}

fn socket_of(endpoint: &AsyncFrameEndpoint) -> &PacketSocket {
    match endpoint.get_ref() {
        FrameEndpoint::Packet(socket) => socket,
        FrameEndpoint::Link(_) => unreachable!("a packet socket"),
    }
}

#[tokio::test]
async fn the_ring_hands_over_what_recvmmsg_does_in_order_with_the_vlan_tags() {
    if !may_run_as_root("rx_ring_netns") {
        return;
    }
    let veth = VethPair::create("l2rr", [RX_MAC, TX_MAC]);
    veth.set_mtu(0, 9000);
    veth.set_mtu(1, 9000);
    let interface = veth.interface(0).to_string();
    let (ringed, why) = veth.run_in(0, move || {
        PacketSocket::open_with_ring(&interface, SMALL_RING).expect("open the packet socket")
    });
    assert!(why.is_none(), "no ring on this kernel: {why:?}");
    let mut ringed = ringed;
    assert!(ringed.has_ring());
    let plain = veth.packet_socket(0);
    assert!(!plain.has_ring());
    let tx = veth.packet_socket(1);

    // An empty ring: no block handed over, nothing to read.
    let mut batch = FrameBatch::new(16, 1600);
    let empty = ringed.recv_batch(&mut batch);
    assert_eq!(empty.unwrap_err().kind(), io::ErrorKind::WouldBlock);
    assert!(batch.is_empty());
    let mut ringed = AsyncFrameEndpoint::new(ringed).unwrap();
    let mut plain = AsyncFrameEndpoint::new(plain).unwrap();

    let dot1q = [VlanTag::dot1q(0x2064)]; // PCP 1, VID 100
    let qinq = [VlanTag::dot1ad(200), VlanTag::dot1q(300)];
    // A pre-standard QinQ switch's outer tag (Junos `vlan-tags outer 0x9100.N`): the kernel
    // strips none of it, both tags stay in the frame.
    let q9100 = [
        VlanTag {
            tpid: TPID_QINQ_9100,
            tci: 400,
        },
        VlanTag::dot1q(500),
    ];
    let mut wanted = Vec::new();
    let mut sent = Vec::new();
    for n in 0..40u16 {
        let round = [
            padi(&[], n),
            session(&[], n, 60),
            session(&dot1q, n, 60),
            padi(&qinq, n),
            session(&qinq, n, 1400),
            session(&q9100, n, 60),
            padi(&q9100, n),
        ];
        wanted.extend(round.iter().cloned());
        sent.extend(round);
        if n == 20 {
            // Longer than a block: the ring keeps the first 4 KiB and says so; the plain
            // socket's batch slots hold 1,600. Dropped and counted by both, not delivered.
            sent.push(session(&dot1q, n, JUMBO));
        }
    }
    for frame in &sent {
        assert_eq!(tx.send_batch([frame.as_slice()]).expect("send"), 1);
    }

    let from_ring = read(&mut ringed, wanted.len()).await;
    let from_plain = read(&mut plain, wanted.len()).await;
    assert_eq!(from_plain.len(), wanted.len());
    for (i, (got, want)) in from_plain.iter().zip(&wanted).enumerate() {
        assert_eq!(got, want, "recvmmsg, frame {i}");
    }
    assert_eq!(from_ring.len(), wanted.len());
    for (i, (got, want)) in from_ring.iter().zip(&wanted).enumerate() {
        assert_eq!(got, want, "ring, frame {i}");
    }
    for endpoint in [&ringed, &plain] {
        let drops = socket_of(endpoint).drops();
        assert_eq!(drops.truncated, 1, "the jumbo frame");
        assert_eq!((drops.outgoing, drops.malformed), (0, 0));
        assert_eq!(socket_of(endpoint).kernel_drops().expect("statistics"), 0);
    }
    // Everything was read and every block given back: nothing more, and the kernel
    // fills the ring again (the blocks went back in order).
    let late = session(&[], 999, 60);
    assert_eq!(tx.send_batch([late.as_slice()]).expect("send"), 1);
    assert_eq!(read(&mut ringed, 1).await, [late]);
}

/// A ring the kernel refuses (a block size it reads as negative): the socket is the plain
/// recvmmsg one, says why, and receives as before.
#[tokio::test]
async fn a_refused_ring_leaves_a_recvmmsg_socket_that_receives() {
    if !may_run_as_root("rx_ring_netns") {
        return;
    }
    let veth = VethPair::create("l2rf", [RX_MAC, TX_MAC]);
    let interface = veth.interface(0).to_string();
    let refused = RingSize {
        block_bytes: 1 << 31,
        blocks: 1,
        retire_ms: 2,
    };
    let (socket, why) = veth.run_in(0, move || {
        PacketSocket::open_with_ring(&interface, refused).expect("a socket all the same")
    });
    assert!(why.is_some(), "the kernel took a 2 GiB block");
    assert!(!socket.has_ring());
    let tx = veth.packet_socket(1);
    let frames: Vec<Vec<u8>> = (0..10)
        .map(|n| session(&[VlanTag::dot1q(7)], n, 60))
        .collect();
    assert_eq!(
        tx.send_batch(frames.iter().map(Vec::as_slice))
            .expect("send"),
        frames.len()
    );
    let mut socket = AsyncFrameEndpoint::new(socket).unwrap();
    assert_eq!(read(&mut socket, frames.len()).await, frames);
}

/// A ring nobody reads fills, and the kernel counts what it drops after that: the same
/// PACKET_STATISTICS the engine reports to operators (read and cleared). Bounded: 20,000
/// small frames into a 16 KiB ring, or [`KERNEL_WAIT`] of trying.
#[test]
fn a_full_ring_is_counted_as_kernel_drops() {
    if !may_run_as_root("rx_ring_netns") {
        return;
    }
    let veth = VethPair::create("l2rd", [RX_MAC, TX_MAC]);
    let interface = veth.interface(0).to_string();
    let tiny = RingSize {
        block_bytes: 4096,
        blocks: 4,
        retire_ms: 2,
    };
    let (rx, why) = veth.run_in(0, move || {
        PacketSocket::open_with_ring(&interface, tiny).expect("open the packet socket")
    });
    assert!(why.is_none(), "no ring on this kernel: {why:?}");
    let tx = veth.packet_socket(1);
    let frames: Vec<Vec<u8>> = (0..64u16).map(|n| session(&[], n, 60)).collect();
    let mut sent = 0;
    let deadline = std::time::Instant::now() + KERNEL_WAIT;
    while sent < 20_000 && std::time::Instant::now() < deadline {
        match tx.send_batch(frames.iter().map(Vec::as_slice)) {
            Ok(n) => sent += n,
            Err(_) => std::thread::yield_now(),
        }
    }
    assert!(
        sent >= 20_000,
        "the sender stalled: {sent} in {KERNEL_WAIT:?}"
    );
    let dropped = rx.kernel_drops().expect("PACKET_STATISTICS");
    assert!(
        dropped > 0 && (dropped as usize) < sent,
        "{dropped} of {sent} counted as dropped"
    );
    assert_eq!(
        rx.kernel_drops().expect("PACKET_STATISTICS"),
        0,
        "read and cleared"
    );
}
