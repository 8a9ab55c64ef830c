//! Junos text in, Junos text out, against the real schema: realistic configurations written
//! as Junos shows them load and print back character for character; the other forms Junos
//! accepts (nested families, chained keywords, one-line files, bracketed lists) load to the
//! same tree; a load lists every statement it cannot take.

use crate::parse::parse_config;
use crate::print::to_text;
use crate::tree::Node;

fn round_trip(text: &str) -> Node {
    let tree = parse_config(text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(to_text(&[], &tree), text);
    tree
}

fn same_tree(a: &str, b: &str) {
    let a = parse_config(a).unwrap_or_else(|e| panic!("{e}"));
    let b = parse_config(b).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a, b);
}

/// Each "statement has no effect" warning cut to the statement it names.
fn no_effect_statements(warnings: &[String]) -> Vec<&str> {
    warnings
        .iter()
        .map(|w| {
            w.split(" statement has no effect")
                .next()
                .unwrap_or_default()
        })
        .collect()
}

/// (line, column, message) of every error of a load.
fn errors(text: &str) -> Vec<(usize, usize, String)> {
    let e = parse_config(text).unwrap_err();
    e.all()
        .map(|e| (e.line, e.column, e.message.clone()))
        .collect()
}

/// A LAC: PPPoE subscribers over VLANs, tunnels to two LNSs.
const LAC: &str = "\
version 20.4R3.8;
system {
    host-name lac1;
}
services {
    l2tp {
        traceoptions {
            file jl2tpd size 10m files 5;
            flag all;
            filter {
                protocol l2tp;
                protocol ppp;
            }
        }
    }
}
interfaces {
    ge-0/0/1 {
        flexible-vlan-tagging;
        unit 100 {
            vlan-id 100;
            family pppoe {
                access-concentrator lac1;
                duplicate-protection;
            }
        }
        unit 200 {
            vlan-tags outer 200 inner 7;
            family pppoe {
                duplicate-protection;
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
access {
    domain {
        map isp.example {
            tunnel-profile to-lns;
        }
    }
    tunnel-profile to-lns {
        tunnel 1 {
            preference 1;
            remote-gateway {
                address 127.0.0.2;
                gateway-name lns1;
            }
            secret \"$9$pcG9u1hSyKW871I-wYgUDk.PTnCOBErK8\"; ## SECRET-DATA
            source-gateway {
                address 127.0.0.1;
            }
        }
        tunnel 2 {
            preference 2;
            remote-gateway {
                address 127.0.0.3;
                gateway-name lns2;
            }
            secret \"$9$pcG9u1hSyKW871I-wYgUDk.PTnCOBErK8\"; ## SECRET-DATA
            source-gateway {
                address 127.0.0.1;
            }
        }
    }
}
";

/// An LNS: a tunnel group, a pool, RADIUS.
const LNS: &str = "\
version 20.4R3.8;
system {
    host-name lns1;
}
services {
    l2tp {
        traceoptions {
            file jl2tpd size 1m files 3;
            flag all;
        }
        tunnel-group tg1 {
            l2tp-access-profile lac-peers;
            local-gateway {
                address 127.0.0.2;
            }
            ppp-access-profile subscribers;
            service-interface si-0/0/0;
        }
    }
}
interfaces {
    ge-0/0/0 {
        unit 0 {
            family inet {
                address 127.0.0.2/24;
            }
        }
    }
}
snmp {
    community public {
        authorization read-only;
        clients {
            127.0.0.0/8;
            127.1.0.0/16;
        }
    }
}
access {
    address-assignment {
        pool lns-pool {
            family inet {
                network 127.16.0.0/16;
                range r1 {
                    low 127.16.0.1;
                    high 127.16.255.254;
                }
                dhcp-attributes {
                    name-server {
                        127.0.0.53;
                        127.0.0.54;
                    }
                }
            }
        }
    }
    profile subscribers {
        authentication-order radius;
        radius {
            authentication-server 127.0.0.10;
        }
        radius-server {
            127.0.0.10 {
                port 1812;
                secret \"$9$pcG9u1hSyKW871I-wYgUDk.PTnCOBErK8\"; ## SECRET-DATA
            }
        }
    }
}
";

#[test]
fn lac_configuration_round_trips() {
    round_trip(LAC);
}

#[test]
fn lns_configuration_round_trips() {
    round_trip(LNS);
}

#[test]
fn saved_file_headers_load_and_version_prints_back() {
    // A file written by `save` on Junos: the `##` lines are comments, `version` is kept.
    let saved = format!("## Last changed: 2026-12-01 10:00:00 UTC\n## Last commit: 2026-12-01 10:00:00 UTC by root\n{LAC}");
    let tree = parse_config(&saved).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(to_text(&[], &tree), LAC);
    assert_eq!(tree.children[0].values, ["20.4R3.8"]);
}

#[test]
fn nested_family_and_chained_family_are_one_tree() {
    same_tree(
        "interfaces { ge-0/0/0 { unit 0 { family { inet { address 127.0.0.2/24; } } } } }",
        "interfaces { ge-0/0/0 { unit 0 { family inet { address 127.0.0.2/24; } } } }",
    );
    same_tree(
        "interfaces ge-0/0/0 unit 0 family inet address 127.0.0.2/24;",
        "interfaces { ge-0/0/0 { unit 0 { family inet { address 127.0.0.2/24; } } } }",
    );
}

#[test]
fn keyword_chains_load_as_the_block_form() {
    same_tree(
        "services { l2tp { tunnel-group tg1 { local-gateway address 127.0.0.2; } } }",
        "services { l2tp { tunnel-group tg1 { local-gateway { address 127.0.0.2; } } } }",
    );
    same_tree(
        "services { l2tp { traceoptions { file jl2tpd size 10m files 5; } } }",
        "services { l2tp { traceoptions { file { filename jl2tpd; size 10m; files 5; } } } }",
    );
    same_tree(
        "interfaces { ge-0/0/0 { unit 7 { vlan-tags outer 100 inner 7; } } }",
        "interfaces { ge-0/0/0 { unit 7 { vlan-tags { outer 100; inner 7; } } } }",
    );
}

#[test]
fn leaf_lists_load_one_a_line_bracketed_or_as_a_block() {
    let block = "access { address-assignment { pool p { family inet { network 127.16.0.0/16; dhcp-attributes { name-server { 127.0.0.53; 127.0.0.54; } } } } } }";
    same_tree(block, "access { address-assignment { pool p { family inet { network 127.16.0.0/16; dhcp-attributes { name-server [ 127.0.0.53 127.0.0.54 ]; } } } } }");
    same_tree(block, "access { address-assignment { pool p { family inet { network 127.16.0.0/16; dhcp-attributes { name-server 127.0.0.53; name-server 127.0.0.54; } } } } }");
    same_tree(
        "access { profile p { authentication-order [ radius password ]; } }",
        "access { profile p { authentication-order radius; authentication-order password; } }",
    );
}

#[test]
fn a_leaf_list_block_takes_one_value_a_line() {
    let text = "access {\n    address-assignment {\n        pool p {\n            family inet {\n                dhcp-attributes {\n                    name-server {\n                        127.0.0.53 127.0.0.54;\n                        bogus;\n                    }\n                }\n            }\n        }\n    }\n}\n";
    let errs = errors(text);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert_eq!((errs[0].0, errs[0].1), (7, 25));
    assert!(
        errs[0].1 > 0 && errs[0].2.contains("expecting one <address> and ';'"),
        "{errs:?}"
    );
    assert_eq!((errs[1].0, errs[1].1), (8, 25));
}

#[test]
fn every_refused_statement_is_listed_in_one_pass() {
    let text = "\
version 20.4R3.8;
system {
    host-name r1;
    syslog {
        file messages {
            any notice;
        }
    }
    bogus 1;
}
chassis {
    redundancy {
        graceful-switchover;
    }
}
interfaces {
    ge-0/0/0 {
        unit zero;
        unit 0 {
            family inet {
                adress 127.0.0.1/8;
            }
        }
    }
}
protocols {
    bgp {
        group x {
            neighbor 127.0.0.9;
        }
    }
}
firewall {
    three-color-policer f {
        single-rate {
            committed-information-rate 1m;
        }
    }
}
";
    assert_eq!(
        errors(text),
        vec![
            // `syslog` loads (it warns at commit that it has no effect yet).
            (9, 5, "syntax error: 'bogus' is not a statement under [edit system]".to_string()),
            (12, 5, "'redundancy' under [edit chassis] is not supported by this router".into()),
            (18, 14, errors("interfaces { ge-0/0/0 { unit zero; } }")[0].2.clone()),
            (
                21,
                17,
                "syntax error: 'adress' is not a statement under [edit interfaces ge-0/0/0 unit 0 family inet]".into()
            ),
            (27, 5, "'bgp' under [edit protocols] is not supported by this router".into()),
            (34, 5, "'three-color-policer' under [edit firewall] is not supported by this router".into()),
        ]
    );
}

#[test]
fn auto_configure_statements_not_built_here_are_named_not_supported() {
    let text = "interfaces {
    ge-1/0/0 {
        auto-configure {
            agent-circuit-identifier {
                dynamic-profile ACI;
            }
            vlan-ranges {
                authentication {
                    username-include {
                        mac-address;
                    }
                }
                dynamic-profile V {
                    access-profile A;
                    accept pppoe;
                }
            }
        }
    }
}
";
    assert_eq!(
        errors(text),
        vec![
            (4, 13, "'agent-circuit-identifier' under [edit interfaces ge-1/0/0 auto-configure] is not supported by this router".to_string()),
            (10, 25, "'mac-address' under [edit interfaces ge-1/0/0 auto-configure vlan-ranges authentication username-include] is not supported by this router".into()),
            (14, 21, "'access-profile' under [edit interfaces ge-1/0/0 auto-configure vlan-ranges dynamic-profile V] is not supported by this router".into()),
        ]
    );
}

/// A dynamic profile's IPv6 family and class of service are out of scope, not typos.
#[test]
fn a_dynamic_profiles_inet6_and_class_of_service_are_named_not_supported() {
    let text = "dynamic-profiles {
    PPPOE {
        interfaces {
            pp0 {
                unit \"$junos-interface-unit\" {
                    family {
                        inet6 {
                            unnumbered-address lo0.0;
                        }
                    }
                }
            }
        }
        class-of-service {
            traffic-control-profiles {
                TCP {
                    shaping-rate 10m;
                }
            }
        }
    }
}
";
    assert_eq!(
        errors(text),
        vec![
            (7, 25, "'inet6' under [edit dynamic-profiles PPPOE interfaces pp0 unit \"$junos-interface-unit\" family] is not supported by this router".to_string()),
            (14, 9, "'class-of-service' under [edit dynamic-profiles PPPOE] is not supported by this router".into()),
        ]
    );
}

#[test]
fn an_unclosed_block_is_reported_after_the_other_errors() {
    let errs = errors("system {\n    bogus;\n    host-name r1;\n");
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert_eq!((errs[0].0, errs[0].1), (2, 5));
    assert_eq!(errs[1], (4, 1, "syntax error, expecting '}'".to_string()));
}

#[test]
fn a_grouped_entry_is_named_once_in_messages() {
    let errs = errors("snmp {\n    community public {\n        clients {\n            127.0.0.0/8 bogus;\n        }\n    }\n}\n");
    assert_eq!(
        errs[0].2,
        "syntax error: 'bogus' is not a statement under [edit snmp community public clients 127.0.0.0/8]"
    );
}

#[test]
fn a_typo_is_still_a_syntax_error() {
    let errs = errors("chasis { }\nprotocols { bgpp { } }\n");
    assert_eq!(
        errs[0].2,
        "syntax error: 'chasis' is not a statement under [edit]"
    );
    assert_eq!(
        errs[1].2,
        "syntax error: 'bgpp' is not a statement under [edit protocols]"
    );
}

#[test]
fn unsupported_statements_deeper_down_are_named_too() {
    let text = "\
interfaces {
    ge-0/0/0 {
        traceoptions {
            flag all;
        }
        unit 0 {
            family inet {
                sampling {
                    input;
                }
                address 127.0.0.2/24;
            }
            family inet6 {
                address ::1/128;
            }
        }
    }
}
";
    let errs = errors(text);
    let messages: Vec<&str> = errs.iter().map(|e| e.2.as_str()).collect();
    assert_eq!(
        messages,
        [
            "'traceoptions' under [edit interfaces ge-0/0/0] is not supported by this router",
            "'sampling' under [edit interfaces ge-0/0/0 unit 0 family inet] is not supported by this router",
            "'inet6' under [edit interfaces ge-0/0/0 unit 0 family] is not supported by this router",
        ]
    );
    assert_eq!((errs[2].0, errs[2].1), (13, 20));
}

#[test]
fn a_missing_semicolon_is_reported_and_the_rest_still_checked() {
    let text = "\
system {
    host-name r1
}
services {
    l2tp {
        bogus;
        tunnel-group tg1 {
            service-interface \"si-0/0/0\"
        }
    }
}
access {
    profile p {
        authentication-order [ radius password ]
    }
}
";
    assert_eq!(
        errors(text),
        vec![
            (2, 17, "syntax error, expecting ';' after 'r1'".to_string()),
            (
                6,
                9,
                "syntax error: 'bogus' is not a statement under [edit services l2tp]".into()
            ),
            (8, 41, "syntax error, expecting ';' after 'si-0/0/0'".into()),
            (14, 49, "syntax error, expecting ';' after ']'".into()),
        ]
    );
    // At the end of the text too.
    assert_eq!(
        errors("system { host-name r1; }\nversion 20.4R3.8"),
        vec![(
            2,
            17,
            "syntax error, expecting ';' after '20.4R3.8'".to_string()
        )]
    );
}

#[test]
fn a_configuration_with_its_version_statement_commits() {
    let text = "version 20.4R3.8;\nsystem {\n    host-name r1;\n}\n";
    let tree = round_trip(text);
    assert_eq!(crate::validate::check(&tree).map_err(|e| e.1), Ok(vec![]));
}

#[test]
fn lac_configuration_passes_the_commit_checks() {
    let tree = round_trip(LAC);
    if let Err((errors, summary)) = crate::validate::check(&tree) {
        panic!("{summary}: {errors:?}");
    }
}

/// A Junos user's password and keys load and print back, and the commit says they do
/// nothing here: the shell's users are the host's accounts.
#[test]
fn a_junos_users_password_loads_and_is_named_in_a_commit_warning() {
    let text = "system {\n    login {\n        user alice {\n            uid 2001;\n            class super-user;\n            authentication {\n                encrypted-password \"$6$x\";\n                ssh-ed25519 \"ssh-ed25519 AAAA alice@host\";\n            }\n        }\n    }\n}\n";
    let tree = round_trip(text);
    let warnings = crate::validate::check(&tree).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(
        warnings.iter().any(|w| w.starts_with(
            "warning: [edit system login user alice] 'authentication': statement has no effect: users are the host's accounts"
        )),
        "{warnings:#?}"
    );
}

/// A BNG-and-LNS configuration in the statements and order a Junos router shows them, with
/// what such configurations carry beside subscriber access (a user's password, the chassis'
/// inline services, an `si-` interface's scheduler, a port's MTU, `proxy-arp`, DHCP lease
/// times): it loads whole, commits, and each statement that does nothing here is named in a
/// warning. The pool's WINS servers are used (IPCP NBNS).
#[test]
fn a_pasted_router_configuration_loads_whole_and_names_what_it_ignores() {
    let text = "\
system {
    host-name bng1;
    login {
        user ops {
            uid 2001;
            class super-user;
            authentication {
                encrypted-password \"$6$salt$hash\";
            }
        }
    }
}
chassis {
    fpc 1 {
        pic 0 {
            inline-services {
                bandwidth 10g;
            }
        }
    }
    network-services enhanced-ip;
}
dynamic-profiles {
    PPPOE {
        interfaces {
            pp0 {
                unit \"$junos-interface-unit\" {
                    ppp-options {
                        chap;
                    }
                    pppoe-options {
                        underlying-interface \"$junos-underlying-interface\";
                        server;
                    }
                    keepalives interval 15;
                    family inet {
                        unnumbered-address \"$junos-loopback-interface\";
                    }
                }
            }
        }
    }
    VLAN {
        interfaces {
            demux0 {
                unit \"$junos-interface-unit\" {
                    proxy-arp;
                    vlan-id \"$junos-vlan-id\";
                    demux-options {
                        underlying-interface \"$junos-interface-ifd-name\";
                    }
                    family pppoe {
                        duplicate-protection;
                        dynamic-profile PPPOE;
                    }
                }
            }
        }
    }
}
interfaces {
    si-1/0/0 {
        hierarchical-scheduler maximum-hierarchy-levels 2;
        encapsulation generic-services;
        unit 0 {
            family inet;
        }
    }
    ge-1/1/1 {
        description \"PPPoE access\";
        flexible-vlan-tagging;
        mtu 9192;
        encapsulation flexible-ethernet-services;
    }
    lo0 {
        unit 0 {
            family inet {
                address 198.18.255.1/32;
            }
        }
    }
}
access {
    address-assignment {
        pool subscribers {
            family inet {
                network 198.18.64.0/20;
                range r1 {
                    low 198.18.64.10;
                    high 198.18.79.250;
                }
                dhcp-attributes {
                    maximum-lease-time 3600;
                    name-server {
                        198.18.2.53;
                    }
                    wins-server {
                        198.18.2.137;
                    }
                }
            }
        }
    }
}
";
    let tree = round_trip(text);
    let warnings = crate::validate::check(&tree).unwrap_or_else(|e| panic!("{e:?}"));
    let named = no_effect_statements(&warnings);
    assert_eq!(
        named,
        [
            "warning: [edit system login user ops] 'uid':",
            "warning: [edit system login user ops] 'authentication':",
            "warning: [edit] 'chassis':",
            "warning: [edit dynamic-profiles VLAN interfaces demux0 unit \"$junos-interface-unit\"] 'proxy-arp':",
            "warning: [edit interfaces si-1/0/0] 'hierarchical-scheduler':",
            "warning: [edit interfaces ge-1/1/1] 'mtu':",
            "warning: [edit access address-assignment pool subscribers family inet dhcp-attributes] 'maximum-lease-time':",
            // Its only name server is the pool's, which Junos gives DHCP clients only.
            "warning: [edit access address-assignment pool subscribers family inet dhcp-attributes] 'name-server':",
        ],
        "{warnings:#?}"
    );
}

/// `access profile P radius options` as a BNG's configuration writes every statement of it:
/// it loads, prints back the same, its `| display set` lines load to the same tree, and the
/// commit warns of each statement the daemon does not act on.
#[test]
fn every_junos_radius_option_loads_prints_back_and_warns_where_it_does_nothing() {
    const OPTIONS: &str = "\
access {
    profile isp {
        radius {
            options {
                accounting-session-id-format description;
                calling-station-id-delimiter *;
                calling-station-id-format {
                    interface-description;
                    mac-address;
                }
                client-accounting-algorithm round-robin;
                client-authentication-algorithm round-robin;
                coa-dynamic-variable-validation;
                ethernet-port-type-virtual;
                interface-description-format {
                    exclude-adapter;
                    exclude-sub-interface;
                }
                ip-address-change-notify old-address;
                juniper-dsl-attributes;
                nas-identifier bng1;
                nas-port-extended-format {
                    adapter-width 3;
                    port-width 5;
                    slot-width 4;
                    stacked;
                    vlan-width 12;
                }
                nas-port-id-delimiter %;
                nas-port-id-format {
                    agent-circuit-id;
                    agent-remote-id;
                    interface-description;
                    nas-identifier;
                }
                nas-port-type {
                    ethernet {
                        xdsl;
                    }
                }
                override {
                    calling-station-id remote-circuit-id;
                    nas-ip-address tunnel-client-gateway-address;
                    nas-port tunnel-client-nas-port;
                    nas-port-type tunnel-client-nas-port-type;
                }
                revert-interval 120;
                vlan-nas-port-stacked-format;
            }
        }
    }
}
";
    let tree = round_trip(OPTIONS);
    let set_lines = crate::print::to_set_lines(&[], &tree);
    assert!(
        set_lines.contains("set access profile isp radius options nas-port-type ethernet xdsl\n"),
        "{set_lines}"
    );
    assert!(
        set_lines.contains(
            "set access profile isp radius options override nas-ip-address \
             tunnel-client-gateway-address\n"
        ),
        "{set_lines}"
    );
    let config = crate::typed::router_config(&tree);
    let overrides = config.access_profiles["isp"].radius_options.overrides;
    assert!(
        overrides.nas_ip_address_tunnel_client_gateway,
        "{overrides:?}"
    );
    assert!(overrides.nas_port_tunnel_client && overrides.nas_port_type_tunnel_client);
    assert!(overrides.calling_station_id_remote_circuit_id);
    let reloaded = crate::parse::apply_set_lines(&Node::default(), &set_lines)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(reloaded, tree);
    let warnings = crate::validate::check(&tree).unwrap_or_else(|(e, s)| panic!("{s}: {e:?}"));
    for statement in [
        "coa-dynamic-variable-validation",
        "ip-address-change-notify",
        "juniper-dsl-attributes",
        "vlan-nas-port-stacked-format",
        "'calling-station-id'",
        "'nas-port'",
        "'nas-port-type'",
    ] {
        assert!(
            warnings.iter().any(|w| w.contains(statement)),
            "{statement}: {warnings:?}"
        );
    }
    // `override nas-ip-address` acts (at the LNS): no warning for it.
    assert!(
        !warnings.iter().any(|w| w.contains("'nas-ip-address'")),
        "{warnings:?}"
    );
    // `nas-port-extended-format` acts: NAS-Port of Ethernet subscribers.
    assert!(
        !warnings
            .iter()
            .any(|w| w.contains("nas-port-extended-format")),
        "{warnings:?}"
    );
    assert_eq!(warnings.len(), 7, "{warnings:?}");
}

/// The statements a Junos BNG lab's `set` script adds beyond the subscriber hierarchies —
/// the host's daemons and database, subscriber management switched on, profile versioning,
/// a PPPoE profile's MRU and MTU and reverse-path check, the name servers of an access
/// profile, immediate accounting updates — load from `set` lines, print as Junos text that
/// loads back to the same tree, and commit; what does nothing here is named.
#[test]
fn a_bng_lab_set_script_loads_and_names_what_it_ignores() {
    let set = r#"set system services subscriber-management enable
set system processes general-authentication-service traceoptions file radius
set system processes general-authentication-service traceoptions flag all
set system configuration-database max-db-size 104857600
set system configuration-database virtual-memory-mapping process-set subscriber-management fixed-size 52500
set system dynamic-profile-options versioning
set access profile aaa authentication-order radius
set access profile aaa domain-name-server 198.18.0.53
set access profile aaa domain-name-server-inet 198.18.0.54
set access profile aaa radius authentication-server 127.0.0.1
set access profile aaa accounting order radius
set access profile aaa accounting immediate-update
set access profile aaa accounting coa-immediate-update
set access profile aaa accounting address-change-immediate-update
set access radius-server 127.0.0.1 secret "s3cret"
set access domain-name-server 198.18.0.55
set dynamic-profiles PPPoE-Base interfaces pp0 interface-mib
set dynamic-profiles PPPoE-Base interfaces pp0 unit "$junos-interface-unit" no-traps
set dynamic-profiles PPPoE-Base interfaces pp0 unit "$junos-interface-unit" ppp-options chap
set dynamic-profiles PPPoE-Base interfaces pp0 unit "$junos-interface-unit" ppp-options mru 1500
set dynamic-profiles PPPoE-Base interfaces pp0 unit "$junos-interface-unit" ppp-options mtu 1500
set dynamic-profiles PPPoE-Base interfaces pp0 unit "$junos-interface-unit" pppoe-options underlying-interface "$junos-underlying-interface"
set dynamic-profiles PPPoE-Base interfaces pp0 unit "$junos-interface-unit" pppoe-options server
set dynamic-profiles PPPoE-Base interfaces pp0 unit "$junos-interface-unit" family inet rpf-check
set dynamic-profiles PPPoE-Base interfaces pp0 unit "$junos-interface-unit" family inet unnumbered-address "$junos-loopback-interface"
set interfaces lo0 unit 0 family inet address 127.0.0.1/32
set protocols pppoe traceoptions file "log_pppoe"
set protocols pppoe traceoptions file files 5
set protocols pppoe traceoptions level notice
set protocols pppoe traceoptions flag all
"#;
    let tree =
        crate::parse::apply_set_lines(&Node::default(), set).unwrap_or_else(|e| panic!("{e}"));
    let text = to_text(&[], &tree);
    assert_eq!(parse_config(&text).expect("its text loads"), tree);
    assert!(
        text.contains("    processes {\n        general-authentication-service {\n            traceoptions {\n                file radius;\n                flag all;\n"),
        "{text}"
    );
    assert!(
        text.contains("                    family inet {\n                        rpf-check;\n"),
        "{text}"
    );
    assert!(
        text.contains("    pppoe {\n        traceoptions {\n            file log_pppoe files 5;\n            flag all;\n            level notice;\n"),
        "{text}"
    );
    let warnings = crate::validate::check(&tree).unwrap_or_else(|e| panic!("{e:?}"));
    let named = no_effect_statements(&warnings);
    assert_eq!(
        named,
        [
            "warning: [edit system] 'services':",
            "warning: [edit system] 'processes general-authentication-service':",
            "warning: [edit system] 'configuration-database':",
            "warning: [edit access profile aaa accounting] 'address-change-immediate-update':",
        ],
        "{warnings:#?}"
    );
}

/// A BNG's `system` block names DHCP's local server and the RADIUS options of the host's
/// own logins: Junos statements this router does not have, named so, not syntax errors.
#[test]
fn host_services_and_radius_options_of_junos_are_named_not_supported() {
    let text = "system {
    services {
        ssh;
        dhcp-local-server {
            group G1 {
                interface ge-0/0/1.0;
            }
        }
    }
    radius-options {
        password-protocol mschap-v2;
    }
}
";
    assert_eq!(
        errors(text),
        vec![
            (
                4,
                9,
                "'dhcp-local-server' under [edit system services] is not supported by this router"
                    .to_string()
            ),
            (
                10,
                5,
                "'radius-options' under [edit system] is not supported by this router".into()
            ),
        ]
    );
}
