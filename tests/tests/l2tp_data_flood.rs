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
    filler_ppp, lac, lns_config, lns_sessions, summary, DataFloodOutcome, DataFloodSpec, FloodPort,
    FloodSender, RunningFlood, PROFILE,
};
use l2tpd::engine::Engine;

/// The two floods one after the other: each takes a core's worth of sender.
static ONE_FLOOD: std::sync::Mutex<()> = std::sync::Mutex::new(());
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
    let _one_flood_at_a_time = ONE_FLOOD.lock().unwrap_or_else(|e| e.into_inner());
    let lns = DaemonProcess::start();
    lns.commit(&lns_config(LNS, SESSIONS, HELLO));
    let lac_a = lac("lac-a", LAC_A, LNS, SESSIONS, HELLO).expect("LAC A");
    let lac_b = lac("lac-b", LAC_B, LNS, SESSIONS, HELLO).expect("LAC B");

    let ((tunnel_id, session_id), flood) =
        flood_one_session((&lns, LNS), &lac_a, LAC_A, FloodPort::Other);
    let flood = set_up_during(flood, &lac_b);
    // Nothing was torn down: both tunnels and all 201 sessions, the flooded one included,
    // are there after the flood and two more hello intervals (a tunnel whose hellos went
    // unanswered would have been cleared after its retransmissions).
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

/// The same, with the flood on the set-up's own tunnel: LAC A floods one of its sessions
/// from the tunnel's own address and port (as a deployed LAC's data leaves) while it sets up
/// 200 more sessions on that very tunnel. The tunnel's control and its flood come from one
/// address and port; the LNS's kernel still puts the control in the control socket's buffer
/// and the data in a data socket's (`engine::sockets::steer`). With a connected socket per
/// tunnel (the design before), both shared that socket's buffer, and its ICCNs and
/// acknowledgements went with the data: 2,000 set-ups took 32–200× as long
/// (docs/performance.md, "a flood on the set-up tunnel's own socket").
#[test]
fn a_data_flood_on_the_set_up_tunnel_itself_does_not_hold_up_its_200_set_ups() {
    const LNS: Ipv4Addr = Ipv4Addr::new(127, 79, 1, 1);
    const LAC: Ipv4Addr = Ipv4Addr::new(127, 79, 1, 2);
    let _one_flood_at_a_time = ONE_FLOOD.lock().unwrap_or_else(|e| e.into_inner());
    let lns = DaemonProcess::start();
    lns.commit(&lns_config(LNS, SESSIONS, HELLO));
    let lac = lac("lac-a", LAC, LNS, 1 + SESSIONS, HELLO).expect("the LAC");
    let (_, flood) = flood_one_session((&lns, LNS), &lac, LAC, FloodPort::Tunnel);
    set_up_during(flood, &lac);
    let (tunnels, sessions, drops) = summary(&lns);
    assert_eq!((tunnels, sessions), (1, 1 + SESSIONS as u64), "{drops}");
    println!("LNS drops: {drops}");
    assert!(
        number(&drops, "data-queue-full") + number(&drops, "data-socket-full") > 0,
        "the flood's drops are data drops: {drops}"
    );
    assert_eq!(number(&drops, "control-socket-full"), 0, "{drops}");
    let closed = lac.close_test_sessions(SETUP_TIMEOUT).expect("the close");
    assert_eq!(closed.completed, 1 + SESSIONS, "{closed:?}");
}

/// Opens the session to flood from `lac` (at `from`) and starts the flood on it, from `from`
/// by `port`: the GSO sender, the flood the machine gives (five to thirteen times the
/// batched sender's, docs/performance.md, stage 8), bounded at 100 M messages or 40 s,
/// stopped much earlier by [`set_up_during`]. Returns the flooded session's (Tunnel ID,
/// Session ID) at the LNS.
fn flood_one_session(
    (lns, at): (&DaemonProcess, Ipv4Addr),
    lac: &Engine,
    from: Ipv4Addr,
    port: FloodPort,
) -> ((u16, u16), RunningFlood) {
    let opened = lac
        .open_test_sessions(PROFILE, 1, SETUP_TIMEOUT)
        .expect("the session to flood");
    assert_eq!(opened.completed, 1, "{opened:?}");
    let sessions = lns_sessions(lns);
    let [(tunnel_id, session_id, _)] = sessions[..] else {
        panic!("one session at the LNS: {sessions:?}");
    };
    let (_, _, before) = summary(lns);
    assert_eq!(number(&before, "data-queue-full"), 0, "{before}");
    let flood = RunningFlood::start(DataFloodSpec {
        from,
        port,
        target: SocketAddr::from((at, 1701)),
        tunnel_id,
        session_id,
        ppp: filler_ppp(),
        rate: 0,
        count: 100_000_000,
        time_limit: Duration::from_secs(40),
        sender: FloodSender::Gso,
        threads: 1,
    });
    // The flood fills every queue before the set-up starts.
    std::thread::sleep(Duration::from_millis(500));
    ((tunnel_id, session_id), flood)
}

/// `lac` sets up [`SESSIONS`] sessions while `flood` runs, every one of them, then the flood
/// goes on for what is left of 3 s (hellos both ways, one a second) and stops; two hello
/// intervals later (a tunnel whose hellos went unanswered would be cleared by then), returns
/// what the flood sent.
fn set_up_during(flood: RunningFlood, lac: &Engine) -> DataFloodOutcome {
    let setup = lac
        .open_test_sessions(PROFILE, SESSIONS, SETUP_TIMEOUT)
        .expect("the batch");
    let during = flood.running();
    std::thread::sleep(Duration::from_secs(3).saturating_sub(setup.elapsed));
    let flood = flood.stop().expect("the flood");
    println!(
        "flood: {} data messages in {:?} ({:.0}/s), {} send errors; {SESSIONS} sessions set up in {:?} (during the flood: {during})",
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
    assert!(during, "the set-up ran while the flood did");
    std::thread::sleep(Duration::from_secs(2 * u64::from(HELLO)));
    flood
}
