//! A commit makes the candidate itself the active configuration, not a copy of it (a copy of
//! a loaded 300,000-line tree was the largest step of its commit, issue 15 item 4), and frees
//! the configuration it replaced only once told to, after the operator has the answer.

use super::*;
use crate::clock::ManualClock;
use crate::engine::Engine;
use schema::mgmt::{ClientKind, ConfigureMode, LoadMode, Reply, Request};
use schema::NodeId;

pub(super) fn start(dir: &std::path::Path) -> Mgmt {
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

fn config(host: &str) -> String {
    format!(
        "system {{\n    host-name {host};\n}}\naccess {{\n    tunnel-profile tp1 {{\n        tunnel 1 {{\n            remote-gateway {{\n                address 127.0.1.1;\n            }}\n        }}\n    }}\n}}\n"
    )
}

pub(super) fn done(m: &mut Mgmt, id: SessionId, request: Request) {
    let reply = m.handle(id, request).result;
    assert!(
        matches!(reply, Ok(Reply::Done { .. } | Reply::Configured { .. })),
        "{reply:?}"
    );
}

pub(super) fn load_override(m: &mut Mgmt, id: SessionId, text: String) {
    let mode = LoadMode::Override;
    let relative = None;
    done(
        m,
        id,
        Request::Load {
            mode,
            text,
            relative,
        },
    );
}

pub(super) const COMMIT: Request = Request::Commit {
    check: false,
    confirmed: None,
    comment: None,
    and_quit: false,
};

#[test]
fn a_loaded_candidate_is_committed_as_it_is_and_what_it_replaced_is_freed_later() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut m = start(dir.path());
    let (id, _) = m
        .open_session(0, "root".into(), ClientKind::Cli, None, 1)
        .expect("session");
    let mode = ConfigureMode::Shared;
    done(&mut m, id, Request::Configure { mode });
    let access = NodeId::new("access");

    for host in ["r1", "r2"] {
        load_override(&mut m, id, config(host));
        // A clone shares every node with the candidate it was made from.
        let candidate = m.shared.clone().expect("the loaded candidate");
        let replaced = m.active.children.get_shared(&access).cloned();
        done(&mut m, id, COMMIT);
        let committed = m.active.children.get_shared(&access).expect("access");
        let loaded = candidate.children.get_shared(&access).expect("access");
        assert!(
            Arc::ptr_eq(committed, loaded),
            "the commit of {host} copied the loaded tree"
        );
        assert_eq!(m.active, candidate);
        // The configuration replaced is held until the server frees it after the reply.
        if let Some(replaced) = &replaced {
            assert!(Arc::strong_count(replaced) > 1, "freed before the reply");
        }
        assert!(m.retired.is_some());
        drop(m.take_retired());
        assert!(m.retired.is_none());
        if let Some(replaced) = &replaced {
            assert_eq!(
                Arc::strong_count(replaced),
                1,
                "still held after take_retired"
            );
        }
    }
}
