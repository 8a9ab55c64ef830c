//! The system requests on the management plane: `show version`, `show system uptime` (its
//! last commit), `show log`, and `monitor start | stop` delivering a file's new lines to the
//! one session that follows it.

mod mgmt_harness;

use mgmt_harness::{commit, ok, start, START};
use schema::mgmt::{ClientKind, Reply, Request};
use std::io::Write;

#[test]
fn version_and_uptime() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut m = start(dir.path());
    commit(&mut m, &["system host-name r7"]);
    let (id, _) = m
        .open_session(0, "root".into(), ClientKind::Cli, None, 1)
        .expect("session");
    let Reply::Version(v) = ok(&mut m, id, Request::GetSoftwareInformation) else {
        panic!("not a version")
    };
    assert_eq!(v.host_name, "r7");
    assert_eq!(v.version, env!("CARGO_PKG_VERSION"));
    assert!(!v.build_commit.is_empty());
    let Reply::SystemUptime(u) = ok(&mut m, id, Request::GetSystemUptimeInformation) else {
        panic!("not an uptime")
    };
    assert_eq!(u.current_time, START);
    assert_eq!(u.protocols_started, START);
    let last = u.last_configured.expect("committed once");
    assert_eq!((last.time, last.user.as_str()), (START, "root"));
    assert_eq!(u.users, 1);
    let Reply::SystemProcesses(p) = ok(&mut m, id, Request::GetSystemProcessInformation) else {
        panic!("not processes")
    };
    assert_eq!(p.pid, std::process::id());
    assert!(!p.threads.is_empty());
}

#[test]
fn logs_need_the_state_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut m = start(dir.path());
    let (id, _) = m
        .open_session(0, "root".into(), ClientKind::Cli, None, 1)
        .expect("session");
    let refused = m.handle(id, Request::GetLog { file: None }).result;
    assert!(refused.is_err(), "{refused:?}");
    m.set_state_dir(dir.path());
    let Reply::SystemStorage(s) = ok(&mut m, id, Request::GetSystemStorage) else {
        panic!("not storage")
    };
    assert_eq!(s.files[0].names, "config.db");
    assert!(s.files[0].size > 0 && s.filesystem.total > 0);
}

#[test]
fn monitor_sends_new_lines_to_its_session_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut m = start(dir.path());
    m.set_state_dir(dir.path());
    let path = dir.path().join("messages");
    std::fs::write(&path, "old line\n").expect("write");
    let open = |m: &mut l2tpd::mgmt::Mgmt| {
        m.open_session(0, "root".into(), ClientKind::Cli, None, 1)
            .expect("session")
            .0
    };
    let (watcher, other) = (open(&mut m), open(&mut m));
    let Reply::LogContent(c) = ok(
        &mut m,
        other,
        Request::GetLog {
            file: Some("messages".into()),
        },
    ) else {
        panic!("not a log")
    };
    assert_eq!(c.lines, ["old line"]);
    let missing = m
        .handle(
            watcher,
            Request::MonitorStart {
                file: "config.db".into(),
            },
        )
        .result;
    assert!(missing.is_err(), "{missing:?}");

    ok(
        &mut m,
        watcher,
        Request::MonitorStart {
            file: "messages".into(),
        },
    );
    let append = |text: &str| {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("open");
        f.write_all(text.as_bytes()).expect("append");
    };
    append("new line\n");
    m.tick();
    assert_eq!(
        m.take_session_messages(),
        [(watcher, "*** messages ***\nnew line".to_string())]
    );
    m.tick();
    assert!(m.take_session_messages().is_empty(), "each line once");

    ok(&mut m, watcher, Request::MonitorStop { file: None });
    append("after stop\n");
    m.tick();
    assert!(m.take_session_messages().is_empty());

    // A session that ends stops its monitors.
    ok(
        &mut m,
        watcher,
        Request::MonitorStart {
            file: "messages".into(),
        },
    );
    m.close_session(watcher);
    append("after close\n");
    m.tick();
    assert!(m.take_session_messages().is_empty());
}
