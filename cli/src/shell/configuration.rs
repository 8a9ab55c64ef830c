//! Configuration-mode commands (`user@host# `). Paths are sent as the edit level's words
//! followed by the typed words; the daemon resolves them against the schema.

use super::answer::done_messages;
use super::pipe::{split_pipes, Pipe};
use super::show::{inheritance_pipe, Shown};
use super::transport::Transport;
use super::words::{match_command, resolve, Resolved};
use super::{level_words, navigation, Flow, Input, Lost, Mode, Shell};
use schema::edit::Arg;
use schema::mgmt::{LoadMode, MgmtError, Reply, Request, Revision};
use schema::opcmd::{Action, CONFIGURATION};
use schema::tokenize::Word;
use schema::tree::Path;

/// `commit` options, combinable as on Junos.
#[derive(Debug, Default, PartialEq, Eq)]
struct CommitOptions {
    /// `commit at TIME`: checked now, committed at TIME.
    at: Option<String>,
    check: bool,
    confirmed: Option<u32>,
    comment: Option<String>,
    and_quit: bool,
}

/// Junos' default `commit confirmed` window, in minutes.
const DEFAULT_CONFIRM_MINUTES: u32 = 10;
const MAX_ROLLBACK: u32 = 49;

impl<T: Transport> Shell<T> {
    pub(super) fn configuration(
        &mut self,
        line: &str,
        words: &[Word],
        input: &mut dyn Input,
    ) -> Result<Flow, Lost> {
        let cmd = {
            // `run` takes its own pipes; everything else is split here.
            let command_words = match words.iter().position(|w| !w.quoted && w.text == "|") {
                Some(bar) => &words[..bar],
                None => words,
            };
            match match_command(&CONFIGURATION, command_words) {
                Ok(c) => c,
                Err(m) => {
                    self.mismatch(line, words, m);
                    return Ok(Flow::Continue);
                }
            }
        };
        // `top CMD`, `up [N] CMD`: CMD runs at that level (pipes and all).
        if matches!(cmd.action, Action::Top | Action::Up) && !cmd.args.is_empty() {
            let start = command_len(words) - cmd.args.len();
            let (target, skip) = match cmd.action {
                Action::Top => (Path::new(), 0),
                _ => match cmd.args.first().map(|w| w.text.parse::<usize>()) {
                    Some(Ok(s)) if s > 0 => (navigation::up_from(&self.level(), s), 1),
                    // `up 0`, or a number too large to count levels with.
                    Some(r)
                        if r.is_ok() || cmd.args[0].text.bytes().all(|b| b.is_ascii_digit()) =>
                    {
                        let w = &cmd.args[0];
                        self.syntax_error(
                            line,
                            w.start,
                            &format!("invalid numeric value: '{}'", w.text),
                        );
                        return Ok(Flow::Continue);
                    }
                    _ => (navigation::up_from(&self.level(), 1), 0),
                },
            };
            let inner = &words[start + skip..];
            if inner.is_empty() || command_len(inner) == 0 {
                // `up 2` alone, or `up 2 | …`: only a move.
                if inner.is_empty() {
                    self.move_to(line, level_words(&target), 0, &[])?;
                } else {
                    self.syntax_error(line, inner[0].start, "syntax error.");
                }
                return Ok(Flow::Continue);
            }
            return self.run_at(line, inner, target, input);
        }
        if cmd.action == Action::Run {
            let start = command_len(words) - cmd.args.len();
            return self.operational_words(line, &words[start..], input, true);
        }
        let (_, pipes) = match split_pipes(words) {
            Ok(split) => split,
            Err(e) => {
                let pos = words.get(e.word).map_or(line.trim_end().len(), |w| w.start);
                self.syntax_error(line, pos, &e.message);
                return Ok(Flow::Continue);
            }
        };
        if !pipes.is_empty() && !cmd.node.pipe {
            let pos = words
                .iter()
                .find(|w| !w.quoted && w.text == "|")
                .map_or(0, |w| w.start);
            self.syntax_error(line, pos, "syntax error.");
            return Ok(Flow::Continue);
        }
        let args = cmd.args;
        let level = self.level_words();
        let with_level = |typed: &[Word]| -> Vec<String> {
            level
                .iter()
                .cloned()
                .chain(typed.iter().map(|w| w.text.clone()))
                .collect()
        };
        let n = level.len();
        match cmd.action {
            // Junos asks before `delete` empties the whole level.
            Action::Delete if args.is_empty() => self.delete_level(line, level.clone(), input)?,
            Action::Set | Action::Delete | Action::Activate | Action::Deactivate => {
                if args.is_empty() {
                    self.syntax_error(
                        line,
                        line.trim_end().len(),
                        "syntax error, expecting <statement> or <identifier>.",
                    );
                    return Ok(Flow::Continue);
                }
                // Quoting is kept: `delimiter "["` sets a value, `delimiter [ a b ]` a list.
                let words: Vec<Arg> = level
                    .iter()
                    .map(|w| Arg::bare(w.as_str()))
                    .chain(args.iter().map(Arg::from))
                    .collect();
                let request = match cmd.action {
                    Action::Set => Request::Set { words },
                    Action::Delete => Request::Delete { words },
                    Action::Activate => Request::Activate { words },
                    _ => Request::Deactivate { words },
                };
                self.simple(line, request, n, args)?;
            }
            Action::Annotate => match args.split_last() {
                Some((comment, path)) if !path.is_empty() => {
                    let request = Request::Annotate {
                        words: with_level(path),
                        comment: comment.text.clone(),
                    };
                    self.simple(line, request, n, path)?;
                }
                _ => self.syntax_error(
                    line,
                    line.trim_end().len(),
                    "syntax error, expecting <statement> \"comment\".",
                ),
            },
            Action::Rename | Action::Copy => {
                let Some((path, _, new)) = self.split_at_keyword(line, args, &["to"]) else {
                    return Ok(Flow::Continue);
                };
                let words = with_level(path);
                let to = texts(new);
                let request = if cmd.action == Action::Rename {
                    Request::Rename { words, to }
                } else {
                    Request::Copy { words, to }
                };
                self.simple(line, request, n, path)?;
            }
            Action::Insert => {
                let Some((path, at, reference)) =
                    self.split_at_keyword(line, args, &["before", "after"])
                else {
                    return Ok(Flow::Continue);
                };
                let request = Request::Insert {
                    words: with_level(path),
                    before: at == "before",
                    reference: texts(reference),
                };
                self.simple(line, request, n, path)?;
            }
            Action::Edit => {
                if args.is_empty() {
                    self.syntax_error(
                        line,
                        line.trim_end().len(),
                        "syntax error, expecting <statement>.",
                    );
                    return Ok(Flow::Continue);
                }
                let from = self.level();
                if self.move_to(line, with_level(args), n, args)? {
                    self.edit_history.push(from);
                }
            }
            // Only `up` alone gets here (see `top CMD` above).
            Action::Up => {
                self.up(line, 1)?;
            }
            Action::Top => {
                self.move_to(line, Vec::new(), 0, &[])?;
            }
            Action::ExitConfigurationLevel => {
                if self.at_top() {
                    return self.leave(input);
                }
                // Back to where the last `edit` started from (the top if there is none).
                let back = self.edit_history.pop().unwrap_or_default();
                self.move_to(line, level_words(&back), 0, &[])?;
            }
            Action::ExitConfigurationMode | Action::Quit => return self.leave(input),
            Action::Show => {
                let compare = pipes.iter().find_map(|p| match p {
                    Pipe::Compare(n) => Some(*n),
                    _ => None,
                });
                let words = with_level(args);
                let shown_words = words.clone();
                let request = match compare {
                    Some(n) => Request::Compare {
                        words,
                        base: n.map_or(Revision::Active, Revision::Rollback),
                        target: Revision::Candidate,
                    },
                    None => Request::Show { words },
                };
                if let (None, Some(comments)) = (compare, inheritance_pipe(&pipes)) {
                    let whole = Request::Show { words: Vec::new() };
                    let shown =
                        self.inheritance(comments, &pipes, &shown_words, whole, line, n, args)?;
                    if let Some(shown) = shown {
                        self.emit(shown, &pipes, input);
                    }
                    return Ok(Flow::Continue);
                }
                match self.call(request)? {
                    Ok(Reply::Config { path, tree, header }) => {
                        let level = self.level();
                        self.emit(
                            Shown::Config {
                                path,
                                tree,
                                header,
                                level: Some(level),
                            },
                            &pipes,
                            input,
                        )
                    }
                    Ok(Reply::Diff { blocks }) => self.emit(Shown::Diff(blocks), &pipes, input),
                    Ok(other) => self.unexpected(&other),
                    Err(e) => self.report(line, e, n, args),
                }
            }
            Action::Status => match self.call(Request::ShowSystemUsers)? {
                Ok(Reply::Users { users, changed }) => {
                    let editing: Vec<_> = users
                        .into_iter()
                        .filter(|u| u.edit_path.is_some())
                        .collect();
                    if !editing.is_empty() {
                        self.print(&super::render::editing_users(&editing));
                    }
                    if changed {
                        self.print("The configuration has been changed but not committed\n");
                    }
                }
                Ok(other) => self.unexpected(&other),
                Err(e) => self.report_plain(e, None),
            },
            Action::Commit => {
                let options = match parse_commit(cmd.node, args) {
                    Ok(o) => o,
                    Err((i, message)) => {
                        let pos = args.get(i).map_or(line.trim_end().len(), |w| w.start);
                        self.syntax_error(line, pos, &message);
                        return Ok(Flow::Continue);
                    }
                };
                if let Some(time) = options.at {
                    self.commit_at(time, options.comment)?;
                    return Ok(Flow::Continue);
                }
                let and_quit = options.and_quit;
                let request = Request::Commit {
                    check: options.check,
                    confirmed: options.confirmed,
                    comment: options.comment,
                    and_quit,
                };
                if let Some(messages) = self.expect(request, done_messages)? {
                    self.print_messages(&messages);
                    if and_quit {
                        self.mode = Mode::Operational;
                    }
                }
            }
            Action::Rollback => {
                let index = match args {
                    [] => 0,
                    [w] if !w.quoted
                        && w.text.len() >= 2
                        && "rescue".starts_with(w.text.as_str()) =>
                    {
                        self.rollback_rescue(line)?;
                        return Ok(Flow::Continue);
                    }
                    [w] => match w.text.parse::<u32>() {
                        Ok(i) if i <= MAX_ROLLBACK => i,
                        _ => {
                            self.syntax_error(
                                line,
                                w.start,
                                &format!(
                                    "Value {} is not within range (0..{MAX_ROLLBACK})",
                                    w.text
                                ),
                            );
                            return Ok(Flow::Continue);
                        }
                    },
                    [_, extra, ..] => {
                        self.syntax_error(line, extra.start, "syntax error.");
                        return Ok(Flow::Continue);
                    }
                };
                self.simple(line, Request::Rollback { index }, 0, &[])?;
            }
            Action::Load => return self.load(line, cmd.node.name, args, level, input),
            Action::Save => match args {
                [file] => self.save(&file.text, level)?,
                _ => {
                    let pos = args.get(1).map_or(line.trim_end().len(), |w| w.start);
                    self.syntax_error(line, pos, "syntax error, expecting <filename>.");
                }
            },
            Action::Update => self.simple(line, Request::Update, 0, &[])?,
            Action::WildcardDelete => self.wildcard_delete(line, level.clone(), args, input)?,
            Action::ReplacePattern => self.replace_pattern(line, level.clone(), args)?,
            Action::HelpTopic | Action::HelpReference => {
                self.help_topic(line, cmd.action == Action::HelpReference, args, &level)
            }
            Action::ConfigHelp => {
                let at = super::help::Where::Configuration { level: &level };
                let rows = super::help::rows(at, &[], "");
                self.print(&super::help::render(at, &rows));
            }
            other => self.error(&format!("{other:?} is not a configuration command")),
        }
        Ok(Flow::Continue)
    }

    fn at_top(&self) -> bool {
        matches!(&self.mode, Mode::Configuration { level } if level.is_empty())
    }

    /// A request answered with `Done`: print its messages or the error.
    fn simple(
        &mut self,
        line: &str,
        request: Request,
        prefix: usize,
        typed: &[Word],
    ) -> Result<(), Lost> {
        match self.call(request)? {
            Ok(Reply::Done { messages }) => self.print_messages(&messages),
            Ok(other) => self.unexpected(&other),
            Err(e) => self.report(line, e, prefix, typed),
        }
        Ok(())
    }

    /// Splits `rename/copy PATH to ID` and `insert PATH before|after ID` at the last unquoted
    /// keyword of `keywords`; reports the syntax error and returns `None` when the keyword or
    /// either side is missing.
    fn split_at_keyword<'w>(
        &mut self,
        line: &str,
        args: &'w [Word],
        keywords: &[&str],
    ) -> Option<(&'w [Word], &'w str, &'w [Word])> {
        let end = line.trim_end().len();
        let Some(at) = args
            .iter()
            .rposition(|w| !w.quoted && keywords.contains(&w.text.as_str()))
        else {
            let expecting = keywords
                .iter()
                .map(|k| format!("'{k}'"))
                .collect::<Vec<_>>()
                .join(" or ");
            self.syntax_error(line, end, &format!("syntax error, expecting {expecting}."));
            return None;
        };
        let (before, after) = (&args[..at], &args[at + 1..]);
        if before.is_empty() || after.is_empty() {
            self.syntax_error(line, end, "syntax error, expecting <identifier>.");
            return None;
        }
        Some((before, args[at].text.as_str(), after))
    }

    /// `edit`, `up`, `top`, `exit`: the daemon checks the level and answers the canonical
    /// path. True when the level changed.
    fn move_to(
        &mut self,
        line: &str,
        words: Vec<String>,
        prefix: usize,
        typed: &[Word],
    ) -> Result<bool, Lost> {
        match self.call(Request::Edit { words })? {
            Ok(Reply::EditPath { path }) => {
                self.set_level(path);
                return Ok(true);
            }
            Ok(other) => self.unexpected(&other),
            Err(e) => self.report(line, e, prefix, typed),
        }
        Ok(false)
    }

    fn level(&self) -> Path {
        match &self.mode {
            Mode::Configuration { level } => level.clone(),
            Mode::Operational => Path::new(),
        }
    }

    fn up(&mut self, line: &str, steps: usize) -> Result<(), Lost> {
        let Mode::Configuration { level } = &self.mode else {
            return Ok(());
        };
        let target = navigation::up_from(level, steps);
        self.move_to(line, level_words(&target), 0, &[]).map(|_| ())
    }

    fn set_level(&mut self, path: Path) {
        if let Mode::Configuration { level } = &mut self.mode {
            *level = path;
        }
    }

    /// Leaves configuration mode, asking first when the daemon says there are changes.
    fn leave(&mut self, input: &mut dyn Input) -> Result<Flow, Lost> {
        match self.call(Request::ExitConfiguration { confirm: false })? {
            Ok(Reply::Done { messages }) => self.print_messages(&messages),
            Ok(Reply::ConfirmExit { question, warnings }) => {
                self.print_messages(&warnings);
                let answer = match input.ask(&question) {
                    Ok(Some(a)) => a,
                    Ok(None) => {
                        // Nobody to ask (a script): Junos' default answer, shown as if typed.
                        self.print(&format!("{question} yes\n"));
                        "yes".to_string()
                    }
                    Err(e) => {
                        self.error(&format!("cannot read the answer: {e}"));
                        return Ok(Flow::Continue);
                    }
                };
                if !is_yes(&answer) {
                    return Ok(Flow::Continue);
                }
                match self.call(Request::ExitConfiguration { confirm: true })? {
                    Ok(Reply::Done { messages }) => self.print_messages(&messages),
                    Ok(other) => {
                        self.unexpected(&other);
                        return Ok(Flow::Continue);
                    }
                    Err(e) => {
                        self.report_plain(e, None);
                        return Ok(Flow::Continue);
                    }
                }
            }
            Ok(other) => {
                self.unexpected(&other);
                return Ok(Flow::Continue);
            }
            Err(e) => {
                self.report_plain(e, None);
                return Ok(Flow::Continue);
            }
        }
        self.print("Exiting configuration mode\n");
        self.mode = Mode::Operational;
        Ok(Flow::Continue)
    }

    fn load(
        &mut self,
        line: &str,
        mode: &str,
        args: &[Word],
        level: Vec<String>,
        input: &mut dyn Input,
    ) -> Result<Flow, Lost> {
        let mode = match mode {
            "merge" => LoadMode::Merge,
            "override" => LoadMode::Override,
            "replace" => LoadMode::Replace,
            _ => LoadMode::Set,
        };
        let (source, relative) = match args {
            [source] => (source, false),
            [source, r] if !r.quoted && "relative".starts_with(r.text.as_str()) => (source, true),
            [_, extra, ..] => {
                self.syntax_error(line, extra.start, "syntax error.");
                return Ok(Flow::Continue);
            }
            [] => {
                self.syntax_error(
                    line,
                    line.trim_end().len(),
                    "syntax error, expecting <filename> or terminal.",
                );
                return Ok(Flow::Continue);
            }
        };
        let (text, file) = if !source.quoted && source.text == "terminal" {
            self.print("[Type ^D at a new line to end input]\n");
            let _ = self.out.flush();
            let mut text = String::new();
            loop {
                match input.load_line() {
                    // In a script, a line that is exactly `^D` stands for the key; it is
                    // echoed like the text, so a script's output replays as a script.
                    Ok(Some(l)) if l.trim_end_matches(['\r', '\n']) == "^D" => {
                        if self.echo_input {
                            self.print("^D\n");
                        }
                        break;
                    }
                    Ok(Some(l)) => {
                        if self.echo_input {
                            self.print(&format!("{}\n", l.trim_end_matches(['\r', '\n'])));
                        }
                        text.push_str(l.trim_end_matches(['\r', '\n']));
                        text.push('\n');
                    }
                    Ok(None) => break,
                    // Junos loads on ^D only: Ctrl-C abandons what was typed so far.
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                        self.error("load interrupted: nothing loaded");
                        return Ok(Flow::Continue);
                    }
                    Err(e) => {
                        self.error(&format!("cannot read the terminal: {e}"));
                        return Ok(Flow::Continue);
                    }
                }
            }
            (text, None)
        } else {
            match std::fs::read_to_string(&source.text) {
                Ok(t) => (t, Some(source.text.clone())),
                Err(e) => {
                    self.error(&format!(
                        "could not read {}: {}",
                        source.text,
                        io_reason(&e)
                    ));
                    return Ok(Flow::Continue);
                }
            }
        };
        let request = Request::Load {
            mode,
            text,
            relative: relative.then_some(level),
        };
        match self.call(request)? {
            Ok(Reply::Done { messages }) => self.print_messages(&messages),
            Ok(other) => self.unexpected(&other),
            Err(e @ MgmtError::Load { .. }) => self.report_plain(e, file.as_deref()),
            Err(e) => self.report_plain(e, None),
        }
        Ok(Flow::Continue)
    }

    /// `save FILE`: the candidate's brace text at the edit level, written by the shell.
    fn save(&mut self, file: &str, level: Vec<String>) -> Result<(), Lost> {
        match self.call(Request::Show { words: level })? {
            // Junos' saved files begin with `## Last changed: ...` (at the top level).
            Ok(Reply::Config { path, tree, header }) => {
                let (path, alone) = navigation::grouped_level(path);
                let mut text = schema::print::to_text(&path, &tree);
                if alone {
                    text = navigation::entries_only(&text);
                }
                let text = super::display::with_header(header, text);
                match std::fs::write(file, &text) {
                    Ok(()) => self.print(&format!(
                        "Wrote {} lines of configuration to '{file}'\n",
                        text.lines().count()
                    )),
                    Err(e) => self.error(&format!("could not write {file}: {}", io_reason(&e))),
                }
            }
            Ok(other) => self.unexpected(&other),
            Err(e) => self.report_plain(e, None),
        }
        Ok(())
    }
}

/// Number of words before the first unquoted `|`.
pub(super) fn command_len(words: &[Word]) -> usize {
    words
        .iter()
        .position(|w| !w.quoted && w.text == "|")
        .unwrap_or(words.len())
}

fn is_yes(answer: &str) -> bool {
    let a = answer.trim();
    a.is_empty() || "yes".starts_with(&a.to_ascii_lowercase())
}

/// `No such file or directory`, without Rust's `(os error 2)` suffix.
fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Reads `commit` options in any order; the error names the offending argument's index.
fn parse_commit(
    node: &'static schema::opcmd::OpCmd,
    args: &[Word],
) -> Result<CommitOptions, (usize, String)> {
    let mut o = CommitOptions::default();
    let mut seen: Vec<&str> = Vec::new();
    let mut i = 0;
    while let Some(w) = args.get(i) {
        let option = match resolve(w.text.as_str(), node.children.iter(), |c| c.name) {
            Resolved::One(c) if !w.quoted => c,
            Resolved::Ambiguous(_) if !w.quoted => {
                return Err((i, format!("'{}' is ambiguous.", w.text)))
            }
            _ => return Err((i, "syntax error.".to_string())),
        };
        if seen.contains(&option.name) {
            return Err((i, "syntax error.".to_string()));
        }
        seen.push(option.name);
        i += 1;
        match option.name {
            "check" => o.check = true,
            "at" => {
                let time = args
                    .get(i)
                    .ok_or((i, "syntax error, expecting <time>.".to_string()))?;
                o.at = Some(time.text.clone());
                i += 1;
            }
            "and-quit" => o.and_quit = true,
            "comment" => {
                let text = args
                    .get(i)
                    .ok_or((i, "syntax error, expecting <comment>.".to_string()))?;
                o.comment = Some(text.text.clone());
                i += 1;
            }
            _ => {
                // `confirmed [N]`: a number right after it is the window in minutes.
                let minutes = match args.get(i) {
                    Some(n) if n.text.bytes().all(|b| b.is_ascii_digit()) => {
                        i += 1;
                        match n.text.parse::<u32>() {
                            Ok(m) if (1..=65535).contains(&m) => m,
                            _ => {
                                return Err((
                                    i - 1,
                                    format!("Value {} is not within range (1..65535)", n.text),
                                ))
                            }
                        }
                    }
                    _ => DEFAULT_CONFIRM_MINUTES,
                };
                o.confirmed = Some(minutes);
            }
        }
    }
    if o.at.is_some() && (o.check || o.confirmed.is_some() || o.and_quit) {
        let at = args.iter().position(|w| w.text == "at").unwrap_or(0);
        return Err((
            at,
            "syntax error: 'at' cannot be combined with 'check', 'confirmed' or 'and-quit'."
                .to_string(),
        ));
    }
    if o.check && (o.confirmed.is_some() || o.and_quit) {
        let at = args
            .iter()
            .position(|w| "check".starts_with(w.text.as_str()))
            .unwrap_or(0);
        return Err((
            at,
            "syntax error: 'check' cannot be combined with 'confirmed' or 'and-quit'.".to_string(),
        ));
    }
    Ok(o)
}

fn texts(words: &[Word]) -> Vec<String> {
    words.iter().map(|w| w.text.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::words::tests::plain_words;

    fn commit(line: &str) -> Result<CommitOptions, (usize, String)> {
        let node = CONFIGURATION.child("commit").expect("commit");
        parse_commit(node, &plain_words(line))
    }

    #[test]
    fn commit_options_combine() {
        assert_eq!(commit(""), Ok(CommitOptions::default()));
        assert_eq!(
            commit("confirmed"),
            Ok(CommitOptions {
                confirmed: Some(10),
                ..Default::default()
            })
        );
        assert_eq!(
            commit("conf 5 and-q comment x"),
            Ok(CommitOptions {
                confirmed: Some(5),
                and_quit: true,
                comment: Some("x".into()),
                ..Default::default()
            })
        );
        assert_eq!(
            commit("ch"),
            Ok(CommitOptions {
                check: true,
                ..Default::default()
            })
        );
        assert_eq!(commit("confirmed 0").unwrap_err().0, 1);
        assert_eq!(commit("check check").unwrap_err().0, 1);
        assert_eq!(commit("comment").unwrap_err().0, 1);
        assert_eq!(
            commit("c").unwrap_err(),
            (0, "'c' is ambiguous.".to_string())
        );
        assert_eq!(commit("check confirmed").unwrap_err().0, 0);
    }

    #[test]
    fn answers() {
        assert!(is_yes(""));
        assert!(is_yes("y"));
        assert!(is_yes("YES"));
        assert!(!is_yes("no"));
        assert!(!is_yes("yesterday"));
    }
}
