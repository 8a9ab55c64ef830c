//! The retransmission schedule as Junos operators configure it (minimum-retransmission-
//! interval, retransmission-count-[not-]established), asserted to the exact instant under a
//! simulated clock, and the HELLO keepalive that rides on the same machinery.

use std::time::{Duration, Instant};

use l2tpd::l2tp::control::event::stopccn_result;
use l2tpd::l2tp::control::{
    CloseReason, PeerAuth, RetransmitSettings, Tunnel, TunnelConfig, TunnelEvent, TunnelState,
};
use l2tpd::l2tp::wire::attribute::attr;
use l2tpd::l2tp::wire::{Avp, ControlMessage, ControlMessageBuilder, MessageType};
use rand::rngs::StdRng;
use rand::SeedableRng;

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

fn config(name: &str, settings: RetransmitSettings) -> TunnelConfig {
    let mut cfg = TunnelConfig::new(name);
    cfg.retransmit = settings;
    cfg.hello_interval = Duration::ZERO;
    cfg
}

fn settings(interval: u64, established: u32, not_established: u32) -> RetransmitSettings {
    RetransmitSettings {
        minimum_interval: Duration::from_secs(interval),
        count_established: established,
        count_not_established: not_established,
        ..RetransmitSettings::default()
    }
}

/// What a tunnel does with nobody answering: when it sent (offsets from `start`), when it
/// reported the tunnel cleared, and the StopCCNs it sent as it gave up.
struct Silence {
    sent: Vec<Duration>,
    cleared: Option<Duration>,
    reason: Option<CloseReason>,
    stopccns: Vec<(Duration, Vec<u8>)>,
}

fn run_silent(tunnel: &mut Tunnel, start: Instant, mut now: Instant, horizon: Duration) -> Silence {
    let mut out = Silence {
        sent: Vec::new(),
        cleared: None,
        reason: None,
        stopccns: Vec::new(),
    };
    loop {
        while let Some(datagram) = tunnel.poll_transmit(now) {
            let msg = ControlMessage::parse(&datagram, None).expect("our own datagram parses");
            if msg.message_type == Some(MessageType::STOPCCN) {
                out.stopccns.push((now - start, datagram));
            } else {
                out.sent.push(now - start);
            }
        }
        while let Some(event) = tunnel.poll_event() {
            if let TunnelEvent::Closed(reason) = event {
                out.cleared = Some(now - start);
                out.reason = Some(reason);
            }
        }
        match tunnel.poll_timeout() {
            Some(at) if at - start <= horizon => {
                now = at;
                tunnel.handle_timeout(now);
            }
            _ => return out,
        }
    }
}

/// Brings up a LAC/LNS pair over a perfect wire at `now`.
fn established(lac_cfg: TunnelConfig, lns_cfg: TunnelConfig, now: Instant) -> (Tunnel, Tunnel) {
    let mut rng = StdRng::seed_from_u64(1);
    let mut lac = Tunnel::new_initiator(lac_cfg, 11, now, &mut rng);
    let sccrq = lac.poll_transmit(now).expect("SCCRQ");
    let auth = PeerAuth::Admitted { secret: None };
    let mut lns =
        Tunnel::new_responder(lns_cfg, 22, &sccrq, auth, now, &mut rng).expect("SCCRQ accepted");
    exchange(&mut lac, &mut lns, now);
    assert_eq!(lac.state(), TunnelState::Established);
    assert_eq!(lns.state(), TunnelState::Established);
    while lac.poll_event().is_some() {}
    while lns.poll_event().is_some() {}
    (lac, lns)
}

/// Passes datagrams both ways until both sides are quiet.
fn exchange(a: &mut Tunnel, b: &mut Tunnel, now: Instant) {
    loop {
        let mut moved = false;
        while let Some(d) = a.poll_transmit(now) {
            b.handle_datagram(now, &d);
            moved = true;
        }
        while let Some(d) = b.poll_transmit(now) {
            a.handle_datagram(now, &d);
            moved = true;
        }
        if !moved {
            return;
        }
    }
}

fn icrq(serial: u32) -> ControlMessageBuilder {
    ControlMessageBuilder::new(MessageType::ICRQ)
        .avp(Avp::AssignedSessionId(7))
        .avp(Avp::CallSerialNumber(serial))
}

#[test]
fn default_schedule_is_1_3_7_15_31_then_cleared_at_47() {
    let start = Instant::now();
    let mut rng = StdRng::seed_from_u64(2);
    let cfg = config("lac", RetransmitSettings::default());
    let mut lac = Tunnel::new_initiator(cfg, 1, start, &mut rng);
    let run = run_silent(&mut lac, start, start, secs(600.0));
    let expected: Vec<Duration> = [0.0, 1.0, 3.0, 7.0, 15.0, 31.0].map(secs).to_vec();
    assert_eq!(run.sent, expected);
    assert_eq!(run.cleared, Some(secs(47.0)));
    assert_eq!(run.reason, Some(CloseReason::RetransmissionsExhausted));
    assert_eq!(
        run.reason.map(|r| r.to_string()).as_deref(),
        Some("retransmissions exhausted")
    );
    assert_eq!(lac.state(), TunnelState::Gone);
    assert_eq!(lac.poll_event(), None);
    assert_eq!(lac.stats().retransmissions, 5);
}

#[test]
fn count_2_interval_8_waits_8_16_16_then_clears() {
    // Junos example 2: the doubled 16 s wait is not exceeded, and after the second
    // retransmission one more 16 s wait passes before the tunnel is cleared.
    let start = Instant::now();
    let mut rng = StdRng::seed_from_u64(3);
    let mut lac = Tunnel::new_initiator(config("lac", settings(8, 5, 2)), 1, start, &mut rng);
    let run = run_silent(&mut lac, start, start, secs(600.0));
    assert_eq!(run.sent, [0.0, 8.0, 24.0].map(secs).to_vec());
    assert_eq!(run.cleared, Some(secs(40.0)));
}

#[test]
fn established_count_3_interval_2_waits_2_4_8_16_then_clears() {
    // The product document's example: count 3, interval 2 on an established tunnel.
    let t0 = Instant::now();
    let s = settings(2, 3, 5);
    let (mut lac, _lns) = established(config("lac", s), config("lns", s), t0);
    let sent_at = t0 + secs(100.0);
    lac.send_session_message(0, &icrq(1)).expect("established");
    let run = run_silent(&mut lac, sent_at, sent_at, secs(600.0));
    assert_eq!(run.sent, [0.0, 2.0, 6.0, 14.0].map(secs).to_vec());
    assert_eq!(run.cleared, Some(secs(30.0)));
    assert_eq!(run.reason, Some(CloseReason::RetransmissionsExhausted));
}

#[test]
fn count_3_interval_1_answer_during_the_second_wait_stops_retransmission() {
    // Junos example 1: retransmission at t=1, the answer arrives within the 2 s that follow.
    let t0 = Instant::now();
    let s = settings(1, 3, 3);
    let (mut lac, mut lns) = established(config("lac", s), config("lns", s), t0);
    let t = |offset: f64| t0 + secs(10.0 + offset);
    lac.send_session_message(0, &icrq(1)).expect("established");
    let lost = lac.poll_transmit(t(0.0)).expect("first transmission");
    drop(lost);
    assert_eq!(lac.poll_timeout(), Some(t(1.0)));
    lac.handle_timeout(t(1.0));
    let retransmitted = lac.poll_transmit(t(1.0)).expect("retransmission at t=1");
    assert_eq!(lac.poll_transmit(t(1.0)), None);
    assert_eq!(lac.poll_timeout(), Some(t(3.0)), "second wait is 2 s");
    lns.handle_datagram(t(1.5), &retransmitted);
    let ack = lns.poll_transmit(t(1.5)).expect("ZLB acknowledgement");
    assert!(ControlMessage::parse(&ack, None).expect("parses").is_zlb());
    lac.handle_datagram(t(2.0), &ack);
    assert_eq!(lac.poll_timeout(), None, "nothing left to retransmit");
    assert_eq!(lac.stats().retransmissions, 1);
    assert_eq!(lac.state(), TunnelState::Established);
    assert!(matches!(
        lns.poll_event(),
        Some(TunnelEvent::SessionMessage { session_id: 0, .. })
    ));
}

#[test]
fn a_commit_applies_to_the_next_message_and_in_flight_ones_keep_their_schedule() {
    let t0 = Instant::now();
    let (mut lac, _lns) = established(
        config("lac", RetransmitSettings::default()),
        config("lns", RetransmitSettings::default()),
        t0,
    );
    let base = t0 + secs(5.0);
    lac.send_session_message(0, &icrq(1)).expect("established");
    assert!(lac.poll_transmit(base).is_some());
    // Commit: 4 s first wait, one retransmission, then the next message is sent.
    lac.update_settings(settings(4, 1, 5));
    lac.send_session_message(0, &icrq(2)).expect("established");
    let half = base + secs(0.5);
    assert!(
        lac.poll_transmit(half).is_some(),
        "window allows the second"
    );
    let mut sent = Vec::new();
    let mut now = half;
    let mut cleared = None;
    while let Some(at) = lac.poll_timeout() {
        now = at;
        lac.handle_timeout(now);
        while let Some(d) = lac.poll_transmit(now) {
            let ns = ControlMessage::parse(&d, None).expect("parses").header.ns;
            sent.push((now - base, ns));
        }
        while let Some(event) = lac.poll_event() {
            if matches!(event, TunnelEvent::Closed(_)) {
                cleared = Some(now - base);
            }
        }
    }
    // Ns 2 is the first ICRQ (after SCCRQ 0 and SCCCN 1): it keeps the old schedule (1, 3,
    // 7 s, ...). Ns 3 has the committed one: once at +4 s, then cleared 8 s later, before
    // Ns 2 would have run out.
    assert_eq!(
        sent,
        vec![
            (secs(1.0), 2),
            (secs(3.0), 2),
            (secs(4.5), 3),
            (secs(7.0), 2),
            // The StopCCN sent once as the tunnel is cleared.
            (secs(12.5), 4),
        ],
        "retransmissions (offset, Ns)"
    );
    assert_eq!(cleared, Some(secs(12.5)));
    assert!(now >= base);
}

#[test]
fn hello_after_the_interval_with_nothing_received_and_it_is_acknowledged() {
    let t0 = Instant::now();
    let mut lac_cfg = config("lac", RetransmitSettings::default());
    lac_cfg.hello_interval = Duration::from_secs(60);
    let (mut lac, mut lns) = established(lac_cfg, config("lns", RetransmitSettings::default()), t0);
    assert_eq!(lac.poll_timeout(), Some(t0 + secs(60.0)));
    // Something received at t=30 pushes the HELLO back.
    lns.send_session_message(11, &icrq(5)).expect("established");
    let t30 = t0 + secs(30.0);
    exchange(&mut lns, &mut lac, t30);
    assert_eq!(lac.poll_timeout(), Some(t0 + secs(90.0)));
    let t90 = t0 + secs(90.0);
    lac.handle_timeout(t90);
    let hello = lac.poll_transmit(t90).expect("HELLO");
    let parsed = ControlMessage::parse(&hello, None).expect("parses");
    assert_eq!(parsed.message_type, Some(MessageType::HELLO));
    assert_eq!(parsed.header.session_id, 0);
    lns.handle_datagram(t90, &hello);
    let zlb = lns.poll_transmit(t90).expect("ZLB");
    lac.handle_datagram(t90, &zlb);
    assert_eq!(lac.stats().hellos_sent, 1);
    assert_eq!(lac.poll_timeout(), Some(t0 + secs(150.0)));
}

#[test]
fn an_unanswered_hello_is_retransmitted_and_clears_the_tunnel() {
    let t0 = Instant::now();
    let mut lac_cfg = config("lac", RetransmitSettings::default());
    lac_cfg.hello_interval = Duration::from_secs(60);
    let (mut lac, _lns) = established(lac_cfg, config("lns", RetransmitSettings::default()), t0);
    let run = run_silent(&mut lac, t0, t0, secs(600.0));
    assert_eq!(
        run.sent,
        [60.0, 61.0, 63.0, 67.0, 75.0, 91.0].map(secs).to_vec()
    );
    assert_eq!(run.cleared, Some(secs(107.0)));
}

#[test]
fn hello_interval_zero_sends_no_hello() {
    let t0 = Instant::now();
    let (mut lac, _lns) = established(
        config("lac", RetransmitSettings::default()),
        config("lns", RetransmitSettings::default()),
        t0,
    );
    assert_eq!(lac.poll_timeout(), None);
    assert_eq!(lac.poll_transmit(t0 + secs(3600.0)), None);
}

#[test]
fn exhausted_retransmissions_send_one_stopccn_that_is_never_retransmitted() {
    // The peer may still hear us (only its acknowledgements are lost): a StopCCN spares it
    // its own full retransmission cycle. It is not retransmitted: nobody would acknowledge.
    let t0 = Instant::now();
    let s = settings(2, 3, 5);
    let (mut lac, mut lns) = established(config("lac", s), config("lns", s), t0);
    let sent_at = t0 + secs(100.0);
    lac.send_session_message(0, &icrq(1)).expect("established");
    let first = lac.poll_transmit(sent_at).expect("ICRQ");
    lns.handle_datagram(sent_at, &first);
    // Every acknowledgement of the LNS is lost.
    while lns.poll_transmit(sent_at).is_some() {}
    let run = run_silent(&mut lac, sent_at, sent_at, secs(600.0));
    assert_eq!(run.cleared, Some(secs(30.0)));
    let [(at, bytes)] = run.stopccns.as_slice() else {
        panic!("one StopCCN expected, got {}", run.stopccns.len());
    };
    assert_eq!(*at, secs(30.0), "sent as the tunnel is cleared");
    let stopccn = ControlMessage::parse(bytes, None).expect("parses");
    assert_eq!(
        stopccn.header.tunnel_id, 22,
        "addressed to the peer's tunnel"
    );
    assert!(matches!(
        stopccn.get(attr::ASSIGNED_TUNNEL_ID),
        Some(Avp::AssignedTunnelId(11))
    ));
    assert!(matches!(
        stopccn.get(attr::RESULT_CODE),
        Some(Avp::ResultCode(rc)) if rc.result == stopccn_result::GENERAL_ERROR
    ));
    assert_eq!(lac.state(), TunnelState::Gone);
    assert_eq!(lac.poll_timeout(), None, "nothing left to retransmit");
    // The StopCCN, next in sequence after the ICRQ the LNS heard, closes it at once.
    lns.handle_datagram(sent_at + *at, bytes);
    let mut reasons = Vec::new();
    while let Some(event) = lns.poll_event() {
        if let TunnelEvent::Closed(reason) = event {
            reasons.push(reason);
        }
    }
    assert!(
        matches!(reasons.as_slice(), [CloseReason::PeerStopCcn(_)]),
        "{reasons:?}"
    );
}

#[test]
fn an_unanswered_sccrp_ends_without_a_stopccn() {
    // The SCCRQ may have come from a spoofed address: nothing beyond the SCCRP's own
    // retransmissions goes back to it.
    let start = Instant::now();
    let mut rng = StdRng::seed_from_u64(4);
    let mut lac = Tunnel::new_initiator(
        config("lac", RetransmitSettings::default()),
        1,
        start,
        &mut rng,
    );
    let sccrq = lac.poll_transmit(start).expect("SCCRQ");
    let auth = PeerAuth::Admitted { secret: None };
    let mut lns = Tunnel::new_responder(
        config("lns", RetransmitSettings::default()),
        2,
        &sccrq,
        auth,
        start,
        &mut rng,
    )
    .expect("accepted");
    let run = run_silent(&mut lns, start, start, secs(600.0));
    assert_eq!(run.sent.len(), 6, "the SCCRP and its five retransmissions");
    assert_eq!(run.reason, Some(CloseReason::RetransmissionsExhausted));
    assert!(run.stopccns.is_empty());
}

/// A tunnel group's `retransmit-interval` and `tunnel-timeout` stay with the tunnel when a
/// commit changes the global retransmission statements (Junos: tunnel-group changes apply
/// to tunnels set up later).
#[test]
fn a_commit_keeps_the_tunnel_groups_cap_and_timeout() {
    let start = Instant::now();
    let mut rng = StdRng::seed_from_u64(2);
    let group = RetransmitSettings {
        count_not_established: 8,
        maximum_interval: Duration::from_secs(30),
        give_up_after: Some(Duration::from_secs(100)),
        ..RetransmitSettings::default()
    };
    let mut tunnel = Tunnel::new_initiator(config("lns", group), 1, start, &mut rng);
    // The commit arrives before the first message leaves.
    tunnel.update_settings(RetransmitSettings {
        count_not_established: 8,
        ..RetransmitSettings::default()
    });
    let run = run_silent(&mut tunnel, start, start, secs(600.0));
    let expected: Vec<Duration> = [0.0, 1.0, 3.0, 7.0, 15.0, 31.0, 61.0, 91.0]
        .map(secs)
        .to_vec();
    assert_eq!(run.sent, expected);
    assert_eq!(run.cleared, Some(secs(100.0)));
}
