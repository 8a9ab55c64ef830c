//! A database written before the configuration trees were stored compressed must still read:
//! its revisions for `rollback N` and `show | compare rollback N`, the active configuration at
//! restart, and a saved candidate.

mod common;

use commit_db::{ConfigStore, DbError, DATABASE_FILE_NAME};
use common::{committed, config, meta, open, text, T0};
use redb::{ReadableTable, TableDefinition};
use schema::Node;

// The store's layout, repeated here on purpose: this test plays the older daemon.
const SNAPSHOTS: TableDefinition<u64, &[u8]> = TableDefinition::new("snapshots");
const STATE: TableDefinition<&str, &[u8]> = TableDefinition::new("state");

/// FNV-1a 64, the stored values' checksum.
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A value as the older daemon wrote every value: the checksum, then plain JSON.
fn old_layout(tree: &Node) -> Vec<u8> {
    let json = serde_json::to_vec(tree).unwrap();
    let mut bytes = fnv1a64(&json).to_le_bytes().to_vec();
    bytes.extend_from_slice(&json);
    bytes
}

/// Rewrites every stored snapshot as the older daemon would have written it, with the tree
/// `tree_of(sequence)`, and stores `candidate` as the shared candidate.
fn rewrite_the_old_way(dir: &std::path::Path, tree_of: impl Fn(u64) -> Node, candidate: &Node) {
    let db = redb::Database::open(dir.join(DATABASE_FILE_NAME)).unwrap();
    let txn = db.begin_write().unwrap();
    {
        let mut snapshots = txn.open_table(SNAPSHOTS).unwrap();
        let keys: Vec<u64> = snapshots
            .iter()
            .unwrap()
            .map(|item| item.unwrap().0.value())
            .collect();
        for key in keys {
            let old = old_layout(&tree_of(key));
            snapshots.insert(key, old.as_slice()).unwrap();
        }
        let mut state = txn.open_table(STATE).unwrap();
        let old = old_layout(candidate);
        state.insert("shared-candidate", old.as_slice()).unwrap();
    }
    txn.commit().unwrap();
}

#[test]
fn revisions_written_uncompressed_still_read() {
    let dir = committed(3);
    // Sequence 1 is the initial empty configuration; 2, 3, 4 the commits of n = 1, 2, 3.
    let tree_of = |sequence: u64| match sequence {
        1 => Node::default(),
        s => config(s as u32 - 1),
    };
    rewrite_the_old_way(dir.path(), tree_of, &config(9));

    let mut store = open(dir.path());
    assert_eq!(store.active().unwrap().1, config(3));
    for (index, n) in [(1, 2), (2, 1)] {
        assert_eq!(store.revision(index).unwrap().unwrap().1, config(n));
    }
    assert_eq!(store.revision(3).unwrap().unwrap().1, Node::default());
    assert_eq!(store.shared_candidate().unwrap(), Some(config(9)));

    // A new commit (stored compressed) sits on top of the old ones; both kinds read.
    store
        .commit(&config(4), &text(4), meta("bob", T0 + 1))
        .unwrap();
    assert_eq!(store.active().unwrap().1, config(4));
    assert_eq!(store.revision(1).unwrap().unwrap().1, config(3));
    assert_eq!(store.history().unwrap().len(), 5);
}

#[test]
fn a_damaged_compressed_revision_is_reported_not_loaded() {
    let dir = committed(1);
    // Garbage in the compressed body behind a checksum that matches it: only the
    // decompressor can tell.
    let db = redb::Database::open(dir.path().join(DATABASE_FILE_NAME)).unwrap();
    let txn = db.begin_write().unwrap();
    let sequence = {
        let mut snapshots = txn.open_table(SNAPSHOTS).unwrap();
        let (sequence, mut value) = {
            let (k, v) = snapshots.last().unwrap().unwrap();
            (k.value(), v.value().to_vec())
        };
        assert_eq!(value[8], 0x01, "stored compressed");
        for b in value.iter_mut().skip(17) {
            *b = 0xa5;
        }
        let sum = fnv1a64(&value[8..]);
        value[..8].copy_from_slice(&sum.to_le_bytes());
        snapshots.insert(sequence, value.as_slice()).unwrap();
        sequence
    };
    txn.commit().unwrap();
    drop(db);

    let store = open(dir.path());
    let err = store.active().unwrap_err();
    assert!(matches!(err, DbError::Corrupt { .. }), "{err:?}");
    let message = err.to_string();
    let expected = format!("is corrupt: revision 0 (commit {sequence}) undecompressible contents");
    assert!(message.contains(&expected), "{message}");
    // The revision before it is untouched.
    assert_eq!(store.revision(1).unwrap().unwrap().1, Node::default());
}
