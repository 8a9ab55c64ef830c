//! What an L2TP socket reader reads (`task.rs` `read`): a listener, or a tunnel's connected
//! socket.
//!
//! A listener is tokio's `UdpSocket`: the engine sends control on it too, so the reactor
//! watches it for reading and writing. A tunnel's socket is only read by its worker, but the
//! fast path sends relayed data on it from any worker (`l2tp_batch.rs`), and the kernel
//! wakes whoever watches a UDP socket for writability each time it frees a sent datagram
//! (`sock_def_write_space`). Watched for writability, every relayed datagram would wake the
//! tunnel's worker from its epoll wait: measured (docs/performance.md, stage 8), one session
//! relayed by one worker onto a tunnel read by the other relayed 30–40 % fewer packets per
//! CPU-second.
//! Registered for reading only, epoll drops that wake-up before it reaches a thread.

use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::Arc;

use tokio::io::unix::AsyncFd;
use tokio::io::Interest;
use tokio::net::UdpSocket;

use crate::io::datagram_batch::DatagramBatch;
use crate::io::packet_socket::{recv_datagrams, recv_datagrams_connected, register_readable};

/// A tunnel's connected socket as the fast path holds it.
pub(super) type TunnelSocket = Arc<AsyncFd<std::net::UdpSocket>>;

/// A tunnel's socket registered with the current runtime for reading only.
pub(super) fn tunnel_socket(socket: std::net::UdpSocket) -> io::Result<TunnelSocket> {
    Ok(Arc::new(register_readable(socket)?))
}

#[derive(Clone)]
pub(super) enum ReadSocket {
    /// A listener or the wildcard socket: the engine sends on it as well.
    Shared(Arc<UdpSocket>),
    /// A tunnel's connected socket and the peer it is connected to: read here, sent on
    /// only by the fast path.
    ReadOnly(TunnelSocket, SocketAddr),
}

impl ReadSocket {
    /// Waits until the kernel reports datagrams.
    pub(super) async fn readable(&self) -> io::Result<()> {
        match self {
            ReadSocket::Shared(socket) => socket.readable().await,
            // The guard dropped without clearing: `try_recv` clears on WouldBlock.
            ReadSocket::ReadOnly(socket, _) => socket.readable().await.map(drop),
        }
    }

    /// One recvmmsg into `batch`; WouldBlock (readiness cleared) when nothing is queued.
    pub(super) fn try_recv(&self, batch: &mut DatagramBatch) -> io::Result<usize> {
        match self {
            ReadSocket::Shared(socket) => {
                socket.try_io(Interest::READABLE, || recv_datagrams(socket.as_fd(), batch))
            }
            ReadSocket::ReadOnly(socket, peer) => socket.try_io(Interest::READABLE, |inner| {
                recv_datagrams_connected(inner.as_fd(), *peer, batch)
            }),
        }
    }

    /// The socket the engine may send on, for a listener.
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
            ReadSocket::ReadOnly(socket, _) => socket.get_ref().as_fd(),
        }
    }
}
