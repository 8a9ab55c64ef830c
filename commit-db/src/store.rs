//! The interface the daemon programs against, so the storage engine can be replaced without
//! touching configuration mode.

use crate::error::DbError;
use crate::model::{CommitMeta, Committed, LockInfo, PendingConfirm};
use schema::mgmt::CommitEntry;
use schema::Node;

/// The durable configuration store: the active configuration and its history, the
/// candidates, the exclusive lock and a pending `commit confirmed`.
///
/// Reads take `&self`; writes take `&mut self` because the daemon is the one writer and
/// serialises configuration operations anyway (the lock check and the commit must not
/// interleave with another session's).
pub trait ConfigStore {
    /// Makes `tree` the active configuration (rollback 0) in one durable transaction,
    /// pruning the history to [`HISTORY_DEPTH`](crate::HISTORY_DEPTH) revisions, then
    /// replaces the plain-text recovery copy with `active_text`. When this returns `Ok` the
    /// revision survives a power cut, even if the copy could not be written (see
    /// [`Committed::recovery_copy`]).
    fn commit(
        &mut self,
        tree: &Node,
        active_text: &str,
        meta: CommitMeta,
    ) -> Result<Committed, DbError>;

    /// Replaces the recovery copy with `active_text`, the active configuration's text; the
    /// daemon calls it at start so the copy never lags the database (a copy that failed
    /// during a commit, or one edited or removed by hand).
    fn write_recovery_copy(&self, active_text: &str) -> Result<(), DbError>;

    /// The rescue configuration's text (`STATE_DIR/rescue.conf`); `None` when none was saved.
    fn rescue(&self) -> Result<Option<String>, DbError>;
    /// Saves (`Some`) or deletes (`None`) the rescue configuration, durably.
    fn set_rescue(&mut self, text: Option<&str>) -> Result<(), DbError>;

    /// Confirms a pending `commit confirmed` (a later `commit` or `commit check`). Returns
    /// what was pending, `None` if nothing was. Durable before it returns.
    fn confirm(&mut self) -> Result<Option<PendingConfirm>, DbError>;

    fn pending_confirm(&self) -> Result<Option<PendingConfirm>, DbError>;

    /// `show system commit`: index 0 (the active configuration) first.
    fn history(&self) -> Result<Vec<CommitEntry>, DbError>;

    /// Rollback `index` (0 = active); `None` beyond the history.
    fn revision(&self, index: u32) -> Result<Option<(CommitEntry, Node)>, DbError>;

    /// The active configuration (rollback 0, which always exists).
    fn active(&self) -> Result<(CommitEntry, Node), DbError>;

    /// The shared candidate; `None` means it has no uncommitted changes (it equals the
    /// active configuration).
    fn shared_candidate(&self) -> Result<Option<Node>, DbError>;
    fn set_shared_candidate(&mut self, candidate: Option<&Node>) -> Result<(), DbError>;

    /// The candidate of a `configure private` session, by the daemon's session key.
    fn private_candidate(&self, session: &str) -> Result<Option<Node>, DbError>;
    fn set_private_candidate(
        &mut self,
        session: &str,
        candidate: Option<&Node>,
    ) -> Result<(), DbError>;
    /// Drops every private candidate; the daemon calls it at start, when their sessions
    /// are gone.
    fn clear_private_candidates(&mut self) -> Result<(), DbError>;

    /// The `configure exclusive` lock.
    fn lock(&self) -> Result<Option<LockInfo>, DbError>;
    fn set_lock(&mut self, lock: Option<&LockInfo>) -> Result<(), DbError>;
}
