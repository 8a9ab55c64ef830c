//! Idle sessions closed as Junos closes them: `system login class NAME idle-timeout MINUTES`
//! (the shell warns above its prompt, then closes; the daemon closes the management session
//! of any client of the class) and `set cli idle-timeout MINUTES` (the shell's own limit).
//! A minute lasts `L2TP_TEST_MINUTE_MS` milliseconds here, a knob that debug builds of the
//! shell and the daemon read (schema::idle::minute); the daemon gets it through `env`.
//! The class tests run the shell as nobody (root is always super-user), so they need root;
//! outside CI they skip when not root.

mod pty;

use l2tp_tests::{bin_path, output_text, running_as_root, DaemonProcess};
use rexpect::session::spawn_command;
use schema::idle::TEST_MINUTE_ENV;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Duration;

const NOBODY: u32 = 65534;
/// A minute of the tests: long enough for a loaded machine to show the prompt and type.
const MINUTE_MS: &str = "1000";

/// A daemon whose minute is short, with nobody in a class that closes idle sessions after
/// two (short) minutes.
fn daemon_with_a_short_idle_class() -> DaemonProcess {
    let env_setting = format!("{TEST_MINUTE_ENV}={MINUTE_MS}");
    let daemon = DaemonProcess::start_wrapped(&["env", &env_setting], &[]);
    let out = daemon.cli(
        &[],
        "configure\n\
         set system login class brief idle-timeout 2\n\
         set system login class brief permissions view\n\
         set system login user nobody class brief\n\
         commit\n",
    );
    assert!(out.status.success(), "{}", output_text(&out));
    // Let nobody reach the socket, as a group-readable install would. Only now: the daemon
    // sets the socket's mode once it is bound, and it surely has once it answered a shell.
    std::fs::set_permissions(daemon.state_dir(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(daemon.socket(), std::fs::Permissions::from_mode(0o666)).unwrap();
    daemon
}

#[test]
fn an_idle_shell_of_the_class_is_warned_then_closed() -> pty::Result {
    if !running_as_root("idle_timeout_pty", "to run the shell as another user") {
        return Ok(());
    }
    let daemon = daemon_with_a_short_idle_class();
    let mut shell = nobodys_shell(&daemon)?;
    // Activity starts the clock again: a command, then idleness.
    pty::enter(&mut shell, "show cli")?;
    shell.exp_string("CLI idle-timeout set to 2 minutes")?;
    shell.exp_string("nobody@router> ")?;
    shell.exp_string("Warning: session will be closed in 1 minute if there is no activity")?;
    warned_for_ten_seconds_then_closed(shell)
}

/// Away from the prompt (here at the pager's `---(more)---`) the shell's own clock stops, but
/// the daemon's does not: when the daemon closes the session the shell says so and ends.
#[test]
fn a_shell_left_at_the_pager_is_closed_by_the_daemon() -> pty::Result {
    if !running_as_root("idle_timeout_pty", "to run the shell as another user") {
        return Ok(());
    }
    let daemon = daemon_with_a_short_idle_class();
    let mut shell = nobodys_shell(&daemon)?;
    pty::enter(&mut shell, "set cli screen-length 3")?;
    shell.exp_string("Screen length set to 3")?;
    pty::enter(&mut shell, "show cli")?;
    shell.exp_string("---(more")?;
    shell.exp_string("Idle timeout exceeded: closing session")?;
    shell.exp_eof()?;
    Ok(())
}

/// Nobody's shell, its minute short, at its first prompt.
fn nobodys_shell(daemon: &DaemonProcess) -> pty::Result<rexpect::session::PtySession> {
    let mut cmd = shell_with_short_minutes(daemon);
    cmd.uid(NOBODY).gid(NOBODY);
    let mut shell = spawn_command(cmd, Some(pty::TIMEOUT_MS))?;
    shell.exp_string("nobody@router> ")?;
    Ok(shell)
}

/// The shell, its minute short, on `daemon`'s socket.
fn shell_with_short_minutes(daemon: &DaemonProcess) -> Command {
    let mut cmd = Command::new(bin_path("cli"));
    cmd.arg("--socket")
        .arg(daemon.socket())
        .env("TERM", "xterm")
        .env(TEST_MINUTE_ENV, MINUTE_MS);
    cmd
}

/// The last warning, the close, and the shell gone.
fn warned_for_ten_seconds_then_closed(mut shell: rexpect::session::PtySession) -> pty::Result {
    shell.exp_string("Warning: session will be closed in 10 seconds if there is no activity")?;
    shell.exp_string("Idle timeout exceeded: closing session")?;
    shell.exp_eof()?;
    Ok(())
}

/// A client that is not the interactive shell (here a script waiting on its input) cannot
/// hold a session of the class: the daemon closes it, and the script's next command finds
/// the connection gone.
#[test]
fn the_daemon_closes_an_idle_session_of_any_client() {
    if !running_as_root("idle_timeout_pty", "to run the shell as another user") {
        return;
    }
    let daemon = daemon_with_a_short_idle_class();
    let mut child = Command::new(bin_path("cli"))
        .arg("--socket")
        .arg(daemon.socket())
        .uid(NOBODY)
        .gid(NOBODY)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run cli as nobody");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"show cli\n").expect("write");
    stdin.flush().expect("flush");
    // Two minutes and the daemon's grace of ten seconds, with room to spare.
    std::thread::sleep(Duration::from_millis(3_000));
    // The pipe may already be closed if the shell noticed; either way it must not go on.
    let _ = stdin.write_all(b"show system users\n");
    drop(stdin);
    let out = child.wait_with_output().expect("cli output");
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("Idle timeout exceeded: closing session"),
        "{text}"
    );
    assert!(
        !text.contains("nobody  "),
        "the users list must not come: {text}"
    );
}

/// `set cli idle-timeout`: the shell's own limit, for any user.
#[test]
fn set_cli_idle_timeout_closes_this_shell() -> pty::Result {
    let daemon = DaemonProcess::start();
    let mut shell = spawn_command(shell_with_short_minutes(&daemon), Some(pty::TIMEOUT_MS))?;
    shell.exp_string("root@router> ")?;
    pty::enter(&mut shell, "set cli idle-timeout 1")?;
    shell.exp_string("Idle timeout set to 1 minute")?;
    warned_for_ten_seconds_then_closed(shell)
}
