//! The incremental check ([`check_and_view_since`]) gives exactly what the whole check gives,
//! over random sequences of edits and commits.

use super::*;
use crate::edit;
use crate::tree::NodeId;
use proptest::prelude::*;

fn words(line: &str) -> Vec<String> {
    line.split(' ').map(String::from).collect()
}

/// A configuration that passes the check: four tunnel profiles, a domain map per profile, a
/// routing instance one of them uses.
fn base() -> Node {
    let mut root = Node::default();
    let mut lines = vec![
        "system host-name lac1".to_string(),
        "routing-instances ri1 instance-type virtual-router".to_string(),
    ];
    for i in 0..4 {
        lines.push(format!(
            "access tunnel-profile tp{i} tunnel 1 remote-gateway address 127.0.1.{i}"
        ));
        lines.push(format!(
            "access tunnel-profile tp{i} tunnel 1 max-sessions 10"
        ));
        lines.push(format!(
            "access domain map d{i}.example tunnel-profile tp{i}"
        ));
    }
    for line in lines {
        edit::set(&mut root, &words(&line)).expect("base set");
    }
    root
}

/// One edit an operator could make; many of them break the configuration on purpose.
#[derive(Clone, Debug)]
enum Edit {
    Set(String),
    Delete(String),
    Deactivate(String),
    Activate(String),
    Rename(String, String),
    Copy(String, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    let i = 0..6usize;
    let j = 0..6usize;
    let n = 0..4u32;
    (0..16u8, i, j, n).prop_map(|(kind, i, j, n)| match kind {
        0 => Edit::Set(format!(
            "access tunnel-profile tp{i} tunnel 1 max-sessions {}",
            n + 1
        )),
        1 => Edit::Set(format!(
            "access tunnel-profile tp{i} tunnel 1 remote-gateway address 127.0.2.{j}"
        )),
        2 => Edit::Set(format!(
            "access tunnel-profile tp{i} tunnel {} preference {n}",
            j + 1
        )),
        3 => Edit::Delete(format!("access tunnel-profile tp{i}")),
        4 => Edit::Set(format!(
            "access domain map d{i}.example tunnel-profile tp{j}"
        )),
        5 => Edit::Delete(format!("access domain map d{i}.example")),
        6 => Edit::Deactivate(format!("access tunnel-profile tp{i}")),
        7 => Edit::Activate(format!("access tunnel-profile tp{i}")),
        8 => Edit::Set(format!("system host-name h{n}")),
        9 => Edit::Set(format!("services l2tp destruct-timeout {}", 10 + n)),
        10 => Edit::Delete("services".to_string()),
        11 => Edit::Rename(
            format!("access tunnel-profile tp{i}"),
            format!("tunnel-profile tp{j}"),
        ),
        12 => Edit::Copy(
            format!("access tunnel-profile tp{i}"),
            format!("tunnel-profile tp{j}"),
        ),
        13 => Edit::Set(format!(
            "access tunnel-profile tp{i} tunnel 1 routing-instance ri{}",
            n % 2 + 1
        )),
        14 => Edit::Delete(format!("routing-instances ri{}", n % 2 + 1)),
        _ => Edit::Set(format!(
            "routing-instances ri{} instance-type virtual-router",
            n % 2 + 1
        )),
    })
}

fn apply(root: &mut Node, e: &Edit) {
    // An edit the editor refuses (nothing to delete, a rename onto an existing entry) leaves
    // the tree as it was; that is a case like any other.
    let _ = match e {
        Edit::Set(line) => edit::set(root, &words(line)).map(drop),
        Edit::Delete(line) => edit::delete(root, &words(line)).map(drop),
        Edit::Deactivate(line) => edit::deactivate(root, &words(line)).map(drop),
        Edit::Activate(line) => edit::activate(root, &words(line)).map(drop),
        Edit::Rename(from, to) => edit::rename(root, &words(from), &words(to)),
        Edit::Copy(from, to) => edit::copy(root, &words(from), &words(to)),
    };
}

/// The committed configuration as the daemon keeps it.
struct Active {
    tree: Node,
    config: crate::typed::RouterConfig,
    has_inactive: bool,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Each round edits a candidate made from the committed tree (sharing what it does not
    /// change), checks it both ways, and commits it when it passes, as the daemon does (the
    /// candidate itself becomes the committed tree, so the next round's sharing is the
    /// daemon's).
    #[test]
    fn incremental_check_is_the_whole_check(
        rounds in prop::collection::vec(prop::collection::vec(edit(), 1..4), 1..8),
    ) {
        let tree = base();
        let (_, config) = check_and_view(&tree).expect("the base passes");
        let mut active = Active { has_inactive: tree.has_inactive(), tree, config };
        for edits in rounds {
            let mut candidate = active.tree.clone();
            for e in &edits {
                apply(&mut candidate, e);
            }
            let whole = check_and_view(&candidate);
            // Inactive statements are not checked: the whole check is the check of the tree
            // without them (which has none, so its structural walk is the first and only).
            prop_assert_eq!(&whole, &check_and_view(&candidate.active_only()));
            let previous = Checked {
                tree: &active.tree,
                config: &active.config,
                has_inactive: active.has_inactive,
            };
            let passed = check_since(&candidate, Some(previous));
            if let Ok(passed) = &passed {
                prop_assert_eq!(passed.has_inactive, candidate.has_inactive());
            }
            if let Ok(passed) = &check_since(&candidate, None) {
                prop_assert_eq!(passed.has_inactive, candidate.has_inactive());
            }
            let incremental = passed.map(|p| (p.warnings, p.config));
            prop_assert_eq!(&incremental, &whole, "after {:?}", edits);
            if let Ok((_, config)) = whole {
                let has_inactive = candidate.has_inactive_since(&active.tree, active.has_inactive);
                prop_assert_eq!(has_inactive, candidate.has_inactive());
                active = Active {
                    tree: candidate,
                    config,
                    has_inactive,
                };
            }
        }
    }
}

#[test]
fn a_deleted_profile_breaks_the_unchanged_map_that_names_it() {
    let tree = base();
    let (_, config) = check_and_view(&tree).expect("the base passes");
    let mut candidate = tree.clone();
    edit::delete(&mut candidate, &words("access tunnel-profile tp2")).expect("delete");
    let previous = Checked {
        tree: &tree,
        config: &config,
        has_inactive: false,
    };
    let (errors, _) = check_and_view_since(&candidate, Some(previous)).expect_err("fails");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].statement, "tunnel-profile tp2");
    assert_eq!(
        errors[0].message,
        "Referenced tunnel profile is not defined"
    );
}

#[test]
fn an_unchanged_statement_with_no_effect_still_warns() {
    let mut tree = base();
    edit::set(&mut tree, &words("services l2tp destruct-timeout 20")).expect("set");
    let (warnings, config) = check_and_view(&tree).expect("passes");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let mut candidate = tree.clone();
    edit::set(&mut candidate, &words("system host-name lac2")).expect("set");
    let previous = Checked {
        tree: &tree,
        config: &config,
        has_inactive: false,
    };
    let (again, _) = check_and_view_since(&candidate, Some(previous)).expect("passes");
    assert_eq!(again, warnings);
}

/// The skip itself: a subtree the previous commit holds by the same pointer is not read
/// again. Shown with a previous tree that (against the contract) holds an error: the whole
/// check finds it, the incremental one, given a change elsewhere, does not look.
#[test]
fn a_shared_subtree_is_not_checked_again() {
    let mut tree = base();
    let bad = tree
        .get_mut(&[
            crate::tree::NodeId::new("access"),
            crate::tree::NodeId::entry("tunnel-profile", "tp1"),
        ])
        .expect("tp1");
    bad.values.push("stray");
    let (_, config) = check_and_view(&base()).expect("the base passes");
    let mut candidate = tree.clone();
    edit::set(&mut candidate, &words("system host-name lac2")).expect("set");
    assert!(check_and_view(&candidate).is_err());
    let previous = Checked {
        tree: &tree,
        config: &config,
        has_inactive: false,
    };
    assert!(check_and_view_since(&candidate, Some(previous)).is_ok());
}

/// A statement the structural walk does not look into (one not known, a leaf that holds
/// statements) may hold an inactive statement: the whole check is still that of the tree
/// without it, and a tree that passes is said to hold one.
#[test]
fn an_inactive_statement_below_one_the_walk_does_not_enter_is_found() {
    let inactive = Node {
        inactive: true,
        ..Node::default()
    };
    let mut unknown = Node::default();
    unknown
        .children
        .insert(NodeId::new("anything"), inactive.clone());
    // `host-name` is a leaf: children make it the wrong shape.
    let mut misshapen = Node::default();
    misshapen.values.push("lac1");
    misshapen.children.insert(NodeId::new("anything"), inactive);
    misshapen
        .children
        .insert(NodeId::new("other"), Node::default());
    for (name, node) in [("no-such-statement", unknown), ("host-name", misshapen)] {
        let mut tree = base();
        let system = tree
            .children
            .get_mut(&NodeId::new("system"))
            .expect("system");
        system.children.insert(NodeId::new(name), node);
        assert!(tree.has_inactive());
        let whole = check_and_view(&tree).map(|(w, _)| w);
        let reference = check_and_view(&tree.active_only()).map(|(w, _)| w);
        assert_eq!(whole, reference, "{name}");
        if let Ok(passed) = check_since(&tree, None) {
            assert!(passed.has_inactive, "{name}");
        }
    }
    // And a tree whose only inactive statement is a whole tunnel profile passes, saying so.
    let mut tree = base();
    edit::deactivate(&mut tree, &words("access tunnel-profile tp3")).expect("deactivate");
    edit::delete(&mut tree, &words("access domain map d3.example")).expect("delete");
    edit::delete(
        &mut tree,
        &words("access tunnel-profile tp3 tunnel 1 remote-gateway"),
    )
    .expect("delete");
    let passed = check_since(&tree, None).unwrap_or_else(|(e, _)| panic!("{e:?}"));
    assert!(passed.has_inactive);
}
