//! `[edit interfaces]`: subscriber-facing Ethernet (PPPoE), core-facing addresses and
//! `si-` service interfaces.

use super::{NAME, TEXT};
use crate::def::*;

pub(super) const INTERFACES: Stmt = list(
    "interfaces",
    Type::Interface,
    "Interface configuration",
    &INTERFACES_BLOCK,
)
.grouped()
.entries_as("interface")
.exclusive(&[&["traps", "no-traps"]]);

/// The `interfaces { ... }` block: the ranges (Junos shows them before the interfaces), then
/// what each interface takes.
const INTERFACES_BLOCK: [Stmt; INTERFACE.len() + 1] = joined(&[INTERFACE_RANGE], INTERFACE);

/// Juniper, "Interface Ranges for Physical Interfaces": `interface-range NAME { member IF;
/// member-range FROM to TO; <interface statements> }` applies its statements to every
/// member. The members are expanded, and merged with each member's own statements (the
/// member's own win), before anything reads the interfaces (typed::interface_range).
const INTERFACE_RANGE: Stmt = list(
    "interface-range",
    NAME,
    "Interface ranges: one block of statements for many interfaces",
    &RANGE,
)
.list_level()
.exclusive(&[&["traps", "no-traps"]]);

const RANGE: [Stmt; INTERFACE.len() + 2] = joined(&[RANGE_MEMBER, RANGE_MEMBER_RANGE], INTERFACE);

/// `member ge-0/0/0;`, one line each; Junos also takes a digit wildcard in the last two
/// numbers (`ge-0/0/[0-3]`, `ge-0/0/[1,5,7]`, `ge-0/0/*` for 0..47), checked at commit.
const RANGE_MEMBER: Stmt = list(
    "member",
    Type::Str { max_len: 64 },
    "Interface in the range (the last numbers may be [low-high], [a,b,c] or *)",
    &[],
);

/// `member-range ge-0/0/0 to ge-0/0/23;`: every port between the two, which differ only in
/// their last number (checked at commit).
const RANGE_MEMBER_RANGE: Stmt = list(
    "member-range",
    Type::Interface,
    "First interface of a run of interfaces in the range",
    &[leaf("to", Type::Interface, "Last interface of the run").mandatory()],
)
.one_line();

/// In Junos' order: a pasted Junos interface prints back as it was.
const INTERFACE: &[Stmt] = &[
    leaf("description", TEXT, "Text description of interface"),
    // Administratively down (Junos prints it after the description): no PPPoE on any of
    // its units, no unit of an `si-` interface takes an LNS session, IF-MIB says down(2).
    flag("disable", "Disable this interface"),
    // Junos: `hierarchical-scheduler maximum-hierarchy-levels 2;` on an LNS's `si-`
    // interface, so that more than 4,096 sessions can be shaped.
    container(
        "hierarchical-scheduler",
        "Hierarchical scheduling for the interface's units",
        &[
            flag("implicit-hierarchy", "Build the hierarchy implicitly"),
            leaf(
                "maximum-hierarchy-levels",
                uint(2, 2),
                "Maximum hierarchy levels",
            ),
        ],
    )
    .one_line()
    .no_effect("class of service is not implemented: subscribers are not shaped"),
    // SNMP linkUp / linkDown on a change of the interface's operational state: on by
    // default for a physical interface (Junos), `no-traps` turns them off.
    flag("traps", "Enable SNMP notifications on state changes"),
    flag("no-traps", "Disable SNMP notifications on state changes"),
    // Junos takes one tagging mode per physical interface; more than one is refused at
    // commit (validate::device).
    flag(
        "vlan-tagging",
        "Single (802.1Q) VLAN tagging: units select one VLAN ID",
    ),
    flag(
        "stacked-vlan-tagging",
        "Stacked (802.1ad/QinQ) tagging: units select outer and inner VLAN IDs",
    ),
    flag(
        "flexible-vlan-tagging",
        "Single and stacked VLAN tagging mixed on one interface",
    ),
    // Untagged frames are taken by the unit whose `vlan-id` this is (Junos MX); the replies
    // to an untagged subscriber stay untagged (they mirror the frames received).
    leaf(
        "native-vlan-id",
        VLAN_ID,
        "VLAN ID of the unit that takes untagged frames",
    ),
    AUTO_CONFIGURE,
    // Junos' range for Ethernet on MX.
    leaf(
        "mtu",
        uint(256, 9192),
        "Maximum transmission unit packet size",
    )
    .no_effect(
        "the port's MTU is the host's (ip link set dev IF mtu N); PPPoE's use-lower-layer reads it",
    ),
    // The link's own settings (Junos prints them between mtu and encapsulation): the host's.
    container(
        "hold-time",
        "Hold time for link up and link down",
        &[
            leaf("up", uint(0, 4_294_967), "Link-up hold time (milliseconds)").mandatory(),
            leaf("down", uint(0, 4_294_967), "Link-down hold time (milliseconds)").mandatory(),
        ],
    )
    .one_line()
    .no_effect(HOST_LINK),
    leaf(
        "speed",
        Type::Enum(&[
            "10m",
            "100m",
            "1g",
            "2.5g",
            "5g",
            "10g",
            "25g",
            "40g",
            "50g",
            "100g",
            "200g",
            "400g",
            "800g",
            "auto",
            "auto-10m-100m",
        ]),
        "Link speed",
    )
    .no_effect(HOST_LINK),
    leaf(
        "link-mode",
        Type::Enum(&["automatic", "full-duplex", "half-duplex"]),
        "Link duplex mode",
    )
    .no_effect(HOST_LINK),
    leaf(
        "mac",
        Type::Identifier { max_len: 17 },
        "Hardware MAC address",
    )
    .no_effect("the port's MAC address is the host's (ip link set dev IF address MAC)"),
    leaf(
        "encapsulation",
        Type::Enum(&["ethernet", "flexible-ethernet-services", "generic-services"]),
        "Physical link-layer encapsulation",
    ),
    container("gigether-options", "Gigabit Ethernet interface options", LINK_OPTIONS)
        .exclusive(&[NEGOTIATION])
        .no_effect(HOST_LINK),
    container("ether-options", "Ethernet interface options", LINK_OPTIONS)
        .exclusive(&[NEGOTIATION])
        .no_effect(HOST_LINK),
    // `ae0`: the host's bonding device of that name is the port (PPPoE runs on it as on any
    // Ethernet interface); its LACP is the bonding driver's.
    container(
        "aggregated-ether-options",
        "Aggregated Ethernet interface options",
        &[
            leaf(
                "minimum-links",
                uint(1, 64),
                "Minimum number of links that keep the bundle up",
            ),
            leaf(
                "link-speed",
                Type::Enum(&["1g", "10g", "25g", "40g", "50g", "100g", "400g", "mixed"]),
                "Speed of the member links",
            ),
            container(
                "lacp",
                "Link Aggregation Control Protocol",
                &[
                    flag("active", "Send LACP packets always"),
                    flag("passive", "Send LACP packets only when the partner does"),
                    leaf(
                        "periodic",
                        Type::Enum(&["fast", "slow"]),
                        "Interval of LACP packets",
                    ),
                    leaf("system-priority", uint(0, 65535), "LACP system priority"),
                ],
            )
            .exclusive(&[&["active", "passive"]]),
        ],
    )
    .no_effect(
        "an aggregated interface is the host's bonding device of that name (ip link add NAME type bond); its links and LACP are set there",
    ),
    // Junos unit range for Ethernet; unit 0 of an si- interface is reserved for the LNS.
    list("unit", uint(0, 16385), "Logical interface", UNIT)
        .exclusive(&[&["traps", "no-traps"], &["keepalives", "no-keepalives"]]),
];

/// Why a port's link statements load but do nothing here: the port is a host interface.
const HOST_LINK: &str =
    "the port's link is the host's (ethtool -s IF, ip link; a member of ae0 is enslaved to the host's bond ae0)";

/// `gigether-options` / `ether-options`: negotiation, flow control, loopback, and the
/// aggregated interface the port is a member of (`802.3ad ae0;`).
const LINK_OPTIONS: &[Stmt] = &[
    flag("auto-negotiation", "Enable auto-negotiation"),
    flag("no-auto-negotiation", "Disable auto-negotiation"),
    flag("flow-control", "Enable flow control"),
    flag("no-flow-control", "Disable flow control"),
    flag("loopback", "Enable loopback"),
    flag("no-loopback", "Disable loopback"),
    leaf(
        "802.3ad",
        Type::Interface,
        "Aggregated Ethernet bundle this link is a member of",
    ),
];

/// Setting one of the pair replaces the other (the other pairs are kept as written).
const NEGOTIATION: &[&str] = &["auto-negotiation", "no-auto-negotiation"];

/// Auto-sensed VLANs (Juniper, "Configuring VLAN Interfaces to Use Dynamic Profiles"): a
/// subscriber frame whose tags no unit selects, inside a range here, creates a dynamic VLAN
/// unit from the range's dynamic profile. Ranges are `low-high`, one ID or `any` (stacked:
/// `outer,inner`, each of those forms); they are parsed and checked at commit
/// (validate::auto_configure), with the profile's existence and the tagging mode.
const AUTO_CONFIGURE: Stmt = container(
    "auto-configure",
    "Automatically configure VLAN interfaces",
    &[
        container(
            "vlan-ranges",
            "Single-tag VLAN ranges",
            &[
                // Junos' order: a pasted range prints back as it was.
                VLAN_ACCESS_PROFILE,
                VLAN_AUTHENTICATION,
                list(
                    "dynamic-profile",
                    NAME,
                    "Dynamic profile for VLANs in these ranges",
                    RANGE_PROFILE,
                ),
            ],
        ),
        container(
            "stacked-vlan-ranges",
            "Stacked (outer,inner) VLAN ranges",
            &[
                // Junos' order: a pasted range prints back as it was.
                VLAN_ACCESS_PROFILE,
                VLAN_AUTHENTICATION,
                list(
                    "dynamic-profile",
                    NAME,
                    "Dynamic profile for stacked VLANs in these ranges",
                    RANGE_PROFILE,
                ),
            ],
        ),
        flag(
            "remove-when-no-subscribers",
            "Remove a dynamic VLAN when its last subscriber leaves",
        ),
    ],
);

/// `access-profile P` beside the ranges: the access profile a VLAN of these ranges is
/// authenticated with when they say `authentication` (without it, the router's
/// `access-profile`); without `authentication` it does nothing, and commit warns
/// (validate::auto_configure).
const VLAN_ACCESS_PROFILE: Stmt = leaf(
    "access-profile",
    NAME,
    "Access profile for authenticating dynamic VLANs",
)
.refers_to(&["access", "profile"]);

/// Authenticated dynamic VLANs (Juniper, "Configuring VLAN Interface Username Information for
/// AAA Authentication"; `password (Interfaces)`; `username-include (Dynamic VLAN)`): the
/// first PPPoE discovery frame on a VLAN of these ranges sends an Access-Request with this
/// user name and password, and the VLAN is created only on Accept. Junos' user name is
/// `user-prefix mac-address circuit-type option-82 interface-name domain-name radius-realm`
/// joined by `delimiter` (default `.`), `@` before the domain name; `mac-address` and
/// `option-82` are DHCP's, refused here (parse/unsupported.rs). `circuit-id` and `remote-id`
/// are the ANCP line IDs in Junos; here the PPPoE intermediate agent's IDs the PADI carries
/// (pppoe/access_line.rs), placed where `option-82` would be (our choice: Juniper does not
/// say). Checked at commit (validate::auto_configure).
const VLAN_AUTHENTICATION: Stmt = container(
    "authentication",
    "Authenticate a dynamic VLAN before creating it",
    &[
        leaf("password", Type::Secret, "Password sent for the VLAN"),
        container(
            "username-include",
            "Parts of the user name sent for the VLAN",
            &[
                flag(
                    "circuit-id",
                    "Agent circuit ID of the PPPoE intermediate agent",
                ),
                flag("circuit-type", "Circuit type (enet)"),
                leaf(
                    "delimiter",
                    Type::Str { max_len: 1 },
                    "Character between the parts",
                )
                .default("."),
                leaf("domain-name", NAME, "Domain name, after @"),
                flag(
                    "interface-name",
                    "Interface and VLAN IDs (IFD:VVVV, stacked IFD:SSSS-VVVV)",
                ),
                leaf("radius-realm", NAME, "RADIUS realm"),
                flag(
                    "remote-id",
                    "Agent remote ID of the PPPoE intermediate agent",
                ),
                leaf("user-prefix", NAME, "Prefix of the user name"),
            ],
        ),
    ],
);

const RANGE_PROFILE: &[Stmt] = &[
    // Junos' packet types; this router's subscribers arrive by PPPoE only, so only `pppoe`
    // and `any` create a VLAN.
    leaf_list(
        "accept",
        Type::Enum(&["any", "dhcp-v4", "dhcp-v6", "inet", "inet6", "pppoe"]),
        "Packet types that create the VLAN",
    ),
    list(
        "ranges",
        Type::Str { max_len: 20 },
        "VLAN ranges (low-high, ID or any; stacked: outer,inner)",
        &[],
    )
    .grouped(),
];

/// `ppp-options` of a static unit: a subscriber interface's (dynamic_profiles::PPP_OPTIONS),
/// and what Juniper's "ppp-options" page adds at `[edit interfaces IF unit N]` that only
/// tunes the PPP engine's negotiation: loaded, with a warning that it does nothing here.
const STATIC_PPP_OPTIONS: Stmt = container(
    "ppp-options",
    "PPP interface parameters",
    &[
        container(
            "chap",
            "Challenge Handshake Authentication Protocol",
            &[
                super::dynamic_profiles::CHAP_CHALLENGE_LENGTH,
                // Junos 8.0: the secret for a peer no CHAP access profile names; this
                // router's pp0 units are PPPoE servers that challenge, never answer.
                leaf(
                    "default-chap-secret",
                    Type::Secret,
                    "Default CHAP secret for a peer no access profile names",
                )
                .no_effect(STATIC_CHAP_NOT_HERE),
                leaf(
                    "local-name",
                    NAME,
                    "Name sent in CHAP challenges and responses",
                )
                .no_effect(STATIC_CHAP_NOT_HERE),
                flag(
                    "passive",
                    "Do not challenge the peer, only answer its challenge",
                )
                .no_effect(STATIC_CHAP_NOT_HERE),
            ],
        )
        .presence(),
        super::dynamic_profiles::PPP_IGNORE_MAGIC_NUMBER_MISMATCH,
        super::dynamic_profiles::PPP_IPCP_SUGGEST_DNS_OPTION,
        super::dynamic_profiles::PPP_PAP,
        super::dynamic_profiles::PPP_AUTHENTICATION,
        super::dynamic_profiles::PPP_MRU,
        super::dynamic_profiles::PPP_MTU,
        // Junos 9.6 ("lcp-max-conf-req", "ncp-max-conf-req"): 0..65535, 0 without end,
        // 254 by default.
        leaf(
            "lcp-max-conf-req",
            uint(0, 65535),
            "LCP Configure-Requests sent before LCP goes down (0: no limit)",
        )
        .no_effect(MAX_CONF_REQ_NOT_HERE),
        leaf(
            "ncp-max-conf-req",
            uint(0, 65535),
            "NCP Configure-Requests sent before the NCP goes down (0: no limit)",
        )
        .no_effect(MAX_CONF_REQ_NOT_HERE),
    ],
);

const STATIC_CHAP_NOT_HERE: &str =
    "a static pp0 unit is a PPPoE server: it challenges the subscriber and checks the \
     answer through its access profile; it is never challenged itself";

const MAX_CONF_REQ_NOT_HERE: &str =
    "the PPP engine gives up a negotiation after its own count of Configure-Requests \
     (RFC 1661's Max-Configure), not a configured one";

/// 802.1Q VLAN IDs: 0 and 4095 are reserved (IEEE 802.1Q table 9-2).
const VLAN_ID: Type = uint(1, 4094);

/// Why `keepalives up-count` loads and does nothing, on a static unit and in a dynamic
/// profile alike.
pub(super) const UP_COUNT_NO_EFFECT: &str =
    "a PPPoE session whose keepalives fail is logged out, never brought back up";

const UNIT: &[Stmt] = &[
    super::dynamic_profiles::ACTUAL_TRANSIT_STATISTICS,
    leaf("description", TEXT, "Text description of interface"),
    flag("disable", "Disable this logical interface"),
    // Junos: an informational rate (bits per second, k/m/g suffixes) that routing
    // protocols and SNMP read; it shapes nothing.
    leaf(
        "bandwidth",
        Type::Decimal {
            min: 1000,
            max: 1_000_000_000_000,
        },
        "Logical unit bandwidth (informational)",
    )
    .no_effect("no routing protocol or SNMP object here reads a unit's informational bandwidth"),
    super::PROXY_ARP,
    // Off by default for a logical interface: only `traps` sends its link notifications.
    flag("traps", "Enable SNMP notifications on state changes"),
    flag("no-traps", "Disable SNMP notifications on state changes"),
    leaf(
        "encapsulation",
        Type::Enum(&["ethernet", "ppp-over-ether"]),
        "Logical link-layer encapsulation",
    ),
    leaf(
        "vlan-id",
        VLAN_ID,
        "Virtual LAN identifier value for 802.1Q VLAN tags",
    ),
    // Junos prints `vlan-tags outer 100 inner 7;` on one line; a tag may name its TPID
    // (`outer 0x9100.100`), and then the unit takes only frames whose tag carries it.
    container(
        "vlan-tags",
        "IEEE 802.1ad (QinQ) VLAN tags",
        &[
            leaf(
                "outer",
                Type::VlanTag,
                "Outer VLAN tag (S-tag): [TPID.]VLAN ID",
            )
            .mandatory(),
            leaf(
                "inner",
                Type::VlanTag,
                "Inner VLAN tag (C-tag): [TPID.]VLAN ID",
            )
            .mandatory(),
        ],
    )
    .one_line(),
    // A static LNS unit (Juniper, "Configuring Options for the LNS Inline Services Logical
    // Interface"): the LAC's access-profile client `l2tp interface-id NAME` selects the
    // `si-` units of this `l2tp-interface-id`; `dedicated` units take one session at a time,
    // `shared` ones many. Checked at commit (validate::lns_units).
    container(
        "dial-options",
        "Dial options",
        &[
            leaf("l2tp-interface-id", NAME, "L2TP interface identifier"),
            flag("dedicated", "Only one session on this logical interface"),
            flag("shared", "Several sessions on this logical interface"),
        ],
    )
    .exclusive(&[&["dedicated", "shared"]]),
    // A static PPPoE subscriber interface (Juniper, "Configuring a PPPoE Server Interface"):
    // `pp0 unit N` serves one PPPoE session on the `encapsulation ppp-over-ether` unit its
    // `pppoe-options` name, with its own PPP options. Only on pp0 (validate::static_pppoe).
    STATIC_PPP_OPTIONS,
    container(
        "pppoe-options",
        "PPP over Ethernet interface parameters",
        &[
            leaf(
                "underlying-interface",
                Type::Interface,
                "Interface on which PPPoE is running",
            )
            .mandatory(),
            // Junos' other role, `client` (with its `access-concentrator`, `service-name`,
            // `auto-reconnect`), is refused as not supported (parse/unsupported.rs).
            flag("server", "Operate in the role of a PPPoE server"),
        ],
    ),
    // Junos' older form of `family pppoe` ("service-name-table", 13.1): on a unit with
    // `encapsulation ppp-over-ether`, the same statements; the two forms exclude each other
    // (validate::pppoe_underlying).
    container(
        "pppoe-underlying-options",
        "PPPoE underlying interface parameters",
        PPPOE_FAMILY.children,
    ),
    // Junos: `keepalives <interval seconds> <down-count number> <up-count number>;`: the
    // PPP echo interval of the pp0 unit's session, and the echoes it may leave unanswered.
    container(
        "keepalives",
        "Send keepalives",
        &[
            leaf(
                "interval",
                uint(1, 32767),
                "Interval between keepalive requests (seconds)",
            ),
            leaf(
                "down-count",
                uint(1, 255),
                "Number of keepalives missed before the link goes down",
            ),
            // Junos: the keepalives a down link must receive to come back up. A PPPoE
            // session whose echoes fail is logged out (LCP closes, PADT), so there is no
            // down link to bring back.
            leaf(
                "up-count",
                uint(1, 255),
                "Number of keepalives received before the link comes up",
            )
            .no_effect(UP_COUNT_NO_EFFECT),
        ],
    )
    .one_line(),
    // Junos: the unit sends no PPP echoes, which is also what a unit without `keepalives`
    // does here (static_pppoe: no echo unless asked).
    flag("no-keepalives", "Do not send keepalives"),
    container(
        "family",
        "Protocol family",
        &[
            container(
                "inet",
                "IPv4 parameters",
                // An interface address has host bits (198.18.0.1/24), which `Ipv4Prefix`
                // refuses; it is checked at commit instead (validate::interfaces).
                // Junos shows `filter { ... }` before the addresses.
                &[
                    // The host's IP stack sends from and answers on a static unit.
                    leaf(
                        "mtu",
                        uint(500, 9192),
                        "Protocol family maximum transmission unit",
                    )
                    .no_effect("the unit's MTU is the host interface's (ip link set dev IF mtu N)"),
                    flag("no-redirects", "Do not send protocol redirects").no_effect(
                        "the host sends redirects or not (sysctl net.ipv4.conf.IF.send_redirects)",
                    ),
                    // Junos: forward IP packets sent to the subnet's broadcast address
                    // (`forward-only`), and to the Routing Engine too.
                    container(
                        "targeted-broadcast",
                        "Forward directed broadcasts to the subnet",
                        &[
                            flag(
                                "forward-and-send-to-re",
                                "Forward and send to the Routing Engine",
                            ),
                            flag("forward-only", "Forward only"),
                        ],
                    )
                    .presence()
                    .choice()
                    .no_effect(
                        "the host forwards directed broadcasts or not \
                         (sysctl net.ipv4.conf.IF.bc_forwarding)",
                    ),
                    // Only subscribers' traffic is forwarded by this router.
                    super::STATIC_RPF_CHECK,
                    super::firewall::INTERFACE_FILTER,
                    // A pp0 unit's: `unnumbered-address lo0.0 <preferred-source-address A>;`
                    // on one line, the donor's address what the router calls itself in IPCP.
                    container(
                        "unnumbered-address",
                        "Unnumbered interface whose address is borrowed",
                        &[
                            leaf(
                                "interface-name",
                                Type::Interface,
                                "Donor interface (usually the loopback)",
                            )
                            .positional(),
                            // unnumbered-address (PPP): the peer's address, given to the
                            // unit's one subscriber in IPCP (a static pp0 unit's).
                            leaf(
                                "destination",
                                Type::Ipv4,
                                "Address of the remote end, given to the subscriber",
                            ),
                            leaf(
                                "preferred-source-address",
                                Type::Ipv4,
                                "Address of the donor interface to use",
                            ),
                        ],
                    )
                    .one_line(),
                    list(
                        "address",
                        Type::Str { max_len: 18 },
                        "Interface address/destination prefix",
                        &[
                            // Junos: the source address toward the address's own subnet
                            // when the interface has several there.
                            flag(
                                "preferred",
                                "Candidate for preferred address in this subnet",
                            )
                            .no_effect(
                                "the host chooses the source address of what it sends \
                                 (a subscriber's unnumbered address is its donor's primary \
                                 address, or preferred-source-address)",
                            ),
                            flag("primary", "Candidate for primary address in system"),
                        ],
                    ),
                ],
            ),
            PPPOE_FAMILY,
        ],
    )
    // Junos shows `family inet { ... }`, never `family { inet { ... } }`.
    .inline(),
];

/// `family pppoe` of a static unit, and of a dynamic VLAN profile's unit (the same
/// statements: the VLAN's PPPoE subscribers get them).
pub(super) const PPPOE_FAMILY: Stmt = container(
    "pppoe",
    "PPP over Ethernet parameters",
    &[
        leaf("access-concentrator", NAME, "Name sent in PADO as AC-Name"),
        flag(
            "duplicate-protection",
            "Refuse a second session from the same client MAC address",
        ),
        leaf(
            "dynamic-profile",
            NAME,
            "Dynamic profile for PPPoE sessions",
        )
        .refers_to(&["dynamic-profiles"]),
        // PPPoE session IDs are 16-bit with 0 and 0xffff reserved (RFC 2516).
        leaf(
            "max-sessions",
            uint(1, 65534),
            "Maximum PPPoE sessions on this interface",
        ),
        // Junos 13.1: max-sessions wins over RADIUS' Max-Clients-Per-Interface VSA.
        flag(
            "max-sessions-vsa-ignore",
            "Ignore the maximum sessions RADIUS returns (Max-Clients-Per-Interface VSA)",
        )
        .no_effect("the Max-Clients-Per-Interface VSA is never taken: max-sessions alone limits"),
        leaf(
            "service-name-table",
            NAME,
            "Service name table for PADI/PADR matching",
        )
        .refers_to(&["protocols", "pppoe", "service-name-tables"]),
        // Junos' `short-cycle-protection <lockout-time-min S> <lockout-time-max S>`, on
        // one line ("short-cycle-protection (Static and Dynamic Subscribers)", 11.4+): both
        // 1..86400 s, defaults 1 and 300; min above max is refused at commit
        // (validate::pppoe). Junos' `filter aci` (lockout per household) is not taken.
        container(
            "short-cycle-protection",
            "Lock out clients that reconnect too quickly",
            &[
                leaf(
                    "lockout-time-min",
                    uint(1, 86400),
                    "Shortest lockout, the first a client gets (seconds)",
                )
                .default("1"),
                leaf(
                    "lockout-time-max",
                    uint(1, 86400),
                    "Longest lockout a client's repeated short cycles reach (seconds)",
                )
                .default("300"),
            ],
        )
        .one_line()
        .presence(),
        // Junos writes `mtu (size | use-lower-layer)` under ppp-options; the
        // range is our choice: 576 is the datagram every IPv4 host must take
        // (RFC 791), 9192 the largest Junos interface MTU; above 1492 the
        // client must ask for it with PPP-Max-Payload (RFC 4638).
        leaf(
            "mtu",
            Type::UintOr {
                min: 576,
                max: 9192,
                words: &["use-lower-layer"],
            },
            "MTU of the PPPoE sessions (or the underlying interface's, less 8)",
        ),
    ],
);
