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
use crate::def::{Kind, Stmt};
use crate::tree::{Node, NodeId};
use crate::typed::groups::expansion;

/// The expanded configuration below `path`, `root` being the whole configuration;
/// `comments`: with the `## ... was inherited from group ...` lines (`| display
/// inheritance no-comments` leaves them out).
pub(super) fn to_inheritance_text(
    schema_root: &'static Stmt,
    path: &[NodeId],
    root: &Node,
    comments: bool,
) -> String {
    let expanded = expansion(root, comments);
    let Some((path, node)) = shown_part(schema_root, path, &expanded.tree) else {
        return String::new();
    };
    let node = &node;
    let inherited = expanded.inherited;
    let inherited_values = expanded.inherited_values;
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
            let Some(group) = inherited.get(at) else {
                return;
            };
            let Some(id) = at.last() else {
                return;
            };
            let what = match (stmt.map(|s| s.kind), &id.key) {
                (_, Some(key)) => key.to_string(),
                (Some(Kind::Leaf(_)), None) => node
                    .values
                    .iter()
                    .map(|v| v.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => id.keyword.to_string(),
            };
            out.push((depth, "##".into()));
            out.push((
                depth,
                format!("## '{what}' was inherited from group '{group}'"),
            ));
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
    let expanded = expansion(root, false);
    match shown_part(schema_root, path, &expanded.tree) {
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
