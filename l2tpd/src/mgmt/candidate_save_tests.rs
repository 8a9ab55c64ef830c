//! When the ticks write a changed candidate to the store: one tick after the first that saw
//! it unsaved, so a `load override` and the `commit` that follows it write no candidate (the
//! write of a whole loaded configuration fell between the two and delayed the commit, issue
//! 15 item 4), while an edit left uncommitted still reaches the store within two ticks, and
//! at once when the daemon stops.

use super::commit_keeps_tests::{done, load_override, start, COMMIT};
use super::*;
use schema::mgmt::{ConfigureMode, Request};
use schema::NodeId;

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
    let words = ["system", "host-name", name]
        .map(schema::edit::Arg::from)
        .to_vec();
    done(m, id, Request::Set { words });
}

/// The host name of the shared candidate the store holds, `None` if it holds none.
/// `load override` of a configuration that only names the host.
fn load_host_name(m: &mut Mgmt, id: SessionId, name: &str) {
    load_override(m, id, format!("system {{\n    host-name {name};\n}}\n"));
}

fn stored_host_name(m: &Mgmt) -> Option<String> {
    let tree = m.store.shared_candidate().expect("read the store")?;
    let path = [NodeId::new("system"), NodeId::new("host-name")];
    Some(tree.get(&path)?.values.first()?.to_string())
}

#[test]
fn a_load_committed_before_the_second_tick_writes_no_candidate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut m = start(dir.path());
    let id = shared_session(&mut m);
    load_host_name(&mut m, id, "loaded");
    m.tick();
    assert_eq!(stored_host_name(&m), None, "written at the first tick");
    done(&mut m, id, COMMIT);
    m.tick();
    m.tick();
    assert_eq!(stored_host_name(&m), None);
    assert_eq!(m.host_name(), "loaded");
}

/// The flag "a candidate was unsaved at the last tick" belonged to the candidate the commit
/// cleared: without a tick between that commit and the next `load override`, the first tick
/// after the new load wrote the new candidate at once (a 300,000-line JSON and database write,
/// 35-45 ms of the next commit's time in every other run of the configuration bench; docs/
/// performance.md, "Stage h72").
#[test]
fn a_load_after_a_commit_without_a_tick_between_is_not_written_at_the_first_tick() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut m = start(dir.path());
    let id = shared_session(&mut m);
    load_host_name(&mut m, id, "first");
    // This tick sees the first load's candidate unsaved; the commit then clears it.
    m.tick();
    done(&mut m, id, COMMIT);
    load_host_name(&mut m, id, "second");
    m.tick();
    assert_eq!(
        stored_host_name(&m),
        None,
        "written at the first tick after its load"
    );
    m.tick();
    assert_eq!(stored_host_name(&m).as_deref(), Some("second"));
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
