//! The shell on a pseudo-terminal, shared by the tests that type at it (`mod pty;`): each
//! test file is its own crate, and rexpect is a dev-dependency, so this lives beside them
//! rather than in the `l2tp_tests` library.
#![allow(dead_code)] // Each test file uses its own share of these.

use l2tp_tests::{bin_path, DaemonProcess};
use rexpect::session::{spawn_command, PtySession};
use std::process::Command;

pub const TIMEOUT_MS: u64 = 10_000;

pub type Result<T = ()> = std::result::Result<T, rexpect::error::Error>;

/// The shell at its first prompt, connected to `daemon` (host name `router`).
pub fn shell_on_a_terminal(daemon: &DaemonProcess) -> Result<PtySession> {
    shell_named(daemon, "router")
}

/// The shell at its first prompt on the daemon whose host name is `host`.
pub fn shell_named(daemon: &DaemonProcess, host: &str) -> Result<PtySession> {
    greeted(daemon, host).map(|(shell, _)| shell)
}

/// The shell at its first prompt, and what it printed before that prompt.
pub fn greeted(daemon: &DaemonProcess, host: &str) -> Result<(PtySession, String)> {
    let mut cmd = Command::new(bin_path("cli"));
    cmd.arg("--state-dir")
        .arg(daemon.state_dir())
        .env("TERM", "xterm");
    let mut shell = spawn_command(cmd, Some(TIMEOUT_MS))?;
    let before = shell.exp_string(&format!("root@{host}> "))?;
    Ok((shell, before))
}

/// Types `line` and Enter.
pub fn enter(shell: &mut PtySession, line: &str) -> Result {
    shell.send(line)?;
    shell.send("\r")?;
    shell.flush()?;
    Ok(())
}
