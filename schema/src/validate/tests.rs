use super::*;
use proptest::prelude::*;

use crate::tree::test_paths::{ids, set};
use crate::typed::router_config;

fn deactivate(root: &mut Node, path: &str) {
    if let Some(node) = root.get_mut(&ids(path)) {
        node.inactive = true;
    }
}

fn errors(root: &Node) -> (Vec<(String, String, String)>, String) {
    let (errors, summary) = check(root).expect_err("check should fail");
    let errors = errors
        .into_iter()
        .map(|e| (crate::tree::path_words(&e.path), e.statement, e.message))
        .collect();
    (errors, summary)
}

fn err(path: &str, statement: &str, message: &str) -> (String, String, String) {
    (path.to_string(), statement.to_string(), message.to_string())
}

/// A LAC profile that passes every check.
fn lac() -> Node {
    let mut root = Node::default();
    set(&mut root, "system host-name", &["lac1"]);
    set(&mut root, "system login user=alice class", &["super-user"]);
    set(
        &mut root,
        "access tunnel-profile=tp1 tunnel=1 remote-gateway address",
        &["198.18.1.10"],
    );
    set(
        &mut root,
        "access tunnel-profile=tp1 tunnel=1 secret",
        &[&crate::secret::encode("s3cret")],
    );
    set(
        &mut root,
        "access domain map=example.net tunnel-profile",
        &["tp1"],
    );
    set(
        &mut root,
        "access radius-server=127.0.0.1 secret",
        &[&crate::secret::encode("testing123")],
    );
    root
}

#[test]
fn valid_configurations_pass() {
    assert_eq!(check(&Node::default()), Ok(vec![]));
    assert_eq!(check(&lac()), Ok(vec![]));
}

#[test]
fn missing_mandatory_statement() {
    let mut root = lac();
    set(&mut root, "system login user=bob full-name", &["Bob"]);
    let (errors, summary) = errors(&root);
    assert_eq!(
        errors,
        vec![err(
            "system login",
            "user bob",
            "Missing mandatory statement: 'class'"
        )]
    );
    assert_eq!(summary, MISSING_MANDATORY);
}

#[test]
fn radius_server_needs_a_secret() {
    let mut root = lac();
    set(&mut root, "access radius-server=127.0.0.2 port", &["1812"]);
    let (errors, summary) = errors(&root);
    assert_eq!(
        errors,
        vec![err(
            "access",
            "radius-server 127.0.0.2",
            "Missing mandatory statement: 'secret'"
        )]
    );
    assert_eq!(summary, MISSING_MANDATORY);
}

#[test]
fn undefined_reference() {
    let mut root = lac();
    set(
        &mut root,
        "access domain map=example.net tunnel-profile",
        &["tp-missing"],
    );
    let (errors, summary) = errors(&root);
    assert_eq!(
        errors,
        vec![err(
            "access domain map example.net",
            "tunnel-profile tp-missing",
            "Referenced tunnel profile is not defined"
        )]
    );
    assert_eq!(summary, CHECK_OUT_FAILED);
}

#[test]
fn inactive_statements_are_not_checked_and_do_not_count() {
    let mut root = lac();
    set(
        &mut root,
        "access domain map=other.net tunnel-profile",
        &["tp-missing"],
    );
    deactivate(&mut root, "access domain map=other.net");
    assert_eq!(check(&root), Ok(vec![]));
    // A deactivated profile is not there for the engine, so referring to it fails.
    deactivate(&mut root, "access tunnel-profile=tp1");
    let (errors, _) = errors(&root);
    assert_eq!(
        errors,
        vec![err(
            "access domain map example.net",
            "tunnel-profile tp1",
            "Referenced tunnel profile is not defined"
        )]
    );
}

/// The commit's typed view (built from the tree already stripped of inactive statements)
/// is the one `router_config` gives the engine elsewhere (rollback, start-up).
#[test]
fn the_checked_view_is_the_router_config() {
    let mut root = lac();
    set(
        &mut root,
        "access domain map=other.net tunnel-profile",
        &["tp1"],
    );
    set(
        &mut root,
        "access tunnel-profile=tp1 tunnel=1 preference",
        &["3"],
    );
    assert_eq!(
        check_and_view(&root).map(|(_, c)| c),
        Ok(router_config(&root))
    );
    deactivate(&mut root, "access domain map=other.net");
    deactivate(&mut root, "access tunnel-profile=tp1 tunnel=1 preference");
    let (_, view) = check_and_view(&root).expect("checks");
    assert_eq!(view, router_config(&root));
    assert!(!view.domain_maps.contains_key("other.net"));
}

#[test]
fn tunnel_groups_cannot_share_a_local_address() {
    let mut root = lac();
    set(
        &mut root,
        "services l2tp tunnel-group=a local-gateway address",
        &["198.18.1.2"],
    );
    set(
        &mut root,
        "services l2tp tunnel-group=b local-gateway address",
        &["198.18.1.2"],
    );
    set(
        &mut root,
        "services l2tp tunnel-group=c local-gateway address",
        &["198.18.1.3"],
    );
    let (errors, summary) = errors(&root);
    assert_eq!(
        errors,
        vec![err(
            "services l2tp tunnel-group b local-gateway",
            "address 198.18.1.2",
            "Local gateway address 198.18.1.2 is already used by tunnel-group a"
        )]
    );
    assert_eq!(summary, CHECK_OUT_FAILED);
}

#[test]
fn tunnel_group_needs_a_local_gateway() {
    let mut root = lac();
    set(
        &mut root,
        "services l2tp tunnel-group=a hello-interval",
        &["30"],
    );
    set(
        &mut root,
        "services l2tp tunnel-group=b local-gateway gateway-name",
        &["lns"],
    );
    let (errors, _) = errors(&root);
    assert_eq!(
        errors,
        vec![
            err(
                "services l2tp",
                "tunnel-group a",
                "Missing mandatory statement: 'local-gateway'"
            ),
            err(
                "services l2tp tunnel-group b",
                "local-gateway",
                "Missing mandatory statement: 'address'"
            ),
        ]
    );
}

/// Juniper's own tunnel-group example writes `retransmit-interval 5`, and the statement page gives
/// no range, so it loads. RFC 2661 section 5.8 says a cap on the wait MUST be at least 8 s: the
/// daemon waits up to 8 s, and the commit says so where the statement is.
#[test]
fn a_retransmit_interval_below_eight_seconds_warns_that_eight_is_used() {
    let mut root = lac();
    set(
        &mut root,
        "services l2tp tunnel-group=a local-gateway address",
        &["198.18.1.2"],
    );
    set(
        &mut root,
        "services l2tp tunnel-group=a retransmit-interval",
        &["5"],
    );
    assert_eq!(
        check(&root),
        Ok(vec![
            "warning: [edit services l2tp tunnel-group a] 'retransmit-interval 5': the longest wait \
             between retransmissions is 8 seconds, the least RFC 2661 (section 5.8) allows"
                .to_string()
        ])
    );
    set(
        &mut root,
        "services l2tp tunnel-group=a retransmit-interval",
        &["8"],
    );
    assert_eq!(check(&root), Ok(vec![]));
}

#[test]
fn at_most_eight_preference_levels() {
    let mut root = lac();
    for n in 1..=8 {
        let t = format!("access tunnel-profile=tp1 tunnel={n}");
        set(
            &mut root,
            &format!("{t} remote-gateway address"),
            &[&format!("198.18.1.{n}")],
        );
        set(&mut root, &format!("{t} preference"), &[&n.to_string()]);
    }
    assert_eq!(check(&root), Ok(vec![]));
    // Tunnel 9 left at the default preference makes a ninth level.
    set(
        &mut root,
        "access tunnel-profile=tp1 tunnel=9 remote-gateway address",
        &["198.18.1.9"],
    );
    let (errors, _) = errors(&root);
    assert_eq!(
        errors,
        vec![err(
            "access",
            "tunnel-profile tp1",
            "Tunnel profile uses 9 preference levels; at most 8 are supported"
        )]
    );
    set(
        &mut root,
        "access tunnel-profile=tp1 tunnel=9 preference",
        &["8"],
    );
    assert_eq!(check(&root), Ok(vec![]));
}

#[test]
fn profile_tunnels_need_a_remote_address() {
    let mut root = lac();
    set(
        &mut root,
        "access tunnel-profile=tp1 tunnel=2 remote-gateway gateway-name",
        &["LNS2"],
    );
    set(
        &mut root,
        "access tunnel-profile=tp1 tunnel=3 logical-system",
        &["ls1"],
    );
    set(
        &mut root,
        "access tunnel-profile=tp1 tunnel=3 remote-gateway address",
        &["198.18.1.3"],
    );
    let (errors, _) = errors(&root);
    assert_eq!(
        errors,
        vec![
            err(
                "access tunnel-profile tp1",
                "tunnel 2",
                "Tunnel has no remote-gateway address"
            ),
            err(
                "access tunnel-profile tp1",
                "tunnel 3",
                "logical-system requires routing-instance"
            ),
        ]
    );
}

#[test]
fn two_tunnels_of_a_profile_cannot_be_the_same_tunnel() {
    let mut root = lac();
    let remote = |n: u8| format!("access tunnel-profile=tp1 tunnel={n} remote-gateway address");
    for n in 2..=5 {
        set(&mut root, &remote(n), &["198.18.1.10"]);
    }
    // Told apart by their identification or by the name we present: distinct tunnels.
    set(
        &mut root,
        "access tunnel-profile=tp1 tunnel=3 identification",
        &["lns-b"],
    );
    set(
        &mut root,
        "access tunnel-profile=tp1 tunnel=4 source-gateway gateway-name",
        &["lac-b"],
    );
    // Tunnel 5 differs by its secret alone: that does not make it another tunnel.
    set(
        &mut root,
        "access tunnel-profile=tp1 tunnel=5 secret",
        &[&crate::secret::encode("other")],
    );
    // The same tunnel in another profile is fine: a profile lists alternatives.
    set(
        &mut root,
        "access tunnel-profile=tp2 tunnel=1 remote-gateway address",
        &["198.18.1.10"],
    );
    let (errors, summary) = errors(&root);
    let same_as_1 = |n: u8| {
        err(
            &format!("access tunnel-profile tp1 tunnel {n}"),
            "remote-gateway address 198.18.1.10",
            &format!(
                "Tunnel {n} is the same tunnel as tunnel 1: same remote-gateway address, \
                 routing-instance, identification and source-gateway address and gateway-name"
            ),
        )
    };
    assert_eq!(errors, vec![same_as_1(2), same_as_1(5)]);
    assert_eq!(summary, CHECK_OUT_FAILED);
}

#[test]
fn address_ranges() {
    let mut root = lac();
    let inet = "access address-assignment pool=p1 family inet";
    set(&mut root, &format!("{inet} network"), &["198.18.64.0/24"]);
    set(
        &mut root,
        &format!("{inet} range=ok low"),
        &["198.18.64.10"],
    );
    set(
        &mut root,
        &format!("{inet} range=ok high"),
        &["198.18.64.20"],
    );
    assert_eq!(check(&root), Ok(vec![]));
    set(
        &mut root,
        &format!("{inet} range=reversed low"),
        &["198.18.64.50"],
    );
    set(
        &mut root,
        &format!("{inet} range=reversed high"),
        &["198.18.64.40"],
    );
    set(
        &mut root,
        &format!("{inet} range=outside low"),
        &["198.18.64.250"],
    );
    set(
        &mut root,
        &format!("{inet} range=outside high"),
        &["198.18.65.5"],
    );
    set(
        &mut root,
        &format!("{inet} range=overlap low"),
        &["198.18.64.20"],
    );
    set(
        &mut root,
        &format!("{inet} range=overlap high"),
        &["198.18.64.30"],
    );
    let (errors, _) = errors(&root);
    let at = "access address-assignment pool p1 family inet";
    assert_eq!(
        errors,
        vec![
            err(
                at,
                "range outside",
                "Range is outside network 198.18.64.0/24"
            ),
            err(at, "range overlap", "Range overlaps range ok"),
            err(
                at,
                "range reversed",
                "Range low address 198.18.64.50 is above high address 198.18.64.40"
            ),
        ]
    );
}

/// The router's own address in a pool is the lowest address of the network outside every
/// range; a pool whose ranges cover the whole network has none and is refused.
#[test]
fn an_address_pool_needs_a_gateway_and_its_name_servers_another_source() {
    let mut root = lac();
    let inet = "access address-assignment pool=p1 family inet";
    set(&mut root, &format!("{inet} network"), &["198.18.64.0/29"]);
    set(&mut root, &format!("{inet} range=r low"), &["198.18.64.2"]);
    set(&mut root, &format!("{inet} range=r high"), &["198.18.64.6"]);
    assert_eq!(check(&root), Ok(vec![]));
    // .1 taken as well: no host address is left for the router.
    set(&mut root, &format!("{inet} range=r low"), &["198.18.64.1"]);
    let (errors, _) = errors(&root);
    assert_eq!(
        errors,
        vec![err(
            "access address-assignment pool p1 family inet",
            "network 198.18.64.0/29",
            "Address pool p1 needs an address of network 198.18.64.0/29 outside every range \
             for the router (its IPCP address)"
        )]
    );
    set(&mut root, &format!("{inet} range=r low"), &["198.18.64.2"]);
    set(
        &mut root,
        &format!("{inet} dhcp-attributes name-server"),
        &["127.0.0.53", "127.0.0.54", "127.0.0.55"],
    );
    // Junos gives a pool's name servers to DHCP clients only ("DNS Name Server Addresses
    // for Subscriber Management"), and this router has none: with no other source, PPP
    // subscribers get no name server, which the operator is told.
    assert_eq!(
        check(&root),
        Ok(vec![
            "warning: [edit access address-assignment pool p1 family inet dhcp-attributes] \
             'name-server': statement has no effect for PPP subscribers: a pool's name \
             servers are for DHCP clients only, and no name server for PPP is configured \
             (set access domain-name-server-inet, or an access profile's)"
                .to_string()
        ])
    );
    // A source PPP takes: the router's, an access profile's, a client entry's.
    for source in [
        "access domain-name-server-inet=127.0.0.60",
        "access profile=ap domain-name-server-inet=127.0.0.60",
        "access profile=ap client=u ppp primary-dns",
    ] {
        let mut with = root.clone();
        if let Some(entry) = source.strip_suffix(" ppp primary-dns") {
            set(
                &mut with,
                &format!("{entry} ppp primary-dns"),
                &["127.0.0.60"],
            );
        } else {
            set(&mut with, source, &[]);
        }
        assert_eq!(check(&with), Ok(vec![]), "{source}");
    }
}

#[test]
fn an_address_pool_of_more_than_a_slash_8_is_refused() {
    let mut root = lac();
    let inet = "access address-assignment pool=big family inet";
    set(&mut root, &format!("{inet} network"), &["198.0.0.0/7"]);
    set(&mut root, &format!("{inet} range=r low"), &["198.0.0.2"]);
    set(&mut root, &format!("{inet} range=r high"), &["199.1.0.0"]);
    let (errors, _) = errors(&root);
    assert_eq!(
        errors,
        vec![err(
            "access address-assignment pool big family inet",
            "range",
            "Address pool big has 16842751 addresses in its ranges, more than 16777216"
        )]
    );
}

#[test]
fn interface_addresses() {
    let mut root = lac();
    set(
        &mut root,
        "interfaces=ge-0/0/0 unit=0 family inet address=198.18.0.1/24",
        &[],
    );
    set(
        &mut root,
        "interfaces=ge-0/0/1 unit=0 family inet address=198.18.2.0/31",
        &[],
    );
    set(
        &mut root,
        "interfaces=lo0 unit=0 family inet address=127.0.0.1/32",
        &[],
    );
    assert_eq!(check(&root), Ok(vec![]));
    set(
        &mut root,
        "interfaces=ge-0/0/1 unit=1 family inet address=198.18.0.1/16",
        &[],
    );
    set(
        &mut root,
        "interfaces=ge-0/0/1 unit=2 family inet address=198.18.1.0/24",
        &[],
    );
    set(
        &mut root,
        "interfaces=ge-0/0/1 unit=3 family inet address=198.18.1.255/24",
        &[],
    );
    set(
        &mut root,
        "interfaces=ge-0/0/1 unit=4 family inet address=198.18.1.300/24",
        &[],
    );
    set(
        &mut root,
        "interfaces=ge-0/0/1 unit=5 family inet address=198.18.1.1",
        &[],
    );
    let (errors, _) = errors(&root);
    let at = |unit: u8| format!("interfaces ge-0/0/1 unit {unit} family inet");
    assert_eq!(
        errors,
        vec![
            err(
                &at(1),
                "address 198.18.0.1/16",
                "Address 198.18.0.1 is already configured on ge-0/0/0 unit 0"
            ),
            err(
                &at(2),
                "address 198.18.1.0/24",
                "198.18.1.0 is the network or broadcast address of 198.18.1.0/24"
            ),
            err(
                &at(3),
                "address 198.18.1.255/24",
                "198.18.1.255 is the network or broadcast address of 198.18.1.0/24"
            ),
            err(
                &at(4),
                "address 198.18.1.300/24",
                "Invalid interface address '198.18.1.300/24': expecting a.b.c.d/len"
            ),
            err(
                &at(5),
                "address 198.18.1.1",
                "Invalid interface address '198.18.1.1': expecting a.b.c.d/len"
            ),
        ]
    );
}

#[test]
fn malformed_trees_are_refused_not_trusted() {
    let mut root = lac();
    set(&mut root, "services l2tp no-such-statement", &[]);
    set(&mut root, "services l2tp tunnel idle-timeout", &["99999"]);
    set(&mut root, "services l2tp drain", &["yes"]);
    set(
        &mut root,
        "access tunnel-profile=tp1 tunnel=1 preference",
        &[],
    );
    set(
        &mut root,
        "access tunnel-profile=tp1 tunnel=40 remote-gateway address",
        &["198.18.1.40"],
    );
    // A clear secret never belongs in a tree: `set` stores it as $9$.
    set(
        &mut root,
        "access radius-server=127.0.0.1 secret",
        &["testing123"],
    );
    let (errors, summary) = errors(&root);
    assert_eq!(
        errors,
        vec![
            err(
                "access tunnel-profile tp1 tunnel 1",
                "preference",
                "Statement takes exactly one value"
            ),
            err(
                "access tunnel-profile tp1",
                "tunnel 40",
                "Value 40 is not within range (1..31)"
            ),
            err(
                "access radius-server 127.0.0.1",
                "secret",
                "invalid $9$ secret: missing $9$ prefix"
            ),
            err(
                "services l2tp",
                "no-such-statement",
                "Statement not known to this version"
            ),
            err(
                "services l2tp tunnel",
                "idle-timeout",
                "Value 99999 is not within range (0..86400)"
            ),
            err("services l2tp", "drain", "Statement takes no value"),
        ]
    );
    assert_eq!(summary, CHECK_OUT_FAILED);
}

#[test]
fn warnings_and_defaults() {
    let mut root = lac();
    // No authorization: read-only by default, not an error.
    set(&mut root, "snmp community=public clients=127.0.0.0/8", &[]);
    assert_eq!(check(&root), Ok(vec![]));
    set(
        &mut root,
        "snmp community=private authorization",
        &["read-write"],
    );
    set(&mut root, "services l2tp drain", &[]);
    let warnings = check(&root).expect("warnings only");
    assert_eq!(
        warnings,
        vec![
            "warning: [edit services l2tp] 'drain': new tunnels, sessions and destinations will be refused",
            "warning: [edit snmp community private] 'authorization read-write': the agent serves read-only objects; set requests are refused",
        ]
    );
}

/// What the daemon cannot act on is accepted, so a Junos configuration still loads, but never
/// silently: each such statement warns where it is set (the table's `no_effect`).
#[test]
fn statements_without_effect_warn() {
    let mut root = lac();
    set(&mut root, "services l2tp ip-reassembly", &[]);
    set(
        &mut root,
        "access tunnel-profile=tp1 tunnel=1 routing-instance",
        &["ri1"],
    );
    set(
        &mut root,
        "services l2tp tunnel assignment-id-format",
        &["client-server-id"],
    );
    let warnings = check(&root).expect("warnings only");
    assert_eq!(
        warnings,
        vec![
            "warning: [edit access tunnel-profile tp1 tunnel 1] 'routing-instance': statement has no effect: routing instances are not implemented; the main routing table is used",
            "warning: [edit services l2tp] 'ip-reassembly': statement has no effect: the host's IP stack reassembles fragmented L2TP datagrams whether or not it is set",
            "warning: [edit services l2tp tunnel] 'assignment-id-format client-server-id': statement has no effect: a tunnel is identified by its identification alone",
        ]
    );
    // The default format is what the daemon does: no warning.
    set(
        &mut root,
        "services l2tp tunnel assignment-id-format",
        &["assignment-id"],
    );
    assert_eq!(check(&root).expect("warnings only").len(), 2);
    // An inactive statement is not checked, so it does not warn either.
    deactivate(&mut root, "services l2tp ip-reassembly");
    assert_eq!(check(&root).expect("warnings only").len(), 1);
}

/// `tx-connect-speed-method`: the agent's rates are built, the methods whose source this
/// router lacks warn (and fall back to the static speed).
#[test]
fn a_connect_speed_method_without_a_source_warns() {
    let mut root = lac();
    for method in ["static", "advisory", "pppoe-ia-tag", "dsl-forum"] {
        set(
            &mut root,
            "services l2tp tx-connect-speed-method",
            &[method],
        );
        assert_eq!(check(&root), Ok(vec![]), "{method}");
    }
    set(
        &mut root,
        "services l2tp tx-connect-speed-method",
        &["ancp"],
    );
    assert_eq!(
        check(&root),
        Ok(vec![
            "warning: [edit services l2tp] 'tx-connect-speed-method ancp': statement has no effect: this router has no ANCP or CoS shaping rate, so the connect speeds are the static ones (as Junos falls back when the method has no value)".to_string()
        ])
    );
}

/// The trace file is created in the state directory: a name cannot lead out of it.
#[test]
fn trace_file_name_stays_in_the_state_directory() {
    let mut root = lac();
    set(
        &mut root,
        "services l2tp traceoptions file filename",
        &["l2tpd-trace"],
    );
    assert_eq!(check(&root), Ok(vec![]));
    set(
        &mut root,
        "services l2tp traceoptions file filename",
        &["a/../../etc/passwd"],
    );
    assert_eq!(
        errors(&root).0,
        vec![err(
            "services l2tp traceoptions file",
            "filename a/../../etc/passwd",
            "A trace file name cannot contain '/': the file is created in the state directory"
        )]
    );
}

#[test]
fn profile_radius_servers_must_be_defined() {
    let mut root = lac();
    set(
        &mut root,
        "access profile=aaa authentication-order",
        &["radius"],
    );
    set(
        &mut root,
        "access profile=aaa radius authentication-server",
        &["127.0.0.1", "127.0.0.5"],
    );
    set(
        &mut root,
        "access profile=aaa radius-server=127.0.0.6 secret",
        &[&crate::secret::encode("x")],
    );
    set(
        &mut root,
        "access profile=aaa radius accounting-server",
        &["127.0.0.6"],
    );
    let (errors, _) = errors(&root);
    assert_eq!(
        errors,
        vec![err(
            "access profile aaa radius",
            "authentication-server 127.0.0.5",
            "Referenced RADIUS server is not defined"
        )]
    );
}

#[test]
fn aaa_routing_instance_names_default_or_a_configured_instance() {
    let mut root = lac();
    set(
        &mut root,
        "access domain map=isp.example aaa-routing-instance",
        &["isp-aaa"],
    );
    let (errors_found, _) = errors(&root);
    assert_eq!(
        errors_found,
        vec![err(
            "access domain map isp.example",
            "aaa-routing-instance isp-aaa",
            "Referenced routing instance is not defined"
        )]
    );
    set(
        &mut root,
        "routing-instances=isp-aaa instance-type",
        &["virtual-router"],
    );
    assert!(check(&root).is_ok());
    set(
        &mut root,
        "access domain map=isp.example aaa-routing-instance",
        &["default"],
    );
    assert!(check(&root).is_ok());
}

#[test]
fn a_trap_groups_routing_instance_is_default_or_a_configured_instance() {
    let mut root = lac();
    set(&mut root, "snmp trap-group=noc targets=127.0.0.9", &[]);
    set(&mut root, "snmp trap-group=noc routing-instance", &["mgmt"]);
    let (errors_found, _) = errors(&root);
    assert_eq!(
        errors_found,
        vec![err(
            "snmp trap-group noc",
            "routing-instance mgmt",
            "Referenced routing instance is not defined"
        )]
    );
    set(
        &mut root,
        "routing-instances=mgmt instance-type",
        &["virtual-router"],
    );
    assert!(check(&root).is_ok());
    set(
        &mut root,
        "snmp trap-group=noc routing-instance",
        &["default"],
    );
    assert!(check(&root).is_ok());
}

#[test]
fn radius_in_the_order_needs_an_authentication_server() {
    let mut root = lac();
    set(
        &mut root,
        "access profile=aaa authentication-order",
        &["radius", "password"],
    );
    // The profile names no server: every `access radius-server` is asked, as Juniper's "L2TP
    // Minimum Configuration" writes it (9.5, 13.1: `authentication-order radius;` and the
    // servers at [edit access radius-server]).
    assert_eq!(check(&root), Ok(vec![]));
    // No server anywhere: refused.
    let mut none = root.clone();
    deactivate(&mut none, "access radius-server=127.0.0.1");
    assert_eq!(
        errors(&none),
        (
            vec![err(
                "access profile aaa",
                "authentication-order",
                "Access profile aaa lists radius in authentication-order but no RADIUS server \
                 is configured: add 'radius-server ADDRESS' under [edit access], or 'radius \
                 authentication-server ADDRESS' to the profile"
            )],
            CHECK_OUT_FAILED.to_string()
        )
    );
    set(
        &mut root,
        "access profile=aaa radius authentication-server",
        &["127.0.0.1"],
    );
    assert_eq!(check(&root), Ok(vec![]));
    // A profile's own server is asked when the profile names none.
    let mut own = lac();
    set(
        &mut own,
        "access profile=aaa authentication-order",
        &["radius"],
    );
    set(
        &mut own,
        "access profile=aaa radius-server=127.0.0.7 secret",
        &[&crate::secret::encode("x")],
    );
    assert_eq!(check(&own), Ok(vec![]));
}

#[test]
fn accounting_without_order_radius_warns() {
    let mut root = lac();
    set(
        &mut root,
        "access profile=aaa accounting update-interval",
        &["10"],
    );
    assert_eq!(
        check(&root),
        Ok(vec![
            "warning: [edit access profile aaa] 'accounting': accounting has no effect without \
             'order radius'"
                .to_string()
        ])
    );
    set(
        &mut root,
        "access profile=aaa accounting order",
        &["radius"],
    );
    assert_eq!(check(&root), Ok(vec![]));
    set(
        &mut root,
        "access profile=aaa accounting update-interval",
        &["9"],
    );
    assert_eq!(
        errors(&root).0,
        vec![err(
            "access profile aaa accounting",
            "update-interval",
            "Value 9 is not within range (10..1440)"
        )]
    );
}

#[test]
fn radius_disconnect_clients_need_a_secret_and_access_profile_a_profile() {
    let mut root = lac();
    set(&mut root, "access radius-disconnect=127.0.0.9", &[]);
    set(&mut root, "access-profile", &["nowhere"]);
    assert_eq!(
        errors(&root),
        (
            vec![
                err(
                    "access",
                    "radius-disconnect 127.0.0.9",
                    "Missing mandatory statement: 'secret'"
                ),
                err(
                    "",
                    "access-profile nowhere",
                    "Referenced profile is not defined"
                ),
            ],
            MISSING_MANDATORY.to_string()
        )
    );
    set(
        &mut root,
        "access radius-disconnect=127.0.0.9 secret",
        &[&crate::secret::encode("coa")],
    );
    set(
        &mut root,
        "access profile=aaa authentication-order",
        &["none"],
    );
    set(&mut root, "access-profile", &["aaa"]);
    assert_eq!(check(&root), Ok(vec![]));
}

proptest! {
    /// Any value in the table's range passes; any value above it fails, under its own path.
    #[test]
    fn ranges_come_from_the_table(value in 0u64..200_000) {
        let mut root = Node::default();
        set(&mut root, "services l2tp tunnel idle-timeout", &[&value.to_string()]);
        let result = check(&root);
        if value <= 86400 {
            prop_assert_eq!(result, Ok(vec![]));
        } else {
            let (errors, _) = result.expect_err("out of range");
            prop_assert_eq!(crate::tree::path_words(&errors[0].path), "services l2tp tunnel");
            prop_assert_eq!(&errors[0].message, &format!("Value {value} is not within range (0..86400)"));
        }
    }
}

/// `system` statements the host owns (`ntp`, `name-server`, `services ssh`, …) load, so a Junos
/// configuration is taken whole, and each one warns at commit that it has no effect.
#[test]
fn host_level_system_statements_load_and_warn() {
    let mut root = lac();
    set(&mut root, "system domain-name", &["isp.example"]);
    set(&mut root, "system name-server=198.18.0.53", &[]);
    set(&mut root, "system ntp server=198.18.0.123 prefer", &[]);
    set(&mut root, "system services ssh root-login", &["deny"]);
    set(&mut root, "system services netconf ssh", &[]);
    set(
        &mut root,
        "system root-authentication encrypted-password",
        &["$6$salt$hash"],
    );
    set(&mut root, "system commit synchronize", &[]);
    set(&mut root, "system ports console log-out-on-disconnect", &[]);
    let warnings = check(&root).expect("warnings only");
    let named: Vec<&str> = warnings
        .iter()
        .map(|w| w.split('\'').nth(1).unwrap_or_default())
        .collect();
    assert_eq!(
        named,
        [
            "domain-name",
            "name-server 198.18.0.53",
            "ntp",
            "services",
            "root-authentication",
            "commit",
            "ports",
        ],
        "{warnings:#?}"
    );
    assert!(warnings.iter().all(
        |w| w.starts_with("warning: [edit system] ") && w.contains("statement has no effect: ")
    ));
}

#[test]
fn an_interface_named_like_a_unit_is_refused() {
    let mut root = lac();
    set(&mut root, "interfaces=ge-0/0/0.0 description", &["x"]);
    let (errors, _) = errors(&root);
    assert_eq!(
        errors,
        vec![err(
            "interfaces",
            "ge-0/0/0.0",
            "'ge-0/0/0.0' is a logical interface name: configure it as 'ge-0/0/0 unit 0'"
        )]
    );
}

#[test]
fn a_user_class_must_be_predefined_or_defined() {
    let mut root = Node::default();
    set(&mut root, "system login user=ann class", &["noc"]);
    set(&mut root, "system login user=bob class", &["operator"]);
    let (errors, _) = errors(&root);
    assert_eq!(
        errors,
        vec![err(
            "system login user ann",
            "class noc",
            "Login class 'noc' is not defined: use one of operator, read-only, super-user, unauthorized or define it under [edit system login class]"
        )]
    );
    set(
        &mut root,
        "system login class=noc permissions",
        &["view", "clear"],
    );
    assert!(check(&root).is_ok());
}

#[test]
fn login_class_names_and_regexes_are_checked() {
    let mut root = Node::default();
    set(
        &mut root,
        "system login class=operator permissions",
        &["view"],
    );
    set(
        &mut root,
        "system login class=noc deny-commands",
        &["(clear"],
    );
    let (errors, _) = errors(&root);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].0, "system login class noc");
    assert_eq!(errors[0].1, "deny-commands \"(clear\"");
    assert_eq!(
        errors[0].2,
        "Invalid regular expression '(clear': unclosed group"
    );
    assert_eq!(
        errors[1],
        err(
            "system login",
            "class operator",
            "'operator' is a predefined class name: choose another name"
        )
    );
    assert!(errors[1].2.contains("predefined"), "{}", errors[1].2);
}

#[test]
fn an_unknown_time_zone_is_a_commit_error() {
    let mut root = Node::default();
    set(&mut root, "system time-zone", &["Europe/Amsterdam"]);
    assert!(check(&root).is_ok());
    set(&mut root, "system time-zone", &["GMT+1"]);
    assert!(check(&root).is_ok());
    set(&mut root, "system time-zone", &["Mars/Olympus"]);
    let (errors, _) = errors(&root);
    assert_eq!(
        errors,
        vec![err(
            "system",
            "time-zone Mars/Olympus",
            "Invalid time zone 'Mars/Olympus': use UTC, GMT+N or GMT-N (-14..+12), or a name such as Europe/Amsterdam"
        )]
    );
}

/// Juniper's SNMP examples name MIBs in views (`oid pingMIB include;`); a name the router
/// does not know is refused with the reason.
#[test]
fn snmp_views_need_known_oids_and_one_word() {
    let mut root = Node::default();
    set(&mut root, "snmp view=v oid=1.3.6.1.4.1.2636 include", &[]);
    set(&mut root, "snmp view=v oid=pingMIB include", &[]);
    set(&mut root, "snmp view=v oid=jnxMibs exclude", &[]);
    set(&mut root, "snmp community=public view", &["v"]);
    set(&mut root, "snmp community=public clients=::1/128", &[]);
    assert!(check(&root).is_ok());
    set(&mut root, "snmp view=v oid=fooMIB exclude", &[]);
    set(&mut root, "snmp view=v oid=1.3.6 include", &[]);
    set(&mut root, "snmp view=v oid=1.3.6 exclude", &[]);
    let (errors, _) = errors(&root);
    assert_eq!(
        errors,
        vec![
            err(
                "snmp view v",
                "oid fooMIB",
                "Invalid OID 'fooMIB': unknown MIB object 'fooMIB'; use numbers separated by \
                 dots (1.3.6.1.4.1.2636) or a MIB name (jnxL2tp, mib-2, pingMIB)"
            ),
            err(
                "snmp view v",
                "oid 1.3.6",
                "Only one of 'include' and 'exclude' may be set"
            ),
        ]
    );
    set(&mut root, "snmp community=public view", &["missing"]);
    assert!(check(&root).is_err());
}

/// Junos (19.2R1 on) refuses the standard format's statements beside `structured-data`.
#[test]
fn structured_data_refuses_explicit_priority_and_time_format() {
    let mut root = Node::default();
    set(&mut root, "system syslog file=sd any", &["any"]);
    set(
        &mut root,
        "system syslog file=sd structured-data brief",
        &[],
    );
    set(&mut root, "system syslog file=plain explicit-priority", &[]);
    set(&mut root, "system syslog time-format millisecond", &[]);
    set(&mut root, "system syslog allow-duplicates", &[]);
    set(&mut root, "system syslog console any", &["critical"]);
    assert_eq!(
        errors(&root).0,
        vec![err(
            "system syslog file sd",
            "structured-data",
            "'time-format millisecond' cannot be used with structured-data: a structured-data file has its own time stamp and priority"
        )]
    );
    set(&mut root, "system syslog file=sd explicit-priority", &[]);
    assert_eq!(errors(&root).0.len(), 2);
}

#[test]
fn syslog_file_names_and_match_expressions_are_checked() {
    let mut root = Node::default();
    set(&mut root, "system syslog file=messages any", &["notice"]);
    set(
        &mut root,
        "system syslog file=l2tp-events daemon",
        &["info"],
    );
    set(
        &mut root,
        "system syslog host=127.0.0.1 match",
        &["L2TP_.*UP"],
    );
    assert!(check(&root).is_ok());
    set(&mut root, "system syslog file=config.db any", &["any"]);
    set(&mut root, "system syslog file=mgmt.sock.x any", &["any"]);
    set(&mut root, "system syslog file=a/b any", &["any"]);
    set(&mut root, "system syslog file=messages.3 any", &["any"]);
    set(
        &mut root,
        "system syslog host=127.0.0.1 match",
        &["(unclosed"],
    );
    set(&mut root, "system syslog user=* match", &["+x"]);
    let (found, _) = errors(&root);
    let found: Vec<_> = found
        .iter()
        .map(|(p, s, _)| (p.as_str(), s.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("system syslog", "file a/b"),
            ("system syslog", "file config.db"),
            ("system syslog", "file messages.3"),
            ("system syslog", "file mgmt.sock.x"),
            ("system syslog host 127.0.0.1", "match \"(unclosed\""),
            ("system syslog user *", "match \"+x\""),
        ]
    );
    // The trace file's name is the trace file's.
    let mut root = Node::default();
    set(
        &mut root,
        "services l2tp traceoptions file filename",
        &["l2tpd"],
    );
    set(&mut root, "system syslog file=l2tpd any", &["any"]);
    let (errors, _) = errors(&root);
    assert_eq!(
        errors,
        vec![err(
            "system syslog",
            "file l2tpd",
            "'l2tpd' is the trace file of [edit services l2tp traceoptions]: choose another name"
        )]
    );
}

/// `traps` and `no-traps` are alternatives on an interface and on a unit (Junos'
/// `(traps | no-traps)`): both at once is refused at commit, naming them; the typed view
/// reads either, and neither is Junos' default (on for the interface, off for a unit).
#[test]
fn traps_and_no_traps_are_one_or_the_other() {
    let both = "interfaces { ge-0/0/1 { traps; no-traps; unit 0 { traps; no-traps; } } }";
    let found = super::test_errors::errors(both);
    let expected = |path: &str| {
        (
            path.to_string(),
            "traps no-traps".to_string(),
            "Only one of traps or no-traps may be configured".to_string(),
        )
    };
    assert_eq!(
        found,
        [
            expected("interfaces ge-0/0/1 unit 0"),
            expected("interfaces ge-0/0/1")
        ]
    );

    let one = "interfaces { ge-0/0/1 { no-traps; unit 0 { traps; } unit 1; } ge-0/0/2; }";
    let config = router_config(&crate::parse::parse_config(one).expect("parses"));
    let port = &config.interfaces["ge-0/0/1"];
    assert!(!port.link_traps());
    assert!(port.units[&0].link_traps());
    assert!(!port.units[&1].link_traps());
    assert!(config.interfaces["ge-0/0/2"].link_traps());
}

/// Junos: the default order and `order` "are mutually exclusive. The configuration fails if
/// you attempt to configure a NAS-Port-ID that includes values in both types of orders."
#[test]
fn nas_port_id_order_is_not_mixed_with_the_default_order() {
    let text = "access {\n    profile p {\n        authentication-order password;\n        radius {\n            options {\n                nas-port-id-format {\n                    nas-identifier;\n                    order [ agent-circuit-id interface-description ];\n                }\n            }\n        }\n    }\n}\n";
    assert_eq!(
        super::test_errors::errors(text),
        vec![(
            "access profile p radius options nas-port-id-format".to_string(),
            "order".to_string(),
            "The values may be given in the default order or with order, not both: give every value with order".to_string()
        )]
    );
    let ordered = text.replace("                    nas-identifier;\n", "");
    let root = crate::parse::parse_config(&ordered).expect("parses");
    assert_eq!(crate::print::to_text(&[], &root), ordered);
    assert_eq!(check(&root), Ok(vec![]));
    assert_eq!(
        router_config(&root).access_profiles["p"]
            .radius_options
            .nas_port_id_format
            .order,
        ["agent-circuit-id", "interface-description"]
    );
}

/// Junos: "The combined total of the widths of all fields for a subscriber must not exceed 32
/// bits, or the configuration fails."
#[test]
fn nas_port_extended_format_widths_add_up_to_at_most_32_bits() {
    let text = "access {\n    profile p {\n        authentication-order password;\n        radius {\n            options {\n                nas-port-extended-format {\n                    adapter-width 2;\n                    port-width 4;\n                    slot-width 4;\n                    stacked;\n                    stacked-vlan-width 12;\n                    vlan-width 12;\n                }\n            }\n        }\n    }\n}\n";
    assert_eq!(
        super::test_errors::errors(text),
        vec![(
            "access profile p radius options".to_string(),
            "nas-port-extended-format".to_string(),
            "The field widths add up to 34 bits: NAS-Port has 32, the widths may add up to at most 32".to_string()
        )]
    );
    let fits = text.replace("adapter-width 2", "adapter-width 0");
    let root = crate::parse::parse_config(&fits).expect("parses");
    assert_eq!(check(&root), Ok(vec![]));
    let format = router_config(&root).access_profiles["p"]
        .radius_options
        .nas_port_extended_format
        .expect("configured");
    assert_eq!(
        (format.slot_width, format.port_width, format.vlan_width),
        (4, 4, 12)
    );
    assert!(format.stacked);
    assert_eq!(format.stacked_vlan_width, 12);
}
