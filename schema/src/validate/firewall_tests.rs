//! `[edit firewall family inet filter]`: Junos text in and out, the typed view, and the commit
//! checks of match values, actions and references from interfaces and dynamic profiles.

use super::check;
use super::test_errors::errors;
use crate::parse::{apply_set_lines, parse_config};
use crate::print::{to_set_lines, to_text};
use crate::tree::Node;
use crate::typed::{router_config, FilterAction, InterfaceFilters, PrefixMatch};

/// A subscriber filter as Junos shows it, applied in a dynamic profile and on a unit.
const FILTERS: &str = r#"dynamic-profiles {
    LNS-SUBSCRIBER {
        interfaces {
            "$junos-interface-ifd-name" {
                unit "$junos-interface-unit" {
                    family inet {
                        filter {
                            input "$junos-input-filter";
                            output SUBSCRIBER-OUT;
                        }
                        unnumbered-address lo0.0;
                    }
                }
            }
        }
    }
}
interfaces {
    lo0 {
        unit 0 {
            family inet {
                filter {
                    input SUBSCRIBER-IN;
                }
                address 127.0.0.1/32;
            }
        }
    }
}
firewall {
    family inet {
        filter SUBSCRIBER-IN {
            interface-specific;
            term no-smtp {
                from {
                    destination-address {
                        0.0.0.0/0;
                        127.0.0.0/8 except;
                    }
                    protocol [ tcp udp ];
                    destination-port [ smtp 1024-2048 ];
                }
                then {
                    count smtp;
                    discard;
                }
            }
            term ping {
                from {
                    protocol icmp;
                    icmp-type [ echo-request echo-reply ];
                }
                then accept;
            }
            term rest;
        }
        filter SUBSCRIBER-OUT {
            term web {
                from {
                    source-address {
                        127.0.0.0/8;
                    }
                    port http;
                }
                then count web;
            }
        }
    }
}
"#;

#[test]
fn junos_text_loads_prints_back_and_reloads_from_set_lines() {
    let root = parse_config(FILTERS).expect("parses");
    assert_eq!(to_text(&[], &root), FILTERS);
    let sets = to_set_lines(&[], &root);
    for line in [
        "set firewall family inet filter SUBSCRIBER-IN term no-smtp from destination-address 127.0.0.0/8 except\n",
        "set firewall family inet filter SUBSCRIBER-IN term no-smtp from protocol tcp\n",
        "set firewall family inet filter SUBSCRIBER-IN term ping then accept\n",
        "set firewall family inet filter SUBSCRIBER-IN term rest\n",
        "set dynamic-profiles LNS-SUBSCRIBER interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" family inet filter input \"$junos-input-filter\"\n",
    ] {
        assert!(sets.contains(line), "{line} in {sets}");
    }
    let reloaded = apply_set_lines(&Node::default(), &sets).expect("set lines load");
    assert_eq!(reloaded, root);
    assert_eq!(check(&root), Ok(vec![]));
}

#[test]
fn a_then_block_of_one_statement_reads_either_way_and_prints_on_one_line() {
    let blocks = "firewall { family inet { filter F { term T { then { discard; } } } } }";
    let line = "firewall { family inet { filter F { term T { then discard; } } } }";
    let a = parse_config(blocks).expect("block form");
    assert_eq!(parse_config(line).expect("one-line form"), a);
    assert!(to_text(&[], &a).contains("            term T {\n                then discard;\n"));
    let two = apply_set_lines(
        &a,
        "set firewall family inet filter F term T then count c\n",
    )
    .expect("set");
    assert!(
        to_text(&[], &two)
            .contains("then {\n                    count c;\n                    discard;\n"),
        "{}",
        to_text(&[], &two)
    );
}

#[test]
fn the_typed_view_has_numbers_prefixes_and_actions() {
    let config = router_config(&parse_config(FILTERS).expect("parses"));
    let filter = &config.firewall_filters["SUBSCRIBER-IN"];
    assert!(filter.interface_specific);
    let names: Vec<&str> = filter.terms.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["no-smtp", "ping", "rest"]);
    let smtp = &filter.terms[0];
    assert_eq!(smtp.action, FilterAction::Discard);
    assert_eq!(smtp.count.as_deref(), Some("smtp"));
    assert_eq!(smtp.from.protocol, [6, 17]);
    assert_eq!(smtp.from.destination_port, [(25, 25), (1024, 2048)]);
    assert_eq!(
        smtp.from.destination_address[1],
        PrefixMatch {
            prefix: crate::typed::Ipv4Prefix::parse("127.0.0.0/8").expect("prefix"),
            except: true
        }
    );
    assert_eq!(filter.terms[1].from.icmp_type, [8, 0]);
    assert_eq!(filter.terms[2].action, FilterAction::Accept);
    assert_eq!(filter.terms[2].from, Default::default());
    let out = &config.firewall_filters["SUBSCRIBER-OUT"].terms[0];
    assert_eq!(out.action, FilterAction::Accept, "count alone accepts");
    assert_eq!(out.from.port, [(80, 80)]);
    assert_eq!(
        config.interfaces["lo0"].units[&0].filters,
        InterfaceFilters {
            input: Some("SUBSCRIBER-IN".into()),
            output: None
        }
    );
    let profile = &config.dynamic_profiles["LNS-SUBSCRIBER"].interfaces[0];
    assert_eq!(
        profile.filters.input.as_deref(),
        Some("$junos-input-filter")
    );
    assert_eq!(profile.filters.output.as_deref(), Some("SUBSCRIBER-OUT"));
}

#[test]
fn a_filter_that_does_not_exist_is_named_where_it_is_applied_but_a_variable_is_not() {
    let text = r#"interfaces { lo0 { unit 0 { family inet { filter { input NOPE; } } } } }
        dynamic-profiles { P { interfaces { "$junos-interface-ifd-name" { unit "$junos-interface-unit" {
            family inet { filter { input "$junos-input-filter"; output NOPE2; } } } } } } }"#;
    let errors = errors(text);
    assert_eq!(
        errors,
        [
            (
                "dynamic-profiles P interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" family inet filter".to_string(),
                "output NOPE2".to_string(),
                "Referenced filter is not defined".to_string()
            ),
            (
                "interfaces lo0 unit 0 family inet filter".to_string(),
                "input NOPE".to_string(),
                "Referenced filter is not defined".to_string()
            ),
        ]
    );
}

#[test]
fn match_values_and_actions_are_checked_at_commit() {
    let text = "firewall { family inet { filter F { term T {
        from { protocol [ tcp tpc ]; destination-port [ http 90-80 ]; icmp-type ping; source-port 70000; }
        then { accept; discard; } } } } }";
    let errors = errors(text);
    let at = "firewall family inet filter F term T from";
    let wanted = [
        (at, "protocol tpc", "invalid protocol 'tpc': expecting a number (0..255) or one of ah, egp, esp, gre, icmp, igmp, ipip, ipv6, ospf, pim, rsvp, sctp, tcp, udp, vrrp"),
        (at, "destination-port 90-80", "invalid port range '90-80': the first port is above the second"),
        (at, "source-port 70000", "Value 70000 is not within range (0..65535)"),
        (
            "firewall family inet filter F term T then",
            "discard",
            "Only one of accept, discard, reject may be configured (already: accept)",
        ),
    ];
    for (path, statement, message) in wanted {
        assert!(
            errors.contains(&(path.into(), statement.into(), message.into())),
            "{statement}: {errors:?}"
        );
    }
    assert!(errors
        .iter()
        .any(|(_, s, m)| s == "icmp-type ping" && m.starts_with("invalid icmp-type 'ping'")));
    assert_eq!(errors.len(), 5, "{errors:?}");
}

#[test]
fn other_junos_firewall_statements_are_named_as_not_supported() {
    for text in [
        "firewall { three-color-policer P { action { loss-priority high then discard; } } }",
        "firewall { family inet6 { filter F { term T { then accept; } } } }",
        "firewall { family inet { filter F { term T { then { log; } } } } }",
    ] {
        let e = parse_config(text).expect_err(text);
        assert!(format!("{e:?}").contains("not supported"), "{text}: {e:?}");
    }
}

#[test]
fn reject_takes_one_message_type_prints_as_junos_writes_it_and_reads_its_code() {
    let text = "firewall {
    family inet {
        filter F {
            term plain {
                then reject;
            }
            term typed {
                from {
                    protocol udp;
                }
                then reject host-unreachable;
            }
            term counted {
                then {
                    count c;
                    reject tcp-reset;
                }
            }
        }
    }
}
";
    let root = parse_config(text).expect("parses");
    assert_eq!(to_text(&[], &root), text);
    let sets = to_set_lines(&[], &root);
    for line in [
        "set firewall family inet filter F term plain then reject\n",
        "set firewall family inet filter F term typed then reject host-unreachable\n",
        "set firewall family inet filter F term counted then reject tcp-reset\n",
    ] {
        assert!(sets.contains(line), "{line} in {sets}");
    }
    assert_eq!(
        apply_set_lines(&Node::default(), &sets).expect("reloads"),
        root
    );
    assert_eq!(check(&root), Ok(vec![]));
    let terms = &router_config(&root).firewall_filters["F"].terms;
    use crate::typed::RejectMessage;
    assert_eq!(
        terms[0].action,
        FilterAction::Reject(RejectMessage::Unreachable(13))
    );
    assert_eq!(
        terms[1].action,
        FilterAction::Reject(RejectMessage::Unreachable(1))
    );
    assert_eq!(
        terms[2].action,
        FilterAction::Reject(RejectMessage::TcpReset)
    );

    // A second message type replaces the first, as Junos' choice does.
    let other = apply_set_lines(
        &root,
        "set firewall family inet filter F term typed then reject port-unreachable\n",
    )
    .expect("set");
    assert_eq!(
        router_config(&other).firewall_filters["F"].terms[1].action,
        FilterAction::Reject(RejectMessage::Unreachable(3))
    );
    // Reject with another terminating action is refused at commit.
    let both = apply_set_lines(
        &root,
        "set firewall family inet filter F term plain then accept\n",
    )
    .expect("set");
    assert!(check(&both).is_err());
}

#[test]
fn a_filter_without_family_is_family_inet_shown_as_written_and_found_by_references() {
    let text = "interfaces {
    si-0/0/0 {
        unit 0 {
            family inet {
                filter {
                    input OLD;
                }
            }
        }
    }
}
firewall {
    filter OLD {
        term smtp {
            from {
                protocol tcp;
                destination-port smtp;
            }
            then {
                count smtp;
                reject;
            }
        }
        term rest {
            then accept;
        }
    }
}
";
    let root = parse_config(text).expect("parses");
    assert_eq!(to_text(&[], &root), text);
    let sets = to_set_lines(&[], &root);
    assert!(
        sets.contains("set firewall filter OLD term smtp from destination-port smtp\n"),
        "{sets}"
    );
    assert_eq!(
        apply_set_lines(&Node::default(), &sets).expect("reloads"),
        root
    );
    assert_eq!(check(&root), Ok(vec![]), "the unit's reference is found");
    let config = router_config(&root);
    let old = &config.firewall_filters["OLD"];
    assert_eq!(old.terms[0].from.destination_port, [(25, 25)]);
    assert_eq!(old.terms[0].count.as_deref(), Some("smtp"));

    // Its words are checked at commit as under family inet; its Junos statements this
    // router does not have are named as not supported.
    let words = errors("firewall { filter OLD { term T { from { protocol tpc; } } } }");
    assert_eq!(words.len(), 1, "{words:?}");
    assert_eq!(words[0].0, "firewall filter OLD term T from");
    let e = parse_config("firewall { filter OLD { term T { from { tcp-flags syn; } } } }")
        .expect_err("not ours");
    assert!(format!("{e:?}").contains("not supported"), "{e:?}");

    // One name defined both ways is refused.
    let twice = errors(
        "firewall { family inet { filter OLD { term T { then accept; } } }
                    filter OLD { term T { then discard; } } }",
    );
    assert_eq!(
        twice,
        [(
            "firewall".to_string(),
            "filter OLD".to_string(),
            "Filter is also defined at [edit firewall family inet]: one name, one filter"
                .to_string()
        )]
    );
}
