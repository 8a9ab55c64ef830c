//! Damage to the file must surface as a `DbError`, never as a panic or a wrong configuration.

mod common;

use commit_db::{ConfigStore, DbError, RedbStore, DATABASE_FILE_NAME};
use common::{committed, config, open, T0};
use redb::{ReadableDatabase, ReadableTable, TableDefinition};

// The store's layout, repeated here on purpose: this test plays an outside agent that
// alters the file.
const SNAPSHOTS: TableDefinition<u64, &[u8]> = TableDefinition::new("snapshots");
const COMMITS: TableDefinition<u64, &[u8]> = TableDefinition::new("commits");

/// Flips one bit in the stored value of the revision `nth_newest` of `table`.
fn flip_bit(dir: &std::path::Path, table: TableDefinition<u64, &[u8]>, nth_newest: usize) -> u64 {
    let db = redb::Database::open(dir.join(DATABASE_FILE_NAME)).unwrap();
    let txn = db.begin_write().unwrap();
    let key = {
        let mut t = txn.open_table(table).unwrap();
        let (key, mut value) = {
            let (k, v) = t.iter().unwrap().rev().nth(nth_newest).unwrap().unwrap();
            (k.value(), v.value().to_vec())
        };
        let last = value.len() - 2;
        value[last] ^= 0x04;
        t.insert(key, value.as_slice()).unwrap();
        key
    };
    txn.commit().unwrap();
    key
}

#[test]
fn damaged_snapshot_is_reported_by_revision() {
    let dir = committed(3);
    let sequence = flip_bit(dir.path(), SNAPSHOTS, 2);
    let store = open(dir.path());
    let err = store.revision(2).unwrap_err();
    assert!(matches!(err, DbError::Corrupt { .. }), "{err:?}");
    let message = err.to_string();
    let expected = format!("is corrupt: revision 2 (commit {sequence}) checksum mismatch");
    assert!(message.contains(&expected), "{message}");
    assert!(message.contains(DATABASE_FILE_NAME), "{message}");
    // The other revisions and the history are still readable.
    assert_eq!(store.revision(1).unwrap().unwrap().1, config(2));
    assert_eq!(store.active().unwrap().1, config(3));
    assert_eq!(store.history().unwrap().len(), 4);
}

#[test]
fn damaged_commit_record_fails_history_cleanly() {
    let dir = committed(1);
    flip_bit(dir.path(), COMMITS, 0);
    let store = open(dir.path());
    let message = store.history().unwrap_err().to_string();
    assert!(
        message.contains("revision 0") && message.contains("metadata checksum mismatch"),
        "{message}"
    );
    assert!(store.active().is_err());
}

#[test]
fn missing_snapshot_is_refused_at_open() {
    let dir = committed(1);
    {
        let db = redb::Database::open(dir.path().join(DATABASE_FILE_NAME)).unwrap();
        let txn = db.begin_write().unwrap();
        txn.open_table(SNAPSHOTS).unwrap().pop_first().unwrap();
        txn.commit().unwrap();
    }
    let err = RedbStore::open(dir.path(), None, T0)
        .err()
        .expect("open must fail");
    assert!(matches!(err, DbError::Corrupt { .. }), "{err:?}");
}

/// A byte flipped in the file itself, outside redb: redb's page checksums refuse the file at
/// open (rather than panicking later), and the error points at the recovery copy.
#[test]
fn byte_flipped_on_disk_is_refused_at_open() {
    let dir = committed(1);
    let path = dir.path().join(DATABASE_FILE_NAME);
    // The snapshot is stored compressed: find its stored bytes in the file.
    let stored = {
        let db = redb::Database::open(&path).unwrap();
        let txn = db.begin_read().unwrap();
        let snapshots = txn.open_table(SNAPSHOTS).unwrap();
        let (_, value) = snapshots.last().unwrap().unwrap();
        value.value().to_vec()
    };
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes
        .windows(stored.len())
        .position(|w| w == stored.as_slice())
        .expect("snapshot stored in one piece");
    bytes[at + stored.len() / 2] ^= 0x20;
    std::fs::write(&path, &bytes).unwrap();

    let outcome = std::panic::catch_unwind(|| RedbStore::open(dir.path(), None, T0).map(drop));
    let err = outcome
        .expect("opening a damaged file panicked")
        .expect_err("damaged file opened");
    assert!(matches!(err, DbError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("juniper.conf"), "{err}");
}

#[test]
fn second_open_is_refused_while_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let _store = open(dir.path());
    let err = RedbStore::open(dir.path(), None, T0)
        .err()
        .expect("second open must fail");
    assert!(matches!(err, DbError::InUse { .. }), "{err:?}");
    assert!(err.to_string().contains("already in use"), "{err}");
}
