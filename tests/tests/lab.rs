//! The README's first command: `l2tp-lab` starts a LAC and an LNS with the demo
//! configurations, opens test sessions between them, brings PPPoE subscribers through both to
//! addresses and an internet host, and hands the operator the LAC's shell. Driven here
//! through a pipe, as a script would.

use l2tp_tests::bin_path;
use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn lab_starts_with_the_demo_configuration_and_a_working_shell() {
    let mut lab = Command::new(bin_path("l2tp-lab"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start l2tp-lab");
    let script = "show configuration access | display set\nshow system commit\n\
                  show subscribers | display json\n\
                  show log messages | match \"UI_COMMIT:|L2TP_TUNNEL_UP\"\nconfigure\n\
                  set services l2tp tunnel idle-timeout 90\ncommit\nexit\nexit\n";
    lab.stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("type into the lab");
    let out = lab.wait_with_output().expect("lab output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "l2tp-lab failed:\n{stdout}\n{stderr}");
    assert!(
        stdout.contains(
            "set access tunnel-profile tp-lns1 tunnel 1 remote-gateway address 127.0.0.2"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("l2tp-lab demo configuration"),
        "the demo is a commit of its own:\n{stdout}"
    );
    assert!(stdout.contains("commit complete"), "{stdout}");
    assert!(
        stderr.contains("cli --socket"),
        "the lab says how to open another shell:\n{stderr}"
    );
    assert!(
        stderr.contains("the LNS's shell: cli --socket") && stderr.contains("/lns/"),
        "the lab says how to reach the LNS:\n{stderr}"
    );
    // The test calls' proxy PAP is checked by the LNS too (unknown users are admitted by the
    // demo's `authentication-order [ password none ]`) and their echoes answered by its PPP.
    assert_eq!(
        stderr.matches(": established; LCP echo reply in ").count(),
        3,
        "the lab opens test sessions from the LAC to the LNS:\n{stderr}"
    );
    assert!(
        stderr
            .contains("5 of 5 PPPoE subscribers up through the LAC to the LNS, 5 with an address")
            && stderr.contains("LCP echoes answered across the tunnel"),
        "the lab brings PPPoE subscribers through the LAC to addresses at the LNS:\n{stderr}"
    );
    // "pings R/S and UDP echoes R/S answered by the internet host": every subscriber got
    // an answer of each kind (a first probe may be lost and sent again, so S may be more).
    let answered = |kind: &str| -> u64 {
        let after = stderr
            .split(kind)
            .nth(1)
            .unwrap_or_else(|| panic!("no '{kind}' in:\n{stderr}"));
        after
            .split('/')
            .next()
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no count after '{kind}':\n{stderr}"))
    };
    assert!(answered("pings ") >= 5, "{stderr}");
    assert!(answered("UDP echoes ") >= 5, "{stderr}");
    assert!(
        stderr.contains("answered by the internet host behind the LNS"),
        "{stderr}"
    );
    for n in 1..=5 {
        assert!(
            stdout.contains(&format!("\"sub{n}@example.net\"")),
            "sub{n} is in show subscribers:\n{stdout}"
        );
    }
    // Each router has its own system log (a process of its own): the LAC's `messages` holds
    // its demo commit and its tunnel to the LNS, and nothing of the LNS's.
    assert!(
        stdout.contains(
            "UI_COMMIT: User 'root' requested 'commit' operation (comment: l2tp-lab demo configuration)"
        ),
        "the LAC's show log messages:\n{stdout}"
    );
    assert!(
        stdout.contains("L2TP_TUNNEL_UP: tunnel ") && stdout.contains(" established with lns1 "),
        "the LAC's show log messages:\n{stdout}"
    );
    assert!(
        !stdout.contains("established with lab-lac"),
        "the LNS's tunnel event is in the LAC's log:\n{stdout}"
    );
}
