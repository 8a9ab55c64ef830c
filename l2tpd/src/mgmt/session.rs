//! One management connection: who it is, and its configuration-mode state.

use super::rights::Rights;
use schema::mgmt::{ClientKind, ConfigureMode, UserSession};
use schema::{Node, Path};

pub type SessionId = u64;

pub struct Session {
    /// From the socket's peer credentials: with `user`, what the class is derived from.
    pub uid: u32,
    pub user: String,
    /// The class's rights at the last request: derived again from the configuration in
    /// force on every request, so a commit that downgrades or removes a user binds open
    /// sessions.
    pub rights: Rights,
    pub client: ClientKind,
    pub terminal: String,
    pub pid: u32,
    pub since: i64,
    pub last_active: i64,
    /// The class's idle timeout, started again by every request (see `state/idle.rs`).
    pub idle: Option<schema::idle::IdleTimer>,
    /// Messages for this user, delivered with the next response.
    pub notices: Vec<String>,
    /// `Some` while in configuration mode.
    pub config: Option<ConfigSession>,
}

pub struct ConfigSession {
    pub mode: ConfigureMode,
    pub edit_path: Path,
    /// `configure private`: this session's own candidate.
    pub private: Option<PrivateCandidate>,
}

pub struct PrivateCandidate {
    pub tree: Node,
    /// The active configuration the copy was taken from (for `update`'s three-way merge).
    pub base: Node,
    /// The active configuration's generation when the copy was taken: a commit from a private
    /// candidate is refused once someone else has committed since (run `update`).
    pub base_generation: u64,
    pub changed: bool,
    /// Changed since last written to the store (written back by the periodic tick).
    pub unsaved: bool,
    /// When it was last edited (its `## Last changed` line).
    pub changed_at: Option<i64>,
}

impl Session {
    pub fn describe(&self, now: i64) -> UserSession {
        UserSession {
            user: self.user.clone(),
            terminal: self.terminal.clone(),
            pid: self.pid,
            since: self.since,
            idle_seconds: (now - self.last_active).max(0) as u64,
            edit_path: self.config.as_ref().map(|c| c.edit_path.clone()),
            mode: self.config.as_ref().map(|c| c.mode),
        }
    }

    /// `private` store key: unique per connection for the daemon's lifetime.
    pub fn private_key(id: SessionId) -> String {
        format!("session-{id}")
    }
}
