//! Shell habits on a real pseudo-terminal: Space completes a word, `?` lists completions in
//! Junos' layout, and the `---(more NN%)---` pager answers Junos' keys. (The pseudo-terminal
//! reports no size, so the pager fills `set cli screen-length` rows.)

mod pty;

use l2tp_tests::DaemonProcess;
use pty::{shell_named, shell_on_a_terminal, Result};
use rexpect::session::PtySession;

/// Types `keys` as they are, without Enter.
fn type_keys(shell: &mut PtySession, keys: &str) -> Result {
    shell.send(keys)?;
    shell.flush()?;
    Ok(())
}

/// The line editor turns bracketed paste on when it starts reading a line: the next keys
/// typed are read (it drops keys that arrive in the same read as the line before them, and
/// the prompt alone is no proof: the editor redraws it with every key).
const LINE_EDITOR_READY: &str = "\u{1b}[?2004h";

/// Types `line` and Enter, waits for `output` and then for the next line to be read.
fn run(shell: &mut PtySession, line: &str, output: &str) -> Result {
    type_keys(shell, &format!("{line}\r"))?;
    shell.exp_string(output)?;
    shell.exp_string(LINE_EDITOR_READY)?;
    Ok(())
}

#[test]
fn space_completes_and_question_mark_lists_in_columns() -> Result {
    let daemon = DaemonProcess::start();
    let mut shell = shell_on_a_terminal(&daemon)?;

    // `sh` + Space became `show `: `?` echoes the line as it now reads.
    type_keys(&mut shell, "sh ")?;
    type_keys(&mut shell, "?")?;
    shell.exp_string("root@router> show ?")?;
    shell.exp_string("Possible completions:")?;
    // Name column, description column, alphabetical.
    shell.exp_string("  cli                  Show command-line interface settings")?;
    shell.exp_string("  configuration        Show current configuration")?;
    shell.exp_string("  system               Show system information")?;
    // Space after each abbreviation: `show system users`.
    type_keys(&mut shell, "sys us ")?;
    type_keys(&mut shell, "?")?;
    shell.exp_string("root@router> show system users ?")?;
    shell.exp_string("  <[Enter]>            Execute this command")?;
    shell.exp_string("  |                    Pipe through a command")?;
    type_keys(&mut shell, "\r")?;
    shell.exp_string("USER")?;
    shell.exp_string(LINE_EDITOR_READY)?;

    // An ambiguous word: Space says so, lists the candidates and leaves the line alone.
    type_keys(&mut shell, "s ")?;
    shell.exp_string("'s' is ambiguous.")?;
    shell.exp_string("  set                  Set CLI properties")?;
    shell.exp_string("  show                 Show system information")?;
    type_keys(&mut shell, "how cli\r")?;
    shell.exp_string("CLI complete-on-space set to on")?;
    shell.exp_string("CLI terminal is 'xterm'")?;
    shell.exp_string(LINE_EDITOR_READY)?;

    // With complete-on-space off, Space is a space: `?` then sees `sh` as typed.
    run(
        &mut shell,
        "set cli complete-on-space off",
        "Disabling complete-on-space",
    )?;
    type_keys(&mut shell, "sh ?")?;
    shell.exp_string("root@router> sh ?")?;
    shell.send_control('u')?;
    run(
        &mut shell,
        "set cli complete-on-space on",
        "Enabling complete-on-space",
    )?;

    // Two `?` typed at once (before the first list is shown) both show, and the shell
    // still reads keys (it once waited forever here).
    type_keys(&mut shell, "show system ??")?;
    shell.exp_string("root@router> show system ?")?;
    shell.exp_string("root@router> show system ?")?;
    shell.exp_string("users                Show users currently logged in")?;
    shell.send_control('u')?;
    run(
        &mut shell,
        "show cli | match space",
        "CLI complete-on-space set to on",
    )?;

    // Tab on a word that cannot be completed further lists the candidates, as `?` does.
    type_keys(&mut shell, "show services l2tp d\t")?;
    shell.exp_string("destination")?;
    shell.exp_string("disconnect-cause-summary")?;
    shell.send_control('u')?;
    type_keys(&mut shell, "exit\r")?;
    shell.exp_eof()?;
    Ok(())
}

/// A committed configuration long enough to page at five rows.
fn long_configuration(daemon: &DaemonProcess) {
    let mut lines = String::new();
    for n in 1..=4 {
        lines.push_str(&format!(
            "set access tunnel-profile tp{n} tunnel 1 remote-gateway address 127.0.0.{n}\n"
        ));
    }
    daemon.commit(&lines);
}

#[test]
fn pager_keys() -> Result {
    let daemon = DaemonProcess::start();
    long_configuration(&daemon);
    let mut shell = shell_on_a_terminal(&daemon)?;
    run(
        &mut shell,
        "set cli screen-length 5",
        "Screen length set to 5",
    )?;

    // Space, Enter, G: the next page, one line, the end (which leaves the pager).
    type_keys(&mut shell, "show configuration\r")?;
    shell.exp_regex(r"---\(more \d+%\)---")?;
    type_keys(&mut shell, " ")?;
    shell.exp_regex(r"---\(more \d+%\)---")?;
    type_keys(&mut shell, "\r")?;
    shell.exp_regex(r"---\(more \d+%\)---")?;
    type_keys(&mut shell, "G")?;
    // The last page (closing braces), and no prompt after it: the shell reads a line again.
    shell.exp_string("}\r\n}\r\n")?;
    shell.exp_string(LINE_EDITOR_READY)?;

    // /text, n, N: search forward, again, and back.
    type_keys(&mut shell, "show configuration\r")?;
    shell.exp_regex(r"---\(more \d+%\)---")?;
    type_keys(&mut shell, "/address\r")?;
    shell.exp_string("address 127.0.0.1;")?;
    shell.exp_regex(r"---\(more \d+%\)---")?;
    type_keys(&mut shell, "n")?;
    shell.exp_string("address 127.0.0.2;")?;
    shell.exp_regex(r"---\(more \d+%\)---")?;
    type_keys(&mut shell, "N")?;
    shell.exp_string("address 127.0.0.1;")?;
    shell.exp_regex(r"---\(more \d+%\)---")?;
    type_keys(&mut shell, "/nothing-like-this\r")?;
    shell.exp_string("Pattern not found")?;
    // h: the key summary; g: the first page again; b: back a page; q: out.
    type_keys(&mut shell, "h")?;
    shell.exp_string("SUMMARY OF MORE COMMANDS")?;
    shell.exp_regex(r"---\(more \d+%\)---")?;
    type_keys(&mut shell, "g")?;
    shell.exp_string("tunnel-profile tp1 {")?;
    shell.exp_regex(r"---\(more \d+%\)---")?;
    type_keys(&mut shell, " b")?;
    shell.exp_string("tunnel-profile tp1 {")?;
    shell.exp_regex(r"---\(more \d+%\)---")?;
    type_keys(&mut shell, "q")?;
    shell.exp_string(LINE_EDITOR_READY)?;

    // | hold: the prompt stays at the end, at 100%, until q.
    type_keys(&mut shell, "show configuration | hold\r")?;
    shell.exp_regex(r"---\(more \d+%\)---")?;
    type_keys(&mut shell, "G")?;
    shell.exp_string("---(more 100%)---")?;
    type_keys(&mut shell, " ")?;
    shell.exp_string("---(more 100%)---")?;
    type_keys(&mut shell, "q")?;
    shell.exp_string(LINE_EDITOR_READY)?;

    // screen-length 0: no pager at all.
    run(
        &mut shell,
        "set cli screen-length 0",
        "Screen length set to 0",
    )?;
    type_keys(&mut shell, "show configuration | match address\r")?;
    shell.exp_string("address 127.0.0.4;")?;
    shell.exp_string("root@router> ")?;
    type_keys(&mut shell, "exit\r")?;
    shell.exp_eof()?;
    Ok(())
}

/// A LAC with two tunnel profiles and, through `tp-lns`, one tunnel up to an LNS.
fn lac_with_a_tunnel() -> (DaemonProcess, DaemonProcess) {
    let lns = DaemonProcess::start_named("lns", Some(7));
    lns.commit(
        "set services l2tp tunnel-group lacs local-gateway address 127.0.16.12\n\
         set services l2tp tunnel-group lacs local-gateway gateway-name lns\n\
         set services l2tp tunnel-group lacs l2tp-access-profile lac-clients\n\
         set access profile lac-clients client lac l2tp shared-secret pty-secret\n",
    );
    let lac = DaemonProcess::start_named("lac", Some(3));
    lac.commit(
        "set access tunnel-profile tp-lns tunnel 1 remote-gateway address 127.0.16.12\n\
         set access tunnel-profile tp-lns tunnel 1 source-gateway address 127.0.16.11\n\
         set access tunnel-profile tp-lns tunnel 1 source-gateway gateway-name lac\n\
         set access tunnel-profile tp-lns tunnel 1 secret pty-secret\n\
         set access tunnel-profile spare tunnel 1 remote-gateway address 127.0.16.13\n",
    );
    let test =
        lac.run("test services l2tp tunnel user alice@example.net password pw tunnel-name tp-lns");
    assert!(
        l2tp_tests::output_text(&test).contains("established"),
        "{}",
        l2tp_tests::output_text(&test)
    );
    (lns, lac)
}

#[test]
fn values_complete_from_the_configuration_and_live_tunnels() -> Result {
    let (_lns, lac) = lac_with_a_tunnel();
    let mut shell = shell_named(&lac, "lac")?;

    // A tunnel ID: `?` lists the tunnel up now under the placeholder, Tab completes it.
    type_keys(&mut shell, "show services l2tp tunnel local-tunnel-id ?")?;
    shell.exp_string("<local-tunnel-id>    Local tunnel identifier (1..65535)")?;
    let (_, id) = shell.exp_regex(r"\r\n  (\d+)\r\n")?;
    let id = id.trim().to_string();
    let first = id.get(..1).unwrap_or("1").to_string();
    shell.send_control('u')?;
    type_keys(
        &mut shell,
        &format!("show services l2tp tunnel local-tunnel-id {first}\t"),
    )?;
    type_keys(&mut shell, "?")?;
    // The echoed line shows the completed ID.
    shell.exp_string(&format!("local-tunnel-id {id} ?"))?;
    type_keys(&mut shell, "\r")?;
    shell.exp_string(&format!("{id} "))?;
    shell.exp_string("Established")?;
    shell.exp_string(LINE_EDITOR_READY)?;

    // A profile name in configuration mode: Tab completes `tp-` to `tp-lns`.
    run(&mut shell, "configure", "[edit]")?;
    type_keys(&mut shell, "edit access tunnel-profile tp-\t")?;
    type_keys(&mut shell, "\r")?;
    shell.exp_string("[edit access tunnel-profile tp-lns]")?;
    shell.exp_string(LINE_EDITOR_READY)?;
    // Space does not complete a value: `s` + Space stays `s` (a new profile may be meant).
    run(&mut shell, "top", "[edit]")?;
    type_keys(&mut shell, "edit access tunnel-profile s ?")?;
    shell.exp_string("root@lac# edit access tunnel-profile s ?")?;
    shell.send_control('u')?;
    run(&mut shell, "exit", "Exiting configuration mode")?;
    type_keys(&mut shell, "exit\r")?;
    shell.exp_eof()?;
    Ok(())
}
