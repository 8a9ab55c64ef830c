//! RFC 1812 §4.3.2.8: a router limits the rate at which it originates ICMP errors; this is
//! the token bucket the `reject` answers share, on the fast path and the slow path alike.
//! `system internet-options icmpv4-rate-limit` sets it, with Junos' defaults: 1000 packets a
//! second, a bucket of 5 seconds' worth. Time is given, never read (sans-IO): the fast path
//! gives its batch's instant, the engine its own.

use schema::typed::IcmpRateLimit;
use std::time::{Duration, Instant};

/// What the limiter let through and refused since the start, by kind of answer: ICMP
/// destination unreachables and TCP resets (what `show system statistics icmp | tcp` show).
pub type AnswerCounts = schema::system_rpc::RejectAnswers;

#[derive(Debug, Clone)]
pub struct IcmpLimit {
    rate: IcmpRateLimit,
    tokens: u64,
    /// When the tokens were last topped up; `None` before the first answer (a full bucket).
    topped_up: Option<Instant>,
    pub counts: AnswerCounts,
}

impl Default for IcmpLimit {
    fn default() -> Self {
        let rate = IcmpRateLimit::default();
        IcmpLimit {
            rate,
            tokens: capacity(rate),
            topped_up: None,
            counts: AnswerCounts::default(),
        }
    }
}

/// Tokens the bucket holds: `bucket-size` seconds of `packet-rate` (0 when either is 0: no
/// answer is sent, which is what a rate of nothing asks for).
fn capacity(rate: IcmpRateLimit) -> u64 {
    u64::from(rate.packet_rate).saturating_mul(u64::from(rate.bucket_size))
}

impl IcmpLimit {
    /// A commit's `icmpv4-rate-limit`: the next answer is judged by it. The tokens in hand
    /// stay, cut to the new bucket, so a commit cannot be used to refill it.
    pub fn set_rate(&mut self, rate: IcmpRateLimit) {
        self.rate = rate;
        self.tokens = self.tokens.min(capacity(rate));
    }

    /// True (one token taken) when an answer may be sent at `now`; counted either way, as a
    /// TCP reset when `reset`, else as an ICMP unreachable.
    pub fn allow(&mut self, now: Instant, reset: bool) -> bool {
        let allowed = self.take(now);
        let counts = &mut self.counts;
        let counter = match (reset, allowed) {
            (false, true) => &mut counts.unreachables_sent,
            (false, false) => &mut counts.unreachables_suppressed,
            (true, true) => &mut counts.resets_sent,
            (true, false) => &mut counts.resets_suppressed,
        };
        *counter += 1;
        allowed
    }

    fn take(&mut self, now: Instant) -> bool {
        let per_second = u64::from(self.rate.packet_rate);
        match self.topped_up {
            Some(then) if per_second > 0 => {
                // Whole tokens earned since; the remainder of a token's time is kept by
                // moving `topped_up` on only by what was paid for.
                let elapsed = now.saturating_duration_since(then);
                let earned = (elapsed.as_nanos() * u128::from(per_second) / 1_000_000_000)
                    .try_into()
                    .unwrap_or(u64::MAX);
                if earned > 0 {
                    self.tokens = self.tokens.saturating_add(earned).min(capacity(self.rate));
                    let paid = u128::from(earned) * 1_000_000_000 / u128::from(per_second);
                    let paid = Duration::from_nanos(paid.try_into().unwrap_or(u64::MAX));
                    self.topped_up = then.checked_add(paid).or(Some(now));
                }
            }
            Some(_) => {}
            None => self.topped_up = Some(now),
        }
        if self.tokens == 0 {
            return false;
        }
        self.tokens -= 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT_BURST: usize = 1000 * 5;

    #[test]
    fn a_burst_of_the_bucket_then_the_packet_rate() {
        let start = Instant::now();
        let mut limit = IcmpLimit::default();
        let burst = DEFAULT_BURST;
        assert_eq!(
            (0..burst).filter(|_| limit.allow(start, false)).count(),
            burst
        );
        assert!(!limit.allow(start, false));
        assert_eq!(limit.counts.unreachables_suppressed, 1);
        // 1 ms earns one answer at 1000 a second; half of one earns none.
        assert!(!limit.allow(start + Duration::from_micros(500), false));
        assert!(limit.allow(start + Duration::from_millis(1), false));
        assert!(!limit.allow(start + Duration::from_millis(1), false));
        // A long quiet spell fills the bucket, no more.
        let later = start + Duration::from_secs(3600);
        assert_eq!(
            (0..burst + 10)
                .filter(|_| limit.allow(later, false))
                .count(),
            burst
        );
        assert_eq!(limit.counts.unreachables_sent as usize, 2 * burst + 1);
        assert_eq!(limit.counts.unreachables_suppressed, 13);
    }

    #[test]
    fn resets_share_the_bucket_and_are_counted_apart() {
        let start = Instant::now();
        let mut limit = IcmpLimit::default();
        limit.set_rate(IcmpRateLimit {
            packet_rate: 1,
            bucket_size: 2,
        });
        assert!(limit.allow(start, true));
        assert!(limit.allow(start, false));
        assert!(!limit.allow(start, true));
        assert!(!limit.allow(start, false));
        let counts = limit.counts;
        assert_eq!(
            (counts.resets_sent, counts.resets_suppressed),
            (1, 1),
            "resets"
        );
        assert_eq!(
            (counts.unreachables_sent, counts.unreachables_suppressed),
            (1, 1)
        );
    }

    /// A commit's rate applies to the running limiter: the bucket shrinks at once, and
    /// tokens come at the new rate (simulated time).
    #[test]
    fn a_new_rate_takes_over_the_running_bucket() {
        let start = Instant::now();
        let mut limit = IcmpLimit::default();
        assert!(limit.allow(start, false));
        limit.set_rate(IcmpRateLimit {
            packet_rate: 10,
            bucket_size: 1,
        });
        let at = start;
        assert_eq!((0..100).filter(|_| limit.allow(at, false)).count(), 10);
        // 10 a second: one token each 100 ms, none at 99 ms.
        assert!(!limit.allow(at + Duration::from_millis(99), false));
        assert!(limit.allow(at + Duration::from_millis(100), false));
        assert!(!limit.allow(at + Duration::from_millis(100), false));
        // Back to the defaults: the bucket grows again as tokens are earned, not at once.
        limit.set_rate(IcmpRateLimit::default());
        let later = at + Duration::from_millis(110);
        assert_eq!((0..100).filter(|_| limit.allow(later, false)).count(), 10);
    }

    #[test]
    fn a_rate_or_bucket_of_zero_sends_nothing() {
        let start = Instant::now();
        for (packet_rate, bucket_size) in [(0, 5), (1000, 0)] {
            let mut limit = IcmpLimit::default();
            limit.set_rate(IcmpRateLimit {
                packet_rate,
                bucket_size,
            });
            assert!(!limit.allow(start, false));
            assert!(!limit.allow(start + Duration::from_secs(60), false));
        }
    }

    #[test]
    fn a_clock_going_back_earns_nothing_and_never_panics() {
        let start = Instant::now() + Duration::from_secs(10);
        let mut limit = IcmpLimit::default();
        assert!(limit.allow(start, false));
        assert!(limit.allow(start - Duration::from_secs(5), false));
        limit.set_rate(IcmpRateLimit {
            packet_rate: u32::MAX,
            bucket_size: u32::MAX,
        });
        assert!(limit.allow(start + Duration::from_secs(1 << 40), false));
    }
}
