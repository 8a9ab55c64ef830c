//! Two real `l2tpd` processes on loopback, a LAC on 127.0.0.1 and an LNS on 127.0.0.2 (plus
//! a second LNS on 127.0.0.3 that has the wrong tunnel secret), configured through `cli -f`
//! as an operator would, and `test services l2tp tunnel` run through `cli -c`.
//!
//! Everything is in one test function: the daemons bind UDP port 1701 on fixed addresses,
//! so they must not run twice at once.

use l2tp_tests::lab::{DEMO_LAC, DEMO_LNS, DEMO_PROFILE};
use l2tp_tests::ops::tunnel_test_ids;
use l2tp_tests::{output_text, DaemonProcess};

fn test_command(user: &str, profile: &str) -> String {
    format!("test services l2tp tunnel user {user} password pw tunnel-name {profile}")
}

#[test]
fn lac_and_lns_processes_carry_test_sessions() {
    let lns = DaemonProcess::start();
    lns.commit(DEMO_LNS);
    let wrong_lns = DaemonProcess::start();
    wrong_lns.commit(&DEMO_LNS.replace("127.0.0.2", "127.0.0.3").replace(
        "shared-secret lab-tunnel-secret",
        "shared-secret not-the-secret",
    ));
    let lac = DaemonProcess::start();
    lac.commit(&format!(
        "{DEMO_LAC}\
             set access tunnel-profile tp-wrong tunnel 1 secret lab-tunnel-secret\n\
             set access tunnel-profile tp-wrong tunnel 1 source-gateway address 127.0.0.1\n\
             set access tunnel-profile tp-wrong tunnel 1 remote-gateway address 127.0.0.3\n"
    ));

    // Several sessions, one tunnel, each proven by an LCP echo through the LNS.
    let mut seen = Vec::new();
    for n in 1..=4 {
        let out = lac.run(&test_command(&format!("u{n}@example.net"), DEMO_PROFILE));
        let shown = output_text(&out);
        assert!(out.status.success(), "{shown}");
        assert!(
            shown.contains(": established; LCP echo reply in "),
            "{shown}"
        );
        seen.push(tunnel_test_ids(&shown).unwrap_or_else(|| panic!("no IDs in {shown}")));
    }
    assert!(
        seen.iter().all(|(tunnel, _)| *tunnel == seen[0].0),
        "all on one tunnel: {seen:?}"
    );
    let mut sessions: Vec<u16> = seen.iter().map(|(_, s)| *s).collect();
    sessions.sort_unstable();
    sessions.dedup();
    assert_eq!(sessions.len(), 4, "one session each: {seen:?}");

    // The LNS end cannot run the test: it has no tunnel profile.
    let out = lns.run(&test_command("u1@example.net", "tp-x"));
    assert!(!out.status.success());
    assert_eq!(
        output_text(&out).trim_end(),
        "error: tunnel profile tp-x is not configured"
    );

    // A secret the LNS does not share: the tunnel is refused on authentication.
    let out = lac.run(&test_command("u1@example.net", "tp-wrong"));
    let shown = output_text(&out);
    assert!(!out.status.success(), "{shown}");
    assert!(shown.contains("failed: "), "{shown}");
    assert!(shown.contains("tunnel authentication"), "{shown}");

    // A second daemon cannot take an address already in use: its commit fails, clearly.
    let rival = DaemonProcess::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("commit.txt");
    std::fs::write(&script, format!("configure\n{DEMO_LNS}commit and-quit\n")).expect("write");
    let out = rival.cli(&["-f", script.to_str().expect("utf-8 path")], "");
    let shown = output_text(&out);
    assert!(!out.status.success(), "{shown}");
    assert!(
        shown.contains("cannot bind 127.0.0.2:1701: Address already in use"),
        "{shown}"
    );
}
