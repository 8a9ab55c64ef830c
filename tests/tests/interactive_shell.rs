//! The shell on a real (pseudo-)terminal: Tab completes, and `?` lists the possible completions
//! without submitting the line. (Space completion, value completion and the pager's keys are
//! in shell_habits_pty.rs.)

mod pty;

use l2tp_tests::DaemonProcess;
use pty::{enter, shell_on_a_terminal, Result};
use rexpect::session::PtySession;

/// Leaves the shell from configuration mode with nothing to discard.
fn quit_and_exit(shell: &mut PtySession) -> Result {
    enter(shell, "quit")?;
    shell.exp_string("Exiting configuration mode")?;
    enter(shell, "exit")?;
    shell.exp_eof()?;
    Ok(())
}

#[test]
fn tab_and_question_mark_on_a_terminal() -> Result {
    let daemon = DaemonProcess::start();
    let mut shell = shell_on_a_terminal(&daemon)?;

    // Tab completes the unique abbreviation `sh`; the terminal shows the redraw in escape
    // sequences, so the proof is what `?` lists next: the words that may follow `show`.
    shell.send("sh\t")?;
    shell.flush()?;
    shell.send("?")?;
    shell.flush()?;
    shell.exp_string("Possible completions:")?;
    shell.exp_string("configuration")?;
    shell.exp_string("system")?;
    // The line was not submitted: finishing it runs `show system users`.
    enter(&mut shell, "system users")?;
    shell.exp_string("USER")?;
    shell.exp_string("root@router> ")?;

    enter(&mut shell, "configure")?;
    shell.exp_string("[edit]")?;
    // `tun` is ambiguous: Tab completes the common part, `?` lists the three statements.
    shell.send("set services l2tp tun\t")?;
    shell.flush()?;
    shell.send("?")?;
    shell.flush()?;
    shell.exp_string("tunnel-group")?;
    shell.exp_string("tunnel-switch-profile")?;
    // A `?` inside quotes is an ordinary character, not help.
    shell.send_control('u')?;
    enter(&mut shell, "annotate system \"why?\"")?;
    shell.exp_string("\"why?\"")?;
    // Nothing to annotate in an empty configuration: the command ran, `?` was its text.
    shell.exp_string("warning: statement not found")?;
    shell.exp_string("[edit]")?;
    quit_and_exit(&mut shell)
}

/// The line editor turns bracketed paste on when it starts reading a line (its prompt for
/// `load terminal` input is empty, so this is what shows that it reads).
const LINE_EDITOR_READY: &str = "\u{1b}[?2004h";

/// Junos loads what was typed after `load ... terminal` on ^D only; Ctrl-C abandons it.
/// (The shell used to take Ctrl-C for ^D and load the half-typed text.)
#[test]
fn control_c_during_load_terminal_loads_nothing() -> Result {
    /// Sends one line once the next line is being read: the line editor drops keys that
    /// arrive in the same read as the line before them.
    fn type_line(shell: &mut PtySession, line: &str) -> Result {
        enter(shell, line)?;
        shell.exp_string(LINE_EDITOR_READY)?;
        Ok(())
    }

    let daemon = DaemonProcess::start();
    let mut shell = shell_on_a_terminal(&daemon)?;
    enter(&mut shell, "configure")?;
    shell.exp_string("root@router# ")?;
    enter(&mut shell, "load merge terminal")?;
    shell.exp_string("[Type ^D at a new line to end input]")?;
    shell.exp_string(LINE_EDITOR_READY)?;
    for line in ["system {", "    host-name pasted;", "}"] {
        type_line(&mut shell, line)?;
    }
    shell.send_control('c')?;
    shell.flush()?;
    shell.exp_string("error: load interrupted: nothing loaded")?;
    shell.exp_string("root@router# ")?;
    // The candidate is unchanged.
    enter(&mut shell, "show | compare | count")?;
    shell.exp_string("Count: 0 lines")?;
    shell.exp_string("root@router# ")?;
    // ^D still loads.
    enter(&mut shell, "load merge terminal")?;
    shell.exp_string("[Type ^D at a new line to end input]")?;
    shell.exp_string(LINE_EDITOR_READY)?;
    type_line(&mut shell, "system { host-name typed; }")?;
    shell.send_control('d')?;
    shell.flush()?;
    shell.exp_string("load complete")?;
    shell.exp_string("root@router# ")?;
    enter(&mut shell, "show system host-name")?;
    shell.exp_string("host-name typed;")?;
    enter(&mut shell, "rollback")?;
    shell.exp_string("load complete")?;
    quit_and_exit(&mut shell)
}

/// `system login message` greets an operator at a terminal, its `\n` a new line, and the
/// `announcement` follows it.
#[test]
fn the_login_message_greets_a_terminal_session() -> Result {
    let daemon = DaemonProcess::start();
    daemon.commit(
        "set system login message \"Authorized use only.\\nSessions are logged.\"\n\
         set system login announcement \"Maintenance on Sundays.\"\n",
    );
    let (mut shell, before) = pty::greeted(&daemon, "router")?;
    assert!(
        before.contains("Authorized use only.\r\nSessions are logged.\r\nMaintenance on Sundays."),
        "the message, then the announcement: {before:?}"
    );
    enter(&mut shell, "exit")?;
    shell.exp_eof()?;
    Ok(())
}
