//! `interfaces interface-range NAME { ... }`: a statement of the `interfaces { ... }` block
//! itself, beside the interfaces, held under the keyless `interfaces` node. It loads in brace
//! text and `set` lines, prints back as Junos prints it, and an interface's block does not
//! take it (nor the range's block an interface's key).

use crate::parse::{apply_set_lines, parse_config};
use crate::print::{to_set_lines, to_text};
use crate::tree::{Node, NodeId};

/// As Junos shows a range beside an interface configured on its own.
const RANGES: &str = "\
interfaces {
    interface-range subscribers {
        member ge-0/0/1;
        member \"ge-0/0/[4-5]\";
        member-range ge-1/0/0 to ge-1/0/3;
        description \"PPPoE access ports\";
        flexible-vlan-tagging;
        auto-configure {
            remove-when-no-subscribers;
        }
        encapsulation flexible-ethernet-services;
        unit 0 {
            encapsulation ppp-over-ether;
            vlan-id 100;
        }
    }
    ge-0/0/1 {
        description uplink-side;
    }
    lo0 {
        unit 0 {
            family inet {
                address 127.0.0.1/32;
            }
        }
    }
}
";

fn parsed(text: &str) -> Node {
    parse_config(text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_range_loads_and_prints_back_as_written() {
    let tree = parsed(RANGES);
    assert_eq!(to_text(&[], &tree), RANGES);
    let range = tree
        .get(&[
            NodeId::new("interfaces"),
            NodeId::entry("interface-range", "subscribers"),
        ])
        .expect("the range under the keyless interfaces node");
    assert!(range
        .children
        .contains_key(&NodeId::entry("member", "ge-0/0/[4-5]")));
    assert!(tree
        .children
        .contains_key(&NodeId::entry("interfaces", "ge-0/0/1")));
}

#[test]
fn display_set_names_the_range_under_interfaces_and_loads_back_to_the_same_tree() {
    let tree = parsed(RANGES);
    let set = to_set_lines(&[], &tree);
    assert!(set.contains("set interfaces interface-range subscribers member ge-0/0/1\n"));
    assert!(set.contains(
        "set interfaces interface-range subscribers member-range ge-1/0/0 to ge-1/0/3\n"
    ));
    assert!(set.contains("set interfaces interface-range subscribers unit 0 vlan-id 100\n"));
    assert!(set.contains("set interfaces ge-0/0/1 description uplink-side\n"));
    let reloaded = apply_set_lines(&Node::default(), &set).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(reloaded, tree);
}

#[test]
fn the_range_prints_before_the_interfaces_whatever_order_it_was_set_in() {
    let set = "\
set interfaces ge-0/0/2 description first
set interfaces interface-range r member ge-0/0/3
";
    let tree = apply_set_lines(&Node::default(), set).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        to_text(&[], &tree),
        "\
interfaces {
    interface-range r {
        member ge-0/0/3;
    }
    ge-0/0/2 {
        description first;
    }
}
"
    );
}

#[test]
fn an_interface_takes_no_range_and_a_range_block_takes_no_interface_statement_alone() {
    let in_interface = "interfaces {\n    ge-0/0/0 {\n        interface-range r {\n            member ge-0/0/1;\n        }\n    }\n}\n";
    let e = parse_config(in_interface).unwrap_err();
    assert!(
        e.message.contains("'interface-range' is not a statement"),
        "{e}"
    );
    let set = apply_set_lines(
        &Node::default(),
        "set interfaces ge-0/0/0 interface-range r member ge-0/0/1\n",
    );
    assert!(set.is_err());
}

#[test]
fn member_range_takes_its_end_on_the_same_line() {
    let e = parse_config(
        "interfaces {\n    interface-range r {\n        member-range ge-0/0/0;\n    }\n}\n",
    );
    // Loads (the end is checked at commit as a mandatory statement).
    let tree = e.unwrap_or_else(|e| panic!("{e}"));
    let errors = crate::validate::check(&tree).unwrap_err().0;
    assert!(
        errors.iter().any(|e| e.message.contains("'to'")),
        "{errors:?}"
    );
}

#[test]
fn display_json_keeps_the_interfaces_beside_the_ranges() {
    let json = crate::print::to_json(&[], &parsed(RANGES));
    // Junos' shape: `"interfaces": {"interface-range": [...], "interface": [...]}`.
    let interfaces = &json["configuration"]["interfaces"];
    assert_eq!(interfaces["interface-range"][0]["name"], "subscribers");
    assert_eq!(
        interfaces["interface-range"][0]["member"][1]["name"],
        "ge-0/0/[4-5]"
    );
    let names: Vec<&str> = interfaces["interface"]
        .as_array()
        .expect("the interfaces' array")
        .iter()
        .filter_map(|i| i["name"].as_str())
        .collect();
    assert_eq!(names, ["ge-0/0/1", "lo0"]);
}

#[test]
fn compare_shows_a_new_range_under_edit_interfaces() {
    let base = parsed("interfaces {\n    ge-0/0/1 {\n        description uplink-side;\n    }\n}\n");
    let blocks = crate::diff::diff(&base, &parsed(RANGES), &[]);
    let text = crate::print::diff_to_text(&blocks);
    assert!(
        text.starts_with(
            "[edit interfaces]\n+  interface-range subscribers {\n+      member ge-0/0/1;\n"
        ),
        "{text}"
    );
}

#[test]
fn deleting_the_last_range_leaves_no_empty_interfaces_block() {
    let mut tree =
        parsed("interfaces {\n    interface-range r {\n        member ge-0/0/1;\n    }\n}\n");
    let words: Vec<String> = ["interfaces", "interface-range", "r"]
        .iter()
        .map(|w| w.to_string())
        .collect();
    crate::edit::delete(&mut tree, &words).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(tree, Node::default());
    assert_eq!(to_text(&[], &tree), "");
}

#[test]
fn load_merge_adds_to_a_range_and_load_replace_replaces_it() {
    use crate::mgmt::LoadMode;
    let base = parsed(RANGES);
    let more =
        "interfaces {\n    interface-range subscribers {\n        member ge-0/0/7;\n    }\n}\n";
    let merged =
        crate::edit::load(&base, LoadMode::Merge, more, None).unwrap_or_else(|e| panic!("{e}"));
    let range = [
        NodeId::new("interfaces"),
        NodeId::entry("interface-range", "subscribers"),
    ];
    let members = |tree: &Node| {
        let node = tree.get(&range).expect("the range");
        node.children
            .keys()
            .filter(|id| id.keyword == "member")
            .filter_map(|id| id.key.as_deref().map(str::to_string))
            .collect::<Vec<_>>()
    };
    assert_eq!(members(&merged), ["ge-0/0/1", "ge-0/0/[4-5]", "ge-0/0/7"]);
    let replace = "interfaces {\n    replace: interface-range subscribers {\n        member ge-0/0/7;\n    }\n}\n";
    let replaced = crate::edit::load(&base, LoadMode::Replace, replace, None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(members(&replaced), ["ge-0/0/7"]);
    assert!(replaced.get(&range).is_some_and(|r| r.children.len() == 1));
    // The interfaces beside the range are untouched by either.
    assert!(replaced
        .children
        .contains_key(&NodeId::entry("interfaces", "ge-0/0/1")));
}

#[test]
fn a_range_is_copied_and_renamed_as_a_list_entry_is() {
    let words = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
    let mut tree = parsed(RANGES);
    crate::edit::copy(
        &mut tree,
        &words("interfaces interface-range subscribers"),
        &words("interface-range spare"),
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    crate::edit::rename(
        &mut tree,
        &words("interfaces interface-range subscribers"),
        &words("interface-range access"),
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    let block = tree.get(&[NodeId::new("interfaces")]).expect("the block");
    let names: Vec<String> = block.children.keys().map(|id| id.to_string()).collect();
    assert_eq!(names, ["interface-range access", "interface-range spare"]);
}
