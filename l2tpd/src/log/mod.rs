//! The daemon's system log, as Junos' syslog: each event has a Junos facility and severity
//! (`select`), and goes to the destinations `[edit system syslog]` configures (`outputs`):
//! files in the state directory, rotated by size and bounded, and remote hosts over UDP.
//! With no file configured, `messages` is written as Junos' factory configuration writes it
//! (`any notice; authorization info;`), 1 MB × 10 archived copies. Every event at `info` and
//! above also goes to syslog over `/dev/log` when there is one. Lines read as Junos writes
//! them:
//!
//! `Dec  3 18:20:01  router l2tpd[4242]: UI_COMMIT: User 'root' requested 'commit' operation (comment: none)`
//!
//! Times are in `system time-zone`, UTC when none is configured; `time-format year` and
//! `millisecond` add to them. A commit applies the new settings at once (`configure`). The
//! tags are in `tags`; `files` serves `show log` and `monitor start`.

mod destinations;
pub mod files;
pub mod outputs;
mod repeats;
pub mod select;
mod structured;
mod syslog;
pub mod tags;

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError, RwLock};

use schema::typed::SyslogConfig;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::layer::{Context, Layer};

use outputs::Outputs;
pub use outputs::{Entry, MESSAGES};
pub use syslog::Syslog;

/// The program name in every line.
const PROGRAM: &str = "l2tpd";

/// Where the log goes: the configured files (once the state directory is ready) and hosts,
/// and syslog.
#[derive(Debug, Default)]
pub struct SystemLog {
    outputs: Mutex<Outputs>,
    /// The state directory and the configuration last applied (files are opened again
    /// when the directory arrives after the configuration).
    settings: Mutex<(Option<PathBuf>, SyslogConfig)>,
    syslog: Option<Syslog>,
    host: RwLock<String>,
    pid: u32,
    /// Packets to syslog hosts that could not be sent (full buffer, unreachable), lines the
    /// console would not take, and messages for users' terminals that found the queue full.
    dropped: AtomicU64,
    /// The drops last reported in the log, and when (Unix ms).
    reported: Mutex<(u64, i64)>,
    /// Messages for users' terminals, until the management plane takes them (each tick).
    to_users: Mutex<VecDeque<(String, String)>>,
    /// The system console (`console { … }`).
    console: PathBuf,
}

/// Messages for users' terminals held at most between two management ticks: a burst past
/// this is dropped (and counted) rather than held without bound.
const MAX_USER_MESSAGES: usize = 256;

/// Drops are reported in the log at most this often: the report itself may be dropped by
/// the output that cannot keep up, and must not become a message a second.
const DROP_REPORT_MS: i64 = 60_000;

impl SystemLog {
    pub fn new(syslog: Option<Syslog>) -> SystemLog {
        SystemLog {
            syslog,
            host: RwLock::new("router".into()),
            pid: std::process::id(),
            console: destinations::console_path(),
            ..SystemLog::default()
        }
    }

    /// The console is `path` (tests).
    #[cfg(test)]
    fn with_console(mut self, path: &Path) -> SystemLog {
        self.console = path.to_path_buf();
        self
    }

    /// Files go in `dir` from now on.
    pub fn set_dir(&self, dir: &Path) -> Vec<String> {
        let config = {
            let mut settings = self.settings.lock().unwrap_or_else(PoisonError::into_inner);
            settings.0 = Some(dir.to_path_buf());
            settings.1.clone()
        };
        self.configure(&config)
    }

    /// Applies `[edit system syslog]`. Returns what could not be opened; the caller logs it
    /// (logging here, under the lock, would come back to this log).
    pub fn configure(&self, config: &SyslogConfig) -> Vec<String> {
        self.configure_at(now_ms(), config)
    }

    fn configure_at(&self, now_ms: i64, config: &SyslogConfig) -> Vec<String> {
        let dir = {
            let mut settings = self.settings.lock().unwrap_or_else(PoisonError::into_inner);
            settings.1 = config.clone();
            settings.0.clone()
        };
        let (outputs, problems) = Outputs::open(dir.as_deref(), config, &self.console);
        let host = self.host();
        let held = {
            let mut current = self.outputs.lock().unwrap_or_else(PoisonError::into_inner);
            // Repeat counts held by the old destinations are written before they go.
            let held = current.finish(now_ms, &host, self.pid);
            *current = outputs;
            held
        };
        self.settle(held);
        problems
    }

    /// About once a second: repeat counts held long enough are written (syslogd's mark).
    pub fn tick(&self, now_ms: i64) {
        let host = self.host();
        let written = self
            .outputs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .tick(now_ms, &host, self.pid);
        self.settle(written);
    }

    fn host(&self) -> String {
        self.host
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Queues what goes to users' terminals and counts what was dropped.
    fn settle(&self, written: outputs::Written) {
        let mut dropped = written.dropped;
        if !written.to_users.is_empty() {
            let mut queue = self.to_users.lock().unwrap_or_else(PoisonError::into_inner);
            for message in written.to_users {
                if queue.len() < MAX_USER_MESSAGES {
                    queue.push_back(message);
                } else {
                    dropped += 1;
                }
            }
        }
        if dropped > 0 {
            self.dropped.fetch_add(dropped, Ordering::Relaxed);
        }
    }

    pub fn set_host_name(&self, name: &str) {
        *self.host.write().unwrap_or_else(PoisonError::into_inner) = name.to_string();
    }

    /// Packets to syslog hosts, console lines and messages to users dropped so far.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// What to log about drops at `now_ms`, at most once a [`DROP_REPORT_MS`], when there
    /// were any since the last report. Junos has no command that shows syslog's losses; its
    /// syslogd says in the log itself what it could not send, so this is where an operator
    /// reading `show log messages` finds them.
    pub fn drop_report(&self, now_ms: i64) -> Option<String> {
        let total = self.dropped();
        let mut reported = self.reported.lock().unwrap_or_else(PoisonError::into_inner);
        let (before, at) = *reported;
        if total == before || now_ms < at.saturating_add(DROP_REPORT_MS) {
            return None;
        }
        *reported = (total, now_ms);
        let new = total - before;
        let s = if new == 1 { "" } else { "s" };
        Some(format!(
            "system log: {new} message{s} dropped: a syslog host, the console or a user's terminal could not take them ({total} since l2tpd started)"
        ))
    }

    /// The messages for users' terminals since the last call: (user name or `*`, text).
    pub fn take_user_messages(&self) -> Vec<(String, String)> {
        self.to_users
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain(..)
            .collect()
    }

    /// Writes one event of `level` at `now_ms` (Unix time in milliseconds).
    pub fn write(&self, now_ms: i64, level: &Level, tag: Option<&str>, text: &str) {
        self.write_with(now_ms, level, tag, text, &[]);
    }

    /// As [`SystemLog::write`], with the event's structured-data variables.
    pub fn write_with(
        &self,
        now_ms: i64,
        level: &Level,
        tag: Option<&str>,
        text: &str,
        params: &[(String, String)],
    ) {
        let host = self.host();
        let text = text.replace(['\n', '\r'], " ");
        let entry = Entry {
            facility: select::facility(tag),
            severity: select::severity(level, tag),
            tag,
            text: &text,
            params,
        };
        let written = self
            .outputs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .write(now_ms, &host, self.pid, &entry);
        self.settle(written);
        if let Some(s) = &self.syslog {
            s.send(&outputs::rfc3164(
                select::wire_number(entry.facility),
                entry.severity,
                &stamp(now_ms.div_euclid(1000)),
                &host,
                &format!("{PROGRAM}[{}]: {}", self.pid, entry.message(false)),
            ));
        }
    }
}

/// Now, as Unix time in milliseconds.
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// `Mmm dd hh:mm:ss` (the day padded with a space), syslog's time stamp, in the configured
/// `system time-zone` (UTC when none).
pub fn stamp(unix: i64) -> String {
    schema::timezone::current().strftime(unix, "%b %e %H:%M:%S")
}

/// The stamp as `time-format` asks: `Mmm dd yyyy hh:mm:ss` with `year`, `.mmm` after the
/// seconds with `millisecond`, as Junos writes them.
pub fn stamp_with(now_ms: i64, year: bool, millisecond: bool) -> String {
    let seconds = now_ms.div_euclid(1000);
    let format = if year {
        "%b %e %Y %H:%M:%S"
    } else {
        "%b %e %H:%M:%S"
    };
    let mut text = schema::timezone::current().strftime(seconds, format);
    if millisecond {
        let _ = write!(text, ".{:03}", now_ms.rem_euclid(1000));
    }
    text
}

/// The daemon's log, set up once by `main` (tests that run the engine alone have none).
static DAEMON: OnceLock<SystemLog> = OnceLock::new();

/// Sets up the daemon's system log, with syslog at `syslog_socket` when it exists, and
/// returns the layer that feeds it. Called once, by `main`.
pub fn install<S>(syslog_socket: Option<&Path>) -> impl Layer<S> + Send + Sync
where
    S: Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    DAEMON.get_or_init(|| SystemLog::new(syslog_socket.and_then(Syslog::open)));
    MessagesLayer.with_filter(filter_fn(|meta| {
        *meta.level() <= Level::INFO && meta.target() != crate::trace::MESSAGE
    }))
}

/// The state directory is ready: the log files are written in it from now on.
pub fn open_messages(dir: &Path) {
    if let Some(log) = DAEMON.get() {
        for problem in log.set_dir(dir) {
            tracing::warn!("{problem}");
        }
    }
}

/// A commit (or the start) made `config` active: its `system syslog` applies from now on.
pub fn configure(config: &SyslogConfig) {
    if let Some(log) = DAEMON.get() {
        for problem in log.configure(config) {
            tracing::warn!("{problem}");
        }
    }
}

/// About once a second (the management plane's tick): held repeat counts that are due.
pub fn tick() {
    if let Some(log) = DAEMON.get() {
        let now = now_ms();
        log.tick(now);
        if let Some(report) = log.drop_report(now) {
            tracing::error!("{report}");
        }
    }
}

/// The messages `system syslog user` sends to users' terminals since the last call.
pub fn take_user_messages() -> Vec<(String, String)> {
    DAEMON
        .get()
        .map(SystemLog::take_user_messages)
        .unwrap_or_default()
}

/// The host name in log lines follows `system host-name`.
pub fn set_host_name(name: &str) {
    if let Some(log) = DAEMON.get() {
        log.set_host_name(name);
    }
}

struct MessagesLayer;

impl<S: Subscriber> Layer<S> for MessagesLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let Some(log) = DAEMON.get() else { return };
        let mut fields = Fields::default();
        event.record(&mut fields);
        let text = fields.message + &fields.rest;
        log.write_with(
            now_ms(),
            event.metadata().level(),
            fields.tag.as_deref(),
            &text,
            &fields.params,
        );
    }
}

/// An event's message, its `tag`, its structured-data variables (`sd.NAME` fields), and its
/// other fields as ` name=value`.
#[derive(Default)]
pub(crate) struct Fields {
    pub message: String,
    pub tag: Option<String>,
    pub params: Vec<(String, String)>,
    pub rest: String,
}

/// A field named `sd.NAME` is the event's variable NAME, as Junos names it in the
/// structured-data element of `structured-data` files and hosts (`sd.username = %user`);
/// the English text carries the value already, so it is not added to the text.
pub const SD_FIELD: &str = "sd.";

/// Junos' variable names have hyphens where a Rust field name has underscores
/// (`sd.class_name` is `class-name`).
fn sd_name(field: &str) -> String {
    field.replace('_', "-")
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "tag" {
            self.tag = Some(value.to_string());
        } else if let Some(name) = field.name().strip_prefix(SD_FIELD) {
            self.params.push((sd_name(name), value.to_string()));
        } else {
            self.record_debug(field, &value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else if let Some(name) = field.name().strip_prefix(SD_FIELD) {
            self.params.push((sd_name(name), format!("{value:?}")));
        } else {
            let _ = write!(self.rest, " {}={value:?}", field.name());
        }
    }
}

#[cfg(test)]
mod tests;
