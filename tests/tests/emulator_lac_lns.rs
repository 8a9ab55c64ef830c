//! The subscriber emulator through our real LAC to our real LNS: two `l2tpd` processes on
//! loopback, the LAC's PPPoE port a socket link (`--access-link`, no root), the
//! `pppoe-emulator` binary at the other end of it. Every subscriber must reach auth-sent (the
//! LAC has negotiated LCP with it and passed its credentials on; the LNS answers
//! authentication only from issue 11 on), and leave with a PADT.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use l2tp_tests::{bin_path, output_text, DaemonProcess};

const SUBSCRIBERS: usize = 100;
const BURST: usize = 300;
/// The longest any step may take.
const WAIT: Duration = Duration::from_secs(20);

/// An LNS at `addresses.1` and a LAC at `addresses.0` whose PPPoE port `emu0` is a socket
/// link in `dir`; returns both and the link's path.
fn routers(dir: &Path, addresses: (&str, &str)) -> (DaemonProcess, DaemonProcess, PathBuf) {
    let (lac_address, lns_address) = addresses;
    let link = dir.join("emu0.sock");
    let lns = DaemonProcess::start_named("lns-e", None);
    lns.commit(&format!(
        "set system host-name lns-e\n\
         set services l2tp tunnel-group g local-gateway address {lns_address}\n\
         set services l2tp tunnel-group g l2tp-access-profile ap\n\
         set access profile ap client lac-e l2tp maximum-sessions-per-tunnel 2000\n"
    ));
    let access_link = format!("emu0={}", link.display());
    let lac = DaemonProcess::start_with_args("lac-e", &["--access-link", &access_link]);
    lac.commit(&format!(
        "set system host-name lac-e\n\
         set interfaces emu0 unit 0 family pppoe access-concentrator lac-e\n\
         set access tunnel-profile tp tunnel 1 source-gateway address {lac_address}\n\
         set access tunnel-profile tp tunnel 1 remote-gateway address {lns_address}\n\
         set access domain map isp.example tunnel-profile tp\n"
    ));
    (lns, lac, link)
}

/// `Established` sessions of our subscribers at the LNS.
fn established(lns: &DaemonProcess) -> usize {
    let show = output_text(&lns.run("show services l2tp session"));
    show.lines()
        .filter(|line| line.contains("Established") && line.contains("@isp.example"))
        .count()
}

#[test]
fn a_hundred_emulated_subscribers_reach_auth_sent_through_our_lac_and_lns() {
    let dir = tempfile::tempdir().unwrap();
    let (lns, lac, link) = routers(dir.path(), ("127.0.44.1", "127.0.44.2"));
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

    wait_for(
        &mut emulator,
        [&lns, &lac],
        "every subscriber's session at the LNS",
        || established(&lns) == SUBSCRIBERS,
    );

    let output = emulator.0.take().unwrap().wait_with_output().unwrap();
    assert!(output.status.success(), "{}", output_text(&output));
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["up"], SUBSCRIBERS, "{summary}");
    assert_eq!(summary["failures"], serde_json::json!({}), "{summary}");
    assert_eq!(summary["ended"]["hold-ended"], SUBSCRIBERS, "{summary}");
    assert_eq!(
        summary["frames"]["probes_answered"], SUBSCRIBERS,
        "{summary}"
    );

    // The PADTs end every session at the LNS too (the LAC sends a CDN for each).
    wait_for(
        &mut emulator,
        [&lns, &lac],
        "the LNS's sessions to end",
        || established(&lns) == 0,
    );
}

/// All at once, far more frames cross both ways than a Unix datagram queue holds (10 by
/// default). The LAC's port awaits room to send to us before it reads again; an emulator
/// that did the same would block with it, both queues full, until its timeout. Then a probe
/// from each crosses to the LNS and back.
#[test]
fn a_burst_of_subscribers_all_at_once_does_not_lock_up_the_socket_link() {
    let dir = tempfile::tempdir().unwrap();
    let (lns, lac, link) = routers(dir.path(), ("127.0.44.3", "127.0.44.4"));
    let emulator = Command::new(bin_path("pppoe-emulator"))
        .args(["--link", link.to_str().unwrap()])
        .args(["--count", &BURST.to_string()])
        .args(["--rate", "1000000", "--max-in-flight", "100000", "--probe"])
        .args(["--timeout", "15", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut emulator = KillOnDrop(Some(emulator));
    // Its --timeout bounds every wait of the emulator; WAIT is more than enough to see it out.
    let deadline = Instant::now() + WAIT;
    while emulator.0.as_mut().unwrap().try_wait().unwrap().is_none() {
        assert!(
            Instant::now() < deadline,
            "the emulator did not end within {WAIT:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let output = emulator.0.take().unwrap().wait_with_output().unwrap();
    assert!(output.status.success(), "{}", output_text(&output));
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["up"], BURST, "{summary}");
    // Probes sent as soon as all are up find some L2TP sessions not yet open at the LAC;
    // the rounds that follow reach every subscriber.
    assert_eq!(summary["frames"]["probes_answered"], BURST, "{summary}");
    let mut no_emulator = KillOnDrop(None);
    wait_for(
        &mut no_emulator,
        [&lns, &lac],
        "the LNS's sessions to end",
        || established(&lns) == 0,
    );
}

/// Polls `done` until it holds; fails after `WAIT` (or when the emulator has died meanwhile),
/// showing both routers' sessions and drop counters: what a failure in CI needs to be read.
fn wait_for(
    emulator: &mut KillOnDrop,
    routers: [&DaemonProcess; 2],
    what: &str,
    done: impl Fn() -> bool,
) {
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
        if Instant::now() >= deadline {
            let state: Vec<String> = routers
                .iter()
                .flat_map(|r| {
                    [
                        "show services l2tp summary statistics",
                        "show services l2tp session",
                    ]
                    .map(|command| format!("{command}:\n{}", output_text(&r.run(command))))
                })
                .collect();
            panic!(
                "no {what} within {WAIT:?}; LNS, then LAC:\n{}",
                state.join("\n")
            );
        }
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
