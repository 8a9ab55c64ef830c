//! A subscriber's session limit, the most seconds it may stay from its login, and idle
//! limit, the most seconds it may send and receive nothing. Ordered sets of deadlines: a due
//! timer costs O(log n).
//!
//! Where they come from, first that gives one (`Limits::of`): the session limit is RADIUS's
//! Session-Timeout (RFC 2865 §5.27, the Accept or a CoA-Request), else the access profile's
//! `session-options client-session-timeout`. The idle limit is RADIUS's Idle-Timeout
//! (§5.28), else the user's client entry's `ppp idle-timeout` (or its group profile's), else
//! the tunnel client's `user-group-profile`'s (LNS), else the profile's `session-options
//! client-idle-timeout`. RADIUS over the configuration is Junos'; the order among the
//! configuration's statements is ours (the most specific first, as for DNS and pools). A
//! value of 0 where it is given means no limit, and nothing further down is looked at.
//!
//! Idleness is checked once per idle limit against the subscriber's IP packet counters (the
//! fast paths' counts folded in first) — both directions, or only what the subscriber sent
//! under `client-idle-timeout-ingress-only`: a subscriber that was silent for the whole of
//! one period ends, so it ends between one and two periods after its last packet. Only where
//! its PPP ends here: a LAC relays a tunnelled subscriber's PPP whole (LCP echoes with it)
//! and leaves idleness to the LNS, which sees the IP; its session limit applies.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use schema::typed::{AccessProfile, PppClient, RouterConfig, SessionOptions};

use super::lac::SubscriberLayer;
use super::table::{AaaGrant, AccessLeg, EndCause, Phase, Subscriber, SubscriberId};
use crate::registry::Registry;

/// Where a limit comes from (`show subscribers detail`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitSource {
    Radius,
    PppIdleTimeout,
    SessionOptions,
}

impl LimitSource {
    pub fn key(self) -> &'static str {
        match self {
            LimitSource::Radius => "radius",
            LimitSource::PppIdleTimeout => "ppp idle-timeout",
            LimitSource::SessionOptions => "session-options",
        }
    }
}

/// A subscriber's limits in force: seconds, and where each came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    pub session: Option<(u32, LimitSource)>,
    pub idle: Option<(u32, LimitSource)>,
    /// `client-idle-timeout-ingress-only`: only what the subscriber sends is activity.
    pub ingress_only: bool,
}

/// The first source that gives a value; 0 there is no limit.
fn first_given(sources: &[(Option<u32>, LimitSource)]) -> Option<(u32, LimitSource)> {
    sources
        .iter()
        .find_map(|(value, source)| Some(((*value)?, *source)))
        .filter(|(seconds, _)| *seconds > 0)
}

impl Limits {
    /// The limits of a subscriber admitted with `grant` (RADIUS's, if it asked), its access
    /// `profile`, its own client entry there and (LNS) its tunnel's user-group profile.
    pub fn of(
        grant: Option<&AaaGrant>,
        profile: Option<&AccessProfile>,
        client: Option<&PppClient>,
        user_group: Option<&PppClient>,
    ) -> Self {
        let none = SessionOptions::default();
        let options = profile.map_or(&none, |p| &p.session_options);
        Limits {
            session: first_given(&[
                (grant.and_then(|g| g.session_timeout), LimitSource::Radius),
                (options.session_timeout, LimitSource::SessionOptions),
            ]),
            idle: first_given(&[
                (grant.and_then(|g| g.idle_timeout), LimitSource::Radius),
                (
                    client.and_then(|c| c.idle_timeout),
                    LimitSource::PppIdleTimeout,
                ),
                (
                    user_group.and_then(|g| g.idle_timeout),
                    LimitSource::PppIdleTimeout,
                ),
                (options.idle_timeout, LimitSource::SessionOptions),
            ]),
            ingress_only: options.idle_ingress_only,
        }
    }

    /// A subscriber's limits from what it holds and the configuration.
    fn of_subscriber(subscriber: &Subscriber, config: &RouterConfig) -> Self {
        let profile = subscriber.access_profile(config);
        let client = subscriber
            .user
            .as_deref()
            .and_then(|user| profile?.clients.get(user))
            .map(|c| &c.ppp);
        let user_group = match &subscriber.access {
            AccessLeg::L2tp { group, lac, .. } => super::lns::tunnel_user_group(config, group, lac),
            _ => None,
        };
        Self::of(subscriber.aaa.as_deref(), profile, client, user_group)
    }
}

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
    ingress_only: bool,
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
    /// `packets` being its count now (only what it sent when `ingress_only`).
    pub fn watch_idle(
        &mut self,
        id: SubscriberId,
        now: Instant,
        timeout: Option<u32>,
        ingress_only: bool,
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
                ingress_only,
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

    /// The checks due now: `count` gives a subscriber's packet count (only what it sent, when
    /// its second argument says so). Those without a packet since their last check are
    /// returned (idle); the others are checked again a period on.
    pub fn idle_due(
        &mut self,
        now: Instant,
        count: impl Fn(SubscriberId, bool) -> u64,
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
            let packets = count(id, watch.ingress_only);
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

/// The packets that count as a subscriber's activity.
fn activity(subscriber: &Subscriber, ingress_only: bool) -> u64 {
    if ingress_only {
        subscriber.ip_packets_in
    } else {
        subscriber.ip_packets
    }
}

impl SubscriberLayer {
    /// Admitted: the session limit runs from its login (`Limits::of`).
    pub(super) fn start_session_limit(&mut self, id: SubscriberId, config: &RouterConfig) {
        let Some(subscriber) = self.table.get_mut(id) else {
            return;
        };
        let limits = Limits::of_subscriber(subscriber, config);
        subscriber.limits.session = limits.session;
        let since = subscriber.since;
        self.limits.set(id, since, limits.session.map(|(s, _)| s));
    }

    /// A CoA's Session-Timeout from now on, counted from the subscriber's login (`None`: no
    /// limit).
    pub(super) fn set_session_timeout(&mut self, id: SubscriberId, seconds: Option<u32>) {
        let Some(subscriber) = self.table.get_mut(id) else {
            return;
        };
        subscriber
            .aaa
            .get_or_insert_with(Default::default)
            .session_timeout = seconds;
        subscriber.limits.session = seconds.filter(|s| *s > 0).map(|s| (s, LimitSource::Radius));
        let since = subscriber.since;
        self.limits.set(id, since, seconds);
    }

    /// A CoA's Idle-Timeout from now on (`None`: none). Watched only once the subscriber is
    /// up.
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
        subscriber.limits.idle = seconds.filter(|s| *s > 0).map(|s| (s, LimitSource::Radius));
        if subscriber.phase == Phase::Active && subscriber.terminated {
            let ingress_only = subscriber.limits.ingress_only;
            let packets = activity(subscriber, ingress_only);
            self.limits
                .watch_idle(id, now, seconds, ingress_only, packets);
        }
    }

    /// The subscriber is up: its idle limit (`Limits::of`) starts. Only where its PPP ends
    /// here (the module's note).
    pub(super) fn start_idle_watch(
        &mut self,
        now: Instant,
        id: SubscriberId,
        config: &RouterConfig,
    ) {
        let Some(subscriber) = self.table.get_mut(id).filter(|s| s.terminated) else {
            return;
        };
        let limits = Limits::of_subscriber(subscriber, config);
        subscriber.limits.idle = limits.idle;
        subscriber.limits.ingress_only = limits.ingress_only;
        let packets = activity(subscriber, limits.ingress_only);
        let timeout = limits.idle.map(|(s, _)| s);
        self.limits
            .watch_idle(id, now, timeout, limits.ingress_only, packets);
    }

    /// Subscribers whose session limit ran out, or idle for their idle limit, end now.
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
        let idle = self.limits.idle_due(now, |id, ingress_only| {
            table.get(id).map_or(0, |s| activity(s, ingress_only))
        });
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
        limits.watch_idle(quiet, t0, Some(60), false, 10);
        limits.watch_idle(busy, t0, Some(60), false, 10);
        let at = t0 + Duration::from_secs(60);
        assert!(!limits.idle_check_due(at - Duration::from_secs(1)));
        assert!(limits.idle_check_due(at));
        let count = |id: SessionRef, _| if id == busy { 11 } else { 10 };
        assert_eq!(limits.idle_due(at, count), vec![quiet]);
        // The busy one is checked again a period on; silent since, it is idle then.
        assert_eq!(limits.poll_timeout(), Some(at + Duration::from_secs(60)));
        assert_eq!(
            limits.idle_due(at + Duration::from_secs(60), |_, _| 11),
            vec![busy]
        );
        assert_eq!(limits.poll_timeout(), None);
    }

    #[test]
    fn the_first_source_that_gives_a_limit_decides_and_a_zero_there_means_none() {
        let config = crate::test_config(
            "set access profile p session-options client-idle-timeout 30\n\
             set access profile p session-options client-session-timeout 60\n\
             set access group-profile g ppp idle-timeout 300\n\
             set access profile p client own ppp idle-timeout 120\n\
             set access profile p client off ppp idle-timeout 0\n",
        );
        let profile = &config.access_profiles["p"];
        let client = |name: &str| Some(&profile.clients[name].ppp);
        let group = PppClient {
            idle_timeout: Some(300),
            ..profile.clients["own"].ppp.clone()
        };
        let radius = AaaGrant {
            idle_timeout: Some(45),
            ..Default::default()
        };
        let idle =
            |grant, client, user_group| Limits::of(grant, Some(profile), client, user_group).idle;
        assert_eq!(
            idle(None, None, None),
            Some((1800, LimitSource::SessionOptions))
        );
        assert_eq!(
            idle(None, None, Some(&group)),
            Some((300, LimitSource::PppIdleTimeout))
        );
        assert_eq!(
            idle(None, client("own"), Some(&group)),
            Some((120, LimitSource::PppIdleTimeout))
        );
        assert_eq!(
            idle(Some(&radius), client("own"), None),
            Some((45, LimitSource::Radius))
        );
        assert_eq!(idle(None, client("off"), Some(&group)), None, "0: no limit");
        let limits = Limits::of(None, Some(profile), None, None);
        assert_eq!(limits.session, Some((3600, LimitSource::SessionOptions)));
        assert_eq!(Limits::of(None, None, None, None), Limits::default());
    }
}
