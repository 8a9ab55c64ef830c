//! A configuration committed before a statement took its Junos form is read in today's form:
//! the active configuration at restart, every revision for `rollback N`, and the candidates.
//! Otherwise the first commit after an upgrade would refuse a statement the operator never
//! typed in the new version.

mod common;

use commit_db::ConfigStore;
use common::{meta, open, T0};
use schema::parse::apply_set_lines;
use schema::{Node, NodeId};

/// PPPoE service actions as Junos writes them (`service any { drop; }`).
fn today() -> Node {
    apply_set_lines(
        &Node::default(),
        "set protocols pppoe service-name-tables t service any drop\n\
         set protocols pppoe service-name-tables t service slow delay 7\n\
         set protocols pppoe service-name-tables t service gold max-sessions 5\n",
    )
    .expect("today's form loads")
}

/// The same as an older version stored it: each action under an `action` keyword
/// (`service any { action { drop; } }`).
fn older(today: &Node) -> Node {
    let mut old = today.clone();
    let table = [
        NodeId::new("protocols"),
        NodeId::new("pppoe"),
        NodeId::entry("service-name-tables", "t"),
    ];
    for (service, action) in [("any", "drop"), ("slow", "delay")] {
        let mut path = table.to_vec();
        path.push(NodeId::entry("service", service));
        let node = old.get_mut(&path).expect("the service");
        let moved = node
            .children
            .shift_remove(&NodeId::new(action))
            .expect("its action");
        node.children.insert(NodeId::new("action"), Node::default());
        let holder = node
            .children
            .get_mut(&NodeId::new("action"))
            .expect("inserted");
        holder.children.insert(NodeId::new(action), moved);
    }
    old
}

#[test]
fn service_actions_stored_under_action_read_in_junos_form() {
    let today = today();
    let old = older(&today);
    assert_ne!(old, today);
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = open(dir.path());
        store
            .commit(&old, "protocols { }\n", meta("alice", T0))
            .unwrap();
        store
            .commit(&Node::default(), "", meta("alice", T0 + 1))
            .unwrap();
        store.set_shared_candidate(Some(&old)).unwrap();
        store.set_private_candidate("s1", Some(&old)).unwrap();
    }
    let store = open(dir.path());
    assert_eq!(store.revision(1).unwrap().unwrap().1, today);
    assert_eq!(store.shared_candidate().unwrap(), Some(today.clone()));
    assert_eq!(store.private_candidate("s1").unwrap(), Some(today.clone()));
    assert_eq!(schema::validate::check(&today).map(|w| w.len()), Ok(0));
}
