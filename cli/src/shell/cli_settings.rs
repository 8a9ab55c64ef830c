//! `set cli screen-length|screen-width|complete-on-space|idle-timeout` and `show cli`:
//! settings of this session only, as on Junos (a new session starts from the defaults), and
//! the screen the pager fills with them.

use super::pager::Screen;
use super::pipe::Pipe;
use super::show::Shown;
use super::transport::Transport;
use super::words::Command;
use super::{Input, Shell};

/// What `set cli` changed; `None` follows the terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CliSettings {
    /// Rows the pager fills; `Some(0)` never pages.
    pub screen_length: Option<usize>,
    /// Characters on a row; `Some(0)` never wraps.
    pub screen_width: Option<usize>,
    /// Space completes a unique word as Tab does (Junos' default: on).
    pub complete_on_space: bool,
    /// `set cli idle-timeout MINUTES`; `Some(0)` sets none of the session's own.
    pub idle_timeout: Option<u32>,
    /// The login class's `idle-timeout` (from the daemon's hello): `set cli` cannot lift it.
    pub class_idle_timeout: Option<u32>,
}

impl Default for CliSettings {
    fn default() -> Self {
        CliSettings {
            screen_length: None,
            screen_width: None,
            complete_on_space: true,
            idle_timeout: None,
            class_idle_timeout: None,
        }
    }
}

/// What the shell knows of the terminal it runs on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TerminalInfo {
    pub rows: usize,
    pub columns: usize,
    /// `$TERM`.
    pub term: String,
    /// Where `| save FILE` writes a relative FILE.
    pub directory: String,
}

/// Junos' screen when the terminal does not say.
const DEFAULT_ROWS: usize = 24;
const DEFAULT_COLUMNS: usize = 80;
const MAX_LENGTH: usize = 100_000;
const MIN_WIDTH: usize = 40;
const MAX_WIDTH: usize = 1024;

impl CliSettings {
    /// Minutes of idleness that close this session: the shorter of the class's limit and the
    /// session's own; `None` for no limit.
    pub fn idle_minutes(&self) -> Option<u32> {
        [self.idle_timeout, self.class_idle_timeout]
            .into_iter()
            .flatten()
            .filter(|m| *m > 0)
            .min()
    }

    fn length(&self, terminal: Option<&TerminalInfo>) -> usize {
        self.screen_length
            .or(terminal.map(|t| t.rows))
            .unwrap_or(DEFAULT_ROWS)
    }

    fn width(&self, terminal: Option<&TerminalInfo>) -> usize {
        self.screen_width
            .or(terminal.map(|t| t.columns))
            .unwrap_or(DEFAULT_COLUMNS)
    }

    /// The screen the pager fills given the terminal's rows, or `None` when it must not page.
    pub fn screen(&self, terminal_rows: usize, terminal: Option<&TerminalInfo>) -> Option<Screen> {
        let rows = self.screen_length.unwrap_or(terminal_rows);
        (rows > 0).then(|| Screen {
            rows,
            width: self.width(terminal),
        })
    }

    /// The text of `show cli`.
    pub fn show(&self, terminal: Option<&TerminalInfo>) -> String {
        let on_off = if self.complete_on_space { "on" } else { "off" };
        let mut out = format!("CLI complete-on-space set to {on_off}\n");
        match self.idle_minutes() {
            Some(m) => out.push_str(&format!("CLI idle-timeout set to {m} {}\n", minutes(m))),
            None => out.push_str("CLI idle-timeout disabled\n"),
        }
        out.push_str(&format!(
            "CLI screen-length set to {}\n",
            self.length(terminal)
        ));
        out.push_str(&format!(
            "CLI screen-width set to {}\n",
            self.width(terminal)
        ));
        if let Some(t) = terminal {
            out.push_str(&format!("CLI terminal is '{}'\n", t.term));
        }
        out.push_str("CLI timestamp disabled\n");
        if let Some(t) = terminal {
            out.push_str(&format!("CLI working directory is '{}'\n", t.directory));
        }
        out
    }
}

fn minutes(n: u32) -> &'static str {
    if n == 1 {
        "minute"
    } else {
        "minutes"
    }
}

/// Reads the value of `screen-length` or `screen-width`, or says why it is not one.
fn number(text: &str, ok: impl Fn(usize) -> bool, range: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if ok(n) => Ok(n),
        Ok(n) => Err(format!("Value {n} is not within range ({range})")),
        Err(_) => Err(format!("invalid numeric value: '{text}'")),
    }
}

impl<T: Transport> Shell<T> {
    /// `set cli ...`: changes this session's settings and says so, as Junos does.
    pub(super) fn set_cli(&mut self, line: &str, cmd: &Command<'_>) {
        let value = cmd.values.first().map(|(_, w)| *w);
        let message = match (cmd.node.name, value) {
            ("on", _) => {
                self.cli.complete_on_space = true;
                "Enabling complete-on-space".to_string()
            }
            ("off", _) => {
                self.cli.complete_on_space = false;
                "Disabling complete-on-space".to_string()
            }
            ("screen-length", Some(w)) => match number(&w.text, |n| n <= MAX_LENGTH, "0..100000") {
                Ok(n) => {
                    self.cli.screen_length = Some(n);
                    format!("Screen length set to {n}")
                }
                Err(e) => return self.syntax_error(line, w.start, &e),
            },
            ("screen-width", Some(w)) => {
                let ok = |n| n == 0 || (MIN_WIDTH..=MAX_WIDTH).contains(&n);
                match number(&w.text, ok, "0, 40..1024") {
                    Ok(n) => {
                        self.cli.screen_width = Some(n);
                        format!("Screen width set to {n}")
                    }
                    Err(e) => return self.syntax_error(line, w.start, &e),
                }
            }
            ("idle-timeout", Some(w)) => {
                let max = schema::idle::MAX_CLI_MINUTES as usize;
                match number(&w.text, |n| n <= max, "0..100000") {
                    Ok(n) => {
                        let n = n as u32;
                        self.cli.idle_timeout = Some(n);
                        if n == 0 {
                            "Idle timeout disabled".to_string()
                        } else {
                            format!("Idle timeout set to {n} {}", minutes(n))
                        }
                    }
                    Err(e) => return self.syntax_error(line, w.start, &e),
                }
            }
            _ => return self.error("unknown cli setting"),
        };
        self.print(&format!("{message}\n"));
    }

    /// `show cli`.
    pub(super) fn show_cli(&mut self, pipes: &[Pipe], input: &mut dyn Input) {
        let text = self.cli.show(input.terminal().as_ref());
        self.emit(Shown::Text(text), pipes, input);
    }

    /// This session's settings (the line editor reads complete-on-space).
    pub fn cli_settings(&self) -> CliSettings {
        self.cli
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terminal() -> TerminalInfo {
        TerminalInfo {
            rows: 50,
            columns: 132,
            term: "xterm".into(),
            directory: "/home/lab".into(),
        }
    }

    #[test]
    fn defaults_follow_the_terminal() {
        let s = CliSettings::default();
        assert_eq!(
            s.show(Some(&terminal())),
            "CLI complete-on-space set to on\n\
             CLI idle-timeout disabled\n\
             CLI screen-length set to 50\n\
             CLI screen-width set to 132\n\
             CLI terminal is 'xterm'\n\
             CLI timestamp disabled\n\
             CLI working directory is '/home/lab'\n"
        );
        assert_eq!(
            s.show(None),
            "CLI complete-on-space set to on\n\
             CLI idle-timeout disabled\n\
             CLI screen-length set to 24\n\
             CLI screen-width set to 80\n\
             CLI timestamp disabled\n"
        );
        assert_eq!(
            s.screen(50, Some(&terminal())),
            Some(Screen {
                rows: 50,
                width: 132
            })
        );
    }

    #[test]
    fn settings_override_the_terminal() {
        let s = CliSettings {
            screen_length: Some(10),
            screen_width: Some(0),
            complete_on_space: false,
            ..CliSettings::default()
        };
        assert_eq!(
            s.screen(50, Some(&terminal())),
            Some(Screen { rows: 10, width: 0 })
        );
        assert!(s.show(None).starts_with(
            "CLI complete-on-space set to off\nCLI idle-timeout disabled\nCLI screen-length set to 10\nCLI screen-width set to 0\n"
        ));
        let never = CliSettings {
            screen_length: Some(0),
            ..CliSettings::default()
        };
        assert_eq!(never.screen(50, None), None);
    }

    #[test]
    fn the_shorter_idle_timeout_closes_the_session() {
        let mut s = CliSettings::default();
        assert_eq!(s.idle_minutes(), None);
        s.class_idle_timeout = Some(30);
        assert_eq!(s.idle_minutes(), Some(30));
        s.idle_timeout = Some(5);
        assert_eq!(s.idle_minutes(), Some(5));
        assert!(s.show(None).contains("CLI idle-timeout set to 5 minutes\n"));
        // `set cli idle-timeout 0` drops the session's own limit, not the class's.
        s.idle_timeout = Some(0);
        assert_eq!(s.idle_minutes(), Some(30));
        s.class_idle_timeout = None;
        s.idle_timeout = Some(1);
        assert!(s.show(None).contains("CLI idle-timeout set to 1 minute\n"));
    }

    #[test]
    fn numbers_and_ranges() {
        assert_eq!(number("7", |n| n < 10, "0..9"), Ok(7));
        assert_eq!(
            number("12", |n| n < 10, "0..9"),
            Err("Value 12 is not within range (0..9)".into())
        );
        assert_eq!(
            number("x", |n| n < 10, "0..9"),
            Err("invalid numeric value: 'x'".into())
        );
    }
}
