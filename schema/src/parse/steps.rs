//! What one brace-form statement names. A statement is usually one keyword and its value
//! (`host-name r1;`, `unit 0 {`), but Junos also writes a container and its child on one line
//! (`family inet { ... }`, `local-gateway address 198.18.0.1;`) and several leaves of one
//! container on one line (`vlan-tags outer 100 inner 7;`). The words are resolved against
//! the schema into the statements they name, in order, before the tree is touched.

use super::syntax::{End, Marker, Statement, Token};
use super::unsupported;
use super::LoadError;
use crate::def::{Kind, Stmt, Type};
use crate::edit::banner;
use crate::limits::quoted;
use crate::tree::{NodeId, Path, Values, Word};

/// One statement named on a line.
#[derive(Debug)]
pub(super) enum Step {
    /// A container or a list entry: written on its own (`unit 0;`, `unit 0 {`) or leading to
    /// the next step (`family` in `family inet {`).
    Block { stmt: &'static Stmt, id: NodeId },
    /// `interfaces {`: the block of a grouped list, holding its entries.
    Group { stmt: &'static Stmt },
    /// `name-server {`: a leaf-list written as a block, one value a line, as Junos shows
    /// some (its values follow as statements of one word each).
    Values { stmt: &'static Stmt, id: NodeId },
    /// A leaf, leaf-list or flag with its values (none for a flag).
    Leaf {
        id: NodeId,
        values: Values,
        list: bool,
    },
}

/// Where the statement starts: the statement of the innermost open block, whether that block
/// is a grouped list's (its statements start with a key), and its `[edit ...]` path.
pub(super) struct At<'a> {
    pub text: &'a str,
    pub stmt: &'static Stmt,
    pub in_group: bool,
    pub path: Path,
}

impl At<'_> {
    fn err(&self, at: usize, message: impl Into<String>) -> LoadError {
        LoadError::at(self.text, at, message)
    }

    /// A list key: inside a configuration group also a wildcard (`<ge-*>`).
    fn key(&self, ty: Type, token: &Token) -> Result<Word, LoadError> {
        crate::def::check_key(ty, &token.text, &self.path)
            .map(Word::from)
            .map_err(|reason| self.err(token.at, reason))
    }

    fn value(&self, ty: Type, token: &Token) -> Result<Word, LoadError> {
        ty.check(&token.text)
            .map(Word::from)
            .map_err(|reason| self.err(token.at, reason))
    }
}

/// `'WORD' under [edit PATH] is not supported by this router`.
fn not_supported(word: &str, path: &[NodeId]) -> String {
    format!(
        "'{}' under {} is not supported by this router",
        quoted(word),
        banner(path)
    )
}

/// The statements `s` names, starting at `at`. The last step is the one the statement's end
/// (`{`, `;`, `[ ... ];`) belongs to.
pub(super) fn resolve(mut at: At<'_>, s: &Statement) -> Result<Vec<Step>, LoadError> {
    let words = &s.words;
    let mut steps = Vec::new();
    let mut i = 0;
    while let Some(word) = words.get(i) {
        let last = i + 1 == words.len();
        if at.in_group && at.stmt.child_in(true, &word.text).is_some() {
            // `interface-range r {` inside `interfaces { ... }`: a statement of the list's own
            // block, whose node (the list's keyword without a key) this line opens on the
            // way; the path already names it.
            steps.push(Step::Block {
                stmt: at.stmt,
                id: NodeId::new(at.stmt.name),
            });
            at.in_group = false;
            continue;
        }
        if at.in_group {
            // Inside `interfaces { ... }` a statement starts with a key.
            let Kind::List(key_type) = at.stmt.kind else {
                return Err(at.err(word.at, "syntax error"));
            };
            let in_list_node = at
                .path
                .last()
                .is_some_and(|l| l.key.is_none() && l.keyword == at.stmt.name);
            let parent = &at.path[..at.path.len() - usize::from(in_list_node)];
            if unsupported::key_is_statement(parent, at.stmt.name, &word.text) {
                let mut level = parent.to_vec();
                level.push(NodeId::new(at.stmt.name));
                return Err(at.err(word.at, not_supported(&word.text, &level)));
            }
            let id = NodeId::entry(at.stmt.name, at.key(key_type, word)?);
            // `[edit snmp community c clients]` becomes `[edit ... clients 127.0.0.0/8]`.
            if at
                .path
                .last()
                .is_some_and(|l| l.key.is_none() && l.keyword == at.stmt.name)
            {
                at.path.pop();
            }
            at.path.push(id.clone());
            steps.push(Step::Block { stmt: at.stmt, id });
            at.in_group = false;
            i += 1;
            continue;
        }
        // `file l2tpd size 10m;`: a word that names no statement of a one-line container
        // named on this line is the value of its positional leaf, once.
        let positional = at
            .stmt
            .positional_child()
            .filter(|_| i > 0 && at.stmt.child(&word.text).is_none())
            .filter(|p| {
                !steps
                    .iter()
                    .any(|s| matches!(s, Step::Leaf { id, .. } if id.keyword == p.name))
            });
        if let (Some(p), Kind::Leaf(ty)) = (positional, positional.map_or(Kind::Flag, |p| p.kind)) {
            if last && !matches!(s.end, End::Semicolon) {
                let message = format!("syntax error, expecting ';' after '{}'", quoted(&word.text));
                return Err(at.err(word.at, message));
            }
            steps.push(Step::Leaf {
                id: NodeId::new(p.name),
                values: Values::from([at.value(ty, word)?]),
                list: false,
            });
            i += 1;
            continue;
        }
        // `client-list L { 127.0.0.0/8; }`: a word that names no statement is the key of an
        // entry of the keyless list here.
        if let (
            None,
            Some(
                list @ Stmt {
                    kind: Kind::List(key_type),
                    ..
                },
            ),
        ) = (at.stmt.child(&word.text), at.stmt.keyless_child())
        {
            let id = NodeId::entry(list.name, at.key(*key_type, word)?);
            at.path.push(id.clone());
            steps.push(Step::Block { stmt: list, id });
            at.stmt = list;
            i += 1;
            continue;
        }
        // In a grouped list's own block only its list-level statements; in an entry, only
        // the others.
        let list_block = at.stmt.has_list_block()
            && at
                .path
                .last()
                .is_some_and(|l| l.key.is_none() && l.keyword == at.stmt.name);
        let Some(child) = at.stmt.child_in(list_block, &word.text) else {
            if unsupported::known(&at.path, &word.text) {
                return Err(at.err(word.at, not_supported(&word.text, &at.path)));
            }
            // After a leaf's value, a word that names nothing is one word too many.
            let message = if matches!(steps.last(), Some(Step::Leaf { .. })) {
                format!("syntax error: unexpected '{}'", quoted(&word.text))
            } else {
                format!(
                    "syntax error: '{}' is not a statement under {}",
                    quoted(&word.text),
                    banner(&at.path)
                )
            };
            return Err(at.err(word.at, message));
        };
        match child.kind {
            Kind::Container => {
                let id = NodeId::new(child.name);
                at.path.push(id.clone());
                steps.push(Step::Block { stmt: child, id });
                at.stmt = child;
                i += 1;
            }
            Kind::List(key_type) => {
                if last && child.grouped && matches!(s.end, End::Open) {
                    // `inactive: interfaces {`: the tag goes on the list's own block node,
                    // which only a list with list-level statements has. `replace:` of the
                    // whole list (every entry) is not taken.
                    let refused = |m: &Marker| !child.block_takes_tags() || *m == Marker::Replace;
                    if let Some((marker, marker_at)) = s.markers.iter().find(|(m, _)| refused(m)) {
                        let tag = match marker {
                            Marker::Replace => "no 'replace:' tag",
                            _ => "no tag",
                        };
                        return Err(at.err(
                            *marker_at,
                            format!("syntax error: '{}' takes {tag}, its entries do", child.name),
                        ));
                    }
                    at.path.push(NodeId::new(child.name));
                    steps.push(Step::Group { stmt: child });
                    i += 1;
                    continue;
                }
                // `interfaces interface-range r {`: the list's own block, on the way.
                if words
                    .get(i + 1)
                    .is_some_and(|w| child.child_in(true, &w.text).is_some())
                {
                    let id = NodeId::new(child.name);
                    at.path.push(id.clone());
                    steps.push(Step::Block { stmt: child, id });
                    at.stmt = child;
                    i += 1;
                    continue;
                }
                let Some(key) = words.get(i + 1) else {
                    let message = format!(
                        "syntax error, expecting {} after '{}'",
                        key_type.placeholder(),
                        child.name
                    );
                    return Err(at.err(word.at, message));
                };
                if unsupported::key_is_statement(&at.path, child.name, &key.text) {
                    let mut level = at.path.clone();
                    level.push(NodeId::new(child.name));
                    return Err(at.err(key.at, not_supported(&key.text, &level)));
                }
                let id = NodeId::entry(child.name, at.key(key_type, key)?);
                at.path.push(id.clone());
                steps.push(Step::Block { stmt: child, id });
                at.stmt = child;
                i += 2;
            }
            Kind::LeafList(_) if last && matches!(s.end, End::Open) => {
                let id = NodeId::new(child.name);
                at.path.push(id.clone());
                steps.push(Step::Values { stmt: child, id });
                i += 1;
            }
            Kind::Leaf(ty) | Kind::LeafList(ty) => {
                let list = matches!(child.kind, Kind::LeafList(_));
                let (values, used) = leaf_values(&at, child, ty, s, i)?;
                steps.push(Step::Leaf {
                    id: NodeId::new(child.name),
                    values,
                    list,
                });
                i += used;
            }
            Kind::Flag => {
                if last {
                    match s.end {
                        End::Values { open, .. } => {
                            return Err(at.err(
                                open,
                                format!("syntax error: '{}' takes no value", child.name),
                            ));
                        }
                        End::Open => {
                            return Err(at.err(
                                word.at,
                                format!("syntax error: '{}' takes no block", child.name),
                            ))
                        }
                        End::Semicolon => {}
                    }
                }
                steps.push(Step::Leaf {
                    id: NodeId::new(child.name),
                    values: Values::new(),
                    list: false,
                });
                i += 1;
            }
        }
    }
    if let (Some(Step::Block { stmt, .. }), End::Values { open, .. }) = (steps.last(), &s.end) {
        return Err(at.err(
            *open,
            format!("syntax error: '{}' takes no value", stmt.name),
        ));
    }
    Ok(steps)
}

/// The values of the leaf (or leaf-list) whose keyword is word `i`, and how many words the
/// leaf took: `name v`, or the keyword alone before `[ a b ];` for a leaf-list.
fn leaf_values(
    at: &At<'_>,
    child: &Stmt,
    ty: Type,
    s: &Statement,
    i: usize,
) -> Result<(Values, usize), LoadError> {
    let keyword_at = s.words.get(i).map_or(0, |w| w.at);
    let value = s.words.get(i + 1);
    let ends_line = i + 2 >= s.words.len();
    match (&s.end, value) {
        (End::Open, _) if ends_line => Err(at.err(
            keyword_at,
            format!("syntax error: '{}' takes no block", child.name),
        )),
        (End::Values { open, values }, None) => {
            if !matches!(child.kind, Kind::LeafList(_)) {
                return Err(at.err(
                    *open,
                    format!("syntax error: '{}' takes one value", child.name),
                ));
            }
            let values = values
                .iter()
                .map(|v| at.value(ty, v))
                .collect::<Result<_, _>>()?;
            Ok((values, 1))
        }
        (End::Values { open, .. }, Some(value)) if ends_line => {
            Err(if matches!(child.kind, Kind::LeafList(_)) {
                at.err(
                    value.at,
                    format!("syntax error: unexpected '{}'", quoted(&value.text)),
                )
            } else {
                at.err(
                    *open,
                    format!("syntax error: '{}' takes one value", child.name),
                )
            })
        }
        (_, Some(value)) => {
            let mut leaf = at.path.clone();
            leaf.push(NodeId::new(child.name));
            if unsupported::value_known(&leaf, &value.text) && ty.check(&value.text).is_err() {
                return Err(at.err(value.at, unsupported::value_message(&leaf, &value.text)));
            }
            Ok((Values::from([at.value(ty, value)?]), 2))
        }
        (_, None) => {
            let message = format!(
                "syntax error, expecting {} after '{}'",
                ty.placeholder(),
                child.name
            );
            Err(at.err(keyword_at, message))
        }
    }
}
