//! ifIndex numbers for subscriber interfaces (`interface-mib` in their dynamic profile),
//! sans-IO. Configured interfaces keep a number for the daemon's life (`snmp::if_state`);
//! subscribers come and go by the thousand, so theirs come from a range of their own
//! ([`SUBSCRIBER_IF_INDEXES`]), are given at login, released at logout, and given again
//! only after a quarantine.
//!
//! The rule (RFC 2863 §3.1.5 asks that an ifIndex not be reused for a different interface
//! while a manager may still hold it): a released number is not given again within
//! [`QUARANTINE`] of its release, and the least recently released number is given first; a
//! number never given is taken only when no released one has served its quarantine. The
//! numbers in use are those of the subscribers present and of those released within the
//! quarantine, so the pool holds at most that many and the highest number given never
//! exceeds the most there ever were at once.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

pub use crate::snmp::if_state::SUBSCRIBER_IF_INDEXES;

/// How long a released ifIndex rests before it names another subscriber: three polls of a
/// manager polling every 5 minutes (a common NMS interval) see it absent (noSuchInstance)
/// before it can come back as someone else.
pub const QUARANTINE: Duration = Duration::from_secs(15 * 60);

pub struct IfIndexPool {
    /// The lowest number never given.
    next: u32,
    /// Released numbers, least recently released first, with when.
    released: VecDeque<(Instant, u32)>,
}

impl Default for IfIndexPool {
    fn default() -> Self {
        IfIndexPool {
            next: *SUBSCRIBER_IF_INDEXES.start(),
            released: VecDeque::new(),
        }
    }
}

impl IfIndexPool {
    /// A number for a subscriber logging in at `now`; `None` when the range is spent
    /// (over a billion at once: the subscriber is then no IF-MIB row).
    pub fn take(&mut self, now: Instant) -> Option<u32> {
        if let Some(&(at, n)) = self.released.front() {
            if now.saturating_duration_since(at) >= QUARANTINE {
                self.released.pop_front();
                return Some(n);
            }
        }
        if !SUBSCRIBER_IF_INDEXES.contains(&self.next) {
            return None;
        }
        let n = self.next;
        self.next = n.saturating_add(1);
        Some(n)
    }

    /// A subscriber holding `n` logged out at `now`.
    pub fn release(&mut self, n: u32, now: Instant) {
        self.released.push_back((now, n));
    }

    /// How many numbers were ever made: the highest given is the range's start plus this,
    /// less one.
    pub fn made(&self) -> u32 {
        self.next - SUBSCRIBER_IF_INDEXES.start()
    }

    /// Numbers released and resting or waiting to be given again.
    pub fn resting(&self) -> usize {
        self.released.len()
    }
}

#[cfg(test)]
#[path = "if_index_pool_tests.rs"]
mod tests;
