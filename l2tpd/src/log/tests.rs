use super::*;
use schema::typed::{Facility, Level as Selected, Selectors, SyslogFile, SyslogUser};
use std::fs;

#[test]
fn junos_line_layout() {
    assert_eq!(stamp(1_796_322_001), "Dec  3 18:20:01");
    assert_eq!(stamp(1_797_618_000), "Dec 18 18:20:00");
    let dir = tempfile::tempdir().expect("tempdir");
    let log = SystemLog::new(None);
    assert!(log.set_dir(dir.path()).is_empty());
    log.set_host_name("r1");
    log.write(
        1_796_322_001_000,
        &Level::INFO,
        Some(tags::UI_COMMIT),
        "User 'root' requested 'commit' operation (comment: none)",
    );
    log.write(1_796_322_002_000, &Level::WARN, None, "two\nlines");
    // Untagged information is below the factory default's `any notice`.
    log.write(1_796_322_003_000, &Level::INFO, None, "l2tpd serving");
    let text = fs::read_to_string(dir.path().join(MESSAGES)).expect("read");
    let pid = std::process::id();
    assert_eq!(
        text,
        format!(
            "Dec  3 18:20:01  r1 l2tpd[{pid}]: UI_COMMIT: User 'root' requested 'commit' operation (comment: none)\n\
             Dec  3 18:20:02  r1 l2tpd[{pid}]: two lines\n"
        )
    );
}

#[test]
fn time_format_adds_year_and_milliseconds() {
    assert_eq!(
        stamp_with(1_796_322_001_042, false, false),
        "Dec  3 18:20:01"
    );
    assert_eq!(
        stamp_with(1_796_322_001_042, true, false),
        "Dec  3 2026 18:20:01"
    );
    assert_eq!(
        stamp_with(1_796_322_001_042, false, true),
        "Dec  3 18:20:01.042"
    );
    assert_eq!(
        stamp_with(1_796_322_001_042, true, true),
        "Dec  3 2026 18:20:01.042"
    );
}

/// A commit's `system syslog` applies at once: new files, new selection, new time format,
/// and a file opened before the state directory was known is opened when it is.
#[test]
fn configure_applies_without_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = SystemLog::new(None);
    let mut config = SyslogConfig {
        millisecond: true,
        ..SyslogConfig::default()
    };
    config.files.insert(
        "commits".into(),
        SyslogFile {
            selectors: Selectors {
                any: None,
                facilities: [(Facility::InteractiveCommands, Selected::Any)]
                    .into_iter()
                    .collect(),
            },
            matches: None,
            size: 65536,
            files: 1,
            world_readable: false,
            explicit_priority: false,
            structured_data: None,
            allow_duplicates: false,
        },
    );
    assert!(log.configure(&config).is_empty());
    assert!(log.set_dir(dir.path()).is_empty());
    log.write(1_796_322_001_005, &Level::INFO, Some(tags::UI_COMMIT), "c");
    log.write(1_796_322_001_005, &Level::ERROR, None, "e");
    let pid = std::process::id();
    assert_eq!(
        fs::read_to_string(dir.path().join("commits")).expect("read"),
        format!("Dec  3 18:20:01.005  router l2tpd[{pid}]: UI_COMMIT: c\n")
    );
    assert!(!dir.path().join(MESSAGES).exists());

    // Back to no syslog file: `messages` again, and `commits` no longer grows.
    assert!(log.configure(&SyslogConfig::default()).is_empty());
    log.write(1_796_322_002_000, &Level::ERROR, None, "e2");
    assert_eq!(
        fs::read_to_string(dir.path().join(MESSAGES)).expect("read"),
        format!("Dec  3 18:20:02  router l2tpd[{pid}]: e2\n")
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("commits"))
            .expect("read")
            .lines()
            .count(),
        1
    );
}

#[test]
fn every_tag_is_documented() {
    let doc = include_str!("../../../docs/system-log.md");
    for tag in tags::ALL {
        assert!(
            doc.contains(&format!("`{tag}`")),
            "{tag} missing from docs/system-log.md"
        );
    }
}

/// The names a syslog file may not take are the daemon's own files, whoever renames them.
#[test]
fn reserved_names_are_the_state_directory_files() {
    for name in [
        commit_db::DATABASE_FILE_NAME,
        commit_db::RECOVERY_FILE_NAME,
        commit_db::RESCUE_FILE_NAME,
        schema::mgmt::SOCKET_NAME,
    ] {
        assert!(schema::typed::STATE_FILES.contains(&name), "{name}");
    }
}

/// Messages for users wait for the management plane, bounded: a burst past the bound is
/// dropped and counted.
#[test]
fn user_messages_are_queued_and_bounded() {
    let log = SystemLog::new(None);
    let mut config = SyslogConfig::default();
    config.users.insert(
        "*".into(),
        SyslogUser {
            selectors: Selectors {
                any: Some(Selected::Any),
                facilities: Default::default(),
            },
            matches: None,
            allow_duplicates: false,
        },
    );
    assert!(log.configure(&config).is_empty());
    for n in 0..MAX_USER_MESSAGES + 5 {
        log.write(1_796_322_001_000, &Level::ERROR, None, &format!("e{n}"));
    }
    let taken = log.take_user_messages();
    assert_eq!(taken.len(), MAX_USER_MESSAGES);
    assert!(taken[0].1.ends_with("]: e0"), "{}", taken[0].1);
    assert_eq!(log.dropped(), 5);
    assert!(log.take_user_messages().is_empty());

    // The drops are told in the log, at most once a minute.
    assert_eq!(
        log.drop_report(1_796_322_002_000).as_deref(),
        Some("system log: 5 messages dropped: a syslog host, the console or a user's terminal could not take them (5 since l2tpd started)")
    );
    for n in 0..MAX_USER_MESSAGES + 1 {
        log.write(1_796_322_003_000, &Level::ERROR, None, &format!("f{n}"));
    }
    assert_eq!(log.drop_report(1_796_322_061_999), None, "within a minute");
    assert_eq!(
        log.drop_report(1_796_322_062_000).as_deref(),
        Some("system log: 1 message dropped: a syslog host, the console or a user's terminal could not take them (6 since l2tpd started)")
    );
    assert_eq!(log.drop_report(1_796_322_999_000), None, "nothing new");
}

/// The console selection goes to the console; repeats held there come out at the tick 30 s
/// on, and a commit's new configuration first writes what the old one held.
#[test]
fn console_and_held_repeats_through_the_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let console = dir.path().join("console");
    fs::write(&console, "").expect("create");
    let log = SystemLog::new(None).with_console(&console);
    let config = SyslogConfig {
        console: Some(Selectors {
            any: Some(Selected::AtLeast(schema::typed::Severity::Error)),
            facilities: Default::default(),
        }),
        ..SyslogConfig::default()
    };
    assert!(log.configure(&config).is_empty());
    log.set_host_name("r1");
    for n in 0..3 {
        log.write(1_796_322_001_000 + n, &Level::ERROR, None, "disk full");
    }
    log.write(1_796_322_001_000, &Level::WARN, None, "not for the console");
    log.tick(1_796_322_030_999);
    let pid = std::process::id();
    let first = format!("Dec  3 18:20:01  r1 l2tpd[{pid}]: disk full\r\n");
    assert_eq!(fs::read_to_string(&console).expect("read"), first);
    log.tick(1_796_322_031_000);
    let repeated = "Dec  3 18:20:01  r1 last message repeated 2 times\r\n";
    assert_eq!(
        fs::read_to_string(&console).expect("read"),
        format!("{first}{repeated}")
    );
    log.write(1_796_322_032_000, &Level::ERROR, None, "disk full");
    assert!(log.configure(&SyslogConfig::default()).is_empty());
    assert_eq!(
        fs::read_to_string(&console).expect("read"),
        format!("{first}{repeated}Dec  3 18:20:32  r1 l2tpd[{pid}]: disk full\r\n")
    );
}

/// `sd.NAME` fields are the event's structured-data variables (by Junos' hyphenated
/// names), not added to its text; other fields are, as ` name=value`.
#[test]
fn sd_fields_are_variables_not_text() {
    use tracing_subscriber::layer::SubscriberExt as _;
    /// Each event's text and variables.
    type Seen = Vec<(String, Vec<(String, String)>)>;
    struct Capture(std::sync::Arc<Mutex<Seen>>);
    impl<S: Subscriber> Layer<S> for Capture {
        fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
            let mut fields = Fields::default();
            event.record(&mut fields);
            self.0
                .lock()
                .expect("lock")
                .push((fields.message + &fields.rest, fields.params));
        }
    }
    let seen = std::sync::Arc::new(Mutex::new(Vec::new()));
    let subscriber = tracing_subscriber::registry().with(Capture(seen.clone()));
    tracing::subscriber::with_default(subscriber, || {
        let user = "root";
        tracing::info!(
            tag = tags::UI_LOGIN_EVENT,
            sd.username = %user,
            sd.class_name = "super-user",
            sd.pid = 4711u32,
            other = 1,
            "User '{user}' login"
        );
    });
    let seen = seen.lock().expect("lock");
    assert_eq!(seen[0].0, "User 'root' login other=1");
    let params: Vec<(&str, &str)> = seen[0]
        .1
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        params,
        [
            ("username", "root"),
            ("class-name", "super-user"),
            ("pid", "4711")
        ]
    );
}
