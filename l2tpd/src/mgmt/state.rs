//! The management plane's state and the handling of every request: configuration sessions,
//! the shared and private candidates, the exclusive lock, commit and `commit confirmed`.
//!
//! It is synchronous and takes time from an injectable clock; the socket server feeds it
//! requests one at a time (so a commit is never interleaved with an edit), and tests drive it
//! directly.

#[cfg(test)]
#[path = "candidate_save_tests.rs"]
mod candidate_save_tests;
#[cfg(test)]
#[path = "commit_keeps_tests.rs"]
mod commit_keeps_tests;
#[path = "history.rs"]
mod history;
#[path = "idle.rs"]
mod idle;

use super::confirm;
use super::identity;
use super::rights::Rights;
#[path = "system/mod.rs"]
mod system;
use super::session::{ConfigSession, PrivateCandidate, Session, SessionId};
use super::steps::StepTimes;
use crate::clock::Clock;
use crate::engine::{ConfigApply, L2tpRpc, Later};
use crate::snmp::show_mib;
use crate::snmp::view::View;
use commit_db::{CommitMeta, ConfigStore, ConfirmDeadline, LockInfo};
use schema::edit::{self, Applied, WordError};
use schema::mgmt::{
    ClientKind, ConfigureMode, MgmtError, Reply, Request, Response, Revision, UserSession,
};
use schema::snmp_rpc::SnmpObjects;
use schema::typed::RouterConfig;
use schema::{Node, Path};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Default `commit confirmed` timeout, as on Junos.
const DEFAULT_CONFIRM_MINUTES: u32 = 10;
/// Junos' `commit confirmed` range (minutes).
const CONFIRM_MINUTES_RANGE: std::ops::RangeInclusive<u32> = 1..=65535;
/// Revisions kept: rollback 0..=49.
const MAX_ROLLBACK: u32 = 49;
/// At most this many users in configuration mode at once (Junos' limit).
const MAX_CONFIG_USERS: usize = 32;

type Outcome = Result<Reply, MgmtError>;

/// What [`Mgmt::handle_or_defer`] made of a request.
pub enum Handled {
    Now(Box<Response>),
    /// The engine has the request; running this waits (bounded) for its answer.
    Later(Later<Response>),
}

pub struct Mgmt {
    store: Box<dyn ConfigStore + Send>,
    engine: Box<dyn ConfigApply>,
    clock: Arc<dyn Clock>,
    /// Shown in prompts when `system host-name` is not configured.
    default_host_name: String,
    active: Node,
    /// The typed view of `active`, derived once per commit (host name, login classes): the
    /// very one the engine was given, shared.
    active_config: Arc<RouterConfig>,
    /// `Some(whether active holds inactive statements)` when `active` passed this daemon's
    /// commit check: the next commit then checks only what its candidate changed (see
    /// `schema::validate::since`). `None` after a start or an automatic rollback, whose tree
    /// was read back from the store: the next commit checks it whole.
    active_checked: Option<bool>,
    /// Bumped on every commit; private candidates remember the one they started from.
    generation: u64,
    /// The shared candidate; `None` while it equals the active configuration.
    shared: Option<Node>,
    /// The shared candidate changed since it was last written to the store.
    shared_unsaved: bool,
    /// Some candidate was unsaved at the previous tick already: this tick writes it (see
    /// [`Mgmt::save_settled_candidates`]).
    unsaved_at_last_tick: bool,
    sessions: BTreeMap<SessionId, Session>,
    /// The session holding `configure exclusive`.
    lock: Option<SessionId>,
    next_session: SessionId,
    /// Messages for every open shell at once, taken by the server ([`Mgmt::take_broadcasts`]).
    broadcasts: Vec<String>,
    /// `show system …`, `show log`, `monitor` (the `system` module).
    system: system::SystemState,
    /// When the shared candidate was last edited (its `## Last changed` line).
    changed_at: Option<i64>,
    /// A pending `commit at`.
    scheduled: Option<history::Scheduled>,
    /// How long a minute of a login class's `idle-timeout` is (shortened by tests).
    idle_minute: std::time::Duration,
    /// The configuration the last commit replaced, taken by [`Mgmt::take_retired`] to be freed
    /// once the operator has the commit's answer.
    retired: Option<(Node, Arc<RouterConfig>)>,
}

fn failed(message: impl Into<String>) -> MgmtError {
    MgmtError::Failed {
        message: message.into(),
    }
}

/// An edit that found nothing to act on is a warning, as on Junos, not an error.
fn applied(outcome: Applied) -> Vec<String> {
    match outcome {
        Applied::Done => vec![],
        Applied::NotFound => vec!["warning: statement not found".into()],
    }
}

fn word_error(e: WordError) -> MgmtError {
    MgmtError::Syntax {
        word: e.word,
        message: e.message,
    }
}

impl Mgmt {
    /// Recovers the management state from the store: clears what belonged to connections of a
    /// previous run (lock, private candidates), finishes a `commit confirmed` whose deadline
    /// passed while the daemon was down, and applies the active configuration to the engine.
    pub fn start(
        mut store: Box<dyn ConfigStore + Send>,
        engine: Box<dyn ConfigApply>,
        clock: Arc<dyn Clock>,
        default_host_name: String,
    ) -> Result<Mgmt, String> {
        let active = store
            .revision(0)
            .map_err(|e| e.to_string())?
            .map(|(_, tree)| tree)
            .unwrap_or_default();
        let shared = store.shared_candidate().map_err(|e| e.to_string())?;
        store.set_lock(None).map_err(|e| e.to_string())?;
        store
            .clear_private_candidates()
            .map_err(|e| e.to_string())?;
        let mut active = active;
        active.shrink_to_fit();
        // Read back separately, the candidate shares nothing with the active configuration
        // until it is told to (see `settle_shared`).
        let mut shared = shared;
        if let Some(candidate) = shared.as_mut() {
            candidate.share_with(&active);
        }
        let active_config = Arc::new(schema::typed::router_config(&active));
        apply_time_zone(&active_config);
        let started = clock.now();
        let mut mgmt = Mgmt {
            store,
            engine,
            clock,
            default_host_name,
            active,
            active_config,
            active_checked: None,
            generation: 0,
            shared,
            shared_unsaved: false,
            unsaved_at_last_tick: false,
            sessions: BTreeMap::new(),
            lock: None,
            next_session: 1,
            broadcasts: Vec::new(),
            system: system::SystemState::new(started),
            changed_at: None,
            scheduled: None,
            idle_minute: schema::idle::minute(),
            retired: None,
        };
        crate::log::set_host_name(&mgmt.host_name());
        crate::log::configure(&mgmt.active_config.syslog);
        if let Err(e) = mgmt.engine.apply_at_start(&mgmt.active_config) {
            tracing::error!("the active configuration was refused by the engine at start: {e}");
        }
        // The database is authoritative: a copy that a failed commit left stale, or that was
        // edited or removed by hand, is replaced.
        let text = schema::print::to_text(&[], &mgmt.active);
        if let Err(e) = mgmt.store.write_recovery_copy(&text) {
            tracing::warn!("the recovery copy of the active configuration was not written: {e}");
        }
        mgmt.tick();
        // A rollback at start has nobody to tell: no shell is open yet.
        mgmt.broadcasts.clear();
        Ok(mgmt)
    }

    /// The configuration the last commit replaced, for the server to free after sending the
    /// reply: freeing the hundreds of thousands of nodes of a large configuration takes tens
    /// of milliseconds, which the operator need not wait for (`reclaim`).
    pub fn take_retired(&mut self) -> Option<(Node, Arc<RouterConfig>)> {
        self.retired.take()
    }

    pub fn active(&self) -> &Node {
        &self.active
    }

    fn host_name(&self) -> String {
        self.active_config
            .host_name
            .clone()
            .unwrap_or_else(|| self.default_host_name.clone())
    }

    // ---------------------------------------------------------------- sessions

    /// A new connection says hello. `uid` and `peer_pid` come from the socket's credentials.
    pub fn open_session(
        &mut self,
        uid: u32,
        user: String,
        client: ClientKind,
        tty: Option<String>,
        pid: u32,
    ) -> Result<(SessionId, Reply), MgmtError> {
        let rights = Rights::of(uid, &user, &self.active_config)
            .map_err(|message| MgmtError::Denied { message })?;
        let class = rights.level();
        let idle_timeout = rights.idle_timeout;
        let idle = idle::timer(&rights, self.idle_minute, std::time::Instant::now());
        let now = self.clock.now();
        let id = self.next_session;
        self.next_session += 1;
        let terminal = match tty {
            // The client names its own tty: keep what a tty name can be (`pts/12345`).
            Some(t) => format!("terminal {}", identity::tty_name(&t)),
            None => client.as_str().to_string(),
        };
        self.sessions.insert(
            id,
            Session {
                uid,
                user: user.clone(),
                rights,
                client,
                terminal,
                pid,
                since: now,
                last_active: now,
                idle,
                notices: Vec::new(),
                config: None,
            },
        );
        self.log_login(id);
        let reply = Reply::Hello {
            user,
            class,
            time_zone: self.active_config.time_zone.clone(),
            host_name: self.host_name(),
            version: env!("CARGO_PKG_VERSION").into(),
            login_message: self.active_config.login_message.as_deref().map(unescape),
            login_announcement: self
                .active_config
                .login_announcement
                .as_deref()
                .map(unescape),
            idle_timeout,
        };
        Ok((id, reply))
    }

    /// The connection went away: a lock is released (and, as on Junos, the uncommitted
    /// changes of an exclusive session are discarded); a private candidate is dropped.
    pub fn close_session(&mut self, id: SessionId) {
        if self.sessions.contains_key(&id) {
            self.log_logout(id);
            self.forget_monitors(id);
            self.leave_configuration(id);
            self.sessions.remove(&id);
        }
    }

    fn session(&self, id: SessionId) -> Result<&Session, MgmtError> {
        self.sessions
            .get(&id)
            .ok_or_else(|| failed("no such management session"))
    }

    fn session_mut(&mut self, id: SessionId) -> Result<&mut Session, MgmtError> {
        self.sessions
            .get_mut(&id)
            .ok_or_else(|| failed("no such management session"))
    }

    fn config_session(&self, id: SessionId) -> Result<&ConfigSession, MgmtError> {
        self.session(id)?
            .config
            .as_ref()
            .ok_or_else(|| MgmtError::Denied {
                message: "this command is only available in configuration mode (use 'configure')"
                    .into(),
            })
    }

    // ---------------------------------------------------------------- dispatch

    pub fn handle(&mut self, id: SessionId, request: Request) -> Response {
        match self.handle_or_defer(id, request) {
            Handled::Now(response) => *response,
            Handled::Later(wait) => wait(),
        }
    }

    /// Handles a request, except that an answer the L2TP engine must give (a show, a clear,
    /// a test call) comes back as [`Handled::Later`]: the request is already with the engine,
    /// and waiting for it is left to the caller, so one operator's `test services l2tp
    /// tunnel` towards a silent LNS (seconds) does not hold up every other shell.
    pub fn handle_or_defer(&mut self, id: SessionId, request: Request) -> Handled {
        let now = self.clock.now();
        let allowed = self.authorize(id, &request, now);
        let result = match allowed {
            Ok(()) => match self.engine_request(request) {
                Ok(wait) => {
                    let notices = self.take_notices(id);
                    return Handled::Later(Box::new(move || Response {
                        result: wait(),
                        notices,
                    }));
                }
                Err(request) => self.dispatch(id, *request),
            },
            Err(e) => Err(e),
        };
        let notices = self.take_notices(id);
        Handled::Now(Box::new(Response { result, notices }))
    }

    /// The session's class under the configuration in force now (not the one at hello: a
    /// commit may have downgraded or removed the user since), checked against what `request`
    /// needs.
    fn authorize(&mut self, id: SessionId, request: &Request, now: i64) -> Result<(), MgmtError> {
        let config = &self.active_config;
        let minute = self.idle_minute;
        let s = self
            .sessions
            .get_mut(&id)
            .ok_or_else(|| failed("no such management session"))?;
        s.last_active = now;
        s.rights =
            Rights::of(s.uid, &s.user, config).map_err(|message| MgmtError::Denied { message })?;
        // Every request is activity; the limit is the class's in force now.
        s.idle = idle::timer(&s.rights, minute, std::time::Instant::now());
        if !s.rights.may(request) {
            // Junos' words for a command the class may not run.
            return Err(MgmtError::Denied {
                message: "permission denied".into(),
            });
        }
        Ok(())
    }

    /// Starts the requests the engine answers; gives any other request back.
    fn engine_request(&mut self, request: Request) -> Result<Later<Outcome>, Box<Request>> {
        if let Request::TestL2tpTunnel {
            user,
            password,
            tunnel_name,
        } = request
        {
            let test = crate::engine::TunnelTest {
                user,
                password,
                tunnel_name,
            };
            let wait = self.engine.test_tunnel_later(&test);
            return Ok(Box::new(move || {
                wait().map(Reply::L2tpTunnelTest).map_err(failed)
            }));
        }
        // `show snmp mib get|walk` reads the SNMP thread's view on the caller's thread: a
        // walk of a big view takes a while, and needs no agent configured (as on Junos).
        match request {
            Request::GetSnmpObject { object } => {
                return Ok(self.snmp_mib_later(&object, show_mib::get))
            }
            Request::WalkSnmpObject { object } => {
                return Ok(self.snmp_mib_later(&object, show_mib::walk))
            }
            Request::GetSnmpStatistics => return Ok(self.engine.snmp_statistics_later()),
            _ => {}
        }
        match L2tpRpc::from_request(&request) {
            Some(rpc) => Ok(self.engine.l2tp_rpc_later(rpc)),
            None => Err(Box::new(request)),
        }
    }

    /// `show snmp mib get | walk OBJECT`: OBJECT is resolved first, so a typo costs no view.
    fn snmp_mib_later(
        &mut self,
        object: &str,
        read: fn(&View, &[u32]) -> SnmpObjects,
    ) -> Later<Outcome> {
        let oid = match show_mib::resolve(object) {
            Ok(oid) => oid,
            Err(e) => return Box::new(move || Err(failed(e))),
        };
        let view = self.engine.snmp_view_later();
        Box::new(move || {
            let view = view().map_err(failed)?;
            Ok(Reply::SnmpObjects(read(&view, &oid)))
        })
    }

    fn dispatch(&mut self, id: SessionId, request: Request) -> Outcome {
        let request = match self.system_request(id, request) {
            Ok(outcome) => return outcome,
            Err(request) => *request,
        };
        match request {
            Request::Hello { .. } => Err(failed("already identified on this connection")),
            Request::ShowConfiguration { words, revision } => self.show(id, &words, revision),
            Request::ShowSystemCommit => {
                let entries = self.store.history().map_err(|e| failed(e.to_string()))?;
                let pending = self.store.pending_confirm().ok().flatten();
                Ok(Reply::Commits {
                    entries: confirm::with_time_left(entries, pending.as_ref(), self.clock.now()),
                    scheduled: self.scheduled_commit(),
                    rescue: self.rescue_entry(),
                })
            }
            Request::ShowSystemUsers => Ok(Reply::Users {
                users: self.users(),
                changed: self.candidate_changed(id),
            }),
            Request::Compare {
                words,
                base,
                target,
            } => self.compare(id, &words, base, target),
            Request::Configure { mode } => self.configure(id, mode),
            Request::ExitConfiguration { confirm } => self.exit_configuration(id, confirm),
            Request::Edit { words } => {
                self.config_session(id)?;
                let path = edit::edit_target(&words).map_err(word_error)?;
                if let Some(c) = self.session_mut(id)?.config.as_mut() {
                    c.edit_path = path.clone();
                }
                Ok(Reply::EditPath { path })
            }
            Request::Set { words } => self.modify(id, |t| {
                edit::set(t, &words).map_err(word_error).map(|_| vec![])
            }),
            Request::Delete { words } => self.modify(id, |t| {
                edit::delete(t, &words).map_err(word_error).map(applied)
            }),
            Request::Activate { words } => self.modify(id, |t| {
                edit::activate(t, &words).map_err(word_error).map(applied)
            }),
            Request::Deactivate { words } => self.modify(id, |t| {
                edit::deactivate(t, &words).map_err(word_error).map(applied)
            }),
            Request::Annotate { words, comment } => self.modify(id, |t| {
                edit::annotate(t, &words, &comment)
                    .map_err(word_error)
                    .map(applied)
            }),
            Request::Rename { words, to } => self.modify(id, |t| {
                edit::rename(t, &words, &to)
                    .map_err(word_error)
                    .map(|_| vec![])
            }),
            Request::Copy { words, to } => self.modify(id, |t| {
                edit::copy(t, &words, &to)
                    .map_err(word_error)
                    .map(|_| vec![])
            }),
            Request::Insert {
                words,
                before,
                reference,
            } => self.modify(id, |t| {
                edit::insert(t, &words, before, &reference)
                    .map_err(word_error)
                    .map(|_| vec![])
            }),
            Request::Show { words } => {
                self.config_session(id)?;
                self.show(id, &words, Revision::Candidate)
            }
            Request::Commit {
                check,
                confirmed,
                comment,
                and_quit,
            } => self.commit_logged(id, check, confirmed, comment, and_quit),
            Request::Rollback { index } => {
                let tree = self.revision_tree(index)?;
                let outcome = self.modify(id, move |t| {
                    *t = tree;
                    Ok(vec!["load complete".into()])
                });
                self.settle_shared(id, outcome)
            }
            Request::Load {
                mode,
                text,
                relative,
            } => {
                let relative = match relative {
                    Some(words) => Some(edit::edit_target(&words).map_err(word_error)?),
                    None => None,
                };
                let outcome = self.modify(id, |t| {
                    // Every statement that cannot be taken is named; nothing loads unless
                    // all can be.
                    *t = if mode == schema::mgmt::LoadMode::Set {
                        edit::load_set(t, &text, relative.as_ref())
                            .map_err(|errors| MgmtError::Load { errors })?
                    } else {
                        edit::load(t, mode, &text, relative.as_ref()).map_err(|e| {
                            MgmtError::Load {
                                errors: e.into_lines(),
                            }
                        })?
                    };
                    Ok(vec!["load complete".into()])
                });
                self.settle_shared(id, outcome)
            }
            Request::Update => self.update(id),
            Request::RescueSave => self.rescue_save(id),
            Request::RescueDelete => self.rescue_delete(),
            Request::ShowRescue => self.show_rescue(id),
            Request::RollbackRescue => self.rollback_rescue(id),
            Request::CommitAt { time, comment } => self.commit_at(id, &time, comment),
            Request::ClearSystemCommit => self.clear_system_commit(),
            Request::WildcardDelete {
                words,
                pattern,
                confirmed,
            } => self.wildcard_delete(id, &words, &pattern, confirmed),
            Request::ReplacePattern {
                words,
                pattern,
                with,
                upto,
            } => self.replace_pattern(id, &words, &pattern, &with, upto),
            // Answered by the engine through `engine_request`.
            Request::TestL2tpTunnel { .. }
            | Request::GetL2tpSummaryInformation { .. }
            | Request::GetL2tpDestinationInformation(_)
            | Request::GetL2tpTunnelInformation(_)
            | Request::GetL2tpSessionInformation(_)
            | Request::GetL2tpDisconnectCauseSummary
            | Request::ClearL2tpDestination(_)
            | Request::ClearL2tpTunnel(_)
            | Request::ClearL2tpSession(_)
            | Request::GetSnmpObject { .. }
            | Request::WalkSnmpObject { .. }
            | Request::GetSnmpStatistics
            | Request::GetSubscribers(_)
            | Request::GetPppoeInterfaceInformation(_)
            | Request::GetPppoeStatistics(_)
            | Request::GetPppoeServiceNameTables
            | Request::GetPppInterfaceInformation(_)
            | Request::GetPppSummary
            | Request::GetPppStatistics
            | Request::GetAddressAssignmentPool(_)
            | Request::ClearPppoeSessions(_)
            | Request::ClearPppoeStatistics(_)
            | Request::GetInterfaceInformation(_)
            | Request::ClearNetworkAccessAaaSubscriber(_)
            | Request::ClearAutoConfigurationInterfaces(_)
            | Request::GetFirewallInformation(_)
            | Request::ClearFirewall(_)
            | Request::GetRouteInformation(_)
            | Request::GetRouteSummaryInformation(_)
            | Request::GetSystemStatistics(_)
            | Request::GetRadiusServers(_)
            | Request::GetAaaStatistics(_)
            | Request::GetAaaSubscribers(_)
            | Request::GetTerminateCode(_)
            | Request::TestAaaPpp(_)
            | Request::ClearAaaStatistics => Err(failed("not a configuration request")),
            // Answered by `system_request` above.
            Request::GetSoftwareInformation
            | Request::GetSystemUptimeInformation
            | Request::GetSystemProcessInformation
            | Request::GetSystemStorage
            | Request::GetLog { .. }
            | Request::MonitorStart { .. }
            | Request::MonitorStop { .. } => Err(failed("not a system request")),
        }
    }

    // ---------------------------------------------------------------- showing

    fn revision_tree(&self, index: u32) -> Result<Node, MgmtError> {
        if index > MAX_ROLLBACK {
            return Err(failed(format!(
                "rollback {index} is out of range (0..{MAX_ROLLBACK})"
            )));
        }
        match self
            .store
            .revision(index)
            .map_err(|e| failed(e.to_string()))?
        {
            Some((_, tree)) => Ok(tree),
            None => Err(failed(format!(
                "rollback {index} does not exist (the history has fewer revisions)"
            ))),
        }
    }

    /// A configuration by revision, borrowed where it is in memory (no copy of a large tree
    /// for a `show` or a `compare`).
    fn tree_of(&self, id: SessionId, revision: Revision) -> Result<Cow<'_, Node>, MgmtError> {
        match revision {
            Revision::Active => Ok(Cow::Borrowed(&self.active)),
            Revision::Rollback(n) => Ok(Cow::Owned(self.revision_tree(n)?)),
            Revision::Candidate => Ok(Cow::Borrowed(self.candidate(id)?)),
        }
    }

    /// The candidate this session edits: its private copy, or the shared one.
    fn candidate(&self, id: SessionId) -> Result<&Node, MgmtError> {
        let c = self.config_session(id)?;
        Ok(match &c.private {
            Some(p) => &p.tree,
            None => self.shared.as_ref().unwrap_or(&self.active),
        })
    }

    /// When this session's candidate was last edited; `None` while it has no changes.
    fn candidate_changed_at(&self, id: SessionId) -> Option<i64> {
        match self
            .sessions
            .get(&id)
            .and_then(|s| s.config.as_ref())
            .and_then(|c| c.private.as_ref())
        {
            Some(p) => p.changed.then_some(p.changed_at).flatten(),
            None => self.shared.as_ref().and(self.changed_at),
        }
    }

    fn candidate_changed(&self, id: SessionId) -> bool {
        match self
            .sessions
            .get(&id)
            .and_then(|s| s.config.as_ref())
            .and_then(|c| c.private.as_ref())
        {
            Some(p) => p.changed,
            None => self.shared.is_some(),
        }
    }

    fn show(&self, id: SessionId, words: &[String], revision: Revision) -> Outcome {
        let path = resolve_path(words)?;
        let whole = path.is_empty();
        let (path, mut tree) = show_at(&*self.tree_of(id, revision)?, path);
        if !self.session(id)?.rights.may_see_secrets() {
            // A grouped list's level holds its entries as its parent does.
            let holder = match path.split_last() {
                Some((last, parent))
                    if last.key.is_none()
                        && schema::edit::stmt_for_path(&path).is_some_and(|s| s.grouped) =>
                {
                    parent
                }
                _ => &path[..],
            };
            schema::secret_data::hide_secrets(holder, &mut tree);
        }
        // Junos heads a whole configuration only (not a path that holds nothing).
        let header = if whole {
            self.header(id, revision)
        } else {
            None
        };
        Ok(Reply::Config { path, tree, header })
    }

    fn compare(
        &self,
        id: SessionId,
        words: &[String],
        base: Revision,
        target: Revision,
    ) -> Outcome {
        let path = resolve_path(words)?;
        let mut base = self.tree_of(id, base)?;
        let mut target = self.tree_of(id, target)?;
        if !self.session(id)?.rights.may_see_secrets() {
            schema::secret_data::hide_secrets_for_compare(base.to_mut(), target.to_mut());
        }
        Ok(Reply::Diff {
            blocks: schema::diff::diff(&base, &target, &path),
        })
    }

    fn users(&self) -> Vec<UserSession> {
        let now = self.clock.now();
        self.sessions
            .iter()
            .map(|(sid, s)| {
                let mut u = s.describe(now);
                if self.lock == Some(*sid) {
                    u.mode = Some(ConfigureMode::Exclusive);
                }
                u
            })
            .collect()
    }

    // ---------------------------------------------------------------- configuration mode

    fn locked_message(&self, holder: SessionId) -> String {
        let now = self.clock.now();
        let mut text = String::from("configuration database locked by:\n");
        if let Some(s) = self.sessions.get(&holder) {
            let u = s.describe(now);
            text.push_str(&format!(
                "  {} {} (pid {}) on since {}, idle {}\n      exclusive [edit{}]",
                u.user,
                u.terminal,
                u.pid,
                format_time(u.since),
                format_idle(u.idle_seconds),
                u.edit_path
                    .map(|p| format!(" {}", schema::tree::path_words(&p)))
                    .unwrap_or_default()
                    .trim_end()
            ));
        }
        text
    }

    /// Another session's exclusive lock, if any.
    fn foreign_lock(&self, id: SessionId) -> Option<SessionId> {
        self.lock.filter(|holder| *holder != id)
    }

    fn configure(&mut self, id: SessionId, mode: ConfigureMode) -> Outcome {
        if self.session(id)?.config.is_some() {
            return Err(failed("already in configuration mode"));
        }
        let editing = self
            .sessions
            .values()
            .filter(|s| s.config.is_some())
            .count();
        if editing >= MAX_CONFIG_USERS {
            return Err(failed(format!(
                "too many users in configuration mode (at most {MAX_CONFIG_USERS})"
            )));
        }
        let mut warnings = Vec::new();
        let private = match mode {
            ConfigureMode::Exclusive => {
                if let Some(holder) = self.foreign_lock(id) {
                    return Err(MgmtError::Locked {
                        message: self.locked_message(holder),
                    });
                }
                self.store
                    .set_lock(Some(&self.lock_info(id)?))
                    .map_err(|e| failed(format!("cannot take the configuration lock: {e}")))?;
                self.lock = Some(id);
                warnings.push("warning: uncommitted changes will be discarded on exit".into());
                None
            }
            ConfigureMode::Private => {
                if let Some(holder) = self.foreign_lock(id) {
                    return Err(MgmtError::Locked {
                        message: self.locked_message(holder),
                    });
                }
                if self.shared.is_some() {
                    return Err(failed(
                        "shared configuration database modified\nUse 'configure' to edit the shared candidate, or commit or roll back its changes first",
                    ));
                }
                Some(PrivateCandidate {
                    tree: self.active.clone(),
                    base: self.active.clone(),
                    base_generation: self.generation,
                    changed: false,
                    unsaved: false,
                    changed_at: None,
                })
            }
            ConfigureMode::Shared => {
                if let Some(holder) = self.foreign_lock(id) {
                    warnings.push(format!("warning: {}", self.locked_message(holder)));
                }
                None
            }
        };
        if mode == ConfigureMode::Private {
            warnings.push("warning: uncommitted changes will be discarded on exit".into());
        }
        let users: Vec<UserSession> = {
            let now = self.clock.now();
            self.sessions
                .iter()
                .filter(|(sid, s)| **sid != id && s.config.is_some())
                .map(|(sid, s)| {
                    let mut u = s.describe(now);
                    if self.lock == Some(*sid) {
                        u.mode = Some(ConfigureMode::Exclusive);
                    }
                    u
                })
                .collect()
        };
        let changed = private.is_none() && self.shared.is_some();
        self.session_mut(id)?.config = Some(ConfigSession {
            mode,
            edit_path: Vec::new(),
            private,
        });
        Ok(Reply::Configured {
            users,
            warnings,
            changed,
        })
    }

    fn lock_info(&self, id: SessionId) -> Result<LockInfo, MgmtError> {
        let s = self.session(id)?;
        Ok(LockInfo {
            user: s.user.clone(),
            pid: s.pid,
            terminal: s.terminal.clone(),
            since: self.clock.now(),
            session: id.to_string(),
        })
    }

    fn exit_configuration(&mut self, id: SessionId, confirm: bool) -> Outcome {
        let mode = self.config_session(id)?.mode;
        let changed = self.candidate_changed(id);
        if changed && !confirm {
            return Ok(match mode {
                ConfigureMode::Exclusive => Reply::ConfirmExit {
                    question: "Discard uncommitted changes? [yes,no] (yes)".into(),
                    warnings: vec![
                        "The configuration has been changed but not committed".into(),
                        "warning: Auto rollback on exiting 'configure exclusive'".into(),
                    ],
                },
                ConfigureMode::Private => Reply::ConfirmExit {
                    question: "Discard uncommitted changes? [yes,no] (yes)".into(),
                    warnings: vec!["The configuration has been changed but not committed".into()],
                },
                ConfigureMode::Shared => Reply::ConfirmExit {
                    question: "Exit with uncommitted changes? [yes,no] (yes)".into(),
                    warnings: vec!["The configuration has been changed but not committed".into()],
                },
            });
        }
        let messages = self.leave_configuration(id);
        Ok(Reply::Done { messages })
    }

    /// Leaves configuration mode, releasing what the session held. Returns status lines.
    fn leave_configuration(&mut self, id: SessionId) -> Vec<String> {
        let mut messages = Vec::new();
        let Some(config) = self.sessions.get_mut(&id).and_then(|s| s.config.take()) else {
            return messages;
        };
        if self.lock == Some(id) {
            self.lock = None;
            if let Err(e) = self.store.set_lock(None) {
                tracing::error!("cannot release the configuration lock in the store: {e}");
            }
            if self.shared.is_some() {
                // Junos: leaving `configure exclusive` rolls the uncommitted changes back.
                self.shared = None;
                self.shared_unsaved = true;
                self.flush_shared();
                messages.push("warning: discarding uncommitted changes".into());
                messages.push("load complete".into());
            }
        }
        if config.private.is_some() {
            if let Err(e) = self
                .store
                .set_private_candidate(&Session::private_key(id), None)
            {
                tracing::warn!("cannot drop a private candidate from the store: {e}");
            }
        }
        messages
    }

    /// Applies an edit to this session's candidate, in place: the editor checks everything
    /// before it changes anything, so a failed edit leaves the candidate as it was (and a
    /// large configuration is not copied for every `set`).
    fn modify(
        &mut self,
        id: SessionId,
        f: impl FnOnce(&mut Node) -> Result<Vec<String>, MgmtError>,
    ) -> Outcome {
        let is_private = self.config_session(id)?.private.is_some();
        self.refuse_while_scheduled()?;
        // A class short of every right: the edit is tried on the tree as it was, and taken
        // back if it changed a statement the class may not change (what a `load` or a
        // `rollback` changes is only known once done).
        let rights = self.session(id)?.rights.clone();
        let f = move |t: &mut Node| -> Result<Vec<String>, MgmtError> {
            if rights.configures_everything() {
                return f(t);
            }
            let before = t.clone();
            let messages = f(t)?;
            if let Some(path) = rights.refused_change(&before, t) {
                *t = before;
                return Err(MgmtError::Denied {
                    message: format!("'{path}': permission denied"),
                });
            }
            Ok(messages)
        };
        let now = self.clock.now();
        if is_private {
            let p = self
                .sessions
                .get_mut(&id)
                .and_then(|s| s.config.as_mut())
                .and_then(|c| c.private.as_mut())
                .ok_or_else(|| failed("no private candidate"))?;
            let messages = f(&mut p.tree)?;
            p.changed = true;
            p.unsaved = true;
            p.changed_at = Some(now);
            return Ok(Reply::Done { messages });
        }
        if let Some(holder) = self.foreign_lock(id) {
            return Err(MgmtError::Locked {
                message: self.locked_message(holder),
            });
        }
        let was_unchanged = self.shared.is_none();
        let tree = self.shared.get_or_insert_with(|| self.active.clone());
        match f(tree) {
            Ok(messages) => {
                // An edit that found nothing to change (`warning: statement not found`) leaves
                // an unchanged candidate unchanged.
                if was_unchanged && self.shared.as_ref() == Some(&self.active) {
                    self.shared = None;
                } else {
                    self.shared_unsaved = true;
                    self.changed_at = Some(now);
                }
                Ok(Reply::Done { messages })
            }
            Err(e) => {
                if was_unchanged {
                    self.shared = None;
                }
                Err(e)
            }
        }
    }

    /// After a whole-candidate operation (`rollback`, `load`): a shared candidate that is the
    /// active configuration again has no uncommitted changes. A private candidate built whole
    /// is made to share what it did not change with its base, so its `show | compare` costs
    /// what changed. The shared one is not: freeing most of a just-parsed 150,000-line tree
    /// at load scattered holes that left the daemon 3 MiB larger once committed (issue 15,
    /// item 4: RSS under 100 MiB; measured when commits still copied the tree).
    fn settle_shared(&mut self, id: SessionId, outcome: Outcome) -> Outcome {
        let private = self
            .sessions
            .get_mut(&id)
            .and_then(|s| s.config.as_mut())
            .and_then(|c| c.private.as_mut());
        if let Some(p) = private {
            p.tree.share_with(&p.base);
        } else if let Some(shared) = self.shared.as_ref() {
            if *shared == self.active {
                self.shared = None;
                self.shared_unsaved = true;
            }
        }
        outcome
    }

    fn update(&mut self, id: SessionId) -> Outcome {
        let active = self.active.clone();
        let generation = self.generation;
        let config = self
            .session_mut(id)?
            .config
            .as_mut()
            .ok_or_else(|| failed("not in configuration mode"))?;
        let Some(p) = config.private.as_mut() else {
            return Err(failed(
                "'update' is only available in configure private mode",
            ));
        };
        p.tree = merge3(Some(&p.base), Some(&p.tree), Some(&active)).unwrap_or_default();
        p.base = active;
        p.base_generation = generation;
        Ok(Reply::Done {
            messages: vec!["load complete".into()],
        })
    }

    // ---------------------------------------------------------------- commit

    fn commit(
        &mut self,
        id: SessionId,
        check: bool,
        confirmed: Option<u32>,
        comment: Option<String>,
        and_quit: bool,
    ) -> Outcome {
        self.refuse_while_scheduled()?;
        let config = self.config_session(id)?;
        if let Some(holder) = self.foreign_lock(id) {
            return Err(MgmtError::Locked {
                message: self.locked_message(holder),
            });
        }
        if let Some(p) = &config.private {
            if confirmed.is_some() {
                return Err(failed(
                    "'commit confirmed' is not allowed in configure private mode",
                ));
            }
            if !config.edit_path.is_empty() && !check {
                return Err(failed(
                    "in configure private mode, commit must be issued at the top level [edit]",
                ));
            }
            if p.base_generation != self.generation && !check {
                return Err(failed(
                    "configuration database modified\nAnother user committed since 'configure private'; use 'update' to merge those changes, then commit",
                ));
            }
        }
        if let Some(c) = &comment {
            schema::limits::check_text("commit comment", c, schema::limits::MAX_COMMIT_COMMENT_LEN)
                .map_err(failed)?;
        }
        if let Some(m) = confirmed {
            if !CONFIRM_MINUTES_RANGE.contains(&m) {
                return Err(failed(format!(
                    "'commit confirmed {m}': value is not within range ({}..{}) minutes",
                    CONFIRM_MINUTES_RANGE.start(),
                    CONFIRM_MINUTES_RANGE.end()
                )));
            }
        }
        let mut steps = StepTimes::start();
        let passed = schema::validate::check_since(
            self.candidate(id)?,
            self.active_checked
                .map(|has_inactive| schema::validate::Checked {
                    tree: &self.active,
                    config: &self.active_config,
                    has_inactive,
                }),
        )
        .map_err(|(errors, summary)| MgmtError::Check { errors, summary })?;
        steps.step("check");
        let errors = self.engine.check_host(&passed.config);
        if !errors.is_empty() {
            return Err(MgmtError::Check {
                errors,
                summary: schema::validate::CHECK_OUT_FAILED.into(),
            });
        }
        steps.step("host check");
        let mut messages: Vec<String> = passed.warnings;
        if check {
            // Junos: `commit check` also confirms a pending `commit confirmed`.
            self.confirm_pending()?;
            messages.push("configuration check succeeds".into());
            return Ok(Reply::Done { messages });
        }
        let session = self.session(id)?;
        let (user, client) = (session.user.clone(), session.client);
        let now = self.clock.now();
        let minutes = confirmed.map(|m| if m == 0 { DEFAULT_CONFIRM_MINUTES } else { m });
        let is_shared = self.config_session(id)?.private.is_none();
        let meta = CommitMeta {
            user,
            client,
            comment,
            time: now,
            confirm_deadline: minutes.map(|m| ConfirmDeadline {
                at: now + i64::from(m) * 60,
                minutes: m,
            }),
            clear_shared_candidate: is_shared,
        };
        // The shared candidate becomes the active configuration: move it rather than copy a
        // large tree; it is put back if the commit fails.
        let candidate = if is_shared {
            self.shared.take().unwrap_or_else(|| self.active.clone())
        } else {
            self.candidate(id)?.clone()
        };
        let checked = Some(passed.has_inactive);
        match self.commit_tree(candidate, passed.config, meta, checked, &mut steps) {
            Ok(copy_warning) => messages.extend(copy_warning),
            Err(failure) => {
                let (e, candidate) = *failure;
                if is_shared && candidate != self.active {
                    self.shared = Some(candidate);
                }
                return Err(e);
            }
        }
        let generation = self.generation;
        let active = self.active.clone();
        match self
            .session_mut(id)?
            .config
            .as_mut()
            .and_then(|c| c.private.as_mut())
        {
            Some(p) => {
                p.changed = false;
                // Both the committed tree itself, shared, not the copy it was made from.
                p.tree = active.clone();
                p.base = active;
                p.base_generation = generation;
            }
            // The store cleared its copy of the shared candidate in the commit transaction,
            // and what the last tick saw unsaved was that candidate: a `load override` right
            // after this commit is not written by the next tick but by the one after
            // (docs/performance.md, "Stage h72"). A private candidate still unsaved keeps
            // the flag, so its bound of two ticks holds.
            None => {
                self.shared_unsaved = false;
                self.unsaved_at_last_tick &= self.any_candidate_unsaved();
            }
        }
        if let Some(m) = minutes {
            messages.push(format!("commit confirmed will be automatically rolled back in {m} minutes unless confirmed"));
        }
        messages.push("commit complete".into());
        if and_quit {
            messages.extend(self.leave_configuration(id));
            messages.push("exiting configuration mode".into());
        }
        Ok(Reply::Done { messages })
    }

    /// The one path every configuration change takes: apply to the engine, persist durably,
    /// and only then make it the active configuration. If either step fails, nothing changes.
    /// On failure the tree comes back (boxed: it is large) so the candidate is not lost.
    /// `new_config` is the typed view of `tree`. Success may carry a warning for the
    /// operator: the recovery copy could not be written. `checked`: `Some(whether tree holds
    /// inactive statements)` when `tree` passed the commit check (`new_config` is what it
    /// gave), so the next commit may check only what it changes.
    fn commit_tree(
        &mut self,
        tree: Node,
        new_config: RouterConfig,
        meta: CommitMeta,
        checked: Option<bool>,
        steps: &mut StepTimes,
    ) -> Result<Option<String>, Box<(MgmtError, Node)>> {
        // One typed view per commit, which the engine's parts share.
        let new_config = Arc::new(new_config);
        if let Err(e) = self.engine.apply(&new_config) {
            let message = format!("commit failed: the engine refused the configuration: {e}");
            return Err(Box::new((failed(message), tree)));
        }
        steps.step("engine");
        let text = schema::print::to_text(&[], &tree);
        steps.step("text");
        let committed = match self.store.commit(&tree, &text, meta) {
            Ok(committed) => committed,
            Err(e) => {
                if let Err(e2) = self.engine.restore(&self.active_config) {
                    tracing::error!(
                        "could not restore the previous configuration in the engine: {e2}"
                    );
                }
                let message =
                    format!("commit failed: the configuration database refused the write: {e}");
                return Err(Box::new((failed(message), tree)));
            }
        };
        drop(text);
        steps.step("persist");
        self.active_checked = checked;
        // The candidate itself becomes the active configuration, not a copy of it: a copy
        // of a loaded 300,000-line tree cost more than any other step of its commit, and
        // kept the daemon larger, not smaller (issue 15, item 4; docs/performance.md,
        // "Stage h61"). What it replaces is freed after the reply (`take_retired`).
        let previous = std::mem::replace(&mut self.active, tree);
        let previous_config = std::mem::replace(&mut self.active_config, new_config);
        self.retired = Some((previous, previous_config));
        steps.step("replace");
        self.generation += 1;
        apply_time_zone(&self.active_config);
        crate::log::set_host_name(&self.host_name());
        // `system syslog` applies at once, as the time zone and host name do.
        crate::log::configure(&self.active_config.syslog);
        steps.step("apply rest");
        steps.log("commit");
        Ok(committed.recovery_copy.err().map(|e| {
            format!("warning: the recovery copy was not updated ({e}); the configuration database holds the commit")
        }))
    }

    fn confirm_pending(&mut self) -> Result<(), MgmtError> {
        if self
            .store
            .pending_confirm()
            .map_err(|e| failed(e.to_string()))?
            .is_some()
        {
            self.store.confirm().map_err(|e| failed(e.to_string()))?;
        }
        Ok(())
    }

    // ---------------------------------------------------------------- time

    /// Called about once a second: rolls back an expired `commit confirmed` and writes the
    /// candidates that changed (one tick late, see [`Mgmt::save_settled_candidates`]).
    /// Returns true if a rollback happened.
    pub fn tick(&mut self) -> bool {
        self.save_settled_candidates();
        self.follow_monitors();
        crate::log::tick();
        self.deliver_user_messages(crate::log::take_user_messages());
        self.run_scheduled();
        let pending = match self.store.pending_confirm() {
            Ok(p) => p,
            Err(e) => {
                tracing::error!("cannot read the pending commit confirmation: {e}");
                return false;
            }
        };
        let Some(pending) = pending else { return false };
        if self.clock.now() < pending.deadline {
            return false;
        }
        let previous = match self.store.revision(1) {
            Ok(Some((_, tree))) => tree,
            Ok(None) => Node::default(),
            Err(e) => {
                tracing::error!("cannot read rollback 1 for the automatic rollback: {e}");
                return false;
            }
        };
        let mut meta = CommitMeta::new("root", self.clock.now(), ClientKind::Other);
        meta.comment = Some("automatic rollback: commit confirmed was not confirmed".into());
        // Junos rolls back as `rollback 1` + `commit`: the shared candidate becomes the
        // rolled-back configuration, edits made on the unconfirmed one included.
        meta.clear_shared_candidate = true;
        let config = schema::typed::router_config(&previous);
        // A failed recovery copy is logged by the store; nobody is waiting for this commit.
        match self.commit_tree(previous, config, meta, None, &mut StepTimes::start()) {
            Ok(_) => {
                self.shared = None;
                self.shared_unsaved = false;
                tracing::warn!(
                    tag = crate::log::tags::UI_COMMIT_NOT_CONFIRMED,
                    sd.message = "Commit was not confirmed; automatic rollback complete",
                    "Commit was not confirmed; automatic rollback complete"
                );
                self.broadcasts.push(confirm::ROLLED_BACK.into());
                true
            }
            Err(failure) => {
                tracing::error!("automatic rollback failed: {:?}", failure.0);
                false
            }
        }
    }

    /// Messages for every open shell, to be sent now, not with their next response.
    pub fn take_broadcasts(&mut self) -> Vec<String> {
        std::mem::take(&mut self.broadcasts)
    }

    /// Writes the candidates that were already unsaved at the previous tick, so a candidate
    /// is written 1 to 2 ticks after its change. A `load override` followed by `commit`
    /// (the commit clears the stored candidate in its own transaction) then writes no
    /// candidate at all: the write at the tick after the load, a whole-configuration JSON
    /// and database write (over 100 ms at 300,000 lines), fell between the two requests and
    /// delayed the commit (issue 15, item 4; docs/performance.md, "Stage h66"). Uncommitted
    /// edits are not a committed revision: a crash loses at most the last 2 s of them
    /// instead of the last 1 s; a shutdown writes them at once ([`Mgmt::save_candidates`]).
    fn save_settled_candidates(&mut self) {
        if self.unsaved_at_last_tick {
            self.flush_shared();
        }
        self.unsaved_at_last_tick = self.any_candidate_unsaved();
    }

    fn any_candidate_unsaved(&self) -> bool {
        self.shared_unsaved
            || self.sessions.values().any(|s| {
                s.config
                    .as_ref()
                    .and_then(|c| c.private.as_ref())
                    .is_some_and(|p| p.unsaved)
            })
    }

    /// Writes every unsaved candidate now: the daemon is stopping.
    pub fn save_candidates(&mut self) {
        self.flush_shared();
        self.unsaved_at_last_tick = false;
    }

    /// Writes the candidates changed since they were last written to the store. Edits are
    /// not written one by one: a `load set` of thousands of lines, or `set` on a large
    /// configuration, would otherwise serialise the whole tree for every line.
    fn flush_shared(&mut self) {
        if self.shared_unsaved {
            match self.store.set_shared_candidate(self.shared.as_ref()) {
                Ok(()) => self.shared_unsaved = false,
                Err(e) => tracing::warn!("cannot save the shared candidate: {e}"),
            }
        }
        for (id, session) in self.sessions.iter_mut() {
            let Some(p) = session.config.as_mut().and_then(|c| c.private.as_mut()) else {
                continue;
            };
            if p.unsaved {
                match self
                    .store
                    .set_private_candidate(&Session::private_key(*id), Some(&p.tree))
                {
                    Ok(()) => p.unsaved = false,
                    Err(e) => tracing::warn!("cannot save a private candidate: {e}"),
                }
            }
        }
    }

    fn take_notices(&mut self, id: SessionId) -> Vec<String> {
        let now = self.clock.now();
        let pending = self.store.pending_confirm().ok().flatten();
        let Some(s) = self.sessions.get_mut(&id) else {
            return Vec::new();
        };
        let mut notices = std::mem::take(&mut s.notices);
        if let (Some(p), Some(_)) = (pending, s.config.as_ref()) {
            notices.push(confirm::banner(&p, now));
        }
        notices
    }
}

/// The tree path the words of a show or compare name (the root when there are none).
fn resolve_path(words: &[String]) -> Result<Path, MgmtError> {
    if words.is_empty() {
        return Ok(Path::new());
    }
    Ok(edit::resolve(words).map_err(word_error)?.path)
}

/// What `show PATH` displays: the node at `path`; for a list named without a key
/// (`show access profile`), every entry of that list, shown from the parent's level.
fn show_at(tree: &Node, mut path: Path) -> (Path, Node) {
    if let Some((last, parent_path)) = path.split_last() {
        if last.key.is_none() {
            // The entries themselves are shared with the tree, not copied.
            let mut entries = schema::tree::Children::new();
            let list_block = schema::edit::stmt_for_path(&path).is_some_and(|s| s.has_list_block());
            for (id, n) in tree
                .get(parent_path)
                .into_iter()
                .flat_map(|parent| parent.children.shared())
                // With a grouped list's own block (`interface-range` under `interfaces`),
                // which the printer shows among the entries.
                .filter(|(id, _)| id.keyword == last.keyword && (id.key.is_some() || list_block))
            {
                entries.insert_shared(id.clone(), Arc::clone(n));
            }
            // A grouped list (`interfaces`) keeps its key-less id: Junos shows its entries
            // by key alone (`ge-0/0/0 { … }`), which the shell does from that path.
            let grouped = schema::edit::stmt_for_path(&path).is_some_and(|s| s.grouped);
            if !entries.is_empty() || grouped {
                if !grouped {
                    path.pop();
                }
                return (
                    path,
                    Node {
                        children: entries,
                        ..Node::default()
                    },
                );
            }
        }
    }
    match tree.get(&path) {
        Some(node) => (path, node.clone()),
        // Nothing there: Junos shows nothing, in every display form (an empty node at the
        // path would print as `set PATH` under `| display set`).
        None => (Vec::new(), Node::default()),
    }
}

/// Three-way merge for `update` in `configure private`: what this session changed relative
/// to the copy it started from (`base`) is replayed onto what is committed now (`theirs`).
/// Where both changed the same statement, the private change wins.
fn merge3(base: Option<&Node>, mine: Option<&Node>, theirs: Option<&Node>) -> Option<Node> {
    if mine == base {
        return theirs.cloned();
    }
    if theirs == base {
        return mine.cloned();
    }
    let (m, t) = match (mine, theirs) {
        (None, _) => return None,
        (Some(m), None) => return Some(m.clone()),
        (Some(m), Some(t)) => (m, t),
    };
    let mut out = Node {
        values: if base.map(|b| &b.values) == Some(&m.values) {
            t.values.clone()
        } else {
            m.values.clone()
        },
        children: Default::default(),
        inactive: if base.map(|b| b.inactive) == Some(m.inactive) {
            t.inactive
        } else {
            m.inactive
        },
        annotation: if base.map(|b| &b.annotation) == Some(&m.annotation) {
            t.annotation.clone()
        } else {
            m.annotation.clone()
        },
    };
    let keys = t
        .children
        .keys()
        .chain(m.children.keys().filter(|k| !t.children.contains_key(*k)));
    for key in keys {
        let b = base.and_then(|b| b.children.get(key));
        if let Some(child) = merge3(b, m.children.get(key), t.children.get(key)) {
            out.children.insert(key.clone(), child);
        }
    }
    Some(out)
}

/// A `login message` or `announcement` as shown: Junos' `\n` and `\t` are a new line and a
/// tab.
fn unescape(text: &str) -> String {
    text.replace("\\n", "\n").replace("\\t", "\t")
}

/// `yyyy-mm-dd hh:mm:ss UTC`, the time format of the management plane's messages, in the
/// configured `system time-zone`.
pub fn format_time(unix: i64) -> String {
    schema::timezone::current().format(unix)
}

/// Makes the committed `system time-zone` the one times are shown in (a zone a commit let
/// through always parses; anything else reads as UTC).
pub fn apply_time_zone(config: &RouterConfig) {
    let zone = config
        .time_zone
        .as_deref()
        .and_then(|z| schema::timezone::Zone::parse(z).ok())
        .unwrap_or_default();
    schema::timezone::set_current(zone);
}

fn format_idle(seconds: u64) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

/// Gregorian date from days since 1970-01-01 (Howard Hinnant's civil calendar algorithm).
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_format() {
        assert_eq!(format_time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_time(1_795_500_000), "2026-11-24 06:00:00 UTC");
    }

    fn leaf(tree: &mut Node, name: &str, value: &str) {
        tree.ensure(&[schema::NodeId::new(name)]).values = [value].into();
    }

    #[test]
    fn a_path_that_holds_nothing_shows_nothing() {
        let mut tree = Node::default();
        let client = vec![
            schema::NodeId::new("access"),
            schema::NodeId::entry("profile", "p"),
            schema::NodeId::entry("client", "c"),
        ];
        tree.ensure(&client);
        // An empty entry that exists is shown (`set access profile p client c`)...
        assert_eq!(
            show_at(&tree, client.clone()),
            (client.clone(), Node::default())
        );
        // ...one that does not exist is nothing at all, not an empty node at its path.
        let mut missing = client;
        missing[2] = schema::NodeId::entry("client", "nobody");
        let (path, node) = show_at(&tree, missing);
        assert!(path.is_empty());
        assert_eq!(schema::print::to_set_lines(&path, &node), "");
    }

    #[test]
    fn update_keeps_both_sides_changes() {
        let mut base = Node::default();
        leaf(&mut base, "a", "1");
        leaf(&mut base, "b", "1");
        let mut mine = base.clone();
        leaf(&mut mine, "a", "2");
        leaf(&mut mine, "c", "new");
        let mut theirs = base.clone();
        leaf(&mut theirs, "b", "3");
        theirs.remove(&[schema::NodeId::new("a")]);
        let merged = merge3(Some(&base), Some(&mine), Some(&theirs)).unwrap();
        let get = |n: &str| {
            merged
                .get(&[schema::NodeId::new(n)])
                .map(|x| x.values[0].clone())
        };
        // Mine changed `a` (theirs deleted it): mine wins; theirs changed `b`: kept.
        assert_eq!(get("a").as_deref(), Some("2"));
        assert_eq!(get("b").as_deref(), Some("3"));
        assert_eq!(get("c").as_deref(), Some("new"));
    }
}
