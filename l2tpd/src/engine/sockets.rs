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

/// A listener on port 1701 of one address: two sockets on that port, among which the kernel
/// itself steers each datagram by its L2TP T bit (RFC 2661 §3.1), so that a flood of data
/// (a peer's data from a port no tunnel's socket is connected to, or no tunnel's at all)
/// fills the data socket's buffer and never the one an SCCRQ waits in. Read by two
/// readers, each datagram is still classified as before; only the buffer it waits in is
/// chosen here. Seen first in CI: a data flood at 2.2 M datagrams/s on the listener left
/// every SCCRQ of a second LAC to the kernel's drops, and none of its 200 sessions came up.
pub struct Listener {
    /// Data messages, and anything too short to have a T bit. The engine sends from this
    /// one.
    pub data: std::net::UdpSocket,
    /// Control messages only.
    pub control: std::net::UdpSocket,
}

/// Binds [`Listener`]'s two sockets on `at` (port 0: an ephemeral port, both on it). Both
/// join one SO_REUSEPORT group, data first: the group's steering program returns a socket's
/// index in the group, in the order they joined. Both share the port with the tunnels'
/// sockets afterwards ([`share_port`]).
///
/// A port anyone holds is refused ("Address already in use"), as a plain bind refused it:
/// a plain socket is bound and closed first. Without that, a second l2tpd (root, as this
/// one) would join this one's SO_REUSEPORT group, start as if it listened, and never be
/// handed a datagram.
pub fn bind_listener(at: SocketAddrV4) -> io::Result<Listener> {
    if at.port() != 0 {
        drop(std::net::UdpSocket::bind(at)?);
    }
    let data = bind_reuse_port(at)?;
    let at = match data.local_addr()? {
        SocketAddr::V4(bound) => bound,
        SocketAddr::V6(_) => unreachable!("bound to IPv4"),
    };
    let control = bind_reuse_port(at)?;
    steer_by_t_bit(&control)?;
    for socket in [&data, &control] {
        enlarge_receive_buffer(socket);
        share_port(socket);
    }
    Ok(Listener { data, control })
}

/// A non-blocking UDP socket on `at` in a SO_REUSEPORT group.
fn bind_reuse_port(at: SocketAddrV4) -> io::Result<std::net::UdpSocket> {
    bind_sharing(at, nix::sys::socket::sockopt::ReusePort)
}

/// A non-blocking IPv4 UDP socket on `at`, with `sharing` (SO_REUSEADDR or SO_REUSEPORT)
/// set before the bind.
fn bind_sharing<S>(at: SocketAddrV4, sharing: S) -> io::Result<std::net::UdpSocket>
where
    S: nix::sys::socket::SetSockOpt<Val = bool>,
{
    use nix::sys::socket::{
        bind, setsockopt, socket, AddressFamily, SockFlag, SockType, SockaddrIn,
    };
    use std::os::fd::AsRawFd;
    let fd = socket(
        AddressFamily::Inet,
        SockType::Datagram,
        SockFlag::SOCK_NONBLOCK | SockFlag::SOCK_CLOEXEC,
        None,
    )?;
    setsockopt(&fd, sharing, &true)?;
    bind(fd.as_raw_fd(), &SockaddrIn::from(at))?;
    Ok(std::net::UdpSocket::from(fd))
}

/// Attaches to `socket`'s SO_REUSEPORT group the classic BPF program that picks the socket
/// for each datagram. The kernel runs it with the UDP header pulled, so offset 0 is the
/// L2TP header's first octet, whose top bit is T: 1 (control) picks index 1, 0 (data)
/// index 0. A datagram too short to load from ends the program with 0: the data socket.
fn steer_by_t_bit(socket: &impl std::os::fd::AsFd) -> io::Result<()> {
    use libc::{sock_filter, sock_fprog};
    use libc::{BPF_A, BPF_ABS, BPF_ALU, BPF_B, BPF_K, BPF_LD, BPF_RET, BPF_RSH};
    use nix::sys::socket::{setsockopt, sockopt};
    let op = |code: u32, k: u32| sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    };
    let mut program = [
        op(BPF_LD | BPF_B | BPF_ABS, 0),
        op(BPF_ALU | BPF_RSH | BPF_K, 7),
        op(BPF_RET | BPF_A, 0),
    ];
    // The kernel copies the program during the call; `program` outlives it.
    let fprog = sock_fprog {
        len: program.len() as u16,
        filter: program.as_mut_ptr(),
    };
    setsockopt(socket, sockopt::AttachReusePortCbpf, &fprog)?;
    Ok(())
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
    let socket = bind_sharing(local, nix::sys::socket::sockopt::ReuseAddr)?;
    socket.connect(remote)?;
    Ok(socket)
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
        let Listener {
            data: listener,
            control,
        } = bind_listener(local).expect("bind the listener");
        let local = v4(&listener);
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
        // The peer's control and data both reach its tunnel's socket, never the
        // listener's (bound before it, in a SO_REUSEPORT group the tunnel's is not in).
        for datagram in [CONTROL, DATA] {
            peer.send_to(&datagram, local).expect("send");
        }
        other.send_to(&DATA, local).expect("send");
        other.send_to(&CONTROL, local).expect("send");
        let mut buf = [0u8; 16];
        for expected in [CONTROL, DATA] {
            let (len, from) = tunnel.recv_from(&mut buf).expect("the peer's datagram");
            assert_eq!(
                (&buf[..len], from),
                (&expected[..], SocketAddr::V4(peer_at))
            );
        }
        assert_eq!(drain(&listener), [DATA.to_vec()], "the stranger's data");
        assert_eq!(
            drain(&control),
            [CONTROL.to_vec()],
            "the stranger's control"
        );
        // Another program on the port is still refused, as before.
        let taken = std::net::UdpSocket::bind("127.0.5.4:0").expect("bind");
        share_port(&taken);
        let err = std::net::UdpSocket::bind(taken.local_addr().expect("bound"))
            .expect_err("a port held without SO_REUSEADDR on the new socket");
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
    }

    /// An L2TP header's first two octets: control (T, L, S set) or data, version 2.
    const CONTROL: [u8; 2] = [0xc8, 0x02];
    const DATA: [u8; 2] = [0x40, 0x02];

    fn v4(socket: &std::net::UdpSocket) -> SocketAddrV4 {
        match socket.local_addr().expect("bound") {
            SocketAddr::V4(a) => a,
            SocketAddr::V6(_) => unreachable!("bound to IPv4"),
        }
    }

    /// Every datagram queued on `socket` now, without waiting.
    fn drain(socket: &std::net::UdpSocket) -> Vec<Vec<u8>> {
        socket.set_nonblocking(true).expect("non-blocking");
        let mut buf = [0u8; 2048];
        let mut taken = Vec::new();
        while let Ok(len) = socket.recv(&mut buf) {
            taken.push(buf[..len].to_vec());
        }
        taken
    }

    #[test]
    fn a_listener_takes_control_and_data_on_sockets_of_their_own() {
        let listener =
            bind_listener(SocketAddrV4::new(Ipv4Addr::new(127, 0, 5, 9), 0)).expect("bind");
        let at = v4(&listener.data);
        assert_eq!(v4(&listener.control), at, "one port");
        let peer = std::net::UdpSocket::bind("127.0.5.10:0").expect("bind the peer");
        let sent: [&[u8]; 5] = [&CONTROL, &DATA, &[0x00, 0x02], &[0x80], &[]];
        for datagram in sent {
            peer.send_to(datagram, at).expect("send");
        }
        // Loopback delivers within the send call; the reads need not wait.
        assert_eq!(drain(&listener.control), [CONTROL.to_vec(), vec![0x80]]);
        assert_eq!(
            drain(&listener.data),
            [DATA.to_vec(), vec![0x00, 0x02], vec![]],
            "data, and what has no T bit, to the data socket"
        );
        // Another program on the port is still refused, and so is a second listener of
        // ours (another l2tpd): it would join the SO_REUSEPORT group and be handed nothing.
        let err = std::net::UdpSocket::bind(at).expect_err("the port is ours");
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
        let second = bind_listener(at).map(drop).map_err(|e| e.kind());
        assert_eq!(second, Err(io::ErrorKind::AddrInUse), "a second listener");
    }

    /// The kernel-level separation itself: with the data socket's buffer overflowing (a
    /// flood nobody reads), control from another peer still arrives, all of it. With one
    /// socket for both (the steering program returning 0), none of it did.
    #[test]
    fn control_arrives_while_the_data_buffer_overflows() {
        use nix::sys::socket::{getsockopt, sockopt};
        let listener =
            bind_listener(SocketAddrV4::new(Ipv4Addr::new(127, 0, 5, 11), 0)).expect("bind");
        let at = v4(&listener.data);
        let flooder = std::net::UdpSocket::bind("127.0.5.12:0").expect("bind the flooder");
        let lac = std::net::UdpSocket::bind("127.0.5.13:0").expect("bind the LAC");
        // More 64-octet datagrams than the buffer's bytes could hold at one octet each:
        // bounded, and certain to overflow it.
        let buffer = getsockopt(&listener.data, sockopt::RcvBuf).expect("SO_RCVBUF");
        let mut datagram = [0u8; 64];
        datagram[..2].copy_from_slice(&DATA);
        let flood = buffer / 64 + 1;
        for _ in 0..flood {
            flooder.send_to(&datagram, at).expect("send");
        }
        let mut sccrq = [0u8; 64];
        sccrq[..2].copy_from_slice(&CONTROL);
        for _ in 0..10 {
            lac.send_to(&sccrq, at).expect("send");
        }
        let control = drain(&listener.control);
        let data = drain(&listener.data);
        assert!(
            data.len() < flood,
            "the data buffer overflowed: {} of {flood}",
            data.len()
        );
        assert_eq!(control.len(), 10, "every control datagram arrived");
        assert!(control.iter().all(|d| d[..] == sccrq[..]));
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
