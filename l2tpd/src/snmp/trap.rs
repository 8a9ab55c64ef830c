//! The trap sender, sans-IO: `snmp trap-group` turned into the datagrams one notification
//! becomes (an SNMPv2c Trap, RFC 3416 §4.2.6, and/or an SNMPv1 Trap, RFC 1157 §4.1.6, per
//! target), with a rate bound so that a flood of refused requests cannot make the agent
//! flood the trap receivers in turn. The runtime sends what comes out without waiting.
//!
//! Notifications are RFC 3418's standard ones and RFC 2863's linkDown / linkUp;
//! JNX-L2TP-MIB defines none.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use rasn::types::{Integer, ObjectIdentifier, OctetString};
use rasn_smi::v1::{IpAddress, NetworkAddress, TimeTicks};
use rasn_smi::v2::{ApplicationSyntax, ObjectSyntax, SimpleSyntax};
use rasn_snmp::v2::{Pdu, Pdus, Trap, VarBind, VarBindValue};
use schema::typed::{SnmpConfig, TrapVersion};

use super::if_mib::{ADMIN_UP, IF_ENTRY};
use super::if_state::{oper_of, LinkChange};

/// sysUpTime.0 (RFC 3418), the first variable of every SNMPv2 trap.
const SYS_UP_TIME_0: &[u32] = &[1, 3, 6, 1, 2, 1, 1, 3, 0];
/// snmpTrapOID.0, the second.
const SNMP_TRAP_OID_0: &[u32] = &[1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0];
/// snmpTraps: coldStart is .1, warmStart .2, linkDown .3, linkUp .4, authenticationFailure .5.
const SNMP_TRAPS: &[u32] = &[1, 3, 6, 1, 6, 3, 1, 1, 5];
/// The enterprise of an SNMPv1 trap: juniperMIB, under which Junos devices name
/// themselves (their sysObjectID).
const ENTERPRISE: &[u32] = &[1, 3, 6, 1, 4, 1, 2636];

/// At most this many trap datagrams in one [`RATE_WINDOW`]; more are dropped and counted.
pub const MAX_TRAPS_PER_WINDOW: u32 = 100;
pub const RATE_WINDOW: Duration = Duration::from_secs(1);

/// A notification the router sends, and the trap category that selects it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notification {
    /// The daemon started: its agent comes up with the daemon.
    ColdStart,
    /// The agent started again inside a running daemon (`snmp` configured anew), as Junos
    /// sends warmStart when its SNMP process restarts.
    WarmStart,
    /// A request with a community the agent does not have, or from a client its community
    /// refuses.
    AuthenticationFailure,
    /// An interface's operational state changed (RFC 2863 §6): linkUp when it came up,
    /// linkDown when it went down.
    Link(LinkChange),
}

impl Notification {
    pub fn category(self) -> &'static str {
        match self {
            Notification::ColdStart | Notification::WarmStart => "startup",
            Notification::AuthenticationFailure => "authentication",
            Notification::Link(_) => "link",
        }
    }

    /// RFC 1157's generic-trap number, and RFC 3584 §3.1's snmpTraps arc.
    fn generic(self) -> u32 {
        match self {
            Notification::ColdStart => 0,
            Notification::WarmStart => 1,
            Notification::Link(LinkChange { up: false, .. }) => 2,
            Notification::Link(LinkChange { up: true, .. }) => 3,
            Notification::AuthenticationFailure => 4,
        }
    }

    /// The notification's own variables: for linkUp / linkDown, the interface's ifIndex,
    /// ifAdminStatus and ifOperStatus (RFC 2863's OBJECTS clause), in both versions. All
    /// are INTEGERs.
    fn variables(self) -> Vec<(ObjectIdentifier, Integer)> {
        let Notification::Link(change) = self else {
            return Vec::new();
        };
        let i = change.if_index;
        let column = |c: u32| oid(&[IF_ENTRY, &[c, i]].concat());
        vec![
            (column(1), Integer::from(i)),
            (column(7), Integer::from(ADMIN_UP)),
            (column(8), Integer::from(oper_of(change.up))),
        ]
    }
}

/// One trap PDU to send to one target.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Destination {
    target: SocketAddr,
    community: String,
    v1: bool,
    v2: bool,
    category_of: Vec<String>,
    every_category: bool,
    /// The VRF device of the group's `routing-instance`; `None`: the main table.
    device: Option<String>,
}

/// What a trap sender counts, for `show snmp statistics`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrapCounters {
    /// Trap datagrams handed to the socket.
    pub sent: u64,
    /// Trap datagrams not sent: over the rate bound, or the socket refused them.
    pub dropped: u64,
}

/// The configured trap groups, ready to turn a notification into datagrams.
pub struct TrapSender {
    destinations: Vec<Destination>,
    agent_address_outgoing: bool,
    /// sysUpTime counts from here (the daemon's start).
    started: Instant,
    window_start: Option<Instant>,
    in_window: u32,
    counters: TrapCounters,
}

/// One datagram to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub target: SocketAddr,
    /// The VRF device to send it in (its trap group's `routing-instance`), else the main
    /// table.
    pub device: Option<String>,
    pub datagram: Vec<u8>,
}

impl TrapSender {
    pub fn new(started: Instant) -> Self {
        TrapSender {
            destinations: Vec::new(),
            agent_address_outgoing: false,
            started,
            window_start: None,
            in_window: 0,
            counters: TrapCounters::default(),
        }
    }

    /// Takes `snmp trap-group` and `trap-options` on commit; counters carry on.
    pub fn reconfigure(&mut self, config: &SnmpConfig) {
        self.agent_address_outgoing = config.trap_agent_address_outgoing;
        self.destinations = if config.enabled {
            config
                .trap_groups
                .iter()
                .flat_map(|(name, group)| {
                    let (v1, v2) = match group.version {
                        TrapVersion::All => (true, true),
                        TrapVersion::V1 => (true, false),
                        TrapVersion::V2 => (false, true),
                    };
                    let device = group
                        .routing_instance
                        .as_deref()
                        .filter(|instance| *instance != "default")
                        .map(schema::typed::vrf_device_name);
                    group.targets.iter().map(move |address| Destination {
                        target: SocketAddr::new(*address, group.destination_port),
                        community: name.clone(),
                        v1,
                        v2,
                        category_of: group.categories.clone().unwrap_or_default(),
                        every_category: group.categories.is_none(),
                        device: device.clone(),
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
    }

    /// True when some group takes `notification`: the runtime needs a socket only then.
    pub fn wants(&self, notification: Notification) -> bool {
        self.destinations
            .iter()
            .any(|d| d.takes(notification.category()))
    }

    pub fn counters(&self) -> TrapCounters {
        self.counters
    }

    /// Counts datagrams the runtime could not send.
    pub fn count_dropped(&mut self, n: u64) {
        self.counters.dropped += n;
        self.counters.sent = self.counters.sent.saturating_sub(n);
    }

    /// The datagrams `notification` becomes at `now`, each counted as sent; those over
    /// the rate bound are counted as dropped instead and left out. `outgoing` gives the
    /// local address a datagram to a target leaves by (in its VRF device, if any), which
    /// only the runtime knows: an SNMPv1 trap carries it as its agent address under
    /// `agent-address outgoing-interface` (IPv4 only: SNMPv1 has no IPv6 address), else
    /// 0.0.0.0.
    pub fn notify(
        &mut self,
        notification: Notification,
        now: Instant,
        outgoing: &dyn Fn(SocketAddr, Option<&str>) -> Option<IpAddr>,
    ) -> Vec<Outgoing> {
        let ticks = hundredths(now.saturating_duration_since(self.started));
        let mut out = Vec::new();
        for d in self
            .destinations
            .iter()
            .filter(|d| d.takes(notification.category()))
        {
            if d.v2 {
                out.push(Outgoing {
                    target: d.target,
                    device: d.device.clone(),
                    datagram: v2_trap(&d.community, notification, ticks),
                });
            }
            if d.v1 {
                let agent = match self
                    .agent_address_outgoing
                    .then(|| outgoing(d.target, d.device.as_deref()))
                {
                    Some(Some(IpAddr::V4(local))) => local,
                    _ => Ipv4Addr::UNSPECIFIED,
                };
                out.push(Outgoing {
                    target: d.target,
                    device: d.device.clone(),
                    datagram: v1_trap(&d.community, notification, ticks, agent),
                });
            }
        }
        let allowed = self.allow(out.len(), now);
        self.counters.dropped += (out.len() - allowed) as u64;
        self.counters.sent += allowed as u64;
        out.truncate(allowed);
        out
    }

    /// How many of `n` datagrams the rate bound lets through at `now`.
    fn allow(&mut self, n: usize, now: Instant) -> usize {
        let fresh = self
            .window_start
            .is_none_or(|start| now.saturating_duration_since(start) >= RATE_WINDOW);
        if fresh {
            self.window_start = Some(now);
            self.in_window = 0;
        }
        let room = MAX_TRAPS_PER_WINDOW.saturating_sub(self.in_window) as usize;
        let allowed = n.min(room);
        self.in_window += allowed as u32;
        allowed
    }
}

impl Destination {
    fn takes(&self, category: &str) -> bool {
        self.every_category || self.category_of.iter().any(|c| c == category)
    }
}

/// TimeTicks: hundredths of a second, wrapping at 2^32 as sysUpTime does.
fn hundredths(d: Duration) -> u32 {
    (d.as_millis() / 10 % (1u128 << 32)) as u32
}

fn oid(arcs: &[u32]) -> ObjectIdentifier {
    // Every OID here is a constant with two or more arcs, first 1: always valid.
    ObjectIdentifier::new(arcs.to_vec())
        .unwrap_or_else(|| ObjectIdentifier::new_unchecked(vec![1, 3].into()))
}

fn trap_oid(notification: Notification) -> Vec<u32> {
    [SNMP_TRAPS, &[notification.generic() + 1]].concat()
}

/// An SNMPv2c Trap: sysUpTime.0, snmpTrapOID.0 (RFC 3416 §4.2.6), then the
/// notification's variables.
fn v2_trap(community: &str, notification: Notification, ticks: u32) -> Vec<u8> {
    let mut bindings = vec![
        VarBind {
            name: oid(SYS_UP_TIME_0),
            value: VarBindValue::Value(ObjectSyntax::ApplicationWide(ApplicationSyntax::Ticks(
                TimeTicks(ticks),
            ))),
        },
        VarBind {
            name: oid(SNMP_TRAP_OID_0),
            value: VarBindValue::Value(ObjectSyntax::Simple(SimpleSyntax::ObjectId(oid(
                &trap_oid(notification),
            )))),
        },
    ];
    bindings.extend(
        notification
            .variables()
            .into_iter()
            .map(|(name, n)| VarBind {
                name,
                value: VarBindValue::Value(ObjectSyntax::Simple(SimpleSyntax::Integer(n))),
            }),
    );
    let message = rasn_snmp::v2c::Message {
        version: Integer::from(1),
        community: OctetString::from(community.as_bytes().to_vec()),
        data: Pdus::Trap(Trap(Pdu {
            request_id: 0,
            error_status: 0,
            error_index: 0,
            variable_bindings: bindings,
        })),
    };
    rasn::ber::encode(&message).unwrap_or_default()
}

/// An SNMPv1 Trap-PDU: generic-trap 0 to 4, with the notification's variables (RFC 1215;
/// RFC 3584 §3.1 maps the SNMPv2 ones to these).
fn v1_trap(community: &str, notification: Notification, ticks: u32, agent: Ipv4Addr) -> Vec<u8> {
    let message = rasn_snmp::v1::Message {
        version: Integer::from(0),
        community: OctetString::from(community.as_bytes().to_vec()),
        data: rasn_snmp::v1::Pdus::Trap(rasn_snmp::v1::Trap {
            enterprise: oid(ENTERPRISE),
            agent_addr: NetworkAddress::Internet(IpAddress(agent.octets().into())),
            generic_trap: Integer::from(notification.generic()),
            specific_trap: Integer::from(0),
            time_stamp: TimeTicks(ticks),
            variable_bindings: notification
                .variables()
                .into_iter()
                .map(|(name, n)| rasn_snmp::v1::VarBind {
                    name,
                    value: rasn_smi::v1::ObjectSyntax::Simple(rasn_smi::v1::SimpleSyntax::Number(
                        n,
                    )),
                })
                .collect(),
        }),
    };
    rasn::ber::encode(&message).unwrap_or_default()
}

#[cfg(test)]
#[path = "trap_tests.rs"]
mod tests;
