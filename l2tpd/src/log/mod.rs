//! The daemon's system log, as Junos' `/var/log/messages`: every event at `info` and above
//! (not the per-message traces) goes to the file `messages` in the state directory, rotated
//! by size and bounded (`messages`, `messages.0` … `messages.9`, 1 MiB each), and to syslog
//! over `/dev/log` when there is one. Lines read as Junos writes them:
//!
//! `Dec  3 18:20:01  router l2tpd[4242]: UI_COMMIT: User 'root' requested 'commit' operation (comment: none)`
//!
//! Times are in `system time-zone`, UTC when none is configured. The tags are in
//! `tags`; `files` serves `show log` and `monitor start`.

pub mod files;
mod syslog;
pub mod tags;

use std::fmt::Write as _;
use std::path::Path;
use std::sync::{Mutex, OnceLock, PoisonError, RwLock};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::layer::{Context, Layer};

use crate::trace::RotatingFile;
pub use syslog::Syslog;

/// The log file's name in the state directory.
pub const MESSAGES: &str = "messages";
/// Rotated when the next line would pass this size.
pub const MESSAGES_SIZE: u64 = 1024 * 1024;
/// `messages` and `messages.0` ..= `messages.9`: at most 11 MiB in all.
pub const MESSAGES_FILES: u32 = 11;
/// The program name in every line.
const PROGRAM: &str = "l2tpd";

/// Where the log goes: the file (once the state directory is ready) and syslog.
#[derive(Debug, Default)]
pub struct SystemLog {
    file: Mutex<Option<RotatingFile>>,
    syslog: Option<Syslog>,
    host: RwLock<String>,
    pid: u32,
}

impl SystemLog {
    pub fn new(syslog: Option<Syslog>) -> SystemLog {
        SystemLog {
            file: Mutex::new(None),
            syslog,
            host: RwLock::new("router".into()),
            pid: std::process::id(),
        }
    }

    /// Starts writing `messages` in `dir` with the given bounds.
    pub fn open_file(&self, dir: &Path, size: u64, files: u32) -> std::io::Result<()> {
        let file = RotatingFile::open(&dir.join(MESSAGES), size, files, false)?;
        *self.file.lock().unwrap_or_else(PoisonError::into_inner) = Some(file);
        Ok(())
    }

    pub fn set_host_name(&self, name: &str) {
        *self.host.write().unwrap_or_else(PoisonError::into_inner) = name.to_string();
    }

    /// Writes one event at Unix time `now`.
    pub fn write(&self, now: i64, level: &Level, tag: Option<&str>, text: &str) {
        let host = self
            .host
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let stamp = stamp(now);
        let body = body(self.pid, tag, text);
        if let Some(file) = self
            .file
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_mut()
        {
            // Nowhere to report a failed log write but the log itself.
            let _ = file.write_line(&format!("{stamp}  {host} {body}"));
        }
        if let Some(s) = &self.syslog {
            s.send(&syslog::format(
                syslog::severity(level, tag.is_some()),
                &stamp,
                &host,
                &body,
            ));
        }
    }
}

/// `l2tpd[PID]: TAG: text`, on one line whatever the text holds.
fn body(pid: u32, tag: Option<&str>, text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    match tag {
        Some(tag) => format!("{PROGRAM}[{pid}]: {tag}: {text}"),
        None => format!("{PROGRAM}[{pid}]: {text}"),
    }
}

/// `Mmm dd hh:mm:ss` (the day padded with a space), syslog's time stamp, in the configured
/// `system time-zone` (UTC when none).
pub fn stamp(unix: i64) -> String {
    schema::timezone::current().strftime(unix, "%b %e %H:%M:%S")
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

/// The state directory is ready: `messages` is written from now on.
pub fn open_messages(dir: &Path) {
    if let Some(log) = DAEMON.get() {
        if let Err(e) = log.open_file(dir, MESSAGES_SIZE, MESSAGES_FILES) {
            tracing::warn!(
                "cannot open the log file {}: {e}",
                dir.join(MESSAGES).display()
            );
        }
    }
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
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let text = fields.message + &fields.rest;
        log.write(now, event.metadata().level(), fields.tag.as_deref(), &text);
    }
}

/// An event's message, its `tag`, and its other fields as ` name=value`.
#[derive(Default)]
pub(crate) struct Fields {
    pub message: String,
    pub tag: Option<String>,
    pub rest: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "tag" {
            self.tag = Some(value.to_string());
        } else {
            self.record_debug(field, &value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.rest, " {}={value:?}", field.name());
        }
    }
}

#[cfg(test)]
mod tests;
