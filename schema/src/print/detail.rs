//! `| display detail`: the brace form with each statement preceded by its help as `##`
//! comments, and its range and default where it has them, as Junos prints it. The walk is
//! shared with `| display inheritance` (print::inheritance), whose comments say where an
//! inherited statement came from.

use super::brace::{statement_lines, Head, Line};
use crate::def::{Kind, Stmt, Type};
use crate::edit::stmt_for_path_in;
use crate::tree::{Node, NodeId};

pub(super) fn to_detail_text(root: &'static Stmt, path: &[NodeId], node: &Node) -> String {
    commented_text(root, path, node, &mut |stmt, path, _, depth, out| {
        // An entry of a grouped list has its comment once, above the list's block.
        let entry = path.last().is_some_and(|id| id.key.is_some());
        if let Some(s) = stmt.filter(|s| !(s.grouped && entry)) {
            comment(s, depth, out);
        }
    })
}

/// What writes the `##` lines above a statement: given its statement, its path (its own
/// id last), its node and its depth.
pub(super) type Commenter<'a> =
    dyn FnMut(Option<&'static Stmt>, &[NodeId], &Node, usize, &mut Vec<Line>) + 'a;

/// The brace form of `node` at `path`, each statement preceded by what `commenter` writes.
pub(super) fn commented_text(
    root: &'static Stmt,
    path: &[NodeId],
    node: &Node,
    commenter: &mut Commenter<'_>,
) -> String {
    let stmt = stmt_for_path_in(root, path);
    let mut lines = Vec::new();
    let mut walk = Walk {
        path: path.to_vec(),
        commenter,
    };
    match (path.last(), stmt) {
        (Some(id), Some(s)) if !s.has_block() => {
            (walk.commenter)(Some(s), path, node, 0, &mut lines);
            statement_lines(Some(s), id, node, 0, Head::Keyword, false, &mut lines);
        }
        _ => walk.contents(stmt, node, 0, &mut lines),
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

struct Walk<'c, 'a> {
    path: Vec<NodeId>,
    commenter: &'c mut Commenter<'a>,
}

impl Walk<'_, '_> {
    fn contents(
        &mut self,
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
                    self.path.push(NodeId::new(list.name));
                    (self.commenter)(Some(list), &self.path, node, depth, out);
                    self.path.pop();
                    out.push((depth, format!("{} {{", list.name)));
                    while let Some((id, child)) = node.children.get_index(i) {
                        if id.keyword != list.name || id.key.is_none() {
                            break;
                        }
                        self.statement(Some(list), id, child, depth + 1, true, out);
                        i += 1;
                    }
                    out.push((depth, "}".into()));
                }
                _ => {
                    self.statement(child_stmt, id, child, depth, false, out);
                    i += 1;
                }
            }
        }
    }

    /// One statement, after its comment; a block's contents get their comments too. Inline
    /// and one-line statements are written as the plain printer writes them (their parts
    /// share one line).
    fn statement(
        &mut self,
        stmt: Option<&'static Stmt>,
        id: &NodeId,
        node: &Node,
        depth: usize,
        in_group: bool,
        out: &mut Vec<Line>,
    ) {
        self.path.push(id.clone());
        (self.commenter)(stmt, &self.path, node, depth, out);
        self.block(stmt, (id, node), depth, Head::entry(in_group), out);
        self.path.pop();
    }

    /// [`Walk::statement`] after its comment.
    fn block(
        &mut self,
        stmt: Option<&'static Stmt>,
        (id, node): (&NodeId, &Node),
        depth: usize,
        head_as: Head<'_>,
        out: &mut Vec<Line>,
    ) {
        let block = stmt.is_some_and(|s| {
            matches!(s.kind, Kind::Container | Kind::List(_)) && !s.inline && !s.one_line
        }) && !node.children.is_empty();
        if !block {
            statement_lines(stmt, id, node, depth, head_as, false, out);
            return;
        }
        // Written on one line by the plain printer (a firewall term's `then accept;`, a
        // single-line container holding one statement): as it writes it.
        let mut plain = Vec::new();
        statement_lines(stmt, id, node, depth, head_as, false, &mut plain);
        if !plain
            .iter()
            .any(|(d, text)| *d == depth && text.ends_with(" {"))
        {
            out.extend(plain);
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
        self.contents(stmt, node, depth + 1, out);
        out.push((depth, "}".into()));
    }
}
