//! `monitor start messages` on a terminal: the daemon's new log lines appear above the
//! prompt while the shell stays usable, until `monitor stop` or Ctrl-C.

mod pty;

use l2tp_tests::DaemonProcess;
use pty::{shell_on_a_terminal, Result};

/// Another operator's `cli -c`: its login and logout are logged (UI_LOGIN_EVENT).
fn another_login(daemon: &DaemonProcess) {
    let out = daemon.run("show system users");
    assert!(out.status.success());
}

/// Waits until the log holds `count` lines with `text` (the daemon wrote them), so a
/// monitor that would show them has had them to show; bounded.
fn wait_for_log(daemon: &DaemonProcess, text: &str, count: usize) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let log = std::fs::read_to_string(daemon.state_dir().join("messages")).unwrap_or_default();
        if log.matches(text).count() >= count {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{text} x{count} not in messages:\n{log}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Runs a command that prints nothing and waits for the prompt after it. The prompt text
/// also appears in the line editor's redraws while the command is typed, each on the same
/// line; the prompt after the command is the first on a new line.
fn run_silent(shell: &mut rexpect::session::PtySession, command: &str) -> Result {
    shell.send_line(command)?;
    shell.exp_regex(r"\n[^\n]*root@router> ")?;
    Ok(())
}

#[test]
fn monitor_follows_messages_until_stopped() -> Result {
    let daemon = DaemonProcess::start();
    let mut shell = shell_on_a_terminal(&daemon)?;
    run_silent(&mut shell, "monitor start messages")?;

    // A line written after `monitor start` shows, under the file's name.
    another_login(&daemon);
    shell.exp_string("*** messages ***")?;
    shell.exp_string("UI_LOGIN_EVENT: User 'root' login")?;
    // The prompt is still usable meanwhile.
    shell.send_line("show system uptime")?;
    shell.exp_string("Protocols started:")?;
    shell.exp_string("root@router> ")?;

    // `monitor stop`: later lines are not shown. A marker command proves the monitor had a
    // tick (about a second) to show them.
    run_silent(&mut shell, "monitor stop")?;
    let logins = std::fs::read_to_string(daemon.state_dir().join("messages"))
        .unwrap_or_default()
        .matches("UI_LOGOUT_EVENT")
        .count();
    another_login(&daemon);
    wait_for_log(&daemon, "UI_LOGOUT_EVENT", logins + 1);
    std::thread::sleep(std::time::Duration::from_millis(2500));
    shell.send_line("show version")?;
    let before = shell.exp_string("Model: l2tpd")?;
    assert!(!before.contains("UI_LOGIN_EVENT"), "{before}");
    shell.exp_string("root@router> ")?;

    // Ctrl-C at the prompt ends the monitor too: it must reach the line editor, not the
    // running command.
    run_silent(&mut shell, "monitor start messages")?;
    shell.send_control('c')?;
    shell.exp_string("root@router> ")?;
    another_login(&daemon);
    wait_for_log(&daemon, "UI_LOGOUT_EVENT", logins + 2);
    std::thread::sleep(std::time::Duration::from_millis(2500));
    shell.send_line("show version")?;
    let before = shell.exp_string("Model: l2tpd")?;
    assert!(!before.contains("UI_LOGIN_EVENT"), "{before}");
    shell.exp_string("root@router> ")?;
    shell.send_line("exit")?;
    shell.exp_eof()?;
    Ok(())
}

/// `system syslog user *`: the events it selects appear on an operator's terminal as
/// syslogd's messages to logged-in users, above the prompt.
#[test]
fn syslog_user_messages_reach_the_terminal() -> Result {
    let daemon = DaemonProcess::start();
    daemon.commit("set system syslog user * interactive-commands notice\n");
    let mut shell = shell_on_a_terminal(&daemon)?;
    shell.send_line("show version")?;
    shell.exp_string("Model: l2tpd")?;
    shell.exp_string("root@router> ")?;
    // Another operator's commit (a script: its own session shows nothing).
    daemon.commit("set system login message hello\n");
    shell.exp_string("Message from syslogd@router at ")?;
    shell.exp_string("router l2tpd[")?;
    shell.exp_string("UI_COMMIT_COMPLETED: commit complete")?;
    shell.send_line("show system uptime")?;
    shell.exp_string("Protocols started:")?;
    shell.exp_string("root@router> ")?;
    shell.send_line("exit")?;
    shell.exp_eof()?;
    Ok(())
}
