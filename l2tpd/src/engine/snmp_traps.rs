//! The trap sender's runtime on the SNMP thread: the sockets traps leave by (bound to
//! `trap-options source-address` when it is set), and when to send coldStart and
//! warmStart. Sends never wait: a datagram the socket cannot take now is dropped and
//! counted, so traps never hold up the agent, and the engine never sees them.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Instant;

use schema::typed::SnmpConfig;

use super::snmp_sockets::bind_udp;
use crate::snmp::trap::{Notification, TrapCounters, TrapSender};

pub(super) struct Traps {
    sender: TrapSender,
    /// `trap-options source-address`, as the sockets below were bound.
    source: Option<IpAddr>,
    v4: Option<std::net::UdpSocket>,
    v6: Option<std::net::UdpSocket>,
    /// No configuration was applied yet: the next is the daemon's start.
    starting: bool,
    /// `snmp` was configured at the last commit (the agent was running).
    running: bool,
}

impl Traps {
    pub fn new(started: Instant) -> Self {
        Traps {
            sender: TrapSender::new(started),
            source: None,
            v4: None,
            v6: None,
            starting: true,
            running: false,
        }
    }

    pub fn counters(&self) -> TrapCounters {
        self.sender.counters()
    }

    /// Takes a commit's `[edit snmp]`. The first one, at the daemon's start, sends
    /// coldStart; SNMP configured again in a running daemon (the agent restarting) sends
    /// warmStart, as Junos does when its SNMP process restarts.
    pub fn apply(&mut self, config: &SnmpConfig) {
        self.sender.reconfigure(config);
        if self.source != config.trap_source_address {
            self.source = config.trap_source_address;
            self.v4 = None;
            self.v6 = None;
        }
        let startup = match (self.starting, self.running, config.enabled) {
            (true, _, true) => Some(Notification::ColdStart),
            (false, false, true) => Some(Notification::WarmStart),
            _ => None,
        };
        self.starting = false;
        self.running = config.enabled;
        if let Some(notification) = startup {
            self.notify(notification);
        }
    }

    /// Sends `notification` to every target whose group takes its category.
    pub fn notify(&mut self, notification: Notification) {
        if !self.sender.wants(notification) {
            return;
        }
        let source = self.source;
        let outgoing = |target: SocketAddr| source.or_else(|| local_toward(target));
        let out = self.sender.notify(notification, Instant::now(), &outgoing);
        let mut dropped = 0;
        for o in out {
            let Some(socket) = self.socket_for(o.target) else {
                dropped += 1;
                continue;
            };
            // Non-blocking: a full socket buffer drops the trap rather than waiting.
            if let Err(e) = socket.send_to(&o.datagram, o.target) {
                tracing::debug!("snmp: trap to {}: {e}", o.target);
                dropped += 1;
            }
        }
        if dropped > 0 {
            self.sender.count_dropped(dropped);
        }
    }

    /// The socket for the target's family, bound on first use: to the source address
    /// when it is of that family, else to any address (the kernel picks the route's).
    fn socket_for(&mut self, target: SocketAddr) -> Option<&std::net::UdpSocket> {
        let (slot, any): (&mut Option<std::net::UdpSocket>, IpAddr) = match target {
            SocketAddr::V4(_) => (&mut self.v4, Ipv4Addr::UNSPECIFIED.into()),
            SocketAddr::V6(_) => (&mut self.v6, Ipv6Addr::UNSPECIFIED.into()),
        };
        if slot.is_none() {
            let address = self
                .source
                .filter(|s| s.is_ipv4() == target.is_ipv4())
                .unwrap_or(any);
            // A plain socket (still non-blocking): sends need no readiness from tokio.
            match bind_udp(SocketAddr::new(address, 0)).and_then(|s| s.into_std()) {
                Ok(socket) => *slot = Some(socket),
                Err(e) => {
                    tracing::warn!("snmp: cannot send traps from {address}: {e}");
                    return None;
                }
            }
        }
        slot.as_ref()
    }
}

/// The local address the host would send from toward `target` (what a connected UDP
/// socket is given; nothing is sent).
fn local_toward(target: SocketAddr) -> Option<IpAddr> {
    let any: IpAddr = match target {
        SocketAddr::V4(_) => Ipv4Addr::UNSPECIFIED.into(),
        SocketAddr::V6(_) => Ipv6Addr::UNSPECIFIED.into(),
    };
    let probe = std::net::UdpSocket::bind(SocketAddr::new(any, 0)).ok()?;
    probe.connect(target).ok()?;
    probe.local_addr().ok().map(|a| a.ip())
}
