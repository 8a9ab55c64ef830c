//! Configuration groups as every reader of the configuration sees them: each applied
//! group's statements written where it applies, the configuration's own winning, the first
//! group over later ones, the lower level's groups over the upper's.

use super::groups::{expansion, Pattern, UNKNOWN_GROUP};
use super::router_config;
use crate::parse::{apply_set_lines, parse_config};
use crate::print::{to_set_lines, to_text};
use crate::tree::{Node, NodeId};
use crate::validate;

fn parsed(text: &str) -> Node {
    parse_config(text).unwrap_or_else(|e| panic!("{e}"))
}

fn expanded_text(text: &str) -> String {
    let e = expansion(&parsed(text), false);
    assert!(e.errors.is_empty(), "{:?}", e.errors);
    to_text(&[], &e.tree)
}

const REGIONAL: &str = "\
groups {
    standard {
        system {
            host-name standard-name;
            domain-name standard.example;
        }
        interfaces {
            <ge-*> {
                description standard;
                traps;
                mtu 1500;
            }
        }
    }
    northwest {
        interfaces {
            <ge-*> {
                description northwest;
            }
        }
    }
}
apply-groups standard;
system {
    host-name own-name;
}
interfaces {
    ge-0/0/0 {
        apply-groups northwest;
        unit 0;
    }
    ge-0/0/1 {
        no-traps;
        mtu 9000;
    }
    xe-0/0/0 {
        unit 0;
    }
}
";

#[test]
fn own_statements_win_then_the_lower_level_then_the_first_group() {
    let config = router_config(&parsed(REGIONAL));
    // Its own host-name wins; the domain name it lacks comes from the group.
    assert_eq!(config.host_name.as_deref(), Some("own-name"));
    let text = expanded_text(REGIONAL);
    assert!(text.contains("domain-name standard.example;"), "{text}");
    // The lower level's group wins over the top level's; the top level's fills the rest.
    let ge0 = &config.interfaces["ge-0/0/0"];
    assert_eq!(ge0.description.as_deref(), Some("northwest"));
    assert_eq!(ge0.traps, Some(true));
    let ge1 = &config.interfaces["ge-0/0/1"];
    assert_eq!(ge1.description.as_deref(), Some("standard"));
    // Its own `no-traps` wins over the group's alternative `traps`.
    assert_eq!(ge1.traps, Some(false));
    assert!(text.contains("no-traps;\n        mtu 9000;"), "{text}");
    // A wildcard applies only where it matches, and creates no interface.
    assert_eq!(config.interfaces["xe-0/0/0"].description, None);
    let names: Vec<&str> = config.interfaces.keys().map(String::as_str).collect();
    assert_eq!(names, ["ge-0/0/0", "ge-0/0/1", "xe-0/0/0"]);
    // Nothing of the groups is left.
    assert!(!text.contains("groups"), "{text}");
    assert!(!text.contains('<'), "{text}");
}

#[test]
fn of_two_groups_the_first_listed_wins_and_a_group_creates_what_it_names() {
    let text = "\
groups {
    a {
        system {
            host-name from-a;
        }
    }
    b {
        system {
            host-name from-b;
            time-zone UTC;
        }
        interfaces {
            ge-0/0/5 {
                description from-b;
            }
        }
    }
}
apply-groups [ a b ];
";
    let config = router_config(&parsed(text));
    assert_eq!(config.host_name.as_deref(), Some("from-a"));
    assert_eq!(config.time_zone.as_deref(), Some("UTC"));
    assert_eq!(
        config.interfaces["ge-0/0/5"].description.as_deref(),
        Some("from-b")
    );
}

#[test]
fn apply_groups_except_stops_a_group_below_its_level() {
    let text = "\
groups {
    common {
        interfaces {
            <*> {
                description common;
            }
        }
    }
}
apply-groups common;
interfaces {
    ge-0/0/0 {
        unit 0;
    }
    ge-0/0/1 {
        apply-groups-except common;
        unit 0;
    }
}
";
    let config = router_config(&parsed(text));
    assert_eq!(
        config.interfaces["ge-0/0/0"].description.as_deref(),
        Some("common")
    );
    assert_eq!(config.interfaces["ge-0/0/1"].description, None);
}

#[test]
fn a_group_applied_at_a_nested_level_applies_its_subtree_of_that_level() {
    let text = "\
groups {
    units {
        interfaces {
            <*> {
                unit <*> {
                    description from-units;
                }
            }
        }
    }
}
interfaces {
    ge-0/0/0 {
        unit 7 {
            apply-groups units;
        }
        unit 8;
    }
}
";
    let config = router_config(&parsed(text));
    let units = &config.interfaces["ge-0/0/0"].units;
    assert_eq!(units[&7].description.as_deref(), Some("from-units"));
    assert_eq!(units[&8].description, None);
}

#[test]
fn leaf_list_values_are_merged_own_first() {
    let text = "\
groups {
    dns {
        system {
            authentication-order [ radius password ];
        }
    }
}
apply-groups dns;
system {
    authentication-order password;
}
";
    let out = expanded_text(text);
    assert!(
        out.contains("authentication-order [ password radius ];"),
        "{out}"
    );
}

/// Juniper's `show | display inheritance` page: each inherited value of a leaf-list has
/// its own line in the one comment above the statement (`## 'interface' was inherited
/// from group 'global'`, then `## 'network' ...`), the configuration's own values none.
#[test]
fn display_inheritance_names_each_inherited_value_of_a_leaf_list() {
    let text = "\
groups {
    first {
        system {
            authentication-order [ radius password ];
        }
    }
    second {
        system {
            authentication-order tacplus;
        }
    }
}
apply-groups [ first second ];
system {
    authentication-order password;
}
";
    let shown = crate::print::to_inheritance_text(&[NodeId::new("system")], &parsed(text), true);
    assert_eq!(
        shown,
        "\
##
## 'radius' was inherited from group 'first'
## 'tacplus' was inherited from group 'second'
##
authentication-order [ password radius tacplus ];
"
    );
    // Wholly inherited: every value named, one a line.
    let whole = text.replace("system {\n    authentication-order password;\n}\n", "");
    let shown = crate::print::to_inheritance_text(&[NodeId::new("system")], &parsed(&whole), true);
    assert_eq!(
        shown,
        "\
##
## 'radius' was inherited from group 'first'
## 'password' was inherited from group 'first'
## 'tacplus' was inherited from group 'second'
##
authentication-order [ radius password tacplus ];
"
    );
}

#[test]
fn an_unknown_group_is_a_commit_error_naming_it() {
    // With other groups defined: the expansion reports it.
    let text = "\
groups {
    known {
        system {
            host-name r1;
        }
    }
}
apply-groups [ known missing ];
";
    let (errors, _) = validate::check(&parsed(text)).expect_err("unknown group");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].statement, "apply-groups missing");
    assert_eq!(errors[0].message, UNKNOWN_GROUP);
    // Without any group: the structure check's reference says the same.
    let text = "system {\n    apply-groups missing;\n    host-name r1;\n}\n";
    let (errors, _) = validate::check(&parsed(text)).expect_err("unknown group");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].statement, "apply-groups missing");
    assert_eq!(errors[0].path, vec![NodeId::new("system")]);
    assert_eq!(errors[0].message, UNKNOWN_GROUP);
}

#[test]
fn a_group_is_not_checked_as_a_configuration_of_its_own() {
    // A tunnel without its mandatory statements, in a group nothing applies: Junos checks
    // a group only where it is applied.
    let text = "\
groups {
    unused {
        interfaces {
            <ge-*> {
                mtu 1500;
            }
        }
    }
}
system {
    host-name r1;
}
";
    assert!(validate::check(&parsed(text)).is_ok());
}

#[test]
fn groups_and_apply_groups_show_as_written_and_read_back() {
    let tree = parsed(REGIONAL);
    let text = to_text(&[], &tree);
    assert_eq!(text, REGIONAL);
    let set = to_set_lines(&[], &tree);
    assert!(
        set.contains("set groups standard interfaces <ge-*> mtu 1500\n"),
        "{set}"
    );
    assert!(set.contains("set apply-groups standard\n"), "{set}");
    assert!(
        set.contains("set interfaces ge-0/0/0 apply-groups northwest\n"),
        "{set}"
    );
    let again = apply_set_lines(&Node::default(), &set).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again, tree);
}

#[test]
fn a_wildcard_key_is_taken_only_inside_a_group() {
    let err = parse_config("interfaces {\n    <ge-*> {\n        mtu 1500;\n    }\n}\n")
        .expect_err("a wildcard outside a group");
    assert!(err.to_string().contains("<ge-*>"), "{err}");
    let err = apply_set_lines(&Node::default(), "set interfaces <ge-*> mtu 1500\n")
        .expect_err("a wildcard outside a group");
    assert!(err.to_string().contains("<ge-*>"), "{err}");
    let long = format!("set groups g interfaces <{}> mtu 1500\n", "*".repeat(300));
    let err = apply_set_lines(&Node::default(), &long).expect_err("a wildcard too long");
    assert!(err.to_string().contains("longer than 255"), "{err}");
}

#[test]
fn wildcard_patterns() {
    let p = |s: &str| Pattern::new(s).unwrap_or_else(|e| panic!("{e}"));
    assert!(p("<*>").matches("ge-0/0/0"));
    assert!(p("<ge-*>").matches("ge-0/0/0"));
    assert!(!p("<ge-*>").matches("xe-0/0/0"));
    assert!(p("<ge-0/0/[0-3]>").matches("ge-0/0/3"));
    assert!(!p("<ge-0/0/[0-3]>").matches("ge-0/0/4"));
    assert!(p("<ge-0/0/[!0-3]>").matches("ge-0/0/4"));
    assert!(p("<ge-?/0/0>").matches("ge-1/0/0"));
    assert!(!p("<ge-?/0/0>").matches("ge-10/0/0"));
    assert!(p("<*-*/*/*>").matches("ge-0/0/0"));
    assert!(!p("<*-*/*/*>").matches("lo0"));
    // Many stars against a long name that does not match: answered at once (a
    // backtracking match would try every way to split the name among the stars).
    let stars = format!("<{}b>", "*a".repeat(30));
    let started = std::time::Instant::now();
    assert!(!p(&stars).matches(&"a".repeat(200)));
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    assert!(Pattern::new("<ge-[0-3>").is_err());
    assert!(Pattern::new("<>").is_err());
}

#[test]
fn display_inheritance_records_each_inherited_statement_and_its_group() {
    let e = expansion(&parsed(REGIONAL), true);
    let path = |words: &[(&str, Option<&str>)]| -> Vec<NodeId> {
        words
            .iter()
            .map(|(k, key)| match key {
                Some(key) => NodeId::entry(*k, *key),
                None => NodeId::new(*k),
            })
            .collect()
    };
    let domain = path(&[("system", None), ("domain-name", None)]);
    assert_eq!(
        e.inherited.get(&domain).map(String::as_str),
        Some("standard")
    );
    let own = path(&[("system", None), ("host-name", None)]);
    assert_eq!(e.inherited.get(&own), None);
    let description = path(&[("interfaces", Some("ge-0/0/0")), ("description", None)]);
    assert_eq!(
        e.inherited.get(&description).map(String::as_str),
        Some("northwest")
    );
}

#[test]
fn display_inheritance_shows_the_expanded_tree_with_junos_comments() {
    let tree = parsed(REGIONAL);
    let system = crate::print::to_inheritance_text(&[NodeId::new("system")], &tree, true);
    assert_eq!(
        system,
        "\
host-name own-name;
##
## 'standard.example' was inherited from group 'standard'
##
domain-name standard.example;
"
    );
    let ge0 = [NodeId::entry("interfaces", "ge-0/0/0")];
    let text = crate::print::to_inheritance_text(&ge0, &tree, true);
    assert_eq!(
        text,
        "\
##
## 'northwest' was inherited from group 'northwest'
##
description northwest;
##
## 'traps' was inherited from group 'standard'
##
traps;
##
## '1500' was inherited from group 'standard'
##
mtu 1500;
unit 0;
"
    );
    let plain = crate::print::to_inheritance_text(&ge0, &tree, false);
    assert_eq!(
        plain,
        "description northwest;\ntraps;\nmtu 1500;\nunit 0;\n"
    );
}

#[test]
fn an_inactive_group_or_apply_groups_is_not_applied() {
    let text = "\
groups {
    inactive: a {
        system {
            host-name from-a;
        }
    }
    b {
        system {
            time-zone UTC;
        }
    }
}
inactive: apply-groups b;
apply-groups-except-nothing-here;
";
    // The last line is not a statement: a load error, not a panic.
    assert!(parse_config(text).is_err());
    let text = text.replace("apply-groups-except-nothing-here;\n", "");
    let shown = crate::print::to_inheritance_text(&[], &parsed(&text), true);
    assert!(!shown.contains("from-a"), "{shown}");
    assert!(!shown.contains("UTC"), "{shown}");
}

#[test]
fn an_error_in_an_inherited_statement_names_its_group() {
    // The group writes a login user without the class every user must have; the error
    // says the group wrote it.
    let text = "\
groups {
    bad {
        system {
            login {
                user ops {
                    uid 2001;
                }
            }
        }
    }
}
apply-groups bad;
";
    let (errors, summary) = validate::check(&parsed(text)).expect_err("missing class");
    assert_eq!(summary, validate::MISSING_MANDATORY);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].message.ends_with(" (inherited from group 'bad')"),
        "{errors:?}"
    );
}

#[test]
fn display_inheritance_display_set_gives_the_expanded_set_lines() {
    let tree = parsed(REGIONAL);
    let lines = crate::print::to_inheritance_set_lines(&[NodeId::new("interfaces")], &tree);
    assert_eq!(
        lines,
        "\
set interfaces ge-0/0/0 description northwest
set interfaces ge-0/0/0 traps
set interfaces ge-0/0/0 mtu 1500
set interfaces ge-0/0/0 unit 0
set interfaces ge-0/0/1 description standard
set interfaces ge-0/0/1 no-traps
set interfaces ge-0/0/1 mtu 9000
set interfaces xe-0/0/0 unit 0
"
    );
}

/// A configuration written for two routing engines: this router is RE0 (node 0), so the
/// `re1` and `node1` groups are defined, never applied, and no error.
#[test]
fn the_groups_of_the_other_routing_engine_and_node_are_not_applied() {
    let text = "\
groups {
    re0 {
        system {
            host-name r-re0;
        }
    }
    re1 {
        system {
            host-name r-re1;
            domain-name re1.example;
        }
    }
    node1 {
        system {
            time-zone UTC;
        }
    }
}
apply-groups [ re1 node1 re0 ];
";
    let shown = expanded_text(text);
    assert!(shown.contains("host-name r-re0;"), "{shown}");
    assert!(!shown.contains("r-re1"), "{shown}");
    assert!(!shown.contains("re1.example"), "{shown}");
    assert!(!shown.contains("time-zone"), "{shown}");
}
