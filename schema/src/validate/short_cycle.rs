//! Commit check of `short-cycle-protection`: Junos requires `lockout-time-min` to be at most
//! `lockout-time-max` ("short-cycle-protection (Static and Dynamic Subscribers)"), the
//! defaults (1 and 300 s) standing in for a bound not written. The statement sits under
//! `family pppoe` of static units and of dynamic profiles' units alike, so the tree is
//! searched for it wherever the statement table says it can be.

use super::Findings;
use crate::def::Stmt;
use crate::table::ROOT;
use crate::tree::{Node, NodeId, Path};
use std::collections::HashMap;

const STATEMENT: &str = "short-cycle-protection";
/// Junos' defaults, as the table gives them.
const DEFAULT_MIN: u64 = 1;
const DEFAULT_MAX: u64 = 300;

pub(super) fn check(root: &Node, findings: &mut Findings) {
    let mut path = Path::new();
    walk(root, Some(&ROOT), &mut HashMap::new(), &mut path, findings);
}

/// Searches `node` (whose statement is `stmt`, `None` if the table does not know it). A
/// known statement whose table holds no `short-cycle-protection` below is not looked into:
/// a walk of every node (the 40,000 tunnel profiles and domain maps of a large
/// configuration) cost a fifth of the commit check and grew faster than the configuration
/// (issue 15, item 4; docs/performance.md, "Stage h66"). Statements the table does not know,
/// already refused by the structure check, are searched whole as before.
fn walk(
    node: &Node,
    stmt: Option<&'static Stmt>,
    memo: &mut HashMap<*const Stmt, bool>,
    path: &mut Path,
    findings: &mut Findings,
) {
    for (id, child) in &node.children {
        if id.keyword == STATEMENT && id.key.is_none() {
            bounds(child, path, findings);
            continue;
        }
        let child_stmt = stmt.and_then(|s| s.child(&id.keyword));
        if child_stmt.is_some_and(|s| !may_hold(s, memo)) {
            continue;
        }
        path.push(id.clone());
        walk(child, child_stmt, memo, path, findings);
        path.pop();
    }
}

/// Whether the table has a `short-cycle-protection` somewhere below `stmt`.
fn may_hold(stmt: &'static Stmt, memo: &mut HashMap<*const Stmt, bool>) -> bool {
    let key: *const Stmt = stmt;
    if let Some(holds) = memo.get(&key) {
        return *holds;
    }
    let holds = stmt
        .children
        .iter()
        .any(|c| c.name == STATEMENT || may_hold(c, memo));
    memo.insert(key, holds);
    holds
}

fn bounds(node: &Node, path: &Path, findings: &mut Findings) {
    let value = |name: &str, default: u64| {
        node.children
            .get(&NodeId::new(name))
            .and_then(|n| n.values.first())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(default)
    };
    let (min, max) = (
        value("lockout-time-min", DEFAULT_MIN),
        value("lockout-time-max", DEFAULT_MAX),
    );
    if min > max {
        findings.error(
            path.clone(),
            STATEMENT,
            format!(
                "lockout-time-min {min} is above lockout-time-max {max}: the shortest lockout \
                 must not exceed the longest (lockout-time-max defaults to {DEFAULT_MAX})"
            ),
        );
    }
}
