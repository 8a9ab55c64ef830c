//! The curly-brace form, line by line. `diff` reuses these lines for whole statements.

use crate::def::{Kind, Stmt, Type};
use crate::edit::stmt_for_path_in;
use crate::secret_data::{is_hidden, HIDDEN};
use crate::tree::{push_word, Node, NodeId};

/// One output line: its depth (4 spaces each) and its text.
pub(crate) type Line = (usize, String);

pub(super) fn to_text(root: &'static Stmt, path: &[NodeId], node: &Node) -> String {
    let stmt = stmt_for_path_in(root, path);
    // Written straight into the text: a commit prints the whole configuration for its
    // recovery copy, and 300,000 lines kept as strings until the end cost as much in the
    // allocator as the printing itself (issue 15, item 4).
    let mut out = Text(String::new());
    match (path.last(), stmt) {
        // `show system host-name` shows the statement itself.
        (Some(id), Some(s)) if !s.has_block() => {
            statement_lines(Some(s), id, node, 0, Head::Keyword, false, &mut out)
        }
        _ => {
            // Room for the whole text at once: no copy of it as it grows (a reservation
            // refused leaves the text to grow as before).
            let _ = out.0.try_reserve_exact(reservation(node));
            contents_lines(stmt, node, 0, &mut out)
        }
    }
    out.0
}

/// The room reserved for the text of `node`'s contents: the estimate and a quarter more,
/// for what it leaves out (`## SECRET-DATA`, a grouped list's own line).
pub(super) fn reservation(node: &Node) -> usize {
    let estimate = super::estimate::contents_len(node, 0);
    estimate.saturating_add(estimate / 4)
}

/// Where the printer's lines go: kept as [`Line`]s (the diff and `| display detail` mark
/// or interleave them), or written at once as indented text.
pub(crate) trait Lines {
    /// A line at `depth`, its text written by `write` (into the text itself when there is
    /// one: a commit prints 300,000 lines, and a string per line, per word, cost more than
    /// the printing; docs/performance.md, "Stage h89").
    fn line(&mut self, depth: usize, write: impl FnOnce(&mut String));
}

impl Lines for Vec<Line> {
    fn line(&mut self, depth: usize, write: impl FnOnce(&mut String)) {
        let mut text = String::new();
        write(&mut text);
        self.push((depth, text));
    }
}

/// Lines written as [`super::indent_lines`] writes them: 4 spaces per depth.
struct Text(String);

impl Lines for Text {
    fn line(&mut self, depth: usize, write: impl FnOnce(&mut String)) {
        for _ in 0..depth {
            self.0.push_str("    ");
        }
        write(&mut self.0);
        self.0.push('\n');
    }
}

/// The statements inside `node` (whose statement is `stmt`, if known), at `depth`.
pub(crate) fn contents_lines(
    stmt: Option<&'static Stmt>,
    node: &Node,
    depth: usize,
    out: &mut impl Lines,
) {
    let mut i = 0;
    while let Some((id, child)) = node.children.get_index(i) {
        let child_stmt = stmt.and_then(|s| s.child(&id.keyword));
        match child_stmt {
            Some(list) if list.grouped && (id.key.is_some() || list.has_list_block()) => {
                // The list's own block node, first of the list when there is one, holds the
                // tags of the whole block (`deactivate interfaces`).
                let tags = Some(child).filter(|_| id.key.is_none());
                if let Some(annotation) = tags.and_then(|b| b.annotation.as_ref()) {
                    annotation_line(out, depth, annotation);
                }
                out.line(depth, |s| {
                    if tags.is_some_and(|b| b.inactive) {
                        s.push_str("inactive: ");
                    }
                    s.push_str(list.name);
                    s.push_str(" {");
                });
                while let Some((id, child)) = node.children.get_index(i) {
                    if id.keyword != list.name {
                        break;
                    }
                    if id.key.is_none() {
                        // The list's own block (`interface-range r { ... }`): its statements
                        // stand among the entries.
                        contents_lines(Some(list), child, depth + 1, out);
                    } else {
                        statement_lines(Some(list), id, child, depth + 1, Head::Key, false, out);
                    }
                    i += 1;
                }
                out.line(depth, |s| s.push('}'));
            }
            _ => {
                let head = Head::entry(child_stmt.is_some_and(|s| s.is_keyless()));
                statement_lines(child_stmt, id, child, depth, head, false, out);
                i += 1;
            }
        }
    }
}

/// How a statement's line begins, after any `inactive:`.
#[derive(Clone, Copy)]
pub(crate) enum Head<'a> {
    /// Its keyword (and key): `unit 0`.
    Keyword,
    /// An entry of a grouped list, written by its key alone: `ge-0/0/0`.
    Key,
    /// Its keyword after the words of the inline containers above it: `family ` + `inet`.
    After(&'a str),
}

impl Head<'_> {
    /// `Key` for an entry of a grouped list, else `Keyword`.
    pub(crate) fn entry(in_group: bool) -> Head<'static> {
        if in_group {
            Head::Key
        } else {
            Head::Keyword
        }
    }
}

/// One statement and its block. `collapsed`: a block is shown as `name { ... }` on one line,
/// as Junos shows a statement whose tag changed.
pub(crate) fn statement_lines(
    stmt: Option<&'static Stmt>,
    id: &NodeId,
    node: &Node,
    depth: usize,
    head_as: Head<'_>,
    collapsed: bool,
    out: &mut impl Lines,
) {
    // Junos writes an inline container's children on its line. Tags on the container itself
    // would have no line of their own to stand on: then it is written as a block.
    let inline = stmt.filter(|s| s.inline && !collapsed && !matches!(head_as, Head::Key));
    if let Some(s) = inline {
        if !node.inactive && node.annotation.is_none() && !node.children.is_empty() {
            let leading = match head_as {
                Head::After(words) => format!("{words}{id} "),
                _ => format!("{id} "),
            };
            for (child_id, child) in &node.children {
                let child_stmt = s.child(&child_id.keyword);
                let head_as = Head::After(&leading);
                statement_lines(child_stmt, child_id, child, depth, head_as, false, out);
            }
            return;
        }
    }
    if let Some(annotation) = &node.annotation {
        annotation_line(out, depth, annotation);
    }
    let head = |s: &mut String| {
        if node.inactive {
            s.push_str("inactive: ");
        }
        match (&id.key, head_as) {
            (Some(key), Head::Key) => push_group_key(s, key),
            (_, Head::After(words)) => {
                s.push_str(words);
                push_id(s, id);
            }
            _ => push_id(s, id),
        }
    };
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
    match kind {
        Kind::Container | Kind::List(_) => {
            if node.children.is_empty() {
                out.line(depth, |s| {
                    head(s);
                    s.push(';');
                });
            } else if let Some(words) = stmt.and_then(|s| one_line_words(s, node, true)) {
                // A secret on the line marks it as a leaf's line does (`archive-sites URL
                // password "$9$…"; ## SECRET-DATA`).
                let trailer = if stmt.is_some_and(|s| shows_secret(s, node)) {
                    " ## SECRET-DATA"
                } else {
                    ""
                };
                out.line(depth, |s| {
                    head(s);
                    s.push(' ');
                    s.push_str(&words);
                    s.push(';');
                    s.push_str(trailer);
                });
            } else if collapsed {
                out.line(depth, |s| {
                    head(s);
                    s.push_str(" { ... }");
                });
            } else {
                out.line(depth, |s| {
                    head(s);
                    s.push_str(" {");
                });
                contents_lines(stmt, node, depth + 1, out);
                out.line(depth, |s| s.push('}'));
            }
        }
        Kind::Flag => out.line(depth, |s| {
            head(s);
            s.push(';');
        }),
        Kind::Leaf(ty) | Kind::LeafList(ty) => {
            let secret = ty == Type::Secret;
            let trailer = if secret && !node.values.iter().all(|v| is_hidden(v)) {
                " ## SECRET-DATA"
            } else {
                ""
            };
            if stmt.is_some_and(|s| s.braced) && !node.values.is_empty() && !collapsed {
                out.line(depth, |s| {
                    head(s);
                    s.push_str(" {");
                });
                for value in node.values.iter() {
                    out.line(depth + 1, |s| {
                        push_value_word(s, value, secret);
                        s.push(';');
                    });
                }
                out.line(depth, |s| s.push('}'));
                return;
            }
            out.line(depth, |s| {
                head(s);
                match node.values.as_slice() {
                    [] => s.push(';'),
                    [one] => {
                        s.push(' ');
                        push_value_word(s, one, secret);
                        s.push(';');
                        s.push_str(trailer);
                    }
                    many => {
                        s.push_str(" [");
                        for value in many {
                            s.push(' ');
                            push_value_word(s, value, secret);
                        }
                        s.push_str(" ];");
                        s.push_str(trailer);
                    }
                }
            });
        }
    }
}

/// `/* annotation */` on the line above the statement it annotates.
fn annotation_line(out: &mut impl Lines, depth: usize, annotation: &str) {
    out.line(depth, |s| {
        s.push_str("/* ");
        s.push_str(annotation);
        s.push_str(" */");
    });
}

/// A statement's words as [`NodeId`]'s `Display` writes them, without a string per word.
fn push_id(out: &mut String, id: &NodeId) {
    match &id.key {
        Some(key) if id.keyword.is_empty() => push_word(out, key, false),
        Some(key) => {
            out.push_str(&id.keyword);
            out.push(' ');
            push_word(out, key, false);
        }
        None => out.push_str(&id.keyword),
    }
}

/// Whether a child of `node` is a secret shown (not hidden).
fn shows_secret(stmt: &'static Stmt, node: &Node) -> bool {
    node.children.iter().any(|(id, child)| {
        stmt.child(&id.keyword)
            .is_some_and(|c| c.kind == Kind::Leaf(Type::Secret))
            && !child.values.iter().all(|v| is_hidden(v))
    })
}

/// The contents of a one-line container (`l2tpd size 10m files 5`), or `None` when
/// they need the block form: a tag or annotation on a statement inside needs a line. A
/// leaf-list of several values is written `[ a b ]`, which a line holds only at its end
/// (`150 array ip-address [ a b ];`): `ends_line` says whether these words end theirs.
fn one_line_words(stmt: &'static Stmt, node: &Node, ends_line: bool) -> Option<String> {
    let single = stmt.single_line && node.children.len() == 1;
    if !(stmt.one_line || single)
        || node
            .children
            .values()
            .any(|c| c.inactive || c.annotation.is_some())
    {
        return None;
    }
    let mut words = Vec::new();
    let count = node.children.len();
    for (n, (id, child)) in node.children.iter().enumerate() {
        let last = ends_line && n + 1 == count;
        let child_stmt = stmt.child(&id.keyword)?;
        if child_stmt.kind == Kind::Container && child_stmt.one_line {
            // A one-line container inside one: `then reject host-unreachable;`. Read back,
            // a comment or `inactive:` before such a line belongs to its last statement
            // (`reject`), so one of the outer container's needs the block form.
            if node.annotation.is_some() || node.inactive {
                return None;
            }
            let inner = one_line_words(child_stmt, child, last)?;
            words.push(id.keyword.to_string());
            words.extend((!inner.is_empty()).then_some(inner));
            continue;
        }
        let value = match (child_stmt.kind, child.values.as_slice()) {
            (Kind::Flag, []) => None,
            (Kind::Leaf(ty) | Kind::LeafList(ty), [value]) => {
                Some(value_word(value, ty == Type::Secret))
            }
            (Kind::LeafList(ty), many @ [_, _, ..]) if last => {
                let mut list = String::from("[");
                for value in many {
                    list.push(' ');
                    push_value_word(&mut list, value, ty == Type::Secret);
                }
                list.push_str(" ]");
                Some(list)
            }
            _ => return None,
        };
        // A value that reads as a keyword keeps its own keyword before it.
        let alone =
            child_stmt.positional && value.as_ref().is_some_and(|v| stmt.child(v).is_none());
        if !alone {
            words.push(id.keyword.to_string());
        }
        words.extend(value);
    }
    Some(words.join(" "))
}

/// A value as printed: secrets are always quoted, as Junos shows them; a hidden one is the
/// bare `/* SECRET-DATA */`.
pub(crate) fn value_word(value: &str, secret: bool) -> String {
    let mut word = String::with_capacity(value.len());
    push_value_word(&mut word, value, secret);
    word
}

/// [`value_word`] written at the end of `out`.
fn push_value_word(out: &mut String, value: &str, secret: bool) {
    if secret && is_hidden(value) {
        out.push_str(HIDDEN);
    } else {
        push_word(out, value, secret);
    }
}

/// A grouped entry's key starts its line, where `inactive:` and the other tags may stand: a
/// key that reads like a tag is quoted.
fn push_group_key(out: &mut String, key: &str) {
    let reads_as_tag = matches!(key, "inactive:" | "protect:" | "replace:");
    push_word(out, key, reads_as_tag);
}
