//! What an L2TP socket reader reads (`task.rs` `read`): one socket of a listener
//! ([`super::sockets::Listener`]).
//!
//! The socket the engine sends its control from (each listener's first data socket) is
//! tokio's `UdpSocket`, watched for reading and writing. The others are only read, by their
//! worker: the kernel wakes whoever watches a UDP socket for writability each time it frees
//! a sent datagram (`sock_def_write_space`), and a socket registered for reading only never
//! has that wake-up reach a thread (measured, docs/performance.md, stage 8: a wake-up per
//! relayed datagram cost the woken worker 30–40 % of its packets per CPU-second).

use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::Arc;

use tokio::io::unix::AsyncFd;
use tokio::io::Interest;
use tokio::net::UdpSocket;

use crate::io::datagram_batch::DatagramBatch;
use crate::io::packet_socket::{recv_datagrams, register_readable};

/// A socket registered with the current runtime for reading only.
pub(super) fn read_only(socket: std::net::UdpSocket) -> io::Result<ReadSocket> {
    Ok(ReadSocket::ReadOnly(Arc::new(register_readable(socket)?)))
}

#[derive(Clone)]
pub(super) enum ReadSocket {
    /// The engine sends on it as well.
    Shared(Arc<UdpSocket>),
    /// Read here only.
    ReadOnly(Arc<AsyncFd<std::net::UdpSocket>>),
}

impl ReadSocket {
    /// Waits until the kernel reports datagrams.
    pub(super) async fn readable(&self) -> io::Result<()> {
        match self {
            ReadSocket::Shared(socket) => socket.readable().await,
            // The guard dropped without clearing: `try_recv` clears on WouldBlock.
            ReadSocket::ReadOnly(socket) => socket.readable().await.map(drop),
        }
    }

    /// One recvmmsg into `batch`; WouldBlock (readiness cleared) when nothing is queued.
    pub(super) fn try_recv(&self, batch: &mut DatagramBatch) -> io::Result<usize> {
        match self {
            ReadSocket::Shared(socket) => {
                socket.try_io(Interest::READABLE, || recv_datagrams(socket.as_fd(), batch))
            }
            ReadSocket::ReadOnly(socket) => socket.try_io(Interest::READABLE, |inner| {
                recv_datagrams(inner.as_fd(), batch)
            }),
        }
    }

    /// The socket the engine may send on.
    pub(super) fn shared(&self) -> Option<&Arc<UdpSocket>> {
        match self {
            ReadSocket::Shared(socket) => Some(socket),
            ReadSocket::ReadOnly(..) => None,
        }
    }
}

impl AsFd for ReadSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            ReadSocket::Shared(socket) => socket.as_fd(),
            ReadSocket::ReadOnly(socket) => socket.get_ref().as_fd(),
        }
    }
}
