//! `ClientLink` against the `ServerLink` (and, for IPCP, the server role of ipcp.rs) with
//! a simulated clock; the pair and its wire are those of the ServerLink tests.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use super::*;
use crate::ppp::ipcp::IpcpPolicy;
use crate::ppp::server_link::tests::{client_config, lcp_code, server_config, Direction, Pair};
use crate::ppp::server_link::{AuthProtocol, LinkEvent, ServerLinkConfig};

const RESTART: Duration = Duration::from_secs(3);

fn ipcp_server() -> Fsm<IpcpPolicy> {
    let mut ipcp = Fsm::new(
        Protocol::Ipcp,
        fsm::Config::default(),
        IpcpPolicy::new(IpcpRole::Server {
            local: Ipv4Addr::new(127, 0, 81, 1),
            peer: Ipv4Addr::new(127, 0, 81, 2),
            primary_dns: Some(Ipv4Addr::new(127, 0, 81, 53)),
            secondary_dns: None,
            primary_nbns: None,
            secondary_nbns: None,
            suggest_dns: false,
        }),
    );
    let now = Instant::now();
    ipcp.open(now);
    ipcp.up(now);
    ipcp
}

/// Shuttles the pair, with IPCP frames from the client going to `ipcp` (the ServerLink runs
/// no NCP) and its answers back, until everything is quiet.
fn shuttle_with_ipcp(pair: &mut Pair, ipcp: &mut Fsm<IpcpPolicy>) {
    let captured = Rc::new(RefCell::new(Vec::<Vec<u8>>::new()));
    let sink = captured.clone();
    pair.deliver = Box::new(move |direction, frame| {
        if direction == Direction::ToServer && frame.starts_with(&[0x80, 0x21]) {
            sink.borrow_mut().push(frame[2..].to_vec());
            return false;
        }
        true
    });
    for _ in 0..100 {
        pair.shuttle();
        let packets: Vec<_> = captured.borrow_mut().drain(..).collect();
        for packet in &packets {
            ipcp.handle_packet(&ControlPacket::parse(packet).unwrap(), pair.now)
                .unwrap();
        }
        let answers: Vec<_> = std::iter::from_fn(|| ipcp.poll_transmit()).collect();
        if packets.is_empty() && answers.is_empty() {
            return;
        }
        for answer in answers {
            pair.client
                .handle_frame(&frame(Protocol::Ipcp, &answer), pair.now);
        }
    }
    panic!("IPCP never went quiet");
}

#[test]
fn after_authentication_ipcp_brings_the_address_and_dns() {
    for protocol in [AuthProtocol::Pap, AuthProtocol::ChapMd5] {
        let mut pair = Pair::new(server_config(vec![protocol]), client_config());
        let mut ipcp = ipcp_server();
        pair.start();
        pair.server.auth_success(b"welcome", pair.now);
        shuttle_with_ipcp(&mut pair, &mut ipcp);
        assert_eq!(
            pair.client_events,
            [
                ClientEvent::LcpUp,
                ClientEvent::AuthSent,
                ClientEvent::Authenticated,
                ClientEvent::IpUp {
                    local: Ipv4Addr::new(127, 0, 81, 2),
                    peer: Ipv4Addr::new(127, 0, 81, 1),
                    dns: vec![Ipv4Addr::new(127, 0, 81, 53)],
                    nbns: Vec::new(),
                }
            ]
        );
    }
}

#[test]
fn without_ipcp_the_client_stops_at_authenticated() {
    let mut pair = Pair::new(
        server_config(vec![AuthProtocol::Pap]),
        ClientLinkConfig {
            ipcp: false,
            ..client_config()
        },
    );
    pair.start();
    pair.server.auth_success(b"", pair.now);
    pair.shuttle();
    assert_eq!(pair.client_events.last(), Some(&ClientEvent::Authenticated));
    assert!(!pair
        .client_sent
        .iter()
        .any(|f| f.starts_with(&[0x80, 0x21])));
    assert_eq!(pair.client.poll_timeout(), None);
}

#[test]
fn behind_a_pass_through_lac_the_client_waits_for_the_lns_answer() {
    let mut pair = Pair::new(server_config(vec![AuthProtocol::Pap]), client_config());
    pair.start();
    pair.server.hand_over();
    // The LNS takes its time: the client resends up to Max-Configure, then waits.
    pair.advance_by(Duration::from_secs(600));
    let requests = pair
        .client_sent
        .iter()
        .filter(|f| f.starts_with(&[0xC0, 0x23, 1]))
        .count();
    assert_eq!(requests, fsm::Config::default().max_configure as usize);
    assert_eq!(
        pair.client_events,
        [ClientEvent::LcpUp, ClientEvent::AuthSent]
    );
    // The LNS's Ack to the first request, relayed by the LAC.
    pair.client
        .handle_frame(&[0xC0, 0x23, 2, 1, 0, 7, 2, b'o', b'k'], pair.now);
    assert_eq!(pair.client.poll_event(), Some(ClientEvent::Authenticated));
}

#[test]
fn a_chap_answer_from_the_lns_is_taken_too() {
    let mut pair = Pair::new(server_config(vec![AuthProtocol::ChapMd5]), client_config());
    pair.start();
    pair.server.hand_over();
    let identifier = pair
        .server_sent
        .iter()
        .find(|f| f.starts_with(&[0xC2, 0x23, 1]))
        .unwrap()[3];
    pair.client
        .handle_frame(&[0xC2, 0x23, 4, identifier, 0, 4], pair.now);
    assert_eq!(
        pair.client.poll_event(),
        Some(ClientEvent::AuthFailed(Vec::new()))
    );
}

/// A PAP server sending Echo-Requests every 10 s, up after `start`; the client runs no IPCP
/// (unanswered, it would end the link first).
fn started_pair_with_echo() -> Pair {
    let echo = EchoConfig {
        interval: Duration::from_secs(10),
        max_failures: 2,
    };
    let mut pair = Pair::new(
        ServerLinkConfig {
            echo: Some(echo),
            ..server_config(vec![AuthProtocol::Pap])
        },
        ClientLinkConfig {
            ipcp: false,
            ..client_config()
        },
    );
    pair.start();
    pair
}

#[test]
fn the_client_answers_echo_requests() {
    let mut pair = started_pair_with_echo();
    pair.server.auth_success(b"", pair.now);
    pair.shuttle();
    pair.advance_by(Duration::from_secs(100));
    let requests = pair.server_sent.iter().filter(|f| lcp_code(f) == Some(9));
    assert!(requests.count() >= 5);
    let replies = pair.client_sent.iter().filter(|f| lcp_code(f) == Some(10));
    assert!(replies.count() >= 5);
    assert!(!pair
        .server_events
        .iter()
        .any(|e| matches!(e, LinkEvent::Down(_))));
}

#[test]
fn an_unanswered_echo_ends_the_server_link() {
    let mut pair = started_pair_with_echo();
    pair.deliver = Box::new(|direction, _| direction == Direction::ToClient);
    pair.advance_by(Duration::from_secs(100));
    assert_eq!(
        pair.server_events.last(),
        Some(&LinkEvent::Down(DownReason::EchoTimeout))
    );
}

#[test]
fn an_ipcp_refusal_ends_the_link() {
    let mut pair = Pair::new(server_config(vec![AuthProtocol::Pap]), client_config());
    pair.start();
    pair.server.auth_success(b"", pair.now);
    pair.shuttle();
    let request = pair
        .client_sent
        .iter()
        .rev()
        .find(|f| f.starts_with(&[0x80, 0x21, 1]))
        .unwrap()
        .clone();
    // Configure-Reject of the IP-Address option: without an address no IP can run.
    let reject = [&[0x80, 0x21, 4, request[3], 0, 10][..], &[3, 6, 0, 0, 0, 0]].concat();
    pair.client.handle_frame(&reject, pair.now);
    pair.shuttle();
    pair.advance_by(RESTART * 10);
    assert_eq!(
        pair.client_events.last(),
        Some(&ClientEvent::Down(DownReason::NegotiationFailed))
    );
}

#[test]
fn lower_down_ends_the_client_at_once() {
    let mut pair = Pair::new(server_config(vec![AuthProtocol::Pap]), client_config());
    pair.client.start(pair.now);
    pair.client.lower_down();
    assert_eq!(pair.client.poll_transmit(), None);
    assert_eq!(pair.client.poll_timeout(), None);
    assert_eq!(
        pair.client.poll_event(),
        Some(ClientEvent::Down(DownReason::LowerLayerDown))
    );
}

#[test]
fn malformed_and_out_of_phase_frames_are_counted() {
    let mut pair = Pair::new(server_config(vec![AuthProtocol::Pap]), client_config());
    pair.client.start(pair.now);
    pair.client.handle_frame(&[0xC0], pair.now);
    pair.client
        .handle_frame(&[0xC0, 0x21, 1, 1, 0, 99], pair.now);
    pair.client
        .handle_frame(&[0xC0, 0x23, 2, 1, 0, 4], pair.now);
    pair.client
        .handle_frame(&[0x80, 0x21, 1, 1, 0, 4], pair.now);
    assert_eq!(
        pair.client.counters(),
        ClientCounters {
            malformed: 2,
            discarded: 2
        }
    );
}
