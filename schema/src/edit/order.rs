//! Canonical order of a node's children: schema order of the statements; entries of a list
//! keyed by a number in numeric order; other list entries in the order the operator gave them
//! (which `insert` changes). Parsing and editing both keep it, so that printing and reading
//! back gives the same tree.

use crate::def::{Kind, Stmt, Type};
use crate::tree::{Entry, Node, NodeId};
use std::cmp::Ordering;

/// Where a child sorts under `parent`: its statement's position, then its numeric key for a
/// number-keyed list. Entries of other lists compare equal, so a stable sort keeps their order.
pub(crate) fn sort_key(parent: &Stmt, id: &NodeId) -> (usize, u64) {
    let Some(index) = parent.child_index(&id.keyword) else {
        // `apply-groups` stands in every block without being in its table (def::Stmt::child);
        // Junos shows it first, then `apply-groups-except`.
        return match id.keyword.as_str() {
            "apply-groups" => (0, 0),
            "apply-groups-except" => (1, 0),
            _ => (usize::MAX, 0),
        };
    };
    // A list's own block (its keyword without a key: `interfaces { interface-range ... }`)
    // sorts before its entries, where Junos shows it.
    let number = match (parent.children.get(index).map(|s| s.kind), &id.key) {
        (Some(Kind::List(Type::Uint { .. })), Some(key)) => {
            key.parse::<u64>().map_or(u64::MAX, |n| n.saturating_add(1))
        }
        (Some(Kind::List(_)), Some(_)) => 1,
        _ => 0,
    };
    (index + 2, number)
}

pub(crate) fn compare(parent: &Stmt, a: &NodeId, b: &NodeId) -> Ordering {
    sort_key(parent, a).cmp(&sort_key(parent, b))
}

pub(crate) fn is_canonical(node: &Node, stmt: &Stmt) -> bool {
    let mut prev: Option<(usize, u64)> = None;
    for id in node.children.keys() {
        let key = sort_key(stmt, id);
        if prev.is_some_and(|p| p > key) {
            return false;
        }
        prev = Some(key);
    }
    true
}

/// Puts `node`'s own children in canonical order (not recursively).
pub(crate) fn sort_children(node: &mut Node, stmt: &Stmt) {
    if !is_canonical(node, stmt) {
        // IndexMap::sort_by is stable: equal keys keep the operator's order.
        node.children.sort_by(|a, _, b, _| compare(stmt, a, b));
    }
}

/// The child `id` of `parent`, inserted at its canonical place if it was missing (after the
/// existing entries of the same list when the list is in the operator's order).
pub(crate) fn child_entry<'a>(parent: &'a mut Node, stmt: &Stmt, id: &NodeId) -> &'a mut Node {
    let position = if parent.children.contains_key(id) {
        0
    } else {
        canonical_position(parent, stmt, id)
    };
    match parent.children.entry(id.clone()) {
        Entry::Occupied(e) => e.into_mut(),
        Entry::Vacant(e) => e.shift_insert(position, Node::default()),
    }
}

/// The index a new child `id` takes: after every child that sorts before it or equal to it.
fn canonical_position(parent: &Node, stmt: &Stmt, id: &NodeId) -> usize {
    let key = sort_key(stmt, id);
    let (mut lo, mut hi) = (0, parent.children.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let after = parent
            .children
            .get_index(mid)
            .is_some_and(|(k, _)| sort_key(stmt, k) > key);
        if after {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}
