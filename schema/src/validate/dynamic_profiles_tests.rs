//! `[edit dynamic-profiles]`: Junos text in and out, the typed view, and the commit checks
//! of references and variables.

use super::check;
use super::test_errors::errors;
use crate::parse::{apply_set_lines, parse_config};
use crate::print::{to_set_lines, to_text};
use crate::tree::{path_words, Node};
use crate::typed::{router_config, VariableValues};

/// A BNG's PPPoE profile and an LNS profile as Junos shows them.
const PROFILES: &str = r#"dynamic-profiles {
    PPPOE-SUBSCRIBER {
        variables {
            ka {
                default-value 20;
            }
        }
        routing-instances {
            "$junos-routing-instance" {
                interface "$junos-interface-name";
            }
        }
        interfaces {
            pp0 {
                interface-mib;
                unit "$junos-interface-unit" {
                    no-traps;
                    ppp-options {
                        chap;
                        pap;
                    }
                    pppoe-options {
                        underlying-interface "$junos-underlying-interface";
                        server;
                    }
                    keepalives interval "$ka";
                    family inet {
                        rpf-check;
                        unnumbered-address "$junos-loopback-interface";
                    }
                }
            }
        }
    }
    LNS-SUBSCRIBER {
        interfaces {
            "$junos-interface-ifd-name" {
                unit "$junos-interface-unit" {
                    dial-options {
                        l2tp-interface-id test;
                        dedicated;
                    }
                    ppp-options {
                        authentication [ pap chap ];
                    }
                    keepalives interval 30;
                    family inet {
                        unnumbered-address lo0.0;
                    }
                }
            }
        }
    }
}
interfaces {
    ge-1/0/0 {
        flexible-vlan-tagging;
        unit 100 {
            vlan-id 100;
            family pppoe {
                dynamic-profile PPPOE-SUBSCRIBER;
            }
        }
    }
    lo0 {
        unit 0 {
            family inet {
                address 127.0.0.1/32;
            }
        }
    }
}
"#;

#[test]
fn junos_text_loads_prints_back_and_reloads_from_set_lines() {
    let root = parse_config(PROFILES).expect("parses");
    assert_eq!(to_text(&[], &root), PROFILES);
    let sets = to_set_lines(&[], &root);
    assert!(
        sets.contains(
            "set dynamic-profiles PPPOE-SUBSCRIBER interfaces pp0 unit \"$junos-interface-unit\" pppoe-options underlying-interface \"$junos-underlying-interface\"\n"
        ),
        "{sets}"
    );
    assert!(
        sets.contains("set dynamic-profiles LNS-SUBSCRIBER interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" ppp-options authentication pap\nset dynamic-profiles LNS-SUBSCRIBER interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" ppp-options authentication chap\n"),
        "{sets}"
    );
    let reloaded = apply_set_lines(&Node::default(), &sets).expect("set lines load");
    assert_eq!(reloaded, root);
    // Every statement takes effect (`interface-mib` makes the subscribers IF-MIB rows);
    // `no-traps` and `rpf-check` are what the subscriber layer does anyway.
    assert_eq!(check(&root), Ok(vec![]));
}

#[test]
fn the_typed_view_keeps_templates_and_replaces_variables() {
    let config = router_config(&parse_config(PROFILES).expect("parses"));
    let pppoe = &config.dynamic_profiles["PPPOE-SUBSCRIBER"];
    assert_eq!(
        pppoe.routing_instance.as_deref(),
        Some("$junos-routing-instance")
    );
    let pp0 = pppoe.interface_for("pp0", |n| n == "pp0").expect("pp0");
    assert_eq!(pp0.unit, "$junos-interface-unit");
    assert!(pp0.interface_mib, "interface-mib beside the unit");
    let lns = &config.dynamic_profiles["LNS-SUBSCRIBER"].interfaces[0];
    assert!(!lns.interface_mib);
    assert_eq!(pp0.authentication, ["chap", "pap"]);
    assert!(pp0.pppoe_server);
    let mut values = VariableValues::new();
    values.insert("$junos-interface-unit".into(), "3221225473".into());
    assert_eq!(
        pppoe.replace(&pp0.unit, &values).as_deref(),
        Ok("3221225473")
    );
    // A user variable takes its default-value; a predefined one without a value is named.
    let ka = pp0.keepalive_interval.as_deref().expect("keepalives");
    assert_eq!(pppoe.replace(ka, &values).as_deref(), Ok("20"));
    assert_eq!(
        pppoe.replace("$junos-vlan-id", &values),
        Err("$junos-vlan-id".to_string())
    );
    assert_eq!(pppoe.replace("lo0.0", &values).as_deref(), Ok("lo0.0"));

    let lns = &config.dynamic_profiles["LNS-SUBSCRIBER"];
    let si = lns
        .interface_for("si-1/0/0", |n| n.starts_with("si-"))
        .expect("the ifd-name template stands for si-");
    assert_eq!(si.authentication, ["pap", "chap"]);
    assert_eq!(si.keepalive_interval.as_deref(), Some("30"));
    assert!(si.dedicated);
    assert_eq!(si.unnumbered_address.as_deref(), Some("lo0.0"));
    assert_eq!(
        config.interfaces["ge-1/0/0"].units[&100]
            .pppoe
            .as_ref()
            .and_then(|p| p.dynamic_profile.as_deref()),
        Some("PPPOE-SUBSCRIBER")
    );
}

#[test]
fn a_profile_that_does_not_exist_is_named_wherever_it_is_referenced() {
    let text = "interfaces { ge-1/0/0 { vlan-tagging; unit 100 { vlan-id 100; family pppoe { dynamic-profile NOPE; } } } }\n\
        services { l2tp { tunnel-group g { local-gateway address 127.0.0.1; service-interface si-1/0/0; dynamic-profile NOPE2; } } }\n\
        access { domain { map example.net { dynamic-profile NOPE3; } } }\n\
        protocols { pppoe { service-name-tables t { service any { dynamic-profile NOPE4; } } } }\n";
    let errors = errors(text);
    let wanted = [
        (
            "interfaces ge-1/0/0 unit 100 family pppoe",
            "dynamic-profile NOPE",
        ),
        ("services l2tp tunnel-group g", "dynamic-profile NOPE2"),
        ("access domain map example.net", "dynamic-profile NOPE3"),
        (
            "protocols pppoe service-name-tables t service any",
            "dynamic-profile NOPE4",
        ),
    ];
    for (path, statement) in wanted {
        assert!(
            errors.contains(&(
                path.to_string(),
                statement.to_string(),
                "Referenced dynamic profile is not defined".to_string()
            )),
            "{path} {statement}: {errors:?}"
        );
    }
    assert_eq!(errors.len(), 4, "{errors:?}");
}

#[test]
fn an_unsupported_predefined_variable_is_named_with_where_and_the_supported_ones() {
    let text = r#"dynamic-profiles { P { interfaces { pp0 { unit "$junos-interface-unit" {
        pppoe-options { underlying-interface "$junos-underlying-interface"; server; }
        family inet { address "$junos-cos-shaping-rate"; } } } } } }"#;
    let errors = errors(text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (path, statement, message) = &errors[0];
    assert_eq!(
        path,
        "dynamic-profiles P interfaces pp0 unit \"$junos-interface-unit\" family inet"
    );
    assert_eq!(statement, "address \"$junos-cos-shaping-rate\"");
    assert!(
        message.starts_with("Predefined variable '$junos-cos-shaping-rate' is not supported; supported: $junos-interface-unit, "),
        "{message}"
    );
    assert!(
        message.contains("$junos-subscriber-ip-address"),
        "{message}"
    );
}

#[test]
fn a_user_variable_must_be_defined_and_keys_are_checked_too() {
    let text = r#"dynamic-profiles { P { interfaces { pp0 { unit "$unit" { keepalives interval "$ka";
        pppoe-options { underlying-interface "$junos-underlying-interface"; server; } } } } } }"#;
    let errors = errors(text);
    assert_eq!(
        errors,
        [
            (
                "dynamic-profiles P interfaces pp0".to_string(),
                "unit \"$unit\"".to_string(),
                "Variable '$unit' is not defined: define it under 'variables unit'".to_string()
            ),
            (
                "dynamic-profiles P interfaces pp0 unit \"$unit\" keepalives".to_string(),
                "interval \"$ka\"".to_string(),
                "Variable '$ka' is not defined: define it under 'variables ka'".to_string()
            ),
            (
                "dynamic-profiles P interfaces pp0".to_string(),
                "unit \"$unit\"".to_string(),
                "A subscriber interface's unit is allocated for each subscriber: use \"$junos-interface-unit\"".to_string()
            ),
        ]
    );
}

#[test]
fn values_that_are_not_variables_keep_their_types() {
    let bad = parse_config(
        r#"dynamic-profiles { P { interfaces { pp0 { unit "$junos-interface-unit" { vlan-id 5000; } } } } }"#,
    );
    assert!(bad.is_err(), "{bad:?}");
    let bad = parse_config(r#"dynamic-profiles { P { interfaces { pp0 { unit "$" { } } } } }"#);
    assert!(bad.is_err(), "{bad:?}");
}

#[test]
fn shared_dial_options_are_refused() {
    let text = r#"dynamic-profiles { P { interfaces { si-1/0/0 { unit "$junos-interface-unit" { dial-options { shared; } } } } } }"#;
    let errors = errors(text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].1, "shared");
}

#[test]
fn a_routing_instance_named_outright_must_be_configured() {
    let text = r#"dynamic-profiles { P { routing-instances { vr9 { interface "$junos-interface-name"; } } } }"#;
    assert_eq!(
        errors(text),
        [(
            "dynamic-profiles P".to_string(),
            "routing-instances vr9".to_string(),
            "Referenced routing instance is not defined".to_string()
        )]
    );
    let root = parse_config(&format!(
        "{text}\nrouting-instances {{ vr9 {{ instance-type virtual-router; }} }}\n"
    ))
    .expect("parses");
    assert_eq!(check(&root), Ok(vec![]));
}

#[test]
fn access_routes_load_and_other_internal_routes_are_warned_about() {
    let text = r#"dynamic-profiles {
    P {
        routing-instances {
            "$junos-routing-instance" {
                interface "$junos-interface-name";
                routing-options {
                    access {
                        route "$junos-framed-route-ip-address-prefix" {
                            next-hop "$junos-framed-route-nexthop";
                            metric "$junos-framed-route-cost";
                            preference "$junos-framed-route-distance";
                        }
                    }
                    access-internal {
                        route "$junos-subscriber-ip-address" {
                            qualified-next-hop "$junos-interface-name";
                        }
                    }
                }
            }
        }
        routing-options {
            access {
                route 198.18.9.0/24 {
                    next-hop 198.18.0.1;
                }
            }
            access-internal {
                route 198.18.8.1/32 {
                    qualified-next-hop "$junos-interface-name";
                }
            }
        }
    }
}
"#;
    let root = parse_config(text).expect("parses");
    assert_eq!(to_text(&[], &root), text);
    let reloaded =
        apply_set_lines(&Node::default(), &to_set_lines(&[], &root)).expect("set lines load");
    assert_eq!(reloaded, root);
    assert_eq!(
        check(&root),
        Ok(vec![
            "warning: [edit dynamic-profiles P routing-options access-internal] 'route 198.18.8.1/32': statement has no effect: only the subscriber's own route is installed here (route \"$junos-subscriber-ip-address\")".to_string()
        ])
    );
}

#[test]
fn a_user_variable_names_its_radius_attribute_and_may_be_mandatory() {
    let text = r#"dynamic-profiles {
    P {
        variables {
            vr {
                mandatory;
                radius {
                    vendor-id 4874 {
                        attribute 1;
                    }
                }
            }
            ka {
                default-value 20;
            }
        }
    }
}
"#;
    let root = parse_config(text).expect("parses");
    assert_eq!(to_text(&[], &root), text);
    assert!(to_set_lines(&[], &root)
        .contains("set dynamic-profiles P variables vr radius vendor-id 4874 attribute 1\n"));
    // Acted on: no warning.
    assert_eq!(check(&root), Ok(vec![]));
    let config = router_config(&root);
    let profile = &config.dynamic_profiles["P"];
    let vr = &profile.variables["vr"];
    assert!(vr.mandatory);
    assert_eq!(
        vr.radius,
        Some(crate::typed::RadiusSource {
            vendor: 4874,
            attribute: 1
        })
    );
    let mut values = VariableValues::new();
    assert_eq!(profile.missing_mandatory(&values).as_deref(), Some("$vr"));
    values.insert("$vr".into(), "isp-b".into());
    assert_eq!(profile.missing_mandatory(&values), None);
    assert_eq!(profile.replace("$vr", &values).as_deref(), Ok("isp-b"));
    // A value RADIUS gave wins over the default.
    assert_eq!(profile.replace("$ka", &values).as_deref(), Ok("20"));
    values.insert("$ka".into(), "40".into());
    assert_eq!(profile.replace("$ka", &values).as_deref(), Ok("40"));
}

const PPP0_UNIT: &str = "dynamic-profiles P interfaces pp0 unit \"$junos-interface-unit\"";

#[test]
fn an_unnumbered_interface_borrows_from_a_donor_that_has_an_address() {
    let profile = |inet: &str| {
        format!(
            r#"dynamic-profiles {{ P {{ interfaces {{ pp0 {{ unit "$junos-interface-unit" {{
            pppoe-options {{ underlying-interface "$junos-underlying-interface"; server; }}
            family inet {{ {inet} }} }} }} }} }} }}
"#
        )
    };
    // The one-line form loads and prints back as Junos writes it.
    let text = format!(
        "{}interfaces {{ lo0 {{ unit 0 {{ family inet {{ address 127.0.0.1/32; address 127.0.0.2/32; }} }} }} }}\n",
        profile("unnumbered-address lo0.0 preferred-source-address 127.0.0.2;")
    );
    let root = parse_config(&text).expect("parses");
    assert!(to_text(&[], &root)
        .contains("unnumbered-address lo0.0 preferred-source-address 127.0.0.2;\n"));
    let sets = to_set_lines(&[], &root);
    // As Junos writes a statement with a positional value: the value, then each option.
    assert!(sets.contains(&format!(
        "set {PPP0_UNIT} family inet unnumbered-address lo0.0\nset {PPP0_UNIT} family inet unnumbered-address preferred-source-address 127.0.0.2\n"
    )), "{sets}");
    assert_eq!(
        apply_set_lines(&Node::default(), &sets).expect("reloads"),
        root
    );
    assert_eq!(check(&root), Ok(vec![]));
    let config = router_config(&root);
    let pp0 = &config.dynamic_profiles["P"].interfaces[0];
    assert_eq!(pp0.unnumbered_address.as_deref(), Some("lo0.0"));
    assert_eq!(pp0.preferred_source_address.as_deref(), Some("127.0.0.2"));

    // No lo0 address: the donor (also behind "$junos-loopback-interface") is named.
    for (written, shown) in [
        ("lo0.0", "lo0.0"),
        (
            "\"$junos-loopback-interface\"",
            "\"$junos-loopback-interface\"",
        ),
    ] {
        let text = profile(&format!("unnumbered-address {written};"));
        assert_eq!(
            errors(&text),
            [(
                format!("{PPP0_UNIT} family inet"),
                format!("unnumbered-address {shown}"),
                "Donor interface lo0.0 has no family inet address".to_string()
            )]
        );
    }
    // A preferred source address the donor does not have.
    let text = format!(
        "{}interfaces {{ lo0 {{ unit 0 {{ family inet {{ address 127.0.0.1/32; }} }} }} }}\n",
        profile("unnumbered-address lo0.0 preferred-source-address 127.0.0.9;")
    );
    assert_eq!(
        errors(&text)[0].2,
        "Preferred source address 127.0.0.9 is not an address of donor interface lo0.0"
    );
}

#[test]
fn a_dynamic_pppoe_interface_needs_its_pppoe_options() {
    let unit = |body: &str| {
        format!(
            r#"dynamic-profiles {{ P {{ interfaces {{ pp0 {{ unit "$junos-interface-unit" {{ keepalives interval 30; {body} }} }} }} }} }}"#
        )
    };
    let root = parse_config(&unit("")).expect("parses");
    let (errors_found, summary) = check(&root).expect_err("refused");
    assert_eq!(summary, super::MISSING_MANDATORY);
    assert_eq!(
        errors_found
            .iter()
            .map(|e| (path_words(&e.path), e.statement.clone(), e.message.clone()))
            .collect::<Vec<_>>(),
        [(
            "dynamic-profiles P interfaces pp0".to_string(),
            "unit \"$junos-interface-unit\"".to_string(),
            "Missing mandatory statement: 'pppoe-options'".to_string()
        )]
    );
    let root = parse_config(&unit(
        r#"pppoe-options { underlying-interface "$junos-underlying-interface"; }"#,
    ))
    .expect("parses");
    let (errors_found, _) = check(&root).expect_err("refused");
    assert_eq!(
        errors_found[0].message,
        "Missing mandatory statement: 'server'"
    );
    let root = parse_config(&unit(
        "pppoe-options { underlying-interface ge-1/0/0.100; server; }",
    ))
    .expect("parses");
    let (errors_found, _) = check(&root).expect_err("refused");
    assert_eq!(errors_found.len(), 1, "{errors_found:?}");
    assert_eq!(
        errors_found[0].statement,
        "underlying-interface ge-1/0/0.100"
    );
    assert_eq!(
        errors_found[0].message,
        "A dynamic PPPoE interface runs on the subscriber's own underlying interface: use \"$junos-underlying-interface\""
    );
    // The si- template of an LNS profile needs none.
    let root = parse_config(
        r#"dynamic-profiles { P { interfaces { "$junos-interface-ifd-name" { unit "$junos-interface-unit" { keepalives interval 30; } } } } }"#,
    )
    .expect("parses");
    assert_eq!(check(&root), Ok(vec![]));
}

#[test]
fn a_subscriber_interface_takes_the_allocated_unit_and_the_groups_service_interface() {
    let text = r#"dynamic-profiles { P { interfaces {
        pp0 { unit 5 { pppoe-options { underlying-interface "$junos-underlying-interface"; server; } } }
        ge-1/0/0 { unit 7; } } } }"#;
    assert_eq!(
        errors(text),
        [(
            "dynamic-profiles P interfaces pp0".to_string(),
            "unit 5".to_string(),
            "A subscriber interface's unit is allocated for each subscriber: use \"$junos-interface-unit\"".to_string()
        )]
    );
    let lns = |named: &str| {
        format!(
            r#"dynamic-profiles {{ LNS {{ interfaces {{ {named} {{ unit "$junos-interface-unit" {{ keepalives interval 30; }} }} }} }} }}
services {{ l2tp {{ tunnel-group g {{ local-gateway address 127.0.0.2; service-interface si-1/0/0; dynamic-profile LNS; }} }} }}
"#
        )
    };
    for named in ["si-1/0/0", "\"$junos-interface-ifd-name\""] {
        let root = parse_config(&lns(named)).expect("parses");
        assert_eq!(check(&root), Ok(vec![]), "{named}");
    }
    assert_eq!(
        errors(&lns("si-2/0/0")),
        [(
            "services l2tp tunnel-group g".to_string(),
            "dynamic-profile LNS".to_string(),
            "Dynamic profile LNS names interface si-2/0/0, but the tunnel group's sessions are on service-interface si-1/0/0: name si-1/0/0 or \"$junos-interface-ifd-name\"".to_string()
        )]
    );
}

/// `ppp-options mru` is the MRU the subscriber's LCP asks for and `mtu` the PPP MTU of its
/// interface (Junos' "Configuring the MTU and MRU for PPP subscribers"): both taken, so no
/// commit warning.
#[test]
fn ppp_options_mru_and_mtu_are_taken() {
    let unit = |ppp: &str| {
        format!(
            r#"dynamic-profiles {{ P {{ interfaces {{ pp0 {{ unit "$junos-interface-unit" {{ ppp-options {{ {ppp} }}
            pppoe-options {{ underlying-interface "$junos-underlying-interface"; server; }} }} }} }} }} }}"#
        )
    };
    let root = parse_config(&unit("mru 1400; mtu 1380;")).expect("parses");
    assert_eq!(check(&root), Ok(vec![]));
    let config = router_config(&root);
    let pp0 = &config.dynamic_profiles["P"].interfaces[0];
    assert_eq!(pp0.mru, Some(1400));
    assert_eq!(pp0.mtu, Some(crate::typed::PppoeMtu::Bytes(1380)));
    let root = parse_config(&unit("mtu use-lower-layer;")).expect("parses");
    assert_eq!(check(&root), Ok(vec![]));
    let pp0 = &router_config(&root).dynamic_profiles["P"].interfaces[0];
    assert_eq!(pp0.mru, None);
    assert_eq!(pp0.mtu, Some(crate::typed::PppoeMtu::UseLowerLayer));
}

/// `rpf-check fail-filter F`: the packets that fail the subscriber's source check go through
/// F instead of being dropped (Junos' "fail-filter (Dynamic Profiles)"); F must be a
/// configured filter. `mode loose` is still warned about.
#[test]
fn an_rpf_fail_filter_is_taken_and_must_exist() {
    let unit = |rpf: &str| {
        format!(
            r#"dynamic-profiles {{ P {{ interfaces {{ pp0 {{ unit "$junos-interface-unit" {{
            pppoe-options {{ underlying-interface "$junos-underlying-interface"; server; }}
            family inet {{ rpf-check {{ {rpf} }} }} }} }} }} }} }}
firewall {{ family inet {{ filter PASS {{ term all {{ then accept; }} }} }} }}
"#
        )
    };
    let root = parse_config(&unit("fail-filter PASS;")).expect("parses");
    assert_eq!(check(&root), Ok(vec![]));
    let pp0 = &router_config(&root).dynamic_profiles["P"].interfaces[0];
    assert_eq!(pp0.rpf_fail_filter.as_deref(), Some("PASS"));

    let refused = errors(&unit("fail-filter NOPE;"));
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].1, "fail-filter NOPE");

    // Junos: a dynamic profile's fail filter cannot be interface-specific.
    let specific = format!(
        "{}firewall {{ family inet {{ filter PASS {{ interface-specific; }} }} }}\n",
        unit("fail-filter PASS;")
    );
    assert_eq!(
        errors(&specific),
        [(
            "dynamic-profiles P interfaces pp0 unit \"$junos-interface-unit\" family inet rpf-check".to_string(),
            "fail-filter PASS".to_string(),
            "Filter PASS is interface-specific: a dynamic profile's fail filter cannot be".to_string()
        )]
    );

    // `mode loose` is built (the kernel's check): no warning, and the typed view says so.
    let root = parse_config(&unit("mode loose;")).expect("parses");
    assert_eq!(check(&root), Ok(vec![]));
    let pp0 = &router_config(&root).dynamic_profiles["P"].interfaces[0];
    assert!(pp0.rpf_loose);
}

/// A dynamic profile's `keepalives` takes `down-count` and `up-count` as a static pp0 unit's
/// does (a number or a variable), prints them on one line, and warns that `up-count` has no
/// effect.
#[test]
fn a_profiles_keepalives_take_down_count_and_up_count() {
    let text = "dynamic-profiles {\n    P {\n        interfaces {\n            pp0 {\n                unit \"$junos-interface-unit\" {\n                    pppoe-options {\n                        underlying-interface \"$junos-underlying-interface\";\n                        server;\n                    }\n                    keepalives interval 10 down-count \"$junos-vlan-id\" up-count 2;\n                }\n            }\n        }\n    }\n}\n";
    let root = parse_config(text).expect("parses");
    assert_eq!(to_text(&[], &root), text);
    let reloaded = apply_set_lines(&Node::default(), &to_set_lines(&[], &root)).expect("loads");
    assert_eq!(to_text(&[], &reloaded), text);
    let config = router_config(&root);
    let unit = &config.dynamic_profiles["P"].interfaces[0];
    assert_eq!(unit.keepalive_down_count.as_deref(), Some("$junos-vlan-id"));
    let warnings = check(&root).expect("commits");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("'up-count': statement has no effect"),
        "{warnings:?}"
    );
    let refused = parse_config(&text.replace("up-count 2", "up-count 0"))
        .map_err(|e| e.to_string())
        .and_then(|root| check(&root).map_err(|e| format!("{e:?}")));
    assert!(refused.is_err(), "up-count 0 is outside 1..255");
}

/// `keepalives` and `no-keepalives` are alternatives, as `traps` and `no-traps` are: setting
/// one removes the other, on a dynamic profile's unit and a static pp0 unit alike, and a
/// configuration loaded with both is refused at commit, naming them.
#[test]
fn keepalives_and_no_keepalives_replace_each_other() {
    let dynamic = "dynamic-profiles P interfaces pp0 unit \"$junos-interface-unit\"";
    for unit in [dynamic, "interfaces pp0 unit 1"] {
        let lines = format!("set {unit} keepalives interval 30\nset {unit} no-keepalives\n");
        let tree = apply_set_lines(&Node::default(), &lines).expect("loads");
        let shown = to_set_lines(&[], &tree);
        assert!(shown.contains("no-keepalives"), "{shown}");
        assert!(!shown.contains("keepalives interval"), "{shown}");
        let lines = format!("set {unit} no-keepalives\nset {unit} keepalives interval 30\n");
        let shown = to_set_lines(
            &[],
            &apply_set_lines(&Node::default(), &lines).expect("loads"),
        );
        assert!(!shown.contains("no-keepalives"), "{shown}");
    }
    let refused = errors(
        "dynamic-profiles { P { interfaces { pp0 { unit \"$junos-interface-unit\" { keepalives interval 30; no-keepalives; pppoe-options { underlying-interface \"$junos-underlying-interface\"; server; } } } } } }",
    );
    assert!(
        refused.iter().any(
            |(_, statement, message)| statement == "keepalives no-keepalives"
                && message == "Only one of keepalives or no-keepalives may be configured"
        ),
        "{refused:?}"
    );
}

/// `ppp-options chap` as Junos writes it ("chap (Dynamic PPP)", "challenge-length (Static and
/// Dynamic PPP)"): bare `chap;`, or with `challenge-length minimum N maximum M` on one line,
/// 8..63 octets each; printed back as loaded, and a maximum below the minimum refused at
/// commit on a dynamic unit and a static pp0 unit alike.
#[test]
fn chap_takes_a_challenge_length_range() {
    let text = "dynamic-profiles {
    P {
        interfaces {
            pp0 {
                unit \"$junos-interface-unit\" {
                    ppp-options {
                        chap {
                            challenge-length minimum 20 maximum 40;
                        }
                        pap;
                    }
                    pppoe-options {
                        underlying-interface \"$junos-underlying-interface\";
                        server;
                    }
                }
            }
        }
    }
}
";
    let root = parse_config(text).expect("parses");
    assert_eq!(to_text(&[], &root), text);
    let sets = to_set_lines(&[], &root);
    assert!(
        sets.contains("ppp-options chap challenge-length minimum 20\n")
            && sets.contains("ppp-options chap challenge-length maximum 40\n"),
        "{sets}"
    );
    assert_eq!(
        apply_set_lines(&Node::default(), &sets).expect("loads"),
        root
    );
    assert_eq!(check(&root), Ok(vec![]));
    let config = router_config(&root);
    assert_eq!(
        config.dynamic_profiles["P"].interfaces[0].chap_challenge_length,
        Some((20, 40))
    );
    // Bare `chap;` still prints as a flag.
    let bare = text.replace(
        "chap {\n                            challenge-length minimum 20 maximum 40;\n                        }",
        "chap;",
    );
    assert_eq!(to_text(&[], &parse_config(&bare).expect("parses")), bare);

    let refused = errors(&text.replace("maximum 40", "maximum 10"));
    assert_eq!(
        refused,
        [(
            "dynamic-profiles P interfaces pp0 unit \"$junos-interface-unit\" ppp-options chap".to_string(),
            "challenge-length minimum 20 maximum 10".to_string(),
            "The maximum challenge length (10) is below the minimum (20): the maximum must be equal to or greater than the minimum".to_string(),
        )]
    );
    let static_unit = "interfaces {
    ge-1/0/0 { vlan-tagging; unit 100 { vlan-id 100; encapsulation ppp-over-ether; } }
    pp0 { unit 1 { ppp-options { chap { challenge-length minimum 30 maximum 9; } }
        pppoe-options { underlying-interface ge-1/0/0.100; server; } } }
}";
    let refused = errors(static_unit);
    assert!(
        refused.iter().any(
            |(path, _, message)| path == "interfaces pp0 unit 1 ppp-options chap"
                && message.starts_with("The maximum challenge length (9)")
        ),
        "{refused:?}"
    );
}
