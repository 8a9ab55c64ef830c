//! `juniper.conf`, the text copy of the active configuration: written afresh from the database
//! at every start, and a commit whose copy cannot be written still completes (the database is
//! authoritative) but says so, with a `warning:` line as Junos prints one.

use l2tpd::clock::{Clock, ManualClock};
use l2tpd::engine::Engine;
use l2tpd::mgmt::Mgmt;
use schema::mgmt::{ClientKind, ConfigureMode, Reply, Request};
use std::path::Path;
use std::sync::Arc;

const START: i64 = 1_795_500_000;

fn start(dir: &Path) -> Mgmt {
    let clock = ManualClock::new(START);
    let store = commit_db::RedbStore::open(dir, None, clock.now()).expect("open store");
    Mgmt::start(
        Box::new(store),
        Box::new(Engine::default()),
        Arc::new(clock),
        "router".into(),
    )
    .expect("start")
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

fn ok(m: &mut Mgmt, id: u64, r: Request) -> Reply {
    let resp = m.handle(id, r.clone());
    resp.result
        .unwrap_or_else(|e| panic!("{r:?} failed: {e:?}"))
}

/// Commits `system host-name NAME` as root and returns the commit's messages.
fn commit_host_name(m: &mut Mgmt, name: &str) -> Vec<String> {
    let (id, _) = m
        .open_session(0, "root".into(), ClientKind::Cli, None, 1)
        .expect("session");
    let mode = ConfigureMode::Shared;
    ok(m, id, Request::Configure { mode });
    let set = words(&format!("system host-name {name}"));
    ok(m, id, Request::Set { words: set });
    let commit = Request::Commit {
        check: false,
        confirmed: None,
        comment: None,
        and_quit: false,
    };
    let Reply::Done { messages } = ok(m, id, commit) else {
        panic!("commit did not answer Done")
    };
    m.close_session(id);
    messages
}

#[test]
fn start_rewrites_the_copy_from_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join(commit_db::RECOVERY_FILE_NAME);
    {
        let mut m = start(dir.path());
        commit_host_name(&mut m, "r1");
    }
    std::fs::write(&copy, "edited by hand\n").unwrap();
    drop(start(dir.path()));
    let text = std::fs::read_to_string(&copy).unwrap();
    assert!(text.contains("host-name r1;"), "{text}");

    std::fs::remove_file(&copy).unwrap();
    drop(start(dir.path()));
    let text = std::fs::read_to_string(&copy).unwrap();
    assert!(text.contains("host-name r1;"), "{text}");
}

#[test]
fn commit_whose_copy_fails_completes_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = start(dir.path());
    // A directory where the copy belongs: the rename over it fails.
    let copy = dir.path().join(commit_db::RECOVERY_FILE_NAME);
    let _ = std::fs::remove_file(&copy);
    std::fs::create_dir(&copy).unwrap();
    std::fs::write(copy.join("keep"), "x").unwrap();

    let messages = commit_host_name(&mut m, "r2");
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].starts_with("warning: ") && messages[0].contains("juniper.conf"),
        "{messages:?}"
    );
    assert_eq!(messages[1], "commit complete");
    assert_eq!(
        m.active()
            .get(&[
                schema::NodeId::new("system"),
                schema::NodeId::new("host-name")
            ])
            .map(|n| n.values.clone()),
        Some(vec!["r2".to_string()])
    );
}
