//! `clear services l2tp destination | tunnel | session [statistics]`, commits and shutdown.

use std::net::Ipv4Addr;
use std::time::Instant;

use schema::typed::RouterConfig;

use super::counters::{Counters, DropCounters};
use super::entry::{Origin, TunnelEntry};
use super::settings::Settings;
use super::{CallLocation, Registry};
use crate::l2tp::control::event::stopccn_result;
use crate::l2tp::session::CdnResult;
use crate::l2tp::wire::ResultCode;

/// What a clear command names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    All,
    /// A destination by the number `show` prints.
    Destination(u32),
    LocalGateway(Ipv4Addr),
    PeerGateway(Ipv4Addr),
    LocalGatewayName(String),
    PeerGatewayName(String),
    LocalTunnelId(u16),
    LocalSessionId(u16),
    /// A tunnel group (LNS) or tunnel profile (LAC) name.
    TunnelGroup(String),
}

fn operator_stopccn() -> ResultCode {
    ResultCode {
        result: stopccn_result::GENERAL_REQUEST,
        error: None,
        message: b"cleared by operator".to_vec(),
    }
}

impl Selector {
    fn matches_tunnel(&self, tunnel_id: u16, entry: &TunnelEntry) -> bool {
        match self {
            Self::All => true,
            Self::Destination(id) => entry.destination == *id,
            Self::LocalGateway(a) => entry.local == Some(*a),
            Self::PeerGateway(a) => entry.peer.ip() == std::net::IpAddr::V4(*a),
            Self::LocalGatewayName(n) => entry.local_name == *n,
            Self::PeerGatewayName(n) => entry.tunnel.peer().host_name == n.as_bytes(),
            Self::LocalTunnelId(id) => tunnel_id == *id,
            Self::LocalSessionId(id) => entry.sessions.contains_key(id),
            Self::TunnelGroup(name) => match &entry.origin {
                Origin::Lns { group } => group == name,
                Origin::Lac { profile, .. } => profile == name,
            },
        }
    }
}

impl Registry {
    fn matching_tunnels(&self, selector: &Selector) -> Vec<u16> {
        self.tunnels
            .iter()
            .filter(|(id, e)| selector.matches_tunnel(**id, e))
            .map(|(id, _)| *id)
            .collect()
    }

    fn matching_destinations(&self, selector: &Selector) -> Vec<u32> {
        self.destinations
            .iter()
            .filter(|(id, d)| match selector {
                Selector::All => true,
                Selector::Destination(want) => *id == want,
                Selector::PeerGateway(a) => d.key.address == *a,
                _ => self
                    .tunnels
                    .iter()
                    .any(|(tid, e)| e.destination == **id && selector.matches_tunnel(*tid, e)),
            })
            .map(|(id, _)| *id)
            .collect()
    }

    /// Closes the selected destinations with all their tunnels and sessions (StopCCN result
    /// 1) and lifts their lockouts. Returns the destinations closed.
    pub fn clear_destinations(&mut self, now: Instant, selector: &Selector) -> Vec<u32> {
        let ids = self.matching_destinations(selector);
        for id in &ids {
            if let Some(d) = self.destinations.get_mut(id) {
                d.lockout = None;
            }
            for tunnel_id in self.matching_tunnels(&Selector::Destination(*id)) {
                self.close_tunnel(now, tunnel_id, operator_stopccn());
            }
        }
        self.forget_empty_destinations();
        ids
    }

    /// Closes the selected tunnels and their sessions. Returns the tunnels closed.
    pub fn clear_tunnels(&mut self, now: Instant, selector: &Selector) -> Vec<u16> {
        let ids: Vec<u16> = self
            .matching_tunnels(selector)
            .into_iter()
            .filter(|id| self.tunnels.get(id).is_some_and(|e| !e.down))
            .collect();
        for tunnel_id in &ids {
            self.close_tunnel(now, *tunnel_id, operator_stopccn());
        }
        ids
    }

    /// Disconnects the selected sessions (CDN result 3). Returns (tunnel, session) IDs.
    pub fn clear_sessions(&mut self, now: Instant, selector: &Selector) -> Vec<(u16, u16)> {
        let mut cleared = Vec::new();
        for tunnel_id in self.matching_tunnels(selector) {
            let Some(entry) = self.tunnels.get(&tunnel_id) else {
                continue;
            };
            let sessions: Vec<u16> = match selector {
                Selector::LocalSessionId(id) => vec![*id],
                _ => entry.sessions.keys().copied().collect(),
            };
            for session_id in sessions {
                let call = self
                    .tunnels
                    .get(&tunnel_id)
                    .and_then(|e| e.sessions.get(&session_id))
                    .map(|s| s.call_ref);
                if let Some(call) = call {
                    let result = CdnResult::administrative("cleared by operator");
                    if self.close_session(now, call, result, None) {
                        cleared.push((tunnel_id, session_id));
                    }
                }
            }
        }
        cleared
    }

    /// `clear … destination statistics`: the selected destinations' counters (and those of
    /// their tunnels and sessions) restart from zero.
    pub fn clear_destination_statistics(&mut self, selector: &Selector) -> Vec<u32> {
        let ids = self.matching_destinations(selector);
        for id in &ids {
            if let Some(d) = self.destinations.get_mut(id) {
                d.retired = Counters::default();
            }
            for entry in self.tunnels.values_mut().filter(|e| e.destination == *id) {
                entry.clear_statistics();
            }
        }
        if *selector == Selector::All {
            self.retired = Counters::default();
            self.drops = DropCounters::default();
        }
        ids
    }

    pub fn clear_tunnel_statistics(&mut self, selector: &Selector) -> Vec<u16> {
        let ids = self.matching_tunnels(selector);
        for id in &ids {
            if let Some(entry) = self.tunnels.get_mut(id) {
                entry.clear_statistics();
            }
        }
        ids
    }

    pub fn clear_session_statistics(&mut self, selector: &Selector) -> usize {
        let mut count = 0;
        for tunnel_id in self.matching_tunnels(selector) {
            let Some(entry) = self.tunnels.get_mut(&tunnel_id) else {
                continue;
            };
            for (session_id, session) in entry.sessions.iter_mut() {
                if matches!(selector, Selector::LocalSessionId(id) if id != session_id) {
                    continue;
                }
                session.baseline = Counters::of_session(&session.session.counters());
                count += 1;
            }
        }
        count
    }

    /// A commit: new tunnels use the new values; live tunnels take the retransmission
    /// settings for their next message; tunnels of a deleted tunnel group, or of one whose
    /// `local-gateway address` changed, are torn down (junos-config.md §2).
    pub fn apply_config(&mut self, now: Instant, config: &RouterConfig) {
        let limit = self.settings.max_establishing_per_source;
        self.settings = Settings::from_config(config);
        self.settings.max_establishing_per_source = limit;
        self.config = config.clone();
        let retransmit = self.settings.retransmit;
        let mut doomed = Vec::new();
        for (tunnel_id, entry) in &mut self.tunnels {
            entry.tunnel.update_settings(retransmit);
            if let Origin::Lns { group } = &entry.origin {
                let kept = config
                    .l2tp
                    .tunnel_groups
                    .get(group)
                    .is_some_and(|g| g.local_address == entry.local);
                if !kept && !entry.down {
                    doomed.push(*tunnel_id);
                }
            }
        }
        for tunnel_id in doomed {
            let result = ResultCode {
                result: stopccn_result::GENERAL_REQUEST,
                error: None,
                message: b"tunnel-group removed".to_vec(),
            };
            self.close_tunnel(now, tunnel_id, result);
        }
        let profiles: Vec<String> = self
            .tunnels
            .values()
            .filter_map(|e| match &e.origin {
                Origin::Lac { profile, .. } => Some(profile.clone()),
                Origin::Lns { .. } => None,
            })
            .filter(|p| !config.tunnel_profiles.contains_key(p))
            .collect();
        for profile in profiles {
            self.rotation.forget(&profile);
        }
    }

    /// The daemon stops: every tunnel gets StopCCN result 6.
    pub fn shutdown(&mut self, now: Instant) {
        let result = ResultCode {
            result: stopccn_result::SHUTTING_DOWN,
            error: None,
            message: Vec::new(),
        };
        for tunnel_id in self.matching_tunnels(&Selector::All) {
            self.close_tunnel(now, tunnel_id, result.clone());
        }
    }

    /// Whether a call is established (has a session on an up tunnel).
    pub fn is_active(&self, call: super::SessionRef) -> bool {
        matches!(self.calls.get(&call), Some(CallLocation::Active { .. }))
    }
}
