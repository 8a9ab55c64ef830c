//! Duplicate suppression, as BSD syslogd (and so Junos) does it for each destination: a
//! message identical to the one written just before is counted, not written, and the count
//! comes out as `last message repeated N times` when a different message arrives, or when
//! the message has been held for 30 s (then 2 min, then 10 min while it goes on repeating),
//! so a quiet destination does not hide a repeat for ever. A single repeat is written as the
//! message itself. `allow-duplicates` turns this off: the destination has no `Repeats`.
//!
//! Sans-IO: the caller gives the time and writes what comes out.

/// How long a repeat is held before its count is written: syslogd's `repeatinterval[]`
/// (30 s, 120 s, 600 s), backing off while the same message keeps coming.
const HOLD_MS: [i64; 3] = [30_000, 120_000, 600_000];

/// One destination's memory of the last message it wrote.
#[derive(Debug, Default)]
pub struct Repeats {
    /// The last message written, as compared: everything but its time stamp.
    last: Option<String>,
    /// Its priority (facility × 8 + severity), for a host's `last message repeated` packet.
    pri: u16,
    /// Copies held since it was written.
    count: u32,
    /// When the newest held copy came.
    newest_ms: i64,
    /// When the destination last wrote something for this message.
    written_ms: i64,
    /// Which of [`HOLD_MS`] applies.
    backoff: usize,
}

/// Held copies to write now: one is written as the message itself (`message`), more as
/// `last message repeated N times`; `at_ms` is when the newest copy came.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flush {
    pub count: u32,
    pub at_ms: i64,
    pub message: String,
    pub pri: u16,
}

/// What to do with a message offered to a destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    /// Held copies of the previous message, to write first.
    pub flush: Option<Flush>,
    /// False when the message is a copy, held instead of written.
    pub write: bool,
}

impl Repeats {
    /// `message` (the destination's line without its time stamp) arrives at `now_ms`.
    pub fn offer(&mut self, now_ms: i64, message: &str, pri: u16) -> Offer {
        if self.last.as_deref() == Some(message) {
            self.count += 1;
            self.newest_ms = now_ms;
            self.pri = pri;
            // Held long enough: written now rather than at the next tick.
            let flush = (now_ms > self.due_ms()).then(|| self.take(now_ms));
            return Offer {
                flush,
                write: false,
            };
        }
        let flush = (self.count > 0).then(|| self.take(now_ms));
        self.backoff = 0;
        self.last = Some(message.to_string());
        self.pri = pri;
        self.written_ms = now_ms;
        Offer { flush, write: true }
    }

    /// The held copies whose time has come (each tick).
    pub fn due(&mut self, now_ms: i64) -> Option<Flush> {
        (self.count > 0 && now_ms >= self.due_ms()).then(|| self.take(now_ms))
    }

    /// The held copies, whatever their time: the destination is about to be replaced.
    pub fn pending(&mut self, now_ms: i64) -> Option<Flush> {
        (self.count > 0).then(|| self.take(now_ms))
    }

    fn due_ms(&self) -> i64 {
        let hold = HOLD_MS.get(self.backoff).copied().unwrap_or(HOLD_MS[2]);
        self.written_ms.saturating_add(hold)
    }

    /// Writes out the held copies and backs off, as syslogd's `BACKOFF()` after a flush.
    fn take(&mut self, now_ms: i64) -> Flush {
        let flush = Flush {
            count: self.count,
            at_ms: self.newest_ms,
            message: self.last.clone().unwrap_or_default(),
            pri: self.pri,
        };
        self.count = 0;
        self.written_ms = now_ms;
        self.backoff = (self.backoff + 1).min(HOLD_MS.len() - 1);
        flush
    }
}

/// syslogd's text for held copies.
pub fn repeated(count: u32) -> String {
    format!("last message repeated {count} times")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(r: &mut Repeats, now_ms: i64, message: &str) -> (bool, Option<(u32, i64)>) {
        let o = r.offer(now_ms, message, 13);
        (o.write, o.flush.map(|f| (f.count, f.at_ms)))
    }

    #[test]
    fn copies_are_held_and_counted_until_another_message() {
        let mut r = Repeats::default();
        assert_eq!(offer(&mut r, 0, "a"), (true, None));
        assert_eq!(offer(&mut r, 1_000, "a"), (false, None));
        assert_eq!(offer(&mut r, 2_000, "a"), (false, None));
        assert_eq!(offer(&mut r, 3_000, "a"), (false, None));
        // A different message: the count first (the time of the newest copy), then it.
        let o = r.offer(4_000, "b", 13);
        assert!(o.write);
        assert_eq!(
            o.flush,
            Some(Flush {
                count: 3,
                at_ms: 3_000,
                message: "a".into(),
                pri: 13
            })
        );
        // Nothing held: a different message needs nothing first.
        assert_eq!(offer(&mut r, 5_000, "c"), (true, None));
        // One copy comes back as itself (the caller writes `message`).
        assert_eq!(offer(&mut r, 6_000, "c"), (false, None));
        assert_eq!(offer(&mut r, 7_000, "a"), (true, Some((1, 6_000))));
    }

    #[test]
    fn a_held_count_is_written_after_30_s_then_backs_off() {
        let mut r = Repeats::default();
        offer(&mut r, 0, "a");
        assert_eq!(offer(&mut r, 1_000, "a"), (false, None));
        assert_eq!(r.due(29_999), None);
        assert_eq!(r.due(30_000).map(|f| f.count), Some(1));
        assert_eq!(r.due(31_000), None, "nothing held any more");
        // Still repeating: the next count waits 2 minutes from that write, then 10.
        assert_eq!(offer(&mut r, 40_000, "a"), (false, None));
        assert_eq!(r.due(149_999), None);
        assert_eq!(r.due(150_000).map(|f| f.count), Some(1));
        assert_eq!(offer(&mut r, 160_000, "a"), (false, None));
        assert_eq!(r.due(749_999), None);
        assert_eq!(r.due(750_000).map(|f| f.count), Some(1));
        // A copy arriving past its time writes the count at once.
        assert_eq!(offer(&mut r, 760_000, "a"), (false, None));
        assert_eq!(offer(&mut r, 1_400_000, "a"), (false, Some((2, 1_400_000))));
        // A new message starts the schedule again at 30 s.
        assert_eq!(offer(&mut r, 1_500_000, "b"), (true, None));
        assert_eq!(offer(&mut r, 1_500_001, "b"), (false, None));
        assert_eq!(r.due(1_530_000).map(|f| f.count), Some(1));
    }

    #[test]
    fn pending_copies_are_given_up_when_the_destination_goes() {
        let mut r = Repeats::default();
        assert_eq!(r.pending(0), None);
        offer(&mut r, 0, "a");
        offer(&mut r, 1, "a");
        offer(&mut r, 2, "a");
        assert_eq!(r.pending(3).map(|f| f.count), Some(2));
        assert_eq!(r.pending(4), None);
        assert_eq!(repeated(2), "last message repeated 2 times");
    }
}
