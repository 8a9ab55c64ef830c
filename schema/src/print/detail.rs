//! `| display detail`: the brace form with each statement preceded by its help as `##`
//! comments, and its range and default where it has them, as Junos prints it.

use super::brace::{statement_lines, Head, Line};
use crate::def::{Kind, Stmt, Type};
use crate::edit::stmt_for_path_in;
use crate::tree::{Node, NodeId};

pub(super) fn to_detail_text(root: &'static Stmt, path: &[NodeId], node: &Node) -> String {
    let stmt = stmt_for_path_in(root, path);
    let mut lines = Vec::new();
    match (path.last(), stmt) {
        (Some(id), Some(s)) if !s.has_block() => {
            comment(s, 0, &mut lines);
            statement_lines(Some(s), id, node, 0, Head::Keyword, false, &mut lines);
        }
        _ => contents(stmt, node, 0, &mut lines),
    }
    super::indent_lines(&lines)
}

/// The `##` block above a statement.
fn comment(stmt: &Stmt, depth: usize, out: &mut Vec<Line>) {
    out.push((depth, "##".into()));
    out.push((depth, format!("## {}: {}", stmt.name, stmt.help)));
    let ty = match stmt.kind {
        Kind::Leaf(ty) | Kind::LeafList(ty) | Kind::List(ty) => Some(ty.concrete()),
        Kind::Container | Kind::Flag => None,
    };
    match ty {
        Some(
            Type::Uint { min, max }
            | Type::Size { min, max }
            | Type::Decimal { min, max }
            | Type::UintOr { min, max, .. },
        ) => {
            out.push((depth, format!("## range: {min} .. {max}")));
        }
        Some(Type::Enum(words)) => {
            out.push((depth, format!("## values: {}", words.join(" | "))));
        }
        _ => {}
    }
    if let Some(default) = stmt.default {
        out.push((depth, format!("## default: {default}")));
    }
    out.push((depth, "##".into()));
}

fn contents(stmt: Option<&'static Stmt>, node: &Node, depth: usize, out: &mut Vec<Line>) {
    let mut i = 0;
    while let Some((id, child)) = node.children.get_index(i) {
        let child_stmt = stmt.and_then(|s| s.child(&id.keyword));
        match child_stmt {
            Some(list) if list.grouped && id.key.is_some() => {
                comment(list, depth, out);
                out.push((depth, format!("{} {{", list.name)));
                while let Some((id, child)) = node.children.get_index(i) {
                    if id.keyword != list.name || id.key.is_none() {
                        break;
                    }
                    statement(Some(list), id, child, depth + 1, true, out);
                    i += 1;
                }
                out.push((depth, "}".into()));
            }
            _ => {
                if let Some(s) = child_stmt {
                    comment(s, depth, out);
                }
                statement(child_stmt, id, child, depth, false, out);
                i += 1;
            }
        }
    }
}

/// One statement; a block's contents get their comments too. Inline and one-line
/// statements are written as the plain printer writes them (their parts share one line).
fn statement(
    stmt: Option<&'static Stmt>,
    id: &NodeId,
    node: &Node,
    depth: usize,
    in_group: bool,
    out: &mut Vec<Line>,
) {
    let head_as = Head::entry(in_group);
    let block = stmt.is_some_and(|s| {
        matches!(s.kind, Kind::Container | Kind::List(_)) && !s.inline && !s.one_line
    }) && !node.children.is_empty();
    if !block {
        statement_lines(stmt, id, node, depth, head_as, false, out);
        return;
    }
    // The collapsed form gives the head line (after any annotation): `name { ... }`.
    let mut head = Vec::new();
    statement_lines(stmt, id, node, depth, head_as, true, &mut head);
    if let Some((d, text)) = head.pop() {
        out.extend(head);
        let open = text
            .strip_suffix(" { ... }")
            .map_or(text.clone(), |h| format!("{h} {{"));
        out.push((d, open));
    }
    contents(stmt, node, depth + 1, out);
    out.push((depth, "}".into()));
}
