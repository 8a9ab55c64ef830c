//! `load set`: configuration-mode commands, one per line.

use super::LoadError;
use crate::def::Stmt;
use crate::edit::{Applied, Editor, WordError};
use crate::tokenize::{split_words, Word};
use crate::tree::{Node, NodeId};

/// Applies the lines of `text` to a copy of `base`; every path is taken below `level_path`.
pub(crate) fn apply(
    root: &'static Stmt,
    base: &Node,
    text: &str,
    level_path: &[NodeId],
) -> Result<Node, LoadError> {
    let editor = Editor::new(root);
    let mut tree = base.clone();
    let prefix: Vec<String> = level_path
        .iter()
        .flat_map(|id| id.words().cloned())
        .collect();
    let mut line_start = 0;
    for line in text.split('\n') {
        let offset = line_start;
        line_start += line.len() + 1;
        let error = |at: usize, message: String| LoadError::at(text, offset + at, message);
        let mut words = split_words(line).map_err(|(at, message)| error(at, message))?;
        // A `#` word ends the line: a comment line, or `## SECRET-DATA` after a secret.
        if let Some(comment) = words
            .iter()
            .position(|w| !w.quoted && w.text.starts_with('#'))
        {
            words.truncate(comment);
        }
        let Some((command, rest)) = words.split_first() else {
            continue;
        };
        // Where the operator should look for word `i` of `prefix ++ rest`.
        let word_at = |i: usize| -> usize {
            match i.checked_sub(prefix.len()) {
                None => command.start,
                Some(j) => rest
                    .get(j)
                    .map_or(line.trim_end().len(), |w: &Word| w.start),
            }
        };
        let located = |e: WordError| error(word_at(e.word), e.message);
        let mut args: Vec<String> = prefix.clone();
        args.extend(rest.iter().map(|w| w.text.clone()));
        let outcome = match command.text.as_str() {
            "set" => editor.set(&mut tree, &args).map(|()| Applied::Done),
            // Deleting what is not there changes nothing, as on Junos.
            "delete" => editor.delete(&mut tree, &args).map(|_| Applied::Done),
            "activate" => editor.set_inactive(&mut tree, &args, false),
            "deactivate" => editor.set_inactive(&mut tree, &args, true),
            "annotate" => match args.split_last() {
                Some((comment, path)) if rest.len() >= 2 => {
                    editor.annotate(&mut tree, path, comment)
                }
                _ => Err(WordError {
                    word: args.len(),
                    message: "missing argument.".into(),
                }),
            },
            _ => {
                let message =
                    "syntax error, expecting set, delete, activate, deactivate or annotate"
                        .to_string();
                return Err(error(command.start, message));
            }
        }
        .map_err(located)?;
        if outcome == Applied::NotFound {
            return Err(error(command.start, "statement not found".into()));
        }
    }
    Ok(tree)
}
