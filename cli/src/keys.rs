//! The keys that help while a command line is typed: `?` lists what may come next, Space
//! completes a unique keyword (Junos' complete-on-space), Tab lists the candidates once the
//! word cannot be completed further. Their text is printed above the prompt.

use crate::interactive::{lock, with_values, Shared, Values};
use crate::shell::help;
use crate::shell::Splitter;
use rustyline::{Cmd, ConditionalEventHandler, Event, EventContext, ExternalPrinter, RepeatCount};
use std::io;
use std::sync::{Arc, Mutex, PoisonError};

/// `?` lists what may come next above the prompt and leaves the line as it was.
pub(crate) struct QuestionMark {
    pub(crate) position: Shared,
    pub(crate) split: Splitter,
    pub(crate) values: Values,
    pub(crate) printer: AbovePrompt,
}

impl ConditionalEventHandler for QuestionMark {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, ctx: &EventContext) -> Option<Cmd> {
        let before = ctx.line().get(..ctx.pos()).unwrap_or(ctx.line());
        // Inside quotes `?` is just a character of the value.
        if before.matches('"').count() % 2 == 1 {
            return None;
        }
        let position = lock(&self.position);
        if !position.at_prompt {
            return None;
        }
        // `rollback ?` lists the revisions, which only the daemon knows (fetched before the
        // prompt).
        let revisions = position
            .revisions
            .as_ref()
            .filter(|_| crate::shell::asks_for_revisions(self.split, before));
        let text = match revisions {
            Some(text) => text.clone(),
            None => with_values(&self.values, &position, |lookup| {
                help::completions_text(position.at(), self.split, before, lookup)
            }),
        };
        let message = format!("{}{}?\n{}", position.prompt, before, text);
        self.printer.print(message);
        Some(Cmd::Noop)
    }
}

/// Prints help above the prompt from the key handlers. The line editor takes one printed
/// message at a time and serves typed keys first, so a handler that printed directly would
/// wait forever on a second `?` typed before the first was shown: a thread of its own
/// waits instead.
#[derive(Clone)]
pub(crate) struct AbovePrompt(Arc<Mutex<std::sync::mpsc::Sender<String>>>);

impl AbovePrompt {
    pub(crate) fn new(mut printer: Box<dyn ExternalPrinter + Send>) -> io::Result<AbovePrompt> {
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        std::thread::Builder::new()
            .name("help-printer".into())
            .spawn(move || {
                for message in rx {
                    if printer.print(message).is_err() {
                        break;
                    }
                }
            })?;
        Ok(AbovePrompt(Arc::new(Mutex::new(tx))))
    }

    fn print(&self, message: String) {
        let tx = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = tx.send(message);
    }
}

/// Space completes a unique keyword as Tab does, or lists an ambiguous one (Junos'
/// complete-on-space); anywhere else it is a space.
pub(crate) struct SpaceKey {
    pub(crate) position: Shared,
    pub(crate) split: Splitter,
    pub(crate) printer: AbovePrompt,
}

impl ConditionalEventHandler for SpaceKey {
    fn handle(&self, _: &Event, n: RepeatCount, _: bool, ctx: &EventContext) -> Option<Cmd> {
        let position = lock(&self.position);
        if !position.at_prompt || !position.complete_on_space || ctx.pos() < ctx.line().len() {
            return None;
        }
        let before = ctx.line();
        let column = position.prompt.chars().count();
        match help::on_space(position.at(), self.split, before, column) {
            help::Space::Complete(rest) => Some(Cmd::Insert(n, format!("{rest} "))),
            help::Space::Ambiguous(text) => {
                let message = format!("{}{}\n{}", position.prompt, before, text);
                self.printer.print(message);
                Some(Cmd::Noop)
            }
            help::Space::Plain => None,
        }
    }
}

/// Tab lists `Possible completions:` (as `?` does) once the word cannot be completed
/// further; until then the line editor completes it.
pub(crate) struct TabKey {
    pub(crate) position: Shared,
    pub(crate) split: Splitter,
    pub(crate) values: Values,
    pub(crate) printer: AbovePrompt,
}

impl ConditionalEventHandler for TabKey {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, ctx: &EventContext) -> Option<Cmd> {
        let before = ctx.line().get(..ctx.pos()).unwrap_or(ctx.line());
        if before.matches('"').count() % 2 == 1 {
            return None;
        }
        let position = lock(&self.position);
        if !position.at_prompt {
            return None;
        }
        let text = with_values(&self.values, &position, |lookup| {
            help::on_tab(position.at(), self.split, before, lookup)
        })?;
        let message = format!("{}{}\n{}", position.prompt, before, text);
        self.printer.print(message);
        Some(Cmd::Noop)
    }
}
