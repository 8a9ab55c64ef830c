//! The operator's views of the subscriber tables: `show subscribers`, `show pppoe
//! interfaces | statistics | service-name-tables`, and the clears. Read from above the
//! tables, as the L2TP views are (`registry::show`); nothing here changes protocol state
//! except the clears, which end subscribers exactly as a client's PADT would.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use schema::l2tp_rpc::Level;
use schema::subscriber_rpc::{
    AccessType, AuthenticationProtocol, Count, MacAddress, PppoeCleared, PppoeInterface,
    PppoeInterfaceStatistics, PppoeInterfaces, PppoeSelect, PppoeServiceEntry,
    PppoeServiceNameTable, PppoeServiceNameTables, PppoeSessionState, PppoeStatistics,
    Subscriber as SubscriberRow, SubscriberCounters, SubscriberShow, SubscriberState,
    SubscriberSummary, SubscriberTunnel, Subscribers as SubscriberRows,
};
use schema::typed::RouterConfig;

use super::auto_vlan::AutoVlan;
use super::lac::SubscriberLayer;
use super::table::{AccessLeg, LcpTakeover, Phase, Subscriber};
use crate::l2tp::session::Role;
use crate::pppoe::discovery::DiscoveryCounters;
use crate::registry::{interface, Registry};

/// `pp0.UNIT` at the LAC, `si-0/0/0.UNIT` at the LNS: the same interface `show services
/// l2tp session` prints for the subscriber's call; a static unit (`si-1/0/0.5`,
/// `lns_units`) when the LAC's `l2tp interface-id` chose one, a static `pp0.1`
/// (`static_pppoe`) when its PPPoE underlying interface has them.
pub fn interface_name(subscriber: &Subscriber) -> String {
    if let Some(unit) = subscriber.static_unit {
        if !subscriber.is_lns() {
            return interface::name(Role::Lac, u32::from(unit));
        }
        if let Some(service) = subscriber.service.as_deref() {
            return format!("{service}.{unit}");
        }
    }
    let unit = interface::unit(subscriber.id);
    if subscriber.is_lns() {
        interface::lns_name(subscriber.service.as_deref(), unit)
    } else {
        interface::name(Role::Lac, unit)
    }
}

pub(super) fn state(phase: Phase) -> SubscriberState {
    match phase {
        Phase::Negotiating | Phase::Authenticating => SubscriberState::Init,
        Phase::Tunnelling | Phase::Addressing => SubscriberState::Configured,
        Phase::Active => SubscriberState::Active,
        Phase::Terminating => SubscriberState::Terminating,
    }
}

fn count_of(name: &str, count: u64) -> Count<String> {
    Count {
        name: name.to_string(),
        count: u32::try_from(count).unwrap_or(u32::MAX),
    }
}

fn unix_seconds(at: SystemTime) -> i64 {
    at.duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

pub(super) fn lcp_state_name(subscriber: &Subscriber) -> String {
    match &subscriber.link {
        Some(link) => format!("{:?}", link.lcp_state()).to_lowercase(),
        // The LNS runs the client's PPP once the session is up; LCP was open when it took it.
        None => "opened".to_string(),
    }
}

/// What the access leg shows: PPPoE's client and VLANs at the LAC, the tunnel group at the LNS.
struct AccessColumns {
    access_type: AccessType,
    underlying: Option<String>,
    mac: Option<MacAddress>,
    vlan: VlanColumns,
    pppoe_session_id: Option<u16>,
    tunnel_group: String,
}

/// The VLAN fields of a row: the only tag is `vlan_id`; under QinQ the outer one is the
/// stacked VLAN. Each with the TPID it came under.
#[derive(Default)]
struct VlanColumns {
    vlan_id: Option<u16>,
    vlan_tpid: Option<u16>,
    stacked_vlan_id: Option<u16>,
    stacked_vlan_tpid: Option<u16>,
}

fn vlan_columns(vlans: &[u16], tpids: &[u16]) -> VlanColumns {
    match vlans {
        [single] => VlanColumns {
            vlan_id: Some(*single),
            vlan_tpid: tpids.first().copied(),
            ..VlanColumns::default()
        },
        [outer, inner] => VlanColumns {
            vlan_id: Some(*inner),
            vlan_tpid: tpids.get(1).copied(),
            stacked_vlan_id: Some(*outer),
            stacked_vlan_tpid: tpids.first().copied(),
        },
        _ => VlanColumns::default(),
    }
}

fn access_columns(subscriber: &Subscriber) -> AccessColumns {
    match &subscriber.access {
        AccessLeg::Pppoe {
            session_id,
            mac,
            vlans,
            tpids,
            underlying,
            ..
        } => AccessColumns {
            access_type: AccessType::Pppoe,
            underlying: Some(underlying.clone()),
            mac: Some(MacAddress(*mac)),
            vlan: vlan_columns(vlans, tpids),
            pppoe_session_id: Some(*session_id),
            tunnel_group: subscriber.profile.clone().unwrap_or_default(),
        },
        // Test calls are filtered out of every view; were one shown, it is a LAC call.
        AccessLeg::TestCall(_) => AccessColumns {
            access_type: AccessType::Pppoe,
            underlying: None,
            mac: None,
            vlan: VlanColumns::default(),
            pppoe_session_id: None,
            tunnel_group: subscriber.profile.clone().unwrap_or_default(),
        },
        AccessLeg::L2tp { group, .. } => AccessColumns {
            access_type: AccessType::L2tp,
            underlying: subscriber.service.as_deref().map(str::to_string),
            mac: None,
            vlan: VlanColumns::default(),
            pppoe_session_id: None,
            tunnel_group: group.clone(),
        },
    }
}

/// One of the PPPoE intermediate agent's IDs, for `detail` and `extensive` (Junos shows
/// them there); the agent's bytes shown as text, an invalid octet as U+FFFD.
fn agent_id(id: &Option<Box<[u8]>>, level: Level) -> Option<String> {
    let id = id.as_deref().filter(|_| level != Level::Brief)?;
    Some(String::from_utf8_lossy(id).into_owned())
}

fn row(subscriber: &Subscriber, registry: &Registry, level: Level) -> SubscriberRow {
    let columns = access_columns(subscriber);
    let line = super::radius_options::access_line(subscriber, registry);
    let tunnel = registry
        .locate_call(subscriber.id)
        .and_then(|(tunnel_id, session)| {
            let session_id = session?;
            Some(SubscriberTunnel {
                tunnel_group: columns.tunnel_group.clone(),
                tunnel_local_id: tunnel_id,
                tunnel_remote_id: registry.remote_tunnel_id(tunnel_id).unwrap_or(0),
                session_local_id: session_id,
                session_remote_id: registry
                    .remote_session_id(tunnel_id, session_id)
                    .unwrap_or(0),
            })
        });
    SubscriberRow {
        interface: interface_name(subscriber),
        user_name: subscriber.user.clone(),
        state: state(subscriber.phase),
        access_type: columns.access_type,
        ip_address: subscriber.lease.as_ref().map(|l| l.address),
        logical_system: "default".into(),
        routing_instance: subscriber
            .routing_instance
            .as_deref()
            .unwrap_or("default")
            .into(),
        underlying_interface: columns.underlying,
        mac_address: columns.mac,
        vlan_id: columns.vlan.vlan_id,
        vlan_tpid: columns.vlan.vlan_tpid,
        stacked_vlan_id: columns.vlan.stacked_vlan_id,
        stacked_vlan_tpid: columns.vlan.stacked_vlan_tpid,
        pppoe_session_id: columns.pppoe_session_id,
        agent_circuit_id: agent_id(&line.circuit_id, level),
        agent_remote_id: agent_id(&line.remote_id, level),
        actual_data_rate_up: line
            .access_loop
            .actual_up()
            .filter(|_| level != Level::Brief),
        actual_data_rate_down: line
            .access_loop
            .actual_down()
            .filter(|_| level != Level::Brief),
        dynamic_profile: subscriber.dynamic_profile.clone(),
        static_interface: subscriber.static_unit.is_some(),
        login_time: unix_seconds(subscriber.login),
        lcp_state: Some(lcp_state_name(subscriber)),
        lcp_negotiation: subscriber.lcp_takeover.map(|t| {
            match t {
                LcpTakeover::ProxyAccepted => "proxy",
                LcpTakeover::Renegotiated => "renegotiated",
            }
            .to_string()
        }),
        authentication_protocol: subscriber.authentication.map(|a| match a {
            "pap" => AuthenticationProtocol::Pap,
            _ => AuthenticationProtocol::Chap,
        }),
        tunnel,
        aaa: (level != Level::Brief)
            .then(|| subscriber.aaa.as_deref().map(aaa_row))
            .flatten(),
        limits: (level != Level::Brief)
            .then(|| limits_row(&subscriber.limits))
            .flatten(),
        access_routes: if level == Level::Brief {
            Vec::new()
        } else {
            access_route_rows(subscriber)
        },
        statistics: (level == Level::Extensive).then_some(SubscriberCounters {
            input_packets: subscriber.frames_up,
            input_bytes: subscriber.bytes_up,
            output_packets: subscriber.frames_down,
            output_bytes: subscriber.bytes_down,
        }),
    }
}

/// An auto-sensed VLAN's row: Junos lists the VLAN as a subscriber of type VLAN, its
/// dynamic profile the VLAN profile.
fn vlan_row(vlan: &AutoVlan) -> SubscriberRow {
    let columns = vlan_columns(&vlan.vlans, &vlan.tpids);
    SubscriberRow {
        interface: vlan.name.clone(),
        user_name: None,
        state: SubscriberState::Active,
        access_type: AccessType::Vlan,
        ip_address: None,
        logical_system: "default".into(),
        routing_instance: "default".into(),
        underlying_interface: None,
        mac_address: None,
        vlan_id: columns.vlan_id,
        vlan_tpid: columns.vlan_tpid,
        stacked_vlan_id: columns.stacked_vlan_id,
        stacked_vlan_tpid: columns.stacked_vlan_tpid,
        pppoe_session_id: None,
        agent_circuit_id: None,
        agent_remote_id: None,
        actual_data_rate_up: None,
        actual_data_rate_down: None,
        dynamic_profile: Some(vlan.profile.clone()),
        static_interface: false,
        login_time: unix_seconds(vlan.created),
        lcp_state: None,
        lcp_negotiation: None,
        authentication_protocol: None,
        tunnel: None,
        aaa: None,
        limits: None,
        access_routes: Vec::new(),
        statistics: None,
    }
}

/// Each VLAN's row just above the first subscriber on it (Junos lists a VLAN before the
/// PPPoE subscribers it carries); VLANs without subscribers last.
fn with_vlans(rows: Vec<SubscriberRow>, vlans: &[AutoVlan]) -> Vec<SubscriberRow> {
    let mut pending: Vec<&AutoVlan> = vlans.iter().collect();
    let mut out = Vec::with_capacity(rows.len() + vlans.len());
    for row in rows {
        let on = row.underlying_interface.as_deref();
        if let Some(at) = pending.iter().position(|v| Some(v.name.as_str()) == on) {
            out.push(vlan_row(pending.remove(at)));
        }
        out.push(row);
    }
    out.extend(pending.into_iter().map(vlan_row));
    out
}

impl SubscriberLayer {
    /// `show subscribers`. A user name that matches nobody is an error, as on Junos.
    pub fn show_subscribers(
        &self,
        registry: &Registry,
        show: &SubscriberShow,
    ) -> Result<SubscriberRows, String> {
        // A Junos test command creates no subscriber: test calls are not shown.
        let mut subscribers: Vec<&Subscriber> = self
            .table
            .iter()
            .filter(|s| !s.is_test_call())
            .filter(|s| {
                show.user_name
                    .as_deref()
                    .is_none_or(|u| s.user.as_deref() == Some(u))
            })
            .collect();
        if subscribers.is_empty() {
            if let Some(user) = &show.user_name {
                return Err(format!("no subscriber with user name {user}"));
            }
        }
        subscribers.sort_by_key(|s| s.id);
        let rows: Vec<SubscriberRow> = subscribers
            .iter()
            .map(|s| row(s, registry, show.level))
            .collect();
        // A VLAN has no user name: `user-name U` never selects one.
        let vlans = match show.user_name {
            Some(_) => Vec::new(),
            None => self.access.auto_vlans(),
        };
        let rows = with_vlans(rows, &vlans);
        if show.summary {
            let mut summary = SubscriberSummary::of(&rows);
            summary.terminations = self
                .table
                .ends
                .iter()
                .map(|(cause, count)| count_of(cause.key(), *count))
                .collect();
            let lac = self.table.refusals.iter().map(|(r, n)| (r.key(), *n));
            let lns = self.lns.auth_refusals.iter().map(|(r, n)| (r.key(), *n));
            let mut refusals: Vec<_> = lac.chain(lns).map(|(k, n)| count_of(k, n)).collect();
            refusals.sort_by(|a, b| a.name.cmp(&b.name));
            summary.refusals = refusals;
            return Ok(SubscriberRows {
                summary: Some(summary),
                subscribers: Vec::new(),
            });
        }
        Ok(SubscriberRows {
            subscribers: rows,
            summary: None,
        })
    }

    fn selected<'a>(&'a self, select: &PppoeSelect) -> Result<Vec<&'a Subscriber>, String> {
        let mut chosen: Vec<&Subscriber> = self
            .table
            .iter()
            .filter(|s| !s.is_lns() && !s.is_test_call())
            .filter(|s| {
                select
                    .interface
                    .as_deref()
                    .is_none_or(|name| interface_name(s) == name)
            })
            .collect();
        if chosen.is_empty() {
            if let Some(name) = &select.interface {
                return Err(format!("no PPPoE session on {name}"));
            }
        }
        chosen.sort_by_key(|s| s.id);
        Ok(chosen)
    }

    /// `show pppoe interfaces [pp0.N]`.
    pub fn show_pppoe_interfaces(
        &self,
        now: Instant,
        select: &PppoeSelect,
    ) -> Result<PppoeInterfaces, String> {
        let interfaces = self
            .selected(select)?
            .into_iter()
            .filter_map(|s| {
                let (unit, session_id) = s.pppoe_key()?;
                let session = self.access.session(unit, session_id)?;
                let AccessLeg::Pppoe {
                    underlying, mac, ..
                } = &s.access
                else {
                    return None;
                };
                Some(PppoeInterface {
                    name: interface_name(s),
                    state: match s.phase {
                        Phase::Negotiating | Phase::Authenticating => PppoeSessionState::Init,
                        Phase::Terminating => PppoeSessionState::Terminating,
                        Phase::Tunnelling | Phase::Addressing | Phase::Active => {
                            PppoeSessionState::SessionUp
                        }
                    },
                    session_id,
                    service_name: String::from_utf8_lossy(&session.service_name).into_owned(),
                    session_ac_name: self.access.ac_name(unit).unwrap_or_default(),
                    remote_mac_address: MacAddress(*mac),
                    underlying_interface: underlying.clone(),
                    mru: s.mru.unwrap_or(session.max_payload),
                    mtu: super::ppp_sizes::interface_mtu(s.mtu, s.mru, session.max_payload),
                    auto_configured: true,
                    session_uptime: now.saturating_duration_since(s.since).as_secs(),
                })
            })
            .collect();
        Ok(PppoeInterfaces { interfaces })
    }

    /// `show pppoe statistics [IFNAME]`.
    pub fn show_pppoe_statistics(&self, select: &PppoeSelect) -> Result<PppoeStatistics, String> {
        let active = self.access.sessions_per_port();
        let mut reply = PppoeStatistics::default();
        let mut total = DiscoveryCounters::default();
        for (port, counters) in self.access.counters() {
            if select.interface.as_deref().is_some_and(|n| n != port) {
                continue;
            }
            let sessions = active.get(&port).copied().unwrap_or(0);
            total.add(&counters);
            reply.active_sessions += sessions;
            reply.interfaces.push(PppoeInterfaceStatistics {
                underlying_interface: port,
                active_sessions: sessions,
                counters,
            });
        }
        reply.totals = total;
        if let Some(name) = &select.interface {
            if reply.interfaces.is_empty() {
                return Err(format!("{name} is not an interface with family pppoe"));
            }
        }
        Ok(reply)
    }

    /// `show pppoe service-name-tables`, with the sessions each service holds.
    pub fn show_service_name_tables(&self, config: &RouterConfig) -> PppoeServiceNameTables {
        let tables = config
            .pppoe_service_name_tables
            .iter()
            .map(|(name, table)| PppoeServiceNameTable {
                table_name: name.clone(),
                services: table
                    .services
                    .iter()
                    .map(|service| {
                        let active = self.access.service_sessions(name, &service.name);
                        PppoeServiceEntry::of(service, u32::try_from(active).unwrap_or(u32::MAX))
                    })
                    .collect(),
            })
            .collect();
        PppoeServiceNameTables { tables }
    }

    /// `clear pppoe sessions [pp0.N]`: PADT to each client, CDN to the LNS.
    pub fn clear_pppoe_sessions(
        &mut self,
        now: Instant,
        select: &PppoeSelect,
        registry: &mut Registry,
    ) -> Result<PppoeCleared, String> {
        let names: Vec<(super::table::SubscriberId, String)> = self
            .selected(select)?
            .into_iter()
            .map(|s| (s.id, interface_name(s)))
            .collect();
        let ids: Vec<_> = names.iter().map(|(id, _)| *id).collect();
        self.clear(now, |s| ids.contains(&s.id), registry);
        Ok(PppoeCleared {
            statistics: false,
            sessions: names.into_iter().map(|(_, name)| name).collect(),
            interfaces: Vec::new(),
        })
    }

    /// `clear pppoe statistics [IFNAME]`.
    pub fn clear_pppoe_statistics(&mut self, select: &PppoeSelect) -> Result<PppoeCleared, String> {
        let ports: Vec<String> = self
            .access
            .counters()
            .into_keys()
            .filter(|p| select.interface.as_deref().is_none_or(|n| n == p))
            .collect();
        if ports.is_empty() {
            if let Some(name) = &select.interface {
                return Err(format!("{name} is not an interface with family pppoe"));
            }
        }
        for port in &ports {
            self.access.clear_statistics(Some(port));
        }
        Ok(PppoeCleared {
            statistics: true,
            sessions: Vec::new(),
            interfaces: ports,
        })
    }
}

/// The routes in the table while the subscriber's IPCP is up (`framed_routes` installs them
/// then); a route naming no next hop leads to the subscriber's address.
fn access_route_rows(subscriber: &Subscriber) -> Vec<schema::subscriber_rpc::AccessRoute> {
    let Some(lease) = subscriber
        .lease
        .as_ref()
        .filter(|_| subscriber.phase == Phase::Active)
    else {
        return Vec::new();
    };
    let interface = interface_name(subscriber);
    super::framed_routes::installed_routes(subscriber)
        .into_iter()
        .map(|r| schema::subscriber_rpc::AccessRoute {
            prefix: r.prefix.to_string(),
            next_hop: Some(r.next_hop.unwrap_or(lease.address)),
            interface: interface.clone(),
            metric: r.metric,
            preference: r.preference,
            tag: r.tag,
        })
        .collect()
}

/// The limits in force, when there is one (`session_limits`).
fn limits_row(
    limits: &super::session_limits::Limits,
) -> Option<schema::subscriber_rpc::SubscriberLimits> {
    if limits.session.is_none() && limits.idle.is_none() {
        return None;
    }
    let from = |limit: Option<(u32, super::session_limits::LimitSource)>| {
        limit.map(|(_, source)| source.key().to_string())
    };
    Some(schema::subscriber_rpc::SubscriberLimits {
        session_timeout: limits.session.map(|(s, _)| s),
        session_timeout_from: from(limits.session),
        idle_timeout: limits.idle.map(|(s, _)| s),
        idle_timeout_from: from(limits.idle),
        idle_ingress_only: limits.idle.is_some() && limits.ingress_only,
    })
}

fn aaa_row(grant: &super::table::AaaGrant) -> schema::subscriber_rpc::SubscriberAaa {
    schema::subscriber_rpc::SubscriberAaa {
        radius_server: grant.server,
        tunnel_decided_by: grant.tunnel_source.map(|s| s.key().to_string()),
        session_timeout: grant.session_timeout,
        idle_timeout: grant.idle_timeout,
        unused_attributes: grant.ignored.clone(),
    }
}
