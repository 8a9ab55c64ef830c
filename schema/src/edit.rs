//! Configuration-mode editing against the schema: resolving typed words into a tree path,
//! and `set`, `delete`, `activate`, `deactivate`, `annotate`, `rename`, `copy`, `insert`.
//! The daemon applies every edit through here; the errors carry the index of the bad word.

mod arg;
mod editor;
mod load;
mod load_set;
pub(crate) mod order;
mod patterns;
mod resolve;
#[cfg(test)]
mod tests;

pub use arg::{Arg, CommandWord};
pub use patterns::{replace_pattern, wildcard_delete, wildcard_matches};

use crate::def::Stmt;
use crate::mgmt::LoadMode;
use crate::parse::LoadError;
use crate::table;
use crate::tree::{path_words, Node, NodeId, Path};

pub(crate) use editor::Editor;
pub(crate) use load_set::apply_as_load as apply_set_lines_in;

/// A word-level error: `word` indexes the words given; `message` is the Junos text
/// (`syntax error.`, `syntax error, expecting <value>.`, `Value 99 is not within range (1..16)`).
///
/// For a missing argument `word` is the number of words (the caret goes after the last
/// word). For commands with a second word list (`rename A to B`, `insert A before B`), words
/// of the second list are counted after the first list and the keyword between them, as
/// the operator typed them: `words ++ [to] ++ to`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WordError {
    pub word: usize,
    pub message: String,
}

impl std::fmt::Display for WordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "word {}: {}", self.word, self.message)
    }
}

impl std::error::Error for WordError {}

/// Words resolved against the schema.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// The statement's path (for a leaf, the leaf's own id is the last element). For a list
    /// named without a key (`delete access tunnel-profile`), the last element is the list's
    /// keyword with no key: it stands for every entry.
    pub path: Path,
    /// The schema statement at the end of the path.
    pub stmt: &'static Stmt,
    /// Values given after a leaf or leaf-list keyword (checked and canonical).
    pub values: crate::tree::Values,
}

/// Whether an edit found its statement. Junos answers a miss with `warning: statement not
/// found` and changes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    Done,
    NotFound,
}

/// Resolves `words` from the root. Keywords may be abbreviated to a unique prefix
/// (`'x' is ambiguous.` otherwise); values are checked with their type. A leaf's value and a
/// list's key may be left out (as `delete` and `edit` allow).
pub fn resolve(words: &[String]) -> Result<Resolved, WordError> {
    Editor::new(&table::ROOT).resolve(words, false)
}

/// `set WORDS`.
pub fn set<W: CommandWord>(root: &mut Node, words: &[W]) -> Result<(), WordError> {
    Editor::new(&table::ROOT).set(root, words)
}

/// `delete WORDS`: removes a statement (or one member of a leaf-list), or everything when
/// `words` is empty. Containers left empty by it are removed too; list entries are kept.
pub fn delete<W: CommandWord>(root: &mut Node, words: &[W]) -> Result<Applied, WordError> {
    Editor::new(&table::ROOT).delete(root, words)
}

/// `activate WORDS`: clears `inactive:`.
pub fn activate<W: CommandWord>(root: &mut Node, words: &[W]) -> Result<Applied, WordError> {
    Editor::new(&table::ROOT).set_inactive(root, words, false)
}

/// `deactivate WORDS`: sets `inactive:`.
pub fn deactivate<W: CommandWord>(root: &mut Node, words: &[W]) -> Result<Applied, WordError> {
    Editor::new(&table::ROOT).set_inactive(root, words, true)
}

/// `annotate WORDS "comment"`; an empty comment removes the annotation.
pub fn annotate(root: &mut Node, words: &[String], comment: &str) -> Result<Applied, WordError> {
    Editor::new(&table::ROOT).annotate(root, words, comment)
}

/// `rename WORDS to TO`: `to` is `KEYWORD KEY` or `KEY` for the list entry `words` names.
pub fn rename(root: &mut Node, words: &[String], to: &[String]) -> Result<(), WordError> {
    Editor::new(&table::ROOT).rename(root, words, to)
}

/// `copy WORDS to TO`: as `rename`, keeping the original.
pub fn copy(root: &mut Node, words: &[String], to: &[String]) -> Result<(), WordError> {
    Editor::new(&table::ROOT).copy(root, words, to)
}

/// `insert WORDS (before|after) REFERENCE`: moves a list entry next to another entry of the
/// same list (`REFERENCE` is `KEYWORD KEY` or `KEY`). Lists ordered by number refuse.
pub fn insert(
    root: &mut Node,
    words: &[String],
    before: bool,
    reference: &[String],
) -> Result<(), WordError> {
    Editor::new(&table::ROOT).insert(root, words, before, reference)
}

/// `edit WORDS`: the path of the container or list entry the words name.
pub fn edit_target(words: &[String]) -> Result<Path, WordError> {
    Editor::new(&table::ROOT).edit_target(words)
}

/// The schema statement at `path` (exact keywords). A last element without a key on a list
/// (a grouped list's `[edit interfaces]` level) gives the list.
pub fn stmt_for_path(path: &[NodeId]) -> Option<&'static Stmt> {
    stmt_for_path_in(&table::ROOT, path)
}

pub(crate) fn stmt_for_path_in(root: &'static Stmt, path: &[NodeId]) -> Option<&'static Stmt> {
    let mut stmt = root;
    for id in path {
        stmt = stmt.child(&id.keyword)?;
    }
    Some(stmt)
}

/// `load MODE`: the candidate `base` with `text` loaded into it. `relative` is the edit level
/// the text is written at (`load ... relative`).
///
/// - `Override` replaces everything (or, with `relative`, the contents of that level);
/// - `Merge` adds the loaded statements, the loaded value winning;
/// - `Replace` merges, but a statement tagged `replace:` replaces the base's whole statement;
/// - `Set` applies `set`/`delete`/`activate`/`deactivate`/`annotate` lines.
pub fn load(
    base: &Node,
    mode: LoadMode,
    text: &str,
    relative: Option<&Path>,
) -> Result<Node, LoadError> {
    load::load(
        &table::ROOT,
        base,
        mode,
        text,
        relative.map(|p| p.as_slice()).unwrap_or(&[]),
    )
}

/// `load set` (terminal or file): applies every line or nothing, and names every line that
/// fails (see [`crate::mgmt::SetLineError`]). `relative` is the edit level of `load set
/// ... relative`.
pub fn load_set(
    base: &Node,
    text: &str,
    relative: Option<&Path>,
) -> Result<Node, Vec<crate::mgmt::SetLineError>> {
    load_set::apply(
        &table::ROOT,
        base,
        text,
        relative.map(|p| p.as_slice()).unwrap_or(&[]),
    )
}

/// `[edit a b]`, or `[edit]` at the root.
pub(crate) fn banner(path: &[NodeId]) -> String {
    if path.is_empty() {
        "[edit]".into()
    } else {
        format!("[edit {}]", path_words(path))
    }
}
