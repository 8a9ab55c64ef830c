//! Hostile datagrams at a running LNS (127.0.2.5:1701) from a plain UDP socket
//! (127.0.2.7): truncated headers, lengths that lie, zero-length AVPs, unknown tunnels, a
//! control message without its Length field, seeded random bytes, and 2,000 SCCRQs from one
//! port in a tight loop. Afterwards the daemon still runs, answers the shell, and a normal
//! LAC (127.0.2.6) brings up a tunnel and a test session.
//!
//! One test function: the daemons bind UDP port 1701 on fixed addresses.

use l2tp_tests::lab::{DEMO_LAC, DEMO_LNS, DEMO_PROFILE};
use l2tp_tests::{output_text, DaemonProcess};
use l2tpd::l2tp::wire::{zlb, ControlHeader, ControlMessage, ControlMessageBuilder, MessageType};
use l2tpd::registry::DEFAULT_MAX_TUNNELS_PER_SOURCE;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeSet;
use std::net::UdpSocket;
use std::time::Duration;

const LNS: &str = "127.0.2.5";
const LAC: &str = "127.0.2.6";
const ATTACKER: &str = "127.0.2.7";
/// Sends the probes that tell when the LNS has read everything sent before them.
const PROBE: &str = "127.0.2.8";
/// Datagrams sent between two probes: few enough for the LNS's socket buffer.
const BATCH: usize = 100;
/// How often a probe is sent before the LNS counts as not answering (500 ms each).
const PROBE_SENDS: usize = 20;
const RANDOM_DATAGRAMS: usize = 2_000;
const FLOOD: u16 = 2_000;

fn header(tunnel_id: u16) -> ControlHeader {
    ControlHeader {
        tunnel_id,
        session_id: 0,
        ns: 0,
        nr: 0,
    }
}

/// A well-formed SCCRQ from `lab-lac` (a client the LNS knows) with our Tunnel ID `id`.
fn sccrq(id: u16) -> Vec<u8> {
    l2tp_tests::flood::sccrq("lab-lac", id)
}

/// Each malformed datagram, named for the failure message.
fn malformed() -> Vec<(&'static str, Vec<u8>)> {
    let good = sccrq(7);
    let mut cases: Vec<(&'static str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("one octet", vec![0xc8]),
        ("flags only", vec![0xc8, 0x02]),
        (
            "control header cut short",
            good.get(..5).unwrap_or_default().to_vec(),
        ),
        (
            "control header without AVPs cut",
            good.get(..12).unwrap_or_default().to_vec(),
        ),
        (
            "SCCRQ cut inside an AVP",
            good.get(..good.len() - 3).unwrap_or_default().to_vec(),
        ),
        ("data header cut short", vec![0x40, 0x02, 0x00]),
        ("version 3", {
            let mut v = good.clone();
            if let Some(b) = v.get_mut(1) {
                *b = 0x03;
            }
            v
        }),
        // T=1 with L=0 (and S=1): RFC 2661 requires L on control messages.
        ("control without Length", {
            let mut v = good.clone();
            if let Some(b) = v.first_mut() {
                *b &= !0x40;
            }
            v
        }),
        ("control without sequence numbers", {
            let mut v = good.clone();
            if let Some(b) = v.first_mut() {
                *b &= !0x08;
            }
            v
        }),
        (
            "data message to tunnel 0",
            vec![0x00, 0x02, 0, 0, 0, 0, 0xff, 0x03],
        ),
        (
            "data message to an unknown tunnel",
            vec![0x00, 0x02, 0x30, 0x39, 0, 1, 0xff, 0x03],
        ),
        ("ZLB to an unknown tunnel", zlb(header(12345))),
        (
            "HELLO to an unknown tunnel",
            ControlMessageBuilder::new(MessageType::HELLO)
                .emit(header(54321), None)
                .expect("HELLO encodes"),
        ),
        (
            "data with an offset beyond the datagram",
            vec![0x02, 0x02, 0x30, 0x39, 0, 1, 0xff, 0xff],
        ),
    ];
    // Length fields that lie, both ways.
    for (name, length) in [
        ("Length past the datagram", u16::MAX),
        ("Length shorter than the header", 6),
        ("Length shorter than the AVPs", 15),
        ("Length zero", 0),
    ] {
        let mut v = good.clone();
        if let Some(field) = v.get_mut(2..4) {
            field.copy_from_slice(&length.to_be_bytes());
        }
        cases.push((name, v));
    }
    // AVP length loops: a zero-length, and a shorter-than-its-header, AVP after Message Type.
    for (name, avp_length) in [("AVP of length 0", 0u16), ("AVP of length 3", 3)] {
        let mut v = good.get(..20).unwrap_or_default().to_vec();
        v.extend_from_slice(&(0x8000 | avp_length).to_be_bytes());
        v.extend_from_slice(&[0, 0, 0, 7]);
        let total = u16::try_from(v.len()).expect("short");
        if let Some(field) = v.get_mut(2..4) {
            field.copy_from_slice(&total.to_be_bytes());
        }
        cases.push((name, v));
    }
    // A zero-length Message Type AVP as the very first AVP.
    let mut first = good.get(..12).unwrap_or_default().to_vec();
    first.extend_from_slice(&[0x80, 0x00, 0, 0, 0, 0]);
    cases.push(("first AVP of length 0", first));
    cases
}

/// Sends an SCCRQ from the probe socket until the LNS answers it: the LNS reads its socket
/// in order, so everything the attacker sent before has been handled by then. The probe
/// itself may be dropped by the kernel behind a flood, hence the resends (bounded); a
/// resent SCCRQ reaches the tunnel the first one opened.
fn sync(probe: &UdpSocket, target: &str, id: u16) {
    let mut buf = [0u8; 2048];
    for _ in 0..PROBE_SENDS {
        probe.send_to(&sccrq(id), target).expect("probe");
        // Retransmissions of earlier probes' SCCRPs may come first.
        while let Ok((len, _)) = probe.recv_from(&mut buf) {
            let answer = ControlMessage::parse(buf.get(..len).unwrap_or_default(), None);
            if answer.is_ok_and(|m| m.header.tunnel_id == id) {
                return;
            }
        }
    }
    panic!("the LNS did not answer probe {id}");
}

/// The distinct Tunnel IDs the LNS answered the attacker with an SCCRP for.
fn sccrps(attacker: &UdpSocket) -> BTreeSet<u16> {
    let mut buf = [0u8; 2048];
    let mut ids = BTreeSet::new();
    while let Ok((len, _)) = attacker.recv_from(&mut buf) {
        if let Ok(m) = ControlMessage::parse(buf.get(..len).unwrap_or_default(), None) {
            if m.message_type == Some(MessageType::SCCRP) {
                ids.insert(m.header.tunnel_id);
            }
        }
    }
    ids
}

fn assert_alive(daemon: &mut DaemonProcess, after: &str) {
    assert_eq!(daemon.exit_status(), None, "l2tpd exited after {after}");
}

#[test]
fn hostile_datagrams_leave_the_lns_running_and_serving() {
    let mut lns = DaemonProcess::start();
    lns.commit(&DEMO_LNS.replace("127.0.0.2", LNS));
    let target = format!("{LNS}:1701");
    let attacker = UdpSocket::bind(format!("{ATTACKER}:0")).expect("bind the attacker");
    attacker
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    let probe = UdpSocket::bind(format!("{PROBE}:0")).expect("bind the probe");
    probe
        .set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    let mut probes = 1..;
    let mut next_probe = || probes.next().unwrap_or(u16::MAX);

    for (name, datagram) in malformed() {
        attacker.send_to(&datagram, &target).expect(name);
    }
    sync(&probe, &target, next_probe());
    assert_alive(&mut lns, "malformed datagrams");

    // Random datagrams, a seeded sequence so a failure reproduces; the first two octets
    // are biased towards a version-2 control header, to get past the first check.
    let mut rng = StdRng::seed_from_u64(0x1702);
    for n in 0..RANDOM_DATAGRAMS {
        if n % BATCH == 0 {
            sync(&probe, &target, next_probe());
        }
        let len = rng.random_range(0..256);
        let mut datagram: Vec<u8> = (0..len).map(|_| rng.random()).collect();
        if rng.random_bool(0.5) {
            if let Some(first) = datagram.get_mut(..2) {
                first.copy_from_slice(&[0xc8, 0x02]);
            }
        }
        // A full socket buffer would drop datagrams silently, which changes nothing.
        let _ = attacker.send_to(&datagram, &target);
    }
    sync(&probe, &target, next_probe());
    assert_alive(&mut lns, "random datagrams");
    // Answers to whatever random datagram looked like an SCCRQ are of no interest.
    let _ = sccrps(&attacker);

    // The SCCRQ flood: each a new tunnel as far as the LNS can tell.
    for id in 1..=FLOOD {
        let _ = attacker.send_to(&sccrq(id), &target);
    }
    sync(&probe, &target, next_probe());
    assert_alive(&mut lns, "the SCCRQ flood");
    // The flood meets the per-source limit of tunnels in establishment (the kernel may
    // also have dropped part of it: it came in a tight loop).
    let answered = sccrps(&attacker);
    assert!(!answered.is_empty(), "the first SCCRQs are answered");
    assert!(
        answered.len() <= DEFAULT_MAX_TUNNELS_PER_SOURCE,
        "{} SCCRPs to one source",
        answered.len()
    );
    println!("SCCRQ flood of {FLOOD}: {} answered", answered.len());

    // The management side still answers.
    let out = lns.cli(&["-c", "show configuration system host-name"], "");
    assert!(out.status.success(), "{}", output_text(&out));
    assert!(
        output_text(&out).contains("lab-lns"),
        "{}",
        output_text(&out)
    );

    // A real LAC from another address still gets a tunnel and a session.
    let lac = DaemonProcess::start();
    lac.commit(&DEMO_LAC.replace("127.0.0.1", LAC).replace("127.0.0.2", LNS));
    let out = lac.cli(
        &[
            "-c",
            &format!(
                "test services l2tp tunnel user after@example.net password pw tunnel-name {DEMO_PROFILE}"
            ),
        ],
        "",
    );
    let shown = output_text(&out);
    assert!(out.status.success(), "{shown}");
    assert!(
        shown.contains(": established; LCP echo reply in "),
        "{shown}"
    );
    assert_alive(&mut lns, "the LAC's session");
}
