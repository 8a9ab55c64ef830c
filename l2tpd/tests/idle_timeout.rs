//! `system login class NAME idle-timeout MINUTES`: the daemon closes a management session of
//! that class idle beyond the limit (with a grace of ten seconds, so the interactive shell's
//! own warning and close come first), on a simulated clock.

mod mgmt_harness;

use schema::mgmt::{ClientKind, MgmtError, Reply, Request};
use std::time::{Duration, Instant};

const ALICE_UID: u32 = 1000;

#[test]
fn an_idle_session_of_the_class_is_closed_after_its_limit_and_no_other() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut m = mgmt_harness::start(dir.path());
    mgmt_harness::commit(
        &mut m,
        &[
            "system login class brief idle-timeout 2",
            "system login class brief permissions view",
            "system login user alice class brief",
            "system login user bob class operator",
        ],
    );
    let (alice, hello) = m
        .open_session(ALICE_UID, "alice".into(), ClientKind::Cli, None, 2)
        .expect("alice logs in");
    let Reply::Hello { idle_timeout, .. } = hello else {
        panic!("{hello:?}")
    };
    assert_eq!(idle_timeout, Some(2), "the shell is told the class's limit");
    let (bob, _) = m
        .open_session(1001, "bob".into(), ClientKind::Cli, None, 3)
        .expect("bob logs in");
    let (root, _) = m
        .open_session(0, "root".into(), ClientKind::Cli, None, 4)
        .expect("root logs in");
    let t0 = Instant::now();
    let minute = Duration::from_secs(60);
    // At the limit the shell closes itself; the daemon waits ten seconds more.
    assert!(m.close_idle_sessions(t0 + 2 * minute).is_empty());
    assert_eq!(
        m.close_idle_sessions(t0 + 2 * minute + Duration::from_secs(11)),
        vec![alice]
    );
    match m.handle(alice, Request::ShowSystemUsers).result {
        Err(MgmtError::Failed { message }) => {
            assert_eq!(message, "no such management session")
        }
        other => panic!("alice's session should be gone: {other:?}"),
    }
    // No idle-timeout in their classes: never closed.
    assert!(m.close_idle_sessions(t0 + 10_000 * minute).is_empty());
    for id in [bob, root] {
        assert!(m.handle(id, Request::ShowSystemUsers).result.is_ok());
    }
}
