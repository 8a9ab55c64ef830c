//! A full disk fails the commits made while it is full, with a clear error, and only those:
//! once space is free the daemon commits again without a restart. The state directory is a
//! small tmpfs of its own. Needs root (mount); skips outside CI when not root.

use l2tp_tests::bigconfig::brace_text;
use l2tp_tests::client::{words, Client};
use l2tp_tests::{running_as_root, DaemonProcess};
use schema::mgmt::{ConfigureMode, LoadMode, Reply, Request, Response, Revision};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Large enough for the daemon's database and a few commits of the configuration below.
const DISK: &str = "size=24m";
/// Tunnel profiles of the configuration committed while the disk is full: about 1.5 MB, so
/// the commit needs room the database file does not have yet.
const PROFILES: usize = 2_000;

struct Mounted(PathBuf);

impl Mounted {
    fn tmpfs(at: &Path) -> Mounted {
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", DISK, "tmpfs"])
            .arg(at)
            .status()
            .expect("run mount");
        assert!(status.success(), "mount tmpfs on {}", at.display());
        Mounted(at.to_path_buf())
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Writes zeros into `path` until the file system is full; bounded by the disk's size.
fn fill(path: &Path) {
    let mut file = std::fs::File::create(path).expect("create filler");
    let chunk = vec![0u8; 64 * 1024];
    for _ in 0..1024 {
        if file.write_all(&chunk).is_err() {
            return;
        }
    }
    panic!("the disk never filled up");
}

fn commit(c: &mut Client) -> Response {
    c.call(&Request::Commit {
        check: false,
        confirmed: None,
        comment: None,
        and_quit: false,
    })
    .expect("the daemon answers")
}

#[test]
fn commits_work_again_once_the_full_disk_has_space() {
    if !running_as_root("disk_full", "to mount a small tmpfs") {
        return;
    }
    let base = tempfile::tempdir().expect("temp dir");
    let state = base.path().join("state");
    std::fs::create_dir(&state).expect("state dir");
    let mounted = Mounted::tmpfs(&state);
    let mut daemon = DaemonProcess::start_in(&state);
    daemon.commit("set system host-name before\n");

    let mut c = Client::connect(&daemon.socket()).expect("connect");
    c.ok(&Request::Configure {
        mode: ConfigureMode::Shared,
    });
    c.ok(&Request::Load {
        mode: LoadMode::Override,
        text: brace_text(PROFILES),
        relative: None,
    });
    let filler = state.join("filler");
    fill(&filler);
    let refused = commit(&mut c);
    let Err(error) = refused.result else {
        panic!("a commit on a full disk must fail: {refused:?}")
    };
    assert!(
        format!("{error:?}").contains("No space left on device"),
        "{error:?}"
    );

    std::fs::remove_file(&filler).expect("free the disk");
    let accepted = commit(&mut c);
    assert!(
        matches!(accepted.result, Ok(Reply::Done { .. })),
        "space again: the commit must succeed without a restart: {accepted:?}"
    );
    let Reply::Config { tree, .. } = c.ok(&Request::ShowConfiguration {
        words: words("system host-name"),
        revision: Revision::Active,
    }) else {
        panic!("not a configuration")
    };
    assert_eq!(tree.values, ["bench-lac"]);
    drop(c);
    daemon.stop();
    drop(daemon);
    drop(mounted);
}
