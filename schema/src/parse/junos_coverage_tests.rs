//! The statements the Junos coverage audit (docs/junos-coverage.md) found refused or
//! silently ignored, as Junos writes them: each loads, prints back character for character,
//! its `| display set` form loads to the same tree, and a commit names every one that does
//! nothing here; the statements of hierarchies this router does not implement are named as
//! not supported.

use super::whole_config_tests::{load_whole, warned};
use crate::parse::{apply_set_lines, parse_config};
use crate::tree::Node;
use crate::typed::router_config;

/// Loads `text` (printed back as written, its set form the same tree); the tree and the
/// statements the commit warns have no effect.
fn load(text: &str) -> (Node, Vec<String>) {
    let (tree, warnings) = load_whole(text);
    let no_effect = warned(&warnings)
        .iter()
        .map(|w| w.trim_start_matches("warning: ").to_string())
        .collect();
    (tree, no_effect)
}

/// The commit's errors of `text` (which loads): `[edit LEVEL] 'STATEMENT' MESSAGE` each.
fn commit_errors(text: &str) -> Vec<String> {
    let tree = parse_config(text).unwrap_or_else(|e| panic!("{e}"));
    let (errors, _) = crate::validate::check(&tree).expect_err("the commit refuses it");
    errors
        .iter()
        .map(|e| {
            format!(
                "[edit {}] '{}' {}",
                crate::tree::path_words(&e.path),
                e.statement,
                e.message
            )
        })
        .collect()
}

#[test]
fn a_trace_file_takes_match_and_no_world_readable() {
    let text = "\
services {
    l2tp {
        traceoptions {
            file l2tpd size 10m files 5 match \"tunnel|SCCRQ\" no-world-readable;
            flag protocol;
        }
    }
}
";
    let (tree, no_effect) = load(text);
    assert!(no_effect.is_empty(), "{no_effect:?}");
    let trace = router_config(&tree)
        .l2tp
        .traceoptions
        .expect("traceoptions");
    assert_eq!(trace.file.matches.as_deref(), Some("tunnel|SCCRQ"));
    assert!(!trace.file.world_readable);

    // An expression the trace could not apply is refused at commit, where it stands.
    let bad = text.replace("\"tunnel|SCCRQ\"", "\"(\"");
    let errors = commit_errors(&bad);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("[edit services l2tp traceoptions file] 'match \"(\"'"),
        "{errors:?}"
    );
    // world-readable and no-world-readable are alternatives.
    let both = text.replace("no-world-readable", "world-readable no-world-readable");
    let errors = commit_errors(&both);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("no-world-readable"), "{errors:?}");
}

#[test]
fn access_statements_the_audit_found_load_and_warn() {
    let text = "\
access {
    group-profile lns-users {
        l2tp {
            maximum-sessions-per-tunnel 100;
            multilink {
                drop-timeout 100;
            }
        }
    }
    profile lns {
        accounting {
            duplication;
            order radius;
            wait-for-acct-on-ack;
        }
        authentication-order radius;
        client * {
            l2tp {
                maximum-sessions-per-tunnel 500;
                multilink {
                    fragment-threshold 256;
                }
                override-result-code session-out-of-resource;
                shared-secret \"$9$pcG9u1hSyKW871I-wYgUDk.PTnCOBErK8\"; ## SECRET-DATA
            }
            user-group-profile lns-users;
        }
        radius {
            authentication-server 127.0.0.1;
        }
        radius-server {
            127.0.0.1 {
                dynamic-request-port 3799;
                preauthentication-port 1810;
                preauthentication-secret \"$9$pcG9u1hSyKW871I-wYgUDk.PTnCOBErK8\"; ## SECRET-DATA
                secret \"$9$pcG9u1hSyKW871I-wYgUDk.PTnCOBErK8\"; ## SECRET-DATA
            }
        }
    }
    radius-server {
        127.0.0.2 {
            dynamic-request-port 3800;
            secret \"$9$pcG9u1hSyKW871I-wYgUDk.PTnCOBErK8\"; ## SECRET-DATA
        }
    }
}
";
    let (_, no_effect) = load(text);
    assert_eq!(
        no_effect,
        [
            "[edit access group-profile lns-users l2tp] 'multilink'",
            "[edit access profile lns accounting] 'duplication'",
            "[edit access profile lns accounting] 'wait-for-acct-on-ack'",
            "[edit access profile lns client * l2tp] 'multilink'",
            "[edit access profile lns client * l2tp] 'override-result-code'",
            "[edit access profile lns radius-server 127.0.0.1] 'dynamic-request-port'",
            "[edit access profile lns radius-server 127.0.0.1] 'preauthentication-port'",
            "[edit access profile lns radius-server 127.0.0.1] 'preauthentication-secret'",
            "[edit access radius-server 127.0.0.2] 'dynamic-request-port'",
        ]
    );
}

#[test]
fn subscriber_interface_statements_the_audit_found_load_and_warn() {
    let text = "\
dynamic-profiles {
    pppoe-client {
        interfaces {
            pp0 {
                unit \"$junos-interface-unit\" {
                    ppp-options {
                        chap;
                        ignore-magic-number-mismatch;
                    }
                    pppoe-options {
                        underlying-interface \"$junos-underlying-interface\";
                        server;
                    }
                    family inet {
                        mtu 1492;
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
                address 127.0.0.1/32;
                address 127.0.0.2/32 {
                    preferred;
                }
            }
        }
    }
}
";
    let (_, no_effect) = load(text);
    assert_eq!(
        no_effect,
        [
            "[edit dynamic-profiles pppoe-client interfaces pp0 unit \"$junos-interface-unit\" ppp-options] 'ignore-magic-number-mismatch'",
            "[edit dynamic-profiles pppoe-client interfaces pp0 unit \"$junos-interface-unit\" family inet] 'mtu'",
            "[edit interfaces lo0 unit 0 family inet address 127.0.0.2/32] 'preferred'",
        ]
    );
}

#[test]
fn system_and_snmp_statements_the_audit_found_load_and_warn() {
    let text = "\
system {
    login {
        class noc {
            login-tip;
            permissions view;
        }
    }
    services {
        ssh {
            root-login deny;
            port 2222;
            sftp-server;
        }
        netconf {
            ssh {
                port 830;
            }
            rfc-compliant;
        }
    }
    ntp {
        boot-server 127.0.0.1;
        authentication-key 1 type md5 value \"$9$pcG9u1hSyKW871I-wYgUDk.PTnCOBErK8\"; ## SECRET-DATA
        peer 127.0.0.3 key 1;
        server 127.0.0.2 key 1 prefer;
        trusted-key 1;
    }
}
snmp {
    name bng1;
    trap-group noc {
        categories {
            link;
            sonet-alarms;
            vrrp-events;
        }
        targets {
            127.0.0.1;
        }
    }
}
";
    let (_, no_effect) = load(text);
    assert_eq!(
        no_effect,
        [
            "[edit system login class noc] 'login-tip'",
            "[edit system] 'services'",
            "[edit system] 'ntp'",
            "[edit snmp trap-group noc categories] 'sonet-alarms'",
            "[edit snmp trap-group noc categories] 'vrrp-events'",
        ]
    );
}

/// `snmp description`, `location`, `contact` and `name` are the system group the embedded
/// agent serves: no warning. Under the AgentX subagent alone (no community, so the agent
/// does not listen) the master answers that group, and each says it does nothing.
#[test]
fn snmp_system_group_statements_warn_only_under_agentx_alone() {
    let group = concat!(
        "    description \"BNG east\";\n",
        "    location lab;\n",
        "    contact noc;\n",
        "    name bng1;\n",
    );
    let served = format!("snmp {{\n{group}    community public;\n}}\n");
    assert_eq!(load(&served).1, Vec::<String>::new());
    let both =
        format!("snmp {{\n{group}    community public;\n    agentx {{\n        socket /run/agentx;\n    }}\n}}\n");
    assert_eq!(load(&both).1, Vec::<String>::new());
    let agentx =
        format!("snmp {{\n{group}    agentx {{\n        socket /run/agentx;\n    }}\n}}\n");
    let tree = parse_config(&agentx).unwrap_or_else(|e| panic!("{e}"));
    let warnings = crate::validate::check(&tree).expect("commits");
    let why = "statement has no effect: with no community the embedded agent does not listen, \
               and the AgentX subagent leaves the system group to the master agent (snmpd), \
               which answers it from its own configuration";
    assert_eq!(
        warnings,
        ["description", "location", "contact", "name"]
            .map(|s| format!("warning: [edit snmp] '{s}': {why}"))
    );
}

/// Junos statements of what this router does not implement (JSRC, the AS PIC's LNS, RMON)
/// are named as such, not as syntax errors.
#[test]
fn statements_of_features_not_here_are_named_not_supported() {
    for (line, word) in [
        (
            "set access profile p authorization-order jsrc",
            "authorization-order",
        ),
        (
            "set services l2tp traceoptions debug-level detail",
            "debug-level",
        ),
        (
            "set services l2tp traceoptions interfaces sp-1/0/0 flag all",
            "interfaces",
        ),
        (
            "set services l2tp tunnel-group g syslog host local services info",
            "syslog",
        ),
        ("set snmp health-monitor", "health-monitor"),
        ("set snmp rmon alarm 1 interval 60", "rmon"),
    ] {
        let e = apply_set_lines(&Node::default(), line).expect_err(line);
        assert!(
            e.to_string().contains(&format!("'{word}'"))
                && e.to_string().contains("is not supported by this router"),
            "{line}: {e}"
        );
    }
}
