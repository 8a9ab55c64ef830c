//! The UDP sockets the L2TP engine listens on: port 1701 on every local address the
//! configuration names, plus an ephemeral wildcard socket for tunnels without a source.

use std::collections::BTreeSet;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

use schema::typed::RouterConfig;

/// RFC 2661 §8.1: the L2TP UDP port.
pub const L2TP_PORT: u16 = 1701;

/// The receive buffer asked for on every L2TP socket: a burst of data messages (one LCP
/// echo per subscriber, a thousand subscribers' frames at once) must not overflow the
/// 208 KiB default before the engine's next turn; an overflow is a silent kernel drop
/// (`RcvbufErrors`), seen first end to end in tests/tests/pppoe_lac_netns.rs.
const RECEIVE_BUFFER_BYTES: usize = 4 << 20;

/// Asks for [`RECEIVE_BUFFER_BYTES`] on `socket`: FORCE goes past `net.core.rmem_max` when
/// we may (root, CAP_NET_ADMIN); otherwise as much as the host allows. Never fatal: a
/// smaller buffer only means drops under a burst.
pub fn enlarge_receive_buffer(socket: &impl std::os::fd::AsFd) {
    use nix::sys::socket::{setsockopt, sockopt};
    if setsockopt(socket, sockopt::RcvBufForce, &RECEIVE_BUFFER_BYTES).is_err() {
        if let Err(e) = setsockopt(socket, sockopt::RcvBuf, &RECEIVE_BUFFER_BYTES) {
            tracing::debug!("l2tp: receive buffer left at the default: {e}");
        }
    }
}

/// Lets the per-tunnel sockets ([`bind_tunnel`]) share port 1701 with a listening socket
/// bound before. Set after the listener's own bind, so that binding a port another program
/// holds still fails ("Address already in use") as it always did.
pub fn share_port(socket: &impl std::os::fd::AsFd) {
    use nix::sys::socket::{setsockopt, sockopt};
    if let Err(e) = setsockopt(socket, sockopt::ReuseAddr, &true) {
        tracing::debug!("l2tp: no per-tunnel sockets beside this one: {e}");
    }
}

/// A socket of its own for the tunnel between our `local` address and `peer`, as the Linux
/// kernel's L2TP keeps one per tunnel: bound to `local` (port 1701, shared with the
/// listener) and connected to `peer`, so the kernel delivers that peer's datagrams to it
/// and not to the listener. A flood from anywhere else, one tunnel's data included, then
/// fills another buffer than this tunnel's control (issue 15).
pub fn bind_tunnel(local: SocketAddrV4, peer: SocketAddrV4) -> io::Result<std::net::UdpSocket> {
    let socket = bind_connected(local, peer)?;
    enlarge_receive_buffer(&socket);
    Ok(socket)
}

/// A non-blocking UDP socket on `local`, sharing its port (SO_REUSEADDR), connected to
/// `remote`.
fn bind_connected(local: SocketAddrV4, remote: SocketAddrV4) -> io::Result<std::net::UdpSocket> {
    use nix::sys::socket::{
        bind, connect, setsockopt, socket, sockopt, AddressFamily, SockFlag, SockType, SockaddrIn,
    };
    use std::os::fd::AsRawFd;
    let fd = socket(
        AddressFamily::Inet,
        SockType::Datagram,
        SockFlag::SOCK_NONBLOCK | SockFlag::SOCK_CLOEXEC,
        None,
    )?;
    setsockopt(&fd, sockopt::ReuseAddr, &true)?;
    bind(fd.as_raw_fd(), &SockaddrIn::from(local))?;
    connect(fd.as_raw_fd(), &SockaddrIn::from(remote))?;
    Ok(std::net::UdpSocket::from(fd))
}

/// A socket for the data workers to send L2TP from, beside the engine's listener on `local`
/// (port 1701, shared as [`bind_tunnel`] shares it), that no epoll watches: when the kernel
/// frees a sent datagram it wakes whoever waits on the sending socket
/// (`sock_def_write_space`), and the listener is the engine's, watched by its epoll for
/// writability, so every relayed datagram would wake the control thread. Connected to its
/// own address and port, which no peer sends from, it is delivered nothing; each send names
/// its destination (sendmmsg's msg_name), which a connected UDP socket allows.
pub fn bind_sender(local: SocketAddrV4) -> io::Result<std::net::UdpSocket> {
    bind_connected(local, local)
}

/// The local addresses `config` needs port 1701 on: each tunnel group's `local-gateway
/// address` (LNS) and each tunnel profile's `source-gateway address` (LAC), once each.
pub fn wanted_addresses(config: &RouterConfig) -> BTreeSet<Ipv4Addr> {
    let lns = config
        .l2tp
        .tunnel_groups
        .values()
        .filter_map(|group| group.local_address);
    let lac = config
        .tunnel_profiles
        .values()
        .flat_map(|profile| profile.tunnels.values())
        .filter_map(|tunnel| tunnel.source_gateway.address);
    lns.chain(lac).collect()
}

/// `cannot bind 127.0.0.2:1701: Address already in use`: the operator's sentence for a
/// bind failure, without Rust's `(os error 98)` suffix.
pub fn bind_error(address: SocketAddr, error: &io::Error) -> String {
    let reason = match error.raw_os_error() {
        Some(code) => nix::errno::Errno::from_raw(code).desc().to_string(),
        None => error.to_string(),
    };
    format!("cannot bind {address}: {reason}")
}

/// The address is not configured on this host (EADDRNOTAVAIL), as opposed to taken by
/// another program: the first may resolve itself when the interface comes up.
pub fn address_not_here(error: &io::Error) -> bool {
    error.raw_os_error() == Some(nix::errno::Errno::EADDRNOTAVAIL as i32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use schema::typed::router_config;

    fn config(lines: &str) -> RouterConfig {
        crate::engine::config_from_set_lines(lines)
    }

    #[test]
    fn lac_and_lns_addresses_deduplicated() {
        let c = config(
            "set access tunnel-profile a tunnel 1 source-gateway address 127.0.0.1\n\
             set access tunnel-profile a tunnel 1 remote-gateway address 127.0.0.2\n\
             set access tunnel-profile b tunnel 1 source-gateway address 127.0.0.1\n\
             set access tunnel-profile b tunnel 1 remote-gateway address 127.0.0.3\n\
             set services l2tp tunnel-group g local-gateway address 127.0.0.4\n",
        );
        let wanted: Vec<Ipv4Addr> = wanted_addresses(&c).into_iter().collect();
        assert_eq!(
            wanted,
            [Ipv4Addr::new(127, 0, 0, 1), Ipv4Addr::new(127, 0, 0, 4)]
        );
        assert!(wanted_addresses(&router_config(&schema::tree::Node::default())).is_empty());
    }

    #[test]
    fn a_tunnel_socket_takes_its_peer_datagrams_from_the_listener() {
        let local = SocketAddrV4::new(Ipv4Addr::new(127, 0, 5, 1), 0);
        let listener = std::net::UdpSocket::bind(local).expect("bind the listener");
        share_port(&listener);
        let local = match listener.local_addr().expect("bound") {
            SocketAddr::V4(a) => a,
            SocketAddr::V6(_) => unreachable!("bound to IPv4"),
        };
        let peer = std::net::UdpSocket::bind("127.0.5.2:0").expect("bind the peer");
        let other = std::net::UdpSocket::bind("127.0.5.3:0").expect("bind another");
        let SocketAddr::V4(peer_at) = peer.local_addr().expect("bound") else {
            unreachable!("bound to IPv4")
        };
        let tunnel = bind_tunnel(local, peer_at).expect("a tunnel socket beside the listener");
        tunnel.set_nonblocking(false).expect("blocking");
        for s in [&listener, &tunnel] {
            s.set_read_timeout(Some(std::time::Duration::from_secs(2)))
                .expect("timeout");
        }
        peer.send_to(b"tunnel", local).expect("send");
        other.send_to(b"stranger", local).expect("send");
        let mut buf = [0u8; 16];
        let (len, from) = tunnel.recv_from(&mut buf).expect("the peer's datagram");
        assert_eq!(
            (&buf[..len], from),
            (&b"tunnel"[..], SocketAddr::V4(peer_at))
        );
        let len = listener.recv(&mut buf).expect("the stranger's datagram");
        assert_eq!(&buf[..len], b"stranger");
        // Another program on the port is still refused, as before.
        let taken = std::net::UdpSocket::bind("127.0.5.4:0").expect("bind");
        share_port(&taken);
        let err = std::net::UdpSocket::bind(taken.local_addr().expect("bound"))
            .expect_err("a port held without SO_REUSEADDR on the new socket");
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
    }

    /// The data workers' sending socket: datagrams leave from the listener's address and
    /// port to whichever destination each names, and every datagram to that address still
    /// reaches the listener, none the sender.
    #[test]
    fn a_sender_beside_the_listener_sends_from_its_port_and_takes_nothing() {
        use crate::io::packet_socket::send_datagrams_to;
        use std::os::fd::AsFd;
        let listener = std::net::UdpSocket::bind("127.0.5.5:0").expect("bind the listener");
        share_port(&listener);
        let SocketAddr::V4(local) = listener.local_addr().expect("bound") else {
            unreachable!("bound to IPv4")
        };
        let sender = bind_sender(local).expect("a sender beside the listener");
        let peers: Vec<std::net::UdpSocket> = (6..8)
            .map(|i| std::net::UdpSocket::bind((Ipv4Addr::new(127, 0, 5, i), 0)).expect("peer"))
            .collect();
        let to: Vec<SocketAddrV4> = peers
            .iter()
            .map(|p| match p.local_addr().expect("bound") {
                SocketAddr::V4(a) => a,
                SocketAddr::V6(_) => unreachable!("bound to IPv4"),
            })
            .collect();
        let sent = send_datagrams_to(sender.as_fd(), [(&b"one"[..], to[0]), (&b"two"[..], to[1])])
            .expect("sendmmsg");
        assert_eq!(sent, 2);
        let mut buf = [0u8; 16];
        for (peer, expected) in peers.iter().zip([&b"one"[..], &b"two"[..]]) {
            peer.set_read_timeout(Some(std::time::Duration::from_secs(2)))
                .expect("timeout");
            let (len, from) = peer.recv_from(&mut buf).expect("the sender's datagram");
            assert_eq!((&buf[..len], from), (expected, SocketAddr::V4(local)));
            peer.send_to(b"reply", local).expect("reply");
        }
        listener
            .set_read_timeout(Some(std::time::Duration::from_secs(2)))
            .expect("timeout");
        for _ in 0..2 {
            let len = listener
                .recv(&mut buf)
                .expect("a reply reaches the listener");
            assert_eq!(&buf[..len], b"reply");
        }
        let taken = sender.recv(&mut buf).map_err(|e| e.kind());
        assert_eq!(
            taken,
            Err(io::ErrorKind::WouldBlock),
            "the sender took a datagram"
        );
    }

    #[test]
    fn bind_errors_read_as_sentences() {
        let e = io::Error::from_raw_os_error(nix::errno::Errno::EADDRINUSE as i32);
        assert_eq!(
            bind_error(
                SocketAddr::new(Ipv4Addr::new(127, 0, 0, 2).into(), 1701),
                &e
            ),
            "cannot bind 127.0.0.2:1701: Address already in use"
        );
        assert!(!address_not_here(&e));
        let missing = std::net::UdpSocket::bind("198.18.255.254:1701")
            .expect_err("the test address is not on this host");
        assert!(address_not_here(&missing), "{missing}");
    }
}
