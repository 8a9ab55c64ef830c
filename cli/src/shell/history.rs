//! The shell's side of configuration history and the editing habits of issue 13:
//! `show system rollback N [compare M]`, the rescue configuration, `clear system commit`,
//! `rollback ?` with the revisions' dates, `rollback rescue`, `commit at`, `delete` of a
//! whole level, `wildcard delete` and `replace pattern`.

use super::answer::done_messages;
use super::pipe::Pipe;
use super::show::Shown;
use super::transport::Transport;
use super::words::Command;
use super::{help, render, Flow, Input, Lost, Mode, Shell};
use schema::mgmt::{CommitEntry, Reply, Request, RescueEntry, Revision, ScheduledCommit};
use schema::opcmd::Action;
use schema::tokenize::Word;

/// The oldest revision kept (rollback 0..49).
const MAX_ROLLBACK: u32 = 49;

/// What `rollback ?` lists after the revisions.
const RESCUE_HELP: &str = "Rescue configuration";

impl<T: Transport> Shell<T> {
    /// The operational commands of this module; `None` when `cmd` is not one of them.
    pub(super) fn history_command(
        &mut self,
        line: &str,
        cmd: &Command<'_>,
        pipes: &[Pipe],
        input: &mut dyn Input,
    ) -> Option<Result<Flow, Lost>> {
        let result = match cmd.action {
            Action::ShowSystemRollback => self.show_system_rollback(line, cmd.args, pipes, input),
            Action::ShowRescue => self.show_config_reply(line, Request::ShowRescue, pipes, input),
            Action::RescueSave => self.done(Request::RescueSave),
            Action::RescueDelete => self.done(Request::RescueDelete),
            Action::ClearSystemCommit => self.done(Request::ClearSystemCommit),
            _ => return None,
        };
        Some(result.map(|()| Flow::Continue))
    }

    /// A request answered with `Done`: its messages, or the error.
    fn done(&mut self, request: Request) -> Result<(), Lost> {
        if let Some(messages) = self.expect(request, done_messages)? {
            self.print_messages(&messages);
        }
        Ok(())
    }

    /// `show system rollback N [compare M]`: revision N, or what changed from N to M in
    /// `show | compare` form (Junos: `show system rollback 3 compare 1` shows `+` for what
    /// rollback 1 has and rollback 3 had not).
    fn show_system_rollback(
        &mut self,
        line: &str,
        args: &[Word],
        pipes: &[Pipe],
        input: &mut dyn Input,
    ) -> Result<(), Lost> {
        let end = line.trim_end().len();
        let index = |w: Option<&Word>| -> Result<u32, (usize, String)> {
            let w = w.ok_or((end + 1, "syntax error, expecting <number>.".to_string()))?;
            match w.text.parse::<u32>() {
                Ok(n) if n <= MAX_ROLLBACK => Ok(n),
                _ => Err((
                    w.start,
                    format!("Value {} is not within range (0..{MAX_ROLLBACK})", w.text),
                )),
            }
        };
        let parsed = (|| {
            let n = index(args.first())?;
            match args.get(1) {
                None => Ok((n, None)),
                Some(w) if !w.quoted && "compare".starts_with(w.text.as_str()) => {
                    let m = index(args.get(2))?;
                    match args.get(3) {
                        Some(extra) => Err((extra.start, "syntax error.".to_string())),
                        None => Ok((n, Some(m))),
                    }
                }
                Some(w) => Err((w.start, "syntax error.".to_string())),
            }
        })();
        let (n, compare) = match parsed {
            Ok(p) => p,
            Err((pos, message)) => {
                self.syntax_error(line, pos, &message);
                return Ok(());
            }
        };
        let request = match compare {
            Some(m) => Request::Compare {
                words: vec![],
                base: Revision::Rollback(n),
                target: Revision::Rollback(m),
            },
            None => Request::ShowConfiguration {
                words: vec![],
                revision: Revision::Rollback(n),
            },
        };
        self.show_config_reply(line, request, pipes, input)
    }

    /// A request answered with a configuration or a diff (or nothing: no rescue).
    fn show_config_reply(
        &mut self,
        _line: &str,
        request: Request,
        pipes: &[Pipe],
        input: &mut dyn Input,
    ) -> Result<(), Lost> {
        match self.call(request)? {
            Ok(Reply::Config { path, tree, header }) => self.emit(
                Shown::Config {
                    path,
                    tree,
                    header,
                    level: None,
                },
                pipes,
                input,
            ),
            Ok(Reply::Diff { blocks }) => self.emit(Shown::Diff(blocks), pipes, input),
            Ok(Reply::Done { messages }) => self.print_messages(&messages),
            Ok(other) => self.unexpected(&other),
            Err(e) => self.report_plain(e, None),
        }
        Ok(())
    }

    /// `rollback ?`: the revisions with when, who and how, as Junos lists them.
    pub(super) fn rollback_completions(&mut self) -> Result<String, Lost> {
        let entries = match self.call(Request::ShowSystemCommit)? {
            Ok(Reply::Commits { entries, .. }) => entries,
            Ok(_) | Err(_) => Vec::new(),
        };
        Ok(rollback_help(&entries))
    }

    /// `rollback rescue`.
    pub(super) fn rollback_rescue(&mut self, line: &str) -> Result<(), Lost> {
        match self.call(Request::RollbackRescue)? {
            Ok(Reply::Done { messages }) => self.print_messages(&messages),
            Ok(other) => self.unexpected(&other),
            Err(e) => self.report(line, e, 0, &[]),
        }
        Ok(())
    }

    /// `commit at TIME [comment C]`: the daemon checks now and leaves configuration mode
    /// for us; the commit runs at TIME.
    pub(super) fn commit_at(&mut self, time: String, comment: Option<String>) -> Result<(), Lost> {
        let request = Request::CommitAt { time, comment };
        if let Some(messages) = self.expect(request, done_messages)? {
            self.print_messages(&messages);
            self.print("Exiting configuration mode\n");
            self.mode = Mode::Operational;
        }
        Ok(())
    }

    /// `delete` alone: everything under the edit level, after the operator agrees
    /// (Junos' default answer is no).
    pub(super) fn delete_level(
        &mut self,
        line: &str,
        level: Vec<String>,
        input: &mut dyn Input,
    ) -> Result<(), Lost> {
        if !self.agree("Delete everything under this level? [yes,no] (no)", input) {
            return Ok(());
        }
        match self.call(Request::Delete {
            words: schema::edit::Arg::all_bare(&level),
        })? {
            Ok(Reply::Done { messages }) => self.print_messages(&messages),
            Ok(other) => self.unexpected(&other),
            Err(e) => self.report(line, e, 0, &[]),
        }
        Ok(())
    }

    /// `wildcard delete PATH REGEX`: lists the matches, asks, deletes.
    pub(super) fn wildcard_delete(
        &mut self,
        line: &str,
        level: Vec<String>,
        args: &[Word],
        input: &mut dyn Input,
    ) -> Result<(), Lost> {
        let Some((pattern, path)) = args.split_last().filter(|(_, path)| !path.is_empty()) else {
            self.syntax_error(
                line,
                line.trim_end().len() + 1,
                "syntax error, expecting <statement> <regular-expression>.",
            );
            return Ok(());
        };
        let prefix = level.len();
        let words: Vec<String> = level
            .into_iter()
            .chain(path.iter().map(|w| w.text.clone()))
            .collect();
        let request = |confirmed| Request::WildcardDelete {
            words: words.clone(),
            pattern: pattern.text.clone(),
            confirmed,
        };
        let matched = match self.call(request(false))? {
            Ok(Reply::WildcardMatches { matched }) => matched,
            Ok(other) => {
                self.unexpected(&other);
                return Ok(());
            }
            Err(e) => {
                self.report(line, e, prefix, args);
                return Ok(());
            }
        };
        if matched.is_empty() {
            self.print("warning: statement not found\n");
            return Ok(());
        }
        for name in &matched {
            self.print(&format!("  matched: {name}\n"));
        }
        let objects = if matched.len() == 1 {
            "object"
        } else {
            "objects"
        };
        let question = format!("Delete {} {objects}? [yes,no] (no)", matched.len());
        if !self.agree(&question, input) {
            return Ok(());
        }
        match self.call(request(true))? {
            Ok(Reply::Done { messages }) => self.print_messages(&messages),
            Ok(other) => self.unexpected(&other),
            Err(e) => self.report(line, e, prefix, args),
        }
        Ok(())
    }

    /// `replace pattern OLD with NEW [upto N]`.
    pub(super) fn replace_pattern(
        &mut self,
        line: &str,
        level: Vec<String>,
        args: &[Word],
    ) -> Result<(), Lost> {
        let end = line.trim_end().len() + 1;
        let request = match parse_replace(args) {
            Ok((pattern, with, upto)) => Request::ReplacePattern {
                words: level,
                pattern,
                with,
                upto,
            },
            Err((i, message)) => {
                let pos = args.get(i).map_or(end, |w| w.start);
                self.syntax_error(line, pos, &message);
                return Ok(());
            }
        };
        self.done(request)
    }

    /// Asks a question whose default is no; a script (nobody to answer) gets the default,
    /// shown as if typed.
    fn agree(&mut self, question: &str, input: &mut dyn Input) -> bool {
        let answer = match input.ask(question) {
            Ok(Some(a)) => a,
            Ok(None) => {
                self.print(&format!("{question} no\n"));
                return false;
            }
            Err(e) => {
                self.error(&format!("cannot read the answer: {e}"));
                return false;
            }
        };
        let a = answer.trim().to_ascii_lowercase();
        !a.is_empty() && "yes".starts_with(&a)
    }
}

/// `pattern OLD with NEW [upto N]` (the words after `replace pattern`); the error names the
/// word index.
pub(super) fn parse_replace(
    args: &[Word],
) -> Result<(String, String, Option<u32>), (usize, String)> {
    let pattern = args
        .first()
        .ok_or((0, "syntax error, expecting <pattern>.".to_string()))?;
    match args.get(1) {
        Some(w) if !w.quoted && w.text == "with" => {}
        Some(_) => return Err((1, "syntax error, expecting 'with'.".to_string())),
        None => return Err((1, "syntax error, expecting 'with'.".to_string())),
    }
    let with = args
        .get(2)
        .ok_or((2, "syntax error, expecting <replacement>.".to_string()))?;
    let upto = match args.get(3) {
        None => None,
        Some(w) if !w.quoted && w.text == "upto" => {
            let n = args
                .get(4)
                .ok_or((4, "syntax error, expecting <number>.".to_string()))?;
            match n.text.parse::<u32>() {
                Ok(v) if v >= 1 => Some(v),
                _ => {
                    return Err((
                        4,
                        format!("Value {} is not within range (1..4294967295)", n.text),
                    ))
                }
            }
        }
        Some(_) => return Err((3, "syntax error.".to_string())),
    };
    let used = if upto.is_some() { 5 } else { 3 };
    if args.len() > used {
        return Err((used, "syntax error.".to_string()));
    }
    Ok((pattern.text.clone(), with.text.clone(), upto))
}

/// The `rollback ?` text: `<[Enter]>`, each revision, `rescue`, `|`.
pub fn rollback_help(entries: &[CommitEntry]) -> String {
    let mut rows = vec![help::Row {
        marker: ' ',
        name: "<[Enter]>".into(),
        help: "Execute this command".into(),
        literal: false,
        keyword: false,
        sources: Vec::new(),
    }];
    for e in entries {
        let mut text = format!(
            "{} by {} via {}",
            render::utc(e.time),
            e.user,
            e.client.as_str()
        );
        if let Some(minutes) = e.confirmed_minutes {
            text.push_str(&format!(" commit confirmed, rollback in {minutes}mins"));
        }
        if let Some(comment) = &e.comment {
            text.push_str("  ");
            text.push_str(comment);
        }
        rows.push(help::Row {
            marker: ' ',
            name: e.index.to_string(),
            help: text,
            literal: true,
            keyword: false,
            sources: Vec::new(),
        });
    }
    rows.push(help::Row {
        marker: ' ',
        name: "rescue".into(),
        help: RESCUE_HELP.into(),
        literal: true,
        keyword: true,
        sources: Vec::new(),
    });
    rows.push(help::Row {
        marker: ' ',
        name: "|".into(),
        help: "Pipe through a command".into(),
        literal: true,
        keyword: false,
        sources: Vec::new(),
    });
    help::render(help::Where::Operational, &rows)
}

/// The line `show system commit` prints below the history when a rescue configuration is
/// saved.
pub fn rescue_line(r: &RescueEntry) -> String {
    format!(
        "rescue  {} by {} via {}\n",
        render::utc(r.time),
        r.user,
        r.client.as_str()
    )
}

/// The line `show system commit` prints above the history for a pending `commit at`.
pub fn scheduled_line(s: &ScheduledCommit) -> String {
    format!(
        "commit requested by {} via {} at {}\n",
        s.user,
        s.client.as_str(),
        render::utc(s.at)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::words::tests::plain_words;
    use schema::mgmt::ClientKind;

    #[test]
    fn replace_arguments() {
        let ok = |line: &str| parse_replace(&plain_words(line));
        assert_eq!(ok("lns with lac"), Ok(("lns".into(), "lac".into(), None)));
        assert_eq!(
            ok("lns with lac upto 2"),
            Ok(("lns".into(), "lac".into(), Some(2)))
        );
        assert_eq!(ok("").unwrap_err().0, 0);
        assert_eq!(
            ok("lns").unwrap_err(),
            (1, "syntax error, expecting 'with'.".into())
        );
        assert_eq!(ok("lns to lac").unwrap_err().0, 1);
        assert_eq!(ok("lns with").unwrap_err().0, 2);
        assert_eq!(ok("lns with lac upto").unwrap_err().0, 4);
        assert_eq!(
            ok("lns with lac upto 0").unwrap_err(),
            (4, "Value 0 is not within range (1..4294967295)".into())
        );
        assert_eq!(ok("lns with lac extra").unwrap_err().0, 3);
        assert_eq!(ok("lns with lac upto 1 extra").unwrap_err().0, 5);
    }

    #[test]
    fn rollback_question_mark_layout() {
        let entry = |index, comment: Option<&str>, confirmed| CommitEntry {
            index,
            time: 1_796_322_001,
            user: "alice".into(),
            client: ClientKind::Cli,
            comment: comment.map(str::to_string),
            confirmed_minutes: confirmed,
        };
        let text = rollback_help(&[
            entry(0, Some("tunnel to lns2"), Some(5)),
            entry(1, None, None),
        ]);
        assert_eq!(
            text,
            "Possible completions:\n\
             \x20 <[Enter]>            Execute this command\n\
             \x20 0                    2026-12-03 18:20:01 UTC by alice via cli commit confirmed, rollback in 5mins  tunnel to lns2\n\
             \x20 1                    2026-12-03 18:20:01 UTC by alice via cli\n\
             \x20 rescue               Rescue configuration\n\
             \x20 |                    Pipe through a command\n"
        );
    }

    #[test]
    fn scheduled_commit_line() {
        let s = ScheduledCommit {
            user: "alice".into(),
            client: ClientKind::Cli,
            at: 1_796_322_001,
        };
        assert_eq!(
            scheduled_line(&s),
            "commit requested by alice via cli at 2026-12-03 18:20:01 UTC\n"
        );
    }

    /// `rollback ?` (abbreviated too) asks the daemon; `rollback 1 ?` and `rollbackx ?` do not.
    #[test]
    fn which_lines_ask_for_revisions() {
        let split: crate::shell::Splitter = |s| Ok(plain_words(s));
        assert!(crate::shell::asks_for_revisions(split, "rollback "));
        assert!(crate::shell::asks_for_revisions(split, "rol "));
        assert!(!crate::shell::asks_for_revisions(split, "rollback 1 "));
        assert!(!crate::shell::asks_for_revisions(split, "rollback"));
        assert!(!crate::shell::asks_for_revisions(split, "run "));
    }
}
