//! `show version`, `show system uptime | processes | storage | statistics icmp`, `show log
//! [FILE]` and
//! `monitor start | stop FILE` in the shell. The new lines of a monitored file come from the
//! daemon between responses, as broadcasts do, and are printed above the prompt.

use super::l2tp::{rpc, structured};
use super::transport::Transport;
use super::words::Command;
use super::{render_system, Input, Lost, Pipe, Shell};
use schema::mgmt::{Reply, Request};
use schema::opcmd::Action;
use schema::system_rpc::{
    LOG_FILES_ROOT, PROCESSES_ROOT, STATISTICS_ROOT, STORAGE_ROOT, UPTIME_ROOT, VERSION_ROOT,
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
            Action::ShowSystemStatisticsIcmp => Request::GetIcmpStatistics,
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
        let structured = structured(pipes);
        let shown = match self.call(request)? {
            Ok(Reply::Version(v)) => {
                rpc(VERSION_ROOT, structured, &|| render_system::version(&v), &v)
            }
            Ok(Reply::SystemUptime(u)) => {
                rpc(UPTIME_ROOT, structured, &|| render_system::uptime(&u), &u)
            }
            Ok(Reply::SystemProcesses(p)) => rpc(
                PROCESSES_ROOT,
                structured,
                &|| render_system::processes(&p),
                &p,
            ),
            Ok(Reply::SystemStorage(s)) => {
                rpc(STORAGE_ROOT, structured, &|| render_system::storage(&s), &s)
            }
            Ok(Reply::IcmpStatistics(s)) => rpc(
                STATISTICS_ROOT,
                structured,
                &|| render_system::icmp_statistics(&s),
                &s,
            ),
            Ok(Reply::LogFiles(l)) => rpc(
                LOG_FILES_ROOT,
                structured,
                &|| render_system::log_files(&l),
                &l,
            ),
            // A log file is text: pipes apply to its lines (`| last 20`, `| match`).
            Ok(Reply::LogContent(c)) => {
                self.emit(
                    super::show::Shown::Text(render_system::log_content(&c)),
                    pipes,
                    input,
                );
                return Ok(());
            }
            Ok(other) => {
                self.unexpected(&other);
                return Ok(());
            }
            Err(e) => {
                self.report_plain(e, None);
                return Ok(());
            }
        };
        self.emit_rpc(shown, pipes, input);
        Ok(())
    }

    fn monitor_start(&mut self, file: String) -> Result<(), Lost> {
        match self.call(Request::MonitorStart { file: file.clone() })? {
            Ok(Reply::Done { .. }) => {
                self.monitoring.insert(file);
            }
            Ok(other) => self.unexpected(&other),
            Err(e) => self.report_plain(e, None),
        }
        Ok(())
    }

    fn monitor_stop(&mut self, file: Option<String>) -> Result<(), Lost> {
        match self.call(Request::MonitorStop { file: file.clone() })? {
            Ok(Reply::Done { .. }) => match file {
                Some(f) => {
                    self.monitoring.remove(&f);
                }
                None => self.monitoring.clear(),
            },
            Ok(other) => self.unexpected(&other),
            Err(e) => self.report_plain(e, None),
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
