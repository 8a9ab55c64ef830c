use super::*;
use schema::typed::{Level, Selectors, SyslogFile, SyslogHost, SyslogUser};
use std::fs;
use std::net::{Ipv4Addr, UdpSocket};

/// Tests without `console` never open it.
fn no_console() -> &'static Path {
    Path::new("/nonexistent/console")
}

fn at_least(severity: Severity) -> Level {
    Level::AtLeast(severity)
}

fn selectors(any: Option<Level>, facilities: &[(Facility, Level)]) -> Selectors {
    Selectors {
        any,
        facilities: facilities.iter().copied().collect(),
    }
}

fn file(selectors: Selectors) -> SyslogFile {
    SyslogFile {
        selectors,
        matches: None,
        size: DEFAULT_SIZE,
        files: DEFAULT_FILES,
        world_readable: false,
        explicit_priority: false,
        structured_data: None,
        allow_duplicates: false,
    }
}

fn host(selectors: Selectors, port: u16) -> SyslogHost {
    SyslogHost {
        selectors,
        matches: None,
        port,
        facility_override: None,
        log_prefix: None,
        source_address: None,
        explicit_priority: false,
        structured_data: None,
        allow_duplicates: false,
    }
}

pub(crate) const COMMIT: Entry<'static> = Entry {
    facility: Facility::InteractiveCommands,
    severity: Severity::Notice,
    tag: Some("UI_COMMIT"),
    text: "User 'root' requested 'commit' operation (comment: none)",
    params: &[],
};
const LOGIN: Entry<'static> = Entry {
    facility: Facility::Authorization,
    severity: Severity::Info,
    tag: Some("UI_LOGIN_EVENT"),
    text: "User 'root' login",
    params: &[],
};
const SERVING: Entry<'static> = Entry {
    facility: Facility::Daemon,
    severity: Severity::Info,
    tag: None,
    text: "l2tpd serving",
    params: &[],
};
const TUNNEL_UP: Entry<'static> = Entry {
    facility: Facility::Daemon,
    severity: Severity::Notice,
    tag: Some("L2TP_TUNNEL_UP"),
    text: "tunnel 17 established",
    params: &[],
};

/// Dec  3 18:20:01 2026 UTC.
const T: i64 = 1_796_322_001_000;

fn write_all(outputs: &mut Outputs, entries: &[Entry<'_>]) {
    for e in entries {
        outputs.write(T, "r1", 42, e);
    }
}

fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).unwrap_or_default()
}

#[test]
fn without_files_messages_is_junos_factory_default() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut outputs, problems) =
        Outputs::open(Some(dir.path()), &SyslogConfig::default(), no_console());
    assert!(problems.is_empty(), "{problems:?}");
    write_all(&mut outputs, &[COMMIT, LOGIN, SERVING, TUNNEL_UP]);
    assert_eq!(
        read(dir.path(), MESSAGES),
        "Dec  3 18:20:01  r1 l2tpd[42]: UI_COMMIT: User 'root' requested 'commit' operation (comment: none)\n\
         Dec  3 18:20:01  r1 l2tpd[42]: UI_LOGIN_EVENT: User 'root' login\n\
         Dec  3 18:20:01  r1 l2tpd[42]: L2TP_TUNNEL_UP: tunnel 17 established\n"
    );
}

#[test]
fn each_file_gets_what_its_statements_select() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = SyslogConfig::default();
    config.files.insert(
        "interactive-commands".into(),
        file(selectors(
            None,
            &[(Facility::InteractiveCommands, Level::Any)],
        )),
    );
    let mut daemon = file(selectors(
        Some(Level::None),
        &[(Facility::Daemon, at_least(Severity::Info))],
    ));
    daemon.explicit_priority = true;
    config.files.insert("daemon-log".into(), daemon);
    let mut matched = file(selectors(Some(Level::Any), &[]));
    matched.matches = Some("TUNNEL_(UP|DOWN)".into());
    config.files.insert("tunnels".into(), matched);
    let (mut outputs, problems) = Outputs::open(Some(dir.path()), &config, no_console());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(outputs.file_count(), 3);
    write_all(&mut outputs, &[COMMIT, LOGIN, SERVING, TUNNEL_UP]);

    // Configured files replace `messages`.
    assert!(!dir.path().join(MESSAGES).exists());
    assert_eq!(
        read(dir.path(), "interactive-commands"),
        "Dec  3 18:20:01  r1 l2tpd[42]: UI_COMMIT: User 'root' requested 'commit' operation (comment: none)\n"
    );
    assert_eq!(
        read(dir.path(), "daemon-log"),
        "Dec  3 18:20:01  r1 l2tpd[42]: %DAEMON-6: l2tpd serving\n\
         Dec  3 18:20:01  r1 l2tpd[42]: %DAEMON-5-L2TP_TUNNEL_UP: tunnel 17 established\n"
    );
    assert_eq!(
        read(dir.path(), "tunnels"),
        "Dec  3 18:20:01  r1 l2tpd[42]: L2TP_TUNNEL_UP: tunnel 17 established\n"
    );
}

/// `archive size N files M`: the file and M archived copies, none past N octets.
#[test]
fn archives_are_bounded_in_count_and_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = SyslogConfig::default();
    let mut f = file(selectors(Some(Level::Any), &[]));
    f.size = 1000;
    f.files = 3;
    config.files.insert("small".into(), f);
    let (mut outputs, _) = Outputs::open(Some(dir.path()), &config, no_console());
    for n in 0..500 {
        let text = format!("event {n}");
        let entry = Entry {
            text: &text,
            ..SERVING
        };
        write_all(&mut outputs, &[entry]);
    }
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["small", "small.0", "small.1", "small.2"]);
    for name in &names {
        let len = fs::metadata(dir.path().join(name)).expect("meta").len();
        assert!(len <= 1000, "{name} is {len} octets");
    }
    assert!(read(dir.path(), "small").ends_with("event 499\n"));
}

/// `archive world-readable`: 0644; by default only the owner reads a log (0600), as Junos.
#[test]
fn world_readable_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = SyslogConfig::default();
    let mut open = file(selectors(Some(Level::Any), &[]));
    open.world_readable = true;
    config.files.insert("open".into(), open);
    config
        .files
        .insert("closed".into(), file(selectors(Some(Level::Any), &[])));
    let (_outputs, problems) = Outputs::open(Some(dir.path()), &config, no_console());
    assert!(problems.is_empty(), "{problems:?}");
    let mode = |name: &str| {
        fs::metadata(dir.path().join(name))
            .expect("meta")
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("open"), 0o644);
    assert_eq!(mode("closed"), 0o600);
}

#[test]
fn hosts_get_rfc3164_packets_of_what_they_select() {
    let (listener, port) = syslog_listener();
    let mut config = SyslogConfig::default();
    config.hosts.insert(
        "127.0.0.1".into(),
        host(selectors(Some(at_least(Severity::Notice)), &[]), port),
    );
    let (mut outputs, problems) = Outputs::open(None, &config, no_console());
    assert!(problems.is_empty(), "{problems:?}");
    write_all(&mut outputs, &[SERVING, COMMIT, TUNNEL_UP]);
    let mut buf = [0u8; 2048];
    let mut next = || {
        let n = listener.recv(&mut buf).expect("a packet");
        String::from_utf8_lossy(&buf[..n]).into_owned()
    };
    // interactive-commands goes out as local7 (23 × 8 + 5), daemon as daemon (3 × 8 + 5).
    assert_eq!(
        next(),
        "<189>Dec  3 18:20:01 r1 l2tpd[42]: UI_COMMIT: User 'root' requested 'commit' operation (comment: none)"
    );
    assert_eq!(
        next(),
        "<29>Dec  3 18:20:01 r1 l2tpd[42]: L2TP_TUNNEL_UP: tunnel 17 established"
    );

    // facility-override, log-prefix and explicit-priority (which keeps the local facility).
    let mut h = host(selectors(Some(Level::Any), &[]), port);
    h.facility_override = Some("local3".into());
    h.log_prefix = Some("pop1".into());
    h.explicit_priority = true;
    h.source_address = Some(Ipv4Addr::LOCALHOST);
    config.hosts.insert("127.0.0.1".into(), h);
    let (mut outputs, problems) = Outputs::open(None, &config, no_console());
    assert!(problems.is_empty(), "{problems:?}");
    write_all(&mut outputs, &[COMMIT]);
    assert_eq!(
        next(),
        "<157>Dec  3 18:20:01 r1 pop1: l2tpd[42]: %INTERACT-5-UI_COMMIT: User 'root' requested 'commit' operation (comment: none)"
    );

    // structured-data: RFC 5424 packets, the override's facility in PRI; explicit-priority
    // and log-prefix do not apply.
    let mut h = host(selectors(Some(Level::Any), &[]), port);
    h.facility_override = Some("local3".into());
    h.log_prefix = Some("pop1".into());
    h.explicit_priority = true;
    h.structured_data = Some(schema::typed::StructuredData { brief: false });
    config.hosts.insert("127.0.0.1".into(), h);
    let (mut outputs, problems) = Outputs::open(None, &config, no_console());
    assert!(problems.is_empty(), "{problems:?}");
    write_all(&mut outputs, &[COMMIT, COMMIT, COMMIT, TUNNEL_UP]);
    assert_eq!(
        next(),
        "<157>1 2026-12-03T18:20:01.000Z r1 l2tpd 42 UI_COMMIT [junos@2636.1.1.1.2.21] User 'root' requested 'commit' operation (comment: none)"
    );
    assert_eq!(
        next(),
        "<157>1 2026-12-03T18:20:01.000Z r1 - - - - last message repeated 2 times"
    );
    assert!(next().starts_with("<157>1 2026-12-03T18:20:01.000Z r1 l2tpd 42 L2TP_TUNNEL_UP "));
}

#[test]
fn long_packets_are_cut_on_a_character_boundary() {
    let packet = rfc3164(
        3,
        Severity::Error,
        "Dec  3 18:20:01",
        "r",
        &"é".repeat(2000),
    );
    assert!(packet.len() <= MAX_PACKET);
    assert!(packet.starts_with("<27>Dec  3 18:20:01 r éé"));
}

#[test]
fn a_host_that_cannot_be_reached_is_left_out_not_fatal() {
    let mut config = SyslogConfig::default();
    let mut h = host(selectors(Some(Level::Any), &[]), 514);
    // Not an address of this host: the socket cannot be bound to it.
    h.source_address = Some(Ipv4Addr::new(192, 0, 2, 1));
    config.hosts.insert("127.0.0.1".into(), h);
    let (mut outputs, problems) = Outputs::open(None, &config, no_console());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("syslog host 127.0.0.1 left out: cannot bind"));
    assert_eq!(outputs.write(T, "r1", 42, &COMMIT), Written::default());
}

#[test]
fn users_get_syslogd_wall_messages_of_what_they_select() {
    let mut config = SyslogConfig::default();
    config.users.insert(
        "*".into(),
        SyslogUser {
            selectors: selectors(Some(at_least(Severity::Emergency)), &[]),
            matches: None,
            allow_duplicates: false,
        },
    );
    config.users.insert(
        "alice".into(),
        SyslogUser {
            selectors: selectors(None, &[(Facility::InteractiveCommands, Level::Any)]),
            matches: Some("UI_COMMIT:".into()),
            allow_duplicates: false,
        },
    );
    let (mut outputs, problems) = Outputs::open(None, &config, no_console());
    assert!(problems.is_empty(), "{problems:?}");
    let written = outputs.write(T, "r1", 42, &COMMIT);
    assert_eq!(
        written.to_users,
        [(
            "alice".to_string(),
            "Message from syslogd@r1 at Dec  3 18:20:01  ...\n\
             r1 l2tpd[42]: UI_COMMIT: User 'root' requested 'commit' operation (comment: none)"
                .to_string()
        )]
    );
    let emergency = Entry {
        severity: Severity::Emergency,
        ..SERVING
    };
    let written = outputs.write(T, "r1", 42, &emergency);
    let users: Vec<&str> = written.to_users.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(users, ["*"]);
    // alice's `match` leaves out the other commit events.
    let completed = Entry {
        tag: Some("UI_COMMIT_COMPLETED"),
        text: "commit complete",
        ..COMMIT
    };
    let written = outputs.write(T, "r1", 42, &completed);
    assert!(written.to_users.is_empty(), "{:?}", written.to_users);
}

/// syslogd's duplicate suppression, per file: copies are counted, the count written before
/// the next different message (one copy as itself), or after 30 s at a tick; and
/// `allow-duplicates` writes every copy.
#[test]
fn repeated_messages_become_last_message_repeated_unless_allowed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = SyslogConfig::default();
    config
        .files
        .insert("quiet".into(), file(selectors(Some(Level::Any), &[])));
    let mut all = file(selectors(Some(Level::Any), &[]));
    all.allow_duplicates = true;
    config.files.insert("all".into(), all);
    let (mut outputs, problems) = Outputs::open(Some(dir.path()), &config, no_console());
    assert!(problems.is_empty(), "{problems:?}");
    for n in 0..4 {
        outputs.write(T + n * 1000, "r1", 42, &TUNNEL_UP);
    }
    outputs.write(T + 5000, "r1", 42, &LOGIN);
    outputs.write(T + 6000, "r1", 42, &LOGIN);
    outputs.write(T + 7000, "r1", 42, &COMMIT);
    // Held, then written at the first tick 30 s after the message was.
    outputs.write(T + 8000, "r1", 42, &COMMIT);
    outputs.write(T + 9000, "r1", 42, &COMMIT);
    assert_eq!(outputs.tick(T + 36_999, "r1", 42), Written::default());
    assert!(!read(dir.path(), "quiet").contains("18:20:09"));
    outputs.tick(T + 37_000, "r1", 42);
    assert_eq!(
        read(dir.path(), "quiet"),
        "Dec  3 18:20:01  r1 l2tpd[42]: L2TP_TUNNEL_UP: tunnel 17 established\n\
         Dec  3 18:20:04  r1 last message repeated 3 times\n\
         Dec  3 18:20:06  r1 l2tpd[42]: UI_LOGIN_EVENT: User 'root' login\n\
         Dec  3 18:20:07  r1 l2tpd[42]: UI_LOGIN_EVENT: User 'root' login\n\
         Dec  3 18:20:08  r1 l2tpd[42]: UI_COMMIT: User 'root' requested 'commit' operation (comment: none)\n\
         Dec  3 18:20:10  r1 last message repeated 2 times\n"
    );
    assert_eq!(read(dir.path(), "all").lines().count(), 9);
    assert!(!read(dir.path(), "all").contains("repeated"));

    // A commit replaces the destinations: what they hold is written first.
    outputs.write(T + 40_000, "r1", 42, &COMMIT);
    outputs.finish(T + 41_000, "r1", 42);
    assert!(
        read(dir.path(), "quiet").ends_with(
            "Dec  3 18:20:41  r1 l2tpd[42]: UI_COMMIT: User 'root' requested 'commit' operation (comment: none)\n"
        ),
        "{}",
        read(dir.path(), "quiet")
    );
}

/// Hosts and users suppress duplicates too, each on its own; a host's count goes out with
/// the message's priority.
#[test]
fn hosts_and_users_count_repeats_each() {
    let (listener, port) = syslog_listener();
    let mut config = SyslogConfig::default();
    config.hosts.insert(
        "127.0.0.1".into(),
        host(selectors(Some(Level::Any), &[]), port),
    );
    config.users.insert(
        "*".into(),
        SyslogUser {
            selectors: selectors(Some(Level::Any), &[]),
            matches: None,
            allow_duplicates: false,
        },
    );
    let (mut outputs, problems) = Outputs::open(None, &config, no_console());
    assert!(problems.is_empty(), "{problems:?}");
    let mut to_users = Vec::new();
    for entry in [COMMIT, COMMIT, COMMIT, TUNNEL_UP] {
        to_users.extend(outputs.write(T, "r1", 42, &entry).to_users);
    }
    let mut buf = [0u8; 2048];
    let mut next = || {
        let n = listener.recv(&mut buf).expect("a packet");
        String::from_utf8_lossy(&buf[..n]).into_owned()
    };
    assert!(next().starts_with("<189>Dec  3 18:20:01 r1 l2tpd[42]: UI_COMMIT: "));
    assert_eq!(
        next(),
        "<189>Dec  3 18:20:01 r1 last message repeated 2 times"
    );
    assert!(next().starts_with("<29>Dec  3 18:20:01 r1 l2tpd[42]: L2TP_TUNNEL_UP"));
    let texts: Vec<&str> = to_users.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert_eq!(
        texts[1],
        "Message from syslogd@r1 at Dec  3 18:20:01  ...\nr1 last message repeated 2 times"
    );
}

/// `structured-data`: RFC 5424 lines with Junos' SD-ID; `brief` leaves out the text;
/// `explicit-priority` and `time-format` do not change them.
#[test]
fn structured_data_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = SyslogConfig {
        year: true,
        ..SyslogConfig::default()
    };
    let mut sd = file(selectors(Some(Level::Any), &[]));
    sd.structured_data = Some(schema::typed::StructuredData { brief: false });
    sd.explicit_priority = true;
    config.files.insert("sd".into(), sd.clone());
    sd.structured_data = Some(schema::typed::StructuredData { brief: true });
    config.files.insert("brief".into(), sd);
    let (mut outputs, problems) = Outputs::open(Some(dir.path()), &config, no_console());
    assert!(problems.is_empty(), "{problems:?}");
    for entry in [COMMIT, SERVING, SERVING, SERVING, TUNNEL_UP] {
        outputs.write(T + 42, "r1", 42, &entry);
    }
    assert_eq!(
        read(dir.path(), "sd"),
        "<189>1 2026-12-03T18:20:01.042Z r1 l2tpd 42 UI_COMMIT [junos@2636.1.1.1.2.21] User 'root' requested 'commit' operation (comment: none)\n\
         <30>1 2026-12-03T18:20:01.042Z r1 l2tpd 42 - [junos@2636.1.1.1.2.21] l2tpd serving\n\
         <30>1 2026-12-03T18:20:01.042Z r1 - - - - last message repeated 2 times\n\
         <29>1 2026-12-03T18:20:01.042Z r1 l2tpd 42 L2TP_TUNNEL_UP [junos@2636.1.1.1.2.21] tunnel 17 established\n"
    );
    assert_eq!(
        read(dir.path(), "brief").lines().next(),
        Some("<189>1 2026-12-03T18:20:01.042Z r1 l2tpd 42 UI_COMMIT [junos@2636.1.1.1.2.21]")
    );
}

/// `console { … }`: what it selects, on the console as syslogd writes a terminal; a console
/// that cannot be opened is left out with a problem to log.
#[test]
fn console_gets_what_it_selects() {
    let dir = tempfile::tempdir().expect("tempdir");
    let console = dir.path().join("console");
    fs::write(&console, "").expect("create");
    let config = SyslogConfig {
        console: Some(selectors(Some(at_least(Severity::Notice)), &[])),
        ..SyslogConfig::default()
    };
    let (mut outputs, problems) = Outputs::open(None, &config, &console);
    assert!(problems.is_empty(), "{problems:?}");
    // LOGIN (info) is not the console's: the count waits for TUNNEL_UP.
    write_all(
        &mut outputs,
        &[SERVING, COMMIT, COMMIT, COMMIT, LOGIN, TUNNEL_UP],
    );
    assert_eq!(
        fs::read_to_string(&console).expect("read"),
        "Dec  3 18:20:01  r1 l2tpd[42]: UI_COMMIT: User 'root' requested 'commit' operation (comment: none)\r\n\
         Dec  3 18:20:01  r1 last message repeated 2 times\r\n\
         Dec  3 18:20:01  r1 l2tpd[42]: L2TP_TUNNEL_UP: tunnel 17 established\r\n"
    );
    let (_, problems) = Outputs::open(None, &config, no_console());
    assert_eq!(
        problems,
        ["cannot open the console /nonexistent/console: No such file or directory (os error 2)"]
    );
}

/// A syslog host on loopback: the socket (reads give up after 5 s) and its port.
fn syslog_listener() -> (UdpSocket, u16) {
    let listener = UdpSocket::bind("127.0.0.1:0").expect("bind");
    listener
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .expect("timeout");
    let port = listener.local_addr().expect("addr").port();
    (listener, port)
}
