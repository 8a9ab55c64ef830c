use super::*;
use crate::l2tp::wire::{DataHeader, DataMessage, OffsetPadLimit, Sequence};
use crate::pppoe::wire::{Body, Frame};

const CLIENT: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0x11]);
const OURS: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0x22]);
const LNS: &str = "127.31.7.2:1701";
/// LCP Echo-Request: relayed like any other PPP frame.
const LCP_ECHO: [u8; 10] = [0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 1, 2, 3, 4];

fn route(vlans: Vec<VlanTag>) -> RelayRoute {
    RelayRoute {
        call: SessionRef(7),
        port: Arc::from("eth1"),
        client: CLIENT,
        our_mac: OURS,
        vlans,
        pppoe_session: 0x0042,
        l2tp: RelayLeg {
            local_tunnel: 100,
            local_session: 200,
            peer_tunnel: 300,
            peer_session: 400,
            source: Ipv4Addr::new(127, 31, 7, 1),
            destination: LNS.parse().unwrap(),
        },
    }
}

fn qinq() -> Vec<VlanTag> {
    vec![VlanTag::dot1ad(0x2064), VlanTag::dot1q(0x0007)]
}

fn from_client(vlans: Vec<VlanTag>, ppp: &[u8]) -> Vec<u8> {
    Frame {
        dst: OURS,
        src: CLIENT,
        vlans,
        body: Body::Session {
            session_id: 0x0042,
            ppp,
        },
    }
    .to_bytes()
    .unwrap()
}

fn from_lns(header: DataHeader, ppp: &[u8]) -> Vec<u8> {
    DataMessage {
        header,
        payload: ppp,
    }
    .to_bytes()
    .unwrap()
}

fn to_us(sequence: Option<Sequence>, with_length: bool) -> DataHeader {
    DataHeader {
        tunnel_id: 100,
        session_id: 200,
        with_length,
        sequence,
        offset_pad: None,
        priority: false,
    }
}

#[test]
fn up_is_byte_for_byte_the_slow_path_s_data_message() {
    for vlans in [vec![], vec![VlanTag::dot1q(0x0064)], qinq()] {
        let mut table = RelayTable::default();
        table.install(route(vlans.clone()));
        let mut out = Vec::new();
        let target = table
            .relay_up("eth1", &from_client(vlans, &LCP_ECHO), &mut out)
            .expect("relayed");
        assert_eq!(target.destination, LNS.parse().unwrap());
        assert_eq!(target.source, Ipv4Addr::new(127, 31, 7, 1));
        let expected = DataMessage {
            header: DataHeader {
                tunnel_id: 300,
                session_id: 400,
                with_length: true,
                ..DataHeader::default()
            },
            payload: &LCP_ECHO,
        }
        .to_bytes()
        .unwrap();
        assert_eq!(out, expected);
        let parsed = DataMessage::parse(&out, OffsetPadLimit::default()).unwrap();
        assert_eq!(parsed.payload, &LCP_ECHO);
    }
}

#[test]
fn down_is_byte_for_byte_the_discovery_server_s_session_frame() {
    for vlans in [vec![], vec![VlanTag::dot1q(0x0064)], qinq()] {
        for with_length in [true, false] {
            let mut table = RelayTable::default();
            table.install(route(vlans.clone()));
            let mut out = vec![0xee; 3];
            let datagram = from_lns(to_us(None, with_length), &LCP_ECHO);
            let port = table
                .relay_down(LNS.parse().unwrap(), &datagram, &mut out)
                .expect("relayed");
            assert_eq!(&**port, "eth1");
            let expected = Frame {
                dst: CLIENT,
                src: OURS,
                vlans: vlans.clone(),
                body: Body::Session {
                    session_id: 0x0042,
                    ppp: &LCP_ECHO,
                },
            }
            .to_bytes()
            .unwrap();
            assert_eq!(out, expected);
        }
    }
}

#[test]
fn address_and_control_fields_from_the_lns_do_not_reach_the_pppoe_client() {
    let mut table = RelayTable::default();
    table.install(route(vec![]));
    let framed = [&[0xff, 0x03][..], &LCP_ECHO].concat();
    let datagram = from_lns(to_us(None, true), &framed);
    let mut out = Vec::new();
    table
        .relay_down(LNS.parse().unwrap(), &datagram, &mut out)
        .expect("relayed");
    let expected = Frame {
        dst: CLIENT,
        src: OURS,
        vlans: vec![],
        body: Body::Session {
            session_id: 0x0042,
            ppp: &LCP_ECHO,
        },
    }
    .to_bytes()
    .unwrap();
    assert_eq!(
        out, expected,
        "RFC 2516 §7: no 0xff 0x03 in a PPPoE session frame"
    );
}

#[test]
fn ethernet_padding_behind_the_pppoe_length_is_not_relayed() {
    let mut table = RelayTable::default();
    table.install(route(vec![]));
    let mut frame = from_client(vec![], &LCP_ECHO);
    frame.extend_from_slice(&[0; 20]);
    let mut out = Vec::new();
    table.relay_up("eth1", &frame, &mut out).expect("relayed");
    assert_eq!(
        DataMessage::parse(&out, OffsetPadLimit::default())
            .unwrap()
            .payload,
        &LCP_ECHO
    );
}

#[test]
fn what_is_not_an_established_session_s_data_takes_the_slow_path() {
    let mut table = RelayTable::default();
    table.install(route(vec![VlanTag::dot1q(0x0064)]));
    let mut out = Vec::new();
    let tagged = |vid| vec![VlanTag::dot1q(vid)];
    // Another port, another VLAN, another client, another session, not to our MAC.
    let good = from_client(tagged(0x0064), &LCP_ECHO);
    assert!(table.relay_up("eth2", &good, &mut out).is_none());
    assert!(table
        .relay_up("eth1", &from_client(tagged(0x0065), &LCP_ECHO), &mut out)
        .is_none());
    let mut other_client = good.clone();
    other_client[11] ^= 1;
    assert!(table.relay_up("eth1", &other_client, &mut out).is_none());
    let mut other_session = good.clone();
    other_session[21] ^= 1;
    assert!(table.relay_up("eth1", &other_session, &mut out).is_none());
    let mut not_ours = good.clone();
    not_ours[5] ^= 1;
    assert!(table.relay_up("eth1", &not_ours, &mut out).is_none());
    // A PADT on the session (0x8863) and a truncated frame.
    let mut padt = good.clone();
    padt[17] = 0x63;
    assert!(table.relay_up("eth1", &padt, &mut out).is_none());
    assert!(table
        .relay_up("eth1", &good[..good.len() - 1], &mut out)
        .is_none());
    assert!(table.relay_up("eth1", &good, &mut out).is_some());

    // Down: sequenced data (the session's Ns check must see it), control, a stranger,
    // another session, an offset pad, a lying length.
    let lns: SocketAddr = LNS.parse().unwrap();
    let sequenced = from_lns(to_us(Some(Sequence { ns: 0, nr: 0 }), true), &LCP_ECHO);
    assert!(table.relay_down(lns, &sequenced, &mut out).is_none());
    let control = [0xc8, 0x02, 0, 12, 0, 100, 0, 200, 0, 0, 0, 0];
    assert!(table.relay_down(lns, &control, &mut out).is_none());
    let good = from_lns(to_us(None, true), &LCP_ECHO);
    let stranger: SocketAddr = "127.31.7.3:1701".parse().unwrap();
    assert!(table.relay_down(stranger, &good, &mut out).is_none());
    let mut other_session = good.clone();
    other_session[7] ^= 1;
    assert!(table.relay_down(lns, &other_session, &mut out).is_none());
    let padded = from_lns(
        DataHeader {
            offset_pad: Some(2),
            ..to_us(None, true)
        },
        &LCP_ECHO,
    );
    assert!(table.relay_down(lns, &padded, &mut out).is_none());
    let mut lying = good.clone();
    lying[3] = 0xff;
    assert!(table.relay_down(lns, &lying, &mut out).is_none());
    assert!(table.relay_down(lns, &good, &mut out).is_some());
}

#[test]
fn counters_add_up_and_survive_until_taken() {
    let mut table = RelayTable::default();
    table.install(route(vec![]));
    let mut out = Vec::new();
    let lns: SocketAddr = LNS.parse().unwrap();
    for _ in 0..3 {
        table.relay_up("eth1", &from_client(vec![], &LCP_ECHO), &mut out);
    }
    table.relay_down(lns, &from_lns(to_us(None, true), &[0xc0, 0x21]), &mut out);
    let expected = RelayCounters {
        up_packets: 3,
        up_bytes: 30,
        down_packets: 1,
        down_bytes: 2,
    };
    assert_eq!(table.take_counters(), vec![(SessionRef(7), expected)]);
    assert_eq!(table.take_counters(), vec![]);
    table.relay_up("eth1", &from_client(vec![], &LCP_ECHO), &mut out);
    // Removal hands back what was not taken yet.
    assert_eq!(
        table.remove(SessionRef(7)),
        Some(RelayCounters {
            up_packets: 1,
            up_bytes: 10,
            ..RelayCounters::default()
        })
    );
    assert!(table.is_empty());
    assert!(table
        .relay_up("eth1", &from_client(vec![], &LCP_ECHO), &mut out)
        .is_none());
    assert!(table
        .relay_down(lns, &from_lns(to_us(None, true), &LCP_ECHO), &mut out)
        .is_none());
    assert_eq!(table.remove(SessionRef(7)), None);
}

#[test]
fn arbitrary_bytes_never_panic_and_never_hit_an_empty_table() {
    use proptest::prelude::*;
    proptest!(|(bytes in proptest::collection::vec(any::<u8>(), 0..80))| {
        let mut table = RelayTable::default();
        let mut out = Vec::new();
        prop_assert!(table.relay_up("eth1", &bytes, &mut out).is_none());
        prop_assert!(table.relay_down(LNS.parse().unwrap(), &bytes, &mut out).is_none());
        table.install(route(vec![]));
        let _ = table.relay_up("eth1", &bytes, &mut out);
        let _ = table.relay_down(LNS.parse().unwrap(), &bytes, &mut out);
    });
}

/// Subscriber `i` of many: port `eth{i % 3}`, a VLAN of its own on that port for odd `i`,
/// and PPPoE session IDs that repeat across ports and units (each unit's discovery server
/// numbers from 1), as a LAC with several ports and units sees them.
fn many(i: u16) -> RelayRoute {
    let vlans = if i % 2 == 1 {
        vec![VlanTag::dot1q(100 + i % 7)]
    } else {
        vec![]
    };
    RelayRoute {
        call: SessionRef(u64::from(i)),
        port: Arc::from(format!("eth{}", i % 3)),
        client: MacAddr([0x02, 0x5b, 0, 0, (i >> 8) as u8, i as u8]),
        our_mac: OURS,
        vlans,
        pppoe_session: 1 + i / 42,
        l2tp: RelayLeg {
            local_tunnel: 1 + i % 5,
            local_session: 1000 + i,
            peer_tunnel: 7,
            peer_session: 5000 + i,
            source: Ipv4Addr::new(127, 31, 7, 1),
            destination: SocketAddr::from((Ipv4Addr::new(127, 31, 8, (i % 5) as u8 + 1), 1701)),
        },
    }
}

fn frame_of(route: &RelayRoute) -> Vec<u8> {
    Frame {
        dst: route.our_mac,
        src: route.client,
        vlans: route.vlans.clone(),
        body: Body::Session {
            session_id: route.pppoe_session,
            ppp: &LCP_ECHO,
        },
    }
    .to_bytes()
    .unwrap()
}

fn datagram_of(route: &RelayRoute) -> Vec<u8> {
    from_lns(
        DataHeader {
            tunnel_id: route.l2tp.local_tunnel,
            session_id: route.l2tp.local_session,
            with_length: true,
            ..DataHeader::default()
        },
        &LCP_ECHO,
    )
}

/// 1,000 subscribers over three ports, their session IDs repeated across ports and units:
/// every frame reaches its own LNS session and every LNS datagram its own client, port and
/// tags; one removed mid-way leaves the others relaying and its own frames to the slow path.
#[test]
fn many_sessions_on_many_ports_each_find_their_own_entry_and_a_removal_touches_one() {
    let mut table = RelayTable::default();
    let routes: Vec<RelayRoute> = (0..1000).map(many).collect();
    for route in &routes {
        table.install(route.clone());
    }
    assert_eq!(table.len(), 1000);
    let mut out = Vec::new();
    let check_all = |table: &mut RelayTable, removed: Option<u16>, out: &mut Vec<u8>| {
        for (i, route) in routes.iter().enumerate() {
            let gone = removed == Some(i as u16);
            let up = table.relay_up(&route.port, &frame_of(route), out);
            if gone {
                assert!(up.is_none(), "removed {i} relayed up");
            } else {
                let target = up.unwrap_or_else(|| panic!("{i} not relayed up"));
                assert_eq!(target.destination, route.l2tp.destination);
                let message = DataMessage::parse(out, OffsetPadLimit::default()).unwrap();
                assert_eq!(message.header.tunnel_id, 7);
                assert_eq!(message.header.session_id, route.l2tp.peer_session);
            }
            let down = table
                .relay_down(route.l2tp.destination, &datagram_of(route), out)
                .cloned();
            if gone {
                assert!(down.is_none(), "removed {i} relayed down");
            } else {
                assert_eq!(down.as_deref(), Some(&*route.port), "{i}");
                let frame = Frame::parse(out).unwrap();
                assert_eq!(
                    (frame.dst, frame.vlans),
                    (route.client, route.vlans.clone())
                );
            }
        }
    };
    check_all(&mut table, None, &mut out);
    // Frames of one port never match another port's subscribers.
    assert!(table
        .relay_up("eth1", &frame_of(&routes[0]), &mut out)
        .is_none());

    // Removed between two frames of a batch: the batch goes on for the others.
    let sub = table.up_port("eth0").expect("eth0");
    assert!(sub.relay(&frame_of(&routes[3]), &mut out).is_some());
    assert_eq!(
        table.remove(SessionRef(3)),
        Some(RelayCounters {
            up_packets: 2,
            up_bytes: 20,
            down_packets: 1,
            down_bytes: 10,
        })
    );
    check_all(&mut table, Some(3), &mut out);
    let counted: u64 = table
        .take_counters()
        .iter()
        .map(|(_, c)| c.up_packets + c.down_packets)
        .sum();
    assert_eq!(counted, 999 * 4);

    for route in &routes {
        table.remove(route.call);
    }
    assert!(table.is_empty());
    assert!(
        table.up_port("eth0").is_none(),
        "an emptied port is dropped"
    );
}

/// A key reused by another call before the first was removed (the engine never does this;
/// the table must not be corrupted if it ever did): the newer call relays, and removing
/// the older takes nothing of the newer's.
#[test]
fn a_key_taken_over_by_another_call_is_not_removed_with_the_first() {
    let mut table = RelayTable::default();
    table.install(route(vec![]));
    let newer = RelayRoute {
        call: SessionRef(8),
        ..route(vec![])
    };
    table.install(newer);
    let mut out = Vec::new();
    let lns: SocketAddr = LNS.parse().unwrap();
    assert!(table
        .relay_up("eth1", &from_client(vec![], &LCP_ECHO), &mut out)
        .is_some());
    assert_eq!(table.remove(SessionRef(7)), Some(RelayCounters::default()));
    assert!(table
        .relay_up("eth1", &from_client(vec![], &LCP_ECHO), &mut out)
        .is_some());
    assert!(table
        .relay_down(lns, &from_lns(to_us(None, true), &LCP_ECHO), &mut out)
        .is_some());
    assert_eq!(
        table.take_counters(),
        vec![(
            SessionRef(8),
            RelayCounters {
                up_packets: 2,
                up_bytes: 20,
                down_packets: 1,
                down_bytes: 10,
            }
        )]
    );
}

/// More tags than a unit has: not installed (the slow path keeps such frames), no panic.
#[test]
fn a_route_with_three_tags_is_left_to_the_slow_path() {
    let mut table = RelayTable::default();
    table.install(route(vec![
        VlanTag::dot1ad(1),
        VlanTag::dot1q(2),
        VlanTag::dot1q(3),
    ]));
    assert!(table.is_empty());
}
