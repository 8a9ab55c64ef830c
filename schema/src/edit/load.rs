//! `load override | merge | replace | set`.

use super::{order, stmt_for_path_in};
use crate::def::{Kind, Stmt};
use crate::mgmt::LoadMode;
use crate::parse::{parse_at, LoadError};
use crate::tree::{path_words, Node, NodeId, Path};
use std::collections::HashSet;

pub(super) fn load(
    root: &'static Stmt,
    base: &Node,
    mode: LoadMode,
    text: &str,
    level_path: &[NodeId],
) -> Result<Node, LoadError> {
    if mode == LoadMode::Set {
        return super::load_set::apply_as_load(root, base, text, level_path);
    }
    // `load … relative` at a grouped list's level (`[edit interfaces]`): the text holds its
    // entries (`ge-0/0/5 { … }`), which is the list's block one level up.
    if let Some((last, parent)) = level_path.split_last() {
        let grouped = stmt_for_path_in(root, level_path).is_some_and(|s| s.grouped);
        if grouped && last.key.is_none() {
            let wrapped = format!("{} {{\n{text}\n}}\n", last.keyword);
            // Every error's line, the first's and the others', counts the operator's lines.
            return load(root, base, mode, &wrapped, parent).map_err(|e| {
                let mut lines = e.into_lines();
                for e in &mut lines {
                    e.line = e.line.saturating_sub(1).max(1);
                }
                LoadError::from_lines(lines)
            });
        }
    }
    let level = stmt_for_path_in(root, level_path)
        .filter(|s| s.has_block())
        .filter(|s| {
            !matches!(s.kind, Kind::List(_)) || level_path.last().is_some_and(|id| id.key.is_some())
        });
    let Some(level) = level else {
        return Err(LoadError {
            line: 1,
            column: 1,
            message: format!(
                "invalid level for relative load: {}",
                path_words(level_path)
            ),
            ..LoadError::default()
        });
    };
    let parsed = parse_at(level, level_path, text)?;
    let mut out = base.clone();
    let target = ensure_path(root, &mut out, level_path);
    match mode {
        LoadMode::Override => target.children = parsed.tree.children,
        _ => {
            let replace: HashSet<Path> = if mode == LoadMode::Replace {
                parsed.replace.into_iter().collect()
            } else {
                HashSet::new()
            };
            merge(target, level, parsed.tree, &replace, &mut Vec::new());
        }
    }
    Ok(out)
}

/// The node at `path`, created in canonical position where missing.
fn ensure_path<'a>(root: &'static Stmt, tree: &'a mut Node, path: &[NodeId]) -> &'a mut Node {
    let mut stmt = root;
    let mut node = tree;
    for id in path {
        let Some(child) = stmt.child(&id.keyword) else {
            break;
        };
        node = order::child_entry(node, stmt, id);
        stmt = child;
    }
    node
}

/// Merges `loaded` into `target` (both at schema statement `stmt`, at `path` relative to the
/// level): the loaded statements win; those tagged `replace:` take the base's place whole.
fn merge(
    target: &mut Node,
    stmt: &'static Stmt,
    loaded: Node,
    replace: &HashSet<Path>,
    path: &mut Path,
) {
    // A `single` list's entry is one statement: a loaded name replaces the one there.
    let single: Vec<NodeId> = loaded
        .children
        .keys()
        .filter(|id| id.key.is_some() && stmt.child(&id.keyword).is_some_and(|s| s.single))
        .cloned()
        .collect();
    if !single.is_empty() {
        target.children.retain(|other, _| {
            single.contains(other) || !single.iter().any(|s| s.keyword == other.keyword)
        });
    }
    for (id, child) in loaded.children {
        path.push(id.clone());
        let into = order::child_entry(target, stmt, &id);
        let child_stmt = stmt.child(&id.keyword);
        if replace.contains(path) {
            *into = child;
        } else {
            into.inactive = child.inactive;
            if child.annotation.is_some() {
                into.annotation = child.annotation;
            }
            match child_stmt.map(|s| s.kind) {
                Some(Kind::Container | Kind::List(_)) => {
                    if let Some(child_stmt) = child_stmt {
                        merge(
                            into,
                            child_stmt,
                            Node {
                                children: child.children,
                                ..Node::default()
                            },
                            replace,
                            path,
                        );
                    }
                }
                Some(Kind::LeafList(_)) => {
                    for value in child.values {
                        if !into.values.contains(&value) {
                            into.values.push(value);
                        }
                    }
                }
                _ => into.values = child.values,
            }
        }
        path.pop();
    }
}
