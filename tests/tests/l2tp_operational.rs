//! `show services l2tp …` and `clear services l2tp …` on real daemons: a LAC (127.0.8.1)
//! with two tunnel profiles towards two LNSs (127.0.8.2 and 127.0.8.3), test sessions opened
//! with `test services l2tp tunnel`, everything read back through `cli -c … | display json`
//! and checked field by field on both ends; then each kind of clear, and what it leaves.
//!
//! One test function: the daemons bind UDP port 1701 on fixed addresses.

use std::time::{Duration, Instant};

use l2tp_tests::ops::{leaf, number, rows, tunnel_test_ids};
use l2tp_tests::ops::{run_ok as run, show_json as json};
use l2tp_tests::{output_text, DaemonProcess};
use serde_json::Value;

const LAC: &str = "127.0.8.1";
const LNS_A: &str = "127.0.8.2";
const LNS_B: &str = "127.0.8.3";
const SECRET: &str = "ops-tunnel-secret";
/// How long the peer may take to see a StopCCN or CDN (loopback: milliseconds).
const SETTLE: Duration = Duration::from_secs(10);

fn lns_lines(address: &str, name: &str) -> String {
    format!(
        "set services l2tp tunnel-group lacs local-gateway address {address}\n\
         set services l2tp tunnel-group lacs local-gateway gateway-name {name}\n\
         set services l2tp tunnel-group lacs l2tp-access-profile lac-clients\n\
         set access profile lac-clients client ops-lac l2tp shared-secret {SECRET}\n"
    )
}

fn lac_lines() -> String {
    let mut lines = String::from("set system host-name ops-lac\n");
    for (profile, lns) in [("tp-a", LNS_A), ("tp-b", LNS_B)] {
        let t = format!("set access tunnel-profile {profile} tunnel 1");
        lines.push_str(&format!(
            "{t} secret {SECRET}\n{t} source-gateway address {LAC}\n\
             {t} remote-gateway address {lns}\n"
        ));
    }
    lines
}

fn summary(daemon: &DaemonProcess) -> (u64, u64, u64) {
    let json = json(daemon, "show services l2tp summary");
    let root = json["service-l2tp-summary-information"]
        .get(0)
        .unwrap_or_else(|| panic!("no summary root in {json}"));
    (
        number(root, "destinations"),
        number(root, "tunnels"),
        number(root, "sessions"),
    )
}

/// Waits (bounded) until the daemon's summary counts `expected` (tunnels, sessions); the
/// peer's StopCCN / CDN travel on their own time. (A destination outlives its closed tunnels
/// for the destruct timeout, so destinations are not compared here.)
fn await_summary(daemon: &DaemonProcess, expected: (u64, u64), what: &str) {
    let deadline = Instant::now() + SETTLE;
    loop {
        let (_, tunnels, sessions) = summary(daemon);
        let now = (tunnels, sessions);
        if now == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: summary {now:?}, expected {expected:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn open_session(lac: &DaemonProcess, user: &str, profile: &str) -> (u16, u16) {
    let shown = run(
        lac,
        &format!("test services l2tp tunnel user {user} password pw tunnel-name {profile}"),
    );
    tunnel_test_ids(&shown).unwrap_or_else(|| panic!("no IDs in {shown}"))
}

#[test]
fn show_and_clear_on_both_ends() {
    let lns_a = DaemonProcess::start_named("lns-a", None);
    lns_a.commit(&lns_lines(LNS_A, "lns-a"));
    let lns_b = DaemonProcess::start_named("lns-b", None);
    lns_b.commit(&lns_lines(LNS_B, "lns-b"));
    let lac = DaemonProcess::start_named("ops-lac", None);
    lac.commit(&lac_lines());

    let a: Vec<(u16, u16)> = ["u1", "u2", "u3"]
        .iter()
        .map(|u| open_session(&lac, &format!("{u}@example.net"), "tp-a"))
        .collect();
    let b: Vec<(u16, u16)> = ["u4", "u5"]
        .iter()
        .map(|u| open_session(&lac, &format!("{u}@example.net"), "tp-b"))
        .collect();
    let tunnel_a = a[0].0;
    let tunnel_b = b[0].0;
    assert!(a.iter().all(|(t, _)| *t == tunnel_a), "{a:?}");
    assert!(b.iter().all(|(t, _)| *t == tunnel_b), "{b:?}");

    // ---- shows, field by field ----
    assert_eq!(summary(&lac), (2, 2, 5));
    assert_eq!(summary(&lns_a), (1, 1, 3));
    assert_eq!(summary(&lns_b), (1, 1, 2));

    let tunnels = json(&lac, "show services l2tp tunnel extensive");
    let tunnels = rows(&tunnels, "service-l2tp-tunnel-information", "l2tp-tunnel");
    assert_eq!(tunnels.len(), 2, "{tunnels:?}");
    for t in &tunnels {
        let id = number(t, "tunnel-local-id") as u16;
        let (peer, group, sessions) = if id == tunnel_a {
            (LNS_A, "tp-a", 3)
        } else {
            assert_eq!(id, tunnel_b, "{t}");
            (LNS_B, "tp-b", 2)
        };
        assert_eq!(leaf(t, "state").as_deref(), Some("established"), "{t}");
        assert_eq!(leaf(t, "role").as_deref(), Some("lac"), "{t}");
        assert_eq!(leaf(t, "tunnel-group").as_deref(), Some(group), "{t}");
        assert_eq!(
            leaf(t, "remote-ip").as_deref(),
            Some(format!("{peer}:1701").as_str())
        );
        assert_eq!(number(t, "sessions"), sessions, "{t}");
        assert_eq!(leaf(t, "local-name").as_deref(), Some("ops-lac"), "{t}");
        assert_eq!(leaf(t, "tunnel-authentication").as_deref(), Some("enabled"));
        assert_ne!(number(t, "tunnel-remote-id"), 0, "{t}");
        let stats = &t["statistics"][0];
        assert!(number(stats, "control-tx-packets") > 0, "{t}");
        assert!(
            number(stats, "data-tx-packets") >= sessions,
            "LCP echoes: {t}"
        );
    }

    let sessions = json(&lns_a, "show services l2tp session extensive");
    let sessions = rows(
        &sessions,
        "service-l2tp-session-information",
        "l2tp-session",
    );
    assert_eq!(sessions.len(), 3);
    let mut users: Vec<String> = sessions
        .iter()
        .map(|s| leaf(s, "user-name").unwrap_or_default())
        .collect();
    users.sort();
    assert_eq!(
        users,
        ["u1@example.net", "u2@example.net", "u3@example.net"]
    );
    for s in &sessions {
        assert_eq!(leaf(s, "state").as_deref(), Some("established"), "{s}");
        assert_eq!(leaf(s, "role").as_deref(), Some("lns"), "{s}");
        assert_eq!(
            leaf(s, "proxy-authentication").as_deref(),
            Some("pap"),
            "{s}"
        );
        assert!(
            leaf(s, "interface-name").is_some_and(|i| i.starts_with("si-0/0/0.")),
            "{s}"
        );
        let remote = number(s, "session-remote-id") as u16;
        assert!(
            a.iter().any(|(_, id)| *id == remote),
            "LAC's IDs {a:?}: {s}"
        );
    }

    // One session by ID, and a filter that matches nothing.
    let (tunnel, session) = a[1];
    let one = json(
        &lac,
        &format!("show services l2tp session local-session-id {session} local-tunnel-id {tunnel}"),
    );
    let one = rows(&one, "service-l2tp-session-information", "l2tp-session");
    assert_eq!(one.len(), 1);
    assert_eq!(leaf(one[0], "user-name").as_deref(), Some("u2@example.net"));
    let missing = lac.run("show services l2tp tunnel local-tunnel-id 99");
    assert!(!missing.status.success());
    assert!(
        output_text(&missing).contains("error: no tunnel with local tunnel id 99"),
        "{}",
        output_text(&missing)
    );
    let missing = lac.run("clear services l2tp session user nobody@example.net");
    assert!(!missing.status.success());
    assert_eq!(summary(&lac), (2, 2, 5), "a failed clear clears nothing");

    // ---- statistics clears reset counters only ----
    let cleared = run(&lac, "clear services l2tp tunnel statistics all");
    assert!(
        cleared.contains(&format!("Tunnel {tunnel_a} statistics cleared")),
        "{cleared}"
    );
    let after = json(
        &lac,
        &format!("show services l2tp tunnel local-tunnel-id {tunnel_a} statistics"),
    );
    let after = rows(&after, "service-l2tp-tunnel-information", "l2tp-tunnel");
    assert_eq!(number(&after[0]["statistics"][0], "data-tx-packets"), 0);
    assert_eq!(summary(&lac), (2, 2, 5));

    // ---- one session, by user ----
    let cleared = run(&lac, "clear services l2tp session user u2@example.net");
    assert!(
        cleared.contains(&format!("Session {session} (tunnel {tunnel}) closed")),
        "{cleared}"
    );
    await_summary(&lac, (2, 4), "LAC after the session clear");
    await_summary(&lns_a, (1, 2), "LNS A after the session clear");

    // ---- a tunnel: its sessions go, the other tunnel's stay ----
    let cleared = run(
        &lac,
        &format!("clear services l2tp tunnel local-tunnel-id {tunnel_b}"),
    );
    assert!(
        cleared.contains(&format!("Tunnel {tunnel_b} closed")),
        "{cleared}"
    );
    await_summary(&lns_b, (0, 0), "LNS B after its tunnel was cleared");
    await_summary(&lns_a, (1, 2), "LNS A keeps its tunnel");
    let (_, tunnels_left, sessions_left) = summary(&lac);
    assert_eq!((tunnels_left, sessions_left), (1, 2));

    // ---- a destination: its tunnels and sessions go, on both ends ----
    let destinations = json(&lac, "show services l2tp destination");
    let destinations = rows(
        &destinations,
        "service-l2tp-destination-information",
        "l2tp-destination",
    );
    let dest_a = destinations
        .iter()
        .find(|d| leaf(d, "remote-ip").as_deref() == Some(LNS_A))
        .unwrap_or_else(|| panic!("no destination {LNS_A}: {destinations:?}"));
    let dest_id = number(dest_a, "destination-id");
    let cleared = run(
        &lac,
        &format!("clear services l2tp destination peer-gateway {LNS_A}"),
    );
    assert!(
        cleared.contains(&format!("Destination {dest_id} closed")),
        "{cleared}"
    );
    await_summary(&lns_a, (0, 0), "LNS A after its destination was cleared");
    let (_, tunnels_left, sessions_left) = summary(&lac);
    assert_eq!((tunnels_left, sessions_left), (0, 0));

    // ---- why they ended ----
    let causes = json(&lns_a, "show services l2tp disconnect-cause-summary");
    let root = &causes["service-l2tp-disconnect-cause-summary"][0];
    let session_causes: u64 = rows(
        &causes,
        "service-l2tp-disconnect-cause-summary",
        "session-disconnect-cause",
    )
    .iter()
    .map(|c| number(c, "count"))
    .sum();
    assert_eq!(session_causes, 3, "{root}");
    let remote_tunnel_ends: Vec<&Value> = rows(
        &causes,
        "service-l2tp-disconnect-cause-summary",
        "tunnel-disconnect-cause",
    )
    .into_iter()
    .filter(|c| leaf(c, "source").as_deref() == Some("remote"))
    .collect();
    assert_eq!(remote_tunnel_ends.len(), 1, "{root}");
    assert_eq!(number(remote_tunnel_ends[0], "result-code"), 1, "{root}");
}
