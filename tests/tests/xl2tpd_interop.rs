//! Interoperability with xl2tpd (Debian package `xl2tpd`), the common open-source L2TP
//! daemon: xl2tpd as the LNS of our LAC, xl2tpd as a LAC dialling our LNS, calls that
//! xl2tpd clears at once, and tunnel secrets that do not match, each way.
//!
//! Where the harness can (root: see `l2tp_tests::xl2tpd`), xl2tpd's pppd is `ppp-responder`,
//! which keeps calls up and answers LCP echoes: the data path is proven end to end and the
//! sessions stay until one side clears them. Without root those tests say why and stop;
//! in CI they must run. One test keeps the real pppd, stopped at once, so xl2tpd ends its
//! calls with CDN result 1 milliseconds after they come up: that is the disconnect our side
//! must take in its stride, keeping the tunnel.
//!
//! Each test has its own pair of 127.0.1.x addresses (every L2TP end binds UDP port 1701),
//! so the tests of this file run in parallel without meeting.

use std::net::Ipv4Addr;
use std::time::Duration;

use serde_json::Value;

use l2tp_tests::ops::{leaf, number, rows, subscribers, tunnel_test_ids};
use l2tp_tests::xl2tpd::{present_or_skip, Ppp, Role, Xl2tpd, Xl2tpdConfig};
use l2tp_tests::{output_text, DaemonProcess};

/// Bound on each wait for xl2tpd to log a step; the steps take milliseconds on loopback.
const STEP: Duration = Duration::from_secs(10);
/// How long a session must outlive its setup to count as staying up: longer than xl2tpd
/// takes to clear a call whose pppd failed (milliseconds), shorter than ppp-responder's
/// Restart timer, so no Configure-Request retransmission is needed to keep it.
const STAYS_UP: Duration = Duration::from_secs(1);
const SECRET: &str = "interop-secret";

/// xl2tpd is there and its calls reach ppp-responder (`Ppp::best_available` says why not,
/// and panics in CI when they cannot).
fn responder_present() -> bool {
    if !present_or_skip() {
        return false;
    }
    match Ppp::best_available() {
        Ppp::Responder => true,
        Ppp::StopAtOnce => {
            eprintln!("skipped: this test needs calls that stay up");
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

/// Runs `command`; panics with its output when it fails.
fn run(daemon: &DaemonProcess, command: &str) -> String {
    let out = daemon.run(command);
    let text = output_text(&out);
    assert!(out.status.success(), "'{command}' failed:\n{text}");
    text
}

/// The rows of `show services l2tp session | display json`.
fn sessions(daemon: &DaemonProcess) -> Vec<Value> {
    let text = run(
        daemon,
        "show services l2tp session | display json | no-more",
    );
    let json: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"));
    rows(&json, "service-l2tp-session-information", "l2tp-session")
        .into_iter()
        .cloned()
        .collect()
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

/// Our LNS on `local`, accepting the LAC whose Host Name is `client` with `secret`, and
/// handing its subscribers addresses from 198.18.240.10 up; `extra` adds set lines.
fn our_lns(local: &str, client: &str, secret: &str, extra: &str) -> DaemonProcess {
    let lns = DaemonProcess::start();
    lns.commit(&format!(
        "set system host-name our-lns\n\
             set services l2tp tunnel-group xl-lacs local-gateway address {local}\n\
             set services l2tp tunnel-group xl-lacs l2tp-access-profile xl-clients\n\
             set access profile xl-clients client {client} l2tp shared-secret {secret}\n\
             set access address-assignment pool p family inet network 198.18.240.0/24\n\
             set access address-assignment pool p family inet range r low 198.18.240.10\n\
             set access address-assignment pool p family inet range r high 198.18.240.250\n\
             {extra}"
    ));
    lns
}

fn xl2tpd_lns(listen: &str, secret: &str, ppp: Ppp) -> Xl2tpd {
    Xl2tpd::start(&Xl2tpdConfig {
        listen: addr(listen),
        hostname: "xl-lns".into(),
        secret: Some(secret.into()),
        role: Role::Lns,
        ppp,
        ppp_password: None,
    })
}

/// An xl2tpd LAC whose calls' responder authenticates as user `ours` with `ppp_password`
/// (`None`: the responder's default).
fn xl2tpd_lac(
    listen: &str,
    lns: &str,
    secret: &str,
    ppp: Ppp,
    ppp_password: Option<&str>,
) -> Xl2tpd {
    Xl2tpd::start(&Xl2tpdConfig {
        listen: addr(listen),
        hostname: "xl-lac".into(),
        secret: Some(secret.into()),
        role: Role::Lac {
            name: "ours".into(),
            lns: addr(lns),
        },
        ppp,
        ppp_password: ppp_password.map(String::from),
    })
}

fn wait(x: &mut Xl2tpd, needle: &str) -> String {
    x.wait_for(needle, STEP).unwrap_or_else(|e| panic!("{e}"))
}

/// The number after `label` in an xl2tpd log line (`… Local: 4711, Remote: 17 …`).
fn field(line: &str, label: &str) -> u16 {
    line.split_once(label)
        .and_then(|(_, rest)| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or_else(|| panic!("no number after {label:?} in {line:?}"))
}

#[test]
fn our_lac_proves_the_path_through_an_xl2tpd_lns_and_the_sessions_stay() {
    if !responder_present() {
        return;
    }
    let mut peer = xl2tpd_lns("127.0.1.2", SECRET, Ppp::Responder);
    let lac = our_lac("127.0.1.1", "127.0.1.2", SECRET);

    // The Echo-Request crossed xl2tpd and its pty to the responder, the reply came back.
    let (ok, shown) = tunnel_test(&lac, "u1@example.net");
    assert!(ok, "{shown}");
    assert!(
        shown.contains(": established; LCP echo reply in "),
        "{shown}"
    );
    let (tunnel, first) = tunnel_test_ids(&shown).unwrap_or_else(|| panic!("no IDs in {shown}"));
    wait(&mut peer, "Connection established to 127.0.1.1, 1701");
    wait(&mut peer, "Call established with 127.0.1.1, PID: ");
    wait(&mut peer, "echo reply sent");

    // The second session rides the same tunnel, which xl2tpd authenticated once.
    let (ok, shown) = tunnel_test(&lac, "u2@example.net");
    assert!(ok, "{shown}");
    let (again, second) = tunnel_test_ids(&shown).unwrap_or_else(|| panic!("no IDs in {shown}"));
    assert_eq!(again, tunnel, "the tunnel was kept: {shown}");
    assert_ne!(second, first, "{shown}");

    std::thread::sleep(STAYS_UP);
    let listed = sessions(&lac);
    let mut ids: Vec<u64> = listed
        .iter()
        .map(|s| number(s, "session-local-id"))
        .collect();
    ids.sort_unstable();
    let mut expected = vec![u64::from(first), u64::from(second)];
    expected.sort_unstable();
    assert_eq!(ids, expected, "{listed:?}");
    for s in &listed {
        assert_eq!(leaf(s, "state").as_deref(), Some("established"), "{s}");
        assert_eq!(number(s, "tunnel-local-id"), u64::from(tunnel), "{s}");
    }
    let log = peer.log();
    assert_eq!(peer.count("pppd exited"), 0, "{log}");
    assert_eq!(peer.count("call_close: Call "), 0, "{log}");
    assert_eq!(
        peer.count("Connection established to 127.0.1.1"),
        1,
        "{log}"
    );
    assert_eq!(peer.count("Incoming-Call-Connected"), 2, "{log}");
    assert_eq!(peer.count("echo reply sent"), 2, "{log}");
}

#[test]
fn an_xl2tpd_lac_call_stays_on_our_lns_until_we_clear_it() {
    if !responder_present() {
        return;
    }
    let lns = our_lns("127.0.1.4", "xl-lac", SECRET, "");
    let mut peer = xl2tpd_lac("127.0.1.3", "127.0.1.4", SECRET, Ppp::Responder, None);

    peer.command("c ours").expect("dial");
    // xl2tpd checked our Challenge Response and we checked its: the tunnel is up.
    let line = wait(&mut peer, "Connection established to 127.0.1.4, 1701");
    assert!(line.contains("Remote: "), "{line}");
    // ICRQ answered with ICRP, ICCN acknowledged: the call is up on both sides, and
    // xl2tpd started the responder on it.
    let call = wait(&mut peer, "Call established with 127.0.1.4");
    let remote_session = field(&call, "Remote: ");
    wait(&mut peer, "LCP configure-request id 1 sent");
    // Our LNS renegotiated LCP asking for CHAP (no profile: anyone is admitted), then
    // assigned the pool's first address over IPCP.
    wait(
        &mut peer,
        "CHAP challenge received, response sent (user ours)",
    );
    wait(&mut peer, "authentication succeeded (CHAP");
    wait(&mut peer, "IPCP up, address 198.18.240.10,");

    std::thread::sleep(STAYS_UP);
    let listed = sessions(&lns);
    assert_eq!(listed.len(), 1, "{listed:?}");
    let session = &listed[0];
    assert_eq!(leaf(session, "state").as_deref(), Some("established"));
    assert_eq!(leaf(session, "role").as_deref(), Some("lns"));
    assert_eq!(
        number(session, "session-local-id"),
        u64::from(remote_session),
        "{call}\n{session}"
    );
    assert_eq!(peer.count("pppd exited"), 0, "{}", peer.log());
    let listed = subscribers(&lns);
    assert_eq!(listed.len(), 1, "{listed:?}");
    let subscriber = &listed[0];
    assert_eq!(
        leaf(subscriber, "ip-address").as_deref(),
        Some("198.18.240.10"),
        "{subscriber}"
    );
    assert_eq!(
        leaf(subscriber, "user-name").as_deref(),
        Some("ours"),
        "{subscriber}"
    );
    assert_eq!(
        leaf(subscriber, "state").as_deref(),
        Some("active"),
        "{subscriber}"
    );

    // Our CDN, with the reason, reaches xl2tpd, which hangs up its PPP: it closes the pty
    // (the responder exits) and sends pppd SIGTERM.
    run(&lns, "clear services l2tp session all");
    wait(&mut peer, "message type is Call-Disconnect-Notify(14)");
    let line = wait(&mut peer, "Connection closed to 127.0.1.4, serial ");
    assert!(line.contains("(cleared by operator)"), "{line}");
    wait(&mut peer, "Terminating pppd: sending TERM signal");
    wait(&mut peer, "; exiting");
    assert!(sessions(&lns).is_empty());
    assert!(subscribers(&lns).is_empty());

    // The tunnel outlives the call, and we never sent StopCCN.
    peer.command("d ours").expect("hang up");
    wait(&mut peer, "Disconnecting from 127.0.1.4");
    wait(&mut peer, "(Goodbye!)");
    assert_eq!(
        peer.count("Stop-Control-Connection-Notification"),
        0,
        "{}",
        peer.log()
    );
    assert_eq!(peer.count("Connection established to 127.0.1.4"), 1);
}

#[test]
fn a_wrong_ppp_password_ends_the_xl2tpd_call_and_keeps_the_tunnel() {
    if !responder_present() {
        return;
    }
    // User `ours` (the `[lac]` name xl2tpd gives pppd) is a local user of the tunnel
    // group's aaa-access-profile; the responder answers with another secret.
    let lns = our_lns(
        "127.0.1.12",
        "xl-lac",
        SECRET,
        "set services l2tp tunnel-group xl-lacs aaa-access-profile lns-users\n\
         set access profile lns-users authentication-order password\n\
         set access profile lns-users client ours chap-secret right-secret\n\
         set access profile lns-users client ours pap-password right-secret\n",
    );
    let mut peer = xl2tpd_lac(
        "127.0.1.11",
        "127.0.1.12",
        SECRET,
        Ppp::Responder,
        Some("wrong-secret"),
    );

    peer.command("c ours").expect("dial");
    wait(&mut peer, "Connection established to 127.0.1.12, 1701");
    wait(&mut peer, "Call established with 127.0.1.12");
    wait(
        &mut peer,
        "CHAP challenge received, response sent (user ours)",
    );
    // The LNS answers CHAP Failure, terminates LCP and sends CDN result 2 with the reason.
    wait(&mut peer, "authentication failed (CHAP");
    wait(&mut peer, "message type is Call-Disconnect-Notify(14)");
    let line = wait(&mut peer, "Connection closed to 127.0.1.12, serial ");
    assert!(line.contains("(authentication failed)"), "{line}");
    // The responder acknowledged the LNS's Terminate-Request and waited; the CDN came
    // first, and xl2tpd hung up its PPP.
    wait(&mut peer, "LCP terminate-request id ");
    wait(&mut peer, "Terminating pppd: sending TERM signal");
    wait(&mut peer, "; exiting");
    assert_eq!(peer.count("IPCP up"), 0, "{}", peer.log());
    assert!(sessions(&lns).is_empty());
    assert!(subscribers(&lns).is_empty());
    // Only the call ended: no StopCCN.
    assert_eq!(
        peer.count("Stop-Control-Connection-Notification"),
        0,
        "{}",
        peer.log()
    );
}

#[test]
fn calls_xl2tpd_clears_at_once_leave_the_tunnel_up() {
    if !present_or_skip() {
        return;
    }
    let mut peer = xl2tpd_lns("127.0.1.10", SECRET, Ppp::StopAtOnce);
    let lac = our_lac("127.0.1.9", "127.0.1.10", SECRET);

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
    wait(&mut peer, "Connection established to 127.0.1.9, 1701");
    wait(&mut peer, "Call established with 127.0.1.9, PID: ");
    // pppd stopped on its options file (code 2), or could not even be run by a user
    // outside group dip (code 1, from xl2tpd's child): either way the call ends.
    let line = wait(
        &mut peer,
        &format!("pppd exited for call {first} with code "),
    );
    assert!(!line.ends_with("with code 0"), "{line}");
    wait(&mut peer, "call_close: Call ");

    // The CDN cleared the session only: the next test session rides the same tunnel.
    let (ok, shown) = tunnel_test(&lac, "u2@example.net");
    assert!(!ok, "{shown}");
    let (again, second) = tunnel_test_ids(&shown).unwrap_or_else(|| panic!("no IDs in {shown}"));
    assert_eq!(again, tunnel, "the tunnel was kept: {shown}");
    assert_ne!(second, first, "{shown}");
    wait(&mut peer, &format!("pppd exited for call {second} "));
    assert_eq!(peer.count("Connection established to 127.0.1.9"), 1);
    assert_eq!(peer.count("Stop-Control-Connection-Notification"), 0);
    assert_eq!(peer.count("Incoming-Call-Connected"), 2, "{}", peer.log());
    assert!(sessions(&lac).is_empty());
}

#[test]
fn a_wrong_tunnel_secret_fails_the_tunnel_either_way() {
    if !present_or_skip() {
        return;
    }
    // No call is placed: whatever stands in for pppd never runs.
    let ppp = Ppp::best_available();
    // Our LAC checks xl2tpd's Challenge Response, refuses it, and says why.
    let mut peer = xl2tpd_lns("127.0.1.6", SECRET, ppp);
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
    let _lns = our_lns("127.0.1.8", "xl-lac", SECRET, "");
    let mut peer = xl2tpd_lac("127.0.1.7", "127.0.1.8", "not-the-secret", ppp, None);
    peer.command("c ours").expect("dial");
    wait(&mut peer, "Invalid authentication for host ");
    wait(&mut peer, "(Invalid challenge authentication)");
    assert_eq!(peer.count("Connection established to"), 0, "{}", peer.log());
}
