//! `[edit system syslog]` as the daemon's log reads it: which facilities and severities go
//! to each file, host and user, and how lines are written. The words are Junos'; what they
//! select is decided in l2tpd/src/log/select.rs.

use super::view::View;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// Junos' syslog facilities, as `[edit system syslog]` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Facility {
    Authorization,
    ChangeLog,
    ConflictLog,
    Daemon,
    External,
    Firewall,
    Ftp,
    InteractiveCommands,
    Kernel,
    Ntp,
    Pfe,
    Security,
    User,
}

impl Facility {
    /// Every facility a statement may name, besides `any`.
    pub const ALL: [Facility; 13] = [
        Facility::Authorization,
        Facility::ChangeLog,
        Facility::ConflictLog,
        Facility::Daemon,
        Facility::External,
        Facility::Firewall,
        Facility::Ftp,
        Facility::InteractiveCommands,
        Facility::Kernel,
        Facility::Ntp,
        Facility::Pfe,
        Facility::Security,
        Facility::User,
    ];

    /// The configuration keyword (`interactive-commands`).
    pub fn keyword(self) -> &'static str {
        match self {
            Facility::Authorization => "authorization",
            Facility::ChangeLog => "change-log",
            Facility::ConflictLog => "conflict-log",
            Facility::Daemon => "daemon",
            Facility::External => "external",
            Facility::Firewall => "firewall",
            Facility::Ftp => "ftp",
            Facility::InteractiveCommands => "interactive-commands",
            Facility::Kernel => "kernel",
            Facility::Ntp => "ntp",
            Facility::Pfe => "pfe",
            Facility::Security => "security",
            Facility::User => "user",
        }
    }
}

/// A message's severity, most severe first (RFC 5424's numbers: emergency 0 … debug 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Emergency = 0,
    Alert = 1,
    Critical = 2,
    Error = 3,
    Warning = 4,
    Notice = 5,
    Info = 6,
    Debug = 7,
}

impl Severity {
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// What one `FACILITY LEVEL;` statement asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// `any`: every severity.
    Any,
    /// This severity and the more severe ones.
    AtLeast(Severity),
    /// `none`: nothing of the facility.
    None,
}

impl Level {
    fn parse(word: &str) -> Option<Level> {
        Some(match word {
            "any" => Level::Any,
            "none" => Level::None,
            other => Level::AtLeast(super::view::keyword(other)?),
        })
    }
}

/// The facility statements of one destination: `any notice; authorization info;`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selectors {
    /// `any LEVEL;`.
    pub any: Option<Level>,
    /// `FACILITY LEVEL;` for each facility named.
    pub facilities: BTreeMap<Facility, Level>,
}

/// `file NAME { … }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyslogFile {
    pub selectors: Selectors,
    /// `match "RE"` (checked at commit).
    pub matches: Option<String>,
    /// `archive size`: octets before the file is archived.
    pub size: u64,
    /// `archive files`: archived copies kept besides the file.
    pub files: u32,
    /// `archive world-readable`: 0644 instead of 0600.
    #[serde(default)]
    pub world_readable: bool,
    pub explicit_priority: bool,
    /// `structured-data`: RFC 5424 lines; `Some(true)` with `brief` (no English text).
    #[serde(default)]
    pub structured_data: Option<StructuredData>,
    /// `allow-duplicates` here or for all of `[edit system syslog]`.
    #[serde(default)]
    pub allow_duplicates: bool,
}

/// `structured-data { brief; }`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StructuredData {
    /// `brief`: the English text after the structured data is left out.
    pub brief: bool,
}

/// `host NAME { … }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyslogHost {
    pub selectors: Selectors,
    pub matches: Option<String>,
    pub port: u16,
    /// `facility-override`: `local7`, `daemon`, …, as written.
    pub facility_override: Option<String>,
    pub log_prefix: Option<String>,
    pub source_address: Option<Ipv4Addr>,
    pub explicit_priority: bool,
    /// `structured-data`: RFC 5424 packets (`explicit-priority`, `log-prefix` and
    /// `time-format` then do not apply).
    #[serde(default)]
    pub structured_data: Option<StructuredData>,
    #[serde(default)]
    pub allow_duplicates: bool,
}

/// `user NAME { … }`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyslogUser {
    pub selectors: Selectors,
    pub matches: Option<String>,
    #[serde(default)]
    pub allow_duplicates: bool,
}

/// `[edit system syslog]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyslogConfig {
    pub files: BTreeMap<String, SyslogFile>,
    pub hosts: BTreeMap<String, SyslogHost>,
    /// `user NAME { … }` (`*` for every user).
    pub users: BTreeMap<String, SyslogUser>,
    /// `time-format year`.
    pub year: bool,
    /// `time-format millisecond`.
    pub millisecond: bool,
    /// `console { … }`: what goes to the system console.
    #[serde(default)]
    pub console: Option<Selectors>,
    /// `allow-duplicates` for every destination (already folded into each file's, host's and
    /// user's own; kept for the console and the factory `messages`).
    #[serde(default)]
    pub allow_duplicates: bool,
}

fn selectors(v: View<'_>) -> Selectors {
    Selectors {
        any: v.value("any").and_then(Level::parse),
        facilities: Facility::ALL
            .iter()
            .filter_map(|f| Some((*f, Level::parse(v.value(f.keyword())?)?)))
            .collect(),
    }
}

fn structured_data(v: View<'_>) -> Option<StructuredData> {
    v.has("structured-data").then(|| StructuredData {
        brief: v.container("structured-data").flag("brief"),
    })
}

pub(super) fn syslog(system: View<'_>) -> SyslogConfig {
    let syslog = system.container("syslog");
    let time_format = syslog.container("time-format");
    // `[edit system syslog archive]`: the defaults of every file's `archive`.
    let all = syslog.container("archive");
    let world_readable =
        |archive: View<'_>| archive.flag("world-readable") && !archive.flag("no-world-readable");
    let source_address = syslog.address("source-address");
    let all_duplicates = syslog.flag("allow-duplicates");
    let console = syslog.container("console");
    SyslogConfig {
        files: syslog
            .entries("file")
            .map(|(name, f)| {
                let archive = f.container("archive");
                (
                    name.to_string(),
                    SyslogFile {
                        selectors: selectors(f),
                        matches: f.string("match"),
                        size: archive.uint("size").unwrap_or_else(|| all.number("size")),
                        files: archive.uint("files").unwrap_or_else(|| all.number("files")),
                        world_readable: if archive.flag("world-readable")
                            || archive.flag("no-world-readable")
                        {
                            world_readable(archive)
                        } else {
                            world_readable(all)
                        },
                        explicit_priority: f.flag("explicit-priority"),
                        structured_data: structured_data(f),
                        allow_duplicates: all_duplicates || f.flag("allow-duplicates"),
                    },
                )
            })
            .collect(),
        hosts: syslog
            .entries("host")
            .map(|(name, h)| {
                (
                    name.to_string(),
                    SyslogHost {
                        selectors: selectors(h),
                        matches: h.string("match"),
                        port: h.number("port"),
                        facility_override: h.string("facility-override"),
                        log_prefix: h.string("log-prefix"),
                        source_address: h.address("source-address").or(source_address),
                        explicit_priority: h.flag("explicit-priority"),
                        structured_data: structured_data(h),
                        allow_duplicates: all_duplicates || h.flag("allow-duplicates"),
                    },
                )
            })
            .collect(),
        users: syslog
            .entries("user")
            .map(|(name, u)| {
                (
                    name.to_string(),
                    SyslogUser {
                        selectors: selectors(u),
                        matches: u.string("match"),
                        allow_duplicates: all_duplicates || u.flag("allow-duplicates"),
                    },
                )
            })
            .collect(),
        year: time_format.flag("year"),
        millisecond: time_format.flag("millisecond"),
        console: console.present().then(|| selectors(console)),
        allow_duplicates: all_duplicates,
    }
}

/// Files the daemon keeps in its state directory besides the logs: a syslog file may not take
/// their names (l2tpd's tests check this list against commit-db's and the socket's names).
pub const STATE_FILES: &[&str] = &[
    "config.db",
    "juniper.conf",
    "rescue.conf",
    crate::mgmt::SOCKET_NAME,
];

/// Why a syslog file may not be called `name`, if it may not. Files are created in the
/// state directory, beside the database: a name is a bare file name, not one of the daemon's
/// files, and not one a log's archive would take (`messages.0`).
pub fn syslog_file_name_problem(name: &str, trace_file: Option<&str>) -> Option<String> {
    if name.contains('/') {
        return Some(
            "A log file name cannot contain '/': the file is created in the state directory".into(),
        );
    }
    let taken = STATE_FILES
        .iter()
        .find(|f| name == **f || name.starts_with(&format!("{f}.")));
    if let Some(taken) = taken {
        return Some(format!(
            "'{name}' is taken by the daemon's file {taken}: choose another name"
        ));
    }
    if trace_file == Some(name) {
        return Some(format!(
            "'{name}' is the trace file of [edit services l2tp traceoptions]: choose another name"
        ));
    }
    if name
        .rsplit_once('.')
        .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    {
        return Some(format!(
            "'{name}' ends as an archived log file does (NAME.N): choose another name"
        ));
    }
    None
}

/// Largest compiled size of a `match` expression: every logged line is tried against it.
const SYSLOG_REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A destination's `match "RE"` as the log applies it: found anywhere in the line's
/// `TAG: text`, case-sensitive as syslogd's regular expressions are.
pub fn syslog_regex(text: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(text)
        .size_limit(SYSLOG_REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| super::system::regex_error(text, e))
}

#[cfg(test)]
#[path = "syslog_tests.rs"]
mod tests;
