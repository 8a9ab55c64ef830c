//! A commit checks only what its candidate changed (issue 15, item 4), and says what a whole
//! check would: deleting a profile an unchanged domain map still names is refused (by `load
//! override` or by `delete`), and a statement with no effect warns at every commit, changed
//! or not.

mod mgmt_harness;

use mgmt_harness::{commit_request, root_editing, start, words};
use schema::mgmt::{LoadMode, MgmtError, Reply, Request};

fn config(profiles: &[u32], maps: &[u32], host: &str) -> String {
    let mut t = format!(
        "system {{\n    host-name {host};\n}}\nservices {{\n    l2tp {{\n        destruct-timeout 20;\n    }}\n}}\naccess {{\n"
    );
    for i in profiles {
        t.push_str(&format!(
            "    tunnel-profile tp{i} {{\n        tunnel 1 {{\n            remote-gateway {{\n                address 127.0.1.{i};\n            }}\n        }}\n    }}\n"
        ));
    }
    t.push_str("    domain {\n");
    for i in maps {
        t.push_str(&format!(
            "        map d{i}.example {{\n            tunnel-profile tp{i};\n        }}\n"
        ));
    }
    t.push_str("    }\n}\n");
    t
}

fn load_override(m: &mut l2tpd::mgmt::Mgmt, id: u64, text: String) {
    let reply = m.handle(
        id,
        Request::Load {
            mode: LoadMode::Override,
            text,
            relative: None,
        },
    );
    assert!(reply.result.is_ok(), "load: {:?}", reply.result);
}

fn commit(m: &mut l2tpd::mgmt::Mgmt, id: u64) -> Result<Vec<String>, MgmtError> {
    m.handle(id, commit_request(None)).result.map(|r| match r {
        Reply::Done { messages } => messages,
        other => panic!("commit answered {other:?}"),
    })
}

const NO_EFFECT: &str = "warning: [edit services l2tp] 'destruct-timeout': statement has no effect: a closed tunnel is kept for one retransmission cycle (RFC 2661 section 5.7)";

#[test]
fn load_override_commits_check_what_changed_and_what_it_breaks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut m = start(dir.path());
    let id = root_editing(&mut m, &[]);
    load_override(&mut m, id, config(&[1, 2, 3], &[1, 2, 3], "lac1"));
    let first = commit(&mut m, id).expect("first commit");
    assert_eq!(first, [NO_EFFECT, "commit complete"]);

    // The same configuration with another host name: the unchanged statement still warns.
    load_override(&mut m, id, config(&[1, 2, 3], &[1, 2, 3], "lac2"));
    let second = commit(&mut m, id).expect("second commit");
    assert_eq!(second, [NO_EFFECT, "commit complete"]);

    // tp2 deleted, the unchanged map d2 still names it.
    load_override(&mut m, id, config(&[1, 3], &[1, 2, 3], "lac2"));
    let Err(MgmtError::Check { errors, summary }) = commit(&mut m, id) else {
        panic!("the commit should fail")
    };
    assert_eq!(summary, "configuration check-out failed");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].statement, "tunnel-profile tp2");
    assert_eq!(
        errors[0].message,
        "Referenced tunnel profile is not defined"
    );

    // One more `set` on top of a committed configuration: a small change, checked alone.
    load_override(&mut m, id, config(&[1, 2, 3], &[1, 2, 3], "lac2"));
    let reply = m.handle(
        id,
        Request::Set {
            words: schema::edit::Arg::all_bare(&words(
                "access tunnel-profile tp3 tunnel 1 max-sessions 7",
            )),
        },
    );
    assert!(reply.result.is_ok());
    let third = commit(&mut m, id).expect("third commit");
    assert_eq!(third, [NO_EFFECT, "commit complete"]);

    // Edits of the committed configuration: the candidate shares all but their paths.
    let reply = m.handle(
        id,
        Request::Delete {
            words: schema::edit::Arg::all_bare(&words("access tunnel-profile tp1")),
        },
    );
    assert!(reply.result.is_ok(), "{:?}", reply.result);
    let Err(MgmtError::Check { errors, .. }) = commit(&mut m, id) else {
        panic!("the commit should fail")
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].statement, "tunnel-profile tp1");
    assert_eq!(
        errors[0].message,
        "Referenced tunnel profile is not defined"
    );
    let reply = m.handle(
        id,
        Request::Delete {
            words: schema::edit::Arg::all_bare(&words("access domain map d1.example")),
        },
    );
    assert!(reply.result.is_ok(), "{:?}", reply.result);
    let fourth = commit(&mut m, id).expect("fourth commit");
    assert_eq!(fourth, [NO_EFFECT, "commit complete"]);
}
