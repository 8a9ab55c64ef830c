//! One operator's long-running engine command does not hold up the others: while a
//! `test services l2tp tunnel` waits for an LNS that never answers (its SCCRQ is retransmitted
//! for seconds), another shell's commands, a show of the L2TP engine included, are answered.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use l2tp_tests::{bin_path, output_text, DaemonProcess};

/// Nothing listens here: the test call's tunnel never comes up.
const SILENT_LNS: &str = "127.0.10.2";
const LAC: &str = "127.0.10.1";

#[test]
fn other_shells_are_served_while_a_test_call_waits() {
    let lac = DaemonProcess::start();
    lac.commit(&format!(
        "set access tunnel-profile tp-silent tunnel 1 source-gateway address {LAC}\n\
         set access tunnel-profile tp-silent tunnel 1 remote-gateway address {SILENT_LNS}\n"
    ));
    let mut waiting = Command::new(bin_path("cli"))
        .arg("--socket")
        .arg(lac.socket())
        .arg("-c")
        .arg("test services l2tp tunnel user u@example.net password pw tunnel-name tp-silent")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cli");
    // The call is with the engine once its tunnel exists.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let shown = output_text(&lac.run("show services l2tp tunnel"));
        if shown.contains(SILENT_LNS) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the test call never started: {shown}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    for command in [
        "show system users",
        "show configuration access",
        "show services l2tp summary",
    ] {
        let out = lac.run(command);
        assert!(out.status.success(), "{command}: {}", output_text(&out));
        assert_eq!(
            waiting.try_wait().expect("poll the waiting shell"),
            None,
            "'{command}' was answered only after the test call ended"
        );
    }

    let out = waiting.wait_with_output().expect("the test call ends");
    let shown = output_text(&out);
    assert!(
        !out.status.success(),
        "a silent LNS fails the test: {shown}"
    );
    assert!(shown.contains("failed"), "{shown}");
}
