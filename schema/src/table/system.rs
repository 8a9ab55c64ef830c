//! `[edit system]`.

use super::{NAME, PORT, TEXT};
use crate::def::*;

/// A syslog `archive` (one line, as Junos shows it): its size and number of files, then the
/// statements every archive takes.
macro_rules! syslog_archive {
    ($size:expr, $files:expr) => {
        container(
            "archive",
            "Archive file information",
            &[
                $size,
                $files,
                SYSLOG_WORLD_READABLE,
                SYSLOG_NO_WORLD_READABLE,
                SYSLOG_BINARY_DATA,
                SYSLOG_NO_BINARY_DATA,
                SYSLOG_START_TIME,
                SYSLOG_TRANSFER_INTERVAL,
            ],
        )
        .one_line()
        .exclusive(SYSLOG_ARCHIVE_EXCLUSIVE)
    };
}

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
        // Host-level statements (this one and each below with `no_effect`): the Linux host under
        // l2tpd owns what they set. They are taken so that a Junos configuration loads whole,
        // shown as written in Junos' order, and each one warns at commit that it has no effect
        // (never silently ignored).
        leaf(
            "domain-name",
            Type::Identifier { max_len: 255 },
            "Domain name for this router",
        )
        .no_effect(HOST_RESOLVER),
        leaf_list(
            "domain-search",
            Type::Identifier { max_len: 255 },
            "Domains to search when a name is not fully qualified",
        )
        .no_effect(HOST_RESOLVER),
        // Junos: `backup-router ADDRESS <destination [ PREFIXES ]>;`, one line.
        list(
            "backup-router",
            Type::Ipv4,
            "Router used while the routing protocols are not running",
            // Junos takes `destination [ P1 P2 ]` too; one prefix here keeps the line one.
            &[leaf(
                "destination",
                Type::Ipv4Prefix,
                "Destination reached through the backup router",
            )],
        )
        .one_line()
        .no_effect(HOST_ROUTES),
        // Junos: an IANA name, UTC, or GMT+N / GMT-N (POSIX sign); checked at commit
        // (schema/src/timezone.rs).
        leaf(
            "time-zone",
            Type::Str { max_len: 64 },
            "Time zone name or POSIX-compliant time zone string",
        ),
        // Of Junos' internet-options only the ICMPv4 rate limit: it bounds the answers of
        // `reject` terms (l2tpd/src/firewall/icmp_limit.rs); the others set the host's IP
        // The host's IP stack answers these (sysctl): Junos prints them after time-zone.
        flag("no-redirects", "Disable ICMP redirects").no_effect(HOST_STACK),
        flag(
            "no-ping-record-route",
            "Do not insert IP address in ping replies",
        )
        .no_effect(HOST_STACK),
        flag(
            "no-ping-time-stamp",
            "Do not insert time stamp in ping replies",
        )
        .no_effect(HOST_STACK),
        container(
            "arp",
            "ARP settings",
            &[
                leaf("aging-timer", uint(1, 600), "Change the ARP aging time (minutes)"),
                flag("passive-learning", "Learn ARP from requests to us"),
                flag("purging", "Purge ARP entries of links that go down"),
            ],
        )
        .no_effect(HOST_STACK),
        // stack and are reported as not supported (parse/unsupported.rs).
        container(
            "internet-options",
            "Tunable options for internet operation",
            &[
            container(
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
            .one_line(),
            // The rest is the host's TCP/IP stack's, in Junos' order.
            container(
                "icmpv6-rate-limit",
                "Rate-limiting parameters for ICMPv6 messages",
                &[
                    leaf("bucket-size", uint(0, 4294967295), "Maximum bucket size (seconds)"),
                    leaf("packet-rate", uint(0, 4294967295), "Packets earned per second"),
                ],
            )
            .one_line()
            .no_effect("the router sends no ICMPv6"),
            flag("no-source-quench", "Do not react to ICMP source quench").no_effect(HOST_STACK),
            flag("tcp-drop-synfin-set", "Drop TCP segments with SYN and FIN set")
                .no_effect(HOST_STACK),
            flag("path-mtu-discovery", "Enable path MTU discovery for TCP").no_effect(HOST_STACK),
            flag("no-path-mtu-discovery", "Disable path MTU discovery for TCP")
                .no_effect(HOST_STACK),
            flag("no-ipv6-path-mtu-discovery", "Disable IPv6 path MTU discovery")
                .no_effect(HOST_STACK),
            leaf(
                "no-tcp-reset",
                Type::Enum(&["drop-all-tcp", "drop-tcp-with-syn-only"]),
                "Do not send RST for TCP segments to closed ports",
            )
            .no_effect(HOST_STACK),
            leaf("tcp-mss", uint(64, 65535), "Maximum segment size of TCP connections")
                .no_effect(HOST_STACK),
        ],
        )
        .exclusive(&[&["path-mtu-discovery", "no-path-mtu-discovery"]]),
        leaf_list(
            "authentication-order",
            Type::Enum(&["password", "radius", "tacplus"]),
            "Order in which authentication methods are tried",
        )
        .no_effect(HOST_LOGIN),
        container(
            "location",
            "Location of the system",
            &[
                leaf("altitude", uint(0, 100_000), "Feet above sea level"),
                leaf("building", TEXT, "Building name"),
                leaf("country-code", TEXT, "Two-letter country code"),
                leaf("floor", uint(0, 1000), "Floor of the building"),
                leaf("lat-long", TEXT, "Latitude and longitude"),
                leaf("postal-code", TEXT, "Postal code"),
                leaf("rack", uint(0, 1000), "Rack number"),
            ],
        )
        .no_effect("the system's location is SNMP's sysLocation here (snmp location)"),
        container(
            "ports",
            "Craft interface ports",
            &[
                // Junos prints `console log-out-on-disconnect;` on one line.
                container("console", "Console port", PORT_SETTINGS).one_line(),
                container("auxiliary", "Auxiliary port", PORT_SETTINGS).one_line(),
            ],
        )
        .no_effect("the host's consoles are the host's"),
        container(
            "root-authentication",
            "Authentication methods for root",
            AUTHENTICATION,
        )
        .no_effect("the host's root account is set on the host"),
        // Junos prints `name-server { A; B; }`.
        list("name-server", Type::Ipv4, "DNS name servers", &[])
            .grouped()
            .no_effect(HOST_RESOLVER),
        // Junos: the RADIUS servers of operators' logins (not subscribers': those are
        // `access radius-server`).
        list(
            "radius-server",
            Type::IpAddr,
            "RADIUS servers for operator logins",
            LOGIN_SERVER,
        )
        .grouped()
        .no_effect(HOST_LOGIN),
        list(
            "tacplus-server",
            Type::IpAddr,
            "TACACS+ servers for operator logins",
            LOGIN_SERVER,
        )
        .grouped()
        .no_effect(HOST_LOGIN),
        list(
            "static-host-mapping",
            Type::Identifier { max_len: 255 },
            "Static hostname database mapping",
            &[
                leaf_list("inet", Type::Ipv4, "IPv4 addresses of the host"),
                leaf_list(
                    "alias",
                    Type::Identifier { max_len: 255 },
                    "Other names of the host",
                ),
            ],
        )
        .grouped()
        .no_effect("host names are the host's (/etc/hosts)"),
        container(
            "login",
            "Names, login classes, and passwords for users",
            &[
                // Both print before the classes and users, `\n` and `\t` in them a new
                // line and a tab. The announcement is shown once logged in, after the
                // message at a terminal.
                leaf("announcement", TEXT, "System announcement after login"),
                // Junos: shown before a user logs in.
                leaf("message", TEXT, "System login message"),
                container(
                    "retry-options",
                    "Login failures before the connection is dropped",
                    &[
                        leaf(
                            "tries-before-disconnect",
                            uint(1, 10),
                            "Failed logins before the connection is dropped",
                        ),
                        leaf("backoff-threshold", uint(1, 3), "Failures before a delay"),
                        leaf("backoff-factor", uint(5, 10), "Delay per failure (seconds)"),
                        leaf("minimum-time", uint(20, 60), "Least time a login may take"),
                        leaf("maximum-time", uint(20, 300), "Longest time a login may take"),
                        leaf("lockout-period", uint(1, 43200), "Lockout (minutes)"),
                    ],
                )
                .no_effect(HOST_LOGIN),
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
                        flag("login-alarms", "Display system alarms at login")
                            .no_effect("the router raises no system alarms"),
                        flag("login-tip", "Display a CLI tip at login")
                            .no_effect("the shell has no tips to show"),
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
                        // Junos 11.2: several expressions, any of which allows (or denies);
                        // a class takes these or the one-expression form above, not both
                        // (checked at commit: validate/system.rs).
                        leaf_list(
                            "allow-configuration-regexps",
                            TEXT,
                            "Regular expressions for configure to allow explicitly",
                        ),
                        leaf_list(
                            "deny-configuration-regexps",
                            TEXT,
                            "Regular expressions for configure to deny explicitly",
                        ),
                        flag(
                            "configuration-breadcrumbs",
                            "Display configuration breadcrumbs in the CLI",
                        )
                        .no_effect("the shell shows the [edit ...] level, not breadcrumbs"),
                    ],
                ),
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
                container(
                    "password",
                    "Password rules for local users",
                    &[
                        leaf("minimum-length", uint(6, 20), "Shortest password"),
                        leaf("maximum-length", uint(20, 128), "Longest password"),
                        leaf(
                            "change-type",
                            Type::Enum(&["character-sets", "set-transitions"]),
                            "What counts as a change of character",
                        ),
                        leaf("minimum-changes", uint(0, 15), "Changes of character set"),
                        leaf("minimum-numerics", uint(0, 128), "Digits"),
                        leaf("minimum-upper-cases", uint(0, 128), "Upper-case letters"),
                        leaf("minimum-lower-cases", uint(0, 128), "Lower-case letters"),
                        leaf("minimum-punctuations", uint(0, 128), "Punctuation marks"),
                        leaf(
                            "format",
                            Type::Enum(&["md5", "sha1", "sha256", "sha512", "des"]),
                            "Hash of stored passwords",
                        ),
                    ],
                )
                .no_effect("passwords are the host's accounts' (pam_pwquality)"),
            ],
        ),
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
                        flag("no-tcp-forwarding", "Do not allow TCP forwarding"),
                        leaf(
                            "protocol-version",
                            Type::Enum(&["v2"]),
                            "Specify ssh protocol versions supported",
                        ),
                        leaf(
                            "max-sessions-per-connection",
                            uint(1, 65535),
                            "Maximum sessions on one connection",
                        ),
                        leaf_list("ciphers", NAME, "Ciphers the server allows"),
                        leaf_list("macs", NAME, "Message authentication codes allowed"),
                        leaf_list("key-exchange", NAME, "Key exchange methods allowed"),
                        leaf(
                            "client-alive-count-max",
                            uint(0, 255),
                            "Alive messages without an answer before disconnecting",
                        ),
                        leaf(
                            "client-alive-interval",
                            uint(0, 65535),
                            "Seconds between alive messages",
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
                        leaf("port", PORT, "Port number to accept SSH connections on")
                            .default("22"),
                        flag("sftp-server", "Allow incoming SFTP connections"),
                    ],
                ),
                container(
                    "netconf",
                    "Allow NETCONF connections",
                    &[
                        // Junos: `ssh;`, or `ssh { port 830; }`.
                        container(
                            "ssh",
                            "Allow NETCONF connections over SSH",
                            &[leaf("port", PORT, "Port number to accept NETCONF over SSH on")
                                .default("830")],
                        )
                        .presence(),
                        flag(
                            "rfc-compliant",
                            "Answer NETCONF as RFC 4741 and RFC 6241 write it",
                        ),
                    ],
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
        // Junos' syslog stanza, loaded and shown as Junos writes it. The daemon's log
        // (l2tpd/src/log/) honours its files and hosts; docs/system-log.md says how.
        container(
            "syslog",
            "System logging facility",
            &[
                // Junos' defaults for every file (1 MB, ten archived copies, owner only),
                // which a file's own `archive` overrides.
                syslog_archive!(
                    SYSLOG_ARCHIVE_SIZE.default("1m"),
                    SYSLOG_ARCHIVE_FILES.default("10")
                ),
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
                // Junos checks its files' sizes every N minutes (1..59, 15 by default);
                // here a file is rotated as it is written past its size.
                leaf(
                    "log-rotate-frequency",
                    uint(1, 59),
                    "Rotate log frequency (minutes)",
                )
                .no_effect("a log file is rotated as soon as a write takes it past its archive size"),
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
        container(
            "archival",
            "System archival management",
            &[container(
                "configuration",
                "Automatic configuration archival",
                &[
                    flag("transfer-on-commit", "Transfer after each commit"),
                    leaf(
                        "transfer-interval",
                        uint(15, 2880),
                        "Frequency of the transfer (minutes)",
                    ),
                    // Junos: `archive-sites { "URL" password "SECRET"; }`.
                    list(
                        "archive-sites",
                        Type::Str { max_len: 1024 },
                        "Where the configuration is transferred",
                        &[leaf("password", Type::Secret, "Password for the site")],
                    )
                    .grouped()
                    .one_line(),
                ],
            )],
        )
        .no_effect(
            "each commit is kept by the daemon (show system commit, rollback N); copying the revisions off the host is the host's (cron, scp of the state directory)",
        ),
        container(
            "commit",
            "Configuration commit options",
            &[flag(
                "synchronize",
                "Synchronize commit on both Routing Engines by default",
            )],
        )
        .no_effect("there is one routing engine"),
        leaf(
            "max-configurations-on-flash",
            uint(0, 49),
            "Number of configuration files stored on flash",
        )
        .no_effect("there is no flash: every revision is in the state directory's database"),
        // Junos: boot from the backup root partition copies it over the primary.
        flag(
            "auto-snapshot",
            "Copy the root partition the system booted from over the failed one",
        )
        .no_effect("the host's boot disks and their recovery are the host's"),
        // Junos 17.3: the management interface in the `mgmt_junos` routing instance.
        flag(
            "management-instance",
            "Put the management interface in its own routing instance (mgmt_junos)",
        )
        .no_effect("the host's management interface and its routing are the host's (ip vrf)"),
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
        container(
            "ntp",
            "Network Time Protocol services",
            &[
                leaf(
                    "source-address",
                    Type::IpAddr,
                    "Source address of NTP requests",
                ),
                leaf(
                    "boot-server",
                    Type::Ipv4,
                    "Server to query during boot sequence",
                ),
                // Junos: `authentication-key 1 type md5 value "$9$..."; ## SECRET-DATA`.
                list(
                    "authentication-key",
                    NTP_KEY,
                    "Authentication key information",
                    &[
                        leaf(
                            "type",
                            Type::Enum(&["md5", "sha1", "sha256"]),
                            "Authentication key type",
                        ),
                        leaf("value", Type::Secret, "Authentication key value"),
                    ],
                )
                .one_line(),
                list("peer", Type::Ipv4, "Configure an NTP peer", NTP_ASSOCIATION).one_line(),
                list(
                    "server",
                    Type::Ipv4,
                    "Configure an NTP server",
                    NTP_ASSOCIATION,
                )
                // Junos: `server 198.18.123.1 prefer;`.
                .one_line(),
                leaf_list("trusted-key", NTP_KEY, "List of trusted authentication keys"),
            ],
        )
        .no_effect("the host keeps the time (chrony, ntpd or systemd-timesyncd)"),
    ],
);

/// An NTP key number (Junos: 1..65534).
const NTP_KEY: Type = Type::Uint { min: 1, max: 65534 };

/// What an NTP `server` or `peer` takes: `server 198.18.123.1 key 1 prefer;`.
const NTP_ASSOCIATION: &[Stmt] = &[
    leaf("key", NTP_KEY, "Authentication key"),
    flag("prefer", "Prefer this peer_key"),
    leaf(
        "routing-instance",
        NAME,
        "Routing instance the association is reached in",
    ),
    leaf("version", uint(1, 4), "NTP version to use"),
];

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

/// syslog (System), 12.1X47 and 12.2: Junos marks an archived file binary for its transfer,
/// and sends archived files to `archive-sites` from `start-time` every `transfer-interval`.
/// This router's log files are text and are not sent anywhere: loaded so a Junos syslog
/// stanza pastes whole.
const SYSLOG_BINARY_DATA: Stmt = flag("binary-data", "Mark file as if it contains binary data")
    .no_effect(SYSLOG_NOT_TRANSFERRED);
const SYSLOG_NO_BINARY_DATA: Stmt = flag(
    "no-binary-data",
    "Don't mark file as if it contains binary data",
)
.no_effect(SYSLOG_NOT_TRANSFERRED);
const SYSLOG_START_TIME: Stmt = leaf(
    "start-time",
    Type::Str { max_len: 16 },
    "Start time for file transmission (yyyy-mm-dd.hh:mm)",
)
.no_effect(SYSLOG_NOT_TRANSFERRED);
const SYSLOG_TRANSFER_INTERVAL: Stmt = leaf(
    "transfer-interval",
    uint(5, 2880),
    "Frequency at which to transfer files to archive sites (minutes)",
)
.no_effect(SYSLOG_NOT_TRANSFERRED);
const SYSLOG_NOT_TRANSFERRED: &str =
    "archived log files are kept on the host, as text, and not transferred to archive sites";
/// Junos' two pairs of alternatives in an `archive`.
const SYSLOG_ARCHIVE_EXCLUSIVE: &[&[&str]] = &[
    &["world-readable", "no-world-readable"],
    &["binary-data", "no-binary-data"],
];

/// `file NAME { any notice; archive size 1m files 10; }`: what its `archive` leaves out is
/// `[edit system syslog archive]`'s.
const SYSLOG_FILE: &[Stmt] = syslog_facilities!(
    SYSLOG_MATCH,
    syslog_archive!(SYSLOG_ARCHIVE_SIZE, SYSLOG_ARCHIVE_FILES),
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
const HOST_STACK: &str = "the host's IP stack does this (sysctl net.ipv4)";
const HOST_ROUTES: &str = "the host's routes are the host's (ip route)";
const HOST_LOGIN: &str =
    "operators log in to the host (its PAM decides how: pam_radius, pam_tacplus); cli runs there";

/// A `radius-server` or `tacplus-server` for operators' logins.
const LOGIN_SERVER: &[Stmt] = &[
    leaf("port", uint(1, 65535), "Server port"),
    leaf(
        "accounting-port",
        uint(1, 65535),
        "Accounting port (RADIUS)",
    ),
    leaf("secret", Type::Secret, "Shared secret with the server"),
    leaf("timeout", uint(1, 90), "Request timeout (seconds)"),
    leaf("retry", uint(1, 100), "Retry attempts (RADIUS)"),
    flag(
        "single-connection",
        "One connection for all requests (TACACS+)",
    ),
    leaf(
        "source-address",
        Type::IpAddr,
        "Use specified address as source address",
    ),
    leaf("routing-instance", NAME, "Routing instance"),
];

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
