//! `[edit services l2tp traceoptions]`: the daemon's trace file, as Junos' l2tpd keeps one.
//!
//! - `file NAME` is created in the state directory (Junos: in /var/log), `l2tpd` when no name
//!   is given; `size` and `files` rotate it (`rotating`); `world-readable` makes it 0644
//!   instead of 0600.
//! - `flag` chooses what is traced, by the part of the daemon that speaks (`Category`);
//!   `level` how much of it: error < warning < notice = info < verbose < all. Errors of any
//!   part are always written once traceoptions is configured, as a Junos trace file shows
//!   errors without a flag.
//! - `filter protocol`: every trace of this daemon is L2TP's (PPP and RADIUS are not built
//!   yet), so `l2tp` keeps them all and `ppp` or `radius` leaves only the errors.
//! - Without `traceoptions` nothing is written. A commit applies the new settings at once.
//! - `[edit protocols pppoe traceoptions]` is a second trace of the same kind: its own file
//!   (`pppoed` unless named), with only what the PPPoE parts of the daemon (discovery, the
//!   access units, their sessions) trace, under Junos' PPPoE flags (`protocol` for discovery
//!   frames, `session-db` for sessions, `events` otherwise).
//!
//! The trace is a `tracing` layer beside the daemon's stderr log: the code traces with the
//! ordinary `tracing` macros, and this layer picks what the configuration asks for.

mod rotating;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use schema::typed::{TraceLevel, TraceOptions};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::layer::{Context, Layer};

pub use rotating::RotatingFile;

/// Target of the per-message traces (every control message received and sent): the
/// `message` flag.
pub const MESSAGE: &str = "l2tpd::message";

/// Target of the PPPoE trace points (discovery frames, sessions): the PPPoE trace's own.
pub const PPPOE: &str = "l2tpd::pppoe";

/// Which trace a handle writes: l2tpd's (`services l2tp traceoptions`), which takes every
/// part of the daemon but PPPoE's trace points, or PPPoE's (`protocols pppoe traceoptions`),
/// which takes those only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Domain {
    #[default]
    L2tp,
    Pppoe,
}

impl Domain {
    /// Junos' default trace file names: `l2tpd`, `pppoed`.
    fn default_file_name(self) -> &'static str {
        match self {
            Domain::L2tp => "l2tpd",
            Domain::Pppoe => "pppoed",
        }
    }

    /// The `flag` an event of `target` belongs to in this trace; `None`: not this trace's.
    fn category(self, target: &str) -> Option<&'static str> {
        match self {
            // PPPoE's trace points have a trace of their own.
            Domain::L2tp => (!target.starts_with(PPPOE)).then(|| category(target)),
            Domain::Pppoe => {
                let pppoe = target.strip_prefix(PPPOE)?;
                Some(match pppoe {
                    "::protocol" => "protocol",
                    "::session" => "session-db",
                    _ => "events",
                })
            }
        }
    }
}

/// The `flag` a trace event belongs to, from the module that emitted it.
fn category(target: &str) -> &'static str {
    const BY_PREFIX: &[(&str, &str)] = &[
        (MESSAGE, "message"),
        ("l2tpd::registry", "session-db"),
        ("l2tpd::l2tp", "protocol"),
        ("l2tpd::mgmt::server", "ipc"),
        ("l2tpd::mgmt", "configuration"),
        // The engine loop is where timers fire.
        ("l2tpd::engine::task", "timer"),
    ];
    BY_PREFIX
        .iter()
        .find(|(prefix, _)| target.starts_with(prefix))
        .map_or("events", |(_, flag)| flag)
}

/// `level` as the most verbose `tracing` level written, ranked 1 (error) to 5 (trace).
fn rank_of_trace_level(level: TraceLevel) -> u8 {
    match level {
        TraceLevel::Error => 1,
        TraceLevel::Warning => 2,
        TraceLevel::Notice | TraceLevel::Info => 3,
        TraceLevel::Verbose => 4,
        TraceLevel::All => 5,
    }
}

fn rank(level: &Level) -> u8 {
    match *level {
        Level::ERROR => 1,
        Level::WARN => 2,
        Level::INFO => 3,
        Level::DEBUG => 4,
        Level::TRACE => 5,
    }
}

#[derive(Debug)]
struct Tracer {
    domain: Domain,
    file: RotatingFile,
    /// Most verbose rank written for the flagged parts.
    rank: u8,
    flags: BTreeSet<String>,
    /// `filter protocol` lets L2TP's traces through (absent, or `l2tp`).
    l2tp: bool,
    /// `file NAME match "RE"`: only lines the expression finds something in are written.
    matches: Option<regex::Regex>,
}

impl Tracer {
    fn wants(&self, target: &str, level: &Level) -> bool {
        let Some(category) = self.domain.category(target) else {
            return false;
        };
        let rank = rank(level);
        if rank == 1 {
            return true;
        }
        let flagged = self.flags.contains("all") || self.flags.contains(category);
        flagged && self.l2tp && rank <= self.rank
    }
}

/// The trace settings in force, shared by the layer and whoever applies a commit.
#[derive(Debug, Clone, Default)]
pub struct TraceHandle {
    domain: Domain,
    tracer: Arc<Mutex<Option<Tracer>>>,
    /// The most verbose rank anything is written at (0: tracing off): the cheap first test
    /// every event passes through.
    max_rank: Arc<AtomicU8>,
}

impl TraceHandle {
    /// A handle for `domain`'s trace, configured by nothing yet.
    pub fn new(domain: Domain) -> Self {
        TraceHandle {
            domain,
            ..Default::default()
        }
    }

    /// Applies `options` with the trace file in `dir`; `None` stops tracing.
    pub fn configure(&self, dir: &Path, options: Option<&TraceOptions>) -> Result<(), String> {
        let Some(options) = options else {
            self.max_rank.store(0, Ordering::Relaxed);
            *self.lock() = None;
            return Ok(());
        };
        let name = options
            .file
            .filename
            .as_deref()
            .unwrap_or(self.domain.default_file_name());
        let path = dir.join(name);
        let mut current = self.lock();
        // Opened afresh each commit, so a changed size, files or world-readable applies;
        // appending keeps what the file already holds.
        let file = RotatingFile::open(
            &path,
            options.file.size,
            options.file.files,
            options.file.world_readable,
        )
        .map_err(|e| format!("cannot open the trace file {}: {e}", path.display()))?;
        // The commit checked the expression; one that fails here is reported, never ignored.
        let matches = options
            .file
            .matches
            .as_deref()
            .map(schema::typed::syslog_regex)
            .transpose()?;
        let tracer = Tracer {
            domain: self.domain,
            file,
            rank: rank_of_trace_level(options.level),
            flags: options.flags.iter().cloned().collect(),
            l2tp: options.filter_protocols.is_empty()
                || options.filter_protocols.iter().any(|p| p == "l2tp"),
            matches,
        };
        let max = if tracer.flags.is_empty() || !tracer.l2tp {
            1
        } else {
            tracer.rank
        };
        *current = Some(tracer);
        self.max_rank.store(max, Ordering::Relaxed);
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Tracer>> {
        // A panic while writing a trace line leaves nothing half-updated that matters.
        self.tracer.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn may_want(&self, level: &Level) -> bool {
        rank(level) <= self.max_rank.load(Ordering::Relaxed)
    }

    /// The layer that writes what this handle's settings ask for.
    pub fn layer<S>(&self) -> impl Layer<S> + Send + Sync
    where
        S: Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    {
        let handle = self.clone();
        TraceLayer {
            handle: self.clone(),
        }
        .with_filter(filter_fn(move |meta| handle.may_want(meta.level())))
    }
}

/// Writes the events the configuration asks for to the trace file.
pub struct TraceLayer {
    handle: TraceHandle,
}

impl<S: Subscriber> Layer<S> for TraceLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let meta = event.metadata();
        let mut tracer = self.handle.lock();
        let Some(tracer) = tracer
            .as_mut()
            .filter(|t| t.wants(meta.target(), meta.level()))
        else {
            return;
        };
        let mut line = crate::log::Fields::default();
        event.record(&mut line);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        // A system-log event's tag leads its text, as in `messages`.
        let tag = line.tag.map(|t| t + ": ").unwrap_or_default();
        let text = format!(
            "{} {} {}: {tag}{}{}",
            crate::mgmt::state::format_time(now),
            meta.level(),
            tracer.domain.category(meta.target()).unwrap_or_default(),
            line.message,
            line.rest
        );
        if tracer
            .matches
            .as_ref()
            .is_some_and(|re| !re.is_match(&text))
        {
            return;
        }
        // Nowhere to report a failed trace write but the trace itself.
        let _ = tracer.file.write_line(&text);
    }
}

/// The daemon's traces: the state directory the files go in, l2tpd's handle and PPPoE's.
static DAEMON: OnceLock<(PathBuf, [TraceHandle; 2])> = OnceLock::new();

/// Sets up the daemon's traces in `state_dir` and returns their handles (l2tpd's, PPPoE's),
/// whose layers go beside the stderr log. Called once, by `main`.
pub fn install(state_dir: &Path) -> [TraceHandle; 2] {
    DAEMON
        .get_or_init(|| {
            let handles = [
                TraceHandle::new(Domain::L2tp),
                TraceHandle::new(Domain::Pppoe),
            ];
            (state_dir.to_path_buf(), handles)
        })
        .1
        .clone()
}

/// A commit: the daemon's trace of `domain` follows `options`. A no-op where no trace was
/// installed (tests that run the engine without `main`).
pub fn apply(domain: Domain, options: Option<&TraceOptions>) -> Result<(), String> {
    match DAEMON.get() {
        Some((dir, handles)) => handles[domain as usize].configure(dir, options),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
