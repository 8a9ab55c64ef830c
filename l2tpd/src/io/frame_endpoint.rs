//! One kind of frame endpoint for the engine: a real interface (AF_PACKET) or a socket link
//! (the lab's and the unprivileged tests' stand-in for an interface), with one batch API.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

use super::frame_batch::FrameBatch;
use super::packet_socket::PacketSocket;
use super::socket_link::SocketLink;
use crate::pppoe::wire::MacAddr;

/// Frames that arrived but were not handed to the caller, by reason (counted, never a panic).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReceiveDrops {
    /// Longer than the batch's slots: dropped whole rather than cut short.
    pub truncated: u64,
    /// Our own transmissions looped back by the kernel (PACKET_OUTGOING).
    pub outgoing: u64,
    /// A stripped VLAN tag that could not be put back (a frame shorter than its MACs).
    pub malformed: u64,
    /// Arrived while a socket link was down.
    pub link_down: u64,
}

/// Where Ethernet frames come from and go to.
#[derive(Debug)]
pub enum FrameEndpoint {
    Packet(PacketSocket),
    Link(SocketLink),
}

impl FrameEndpoint {
    /// Fills `out` with received frames; `WouldBlock` when none were queued.
    pub fn recv_batch(&mut self, out: &mut FrameBatch) -> io::Result<usize> {
        match self {
            FrameEndpoint::Packet(socket) => socket.recv_batch(out),
            FrameEndpoint::Link(link) => link.recv_batch(out),
        }
    }

    /// Sends whole frames in order; returns how many of the first ones went out.
    pub fn send_batch<'a>(&self, frames: impl IntoIterator<Item = &'a [u8]>) -> io::Result<usize> {
        match self {
            FrameEndpoint::Packet(socket) => socket.send_batch(frames),
            FrameEndpoint::Link(link) => link.send_batch(frames),
        }
    }

    pub fn mac(&self) -> io::Result<MacAddr> {
        match self {
            FrameEndpoint::Packet(socket) => socket.mac(),
            FrameEndpoint::Link(link) => Ok(link.mac()),
        }
    }

    pub fn mtu(&self) -> io::Result<u32> {
        match self {
            FrameEndpoint::Packet(socket) => socket.mtu(),
            FrameEndpoint::Link(link) => Ok(link.mtu()),
        }
    }

    pub fn link_up(&self) -> io::Result<bool> {
        match self {
            FrameEndpoint::Packet(socket) => socket.link_up(),
            FrameEndpoint::Link(link) => Ok(link.link_up()),
        }
    }

    /// Frames the kernel dropped since the last call (a socket link loses none: its sender
    /// waits or fails instead).
    pub fn kernel_drops(&self) -> io::Result<u64> {
        match self {
            FrameEndpoint::Packet(socket) => socket.kernel_drops(),
            FrameEndpoint::Link(_) => Ok(0),
        }
    }

    pub fn drops(&self) -> ReceiveDrops {
        match self {
            FrameEndpoint::Packet(socket) => socket.drops(),
            FrameEndpoint::Link(link) => link.drops(),
        }
    }
}

impl From<PacketSocket> for FrameEndpoint {
    fn from(socket: PacketSocket) -> Self {
        FrameEndpoint::Packet(socket)
    }
}

impl From<SocketLink> for FrameEndpoint {
    fn from(link: SocketLink) -> Self {
        FrameEndpoint::Link(link)
    }
}

impl AsFd for FrameEndpoint {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            FrameEndpoint::Packet(socket) => socket.as_fd(),
            FrameEndpoint::Link(link) => link.as_fd(),
        }
    }
}

impl AsRawFd for FrameEndpoint {
    fn as_raw_fd(&self) -> RawFd {
        self.as_fd().as_raw_fd()
    }
}
