//! Unique-prefix abbreviation of command words (`sh conf` = `show configuration`) and the
//! walk of a typed line through an operational or configuration-mode command table.

use schema::opcmd::{Action, OpCmd, Rest};
use schema::tokenize::Word;

/// The outcome of resolving one typed word against a set of names.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved<T> {
    One(T),
    /// No name starts with the word.
    None,
    /// Several names start with it and none equals it.
    Ambiguous(Vec<T>),
}

/// Resolves `typed` among `items` by unique prefix; an exact name always wins, as on Junos
/// (`set` is not ambiguous with `set-foo`).
pub fn resolve<T: Copy>(
    typed: &str,
    items: impl IntoIterator<Item = T>,
    name: impl Fn(T) -> &'static str,
) -> Resolved<T> {
    let mut found = Vec::new();
    for item in items {
        let n = name(item);
        if n == typed {
            return Resolved::One(item);
        }
        if n.starts_with(typed) {
            found.push(item);
        }
    }
    match found.len() {
        0 => Resolved::None,
        1 => Resolved::One(found[0]),
        _ => Resolved::Ambiguous(found),
    }
}

/// A recognised command.
#[derive(Debug)]
pub struct Command<'w> {
    pub action: Action,
    /// The table node the walk stopped at: its `rest` says how to read `args`.
    pub node: &'static OpCmd,
    /// Values of keywords that take one (`user U`), by keyword.
    pub values: Vec<(&'static str, &'w Word)>,
    /// Words after the last command word, for the command to read.
    pub args: &'w [Word],
}

/// Why a line is not a command; `word` indexes the typed words (`words.len()` = the end).
#[derive(Debug, PartialEq, Eq)]
pub enum Mismatch {
    Unknown {
        word: usize,
    },
    Ambiguous {
        word: usize,
        candidates: Vec<&'static OpCmd>,
    },
    /// The words stop before a command is complete (`show system`).
    Incomplete {
        word: usize,
    },
}

/// Walks `words` through `root`'s children. The walk stops at a node that takes free words
/// (a configuration path, an operational command, file names) or whose children are options
/// parsed by the command itself, so `set system` is `set` with the argument `system`.
pub fn match_command<'w>(root: &'static OpCmd, words: &'w [Word]) -> Result<Command<'w>, Mismatch> {
    let mut node = root;
    let mut action = None;
    let mut values = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if node.options || (node.rest != Rest::Nothing && node.children.is_empty()) {
            break;
        }
        let word = &words[i];
        let next = if word.quoted {
            Resolved::None
        } else {
            resolve(word.text.as_str(), node.children.iter(), |c| c.name)
        };
        match next {
            Resolved::One(child) => {
                node = child;
                action = child.action.or(action);
                i += 1;
                if child.value.is_some() {
                    let value = words.get(i).ok_or(Mismatch::Incomplete { word: i })?;
                    values.push((child.name, value));
                    i += 1;
                }
            }
            Resolved::Ambiguous(candidates) => {
                return Err(Mismatch::Ambiguous {
                    word: i,
                    candidates,
                })
            }
            Resolved::None if node.rest != Rest::Nothing => break,
            Resolved::None => return Err(Mismatch::Unknown { word: i }),
        }
    }
    match action {
        Some(action) => Ok(Command {
            action,
            node,
            values,
            args: &words[i..],
        }),
        None => Err(Mismatch::Incomplete { word: i }),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use schema::opcmd::{CONFIGURATION, OPERATIONAL};

    /// Whitespace splitting for tests (the real quote-aware splitter is the schema's).
    pub fn plain_words(line: &str) -> Vec<Word> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in line
            .char_indices()
            .chain(std::iter::once((line.len(), ' ')))
        {
            match (c.is_whitespace(), start) {
                (true, Some(s)) => {
                    out.push(Word {
                        text: line[s..i].to_string(),
                        start: s,
                        end: i,
                        quoted: false,
                    });
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn exact_wins_over_prefix() {
        let names = ["set", "set-up", "show"];
        assert_eq!(resolve("set", names, |n| n), Resolved::One("set"));
        assert_eq!(
            resolve("se", names, |n| n),
            Resolved::Ambiguous(vec!["set", "set-up"])
        );
        assert_eq!(resolve("x", names, |n| n), Resolved::None);
    }

    #[test]
    fn abbreviated_operational_commands() {
        let w = plain_words("sh conf system");
        let c = match_command(&OPERATIONAL, &w).expect("command");
        assert_eq!(c.action, Action::ShowConfiguration);
        assert_eq!(c.args.len(), 1);
        let w = plain_words("conf ex");
        assert_eq!(
            match_command(&OPERATIONAL, &w).expect("command").action,
            Action::ConfigureExclusive
        );
    }

    #[test]
    fn mismatches() {
        let w = plain_words("show bogus");
        assert_eq!(
            match_command(&OPERATIONAL, &w).unwrap_err(),
            Mismatch::Unknown { word: 1 }
        );
        let w = plain_words("show system");
        assert_eq!(
            match_command(&OPERATIONAL, &w).unwrap_err(),
            Mismatch::Incomplete { word: 2 }
        );
        let w = plain_words("de x");
        match match_command(&CONFIGURATION, &w).unwrap_err() {
            Mismatch::Ambiguous {
                word: 0,
                candidates,
            } => {
                assert_eq!(
                    candidates.iter().map(|c| c.name).collect::<Vec<_>>(),
                    ["deactivate", "delete"]
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn config_commands_stop_at_their_arguments() {
        let w = plain_words("set system host-name r1");
        let c = match_command(&CONFIGURATION, &w).expect("command");
        assert_eq!((c.action, c.args.len()), (Action::Set, 3));
        let w = plain_words("commit confirmed 5");
        let c = match_command(&CONFIGURATION, &w).expect("command");
        assert_eq!((c.action, c.args.len()), (Action::Commit, 2));
        let w = plain_words("load merge /tmp/x relative");
        let c = match_command(&CONFIGURATION, &w).expect("command");
        assert_eq!(
            (c.action, c.node.name, c.args.len()),
            (Action::Load, "merge", 2)
        );
        let w = plain_words("exit configuration-mode");
        assert_eq!(
            match_command(&CONFIGURATION, &w).expect("command").action,
            Action::ExitConfigurationMode
        );
    }
}
