//! Configuration-mode editing against the schema: resolving typed words into a tree path,
//! and `set`, `delete`, `activate`, `deactivate`, `annotate`, `rename`, `copy`, `insert`.
//! The daemon applies every edit through here; the errors carry the index of the bad word.

use crate::def::Stmt;
use crate::tree::{Node, Path};

/// A word-level error: `word` indexes the words given; `message` is the Junos text
/// (`syntax error.`, `syntax error, expecting <value>.`, `Value 99 is not within range (1..16)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WordError {
    pub word: usize,
    pub message: String,
}

/// Words resolved against the schema.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// The statement's path (for a leaf, the leaf's own id is the last element).
    pub path: Path,
    /// The schema statement at the end of the path.
    pub stmt: &'static Stmt,
    /// Values given after a leaf or leaf-list keyword (checked and canonical).
    pub values: Vec<String>,
}

/// Resolves `words` from the root. Keywords may be abbreviated to a unique prefix
/// (`'x' is ambiguous.` otherwise); values are checked with their type.
pub fn resolve(words: &[String]) -> Result<Resolved, WordError> {
    todo!("{}", words.len())
}

/// `set WORDS`.
pub fn set(root: &mut Node, words: &[String]) -> Result<(), WordError> {
    todo!("{} {}", root.count(), words.len())
}

/// `delete WORDS`: removes a statement (or one member of a leaf-list).
pub fn delete(root: &mut Node, words: &[String]) -> Result<(), WordError> {
    todo!("{} {}", root.count(), words.len())
}
