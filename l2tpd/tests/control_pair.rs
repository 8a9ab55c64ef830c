//! Whole conversations between an initiator (LAC) and a responder (LNS) over an in-memory
//! network that loses, duplicates and reorders datagrams by a seeded RNG, under a simulated
//! clock: establishment with and without a tunnel secret, authentication failures, in-order
//! exactly-once delivery of session messages, the 65535 → 0 wrap, and StopCCN teardown.

use std::time::{Duration, Instant};

use l2tpd::l2tp::control::event::stopccn_result;
use l2tpd::l2tp::control::{
    AuthFailure, CloseReason, PeerAuth, RetransmitSettings, Tunnel, TunnelConfig, TunnelEvent,
    TunnelState,
};
use l2tpd::l2tp::wire::attribute::attr;
use l2tpd::l2tp::wire::{
    Avp, ControlMessage, ControlMessageBuilder, MessageType, ResultCode, SpeedUpdate,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use schema::typed::Secret;

const LAC_ID: u16 = 100;
const LNS_ID: u16 = 200;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Side {
    Lac,
    Lns,
}

struct Impairment {
    loss: f64,
    duplicate: f64,
    /// Each datagram takes 1 ms plus up to this much: later datagrams overtake earlier ones.
    jitter_ms: u64,
}

const PERFECT: Impairment = Impairment {
    loss: 0.0,
    duplicate: 0.0,
    jitter_ms: 0,
};

const HOSTILE: Impairment = Impairment {
    loss: 0.2,
    duplicate: 0.1,
    jitter_ms: 40,
};

/// Two tunnels and the network between them. The LNS tunnel exists once an SCCRQ arrived,
/// as the registry would create it.
struct Net {
    start: Instant,
    now: Instant,
    rng: StdRng,
    impairment: Impairment,
    wire: Vec<(Instant, Side, Vec<u8>)>,
    lac: Tunnel,
    lns: Option<Tunnel>,
    lns_cfg: TunnelConfig,
    lns_auth: PeerAuth,
    lac_events: Vec<TunnelEvent>,
    lns_events: Vec<TunnelEvent>,
}

impl Net {
    fn new(
        seed: u64,
        impairment: Impairment,
        lac_cfg: TunnelConfig,
        lns_cfg: TunnelConfig,
        lns_auth: PeerAuth,
    ) -> Self {
        let start = Instant::now();
        let mut rng = StdRng::seed_from_u64(seed);
        let lac = Tunnel::new_initiator(lac_cfg, LAC_ID, start, &mut rng);
        let mut net = Self {
            start,
            now: start,
            rng,
            impairment,
            wire: Vec::new(),
            lac,
            lns: None,
            lns_cfg,
            lns_auth,
            lac_events: Vec::new(),
            lns_events: Vec::new(),
        };
        net.flush();
        net
    }

    fn lns(&mut self) -> &mut Tunnel {
        self.lns.as_mut().expect("the LNS tunnel exists")
    }

    fn transmit(&mut self, to: Side, datagram: Vec<u8>) {
        if self.rng.random_bool(self.impairment.loss) {
            return;
        }
        let copies = if self.rng.random_bool(self.impairment.duplicate) {
            2
        } else {
            1
        };
        for _ in 0..copies {
            let jitter = self.rng.random_range(0..=self.impairment.jitter_ms);
            let at = self.now + Duration::from_millis(1 + jitter);
            self.wire.push((at, to, datagram.clone()));
        }
    }

    /// Sends whatever both sides have to send, checking the window on the way.
    fn flush(&mut self) {
        while let Some(d) = self.lac.poll_transmit(self.now) {
            let w = self.lac.window();
            assert!(w.in_flight <= usize::from(w.peer_rx_window));
            self.transmit(Side::Lns, d);
        }
        let now = self.now;
        let mut out = Vec::new();
        if let Some(lns) = self.lns.as_mut() {
            while let Some(d) = lns.poll_transmit(now) {
                let w = lns.window();
                assert!(w.in_flight <= usize::from(w.peer_rx_window));
                out.push(d);
            }
        }
        for d in out {
            self.transmit(Side::Lac, d);
        }
        while let Some(e) = self.lac.poll_event() {
            self.lac_events.push(e);
        }
        if let Some(lns) = self.lns.as_mut() {
            while let Some(e) = lns.poll_event() {
                self.lns_events.push(e);
            }
        }
    }

    fn deliver(&mut self, to: Side, datagram: Vec<u8>) {
        let now = self.now;
        match to {
            Side::Lac => self.lac.handle_datagram(now, &datagram),
            Side::Lns => match self.lns.as_mut() {
                Some(lns) => lns.handle_datagram(now, &datagram),
                None => {
                    let cfg = self.lns_cfg.clone();
                    let auth = self.lns_auth.clone();
                    let mut rng = StdRng::seed_from_u64(self.rng.random());
                    // A ZLB or another stray before the first SCCRQ: the registry drops it.
                    if let Ok(lns) =
                        Tunnel::new_responder(cfg, LNS_ID, &datagram, auth, now, &mut rng)
                    {
                        self.lns = Some(lns);
                    }
                }
            },
        }
    }

    /// Advances the clock to the next thing that happens. False when nothing ever will.
    fn step(&mut self) -> bool {
        let next = [
            self.wire.iter().map(|(at, _, _)| *at).min(),
            self.lac.poll_timeout(),
            self.lns.as_ref().and_then(Tunnel::poll_timeout),
        ]
        .into_iter()
        .flatten()
        .min();
        let Some(next) = next else {
            return false;
        };
        self.now = self.now.max(next);
        let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.wire)
            .into_iter()
            .partition(|(at, _, _)| *at <= self.now);
        self.wire = later;
        for (_, to, datagram) in due {
            self.deliver(to, datagram);
            self.flush();
        }
        let now = self.now;
        if self.lac.poll_timeout().is_some_and(|at| at <= now) {
            self.lac.handle_timeout(now);
        }
        if let Some(lns) = self.lns.as_mut() {
            if lns.poll_timeout().is_some_and(|at| at <= now) {
                lns.handle_timeout(now);
            }
        }
        self.flush();
        true
    }

    fn run_until(&mut self, limit: Duration, mut done: impl FnMut(&Net) -> bool) -> bool {
        while self.now - self.start < limit {
            if done(self) {
                return true;
            }
            if !self.step() {
                return done(self);
            }
        }
        done(self)
    }

    /// `lac_name` and `lns_name` on a perfect wire, without a secret, once both ends are
    /// established (within 5 s of simulated time).
    fn established(seed: u64, lac_name: &str, lns_name: &str) -> Self {
        let mut net = Net::new(
            seed,
            PERFECT,
            cfg(lac_name, None),
            cfg(lns_name, None),
            PeerAuth::Admitted { secret: None },
        );
        assert!(net.run_until(Duration::from_secs(5), Net::both_established));
        net
    }

    fn both_established(&self) -> bool {
        self.lac.state() == TunnelState::Established
            && self.lns.as_ref().map(Tunnel::state) == Some(TunnelState::Established)
    }
}

fn cfg(name: &str, secret: Option<&[u8]>) -> TunnelConfig {
    let mut cfg = TunnelConfig::new(name);
    cfg.secret = secret.map(Secret::new);
    // The lossy runs ask for more patience than the default 5 retransmissions: at 20 % loss
    // each way a message and its acknowledgement both get through only 64 % of the time, and
    // the test must not depend on the seed being lucky.
    cfg.retransmit = RetransmitSettings {
        minimum_interval: Duration::from_secs(1),
        count_established: 12,
        count_not_established: 12,
        ..RetransmitSettings::default()
    };
    cfg
}

fn icrq(serial: u32) -> ControlMessageBuilder {
    ControlMessageBuilder::new(MessageType::ICRQ)
        .avp(Avp::AssignedSessionId(1))
        .avp(Avp::CallSerialNumber(serial))
}

fn serials(events: &[TunnelEvent]) -> Vec<u32> {
    events
        .iter()
        .filter_map(|e| match e {
            TunnelEvent::SessionMessage { msg, .. } => match msg.get(attr::CALL_SERIAL_NUMBER) {
                Some(Avp::CallSerialNumber(n)) => Some(*n),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn closed(events: &[TunnelEvent]) -> Vec<&CloseReason> {
    events
        .iter()
        .filter_map(|e| match e {
            TunnelEvent::Closed(reason) => Some(reason),
            _ => None,
        })
        .collect()
}

fn established_count(events: &[TunnelEvent]) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, TunnelEvent::Established(_)))
        .count()
}

#[test]
fn establishes_on_a_perfect_wire_with_the_expected_avps() {
    let mut net = Net::established(1, "lac-1", "lns-1");
    let Some(TunnelEvent::Established(peer)) = net.lac_events.first() else {
        panic!("LAC established event first: {:?}", net.lac_events);
    };
    assert_eq!(peer.tunnel_id, LNS_ID);
    assert_eq!(peer.host_name, b"lns-1");
    assert_eq!(peer.rx_window, 4);
    let Some(TunnelEvent::Established(peer)) = net.lns_events.first() else {
        panic!("LNS established event first: {:?}", net.lns_events);
    };
    assert_eq!(peer.tunnel_id, LAC_ID);
    assert_eq!(peer.host_name, b"lac-1");
    // SCCRQ, SCCCN from the LAC; SCCRP and a ZLB for the SCCCN from the LNS; no retries.
    assert_eq!(net.lac.stats().tx_packets, 2);
    assert_eq!(net.lns().stats().tx_packets, 2);
    assert_eq!(net.lns().stats().zlb_sent, 1);
    assert_eq!(net.lac.stats().retransmissions, 0);
}

#[test]
fn sccrq_leaves_out_rws_at_4_and_sends_it_otherwise() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(5);
    let rws_of = |window: u16, rng: &mut StdRng| {
        let mut c = cfg("lac", None);
        c.rx_window_size = window;
        let mut t = Tunnel::new_initiator(c, 9, now, rng);
        let d = t.poll_transmit(now).expect("SCCRQ");
        let m = ControlMessage::parse(&d, None).expect("parses");
        assert_eq!(m.message_type, Some(MessageType::SCCRQ));
        assert_eq!(m.header.tunnel_id, 0);
        for a in [
            attr::PROTOCOL_VERSION,
            attr::HOST_NAME,
            attr::FRAMING_CAPABILITIES,
        ] {
            assert!(m.get(a).is_some(), "AVP {a}");
        }
        for a in [
            attr::BEARER_CAPABILITIES,
            attr::FIRMWARE_REVISION,
            attr::VENDOR_NAME,
        ] {
            assert!(m.get(a).is_some(), "AVP {a}");
        }
        assert_eq!(
            m.get(attr::ASSIGNED_TUNNEL_ID),
            Some(&Avp::AssignedTunnelId(9))
        );
        assert!(m.get(attr::CHALLENGE).is_none());
        m.get(attr::RECEIVE_WINDOW_SIZE).cloned()
    };
    assert_eq!(rws_of(4, &mut rng), None);
    assert_eq!(rws_of(16, &mut rng), Some(Avp::ReceiveWindowSize(16)));
}

fn lossy_establishment(seed: u64, lac_secret: Option<&[u8]>, lns_secret: Option<&[u8]>) -> Net {
    let mut net = Net::new(
        seed,
        HOSTILE,
        cfg("lac", lac_secret),
        cfg("lns", None),
        PeerAuth::Admitted {
            secret: lns_secret.map(Secret::new),
        },
    );
    let up = net.run_until(Duration::from_secs(120), Net::both_established);
    assert!(up, "seed {seed}: LAC {:?}", net.lac_events);
    net
}

#[test]
fn establishes_under_loss_duplication_and_reordering_without_a_secret() {
    for seed in 0..40 {
        let net = lossy_establishment(seed, None, None);
        assert_eq!(established_count(&net.lac_events), 1, "seed {seed}");
        assert_eq!(established_count(&net.lns_events), 1, "seed {seed}");
    }
}

#[test]
fn establishes_under_loss_duplication_and_reordering_with_a_secret() {
    let secret: &[u8] = b"s3cret";
    let mut retransmitted = 0;
    for seed in 100..140 {
        let net = lossy_establishment(seed, Some(secret), Some(secret));
        assert_eq!(net.lac.stats().auth_failures, 0);
        retransmitted += net.lac.stats().retransmissions;
    }
    assert!(retransmitted > 0, "the impairment did bite");
}

/// RFC 5515 §4.1: a LAC's Connect-Speed-Update-Notification (Session ID 0, Message Type
/// M=1 as some LACs send it) is acknowledged and each of its Connect Speed Update AVPs handed
/// to the owner; it no longer clears the tunnel as an unknown mandatory message type did.
#[test]
fn a_csun_reaches_the_lns_owner_update_by_update() {
    let mut net = Net::established(2, "lac-1", "lns-1");
    let first = SpeedUpdate {
        session_id: 7,
        tx: 16_000_000,
        rx: 1_000_000,
    };
    let second = SpeedUpdate {
        session_id: 9,
        tx: 8_000_000,
        rx: 800_000,
    };
    let csun = ControlMessageBuilder::new(MessageType::CSUN)
        .avp(Avp::ConnectSpeedUpdate(first))
        .avp(Avp::ConnectSpeedUpdate(second));
    net.lac.send_session_message(0, &csun).expect("established");
    net.flush();
    let updates = |net: &Net| -> Vec<SpeedUpdate> {
        net.lns_events
            .iter()
            .filter_map(|e| match e {
                TunnelEvent::SpeedUpdate(u) => Some(*u),
                _ => None,
            })
            .collect()
    };
    assert!(net.run_until(Duration::from_secs(5), |net| updates(net).len() == 2));
    assert_eq!(updates(&net), [first, second]);
    assert!(closed(&net.lns_events).is_empty());
    assert_eq!(net.lns().state(), TunnelState::Established);
    // Acknowledged: the LAC has nothing left to retransmit.
    assert!(
        net.run_until(Duration::from_secs(5), |net| net.lac.window().in_flight
            == 0)
    );
}

#[test]
fn session_messages_arrive_once_and_in_order_over_a_hostile_wire() {
    for seed in 200..210 {
        let mut net = lossy_establishment(seed, Some(b"k"), Some(b"k"));
        for n in 0..40 {
            net.lac
                .send_session_message(0, &icrq(n))
                .expect("established");
            net.lns()
                .send_session_message(5, &icrq(1000 + n))
                .expect("established");
        }
        net.flush();
        let done = net.run_until(Duration::from_secs(600), |net| {
            serials(&net.lns_events).len() == 40 && serials(&net.lac_events).len() == 40
        });
        assert!(done, "seed {seed}: lns got {:?}", serials(&net.lns_events));
        assert_eq!(serials(&net.lns_events), (0..40).collect::<Vec<_>>());
        assert_eq!(serials(&net.lac_events), (1000..1040).collect::<Vec<_>>());
        let s = net.lns().stats();
        assert!(
            s.duplicates + s.out_of_order > 0,
            "seed {seed}: impairment seen"
        );
        assert!(closed(&net.lac_events).is_empty());
    }
}

#[test]
fn sequence_numbers_wrap_from_65535_to_0_without_losing_a_message() {
    let mut net = Net::established(9, "lac", "lns");
    // SCCRQ and SCCCN used Ns 0 and 1: 65,600 more messages take Ns through 65535 to 0.
    const COUNT: u32 = 65_600;
    for n in 0..COUNT {
        net.lac
            .send_session_message(0, &icrq(n))
            .expect("established");
    }
    net.flush();
    let delivered = net.run_until(Duration::from_secs(3600), |net| {
        net.lac.window().unsent == 0 && net.lac.window().in_flight == 0
    });
    assert!(delivered);
    let got = serials(&net.lns_events);
    assert_eq!(got.len(), COUNT as usize);
    assert!(got.iter().copied().eq(0..COUNT), "in order, once each");
    assert_eq!(net.lns().stats().duplicates, 0);
}

#[test]
fn wrong_secret_fails_on_both_ends_with_result_4() {
    let mut net = Net::new(
        3,
        PERFECT,
        cfg("lac", Some(b"one")),
        cfg("lns", None),
        PeerAuth::Admitted {
            secret: Some(Secret::new(b"two")),
        },
    );
    net.run_until(Duration::from_secs(200), |net| {
        net.lac.state() == TunnelState::Gone
            && net.lns.as_ref().map(Tunnel::state) == Some(TunnelState::Gone)
    });
    // The LNS cannot produce the response the LAC expects: the LAC refuses the SCCRP.
    assert_eq!(
        closed(&net.lac_events),
        [&CloseReason::Authentication(AuthFailure::WrongResponse)]
    );
    let lns_closed = closed(&net.lns_events);
    let [CloseReason::PeerStopCcn(rc)] = lns_closed.as_slice() else {
        panic!("LNS closed by the LAC's StopCCN: {:?}", net.lns_events);
    };
    assert_eq!(rc.result, stopccn_result::NOT_AUTHORIZED);
    assert_eq!(net.lac.stats().auth_failures, 1);
    assert_eq!(net.lns().stats().auth_failures, 1);
    assert_eq!(established_count(&net.lac_events), 0);
    assert_eq!(established_count(&net.lns_events), 0);
    assert!(matches!(net.lac_events.last(), Some(TunnelEvent::Gone)));
    assert!(matches!(net.lns_events.last(), Some(TunnelEvent::Gone)));
}

fn one_sided(lac_secret: Option<&[u8]>, lns_secret: Option<&[u8]>) -> Net {
    let mut net = Net::new(
        4,
        PERFECT,
        cfg("lac", lac_secret),
        cfg("lns", None),
        PeerAuth::Admitted {
            secret: lns_secret.map(Secret::new),
        },
    );
    net.run_until(Duration::from_secs(5), |net| {
        !closed(&net.lac_events).is_empty() && !closed(&net.lns_events).is_empty()
    });
    net
}

#[test]
fn a_secret_on_the_lac_only_fails_and_is_counted_on_both_ends() {
    let mut net = one_sided(Some(b"s3cret"), None);
    // The LNS is challenged and has nothing to answer with.
    assert_eq!(
        closed(&net.lns_events),
        [&CloseReason::Authentication(AuthFailure::NoSecretToAnswer)]
    );
    let lac_closed = closed(&net.lac_events);
    assert!(
        matches!(lac_closed.as_slice(), [CloseReason::PeerStopCcn(rc)] if rc.result == 4),
        "{lac_closed:?}"
    );
    assert_eq!(net.lac.stats().auth_failures, 1);
    assert_eq!(net.lns().stats().auth_failures, 1);
}

#[test]
fn a_secret_on_the_lns_only_fails_and_is_counted_on_both_ends() {
    let mut net = one_sided(None, Some(b"s3cret"));
    // The LNS challenges in its SCCRP; the LAC cannot answer in an SCCCN.
    assert_eq!(
        closed(&net.lac_events),
        [&CloseReason::Authentication(AuthFailure::NoSecretToAnswer)]
    );
    let lns_closed = closed(&net.lns_events);
    assert!(
        matches!(lns_closed.as_slice(), [CloseReason::PeerStopCcn(rc)] if rc.result == 4),
        "{lns_closed:?}"
    );
    assert_eq!(net.lac.stats().auth_failures, 1);
    assert_eq!(net.lns().stats().auth_failures, 1);
}

#[test]
fn a_refused_peer_gets_stopccn_result_4() {
    let mut net = Net::new(
        6,
        PERFECT,
        cfg("lac", None),
        cfg("lns", None),
        PeerAuth::Refused,
    );
    net.run_until(Duration::from_secs(5), |net| {
        !closed(&net.lac_events).is_empty()
    });
    assert_eq!(
        closed(&net.lns_events),
        [&CloseReason::Authentication(AuthFailure::PeerNotAdmitted)]
    );
    assert!(matches!(
        closed(&net.lac_events).as_slice(),
        [CloseReason::PeerStopCcn(ResultCode { result: 4, .. })]
    ));
    assert_eq!(net.lns().state(), TunnelState::Closing);
}

#[test]
fn stopccn_is_acknowledged_and_the_state_held_for_a_full_cycle() {
    let mut net = Net::established(7, "lac", "lns");
    let closed_at = net.now;
    let goodbye = ResultCode {
        result: stopccn_result::GENERAL_REQUEST,
        // A message travels with an Error Code, so this is what the peer decodes.
        error: Some(0),
        message: b"Goodbye!".to_vec(),
    };
    net.lac.close(closed_at, goodbye.clone());
    assert!(net.lac.send_session_message(0, &icrq(1)).is_err());
    net.flush();
    net.run_until(Duration::from_secs(400), |net| {
        matches!(net.lns_events.last(), Some(TunnelEvent::Gone))
            && matches!(net.lac_events.last(), Some(TunnelEvent::Gone))
    });
    assert_eq!(
        closed(&net.lns_events),
        [&CloseReason::PeerStopCcn(goodbye.clone())]
    );
    assert_eq!(closed(&net.lac_events), [&CloseReason::Local(goodbye)]);
    // The LNS acknowledged the StopCCN with a ZLB, so the LAC never retransmitted it.
    assert_eq!(net.lac.stats().retransmissions, 0);
    // Both held their state 12 retransmission waits long: 1+2+4+8+16*9 = 159 s.
    let held = net.now - closed_at;
    assert!(held >= Duration::from_secs(159), "{held:?}");
    assert!(held < Duration::from_secs(160), "{held:?}");
}

#[test]
fn a_late_stopccn_retransmission_is_acknowledged_again() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(8);
    let mut lac = Tunnel::new_initiator(cfg("lac", None), 1, now, &mut rng);
    let sccrq = lac.poll_transmit(now).expect("SCCRQ");
    let auth = PeerAuth::Admitted { secret: None };
    let mut lns =
        Tunnel::new_responder(cfg("lns", None), 2, &sccrq, auth, now, &mut rng).expect("accepted");
    lac.handle_datagram(now, &lns.poll_transmit(now).expect("SCCRP"));
    lns.handle_datagram(now, &lac.poll_transmit(now).expect("SCCCN"));
    let rc = ResultCode {
        result: 6,
        error: None,
        message: Vec::new(),
    };
    lac.close(now, rc);
    let stopccn = lac.poll_transmit(now).expect("StopCCN");
    lns.handle_datagram(now, &stopccn);
    assert!(lns.poll_transmit(now).is_some(), "first ZLB");
    // The ZLB was lost; the LAC retransmits and the closing LNS acknowledges again.
    let later = now + Duration::from_secs(1);
    lns.handle_datagram(later, &stopccn);
    let again = lns.poll_transmit(later).expect("second ZLB");
    assert!(ControlMessage::parse(&again, None)
        .expect("parses")
        .is_zlb());
    assert_eq!(lns.stats().duplicates, 1);
    assert_eq!(lns.state(), TunnelState::Closing);
}

#[test]
fn the_zlb_for_a_stopccn_answering_our_sccrq_carries_the_peers_tunnel_id() {
    // Before the SCCRP we know no Tunnel ID of the peer; its StopCCN assigns one, and our
    // acknowledgement must be addressed to it or the peer never sees it and retransmits.
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(9);
    let mut lac = Tunnel::new_initiator(cfg("lac", None), 1, now, &mut rng);
    let sccrq = lac.poll_transmit(now).expect("SCCRQ");
    let mut lns = Tunnel::new_responder(
        cfg("lns", None),
        2,
        &sccrq,
        PeerAuth::Refused,
        now,
        &mut rng,
    )
    .expect("answered");
    let stopccn = lns.poll_transmit(now).expect("StopCCN");
    lac.handle_datagram(now, &stopccn);
    let ack_bytes = lac.poll_transmit(now).expect("ZLB");
    let ack = ControlMessage::parse(&ack_bytes, None).expect("parses");
    assert!(ack.is_zlb());
    assert_eq!(ack.header.tunnel_id, 2, "the StopCCN's Assigned Tunnel ID");
    assert_eq!(lac.poll_transmit(now), None);
    // Delivered to the LNS's tunnel, it stops the StopCCN's retransmissions.
    lns.handle_datagram(now, &ack_bytes);
    let later = now + Duration::from_secs(10);
    lns.handle_timeout(later);
    assert_eq!(lns.poll_transmit(later), None);
    assert_eq!(lns.stats().retransmissions, 0);
}

/// `remote-gateway gateway-name` is the host name the LAC expects the LNS to announce (RFC 2868
/// Tunnel-Server-Auth-Id): an SCCRP from another name fails authentication with StopCCN
/// result 4, as a wrong secret does; the right name establishes.
#[test]
fn an_sccrp_from_another_host_name_than_the_remote_gateway_name_is_refused() {
    let admitted = || PeerAuth::Admitted { secret: None };
    let mut expecting = cfg("lac", None);
    expecting.expected_peer_name = Some(b"lns-east".to_vec());
    let mut net = Net::new(
        8,
        PERFECT,
        expecting.clone(),
        cfg("lns-west", None),
        admitted(),
    );
    net.run_until(Duration::from_secs(200), |net| {
        net.lac.state() == TunnelState::Gone
            && net.lns.as_ref().map(Tunnel::state) == Some(TunnelState::Gone)
    });
    assert_eq!(
        closed(&net.lac_events),
        [&CloseReason::Authentication(
            AuthFailure::UnexpectedPeerName
        )]
    );
    let lns_closed = closed(&net.lns_events);
    let [CloseReason::PeerStopCcn(rc)] = lns_closed.as_slice() else {
        panic!("LNS closed by the LAC's StopCCN: {:?}", net.lns_events);
    };
    assert_eq!(rc.result, stopccn_result::NOT_AUTHORIZED);
    assert_eq!(established_count(&net.lac_events), 0);

    let mut net = Net::new(8, PERFECT, expecting, cfg("lns-east", None), admitted());
    net.run_until(Duration::from_secs(10), Net::both_established);
    assert!(net.both_established());
}

/// A quiet SCCRP (sent while SCCRQs flood the LNS) is never retransmitted on a timer. When it
/// is lost, the LAC's own SCCRQ retransmission brings it again and the tunnel comes up; a
/// peer that never repeats gets nothing more and the tunnel gives up after the full cycle,
/// without a StopCCN to an address that proved nothing.
#[test]
fn a_quiet_sccrp_lost_once_is_sent_again_when_the_sccrq_repeats() {
    let start = Instant::now();
    let mut rng = StdRng::seed_from_u64(9);
    let mut lac = Tunnel::new_initiator(cfg("lac", None), LAC_ID, start, &mut rng);
    let sccrq = lac.poll_transmit(start).expect("SCCRQ");
    let mut quiet = cfg("lns", None);
    quiet.quiet_sccrp = true;
    let admitted = || PeerAuth::Admitted { secret: None };
    let mut lns = Tunnel::new_responder(quiet.clone(), LNS_ID, &sccrq, admitted(), start, &mut rng)
        .expect("accepted");
    let lost = lns.poll_transmit(start).expect("SCCRP");
    assert_eq!(
        ControlMessage::parse(&lost, None)
            .ok()
            .and_then(|m| m.message_type),
        Some(MessageType::SCCRP)
    );
    // No timer sends it again before the LAC repeats its SCCRQ (after 1 s).
    let t1 = start + Duration::from_secs(1);
    assert!(lns.poll_timeout().is_none_or(|t| t > t1));
    lac.handle_timeout(t1);
    let repeated = lac.poll_transmit(t1).expect("the SCCRQ again");
    lns.handle_datagram(t1, &repeated);
    let again = lns.poll_transmit(t1).expect("the SCCRP again, not a ZLB");
    assert_eq!(again, lost, "same message");
    assert_eq!(lns.poll_transmit(t1), None, "one datagram for one SCCRQ");
    lac.handle_datagram(t1, &again);
    let scccn = lac.poll_transmit(t1).expect("SCCCN");
    lns.handle_datagram(t1, &scccn);
    assert_eq!(lac.state(), TunnelState::Established);
    assert_eq!(lns.state(), TunnelState::Established);

    // A source that never repeats: one SCCRP, then nothing until the tunnel gives up.
    let cycle = quiet
        .retransmit
        .full_cycle(quiet.retransmit.count_not_established);
    let mut lns = Tunnel::new_responder(quiet, LNS_ID, &sccrq, admitted(), start, &mut rng)
        .expect("accepted");
    let mut sent = 0;
    let mut now = start;
    loop {
        while lns.poll_transmit(now).is_some() {
            sent += 1;
        }
        let Some(at) = lns.poll_timeout() else {
            break;
        };
        now = at;
        lns.handle_timeout(now);
    }
    assert_eq!(sent, 1, "the SCCRP alone");
    assert_eq!(now - start, cycle, "given up after the full cycle");
    assert_eq!(lns.state(), TunnelState::Gone);
}
