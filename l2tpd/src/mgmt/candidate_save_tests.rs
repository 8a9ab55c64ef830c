//! When the ticks write a changed candidate to the store: one tick after the first that saw
//! it unsaved, so a `load override` and the `commit` that follows it write no candidate (the
//! write of a whole loaded configuration fell between the two and delayed the commit, issue
//! 15 item 4), while an edit left uncommitted still reaches the store within two ticks, and
//! at once when the daemon stops.

use super::*;
use crate::clock::ManualClock;
use crate::engine::Engine;
use schema::mgmt::{ConfigureMode, LoadMode, Reply, Request};
use schema::NodeId;

fn start(dir: &std::path::Path) -> Mgmt {
    let clock = ManualClock::new(1_795_500_000);
    let store = commit_db::RedbStore::open(dir, None, clock.now()).expect("open store");
    Mgmt::start(
        Box::new(store),
        Box::new(Engine::default()),
        Arc::new(clock),
        "router".into(),
    )
    .expect("start")
}

fn done(m: &mut Mgmt, id: SessionId, request: Request) {
    let reply = m.handle(id, request).result;
    assert!(
        matches!(reply, Ok(Reply::Done { .. } | Reply::Configured { .. })),
        "{reply:?}"
    );
}

fn shared_session(m: &mut Mgmt) -> SessionId {
    let (id, _) = m
        .open_session(0, "root".into(), schema::mgmt::ClientKind::Cli, None, 1)
        .expect("session");
    done(
        m,
        id,
        Request::Configure {
            mode: ConfigureMode::Shared,
        },
    );
    id
}

fn set_host_name(m: &mut Mgmt, id: SessionId, name: &str) {
    let words = ["system", "host-name", name].map(String::from).to_vec();
    done(m, id, Request::Set { words });
}

/// The host name of the shared candidate the store holds, `None` if it holds none.
fn stored_host_name(m: &Mgmt) -> Option<String> {
    let tree = m.store.shared_candidate().expect("read the store")?;
    let path = [NodeId::new("system"), NodeId::new("host-name")];
    Some(tree.get(&path)?.values.first()?.to_string())
}

const COMMIT: Request = Request::Commit {
    check: false,
    confirmed: None,
    comment: None,
    and_quit: false,
};

#[test]
fn a_load_committed_before_the_second_tick_writes_no_candidate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut m = start(dir.path());
    let id = shared_session(&mut m);
    let text = "system {\n    host-name loaded;\n}\n".to_string();
    let (mode, relative) = (LoadMode::Override, None);
    done(
        &mut m,
        id,
        Request::Load {
            mode,
            text,
            relative,
        },
    );
    m.tick();
    assert_eq!(stored_host_name(&m), None, "written at the first tick");
    done(&mut m, id, COMMIT);
    m.tick();
    m.tick();
    assert_eq!(stored_host_name(&m), None);
    assert_eq!(m.host_name(), "loaded");
}

#[test]
fn an_uncommitted_edit_is_written_by_the_second_tick() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut m = start(dir.path());
    let id = shared_session(&mut m);
    set_host_name(&mut m, id, "edited");
    m.tick();
    m.tick();
    assert_eq!(stored_host_name(&m).as_deref(), Some("edited"));
    // Edits that keep coming are written too, never put off for good.
    for (i, name) in ["e1", "e2", "e3", "e4"].into_iter().enumerate() {
        set_host_name(&mut m, id, name);
        m.tick();
        if i % 2 == 1 {
            assert_eq!(stored_host_name(&m).as_deref(), Some(name));
        }
    }
}

#[test]
fn a_stopping_daemon_writes_an_unsaved_candidate_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let mut m = start(dir.path());
        let id = shared_session(&mut m);
        set_host_name(&mut m, id, "edited");
        m.tick();
        m.save_candidates();
    }
    let m = start(dir.path());
    assert_eq!(stored_host_name(&m).as_deref(), Some("edited"));
}
