use super::*;
use crate::subscriber::table::AaaGrant;

fn config(text: &str) -> RouterConfig {
    let tree = schema::parse::parse_config(text).expect("parses");
    schema::validate::check(&tree).expect("commits");
    schema::typed::router_config(&tree)
}

const PROFILES: &str = r#"dynamic-profiles {
    PPPOE {
        variables { ka { default-value 20; } }
        interfaces {
            pp0 {
                unit "$junos-interface-unit" {
                    keepalives interval "$ka";
                    ppp-options { pap; ipcp-suggest-dns-option; }
                    pppoe-options { underlying-interface "$junos-underlying-interface"; server; }
                    family inet { unnumbered-address "$junos-loopback-interface"; }
                }
            }
        }
    }
    RI-BY-VLAN {
        routing-instances { "$vr" { interface "$junos-interface-name"; } }
        variables { vr { default-value vr1; } }
        interfaces { pp0 { unit "$junos-interface-unit" { vlan-id "$junos-vlan-id"; keepalives interval 45;
            pppoe-options { underlying-interface "$junos-underlying-interface"; server; } } } }
    }
    NEEDS-VLAN {
        interfaces { pp0 { unit "$junos-interface-unit" { keepalives interval "$junos-vlan-id";
            pppoe-options { underlying-interface "$junos-underlying-interface"; server; } } } }
    }
    FROM-RADIUS {
        variables {
            vr { mandatory; radius { vendor-id 4874 { attribute 1; } } }
            ka { default-value 25; radius { vendor-id 2636 { attribute 99; } } }
        }
        routing-instances { "$vr" { interface "$junos-interface-name"; } }
        interfaces { pp0 { unit "$junos-interface-unit" { keepalives interval "$ka";
            pppoe-options { underlying-interface "$junos-underlying-interface"; server; }
            family inet { unnumbered-address lo0.0 preferred-source-address 127.0.0.2; } } } }
    }
    LITERAL-ADDRESS {
        interfaces { pp0 { unit "$junos-interface-unit" {
            pppoe-options { underlying-interface "$junos-underlying-interface"; server; }
            family inet { address 127.0.0.40/32; } } } }
    }
    PEER-ADDRESS {
        interfaces { pp0 { unit "$junos-interface-unit" {
            pppoe-options { underlying-interface "$junos-underlying-interface"; server; }
            family inet { address "$junos-subscriber-ip-address"; } } } }
    }
    LNS {
        routing-instances { "$junos-routing-instance" { interface "$junos-interface-name"; } }
        interfaces {
            "$junos-interface-ifd-name" {
                unit "$junos-interface-unit" {
                    keepalives interval 10;
                    dial-options { dedicated; }
                    ppp-options { authentication [ pap chap ]; }
                }
            }
        }
    }
}
routing-instances { vr1 { instance-type virtual-router; } isp-b { instance-type virtual-router; } }
interfaces { lo0 { unit 0 { family inet { address 127.0.0.1/32; address 127.0.0.2/32; } } } }
"#;

fn pppoe_facts(vlans: &[u16]) -> SubscriberFacts<'_> {
    SubscriberFacts {
        ifd: "pp0",
        unit: 3221225473,
        underlying: Some("ge-1/0/0.100"),
        vlans,
        ..SubscriberFacts::default()
    }
}

#[test]
fn predefined_and_user_variables_are_replaced() {
    let config = config(PROFILES);
    let instance = instantiate(&config, "PPPOE", &pppoe_facts(&[100])).expect("builds");
    assert_eq!(instance.profile, "PPPOE");
    assert_eq!(instance.keepalive, Some(Duration::from_secs(20)));
    assert_eq!(instance.authentication, Some(vec![AuthProtocol::Pap]));
    assert!(instance.ipcp_suggest_dns);
    assert_eq!(instance.routing_instance, None);

    assert_eq!(instance.interface, "pp0.3221225473");
    // Before authentication the network part waits: no address of ours yet.
    assert_eq!(instance.local_address, None);

    let values = values(
        &config.dynamic_profiles["PPPOE"],
        &SubscriberFacts {
            address: Some(Ipv4Addr::new(127, 0, 0, 9)),
            ..pppoe_facts(&[10, 20])
        },
    );
    assert_eq!(values["$junos-interface-name"], "pp0.3221225473");
    assert_eq!(values["$junos-interface-unit"], "3221225473");
    assert_eq!(values["$junos-underlying-interface"], "ge-1/0/0.100");
    assert_eq!(values["$junos-stacked-vlan-id"], "10");
    assert_eq!(values["$junos-vlan-id"], "20");
    assert_eq!(values["$junos-loopback-interface"], "lo0.0");
    assert_eq!(values["$junos-routing-instance"], "default");
    assert_eq!(values["$junos-subscriber-ip-address"], "127.0.0.9");
}

#[test]
fn a_literal_routing_instance_places_the_subscriber() {
    let config = config(PROFILES);
    let instance = instantiate(&config, "RI-BY-VLAN", &pppoe_facts(&[7])).expect("builds");
    assert_eq!(instance.routing_instance.as_deref(), Some("vr1"));
    assert_eq!(instance.keepalive, Some(Duration::from_secs(45)));
    assert_eq!(instance.authentication, None);
}

#[test]
fn a_variable_without_a_value_for_this_subscriber_is_named() {
    let config = config(PROFILES);
    assert_eq!(
        instantiate(&config, "NEEDS-VLAN", &pppoe_facts(&[])),
        Err(ProfileError {
            text: "dynamic profile NEEDS-VLAN: $junos-vlan-id has no value for this subscriber"
                .into(),
            refuses: false
        })
    );
    let instance = instantiate(&config, "NEEDS-VLAN", &pppoe_facts(&[33])).expect("builds");
    assert_eq!(instance.keepalive, Some(Duration::from_secs(33)));
    assert!(instantiate(&config, "GONE", &pppoe_facts(&[])).is_err());
}

#[test]
fn the_lns_takes_the_ifd_name_template_and_keeps_its_own_instance() {
    let config = config(PROFILES);
    let facts = SubscriberFacts {
        ifd: "si-1/0/0",
        unit: 3221225478,
        routing_instance: Some("vr1"),
        ..SubscriberFacts::default()
    };
    let instance = instantiate(&config, "LNS", &facts).expect("builds");
    // `"$junos-interface-ifd-name"` is the tunnel group's service interface.
    assert_eq!(instance.interface, "si-1/0/0.3221225478");
    // `"$junos-routing-instance"` is the instance the session already has: no change.
    assert_eq!(instance.routing_instance, None);
    assert_eq!(instance.keepalive, Some(Duration::from_secs(10)));
    assert_eq!(
        instance.authentication,
        Some(vec![AuthProtocol::Pap, AuthProtocol::ChapMd5])
    );
    // The PPPoE pp0 template does not apply to an si- subscriber.
    let instance = instantiate(&config, "PPPOE", &facts).expect("builds");
    assert_eq!(instance.keepalive, None);
}

/// `no-keepalives` ("pp0 (Dynamic PPPoE)") is an interval of 0: the LNS, which otherwise
/// sends echoes every 30 s, sends none (subscriber::lns treats 0 as off).
#[test]
fn no_keepalives_turns_the_echoes_off() {
    let text = PROFILES.replace(
        "keepalives interval 10;\n                    dial-options",
        "no-keepalives;\n                    dial-options",
    );
    assert_ne!(text, PROFILES, "the LNS profile's keepalives were replaced");
    let config = config(&text);
    let facts = SubscriberFacts {
        ifd: "si-1/0/0",
        unit: 3221225478,
        ..SubscriberFacts::default()
    };
    let instance = instantiate(&config, "LNS", &facts).expect("builds");
    assert_eq!(instance.keepalive, Some(Duration::ZERO));
}

#[test]
fn a_user_variable_naming_an_instance_that_is_not_configured_is_refused() {
    let text = PROFILES.replace("default-value vr1", "default-value vr2");
    let config = config(&text);
    assert_eq!(
        instantiate(&config, "RI-BY-VLAN", &pppoe_facts(&[7])),
        Err(ProfileError {
            text: "dynamic profile RI-BY-VLAN: routing instance vr2 is not configured".into(),
            refuses: false
        })
    );
}

/// What an Access-Accept granted, as `aaa_flow::grant_from` keeps it.
fn grant(vendor_values: &[(u32, u8, &str)]) -> AaaGrant {
    AaaGrant {
        framed_address: Some(Ipv4Addr::new(127, 0, 0, 66)),
        framed_routes: vec![crate::aaa::radius::FramedRoute {
            prefix: crate::io::prefix_table::Prefix::new(Ipv4Addr::new(127, 9, 0, 0), 24)
                .expect("a prefix"),
            gateway: None,
            metric: Some(5),
        }],
        virtual_router: Some("isp-b".into()),
        vendor_values: vendor_values
            .iter()
            .map(|(v, a, text)| (*v, *a, text.to_string()))
            .collect(),
        ..AaaGrant::default()
    }
}

#[test]
fn the_access_accept_fills_predefined_variables() {
    let config = config(PROFILES);
    let grant = grant(&[]);
    let facts = SubscriberFacts {
        grant: Some(&grant),
        authenticated: true,
        ..pppoe_facts(&[7])
    };
    let values = values(&config.dynamic_profiles["PPPOE"], &facts);
    // ERX-Virtual-Router-Name, Framed-IP-Address, Framed-Route.
    assert_eq!(values["$junos-routing-instance"], "isp-b");
    assert_eq!(values["$junos-subscriber-ip-address"], "127.0.0.66");
    assert_eq!(
        values["$junos-framed-route-ip-address-prefix"],
        "127.9.0.0/24"
    );
    assert_eq!(values["$junos-framed-route-cost"], "5");
    // Its gateway 0.0.0.0 is the subscriber.
    assert_eq!(values["$junos-framed-route-nexthop"], "127.0.0.66");
}

#[test]
fn user_variables_take_radius_values_then_defaults_and_mandatory_ones_refuse() {
    let config = config(PROFILES);
    // 26-4874-1 names the instance, 26-2636-99 the keepalive interval.
    let with_both = grant(&[(4874, 1, "isp-b"), (2636, 99, "40")]);
    let instance = instantiate(
        &config,
        "FROM-RADIUS",
        &SubscriberFacts {
            grant: Some(&with_both),
            authenticated: true,
            ..pppoe_facts(&[7])
        },
    )
    .expect("builds");
    assert_eq!(instance.routing_instance.as_deref(), Some("isp-b"));
    assert_eq!(instance.keepalive, Some(Duration::from_secs(40)));

    // Without 26-2636-99 the default-value stands.
    let without_ka = grant(&[(4874, 1, "isp-b")]);
    let instance = instantiate(
        &config,
        "FROM-RADIUS",
        &SubscriberFacts {
            grant: Some(&without_ka),
            authenticated: true,
            ..pppoe_facts(&[7])
        },
    )
    .expect("builds");
    assert_eq!(instance.keepalive, Some(Duration::from_secs(25)));

    // The mandatory one missing: the subscriber is refused once authenticated...
    let without_vr = grant(&[]);
    let refused = instantiate(
        &config,
        "FROM-RADIUS",
        &SubscriberFacts {
            grant: Some(&without_vr),
            authenticated: true,
            ..pppoe_facts(&[7])
        },
    )
    .expect_err("refused");
    assert!(refused.refuses);
    assert_eq!(
        refused.text,
        "dynamic profile FROM-RADIUS: mandatory variable $vr has no value from RADIUS"
    );
    // ...and not before, when RADIUS has not answered yet.
    let early = instantiate(&config, "FROM-RADIUS", &pppoe_facts(&[7])).expect("builds");
    assert_eq!(early.routing_instance, None);
    assert_eq!(early.keepalive, Some(Duration::from_secs(25)));
}

#[test]
fn the_routers_own_address_is_the_unnumbered_donors_or_the_profiles() {
    let config = config(PROFILES);
    let grant = grant(&[(4874, 1, "isp-b")]);
    let authenticated = |profile: &str| {
        instantiate(
            &config,
            profile,
            &SubscriberFacts {
                grant: Some(&grant),
                authenticated: true,
                ..pppoe_facts(&[7])
            },
        )
        .expect("builds")
        .local_address
    };
    // "$junos-loopback-interface" is lo0.0; its lowest address without `primary`.
    assert_eq!(authenticated("PPPOE"), Some(Ipv4Addr::new(127, 0, 0, 1)));
    // preferred-source-address picks another of lo0.0's.
    assert_eq!(
        authenticated("FROM-RADIUS"),
        Some(Ipv4Addr::new(127, 0, 0, 2))
    );
    assert_eq!(
        authenticated("LITERAL-ADDRESS"),
        Some(Ipv4Addr::new(127, 0, 0, 40))
    );
    // The subscriber's own address is the far end's: ours stays the pool's gateway.
    assert_eq!(authenticated("PEER-ADDRESS"), None);
    assert_eq!(authenticated("RI-BY-VLAN"), None);
}

/// `keepalives down-count` in a dynamic profile, literal or a variable, is the echoes the
/// subscriber's link may leave unanswered; a variable's value outside 1..255 is named.
#[test]
fn keepalives_down_count_comes_from_the_profile() {
    let config = config(
        r#"dynamic-profiles {
    LITERAL {
        interfaces { pp0 { unit "$junos-interface-unit" { keepalives interval 5 down-count 2;
            pppoe-options { underlying-interface "$junos-underlying-interface"; server; } } } }
    }
    BY-VLAN {
        interfaces { pp0 { unit "$junos-interface-unit" { keepalives interval 5 down-count "$junos-vlan-id";
            pppoe-options { underlying-interface "$junos-underlying-interface"; server; } } } }
    }
    NONE {
        interfaces { pp0 { unit "$junos-interface-unit" { keepalives interval 5;
            pppoe-options { underlying-interface "$junos-underlying-interface"; server; } } } }
    }
}
"#,
    );
    let literal = instantiate(&config, "LITERAL", &pppoe_facts(&[7])).expect("builds");
    assert_eq!(literal.keepalive_failures, Some(2));
    let by_vlan = instantiate(&config, "BY-VLAN", &pppoe_facts(&[4])).expect("builds");
    assert_eq!(by_vlan.keepalive_failures, Some(4));
    let none = instantiate(&config, "NONE", &pppoe_facts(&[4])).expect("builds");
    assert_eq!(none.keepalive_failures, None, "the layer's default");
    let refused = instantiate(&config, "BY-VLAN", &pppoe_facts(&[300])).expect_err("300");
    assert_eq!(
        refused.text,
        "dynamic profile BY-VLAN: keepalives down-count '300' is not a number from 1 to 255"
    );
}
