//! Snapshots for the operational commands.

use std::time::Instant;

use super::entry::{Origin, TunnelEntry};
use super::snapshot::{DestinationInfo, SessionInfo, Summary, TunnelInfo};
use super::Registry;
use crate::l2tp::control::TunnelState;

fn tunnel_state(entry: &TunnelEntry) -> &'static str {
    match entry.tunnel.state() {
        TunnelState::WaitCtlReply => "cc-initiator-wait-ctl-reply",
        TunnelState::WaitCtlConn => "cc-responder-wait-ctl-conn",
        TunnelState::Established => "established",
        TunnelState::Closing => "terminate",
        TunnelState::Gone => "closed",
    }
}

fn seconds(now: Instant, since: Instant) -> u64 {
    now.saturating_duration_since(since).as_secs()
}

impl Registry {
    /// Control messages of every tunnel not yet acknowledged by the peer (sent or still
    /// queued behind the window). Zero means the peers have taken everything we said, e.g.
    /// every ICCN or CDN of a batch of test sessions.
    pub fn control_backlog(&self) -> usize {
        self.tunnels
            .values()
            .map(|e| {
                let w = e.tunnel.window();
                w.in_flight + w.unsent
            })
            .sum()
    }

    pub fn summary(&self) -> Summary {
        let counters = self
            .destinations
            .keys()
            .filter_map(|id| self.destination_counters(*id))
            .fold(self.retired, |total, c| total.plus(&c));
        Summary {
            administrative_state: if self.settings.drain {
                "drain"
            } else {
                "enabled"
            },
            failover_within_preference: self.settings.select.fail_over_within_preference,
            weighted_load_balancing: self.settings.select.weighted_load_balancing,
            idle_timeout_seconds: self.settings.idle_timeout.map_or(0, |t| t.as_secs()),
            destination_lockout_timeout_seconds: self.settings.lockout.as_secs(),
            destinations: self.destinations.len(),
            tunnels: self.tunnels.values().filter(|e| !e.down).count(),
            sessions: self.tunnels.values().map(|e| e.sessions.len()).sum(),
            counters,
            drops: self.drops,
        }
    }

    fn destination_counters(&self, id: u32) -> Option<super::Counters> {
        let d = self.destinations.get(&id)?;
        Some(
            self.tunnels
                .values()
                .filter(|e| e.destination == id)
                .fold(d.retired, |total, e| total.plus(&e.counters())),
        )
    }

    pub fn destinations(&self, now: Instant) -> Vec<DestinationInfo> {
        self.destinations
            .iter()
            .map(|(id, d)| {
                let tunnels = || {
                    self.tunnels
                        .values()
                        .filter(|e| e.destination == *id && !e.down)
                };
                let locked = d.lockout.filter(|l| l.until > now);
                DestinationInfo {
                    id: *id,
                    address: d.key.address,
                    routing_instance: d.key.routing_instance.clone(),
                    state: if locked.is_some() {
                        "locked-out"
                    } else {
                        "active"
                    },
                    lockout_remaining_seconds: locked
                        .map_or(0, |l| l.until.saturating_duration_since(now).as_secs()),
                    tunnels: tunnels().count(),
                    sessions: tunnels().map(|e| e.sessions.len()).sum(),
                    counters: self.destination_counters(*id).unwrap_or_default(),
                }
            })
            .collect()
    }

    pub fn tunnels(&self, now: Instant) -> Vec<TunnelInfo> {
        self.tunnels
            .iter()
            .map(|(id, e)| {
                let (role, name, number) = match &e.origin {
                    Origin::Lac {
                        profile, number, ..
                    } => ("lac", profile.clone(), Some(*number)),
                    Origin::Lns { group } => ("lns", group.clone(), None),
                };
                TunnelInfo {
                    local_tunnel_id: *id,
                    remote_tunnel_id: e.tunnel.peer().tunnel_id,
                    destination: e.destination,
                    state: tunnel_state(e),
                    local_address: e.local,
                    peer: e.peer,
                    local_name: e.local_name.clone(),
                    remote_name: String::from_utf8_lossy(&e.tunnel.peer().host_name).into_owned(),
                    role,
                    profile_or_group: name,
                    profile_tunnel: number,
                    sessions: e.sessions.len(),
                    max_sessions: e.max_sessions,
                    seconds_open: seconds(now, e.opened_at),
                    seconds_up: e.up_at.map(|t| seconds(now, t)),
                    counters: e.counters(),
                }
            })
            .collect()
    }

    pub fn sessions(&self, now: Instant) -> Vec<SessionInfo> {
        self.tunnels
            .iter()
            .flat_map(|(tunnel_id, e)| {
                e.sessions.iter().map(move |(session_id, s)| SessionInfo {
                    session: s.call_ref,
                    local_tunnel_id: *tunnel_id,
                    local_session_id: *session_id,
                    remote_session_id: s.session.peer_id().map_or(0, |id| id.get()),
                    state: s.session.state().name(),
                    call_serial: s.session.call().serial,
                    seconds_up: s.up_at.map(|t| seconds(now, t)),
                    counters: s.counters(),
                })
            })
            .collect()
    }
}
