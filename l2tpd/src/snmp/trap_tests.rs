use super::*;
use schema::typed::TrapGroup;
use std::collections::BTreeMap;

/// A trap group as the tests write it: name, version, categories (None: absent), targets.
type Group<'a> = (&'a str, TrapVersion, Option<&'a [&'a str]>, &'a [&'a str]);

fn config(groups: &[Group<'_>]) -> SnmpConfig {
    let trap_groups: BTreeMap<String, TrapGroup> = groups
        .iter()
        .map(|(name, version, categories, targets)| {
            let group = TrapGroup {
                version: *version,
                destination_port: 16_200,
                categories: categories.map(|c| c.iter().map(|c| c.to_string()).collect()),
                routing_instance: None,
                targets: targets.iter().map(|t| t.parse().unwrap()).collect(),
            };
            (name.to_string(), group)
        })
        .collect();
    SnmpConfig {
        enabled: true,
        description: None,
        location: None,
        contact: None,
        name: None,
        communities: BTreeMap::new(),
        listen_addresses: vec![Ipv4Addr::LOCALHOST.into()],
        port: 161,
        agentx_socket: None,
        views: BTreeMap::new(),
        trap_groups,
        trap_source_address: None,
        trap_agent_address_outgoing: false,
    }
}

fn no_route(_: SocketAddr, _: Option<&str>) -> Option<IpAddr> {
    None
}

fn decode_v2(datagram: &[u8]) -> (String, Vec<VarBind>) {
    let m: rasn_snmp::v2c::Message<Pdus> = rasn::ber::decode(datagram).expect("v2c");
    assert_eq!(m.version, Integer::from(1));
    let Pdus::Trap(Trap(pdu)) = m.data else {
        panic!("not a Trap: {:?}", m.data)
    };
    (
        String::from_utf8(m.community.to_vec()).unwrap(),
        pdu.variable_bindings,
    )
}

fn decode_v1(datagram: &[u8]) -> (String, rasn_snmp::v1::Trap) {
    let m: rasn_snmp::v1::Message<rasn_snmp::v1::Pdus> = rasn::ber::decode(datagram).expect("v1");
    assert_eq!(m.version, Integer::from(0));
    let rasn_snmp::v1::Pdus::Trap(trap) = m.data else {
        panic!("not a Trap-PDU: {:?}", m.data)
    };
    (String::from_utf8(m.community.to_vec()).unwrap(), trap)
}

#[test]
fn a_v2_trap_carries_uptime_and_the_notification() {
    let started = Instant::now();
    let mut sender = TrapSender::new(started);
    sender.reconfigure(&config(&[(
        "noc",
        TrapVersion::V2,
        Some(&["authentication"]),
        &["127.0.0.9", "::1"],
    )]));
    let now = started + Duration::from_millis(12_340);
    let out = sender.notify(Notification::AuthenticationFailure, now, &no_route);
    let targets: Vec<SocketAddr> = out.iter().map(|o| o.target).collect();
    assert_eq!(
        targets,
        ["127.0.0.9:16200", "[::1]:16200"].map(|t| t.parse::<SocketAddr>().unwrap())
    );
    let (community, bindings) = decode_v2(&out[0].datagram);
    assert_eq!(community, "noc", "the group's name is the traps' community");
    assert_eq!(bindings.len(), 2);
    assert_eq!(bindings[0].name, oid(SYS_UP_TIME_0));
    assert_eq!(
        bindings[0].value,
        VarBindValue::Value(ObjectSyntax::ApplicationWide(ApplicationSyntax::Ticks(
            TimeTicks(1_234)
        )))
    );
    assert_eq!(bindings[1].name, oid(SNMP_TRAP_OID_0));
    assert_eq!(
        bindings[1].value,
        VarBindValue::Value(ObjectSyntax::Simple(SimpleSyntax::ObjectId(oid(&[
            1, 3, 6, 1, 6, 3, 1, 1, 5, 5
        ]))))
    );
    assert_eq!(
        sender.counters(),
        TrapCounters {
            sent: 2,
            dropped: 0
        }
    );
}

#[test]
fn categories_choose_the_groups_and_none_means_every_category() {
    let mut sender = TrapSender::new(Instant::now());
    sender.reconfigure(&config(&[
        (
            "auth",
            TrapVersion::V2,
            Some(&["authentication"]),
            &["127.0.0.9"],
        ),
        (
            "boot",
            TrapVersion::V2,
            Some(&["startup", "link"]),
            &["127.0.0.10"],
        ),
        ("all", TrapVersion::V2, None, &["127.0.0.11"]),
    ]));
    let now = Instant::now();
    let cold: Vec<String> = sender
        .notify(Notification::ColdStart, now, &no_route)
        .iter()
        .map(|o| decode_v2(&o.datagram).0)
        .collect();
    assert_eq!(cold, ["all", "boot"]);
    let warm = sender.notify(Notification::WarmStart, now, &no_route);
    let (_, bindings) = decode_v2(&warm[0].datagram);
    assert_eq!(
        bindings[1].value,
        VarBindValue::Value(ObjectSyntax::Simple(SimpleSyntax::ObjectId(oid(&[
            1, 3, 6, 1, 6, 3, 1, 1, 5, 2
        ]))))
    );
    assert!(sender.wants(Notification::AuthenticationFailure));
    sender.reconfigure(&config(&[(
        "boot",
        TrapVersion::V2,
        Some(&["startup"]),
        &["127.0.0.10"],
    )]));
    assert!(!sender.wants(Notification::AuthenticationFailure));
    assert!(sender
        .notify(Notification::AuthenticationFailure, now, &no_route)
        .is_empty());
}

#[test]
fn version_all_sends_v1_and_v2_and_v1_names_the_outgoing_address_when_told() {
    let started = Instant::now();
    let mut sender = TrapSender::new(started);
    let mut c = config(&[("noc", TrapVersion::All, None, &["127.0.0.9"])]);
    sender.reconfigure(&c);
    let route = |_: SocketAddr, _: Option<&str>| Some(IpAddr::from([127, 0, 0, 7]));
    let out = sender.notify(Notification::ColdStart, started, &route);
    assert_eq!(out.len(), 2);
    decode_v2(&out[0].datagram);
    let (community, trap) = decode_v1(&out[1].datagram);
    assert_eq!(community, "noc");
    assert_eq!(trap.generic_trap, Integer::from(0));
    assert_eq!(trap.specific_trap, Integer::from(0));
    assert_eq!(trap.enterprise, oid(ENTERPRISE));
    // Junos leaves the agent address empty unless `agent-address outgoing-interface`.
    assert_eq!(
        trap.agent_addr,
        NetworkAddress::Internet(IpAddress([0, 0, 0, 0].into()))
    );
    c.trap_agent_address_outgoing = true;
    c.trap_groups.get_mut("noc").unwrap().version = TrapVersion::V1;
    sender.reconfigure(&c);
    let out = sender.notify(Notification::AuthenticationFailure, started, &route);
    assert_eq!(out.len(), 1);
    let (_, trap) = decode_v1(&out[0].datagram);
    assert_eq!(trap.generic_trap, Integer::from(4));
    assert_eq!(
        trap.agent_addr,
        NetworkAddress::Internet(IpAddress([127, 0, 0, 7].into()))
    );
}

#[test]
fn a_groups_routing_instance_sends_its_traps_and_finds_its_agent_address_in_the_vrf() {
    let started = Instant::now();
    let mut sender = TrapSender::new(started);
    let mut c = config(&[
        ("noc", TrapVersion::All, None, &["127.0.0.9"]),
        ("main", TrapVersion::V2, None, &["127.0.0.10"]),
        ("spelled-default", TrapVersion::V2, None, &["127.0.0.11"]),
    ]);
    c.trap_agent_address_outgoing = true;
    c.trap_groups.get_mut("noc").unwrap().routing_instance = Some("isp-a".into());
    c.trap_groups
        .get_mut("spelled-default")
        .unwrap()
        .routing_instance = Some("default".into());
    sender.reconfigure(&c);
    // The runtime's route lookup is asked in the group's VRF: it answers per device here.
    let route = |_: SocketAddr, device: Option<&str>| match device {
        Some("vrf-isp-a") => Some(IpAddr::from([127, 0, 0, 7])),
        _ => Some(IpAddr::from([127, 0, 0, 1])),
    };
    let out = sender.notify(Notification::ColdStart, started, &route);
    let devices: Vec<(SocketAddr, Option<&str>)> = out
        .iter()
        .map(|o| (o.target, o.device.as_deref()))
        .collect();
    let at = |t: &str| t.parse::<SocketAddr>().unwrap();
    assert_eq!(
        devices,
        [
            (at("127.0.0.10:16200"), None),
            (at("127.0.0.9:16200"), Some("vrf-isp-a")),
            (at("127.0.0.9:16200"), Some("vrf-isp-a")),
            (at("127.0.0.11:16200"), None),
        ]
    );
    let (_, trap) = decode_v1(&out[2].datagram);
    assert_eq!(
        trap.agent_addr,
        NetworkAddress::Internet(IpAddress([127, 0, 0, 7].into()))
    );
}

#[test]
fn a_flood_is_bounded_and_the_drops_counted() {
    let started = Instant::now();
    let mut sender = TrapSender::new(started);
    sender.reconfigure(&config(&[(
        "noc",
        TrapVersion::V2,
        None,
        &["127.0.0.9", "127.0.0.10"],
    )]));
    let mut sent = 0;
    for _ in 0..1_000 {
        sent += sender
            .notify(Notification::AuthenticationFailure, started, &no_route)
            .len();
    }
    assert_eq!(sent, MAX_TRAPS_PER_WINDOW as usize);
    assert_eq!(
        sender.counters(),
        TrapCounters {
            sent: u64::from(MAX_TRAPS_PER_WINDOW),
            dropped: 2_000 - u64::from(MAX_TRAPS_PER_WINDOW)
        }
    );
    // The next window sends again.
    let later = started + RATE_WINDOW;
    assert_eq!(
        sender
            .notify(Notification::AuthenticationFailure, later, &no_route)
            .len(),
        2
    );
}

#[test]
fn nothing_is_sent_without_snmp() {
    let mut sender = TrapSender::new(Instant::now());
    let mut c = config(&[("noc", TrapVersion::V2, None, &["127.0.0.9"])]);
    c.enabled = false;
    sender.reconfigure(&c);
    assert!(!sender.wants(Notification::ColdStart));
}

/// linkDown / linkUp (RFC 2863 §6) go to groups with `categories link` only, and carry the
/// interface's ifIndex, ifAdminStatus and ifOperStatus: in SNMPv2 after sysUpTime.0 and
/// snmpTrapOID.0 (snmpTraps.3 / .4), in SNMPv1 as generic-trap 2 / 3.
#[test]
fn link_traps_name_the_interface_and_its_states() {
    let mut sender = TrapSender::new(Instant::now());
    sender.reconfigure(&config(&[
        ("links", TrapVersion::All, Some(&["link"]), &["127.0.0.9"]),
        (
            "auth",
            TrapVersion::V2,
            Some(&["authentication"]),
            &["127.0.0.10"],
        ),
    ]));
    let down = Notification::Link(LinkChange {
        if_index: 17,
        up: false,
    });
    let out = sender.notify(down, Instant::now(), &no_route);
    assert_eq!(out.len(), 2, "v2 and v1, to the link group only");
    let integer =
        |n: i32| VarBindValue::Value(ObjectSyntax::Simple(SimpleSyntax::Integer(n.into())));
    let column = |c: u32| oid(&[1, 3, 6, 1, 2, 1, 2, 2, 1, c, 17]);

    let (community, bindings) = decode_v2(&out[0].datagram);
    assert_eq!(community, "links");
    assert_eq!(
        bindings[1].value,
        VarBindValue::Value(ObjectSyntax::Simple(SimpleSyntax::ObjectId(oid(&[
            1, 3, 6, 1, 6, 3, 1, 1, 5, 3
        ]))))
    );
    let own: Vec<(ObjectIdentifier, VarBindValue)> = bindings[2..]
        .iter()
        .map(|b| (b.name.clone(), b.value.clone()))
        .collect();
    assert_eq!(
        own,
        [
            (column(1), integer(17)),
            (column(7), integer(1)),
            (column(8), integer(2)),
        ]
    );

    let (_, v1) = decode_v1(&out[1].datagram);
    assert_eq!(v1.generic_trap, Integer::from(2));
    let own: Vec<(ObjectIdentifier, rasn_smi::v1::ObjectSyntax)> = v1
        .variable_bindings
        .iter()
        .map(|b| (b.name.clone(), b.value.clone()))
        .collect();
    let number =
        |n: i32| rasn_smi::v1::ObjectSyntax::Simple(rasn_smi::v1::SimpleSyntax::Number(n.into()));
    assert_eq!(
        own,
        [
            (column(1), number(17)),
            (column(7), number(1)),
            (column(8), number(2)),
        ]
    );

    let up = Notification::Link(LinkChange {
        if_index: 17,
        up: true,
    });
    let out = sender.notify(up, Instant::now(), &no_route);
    let (_, bindings) = decode_v2(&out[0].datagram);
    assert_eq!(
        bindings[1].value,
        VarBindValue::Value(ObjectSyntax::Simple(SimpleSyntax::ObjectId(oid(&[
            1, 3, 6, 1, 6, 3, 1, 1, 5, 4
        ]))))
    );
    assert_eq!(bindings[4].value, integer(1), "ifOperStatus up");
    assert_eq!(decode_v1(&out[1].datagram).1.generic_trap, Integer::from(3));
}
