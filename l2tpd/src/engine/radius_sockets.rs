//! The RADIUS client's UDP sockets: opened when the client first sends on one (it asks for
//! another when 256 identifiers are in flight on each it has), each read by a task of its
//! own that hands replies to the engine. No RADIUS logic lives here.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::net::UdpSocket;
use tokio::sync::mpsc as channel;
use tokio::task::JoinHandle;

use crate::aaa::client::{SocketId, Transmit};

/// Largest RADIUS packet (RFC 2865 §3).
const MAX_PACKET: usize = 4096;

pub(super) struct RadiusReceived {
    pub(super) socket: SocketId,
    pub(super) from: SocketAddr,
    pub(super) bytes: Vec<u8>,
}

struct Open {
    socket: Arc<UdpSocket>,
    reader: JoinHandle<()>,
}

impl Drop for Open {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

pub(super) struct RadiusSockets {
    open: HashMap<SocketId, Open>,
    queue: channel::Sender<RadiusReceived>,
}

impl RadiusSockets {
    pub(super) fn new(queue: channel::Sender<RadiusReceived>) -> Self {
        Self {
            open: HashMap::new(),
            queue,
        }
    }

    /// Sends one request, opening its socket first if needed. A socket that cannot be bound
    /// (a `source-address` not on this host) loses the request: the client's timeout then
    /// moves it to the next server, and the log says why.
    pub(super) async fn send(&mut self, transmit: Transmit) {
        let socket = match self.open.get(&transmit.socket) {
            Some(open) => Arc::clone(&open.socket),
            None => match self.bind(transmit.socket).await {
                Some(socket) => socket,
                None => return,
            },
        };
        if let Err(e) = socket.send_to(&transmit.bytes, transmit.to).await {
            tracing::debug!("radius send to {}: {e}", transmit.to);
        }
    }

    async fn bind(&mut self, id: SocketId) -> Option<Arc<UdpSocket>> {
        let source = id.source.unwrap_or(Ipv4Addr::UNSPECIFIED);
        match UdpSocket::bind(SocketAddr::new(source.into(), 0)).await {
            Ok(socket) => {
                let socket = Arc::new(socket);
                let reader = tokio::spawn(read(Arc::clone(&socket), id, self.queue.clone()));
                self.open.insert(
                    id,
                    Open {
                        socket: Arc::clone(&socket),
                        reader,
                    },
                );
                Some(socket)
            }
            Err(e) => {
                tracing::warn!("radius: cannot bind a socket on {source}: {e}");
                None
            }
        }
    }
}

async fn read(socket: Arc<UdpSocket>, id: SocketId, queue: channel::Sender<RadiusReceived>) {
    let mut buf = vec![0u8; MAX_PACKET];
    loop {
        match socket.recv_from(&mut buf).await {
            Ok((len, from)) => {
                let bytes = buf.get(..len).unwrap_or_default().to_vec();
                let received = RadiusReceived {
                    socket: id,
                    from,
                    bytes,
                };
                if queue.send(received).await.is_err() {
                    return;
                }
            }
            // ICMP port unreachable from an earlier send: the server is down; the client's
            // timeout deals with it.
            Err(e) => tracing::debug!("radius receive: {e}"),
        }
    }
}
