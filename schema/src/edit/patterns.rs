//! The configuration-mode commands that act on every statement a regular expression
//! matches: `wildcard delete PATH REGEX` and `replace pattern OLD with NEW [upto N]`.
//!
//! Both work on names and values only, never on keywords, as Junos does: `replace pattern
//! lns with lac` renames `tunnel-profile lns1` but cannot turn `host-name` into anything.

use super::editor::Editor;
use super::WordError;
use crate::def::{Kind, Stmt, Type};
use crate::table;
use crate::tree::{Node, NodeId};
use regex::Regex;

/// The names of the entries of the list `words` names (the list keyword, without a key)
/// that match `pattern` as a whole, in configuration order.
pub fn wildcard_matches(
    root: &Node,
    words: &[String],
    pattern: &str,
) -> Result<Vec<String>, WordError> {
    let (parent, keyword, re) = wildcard_target(words, pattern)?;
    let Some(node) = root.get(&parent) else {
        return Ok(Vec::new());
    };
    Ok(node
        .children
        .keys()
        .filter(|id| id.keyword == keyword)
        .filter_map(|id| id.key.as_ref())
        .filter(|key| re.is_match(key))
        .map(|key| key.to_string())
        .collect())
}

/// Deletes what [`wildcard_matches`] lists; returns the names deleted.
pub fn wildcard_delete(
    root: &mut Node,
    words: &[String],
    pattern: &str,
) -> Result<Vec<String>, WordError> {
    let matched = wildcard_matches(root, words, pattern)?;
    let (parent, keyword, _) = wildcard_target(words, pattern)?;
    if let Some(node) = root.get_mut(&parent) {
        for key in &matched {
            node.children
                .shift_remove(&NodeId::entry(keyword.clone(), key.clone()));
        }
    }
    Ok(matched)
}

/// The parent path and keyword of the list `words` names, and the pattern anchored to
/// whole names. The pattern is the word after `words` (for the `^` of an error).
fn wildcard_target(
    words: &[String],
    pattern: &str,
) -> Result<(Vec<NodeId>, String, Regex), WordError> {
    let resolved = Editor::new(&table::ROOT).resolve(words, false)?;
    let list_without_key = matches!(resolved.stmt.kind, Kind::List(_))
        && resolved.path.last().is_some_and(|id| id.key.is_none());
    if !list_without_key {
        return Err(WordError {
            word: words.len().saturating_sub(1),
            message:
                "syntax error, expecting a statement that has names (such as 'tunnel-profile')."
                    .into(),
        });
    }
    let re = Regex::new(&format!("^(?:{pattern})$")).map_err(|_| WordError {
        word: words.len(),
        message: format!("invalid regular expression '{pattern}'"),
    })?;
    let mut parent = resolved.path;
    let keyword = parent
        .pop()
        .map(|id| id.keyword.to_string())
        .unwrap_or_default();
    Ok((parent, keyword, re))
}

/// `replace pattern OLD with NEW [upto N]` below `level`: every name and value that `OLD`
/// matches (anywhere in it) has the match replaced by `NEW`, where `\1` or `$1` stand for
/// the groups of the match. `upto` limits how many statements change (all when `None`).
/// Secrets are left alone (their text is an obfuscation, not the value). Returns how many
/// statements changed; on error nothing changes.
pub fn replace_pattern(
    root: &mut Node,
    level: &[NodeId],
    pattern: &str,
    with: &str,
    upto: Option<u32>,
) -> Result<usize, String> {
    let re = Regex::new(pattern).map_err(|_| format!("invalid regular expression '{pattern}'"))?;
    let with = junos_backreferences(with);
    let stmt = super::stmt_for_path_in(&table::ROOT, level);
    let Some(node) = root.get(level) else {
        return Ok(0);
    };
    let mut changed = node.clone();
    let mut left = upto.map_or(usize::MAX, |n| n as usize);
    let before = left;
    replace_in(&mut changed, stmt, &re, &with, &mut left)?;
    if let Some(node) = root.get_mut(level) {
        *node = changed;
    }
    Ok(before - left)
}

/// `\1` (Junos, sed) to `${1}` (the regex crate), so both spellings work.
fn junos_backreferences(with: &str) -> String {
    let mut out = String::with_capacity(with.len());
    let mut chars = with.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some(d)) if d.is_ascii_digit() => {
                out.push_str(&format!("${{{d}}}"));
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

fn replace_in(
    node: &mut Node,
    stmt: Option<&'static Stmt>,
    re: &Regex,
    with: &str,
    left: &mut usize,
) -> Result<(), String> {
    let secret = matches!(
        stmt.map(|s| s.kind),
        Some(Kind::Leaf(Type::Secret) | Kind::LeafList(Type::Secret))
    );
    if !secret && *left > 0 {
        let mut hit = false;
        for value in &mut node.values {
            let new = re.replace_all(value, with);
            if new != value.as_str() {
                *value = new.into();
                hit = true;
            }
        }
        if hit {
            *left -= 1;
        }
    }
    let children = std::mem::take(&mut node.children);
    let mut rebuilt = crate::tree::Children::with_capacity(children.len());
    for (mut id, mut child) in children {
        let child_stmt = stmt.and_then(|s| s.child(&id.keyword));
        if *left > 0 {
            if let Some(key) = &id.key {
                let new = re.replace_all(key, with);
                if new != key.as_str() {
                    id.key = Some(new.into());
                    *left -= 1;
                }
            }
        }
        replace_in(&mut child, child_stmt, re, with, left)?;
        if rebuilt.contains_key(&id) {
            return Err(format!("replacement gives two statements named '{id}'"));
        }
        rebuilt.insert(id, child);
    }
    node.children = rebuilt;
    Ok(())
}

#[cfg(test)]
#[path = "patterns_tests.rs"]
mod tests;
