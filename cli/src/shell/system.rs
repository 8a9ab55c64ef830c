//! `show version`, `show system uptime | processes | storage | statistics [tcp | icmp]`, `show log
//! [FILE]` and
//! `monitor start | stop FILE` in the shell. The new lines of a monitored file come from the
//! daemon between responses, as broadcasts do, and are printed above the prompt.

use super::answer::{done_messages, Answer};
use super::transport::Transport;
use super::words::Command;
use super::{render_system, Input, Lost, Pipe, Shell};
use schema::mgmt::{Reply, Request};
use schema::opcmd::Action;
use schema::system_rpc::{
    StatisticsProtocol, LOG_FILES_ROOT, PROCESSES_ROOT, STATISTICS_ROOT, STORAGE_ROOT, UPTIME_ROOT,
    VERSION_ROOT,
};

impl<T: Transport> Shell<T> {
    pub(super) fn system_command(
        &mut self,
        line: &str,
        cmd: &Command<'_>,
        pipes: &[Pipe],
        input: &mut dyn Input,
    ) -> Result<(), Lost> {
        let file = match cmd.args {
            [] => None,
            [one] => Some(one.text.clone()),
            [_, extra, ..] => {
                self.syntax_error(line, extra.start, "syntax error.");
                return Ok(());
            }
        };
        let request = match cmd.action {
            Action::ShowVersion => Request::GetSoftwareInformation,
            Action::ShowSystemUptime => Request::GetSystemUptimeInformation,
            Action::ShowSystemProcesses => Request::GetSystemProcessInformation,
            Action::ShowSystemStorage => Request::GetSystemStorage,
            Action::ShowSystemStatistics => Request::GetSystemStatistics(StatisticsProtocol::All),
            Action::ShowSystemStatisticsTcp => {
                Request::GetSystemStatistics(StatisticsProtocol::Tcp)
            }
            Action::ShowSystemStatisticsIcmp => {
                Request::GetSystemStatistics(StatisticsProtocol::Icmp)
            }
            Action::ShowLog => Request::GetLog { file },
            Action::MonitorStart => {
                let Some(file) = file else {
                    let end = line.trim_end().len() + 1;
                    self.syntax_error(line, end, "syntax error, expecting <filename>.");
                    return Ok(());
                };
                return self.monitor_start(file);
            }
            _ => return self.monitor_stop(file),
        };
        self.answer(request, pipes, input, |reply| {
            Ok(match reply {
                Reply::Version(v) => Answer::rpc(VERSION_ROOT, v, render_system::version),
                Reply::SystemUptime(u) => Answer::rpc(UPTIME_ROOT, u, render_system::uptime),
                Reply::SystemProcesses(p) => {
                    Answer::rpc(PROCESSES_ROOT, p, render_system::processes)
                }
                Reply::SystemStorage(s) => Answer::rpc(STORAGE_ROOT, s, render_system::storage),
                Reply::SystemStatistics(s) => {
                    Answer::rpc(STATISTICS_ROOT, s, render_system::system_statistics)
                }
                Reply::LogFiles(l) => Answer::rpc(LOG_FILES_ROOT, l, render_system::log_files),
                // A log file is text: pipes apply to its lines (`| last 20`, `| match`).
                Reply::LogContent(c) => Answer::Text(render_system::log_content(&c)),
                other => return Err(Box::new(other)),
            })
        })
    }

    fn monitor_start(&mut self, file: String) -> Result<(), Lost> {
        let request = Request::MonitorStart { file: file.clone() };
        if self.expect(request, done_messages)?.is_some() {
            self.monitoring.insert(file);
        }
        Ok(())
    }

    fn monitor_stop(&mut self, file: Option<String>) -> Result<(), Lost> {
        let request = Request::MonitorStop { file: file.clone() };
        if self.expect(request, done_messages)?.is_some() {
            match file {
                Some(f) => {
                    self.monitoring.remove(&f);
                }
                None => self.monitoring.clear(),
            }
        }
        Ok(())
    }

    /// True while `monitor start` follows a file (Ctrl-C at the prompt then stops it).
    pub fn monitoring(&self) -> bool {
        !self.monitoring.is_empty()
    }

    /// Ctrl-C at the prompt: stops every `monitor start`, as `monitor stop` does.
    pub fn stop_monitoring(&mut self) {
        let _ = self.monitor_stop(None);
    }
}
