//! The subscriber interfaces as `show interfaces` sees them, and the AAA logout
//! (`clear network-access aaa subscriber`). Read from above the subscriber table, as the
//! other views are (`views.rs`); the logout ends subscribers through
//! [`SubscriberLayer::clear`], exactly as `clear pppoe sessions` does.
//!
//! Junos puts every dynamic subscriber on a logical unit of a physical interface: `pp0.N`
//! under `pp0` for a PPPoE session at the LAC, `si-X/Y/Z.N` under the tunnel group's
//! inline service interface at the LNS. The unit number is the one `show subscribers` and
//! `show services l2tp session` print ([`crate::registry::interface::unit`]).

use std::collections::BTreeMap;
use std::time::Instant;

use schema::interface_rpc::{
    AddressFamily, AdminStatus, InterfaceShow, Interfaces, LoggedOut, LogicalInterface,
    PhysicalInterface, ServiceInterfaceDrops, SubscriberLogout, SubscribersLoggedOut,
    TrafficStatistics, UnitL2tp, UnitPppoe, UnitVlan,
};
use schema::subscriber_rpc::{MacAddress, SubscriberState};
use schema::typed::RouterConfig;

use super::auto_vlan::AutoVlan;
use super::lac::SubscriberLayer;
use super::lns::SERVICE_MTU;
use super::table::{AccessLeg, Subscriber};
use super::views::{interface_name, lcp_state_name, state};
use crate::registry::{interface, Registry};

/// The physical interface of every LAC subscriber's unit.
pub(super) const PPPOE_DEVICE: &str = "pp0";

/// The physical interface a subscriber's unit sits on: `pp0`, or its service interface.
pub(super) fn device(subscriber: &Subscriber) -> String {
    match (&subscriber.access, &subscriber.service) {
        // Test calls are filtered out of every view; were one shown, it is the LAC's.
        (AccessLeg::Pppoe { .. } | AccessLeg::TestCall(_), _) => PPPOE_DEVICE.to_string(),
        (AccessLeg::L2tp { .. }, Some(service)) => service.to_string(),
        // No service interface (the group names none): the name the other shows use.
        (AccessLeg::L2tp { .. }, None) => interface_name(subscriber)
            .rsplit_once('.')
            .map_or_else(String::new, |(device, _)| device.to_string()),
    }
}

pub(super) fn unit_name(subscriber: &Subscriber) -> String {
    // A static pp0 unit is the subscriber's interface by its own number.
    if let (false, Some(_)) = (subscriber.is_lns(), subscriber.static_unit) {
        return interface_name(subscriber);
    }
    format!("{}.{}", device(subscriber), interface::unit(subscriber.id))
}

/// The L2TP session of a unit: the call the subscriber arrived in (LNS), or the one its PPP
/// is tunnelled through (LAC), once the registry has placed it.
fn l2tp(subscriber: &Subscriber, registry: &Registry) -> Option<UnitL2tp> {
    let (group, remote_name, tunnel_id, session_id) = match &subscriber.access {
        AccessLeg::L2tp {
            tunnel_id,
            session_id,
            group,
            lac,
        } => (group.clone(), lac.clone(), *tunnel_id, *session_id),
        AccessLeg::Pppoe { .. } | AccessLeg::TestCall(_) => {
            let (tunnel_id, session_id) = registry.locate_call(subscriber.id)?;
            (
                subscriber.profile.clone().unwrap_or_default(),
                String::new(),
                tunnel_id,
                session_id?,
            )
        }
    };
    Some(UnitL2tp {
        tunnel_group: group,
        remote_name,
        tunnel_local_id: tunnel_id,
        tunnel_remote_id: registry.remote_tunnel_id(tunnel_id).unwrap_or(0),
        session_local_id: session_id,
        session_remote_id: registry
            .remote_session_id(tunnel_id, session_id)
            .unwrap_or(0),
    })
}

fn logical(subscriber: &Subscriber, now: Instant, registry: &Registry) -> LogicalInterface {
    let pppoe = match &subscriber.access {
        AccessLeg::Pppoe {
            session_id,
            mac,
            underlying,
            ..
        } => Some(UnitPppoe {
            session_id: *session_id,
            remote_mac_address: MacAddress(*mac),
            underlying_interface: underlying.clone(),
        }),
        AccessLeg::L2tp { .. } | AccessLeg::TestCall(_) => None,
    };
    // Only the LNS terminates the subscriber's IP: our address is the pool's gateway, the
    // peer's the one it leased (a point-to-point unit, as Junos shows it).
    let address_family = subscriber.lease.as_ref().map(|lease| AddressFamily {
        address_family_name: "inet".into(),
        mtu: super::ppp_sizes::tunnelled_interface_mtu(subscriber.mtu, subscriber.mru),
        local: Some(lease.local),
        destination: Some(lease.address),
    });
    LogicalInterface {
        name: unit_name(subscriber),
        subscriber_session_id: subscriber.id.0,
        state: state(subscriber.phase),
        user_name: subscriber.user.clone(),
        encapsulation: if subscriber.is_lns() { "PPP" } else { "PPPoE" }.into(),
        lcp_state: lcp_state_name(subscriber),
        uptime: now.saturating_duration_since(subscriber.since).as_secs(),
        l2tp: l2tp(subscriber, registry),
        pppoe,
        vlan: None,
        address_family,
        traffic_statistics: subscriber.traffic(),
    }
}

/// An auto-sensed VLAN's unit: up while it exists, its tags and profiles, and the traffic of
/// its subscribers, those on it now (`live`) and those gone. Summed here from what the data
/// workers already count per session: no count of its own on the data path.
fn vlan_unit(vlan: &AutoVlan, live: &[&Subscriber]) -> LogicalInterface {
    let mut traffic = vlan.gone;
    for subscriber in live {
        traffic.add(&subscriber.traffic());
    }
    let uptime = std::time::SystemTime::now()
        .duration_since(vlan.created)
        .map_or(0, |d| d.as_secs());
    LogicalInterface {
        name: vlan.name.clone(),
        subscriber_session_id: 0,
        state: SubscriberState::Active,
        user_name: None,
        // Junos' encapsulation of an Ethernet VLAN unit.
        encapsulation: "ENET2".into(),
        lcp_state: String::new(),
        uptime,
        l2tp: None,
        pppoe: None,
        vlan: Some(UnitVlan {
            vlan_ids: vlan.vlans.clone(),
            vlan_tpids: vlan.tpids.clone(),
            dynamic_profile: vlan.profile.clone(),
            pppoe_dynamic_profile: vlan.pppoe_profile.clone(),
            pppoe_sessions: u32::try_from(vlan.sessions).unwrap_or(u32::MAX),
        }),
        address_family: None,
        traffic_statistics: traffic,
    }
}

/// Each port with auto-sensed VLANs, its VLAN units in unit order, its counters theirs.
fn vlan_ports<'a>(
    vlans: Vec<AutoVlan>,
    subscribers: impl Iterator<Item = &'a Subscriber>,
) -> Vec<PhysicalInterface> {
    let mut on_vlan: BTreeMap<&str, Vec<&Subscriber>> = BTreeMap::new();
    for subscriber in subscribers {
        if let AccessLeg::Pppoe { underlying, .. } = &subscriber.access {
            on_vlan.entry(underlying).or_default().push(subscriber);
        }
    }
    let mut ports: BTreeMap<String, Vec<LogicalInterface>> = BTreeMap::new();
    for vlan in &vlans {
        let live = on_vlan
            .get(vlan.name.as_str())
            .map_or(&[][..], Vec::as_slice);
        ports
            .entry(vlan.port.clone())
            .or_default()
            .push(vlan_unit(vlan, live));
    }
    ports
        .into_iter()
        .map(|(name, units)| {
            let mut totals = TrafficStatistics::default();
            for unit in &units {
                totals.add(&unit.traffic_statistics);
            }
            // Ports with auto-sensed VLANs: a disabled port has none (its VLANs end).
            PhysicalInterface {
                name,
                admin_status: AdminStatus::Up,
                if_type: "Ethernet".into(),
                mtu: None,
                logical_interface_count: u32::try_from(units.len()).unwrap_or(u32::MAX),
                address_families: vec!["pppoe".into()],
                traffic_statistics: totals,
                drops: None,
                units,
            }
        })
        .collect()
}

impl SubscriberLayer {
    /// The physical subscriber interfaces, each with its units in unit order: `pp0` when
    /// PPPoE is configured or has sessions, every service interface a tunnel group names
    /// or a subscriber still uses.
    fn physical_interfaces(
        &self,
        now: Instant,
        registry: &Registry,
        config: &RouterConfig,
    ) -> Vec<PhysicalInterface> {
        let mut devices: BTreeMap<String, Vec<&Subscriber>> = BTreeMap::new();
        if !self.access.counters().is_empty() {
            devices.entry(PPPOE_DEVICE.to_string()).or_default();
        }
        for group in config.l2tp.tunnel_groups.values() {
            if let Some(name) = &group.service_interface {
                devices.entry(name.clone()).or_default();
            }
        }
        for subscriber in self.table.iter().filter(|s| !s.is_test_call()) {
            devices
                .entry(device(subscriber))
                .or_default()
                .push(subscriber);
        }
        let drops = &self.lns.ip_drops;
        let drops = ServiceInterfaceDrops {
            spoofed_source: drops.spoofed.saturating_add(drops.spoofed_fast),
            no_subscriber: drops.no_subscriber,
            malformed: drops.malformed,
            no_service_interface: drops.no_service_interface,
            filtered: drops.filtered.saturating_add(drops.filtered_fast),
        };
        devices
            .into_iter()
            .map(|(name, mut subscribers)| {
                subscribers.sort_by_key(|s| s.id);
                let units: Vec<LogicalInterface> = subscribers
                    .iter()
                    .map(|s| logical(s, now, registry))
                    .collect();
                let mut totals = TrafficStatistics::default();
                for unit in &units {
                    totals.add(&unit.traffic_statistics);
                }
                let pppoe = name == PPPOE_DEVICE;
                let disabled = config.interfaces.get(&name).is_some_and(|i| i.disable);
                PhysicalInterface {
                    admin_status: if disabled {
                        AdminStatus::Down
                    } else {
                        AdminStatus::Up
                    },
                    if_type: if pppoe { "PPPoE" } else { "Adaptive-Services" }.into(),
                    mtu: (!pppoe).then_some(SERVICE_MTU),
                    logical_interface_count: u32::try_from(units.len()).unwrap_or(u32::MAX),
                    // A service interface carries the pools' gateways (inet) with or without
                    // subscribers; a LAC unit's PPP is tunnelled, it carries no family.
                    address_families: if pppoe {
                        Vec::new()
                    } else {
                        vec!["inet".into()]
                    },
                    traffic_statistics: totals,
                    drops: (!pppoe).then_some(drops),
                    units,
                    name,
                }
            })
            .collect()
    }

    /// `show interfaces [NAME]`: every subscriber interface, one physical interface, or one
    /// unit. A name that is none of them is Junos' `device NAME not found`.
    pub fn show_interfaces(
        &self,
        now: Instant,
        registry: &Registry,
        config: &RouterConfig,
        show: &InterfaceShow,
    ) -> Result<Interfaces, String> {
        let mut physical = self.physical_interfaces(now, registry, config);
        physical.extend(vlan_ports(
            self.access.auto_vlans(),
            self.table.iter().filter(|s| !s.is_test_call()),
        ));
        let Some(name) = show.name.as_deref() else {
            return Ok(Interfaces {
                physical,
                logical: Vec::new(),
            });
        };
        if let Some(found) = physical.iter().find(|p| p.name == name) {
            return Ok(Interfaces {
                physical: vec![found.clone()],
                logical: Vec::new(),
            });
        }
        let unit = physical
            .into_iter()
            .flat_map(|p| p.units)
            .find(|u| u.name == name);
        match unit {
            Some(unit) => Ok(Interfaces {
                physical: Vec::new(),
                logical: vec![unit],
            }),
            None => Err(format!("device {name} not found")),
        }
    }

    /// `clear network-access aaa subscriber (username U | session-id N)`: each subscriber
    /// named ends as an operator clear ends it (the LNS sends its CDN, the LAC its PADT and
    /// CDN). Nobody matching is an error naming who was asked for.
    pub fn logout_subscribers(
        &mut self,
        now: Instant,
        target: &SubscriberLogout,
        registry: &mut Registry,
    ) -> Result<SubscribersLoggedOut, String> {
        let matches = |s: &Subscriber| match target {
            SubscriberLogout::Username(user) => s.user.as_deref() == Some(user.as_str()),
            SubscriberLogout::SessionId(id) => s.id.0 == *id,
        };
        // A test call is no subscriber: nobody logs it out.
        let matches = |s: &Subscriber| !s.is_test_call() && matches(s);
        let mut chosen: Vec<LoggedOut> = self
            .table
            .iter()
            .filter(|s| matches(s))
            .map(|s| LoggedOut {
                subscriber_session_id: s.id.0,
                user_name: s.user.clone(),
                interface: unit_name(s),
            })
            .collect();
        if chosen.is_empty() {
            return Err(match target {
                SubscriberLogout::Username(user) => format!("subscriber {user} not found"),
                SubscriberLogout::SessionId(id) => format!("subscriber session {id} not found"),
            });
        }
        chosen.sort_by_key(|l| l.subscriber_session_id);
        self.clear(now, matches, registry);
        Ok(SubscribersLoggedOut {
            subscribers: chosen,
        })
    }
}
