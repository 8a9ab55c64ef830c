//! `commit confirmed` with an injectable clock: the automatic rollback, confirmation by a later
//! commit, and the deadline surviving a daemon restart (a deadline that passed while the daemon
//! was down is rolled back at start). No real waiting.

mod mgmt_harness;

use l2tpd::clock::{Clock, ManualClock};
use l2tpd::engine::Engine;
use l2tpd::mgmt::Mgmt;
use mgmt_harness::words;
use schema::mgmt::{ClientKind, ConfigureMode, Reply, Request, Revision};
use std::path::Path;
use std::sync::Arc;

const START: i64 = 1_795_500_000;

fn start(dir: &Path, clock: &ManualClock) -> Mgmt {
    let store = commit_db::RedbStore::open(dir, None, clock.now()).expect("open store");
    Mgmt::start(
        Box::new(store),
        Box::new(Engine::default()),
        Arc::new(clock.clone()),
        "router".into(),
    )
    .expect("start")
}

fn ok(m: &mut Mgmt, id: u64, r: Request) -> (Reply, Vec<String>) {
    let resp = m.handle(id, r.clone());
    match resp.result {
        Ok(reply) => (reply, resp.notices),
        Err(e) => panic!("{r:?} failed: {e:?}"),
    }
}

fn host_name(m: &mut Mgmt, id: u64) -> Option<String> {
    host_name_in(
        m,
        id,
        Request::ShowConfiguration {
            words: words("system host-name"),
            revision: Revision::Active,
        },
    )
}

/// The candidate's (`show`) host name.
fn candidate_host_name(m: &mut Mgmt, id: u64) -> Option<String> {
    host_name_in(
        m,
        id,
        Request::Show {
            words: words("system host-name"),
        },
    )
}

fn host_name_in(m: &mut Mgmt, id: u64, show: Request) -> Option<String> {
    let (reply, _) = ok(m, id, show);
    let Reply::Config { tree, .. } = reply else {
        panic!("{reply:?}")
    };
    tree.values.first().map(|v| v.to_string())
}

fn commit_host(m: &mut Mgmt, id: u64, name: &str, confirmed: Option<u32>) -> Vec<String> {
    ok(
        m,
        id,
        Request::Set {
            words: schema::edit::Arg::all_bare(&words(&format!("system host-name {name}"))),
        },
    );
    let (reply, _) = ok(
        m,
        id,
        Request::Commit {
            check: false,
            confirmed,
            comment: None,
            and_quit: false,
        },
    );
    let Reply::Done { messages } = reply else {
        panic!("{reply:?}")
    };
    messages
}

/// A daemon at START in `dir` that committed `r1`, then `r2` with `commit confirmed N`.
fn r2_confirmed(dir: &Path, clock: &ManualClock, minutes: u32) -> (Mgmt, u64) {
    let mut m = start(dir, clock);
    let id = session(&mut m);
    commit_host(&mut m, id, "r1", None);
    commit_host(&mut m, id, "r2", Some(minutes));
    (m, id)
}

fn session(m: &mut Mgmt) -> u64 {
    let (id, _) = m
        .open_session(0, "root".into(), ClientKind::Cli, None, 1)
        .expect("session");
    ok(
        m,
        id,
        Request::Configure {
            mode: ConfigureMode::Shared,
        },
    );
    id
}

#[test]
fn unconfirmed_commit_rolls_back_after_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(START);
    let mut m = start(dir.path(), &clock);
    let id = session(&mut m);
    commit_host(&mut m, id, "r1", None);
    let messages = commit_host(&mut m, id, "r2", Some(1));
    assert_eq!(
        messages,
        vec![
            "commit confirmed will be automatically rolled back in 1 minutes unless confirmed",
            "commit complete"
        ]
    );
    assert_eq!(host_name(&mut m, id).as_deref(), Some("r2"));

    clock.advance(59);
    assert!(!m.tick(), "no rollback before the deadline");
    assert_eq!(host_name(&mut m, id).as_deref(), Some("r2"));

    clock.advance(1);
    assert!(m.tick(), "rollback at the deadline");
    // Every shell is told at once (the server sends broadcasts as they come), not with the
    // response to its next command.
    assert_eq!(
        m.take_broadcasts(),
        ["Commit was not confirmed; automatic rollback complete."]
    );
    let (_, notices) = ok(&mut m, id, Request::ShowSystemCommit);
    assert!(
        !notices
            .iter()
            .any(|n| n.starts_with("Commit was not confirmed")),
        "{notices:?}"
    );
    assert_eq!(host_name(&mut m, id).as_deref(), Some("r1"));
    let (Reply::Commits { entries, .. }, _) = ok(&mut m, id, Request::ShowSystemCommit) else {
        panic!()
    };
    assert_eq!(
        entries[0].client,
        ClientKind::Other,
        "the rollback is logged as a commit via other"
    );
    assert!(!m.tick(), "one rollback only");
}

#[test]
fn a_later_commit_or_commit_check_confirms() {
    for confirm_with_check in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(START);
        let mut m = start(dir.path(), &clock);
        let id = session(&mut m);
        commit_host(&mut m, id, "r1", None);
        commit_host(&mut m, id, "r2", Some(5));
        let (_, notices) = ok(&mut m, id, Request::ShowSystemUsers);
        assert!(notices
            .iter()
            .any(|n| n.starts_with("# commit confirmed will be rolled back in 5 minutes")));
        let check = confirm_with_check;
        ok(
            &mut m,
            id,
            Request::Commit {
                check,
                confirmed: None,
                comment: None,
                and_quit: false,
            },
        );
        clock.advance(3600);
        assert!(!m.tick(), "confirmed (check={check}): no rollback");
        assert_eq!(host_name(&mut m, id).as_deref(), Some("r2"));
    }
}

#[test]
fn deadline_survives_restart_and_rolls_back_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(START);
    r2_confirmed(dir.path(), &clock, 10);
    // Restart before the deadline: still pending, rolled back when the time comes.
    clock.advance(300);
    {
        let mut m = start(dir.path(), &clock);
        let id = session(&mut m);
        assert_eq!(host_name(&mut m, id).as_deref(), Some("r2"));
        assert!(!m.tick());
    }
    // The daemon is down when the deadline passes: the rollback happens at start.
    clock.advance(600);
    let mut m = start(dir.path(), &clock);
    let id = session(&mut m);
    assert_eq!(host_name(&mut m, id).as_deref(), Some("r1"));
    assert!(clock.now() > START);
}

/// Junos' automatic rollback is `rollback 1` and `commit`: the candidate becomes the
/// rolled-back configuration. Edits made on top of the unconfirmed commit go with it, or a
/// later `commit` would quietly bring the unconfirmed configuration back.
#[test]
fn the_rollback_resets_the_candidate() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(START);
    let (mut m, id) = r2_confirmed(dir.path(), &clock, 1);
    ok(
        &mut m,
        id,
        Request::Set {
            words: schema::edit::Arg::all_bare(&words("system host-name r3")),
        },
    );
    assert_eq!(candidate_host_name(&mut m, id).as_deref(), Some("r3"));
    clock.advance(60);
    assert!(m.tick());
    assert_eq!(candidate_host_name(&mut m, id).as_deref(), Some("r1"));
    // And after a restart (the candidate is kept in the store).
    drop(m);
    let mut m = start(dir.path(), &clock);
    let id = session(&mut m);
    assert_eq!(candidate_host_name(&mut m, id).as_deref(), Some("r1"));
}

/// The minutes left before the rollback, as `show system commit` gives them.
fn rollback_in(m: &mut Mgmt, id: u64) -> Option<u32> {
    let (Reply::Commits { entries, .. }, _) = ok(m, id, Request::ShowSystemCommit) else {
        panic!()
    };
    entries[0].confirmed_minutes
}

/// The banner counts the minutes down, and so does `show system commit` (`rollback in
/// Nmins`), before and after a restart of the daemon.
#[test]
fn the_time_left_counts_down_across_a_restart() {
    let banner = |notices: &[String]| -> String {
        notices
            .iter()
            .find(|n| n.starts_with("# commit confirmed"))
            .cloned()
            .unwrap_or_default()
    };
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(START);
    {
        let (mut m, id) = r2_confirmed(dir.path(), &clock, 10);
        assert_eq!(rollback_in(&mut m, id), Some(10));
        clock.advance(150);
        let (_, notices) = ok(&mut m, id, Request::ShowSystemUsers);
        assert_eq!(
            banner(&notices),
            "# commit confirmed will be rolled back in 8 minutes"
        );
        assert_eq!(rollback_in(&mut m, id), Some(8));
    }
    clock.advance(300);
    let mut m = start(dir.path(), &clock);
    let id = session(&mut m);
    let (_, notices) = ok(&mut m, id, Request::ShowSystemUsers);
    assert_eq!(
        banner(&notices),
        "# commit confirmed will be rolled back in 3 minutes"
    );
    assert_eq!(rollback_in(&mut m, id), Some(3));
}
