//! The system requests (`show version`, `show system uptime | processes | storage`,
//! `show log`, `monitor start | stop`) and the system-log events of the management plane
//! (login, logout, commit, configuration errors). A child of `state`: it reads the
//! management state (sessions, the store, the active configuration) directly.

mod host;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schema::mgmt::{ClientKind, MgmtError, Reply, Request};
use schema::system_rpc::{
    LastConfigured, StateFile, SystemProcesses, SystemStorage, SystemUptime, Version,
};

use super::{failed, Mgmt, Outcome};
use crate::log::files::{self, Follower};
use crate::log::tags;
use crate::mgmt::session::SessionId;

/// `git rev-parse --short HEAD` at build time (l2tpd/build.rs).
const BUILD_COMMIT: &str = env!("L2TPD_BUILD_COMMIT");

/// What the system requests need besides the management state.
#[derive(Debug, Default)]
pub(super) struct SystemState {
    /// The state directory (`None` in tests that run the management plane alone).
    state_dir: Option<PathBuf>,
    /// When the daemon started (`Protocols started`).
    started: i64,
    /// `monitor start`: the files each session follows.
    monitors: BTreeMap<SessionId, Vec<Follower>>,
    /// Lines for one session, sent between responses (its monitored files' new lines).
    messages: Vec<(SessionId, String)>,
}

impl SystemState {
    pub(super) fn new(started: i64) -> SystemState {
        SystemState {
            started,
            ..SystemState::default()
        }
    }
}

impl Mgmt {
    /// The daemon's state directory: where the log files, the database and the socket are.
    pub fn set_state_dir(&mut self, dir: &Path) {
        self.system.state_dir = Some(dir.to_path_buf());
    }

    /// Lines for single sessions (monitored files), to be sent now.
    pub fn take_session_messages(&mut self) -> Vec<(SessionId, String)> {
        std::mem::take(&mut self.system.messages)
    }

    /// Answers a system request; gives any other request back.
    pub(super) fn system_request(
        &mut self,
        id: SessionId,
        request: Request,
    ) -> Result<Outcome, Box<Request>> {
        Ok(match request {
            Request::GetSoftwareInformation => Ok(Reply::Version(Version {
                host_name: self.host_name(),
                product_model: "l2tpd".into(),
                product_name: "L2TP access router".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                build_commit: BUILD_COMMIT.into(),
            })),
            Request::GetSystemUptimeInformation => Ok(Reply::SystemUptime(self.uptime())),
            Request::GetSystemProcessInformation => Ok(Reply::SystemProcesses(processes())),
            Request::GetSystemStorage => self.storage().map(Reply::SystemStorage),
            Request::GetLog { file } => self.show_log(file.as_deref()),
            Request::MonitorStart { file } => self.monitor_start(id, &file),
            Request::MonitorStop { file } => {
                self.monitor_stop(id, file.as_deref());
                Ok(Reply::Done { messages: vec![] })
            }
            other => return Err(Box::new(other)),
        })
    }

    fn uptime(&self) -> SystemUptime {
        let last_configured = self
            .store
            .history()
            .ok()
            .and_then(|h| h.into_iter().find(|e| e.index == 0))
            .map(|e| LastConfigured {
                time: e.time,
                user: e.user,
            });
        SystemUptime {
            current_time: self.clock.now(),
            system_booted: host::boot_time(),
            protocols_started: self.system.started,
            last_configured,
            users: self.sessions.len(),
            load_averages: host::load_averages(),
        }
    }

    fn state_dir(&self) -> Result<&Path, MgmtError> {
        self.system
            .state_dir
            .as_deref()
            .ok_or_else(|| failed("this daemon has no state directory"))
    }

    fn storage(&self) -> Result<SystemStorage, MgmtError> {
        let dir = self.state_dir()?;
        let filesystem = host::filesystem(dir)
            .ok_or_else(|| failed(format!("cannot read the file system of {}", dir.display())))?;
        let size = |name: &str| std::fs::metadata(dir.join(name)).map_or(0, |m| m.len());
        let revisions = self.store.history().map_or(0, |h| h.len());
        let mut files = vec![
            StateFile {
                role: format!(
                    "configuration database (active, candidates, {revisions} rollback revisions)"
                ),
                names: commit_db::DATABASE_FILE_NAME.into(),
                size: size(commit_db::DATABASE_FILE_NAME),
            },
            StateFile {
                role: "recovery copy of the active configuration".into(),
                names: commit_db::RECOVERY_FILE_NAME.into(),
                size: size(commit_db::RECOVERY_FILE_NAME),
            },
        ];
        let bases = self.log_bases();
        if let Ok(logs) = files::list(dir, &bases) {
            for base in &bases {
                let of_base: Vec<_> = logs
                    .files
                    .iter()
                    .filter(|f| files::is_log_file(&f.name, &[base]))
                    .collect();
                if of_base.is_empty() {
                    continue;
                }
                let rotated = of_base.len() - usize::from(of_base.iter().any(|f| f.name == *base));
                files.push(StateFile {
                    role: if Some(*base) == self.trace_file() {
                        "trace file (traceoptions)".into()
                    } else {
                        "system log".into()
                    },
                    names: match rotated {
                        0 => base.to_string(),
                        1 => format!("{base}, {base}.0"),
                        n => format!("{base}, {base}.0-{}", n - 1),
                    },
                    size: of_base.iter().map(|f| f.size).sum(),
                });
            }
        }
        Ok(SystemStorage {
            filesystem,
            state_directory: dir.display().to_string(),
            files,
        })
    }

    /// The names log files start with: `messages`, the configured syslog files, and the
    /// trace file when traceoptions is configured.
    fn log_bases(&self) -> Vec<&str> {
        files::bases(self.trace_file(), &self.syslog_files())
    }

    fn trace_file(&self) -> Option<&str> {
        self.active_config
            .l2tp
            .traceoptions
            .as_ref()
            .map(|t| t.file.filename.as_deref().unwrap_or("l2tpd"))
    }

    fn syslog_files(&self) -> Vec<&str> {
        crate::log::outputs::file_names(&self.active_config.syslog)
    }

    fn show_log(&self, file: Option<&str>) -> Outcome {
        let dir = self.state_dir()?;
        let bases = self.log_bases();
        match file {
            None => files::list(dir, &bases)
                .map(Reply::LogFiles)
                .map_err(|e| failed(format!("cannot list {}: {e}", dir.display()))),
            Some(name) => files::read(dir, name, &bases)
                .map(Reply::LogContent)
                .map_err(failed),
        }
    }

    fn monitor_start(&mut self, id: SessionId, file: &str) -> Outcome {
        let dir = self.state_dir()?.to_path_buf();
        let follower = Follower::start(&dir, file, &self.log_bases()).map_err(failed)?;
        let followed = self.system.monitors.entry(id).or_default();
        // Started again: from now, not twice.
        followed.retain(|f| f.name != follower.name);
        followed.push(follower);
        Ok(Reply::Done { messages: vec![] })
    }

    fn monitor_stop(&mut self, id: SessionId, file: Option<&str>) {
        if let Some(followed) = self.system.monitors.get_mut(&id) {
            followed.retain(|f| file.is_some_and(|name| f.name != name));
            if followed.is_empty() {
                self.system.monitors.remove(&id);
            }
        }
    }

    /// Each tick: the new lines of every monitored file, for the session that follows it,
    /// under Junos' `*** FILE ***` header.
    pub(super) fn follow_monitors(&mut self) {
        let Some(dir) = self.system.state_dir.clone() else {
            return;
        };
        for (id, followed) in &mut self.system.monitors {
            for follower in followed.iter_mut() {
                let lines = follower.step(&dir);
                if !lines.is_empty() {
                    let text = format!("*** {} ***\n{}", follower.name, lines.join("\n"));
                    self.system.messages.push((*id, text));
                }
            }
        }
    }

    /// Each tick: what `system syslog user` sends to users' terminals, to each open shell
    /// of the user it names (`*`: every shell), as Junos writes to logged-in terminals.
    pub(super) fn deliver_user_messages(&mut self, messages: Vec<(String, String)>) {
        for (user, text) in messages {
            for (id, s) in &self.sessions {
                if s.client == ClientKind::Cli && (user == "*" || s.user == user) {
                    self.system.messages.push((*id, text.clone()));
                }
            }
        }
    }

    /// A session closed: what it monitored is no longer followed.
    pub(super) fn forget_monitors(&mut self, id: SessionId) {
        self.system.monitors.remove(&id);
    }

    // ------------------------------------------------------------ system-log events

    pub(super) fn log_login(&self, id: SessionId) {
        if let Some(s) = self.sessions.get(&id) {
            // Junos' variables of UI_LOGIN_EVENT, for structured-data.
            tracing::info!(
                tag = tags::UI_LOGIN_EVENT,
                sd.username = %s.user,
                sd.class_name = %s.rights.class,
                sd.pid = s.pid,
                sd.client_mode = s.client.as_str(),
                "User '{}' login, class '{}' [{}], client-mode '{}'",
                s.user,
                s.rights.class,
                s.pid,
                s.client.as_str()
            );
        }
    }

    pub(super) fn log_logout(&self, id: SessionId) {
        if let Some(s) = self.sessions.get(&id) {
            tracing::info!(
                tag = tags::UI_LOGOUT_EVENT,
                sd.username = %s.user,
                "User '{}' logout",
                s.user
            );
        }
    }

    /// `commit` with its system-log events around it: UI_COMMIT when asked (not for
    /// `commit check`),
    /// UI_COMMIT_CONFIRMED and UI_COMMIT_COMPLETED when done, UI_CONFIGURATION_ERROR for
    /// each check that refused it.
    pub(super) fn commit_logged(
        &mut self,
        id: SessionId,
        check: bool,
        confirmed: Option<u32>,
        comment: Option<String>,
        and_quit: bool,
    ) -> Outcome {
        let user = self
            .sessions
            .get(&id)
            .map(|s| s.user.clone())
            .unwrap_or_default();
        // `commit check` changes nothing: only its errors are logged.
        if !check {
            let operation = if confirmed.is_some() {
                "commit confirmed"
            } else {
                "commit"
            };
            tracing::info!(
                tag = tags::UI_COMMIT,
                sd.username = %user,
                sd.command = operation,
                sd.message = comment.as_deref().unwrap_or("none"),
                "User '{user}' requested '{operation}' operation (comment: {})",
                comment.as_deref().unwrap_or("none")
            );
        }
        let outcome = self.commit(id, check, confirmed, comment, and_quit);
        match &outcome {
            Ok(Reply::Done { messages }) if !check => {
                for m in messages
                    .iter()
                    .filter(|m| m.starts_with("commit confirmed"))
                {
                    tracing::info!(tag = tags::UI_COMMIT_CONFIRMED, sd.message = %m, "{m}");
                }
                tracing::info!(
                    tag = tags::UI_COMMIT_COMPLETED,
                    sd.message = "commit complete",
                    "commit complete"
                );
            }
            Err(MgmtError::Check { errors, summary }) => {
                for e in errors {
                    let path = e
                        .path
                        .iter()
                        .flat_map(|id| id.words())
                        .fold(String::new(), |s, w| s + " " + w);
                    tracing::info!(
                        tag = tags::UI_CONFIGURATION_ERROR,
                        sd.daemon_name = "l2tpd",
                        sd.path = %format_args!("[edit{path}]"),
                        sd.statement_name = %e.statement,
                        sd.message = %e.message,
                        "Process: l2tpd, path: [edit{path}], statement: {}, {}",
                        e.statement,
                        e.message
                    );
                }
                if errors.is_empty() {
                    tracing::info!(tag = tags::UI_CONFIGURATION_ERROR, "{summary}");
                }
            }
            _ => {}
        }
        outcome
    }
}

/// The daemon's process and its threads.
fn processes() -> SystemProcesses {
    let (resident, size) = host::memory();
    let uid = nix::unistd::getuid().as_raw();
    SystemProcesses {
        pid: std::process::id(),
        user: crate::mgmt::identity::user_name(uid),
        command: "l2tpd".into(),
        resident,
        size,
        cpu_centiseconds: host::process_cpu().unwrap_or(0),
        threads: host::threads(),
    }
}
