//! A login class without the `secret` permission (Junos' read-only and operator) sees
//! `/* SECRET-DATA */` where a super-user sees the `$9$` value: in `show configuration` in
//! every display form, in rollback revisions and in `compare`. `$9$` is an obfuscation anyone
//! can decode, so it must never reach such a user at all: the daemon masks the tree before it
//! leaves, and the test checks the whole reply on the wire.

mod mgmt_harness;

use l2tpd::mgmt::Mgmt;
use mgmt_harness::{commit, ok, start};
use schema::mgmt::{encode_line, ClientKind, Reply, Request, Revision};

const HIDDEN: &str = "/* SECRET-DATA */";

/// A router with two secrets, committed twice (the second commit changes one secret).
fn router(dir: &std::path::Path) -> Mgmt {
    let mut m = start(dir);
    commit(
        &mut m,
        &[
            "system login user viewer class read-only",
            "system login user op class operator",
            "access radius-server 127.0.0.1 secret testing123",
            "access tunnel-profile tp1 tunnel 1 remote-gateway address 127.0.0.1",
            "access tunnel-profile tp1 tunnel 1 secret first",
        ],
    );
    commit(
        &mut m,
        &["access tunnel-profile tp1 tunnel 1 secret second"],
    );
    m
}

fn show(m: &mut Mgmt, id: u64, revision: Revision) -> (Reply, String) {
    let reply = ok(
        m,
        id,
        Request::ShowConfiguration {
            words: vec![],
            revision,
        },
    );
    let Reply::Config { path, tree, .. } = &reply else {
        panic!("{reply:?}")
    };
    let text = format!(
        "{}{}{}",
        schema::print::to_text(path, tree),
        schema::print::to_set_lines(path, tree),
        schema::print::to_json(path, tree)
    );
    (reply, text)
}

fn compare(m: &mut Mgmt, id: u64) -> (Reply, String) {
    let reply = ok(
        m,
        id,
        Request::Compare {
            words: vec![],
            base: Revision::Rollback(1),
            target: Revision::Active,
        },
    );
    let Reply::Diff { blocks } = &reply else {
        panic!("{reply:?}")
    };
    let text = schema::print::diff_to_text(blocks);
    (reply, text)
}

#[test]
fn classes_without_the_secret_permission_see_secret_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = router(dir.path());
    for (uid, user) in [(1000, "viewer"), (1001, "op")] {
        let (id, _) = m
            .open_session(uid, user.into(), ClientKind::Cli, None, 1)
            .expect("session");
        for revision in [Revision::Active, Revision::Rollback(1)] {
            let (reply, text) = show(&mut m, id, revision);
            assert!(!encode_line(&reply).contains("$9$"), "{user}: {reply:?}");
            assert!(text.contains(&format!("secret {HIDDEN};\n")), "{text}");
            assert!(
                text.contains(&format!(
                    "set access tunnel-profile tp1 tunnel 1 secret {HIDDEN}\n"
                )),
                "{text}"
            );
            assert!(!text.contains("## SECRET-DATA"), "{text}");
        }
        // The changed secret still shows as a change, without either value.
        let (reply, text) = compare(&mut m, id);
        assert!(!encode_line(&reply).contains("$9$"), "{user}: {reply:?}");
        assert!(text.contains(&format!("-  secret {HIDDEN};")), "{text}");
        assert!(text.contains(&format!("+  secret {HIDDEN};")), "{text}");
        m.close_session(id);
    }
}

#[test]
fn super_users_see_the_obfuscated_value() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = router(dir.path());
    let (id, _) = m
        .open_session(0, "root".into(), ClientKind::Cli, None, 1)
        .expect("session");
    let (_, text) = show(&mut m, id, Revision::Active);
    assert!(text.contains("secret \"$9$"), "{text}");
    assert!(!text.contains(HIDDEN), "{text}");
    let (_, text) = compare(&mut m, id);
    assert!(text.contains("-  secret \"$9$"), "{text}");
}
