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

/// Lets the data workers' sender ([`bind_sender`]) share port 1701 with a listening socket
/// bound before. Set after the listener's own bind, so that binding a port another program
/// holds still fails ("Address already in use") as it always did.
pub fn share_port(socket: &impl std::os::fd::AsFd) {
    use nix::sys::socket::{setsockopt, sockopt};
    if let Err(e) = setsockopt(socket, sockopt::ReuseAddr, &true) {
        tracing::debug!("l2tp: no sender beside this socket: {e}");
    }
}

/// A listener on port 1701 of one address: one socket for control and one for data per data
/// worker, all on that port in one SO_REUSEPORT group, among which the kernel itself steers
/// each datagram ([`steer`]): control (the T bit, RFC 2661 §3.1) to the control socket, data
/// by its Session ID to one of the data sockets. A flood of data, a tunnel's own included,
/// fills a data socket's buffer and never the one control waits in, whoever sends it.
///
/// Why no socket per tunnel (issue 15, item 1): a connected UDP socket per tunnel, as the
/// Linux kernel's L2TP keeps, takes that peer's control and data in one buffer, and the
/// kernel hands a connected socket its peer's datagrams before any SO_REUSEPORT group is
/// asked (`udp4_lib_lookup2` scores a connected match higher and skips the group's program).
/// Measured before this: a flood on the set-up LAC's own tunnel made 2,000 set-ups 32–200×
/// slower, its ICCNs dropped with the data (docs/performance.md). Steering by Session ID also
/// spreads one tunnel's sessions over every worker, where a socket per tunnel gave a whole
/// tunnel (often every subscriber of a LAC) to one.
pub struct Listener {
    /// The data sockets, worker 0's first: data messages, and anything too short to have a
    /// T bit, land on the first. The engine sends its control from it.
    pub data: Vec<std::net::UdpSocket>,
    /// Control messages only.
    pub control: std::net::UdpSocket,
}

/// Binds [`Listener`]'s sockets on `at` (port 0: an ephemeral port, all on it), with
/// `data_sockets` data sockets (at least one). They join one SO_REUSEPORT group in the order
/// [`steer`] counts them: the first data socket, the control socket, then the other data
/// sockets. All share the port with the data workers' sender afterwards ([`share_port`]).
///
/// A port anyone holds is refused ("Address already in use"), as a plain bind refused it:
/// a plain socket is bound and closed first. Without that, a second l2tpd (root, as this
/// one) would join this one's SO_REUSEPORT group, start as if it listened, and never be
/// handed a datagram.
pub fn bind_listener(at: SocketAddrV4, data_sockets: usize) -> io::Result<Listener> {
    if at.port() != 0 {
        drop(std::net::UdpSocket::bind(at)?);
    }
    let first = bind_sharing(at, Sharing::Port)?;
    let at = match first.local_addr()? {
        SocketAddr::V4(bound) => bound,
        SocketAddr::V6(_) => unreachable!("bound to IPv4"),
    };
    let control = bind_sharing(at, Sharing::Port)?;
    prepare(&first);
    prepare(&control);
    let mut data = vec![first];
    data.extend(more_data_sockets(at, data_sockets.max(1) - 1)?);
    steer(&control, data.len())?;
    Ok(Listener { data, control })
}

/// `count` more data sockets for the listener on `at`, joining its group after those there
/// (a data worker pool grown at a commit); [`steer`] with the new count then hands them
/// their share. A group shrinks from its end: the last data sockets are closed after the
/// program that no longer names them is in place, so no other socket changes its place.
///
/// SO_REUSEADDR is set before their bind, not after as for the first ones: the data workers'
/// sender ([`bind_sender`]) is on the port by now, with SO_REUSEADDR and outside the group,
/// and the kernel refuses a socket beside it that does not share the port that way too.
pub fn more_data_sockets(at: SocketAddrV4, count: usize) -> io::Result<Vec<std::net::UdpSocket>> {
    (0..count)
        .map(|_| {
            let socket = bind_sharing(at, Sharing::AddressAndPort)?;
            enlarge_receive_buffer(&socket);
            Ok(socket)
        })
        .collect()
}

fn prepare(socket: &std::net::UdpSocket) {
    enlarge_receive_buffer(socket);
    share_port(socket);
}

/// How a socket shares its port, set before its bind.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sharing {
    /// SO_REUSEADDR.
    Address,
    /// SO_REUSEPORT: it joins the port's group.
    Port,
    /// Both.
    AddressAndPort,
}

/// A non-blocking IPv4 UDP socket on `at`, sharing it as `sharing` says.
fn bind_sharing(at: SocketAddrV4, sharing: Sharing) -> io::Result<std::net::UdpSocket> {
    use nix::sys::socket::{
        bind, setsockopt, socket, sockopt, AddressFamily, SockFlag, SockType, SockaddrIn,
    };
    use std::os::fd::AsRawFd;
    let fd = socket(
        AddressFamily::Inet,
        SockType::Datagram,
        SockFlag::SOCK_NONBLOCK | SockFlag::SOCK_CLOEXEC,
        None,
    )?;
    if sharing != Sharing::Port {
        setsockopt(&fd, sockopt::ReuseAddr, &true)?;
    }
    if sharing != Sharing::Address {
        setsockopt(&fd, sockopt::ReusePort, &true)?;
    }
    bind(fd.as_raw_fd(), &SockaddrIn::from(at))?;
    Ok(std::net::UdpSocket::from(fd))
}

/// The data socket (of `data_sockets`) the kernel gives a datagram: what [`steer`]'s program
/// computes, written out for the tests that check the program and predict each worker's
/// share. `None` for control.
#[cfg(test)]
pub(super) fn data_socket_of(datagram: &[u8], data_sockets: usize) -> Option<usize> {
    let first = *datagram.first()?;
    if first & 0x80 != 0 {
        return None;
    }
    let at = if first & 0x40 != 0 { 6 } else { 4 };
    let Some(session) = datagram.get(at..at + 2) else {
        return Some(0);
    };
    let session = usize::from(u16::from_be_bytes([session[0], session[1]]));
    Some(session % data_sockets.max(1))
}

/// Attaches to `socket`'s SO_REUSEPORT group the classic BPF program that picks the socket
/// for each datagram, replacing the one there. The kernel runs it with the UDP header pulled,
/// so offset 0 is the L2TP header's first octet: T set (control) picks index 1, the control
/// socket; otherwise the Session ID (at 6 with the Length bit, at 4 without) modulo
/// `data_sockets` picks data socket k, at index 0 for k = 0 and k + 1 after. A datagram too
/// short to load from ends the program with 0: the first data socket, never control. One
/// session's data always lands on one socket, so it stays in order.
pub fn steer(socket: &impl std::os::fd::AsFd, data_sockets: usize) -> io::Result<()> {
    use libc::{sock_filter, sock_fprog};
    use libc::{BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_B, BPF_H, BPF_JA, BPF_JEQ, BPF_JMP};
    use libc::{BPF_JSET, BPF_K, BPF_LD, BPF_MOD, BPF_RET};
    use nix::sys::socket::{setsockopt, sockopt};
    let op = |code: u32, k: u32, jt: u8, jf: u8| sock_filter {
        code: code as u16,
        jt,
        jf,
        k,
    };
    let modulus = u32::try_from(data_sockets.max(1)).unwrap_or(u32::MAX);
    let control = 1;
    let mut program = [
        /* 0 */ op(BPF_LD | BPF_B | BPF_ABS, 0, 0, 0),
        /* 1 */ op(BPF_JMP | BPF_JSET | BPF_K, 0x80, 8, 0), // T: to 10
        /* 2 */ op(BPF_JMP | BPF_JSET | BPF_K, 0x40, 0, 2), // L: 3, else 5
        /* 3 */ op(BPF_LD | BPF_H | BPF_ABS, 6, 0, 0),
        /* 4 */ op(BPF_JMP | BPF_JA, 1, 0, 0), // to 6
        /* 5 */ op(BPF_LD | BPF_H | BPF_ABS, 4, 0, 0),
        /* 6 */ op(BPF_ALU | BPF_MOD | BPF_K, modulus, 0, 0),
        /* 7 */ op(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), // k = 0: to 9
        /* 8 */ op(BPF_ALU | BPF_ADD | BPF_K, 1, 0, 0),
        /* 9 */ op(BPF_RET | BPF_A, 0, 0, 0),
        /* 10 */ op(BPF_RET | BPF_K, control, 0, 0),
    ];
    // The kernel copies the program during the call; `program` outlives it.
    let fprog = sock_fprog {
        len: program.len() as u16,
        filter: program.as_mut_ptr(),
    };
    setsockopt(socket, sockopt::AttachReusePortCbpf, &fprog)?;
    Ok(())
}

/// A socket for the data workers to send L2TP from, beside the engine's listener on `local`
/// (port 1701, shared), that no epoll watches: when the kernel frees a sent datagram it wakes
/// whoever waits on the sending socket (`sock_def_write_space`), and the listener's sockets
/// are watched by the workers' and the engine's epolls, so every relayed datagram would wake
/// a thread. Connected to its own address and port, which no peer sends from, it is delivered
/// nothing; each send names its destination (sendmmsg's msg_name), which a connected UDP
/// socket allows. Not in the listener's SO_REUSEPORT group (SO_REUSEADDR only): a connected
/// socket in the group would turn its steering off.
pub fn bind_sender(local: SocketAddrV4) -> io::Result<std::net::UdpSocket> {
    let socket = bind_sharing(local, Sharing::Address)?;
    socket.connect(local)?;
    Ok(socket)
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

    /// A data message of `session` (L bit set or not), `len` octets.
    fn data(session: u16, with_length: bool, len: usize) -> Vec<u8> {
        let mut d = if with_length {
            vec![0x40, 0x02, 0, 0, 0, 9]
        } else {
            vec![0x00, 0x02, 0, 9]
        };
        d.extend(session.to_be_bytes());
        d.resize(len.max(d.len()), 0);
        d
    }

    fn bind(address: [u8; 4], data_sockets: usize) -> (Listener, SocketAddrV4) {
        let listener = bind_listener(SocketAddrV4::new(Ipv4Addr::from(address), 0), data_sockets)
            .expect("bind");
        let at = v4(&listener.data[0]);
        for socket in listener.data.iter().chain([&listener.control]) {
            assert_eq!(v4(socket), at, "one port");
        }
        (listener, at)
    }

    #[test]
    fn a_listener_takes_control_and_data_on_sockets_of_their_own() {
        let (listener, at) = bind([127, 0, 5, 9], 1);
        let peer = std::net::UdpSocket::bind("127.0.5.10:0").expect("bind the peer");
        let sent: [&[u8]; 5] = [&CONTROL, &DATA, &[0x00, 0x02], &[0x80], &[]];
        for datagram in sent {
            peer.send_to(datagram, at).expect("send");
        }
        // Loopback delivers within the send call; the reads need not wait.
        assert_eq!(drain(&listener.control), [CONTROL.to_vec(), vec![0x80]]);
        assert_eq!(
            drain(&listener.data[0]),
            [DATA.to_vec(), vec![0x00, 0x02], vec![]],
            "data, and what has no T bit, to the data socket"
        );
        // Another program on the port is still refused, and so is a second listener of
        // ours (another l2tpd): it would join the SO_REUSEPORT group and be handed nothing.
        let err = std::net::UdpSocket::bind(at).expect_err("the port is ours");
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
        let second = bind_listener(at, 1).map(drop).map_err(|e| e.kind());
        assert_eq!(second, Err(io::ErrorKind::AddrInUse), "a second listener");
    }

    /// Each session's data lands on the data socket [`data_socket_of`] names, with or
    /// without the Length bit, whoever sends it; control on the control socket.
    #[test]
    fn data_is_steered_by_session_to_the_socket_data_socket_of_names() {
        let (listener, at) = bind([127, 0, 5, 14], 3);
        let peers: Vec<std::net::UdpSocket> = (15..17)
            .map(|i| std::net::UdpSocket::bind((Ipv4Addr::new(127, 0, 5, i), 0)).expect("peer"))
            .collect();
        let mut expected = vec![Vec::new(); 3];
        for session in [0u16, 1, 2, 3, 4, 5, 7, 100, 65535] {
            for (k, with_length) in [(0, true), (1, false)] {
                let d = data(session, with_length, 20);
                peers[k].send_to(&d, at).expect("send");
                let socket = data_socket_of(&d, 3).expect("data");
                assert_eq!(socket, usize::from(session) % 3);
                expected[socket].push(d);
            }
            peers[1].send_to(&CONTROL, at).expect("send");
        }
        // Too short for a Session ID: the first data socket.
        peers[0].send_to(&[0x40, 0x02, 0, 9, 0], at).expect("send");
        expected[0].push(vec![0x40, 0x02, 0, 9, 0]);
        assert_eq!(data_socket_of(&[0x40, 0x02, 0, 9, 0], 3), Some(0));
        for (k, socket) in listener.data.iter().enumerate() {
            assert_eq!(drain(socket), expected[k], "data socket {k}");
        }
        assert_eq!(drain(&listener.control).len(), 9);
    }

    /// The point of it all (issue 15, item 1): one peer floods its own tunnel's data past
    /// what the data socket holds, and that same peer's control, sent from the same port in
    /// the middle of the flood, still arrives, all of it. With a connected socket per tunnel
    /// (the design before) both shared one buffer and the control went with the data.
    #[test]
    fn a_peers_control_arrives_while_its_own_data_overflows() {
        use nix::sys::socket::{getsockopt, sockopt};
        let (listener, at) = bind([127, 0, 5, 11], 2);
        let lac = std::net::UdpSocket::bind("127.0.5.12:0").expect("bind the LAC");
        // More 64-octet datagrams than the buffer's bytes could hold at one octet each:
        // bounded, and certain to overflow it.
        let buffer = getsockopt(&listener.data[1], sockopt::RcvBuf).expect("SO_RCVBUF");
        let flood = buffer / 64 + 1;
        let datagram = data(1, true, 64);
        let mut sccrq = [0u8; 64];
        sccrq[..2].copy_from_slice(&CONTROL);
        for i in 0..flood {
            lac.send_to(&datagram, at).expect("send");
            if i % (flood / 10) == 0 {
                lac.send_to(&sccrq, at).expect("send");
            }
        }
        let control = drain(&listener.control);
        let flooded = drain(&listener.data[1]);
        assert!(
            flooded.len() < flood,
            "the data buffer overflowed: {} of {flood}",
            flooded.len()
        );
        assert!(
            drain(&listener.data[0]).is_empty(),
            "another session's socket"
        );
        assert_eq!(control.len(), 11, "every control datagram arrived");
        assert!(control.iter().all(|d| d[..] == sccrq[..]));
    }

    /// A pool grown at a commit: more data sockets join the group and the program is
    /// replaced; shrunk: the program first, then the last sockets close. The others keep
    /// their places, so each session's data still lands where [`data_socket_of`] says.
    #[test]
    fn the_data_sockets_grow_and_shrink_from_the_end() {
        let (mut listener, at) = bind([127, 0, 5, 17], 1);
        let peer = std::net::UdpSocket::bind("127.0.5.18:0").expect("peer");
        let check = |listener: &Listener| {
            let n = listener.data.len();
            for session in 0..8u16 {
                peer.send_to(&data(session, true, 12), at).expect("send");
            }
            peer.send_to(&CONTROL, at).expect("send");
            for (k, socket) in listener.data.iter().enumerate() {
                let sessions: Vec<u16> = drain(socket)
                    .iter()
                    .map(|d| u16::from_be_bytes([d[6], d[7]]))
                    .collect();
                let expected: Vec<u16> = (0..8).filter(|s| usize::from(*s) % n == k).collect();
                assert_eq!(sessions, expected, "socket {k} of {n}");
            }
            assert_eq!(drain(&listener.control), [CONTROL.to_vec()]);
        };
        check(&listener);
        // The data workers' sender is on the port by then (and refused the new sockets
        // before they set SO_REUSEADDR too: a commit's "Address already in use").
        let _sender = bind_sender(at).expect("the sender");
        listener
            .data
            .extend(more_data_sockets(at, 3).expect("three more"));
        steer(&listener.control, 4).expect("steer over four");
        check(&listener);
        steer(&listener.control, 2).expect("steer over two");
        drop(listener.data.split_off(2));
        check(&listener);
    }

    /// The data workers' sending socket: datagrams leave from the listener's address and
    /// port to whichever destination each names, and every datagram to that address still
    /// reaches the listener, none the sender.
    #[test]
    fn a_sender_beside_the_listener_sends_from_its_port_and_takes_nothing() {
        use crate::io::packet_socket::send_datagrams_to;
        use std::os::fd::AsFd;
        let (Listener { data, control: _ }, local) = bind([127, 0, 5, 5], 1);
        let listener = &data[0];
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
        listener.set_nonblocking(false).expect("blocking");
        listener
            .set_read_timeout(Some(std::time::Duration::from_secs(2)))
            .expect("timeout");
        // Too short for a Session ID, the replies land on the first data socket.
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
