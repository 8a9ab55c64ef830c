//! `interfaces interface-range`: each range's statements written under every member, before
//! anything reads the interfaces (the typed view, the commit checks), so no consumer knows
//! ranges exist. The tree handed on has no range left in it.
//!
//! How a range combines with a member's own statements (Juniper, "Interface Ranges",
//! Junos OS for EX Series switches with ELS, "Configuration Inheritance for Member
//! Interfaces": since 14.1X53-D15 the range's common configuration "will not be overridden
//! but appended to the local configuration"; before, the local configuration overrode it):
//! the member keeps everything it sets itself; from the range it takes every statement it
//! does not set, merged down through blocks (a `unit 0` in both gets the range's statements
//! the member's `unit 0` lacks). Where both set one value, the member's wins; where they set
//! alternatives (`traps` / `no-traps`, two VLAN tagging modes), the member's alternative wins.
//! A member named by two ranges takes the first range's value where they differ (our choice:
//! Juniper does not say).

use super::range_members;
use crate::def::Stmt;
use crate::edit::order;
use crate::mgmt::CheckError;
use crate::table::ROOT;
use crate::tree::{Node, NodeId, Path};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Where each statement a member took from a range came from: its path in the expanded
/// tree, and the range's name (for `| display inheritance`).
pub type Expanded = BTreeMap<Path, String>;

/// How many interfaces all ranges together may name (our choice: more ports than a
/// chassis has; a typo such as `ge-*/*/*` is refused instead of building 110,592 interfaces).
pub const MAX_RANGE_MEMBERS: usize = 4096;

/// Junos takes one VLAN tagging mode per interface (validate::device): a member's own mode
/// replaces the range's, as an alternative would.
const TAGGING_MODES: &[&str] = &[
    "vlan-tagging",
    "stacked-vlan-tagging",
    "flexible-vlan-tagging",
];

/// `root` with every range applied to its members, and what stopped a member or a range
/// from being applied (commit errors). Borrowed, untouched, when there is no range.
pub(crate) fn expand(root: &Node) -> (Cow<'_, Node>, Vec<CheckError>) {
    let (tree, errors, _) = expand_recorded(root, false);
    (tree, errors)
}

/// [`expand`], also saying, when `record`, where each statement a range wrote came from.
pub(crate) fn expand_recorded(
    root: &Node,
    record: bool,
) -> (Cow<'_, Node>, Vec<CheckError>, Expanded) {
    let mut recorded = Expanded::new();
    let block_id = NodeId::new("interfaces");
    let Some(block) = root.children.get(&block_id) else {
        return (Cow::Borrowed(root), Vec::new(), recorded);
    };
    let Some(interfaces) = ROOT.child("interfaces") else {
        return (Cow::Borrowed(root), Vec::new(), recorded);
    };
    let mut errors = Vec::new();
    let mut expanded = root.clone();
    expanded.children.shift_remove(&block_id);
    let mut named = 0;
    for (range_id, range) in &block.children {
        let Some(range_stmt) = interfaces.child(&range_id.keyword) else {
            continue;
        };
        let path = vec![block_id.clone(), range_id.clone()];
        let mut error = |statement: String, message: String| {
            errors.push(CheckError {
                path: path.clone(),
                statement,
                message,
            })
        };
        let mut members = Vec::new();
        for (id, node) in &range.children {
            let key = id.key.as_deref().unwrap_or_default();
            let left = MAX_RANGE_MEMBERS.saturating_sub(named + members.len());
            let (statement, found) = match id.keyword.as_str() {
                "member" => (
                    format!("member {}", quote(key)),
                    range_members::member(key, left),
                ),
                "member-range" => {
                    let to = node
                        .children
                        .get(&NodeId::new("to"))
                        .and_then(|to| to.values.first())
                        .map(|to| to.to_string())
                        .unwrap_or_default();
                    let statement = format!("member-range {key} to {to}");
                    (statement, range_members::member_range(key, &to, left))
                }
                _ => continue,
            };
            match found {
                Ok(names) => members.extend(names),
                Err(message) => error(statement, message),
            }
        }
        if members.is_empty() && !range.children.keys().any(is_member) {
            error(
                range_id.to_string(),
                "An interface range needs at least one 'member' or 'member-range'".into(),
            );
        }
        named += members.len();
        let mut record = record.then(|| Record {
            range: range_id.key.as_deref().unwrap_or_default(),
            path: Path::new(),
            recorded: &mut recorded,
        });
        for name in members {
            let id = NodeId::entry("interfaces", name);
            let created = !expanded.children.contains_key(&id);
            let own = order::child_entry(&mut expanded, &ROOT, &id);
            if let Some(r) = record.as_mut() {
                r.path = vec![id];
                if created {
                    r.recorded.insert(r.path.clone(), r.range.to_string());
                }
            }
            inherit(own, range, range_stmt, true, &mut record);
        }
    }
    (Cow::Owned(expanded), errors, recorded)
}

/// Where [`inherit`] is in the member, and what it wrote, for `| display inheritance`.
struct Record<'a> {
    range: &'a str,
    path: Path,
    recorded: &'a mut Expanded,
}

impl Record<'_> {
    /// `node`, written at `self.path`, and everything in it came from the range.
    fn written(&mut self, node: &Node) {
        self.recorded
            .insert(self.path.clone(), self.range.to_string());
        for (id, child) in &node.children {
            self.path.push(id.clone());
            self.written(child);
            self.path.pop();
        }
    }
}

fn is_member(id: &NodeId) -> bool {
    matches!(id.keyword.as_str(), "member" | "member-range")
}

fn quote(key: &str) -> String {
    crate::tree::quote_word(key)
}

/// Adds to `own` what `from` holds and `own` does not (see the module's rule). `top`: the
/// range itself, whose `member` statements are not the interface's.
fn inherit(
    own: &mut Node,
    from: &Node,
    stmt: &'static Stmt,
    top: bool,
    record: &mut Option<Record<'_>>,
) {
    for (id, child) in &from.children {
        if top && is_member(id) {
            continue;
        }
        let Some(child_stmt) = stmt.child(&id.keyword) else {
            continue;
        };
        if let Some(existing) = own.children.get_mut(id) {
            if child_stmt.has_block() {
                if let Some(r) = record.as_mut() {
                    r.path.push(id.clone());
                }
                inherit(existing, child, child_stmt, false, record);
                if let Some(r) = record.as_mut() {
                    r.path.pop();
                }
            }
            continue;
        }
        if super::holds_alternative(stmt, own, &id.keyword, top.then_some(TAGGING_MODES)) {
            continue;
        }
        *order::child_entry(own, stmt, id) = child.clone();
        if let Some(r) = record.as_mut() {
            r.path.push(id.clone());
            r.written(child);
            r.path.pop();
        }
    }
}
