//! Writing a tree as text: the brace form (`show`), `| display set` and `| display json`.

use crate::mgmt::DiffBlock;
use crate::tree::{Node, NodeId};

/// Brace form of `node`'s contents, as `show` prints them when the edit level is `path`.
pub fn to_text(path: &[NodeId], node: &Node) -> String {
    todo!("{} {}", path.len(), node.count())
}

/// `| display set`: the `set` (and `deactivate`) commands that recreate `node`, which sits
/// at `path`; each line carries the full path from the root.
pub fn to_set_lines(path: &[NodeId], node: &Node) -> String {
    todo!("{} {}", path.len(), node.count())
}

/// `| display json`: the Junos JSON shape, `{"configuration": {...}}` wrapped around `path`.
pub fn to_json(path: &[NodeId], node: &Node) -> serde_json::Value {
    todo!("{} {}", path.len(), node.count())
}

/// The Junos diff text of `show | compare`.
pub fn diff_to_text(blocks: &[DiffBlock]) -> String {
    todo!("{}", blocks.len())
}
