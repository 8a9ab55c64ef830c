//! The interactive shell on a terminal: rustyline with completion, hints and `?` help drawn
//! from the schema, the pager, and questions asked at the keyboard.

use crate::idle_watch::IdleWatch;
use crate::keys::{AbovePrompt, QuestionMark, SpaceKey, TabKey};
use crate::shell::cli_settings::TerminalInfo;
use crate::shell::help::{self, Where};
use crate::shell::pager::Key;
use crate::shell::transport::Transport;
use crate::shell::{Flow, Input, Mode, Shell, Splitter};
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{CompletionType, Config, Context, Editor, EventHandler, ExternalPrinter, KeyEvent};
use std::io::{self, Write};
use std::sync::{Arc, Mutex, PoisonError};

/// What completion needs to know of the session: the mode, the edit level and the prompt.
#[derive(Clone, Debug, Default)]
pub(crate) struct Position {
    pub(crate) configuration: bool,
    pub(crate) level: Vec<String>,
    pub(crate) prompt: String,
    /// `set cli complete-on-space`.
    pub(crate) complete_on_space: bool,
    /// A command line is being typed (not `load terminal` text or an answer to a question,
    /// where `?`, Space and Tab are ordinary keys).
    pub(crate) at_prompt: bool,
    /// What `rollback ?` shows (configuration mode), fetched before each prompt.
    pub(crate) revisions: Option<String>,
}

impl Position {
    pub(crate) fn at(&self) -> Where<'_> {
        if self.configuration {
            Where::Configuration { level: &self.level }
        } else {
            Where::Operational
        }
    }
}

pub(crate) type Shared = Arc<Mutex<Position>>;

/// Fetches the existing values of a source (in configuration mode or not) over the shell's
/// connection: profile names, tunnel IDs. Empty when the daemon does not answer in time.
pub type ValueLookup = Box<dyn FnMut(&help::Source, bool) -> Vec<String> + Send>;

pub(crate) type Values = Arc<Mutex<ValueLookup>>;

/// Runs `f` with a lookup of existing values for the mode in `position`.
pub(crate) fn with_values<R>(
    values: &Values,
    position: &Position,
    f: impl FnOnce(help::Lookup<'_>) -> R,
) -> R {
    let mut v = values.lock().unwrap_or_else(PoisonError::into_inner);
    let configuration = position.configuration;
    f(&mut |source: &help::Source| v(source, configuration))
}

pub(crate) fn lock(p: &Shared) -> std::sync::MutexGuard<'_, Position> {
    p.lock().unwrap_or_else(PoisonError::into_inner)
}

struct CliHelper {
    position: Shared,
    split: Splitter,
    values: Values,
    /// Each key typed is activity for the idle clock.
    idle: Option<IdleWatch>,
}

impl Completer for CliHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let position = lock(&self.position);
        if !position.at_prompt {
            return Ok((pos, Vec::new()));
        }
        let before = line.get(..pos).unwrap_or(line);
        let at = position.at();
        let (start, rows) = with_values(&self.values, &position, |lookup| {
            help::completions(at, self.split, before, lookup)
        });
        let width = match at {
            Where::Operational => 21,
            Where::Configuration { .. } => 30,
        };
        let candidates = rows
            .into_iter()
            .map(|r| Pair {
                display: format!("{:<width$}{}", r.name, r.help),
                replacement: format!("{} ", r.name),
            })
            .collect();
        Ok((start, candidates))
    }
}

impl Hinter for CliHelper {
    type Hint = String;

    /// The grey rest of a unique abbreviation, shown only at the end of the line.
    fn hint(&self, line: &str, pos: usize, _: &Context<'_>) -> Option<String> {
        // Called as the line changes, key by key: the operator is there.
        if let Some(idle) = &self.idle {
            idle.activity();
        }
        if pos < line.len() || line.ends_with(char::is_whitespace) || line.is_empty() {
            return None;
        }
        let position = lock(&self.position);
        // The grey hint comes with every key: from the tables only, never the daemon.
        let (_, rows) = help::completions(position.at(), self.split, line, &mut help::no_values);
        let (_, partial) = help::split_partial(line);
        match rows.as_slice() {
            [only] => only
                .name
                .strip_prefix(partial)
                .filter(|rest| !rest.is_empty())
                .map(str::to_string),
            _ => None,
        }
    }
}

impl Highlighter for CliHelper {}
impl Validator for CliHelper {}
impl rustyline::Helper for CliHelper {}

/// Questions and `load terminal` at the keyboard; the pager when stdout is a terminal.
struct Keyboard<'e> {
    editor: &'e mut Editor<CliHelper, DefaultHistory>,
    read_key: Box<dyn FnMut() -> io::Result<Key>>,
}

impl Input for Keyboard<'_> {
    fn load_line(&mut self) -> io::Result<Option<String>> {
        match self.editor.readline("") {
            Ok(line) => Ok(Some(line)),
            Err(ReadlineError::Eof) => Ok(None),
            Err(ReadlineError::Interrupted) => Err(io::ErrorKind::Interrupted.into()),
            Err(e) => Err(io::Error::other(e)),
        }
    }

    fn ask(&mut self, question: &str) -> io::Result<Option<String>> {
        match self.editor.readline(&format!("{question} ")) {
            Ok(answer) => Ok(Some(answer)),
            Err(ReadlineError::Eof | ReadlineError::Interrupted) => Ok(Some("no".to_string())),
            Err(e) => Err(io::Error::other(e)),
        }
    }

    fn pager(&mut self) -> Option<(usize, &mut dyn FnMut() -> io::Result<Key>)> {
        let rows = crate::terminal::rows()?;
        Some((rows, &mut *self.read_key))
    }

    fn terminal(&self) -> Option<TerminalInfo> {
        let rows = crate::terminal::rows()?;
        Some(TerminalInfo {
            rows,
            columns: crate::terminal::columns().unwrap_or(80),
            term: std::env::var("TERM").unwrap_or_default(),
            directory: std::env::current_dir()
                .map(|d| d.display().to_string())
                .unwrap_or_default(),
        })
    }
}

/// Runs the read-eval-print loop until `exit` or end of input; true when it ended because
/// the connection to the daemon was lost.
pub fn run<T: Transport>(
    mut shell: Shell<T>,
    split: Splitter,
    values: ValueLookup,
) -> io::Result<bool> {
    let values: Values = Arc::new(Mutex::new(values));
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .auto_add_history(true)
        .build();
    let mut editor: Editor<CliHelper, DefaultHistory> =
        Editor::with_config(config).map_err(io::Error::other)?;
    let position: Shared = Arc::default();
    // The terminal's own mode, taken before the line editor makes it raw: an idle session
    // closed from the watcher's thread puts it back.
    let saved = nix::sys::termios::tcgetattr(io::stdin()).ok();
    let idle = match editor.create_external_printer() {
        Ok(printer) => Some(IdleWatch::start(Box::new(printer), saved)?),
        Err(_) => None,
    };
    editor.set_helper(Some(CliHelper {
        position: position.clone(),
        split,
        values: values.clone(),
        idle: idle.clone(),
    }));
    // Without a terminal there is no printer (ENOTTY) and `?`, Space and Tab stay ordinary.
    if let Ok(printer) = editor.create_external_printer() {
        let printer = AbovePrompt::new(Box::new(printer))?;
        let handler = QuestionMark {
            position: position.clone(),
            split,
            values: values.clone(),
            printer: printer.clone(),
        };
        editor.bind_sequence(
            KeyEvent::from('?'),
            EventHandler::Conditional(Box::new(handler)),
        );
        let space = SpaceKey {
            position: position.clone(),
            split,
            printer: printer.clone(),
        };
        editor.bind_sequence(
            KeyEvent::from(' '),
            EventHandler::Conditional(Box::new(space)),
        );
        let tab = TabKey {
            position: position.clone(),
            split,
            values: values.clone(),
            printer,
        };
        editor.bind_sequence(
            KeyEvent::from('\t'),
            EventHandler::Conditional(Box::new(tab)),
        );
    }
    // Broadcasts (an automatic rollback) are shown above the prompt as they come, as Junos
    // writes them to every user's terminal.
    if let Ok(mut printer) = editor.create_external_printer() {
        let idle = idle.clone();
        shell.print_broadcasts_with(Box::new(move |message| {
            if message == schema::idle::CLOSING {
                if let Some(idle) = &idle {
                    idle.closed_by_daemon();
                }
            }
            let _ = printer.print(format!("\n{message}\n"));
        }));
    }
    // Junos shows the login message before anything else of the session, and the
    // announcement once the operator is in.
    for text in [shell.login_message(), shell.login_announcement()]
        .into_iter()
        .flatten()
    {
        println!("{text}");
    }
    shell.flush_notices();
    loop {
        let revisions = shell.revisions_help();
        {
            let mut p = lock(&position);
            p.revisions = revisions;
            p.configuration = matches!(shell.mode(), Mode::Configuration { .. });
            p.level = shell.level_words();
            p.prompt = shell.prompt();
            p.complete_on_space = shell.cli_settings().complete_on_space;
        }
        if let Some(banner) = shell.banner() {
            print!("{banner}");
        }
        io::stdout().flush()?;
        let prompt = shell.prompt();
        lock(&position).at_prompt = true;
        if let Some(idle) = &idle {
            idle.at_prompt(shell.cli_settings().idle_minutes());
        }
        let read = editor.readline(&prompt);
        if let Some(idle) = &idle {
            idle.left_prompt();
        }
        lock(&position).at_prompt = false;
        let line = match read {
            Ok(line) => line,
            // Ctrl-C at the prompt also ends `monitor start`.
            Err(ReadlineError::Interrupted) => {
                if shell.monitoring() {
                    shell.stop_monitoring();
                    if shell.lost() {
                        return Ok(true);
                    }
                }
                continue;
            }
            Err(ReadlineError::Eof) => {
                println!();
                return Ok(false);
            }
            Err(e) => return Err(io::Error::other(e)),
        };
        // A paste of several lines (the terminal's bracketed paste) comes back as one
        // entry: each line runs in turn, as if typed, shown after its own prompt so the
        // output reads as a session. The pasted text is taken literally (a `?` in it is not
        // a help request).
        for (n, command) in pasted_lines(&line).into_iter().enumerate() {
            if n > 0 {
                if let Some(banner) = shell.banner() {
                    print!("{banner}");
                }
                println!("{}{command}", shell.prompt());
            }
            let mut keyboard = Keyboard {
                editor: &mut editor,
                read_key: Box::new(crate::terminal::read_key),
            };
            if shell.execute(command, &mut keyboard) == Flow::Exit {
                return Ok(shell.lost());
            }
        }
    }
}

/// The commands of one entry: its non-blank lines (a terminal ends a pasted line with `\r`,
/// a file's with `\n` or `\r\n`). A single line is itself, blank or not.
fn pasted_lines(entry: &str) -> Vec<&str> {
    let lines: Vec<&str> = entry
        .split(['\n', '\r'])
        .filter(|l| !l.trim().is_empty())
        .collect();
    if lines.len() > 1 {
        lines
    } else {
        vec![entry.trim_end_matches(['\n', '\r'])]
    }
}

#[cfg(test)]
mod tests {
    use super::pasted_lines;

    #[test]
    fn a_paste_is_split_into_its_commands() {
        assert_eq!(pasted_lines("show version"), ["show version"]);
        assert_eq!(pasted_lines(""), [""]);
        assert_eq!(pasted_lines("set a 1\rset b 2\r"), ["set a 1", "set b 2"]);
        assert_eq!(
            pasted_lines("set a 1\r\n\r\nset b \"x?\"\n"),
            ["set a 1", "set b \"x?\""]
        );
        assert_eq!(pasted_lines("top\n"), ["top"]);
    }
}
