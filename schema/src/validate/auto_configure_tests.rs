//! Commit checks of `auto-configure` (auto-sensed VLANs).

use super::check;
use super::test_errors::errors;
use crate::parse::parse_config;
use crate::print::{to_set_lines, to_text};
use crate::typed::{router_config, VlanRange};

fn err(path: &str, statement: &str, message: &str) -> (String, String, String) {
    (path.to_string(), statement.to_string(), message.to_string())
}

const PROFILES: &str = r#"
dynamic-profiles {
    PPPOE-PROF {
        interfaces {
            pp0 {
                unit "$junos-interface-unit" {
                    pppoe-options {
                        underlying-interface "$junos-underlying-interface";
                        server;
                    }
                }
            }
        }
    }
    SVLAN-PROF {
        interfaces {
            "$junos-interface-ifd-name" {
                unit "$junos-interface-unit" {
                    vlan-tags outer "$junos-stacked-vlan-id" inner "$junos-vlan-id";
                    family pppoe {
                        dynamic-profile PPPOE-PROF;
                    }
                }
            }
        }
    }
    VLAN-PROF {
        interfaces {
            "$junos-interface-ifd-name" {
                unit "$junos-interface-unit" {
                    vlan-id "$junos-vlan-id";
                    family pppoe {
                        dynamic-profile PPPOE-PROF;
                    }
                }
            }
        }
    }
}
"#;

const INTERFACES: &str = r#"interfaces {
    ge-1/0/0 {
        flexible-vlan-tagging;
        auto-configure {
            vlan-ranges {
                dynamic-profile VLAN-PROF {
                    accept pppoe;
                    ranges {
                        100-199;
                        300;
                    }
                }
            }
            stacked-vlan-ranges {
                dynamic-profile SVLAN-PROF {
                    accept pppoe;
                    ranges {
                        1000-1100,any;
                    }
                }
            }
            remove-when-no-subscribers;
        }
        unit 0 {
            family pppoe;
        }
    }
}
"#;

fn valid() -> String {
    format!("{PROFILES}{INTERFACES}")
}

#[test]
fn junos_text_loads_prints_back_and_commits() {
    let root = parse_config(&valid()).expect("parses");
    assert_eq!(to_text(&[], &root), valid().trim_start());
    let sets = to_set_lines(&[], &root);
    assert!(
        sets.contains("set interfaces ge-1/0/0 auto-configure stacked-vlan-ranges dynamic-profile SVLAN-PROF ranges 1000-1100,any\n"),
        "{sets}"
    );
    assert_eq!(check(&root), Ok(vec![]));
    let config = router_config(&root);
    let auto = config.interfaces["ge-1/0/0"]
        .auto_configure
        .as_ref()
        .expect("auto-configure");
    assert!(auto.remove_when_no_subscribers);
    assert_eq!(
        auto.profile_for(&[150]).map(|p| p.profile.as_str()),
        Some("VLAN-PROF")
    );
    assert_eq!(
        auto.profile_for(&[300]).map(|p| p.profile.as_str()),
        Some("VLAN-PROF")
    );
    assert_eq!(auto.profile_for(&[200]), None);
    assert_eq!(
        auto.profile_for(&[1050, 7]).map(|p| p.profile.as_str()),
        Some("SVLAN-PROF")
    );
    assert!(auto.profiles.iter().all(|p| p.accepts_pppoe));
    let family = config.dynamic_profiles["VLAN-PROF"]
        .vlan_unit("ge-1/0/0")
        .and_then(|u| u.pppoe.as_ref())
        .expect("family pppoe");
    assert_eq!(family.dynamic_profile.as_deref(), Some("PPPOE-PROF"));
}

#[test]
fn a_range_outside_1_to_4094_is_refused() {
    let text = valid().replace("300;", "0-300;");
    assert_eq!(
        errors(&text),
        vec![err(
            "interfaces ge-1/0/0 auto-configure vlan-ranges dynamic-profile VLAN-PROF",
            "ranges 0-300",
            "VLAN ID 0 in range '0-300' is not within 1..4094"
        )]
    );
    let text = valid().replace("1000-1100,any;", "1000-4095,any;");
    assert_eq!(
        errors(&text)[0].2,
        "VLAN ID 4095 in range '1000-4095' is not within 1..4094"
    );
    let text = valid().replace("1000-1100,any;", "1000;");
    assert_eq!(
        errors(&text)[0].2,
        "Invalid stacked VLAN range '1000': expecting outer,inner (1000-1100,any)"
    );
    assert!(VlanRange::parse("any,any", true).is_ok());
}

#[test]
fn the_profile_must_exist_and_build_the_vlan_unit() {
    let text = valid().replace(
        "dynamic-profile VLAN-PROF {\n                    accept",
        "dynamic-profile NOPE {\n                    accept",
    );
    assert_eq!(
        errors(&text),
        vec![err(
            "interfaces ge-1/0/0 auto-configure vlan-ranges",
            "dynamic-profile NOPE",
            "Referenced dynamic profile is not defined"
        )]
    );
    let text = valid().replace(
        "dynamic-profile VLAN-PROF {\n                    accept",
        "dynamic-profile PPPOE-PROF {\n                    accept",
    );
    assert_eq!(
        errors(&text),
        vec![err(
            "interfaces ge-1/0/0 auto-configure vlan-ranges",
            "dynamic-profile PPPOE-PROF",
            "Dynamic profile PPPOE-PROF has no interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" (or demux0 unit \"$junos-interface-unit\" over the port): a VLAN profile builds the VLAN's own unit"
        )]
    );
}

#[test]
fn accept_pppoe_needs_family_pppoe_in_the_profile() {
    let text = valid().replace(
        "vlan-id \"$junos-vlan-id\";\n                    family pppoe {\n                        dynamic-profile PPPOE-PROF;\n                    }",
        "vlan-id \"$junos-vlan-id\";",
    );
    assert_eq!(
        errors(&text),
        vec![err(
            "interfaces ge-1/0/0 auto-configure vlan-ranges",
            "dynamic-profile VLAN-PROF",
            "Dynamic profile VLAN-PROF has no family pppoe on unit \"$junos-interface-unit\": accept pppoe needs it"
        )]
    );
}

#[test]
fn ranges_need_the_tagging_mode_that_sees_their_tags() {
    let text = valid().replace("flexible-vlan-tagging;", "vlan-tagging;");
    assert_eq!(
        errors(&text),
        vec![err(
            "interfaces ge-1/0/0 auto-configure",
            "stacked-vlan-ranges",
            "Needs stacked-vlan-tagging or flexible-vlan-tagging on interface ge-1/0/0"
        )]
    );
    let text = valid().replace("        flexible-vlan-tagging;\n", "");
    assert_eq!(
        errors(&text),
        vec![
            err(
                "interfaces ge-1/0/0 auto-configure",
                "vlan-ranges",
                "Needs vlan-tagging or flexible-vlan-tagging on interface ge-1/0/0"
            ),
            err(
                "interfaces ge-1/0/0 auto-configure",
                "stacked-vlan-ranges",
                "Needs stacked-vlan-tagging or flexible-vlan-tagging on interface ge-1/0/0"
            ),
        ]
    );
}

#[test]
fn overlapping_ranges_are_refused() {
    let text = valid().replace("300;", "150-160;");
    assert_eq!(
        errors(&text),
        vec![err(
            "interfaces ge-1/0/0 auto-configure vlan-ranges dynamic-profile VLAN-PROF",
            "ranges 150-160",
            "VLAN range '150-160' overlaps range '100-199' of dynamic-profile VLAN-PROF"
        )]
    );
    // A stacked range never overlaps a single-tag one: the frames differ.
    let text = valid().replace(
        "1000-1100,any;",
        "1000-1100,any;\n                        any,150;",
    );
    assert_eq!(
        errors(&text),
        vec![err(
            "interfaces ge-1/0/0 auto-configure stacked-vlan-ranges dynamic-profile SVLAN-PROF",
            "ranges any,150",
            "VLAN range 'any,150' overlaps range '1000-1100,any' of dynamic-profile SVLAN-PROF"
        )]
    );
}

#[test]
fn a_range_that_accepts_no_pppoe_warns_that_it_makes_no_vlan() {
    let at = "warning: [edit interfaces ge-1/0/0 auto-configure vlan-ranges dynamic-profile VLAN-PROF] 'accept':";
    for (accept, warning) in [
        (
            "accept [ dhcp-v4 inet ];",
            Some("statement has no effect: this router has no IPoE subscribers, so dhcp-v4 inet packets create no VLAN; only PPPoE discovery (accept pppoe or any) does"),
        ),
        (
            "accept [ pppoe inet6 ];",
            Some("statement has no effect for inet6: this router has no IPoE subscribers; this range's VLANs are created by PPPoE discovery only"),
        ),
        (
            "",
            Some("statement has no effect: only PPPoE discovery (accept pppoe or any) creates a VLAN on this router"),
        ),
        // `any` takes PPPoE among every type: nothing to warn about.
        ("accept any;", None),
    ] {
        let text = valid().replacen("accept pppoe;", accept, 1);
        let root = parse_config(&text).expect("parses");
        let expected: Vec<String> = warning.map(|w| format!("{at} {w}")).into_iter().collect();
        assert_eq!(check(&root), Ok(expected), "{accept}");
    }
}

#[test]
fn a_vlan_profile_takes_its_tags_from_the_vlan() {
    let unit = "dynamic-profiles VLAN-PROF interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\"";
    let text = valid().replace("vlan-id \"$junos-vlan-id\";", "vlan-id 100;");
    assert_eq!(
        errors(&text),
        vec![err(
            unit,
            "vlan-id 100",
            "An auto-sensed VLAN's unit takes its tag from the VLAN: use \"$junos-vlan-id\""
        )]
    );
    let unit = unit.replace("VLAN-PROF", "SVLAN-PROF");
    let text = valid().replace(
        "outer \"$junos-stacked-vlan-id\" inner \"$junos-vlan-id\"",
        "outer 1000 inner 7",
    );
    assert_eq!(
        errors(&text),
        vec![
            err(
                &unit,
                "vlan-tags outer 1000",
                "An auto-sensed VLAN's unit takes its tag from the VLAN: use \"$junos-stacked-vlan-id\""
            ),
            err(
                &unit,
                "vlan-tags inner 7",
                "An auto-sensed VLAN's unit takes its tag from the VLAN: use \"$junos-vlan-id\""
            ),
        ]
    );
}

/// Authenticated ranges as Junos writes them: `access-profile` and `authentication` before the
/// profiles (Junos' order), print back as loaded, commit, and reach the typed ranges.
const AUTHENTICATED: &str = r#"interfaces {
    ge-1/0/0 {
        flexible-vlan-tagging;
        auto-configure {
            vlan-ranges {
                access-profile VLAN-AAA;
                authentication {
                    password "$9$jtq5F/CtOBE690IRhvM"; ## SECRET-DATA
                    username-include {
                        circuit-id;
                        circuit-type;
                        delimiter /;
                        domain-name vlan.example;
                        interface-name;
                        user-prefix bng1;
                    }
                }
                dynamic-profile VLAN-PROF {
                    accept pppoe;
                    ranges {
                        100-199;
                    }
                }
            }
        }
    }
}
access {
    profile VLAN-AAA {
        authentication-order password;
    }
}
"#;

fn authenticated() -> String {
    format!("{PROFILES}{AUTHENTICATED}")
}

#[test]
fn authenticated_ranges_load_print_back_and_commit() {
    let root = parse_config(&authenticated()).expect("parses");
    assert_eq!(to_text(&[], &root), authenticated().trim_start());
    let sets = to_set_lines(&[], &root);
    for line in [
        "set interfaces ge-1/0/0 auto-configure vlan-ranges access-profile VLAN-AAA\n",
        "set interfaces ge-1/0/0 auto-configure vlan-ranges authentication username-include circuit-id\n",
        "set interfaces ge-1/0/0 auto-configure vlan-ranges authentication username-include domain-name vlan.example\n",
    ] {
        assert!(sets.contains(line), "{line} not in {sets}");
    }
    assert_eq!(check(&root), Ok(vec![]));
    let config = router_config(&root);
    let range = &config.interfaces["ge-1/0/0"]
        .auto_configure
        .as_ref()
        .expect("auto-configure")
        .profiles[0];
    assert_eq!(range.access_profile.as_deref(), Some("VLAN-AAA"));
    let auth = range.authentication.as_ref().expect("authentication");
    assert!(auth.password.is_some(), "the $9$ password decodes");
    assert_eq!(auth.username.delimiter, "/");
    assert_eq!(auth.username.user_prefix.as_deref(), Some("bng1"));
    assert!(auth.username.circuit_id && auth.username.interface_name);
    assert!(!auth.username.remote_id);
}

#[test]
fn authentication_needs_a_user_name_part_a_delimiter_and_an_access_profile() {
    let ranges = "interfaces ge-1/0/0 auto-configure vlan-ranges";
    let text = authenticated()
        .replace("                access-profile VLAN-AAA;\n", "")
        .replace("delimiter /;", "delimiter \";\";");
    assert_eq!(
        errors(&text),
        vec![
            err(
                &format!("{ranges} authentication username-include"),
                "delimiter \";\"",
                "The delimiter may be any one character but ; or a blank"
            ),
            err(
                ranges,
                "authentication",
                "Needs an access profile to authenticate the VLANs with: access-profile here, or the router's [edit access-profile]"
            ),
        ]
    );
    // The router's access-profile stands in for the ranges' own.
    let global = format!(
        "{}access-profile VLAN-AAA;\n",
        authenticated().replace("                access-profile VLAN-AAA;\n", "")
    );
    assert_eq!(check(&parse_config(&global).expect("parses")), Ok(vec![]));
    let no_parts = authenticated().replace(
        "                    username-include {\n                        circuit-id;\n                        circuit-type;\n                        delimiter /;\n                        domain-name vlan.example;\n                        interface-name;\n                        user-prefix bng1;\n                    }\n",
        "",
    );
    assert_eq!(
        errors(&no_parts),
        vec![err(
            &format!("{ranges} authentication"),
            "username-include",
            "Needs at least one of circuit-id, circuit-type, domain-name, interface-name, radius-realm, remote-id, user-prefix: the VLAN's user name is built from them"
        )]
    );
}

#[test]
fn an_access_profile_without_authentication_warns() {
    let text = format!("{PROFILES}{INTERFACES}").replace(
        "            vlan-ranges {\n",
        "            vlan-ranges {\n                access-profile VLAN-AAA;\n",
    )
        + "access {\n    profile VLAN-AAA {\n        authentication-order password;\n    }\n}\n";
    let root = parse_config(&text).expect("parses");
    assert_eq!(
        check(&root),
        Ok(vec!["warning: [edit interfaces ge-1/0/0 auto-configure vlan-ranges] 'access-profile': statement has no effect: without authentication the ranges' VLANs are created unauthenticated".to_string()])
    );
}
