//! The PAP automata alone, fed hand-made packets with a simulated clock.

use super::*;

const RESTART: Duration = Duration::from_secs(3);
const TIMEOUT: Duration = Duration::from_secs(30);

/// Authenticate-Request, id 1, user "alice", password "pw".
static REQUEST: [u8; 13] = [1, 1, 0, 13, 5, b'a', b'l', b'i', b'c', b'e', 2, b'p', b'w'];

fn request_with_id(identifier: u8) -> Vec<u8> {
    let mut request = REQUEST.to_vec();
    request[1] = identifier;
    request
}

#[test]
fn the_authenticator_reports_the_request_then_answers_it() {
    let now = Instant::now();
    let mut pap = PapAuthenticator::new(now, TIMEOUT);
    let event = pap.handle_packet(&REQUEST, now).unwrap();
    assert_eq!(
        event,
        Some(PapAuthenticatorEvent::Request {
            identifier: 1,
            request: PapRequest {
                peer_id: b"alice".to_vec(),
                password: b"pw".to_vec(),
            },
        })
    );
    assert_eq!(pap.poll_timeout(), None);
    // Resent while the owner decides: not reported twice.
    assert_eq!(pap.handle_packet(&request_with_id(2), now), Ok(None));
    assert_eq!(pap.ignored, 1);
    pap.answer(1, true, b"hi");
    assert_eq!(pap.poll_transmit(), Some(vec![2, 1, 0, 7, 2, b'h', b'i']));
    // RFC 1334 §2.2.2: a request repeated after the answer gets it again, with its own id.
    pap.handle_packet(&request_with_id(3), now).unwrap();
    assert_eq!(pap.poll_transmit(), Some(vec![2, 3, 0, 7, 2, b'h', b'i']));
}

#[test]
fn the_authenticator_naks_with_a_message() {
    let now = Instant::now();
    let mut pap = PapAuthenticator::new(now, TIMEOUT);
    pap.handle_packet(&REQUEST, now).unwrap();
    pap.answer(1, false, b"no");
    assert_eq!(pap.poll_transmit(), Some(vec![3, 1, 0, 7, 2, b'n', b'o']));
}

#[test]
fn the_authenticator_gives_up_waiting_and_goes_silent() {
    let now = Instant::now();
    let mut pap = PapAuthenticator::new(now, TIMEOUT);
    assert_eq!(
        pap.handle_timeout(now + TIMEOUT - Duration::from_millis(1)),
        None
    );
    assert_eq!(
        pap.handle_timeout(now + TIMEOUT),
        Some(PapAuthenticatorEvent::TimedOut)
    );
    assert_eq!(pap.poll_timeout(), None);
    assert_eq!(pap.handle_packet(&REQUEST, now + TIMEOUT), Ok(None));
}

#[test]
fn a_stopped_authenticator_says_nothing() {
    let now = Instant::now();
    let mut pap = PapAuthenticator::new(now, TIMEOUT);
    pap.handle_packet(&REQUEST, now).unwrap();
    pap.stop();
    assert_eq!(pap.poll_timeout(), None);
    pap.handle_packet(&REQUEST, now).unwrap();
    assert_eq!(pap.poll_transmit(), None);
}

#[test]
fn the_authenticator_counts_what_it_cannot_use() {
    let now = Instant::now();
    let mut pap = PapAuthenticator::new(now, TIMEOUT);
    // An Ack sent to the authenticator, then a request whose password runs past the end.
    assert_eq!(pap.handle_packet(&[2, 1, 0, 5, 0], now), Ok(None));
    assert_eq!(pap.ignored, 1);
    assert!(pap.handle_packet(&[1, 1, 0, 6, 1, b'a'], now).is_err());
    assert!(pap.handle_packet(&[1, 1, 0], now).is_err());
    assert!(pap.poll_timeout().is_some());
}

fn peer() -> PapPeer {
    PapPeer::new(fsm::Config::default(), b"alice", b"pw").unwrap()
}

#[test]
fn the_peer_resends_on_the_restart_timer_then_gives_up() {
    let now = Instant::now();
    let mut pap = peer();
    pap.start(now);
    assert_eq!(pap.poll_transmit(), Some(REQUEST.to_vec()));
    let max = fsm::Config::default().max_configure;
    let mut at = now;
    for resend in 2..=max {
        at += RESTART;
        assert_eq!(pap.handle_timeout(at), None);
        assert_eq!(pap.poll_transmit(), Some(request_with_id(resend as u8)));
    }
    at += RESTART;
    assert_eq!(pap.handle_timeout(at), Some(PapPeerEvent::GaveUp));
    assert_eq!(pap.poll_transmit(), None);
    assert_eq!(pap.poll_timeout(), None);
    // A late answer is still taken (behind a pass-through LAC the LNS may be slow).
    assert_eq!(
        pap.handle_packet(&[2, 1, 0, 5, 0], at),
        Ok(Some(PapPeerEvent::Acked(Vec::new())))
    );
}

#[test]
fn the_peer_takes_one_answer_only() {
    let now = Instant::now();
    let mut pap = peer();
    pap.start(now);
    assert_eq!(
        pap.handle_packet(&[3, 1, 0, 7, 2, b'n', b'o'], now),
        Ok(Some(PapPeerEvent::Naked(b"no".to_vec())))
    );
    assert_eq!(pap.poll_timeout(), None);
    assert_eq!(pap.handle_packet(&[2, 1, 0, 5, 0], now), Ok(None));
    // A request sent to the peer is not for it.
    assert_eq!(pap.handle_packet(&REQUEST, now), Ok(None));
    assert_eq!(pap.ignored, 2);
}

#[test]
fn the_peer_refuses_credentials_too_long_to_send() {
    assert!(PapPeer::new(fsm::Config::default(), &[b'a'; 256], b"pw").is_err());
}
