//! A running LNS (127.77.0.1:1701) under a bounded SCCRQ flood from 200 loopback addresses
//! (127.77.1.1 to 127.77.1.200), issue 9: 10,000 SCCRQs a client of the LNS's access profile
//! sends (admitted, from 100 addresses) and 10,000 from a Host Name no client has (refused,
//! from the other 100), over about four seconds. While it runs, a LAC daemon (127.77.0.2)
//! brings up a tunnel and a session and the shell answers. Afterwards: the refused SCCRQs got
//! at most one datagram each, the limits and refusals are counted in `show services l2tp
//! summary statistics`, the daemon's peak memory stayed under `MEMORY_BOUND_KIB`, and SIGTERM
//! stops it by itself.
//!
//! A second LNS (127.77.3.1) is flooded as fast as four threads can send, for a bounded
//! time, while a LAC that never answers (127.77.3.2) waits for its SCCRP to be
//! retransmitted: the retransmissions keep their schedule (1 s, then 2 s later) although a
//! datagram is always waiting, and an operator's clear of another such tunnel completes
//! while the flood still runs.
//!
//! Each test uses its own LNS address: the daemons bind UDP port 1701 on fixed addresses.

use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::time::Duration;

use l2tp_tests::flood::{self, FloodSpec};
use l2tp_tests::lab::{DEMO_LAC, DEMO_LNS, DEMO_PROFILE};
use l2tp_tests::ops::number;
use l2tp_tests::{output_text, DaemonProcess};
use l2tpd::l2tp::wire::attribute::attr;
use l2tpd::l2tp::wire::{Avp, ControlMessage, MessageType};

const LNS: &str = "127.77.0.1";
const LAC: &str = "127.77.0.2";
const PER_FLOOD: usize = 10_000;
/// SCCRQs a second of each flood: both together last about four seconds.
const RATE: u32 = 2_500;
/// The LNS's peak resident memory (VmHWM) through the flood. The tunnels waiting for SCCCN
/// are capped (4,096), refused SCCRQs keep nothing: measured at about 33 MiB in a debug
/// build; the bound leaves room for the allocator and a slower machine's longer queues.
const MEMORY_BOUND_KIB: u64 = 128 * 1024;

fn lns_config() -> String {
    format!(
        "{}set access profile lab-lac-clients client flood-lac l2tp maximum-sessions-per-tunnel 10\n",
        DEMO_LNS.replace("127.0.0.2", LNS)
    )
}

#[test]
fn an_sccrq_flood_from_many_addresses_leaves_the_lns_serving() {
    let mut lns = DaemonProcess::start();
    lns.commit(&lns_config());
    let lac = DaemonProcess::start();
    lac.commit(&DEMO_LAC.replace("127.0.0.1", LAC).replace("127.0.0.2", LNS));
    let target: SocketAddr = format!("{LNS}:1701").parse().expect("address");
    let sources = flood::sources(77, 200);
    let (admitted_sources, refused_sources) = sources.split_at(100);
    let spec = |sources: &[std::net::Ipv4Addr], host_name: &str| FloodSpec {
        target,
        sources: sources.to_vec(),
        count: PER_FLOOD,
        rate: RATE,
        host_name: host_name.into(),
        time_limit: Duration::from_secs(30),
    };
    let admitted = spec(admitted_sources, "flood-lac");
    let refused = spec(refused_sources, "not-a-client");
    let linger = Duration::from_millis(500);
    let admitted = std::thread::spawn(move || flood::run(&admitted, linger));
    let refused = std::thread::spawn(move || flood::run(&refused, linger));
    std::thread::sleep(Duration::from_millis(500));

    // During the flood: the shell answers, and a real LAC gets a tunnel and a session.
    let out = lns.run("show services l2tp summary");
    assert!(out.status.success(), "{}", output_text(&out));
    let out = lac.run(&format!(
        "test services l2tp tunnel user flood@example.net password pw tunnel-name {DEMO_PROFILE}"
    ));
    let shown = output_text(&out);
    assert!(
        shown.contains(": established; LCP echo reply in "),
        "{shown}"
    );
    let admitted = admitted.join().expect("flood thread").expect("flood");
    let refused = refused.join().expect("flood thread").expect("flood");
    assert!(
        refused.elapsed > Duration::from_secs(2),
        "the floods ran while the LAC came up: {refused:?}"
    );
    println!("admitted flood: {admitted:?}\nrefused flood: {refused:?}");
    assert_eq!(lns.exit_status(), None, "l2tpd exited under the flood");

    // A refused SCCRQ gets at most one StopCCN, and nothing is retransmitted to it.
    assert!(refused.replies > 0, "the refusals are answered");
    assert!(
        refused.replies <= refused.sent,
        "{} datagrams for {} refused SCCRQs",
        refused.replies,
        refused.sent
    );

    // Counted where the operator looks.
    let out = lns.run("show services l2tp summary statistics | display json");
    let json = output_text(&out);
    let summary: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let drops = &summary["service-l2tp-summary-information"][0]["drops"][0];
    let count = |name: &str| number(drops, name);
    assert!(count("sccrq-refused") > 0, "{json}");
    // The admitted SCCRQs meet the global cap of tunnels being established (4,096); the
    // per-source limit (64) is met only when the cap leaves a source that many.
    assert!(count("establishing-evicted") > 0, "{json}");
    println!(
        "per-source limit: {}, refused: {}, evicted: {}",
        count("flood"),
        count("sccrq-refused"),
        count("establishing-evicted")
    );
    let text = output_text(&lns.run("show services l2tp summary statistics"));
    assert!(text.contains("SCCRQ refused: "), "{text}");

    let pid = lns.pid().expect("running");
    let peak = flood::status_kib(pid, "VmHWM").expect("VmHWM");
    println!("LNS peak memory: {peak} KiB");
    assert!(peak < MEMORY_BOUND_KIB, "peak memory {peak} KiB");

    // SIGTERM: the daemon stops by itself (`stop` would kill it after 10 s).
    let status = lns.stop().expect("an exit status");
    assert!(status.success(), "l2tpd after SIGTERM: {status:?}");
}

/// A LAC at `address` that sends one admitted SCCRQ to `target` and never answers.
fn silent_lac(address: Ipv4Addr, target: SocketAddr, read_timeout: Duration) -> UdpSocket {
    let socket = UdpSocket::bind((address, 0)).expect("bind a silent LAC");
    socket
        .set_read_timeout(Some(read_timeout))
        .expect("timeout");
    socket
        .send_to(&flood::sccrq("flood-lac", 77), target)
        .expect("send the SCCRQ");
    socket
}

#[test]
fn retransmissions_keep_their_schedule_while_a_flood_saturates_the_lns() {
    const SATURATING_LNS: Ipv4Addr = Ipv4Addr::new(127, 77, 3, 1);
    const SILENT_LAC: Ipv4Addr = Ipv4Addr::new(127, 77, 3, 2);
    const DOOMED_LAC: Ipv4Addr = Ipv4Addr::new(127, 77, 3, 3);
    const SENDERS: usize = 4;
    const WINDOW: Duration = Duration::from_secs(6);
    let lns = DaemonProcess::start();
    lns.commit(&format!(
        "{}set access profile lab-lac-clients client flood-lac l2tp maximum-sessions-per-tunnel 10\n",
        DEMO_LNS.replace("127.0.0.2", &SATURATING_LNS.to_string())
    ));
    let target = SocketAddr::from((SATURATING_LNS, 1701));
    let silent = silent_lac(SILENT_LAC, target, Duration::from_millis(100));
    // A second silent LAC, whose tunnel the operator clears during the flood.
    let doomed = silent_lac(DOOMED_LAC, target, Duration::from_secs(2));
    let mut buf = [0u8; 2048];
    let (len, _) = doomed.recv_from(&mut buf).expect("an SCCRP");
    let doomed_tunnel = match ControlMessage::parse(buf.get(..len).unwrap_or_default(), None)
        .ok()
        .and_then(|m| m.get(attr::ASSIGNED_TUNNEL_ID).cloned())
    {
        Some(Avp::AssignedTunnelId(id)) => id,
        other => panic!("no Assigned Tunnel ID in the SCCRP: {other:?}"),
    };
    // Refused SCCRQs, unpaced, from every thread: the LNS's queue is never empty for long.
    let sources = flood::sources(77, 200);
    let floods: Vec<_> = sources
        .chunks(sources.len() / SENDERS)
        .map(|chunk| {
            let spec = FloodSpec {
                target,
                sources: chunk.to_vec(),
                count: 1_000_000,
                rate: 0,
                host_name: "not-a-client".into(),
                time_limit: WINDOW,
            };
            std::thread::spawn(move || flood::run(&spec, Duration::ZERO))
        })
        .collect();
    let started = std::time::Instant::now();
    // The clear is a job the engine carries out in steps between other work.
    let clearing = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(1));
        let issued = std::time::Instant::now();
        let out = lns.run(&format!(
            "clear services l2tp tunnel local-tunnel-id {doomed_tunnel}"
        ));
        (lns, out, issued.elapsed(), started.elapsed())
    });
    let mut sccrps = Vec::new();
    while started.elapsed() < WINDOW {
        if let Ok((len, _)) = silent.recv_from(&mut buf) {
            let reply = ControlMessage::parse(buf.get(..len).unwrap_or_default(), None);
            if reply.is_ok_and(|m| m.message_type == Some(MessageType::SCCRP)) {
                sccrps.push(started.elapsed());
            }
        }
    }
    let sent: usize = floods
        .into_iter()
        .map(|f| f.join().expect("flood thread").map_or(0, |o| o.sent))
        .sum();
    let (_lns, cleared, clear_took, cleared_at) = clearing.join().expect("the clear");
    println!(
        "{sent} SCCRQs in {WINDOW:?}; SCCRPs to the silent LAC at {sccrps:?}; the clear took {clear_took:?}"
    );
    assert!(cleared.status.success(), "{}", output_text(&cleared));
    // One tunnel to clear: a step of the job, then the reply, while the flood still runs
    // (the outcome; how long the `cli` process took on this machine is printed above).
    assert!(
        cleared_at < WINDOW,
        "the clear waited for the flood to end (answered {cleared_at:?} after it began, \
         {clear_took:?} after it was issued): {}",
        output_text(&cleared)
    );
    // The SCCRP, then its retransmissions 1 s and a further 2 s later (RFC 2661 §5.8, the
    // Junos schedule): each may leave late by up to a second, twenty times the stall the
    // engine is meant to allow, but not wait for the flood to end.
    assert!(
        sccrps.len() >= 3,
        "SCCRPs to the silent LAC during the flood at {sccrps:?}"
    );
    let gaps: Vec<Duration> = sccrps.windows(2).map(|w| w[1] - w[0]).take(2).collect();
    assert!(
        gaps.first().is_some_and(|g| *g < Duration::from_secs(2))
            && gaps.get(1).is_some_and(|g| *g < Duration::from_secs(3)),
        "retransmissions off their schedule: SCCRPs at {sccrps:?}"
    );
}
