//! The sockets the fast path sends L2TP from (PPPoE frames relayed up to LNSs, IP packets
//! down to LACs), one per address the engine has an L2TP socket on.
//!
//! Not the engine's sockets themselves where it can be helped: the one it sends control from
//! is registered with a reactor for writability (worker 0's since the listeners moved to the
//! workers; the engine thread's when stage 6 profiled it), and the kernel wakes a socket's
//! waiters each time it frees a sent datagram (`sock_def_write_space`), so every datagram a
//! data worker sent from it woke that thread (docs/performance.md, stage 6). Beside
//! each listener on a specific address a sender of its own is bound ([`bind_sender`]); the
//! wildcard socket (an ephemeral port on 0.0.0.0, for tunnels without a source address),
//! or a listener whose port cannot be shared, is sent from as before.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::Arc;

use tokio::net::UdpSocket;

use super::sockets::bind_sender;

/// One address's sending socket.
pub(super) struct L2tpSender {
    /// The engine's socket on the address: kept to tell whether it changed, and sent from
    /// when `own` could not be made.
    engine: Arc<UdpSocket>,
    own: Option<std::net::UdpSocket>,
}

impl L2tpSender {
    fn new(address: Ipv4Addr, engine: Arc<UdpSocket>) -> Self {
        let own = match engine.local_addr() {
            Ok(SocketAddr::V4(local)) if !address.is_unspecified() => match bind_sender(local) {
                Ok(own) => Some(own),
                Err(e) => {
                    tracing::debug!("l2tp: the data path sends from the engine's {local}: {e}");
                    None
                }
            },
            _ => None,
        };
        Self { engine, own }
    }

    /// Whether datagrams leave by a socket of the fast path's own.
    #[cfg(test)]
    pub(super) fn is_own(&self) -> bool {
        self.own.is_some()
    }
}

impl AsFd for L2tpSender {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match &self.own {
            Some(own) => own.as_fd(),
            None => self.engine.as_fd(),
        }
    }
}

/// The senders for the engine's sockets now: an address whose engine socket is the same
/// keeps its sender (a commit does not rebind what did not change); the others are made,
/// and those of sockets gone are dropped, which frees their port with the listener's.
pub(super) fn senders(
    mut old: BTreeMap<Ipv4Addr, L2tpSender>,
    sockets: impl IntoIterator<Item = (Ipv4Addr, Arc<UdpSocket>)>,
) -> BTreeMap<Ipv4Addr, L2tpSender> {
    sockets
        .into_iter()
        .map(|(address, socket)| {
            let sender = match old.remove(&address) {
                Some(kept) if Arc::ptr_eq(&kept.engine, &socket) => kept,
                _ => L2tpSender::new(address, socket),
            };
            (address, sender)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::sockets::share_port;

    async fn listener(address: &str) -> Arc<UdpSocket> {
        let socket = UdpSocket::bind(address).await.expect("bind");
        share_port(&socket);
        Arc::new(socket)
    }

    /// A listener on an address gets a sender of its own, kept while the listener stays,
    /// dropped with it (its port is then free to bind without sharing); the wildcard socket
    /// and a listener whose port is not shared are sent from themselves.
    #[tokio::test]
    async fn a_listener_gets_a_sender_of_its_own_kept_while_it_stays() {
        let a = listener("127.0.5.9:0").await;
        let unshared = Arc::new(UdpSocket::bind("127.0.5.10:0").await.expect("bind"));
        let wildcard = Arc::new(UdpSocket::bind("0.0.0.0:0").await.expect("bind"));
        let (at_a, at_unshared) = (Ipv4Addr::new(127, 0, 5, 9), Ipv4Addr::new(127, 0, 5, 10));
        let first = senders(
            BTreeMap::new(),
            [
                (at_a, Arc::clone(&a)),
                (at_unshared, Arc::clone(&unshared)),
                (Ipv4Addr::UNSPECIFIED, Arc::clone(&wildcard)),
            ],
        );
        assert!(first[&at_a].is_own());
        assert!(!first[&at_unshared].is_own());
        assert!(!first[&Ipv4Addr::UNSPECIFIED].is_own());
        use std::os::fd::AsRawFd;
        let own_fd = first[&at_a].as_fd().as_raw_fd();
        assert_ne!(own_fd, a.as_raw_fd());
        assert_eq!(
            first[&at_unshared].as_fd().as_raw_fd(),
            unshared.as_raw_fd()
        );

        let second = senders(first, [(at_a, Arc::clone(&a))]);
        assert_eq!(
            second[&at_a].as_fd().as_raw_fd(),
            own_fd,
            "kept, not rebound"
        );

        let port = a.local_addr().expect("bound");
        drop(second);
        drop(a);
        // Nothing of ours holds the port any more: a bind without sharing succeeds.
        std::net::UdpSocket::bind(port).expect("the port is free again");
    }
}
