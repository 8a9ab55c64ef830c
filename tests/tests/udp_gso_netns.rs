//! UDP GSO toward a peer behind a smaller MTU (root: a namespace pair of its own, veth MTU
//! 1300): what the fast path's sends toward a busy LNS or LAC rely on. The route's MTU is
//! what `largest_unfragmented_payload` reads; datagrams above it are never put in a GSO
//! message and still arrive (fragmented by the kernel, as before GSO); and a GSO message
//! whose segment is above it is refused (EMSGSIZE, or EINVAL on older kernels), which the caller takes as "send these
//! one by one" (`engine::l2tp_batch`).

use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::os::fd::AsFd;
use std::time::Duration;

use l2tp_tests::netns::{ip, may_run_as_root, VethPair};
use l2tpd::io::packet_socket::{largest_unfragmented_payload, send_datagrams_segmented};
use l2tpd::pppoe::wire::MacAddr;

const LAC: Ipv4Addr = Ipv4Addr::new(198, 18, 7, 1);
const LNS: Ipv4Addr = Ipv4Addr::new(198, 18, 7, 2);

#[test]
fn gso_toward_a_smaller_mtu_is_kept_below_it_and_refused_above_it() {
    if !may_run_as_root("gso_toward_a_smaller_mtu_is_kept_below_it_and_refused_above_it") {
        return;
    }
    let pair = VethPair::create(
        "ugso",
        [MacAddr([2, 0, 0, 0, 7, 1]), MacAddr([2, 0, 0, 0, 7, 2])],
    );
    for (end, address) in [(0, LAC), (1, LNS)] {
        ip(&[
            "-n",
            pair.namespace(end),
            "addr",
            "add",
            &format!("{address}/24"),
            "dev",
            pair.interface(end),
        ]);
        pair.set_mtu(end, 1300);
    }
    let sink = pair.run_in(1, || {
        UdpSocket::bind((LNS, 1701)).expect("the LNS's socket")
    });
    sink.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let sender = pair.run_in(0, || {
        let socket = UdpSocket::bind((LAC, 1701)).expect("the LAC's socket");
        socket
            .connect(SocketAddr::from((LNS, 1701)))
            .expect("connect");
        socket
    });
    let max = largest_unfragmented_payload(sender.as_fd()).expect("IP_MTU");
    assert_eq!(max, 1300 - 28);

    let datagrams = |size: usize, count: usize| -> Vec<Vec<u8>> {
        (0..count)
            .map(|i| (0..size).map(|o| (i * 7 + o) as u8).collect())
            .collect()
    };
    let receive_all = |expected: &[Vec<u8>]| {
        let mut buf = vec![0u8; 4096];
        for (i, datagram) in expected.iter().enumerate() {
            let len = sink.recv(&mut buf).expect("a datagram");
            assert_eq!(&buf[..len], &datagram[..], "datagram {i}");
        }
    };
    // Below the MTU: GSO messages; above it: one by one, fragmented, whole at the LNS.
    for size in [1200, 1400] {
        let batch = datagrams(size, 10);
        let sent = send_datagrams_segmented(sender.as_fd(), max, batch.iter().map(|d| &d[..]))
            .expect("sent");
        assert_eq!(sent, 10, "{size}");
        receive_all(&batch);
    }
    // A segment above the route's MTU (a stale limit): refused, nothing sent.
    let batch = datagrams(1400, 10);
    let refused =
        send_datagrams_segmented(sender.as_fd(), usize::MAX, batch.iter().map(|d| &d[..]))
            .expect_err("a GSO segment above the MTU");
    assert!(
        matches!(
            refused.raw_os_error(),
            Some(nix::libc::EMSGSIZE | nix::libc::EINVAL)
        ),
        "{refused}"
    );
}
