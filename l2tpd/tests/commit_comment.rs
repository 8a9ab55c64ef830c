//! `commit comment "text"`: the comment is kept in every rollback revision's record and shown
//! to every user by `show system commit`, so it is bounded and free of terminal control
//! characters; a refused comment commits nothing.

mod mgmt_harness;

use mgmt_harness::{commit_request, root_editing, start};
use schema::mgmt::{MgmtError, Reply, Request};

fn commit_with(comment: &str) -> (Result<Reply, MgmtError>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let mut m = start(dir.path());
    let id = root_editing(&mut m, &["system host-name r1"]);
    let result = m.handle(id, commit_request(Some(comment))).result;
    let Ok(Reply::Commits { entries }) = m.handle(id, Request::ShowSystemCommit).result else {
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
