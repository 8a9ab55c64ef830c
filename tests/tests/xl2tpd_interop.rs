//! Interoperability with xl2tpd (Debian package `xl2tpd`), the common open-source L2TP
//! daemon: xl2tpd as the LNS of our LAC, xl2tpd as a LAC dialling our LNS, and tunnel
//! secrets that do not match, each way.
//!
//! xl2tpd's pppd never runs in these tests (see `l2tp_tests::xl2tpd`), so every call xl2tpd
//! accepts or places is ended by xl2tpd with CDN result 1 a few milliseconds after it is
//! established: that is the disconnect our side must take in its stride, keeping the tunnel.
//!
//! Each test has its own pair of 127.0.1.x addresses (every L2TP end binds UDP port 1701),
//! so the tests of this file run in parallel without meeting.

use std::net::Ipv4Addr;
use std::time::Duration;

use l2tp_tests::ops::tunnel_test_ids;
use l2tp_tests::xl2tpd::{unavailable, Role, Xl2tpd, Xl2tpdConfig};
use l2tp_tests::{output_text, DaemonProcess};

/// Bound on each wait for xl2tpd to log a step; the steps take milliseconds on loopback.
const STEP: Duration = Duration::from_secs(10);
const SECRET: &str = "interop-secret";

/// False (and why, on stderr) when xl2tpd is missing outside CI; in CI it must be there.
fn xl2tpd_present() -> bool {
    match unavailable() {
        None => true,
        Some(why) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("CI must run the xl2tpd tests: {why}")
        }
        Some(why) => {
            eprintln!("skipped: {why}");
            false
        }
    }
}

fn addr(text: &str) -> Ipv4Addr {
    text.parse().expect("IPv4 address")
}

/// `test services l2tp tunnel` for user `user` over profile `tp-xl`.
fn tunnel_test(lac: &DaemonProcess, user: &str) -> (bool, String) {
    let out = lac.run(&format!(
        "test services l2tp tunnel user {user} password pw tunnel-name tp-xl"
    ));
    (out.status.success(), output_text(&out))
}

/// Our LAC with profile `tp-xl`: one tunnel from `source` to `lns` with `secret`.
fn our_lac(source: &str, lns: &str, secret: &str) -> DaemonProcess {
    let lac = DaemonProcess::start();
    lac.commit(&format!(
        "set system host-name our-lac\n\
             set access tunnel-profile tp-xl tunnel 1 type l2tp\n\
             set access tunnel-profile tp-xl tunnel 1 medium ipv4\n\
             set access tunnel-profile tp-xl tunnel 1 secret {secret}\n\
             set access tunnel-profile tp-xl tunnel 1 source-gateway address {source}\n\
             set access tunnel-profile tp-xl tunnel 1 remote-gateway address {lns}\n"
    ));
    lac
}

/// Our LNS on `local`, accepting the LAC whose Host Name is `client` with `secret`.
fn our_lns(local: &str, client: &str, secret: &str) -> DaemonProcess {
    let lns = DaemonProcess::start();
    lns.commit(&format!(
        "set system host-name our-lns\n\
             set services l2tp tunnel-group xl-lacs local-gateway address {local}\n\
             set services l2tp tunnel-group xl-lacs l2tp-access-profile xl-clients\n\
             set access profile xl-clients client {client} l2tp shared-secret {secret}\n"
    ));
    lns
}

fn xl2tpd_lns(listen: &str, secret: &str) -> Xl2tpd {
    Xl2tpd::start(&Xl2tpdConfig {
        listen: addr(listen),
        hostname: "xl-lns".into(),
        secret: Some(secret.into()),
        role: Role::Lns,
    })
}

fn xl2tpd_lac(listen: &str, lns: &str, secret: &str) -> Xl2tpd {
    Xl2tpd::start(&Xl2tpdConfig {
        listen: addr(listen),
        hostname: "xl-lac".into(),
        secret: Some(secret.into()),
        role: Role::Lac {
            name: "ours".into(),
            lns: addr(lns),
        },
    })
}

fn wait(x: &mut Xl2tpd, needle: &str) -> String {
    x.wait_for(needle, STEP).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn our_lac_opens_authenticated_sessions_to_an_xl2tpd_lns() {
    if !xl2tpd_present() {
        return;
    }
    let mut peer = xl2tpd_lns("127.0.1.2", SECRET);
    let lac = our_lac("127.0.1.1", "127.0.1.2", SECRET);

    let (ok, shown) = tunnel_test(&lac, "u1@example.net");
    // The session comes up, and xl2tpd ends it (its pppd stopped) before it could carry the
    // echo: the test says both, and fails because the path was not proven.
    assert!(!ok, "{shown}");
    assert!(
        shown.contains(
            ": established; no LCP echo reply: session disconnected by the peer: result 1 error 0"
        ),
        "{shown}"
    );
    assert!(shown.contains("\n  Remote tunnel "), "{shown}");
    let (tunnel, first) = tunnel_test_ids(&shown).unwrap_or_else(|| panic!("no IDs in {shown}"));
    wait(&mut peer, "Connection established to 127.0.1.1, 1701");
    wait(&mut peer, "Call established with 127.0.1.1, PID: ");
    // Exit code 2: pppd stopped on its options file, as the harness intends.
    wait(
        &mut peer,
        &format!("pppd exited for call {first} with code 2"),
    );
    wait(&mut peer, "call_close: Call ");

    // The CDN cleared the session only: the next test session rides the same tunnel, which
    // xl2tpd authenticated once.
    let (ok, shown) = tunnel_test(&lac, "u2@example.net");
    assert!(!ok, "{shown}");
    let (again, second) = tunnel_test_ids(&shown).unwrap_or_else(|| panic!("no IDs in {shown}"));
    assert_eq!(again, tunnel, "the tunnel was kept: {shown}");
    assert_ne!(second, first, "{shown}");
    wait(&mut peer, &format!("pppd exited for call {second} "));
    assert_eq!(peer.count("Connection established to 127.0.1.1"), 1);
    assert_eq!(peer.count("Stop-Control-Connection-Notification"), 0);
    assert_eq!(peer.count("Incoming-Call-Connected"), 2, "{}", peer.log());
}

#[test]
fn an_xl2tpd_lac_dials_our_lns() {
    if !xl2tpd_present() {
        return;
    }
    let lns = our_lns("127.0.1.4", "xl-lac", SECRET);
    let mut peer = xl2tpd_lac("127.0.1.3", "127.0.1.4", SECRET);

    peer.command("c ours").expect("dial");
    // xl2tpd checked our Challenge Response and we checked its: the tunnel is up.
    let line = wait(&mut peer, "Connection established to 127.0.1.4, 1701");
    assert!(line.contains("Remote: "), "{line}");
    // ICRQ answered with ICRP, ICCN acknowledged: the call is up on both sides.
    let line = wait(&mut peer, "Call established with 127.0.1.4");
    assert!(
        line.contains("Remote: "),
        "our LNS assigned a session ID: {line}"
    );
    // pppd stops; xl2tpd sends CDN result 1 and our LNS takes it.
    wait(&mut peer, "pppd exited for call ");
    wait(&mut peer, "call_close: Call ");

    // The tunnel outlives the call: xl2tpd still has it to hang up, and we never sent
    // StopCCN (xl2tpd logs every one it receives).
    peer.command("d ours").expect("hang up");
    wait(&mut peer, "Disconnecting from 127.0.1.4");
    wait(&mut peer, "(Goodbye!)");
    assert_eq!(
        peer.count("Stop-Control-Connection-Notification"),
        0,
        "{}",
        peer.log()
    );
    assert_eq!(
        peer.count("Connection established to 127.0.1.4"),
        1,
        "{}",
        peer.log()
    );
    // Our daemon is still there and answers.
    let out = lns.run("show system commit");
    assert!(out.status.success(), "{}", output_text(&out));
}

#[test]
fn a_wrong_tunnel_secret_fails_the_tunnel_either_way() {
    if !xl2tpd_present() {
        return;
    }
    // Our LAC checks xl2tpd's Challenge Response, refuses it, and says why.
    let mut peer = xl2tpd_lns("127.0.1.6", SECRET);
    let lac = our_lac("127.0.1.5", "127.0.1.6", "not-the-secret");
    let (ok, shown) = tunnel_test(&lac, "u1@example.net");
    assert!(!ok, "{shown}");
    assert!(
        shown.contains(": failed: no tunnel of the profile could carry the session; tunnel "),
        "{shown}"
    );
    assert!(
        shown.contains(
            ": tunnel authentication failed: challenge response does not match the tunnel secret"
        ),
        "{shown}"
    );
    // Our StopCCN carried the reason to xl2tpd, and no call was attempted.
    let line = wait(&mut peer, "Connection closed to 127.0.1.5, port 1701 (");
    assert!(
        line.contains("(challenge response does not match the tunnel secret)"),
        "{line}"
    );
    assert_eq!(peer.count("Incoming-Call-Request"), 0, "{}", peer.log());

    // xl2tpd as the LAC checks our Challenge Response against its own secret and hangs up.
    let _lns = our_lns("127.0.1.8", "xl-lac", SECRET);
    let mut peer = xl2tpd_lac("127.0.1.7", "127.0.1.8", "not-the-secret");
    peer.command("c ours").expect("dial");
    wait(&mut peer, "Invalid authentication for host ");
    wait(&mut peer, "(Invalid challenge authentication)");
    assert_eq!(peer.count("Connection established to"), 0, "{}", peer.log());
}
