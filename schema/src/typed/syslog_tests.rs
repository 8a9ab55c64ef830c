use super::*;
use crate::tree::Node;
use crate::typed::router_config;

use crate::tree::test_paths::set;

#[test]
fn files_hosts_and_time_format_read_with_junos_defaults() {
    let mut root = Node::default();
    set(&mut root, "system syslog file=messages any", &["notice"]);
    set(
        &mut root,
        "system syslog file=messages authorization",
        &["info"],
    );
    set(&mut root, "system syslog file=messages kernel", &["none"]);
    set(
        &mut root,
        "system syslog file=cmds interactive-commands",
        &["any"],
    );
    set(&mut root, "system syslog file=cmds archive size", &["64k"]);
    set(&mut root, "system syslog file=cmds archive files", &["3"]);
    set(&mut root, "system syslog file=cmds explicit-priority", &[]);
    set(&mut root, "system syslog file=cmds match", &["commit"]);
    set(&mut root, "system syslog host=127.0.0.1 any", &["warning"]);
    set(
        &mut root,
        "system syslog host=127.0.0.1 facility-override",
        &["local3"],
    );
    set(
        &mut root,
        "system syslog host=127.0.0.1 log-prefix",
        &["r1"],
    );
    set(
        &mut root,
        "system syslog host=127.0.0.1 source-address",
        &["127.0.0.2"],
    );
    set(&mut root, "system syslog time-format year", &[]);
    set(
        &mut root,
        "system syslog file=cmds archive world-readable",
        &[],
    );
    set(&mut root, "system syslog host=127.0.0.3 any", &["any"]);
    set(&mut root, "system syslog source-address", &["127.0.0.4"]);
    set(&mut root, "system syslog user=* any", &["emergency"]);
    set(&mut root, "system syslog user=* match", &["COMMIT"]);
    let c = router_config(&root).syslog;

    let messages = &c.files["messages"];
    assert_eq!(
        messages.selectors.any,
        Some(Level::AtLeast(Severity::Notice))
    );
    assert_eq!(
        messages.selectors.facilities,
        [
            (Facility::Authorization, Level::AtLeast(Severity::Info)),
            (Facility::Kernel, Level::None),
        ]
        .into_iter()
        .collect()
    );
    // Junos' archive defaults: 1 MB, ten archived files.
    assert_eq!((messages.size, messages.files), (1 << 20, 10));
    assert!(!messages.explicit_priority);

    let cmds = &c.files["cmds"];
    assert_eq!(cmds.selectors.any, None);
    assert_eq!(
        cmds.selectors
            .facilities
            .get(&Facility::InteractiveCommands),
        Some(&Level::Any)
    );
    assert_eq!((cmds.size, cmds.files), (64 * 1024, 3));
    assert!(cmds.explicit_priority);
    assert_eq!(cmds.matches.as_deref(), Some("commit"));

    let host = &c.hosts["127.0.0.1"];
    assert_eq!(host.port, 514);
    assert_eq!(host.facility_override.as_deref(), Some("local3"));
    assert_eq!(host.log_prefix.as_deref(), Some("r1"));
    assert_eq!(host.source_address, Some("127.0.0.2".parse().unwrap()));
    assert!(c.year && !c.millisecond);
    assert!(cmds.world_readable && !messages.world_readable);
    assert_eq!(
        c.users["*"],
        SyslogUser {
            selectors: Selectors {
                any: Some(Level::AtLeast(Severity::Emergency)),
                facilities: BTreeMap::new(),
            },
            matches: Some("COMMIT".into()),
            allow_duplicates: false,
        }
    );
    // A host without its own source address takes the stanza's.
    assert_eq!(
        c.hosts["127.0.0.3"].source_address,
        Some("127.0.0.4".parse().unwrap())
    );

    // `[edit system syslog archive]` sets what a file's own archive leaves out.
    set(&mut root, "system syslog archive size", &["10m"]);
    set(&mut root, "system syslog archive files", &["5"]);
    set(&mut root, "system syslog archive world-readable", &[]);
    set(
        &mut root,
        "system syslog file=cmds archive no-world-readable",
        &[],
    );
    let c = router_config(&root).syslog;
    let (messages, cmds) = (&c.files["messages"], &c.files["cmds"]);
    assert_eq!((messages.size, messages.files), (10 << 20, 5));
    assert_eq!((cmds.size, cmds.files), (64 * 1024, 3));
    assert!(messages.world_readable);
    // `no-world-readable` wins over `world-readable` written at the same level.
    assert!(!cmds.world_readable);
}

#[test]
fn file_names_the_state_directory_keeps_are_refused() {
    assert_eq!(syslog_file_name_problem("messages", None), None);
    assert_eq!(syslog_file_name_problem("l2tp-events", Some("l2tpd")), None);
    for name in [
        "config.db",
        "juniper.conf",
        "mgmt.sock",
        "config.db.1",
        "x/y",
        "m.0",
    ] {
        assert!(syslog_file_name_problem(name, None).is_some(), "{name}");
    }
    assert!(syslog_file_name_problem("l2tpd", Some("l2tpd")).is_some());
}

/// `allow-duplicates` for all (folded into each destination) or for one; `console`;
/// `structured-data` with and without `brief`.
#[test]
fn duplicates_console_and_structured_data() {
    let mut root = Node::default();
    set(&mut root, "system syslog file=a any", &["any"]);
    set(&mut root, "system syslog file=a allow-duplicates", &[]);
    set(&mut root, "system syslog file=b any", &["any"]);
    set(&mut root, "system syslog file=b structured-data", &[]);
    set(&mut root, "system syslog file=c structured-data brief", &[]);
    set(&mut root, "system syslog host=127.0.0.1 any", &["any"]);
    set(&mut root, "system syslog user=* any", &["emergency"]);
    let c = router_config(&root).syslog;
    assert!(c.files["a"].allow_duplicates && !c.files["b"].allow_duplicates);
    assert!(!c.hosts["127.0.0.1"].allow_duplicates && !c.users["*"].allow_duplicates);
    assert_eq!(c.files["a"].structured_data, None);
    assert_eq!(
        c.files["b"].structured_data,
        Some(StructuredData { brief: false })
    );
    assert_eq!(
        c.files["c"].structured_data,
        Some(StructuredData { brief: true })
    );
    assert_eq!(c.console, None);
    assert_eq!(c.hosts["127.0.0.1"].structured_data, None);
    set(
        &mut root,
        "system syslog host=127.0.0.1 structured-data",
        &[],
    );
    assert_eq!(
        router_config(&root).syslog.hosts["127.0.0.1"].structured_data,
        Some(StructuredData { brief: false })
    );

    set(&mut root, "system syslog allow-duplicates", &[]);
    set(&mut root, "system syslog console any", &["critical"]);
    set(&mut root, "system syslog console daemon", &["none"]);
    let c = router_config(&root).syslog;
    assert!(c.allow_duplicates);
    assert!(c.files.values().all(|f| f.allow_duplicates));
    assert!(c.hosts["127.0.0.1"].allow_duplicates && c.users["*"].allow_duplicates);
    assert_eq!(
        c.console,
        Some(Selectors {
            any: Some(Level::AtLeast(Severity::Critical)),
            facilities: [(Facility::Daemon, Level::None)].into_iter().collect(),
        })
    );
}
