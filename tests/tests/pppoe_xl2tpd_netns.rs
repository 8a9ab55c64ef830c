//! PPPoE subscribers through our LAC to xl2tpd as the LNS (issue 10, Tests): the
//! `pppoe-emulator` on one end of a veth pair, our LAC (`l2tpd`, AF_PACKET) on the other,
//! xl2tpd on loopback in the LAC's namespace, its pppd replaced by `ppp-responder` (see
//! `l2tp_tests::xl2tpd`). Subscriber frames cross both ways: the subscribers' LCP
//! Echo-Requests reach the responders through our LAC and xl2tpd, and the replies come back
//! to every subscriber.
//!
//! Needs root (network namespaces, AF_PACKET, the responder's mount namespace) and xl2tpd:
//! CI has both and must run it; elsewhere without them it says why and returns.

use std::time::Duration;

use nix::sys::signal::Signal;

use l2tp_tests::netns::may_run_as_root;
use l2tp_tests::subscriber_lab::{
    lac_lines, wait_for, wait_for_established, SubscriberLab, LNS_ADDRESS,
};
use l2tp_tests::xl2tpd::{present_or_skip, Ppp, Role, Xl2tpd, Xl2tpdConfig};

/// xl2tpd starts one responder (one pppd) per call: a handful is enough to cross both ways.
const SUBSCRIBERS: usize = 8;
const SECRET: &str = "pppoe-xl-secret";
const WAIT: Duration = Duration::from_secs(30);

#[test]
fn subscriber_frames_cross_our_lac_and_xl2tpd_both_ways() {
    if !may_run_as_root("pppoe_xl2tpd_netns") || !present_or_skip() {
        return;
    }
    let lab = SubscriberLab::create("l2xl");
    let mut peer = Xl2tpd::start_wrapped(
        &Xl2tpdConfig {
            listen: LNS_ADDRESS.parse().unwrap(),
            hostname: "xl-lns".into(),
            secret: Some(SECRET.into()),
            role: Role::Lns,
            ppp: Ppp::Responder,
            ppp_password: None,
        },
        &["ip", "netns", "exec", lab.pair.namespace(0)],
    );
    let lac = lab.daemon();
    lac.commit(&format!(
        "{}set access tunnel-profile tp tunnel 1 secret {SECRET}\n",
        lac_lines(lab.port(), LNS_ADDRESS)
    ));

    let emulator = lab.emulator(&[
        "--count",
        &SUBSCRIBERS.to_string(),
        "--rate",
        "100",
        "--hold",
        "600",
        "--timeout",
        "55",
    ]);
    wait_for_established(&lac, "LAC", SUBSCRIBERS, WAIT);
    peer.wait_for("Connection established to", WAIT)
        .unwrap_or_else(|e| panic!("{e}"));
    wait_for("a call per subscriber at xl2tpd", WAIT, || {
        match peer.count("Call established with") {
            n if n == SUBSCRIBERS => Ok(()),
            n => Err(format!("{n} calls\n{}", peer.log())),
        }
    });

    // Subscriber → LAC → xl2tpd → responder: an Echo-Request each, answered.
    emulator.signal(Signal::SIGUSR1);
    wait_for("an echo reply from every responder", WAIT, || {
        match peer.count("echo reply sent") {
            n if n >= SUBSCRIBERS => Ok(()),
            n => Err(format!("{n} replies\n{}", peer.log())),
        }
    });

    // The subscribers leave with PADTs: the LAC clears every call at xl2tpd.
    emulator.signal(Signal::SIGTERM);
    let (ok, summary) = emulator.finish(WAIT);
    assert!(ok, "{summary}");
    assert_eq!(summary["up"], SUBSCRIBERS, "{summary}");
    // Responder → xl2tpd → LAC → subscriber: every reply came back.
    assert_eq!(summary["frames"]["probes_sent"], SUBSCRIBERS, "{summary}");
    assert_eq!(summary["frames"]["probe_replies"], SUBSCRIBERS, "{summary}");
    wait_for_established(&lac, "LAC", 0, WAIT);
    assert_eq!(peer.exited(), None, "xl2tpd died:\n{}", peer.log());
}
