//! Honest exit codes: a shell whose daemon goes away exits non-zero, saying so; a user the
//! socket's permissions keep out is told that, not "is l2tpd running?".

use l2tp_tests::{bin_path, output_text, running_as_root, DaemonProcess};
use rexpect::session::spawn_command;
use std::os::unix::process::CommandExt;
use std::process::Command;

const TIMEOUT_MS: u64 = 10_000;
const NOBODY: u32 = 65534;

type Result<T = ()> = std::result::Result<T, rexpect::error::Error>;

/// The interactive shell (on a pseudo-terminal) after `exit` exits 0; after its daemon was
/// killed, the next command reports the lost connection and the shell exits 1.
#[test]
fn a_lost_daemon_ends_the_interactive_shell_with_failure() -> Result {
    let mut daemon = DaemonProcess::start();
    // The pty hides the child's status: a shell around it prints it.
    let script = format!(
        "'{}' --state-dir '{}'; echo \"cli exit status $?\"",
        bin_path("cli").display(),
        daemon.state_dir().display()
    );
    let run = |script: &str| {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(script).env("TERM", "xterm");
        spawn_command(cmd, Some(TIMEOUT_MS))
    };

    let mut shell = run(&script)?;
    shell.exp_string("root@router> ")?;
    shell.send_line("show system users")?;
    shell.exp_string("USER")?;
    shell.exp_string("root@router> ")?;
    shell.send_line("exit")?;
    shell.exp_string("cli exit status 0")?;

    let mut shell = run(&script)?;
    shell.exp_string("root@router> ")?;
    daemon.kill9();
    shell.send_line("show system users")?;
    shell.exp_string("error: connection to l2tpd lost")?;
    shell.exp_string("cli exit status 1")?;
    Ok(())
}

/// `cli -c` of a user outside the socket's group: permission denied, naming the socket and
/// the group, and exit status 1; without `--group` only the daemon's user may reach it.
#[test]
fn permission_denied_names_the_socket_and_its_group() {
    if !running_as_root("cli_exit_status", "to run the shell as another user") {
        return;
    }
    let as_nobody = |daemon: &DaemonProcess| {
        Command::new(bin_path("cli"))
            .arg("--socket")
            .arg(daemon.socket())
            .arg("-c")
            .arg("show system users")
            .uid(NOBODY)
            .gid(NOBODY)
            .output()
            .expect("run cli as nobody")
    };
    let daemon = DaemonProcess::start_with_args("router", &["--group", "daemon"]);
    let out = as_nobody(&daemon);
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "error: permission denied: user 'nobody' may not open l2tpd's management socket {}; \
             access needs membership in group 'daemon'",
            daemon.socket().display()
        )),
        "{text}"
    );
    assert!(!text.contains("is l2tpd running"), "{text}");

    let daemon = DaemonProcess::start();
    let out = as_nobody(&daemon);
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("only user 'root' may reach it"), "{text}");
}
