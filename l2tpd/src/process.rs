//! The daemon as a process of its own: its logs (stderr, the system log `messages` and
//! syslog, the trace files `traceoptions` configures), a runtime, and a stop on SIGTERM or
//! SIGINT. `l2tpd`'s `main` runs through here, and so does each router of `l2tp-lab`: the
//! system log, the trace files and the time zone are the process's, so two routers in one
//! process would share them (and the lab's `show log messages` would find no file).

use crate::daemon::{self, DaemonOptions};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tracing_subscriber::prelude::*;

/// How the process around the daemon is set up.
pub struct ProcessOptions<'a> {
    /// Syslog's datagram socket, or `None` for no syslog (`messages` is written either way).
    pub syslog_socket: Option<&'a Path>,
    /// The filter of the log on stderr (tracing env-filter syntax).
    pub stderr_filter: &'a str,
    /// Stop when the process that started this one ends (the lab's routers must not
    /// outlive the lab, even one killed without a chance to stop them).
    pub stop_with_parent: bool,
}

/// Installs the logs, then runs the daemon until SIGTERM or SIGINT (or the parent's end).
/// Call once per process, from its main thread. Errors are operator-facing sentences.
pub fn run(opts: DaemonOptions, process: ProcessOptions) -> Result<(), String> {
    let [trace, pppoe_trace] = crate::trace::install(&opts.state_dir);
    tracing_subscriber::registry()
        .with(trace.layer())
        .with(pppoe_trace.layer())
        .with(crate::log::install(process.syslog_socket))
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::stderr().is_terminal())
                .with_filter(tracing_subscriber::EnvFilter::new(process.stderr_filter)),
        )
        .init();
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| format!("cannot start the runtime: {e}"))?;
    let parent = process.stop_with_parent.then(nix::unistd::getppid);
    runtime.block_on(daemon::run(opts, async move {
        tokio::select! {
            _ = shutdown_signal() => {}
            _ = parent_gone(parent) => {}
        }
    }))
}

/// [`run`] for a program's `main`: the error, if any, said on stderr as `l2tpd: …`.
pub fn run_to_exit(opts: DaemonOptions, process: ProcessOptions) -> std::process::ExitCode {
    match run(opts, process) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("l2tpd: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `NAME=PATH` of `--access-link` and `--service-link`.
pub fn parse_link(text: &str) -> Result<(String, PathBuf), String> {
    match text.split_once('=') {
        Some((name, path)) if !name.is_empty() && !path.is_empty() => {
            Ok((name.to_string(), PathBuf::from(path)))
        }
        _ => Err(format!("expected NAME=PATH, got '{text}'")),
    }
}

async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        std::future::pending::<()>().await;
        return;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
}

/// Resolves once this process's parent is no longer `parent` (it ended and the process was
/// handed to another); never without one to watch. Polled: Linux's PR_SET_PDEATHSIG would
/// need `unsafe` here, and a second's delay in stopping a lab is no loss.
async fn parent_gone(parent: Option<nix::unistd::Pid>) {
    let Some(parent) = parent else {
        return std::future::pending().await;
    };
    let mut every = tokio::time::interval(Duration::from_millis(500));
    loop {
        every.tick().await;
        if nix::unistd::getppid() != parent {
            return;
        }
    }
}
