//! Issue 16, second sample (branch wt-h97): statements of Juniper-published Junos text that
//! the router refused, each written here in its documented form with our own values (the
//! pages are named in docs/junos-coverage.md, "Second sample (h97)"). Each loads as Junos
//! writes it, prints back character for character, its set form reloads to the same tree,
//! and the commit warns exactly for the statements that do nothing here.

use super::junos_gaps_tests::{no_effect, set_error};
use crate::parse::parse_config;

/// syslog (System), 12.1X47 and 12.2: an archive's `binary-data | no-binary-data`,
/// `start-time`, `transfer-interval` (at `[edit system syslog]` and in a file), and
/// `log-rotate-frequency`.
#[test]
fn syslog_archive_transfer_and_rotation_statements_load_and_warn() {
    let text = "\
system {
    syslog {
        archive size 1m files 10 no-world-readable no-binary-data start-time 2026-12-01.03:00 transfer-interval 60;
        file messages {
            any notice;
            archive size 2m files 5 world-readable binary-data;
        }
        log-rotate-frequency 15;
    }
}
";
    assert_eq!(
        no_effect(text),
        [
            "[edit system syslog archive] 'no-binary-data'",
            "[edit system syslog archive] 'start-time'",
            "[edit system syslog archive] 'transfer-interval'",
            "[edit system syslog file messages archive] 'binary-data'",
            "[edit system syslog] 'log-rotate-frequency'",
        ]
    );
    // The page writes the time quoted; the quotes are not part of it.
    let quoted = text.replace("2026-12-01.03:00", "\"2026-12-01.03:00\"");
    assert_eq!(parse_config(&quoted).ok(), parse_config(text).ok());
    // One of each pair, as Junos.
    let both = text.replace(" binary-data;", " binary-data no-binary-data;");
    let tree = parse_config(&both).unwrap_or_else(|e| panic!("{e}"));
    assert!(crate::validate::check(&tree).is_err());
}

/// class (Defining Login Classes), 12.3: `allow-configuration-regexps` and
/// `deny-configuration-regexps` (with effect: l2tpd/src/mgmt/rights.rs), and
/// `configuration-breadcrumbs`; `login-script` runs an op script, which this router does not
/// have.
#[test]
fn login_class_regexps_and_breadcrumbs_load() {
    let text = "\
system {
    login {
        class noc {
            idle-timeout 15;
            permissions [ view configure ];
            allow-commands \"(show|ping|traceroute)\";
            deny-commands \"request system .*\";
            allow-configuration-regexps [ \"access .*\" \"services l2tp .*\" ];
            deny-configuration-regexps \"system login .*\";
            configuration-breadcrumbs;
        }
    }
}
";
    assert_eq!(
        no_effect(text),
        ["[edit system login class noc] 'configuration-breadcrumbs'"]
    );
    let config = crate::typed::router_config(&parse_config(text).unwrap());
    let noc = &config.login_classes["noc"];
    assert_eq!(
        noc.allow_configuration_regexps,
        ["access .*", "services l2tp .*"]
    );
    assert_eq!(noc.deny_configuration_regexps, ["system login .*"]);
    // Junos: one form or the other in a class.
    let both = text.replace(
        "            configuration-breadcrumbs;\n",
        "            allow-configuration \"snmp .*\";\n",
    );
    let tree = parse_config(&both).unwrap_or_else(|e| panic!("{e}"));
    assert!(crate::validate::check(&tree).is_err());
    // Each expression is checked at commit, named by its statement.
    let bad = text.replace("\"system login .*\"", "\"system (login\"");
    let tree = parse_config(&bad).unwrap_or_else(|e| panic!("{e}"));
    let errors = format!("{:?}", crate::validate::check(&tree).unwrap_err());
    assert!(
        errors.contains("deny-configuration-regexps")
            && errors.contains("Invalid regular expression 'system (login'"),
        "{errors}"
    );
    assert!(
        set_error("set system login class noc login-script noc.slax")
            .contains("is not supported by this router"),
    );
}

/// Examples: Configuring the SNMP Community String (12.3) writes `clients { default restrict;
/// 1.2.3.4/24; }`, and Configuring SNMP Communities `clients 192.168.1.15/24`: `default`
/// stands for every address (both families), and a client's prefix may have host bits set,
/// kept as written (a source is matched under the prefix's length).
#[test]
fn snmp_clients_take_default_and_a_prefix_with_host_bits() {
    let text = "\
snmp {
    client-list nms {
        198.18.1.9/24;
    }
    community field-service {
        authorization read-only;
        clients {
            default restrict;
            198.18.0.4/24;
        }
    }
}
";
    assert!(no_effect(text).is_empty());
    let config = crate::typed::router_config(&parse_config(text).unwrap());
    let clients: Vec<String> = config.snmp.communities["field-service"]
        .clients
        .iter()
        .map(|c| format!("{}/{} {}", c.address, c.len, c.restrict))
        .collect();
    assert_eq!(
        clients,
        ["0.0.0.0/0 true", "::/0 true", "198.18.0.4/24 false"]
    );
    assert!(set_error("set snmp community c clients defaults").contains("invalid IPv4 prefix"));
    assert!(set_error("set snmp community c clients 198.18.0.4/33").contains("invalid IPv4 prefix"));
}

/// traceoptions (L2TP), 13.1: `filter protocol` takes `l2tp`, `ppp`, `radius` and `udp`
/// (Juniper's 9.5 "L2TP Minimum Configuration" lists all four). As `ppp` and `radius`, `udp`
/// alone selects none of the L2TP events this trace file holds (l2tpd/src/trace).
#[test]
fn l2tp_trace_filter_takes_udp() {
    let text = "\
services {
    l2tp {
        traceoptions {
            flag all;
            filter {
                protocol udp;
                protocol l2tp;
                protocol ppp;
                protocol radius;
            }
        }
    }
}
";
    assert!(no_effect(text).is_empty());
    let config = crate::typed::router_config(&parse_config(text).unwrap());
    assert_eq!(
        config.l2tp.traceoptions.unwrap().filter_protocols,
        ["udp", "l2tp", "ppp", "radius"]
    );
}

/// unnumbered-address (PPP), 13.1: `unnumbered-address IF destination A destination-profile
/// P` gives a static PPP peer its address; destination (Dynamic PPPoE), 10.1, a dynamic
/// one's. A static unit's `destination` is built (validate::static_pppoe_tests); a PPP
/// profile's pool and a dynamic profile's one address for all are named as not supported,
/// not a syntax error.
#[test]
fn an_unnumbered_peer_destination_profile_is_not_supported() {
    for line in [
        "set interfaces pp0 unit 1 family inet unnumbered-address lo0.0 destination-profile peers",
        "set dynamic-profiles p interfaces pp0 unit \"$junos-interface-unit\" family inet unnumbered-address lo0.0 destination 198.18.3.2",
    ] {
        let error = set_error(line);
        assert!(error.contains("is not supported by this router"), "{line}: {error}");
    }
    let brace = "interfaces {\n    pp0 {\n        unit 1 {\n            family inet {\n                unnumbered-address lo0.0 destination-profile peers;\n            }\n        }\n    }\n}\n";
    let error = parse_config(brace).unwrap_err().to_string();
    assert!(error.contains("is not supported by this router"), "{error}");
}

/// [edit snmp] Hierarchy Level, 12.3: `logical-system-trap-filter` (traps of logical
/// systems, which this router does not have) is named as not supported.
#[test]
fn snmp_logical_system_trap_filter_is_not_supported() {
    assert!(set_error("set snmp logical-system-trap-filter")
        .contains("is not supported by this router"));
}

/// Examples: Configuring the SNMP Community String, 12.3: a view names MIBs
/// (`oid pingMIB include; oid jnxPingMIB include;`); printed as written, resolved to the
/// numbers the agent matches.
#[test]
fn an_snmp_view_takes_mib_names() {
    let text = "\
snmp {
    community ping-mib {
        authorization read-write;
        view ping-mib-view;
    }
    view ping-mib-view {
        oid pingMIB include;
        oid jnxPingMIB include;
        oid jnxL2tp exclude;
    }
}
";
    let tree = parse_config(text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(crate::print::to_text(&[], &tree), text);
    assert!(crate::validate::check(&tree).is_ok());
    let view = &crate::typed::router_config(&tree).snmp.views["ping-mib-view"];
    assert_eq!(
        view.subtrees,
        [
            (vec![1, 3, 6, 1, 2, 1, 80], true),
            (vec![1, 3, 6, 1, 4, 1, 2636, 3, 7], true),
            (mibs::JNX_L2TP.to_vec(), false),
        ]
    );
}
