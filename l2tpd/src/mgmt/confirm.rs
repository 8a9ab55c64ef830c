//! What `commit confirmed` tells the operators: the minutes left before the automatic
//! rollback (the banner and `show system commit` count them down from the deadline kept in
//! the store, so they are right after a restart too) and the notice of the rollback.

use commit_db::PendingConfirm;
use schema::mgmt::CommitEntry;

/// Junos' broadcast when the deadline passes.
pub const ROLLED_BACK: &str = "Commit was not confirmed; automatic rollback complete.";

/// Whole minutes left, rounded up: the banner never says 0 before the rollback.
pub fn minutes_left(pending: &PendingConfirm, now: i64) -> u32 {
    let minutes = ((pending.deadline - now).max(0) + 59) / 60;
    u32::try_from(minutes).unwrap_or(u32::MAX)
}

/// The line shown above the prompt in configuration mode while a confirmation is pending.
pub fn banner(pending: &PendingConfirm, now: i64) -> String {
    format!(
        "# commit confirmed will be rolled back in {} minutes",
        minutes_left(pending, now)
    )
}

/// `show system commit`: the pending revision's `rollback in Nmins` is the time left, not
/// the N the operator gave.
pub fn with_time_left(
    mut entries: Vec<CommitEntry>,
    pending: Option<&PendingConfirm>,
    now: i64,
) -> Vec<CommitEntry> {
    if let Some(p) = pending {
        for e in entries.iter_mut().filter(|e| e.confirmed_minutes.is_some()) {
            e.confirmed_minutes = Some(minutes_left(p, now));
        }
    }
    entries
}
