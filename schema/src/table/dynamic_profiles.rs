//! `[edit dynamic-profiles]`: the templates every PPPoE and LNS subscriber interface is built
//! from on a Junos BNG (issue 16 item 4). Statement names and forms follow Juniper's
//! `[edit dynamic-profiles]` hierarchy pages; only what the subscriber layer can fill in or
//! show is taken. Values that Junos lets a profile give as a variable are
//! `Type::OrVariable`: which variables exist is checked at commit
//! (validate::dynamic_profiles), the values are replaced when a subscriber logs in
//! (l2tpd subscriber::dynamic_profile).

use super::{NAME, TEXT};
use crate::def::*;

pub(super) const DYNAMIC_PROFILES: Stmt = list(
    "dynamic-profiles",
    NAME,
    "Dynamic profiles",
    &[
        // Junos shows variables first, then routing-instances, interfaces, routing-options.
        list(
            "variables",
            NAME,
            "Dynamic variable configuration",
            &[
                leaf(
                    "default-value",
                    Type::Str { max_len: 255 },
                    "Default value for the variable",
                ),
                // Junos: the profile fails (the subscriber is refused) when RADIUS gives
                // no value for a mandatory variable; default-value does not stand in.
                flag(
                    "mandatory",
                    "Variable must have a value from the external server",
                ),
                // Junos: `radius { vendor-id V { attribute A; } }` names the VSA of the
                // Access-Accept whose value the variable takes.
                container(
                    "radius",
                    "RADIUS attribute that supplies the value",
                    &[list(
                        "vendor-id",
                        uint(1, u32::MAX as u64),
                        "Vendor ID of the vendor-specific attribute",
                        &[leaf("attribute", uint(1, 255), "Vendor attribute number").mandatory()],
                    )],
                ),
            ],
        )
        .grouped(),
        list(
            "routing-instances",
            Type::OrVariable(&NAME),
            "Routing instance configuration",
            &[
                list(
                    "interface",
                    Type::OrVariable(&Type::Interface),
                    "Interface name for this routing instance",
                    &[],
                ),
                ROUTING_OPTIONS,
            ],
        )
        .grouped()
        .entries_as("instance"),
        list(
            "interfaces",
            Type::OrVariable(&Type::Interface),
            "Interfaces configuration",
            INTERFACE,
        )
        .grouped()
        .entries_as("interface"),
        // Junos shows the profile's own routing-options after its interfaces.
        ROUTING_OPTIONS,
    ],
)
.grouped();

/// Junos' subscriber routes: `access route "$junos-framed-route-ip-address-prefix"` installs
/// each RADIUS Framed-Route, an `access route` with a literal prefix that prefix, both with
/// the values written under them; `access-internal route "$junos-subscriber-ip-address"` is
/// the host route to the subscriber, which this router installs for every subscriber whose
/// PPP ends here. An access-internal route with any other prefix is accepted with a commit
/// warning (validate::dynamic_profiles), as nothing installs it.
const ROUTING_OPTIONS: Stmt = container(
    "routing-options",
    "Protocol-independent routing option configuration",
    &[
        container(
            "access",
            "Access route configuration",
            &[list(
                "route",
                Type::OrVariable(&Type::Ipv4Prefix),
                "Access route",
                &[
                    leaf(
                        "next-hop",
                        Type::OrVariable(&Type::Str { max_len: 64 }),
                        "Next hop address or interface",
                    ),
                    leaf(
                        "metric",
                        Type::OrVariable(&uint(0, u32::MAX as u64)),
                        "Metric value",
                    ),
                    leaf(
                        "preference",
                        Type::OrVariable(&uint(0, u32::MAX as u64)),
                        "Preference value",
                    ),
                    leaf(
                        "tag",
                        Type::OrVariable(&uint(0, u32::MAX as u64)),
                        "Tag string",
                    ),
                ],
            )],
        ),
        container(
            "access-internal",
            "Access-internal route configuration",
            &[list(
                "route",
                Type::OrVariable(&Type::Ipv4Prefix),
                "Access-internal route",
                &[leaf(
                    "qualified-next-hop",
                    Type::OrVariable(&Type::Interface),
                    "Next-hop interface",
                )],
            )],
        ),
    ],
);

/// Dynamic units are numbered by the router; Junos' dynamic unit numbers run up past
/// 3221225472 (`pp0.3221225473`), so the whole 32-bit range is taken.
const UNIT_NUMBER: Type = uint(0, u32::MAX as u64);

const INTERFACE: &[Stmt] = &[
    // Each subscriber built from the profile is an IF-MIB row (l2tpd
    // subscriber::interface_mib), its ifIndex from a range of its own, reused only after a
    // quarantine (subscriber::if_index_pool).
    flag(
        "interface-mib",
        "Enable the interface MIB for the dynamic interfaces",
    ),
    list(
        "unit",
        Type::OrVariable(&UNIT_NUMBER),
        "Logical interface",
        UNIT,
    )
    .exclusive(&[&["traps", "no-traps"], &["keepalives", "no-keepalives"]]),
];

/// 802.1Q VLAN IDs, 0 and 4095 reserved (IEEE 802.1Q table 9-2), or a variable.
const VLAN_ID: Type = Type::OrVariable(&VLAN_NUMBER);
const VLAN_NUMBER: Type = uint(1, 4094);

/// Junos: the subscriber interface's statistics count what it actually carried; a
/// dynamic unit and a static one take it alike.
pub(super) const ACTUAL_TRANSIT_STATISTICS: Stmt = flag(
    "actual-transit-statistics",
    "Enable the collection of actual transit statistics",
)
.no_effect("a subscriber interface's counters here are always what it actually carried");

/// Junos' order under a dynamic unit, as Junos shows it (proxy-arp before vlan-id;
/// keepalives after pppoe-options).
const UNIT: &[Stmt] = &[
    ACTUAL_TRANSIT_STATISTICS,
    leaf("description", TEXT, "Text description of interface"),
    super::PROXY_ARP,
    // A subscriber's unit sends no link notification (its IF-MIB row, with `interface-mib`,
    // reads ifLinkUpDownTrapEnable disabled): `no-traps` is what it does anyway.
    flag("traps", "Enable SNMP notifications on state changes")
        .no_effect("subscriber interfaces send no link notifications"),
    flag("no-traps", "Disable SNMP notifications on state changes"),
    leaf(
        "vlan-id",
        VLAN_ID,
        "Virtual LAN identifier value for 802.1Q VLAN tags",
    ),
    container(
        "vlan-tags",
        "IEEE 802.1ad (QinQ) VLAN tags",
        &[
            leaf("outer", VLAN_ID, "Outer VLAN identifier (S-tag)").mandatory(),
            leaf("inner", VLAN_ID, "Inner VLAN identifier (C-tag)").mandatory(),
        ],
    )
    .one_line(),
    container(
        "demux-options",
        "Demultiplexing options",
        &[leaf(
            "underlying-interface",
            Type::OrVariable(&Type::Interface),
            "Underlying interface",
        )],
    ),
    // `si-` units at the LNS: one session per unit (`dedicated`); Junos refuses `shared` for
    // L2TP LNS sessions, and so does the commit (validate::dynamic_profiles).
    container(
        "dial-options",
        "Dial options",
        &[
            leaf(
                "l2tp-interface-id",
                Type::OrVariable(&NAME),
                "L2TP interface identifier",
            ),
            flag("dedicated", "Only one session on this logical interface"),
            flag("shared", "Several sessions on this logical interface"),
        ],
    )
    .exclusive(&[&["dedicated", "shared"]]),
    PPP_OPTIONS,
    container(
        "pppoe-options",
        "PPP over Ethernet interface parameters",
        &[
            leaf(
                "underlying-interface",
                Type::OrVariable(&Type::Interface),
                "Interface on which PPPoE is running",
            )
            .mandatory(),
            flag("server", "Operate in the role of a PPPoE server"),
        ],
    ),
    // Junos: `keepalives { interval seconds; up-count n; down-count n; }`, shown as
    // `keepalives interval 30;`. The interval is the PPP echo interval; 1..32767 is Junos'
    // range for it; the counts are as a static pp0 unit's (table/interfaces.rs).
    container(
        "keepalives",
        "Send keepalives",
        &[
            leaf(
                "interval",
                Type::OrVariable(&uint(1, 32767)),
                "Interval between keepalive requests (seconds)",
            ),
            leaf(
                "down-count",
                Type::OrVariable(&uint(1, 255)),
                "Number of keepalives missed before the link goes down",
            ),
            leaf(
                "up-count",
                Type::OrVariable(&uint(1, 255)),
                "Number of keepalives received before the link comes up",
            )
            .no_effect(super::interfaces::UP_COUNT_NO_EFFECT),
        ],
    )
    .one_line(),
    // Junos ("pp0 (Dynamic PPPoE)"): the subscriber's link sends no PPP echoes. At the LNS
    // that turns off the 30 s default (subscriber::lns); a PPPoE unit sends none unless
    // asked anyway.
    flag("no-keepalives", "Do not send keepalives"),
    container(
        "family",
        "Protocol family",
        &[
            container(
                "inet",
                "IPv4 parameters",
                &[
                    // Junos: the IPv4 MTU of the subscriber's interface.
                    leaf(
                        "mtu",
                        uint(500, 9192),
                        "Protocol family maximum transmission unit",
                    )
                    .no_effect(
                        "a subscriber's IP MTU is its PPP MTU (ppp-options mtu, bounded by \
                         the link's payload)",
                    ),
                    // What the subscriber layer always does: `rpf-check` asks for it.
                    super::RPF_CHECK,
                    // Junos: `filter { input "$junos-input-filter"; output "$junos-output-filter"; }`;
                    // a variable with no value drops the statement (no filter).
                    super::firewall::DYNAMIC_INTERFACE_FILTER,
                    // Junos: `unnumbered-address interface <preferred-source-address a>;` on
                    // one line; the loopback is usually `"$junos-loopback-interface"`. The
                    // donor's address is what the router calls itself in IPCP.
                    container(
                        "unnumbered-address",
                        "Unnumbered interface whose address is borrowed",
                        &[
                            leaf(
                                "interface-name",
                                Type::OrVariable(&Type::Interface),
                                "Donor interface (usually the loopback)",
                            )
                            .positional(),
                            leaf(
                                "preferred-source-address",
                                Type::OrVariable(&Type::Ipv4),
                                "Address of the donor interface to use",
                            ),
                        ],
                    )
                    .one_line(),
                    // The router's own address on the subscriber's link (IPCP), with or
                    // without a prefix length.
                    leaf(
                        "address",
                        Type::OrVariable(&Type::Str { max_len: 18 }),
                        "Interface address",
                    ),
                ],
            ),
            // A VLAN profile's unit (auto-configure): its PPPoE subscribers, with their own
            // `dynamic-profile` (the pp0 one).
            super::interfaces::PPPOE_FAMILY,
        ],
    )
    .inline(),
];

/// `ppp-options` of a subscriber's PPP interface: a dynamic profile's `pp0` / `si-` unit and
/// a static `pp0` unit take the same statements (Juniper, "pp0 (Dynamic PPPoE)" and
/// "ppp-options"), declared once here; a static unit takes a few more
/// (interfaces::STATIC_PPP_OPTIONS).
pub(super) const PPP_OPTIONS: Stmt = container(
    "ppp-options",
    "PPP interface parameters",
    &[
        container(
            "chap",
            "Challenge Handshake Authentication Protocol",
            &[CHAP_CHALLENGE_LENGTH],
        )
        .presence(),
        PPP_IGNORE_MAGIC_NUMBER_MISMATCH,
        PPP_IPCP_SUGGEST_DNS_OPTION,
        PPP_PAP,
        PPP_AUTHENTICATION,
        PPP_MRU,
        PPP_MTU,
    ],
);

// Junos ("chap (Dynamic PPP)", "challenge-length (Static and Dynamic PPP)"): `chap;`,
// or `chap { challenge-length minimum N maximum M; }`, both 8..63 octets, the
// maximum at least the minimum (validate::ppp_options).
pub(super) const CHAP_CHALLENGE_LENGTH: Stmt = container(
    "challenge-length",
    "Length of the CHAP challenge (octets)",
    &[
        leaf("minimum", uint(8, 63), "Shortest challenge (octets)").mandatory(),
        leaf("maximum", uint(8, 63), "Longest challenge (octets)").mandatory(),
    ],
)
.one_line();

// Junos: without it, an LCP echo whose magic number is not the peer's is dropped
// (and the keepalives eventually take the link down).
pub(super) const PPP_IGNORE_MAGIC_NUMBER_MISMATCH: Stmt = flag(
    "ignore-magic-number-mismatch",
    "Ignore a mismatched magic number in LCP keepalives",
)
.no_effect(
    "LCP echoes are answered and counted whatever the peer's magic number (only \
     the router's own, a looped link, is acted on)",
);

// Junos (15.1): IPCP prompts a client whose Configure-Request asks for no name
// servers to ask for them (RFC 1661 §5.3: a Nak may name options the request
// left out); the servers are what the client would get if it asked.
pub(super) const PPP_IPCP_SUGGEST_DNS_OPTION: Stmt = flag(
    "ipcp-suggest-dns-option",
    "Prompt the client to negotiate DNS server addresses in IPCP",
);

pub(super) const PPP_PAP: Stmt = flag("pap", "Password Authentication Protocol");

// Junos: `authentication [ chap pap ];`, in the order offered to the client.
pub(super) const PPP_AUTHENTICATION: Stmt = leaf_list(
    "authentication",
    Type::Enum(&["chap", "pap"]),
    "PPP authentication protocols, in order of preference",
);

// Junos: the MRU the subscriber's LCP asks for; on PPPoE never above the
// session's payload (`family pppoe mtu`, RFC 4638's PPP-Max-Payload), which
// the subscriber layer holds it to (subscriber::ppp_sizes).
pub(super) const PPP_MRU: Stmt = leaf("mru", uint(576, 65535), "Maximum receive unit LCP asks for");

// Junos: the PPP MTU of the subscriber's interface, without the lower layers'
// headers; `use-lower-layer` is what the link carries (subscriber::ppp_sizes).
pub(super) const PPP_MTU: Stmt = leaf(
    "mtu",
    Type::UintOr {
        min: 576,
        max: 65535,
        words: &["use-lower-layer"],
    },
    "Maximum transmit unit",
);
