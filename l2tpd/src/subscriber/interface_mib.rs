//! The interfaces this router runs as IF-MIB rows: every configured physical interface and
//! its units (Junos has an ifIndex per IFD and per IFL), the tunnel groups' service
//! interfaces and `pp0`. Traffic is what `show interfaces` counts per subscriber, summed
//! per interface with that of subscribers that ended, so the counters never go back.
//!
//! A subscriber's own unit (`pp0.N` at the LAC, `si-X/Y/Z.N` at the LNS) is a row when its
//! dynamic profile says `interface-mib`, as on Junos, with the traffic `show interfaces`
//! gives it and an ifIndex from the subscribers' range (`if_index_pool`), released at
//! logout. Auto-sensed VLAN units are not rows.

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::Instant;

use schema::interface_rpc::TrafficStatistics;
use schema::typed::RouterConfig;

use super::dynamic_profile::Instance;
use super::interface_views::{device, unit_name, PPPOE_DEVICE};
use super::lac::SubscriberLayer;
use super::lns::SERVICE_MTU;
use super::ppp_sizes::tunnelled_interface_mtu;
use super::pppoe_access::PppoeAccess;
use super::table::{AccessLeg, Phase, Subscriber};
use crate::snmp::if_state::oper_of;
use crate::snmp::snapshot::{if_type, oper_status, InterfaceRow};

/// An Ethernet port's MTU until the engine has opened it and read the real one.
const ETHERNET_MTU: u16 = 1500;
/// `pp0`: a PPPoE session's payload over an Ethernet MTU (RFC 2516 §7: 1500 - 8).
const PPPOE_MTU: u16 = 1492;

/// The interface a subscriber sits on, and whether it is a PPPoE unit: its port's unit at
/// the LAC (`ge-0/0/1.100`), its service interface at the LNS. Borrowed from the subscriber
/// where it can be: a snapshot asks this of every subscriber.
fn leaf_interface(subscriber: &Subscriber) -> Option<(Cow<'_, str>, bool)> {
    match (&subscriber.access, &subscriber.service) {
        (AccessLeg::Pppoe { underlying, .. }, _) => Some((Cow::Borrowed(underlying), true)),
        (AccessLeg::L2tp { .. }, Some(service)) => Some((Cow::Borrowed(service), false)),
        (AccessLeg::L2tp { .. }, None) => Some((Cow::Owned(device(subscriber)), false)),
        (AccessLeg::TestCall(_), _) => None,
    }
}

/// The interfaces traffic on `leaf` counts toward: a PPPoE unit's also count toward its
/// port and `pp0`.
fn counted_on(leaf: &str, pppoe: bool) -> [Option<&str>; 3] {
    if !pppoe {
        return [Some(leaf), None, None];
    }
    let port = leaf.split('.').next().unwrap_or_default();
    [Some(leaf), Some(port), Some(PPPOE_DEVICE)]
}

/// A subscriber's own unit as an IF-MIB row, numbered (`if_index_pool`): ppp(23) as Junos
/// types a PPP interface; up once LCP is open until the subscriber is on its way out
/// (RFC 1471: a PPP interface is up while LCP is Opened).
fn subscriber_row(subscriber: &Subscriber, if_index: u32) -> InterfaceRow {
    let pppoe = matches!(subscriber.access, AccessLeg::Pppoe { .. });
    let lower = if pppoe { PPPOE_MTU } else { SERVICE_MTU };
    let oper_status = match subscriber.phase {
        Phase::Negotiating | Phase::Terminating => oper_status::DOWN,
        Phase::Authenticating | Phase::Addressing | Phase::Tunnelling | Phase::Active => {
            oper_status::UP
        }
    };
    InterfaceRow {
        name: unit_name(subscriber),
        if_index,
        if_type: if_type::PPP,
        mtu: tunnelled_interface_mtu(subscriber.mtu, subscriber.mru)
            .unwrap_or(lower)
            .into(),
        oper_status,
        // What `show interfaces` counts for the unit.
        traffic: Some(subscriber.traffic()),
        ..InterfaceRow::default()
    }
}

impl SubscriberLayer {
    /// The ifIndex of a subscriber logging in at `now` whose dynamic profile is `profile`:
    /// one only when the profile says `interface-mib`.
    pub(super) fn if_index_for(&mut self, now: Instant, profile: &Instance) -> Option<u32> {
        profile
            .interface_mib
            .then(|| self.if_indexes.take(now))
            .flatten()
    }

    /// A subscriber ended at `now`: its traffic stays counted on its interfaces, and its
    /// ifIndex goes to rest (`if_index_pool`).
    pub(super) fn interface_gone(&mut self, now: Instant, subscriber: &Subscriber) {
        if let Some(n) = subscriber.if_index {
            self.if_indexes.release(n, now);
        }
        let Some((leaf, pppoe)) = leaf_interface(subscriber) else {
            return;
        };
        let traffic = subscriber.traffic();
        for name in counted_on(&leaf, pppoe).into_iter().flatten() {
            self.gone_traffic
                .entry(name.to_string())
                .or_default()
                .add(&traffic);
        }
    }

    /// IF-MIB's rows: the configured interfaces unnumbered (the SNMP side numbers them),
    /// then the subscribers with `interface-mib`, numbered.
    pub fn snmp_interfaces(&self, config: &RouterConfig) -> Vec<InterfaceRow> {
        // One lookup per subscriber, into its unit's sum; then the few units into their
        // ports and pp0.
        let mut per_leaf: HashMap<Cow<'_, str>, (bool, TrafficStatistics)> = HashMap::new();
        for subscriber in self.table.iter() {
            if let Some((leaf, pppoe)) = leaf_interface(subscriber) {
                let sum = per_leaf
                    .entry(leaf)
                    .or_insert((pppoe, TrafficStatistics::default()));
                sum.1.add(&subscriber.traffic());
            }
        }
        let mut live: HashMap<&str, TrafficStatistics> = HashMap::new();
        for (leaf, (pppoe, sum)) in &per_leaf {
            for name in counted_on(leaf, *pppoe).into_iter().flatten() {
                live.entry(name).or_default().add(sum);
            }
        }
        let counted = |name: &str| {
            let mut total = self.gone_traffic.get(name).copied().unwrap_or_default();
            if let Some(now) = live.get(name) {
                total.add(now);
            }
            Some(total)
        };
        let ports = PppoeAccess::wanted_ports(config);

        let mut rows = Vec::new();
        for (name, interface) in &config.interfaces {
            let service = name.starts_with("si-");
            let port = ports.contains(name);
            let (mtu, oper) = match self.access.port_link(name) {
                // Down when `disable`d (RFC 2863: no traffic passes), whatever the link.
                _ if interface.disable => {
                    let mtu = if service { SERVICE_MTU } else { ETHERNET_MTU };
                    (mtu, oper_status::DOWN)
                }
                // The LNS's service interfaces run while they are configured.
                _ if service => (SERVICE_MTU, oper_status::UP),
                Some((mtu, up)) => (mtu, oper_of(up)),
                // A PPPoE port the engine could not open: the host has no such interface.
                None if port => (ETHERNET_MTU, oper_status::NOT_PRESENT),
                // Core-facing interfaces are the host's: the daemon does not watch them.
                None => (ETHERNET_MTU, oper_status::UNKNOWN),
            };
            rows.push(InterfaceRow {
                name: name.clone(),
                if_type: if service {
                    if_type::PPP
                } else {
                    if_type::ETHERNET_CSMACD
                },
                mtu: mtu.into(),
                admin_down: interface.disable,
                oper_status: oper,
                alias: interface.description.clone().unwrap_or_default(),
                traffic: if service || port { counted(name) } else { None },
                ..InterfaceRow::default()
            });
            for (number, unit) in &interface.units {
                let unit_name = format!("{name}.{number}");
                // A PPPoE unit's subscribers are counted on it; an LNS unit's are on
                // their dynamic units (rows of their own with `interface-mib`).
                let traffic = unit.pppoe.is_some().then(|| counted(&unit_name)).flatten();
                let admin_down = interface.disable || unit.disable;
                rows.push(InterfaceRow {
                    name: unit_name,
                    if_type: if_type::PROP_VIRTUAL,
                    mtu: mtu.into(),
                    admin_down,
                    oper_status: if admin_down { oper_status::DOWN } else { oper },
                    alias: unit.description.clone().unwrap_or_default(),
                    traffic,
                    ..InterfaceRow::default()
                });
            }
        }
        for group in config.l2tp.tunnel_groups.values() {
            let Some(name) = &group.service_interface else {
                continue;
            };
            if config.interfaces.contains_key(name) || rows.iter().any(|r| &r.name == name) {
                continue;
            }
            rows.push(InterfaceRow {
                name: name.clone(),
                if_type: if_type::PPP,
                mtu: SERVICE_MTU.into(),
                oper_status: oper_status::UP,
                traffic: counted(name),
                ..InterfaceRow::default()
            });
        }
        if !ports.is_empty() {
            rows.push(InterfaceRow {
                name: PPPOE_DEVICE.to_string(),
                if_type: if_type::PPP,
                mtu: PPPOE_MTU.into(),
                oper_status: oper_status::UP,
                traffic: counted(PPPOE_DEVICE),
                ..InterfaceRow::default()
            });
        }
        for subscriber in self.table.iter() {
            if let Some(if_index) = subscriber.if_index {
                rows.push(subscriber_row(subscriber, if_index));
            }
        }
        rows
    }
}
