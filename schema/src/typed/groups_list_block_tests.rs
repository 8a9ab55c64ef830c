//! `apply-groups` / `apply-groups-except` in a grouped list's own block (`interfaces {
//! apply-groups G; ... }`, `set interfaces apply-groups G`): group G's `interfaces` subtree
//! applies to every interface, as it would from the level above, and to no other statement.

use super::groups::{expansion, UNKNOWN_GROUP};
use super::router_config;
use crate::parse::{apply_set_lines, parse_config};
use crate::print::{to_set_lines, to_text};
use crate::tree::{Node, NodeId};
use crate::validate;

fn parsed(text: &str) -> Node {
    parse_config(text).unwrap_or_else(|e| panic!("{e}"))
}

const AT_INTERFACES: &str = "\
groups {
    access {
        system {
            host-name from-group;
        }
        interfaces {
            <ge-*> {
                description access-port;
                mtu 1500;
            }
            ge-0/0/9 {
                unit 0;
            }
        }
    }
}
interfaces {
    apply-groups access;
    ge-0/0/0 {
        mtu 9000;
    }
    xe-0/0/0 {
        unit 0;
    }
}
";

#[test]
fn the_block_statement_loads_prints_and_reads_back_in_set_form() {
    let tree = parsed(AT_INTERFACES);
    let block = tree
        .get(&[NodeId::new("interfaces"), NodeId::new("apply-groups")])
        .expect("apply-groups on the keyless interfaces node");
    assert_eq!(block.values.iter().collect::<Vec<_>>(), ["access"]);
    assert_eq!(to_text(&[], &tree), AT_INTERFACES);
    let lines = to_set_lines(&[], &tree);
    assert!(
        lines.contains("\nset interfaces apply-groups access\n"),
        "{lines}"
    );
    assert_eq!(apply_set_lines(&Node::default(), &lines), Ok(tree));
}

#[test]
fn the_group_applies_to_the_interfaces_and_nothing_else() {
    let e = expansion(&parsed(AT_INTERFACES), false);
    assert!(e.errors.is_empty(), "{:?}", e.errors);
    let config = router_config(&parsed(AT_INTERFACES));
    let ge = &config.interfaces["ge-0/0/0"];
    assert_eq!(ge.description.as_deref(), Some("access-port"));
    // The configuration's own statement wins.
    let shown = to_text(&[], &e.tree);
    let own_wins = "ge-0/0/0 {\n        description access-port;\n        mtu 9000;\n    }";
    assert!(shown.contains(own_wins), "{shown}");
    assert_eq!(config.interfaces["xe-0/0/0"].description, None);
    // A group names an interface outright: it is created.
    assert!(config.interfaces.contains_key("ge-0/0/9"));
    // The group's statements outside `interfaces` are not applied from here.
    // The block held only `apply-groups`: nothing of it is left to show.
    assert!(!e.tree.children.contains_key(&NodeId::new("interfaces")));
    assert!(!shown.contains("from-group"), "{shown}");
    assert!(!shown.contains("apply-groups"), "{shown}");
}

#[test]
fn apply_groups_except_in_the_block_stops_a_group_of_the_top() {
    let text = AT_INTERFACES.replace(
        "interfaces {\n    apply-groups access;",
        "apply-groups access;\ninterfaces {\n    apply-groups-except access;",
    );
    let e = expansion(&parsed(&text), false);
    assert!(e.errors.is_empty(), "{:?}", e.errors);
    let shown = to_text(&[], &e.tree);
    assert!(shown.contains("host-name from-group;"), "{shown}");
    assert!(!shown.contains("access-port"), "{shown}");
    assert!(!shown.contains("ge-0/0/9"), "{shown}");
}

#[test]
fn an_unknown_group_in_the_block_is_reported_at_edit_interfaces() {
    let text = AT_INTERFACES.replace("apply-groups access;", "apply-groups [ access missing ];");
    let (errors, _) = validate::check(&parsed(&text)).expect_err("unknown group");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].statement, "apply-groups missing");
    assert_eq!(errors[0].path, vec![NodeId::new("interfaces")]);
    assert_eq!(errors[0].message, UNKNOWN_GROUP);
}

/// Found by the round trip: a comment above `apply-groups` in the block is the statement's,
/// not the block's.
#[test]
fn a_comment_on_the_block_statement_stays_on_it() {
    let text = "interfaces {\n    /* keep */\n    apply-groups-except a;\n    ge-0/0/0;\n}\n";
    let tree = parsed(text);
    let block = tree.get(&[NodeId::new("interfaces")]).unwrap();
    assert_eq!(block.annotation, None);
    assert_eq!(
        block.children[&NodeId::new("apply-groups-except")]
            .annotation
            .as_deref(),
        Some("keep")
    );
    assert_eq!(to_text(&[], &tree), text);
}

/// Every grouped list's own block takes the group statements, not only `interfaces`
/// (Junos takes `apply-groups` at every hierarchy level): `access { radius-server {
/// apply-groups G; ADDRESS { ... } } }`.
const AT_RADIUS_SERVER: &str = "\
groups {
    radius {
        system {
            host-name from-group;
        }
        access {
            radius-server {
                <*> {
                    port 1645;
                    retry 5;
                    secret from-group;
                }
            }
        }
    }
}
access {
    radius-server {
        apply-groups radius;
        127.0.0.1 {
            port 1812;
        }
        127.0.0.2;
    }
}
";

#[test]
fn a_radius_server_block_takes_groups_in_brace_text_and_set_lines() {
    let tree = parsed(AT_RADIUS_SERVER);
    let block = tree
        .get(&[
            NodeId::new("access"),
            NodeId::new("radius-server"),
            NodeId::new("apply-groups"),
        ])
        .expect("apply-groups on the keyless radius-server node");
    assert_eq!(block.values.iter().collect::<Vec<_>>(), ["radius"]);
    // The group's secret is stored encrypted, so the text reads back rather than equals.
    let shown = to_text(&[], &tree);
    let own_block = "radius-server {\n        apply-groups radius;\n        127.0.0.1 {";
    assert!(shown.contains(own_block), "{shown}");
    assert_eq!(parsed(&shown), tree);
    let lines = to_set_lines(&[], &tree);
    assert!(
        lines.contains("\nset access radius-server apply-groups radius\n"),
        "{lines}"
    );
    assert_eq!(apply_set_lines(&Node::default(), &lines), Ok(tree));
}

#[test]
fn the_group_applies_to_each_radius_server_and_nothing_else() {
    let tree = parsed(AT_RADIUS_SERVER);
    validate::check(&tree).unwrap_or_else(|(e, _)| panic!("{e:?}"));
    let config = router_config(&tree);
    let own = &config.radius_servers[&std::net::Ipv4Addr::new(127, 0, 0, 1)];
    // Its own port wins; the retry it lacks comes from the group.
    assert_eq!((own.port, own.retry), (1812, 5));
    let other = &config.radius_servers[&std::net::Ipv4Addr::new(127, 0, 0, 2)];
    assert_eq!((other.port, other.retry), (1645, 5));
    let shown = to_text(&[], &expansion(&tree, false).tree);
    assert!(!shown.contains("from-group"), "{shown}");
    assert!(!shown.contains("apply-groups"), "{shown}");
    // An inherited secret's comment names the statement, not the secret.
    let commented = crate::print::to_inheritance_text(&[], &tree, true);
    assert!(
        commented.contains("## 'secret' was inherited from group 'radius'"),
        "{commented}"
    );
}

#[test]
fn an_unknown_group_in_a_radius_server_block_is_reported_there() {
    let text = AT_RADIUS_SERVER.replace("apply-groups radius;", "apply-groups [ radius missing ];");
    let (errors, _) = validate::check(&parsed(&text)).expect_err("unknown group");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].statement, "apply-groups missing");
    let at = vec![NodeId::new("access"), NodeId::new("radius-server")];
    assert_eq!(errors[0].path, at);
}
