//! The L2TP datagrams one fast-path batch sends (PPPoE frames relayed up to LNSs, IP packets
//! relayed down to LACs): reused buffers, each kept with its destination and the address of
//! the socket it leaves by, sent with one sendmmsg per source socket.

use super::l2tp_senders::L2tpSender;
use crate::io::packet_socket::send_datagrams_to;
use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::os::fd::AsFd;

#[derive(Default)]
pub struct L2tpBatch {
    datagrams: Vec<Vec<u8>>,
    /// The source socket's address (0.0.0.0: the wildcard socket) and the destination.
    targets: Vec<(Ipv4Addr, SocketAddrV4)>,
    filled: usize,
    sources: Vec<Ipv4Addr>,
}

impl L2tpBatch {
    /// Forgets the previous batch; the buffers stay.
    pub(super) fn start(&mut self) {
        self.filled = 0;
    }

    /// The buffer the next datagram is written into; [`L2tpBatch::keep`] keeps it.
    pub(super) fn next_buffer(&mut self) -> &mut Vec<u8> {
        if self.filled == self.datagrams.len() {
            self.datagrams.push(Vec::new());
            self.targets.push((
                Ipv4Addr::UNSPECIFIED,
                SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0),
            ));
        }
        &mut self.datagrams[self.filled]
    }

    /// Keeps the datagram just written for `destination`, from our socket on `source`
    /// (`None`: the wildcard socket). L2TP runs over IPv4 here: another destination is
    /// not kept.
    pub(super) fn keep(&mut self, source: Option<Ipv4Addr>, destination: SocketAddr) {
        if let SocketAddr::V4(destination) = destination {
            self.targets[self.filled] = (source.unwrap_or(Ipv4Addr::UNSPECIFIED), destination);
            self.filled += 1;
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.filled == 0
    }

    /// Sends the batch, one sendmmsg per source socket (almost always one); returns how
    /// many datagrams no socket took.
    pub(super) fn send(&mut self, sockets: &BTreeMap<Ipv4Addr, L2tpSender>) -> usize {
        let filled = &self.datagrams[..self.filled];
        let targets = &self.targets[..self.filled];
        self.sources.clear();
        for (source, _) in targets {
            if !self.sources.contains(source) {
                self.sources.push(*source);
            }
        }
        let mut failed = 0;
        for source in &self.sources {
            let of_source = filled
                .iter()
                .zip(targets)
                .filter(|(_, (s, _))| s == source)
                .map(|(datagram, (_, destination))| (&datagram[..], *destination));
            let count = of_source.clone().count();
            let sent = match sockets.get(source) {
                Some(socket) => send_datagrams_to(socket.as_fd(), of_source).unwrap_or(0),
                None => 0,
            };
            failed += count - sent;
        }
        failed
    }
}
