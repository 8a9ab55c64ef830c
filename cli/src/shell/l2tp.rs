//! `show services l2tp ...` and `clear services l2tp ...` in the shell: the typed request
//! from the words, the reply rendered (or shown as JSON / XML), and the question a clear of
//! many sessions asks before anything is closed.

use super::answer::Answer;
use super::l2tp_args::clear_request;
use super::options::ArgError;
use super::pipe::Pipe;
use super::transport::Transport;
use super::words::Command;
use super::{render_l2tp, Input, Lost, Shell};
use schema::l2tp_rpc::roots;
use schema::mgmt::{Reply, Request};
use schema::tokenize::Word;

/// How `show services l2tp …` shows its reply (see [`super::answer::Pick`]): the request
/// says which reply it expects, a reply of another show is unexpected.
pub(super) fn show_reply(request: &Request, reply: Reply) -> Result<Answer<'_>, Box<Reply>> {
    Ok(match (request, reply) {
        (Request::GetL2tpSummaryInformation { .. }, Reply::L2tpSummary(s)) => {
            Answer::rpc(roots::SUMMARY, s, render_l2tp::summary)
        }
        (Request::GetL2tpDestinationInformation(show), Reply::L2tpDestinations(d)) => {
            Answer::rpc(roots::DESTINATION, d, move |d| {
                render_l2tp::destinations(&d.destinations, show)
            })
        }
        (Request::GetL2tpTunnelInformation(show), Reply::L2tpTunnels(t)) => {
            Answer::rpc(roots::TUNNEL, t, move |t| {
                render_l2tp::tunnels(&t.tunnels, show)
            })
        }
        (Request::GetL2tpSessionInformation(show), Reply::L2tpSessions(s)) => {
            Answer::rpc(roots::SESSION, s, move |s| {
                render_l2tp::sessions(&s.sessions, show)
            })
        }
        (Request::GetL2tpDisconnectCauseSummary, Reply::L2tpDisconnectCauses(c)) => {
            Answer::rpc(roots::DISCONNECT_CAUSES, c, render_l2tp::disconnect_causes)
        }
        (_, other) => return Err(Box::new(other)),
    })
}

impl<T: Transport> Shell<T> {
    pub(super) fn clear_l2tp(
        &mut self,
        line: &str,
        cmd: &Command<'_>,
        pipes: &[Pipe],
        input: &mut dyn Input,
    ) -> Result<(), Lost> {
        let parsed = clear_request(cmd.action, cmd.node, cmd.args);
        let Some(request) = self.request_or_report(line, cmd.args, parsed) else {
            return Ok(());
        };
        let may_ask = !has_consent(&request);
        // Not `answer`: a question in reply is put to the operator before the clear goes on.
        match self.call(request.clone())? {
            Ok(Reply::L2tpCleared(c)) => {
                self.give(Answer::print(render_l2tp::cleared(&c)), pipes, input)
            }
            // Consent is asked once: a question after `force` or `yes` is unexpected.
            Ok(Reply::ConfirmClear { sessions, question }) if may_ask => {
                let answer = match input.answer(&question) {
                    Ok(Some(answer)) => answer,
                    Ok(None) => {
                        self.error(&format!(
                            "this clear would end {sessions} sessions; confirm on a terminal \
                             or add 'force'"
                        ));
                        return Ok(());
                    }
                    Err(e) => {
                        self.error(&format!("cannot read the answer: {e}"));
                        return Ok(());
                    }
                };
                if self.echo_input {
                    // A script's answer is not on screen: show it after the question.
                    self.print(&format!("{question} {answer}\n"));
                }
                if !is_yes(&answer) {
                    return Ok(());
                }
                return self.answer(with_consent(request), pipes, input, |reply| match reply {
                    Reply::L2tpCleared(c) => Ok(Answer::print(render_l2tp::cleared(&c))),
                    other => Err(Box::new(other)),
                });
            }
            Ok(other) => self.unexpected(&other),
            Err(e) => self.report_plain(e, None),
        }
        Ok(())
    }

    /// Reports a bad argument (`word` indexes `args`; their count means the end of the line).
    pub(super) fn arg_error(&mut self, line: &str, args: &[Word], e: ArgError) {
        let pos = args.get(e.word).map_or(line.trim_end().len(), |w| w.start);
        self.syntax_error(line, pos, &e.message);
    }

    /// The request the command's words make, or `None` once the argument error is shown
    /// under the word at fault.
    pub(super) fn request_or_report<R>(
        &mut self,
        line: &str,
        args: &[Word],
        parsed: Result<R, ArgError>,
    ) -> Option<R> {
        parsed.map_err(|e| self.arg_error(line, args, e)).ok()
    }
}

/// The clear already carries the operator's consent (`force`).
fn has_consent(request: &Request) -> bool {
    match request {
        Request::ClearL2tpDestination(c)
        | Request::ClearL2tpTunnel(c)
        | Request::ClearL2tpSession(c) => c.confirmed,
        _ => true,
    }
}

/// The same clear, with the operator's consent.
fn with_consent(request: Request) -> Request {
    match request {
        Request::ClearL2tpDestination(mut c) => {
            c.confirmed = true;
            Request::ClearL2tpDestination(c)
        }
        Request::ClearL2tpTunnel(mut c) => {
            c.confirmed = true;
            Request::ClearL2tpTunnel(c)
        }
        Request::ClearL2tpSession(mut c) => {
            c.confirmed = true;
            Request::ClearL2tpSession(c)
        }
        other => other,
    }
}

/// Only an explicit `yes` (or its abbreviation) ends sessions; an empty answer is no.
fn is_yes(answer: &str) -> bool {
    let a = answer.trim().to_ascii_lowercase();
    !a.is_empty() && "yes".starts_with(&a)
}
