//! A LAC session and an LNS session talking through the real codec: every message a session
//! queues is emitted, parsed back and handed to the other side, as the tunnel will do.

use std::num::NonZeroU16;

use l2tpd::l2tp::session::{
    cdn_result, general_error, lac_ppp_ended_cause, CallInfo, CallString, CallStrings, CdnResult,
    LnsPolicy, OutgoingMessage, ProxyAuth, ProxyAuthenType, ProxyData, ProxyLcp, RefusalReason,
    Session, SessionEvent, SessionState,
};
use l2tpd::l2tp::wire::attribute::attr;
use l2tpd::l2tp::wire::{
    Avp, ControlHeader, ControlMessage, ControlMessageBuilder, MessageType, PppDisconnectCause,
    ResultCode,
};

const LAC_SESSION: u16 = 36145;
const LNS_SESSION: u16 = 45400;

fn id(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("non-zero")
}

/// Emits `out` as the tunnel would and parses it as the peer's tunnel would.
fn carry(out: OutgoingMessage) -> ControlMessage {
    let header = ControlHeader {
        tunnel_id: 7,
        session_id: out.peer_session_id,
        ns: 0,
        nr: 0,
    };
    let bytes = out.builder.emit(header, None).expect("emits");
    ControlMessage::parse(&bytes, None).expect("parses")
}

fn next_message(session: &mut Session) -> ControlMessage {
    carry(session.poll_message().expect("a queued message"))
}

fn chap_proxy() -> ProxyData {
    ProxyData {
        lcp: Some(ProxyLcp {
            initial_received: Some(vec![
                0x01, 0x04, 0x05, 0xd4, 0x05, 0x06, 0x12, 0x34, 0x56, 0x78,
            ]),
            last_sent: Some(vec![0x01, 0x04, 0x05, 0xd4, 0x03, 0x05, 0xc2, 0x23, 0x05]),
            last_received: Some(vec![
                0x01, 0x04, 0x05, 0xd4, 0x05, 0x06, 0x12, 0x34, 0x56, 0x78,
            ]),
        }),
        auth: Some(ProxyAuth {
            authen_type: ProxyAuthenType::Chap,
            name: Some(b"l2tpuser@example.test".to_vec()),
            challenge: Some((0u8..16).collect()),
            id: Some(0x2a),
            response: Some(vec![0xa5; 16]),
        }),
    }
}

fn subscriber_call() -> CallInfo {
    CallInfo {
        serial: 1001,
        strings: CallStrings::default().with(CallString::CallingNumber, b"ge-1/0/0.100:100"),
        tx_connect_speed: 1_000_000_000,
        rx_connect_speed: Some(1_000_000_000),
        proxy: chap_proxy(),
        ..CallInfo::default()
    }
}

/// A LAC session whose ICRQ the LNS has accepted: LAC in wait-reply, LNS in wait-connect,
/// the ICRP not yet delivered.
fn icrq_accepted(call: CallInfo, policy: &LnsPolicy) -> (Session, Session, ControlMessage) {
    let mut lac = Session::new_outgoing_call_lac(id(LAC_SESSION), call);
    let icrq = next_message(&mut lac);
    assert_eq!(
        icrq.header.session_id, 0,
        "the LNS has not assigned an ID yet"
    );
    let mut lns = Session::new_incoming_lns(id(LNS_SESSION), &icrq, policy).expect("accepted");
    let icrp = next_message(&mut lns);
    assert_eq!(icrp.message_type, Some(MessageType::ICRP));
    assert_eq!(icrp.header.session_id, LAC_SESSION);
    (lac, lns, icrp)
}

fn established(call: CallInfo, policy: &LnsPolicy) -> (Session, Session) {
    let (mut lac, mut lns, icrp) = icrq_accepted(call, policy);
    lac.handle_message(&icrp);
    let iccn = next_message(&mut lac);
    assert_eq!(iccn.message_type, Some(MessageType::ICCN));
    assert_eq!(iccn.header.session_id, LNS_SESSION);
    lns.handle_message(&iccn);
    (lac, lns)
}

fn closed_event(session: &mut Session) -> (CdnResult, Option<PppDisconnectCause>, bool) {
    let mut last = None;
    while let Some(event) = session.poll_event() {
        last = Some(event);
    }
    match last {
        Some(SessionEvent::Closed {
            result,
            cause,
            by_peer,
        }) => (result, cause, by_peer),
        other => panic!("expected Closed last, got {other:?}"),
    }
}

fn result_code(message: &ControlMessage) -> (u16, Option<u16>) {
    match message.get(attr::RESULT_CODE) {
        Some(Avp::ResultCode(code)) => (code.result, code.error),
        other => panic!("no Result Code: {other:?}"),
    }
}

#[test]
fn established_with_proxy_data_delivered_intact() {
    let call = subscriber_call();
    let (mut lac, mut lns) = established(call.clone(), &LnsPolicy::default());
    assert_eq!(lac.state(), SessionState::Established);
    assert_eq!(lns.state(), SessionState::Established);
    assert_eq!(lns.state().name(), "established");
    assert_eq!(
        lns.poll_event(),
        Some(SessionEvent::Established {
            proxy: chap_proxy()
        })
    );
    assert!(matches!(
        lac.poll_event(),
        Some(SessionEvent::Established { .. })
    ));
    // The event carried the proxy data whole; the session keeps the rest of the call as
    // received and, of the proxy data, only what its views show.
    let mut kept = call.clone();
    kept.proxy.forget_handed_over();
    assert_eq!(
        lns.call(),
        &kept,
        "ICRQ and ICCN parameters arrive unchanged"
    );
    assert_eq!(
        lns.call()
            .proxy
            .auth
            .as_ref()
            .and_then(|a| a.response.as_ref()),
        None,
        "the CHAP response does not outlive the hand-over"
    );
    assert_eq!(lns.peer_id(), Some(id(LAC_SESSION)));
    assert_eq!(lac.peer_id(), Some(id(LNS_SESSION)));
    assert!(!lac.sequencing() && !lns.sequencing());
    for session in [&mut lac, &mut lns] {
        assert_eq!(session.poll_message(), None);
        assert_eq!(session.poll_event(), None);
    }
}

#[test]
fn lns_waits_for_the_iccn_in_lns_ic_wait_connect() {
    let (lac, lns, _) = icrq_accepted(subscriber_call(), &LnsPolicy::default());
    assert_eq!(lns.state(), SessionState::LnsWaitConnect);
    assert_eq!(lns.state().name(), "lns-ic-wait-connect");
    assert_eq!(lns.state().mib_value(), Some(8));
    assert_eq!(lac.state(), SessionState::LacWaitReply);
    assert_eq!(lns.call().serial, 1001);
}

/// The phases a call goes through, with each side's session as far as it has got.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// ICRQ sent, nothing delivered yet: only the LAC exists.
    IcrqInFlight,
    /// ICRQ accepted, ICRP in flight.
    IcrpInFlight,
    /// ICCN in flight: LAC established, LNS waiting.
    IccnInFlight,
    Established,
}

fn at_phase(phase: Phase) -> (Session, Option<Session>) {
    let policy = LnsPolicy::default();
    match phase {
        Phase::IcrqInFlight => {
            let mut lac = Session::new_outgoing_call_lac(id(LAC_SESSION), subscriber_call());
            let _icrq = lac.poll_message();
            (lac, None)
        }
        Phase::IcrpInFlight => {
            let (lac, lns, _icrp) = icrq_accepted(subscriber_call(), &policy);
            (lac, Some(lns))
        }
        Phase::IccnInFlight => {
            let (mut lac, lns, icrp) = icrq_accepted(subscriber_call(), &policy);
            lac.handle_message(&icrp);
            let _iccn = lac.poll_message();
            (lac, Some(lns))
        }
        Phase::Established => {
            let (lac, lns) = established(subscriber_call(), &policy);
            (lac, Some(lns))
        }
    }
}

const PHASES: [Phase; 4] = [
    Phase::IcrqInFlight,
    Phase::IcrpInFlight,
    Phase::IccnInFlight,
    Phase::Established,
];

#[test]
fn cdn_from_the_lac_at_every_phase() {
    for phase in PHASES {
        let (mut lac, lns) = at_phase(phase);
        lac.disconnect(CdnResult::lost_carrier(), Some(lac_ppp_ended_cause()));
        assert_eq!(lac.state(), SessionState::Closed, "{phase:?}");
        let cdn = next_message(&mut lac);
        assert_eq!(cdn.message_type, Some(MessageType::CDN));
        assert_eq!(
            cdn.get(attr::ASSIGNED_SESSION_ID),
            Some(&Avp::AssignedSessionId(LAC_SESSION))
        );
        assert_eq!(result_code(&cdn), (1, Some(0)));
        // Junos: a LAC ending PPP sends cause 0, global, no information.
        assert_eq!(
            cdn.get(attr::PPP_DISCONNECT_CAUSE_CODE),
            Some(&Avp::PppDisconnectCause(lac_ppp_ended_cause()))
        );
        let (result, cause, by_peer) = closed_event(&mut lac);
        assert_eq!((result.result, by_peer), (1, false));
        assert_eq!(cause, Some(lac_ppp_ended_cause()));

        let Some(mut lns) = lns else {
            // Before the LNS knows the call, the CDN can only carry Session ID 0.
            assert_eq!(cdn.header.session_id, 0);
            continue;
        };
        let expected_header = match phase {
            Phase::IcrpInFlight => 0,
            _ => LNS_SESSION,
        };
        assert_eq!(cdn.header.session_id, expected_header, "{phase:?}");
        lns.handle_message(&cdn);
        assert_eq!(lns.state(), SessionState::Closed, "{phase:?}");
        let (result, cause, by_peer) = closed_event(&mut lns);
        assert_eq!((result.result, result.error, by_peer), (1, Some(0), true));
        assert_eq!(cause, Some(lac_ppp_ended_cause()));
        assert_eq!(
            lns.poll_message(),
            None,
            "a CDN is never answered with a CDN"
        );
    }
}

#[test]
fn cdn_from_the_lns_at_every_phase() {
    for phase in PHASES {
        let (mut lac, Some(mut lns)) = at_phase(phase) else {
            continue; // no LNS session exists yet
        };
        let cause = PppDisconnectCause {
            code: 16,
            protocol: 0xc223,
            direction: 2,
            message: b"CHAP failed".to_vec(),
        };
        lns.disconnect(
            CdnResult::administrative("clear services l2tp session"),
            Some(cause.clone()),
        );
        let cdn = next_message(&mut lns);
        assert_eq!(cdn.header.session_id, LAC_SESSION);
        assert_eq!(
            cdn.get(attr::ASSIGNED_SESSION_ID),
            Some(&Avp::AssignedSessionId(LNS_SESSION))
        );
        lac.handle_message(&cdn);
        assert_eq!(lac.state(), SessionState::Closed, "{phase:?}");
        let (result, got_cause, by_peer) = closed_event(&mut lac);
        assert_eq!(
            result,
            CdnResult::administrative("clear services l2tp session")
        );
        assert_eq!((got_cause, by_peer), (Some(cause), true));
        assert_eq!(lac.poll_message(), None);
    }
}

#[test]
fn xl2tpd_cdn_right_after_iccn_closes_the_lns_session_cleanly() {
    let (_lac, mut lns) = established(subscriber_call(), &LnsPolicy::default());
    // xl2tpd's pppd failed to start: CDN result 1, error 0, its Assigned Session ID, no cause.
    let bytes = ControlMessageBuilder::new(MessageType::CDN)
        .avp(Avp::ResultCode(ResultCode {
            result: 1,
            error: Some(0),
            message: Vec::new(),
        }))
        .avp(Avp::AssignedSessionId(LAC_SESSION))
        .emit(
            ControlHeader {
                tunnel_id: 23374,
                session_id: LNS_SESSION,
                ns: 3,
                nr: 2,
            },
            None,
        )
        .expect("emits");
    let cdn = ControlMessage::parse(&bytes, None).expect("parses");
    lns.handle_message(&cdn);
    assert_eq!(lns.state(), SessionState::Closed);
    let (result, cause, by_peer) = closed_event(&mut lns);
    assert_eq!(
        (result.result, result.error, cause, by_peer),
        (1, Some(0), None, true)
    );
    assert_eq!(lns.poll_message(), None);
    // A retransmission or a late message after that changes nothing.
    lns.handle_message(&cdn);
    lns.disconnect(CdnResult::lost_carrier(), None);
    assert_eq!((lns.poll_event(), lns.poll_message()), (None, None));
    assert_eq!(lns.late_messages(), 1);
}

fn refused_and_delivered(policy: &LnsPolicy) -> (RefusalReason, ControlMessage, Session) {
    let mut lac = Session::new_outgoing_call_lac(id(LAC_SESSION), subscriber_call());
    let icrq = next_message(&mut lac);
    let refusal = Session::new_incoming_lns(id(LNS_SESSION), &icrq, policy).expect_err("refused");
    assert_eq!(refusal.message.peer_session_id, LAC_SESSION);
    let cdn = carry(refusal.message);
    lac.handle_message(&cdn);
    (refusal.reason, cdn, lac)
}

#[test]
fn drain_refuses_with_try_another() {
    let policy = LnsPolicy {
        accept_new: false,
        ..LnsPolicy::default()
    };
    let (reason, cdn, mut lac) = refused_and_delivered(&policy);
    assert_eq!(reason, RefusalReason::Draining);
    assert_eq!(
        result_code(&cdn),
        (cdn_result::GENERAL_ERROR, Some(general_error::TRY_ANOTHER))
    );
    assert_eq!(lac.state(), SessionState::Closed);
    let (result, _, by_peer) = closed_event(&mut lac);
    assert_eq!((result.error, by_peer), (Some(7), true));
}

#[test]
fn session_limit_refuses_with_temporary_lack_of_facilities() {
    let full = LnsPolicy {
        max_sessions_per_tunnel: Some(2),
        sessions_in_tunnel: 2,
        ..LnsPolicy::default()
    };
    let (reason, cdn, _) = refused_and_delivered(&full);
    assert_eq!(reason, RefusalReason::SessionLimit);
    assert_eq!(result_code(&cdn).0, cdn_result::NO_FACILITIES_TEMPORARY);
    let room = LnsPolicy {
        sessions_in_tunnel: 1,
        ..full
    };
    assert!(icrq_accepted(subscriber_call(), &room).1.state() == SessionState::LnsWaitConnect);
}

#[test]
fn unknown_mandatory_avp_in_iccn_clears_only_that_session() {
    let (mut lac, mut lns, icrp) = icrq_accepted(subscriber_call(), &LnsPolicy::default());
    lac.handle_message(&icrp);
    let mut iccn = lac.poll_message().expect("ICCN");
    iccn.builder = iccn.builder.avp(Avp::Unknown {
        vendor: 3561,
        attr: 2,
        mandatory: true,
        value: vec![1, 0],
    });
    lns.handle_message(&carry(iccn));
    assert_eq!(lns.state(), SessionState::Closed);
    let cdn = next_message(&mut lns);
    assert_eq!(
        result_code(&cdn),
        (
            cdn_result::GENERAL_ERROR,
            Some(general_error::UNKNOWN_MANDATORY_AVP)
        )
    );
    let (_, _, by_peer) = closed_event(&mut lns);
    assert!(!by_peer);
    lac.handle_message(&cdn);
    assert_eq!(lac.state(), SessionState::Closed);
}

#[test]
fn unknown_optional_avp_is_skipped() {
    let (mut lac, mut lns, icrp) = icrq_accepted(subscriber_call(), &LnsPolicy::default());
    lac.handle_message(&icrp);
    let mut iccn = lac.poll_message().expect("ICCN");
    iccn.builder = iccn.builder.avp(Avp::Unknown {
        vendor: 9,
        attr: 1,
        mandatory: false,
        value: vec![0xde, 0xad],
    });
    lns.handle_message(&carry(iccn));
    assert_eq!(lns.state(), SessionState::Established);
}

#[test]
fn unknown_mandatory_avp_in_icrq_is_refused() {
    let mut lac = Session::new_outgoing_call_lac(id(LAC_SESSION), subscriber_call());
    let mut icrq = lac.poll_message().expect("ICRQ");
    icrq.builder = icrq.builder.avp(Avp::Unknown {
        vendor: 0,
        attr: 200,
        mandatory: true,
        value: vec![],
    });
    let refusal = Session::new_incoming_lns(id(LNS_SESSION), &carry(icrq), &LnsPolicy::default())
        .expect_err("refused");
    assert_eq!(
        refusal.reason,
        RefusalReason::UnknownMandatoryAvp {
            vendor: 0,
            attribute: 200
        }
    );
    assert_eq!(
        refusal.result.error,
        Some(general_error::UNKNOWN_MANDATORY_AVP)
    );
}

#[test]
fn malformed_calls_are_refused_or_cleared() {
    // ICRQ without Call Serial Number.
    let icrq = carry(OutgoingMessage {
        peer_session_id: 0,
        builder: ControlMessageBuilder::new(MessageType::ICRQ).avp(Avp::AssignedSessionId(5)),
    });
    let refusal =
        Session::new_incoming_lns(id(1), &icrq, &LnsPolicy::default()).expect_err("refused");
    assert_eq!(
        refusal.reason,
        RefusalReason::MissingAvps(vec![attr::CALL_SERIAL_NUMBER])
    );
    assert_eq!(refusal.result.error, Some(general_error::VENDOR_SPECIFIC));

    // ICRQ assigning Session ID 0.
    let icrq = carry(OutgoingMessage {
        peer_session_id: 0,
        builder: ControlMessageBuilder::new(MessageType::ICRQ)
            .avp(Avp::AssignedSessionId(0))
            .avp(Avp::CallSerialNumber(1)),
    });
    let refusal =
        Session::new_incoming_lns(id(1), &icrq, &LnsPolicy::default()).expect_err("refused");
    assert_eq!(
        refusal.result.error,
        Some(general_error::INVALID_SESSION_ID)
    );

    // ICRP assigning Session ID 0: the LAC clears the call.
    let mut lac = Session::new_outgoing_call_lac(id(LAC_SESSION), subscriber_call());
    let _icrq = lac.poll_message();
    lac.handle_message(&carry(OutgoingMessage {
        peer_session_id: LAC_SESSION,
        builder: ControlMessageBuilder::new(MessageType::ICRP).avp(Avp::AssignedSessionId(0)),
    }));
    let cdn = next_message(&mut lac);
    assert_eq!(
        result_code(&cdn),
        (2, Some(general_error::INVALID_SESSION_ID))
    );

    // ICCN without Framing Type.
    let (_, mut lns, _) = icrq_accepted(subscriber_call(), &LnsPolicy::default());
    lns.handle_message(&carry(OutgoingMessage {
        peer_session_id: LNS_SESSION,
        builder: ControlMessageBuilder::new(MessageType::ICCN).avp(Avp::TxConnectSpeed(0)),
    }));
    let cdn = next_message(&mut lns);
    assert_eq!(result_code(&cdn), (2, Some(general_error::VENDOR_SPECIFIC)));
    assert_eq!(lns.state(), SessionState::Closed);
}

#[test]
fn out_of_state_message_clears_the_session() {
    let (mut lac, lns, icrp) = icrq_accepted(subscriber_call(), &LnsPolicy::default());
    drop(lns);
    lac.handle_message(&icrp);
    let _iccn = lac.poll_message();
    // A second ICRP on an established LAC session.
    lac.handle_message(&icrp);
    assert_eq!(lac.state(), SessionState::Closed);
    let cdn = next_message(&mut lac);
    assert_eq!(result_code(&cdn), (2, Some(general_error::VENDOR_SPECIFIC)));
    let (result, _, _) = closed_event(&mut lac);
    assert_eq!(
        result.message_text(),
        "unexpected ICRP in state established"
    );
}

#[test]
fn wen_and_sli_reach_the_other_side() {
    use l2tpd::l2tp::wire::{Accm, CallErrors};
    let (mut lac, mut lns) = established(subscriber_call(), &LnsPolicy::default());
    while lac.poll_event().is_some() {}
    while lns.poll_event().is_some() {}
    let errors = CallErrors {
        crc: 3,
        ..CallErrors::default()
    };
    assert!(lac.wan_error_notify(errors));
    assert!(!lns.wan_error_notify(errors), "WEN goes from the LAC only");
    lns.handle_message(&next_message(&mut lac));
    assert_eq!(lns.poll_event(), Some(SessionEvent::WanErrors(errors)));
    let accm = Accm {
        send: 0,
        receive: 0xffff_ffff,
    };
    assert!(lns.set_link_info(accm));
    lac.handle_message(&next_message(&mut lns));
    assert_eq!(lac.poll_event(), Some(SessionEvent::LinkInfo(accm)));
    assert_eq!(lac.state(), SessionState::Established);
}

mod arbitrary_input {
    use super::*;
    use proptest::prelude::*;

    fn avp() -> impl Strategy<Value = Avp> {
        prop_oneof![
            any::<u16>().prop_map(Avp::AssignedSessionId),
            any::<u32>().prop_map(Avp::CallSerialNumber),
            any::<u32>().prop_map(Avp::TxConnectSpeed),
            any::<u32>().prop_map(Avp::FramingType),
            Just(Avp::SequencingRequired),
            (any::<u16>(), proptest::option::of(any::<u16>())).prop_map(|(result, error)| {
                Avp::ResultCode(ResultCode {
                    result,
                    error,
                    message: Vec::new(),
                })
            }),
            (any::<u16>(), any::<bool>()).prop_map(|(attr, mandatory)| Avp::Unknown {
                vendor: 3561,
                attr,
                mandatory,
                value: Vec::new(),
            }),
        ]
    }

    fn message() -> impl Strategy<Value = ControlMessage> {
        (
            proptest::sample::select(MessageType::ALL.to_vec()),
            proptest::collection::vec(avp(), 0..6),
        )
            .prop_map(|(kind, avps)| {
                carry(OutgoingMessage {
                    peer_session_id: LNS_SESSION,
                    builder: avps
                        .into_iter()
                        .fold(ControlMessageBuilder::new(kind), ControlMessageBuilder::avp),
                })
            })
    }

    proptest! {
        /// Whatever arrives, in whatever state: one Closed event at most, nothing sent after
        /// closing except the one CDN, and a received CDN is never answered.
        #[test]
        fn any_message_sequence_keeps_the_invariants(
            start in 0usize..4,
            messages in proptest::collection::vec(message(), 1..12),
        ) {
            let (lac, lns) = at_phase(PHASES[start]);
            for mut session in [Some(lac), lns].into_iter().flatten() {
                while session.poll_message().is_some() {}
                while session.poll_event().is_some() {}
                let mut closed_events = 0;
                let mut cdns_sent = 0;
                for msg in &messages {
                    let was_closed = session.state() == SessionState::Closed;
                    session.handle_message(msg);
                    while let Some(out) = session.poll_message() {
                        prop_assert!(!was_closed, "sent after closing");
                        prop_assert_ne!(msg.message_type, Some(MessageType::CDN));
                        if carry(out).message_type == Some(MessageType::CDN) {
                            cdns_sent += 1;
                        }
                    }
                    while let Some(event) = session.poll_event() {
                        if matches!(event, SessionEvent::Closed { .. }) {
                            closed_events += 1;
                        }
                    }
                }
                prop_assert!(closed_events <= 1 && cdns_sent <= 1);
                prop_assert_eq!(closed_events == 1, session.state() == SessionState::Closed);
            }
        }
    }
}
