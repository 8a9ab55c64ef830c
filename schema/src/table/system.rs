//! `[edit system]`.

use super::{NAME, TEXT};
use crate::def::*;

pub(super) const SYSTEM: Stmt = container(
    "system",
    "System parameters",
    &[
        // RFC 1035 caps a full domain name at 255 octets.
        leaf(
            "host-name",
            Type::Identifier { max_len: 255 },
            "Hostname for this router",
        ),
        // Junos: an IANA name, UTC, or GMT+N / GMT-N (POSIX sign); checked at commit
        // (schema/src/timezone.rs).
        leaf(
            "time-zone",
            Type::Str { max_len: 64 },
            "Time zone name or POSIX-compliant time zone string",
        ),
        container(
            "login",
            "Names, login classes, and passwords for users",
            &[
                // User-defined classes: mapped onto the daemon's rights in
                // l2tpd/src/mgmt/rights.rs (docs/login-classes.md).
                list(
                    "class",
                    NAME,
                    "Login class",
                    &[
                        // The shell warns and closes an idle session of the class; the
                        // daemon closes its management session too (schema/src/idle.rs).
                        leaf(
                            "idle-timeout",
                            uint(0, 4294967295),
                            "Maximum idle time before logout (minutes)",
                        ),
                        leaf_list(
                            "permissions",
                            Type::Enum(PERMISSIONS),
                            "Set of permitted operation categories",
                        ),
                        leaf(
                            "allow-commands",
                            TEXT,
                            "Regular expression for commands to allow explicitly",
                        ),
                        leaf(
                            "allow-configuration",
                            TEXT,
                            "Regular expression for configure to allow explicitly",
                        ),
                        leaf(
                            "deny-commands",
                            TEXT,
                            "Regular expression for commands to deny explicitly",
                        ),
                        leaf(
                            "deny-configuration",
                            TEXT,
                            "Regular expression for configure to deny explicitly",
                        ),
                    ],
                ),
                // Junos: shown before a user logs in; `\n` and `\t` in it are a new line
                // and a tab.
                leaf("message", TEXT, "System login message"),
                list(
                    "user",
                    NAME,
                    "Username",
                    &[
                        // Junos shows full-name, uid, class, authentication, in that order.
                        leaf("full-name", TEXT, "Full name"),
                        // Junos range: below 100 is reserved for system accounts.
                        leaf("uid", uint(100, 64000), "User identifier (uid)")
                            .no_effect("users are the host's accounts, with the host's uid"),
                        // A predefined class (PREDEFINED_CLASSES) or a `login class`:
                        // checked at commit (validate/system.rs).
                        leaf("class", NAME, "Login class").mandatory(),
                        container("authentication", "Authentication method", AUTHENTICATION)
                            .no_effect(
                                "users are the host's accounts: their passwords and SSH keys \
                                 are set on the host",
                            ),
                    ],
                ),
            ],
        ),
        // Junos' syslog stanza, loaded and shown as Junos writes it. The daemon's log
        // (l2tpd/src/log/) honours its files and hosts; docs/system-log.md says how.
        container(
            "syslog",
            "System logging facility",
            &[
                // Junos' defaults for every file (1 MB, ten archived copies, owner only),
                // which a file's own `archive` overrides.
                container(
                    "archive",
                    "Archive file information",
                    &[
                        SYSLOG_ARCHIVE_SIZE.default("1m"),
                        SYSLOG_ARCHIVE_FILES.default("10"),
                        SYSLOG_WORLD_READABLE,
                        SYSLOG_NO_WORLD_READABLE,
                    ],
                )
                .one_line(),
                list(
                    "user",
                    Type::Str { max_len: 63 },
                    "Notify a user of the event",
                    SYSLOG_USER,
                ),
                list(
                    "host",
                    Type::Identifier { max_len: 255 },
                    "Host to be notified",
                    SYSLOG_HOST,
                ),
                list("file", NAME, "File in which to log data", SYSLOG_FILE),
                // `console { any critical; }`: the system console (/dev/console).
                container("console", "Console logging", SYSLOG_CONSOLE),
                SYSLOG_ALLOW_DUPLICATES,
                container(
                    "time-format",
                    "Additional information to include in system log timestamp",
                    &[
                        flag("year", "Include year in timestamp"),
                        flag("millisecond", "Include milliseconds in timestamp"),
                    ],
                )
                .one_line(),
                leaf(
                    "source-address",
                    Type::Ipv4,
                    "Use specified address as source address",
                ),
            ],
        ),
        // Of Junos' internet-options only the ICMPv4 rate limit: it bounds the answers of
        // `reject` terms (l2tpd/src/firewall/icmp_limit.rs); the others set the host's IP
        // stack and are reported as not supported (parse/unsupported.rs).
        container(
            "internet-options",
            "Tunable options for internet operation",
            &[container(
                "icmpv4-rate-limit",
                "Rate-limiting parameters for ICMPv4 messages",
                &[
                    leaf(
                        "bucket-size",
                        uint(0, 4294967295),
                        "ICMP rate-limiting maximum bucket size (seconds)",
                    )
                    .default("5"),
                    leaf(
                        "packet-rate",
                        uint(0, 4294967295),
                        "ICMP rate-limiting packets earned per second",
                    )
                    .default("1000"),
                ],
            )
            .one_line()],
        ),
        // Host-level statements: the Linux host under l2tpd owns what they set. They are taken
        // so that a Junos configuration loads whole, shown as written, and each one warns at
        // commit that it has no effect (never silently ignored).
        leaf(
            "domain-name",
            Type::Identifier { max_len: 255 },
            "Domain name for this router",
        )
        .no_effect(HOST_RESOLVER),
        list("name-server", Type::Ipv4, "DNS name servers", &[]).no_effect(HOST_RESOLVER),
        container(
            "ntp",
            "Network Time Protocol services",
            &[
                leaf(
                    "boot-server",
                    Type::Ipv4,
                    "Server to query during boot sequence",
                ),
                list(
                    "server",
                    Type::Ipv4,
                    "Configure an NTP server",
                    &[
                        flag("prefer", "Prefer this peer_key"),
                        leaf("version", uint(1, 4), "NTP version to use"),
                    ],
                ),
            ],
        )
        .no_effect("the host keeps the time (chrony, ntpd or systemd-timesyncd)"),
        container(
            "services",
            "System services",
            &[
                container(
                    "ssh",
                    "Allow ssh access",
                    &[
                        leaf(
                            "root-login",
                            Type::Enum(&["allow", "deny", "deny-password"]),
                            "Configure root access via ssh",
                        ),
                        leaf(
                            "protocol-version",
                            Type::Enum(&["v2"]),
                            "Specify ssh protocol versions supported",
                        ),
                        leaf(
                            "connection-limit",
                            uint(1, 250),
                            "Limit number of simultaneous connections",
                        ),
                        leaf(
                            "rate-limit",
                            uint(1, 250),
                            "Limit incoming connection rate (per minute)",
                        ),
                    ],
                ),
                container(
                    "netconf",
                    "Allow NETCONF connections",
                    &[flag("ssh", "Allow NETCONF connections over SSH")],
                ),
                // Junos MX: the subscriber management daemons (`enable` needs a reboot
                // there); here subscriber management is what l2tpd does.
                container(
                    "subscriber-management",
                    "Subscriber management",
                    &[flag("enable", "Enable enhanced subscriber management")],
                ),
            ],
        )
        .no_effect("the host runs its services (sshd gives access, cli runs there); subscriber management is what l2tpd does"),
        container(
            "root-authentication",
            "Authentication methods for root",
            AUTHENTICATION,
        )
        .no_effect("the host's root account is set on the host"),
        container(
            "commit",
            "Configuration commit options",
            &[flag(
                "synchronize",
                "Synchronize commit on both Routing Engines by default",
            )],
        )
        .no_effect("there is one routing engine"),
        container(
            "ports",
            "Craft interface ports",
            &[
                container("console", "Console port", PORT_SETTINGS),
                container("auxiliary", "Auxiliary port", PORT_SETTINGS),
            ],
        )
        .no_effect("the host's consoles are the host's"),
        // Junos' daemons, each by its name (`general-authentication-service`, `routing`,
        // ...): this router is one daemon, and its host runs the rest.
        list("processes", NAME, "Process control", PROCESS)
            .grouped()
            .no_effect("l2tpd is one daemon; its trace file is services l2tp traceoptions"),
        // Junos' configuration database sizing (subscriber management's memory map).
        container(
            "configuration-database",
            "Configuration database parameters",
            &[
                leaf(
                    "max-db-size",
                    Type::Size {
                        min: 1,
                        max: u64::MAX,
                    },
                    "Maximum size of the configuration database (bytes)",
                ),
                container(
                    "virtual-memory-mapping",
                    "Virtual memory mapping of the database",
                    &[list(
                        "process-set",
                        NAME,
                        "Processes the mapping applies to",
                        &[
                            leaf("fixed-size", uint(1, u32::MAX as u64), "Fixed size (KB)"),
                            leaf(
                                "page-pooling-size",
                                uint(1, u32::MAX as u64),
                                "Page pooling size (KB)",
                            ),
                        ],
                    )],
                ),
            ],
        )
        .no_effect("the configuration database is sized by what it holds"),
        // Junos: `dynamic-profile-options { versioning; }` keeps the profile a subscriber
        // logged in with while the profile changes; this router always does.
        container(
            "dynamic-profile-options",
            "Dynamic profile options",
            &[flag(
                "versioning",
                "Keep each subscriber's version of a changed profile",
            )],
        ),
    ],
);

/// A Junos daemon under `system processes`.
const PROCESS: &[Stmt] = &[
    flag("disable", "Disable the process"),
    flag("enable", "Enable the process"),
    container(
        "traceoptions",
        "Trace options of the process",
        &[
            super::services::TRACE_FILE,
            list("flag", NAME, "Tracing parameters", &[]),
            leaf("level", NAME, "Level of debugging output"),
        ],
    ),
];

/// Junos' syslog severities, lowest first after `any`; `none` turns a facility off.
const SYSLOG_LEVEL: Type = Type::Enum(&[
    "any",
    "emergency",
    "alert",
    "critical",
    "error",
    "warning",
    "notice",
    "info",
    "none",
]);

/// `any notice; authorization info;`: each facility is a statement whose value is a level.
/// One list of Junos' facilities for `user`, `host` and `file`, each followed by the
/// statements of its own (a const slice cannot be extended, hence the macro).
macro_rules! syslog_facilities {
    ($($own:expr),* $(,)?) => {
        &[
            leaf("any", SYSLOG_LEVEL, "All facilities"),
            leaf("authorization", SYSLOG_LEVEL, "Authorization system"),
            leaf("change-log", SYSLOG_LEVEL, "Configuration change log"),
            leaf("conflict-log", SYSLOG_LEVEL, "Configuration conflict log"),
            leaf("daemon", SYSLOG_LEVEL, "Various system processes"),
            leaf("external", SYSLOG_LEVEL, "Local external applications"),
            leaf("firewall", SYSLOG_LEVEL, "Firewall filtering system"),
            leaf("ftp", SYSLOG_LEVEL, "FTP process"),
            leaf(
                "interactive-commands",
                SYSLOG_LEVEL,
                "Commands executed by the UI",
            ),
            leaf("kernel", SYSLOG_LEVEL, "Kernel"),
            leaf("ntp", SYSLOG_LEVEL, "NTP process"),
            leaf("pfe", SYSLOG_LEVEL, "Packet Forwarding Engine"),
            leaf("security", SYSLOG_LEVEL, "Security related"),
            leaf("user", SYSLOG_LEVEL, "User processes"),
            $($own),*
        ]
    };
}

/// `match "RE"`: only messages the regular expression finds something in (checked at commit).
const SYSLOG_MATCH: Stmt = leaf(
    "match",
    Type::Str { max_len: 255 },
    "Regular expression for lines to be logged",
);

/// `explicit-priority`: `%FACILITY-SEVERITY-TAG` before each message.
const SYSLOG_EXPLICIT_PRIORITY: Stmt = flag(
    "explicit-priority",
    "Include priority and facility in messages",
);

/// `allow-duplicates`: every message written, instead of syslogd's `last message repeated N
/// times` (globally, or for one file, host or user).
const SYSLOG_ALLOW_DUPLICATES: Stmt =
    flag("allow-duplicates", "Do not suppress the repeated message");

/// `structured-data { brief; }`: RFC 5424 lines; `brief` leaves out the English text after
/// the structured data.
const SYSLOG_STRUCTURED_DATA: Stmt = container(
    "structured-data",
    "Log system message in structured format",
    &[flag(
        "brief",
        "Omit English-language text from end of logged message",
    )],
);

/// `user * { any emergency; }`.
const SYSLOG_USER: &[Stmt] = syslog_facilities!(SYSLOG_MATCH, SYSLOG_ALLOW_DUPLICATES);

/// `console { any critical; }`: only facilities and levels, as Junos has.
const SYSLOG_CONSOLE: &[Stmt] = syslog_facilities!();

/// `host A { any any; port 514; }`.
const SYSLOG_HOST: &[Stmt] = syslog_facilities!(
    SYSLOG_MATCH,
    leaf("port", uint(1, 65535), "Port number").default("514"),
    leaf(
        "facility-override",
        Type::Enum(&[
            "authorization",
            "daemon",
            "ftp",
            "kernel",
            "local0",
            "local1",
            "local2",
            "local3",
            "local4",
            "local5",
            "local6",
            "local7",
            "user",
        ]),
        "Alternate facility for logging to remote host",
    ),
    leaf(
        "log-prefix",
        Type::Identifier { max_len: 63 },
        "Prefix for all logging to this host",
    ),
    leaf(
        "source-address",
        Type::Ipv4,
        "Use specified address as source address",
    ),
    SYSLOG_EXPLICIT_PRIORITY,
    SYSLOG_STRUCTURED_DATA,
    SYSLOG_ALLOW_DUPLICATES,
);

const SYSLOG_ARCHIVE_SIZE: Stmt = leaf(
    "size",
    Type::Size {
        min: 65536,
        max: 1 << 30,
    },
    "Size of files to be archived",
);
const SYSLOG_ARCHIVE_FILES: Stmt = leaf("files", uint(1, 1000), "Number of files to be archived");
const SYSLOG_WORLD_READABLE: Stmt = flag("world-readable", "Allow any user to read the log file");
const SYSLOG_NO_WORLD_READABLE: Stmt = flag(
    "no-world-readable",
    "Don't allow all users to read the log file",
);

/// `file NAME { any notice; archive size 1m files 10; }`: what its `archive` leaves out is
/// `[edit system syslog archive]`'s.
const SYSLOG_FILE: &[Stmt] = syslog_facilities!(
    SYSLOG_MATCH,
    container(
        "archive",
        "Archive file information",
        &[
            SYSLOG_ARCHIVE_SIZE,
            SYSLOG_ARCHIVE_FILES,
            SYSLOG_WORLD_READABLE,
            SYSLOG_NO_WORLD_READABLE,
        ],
    )
    .one_line(),
    SYSLOG_EXPLICIT_PRIORITY,
    SYSLOG_STRUCTURED_DATA,
    SYSLOG_ALLOW_DUPLICATES,
);

/// Junos' predefined login classes, which `system login class` may not redefine.
pub const PREDEFINED_CLASSES: &[&str] = &["operator", "read-only", "super-user", "unauthorized"];

/// Junos' permission flags, as `permissions [ ... ]` takes them. Which ones the router acts on
/// is in l2tpd/src/mgmt/rights.rs; the others are accepted so a Junos class loads whole.
pub const PERMISSIONS: &[&str] = &[
    "access",
    "access-control",
    "admin",
    "admin-control",
    "all",
    "clear",
    "configure",
    "control",
    "field",
    "firewall",
    "firewall-control",
    "floppy",
    "flow-tap",
    "flow-tap-control",
    "flow-tap-operation",
    "idp-profiler-operation",
    "interface",
    "interface-control",
    "maintenance",
    "network",
    "pgcp-session-mirroring",
    "pgcp-session-mirroring-control",
    "reset",
    "rollback",
    "routing",
    "routing-control",
    "secret",
    "secret-control",
    "security",
    "security-control",
    "shell",
    "snmp",
    "snmp-control",
    "storage",
    "storage-control",
    "system",
    "system-control",
    "trace",
    "trace-control",
    "unified-edge",
    "unified-edge-control",
    "view",
    "view-configuration",
];

const HOST_RESOLVER: &str = "names are resolved by the host's resolver (/etc/resolv.conf)";

/// `ports console|auxiliary { ... }`.
const PORT_SETTINGS: &[Stmt] = &[
    flag("disable", "Disable console"),
    flag("insecure", "Disallow superuser access"),
    flag(
        "log-out-on-disconnect",
        "Log out the console session when cable is unplugged",
    ),
    leaf(
        "type",
        Type::Enum(&["ansi", "small-xterm", "vt100", "xterm"]),
        "Terminal type",
    ),
];

/// A password or SSH keys (`root-authentication`, `login user U authentication`): Junos'
/// login methods, which on this router are the host accounts' own.
const AUTHENTICATION: &[Stmt] = &[
    leaf("encrypted-password", TEXT, "Encrypted password string"),
    list(
        "ssh-rsa",
        TEXT,
        "Secure shell (ssh) RSA public key string",
        &[],
    ),
    list(
        "ssh-ecdsa",
        TEXT,
        "Secure shell (ssh) ECDSA public key string",
        &[],
    ),
    list(
        "ssh-ed25519",
        TEXT,
        "Secure shell (ssh) ED25519 public key string",
        &[],
    ),
];
