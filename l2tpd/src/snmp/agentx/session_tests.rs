use agentx::encodings::SearchRangeList;

use super::*;
use crate::snmp::value::Value;
use crate::snmp::view::tests::{at, snapshot};

fn view() -> View {
    View::new(snapshot(true), at(2_000))
}

/// A master's Response to `packet_id` with `error`, in the master's (little-endian) order.
fn master_response(session_id: u32, packet_id: u32, error: u16) -> Vec<u8> {
    let mut header = Header::new(Type::Response);
    header.session_id = session_id;
    header.packet_id = packet_id;
    header.payload_length = 8;
    let mut pdu = header.to_bytes();
    pdu.extend_from_slice(&0u32.to_le_bytes());
    pdu.extend_from_slice(&error.to_le_bytes());
    pdu.extend_from_slice(&0u16.to_le_bytes());
    pdu
}

fn registered() -> Session {
    let (mut session, open) = Session::open();
    let open = Header::from_bytes(&open).expect("open header");
    assert_eq!(open.ty, Type::Open);
    let register = session
        .handle(&master_response(42, open.packet_id, 0), &view(), 0)
        .expect("open accepted")
        .expect("register sent");
    let register_header = Header::from_bytes(&register).expect("register header");
    assert_eq!(
        (register_header.ty, register_header.session_id),
        (Type::Register, 42)
    );
    let parsed = Register::from_bytes(&register).expect("register parses");
    assert_eq!(id_oid(&parsed.subtree), mibs::JNX_L2TP_MIB_ROOT);
    assert!(!session.registered());
    let done = session
        .handle(
            &master_response(42, register_header.packet_id, 0),
            &view(),
            0,
        )
        .expect("registered");
    assert_eq!(done, None);
    assert!(session.registered());
    session
}

fn range(start: &[u32], include: bool, end: &[u32]) -> SearchRange {
    let mut start = oid_id(start);
    start.include = u8::from(include);
    SearchRange::new(start, oid_id(end))
}

/// Reads the bindings of one of our Responses back: (type, name) pairs and the values of
/// the 32-bit ones, enough to check what was answered.
fn names_and_types(pdu: &[u8]) -> Vec<(u16, Vec<u32>)> {
    let mut rest = pdu.get(28..).expect("payload");
    let mut out = Vec::new();
    while rest.len() >= 8 {
        let ty = u16::from_be_bytes([rest[0], rest[1]]);
        let n = usize::from(rest[4]);
        let name: Vec<u32> = (0..n)
            .map(|i| {
                let at = 8 + 4 * i;
                u32::from_be_bytes([rest[at], rest[at + 1], rest[at + 2], rest[at + 3]])
            })
            .collect();
        let mut used = 8 + 4 * n;
        used += match ty {
            2 | 65 | 66 | 67 => 4,
            70 => 8,
            4 | 64 => {
                let len = u32::from_be_bytes([
                    rest[used],
                    rest[used + 1],
                    rest[used + 2],
                    rest[used + 3],
                ]) as usize;
                4 + len.div_ceil(4) * 4
            }
            _ => 0,
        };
        out.push((ty, name));
        rest = &rest[used..];
    }
    out
}

#[test]
fn open_then_register_the_jnx_l2tp_subtree() {
    registered();
}

#[test]
fn a_refused_open_or_registration_resets() {
    let (mut session, open) = Session::open();
    let open = Header::from_bytes(&open).expect("open");
    assert!(session
        .handle(&master_response(0, open.packet_id, 256), &view(), 0)
        .is_err());

    let (mut session, open) = Session::open();
    let open = Header::from_bytes(&open).expect("open");
    let register = session
        .handle(&master_response(3, open.packet_id, 0), &view(), 0)
        .expect("ok")
        .expect("register");
    let register = Header::from_bytes(&register).expect("register");
    // 263: duplicateRegistration.
    assert!(session
        .handle(&master_response(3, register.packet_id, 263), &view(), 0)
        .is_err());
}

#[test]
fn get_getnext_and_getbulk_answer_from_the_view() {
    let mut session = registered();
    let remote_tid = [mibs::JNX_L2TP_TUNNEL_STATS_REMOTE_TID, &[17967]].concat();

    let mut get = Get::new(SearchRangeList(vec![
        range(&remote_tid, false, &[]),
        range(&[1, 3, 6, 1, 2, 1, 1, 1, 0], false, &[]),
    ]));
    get.header = wire::header(Type::Get, 42, 5, 6);
    let answer = session
        .handle(&get.to_bytes().expect("get"), &view(), 0)
        .expect("ok")
        .expect("answer");
    let header = Header::from_bytes(&answer).expect("header");
    assert_eq!(
        (header.ty, header.transaction_id, header.packet_id),
        (Type::Response, 5, 6)
    );
    let bindings = names_and_types(&answer);
    assert_eq!(bindings[0], (2, remote_tid.clone()));
    assert_eq!(bindings[1].0, 128, "outside the tree: noSuchObject");

    // GetNext with include: the start itself; with an end before the next: endOfMibView.
    let mut next = GetNext::new(SearchRangeList(vec![
        range(&remote_tid, true, &[]),
        range(&remote_tid, false, &remote_tid),
    ]));
    next.header = wire::header(Type::GetNext, 42, 0, 7);
    let answer = session
        .handle(&next.to_bytes().expect("next"), &view(), 0)
        .expect("ok")
        .expect("answer");
    let bindings = names_and_types(&answer);
    assert_eq!(bindings[0], (2, remote_tid.clone()));
    assert_eq!(bindings[1], (130, remote_tid));

    // A huge max-repetitions is capped; the walk ends at the end of the view.
    let mut bulk = GetBulk::new(SearchRangeList(vec![range(mibs::JNX_L2TP, false, &[])]));
    bulk.max_repetitions = u16::MAX;
    bulk.header = wire::header(Type::GetBulk, 42, 0, 8);
    let answer = session
        .handle(&bulk.to_bytes().expect("bulk"), &view(), 0)
        .expect("ok")
        .expect("answer");
    let bindings = names_and_types(&answer);
    assert_eq!(bindings.len(), MAX_REPETITIONS as usize);
    assert!(bindings.windows(2).all(|w| w[0].1 < w[1].1), "in OID order");
    let first = view().get_next(mibs::JNX_L2TP).expect("first");
    assert_eq!(bindings[0].1, first.0);
    assert!(matches!(first.1, Value::Gauge32(_)));
}

#[test]
fn malformed_and_set_pdus_are_answered_or_counted_without_panic() {
    let mut session = registered();
    // A Get header whose payload is garbage: parseError.
    let garbage = wire::pdu(wire::header(Type::Get, 42, 0, 9), &[200, 0, 0, 0, 1]);
    let answer = session
        .handle(&garbage, &view(), 0)
        .expect("ok")
        .expect("answer");
    assert_eq!(wire::response_error(&answer), Some(wire::PARSE_ERROR));
    // Too short for a header: dropped.
    assert_eq!(session.handle(&[1, 2, 3], &view(), 0), Ok(None));
    let set = wire::pdu(wire::header(Type::TestSet, 42, 0, 10), &[]);
    let answer = session
        .handle(&set, &view(), 0)
        .expect("ok")
        .expect("answer");
    assert_eq!(wire::response_error(&answer), Some(wire::NOT_WRITABLE));
    let counters = session.counters();
    assert_eq!((counters.parse_errors, counters.set_requests), (2, 1));

    for length in 0..64 {
        let noise: Vec<u8> = (0..length).map(|i| (i * 37 + length) as u8).collect();
        let _ = session.handle(&noise, &view(), 0);
    }
}

#[test]
fn close_or_silent_pings_reset_the_session() {
    let mut session = registered();
    let close = wire::pdu(wire::header(Type::Close, 42, 0, 11), &[1, 0, 0, 0]);
    assert!(session.handle(&close, &view(), 0).is_err());

    let mut session = registered();
    for _ in 0..3 {
        let ping = session.ping().expect("alive").expect("ping");
        assert_eq!(Header::from_bytes(&ping).expect("ping").ty, Type::Ping);
    }
    assert!(session.ping().is_err(), "three pings unanswered");

    let mut session = registered();
    let ping = session.ping().expect("alive").expect("ping");
    let ping = Header::from_bytes(&ping).expect("ping");
    session
        .handle(&master_response(42, ping.packet_id, 0), &view(), 0)
        .expect("pong");
    for _ in 0..3 {
        assert!(session.ping().expect("alive").is_some());
    }
}
