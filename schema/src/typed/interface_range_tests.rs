//! Interface ranges as the daemon sees them: every member reads as if the range's statements
//! were written under it, merged with its own (the member's own win), and a range that
//! cannot be expanded fails the commit check naming its statement.

use super::interface_range::MAX_RANGE_MEMBERS;
use super::{router_config, UnitEncapsulation, VlanTagging};
use crate::parse::parse_config;
use crate::tree::Node;
use crate::validate;

fn parsed(text: &str) -> Node {
    parse_config(text).unwrap_or_else(|e| panic!("{e}"))
}

/// Two PPPoE access ports from a range, a third from a member-range, one of them also
/// configured on its own.
const ACCESS_PORTS: &str = "\
interfaces {
    interface-range access {
        member \"ge-0/0/[1-2]\";
        member-range ge-0/1/0 to ge-0/1/1;
        description \"from the range\";
        vlan-tagging;
        traps;
        unit 100 {
            description \"range unit\";
            encapsulation ppp-over-ether;
            vlan-id 100;
        }
    }
    ge-0/0/2 {
        description \"its own\";
        flexible-vlan-tagging;
        no-traps;
        unit 100 {
            vlan-id 101;
        }
        unit 200 {
            encapsulation ppp-over-ether;
            vlan-id 200;
        }
    }
}
";

#[test]
fn every_member_reads_as_if_the_range_were_written_under_it() {
    let config = router_config(&parsed(ACCESS_PORTS));
    let names: Vec<&str> = config.interfaces.keys().map(String::as_str).collect();
    assert_eq!(names, ["ge-0/0/1", "ge-0/0/2", "ge-0/1/0", "ge-0/1/1"]);
    for name in ["ge-0/0/1", "ge-0/1/0", "ge-0/1/1"] {
        let i = &config.interfaces[name];
        assert_eq!(i.description.as_deref(), Some("from the range"), "{name}");
        assert_eq!(i.vlan_tagging, Some(VlanTagging::VlanTagging), "{name}");
        assert_eq!(i.traps, Some(true), "{name}");
        let unit = &i.units[&100];
        assert_eq!(unit.encapsulation, Some(UnitEncapsulation::PppOverEther));
        assert_eq!(unit.description.as_deref(), Some("range unit"));
    }
}

#[test]
fn a_member_configured_on_its_own_keeps_its_statements_and_takes_the_rest() {
    let config = router_config(&parsed(ACCESS_PORTS));
    let own = &config.interfaces["ge-0/0/2"];
    // Its own values and alternatives win ...
    assert_eq!(own.description.as_deref(), Some("its own"));
    assert_eq!(own.vlan_tagging, Some(VlanTagging::FlexibleVlanTagging));
    assert_eq!(own.traps, Some(false));
    // ... its unit 100 takes what it lacks from the range's unit 100 ...
    let unit = &own.units[&100];
    assert_eq!(
        format!("{:?}", unit.vlan),
        format!("{:?}", config.interfaces["ge-0/0/1"].units[&100].vlan).replace("100", "101")
    );
    assert_eq!(unit.encapsulation, Some(UnitEncapsulation::PppOverEther));
    assert_eq!(unit.description.as_deref(), Some("range unit"));
    // ... and its own unit 200 stays.
    assert!(own.units.contains_key(&200));
}

#[test]
fn the_commit_check_passes_and_sees_the_expanded_members() {
    let tree = parsed(ACCESS_PORTS);
    let (_, config) = validate::check_and_view(&tree).unwrap_or_else(|(e, s)| panic!("{s}: {e:?}"));
    assert_eq!(config, router_config(&tree));
    assert_eq!(config.interfaces.len(), 4);
}

#[test]
fn a_configuration_without_ranges_is_not_copied() {
    let tree = parsed("interfaces {\n    ge-0/0/0 {\n        vlan-tagging;\n    }\n}\n");
    let (expanded, errors) = super::interface_range::expand(&tree);
    assert!(matches!(expanded, std::borrow::Cow::Borrowed(_)));
    assert!(errors.is_empty());
}

/// The commit errors of `text`, as `[edit ...] 'statement': message`.
fn errors(text: &str) -> Vec<String> {
    let (errors, _) = validate::check(&parsed(text)).expect_err("the check fails");
    errors
        .iter()
        .map(|e| {
            format!(
                "[edit {}] '{}': {}",
                crate::tree::path_words(&e.path),
                e.statement,
                e.message
            )
        })
        .collect()
}

fn range(body: &str) -> String {
    format!("interfaces {{\n    interface-range r {{\n{body}    }}\n}}\n")
}

#[test]
fn a_bad_member_fails_the_commit_naming_it() {
    let e = errors(&range(
        "        member ge-0/0/0.5;\n        member \"ge-0/0/[4-2]\";\n",
    ));
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(e[0].starts_with("[edit interfaces interface-range r] 'member ge-0/0/0.5': "));
    assert!(e[0].contains("logical interface"));
    assert!(e[1].starts_with("[edit interfaces interface-range r] 'member \"ge-0/0/[4-2]\"': "));
}

#[test]
fn an_empty_range_fails_the_commit() {
    let e = errors(&range("        description nothing;\n"));
    assert_eq!(
        e,
        ["[edit interfaces interface-range r] 'interface-range r': An interface range needs at least one 'member' or 'member-range'"]
    );
}

#[test]
fn member_range_ends_of_other_slots_or_backwards_fail_the_commit() {
    let e = errors(&range(
        "        member-range ge-0/0/0 to xe-0/0/3;\n        member-range ge-0/0/9 to ge-0/0/1;\n",
    ));
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(
        e[0].contains("'member-range ge-0/0/0 to xe-0/0/3'") && e[0].contains("one type and slot")
    );
    assert!(e[1].contains("'member-range ge-0/0/9 to ge-0/0/1'") && e[1].contains("comes after"));
}

#[test]
fn ranges_that_name_too_many_interfaces_fail_at_once() {
    let e = errors(&range("        member \"ge-*/*/*\";\n"));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains(&format!("more than the {MAX_RANGE_MEMBERS}")),
        "{e:?}"
    );
    // The bound is for all ranges together.
    let two = "\
interfaces {
    interface-range a {
        member-range ge-0/0/0 to ge-0/0/4000;
    }
    interface-range b {
        member-range ge-0/1/0 to ge-0/1/4000;
    }
}
";
    let e = errors(two);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("[edit interfaces interface-range b]"),
        "{e:?}"
    );
}

#[test]
fn checks_of_interfaces_see_the_range_statements_under_each_member() {
    // A unit `vlan-id` on a member with no VLAN tagging is refused, from a range as when
    // written under the interface itself, at the same statement.
    let text = "\
interfaces {
    interface-range r {
        member ge-0/0/1;
        unit 5 {
            vlan-id 5;
        }
    }
}
";
    let direct = "\
interfaces {
    ge-0/0/1 {
        unit 5 {
            vlan-id 5;
        }
    }
}
";
    let via_range: Vec<String> = errors(text);
    let written: Vec<String> = errors(direct);
    assert_eq!(via_range, written);
}
