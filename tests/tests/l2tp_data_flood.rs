//! Control apart from data (issue 15, item 1), end to end on loopback: an LNS (l2tpd,
//! 127.78.0.1) has one session from LAC A (127.78.0.2) flooded with 64-byte L2TP data
//! messages as fast as one sender thread gives them, bounded in count and time. While the
//! flood runs, LAC B (127.78.0.3) sets up 200 sessions. All of them come up, no tunnel is
//! torn down (the flooded one included: its hellos still get through, and so do the
//! LNS's), and what the LNS could not take of the flood is counted as data dropped with its
//! queue full (`show services l2tp summary statistics`).
//!
//! Outcomes are asserted, never speed: the flood's rate and the set-up time are printed.
//! Both LACs are the engine in this process (as `l2tp-bench setup` runs it), so that the
//! 200 sessions start at once and their outcome is one report.

use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use l2tp_tests::ops::{elements, leaf, number, show_json};
use l2tp_tests::DaemonProcess;
use l2tpd::engine::{ConfigApply, Engine};
use l2tpd::l2tp::wire::header::DataHeader;
use l2tpd::l2tp::wire::DataMessage;

const LNS: &str = "127.78.0.1";
const LAC_A: &str = "127.78.0.2";
const LAC_B: &str = "127.78.0.3";
const SECRET: &str = "data-flood-secret";
const SESSIONS: usize = 200;
/// Seconds between hellos on an idle tunnel, both ends: several fall inside the flood.
const HELLO: u32 = 1;
/// The flood's bounds: whichever comes first.
const FLOOD_COUNT: usize = 100_000_000;
const FLOOD_TIME: Duration = Duration::from_secs(40);
/// The set-up's bound: far beyond any machine's, well within the test's patience.
const SETUP_TIMEOUT: Duration = Duration::from_secs(60);

fn lns_config() -> String {
    format!(
        "set system host-name flood-lns\n\
         set services l2tp tunnel-group g local-gateway address {LNS}\n\
         set services l2tp tunnel-group g l2tp-access-profile lacs\n\
         set services l2tp tunnel-group g hello-interval {HELLO}\n\
         set access profile lacs client lac-a l2tp shared-secret {SECRET}\n\
         set access profile lacs client lac-b l2tp shared-secret {SECRET}\n\
         set access profile lacs client lac-b l2tp maximum-sessions-per-tunnel {SESSIONS}\n"
    )
}

fn lac(host: &str, source: &str) -> Engine {
    let lines = format!(
        "set system host-name {host}\n\
         set services l2tp tunnel hello-interval {HELLO}\n\
         set access tunnel-profile p tunnel 1 source-gateway address {source}\n\
         set access tunnel-profile p tunnel 1 remote-gateway address {LNS}\n\
         set access tunnel-profile p tunnel 1 secret {SECRET}\n\
         set access tunnel-profile p tunnel 1 max-sessions {SESSIONS}\n"
    );
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), &lines)
        .unwrap_or_else(|e| panic!("LAC configuration: {e:?}"));
    let mut engine = Engine::start().expect("a LAC engine");
    engine
        .apply(&Arc::new(schema::typed::router_config(&tree)))
        .expect("the LAC configuration applies");
    engine
}

/// The LNS's sessions: (tunnel-local-id, session-local-id, remote IP) each.
fn lns_sessions(lns: &DaemonProcess) -> Vec<(u16, u16, String)> {
    let json = show_json(lns, "show services l2tp session");
    let root = elements(&json, "service-l2tp-session-information");
    let rows = root
        .first()
        .map(|r| elements(r, "l2tp-session"))
        .unwrap_or_default();
    rows.iter()
        .map(|s| {
            (
                u16::try_from(number(s, "tunnel-local-id")).expect("a tunnel ID"),
                u16::try_from(number(s, "session-local-id")).expect("a session ID"),
                leaf(s, "remote-ip").unwrap_or_default(),
            )
        })
        .collect()
}

/// `show services l2tp summary statistics`: (tunnels, sessions, the drops element).
fn summary(lns: &DaemonProcess) -> (u64, u64, serde_json::Value) {
    let json = show_json(lns, "show services l2tp summary statistics");
    let root = json["service-l2tp-summary-information"][0].clone();
    let drops = root["drops"][0].clone();
    (number(&root, "tunnels"), number(&root, "sessions"), drops)
}

/// What the flood sent.
#[derive(Debug)]
struct Flood {
    sent: u64,
    send_errors: u64,
    elapsed: Duration,
}

/// Sends data messages for (tunnel, session) from LAC A's address (another port: the LNS
/// admits a tunnel's data from its peer's address) until `stop`, the count or the time.
fn flood(tunnel_id: u16, session_id: u16, stop: &AtomicBool) -> Flood {
    let socket = UdpSocket::bind((LAC_A.parse::<Ipv4Addr>().expect("address"), 0))
        .expect("bind the flood's socket");
    let target: SocketAddr = format!("{LNS}:1701").parse().expect("address");
    socket.connect(target).expect("connect");
    // A 64-byte PPP frame: IPv4 (0x0021), then an IPv4 header and padding.
    let mut ppp = vec![0x00, 0x21, 0x45, 0x00, 0x00, 0x3e];
    ppp.resize(64, 0);
    let datagram = DataMessage {
        header: DataHeader {
            tunnel_id,
            session_id,
            with_length: false,
            sequence: None,
            offset_pad: None,
            priority: false,
        },
        payload: &ppp,
    }
    .to_bytes()
    .expect("a data message");
    let started = Instant::now();
    let (mut sent, mut send_errors) = (0u64, 0u64);
    while !stop.load(Ordering::Relaxed)
        && sent < FLOOD_COUNT as u64
        && (sent % 1024 != 0 || started.elapsed() < FLOOD_TIME)
    {
        match socket.send(&datagram) {
            Ok(_) => sent += 1,
            Err(_) => send_errors += 1,
        }
        if send_errors > FLOOD_COUNT as u64 {
            break;
        }
    }
    Flood {
        sent,
        send_errors,
        elapsed: started.elapsed(),
    }
}

#[test]
fn a_data_flood_on_one_session_does_not_hold_up_200_set_ups_or_hellos() {
    let lns = DaemonProcess::start();
    lns.commit(&lns_config());
    let lac_a = lac("lac-a", LAC_A);
    let lac_b = lac("lac-b", LAC_B);

    // The session to flood.
    let opened = lac_a
        .open_test_sessions("p", 1, SETUP_TIMEOUT)
        .expect("LAC A's batch");
    assert_eq!(opened.completed, 1, "{opened:?}");
    let sessions = lns_sessions(&lns);
    let [(tunnel_id, session_id, _)] = sessions[..] else {
        panic!("one session at the LNS: {sessions:?}");
    };
    let (_, _, before) = summary(&lns);
    assert_eq!(number(&before, "data-queue-full"), 0, "{before}");

    let stop = Arc::new(AtomicBool::new(false));
    let flooding = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || flood(tunnel_id, session_id, &stop))
    };
    // The flood fills every queue before the set-up starts.
    std::thread::sleep(Duration::from_millis(500));
    let setup = lac_b
        .open_test_sessions("p", SESSIONS, SETUP_TIMEOUT)
        .expect("LAC B's batch");
    let setup_during_flood = !flooding.is_finished();
    // Hellos both ways on both tunnels while the flood goes on (a hello a second); the
    // flood stops here, or at its own bounds if the set-up never ends.
    std::thread::sleep(Duration::from_secs(3).saturating_sub(setup.elapsed));
    stop.store(true, Ordering::Relaxed);
    let flood = flooding.join().expect("the flood thread");
    println!(
        "flood: {} data messages in {:?} ({:.0}/s), {} send errors; {SESSIONS} sessions set up in {:?} (during the flood: {setup_during_flood})",
        flood.sent,
        flood.elapsed,
        flood.sent as f64 / flood.elapsed.as_secs_f64().max(1e-9),
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
    // are still there after the flood, and their tunnels still answer hellos (a tunnel
    // whose hellos went unacknowledged would have been cleared after its retransmissions;
    // a second more of hellos after the flood confirms it).
    std::thread::sleep(Duration::from_millis(2 * 1000 * u64::from(HELLO)));
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
    println!(
        "LNS: {}",
        l2tp_tests::ops::run_ok(&lns, "show services l2tp summary statistics")
    );
    assert!(data_drops > 0, "the flood's drops are data drops: {drops}");
    assert!(data_drops <= flood.sent, "{data_drops} of {}", flood.sent);
    let text = l2tp_tests::ops::run_ok(&lns, "show services l2tp summary statistics");
    assert!(
        text.contains(&format!("  Data queue full: {data_drops}")),
        "{text}"
    );

    let closed = lac_b
        .close_test_sessions(SETUP_TIMEOUT)
        .expect("LAC B's close");
    assert_eq!(closed.completed, SESSIONS, "{closed:?}");
}
