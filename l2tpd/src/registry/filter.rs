//! The filters of `show … | clear services l2tp destination | tunnel | session`: every
//! filter given must match (AND). A filter acts at the level of what it names: addresses,
//! host names, the tunnel ID and the tunnel group select tunnels (and the destinations they
//! lead to); the session ID, user and interface select sessions (and the tunnels and
//! destinations carrying them).
//!
//! A filter that matches nothing is an error in the operator's words, e.g. `no tunnel with
//! local tunnel id 99` or `no session for user bob@example.net`.

use std::net::IpAddr;

use schema::l2tp_rpc::L2tpFilter;

use super::entry::{Destination, Origin, SessionEntry, TunnelEntry};
use super::interface::{self, InterfaceName};
use crate::l2tp::session::Role;

/// What a show or a clear lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Object {
    Destination,
    Tunnel,
    Session,
}

impl Object {
    fn word(self) -> &'static str {
        match self {
            Object::Destination => "destination",
            Object::Tunnel => "tunnel",
            Object::Session => "session",
        }
    }
}

pub(super) fn role(entry: &TunnelEntry) -> Role {
    match entry.origin {
        Origin::Lac { .. } => Role::Lac,
        Origin::Lns { .. } => Role::Lns,
    }
}

/// A filter ready to test tunnels and sessions against.
#[derive(Debug)]
pub(super) struct Filter<'a> {
    filter: &'a L2tpFilter,
    /// The `interface` filter, parsed once; `Some(None)` is a name no session can have.
    interface: Option<Option<InterfaceName>>,
}

impl<'a> Filter<'a> {
    pub fn new(filter: &'a L2tpFilter) -> Self {
        Self {
            filter,
            interface: filter.interface.as_deref().map(InterfaceName::parse),
        }
    }

    pub fn local_tunnel_id(&self) -> Option<u16> {
        self.filter.local_tunnel_id
    }

    pub fn local_session_id(&self) -> Option<u16> {
        self.filter.local_session_id
    }

    /// Whether any filter acts on sessions.
    pub fn selects_sessions(&self) -> bool {
        let f = self.filter;
        f.local_session_id.is_some() || f.user.is_some() || f.interface.is_some()
    }

    /// Whether any filter acts on tunnels, beyond the peer address a destination has too.
    fn selects_tunnels(&self) -> bool {
        let f = self.filter;
        f.local_gateway.is_some()
            || f.local_gateway_name.is_some()
            || f.peer_gateway_name.is_some()
            || f.local_tunnel_id.is_some()
            || f.tunnel_group.is_some()
    }

    /// The tunnel-level filters.
    pub fn tunnel_matches(&self, tunnel_id: u16, entry: &TunnelEntry) -> bool {
        let f = self.filter;
        f.local_tunnel_id.is_none_or(|id| id == tunnel_id)
            && f.local_gateway.is_none_or(|a| entry.local == Some(a))
            && f.peer_gateway
                .is_none_or(|a| entry.peer.ip() == IpAddr::V4(a))
            && f.local_gateway_name
                .as_deref()
                .is_none_or(|n| entry.local_name == n)
            && f.peer_gateway_name
                .as_deref()
                .is_none_or(|n| entry.tunnel.peer().host_name == n.as_bytes())
            && f.tunnel_group
                .as_deref()
                .is_none_or(|g| match &entry.origin {
                    Origin::Lns { group } => group == g,
                    Origin::Lac { profile, .. } => profile == g,
                })
    }

    /// The session-level filters, for a session of a tunnel of `role`.
    pub fn session_matches(&self, role: Role, session_id: u16, session: &SessionEntry) -> bool {
        let f = self.filter;
        f.local_session_id.is_none_or(|id| id == session_id)
            && f.user
                .as_deref()
                .is_none_or(|user| user_name(session).is_some_and(|name| name == user.as_bytes()))
            && self.interface.is_none_or(|wanted| {
                wanted
                    .is_some_and(|i| i.role == role && i.unit == interface::unit(session.call_ref))
            })
    }

    /// A tunnel matches when it does and, with session filters, carries a matching session.
    /// The session ID is looked up, not searched for.
    pub fn tunnel_and_sessions_match(&self, tunnel_id: u16, entry: &TunnelEntry) -> bool {
        if !self.tunnel_matches(tunnel_id, entry) {
            return false;
        }
        if !self.selects_sessions() {
            return true;
        }
        let role = role(entry);
        match self.filter.local_session_id {
            Some(id) => entry
                .sessions
                .get(&id)
                .is_some_and(|s| self.session_matches(role, id, s)),
            None => entry
                .sessions
                .iter()
                .any(|(id, s)| self.session_matches(role, id, s)),
        }
    }

    /// A destination matches on its address and, with tunnel or session filters, when one of
    /// its tunnels does.
    pub fn destination_matches<'t>(
        &self,
        destination: &Destination,
        mut tunnels: impl Iterator<Item = (u16, &'t TunnelEntry)>,
    ) -> bool {
        if self
            .filter
            .peer_gateway
            .is_some_and(|a| destination.key.address != a)
        {
            return false;
        }
        if !self.selects_tunnels() && !self.selects_sessions() {
            return true;
        }
        tunnels.any(|(id, entry)| self.tunnel_and_sessions_match(id, entry))
    }

    /// `no tunnel with local tunnel id 99`, `no session for user bob@example.net`, …
    pub fn not_found(&self, object: Object) -> String {
        not_found(object, self.filter)
    }
}

/// The user a session carries: the proxy authentication name (LAC: what it sent; LNS: what
/// it received in the ICCN).
pub(super) fn user_name(session: &SessionEntry) -> Option<&[u8]> {
    session.session.call().proxy.auth.as_ref()?.name.as_deref()
}

/// The error for a filter that matched nothing. Filters are named as the CLI keywords in
/// words; several are joined (`with local gateway 127.0.0.1 and peer gateway 127.0.0.2`).
pub fn not_found(object: Object, filter: &L2tpFilter) -> String {
    let with: Vec<String> = [
        filter
            .local_tunnel_id
            .map(|id| format!("local tunnel id {id}")),
        filter
            .local_session_id
            .map(|id| format!("local session id {id}")),
        filter.local_gateway.map(|a| format!("local gateway {a}")),
        filter
            .local_gateway_name
            .as_ref()
            .map(|n| format!("local gateway name {n}")),
        filter.peer_gateway.map(|a| format!("peer gateway {a}")),
        filter
            .peer_gateway_name
            .as_ref()
            .map(|n| format!("peer gateway name {n}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut message = format!("no {}", object.word());
    if !with.is_empty() {
        message.push_str(" with ");
        message.push_str(&with.join(" and "));
    }
    if let Some(group) = &filter.tunnel_group {
        message.push_str(&format!(" in tunnel group {group}"));
    }
    if let Some(user) = &filter.user {
        message.push_str(&format!(" for user {user}"));
    }
    if let Some(name) = &filter.interface {
        message.push_str(&format!(" on interface {name}"));
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_filters_in_words() {
        let cases = [
            (
                Object::Tunnel,
                L2tpFilter {
                    local_tunnel_id: Some(99),
                    ..L2tpFilter::default()
                },
                "no tunnel with local tunnel id 99",
            ),
            (
                Object::Session,
                L2tpFilter {
                    local_session_id: Some(5),
                    ..L2tpFilter::default()
                },
                "no session with local session id 5",
            ),
            (
                Object::Destination,
                L2tpFilter {
                    peer_gateway: Some("127.0.0.9".parse().expect("address")),
                    ..L2tpFilter::default()
                },
                "no destination with peer gateway 127.0.0.9",
            ),
            (
                Object::Tunnel,
                L2tpFilter {
                    local_gateway_name: Some("lac-x".into()),
                    ..L2tpFilter::default()
                },
                "no tunnel with local gateway name lac-x",
            ),
            (
                Object::Session,
                L2tpFilter {
                    user: Some("bob@example.net".into()),
                    ..L2tpFilter::default()
                },
                "no session for user bob@example.net",
            ),
            (
                Object::Session,
                L2tpFilter {
                    interface: Some("pp0.1073741900".into()),
                    ..L2tpFilter::default()
                },
                "no session on interface pp0.1073741900",
            ),
            (
                Object::Tunnel,
                L2tpFilter {
                    tunnel_group: Some("tg-x".into()),
                    ..L2tpFilter::default()
                },
                "no tunnel in tunnel group tg-x",
            ),
            (
                Object::Tunnel,
                L2tpFilter {
                    local_gateway: Some("127.0.0.1".parse().expect("address")),
                    peer_gateway: Some("127.0.0.2".parse().expect("address")),
                    tunnel_group: Some("g".into()),
                    ..L2tpFilter::default()
                },
                "no tunnel with local gateway 127.0.0.1 and peer gateway 127.0.0.2 in tunnel group g",
            ),
        ];
        for (object, filter, want) in cases {
            assert_eq!(not_found(object, &filter), want);
        }
    }
}
