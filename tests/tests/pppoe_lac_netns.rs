//! PPPoE subscribers through our LAC to our LNS, with real processes and a real kernel: the
//! `pppoe-emulator` on one end of a veth pair, `l2tpd` as the LAC on the other (AF_PACKET),
//! and a second `l2tpd` as the LNS on loopback in the LAC's namespace (issue 10, Tests).
//!
//! Behind our LAC a subscriber reaches "auth-sent" in this issue (the LNS does not terminate
//! PPP yet, it answers LCP Echo-Requests): its session exists at both ends with proxy LCP and
//! proxy authentication, and every way a subscriber can end cleans both ends.
//!
//! Needs root (network namespaces, AF_PACKET): CI runs as root and must run it; elsewhere
//! without root it says why and returns.

use std::collections::BTreeSet;
use std::time::Duration;

use nix::sys::signal::Signal;
use serde_json::Value;

use l2tp_tests::netns::may_run_as_root;
use l2tp_tests::ops::{elements, leaf, number, rows, run_ok, show_json, subscribers};
use l2tp_tests::subscriber_lab::{
    l2tp_sessions, sessions_with_data, wait_for, wait_for_established, SubscriberLab,
};
use l2tp_tests::DaemonProcess;

const MANY: usize = 1000;
/// Subscribers per teardown path in the second test: enough to see every one cleaned.
const FEW: usize = 40;
/// Bound on each wait for the daemons: they take milliseconds per subscriber.
const WAIT: Duration = Duration::from_secs(30);

/// Waits until each of `count` sessions at the LNS and at the LAC has received data (the
/// emulator's LCP Echo-Request, then the LNS's answer).
fn wait_for_a_probe_at_every_session(lns: &DaemonProcess, lac: &DaemonProcess, count: usize) {
    for (end, who) in [(lns, "LNS"), (lac, "LAC")] {
        wait_for(
            &format!("a probe at every {who} session"),
            WAIT,
            || match sessions_with_data(end) {
                n if n == count => Ok(()),
                n => Err(format!("{n} sessions received data")),
            },
        );
    }
}

/// The emulator keeps its subscribers until a test ends them (SIGTERM or the far end).
fn hold_args(count: usize) -> Vec<String> {
    [
        "--count",
        &count.to_string(),
        "--rate",
        "5000",
        "--hold",
        "600",
        "--timeout",
        "55",
    ]
    .map(str::to_string)
    .to_vec()
}

fn as_strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// The user names of the subscribers shown at an end.
fn user_names(sessions: &[Value]) -> BTreeSet<String> {
    sessions
        .iter()
        .filter_map(|s| leaf(s, "user-name"))
        .collect()
}

fn expected_users(count: usize) -> BTreeSet<String> {
    (1..=count)
        .map(|n| format!("user{n}@isp.example"))
        .collect()
}

#[test]
fn a_thousand_subscribers_reach_the_lns_with_proxy_data_and_a_clear_ends_them_everywhere() {
    if !may_run_as_root("pppoe_lac_netns") {
        return;
    }
    let lab = SubscriberLab::create("l2lac");
    let (lac, lns) = lab.lac_and_lns(2 * MANY);
    let emulator = lab.emulator(&as_strs(&hold_args(MANY)));

    // Every subscriber is an L2TP session at the LAC, on its own pp0 unit...
    wait_for_established(&lac, "LAC", MANY, WAIT);
    let at_lac = l2tp_sessions(&lac, false);
    let units: BTreeSet<String> = at_lac
        .iter()
        .map(|s| leaf(s, "interface-name").unwrap_or_default())
        .collect();
    assert_eq!(units.len(), MANY, "one pp0 unit each");
    assert!(units.iter().all(|u| u.starts_with("pp0.")), "{units:?}");
    assert_eq!(user_names(&at_lac), expected_users(MANY));

    // `show subscribers` lists each once, on the same pp0 unit as its L2TP session.
    let shown = show_json(&lac, "show subscribers");
    let subscribers = rows(&shown, "subscribers-information", "subscriber");
    let listed: Vec<Value> = subscribers.into_iter().cloned().collect();
    assert_eq!(user_names(&listed), expected_users(MANY));
    let subscriber_units: BTreeSet<String> =
        listed.iter().filter_map(|s| leaf(s, "interface")).collect();
    assert_eq!(subscriber_units, units);

    // ... and at the LNS, with the proxy LCP and proxy authentication the LAC collected.
    wait_for_established(&lns, "LNS", MANY, WAIT);
    let at_lns = l2tp_sessions(&lns, true);
    assert_eq!(user_names(&at_lns), expected_users(MANY));

    // `show ppp interface` at each end: one PPP session per subscriber, the LAC's on the same
    // pp0 units, tunnelled; `show ppp summary` counts them, and the LAC's statistics count at
    // least an LCP Configure-Request from every client.
    let ppp = show_json(&lac, "show ppp interface");
    let at_lac_ppp = rows(&ppp, "ppp-interface-information", "ppp-session");
    let ppp_units: BTreeSet<String> = at_lac_ppp
        .iter()
        .filter_map(|s| leaf(s, "session"))
        .collect();
    assert_eq!(ppp_units, units);
    assert!(
        at_lac_ppp
            .iter()
            .all(|s| leaf(s, "role").as_deref() == Some("lac")
                && leaf(s, "phase").as_deref() == Some("tunneled")),
        "{ppp}"
    );
    for daemon in [&lac, &lns] {
        let summary = show_json(daemon, "show ppp summary");
        let summary = elements(&summary, "ppp-summary-information");
        assert_eq!(number(summary[0], "total-sessions"), MANY as u64);
    }
    let ppp = show_json(&lns, "show ppp interface");
    let at_lns_ppp = rows(&ppp, "ppp-interface-information", "ppp-session");
    assert_eq!(at_lns_ppp.len(), MANY);
    assert!(
        at_lns_ppp
            .iter()
            .all(|s| leaf(s, "role").as_deref() == Some("lns")),
        "{ppp}"
    );
    let statistics = show_json(&lac, "show ppp statistics");
    let statistics = elements(&statistics, "ppp-statistics-information");
    let packets = elements(statistics[0], "packets");
    let lcp = elements(packets[0], "lcp");
    assert!(number(lcp[0], "received") >= MANY as u64, "{lcp:?}");
    for session in &at_lns {
        assert_eq!(
            leaf(session, "proxy-lcp").as_deref(),
            Some("true"),
            "{session}"
        );
        let auth = leaf(session, "proxy-authentication");
        assert!(matches!(auth.as_deref(), Some("chap" | "pap")), "{session}");
    }

    // One LCP Echo-Request from every subscriber crosses the LAC to the LNS, which answers;
    // the answer crosses back (the LAC's sessions receive it, then the emulator counts it).
    assert_eq!(sessions_with_data(&lns), 0, "no data before the probes");
    emulator.signal(Signal::SIGUSR1);
    wait_for_a_probe_at_every_session(&lns, &lac, MANY);

    // `clear services l2tp session all` at the LAC: CDNs to the LNS, PADTs to the
    // subscribers, nothing left anywhere.
    run_ok(&lac, "clear services l2tp session all");
    let (ok, summary) = emulator.finish(WAIT);
    assert!(ok, "{summary}");
    assert_eq!(summary["up"], MANY, "{summary}");
    assert_eq!(summary["failures"]["peer-padt"], MANY, "{summary}");
    assert_eq!(summary["frames"]["probes_sent"], MANY, "{summary}");
    assert_eq!(summary["frames"]["probe_replies"], MANY, "{summary}");
    wait_for_established(&lac, "LAC", 0, WAIT);
    wait_for_established(&lns, "LNS", 0, WAIT);
}

/// FEW subscribers come up, `command` at `at` ends them: the emulator sees a PADT for every
/// one, and neither daemon keeps a session.
fn cleared_by_an_operator(
    lab: &SubscriberLab,
    [lac, lns]: [&DaemonProcess; 2],
    at: &DaemonProcess,
    command: &str,
) {
    let emulator = lab.emulator(&as_strs(&hold_args(FEW)));
    wait_for_established(lns, "LNS", FEW, WAIT);
    run_ok(at, command);
    let (ok, summary) = emulator.finish(WAIT);
    assert!(ok, "{command}: {summary}");
    assert_eq!(
        summary["failures"]["peer-padt"], FEW,
        "{command}: {summary}"
    );
    wait_for_established(lac, "LAC", 0, WAIT);
    wait_for_established(lns, "LNS", 0, WAIT);
}

#[test]
fn padt_tunnel_clear_at_the_lns_clear_pppoe_sessions_and_link_loss_each_clean_both_ends() {
    if !may_run_as_root("pppoe_lac_netns") {
        return;
    }
    let lab = SubscriberLab::create("l2end");
    let (lac, lns) = lab.lac_and_lns(4 * FEW);

    // The subscribers leave with a PADT each (the emulator's SIGTERM).
    let emulator = lab.emulator(&as_strs(&hold_args(FEW)));
    wait_for_established(&lns, "LNS", FEW, WAIT);
    emulator.signal(Signal::SIGTERM);
    let (ok, summary) = emulator.finish(WAIT);
    assert!(ok, "{summary}");
    assert_eq!(summary["up"], FEW, "{summary}");
    wait_for_established(&lac, "LAC", 0, WAIT);
    wait_for_established(&lns, "LNS", 0, WAIT);

    // The LNS clears its tunnels: StopCCN to the LAC, a PADT to every subscriber.
    cleared_by_an_operator(&lab, [&lac, &lns], &lns, "clear services l2tp tunnel all");
    // `clear pppoe sessions` at the LAC: a PADT to every subscriber, a CDN for every call.
    cleared_by_an_operator(&lab, [&lac, &lns], &lac, "clear pppoe sessions");

    // The access link goes down under the LAC: carrier loss ends every subscriber on it.
    let mut emulator = lab.emulator(&as_strs(&hold_args(FEW)));
    wait_for_established(&lns, "LNS", FEW, WAIT);
    lab.pair.set_link(1, "down");
    wait_for_established(&lac, "LAC", 0, WAIT);
    wait_for_established(&lns, "LNS", 0, WAIT);
    assert!(emulator.running(), "the emulator outlives its link");
    drop(emulator);

    // The link back: new subscribers come up again on the same port.
    lab.pair.set_link(1, "up");
    let emulator = lab.emulator(&as_strs(&hold_args(FEW)));
    wait_for_established(&lns, "LNS", FEW, WAIT);
    emulator.signal(Signal::SIGTERM);
    let (ok, summary) = emulator.finish(WAIT);
    assert!(ok, "{summary}");
    wait_for_established(&lns, "LNS", 0, WAIT);
}

/// The LAC's PPPoE port is read by the data workers through a fan-out group (issue 15,
/// item 2), and a commit that changes `data-workers` makes the group again on the new
/// workers: subscribers up before the commit still reach the LNS and back after it, leave
/// with their PADTs, and new ones come up on the same port.
#[test]
fn a_commit_of_data_workers_moves_the_port_to_the_new_workers_and_keeps_it_working() {
    if !may_run_as_root("pppoe_lac_netns") {
        return;
    }
    let lab = SubscriberLab::create("l2wrk");
    let (lac, lns) = lab.lac_and_lns(4 * FEW);
    lac.commit("set services l2tp data-workers 2\n");
    let emulator = lab.emulator(&as_strs(&hold_args(FEW)));
    wait_for_established(&lns, "LNS", FEW, WAIT);

    // Two workers to one: an LCP Echo-Request from every subscriber crosses both ways.
    lac.commit("set services l2tp data-workers 1\n");
    emulator.signal(Signal::SIGUSR1);
    wait_for_a_probe_at_every_session(&lns, &lac, FEW);

    // One to three: the PADTs reach the LAC through the new group.
    lac.commit("set services l2tp data-workers 3\n");
    emulator.signal(Signal::SIGTERM);
    let (ok, summary) = emulator.finish(WAIT);
    assert!(ok, "{summary}");
    assert_eq!(summary["up"], FEW, "{summary}");
    assert_eq!(summary["frames"]["probe_replies"], FEW, "{summary}");
    wait_for_established(&lac, "LAC", 0, WAIT);
    wait_for_established(&lns, "LNS", 0, WAIT);

    // New subscribers come up on the same port.
    let emulator = lab.emulator(&as_strs(&hold_args(FEW)));
    wait_for_established(&lns, "LNS", FEW, WAIT);
    emulator.signal(Signal::SIGTERM);
    let (ok, summary) = emulator.finish(WAIT);
    assert!(ok, "{summary}");
    wait_for_established(&lns, "LNS", 0, WAIT);
}

/// Auto-sensed VLANs on a real port: the LAC has no unit for VLAN 150, only an
/// `auto-configure` range taking it. The emulator's subscribers on VLAN 150 create one
/// dynamic VLAN unit, come up on it through the LNS, and the VLAN goes with the last of them
/// (`remove-when-no-subscribers`).
#[test]
fn subscribers_on_an_auto_sensed_vlan_come_up_on_its_unit_which_goes_with_them() {
    if !may_run_as_root("pppoe_lac_netns") {
        return;
    }
    let lab = SubscriberLab::create("l2avl");
    let (lac, lns) = lab.lac_and_lns(4 * FEW);
    let port = lab.port().to_string();
    let vlan_unit = "set dynamic-profiles VLAN-PROF interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\"";
    let pp0 = "set dynamic-profiles PPPOE interfaces pp0 unit \"$junos-interface-unit\"";
    lac.commit(&format!(
        "set interfaces {port} flexible-vlan-tagging\n\
         set interfaces {port} auto-configure vlan-ranges dynamic-profile VLAN-PROF accept pppoe\n\
         set interfaces {port} auto-configure vlan-ranges dynamic-profile VLAN-PROF ranges 100-199\n\
         set interfaces {port} auto-configure remove-when-no-subscribers\n\
         {vlan_unit} vlan-id \"$junos-vlan-id\"\n\
         {vlan_unit} family pppoe dynamic-profile PPPOE\n\
         {pp0} pppoe-options underlying-interface \"$junos-underlying-interface\"\n\
         {pp0} pppoe-options server\n"
    ));
    let mut args = hold_args(FEW);
    args.extend(["--vlan".to_string(), "150".to_string()]);
    let emulator = lab.emulator(&as_strs(&args));
    wait_for_established(&lns, "LNS", FEW, WAIT);

    let shown = subscribers(&lac);
    let vlan_name = format!("{port}.1073741824");
    let vlans: Vec<&Value> = shown
        .iter()
        .filter(|s| leaf(s, "access-type").as_deref() == Some("vlan"))
        .collect();
    assert_eq!(vlans.len(), 1, "{shown:?}");
    assert_eq!(leaf(vlans[0], "interface"), Some(vlan_name.clone()));
    assert_eq!(leaf(vlans[0], "vlan-id").as_deref(), Some("150"));
    let on_vlan = shown
        .iter()
        .filter(|s| leaf(s, "underlying-interface").as_deref() == Some(vlan_name.as_str()))
        .count();
    assert_eq!(on_vlan, FEW, "{shown:?}");

    emulator.signal(Signal::SIGTERM);
    let (ok, summary) = emulator.finish(WAIT);
    assert!(ok, "{summary}");
    assert_eq!(summary["up"], FEW, "{summary}");
    wait_for_established(&lac, "LAC", 0, WAIT);
    wait_for(
        "the VLAN to go with its last subscriber",
        WAIT,
        || match subscribers(&lac).len() {
            0 => Ok(()),
            n => Err(format!("{n} rows left")),
        },
    );
}
