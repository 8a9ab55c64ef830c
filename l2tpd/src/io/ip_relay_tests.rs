use super::*;
use crate::l2tp::wire::{DataHeader, DataMessage, OffsetPadLimit, Sequence};
use proptest::prelude::*;

const LAC: &str = "127.31.8.2:1701";
const SUBSCRIBER: Ipv4Addr = Ipv4Addr::new(198, 18, 100, 7);
const OTHER: Ipv4Addr = Ipv4Addr::new(198, 18, 100, 8);
const SERVER: Ipv4Addr = Ipv4Addr::new(198, 19, 0, 1);

fn route() -> IpRoute {
    IpRoute {
        filters: Default::default(),
        call: SessionRef(9),
        address: SUBSCRIBER,
        routed: Vec::new(),
        service: Arc::from("si-1/0/0"),
        router: Ipv4Addr::new(127, 0, 0, 1),
        l2tp: RelayLeg {
            local_tunnel: 100,
            local_session: 200,
            peer_tunnel: 300,
            peer_session: 400,
            source: Ipv4Addr::new(127, 31, 8, 1),
            destination: LAC.parse().unwrap(),
        },
    }
}

/// A UDP-in-IPv4 packet of `payload` octets (checksums are not the relay's business).
fn ipv4(source: Ipv4Addr, destination: Ipv4Addr, payload: usize) -> Vec<u8> {
    let total = u16::try_from(20 + 8 + payload).unwrap();
    let mut p = vec![0x45, 0x00];
    p.extend(total.to_be_bytes());
    p.extend([0, 1, 0x40, 0, 64, 17, 0, 0]);
    p.extend(source.octets());
    p.extend(destination.octets());
    p.extend([0x30, 0x39, 0x00, 0x35]);
    p.extend((total - 20).to_be_bytes());
    p.extend([0, 0]);
    p.extend((0..payload).map(|i| i as u8));
    p
}

fn header(sequence: Option<Sequence>, with_length: bool) -> DataHeader {
    DataHeader {
        tunnel_id: 100,
        session_id: 200,
        with_length,
        sequence,
        offset_pad: None,
        priority: false,
    }
}

fn from_lac(header: DataHeader, ppp: &[u8]) -> Vec<u8> {
    DataMessage {
        header,
        payload: ppp,
    }
    .to_bytes()
    .unwrap()
}

fn forwarded(table: &mut IpRelayTable, datagram: &[u8]) -> Vec<u8> {
    match table.from_subscriber(LAC.parse().unwrap(), datagram) {
        IpVerdict::Forward { service, range } => {
            assert_eq!(&**service, "si-1/0/0");
            datagram[range].to_vec()
        }
        other => panic!("not forwarded: {other:?}"),
    }
}

#[test]
fn to_subscriber_is_the_data_message_the_slow_path_would_send() {
    let mut table = IpRelayTable::default();
    table.install(route());
    let packet = ipv4(SERVER, SUBSCRIBER, 100);
    let mut out = vec![0xee; 5];
    let target = table.to_subscriber(&packet, &mut out).expect("taken");
    assert_eq!(
        target,
        DownTarget {
            peer: LAC.parse().unwrap(),
            source: Some(Ipv4Addr::new(127, 31, 8, 1)),
        }
    );
    let ppp = [&PPP_IPV4_HEADER[..], &packet].concat();
    let expected = DataMessage {
        header: DataHeader {
            tunnel_id: 300,
            session_id: 400,
            with_length: true,
            ..DataHeader::default()
        },
        payload: &ppp,
    }
    .to_bytes()
    .unwrap();
    assert_eq!(out, expected);
    let parsed = DataMessage::parse(&out, OffsetPadLimit::default()).unwrap();
    assert_eq!(parsed.payload, &ppp[..]);
    assert_eq!(
        table.take_counters(),
        [(
            SessionRef(9),
            RelayCounters {
                down_packets: 1,
                down_bytes: (PPP_IPV4_HEADER.len() + packet.len()) as u64,
                ..RelayCounters::default()
            }
        )]
    );
    assert!(table.take_counters().is_empty(), "taken means zeroed");
}

#[test]
fn an_unspecified_source_means_the_wildcard_socket() {
    let mut table = IpRelayTable::default();
    let mut r = route();
    r.l2tp.source = Ipv4Addr::UNSPECIFIED;
    table.install(r);
    let target = table
        .to_subscriber(&ipv4(SERVER, SUBSCRIBER, 0), &mut Vec::new())
        .unwrap();
    assert_eq!(target.source, None);
}

#[test]
fn packets_for_addresses_nobody_holds_and_non_ipv4_are_not_taken_and_counted() {
    let mut table = IpRelayTable::default();
    table.install(route());
    let mut out = Vec::new();
    assert_eq!(
        table.to_subscriber(&ipv4(SERVER, OTHER, 10), &mut out),
        None
    );
    let mut v6 = ipv4(SERVER, SUBSCRIBER, 10);
    v6[0] = 0x60;
    assert_eq!(table.to_subscriber(&v6, &mut out), None);
    let mut short = ipv4(SERVER, SUBSCRIBER, 10);
    short.truncate(19);
    assert_eq!(table.to_subscriber(&short, &mut out), None);
    assert_eq!(table.totals().not_taken, 3);
    assert!(table.take_counters().is_empty());
}

#[test]
fn from_subscriber_takes_every_ppp_header_form() {
    let packet = ipv4(SUBSCRIBER, SERVER, 33);
    let forms: [&[u8]; 4] = [
        &[0xff, 0x03, 0x00, 0x21],
        &[0x00, 0x21],
        &[0xff, 0x03, 0x21],
        &[0x21],
    ];
    for with_length in [true, false] {
        for form in forms {
            let mut table = IpRelayTable::default();
            table.install(route());
            let ppp = [form, &packet].concat();
            let datagram = from_lac(header(None, with_length), &ppp);
            assert_eq!(forwarded(&mut table, &datagram), packet, "{form:02x?}");
            assert_eq!(
                table.take_counters(),
                [(
                    SessionRef(9),
                    RelayCounters {
                        up_packets: 1,
                        up_bytes: ppp.len() as u64,
                        ..RelayCounters::default()
                    }
                )]
            );
        }
    }
}

#[test]
fn padding_after_the_ipv4_total_length_is_not_forwarded() {
    let mut table = IpRelayTable::default();
    table.install(route());
    let packet = ipv4(SUBSCRIBER, SERVER, 5);
    let ppp = [&PPP_IPV4_HEADER[..], &packet, &[0u8; 7]].concat();
    let datagram = from_lac(header(None, true), &ppp);
    assert_eq!(forwarded(&mut table, &datagram), packet);
}

#[test]
fn a_subscriber_may_only_send_from_its_own_address() {
    let mut table = IpRelayTable::default();
    table.install(route());
    let ppp = [&PPP_IPV4_HEADER[..], &ipv4(OTHER, SERVER, 5)].concat();
    let datagram = from_lac(header(None, true), &ppp);
    for _ in 0..3 {
        assert_eq!(
            table.from_subscriber(LAC.parse().unwrap(), &datagram),
            IpVerdict::Spoofed
        );
    }
    assert_eq!(table.spoofed(SessionRef(9)), Some(3));
    assert_eq!(table.totals().spoofed, 3);
    assert!(table.take_counters().is_empty(), "nothing was forwarded");
    // The counts survive a reinstall (a renegotiated IPCP), not a removal.
    table.install(route());
    assert_eq!(table.spoofed(SessionRef(9)), Some(3));
    table.remove(SessionRef(9));
    assert_eq!(table.spoofed(SessionRef(9)), None);
    assert_eq!(table.totals().spoofed, 3);
}

#[test]
fn framed_routes_lead_to_their_subscriber_and_are_its_sources() {
    let prefix = |a: [u8; 4], l| Prefix::new(Ipv4Addr::from(a), l).unwrap();
    let mut table = IpRelayTable::default();
    let mut routed = route();
    routed.routed = vec![prefix([198, 18, 60, 0], 24), prefix([198, 18, 61, 0], 29)];
    table.install(routed);
    // Another subscriber holds one address inside the /24: the address wins.
    let mut other = route();
    other.call = SessionRef(10);
    other.address = Ipv4Addr::new(198, 18, 60, 9);
    other.l2tp.local_session = 201;
    other.l2tp.peer_session = 401;
    table.install(other);
    let mut out = Vec::new();
    let peer_session = |out: &[u8]| u16::from_be_bytes([out[6], out[7]]);
    for (destination, session) in [
        ([198, 18, 60, 200], Some(400)),
        ([198, 18, 61, 7], Some(400)),
        ([198, 18, 60, 9], Some(401)),
        ([198, 18, 61, 8], None),
    ] {
        let packet = ipv4(SERVER, Ipv4Addr::from(destination), 4);
        let taken = table
            .to_subscriber(&packet, &mut out)
            .map(|_| peer_session(&out));
        assert_eq!(taken, session, "{destination:?}");
    }
    // From inside its prefixes: its own. From elsewhere: spoofed.
    for (source, verdict_is_forward) in [([198, 18, 60, 77], true), ([198, 18, 62, 1], false)] {
        let ppp = [
            &PPP_IPV4_HEADER[..],
            &ipv4(Ipv4Addr::from(source), SERVER, 5),
        ]
        .concat();
        let datagram = from_lac(header(None, true), &ppp);
        let verdict = table.from_subscriber(LAC.parse().unwrap(), &datagram);
        assert_eq!(
            matches!(verdict, IpVerdict::Forward { .. }),
            verdict_is_forward,
            "{source:?}: {verdict:?}"
        );
    }
    // Gone with the subscriber.
    table.remove(SessionRef(9));
    let packet = ipv4(SERVER, Ipv4Addr::new(198, 18, 60, 200), 4);
    assert!(table.to_subscriber(&packet, &mut out).is_none());
}

#[test]
fn control_sequenced_strangers_and_non_ip_go_the_slow_path() {
    let mut table = IpRelayTable::default();
    table.install(route());
    let lac: SocketAddr = LAC.parse().unwrap();
    let ip = [&PPP_IPV4_HEADER[..], &ipv4(SUBSCRIBER, SERVER, 5)].concat();
    let sequenced = from_lac(header(Some(Sequence { ns: 1, nr: 0 }), true), &ip);
    assert_eq!(table.from_subscriber(lac, &sequenced), IpVerdict::Miss);
    let lcp = from_lac(header(None, true), &[0xc0, 0x21, 9, 1, 0, 8, 1, 2, 3, 4]);
    assert_eq!(table.from_subscriber(lac, &lcp), IpVerdict::Miss);
    let ipcp = from_lac(header(None, true), &[0x80, 0x21, 1, 1, 0, 4]);
    assert_eq!(table.from_subscriber(lac, &ipcp), IpVerdict::Miss);
    let stranger: SocketAddr = "127.31.8.3:1701".parse().unwrap();
    let data = from_lac(header(None, true), &ip);
    assert_eq!(table.from_subscriber(stranger, &data), IpVerdict::Miss);
    let mut other_session = header(None, true);
    other_session.session_id = 201;
    assert_eq!(
        table.from_subscriber(lac, &from_lac(other_session, &ip)),
        IpVerdict::Miss
    );
    let mut lying = ip.clone();
    let total_length = PPP_IPV4_HEADER.len() + 2;
    lying[total_length..total_length + 2].copy_from_slice(&2000u16.to_be_bytes());
    assert_eq!(
        table.from_subscriber(lac, &from_lac(header(None, true), &lying)),
        IpVerdict::Miss,
        "a Total Length beyond the frame"
    );
    let hello = [0xc8, 0x02, 0, 12, 0, 100, 0, 0, 0, 1, 0, 1];
    assert_eq!(table.from_subscriber(lac, &hello), IpVerdict::Miss);
    assert!(table.take_counters().is_empty());
    assert_eq!(table.totals().spoofed, 0);
}

#[test]
fn removal_ends_both_directions_and_returns_the_untaken_counts() {
    let mut table = IpRelayTable::default();
    table.install(route());
    let datagram = from_lac(
        header(None, true),
        &[&PPP_IPV4_HEADER[..], &ipv4(SUBSCRIBER, SERVER, 5)].concat(),
    );
    forwarded(&mut table, &datagram);
    let counters = table.remove(SessionRef(9)).unwrap();
    assert_eq!(counters.up_packets, 1);
    assert!(table.is_empty());
    assert_eq!(
        table.from_subscriber(LAC.parse().unwrap(), &datagram),
        IpVerdict::Miss
    );
    assert_eq!(
        table.to_subscriber(&ipv4(SERVER, SUBSCRIBER, 5), &mut Vec::new()),
        None
    );
    assert_eq!(table.remove(SessionRef(9)), None);
}

#[test]
fn an_address_given_again_belongs_to_its_new_holder_only() {
    let mut table = IpRelayTable::default();
    table.install(route());
    let mut second = route();
    second.call = SessionRef(10);
    second.l2tp.local_session = 201;
    second.l2tp.peer_session = 401;
    table.install(second);
    let mut out = Vec::new();
    table
        .to_subscriber(&ipv4(SERVER, SUBSCRIBER, 5), &mut out)
        .unwrap();
    assert_eq!(
        &out[6..8],
        &401u16.to_be_bytes(),
        "the new holder's session"
    );
    // The old holder's removal must not take the address from the new one.
    table.remove(SessionRef(9));
    assert!(table
        .to_subscriber(&ipv4(SERVER, SUBSCRIBER, 5), &mut out)
        .is_some());
}

proptest! {
    #[test]
    fn random_bytes_never_panic(
        datagram in proptest::collection::vec(any::<u8>(), 0..120),
        packet in proptest::collection::vec(any::<u8>(), 0..120),
    ) {
        let mut table = IpRelayTable::default();
        table.install(route());
        let _ = table.from_subscriber(LAC.parse().unwrap(), &datagram);
        let _ = table.to_subscriber(&packet, &mut Vec::new());
    }

    /// Datagrams that get as far as the PPP and IP parsers: our session's header in front of
    /// random PPP bytes, so the fuzzing is not spent on the L2TP header alone.
    #[test]
    fn random_ppp_in_our_session_never_panics_and_forwards_only_in_bounds(
        ppp in proptest::collection::vec(any::<u8>(), 0..80),
        prefix in prop_oneof![
            Just(vec![0xff, 0x03, 0x00, 0x21]),
            Just(vec![0x21, 0x45]),
            Just(vec![]),
        ],
    ) {
        let mut table = IpRelayTable::default();
        table.install(route());
        let datagram = from_lac(header(None, true), &[&prefix[..], &ppp].concat());
        if let IpVerdict::Forward { range, .. } =
            table.from_subscriber(LAC.parse().unwrap(), &datagram)
        {
            prop_assert!(range.end <= datagram.len());
            prop_assert_eq!(ipv4_source(&datagram[range]), Some(SUBSCRIBER));
        }
    }
}

/// The subscriber's filters on the fast path (issue 16): a discarded packet is neither
/// forwarded nor left to the slow path, and is counted by the filter and the table.
#[test]
fn the_subscribers_filters_discard_on_the_fast_path() {
    let filter = crate::firewall::matcher::tests::no_dns_filter("si-1/0/0.9");
    let mut table = IpRelayTable::default();
    table.install(IpRoute {
        filters: SubscriberFilters {
            input: filter.clone(),
            output: filter.clone(),
            rpf_fail: None,
            rpf_loose: false,
        },
        ..route()
    });
    // Up: to port 53, discarded (padding after the packet is not the filter's business).
    let dns = ipv4(SUBSCRIBER, SERVER, 5);
    let ppp = [&PPP_IPV4_HEADER[..], &dns, &[0u8; 3]].concat();
    let datagram = from_lac(header(None, true), &ppp);
    assert_eq!(
        table.from_subscriber(LAC.parse().unwrap(), &datagram),
        IpVerdict::Filtered
    );
    // Down: to port 53 as well: discarded, not handed to the slow path.
    let mut out = Vec::new();
    assert_eq!(
        table.toward_subscriber(&ipv4(SERVER, SUBSCRIBER, 5), &mut out),
        Down::Filtered
    );
    assert_eq!(table.totals().filtered, 2);
    assert_eq!(table.totals().not_taken, 0);
    assert!(table.take_counters().is_empty(), "nothing was relayed");
    let instance = filter.expect("configured");
    assert_eq!(instance.counters()[0].1.packets, 2);
    assert_eq!(instance.counters()[0].1.bytes, 2 * dns.len() as u64);
    assert_eq!(instance.discarded(), 2);

    // Another port crosses both ways.
    let mut web = ipv4(SUBSCRIBER, SERVER, 5);
    web[23] = 80;
    let datagram = from_lac(header(None, true), &[&PPP_IPV4_HEADER[..], &web].concat());
    assert_eq!(forwarded(&mut table, &datagram), web);
    let mut back = ipv4(SERVER, SUBSCRIBER, 5);
    back[23] = 80;
    assert!(matches!(
        table.toward_subscriber(&back, &mut out),
        Down::Send(_)
    ));
}

#[test]
fn new_filters_judge_the_next_packet_of_an_installed_entry() {
    let mut table = IpRelayTable::default();
    table.install(route());
    let dns = ipv4(SUBSCRIBER, SERVER, 5);
    let datagram = from_lac(header(None, true), &[&PPP_IPV4_HEADER[..], &dns].concat());
    assert_eq!(forwarded(&mut table, &datagram), dns);

    let filter = crate::firewall::matcher::tests::no_dns_filter("si-1/0/0.9");
    let filters = SubscriberFilters {
        input: filter.clone(),
        output: None,
        rpf_fail: None,
        rpf_loose: false,
    };
    assert!(table.set_filters(route().call, &filters));
    assert_eq!(
        table.from_subscriber(LAC.parse().unwrap(), &datagram),
        IpVerdict::Filtered
    );
    assert_eq!(table.take_counters().len(), 1, "the entry's counters stay");
    assert!(
        !table.set_filters(SessionRef(10), &filters),
        "no such entry"
    );
}

/// An entry whose filters reject DNS both ways and accept the rest; the router's address
/// on the subscriber's side is `ROUTER`.
const ROUTER: Ipv4Addr = Ipv4Addr::new(198, 18, 100, 1);

fn rejecting_table() -> IpRelayTable {
    let filter = crate::firewall::matcher::tests::dns_filter("si-1/0/0.9", "reject");
    let filters = SubscriberFilters {
        input: filter.clone(),
        output: filter,
        rpf_fail: None,
        rpf_loose: false,
    };
    let mut table = IpRelayTable::default();
    table.install(IpRoute {
        filters,
        router: ROUTER,
        ..route()
    });
    table.set_clock(std::time::Instant::now());
    table
}

#[test]
fn a_rejected_packet_from_the_subscriber_is_answered_down_its_own_session() {
    let mut table = rejecting_table();
    let dns = ipv4(SUBSCRIBER, SERVER, 5);
    let datagram = from_lac(header(None, true), &[&PPP_IPV4_HEADER[..], &dns].concat());
    let IpVerdict::Answer {
        target,
        datagram: answer,
    } = table.from_subscriber(LAC.parse().unwrap(), &datagram)
    else {
        panic!("answered");
    };
    assert_eq!(target.peer, LAC.parse().unwrap());
    assert_eq!(target.source, Some(route().l2tp.source));
    let answer = answer.to_vec();
    // The L2TP data message to the LAC's IDs, PPP IPv4, then the ICMP.
    let data = crate::io::relay::parse_unsequenced_data(&answer).expect("a data message");
    assert_eq!((data.tunnel_id, data.session_id), (300, 400));
    let icmp = &data.ppp[2..];
    assert_eq!(data.ppp[..2], PPP_IPV4_HEADER);
    assert_eq!(icmp[12..16], ROUTER.octets());
    assert_eq!(icmp[16..20], SUBSCRIBER.octets());
    assert_eq!(icmp[20..22], [3, 13]);
    assert_eq!(icmp[28..], dns[..28]);
    assert_eq!(
        crate::firewall::reject::internet_checksum(&[&icmp[20..]]),
        0
    );
    assert_eq!(table.totals().filtered, 1, "a rejected packet is a discard");
    assert_eq!(table.totals().answers.unreachables_sent, 1);
    assert!(table.take_counters().is_empty(), "nothing was relayed");
}

#[test]
fn a_rejected_packet_toward_the_subscriber_is_answered_back_out_the_service_interface() {
    let mut table = rejecting_table();
    let dns = ipv4(SERVER, SUBSCRIBER, 5);
    let mut out = Vec::new();
    assert_eq!(table.toward_subscriber(&dns, &mut out), Down::Answer);
    assert_eq!(out[12..16], ROUTER.octets());
    assert_eq!(out[16..20], SERVER.octets(), "to the sender");
    assert_eq!(out[20..22], [3, 13]);
    assert_eq!(crate::firewall::reject::internet_checksum(&[&out[..20]]), 0);
    assert_eq!(crate::firewall::reject::internet_checksum(&[&out[20..]]), 0);
    assert_eq!(table.totals().filtered, 1);
    assert_eq!(table.totals().not_taken, 0);
}

#[test]
fn answers_beyond_the_rate_limit_are_suppressed_and_counted() {
    let mut table = rejecting_table();
    let dns = ipv4(SERVER, SUBSCRIBER, 5);
    let mut out = Vec::new();
    // Bounded: the bucket holds 5 seconds at 1000 a second, and the clock stands still.
    let answered = (0..6000)
        .filter(|_| table.toward_subscriber(&dns, &mut out) == Down::Answer)
        .count();
    assert_eq!(answered, 5000);
    let totals = table.totals();
    assert_eq!(
        (
            totals.answers.unreachables_sent,
            totals.answers.unreachables_suppressed
        ),
        (5000, 1000)
    );
    assert_eq!(totals.filtered, 6000, "every rejected packet is a discard");
    // The slow path draws from the same bucket.
    assert!(!table.allow_answer(table.clock.expect("set"), &out));
    // A second later, 1000 more.
    table.set_clock(table.clock.expect("set") + std::time::Duration::from_secs(1));
    assert_eq!(table.toward_subscriber(&dns, &mut out), Down::Answer);
}

/// `rpf-check fail-filter` on the fast path: a packet from a source that is not the
/// subscriber's goes through the fail filter instead of being dropped — what it accepts is
/// forwarded (and then meets the input filter like any other), what it discards is
/// dropped and counted as spoofed. Its own packets never meet the fail filter.
#[test]
fn a_packet_that_fails_the_source_check_goes_through_the_fail_filter() {
    let fail = crate::firewall::matcher::tests::no_dns_filter("si-1/0/0.9");
    let mut table = IpRelayTable::default();
    table.install(IpRoute {
        filters: SubscriberFilters {
            rpf_fail: fail.clone(),
            ..SubscriberFilters::default()
        },
        ..route()
    });
    // From another source to port 53: the fail filter discards it.
    let dns = ipv4(OTHER, SERVER, 5);
    let datagram = from_lac(header(None, true), &[&PPP_IPV4_HEADER[..], &dns].concat());
    assert_eq!(
        table.from_subscriber(LAC.parse().unwrap(), &datagram),
        IpVerdict::Spoofed
    );
    assert_eq!(table.totals().spoofed, 1);
    // From another source to port 80: the fail filter accepts it, and it crosses.
    let mut web = ipv4(OTHER, SERVER, 5);
    web[23] = 80;
    let datagram = from_lac(header(None, true), &[&PPP_IPV4_HEADER[..], &web].concat());
    assert_eq!(forwarded(&mut table, &datagram), web);
    assert_eq!(table.totals().spoofed, 1);
    // Its own DNS: not the fail filter's business.
    let own = ipv4(SUBSCRIBER, SERVER, 5);
    let datagram = from_lac(header(None, true), &[&PPP_IPV4_HEADER[..], &own].concat());
    assert_eq!(forwarded(&mut table, &datagram), own);
    let instance = fail.expect("configured");
    assert_eq!(instance.counters()[0].1.packets, 1, "only the spoofed DNS");
}

/// `rpf-check mode loose` on the fast path: a source that is not the subscriber's is not
/// dropped here (the kernel's loose check on the service interface judges it), and is not
/// counted as spoofed; a strict subscriber's is.
#[test]
fn a_loose_subscriber_sends_from_another_source() {
    let spoofed = ipv4(OTHER, SERVER, 5);
    let datagram = from_lac(
        header(None, true),
        &[&PPP_IPV4_HEADER[..], &spoofed].concat(),
    );
    let mut strict = IpRelayTable::default();
    strict.install(route());
    assert_eq!(
        strict.from_subscriber(LAC.parse().unwrap(), &datagram),
        IpVerdict::Spoofed
    );
    let mut loose = IpRelayTable::default();
    loose.install(IpRoute {
        filters: SubscriberFilters {
            rpf_loose: true,
            ..SubscriberFilters::default()
        },
        ..route()
    });
    assert_eq!(forwarded(&mut loose, &datagram), spoofed);
    assert_eq!(loose.totals().spoofed, 0);
}
