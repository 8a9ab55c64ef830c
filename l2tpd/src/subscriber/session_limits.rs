//! RADIUS Session-Timeout (RFC 2865 §5.27): the most seconds a subscriber may stay, from the
//! Access-Accept or a CoA-Request. One ordered set of deadlines: a due timer costs O(log n).

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use super::table::SubscriberId;

#[derive(Default)]
pub struct SessionLimits {
    deadlines: BTreeSet<(Instant, SubscriberId)>,
    by_subscriber: HashMap<SubscriberId, Instant>,
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
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadlines.first().map(|(at, _)| *at)
    }

    /// Subscribers whose time is up.
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
}
