//! Reading configuration text (curly-brace form, and `set`/`delete` lines) into a tree,
//! checked against the schema. The pest grammar is `config.pest`.

use crate::tree::Node;

/// Where and why a configuration text failed to load (1-based line and column).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Parses brace-form configuration text into a schema-checked tree.
pub fn parse_config(text: &str) -> Result<Node, LoadError> {
    todo!("{}", text.len())
}

/// Applies `set`/`delete`/`activate`/`deactivate`/`annotate` lines (one per line, `#`
/// comments and blank lines allowed) to a copy of `base`.
pub fn apply_set_lines(base: &Node, text: &str) -> Result<Node, LoadError> {
    todo!("{} {}", base.count(), text.len())
}
