//! Errors of the configuration store. Messages are whole sentences an operator can act on;
//! the storage engine's own error types never appear in the public API.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// Only the daemon opens the database; a second daemon on the same state directory
    /// must refuse to start rather than interleave commits.
    #[error("configuration database {path} is already in use by another process")]
    InUse { path: PathBuf },

    /// A stored record fails its checksum or does not decode, or the records contradict
    /// each other. `what` names the record, e.g. `revision 12 (commit 345) checksum mismatch`.
    #[error("configuration database {path} is corrupt: {what}")]
    Corrupt { path: PathBuf, what: String },

    /// The storage engine failed (I/O underneath it, a full disk, an old file format).
    #[error("configuration database {path}: {message}")]
    Storage { path: PathBuf, message: String },

    /// A file beside the database (the state directory, the `juniper.conf` recovery copy).
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A value could not be serialised; only a bug in the tree type can cause this.
    #[error("cannot encode {what} for {path}: {reason}")]
    Encode {
        path: PathBuf,
        what: String,
        reason: String,
    },
}
