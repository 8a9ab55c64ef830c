mod common;

use commit_db::{ConfigStore, RedbStore, HISTORY_DEPTH, RECOVERY_FILE_NAME};
use common::{config, meta, open, text, T0};
use schema::mgmt::ClientKind;
use schema::Node;

#[test]
fn new_database_has_the_empty_initial_revision() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let history = store.history().unwrap();
    assert_eq!(history.len(), 1);
    let first = &history[0];
    assert_eq!(
        (first.index, first.time, first.user.as_str()),
        (0, T0, "root")
    );
    assert_eq!(first.client, ClientKind::Other);
    assert_eq!(first.comment.as_deref(), Some("initial configuration"));
    assert_eq!(first.confirmed_minutes, None);
    assert_eq!(store.active().unwrap().1, Node::default());
    assert!(store.revision(1).unwrap().is_none());
}

#[test]
fn new_database_starts_from_the_given_initial_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStore::open(dir.path(), Some((&config(7), &text(7))), T0).unwrap();
    assert_eq!(store.active().unwrap().1, config(7));
    assert_eq!(
        std::fs::read_to_string(dir.path().join(RECOVERY_FILE_NAME)).unwrap(),
        text(7)
    );
    drop(store);
    // The initial configuration applies to a new database only.
    let store = RedbStore::open(dir.path(), Some((&config(8), &text(8))), T0 + 5).unwrap();
    assert_eq!(store.active().unwrap().1, config(7));
    assert_eq!(store.history().unwrap().len(), 1);
}

#[test]
fn rollback_numbering_and_pruning_at_fifty() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    for n in 1..=60u32 {
        let mut m = meta(&format!("user{n}"), T0 + i64::from(n));
        m.comment = Some(format!("change {n}"));
        let entry = store.commit(&config(n), &text(n), m).unwrap().entry;
        assert_eq!(
            (entry.index, entry.user.as_str()),
            (0, format!("user{n}").as_str())
        );
    }
    let history = store.history().unwrap();
    assert_eq!(history.len(), HISTORY_DEPTH);
    for (i, entry) in history.iter().enumerate() {
        let n = 60 - i as u32;
        assert_eq!(entry.index, i as u32);
        assert_eq!(entry.user, format!("user{n}"));
        assert_eq!(entry.time, T0 + i64::from(n));
        assert_eq!(entry.comment, Some(format!("change {n}")));
    }
    // Rollback 49 is the 11th commit: the initial revision and commits 1..=10 are gone.
    let (entry, tree) = store.revision(49).unwrap().unwrap();
    assert_eq!((entry.index, entry.user.as_str()), (49, "user11"));
    assert_eq!(tree, config(11));
    assert!(store.revision(50).unwrap().is_none());
    assert!(store.revision(u32::MAX).unwrap().is_none());
    let (active_entry, active) = store.active().unwrap();
    assert_eq!((active_entry.index, active), (0, config(60)));
    assert_eq!(store.revision(3).unwrap().unwrap().1, config(57));
}

#[test]
fn reopening_keeps_history_candidates_and_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let before = {
        let mut store = open(dir.path());
        for n in 1..=3 {
            store
                .commit(&config(n), &text(n), meta("alice", T0 + i64::from(n)))
                .unwrap();
        }
        store.set_shared_candidate(Some(&config(99))).unwrap();
        store
            .set_private_candidate("s1", Some(&config(98)))
            .unwrap();
        store.history().unwrap()
    };
    let mut store = open(dir.path());
    assert_eq!(store.history().unwrap(), before);
    assert_eq!(store.active().unwrap().1, config(3));
    assert_eq!(store.shared_candidate().unwrap(), Some(config(99)));
    assert_eq!(store.private_candidate("s1").unwrap(), Some(config(98)));
    // Sequence numbers continue after a reopen: the next commit is the newest.
    store
        .commit(&config(4), &text(4), meta("bob", T0 + 10))
        .unwrap();
    assert_eq!(store.revision(1).unwrap().unwrap().1, config(3));
    assert_eq!(store.active().unwrap().0.user, "bob");
}

#[test]
fn commit_writes_the_recovery_copy_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let path = dir.path().join(RECOVERY_FILE_NAME);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
    for n in 1..=3 {
        store
            .commit(&config(n), &text(n), meta("alice", T0))
            .unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text(n));
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|name| name != "config.db" && name != RECOVERY_FILE_NAME)
            .collect();
        assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
    }
}

#[test]
fn commit_survives_a_failed_recovery_copy() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    // A directory where the copy should go makes the rename fail.
    let path = dir.path().join(RECOVERY_FILE_NAME);
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    std::fs::write(path.join("keep"), "x").unwrap();
    let committed = store
        .commit(&config(1), &text(1), meta("alice", T0))
        .unwrap();
    assert_eq!(committed.entry.index, 0);
    let err = committed.recovery_copy.unwrap_err().to_string();
    assert!(err.contains(RECOVERY_FILE_NAME), "{err}");
    assert_eq!(store.active().unwrap().1, config(1));
}

#[test]
fn missing_state_directory_is_an_error_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir");
    let err = RedbStore::open(&missing, None, T0)
        .err()
        .expect("must fail")
        .to_string();
    assert!(err.contains("no-such-dir"), "{err}");
}
