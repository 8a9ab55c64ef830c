//! The whole chain with real processes and a real kernel (issue 11, Tests): emulated PPPoE
//! subscribers (`pppoe-emulator`, one namespace) → our LAC (`l2tpd`, AF_PACKET) → our LNS
//! (`l2tpd`, loopback, same namespace) → its service interface (a TUN device, `si-0-0-0`) →
//! an "internet" namespace behind a veth pair. Each subscriber gets a pool address by IPCP,
//! pings the internet host and runs a UDP flow to its echo server; the LNS took the LAC's
//! proxy LCP, or renegotiated with `lcp-renegotiation`; a wrong password is refused with the
//! cause visible at both ends; a subscriber the LAC's domain map does not tunnel is
//! terminated on the LAC itself and reaches the internet through its `pp0` interface.
//!
//! Needs root (namespaces, AF_PACKET, TUN): CI runs as root and must run it; elsewhere
//! without root it says why and returns.

use std::time::Duration;

use serde_json::Value;

use l2tp_tests::netns::may_run_as_root;
use l2tp_tests::ops::{leaf, run_ok, show_json, subscribers};
use l2tp_tests::subscriber_lab::{
    lac_lines, lns_ip_lines, summary_count, udp_echo_server, wait_for, EmulatorProcess, Internet,
    SubscriberLab, INTERNET_HOST, LNS_ADDRESS, POOL_NETWORK,
};
use l2tp_tests::DaemonProcess;

const WAIT: Duration = Duration::from_secs(30);
/// Seconds each emulated subscriber stays up: long enough to be seen, bounded.
const HOLD: &str = "8";

fn in_pool(address: &str) -> bool {
    address.starts_with("198.18.100.")
}

/// Starts the emulator with IP probes: each subscriber stays up `HOLD` seconds, then
/// leaves with a PADT and the emulator prints its summary.
fn ping_run(lab: &SubscriberLab, count: usize, extra: &[&str]) -> EmulatorProcess {
    let count = count.to_string();
    let udp = format!("{INTERNET_HOST}:7");
    let mut args = vec![
        "--count",
        &count,
        "--up-at",
        "ip",
        "--ping",
        INTERNET_HOST,
        "--udp",
        &udp,
        "--hold",
        HOLD,
        "--timeout",
        "40",
    ];
    args.extend_from_slice(extra);
    lab.emulator(&args)
}

/// Waits until `daemon` shows `count` active subscribers, each with a pool address.
fn wait_for_active(daemon: &DaemonProcess, count: usize) -> Vec<Value> {
    wait_for(&format!("{count} active subscribers"), WAIT, || {
        let shown = subscribers(daemon);
        let active = shown
            .iter()
            .filter(|s| leaf(s, "state").as_deref() == Some("active"))
            .filter(|s| in_pool(&leaf(s, "ip-address").unwrap_or_default()))
            .count();
        if active == count {
            Ok(shown)
        } else {
            Err(format!("{shown:?}"))
        }
    })
}

#[test]
fn subscribers_get_pool_addresses_and_reach_the_internet_through_the_lns() {
    if !may_run_as_root("lns_ip_netns") {
        return;
    }
    let lab = SubscriberLab::create("lnsip");
    let internet = Internet::attach(&lab, "lnsip");
    let echo = udp_echo_server(&internet, Duration::from_secs(50));
    let (_lac, lns) = lab.lac_and_lns_with(&lns_ip_lines(100));

    let emulator = ping_run(&lab, 10, &[]);
    // The LNS shows each subscriber with its pool address, arrived by L2TP.
    let shown = wait_for_active(&lns, 10);
    for s in &shown {
        assert_eq!(leaf(s, "access-type").as_deref(), Some("l2tp"), "{s}");
        // LCP opened from the LAC's proxy LCP, without renegotiating.
        assert_eq!(leaf(s, "lcp-negotiation").as_deref(), Some("proxy"), "{s}");
    }
    let pools = show_json(&lns, "show network-access address-assignment pool p");
    let text = pools.to_string();
    assert!(text.contains(POOL_NETWORK), "{text}");
    // `show route`: each subscriber's address is an Access-internal /32 on its si- unit.
    let routes = show_json(&lns, "show route protocol access-internal").to_string();
    assert_eq!(
        routes.matches("\"Access-internal\"").count(),
        10,
        "{routes}"
    );
    assert_eq!(routes.matches("/32\"").count(), 10, "{routes}");
    assert!(routes.contains("\"si-0/0/0."), "{routes}");

    let (ok, summary) = emulator.finish(Duration::from_secs(60));
    assert!(ok, "{summary}");
    assert_eq!(summary_count(&summary, &["ipcp_up"]), 10, "{summary}");
    assert_eq!(
        summary_count(&summary, &["addresses"]),
        10,
        "distinct addresses: {summary}"
    );
    assert!(
        summary_count(&summary, &["ping_replies"]) >= 10,
        "{summary}"
    );
    assert!(summary_count(&summary, &["udp_replies"]) >= 10, "{summary}");
    let echoed = echo.join().expect("the echo server");
    assert!(echoed >= 10, "the internet host echoed {echoed} datagrams");

    // Every subscriber left: the LNS let every address go.
    wait_for("the LNS empties", WAIT, || {
        let shown = subscribers(&lns);
        if shown.is_empty() {
            Ok(())
        } else {
            Err(format!("{shown:?}"))
        }
    });
    // And their routes went with them.
    let routes = run_ok(&lns, "show route | no-more");
    assert_eq!(routes.trim(), "", "{routes}");
}

#[test]
fn lcp_renegotiation_and_a_wrong_password_at_the_lns() {
    if !may_run_as_root("lns_ip_netns") {
        return;
    }
    let lab = SubscriberLab::create("lnsrn");
    let internet = Internet::attach(&lab, "lnsrn");
    let _echo = udp_echo_server(&internet, Duration::from_secs(50));
    let lns = lab.daemon();
    lns.commit(&format!(
        "{}set access profile ap client e2e-lac l2tp lcp-renegotiation\n\
         set services l2tp tunnel-group g aaa-access-profile users\n\
         set access profile users authentication-order password\n\
         set access profile users client user1@isp.example chap-secret secret\n\
         set access profile users client user1@isp.example pap-password secret\n",
        lns_ip_lines(100)
    ));
    let lac = lab.daemon();
    lac.commit(&lac_lines(lab.port(), LNS_ADDRESS));

    // user1 knows the secret: LCP and authentication are redone with the LNS and it is in.
    let emulator = ping_run(&lab, 1, &[]);
    let shown = wait_for_active(&lns, 1);
    assert_eq!(
        leaf(&shown[0], "lcp-negotiation").as_deref(),
        Some("renegotiated"),
        "{shown:?}"
    );
    let (ok, summary) = emulator.finish(Duration::from_secs(60));
    assert!(ok, "{summary}");

    // With a wrong password it is refused by the LNS: the emulator sees the authentication
    // fail, and the LNS's CDN says why.
    let (ok, wrong) = lab
        .emulator(&[
            "--count",
            "1",
            "--password",
            "wrong",
            "--up-at",
            "authenticated",
            "--timeout",
            "10",
        ])
        .finish(Duration::from_secs(30));
    assert!(!ok, "a wrong password got in: {wrong}");
    // The LNS counts the refusal and the subscriber's end by cause.
    let summary = wait_for("the LNS's refusal", WAIT, || {
        let summary = run_ok(&lns, "show subscribers summary | no-more");
        if summary.contains("authentication-failed: 1") {
            Ok(summary)
        } else {
            Err(summary)
        }
    });
    assert!(summary.contains("wrong-password: 1"), "{summary}");
    // The client was told: its authentication failed (it then left with a PADT, which
    // the LAC counts).
    assert_eq!(summary_failures(&wrong), Some(1), "{wrong}");
    let lac_summary = run_ok(&lac, "show subscribers summary | no-more");
    assert!(lac_summary.contains("client-padt"), "{lac_summary}");
}

fn summary_failures(summary: &Value) -> Option<u64> {
    summary["failures"]["auth-failed"].as_u64()
}

#[test]
fn a_subscriber_the_lac_does_not_tunnel_is_terminated_there_and_reaches_the_internet() {
    if !may_run_as_root("lns_ip_netns") {
        return;
    }
    let lab = SubscriberLab::create("lacloc");
    let internet = Internet::attach(&lab, "lacloc");
    let _echo = udp_echo_server(&internet, Duration::from_secs(50));
    let lac = lab.daemon();
    lac.commit(&format!(
        "set system host-name e2e-lac\n\
         set interfaces {} unit 0 family pppoe access-concentrator e2e-lac\n\
         set access domain map isp.example address-pool p\n\
         set access address-assignment pool p family inet network {POOL_NETWORK}\n\
         set access address-assignment pool p family inet range r low 198.18.100.10\n\
         set access address-assignment pool p family inet range r high 198.18.100.250\n",
        lab.port()
    ));
    let emulator = ping_run(&lab, 3, &[]);
    let shown = wait_for_active(&lac, 3);
    for s in &shown {
        assert_eq!(leaf(s, "access-type").as_deref(), Some("pppoe"), "{s}");
    }
    let (ok, summary) = emulator.finish(Duration::from_secs(60));
    assert!(ok, "{summary}");
    assert_eq!(summary_count(&summary, &["ipcp_up"]), 3, "{summary}");
    assert!(summary_count(&summary, &["ping_replies"]) >= 3, "{summary}");
}

/// The LNS's service interface is read by the data workers, a TUN queue each (issue 15,
/// item 2), and a commit that changes `data-workers` makes the queues again on the new
/// workers: the internet's replies still reach the subscribers after it.
#[test]
fn after_a_commit_of_data_workers_the_replies_still_reach_the_subscribers() {
    if !may_run_as_root("lns_ip_netns") {
        return;
    }
    let lab = SubscriberLab::create("lnswk");
    let internet = Internet::attach(&lab, "lnswk");
    let echo = udp_echo_server(&internet, Duration::from_secs(50));
    let (_lac, lns) = lab.lac_and_lns_with(&lns_ip_lines(100));
    lns.commit("set services l2tp data-workers 3\n");
    lns.commit("set services l2tp data-workers 1\n");

    let emulator = ping_run(&lab, 10, &[]);
    wait_for_active(&lns, 10);
    let (ok, summary) = emulator.finish(Duration::from_secs(60));
    assert!(ok, "{summary}");
    assert!(
        summary_count(&summary, &["ping_replies"]) >= 10,
        "{summary}"
    );
    assert!(summary_count(&summary, &["udp_replies"]) >= 10, "{summary}");
    assert!(echo.join().expect("the echo server") >= 10);
}
