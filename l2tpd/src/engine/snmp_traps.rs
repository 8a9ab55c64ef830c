//! The trap sender's runtime on the SNMP thread: the sockets traps leave by (bound to
//! `trap-options source-address` when it is set), and when to send coldStart and
//! warmStart. Sends never wait: a datagram the socket cannot take now is dropped and
//! counted, so traps never hold up the agent, and the engine never sees them.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Instant;

use schema::typed::SnmpConfig;

use super::udp_bind::bind_udp;
use crate::snmp::trap::{Notification, TrapCounters, TrapSender};

pub(super) struct Traps {
    sender: TrapSender,
    /// `trap-options source-address`, as the sockets below were bound.
    source: Option<IpAddr>,
    /// One socket per family and VRF device (a trap group's `routing-instance`), bound on
    /// first use.
    sockets: HashMap<SocketKey, std::net::UdpSocket>,
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
            sockets: HashMap::new(),
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
        // Every commit binds the sockets again on next use: the source address may have
        // changed, or a routing instance gone with its VRF device (a socket bound to a
        // deleted device sends nowhere).
        self.source = config.trap_source_address;
        self.sockets.clear();
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
        let outgoing = |target: SocketAddr, device: Option<&str>| {
            source.or_else(|| local_toward(target, device))
        };
        let out = self.sender.notify(notification, Instant::now(), &outgoing);
        let mut dropped = 0;
        for o in out {
            let Some(socket) = self.socket_for(o.target, o.device.as_deref()) else {
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

    /// The socket for the target's family in `device`'s VRF (or the main table), bound on
    /// first use: to the source address when it is of that family, else to any address
    /// (the kernel picks the route's). A VRF device that is not there is logged and the
    /// trap dropped: never sent by the main table instead.
    fn socket_for(
        &mut self,
        target: SocketAddr,
        device: Option<&str>,
    ) -> Option<&std::net::UdpSocket> {
        let key = SocketKey {
            v4: target.is_ipv4(),
            device: device.map(str::to_string),
        };
        if !self.sockets.contains_key(&key) {
            let address = self
                .source
                .filter(|s| s.is_ipv4() == target.is_ipv4())
                .unwrap_or_else(|| unspecified(target));
            // A plain socket (still non-blocking): sends need no readiness from tokio.
            match bind_udp(SocketAddr::new(address, 0), device).and_then(|s| s.into_std()) {
                Ok(socket) => {
                    self.sockets.insert(key.clone(), socket);
                }
                Err(e) => {
                    let vrf = device.map(|d| format!(" in VRF {d}")).unwrap_or_default();
                    tracing::warn!("snmp: cannot send traps from {address}{vrf}: {e}");
                    return None;
                }
            }
        }
        self.sockets.get(&key)
    }
}

/// Which socket a trap leaves by: its target's family and its group's VRF device.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct SocketKey {
    v4: bool,
    device: Option<String>,
}

fn unspecified(target: SocketAddr) -> IpAddr {
    match target {
        SocketAddr::V4(_) => Ipv4Addr::UNSPECIFIED.into(),
        SocketAddr::V6(_) => Ipv6Addr::UNSPECIFIED.into(),
    }
}

/// The local address the host would send from toward `target`, in `device`'s VRF when
/// given (what a connected UDP socket is given; nothing is sent).
fn local_toward(target: SocketAddr, device: Option<&str>) -> Option<IpAddr> {
    let probe = bind_udp(SocketAddr::new(unspecified(target), 0), device)
        .and_then(|s| s.into_std())
        .ok()?;
    probe.connect(target).ok()?;
    probe.local_addr().ok().map(|a| a.ip())
}

#[cfg(test)]
mod tests {
    use super::*;
    use schema::typed::{TrapGroup, TrapVersion};

    fn config(routing_instance: Option<&str>, target: SocketAddr) -> SnmpConfig {
        let mut config = schema::typed::router_config(&schema::tree::Node::default()).snmp;
        config.enabled = true;
        let group = TrapGroup {
            version: TrapVersion::V2,
            destination_port: target.port(),
            categories: None,
            routing_instance: routing_instance.map(str::to_string),
            targets: vec![target.ip()],
        };
        config.trap_groups.insert("noc".into(), group);
        config
    }

    /// A trap group in a routing instance whose VRF device is not there sends nothing: the
    /// trap is dropped and counted, never sent by the main table instead (the receiver on
    /// loopback, which the main table reaches, hears nothing). The same group without the
    /// instance reaches it.
    #[tokio::test]
    async fn a_trap_for_a_missing_vrf_is_dropped_not_sent_by_the_main_table() {
        let receiver = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        receiver.set_nonblocking(true).unwrap();
        let target = receiver.local_addr().unwrap();
        let mut traps = Traps::new(Instant::now());
        traps.apply(&config(Some("gone"), target));
        let counters = traps.counters();
        assert_eq!(
            (counters.sent, counters.dropped),
            (0, 1),
            "coldStart dropped"
        );
        let mut buf = [0u8; 1500];
        assert!(receiver.recv_from(&mut buf).is_err(), "nothing reached it");

        traps.apply(&config(None, target));
        traps.notify(Notification::AuthenticationFailure);
        assert_eq!(traps.counters().sent, 1);
        receiver.set_nonblocking(false).unwrap();
        receiver
            .set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        let (_, from) = receiver.recv_from(&mut buf).expect("the main table's trap");
        assert!(from.ip().is_loopback());
    }
}
