//! A running LNS (127.77.0.1:1701) under a bounded SCCRQ flood from 200 loopback addresses
//! (127.77.1.1 to 127.77.1.200), issue 9: 10,000 SCCRQs a client of the LNS's access profile
//! sends (admitted, from 100 addresses) and 10,000 from a Host Name no client has (refused,
//! from the other 100), over about four seconds. While it runs, a LAC daemon (127.77.0.2)
//! brings up a tunnel and a session and the shell answers. Afterwards: the refused SCCRQs got
//! at most one datagram each, the limits and refusals are counted in `show services l2tp
//! summary statistics`, the daemon's peak memory stayed under `MEMORY_BOUND_KIB`, and SIGTERM
//! stops it by itself.
//!
//! One test function: the daemons bind UDP port 1701 on fixed addresses.

use std::net::SocketAddr;
use std::time::Duration;

use l2tp_tests::flood::{self, FloodSpec};
use l2tp_tests::lab::{DEMO_LAC, DEMO_LNS, DEMO_PROFILE};
use l2tp_tests::ops::number;
use l2tp_tests::{output_text, DaemonProcess};

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
