use super::*;
use crate::pppoe::test_frames::discovery;
use schema::typed::{PppoeService, ServiceAction, ServiceName};

pub(super) const AC: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0xaa]);
pub(super) const OTHER_AC: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0xbb]);
pub(super) const LIFETIME: Duration = Duration::from_secs(30);

pub(super) fn client(n: u32) -> MacAddr {
    let [a, b, c, d] = n.to_be_bytes();
    MacAddr([0x02, 0x10, a, b, c, d])
}

pub(super) fn server_with(
    configure: impl FnOnce(&mut DiscoveryConfig),
) -> (DiscoveryServer, Instant) {
    let mut config = DiscoveryConfig::new(AC, "lns1");
    config.cookie_lifetime = LIFETIME;
    configure(&mut config);
    let epoch = Instant::now();
    (DiscoveryServer::new(config, [0x5a; 16], epoch), epoch)
}

pub(super) fn server() -> (DiscoveryServer, Instant) {
    server_with(|_| {})
}

pub(super) fn frame(
    src: MacAddr,
    dst: MacAddr,
    vlans: &[VlanTag],
    code: Code,
    session_id: u16,
    tags: Vec<Tag>,
) -> Vec<u8> {
    Frame::discovery(dst, src, vlans, code, session_id, tags)
        .to_bytes()
        .unwrap()
}

pub(super) fn padi(src: MacAddr, tags: Vec<Tag>) -> Vec<u8> {
    frame(src, MacAddr::BROADCAST, &[], Code::Padi, 0, tags)
}

pub(super) fn padr(src: MacAddr, tags: Vec<Tag>) -> Vec<u8> {
    frame(src, AC, &[], Code::Padr, 0, tags)
}

pub(super) fn host_uniq(n: u8) -> Tag {
    Tag::HostUniq(vec![n; 4])
}

pub(super) fn any_service() -> Tag {
    Tag::ServiceName(vec![])
}

/// The reply's code, session id and tags.
pub(super) fn reply(handled: Handled<'_>) -> (Code, u16, Vec<Tag>, MacAddr, Vec<VlanTag>) {
    let Handled::Reply(bytes) = handled else {
        panic!("expected a reply, got {handled:?}");
    };
    let frame = discovery(&bytes);
    assert_eq!(frame.src, AC);
    (
        frame.code,
        frame.session_id,
        frame.tags,
        frame.dst,
        frame.vlans,
    )
}

/// A refusing PADS (SESSION_ID 0) whose tags include the error `is_error` looks for.
pub(super) fn assert_refused_pads(handled: Handled<'_>, is_error: fn(&Tag) -> bool) {
    let (code, session_id, tags, ..) = reply(handled);
    assert_eq!((code, session_id), (Code::Pads, 0));
    assert!(tags.iter().any(is_error), "no such error tag in {tags:?}");
}

pub(super) fn cookie_of(tags: &[Tag]) -> Tag {
    tags.iter()
        .find(|tag| matches!(tag, Tag::AcCookie(_)))
        .cloned()
        .expect("the PADO carries an AC-Cookie")
}

/// PADI then PADR for `who`, returning the PADS's session id (0 if refused) and tags.
pub(super) fn connect(
    server: &mut DiscoveryServer,
    who: MacAddr,
    uniq: u8,
    now: Instant,
) -> (u16, Vec<Tag>) {
    let padr = padr_after_padi(server, who, uniq, now);
    let (code, session_id, tags, ..) = reply(server.handle_frame(&padr, now));
    assert_eq!(code, Code::Pads);
    (session_id, tags)
}

/// A `service` entry named `name` (`any` and `empty` are the keywords).
pub(super) fn service(name: &str, action: ServiceAction) -> PppoeService {
    PppoeService {
        name: ServiceName::from_key(name),
        action,
        max_sessions: None,
        dynamic_profile: None,
        routing_instance: None,
    }
}

pub(super) fn table(services: Vec<PppoeService>) -> ServiceNameTable {
    ServiceNameTable { services }
}

/// PADI from `who` (Host-Uniq `uniq`), and the PADR it sends next with the PADO's cookie.
pub(super) fn padr_after_padi(
    server: &mut DiscoveryServer,
    who: MacAddr,
    uniq: u8,
    now: Instant,
) -> Vec<u8> {
    let (code, _, tags, ..) =
        reply(server.handle_frame(&padi(who, vec![any_service(), host_uniq(uniq)]), now));
    assert_eq!(code, Code::Pado);
    padr(who, vec![any_service(), host_uniq(uniq), cookie_of(&tags)])
}

/// A session-stage frame from `who` to us.
pub(super) fn session_data(who: MacAddr, session_id: u16, ppp: &[u8]) -> Vec<u8> {
    Frame {
        dst: AC,
        src: who,
        vlans: vec![],
        body: Body::Session { session_id, ppp },
    }
    .to_bytes()
    .unwrap()
}

#[test]
fn whole_handshake_in_memory() {
    let (mut server, now) = server_with(|config| config.max_payload = 1500);
    let relay = Tag::RelaySessionId(b"circuit-7".to_vec());
    let padi_bytes = padi(
        client(1),
        vec![
            any_service(),
            host_uniq(1),
            relay.clone(),
            Tag::PppMaxPayload(1500),
        ],
    );
    let (code, session_id, tags, dst, _) = reply(server.handle_frame(&padi_bytes, now));
    assert_eq!((code, session_id, dst), (Code::Pado, 0, client(1)));
    let cookie = cookie_of(&tags);
    assert_eq!(
        tags,
        vec![
            Tag::AcName(b"lns1".to_vec()),
            any_service(),
            host_uniq(1),
            relay.clone(),
            Tag::PppMaxPayload(1500),
            cookie.clone(),
        ]
    );
    // Stateless until a valid PADR.
    assert_eq!(server.session_count(), 0);
    assert_eq!(server.poll_event(), None);

    let padr_bytes = padr(
        client(1),
        vec![
            any_service(),
            host_uniq(1),
            relay.clone(),
            Tag::PppMaxPayload(1500),
            cookie,
        ],
    );
    let (code, session_id, tags, dst, _) = reply(server.handle_frame(&padr_bytes, now));
    assert_eq!((code, dst), (Code::Pads, client(1)));
    assert_ne!(session_id, 0);
    assert_eq!(
        tags,
        vec![any_service(), host_uniq(1), relay, Tag::PppMaxPayload(1500)]
    );
    assert_eq!(server.poll_event(), Some(Event::SessionUp { session_id }));
    let session = server.session(session_id).unwrap();
    assert_eq!((session.client, session.max_payload), (client(1), 1500));

    // Session stage, both ways.
    let lcp = [0xc0, 0x21, 0x01, 0x01, 0x00, 0x04];
    let from_client = session_data(client(1), session_id, &lcp);
    assert_eq!(
        server.handle_frame(&from_client, now),
        Handled::SessionPpp {
            session_id,
            ppp: &lcp
        }
    );
    let to_client = server.session_frame(session_id, &lcp).unwrap();
    let parsed = Frame::parse(&to_client).unwrap();
    assert_eq!((parsed.dst, parsed.src), (client(1), AC));
    assert_eq!(
        parsed.body,
        Body::Session {
            session_id,
            ppp: &lcp
        }
    );

    // The client's PADT ends it.
    let padt = frame(client(1), AC, &[], Code::Padt, session_id, vec![]);
    assert_eq!(server.handle_frame(&padt, now), Handled::Nothing);
    assert_eq!(
        server.poll_event(),
        Some(Event::SessionDown {
            session_id,
            reason: EndReason::ClientPadt
        })
    );
    assert_eq!(server.session_count(), 0);
    let counters = server.counters();
    assert_eq!(
        (
            counters.padi_received,
            counters.pado_sent,
            counters.padr_received,
            counters.pads_sent,
            counters.padt_received
        ),
        (1, 1, 1, 1, 1)
    );
}

#[test]
fn server_padt_ends_the_session() {
    let (mut server, now) = server();
    let (session_id, _) = connect(&mut server, client(1), 1, now);
    let padt = server.terminate(session_id, now).unwrap();
    let parsed = Frame::parse(&padt).unwrap();
    assert_eq!((parsed.dst, parsed.src), (client(1), AC));
    assert_eq!(
        parsed.body,
        Body::Discovery {
            code: Code::Padt,
            session_id,
            tags: vec![]
        }
    );
    assert_eq!(server.session_count(), 0);
    assert_eq!(server.counters().padt_sent, 1);
    assert_eq!(server.terminate(session_id, now), None);
}

#[test]
fn replies_carry_the_request_vlan_tags() {
    let (mut server, now) = server();
    let qinq = [VlanTag::dot1ad(100), VlanTag::dot1q(7)];
    let padi = frame(
        client(1),
        MacAddr::BROADCAST,
        &qinq,
        Code::Padi,
        0,
        vec![any_service()],
    );
    let (code, _, tags, _, vlans) = reply(server.handle_frame(&padi, now));
    assert_eq!((code, vlans.as_slice()), (Code::Pado, &qinq[..]));
    let padr = frame(
        client(1),
        AC,
        &qinq,
        Code::Padr,
        0,
        vec![any_service(), cookie_of(&tags)],
    );
    let (code, session_id, _, _, vlans) = reply(server.handle_frame(&padr, now));
    assert_eq!((code, vlans.as_slice()), (Code::Pads, &qinq[..]));
    let data = server.session_frame(session_id, &[0xc0, 0x21]).unwrap();
    assert_eq!(Frame::parse(&data).unwrap().vlans, qinq);
}

#[test]
fn padr_flood_from_forged_macs_allocates_no_session() {
    let (mut server, now) = server();
    // A cookie the attacker legitimately obtained for its own MAC, replayed from others.
    let (_, _, tags, ..) = reply(server.handle_frame(&padi(client(0), vec![any_service()]), now));
    let stolen = cookie_of(&tags);
    const FLOOD: u32 = 20_000;
    for n in 1..=FLOOD {
        let cookie = match n % 3 {
            0 => stolen.clone(),
            1 => Tag::AcCookie(n.to_be_bytes().repeat(4)),
            _ => Tag::AcCookie(vec![]),
        };
        let forged = padr(client(n), vec![any_service(), cookie]);
        assert_eq!(server.handle_frame(&forged, now), Handled::Nothing);
    }
    let no_cookie = padr(client(FLOOD + 1), vec![any_service()]);
    assert_eq!(server.handle_frame(&no_cookie, now), Handled::Nothing);
    assert_eq!(server.session_count(), 0);
    assert_eq!(server.poll_event(), None);
    assert_eq!(server.counters().padr_cookie_invalid, u64::from(FLOOD));
    assert_eq!(server.counters().padr_cookie_missing, 1);
    // A legitimate client still gets through.
    let (session_id, _) = connect(&mut server, client(FLOOD + 2), 1, now);
    assert_ne!(session_id, 0);
}

#[test]
fn cookie_expires_by_simulated_time() {
    let (mut server, epoch) = server();
    let (_, _, tags, ..) = reply(server.handle_frame(&padi(client(1), vec![any_service()]), epoch));
    let late = padr(client(1), vec![any_service(), cookie_of(&tags)]);
    // Two lifetimes later the cookie's bucket has passed.
    let expired = epoch + 2 * LIFETIME;
    assert_eq!(server.handle_frame(&late, expired), Handled::Nothing);
    assert_eq!(server.counters().padr_cookie_invalid, 1);
    assert_eq!(server.session_count(), 0);
    // Within one lifetime it is good.
    let (code, session_id, ..) =
        reply(server.handle_frame(&late, epoch + LIFETIME - Duration::from_secs(1)));
    assert_eq!(code, Code::Pads);
    assert_ne!(session_id, 0);
}

#[test]
fn max_sessions_refuses_pado_and_pads() {
    let (mut server, now) = server_with(|config| config.max_sessions = Some(2));
    // The third client gets its cookie while there is still room.
    let (_, _, tags, ..) = reply(server.handle_frame(&padi(client(3), vec![any_service()]), now));
    let cookie = cookie_of(&tags);
    let (first, _) = connect(&mut server, client(1), 1, now);
    connect(&mut server, client(2), 2, now);

    assert_eq!(
        server.handle_frame(&padi(client(3), vec![any_service()]), now),
        Handled::Nothing
    );
    assert_refused_pads(
        server.handle_frame(&padr(client(3), vec![any_service(), cookie.clone()]), now),
        |tag| matches!(tag, Tag::AcSystemError(_)),
    );
    assert_eq!(server.counters().max_sessions_refused, 2);
    assert_eq!(server.session_count(), 2);

    // A freed slot lets the third in.
    server.terminate(first, now);
    let (code, session_id, ..) =
        reply(server.handle_frame(&padr(client(3), vec![any_service(), cookie]), now));
    assert_eq!(code, Code::Pads);
    assert_ne!(session_id, 0);
}

#[test]
fn duplicate_protection_allows_one_session_per_mac() {
    let (mut server, now) = server_with(|config| config.duplicate_protection = true);
    // Cookie for a second session, fetched before the first exists.
    let (_, _, tags, ..) =
        reply(server.handle_frame(&padi(client(1), vec![any_service(), host_uniq(2)]), now));
    let cookie = cookie_of(&tags);
    let (first, _) = connect(&mut server, client(1), 1, now);
    assert_ne!(first, 0);

    let again = padi(client(1), vec![any_service(), host_uniq(2)]);
    assert_eq!(server.handle_frame(&again, now), Handled::Nothing);
    let second = padr(client(1), vec![any_service(), host_uniq(2), cookie]);
    assert_refused_pads(server.handle_frame(&second, now), |tag| {
        matches!(tag, Tag::GenericError(_))
    });
    assert_eq!(server.counters().duplicate_refused, 2);
    assert_eq!(server.session_count(), 1);
}

#[test]
fn without_duplicate_protection_a_mac_may_hold_two_sessions() {
    let (mut server, now) = server();
    let (first, _) = connect(&mut server, client(1), 1, now);
    let (second, _) = connect(&mut server, client(1), 2, now);
    assert!(first != 0 && second != 0 && first != second);
    assert_eq!(server.session_count(), 2);
}

#[test]
fn retransmitted_padr_gets_the_same_pads() {
    let (mut server, now) = server();
    let padr = padr_after_padi(&mut server, client(1), 1, now);
    let first = reply(server.handle_frame(&padr, now));
    let second = reply(server.handle_frame(&padr, now));
    assert_eq!(first, second);
    assert_eq!(server.session_count(), 1);
    assert_eq!(server.counters().padr_retransmitted, 1);
    assert!(matches!(server.poll_event(), Some(Event::SessionUp { .. })));
    assert_eq!(server.poll_event(), None);
}

#[test]
fn service_names_are_matched_against_the_table() {
    let (mut server, now) = server_with(|config| {
        config.service_table = Some(table(vec![
            service("internet", ServiceAction::Terminate),
            service("voip", ServiceAction::Terminate),
        ]))
    });
    let named = |name: &str| Tag::ServiceName(name.as_bytes().to_vec());

    let (_, _, tags, ..) = reply(server.handle_frame(&padi(client(1), vec![any_service()]), now));
    assert_eq!(tags[1..3], [named(""), named("internet")]);
    assert_eq!(tags[3], named("voip"));

    let (_, _, tags, ..) = reply(server.handle_frame(&padi(client(1), vec![named("voip")]), now));
    assert_eq!(tags[1..3], [named("voip"), named("internet")]);

    let iptv = padi(client(1), vec![named("iptv")]);
    assert_eq!(server.handle_frame(&iptv, now), Handled::Nothing);
    assert_eq!(server.counters().service_name_refused, 1);

    // A PADR for a service not offered, with a good cookie: PADS with Service-Name-Error.
    let cookie = cookie_of(&tags);
    assert_refused_pads(
        server.handle_frame(&padr(client(1), vec![named("iptv"), cookie]), now),
        |tag| matches!(tag, Tag::ServiceNameError(_)),
    );
    assert_eq!(server.session_count(), 0);
}

#[test]
fn link_down_ends_every_session() {
    let (mut server, now) = server();
    let (a, _) = connect(&mut server, client(1), 1, now);
    let (b, _) = connect(&mut server, client(2), 1, now);
    while server.poll_event().is_some() {}
    server.link_down();
    assert_eq!(server.session_count(), 0);
    let down = |session_id| Event::SessionDown {
        session_id,
        reason: EndReason::LinkDown,
    };
    assert_eq!(server.poll_event(), Some(down(a.min(b))));
    assert_eq!(server.poll_event(), Some(down(a.max(b))));
}

#[test]
fn malformed_and_misdirected_frames_are_dropped_and_counted() {
    let (mut server, now) = server();
    let (session_id, _) = connect(&mut server, client(1), 1, now);
    let before = server.counters().clone();
    type Counter = fn(&DiscoveryCounters) -> u64;
    let drops: Vec<(Vec<u8>, Counter)> = vec![
        (vec![0xff; 10], |c| c.malformed),
        (
            // Host-Uniq's length runs past the payload.
            {
                let mut bytes = padi(client(2), vec![any_service(), host_uniq(1)]);
                let last = bytes.len() - 5;
                bytes[last] = 0x40;
                bytes
            },
            |c| c.malformed,
        ),
        (padi(client(2), vec![]), |c| c.service_name_missing),
        (padi(client(2), vec![any_service(), any_service()]), |c| {
            c.service_name_missing
        }),
        (
            frame(
                client(2),
                MacAddr::BROADCAST,
                &[],
                Code::Padi,
                9,
                vec![any_service()],
            ),
            |c| c.nonzero_session_id,
        ),
        (
            padi(MacAddr([0x03, 0, 0, 0, 0, 1]), vec![any_service()]),
            |c| c.bad_source,
        ),
        (
            frame(client(2), OTHER_AC, &[], Code::Padr, 0, vec![any_service()]),
            |c| c.not_for_us,
        ),
        (
            frame(client(2), AC, &[], Code::Pado, 0, vec![any_service()]),
            |c| c.unexpected_code,
        ),
        (frame(client(2), AC, &[], Code::Padt, 0x7777, vec![]), |c| {
            c.padt_unknown_session
        }),
        (
            frame(client(2), AC, &[], Code::Padt, session_id, vec![]),
            |c| c.padt_wrong_mac,
        ),
        (
            Frame {
                dst: AC,
                src: client(2),
                vlans: vec![],
                body: Body::Session {
                    session_id,
                    ppp: &[0xc0, 0x21],
                },
            }
            .to_bytes()
            .unwrap(),
            |c| c.session_frame_wrong_mac,
        ),
        (
            Frame {
                dst: AC,
                src: client(1),
                vlans: vec![],
                body: Body::Session {
                    session_id: 0x7777,
                    ppp: &[0xc0, 0x21],
                },
            }
            .to_bytes()
            .unwrap(),
            |c| c.session_frame_unknown_session,
        ),
    ];
    for (bytes, counter) in drops {
        let was = counter(server.counters());
        assert_eq!(server.handle_frame(&bytes, now), Handled::Nothing);
        assert_eq!(counter(server.counters()), was + 1, "frame {bytes:02x?}");
    }
    // The established session survived all of it.
    assert_eq!(server.session_count(), 1);
    assert_eq!(server.counters().padi_received, before.padi_received + 3);
}

#[test]
fn session_ids_wrap_past_0xfffe_and_skip_those_in_use() {
    let (mut server, now) = server();
    server.next_session_id = MAX_SESSION_ID;
    let (last, _) = connect(&mut server, client(1), 1, now);
    assert_eq!(last, MAX_SESSION_ID);
    let (first, _) = connect(&mut server, client(2), 1, now);
    assert_eq!(first, 1);
    // Id 2 is taken: the allocator wraps round to it and steps over.
    server.next_session_id = 2;
    let (two, _) = connect(&mut server, client(3), 1, now);
    server.next_session_id = 2;
    let (three, _) = connect(&mut server, client(4), 1, now);
    assert_eq!((two, three), (2, 3));
}

proptest::proptest! {
    /// Whatever a client sends, the server does not panic and grants no session without
    /// a cookie it issued.
    #[test]
    fn arbitrary_frames_never_panic_nor_allocate(
        frames in proptest::collection::vec(proptest::collection::vec(proptest::prelude::any::<u8>(), 0..80), 0..40),
    ) {
        let (mut server, now) = server();
        for mut bytes in frames {
            // Half of them aimed at us as PPPoE discovery, so they reach the server's logic.
            if bytes.len() >= 16 && bytes[0] % 2 == 0 {
                bytes[..6].copy_from_slice(&AC.0);
                bytes[6] &= 0xfe;
                bytes[12..16].copy_from_slice(&[0x88, 0x63, 0x11, 0x19]);
            }
            let _ = server.handle_frame(&bytes, now);
        }
        proptest::prop_assert_eq!(server.session_count(), 0);
    }
}

/// The PADR's intermediate-agent tag names the session's access line (TR-101 §3.9.3).
#[test]
fn the_padrs_agent_tag_is_kept_with_the_session() {
    use crate::pppoe::access_line::AccessLine;
    let (mut server, now) = server();
    let line = AccessLine {
        circuit_id: Some(b"dslam1 eth 1/1/2:100"[..].into()),
        remote_id: Some(b"cpe-42"[..].into()),
        ..AccessLine::default()
    };
    let (_, _, tags, ..) = reply(server.handle_frame(
        &padi(client(1), vec![any_service(), host_uniq(1), line.to_tag()]),
        now,
    ));
    let request = vec![any_service(), host_uniq(1), cookie_of(&tags), line.to_tag()];
    let (code, session_id, ..) = reply(server.handle_frame(&padr(client(1), request), now));
    assert_eq!(code, Code::Pads);
    assert_eq!(server.session(session_id).unwrap().access_line, line);
    assert_eq!(server.counters().agent_tag_malformed, 0);
}

/// A broken agent tag is counted and left out; the subscriber still gets its session.
#[test]
fn a_malformed_agent_tag_is_counted_and_the_session_granted_without_it() {
    let (mut server, now) = server();
    let (_, _, tags, ..) =
        reply(server.handle_frame(&padi(client(1), vec![any_service(), host_uniq(1)]), now));
    // Circuit ID of 9 octets announced, 2 present.
    let broken = Tag::VendorSpecific(vec![0, 0, 0x0d, 0xe9, 0x01, 9, b'a', b'b']);
    let request = vec![any_service(), host_uniq(1), cookie_of(&tags), broken];
    let (code, session_id, ..) = reply(server.handle_frame(&padr(client(1), request), now));
    assert_eq!(code, Code::Pads);
    assert_ne!(session_id, 0);
    assert!(server.session(session_id).unwrap().access_line.is_empty());
    assert_eq!(server.counters().agent_tag_malformed, 1);
}
