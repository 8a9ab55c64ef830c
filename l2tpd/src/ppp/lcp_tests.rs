//! Two LCP automata (a server and a client) in memory with a simulated clock.

use super::*;
use crate::ppp::fsm::FinishReason;
use proptest::prelude::*;

const RESTART: Duration = Duration::from_secs(3);

fn config(role: Role, magic: u32) -> LcpConfig {
    LcpConfig {
        fsm: fsm::Config::default(),
        role,
        mru: 1492,
        magic,
        echo: None,
    }
}

fn server() -> Lcp {
    Lcp::new(config(
        Role::Server {
            authentication: vec![AuthProtocol::ChapMd5, AuthProtocol::Pap],
        },
        0x1111_1111,
    ))
}

fn started_server(now: Instant) -> Lcp {
    let mut server = server();
    server.start(now);
    server
}

/// A PAP server sending Echo-Requests every 10 s.
fn server_with_echo(max_failures: u32) -> Lcp {
    let echo = EchoConfig {
        interval: Duration::from_secs(10),
        max_failures,
    };
    let role = Role::Server {
        authentication: vec![AuthProtocol::Pap],
    };
    Lcp::new(LcpConfig {
        echo: Some(echo),
        ..config(role, 0x1111_1111)
    })
}

fn client(authentication: Vec<AuthProtocol>) -> Lcp {
    Lcp::new(config(Role::Client { authentication }, 0x2222_2222))
}

/// Delivers packets both ways until both are quiet; `drop_b_to_a` loses everything the
/// second one sends. Returns how many packets went across, bounded so a loop cannot hang.
fn pump(a: &mut Lcp, b: &mut Lcp, now: Instant, drop_b_to_a: bool) -> usize {
    let mut delivered = 0;
    for _ in 0..1000 {
        let mut moved = false;
        while let Some(packet) = a.poll_transmit() {
            let _ = b.handle_packet(&packet, now);
            moved = true;
            delivered += 1;
        }
        while let Some(packet) = b.poll_transmit() {
            if !drop_b_to_a {
                let _ = a.handle_packet(&packet, now);
            }
            moved = true;
            delivered += 1;
        }
        if !moved {
            return delivered;
        }
    }
    panic!("the automata never went quiet");
}

fn events(lcp: &mut Lcp) -> Vec<LcpEvent> {
    std::iter::from_fn(|| lcp.poll_event()).collect()
}

fn finished(lcp: &mut Lcp, reason: FinishReason) -> bool {
    events(lcp).contains(&LcpEvent::Layer(Event::Finished(reason)))
}

fn codes(lcp: &mut Lcp) -> Vec<u8> {
    std::iter::from_fn(|| lcp.poll_transmit())
        .map(|packet| packet[0])
        .collect()
}

/// Opens and brings up both ends and lets them talk until they are quiet.
fn negotiate(mut server: Lcp, mut client: Lcp, now: Instant) -> (Lcp, Lcp) {
    server.start(now);
    client.start(now);
    pump(&mut server, &mut client, now, false);
    (server, client)
}

fn opened_pair(now: Instant) -> (Lcp, Lcp) {
    let (mut server, mut client) = negotiate(server(), client(vec![AuthProtocol::ChapMd5]), now);
    assert_eq!(server.state(), State::Opened);
    assert_eq!(client.state(), State::Opened);
    events(&mut server);
    events(&mut client);
    (server, client)
}

#[test]
fn server_and_client_reach_opened_and_agree() {
    let now = Instant::now();
    let (mut server, mut client) = negotiate(server(), client(vec![AuthProtocol::ChapMd5]), now);
    assert_eq!(server.state(), State::Opened);
    assert_eq!(client.state(), State::Opened);
    assert!(events(&mut server).contains(&LcpEvent::Layer(Event::Up)));
    assert!(events(&mut client).contains(&LcpEvent::Layer(Event::Up)));
    assert_eq!(
        client.negotiated().authentication,
        Some(AuthProtocol::ChapMd5)
    );
    assert_eq!(client.negotiated().peer_mru, Some(1492));
    assert_eq!(client.negotiated().peer_magic, Some(0x1111_1111));
    assert_eq!(server.negotiated().peer_magic, Some(0x2222_2222));
    assert_eq!(server.poll_timeout(), None, "no restart timer once opened");
}

#[test]
fn server_falls_back_to_pap_when_the_client_naks_chap() {
    let now = Instant::now();
    let (server, client) = negotiate(server(), client(vec![AuthProtocol::Pap]), now);
    assert_eq!(server.state(), State::Opened);
    assert_eq!(client.negotiated().authentication, Some(AuthProtocol::Pap));
}

#[test]
fn server_gives_up_when_the_client_accepts_no_offer() {
    let now = Instant::now();
    let client = client(vec![AuthProtocol::Other {
        protocol: 0xC227,
        data: vec![],
    }]);
    let (mut server, _client) = negotiate(server(), client, now);
    assert_eq!(server.state(), State::Stopped);
    assert!(finished(&mut server, FinishReason::Unacceptable));
}

#[test]
fn restart_timer_sends_max_configure_requests_then_finishes() {
    let start = Instant::now();
    let mut server = started_server(start);
    let mut sent = codes(&mut server);
    let mut now = start;
    // Bounded, so a timer that never runs out fails the test instead of hanging it.
    for _ in 0..20 {
        let Some(deadline) = server.poll_timeout() else {
            break;
        };
        assert_eq!(
            deadline,
            now + RESTART,
            "one restart interval between requests"
        );
        now = deadline;
        server.handle_timeout(now);
        sent.extend(codes(&mut server));
    }
    assert_eq!(sent, [code::CONFIGURE_REQUEST; 10]);
    assert_eq!(now, start + RESTART * 10);
    assert_eq!(server.state(), State::Stopped);
    assert!(finished(&mut server, FinishReason::Timeout));
}

/// A Configure-Request as a scripted peer sends it.
fn request(identifier: u8, options: &[LcpOption]) -> Vec<u8> {
    let raw: Vec<_> = options.iter().map(LcpOption::to_raw).collect();
    let data = crate::ppp::wire::options::emit_options(&raw).unwrap();
    ControlPacket {
        code: code::CONFIGURE_REQUEST,
        identifier,
        data: &data,
    }
    .to_vec()
    .unwrap()
}

#[test]
fn max_failure_naks_become_rejects() {
    let now = Instant::now();
    let mut client = client(vec![AuthProtocol::ChapMd5]);
    client.start(now);
    codes(&mut client);
    let stubborn = [LcpOption::Mru(10), LcpOption::MagicNumber(7)];
    let mut replies = Vec::new();
    for identifier in 0..7 {
        client
            .handle_packet(&request(identifier, &stubborn), now)
            .unwrap();
        replies.extend(codes(&mut client));
    }
    assert_eq!(
        replies,
        [
            [code::CONFIGURE_NAK; 5].as_slice(),
            &[code::CONFIGURE_REJECT; 2]
        ]
        .concat()
    );
}

#[test]
fn endless_naks_of_our_request_are_bounded() {
    let now = Instant::now();
    let mut server = started_server(now);
    let mut requests = 0;
    for _ in 0..100 {
        let Some(packet) = server.poll_transmit() else {
            break;
        };
        let packet = ControlPacket::parse(&packet).unwrap();
        if packet.code != code::CONFIGURE_REQUEST {
            continue;
        }
        requests += 1;
        // A peer that always wants another MRU than the one we just took from it.
        let hint = 1000 + requests;
        let data =
            crate::ppp::wire::options::emit_options(&[LcpOption::Mru(hint).to_raw()]).unwrap();
        let nak = ControlPacket {
            code: code::CONFIGURE_NAK,
            identifier: packet.identifier,
            data: &data,
        };
        server.handle_packet(&nak.to_vec().unwrap(), now).unwrap();
    }
    assert_eq!(
        requests, 11,
        "the first request, then one per Nak up to Max-Configure"
    );
    assert_eq!(server.state(), State::Stopping);
    for _ in 0..20 {
        let Some(deadline) = server.poll_timeout() else {
            break;
        };
        server.handle_timeout(deadline);
    }
    assert_eq!(server.state(), State::Stopped);
    assert!(finished(&mut server, FinishReason::NotConverging));
}

#[test]
fn loopback_is_detected_by_magic_number() {
    let now = Instant::now();
    let mut server = started_server(now);
    for _ in 0..100 {
        let Some(packet) = server.poll_transmit() else {
            break;
        };
        // The link hands every packet back to its sender.
        let _ = server.handle_packet(&packet, now);
    }
    assert!(events(&mut server).contains(&LcpEvent::LoopbackDetected));
    assert!(matches!(server.state(), State::Closed | State::Closing));
}

#[test]
fn loopback_is_detected_by_echo_request() {
    let now = Instant::now();
    let (mut server, _client) = opened_pair(now);
    let data = magic_data(0x1111_1111, &[]);
    let echo = ControlPacket {
        code: code::ECHO_REQUEST,
        identifier: 9,
        data: &data,
    };
    server.handle_packet(&echo.to_vec().unwrap(), now).unwrap();
    assert!(events(&mut server).contains(&LcpEvent::LoopbackDetected));
    assert_eq!(server.state(), State::Closing);
}

#[test]
fn terminate_from_the_server() {
    let now = Instant::now();
    let (mut server, mut client) = opened_pair(now);
    server.close(now);
    pump(&mut server, &mut client, now, false);
    assert_eq!(server.state(), State::Closed);
    assert_eq!(
        events(&mut server),
        [
            LcpEvent::Layer(Event::Down),
            LcpEvent::Layer(Event::Finished(FinishReason::Closed))
        ]
    );
    // The client waits one restart interval so its Terminate-Ack gets out (RFC 1661 zrc).
    assert_eq!(client.state(), State::Stopping);
    assert_eq!(client.poll_timeout(), Some(now + RESTART));
    client.handle_timeout(now + RESTART);
    assert_eq!(client.state(), State::Stopped);
    assert_eq!(
        events(&mut client),
        [
            LcpEvent::Layer(Event::Down),
            LcpEvent::Layer(Event::Finished(FinishReason::PeerTerminated))
        ]
    );
}

#[test]
fn terminate_from_the_client_retransmits_max_terminate_times_when_unanswered() {
    let now = Instant::now();
    let (mut server, mut client) = opened_pair(now);
    client.close(now);
    // The server's Terminate-Ack is lost: the client sends Max-Terminate (2) requests.
    pump(&mut client, &mut server, now, true);
    assert_eq!(server.state(), State::Stopping);
    client.handle_timeout(now + RESTART);
    assert_eq!(codes(&mut client), [code::TERMINATE_REQUEST]);
    client.handle_timeout(now + RESTART * 2);
    assert!(codes(&mut client).is_empty());
    assert_eq!(client.state(), State::Closed);
    assert!(finished(&mut client, FinishReason::Closed));
}

#[test]
fn unknown_protocol_is_protocol_rejected_and_reported() {
    let now = Instant::now();
    let (mut server, mut client) = opened_pair(now);
    server.reject_protocol(0x8057, &[1, 2, 3]);
    let packet = server.poll_transmit().unwrap();
    assert_eq!(packet[0], code::PROTOCOL_REJECT);
    assert_eq!(packet[2..], [0, 9, 0x80, 0x57, 1, 2, 3]);
    client.handle_packet(&packet, now).unwrap();
    assert_eq!(events(&mut client), [LcpEvent::ProtocolRejected(0x8057)]);
    assert_eq!(client.state(), State::Opened);
    // RFC 1661 §5.7: only in the Opened state.
    let mut fresh = self::server();
    fresh.reject_protocol(0x8057, &[1]);
    assert_eq!(fresh.poll_transmit(), None);
}

#[test]
fn protocol_reject_of_lcp_itself_brings_the_link_down() {
    let now = Instant::now();
    let (mut server, _client) = opened_pair(now);
    let reject = ControlPacket {
        code: code::PROTOCOL_REJECT,
        identifier: 1,
        data: &[0xC0, 0x21],
    };
    server
        .handle_packet(&reject.to_vec().unwrap(), now)
        .unwrap();
    assert_eq!(server.state(), State::Stopping);
}

#[test]
fn unknown_code_is_code_rejected() {
    let now = Instant::now();
    let (mut server, _client) = opened_pair(now);
    let odd = [0x20, 5, 0, 5, 0xAA];
    server.handle_packet(&odd, now).unwrap();
    let reject = server.poll_transmit().unwrap();
    assert_eq!(reject[0], code::CODE_REJECT);
    assert_eq!(&reject[4..], odd);
}

#[test]
fn echo_keepalive_detects_a_dead_peer() {
    let start = Instant::now();
    let server = server_with_echo(3);
    let client = client(vec![AuthProtocol::Pap]);
    let (mut server, mut client) = negotiate(server, client, start);
    events(&mut server);
    // Answered echoes keep the link up.
    for _ in 0..5 {
        let now = server.poll_timeout().unwrap();
        server.handle_timeout(now);
        pump(&mut server, &mut client, now, false);
    }
    assert_eq!(server.state(), State::Opened);
    // The peer goes silent: three unanswered echoes, then the link is closed.
    for _ in 0..4 {
        let now = server.poll_timeout().unwrap();
        server.handle_timeout(now);
        pump(&mut server, &mut client, now, true);
    }
    assert!(events(&mut server).contains(&LcpEvent::EchoTimeout));
    assert_eq!(server.state(), State::Closing);
}

#[test]
fn a_lying_length_is_an_error_not_a_panic() {
    let now = Instant::now();
    let (mut server, _client) = opened_pair(now);
    assert!(server.handle_packet(&[1, 1, 0, 40, 1, 4], now).is_err());
    assert!(server.handle_packet(&[1, 1, 0, 6, 1, 9], now).is_err());
    assert_eq!(server.state(), State::Opened);
}

proptest! {
    #[test]
    fn random_packets_never_panic(
        packets in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 0..20)
    ) {
        let now = Instant::now();
        let (mut server, _client) = opened_pair(now);
        for packet in &packets {
            let _ = server.handle_packet(packet, now);
            server.handle_timeout(now + RESTART);
        }
    }
}

#[test]
fn a_zero_magic_number_is_naked_but_is_no_loopback() {
    let now = Instant::now();
    let mut client = client(vec![AuthProtocol::ChapMd5]);
    client.start(now);
    codes(&mut client);
    // RFC 1661 §6.4: zero is illegal and Nak'ed; it says nothing about a loop.
    for identifier in 0..4 {
        let zero = request(identifier, &[LcpOption::MagicNumber(0)]);
        client.handle_packet(&zero, now).unwrap();
        assert_eq!(codes(&mut client), [code::CONFIGURE_NAK]);
    }
    assert!(!events(&mut client).contains(&LcpEvent::LoopbackDetected));
    assert_eq!(client.state(), State::RequestSent);
}

#[test]
fn a_peer_that_code_rejects_echo_is_not_declared_dead() {
    let start = Instant::now();
    let server = server_with_echo(2);
    let (mut server, _client) = negotiate(server, client(vec![AuthProtocol::Pap]), start);
    let now = server.poll_timeout().unwrap();
    server.handle_timeout(now);
    let echo_request = server.poll_transmit().unwrap();
    assert_eq!(echo_request[0], code::ECHO_REQUEST);
    // RFC 1661 §5.6: the peer does not know Echo; that is no reason to end the link.
    let reject = ControlPacket {
        code: code::CODE_REJECT,
        identifier: 1,
        data: &echo_request,
    };
    server
        .handle_packet(&reject.to_vec().unwrap(), now)
        .unwrap();
    assert_eq!(server.poll_timeout(), None, "no more echoes");
    assert_eq!(server.state(), State::Opened);
}

#[test]
fn open_with_goes_to_opened_silently_and_starts_the_keepalive() {
    let now = Instant::now();
    let mut server = server_with_echo(3);
    let negotiated = Negotiated {
        peer_mru: Some(1400),
        peer_magic: Some(0x2222_2222),
        authentication: Some(AuthProtocol::Pap),
        peer_pfc: true,
    };
    assert!(server.open_with(negotiated.clone(), Some(0x4444_4444), now));
    assert_eq!(server.state(), State::Opened);
    assert_eq!(server.poll_transmit(), None);
    assert_eq!(events(&mut server), [LcpEvent::Layer(Event::Up)]);
    assert_eq!(*server.negotiated(), negotiated);
    // The keepalive runs, with the Magic-Number the peer knows.
    assert_eq!(server.poll_timeout(), Some(now + Duration::from_secs(10)));
    server.handle_timeout(now + Duration::from_secs(10));
    let echo = server.poll_transmit().unwrap();
    assert_eq!(echo[0], code::ECHO_REQUEST);
    assert_eq!(echo[4..8], 0x4444_4444u32.to_be_bytes());
    // Only once, and only from Initial.
    assert!(!server.open_with(negotiated, Some(1), now));
}

#[test]
fn open_with_refuses_an_authentication_not_offered_and_a_started_lcp() {
    let now = Instant::now();
    let chap = Negotiated {
        authentication: Some(AuthProtocol::ChapMd5),
        ..Negotiated::default()
    };
    let mut pap_only = server_with_echo(3);
    assert!(!pap_only.open_with(chap.clone(), None, now));
    assert!(!pap_only.open_with(Negotiated::default(), None, now));
    assert_eq!(pap_only.state(), State::Initial);
    let mut started = started_server(now);
    assert!(!started.open_with(chap, None, now));
    assert_eq!(started.state(), State::RequestSent);
    assert!(!client(vec![]).open_with(Negotiated::default(), None, now));
}

#[test]
fn a_peer_that_never_sends_an_acceptable_request_is_not_converging() {
    // It Acks ours, so no restart counter runs out, and asks for MRU 10 for ever: Naks,
    // then Rejects (Max-Failure), then the automaton gives up.
    let now = Instant::now();
    let mut server = started_server(now);
    let mut ack = server.poll_transmit().unwrap();
    ack[0] = code::CONFIGURE_ACK;
    server.handle_packet(&ack, now).unwrap();
    let mut replies = Vec::new();
    for identifier in 0..50 {
        server
            .handle_packet(&request(identifier, &[LcpOption::Mru(10)]), now)
            .unwrap();
        replies.extend(codes(&mut server));
        if replies.last() == Some(&code::TERMINATE_REQUEST) {
            break;
        }
    }
    let config = fsm::Config::default();
    let count = |code| replies.iter().filter(|c| **c == code).count();
    assert_eq!(count(code::CONFIGURE_NAK), config.max_failure as usize);
    assert_eq!(
        count(code::CONFIGURE_REJECT),
        config.max_configure as usize + 1
    );
    assert_eq!(server.state(), State::Stopping);
    for _ in 0..20 {
        let Some(deadline) = server.poll_timeout() else {
            break;
        };
        server.handle_timeout(deadline);
    }
    assert!(finished(&mut server, FinishReason::NotConverging));
}

/// The MRU our next Configure-Request asks for, after answering the last one with a Nak
/// that suggests `hint`.
fn mru_after_nak(hint: u16) -> Option<u16> {
    use crate::ppp::wire::options::{emit_options, parse_options};
    let now = Instant::now();
    let mut server = started_server(now);
    let first = server.poll_transmit().expect("a Configure-Request");
    let first = ControlPacket::parse(&first).unwrap();
    let data = emit_options(&[LcpOption::Mru(hint).to_raw()]).unwrap();
    let nak = ControlPacket {
        code: code::CONFIGURE_NAK,
        identifier: first.identifier,
        data: &data,
    };
    server.handle_packet(&nak.to_vec().unwrap(), now).unwrap();
    let next = server.poll_transmit().expect("the next Configure-Request");
    let next = ControlPacket::parse(&next).unwrap();
    assert_eq!(next.code, code::CONFIGURE_REQUEST);
    parse_options(next.data)
        .unwrap()
        .iter()
        .find_map(|o| match LcpOption::from_raw(o) {
            Ok(LcpOption::Mru(mru)) => Some(mru),
            _ => None,
        })
}

/// RFC 1661 §6.1: our MRU is the most we take. A Nak suggesting a smaller one is taken; one
/// suggesting more than we were configured for is not (we ask for ours again, as pppd does),
/// and a peer that insists ends at Max-Configure like any other (see above).
#[test]
fn a_naks_mru_hint_is_taken_only_up_to_our_own() {
    assert_eq!(mru_after_nak(1300), Some(1300));
    assert_eq!(mru_after_nak(1600), Some(1492));
}
