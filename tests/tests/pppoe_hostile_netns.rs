//! Bad input at our LAC's PPPoE port, end to end: frames injected raw on the veth (an
//! AF_PACKET socket on the far end) — malformed discovery tags, PADRs without and with a
//! forged AC-Cookie, PADTs for sessions that are not the sender's, oversized and
//! length-lying frames, and an LCP option flood inside a real PPPoE session — and then the
//! daemon is alive, opened nothing for them, keeps the subscribers it has, and a legitimate
//! subscriber still comes up through it to the LNS (issue 10, Tests: bad input).
//!
//! Needs root (network namespaces, AF_PACKET): CI runs as root and must run it; elsewhere
//! without root it says why and returns.

use std::io;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use l2tp_tests::netns::may_run_as_root;
use l2tp_tests::ops::{number, pppoe_totals, run_ok};
use l2tp_tests::subscriber_lab::{
    l2tp_sessions, wait_for_established, SubscriberLab, LAC_PORT_MAC,
};
use l2tpd::io::{FrameBatch, PacketSocket};
use l2tpd::pppoe::client::{ClientConfig, ClientEvent, DiscoveryClient};
use l2tpd::pppoe::wire::{tag_type, MacAddr};

const LEGITIMATE: usize = 5;
const WAIT: Duration = Duration::from_secs(30);
/// PADTs sent between two marker round trips.
const PADT_BURST: usize = 2_000;
/// RFC 2516 §4: the discovery and session codes.
const PADI: u8 = 0x09;
const PADO: u8 = 0x07;
const PADR: u8 = 0x19;
const PADT: u8 = 0xa7;
const SESSION_DATA: u8 = 0x00;
const DISCOVERY: u16 = 0x8863;
const SESSION: u16 = 0x8864;
/// The attacker's MACs: locally administered, outside the emulator's 02:50:… range.
const ATTACKER: MacAddr = MacAddr([0x02, 0x66, 0, 0, 0, 1]);
const FLOODER: MacAddr = MacAddr([0x02, 0x66, 0, 0, 0, 2]);
const MARKER: MacAddr = MacAddr([0x02, 0x66, 0, 0, 0, 3]);

fn ethernet(dst: MacAddr, src: MacAddr, ethertype: u16, body: &[u8]) -> Vec<u8> {
    let mut frame = [dst.0, src.0].concat();
    frame.extend(ethertype.to_be_bytes());
    frame.extend(body);
    frame.resize(frame.len().max(60), 0);
    frame
}

/// A PPPoE header (version 1, type 1) whose length field says `length`, then `payload`.
fn pppoe(code: u8, session: u16, length: u16, payload: &[u8]) -> Vec<u8> {
    let mut body = vec![0x11, code];
    body.extend(session.to_be_bytes());
    body.extend(length.to_be_bytes());
    body.extend(payload);
    body
}

fn honest(code: u8, session: u16, payload: &[u8]) -> Vec<u8> {
    pppoe(code, session, payload.len() as u16, payload)
}

fn tag(kind: u16, value: &[u8]) -> Vec<u8> {
    let mut out = kind.to_be_bytes().to_vec();
    out.extend((value.len() as u16).to_be_bytes());
    out.extend(value);
    out
}

/// A forged MAC per index (the flood comes from many hosts).
fn forged(index: u32) -> MacAddr {
    let [a, b, c, d] = index.to_be_bytes();
    MacAddr([0x02, 0x67, a, b, c, d])
}

/// Discovery frames whose tags or lengths are wrong.
fn malformed_discovery() -> Vec<Vec<u8>> {
    let service = tag(tag_type::SERVICE_NAME, b"");
    let to_all = MacAddr::BROADCAST;
    let mut frames = Vec::new();
    // A tag whose length runs past the payload.
    let mut overrun = tag_type::HOST_UNIQ.to_be_bytes().to_vec();
    overrun.extend(400u16.to_be_bytes());
    overrun.extend([1, 2, 3]);
    frames.push(honest(PADI, 0, &[service.clone(), overrun].concat()));
    // Half a tag header.
    frames.push(honest(PADI, 0, &[service.clone(), vec![0x01]].concat()));
    // A PPPoE length longer than the frame, and one of 65,535.
    frames.push(pppoe(PADI, 0, 1400, &service));
    frames.push(pppoe(PADI, 0, u16::MAX, &service));
    // Version and type 2, a PADI with a session ID, an unknown code.
    let mut bad_version = honest(PADI, 0, &service);
    bad_version[0] = 0x22;
    frames.push(bad_version);
    frames.push(honest(PADI, 0x1234, &service));
    frames.push(honest(0x42, 0, &service));
    // No Service-Name at all; a thousand-byte Host-Uniq, twice over.
    frames.push(honest(PADI, 0, &tag(tag_type::HOST_UNIQ, b"x")));
    let big = tag(tag_type::HOST_UNIQ, &[0xab; 700]);
    frames.push(honest(
        PADI,
        0,
        &[service.clone(), big.clone(), big].concat(),
    ));
    // Only a header; nothing at all after the EtherType.
    frames.push(honest(PADI, 0, &[]));
    let mut out: Vec<Vec<u8>> = frames
        .into_iter()
        .map(|body| ethernet(to_all, ATTACKER, DISCOVERY, &body))
        .collect();
    out.push(
        [to_all.0, ATTACKER.0]
            .concat()
            .into_iter()
            .chain([0x88, 0x63])
            .collect(),
    );
    out
}

/// PADRs from forged hosts: without an AC-Cookie, and with cookies the LAC never made.
fn forged_padrs(count: u32) -> Vec<Vec<u8>> {
    let service = tag(tag_type::SERVICE_NAME, b"");
    (0..count)
        .map(|i| {
            let mut payload = service.clone();
            if i % 2 == 1 {
                let cookie: Vec<u8> = (0..20u32).map(|b| (i.wrapping_mul(31) + b) as u8).collect();
                payload.extend(tag(tag_type::AC_COOKIE, &cookie));
            }
            ethernet(
                LAC_PORT_MAC,
                forged(i),
                DISCOVERY,
                &honest(PADR, 0, &payload),
            )
        })
        .collect()
}

/// A PADT for every session ID, from a host that owns none of them.
fn padts_for_every_session() -> Vec<Vec<u8>> {
    (1..=u16::MAX)
        .map(|id| ethernet(LAC_PORT_MAC, FLOODER, DISCOVERY, &honest(PADT, id, &[])))
        .collect()
}

/// Session frames that lie about their length or carry no session.
fn lying_session_frames() -> Vec<Vec<u8>> {
    let echo = [0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 0, 0, 0, 0];
    vec![
        ethernet(
            LAC_PORT_MAC,
            ATTACKER,
            SESSION,
            &pppoe(SESSION_DATA, 7, u16::MAX, &echo),
        ),
        ethernet(
            LAC_PORT_MAC,
            ATTACKER,
            SESSION,
            &pppoe(SESSION_DATA, 0, 10, &echo),
        ),
        // A full-size frame (1,500 bytes of payload) whose PPPoE length says more again.
        ethernet(
            LAC_PORT_MAC,
            ATTACKER,
            SESSION,
            &pppoe(SESSION_DATA, 7, 1600, &[0x7e; 1494]),
        ),
        ethernet(LAC_PORT_MAC, ATTACKER, SESSION, &[0x11]),
    ]
}

/// LCP Configure-Requests built to make a negotiator work: hundreds of options (unknown,
/// repeated, zero-length, overrunning), in a session the LAC really granted.
fn lcp_option_floods(identifier: u8) -> Vec<Vec<u8>> {
    let many_unknown: Vec<u8> = (0..370).flat_map(|i| [0x80 | (i % 100) as u8, 2]).collect();
    let repeated_mru: Vec<u8> = (0..180).flat_map(|_| [1, 4, 0x05, 0xd4]).collect();
    let zero_length = vec![1, 0, 3, 0];
    let overrun = vec![5, 200, 1, 2, 3];
    [many_unknown, repeated_mru, zero_length, overrun]
        .into_iter()
        .map(|options| {
            let mut packet = vec![0xc0, 0x21, 0x01, identifier];
            packet.extend(((options.len() + 4) as u16).to_be_bytes());
            packet.extend(options);
            packet
        })
        .collect()
}

/// Sends every frame, waiting out a full send buffer; bounded by `WAIT`.
fn send(socket: &PacketSocket, frames: &[Vec<u8>]) {
    let deadline = Instant::now() + WAIT;
    let mut sent = 0;
    while sent < frames.len() {
        match socket.send_batch(frames[sent..].iter().map(Vec::as_slice)) {
            Ok(n) => sent += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                assert!(Instant::now() < deadline, "the raw socket stayed full");
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(e) => panic!("send frame {sent}: {e}"),
        }
    }
}

/// Sends a PADI from the marker host with Host-Uniq `nonce` and waits for its PADO: the LAC
/// has then read every frame sent before it (one port, one queue, in order).
fn sync(socket: &mut PacketSocket, nonce: u32) {
    let uniq = tag(tag_type::HOST_UNIQ, &nonce.to_be_bytes());
    let service = tag(tag_type::SERVICE_NAME, b"");
    let padi = honest(PADI, 0, &[service, uniq.clone()].concat());
    send(
        socket,
        &[ethernet(MacAddr::BROADCAST, MARKER, DISCOVERY, &padi)],
    );
    let deadline = Instant::now() + WAIT;
    let mut batch = FrameBatch::new(64, 2048);
    loop {
        assert!(Instant::now() < deadline, "no PADO for marker {nonce}");
        match socket.recv_batch(&mut batch) {
            Ok(_) => {
                let answered = batch.frames().any(|f| {
                    f.starts_with(&MARKER.0)
                        && f[12..14] == DISCOVERY.to_be_bytes()
                        && f[15] == PADO
                        && f.windows(uniq.len()).any(|w| w == uniq.as_slice())
                });
                if answered {
                    return;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(e) => panic!("receive: {e}"),
        }
    }
}

/// Runs `client` against the LAC until its session is up; returns the session ID.
fn discover(socket: &mut PacketSocket, client: &mut DiscoveryClient) -> u16 {
    let deadline = Instant::now() + WAIT;
    let mut batch = FrameBatch::new(64, 2048);
    client.start(Instant::now());
    loop {
        let frames: Vec<Vec<u8>> = std::iter::from_fn(|| client.poll_transmit()).collect();
        send(socket, &frames);
        match client.poll_event() {
            Some(ClientEvent::SessionUp { .. }) => {
                return client.session_id().expect("a session ID with the PADS")
            }
            Some(event) => panic!("discovery: {event:?}"),
            None => {}
        }
        assert!(Instant::now() < deadline, "no PADS from the LAC");
        match socket.recv_batch(&mut batch) {
            Ok(_) => {
                for frame in batch.frames() {
                    client.handle_frame(frame, Instant::now());
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(e) => panic!("receive: {e}"),
        }
        if client.poll_timeout().is_some_and(|at| at <= Instant::now()) {
            client.handle_timeout(Instant::now());
        }
    }
}

#[test]
fn hostile_frames_at_the_lac_port_are_dropped_and_legitimate_subscribers_are_served() {
    if !may_run_as_root("pppoe_hostile_netns") {
        return;
    }
    let lab = SubscriberLab::create("l2bad");
    let (mut lac, lns) = lab.lac_and_lns(4 * LEGITIMATE);
    let mut raw = lab.pair.packet_socket(1);
    raw.set_promiscuous().expect("promiscuous");

    // Malformed discovery, forged PADRs, lying session frames.
    send(&raw, &malformed_discovery());
    send(&raw, &forged_padrs(2_000));
    send(&raw, &lying_session_frames());

    // An LCP option flood inside a session the LAC granted us.
    let mut config = ClientConfig::new(ATTACKER);
    config.host_uniq = b"attacker".to_vec();
    let mut attacker = DiscoveryClient::new(config);
    discover(&mut raw, &mut attacker);
    for round in 0..50u8 {
        let frames: Vec<Vec<u8>> = lcp_option_floods(round)
            .iter()
            .filter_map(|ppp| attacker.session_frame(ppp))
            .collect();
        send(&raw, &frames);
    }

    // Alive, nothing of it reached L2TP, and the discovery server counted it by reason.
    assert_eq!(lac.exit_status(), None, "the LAC died");
    run_ok(&lac, "show services l2tp summary");
    assert!(l2tp_sessions(&lac, false).is_empty());
    let counted = pppoe_totals(&lac);
    // Overrunning and half tags, lying lengths, a bad version, an unknown code, no header.
    assert!(number(&counted, "malformed") >= 6, "{counted}");
    assert_eq!(number(&counted, "padr-cookie-missing"), 1_000, "{counted}");
    assert_eq!(number(&counted, "padr-cookie-invalid"), 1_000, "{counted}");
    assert_eq!(number(&counted, "nonzero-session-id"), 1, "{counted}");
    assert_eq!(
        number(&counted, "pads-sent"),
        1,
        "only the attacker's own PADR: {counted}"
    );

    // Legitimate subscribers come up through the LAC to the LNS...
    let emulator = lab.emulator(&[
        "--count",
        &LEGITIMATE.to_string(),
        "--hold",
        "600",
        "--timeout",
        "55",
    ]);
    wait_for_established(&lns, "LNS", LEGITIMATE, WAIT);
    wait_for_established(&lac, "LAC", LEGITIMATE, WAIT);

    // ... and keep their sessions when another host sends a PADT for every session ID. In
    // bursts the LAC reads whole (a marker PADI's PADO says it has read what came before):
    // a single burst of 65,535 frames overflows the port's receive buffer in the kernel, and
    // this check is about what the LAC does with each PADT, not about the kernel's drops.
    let padts = padts_for_every_session();
    for (round, burst) in padts.chunks(PADT_BURST).enumerate() {
        send(&raw, burst);
        sync(&mut raw, round as u32);
    }
    assert_eq!(lac.exit_status(), None, "the LAC died");
    let kept = l2tp_sessions(&lac, false).len();
    assert_eq!(kept, LEGITIMATE, "forged PADTs ended subscribers");
    let counted = pppoe_totals(&lac);
    let wrong_mac = number(&counted, "padt-wrong-mac");
    let unknown = number(&counted, "padt-unknown-session");
    // Every live session's ID came from the wrong host: the five subscribers' and ours.
    assert_eq!(wrong_mac, LEGITIMATE as u64 + 1, "{counted}");
    assert_eq!(wrong_mac + unknown, u64::from(u16::MAX), "{counted}");

    emulator.signal(Signal::SIGTERM);
    let (ok, summary) = emulator.finish(WAIT);
    assert!(ok, "{summary}");
    assert_eq!(summary["up"], LEGITIMATE, "{summary}");
    assert_eq!(summary["failures"], serde_json::json!({}), "{summary}");
    wait_for_established(&lns, "LNS", 0, WAIT);
}
