//! RADIUS Session-Timeout (RFC 2865 §5.27): the most seconds a subscriber may stay, from the
//! Access-Accept or a CoA-Request; and Idle-Timeout (§5.28): the most seconds it may send and
//! receive nothing. Ordered sets of deadlines: a due timer costs O(log n).
//!
//! Idleness is checked once per Idle-Timeout against the subscriber's packet counters (the
//! fast paths' counts folded in first): a subscriber that was silent for the whole of one
//! period ends, so it ends between one and two periods after its last packet.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use super::lac::SubscriberLayer;
use super::table::{EndCause, Phase, SubscriberId};
use crate::registry::Registry;

#[derive(Default)]
pub struct SessionLimits {
    deadlines: BTreeSet<(Instant, SubscriberId)>,
    by_subscriber: HashMap<SubscriberId, Instant>,
    idle_checks: BTreeSet<(Instant, SubscriberId)>,
    idle: HashMap<SubscriberId, IdleWatch>,
}

/// When a subscriber's idleness is next checked, and its packet count then.
struct IdleWatch {
    period: Duration,
    next: Instant,
    packets: u64,
}

impl SessionLimits {
    /// `id` may stay until `since + timeout` (a later call replaces the limit; 0 or `None`
    /// removes it, as RFC 5176 CoA may).
    pub fn set(&mut self, id: SubscriberId, since: Instant, timeout: Option<u32>) {
        self.remove(id);
        let Some(seconds) = timeout.filter(|s| *s > 0) else {
            return;
        };
        let at = since + Duration::from_secs(u64::from(seconds));
        self.deadlines.insert((at, id));
        self.by_subscriber.insert(id, at);
    }

    pub fn remove(&mut self, id: SubscriberId) {
        if let Some(at) = self.by_subscriber.remove(&id) {
            self.deadlines.remove(&(at, id));
        }
        self.unwatch_idle(id);
    }

    /// Checks `id` for idleness every `timeout` seconds from `now` (0 or `None`: never),
    /// `packets` being its count now.
    pub fn watch_idle(
        &mut self,
        id: SubscriberId,
        now: Instant,
        timeout: Option<u32>,
        packets: u64,
    ) {
        self.unwatch_idle(id);
        let Some(seconds) = timeout.filter(|s| *s > 0) else {
            return;
        };
        let period = Duration::from_secs(u64::from(seconds));
        let next = now + period;
        self.idle_checks.insert((next, id));
        self.idle.insert(
            id,
            IdleWatch {
                period,
                next,
                packets,
            },
        );
    }

    fn unwatch_idle(&mut self, id: SubscriberId) {
        if let Some(watch) = self.idle.remove(&id) {
            self.idle_checks.remove(&(watch.next, id));
        }
    }

    /// Whether an idleness check is due (the caller folds the fast paths' counters first).
    pub fn idle_check_due(&self, now: Instant) -> bool {
        self.idle_checks.first().is_some_and(|(at, _)| *at <= now)
    }

    /// The checks due now: `count` gives a subscriber's packet count. Those without a packet
    /// since their last check are returned (idle); the others are checked again a period on.
    pub fn idle_due(
        &mut self,
        now: Instant,
        count: impl Fn(SubscriberId) -> u64,
    ) -> Vec<SubscriberId> {
        let mut idle = Vec::new();
        while let Some(&(at, id)) = self.idle_checks.first() {
            if at > now {
                break;
            }
            self.idle_checks.remove(&(at, id));
            let Some(watch) = self.idle.get_mut(&id) else {
                continue;
            };
            let packets = count(id);
            if packets == watch.packets {
                self.idle.remove(&id);
                idle.push(id);
            } else {
                watch.packets = packets;
                watch.next = now + watch.period;
                self.idle_checks.insert((watch.next, id));
            }
        }
        idle
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        let session = self.deadlines.first().map(|(at, _)| *at);
        let idle = self.idle_checks.first().map(|(at, _)| *at);
        session.into_iter().chain(idle).min()
    }

    /// Subscribers whose Session-Timeout is up.
    pub fn due(&mut self, now: Instant) -> Vec<SubscriberId> {
        let mut due = Vec::new();
        while let Some(&(at, id)) = self.deadlines.first() {
            if at > now {
                break;
            }
            self.deadlines.remove(&(at, id));
            self.by_subscriber.remove(&id);
            due.push(id);
        }
        due
    }

    #[cfg(test)]
    pub fn limit_of(&self, id: SubscriberId) -> Option<Instant> {
        self.by_subscriber.get(&id).copied()
    }
}

impl SubscriberLayer {
    /// Session-Timeout from now on, counted from the subscriber's login (`None`: no limit).
    pub(super) fn set_session_timeout(&mut self, id: SubscriberId, seconds: Option<u32>) {
        let Some(subscriber) = self.table.get_mut(id) else {
            return;
        };
        subscriber
            .aaa
            .get_or_insert_with(Default::default)
            .session_timeout = seconds;
        let since = subscriber.since;
        self.limits.set(id, since, seconds);
    }

    /// Idle-Timeout from now on (`None`: none). Watched only once the subscriber is up.
    pub(super) fn set_idle_timeout(
        &mut self,
        now: Instant,
        id: SubscriberId,
        seconds: Option<u32>,
    ) {
        let Some(subscriber) = self.table.get_mut(id) else {
            return;
        };
        subscriber
            .aaa
            .get_or_insert_with(Default::default)
            .idle_timeout = seconds;
        if subscriber.phase == Phase::Active && subscriber.terminated {
            let packets = subscriber.ip_packets;
            self.limits.watch_idle(id, now, seconds, packets);
        }
    }

    /// The subscriber is up: its Idle-Timeout, if RADIUS gave one, starts. Only where its
    /// PPP ends here: a LAC relays a tunnelled subscriber's PPP whole, the LNS's keepalives
    /// with it, and leaves idleness to the LNS, which sees the IP.
    pub(super) fn start_idle_watch(&mut self, now: Instant, id: SubscriberId) {
        let Some(subscriber) = self.table.get(id).filter(|s| s.terminated) else {
            return;
        };
        let timeout = subscriber.aaa.as_deref().and_then(|g| g.idle_timeout);
        let packets = subscriber.ip_packets;
        self.limits.watch_idle(id, now, timeout, packets);
    }

    /// Subscribers whose Session-Timeout ran out, or idle for their Idle-Timeout, end now.
    pub(super) fn session_timeouts(&mut self, now: Instant, registry: &mut Registry) {
        for id in self.limits.due(now) {
            tracing::info!("subscriber {}: session timeout", id.0);
            self.end(now, id, EndCause::SessionTimeout, registry);
        }
        if !self.limits.idle_check_due(now) {
            return;
        }
        // What the fast paths carried counts as activity.
        self.fold_relay_counters(registry);
        self.fold_ip_counters(registry);
        let table = &self.table;
        let idle = self
            .limits
            .idle_due(now, |id| table.get(id).map_or(0, |s| s.ip_packets));
        for id in idle {
            tracing::info!("subscriber {}: idle timeout", id.0);
            self.end(now, id, EndCause::IdleTimeout, registry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::SessionRef;

    #[test]
    fn a_limit_falls_due_once_and_a_new_one_replaces_it() {
        let t0 = Instant::now();
        let mut limits = SessionLimits::default();
        let (a, b) = (SessionRef(1), SessionRef(2));
        limits.set(a, t0, Some(60));
        limits.set(b, t0, Some(30));
        limits.set(b, t0, Some(90));
        assert_eq!(limits.poll_timeout(), Some(t0 + Duration::from_secs(60)));
        assert!(limits.due(t0 + Duration::from_secs(59)).is_empty());
        assert_eq!(limits.due(t0 + Duration::from_secs(60)), vec![a]);
        assert_eq!(limits.limit_of(b), Some(t0 + Duration::from_secs(90)));
        limits.set(b, t0, Some(0));
        assert_eq!(limits.poll_timeout(), None);
    }

    #[test]
    fn a_subscriber_silent_for_a_whole_period_is_idle_and_one_that_sent_is_not() {
        let t0 = Instant::now();
        let mut limits = SessionLimits::default();
        let (quiet, busy) = (SessionRef(1), SessionRef(2));
        limits.watch_idle(quiet, t0, Some(60), 10);
        limits.watch_idle(busy, t0, Some(60), 10);
        let at = t0 + Duration::from_secs(60);
        assert!(!limits.idle_check_due(at - Duration::from_secs(1)));
        assert!(limits.idle_check_due(at));
        let count = |id: SessionRef| if id == busy { 11 } else { 10 };
        assert_eq!(limits.idle_due(at, count), vec![quiet]);
        // The busy one is checked again a period on; silent since, it is idle then.
        assert_eq!(limits.poll_timeout(), Some(at + Duration::from_secs(60)));
        assert_eq!(
            limits.idle_due(at + Duration::from_secs(60), |_| 11),
            vec![busy]
        );
        assert_eq!(limits.poll_timeout(), None);
    }
}
