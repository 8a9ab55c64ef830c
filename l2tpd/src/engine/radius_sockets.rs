//! The RADIUS client's UDP sockets: opened when the client first sends on one (it asks for
//! another when 256 identifiers are in flight on each it has), each read by a task of its
//! own that hands replies to the engine. No RADIUS logic lives here.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::Arc;

use tokio::net::UdpSocket;
use tokio::sync::mpsc as channel;
use tokio::task::JoinHandle;

use super::udp_bind::{bind_std_udp, bind_udp};

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
    /// `device`: the VRF device of the socket's routing instance (`aaa-routing-instance`),
    /// which the socket is bound to; `None` for the main table.
    pub(super) async fn send(&mut self, transmit: Transmit, device: Option<&str>) {
        let socket = match self.open.get(&transmit.socket) {
            Some(open) => Arc::clone(&open.socket),
            None => match self.bind(transmit.socket, device) {
                Some(socket) => socket,
                None => return,
            },
        };
        if let Err(e) = socket.send_to(&transmit.bytes, transmit.to).await {
            tracing::debug!("radius send to {}: {e}", transmit.to);
        }
    }

    fn bind(&mut self, id: SocketId, device: Option<&str>) -> Option<Arc<UdpSocket>> {
        let source = id.source.unwrap_or(Ipv4Addr::UNSPECIFIED);
        match bind_udp(SocketAddr::new(source.into(), 0), device) {
            Ok(socket) => {
                // 256 identifiers a socket: a server answering a burst sends up to 256
                // replies at once, more than the default buffer holds (~270 small skbs);
                // a reply lost there costs the subscriber a retransmission timeout.
                super::sockets::enlarge_receive_buffer(&socket);
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
                let vrf = device.map(|d| format!(" in VRF {d}")).unwrap_or_default();
                tracing::warn!("radius: cannot bind a socket on {source}{vrf}: {e}");
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

/// The address the kernel sends from to `to` in routing instance `instance` (`None`: the
/// main table): a UDP socket connected to it says, and no datagram leaves. The client's
/// NAS-IP-Address of a server without `source-address` (`aaa::nas_address`).
pub(super) fn local_address_towards(instance: Option<&str>, to: SocketAddrV4) -> Option<Ipv4Addr> {
    let device = instance.map(schema::typed::vrf_device_name);
    let any = SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), 0);
    let found = bind_std_udp(any, device.as_deref())
        .and_then(|socket| socket.connect(to).and_then(|()| socket.local_addr()));
    match found {
        Ok(SocketAddr::V4(local)) => Some(*local.ip()),
        Ok(SocketAddr::V6(_)) => None,
        Err(e) => {
            tracing::warn!("radius: no source address towards {to}: {e}; no NAS-IP-Address");
            None
        }
    }
}

/// A Disconnect- or CoA-Request that arrived on the dynamic-authorization port.
pub(super) struct DynamicReceived {
    pub(super) from: SocketAddr,
    pub(super) bytes: Vec<u8>,
}

/// The dynamic-authorization port (`access radius-disconnect-port`, 3799): listened on only
/// while `access radius-disconnect` names a client, so two routers on one host (the lab)
/// need not share it.
pub(super) struct DynamicAuthListener {
    bound: Option<(u16, Arc<UdpSocket>, JoinHandle<()>)>,
    queue: channel::Sender<DynamicReceived>,
}

impl DynamicAuthListener {
    pub(super) fn new(queue: channel::Sender<DynamicReceived>) -> Self {
        Self { bound: None, queue }
    }

    /// Listens on `port` (none: closes). Err: the port cannot be bound, said as an operator
    /// reads it.
    pub(super) async fn listen(&mut self, port: Option<u16>) -> Result<(), String> {
        if self.bound.as_ref().map(|(p, _, _)| *p) == port {
            return Ok(());
        }
        let Some(port) = port else {
            if let Some((_, _, reader)) = self.bound.take() {
                reader.abort();
            }
            return Ok(());
        };
        // The new port first: if it cannot be had, the old one stays (the commit fails).
        let at = SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), port);
        let socket = UdpSocket::bind(at).await.map_err(|e| {
            format!("access radius-disconnect-port {port}: cannot listen on UDP {at}: {e}")
        })?;
        if let Some((_, _, reader)) = self.bound.take() {
            reader.abort();
        }
        tracing::info!("radius dynamic authorization listening on {at}");
        let socket = Arc::new(socket);
        let queue = self.queue.clone();
        let reader_socket = Arc::clone(&socket);
        let reader = tokio::spawn(async move {
            let mut buf = vec![0u8; MAX_PACKET];
            loop {
                match reader_socket.recv_from(&mut buf).await {
                    Ok((len, from)) => {
                        let bytes = buf.get(..len).unwrap_or_default().to_vec();
                        if queue.send(DynamicReceived { from, bytes }).await.is_err() {
                            return;
                        }
                    }
                    Err(e) => tracing::debug!("radius dynamic authorization receive: {e}"),
                }
            }
        });
        self.bound = Some((port, socket, reader));
        Ok(())
    }

    pub(super) async fn answer(&self, to: SocketAddr, bytes: &[u8]) {
        if let Some((_, socket, _)) = &self.bound {
            if let Err(e) = socket.send_to(bytes, to).await {
                tracing::debug!("radius dynamic authorization answer to {to}: {e}");
            }
        }
    }
}

impl Drop for DynamicAuthListener {
    fn drop(&mut self) {
        if let Some((_, _, reader)) = self.bound.take() {
            reader.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kernel's choice towards a loopback server is a loopback address; nothing is sent.
    #[test]
    fn the_address_towards_a_server_is_the_kernels_source_for_it() {
        let to = SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, 9), 1812);
        let local = local_address_towards(None, to).expect("a route to loopback");
        assert!(local.is_loopback(), "{local}");
    }
}
