use super::*;
use schema::typed::TraceFile;
use tracing_subscriber::layer::SubscriberExt;

fn options(flags: &[&str], level: TraceLevel) -> TraceOptions {
    filtered(flags, level, None)
}

fn filtered(flags: &[&str], level: TraceLevel, protocol: Option<&str>) -> TraceOptions {
    TraceOptions {
        file: TraceFile {
            filename: Some("l2tpd-trace".into()),
            files: 3,
            size: 1 << 20,
            world_readable: false,
            matches: None,
        },
        flags: flags.iter().map(|f| f.to_string()).collect(),
        level,
        filter_protocols: protocol.iter().map(|p| p.to_string()).collect(),
        filter_user_name: None,
        no_remote_trace: false,
    }
}

/// One event of each kind the tests look for, through a subscriber with `handle`'s layer.
fn emit(handle: &TraceHandle) {
    let subscriber = tracing_subscriber::registry().with(handle.layer());
    tracing::subscriber::with_default(subscriber, || {
        tracing::info!(target: "l2tpd::l2tp::control::tunnel", tunnel = 7, "tunnel up");
        tracing::debug!(target: MESSAGE, "received SCCRQ");
        tracing::info!(target: "l2tpd::mgmt::state", "commit complete");
        tracing::error!(target: "l2tpd::engine::sockets", "cannot bind");
    });
}

fn written(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("l2tpd-trace"))
        .unwrap_or_default()
        .lines()
        // Drop the timestamp: `yyyy-mm-dd hh:mm:ss UTC `.
        .map(|l| l.splitn(4, ' ').nth(3).unwrap_or_default().to_string())
        .collect()
}

#[test]
fn flags_and_level_choose_what_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let handle = TraceHandle::default();
    // Not configured: nothing, not even the file.
    emit(&handle);
    assert!(!dir.path().join("l2tpd-trace").exists());

    handle
        .configure(dir.path(), Some(&options(&["protocol"], TraceLevel::Info)))
        .expect("configure");
    emit(&handle);
    assert_eq!(
        written(dir.path()),
        [
            "INFO protocol: tunnel up tunnel=7",
            // Errors are written whatever the flags.
            "ERROR events: cannot bind",
        ]
    );

    // `all` at `verbose` adds the per-message trace and the configuration.
    handle
        .configure(dir.path(), Some(&options(&["all"], TraceLevel::Verbose)))
        .expect("configure");
    emit(&handle);
    assert_eq!(written(dir.path()).len(), 2 + 4);
    assert_eq!(written(dir.path())[3], "DEBUG message: received SCCRQ");

    // Deleted: nothing more.
    handle.configure(dir.path(), None).expect("configure");
    emit(&handle);
    assert_eq!(written(dir.path()).len(), 6);
}

#[test]
fn each_part_of_the_daemon_has_its_flag() {
    assert_eq!(category("l2tpd::registry::route"), "session-db");
    assert_eq!(category("l2tpd::l2tp::control::tunnel"), "protocol");
    assert_eq!(category(MESSAGE), "message");
    assert_eq!(category("l2tpd::mgmt::server"), "ipc");
    assert_eq!(category("l2tpd::mgmt::state"), "configuration");
    assert_eq!(category("l2tpd::engine::task"), "timer");
    assert_eq!(category("l2tpd::daemon"), "events");
    // Every category is a `flag` keyword of the schema.
    let flag =
        schema::table::stmt_at(&["services", "l2tp", "traceoptions", "flag"]).expect("flag list");
    let schema::def::Kind::List(schema::def::Type::Enum(keywords)) = flag.kind else {
        panic!("flag is a keyword list");
    };
    for target in [
        "l2tpd::registry",
        "l2tpd::l2tp",
        MESSAGE,
        "l2tpd::mgmt::server",
        "l2tpd::mgmt",
        "l2tpd::engine::task",
        "l2tpd::engine",
    ] {
        assert!(keywords.contains(&category(target)), "{target}");
    }
}

#[test]
fn filter_protocol_other_than_l2tp_leaves_only_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let handle = TraceHandle::default();
    handle
        .configure(
            dir.path(),
            Some(&filtered(&["all"], TraceLevel::All, Some("l2tp"))),
        )
        .expect("configure");
    emit(&handle);
    assert_eq!(written(dir.path()).len(), 4);
    handle
        .configure(
            dir.path(),
            Some(&filtered(&["all"], TraceLevel::All, Some("radius"))),
        )
        .expect("configure");
    emit(&handle);
    assert_eq!(written(dir.path())[4..], ["ERROR events: cannot bind"]);
    // Several `protocol` statements: l2tp among them is traced.
    let mut both = filtered(&["all"], TraceLevel::All, Some("radius"));
    both.filter_protocols.push("l2tp".into());
    handle
        .configure(dir.path(), Some(&both))
        .expect("configure");
    emit(&handle);
    assert_eq!(written(dir.path()).len(), 9);
}

/// `protocols pppoe traceoptions`: its own file (`pppoed` unless named), only what the
/// PPPoE parts trace — discovery frames under `protocol`, sessions under `session-db` —
/// and none of l2tpd's, not even its errors; l2tpd's trace keeps taking everything.
#[test]
fn the_pppoe_trace_takes_only_pppoe_events() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pppoe = TraceHandle::new(Domain::Pppoe);
    let mut options = options(&["session-db"], TraceLevel::Verbose);
    options.file.filename = None;
    pppoe
        .configure(dir.path(), Some(&options))
        .expect("configure");
    let emit_pppoe = |handle: &TraceHandle| {
        let subscriber = tracing_subscriber::registry().with(handle.layer());
        tracing::subscriber::with_default(subscriber, || {
            tracing::debug!(target: "l2tpd::pppoe::protocol", "ge-0/0/1.0: received PADI");
            tracing::info!(target: "l2tpd::pppoe::session", "ge-0/0/1.0: session 1 up");
            tracing::error!(target: "l2tpd::engine::sockets", "cannot bind");
        });
    };
    emit_pppoe(&pppoe);
    let lines = |name: &str| -> Vec<String> {
        std::fs::read_to_string(dir.path().join(name))
            .unwrap_or_default()
            .lines()
            .map(|l| l.splitn(4, ' ').nth(3).unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(
        lines("pppoed"),
        ["INFO session-db: ge-0/0/1.0: session 1 up"]
    );
    // l2tpd's trace, even at `all`, leaves PPPoE's trace points to PPPoE's file.
    let l2tpd = TraceHandle::new(Domain::L2tp);
    l2tpd
        .configure(dir.path(), Some(&options_with(&["all"])))
        .expect("configure");
    emit_pppoe(&l2tpd);
    assert_eq!(lines("l2tpd"), ["ERROR events: cannot bind"]);

    let all = options_with(&["all"]);
    pppoe.configure(dir.path(), Some(&all)).expect("configure");
    emit_pppoe(&pppoe);
    assert_eq!(
        lines("pppoed")[1..],
        [
            "DEBUG protocol: ge-0/0/1.0: received PADI",
            "INFO session-db: ge-0/0/1.0: session 1 up"
        ]
    );
}

fn options_with(flags: &[&str]) -> TraceOptions {
    let mut options = options(flags, TraceLevel::All);
    options.file.filename = None;
    options
}

/// Junos' `file NAME match "RE"`: of the lines the flags and level choose, only those the
/// expression finds something in are written (the whole line, time and level included).
#[test]
fn a_file_match_writes_only_the_lines_it_finds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let handle = TraceHandle::default();
    let mut trace = options(&["all"], TraceLevel::Verbose);
    trace.file.matches = Some("tunnel|SCCRQ".into());
    handle
        .configure(dir.path(), Some(&trace))
        .expect("configure");
    emit(&handle);
    assert_eq!(
        written(dir.path()),
        [
            "INFO protocol: tunnel up tunnel=7",
            "DEBUG message: received SCCRQ",
        ]
    );
    // An expression that does not compile is refused, not dropped.
    trace.file.matches = Some("(".into());
    assert!(handle.configure(dir.path(), Some(&trace)).is_err());
}
