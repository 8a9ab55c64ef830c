use super::*;

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
                    ppp-options { pap; }
                    pppoe-options { underlying-interface "$junos-underlying-interface"; server; }
                    family inet { unnumbered-address "$junos-loopback-interface"; }
                }
            }
        }
    }
    RI-BY-VLAN {
        routing-instances { "$vr" { interface "$junos-interface-name"; } }
        variables { vr { default-value vr1; } }
        interfaces { pp0 { unit "$junos-interface-unit" { vlan-id "$junos-vlan-id"; keepalives interval 45; } } }
    }
    NEEDS-VLAN {
        interfaces { pp0 { unit "$junos-interface-unit" { keepalives interval "$junos-vlan-id"; } } }
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
routing-instances { vr1 { instance-type virtual-router; } }
"#;

fn pppoe_facts(vlans: &[u16]) -> SubscriberFacts<'_> {
    SubscriberFacts {
        ifd: "pp0",
        unit: 1073741825,
        underlying: Some("ge-1/0/0.100"),
        vlans,
        routing_instance: None,
        address: None,
    }
}

#[test]
fn predefined_and_user_variables_are_replaced() {
    let config = config(PROFILES);
    let instance = instantiate(&config, "PPPOE", &pppoe_facts(&[100])).expect("builds");
    assert_eq!(instance.profile, "PPPOE");
    assert_eq!(instance.keepalive, Some(Duration::from_secs(20)));
    assert_eq!(instance.authentication, Some(vec![AuthProtocol::Pap]));
    assert_eq!(instance.routing_instance, None);

    let values = values(&SubscriberFacts {
        address: Some(Ipv4Addr::new(127, 0, 0, 9)),
        ..pppoe_facts(&[10, 20])
    });
    assert_eq!(values["$junos-interface-name"], "pp0.1073741825");
    assert_eq!(values["$junos-interface-unit"], "1073741825");
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
        Err("dynamic profile NEEDS-VLAN: $junos-vlan-id has no value for this subscriber".into())
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
        unit: 1073741830,
        routing_instance: Some("vr1"),
        ..SubscriberFacts::default()
    };
    let instance = instantiate(&config, "LNS", &facts).expect("builds");
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

#[test]
fn a_user_variable_naming_an_instance_that_is_not_configured_is_refused() {
    let text = PROFILES.replace("default-value vr1", "default-value vr2");
    let config = config(&text);
    assert_eq!(
        instantiate(&config, "RI-BY-VLAN", &pppoe_facts(&[7])),
        Err("dynamic profile RI-BY-VLAN: routing instance vr2 is not configured".into())
    );
}
