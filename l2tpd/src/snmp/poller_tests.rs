use std::collections::{BTreeMap, HashMap};

use super::*;

/// Sessions keyed as the registry keys them; each reads as "packets = seconds since t0"
/// so the cache shows when it was last copied.
struct Sessions {
    t0: Instant,
    now: Instant,
    live: BTreeMap<SessionKey, u64>,
    reads: std::cell::RefCell<Vec<SessionKey>>,
}

impl Sessions {
    fn new(t0: Instant, count: u32) -> Self {
        let live = (0..count)
            .map(|i| (((i / 100 + 1) as u16, (i % 100 + 1) as u16), u64::from(i)))
            .collect();
        Sessions {
            t0,
            now: t0,
            live,
            reads: Default::default(),
        }
    }
}

impl SessionSource for Sessions {
    fn samples(
        &self,
        range: (Bound<SessionKey>, Bound<SessionKey>),
        limit: usize,
        out: &mut Vec<Sample>,
    ) {
        let age = self.now.duration_since(self.t0).as_secs();
        for (key, call) in self.live.range(range).take(limit) {
            self.reads.borrow_mut().push(*key);
            out.push(Sample {
                key: *key,
                call: *call,
                counters: DataCounters {
                    tx_packets: age,
                    ..DataCounters::default()
                },
            });
        }
    }
}

/// Runs the poller on a simulated clock for `span`, stepping to each deadline; returns
/// the instants each session was copied at.
fn run(
    poller: &mut Poller,
    sessions: &mut Sessions,
    span: Duration,
    mut between_polls: impl FnMut(&mut Sessions),
) -> HashMap<SessionKey, Vec<Instant>> {
    let end = sessions.t0 + span;
    let mut copied: HashMap<SessionKey, Vec<Instant>> = HashMap::new();
    while let Some(due) = poller.poll_timeout().filter(|due| *due <= end) {
        sessions.now = due;
        sessions.reads.borrow_mut().clear();
        poller.handle_timeout(due, sessions);
        let reads = sessions.reads.borrow().clone();
        let mut seen = std::collections::HashSet::new();
        for key in reads {
            assert!(seen.insert(key), "{key:?} copied twice in one poll");
            copied.entry(key).or_default().push(due);
        }
        between_polls(sessions);
    }
    copied
}

#[test]
fn five_thousand_sessions_are_each_refreshed_every_five_periods_and_no_more_often() {
    let t0 = Instant::now();
    let mut sessions = Sessions::new(t0, 5_000);
    let mut poller = Poller::new();
    poller.set_enabled(t0, true);
    let copied = run(
        &mut poller,
        &mut sessions,
        Duration::from_secs(1_800),
        |_| {},
    );

    let cycle = PERIOD * 5;
    assert_eq!(copied.len(), 5_000, "every session is copied");
    for (key, times) in &copied {
        let first = times.first().copied().unwrap_or(t0);
        assert!(
            first < t0 + cycle,
            "{key:?} first copied at {:?}",
            first - t0
        );
        for pair in times.windows(2) {
            assert_eq!(pair[1] - pair[0], cycle, "{key:?} refreshed off schedule");
        }
        // 1,800 s is 12 whole cycles from t0, plus the poll at 1,800 s itself.
        assert!(
            (12..=13).contains(&times.len()),
            "{key:?}: {} copies",
            times.len()
        );
    }
    // The cache holds what the last copy read: packets = seconds since t0 at that copy.
    let key = (1, 1);
    let last = copied[&key].last().copied().unwrap_or(t0);
    assert_eq!(poller.cached(key, 0).tx_packets, (last - t0).as_secs());
}

#[test]
fn fewer_sessions_than_a_batch_are_all_copied_every_period_once() {
    let t0 = Instant::now();
    let mut sessions = Sessions::new(t0, 250);
    let mut poller = Poller::new();
    poller.set_enabled(t0, true);
    let copied = run(&mut poller, &mut sessions, Duration::from_secs(300), |_| {});
    assert_eq!(copied.len(), 250);
    assert!(copied.values().all(|times| times.len() == 11));
}

#[test]
fn sessions_coming_and_going_neither_starve_nor_repeat_the_others() {
    let t0 = Instant::now();
    let mut sessions = Sessions::new(t0, 5_000);
    let steady: Vec<SessionKey> = sessions.live.keys().step_by(7).copied().collect();
    let mut poller = Poller::new();
    poller.set_enabled(t0, true);
    let mut next_call = 10_000u64;
    let copied = run(
        &mut poller,
        &mut sessions,
        Duration::from_secs(1_800),
        |s| {
            // Churn: 300 sessions end and 300 start between polls, anywhere in key order.
            let gone: Vec<SessionKey> = s
                .live
                .keys()
                .filter(|k| !steady.contains(k))
                .skip((next_call % 13) as usize * 11)
                .step_by(11)
                .take(300)
                .copied()
                .collect();
            for key in gone {
                s.live.remove(&key);
            }
            let mut added = 0;
            while added < 300 {
                // 20,000 candidate keys over 50 tunnels, beyond the 5,000 live at any time.
                let tunnel = 1 + (next_call / 400 % 50) as u16;
                let key = (tunnel, 101 + (next_call % 400) as u16);
                if let std::collections::btree_map::Entry::Vacant(slot) = s.live.entry(key) {
                    slot.insert(next_call);
                    added += 1;
                }
                next_call += 1;
            }
        },
    );
    for key in &steady {
        let times = &copied[key];
        assert!(times[0] <= t0 + PERIOD * 7, "{key:?} first copied late");
        for pair in times.windows(2) {
            // 5,000 live sessions at every poll. A cycle of k polls covers at most the
            // 5,000 plus the 300 per poll that started ahead of the cursor (1,000 k >=
            // 5,000 + 300 k: k <= 8), and at least the 5,000 less those that ended behind
            // it (k >= 4).
            assert!(pair[1] - pair[0] <= PERIOD * 8, "{key:?} starved");
            assert!(pair[1] - pair[0] >= PERIOD * 4, "{key:?} polled too often");
        }
    }
}

#[test]
fn off_means_no_polls_and_an_empty_cache() {
    let t0 = Instant::now();
    let sessions = Sessions::new(t0, 10);
    let mut poller = Poller::new();
    assert_eq!(poller.poll_timeout(), None);
    assert_eq!(poller.handle_timeout(t0, &sessions), 0);

    poller.set_enabled(t0, true);
    assert_eq!(poller.handle_timeout(t0, &sessions), 10);
    assert_eq!(poller.poll_timeout(), Some(t0 + PERIOD));
    assert_eq!(
        poller.handle_timeout(t0 + PERIOD / 2, &sessions),
        0,
        "not yet due"
    );
    assert_eq!(poller.cached_sessions(), 10);

    poller.set_enabled(t0, false);
    assert_eq!(poller.poll_timeout(), None);
    assert_eq!(poller.cached_sessions(), 0);
    assert_eq!(poller.cached((1, 1), 0), DataCounters::default());
}

#[test]
fn a_reused_session_id_does_not_inherit_the_old_calls_counts() {
    let t0 = Instant::now();
    let mut sessions = Sessions::new(t0, 1);
    sessions.now = t0 + Duration::from_secs(5);
    let mut poller = Poller::new();
    poller.set_enabled(t0, true);
    poller.handle_timeout(t0, &sessions);
    assert_eq!(poller.cached((1, 1), 0).tx_packets, 5);
    assert_eq!(poller.cached((1, 1), 1), DataCounters::default());

    poller.retain(|_, call| call != 0);
    assert_eq!(poller.cached_sessions(), 0);
}

#[test]
fn a_stalled_engine_does_not_poll_back_to_back() {
    let t0 = Instant::now();
    let sessions = Sessions::new(t0, 10);
    let mut poller = Poller::new();
    poller.set_enabled(t0, true);
    poller.handle_timeout(t0, &sessions);
    let late = t0 + PERIOD * 4;
    assert_eq!(poller.handle_timeout(late, &sessions), 10);
    assert_eq!(poller.poll_timeout(), Some(late + PERIOD));
}
