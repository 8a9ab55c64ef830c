//! `file NAME { structured-data; }`: lines in Junos' structured-data format, RFC 5424's
//! layout (draft-ietf-syslog-protocol-23, as Junos cites it):
//!
//! `<PRI>1 TIMESTAMP HOST l2tpd PID TAG [junos@2636.1.1.1.2.21] text`
//!
//! - TIMESTAMP: `2026-12-03T18:20:01.042Z` in UTC, or local time with its offset
//!   (`2026-12-03T19:20:01.042+01:00`) under a `system time-zone` away from UTC.
//! - The structured-data element's name is Junos' `junos@2636.PLATFORM`, PLATFORM being the
//!   model's jnxProductName arc: `1.1.1.2.21`, the MX960's, the router this one stands in
//!   for. It holds the event's variables by Junos' names (`username="root"`), for the
//!   events that give them as `sd.NAME` fields (the `UI_` and `L2TP_` events; the list is
//!   in docs/system-log.md).
//! - A field that has no value is `-`, as RFC 5424 and Junos write it: an untagged event's TAG.
//! - `brief` leaves out the English text after a tagged event's structured data; an untagged
//!   event keeps it, having nothing else.
//!
//! `explicit-priority` and `time-format` do not apply to such a file (Junos refuses them at
//! commit beside `structured-data`).

use std::fmt::Write as _;

use super::outputs::Entry;
use super::select;

/// The structured-data element's name: Juniper's enterprise number and the platform.
pub const SD_ID: &str = "junos@2636.1.1.1.2.21";

/// RFC 5424's version field.
const VERSION: u8 = 1;

/// The line without its priority and time stamp, the part duplicate suppression compares.
pub fn message(entry: &Entry<'_>, host: &str, program: &str, pid: u32, brief: bool) -> String {
    let tag = entry.tag.unwrap_or("-");
    let mut line = format!("{host} {program} {pid} {tag} [{SD_ID}");
    for (name, value) in entry.params {
        let _ = write!(line, " {name}=\"{}\"", escape(value));
    }
    line.push(']');
    if !(brief && entry.tag.is_some()) {
        line.push(' ');
        line.push_str(entry.text);
    }
    line
}

/// RFC 5424 §6.3.3: `"`, `\` and `]` in a parameter value are escaped with `\`.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '"' | '\\' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The event's priority: facility × 8 + severity, the facility as syslog numbers it.
pub fn pri(entry: &Entry<'_>) -> u16 {
    u16::from(select::wire_number(entry.facility)) * 8 + u16::from(entry.severity.code())
}

/// `<PRI>1 TIMESTAMP ` + `message`.
pub fn line(pri: u16, now_ms: i64, message: &str) -> String {
    format!("<{pri}>{VERSION} {} {message}", timestamp(now_ms))
}

/// syslogd's `last message repeated N times` in this layout: the host, and `-` for the
/// application, process, message id and structured data it does not have.
pub fn repeated(pri: u16, now_ms: i64, host: &str, count: u32) -> String {
    line(
        pri,
        now_ms,
        &format!("{host} - - - - {}", super::repeats::repeated(count)),
    )
}

/// RFC 3339 with milliseconds, in the configured time zone (`Z` when it is UTC).
pub fn timestamp(now_ms: i64) -> String {
    let zone = schema::timezone::current();
    let seconds = now_ms.div_euclid(1000);
    let offset = zone.strftime(seconds, "%:z");
    let offset = if offset == "+00:00" { "Z" } else { &offset };
    format!(
        "{}.{:03}{offset}",
        zone.strftime(seconds, "%Y-%m-%dT%H:%M:%S"),
        now_ms.rem_euclid(1000)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use schema::typed::{Facility, Severity};

    use crate::log::outputs::tests::COMMIT;

    #[test]
    fn rfc5424_layout_with_junos_sd_id() {
        let m = message(&COMMIT, "r1", "l2tpd", 42, false);
        assert_eq!(
            line(pri(&COMMIT), 1_796_322_001_042, &m),
            "<189>1 2026-12-03T18:20:01.042Z r1 l2tpd 42 UI_COMMIT [junos@2636.1.1.1.2.21] User 'root' requested 'commit' operation (comment: none)"
        );
        // brief: no English text after a tagged event's structured data.
        assert_eq!(
            message(&COMMIT, "r1", "l2tpd", 42, true),
            "r1 l2tpd 42 UI_COMMIT [junos@2636.1.1.1.2.21]"
        );
        // An untagged event: `-` for the tag, and its text even with brief.
        let serving = Entry {
            facility: Facility::Daemon,
            severity: Severity::Info,
            tag: None,
            text: "l2tpd serving",
            params: &[],
        };
        assert_eq!(
            line(
                pri(&serving),
                0,
                &message(&serving, "r1", "l2tpd", 42, true)
            ),
            "<30>1 1970-01-01T00:00:00.000Z r1 l2tpd 42 - [junos@2636.1.1.1.2.21] l2tpd serving"
        );
        // Variables by Junos' names, values escaped as RFC 5424 says.
        let params = [
            ("username".to_string(), "root".to_string()),
            ("message".to_string(), r#"a "b" \ [c]"#.to_string()),
        ];
        let with = Entry {
            params: &params,
            ..COMMIT
        };
        assert_eq!(
            message(&with, "r1", "l2tpd", 42, true),
            r#"r1 l2tpd 42 UI_COMMIT [junos@2636.1.1.1.2.21 username="root" message="a \"b\" \\ [c\]"]"#
        );
        assert_eq!(
            repeated(189, 1_796_322_001_042, "r1", 3),
            "<189>1 2026-12-03T18:20:01.042Z r1 - - - - last message repeated 3 times"
        );
    }
}
