//! `system time-zone`: the zone the router shows times in (commit history, `## Last commit`,
//! `show system uptime`, the log). Times are kept as Unix seconds everywhere; only showing
//! them uses the zone.
//!
//! Junos takes an IANA name (`Europe/Amsterdam`), `UTC`, or `GMT+N` / `GMT-N` (-14..+12).
//! The `GMT` forms are POSIX's, as Junos documents: `GMT+1` is one hour *behind* UTC, which
//! is IANA's `Etc/GMT+1`.

use chrono::{DateTime, TimeZone as _};
use chrono_tz::Tz;
use std::sync::{PoisonError, RwLock};

/// A configured zone, ready to show times in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Zone(Tz);

impl Default for Zone {
    fn default() -> Self {
        Zone(Tz::UTC)
    }
}

impl Zone {
    pub const UTC: Zone = Zone(Tz::UTC);

    /// The zone `time-zone NAME` names, or why not.
    pub fn parse(name: &str) -> Result<Zone, String> {
        let bad = || {
            format!(
                "Invalid time zone '{}': use UTC, GMT+N or GMT-N (-14..+12), or a name such as Europe/Amsterdam",
                crate::limits::quoted(name)
            )
        };
        if let Some(offset) = name.strip_prefix("GMT").filter(|o| !o.is_empty()) {
            let hours: i32 = offset
                .strip_prefix('+')
                .unwrap_or(offset)
                .parse()
                .map_err(|_| bad())?;
            if !(offset.starts_with('+') || offset.starts_with('-')) || !(-14..=12).contains(&hours)
            {
                return Err(bad());
            }
            let iana = if hours == 0 {
                "Etc/GMT".to_string()
            } else {
                format!("Etc/GMT{hours:+}")
            };
            return iana.parse::<Tz>().map(Zone).map_err(|_| bad());
        }
        name.parse::<Tz>().map(Zone).map_err(|_| bad())
    }

    /// `2026-12-03 19:20:01 CET`: the management plane's time format.
    pub fn format(&self, unix: i64) -> String {
        self.strftime(unix, "%Y-%m-%d %H:%M:%S %Z")
    }

    /// The wall clock in this zone at `unix`, as seconds since 1970-01-01 00:00 of that
    /// clock (what `unix` would be if the zone were UTC).
    pub fn wall_of(&self, unix: i64) -> i64 {
        match DateTime::from_timestamp(unix, 0) {
            Some(t) => self
                .0
                .from_utc_datetime(&t.naive_utc())
                .naive_local()
                .and_utc()
                .timestamp(),
            None => unix,
        }
    }

    /// The instant this zone's wall clock reads `wall` (as [`Zone::wall_of`] counts it).
    /// A time the clocks skip (spring forward) is `None`; one they pass twice (fall back)
    /// is its first passing.
    pub fn unix_of_wall(&self, wall: i64) -> Option<i64> {
        let naive = DateTime::from_timestamp(wall, 0)?.naive_utc();
        self.0
            .from_local_datetime(&naive)
            .earliest()
            .map(|t| t.timestamp())
    }

    /// `unix` in this zone with a chrono format.
    pub fn strftime(&self, unix: i64, format: &str) -> String {
        match DateTime::from_timestamp(unix, 0) {
            Some(t) => self
                .0
                .from_utc_datetime(&t.naive_utc())
                .format(format)
                .to_string(),
            None => format!("@{unix}"),
        }
    }
}

/// The zone this process shows times in: set from the committed configuration (the daemon)
/// or from the daemon's hello (the shell). Junos too applies a new zone to a process when
/// it starts again; here a commit applies it to the daemon at once, to a shell at its next
/// login.
static CURRENT: RwLock<Zone> = RwLock::new(Zone(Tz::UTC));

pub fn set_current(zone: Zone) {
    *CURRENT.write().unwrap_or_else(PoisonError::into_inner) = zone;
}

pub fn current() -> Zone {
    *CURRENT.read().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_clock_times_convert_both_ways() {
        let amsterdam = Zone::parse("Europe/Amsterdam").unwrap();
        // 2026-12-03 18:20:01 UTC is 19:20:01 on Amsterdam's clock (CET, +1).
        let t = 1_796_322_001;
        assert_eq!(amsterdam.wall_of(t), t + 3600);
        assert_eq!(amsterdam.unix_of_wall(t + 3600), Some(t));
        assert_eq!(Zone::default().unix_of_wall(t), Some(t));
        // 2027-03-28 02:30 does not happen in Amsterdam (clocks go from 02:00 to 03:00).
        let skipped = 1_806_201_000; // 2027-03-28 02:30:00 as a wall clock
        assert_eq!(amsterdam.unix_of_wall(skipped), None);
    }

    #[test]
    fn junos_forms() {
        // 2026-12-03 18:20:01 UTC
        let t = 1_796_322_001;
        assert_eq!(Zone::default().format(t), "2026-12-03 18:20:01 UTC");
        assert_eq!(
            Zone::parse("UTC").unwrap().format(t),
            "2026-12-03 18:20:01 UTC"
        );
        assert_eq!(
            Zone::parse("Europe/Amsterdam").unwrap().format(t),
            "2026-12-03 19:20:01 CET"
        );
        // Summer time.
        assert_eq!(
            Zone::parse("Europe/Amsterdam")
                .unwrap()
                .format(t - 150 * 86_400),
            "2026-07-06 20:20:01 CEST"
        );
        // POSIX sign: GMT+1 is behind UTC.
        assert_eq!(
            Zone::parse("GMT+1").unwrap().format(t),
            "2026-12-03 17:20:01 -01"
        );
        assert_eq!(
            Zone::parse("GMT-14").unwrap().format(t),
            "2026-12-04 08:20:01 +14"
        );
        for bad in [
            "Mars/Olympus",
            "GMT+13",
            "GMT-15",
            "GMT1",
            "GMT+",
            "",
            "gmt",
        ] {
            assert!(Zone::parse(bad).is_err(), "{bad}");
        }
    }
}
