//! The AF_PACKET endpoint against a real kernel: a veth pair between two network namespaces
//! made by this test, PPPoE frames untagged, 802.1Q- and QinQ-tagged sent from one end and
//! received byte for byte (tags included) at the other, non-PPPoE frames kept out by the
//! filter, and the interface facts (ifindex, MAC, MTU, link) read right.
//!
//! Needs root (namespaces, CAP_NET_RAW): CI runs as root and must run it; elsewhere without
//! root it says why and returns.

use std::io;
use std::time::Duration;

use l2tp_tests::netns::{may_run_as_root, VethPair};
use l2tpd::io::{AsyncFrameEndpoint, FrameBatch, FrameEndpoint, PacketSocket};
use l2tpd::pppoe::wire::{MacAddr, VlanTag, TPID_8021AD, TPID_8021Q};

const RX_MAC: MacAddr = MacAddr([0x02, 0x00, 0x5e, 0x10, 0x0a, 0x01]);
const TX_MAC: MacAddr = MacAddr([0x02, 0x00, 0x5e, 0x10, 0x0a, 0x02]);
/// A PPPoE MTU, so reading the default 1500 by mistake would show.
const RX_MTU: u32 = 1492;
/// Longest the test waits for the kernel (carrier state goes through link watch).
const KERNEL_WAIT: Duration = Duration::from_secs(10);

/// An Ethernet frame: MACs, in-line tags, EtherType, then a body that names the frame, padded
/// to the 60-byte minimum.
fn frame(dst: MacAddr, tags: &[VlanTag], ethertype: u16, body: &[u8]) -> Vec<u8> {
    let mut frame = [dst.0, TX_MAC.0].concat();
    for tag in tags {
        frame.extend(tag.tpid.to_be_bytes());
        frame.extend(tag.tci.to_be_bytes());
    }
    frame.extend(ethertype.to_be_bytes());
    frame.extend(body);
    frame.resize(frame.len().max(60), 0);
    frame
}

/// PADI with a Host-Uniq naming the frame (RFC 2516 §5.1).
fn padi(tags: &[VlanTag], n: u16) -> Vec<u8> {
    let mut body = vec![0x11, 0x09, 0x00, 0x00, 0x00, 0x0a];
    body.extend([0x01, 0x01, 0x00, 0x00, 0x01, 0x03, 0x00, 0x02]);
    body.extend(n.to_be_bytes());
    frame(MacAddr::BROADCAST, tags, 0x8863, &body)
}

/// A session frame carrying an LCP Echo-Request whose magic names the frame.
fn session(tags: &[VlanTag], n: u16) -> Vec<u8> {
    let mut body = vec![0x11, 0x00, 0x12, 0x34, 0x00, 0x0a];
    body.extend([0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 0x00, 0x00]);
    body.extend(n.to_be_bytes());
    frame(RX_MAC, tags, 0x8864, &body)
}

#[tokio::test]
async fn pppoe_frames_cross_a_veth_as_on_the_wire_and_link_state_is_read() {
    if !may_run_as_root("packet_socket_netns") {
        return;
    }
    let veth = VethPair::create("l2io", [RX_MAC, TX_MAC]);
    veth.set_mtu(0, RX_MTU);
    let rx = veth.packet_socket(0);
    let mut tx = veth.packet_socket(1);

    assert_eq!(rx.ifindex(), veth.ifindex(0));
    assert_eq!(rx.mac().unwrap(), RX_MAC);
    assert_eq!(rx.mtu().unwrap(), RX_MTU);
    assert!(rx.link_up().unwrap());

    let dot1q = [VlanTag::dot1q(0x2064)]; // PCP 1, VID 100
    let qinq = [VlanTag::dot1ad(200), VlanTag::dot1q(300)];
    let mut pppoe = Vec::new();
    let mut everything = Vec::new();
    for n in 0..25u16 {
        let round = [
            padi(&[], n),
            session(&[], n),
            session(&dot1q, n),
            padi(&qinq, n),
            session(&qinq, n),
        ];
        pppoe.extend(round.iter().cloned());
        everything.extend(round);
        // Not PPPoE: the filter keeps them in the kernel, tagged or not.
        everything.push(frame(RX_MAC, &[], 0x0800, &n.to_be_bytes()));
        everything.push(frame(RX_MAC, &dot1q, 0x0800, &n.to_be_bytes()));
        everything.push(frame(MacAddr::BROADCAST, &qinq, 0x0806, &n.to_be_bytes()));
    }
    assert!(pppoe.iter().any(|f| f[12..14] == TPID_8021Q.to_be_bytes()));
    assert!(pppoe.iter().any(|f| f[12..14] == TPID_8021AD.to_be_bytes()));

    let sent = tx.send_batch(everything.iter().map(Vec::as_slice)).unwrap();
    assert_eq!(sent, everything.len());

    let mut rx = AsyncFrameEndpoint::new(rx).unwrap();
    let mut batch = FrameBatch::new(16, 1600);
    let mut received: Vec<Vec<u8>> = Vec::new();
    let mut largest_batch = 0;
    tokio::time::timeout(KERNEL_WAIT, async {
        while received.len() < pppoe.len() {
            let n = rx.recv_batch(&mut batch).await.unwrap();
            largest_batch = largest_batch.max(n);
            received.extend(batch.frames().map(<[u8]>::to_vec));
        }
    })
    .await
    .unwrap_or_else(|_| panic!("only {} of {} frames arrived", received.len(), pppoe.len()));
    // In order, byte for byte, tags where they were, and nothing else in between.
    assert_eq!(received.len(), pppoe.len());
    for (i, (got, want)) in received.iter().zip(&pppoe).enumerate() {
        assert_eq!(got, want, "frame {i}");
    }
    assert!(
        largest_batch > 1,
        "frames arrived one per call, not batched"
    );
    let FrameEndpoint::Packet(rx_socket) = rx.get_ref() else {
        unreachable!()
    };
    assert_eq!(rx_socket.drops(), Default::default());
    // The kernel's own count (PACKET_STATISTICS) reads, and nothing was lost to a full buffer.
    assert_eq!(rx_socket.kernel_drops().expect("PACKET_STATISTICS"), 0);

    // Promiscuous mode lasts as long as the socket that asked for it.
    let watcher = veth.packet_socket(0);
    assert_eq!(veth.promiscuity(0), 0);
    watcher.set_promiscuous().unwrap();
    assert_eq!(veth.promiscuity(0), 1);
    drop(watcher);
    // The socket is released when its last reference closes: a test running beside this one
    // that forks (to run `ip`) holds a copy of every descriptor until its child execs.
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    while veth.promiscuity(0) != 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(veth.promiscuity(0), 0);

    // The sender does not hear its own frames (PACKET_OUTGOING).
    let mut own = FrameBatch::new(16, 1600);
    let own_result = tx.recv_batch(&mut own);
    assert_eq!(own_result.unwrap_err().kind(), io::ErrorKind::WouldBlock);

    // The peer goes down: our carrier goes (IFF_RUNNING, via link watch), then comes back.
    veth.set_link(1, "down");
    wait_for_link(rx_socket, false).await;
    veth.set_link(1, "up");
    wait_for_link(rx_socket, true).await;
    // Our own end administratively down: IFF_UP clears.
    veth.set_link(0, "down");
    wait_for_link(rx_socket, false).await;
}

async fn wait_for_link(socket: &PacketSocket, up: bool) {
    tokio::time::timeout(KERNEL_WAIT, async {
        while socket.link_up().unwrap() != up {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("link_up() did not become {up}"));
}

/// A socket nobody reads fills its receive buffer, and the kernel counts what it drops after
/// that: `kernel_drops` reports it (and clears, as PACKET_STATISTICS does), so the engine can
/// show operators the frames a burst cost. Bounded: 200,000 small frames, 20 s at most.
#[test]
fn a_full_receive_buffer_is_counted_as_kernel_drops() {
    if !may_run_as_root("packet_socket_netns") {
        return;
    }
    let veth = VethPair::create("l2dr", [RX_MAC, TX_MAC]);
    let rx = veth.packet_socket(0);
    let tx = veth.packet_socket(1);
    let frames: Vec<Vec<u8>> = (0..64u16).map(|n| session(&[], n)).collect();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut sent = 0usize;
    while sent < 200_000 && std::time::Instant::now() < deadline {
        match tx.send_batch(frames.iter().map(Vec::as_slice)) {
            Ok(n) => sent += n,
            // The sender's own queue is full for a moment: let the veth drain it.
            Err(_) => std::thread::sleep(Duration::from_millis(1)),
        }
    }
    assert!(sent > 150_000, "only {sent} frames left in 20 s");
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
