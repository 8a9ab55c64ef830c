//! `show services l2tp destination | tunnel | session`: the registry's objects as the
//! operational contract's rows, filtered.
//!
//! Scale: an LNS may hold 65,000 sessions over a few dozen tunnels. Tunnel filters are
//! applied before any session is looked at, a `local-tunnel-id` is looked up rather than
//! searched for, and a `local-session-id` is looked up in each remaining tunnel, so the
//! narrow queries an operator types most never walk the sessions. The full session list
//! builds one row per session and nothing else.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Instant;

use schema::l2tp_rpc::{
    DestinationState, L2tpDestination, L2tpDestinations, L2tpRole, L2tpSession, L2tpSessions,
    L2tpShow, L2tpTunnel, L2tpTunnels, Level,
};

use super::entry::{Origin, SessionEntry, TunnelEntry};
use super::filter::{self, Filter, Object};
use super::interface;
use super::Registry;
use crate::l2tp::control::TunnelState;
use crate::l2tp::session::{ProxyAuthenType, Role};
use crate::l2tp::wire::UDP_PORT;

/// The JNX-L2TP-MIB tunnel state names, except for a tunnel in its post-StopCCN hold: it is
/// kept only to acknowledge late retransmissions, carries nothing and is not counted, and
/// "closing" says so where the MIB's `terminate` would read as still being torn down.
pub(super) fn tunnel_state(entry: &TunnelEntry) -> &'static str {
    match entry.tunnel.state() {
        TunnelState::WaitCtlReply => "cc-initiator-wait-ctl-reply",
        TunnelState::WaitCtlConn => "cc-responder-wait-ctl-conn",
        TunnelState::Established => "established",
        TunnelState::Closing => "closing",
        TunnelState::Gone => "closed",
    }
}

pub(super) fn seconds(now: Instant, since: Instant) -> u64 {
    now.saturating_duration_since(since).as_secs()
}

/// Seconds as the replies carry them (saturating: an interval never overflows a u32 in practice).
pub(super) fn seconds_u32(duration: std::time::Duration) -> u32 {
    u32::try_from(duration.as_secs()).unwrap_or(u32::MAX)
}

pub(super) fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn l2tp_role(role: Role) -> L2tpRole {
    match role {
        Role::Lac => L2tpRole::Lac,
        Role::Lns => L2tpRole::Lns,
    }
}

/// Our end of a tunnel: its bound address, always on the L2TP port.
fn local_socket(entry: &TunnelEntry) -> Option<SocketAddr> {
    entry.local.map(|a| SocketAddr::new(a.into(), UDP_PORT))
}

fn remote_name(entry: &TunnelEntry) -> String {
    String::from_utf8_lossy(&entry.tunnel.peer().host_name).into_owned()
}

fn group_name(entry: &TunnelEntry) -> &str {
    match &entry.origin {
        Origin::Lac { profile, .. } => profile,
        Origin::Lns { group } => group,
    }
}

/// The name of the authentication the proxy data says the LAC did.
fn proxy_authentication(kind: ProxyAuthenType) -> String {
    match kind {
        ProxyAuthenType::Textual => "textual".into(),
        ProxyAuthenType::Chap => "chap".into(),
        ProxyAuthenType::Pap => "pap".into(),
        ProxyAuthenType::NoAuthentication => "none".into(),
        ProxyAuthenType::MsChapV1 => "mschap-v1".into(),
        ProxyAuthenType::Other(value) => format!("type-{value}"),
    }
}

/// Statistics are shown with `statistics` and at the extensive level.
fn with_statistics(show: &L2tpShow) -> bool {
    show.statistics || show.level == Level::Extensive
}

/// Empty is an answer without filters, an error with them.
fn found<T>(
    rows: Vec<T>,
    filter: &Filter<'_>,
    show: &L2tpShow,
    object: Object,
) -> Result<Vec<T>, String> {
    if rows.is_empty() && !show.filter.is_empty() {
        return Err(filter.not_found(object));
    }
    Ok(rows)
}

impl Registry {
    /// The tunnels passing the tunnel-level filters (and, with session filters, carrying a
    /// matching session), in Tunnel ID order.
    pub(super) fn filtered_tunnels<'s>(
        &'s self,
        filter: &'s Filter<'_>,
    ) -> Box<dyn Iterator<Item = (u16, &'s TunnelEntry)> + 's> {
        match filter.local_tunnel_id() {
            Some(id) => Box::new(
                self.tunnels
                    .get_key_value(&id)
                    .map(|(id, e)| (*id, e))
                    .into_iter()
                    .filter(|(id, e)| filter.tunnel_and_sessions_match(*id, e)),
            ),
            None => Box::new(
                self.tunnels
                    .iter()
                    .map(|(id, e)| (*id, e))
                    .filter(|(id, e)| filter.tunnel_and_sessions_match(*id, e)),
            ),
        }
    }

    /// The sessions passing every filter, as (tunnel, session ID, session).
    pub(super) fn filtered_sessions<'s>(
        &'s self,
        filter: &'s Filter<'_>,
    ) -> impl Iterator<Item = (u16, &'s TunnelEntry, u16, &'s SessionEntry)> + 's {
        let tunnels = match filter.local_tunnel_id() {
            Some(id) => Box::new(self.tunnels.get_key_value(&id).into_iter())
                as Box<dyn Iterator<Item = (&u16, &TunnelEntry)>>,
            None => Box::new(self.tunnels.iter()),
        };
        tunnels
            .filter(|(id, e)| filter.tunnel_matches(**id, e))
            .flat_map(move |(tunnel_id, entry)| {
                let role = filter::role(entry);
                let sessions = match filter.local_session_id() {
                    Some(id) => Box::new(entry.sessions.get_key_value(&id).into_iter())
                        as Box<dyn Iterator<Item = (u16, &SessionEntry)>>,
                    None => Box::new(entry.sessions.iter()),
                };
                sessions
                    .filter(move |(id, s)| filter.session_matches(role, *id, s))
                    .map(move |(id, s)| (*tunnel_id, entry, id, s))
            })
    }

    /// The destinations passing the filters, as IDs.
    pub(super) fn filtered_destinations(&self, filter: &Filter<'_>) -> Vec<u32> {
        self.destinations
            .iter()
            .filter(|(id, d)| filter.destination_matches(d, self.tunnels_of(**id)))
            .map(|(id, _)| *id)
            .collect()
    }

    /// The tunnels of a destination, closing ones included.
    pub(super) fn tunnels_of(&self, destination: u32) -> impl Iterator<Item = (u16, &TunnelEntry)> {
        self.destinations
            .get(&destination)
            .into_iter()
            .flat_map(|d| d.tunnels.iter())
            .filter_map(|id| Some((*id, self.tunnels.get(id)?)))
    }

    pub fn destinations(&self, now: Instant, show: &L2tpShow) -> Result<L2tpDestinations, String> {
        let filter = Filter::new(&show.filter);
        let statistics = with_statistics(show);
        let rows = self
            .filtered_destinations(&filter)
            .into_iter()
            .filter_map(|id| self.destination_row(now, id, statistics))
            .collect();
        Ok(L2tpDestinations {
            destinations: found(rows, &filter, show, Object::Destination)?,
        })
    }

    /// A destination whose tunnels are all closed and held, and which is not locked out, is
    /// not shown (nor counted by the summary): it is only waiting to be forgotten.
    fn destination_row(&self, now: Instant, id: u32, statistics: bool) -> Option<L2tpDestination> {
        let d = self.destinations.get(&id)?;
        let live: Vec<&TunnelEntry> = self
            .tunnels_of(id)
            .map(|(_, e)| e)
            .filter(|e| !e.down)
            .collect();
        let locked = d.lockout.filter(|l| l.until > now);
        if live.is_empty() && d.lockout.is_none() {
            return None;
        }
        let local_names: BTreeSet<&str> = live.iter().map(|e| e.local_name.as_str()).collect();
        let remote_names: BTreeSet<String> = live
            .iter()
            .map(|e| remote_name(e))
            .filter(|n| !n.is_empty())
            .collect();
        Some(L2tpDestination {
            destination_id: id,
            local_ip: live.iter().find_map(|e| e.local),
            remote_ip: d.key.address,
            routing_instance: d.key.routing_instance.clone(),
            local_name: local_names.into_iter().map(String::from).collect(),
            remote_name: remote_names.into_iter().collect(),
            state: if locked.is_some() {
                DestinationState::LockedOut
            } else {
                DestinationState::Enabled
            },
            lockout_time_remaining: locked
                .map_or(0, |l| seconds_u32(l.until.saturating_duration_since(now))),
            tunnels: count(live.len()),
            tunnels_established: count(
                live.iter()
                    .filter(|e| e.tunnel.state() == TunnelState::Established)
                    .count(),
            ),
            sessions: count(live.iter().map(|e| e.sessions.len()).sum()),
            statistics: statistics.then(|| self.destination_counters(id).unwrap_or_default()),
        })
    }

    pub fn tunnels(&self, now: Instant, show: &L2tpShow) -> Result<L2tpTunnels, String> {
        let filter = Filter::new(&show.filter);
        let rows = self
            .filtered_tunnels(&filter)
            .map(|(id, e)| tunnel_row(now, id, e))
            .collect();
        Ok(L2tpTunnels {
            tunnels: found(rows, &filter, show, Object::Tunnel)?,
        })
    }

    pub fn sessions(&self, now: Instant, show: &L2tpShow) -> Result<L2tpSessions, String> {
        let filter = Filter::new(&show.filter);
        let statistics = with_statistics(show);
        let rows = self
            .filtered_sessions(&filter)
            .map(|(tunnel_id, entry, session_id, session)| {
                let mut row = session_row(now, tunnel_id, entry, session_id, session, statistics);
                if let Origin::Lns { group } = &entry.origin {
                    // The unit lives on the tunnel group's service interface.
                    let service = self
                        .config
                        .l2tp
                        .tunnel_groups
                        .get(group)
                        .and_then(|g| g.service_interface.as_deref());
                    row.interface_name = interface::lns_name(service, row.interface_unit);
                }
                row
            })
            .collect();
        Ok(L2tpSessions {
            sessions: found(rows, &filter, show, Object::Session)?,
        })
    }
}

fn tunnel_row(now: Instant, tunnel_id: u16, e: &TunnelEntry) -> L2tpTunnel {
    L2tpTunnel {
        tunnel_local_id: tunnel_id,
        tunnel_remote_id: e.tunnel.peer().tunnel_id,
        destination_id: e.destination,
        state: tunnel_state(e).into(),
        role: l2tp_role(filter::role(e)),
        tunnel_group: group_name(e).into(),
        tunnel_name: match &e.origin {
            Origin::Lac { number, .. } => Some(number.to_string()),
            Origin::Lns { .. } => None,
        },
        local_ip: local_socket(e),
        remote_ip: e.peer,
        local_name: e.local_name.clone(),
        remote_name: remote_name(e),
        sessions: count(e.sessions.len()),
        max_sessions: e.max_sessions,
        local_receive_window: e.tunnel.receive_window(),
        remote_receive_window: e.tunnel.peer().rx_window,
        hello_interval: seconds_u32(e.tunnel.hello_interval()),
        tunnel_authentication: e.tunnel.is_authenticated().into(),
        tunnel_open_time: seconds(now, e.opened_at),
        // A closed tunnel's up time stops when it went down.
        tunnel_up_time: e.up_at.map(|t| seconds(e.down_at.unwrap_or(now), t)),
        statistics_since: seconds(now, e.statistics_since),
        statistics: e.counters(),
    }
}

fn session_row(
    now: Instant,
    tunnel_id: u16,
    e: &TunnelEntry,
    session_id: u16,
    s: &SessionEntry,
    statistics: bool,
) -> L2tpSession {
    let role = filter::role(e);
    let call = s.session.call();
    let unit = interface::unit(s.call_ref);
    L2tpSession {
        session_local_id: session_id,
        session_remote_id: s.session.peer_id().map_or(0, |id| id.get()),
        tunnel_local_id: tunnel_id,
        tunnel_remote_id: e.tunnel.peer().tunnel_id,
        state: s.session.state().name().into(),
        role: l2tp_role(role),
        tunnel_group: group_name(e).into(),
        local_ip: local_socket(e),
        remote_ip: e.peer,
        local_name: e.local_name.clone(),
        remote_name: remote_name(e),
        interface_unit: unit,
        interface_name: interface::name(role, unit),
        user_name: filter::user_name(s).map(|n| String::from_utf8_lossy(n).into_owned()),
        call_serial_number: call.serial,
        tx_connect_speed: call.tx_connect_speed,
        rx_connect_speed: call.rx_connect_speed,
        sequencing_required: s.session.sequencing(),
        proxy_lcp: call.proxy.lcp.is_some(),
        proxy_authentication: call
            .proxy
            .auth
            .as_ref()
            .map(|a| proxy_authentication(a.authen_type)),
        session_up_time: s.up_at.map(|t| seconds(now, t)),
        statistics: statistics.then(|| s.counters()),
    }
}
