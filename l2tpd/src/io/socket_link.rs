//! A frame endpoint over a Unix datagram socket: each datagram is one whole Ethernet frame.
//! The lab and the unprivileged tests use it instead of an interface (no root, no namespace).
//!
//! Two ends: the daemon [`SocketLink::bind`]s a path; the subscriber emulator
//! [`SocketLink::connect`]s to it from a path of its own. The daemon end sends to the address
//! of the last datagram it received (one emulator per link, as one cable per port), so it
//! cannot send before the emulator has spoken, which PPPoE never needs: the client starts
//! with a PADI. [`SocketLink::pair`] makes both ends in one process.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::path::Path;

use super::frame_batch::{FrameBatch, HEADROOM};
use super::frame_endpoint::ReceiveDrops;
use crate::pppoe::wire::MacAddr;

/// A socket link is plain Ethernet: no RFC 4638 baby jumbo frames.
pub const SOCKET_LINK_MTU: u32 = 1500;

#[derive(Debug)]
pub struct SocketLink {
    socket: UnixDatagram,
    mac: MacAddr,
    peer: Peer,
    link_up: bool,
    drops: ReceiveDrops,
}

#[derive(Debug)]
enum Peer {
    /// connect()ed or a socketpair: plain send.
    Connected,
    /// The bound daemon end: whoever sent last.
    LastSender(Option<SocketAddr>),
}

impl SocketLink {
    /// The daemon's end, listening at `path` with the interface MAC `mac` (choose a
    /// locally-administered one: first octet with bit 1 set, e.g. 02:…).
    pub fn bind(path: impl AsRef<Path>, mac: MacAddr) -> io::Result<SocketLink> {
        let socket = UnixDatagram::bind(path)?;
        Self::new(socket, mac, Peer::LastSender(None))
    }

    /// The emulator's end: bound at `local` (so the daemon can answer) and connected to the
    /// daemon's `remote` path.
    pub fn connect(
        local: impl AsRef<Path>,
        remote: impl AsRef<Path>,
        mac: MacAddr,
    ) -> io::Result<SocketLink> {
        let socket = UnixDatagram::bind(local)?;
        socket.connect(remote)?;
        Self::new(socket, mac, Peer::Connected)
    }

    /// Both ends of a link in one process (an in-process emulator, unit tests).
    pub fn pair(mac_a: MacAddr, mac_b: MacAddr) -> io::Result<(SocketLink, SocketLink)> {
        let (a, b) = UnixDatagram::pair()?;
        Ok((
            Self::new(a, mac_a, Peer::Connected)?,
            Self::new(b, mac_b, Peer::Connected)?,
        ))
    }

    fn new(socket: UnixDatagram, mac: MacAddr, peer: Peer) -> io::Result<SocketLink> {
        socket.set_nonblocking(true)?;
        Ok(SocketLink {
            socket,
            mac,
            peer,
            link_up: true,
            drops: ReceiveDrops::default(),
        })
    }

    pub fn mac(&self) -> MacAddr {
        self.mac
    }

    pub fn mtu(&self) -> u32 {
        SOCKET_LINK_MTU
    }

    pub fn link_up(&self) -> bool {
        self.link_up
    }

    /// Pulls or plugs the simulated cable, so tests can exercise the lost-link path: while
    /// down, received frames are discarded (counted) and sends fail with ENETDOWN, as on an
    /// interface without carrier.
    pub fn set_link_up(&mut self, up: bool) {
        self.link_up = up;
    }

    pub fn drops(&self) -> ReceiveDrops {
        self.drops
    }

    /// Fills `out` with queued datagrams, one frame each; `WouldBlock` when none were queued.
    pub fn recv_batch(&mut self, out: &mut FrameBatch) -> io::Result<usize> {
        out.clear();
        for slot in 0..out.capacity() {
            // The area is one byte longer than the largest frame: a datagram that fills it
            // was longer and got cut (std's recv_from does not report MSG_TRUNC).
            let area = &mut out.slot_mut(slot)[HEADROOM..];
            let (len, sender) = match self.socket.recv_from(area) {
                Ok(received) => received,
                Err(error) if slot == 0 => return Err(error),
                // WouldBlock ends the batch; a later error shows again on the next call.
                Err(_) => break,
            };
            if !self.link_up {
                self.drops.link_down += 1;
                continue;
            }
            if len > out.max_frame_len() {
                self.drops.truncated += 1;
                continue;
            }
            if let Peer::LastSender(last) = &mut self.peer {
                *last = Some(sender);
            }
            out.deliver(slot, HEADROOM..HEADROOM + len);
        }
        Ok(out.len())
    }

    /// Sends whole frames in order, one datagram each; returns how many of the first ones
    /// went out (an error only when none did).
    pub fn send_batch<'a>(&self, frames: impl IntoIterator<Item = &'a [u8]>) -> io::Result<usize> {
        if !self.link_up {
            return Err(io::Error::from_raw_os_error(libc::ENETDOWN));
        }
        let mut sent = 0;
        for frame in frames {
            let result = match &self.peer {
                Peer::Connected => self.socket.send(frame),
                Peer::LastSender(Some(peer)) => self.socket.send_to_addr(frame, peer),
                Peer::LastSender(None) => Err(io::Error::new(
                    io::ErrorKind::NotConnected,
                    "socket link: no peer has sent a frame yet",
                )),
            };
            match result {
                Ok(_) => sent += 1,
                Err(error) if sent == 0 => return Err(error),
                Err(_) => break,
            }
        }
        Ok(sent)
    }
}

impl AsFd for SocketLink {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.socket.as_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::frame_batch::DEFAULT_MAX_FRAME_LEN;

    const LAC: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0x01]);
    const CLIENT: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0x02]);

    /// A PADI-sized frame whose bytes say which one it is.
    fn frame(index: u16) -> Vec<u8> {
        let mut frame = [MacAddr::BROADCAST.0, CLIENT.0].concat();
        frame.extend([
            0x88, 0x63, 0x11, 0x09, 0x00, 0x00, 0x00, 0x04, 0x01, 0x01, 0x00, 0x00,
        ]);
        frame.extend(index.to_be_bytes());
        frame.resize(60, 0);
        frame
    }

    #[test]
    fn daemon_end_replies_to_the_emulator_over_paths() {
        let dir = tempfile::tempdir().unwrap();
        let mut daemon = SocketLink::bind(dir.path().join("lac.sock"), LAC).unwrap();
        let mut emulator = SocketLink::connect(
            dir.path().join("client.sock"),
            dir.path().join("lac.sock"),
            CLIENT,
        )
        .unwrap();
        let mut batch = FrameBatch::new(8, DEFAULT_MAX_FRAME_LEN);
        assert_eq!(
            daemon.send_batch([&frame(0)[..]]).unwrap_err().kind(),
            io::ErrorKind::NotConnected,
            "the daemon end has no peer before the first frame"
        );
        assert_eq!(
            daemon.recv_batch(&mut batch).unwrap_err().kind(),
            io::ErrorKind::WouldBlock
        );

        assert_eq!(emulator.send_batch([&frame(1)[..]]).unwrap(), 1);
        assert_eq!(daemon.recv_batch(&mut batch).unwrap(), 1);
        assert_eq!(batch.get(0), Some(&frame(1)[..]));

        assert_eq!(
            daemon.send_batch([&frame(2)[..], &frame(3)[..]]).unwrap(),
            2
        );
        assert_eq!(emulator.recv_batch(&mut batch).unwrap(), 2);
        assert_eq!(
            batch.frames().collect::<Vec<_>>(),
            [&frame(2)[..], &frame(3)[..]]
        );
        assert_eq!(
            (daemon.mac(), daemon.mtu(), daemon.link_up()),
            (LAC, 1500, true)
        );
    }

    #[test]
    fn many_frames_arrive_in_order_in_reused_batches() {
        let (a, mut b) = SocketLink::pair(LAC, CLIENT).unwrap();
        let frames: Vec<Vec<u8>> = (0..200).map(frame).collect();
        let mut batch = FrameBatch::new(32, DEFAULT_MAX_FRAME_LEN);
        let mut received = Vec::new();
        let mut sent = 0;
        // The socket buffer holds fewer than 200 frames: send what fits, drain, repeat.
        while received.len() < frames.len() {
            sent += a
                .send_batch(frames[sent..].iter().map(Vec::as_slice))
                .or_else(|e| {
                    if e.kind() == io::ErrorKind::WouldBlock {
                        Ok(0)
                    } else {
                        Err(e)
                    }
                })
                .unwrap();
            match b.recv_batch(&mut batch) {
                Ok(n) => {
                    assert!(n <= 32);
                    received.extend(batch.frames().map(<[u8]>::to_vec));
                }
                Err(e) => assert_eq!(e.kind(), io::ErrorKind::WouldBlock),
            }
        }
        assert_eq!(received, frames);
    }

    #[test]
    fn oversized_frames_and_frames_on_a_down_link_are_dropped_and_counted() {
        let (a, mut b) = SocketLink::pair(LAC, CLIENT).unwrap();
        let mut batch = FrameBatch::new(4, 100);
        let big = [0u8; 101];
        a.send_batch([&big[..], &frame(7)[..]]).unwrap();
        assert_eq!(b.recv_batch(&mut batch).unwrap(), 1);
        assert_eq!(batch.get(0), Some(&frame(7)[..]));
        assert_eq!(b.drops().truncated, 1);

        b.set_link_up(false);
        a.send_batch([&frame(8)[..]]).unwrap();
        assert_eq!(b.recv_batch(&mut batch).unwrap(), 0);
        assert_eq!(b.drops().link_down, 1);
        assert!(!b.link_up());
        assert_eq!(
            b.send_batch([&frame(9)[..]]).unwrap_err().raw_os_error(),
            Some(libc::ENETDOWN)
        );
    }
}
