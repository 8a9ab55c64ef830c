//! [`ConfigStore`] on one redb file, `STATE_DIR/config.db`.
//!
//! Layout (every value is a [`frame`]: checksum + JSON, the configuration trees compressed):
//! - `commits`   sequence → who/when/how/comment of a revision;
//! - `snapshots` sequence → the full configuration tree of that revision;
//! - `state`     `active` (sequence of rollback 0), `pending-confirm`, `lock`, `shared-candidate`;
//! - `private-candidates` session key → candidate tree.
//!
//! Metadata and snapshots are separate tables so that `show system commit` decodes 50 small
//! records rather than 50 full configurations. Full snapshots rather than diff chains: a
//! damaged revision then costs that revision only.
//!
//! Durability: a commit and a confirmation are fsynced before they are reported
//! (`Durability::Immediate`). Candidate, private-candidate and lock writes are not
//! (`Durability::None`): they happen on every `set` an operator types and may carry a
//! 100,000-line tree, and losing them in a power cut only loses uncommitted edits, which a
//! reboot ends anyway (sessions and the lock do not survive it). redb keeps the file
//! consistent either way and writes them out with the next durable commit.

use crate::error::DbError;
use crate::frame::{self, FrameError};
use crate::model::{CommitMeta, Committed, LockInfo, PendingConfirm, HISTORY_DEPTH};
use crate::recovery;
use crate::store::ConfigStore;
use redb::{
    Database, Durability, ReadTransaction, ReadableDatabase, ReadableTable, ReadableTableMetadata,
    TableDefinition, WriteTransaction,
};
use schema::mgmt::{ClientKind, CommitEntry};
use schema::Node;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// File name of the database inside the state directory.
pub const DATABASE_FILE_NAME: &str = "config.db";
/// File name of the plain-text copy of the active configuration.
pub const RECOVERY_FILE_NAME: &str = recovery::FILE_NAME;

const COMMITS: TableDefinition<u64, &[u8]> = TableDefinition::new("commits");
const SNAPSHOTS: TableDefinition<u64, &[u8]> = TableDefinition::new("snapshots");
const STATE: TableDefinition<&str, &[u8]> = TableDefinition::new("state");
const PRIVATE_CANDIDATES: TableDefinition<&str, &[u8]> = TableDefinition::new("private-candidates");

const ACTIVE: &str = "active";
const PENDING_CONFIRM: &str = "pending-confirm";
const LOCK: &str = "lock";
const SHARED_CANDIDATE: &str = "shared-candidate";

/// The page cache. redb's default (1 GiB) is sized for servers; 50 snapshots of a
/// 100,000-line configuration are a few hundred MB, of which only the active one and the
/// candidate are hot.
const CACHE_BYTES: usize = 16 * 1024 * 1024;

/// The metadata of one revision as stored. The rollback index is not stored: it changes
/// with every commit.
#[derive(Serialize, Deserialize)]
struct CommitRecord {
    user: String,
    time: i64,
    client: ClientKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
}

/// What a freshly created database starts from.
const INITIAL_USER: &str = "root";
const INITIAL_COMMENT: &str = "initial configuration";

/// Opens the database (again): at start, and after an I/O error.
type OpenDatabase = Box<dyn Fn() -> Result<Database, DbError> + Send + Sync>;

pub struct RedbStore {
    /// `None` only between closing a database that failed and opening it again.
    db: Mutex<Option<Database>>,
    /// Set when an operation failed on I/O: redb then refuses every later operation on that
    /// `Database` (`PreviousIo`), so the next one closes and reopens it. A full disk thus
    /// costs the commits made while it is full, not every commit until the daemon restarts.
    io_failed: AtomicBool,
    open_database: OpenDatabase,
    db_path: PathBuf,
    recovery_path: PathBuf,
    rescue_path: PathBuf,
}

impl RedbStore {
    /// Opens `state_dir/config.db`, creating it if needed. A new database gets revision 0:
    /// `initial` (a tree and its rendered text) or the empty configuration, committed by
    /// `root` at `now` (seconds since the Unix epoch).
    ///
    /// Opening also checks that the history is consistent, so a damaged file is reported at
    /// daemon start rather than at the first `show system commit`.
    pub fn open(
        state_dir: &Path,
        initial: Option<(&Node, &str)>,
        now: i64,
    ) -> Result<Self, DbError> {
        Self::open_with(state_dir, initial, now, |path| Ok(builder().create(path)))
    }

    /// [`RedbStore::open`] on a storage backend of the caller's (tests inject failing
    /// storage this way); `backend` is called again to reopen after an I/O error.
    /// `state_dir` still holds the recovery copy.
    pub fn open_on_backend<B: redb::StorageBackend>(
        state_dir: &Path,
        backend: impl Fn() -> std::io::Result<B> + Send + Sync + 'static,
        initial: Option<(&Node, &str)>,
        now: i64,
    ) -> Result<Self, DbError> {
        Self::open_with(state_dir, initial, now, move |_| {
            Ok(builder().create_with_backend(backend()?))
        })
    }

    /// `create` opens the database file at the path it is given (the outer error: the
    /// storage could not be reached; the inner one: redb refused it).
    fn open_with(
        state_dir: &Path,
        initial: Option<(&Node, &str)>,
        now: i64,
        create: impl Fn(&Path) -> std::io::Result<Result<Database, redb::DatabaseError>>
            + Send
            + Sync
            + 'static,
    ) -> Result<Self, DbError> {
        let db_path = state_dir.join(DATABASE_FILE_NAME);
        let recovery_path = state_dir.join(RECOVERY_FILE_NAME);
        let (path, recovery) = (db_path.clone(), recovery_path.clone());
        let open_database: OpenDatabase = Box::new(move || {
            create(&path)
                .map_err(|source| DbError::Io {
                    action: "open",
                    path: path.clone(),
                    source,
                })?
                .map_err(|e| open_error(&path, &recovery, e))
        });
        let db = open_database()?;
        let mut store = RedbStore {
            db: Mutex::new(Some(db)),
            io_failed: AtomicBool::new(false),
            open_database,
            db_path,
            recovery_path,
            rescue_path: state_dir.join(crate::rescue::FILE_NAME),
        };
        let created = store.create_tables()?;
        if created {
            let empty = Node::default();
            let (tree, text) = initial.unwrap_or((&empty, ""));
            let mut meta = CommitMeta::new(INITIAL_USER, now, ClientKind::Other);
            meta.comment = Some(INITIAL_COMMENT.to_string());
            store.commit(tree, text, meta)?;
        }
        store.check_consistency()?;
        Ok(store)
    }

    /// Path of the database file (for messages).
    pub fn path(&self) -> &Path {
        &self.db_path
    }

    /// Creates the tables of a new file; returns whether the history was empty.
    fn create_tables(&self) -> Result<bool, DbError> {
        let txn = self.begin_write(Durability::Immediate)?;
        let empty = {
            let commits = txn.open_table(COMMITS).map_err(|e| self.storage(e))?;
            txn.open_table(SNAPSHOTS).map_err(|e| self.storage(e))?;
            txn.open_table(STATE).map_err(|e| self.storage(e))?;
            txn.open_table(PRIVATE_CANDIDATES)
                .map_err(|e| self.storage(e))?;
            commits.is_empty().map_err(|e| self.storage(e))?
        };
        txn.commit().map_err(|e| self.storage(e))?;
        Ok(empty)
    }

    /// The `active` pointer must name the newest revision, and every revision must have a
    /// snapshot: anything else means the file was altered behind redb's back.
    fn check_consistency(&self) -> Result<(), DbError> {
        let txn = self.begin_read()?;
        let commits = txn.open_table(COMMITS).map_err(|e| self.storage(e))?;
        let snapshots = txn.open_table(SNAPSHOTS).map_err(|e| self.storage(e))?;
        let state = txn.open_table(STATE).map_err(|e| self.storage(e))?;
        let newest = commits
            .last()
            .map_err(|e| self.storage(e))?
            .map(|(k, _)| k.value());
        let active: Option<u64> = self.get_state(&state, ACTIVE)?;
        if newest.is_none() || newest != active {
            return Err(self.corrupt(format!(
                "active configuration points to commit {} but the newest revision is {}",
                active.map_or_else(|| "none".to_string(), |s| s.to_string()),
                newest.map_or_else(|| "none".to_string(), |s| format!("commit {s}")),
            )));
        }
        let revisions = commits.len().map_err(|e| self.storage(e))?;
        let snapshot_count = snapshots.len().map_err(|e| self.storage(e))?;
        if revisions != snapshot_count {
            return Err(self.corrupt(format!(
                "{revisions} revisions but {snapshot_count} configuration snapshots"
            )));
        }
        Ok(())
    }

    /// Runs `f` on the database, first reopening it if an earlier operation failed on I/O
    /// (closed first: the file stays locked while the failed `Database` is open).
    fn with_database<T>(
        &self,
        f: impl FnOnce(&Database) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let mut db = self.db.lock().unwrap_or_else(|e| e.into_inner());
        if self.io_failed.swap(false, Ordering::AcqRel) {
            *db = None;
        }
        let db = match db.take() {
            Some(open) => db.insert(open),
            None => {
                let reopened = (self.open_database)()?;
                tracing::info!(path = %self.db_path.display(), "configuration database reopened after an I/O error");
                db.insert(reopened)
            }
        };
        f(db)
    }

    fn begin_read(&self) -> Result<ReadTransaction, DbError> {
        self.with_database(|db| db.begin_read().map_err(|e| self.storage(e)))
    }

    fn begin_write(&self, durability: Durability) -> Result<WriteTransaction, DbError> {
        let mut txn = self.with_database(|db| db.begin_write().map_err(|e| self.storage(e)))?;
        txn.set_durability(durability)
            .map_err(|e| self.storage(e))?;
        Ok(txn)
    }

    /// Maps a redb error; one that means the storage failed marks the database for reopening.
    fn storage(&self, e: impl Into<redb::Error>) -> DbError {
        let e = e.into();
        if matches!(
            e,
            redb::Error::Io(_) | redb::Error::PreviousIo | redb::Error::Backend(_)
        ) {
            self.io_failed.store(true, Ordering::Release);
        }
        storage_error(&self.db_path, e)
    }

    fn corrupt(&self, what: String) -> DbError {
        DbError::Corrupt {
            path: self.db_path.clone(),
            what,
        }
    }

    /// A small record, stored as plain JSON.
    fn seal<T: Serialize + ?Sized>(&self, what: &str, value: &T) -> Result<Vec<u8>, DbError> {
        frame::seal(value).map_err(|e| self.encode_error(what, e))
    }

    /// A configuration tree (a revision or a candidate), stored compressed.
    fn seal_tree(&self, what: &str, tree: &Node) -> Result<Vec<u8>, DbError> {
        frame::seal_compressed(tree).map_err(|e| self.encode_error(what, e))
    }

    fn encode_error(&self, what: &str, e: serde_json::Error) -> DbError {
        DbError::Encode {
            path: self.db_path.clone(),
            what: what.to_string(),
            reason: e.to_string(),
        }
    }

    fn unseal<T: for<'de> Deserialize<'de>>(
        &self,
        what: impl FnOnce() -> String,
        bytes: &[u8],
    ) -> Result<T, DbError> {
        frame::open(bytes).map_err(|e: FrameError| self.corrupt(format!("{} {e}", what())))
    }

    /// A stored configuration tree, in today's statements (`schema::upgrade`): one committed
    /// by an earlier version reads as if written now.
    fn unseal_tree(&self, what: impl FnOnce() -> String, bytes: &[u8]) -> Result<Node, DbError> {
        let mut tree: Node = self.unseal(what, bytes)?;
        schema::upgrade::stored_tree(&mut tree);
        Ok(tree)
    }

    fn get_state<T: for<'de> Deserialize<'de>>(
        &self,
        table: &impl ReadableTable<&'static str, &'static [u8]>,
        key: &str,
    ) -> Result<Option<T>, DbError> {
        match table.get(key).map_err(|e| self.storage(e))? {
            None => Ok(None),
            Some(v) => self
                .unseal(|| format!("record '{key}'"), v.value())
                .map(Some),
        }
    }

    /// Writes or removes one record of a small table in its own transaction.
    fn put(
        &self,
        table: TableDefinition<&str, &[u8]>,
        key: &str,
        value: Option<Vec<u8>>,
        durability: Durability,
    ) -> Result<(), DbError> {
        let txn = self.begin_write(durability)?;
        {
            let mut t = txn.open_table(table).map_err(|e| self.storage(e))?;
            match value {
                Some(bytes) => t.insert(key, bytes.as_slice()).map(drop),
                None => t.remove(key).map(drop),
            }
            .map_err(|e| self.storage(e))?;
        }
        txn.commit().map_err(|e| self.storage(e))
    }

    fn entry(
        &self,
        index: u32,
        sequence: u64,
        bytes: &[u8],
        pending: Option<PendingConfirm>,
    ) -> Result<CommitEntry, DbError> {
        let record: CommitRecord = self.unseal(
            || format!("revision {index} (commit {sequence}) metadata"),
            bytes,
        )?;
        Ok(CommitEntry {
            index,
            time: record.time,
            user: record.user,
            client: record.client,
            comment: record.comment,
            // Derived rather than stored on the entry, so confirming is one small write and
            // the two can never disagree.
            confirmed_minutes: pending
                .filter(|p| p.sequence == sequence)
                .map(|p| p.minutes),
        })
    }
}

impl ConfigStore for RedbStore {
    fn commit(
        &mut self,
        tree: &Node,
        active_text: &str,
        meta: CommitMeta,
    ) -> Result<Committed, DbError> {
        // Serialise before the transaction so the write lock is held only for the write.
        let snapshot = self.seal_tree("configuration snapshot", tree)?;
        let record = self.seal(
            "commit record",
            &CommitRecord {
                user: meta.user.clone(),
                time: meta.time,
                client: meta.client,
                comment: meta.comment.clone(),
            },
        )?;

        let txn = self.begin_write(Durability::Immediate)?;
        let sequence = {
            let mut commits = txn.open_table(COMMITS).map_err(|e| self.storage(e))?;
            let mut snapshots = txn.open_table(SNAPSHOTS).map_err(|e| self.storage(e))?;
            let mut state = txn.open_table(STATE).map_err(|e| self.storage(e))?;

            let newest = commits
                .last()
                .map_err(|e| self.storage(e))?
                .map(|(k, _)| k.value());
            let sequence = match newest {
                None => 1,
                Some(s) => s
                    .checked_add(1)
                    .ok_or_else(|| self.corrupt("commit sequence exhausted".into()))?,
            };
            commits
                .insert(sequence, record.as_slice())
                .map_err(|e| self.storage(e))?;
            snapshots
                .insert(sequence, snapshot.as_slice())
                .map_err(|e| self.storage(e))?;

            while commits.len().map_err(|e| self.storage(e))? > HISTORY_DEPTH as u64 {
                let Some(oldest) = commits
                    .pop_first()
                    .map_err(|e| self.storage(e))?
                    .map(|(k, _)| k.value())
                else {
                    break;
                };
                snapshots.remove(oldest).map_err(|e| self.storage(e))?;
            }

            let active = self.seal("active pointer", &sequence)?;
            state
                .insert(ACTIVE, active.as_slice())
                .map_err(|e| self.storage(e))?;
            match meta.confirm_deadline {
                Some(window) => {
                    let pending = PendingConfirm {
                        deadline: window.at,
                        minutes: window.minutes,
                        sequence,
                    };
                    let bytes = self.seal("pending confirmation", &pending)?;
                    state.insert(PENDING_CONFIRM, bytes.as_slice()).map(drop)
                }
                // Any commit that is not `commit confirmed` confirms the previous one.
                None => state.remove(PENDING_CONFIRM).map(drop),
            }
            .map_err(|e| self.storage(e))?;
            if meta.clear_shared_candidate {
                state
                    .remove(SHARED_CANDIDATE)
                    .map_err(|e| self.storage(e))?;
            }
            sequence
        };
        txn.commit().map_err(|e| self.storage(e))?;

        // The revision is durable: the commit has happened whatever becomes of the text
        // copy. Failing here would tell the daemon to undo an engine change whose
        // configuration is already active, so the copy's failure is returned beside it.
        let recovery_copy = self.write_recovery_copy(active_text);
        if let Err(e) = &recovery_copy {
            tracing::warn!(error = %e, sequence, "commit complete but the recovery copy was not updated");
        }

        Ok(Committed {
            entry: CommitEntry {
                index: 0,
                time: meta.time,
                user: meta.user,
                client: meta.client,
                comment: meta.comment,
                confirmed_minutes: meta.confirm_deadline.map(|w| w.minutes),
            },
            recovery_copy,
        })
    }

    fn write_recovery_copy(&self, active_text: &str) -> Result<(), DbError> {
        recovery::replace(&self.recovery_path, active_text)
    }

    fn rescue(&self) -> Result<Option<String>, DbError> {
        crate::rescue::read(&self.rescue_path)
    }

    fn set_rescue(&mut self, text: Option<&str>) -> Result<(), DbError> {
        crate::rescue::write(&self.rescue_path, text)
    }

    fn confirm(&mut self) -> Result<Option<PendingConfirm>, DbError> {
        let txn = self.begin_write(Durability::Immediate)?;
        let pending = {
            let mut state = txn.open_table(STATE).map_err(|e| self.storage(e))?;
            let pending: Option<PendingConfirm> = self.get_state(&state, PENDING_CONFIRM)?;
            if pending.is_some() {
                state.remove(PENDING_CONFIRM).map_err(|e| self.storage(e))?;
            }
            pending
        };
        if pending.is_some() {
            txn.commit().map_err(|e| self.storage(e))?;
        } else {
            txn.abort().map_err(|e| self.storage(e))?;
        }
        Ok(pending)
    }

    fn pending_confirm(&self) -> Result<Option<PendingConfirm>, DbError> {
        let txn = self.begin_read()?;
        let state = txn.open_table(STATE).map_err(|e| self.storage(e))?;
        self.get_state(&state, PENDING_CONFIRM)
    }

    fn history(&self) -> Result<Vec<CommitEntry>, DbError> {
        let txn = self.begin_read()?;
        let commits = txn.open_table(COMMITS).map_err(|e| self.storage(e))?;
        let state = txn.open_table(STATE).map_err(|e| self.storage(e))?;
        let pending: Option<PendingConfirm> = self.get_state(&state, PENDING_CONFIRM)?;
        let mut entries = Vec::with_capacity(HISTORY_DEPTH);
        for (index, item) in (0u32..).zip(commits.iter().map_err(|e| self.storage(e))?.rev()) {
            let (sequence, bytes) = item.map_err(|e| self.storage(e))?;
            entries.push(self.entry(index, sequence.value(), bytes.value(), pending)?);
        }
        Ok(entries)
    }

    fn revision(&self, index: u32) -> Result<Option<(CommitEntry, Node)>, DbError> {
        let txn = self.begin_read()?;
        let commits = txn.open_table(COMMITS).map_err(|e| self.storage(e))?;
        let snapshots = txn.open_table(SNAPSHOTS).map_err(|e| self.storage(e))?;
        let state = txn.open_table(STATE).map_err(|e| self.storage(e))?;
        let Ok(skip) = usize::try_from(index) else {
            return Ok(None);
        };
        let Some(item) = commits.iter().map_err(|e| self.storage(e))?.rev().nth(skip) else {
            return Ok(None);
        };
        let (sequence, record) = item.map_err(|e| self.storage(e))?;
        let sequence = sequence.value();
        let pending: Option<PendingConfirm> = self.get_state(&state, PENDING_CONFIRM)?;
        let entry = self.entry(index, sequence, record.value(), pending)?;
        let Some(bytes) = snapshots.get(sequence).map_err(|e| self.storage(e))? else {
            return Err(self.corrupt(format!(
                "revision {index} (commit {sequence}) has no configuration snapshot"
            )));
        };
        let tree = self.unseal_tree(
            || format!("revision {index} (commit {sequence})"),
            bytes.value(),
        )?;
        Ok(Some((entry, tree)))
    }

    fn active(&self) -> Result<(CommitEntry, Node), DbError> {
        self.revision(0)?
            .ok_or_else(|| self.corrupt("the active configuration is missing".into()))
    }

    fn shared_candidate(&self) -> Result<Option<Node>, DbError> {
        let txn = self.begin_read()?;
        let state = txn.open_table(STATE).map_err(|e| self.storage(e))?;
        let candidate: Option<Node> = self.get_state(&state, SHARED_CANDIDATE)?;
        Ok(candidate.map(|mut tree| {
            schema::upgrade::stored_tree(&mut tree);
            tree
        }))
    }

    fn set_shared_candidate(&mut self, candidate: Option<&Node>) -> Result<(), DbError> {
        let bytes = candidate
            .map(|c| self.seal_tree("shared candidate", c))
            .transpose()?;
        self.put(STATE, SHARED_CANDIDATE, bytes, Durability::None)
    }

    fn private_candidate(&self, session: &str) -> Result<Option<Node>, DbError> {
        let txn = self.begin_read()?;
        let table = txn
            .open_table(PRIVATE_CANDIDATES)
            .map_err(|e| self.storage(e))?;
        match table.get(session).map_err(|e| self.storage(e))? {
            None => Ok(None),
            Some(v) => self
                .unseal_tree(
                    || format!("private candidate of session '{session}'"),
                    v.value(),
                )
                .map(Some),
        }
    }

    fn set_private_candidate(
        &mut self,
        session: &str,
        candidate: Option<&Node>,
    ) -> Result<(), DbError> {
        let bytes = candidate
            .map(|c| self.seal_tree("private candidate", c))
            .transpose()?;
        self.put(PRIVATE_CANDIDATES, session, bytes, Durability::None)
    }

    fn clear_private_candidates(&mut self) -> Result<(), DbError> {
        let txn = self.begin_write(Durability::None)?;
        {
            let mut table = txn
                .open_table(PRIVATE_CANDIDATES)
                .map_err(|e| self.storage(e))?;
            table.retain(|_, _| false).map_err(|e| self.storage(e))?;
        }
        txn.commit().map_err(|e| self.storage(e))
    }

    fn lock(&self) -> Result<Option<LockInfo>, DbError> {
        let txn = self.begin_read()?;
        let state = txn.open_table(STATE).map_err(|e| self.storage(e))?;
        self.get_state(&state, LOCK)
    }

    fn set_lock(&mut self, lock: Option<&LockInfo>) -> Result<(), DbError> {
        let bytes = lock.map(|l| self.seal("lock", l)).transpose()?;
        self.put(STATE, LOCK, bytes, Durability::None)
    }
}

/// How every database is opened: a small page cache, integrity checked.
fn builder() -> redb::Builder {
    let mut builder = Database::builder();
    // redb's default cache (1 GiB) is sized for servers; see CACHE_BYTES.
    builder.set_cache_size(CACHE_BYTES);
    // A plain open trusts the file and may panic on pages damaged outside redb; the check
    // turns that into an error, for about 50 ms with 50 revisions of a 100,000-line
    // configuration.
    builder.set_check_integrity_on_open(true);
    builder
}

fn open_error(db_path: &Path, recovery_path: &Path, e: redb::DatabaseError) -> DbError {
    match storage_error(db_path, e) {
        // redb verified every page at open and refused the file: the configuration is not
        // lost as long as its text copy is there, so say where it is.
        DbError::Corrupt { path, what } => DbError::Corrupt {
            what: format!(
                "{what}; the active configuration's text is in {}",
                recovery_path.display()
            ),
            path,
        },
        other => other,
    }
}

/// Maps the engine's errors onto ours, keeping the cases an operator acts on distinct.
fn storage_error(path: &Path, e: impl Into<redb::Error>) -> DbError {
    let path = path.to_path_buf();
    match e.into() {
        redb::Error::DatabaseAlreadyOpen => DbError::InUse { path },
        redb::Error::Corrupted(what) => DbError::Corrupt { path, what },
        redb::Error::Io(source) => DbError::Io {
            action: "access",
            path,
            source,
        },
        other => DbError::Storage {
            path,
            message: other.to_string(),
        },
    }
}
