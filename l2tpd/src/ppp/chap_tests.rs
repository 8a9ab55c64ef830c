//! The CHAP automata alone, fed hand-made packets with a simulated clock.

use super::*;

const RESTART: Duration = Duration::from_secs(3);
const TIMEOUT: Duration = Duration::from_secs(30);
const CHALLENGE: [u8; 4] = [1, 2, 3, 4];

fn authenticator(now: Instant) -> ChapAuthenticator {
    ChapAuthenticator::new(fsm::Config::default(), 9, &CHALLENGE, b"lac", TIMEOUT, now)
}

/// Challenge, id 9, value 01 02 03 04, name "lac".
fn challenge_packet(identifier: u8) -> Vec<u8> {
    vec![1, identifier, 0, 12, 4, 1, 2, 3, 4, b'l', b'a', b'c']
}

fn response_packet(identifier: u8, secret: &[u8]) -> Vec<u8> {
    let value = ChapValue {
        value: chap_md5_response(identifier, secret, &CHALLENGE).to_vec(),
        name: b"alice".to_vec(),
    }
    .emit()
    .unwrap();
    ControlPacket {
        code: chap_code::RESPONSE,
        identifier,
        data: &value,
    }
    .to_vec()
    .unwrap()
}

#[test]
fn the_authenticator_challenges_and_reports_the_matching_response() {
    let now = Instant::now();
    let mut chap = authenticator(now);
    assert_eq!(chap.poll_transmit(), Some(challenge_packet(9)));
    let event = chap.handle_packet(&response_packet(9, b"secret"), now);
    let Ok(Some(ChapAuthenticatorEvent::Response(response))) = event else {
        panic!("no response reported: {event:?}");
    };
    assert_eq!(response.identifier, 9);
    assert_eq!(response.name, b"alice");
    assert_eq!(response.challenge, CHALLENGE);
    assert!(verify_md5(&response, b"secret"));
    assert!(!verify_md5(&response, b"secreT"));
    assert_eq!(chap.poll_timeout(), None);
}

#[test]
fn a_response_with_another_identifier_is_ignored() {
    let now = Instant::now();
    let mut chap = authenticator(now);
    assert_eq!(
        chap.handle_packet(&response_packet(8, b"secret"), now),
        Ok(None)
    );
    assert_eq!(chap.ignored, 1);
    assert!(chap.poll_timeout().is_some());
    assert!(matches!(
        chap.handle_packet(&response_packet(9, b"secret"), now),
        Ok(Some(ChapAuthenticatorEvent::Response(_)))
    ));
}

#[test]
fn the_challenge_is_resent_on_the_restart_timer_then_the_wait_times_out() {
    let now = Instant::now();
    let mut chap = authenticator(now);
    let mut sent = std::iter::from_fn(|| chap.poll_transmit()).count();
    let mut at = now;
    let mut timed_out = false;
    for _ in 0..100 {
        let Some(deadline) = chap.poll_timeout() else {
            break;
        };
        at = deadline;
        timed_out |= chap.handle_timeout(at) == Some(ChapAuthenticatorEvent::TimedOut);
        while let Some(packet) = chap.poll_transmit() {
            // The same packet again (see send_challenge: pppd does the same).
            assert_eq!(packet, challenge_packet(9));
            sent += 1;
        }
    }
    assert!(timed_out);
    assert_eq!(at, now + TIMEOUT);
    assert_eq!(sent, fsm::Config::default().max_configure as usize);
    assert!(RESTART * sent as u32 <= TIMEOUT);
}

#[test]
fn the_answer_is_repeated_for_a_repeated_response() {
    let now = Instant::now();
    let mut chap = authenticator(now);
    let _ = chap.poll_transmit();
    chap.handle_packet(&response_packet(9, b"secret"), now)
        .unwrap();
    chap.answer(true, b"ok");
    assert_eq!(chap.poll_transmit(), Some(vec![3, 9, 0, 6, b'o', b'k']));
    chap.handle_packet(&response_packet(9, b"secret"), now)
        .unwrap();
    assert_eq!(chap.poll_transmit(), Some(vec![3, 9, 0, 6, b'o', b'k']));
    chap.handle_packet(&response_packet(10, b"secret"), now)
        .unwrap();
    assert_eq!(chap.poll_transmit(), None);
}

#[test]
fn failure_and_stop() {
    let now = Instant::now();
    let mut chap = authenticator(now);
    let _ = chap.poll_transmit();
    chap.handle_packet(&response_packet(9, b"secret"), now)
        .unwrap();
    chap.answer(false, b"no");
    assert_eq!(chap.poll_transmit(), Some(vec![4, 9, 0, 6, b'n', b'o']));
    let mut stopped = authenticator(now);
    stopped.stop();
    assert_eq!(stopped.poll_timeout(), None);
    assert_eq!(stopped.handle_timeout(now + TIMEOUT), None);
}

#[test]
fn malformed_packets_are_errors_not_panics() {
    let now = Instant::now();
    let mut chap = authenticator(now);
    assert!(chap.handle_packet(&[2, 9, 0, 6, 16, 0], now).is_err());
    assert!(chap.handle_packet(&[2], now).is_err());
    let mut peer = ChapPeer::new(b"alice", b"secret");
    assert!(peer.handle_packet(&[1, 9, 0, 5, 4], now).is_err());
    assert_eq!(peer.poll_transmit(), None);
}

#[test]
fn the_peer_answers_each_challenge_with_the_md5_of_its_secret() {
    let now = Instant::now();
    let mut peer = ChapPeer::new(b"alice", b"secret");
    assert_eq!(
        peer.handle_packet(&challenge_packet(9), now),
        Ok(Some(ChapPeerEvent::Responded))
    );
    assert_eq!(peer.poll_transmit(), Some(response_packet(9, b"secret")));
    // The authenticator resent it (our response was lost): the same answer, no new event.
    assert_eq!(peer.handle_packet(&challenge_packet(9), now), Ok(None));
    assert_eq!(peer.poll_transmit(), Some(response_packet(9, b"secret")));
    // Success for another identifier is not ours.
    assert_eq!(peer.handle_packet(&[3, 8, 0, 4], now), Ok(None));
    assert_eq!(peer.ignored, 1);
    assert_eq!(
        peer.handle_packet(&[3, 9, 0, 6, b'o', b'k'], now),
        Ok(Some(ChapPeerEvent::Succeeded(b"ok".to_vec())))
    );
    assert_eq!(peer.handle_packet(&[3, 9, 0, 4], now), Ok(None));
}

#[test]
fn the_peer_reports_failure() {
    let now = Instant::now();
    let mut peer = ChapPeer::new(b"alice", b"wrong");
    peer.handle_packet(&challenge_packet(9), now).unwrap();
    assert_eq!(
        peer.handle_packet(&[4, 9, 0, 6, b'n', b'o'], now),
        Ok(Some(ChapPeerEvent::Failed(b"no".to_vec())))
    );
}
