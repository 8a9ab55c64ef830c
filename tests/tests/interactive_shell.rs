//! The shell on a real (pseudo-)terminal: Tab completes, and `?` lists the possible completions
//! without submitting the line. (The `---(more)---` pager needs the terminal's size, which this
//! pseudo-terminal does not report; the pager's keys are unit-tested in cli/src/shell/pager.rs.)

use l2tp_tests::{bin_path, DaemonProcess};
use rexpect::session::spawn_command;
use std::process::Command;

const TIMEOUT_MS: u64 = 10_000;

#[test]
fn tab_and_question_mark_on_a_terminal() -> Result<(), rexpect::error::Error> {
    let daemon = DaemonProcess::start();
    let mut cmd = Command::new(bin_path("cli"));
    cmd.arg("--state-dir")
        .arg(daemon.state_dir())
        .env("TERM", "xterm");
    let mut shell = spawn_command(cmd, Some(TIMEOUT_MS))?;
    shell.exp_string("root@router> ")?;

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
    shell.send("system users\r")?;
    shell.flush()?;
    shell.exp_string("USER")?;
    shell.exp_string("root@router> ")?;

    shell.send("configure\r")?;
    shell.flush()?;
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
    shell.send("annotate system \"why?\"\r")?;
    shell.flush()?;
    shell.exp_string("\"why?\"")?;
    // Nothing to annotate in an empty configuration: the command ran, `?` was its text.
    shell.exp_string("warning: statement not found")?;
    shell.exp_string("[edit]")?;
    shell.send("quit\r")?;
    shell.flush()?;
    shell.exp_string("Exiting configuration mode")?;
    shell.send("exit\r")?;
    shell.flush()?;
    shell.exp_eof()?;
    Ok(())
}
