//! Static PPPoE subscriber interfaces: `interfaces pp0 unit N` with `ppp-options`,
//! `pppoe-options`, `keepalives` and `family inet unnumbered-address`, as Juniper's
//! "Configuring a PPPoE Server Interface" writes them.

use super::check;
use super::test_errors::errors;
use crate::parse::{apply_set_lines, parse_config};
use crate::print::{to_set_lines, to_text};
use crate::typed::{router_config, PppOptions, StaticPppoe};

/// The brief's Junos text, as Junos shows it, with the loopback the unit borrows from.
const STATIC_PP0: &str = "interfaces {
    ge-0/0/1 {
        vlan-tagging;
        unit 100 {
            encapsulation ppp-over-ether;
            vlan-id 100;
        }
    }
    lo0 {
        unit 0 {
            family inet {
                address 198.18.255.1/32;
            }
        }
    }
    pp0 {
        unit 1 {
            ppp-options {
                chap;
            }
            pppoe-options {
                underlying-interface ge-0/0/1.100;
                server;
            }
            keepalives interval 30;
            family inet {
                unnumbered-address lo0.0;
            }
        }
    }
}
";

#[test]
fn a_static_pp0_unit_loads_prints_back_reloads_from_set_lines_and_reads_typed() {
    let root = parse_config(STATIC_PP0).expect("parses");
    assert_eq!(to_text(&[], &root), STATIC_PP0);
    let sets = to_set_lines(&[], &root);
    assert!(
        sets.contains(
            "set interfaces pp0 unit 1 pppoe-options underlying-interface ge-0/0/1.100\n"
        ),
        "{sets}"
    );
    assert!(
        sets.contains("set interfaces pp0 unit 1 keepalives interval 30\n"),
        "{sets}"
    );
    assert!(
        sets.contains("set interfaces pp0 unit 1 family inet unnumbered-address lo0.0\n"),
        "{sets}"
    );
    let reloaded = apply_set_lines(&Default::default(), &sets).expect("set lines load");
    assert_eq!(to_text(&[], &reloaded), STATIC_PP0);
    assert_eq!(check(&root), Ok(vec![]));
    let config = router_config(&root);
    assert_eq!(
        config.interfaces["pp0"].units[&1].static_pppoe,
        Some(StaticPppoe {
            underlying_interface: "ge-0/0/1.100".into(),
            server: true,
            ppp: PppOptions {
                authentication: vec!["chap".into()],
                ..PppOptions::default()
            },
            keepalive_interval: Some(30),
            keepalive_down_count: None,
            unnumbered_address: Some("lo0.0".into()),
            preferred_source_address: None,
            destination: None,
        })
    );
}

/// Junos' client role is a CPE's: named as not supported, not as a syntax error.
#[test]
fn the_client_role_is_refused_as_not_supported() {
    let text = STATIC_PP0.replace("                server;\n", "                client;\n");
    let err = parse_config(&text).expect_err("client is refused");
    let message = err.all().map(|e| e.message.clone()).collect::<Vec<_>>();
    assert_eq!(
        message,
        ["'client' under [edit interfaces pp0 unit 1 pppoe-options] is not supported by this router"]
    );
}

fn one_error(text: &str) -> (String, String, String) {
    let found = errors(text);
    assert_eq!(found.len(), 1, "{found:?}");
    found.into_iter().next().unwrap_or_default()
}

#[test]
fn an_underlying_interface_that_is_not_configured_is_refused() {
    let text = STATIC_PP0.replace(
        "underlying-interface ge-0/0/1.100;",
        "underlying-interface ge-0/0/1.200;",
    );
    assert_eq!(
        one_error(&text),
        (
            "interfaces pp0 unit 1 pppoe-options".to_string(),
            "underlying-interface ge-0/0/1.200".to_string(),
            "Interface ge-0/0/1.200 is not configured".to_string()
        )
    );
}

#[test]
fn an_underlying_interface_without_ppp_over_ether_is_refused() {
    let text = STATIC_PP0.replace("            encapsulation ppp-over-ether;\n", "");
    assert_eq!(
        one_error(&text).2,
        "Interface ge-0/0/1.100 needs 'encapsulation ppp-over-ether' to carry PPPoE"
    );
}

#[test]
fn an_underlying_unit_other_than_0_without_a_vlan_is_refused() {
    let text = STATIC_PP0
        .replace("        vlan-tagging;\n", "")
        .replace("            vlan-id 100;\n", "");
    assert_eq!(
        one_error(&text).2,
        "Interface ge-0/0/1.100 takes no PPPoE frames: a unit other than 0 needs vlan-id or vlan-tags"
    );
}

#[test]
fn an_underlying_unit_with_a_dynamic_profile_is_refused() {
    let text = STATIC_PP0
        .replace(
            "            vlan-id 100;\n",
            "            vlan-id 100;\n            family pppoe {\n                dynamic-profile P;\n            }\n",
        )
        .replace(
            "interfaces {\n",
            "dynamic-profiles {\n    P {\n        interfaces {\n            pp0 {\n                unit \"$junos-interface-unit\" {\n                    pppoe-options {\n                        underlying-interface \"$junos-underlying-interface\";\n                        server;\n                    }\n                }\n            }\n        }\n    }\n}\ninterfaces {\n",
        );
    assert_eq!(
        one_error(&text).2,
        "Interface ge-0/0/1.100 gives its PPPoE sessions dynamic interfaces (family pppoe dynamic-profile P): a static pp0 unit cannot also take them"
    );
}

/// The one error of a commit that fails for a missing mandatory statement (its own summary).
fn missing(text: &str) -> (String, String, String) {
    let root = parse_config(text).expect("parses");
    let (errors, summary) = check(&root).expect_err("check should fail");
    assert_eq!(summary, super::MISSING_MANDATORY);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    (
        crate::tree::path_words(&e.path),
        e.statement.clone(),
        e.message.clone(),
    )
}

#[test]
fn a_pp0_unit_needs_pppoe_options_with_server() {
    let without_server = STATIC_PP0.replace("                server;\n", "");
    assert_eq!(
        missing(&without_server),
        (
            "interfaces pp0 unit 1".to_string(),
            "pppoe-options".to_string(),
            "Missing mandatory statement: 'server'".to_string()
        )
    );
    let without = STATIC_PP0.replace(
        "            pppoe-options {\n                underlying-interface ge-0/0/1.100;\n                server;\n            }\n",
        "",
    );
    assert_eq!(
        missing(&without),
        (
            "interfaces pp0".to_string(),
            "unit 1".to_string(),
            "Missing mandatory statement: 'pppoe-options'".to_string()
        )
    );
}

#[test]
fn an_unnumbered_donor_without_an_address_is_refused() {
    let text = STATIC_PP0.replace("unnumbered-address lo0.0;", "unnumbered-address lo0.5;");
    assert_eq!(
        one_error(&text),
        (
            "interfaces pp0 unit 1 family inet".to_string(),
            "unnumbered-address lo0.5".to_string(),
            "Donor interface lo0.5 has no family inet address".to_string()
        )
    );
}

#[test]
fn pp0_statements_on_another_interface_are_refused() {
    let text = STATIC_PP0.replace(
        "            vlan-id 100;\n",
        "            vlan-id 100;\n            keepalives interval 10;\n",
    );
    assert_eq!(
        one_error(&text),
        (
            "interfaces ge-0/0/1 unit 100".to_string(),
            "keepalives".to_string(),
            "keepalives is valid only on a static PPPoE interface (pp0) here, not on ge-0/0/1"
                .to_string()
        )
    );
}

/// Junos' `keepalives <interval seconds> <down-count number> <up-count number>;` (1-255
/// each): `down-count` is the echoes left unanswered before the session is declared down;
/// `up-count` brings a down link back up, which a PPPoE session never is (it is logged out),
/// so it loads with a warning naming it as having no effect.
#[test]
fn keepalives_take_down_count_and_up_count_print_on_one_line_and_reload() {
    let text = STATIC_PP0.replace(
        "keepalives interval 30;",
        "keepalives interval 1 down-count 2 up-count 4;",
    );
    let root = parse_config(&text).expect("parses");
    assert_eq!(to_text(&[], &root), text);
    let sets = to_set_lines(&[], &root);
    assert!(
        sets.contains("set interfaces pp0 unit 1 keepalives down-count 2\n"),
        "{sets}"
    );
    let reloaded = apply_set_lines(&Default::default(), &sets).expect("set lines load");
    assert_eq!(to_text(&[], &reloaded), text);
    let config = router_config(&root);
    let pppoe = config.interfaces["pp0"].units[&1].static_pppoe.clone();
    let pppoe = pppoe.expect("static pppoe");
    assert_eq!(pppoe.keepalive_interval, Some(1));
    assert_eq!(pppoe.keepalive_down_count, Some(2));
    assert_eq!(
        check(&root),
        Ok(vec!["warning: [edit interfaces pp0 unit 1 keepalives] 'up-count': statement has no effect: a PPPoE session whose keepalives fail is logged out, never brought back up".to_string()])
    );
    for (count, value) in [("down-count", "0"), ("up-count", "256")] {
        let text = STATIC_PP0.replace(
            "keepalives interval 30;",
            &format!("keepalives interval 1 {count} {value};"),
        );
        assert!(parse_config(&text).is_err(), "{count} {value}");
    }
}

/// unnumbered-address (PPP): `destination A` gives the unit's subscriber its address. It is
/// printed on the unnumbered-address line, and it can be neither the router's own address
/// there nor another unit's peer.
#[test]
fn a_destination_loads_on_the_unnumbered_line_and_is_one_peers_address() {
    let text = STATIC_PP0.replace(
        "unnumbered-address lo0.0;",
        "unnumbered-address lo0.0 destination 198.18.7.2;",
    );
    let root = parse_config(&text).expect("parses");
    assert_eq!(to_text(&[], &root), text);
    let sets = to_set_lines(&[], &root);
    assert!(
        sets.contains(
            "set interfaces pp0 unit 1 family inet unnumbered-address destination 198.18.7.2\n"
        ),
        "{sets}"
    );
    assert_eq!(
        apply_set_lines(&Default::default(), &sets),
        Ok(root.clone())
    );
    assert_eq!(check(&root), Ok(vec![]));
    let unit = &router_config(&root).interfaces["pp0"].units[&1];
    let destination = unit.static_pppoe.as_ref().and_then(|p| p.destination);
    assert_eq!(destination, Some("198.18.7.2".parse().unwrap()));

    let own = STATIC_PP0.replace(
        "unnumbered-address lo0.0;",
        "unnumbered-address lo0.0 destination 198.18.255.1;",
    );
    assert_eq!(
        one_error(&own),
        (
            "interfaces pp0 unit 1 family inet".to_string(),
            "unnumbered-address lo0.0 destination 198.18.255.1".to_string(),
            "Destination 198.18.255.1 is the router's own address on this unit (lo0.0's)"
                .to_string()
        )
    );

    let unit_2 = "        unit 2 {
            pppoe-options {
                underlying-interface ge-0/0/1.100;
                server;
            }
            family inet {
                unnumbered-address lo0.0 destination 198.18.7.2;
            }
        }
    }
}
";
    let two = format!(
        "{}{unit_2}",
        text.strip_suffix("    }\n}\n").expect("pp0 ends the text")
    );
    assert_eq!(
        one_error(&two),
        (
            "interfaces pp0 unit 2 family inet".to_string(),
            "unnumbered-address lo0.0 destination 198.18.7.2".to_string(),
            "Destination 198.18.7.2 is already the peer of pp0 unit 1".to_string()
        )
    );
}
