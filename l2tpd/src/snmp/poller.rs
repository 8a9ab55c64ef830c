//! The statistics poller behind `enable-snmp-tunnel-statistics` (sans-IO).
//!
//! Summing the data counters of 65,000 sessions for every SNMP request would put the cost
//! of a poller's walk on the L2TP engine. Instead, as on Junos, the counters of [`BATCH`]
//! sessions are copied into an SNMP-side cache every [`PERIOD`], round-robin, and the
//! tunnel and global data counters served over SNMP are sums of that cache: with 60,000
//! sessions no value is older than 60 periods (30 minutes).
//!
//! The cursor is the key of the last session copied, not a position, so sessions coming
//! and going between polls neither skip nor repeat the others. A cache entry remembers the
//! call it belongs to, so a Session ID reused by a new call never inherits old counts.

use std::collections::HashMap;
use std::ops::Bound;
use std::time::{Duration, Instant};

/// Sessions copied per poll.
pub const BATCH: usize = 1000;
/// Time between polls.
pub const PERIOD: Duration = Duration::from_secs(30);

/// A session as the MIB indexes it: (local Tunnel ID, local Session ID), in OID order.
pub type SessionKey = (u16, u16);

/// The data-channel counters of one session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DataCounters {
    pub tx_packets: u64,
    pub tx_octets: u64,
    pub rx_packets: u64,
    pub rx_octets: u64,
}

impl DataCounters {
    pub fn plus(&self, other: &DataCounters) -> DataCounters {
        DataCounters {
            tx_packets: self.tx_packets.saturating_add(other.tx_packets),
            tx_octets: self.tx_octets.saturating_add(other.tx_octets),
            rx_packets: self.rx_packets.saturating_add(other.rx_packets),
            rx_octets: self.rx_octets.saturating_add(other.rx_octets),
        }
    }
}

/// One session's counters as the engine reads them now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub key: SessionKey,
    /// Identifies the call across Session ID reuse (the registry's call reference).
    pub call: u64,
    pub counters: DataCounters,
}

/// What the poller reads: the engine's sessions in key order.
pub trait SessionSource {
    /// Appends to `out` up to `limit` sessions whose key lies in `range`, in key order.
    fn samples(
        &self,
        range: (Bound<SessionKey>, Bound<SessionKey>),
        limit: usize,
        out: &mut Vec<Sample>,
    );
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cached {
    call: u64,
    counters: DataCounters,
}

/// The round-robin schedule and the cache it fills.
#[derive(Debug)]
pub struct Poller {
    /// `None` while `enable-snmp-tunnel-statistics` is off.
    next_poll: Option<Instant>,
    cursor: Option<SessionKey>,
    cache: HashMap<SessionKey, Cached>,
}

impl Default for Poller {
    fn default() -> Self {
        Self::new()
    }
}

impl Poller {
    pub fn new() -> Self {
        Poller {
            next_poll: None,
            cursor: None,
            cache: HashMap::new(),
        }
    }

    pub fn enabled(&self) -> bool {
        self.next_poll.is_some()
    }

    /// Follows `enable-snmp-tunnel-statistics` at commit. Turning it on polls at once;
    /// turning it off forgets the cache, so the counters read zero as Junos shows them.
    pub fn set_enabled(&mut self, now: Instant, enabled: bool) {
        match (enabled, self.next_poll) {
            (true, None) => self.next_poll = Some(now),
            (false, Some(_)) => {
                self.next_poll = None;
                self.cursor = None;
                self.cache = HashMap::new();
            }
            _ => {}
        }
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.next_poll
    }

    /// Copies the next batch if a poll is due; returns how many sessions it copied.
    pub fn handle_timeout(&mut self, now: Instant, source: &impl SessionSource) -> usize {
        let Some(due) = self.next_poll.filter(|due| *due <= now) else {
            return 0;
        };
        // The schedule keeps its phase; after a stall (the engine was busy for more than a
        // period) it starts again from now rather than polling back to back to catch up.
        let next = due + PERIOD;
        self.next_poll = Some(if next > now { next } else { now + PERIOD });
        self.poll(source)
    }

    fn poll(&mut self, source: &impl SessionSource) -> usize {
        let mut batch = Vec::with_capacity(BATCH);
        let after = self.cursor.map_or(Bound::Unbounded, Bound::Excluded);
        source.samples((after, Bound::Unbounded), BATCH, &mut batch);
        if batch.len() < BATCH {
            if let Some(cursor) = self.cursor {
                // Wrap around, but stop before the sessions already copied in this poll.
                let remaining = BATCH - batch.len();
                source.samples(
                    (Bound::Unbounded, Bound::Included(cursor)),
                    remaining,
                    &mut batch,
                );
            }
        }
        for sample in &batch {
            self.cache.insert(
                sample.key,
                Cached {
                    call: sample.call,
                    counters: sample.counters,
                },
            );
        }
        self.cursor = batch.last().map(|s| s.key);
        batch.len()
    }

    /// The counters last copied for `call` at `key`, zero when it was not copied yet.
    pub fn cached(&self, key: SessionKey, call: u64) -> DataCounters {
        self.cache
            .get(&key)
            .filter(|c| c.call == call)
            .map(|c| c.counters)
            .unwrap_or_default()
    }

    /// Forgets the sessions `live` says are gone, so the cache does not outgrow the engine.
    pub fn retain(&mut self, mut live: impl FnMut(SessionKey, u64) -> bool) {
        self.cache.retain(|key, cached| live(*key, cached.call));
    }

    pub fn cached_sessions(&self) -> usize {
        self.cache.len()
    }
}

#[cfg(test)]
#[path = "poller_tests.rs"]
mod tests;
