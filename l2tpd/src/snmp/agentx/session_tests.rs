use std::str::FromStr;

use agentx::encodings::{SearchRange, SearchRangeList};
use agentx::pdu::{Get, GetBulk, GetNext};

use super::*;

/// The crate keeps sub-identifiers private; its text form is the way out.
fn id_oid(id: &ID) -> Vec<u32> {
    id.to_string()
        .split('.')
        .filter(|s| !s.is_empty())
        .map(|s| u32::from_str(s).unwrap_or(0))
        .collect()
}
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
    registered_answering(&[0, 0, 0])
}

/// A session through Open and JNX-L2TP-MIB's Register, then IF-MIB's three Registers, each
/// answered with the error in `if_mib_errors` (0: accepted).
fn registered_answering(if_mib_errors: &[u16; 3]) -> Session {
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
    let mut answered = register_header.packet_id;
    for (subtree, error) in crate::snmp::if_mib::AGENTX_SUBTREES
        .iter()
        .zip(if_mib_errors)
    {
        let next = session
            .handle(&master_response(42, answered, 0), &view(), 0)
            .expect("going on")
            .expect("the next Register");
        assert!(session.registered(), "JNX-L2TP-MIB is served meanwhile");
        let header = Header::from_bytes(&next).expect("register header");
        assert_eq!((header.ty, header.session_id), (Type::Register, 42));
        let parsed = Register::from_bytes(&next).expect("register parses");
        assert_eq!(id_oid(&parsed.subtree), *subtree);
        answered = header.packet_id;
        if *error != 0 {
            // The answer to this Register carries the error: sent by the next round.
            let next = session
                .handle(&master_response(42, answered, *error), &view(), 0)
                .expect("a refused IF-MIB subtree is no reason to reset");
            let Some(next) = next else {
                return session;
            };
            answered = Header::from_bytes(&next).expect("header").packet_id;
            let parsed = Register::from_bytes(&next).expect("register parses");
            assert_ne!(id_oid(&parsed.subtree), *subtree);
            // Accept the rest.
            while let Some(more) = session
                .handle(&master_response(42, answered, 0), &view(), 0)
                .expect("going on")
            {
                answered = Header::from_bytes(&more).expect("header").packet_id;
            }
            assert!(session.registered());
            return session;
        }
    }
    let done = session
        .handle(&master_response(42, answered, 0), &view(), 0)
        .expect("registered");
    assert_eq!(done, None, "nothing more to register");
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
fn open_then_register_the_jnx_l2tp_subtree_then_if_mib() {
    registered();
}

/// A master with its own IF-MIB refuses the subtrees as duplicates (RFC 2741 error 263,
/// duplicateRegistration): the session stays registered and serves JNX-L2TP-MIB.
#[test]
fn a_refused_if_mib_subtree_keeps_the_session() {
    const DUPLICATE_REGISTRATION: u16 = 263;
    let mut session = registered_answering(&[DUPLICATE_REGISTRATION, 0, 0]);
    assert!(session.registered());
    let ping = session.ping().expect("alive");
    assert!(ping.is_some(), "pings as a registered session does");
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

mod walks {
    use proptest::prelude::*;
    use rasn::types::{Integer, ObjectIdentifier, OctetString};
    use rasn_snmp::v2::{BulkPdu, GetBulkRequest, Pdus, VarBind, VarBindValue};
    use rasn_snmp::v2c::Message;

    use super::*;
    use crate::snmp::agent::{Agent, AgentConfig, Community};
    use crate::snmp::view::tests::{at, every_instance, snapshot_of};

    fn big_view() -> View {
        View::new(snapshot_of(3, 4), at(2_000))
    }

    fn r(start: &[u32], include: bool, end: &[u32]) -> Range {
        Range {
            start: start.to_vec(),
            include,
            end: end.to_vec(),
        }
    }

    fn bulk(non_repeaters: u16, max_repetitions: u16, ranges: Vec<Range>) -> Request {
        Request {
            kind: Kind::GetBulk {
                non_repeaters,
                max_repetitions,
            },
            ranges,
        }
    }

    fn names(bindings: &[(Vec<u32>, Binding)]) -> Vec<Vec<u32>> {
        bindings.iter().map(|(n, _)| n.clone()).collect()
    }

    /// The instance names after `oid`, from the oracle.
    fn after(view: &View, oid: &[u32], count: usize) -> Vec<Vec<u32>> {
        every_instance(view)
            .into_iter()
            .map(|(n, _)| n)
            .filter(|n| n.as_slice() > oid)
            .take(count)
            .collect()
    }

    #[test]
    fn get_bulk_repeats_row_by_row_after_its_non_repeaters() {
        let view = big_view();
        let user = mibs::JNX_L2TP_SESSION_STATS_USER_NAME;
        let state = mibs::JNX_L2TP_TUNNEL_STATS_STATE;
        let answer = answer(
            &view,
            &bulk(
                1,
                3,
                vec![
                    r(mibs::JNX_L2TP, false, &[]),
                    r(user, false, &[]),
                    r(state, false, &[]),
                ],
            ),
        );
        let users = after(&view, user, 3);
        let states = after(&view, state, 3);
        let expected: Vec<Vec<u32>> = [after(&view, mibs::JNX_L2TP, 1)]
            .into_iter()
            .flatten()
            .chain((0..3).flat_map(|i| [users[i].clone(), states[i].clone()]))
            .collect();
        assert_eq!(names(&answer), expected);
        assert!(answer.iter().all(|(_, b)| matches!(b, Binding::Value(_))));
    }

    #[test]
    fn get_bulk_caps_repetitions_and_stops_at_the_end_of_the_view() {
        let view = big_view();
        let all = every_instance(&view);
        // Capped at the embedded agent's 100.
        let answer = answer(&view, &bulk(0, 5_000, vec![r(mibs::JNX_L2TP, false, &[])]));
        assert_eq!(names(&answer), after(&view, mibs::JNX_L2TP, 100));
        // Three before the end: three values, then one endOfMibView named by the last.
        let third_last = all[all.len() - 4].0.clone();
        let answer = answer_of(&view, bulk(0, 10, vec![r(&third_last, false, &[])]));
        assert_eq!(answer.len(), 4);
        assert_eq!(
            answer.last(),
            Some(&(all[all.len() - 1].0.clone(), Binding::EndOfMibView))
        );
        // No repeaters, max-repetitions 0: the non-repeaters only.
        let answer = answer_of(&view, bulk(2, 0, vec![r(&third_last, true, &[]); 3]));
        assert_eq!(names(&answer), vec![third_last.clone(), third_last]);
    }

    fn answer_of(view: &View, request: Request) -> Vec<(Vec<u32>, Binding)> {
        answer(view, &request)
    }

    #[test]
    fn a_range_ends_at_a_table_edge() {
        let view = big_view();
        // Walk the tunnel table bounded by the session table: its last instance, then
        // endOfMibView named by that instance (where the repetition searched from), never a
        // session.
        let tunnels = mibs::JNX_L2TP_TUNNEL_STATS_ENTRY;
        let sessions = mibs::JNX_L2TP_SESSION_STATS_ENTRY;
        let in_tunnels: Vec<Vec<u32>> = every_instance(&view)
            .into_iter()
            .map(|(n, _)| n)
            .filter(|n| n.starts_with(tunnels))
            .collect();
        let last = in_tunnels.last().expect("tunnel instances").clone();
        let before_last = in_tunnels[in_tunnels.len() - 2].clone();
        let answer = answer_of(&view, bulk(0, 5, vec![r(&before_last, false, sessions)]));
        assert_eq!(
            answer,
            vec![
                (last.clone(), answer[0].1.clone()),
                (last.clone(), Binding::EndOfMibView)
            ]
        );
        assert!(matches!(answer[0].1, Binding::Value(_)));
        // GetNext with an end bound that excludes the next instance.
        let next = Request {
            kind: Kind::GetNext,
            ranges: vec![r(&last, false, sessions)],
        };
        assert_eq!(answer_of(&view, next), vec![(last, Binding::EndOfMibView)]);
    }

    #[test]
    fn a_walk_is_recognised_by_its_continuation() {
        let mut session = registered();
        let view = big_view();
        let first = Request {
            kind: Kind::GetNext,
            ranges: vec![r(mibs::JNX_L2TP, false, &[])],
        };
        assert!(!session.continues_walk(&first));
        let mut next = GetNext::new(SearchRangeList(vec![range(mibs::JNX_L2TP, false, &[])]));
        next.header = wire::header(Type::GetNext, 42, 0, 20);
        session
            .handle(&next.to_bytes().expect("next"), &view, 0)
            .expect("ok");
        let answered = after(&view, mibs::JNX_L2TP, 1).remove(0);
        let step = Request {
            kind: Kind::GetNext,
            ranges: vec![r(&answered, false, &[])],
        };
        assert!(session.continues_walk(&step));
        assert!(!session.continues_walk(&first));

        // Two columns side by side (snmptable's way): the walk goes on only when both
        // ranges start at the previous answer's two names.
        let (user, state) = (
            mibs::JNX_L2TP_SESSION_STATS_USER_NAME,
            mibs::JNX_L2TP_SESSION_STATS_STATE,
        );
        let mut pair = GetNext::new(SearchRangeList(vec![
            range(user, false, &[]),
            range(state, false, &[]),
        ]));
        pair.header = wire::header(Type::GetNext, 42, 0, 21);
        session
            .handle(&pair.to_bytes().expect("pair"), &view, 0)
            .expect("ok");
        let (user_1, state_1) = (
            after(&view, user, 1).remove(0),
            after(&view, state, 1).remove(0),
        );
        let both = Request {
            kind: Kind::GetNext,
            ranges: vec![r(&user_1, false, &[]), r(&state_1, false, &[])],
        };
        assert!(session.continues_walk(&both));
        let one = Request {
            kind: Kind::GetNext,
            ranges: vec![r(&user_1, false, &[])],
        };
        assert!(!session.continues_walk(&one));
        let swapped = Request {
            kind: Kind::GetNext,
            ranges: vec![r(&state_1, false, &[]), r(&user_1, false, &[])],
        };
        assert!(!session.continues_walk(&swapped));
    }

    /// snmpbulkwalk against the embedded agent: GetBulk of `max_repetitions` from the last
    /// name until it leaves jnxL2tp.
    fn embedded_walk(view: &View, max_repetitions: u32) -> Vec<Vec<u32>> {
        let mut agent = Agent::new(AgentConfig {
            communities: vec![Community {
                name: "public".into(),
                ..Community::default()
            }],
        });
        let manager = "127.0.6.9:40000".parse().expect("address");
        let mut from = mibs::JNX_L2TP.to_vec();
        let mut out = Vec::new();
        loop {
            let request = rasn::ber::encode(&Message {
                version: Integer::from(1),
                community: OctetString::from(b"public".to_vec()),
                data: Pdus::GetBulkRequest(GetBulkRequest(BulkPdu {
                    request_id: 1,
                    non_repeaters: 0,
                    max_repetitions,
                    variable_bindings: vec![VarBind {
                        name: ObjectIdentifier::new_unchecked(from.clone().into()),
                        value: VarBindValue::Unspecified,
                    }],
                })),
            })
            .expect("encode");
            let answer = agent.handle(manager, &request, view).expect("answered");
            let message: Message<Pdus> = rasn::ber::decode(&answer).expect("decode");
            let Pdus::Response(response) = message.data else {
                panic!("not a response")
            };
            for binding in response.0.variable_bindings {
                let name: Vec<u32> = binding.name.to_vec();
                if binding.value == VarBindValue::EndOfMibView || !name.starts_with(mibs::JNX_L2TP)
                {
                    return out;
                }
                out.push(name.clone());
                from = name;
            }
        }
    }

    /// net-snmp's way through snmpd: one GetNext per step, each from the last answer.
    fn agentx_get_next_walk(session: &mut Session, view: &View) -> Vec<Vec<u32>> {
        let mut from = mibs::JNX_L2TP.to_vec();
        let mut out = Vec::new();
        for packet_id in 100.. {
            let mut next = GetNext::new(SearchRangeList(vec![range(&from, false, &[])]));
            next.header = wire::header(Type::GetNext, 42, 0, packet_id);
            let answer = session
                .handle(&next.to_bytes().expect("next"), view, 0)
                .expect("ok")
                .expect("answer");
            let (ty, name) = names_and_types(&answer).remove(0);
            if ty == 130 {
                return out;
            }
            assert!(session.continues_walk(&Request {
                kind: Kind::GetNext,
                ranges: vec![r(&name, false, &[])]
            }));
            out.push(name.clone());
            from = name;
        }
        out
    }

    fn agentx_bulk_walk(view: &View, sizes: &[u16]) -> Vec<Vec<u32>> {
        let mut from = mibs::JNX_L2TP.to_vec();
        let mut out = Vec::new();
        for size in sizes.iter().cycle() {
            let answer = answer_of(view, bulk(0, *size, vec![r(&from, false, &[])]));
            for (name, binding) in answer {
                if binding == Binding::EndOfMibView {
                    return out;
                }
                out.push(name.clone());
                from = name;
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// A walk by GetNext and by GetBulk of random sizes gives what the embedded agent's
        /// bulk walk gives, in order, with the view's values.
        #[test]
        fn agentx_walks_match_the_embedded_agent(
            tunnels in 0u16..4,
            sessions in 0u16..6,
            sizes in proptest::collection::vec(1u16..150, 1..6),
            embedded_repetitions in 1u32..120,
        ) {
            let view = View::new(snapshot_of(tunnels, sessions), at(2_000));
            let embedded = embedded_walk(&view, embedded_repetitions);
            let oracle: Vec<Vec<u32>> =
                every_instance(&view).into_iter().map(|(n, _)| n).collect();
            prop_assert_eq!(&embedded, &oracle);
            let mut session = registered();
            prop_assert_eq!(&agentx_get_next_walk(&mut session, &view), &embedded);
            prop_assert_eq!(&agentx_bulk_walk(&view, &sizes), &embedded);
        }
    }
}
