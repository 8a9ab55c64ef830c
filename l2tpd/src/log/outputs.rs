//! The destinations `[edit system syslog]` configures, opened from the configuration and
//! replaced whole at each commit: files in the state directory, remote hosts over UDP,
//! users' terminals and the console, each with its facility/severity statements and `match`
//! (files and hosts: `explicit-priority` and `structured-data`). Each event goes to every
//! destination that takes it; how each writes it, and its duplicate suppression, are in
//! `destinations`.

use std::path::Path;

use schema::typed::{Facility, Severity, SyslogConfig};

use super::destinations::{
    deliver, flush_held, host_socket, open_console, packet, repeats, ConsoleOut, Context, FileOut,
    Filter, HostOut, Layout, UserOut,
};
use super::{select, structured};
use crate::trace::RotatingFile;

/// The file Junos logs to by default, and the one written when no file is configured.
pub const MESSAGES: &str = "messages";
/// Junos' default archive bounds: 1 MB, ten archived files.
pub const DEFAULT_SIZE: u64 = 1024 * 1024;
pub const DEFAULT_FILES: u32 = 10;
/// Longest packet sent to a host: RFC 3164 §4.1 allows 1024 octets; longer lines are cut.
pub const MAX_PACKET: usize = 1024;

/// One event, as every destination sees it.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    pub facility: Facility,
    pub severity: Severity,
    pub tag: Option<&'a str>,
    /// On one line already.
    pub text: &'a str,
    /// Its variables by Junos' names, for the structured-data element (`username`, `root`).
    pub params: &'a [(String, String)],
}

impl Entry<'_> {
    /// `TAG: text`, or `%FACILITY-SEVERITY-TAG: text` with `explicit-priority` (the tag left
    /// out of both when the event has none).
    pub fn message(&self, explicit_priority: bool) -> String {
        let text = self.text;
        match (explicit_priority, self.tag) {
            (false, Some(tag)) => format!("{tag}: {text}"),
            (false, None) => text.to_string(),
            (true, tag) => {
                let code = select::code(self.facility);
                let severity = self.severity.code();
                match tag {
                    Some(tag) => format!("%{code}-{severity}-{tag}: {text}"),
                    None => format!("%{code}-{severity}: {text}"),
                }
            }
        }
    }
}

/// The configured destinations, replaced whole at each commit.
#[derive(Debug, Default)]
pub struct Outputs {
    files: Vec<FileOut>,
    hosts: Vec<HostOut>,
    users: Vec<UserOut>,
    console: Option<ConsoleOut>,
    pub year: bool,
    pub millisecond: bool,
}

/// Where one event went: how many host packets were dropped (a full socket buffer, an
/// unreachable host) rather than stall the daemon.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub dropped: u64,
    /// For the terminals of logged-in users: (user name or `*`, the text to show).
    pub to_users: Vec<(String, String)>,
}

impl Outputs {
    /// The destinations `config` names, files in `dir` (none without a directory), the
    /// console at `console` when `config` has `console`. With no file configured,
    /// `messages` is written as Junos' factory configuration writes it. What cannot be
    /// opened is left out and described in the returned problems, for the caller to log
    /// once the log is usable again.
    pub fn open(
        dir: Option<&Path>,
        config: &SyslogConfig,
        console: &Path,
    ) -> (Outputs, Vec<String>) {
        let mut problems = Vec::new();
        let mut outputs = Outputs {
            year: config.year,
            millisecond: config.millisecond,
            ..Outputs::default()
        };
        if let Some(dir) = dir {
            let factory = schema::typed::SyslogFile {
                selectors: select::factory_messages(),
                matches: None,
                size: DEFAULT_SIZE,
                files: DEFAULT_FILES,
                world_readable: false,
                explicit_priority: false,
                structured_data: None,
                allow_duplicates: config.allow_duplicates,
            };
            let files: Vec<(&str, &schema::typed::SyslogFile)> = if config.files.is_empty() {
                vec![(MESSAGES, &factory)]
            } else {
                config.files.iter().map(|(n, f)| (n.as_str(), f)).collect()
            };
            for (name, f) in files {
                // The commit refused any name that is not a plain file name of ours.
                if name.contains('/') {
                    continue;
                }
                let path = dir.join(name);
                // `files` archived copies besides the file itself.
                match RotatingFile::open(&path, f.size, f.files.saturating_add(1), f.world_readable)
                {
                    Ok(file) => outputs.files.push(FileOut {
                        filter: Filter::new(&f.selectors, f.matches.as_deref(), &mut problems),
                        layout: match f.structured_data {
                            Some(sd) => Layout::Structured { brief: sd.brief },
                            None => Layout::Standard {
                                explicit_priority: f.explicit_priority,
                            },
                        },
                        file,
                        repeats: repeats(f.allow_duplicates),
                    }),
                    Err(e) => {
                        problems.push(format!("cannot open the log file {}: {e}", path.display()))
                    }
                }
            }
        }
        for (name, h) in &config.hosts {
            match host_socket(name, h.port, h.source_address) {
                Ok((socket, to)) => outputs.hosts.push(HostOut {
                    filter: Filter::new(&h.selectors, h.matches.as_deref(), &mut problems),
                    structured: h.structured_data.map(|sd| sd.brief),
                    explicit_priority: h.explicit_priority,
                    facility: h
                        .facility_override
                        .as_deref()
                        .and_then(select::override_number),
                    log_prefix: h.log_prefix.clone(),
                    socket,
                    to,
                    repeats: repeats(h.allow_duplicates),
                }),
                Err(e) => problems.push(format!("syslog host {name} left out: {e}")),
            }
        }
        for (name, u) in &config.users {
            outputs.users.push(UserOut {
                name: name.clone(),
                filter: Filter::new(&u.selectors, u.matches.as_deref(), &mut problems),
                repeats: repeats(u.allow_duplicates),
            });
        }
        if let Some(selectors) = &config.console {
            match open_console(console) {
                Ok(file) => {
                    outputs.console = Some(ConsoleOut {
                        filter: Filter::new(selectors, None, &mut problems),
                        console: file,
                        repeats: repeats(config.allow_duplicates),
                    })
                }
                Err(e) => problems.push(format!(
                    "cannot open the console {}: {e}",
                    console.display()
                )),
            }
        }
        (outputs, problems)
    }

    /// Writes `entry` at `now_ms` to every destination that takes it, from `host`'s
    /// process `pid`, unless it repeats the destination's previous message.
    pub fn write(&mut self, now_ms: i64, host: &str, pid: u32, entry: &Entry<'_>) -> Written {
        let source = format!("{}[{pid}]", super::PROGRAM);
        let cx = self.context(host, &source, pid);
        let mut out = Written::default();
        let pri = structured::pri(entry);
        for d in &mut self.files {
            if d.filter.takes(entry) {
                let message = d.message(&cx, entry);
                deliver(d, &cx, now_ms, &message, pri, &mut out);
            }
        }
        for d in &mut self.hosts {
            if d.filter.takes(entry) {
                let message = d.message(&cx, entry);
                let pri = d.pri(entry);
                deliver(d, &cx, now_ms, &message, pri, &mut out);
            }
        }
        for d in &mut self.users {
            if d.filter.takes(entry) {
                let message = format!("{host} {source}: {}", entry.message(false));
                deliver(d, &cx, now_ms, &message, pri, &mut out);
            }
        }
        if let Some(d) = &mut self.console {
            if d.filter.takes(entry) {
                let message = format!("{host} {source}: {}", entry.message(false));
                deliver(d, &cx, now_ms, &message, pri, &mut out);
            }
        }
        out
    }

    /// Each tick: the repeat counts held long enough (syslogd's 30 s mark).
    pub fn tick(&mut self, now_ms: i64, host: &str, pid: u32) -> Written {
        self.flush_held(now_ms, host, pid, false)
    }

    /// Before these destinations are replaced (a commit): every held repeat count, as
    /// syslogd writes them out when it reads its configuration again.
    pub fn finish(&mut self, now_ms: i64, host: &str, pid: u32) -> Written {
        self.flush_held(now_ms, host, pid, true)
    }

    fn flush_held(&mut self, now_ms: i64, host: &str, pid: u32, all: bool) -> Written {
        let source = format!("{}[{pid}]", super::PROGRAM);
        let cx = self.context(host, &source, pid);
        let mut out = Written::default();
        for d in &mut self.files {
            flush_held(d, &cx, now_ms, all, &mut out);
        }
        for d in &mut self.hosts {
            flush_held(d, &cx, now_ms, all, &mut out);
        }
        for d in &mut self.users {
            flush_held(d, &cx, now_ms, all, &mut out);
        }
        if let Some(d) = &mut self.console {
            flush_held(d, &cx, now_ms, all, &mut out);
        }
        out
    }

    fn context<'a>(&self, host: &'a str, source: &'a str, pid: u32) -> Context<'a> {
        Context {
            host,
            source,
            pid,
            year: self.year,
            millisecond: self.millisecond,
        }
    }

    #[cfg(test)]
    pub fn file_count(&self) -> usize {
        self.files.len()
    }
}

/// One RFC 3164 packet: `<PRI>STAMP HOST LINE`, PRI = facility × 8 + severity, at most
/// [`MAX_PACKET`] octets (cut on a character boundary).
pub fn rfc3164(facility: u8, severity: Severity, stamp: &str, host: &str, line: &str) -> String {
    let pri = u16::from(facility) * 8 + u16::from(severity.code());
    packet(pri, stamp, host, line)
}

/// The state directory's files that are logs by configuration: each configured syslog file,
/// `messages` when none is.
pub fn file_names(config: &SyslogConfig) -> Vec<&str> {
    if config.files.is_empty() {
        vec![MESSAGES]
    } else {
        config.files.keys().map(String::as_str).collect()
    }
}

#[cfg(test)]
#[path = "outputs_tests.rs"]
pub(crate) mod tests;
