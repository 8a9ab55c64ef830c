//! A script (`cli -f FILE`, or commands piped into `cli`) is applied atomically or not at
//! all: a failing command fails it (the edits right after it still run, each error named),
//! nothing it edited is committed, its uncommitted edits are discarded, and edits another
//! operator has in the shared candidate are left alone (the script edits a private
//! candidate, as `configure private`).

use l2tp_tests::client::{words, Client};
use l2tp_tests::{output_text, DaemonProcess};
use schema::mgmt::{ConfigureMode, Reply, Request, Revision};

fn host_name(daemon: &DaemonProcess, revision: Revision) -> Option<String> {
    value(daemon, revision, "system host-name")
}

fn value(daemon: &DaemonProcess, revision: Revision, path: &str) -> Option<String> {
    let mut c = Client::connect(&daemon.socket()).expect("connect");
    if revision == Revision::Candidate {
        c.ok(&Request::Configure {
            mode: ConfigureMode::Shared,
        });
    }
    let reply = c.ok(&Request::ShowConfiguration {
        words: words(path),
        revision,
    });
    let Reply::Config { tree, .. } = reply else {
        panic!("{reply:?}")
    };
    tree.values.first().map(|v| v.to_string())
}

fn commits(daemon: &DaemonProcess) -> usize {
    let mut c = Client::connect(&daemon.socket()).expect("connect");
    let Reply::Commits { entries, .. } = c.ok(&Request::ShowSystemCommit) else {
        panic!("not a commit list")
    };
    entries.len()
}

/// Runs `script` with `cli -f`, or piped into stdin.
fn run(daemon: &DaemonProcess, script: &str, piped: bool) -> std::process::Output {
    if piped {
        return daemon.cli(&[], script);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("change.txt");
    std::fs::write(&file, script).expect("write script");
    daemon.cli(&["-f", file.to_str().expect("utf-8")], "")
}

/// A daemon whose committed host name is `before`, and its number of commits.
fn daemon_named_before() -> (DaemonProcess, usize) {
    let daemon = DaemonProcess::start();
    daemon.commit("set system host-name before\n");
    let before = commits(&daemon);
    (daemon, before)
}

#[test]
fn a_failing_line_commits_nothing_and_leaves_nothing() {
    for piped in [false, true] {
        let (daemon, before) = daemon_named_before();
        let out = run(
            &daemon,
            "configure\n\
             set system host-name from-script\n\
             set system no-such-statement 1\n\
             commit\n",
            piped,
        );
        let text = output_text(&out);
        assert!(!out.status.success(), "{text}");
        assert!(!text.contains("commit complete"), "{text}");
        assert_eq!(commits(&daemon), before, "{text}");
        assert_eq!(
            host_name(&daemon, Revision::Active).as_deref(),
            Some("before")
        );
        assert_eq!(
            host_name(&daemon, Revision::Candidate).as_deref(),
            Some("before"),
            "the script's edits must not stay in the shared candidate"
        );
    }
}

/// Issue 16 item 3: one run of a script names every edit it cannot take, as `load set`
/// names every line, and still commits nothing.
#[test]
fn every_failing_edit_is_named_and_nothing_is_committed() {
    let (daemon, before) = daemon_named_before();
    let out = run(
        &daemon,
        "configure\n\
         set system no-such-statement 1\n\
         set system host-name from-script\n\
         set access tunnel-profile tp1 tunnel 99 preference 1\n\
         commit\n\
         set system host-name after-commit\n",
        false,
    );
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("no-such-statement"), "{text}");
    assert!(
        text.contains("Value 99 is not within range (1..31)"),
        "{text}"
    );
    assert!(
        text.contains("# commit\nerror: script stopped: a command above failed"),
        "{text}"
    );
    assert!(!text.contains("after-commit\n"), "never read: {text}");
    assert_eq!(commits(&daemon), before, "{text}");
    assert_eq!(
        host_name(&daemon, Revision::Candidate).as_deref(),
        Some("before")
    );
}

#[test]
fn the_first_failure_stops_the_script() {
    let daemon = DaemonProcess::start();
    daemon.commit("set system host-name before\n");
    let out = run(
        &daemon,
        "show configuration no-such-statement\n\
         configure\n\
         set system host-name after-failure\n\
         commit and-quit\n",
        false,
    );
    assert!(!out.status.success(), "{}", output_text(&out));
    assert_eq!(
        host_name(&daemon, Revision::Active).as_deref(),
        Some("before"),
        "{}",
        output_text(&out)
    );
}

#[test]
fn another_operators_edits_in_the_shared_candidate_are_left_alone() {
    let daemon = DaemonProcess::start();
    daemon.commit("set system host-name before\n");
    let mut other = Client::connect(&daemon.socket()).expect("connect");
    other.ok(&Request::Configure {
        mode: ConfigureMode::Shared,
    });
    other.ok(&Request::Set {
        words: schema::edit::Arg::all_bare(&words("system host-name by-other")),
    });
    let out = run(
        &daemon,
        "configure\nset snmp description by-script\nset system no-such-statement 1\n",
        false,
    );
    assert!(!out.status.success(), "{}", output_text(&out));
    assert_eq!(
        host_name(&daemon, Revision::Candidate).as_deref(),
        Some("by-other"),
        "{}",
        output_text(&out)
    );
    assert_eq!(
        value(&daemon, Revision::Candidate, "snmp description"),
        None,
        "the script's edit must not stay in the shared candidate"
    );
    assert_eq!(
        host_name(&daemon, Revision::Active).as_deref(),
        Some("before")
    );
}

#[test]
fn a_script_that_succeeds_commits_its_change() {
    let daemon = DaemonProcess::start();
    let out = run(
        &daemon,
        "configure\nset system host-name scripted\ncommit comment \"by script\"\n",
        true,
    );
    assert!(out.status.success(), "{}", output_text(&out));
    assert_eq!(
        host_name(&daemon, Revision::Active).as_deref(),
        Some("scripted")
    );
}
