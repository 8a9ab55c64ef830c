//! `show route` and `show route summary`: the routes this router holds for its subscribers,
//! read from the tables that forward their packets — never a list kept beside them. A
//! subscriber whose IPCP is up has:
//!
//! - its own address, an `Access-internal` /32 at preference 12 (Junos installs it so for
//!   every PPP subscriber), while it holds the address (`by_address`);
//! - each route its dynamic profile's `routing-options access` (or, without a profile, its
//!   Framed-Routes) installed: `Access`, the profile's preference (13 by default), metric,
//!   tag and next hop, while the prefix still leads to it (`by_prefix`: a later subscriber
//!   given the same prefix has taken it).
//!
//! Each route lives in the table of the subscriber's routing instance (`RI.inet.0`, or
//! `inet.0`). Beside them, the `routing-options static` routes this daemon installed
//! ([`InstalledStatic`], kept by engine::static_routes): `Static` at preference 5. The pools' networks on the service interfaces are left out: they are how Linux
//! reaches the subscribers, where Junos has no route of its own.

use std::collections::BTreeMap;
use std::time::Instant;

use schema::route_rpc::{
    table_name, NextHop, NextHopType, ProtocolSummary, RouteInformation, RouteProtocol, RouteShow,
    RouteSummaryInformation, RouteSummaryShow, RouteSummaryTable, RouteTable, Rt, RtEntry,
    TableCounts, STATIC_PREFERENCE,
};
use schema::typed::{RouterConfig, StaticNextHop};

use super::framed_routes::installed_routes;
use super::lac::SubscriberLayer;
use super::table::Phase;
use crate::io::prefix_table::Prefix;

/// Junos' preference of a subscriber's own address ("access-internal routes … preference
/// 12").
pub const ACCESS_INTERNAL_PREFERENCE: u32 = 12;

/// The routes of one table, by destination in Junos' order (address, then length); each
/// destination's routes with the preferred first.
type Table = BTreeMap<Prefix, Vec<RtEntry>>;

/// One static route the kernel took, since when, in which instance (`None`: the main one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstalledStatic {
    pub instance: Option<String>,
    pub prefix: Prefix,
    pub next_hop: StaticNextHop,
    pub since: Instant,
}

impl InstalledStatic {
    fn entry(&self, now: Instant) -> RtEntry {
        let hop = |to, nh_type| NextHop {
            to,
            via: None,
            nh_type,
        };
        let nh = match &self.next_hop {
            StaticNextHop::Gateways(gateways) => {
                gateways.iter().map(|g| hop(Some(*g), None)).collect()
            }
            StaticNextHop::Discard => vec![hop(None, Some(NextHopType::Discard))],
            StaticNextHop::Reject => vec![hop(None, Some(NextHopType::Reject))],
        };
        RtEntry {
            active_tag: None,
            protocol_name: RouteProtocol::Static,
            preference: STATIC_PREFERENCE,
            age: now.saturating_duration_since(self.since).as_secs(),
            metric: None,
            rt_tag: None,
            nh,
        }
    }
}

impl SubscriberLayer {
    /// Every table that holds a route, by name.
    fn route_tables(&self, now: Instant, statics: &[InstalledStatic]) -> BTreeMap<String, Table> {
        let mut tables: BTreeMap<String, Table> = BTreeMap::new();
        for route in statics {
            tables
                .entry(table_name(route.instance.as_deref()))
                .or_default()
                .entry(route.prefix)
                .or_default()
                .push(route.entry(now));
        }
        for subscriber in self.table.iter() {
            let (Phase::Active, Some(lease), Some(since)) =
                (subscriber.phase, &subscriber.lease, subscriber.routes_since)
            else {
                continue;
            };
            let table = tables
                .entry(table_name(subscriber.routing_instance.as_deref()))
                .or_default();
            let via = super::views::interface_name(subscriber);
            let age = now.saturating_duration_since(since).as_secs();
            let route = |protocol, preference, metric, rt_tag, to| RtEntry {
                active_tag: None,
                protocol_name: protocol,
                preference,
                age,
                metric,
                rt_tag,
                nh: vec![NextHop {
                    to,
                    via: Some(via.clone()),
                    nh_type: None,
                }],
            };
            if self.lns.by_address.get(&lease.address) == Some(&subscriber.id) {
                if let Some(host) = Prefix::new(lease.address, 32) {
                    table.entry(host).or_default().push(route(
                        RouteProtocol::AccessInternal,
                        ACCESS_INTERNAL_PREFERENCE,
                        None,
                        None,
                        None,
                    ));
                }
            }
            for access in installed_routes(subscriber) {
                if self.lns.by_prefix.get(access.prefix) != Some(&subscriber.id) {
                    continue;
                }
                table.entry(access.prefix).or_default().push(route(
                    RouteProtocol::Access,
                    access.preference,
                    access.metric,
                    access.tag,
                    // A route to "the subscriber itself" goes to its address, as `show
                    // subscribers detail` says.
                    Some(access.next_hop.unwrap_or(lease.address)),
                ));
            }
        }
        for table in tables.values_mut() {
            for entries in table.values_mut() {
                // The lower preference wins (Static's 5, Access-internal's 12 over an Access
                // route's 13): the packet path gives an address a subscriber holds first too.
                entries.sort_by_key(|e| (e.preference, e.protocol_name));
                if let Some(best) = entries.first_mut() {
                    best.active_tag = Some("*".into());
                }
            }
        }
        tables
    }

    /// The tables `wanted` names (every one when `None`), in Junos' order: the default
    /// instance's, then the routing instances' by name. A name that begins no table the
    /// router has or is configured for is an error.
    fn selected_tables(
        &self,
        now: Instant,
        config: &RouterConfig,
        statics: &[InstalledStatic],
        wanted: Option<&str>,
    ) -> Result<Vec<(String, Table)>, String> {
        let mut tables = self.route_tables(now, statics);
        if let Some(wanted) = wanted {
            let known = std::iter::once(table_name(None))
                .chain(
                    config
                        .routing_instances
                        .keys()
                        .map(|ri| table_name(Some(ri))),
                )
                .chain(tables.keys().cloned());
            if !known.into_iter().any(|name| name.starts_with(wanted)) {
                return Err(format!("routing table {wanted} not found"));
            }
            tables.retain(|name, _| name.starts_with(wanted));
        }
        let default = tables.remove(&table_name(None));
        Ok(default
            .map(|t| (table_name(None), t))
            .into_iter()
            .chain(tables)
            .collect())
    }

    /// `show route [PREFIX [exact]] [protocol P] [table T]`: a table none of whose routes
    /// is selected is left out, as Junos leaves it.
    pub fn show_route(
        &self,
        now: Instant,
        config: &RouterConfig,
        statics: &[InstalledStatic],
        show: &RouteShow,
    ) -> Result<RouteInformation, String> {
        let mut reply = RouteInformation::default();
        for (name, table) in self.selected_tables(now, config, statics, show.table.as_deref())? {
            let mut shown = RouteTable {
                table_name: name,
                counts: counts(&table),
                ..RouteTable::default()
            };
            let longest = show
                .destination
                .filter(|_| !show.exact)
                .and_then(|d| {
                    table
                        .keys()
                        .filter(|p| d.is_within(p.network(), p.length()))
                        .max_by_key(|p| p.length())
                })
                .copied();
            for (prefix, entries) in table {
                let selected = match show.destination {
                    None => true,
                    Some(d) if show.exact => {
                        d.address == prefix.network() && d.length == prefix.length()
                    }
                    Some(d) => {
                        Some(prefix) == longest || d.covers(prefix.network(), prefix.length())
                    }
                };
                let entries: Vec<RtEntry> = entries
                    .into_iter()
                    .filter(|e| show.protocol.is_none_or(|p| e.protocol_name == p))
                    .collect();
                if selected && !entries.is_empty() {
                    shown.destinations.push(Rt {
                        rt_destination: prefix.to_string(),
                        entries,
                    });
                }
            }
            if !shown.destinations.is_empty() {
                reply.tables.push(shown);
            }
        }
        Ok(reply)
    }

    /// `show route summary [table T]`: each table's routes by protocol.
    pub fn show_route_summary(
        &self,
        now: Instant,
        config: &RouterConfig,
        statics: &[InstalledStatic],
        show: &RouteSummaryShow,
    ) -> Result<RouteSummaryInformation, String> {
        let mut reply = RouteSummaryInformation::default();
        for (name, table) in self.selected_tables(now, config, statics, show.table.as_deref())? {
            let mut protocols: BTreeMap<RouteProtocol, ProtocolSummary> = BTreeMap::new();
            for entry in table.values().flatten() {
                let p = protocols
                    .entry(entry.protocol_name)
                    .or_insert(ProtocolSummary {
                        protocol_name: entry.protocol_name,
                        protocol_route_count: 0,
                        active_route_count: 0,
                    });
                p.protocol_route_count += 1;
                p.active_route_count += u32::from(entry.active_tag.is_some());
            }
            reply.tables.push(RouteSummaryTable {
                counts: counts(&table),
                table_name: name,
                protocols: protocols.into_values().collect(),
            });
        }
        Ok(reply)
    }
}

/// The whole table's counts: every destination has one active route, none is held down or
/// hidden.
fn counts(table: &Table) -> TableCounts {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    TableCounts {
        destination_count: count(table.len()),
        total_route_count: count(table.values().map(Vec::len).sum()),
        active_route_count: count(table.len()),
        holddown_route_count: 0,
        hidden_route_count: 0,
    }
}
