use std::time::Duration;

use l2tpd::ppp::chap::{verify_md5, ChapResponse};
use l2tpd::ppp::wire::auth::{chap_code, pap_code, pap_reply, ChapValue, PapRequest};
use l2tpd::ppp::wire::control::ControlPacket;

use super::*;

const PAP: u16 = 0xc023;
const CHAP: u16 = 0xc223;

fn credentials() -> Credentials {
    Credentials {
        user: b"ours".to_vec(),
        secret: b"s3cret".to_vec(),
    }
}

fn packet(code: u8, identifier: u8, data: &[u8]) -> Vec<u8> {
    ControlPacket {
        code,
        identifier,
        data,
    }
    .to_vec()
    .expect("small packet")
}

/// The control packets of the frames sent, with their protocol.
fn sent(actions: &[Action]) -> Vec<(u16, Vec<u8>)> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Transmit(frame) => {
                let ppp = lcp::PppFrame::parse(frame).expect("a frame we built");
                Some((ppp.protocol, ppp.information.to_vec()))
            }
            _ => None,
        })
        .collect()
}

fn logged(actions: &[Action]) -> String {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Log(line) => Some(line.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn pap_sends_the_credentials_at_once_resends_them_and_takes_the_ack() {
    let now = Instant::now();
    let mut actions = Vec::new();
    let mut auth =
        Authentication::start(&AuthProtocol::Pap, &credentials(), now, &mut actions).expect("PAP");
    assert_eq!(auth.protocol(), Protocol::Pap);
    let first = sent(&actions);
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].0, PAP);
    let request = ControlPacket::parse(&first[0].1).expect("packet");
    assert_eq!(
        (request.code, request.identifier),
        (pap_code::AUTHENTICATE_REQUEST, 1)
    );
    assert_eq!(
        PapRequest::parse(request.data).expect("request"),
        PapRequest {
            peer_id: b"ours".to_vec(),
            password: b"s3cret".to_vec(),
        }
    );
    assert!(logged(&actions).contains("PAP authenticate-request sent (user ours)"));

    // Unanswered: sent again on the restart timer, with a new identifier (RFC 1334 §2.2.1).
    let due = auth.poll_timeout().expect("restart timer");
    assert_eq!(due, now + Duration::from_secs(3));
    let mut actions = Vec::new();
    auth.handle_timeout(due, &mut actions);
    let again = sent(&actions);
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].1[..2], [pap_code::AUTHENTICATE_REQUEST, 2]);

    let mut actions = Vec::new();
    let ack = packet(pap_code::AUTHENTICATE_ACK, 2, &pap_reply(b"hi").unwrap());
    assert_eq!(
        auth.handle_packet(&ack, due, &mut actions),
        Outcome::Succeeded
    );
    assert!(
        logged(&actions).contains("authentication succeeded (PAP, message \"hi\")"),
        "{actions:?}"
    );
    assert_eq!(auth.poll_timeout(), None);
    // A late Nak changes nothing.
    let nak = packet(pap_code::AUTHENTICATE_NAK, 1, &pap_reply(b"no").unwrap());
    assert_eq!(
        auth.handle_packet(&nak, due, &mut actions),
        Outcome::Pending
    );
}

#[test]
fn pap_nak_is_a_failure_and_silence_ends_the_resends() {
    let now = Instant::now();
    let mut actions = Vec::new();
    let mut auth =
        Authentication::start(&AuthProtocol::Pap, &credentials(), now, &mut actions).expect("PAP");
    let mut at = now;
    let mut requests = 1;
    while let Some(due) = auth.poll_timeout() {
        at = due;
        let mut actions = Vec::new();
        auth.handle_timeout(due, &mut actions);
        requests += sent(&actions).len();
        if logged(&actions).contains("no longer sending") {
            break;
        }
    }
    assert_eq!(requests, 10, "Max-Configure requests");
    assert_eq!(auth.poll_timeout(), None);
    // A late answer is still taken.
    let mut actions = Vec::new();
    let nak = packet(pap_code::AUTHENTICATE_NAK, 10, &[]);
    assert_eq!(auth.handle_packet(&nak, at, &mut actions), Outcome::Failed);
    assert!(logged(&actions).contains("authentication failed (PAP"));
}

#[test]
fn chap_answers_each_challenge_with_the_md5_of_rfc_1994() {
    let now = Instant::now();
    let mut actions = Vec::new();
    let mut auth = Authentication::start(&AuthProtocol::ChapMd5, &credentials(), now, &mut actions)
        .expect("CHAP");
    assert_eq!(auth.protocol(), Protocol::Chap);
    assert_eq!(sent(&actions), [], "CHAP waits for the challenge");
    assert_eq!(auth.poll_timeout(), None);

    let challenge = ChapValue {
        value: vec![7; 16],
        name: b"our-lns".to_vec(),
    }
    .emit()
    .unwrap();
    let mut actions = Vec::new();
    let outcome = auth.handle_packet(
        &packet(chap_code::CHALLENGE, 9, &challenge),
        now,
        &mut actions,
    );
    assert_eq!(outcome, Outcome::Pending);
    let response = sent(&actions);
    assert_eq!(response.len(), 1);
    assert_eq!(response[0].0, CHAP);
    let packet_sent = ControlPacket::parse(&response[0].1).expect("packet");
    assert_eq!(
        (packet_sent.code, packet_sent.identifier),
        (chap_code::RESPONSE, 9)
    );
    let value = ChapValue::parse(packet_sent.data).expect("value");
    assert_eq!(value.name, b"ours");
    let check = |secret: &[u8]| {
        verify_md5(
            &ChapResponse {
                identifier: 9,
                name: value.name.clone(),
                challenge: vec![7; 16],
                response: value.value.clone(),
            },
            secret,
        )
    };
    assert!(check(b"s3cret"));
    assert!(!check(b"other"));
    assert!(logged(&actions).contains("CHAP challenge received, response sent (user ours)"));

    // The same challenge again (our response was lost): answered again.
    let mut actions = Vec::new();
    auth.handle_packet(
        &packet(chap_code::CHALLENGE, 9, &challenge),
        now,
        &mut actions,
    );
    assert_eq!(sent(&actions), response);
    assert!(logged(&actions).contains("repeated"));

    // A Success for another identifier is not ours; ours is.
    let mut actions = Vec::new();
    let other = packet(chap_code::SUCCESS, 8, b"");
    assert_eq!(
        auth.handle_packet(&other, now, &mut actions),
        Outcome::Pending
    );
    let success = packet(chap_code::SUCCESS, 9, b"welcome");
    assert_eq!(
        auth.handle_packet(&success, now, &mut actions),
        Outcome::Succeeded
    );
    assert!(logged(&actions).contains("authentication succeeded (CHAP, message \"welcome\")"));
}

#[test]
fn chap_failure_and_malformed_packets() {
    let now = Instant::now();
    let mut actions = Vec::new();
    let mut auth = Authentication::start(&AuthProtocol::ChapMd5, &credentials(), now, &mut actions)
        .expect("CHAP");
    let mut actions = Vec::new();
    // A challenge whose value runs past the packet.
    let bad = packet(chap_code::CHALLENGE, 1, &[16, 1, 2]);
    assert_eq!(
        auth.handle_packet(&bad, now, &mut actions),
        Outcome::Pending
    );
    assert_eq!(
        auth.handle_packet(&[1, 2], now, &mut actions),
        Outcome::Pending
    );
    assert_eq!(sent(&actions), []);
    assert!(logged(&actions).contains("malformed CHAP packet discarded"));
    let challenge = ChapValue {
        value: vec![1; 16],
        name: vec![],
    }
    .emit()
    .unwrap();
    auth.handle_packet(
        &packet(chap_code::CHALLENGE, 2, &challenge),
        now,
        &mut actions,
    );
    let mut actions = Vec::new();
    let failure = packet(chap_code::FAILURE, 2, b"authentication failed");
    assert_eq!(
        auth.handle_packet(&failure, now, &mut actions),
        Outcome::Failed
    );
    assert!(logged(&actions)
        .contains("authentication failed (CHAP, message \"authentication failed\")"));
}

#[test]
fn protocols_we_cannot_do_and_credentials_too_long_for_pap() {
    let now = Instant::now();
    let mut actions = Vec::new();
    let other = AuthProtocol::Other {
        protocol: 0xc227,
        data: vec![],
    };
    assert!(Authentication::start(&other, &credentials(), now, &mut actions).is_none());
    let long = Credentials {
        user: vec![b'u'; 300],
        secret: b"s".to_vec(),
    };
    assert!(Authentication::start(&AuthProtocol::Pap, &long, now, &mut actions).is_none());
    assert_eq!(sent(&actions), []);
}
