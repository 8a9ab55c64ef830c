//! The facts the store keeps besides configuration trees.

use schema::mgmt::ClientKind;
use serde::{Deserialize, Serialize};

/// How many revisions are kept: rollback 0 (the active configuration) to rollback 49, as on
/// Junos (`juniper.conf.gz` and `.1` to `.49`).
pub const HISTORY_DEPTH: usize = 50;

/// What a commit produced. The revision is durable whatever became of the recovery copy;
/// `recovery_copy` says whether the text copy of it could be written, so the operator is told
/// when `juniper.conf` is stale (as Junos prints a `warning:` and still completes the commit).
#[derive(Debug)]
pub struct Committed {
    pub entry: schema::mgmt::CommitEntry,
    pub recovery_copy: Result<(), crate::DbError>,
}

/// Who commits, when, and what else the commit transaction must do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitMeta {
    pub user: String,
    /// Seconds since the Unix epoch, read by the caller: the store never reads a clock.
    pub time: i64,
    pub client: ClientKind,
    pub comment: Option<String>,
    /// `Some` for `commit confirmed`: the revision stays unconfirmed until [`confirm`] or
    /// until the daemon rolls it back at the deadline.
    ///
    /// [`confirm`]: crate::ConfigStore::confirm
    pub confirm_deadline: Option<ConfirmDeadline>,
    /// The commit took the shared candidate's changes, so it has none left. Cleared in the
    /// same transaction so that a crash cannot leave stale "uncommitted changes".
    pub clear_shared_candidate: bool,
}

impl CommitMeta {
    /// A plain commit: no confirmation, candidate left alone.
    pub fn new(user: impl Into<String>, time: i64, client: ClientKind) -> Self {
        CommitMeta {
            user: user.into(),
            time,
            client,
            comment: None,
            confirm_deadline: None,
            clear_shared_candidate: false,
        }
    }
}

/// The window of a `commit confirmed N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConfirmDeadline {
    /// Seconds since the Unix epoch at which the daemon rolls back.
    pub at: i64,
    /// The N the operator gave.
    pub minutes: u32,
}

/// A `commit confirmed` that has been neither confirmed nor rolled back yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingConfirm {
    /// Seconds since the Unix epoch.
    pub deadline: i64,
    pub minutes: u32,
    /// The commit sequence number of the unconfirmed revision.
    pub sequence: u64,
}

/// The holder of `configure exclusive`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    pub user: String,
    pub pid: u32,
    /// `pts/3`, or the client kind for sessions without a terminal.
    pub terminal: String,
    /// Seconds since the Unix epoch.
    pub since: i64,
    /// The daemon's key for the holding session.
    pub session: String,
}
