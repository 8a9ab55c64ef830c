//! Operational-mode commands (`user@host> `), also reached by `run` in configuration mode.

use super::pipe::{split_pipes, Pipe};
use super::show::Shown;
use super::transport::Transport;
use super::words::{match_command, resolve, Resolved};
use super::{help, render, Flow, Input, Lost, Mode, Shell};
use schema::mgmt::{ConfigureMode, Reply, Request, Revision};
use schema::opcmd::{Action, OpCmd, OPERATIONAL};
use schema::tokenize::Word;

impl<T: Transport> Shell<T> {
    pub(super) fn operational(
        &mut self,
        line: &str,
        words: &[Word],
        input: &mut dyn Input,
    ) -> Result<Flow, Lost> {
        self.operational_words(line, words, input, false)
    }

    /// Runs the operational command in `words` (all of `line`, or what follows `run`).
    pub(super) fn operational_words(
        &mut self,
        line: &str,
        words: &[Word],
        input: &mut dyn Input,
        from_configuration: bool,
    ) -> Result<Flow, Lost> {
        let (words, pipes) = match split_pipes(words) {
            Ok(split) => split,
            Err(e) => {
                let pos = words.get(e.word).map_or(line.trim_end().len(), |w| w.start);
                self.syntax_error(line, pos, &e.message);
                return Ok(Flow::Continue);
            }
        };
        let cmd = match match_command(&OPERATIONAL, words) {
            Ok(c) => c,
            Err(m) => {
                self.mismatch(line, words, m);
                return Ok(Flow::Continue);
            }
        };
        if !pipes.is_empty() && !cmd.node.pipe {
            let bar = words.last().map_or(0, |w| w.end);
            let pos = line
                .get(bar..)
                .and_then(|rest| rest.find('|'))
                .map_or(bar, |p| bar + p);
            self.syntax_error(line, pos, "syntax error.");
            return Ok(Flow::Continue);
        }
        let configure = |mode| Request::Configure { mode };
        match cmd.action {
            Action::Configure | Action::ConfigurePrivate | Action::ConfigureExclusive
                if from_configuration =>
            {
                self.error("command is not valid in configuration mode");
            }
            Action::Configure => return self.configure(configure(ConfigureMode::Shared)),
            Action::ConfigurePrivate => return self.configure(configure(ConfigureMode::Private)),
            Action::ConfigureExclusive => {
                return self.configure(configure(ConfigureMode::Exclusive))
            }
            Action::ShowConfiguration => {
                let path: Vec<String> = cmd.args.iter().map(|w| w.text.clone()).collect();
                let compare = pipes.iter().find_map(|p| match p {
                    Pipe::Compare(n) => Some(*n),
                    _ => None,
                });
                let request = match compare {
                    // `show configuration | compare` alone compares with the previous commit.
                    Some(n) => Request::Compare {
                        words: path,
                        base: Revision::Rollback(n.unwrap_or(1)),
                        target: Revision::Active,
                    },
                    None => Request::ShowConfiguration {
                        words: path,
                        revision: Revision::Active,
                    },
                };
                match self.call(request)? {
                    Ok(Reply::Config { path, tree }) => {
                        self.emit(Shown::Config { path, tree }, &pipes, input)
                    }
                    Ok(Reply::Diff { blocks }) => self.emit(Shown::Diff(blocks), &pipes, input),
                    Ok(other) => self.unexpected(&other),
                    Err(e) => self.report(line, e, 0, cmd.args),
                }
            }
            Action::ShowSystemCommit => match self.call(Request::ShowSystemCommit)? {
                Ok(Reply::Commits { entries }) => {
                    self.emit(Shown::Text(render::commits(&entries)), &pipes, input)
                }
                Ok(other) => self.unexpected(&other),
                Err(e) => self.report_plain(e, None),
            },
            Action::ShowSystemUsers => match self.call(Request::ShowSystemUsers)? {
                Ok(Reply::Users { users, .. }) => {
                    self.emit(Shown::Text(render::users_table(&users)), &pipes, input)
                }
                Ok(other) => self.unexpected(&other),
                Err(e) => self.report_plain(e, None),
            },
            Action::TestL2tpTunnel => {
                let request = match parse_tunnel_test(cmd.node, cmd.args) {
                    Ok(r) => r,
                    Err((i, message)) => {
                        let pos = cmd.args.get(i).map_or(line.trim_end().len(), |w| w.start);
                        self.syntax_error(line, pos, &message);
                        return Ok(Flow::Continue);
                    }
                };
                match self.call(request)? {
                    Ok(Reply::L2tpTunnelTest(report)) => {
                        // A test that did not prove the path fails the command (`cli -c`).
                        self.failed |= report.failure.is_some();
                        self.print(&render::tunnel_test(&report));
                    }
                    Ok(other) => self.unexpected(&other),
                    Err(e) => self.report_plain(e, None),
                }
            }
            Action::Help => {
                let rows = help::rows(help::Where::Operational, &[], "");
                self.print(&help::render(help::Where::Operational, &rows));
            }
            Action::Exit if from_configuration => {
                self.error("command is not valid in configuration mode")
            }
            Action::Exit => return Ok(Flow::Exit),
            other => self.error(&format!("{other:?} is not an operational command")),
        }
        Ok(Flow::Continue)
    }

    fn configure(&mut self, request: Request) -> Result<Flow, Lost> {
        match self.call(request)? {
            Ok(Reply::Configured {
                users,
                warnings,
                changed,
            }) => {
                self.print_messages(&warnings);
                self.print("Entering configuration mode\n");
                if !users.is_empty() {
                    self.print(&render::editing_users(&users));
                }
                if changed {
                    self.print("The configuration has been changed but not committed\n");
                }
                self.mode = Mode::Configuration { level: Vec::new() };
                self.edit_history.clear();
            }
            Ok(other) => self.unexpected(&other),
            Err(e) => self.report_plain(e, None),
        }
        Ok(Flow::Continue)
    }
}

/// Reads `user U password P tunnel-name T`, in any order, each once and all required; the
/// error names the offending argument's index (`args.len()`: something is missing).
fn parse_tunnel_test(node: &'static OpCmd, args: &[Word]) -> Result<Request, (usize, String)> {
    let mut user = None;
    let mut password = None;
    let mut tunnel_name = None;
    let mut i = 0;
    while let Some(w) = args.get(i) {
        let option = match resolve(w.text.as_str(), node.children.iter(), |c| c.name) {
            Resolved::One(c) if !w.quoted => c,
            Resolved::Ambiguous(_) if !w.quoted => {
                return Err((i, format!("'{}' is ambiguous.", w.text)))
            }
            _ => return Err((i, "syntax error.".to_string())),
        };
        let slot = match option.name {
            "user" => &mut user,
            "password" => &mut password,
            _ => &mut tunnel_name,
        };
        if slot.is_some() {
            return Err((i, "syntax error.".to_string()));
        }
        let placeholder = option.value.map_or("<value>", |(p, _)| p);
        let value = args
            .get(i + 1)
            .ok_or((i + 1, format!("syntax error, expecting {placeholder}.")))?;
        *slot = Some(value.text.clone());
        i += 2;
    }
    let missing = |name: &str| (args.len(), format!("missing mandatory argument: {name}."));
    Ok(Request::TestL2tpTunnel {
        user: user.ok_or_else(|| missing("user"))?,
        password: password.ok_or_else(|| missing("password"))?,
        tunnel_name: tunnel_name.ok_or_else(|| missing("tunnel-name"))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::words::tests::plain_words;

    fn parse(line: &str) -> Result<Request, (usize, String)> {
        let node = OPERATIONAL
            .child("test")
            .and_then(|t| t.child("services"))
            .and_then(|s| s.child("l2tp"))
            .and_then(|l| l.child("tunnel"))
            .expect("test services l2tp tunnel");
        parse_tunnel_test(node, &plain_words(line))
    }

    #[test]
    fn tunnel_test_options_in_any_order() {
        let expected = Request::TestL2tpTunnel {
            user: "u1@example.net".into(),
            password: "pw".into(),
            tunnel_name: "tp-lns1".into(),
        };
        assert_eq!(
            parse("user u1@example.net password pw tunnel-name tp-lns1"),
            Ok(expected.clone())
        );
        assert_eq!(
            parse("tunnel-name tp-lns1 pass pw u u1@example.net"),
            Ok(expected)
        );
        assert_eq!(parse("user a user b").unwrap_err().0, 2);
        assert_eq!(parse("user").unwrap_err().0, 1);
        assert_eq!(parse("bogus x").unwrap_err().0, 0);
        assert_eq!(
            parse("user a password b"),
            Err((4, "missing mandatory argument: tunnel-name.".into()))
        );
    }
}
