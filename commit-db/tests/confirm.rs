mod common;

use commit_db::{ConfigStore, ConfirmDeadline, PendingConfirm};
use common::{config, meta, open, text, T0};

fn commit_confirmed(store: &mut impl ConfigStore, n: u32, minutes: u32, now: i64) {
    let mut m = meta("alice", now);
    m.confirm_deadline = Some(ConfirmDeadline {
        at: now + i64::from(minutes) * 60,
        minutes,
    });
    let entry = store.commit(&config(n), &text(n), m).unwrap().entry;
    assert_eq!(entry.confirmed_minutes, Some(minutes));
}

#[test]
fn pending_confirmation_survives_reopening_and_confirm_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = open(dir.path());
        assert_eq!(store.pending_confirm().unwrap(), None);
        commit_confirmed(&mut store, 1, 5, T0);
    }
    let mut store = open(dir.path());
    let pending = store
        .pending_confirm()
        .unwrap()
        .expect("pending after reopen");
    assert_eq!((pending.deadline, pending.minutes), (T0 + 300, 5));
    assert_eq!(store.history().unwrap()[0].confirmed_minutes, Some(5));
    assert_eq!(
        store.revision(0).unwrap().unwrap().0.confirmed_minutes,
        Some(5)
    );

    assert_eq!(store.confirm().unwrap(), Some(pending));
    assert_eq!(store.pending_confirm().unwrap(), None);
    assert_eq!(store.history().unwrap()[0].confirmed_minutes, None);
    assert_eq!(store.confirm().unwrap(), None, "nothing left to confirm");
    drop(store);
    assert_eq!(
        open(dir.path()).pending_confirm().unwrap(),
        None,
        "confirmation is durable"
    );
}

#[test]
fn repeated_commit_confirmed_moves_the_deadline_to_the_new_revision() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    commit_confirmed(&mut store, 1, 10, T0);
    commit_confirmed(&mut store, 2, 3, T0 + 60);
    let pending = store.pending_confirm().unwrap().unwrap();
    assert_eq!((pending.deadline, pending.minutes), (T0 + 60 + 180, 3));
    let history = store.history().unwrap();
    assert_eq!(history[0].confirmed_minutes, Some(3));
    assert_eq!(history[1].confirmed_minutes, None);
}

#[test]
fn plain_commit_confirms_and_sequence_names_the_revision() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    commit_confirmed(&mut store, 1, 10, T0);
    let PendingConfirm {
        sequence: first, ..
    } = store.pending_confirm().unwrap().unwrap();
    commit_confirmed(&mut store, 2, 10, T0);
    let PendingConfirm {
        sequence: second, ..
    } = store.pending_confirm().unwrap().unwrap();
    assert!(second > first);
    // The daemon's automatic rollback is a plain commit of revision 1.
    let (_, previous) = store.revision(1).unwrap().unwrap();
    let mut m = meta("root", T0 + 600);
    m.comment = Some("automatic rollback".into());
    store.commit(&previous, &text(1), m).unwrap();
    assert_eq!(store.pending_confirm().unwrap(), None);
    assert_eq!(store.active().unwrap().1, config(1));
    assert!(store
        .history()
        .unwrap()
        .iter()
        .all(|e| e.confirmed_minutes.is_none()));
}
