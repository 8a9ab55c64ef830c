use std::time::{Duration, Instant};

use super::*;

#[test]
fn a_released_number_rests_then_is_given_least_recently_released_first() {
    let t0 = Instant::now();
    let first = *SUBSCRIBER_IF_INDEXES.start();
    let mut pool = IfIndexPool::default();
    let a = pool.take(t0).expect("a");
    let b = pool.take(t0).expect("b");
    assert_eq!((a, b), (first, first + 1));

    pool.release(b, t0);
    pool.release(a, t0 + Duration::from_secs(1));
    // Within the quarantine: a number never given.
    let c = pool
        .take(t0 + QUARANTINE - Duration::from_secs(1))
        .expect("c");
    assert_eq!(c, first + 2);
    // b has rested; a has not yet.
    assert_eq!(pool.take(t0 + QUARANTINE), Some(b));
    assert_eq!(pool.take(t0 + QUARANTINE), Some(first + 3));
    assert_eq!(pool.take(t0 + QUARANTINE + Duration::from_secs(1)), Some(a));
    assert_eq!(pool.resting(), 0);
}

#[test]
fn churn_does_not_grow_the_numbering() {
    // 100 subscribers present, one leaving and one arriving every second for five
    // quarantines: the numbers made are those present plus those resting, never more.
    let t0 = Instant::now();
    let mut pool = IfIndexPool::default();
    let mut present: VecDeque<u32> = (0..100).map(|_| pool.take(t0).expect("n")).collect();
    let seconds = 5 * QUARANTINE.as_secs();
    for s in 1..=seconds {
        let now = t0 + Duration::from_secs(s);
        let gone = present.pop_front().expect("someone present");
        pool.release(gone, now);
        let n = pool.take(now).expect("a number");
        assert!(!present.contains(&n), "{n} given twice");
        present.push_back(n);
    }
    let bound = 100 + QUARANTINE.as_secs() as u32 + 1;
    assert!(pool.made() <= bound, "{} numbers made", pool.made());
    assert!(pool.resting() <= bound as usize);
}
