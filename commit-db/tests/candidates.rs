mod common;

use commit_db::{ConfigStore, LockInfo};
use common::{config, meta, open, text, T0};

#[test]
fn shared_candidate_set_get_clear() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    assert_eq!(store.shared_candidate().unwrap(), None);
    store.set_shared_candidate(Some(&config(1))).unwrap();
    assert_eq!(store.shared_candidate().unwrap(), Some(config(1)));
    store.set_shared_candidate(Some(&config(2))).unwrap();
    assert_eq!(store.shared_candidate().unwrap(), Some(config(2)));
    store.set_shared_candidate(None).unwrap();
    assert_eq!(store.shared_candidate().unwrap(), None);
}

#[test]
fn commit_clears_the_shared_candidate_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    store.set_shared_candidate(Some(&config(1))).unwrap();
    // A private session's commit leaves the shared candidate alone.
    store.commit(&config(5), &text(5), meta("bob", T0)).unwrap();
    assert_eq!(store.shared_candidate().unwrap(), Some(config(1)));
    let mut m = meta("alice", T0 + 1);
    m.clear_shared_candidate = true;
    store.commit(&config(1), &text(1), m).unwrap();
    assert_eq!(store.shared_candidate().unwrap(), None);
}

#[test]
fn private_candidates_are_per_session_and_cleared_together() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    store
        .set_private_candidate("pid-100", Some(&config(1)))
        .unwrap();
    store
        .set_private_candidate("pid-200", Some(&config(2)))
        .unwrap();
    assert_eq!(store.private_candidate("pid-100").unwrap(), Some(config(1)));
    assert_eq!(store.private_candidate("pid-200").unwrap(), Some(config(2)));
    assert_eq!(store.private_candidate("pid-300").unwrap(), None);
    store.set_private_candidate("pid-100", None).unwrap();
    assert_eq!(store.private_candidate("pid-100").unwrap(), None);
    assert_eq!(store.private_candidate("pid-200").unwrap(), Some(config(2)));
    store
        .set_private_candidate("pid-100", Some(&config(3)))
        .unwrap();
    store.clear_private_candidates().unwrap();
    assert_eq!(store.private_candidate("pid-100").unwrap(), None);
    assert_eq!(store.private_candidate("pid-200").unwrap(), None);
    // Private candidates are separate from the shared one.
    assert_eq!(store.shared_candidate().unwrap(), None);
}

#[test]
fn exclusive_lock_set_get_clear() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    assert_eq!(store.lock().unwrap(), None);
    let lock = LockInfo {
        user: "netadmin".into(),
        pid: 4681,
        terminal: "pts/0".into(),
        since: T0,
        session: "s7".into(),
    };
    store.set_lock(Some(&lock)).unwrap();
    assert_eq!(store.lock().unwrap(), Some(lock));
    store.set_lock(None).unwrap();
    assert_eq!(store.lock().unwrap(), None);
}

/// Candidate writes are not fsynced; redb must still reuse their pages, or a session typing
/// `set` all day would grow the file by one candidate per line.
#[test]
fn repeated_candidate_writes_do_not_grow_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let mut big = config(0);
    for i in 0..2_000 {
        big.ensure(&[
            schema::NodeId::new("access"),
            schema::NodeId::entry("tunnel-profile", format!("p{i}")),
        ])
        .values
        .push("198.18.0.1");
    }
    let one_copy = serde_json::to_vec(&big).unwrap().len() as u64;
    for _ in 0..200 {
        store.set_shared_candidate(Some(&big)).unwrap();
    }
    let size = std::fs::metadata(dir.path().join("config.db"))
        .unwrap()
        .len();
    assert!(
        size < 20 * one_copy,
        "file is {size} bytes for a {one_copy}-byte candidate"
    );
    assert_eq!(store.shared_candidate().unwrap(), Some(big));
}
