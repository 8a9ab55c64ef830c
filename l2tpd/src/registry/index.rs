//! The registry's indexes, kept beside the tunnel table so that no event costs a walk over
//! every tunnel or destination: a flood of SCCRQs from hundreds of sources once froze the
//! engine for minutes because each tunnel release looked, for every destination, through
//! every tunnel (issue 9).
//!
//! - destination → its tunnels (`Destination::tunnels`): a destination is forgotten the
//!   moment its last tunnel goes and no lockout holds it;
//! - source address → how many tunnels it has, in every state (the per-source SCCRQ limit);
//! - the responder tunnels still waiting for SCCCN, oldest first, and by source, busiest
//!   first (the global cap);
//! - a timer queue of every tunnel's next deadline (its control connection's timer or its
//!   idle close) and of every lockout's end, so a turn only touches what is due.
//!
//! Every tunnel enters through [`Registry::insert_tunnel`] and leaves through
//! [`Registry::remove_tunnel`]; its deadline is refreshed after each `pump`, the one place
//! every datagram, event and timer of a tunnel passes through.

use std::time::Instant;

use super::entry::{Origin, TunnelEntry};
use super::Registry;
use crate::l2tp::control::TunnelState;
use crate::l2tp::select::Lockout;

/// Due tunnels handled per call of `handle_timeout`: a flood whose tunnels all fall due in
/// the same millisecond is worked off over several engine turns, with datagrams and the
/// shell served in between. The rest stay due, so the engine comes straight back.
pub(super) const TIMERS_PER_TURN: usize = 512;

impl Registry {
    pub(super) fn insert_tunnel(&mut self, tunnel_id: u16, entry: TunnelEntry) {
        *self.per_source.entry(entry.peer.ip()).or_default() += 1;
        if let Some(d) = self.destinations.get_mut(&entry.destination) {
            d.tunnels.insert(tunnel_id);
        }
        if matches!(entry.origin, Origin::Lns { .. })
            && entry.tunnel.state() == TunnelState::WaitCtlConn
        {
            self.establishing.insert((entry.opened_at, tunnel_id));
            self.establishing_by_source
                .insert(entry.peer.ip(), entry.opened_at, tunnel_id);
        }
        self.tunnels.insert(tunnel_id, entry);
        self.reschedule(tunnel_id);
    }

    /// Takes a tunnel out of the table and of every index. The destination is forgotten
    /// if that was its last tunnel.
    pub(super) fn remove_tunnel(&mut self, tunnel_id: u16) -> Option<TunnelEntry> {
        let entry = self.tunnels.remove(&tunnel_id)?;
        let source = entry.peer.ip();
        if let Some(count) = self.per_source.get_mut(&source) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                self.per_source.remove(&source);
            }
        }
        if let Some(d) = self.destinations.get_mut(&entry.destination) {
            d.tunnels.remove(&tunnel_id);
        }
        if self.establishing.remove(&(entry.opened_at, tunnel_id)) {
            self.establishing_by_source
                .remove(source, entry.opened_at, tunnel_id);
        }
        if let Some(at) = entry.scheduled {
            self.timers.remove(&(at, tunnel_id));
        }
        Some(entry)
    }

    /// The tunnel no longer waits for SCCCN (established, or closed).
    pub(super) fn no_longer_establishing(&mut self, tunnel_id: u16) {
        if let Some(entry) = self.tunnels.get(&tunnel_id) {
            if self.establishing.remove(&(entry.opened_at, tunnel_id)) {
                self.establishing_by_source
                    .remove(entry.peer.ip(), entry.opened_at, tunnel_id);
            }
        }
    }

    /// Tunnels from `source`, in every state.
    pub(super) fn tunnels_from(&self, source: std::net::IpAddr) -> usize {
        self.per_source.get(&source).copied().unwrap_or(0)
    }

    /// The responder tunnel the global cap drops: the oldest of the source with the most
    /// waiting for their SCCCN (`establishing`).
    pub(super) fn establishing_to_evict(&self) -> Option<u16> {
        self.establishing_by_source.to_evict()
    }

    /// The tunnels waiting for SCCCN, oldest first.
    pub(super) fn establishing_ids(&self) -> Vec<u16> {
        self.establishing.iter().map(|(_, id)| *id).collect()
    }

    pub(super) fn establishing_count(&self) -> usize {
        self.establishing.len()
    }

    /// Puts the tunnel's next deadline in the timer queue (or takes it out).
    pub(super) fn reschedule(&mut self, tunnel_id: u16) {
        let Some(entry) = self.tunnels.get(&tunnel_id) else {
            return;
        };
        let due = [
            entry.tunnel.poll_timeout(),
            self.idle_deadline(entry),
            super::call_setup::next_deadline(entry),
        ]
        .into_iter()
        .flatten()
        .min();
        let old = entry.scheduled;
        if due == old {
            return;
        }
        if let Some(at) = old {
            self.timers.remove(&(at, tunnel_id));
        }
        if let Some(at) = due {
            self.timers.insert((at, tunnel_id));
        }
        if let Some(entry) = self.tunnels.get_mut(&tunnel_id) {
            entry.scheduled = due;
        }
    }

    /// After a commit: the idle deadline of every tunnel may have moved.
    pub(super) fn reschedule_all(&mut self) {
        let ids: Vec<u16> = self.tunnels.keys().copied().collect();
        for tunnel_id in ids {
            self.reschedule(tunnel_id);
        }
    }

    /// Takes up to `limit` tunnels whose deadline has come out of the timer queue.
    pub(super) fn take_due(&mut self, now: Instant, limit: usize) -> Vec<u16> {
        let mut due = Vec::new();
        while due.len() < limit {
            match self.timers.first() {
                Some(&(at, tunnel_id)) if at <= now => {
                    self.timers.pop_first();
                    if let Some(entry) = self.tunnels.get_mut(&tunnel_id) {
                        entry.scheduled = None;
                    }
                    due.push(tunnel_id);
                }
                _ => break,
            }
        }
        due
    }

    /// The earliest tunnel deadline or lockout end.
    pub(super) fn next_deadline(&self) -> Option<Instant> {
        let tunnel = self.timers.first().map(|(at, _)| *at);
        let lockout = self.lockout_ends.first().map(|(at, _)| *at);
        tunnel.into_iter().chain(lockout).min()
    }

    /// Locks a destination out until `lockout.until`.
    pub(super) fn lock_out(&mut self, destination: u32, lockout: Lockout) {
        if let Some(d) = self.destinations.get_mut(&destination) {
            d.lockout = Some(lockout);
            self.lockout_ends.insert((lockout.until, destination));
        }
    }

    /// Ends the lockouts that are over; a destination with no tunnel left goes with it.
    /// An entry whose lockout was cleared or renewed meanwhile is only dropped.
    pub(super) fn expire_lockouts(&mut self, now: Instant) {
        while let Some(&(at, destination)) = self.lockout_ends.first() {
            if at > now {
                break;
            }
            self.lockout_ends.pop_first();
            if let Some(d) = self.destinations.get_mut(&destination) {
                if d.lockout.is_some_and(|l| l.until <= now) {
                    d.lockout = None;
                }
            }
            self.forget_if_empty(destination);
        }
    }

    /// A destination with no tunnels and no lockout is forgotten; its traffic moves to the
    /// global total.
    pub(super) fn forget_if_empty(&mut self, destination: u32) {
        let empty = self
            .destinations
            .get(&destination)
            .is_some_and(|d| d.lockout.is_none() && d.tunnels.is_empty());
        if !empty {
            return;
        }
        if let Some(d) = self.destinations.remove(&destination) {
            self.destination_ids.remove(&d.key);
            self.retired = self.retired.plus(&d.retired);
        }
    }
}
