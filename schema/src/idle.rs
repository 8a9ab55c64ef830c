//! Idle login sessions (`system login class NAME idle-timeout MINUTES`, `set cli
//! idle-timeout MINUTES`): when to warn and when to close, as Junos does. Sans-IO: the shell
//! and the daemon give the clock, so tests run the whole schedule on simulated time.
//!
//! Junos warns 5 minutes, 1 minute and 10 seconds before it closes an idle session ("It
//! starts displaying these messages 5 minutes before timing out the user"), then prints
//! `Idle timeout exceeded: closing session`.

use std::time::{Duration, Instant};

/// The last line of a session closed for idleness.
pub const CLOSING: &str = "Idle timeout exceeded: closing session";

/// The environment variable that shortens a minute, for tests (debug builds only).
pub const TEST_MINUTE_ENV: &str = "L2TP_TEST_MINUTE_MS";

/// The longest idle timeout Junos takes for a session (`set cli idle-timeout`).
pub const MAX_CLI_MINUTES: u32 = 100_000;

/// A minute: 60 s, or, in a debug build, `L2TP_TEST_MINUTE_MS` milliseconds, so the tests
/// of the shell and the daemon see a session warned and closed in a second. A release build
/// never reads the variable.
pub fn minute() -> Duration {
    const MINUTE: Duration = Duration::from_secs(60);
    if !cfg!(debug_assertions) {
        return MINUTE;
    }
    std::env::var(TEST_MINUTE_ENV)
        .ok()
        .and_then(|ms| ms.parse::<u64>().ok())
        .filter(|ms| *ms > 0)
        .map_or(MINUTE, Duration::from_millis)
}

/// The warnings before the close: how long before it (in sixtieths of a minute, i.e.
/// seconds of a real minute) and what it says.
const WARNINGS: [(u32, &str); 3] = [
    (
        300,
        "Warning: session will be closed in 5 minutes if there is no activity",
    ),
    (
        60,
        "Warning: session will be closed in 1 minute if there is no activity",
    ),
    (
        10,
        "Warning: session will be closed in 10 seconds if there is no activity",
    ),
];

/// What a session's idle clock says is due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdleEvent {
    /// Show this line to the operator.
    Warn(&'static str),
    /// Close the session, after showing [`CLOSING`].
    Close,
}

/// One session's idle clock.
#[derive(Clone, Debug)]
pub struct IdleTimer {
    limit: Duration,
    /// A sixtieth of the caller's minute.
    second: Duration,
    last_activity: Instant,
    /// How many of [`WARNINGS`] are behind us since the last activity.
    warned: usize,
}

impl IdleTimer {
    /// A clock that closes after `minutes` of idleness, `minute` long each; `None` for 0 (no
    /// timeout, as Junos reads 0).
    pub fn new(minutes: u32, minute: Duration, now: Instant) -> Option<IdleTimer> {
        (minutes > 0).then(|| {
            let second = minute / 60;
            IdleTimer {
                limit: minute.saturating_mul(minutes),
                second,
                last_activity: now,
                warned: 0,
            }
        })
    }

    /// The operator did something: the clock starts again, and so do the warnings.
    pub fn activity(&mut self, now: Instant) {
        self.last_activity = now;
        self.warned = 0;
    }

    /// The warnings that make sense for this limit: only those before the limit begins.
    fn warnings(&self) -> impl Iterator<Item = (Duration, &'static str)> + '_ {
        WARNINGS
            .iter()
            .map(|(ahead, text)| (self.second.saturating_mul(*ahead), *text))
            .filter(|(ahead, _)| *ahead < self.limit)
    }

    /// What is due at `now`, each warning once: the close once the limit has passed, else the
    /// latest warning reached (earlier ones a sleeping caller missed are skipped).
    pub fn poll(&mut self, now: Instant) -> Option<IdleEvent> {
        let idle = now.saturating_duration_since(self.last_activity);
        if idle >= self.limit {
            return Some(IdleEvent::Close);
        }
        let left = self.limit - idle;
        let reached: Vec<&'static str> = self
            .warnings()
            .filter(|(ahead, _)| left <= *ahead)
            .map(|(_, text)| text)
            .collect();
        if reached.len() > self.warned {
            self.warned = reached.len();
            return reached.last().map(|text| IdleEvent::Warn(text));
        }
        None
    }

    /// When [`IdleTimer::poll`] next has something to say (unless there is activity first).
    pub fn next_deadline(&self) -> Instant {
        let close = self.last_activity + self.limit;
        match self.warnings().nth(self.warned) {
            Some((ahead, _)) => close - ahead,
            None => close,
        }
    }

    /// When the session closes if nothing happens.
    pub fn closes_at(&self) -> Instant {
        self.last_activity + self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    fn at(start: Instant, seconds: u64) -> Instant {
        start + Duration::from_secs(seconds)
    }

    #[test]
    fn warned_at_five_minutes_one_minute_and_ten_seconds_then_closed() {
        let t0 = Instant::now();
        let mut idle = IdleTimer::new(10, MINUTE, t0).unwrap();
        assert_eq!(idle.next_deadline(), at(t0, 300));
        assert_eq!(idle.poll(at(t0, 299)), None);
        assert_eq!(
            idle.poll(at(t0, 300)),
            Some(IdleEvent::Warn(
                "Warning: session will be closed in 5 minutes if there is no activity"
            ))
        );
        assert_eq!(idle.poll(at(t0, 301)), None, "each warning once");
        assert_eq!(idle.next_deadline(), at(t0, 540));
        assert_eq!(
            idle.poll(at(t0, 540)),
            Some(IdleEvent::Warn(
                "Warning: session will be closed in 1 minute if there is no activity"
            ))
        );
        assert_eq!(
            idle.poll(at(t0, 590)),
            Some(IdleEvent::Warn(
                "Warning: session will be closed in 10 seconds if there is no activity"
            ))
        );
        assert_eq!(idle.next_deadline(), at(t0, 600));
        assert_eq!(idle.poll(at(t0, 599)), None);
        assert_eq!(idle.poll(at(t0, 600)), Some(IdleEvent::Close));
    }

    #[test]
    fn activity_starts_the_clock_and_the_warnings_again() {
        let t0 = Instant::now();
        let mut idle = IdleTimer::new(2, MINUTE, t0).unwrap();
        // No 5-minute warning for a 2-minute limit.
        assert_eq!(idle.next_deadline(), at(t0, 60));
        assert!(matches!(idle.poll(at(t0, 60)), Some(IdleEvent::Warn(_))));
        idle.activity(at(t0, 70));
        assert_eq!(idle.poll(at(t0, 129)), None);
        assert_eq!(idle.next_deadline(), at(t0, 130));
        assert!(matches!(idle.poll(at(t0, 130)), Some(IdleEvent::Warn(_))));
        assert_eq!(idle.closes_at(), at(t0, 190));
        assert_eq!(idle.poll(at(t0, 190)), Some(IdleEvent::Close));
    }

    #[test]
    fn a_caller_that_slept_gets_the_latest_warning_or_the_close() {
        let t0 = Instant::now();
        let mut idle = IdleTimer::new(10, MINUTE, t0).unwrap();
        assert_eq!(
            idle.poll(at(t0, 595)),
            Some(IdleEvent::Warn(
                "Warning: session will be closed in 10 seconds if there is no activity"
            ))
        );
        assert_eq!(idle.poll(at(t0, 596)), None);
        let mut idle = IdleTimer::new(1, MINUTE, t0).unwrap();
        assert_eq!(idle.poll(at(t0, 3600)), Some(IdleEvent::Close));
    }

    #[test]
    fn zero_is_no_timeout_and_a_short_minute_scales_everything() {
        assert!(IdleTimer::new(0, MINUTE, Instant::now()).is_none());
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut idle = IdleTimer::new(1, ms(600), t0).unwrap();
        // A 1-minute limit: only the 10-second warning, at 50 of the 60 "seconds".
        assert_eq!(idle.next_deadline(), t0 + ms(500));
        assert!(matches!(idle.poll(t0 + ms(500)), Some(IdleEvent::Warn(_))));
        assert_eq!(idle.poll(t0 + ms(600)), Some(IdleEvent::Close));
    }

    #[test]
    fn the_minute_is_a_real_one_unless_a_test_shortens_it() {
        // The variable is not set in the unit tests' environment.
        if std::env::var_os(TEST_MINUTE_ENV).is_none() {
            assert_eq!(minute(), MINUTE);
        }
    }
}
