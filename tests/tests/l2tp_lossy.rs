//! A LAC (127.0.2.1) and an LNS (127.0.2.2), two real `l2tpd` processes, talking through
//! a relay (127.0.2.3:1701 facing the LAC, 127.0.2.4 facing the LNS) that drops 20% of the
//! datagrams each way, duplicates 10% and delays 10% behind the next one. The retransmission
//! counts are raised to 10, as an operator would on such a path. Twenty test sessions must
//! all come up (each `test services l2tp tunnel` retried at most twice); then the LNS's
//! tunnel group is deleted, its StopCCN must reach the LAC through the loss, the LAC must
//! open a fresh tunnel for the next session, and both daemons must stop cleanly.
//!
//! One test function: the daemons bind UDP port 1701 on fixed addresses.

use l2tp_tests::lab::{DEMO_LAC, DEMO_LNS, DEMO_PROFILE};
use l2tp_tests::relay::{Impairment, Relay, RelayConfig};
use l2tp_tests::{bin_path, output_text, DaemonProcess};
use l2tpd::l2tp::wire::MessageType;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::Command;
use std::time::{Duration, Instant};

const LAC: &str = "127.0.2.1";
const LNS: &str = "127.0.2.2";
const RELAY_FOR_LAC: &str = "127.0.2.3";
const RELAY_FOR_LNS: Ipv4Addr = Ipv4Addr::new(127, 0, 2, 4);
const SESSIONS: usize = 20;
const WORKERS: usize = 4;
const ATTEMPTS: usize = 3;

const LOSSY_PATH: &str = "set services l2tp tunnel retransmission-count-established 10\n\
                          set services l2tp tunnel retransmission-count-not-established 10\n";

fn lac_config() -> String {
    let config = DEMO_LAC
        .replace("127.0.0.1", LAC)
        .replace("127.0.0.2", RELAY_FOR_LAC);
    format!("{config}{LOSSY_PATH}")
}

fn lns_config() -> String {
    format!("{}{LOSSY_PATH}", DEMO_LNS.replace("127.0.0.2", LNS))
}

/// `Tunnel 17967, session 40553: ...` → tunnel 17967.
fn tunnel_id(shown: &str) -> Option<u16> {
    let rest = shown.strip_prefix("Tunnel ")?;
    let (tunnel, _) = rest.split_once(", session ")?;
    tunnel.parse().ok()
}

/// One session's test: Ok(tunnel ID, retries used) or every attempt's output.
type SessionResult = Result<(u16, usize), Vec<String>>;

fn test_session(socket: &std::path::Path, user: &str) -> SessionResult {
    let mut failures = Vec::new();
    for attempt in 0..ATTEMPTS {
        let out = Command::new(bin_path("cli"))
            .arg("--socket")
            .arg(socket)
            .arg("-c")
            .arg(format!(
                "test services l2tp tunnel user {user} password pw tunnel-name {DEMO_PROFILE}"
            ))
            .output()
            .expect("run cli -c");
        let shown = output_text(&out);
        if out.status.success() && shown.contains(": established; LCP echo reply in ") {
            if let Some(tunnel) = tunnel_id(&shown) {
                return Ok((tunnel, attempt));
            }
        }
        failures.push(shown);
    }
    Err(failures)
}

/// Waits up to `limit` for `done`, polling; false if it never happened.
/// (tunnels, sessions) from `show services l2tp summary | display json`.
fn tunnels_and_sessions(daemon: &DaemonProcess) -> (u64, u64) {
    let out = daemon.run("show services l2tp summary | display json");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let root = &json["service-l2tp-summary-information"][0];
    let count = |name| {
        l2tp_tests::ops::leaf(root, name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(u64::MAX)
    };
    (count("tunnels"), count("sessions"))
}

fn eventually(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    done()
}

#[test]
fn sessions_come_up_through_a_lossy_relay_and_tunnels_close_cleanly() {
    let relay = Relay::start(RelayConfig {
        lac_facing: SocketAddr::new(RELAY_FOR_LAC.parse().expect("address"), 1701),
        lns_facing: RELAY_FOR_LNS,
        lns: SocketAddr::new(LNS.parse().expect("address"), 1701),
        towards_lns: Impairment {
            drop: 0.2,
            duplicate: 0.1,
            reorder: 0.1,
        },
        towards_lac: Impairment {
            drop: 0.2,
            duplicate: 0.1,
            reorder: 0.1,
        },
        hold: Duration::from_millis(100),
        seed: 0x1701,
    })
    .expect("relay binds 127.0.2.3:1701");
    let mut lns = DaemonProcess::start();
    lns.commit(&lns_config());
    let mut lac = DaemonProcess::start();
    lac.commit(&lac_config());

    // Several callers at once, as subscribers arrive: they share the tunnel.
    let started = Instant::now();
    let socket = lac.socket();
    let results: Vec<(String, SessionResult)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..WORKERS)
            .map(|w| {
                let socket = &socket;
                s.spawn(move || {
                    (0..SESSIONS / WORKERS)
                        .map(|n| {
                            let user = format!("u{w}-{n}@example.net");
                            let result = test_session(socket, &user);
                            (user, result)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("worker thread"))
            .collect()
    });
    let elapsed = started.elapsed();
    let counts = relay.counts();
    let failed: Vec<_> = results.iter().filter(|(_, r)| r.is_err()).collect();
    assert!(
        failed.is_empty(),
        "sessions that never came up: {failed:#?}\nrelay: {counts:#?}"
    );
    let up: Vec<(u16, usize)> = results.iter().filter_map(|(_, r)| r.clone().ok()).collect();
    let retried = up.iter().filter(|(_, retries)| *retries > 0).count();
    println!(
        "{SESSIONS} sessions up in {elapsed:?}; {retried} needed a retry ({} retries); relay: {counts:?}",
        up.iter().map(|(_, r)| r).sum::<usize>()
    );
    assert_eq!(up.len(), SESSIONS);
    // The path really was lossy in both directions.
    for direction in [&counts.towards_lns, &counts.towards_lac] {
        assert!(direction.dropped > 0, "{counts:?}");
        assert!(direction.duplicated > 0, "{counts:?}");
        assert!(direction.reordered > 0, "{counts:?}");
    }
    let first_tunnel = up.first().map(|(t, _)| *t);

    // The LNS gives the tunnel group up: its StopCCN must get through the loss (it is
    // retransmitted), and the LAC must forget the tunnel.
    let stops_before = counts.towards_lac.control_received(MessageType::STOPCCN);
    lns.commit("delete services l2tp tunnel-group lab-lacs\n");
    assert!(
        eventually(Duration::from_secs(30), || {
            relay
                .counts()
                .towards_lac
                .control_received(MessageType::STOPCCN)
                > stops_before
        }),
        "no StopCCN towards the LAC: {:?}",
        relay.counts()
    );
    // Back again: the next session needs a new tunnel, so the LAC has not kept the old one.
    lns.commit(&lns_config());
    let again = test_session(&lac.socket(), "after@example.net");
    let (tunnel, _) = again.unwrap_or_else(|e| panic!("no session after the StopCCN: {e:#?}"));
    assert_ne!(
        Some(tunnel),
        first_tunnel,
        "the LAC reused the closed tunnel"
    );

    // Nothing of the first tunnel leaked on either end: one tunnel and the one new session.
    for (name, daemon) in [("LAC", &lac), ("LNS", &lns)] {
        let mut last = (0, 0);
        let settled = eventually(Duration::from_secs(30), || {
            last = tunnels_and_sessions(daemon);
            last == (1, 1)
        });
        assert!(
            settled,
            "{name}: (tunnels, sessions) = {last:?}, expected (1, 1)"
        );
    }

    // Both daemons stop on SIGTERM (their engine sends StopCCN on the way out) and exit 0.
    assert_eq!(
        lac.stop().and_then(|s| s.code()),
        Some(0),
        "LAC exit status"
    );
    assert_eq!(
        lns.stop().and_then(|s| s.code()),
        Some(0),
        "LNS exit status"
    );
}
