//! `commit at` with an injectable clock: checked at once, committed by the tick at its time
//! and not before, the configuration read-only meanwhile, and `configure exclusive` not
//! discarding what it will commit. No real waiting.

mod mgmt_harness;

use l2tpd::clock::{Clock, ManualClock};
use l2tpd::engine::Engine;
use l2tpd::mgmt::Mgmt;
use mgmt_harness::words;
use schema::mgmt::{ClientKind, ConfigureMode, MgmtError, Reply, Request, Revision};
use std::path::Path;
use std::sync::Arc;

/// 2026-11-24 06:00:00 UTC.
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

fn call(m: &mut Mgmt, id: u64, r: Request) -> Result<Reply, MgmtError> {
    m.handle(id, r).result
}

fn active_host_name(m: &mut Mgmt, id: u64) -> Option<String> {
    let Ok(Reply::Config { tree, .. }) = call(
        m,
        id,
        Request::ShowConfiguration {
            words: words("system host-name"),
            revision: Revision::Active,
        },
    ) else {
        return None;
    };
    tree.values.first().map(|v| v.to_string())
}

fn editing(m: &mut Mgmt, mode: ConfigureMode) -> u64 {
    let (id, _) = m
        .open_session(0, "root".into(), ClientKind::Cli, None, 1)
        .expect("session");
    call(m, id, Request::Configure { mode }).expect("configure");
    id
}

#[test]
fn commit_at_runs_at_its_time_and_not_before() {
    for mode in [
        ConfigureMode::Shared,
        ConfigureMode::Exclusive,
        ConfigureMode::Private,
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let clock = ManualClock::new(START);
        let mut m = start(dir.path(), &clock);
        let id = editing(&mut m, mode);
        call(
            &mut m,
            id,
            Request::Set {
                words: schema::edit::Arg::all_bare(&words("system host-name later")),
            },
        )
        .expect("set");
        let Ok(Reply::Done { messages }) = call(
            &mut m,
            id,
            Request::CommitAt {
                time: "06:00:30".into(),
                comment: Some("at half past".into()),
            },
        ) else {
            panic!("{mode:?}: commit at refused");
        };
        assert_eq!(
            messages,
            [
                "configuration check succeeds",
                "commit at will be executed at 2026-11-24 06:00:30 UTC"
            ],
            "{mode:?}"
        );
        // The session left configuration mode; another finds the configuration read-only.
        let other = editing(&mut m, ConfigureMode::Shared);
        let refused = call(
            &mut m,
            other,
            Request::Set {
                words: schema::edit::Arg::all_bare(&words("system host-name sneaky")),
            },
        );
        assert!(
            format!("{refused:?}").contains("read-only"),
            "{mode:?}: {refused:?}"
        );
        clock.advance(29);
        m.tick();
        assert_eq!(active_host_name(&mut m, other), None, "{mode:?}: too early");
        clock.advance(1);
        m.tick();
        assert_eq!(
            active_host_name(&mut m, other).as_deref(),
            Some("later"),
            "{mode:?}"
        );
        let Ok(Reply::Commits {
            entries, scheduled, ..
        }) = call(&mut m, other, Request::ShowSystemCommit)
        else {
            panic!("show system commit");
        };
        assert_eq!(scheduled, None);
        assert_eq!(entries[0].comment.as_deref(), Some("at half past"));
        assert_eq!(entries[0].time, START + 30);
        // Editable again, and nothing is left uncommitted.
        let Ok(Reply::Users { changed, .. }) = call(&mut m, other, Request::ShowSystemUsers) else {
            panic!("users");
        };
        assert!(!changed, "{mode:?}");
        call(
            &mut m,
            other,
            Request::Set {
                words: schema::edit::Arg::all_bare(&words("system host-name again")),
            },
        )
        .expect("editable again");
    }
}

#[test]
fn only_one_commit_at_and_clear_cancels_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let clock = ManualClock::new(START);
    let mut m = start(dir.path(), &clock);
    let id = editing(&mut m, ConfigureMode::Shared);
    let at = |time: &str| Request::CommitAt {
        time: time.into(),
        comment: None,
    };
    call(&mut m, id, at("2026-11-25 00:00")).expect("commit at");
    let id = editing(&mut m, ConfigureMode::Shared);
    let again = call(&mut m, id, at("2026-11-26 00:00"));
    assert!(
        format!("{again:?}").contains("already pending"),
        "{again:?}"
    );
    assert_eq!(
        call(&mut m, id, Request::ClearSystemCommit),
        Ok(Reply::Done {
            messages: vec!["Pending commit cleared".into()]
        })
    );
    clock.advance(86_400);
    m.tick();
    let Ok(Reply::Commits { entries, .. }) = call(&mut m, id, Request::ShowSystemCommit) else {
        panic!("show system commit");
    };
    assert_eq!(entries.len(), 1, "the cancelled commit never ran");
    let past = call(&mut m, id, at("05:00"));
    assert!(
        format!("{past:?}").contains("must be in the future"),
        "{past:?}"
    );
}
