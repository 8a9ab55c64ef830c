//! RFC 1812 §4.3.2.8: a router limits the rate at which it originates ICMP errors; this is
//! the token bucket the `reject` answers share, on the fast path and the slow path alike.
//! Junos' defaults for `system internet-options icmpv4-rate-limit`: 1000 packets a second,
//! a bucket of 5 seconds' worth. Time is given, never read (sans-IO): the fast path gives
//! its batch's instant, the engine its own.

use std::time::{Duration, Instant};

/// Answers earned per second.
const PACKET_RATE: u64 = 1000;
/// Seconds of answers the bucket holds: the burst allowed after a quiet spell.
const BUCKET_SECONDS: u64 = 5;

#[derive(Debug, Clone)]
pub struct IcmpLimit {
    tokens: u64,
    /// When the tokens were last topped up; `None` before the first answer (a full bucket).
    topped_up: Option<Instant>,
    /// Answers the bucket refused since the start.
    pub suppressed: u64,
    /// Answers it let through since the start.
    pub sent: u64,
}

impl Default for IcmpLimit {
    fn default() -> Self {
        IcmpLimit {
            tokens: PACKET_RATE * BUCKET_SECONDS,
            topped_up: None,
            suppressed: 0,
            sent: 0,
        }
    }
}

impl IcmpLimit {
    /// True (one token taken) when an answer may be sent at `now`; counted either way.
    pub fn allow(&mut self, now: Instant) -> bool {
        let capacity = PACKET_RATE * BUCKET_SECONDS;
        match self.topped_up {
            Some(then) => {
                // Whole tokens earned since; the remainder of a token's time is kept by
                // moving `topped_up` on only by what was paid for.
                let elapsed = now.saturating_duration_since(then);
                let earned = elapsed.as_millis() as u64 * PACKET_RATE / 1000;
                if earned > 0 {
                    self.tokens = (self.tokens + earned).min(capacity);
                    let paid = Duration::from_millis(earned * 1000 / PACKET_RATE);
                    self.topped_up = Some(then + paid);
                }
            }
            None => self.topped_up = Some(now),
        }
        if self.tokens == 0 {
            self.suppressed += 1;
            return false;
        }
        self.tokens -= 1;
        self.sent += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_the_bucket_then_the_packet_rate() {
        let start = Instant::now();
        let mut limit = IcmpLimit::default();
        let burst = (PACKET_RATE * BUCKET_SECONDS) as usize;
        assert_eq!((0..burst).filter(|_| limit.allow(start)).count(), burst);
        assert!(!limit.allow(start));
        assert_eq!(limit.suppressed, 1);
        // 1 ms earns one answer at 1000 a second; half of one earns none.
        assert!(!limit.allow(start + Duration::from_micros(500)));
        assert!(limit.allow(start + Duration::from_millis(1)));
        assert!(!limit.allow(start + Duration::from_millis(1)));
        // A long quiet spell fills the bucket, no more.
        let later = start + Duration::from_secs(3600);
        assert_eq!(
            (0..burst + 10).filter(|_| limit.allow(later)).count(),
            burst
        );
        assert_eq!(limit.sent as usize, 2 * burst + 1);
        assert_eq!(limit.suppressed, 13);
    }

    #[test]
    fn a_clock_going_back_earns_nothing_and_never_panics() {
        let start = Instant::now() + Duration::from_secs(10);
        let mut limit = IcmpLimit::default();
        assert!(limit.allow(start));
        assert!(limit.allow(start - Duration::from_secs(5)));
    }
}
