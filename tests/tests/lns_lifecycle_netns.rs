//! The LNS's subscriber lifecycle with real processes (issue 11, Tests): the chain of
//! `lns_ip_netns` (emulator → our LAC → our LNS → TUN `si-0-0-0` → an "internet" namespace),
//! driven through what an operator and many subscribers do over time:
//! - 1,000 subscribers up to IPCP and down again, five rounds: the LNS returns to where it
//!   started each time (pool, subscribers, L2TP sessions, TUN addresses and routes) and its
//!   memory does not grow round after round;
//! - a commit that changes the pool under subscribers that are up leaves their addresses
//!   and their traffic alone;
//! - `clear services l2tp session all` at the LNS during traffic ends the subscribers at
//!   both ends, returns their addresses, and the next subscriber comes up at once;
//! - a pool of 5 addresses and 8 subscribers: 5 up, 3 refused, counted as `no-address`;
//! - datagrams a subscriber sends from an address not its own are dropped and counted.
//!
//! Needs root (namespaces, AF_PACKET, TUN): CI runs as root and must run it; elsewhere
//! without root it says why and returns.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use nix::sys::signal::Signal;
use serde_json::Value;

use l2tp_tests::netns::may_run_as_root;
use l2tp_tests::ops::{elements, leaf, number, rows, run_ok, show_json, subscribers};
use l2tp_tests::subscriber_lab::{
    l2tp_sessions, lac_lines, lns_ip_lines, lns_lines, sessions_with_data, udp_echo_server,
    wait_for, EmulatorProcess, Internet, SubscriberLab, INTERNET_HOST, LNS_ADDRESS, SERVICE_DEVICE,
    SERVICE_INTERFACE,
};
use l2tp_tests::DaemonProcess;

/// Bound on each wait for the daemons: they take milliseconds per subscriber.
const WAIT: Duration = Duration::from_secs(30);
const MANY: usize = 1000;
const ROUNDS: usize = 5;

/// Emulator arguments: `count` subscribers up to IPCP, held until the test ends them
/// (SIGTERM: a PADT each) or the far end does; `extra` after.
fn held(lab: &SubscriberLab, count: usize, extra: &[&str]) -> EmulatorProcess {
    let count = count.to_string();
    let mut args = vec![
        "--count",
        &count,
        "--rate",
        "5000",
        "--up-at",
        "ip",
        "--hold",
        "600",
        "--timeout",
        "55",
    ];
    args.extend_from_slice(extra);
    lab.emulator(&args)
}

/// `show subscribers summary | display json`, its one object.
fn summary(daemon: &DaemonProcess) -> Value {
    let json = show_json(daemon, "show subscribers summary");
    rows(&json, "subscribers-summary-information", "summary")
        .first()
        .map(|v| (*v).clone())
        .unwrap_or_else(|| panic!("no summary in {json}"))
}

/// A `name`/`count` list of the summary (`state-count`, `termination-count`, ...).
fn counts(summary: &Value, list: &str) -> BTreeMap<String, u64> {
    elements(summary, list)
        .into_iter()
        .filter_map(|c| Some((leaf(c, "name")?, number(c, "count"))))
        .collect()
}

/// Waits until `daemon` shows exactly `count` subscribers, all active.
fn wait_for_active(daemon: &DaemonProcess, count: usize) {
    wait_for(&format!("{count} active subscribers"), WAIT, || {
        let s = summary(daemon);
        let total = number(&s, "total");
        let active = counts(&s, "state-count").get("active").copied();
        if total == count as u64 && (count == 0 || active == Some(count as u64)) {
            Ok(())
        } else {
            Err(s.to_string())
        }
    })
}

/// Addresses of pool `pool` in use, as `show network-access address-assignment pool`.
fn pool_in_use(daemon: &DaemonProcess, pool: &str) -> u64 {
    let json = show_json(
        daemon,
        &format!("show network-access address-assignment pool {pool}"),
    );
    let pools = rows(&json, "address-pool-information", "address-pool");
    let row = pools
        .first()
        .unwrap_or_else(|| panic!("no pool {pool}: {json}"));
    number(row, "addresses-in-use")
}

/// `show subscribers | display json` rows: user name → address.
fn addresses(daemon: &DaemonProcess) -> BTreeMap<String, String> {
    subscribers(daemon)
        .iter()
        .filter_map(|s| Some((leaf(s, "user-name")?, leaf(s, "ip-address")?)))
        .collect()
}

/// The daemon's resident set, from `/proc/PID/status` (`ip netns exec` execs the daemon, so
/// the pid is its own).
fn rss_kib(daemon: &DaemonProcess) -> u64 {
    let pid = daemon.pid().expect("the daemon runs");
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no VmRSS in {status}"))
}

/// `ip -n NS -4 WHAT show dev si-0-0-0`, one entry a line, sorted (so a round compares
/// equal to the baseline whatever order the kernel lists them in).
fn tun_state(lab: &SubscriberLab, what: &str) -> Vec<String> {
    let out = Command::new("ip")
        .args(["-n", lab.pair.namespace(0), "-4", what, "show", "dev"])
        .arg(SERVICE_DEVICE)
        .output()
        .expect("run ip");
    assert!(out.status.success(), "ip {what}: {out:?}");
    let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| what != "addr" || l.starts_with("inet "))
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

/// What must be the same before the first subscriber and after the last one leaves.
#[derive(Debug, PartialEq)]
struct Idle {
    pool_in_use: u64,
    subscribers: u64,
    l2tp_sessions: usize,
    tun_addresses: Vec<String>,
    tun_routes: Vec<String>,
}

fn idle(lab: &SubscriberLab, lns: &DaemonProcess, pool: &str) -> Idle {
    Idle {
        pool_in_use: pool_in_use(lns, pool),
        subscribers: number(&summary(lns), "total"),
        l2tp_sessions: l2tp_sessions(lns, false).len(),
        tun_addresses: tun_state(lab, "addr"),
        tun_routes: tun_state(lab, "route"),
    }
}

/// A pool of its own for the rounds: 1,009 addresses (the lab's /24 has 241).
const BIG_POOL: &str = "198.18.104.0/22";
const BIG_GATEWAY: &str = "198.18.104.1";

#[test]
fn a_thousand_subscribers_up_and_down_five_times_leave_nothing_behind() {
    if !may_run_as_root("lns_lifecycle_netns") {
        return;
    }
    let started = std::time::Instant::now();
    let lab = SubscriberLab::create("lnleak");
    let lns = lab.daemon();
    lns.commit(&format!(
        "{}set services l2tp tunnel-group g service-interface {SERVICE_INTERFACE}\n\
         set access address-assignment pool big family inet network {BIG_POOL}\n\
         set access address-assignment pool big family inet range r low 198.18.104.10\n\
         set access address-assignment pool big family inet range r high 198.18.107.250\n",
        lns_lines(2 * MANY)
    ));
    let lac = lab.daemon();
    lac.commit(&lac_lines(lab.port(), LNS_ADDRESS));

    let before = idle(&lab, &lns, "big");
    assert_eq!(before.pool_in_use, 0, "{before:?}");
    assert_eq!(before.subscribers, 0, "{before:?}");
    assert_eq!(before.l2tp_sessions, 0, "{before:?}");
    // The service interface holds the pool's gateway, nothing else.
    assert_eq!(before.tun_addresses.len(), 1, "{before:?}");
    assert!(
        before.tun_addresses[0].starts_with(&format!("inet {BIG_GATEWAY}")),
        "{before:?}"
    );

    let mut rss = Vec::new();
    for round in 1..=ROUNDS {
        let emulator = held(&lab, MANY, &[]);
        wait_for_active(&lns, MANY);
        assert_eq!(pool_in_use(&lns, "big"), MANY as u64, "round {round}");
        emulator.signal(Signal::SIGTERM);
        let (ok, summary) = emulator.finish(WAIT);
        assert!(ok, "round {round}: {summary}");
        assert_eq!(summary["ipcp_up"], MANY, "round {round}: {summary}");
        assert_eq!(summary["addresses"], MANY, "round {round}: {summary}");
        wait_for_active(&lns, 0);
        wait_for(
            "the LNS's L2TP sessions end",
            WAIT,
            || match l2tp_sessions(&lns, false).len() {
                0 => Ok(()),
                n => Err(format!("{n} sessions")),
            },
        );
        let after = idle(&lab, &lns, "big");
        assert_eq!(after, before, "round {round}");
        rss.push(rss_kib(&lns));
    }
    eprintln!(
        "LNS VmRSS after each round (KiB): {rss:?}; {} s",
        started.elapsed().as_secs()
    );
    // Round 1 sets the high-water mark: the allocator keeps the pages it freed (glibc
    // arenas rarely return them) and later rounds reuse them, so a round after the first
    // that finds nothing leaked grows RSS by little (measured: about 150 KiB a round, from
    // 27.9 MiB). 20 % of round 1 over rounds 2-5 (4,000 subscribers) is about 1.4 KiB per
    // subscriber, less than a subscriber's state with its PPP and session: leaking those
    // fails here. Smaller leaks of table entries fail the `Idle` comparisons above.
    let (first, last) = (rss[0], rss[ROUNDS - 1]);
    assert!(
        last <= first + first / 5,
        "VmRSS grew from {first} KiB to {last} KiB over {ROUNDS} rounds: {rss:?}"
    );
}

/// A UDP flow to the internet host's echo server: 64 datagrams, 200 ms apart (13 s).
fn udp_flow_args() -> Vec<String> {
    ["--udp", &format!("{INTERNET_HOST}:7"), "--udp-count", "64"]
        .map(str::to_string)
        .to_vec()
}

#[test]
fn a_pool_change_by_commit_keeps_the_addresses_and_traffic_of_subscribers_that_are_up() {
    if !may_run_as_root("lns_lifecycle_netns") {
        return;
    }
    let lab = SubscriberLab::create("lnpool");
    let internet = Internet::attach(&lab, "lnpool");
    // Outlives the flows (13 s after the subscribers are up); joined at the end for its count.
    let echo = udp_echo_server(&internet, Duration::from_secs(30));
    let (_lac, lns) = lab.lac_and_lns_with(&lns_ip_lines(100));

    // Without --hold the emulator leaves once every flow is done: the subscribers are up
    // for the whole flow, the commit lands in its middle.
    const COUNT: usize = 5;
    let flow = udp_flow_args();
    let mut args: Vec<&str> = vec![
        "--count",
        "5",
        "--up-at",
        "ip",
        "--ping",
        INTERNET_HOST,
        "--timeout",
        "40",
    ];
    args.extend(flow.iter().map(String::as_str));
    let mut emulator = lab.emulator(&args);
    wait_for_active(&lns, COUNT);
    let before = addresses(&lns);
    assert_eq!(before.len(), COUNT, "{before:?}");

    // A second range and another name server, while the flows run.
    lns.commit(
        "set access address-assignment pool p family inet range r2 low 198.18.100.2\n\
         set access address-assignment pool p family inet range r2 high 198.18.100.9\n\
         set access address-assignment pool p family inet dhcp-attributes name-server 198.18.254.54\n",
    );
    assert!(emulator.running(), "the flows outlast the commit");
    let pool = run_ok(
        &lns,
        "show network-access address-assignment pool p | no-more",
    );
    assert!(pool.contains("198.18.254.54"), "{pool}");
    assert!(pool.contains("r2"), "{pool}");
    assert!(pool.contains(&format!("{COUNT} in use")), "{pool}");
    assert_eq!(addresses(&lns), before, "addresses changed by the commit");

    let (ok, summary) = emulator.finish(Duration::from_secs(60));
    assert!(ok, "{summary}");
    assert_eq!(summary["ipcp_up"], COUNT, "{summary}");
    assert_eq!(summary["failures"], serde_json::json!({}), "{summary}");
    // Every datagram of every flow came back, also those sent around the commit.
    assert_eq!(summary["udp_sent"], 64 * COUNT, "{summary}");
    assert_eq!(summary["udp_replies"], 64 * COUNT, "{summary}");
    assert!(
        summary["ping_replies"].as_u64() >= Some(COUNT as u64),
        "{summary}"
    );
    let echoed = echo.join().expect("the echo server");
    assert_eq!(echoed, 64 * COUNT, "the internet host echoed {echoed}");
}

#[test]
fn clearing_l2tp_sessions_at_the_lns_during_traffic_ends_them_at_both_ends() {
    if !may_run_as_root("lns_lifecycle_netns") {
        return;
    }
    let lab = SubscriberLab::create("lnclr");
    let internet = Internet::attach(&lab, "lnclr");
    let _echo = udp_echo_server(&internet, Duration::from_secs(50));
    let (lac, lns) = lab.lac_and_lns_with(&lns_ip_lines(100));

    const COUNT: usize = 10;
    let flow = udp_flow_args();
    let emulator = held(
        &lab,
        COUNT,
        &flow.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    wait_for_active(&lns, COUNT);
    // Traffic flows on every session before the operator clears.
    wait_for(
        "data on every LNS session",
        WAIT,
        || match sessions_with_data(&lns) {
            n if n == COUNT => Ok(()),
            n => Err(format!("{n} sessions with data")),
        },
    );
    run_ok(&lns, "clear services l2tp session all");

    // The LAC had the CDNs and sent each subscriber a PADT: the emulator, holding, ends
    // only because every subscriber was ended from the far side.
    let (ok, summary) = emulator.finish(WAIT);
    assert!(ok, "{summary}");
    assert_eq!(summary["failures"]["peer-padt"], COUNT, "{summary}");
    wait_for_active(&lns, 0);
    wait_for_active(&lac, 0);
    assert_eq!(pool_in_use(&lns, "p"), 0, "addresses back to the pool");
    assert!(l2tp_sessions(&lns, false).is_empty());
    assert!(l2tp_sessions(&lac, false).is_empty());

    // Nothing stalls: a new subscriber (other MACs) comes up and reaches the internet.
    let (ok, next) = lab
        .emulator(&[
            "--count",
            "1",
            "--mac-group",
            "81",
            "--up-at",
            "ip",
            "--ping",
            INTERNET_HOST,
            "--timeout",
            "20",
        ])
        .finish(Duration::from_secs(30));
    assert!(ok, "{next}");
    assert_eq!(next["ipcp_up"], 1, "{next}");
}

#[test]
fn a_pool_of_five_and_eight_subscribers_refuses_three_for_no_address() {
    if !may_run_as_root("lns_lifecycle_netns") {
        return;
    }
    let lab = SubscriberLab::create("lnexh");
    let lns = lab.daemon();
    lns.commit(&format!(
        "{}set services l2tp tunnel-group g service-interface {SERVICE_INTERFACE}\n\
         set access address-assignment pool p family inet network 198.18.100.0/24\n\
         set access address-assignment pool p family inet range r low 198.18.100.10\n\
         set access address-assignment pool p family inet range r high 198.18.100.14\n",
        lns_lines(100)
    ));
    let lac = lab.daemon();
    lac.commit(&lac_lines(lab.port(), LNS_ADDRESS));

    let emulator = held(&lab, 8, &[]);
    let shown = wait_for("5 up and 3 refused at the LNS", WAIT, || {
        let s = summary(&lns);
        let ended = counts(&s, "termination-count");
        let active = counts(&s, "state-count").get("active").copied();
        if active == Some(5) && ended.get("no-address") == Some(&3) {
            Ok(s)
        } else {
            Err(s.to_string())
        }
    });
    assert_eq!(number(&shown, "total"), 5, "{shown}");
    assert_eq!(pool_in_use(&lns, "p"), 5);
    let text = run_ok(&lns, "show subscribers summary | no-more");
    assert!(text.contains("no-address: 3"), "{text}");

    emulator.signal(Signal::SIGTERM);
    let (ok, summary) = emulator.finish(WAIT);
    assert!(!ok, "three had no address: {summary}");
    assert_eq!(summary["ipcp_up"], 5, "{summary}");
    assert_eq!(summary["addresses"], 5, "{summary}");
    // The three authenticated, then the LNS had no address: its CDN made the LAC send
    // them a PADT.
    assert_eq!(summary["reached"]["authenticated"], 8, "{summary}");
    assert_eq!(
        summary["failures"],
        serde_json::json!({"peer-padt": 3}),
        "{summary}"
    );
    wait_for_active(&lns, 0);
    assert_eq!(pool_in_use(&lns, "p"), 0);
}

#[test]
fn datagrams_from_a_source_not_the_subscribers_own_are_dropped_and_counted() {
    if !may_run_as_root("lns_lifecycle_netns") {
        return;
    }
    let lab = SubscriberLab::create("lnspf");
    let internet = Internet::attach(&lab, "lnspf");
    let echo = udp_echo_server(&internet, Duration::from_secs(10));
    let (_lac, lns) = lab.lac_and_lns_with(&lns_ip_lines(100));

    // Two subscribers ping from their own address (answered) and send 3 datagrams each
    // from an address of the pool's network that is none of theirs.
    let udp = format!("{INTERNET_HOST}:7");
    let (ok, summary) = lab
        .emulator(&[
            "--count",
            "2",
            "--up-at",
            "ip",
            "--ping",
            INTERNET_HOST,
            "--udp",
            &udp,
            "--udp-count",
            "3",
            "--udp-source",
            "198.18.100.251",
            "--timeout",
            "20",
        ])
        .finish(Duration::from_secs(30));
    assert!(!ok, "spoofed datagrams were answered: {summary}");
    assert_eq!(summary["ipcp_up"], 2, "{summary}");
    assert!(summary["ping_replies"].as_u64() >= Some(2), "{summary}");
    assert_eq!(summary["udp_sent"], 6, "{summary}");
    assert_eq!(summary["udp_replies"], 0, "{summary}");
    let shown = wait_for("the LNS counts the spoofed datagrams", WAIT, || {
        let text = run_ok(
            &lns,
            &format!("show interfaces {SERVICE_INTERFACE} extensive | no-more"),
        );
        if text.contains("Spoofed source: 6,") {
            Ok(text)
        } else {
            Err(text)
        }
    });
    // The pings' replies all found their subscriber. (Malformed is not asserted: the
    // kernel gives the TUN an IPv6 link-local address and may send a router solicitation
    // through it, which the LNS counts there.)
    assert!(shown.contains("No subscriber: 0,"), "{shown}");
    let echoed = echo.join().expect("the echo server");
    assert_eq!(echoed, 0, "a spoofed datagram reached the internet");
}
