//! Binding the daemon's own UDP client and agent sockets (SNMP agent and traps, RADIUS):
//! one place that knows the two things they all need beyond `bind(2)`.
//!
//! - An IPv6 socket takes IPv6 only (IPV6_V6ONLY), so that `listen-address [ 0.0.0.0 :: ]`
//!   are two sockets on one port, as snmpd's `udp:161,udp6:161` are, and an IPv4 peer is
//!   seen with its IPv4 address.
//! - A socket for a routing instance is bound to its VRF device first (SO_BINDTODEVICE),
//!   which puts it in that VRF's routing table, as `ip vrf exec` does. A device that is not
//!   there is an error (ENODEV), never a socket left in the main table.

use std::net::SocketAddr;

use tokio::net::UdpSocket;

/// A non-blocking UDP socket on `at`, in network device `device`'s table when given.
pub(super) fn bind_udp(at: SocketAddr, device: Option<&str>) -> std::io::Result<UdpSocket> {
    UdpSocket::from_std(bind_std_udp(at, device)?)
}

/// [`bind_udp`] without the runtime: a std socket (non-blocking all the same).
pub(super) fn bind_std_udp(
    at: SocketAddr,
    device: Option<&str>,
) -> std::io::Result<std::net::UdpSocket> {
    use nix::sys::socket::{self, sockopt, AddressFamily, SockFlag, SockType};
    use nix::sys::socket::{SockaddrIn, SockaddrIn6};
    use std::os::fd::AsRawFd;
    let family = match at {
        SocketAddr::V4(_) => AddressFamily::Inet,
        SocketAddr::V6(_) => AddressFamily::Inet6,
    };
    let fd = socket::socket(
        family,
        SockType::Datagram,
        SockFlag::SOCK_NONBLOCK | SockFlag::SOCK_CLOEXEC,
        None,
    )?;
    if let Some(device) = device {
        socket::setsockopt(
            &fd,
            sockopt::BindToDevice,
            &std::ffi::OsString::from(device),
        )?;
    }
    match at {
        SocketAddr::V4(v4) => socket::bind(fd.as_raw_fd(), &SockaddrIn::from(v4))?,
        SocketAddr::V6(v6) => {
            socket::setsockopt(&fd, sockopt::Ipv6V6Only, &true)?;
            socket::bind(fd.as_raw_fd(), &SockaddrIn6::from(v6))?
        }
    }
    Ok(std::net::UdpSocket::from(fd))
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::sys::socket::{getsockopt, sockopt};
    use std::net::Ipv4Addr;

    /// SO_BINDTODEVICE needs CAP_NET_RAW: root (CI) runs this; elsewhere it says why.
    #[tokio::test]
    async fn a_socket_in_a_routing_instance_is_bound_to_its_device() {
        if !nix::unistd::Uid::effective().is_root() {
            eprintln!("skipped: binding a socket to a device needs root");
            return;
        }
        let at = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let bound = bind_udp(at, Some("lo")).expect("bind to lo");
        assert_eq!(
            getsockopt(&bound, sockopt::BindToDevice).unwrap(),
            std::ffi::OsString::from("lo")
        );
        let plain = bind_udp(at, None).expect("bind");
        assert_eq!(
            getsockopt(&plain, sockopt::BindToDevice).unwrap(),
            std::ffi::OsString::new()
        );
        // A VRF device that is not there (no VRF support, say): an error, not a socket
        // in the main table.
        let missing = bind_udp(at, Some("vrf-missing")).expect_err("no such device");
        assert_eq!(
            missing.raw_os_error(),
            Some(nix::errno::Errno::ENODEV as i32)
        );
    }

    #[tokio::test]
    async fn an_ipv6_socket_takes_ipv6_only() {
        let Ok(socket) = bind_udp(SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, 0)), None)
        else {
            eprintln!("skipped: no IPv6 loopback here");
            return;
        };
        assert!(getsockopt(&socket, sockopt::Ipv6V6Only).unwrap());
    }
}
