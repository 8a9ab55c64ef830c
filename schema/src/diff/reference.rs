//! The diff as it was before it was made linear (issue 15, item 4), kept only so that the
//! property test can check the new one gives the same blocks for random edits.

use crate::def::Stmt;
use crate::edit::{order, stmt_for_path_in};
use crate::mgmt::{DiffBlock, DiffLine, DiffSign};
use crate::print::{statement_lines, Head, Line};
use crate::table;
use crate::tree::{Node, NodeId, Path};

/// The changes from `base` to `target`, restricted to the subtree at `path`.
#[allow(dead_code)]
pub fn diff(base: &Node, target: &Node, path: &[NodeId]) -> Vec<DiffBlock> {
    diff_in(&table::ROOT, base, target, path)
}

pub(super) fn diff_in(
    root: &'static Stmt,
    base: &Node,
    target: &Node,
    path: &[NodeId],
) -> Vec<DiffBlock> {
    let mut out = Vec::new();
    let stmt = stmt_for_path_in(root, path);
    let Some((last, parent)) = path.split_last() else {
        node_diff(&mut Vec::new(), Some(root), base, target, &mut out);
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

/// One child as found on either side.
struct Pair<'a> {
    id: &'a NodeId,
    base: Option<&'a Node>,
    target: Option<&'a Node>,
}

/// The children of both sides in canonical order; within a list kept in the operator's
/// order, removed entries come first.
fn pairs<'a>(stmt: Option<&'static Stmt>, b: &'a Node, t: &'a Node) -> Vec<Pair<'a>> {
    let removed = b
        .children
        .iter()
        .filter(|(id, _)| !t.children.contains_key(*id));
    let mut pairs: Vec<Pair<'a>> = removed
        .map(|(id, node)| Pair {
            id,
            base: Some(node),
            target: None,
        })
        .collect();
    pairs.extend(t.children.iter().map(|(id, node)| Pair {
        id,
        base: b.children.get(id),
        target: Some(node),
    }));
    if let Some(stmt) = stmt {
        let mut keyed: Vec<((usize, u64), usize, Pair<'a>)> = pairs
            .into_iter()
            .enumerate()
            .map(|(seq, p)| (order::sort_key(stmt, p.id), seq, p))
            .collect();
        keyed.sort_unstable_by_key(|(key, seq, _)| (*key, *seq));
        pairs = keyed.into_iter().map(|(_, _, p)| p).collect();
    }
    pairs
}

/// Compares the contents of a level present on both sides, under the banner `path`.
fn node_diff(
    path: &mut Path,
    stmt: Option<&'static Stmt>,
    b: &Node,
    t: &Node,
    out: &mut Vec<DiffBlock>,
) {
    if b.children == t.children {
        return;
    }
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
            _ => {
                child_diff(path, child_stmt, pair, false, block, out);
                i += 1;
            }
        }
    }
    if out.get(block).is_some_and(|b| b.lines.is_empty()) {
        out.remove(block);
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
        if out.get(group_block).is_some_and(|b| b.lines.is_empty()) {
            out.remove(group_block);
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
