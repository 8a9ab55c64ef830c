//! Control apart from data (issue 15, item 1), end to end on loopback: an LNS (l2tpd,
//! 127.79.0.1) has one session from LAC A (127.79.0.2) flooded with 64-byte L2TP data
//! messages as fast as one sender thread gives them, bounded in count and time. While the
//! flood runs, LAC B (127.79.0.3) sets up 200 sessions. All of them come up, no tunnel is
//! torn down (the flooded one included: hellos still get through both ways), and what the
//! LNS could not take of the flood is counted as data dropped with its queue full
//! (`show services l2tp summary statistics`).
//!
//! The LNS keeps the listener's control and data in socket buffers of their own
//! (`engine::sockets::Listener`): before that, CI's faster flood filled the one buffer and
//! no SCCRQ of LAC B's got through: none of its 200 sessions came up.
//!
//! Outcomes are asserted, never speed: the flood's rate and the set-up time are printed.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use l2tp_tests::data_flood::{
    filler_ppp, lac, lns_config, lns_sessions, summary, DataFloodSpec, FloodPort, FloodSender,
    RunningFlood, PROFILE,
};
use l2tp_tests::ops::{number, run_ok, show_json};
use l2tp_tests::DaemonProcess;

const LNS: Ipv4Addr = Ipv4Addr::new(127, 79, 0, 1);
const LAC_A: Ipv4Addr = Ipv4Addr::new(127, 79, 0, 2);
const LAC_B: Ipv4Addr = Ipv4Addr::new(127, 79, 0, 3);
const SESSIONS: usize = 200;
/// Seconds between hellos on an idle tunnel, both ends: several fall inside the flood.
const HELLO: u32 = 1;
/// The set-up's bound: far beyond any machine's, well within the test's patience.
const SETUP_TIMEOUT: Duration = Duration::from_secs(60);

#[test]
fn a_data_flood_on_one_session_does_not_hold_up_200_set_ups_or_hellos() {
    let lns = DaemonProcess::start();
    lns.commit(&lns_config(LNS, SESSIONS, HELLO));
    let lac_a = lac("lac-a", LAC_A, LNS, SESSIONS, HELLO).expect("LAC A");
    let lac_b = lac("lac-b", LAC_B, LNS, SESSIONS, HELLO).expect("LAC B");

    // The session to flood.
    let opened = lac_a
        .open_test_sessions(PROFILE, 1, SETUP_TIMEOUT)
        .expect("LAC A's batch");
    assert_eq!(opened.completed, 1, "{opened:?}");
    let sessions = lns_sessions(&lns);
    let [(tunnel_id, session_id, _)] = sessions[..] else {
        panic!("one session at the LNS: {sessions:?}");
    };
    let (_, _, before) = summary(&lns);
    assert_eq!(number(&before, "data-queue-full"), 0, "{before}");

    // Bounded: 100 M messages or 40 s, whichever first; stopped much earlier below.
    let flood = RunningFlood::start(DataFloodSpec {
        from: LAC_A,
        port: FloodPort::Other,
        target: SocketAddr::from((LNS, 1701)),
        tunnel_id,
        session_id,
        ppp: filler_ppp(),
        rate: 0,
        count: 100_000_000,
        time_limit: Duration::from_secs(40),
        // The GSO sender: the flood the machine gives, five to thirteen times the batched
        // sender's (docs/performance.md, stage 8). On the listener, which a data worker
        // reads: read on the engine's own thread, it held this set-up up for 3.7–39.7 s.
        sender: FloodSender::Gso,
        threads: 1,
    });
    // The flood fills every queue before the set-up starts.
    std::thread::sleep(Duration::from_millis(500));
    let setup = lac_b
        .open_test_sessions(PROFILE, SESSIONS, SETUP_TIMEOUT)
        .expect("LAC B's batch");
    let setup_during_flood = flood.running();
    // Hellos both ways on both tunnels while the flood goes on (one a second).
    std::thread::sleep(Duration::from_secs(3).saturating_sub(setup.elapsed));
    let flood = flood.stop().expect("the flood");
    println!(
        "flood: {} data messages in {:?} ({:.0}/s), {} send errors; {SESSIONS} sessions set up in {:?} (during the flood: {setup_during_flood})",
        flood.sent,
        flood.elapsed,
        flood.rate(),
        flood.send_errors,
        setup.elapsed
    );

    assert_eq!(
        (setup.completed, setup.failed, setup.timed_out),
        (SESSIONS, 0, false),
        "every session comes up: {setup:?}"
    );
    assert!(setup_during_flood, "the set-up ran while the flood did");
    // Nothing was torn down: both tunnels and all 201 sessions, the flooded one included,
    // are there after the flood and two more hello intervals (a tunnel whose hellos went
    // unanswered would have been cleared after its retransmissions).
    std::thread::sleep(Duration::from_secs(2 * u64::from(HELLO)));
    let (tunnels, sessions, drops) = summary(&lns);
    assert_eq!((tunnels, sessions), (2, 1 + SESSIONS as u64), "{drops}");
    let still = lns_sessions(&lns);
    assert!(
        still
            .iter()
            .any(|(t, s, _)| (*t, *s) == (tunnel_id, session_id)),
        "the flooded session is still up: {still:?}"
    );
    let causes = show_json(&lns, "show services l2tp disconnect-cause-summary");
    println!("disconnect causes at the LNS: {causes}");
    // What the LNS could not take of the flood was dropped as data, and counted so.
    let data_drops = number(&drops, "data-queue-full");
    println!("LNS drops: {drops}");
    assert!(data_drops > 0, "the flood's drops are data drops: {drops}");
    assert!(data_drops <= flood.sent, "{data_drops} of {}", flood.sent);
    // Where the kernel dropped (a socket buffer full), it dropped data: the listener's
    // control socket lost nothing, whatever its data socket lost.
    assert_eq!(number(&drops, "control-socket-full"), 0, "{drops}");
    println!(
        "the listener's data socket lost {} datagrams to its full buffer",
        number(&drops, "data-socket-full")
    );
    let text = run_ok(&lns, "show services l2tp summary statistics");
    assert!(
        text.contains(&format!("  Data queue full: {data_drops}\n")),
        "{text}"
    );

    let closed = lac_b
        .close_test_sessions(SETUP_TIMEOUT)
        .expect("LAC B's close");
    assert_eq!(closed.completed, SESSIONS, "{closed:?}");
}
