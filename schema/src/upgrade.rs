//! Configurations stored by an earlier version of this router, read in today's statements.
//! The commit database applies [`stored_tree`] to every tree it reads back (the active
//! configuration, each revision, the candidates), so a statement whose form changed since it
//! was committed neither fails the next commit nor comes back by `rollback N`.

use crate::edit::order;
use crate::table::stmt_at;
use crate::tree::{Node, NodeId};

/// Rewrites the older forms `tree` holds into today's; a tree without them is untouched.
pub fn stored_tree(tree: &mut Node) {
    pppoe_service_actions(tree);
    tunnel_switch_avp_actions(tree);
}

/// Until the fourth Junos sample a tunnel switch profile's AVP action `preserve` was ours for
/// passing the AVP on as received; Junos calls that `relay` (bearer-type (L2TP Tunnel
/// Switching)).
fn tunnel_switch_avp_actions(tree: &mut Node) {
    let Some(access) = tree.get_mut(&[NodeId::new("access")]) else {
        return;
    };
    let avps = access
        .children
        .iter_mut()
        .filter(|(id, _)| id.keyword == "tunnel-switch-profile")
        .filter_map(|(_, profile)| profile.children.get_mut(&NodeId::new("avp")))
        .flat_map(|avp| avp.children.values_mut());
    for avp in avps {
        for value in avp.values.iter_mut() {
            if value.as_str() == "preserve" {
                *value = "relay".into();
            }
        }
    }
}

/// The words a PPPoE service's action is written with (PPPoE Service Name Tables).
const SERVICE_ACTIONS: [&str; 3] = ["delay", "drop", "terminate"];

/// Until the fourth Junos sample (branch wt-h99) a PPPoE service's action stood under an
/// `action` keyword of ours (`service any { action { drop; } }`); Junos writes it in the
/// service (`service any { drop; }`). A service that already has today's form keeps it.
fn pppoe_service_actions(tree: &mut Node) {
    let Some(service_stmt) = stmt_at(&["protocols", "pppoe", "service-name-tables", "service"])
    else {
        return;
    };
    let Some(pppoe) = tree.get_mut(&[NodeId::new("protocols"), NodeId::new("pppoe")]) else {
        return;
    };
    let services = pppoe
        .children
        .iter_mut()
        .filter(|(id, _)| id.keyword == "service-name-tables")
        .flat_map(|(_, table)| table.children.iter_mut())
        .filter(|(id, _)| id.keyword == "service")
        .map(|(_, service)| service);
    for service in services {
        let Some(action) = service.children.shift_remove(&NodeId::new("action")) else {
            continue;
        };
        let has_today = SERVICE_ACTIONS
            .iter()
            .any(|word| service.children.contains_key(&NodeId::new(*word)));
        if has_today {
            continue;
        }
        for (id, node) in action.children.into_iter() {
            if SERVICE_ACTIONS.contains(&id.keyword.as_str()) {
                *order::child_entry(service, service_stmt, &id) = node;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::apply_set_lines;

    fn service(tree: &Node, name: &str) -> Node {
        let path = [
            NodeId::new("protocols"),
            NodeId::new("pppoe"),
            NodeId::entry("service-name-tables", "t"),
            NodeId::entry("service", name),
        ];
        tree.get(&path).cloned().unwrap_or_default()
    }

    #[test]
    fn a_preserved_avp_is_relayed() {
        let mut old = Node::default();
        old.ensure(&[
            NodeId::new("access"),
            NodeId::entry("tunnel-switch-profile", "ts"),
            NodeId::new("avp"),
            NodeId::new("bearer-type"),
        ])
        .values
        .push("preserve");
        stored_tree(&mut old);
        let today = apply_set_lines(
            &Node::default(),
            "set access tunnel-switch-profile ts avp bearer-type relay\n",
        )
        .unwrap();
        assert_eq!(old, today);
    }

    #[test]
    fn todays_action_wins_and_a_tree_without_old_forms_is_untouched() {
        let today = apply_set_lines(
            &Node::default(),
            "set protocols pppoe service-name-tables t service a drop\n\
             set protocols pppoe service-name-tables t service b max-sessions 3\n",
        )
        .unwrap();
        let mut same = today.clone();
        stored_tree(&mut same);
        assert_eq!(same, today);

        // `a` holds both forms (an older daemon never wrote that, but a hand-edited store
        // might): today's `drop` stays, the old `action` goes. `b`'s action moves up, after
        // the statements the table lists before it.
        let mut mixed = today.clone();
        let a = [
            NodeId::new("protocols"),
            NodeId::new("pppoe"),
            NodeId::entry("service-name-tables", "t"),
            NodeId::entry("service", "a"),
        ];
        mixed
            .ensure(&[a.as_slice(), &[NodeId::new("action"), NodeId::new("delay")]].concat())
            .values
            .push("5");
        let mut b = a.to_vec();
        b[3] = NodeId::entry("service", "b");
        mixed.ensure(
            &[
                b.as_slice(),
                &[NodeId::new("action"), NodeId::new("terminate")],
            ]
            .concat(),
        );
        stored_tree(&mut mixed);
        assert_eq!(service(&mixed, "a"), service(&today, "a"));
        let keywords: Vec<String> = service(&mixed, "b")
            .children
            .keys()
            .map(|id| id.keyword.to_string())
            .collect();
        let mut expected = apply_set_lines(
            &today,
            "set protocols pppoe service-name-tables t service b terminate\n",
        )
        .unwrap();
        stored_tree(&mut expected);
        let expected_keywords: Vec<String> = service(&expected, "b")
            .children
            .keys()
            .map(|id| id.keyword.to_string())
            .collect();
        assert_eq!(keywords, expected_keywords);
    }
}
