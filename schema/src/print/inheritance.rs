//! `| display inheritance`: the configuration as the router applies it, configuration
//! groups written out where they apply (typed::groups), each inherited statement preceded
//! by Junos' comment naming the group it came from:
//!
//! ```text
//! ##
//! ## 'standard.example' was inherited from group 'standard'
//! ##
//! domain-name standard.example;
//! ```
//!
//! What the comment names follows Juniper's examples ("Example: Configuring Sets of
//! Statements with Configuration Groups", "Example: Configuring Peer Entities"): a leaf's
//! value, a list entry's key, a container's or a flag's name.

use super::detail::commented_text;
use crate::def::{Kind, Stmt, Type};
use crate::tree::Path;
use crate::tree::{Node, NodeId};
use crate::typed::groups::{expansion, InheritedValues};
use crate::typed::interface_range;
use std::collections::BTreeMap;

/// The configuration with its groups, then its interface ranges, applied; when `record`,
/// for each statement they wrote, where from (`group 'G'`, with the verb the comment takes),
/// and each leaf-list value from a group.
fn expanded(root: &Node, record: bool) -> (Node, BTreeMap<Path, String>, InheritedValues) {
    let groups = expansion(root, record);
    let (ranged, _, ranges) = interface_range::expand_recorded(&groups.tree, record);
    let ranged = ranged.into_owned();
    let mut sources: BTreeMap<Path, String> = groups
        .inherited
        .into_iter()
        .map(|(path, group)| (path, format!("was inherited from group '{group}'")))
        .collect();
    // Juniper's wording for ranges: "the source interface-range from which the
    // configuration has been expanded" (`show | display inheritance`).
    sources.extend(
        ranges
            .into_iter()
            .map(|(path, range)| (path, format!("was expanded from interface-range '{range}'"))),
    );
    (ranged, sources, groups.inherited_values)
}

/// The expanded configuration below `path`, `root` being the whole configuration;
/// `comments`: with the `## ... was inherited from group ...` lines (`| display
/// inheritance no-comments` leaves them out).
pub(super) fn to_inheritance_text(
    schema_root: &'static Stmt,
    path: &[NodeId],
    root: &Node,
    comments: bool,
) -> String {
    let (tree, inherited, inherited_values) = expanded(root, comments);
    let Some((path, node)) = shown_part(schema_root, path, &tree) else {
        return String::new();
    };
    let node = &node;
    commented_text(
        schema_root,
        path,
        node,
        &mut |stmt, at, node, depth, out| {
            // A leaf-list's values from groups: one line each, in one comment, as
            // Juniper's `show | display inheritance` page shows `permissions [ ... ]`.
            if let Some(values) = inherited_values.get(at) {
                out.push((depth, "##".into()));
                for (value, group) in values {
                    let line = format!("## '{value}' was inherited from group '{group}'");
                    out.push((depth, line));
                }
                out.push((depth, "##".into()));
                return;
            }
            let Some(source) = inherited.get(at) else {
                return;
            };
            let Some(id) = at.last() else {
                return;
            };
            let whats: Vec<String> = match (stmt.map(|s| s.kind), &id.key) {
                (_, Some(key)) => vec![key.to_string()],
                // Our choice: a secret's keyword, not its value (secret data, already on
                // the line below, where `## SECRET-DATA` marks it).
                (Some(Kind::Leaf(Type::Secret)), None) => vec![id.keyword.to_string()],
                // A leaf's one value; a leaf-list's (from a range) each on its line.
                (Some(Kind::Leaf(_) | Kind::LeafList(_)), None) => {
                    node.values.iter().map(|v| v.to_string()).collect()
                }
                _ => vec![id.keyword.to_string()],
            };
            out.push((depth, "##".into()));
            for what in whats {
                out.push((depth, format!("## '{what}' {source}")));
            }
            out.push((depth, "##".into()));
        },
    )
}

/// `| display inheritance | display set`: the `set` lines of the expanded configuration
/// below `path`.
pub(super) fn to_inheritance_set_lines(
    schema_root: &'static Stmt,
    path: &[NodeId],
    root: &Node,
) -> String {
    let (tree, _, _) = expanded(root, false);
    match shown_part(schema_root, path, &tree) {
        Some((path, node)) => super::to_set_lines(path, &node),
        None => String::new(),
    }
}

/// What `show PATH` shows of `tree`, and at which path: the node at `path`; for a list
/// named without a key (`show interfaces`, `show access profile`), its entries (and a
/// grouped list's own block), which stand in the parent, where the printer places them:
/// the parent holding only them, as the daemon's `show` gives them.
fn shown_part<'p>(
    schema_root: &'static Stmt,
    path: &'p [NodeId],
    tree: &Node,
) -> Option<(&'p [NodeId], Node)> {
    let list = path
        .split_last()
        .filter(|(last, _)| last.key.is_none())
        .filter(|_| {
            crate::edit::stmt_for_path_in(schema_root, path)
                .is_some_and(|s| matches!(s.kind, Kind::List(_)))
        });
    match list {
        Some((list, parent)) => {
            let entries = tree
                .get(parent)?
                .children
                .iter()
                .filter(|(id, _)| id.keyword == list.keyword)
                .map(|(id, n)| (id.clone(), n.clone()))
                .collect();
            Some((
                parent,
                Node {
                    children: entries,
                    ..Node::default()
                },
            ))
        }
        None => Some((path, tree.get(path)?.clone())),
    }
}
