//! Text of the replies that the shell renders itself: the commit log, the users lists,
//! commit-check errors and the `^` marker. Configuration trees go through `schema::print`.

use schema::mgmt::{
    CheckError, CommitEntry, ConfigureMode, TunnelTestReport, TunnelTestState, UserSession,
};
use schema::tree::path_words;
use tabled::builder::Builder;
use tabled::settings::object::{Columns, Segment};
use tabled::settings::{Alignment, Padding, Style};

/// `2026-11-24 05:03:27 UTC`: in the router's `system time-zone` (UTC when none), as the
/// daemon's hello named it.
pub fn utc(seconds: i64) -> String {
    schema::timezone::current().format(seconds)
}

/// `[edit]`, `[edit access tunnel-profile tp1]`.
pub fn edit_banner(path: &[schema::NodeId]) -> String {
    if path.is_empty() {
        "[edit]".to_string()
    } else {
        format!("[edit {}]", path_words(path))
    }
}

/// `test services l2tp tunnel`: `Tunnel 17967, session 40553: established; LCP echo reply
/// in 0.4 ms`, with the peer's IDs on a second line.
pub fn tunnel_test(report: &TunnelTestReport) -> String {
    let id = |id: Option<u16>| id.map_or_else(|| "-".to_string(), |id| id.to_string());
    let mut out = format!(
        "Tunnel {}, session {}: ",
        id(report.local_tunnel_id),
        id(report.local_session_id)
    );
    let failure = report.failure.as_deref().unwrap_or("no reason given");
    match report.state {
        TunnelTestState::Established => match report.echo_round_trip_us {
            Some(us) => out.push_str(&format!("established; LCP echo reply in {}", millis(us))),
            None => out.push_str("established"),
        },
        TunnelTestState::EstablishedNoEcho => {
            out.push_str(&format!("established; {failure}"));
        }
        TunnelTestState::Failed => out.push_str(&format!("failed: {failure}")),
    }
    out.push('\n');
    if report.remote_tunnel_id.is_some() || report.remote_session_id.is_some() {
        out.push_str(&format!(
            "  Remote tunnel {}, remote session {}\n",
            id(report.remote_tunnel_id),
            id(report.remote_session_id)
        ));
    }
    out
}

/// `0.4 ms`, `12 ms`; below 0.1 ms in microseconds, so a fast loopback never reads `0.0`.
fn millis(us: u64) -> String {
    if us < 100 {
        format!("{us} us")
    } else if us < 10_000 {
        format!("{}.{} ms", us / 1000, (us % 1000) / 100)
    } else {
        format!("{} ms", us / 1000)
    }
}

/// `show system commit`.
pub fn commits(entries: &[CommitEntry]) -> String {
    let mut out = String::new();
    for e in entries {
        let index = e.index.to_string();
        out.push_str(&format!(
            "{index:<4}{} by {} via {}",
            utc(e.time),
            e.user,
            e.client.as_str()
        ));
        if let Some(minutes) = e.confirmed_minutes {
            out.push_str(&format!(" commit confirmed, rollback in {minutes}mins"));
        }
        out.push('\n');
        if let Some(comment) = &e.comment {
            out.push_str(&format!("    {comment}\n"));
        }
    }
    out
}

/// The users in configuration mode, as `configure` and `status` list them.
pub fn editing_users(users: &[UserSession]) -> String {
    let mut out = String::from("Users currently editing the configuration:\n");
    for u in users {
        out.push_str(&format!(
            "  {} {} (pid {}) on since {}",
            u.user,
            u.terminal,
            u.pid,
            utc(u.since)
        ));
        if u.idle_seconds > 0 {
            let s = u.idle_seconds;
            out.push_str(&format!(
                ", idle {:02}:{:02}:{:02}",
                s / 3600,
                s / 60 % 60,
                s % 60
            ));
        }
        out.push('\n');
        if let Some(path) = &u.edit_path {
            let mode = match u.mode {
                Some(ConfigureMode::Exclusive) => "exclusive ",
                Some(ConfigureMode::Private) => "private ",
                Some(ConfigureMode::Shared) | None => "",
            };
            out.push_str(&format!("      {mode}{}\n", edit_banner(path)));
        }
    }
    out
}

/// `show system users`: plain Junos columns.
pub fn users_table(users: &[UserSession]) -> String {
    let rows = users.iter().map(|u| {
        let tty = u.terminal.strip_prefix("terminal ").unwrap_or(&u.terminal);
        let login = schema::timezone::current().strftime(u.since, "%Y-%m-%d %H:%M");
        let what = match (&u.edit_path, u.mode) {
            (None, _) => "cli".to_string(),
            (Some(_), Some(ConfigureMode::Exclusive)) => "configure exclusive".to_string(),
            (Some(_), Some(ConfigureMode::Private)) => "configure private".to_string(),
            (Some(_), _) => "configure".to_string(),
        };
        vec![
            u.user.clone(),
            tty.to_string(),
            login,
            idle(u.idle_seconds),
            what,
        ]
    });
    plain_table(&["USER", "TTY", "LOGIN@", "IDLE", "WHAT"], rows)
}

/// Junos' plain columns: a header line, no borders, left aligned, two spaces between
/// columns and no trailing blanks.
pub fn plain_table(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut b = Builder::default();
    b.push_record(header.iter().map(|h| h.to_string()));
    for row in rows {
        // Escaped before the columns are measured, so a cell with a control character (a
        // subscriber's user name from the network, a tty name) keeps the columns aligned.
        b.push_record(
            row.iter()
                .map(|cell| super::escape::terminal_safe(cell).into_owned()),
        );
    }
    let mut table = b.build();
    table
        .with(Style::empty())
        .with(Alignment::left())
        .modify(Segment::all(), Padding::new(0, 2, 0, 0))
        .modify(Columns::last(), Padding::zero());
    let mut out = String::new();
    for line in table.to_string().lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The IDLE column as `w` shows it: `-` under a minute, minutes, `h:mm`, then days.
fn idle(seconds: u64) -> String {
    let minutes = seconds / 60;
    match minutes {
        0 => "-".to_string(),
        1..=59 => minutes.to_string(),
        60..=1439 => format!("{}:{:02}", minutes / 60, minutes % 60),
        _ => format!("{}days", minutes / 1440),
    }
}

/// Commit-check failures: each under its banner, then the summary.
pub fn check_errors(errors: &[CheckError], summary: &str) -> String {
    let mut out = String::new();
    for e in errors {
        out.push_str(&format!(
            "{}\n  '{}'\n    {}\n",
            edit_banner(&e.path),
            e.statement,
            e.message
        ));
    }
    out.push_str(&format!("error: {summary}\n"));
    out
}

/// The `^` line under column `column` (in characters from the start of the screen line).
pub fn caret(column: usize) -> String {
    format!("{}^\n", " ".repeat(column))
}

/// Longest line a syntax error echoes whole.
const ECHO_WHOLE: usize = 160;
/// Characters shown on each side of the error in a longer line.
const ECHO_SIDE: usize = 40;

/// For a line longer than [`ECHO_WHOLE`] characters: the part of it around character
/// `column` (`...` where it is cut), and the error's column in that part. `None`: the line is
/// short enough to show as it is. An error never sends a megabyte line back to the screen.
pub fn error_window(line: &str, column: usize) -> Option<(String, usize)> {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= ECHO_WHOLE {
        return None;
    }
    let start = column.saturating_sub(ECHO_SIDE).min(chars.len());
    let end = (column + ECHO_SIDE).min(chars.len());
    let mut window = String::new();
    if start > 0 {
        window.push_str("...");
    }
    window.extend(&chars[start..end]);
    if end < chars.len() {
        window.push_str("...");
    }
    let lead = if start > 0 { 3 } else { 0 };
    Some((window, lead + column - start))
}

#[cfg(test)]
mod tests {

    /// The transcripts leave idle times out (whether a second has passed depends on the
    /// machine's load), so the layout is checked here.
    #[test]
    fn an_editing_user_shows_idle_time_once_it_is_a_second() {
        let mut user = schema::mgmt::UserSession {
            user: "alice".into(),
            terminal: "terminal pts/3".into(),
            pid: 1088,
            since: 1_795_496_491,
            idle_seconds: 0,
            edit_path: Some(Vec::new()),
            mode: Some(schema::mgmt::ConfigureMode::Exclusive),
        };
        let fresh = super::editing_users(std::slice::from_ref(&user));
        assert!(fresh.contains("(pid 1088) on since "), "{fresh}");
        assert!(!fresh.contains("idle"), "{fresh}");
        assert!(fresh.ends_with("UTC\n      exclusive [edit]\n"), "{fresh}");
        user.idle_seconds = 3_675;
        let idle = super::editing_users(&[user]);
        assert!(idle.contains("UTC, idle 01:01:15\n"), "{idle}");
    }

    #[test]
    fn tunnel_test_lines() {
        let mut report = TunnelTestReport {
            local_tunnel_id: Some(17967),
            remote_tunnel_id: Some(5),
            local_session_id: Some(40553),
            remote_session_id: Some(9),
            state: TunnelTestState::Established,
            echo_round_trip_us: Some(412),
            failure: None,
        };
        assert_eq!(
            super::tunnel_test(&report),
            "Tunnel 17967, session 40553: established; LCP echo reply in 0.4 ms\n  \
             Remote tunnel 5, remote session 9\n"
        );
        report.echo_round_trip_us = Some(42);
        assert!(super::tunnel_test(&report).contains("in 42 us"));
        report.echo_round_trip_us = Some(12_345);
        assert!(super::tunnel_test(&report).contains("in 12 ms"));
        let failed = TunnelTestReport {
            local_tunnel_id: Some(3),
            remote_tunnel_id: None,
            local_session_id: None,
            remote_session_id: None,
            state: TunnelTestState::Failed,
            echo_round_trip_us: None,
            failure: Some("tunnel closed: retransmissions exhausted".into()),
        };
        assert_eq!(
            super::tunnel_test(&failed),
            "Tunnel 3, session -: failed: tunnel closed: retransmissions exhausted\n"
        );
    }

    use super::*;
    use schema::mgmt::ClientKind;
    use schema::NodeId;

    // 2026-11-24 05:01:31 UTC
    const T: i64 = 1_795_496_491;

    #[test]
    fn commit_log() {
        let entries = [
            CommitEntry {
                index: 0,
                time: T,
                user: "lewis".into(),
                client: ClientKind::Cli,
                comment: None,
                confirmed_minutes: Some(3),
            },
            CommitEntry {
                index: 12,
                time: T - 121,
                user: "root".into(),
                client: ClientKind::File,
                comment: Some("initial".into()),
                confirmed_minutes: None,
            },
        ];
        assert_eq!(
            commits(&entries),
            "0   2026-11-24 05:01:31 UTC by lewis via cli commit confirmed, rollback in 3mins\n\
             12  2026-11-24 04:59:30 UTC by root via file\n    initial\n"
        );
    }

    fn session(user: &str, idle_seconds: u64, mode: Option<ConfigureMode>) -> UserSession {
        UserSession {
            user: user.into(),
            terminal: "terminal pts/3".into(),
            pid: 1088,
            since: T + 116,
            idle_seconds,
            edit_path: mode.map(|_| {
                vec![
                    NodeId::new("access"),
                    NodeId::entry("tunnel-profile", "tp1"),
                ]
            }),
            mode,
        }
    }

    #[test]
    fn editing_users_list() {
        let users = [
            session("root", 0, Some(ConfigureMode::Exclusive)),
            session("lewis", 72, Some(ConfigureMode::Shared)),
        ];
        assert_eq!(
            editing_users(&users),
            "Users currently editing the configuration:\n\
             \x20 root terminal pts/3 (pid 1088) on since 2026-11-24 05:03:27 UTC\n\
             \x20     exclusive [edit access tunnel-profile tp1]\n\
             \x20 lewis terminal pts/3 (pid 1088) on since 2026-11-24 05:03:27 UTC, idle 00:01:12\n\
             \x20     [edit access tunnel-profile tp1]\n"
        );
    }

    #[test]
    fn users_columns() {
        let users = [
            session("root", 0, None),
            session("lewis", 3700, Some(ConfigureMode::Private)),
        ];
        assert_eq!(
            users_table(&users),
            "USER   TTY    LOGIN@            IDLE  WHAT\n\
             root   pts/3  2026-11-24 05:03  -     cli\n\
             lewis  pts/3  2026-11-24 05:03  1:01  configure private\n"
        );
    }

    #[test]
    fn check_error_block() {
        let errors = [CheckError {
            path: vec![],
            statement: "system".into(),
            message: "Missing mandatory statement: 'root-authentication'".into(),
        }];
        assert_eq!(
            check_errors(&errors, "commit failed: (missing mandatory statements)"),
            "[edit]\n  'system'\n    Missing mandatory statement: 'root-authentication'\n\
             error: commit failed: (missing mandatory statements)\n"
        );
        assert_eq!(caret(3), "   ^\n");
        assert_eq!(idle(3 * 86400), "3days");
    }
}
