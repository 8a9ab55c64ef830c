//! The management plane on a state directory, driven directly (no socket), with a manual
//! clock: shared by the tests that play whole configuration sessions.
// Each test crate uses a different part of it.
#![allow(dead_code)]

use l2tpd::clock::{Clock, ManualClock};
use l2tpd::engine::Engine;
use l2tpd::mgmt::Mgmt;
use schema::mgmt::{ClientKind, ConfigureMode, Reply, Request};
use std::path::Path;
use std::sync::Arc;

pub const START: i64 = 1_795_500_000;

/// A daemon's management plane on `dir`, as `l2tpd` starts it.
pub fn start(dir: &Path) -> Mgmt {
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

pub fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

pub fn ok(m: &mut Mgmt, id: u64, r: Request) -> Reply {
    m.handle(id, r.clone())
        .result
        .unwrap_or_else(|e| panic!("{r:?} failed: {e:?}"))
}

/// A root session in `configure`, with `lines` set in the candidate.
pub fn root_editing(m: &mut Mgmt, lines: &[&str]) -> u64 {
    let (id, _) = m
        .open_session(0, "root".into(), ClientKind::Cli, None, 1)
        .expect("session");
    let mode = ConfigureMode::Shared;
    ok(m, id, Request::Configure { mode });
    for line in lines {
        ok(
            m,
            id,
            Request::Set {
                words: schema::edit::Arg::all_bare(&words(line)),
            },
        );
    }
    id
}

pub fn commit_request(comment: Option<&str>) -> Request {
    Request::Commit {
        check: false,
        confirmed: None,
        comment: comment.map(str::to_string),
        and_quit: false,
    }
}

/// Sets `lines` as root and commits them; returns the commit's messages.
pub fn commit(m: &mut Mgmt, lines: &[&str]) -> Vec<String> {
    let id = root_editing(m, lines);
    let Reply::Done { messages } = ok(m, id, commit_request(None)) else {
        panic!("commit did not answer Done")
    };
    m.close_session(id);
    messages
}
