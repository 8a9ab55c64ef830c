//! Issue 16, fourth sample (branch wt-h99): statements of Juniper-published Junos text that
//! the router refused or read wrongly, each written here in its documented form with our own
//! values (the pages are named in docs/junos-coverage.md, "Fourth sample (h99)"). Each loads
//! as Junos writes it, prints back character for character and its set form reloads to the
//! same tree.

use super::junos_gaps_tests::{no_effect, set_error};
use crate::parse::{apply_set_lines, parse_config};
use crate::tree::Node;
use crate::typed::{router_config, ServiceAction, ServiceName};

/// The dynamic profile the PPPoE tests' units name.
const PPPOE_SUB: &str = "\
dynamic-profiles {
    pppoe-sub {
        interfaces {
            pp0 {
                unit \"$junos-interface-unit\" {
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

/// service (PPPoE), terminate (PPPoE Service Name Tables) 12.3, [edit protocols pppoe]
/// Hierarchy Level 13.2, Example: Configuring a PPPoE Service Name Table for Dynamic
/// Subscriber Interface Creation (13.1), Assigning a Service to a Service Name Table
/// (current): a service's action is its own statement, `terminate;`, `drop;` or `delay N;`,
/// one of the three (`set service gold-service delay 25`), not under an `action` keyword.
#[test]
fn a_services_action_is_its_own_statement() {
    let text = &[
        PPPOE_SUB,
        "\
protocols {
    pppoe {
        service-name-tables snt {
            service any {
                drop;
            }
            service empty {
                terminate;
                dynamic-profile pppoe-sub;
            }
            service gold {
                delay 4;
                max-sessions 10;
            }
            service silver;
        }
    }
}
",
    ]
    .concat();
    assert_eq!(no_effect(text), Vec::<String>::new());
    let config = router_config(&parse_config(text).unwrap());
    let table = &config.pppoe_service_name_tables["snt"];
    let action = |name: &str| {
        table
            .services
            .iter()
            .find(|s| s.name == ServiceName::from_key(name))
            .map(|s| s.action)
    };
    assert_eq!(action("any"), Some(ServiceAction::Drop));
    assert_eq!(action("empty"), Some(ServiceAction::Terminate));
    assert_eq!(action("gold"), Some(ServiceAction::Delay(4)));
    // Junos: terminate is the default of a named service.
    assert_eq!(action("silver"), Some(ServiceAction::Terminate));
    // One of the three: a `set` of another replaces it, as on Junos.
    let at = "set protocols pppoe service-name-tables t service gold-service";
    let tree = apply_set_lines(
        &Node::default(),
        &format!("{at}\n{at} delay 25\n{at} drop\n{at} terminate\n"),
    )
    .unwrap();
    assert_eq!(
        crate::print::to_set_lines(&[], &tree),
        format!("{at} terminate\n")
    );
    // Brace text with two is refused at commit.
    let two = text.replace("drop;", "drop;\n                delay 3;");
    let errors = format!("{:?}", crate::validate::check(&parse_config(&two).unwrap()));
    assert!(errors.contains("Only one of"), "{errors}");
    // "delay (PPPoE Service Name Tables)": 1 through 120 seconds (the pages' examples write
    // 20 and 25); `action` is not a Junos statement.
    assert!(set_error(&format!("{at} delay 121")).contains("1..120"));
    assert!(set_error(&format!("{at} action drop")).contains("syntax error"));
}

/// tunnel-switch-profile (L2TP Tunnel Switching, Definition), bearer-type, calling-number and
/// cisco-nas-port-info (L2TP Tunnel Switching), 13.2; Configuring L2TP Tunnel Switching,
/// 13.2: an AVP's action at the switching boundary is `drop`, `regenerate` or `relay`, the
/// default `relay`. Tunnel switching itself has no effect here, as before.
#[test]
fn tunnel_switching_avp_actions_are_junos_words() {
    let text = "\
access {
    tunnel-profile tp-lns1 {
        tunnel 1 {
            remote-gateway {
                address 127.0.0.9;
            }
            source-gateway {
                address 127.0.0.1;
            }
        }
    }
    tunnel-switch-profile tsp1 {
        avp {
            bearer-type drop;
            calling-number regenerate;
            cisco-nas-port-info relay;
        }
        tunnel-profile tp-lns1;
    }
}
";
    assert_eq!(
        no_effect(text),
        ["[edit access] 'tunnel-switch-profile tsp1'"]
    );
    let config = router_config(&parse_config(text).unwrap());
    let avp = &config.tunnel_switch_profiles["tsp1"].avp;
    use crate::typed::AvpAction;
    assert_eq!(
        (avp.bearer_type, avp.calling_number, avp.cisco_nas_port_info),
        (AvpAction::Drop, AvpAction::Regenerate, AvpAction::Relay)
    );
    let unset =
        router_config(&parse_config(&text.replace("            bearer-type drop;\n", "")).unwrap());
    assert_eq!(
        unset.tunnel_switch_profiles["tsp1"].avp.bearer_type,
        AvpAction::Relay
    );
    // `preserve` was ours, not Junos'.
    assert!(
        set_error("set access tunnel-switch-profile t avp bearer-type preserve")
            .contains("expecting one of drop, regenerate, relay")
    );
}

/// Documented statements of features this router does not have, which the sample's pages
/// write and which were refused as syntax errors: now named as not supported, in brace
/// text and `set` lines. [edit protocols pppoe] Hierarchy Level 13.2 (`no-send-pads-error`,
/// `no-send-pads-ac-info`, `pado-advertise`, `traceoptions filter`, a service's
/// `agent-specifier`); Example: Configuring Hierarchical Policers (Japanese, current)
/// (`layer2-policer`); Example: Retailer Access Routing Instances for a Layer 2 Wholesale
/// Network (Spanish, current) (`vlan-model`, `instance-role`); demux0 (Dynamic Interface)
/// 9.6 and family (Dynamic Demux Interface) 13.2 (`demux-source`, `mac-validate`).
#[test]
fn documented_statements_of_missing_features_are_not_supported() {
    for line in [
        "set protocols pppoe no-send-pads-error",
        "set protocols pppoe no-send-pads-ac-info",
        "set protocols pppoe pado-advertise",
        "set protocols pppoe traceoptions filter aci dslam-7",
        "set protocols pppoe service-name-tables t service video agent-specifier aci olt-3 ari cust-42 drop",
        "set interfaces ge-1/0/0 unit 0 layer2-policer input-hierarchical-policer hp",
        "set routing-instances r vlan-model one-to-one",
        "set routing-instances r instance-role access",
        "set dynamic-profiles p interfaces demux0 unit $junos-interface-unit family inet demux-source 198.18.0.1",
        "set dynamic-profiles p interfaces demux0 unit $junos-interface-unit family inet mac-validate strict",
    ] {
        let error = set_error(line);
        assert!(error.contains("is not supported by this router"), "{line}: {error}");
    }
    let text = "\
protocols {
    pppoe {
        service-name-tables t {
            service video {
                agent-specifier {
                    aci \"east*\" ari \"wfd*\" delay 10;
                }
            }
        }
    }
}
";
    let error = parse_config(text).unwrap_err().to_string();
    assert!(
        error.contains("'agent-specifier' under [edit protocols pppoe service-name-tables t service video] is not supported by this router"),
        "{error}"
    );
}

/// [edit protocols pppoe] Hierarchy Level 13.2: the trace options take `no-remote-trace`, as
/// L2TP's do; traces are only written to the local file here, so it has no effect.
#[test]
fn pppoe_traceoptions_take_no_remote_trace() {
    let text = "\
protocols {
    pppoe {
        traceoptions {
            file pppoed-trace size 2m files 5;
            flag all;
            no-remote-trace;
        }
    }
}
";
    assert_eq!(
        no_effect(text),
        ["[edit protocols pppoe traceoptions] 'no-remote-trace'"]
    );
}

/// service-name-table (edit interfaces) 13.1 and Example: Configuring a PPPoE Service Name
/// Table for Dynamic Subscriber Interface Creation (13.1): the older form of a PPPoE
/// underlying unit, `encapsulation ppp-over-ether` with `pppoe-underlying-options { ... }`,
/// takes what `family pppoe` takes (Juniper: "configured with either the encapsulation
/// ppp-over-ether statement or the family pppoe statement; the two statements are mutually
/// exclusive"). It serves PPPoE as `family pppoe` does.
#[test]
fn pppoe_underlying_options_are_the_older_family_pppoe() {
    let text = &[
        PPPOE_SUB,
        "\
interfaces {
    ge-2/0/0 {
        vlan-tagging;
        unit 1 {
            encapsulation ppp-over-ether;
            vlan-id 1;
            pppoe-underlying-options {
                access-concentrator bras-1;
                duplicate-protection;
                dynamic-profile pppoe-sub;
                max-sessions 50;
                service-name-table snt;
                short-cycle-protection lockout-time-min 5 lockout-time-max 60;
            }
        }
    }
}
protocols {
    pppoe {
        service-name-tables snt {
            service any {
                drop;
            }
        }
    }
}
",
    ]
    .concat();
    assert_eq!(no_effect(text), Vec::<String>::new());
    let config = router_config(&parse_config(text).unwrap());
    let pppoe = config.interfaces["ge-2/0/0"].units[&1]
        .pppoe
        .clone()
        .expect("the unit serves PPPoE");
    assert_eq!(pppoe.access_concentrator.as_deref(), Some("bras-1"));
    assert!(pppoe.duplicate_protection);
    assert_eq!(pppoe.dynamic_profile.as_deref(), Some("pppoe-sub"));
    assert_eq!(pppoe.max_sessions, Some(50));
    assert_eq!(pppoe.service_name_table.as_deref(), Some("snt"));
    // Its references and bounds are checked as family pppoe's are.
    let check = |text: &str| format!("{:?}", crate::validate::check(&parse_config(text).unwrap()));
    let errors = check(&text.replace("service-name-table snt;", "service-name-table nope;"));
    assert!(
        errors.contains("Referenced service name table is not defined"),
        "{errors}"
    );
    let errors = check(&text.replace("lockout-time-min 5", "lockout-time-min 90"));
    assert!(errors.contains("lockout-time-min"), "{errors}");
    // The two forms are alternatives, and the older one goes with the encapsulation.
    let both = text.replace(
        "            vlan-id 1;\n",
        "            vlan-id 1;\n            family pppoe;\n",
    );
    let errors = check(&both);
    assert!(errors.contains("not both"), "{errors}");
    let bare = text.replace("            encapsulation ppp-over-ether;\n", "");
    let errors = check(&bare);
    assert!(errors.contains("encapsulation ppp-over-ether"), "{errors}");
}

/// [edit routing-instances] Hierarchy Level 12.3; Configuring Routing Instances on PE Routers
/// in VPNs ("Configuring a Description"): an instance takes `description text;`, which
/// "does not affect the operation of the routing instance". Junos shows it in `show route
/// instance detail`, which this router does not have: loaded with no effect.
#[test]
fn a_routing_instance_takes_a_description() {
    let text = "\
routing-instances {
    retail-a {
        description \"retail ISP A\";
        instance-type virtual-router;
    }
}
";
    assert_eq!(
        no_effect(text),
        ["[edit routing-instances retail-a] 'description'"]
    );
}

/// instance-type (13.1), [edit routing-instances] Hierarchy Level (12.3), Configuring EVPN
/// Routing Instances (13.2): Junos' other instance types (`vrf`, `forwarding`,
/// `no-forwarding`, `l2backhaul-vpn`, ...) are named as not supported, as a unit's Layer 2
/// encapsulations are, instead of an invalid value: only the virtual router has a meaning
/// here.
#[test]
fn other_instance_types_are_not_supported() {
    // The ones the sample's pages wrote.
    for kind in ["forwarding", "l2backhaul-vpn", "no-forwarding", "vrf"] {
        let error = set_error(&format!("set routing-instances r instance-type {kind}"));
        assert!(
            error.contains(&format!("'{kind}' for 'instance-type'"))
                && error.contains("is not supported by this router"),
            "{kind}: {error}"
        );
    }
    assert!(set_error("set routing-instances r instance-type vfr").contains("invalid value"));
}
