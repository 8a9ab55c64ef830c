//! Lines typed ahead, sent at once by a terminal without bracketed paste (a serial console,
//! an expect script), or pasted by one with it: each runs in turn, none is lost.

mod pty;

use l2tp_tests::DaemonProcess;
use pty::{shell_on_a_terminal, Result};

#[test]
fn lines_sent_at_once_all_run() -> Result {
    let daemon = DaemonProcess::start();
    let mut shell = shell_on_a_terminal(&daemon)?;
    // One write: the line editor reads them in one go and must keep what follows the
    // first line for the next prompts.
    shell.send(
        "show system uptime\rshow version\rconfigure\rset system host-name typed-ahead\r\
         show | compare\rrollback 0\rexit\r",
    )?;
    shell.flush()?;
    shell.exp_string("Protocols started:")?;
    shell.exp_string("Model: l2tpd")?;
    shell.exp_string("host-name typed-ahead;")?;
    shell.exp_string("load complete")?;
    shell.exp_string("Exiting configuration mode")?;
    shell.send_line("exit")?;
    shell.exp_eof()?;
    Ok(())
}

/// A terminal in bracketed-paste mode wraps a paste in ESC[200~ … ESC[201~ and ends its
/// lines with CR: the line editor returns it as one entry at Enter; each line runs, and a
/// `?` inside is text, not a help request.
#[test]
fn a_bracketed_paste_runs_each_line() -> Result {
    let daemon = DaemonProcess::start();
    let mut shell = shell_on_a_terminal(&daemon)?;
    shell.send_line("configure")?;
    shell.exp_string("root@router# ")?;
    shell.send(
        "\x1b[200~set system host-name pasted\rset system login message \"why?\"\r\x1b[201~\r",
    )?;
    shell.flush()?;
    // The second line is shown after its own prompt, as typed.
    shell.exp_string("root@router# set system login message \"why?\"\r\n")?;
    shell.send_line("show | compare")?;
    shell.exp_string("host-name pasted;")?;
    shell.exp_string("message why?;")?;
    shell.send_line("rollback 0")?;
    shell.exp_string("load complete")?;
    shell.send_line("exit")?;
    shell.exp_string("Exiting configuration mode")?;
    shell.send_line("exit")?;
    shell.exp_eof()?;
    Ok(())
}
