//! Login classes are checked on every request against the configuration in force, not only
//! at hello: a commit that downgrades or removes a user takes effect in that user's sessions
//! already open (Junos re-reads the class of a logged-in user at commit).

mod mgmt_harness;

use l2tpd::clock::{Clock, ManualClock};
use l2tpd::engine::Engine;
use l2tpd::mgmt::Mgmt;
use mgmt_harness::words;
use schema::mgmt::{ClientKind, ConfigureMode, MgmtError, Request, Revision};
use std::sync::Arc;

const ALICE_UID: u32 = 1000;

fn set(line: &str) -> Request {
    Request::Set {
        words: schema::edit::Arg::all_bare(&words(line)),
    }
}

fn commit() -> Request {
    Request::Commit {
        check: false,
        confirmed: None,
        comment: None,
        and_quit: false,
    }
}

fn configure() -> Request {
    Request::Configure {
        mode: ConfigureMode::Shared,
    }
}

fn must(m: &mut Mgmt, id: u64, r: Request) {
    let resp = m.handle(id, r.clone());
    assert!(resp.result.is_ok(), "{r:?}: {:?}", resp.result);
}

fn denied(m: &mut Mgmt, id: u64, r: Request) -> String {
    match m.handle(id, r.clone()).result {
        Err(MgmtError::Denied { message }) => message,
        other => panic!("{r:?} should be denied, got {other:?}"),
    }
}

fn start(dir: &std::path::Path) -> (Mgmt, u64, u64) {
    let clock = ManualClock::new(1_795_500_000);
    let store = commit_db::RedbStore::open(dir, None, clock.now()).expect("open store");
    let mut m = Mgmt::start(
        Box::new(store),
        Box::new(Engine::default()),
        Arc::new(clock),
        "router".into(),
    )
    .expect("start");
    let (root, _) = m
        .open_session(0, "root".into(), ClientKind::Cli, None, 1)
        .unwrap();
    must(&mut m, root, configure());
    must(
        &mut m,
        root,
        set("system login user alice class super-user"),
    );
    must(&mut m, root, commit());
    let (alice, _) = m
        .open_session(ALICE_UID, "alice".into(), ClientKind::Cli, None, 2)
        .unwrap();
    (m, root, alice)
}

#[test]
fn a_downgrade_takes_effect_in_open_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let (mut m, root, alice) = start(dir.path());
    must(&mut m, alice, configure());
    must(&mut m, alice, set("system host-name by-alice"));

    must(&mut m, root, set("system login user alice class operator"));
    must(&mut m, root, commit());

    let message = denied(&mut m, alice, set("system host-name again"));
    assert_eq!(message, "permission denied");
    denied(&mut m, alice, commit());
    // Leaving configuration mode is still allowed; entering it again is not.
    must(&mut m, alice, Request::ExitConfiguration { confirm: true });
    denied(&mut m, alice, configure());
    // What an operator may do, she still may.
    must(&mut m, alice, Request::ShowSystemUsers);
}

#[test]
fn a_removed_user_is_refused_everything() {
    let dir = tempfile::tempdir().unwrap();
    let (mut m, root, alice) = start(dir.path());
    must(&mut m, alice, Request::ShowSystemUsers);

    must(
        &mut m,
        root,
        Request::Delete {
            words: schema::edit::Arg::all_bare(&words("system login user alice")),
        },
    );
    must(&mut m, root, set("system login user bob class read-only"));
    must(&mut m, root, commit());

    let message = denied(&mut m, alice, Request::ShowSystemUsers);
    assert!(message.contains("not configured"), "{message}");
    denied(
        &mut m,
        alice,
        Request::ShowConfiguration {
            words: vec![],
            revision: Revision::Active,
        },
    );
    denied(&mut m, alice, configure());
}
