//! AF_PACKET endpoint for PPPoE (RFC 2516) on one host interface, and the other few calls the
//! kernel only offers through raw pointers: recvmmsg/sendmmsg, interface ioctls, and tokio's
//! fd registration. Every `unsafe` block of the daemon lives in this file, but for the
//! receive ring's mapping (`rx_ring`).
//!
//! Why one ETH_P_ALL socket with a BPF filter, not two sockets bound to 0x8863 / 0x8864: a
//! tagged frame arriving on an interface that has no kernel VLAN device for its VID has its tag
//! cleared (and is marked PACKET_OTHERHOST) before protocol-specific sockets see it
//! (`__netif_receive_skb_core`), so a `vlan-id` unit would never get its frames. ETH_P_ALL taps
//! see the frame first, with the stripped outer tag still in PACKET_AUXDATA. The classic BPF
//! filter keeps everything that is not PPPoE (behind up to two tags) in the kernel.
//!
//! Frames for other hosts (PACKET_OTHERHOST, seen on a promiscuous interface) are delivered,
//! not dropped: the subscriber emulator speaks for many MACs and needs them; the access
//! concentrator's discovery and session code judge the destination MAC themselves.
#![allow(unsafe_code)]

use std::ffi::CString;
use std::io;
use std::mem::{size_of, zeroed};
use std::net::{SocketAddr, SocketAddrV4};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use libc::{c_int, c_void};
use tokio::io::unix::AsyncFd;

use super::datagram_batch::DatagramBatch;
use super::frame_batch::FrameBatch;
use super::frame_endpoint::{FrameEndpoint, ReceiveDrops};
use super::rx_ring::{RingSize, RxRing};
use super::vlan_auxdata::PacketAuxdata;
use crate::pppoe::wire::MacAddr;

/// Messages per recvmmsg/sendmmsg call. The headers live on the stack (about 10 KiB), so a
/// call allocates nothing; a larger [`FrameBatch`] is filled 64 frames per call.
pub const MAX_MESSAGES_PER_CALL: usize = 64;

/// The receive buffer asked for: a burst of PADIs from a whole access network after an
/// outage, or a PADT from each of 20,000 subscribers, must wait here while the engine works
/// through them (each frame costs ~1.3 KiB of buffer as the kernel accounts it; 4 MiB held
/// about 3,000 and the rest of a 20,000-PADT burst was dropped, leaving stale sessions).
const RECEIVE_BUFFER_BYTES: c_int = 64 << 20;
/// The send buffer of [`PacketSocket::sender`].
const SEND_BUFFER_BYTES: c_int = 4 << 20;

/// Room for one `cmsghdr` + `tpacket_auxdata` (16 + 20 bytes on 64-bit), with slack; aligned
/// as `CMSG_FIRSTHDR` requires.
#[repr(C, align(8))]
#[derive(Clone, Copy)]
struct ControlSpace([u8; 64]);

/// A non-blocking AF_PACKET SOCK_RAW socket bound to one interface by ifindex, receiving
/// PPPoE discovery and session frames, untagged, 802.1Q-tagged or QinQ-tagged, exactly as
/// they were on the wire.
#[derive(Debug)]
pub struct PacketSocket {
    /// Declared before `fd`: unmapped before the socket closes (either order is sound).
    ring: Option<RxRing>,
    fd: OwnedFd,
    ifindex: u32,
    drops: ReceiveDrops,
}

/// Why [`PacketSocket::open_as`] failed: the receive ring (the caller may open a plain
/// socket instead), or anything else.
enum RingOrOpen {
    Ring(io::Error),
    Open(io::Error),
}

impl From<io::Error> for RingOrOpen {
    fn from(e: io::Error) -> Self {
        RingOrOpen::Open(e)
    }
}

/// A non-blocking AF_PACKET socket of protocol 0: it receives nothing until bound to a
/// protocol, so a filter is in place before the first frame, and a send-only socket stays
/// silent.
fn raw_packet_socket() -> io::Result<OwnedFd> {
    // SAFETY: plain syscall with constant arguments; the result is checked below.
    let raw = unsafe {
        libc::socket(
            libc::AF_PACKET,
            libc::SOCK_RAW | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            0,
        )
    };
    if raw < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `raw` is a descriptor we just opened and own exclusively.
    Ok(unsafe { OwnedFd::from_raw_fd(raw) })
}

impl PacketSocket {
    /// Opens the socket on `interface` (a host interface name such as `eth1` or a veth end).
    /// Needs CAP_NET_RAW.
    pub fn open(interface: &str) -> io::Result<PacketSocket> {
        Self::open_as(interface, None).map_err(|e| match e {
            RingOrOpen::Ring(e) | RingOrOpen::Open(e) => e,
        })
    }

    /// [`PacketSocket::open`] with a TPACKET_V3 receive ring of `size` ([`RxRing`]), set up
    /// before the socket is bound, so no frame waits in the socket's queue where a ring
    /// reader would never look. When the ring cannot be had (an old kernel, no memory, a
    /// refused option) the socket is the plain recvmmsg one, and the second value says why.
    pub fn open_with_ring(
        interface: &str,
        size: RingSize,
    ) -> io::Result<(PacketSocket, Option<io::Error>)> {
        match Self::open_as(interface, Some(size)) {
            Ok(socket) => Ok((socket, None)),
            // The socket that failed is closed: a half-made ring stays with it.
            Err(RingOrOpen::Ring(why)) => Ok((Self::open(interface)?, Some(why))),
            Err(RingOrOpen::Open(e)) => Err(e),
        }
    }

    /// Whether frames are read from a receive ring rather than with recvmmsg.
    pub fn has_ring(&self) -> bool {
        self.ring.is_some()
    }

    fn open_as(interface: &str, ring: Option<RingSize>) -> Result<PacketSocket, RingOrOpen> {
        let ifindex = interface_index(interface)?;
        // Protocol 0 receives nothing until bind(): the filter is in place before the first
        // frame can be queued, so no stray frame of another protocol slips in.
        let fd = raw_packet_socket()?;
        let filter = libc::sock_fprog {
            len: PPPOE_FILTER.len() as u16,
            filter: PPPOE_FILTER.as_ptr() as *mut libc::sock_filter,
        };
        set_option(
            fd.as_fd(),
            libc::SOL_SOCKET,
            libc::SO_ATTACH_FILTER,
            &filter,
        )?;
        set_option(
            fd.as_fd(),
            libc::SOL_PACKET,
            libc::PACKET_AUXDATA,
            &1 as &c_int,
        )?;
        // Our own transmissions are not subscriber input. Linux < 4.20 lacks the option; the
        // receive path also drops PACKET_OUTGOING, so failing here is harmless.
        let _ = set_option(
            fd.as_fd(),
            libc::SOL_PACKET,
            libc::PACKET_IGNORE_OUTGOING,
            &1 as &c_int,
        );
        // FORCE goes past net.core.rmem_max when we are root; otherwise take what is allowed.
        set_buffer(
            fd.as_fd(),
            libc::SO_RCVBUFFORCE,
            libc::SO_RCVBUF,
            RECEIVE_BUFFER_BYTES,
        );
        // Before bind: from the first frame on, the kernel writes into the ring.
        let ring = match ring {
            Some(size) => Some(RxRing::attach(fd.as_fd(), size).map_err(RingOrOpen::Ring)?),
            None => None,
        };
        bind_to_interface(fd.as_fd(), ifindex, (libc::ETH_P_ALL as u16).to_be())
            .map_err(|e| with_interface(e, interface))?;
        Ok(PacketSocket {
            ring,
            fd,
            ifindex,
            drops: ReceiveDrops::default(),
        })
    }

    pub fn ifindex(&self) -> u32 {
        self.ifindex
    }

    /// Makes this socket the first member of a new fan-out group (issue 15, item 2: the
    /// PPPoE port read by every data worker, one socket each) and returns the group's id,
    /// chosen by the kernel (PACKET_FANOUT_FLAG_UNIQUEID: ids are global in the namespace,
    /// and another port or process may hold any we would pick). The group demultiplexes
    /// with [`PPPOE_FANOUT`]: the PPPoE session ID modulo the members, so one session's
    /// frames (its PPP control and data alike) are read by one worker and stay in order;
    /// discovery and anything else go to the first member.
    pub fn start_fanout(&self) -> io::Result<u16> {
        let flags = PACKET_FANOUT_CBPF | PACKET_FANOUT_FLAG_IGNORE_OUTGOING;
        let mode = ((flags | PACKET_FANOUT_FLAG_UNIQUEID) << 16) as c_int;
        set_option(self.fd.as_fd(), libc::SOL_PACKET, PACKET_FANOUT, &mode)?;
        let mut value: c_int = 0;
        let mut length = size_of::<c_int>() as libc::socklen_t;
        // SAFETY: the pointer and length describe `value`, alive for the call; the kernel
        // writes one int for PACKET_FANOUT (id | type << 16 | flags << 24).
        let result = unsafe {
            libc::getsockopt(
                self.fd.as_raw_fd(),
                libc::SOL_PACKET,
                PACKET_FANOUT,
                (&mut value as *mut c_int).cast(),
                &mut length,
            )
        };
        if result < 0 {
            return Err(io::Error::last_os_error());
        }
        let program = libc::sock_fprog {
            len: PPPOE_FANOUT.len() as u16,
            filter: PPPOE_FANOUT.as_ptr() as *mut libc::sock_filter,
        };
        set_option(
            self.fd.as_fd(),
            libc::SOL_PACKET,
            PACKET_FANOUT_DATA,
            &program,
        )?;
        Ok((value & 0xffff) as u16)
    }

    /// Joins the fan-out group `group` that [`PacketSocket::start_fanout`] made on another
    /// socket of the same interface.
    pub fn join_fanout(&self, group: u16) -> io::Result<()> {
        let flags = PACKET_FANOUT_CBPF | PACKET_FANOUT_FLAG_IGNORE_OUTGOING;
        let mode = ((flags << 16) | u32::from(group)) as c_int;
        set_option(self.fd.as_fd(), libc::SOL_PACKET, PACKET_FANOUT, &mode)
    }

    /// Stops taking frames (a filter that keeps none), while still sending and reading the
    /// interface's facts: the engine's socket of a port whose frames the workers' fan-out
    /// group reads. Frames queued before stay to be read.
    pub fn stop_receiving(&self) -> io::Result<()> {
        let filter = libc::sock_fprog {
            len: REJECT_ALL.len() as u16,
            filter: REJECT_ALL.as_ptr() as *mut libc::sock_filter,
        };
        set_option(
            self.fd.as_fd(),
            libc::SOL_SOCKET,
            libc::SO_ATTACH_FILTER,
            &filter,
        )
    }

    /// A second socket on the same interface that only sends: the data workers' sending
    /// end for the relay (profiled, docs/performance.md). A duplicate of this descriptor
    /// would share this socket, which tokio's epoll watches for writability: then every
    /// sent frame, when the kernel frees it, wakes that epoll (`sock_def_write_space`,
    /// 6 % of a worker's CPU on the LAC path). Protocol 0: it receives nothing.
    pub fn sender(&self) -> io::Result<OwnedFd> {
        let fd = raw_packet_socket()?;
        // Room for the frames a batch leaves in a NIC's queue (4 MiB, as for receiving: the
        // default ~200 KiB holds ~150 full frames, fewer than two batches of 64 at 1,500).
        set_buffer(
            fd.as_fd(),
            libc::SO_SNDBUFFORCE,
            libc::SO_SNDBUF,
            SEND_BUFFER_BYTES,
        );
        // Protocol 0: bound to the interface for sending, it receives nothing.
        bind_to_interface(fd.as_fd(), self.ifindex, 0)?;
        Ok(fd)
    }

    /// Frames the kernel delivered that never reached the caller, by reason.
    pub fn drops(&self) -> ReceiveDrops {
        self.drops
    }

    /// Receives up to `out.capacity()` (at most [`MAX_MESSAGES_PER_CALL`]) frames in one
    /// recvmmsg call into the batch's reused buffers. Returns how many frames `out` now holds
    /// (0 when every message was dropped); `WouldBlock` when nothing was queued.
    pub fn recv_batch(&mut self, out: &mut FrameBatch) -> io::Result<usize> {
        if let Some(ring) = &mut self.ring {
            return ring.recv_batch(out, &mut self.drops);
        }
        out.clear();
        let wanted = out.capacity().min(MAX_MESSAGES_PER_CALL);
        // SAFETY: iovec, sockaddr_ll, mmsghdr are plain data (integers and raw pointers);
        // all-zero is valid for each.
        let mut iovecs: [libc::iovec; MAX_MESSAGES_PER_CALL] = unsafe { zeroed() };
        let mut addresses: [libc::sockaddr_ll; MAX_MESSAGES_PER_CALL] = unsafe { zeroed() };
        let mut headers: [libc::mmsghdr; MAX_MESSAGES_PER_CALL] = unsafe { zeroed() };
        let mut controls = [ControlSpace([0; 64]); MAX_MESSAGES_PER_CALL];
        for (iovec, area) in iovecs.iter_mut().zip(out.receive_areas().take(wanted)) {
            iovec.iov_base = area.as_mut_ptr().cast();
            iovec.iov_len = area.len();
        }
        for (i, header) in headers.iter_mut().enumerate().take(wanted) {
            header.msg_hdr.msg_name = (&mut addresses[i] as *mut libc::sockaddr_ll).cast();
            header.msg_hdr.msg_namelen = size_of::<libc::sockaddr_ll>() as libc::socklen_t;
            header.msg_hdr.msg_iov = &mut iovecs[i];
            header.msg_hdr.msg_iovlen = 1;
            header.msg_hdr.msg_control = controls[i].0.as_mut_ptr().cast();
            header.msg_hdr.msg_controllen = size_of::<ControlSpace>() as _;
        }
        // SAFETY: `headers[..wanted]` point at iovecs, addresses and control buffers that live
        // until the end of this function, and each iovec at a distinct slot of `out`, which
        // is not touched until the call returns.
        let received = unsafe {
            libc::recvmmsg(
                self.fd.as_raw_fd(),
                headers.as_mut_ptr(),
                wanted as libc::c_uint,
                libc::MSG_DONTWAIT,
                std::ptr::null_mut(),
            )
        };
        if received < 0 {
            return Err(io::Error::last_os_error());
        }
        for (i, header) in headers.iter().enumerate().take(received as usize) {
            if addresses[i].sll_pkttype == libc::PACKET_OUTGOING {
                self.drops.outgoing += 1;
                continue;
            }
            let len = header.msg_len as usize;
            if header.msg_hdr.msg_flags & libc::MSG_TRUNC != 0 || len > out.max_frame_len() {
                self.drops.truncated += 1;
                continue;
            }
            let tag = auxdata(&header.msg_hdr).and_then(|aux| aux.stripped_tag());
            if !out.deliver_received(i, len, tag) {
                self.drops.malformed += 1;
            }
        }
        Ok(out.len())
    }

    /// Sends whole Ethernet frames (VLAN tags in-line) on the interface with sendmmsg.
    /// Returns how many of the first frames went out; see [`send_datagrams`].
    pub fn send_batch<'a>(&self, frames: impl IntoIterator<Item = &'a [u8]>) -> io::Result<usize> {
        send_datagrams(self.fd.as_fd(), frames)
    }

    /// Puts the interface in promiscuous mode for as long as this socket is open (the kernel
    /// counts users and undoes it on close). The subscriber emulator needs it on a real NIC:
    /// it speaks for many MACs, none of them the interface's, and the NIC would filter the
    /// access concentrator's unicast replies. The LAC itself never needs it.
    /// Frames the kernel dropped for this socket since the last call (PACKET_STATISTICS
    /// reads and clears): the receive buffer was full before we read it. A subscriber's PADT
    /// lost this way leaves a stale session, so the engine shows the count to operators.
    pub fn kernel_drops(&self) -> io::Result<u64> {
        // SAFETY: tpacket_stats is two unsigned integers; all-zero is valid.
        let mut stats: libc::tpacket_stats = unsafe { zeroed() };
        let mut length = size_of::<libc::tpacket_stats>() as libc::socklen_t;
        // SAFETY: the pointer and length describe `stats`, alive for the call, and
        // PACKET_STATISTICS on a TPACKET_V1 socket fills exactly a tpacket_stats.
        let result = unsafe {
            libc::getsockopt(
                self.fd.as_raw_fd(),
                libc::SOL_PACKET,
                libc::PACKET_STATISTICS,
                (&mut stats as *mut libc::tpacket_stats).cast(),
                &mut length,
            )
        };
        if result < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(u64::from(stats.tp_drops))
    }

    pub fn set_promiscuous(&self) -> io::Result<()> {
        // SAFETY: packet_mreq is plain data; all-zero is valid.
        let mut request: libc::packet_mreq = unsafe { zeroed() };
        request.mr_ifindex = self.ifindex as c_int;
        request.mr_type = libc::PACKET_MR_PROMISC as u16;
        set_option(
            self.fd.as_fd(),
            libc::SOL_PACKET,
            libc::PACKET_ADD_MEMBERSHIP,
            &request,
        )
    }

    /// The interface's hardware address (SIOCGIFHWADDR), read now: it can change.
    pub fn mac(&self) -> io::Result<MacAddr> {
        let request = self.interface_request(libc::SIOCGIFHWADDR)?;
        // SAFETY: SIOCGIFHWADDR filled the `ifru_hwaddr` member of the union.
        let hwaddr = unsafe { request.ifr_ifru.ifru_hwaddr };
        let mut mac = [0u8; 6];
        for (byte, data) in mac.iter_mut().zip(hwaddr.sa_data) {
            *byte = data as u8;
        }
        Ok(MacAddr(mac))
    }

    /// The interface's MTU (SIOCGIFMTU), read now.
    pub fn mtu(&self) -> io::Result<u32> {
        let request = self.interface_request(libc::SIOCGIFMTU)?;
        // SAFETY: SIOCGIFMTU filled the `ifru_mtu` member of the union.
        let mtu = unsafe { request.ifr_ifru.ifru_mtu };
        Ok(mtu.max(0) as u32)
    }

    /// Whether the interface is administratively up and has its link (IFF_UP and IFF_RUNNING,
    /// SIOCGIFFLAGS), read now: the engine polls it to end subscribers on a lost link (RFC
    /// 2516 gives no signal for it). IFF_RUNNING follows the carrier through the kernel's
    /// link watch, which may lag a carrier change by up to a second.
    pub fn link_up(&self) -> io::Result<bool> {
        let request = self.interface_request(libc::SIOCGIFFLAGS)?;
        // SAFETY: SIOCGIFFLAGS filled the `ifru_flags` member of the union.
        let flags = c_int::from(unsafe { request.ifr_ifru.ifru_flags });
        let wanted = libc::IFF_UP | libc::IFF_RUNNING;
        Ok(flags & wanted == wanted)
    }

    /// An `ifreq` for the bound interface after `request`. The name is looked up from the
    /// ifindex first (SIOCGIFNAME), so a renamed interface is still the one we are bound to.
    fn interface_request(&self, request: libc::c_ulong) -> io::Result<libc::ifreq> {
        // SAFETY: ifreq is plain data; all-zero is valid.
        let mut ifreq: libc::ifreq = unsafe { zeroed() };
        ifreq.ifr_ifru.ifru_ifindex = self.ifindex as c_int;
        self.ioctl(libc::SIOCGIFNAME, &mut ifreq)?;
        self.ioctl(request, &mut ifreq)?;
        Ok(ifreq)
    }

    fn ioctl(&self, request: libc::c_ulong, ifreq: &mut libc::ifreq) -> io::Result<()> {
        // SAFETY: every request used here (SIOCGIF*) reads and writes one `struct ifreq`,
        // which `ifreq` is, alive and exclusively borrowed for the call.
        let result = unsafe { libc::ioctl(self.fd.as_raw_fd(), request as _, ifreq as *mut _) };
        if result < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
}

impl AsFd for PacketSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

/// Sends each frame as one datagram on `fd` with sendmmsg, [`MAX_MESSAGES_PER_CALL`] per call:
/// a packet socket bound to an interface, or a connected UDP or Unix datagram socket (no
/// destination address is given). Frames go out in iteration order; the count returned says
/// how many of the first ones were sent. The iterator is read in chunks, so after a short
/// count the frames behind it were not sent and the caller retries from there. An error is
/// returned only when no frame went out.
pub fn send_datagrams<'a>(
    fd: BorrowedFd<'_>,
    frames: impl IntoIterator<Item = &'a [u8]>,
) -> io::Result<usize> {
    send_messages(fd, frames.into_iter().map(|frame| (frame, None, 0)))
}

/// Sends each datagram to its own IPv4 destination on the UDP socket `fd` with sendmmsg:
/// the relay's batches, whose datagrams go to several LNSs from one source socket. Same
/// contract as [`send_datagrams`].
pub fn send_datagrams_to<'a>(
    fd: BorrowedFd<'_>,
    datagrams: impl IntoIterator<Item = (&'a [u8], SocketAddrV4)>,
) -> io::Result<usize> {
    send_messages(fd, datagrams.into_iter().map(|(d, to)| (d, Some(to), 0)))
}

/// The most datagrams one UDP GSO message carries: the kernel's UDP_MAX_SEGMENTS before 6.9
/// (128 since).
const GSO_MAX_SEGMENTS: usize = 64;
/// The most octets of one UDP GSO message: what one IPv4 datagram can carry, less its IP and
/// UDP headers, rounded down.
const GSO_MAX_BYTES: usize = 65_000;

/// A control message asking for UDP GSO (`UDP_SEGMENT`, a 16-bit segment size): laid out
/// as CMSG_SPACE(2) octets, the header 8-aligned as the kernel reads it.
#[repr(C, align(8))]
#[derive(Clone, Copy)]
struct SegmentControl {
    header: libc::cmsghdr,
    size: u16,
    _pad: [u8; 6],
}

/// UDP_SEGMENT from linux/udp.h (the libc crate does not name it).
const UDP_SEGMENT: c_int = 103;

/// The largest UDP payload that leaves the connected IPv4 UDP socket `fd` unfragmented: the
/// route's MTU as the kernel has it now (IP_MTU), less the IPv4 and UDP headers. A UDP GSO
/// segment above it is refused (EMSGSIZE).
pub fn largest_unfragmented_payload(fd: BorrowedFd<'_>) -> io::Result<usize> {
    let mut mtu: c_int = 0;
    let mut len = size_of::<c_int>() as libc::socklen_t;
    // SAFETY: IP_MTU writes one int into `mtu`, alive and exclusively borrowed, and its
    // length into `len`.
    let result = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            libc::IPPROTO_IP,
            libc::IP_MTU,
            (&mut mtu as *mut c_int).cast(),
            &mut len,
        )
    };
    if result < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(usize::try_from(mtu).unwrap_or(0).saturating_sub(28))
}

/// Sends `datagrams`, in order, on the connected UDP socket `fd`, each run of consecutive
/// datagrams of equal length as one UDP GSO message (`UDP_SEGMENT`: the kernel's send path
/// runs once for the run, and the datagrams are cut apart at the last moment, by the device
/// or on the receiving host, each arriving as sent), the rest one message each; one sendmmsg
/// per [`MAX_MESSAGES_PER_CALL`] datagrams. Datagrams longer than `max_segment` (see
/// [`largest_unfragmented_payload`]) are sent one message each. Returns how many of the
/// first datagrams were sent, as [`send_datagrams`] does. A kernel or route that cannot
/// segment (EMSGSIZE or EINVAL: a segment above the path's MTU after all; EIO,
/// EOPNOTSUPP) is returned as the error when nothing was sent, and the caller sends
/// without GSO.
pub fn send_datagrams_segmented<'a>(
    fd: BorrowedFd<'_>,
    max_segment: usize,
    datagrams: impl IntoIterator<Item = &'a [u8]>,
) -> io::Result<usize> {
    send_messages(fd, datagrams.into_iter().map(|d| (d, None, max_segment)))
}

/// [`send_datagrams_segmented`] from an unconnected (or self-connected) UDP socket: each
/// datagram names its destination and the largest segment its path takes
/// ([`largest_unfragmented_payload`] of a socket connected there; 0: never segmented), and
/// consecutive datagrams of one length and destination go as one UDP GSO message. The
/// kernel then looks the route up once per message instead of once per datagram. Same
/// contract as [`send_datagrams_segmented`].
pub fn send_datagrams_segmented_to<'a>(
    fd: BorrowedFd<'_>,
    datagrams: impl IntoIterator<Item = (&'a [u8], SocketAddrV4, usize)>,
) -> io::Result<usize> {
    send_messages(
        fd,
        datagrams
            .into_iter()
            .map(|(d, to, max_segment)| (d, Some(to), max_segment)),
    )
}

/// [`send_datagrams`], [`send_datagrams_to`], [`send_datagrams_segmented`] and
/// [`send_datagrams_segmented_to`]: each datagram with its destination (or none, on a
/// connected or bound socket) and the largest segment its path takes; consecutive ones of
/// one length and destination, up to that many octets each (0: never), as one UDP GSO
/// message.
fn send_messages<'a>(
    fd: BorrowedFd<'_>,
    datagrams: impl Iterator<Item = (&'a [u8], Option<SocketAddrV4>, usize)>,
) -> io::Result<usize> {
    let mut datagrams = datagrams.peekable();
    let mut sent = 0;
    loop {
        // SAFETY: iovec, sockaddr_in, mmsghdr and cmsghdr are plain data; all-zero is valid
        // for each.
        let mut iovecs: [libc::iovec; MAX_MESSAGES_PER_CALL] = unsafe { zeroed() };
        let mut addresses: [libc::sockaddr_in; MAX_MESSAGES_PER_CALL] = unsafe { zeroed() };
        let mut headers: [libc::mmsghdr; MAX_MESSAGES_PER_CALL] = unsafe { zeroed() };
        let mut controls: [SegmentControl; MAX_MESSAGES_PER_CALL] = unsafe { zeroed() };
        let mut segments = [0usize; MAX_MESSAGES_PER_CALL];
        let (mut used, mut messages) = (0, 0);
        while used < MAX_MESSAGES_PER_CALL {
            let Some((first, destination, max_segment)) = datagrams.next() else {
                break;
            };
            let start = used;
            let size = first.len();
            let mut bytes = size;
            let mut datagram = first;
            loop {
                // The kernel only reads through a send iovec; the pointer is `*mut` by C's type.
                iovecs[used].iov_base = datagram.as_ptr() as *mut c_void;
                iovecs[used].iov_len = datagram.len();
                used += 1;
                let fits = used < MAX_MESSAGES_PER_CALL
                    && used - start < GSO_MAX_SEGMENTS
                    && bytes + size <= GSO_MAX_BYTES
                    && size > 0
                    && size <= max_segment.min(usize::from(u16::MAX));
                let same =
                    |(d, to, _): &(&[u8], _, _)| fits && d.len() == size && *to == destination;
                match datagrams.next_if(same) {
                    Some((next, ..)) => {
                        bytes += size;
                        datagram = next;
                    }
                    None => break,
                }
            }
            let header = &mut headers[messages].msg_hdr;
            header.msg_iov = &mut iovecs[start];
            header.msg_iovlen = used - start;
            segments[messages] = used - start;
            if let Some(destination) = destination {
                let address = &mut addresses[messages];
                address.sin_family = libc::AF_INET as libc::sa_family_t;
                address.sin_port = destination.port().to_be();
                address.sin_addr.s_addr = u32::from(*destination.ip()).to_be();
                header.msg_name = (address as *mut libc::sockaddr_in).cast();
                header.msg_namelen = size_of::<libc::sockaddr_in>() as libc::socklen_t;
            }
            if used - start > 1 {
                let control = &mut controls[messages];
                control.header.cmsg_level = libc::SOL_UDP;
                control.header.cmsg_type = UDP_SEGMENT;
                // CMSG_LEN(2): the header, aligned, then the 16-bit size.
                control.header.cmsg_len = size_of::<libc::cmsghdr>() + size_of::<u16>();
                control.size = size as u16;
                header.msg_control = (control as *mut SegmentControl).cast();
                header.msg_controllen = size_of::<SegmentControl>();
            }
            messages += 1;
        }
        if messages == 0 {
            return Ok(sent);
        }
        // SAFETY: `headers[..messages]` point at `iovecs`, `addresses` and `controls` on
        // this stack frame and through the iovecs at the caller's datagrams; all outlive the
        // call, and the kernel only reads them.
        let result = unsafe {
            libc::sendmmsg(
                fd.as_raw_fd(),
                headers.as_mut_ptr(),
                messages as libc::c_uint,
                0,
            )
        };
        if result < 0 {
            let error = io::Error::last_os_error();
            return if sent == 0 { Err(error) } else { Ok(sent) };
        }
        let done = result as usize;
        sent += segments[..done].iter().sum::<usize>();
        if done < messages {
            return Ok(sent);
        }
    }
}

/// Receives up to `out.capacity()` datagrams with their senders from the UDP socket `fd` in
/// one recvmmsg call (MSG_DONTWAIT) into the batch's reused buffers: the L2TP listeners'
/// readers (issue 15, item 2). Returns how many `out` now holds; `WouldBlock` when nothing
/// was queued. A datagram the kernel marks MSG_TRUNC is dropped and counted in
/// `out.truncated`, never delivered cut short (a slot holds the largest UDP payload, so
/// this is a defence, not an expected path).
pub fn recv_datagrams(fd: BorrowedFd<'_>, out: &mut DatagramBatch) -> io::Result<usize> {
    receive_datagrams(fd, out)
}

fn receive_datagrams(fd: BorrowedFd<'_>, out: &mut DatagramBatch) -> io::Result<usize> {
    out.clear();
    let wanted = out.capacity().min(MAX_MESSAGES_PER_CALL);
    // SAFETY: iovec, sockaddr_in6 and mmsghdr are plain data (integers and raw pointers);
    // all-zero is valid for each.
    let mut iovecs: [libc::iovec; MAX_MESSAGES_PER_CALL] = unsafe { zeroed() };
    let mut addresses: [libc::sockaddr_in6; MAX_MESSAGES_PER_CALL] = unsafe { zeroed() };
    let mut headers: [libc::mmsghdr; MAX_MESSAGES_PER_CALL] = unsafe { zeroed() };
    for (iovec, slot) in iovecs.iter_mut().zip(out.slots.iter_mut().take(wanted)) {
        iovec.iov_base = slot.as_mut_ptr().cast();
        iovec.iov_len = slot.len();
    }
    for (i, header) in headers.iter_mut().enumerate().take(wanted) {
        // sockaddr_in6 is large enough for either family.
        header.msg_hdr.msg_name = (&mut addresses[i] as *mut libc::sockaddr_in6).cast();
        header.msg_hdr.msg_namelen = size_of::<libc::sockaddr_in6>() as libc::socklen_t;
        header.msg_hdr.msg_iov = &mut iovecs[i];
        header.msg_hdr.msg_iovlen = 1;
    }
    // SAFETY: `headers[..wanted]` point at iovecs and addresses that live until the end of
    // this function, and each iovec at a distinct slot of `out`, untouched until the call
    // returns.
    let received = unsafe {
        libc::recvmmsg(
            fd.as_raw_fd(),
            headers.as_mut_ptr(),
            wanted as libc::c_uint,
            libc::MSG_DONTWAIT,
            std::ptr::null_mut(),
        )
    };
    if received < 0 {
        return Err(io::Error::last_os_error());
    }
    for (i, header) in headers.iter().enumerate().take(received as usize) {
        let len = header.msg_len as usize;
        if header.msg_hdr.msg_flags & libc::MSG_TRUNC != 0 || len > out.slots[i].len() {
            out.truncated += 1;
            out.lens.push(usize::MAX);
            out.peers.push(SocketAddr::from(([0, 0, 0, 0], 0)));
            continue;
        }
        let Some(peer) = socket_address(&addresses[i]) else {
            // Not an IP sender: no UDP socket delivers one; dropped all the same.
            out.lens.push(usize::MAX);
            out.peers.push(SocketAddr::from(([0, 0, 0, 0], 0)));
            continue;
        };
        out.lens.push(len);
        out.peers.push(peer);
    }
    // Truncated ones were kept in place (slot i stays datagram i); take them out now.
    let mut k = 0;
    while k < out.lens.len() {
        if out.lens[k] == usize::MAX {
            out.lens.remove(k);
            out.peers.remove(k);
            out.slots[k..].rotate_left(1);
        } else {
            k += 1;
        }
    }
    Ok(out.len())
}

/// The sender recvmmsg wrote (AF_INET or AF_INET6); `None` for any other family.
fn socket_address(address: &libc::sockaddr_in6) -> Option<SocketAddr> {
    match c_int::from(address.sin6_family) {
        libc::AF_INET => {
            // SAFETY: the kernel wrote a sockaddr_in here (family AF_INET), which is smaller
            // than the sockaddr_in6 it lies in and has no stricter alignment.
            let v4: libc::sockaddr_in =
                unsafe { std::ptr::read((address as *const libc::sockaddr_in6).cast()) };
            Some(SocketAddr::from((
                std::net::Ipv4Addr::from(u32::from_be(v4.sin_addr.s_addr)),
                u16::from_be(v4.sin_port),
            )))
        }
        libc::AF_INET6 => Some(SocketAddr::from((
            std::net::Ipv6Addr::from(address.sin6_addr.s6_addr),
            u16::from_be(address.sin6_port),
        ))),
        _ => None,
    }
}

/// TUNSETQUEUE (`_IOW('T', 217, int)`) and its IFF_DETACH_QUEUE flag, linux/if_tun.h.
const TUNSETQUEUE: libc::c_ulong = 0x4004_54d9;
const IFF_DETACH_QUEUE: libc::c_short = 0x0400;

/// Takes the queue `device` (one descriptor of a multi-queue TUN device) out of the set
/// the kernel hands packets to, while it stays open for writing: the engine's queue of a
/// service interface whose packets the data workers' queues read (issue 15, item 2). A
/// detached queue still writes (the kernel keeps its device; only reads see nothing).
pub fn detach_tun_queue(device: &impl AsRawFd) -> io::Result<()> {
    // SAFETY: ifreq is plain data; all-zero is valid.
    let mut request: libc::ifreq = unsafe { zeroed() };
    request.ifr_ifru.ifru_flags = IFF_DETACH_QUEUE;
    // SAFETY: TUNSETQUEUE reads one `struct ifreq` (its flags), which `request` is, alive
    // for the call; the descriptor is the caller's open TUN queue.
    let result = unsafe {
        libc::ioctl(
            device.as_raw_fd(),
            TUNSETQUEUE as _,
            &mut request as *mut libc::ifreq,
        )
    };
    if result < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Registers an endpoint with the current tokio reactor (panics outside a runtime, as tokio
/// does).
pub(crate) fn register_async(endpoint: FrameEndpoint) -> io::Result<AsyncFd<FrameEndpoint>> {
    // SAFETY: tokio needs the fd to stay open and unchanged while registered. Both kinds of
    // FrameEndpoint own their descriptor (an OwnedFd, a UnixDatagram) until dropped, never
    // replace it, and `as_raw_fd` always returns it.
    unsafe { AsyncFd::register(endpoint) }.map_err(io::Error::from)
}

/// Registers a UDP socket with the current tokio reactor for reading only (panics outside a
/// runtime, as tokio does): no wake-up for writability, which the kernel signals each time
/// it frees a datagram sent on the socket (`engine/read_socket.rs` says why that matters).
pub(crate) fn register_readable(
    socket: std::net::UdpSocket,
) -> io::Result<AsyncFd<std::net::UdpSocket>> {
    socket.set_nonblocking(true)?;
    // SAFETY: tokio needs the fd to stay open and unchanged while registered. A UdpSocket
    // owns its descriptor until dropped (the AsyncFd owns the socket), never replaces it,
    // and `as_raw_fd` always returns it; nothing here hands out `get_mut`.
    unsafe { AsyncFd::register_with_interest(socket, tokio::io::Interest::READABLE) }
        .map_err(io::Error::from)
}

fn interface_index(interface: &str) -> io::Result<u32> {
    let name = CString::new(interface).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("interface name {interface:?} contains a NUL byte"),
        )
    })?;
    // SAFETY: `name` is a NUL-terminated string alive for the call.
    let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
    if index == 0 {
        return Err(with_interface(io::Error::last_os_error(), interface));
    }
    Ok(index)
}

fn with_interface(error: io::Error, interface: &str) -> io::Error {
    io::Error::new(error.kind(), format!("interface {interface}: {error}"))
}

/// Sets a socket buffer to `bytes`: with the FORCE option past net.core.[rw]mem_max when we
/// are root, otherwise as much of it as the limit allows.
fn set_buffer(fd: BorrowedFd<'_>, force: c_int, plain: c_int, bytes: c_int) {
    if set_option(fd, libc::SOL_SOCKET, force, &bytes).is_err() {
        let _ = set_option(fd, libc::SOL_SOCKET, plain, &bytes);
    }
}

/// Binds a packet socket to the interface `ifindex` and `protocol` (network byte order;
/// 0 receives nothing).
fn bind_to_interface(fd: BorrowedFd<'_>, ifindex: u32, protocol: u16) -> io::Result<()> {
    // SAFETY: sockaddr_ll is plain data; all-zero is a valid value.
    let mut address: libc::sockaddr_ll = unsafe { zeroed() };
    address.sll_family = libc::AF_PACKET as u16;
    address.sll_protocol = protocol;
    address.sll_ifindex = ifindex as c_int;
    // SAFETY: the pointer and length describe `address`, alive for the call.
    let bound = unsafe {
        libc::bind(
            fd.as_raw_fd(),
            (&address as *const libc::sockaddr_ll).cast(),
            size_of::<libc::sockaddr_ll>() as libc::socklen_t,
        )
    };
    if bound < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

pub(super) fn set_option<T>(
    fd: BorrowedFd<'_>,
    level: c_int,
    name: c_int,
    value: &T,
) -> io::Result<()> {
    // SAFETY: pointer and length describe `value`, alive for the call; every option set
    // through this (here and in `rx_ring`) takes exactly the type passed for it.
    let result = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (value as *const T).cast(),
            size_of::<T>() as libc::socklen_t,
        )
    };
    if result < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The PACKET_AUXDATA control message of a received message, if the kernel attached one.
fn auxdata(header: &libc::msghdr) -> Option<PacketAuxdata> {
    // SAFETY: `header` was filled by recvmmsg; its control pointer and (kernel-updated)
    // length describe our ControlSpace buffer, so the CMSG_* walk stays inside it.
    unsafe {
        let mut cmsg = libc::CMSG_FIRSTHDR(header);
        while !cmsg.is_null() {
            let message = &*cmsg;
            if message.cmsg_level == libc::SOL_PACKET && message.cmsg_type == libc::PACKET_AUXDATA {
                let data_len =
                    (message.cmsg_len as usize).saturating_sub(libc::CMSG_LEN(0) as usize);
                let data = std::slice::from_raw_parts(libc::CMSG_DATA(cmsg), data_len);
                return PacketAuxdata::from_cmsg_data(data);
            }
            cmsg = libc::CMSG_NXTHDR(header, cmsg);
        }
    }
    None
}

const fn statement(code: u32, k: u32) -> libc::sock_filter {
    libc::sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    }
}

/// `if A == k goto +jt else goto +jf` (offsets from the next instruction).
const fn jump_if_equal(k: u32, jt: u8, jf: u8) -> libc::sock_filter {
    libc::sock_filter {
        code: (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16,
        jt,
        jf,
        k,
    }
}

const LOAD_HALF: u32 = libc::BPF_LD | libc::BPF_H | libc::BPF_ABS;
const RETURN: u32 = libc::BPF_RET | libc::BPF_K;
const DISCOVERY: u32 = 0x8863;
const SESSION: u32 = 0x8864;
const DOT1Q: u32 = 0x8100;
const DOT1AD: u32 = 0x88a8;
const QINQ_9100: u32 = crate::pppoe::wire::TPID_QINQ_9100 as u32;

/// Classic BPF: accept PPPoE (0x8863/0x8864) untagged or behind one or two VLAN tags,
/// counting the tags still in the frame (the kernel may have moved the outer one to
/// auxdata already, which the filter cannot tell apart and need not). The outer tag may be
/// 0x9100 (pre-standard QinQ, Junos `vlan-tags outer 0x9100.N`), which the kernel never
/// strips. Anything else stays in the kernel. Jump offsets count instructions from the next
/// one.
static PPPOE_FILTER: [libc::sock_filter; 15] = [
    statement(LOAD_HALF, 12),        // 0: EtherType after the MACs
    jump_if_equal(DISCOVERY, 12, 0), // 1: -> 14 accept
    jump_if_equal(SESSION, 11, 0),   // 2: -> 14 accept
    jump_if_equal(DOT1Q, 2, 0),      // 3: -> 6
    jump_if_equal(DOT1AD, 1, 0),     // 4: -> 6
    jump_if_equal(QINQ_9100, 0, 7),  // 5: -> 6, else -> 13 reject
    statement(LOAD_HALF, 16),        // 6: EtherType after one tag
    jump_if_equal(DISCOVERY, 6, 0),  // 7: -> 14 accept
    jump_if_equal(SESSION, 5, 0),    // 8: -> 14 accept
    jump_if_equal(DOT1Q, 0, 3),      // 9: -> 10, else -> 13 reject
    statement(LOAD_HALF, 20),        // 10: EtherType after two tags
    jump_if_equal(DISCOVERY, 2, 0),  // 11: -> 14 accept
    jump_if_equal(SESSION, 1, 0),    // 12: -> 14 accept, else 13
    statement(RETURN, 0),            // 13: reject
    statement(RETURN, 0x0004_0000),  // 14: accept the whole frame (up to 256 KiB)
];

/// linux/if_packet.h (a stable ABI; not every libc release exports them).
const PACKET_FANOUT: c_int = 18;
const PACKET_FANOUT_DATA: c_int = 22;
const PACKET_FANOUT_CBPF: u32 = 6;
const PACKET_FANOUT_FLAG_UNIQUEID: u32 = 0x2000;
/// The group's own PACKET_IGNORE_OUTGOING (the sockets' option does not reach a group):
/// without it every frame the relay sends on the port would be copied to a worker.
const PACKET_FANOUT_FLAG_IGNORE_OUTGOING: u32 = 0x4000;

static REJECT_ALL: [libc::sock_filter; 1] = [statement(RETURN, 0)];

/// Loads through SKF_LL_OFF address the frame from its Ethernet header: a fan-out program
/// runs on a received frame with the data at the network header, not the MAC header.
const LINK_LAYER: u32 = libc::SKF_LL_OFF as u32;
const RETURN_A: u32 = libc::BPF_RET | libc::BPF_A;

/// Classic BPF for the fan-out group ([`PacketSocket::start_fanout`]): returns the PPPoE
/// session ID of a session frame (untagged, or behind one or two tags still in the frame;
/// the kernel takes the result modulo the members), 0 for discovery and anything else.
static PPPOE_FANOUT: [libc::sock_filter; 16] = [
    statement(LOAD_HALF, LINK_LAYER.wrapping_add(12)), // 0: EtherType after the MACs
    jump_if_equal(SESSION, 7, 0),                      // 1: -> 9
    jump_if_equal(DOT1Q, 1, 0),                        // 2: -> 4
    jump_if_equal(DOT1AD, 0, 11),                      // 3: -> 4, else -> 15
    statement(LOAD_HALF, LINK_LAYER.wrapping_add(16)), // 4: EtherType after one tag
    jump_if_equal(SESSION, 5, 0),                      // 5: -> 11
    jump_if_equal(DOT1Q, 0, 8),                        // 6: -> 7, else -> 15
    statement(LOAD_HALF, LINK_LAYER.wrapping_add(20)), // 7: EtherType after two tags
    jump_if_equal(SESSION, 4, 6),                      // 8: -> 13, else -> 15
    statement(LOAD_HALF, LINK_LAYER.wrapping_add(16)), // 9: SESSION_ID, untagged
    statement(RETURN_A, 0),                            // 10
    statement(LOAD_HALF, LINK_LAYER.wrapping_add(20)), // 11: SESSION_ID, one tag
    statement(RETURN_A, 0),                            // 12
    statement(LOAD_HALF, LINK_LAYER.wrapping_add(24)), // 13: SESSION_ID, two tags
    statement(RETURN_A, 0),                            // 14
    statement(RETURN, 0),                              // 15: the first member
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::UdpSocket;

    /// Runs of equal length leave as UDP GSO messages, the others one by one, and the
    /// receiver (no UDP_GRO) gets every datagram on its own, whole and in order: 150
    /// datagrams over three calls, with runs longer than a GSO message may carry, a run cut
    /// by a call's end, lone datagrams between runs and an empty one.
    #[test]
    fn segmented_sends_arrive_as_the_datagrams_sent_in_order() {
        let sink = UdpSocket::bind("127.0.0.1:0").expect("sink");
        sink.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .expect("timeout");
        let sender = UdpSocket::bind("127.0.0.1:0").expect("sender");
        sender.connect(sink.local_addr().unwrap()).expect("connect");
        let sizes = (0..150usize).map(|i| match i {
            0..=69 => 64,
            70 | 72 => 1400,
            71 => 0,
            73..=99 => 1400,
            _ => 9 + i % 2,
        });
        let datagrams: Vec<Vec<u8>> = sizes
            .enumerate()
            .map(|(i, size)| (0..size).map(|octet| (i + octet) as u8).collect())
            .collect();
        let max = largest_unfragmented_payload(sender.as_fd()).expect("IP_MTU");
        assert!(max >= 1400, "loopback's MTU less the headers: {max}");
        let sent = send_datagrams_segmented(sender.as_fd(), max, datagrams.iter().map(|d| &d[..]))
            .expect("sent");
        assert_eq!(sent, datagrams.len());
        let mut buf = [0u8; 2048];
        for (i, expected) in datagrams.iter().enumerate() {
            let len = sink.recv(&mut buf).expect("a datagram");
            assert_eq!(&buf[..len], &expected[..], "datagram {i}");
        }
    }

    /// Root only (CAP_NET_RAW; skipped otherwise): what the sending socket sends on `lo`
    /// comes back to the port's socket, and the sending socket itself receives nothing.
    #[test]
    fn the_sending_socket_sends_on_the_port_and_receives_nothing() {
        let Ok(mut port) = PacketSocket::open("lo") else {
            eprintln!("skipped: no packet socket (not root)");
            return;
        };
        let sender = port.sender().expect("a send-only socket");
        let mut frame = vec![0x02, 0, 0, 0, 0x7e, 1, 0x02, 0, 0, 0, 0x7e, 2, 0x88, 0x64];
        frame.extend_from_slice(&[0x11, 0x00, 0x7e, 0x57, 0x00, 0x04, 0x00, 0x21, 0xab, 0xcd]);
        assert_eq!(
            send_datagrams(sender.as_fd(), [&frame[..]]).expect("sent"),
            1
        );
        let mut batch = FrameBatch::new(8, 2048);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let mut seen = false;
        while !seen && std::time::Instant::now() < deadline {
            match port.recv_batch(&mut batch) {
                Ok(_) => seen = batch.frames().any(|f| f.starts_with(&frame)),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::yield_now(),
                Err(e) => panic!("{e}"),
            }
        }
        assert!(seen, "the frame came back on lo");
        let mut buf = [0u8; 64];
        // SAFETY (test): `buf` is alive and writable for the call.
        let got = unsafe {
            libc::recv(
                sender.as_raw_fd(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                libc::MSG_DONTWAIT,
            )
        };
        assert_eq!(got, -1, "the sending socket received a frame");
    }

    /// Root only (skipped otherwise): three sockets of one fan-out group on `lo`; each
    /// session's frames reach one member, the one its session ID modulo 3 names, in the
    /// order sent, tagged or not; discovery reaches the first member.
    #[test]
    fn a_fanout_group_gives_each_session_to_one_member_in_order() {
        let Ok(first) = PacketSocket::open("lo") else {
            eprintln!("skipped: no packet socket (not root)");
            return;
        };
        let group = first.start_fanout().expect("a fan-out group");
        let mut members = vec![first];
        for _ in 0..2 {
            let member = PacketSocket::open("lo").expect("open");
            member.join_fanout(group).expect("join");
            members.push(member);
        }
        let sender = members[0].sender().expect("sender");
        // A MAC of this test's own, so frames other tests send on lo are told apart.
        let ours = [0x02, 0, 0, 0, 0x7f, 0x3a];
        let frame = |tags: &[u16], ethertype: u16, session: u16, seq: u8| {
            let mut f = vec![0x02, 0, 0, 0, 0x7f, 0x01];
            f.extend_from_slice(&ours);
            for (i, vid) in tags.iter().enumerate() {
                let tpid: u16 = if i == 0 && tags.len() == 2 {
                    0x88a8
                } else {
                    0x8100
                };
                f.extend_from_slice(&tpid.to_be_bytes());
                f.extend_from_slice(&vid.to_be_bytes());
            }
            f.extend_from_slice(&ethertype.to_be_bytes());
            f.extend_from_slice(&[0x11, 0x00]);
            f.extend_from_slice(&session.to_be_bytes());
            f.extend_from_slice(&[0x00, 0x03, 0x00, 0x21, seq]);
            f
        };
        let mut sent = Vec::new();
        for seq in 0..4u8 {
            for session in 1..=12u16 {
                let tags: &[u16] = match session % 3 {
                    0 => &[],
                    1 => &[100],
                    _ => &[100, 200],
                };
                sent.push((session, seq, frame(tags, 0x8864, session, seq)));
            }
        }
        let padi = frame(&[], 0x8863, 0, 0);
        for (_, _, f) in &sent {
            assert_eq!(send_datagrams(sender.as_fd(), [&f[..]]).expect("sent"), 1);
        }
        assert_eq!(
            send_datagrams(sender.as_fd(), [&padi[..]]).expect("sent"),
            1
        );
        // What each member read of ours: (session, seq), and whether it saw the PADI.
        let mut got: Vec<Vec<(u16, u8)>> = vec![Vec::new(); 3];
        let mut padi_at = None;
        let mut batch = FrameBatch::new(64, 2048);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let total = |got: &Vec<Vec<(u16, u8)>>| got.iter().map(Vec::len).sum::<usize>();
        while (total(&got) < sent.len() || padi_at.is_none())
            && std::time::Instant::now() < deadline
        {
            for (k, member) in members.iter_mut().enumerate() {
                match member.recv_batch(&mut batch) {
                    Ok(_) => {}
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                    Err(e) => panic!("{e}"),
                }
                for f in batch.frames().filter(|f| f.get(6..12) == Some(&ours[..])) {
                    let at = f.len() - 11;
                    if u16::from_be_bytes([f[at], f[at + 1]]) == 0x8863 {
                        padi_at = Some(k);
                        continue;
                    }
                    let session = u16::from_be_bytes([f[at + 4], f[at + 5]]);
                    got[k].push((session, f[f.len() - 1]));
                }
            }
            std::thread::yield_now();
        }
        assert_eq!(padi_at, Some(0), "discovery goes to the first member");
        for (k, frames) in got.iter().enumerate() {
            let expected: Vec<(u16, u8)> = sent
                .iter()
                .filter(|(session, _, _)| usize::from(*session) % 3 == k)
                .map(|(session, seq, _)| (*session, *seq))
                .collect();
            assert_eq!(frames, &expected, "member {k}");
        }
    }

    #[test]
    fn one_sendmmsg_reaches_several_destinations_in_order() {
        let a = UdpSocket::bind("127.31.9.1:0").unwrap();
        let b = UdpSocket::bind("127.31.9.2:0").unwrap();
        let from = UdpSocket::bind("127.31.9.3:0").unwrap();
        let to = |s: &UdpSocket| match s.local_addr().unwrap() {
            std::net::SocketAddr::V4(v4) => v4,
            other => panic!("{other}"),
        };
        let datagrams = [(&b"one"[..], to(&a)), (b"two", to(&b)), (b"three", to(&a))];
        let sent = send_datagrams_to(from.as_fd(), datagrams.iter().copied()).unwrap();
        assert_eq!(sent, 3);
        let mut buf = [0u8; 16];
        for (socket, expected) in [(&a, &b"one"[..]), (&b, b"two"), (&a, b"three")] {
            let (len, sender) = socket.recv_from(&mut buf).unwrap();
            assert_eq!(&buf[..len], expected);
            assert_eq!(sender, from.local_addr().unwrap());
        }
    }
}
