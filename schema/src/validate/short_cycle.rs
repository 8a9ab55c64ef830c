//! Commit check of `short-cycle-protection`: Junos requires `lockout-time-min` to be at most
//! `lockout-time-max` ("short-cycle-protection (Static and Dynamic Subscribers)"), the
//! defaults (1 and 300 s) standing in for a bound not written. The statement sits under
//! `family pppoe` of static units and of dynamic profiles' units alike, so the whole tree is
//! searched for it.

use super::Findings;
use crate::tree::{Node, NodeId, Path};

const STATEMENT: &str = "short-cycle-protection";
/// Junos' defaults, as the table gives them.
const DEFAULT_MIN: u64 = 1;
const DEFAULT_MAX: u64 = 300;

pub(super) fn check(root: &Node, findings: &mut Findings) {
    let mut path = Path::new();
    walk(root, &mut path, findings);
}

fn walk(node: &Node, path: &mut Path, findings: &mut Findings) {
    for (id, child) in &node.children {
        if id.keyword == STATEMENT && id.key.is_none() {
            bounds(child, path, findings);
            continue;
        }
        path.push(id.clone());
        walk(child, path, findings);
        path.pop();
    }
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
