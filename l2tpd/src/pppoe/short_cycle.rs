//! `short-cycle-protection`: a client MAC whose sessions keep ending soon after they began is
//! locked out of discovery for a time that doubles with each such event (Junos "PPPoE
//! subscriber session lockout", 11.4+). Sans-IO: fed the session ends and the time.
//!
//! Junos' numbers, as its documentation gives them:
//! - the lockout time defaults to the range 1..300 s (`short-cycle-protection` statement page:
//!   `lockout-time-min` default 1, `lockout-time-max` default 300);
//! - the n-th consecutive event locks out for `min * 2^(n-1)`, never more than `max` (JunosE
//!   "Guidelines for Configuring Encapsulation Type Lockout": 20-120 s gives 20, 40, 80, 120);
//! - a short cycle is a session created and torn down within 60 s (same page);
//! - n goes back to 1 when the time since the previous event exceeds 15 minutes or the
//!   maximum lockout time, whichever is greater (the "grace period").
//!
//! Only clients that completed a PADR with a valid AC-Cookie reach this table, but a host can
//! still forge many MACs: the table holds at most `capacity` clients and forgets the one whose
//! last event is oldest, and entries past their grace period go as new events arrive.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use super::wire::MacAddr;

/// The lockout parameters of one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShortCycleConfig {
    /// `lockout-time-min` (Junos default 1 s): the first lockout.
    pub lockout_min: Duration,
    /// `lockout-time-max` (Junos default 300 s): the lockout never grows past it.
    pub lockout_max: Duration,
    /// A session that ends sooner than this after it began is a short cycle (Junos: 60 s).
    pub short_lived: Duration,
    /// Clients remembered at most.
    pub capacity: usize,
}

impl Default for ShortCycleConfig {
    fn default() -> Self {
        Self {
            lockout_min: Duration::from_secs(1),
            lockout_max: Duration::from_secs(300),
            short_lived: Duration::from_secs(60),
            capacity: 4096,
        }
    }
}

/// Junos' grace period floor: events further apart than this (or than `lockout_max`) do not
/// count as consecutive.
const GRACE_FLOOR: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, Clone, Copy)]
struct Record {
    /// Consecutive short-cycle events (n in Junos' formula).
    events: u32,
    locked_until: Instant,
    /// Its key in `by_age`: the last event's time and a sequence number.
    age: (Instant, u64),
}

#[derive(Debug)]
pub struct ShortCycleGuard {
    config: ShortCycleConfig,
    clients: HashMap<MacAddr, Record>,
    /// Clients by their last event, oldest first: for expiry and eviction.
    by_age: BTreeMap<(Instant, u64), MacAddr>,
    next_seq: u64,
}

impl ShortCycleGuard {
    pub fn new(config: ShortCycleConfig) -> Self {
        Self {
            config,
            clients: HashMap::new(),
            by_age: BTreeMap::new(),
            next_seq: 0,
        }
    }

    /// Whether `client` may not start discovery at `now`.
    pub fn is_locked_out(&self, client: MacAddr, now: Instant) -> bool {
        self.clients
            .get(&client)
            .is_some_and(|record| now < record.locked_until)
    }

    /// How long `client` stays locked out from `now` (zero when it is not).
    pub fn remaining(&self, client: MacAddr, now: Instant) -> Duration {
        self.clients.get(&client).map_or(Duration::ZERO, |record| {
            record.locked_until.saturating_duration_since(now)
        })
    }

    /// When the last lockout in force at `now` ends; `None` when no client is locked out.
    /// What an auto-sensed VLAN holding these clients waits for before it goes.
    pub fn lockouts_end(&self, now: Instant) -> Option<Instant> {
        self.clients
            .values()
            .map(|record| record.locked_until)
            .filter(|until| now < *until)
            .max()
    }

    /// Clients remembered (locked out or within their grace period).
    pub fn len(&self) -> usize {
        self.clients.len()
    }

    pub fn is_empty(&self) -> bool {
        self.clients.is_empty()
    }

    /// A session of `client` that began at `started` ended at `now`; `true` when that was a
    /// short cycle and the client is now locked out.
    pub fn session_ended(&mut self, client: MacAddr, started: Instant, now: Instant) -> bool {
        if now.saturating_duration_since(started) >= self.config.short_lived {
            return false;
        }
        self.expire(now);
        let grace = GRACE_FLOOR.max(self.config.lockout_max);
        let events = match self.clients.remove(&client) {
            Some(record) => {
                self.by_age.remove(&record.age);
                if now.saturating_duration_since(record.age.0) > grace {
                    1
                } else {
                    record.events.saturating_add(1)
                }
            }
            None => 1,
        };
        let age = (now, self.next_seq);
        self.next_seq += 1;
        self.clients.insert(
            client,
            Record {
                events,
                locked_until: now + self.lockout(events),
                age,
            },
        );
        self.by_age.insert(age, client);
        while self.clients.len() > self.config.capacity.max(1) {
            self.evict_oldest();
        }
        true
    }

    /// `min * 2^(n-1)`, capped at `max` (a `min` above `max` is held at `max`).
    fn lockout(&self, events: u32) -> Duration {
        let doublings = events.saturating_sub(1).min(31);
        self.config
            .lockout_min
            .checked_mul(1u32 << doublings)
            .unwrap_or(self.config.lockout_max)
            .min(self.config.lockout_max)
    }

    /// Forgets clients whose last event is past the grace period (and so past any lockout).
    fn expire(&mut self, now: Instant) {
        let grace = GRACE_FLOOR.max(self.config.lockout_max);
        while let Some((&(at, _), _)) = self.by_age.first_key_value() {
            if now.saturating_duration_since(at) <= grace {
                break;
            }
            self.evict_oldest();
        }
    }

    fn evict_oldest(&mut self) {
        if let Some((_, client)) = self.by_age.pop_first() {
            self.clients.remove(&client);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mac(n: u32) -> MacAddr {
        let [a, b, c, d] = n.to_be_bytes();
        MacAddr([0x02, 0x20, a, b, c, d])
    }

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn lockouts_end_with_the_latest_client_locked_out() {
        let mut guard = ShortCycleGuard::new(ShortCycleConfig {
            lockout_min: secs(20),
            lockout_max: secs(120),
            ..ShortCycleConfig::default()
        });
        let now = Instant::now();
        assert_eq!(guard.lockouts_end(now), None);
        guard.session_ended(mac(1), now, now);
        guard.session_ended(mac(2), now, now + secs(10));
        assert_eq!(guard.lockouts_end(now + secs(10)), Some(now + secs(30)));
        // Client 2's lockout passed; client 1's second (40 s) is the one in force.
        guard.session_ended(mac(1), now + secs(30), now + secs(35));
        assert_eq!(guard.lockouts_end(now + secs(35)), Some(now + secs(75)));
        assert_eq!(guard.lockouts_end(now + secs(75)), None);
    }

    #[test]
    fn lockout_doubles_from_min_to_max_then_resets_after_the_grace_period() {
        let mut guard = ShortCycleGuard::new(ShortCycleConfig {
            lockout_min: secs(20),
            lockout_max: secs(120),
            ..ShortCycleConfig::default()
        });
        let mut now = Instant::now();
        // Junos' own example: 20-120 s gives 20, 40, 80, 120, 120.
        for expected in [20, 40, 80, 120, 120] {
            assert!(guard.session_ended(mac(1), now, now + secs(5)));
            now += secs(5);
            assert_eq!(guard.remaining(mac(1), now), secs(expected));
            assert!(guard.is_locked_out(mac(1), now + secs(expected - 1)));
            assert!(!guard.is_locked_out(mac(1), now + secs(expected)));
            now += secs(expected);
        }
        // Quiet for longer than 15 minutes: the count starts over.
        now += secs(15 * 60 + 1);
        assert!(guard.session_ended(mac(1), now, now));
        assert_eq!(guard.remaining(mac(1), now), secs(20));
    }

    #[test]
    fn a_session_that_lived_a_minute_is_not_a_short_cycle() {
        let mut guard = ShortCycleGuard::new(ShortCycleConfig::default());
        let start = Instant::now();
        assert!(!guard.session_ended(mac(1), start, start + secs(60)));
        assert!(!guard.is_locked_out(mac(1), start + secs(60)));
        assert!(guard.is_empty());
        assert!(guard.session_ended(mac(2), start, start + secs(59)));
        assert!(guard.is_locked_out(mac(2), start + secs(59)));
        // Other clients are not affected.
        assert!(!guard.is_locked_out(mac(1), start + secs(59)));
    }

    #[test]
    fn forged_macs_cannot_grow_the_table_past_its_capacity() {
        let mut guard = ShortCycleGuard::new(ShortCycleConfig {
            capacity: 100,
            ..ShortCycleConfig::default()
        });
        let now = Instant::now();
        for n in 0..10_000 {
            guard.session_ended(mac(n), now, now);
        }
        assert_eq!(guard.len(), 100);
        // The most recent ones are kept, the oldest forgotten.
        assert!(guard.is_locked_out(mac(9_999), now));
        assert!(!guard.is_locked_out(mac(0), now));
    }

    #[test]
    fn entries_past_their_grace_period_are_forgotten() {
        let mut guard = ShortCycleGuard::new(ShortCycleConfig::default());
        let now = Instant::now();
        for n in 0..50 {
            guard.session_ended(mac(n), now, now);
        }
        let later = now + secs(15 * 60 + 1);
        guard.session_ended(mac(1000), later, later);
        assert_eq!(guard.len(), 1);
    }
}
