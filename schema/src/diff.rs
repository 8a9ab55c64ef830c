//! `show | compare`: what changes from one configuration to another, as `[edit ...]` blocks.

use crate::mgmt::DiffBlock;
use crate::tree::{Node, NodeId};

/// The changes from `base` to `target`, restricted to the subtree at `path`.
pub fn diff(base: &Node, target: &Node, path: &[NodeId]) -> Vec<DiffBlock> {
    todo!("{} {} {}", base.count(), target.count(), path.len())
}
