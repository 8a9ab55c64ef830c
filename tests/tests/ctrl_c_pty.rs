//! Ctrl-C during a command at a terminal: a show or a test stops and the prompt comes back,
//! as on Junos; the session goes on. (Scripts keep SIGINT's default: it ends them.)

mod pty;

use l2tp_tests::DaemonProcess;
use pty::{shell_on_a_terminal, Result};

/// A test call towards an LNS that never answers: the LAC retransmits its SCCRQ for tens of
/// seconds before it gives up, far longer than the test waits for the prompt.
const SILENT_LNS: &str = "set access tunnel-profile silent tunnel 1 remote-gateway address 127.0.62.2\n\
                          set access tunnel-profile silent tunnel 1 source-gateway address 127.0.62.1\n";

#[test]
fn ctrl_c_stops_a_test_call_and_keeps_the_session() -> Result {
    let daemon = DaemonProcess::start();
    daemon.commit(SILENT_LNS);
    let mut shell = shell_on_a_terminal(&daemon)?;
    shell.send_line("test services l2tp tunnel user u password p tunnel-name silent")?;
    // The command is running (the line editor has handed the line over) when Enter's
    // newline comes back; Ctrl-C then reaches the shell as SIGINT.
    shell.exp_string("silent")?;
    shell.exp_string("\n")?;
    std::thread::sleep(std::time::Duration::from_millis(500));
    shell.send_control('c')?;
    shell.exp_regex(r"\n[^\n]*root@router> ")?;
    // Still connected: the next command answers, and not with the test call's late reply.
    // (It answers once the daemon has finished the test call: the daemon takes one
    // connection's requests in order, and a test call is not cancelled by the shell.)
    shell.send_line("show version")?;
    let before = shell.exp_string("Model: l2tpd")?;
    assert!(!before.contains("Tunnel"), "{before}");
    shell.exp_string("root@router> ")?;
    shell.send_line("exit")?;
    shell.exp_eof()?;
    Ok(())
}
