//! The subscriber emulator through our real LAC to our real LNS: two `l2tpd` processes on
//! loopback, the LAC's PPPoE port a socket link (`--access-link`, no root), the
//! `pppoe-emulator` binary at the other end of it. Every subscriber must reach auth-sent (the
//! LAC has negotiated LCP with it and passed its credentials on; the LNS answers
//! authentication only from issue 11 on), and leave with a PADT.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use l2tp_tests::{bin_path, output_text, DaemonProcess};

const LAC: &str = "127.0.44.1";
const LNS: &str = "127.0.44.2";
const SUBSCRIBERS: usize = 100;
/// The longest any step may take.
const WAIT: Duration = Duration::from_secs(20);

#[test]
fn a_hundred_emulated_subscribers_reach_auth_sent_through_our_lac_and_lns() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("emu0.sock");
    let lns = DaemonProcess::start_named("lns-e", None);
    lns.commit(&format!(
        "set system host-name lns-e\n\
         set services l2tp tunnel-group g local-gateway address {LNS}\n\
         set services l2tp tunnel-group g l2tp-access-profile ap\n\
         set access profile ap client lac-e l2tp maximum-sessions-per-tunnel 2000\n"
    ));
    let access_link = format!("emu0={}", link.display());
    let lac = DaemonProcess::start_with_args("lac-e", &["--access-link", &access_link]);
    lac.commit(&format!(
        "set system host-name lac-e\n\
         set interfaces emu0 unit 0 family pppoe access-concentrator lac-e\n\
         set access tunnel-profile tp tunnel 1 source-gateway address {LAC}\n\
         set access tunnel-profile tp tunnel 1 remote-gateway address {LNS}\n\
         set access domain map isp.example tunnel-profile tp\n"
    ));

    // Up, one probe each (an LCP Echo-Request the LAC relays and the LNS answers), held
    // long enough to be seen at the LNS, then a PADT each.
    let emulator = Command::new(bin_path("pppoe-emulator"))
        .args(["--link", link.to_str().unwrap()])
        .args(["--count", &SUBSCRIBERS.to_string()])
        .args(["--rate", "1000", "--probe", "--hold", "5"])
        .args(["--timeout", "30", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut emulator = KillOnDrop(Some(emulator));

    let established = || {
        let show = output_text(&lns.run("show services l2tp session"));
        show.lines()
            .filter(|line| line.contains("Established") && line.contains("@isp.example"))
            .count()
    };
    wait_for(
        &mut emulator,
        "every subscriber's session at the LNS",
        || established() == SUBSCRIBERS,
    );

    let output = emulator.0.take().unwrap().wait_with_output().unwrap();
    assert!(output.status.success(), "{}", output_text(&output));
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["up"], SUBSCRIBERS, "{summary}");
    assert_eq!(summary["failures"], serde_json::json!({}), "{summary}");
    assert_eq!(summary["ended"]["hold-ended"], SUBSCRIBERS, "{summary}");
    assert_eq!(summary["frames"]["probe_replies"], SUBSCRIBERS, "{summary}");

    // The PADTs end every session at the LNS too (the LAC sends a CDN for each).
    wait_for(&mut emulator, "the LNS's sessions to end", || {
        established() == 0
    });
}

/// Polls `done` until it holds; fails after `WAIT` (or when the emulator has died meanwhile).
fn wait_for(emulator: &mut KillOnDrop, what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !done() {
        if let Some(child) = emulator.0.as_mut() {
            if let Ok(Some(status)) = child.try_wait() {
                let output = emulator.0.take().unwrap().wait_with_output().unwrap();
                panic!(
                    "the emulator ended ({status}) before {what}: {}",
                    output_text(&output)
                );
            }
        }
        assert!(Instant::now() < deadline, "no {what} within {WAIT:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

struct KillOnDrop(Option<Child>);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
