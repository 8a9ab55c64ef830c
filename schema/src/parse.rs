//! Reading configuration text (curly-brace form, and `set`/`delete` lines) into a tree,
//! checked against the schema. The pest grammar is `config.pest`.

mod build;
mod steps;
mod syntax;
#[cfg(test)]
pub(crate) mod test_schema;
#[cfg(test)]
mod tests;
pub(crate) mod unsupported;

use crate::def::Stmt;
use crate::table;
use crate::tree::{Node, NodeId, Path};

/// Where and why a configuration text failed to load (1-based line and column), with what
/// Junos prints around it: the `[edit …]` level, the statement as written and the word.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LoadError {
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// Where in the configuration, boxed: an error is passed back through many results.
    #[serde(default)]
    pub context: Box<Context>,
    /// The further statements of the same text that could not be taken, in text order: a
    /// brace-text load reports them all in one pass, so an operator fixes a pasted
    /// configuration in one round. Always empty in these further errors themselves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub more: Vec<LoadError>,
}

/// What Junos prints around a load error besides its line, column and message.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Context {
    /// The level of the block the statement stands in, as its banner writes it without the
    /// brackets (`interfaces ge-0/0/1 unit 0 family inet`); empty for `[edit]`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub edit_path: String,
    /// The statement as written, on one line (`adress 127.0.0.1/24;`); empty where there is
    /// none (a `}` missing at the end of the text).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub statement: String,
    /// The word at the error's line and column; empty where a word or a `;` is missing.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub word: String,
}

impl LoadError {
    /// An error at byte offset `at` of `text`; the column counts characters, as an editor does.
    pub(crate) fn at(text: &str, at: usize, message: impl Into<String>) -> LoadError {
        let at = floor_char_boundary(text, at);
        let before = &text[..at];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = text[line_start..at].chars().count() + 1;
        LoadError {
            line,
            column,
            message: message.into(),
            context: Box::new(Context {
                word: word_at(&text[at..]),
                ..Context::default()
            }),
            more: Vec::new(),
        }
    }

    /// All the errors, this one first.
    pub fn all(&self) -> impl Iterator<Item = &LoadError> {
        std::iter::once(self).chain(self.more.iter())
    }

    /// Each error on its own, in text order, as the shell prints them.
    pub fn into_lines(mut self) -> Vec<crate::mgmt::SetLineError> {
        let more = std::mem::take(&mut self.more);
        std::iter::once(self)
            .chain(more)
            .map(|e| {
                let Context {
                    edit_path,
                    statement,
                    word,
                } = *e.context;
                crate::mgmt::SetLineError {
                    line: e.line,
                    column: e.column,
                    edit_path,
                    statement,
                    word,
                    message: e.message,
                }
            })
            .collect()
    }

    /// Errors listed one by one, as one error: the first, the others in its `more`.
    pub fn from_lines(lines: Vec<crate::mgmt::SetLineError>) -> LoadError {
        let mut errors = lines.into_iter().map(|e| LoadError {
            line: e.line,
            column: e.column,
            message: e.message,
            context: Box::new(Context {
                edit_path: e.edit_path,
                statement: e.statement,
                word: e.word,
            }),
            more: Vec::new(),
        });
        let first = errors.next().unwrap_or_else(|| LoadError {
            line: 1,
            column: 1,
            message: "syntax error.".into(),
            ..LoadError::default()
        });
        LoadError {
            more: errors.collect(),
            ..first
        }
    }
}

/// The word that starts `rest` as Junos names it in `syntax error: WORD`: a bare word, a
/// quoted string's text, or one of `; { } [ ]`; nothing at a space or the end.
fn word_at(rest: &str) -> String {
    let mut chars = rest.chars();
    match chars.next() {
        None => String::new(),
        Some(c) if c.is_whitespace() => String::new(),
        Some(c @ (';' | '{' | '}' | '[' | ']')) => c.to_string(),
        Some('"') => chars.take_while(|c| *c != '"' && *c != '\n').collect(),
        Some(_) => rest
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, ';' | '{' | '}' | '[' | ']' | '"'))
            .collect(),
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.all().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "line {}, column {}: {}", e.line, e.column, e.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A brace-form text read at some edit level.
#[derive(Debug)]
pub(crate) struct Parsed {
    /// The contents of the level.
    pub tree: Node,
    /// Statements tagged `replace:`, relative to the level, for `load replace`.
    pub replace: Vec<Path>,
}

/// Parses brace-form configuration text into a schema-checked tree.
pub fn parse_config(text: &str) -> Result<Node, LoadError> {
    parse_at(&table::ROOT, &[], text).map(|p| p.tree)
}

/// Parses brace-form text written at the edit level `level_path`, whose statement is `level`
/// (the root statement for a whole configuration).
pub(crate) fn parse_at(
    level: &'static Stmt,
    level_path: &[NodeId],
    text: &str,
) -> Result<Parsed, LoadError> {
    let items = syntax::items(text)?;
    build::build(level, level_path, text, items)
}

/// Applies `set`/`delete`/`activate`/`deactivate`/`annotate` lines (one per line, `#`
/// comments and blank lines allowed) to a copy of `base`: all or nothing, every failing line
/// reported (the first as the error, the rest in its `more`). The one applier of set lines is
/// `load set`'s ([`crate::edit::load_set`]); this is its form for callers of brace-text loads.
pub fn apply_set_lines(base: &Node, text: &str) -> Result<Node, LoadError> {
    apply_set_lines_in(&table::ROOT, base, text, &[])
}

pub(crate) use crate::edit::apply_set_lines_in;
#[cfg(test)]
#[path = "parse/interface_range_tests.rs"]
mod interface_range_tests;
#[cfg(test)]
#[path = "parse/junos_coverage_tests.rs"]
mod junos_coverage_tests;
#[cfg(test)]
#[path = "parse/junos_gaps_tests.rs"]
mod junos_gaps_tests;
#[cfg(test)]
#[path = "parse/junos_sample2_tests.rs"]
mod junos_sample2_tests;
#[cfg(test)]
#[path = "parse/junos_sample3_tests.rs"]
mod junos_sample3_tests;
#[cfg(test)]
#[path = "parse/junos_sample4_tests.rs"]
mod junos_sample4_tests;
#[cfg(test)]
#[path = "parse/junos_text_tests.rs"]
mod junos_text_tests;
#[cfg(test)]
#[path = "parse/keyless_tests.rs"]
mod keyless_tests;
#[cfg(test)]
mod list_block_tags_tests;
#[cfg(test)]
#[path = "parse/recovery_tests.rs"]
mod recovery_tests;
#[cfg(test)]
#[path = "parse/whole_config_tests.rs"]
mod whole_config_tests;
