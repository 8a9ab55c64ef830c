//! Issue 16, third sample (branch wt-h98): statements of Juniper-published Junos text that
//! the router refused, each written here in its documented form with our own values (the
//! pages are named in docs/junos-coverage.md, "Third sample (h98)"). Each loads as Junos
//! writes it, prints back character for character and its set form reloads to the same tree.

use super::junos_gaps_tests::no_effect;
use crate::parse::parse_config;
use crate::typed::router_config;

/// Examples: Configuring Static Filters (subscriber-mgmt-services, current release) writes
/// a filter's address conditions with host bits set (`source-address { a.b.c.10/24; }`).
/// Taken as written; the packet is matched under the prefix's length (the matcher masks).
#[test]
fn filter_address_conditions_take_prefixes_with_host_bits() {
    let text = "\
firewall {
    family inet {
        filter sub-in {
            term t1 {
                from {
                    destination-address {
                        198.18.8.20/24 except;
                    }
                    source-address {
                        198.18.7.10/24;
                    }
                }
                then {
                    count c1;
                    accept;
                }
            }
            term t2 {
                from {
                    address {
                        198.18.9.1/16;
                    }
                }
                then discard;
            }
        }
    }
}
";
    assert_eq!(no_effect(text), Vec::<String>::new());
    let config = router_config(&parse_config(text).unwrap());
    let term = &config.firewall_filters["sub-in"].terms[0];
    let source = term.from.source_address[0].prefix;
    assert_eq!(source.to_string(), "198.18.7.10/24");
    assert!(source.contains("198.18.7.200".parse().unwrap()));
    assert!(!source.contains("198.18.6.10".parse().unwrap()));
    // Still a prefix: a length past 32 or a bare address is refused.
    for bad in ["198.18.7.10/33", "198.18.7.10"] {
        let wrong = text.replace("198.18.7.10/24", bad);
        assert!(parse_config(&wrong).is_err(), "{bad}");
    }
}

/// pp0 (Dynamic PPPoE) and interfaces (Static and Dynamic Subscribers), current release:
/// a dynamic profile's `filter { input F { precedence N; } }` (precedence (Dynamic Profiles
/// Filters), 13.1: 0 through 250). The precedence orders several filters of one direction;
/// a unit has one here, so it has no effect. `shared-name` (one filter instance shared by
/// the subscribers) is not supported; a second filter of one direction is refused at commit.
#[test]
fn a_dynamic_profiles_filter_takes_a_precedence() {
    let text = "\
dynamic-profiles {
    pppoe-prof {
        interfaces {
            pp0 {
                unit \"$junos-interface-unit\" {
                    pppoe-options {
                        underlying-interface \"$junos-underlying-interface\";
                        server;
                    }
                    family inet {
                        filter {
                            input sub-in {
                                precedence 50;
                            }
                            output \"$junos-output-filter\";
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
                address 198.18.0.1/32;
            }
        }
    }
}
firewall {
    family inet {
        filter sub-in {
            term t1 {
                then accept;
            }
        }
    }
}
";
    const UNIT: &str = "[edit dynamic-profiles pppoe-prof interfaces pp0 unit \"$junos-interface-unit\" family inet filter input sub-in]";
    assert_eq!(no_effect(text), [format!("{UNIT} 'precedence'")]);
    let config = router_config(&parse_config(text).unwrap());
    let unit = &config.dynamic_profiles["pppoe-prof"].interfaces[0];
    assert_eq!(unit.filters.input.as_deref(), Some("sub-in"));
    assert_eq!(unit.filters.output.as_deref(), Some("$junos-output-filter"));
    // Without options it is the one-line form, as before.
    let plain = text.replace(
        " {\n                                precedence 50;\n                            }",
        ";",
    );
    assert!(plain.contains("input sub-in;"));
    assert_eq!(no_effect(&plain), Vec::<String>::new());
    // 0 through 250.
    let over = text.replace("precedence 50", "precedence 251");
    assert!(parse_config(&over).is_err());
    // The filter must exist, as before.
    let missing = plain.replace("input sub-in;", "input sub-out;");
    let tree = parse_config(&missing).unwrap();
    let errors = format!("{:?}", crate::validate::check(&tree).unwrap_err());
    assert!(
        errors.contains("Referenced filter is not defined"),
        "{errors}"
    );
    // One filter a direction.
    let two = plain.replace(
        "input sub-in;",
        "input sub-in;\n                            input \"$junos-input-filter\";",
    );
    let tree = parse_config(&two).unwrap();
    let errors = format!("{:?}", crate::validate::check(&tree).unwrap_err());
    assert!(
        errors.contains("Only one 'input' may be configured: input sub-in is"),
        "{errors}"
    );
    // `set` of another name replaces the filter, as setting Junos' one statement again.
    let unit =
        "set dynamic-profiles p interfaces pp0 unit $junos-interface-unit family inet filter";
    let tree = crate::parse::apply_set_lines(
        &crate::tree::Node::default(),
        &format!("{unit} input a precedence 5\n{unit} input b\n{unit} output c\n"),
    )
    .unwrap();
    let set = crate::print::to_set_lines(&[], &tree);
    assert_eq!(
        set.lines()
            .filter(|l| l.contains(" filter "))
            .collect::<Vec<_>>(),
        [
            format!("{unit} input b").replace("$junos-interface-unit", "\"$junos-interface-unit\""),
            format!("{unit} output c")
                .replace("$junos-interface-unit", "\"$junos-interface-unit\""),
        ]
    );
    // A shared filter instance is not.
    let error = super::junos_gaps_tests::set_error(
        "set dynamic-profiles p interfaces pp0 unit $junos-interface-unit family inet filter input f shared-name s",
    );
    assert!(
        error.contains("'shared-name'") && error.contains("is not supported"),
        "{error}"
    );
}

/// A pool `dhcp-pool` for DHCP clients whose `dhcp-attributes` block holds `attributes`
/// (given after a newline, at their depth).
fn dhcp_pool(attributes: &str) -> String {
    let attributes = attributes.strip_prefix('\n').unwrap_or(attributes);
    format!(
        "\
access {{
    address-assignment {{
        pool dhcp-pool {{
            family inet {{
                network 198.18.2.0/24;
                range r1 {{
                    low 198.18.2.10;
                    high 198.18.2.100;
                }}
                dhcp-attributes {{
{attributes}                }}
            }}
        }}
    }}
}}
"
    )
}

/// dhcp-attributes, 9.4; netbios-node-type, 13.2 (`b-node | h-node | m-node | p-node`,
/// DHCP option 46): a pool written for DHCP clients loads whole, its DHCP-only attributes
/// with no effect, as the other DHCP-only attributes (their order here is ours: the pages
/// list the statements alphabetically).
#[test]
fn a_pools_netbios_node_type_and_tftp_server_load_and_warn() {
    let text = dhcp_pool(
        "
                    wins-server {
                        198.18.2.4;
                    }
                    netbios-node-type h-node;
                    tftp-server 198.18.2.1;
",
    );
    const AT: &str = "[edit access address-assignment pool dhcp-pool family inet dhcp-attributes]";
    assert_eq!(
        no_effect(&text),
        [
            format!("{AT} 'netbios-node-type'"),
            format!("{AT} 'tftp-server'")
        ]
    );
    let other = text.replace("h-node", "x-node");
    assert!(parse_config(&other).is_err());
}

/// Examples: Configuring L2TP Services (13.1) gives a client profile `framed-ip-address
/// a.b.c.d/32`, where the statement pages write a bare address: a host prefix names the same
/// address. Taken as written and printed so; a shorter prefix is still refused.
#[test]
fn framed_ip_address_takes_a_host_prefix() {
    let text = "\
access {
    profile lns-clients {
        client user1 {
            ppp {
                framed-ip-address 198.18.12.12/32;
            }
        }
        client user2 {
            ppp {
                framed-ip-address 198.18.12.13;
            }
        }
    }
}
";
    assert_eq!(no_effect(text), Vec::<String>::new());
    let config = router_config(&parse_config(text).unwrap());
    let clients = &config.access_profiles["lns-clients"].clients;
    for (name, address) in [("user1", "198.18.12.12"), ("user2", "198.18.12.13")] {
        let ppp = &clients[name].ppp;
        assert_eq!(ppp.framed_ip_address, Some(address.parse().unwrap()));
    }
    for bad in ["198.18.12.12/24", "198.18.12.12/33", "198.18.12.0/32x"] {
        let wrong = text.replace("198.18.12.12/32", bad);
        let error = parse_config(&wrong).expect_err(bad).to_string();
        assert!(
            error.contains("expecting an IPv4 address or a /32 prefix"),
            "{error}"
        );
    }
}

/// option (12.3), option-match (9.4), server-identifier (current), under dhcp-attributes: a
/// pool written for DHCP clients with its own options loads whole, each with no effect (this
/// router's subscribers get their address by IPCP). `option` entries are one a line, `id
/// type value` or `id array type [ values ]`.
#[test]
fn a_pools_dhcp_options_load_and_warn() {
    let text = dhcp_pool(
        "
                    option {
                        2 integer -3600;
                        19 flag off;
                        24 unsigned-short 576;
                        40 string nis.example;
                        43 hex-string 0104c6120201;
                        150 array ip-address [ 198.18.2.5 198.18.2.6 ];
                        176 array string [ MCIPADD=198.18.2.7 MCPORT=1719 ];
                    }
                    option-match {
                        option-82 {
                            circuit-id ge-1/0/0:100 range r1;
                            remote-id \"cpe 7\" range r1;
                        }
                    }
                    server-identifier 198.18.2.1;
",
    );
    const AT: &str = "[edit access address-assignment pool dhcp-pool family inet dhcp-attributes]";
    assert_eq!(
        no_effect(&text),
        ["2", "19", "24", "40", "43", "150", "176"]
            .iter()
            .map(|code| format!("{AT} 'option {code}'"))
            .chain([
                format!("{AT} 'option-match'"),
                format!("{AT} 'server-identifier'"),
            ])
            .collect::<Vec<_>>()
    );
    // A value must fit its type, and an option takes one type.
    for (from, to) in [
        ("19 flag off", "19 flag maybe"),
        ("24 unsigned-short 576", "24 unsigned-short 70000"),
        ("2 integer -3600", "2 integer -3000000000"),
        (
            "150 array ip-address [",
            "150 array ip-address [ 198.18.2.300",
        ),
        ("19 flag off", "300 flag off"),
    ] {
        let wrong = text.replace(from, to);
        assert!(parse_config(&wrong).is_err(), "{to}");
    }
    let two_types = text.replace("19 flag off;", "19 flag off byte 1;");
    let tree = parse_config(&two_types).expect("two types load");
    assert!(
        crate::validate::check(&tree).is_err(),
        "two types of one option commit"
    );
}
