//! `show services l2tp summary` and `disconnect-cause-summary`, and what the engine asks
//! about the registry as a whole.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use schema::l2tp_rpc::{AdministrativeState, L2tpDisconnectCauses, L2tpSummary, Toggle};
use schema::typed::RouterConfig;

use super::counters::{Counters, DropCounters};
use super::event::SessionRef;
use super::show::{count, seconds_u32};
use super::Registry;
use crate::l2tp::control::config::{DEFAULT_RX_WINDOW, MAXIMUM_RETRANSMIT_INTERVAL};
use crate::l2tp::control::TunnelState;

/// Tunnel authentication is in use when any LAC tunnel or any client of an access profile a
/// tunnel group admits LACs with has a secret: Junos' `Tunnel authentication challenge`.
fn tunnel_authentication(config: &RouterConfig) -> bool {
    let lac = config
        .tunnel_profiles
        .values()
        .flat_map(|p| p.tunnels.values())
        .any(|t| t.secret.is_some());
    let lns = config
        .l2tp
        .tunnel_groups
        .values()
        .filter_map(|g| g.l2tp_access_profile.as_ref())
        .filter_map(|name| config.access_profiles.get(name))
        .flat_map(|p| p.clients.values())
        .any(|c| c.l2tp.shared_secret.is_some());
    lac || lns
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

    /// `show services l2tp summary [statistics]`: the settings in force and the counts.
    pub fn summary(&self, statistics: bool) -> L2tpSummary {
        let settings = &self.settings;
        let l2tp = &self.config.l2tp;
        let rx_window = if settings.rx_window_size == 0 {
            DEFAULT_RX_WINDOW
        } else {
            settings.rx_window_size
        };
        L2tpSummary {
            administrative_state: if settings.drain {
                AdministrativeState::Drain
            } else {
                AdministrativeState::Enabled
            },
            failover_within_preference: settings.select.fail_over_within_preference.into(),
            weighted_load_balancing: settings.select.weighted_load_balancing.into(),
            tunnel_authentication_challenge: tunnel_authentication(&self.config).into(),
            tunnel_receive_window: rx_window,
            tunnel_hello_interval: seconds_u32(settings.hello_interval),
            max_retransmissions_count_established: settings.retransmit.count_established,
            max_retransmissions_count_not_established: settings.retransmit.count_not_established,
            minimum_retransmissions_timeout: seconds_u32(settings.retransmit.first_wait()),
            maximum_retransmissions_timeout: seconds_u32(MAXIMUM_RETRANSMIT_INTERVAL),
            tunnel_idle_timeout: settings.idle_timeout.map_or(0, seconds_u32),
            destruct_timeout: l2tp.destruct_timeout,
            destination_lockout_timeout: seconds_u32(settings.lockout),
            snmp_tunnel_statistics: Toggle::from(l2tp.enable_snmp_tunnel_statistics),
            // The engine runs this many from the commit that set it on (`engine/task.rs`).
            data_workers: count(crate::io::data_workers::worker_count(l2tp.data_workers)),
            data_workers_per_core: l2tp.data_workers.is_none(),
            destinations: count(self.shown_destinations()),
            tunnels: count(self.tunnels.values().filter(|e| !e.down).count()),
            sessions: count(self.tunnels.values().map(|e| e.sessions.len()).sum()),
            // Tunnel switching (`tunnel-switch-profile`) is not implemented: no session is
            // ever switched.
            switched_sessions: 0,
            statistics: statistics.then(|| self.total_counters()),
            drops: statistics.then_some(self.drops),
        }
    }

    /// Destinations as `show services l2tp destination` lists them: with a live tunnel or a
    /// lockout. One that only holds closed tunnels until their hold ends is not counted.
    fn shown_destinations(&self) -> usize {
        let with_live_tunnel: BTreeSet<u32> = self
            .tunnels
            .values()
            .filter(|e| !e.down)
            .map(|e| e.destination)
            .collect();
        self.destinations
            .iter()
            .filter(|(id, d)| d.lockout.is_some() || with_live_tunnel.contains(id))
            .count()
    }

    /// Every destination's traffic plus that of destinations that are gone.
    fn total_counters(&self) -> Counters {
        self.destinations
            .keys()
            .filter_map(|id| self.destination_counters(*id))
            .fold(self.retired, |total, c| total.plus(&c))
    }

    pub(super) fn destination_counters(&self, id: u32) -> Option<Counters> {
        let d = self.destinations.get(&id)?;
        Some(
            self.tunnels_of(id)
                .fold(d.retired, |total, (_, e)| total.plus(&e.counters())),
        )
    }

    /// Datagrams dropped before any tunnel saw them, since the last clear.
    pub fn drops(&self) -> DropCounters {
        self.drops
    }

    /// Our addresses of every tunnel not yet gone, the closing ones included: each still
    /// sends (StopCCN retransmissions) and acknowledges from its address until its
    /// post-StopCCN hold ends, so the engine keeps listening there (`release_listeners`).
    pub fn tunnel_locals(&self) -> impl Iterator<Item = Ipv4Addr> + '_ {
        self.tunnels
            .values()
            .filter(|e| e.tunnel.state() != TunnelState::Gone)
            .filter_map(|e| e.local)
    }

    /// Data the I/O shell dropped, its queue to the engine full (`engine::queues`).
    pub fn add_data_queue_drops(&mut self, l2tp: u64, pppoe: u64) {
        let d = &mut self.drops;
        d.data_queue_full = d.data_queue_full.saturating_add(l2tp);
        d.pppoe_data_queue_full = d.pppoe_data_queue_full.saturating_add(pppoe);
    }

    /// Adds what the kernel dropped at the listeners' control and data sockets.
    pub fn add_socket_drops(&mut self, [control, data]: [u64; 2]) {
        let d = &mut self.drops;
        d.control_socket_full = d.control_socket_full.saturating_add(control);
        d.data_socket_full = d.data_socket_full.saturating_add(data);
    }

    /// `show services l2tp disconnect-cause-summary`.
    pub fn disconnect_causes(&self) -> L2tpDisconnectCauses {
        self.events.causes.report()
    }

    /// The call a session of ours carries.
    pub fn call_at(&self, tunnel_id: u16, session_id: u16) -> Option<SessionRef> {
        Some(
            self.tunnels
                .get(&tunnel_id)?
                .sessions
                .get(&session_id)?
                .call_ref,
        )
    }

    /// The peer's Tunnel ID for one of ours (0 until the peer assigned it).
    pub fn remote_tunnel_id(&self, tunnel_id: u16) -> Option<u16> {
        Some(self.tunnels.get(&tunnel_id)?.tunnel.peer().tunnel_id)
    }

    /// The peer's Session ID for one of ours (0 until the peer assigned it).
    pub fn remote_session_id(&self, tunnel_id: u16, session_id: u16) -> Option<u16> {
        let session = self.tunnels.get(&tunnel_id)?.sessions.get(&session_id)?;
        Some(session.session.peer_id().map_or(0, |id| id.get()))
    }
}
