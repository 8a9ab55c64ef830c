use super::*;
use schema::system_rpc::{Filesystem, LastConfigured, LogFile, StateFile, ThreadInfo};

/// 2026-12-03 18:20:01 UTC.
const NOW: i64 = 1_796_322_001;

#[test]
fn version_layout() {
    let v = Version {
        host_name: "r1".into(),
        product_model: "l2tpd".into(),
        product_name: "L2TP access router".into(),
        version: "0.1.0".into(),
        build_commit: "abc1234".into(),
    };
    assert_eq!(
        version(&v),
        "Hostname: r1\nModel: l2tpd\nL2TP access router: 0.1.0\nL2TP access router build [abc1234]\n"
    );
}

#[test]
fn ago_as_junos_writes_it() {
    assert_eq!(ago(0), "00:00:00");
    assert_eq!(ago(20 * 60 + 1), "00:20:01");
    assert_eq!(ago(86_400 + 2 * 3600 + 3 * 60 + 4), "1d 02:03");
    assert_eq!(ago(13 * 86_400 + 8 * 3600 + 20 * 60), "1w6d 08:20");
    assert_eq!(ago(-5), "00:00:00");
}

#[test]
fn uptime_layout() {
    let u = SystemUptime {
        current_time: NOW,
        system_booted: Some(NOW - (13 * 86_400 + 8 * 3600 + 20 * 60)),
        protocols_started: NOW - 3600,
        last_configured: Some(LastConfigured {
            time: NOW - 601,
            user: "lab".into(),
        }),
        users: 1,
        load_averages: Some([8, 5, 1]),
    };
    assert_eq!(
        uptime(&u),
        "Current time: 2026-12-03 18:20:01 UTC\n\
         System booted: 2026-11-20 10:00:01 UTC (1w6d 08:20 ago)\n\
         Protocols started: 2026-12-03 17:20:01 UTC (01:00:00 ago)\n\
         Last configured: 2026-12-03 18:10:00 UTC (00:10:01 ago) by lab\n \
         6:20PM  up 13 days,  8:20, 1 user, load averages: 0.08, 0.05, 0.01\n"
    );
    // Never configured, booted minutes ago, boot time unknown.
    let fresh = SystemUptime {
        system_booted: Some(NOW - 300),
        last_configured: None,
        users: 2,
        load_averages: None,
        ..u.clone()
    };
    assert!(uptime(&fresh).ends_with(" 6:20PM  up 5 mins, 2 users\n"));
    assert!(!uptime(&fresh).contains("Last configured"));
    let hidden = SystemUptime {
        system_booted: None,
        ..u
    };
    assert!(!uptime(&hidden).contains("booted") && !uptime(&hidden).contains(" up "));
}

#[test]
fn processes_layout() {
    let p = SystemProcesses {
        pid: 4242,
        user: "root".into(),
        command: "l2tpd".into(),
        resident: 20 * 1024 * 1024,
        size: 300 * 1024 * 1024,
        cpu_centiseconds: 6_123,
        threads: vec![
            ThreadInfo {
                tid: 4242,
                name: "l2tpd".into(),
                state: "S".into(),
                cpu_centiseconds: 50,
            },
            ThreadInfo {
                tid: 4243,
                name: "mgmt".into(),
                state: "R".into(),
                cpu_centiseconds: 6_073,
            },
        ],
    };
    assert_eq!(
        processes(&p),
        "  PID USERNAME    THR      SIZE       RES       TIME COMMAND\n\
         \x204242 root          2   307200K    20480K    1:01.23 l2tpd\n\
         \x20 TID STATE       TIME NAME\n\
         \x204242 S        0:00.50 l2tpd\n\
         \x204243 R        1:00.73 mgmt\n"
    );
}

#[test]
fn human_sizes() {
    assert_eq!(human(0), "0B");
    assert_eq!(human(1023), "1023B");
    assert_eq!(human(1536), "1.5K");
    assert_eq!(human(17 * 1024 * 1024 * 1024), "17G");
    assert_eq!(human(1_288_490_189), "1.2G");
}

#[test]
fn storage_layout() {
    let s = SystemStorage {
        filesystem: Filesystem {
            name: "/dev/vda".into(),
            total: 20 * 1024 * 1024 * 1024,
            used: 1_288_490_189,
            available: 17 * 1024 * 1024 * 1024,
            mounted_on: "/".into(),
        },
        state_directory: "/var/lib/l2tpd".into(),
        files: vec![
            StateFile {
                role: "configuration database (active, candidates, 2 rollback revisions)".into(),
                names: "config.db".into(),
                size: 1536 * 1024,
            },
            StateFile {
                role: "system log".into(),
                names: "messages, messages.0".into(),
                size: 2048,
            },
        ],
    };
    assert_eq!(
        storage(&s),
        "Filesystem              Size       Used      Avail  Capacity   Mounted on\n\
         /dev/vda                 20G       1.2G        17G        7%  /\n\
         \n\
         State directory: /var/lib/l2tpd\n\
         Files                    Size  Contents\n\
         config.db                1.5M  configuration database (active, candidates, 2 rollback revisions)\n\
         messages, messages.0     2.0K  system log\n\
         Total                    1.5M\n"
    );
}

#[test]
fn log_listing_and_content() {
    let file = |name: &str, size: u64| LogFile {
        name: name.into(),
        permissions: "-rw-------".into(),
        links: 1,
        owner: "root".into(),
        group: "root".into(),
        size,
        blocks: 8,
        modified: NOW,
    };
    let l = LogFiles {
        directory: "/var/lib/l2tpd".into(),
        files: vec![file("messages", 512), file("messages.0", 1_048_570)],
    };
    assert_eq!(
        log_files(&l),
        "total 16\n\
         -rw-------  1 root  root      512 Dec  3 18:20 messages\n\
         -rw-------  1 root  root  1048570 Dec  3 18:20 messages.0\n"
    );
    let c = LogContent {
        file: "messages".into(),
        lines: vec!["a".into(), "b".into()],
    };
    assert_eq!(log_content(&c), "a\nb\n");
}

#[test]
fn system_statistics_layout() {
    use schema::system_rpc::{RejectAnswers, StatisticsProtocol};
    let shown = |unreachables_sent, unreachables_suppressed, protocol| {
        let answers = RejectAnswers {
            unreachables_sent,
            unreachables_suppressed,
            resets_sent: 6,
            resets_suppressed: 2,
        };
        system_statistics(&SystemStatistics::of_answers(answers, protocol))
    };
    assert_eq!(
        shown(5000, 12, StatisticsProtocol::Icmp),
        "icmp:\n        12 drops due to rate limit\n        5012 calls to icmp_error\n        \
         Output Histogram\n                5000 destination unreachable\n"
    );
    assert_eq!(
        shown(0, 3, StatisticsProtocol::Icmp),
        "icmp:\n        3 drops due to rate limit\n        3 calls to icmp_error\n",
        "an empty histogram is left out"
    );
    let tcp = "Tcp:\n        6 packets sent\n                6 control packets\n        \
               6 RST packets\n        2 outgoing segments dropped due to policing\n";
    assert_eq!(shown(0, 3, StatisticsProtocol::Tcp), tcp);
    assert_eq!(
        shown(0, 3, StatisticsProtocol::All),
        format!("{tcp}icmp:\n        3 drops due to rate limit\n        3 calls to icmp_error\n")
    );
}
