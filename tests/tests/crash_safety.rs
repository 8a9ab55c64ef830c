//! Kills `l2tpd` with SIGKILL at random points of a commit loop, many times, and checks after
//! each restart that the active configuration is exactly the last one reported
//! `commit complete` (or the one after it, when the kill came after the disk write but before
//! the reply), and that the commit history is intact: consecutive, nothing lost or reordered.

use l2tp_tests::client::words;
use l2tp_tests::{Client, DaemonProcess};
use rand::Rng;
use schema::mgmt::{ConfigureMode, Reply, Request, Revision};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Kill/restart cycles; `CRASH_ITERATIONS` raises it for a soak run.
fn iterations() -> usize {
    std::env::var("CRASH_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30)
}

/// Commits `host-name hN` with comment `vN` for N = from, from+1, ... until the daemon dies;
/// records in `acked` every N whose commit was reported complete.
fn commit_loop(socket: std::path::PathBuf, from: u64, acked: Arc<AtomicU64>) {
    let Ok(mut c) = Client::connect(&socket) else {
        return;
    };
    if c.call(&Request::Configure {
        mode: ConfigureMode::Shared,
    })
    .is_err()
    {
        return;
    }
    // Bounded: the kill comes long before this many commits.
    for n in from..from + 10_000 {
        let set = Request::Set {
            words: schema::edit::Arg::all_bare(&words(&format!("system host-name h{n}"))),
        };
        if c.call(&set).is_err() {
            return;
        }
        let commit = Request::Commit {
            check: false,
            confirmed: None,
            comment: Some(format!("v{n}")),
            and_quit: false,
        };
        match c.call(&commit) {
            Ok(r) => match r.result {
                Ok(Reply::Done { messages }) if messages.iter().any(|m| m == "commit complete") => {
                    acked.store(n, Ordering::SeqCst)
                }
                other => panic!("commit v{n} failed: {other:?}"),
            },
            Err(_) => return,
        }
    }
}

fn active_host_name(c: &mut Client) -> u64 {
    let reply = c.ok(&Request::ShowConfiguration {
        words: words("system host-name"),
        revision: Revision::Active,
    });
    let Reply::Config { tree, .. } = reply else {
        panic!("unexpected reply {reply:?}")
    };
    let value = tree.values.first().cloned().unwrap_or_default();
    value
        .strip_prefix('h')
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[test]
fn sigkill_during_commits_keeps_the_last_reported_commit() {
    let mut daemon = DaemonProcess::start();
    let mut rng = rand::rng();
    let mut expected_floor = 0u64;
    for iteration in 0..iterations() {
        let acked = Arc::new(AtomicU64::new(expected_floor));
        let worker = {
            let socket = daemon.socket();
            let acked = acked.clone();
            let from = expected_floor + 1;
            std::thread::spawn(move || commit_loop(socket, from, acked))
        };
        std::thread::sleep(Duration::from_millis(rng.random_range(5..120)));
        daemon.kill9();
        worker.join().expect("commit loop");
        let acked = acked.load(Ordering::SeqCst);

        daemon.restart();
        let mut c = Client::connect(&daemon.socket()).expect("connect after restart");
        let active = active_host_name(&mut c);
        assert!(
            active == acked || active == acked + 1,
            "iteration {iteration}: active configuration is h{active}, but the last commit reported complete was h{acked}"
        );

        let Reply::Commits { entries, .. } = c.ok(&Request::ShowSystemCommit) else {
            panic!("show system commit")
        };
        assert!(
            entries.len() <= 50,
            "history holds {} revisions",
            entries.len()
        );
        let versions: Vec<u64> = entries
            .iter()
            .filter_map(|e| e.comment.as_deref()?.strip_prefix('v')?.parse().ok())
            .collect();
        if active > 0 {
            assert_eq!(
                versions.first(),
                Some(&active),
                "iteration {iteration}: rollback 0 is not the active commit"
            );
        }
        for pair in versions.windows(2) {
            assert_eq!(
                pair[0],
                pair[1] + 1,
                "iteration {iteration}: history not consecutive: {versions:?}"
            );
        }
        for (index, e) in entries.iter().enumerate() {
            assert_eq!(
                e.index as usize, index,
                "rollback indexes are 0..n in order"
            );
        }
        expected_floor = active;
    }
    assert!(expected_floor > 0, "no commit ever completed");
}
