//! Configuration history at a real (pseudo-)terminal: `?` after `rollback` lists the
//! revisions (which the line editor's `?` key cannot ask the daemon for itself), and the
//! questions of `delete` and `wildcard delete` are answered at the keyboard.

mod pty;

use l2tp_tests::DaemonProcess;
use pty::{enter, shell_on_a_terminal, Result};

#[test]
fn rollback_question_mark_and_delete_questions_on_a_terminal() -> Result {
    let daemon = DaemonProcess::start();
    let mut shell = shell_on_a_terminal(&daemon)?;
    enter(&mut shell, "configure")?;
    shell.exp_string("[edit]")?;
    enter(&mut shell, "set system host-name pty1")?;
    shell.exp_string("[edit]")?;
    enter(&mut shell, "commit comment \"from the pty\"")?;
    shell.exp_string("commit complete")?;
    shell.exp_string("[edit]")?;

    // `?` lists the revisions without submitting the line.
    shell.send("rollback ?")?;
    shell.flush()?;
    shell.exp_string("Possible completions:")?;
    shell.exp_string("<[Enter]>")?;
    shell.exp_string("by root via cli  from the pty")?;
    shell.exp_string("initial configuration")?;
    shell.exp_string("rescue")?;
    shell.send_control('u')?;

    // `delete` alone asks; yes empties the level.
    enter(&mut shell, "edit system")?;
    shell.exp_string("[edit system]")?;
    enter(&mut shell, "delete")?;
    shell.exp_string("Delete everything under this level? [yes,no] (no)")?;
    enter(&mut shell, "yes")?;
    shell.exp_string("[edit system]")?;
    enter(&mut shell, "top")?;
    shell.exp_string("[edit]")?;
    enter(&mut shell, "show | compare")?;
    shell.exp_string("-      host-name pty1;")?;

    // `wildcard delete` lists what matches, then asks; no keeps them.
    enter(&mut shell, "rollback")?;
    shell.exp_string("load complete")?;
    enter(&mut shell, "wildcard delete system host-name .*")?;
    shell.exp_string("syntax error")?;
    shell.exp_string("root@router# ")?;
    enter(
        &mut shell,
        "set access tunnel-profile t1 tunnel 1 remote-gateway address 198.18.1.1",
    )?;
    // Typed only once the line editor reads again (its raw mode discards what came before).
    shell.exp_string("root@router# ")?;
    enter(&mut shell, "wildcard delete access tunnel-profile t.")?;
    shell.exp_string("  matched: t1")?;
    shell.exp_string("Delete 1 object? [yes,no] (no)")?;
    enter(&mut shell, "no")?;
    shell.exp_string("root@router# ")?;
    enter(&mut shell, "show access | count")?;
    shell.exp_string("Count: 7 lines")?;

    enter(&mut shell, "exit")?;
    shell.exp_string("Exit with uncommitted changes? [yes,no] (yes)")?;
    enter(&mut shell, "yes")?;
    shell.exp_string("Exiting configuration mode")?;
    enter(&mut shell, "exit")?;
    shell.exp_eof()?;
    Ok(())
}
