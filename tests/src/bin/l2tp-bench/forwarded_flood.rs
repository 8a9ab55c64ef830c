//! `l2tp-bench control-under-data` with the flooded session as deployed (the default): it
//! has an address (IPCP open) and the LNS a service interface, so a data worker forwards
//! its data to the TUN device on the fast path and the engine never sees it. The bench
//! runs in a network namespace of its own for that (the LNS's TUN device, and 198.18.0.1
//! on loopback, where the flood's IPv4 packets go: a UDP socket nobody reads, so the kernel
//! counts each packet that reaches it as a drop once its buffer is full).

use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use l2tp_tests::client::Client;
use l2tp_tests::flood::socket_drops;
use l2tp_tests::DaemonProcess;
use schema::mgmt::{Reply, Request};
use schema::subscriber_rpc::SubscriberShow;

use super::data_workers::{ppp_ipv4, GATEWAY, SINK_PORT};
use super::forwarding::{ip, own_network_namespace};

/// IPv4 octets of each flood packet: with PPP's protocol field a 64-byte PPP frame, as the
/// unforwarded flood's.
const IP_SIZE: usize = 62;

/// Moves the bench into its own network namespace (before the LNS and the LACs start, so
/// they live there too) and puts the sink's address on loopback.
pub fn enter() -> Result<(), String> {
    own_network_namespace(
        "control-under-data",
        "the LNS's TUN device (or give --flood-without-ip)",
    )?;
    ip(&format!("addr add {GATEWAY}/32 dev lo"))
}

/// Where the LNS forwards the flood: a socket on 198.18.0.1 that nobody reads.
pub struct Sink {
    socket: UdpSocket,
    drops: u64,
}

impl Sink {
    pub fn open() -> Result<Sink, String> {
        let socket = UdpSocket::bind((GATEWAY, SINK_PORT)).map_err(|e| format!("the sink: {e}"))?;
        socket.set_nonblocking(true).map_err(|e| e.to_string())?;
        let drops = socket_drops(SocketAddr::from((GATEWAY, SINK_PORT))).unwrap_or(0);
        Ok(Sink { socket, drops })
    }

    /// The flood's packets that reached the sink since the last call: those the kernel
    /// dropped there, and those still queued (read now, so the next row starts empty).
    pub fn take_count(&mut self) -> u64 {
        let mut buf = [0u8; 2048];
        let mut queued = 0;
        while self.socket.recv(&mut buf).is_ok() {
            queued += 1;
        }
        let drops = socket_drops(SocketAddr::from((GATEWAY, SINK_PORT))).unwrap_or(self.drops);
        let new = drops.saturating_sub(self.drops);
        self.drops = drops;
        new + queued
    }
}

/// The PPP frame the flood carries: an IPv4 packet from the session's `address` to the sink.
pub fn ppp(address: Ipv4Addr) -> Vec<u8> {
    ppp_ipv4(address, IP_SIZE)
}

/// The address the LNS gave the flooded session, once its IPCP is open.
pub fn subscriber_address(lns: &DaemonProcess, timeout: Duration) -> Result<Ipv4Addr, String> {
    super::lns_ip::wait_for_ip_up(lns, 1, Instant::now(), timeout, Duration::from_millis(50))?;
    let mut client = Client::connect(&lns.socket()).map_err(|e| format!("LNS socket: {e}"))?;
    match client.ok(&Request::GetSubscribers(SubscriberShow::default())) {
        Reply::Subscribers(reply) => reply
            .subscribers
            .iter()
            .find_map(|s| s.ip_address)
            .ok_or_else(|| "the flooded subscriber has no address at the LNS".to_string()),
        other => Err(format!("unexpected reply to the subscribers: {other:?}")),
    }
}
