//! Typed words to a schema path: keyword abbreviation, list keys, values.

use super::{CommandWord, Editor, Resolved, WordError};
use crate::def::{Kind, Stmt, Type};
use crate::tree::{NodeId, Values, Word};

pub(crate) fn syntax_error(word: usize) -> WordError {
    WordError {
        word,
        message: "syntax error.".into(),
    }
}

pub(crate) fn missing_argument(word: usize) -> WordError {
    WordError {
        word,
        message: "missing argument.".into(),
    }
}

/// A Junos statement this router does not have (`set protocols bgp …`) is named as such,
/// as a load of brace text names it, rather than called a syntax error.
fn not_supported(path: &[NodeId], word: &str, error: WordError) -> WordError {
    if error.message == "syntax error." && crate::parse::unsupported::known(path, word) {
        WordError {
            message: format!(
                "'{}' under {} is not supported by this router.",
                crate::limits::quoted(word),
                super::banner(path)
            ),
            ..error
        }
    } else {
        error
    }
}

/// The child of `stmt` that `word` names: the exact name, else the only name it begins.
/// The child of `stmt` that `word` names or abbreviates; `list_block`: at a grouped list's
/// own block (see [`Stmt::child_in`]).
pub(crate) fn keyword(
    stmt: &'static Stmt,
    list_block: bool,
    word: &str,
    index: usize,
) -> Result<&'static Stmt, WordError> {
    if let Some(exact) = stmt.child_in(list_block, word) {
        return Ok(exact);
    }
    let mut candidates = stmt
        .children_with_prefix(word)
        .filter(|c| c.list_level == list_block);
    let (Some(first), second) = (candidates.next(), candidates.next()) else {
        return Err(syntax_error(index));
    };
    let Some(second) = second else {
        return Ok(first);
    };
    let mut message = format!(
        "'{}' is ambiguous.\nPossible completions:",
        crate::limits::quoted(word)
    );
    for c in [first, second].into_iter().chain(candidates) {
        message.push_str(&format!("\n  {:<20} {}", c.name, c.help));
    }
    Err(WordError {
        word: index,
        message,
    })
}

/// A list key at `path` (the list's parent): inside a configuration group a wildcard
/// (`<ge-*>`) stands for the entries it matches (def::check_key).
pub(crate) fn check_key(
    ty: Type,
    word: &str,
    index: usize,
    path: &[NodeId],
) -> Result<Word, WordError> {
    crate::def::check_key(ty, word, path)
        .map(Word::from)
        .map_err(|message| WordError {
            word: index,
            message,
        })
}

pub(crate) fn check(ty: Type, word: &str, index: usize) -> Result<Word, WordError> {
    ty.check(word).map(Word::from).map_err(|message| WordError {
        word: index,
        message,
    })
}

impl Editor {
    /// Walks `words` from the root. With `need_value`, a leaf must have its value and a list
    /// its key (`set`); without, either may be left out.
    pub(crate) fn resolve<W: CommandWord>(
        &self,
        words: &[W],
        need_value: bool,
    ) -> Result<Resolved, WordError> {
        let mut stmt = self.root;
        let mut path = Vec::new();
        let mut i = 0;
        while let Some(word) = words.get(i) {
            // `set ... traceoptions file l2tpd`: a word that is no keyword of a container
            // with a positional leaf (nor the start of one) is that leaf's value.
            let positional = stmt
                .positional_child()
                .filter(|_| stmt.children_with_prefix(word).next().is_none())
                // `apply-groups`, in every block but not in its table.
                .filter(|_| stmt.child(word).is_none());
            if let Some(
                p @ Stmt {
                    kind: Kind::Leaf(ty),
                    ..
                },
            ) = positional
            {
                path.push(NodeId::new(p.name));
                let value = check(*ty, word, i)?;
                return self.end(words, i + 1, path, p, Values::from([value]));
            }
            // `set snmp client-list L 127.0.0.0/8`: a word that is no keyword here (nor the
            // start of one) is the key of an entry of the keyless list.
            let keyless = stmt
                .keyless_child()
                .filter(|_| stmt.children_with_prefix(word).next().is_none())
                // `apply-groups`, in every block but not in its table.
                .filter(|_| stmt.child(word).is_none());
            if let Some(
                list @ Stmt {
                    kind: Kind::List(key_type),
                    ..
                },
            ) = keyless
            {
                path.push(NodeId::entry(
                    list.name,
                    check_key(*key_type, word, i, &path)?,
                ));
                stmt = list;
                i += 1;
                continue;
            }
            let list_block = stmt.has_list_block()
                && path
                    .last()
                    .is_some_and(|l: &NodeId| l.key.is_none() && l.keyword == stmt.name);
            let child =
                keyword(stmt, list_block, word, i).map_err(|e| not_supported(&path, word, e))?;
            i += 1;
            match child.kind {
                Kind::Container => path.push(NodeId::new(child.name)),
                Kind::List(key_type) => match words.get(i) {
                    // `interfaces interface-range r`: a statement of the list's own block.
                    Some(key) if child.child_in(true, key).is_some() => {
                        path.push(NodeId::new(child.name))
                    }
                    // `interfaces ge-0/0/0.100`: Junos' shorthand for `ge-0/0/0 unit 100`; an
                    // interface range's name (`interface-range r.1`) is a name, not an
                    // interface, and is taken whole.
                    Some(key)
                        if !self.literal_keys
                            && !child.list_level
                            && unit_shorthand(child, key).is_some() =>
                    {
                        let (ifd, unit, unit_stmt, unit_type) =
                            unit_shorthand(child, key).ok_or_else(|| syntax_error(i))?;
                        path.push(NodeId::entry(child.name, check(key_type, ifd, i)?));
                        path.push(NodeId::entry(unit_stmt.name, check(unit_type, unit, i)?));
                        i += 1;
                        stmt = unit_stmt;
                        continue;
                    }
                    // `edit interfaces` typed at `[edit interfaces]` names no interface
                    // `interfaces` (the banner would read `[edit interfaces interfaces]`).
                    Some(key) if child.grouped && **key == *child.name => {
                        return Err(syntax_error(i));
                    }
                    Some(key) => {
                        if crate::parse::unsupported::key_is_statement(&path, child.name, key) {
                            let mut level = path.clone();
                            level.push(NodeId::new(child.name));
                            return Err(not_supported(&level, key, syntax_error(i)));
                        }
                        path.push(NodeId::entry(
                            child.name,
                            check_key(key_type, key, i, &path)?,
                        ));
                        i += 1;
                    }
                    None if need_value => return Err(missing_argument(i)),
                    None => path.push(NodeId::new(child.name)),
                },
                Kind::Flag => {
                    path.push(NodeId::new(child.name));
                    return self.end(words, i, path, child, Values::new());
                }
                Kind::Leaf(ty) => {
                    path.push(NodeId::new(child.name));
                    let values = match words.get(i) {
                        Some(value) => Values::from([check(ty, value, i).map_err(|e| {
                            if crate::parse::unsupported::value_known(&path, value) {
                                WordError {
                                    message: format!(
                                        "{}.",
                                        crate::parse::unsupported::value_message(&path, value)
                                    ),
                                    ..e
                                }
                            } else {
                                e
                            }
                        })?]),
                        None if need_value => return Err(missing_argument(i)),
                        None => Values::new(),
                    };
                    return self.end(words, i + values.len(), path, child, values);
                }
                Kind::LeafList(ty) => {
                    path.push(NodeId::new(child.name));
                    let (values, next) = leaf_list_values(ty, words, i)?;
                    if need_value && values.is_empty() {
                        return Err(missing_argument(i));
                    }
                    return self.end(words, next, path, child, values);
                }
            }
            stmt = child;
        }
        Ok(Resolved {
            path,
            stmt,
            values: Values::new(),
        })
    }

    fn end<W: CommandWord>(
        &self,
        words: &[W],
        next: usize,
        path: Vec<NodeId>,
        stmt: &'static Stmt,
        values: Values,
    ) -> Result<Resolved, WordError> {
        if let Some(word) = words.get(next) {
            // A word after the value names a statement beside it: `unnumbered-address lo0.0
            // destination A` is named as not supported when Junos has it there.
            let level = &path[..path.len().saturating_sub(1)];
            return Err(not_supported(level, word, syntax_error(next)));
        }
        Ok(Resolved { path, stmt, values })
    }
}

/// `IFD.UNIT` (`ge-0/0/0.0`, `pp0.100`) given as the key of a list of interfaces (a list
/// with a number-keyed `unit` list): the interface's name, the unit number, the unit list
/// and its key type. `None` for any other key, which is then checked as it is.
fn unit_shorthand<'k>(
    list: &'static Stmt,
    key: &'k str,
) -> Option<(&'k str, &'k str, &'static Stmt, Type)> {
    let unit_stmt = list.child("unit")?;
    let Kind::List(unit_type) = unit_stmt.kind else {
        return None;
    };
    let (ifd, unit) = key.rsplit_once('.')?;
    if ifd.is_empty() || unit.is_empty() || !unit.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((ifd, unit, unit_stmt, unit_type))
}

/// One value, or `[ a b ... ]`; returns the values and the index after them.
/// Only a bare `[` and `]` are brackets: a quoted one is a value (`delimiter "["`).
fn leaf_list_values<W: CommandWord>(
    ty: Type,
    words: &[W],
    start: usize,
) -> Result<(Values, usize), WordError> {
    match words.get(start) {
        None => Ok((Values::new(), start)),
        Some(open) if open.opens_list() => {
            let mut values = Values::new();
            let mut i = start + 1;
            loop {
                match words.get(i) {
                    None => {
                        return Err(WordError {
                            word: i,
                            message: "syntax error, expecting ']'.".into(),
                        })
                    }
                    Some(close) if close.closes_list() => return Ok((values, i + 1)),
                    Some(word) => {
                        let value = check(ty, word, i)?;
                        if !values.contains(&value) {
                            values.push(value);
                        }
                    }
                }
                i += 1;
            }
        }
        Some(word) => Ok((Values::from([check(ty, word, start)?]), start + 1)),
    }
}
