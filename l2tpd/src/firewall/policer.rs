//! A policer instance's token bucket: Junos' single-rate two-color policer ("Single Token
//! Bucket Algorithm"): tokens are bytes, earned at `bandwidth-limit / 8` a second up to
//! `burst-size-limit`; a packet that finds as many tokens as its bytes passes and takes
//! them, one that does not is out of profile and discarded (`then discard`, the only policer
//! action built).
//!
//! Both data paths police through one instance at once (the data workers' fast path and the
//! engine's slow path), so the bucket is one atomic word, updated with compare-and-swap: no
//! lock and no allocation per packet. It is kept as the equivalent "theoretical arrival time"
//! (the virtual scheduling form of the same bucket, ITU-T I.371's GCRA): the instant at which
//! the bucket would be full again. A packet of `L` bytes passes at `now` when
//! `max(tat, now) + L/rate - now <= burst/rate`, and then moves `tat` to
//! `max(tat, now) + L/rate`. That is the token bucket exactly: the tokens at `now` are
//! `burst - rate * (tat - now)`.
//!
//! Time is given, never read (sans-IO): the fast path gives its batch's instant, the engine
//! its own, tests a simulated one. Times are kept in ticks of 1/16 ns since the first packet
//! it saw (so a byte at 100 Gbit/s, 0.08 ns, is still 1.28 ticks): a u64 of them lasts 36
//! years. Every rounding is on the policer's side (a packet's cost rounded up, the burst
//! down), so the bucket never lets more through than `rate * t + burst` over any `t`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

use schema::typed::Policer;

use super::counters::Count;

/// Ticks of the bucket's clock in one nanosecond.
const TICKS_PER_NANOSECOND: u128 = 16;
const NANOSECONDS_PER_SECOND: u128 = 1_000_000_000;

/// One policer instance's bucket, and what it discarded.
#[derive(Debug)]
pub struct TokenBucket {
    /// Tick 0: the first instant the bucket was asked about (full then). Set once, read
    /// after that with one atomic load; no clock is read here.
    epoch: OnceLock<Instant>,
    bits_per_second: u64,
    /// The burst, in ticks of the rate: how far `tat` may run ahead of now.
    depth: u64,
    /// Theoretical arrival time, in ticks since `epoch`.
    tat: AtomicU64,
    out_of_profile_packets: AtomicU64,
    out_of_profile_bytes: AtomicU64,
}

impl TokenBucket {
    /// A full bucket for `policer`.
    pub fn new(policer: &Policer) -> TokenBucket {
        // The schema's range starts at 8000 bit/s; a zero from an unchecked tree must not
        // divide: it passes nothing.
        let bits_per_second = policer.bandwidth_limit;
        let depth = if bits_per_second == 0 {
            0
        } else {
            // Rounded down: the bucket never holds more than the burst.
            let ticks = u128::from(policer.burst_size_limit)
                * 8
                * NANOSECONDS_PER_SECOND
                * TICKS_PER_NANOSECOND
                / u128::from(bits_per_second);
            u64::try_from(ticks).unwrap_or(u64::MAX)
        };
        TokenBucket {
            epoch: OnceLock::new(),
            bits_per_second,
            depth,
            tat: AtomicU64::new(0),
            out_of_profile_packets: AtomicU64::new(0),
            out_of_profile_bytes: AtomicU64::new(0),
        }
    }

    /// What `bytes` cost in ticks, rounded up (never cheaper than the rate says).
    fn cost(&self, bytes: u64) -> u64 {
        if self.bits_per_second == 0 {
            return u64::MAX;
        }
        let ticks = (u128::from(bytes) * 8 * NANOSECONDS_PER_SECOND * TICKS_PER_NANOSECOND)
            .div_ceil(u128::from(self.bits_per_second));
        u64::try_from(ticks).unwrap_or(u64::MAX)
    }

    fn ticks(&self, now: Instant) -> u64 {
        let epoch = *self.epoch.get_or_init(|| now);
        let nanoseconds = now.saturating_duration_since(epoch).as_nanos();
        u64::try_from(nanoseconds.saturating_mul(TICKS_PER_NANOSECOND)).unwrap_or(u64::MAX)
    }

    /// True when a packet of `bytes` at `now` is within the profile (its tokens taken);
    /// false when it is out of profile (counted). An instant before the last one given
    /// earns nothing: it can only make the bucket stricter, never looser.
    pub fn conform(&self, now: Instant, bytes: u64) -> bool {
        let now = self.ticks(now);
        let cost = self.cost(bytes);
        let mut tat = self.tat.load(Ordering::Relaxed);
        loop {
            let after = tat.max(now).saturating_add(cost);
            if after - now > self.depth {
                self.out_of_profile_packets.fetch_add(1, Ordering::Relaxed);
                self.out_of_profile_bytes
                    .fetch_add(bytes, Ordering::Relaxed);
                return false;
            }
            match self
                .tat
                .compare_exchange_weak(tat, after, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return true,
                Err(seen) => tat = seen,
            }
        }
    }

    /// The packets and bytes found out of profile (and discarded) since the instance was made
    /// or last cleared.
    pub fn out_of_profile(&self) -> Count {
        Count {
            packets: self.out_of_profile_packets.load(Ordering::Relaxed),
            bytes: self.out_of_profile_bytes.load(Ordering::Relaxed),
        }
    }

    /// `clear firewall`: the counts back to zero (the bucket itself is not refilled).
    pub fn clear(&self) {
        self.out_of_profile_packets.store(0, Ordering::Relaxed);
        self.out_of_profile_bytes.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
#[path = "policer_tests.rs"]
mod tests;
