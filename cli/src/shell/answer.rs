//! How an operational command answers the operator: the request goes to the daemon, the
//! command picks the reply it expects out of [`Reply`] and says how to show it; everything
//! else is the same for every command and lives here once: a daemon error is reported as
//! itself, any other reply as unexpected, and a typed reply is shown as text or, under
//! `| display json` / `| display xml`, in its serde form.

use super::options::ArgError;
use super::pipe::Pipe;
use super::show::Shown;
use super::transport::Transport;
use super::words::Command;
use super::{Input, Lost, Shell};
use schema::mgmt::{Reply, Request};
use schema::opcmd::{Action, OpCmd};
use schema::tokenize::Word;

/// The request a command's words make (`action` names the command).
pub(super) type Words = fn(Action, &'static OpCmd, &[Word]) -> Result<Request, ArgError>;

/// What a command makes of the reply to `request` (which says what to show: a level, a
/// selection), or the reply handed back, boxed (a `Reply` is large), when it is not one the
/// request expects.
pub(super) type Pick = for<'a> fn(&'a Request, Reply) -> Result<Answer<'a>, Box<Reply>>;

/// What a command makes of the reply it expected.
pub(super) enum Answer<'a> {
    /// A typed reply: its text through the pipes, or its serde form under the Junos root
    /// element `root` for `| display json|xml`. Made with [`Answer::rpc`].
    Rpc {
        root: &'static str,
        reply: Box<dyn Typed + 'a>,
    },
    /// Text with no structured form; the pipes apply to its lines (`| last 20`, `| match`).
    Text(String),
    /// Printed as it is, pipes or not (a clear's or a test's report); `failed` fails the
    /// command (`cli -c`).
    Print { text: String, failed: bool },
    /// Nothing to print (Junos clears some counters silently).
    Silent,
}

impl<'a> Answer<'a> {
    /// A typed reply and how its text is rendered (only when no structured form is asked).
    pub(super) fn rpc<R: serde::Serialize + 'a>(
        root: &'static str,
        reply: R,
        text: impl Fn(&R) -> String + 'a,
    ) -> Self {
        Answer::Rpc {
            root,
            reply: Box::new(Rendered { reply, text }),
        }
    }

    /// A report printed as it is.
    pub(super) fn print(text: String) -> Self {
        Answer::Print {
            text,
            failed: false,
        }
    }
}

/// A typed reply with its renderer, as one object-safe type for [`Answer::Rpc`].
pub(super) trait Typed {
    fn text(&self) -> String;
    fn value(&self) -> serde_json::Result<serde_json::Value>;
}

struct Rendered<R, F> {
    reply: R,
    text: F,
}

impl<R: serde::Serialize, F: Fn(&R) -> String> Typed for Rendered<R, F> {
    fn text(&self) -> String {
        (self.text)(&self.reply)
    }

    fn value(&self) -> serde_json::Result<serde_json::Value> {
        serde_json::to_value(&self.reply)
    }
}

impl<T: Transport> Shell<T> {
    /// A command whose words make one typed request: a bad word is shown under it, else
    /// the request goes to the daemon and `pick` says how its reply is shown.
    pub(super) fn typed_command(
        &mut self,
        line: &str,
        cmd: &Command<'_>,
        pipes: &[Pipe],
        input: &mut dyn Input,
        words: Words,
        pick: Pick,
    ) -> Result<(), Lost> {
        let parsed = words(cmd.action, cmd.node, cmd.args);
        let Some(request) = self.request_or_report(line, cmd.args, parsed) else {
            return Ok(());
        };
        let asked = request.clone();
        self.answer(request, pipes, input, |reply| pick(&asked, reply))
    }

    /// Sends `request` and shows what `pick` makes of the reply (`pick` hands back a reply
    /// it did not expect, boxed: a `Reply` is large).
    pub(super) fn answer<'a>(
        &mut self,
        request: Request,
        pipes: &[Pipe],
        input: &mut dyn Input,
        pick: impl FnOnce(Reply) -> Result<Answer<'a>, Box<Reply>>,
    ) -> Result<(), Lost> {
        if let Some(answer) = self.expect(request, pick)? {
            self.give(answer, pipes, input);
        }
        Ok(())
    }

    /// Sends `request` and returns what `pick` takes out of the reply; `None` once the
    /// daemon's error or a reply `pick` handed back is reported.
    pub(super) fn expect<A>(
        &mut self,
        request: Request,
        pick: impl FnOnce(Reply) -> Result<A, Box<Reply>>,
    ) -> Result<Option<A>, Lost> {
        Ok(match self.call(request)? {
            Ok(reply) => match pick(reply) {
                Ok(picked) => Some(picked),
                Err(other) => {
                    self.unexpected(&other);
                    None
                }
            },
            Err(e) => {
                self.report_plain(e, None);
                None
            }
        })
    }

    pub(super) fn give(&mut self, answer: Answer<'_>, pipes: &[Pipe], input: &mut dyn Input) {
        match answer {
            Answer::Rpc { root, reply } => match shown(root, &*reply, structured(pipes)) {
                Ok(shown) => self.emit(shown, pipes, input),
                Err(e) => self.error(&e),
            },
            Answer::Text(text) => self.emit(Shown::Text(text), pipes, input),
            Answer::Print { text, failed } => {
                self.failed |= failed;
                // Only a command that takes `| display` has one here (see `OpCmd::display`).
                let text = match structured_as(pipes) {
                    Some(Pipe::DisplayXml) => super::structured::output_xml(&text),
                    Some(_) => super::structured::output_json(&text),
                    None => text,
                };
                self.print(&text);
            }
            Answer::Silent => {}
        }
    }
}

/// A `pick` for [`Shell::expect`]: the messages of a request answered with `Done`.
pub(super) fn done_messages(reply: Reply) -> Result<Vec<String>, Box<Reply>> {
    match reply {
        Reply::Done { messages } => Ok(messages),
        other => Err(Box::new(other)),
    }
}

/// `| display json` or `| display xml` among the pipes: the reply goes out structured.
fn structured(pipes: &[Pipe]) -> bool {
    structured_as(pipes).is_some()
}

/// The `| display json` or `| display xml` among the pipes.
fn structured_as(pipes: &[Pipe]) -> Option<&Pipe> {
    pipes
        .iter()
        .find(|p| matches!(p, Pipe::DisplayJson | Pipe::DisplayXml))
}

/// What to show: the reply's serde form when `structured`, or else its text. Only the one
/// asked for is made: for 65,000 sessions either costs a good part of a second.
fn shown(root: &'static str, reply: &dyn Typed, structured: bool) -> Result<Shown, String> {
    if structured {
        let reply = reply
            .value()
            .map_err(|e| format!("cannot encode reply: {e}"))?;
        Ok(Shown::Rpc {
            root,
            text: String::new(),
            reply,
        })
    } else {
        Ok(Shown::Rpc {
            root,
            text: reply.text(),
            reply: serde_json::Value::Null,
        })
    }
}
