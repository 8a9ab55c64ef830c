//! What a commit check may skip because the previous commit already checked it (issue 15,
//! item 4: a commit costs what it changes).
//!
//! A candidate shares, by `Arc`, every subtree it did not change with the configuration it
//! was made from. The structural checks of such a subtree give the same answer as last
//! time, with two exceptions the skip rule accounts for: a statement the table marks
//! `no_effect` warns at every commit (so a skipped subtree is still searched for those,
//! along the table's paths to them only), and a reference can break when the entry it names
//! is deleted elsewhere (so while any such entry is gone, subtrees with references are
//! checked). The typed view of an unchanged list entry is the previous one.

use crate::def::Stmt;
use crate::table::ROOT;
use crate::tree::Node;
use crate::typed::RouterConfig;
use std::collections::HashMap;
use std::sync::Arc;

/// The configuration last committed: it passed the check, and `config` is its typed view.
#[derive(Clone, Copy)]
pub struct Checked<'a> {
    pub tree: &'a Node,
    pub config: &'a RouterConfig,
    /// Whether `tree` holds `inactive:` statements (`Node::has_inactive`). The skips need
    /// the tree the engine sees to be the tree itself, shared; with inactive statements the
    /// check is done whole.
    pub has_inactive: bool,
}

/// The skip rule for one check.
pub(crate) struct Skips<'a> {
    /// The tree the previous commit checked; `None`: nothing is skipped.
    pub(crate) previous: Option<&'a Node>,
    /// Some entry a reference may name was deleted: subtrees with references are walked.
    references_broken: bool,
    /// Per statement (by address): whether its subtree holds a reference or a `no_effect`.
    memo: HashMap<*const Stmt, (bool, bool)>,
}

impl<'a> Skips<'a> {
    pub(crate) fn new(previous: &'a Node, current: &Node) -> Self {
        Skips {
            previous: Some(previous),
            references_broken: references_broken(previous, current),
            memo: HashMap::new(),
        }
    }

    /// Nothing to skip: the whole tree is checked.
    pub(crate) fn none() -> Self {
        Skips {
            previous: None,
            references_broken: true,
            memo: HashMap::new(),
        }
    }

    /// Whether a subtree of `stmt` that the previous configuration holds by the same pointer
    /// may go unchecked, but for its warnings (see [`Skips::may_hold_warnings`]).
    pub(crate) fn may_skip(&mut self, stmt: &'static Stmt) -> bool {
        let (references, _) = self.class(stmt);
        !(references && self.references_broken)
    }

    /// Whether a subtree of `stmt` may hold a statement that warns at every commit.
    pub(crate) fn may_hold_warnings(&mut self, stmt: &'static Stmt) -> bool {
        self.class(stmt).1
    }

    fn class(&mut self, stmt: &'static Stmt) -> (bool, bool) {
        let key: *const Stmt = stmt;
        if let Some(class) = self.memo.get(&key) {
            return *class;
        }
        let mut class = (stmt.reference.is_some(), stmt.no_effect.is_some());
        for child in stmt.children {
            let (r, n) = self.class(child);
            class = (class.0 || r, class.1 || n);
        }
        self.memo.insert(key, class);
        class
    }
}

/// True if an entry of a list that some statement refers to is in `previous` and not in
/// `current`. Lists whose container both versions share are not looked at; in a changed
/// container each entry is looked for at its own position first, so the search costs one
/// comparison per sibling when nothing moved.
fn references_broken(previous: &Node, current: &Node) -> bool {
    let mut targets: Vec<&'static [&'static str]> = Vec::new();
    reference_targets(&ROOT, &mut targets);
    targets.sort_unstable();
    targets.dedup();
    targets.iter().any(|target| {
        let Some((list, containers)) = target.split_last() else {
            return false;
        };
        let Some(before) = get(previous, containers) else {
            return false;
        };
        let after = get(current, containers);
        if after.is_some_and(|after| std::ptr::eq(before, after)) {
            return false;
        }
        before
            .children
            .keys()
            .enumerate()
            .filter(|(_, id)| id.key.is_some() && id.keyword == *list)
            .any(|(index, id)| after.is_none_or(|a| a.children.counterpart(index, id).is_none()))
    })
}

/// Whether `tree` holds one of `previous`'s nodes at the same position within its first
/// `depth` levels. Positions and pointers only, no names: a cheap look that tells a
/// candidate made from the previous configuration (an edit shares all but its path) from
/// one parsed whole, which shares nothing. It chooses the way of checking, never the
/// result.
pub(crate) fn shares_any(tree: &Node, previous: &Node, depth: usize) -> bool {
    depth > 0
        && (0..tree.children.len()).any(|index| {
            match (
                tree.children.shared_at(index),
                previous.children.shared_at(index),
            ) {
                (Some(mine), Some(theirs)) => {
                    Arc::ptr_eq(mine, theirs) || shares_any(mine, theirs, depth - 1)
                }
                _ => false,
            }
        })
}

fn get<'n>(root: &'n Node, containers: &[&str]) -> Option<&'n Node> {
    containers.iter().try_fold(root, |node, word| {
        node.children.get(&crate::tree::NodeId::new(*word))
    })
}

fn reference_targets(stmt: &'static Stmt, out: &mut Vec<&'static [&'static str]>) {
    out.extend(stmt.references());
    for child in stmt.children {
        reference_targets(child, out);
    }
}
