//! The unit's policies in front of new sessions, in simulated time: short-cycle protection,
//! the service-name table (drop, delay, per-service max-sessions, `any` and `empty`), drain
//! and the PPP payload ceiling.

use super::tests::*;
use super::*;
use schema::typed::{ServiceAction, ServiceName};

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn named(name: &str) -> Tag {
    Tag::ServiceName(name.as_bytes().to_vec())
}

fn padt(who: MacAddr, session_id: u16) -> Vec<u8> {
    frame(who, AC, &[], Code::Padt, session_id, vec![])
}

/// PADI for `service` from `who`: the PADO's cookie, or `None` when no PADO came.
fn offer(server: &mut DiscoveryServer, who: MacAddr, service: Tag, now: Instant) -> Option<Tag> {
    match server.handle_frame(&padi(who, vec![service]), now) {
        Handled::Nothing => None,
        handled => Some(cookie_of(&reply(handled).2)),
    }
}

/// PADI and PADR for `service`: the granted session id.
fn connect_to(server: &mut DiscoveryServer, who: MacAddr, service: Tag, now: Instant) -> u16 {
    let cookie = offer(server, who, service.clone(), now).expect("a PADO");
    let (code, session_id, ..) = reply(server.handle_frame(&padr(who, vec![service, cookie]), now));
    assert_eq!(code, Code::Pads);
    assert_ne!(session_id, 0, "the PADS refused");
    session_id
}

fn table_server(services: Vec<schema::typed::PppoeService>) -> (DiscoveryServer, Instant) {
    server_with(|config| config.service_table = Some(table(services)))
}

fn short_cycle_server() -> (DiscoveryServer, Instant) {
    server_with(|config| config.short_cycle = Some(ShortCycleConfig::default()))
}

#[test]
fn short_cycle_protection_locks_out_a_client_that_reconnects_too_fast() {
    let (mut server, t0) = short_cycle_server();
    let session_id = connect_to(&mut server, client(1), any_service(), t0);
    server.handle_frame(&padt(client(1), session_id), t0 + secs(5));

    // Locked out for 1 s (Junos' default minimum), a client that did nothing is not.
    let t1 = t0 + secs(5);
    assert_eq!(offer(&mut server, client(1), any_service(), t1), None);
    assert_eq!(server.counters().short_cycle_refused, 1);
    assert!(offer(&mut server, client(2), any_service(), t1).is_some());

    // Back after the lockout; the second short cycle doubles it to 2 s.
    let t2 = t1 + secs(1);
    let session_id = connect_to(&mut server, client(1), any_service(), t2);
    server.handle_frame(&padt(client(1), session_id), t2);
    assert_eq!(
        offer(&mut server, client(1), any_service(), t2 + secs(1)),
        None
    );
    assert!(offer(&mut server, client(1), any_service(), t2 + secs(2)).is_some());
    assert_eq!(server.counters().short_cycle_refused, 2);
}

#[test]
fn short_cycle_lockout_also_refuses_a_padr_and_follows_our_own_terminate() {
    let (mut server, t0) = short_cycle_server();
    // A cookie fetched before the lockout does not get round it.
    let cookie = offer(&mut server, client(1), any_service(), t0).unwrap();
    let session_id = connect_to(&mut server, client(1), any_service(), t0);
    // Ended from our side (failed authentication, say) within the minute: a short cycle.
    server.terminate(session_id, t0 + secs(10)).unwrap();
    let late = padr(client(1), vec![any_service(), cookie]);
    assert_refused_pads(server.handle_frame(&late, t0 + secs(10)), |tag| {
        matches!(tag, Tag::GenericError(_))
    });
    assert_eq!(server.counters().short_cycle_refused, 1);
    assert_eq!(server.session_count(), 0);
}

#[test]
fn a_session_that_lived_a_minute_and_link_loss_cause_no_lockout() {
    let (mut server, t0) = short_cycle_server();
    let session_id = connect_to(&mut server, client(1), any_service(), t0);
    server.handle_frame(&padt(client(1), session_id), t0 + secs(60));
    assert!(offer(&mut server, client(1), any_service(), t0 + secs(60)).is_some());
    connect_to(&mut server, client(2), any_service(), t0);
    server.link_down();
    assert!(offer(&mut server, client(2), any_service(), t0 + secs(1)).is_some());
    assert_eq!(server.counters().short_cycle_refused, 0);
}

#[test]
fn without_short_cycle_protection_a_client_reconnects_at_once() {
    let (mut server, t0) = server();
    let session_id = connect_to(&mut server, client(1), any_service(), t0);
    server.handle_frame(&padt(client(1), session_id), t0);
    assert!(offer(&mut server, client(1), any_service(), t0).is_some());
}

#[test]
fn short_cycle_table_stays_bounded_under_forged_macs() {
    let (mut server, t0) = server_with(|config| {
        config.short_cycle = Some(ShortCycleConfig {
            capacity: 64,
            ..ShortCycleConfig::default()
        })
    });
    for n in 0..2_000 {
        let session_id = connect_to(&mut server, client(n), any_service(), t0);
        server.handle_frame(&padt(client(n), session_id), t0);
    }
    assert_eq!(server.short_cycle.as_ref().unwrap().len(), 64);
    assert_eq!(server.session_count(), 0);
    // The newest stay locked out; a legitimate newcomer still gets through.
    assert_eq!(offer(&mut server, client(1_999), any_service(), t0), None);
    connect_to(&mut server, client(5_000), any_service(), t0);
}

#[test]
fn drop_action_ignores_the_padi_and_refuses_the_padr() {
    let (mut server, now) = table_server(vec![
        service("internet", ServiceAction::Terminate),
        service("blocked", ServiceAction::Drop),
    ]);
    assert_eq!(offer(&mut server, client(1), named("blocked"), now), None);
    assert_eq!(server.counters().service_name_dropped, 1);
    // A dropped service is not listed among those a PADO offers.
    let (_, _, tags, ..) =
        reply(server.handle_frame(&padi(client(1), vec![named("internet")]), now));
    assert!(!tags.contains(&named("blocked")));
    let cookie = cookie_of(&tags);
    assert_refused_pads(
        server.handle_frame(&padr(client(1), vec![named("blocked"), cookie]), now),
        |tag| matches!(tag, Tag::ServiceNameError(_)),
    );
    assert_eq!(server.counters().service_name_dropped, 2);
    assert_eq!(server.session_count(), 0);
}

#[test]
fn delay_action_sends_the_pado_when_the_delay_has_passed() {
    let (mut server, t0) = table_server(vec![service("slow", ServiceAction::Delay(3))]);
    let request = padi(client(1), vec![named("slow"), host_uniq(1)]);
    assert_eq!(server.handle_frame(&request, t0), Handled::Nothing);
    assert_eq!(server.poll_timeout(), Some(t0 + secs(3)));
    // The client repeats its PADI: still one PADO.
    assert_eq!(
        server.handle_frame(&request, t0 + secs(1)),
        Handled::Nothing
    );
    assert_eq!(server.counters().padi_while_delayed, 1);

    server.handle_timeout(t0 + secs(2));
    assert_eq!(server.poll_transmit(), None);
    server.handle_timeout(t0 + secs(3));
    let pado = server.poll_transmit().expect("the delayed PADO");
    assert_eq!(server.poll_transmit(), None);
    assert_eq!(server.poll_timeout(), None);
    let (code, _, tags, dst, _) = reply(Handled::Reply(pado));
    assert_eq!((code, dst), (Code::Pado, client(1)));
    assert!(tags.contains(&host_uniq(1)));
    let counters = server.counters();
    assert_eq!((counters.pado_delayed, counters.pado_sent), (1, 1));

    let padr = padr(
        client(1),
        vec![named("slow"), host_uniq(1), cookie_of(&tags)],
    );
    let (code, session_id, ..) = reply(server.handle_frame(&padr, t0 + secs(4)));
    assert_eq!(code, Code::Pads);
    assert_ne!(session_id, 0);
}

#[test]
fn delayed_padis_are_bounded_and_dropped_by_drain() {
    let (mut server, t0) = server_with(|config| {
        config.delayed_pado_capacity = 5;
        config.service_table = Some(table(vec![service("slow", ServiceAction::Delay(2))]))
    });
    for n in 0..10 {
        assert_eq!(offer(&mut server, client(n), named("slow"), t0), None);
    }
    let counters = server.counters();
    assert_eq!(
        (counters.pado_delayed, counters.pado_delay_queue_full),
        (5, 5)
    );
    server.set_accepting(false);
    assert_eq!(server.counters().draining_refused, 5);
    server.handle_timeout(t0 + secs(2));
    assert_eq!(server.poll_transmit(), None);
    assert_eq!(server.counters().pado_sent, 0);
}

#[test]
fn service_max_sessions_limits_that_service_only() {
    let mut gold = service("gold", ServiceAction::Terminate);
    gold.max_sessions = Some(1);
    let (mut server, now) = table_server(vec![gold, service("internet", ServiceAction::Terminate)]);
    // A cookie fetched while gold still had room.
    let cookie = offer(&mut server, client(2), named("gold"), now).unwrap();
    let first = connect_to(&mut server, client(1), named("gold"), now);
    assert_eq!(offer(&mut server, client(2), named("gold"), now), None);
    assert_refused_pads(
        server.handle_frame(&padr(client(2), vec![named("gold"), cookie]), now),
        |tag| matches!(tag, Tag::AcSystemError(_)),
    );
    assert_eq!(server.counters().service_max_sessions_refused, 2);
    connect_to(&mut server, client(3), named("internet"), now);

    // The slot is freed with the session.
    server.handle_frame(&padt(client(1), first), now);
    connect_to(&mut server, client(2), named("gold"), now);
    assert_eq!(server.service_sessions(&ServiceName::from_key("gold")), 1);
}

#[test]
fn any_and_empty_entries_decide_unlisted_and_zero_length_names() {
    let (mut server, now) = table_server(vec![
        service("any", ServiceAction::Terminate),
        service("empty", ServiceAction::Drop),
    ]);
    assert!(offer(&mut server, client(1), named("whatever"), now).is_some());
    // A name that is not UTF-8 can only be `any`'s.
    assert!(offer(
        &mut server,
        client(1),
        Tag::ServiceName(vec![0xff, 0xfe]),
        now
    )
    .is_some());
    assert_eq!(offer(&mut server, client(1), any_service(), now), None);
    assert_eq!(server.counters().service_name_dropped, 1);

    // Neither configured: `empty` terminates and `any` drops (a list of names is a whitelist).
    server.set_service_table(Some(table(vec![service("voip", ServiceAction::Terminate)])));
    assert!(offer(&mut server, client(1), any_service(), now).is_some());
    assert_eq!(offer(&mut server, client(1), named("whatever"), now), None);
    assert_eq!(server.counters().service_name_refused, 1);
}

#[test]
fn a_new_table_counts_the_live_sessions_against_its_limits() {
    let (mut server, now) = server();
    connect_to(&mut server, client(1), named("gold"), now);
    let mut gold = service("gold", ServiceAction::Terminate);
    gold.max_sessions = Some(1);
    server.set_service_table(Some(table(vec![gold])));
    assert_eq!(offer(&mut server, client(2), named("gold"), now), None);
    assert_eq!(server.counters().service_max_sessions_refused, 1);
    assert_eq!(server.session_count(), 1);
}

#[test]
fn drain_refuses_new_subscribers_and_lets_sessions_in_progress_finish() {
    let (mut server, now) = server();
    let first_padr = padr_after_padi(&mut server, client(1), 1, now);
    let granted = reply(server.handle_frame(&first_padr, now));
    let session_id = granted.1;
    let cookie = offer(&mut server, client(2), any_service(), now).unwrap();

    server.set_accepting(false);
    assert!(!server.is_accepting());
    assert_eq!(offer(&mut server, client(3), any_service(), now), None);
    assert_refused_pads(
        server.handle_frame(&padr(client(2), vec![any_service(), cookie]), now),
        |tag| matches!(tag, Tag::AcSystemError(_)),
    );
    assert_eq!(server.counters().draining_refused, 2);
    // The session in progress: its PADS again if its PADR is repeated, its frames, its end.
    assert_eq!(reply(server.handle_frame(&first_padr, now)), granted);
    let lcp = [0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 0, 0, 0, 1];
    let data = session_data(client(1), session_id, &lcp);
    assert!(matches!(
        server.handle_frame(&data, now),
        Handled::SessionPpp { .. }
    ));
    assert_eq!(server.session_count(), 1);

    server.set_accepting(true);
    connect_to(&mut server, client(3), any_service(), now);
}

#[test]
fn a_unit_mtu_below_1492_caps_every_session() {
    let (mut server, now) = server_with(|config| config.max_payload = 1400);
    let (_, _, tags, ..) = reply(server.handle_frame(
        &padi(client(1), vec![any_service(), Tag::PppMaxPayload(1500)]),
        now,
    ));
    // Nothing above 1492 to agree on: no PPP-Max-Payload tag (RFC 4638 §4).
    assert!(!tags.iter().any(|t| matches!(t, Tag::PppMaxPayload(_))));
    let padr = padr(
        client(1),
        vec![any_service(), Tag::PppMaxPayload(1500), cookie_of(&tags)],
    );
    let (_, session_id, tags, ..) = reply(server.handle_frame(&padr, now));
    assert!(!tags.iter().any(|t| matches!(t, Tag::PppMaxPayload(_))));
    assert_eq!(server.session(session_id).unwrap().max_payload, 1400);
}
