//! The operational command tree: every command the shell offers in operational mode, with
//! its arguments and help text, and the command words of configuration mode.
//!
//! Like the configuration table, this is data written with `const` builders. The shell walks
//! it for abbreviations, Tab completion and `?` help, and maps a complete command to an
//! [`Action`]. A new operational command (`show services l2tp tunnel ...`) is one entry here,
//! one [`Action`] variant and the request the shell sends for it.

/// What the shell does once a command has been recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Configure,
    ConfigurePrivate,
    ConfigureExclusive,
    ShowConfiguration,
    ShowSystemCommit,
    ShowSystemUsers,
    TestL2tpTunnel,
    ShowL2tpSummary,
    ShowL2tpDestination,
    ShowL2tpTunnel,
    ShowL2tpSession,
    ShowL2tpDisconnectCauses,
    ClearL2tpDestination,
    ClearL2tpTunnel,
    ClearL2tpSession,
    ShowSnmpMibGet,
    ShowSnmpMibWalk,
    ShowSnmpStatistics,
    ShowSubscribers,
    ShowPppoeInterfaces,
    ShowPppoeStatistics,
    ShowPppoeServiceNameTables,
    /// `show ppp interface [NAME] [extensive | terse]` (schema/src/ppp_rpc.rs).
    ShowPppInterface,
    /// `show ppp summary`.
    ShowPppSummary,
    /// `show ppp statistics`.
    ShowPppStatistics,
    ShowAddressAssignmentPool,
    ClearPppoeSessions,
    ClearPppoeStatistics,
    ShowInterfaces,
    ClearNetworkAccessAaaSubscriber,
    /// `clear auto-configuration interfaces IFD.UNIT`: remove an auto-sensed VLAN's unit.
    ClearAutoConfigurationInterfaces,
    ShowAaaRadiusServers,
    ShowAaaStatistics,
    ShowAaaSubscribers,
    TestAaaPpp,
    ClearAaaStatistics,
    /// `show network-access terminate-code [aaa | dhcp | l2tp | ppp] [detail]`.
    ShowTerminateCode,
    // ---- firewall filters (schema/src/firewall_rpc.rs) ----
    /// `show firewall [filter NAME]`.
    ShowFirewall,
    /// `clear firewall (all | filter NAME)`.
    ClearFirewall,
    // ---- routes (schema/src/route_rpc.rs) ----
    /// `show route [PREFIX [exact]] [protocol P] [table T] [LEVEL]`, `show route summary`.
    ShowRoute,
    // ---- system and logs (schema/src/system_rpc.rs) ----
    ShowVersion,
    ShowSystemUptime,
    /// `show system statistics`: every protocol this router counts.
    ShowSystemStatistics,
    /// `show system statistics icmp`.
    ShowSystemStatisticsIcmp,
    /// `show system statistics tcp`.
    ShowSystemStatisticsTcp,
    ShowSystemProcesses,
    ShowSystemStorage,
    ShowLog,
    MonitorStart,
    MonitorStop,
    // `set cli ...` and `show cli`: the session's own settings.
    SetCli,
    ShowCli,
    Help,
    Exit,

    // ---- configuration mode ----
    Set,
    Delete,
    Edit,
    Up,
    Top,
    ExitConfigurationLevel,
    ExitConfigurationMode,
    Quit,
    Show,
    Status,
    Commit,
    Rollback,
    Load,
    Save,
    Run,
    Annotate,
    Deactivate,
    Activate,
    Rename,
    Copy,
    Insert,
    Update,
    ConfigHelp,

    // ---- configuration history, rescue, editing habits (issue 13) ----
    /// `show system rollback N [compare M]`.
    ShowSystemRollback,
    /// `show system configuration rescue`.
    ShowRescue,
    /// `request system configuration rescue save`.
    RescueSave,
    /// `request system configuration rescue delete`.
    RescueDelete,
    /// `clear system commit`.
    ClearSystemCommit,
    /// `help topic PATH` (both modes).
    HelpTopic,
    /// `help reference PATH` (both modes).
    HelpReference,
    /// `wildcard delete PATH REGEX`.
    WildcardDelete,
    /// `replace pattern OLD with NEW [upto N]`.
    ReplacePattern,
}

/// `help topic` and `help reference`, in both modes: the schema's help for a statement.
const HELP_CHILDREN: &[OpCmd] = &[
    word("reference", "Help for configuration statements")
        .action(Action::HelpReference)
        .rest(Rest::ConfigPath),
    word("topic", "Help for high-level topics")
        .action(Action::HelpTopic)
        .rest(Rest::ConfigPath),
];

/// `show system configuration rescue`.
const SHOW_SYSTEM_CONFIGURATION: OpCmd = cmd(
    "configuration",
    "Show configuration information",
    &[word("rescue", "Show rescue configuration")
        .action(Action::ShowRescue)
        .pipe()],
);

/// `show system rollback N [compare M]`.
const SHOW_SYSTEM_ROLLBACK: OpCmd = word("rollback", "Show rolled back configuration")
    .action(Action::ShowSystemRollback)
    .rest(Rest::Words {
        placeholder: "<number>",
        help: "Rollback number (0..49), then optionally 'compare' and another",
    })
    .needs(Needs::Words)
    .pipe();

/// `request system configuration rescue save|delete`.
const REQUEST: OpCmd = cmd(
    "request",
    "Make system-level requests",
    &[cmd(
        "system",
        "System operations",
        &[cmd(
            "configuration",
            "System configuration operations",
            &[cmd(
                "rescue",
                "Rescue configuration operations",
                &[
                    word("delete", "Delete rescue configuration").action(Action::RescueDelete),
                    word("save", "Save current configuration as rescue configuration")
                        .action(Action::RescueSave),
                ],
            )],
        )],
    )],
);

/// `clear system commit`.
const CLEAR_SYSTEM: OpCmd = cmd(
    "system",
    "Clear system information",
    &[word("commit", "Clear pending commit").action(Action::ClearSystemCommit)],
);

/// The object of `show snmp mib get | walk`.
const SNMP_OBJECT: Rest = Rest::Words {
    placeholder: "<object>",
    help: "Object name or OID (jnxL2tpStatsTotalTunnels.0, 1.3.6.1.4.1.2636.3.49)",
};

/// The optional `pp0.N` of `show pppoe interfaces` and `clear pppoe sessions`.
const PPPOE_INTERFACE: Rest = Rest::Words {
    placeholder: "<interface-name>",
    help: "PPPoE interface name (pp0.N); all when left out",
};

/// `show ppp interface [NAME] [extensive | terse]`, `show ppp summary`,
/// `show ppp statistics`: the PPP of each subscriber, at the LAC and at the LNS. Its own word
/// beside `pppoe`, so `show ppp` no longer abbreviates `show pppoe` (an exact name wins).
const SHOW_PPP: OpCmd = cmd(
    "ppp",
    "Show PPP process information",
    &[
        cmd(
            "interface",
            "Show PPP interface information",
            &[EXTENSIVE, TERSE],
        )
        .action(Action::ShowPppInterface)
        .options()
        .rest(Rest::Words {
            placeholder: "<interface-name>",
            help: "PPP session interface (pp0.N, si-0/0/0.N); all when left out",
        })
        .pipe(),
        word("statistics", "Show PPP statistics")
            .action(Action::ShowPppStatistics)
            .pipe(),
        word("summary", "Show PPP session counts by role and phase")
            .action(Action::ShowPppSummary)
            .pipe(),
    ],
);

/// The VLAN unit of `clear auto-configuration interfaces`.
const AUTO_VLAN_INTERFACE: Rest = Rest::Words {
    placeholder: "<interface-name>",
    help: "Auto-sensed VLAN interface (ge-1/0/0.1073741824)",
};

/// The optional pool of `show network-access address-assignment pool`.
const ADDRESS_POOL: Rest = Rest::Words {
    placeholder: "<pool-name>",
    help: "Address pool name; all when left out",
};

/// The optional underlying interface of `show | clear pppoe statistics`.
const PPPOE_UNDERLYING: Rest = Rest::Words {
    placeholder: "<interface-name>",
    help: "Underlying interface name (ge-1/0/0.100); all when left out",
};

/// The optional interface of `show interfaces`, before or after its level keyword.
const SUBSCRIBER_INTERFACE: Rest = Rest::Words {
    placeholder: "<interface-name>",
    help: "Name of physical or logical interface (pp0, pp0.N, si-0/0/0, si-0/0/0.N)",
};

/// `show firewall [filter NAME]`.
const SHOW_FIREWALL: OpCmd = cmd(
    "firewall",
    "Show firewall information",
    &[word("filter", "Show the counters of one filter").value(
        "<filter-name>",
        "Name of filter (F, or F-IFNAME-i/-o for an interface-specific one)",
    )],
)
.action(Action::ShowFirewall)
.options()
.pipe();

/// `clear firewall (all | filter NAME)`: Junos asks for one or the other.
const CLEAR_FIREWALL: OpCmd = cmd(
    "firewall",
    "Clear firewall counters",
    &[
        word("all", "Clear the counters of every filter"),
        word("filter", "Clear the counters of one filter").value("<filter-name>", "Name of filter"),
    ],
)
.action(Action::ClearFirewall)
.options()
.needs(Needs::OneOf(&["all", "filter"]));

/// `show route [PREFIX [exact]] [protocol P] [table T] [brief | terse | detail | extensive]`
/// and `show route summary [table T]`: Junos takes the options in any order, the destination
/// as a free word among them.
const SHOW_ROUTE: OpCmd = cmd(
    "route",
    "Show routing table information",
    &[
        BRIEF,
        DETAIL,
        word(
            "exact",
            "Show only the route that matches the destination exactly",
        ),
        EXTENSIVE,
        word("protocol", "Name of protocol").value(
            "<protocol>",
            "Protocol from which the route was learned (access, access-internal, static)",
        ),
        word("summary", "Show route summary information"),
        word("table", "Name of routing table").value(
            "<table>",
            "Name of routing table (inet.0, RI.inet.0; a prefix names every table it begins)",
        ),
        TERSE,
    ],
)
.action(Action::ShowRoute)
.options()
.rest(Rest::Words {
    placeholder: "<destination>",
    help: "IP address and optional prefix length of destination",
})
.pipe();

/// What may follow a command word besides its children.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rest {
    /// Nothing: only the children (if any).
    Nothing,
    /// A configuration path, walked in the configuration schema (`show configuration system`).
    ConfigPath,
    /// An operational command (`run show system users`).
    OpCommand,
    /// Free words the command parses itself (`commit confirmed 5 comment "x"`, `load merge FILE`);
    /// `placeholder` is what `?` shows for them.
    Words {
        placeholder: &'static str,
        help: &'static str,
    },
}

/// One word of a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpCmd {
    pub name: &'static str,
    pub help: &'static str,
    /// For a keyword that takes a value (`user NAME`): the `<placeholder>` and the value's help.
    pub value: Option<(&'static str, &'static str)>,
    /// The command is complete when the words stop here.
    pub action: Option<Action>,
    /// Its output may be piped (`| match`, `| count` ...).
    pub pipe: bool,
    /// A report that takes `| display json` and `| display xml` (and no other pipe): a
    /// clear, whose report Junos gives as `<output>` text, having no element of its own.
    pub display: bool,
    /// The children may follow in any order, each at most once (`tunnel-name T user U`),
    /// as Junos allows for the options of one command.
    pub options: bool,
    pub rest: Rest,
    pub children: &'static [OpCmd],
    /// What must be given before the command runs (so `?` offers `<[Enter]>` only then).
    pub needs: Needs,
}

/// What a command cannot run without. The shell's argument parsers refuse a line without it
/// ("missing mandatory argument"); `?` reads this so it never offers `<[Enter]>` there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    Nothing,
    /// Each of these options (`test services l2tp tunnel`: user, password, tunnel-name).
    All(&'static [&'static str]),
    /// Exactly one of these options (`clear network-access aaa subscriber`: username or
    /// session-id).
    OneOf(&'static [&'static str]),
    /// Exactly one option other than these modifiers (`clear services l2tp tunnel`: one
    /// target, with or without `force` and `statistics`).
    OneBut(&'static [&'static str]),
    /// Its free words (`show snmp mib get OBJECT`, `save FILE`).
    Words,
    /// One of its sub-commands (`load merge|override|replace|set`): the walk moves on to
    /// that sub-command, so where this is read nothing has been given.
    Child,
}

impl Needs {
    /// True when `used` (the options given) and `words` (whether free words were given)
    /// are enough to run.
    pub fn met(self, used: &[&str], words: bool) -> bool {
        match self {
            Needs::Nothing => true,
            Needs::All(names) => names.iter().all(|n| used.contains(n)),
            Needs::OneOf(names) => names.iter().any(|n| used.contains(n)),
            Needs::OneBut(modifiers) => used.iter().any(|u| !modifiers.contains(u)),
            Needs::Words => words,
            Needs::Child => false,
        }
    }

    /// True when option `name` may no longer be given after `used`: the one of several
    /// that the command takes has been given.
    pub fn excludes(self, used: &[&str], name: &str) -> bool {
        match self {
            Needs::OneOf(names) => names.contains(&name) && names.iter().any(|n| used.contains(n)),
            Needs::OneBut(modifiers) => {
                !modifiers.contains(&name) && used.iter().any(|u| !modifiers.contains(u))
            }
            _ => false,
        }
    }
}

impl OpCmd {
    const fn base(name: &'static str, help: &'static str) -> OpCmd {
        OpCmd {
            name,
            help,
            value: None,
            action: None,
            pipe: false,
            display: false,
            options: false,
            rest: Rest::Nothing,
            children: &[],
            needs: Needs::Nothing,
        }
    }

    /// The child called exactly `name`.
    pub fn child(&self, name: &str) -> Option<&'static OpCmd> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Children whose name starts with `prefix`.
    pub fn children_with_prefix<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = &'static OpCmd> + 'a {
        self.children
            .iter()
            .filter(move |c| c.name.starts_with(prefix))
    }

    pub const fn action(mut self, action: Action) -> OpCmd {
        self.action = Some(action);
        self
    }
    pub const fn pipe(mut self) -> OpCmd {
        self.pipe = true;
        self
    }
    pub const fn display(mut self) -> OpCmd {
        self.display = true;
        self
    }
    pub const fn options(mut self) -> OpCmd {
        self.options = true;
        self
    }
    pub const fn value(mut self, placeholder: &'static str, help: &'static str) -> OpCmd {
        self.value = Some((placeholder, help));
        self
    }
    pub const fn needs(mut self, needs: Needs) -> OpCmd {
        self.needs = needs;
        self
    }
    pub const fn rest(mut self, rest: Rest) -> OpCmd {
        self.rest = rest;
        self
    }
}

/// A command word with sub-commands or options.
pub const fn cmd(name: &'static str, help: &'static str, children: &'static [OpCmd]) -> OpCmd {
    let mut c = OpCmd::base(name, help);
    c.children = children;
    c
}

/// A command word with nothing below it.
pub const fn word(name: &'static str, help: &'static str) -> OpCmd {
    OpCmd::base(name, help)
}

/// The root of operational mode (`user@host> `).
pub static OPERATIONAL: OpCmd = cmd("", "Operational mode", OPERATIONAL_COMMANDS);

const OPERATIONAL_COMMANDS: &[OpCmd] = &[
    cmd(
        "clear",
        "Clear information in the system",
        &[
            cmd(
                "auto-configuration",
                "Clear auto-configured interfaces",
                &[word("interfaces", "Remove an auto-sensed VLAN interface")
                    .action(Action::ClearAutoConfigurationInterfaces)
                    .rest(AUTO_VLAN_INTERFACE)
                    .needs(Needs::Words)
                    .display()],
            ),
            CLEAR_FIREWALL,
            cmd(
                "network-access",
                "Clear network-access related information",
                &[cmd(
                    "aaa",
                    "Clear AAA information",
                    &[
                        word("statistics", "Clear AAA and RADIUS server statistics")
                            .action(Action::ClearAaaStatistics),
                        cmd(
                            "subscriber",
                            "Log out subscribers",
                            &[
                                word("session-id", "Subscriber session identifier")
                                    .value("<session-id>", "Subscriber session identifier"),
                                word("username", "Subscriber user name")
                                    .value("<username>", "Subscriber user name"),
                            ],
                        )
                        .action(Action::ClearNetworkAccessAaaSubscriber)
                        .options()
                        .needs(Needs::OneOf(&["session-id", "username"])),
                    ],
                )],
            ),
            cmd(
                "pppoe",
                "Clear PPP over Ethernet information",
                &[
                    word("sessions", "Clear PPPoE sessions")
                        .action(Action::ClearPppoeSessions)
                        .rest(PPPOE_INTERFACE),
                    word("statistics", "Clear PPPoE statistics")
                        .action(Action::ClearPppoeStatistics)
                        .rest(PPPOE_UNDERLYING),
                ],
            ),
            cmd(
                "services",
                "Clear services information",
                &[cmd(
                    "l2tp",
                    "Clear Layer 2 Tunneling Protocol information",
                    &[
                        cmd(
                            "destination",
                            "Clear L2TP destinations and their tunnels and sessions",
                            CLEAR_DESTINATION_OPTIONS,
                        )
                        .action(Action::ClearL2tpDestination)
                        .options()
                        .needs(CLEAR_TARGET)
                        .display(),
                        cmd("session", "Clear L2TP sessions", CLEAR_SESSION_OPTIONS)
                            .action(Action::ClearL2tpSession)
                            .options()
                            .needs(CLEAR_TARGET)
                            .display(),
                        cmd(
                            "tunnel",
                            "Clear L2TP tunnels and their sessions",
                            CLEAR_TUNNEL_OPTIONS,
                        )
                        .action(Action::ClearL2tpTunnel)
                        .options()
                        .needs(CLEAR_TARGET)
                        .display(),
                    ],
                )],
            ),
            CLEAR_SYSTEM,
        ],
    ),
    cmd(
        "configure",
        "Manipulate software configuration information",
        &[
            word(
                "exclusive",
                "Obtain exclusive lock (other users cannot commit)",
            )
            .action(Action::ConfigureExclusive),
            word(
                "private",
                "Work in private database (other users cannot change it)",
            )
            .action(Action::ConfigurePrivate),
        ],
    )
    .action(Action::Configure),
    word("exit", "Exit the management session").action(Action::Exit),
    cmd("help", "Provide help information", HELP_CHILDREN).action(Action::Help),
    MONITOR,
    word("quit", "Exit the management session").action(Action::Exit),
    REQUEST,
    cmd("set", "Set CLI properties", &[SET_CLI]),
    cmd(
        "show",
        "Show system information",
        &[
            word("cli", "Show command-line interface settings")
                .action(Action::ShowCli)
                .pipe(),
            word("configuration", "Show current configuration")
                .action(Action::ShowConfiguration)
                .rest(Rest::ConfigPath)
                .pipe(),
            SHOW_FIREWALL,
            cmd(
                "interfaces",
                "Show interface information",
                &[BRIEF, DETAIL, EXTENSIVE, TERSE],
            )
            .action(Action::ShowInterfaces)
            .options()
            .rest(SUBSCRIBER_INTERFACE)
            .pipe(),
            SHOW_LOG,
            cmd(
                "network-access",
                "Show network access information",
                &[
                    cmd(
                        "aaa",
                        "Show AAA information",
                        &[
                            cmd(
                                "radius-servers",
                                "Show RADIUS servers and their counters",
                                &[DETAIL],
                            )
                            .action(Action::ShowAaaRadiusServers)
                            .options()
                            .pipe(),
                            cmd(
                                "statistics",
                                "Show AAA statistics",
                                &[
                                    word("accounting", "Show accounting statistics"),
                                    word("authentication", "Show authentication statistics"),
                                    word(
                                        "dynamic-requests",
                                        "Show dynamic request (Disconnect, CoA) statistics",
                                    ),
                                ],
                            )
                            .action(Action::ShowAaaStatistics)
                            .options()
                            .pipe(),
                            cmd(
                                "subscribers",
                                "Show subscribers AAA admitted",
                                &[word("username", "Subscriber user name")
                                    .value("<username>", "Subscriber user name")],
                            )
                            .action(Action::ShowAaaSubscribers)
                            .options()
                            .pipe(),
                        ],
                    ),
                    cmd(
                        "address-assignment",
                        "Show address assignment information",
                        &[word("pool", "Show address pools and their use")
                            .action(Action::ShowAddressAssignmentPool)
                            .rest(ADDRESS_POOL)
                            .pipe()],
                    ),
                    SHOW_TERMINATE_CODE,
                ],
            ),
            SHOW_PPP,
            cmd(
                "pppoe",
                "Show PPP over Ethernet information",
                &[
                    word("interfaces", "Show PPPoE interface information")
                        .action(Action::ShowPppoeInterfaces)
                        .rest(PPPOE_INTERFACE)
                        .pipe(),
                    word("service-name-tables", "Show PPPoE service name tables")
                        .action(Action::ShowPppoeServiceNameTables)
                        .pipe(),
                    word("statistics", "Show PPPoE statistics")
                        .action(Action::ShowPppoeStatistics)
                        .rest(PPPOE_UNDERLYING)
                        .pipe(),
                ],
            ),
            SHOW_ROUTE,
            cmd(
                "services",
                "Show services information",
                &[cmd(
                    "l2tp",
                    "Show Layer 2 Tunneling Protocol information",
                    &[
                        cmd(
                            "destination",
                            "Show L2TP destinations",
                            SHOW_DESTINATION_OPTIONS,
                        )
                        .action(Action::ShowL2tpDestination)
                        .options()
                        .pipe(),
                        word(
                            "disconnect-cause-summary",
                            "Show why L2TP tunnels and sessions were disconnected",
                        )
                        .action(Action::ShowL2tpDisconnectCauses)
                        .pipe(),
                        cmd("session", "Show L2TP sessions", SHOW_SESSION_OPTIONS)
                            .action(Action::ShowL2tpSession)
                            .options()
                            .pipe(),
                        cmd(
                            "summary",
                            "Show L2TP summary information",
                            &[word("statistics", "Display statistics")],
                        )
                        .action(Action::ShowL2tpSummary)
                        .options()
                        .pipe(),
                        cmd("tunnel", "Show L2TP tunnels", SHOW_TUNNEL_OPTIONS)
                            .action(Action::ShowL2tpTunnel)
                            .options()
                            .pipe(),
                    ],
                )],
            ),
            cmd(
                "snmp",
                "Show SNMP information",
                &[
                    cmd(
                        "mib",
                        "Show MIB information",
                        &[
                            word("get", "Get the value of an object")
                                .action(Action::ShowSnmpMibGet)
                                .rest(SNMP_OBJECT)
                                .needs(Needs::Words)
                                .pipe(),
                            word("walk", "Walk the objects under an object")
                                .action(Action::ShowSnmpMibWalk)
                                .rest(SNMP_OBJECT)
                                .needs(Needs::Words)
                                .pipe(),
                        ],
                    ),
                    word("statistics", "Show SNMP statistics")
                        .action(Action::ShowSnmpStatistics)
                        .pipe(),
                ],
            ),
            cmd(
                "subscribers",
                "Show subscriber information",
                SUBSCRIBER_OPTIONS,
            )
            .action(Action::ShowSubscribers)
            .options()
            .pipe(),
            cmd(
                "system",
                "Show system information",
                &[
                    word("commit", "Show pending commit and commit history")
                        .action(Action::ShowSystemCommit)
                        .pipe(),
                    SHOW_SYSTEM_CONFIGURATION,
                    SHOW_SYSTEM_PROCESSES,
                    SHOW_SYSTEM_ROLLBACK,
                    SHOW_SYSTEM_STATISTICS,
                    SHOW_SYSTEM_STORAGE,
                    SHOW_SYSTEM_UPTIME,
                    word("users", "Show users currently logged in")
                        .action(Action::ShowSystemUsers)
                        .pipe(),
                ],
            ),
            SHOW_VERSION,
        ],
    ),
    cmd(
        "test",
        "Diagnostic debugging commands",
        &[
            cmd(
                "aaa",
                "Test AAA",
                &[cmd(
                    "ppp",
                    "Authenticate a PPP user as a subscriber would be (PAP)",
                    &[
                        word("password", "Subscriber password")
                            .value("<password>", "Subscriber password"),
                        word("profile", "Access profile (default: access-profile)")
                            .value("<profile>", "Access profile name"),
                        word("user", "Subscriber user name")
                            .value("<user>", "Subscriber user name"),
                    ],
                )
                .action(Action::TestAaaPpp)
                .options()
                .needs(Needs::All(&["password", "user"]))],
            ),
            cmd(
                "services",
                "Test services",
                &[cmd(
                    "l2tp",
                    "Test L2TP",
                    &[cmd(
                        "tunnel",
                        "Open a test session through a tunnel profile and ping its data path",
                        &[
                            word("password", "Subscriber password")
                                .value("<password>", "Subscriber password"),
                            word("tunnel-name", "Tunnel profile name")
                                .value("<tunnel-name>", "Tunnel profile name"),
                            word("user", "Subscriber user name")
                                .value("<user>", "Subscriber user name"),
                        ],
                    )
                    .action(Action::TestL2tpTunnel)
                    .options()
                    .needs(Needs::All(&["password", "tunnel-name", "user"]))],
                )],
            ),
        ],
    ),
];

// ---- system and logs: `show version`, `show system uptime|processes|storage`, `show log`,
// `monitor start|stop` (Junos' help texts).
const SHOW_VERSION: OpCmd = word("version", "Show software process revision levels")
    .action(Action::ShowVersion)
    .pipe();
const SHOW_SYSTEM_PROCESSES: OpCmd = word("processes", "Show system process table")
    .action(Action::ShowSystemProcesses)
    .pipe();
const SHOW_SYSTEM_STORAGE: OpCmd = word("storage", "Show local storage data")
    .action(Action::ShowSystemStorage)
    .pipe();
const SHOW_SYSTEM_STATISTICS: OpCmd = cmd(
    "statistics",
    "Show statistics for protocol",
    &[
        word("icmp", "Show Internet Control Message Protocol statistics")
            .action(Action::ShowSystemStatisticsIcmp)
            .pipe(),
        word("tcp", "Show Transmission Control Protocol statistics")
            .action(Action::ShowSystemStatisticsTcp)
            .pipe(),
    ],
)
.action(Action::ShowSystemStatistics)
.pipe();
const SHOW_SYSTEM_UPTIME: OpCmd = word("uptime", "Show time since system and processes started")
    .action(Action::ShowSystemUptime)
    .pipe();
const LOG_FILE: Rest = Rest::Words {
    placeholder: "<filename>",
    help: "Name of log file",
};
const SHOW_LOG: OpCmd = word("log", "Show contents of log files")
    .action(Action::ShowLog)
    .rest(LOG_FILE)
    .pipe();
const MONITOR: OpCmd = cmd(
    "monitor",
    "Show real-time debugging information",
    &[
        word("start", "Start showing log file in real time")
            .action(Action::MonitorStart)
            .rest(LOG_FILE)
            .needs(Needs::Words),
        word("stop", "Stop showing log file in real time")
            .action(Action::MonitorStop)
            .rest(LOG_FILE),
    ],
);

/// `set cli ...`: this session's settings, as Junos keeps them per session.
const SET_CLI: OpCmd = cmd(
    "cli",
    "Set CLI properties",
    &[
        cmd(
            "complete-on-space",
            "Set whether typing space completes current word",
            &[
                word("off", "Disable complete-on-space").action(Action::SetCli),
                word("on", "Enable complete-on-space").action(Action::SetCli),
            ],
        ),
        word(
            "idle-timeout",
            "Set maximum idle time before login session ends",
        )
        .value("<timeout>", "Maximum idle time (0..100000 minutes)")
        .action(Action::SetCli),
        word("screen-length", "Set number of lines on screen")
            .value("<length>", "Number of lines on screen (0..100000)")
            .action(Action::SetCli),
        word("screen-width", "Set number of characters on a line")
            .value("<width>", "Number of characters in a line (0, 40..1024)")
            .action(Action::SetCli),
    ],
);

// The options of `show|clear services l2tp ...`, each list sorted as `?` shows it. The
// shell reads the options by name, so one keyword means the same in every list.
const BRIEF: OpCmd = word("brief", "Display brief output");
const DETAIL: OpCmd = word("detail", "Display detailed output");

/// `show network-access terminate-code [aaa | dhcp | l2tp | ppp] [detail]`: the
/// Acct-Terminate-Cause each terminate reason is sent as.
const SHOW_TERMINATE_CODE: OpCmd = cmd(
    "terminate-code",
    "Show terminate reasons and their RADIUS Acct-Terminate-Cause codes",
    &[
        word("aaa", "Show AAA terminate reasons"),
        DETAIL,
        word("dhcp", "Show DHCP terminate reasons"),
        word("l2tp", "Show L2TP terminate reasons"),
        word("ppp", "Show PPP terminate reasons"),
    ],
)
.action(Action::ShowTerminateCode)
.options()
.pipe();
const EXTENSIVE: OpCmd = word("extensive", "Display extensive output");
const TERSE: OpCmd = word("terse", "Display terse output");
const STATISTICS: OpCmd = word("statistics", "Display statistics");
const LOCAL_GATEWAY: OpCmd = word("local-gateway", "Local gateway address")
    .value("<local-gateway>", "Local gateway address");
const LOCAL_GATEWAY_NAME: OpCmd = word("local-gateway-name", "Local gateway name")
    .value("<local-gateway-name>", "Local gateway name");
const PEER_GATEWAY: OpCmd =
    word("peer-gateway", "Peer gateway address").value("<peer-gateway>", "Peer gateway address");
const PEER_GATEWAY_NAME: OpCmd = word("peer-gateway-name", "Peer gateway name")
    .value("<peer-gateway-name>", "Peer gateway name");
const LOCAL_TUNNEL_ID: OpCmd = word("local-tunnel-id", "Local tunnel identifier")
    .value("<local-tunnel-id>", "Local tunnel identifier (1..65535)");
const LOCAL_SESSION_ID: OpCmd = word("local-session-id", "Local session identifier")
    .value("<local-session-id>", "Local session identifier (1..65535)");
const TUNNEL_GROUP: OpCmd = word("tunnel-group", "Tunnel group or tunnel profile name")
    .value("<tunnel-group>", "Tunnel group or tunnel profile name");
const USER: OpCmd = word("user", "Subscriber user name").value("<user>", "Subscriber user name");
const INTERFACE: OpCmd = word("interface", "Subscriber interface name").value(
    "<interface>",
    "Subscriber interface name (pp0.N, si-0/0/0.N)",
);
const ALL: OpCmd = word("all", "Clear all");
const FORCE: OpCmd = word("force", "Do not ask for confirmation");
const CLEAR_STATISTICS: OpCmd = word("statistics", "Clear statistics only");

const SUBSCRIBER_OPTIONS: &[OpCmd] = &[
    DETAIL,
    EXTENSIVE,
    word("summary", "Display subscriber summary"),
    word("user-name", "Subscriber user name").value("<user-name>", "Subscriber user name"),
];
const SHOW_DESTINATION_OPTIONS: &[OpCmd] = &[
    BRIEF,
    DETAIL,
    EXTENSIVE,
    LOCAL_GATEWAY,
    PEER_GATEWAY,
    STATISTICS,
];
const SHOW_TUNNEL_OPTIONS: &[OpCmd] = &[
    BRIEF,
    DETAIL,
    EXTENSIVE,
    LOCAL_GATEWAY,
    LOCAL_GATEWAY_NAME,
    LOCAL_TUNNEL_ID,
    PEER_GATEWAY,
    PEER_GATEWAY_NAME,
    STATISTICS,
    TUNNEL_GROUP,
];
const SHOW_SESSION_OPTIONS: &[OpCmd] = &[
    BRIEF,
    DETAIL,
    EXTENSIVE,
    INTERFACE,
    LOCAL_GATEWAY,
    LOCAL_SESSION_ID,
    LOCAL_TUNNEL_ID,
    PEER_GATEWAY,
    STATISTICS,
    TUNNEL_GROUP,
    USER,
];
const CLEAR_DESTINATION_OPTIONS: &[OpCmd] =
    &[ALL, FORCE, LOCAL_GATEWAY, PEER_GATEWAY, CLEAR_STATISTICS];
const CLEAR_TUNNEL_OPTIONS: &[OpCmd] = &[
    ALL,
    FORCE,
    LOCAL_GATEWAY,
    LOCAL_GATEWAY_NAME,
    LOCAL_TUNNEL_ID,
    PEER_GATEWAY,
    PEER_GATEWAY_NAME,
    CLEAR_STATISTICS,
    TUNNEL_GROUP,
];
const CLEAR_SESSION_OPTIONS: &[OpCmd] = &[
    ALL,
    FORCE,
    INTERFACE,
    LOCAL_GATEWAY,
    LOCAL_SESSION_ID,
    LOCAL_TUNNEL_ID,
    PEER_GATEWAY,
    CLEAR_STATISTICS,
    USER,
];

/// The command words of configuration mode (`user@host# `).
pub static CONFIGURATION: OpCmd = cmd("", "Configuration mode", CONFIGURATION_COMMANDS);

const CONFIGURATION_COMMANDS: &[OpCmd] = &[
    word("activate", "Remove the inactive tag from a statement")
        .action(Action::Activate)
        .rest(Rest::ConfigPath),
    word("annotate", "Annotate the statement with a comment")
        .action(Action::Annotate)
        .rest(Rest::ConfigPath),
    cmd(
        "commit",
        "Commit current set of changes",
        &[
            word("and-quit", "Quit configuration mode if commit succeeds"),
            word("at", "Time at which to activate configuration changes").value(
                "<time>",
                "Time: hh:mm[:ss] today, or \"yyyy-mm-dd hh:mm[:ss]\"",
            ),
            word("check", "Check correctness of syntax; do not apply changes"),
            word("comment", "Message to write to commit log")
                .value("<comment>", "Message to write to commit log"),
            word("confirmed", "Automatically rollback if not confirmed").rest(Rest::Words {
                placeholder: "<confirm-timeout>",
                help: "Number of minutes until rollback (1..65535)",
            }),
        ],
    )
    .action(Action::Commit)
    .options(),
    word("copy", "Copy a statement")
        .action(Action::Copy)
        .rest(Rest::ConfigPath),
    word("deactivate", "Add the inactive tag to a statement")
        .action(Action::Deactivate)
        .rest(Rest::ConfigPath),
    word("delete", "Delete a data element")
        .action(Action::Delete)
        .rest(Rest::ConfigPath),
    word("edit", "Edit a particular hierarchy level")
        .action(Action::Edit)
        .rest(Rest::ConfigPath),
    cmd(
        "exit",
        "Exit from this level",
        &[word("configuration-mode", "Exit from configuration mode")
            .action(Action::ExitConfigurationMode)],
    )
    .action(Action::ExitConfigurationLevel),
    cmd("help", "Provide help information", HELP_CHILDREN).action(Action::ConfigHelp),
    word("insert", "Insert a new ordered data element")
        .action(Action::Insert)
        .rest(Rest::ConfigPath),
    cmd(
        "load",
        "Load configuration from ASCII file",
        &[
            word("merge", "Merge contents with existing configuration")
                .rest(FILE_OR_TERMINAL)
                .needs(Needs::Words),
            word("override", "Override existing configuration")
                .rest(FILE_OR_TERMINAL)
                .needs(Needs::Words),
            word("replace", "Replace configuration data")
                .rest(FILE_OR_TERMINAL)
                .needs(Needs::Words),
            word("set", "Execute set of commands on existing configuration")
                .rest(FILE_OR_TERMINAL)
                .needs(Needs::Words),
        ],
    )
    .action(Action::Load)
    .needs(Needs::Child),
    word("quit", "Quit from this level").action(Action::Quit),
    word("rename", "Rename a statement")
        .action(Action::Rename)
        .rest(Rest::ConfigPath),
    cmd(
        "replace",
        "Replace character string in configuration",
        &[word("pattern", "Pattern to replace")
            .action(Action::ReplacePattern)
            .rest(Rest::Words {
                placeholder: "<pattern>",
                help:
                    "Regular expression, then 'with' and the replacement, then optionally 'upto N'",
            })
            .needs(Needs::Words)],
    ),
    word("rollback", "Roll back to previous committed configuration")
        .action(Action::Rollback)
        .rest(Rest::Words {
            placeholder: "<number>",
            help: "Numeric index of rollback (0..49)",
        }),
    word("run", "Run an operational-mode command")
        .action(Action::Run)
        .rest(Rest::OpCommand),
    word("save", "Save configuration to ASCII file")
        .action(Action::Save)
        .needs(Needs::Words)
        .rest(Rest::Words {
            placeholder: "<filename>",
            help: "Name of file to save to",
        }),
    word("set", "Set a parameter")
        .action(Action::Set)
        .rest(Rest::ConfigPath),
    word("show", "Show a parameter")
        .action(Action::Show)
        .rest(Rest::ConfigPath)
        .pipe(),
    word("status", "Show users currently editing configuration").action(Action::Status),
    word("top", "Exit to top level of configuration")
        .action(Action::Top)
        .rest(Rest::Words {
            placeholder: "<command>",
            help: "Configuration command to run at the top level",
        }),
    word("up", "Exit one level of configuration")
        .action(Action::Up)
        .rest(Rest::Words {
            placeholder: "<number>",
            help: "Number of levels to move up",
        }),
    word("update", "Update private database").action(Action::Update),
    cmd(
        "wildcard",
        "Wildcard operations",
        &[word("delete", "Delete a data element")
            .action(Action::WildcardDelete)
            .rest(Rest::ConfigPath)
            .needs(Needs::Words)],
    ),
];

/// `clear services l2tp destination|tunnel|session` clear something only when told what.
const CLEAR_TARGET: Needs = Needs::OneBut(&["force", "statistics"]);

const FILE_OR_TERMINAL: Rest = Rest::Words {
    placeholder: "<filename>",
    help: "Filename (URL, local, remote, or floppy), or 'terminal'",
};

/// The pipe commands (`show ... | ?`). `compare` is only offered after configuration shows.
pub static PIPES: &[OpCmd] = &[
    word(
        "compare",
        "Compare configuration changes with prior version",
    ),
    word("count", "Count occurrences"),
    cmd(
        "display",
        "Show additional kinds of information",
        &[
            word("detail", "Show configuration data detail"),
            cmd(
                "inheritance",
                "Show inherited configuration data and source group",
                &[word("no-comments", "Don't show inheritance comments")],
            ),
            word("json", "Show output in JSON format"),
            word(
                "omit",
                "Emit configuration statements with the 'omit' option",
            ),
            cmd(
                "set",
                "Show 'set' commands that create configuration",
                &[word(
                    "relative",
                    "Show 'set' commands relative to the current edit level",
                )],
            ),
            word("xml", "Show output as XML tags"),
        ],
    ),
    word("except", "Show only text that does not match a pattern")
        .value("<pattern>", "Pattern to avoid"),
    word("find", "Search for first occurrence of pattern")
        .value("<pattern>", "Pattern to search for"),
    word("hold", "Hold text without exiting the --More-- prompt"),
    word("last", "Display end of output only").value("<number>", "Number of lines to display"),
    word("match", "Show only text that matches a pattern").value("<pattern>", "Pattern to match"),
    word("no-more", "Don't paginate output"),
    word("refresh", "Refresh a continuous display of the command").value(
        "<interval>",
        "Time interval for refresh in seconds (1..604800)",
    ),
    word("save", "Save output text to file").value("<filename>", "Output file name"),
    word(
        "trim",
        "Trim specified number of columns from start of line",
    )
    .value("<columns>", "Number of columns to trim (1..1024)"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn check_sorted_unique(node: &OpCmd) {
        for pair in node.children.windows(2) {
            assert!(
                pair[0].name < pair[1].name,
                "{} before {} under '{}'",
                pair[0].name,
                pair[1].name,
                node.name
            );
        }
        for c in node.children {
            assert!(!c.help.is_empty(), "{} has no help", c.name);
            check_sorted_unique(c);
        }
    }

    /// `?` lists children in table order, which must be alphabetical as on Junos, and
    /// abbreviation depends on names being unique among siblings.
    #[test]
    fn tables_are_sorted_and_helped() {
        check_sorted_unique(&OPERATIONAL);
        check_sorted_unique(&CONFIGURATION);
        let pipes = cmd("", "pipes", PIPES);
        check_sorted_unique(&pipes);
    }

    /// Every leaf of the tree must run something (its own action or the nearest one above
    /// it), or the operator could type a command that does nothing.
    #[test]
    fn every_leaf_does_something() {
        fn walk(node: &OpCmd, inherited: bool) {
            let runnable = inherited || node.action.is_some();
            if node.children.is_empty() {
                assert!(runnable, "'{}' ends without an action", node.name);
            }
            for c in node.children {
                walk(c, runnable);
            }
        }
        for c in OPERATIONAL.children.iter().chain(CONFIGURATION.children) {
            walk(c, false);
        }
    }

    /// `show subscribers`, `show pppoe …` and `clear pppoe …` end in their actions; the
    /// shows pipe, the clears do not; interface names are free words.
    #[test]
    fn subscriber_and_pppoe_commands() {
        let at = |path: &[&str]| {
            path.iter()
                .try_fold(&OPERATIONAL, |node, name| node.child(name))
                .unwrap_or_else(|| panic!("{path:?}"))
        };
        let pool = at(&["show", "network-access", "address-assignment", "pool"]);
        assert_eq!(pool.action, Some(Action::ShowAddressAssignmentPool));
        assert!(pool.pipe && matches!(pool.rest, Rest::Words { .. }));
        let subscribers = at(&["show", "subscribers"]);
        assert_eq!(subscribers.action, Some(Action::ShowSubscribers));
        assert!(subscribers.options && subscribers.pipe);
        let names: Vec<&str> = subscribers.children.iter().map(|c| c.name).collect();
        assert_eq!(names, ["detail", "extensive", "summary", "user-name"]);
        assert!(subscribers
            .child("user-name")
            .and_then(|c| c.value)
            .is_some());
        for (path, action, pipe, takes_name) in [
            (
                ["show", "pppoe", "interfaces"],
                Action::ShowPppoeInterfaces,
                true,
                true,
            ),
            (
                ["show", "pppoe", "statistics"],
                Action::ShowPppoeStatistics,
                true,
                true,
            ),
            (
                ["show", "pppoe", "service-name-tables"],
                Action::ShowPppoeServiceNameTables,
                true,
                false,
            ),
            (
                ["clear", "pppoe", "sessions"],
                Action::ClearPppoeSessions,
                false,
                true,
            ),
            (
                ["clear", "pppoe", "statistics"],
                Action::ClearPppoeStatistics,
                false,
                true,
            ),
            (
                ["clear", "auto-configuration", "interfaces"],
                Action::ClearAutoConfigurationInterfaces,
                false,
                true,
            ),
        ] {
            let c = at(&path);
            assert_eq!(c.action, Some(action), "{path:?}");
            assert_eq!(c.pipe, pipe, "{path:?}");
            assert_eq!(matches!(c.rest, Rest::Words { .. }), takes_name, "{path:?}");
        }
    }

    /// `show ppp` is its own command now (an exact word beats the prefix of `pppoe`), and
    /// `show pppoe` / `show pppo` still reach PPPoE.
    #[test]
    fn show_ppp_is_not_show_pppoe() {
        use crate::opcmd::Rest;
        let show = OPERATIONAL.child("show").expect("show");
        let ppp = show.child("ppp").expect("show ppp");
        let names: Vec<&str> = ppp.children.iter().map(|c| c.name).collect();
        assert_eq!(names, ["interface", "statistics", "summary"]);
        let interface = ppp.child("interface").expect("interface");
        assert_eq!(interface.action, Some(Action::ShowPppInterface));
        assert!(interface.options && interface.pipe);
        assert!(matches!(interface.rest, Rest::Words { .. }));
        let levels: Vec<&str> = interface.children.iter().map(|c| c.name).collect();
        assert_eq!(levels, ["extensive", "terse"]);
        for (name, action) in [
            ("statistics", Action::ShowPppStatistics),
            ("summary", Action::ShowPppSummary),
        ] {
            let c = ppp.child(name).expect(name);
            assert_eq!(c.action, Some(action));
            assert!(c.pipe, "{name}");
        }
        // `ppp` is a prefix of `pppoe`: both come up for `pp`, only PPPoE for `pppo`.
        let prefixed = |p| {
            show.children_with_prefix(p)
                .map(|c| c.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(prefixed("pp"), ["ppp", "pppoe"]);
        assert_eq!(prefixed("pppo"), ["pppoe"]);
        assert_eq!(
            show.child("pppoe")
                .and_then(|c| c.child("interfaces"))
                .and_then(|c| c.action),
            Some(Action::ShowPppoeInterfaces)
        );
    }

    /// The AAA commands: shows pipe, the test and the clear do not.
    #[test]
    fn aaa_commands() {
        let at = |path: &[&str]| {
            path.iter()
                .try_fold(&OPERATIONAL, |node, name| node.child(name))
                .unwrap_or_else(|| panic!("{path:?}"))
        };
        for (path, action) in [
            (
                &["show", "network-access", "aaa", "radius-servers"][..],
                Action::ShowAaaRadiusServers,
            ),
            (
                &["show", "network-access", "aaa", "statistics"],
                Action::ShowAaaStatistics,
            ),
            (
                &["show", "network-access", "aaa", "subscribers"],
                Action::ShowAaaSubscribers,
            ),
            (
                &["show", "network-access", "terminate-code"],
                Action::ShowTerminateCode,
            ),
        ] {
            let show = at(path);
            assert_eq!(show.action, Some(action));
            assert!(show.pipe && show.options, "{path:?}");
        }
        let test = at(&["test", "aaa", "ppp"]);
        assert_eq!(test.action, Some(Action::TestAaaPpp));
        assert!(!test.pipe);
        let options: Vec<_> = test.children.iter().map(|c| c.name).collect();
        assert_eq!(options, ["password", "profile", "user"]);
        assert!(test.children.iter().all(|c| c.value.is_some()));
        let clear = at(&["clear", "network-access", "aaa", "statistics"]);
        assert_eq!(clear.action, Some(Action::ClearAaaStatistics));
        assert!(clear.children.is_empty() && !clear.pipe);
    }

    /// `show interfaces` takes a level keyword and a free interface name and pipes;
    /// `clear network-access aaa subscriber` takes `username U` or `session-id N`, and
    /// does not pipe.
    #[test]
    fn interface_show_and_aaa_logout() {
        let at = |path: &[&str]| {
            path.iter()
                .try_fold(&OPERATIONAL, |node, name| node.child(name))
                .unwrap_or_else(|| panic!("{path:?}"))
        };
        let show = at(&["show", "interfaces"]);
        assert_eq!(show.action, Some(Action::ShowInterfaces));
        assert!(show.options && show.pipe && matches!(show.rest, Rest::Words { .. }));
        let levels: Vec<&str> = show.children.iter().map(|c| c.name).collect();
        assert_eq!(levels, ["brief", "detail", "extensive", "terse"]);
        assert!(show.children.iter().all(|c| c.value.is_none()));
        let logout = at(&["clear", "network-access", "aaa", "subscriber"]);
        assert_eq!(logout.action, Some(Action::ClearNetworkAccessAaaSubscriber));
        assert!(logout.options && !logout.pipe);
        for (name, placeholder) in [("session-id", "<session-id>"), ("username", "<username>")] {
            assert_eq!(
                logout.child(name).and_then(|c| c.value).map(|v| v.0),
                Some(placeholder)
            );
        }
    }

    #[test]
    fn lookups() {
        let show = OPERATIONAL.child("show").expect("show");
        assert_eq!(
            show.children_with_prefix("sy")
                .map(|c| c.name)
                .collect::<Vec<_>>(),
            ["system"]
        );
        assert_eq!(CONFIGURATION.children_with_prefix("de").count(), 2);
        assert!(OPERATIONAL.child("sh").is_none());
    }

    /// The L2TP shows and clears are option commands that end in an action; shows pipe.
    #[test]
    fn l2tp_commands() {
        let l2tp = |verb: &str| {
            OPERATIONAL
                .child(verb)
                .and_then(|v| v.child("services"))
                .and_then(|s| s.child("l2tp"))
                .expect("services l2tp")
        };
        let shows = l2tp("show");
        for name in ["destination", "session", "summary", "tunnel"] {
            let c = shows.child(name).expect(name);
            assert!(c.options && c.pipe && c.action.is_some(), "{name}");
        }
        let tunnel = shows.child("tunnel").expect("tunnel");
        assert_eq!(
            tunnel
                .child("local-tunnel-id")
                .and_then(|c| c.value)
                .map(|v| v.0),
            Some("<local-tunnel-id>")
        );
        let clears = l2tp("clear");
        for name in ["destination", "session", "tunnel"] {
            let c = clears.child(name).expect(name);
            assert!(c.options && !c.pipe, "{name}");
            assert!(c.child("all").is_some() && c.child("force").is_some());
        }
    }
}
