//! Lines typed ahead, or sent at once by a terminal without bracketed paste (a serial
//! console, an expect script), each run in turn: none is lost while another runs.

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
