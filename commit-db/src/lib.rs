//! The configuration database of `l2tpd`: the active configuration and rollback history
//! 0–49 with who/when/how/comment, the shared and private candidates, the
//! `configure exclusive` lock and a pending `commit confirmed`, all in one file,
//! `STATE_DIR/config.db`, that only the daemon opens.
//!
//! The daemon programs against [`ConfigStore`]; [`RedbStore`] implements it on redb. The
//! store records facts and enforces nothing about who may commit: login classes, the lock
//! check and the confirmed-commit timer are the daemon's. Every time is given by the caller.
#![forbid(unsafe_code)]

mod checksum;
mod error;
mod frame;
mod model;
mod recovery;
mod redb_store;
mod rescue;
mod store;

pub use error::DbError;
pub use model::{CommitMeta, Committed, ConfirmDeadline, LockInfo, PendingConfirm, HISTORY_DEPTH};
pub use redb_store::{RedbStore, DATABASE_FILE_NAME, RECOVERY_FILE_NAME};
pub use rescue::FILE_NAME as RESCUE_FILE_NAME;
pub use store::ConfigStore;
