//! An idle session at the terminal (`system login class NAME idle-timeout`, `set cli
//! idle-timeout`): warned above the prompt, then closed, as Junos does. The line editor
//! cannot read with a timeout, so a watcher thread keeps the session's idle clock
//! (`schema::idle::IdleTimer`): the prompt loop tells it when the shell waits at the prompt
//! and with which limit, every key typed there is activity, and at the limit the watcher
//! prints `Idle timeout exceeded: closing session`, gives the terminal back its settings and
//! ends the process (closing the connection ends the daemon's session; a private candidate
//! is discarded with it).
//!
//! Junos spares only a session running telnet, `monitor interface` or `monitor traffic`
//! ("Configuring the Timeout Value for Idle Login Sessions"). `monitor start FILE` returns to
//! the prompt and prints the file's lines above it: that session is idle at its prompt and is
//! closed like any other, here as on Junos. This shell has no `monitor interface|traffic` yet;
//! one added would run away from the prompt (the clock here stops) and must keep the
//! daemon's session clock going too (l2tpd/src/mgmt/idle.rs counts requests only).

use nix::sys::termios::{tcsetattr, SetArg, Termios};
use rustyline::ExternalPrinter;
use schema::idle::{IdleEvent, IdleTimer, CLOSING};
use std::io::{self, IsTerminal, Write};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

#[derive(Default)]
struct State {
    /// Waiting at the command prompt: only there does idle time count (Junos: "the CLI
    /// operational mode prompt is displayed but there is no input from the keyboard").
    at_prompt: bool,
    minutes: Option<u32>,
    timer: Option<IdleTimer>,
    /// The terminal's own mode, put back before the process ends.
    saved: Option<Termios>,
}

/// The prompt loop's handle on the watcher.
#[derive(Clone)]
pub(crate) struct IdleWatch {
    state: Arc<Mutex<State>>,
    minute: Duration,
}

impl IdleWatch {
    /// Starts the watcher. `printer` writes warnings above the prompt; `saved` is the
    /// terminal's own mode, put back before the process ends.
    pub(crate) fn start(
        mut printer: Box<dyn ExternalPrinter + Send>,
        saved: Option<Termios>,
    ) -> io::Result<IdleWatch> {
        let watch = IdleWatch {
            state: Arc::new(Mutex::new(State {
                saved,
                ..State::default()
            })),
            minute: schema::idle::minute(),
        };
        let state = watch.state.clone();
        // At least once a (scaled) second, so a new limit or the prompt's return is seen.
        let tick = (watch.minute / 60).max(Duration::from_millis(10));
        std::thread::Builder::new()
            .name("idle-watch".into())
            .spawn(move || loop {
                let now = Instant::now();
                let (event, wait) = {
                    let mut s = state.lock().unwrap_or_else(PoisonError::into_inner);
                    let at_prompt = s.at_prompt;
                    match s.timer.as_mut().filter(|_| at_prompt) {
                        Some(timer) => {
                            let event = timer.poll(now);
                            (event, timer.next_deadline().saturating_duration_since(now))
                        }
                        None => (None, tick),
                    }
                };
                match event {
                    Some(IdleEvent::Warn(text)) => {
                        let _ = printer.print(format!("\n{text}\n"));
                    }
                    Some(IdleEvent::Close) => close(&state),
                    None => {}
                }
                std::thread::sleep(wait.min(tick));
            })?;
        Ok(watch)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The shell is at its prompt again, with `minutes` as its limit: the clock starts.
    pub(crate) fn at_prompt(&self, minutes: Option<u32>) {
        let now = Instant::now();
        let mut s = self.state();
        if s.minutes != minutes || s.timer.is_none() {
            s.minutes = minutes;
            s.timer = minutes.and_then(|m| IdleTimer::new(m, self.minute, now));
        }
        if let Some(t) = s.timer.as_mut() {
            t.activity(now);
        }
        s.at_prompt = true;
    }

    /// A command runs (or a question is asked): no idle time counts until the next prompt.
    pub(crate) fn left_prompt(&self) {
        self.state().at_prompt = false;
    }

    /// The daemon closed the session (it saw no request for longer than the class allows,
    /// while keys were typed but never sent, or while the shell was not at its prompt): it
    /// has said so; the shell ends too.
    pub(crate) fn closed_by_daemon(&self) {
        close(&self.state)
    }

    /// A key was typed at the prompt.
    pub(crate) fn activity(&self) {
        let now = Instant::now();
        if let Some(t) = self.state().timer.as_mut() {
            t.activity(now);
        }
    }
}

/// Ends the session: the last line, the terminal as it was before the line editor took it,
/// and the process gone (its connection with it).
fn close(state: &Mutex<State>) -> ! {
    let saved = state
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .saved
        .take();
    let mut out = io::stdout();
    if out.is_terminal() {
        // The line editor's bracketed-paste mode off, as it would on leaving.
        let _ = out.write_all(b"\x1b[?2004l");
    }
    let _ = write!(out, "\r\n{CLOSING}\r\n");
    let _ = out.flush();
    if let Some(saved) = saved {
        let _ = tcsetattr(io::stdin(), SetArg::TCSANOW, &saved);
    }
    std::process::exit(0);
}
