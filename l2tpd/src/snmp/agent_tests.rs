use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use proptest::prelude::*;
use rasn_snmp::v2::{GetBulkRequest, GetNextRequest, GetRequest, SetRequest, Trap};

use super::*;
use crate::snmp::view::tests::{at, session, snapshot};

/// Captured from net-snmp 5.9: `snmpget -v2c -c public 127.0.6.1:PORT
/// .1.3.6.1.4.1.2636.3.49.1.1.3.1.26.17967`.
const SNMPGET_V2C: &str = "303202010104067075626c6963a025020466dcc36d0201000201003017301506112b06010401944c0331010103011a818c2f0500";
/// `snmpbulkget -v2c -c public -Cn1 -Cr10 ... .1.3.6.1.4.1.2636.3.49.1.1.1.1
/// .1.3.6.1.4.1.2636.3.49.1.1.3`.
const SNMPBULKGET_V2C: &str = "304002010104067075626c6963a53302047e5c144902010102010a30253011060d2b06010401944c03310101010105003010060c2b06010401944c03310101030500";
/// `snmpget -v1 -c public ... .1.3.6.1.4.1.2636.3.49.1.1.1.1.1.0`.
const SNMPGET_V1: &str = "303002010004067075626c6963a023020473be852802010002010030153013060f2b06010401944c03310101010101000500";

fn bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

fn manager() -> SocketAddr {
    SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 6, 9)), 40000)
}

fn agent() -> Agent {
    Agent::new(AgentConfig {
        communities: vec![Community {
            name: "public".into(),
            clients: vec![ClientPrefix {
                address: IpAddr::V4(Ipv4Addr::new(127, 0, 6, 0)),
                length: 24,
            }],
            ..Community::default()
        }],
    })
}

fn view() -> View {
    View::new(snapshot(true), at(2_000))
}

fn response(datagram: &[u8]) -> Pdu {
    let message: Message<Pdus> = rasn::ber::decode(datagram).expect("a v2c message");
    assert_eq!(message.version, Integer::from(1));
    assert_eq!(message.community.as_ref(), b"public");
    match message.data {
        Pdus::Response(Response(pdu)) => pdu,
        other => panic!("not a Response: {other:?}"),
    }
}

fn request(pdu: Pdus, community: &str) -> Vec<u8> {
    rasn::ber::encode(&Message {
        version: Integer::from(1),
        community: OctetString::from(community.as_bytes().to_vec()),
        data: pdu,
    })
    .expect("encodes")
}

fn oid(arcs: &[u32]) -> ObjectIdentifier {
    ObjectIdentifier::new(arcs.to_vec()).expect("valid OID")
}

fn binding(arcs: &[u32]) -> VarBind {
    VarBind {
        name: oid(arcs),
        value: VarBindValue::Unspecified,
    }
}

fn pdu(request_id: i32, names: &[&[u32]]) -> Pdu {
    Pdu {
        request_id,
        error_status: 0,
        error_index: 0,
        variable_bindings: names.iter().map(|n| binding(n)).collect(),
    }
}

fn counter32(v: u32) -> VarBindValue {
    VarBindValue::Value(ObjectSyntax::ApplicationWide(ApplicationSyntax::Counter(
        Counter(v),
    )))
}

#[test]
fn answers_net_snmps_get() {
    let mut agent = agent();
    let answer = agent
        .handle(manager(), &bytes(SNMPGET_V2C), &view())
        .expect("answered");
    let pdu = response(&answer);
    assert_eq!(pdu.request_id, 0x66dc_c36d);
    assert_eq!(pdu.error_status, Pdu::ERROR_STATUS_NO_ERROR);
    assert_eq!(pdu.variable_bindings.len(), 1);
    let mut data_tx = mibs::JNX_L2TP_TUNNEL_STATS_DATA_TX_PKTS.to_vec();
    data_tx.push(17967);
    assert_eq!(&pdu.variable_bindings[0].name[..], data_tx.as_slice());
    assert_eq!(pdu.variable_bindings[0].value, counter32(50));
    assert_eq!(agent.counters().out_responses, 1);
}

#[test]
fn answers_net_snmps_bulk_get_row_by_row() {
    let mut agent = agent();
    let answer = agent
        .handle(manager(), &bytes(SNMPBULKGET_V2C), &view())
        .expect("answered");
    let pdu = response(&answer);
    let names: Vec<Vec<u32>> = pdu
        .variable_bindings
        .iter()
        .map(|b| b.name.to_vec())
        .collect();
    let column = |c: &[u32], tid: u32| [c, &[tid]].concat();
    let mut expected = vec![[mibs::JNX_L2TP_STATS_TOTAL_TUNNELS, &[0]].concat()];
    for c in [
        mibs::JNX_L2TP_TUNNEL_STATS_SERVICE_INTERFACE,
        mibs::JNX_L2TP_TUNNEL_STATS_TUNNEL_GROUP,
        mibs::JNX_L2TP_TUNNEL_STATS_REMOTE_TID,
    ] {
        expected.extend([column(c, 3), column(c, 400), column(c, 17967)]);
    }
    expected.push(column(mibs::JNX_L2TP_TUNNEL_STATS_REMOTE_IP_ADDR_TYPE, 3));
    assert_eq!(names, expected);
}

#[test]
fn snmpv1_is_dropped_and_counted() {
    let mut agent = agent();
    assert_eq!(agent.handle(manager(), &bytes(SNMPGET_V1), &view()), None);
    assert_eq!(agent.counters().bad_versions, 1);
}

#[test]
fn wrong_communities_and_unlisted_clients_are_ignored_and_counted() {
    let mut agent = agent();
    let get = request(
        Pdus::GetRequest(GetRequest(pdu(1, &[&[1, 3, 6]]))),
        "private",
    );
    assert_eq!(agent.handle(manager(), &get, &view()), None);
    let outsider = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 5, 1)), 161);
    assert_eq!(agent.handle(outsider, &bytes(SNMPGET_V2C), &view()), None);
    let counters = agent.counters();
    assert_eq!(counters.bad_community_names, 1);
    assert_eq!(counters.unlisted_clients, 1);
    assert_eq!(counters.out_responses, 0);
}

#[test]
fn client_prefixes_match_by_prefix_length() {
    let prefix = ClientPrefix {
        address: IpAddr::V4(Ipv4Addr::new(127, 0, 6, 128)),
        length: 25,
    };
    assert!(prefix.contains(IpAddr::V4(Ipv4Addr::new(127, 0, 6, 200))));
    assert!(!prefix.contains(IpAddr::V4(Ipv4Addr::new(127, 0, 6, 1))));
    assert!(prefix.contains("::ffff:127.0.6.129".parse().expect("v6")));
    let any = ClientPrefix {
        address: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        length: 0,
    };
    assert!(any.contains(IpAddr::V4(Ipv4Addr::new(198, 18, 0, 1))));
}

#[test]
fn set_is_refused_with_no_access() {
    let mut agent = agent();
    let set = request(
        Pdus::SetRequest(SetRequest(pdu(7, &[mibs::JNX_L2TP_STATS_TOTAL_TUNNELS]))),
        "public",
    );
    let pdu = response(&agent.handle(manager(), &set, &view()).expect("answered"));
    assert_eq!(pdu.request_id, 7);
    assert_eq!(pdu.error_status, Pdu::ERROR_STATUS_NO_ACCESS);
    assert_eq!(pdu.error_index, 1);
    assert_eq!(agent.counters().set_requests, 1);
}

#[test]
fn get_reports_missing_objects_and_instances() {
    let mut agent = agent();
    let missing_row = [mibs::JNX_L2TP_TUNNEL_STATS_STATE, &[9]].concat();
    let get = request(
        Pdus::GetRequest(GetRequest(pdu(
            2,
            &[&[1, 3, 6, 1, 2, 1, 1, 5, 0], &missing_row],
        ))),
        "public",
    );
    let pdu = response(&agent.handle(manager(), &get, &view()).expect("answered"));
    assert_eq!(pdu.variable_bindings[0].value, VarBindValue::NoSuchObject);
    assert_eq!(pdu.variable_bindings[1].value, VarBindValue::NoSuchInstance);
    assert_eq!(agent.counters().no_such_names, 1);
}

#[test]
fn get_next_past_the_end_is_end_of_mib_view() {
    let mut agent = agent();
    let past = [1, 3, 6, 1, 4, 1, 2636, 4];
    let next = request(
        Pdus::GetNextRequest(GetNextRequest(pdu(3, &[&past]))),
        "public",
    );
    let pdu = response(&agent.handle(manager(), &next, &view()).expect("answered"));
    assert_eq!(pdu.variable_bindings[0].value, VarBindValue::EndOfMibView);
    assert_eq!(&pdu.variable_bindings[0].name[..], &past[..]);
}

/// A view with enough sessions that no answer can hold a whole table.
fn big_view() -> View {
    let mut snapshot = snapshot(true);
    snapshot.sessions = (1..=2000).map(|sid| session(3, sid, "east")).collect();
    View::new(snapshot, at(2_000))
}

#[test]
fn get_bulk_with_huge_max_repetitions_is_trimmed_to_fit() {
    let mut agent = agent();
    let bulk = request(
        Pdus::GetBulkRequest(GetBulkRequest(BulkPdu {
            request_id: 4,
            non_repeaters: 0,
            max_repetitions: u32::MAX,
            variable_bindings: vec![binding(mibs::JNX_L2TP_SESSION_STATS_USER_NAME)],
        })),
        "public",
    );
    let answer = agent
        .handle(manager(), &bulk, &big_view())
        .expect("answered");
    assert!(
        answer.len() <= MAX_RESPONSE_OCTETS,
        "{} octets",
        answer.len()
    );
    let pdu = response(&answer);
    assert_eq!(pdu.error_status, Pdu::ERROR_STATUS_NO_ERROR);
    assert!(
        (10..=usize::try_from(MAX_REPETITIONS).unwrap_or(usize::MAX))
            .contains(&pdu.variable_bindings.len()),
        "{} bindings",
        pdu.variable_bindings.len()
    );
    assert_eq!(agent.counters().too_bigs, 0);
}

#[test]
fn get_next_that_cannot_fit_is_too_big() {
    let mut agent = agent();
    // 60 names in a request under 1472 octets whose answers (user names, ~45 octets each)
    // need far more.
    let names: Vec<Vec<u32>> = (1..=60)
        .map(|sid| [mibs::JNX_L2TP_SESSION_STATS_USER_NAME, &[3, sid]].concat())
        .collect();
    let refs: Vec<&[u32]> = names.iter().map(Vec::as_slice).collect();
    let next = request(
        Pdus::GetNextRequest(GetNextRequest(pdu(5, &refs))),
        "public",
    );
    assert!(next.len() <= MAX_REQUEST_OCTETS, "{}", next.len());
    let pdu = response(
        &agent
            .handle(manager(), &next, &big_view())
            .expect("answered"),
    );
    assert_eq!(pdu.error_status, Pdu::ERROR_STATUS_TOO_BIG);
    assert!(pdu.variable_bindings.is_empty());
    assert_eq!(agent.counters().too_bigs, 1);
}

#[test]
fn oversized_and_unsupported_datagrams_are_dropped_and_counted() {
    let mut agent = agent();
    let view = view();
    assert_eq!(agent.handle(manager(), &vec![0x30; 1473], &view), None);
    let trap = request(Pdus::Trap(Trap(pdu(6, &[]))), "public");
    assert_eq!(agent.handle(manager(), &trap, &view), None);
    assert_eq!(agent.handle(manager(), b"\x30\x03\x02\x01", &view), None);
    let counters = agent.counters();
    assert_eq!(counters.oversized_requests, 1);
    assert_eq!(counters.unsupported_pdus, 1);
    assert_eq!(counters.asn_parse_errors, 1);
    assert_eq!(counters.in_packets, 3);
}

proptest! {
    #[test]
    fn arbitrary_datagrams_never_panic(datagram in proptest::collection::vec(any::<u8>(), 0..1600)) {
        let mut agent = agent();
        if let Some(answer) = agent.handle(manager(), &datagram, &view()) {
            prop_assert!(answer.len() <= MAX_RESPONSE_OCTETS);
        }
    }

    #[test]
    fn corrupted_captures_never_panic(
        which in 0usize..3,
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6),
        cut in any::<usize>(),
    ) {
        let mut datagram = bytes([SNMPGET_V2C, SNMPBULKGET_V2C, SNMPGET_V1][which]);
        for (at, xor) in flips {
            let len = datagram.len();
            if let Some(b) = datagram.get_mut(at % len) {
                *b ^= xor;
            }
        }
        datagram.truncate(cut % (datagram.len() + 1));
        let mut agent = agent();
        if let Some(answer) = agent.handle(manager(), &datagram, &view()) {
            prop_assert!(answer.len() <= MAX_RESPONSE_OCTETS);
        }
    }

    #[test]
    fn get_bulk_answers_always_fit(
        non_repeaters in any::<u32>(),
        max_repetitions in any::<u32>(),
        count in 0usize..40,
    ) {
        let names = vec![binding(mibs::JNX_L2TP_SESSION_STATS_TABLE); count];
        let bulk = request(Pdus::GetBulkRequest(GetBulkRequest(BulkPdu {
            request_id: 8,
            non_repeaters,
            max_repetitions,
            variable_bindings: names,
        })), "public");
        let mut agent = agent();
        let answer = agent.handle(manager(), &bulk, &big_view());
        let answer = answer.expect("a well-formed bulk request is answered");
        prop_assert!(answer.len() <= MAX_RESPONSE_OCTETS);
    }
}

#[test]
fn requests_are_counted_by_kind() {
    let mut agent = agent();
    let view = view();
    agent.handle(manager(), &bytes(SNMPGET_V2C), &view);
    agent.handle(manager(), &bytes(SNMPBULKGET_V2C), &view);
    agent.handle(manager(), &bytes(SNMPBULKGET_V2C), &view);
    let next = request(
        Pdus::GetNextRequest(GetNextRequest(pdu(3, &[&[1, 3, 6, 1, 4, 1, 2636]]))),
        "public",
    );
    for _ in 0..3 {
        agent.handle(manager(), &next, &view);
    }
    // A request with a wrong community never reaches the kind count.
    agent.handle(
        manager(),
        &request(Pdus::GetNextRequest(GetNextRequest(pdu(4, &[]))), "x"),
        &view,
    );
    let counters = agent.counters();
    assert_eq!(
        (
            counters.get_requests,
            counters.get_next_requests,
            counters.get_bulk_requests
        ),
        (1, 3, 2)
    );
    assert_eq!(counters.in_packets, 7);
    assert_eq!(counters.out_responses, 6);
    assert_eq!(counters.bad_community_names, 1);
}

/// `clients { 127.0.6.0/24; 127.0.6.9/32 restrict; }`: the longest prefix decides, and a
/// restricted client gets no answer (counted).
#[test]
fn restricted_clients_get_no_answer() {
    let prefix = |a: [u8; 4], length| ClientPrefix {
        address: IpAddr::V4(Ipv4Addr::from(a)),
        length,
    };
    let mut agent = Agent::new(AgentConfig {
        communities: vec![Community {
            name: "public".into(),
            clients: vec![prefix([127, 0, 6, 0], 24), prefix([127, 0, 6, 8], 30)],
            restricted: vec![prefix([127, 0, 6, 8], 31)],
            view: None,
        }],
    });
    let from = |last| SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 6, last)), 40000);
    let get = bytes(SNMPGET_V2C);
    assert!(agent.handle(from(9), &get, &view()).is_none());
    assert!(agent.handle(from(8), &get, &view()).is_none());
    assert_eq!(agent.counters().unlisted_clients, 2);
    // /30 beats the /31 restriction for .10; /24 lets .1 in.
    assert!(agent.handle(from(10), &get, &view()).is_some());
    assert!(agent.handle(from(1), &get, &view()).is_some());
    // IPv6 loopback, as `clients { ::1/128; }` writes it.
    let v6 = Community {
        name: "public".into(),
        clients: vec![ClientPrefix {
            address: "::1".parse().unwrap(),
            length: 128,
        }],
        ..Community::default()
    };
    let mut agent = Agent::new(AgentConfig {
        communities: vec![v6],
    });
    let source = SocketAddr::new("::1".parse().unwrap(), 40000);
    assert!(agent.handle(source, &get, &view()).is_some());
    assert!(agent.handle(from(1), &get, &view()).is_none());
    // `clients { 127.0.6.9/24; }`, host bits set as Juniper's pages write them: the /24.
    let mut agent = Agent::new(AgentConfig {
        communities: vec![Community {
            name: "public".into(),
            clients: vec![prefix([127, 0, 6, 9], 24)],
            ..Community::default()
        }],
    });
    assert!(agent.handle(from(1), &get, &view()).is_some());
    let other = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 7, 9)), 40000);
    assert!(agent.handle(other, &get, &view()).is_none());
}

/// `view V { oid 1.3.6.1.4.1.2636 include; oid <tunnel stats> exclude; }`: a Get outside
/// the view is noSuchObject, a GetNext skips what is outside, past the end endOfMibView.
#[test]
fn views_hide_what_they_exclude() {
    let excluded = mibs::JNX_L2TP_TUNNEL_STATS_DATA_TX_PKTS.to_vec();
    let mut agent = Agent::new(AgentConfig {
        communities: vec![Community {
            name: "public".into(),
            view: Some(MibView {
                subtrees: vec![
                    (vec![1, 3, 6, 1, 4, 1, 2636], true),
                    (excluded.clone(), false),
                ],
            }),
            ..Community::default()
        }],
    });
    let pdu = response(
        &agent
            .handle(manager(), &bytes(SNMPGET_V2C), &view())
            .expect("answered"),
    );
    assert_eq!(pdu.variable_bindings[0].value, VarBindValue::NoSuchObject);

    let next = request(
        Pdus::GetNextRequest(GetNextRequest(pdu_of(&excluded))),
        "public",
    );
    let pdu = response(&agent.handle(manager(), &next, &view()).expect("answered"));
    let name = &pdu.variable_bindings[0].name[..];
    assert!(!name.starts_with(&excluded), "{name:?}");
    assert_ne!(pdu.variable_bindings[0].value, VarBindValue::EndOfMibView);

    // A view of one subtree the MIB does not have: the walk ends at once.
    let mut agent = Agent::new(AgentConfig {
        communities: vec![Community {
            name: "public".into(),
            view: Some(MibView {
                subtrees: vec![(vec![1, 3, 6, 1, 2, 1, 1], true)],
            }),
            ..Community::default()
        }],
    });
    let start = [1, 3, 6, 1];
    let next = request(
        Pdus::GetNextRequest(GetNextRequest(pdu_of(&start))),
        "public",
    );
    let pdu = response(&agent.handle(manager(), &next, &view()).expect("answered"));
    assert_eq!(pdu.variable_bindings[0].value, VarBindValue::EndOfMibView);
}

fn pdu_of(name: &[u32]) -> Pdu {
    pdu(7, &[name])
}

/// What every poller sends first: a Get of sysDescr.0, sysObjectID.0 (an OBJECT IDENTIFIER
/// on the wire), sysUpTime.0 and sysName.0; then a GetBulk from sysLocation.0 that crosses
/// into IF-MIB.
#[test]
fn the_system_group_is_answered_and_walked_into_if_mib() {
    let mut snapshot = snapshot(true);
    snapshot.system = Some(crate::snmp::system::tests::group());
    snapshot.interfaces = vec![crate::snmp::snapshot::InterfaceRow {
        name: "si-0/0/0".into(),
        if_index: 4,
        ..Default::default()
    }];
    let view = View::new(snapshot, at(2_000));
    let sys = |n: u32| vec![1, 3, 6, 1, 2, 1, 1, n, 0];
    let mut agent = agent();
    let get = request(
        Pdus::GetRequest(GetRequest(pdu(7, &[&sys(1), &sys(2), &sys(3), &sys(5)]))),
        "public",
    );
    let answer = response(&agent.handle(manager(), &get, &view).expect("answered"));
    let values: Vec<VarBindValue> = answer
        .variable_bindings
        .into_iter()
        .map(|b| b.value)
        .collect();
    assert_eq!(
        values,
        [
            VarBindValue::Value(ObjectSyntax::Simple(SimpleSyntax::String(
                b"BNG east".to_vec().into()
            ))),
            VarBindValue::Value(ObjectSyntax::Simple(SimpleSyntax::ObjectId(oid(&[0, 0])))),
            VarBindValue::Value(ObjectSyntax::ApplicationWide(ApplicationSyntax::Ticks(
                TimeTicks(1_234)
            ))),
            VarBindValue::Value(ObjectSyntax::Simple(SimpleSyntax::String(
                b"bng1".to_vec().into()
            ))),
        ]
    );

    let bulk = request(
        Pdus::GetBulkRequest(GetBulkRequest(BulkPdu {
            request_id: 8,
            non_repeaters: 0,
            max_repetitions: 4,
            variable_bindings: vec![binding(&sys(6))],
        })),
        "public",
    );
    let answer = response(&agent.handle(manager(), &bulk, &view).expect("answered"));
    let names: Vec<Vec<u32>> = answer
        .variable_bindings
        .iter()
        .map(|b| b.name.to_vec())
        .collect();
    assert_eq!(
        names,
        [
            sys(7),
            vec![1, 3, 6, 1, 2, 1, 2, 1, 0],
            vec![1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 4],
            vec![1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 4],
        ]
    );
}
