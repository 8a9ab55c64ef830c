//! The curly-brace form, line by line. `diff` reuses these lines for whole statements.

use crate::def::{Kind, Stmt, Type};
use crate::edit::stmt_for_path_in;
use crate::secret_data::{is_hidden, HIDDEN};
use crate::tree::{quote_word, Node, NodeId};

/// One output line: its depth (4 spaces each) and its text.
pub(crate) type Line = (usize, String);

pub(super) fn to_text(root: &'static Stmt, path: &[NodeId], node: &Node) -> String {
    let stmt = stmt_for_path_in(root, path);
    let mut lines = Vec::new();
    match (path.last(), stmt) {
        // `show system host-name` shows the statement itself.
        (Some(id), Some(s)) if !s.has_block() => {
            statement_lines(Some(s), id, node, 0, false, false, &mut lines)
        }
        _ => contents_lines(stmt, node, 0, &mut lines),
    }
    super::indent_lines(&lines)
}

/// The statements inside `node` (whose statement is `stmt`, if known), at `depth`.
pub(crate) fn contents_lines(
    stmt: Option<&'static Stmt>,
    node: &Node,
    depth: usize,
    out: &mut Vec<Line>,
) {
    let mut i = 0;
    while let Some((id, child)) = node.children.get_index(i) {
        let child_stmt = stmt.and_then(|s| s.child(&id.keyword));
        match child_stmt {
            Some(list) if list.grouped && id.key.is_some() => {
                out.push((depth, format!("{} {{", list.name)));
                while let Some((id, child)) = node.children.get_index(i) {
                    if id.keyword != list.name || id.key.is_none() {
                        break;
                    }
                    statement_lines(Some(list), id, child, depth + 1, true, false, out);
                    i += 1;
                }
                out.push((depth, "}".into()));
            }
            _ => {
                statement_lines(child_stmt, id, child, depth, false, false, out);
                i += 1;
            }
        }
    }
}

/// One statement and its block. `in_group`: an entry of a grouped list, written by its key
/// alone. `collapsed`: a block is shown as `name { ... }` on one line, as Junos shows a
/// statement whose tag changed.
pub(crate) fn statement_lines(
    stmt: Option<&'static Stmt>,
    id: &NodeId,
    node: &Node,
    depth: usize,
    in_group: bool,
    collapsed: bool,
    out: &mut Vec<Line>,
) {
    if let Some(annotation) = &node.annotation {
        out.push((depth, format!("/* {annotation} */")));
    }
    let mut head = String::new();
    if node.inactive {
        head.push_str("inactive: ");
    }
    match (&id.key, in_group) {
        (Some(key), true) => head.push_str(&group_key(key)),
        _ => head.push_str(&id.to_string()),
    }
    let kind = stmt.map(|s| s.kind).unwrap_or(match node.values.len() {
        _ if !node.children.is_empty() => Kind::Container,
        0 => Kind::Flag,
        1 => Kind::Leaf(Type::Str {
            max_len: usize::MAX,
        }),
        _ => Kind::LeafList(Type::Str {
            max_len: usize::MAX,
        }),
    });
    let text = match kind {
        Kind::Container | Kind::List(_) => {
            if node.children.is_empty() {
                format!("{head};")
            } else if collapsed {
                format!("{head} {{ ... }}")
            } else {
                out.push((depth, format!("{head} {{")));
                contents_lines(stmt, node, depth + 1, out);
                out.push((depth, "}".into()));
                return;
            }
        }
        Kind::Flag => format!("{head};"),
        Kind::Leaf(ty) | Kind::LeafList(ty) => {
            let secret = ty == Type::Secret;
            let values: Vec<String> = node.values.iter().map(|v| value_word(v, secret)).collect();
            let trailer = if secret && !node.values.iter().all(|v| is_hidden(v)) {
                " ## SECRET-DATA"
            } else {
                ""
            };
            match values.as_slice() {
                [] => format!("{head};"),
                [one] => format!("{head} {one};{trailer}"),
                many => format!("{head} [ {} ];{trailer}", many.join(" ")),
            }
        }
    };
    out.push((depth, text));
}

/// A value as printed: secrets are always quoted, as Junos shows them; a hidden one is the
/// bare `/* SECRET-DATA */`.
pub(crate) fn value_word(value: &str, secret: bool) -> String {
    if secret && is_hidden(value) {
        return HIDDEN.to_string();
    }
    let word = quote_word(value);
    if secret && !word.starts_with('"') {
        format!("\"{word}\"")
    } else {
        word
    }
}

/// A grouped entry's key starts its line, where `inactive:` and the other tags may stand: a
/// key that reads like a tag is quoted.
fn group_key(key: &str) -> String {
    let word = quote_word(key);
    if matches!(word.as_str(), "inactive:" | "protect:" | "replace:") {
        format!("\"{word}\"")
    } else {
        word
    }
}
