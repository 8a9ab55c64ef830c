//! `load set`: configuration-mode commands one a line, every failing line reported in one
//! pass (line, column, level, statement, why) and nothing loaded unless all apply. The one
//! applier of set lines: `load set` (terminal, file, relative), `load` in `LoadMode::Set` and
//! `parse::apply_set_lines` all come here.

use super::{stmt_for_path_in, Applied, Arg, Editor, WordError};
use crate::def::{Kind, Stmt};
use crate::mgmt::SetLineError;
use crate::parse::LoadError;
use crate::tokenize::{split_words, Word};
use crate::tree::{path_words, Node, NodeId};

/// Applies the lines of `text` to a copy of `base`, each path taken below `level_path`.
pub(crate) fn apply(
    root: &'static Stmt,
    base: &Node,
    text: &str,
    level_path: &[NodeId],
) -> Result<Node, Vec<SetLineError>> {
    if !is_level(root, level_path) {
        return Err(vec![SetLineError {
            line: 1,
            column: 1,
            edit_path: String::new(),
            statement: String::new(),
            word: String::new(),
            message: format!(
                "invalid level for relative load: {}",
                path_words(level_path)
            ),
        }]);
    }
    let editor = Editor::new(root);
    let mut tree = base.clone();
    let prefix = Arg::path(level_path);
    let mut errors = Vec::new();
    for (n, line) in text.split('\n').enumerate() {
        let line = line.trim_end_matches('\r');
        if let Err(e) = apply_line(&editor, &mut tree, line, &prefix) {
            errors.push(SetLineError { line: n + 1, ..e });
        }
    }
    if errors.is_empty() {
        Ok(tree)
    } else {
        Err(errors)
    }
}

/// [`apply`], its errors as one [`LoadError`]: the first, the others in its `more`, each at
/// its line and column with its message (for callers that handle brace-text errors).
pub(crate) fn apply_as_load(
    root: &'static Stmt,
    base: &Node,
    text: &str,
    level_path: &[NodeId],
) -> Result<Node, LoadError> {
    apply(root, base, text, level_path).map_err(LoadError::from_lines)
}

/// Whether lines may be written at `level_path` (`load set … relative`): the top, or a level
/// with a block: a container, a list entry, or a grouped list (`[edit interfaces]`, whose
/// lines begin with the entry's name).
fn is_level(root: &'static Stmt, level_path: &[NodeId]) -> bool {
    if level_path.is_empty() {
        return true;
    }
    stmt_for_path_in(root, level_path).is_some_and(|s| {
        s.has_block()
            && (!matches!(s.kind, Kind::List(_))
                || s.grouped
                || level_path.last().is_some_and(|id| id.key.is_some()))
    })
}

/// One line; the error's `line` is filled in by the caller.
fn apply_line(
    editor: &Editor,
    tree: &mut Node,
    line: &str,
    prefix: &[Arg],
) -> Result<(), SetLineError> {
    let at = |byte: usize, edit_path: String, message: String| {
        let byte = floor_boundary(line, byte);
        let rest = line[byte..].trim_end();
        SetLineError {
            line: 0,
            column: line[..byte].chars().count() + 1,
            edit_path,
            statement: rest.to_string(),
            word: rest.split_whitespace().next().unwrap_or("").to_string(),
            message,
        }
    };
    let mut words = split_words(line).map_err(|(byte, m)| at(byte, String::new(), m))?;
    // A `#` word ends the line: a comment line, or `## SECRET-DATA` after a secret.
    if let Some(comment) = words
        .iter()
        .position(|w| !w.quoted && w.text.starts_with('#'))
    {
        words.truncate(comment);
    }
    let Some((command, rest)) = words.split_first() else {
        return Ok(());
    };
    let mut args: Vec<Arg> = prefix.to_vec();
    args.extend(rest.iter().map(Arg::from));
    let outcome = match command.text.as_str() {
        "set" => editor.set(tree, &args).map(|()| Applied::Done),
        // Deleting what is not there changes nothing, as on Junos.
        "delete" => editor.delete(tree, &args).map(|_| Applied::Done),
        "activate" => editor.set_inactive(tree, &args, false),
        "deactivate" => editor.set_inactive(tree, &args, true),
        "annotate" => match args.split_last() {
            Some((comment, path)) if rest.len() >= 2 => editor.annotate(tree, path, &comment.text),
            _ => Err(WordError {
                word: args.len(),
                message: "missing argument.".into(),
            }),
        },
        _ => {
            return Err(at(
                command.start,
                String::new(),
                // Junos' words for a line that is no configuration command.
                "syntax error, expecting <command>.".into(),
            ));
        }
    };
    match outcome {
        Ok(Applied::Done) => Ok(()),
        Ok(Applied::NotFound) => Err(at(
            command.start,
            String::new(),
            "statement not found".into(),
        )),
        Err(e) => {
            // Where the operator should look: the bad word, or the end for a missing one.
            let byte = match e.word.checked_sub(prefix.len()) {
                None => command.start,
                Some(j) => rest
                    .get(j)
                    .map_or(line.trim_end().len(), |w: &Word| w.start),
            };
            let level = reached(editor, &args[..e.word.min(args.len())]);
            let mut error = at(byte, level, e.message);
            if e.word >= args.len() {
                // A missing word: show the last word typed as the statement.
                error.word.clear();
                error.statement = rest.last().map_or(String::new(), |w| w.text.clone());
            }
            Err(error)
        }
    }
}

/// The words of the deepest level with a block that `words` reach (`interfaces ge-0/0/1
/// unit 0 family inet` for `… family inet adress 1.1.1.1/24`), as Junos' `[edit …]` line.
fn reached(editor: &Editor, words: &[Arg]) -> String {
    for end in (0..=words.len()).rev() {
        let Ok(r) = editor.resolve(&words[..end], false) else {
            continue;
        };
        // A list named without its key is no level (except a grouped list's own).
        let keyless_list = matches!(r.stmt.kind, crate::def::Kind::List(_))
            && r.path.last().is_some_and(|id| id.key.is_none())
            && !r.stmt.grouped;
        if (r.stmt.has_block() || r.path.is_empty()) && !keyless_list {
            return path_words(&r.path);
        }
    }
    String::new()
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
#[path = "load_set_tests.rs"]
mod tests;
