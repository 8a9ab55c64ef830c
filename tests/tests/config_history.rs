//! Configuration history against a real daemon: the rescue configuration survives a
//! restart (it is a file beside the database), and a `commit at` commits at its time.

use l2tp_tests::client::words;
use l2tp_tests::daemon::output_text;
use l2tp_tests::{Client, DaemonProcess};
use schema::mgmt::{ConfigureMode, Reply, Request, Revision};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn host_name(c: &mut Client, revision: Revision) -> Option<String> {
    let Reply::Config { tree, .. } = c.ok(&Request::ShowConfiguration {
        words: words("system host-name"),
        revision,
    }) else {
        panic!("not a configuration");
    };
    tree.values.first().map(|v| v.to_string())
}

#[test]
fn rescue_survives_a_restart_and_rolls_back() {
    let mut d = DaemonProcess::start();
    d.commit("set system host-name rescued\n");
    let out = d.run("request system configuration rescue save");
    assert!(out.status.success(), "{}", output_text(&out));
    d.commit("set system host-name later\n");
    d.restart();

    let shown = output_text(&d.run("show system configuration rescue"));
    assert!(shown.starts_with("## Last changed: "), "{shown}");
    assert!(shown.contains("    host-name rescued;\n"), "{shown}");
    // Beside the database, as Junos keeps rescue.conf.gz beside its rollbacks.
    assert!(d.state_dir().join("rescue.conf").is_file());
    let history = output_text(&d.run("show system commit"));
    let last = history.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("rescue  ") && last.contains(" by "),
        "{history}"
    );

    let mut c = Client::connect(&d.socket()).expect("connect");
    c.ok(&Request::Configure {
        mode: ConfigureMode::Shared,
    });
    let Reply::Done { messages } = c.ok(&Request::RollbackRescue) else {
        panic!("rollback rescue");
    };
    assert_eq!(messages, ["load complete"]);
    let Reply::Config { tree, .. } = c.ok(&Request::Show {
        words: words("system host-name"),
    }) else {
        panic!("show");
    };
    assert_eq!(tree.values, ["rescued"]);
    assert_eq!(
        host_name(&mut c, Revision::Active).as_deref(),
        Some("later")
    );

    // Deleted, it is gone for good: after a restart too.
    let out = d.run("request system configuration rescue delete");
    assert!(out.status.success(), "{}", output_text(&out));
    d.restart();
    assert_eq!(output_text(&d.run("show system configuration rescue")), "");
    let mut c = Client::connect(&d.socket()).expect("connect");
    c.ok(&Request::Configure {
        mode: ConfigureMode::Shared,
    });
    let refused = c.call(&Request::RollbackRescue).expect("answer").result;
    assert!(
        format!("{refused:?}").contains("No rescue configuration is set."),
        "{refused:?}"
    );
}

/// `yyyy-mm-dd hh:mm:ss` of `unix` in UTC (Howard Hinnant's civil calendar).
fn utc(unix: i64) -> String {
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[test]
fn commit_at_commits_at_its_time() {
    let d = DaemonProcess::start();
    let mut c = Client::connect(&d.socket()).expect("connect");
    c.ok(&Request::Configure {
        mode: ConfigureMode::Shared,
    });
    c.ok(&Request::Set {
        words: schema::edit::Arg::all_bare(&words("system host-name scheduled")),
    });
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    let at = utc(now + 3);
    let Reply::Done { messages } = c.ok(&Request::CommitAt {
        time: at.clone(),
        comment: Some("at-test".into()),
    }) else {
        panic!("commit at");
    };
    assert!(
        messages.contains(&format!("commit at will be executed at {at} UTC")),
        "{messages:?}"
    );
    // Not yet: and while it is pending the configuration is read-only.
    assert_eq!(host_name(&mut c, Revision::Active), None);
    let shown = output_text(&d.run("show system commit"));
    assert!(
        shown.starts_with("commit requested by ") && shown.contains(&at),
        "{shown}"
    );

    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if host_name(&mut c, Revision::Active).as_deref() == Some("scheduled") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "commit at did not run within 30 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let Reply::Commits {
        entries, scheduled, ..
    } = c.ok(&Request::ShowSystemCommit)
    else {
        panic!("show system commit");
    };
    assert_eq!(scheduled, None);
    assert_eq!(entries[0].comment.as_deref(), Some("at-test"));
    // It ran as the candidate it checked, which is now committed: no changes left.
    let Reply::Users { changed, .. } = c.ok(&Request::ShowSystemUsers) else {
        panic!("users");
    };
    assert!(!changed);
}

#[test]
fn clear_system_commit_cancels_it() {
    let d = DaemonProcess::start();
    let script = "configure\nset system host-name never\ncommit at \"2099-01-01 00:00\"\n";
    let out = d.cli(&["--line-by-line"], script);
    assert!(
        output_text(&out).contains("commit at will be executed at 2099-01-01 00:00:00 UTC"),
        "{}",
        output_text(&out)
    );
    let out = output_text(&d.run("clear system commit"));
    assert_eq!(out, "Pending commit cleared\n");
    let out = d.run("clear system commit");
    assert!(!out.status.success());
    assert_eq!(output_text(&out), "error: No pending commit\n");
}
