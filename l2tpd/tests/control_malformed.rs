//! Input a peer should not send: garbage, messages out of place, unknown mandatory AVPs and
//! message types. Each is counted and answered as RFC 2661 says, never with a panic.

use std::time::{Duration, Instant};

use l2tpd::l2tp::control::event::{general_error, stopccn_result};
use l2tpd::l2tp::control::{CloseReason, PeerAuth, Tunnel, TunnelConfig, TunnelEvent, TunnelState};
use l2tpd::l2tp::wire::attribute::attr;
use l2tpd::l2tp::wire::{
    Avp, ControlHeader, ControlMessage, ControlMessageBuilder, MessageType, ResultCode,
};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::SeedableRng;

const LAC_ID: u16 = 10;

/// An established pair; the LNS has sent SCCRP (Ns 0) and a ZLB, so its next Ns is 1 and the
/// LAC, having sent SCCRQ and SCCCN, expects Nr 2 from it.
fn established(now: Instant) -> (Tunnel, Tunnel) {
    let mut rng = StdRng::seed_from_u64(1);
    let mut cfg = TunnelConfig::new("lac");
    cfg.hello_interval = Duration::ZERO;
    let mut lac = Tunnel::new_initiator(cfg.clone(), LAC_ID, now, &mut rng);
    let sccrq = lac.poll_transmit(now).expect("SCCRQ");
    let auth = PeerAuth::Admitted { secret: None };
    let mut lns = Tunnel::new_responder(cfg, 20, &sccrq, auth, now, &mut rng).expect("accepted");
    lac.handle_datagram(now, &lns.poll_transmit(now).expect("SCCRP"));
    lns.handle_datagram(now, &lac.poll_transmit(now).expect("SCCCN"));
    lac.handle_datagram(now, &lns.poll_transmit(now).expect("ZLB"));
    assert_eq!(lac.state(), TunnelState::Established);
    while lac.poll_event().is_some() {}
    (lac, lns)
}

/// A message as the LNS would send it next.
fn from_lns(builder: ControlMessageBuilder) -> Vec<u8> {
    let header = ControlHeader {
        tunnel_id: LAC_ID,
        session_id: 0,
        ns: 1,
        nr: 2,
    };
    builder.emit(header, None).expect("encodes")
}

/// The StopCCN the tunnel sent, and its Result Code.
fn stopccn_result_of(tunnel: &mut Tunnel, now: Instant) -> ResultCode {
    let datagram = tunnel.poll_transmit(now).expect("StopCCN");
    let msg = ControlMessage::parse(&datagram, None).expect("parses");
    assert_eq!(msg.message_type, Some(MessageType::STOPCCN));
    assert_eq!(
        msg.get(attr::ASSIGNED_TUNNEL_ID),
        Some(&Avp::AssignedTunnelId(LAC_ID))
    );
    match msg.get(attr::RESULT_CODE) {
        Some(Avp::ResultCode(rc)) => rc.clone(),
        other => panic!("no Result Code: {other:?}"),
    }
}

#[test]
fn an_unknown_mandatory_avp_in_a_tunnel_message_clears_the_tunnel_with_2_8() {
    let now = Instant::now();
    let (mut lac, _lns) = established(now);
    let hello = ControlMessageBuilder::new(MessageType::HELLO).avp(Avp::Unknown {
        vendor: 9,
        attr: 77,
        mandatory: true,
        value: vec![1, 2],
    });
    lac.handle_datagram(now, &from_lns(hello));
    let rc = stopccn_result_of(&mut lac, now);
    assert_eq!(rc.result, stopccn_result::GENERAL_ERROR);
    assert_eq!(rc.error, Some(general_error::UNKNOWN_MANDATORY_AVP));
    assert!(matches!(
        lac.poll_event(),
        Some(TunnelEvent::Closed(CloseReason::Protocol { .. }))
    ));
    assert_eq!(lac.state(), TunnelState::Closing);
}

#[test]
fn an_unknown_optional_avp_is_ignored() {
    let now = Instant::now();
    let (mut lac, _lns) = established(now);
    let hello = ControlMessageBuilder::new(MessageType::HELLO).avp(Avp::Unknown {
        vendor: 9,
        attr: 77,
        mandatory: false,
        value: vec![1, 2],
    });
    lac.handle_datagram(now, &from_lns(hello));
    let ack = lac.poll_transmit(now).expect("acknowledged");
    assert!(ControlMessage::parse(&ack, None).expect("parses").is_zlb());
    assert_eq!(lac.state(), TunnelState::Established);
    assert_eq!(lac.poll_event(), None);
}

#[test]
fn an_unknown_message_type_clears_only_when_mandatory() {
    let now = Instant::now();
    let (mut lac, _lns) = established(now);
    // Message type 99 with M=1 (the builder always sets M on Message Type).
    lac.handle_datagram(now, &from_lns(ControlMessageBuilder::new(MessageType(99))));
    let rc = stopccn_result_of(&mut lac, now);
    assert_eq!(
        (rc.result, rc.error),
        (
            stopccn_result::GENERAL_ERROR,
            Some(general_error::UNKNOWN_MANDATORY_AVP)
        )
    );
    assert_eq!(lac.stats().unexpected, 1);
}

#[test]
fn a_second_sccrp_on_an_established_tunnel_is_an_fsm_error() {
    let now = Instant::now();
    let (mut lac, _lns) = established(now);
    let sccrp = ControlMessageBuilder::new(MessageType::SCCRP)
        .avp(Avp::ProtocolVersion {
            version: 1,
            revision: 0,
        })
        .avp(Avp::HostName(b"x".to_vec()))
        .avp(Avp::FramingCapabilities(3))
        .avp(Avp::AssignedTunnelId(5));
    lac.handle_datagram(now, &from_lns(sccrp));
    let rc = stopccn_result_of(&mut lac, now);
    assert_eq!(rc.result, stopccn_result::FSM_ERROR);
    assert_eq!(lac.stats().unexpected, 1);
}

#[test]
fn a_session_message_before_establishment_is_an_fsm_error() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(3);
    let mut lac = Tunnel::new_initiator(TunnelConfig::new("lac"), LAC_ID, now, &mut rng);
    lac.poll_transmit(now).expect("SCCRQ");
    let icrq = ControlMessageBuilder::new(MessageType::ICRQ)
        .avp(Avp::AssignedSessionId(3))
        .avp(Avp::CallSerialNumber(1));
    let header = ControlHeader {
        tunnel_id: LAC_ID,
        session_id: 0,
        ns: 0,
        nr: 1,
    };
    lac.handle_datagram(now, &icrq.emit(header, None).expect("encodes"));
    assert_eq!(
        stopccn_result_of(&mut lac, now).result,
        stopccn_result::FSM_ERROR
    );
    assert!(lac
        .send_session_message(1, &ControlMessageBuilder::new(MessageType::CDN))
        .is_err());
}

#[test]
fn an_sccrp_with_another_protocol_version_gets_result_5() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(4);
    let mut lac = Tunnel::new_initiator(TunnelConfig::new("lac"), LAC_ID, now, &mut rng);
    lac.poll_transmit(now).expect("SCCRQ");
    let sccrp = ControlMessageBuilder::new(MessageType::SCCRP)
        .avp(Avp::ProtocolVersion {
            version: 2,
            revision: 0,
        })
        .avp(Avp::HostName(b"lns".to_vec()))
        .avp(Avp::FramingCapabilities(3))
        .avp(Avp::AssignedTunnelId(5));
    let header = ControlHeader {
        tunnel_id: LAC_ID,
        session_id: 0,
        ns: 0,
        nr: 1,
    };
    lac.handle_datagram(now, &sccrp.emit(header, None).expect("encodes"));
    assert_eq!(
        stopccn_result_of(&mut lac, now).result,
        stopccn_result::UNSUPPORTED_PROTOCOL_VERSION
    );
    assert!(matches!(
        lac.poll_event(),
        Some(TunnelEvent::Closed(CloseReason::UnsupportedVersion {
            version: 2,
            revision: 0
        }))
    ));
}

#[test]
fn a_responder_refuses_what_is_not_an_answerable_sccrq() {
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(5);
    let auth = || PeerAuth::Admitted { secret: None };
    let cfg = TunnelConfig::new("lns");
    assert!(Tunnel::new_responder(cfg.clone(), 1, b"\x00", auth(), now, &mut rng).is_err());
    let hello = ControlMessageBuilder::new(MessageType::HELLO)
        .emit(ControlHeader::default(), None)
        .expect("encodes");
    assert!(Tunnel::new_responder(cfg.clone(), 1, &hello, auth(), now, &mut rng).is_err());
    let no_id = ControlMessageBuilder::new(MessageType::SCCRQ)
        .avp(Avp::HostName(b"lac".to_vec()))
        .emit(ControlHeader::default(), None)
        .expect("encodes");
    assert!(Tunnel::new_responder(cfg.clone(), 1, &no_id, auth(), now, &mut rng).is_err());
    // With a Tunnel ID to answer to, a missing mandatory AVP gets a StopCCN.
    let short = ControlMessageBuilder::new(MessageType::SCCRQ)
        .avp(Avp::AssignedTunnelId(4))
        .emit(ControlHeader::default(), None)
        .expect("encodes");
    let mut lns = Tunnel::new_responder(cfg, 1, &short, auth(), now, &mut rng).expect("answered");
    let stop =
        ControlMessage::parse(&lns.poll_transmit(now).expect("StopCCN"), None).expect("parses");
    assert_eq!(stop.message_type, Some(MessageType::STOPCCN));
    assert_eq!(stop.header.tunnel_id, 4);
    assert_eq!(lns.stats().malformed, 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Arbitrary bytes, and valid messages with arbitrary header fields and AVPs, never
    /// panic a tunnel in any state, and garbage is counted.
    #[test]
    fn arbitrary_input_never_panics(
        garbage in proptest::collection::vec(any::<u8>(), 0..64),
        ns: u16,
        nr: u16,
        session_id: u16,
        message_type in 0u16..20,
        assigned in any::<u16>(),
    ) {
        let now = Instant::now();
        let (mut lac, mut lns) = established(now);
        let before = lac.stats().malformed;
        lac.handle_datagram(now, &garbage);
        if ControlMessage::parse(&garbage, None).is_err() {
            prop_assert_eq!(lac.stats().malformed, before + 1);
        }
        let header = ControlHeader { tunnel_id: LAC_ID, session_id, ns, nr };
        let msg = ControlMessageBuilder::new(MessageType(message_type))
            .avp(Avp::AssignedTunnelId(assigned))
            .emit(header, None)
            .expect("encodes");
        for tunnel in [&mut lac, &mut lns] {
            tunnel.handle_datagram(now, &msg);
            while tunnel.poll_transmit(now).is_some() {}
            while tunnel.poll_event().is_some() {}
            if let Some(at) = tunnel.poll_timeout() {
                tunnel.handle_timeout(at);
            }
        }
    }
}
