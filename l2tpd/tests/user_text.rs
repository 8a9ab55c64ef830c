//! Text a user gives the daemon that other users are shown: a commit comment (kept in every
//! rollback revision's record, shown by `show system commit`) is bounded and free of terminal
//! control characters, and a refused one commits nothing; the tty name of a hello (shown by
//! `show system users`) is cut to a tty name's length.

mod mgmt_harness;

use mgmt_harness::{commit_request, root_editing, start};
use schema::mgmt::{ClientKind, MgmtError, Reply, Request};

fn commit_with(comment: &str) -> (Result<Reply, MgmtError>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let mut m = start(dir.path());
    let id = root_editing(&mut m, &["system host-name r1"]);
    let result = m.handle(id, commit_request(Some(comment))).result;
    let Ok(Reply::Commits { entries, .. }) = m.handle(id, Request::ShowSystemCommit).result else {
        panic!("show system commit failed")
    };
    let comments = entries.into_iter().filter_map(|e| e.comment).collect();
    (result, comments)
}

#[test]
fn comments_are_bounded_and_refused_whole() {
    let (result, comments) = commit_with(&"c".repeat(1024));
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(comments[0].len(), 1024);

    for comment in ["c".repeat(10 * 1024 * 1024), "fine\u{1b}[2J".to_string()] {
        let (result, comments) = commit_with(&comment);
        let Err(MgmtError::Failed { message }) = result else {
            panic!("accepted: {result:?}")
        };
        assert!(message.starts_with("commit comment "), "{message}");
        assert!(message.len() < 300);
        assert_eq!(comments, vec!["initial configuration".to_string()]);
    }
}

#[test]
fn a_tty_name_is_cut_to_a_tty_names_length() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = start(dir.path());
    let tty = format!("pts/{}", "9".repeat(100_000));
    let (id, _) = m
        .open_session(0, "root".into(), ClientKind::Cli, Some(tty), 1)
        .expect("session");
    let Ok(Reply::Users { users, .. }) = m.handle(id, Request::ShowSystemUsers).result else {
        panic!("show system users failed")
    };
    assert!(
        users[0].terminal.starts_with("terminal pts/999"),
        "{}",
        users[0].terminal
    );
    assert!(
        users[0].terminal.len() <= 48,
        "{} bytes",
        users[0].terminal.len()
    );
}
