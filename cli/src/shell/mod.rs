//! The command interpreter: one typed line in, the Junos-style text out. It knows nothing of
//! terminals or sockets: lines come from the caller, requests go through a [`Transport`],
//! and the pager and questions go through [`Input`], so it runs the same in tests.

mod aaa;
mod answer;
pub mod cli_settings;
mod configuration;
mod display;
pub mod escape;
mod firewall;
pub mod help;
mod help_topic;
mod history;
mod interface_args;
mod l2tp;
mod l2tp_args;
mod load_errors;
mod navigation;
mod operational;
pub mod options;
pub mod pager;
pub mod pipe;
mod ppp;
pub mod refresh;
pub mod render;
pub mod render_aaa;
pub mod render_interfaces;
pub mod render_l2tp;
pub mod render_pools;
pub mod render_ppp;
pub mod render_pppoe;
pub mod render_routes;
pub mod render_snmp;
pub mod render_subscribers;
pub mod render_system;
mod render_terminate_code;
mod route;
mod script_check;
mod show;
pub mod structured;
mod subscriber_args;
mod subscribers;
mod system;
pub mod transport;
pub mod values;
pub mod words;

use pipe::Pipe;
use refresh::{Refresher, SignalRefresher};
use schema::mgmt::{ClientKind, MgmtError, Reply, Request, Response};
use schema::tokenize::Word;
use schema::tree::Path;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use transport::Transport;
use words::Mismatch;

/// Splits a command line into words (the schema's quote-aware splitter in production).
pub type Splitter = fn(&str) -> Result<Vec<Word>, (usize, String)>;

/// Where lines and answers come from besides the command lines themselves.
pub trait Input {
    /// The next line of `load terminal` input; `None` at end of input (^D); an error of kind
    /// `Interrupted` when the operator pressed Ctrl-C, which abandons the load.
    fn load_line(&mut self) -> io::Result<Option<String>>;
    /// Asks `question`; `None` when nobody can answer (a script), which takes the default.
    fn ask(&mut self, question: &str) -> io::Result<Option<String>>;
    /// Asks `question` that has no default (`clear services l2tp ... all` of many
    /// sessions): a script answers it on its next line. `None` when nobody can answer.
    fn answer(&mut self, question: &str) -> io::Result<Option<String>> {
        self.ask(question)
    }
    /// The screen height and a key reader for the pager, when output goes to a terminal.
    fn pager(&mut self) -> Option<(usize, &mut dyn FnMut() -> io::Result<pager::Key>)> {
        None
    }
    /// The terminal the operator sits at (`show cli`, the pager's width), if any.
    fn terminal(&self) -> Option<cli_settings::TerminalInfo> {
        None
    }
}

/// How the typed line appears on screen, for the `^` under a bad word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Echo {
    /// The line is on screen after the prompt (typed, or echoed by a script run).
    AfterPrompt,
    /// The line is not on screen (`cli -c`): print it before the `^` line.
    None,
}

/// Whether to keep reading commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Exit,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    Operational,
    /// In configuration mode at this `[edit ...]` level.
    Configuration {
        level: Path,
    },
}

pub struct Shell<T: Transport> {
    transport: T,
    out: Box<dyn Write>,
    split: Splitter,
    echo: Echo,
    user: String,
    host: String,
    mode: Mode,
    /// Notices from the daemon, printed once the command's own output is done.
    notices: Vec<String>,
    failed: bool,
    /// The connection to the daemon was lost: the session ended without `exit`, and even an
    /// interactive shell exits non-zero.
    lost: bool,
    /// The files `monitor start` follows.
    monitoring: std::collections::BTreeSet<String>,
    /// Show `load terminal` lines as they are read (a script: nobody typed them on screen).
    echo_input: bool,
    /// A script applied atomically or not at all: every `configure` edits a private
    /// candidate, and once a command failed the script stops at the next command that is not
    /// an edit (see [`Shell::atomic`] and `script_check`).
    atomic: bool,
    /// The levels `edit` came from: Junos' `exit` returns to the level before the last `edit`.
    edit_history: Vec<Path>,
    /// The clock and Ctrl-C of `| refresh`.
    refresher: Box<dyn Refresher>,
    /// Set by Ctrl-C in an interactive session: the running command's output stops.
    pressed: Option<Arc<AtomicBool>>,
    /// `set cli ...` of this session.
    cli: cli_settings::CliSettings,
    /// Existing values `?` lists (profile names, tunnel IDs), fetched recently.
    values: values::Cache,
    /// `system login message`, shown when an operator logs in at a terminal.
    login_message: Option<String>,
    /// `system login announcement`, shown after it.
    login_announcement: Option<String>,
}

impl<T: Transport> Shell<T> {
    /// Greets the daemon; fails with the text to show when it cannot.
    pub fn connect(
        mut transport: T,
        client: ClientKind,
        tty: Option<String>,
        out: Box<dyn Write>,
        split: Splitter,
        echo: Echo,
    ) -> Result<Shell<T>, String> {
        let hello = Request::Hello {
            client,
            tty,
            pid: std::process::id(),
        };
        let response = transport
            .call(hello)
            .map_err(|e| format!("error: l2tpd did not answer: {e}"))?;
        match response.result {
            Ok(Reply::Hello {
                user,
                host_name,
                login_message,
                login_announcement,
                time_zone,
                idle_timeout,
                ..
            }) => {
                // Times are shown in the router's zone from this login on.
                if let Some(zone) = time_zone
                    .as_deref()
                    .and_then(|z| schema::timezone::Zone::parse(z).ok())
                {
                    schema::timezone::set_current(zone);
                }
                Ok(Shell {
                    transport,
                    out,
                    split,
                    echo,
                    user,
                    host: host_name,
                    mode: Mode::Operational,
                    notices: response.notices,
                    failed: false,
                    lost: false,
                    monitoring: Default::default(),
                    echo_input: false,
                    atomic: false,
                    edit_history: Vec::new(),
                    refresher: Box::new(SignalRefresher::default()),
                    pressed: None,
                    cli: cli_settings::CliSettings {
                        class_idle_timeout: idle_timeout,
                        ..Default::default()
                    },
                    values: values::Cache::default(),
                    login_message,
                    login_announcement,
                })
            }
            Ok(_) => Err("error: unexpected reply from l2tpd to hello".to_string()),
            Err(e) => Err(format!("error: {}", error_message(&e))),
        }
    }

    /// `system login message`, for the interactive shell to show before its first prompt.
    pub fn login_message(&self) -> Option<&str> {
        self.login_message.as_deref()
    }

    /// `system login announcement`, shown after the message (Junos: once logged in).
    pub fn login_announcement(&self) -> Option<&str> {
        self.login_announcement.as_deref()
    }

    /// Echo the lines read by `load terminal` (for script runs, whose input is not on screen).
    pub fn echo_input(mut self, on: bool) -> Self {
        self.echo_input = on;
        self
    }

    /// Runs a script atomically or not at all (`cli -f`, piped stdin). `configure`,
    /// `configure private` and `configure exclusive` all enter `configure private`: the
    /// script's edits are its own, so when it stops (its first failing command, or its end
    /// without `commit`) closing the connection discards exactly them, never what another
    /// operator has in the shared candidate; and its commit fails, changing nothing, if
    /// someone committed since the script entered configuration mode.
    pub fn atomic(mut self, on: bool) -> Self {
        self.atomic = on;
        self
    }

    /// True for an atomic script (see [`Shell::atomic`]) once a command failed: the script
    /// must stop, after the edits that follow (see [`Shell::checks_after_failure`]).
    pub fn must_stop(&self) -> bool {
        self.atomic && self.failed
    }

    /// Another clock and interrupt for `| refresh` (tests simulate them).
    pub fn set_refresher(&mut self, refresher: Box<dyn Refresher>) {
        self.refresher = refresher;
    }

    /// `user@host> ` or `user@host# ` (printed by the line editor, so escaped here).
    pub fn prompt(&self) -> String {
        let prompt = match self.mode {
            Mode::Operational => format!("{}@{}> ", self.user, self.host),
            Mode::Configuration { .. } => format!("{}@{}# ", self.user, self.host),
        };
        escape::terminal_safe(&prompt).into_owned()
    }

    /// The blank line and `[edit ...]` banner shown above each configuration-mode prompt.
    pub fn banner(&self) -> Option<String> {
        match &self.mode {
            Mode::Operational => None,
            Mode::Configuration { level } => Some(
                escape::terminal_safe(&format!("\n{}\n", render::edit_banner(level))).into_owned(),
            ),
        }
    }

    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// True once any command has failed (the exit status of a script).
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// True once the connection to the daemon is gone (the session has ended).
    pub fn lost(&self) -> bool {
        self.lost
    }

    /// The edit level as the words sent to the daemon.
    pub fn level_words(&self) -> Vec<String> {
        match &self.mode {
            Mode::Operational => Vec::new(),
            Mode::Configuration { level } => level_words(level),
        }
    }

    /// Prints any notices still pending (before the next prompt).
    pub fn flush_notices(&mut self) {
        let broadcasts = self.transport.take_broadcasts();
        self.notices.splice(0..0, broadcasts);
        for n in std::mem::take(&mut self.notices) {
            self.print(&format!("{n}\n"));
        }
        let _ = self.out.flush();
    }

    /// Ctrl-C (which sets `pressed`) stops a command's wait for a show or test and the
    /// rest of its output; the session goes on.
    pub fn stop_on_interrupt(&mut self, pressed: Arc<AtomicBool>) {
        self.transport.stop_on_interrupt(pressed.clone());
        self.pressed = Some(pressed);
    }

    /// Shows each later broadcast from the daemon with `print` as it arrives, even while
    /// the shell waits at its prompt.
    pub fn print_broadcasts_with(&mut self, print: transport::BroadcastPrinter) {
        self.transport.print_broadcasts_with(print);
    }

    /// Runs one command line.
    pub fn execute(&mut self, line: &str, input: &mut dyn Input) -> Flow {
        if let Some(pressed) = &self.pressed {
            pressed.store(false, Ordering::SeqCst);
        }
        let flow = self.execute_inner(line, input);
        self.flush_notices();
        flow
    }

    fn execute_inner(&mut self, line: &str, input: &mut dyn Input) -> Flow {
        // A `#` line is a comment, as in a pasted script: Junos does nothing with it.
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            return Flow::Continue;
        }
        if let Some(before) = help_request(line) {
            if self.asks_for_revisions(before) {
                return match self.rollback_completions() {
                    Ok(text) => {
                        self.print(&text);
                        Flow::Continue
                    }
                    Err(Lost) => self.after_stop(),
                };
            }
            let text = self.possible_completions(before);
            self.print(&text);
            return Flow::Continue;
        }
        let words = match (self.split)(line) {
            Ok(w) => w,
            Err((pos, message)) => {
                self.syntax_error(line, pos, &message);
                return Flow::Continue;
            }
        };
        let result = match self.mode {
            Mode::Operational => self.operational(line, &words, input),
            Mode::Configuration { .. } => self.configuration(line, &words, input),
        };
        match result {
            Ok(flow) => flow,
            Err(Lost) => self.after_stop(),
        }
    }

    /// Where a stopped command leaves the session: ended if the daemon is gone.
    fn after_stop(&self) -> Flow {
        if self.lost {
            Flow::Exit
        } else {
            Flow::Continue
        }
    }

    /// `rollback ?` in configuration mode lists the revisions, which only the daemon knows.
    fn asks_for_revisions(&self, before: &str) -> bool {
        matches!(self.mode, Mode::Configuration { .. }) && asks_for_revisions(self.split, before)
    }

    /// The `rollback ?` text, for a terminal's `?` key, which cannot ask the daemon itself
    /// (it runs inside the line editor); `None` outside configuration mode.
    pub fn revisions_help(&mut self) -> Option<String> {
        if !matches!(self.mode, Mode::Configuration { .. }) {
            return None;
        }
        self.rollback_completions().ok()
    }

    /// The `Possible completions:` text for a line ending just before `?`, with the existing
    /// values (profile names, tunnel IDs) the daemon has.
    pub fn possible_completions(&mut self, before: &str) -> String {
        let level = self.level_words();
        let configuration = matches!(self.mode, Mode::Configuration { .. });
        let at = match self.mode {
            Mode::Operational => help::Where::Operational,
            Mode::Configuration { .. } => help::Where::Configuration { level: &level },
        };
        let (transport, cache) = (&mut self.transport, &mut self.values);
        let mut lookup = |source: &help::Source| {
            cache.get(transport, source, configuration, std::time::Instant::now())
        };
        help::completions_text(at, self.split, before, &mut lookup)
    }

    /// Where `?` and Tab walk from, given the level words.
    pub fn help_where<'a>(&self, level: &'a [String]) -> help::Where<'a> {
        match self.mode {
            Mode::Operational => help::Where::Operational,
            Mode::Configuration { .. } => help::Where::Configuration { level },
        }
    }

    /// Everything the shell shows goes through here (or the pager), escaped.
    fn print(&mut self, text: &str) {
        // Ctrl-C during a command's output: the rest of it is not shown.
        if self
            .pressed
            .as_ref()
            .is_some_and(|p| p.load(Ordering::SeqCst))
        {
            return;
        }
        // A closed stdout (`cli -c ... | head`) must not stop the session.
        let _ = self.out.write_all(escape::terminal_safe(text).as_bytes());
    }

    fn error(&mut self, message: &str) {
        self.failed = true;
        self.print(&format!("error: {message}\n"));
    }

    /// Sends a request. A lost connection is reported here and ends the session.
    fn call(&mut self, request: Request) -> Result<Result<Reply, MgmtError>, Lost> {
        match self.transport.call(request) {
            Ok(Response { result, notices }) => {
                // A broadcast that came before the response is shown before its notices.
                self.notices.extend(self.transport.take_broadcasts());
                self.notices.extend(notices);
                Ok(result)
            }
            // Ctrl-C: the command stops, the session goes on (the answer is dropped when
            // it comes). The terminal echoed `^C`; the prompt starts on a line of its own.
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                self.failed = true;
                self.print("\n");
                Err(Lost)
            }
            Err(e) => {
                self.lost = true;
                self.error(&format!("connection to l2tpd lost: {e}"));
                Err(Lost)
            }
        }
    }

    /// Prints `^` under byte `pos` of `line`, then the message.
    fn syntax_error(&mut self, line: &str, pos: usize, message: &str) {
        self.failed = true;
        // `pos` may point past the end of the line (where a missing word would go).
        let before = line
            .get(..pos.min(line.len()))
            .unwrap_or(line)
            .chars()
            .count()
            + pos.saturating_sub(line.len());
        // A line too long to point into is shown again, cut to a window around the error.
        if let Some((window, column)) = render::error_window(line, before) {
            self.print(&format!("{window}\n"));
            self.print(&render::caret(column));
            self.print(&format!("{message}\n"));
            return;
        }
        let column = match self.echo {
            Echo::AfterPrompt => self.prompt().chars().count(),
            Echo::None => {
                self.print(&format!("{line}\n"));
                0
            }
        } + before;
        self.print(&render::caret(column));
        self.print(&format!("{message}\n"));
    }

    fn mismatch(&mut self, line: &str, words: &[Word], m: Mismatch) {
        let at = |i: usize| words.get(i).map_or(line.trim_end().len(), |w| w.start);
        match m {
            Mismatch::Unknown { word: 0 } => self.syntax_error(line, at(0), "unknown command."),
            Mismatch::Unknown { word } => self.syntax_error(line, at(word), "syntax error."),
            Mismatch::Incomplete { word } => {
                self.syntax_error(line, at(word), "syntax error, expecting <command>.")
            }
            Mismatch::Ambiguous { word, candidates } => {
                let typed = words.get(word).map_or("", |w| w.text.as_str()).to_string();
                self.syntax_error(line, at(word), &format!("'{typed}' is ambiguous."));
                let rows: Vec<help::Row> = candidates
                    .iter()
                    .map(|c| help::Row {
                        marker: ' ',
                        name: c.name.to_string(),
                        help: c.help.to_string(),
                        literal: true,
                        keyword: true,
                        sources: Vec::new(),
                    })
                    .collect();
                let at = match self.mode {
                    Mode::Operational => help::Where::Operational,
                    Mode::Configuration { .. } => help::Where::Configuration { level: &[] },
                };
                self.print(&help::render(at, &rows));
            }
        }
    }

    /// Reports a daemon error for a request whose words were `prefix` (the edit level)
    /// followed by `typed` (words of `line`).
    fn report(&mut self, line: &str, error: MgmtError, prefix: usize, typed: &[Word]) {
        match error {
            MgmtError::Syntax { word, message } => {
                // An index one past the typed words ("missing argument.") points just after
                // the end of the line, where the missing word would go.
                let end = line.trim_end().len() + 1;
                let pos = match word.checked_sub(prefix) {
                    Some(i) if i >= typed.len() => end,
                    Some(i) => typed.get(i).map_or(end, |w| w.start),
                    None => typed.first().map_or(end, |w| w.start),
                };
                self.syntax_error(line, pos, &message);
            }
            other => self.report_plain(other, None),
        }
    }

    /// Reports an error that has no word to point at; `file` names a loaded file.
    fn report_plain(&mut self, error: MgmtError, file: Option<&str>) {
        self.failed = true;
        let text = match error {
            MgmtError::Check { errors, summary } => render::check_errors(&errors, &summary),
            MgmtError::Load { errors } => {
                load_errors::load_errors(file.unwrap_or("terminal"), &errors)
            }
            MgmtError::Syntax { message, .. } => format!("{message}\n"),
            MgmtError::Locked { message } => format!("error: {message}\n"),
            other => format!("error: {}\n", error_message(&other)),
        };
        self.print(&text);
    }

    fn print_messages(&mut self, messages: &[String]) {
        for m in messages {
            self.print(&format!("{m}\n"));
        }
    }

    fn unexpected(&mut self, reply: &Reply) {
        let kind = format!("{reply:?}");
        let kind = kind
            .split([' ', '{', '('])
            .next()
            .unwrap_or_default()
            .to_string();
        self.error(&format!("unexpected reply from l2tpd ({kind})"));
    }
}

/// The command stopped: the connection to the daemon is gone (`Shell::lost`, the session
/// ends), or the operator pressed Ctrl-C while it waited (the session goes on).
struct Lost;

/// The text of errors that carry one message.
fn error_message(e: &MgmtError) -> String {
    match e {
        MgmtError::Denied { message }
        | MgmtError::Locked { message }
        | MgmtError::Failed { message } => message.clone(),
        MgmtError::Syntax { message, .. } => message.clone(),
        MgmtError::Check { summary, .. } => summary.clone(),
        MgmtError::Load { errors } => format!("load failed ({} errors)", errors.len()),
    }
}

/// A path as the words an operator types: `tunnel-profile tp1` is two words.
pub fn level_words(path: &Path) -> Vec<String> {
    let mut out = Vec::with_capacity(path.len() * 2);
    for id in path {
        out.extend(id.words().map(|w| w.to_string()));
    }
    out
}

/// True when the words before `?` are the configuration-mode `rollback` (abbreviated or
/// not) and nothing more.
pub fn asks_for_revisions(split: Splitter, before: &str) -> bool {
    let Ok(words) = split(before) else {
        return false;
    };
    words.len() == 1
        && before.ends_with(char::is_whitespace)
        && words::match_command(&schema::opcmd::CONFIGURATION, &words)
            .is_ok_and(|c| c.action == schema::opcmd::Action::Rollback)
}

/// `show ?`: the line ends in `?` after a space (or is just `?`), outside quotes.
fn help_request(line: &str) -> Option<&str> {
    let trimmed = line.trim_end();
    let before = trimmed.strip_suffix('?')?;
    let separated = before.is_empty() || before.ends_with(char::is_whitespace);
    let in_quotes = before.matches('"').count() % 2 == 1;
    (separated && !in_quotes).then_some(before)
}

#[cfg(test)]
mod tests;
