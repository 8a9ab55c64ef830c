use super::view::keyword;
use super::*;
use crate::def::{Kind, Type};
use crate::table::stmt_at;
use crate::tree::NodeId;
use serde::de::DeserializeOwned;

use crate::tree::test_paths::set;

fn default_of<T: std::str::FromStr>(path: &[&str]) -> T {
    let text = stmt_at(path)
        .and_then(|s| s.default)
        .expect("statement with a default");
    text.parse().ok().expect("default parses")
}

fn default_keyword<T: DeserializeOwned>(path: &[&str]) -> T {
    keyword(
        stmt_at(path)
            .and_then(|s| s.default)
            .expect("statement with a default"),
    )
    .expect("keyword")
}

#[test]
fn empty_configuration_reads_as_table_defaults() {
    let c = router_config(&Node::default());
    let t = &c.l2tp.tunnel;
    let tunnel = |leaf| ["services", "l2tp", "tunnel", leaf];
    assert_eq!(
        t.hello_interval,
        default_of::<u32>(&tunnel("hello-interval"))
    );
    assert_eq!(t.hello_interval, 60);
    assert_eq!(t.idle_timeout, default_of::<u32>(&tunnel("idle-timeout")));
    assert_eq!(
        t.minimum_retransmission_interval,
        default_of::<u32>(&tunnel("minimum-retransmission-interval"))
    );
    assert_eq!(
        t.retransmission_count_established,
        default_of::<u32>(&tunnel("retransmission-count-established"))
    );
    assert_eq!(
        t.retransmission_count_not_established,
        default_of::<u32>(&tunnel("retransmission-count-not-established"))
    );
    assert_eq!(
        t.rx_window_size,
        default_of::<u16>(&tunnel("rx-window-size"))
    );
    assert_eq!(
        t.assignment_id_format,
        default_keyword::<AssignmentIdFormat>(&tunnel("assignment-id-format"))
    );
    assert_eq!(
        t.tx_address_change,
        default_keyword::<TxAddressChange>(&tunnel("tx-address-change"))
    );
    assert_eq!(
        c.l2tp.destination_lockout_timeout,
        default_of::<u32>(&["services", "l2tp", "destination", "lockout-timeout"])
    );
    assert_eq!(
        c.l2tp.destruct_timeout,
        default_of::<u32>(&["services", "l2tp", "destruct-timeout"])
    );
    assert!(
        !c.l2tp.drain && c.l2tp.traceoptions.is_none() && c.l2tp.tx_connect_speed_method.is_none()
    );
    assert_eq!(c.snmp.port, default_of::<u16>(&["snmp", "port"]));
    assert_eq!(
        c.snmp.listen_addresses,
        [default_of::<std::net::IpAddr>(&["snmp", "listen-address"])]
    );
    assert!(c.snmp.listen_addresses[0].is_loopback(), "safe by default");
    assert!(!c.snmp.enabled);
    assert_eq!(c.host_name, None);
    assert!(c.tunnel_profiles.is_empty() && c.interfaces.is_empty() && c.login_users.is_empty());
}

#[test]
fn lac_configuration() {
    let mut root = Node::default();
    set(&mut root, "system host-name", &["lac1"]);
    set(&mut root, "system login user=alice class", &["super-user"]);
    set(&mut root, "system login user=bob class", &["read-only"]);
    let stored = crate::secret::encode("s3cret");
    let t1 = "access tunnel-profile=tp1 tunnel=1";
    set(&mut root, &format!("{t1} preference"), &["1"]);
    set(&mut root, &format!("{t1} identification"), &["lns1"]);
    set(&mut root, &format!("{t1} secret"), &[&stored]);
    set(&mut root, &format!("{t1} max-sessions"), &["1000"]);
    set(
        &mut root,
        &format!("{t1} source-gateway address"),
        &["198.18.1.2"],
    );
    set(
        &mut root,
        &format!("{t1} remote-gateway address"),
        &["198.18.1.10"],
    );
    set(
        &mut root,
        &format!("{t1} remote-gateway gateway-name"),
        &["LNS1"],
    );
    set(
        &mut root,
        "access tunnel-profile=tp1 tunnel=2 remote-gateway address",
        &["198.18.1.11"],
    );
    set(
        &mut root,
        "access domain map=l2tp.example tunnel-profile",
        &["tp1"],
    );
    set(
        &mut root,
        "access domain map=l2tp.example strip-domain",
        &[],
    );
    set(
        &mut root,
        "access radius-server=127.0.0.1 secret",
        &[&crate::secret::encode("testing123")],
    );
    set(&mut root, "access radius-server=127.0.0.1 port", &["11812"]);
    set(&mut root, "services l2tp drain", &[]);
    set(&mut root, "services l2tp tunnel hello-interval", &["0"]);
    // An inactive tunnel is not seen by the engine.
    set(
        &mut root,
        "access tunnel-profile=tp1 tunnel=3 remote-gateway address",
        &["198.18.1.12"],
    );
    if let Some(n) = root.get_mut(&[
        NodeId::new("access"),
        NodeId::entry("tunnel-profile", "tp1"),
        NodeId::entry("tunnel", "3"),
    ]) {
        n.inactive = true;
    }

    let c = router_config(&root);
    assert_eq!(c.host_name.as_deref(), Some("lac1"));
    assert_eq!(c.login_users["alice"], "super-user");
    assert_eq!(c.login_users["bob"], "read-only");
    let tp1 = &c.tunnel_profiles["tp1"];
    assert_eq!(tp1.tunnels.keys().copied().collect::<Vec<_>>(), vec![1, 2]);
    let first = &tp1.tunnels[&1];
    assert_eq!(first.preference, 1);
    assert_eq!(first.secret, Some(Secret::from("s3cret")));
    assert_eq!(first.identification.as_deref(), Some("lns1"));
    assert_eq!(first.max_sessions, Some(1000));
    assert_eq!(
        first.source_gateway.address,
        Some(Ipv4Addr::new(198, 18, 1, 2))
    );
    assert_eq!(
        first.remote_gateway,
        Gateway {
            address: Some(Ipv4Addr::new(198, 18, 1, 10)),
            gateway_name: Some("LNS1".into())
        }
    );
    assert_eq!(first.medium, TunnelMedium::Ipv4);
    assert_eq!(first.tunnel_type, TunnelType::L2tp);
    let second = &tp1.tunnels[&2];
    assert_eq!(
        second.preference,
        default_of::<u32>(&["access", "tunnel-profile", "tunnel", "preference"])
    );
    assert_eq!(second.secret, None);
    assert_eq!(second.max_sessions, None);
    let map = &c.domain_maps["l2tp.example"];
    assert_eq!(map.tunnel_profile.as_deref(), Some("tp1"));
    assert!(map.strip_domain);
    let radius = &c.radius_servers[&Ipv4Addr::new(127, 0, 0, 1)];
    assert_eq!(radius.port, 11812);
    assert_eq!(
        radius.accounting_port,
        default_of::<u16>(&["access", "radius-server", "accounting-port"])
    );
    assert_eq!(radius.secret, Some(Secret::from("testing123")));
    assert!(c.l2tp.drain);
    assert_eq!(c.l2tp.tunnel.hello_interval, 0);
}

#[test]
fn lns_configuration() {
    let mut root = Node::default();
    let g = "services l2tp tunnel-group=lns1";
    set(
        &mut root,
        &format!("{g} l2tp-access-profile"),
        &["ce-l2tp-profile1"],
    );
    set(
        &mut root,
        &format!("{g} local-gateway address"),
        &["198.18.1.2"],
    );
    set(&mut root, &format!("{g} service-interface"), &["si-1/0/0"]);
    set(&mut root, &format!("{g} tunnel-timeout"), &["30"]);
    let client = "access profile=ce-l2tp-profile1 client=ce-lac-1";
    set(
        &mut root,
        &format!("{client} l2tp shared-secret"),
        &[&crate::secret::encode("password")],
    );
    set(
        &mut root,
        &format!("{client} l2tp maximum-sessions-per-tunnel"),
        &["2000"],
    );
    set(&mut root, &format!("{client} l2tp lcp-renegotiation"), &[]);
    set(
        &mut root,
        "access profile=ce-l2tp-profile1 authentication-order",
        &["radius", "password"],
    );
    set(
        &mut root,
        "access profile=ce-l2tp-profile1 radius authentication-server",
        &["127.0.0.2", "127.0.0.3"],
    );
    let pool = "access address-assignment pool=p1 family inet";
    set(&mut root, &format!("{pool} network"), &["198.18.64.0/18"]);
    set(
        &mut root,
        &format!("{pool} dhcp-attributes name-server"),
        &["127.0.0.53"],
    );
    set(
        &mut root,
        &format!("{pool} range=r1 low"),
        &["198.18.64.10"],
    );
    set(
        &mut root,
        &format!("{pool} range=r1 high"),
        &["198.18.64.99"],
    );
    set(
        &mut root,
        "interfaces=ge-0/0/0 unit=0 family inet address=198.18.1.2/24",
        &[],
    );
    set(
        &mut root,
        "interfaces=ge-0/0/0 unit=0 family inet address=198.18.2.2/24 primary",
        &[],
    );
    set(
        &mut root,
        "interfaces=ge-0/0/1 unit=5 family pppoe duplicate-protection",
        &[],
    );
    set(&mut root, "snmp community=public clients=127.0.0.0/8", &[]);
    set(&mut root, "snmp location", &["lab"]);
    set(&mut root, "snmp listen-address", &["127.0.41.1", "::1"]);

    let c = router_config(&root);
    let group = &c.l2tp.tunnel_groups["lns1"];
    assert_eq!(group.local_address, Some(Ipv4Addr::new(198, 18, 1, 2)));
    assert_eq!(group.service_interface.as_deref(), Some("si-1/0/0"));
    assert_eq!(group.tunnel_timeout, Some(30));
    assert_eq!(
        group.hello_interval,
        default_of::<u32>(&["services", "l2tp", "tunnel-group", "hello-interval"])
    );
    // Absent, the group's tunnels use the global settings.
    assert_eq!(group.receive_window, None);
    assert_eq!(group.retransmit_interval, None);
    let profile = &c.access_profiles["ce-l2tp-profile1"];
    let lac = &profile.clients["ce-lac-1"];
    assert_eq!(lac.l2tp.shared_secret, Some(Secret::from("password")));
    assert_eq!(lac.l2tp.maximum_sessions_per_tunnel, Some(2000));
    assert!(lac.l2tp.lcp_renegotiation && !lac.l2tp.local_chap);
    // Unwritten: the subscriber layer applies the user-group profile's or Junos' 30 s.
    assert_eq!(lac.ppp.keepalive, None);
    assert_eq!(
        profile.authentication_order,
        vec![AuthenticationMethod::Radius, AuthenticationMethod::Password]
    );
    assert_eq!(
        profile.authentication_servers,
        vec![Ipv4Addr::new(127, 0, 0, 2), Ipv4Addr::new(127, 0, 0, 3)]
    );
    let p1 = &c.address_pools["p1"];
    assert_eq!(p1.network, Ipv4Prefix::parse("198.18.64.0/18"));
    assert_eq!(
        p1.ranges["r1"],
        AddressRange {
            low: Ipv4Addr::new(198, 18, 64, 10),
            high: Ipv4Addr::new(198, 18, 64, 99)
        }
    );
    assert_eq!(p1.gateway(), Some(Ipv4Addr::new(198, 18, 64, 1)));
    assert_eq!(p1.name_servers, vec![Ipv4Addr::new(127, 0, 0, 53)]);
    let unit0 = &c.interfaces["ge-0/0/0"].units[&0];
    assert_eq!(unit0.inet_addresses.len(), 2);
    assert_eq!(unit0.primary_address, Ipv4Prefix::parse("198.18.2.2/24"));
    assert!(unit0.pppoe.is_none());
    assert!(c.interfaces["ge-0/0/1"].units[&5]
        .pppoe
        .as_ref()
        .is_some_and(|p| p.duplicate_protection));
    assert!(c.snmp.enabled);
    let public = &c.snmp.communities["public"];
    assert_eq!(
        public.authorization,
        default_keyword::<CommunityAuthorization>(&["snmp", "community", "authorization"])
    );
    assert_eq!(
        public.clients,
        vec![SnmpClient::parse("127.0.0.0/8", false)[0]]
    );
    assert_eq!(c.snmp.location.as_deref(), Some("lab"));
    assert_eq!(
        c.snmp.listen_addresses,
        [
            std::net::IpAddr::from([127, 0, 41, 1]),
            std::net::Ipv6Addr::LOCALHOST.into()
        ]
    );

    let json = serde_json::to_string(&c).unwrap();
    assert_eq!(serde_json::from_str::<RouterConfig>(&json).unwrap(), c);
}

/// Every keyword the table allows reads into the typed enum for it.
#[test]
fn table_keywords_map_onto_typed_enums() {
    fn all<T: DeserializeOwned>(path: &[&str]) {
        let values = match stmt_at(path).map(|s| s.kind) {
            Some(Kind::Leaf(Type::Enum(v)) | Kind::LeafList(Type::Enum(v))) => v,
            other => panic!("{path:?} is {other:?}"),
        };
        for v in values {
            assert!(keyword::<T>(v).is_some(), "{path:?}: {v}");
        }
    }
    all::<AssignmentIdFormat>(&["services", "l2tp", "tunnel", "assignment-id-format"]);
    all::<TxAddressChange>(&["services", "l2tp", "tunnel", "tx-address-change"]);
    all::<TxConnectSpeedMethod>(&["services", "l2tp", "tx-connect-speed-method"]);
    all::<TraceLevel>(&["services", "l2tp", "traceoptions", "level"]);
    all::<TunnelMedium>(&["access", "tunnel-profile", "tunnel", "medium"]);
    all::<TunnelType>(&["access", "tunnel-profile", "tunnel", "type"]);
    all::<AuthenticationMethod>(&["access", "profile", "authentication-order"]);
    all::<PppAuthentication>(&["access", "profile", "client", "l2tp", "ppp-authentication"]);
    all::<AvpAction>(&["access", "tunnel-switch-profile", "avp", "bearer-type"]);
    all::<AccountingStatistics>(&["access", "profile", "accounting", "statistics"]);
    all::<InterfaceEncapsulation>(&["interfaces", "encapsulation"]);
    all::<UnitEncapsulation>(&["interfaces", "unit", "encapsulation"]);
    all::<CommunityAuthorization>(&["snmp", "community", "authorization"]);
}

/// A configuration committed when `snmp community clients` was a leaf-list keeps its
/// prefixes in force: an upgrade does not open the community to every client.
#[test]
fn snmp_clients_stored_as_values_still_restrict() {
    let mut root = Node::default();
    set(&mut root, "snmp community=public clients", &["127.0.0.0/8"]);
    let c = router_config(&root);
    assert_eq!(
        c.snmp.communities["public"].clients,
        vec![SnmpClient::parse("127.0.0.0/8", false)[0]]
    );
}

#[test]
fn vlans_pppoe_and_service_name_tables_read_typed() {
    let tree = crate::parse::parse_config(
        r#"interfaces { ge-1/0/0 { flexible-vlan-tagging;
            unit 0 { family pppoe { short-cycle-protection; mtu use-lower-layer; } }
            unit 100 { vlan-id 100; family pppoe { mtu 1492; service-name-table svc; } }
            unit 101 { vlan-tags outer 100 inner 7;
                family pppoe { short-cycle-protection lockout-time-max 60; } }
            unit 103 { vlan-tags outer 0x9100.103 inner 7; }
            unit 102 { vlan-id 102;
                family pppoe { short-cycle-protection lockout-time-min 10 lockout-time-max 10; } } } }
        protocols { pppoe { service-name-tables svc {
            service gold { delay 3; max-sessions 10; routing-instance ri1; }
            service empty;
            service any { drop; dynamic-profile dp; } } } }"#,
    )
    .unwrap();
    let c = router_config(&tree);
    let i = &c.interfaces["ge-1/0/0"];
    assert_eq!(i.vlan_tagging, Some(VlanTagging::FlexibleVlanTagging));
    assert_eq!(i.units[&0].vlan, UnitVlan::None);
    assert_eq!(i.units[&100].vlan, UnitVlan::Single(100));
    assert_eq!(
        i.units[&101].vlan,
        UnitVlan::Stacked {
            outer: 100,
            inner: 7
        }
    );
    assert_eq!(i.units[&101].vlan_tpids, [None, None]);
    assert_eq!(
        i.units[&103].vlan,
        UnitVlan::Stacked {
            outer: 103,
            inner: 7
        }
    );
    assert_eq!(i.units[&103].vlan_tpids, [Some(0x9100), None]);
    let untagged = i.units[&0].pppoe.as_ref().unwrap();
    // Junos' defaults when no bound is written: 1 to 300 s.
    let lockout = |min, max| {
        Some(ShortCycleProtection {
            lockout_time_min: min,
            lockout_time_max: max,
        })
    };
    assert_eq!(untagged.short_cycle_protection, lockout(1, 300));
    assert_eq!(untagged.mtu, Some(PppoeMtu::UseLowerLayer));
    let short_cycle = |unit: u16| {
        i.units[&unit]
            .pppoe
            .as_ref()
            .unwrap()
            .short_cycle_protection
    };
    assert_eq!(short_cycle(101), lockout(1, 60));
    assert_eq!(short_cycle(102), lockout(10, 10));
    let tagged = i.units[&100].pppoe.as_ref().unwrap();
    assert_eq!(tagged.short_cycle_protection, None);
    assert_eq!(tagged.mtu, Some(PppoeMtu::Bytes(1492)));
    let table = &c.pppoe_service_name_tables["svc"];
    let names: Vec<String> = table.services.iter().map(|s| s.name.to_string()).collect();
    assert_eq!(names, ["gold", "empty", "any"], "configuration order");
    assert_eq!(table.services[0].action, ServiceAction::Delay(3));
    assert_eq!(table.services[0].max_sessions, Some(10));
    assert_eq!(table.services[0].routing_instance.as_deref(), Some("ri1"));
    assert_eq!(table.services[1].action, ServiceAction::Terminate);
    assert_eq!(table.services[2].action, ServiceAction::Drop);
    assert_eq!(table.services[2].dynamic_profile.as_deref(), Some("dp"));
    // An exact name first, then `empty` for no name, then `any`.
    assert_eq!(
        table.lookup("gold").unwrap().name,
        ServiceName::Named("gold".into())
    );
    assert_eq!(table.lookup("").unwrap().name, ServiceName::Empty);
    assert_eq!(table.lookup("silver").unwrap().name, ServiceName::Any);
}

/// Every secret of the typed configuration, set to a distinct clear text: none of them may
/// show when the whole `RouterConfig` is formatted or serialized.
#[test]
fn formatting_the_configuration_never_prints_a_secret() {
    let mut root = Node::default();
    let secrets = [
        (
            "access tunnel-profile=tp1 tunnel=1 secret",
            "tunnel-clear-1",
        ),
        ("access profile=p client=c chap-secret", "chap-clear-2"),
        ("access profile=p client=c pap-password", "pap-clear-3"),
        (
            "access profile=p client=c l2tp shared-secret",
            "lns-clear-4",
        ),
        ("access radius-server=127.0.0.1 secret", "radius-clear-5"),
        (
            "access profile=p radius-server=127.0.0.2 secret",
            "radius-clear-6",
        ),
        ("access radius-disconnect=127.0.0.3 secret", "coa-clear-7"),
    ];
    for (path, clear) in secrets {
        set(&mut root, path, &[&crate::secret::encode(clear)]);
    }
    let c = router_config(&root);
    // The secrets were read (a config without them would pass vacuously).
    assert_eq!(
        c.access_profiles["p"].clients["c"].pap_password,
        Some(Secret::from("pap-clear-3"))
    );
    let debug = format!("{c:?}");
    let pretty = format!("{c:#?}");
    let json = serde_json::to_string(&c).expect("serializes");
    for (path, clear) in secrets {
        for (form, text) in [
            ("Debug", &debug),
            ("pretty Debug", &pretty),
            ("JSON", &json),
        ] {
            assert!(!text.contains(clear), "{form} of `{path}` shows it: {text}");
        }
    }
    assert_eq!(debug.matches("<secret>").count(), secrets.len());
    let back: RouterConfig = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back, c);
}

#[test]
fn aaa_statements_and_their_defaults() {
    let mut root = Node::default();
    let secret = crate::secret::encode("testing123");
    set(
        &mut root,
        "access radius-server=127.0.0.1 secret",
        &[&secret],
    );
    set(
        &mut root,
        "access radius-server=127.0.0.2 secret",
        &[&secret],
    );
    set(
        &mut root,
        "access radius-server=127.0.0.2 max-outstanding-requests",
        &["64"],
    );
    set(
        &mut root,
        "access radius-server=127.0.0.2 message-authenticator",
        &["optional"],
    );
    set(
        &mut root,
        "access profile=p radius-server=127.0.0.1 secret",
        &[&secret],
    );
    set(
        &mut root,
        "access profile=p radius-server=127.0.0.1 message-authenticator",
        &["optional"],
    );
    set(
        &mut root,
        "access profile=p radius options nas-identifier",
        &["lac1"],
    );
    set(
        &mut root,
        "access profile=p radius options calling-station-id-format mac-address",
        &[],
    );
    set(
        &mut root,
        "access profile=p radius options calling-station-id-format agent-circuit-id",
        &[],
    );
    set(
        &mut root,
        "access profile=p radius attributes ignore input-filter",
        &[],
    );
    set(&mut root, "access profile=p accounting order", &["radius"]);
    set(
        &mut root,
        "access profile=p accounting update-interval",
        &["15"],
    );
    set(
        &mut root,
        "access profile=p accounting accounting-stop-on-access-deny",
        &[],
    );
    set(
        &mut root,
        "access profile=p accounting immediate-update",
        &[],
    );
    set(
        &mut root,
        "access profile=q accounting statistics",
        &["time"],
    );
    set(
        &mut root,
        "access radius-disconnect=127.0.0.9 secret",
        &[&secret],
    );
    set(&mut root, "access-profile", &["p"]);
    let c = router_config(&root);

    let server = |p: &'static str| ["access", "radius-server", p];
    let plain = &c.radius_servers[&Ipv4Addr::new(127, 0, 0, 1)];
    assert_eq!(
        plain.max_outstanding_requests,
        default_of::<u32>(&server("max-outstanding-requests"))
    );
    assert_eq!(plain.max_outstanding_requests, 1000);
    assert_eq!(
        stmt_at(&server("message-authenticator")).and_then(|s| s.default),
        Some("require")
    );
    assert!(plain.require_message_authenticator);
    let relaxed = &c.radius_servers[&Ipv4Addr::new(127, 0, 0, 2)];
    assert_eq!(relaxed.max_outstanding_requests, 64);
    assert!(!relaxed.require_message_authenticator);

    let p = &c.access_profiles["p"];
    // The profile's own entry first, then [edit access radius-server], else nothing.
    let own = p.radius_server(&c, Ipv4Addr::new(127, 0, 0, 1)).unwrap();
    assert!(!own.require_message_authenticator);
    assert_eq!(
        p.radius_server(&c, Ipv4Addr::new(127, 0, 0, 2)),
        Some(relaxed)
    );
    assert_eq!(p.radius_server(&c, Ipv4Addr::new(127, 0, 0, 3)), None);

    assert_eq!(p.radius_options.nas_identifier.as_deref(), Some("lac1"));
    assert_eq!(
        p.radius_ignore,
        RadiusIgnore {
            input_filter: true,
            output_filter: false,
            routing_instance: false,
        }
    );
    assert_eq!(
        c.access_profiles["q"].radius_ignore,
        RadiusIgnore::default()
    );
    let format = &p.radius_options.calling_station_id_format;
    assert!(format.mac_address && format.agent_circuit_id);
    assert!(!format.agent_remote_id && !format.interface_description && !format.nas_identifier);
    assert_eq!(format.delimiter, "#");
    assert_eq!(
        p.accounting,
        Some(AccountingOptions {
            update_interval: Some(15),
            statistics: AccountingStatistics::VolumeTime,
            stop_on_failure: false,
            stop_on_access_deny: true,
            immediate_update: true,
            coa_immediate_update: false,
        })
    );
    // Without `order radius` there is no accounting.
    assert_eq!(c.access_profiles["q"].accounting, None);
    assert_eq!(
        c.access_profiles["q"].radius_options,
        RadiusOptions {
            nas_identifier: None,
            calling_station_id_format: CallingStationIdFormat {
                delimiter: "#".into(),
                ..Default::default()
            },
            nas_port_id_format: NasPortIdFormat {
                delimiter: "#".into(),
                ..Default::default()
            },
            ..Default::default()
        }
    );

    assert_eq!(c.access_profile.as_deref(), Some("p"));
    assert_eq!(
        c.radius_disconnect_port,
        default_of::<u16>(&["access", "radius-disconnect-port"])
    );
    assert_eq!(c.radius_disconnect_port, 3799);
    assert_eq!(
        c.radius_disconnect.get(&Ipv4Addr::new(127, 0, 0, 9)),
        Some(&Some(Secret::from("testing123")))
    );
    let empty = router_config(&Node::default());
    assert_eq!(empty.access_profile, None);
    assert!(empty.radius_disconnect.is_empty());
    assert_eq!(empty.radius_revert_interval, 60, "Junos' default");
}

#[test]
fn radius_revert_interval_is_read_and_zero_is_allowed() {
    for (value, expected) in [("5", 5), ("0", 0), ("604800", 604800)] {
        let mut root = Node::default();
        set(&mut root, "access radius-options revert-interval", &[value]);
        let c = router_config(&root);
        assert_eq!(c.radius_revert_interval, expected);
    }
}

#[test]
fn every_trace_filter_protocol_is_kept() {
    let mut root = Node::default();
    for protocol in ["l2tp", "ppp", "radius"] {
        root.ensure(&[
            NodeId::new("services"),
            NodeId::new("l2tp"),
            NodeId::new("traceoptions"),
            NodeId::new("filter"),
            NodeId::entry("protocol", protocol),
        ]);
    }
    let c = router_config(&root);
    let trace = c.l2tp.traceoptions.expect("traceoptions");
    assert_eq!(trace.filter_protocols, ["l2tp", "ppp", "radius"]);
}

/// `trap-group`: Junos' defaults (version all, port 162), no `categories` = every one.
#[test]
fn trap_groups_read_with_junos_defaults() {
    let tree = crate::parse::parse_config(
        "snmp {\n    trap-group noc {\n        targets {\n            127.0.0.9;\n            ::1;\n        }\n    }\n    trap-group boot {\n        version v1;\n        routing-instance mgmt;\n        destination-port 16200;\n        categories {\n            startup;\n        }\n        targets {\n            127.0.0.10;\n        }\n    }\n    trap-options {\n        agent-address outgoing-interface;\n        source-address 127.0.0.2;\n    }\n}\n",
    )
    .unwrap();
    let c = router_config(&tree);
    let noc = &c.snmp.trap_groups["noc"];
    assert_eq!((noc.version, noc.destination_port), (TrapVersion::All, 162));
    assert!(noc.takes("authentication") && noc.takes("startup"));
    assert_eq!(noc.targets.len(), 2);
    let boot = &c.snmp.trap_groups["boot"];
    assert_eq!(
        (boot.version, boot.destination_port),
        (TrapVersion::V1, 16200)
    );
    assert!(boot.takes("startup") && !boot.takes("authentication"));
    assert_eq!(boot.routing_instance.as_deref(), Some("mgmt"));
    assert_eq!(noc.routing_instance, None);
    assert_eq!(c.snmp.trap_source_address, Some([127, 0, 0, 2].into()));
    assert!(c.snmp.trap_agent_address_outgoing);
}

#[test]
fn a_profiles_access_routes_read_as_written_its_own_then_its_instances() {
    let tree = crate::parse::parse_config(
        r#"dynamic-profiles P {
            routing-instances "$junos-routing-instance" { routing-options { access {
                route 127.0.9.0/24 { next-hop 127.0.0.9; } } } }
            routing-options { access { route "$junos-framed-route-ip-address-prefix" {
                next-hop "$junos-framed-route-nexthop"; metric "$junos-framed-route-cost";
                preference 20; tag 7; } } } }"#,
    )
    .unwrap();
    let c = router_config(&tree);
    let routes = &c.dynamic_profiles["P"].access_routes;
    assert_eq!(
        routes,
        &[
            AccessRouteTemplate {
                prefix: FRAMED_ROUTE_PREFIX.into(),
                next_hop: Some("$junos-framed-route-nexthop".into()),
                metric: Some("$junos-framed-route-cost".into()),
                preference: Some("20".into()),
                tag: Some("7".into()),
            },
            AccessRouteTemplate {
                prefix: "127.0.9.0/24".into(),
                next_hop: Some("127.0.0.9".into()),
                ..AccessRouteTemplate::default()
            },
        ]
    );
}

/// `system internet-options icmpv4-rate-limit`: Junos' defaults (1000 a second, 5 seconds)
/// when absent or half written, the values written otherwise, 0 included.
#[test]
fn icmpv4_rate_limit_reads_typed_with_junos_defaults() {
    let read = |text: &str| router_config(&crate::parse::parse_config(text).unwrap());
    let limit = |packet_rate, bucket_size| IcmpRateLimit {
        packet_rate,
        bucket_size,
    };
    assert_eq!(read("").icmpv4_rate_limit, limit(1000, 5));
    assert_eq!(
        IcmpRateLimit::default(),
        limit(
            default_of(&[
                "system",
                "internet-options",
                "icmpv4-rate-limit",
                "packet-rate"
            ]),
            default_of(&[
                "system",
                "internet-options",
                "icmpv4-rate-limit",
                "bucket-size"
            ]),
        ),
        "the table's defaults are the typed ones"
    );
    let both = "system { internet-options { icmpv4-rate-limit packet-rate 50 bucket-size 2; } }";
    assert_eq!(read(both).icmpv4_rate_limit, limit(50, 2));
    let rate = "system { internet-options { icmpv4-rate-limit packet-rate 0; } }";
    assert_eq!(read(rate).icmpv4_rate_limit, limit(0, 5));
    let most = "system { internet-options { icmpv4-rate-limit bucket-size 4294967295; } }";
    assert_eq!(read(most).icmpv4_rate_limit, limit(1000, u32::MAX));
}

#[test]
fn radius_options_of_a_profile_are_read_with_junos_defaults() {
    let lines = "\
set access profile p radius options accounting-session-id-format description
set access profile p radius options client-authentication-algorithm round-robin
set access profile p radius options ethernet-port-type-virtual
set access profile p radius options interface-description-format exclude-sub-interface
set access profile p radius options nas-port-id-delimiter %
set access profile p radius options nas-port-id-format nas-identifier
set access profile p radius options nas-port-id-format interface-description
set access profile p radius options nas-port-type ethernet xdsl
set access profile p radius options revert-interval 0
set access profile q authentication-order radius
";
    let tree = crate::parse::apply_set_lines(&Node::default(), lines).unwrap();
    let c = router_config(&tree);
    let p = &c.access_profiles["p"].radius_options;
    assert_eq!(
        p.accounting_session_id_format,
        AcctSessionIdFormat::Description
    );
    assert_eq!(
        p.client_authentication_algorithm,
        ServerAlgorithm::RoundRobin
    );
    assert_eq!(p.client_accounting_algorithm, ServerAlgorithm::Direct);
    assert!(p.ethernet_port_type_virtual);
    assert_eq!(
        p.interface_description_format,
        InterfaceDescriptionFormat {
            exclude_adapter: false,
            exclude_sub_interface: true
        }
    );
    assert_eq!(
        p.nas_port_id_format,
        NasPortIdFormat {
            nas_identifier: true,
            interface_description: true,
            interface_text_description: false,
            agent_circuit_id: false,
            agent_remote_id: false,
            order: Vec::new(),
            delimiter: "%".into(),
        }
    );
    assert_eq!(p.nas_port_type_ethernet.as_deref(), Some("xdsl"));
    assert_eq!(p.revert_interval, Some(0));
    let q = &c.access_profiles["q"].radius_options;
    assert_eq!(q.accounting_session_id_format, AcctSessionIdFormat::Decimal);
    assert_eq!(q.client_accounting_algorithm, ServerAlgorithm::Direct);
    assert_eq!(q.nas_port_id_format.delimiter, "#", "Junos' default");
    assert_eq!(q.nas_port_type_ethernet, None);
    assert_eq!(
        q.revert_interval, None,
        "the global revert-interval applies"
    );
}

/// The lists that grow to thousands are read in name order whatever order the text writes
/// them in (all_entries sorts the entries before reading them): each name keeps its own values.
#[test]
fn domain_maps_and_tunnel_profiles_written_out_of_name_order_keep_their_values() {
    let names = ["tp9", "tp10", "tp1", "a", "tp2"];
    let profiles: String = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            format!(
                "tunnel-profile {n} {{ tunnel 1 {{ identification id-{n}; preference {i}; }} }}\n"
            )
        })
        .collect();
    let maps: String = names
        .iter()
        .map(|n| format!("map {n}.example {{ tunnel-profile {n}; }}\n"))
        .collect();
    let text = format!("access {{\n{profiles}domain {{\n{maps}}}\n}}\n");
    let c = router_config(&crate::parse::parse_config(&text).expect("parses"));
    let mut sorted = names.to_vec();
    sorted.sort_unstable();
    assert_eq!(c.tunnel_profiles.keys().collect::<Vec<_>>(), sorted);
    for (i, name) in names.iter().enumerate() {
        let tunnel = &c.tunnel_profiles[*name].tunnels[&1];
        assert_eq!(
            tunnel.identification.as_deref(),
            Some(&*format!("id-{name}"))
        );
        assert_eq!(tunnel.preference, u32::try_from(i).unwrap());
        let map = &c.domain_maps[&format!("{name}.example")];
        assert_eq!(map.tunnel_profile.as_deref(), Some(*name));
    }
    assert_eq!(c.domain_maps.len(), names.len());
}
