//! Operational-mode commands (`user@host> `), also reached by `run` in configuration mode.

use super::answer::Answer;
use super::l2tp_args::tunnel_test_request;
use super::pipe::{split_pipes, Pipe};
use super::show::{inheritance_pipe, Shown};
use super::transport::Transport;
use super::words::{match_command, Command};
use super::{
    aaa, firewall, help, l2tp, l2tp_args, ppp, render, subscriber_args, subscribers, Flow, Input,
    Lost, Mode, Shell,
};
use schema::mgmt::{ConfigureMode, Reply, Request, Revision};
use schema::opcmd::{Action, OPERATIONAL};
use schema::snmp_rpc::STATISTICS_ROOT;
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
        // A command that only displays (`OpCmd::display`) takes `| display json|xml` alone.
        let displayed = cmd.node.display
            && pipes
                .iter()
                .all(|p| matches!(p, Pipe::DisplayJson | Pipe::DisplayXml));
        let piped = cmd.node.pipe || displayed;
        if !pipes.is_empty() && !piped {
            let bar = words.last().map_or(0, |w| w.end);
            let pos = line
                .get(bar..)
                .and_then(|rest| rest.find('|'))
                .map_or(bar, |p| bar + p);
            self.syntax_error(line, pos, "syntax error.");
            return Ok(Flow::Continue);
        }
        let refresh = pipes.iter().find_map(|p| match p {
            Pipe::Refresh(seconds) => Some(*seconds),
            _ => None,
        });
        match refresh {
            Some(seconds) => self.refresh(line, &cmd, &pipes, input, from_configuration, seconds),
            None => self.run_operational(line, &cmd, &pipes, input, from_configuration),
        }
    }

    /// `| refresh N`: the command again every N seconds, each run under its timestamp line,
    /// until Ctrl-C (or until a run fails: repeating an error helps nobody).
    fn refresh(
        &mut self,
        line: &str,
        cmd: &Command<'_>,
        pipes: &[Pipe],
        input: &mut dyn Input,
        from_configuration: bool,
        seconds: u32,
    ) -> Result<Flow, Lost> {
        // The other pipes apply to each run; a pager would stop the loop at its prompt.
        let mut each: Vec<Pipe> = pipes
            .iter()
            .filter(|p| !matches!(p, Pipe::Refresh(_)))
            .cloned()
            .collect();
        each.push(Pipe::NoMore);
        if let Err(e) = self.refresher.start() {
            self.error(&format!("cannot catch Ctrl-C for refresh: {e}"));
            return Ok(Flow::Continue);
        }
        let flow = loop {
            let stamp = render::utc(self.refresher.now());
            self.print(&format!("---(refreshed at {stamp})---\n"));
            let failed_before = std::mem::replace(&mut self.failed, false);
            let flow = self.run_operational(line, cmd, &each, input, from_configuration);
            let failed = self.failed;
            self.failed |= failed_before;
            self.flush_notices();
            if failed || !matches!(flow, Ok(Flow::Continue)) || !self.refresher.wait(seconds) {
                break flow;
            }
        };
        self.refresher.finish();
        flow
    }

    /// Runs a recognised operational command once.
    fn run_operational(
        &mut self,
        line: &str,
        cmd: &Command<'_>,
        pipes: &[Pipe],
        input: &mut dyn Input,
        from_configuration: bool,
    ) -> Result<Flow, Lost> {
        // An atomic script keeps its edits to itself (see `Shell::atomic`).
        let atomic = self.atomic;
        let configure = |mode| Request::Configure {
            mode: if atomic { ConfigureMode::Private } else { mode },
        };
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
                let words = path.clone();
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
                if let (None, Some(comments)) = (compare, inheritance_pipe(pipes)) {
                    let whole = Request::ShowConfiguration {
                        words: Vec::new(),
                        revision: Revision::Active,
                    };
                    let args = &cmd.args;
                    let shown = self.inheritance(comments, pipes, &words, whole, line, 0, args)?;
                    if let Some(shown) = shown {
                        self.emit(shown, pipes, input);
                    }
                    return Ok(Flow::Continue);
                }
                // Not `answer`: a daemon error points at the word of the path it is about.
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
                    Ok(other) => self.unexpected(&other),
                    Err(e) => self.report(line, e, 0, cmd.args),
                }
            }
            Action::ShowSystemCommit => self.answer(
                Request::ShowSystemCommit,
                pipes,
                input,
                |reply| match reply {
                    Reply::Commits {
                        entries,
                        scheduled,
                        rescue,
                    } => {
                        let mut text = scheduled
                            .as_ref()
                            .map(super::history::scheduled_line)
                            .unwrap_or_default();
                        text.push_str(&render::commits(&entries));
                        if let Some(r) = &rescue {
                            text.push_str(&super::history::rescue_line(r));
                        }
                        Ok(Answer::Text(text))
                    }
                    other => Err(Box::new(other)),
                },
            )?,
            Action::ShowSystemUsers => self.answer(
                Request::ShowSystemUsers,
                pipes,
                input,
                |reply| match reply {
                    Reply::Users { users, .. } => Ok(Answer::Text(render::users_table(&users))),
                    other => Err(Box::new(other)),
                },
            )?,
            Action::ShowL2tpSummary
            | Action::ShowL2tpDestination
            | Action::ShowL2tpTunnel
            | Action::ShowL2tpSession
            | Action::ShowL2tpDisconnectCauses => {
                let (words, pick) = (l2tp_args::show_request, l2tp::show_reply);
                self.typed_command(line, cmd, pipes, input, words, pick)?
            }
            Action::ClearL2tpDestination | Action::ClearL2tpTunnel | Action::ClearL2tpSession => {
                self.clear_l2tp(line, cmd, pipes, input)?
            }
            Action::ShowPppInterface | Action::ShowPppSummary | Action::ShowPppStatistics => {
                self.typed_command(line, cmd, pipes, input, ppp::request, ppp::reply)?
            }
            Action::ShowSubscribers
            | Action::ShowPppoeInterfaces
            | Action::ShowPppoeStatistics
            | Action::ShowPppoeServiceNameTables
            | Action::ShowAddressAssignmentPool
            | Action::ClearPppoeSessions
            | Action::ClearPppoeStatistics
            | Action::ShowInterfaces
            | Action::ClearNetworkAccessAaaSubscriber
            | Action::ClearAutoConfigurationInterfaces => {
                let (words, pick) = (subscriber_args::request, subscribers::reply);
                self.typed_command(line, cmd, pipes, input, words, pick)?
            }
            Action::ShowFirewall | Action::ClearFirewall => {
                self.typed_command(line, cmd, pipes, input, firewall::request, firewall::reply)?
            }
            Action::ShowRoute => self.route_command(line, cmd, pipes, input)?,
            Action::ShowAaaRadiusServers
            | Action::ShowAaaStatistics
            | Action::ShowAaaSubscribers
            | Action::TestAaaPpp
            | Action::ClearAaaStatistics
            | Action::ShowTerminateCode => {
                self.typed_command(line, cmd, pipes, input, aaa::request, aaa::reply)?
            }
            Action::ShowSnmpMibGet | Action::ShowSnmpMibWalk => {
                let Some(object) = cmd.args.first().map(|w| w.text.clone()) else {
                    self.error("missing argument: <object>");
                    return Ok(Flow::Continue);
                };
                let request = if cmd.action == Action::ShowSnmpMibGet {
                    Request::GetSnmpObject { object }
                } else {
                    Request::WalkSnmpObject { object }
                };
                self.answer(request, pipes, input, |reply| match reply {
                    Reply::SnmpObjects(objects) => {
                        Ok(Answer::Text(super::render_snmp::objects(&objects)))
                    }
                    other => Err(Box::new(other)),
                })?
            }
            Action::ShowSnmpStatistics => self.answer(
                Request::GetSnmpStatistics,
                pipes,
                input,
                |reply| match reply {
                    Reply::SnmpStatistics(s) => Ok(Answer::rpc(
                        STATISTICS_ROOT,
                        s,
                        super::render_snmp::statistics,
                    )),
                    other => Err(Box::new(other)),
                },
            )?,
            Action::TestL2tpTunnel => {
                let parsed = tunnel_test_request(cmd.node, cmd.args);
                let Some(request) = self.request_or_report(line, cmd.args, parsed) else {
                    return Ok(Flow::Continue);
                };
                self.answer(request, pipes, input, |reply| match reply {
                    // A test that did not prove the path fails the command (`cli -c`).
                    Reply::L2tpTunnelTest(report) => Ok(Answer::Print {
                        failed: report.failure.is_some(),
                        text: render::tunnel_test(&report),
                    }),
                    other => Err(Box::new(other)),
                })?
            }
            Action::ShowVersion
            | Action::ShowSystemUptime
            | Action::ShowSystemProcesses
            | Action::ShowSystemStorage
            | Action::ShowSystemStatistics
            | Action::ShowSystemStatisticsTcp
            | Action::ShowSystemStatisticsIcmp
            | Action::ShowLog
            | Action::MonitorStart
            | Action::MonitorStop => self.system_command(line, cmd, pipes, input)?,
            Action::ShowSystemRollback
            | Action::ShowRescue
            | Action::RescueSave
            | Action::RescueDelete
            | Action::ClearSystemCommit => {
                return self
                    .history_command(line, cmd, pipes, input)
                    .unwrap_or(Ok(Flow::Continue))
            }
            Action::HelpTopic | Action::HelpReference => {
                self.help_topic(line, cmd.action == Action::HelpReference, cmd.args, &[])
            }
            Action::SetCli => self.set_cli(line, cmd),
            Action::ShowCli => self.show_cli(pipes, input),
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
        let configured = self.expect(request, |reply| match reply {
            Reply::Configured {
                users,
                warnings,
                changed,
            } => Ok((users, warnings, changed)),
            other => Err(Box::new(other)),
        })?;
        if let Some((users, warnings, changed)) = configured {
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
        Ok(Flow::Continue)
    }
}
