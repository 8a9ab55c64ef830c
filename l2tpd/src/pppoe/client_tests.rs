use super::*;
use crate::pppoe::discovery::{self, DiscoveryConfig, DiscoveryServer, Handled};
use crate::pppoe::test_frames::discovery;

const HOST: MacAddr = MacAddr([0x02, 0xee, 0, 0, 0, 0x01]);
const AC: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0xaa]);
const OTHER_AC: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0xbb]);
const SECOND: Duration = Duration::from_secs(1);

fn config() -> ClientConfig {
    let mut config = ClientConfig::new(HOST);
    config.service_name = b"internet".to_vec();
    config.host_uniq = vec![0, 0, 0, 7];
    config
}

fn started(config: ClientConfig) -> (DiscoveryClient, Instant) {
    let now = Instant::now();
    let mut client = DiscoveryClient::new(config);
    client.start(now);
    (client, now)
}

/// Code, destination, session id and tags of the next frame the client sends.
fn sent(client: &mut DiscoveryClient) -> (Code, MacAddr, u16, Vec<Tag>, Vec<VlanTag>) {
    let bytes = client.poll_transmit().expect("a frame to send");
    let frame = discovery(&bytes);
    assert_eq!(frame.src, HOST);
    (
        frame.code,
        frame.dst,
        frame.session_id,
        frame.tags,
        frame.vlans,
    )
}

fn from_ac(src: MacAddr, code: Code, session_id: u16, tags: Vec<Tag>) -> Vec<u8> {
    Frame::discovery(HOST, src, &[], code, session_id, tags)
        .to_bytes()
        .unwrap()
}

fn pado(src: MacAddr, name: &[u8], extra: Vec<Tag>) -> Vec<u8> {
    let mut tags = vec![
        Tag::AcName(name.to_vec()),
        Tag::ServiceName(b"internet".to_vec()),
        Tag::HostUniq(vec![0, 0, 0, 7]),
    ];
    tags.extend(extra);
    from_ac(src, Code::Pado, 0, tags)
}

/// A client that has taken AC's PADO and sent its PADR (consumed).
fn requesting() -> (DiscoveryClient, Instant) {
    let (mut client, now) = started(config());
    sent(&mut client);
    client.handle_frame(&pado(AC, b"lac1", vec![Tag::AcCookie(vec![9; 4])]), now);
    assert_eq!(sent(&mut client).0, Code::Padr);
    (client, now)
}

fn pads(session_id: u16, extra: Vec<Tag>) -> Vec<u8> {
    let mut tags = vec![
        Tag::ServiceName(b"internet".to_vec()),
        Tag::HostUniq(vec![0, 0, 0, 7]),
    ];
    tags.extend(extra);
    from_ac(AC, Code::Pads, session_id, tags)
}

fn in_session() -> (DiscoveryClient, Instant) {
    let (mut client, now) = requesting();
    client.handle_frame(&pads(0x0042, vec![]), now);
    assert!(matches!(
        client.poll_event(),
        Some(ClientEvent::SessionUp {
            session_id: 0x0042,
            ..
        })
    ));
    (client, now)
}

#[test]
fn padi_is_broadcast_with_service_name_host_uniq_max_payload_and_the_units_tags() {
    let mut config = config();
    config.max_payload = Some(1500);
    config.vlans = vec![VlanTag::dot1ad(100), VlanTag::dot1q(200)];
    let (mut client, _) = started(config);
    let (code, dst, session_id, tags, vlans) = sent(&mut client);
    assert_eq!((code, dst, session_id), (Code::Padi, MacAddr::BROADCAST, 0));
    assert_eq!(vlans, vec![VlanTag::dot1ad(100), VlanTag::dot1q(200)]);
    assert_eq!(
        tags,
        vec![
            Tag::ServiceName(b"internet".to_vec()),
            Tag::HostUniq(vec![0, 0, 0, 7]),
            Tag::PppMaxPayload(1500),
        ]
    );
    assert_eq!(client.state(), ClientState::Discovering);
}

#[test]
fn padi_is_resent_with_a_doubling_wait_then_discovery_fails() {
    let (mut client, start) = started(config());
    sent(&mut client);
    // max_attempts 4: PADIs at 0, 1, 3, 7 s; the last waits 8 s, so it fails at 15 s.
    for at in [1, 3, 7] {
        assert_eq!(client.poll_timeout(), Some(start + SECOND * at));
        client.handle_timeout(start + SECOND * at - Duration::from_millis(1));
        assert!(client.poll_transmit().is_none(), "early resend at {at} s");
        client.handle_timeout(start + SECOND * at);
        assert_eq!(sent(&mut client).0, Code::Padi);
    }
    assert_eq!(client.poll_timeout(), Some(start + SECOND * 15));
    client.handle_timeout(start + SECOND * 15);
    assert!(client.poll_transmit().is_none());
    assert_eq!(
        client.poll_event(),
        Some(ClientEvent::Failed(Failure::NoPado))
    );
    assert_eq!(client.state(), ClientState::Finished);
    assert_eq!(client.poll_timeout(), None);
    assert_eq!(client.counters().padi_sent, 4);
}

#[test]
fn the_first_pado_is_taken_and_the_padr_echoes_cookie_and_relay_session_id_to_that_ac() {
    let (mut client, now) = started(config());
    sent(&mut client);
    let cookie = Tag::AcCookie(vec![1, 2, 3, 4]);
    let relay = Tag::RelaySessionId(vec![5, 6]);
    client.handle_frame(&pado(AC, b"lac1", vec![cookie.clone(), relay.clone()]), now);
    let (code, dst, session_id, tags, _) = sent(&mut client);
    assert_eq!((code, dst, session_id), (Code::Padr, AC, 0));
    assert_eq!(
        tags,
        vec![
            Tag::ServiceName(b"internet".to_vec()),
            Tag::HostUniq(vec![0, 0, 0, 7]),
            cookie,
            relay,
        ]
    );
    // A second concentrator's PADO comes too late.
    client.handle_frame(&pado(OTHER_AC, b"lac2", vec![]), now);
    assert!(client.poll_transmit().is_none());
    assert_eq!(client.counters().unexpected, 1);
    assert_eq!(client.state(), ClientState::Requesting);
}

#[test]
fn pados_from_another_ac_name_with_another_host_uniq_or_without_ac_name_are_refused() {
    let mut config = config();
    config.ac_name = Some(b"wanted".to_vec());
    let (mut client, now) = started(config);
    sent(&mut client);
    client.handle_frame(&pado(OTHER_AC, b"other", vec![]), now);
    let wrong_uniq = from_ac(
        AC,
        Code::Pado,
        0,
        vec![Tag::AcName(b"wanted".to_vec()), Tag::HostUniq(vec![1])],
    );
    client.handle_frame(&wrong_uniq, now);
    let nameless = from_ac(AC, Code::Pado, 0, vec![Tag::HostUniq(vec![0, 0, 0, 7])]);
    client.handle_frame(&nameless, now);
    assert!(client.poll_transmit().is_none());
    assert_eq!(client.counters().pado_refused, 3);
    client.handle_frame(&pado(AC, b"wanted", vec![]), now);
    assert_eq!(sent(&mut client).1, AC);
}

#[test]
fn frames_for_another_mac_or_other_tags_and_garbage_are_ignored() {
    let (mut client, now) = started(config());
    sent(&mut client);
    let elsewhere = Frame::discovery(
        MacAddr([0x02, 0xee, 0, 0, 0, 0x02]),
        AC,
        &[],
        Code::Pado,
        0,
        vec![Tag::AcName(b"lac1".to_vec())],
    )
    .to_bytes()
    .unwrap();
    client.handle_frame(&elsewhere, now);
    let tagged = Frame::discovery(
        HOST,
        AC,
        &[VlanTag::dot1q(5)],
        Code::Pado,
        0,
        vec![Tag::AcName(b"lac1".to_vec())],
    )
    .to_bytes()
    .unwrap();
    client.handle_frame(&tagged, now);
    client.handle_frame(&[0x01, 0x02, 0x03], now);
    assert_eq!(client.counters().not_for_us, 2);
    assert_eq!(client.counters().malformed, 1);
    assert_eq!(client.state(), ClientState::Discovering);
}

#[test]
fn padr_is_resent_with_a_doubling_wait_then_discovery_fails() {
    let (mut client, start) = requesting();
    for at in [1, 3, 7] {
        assert_eq!(client.poll_timeout(), Some(start + SECOND * at));
        client.handle_timeout(start + SECOND * at);
        let (code, dst, ..) = sent(&mut client);
        assert_eq!((code, dst), (Code::Padr, AC));
    }
    client.handle_timeout(start + SECOND * 15);
    assert_eq!(
        client.poll_event(),
        Some(ClientEvent::Failed(Failure::NoPads))
    );
    assert_eq!(client.counters().padr_sent, 4);
}

#[test]
fn a_refusing_pads_fails_discovery_with_its_reason() {
    let cases = [
        (
            Tag::ServiceNameError(b"no".to_vec()),
            Failure::ServiceNameError(b"no".to_vec()),
        ),
        (
            Tag::AcSystemError(b"full".to_vec()),
            Failure::AcSystemError(b"full".to_vec()),
        ),
        (
            Tag::GenericError(b"dup".to_vec()),
            Failure::GenericError(b"dup".to_vec()),
        ),
    ];
    for (tag, failure) in cases {
        let (mut client, now) = requesting();
        client.handle_frame(&pads(0, vec![tag]), now);
        assert_eq!(client.poll_event(), Some(ClientEvent::Failed(failure)));
        assert_eq!(client.state(), ClientState::Finished);
        assert_eq!(client.poll_timeout(), None);
    }
    let (mut client, now) = requesting();
    client.handle_frame(&pads(0, vec![]), now);
    assert_eq!(
        client.poll_event(),
        Some(ClientEvent::Failed(Failure::GenericError(Vec::new())))
    );
}

#[test]
fn a_pads_from_another_ac_or_for_another_host_uniq_is_ignored() {
    let (mut client, now) = requesting();
    let foreign = from_ac(
        OTHER_AC,
        Code::Pads,
        7,
        vec![Tag::HostUniq(vec![0, 0, 0, 7])],
    );
    client.handle_frame(&foreign, now);
    let other_host = from_ac(AC, Code::Pads, 7, vec![Tag::HostUniq(vec![0, 0, 0, 8])]);
    client.handle_frame(&other_host, now);
    assert_eq!(client.counters().foreign, 2);
    assert_eq!(client.poll_event(), None);
    assert_eq!(client.state(), ClientState::Requesting);
}

#[test]
fn pads_gives_the_session_and_rfc_4638_payload_only_when_asked_and_echoed() {
    let (client, _) = in_session();
    assert_eq!(client.session_id(), Some(0x42));
    assert_eq!(client.poll_timeout(), None);

    let mut asked = config();
    asked.max_payload = Some(1500);
    let (mut client, now) = started(asked);
    sent(&mut client);
    client.handle_frame(&pado(AC, b"lac1", vec![]), now);
    sent(&mut client);
    client.handle_frame(&pads(9, vec![Tag::PppMaxPayload(1496)]), now);
    assert_eq!(
        client.poll_event(),
        Some(ClientEvent::SessionUp {
            session_id: 9,
            ac: AC,
            ac_name: b"lac1".to_vec(),
            max_payload: 1496,
        })
    );
}

#[test]
fn session_frames_are_wrapped_with_our_session_and_only_ours_are_unwrapped() {
    let (mut client, now) = in_session();
    let lcp_echo = [0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 0, 0, 0, 0];
    let bytes = client.session_frame(&lcp_echo).unwrap();
    let frame = Frame::parse(&bytes).unwrap();
    assert_eq!((frame.dst, frame.src), (AC, HOST));
    assert_eq!(
        frame.body,
        Body::Session {
            session_id: 0x42,
            ppp: &lcp_echo
        }
    );
    let ours = Frame {
        dst: HOST,
        src: AC,
        vlans: vec![],
        body: Body::Session {
            session_id: 0x42,
            ppp: &lcp_echo,
        },
    }
    .to_bytes()
    .unwrap();
    assert_eq!(
        client.handle_frame(&ours, now),
        Received::SessionPpp(&lcp_echo)
    );
    let other_session = Frame {
        body: Body::Session {
            session_id: 0x43,
            ppp: &lcp_echo,
        },
        ..Frame::parse(&ours).unwrap()
    }
    .to_bytes()
    .unwrap();
    assert_eq!(client.handle_frame(&other_session, now), Received::Nothing);
    assert_eq!(client.counters().foreign, 1);
}

#[test]
fn no_session_frame_before_the_pads() {
    let (mut client, _) = requesting();
    assert_eq!(client.session_frame(&[0xc0, 0x21]), None);
}

#[test]
fn padt_from_our_ac_for_our_session_ends_it_and_others_are_ignored() {
    let (mut client, now) = in_session();
    client.handle_frame(&from_ac(AC, Code::Padt, 0x43, vec![]), now);
    client.handle_frame(&from_ac(OTHER_AC, Code::Padt, 0x42, vec![]), now);
    assert_eq!(client.counters().foreign, 2);
    assert_eq!(client.session_id(), Some(0x42));
    client.handle_frame(&from_ac(AC, Code::Padt, 0x42, vec![]), now);
    assert_eq!(
        client.poll_event(),
        Some(ClientEvent::SessionDown(SessionEnd::PeerPadt))
    );
    assert_eq!(client.session_id(), None);
}

#[test]
fn terminate_sends_a_padt_for_our_session() {
    let (mut client, _) = in_session();
    client.terminate();
    let (code, dst, session_id, tags, _) = sent(&mut client);
    assert_eq!(
        (code, dst, session_id, tags),
        (Code::Padt, AC, 0x42, vec![])
    );
    assert_eq!(
        client.poll_event(),
        Some(ClientEvent::SessionDown(SessionEnd::Terminated))
    );
    client.terminate();
    assert!(client.poll_transmit().is_none());
}

/// Delivers every frame `client` has queued to `server` and every reply back.
fn shuttle(client: &mut DiscoveryClient, server: &mut DiscoveryServer, now: Instant) {
    while let Some(bytes) = client.poll_transmit() {
        if let Handled::Reply(reply) = server.handle_frame(&bytes, now) {
            client.handle_frame(&reply, now);
        }
    }
}

fn back_to_back() -> (DiscoveryClient, DiscoveryServer, Instant) {
    let now = Instant::now();
    let mut ac = DiscoveryConfig::new(AC, "lac1");
    ac.max_payload = 1500;
    let mut server = DiscoveryServer::new(ac, [7; 16], now);
    let mut config = config();
    config.vlans = vec![VlanTag::dot1ad(10), VlanTag::dot1q(20)];
    config.max_payload = Some(1500);
    config.ac_name = Some(b"lac1".to_vec());
    let mut client = DiscoveryClient::new(config);
    client.start(now);
    shuttle(&mut client, &mut server, now);
    (client, server, now)
}

#[test]
fn against_our_discovery_server_padi_to_pads_gives_the_same_session_on_both_sides() {
    let (mut client, mut server, now) = back_to_back();
    let Some(ClientEvent::SessionUp {
        session_id,
        max_payload,
        ..
    }) = client.poll_event()
    else {
        panic!("no session");
    };
    assert_eq!(max_payload, 1500);
    assert_eq!(
        server.poll_event(),
        Some(discovery::Event::SessionUp { session_id })
    );
    let session = server.session(session_id).unwrap();
    assert_eq!(session.client, HOST);
    assert_eq!(session.vlans, vec![VlanTag::dot1ad(10), VlanTag::dot1q(20)]);
    // PPP both ways, QinQ tags kept.
    let up = client.session_frame(&[0xc0, 0x21, 1, 1, 0, 4]).unwrap();
    assert_eq!(
        server.handle_frame(&up, now),
        Handled::SessionPpp {
            session_id,
            ppp: &[0xc0, 0x21, 1, 1, 0, 4]
        }
    );
    let down = server
        .session_frame(session_id, &[0xc0, 0x21, 2, 1, 0, 4])
        .unwrap();
    assert_eq!(
        client.handle_frame(&down, now),
        Received::SessionPpp(&[0xc0, 0x21, 2, 1, 0, 4])
    );
}

#[test]
fn against_our_discovery_server_the_clients_padt_ends_the_servers_session() {
    let (mut client, mut server, now) = back_to_back();
    client.poll_event();
    client.terminate();
    shuttle(&mut client, &mut server, now);
    server.poll_event();
    assert!(matches!(
        server.poll_event(),
        Some(discovery::Event::SessionDown {
            reason: discovery::EndReason::ClientPadt,
            ..
        })
    ));
    assert_eq!(server.session_count(), 0);
}

#[test]
fn against_our_discovery_server_the_servers_padt_ends_the_clients_session() {
    let (mut client, mut server, now) = back_to_back();
    client.poll_event();
    let session_id = client.session_id().unwrap();
    let padt = server.terminate(session_id, now).unwrap();
    client.handle_frame(&padt, now);
    assert_eq!(
        client.poll_event(),
        Some(ClientEvent::SessionDown(SessionEnd::PeerPadt))
    );
}
