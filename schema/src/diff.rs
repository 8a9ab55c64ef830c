//! `show | compare`: what changes from one configuration to another, as `[edit ...]` blocks.
//!
//! Junos shows each level that differs under its own banner: a statement present on one side
//! only is shown whole under its parent's banner, a changed leaf as its old and new line, and
//! a level present on both sides is compared further under its own banner.

use crate::def::Stmt;
use crate::edit::{order, stmt_for_path_in};
use crate::mgmt::{DiffBlock, DiffLine, DiffSign};
use crate::print::{statement_lines, Head, Line};
use crate::table;
use crate::tree::{Node, NodeId, Path};
use std::sync::Arc;

/// The changes from `base` to `target`, restricted to the subtree at `path`.
pub fn diff(base: &Node, target: &Node, path: &[NodeId]) -> Vec<DiffBlock> {
    diff_in(&table::ROOT, base, target, path)
}

pub(crate) fn diff_in(
    root: &'static Stmt,
    base: &Node,
    target: &Node,
    path: &[NodeId],
) -> Vec<DiffBlock> {
    let mut out = Vec::new();
    let stmt = stmt_for_path_in(root, path);
    let Some((last, parent)) = path.split_last() else {
        node_diff(&mut Vec::new(), Some(root), base, target, &mut out);
        drop_empty(&mut out);
        return out;
    };
    let (b, t) = (base.get(path), target.get(path));
    if b == t {
        return out;
    }
    let is_block = stmt.is_none_or(Stmt::has_block);
    match (b, t) {
        (Some(b), Some(t)) if is_block => {
            let mut lines = Vec::new();
            tag_change(stmt, last, b, t, false, &mut lines);
            if !lines.is_empty() {
                out.push(DiffBlock {
                    path: parent.to_vec(),
                    lines,
                });
            }
            node_diff(&mut path.to_vec(), stmt, b, t, &mut out);
            drop_empty(&mut out);
        }
        _ => {
            let mut lines = Vec::new();
            if let Some(b) = b {
                whole(stmt, last, b, false, DiffSign::Removed, &mut lines);
            }
            if let Some(t) = t {
                whole(stmt, last, t, false, DiffSign::Added, &mut lines);
            }
            out.push(DiffBlock {
                path: parent.to_vec(),
                lines,
            });
        }
    }
    out
}

fn signed(sign: DiffSign, lines: Vec<Line>, out: &mut Vec<DiffLine>) {
    for (depth, text) in lines {
        out.push(DiffLine {
            sign,
            text: format!("{}{text}", "    ".repeat(depth)),
        });
    }
}

/// A statement and its whole subtree, every line signed.
fn whole(
    stmt: Option<&'static Stmt>,
    id: &NodeId,
    node: &Node,
    in_group: bool,
    sign: DiffSign,
    out: &mut Vec<DiffLine>,
) {
    let mut lines = Vec::new();
    statement_lines(stmt, id, node, 0, Head::entry(in_group), false, &mut lines);
    signed(sign, lines, out);
}

/// A block whose `inactive:` tag or annotation changed: its old and new header.
fn tag_change(
    stmt: Option<&'static Stmt>,
    id: &NodeId,
    b: &Node,
    t: &Node,
    in_group: bool,
    out: &mut Vec<DiffLine>,
) {
    if b.inactive == t.inactive && b.annotation == t.annotation {
        return;
    }
    for (node, sign) in [(b, DiffSign::Removed), (t, DiffSign::Added)] {
        let mut lines = Vec::new();
        statement_lines(stmt, id, node, 0, Head::entry(in_group), true, &mut lines);
        signed(sign, lines, out);
    }
}

/// The whole block of a grouped list deactivated or annotated (`deactivate interfaces`, its
/// tags on the list's own block node): its old and new `interfaces { ... }` header.
fn list_block_tag_change(list: &'static Stmt, b: &Node, t: &Node, out: &mut Vec<DiffLine>) {
    if b.inactive == t.inactive && b.annotation == t.annotation {
        return;
    }
    for (node, sign) in [(b, DiffSign::Removed), (t, DiffSign::Added)] {
        let mut lines = Vec::new();
        if let Some(annotation) = &node.annotation {
            lines.push((0, format!("/* {annotation} */")));
        }
        let inactive = if node.inactive { "inactive: " } else { "" };
        lines.push((0, format!("{inactive}{} {{ ... }}", list.name)));
        signed(sign, lines, out);
    }
}

/// One child as found on either side.
struct Pair<'a> {
    id: &'a NodeId,
    base: Option<&'a Node>,
    target: Option<&'a Node>,
}

/// The children of both sides in canonical order; within a list kept in the operator's
/// order, removed entries come first. A child both sides share (one `Arc`: an edit did not
/// touch it) holds no change and is left out, unless it is an entry of a grouped list, whose
/// presence on both sides decides how the list is shown (see [`group_diff`]).
///
/// Linear in the number of children, with a small constant for the children that did not
/// change (issue 15): when both sides hold the same children in the same order (every edit
/// that changes values, the common case), they are paired by position without hashing, a
/// shared child costs a pointer comparison, and children already in canonical order are not
/// sorted.
fn pairs<'a>(stmt: Option<&'static Stmt>, b: &'a Node, t: &'a Node) -> Vec<Pair<'a>> {
    let mut grouped = GroupedCache::default();
    let mut changed = |id: &'a NodeId, base: &Arc<Node>, target: &Arc<Node>| {
        !Arc::ptr_eq(base, target) || grouped.is_grouped_entry(stmt, id)
    };
    let aligned = b.children.len() == t.children.len()
        && b.children
            .keys()
            .zip(t.children.keys())
            .all(|(x, y)| x == y);
    let mut pairs: Vec<Pair<'a>> = if aligned {
        b.children
            .shared()
            .zip(t.children.shared())
            .filter(|((id, base), (_, target))| changed(id, base, target))
            .map(|((id, base), (_, target))| Pair {
                id,
                base: Some(&**base),
                target: Some(&**target),
            })
            .collect()
    } else {
        let removed = b
            .children
            .iter()
            .filter(|(id, _)| !t.children.contains_key(*id))
            .map(|(id, node)| Pair {
                id,
                base: Some(node),
                target: None,
            });
        let mut pairs: Vec<Pair<'a>> = removed.collect();
        for (id, target) in t.children.shared() {
            let base = b.children.get_shared(id);
            if base.is_none_or(|base| changed(id, base, target)) {
                pairs.push(Pair {
                    id,
                    base: base.map(|n| &**n),
                    target: Some(&**target),
                });
            }
        }
        pairs
    };
    if let Some(stmt) = stmt {
        let keys: Vec<(usize, u64)> = pairs.iter().map(|p| order::sort_key(stmt, p.id)).collect();
        if keys.windows(2).any(|w| w[0] > w[1]) {
            let mut keyed: Vec<((usize, u64), usize, Pair<'a>)> = keys
                .into_iter()
                .zip(pairs)
                .enumerate()
                .map(|(seq, (key, p))| (key, seq, p))
                .collect();
            keyed.sort_unstable_by_key(|(key, seq, _)| (*key, *seq));
            pairs = keyed.into_iter().map(|(_, _, p)| p).collect();
        }
    }
    pairs
}

/// Whether a child is an entry of a grouped list, remembered for the last keyword asked:
/// siblings come in runs of one keyword (thousands of `tunnel-profile` entries), and the
/// schema's children are searched by name.
#[derive(Default)]
struct GroupedCache<'k> {
    last: Option<(&'k str, bool)>,
}

impl<'k> GroupedCache<'k> {
    fn is_grouped_entry(&mut self, stmt: Option<&'static Stmt>, id: &'k NodeId) -> bool {
        if id.key.is_none() {
            return false;
        }
        match self.last {
            Some((keyword, grouped)) if keyword == id.keyword => grouped,
            _ => {
                let grouped = stmt
                    .and_then(|s| s.child(&id.keyword))
                    .is_some_and(|c| c.grouped);
                self.last = Some((&id.keyword, grouped));
                grouped
            }
        }
    }
}

/// Levels that turned out to hold no change leave an empty block behind: dropped in one
/// pass at the end, not one `Vec::remove` (a shift of every later block) per level.
fn drop_empty(out: &mut Vec<DiffBlock>) {
    out.retain(|b| !b.lines.is_empty());
}

/// Compares the contents of a level present on both sides, under the banner `path`.
fn node_diff(
    path: &mut Path,
    stmt: Option<&'static Stmt>,
    b: &Node,
    t: &Node,
    out: &mut Vec<DiffBlock>,
) {
    // No deep comparison of the two levels first: the caller found them different, and each
    // child is compared once below (comparing here as well walked every unchanged sibling
    // once more per level of the change's path).
    let block = out.len();
    out.push(DiffBlock {
        path: path.clone(),
        lines: Vec::new(),
    });
    let pairs = pairs(stmt, b, t);
    let mut i = 0;
    while let Some(pair) = pairs.get(i) {
        let child_stmt = stmt.and_then(|s| s.child(&pair.id.keyword));
        match child_stmt {
            Some(list) if list.grouped && pair.id.key.is_some() => {
                let run = pairs[i..]
                    .iter()
                    .take_while(|p| p.id.keyword == list.name && p.id.key.is_some())
                    .count()
                    .max(1);
                group_diff(path, list, &pairs[i..i + run], block, out);
                i += run;
            }
            // A grouped list's own block (`interface-range r` under `interfaces`): its
            // statements are shown under `[edit interfaces]`, as the entries are.
            Some(list) if list.has_list_block() && pair.id.key.is_none() => {
                let empty = Node::default();
                if pair.base != pair.target {
                    let (b, t) = (pair.base.unwrap_or(&empty), pair.target.unwrap_or(&empty));
                    let mut lines = Vec::new();
                    list_block_tag_change(list, b, t, &mut lines);
                    push_lines(out, block, lines);
                    path.push(pair.id.clone());
                    node_diff(path, Some(list), b, t, out);
                    path.pop();
                }
                i += 1;
            }
            _ => {
                child_diff(path, child_stmt, pair, false, block, out);
                i += 1;
            }
        }
    }
}

/// One child of a level: added, removed, changed, or compared further down.
fn child_diff(
    path: &mut Path,
    stmt: Option<&'static Stmt>,
    pair: &Pair<'_>,
    in_group: bool,
    block: usize,
    out: &mut Vec<DiffBlock>,
) {
    let mut lines = Vec::new();
    match (pair.base, pair.target) {
        (Some(b), Some(t)) if b == t => {}
        (Some(b), Some(t))
            if stmt.map_or(
                !b.children.is_empty() || !t.children.is_empty(),
                Stmt::has_block,
            ) =>
        {
            tag_change(stmt, pair.id, b, t, in_group, &mut lines);
            push_lines(out, block, lines);
            path.push(pair.id.clone());
            node_diff(path, stmt, b, t, out);
            path.pop();
            return;
        }
        (b, t) => {
            if let Some(b) = b {
                whole(stmt, pair.id, b, in_group, DiffSign::Removed, &mut lines);
            }
            if let Some(t) = t {
                whole(stmt, pair.id, t, in_group, DiffSign::Added, &mut lines);
            }
        }
    }
    push_lines(out, block, lines);
}

fn push_lines(out: &mut [DiffBlock], block: usize, lines: Vec<DiffLine>) {
    if let Some(block) = out.get_mut(block) {
        block.lines.extend(lines);
    }
}

/// The entries of a grouped list (`interfaces { ge-0/0/0 { ... } }`). If one side has none,
/// the whole `interfaces { ... }` block is shown; otherwise the entries are compared under
/// the list's own `[edit interfaces]` banner.
fn group_diff(
    path: &mut Path,
    list: &'static Stmt,
    run: &[Pair<'_>],
    block: usize,
    out: &mut Vec<DiffBlock>,
) {
    let base_has = run.iter().any(|p| p.base.is_some());
    let target_has = run.iter().any(|p| p.target.is_some());
    if base_has && target_has {
        path.push(NodeId::new(list.name));
        let group_block = out.len();
        out.push(DiffBlock {
            path: path.clone(),
            lines: Vec::new(),
        });
        path.pop();
        for pair in run {
            child_diff(path, Some(list), pair, true, group_block, out);
        }
        return;
    }
    let sign = if target_has {
        DiffSign::Added
    } else {
        DiffSign::Removed
    };
    let mut lines: Vec<Line> = vec![(0, format!("{} {{", list.name))];
    for pair in run {
        if let Some(node) = pair.target.or(pair.base) {
            statement_lines(Some(list), pair.id, node, 1, Head::Key, false, &mut lines);
        }
    }
    lines.push((0, "}".into()));
    let mut signed_lines = Vec::new();
    signed(sign, lines, &mut signed_lines);
    push_lines(out, block, signed_lines);
}

#[cfg(test)]
mod reference;
#[cfg(test)]
mod tests;
