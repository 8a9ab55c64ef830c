//! One of the lab's routers as a process of its own. The lab's program starts itself again
//! with [`ROUTER_FLAG`], and [`serve_if_asked`], called first in its `main`, runs the daemon
//! there: `l2tp-lab` needs no `l2tpd` built beside it, and each router has the process-wide
//! parts a router has (its system log `messages`, its trace files, its time zone).

use std::fs::File;
use std::os::unix::fs::DirBuilderExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// `PROGRAM --lab-router STATE_DIR [--access-link NAME=PATH]... [--service-link NAME=PATH]...`
const ROUTER_FLAG: &str = "--lab-router";

/// When this process was started as one of the lab's routers, runs it until it is stopped
/// (or the lab ends) and returns the exit code; otherwise `None`, and the caller goes on.
pub fn serve_if_asked() -> Option<ExitCode> {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() != Some(ROUTER_FLAG) {
        return None;
    }
    Some(match router_options(args) {
        Ok(opts) => serve(opts),
        Err(e) => {
            eprintln!("lab router: {e}");
            ExitCode::FAILURE
        }
    })
}

fn router_options(
    mut args: impl Iterator<Item = String>,
) -> Result<l2tpd::daemon::DaemonOptions, String> {
    let state_dir = args.next().ok_or("no state directory")?;
    let mut opts = l2tpd::daemon::DaemonOptions {
        state_dir: PathBuf::from(state_dir),
        default_host_name: None,
        release_memory: None,
        random_seed: None,
        group: None,
        access_links: Vec::new(),
        service_links: Vec::new(),
    };
    while let Some(flag) = args.next() {
        let link = l2tpd::process::parse_link(&args.next().unwrap_or_default())?;
        match flag.as_str() {
            "--access-link" => opts.access_links.push(link),
            "--service-link" => opts.service_links.push(link),
            _ => return Err(format!("unknown argument '{flag}'")),
        }
    }
    Ok(opts)
}

fn serve(opts: l2tpd::daemon::DaemonOptions) -> ExitCode {
    let process = l2tpd::process::ProcessOptions {
        // The lab keeps to its own directory: nothing goes to the host's syslog.
        syslog_socket: None,
        stderr_filter: "info",
        stop_with_parent: true,
    };
    l2tpd::process::run_to_exit(opts, process)
}

/// A router process the lab started; [`RouterProcess::stop`] ends it.
pub struct RouterProcess {
    child: Child,
    /// Where the router's stderr goes: beside its state directory (`lac.stderr`), not in it,
    /// where `show log` would list it.
    stderr: PathBuf,
}

impl RouterProcess {
    pub fn spawn(
        exe: &Path,
        state_dir: &Path,
        access_links: &[(String, PathBuf)],
        service_links: &[(String, PathBuf)],
    ) -> Result<RouterProcess, String> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(state_dir)
            .map_err(|e| format!("{}: {e}", state_dir.display()))?;
        let stderr = state_dir.with_extension("stderr");
        let file = File::create(&stderr).map_err(|e| format!("{}: {e}", stderr.display()))?;
        let mut command = Command::new(exe);
        command.arg(ROUTER_FLAG).arg(state_dir);
        for (flag, links) in [
            ("--access-link", access_links),
            ("--service-link", service_links),
        ] {
            for (name, path) in links {
                command.arg(flag).arg(format!("{name}={}", path.display()));
            }
        }
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(file)
            // A group of its own: Ctrl-C at the lab's shell must not stop the routers.
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
        Ok(RouterProcess { child, stderr })
    }

    /// Why the router ended, if it has: its exit status and the end of its stderr.
    pub fn stopped_error(&mut self) -> Option<String> {
        let status = self.child.try_wait().ok()??;
        let text = std::fs::read_to_string(&self.stderr).unwrap_or_default();
        let last: Vec<&str> = text.lines().rev().take(5).collect();
        let said: Vec<&str> = last.into_iter().rev().collect();
        Some(format!("the router ended ({status}): {}", said.join(" / ")))
    }

    /// SIGTERM, as `l2tpd` is stopped; killed if it has not ended within 10 s.
    pub fn stop(mut self) {
        use nix::sys::signal::{kill, Signal};
        use nix::unistd::Pid;
        if let Ok(pid) = i32::try_from(self.child.id()) {
            let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
