//! `inactive:` and `/* annotation */` on a grouped list's whole block (`deactivate
//! interfaces`, `annotate interfaces "..."`): held on the list's keyless node (the one that
//! holds `interface-range`), shown on the `interfaces {` line, loaded back from brace text
//! and `set` lines, and at commit the whole hierarchy is gone.

use crate::edit::{activate, annotate, deactivate, Applied};
use crate::parse::{apply_set_lines, parse_config};
use crate::print::{to_set_lines, to_text};
use crate::tree::{Node, NodeId};

const INACTIVE: &str = "\
/* access side */
inactive: interfaces {
    ge-0/0/1 {
        description uplink-side;
    }
    lo0 {
        unit 0 {
            description loopback;
        }
    }
}
";

const INACTIVE_SET: &str = "\
set interfaces ge-0/0/1 description uplink-side
set interfaces lo0 unit 0 description loopback
deactivate interfaces
";

fn parsed(text: &str) -> Node {
    parse_config(text).unwrap_or_else(|e| panic!("{e}"))
}

fn words(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_string).collect()
}

fn block(tree: &Node) -> Option<&Node> {
    tree.children.get(&NodeId::new("interfaces"))
}

#[test]
fn an_inactive_annotated_block_loads_and_prints_back() {
    let tree = parsed(INACTIVE);
    let block = block(&tree).expect("the tags on the keyless interfaces node");
    assert!(block.inactive);
    assert_eq!(block.annotation.as_deref(), Some("access side"));
    assert_eq!(to_text(&[], &tree), INACTIVE);
}

#[test]
fn display_set_deactivates_the_block_after_its_entries_and_reads_back() {
    let tree = parsed(INACTIVE);
    let lines = to_set_lines(&[], &tree);
    assert_eq!(lines, INACTIVE_SET);
    let mut reloaded = apply_set_lines(&Node::default(), &lines).unwrap();
    // `| display set` has no annotation; the rest is the same tree.
    annotate(&mut reloaded, &words("interfaces"), "access side").unwrap();
    assert_eq!(reloaded, tree);
    assert_eq!(to_text(&[], &reloaded), INACTIVE);
}

#[test]
fn deactivate_and_annotate_the_block_then_undo_them() {
    let plain = parsed(&INACTIVE.replace("/* access side */\ninactive: ", ""));
    let mut tree = plain.clone();
    assert_eq!(
        deactivate(&mut tree, &words("interfaces")),
        Ok(Applied::Done)
    );
    assert_eq!(
        annotate(&mut tree, &words("interfaces"), "access side"),
        Ok(Applied::Done)
    );
    assert_eq!(tree, parsed(INACTIVE));
    assert_eq!(activate(&mut tree, &words("interfaces")), Ok(Applied::Done));
    assert_eq!(
        annotate(&mut tree, &words("interfaces"), ""),
        Ok(Applied::Done)
    );
    // Nothing left on the keyless node: it goes, and the tree is as before.
    assert!(block(&tree).is_none());
    assert_eq!(tree, plain);
}

#[test]
fn the_block_of_a_configuration_without_interfaces_is_not_found() {
    let mut tree = parsed("system {\n    host-name r1;\n}\n");
    let before = tree.clone();
    assert_eq!(
        deactivate(&mut tree, &words("interfaces")),
        Ok(Applied::NotFound)
    );
    assert_eq!(
        annotate(&mut tree, &words("interfaces"), "x"),
        Ok(Applied::NotFound)
    );
    assert_eq!(tree, before);
}

#[test]
fn the_block_with_a_range_keeps_the_range_under_its_tags() {
    let text = "\
inactive: interfaces {
    interface-range r {
        member ge-0/0/1;
        unit 0;
    }
    ge-0/0/1 {
        description d;
    }
}
";
    let tree = parsed(text);
    assert_eq!(to_text(&[], &tree), text);
    let reloaded = apply_set_lines(&Node::default(), &to_set_lines(&[], &tree)).unwrap();
    assert_eq!(reloaded, tree);
}

#[test]
fn the_commit_sees_no_interface_of_an_inactive_block() {
    let tree = parsed(INACTIVE);
    let active = tree.without_inactive();
    assert!(
        !active.children.keys().any(|id| id.keyword == "interfaces"),
        "{:?}",
        active.children.keys().collect::<Vec<_>>()
    );
    let plain = parsed(&INACTIVE.replace("/* access side */\ninactive: ", ""));
    assert_eq!(plain.without_inactive().children.len(), 2);
}

#[test]
fn show_compare_shows_the_block_deactivated() {
    let before = parsed(&INACTIVE.replace("/* access side */\ninactive: ", ""));
    let mut after = before.clone();
    deactivate(&mut after, &words("interfaces")).unwrap();
    let shown = crate::print::diff_to_text(&crate::diff::diff(&before, &after, &[]));
    assert_eq!(
        shown,
        "[edit]\n-  interfaces { ... }\n+  inactive: interfaces { ... }\n"
    );
    // Back again, with the entries changed as well: both are shown.
    let mut edited = before.clone();
    crate::edit::set(&mut edited, &words("interfaces ge-0/0/1 description d2")).unwrap();
    let shown = crate::print::diff_to_text(&crate::diff::diff(&after, &edited, &[]));
    assert_eq!(
        shown,
        "[edit]\n-  inactive: interfaces { ... }\n+  interfaces { ... }\n\
         [edit interfaces ge-0/0/1]\n-  description uplink-side;\n+  description d2;\n"
    );
}

#[test]
fn a_grouped_list_without_a_block_node_takes_no_tag() {
    let text = "access {\n    inactive: radius-server {\n        127.0.0.1 {\n            secret s;\n        }\n    }\n}\n";
    let e = parse_config(text).unwrap_err();
    assert_eq!(
        e.message,
        "syntax error: 'radius-server' takes no tag, its entries do"
    );
    let mut tree = apply_set_lines(
        &Node::default(),
        "set access radius-server 127.0.0.1 secret s\n",
    )
    .unwrap();
    let e = deactivate(&mut tree, &words("access radius-server")).unwrap_err();
    assert_eq!(e.message, "missing argument.");
}

/// A comment written before a grouped list that has no block node of its own
/// (`/* c */ radius-server {`) is not lost: there is no statement for it to stand on, so it
/// stands on the block's first statement, where `show` prints it and a reload keeps it.
#[test]
fn a_comment_before_a_grouped_list_without_a_block_node_stays_on_its_first_entry() {
    let text = "access {\n    /* regional servers */\n    radius-server {\n        127.0.0.1 {\n            secret s;\n        }\n        127.0.0.2 {\n            secret t;\n        }\n    }\n}\n";
    let tree = parsed(text);
    let servers = tree.children[&NodeId::new("access")]
        .children
        .get(&NodeId::new("radius-server"));
    assert!(servers.is_none(), "no keyless radius-server node is made");
    let first = &tree.children[&NodeId::new("access")].children
        [&NodeId::entry("radius-server", "127.0.0.1")];
    assert_eq!(first.annotation.as_deref(), Some("regional servers"));
    let second = &tree.children[&NodeId::new("access")].children
        [&NodeId::entry("radius-server", "127.0.0.2")];
    assert_eq!(second.annotation, None);
    let printed = to_text(&[], &tree);
    assert!(
        printed
            .contains("    radius-server {\n        /* regional servers */\n        127.0.0.1 {"),
        "{printed}"
    );
    assert_eq!(parsed(&printed), tree);
}
