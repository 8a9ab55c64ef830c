//! `system login class NAME idle-timeout MINUTES` on the daemon's side: a management session
//! of that class with no request for longer than the class allows is closed, whatever its
//! client, so a client that is not the interactive shell (a script left waiting, a raw
//! socket) cannot hold a session, a private candidate or the exclusive lock either. The
//! interactive shell warns and closes by itself at the limit (cli/src/idle.rs); the daemon
//! waits a grace of ten (scaled) seconds more, so an operator reads the shell's own message
//! rather than a lost connection.

use super::{Mgmt, Rights, SessionId};
use schema::idle::IdleTimer;
use std::time::{Duration, Instant};

/// The class's idle clock, starting at `now`; `None` when the class has no idle timeout.
pub(super) fn timer(rights: &Rights, minute: Duration, now: Instant) -> Option<IdleTimer> {
    IdleTimer::new(rights.idle_timeout?, minute, now)
}

impl Mgmt {
    /// Closes the sessions idle beyond their class's limit at `now` (the server calls it each
    /// tick with the real time; tests give a simulated one) and returns them, for the server
    /// to tell each client why (`schema::idle::CLOSING`) and end its connection.
    pub fn close_idle_sessions(&mut self, now: Instant) -> Vec<SessionId> {
        let grace = self.idle_minute / 6;
        let idle: Vec<SessionId> = self
            .sessions
            .iter()
            .filter(|(_, s)| {
                s.idle
                    .as_ref()
                    .is_some_and(|t| now >= t.closes_at() + grace)
            })
            .map(|(id, _)| *id)
            .collect();
        for id in &idle {
            if let Some(s) = self.sessions.get(id) {
                tracing::info!(
                    "management session of user '{}' ({}) idle beyond its class's idle-timeout: closed",
                    s.user,
                    s.terminal
                );
            }
            self.close_session(*id);
        }
        idle
    }
}
