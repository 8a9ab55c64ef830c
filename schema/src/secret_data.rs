//! `/* SECRET-DATA */`: what a login class without Junos' `secret` permission (read-only,
//! operator) sees in place of a `$9$` value. `$9$` is an obfuscation anyone can decode, so
//! the daemon replaces the values in the tree before it leaves for such a user; the printers
//! then show `secret /* SECRET-DATA */;` as Junos does.
//!
//! A stored secret always starts with `$9$` (the schema refuses anything else), so a value
//! starting with [`HIDDEN`] can only be one of these placeholders.

use crate::def::{Kind, Stmt, Type};
use crate::edit::stmt_for_path_in;
use crate::table;
use crate::tree::{Node, NodeId};

/// The placeholder, printed bare in every display form.
pub const HIDDEN: &str = "/* SECRET-DATA */";
/// The placeholder of a secret that differs from the other side of a `compare`: it prints as
/// [`HIDDEN`] but is not equal to it, so the change is still shown.
const HIDDEN_CHANGED: &str = "/* SECRET-DATA */ changed";

/// True for a value that is one of the placeholders.
pub fn is_hidden(value: &str) -> bool {
    value.starts_with(HIDDEN)
}

/// Replaces every secret in `node`, which sits at `path`, by [`HIDDEN`].
pub fn hide_secrets(path: &[NodeId], node: &mut Node) {
    hide(stmt_for_path_in(&table::ROOT, path), node, None);
}

/// Replaces the secrets of two whole configurations about to be compared: a secret that
/// differs between them stays different (and shows as a change), with neither value shown.
pub fn hide_secrets_for_compare(base: &mut Node, target: &mut Node) {
    hide(Some(&table::ROOT), target, Some(base));
    hide(Some(&table::ROOT), base, None);
}

/// `before`: the same node on the other side of a compare, not yet hidden.
///
/// The secrets are found by a read-only walk and only the nodes on their paths are taken
/// mutably: the tree shares its subtrees with the configuration it was cloned from, and a
/// mutable walk of every node would copy the whole configuration for each `show` or
/// `compare` of a class without `secret` (issue 15, item 4).
fn hide(stmt: Option<&'static Stmt>, node: &mut Node, before: Option<&Node>) {
    let mut paths = Vec::new();
    secret_paths(stmt, node, &mut Vec::new(), &mut paths);
    for path in paths {
        let Some(leaf) = node.get_mut(&path) else {
            continue;
        };
        let changed = before
            .and_then(|b| b.get(&path))
            .is_some_and(|b| b.values != leaf.values);
        let placeholder = if changed { HIDDEN_CHANGED } else { HIDDEN };
        for value in &mut leaf.values {
            *value = placeholder.into();
        }
    }
}

/// The paths (below `node`, which `stmt` describes) of every secret statement.
fn secret_paths(
    stmt: Option<&'static Stmt>,
    node: &Node,
    prefix: &mut Vec<NodeId>,
    out: &mut Vec<Vec<NodeId>>,
) {
    let Some(stmt) = stmt else {
        // Not in the schema: nothing below can be a secret.
        return;
    };
    if matches!(
        stmt.kind,
        Kind::Leaf(Type::Secret) | Kind::LeafList(Type::Secret)
    ) {
        out.push(prefix.clone());
        return;
    }
    for (id, child) in node.children.iter() {
        prefix.push(id.clone());
        secret_paths(stmt.child(&id.keyword), child, prefix, out);
        prefix.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit;

    fn config(lines: &[&str]) -> Node {
        let mut tree = Node::default();
        for line in lines {
            let words: Vec<String> = line.split_whitespace().map(String::from).collect();
            edit::set(&mut tree, &words).unwrap();
        }
        tree
    }

    #[test]
    fn secrets_only_are_replaced_at_any_level() {
        let mut tree = config(&[
            "access radius-server 127.0.0.1 secret testing123",
            "access radius-server 127.0.0.1 port 1812",
            "system host-name r1",
        ]);
        let path = vec![NodeId::new("access")];
        let mut access = tree.get(&path).unwrap().clone();
        hide_secrets(&path, &mut access);
        let text = crate::print::to_text(&path, &access);
        assert!(text.contains("secret /* SECRET-DATA */;\n"), "{text}");
        assert!(text.contains("port 1812;"), "{text}");
        hide_secrets(&[], &mut tree);
        let set = crate::print::to_set_lines(&[], &tree);
        assert!(
            set.contains("set access radius-server 127.0.0.1 secret /* SECRET-DATA */\n"),
            "{set}"
        );
        assert!(set.contains("set system host-name r1\n"), "{set}");
        assert!(!set.contains("$9$"), "{set}");
    }

    /// Hiding copies the paths to the secrets only: the rest stays shared with the tree the
    /// candidate was cloned from.
    #[test]
    fn hiding_leaves_the_rest_shared() {
        let committed = config(&[
            "access radius-server 127.0.0.1 secret one",
            "system host-name r1",
        ]);
        let (mut base, mut target) = (committed.clone(), committed.clone());
        hide_secrets_for_compare(&mut base, &mut target);
        let system = NodeId::new("system");
        for side in [&base, &target] {
            let (Some(a), Some(b)) = (
                committed.children.get_shared(&system),
                side.children.get_shared(&system),
            ) else {
                panic!("system is there");
            };
            assert!(std::sync::Arc::ptr_eq(a, b));
        }
        let text = crate::print::to_text(&[], &target);
        assert!(text.contains("secret /* SECRET-DATA */;"), "{text}");
        assert!(crate::diff::diff(&base, &target, &[]).is_empty());
    }

    #[test]
    fn compare_keeps_a_changed_secret_changed_and_an_equal_one_equal() {
        let old = config(&[
            "access radius-server 127.0.0.1 secret same",
            "access radius-server 127.0.0.2 secret before",
        ]);
        let mut new = old.clone();
        edit::set(
            &mut new,
            &["access", "radius-server", "127.0.0.2", "secret", "after"].map(String::from),
        )
        .unwrap();
        let (mut base, mut target) = (old, new);
        hide_secrets_for_compare(&mut base, &mut target);
        let diff = crate::print::diff_to_text(&crate::diff::diff(&base, &target, &[]));
        assert_eq!(
            diff,
            "[edit access radius-server 127.0.0.2]\n-  secret /* SECRET-DATA */;\n+  secret /* SECRET-DATA */;\n"
        );
    }
}
