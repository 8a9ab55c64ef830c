//! The policer's bucket in simulated time: the burst, the rate, the bound over any window,
//! and many threads at once.

use super::*;
use proptest::prelude::*;
use std::sync::Arc;
use std::time::Duration;

fn policer(bandwidth_limit: u64, burst_size_limit: u64) -> Policer {
    Policer {
        bandwidth_limit,
        burst_size_limit,
        filter_specific: false,
    }
}

#[test]
fn a_full_bucket_passes_the_burst_then_the_rate() {
    let start = Instant::now();
    // 10 Mbit/s is 1,250,000 bytes a second: 1000 bytes each 800 µs.
    let bucket = TokenBucket::new(&policer(10_000_000, 1_000_000));
    let passed = (0..1500).filter(|_| bucket.conform(start, 1000)).count();
    assert_eq!(passed, 1000, "the burst, 1,000,000 bytes");
    assert_eq!(
        bucket.out_of_profile(),
        Count {
            packets: 500,
            bytes: 500_000
        }
    );
    assert!(!bucket.conform(start + Duration::from_micros(799), 1000));
    assert!(bucket.conform(start + Duration::from_micros(800), 1000));
    assert!(!bucket.conform(start + Duration::from_micros(800), 1000));
    // A long quiet spell fills the bucket, no more.
    let later = start + Duration::from_secs(3600);
    assert_eq!(
        (0..1500).filter(|_| bucket.conform(later, 1000)).count(),
        1000
    );
    bucket.clear();
    assert_eq!(bucket.out_of_profile(), Count::default());
}

#[test]
fn a_packet_larger_than_the_burst_never_passes() {
    let start = Instant::now();
    let bucket = TokenBucket::new(&policer(8000, 1500));
    assert!(!bucket.conform(start + Duration::from_secs(60), 1501));
    assert!(bucket.conform(start + Duration::from_secs(60), 1500));
}

#[test]
fn an_instant_before_the_last_earns_nothing() {
    let start = Instant::now() + Duration::from_secs(10);
    let bucket = TokenBucket::new(&policer(8000, 1500));
    assert!(bucket.conform(start + Duration::from_secs(5), 1500));
    // 1500 bytes at 1000 bytes a second: 1.5 s to earn again, whatever earlier time is given.
    assert!(!bucket.conform(start, 1));
    assert!(!bucket.conform(start - Duration::from_secs(5), 1));
    assert!(bucket.conform(start + Duration::from_millis(6500), 1500));
}

#[test]
fn a_zero_rate_from_an_unchecked_tree_passes_nothing_and_never_panics() {
    let start = Instant::now();
    let bucket = TokenBucket::new(&policer(0, 1500));
    assert!(!bucket.conform(start + Duration::from_secs(1 << 30), 1));
    let huge = TokenBucket::new(&policer(u64::MAX, u64::MAX));
    assert!(huge.conform(start + Duration::from_secs(1 << 40), u64::MAX / 2));
}

/// The data workers and the engine police through one instance at once: the burst is
/// shared exactly, never passed twice.
#[test]
fn threads_at_once_share_the_burst_exactly() {
    let start = Instant::now();
    let bucket = Arc::new(TokenBucket::new(&policer(10_000_000, 1_000_000)));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let bucket = Arc::clone(&bucket);
            std::thread::spawn(move || (0..5000).filter(|_| bucket.conform(start, 100)).count())
        })
        .collect();
    let passed: usize = threads.into_iter().map(|t| t.join().expect("thread")).sum();
    assert_eq!(passed, 10_000, "1,000,000 bytes of 100-byte packets");
    assert_eq!(bucket.out_of_profile().packets, 10_000);
}

proptest! {
    /// Over any window between two packets that passed, what passed is at most what the
    /// rate earns in that time plus the burst.
    #[test]
    fn never_more_than_the_rate_and_the_burst_over_any_window(
        bandwidth_limit in 8000u64..100_000_000_000,
        burst_size_limit in 1500u64..10_000_000,
        packets in proptest::collection::vec((0u64..2_000_000, 1u64..9000), 1..200),
    ) {
        let start = Instant::now();
        let bucket = TokenBucket::new(&policer(bandwidth_limit, burst_size_limit));
        let mut at = 0u64;
        let mut passed: Vec<(u64, u64)> = Vec::new();
        for (gap, bytes) in packets {
            at += gap;
            if bucket.conform(start + Duration::from_nanos(at), bytes) {
                passed.push((at, bytes));
            }
        }
        for (i, (first, _)) in passed.iter().enumerate() {
            let mut bytes = 0u128;
            for (last, size) in &passed[i..] {
                bytes += u128::from(*size);
                // rate × t in bytes: bits/s × ns / 8e9.
                let earned = u128::from(bandwidth_limit) * u128::from(last - first) / 8_000_000_000;
                prop_assert!(
                    bytes <= earned + 1 + u128::from(burst_size_limit),
                    "{bytes} bytes in {} ns", last - first
                );
            }
        }
    }

    /// Traffic within the profile (no packet larger than the burst, none sooner than the
    /// rate earns it) all passes.
    #[test]
    fn everything_under_the_rate_passes(
        bandwidth_limit in 8000u64..100_000_000_000,
        burst_size_limit in 1500u64..10_000_000,
        packets in proptest::collection::vec((1u64..1500, 0u64..1_000_000), 1..200),
    ) {
        let start = Instant::now();
        let bucket = TokenBucket::new(&policer(bandwidth_limit, burst_size_limit));
        let mut at = 0u64;
        for (bytes, slack) in packets {
            // The packet's own time at the rate, rounded up, and a nanosecond for the
            // bucket's rounding; then any slack.
            let own = (u128::from(bytes) * 8_000_000_000).div_ceil(u128::from(bandwidth_limit));
            at += u64::try_from(own).unwrap_or(u64::MAX) + 1 + slack;
            prop_assert!(bucket.conform(start + Duration::from_nanos(at), bytes));
        }
        prop_assert_eq!(bucket.out_of_profile(), Count::default());
    }
}
