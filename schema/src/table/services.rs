//! `[edit services l2tp]`: global L2TP settings, LAC tunnel defaults and LNS tunnel groups.

use super::{NAME, TUNNEL_SWITCHING};
use crate::def::*;

pub(super) const SERVICES: Stmt = container(
    "services",
    "Service PIC applications settings",
    &[container(
        "l2tp",
        "Configure Layer 2 Tunneling Protocol",
        L2TP,
    )],
);

/// The `access profile` list, which several statements below name.
const ACCESS_PROFILE: &[&str] = &["access", "profile"];
const TUNNEL_SWITCH_PROFILE: &[&str] = &["access", "tunnel-switch-profile"];

/// Hello interval, shared by the global tunnel defaults and tunnel groups. Juniper publishes
/// no range; ours: 0 (no hellos) up to an hour, beyond which a dead peer goes unnoticed
/// for too long to be useful.
const HELLO_INTERVAL: Stmt = leaf(
    "hello-interval",
    uint(0, 3600),
    "Hello interval when the tunnel is idle (seconds)",
)
.default("60");

const L2TP: &[Stmt] = &[
    // Junos 14.1: the LAC forwards the PPPoE intermediate agent's circuit and remote IDs in
    // the ICRQ (RFC 5515 AVPs, vendor 3561), the LNS reads them; off by default on both.
    container(
        "access-line-information",
        "Send (LAC) or read (LNS) the subscriber's access line identification",
        &[flag(
            "connection-speed-update",
            "Report connection speed changes (CSUN)",
        )
        .no_effect(
            "the LAC sends no Connect-Speed-Update-Notification: a PPPoE line's rate changes \
             only through ANCP, which this router does not speak (an LNS takes a LAC's CSUN \
             with or without this statement)",
        )],
    )
    .presence(),
    // Not a Junos statement (Junos sizes its packet engines itself): the daemon's data
    // threads (issue 15). No schema default: unset means one per core of the host.
    leaf(
        "data-workers",
        uint(1, 64),
        "Number of data worker threads (default: one per CPU core)",
    ),
    container(
        "destination",
        "L2TP destination properties",
        &[leaf(
            "lockout-timeout",
            uint(60, 3600),
            "Time a failed destination is kept out of selection (seconds)",
        )
        .default("300")],
    ),
    leaf(
        "destruct-timeout",
        uint(10, 3600),
        "Time state of a closed tunnel or session is kept (seconds)",
    )
    .default("300")
    .no_effect("a closed tunnel is kept for one retransmission cycle (RFC 2661 section 5.7)"),
    flag(
        "disable-calling-number-avp",
        "Do not send the Calling Number AVP",
    ),
    flag(
        "disable-failover-protocol",
        "Use silent failover instead of the failover protocol",
    )
    .no_effect("the failover protocol (RFC 4951) is not implemented; failover is always silent"),
    flag(
        "drain",
        "Prevent new tunnels, sessions and destinations from being created",
    ),
    flag(
        "enable-snmp-tunnel-statistics",
        "Collect tunnel and global data statistics for SNMP",
    ),
    flag(
        "fail-over-within-preference",
        "Try other destinations of the same preference before the next level",
    ),
    flag("ip-reassembly", "Reassemble fragmented L2TP packets").no_effect(
        "the host's IP stack reassembles fragmented L2TP datagrams whether or not it is set",
    ),
    flag(
        "rx-connect-speed-when-equal",
        "Send Rx Connect Speed even when equal to Tx Connect Speed",
    ),
    TRACEOPTIONS,
    container("tunnel", "L2TP tunnel properties", TUNNEL),
    list(
        "tunnel-group",
        NAME,
        "L2TP tunnel group (LNS)",
        TUNNEL_GROUP,
    ),
    leaf(
        "tunnel-switch-profile",
        NAME,
        "Tunnel switch profile for all tunnels",
    )
    .refers_to(TUNNEL_SWITCH_PROFILE)
    .no_effect(TUNNEL_SWITCHING),
    // Junos 11.4-12.3: `advisory` (the interface's advisory shaping rate, else the port's
    // speed) and `dsl-forum` (the PPPoE agent's rates); 13.1 renamed them `static` and
    // `pppoe-ia-tag` and added `ancp`; 15.1-17.1 had `actual` (the CoS shaping rate).
    // The agent's rates are built; ANCP and CoS shaping are not here, so `ancp` and `actual`
    // fall back to `static` as Junos does when their source has no value (commit warning).
    leaf(
        "tx-connect-speed-method",
        Type::Enum(&[
            "actual",
            "advisory",
            "ancp",
            "dsl-forum",
            "pppoe-ia-tag",
            "static",
        ]),
        "Source of the Tx and Rx Connect Speed values",
    ),
    flag(
        "weighted-load-balancing",
        "Choose among tunnels of one preference in proportion to max-sessions",
    ),
];

/// A trace file as Junos writes it: `file l2tpd size 10m files 5;`, on one line, the file
/// name first (l2tpd's and the PPPoE trace's).
pub(super) const TRACE_FILE: Stmt = container(
    "file",
    "Trace file information",
    &[
        leaf(
            "filename",
            Type::Identifier { max_len: 255 },
            "Name of file in which to write trace information",
        )
        .positional(),
        // Junos ranges: 10 KB..1 GB each, 2..1000 files.
        leaf(
            "size",
            Type::Size {
                min: 10240,
                max: 1_073_741_824,
            },
            "Maximum trace file size (bytes, or with k, m, g)",
        )
        .default("1m"),
        leaf("files", uint(2, 1000), "Maximum number of trace files").default("3"),
        // Junos: only lines the expression matches are written (the syslog `match` rules).
        leaf(
            "match",
            Type::Str { max_len: 255 },
            "Regular expression for lines to be logged",
        ),
        flag("world-readable", "Allow any user to read the log file"),
        // Junos' default, written out: the file is readable by its owner only.
        flag(
            "no-world-readable",
            "Don't allow all users to read the log file",
        ),
    ],
)
.exclusive(&[&["world-readable", "no-world-readable"]])
.one_line();

/// How much a trace writes.
pub(super) const TRACE_LEVEL: Stmt = leaf(
    "level",
    Type::Enum(&["all", "error", "info", "notice", "verbose", "warning"]),
    "Level of debugging output",
)
.default("error");

const TRACEOPTIONS: Stmt = container(
    "traceoptions",
    "L2TP trace options",
    &[
        TRACE_FILE,
        list(
            "flag",
            Type::Enum(&[
                "all",
                "configuration",
                "events",
                "ipc",
                "message",
                "protocol",
                "session-db",
                "timer",
            ]),
            "Tracing parameters",
            &[],
        ),
        TRACE_LEVEL,
        container(
            "filter",
            "Filter trace messages",
            &[
                // Junos: one `protocol P;` a line, several allowed (each traced). The
                // trace file holds L2TP's events: only `l2tp` (or no filter) selects them.
                list(
                    "protocol",
                    Type::Enum(&["l2tp", "ppp", "radius", "udp"]),
                    "Trace only these protocols",
                    &[],
                ),
                leaf(
                    "user-name",
                    Type::Str { max_len: 253 },
                    "Trace only this subscriber",
                )
                .no_effect("trace messages do not carry the subscriber's name yet"),
            ],
        ),
        NO_REMOTE_TRACE,
    ],
);

/// Junos sends traces to a remote collector unless told not to; we never do.
pub(super) const NO_REMOTE_TRACE: Stmt = flag("no-remote-trace", "Disable remote tracing")
    .no_effect("traces are only ever written to the local file");

const TUNNEL: &[Stmt] = &[
    leaf(
        "assignment-id-format",
        Type::Enum(&["assignment-id", "client-server-id"]),
        "Format of the tunnel identity",
    )
    .default("assignment-id"),
    HELLO_INTERVAL,
    leaf(
        "idle-timeout",
        uint(0, 86400),
        "Time a tunnel with no sessions stays up (seconds, 0 = forever)",
    )
    .default("60"),
    // Our choice: from 1 s up to the 16 s cap the retransmission backoff stops at.
    leaf(
        "minimum-retransmission-interval",
        uint(1, 16),
        "Wait before the first retransmission (seconds)",
    )
    .default("1"),
    // Our choice: Juniper publishes no range; 30 keeps the worst case under ten minutes.
    leaf(
        "retransmission-count-established",
        uint(1, 30),
        "Retransmissions of a control message on an established tunnel",
    )
    .default("5"),
    leaf(
        "retransmission-count-not-established",
        uint(2, 30),
        "Retransmissions of a control message while the tunnel is being established",
    )
    .default("5"),
    leaf(
        "rx-window-size",
        uint(4, 128),
        "Control message receive window size (packets)",
    )
    .default("4"),
    // The Junos default is unpublished; accepting keeps RFC 2661 behaviour, where a peer may
    // answer SCCRQ from another address (our choice).
    leaf(
        "tx-address-change",
        Type::Enum(&["accept", "ignore", "ignore-ip-address", "ignore-udp-port"]),
        "Action when the peer replies from a different address or port",
    )
    .default("accept"),
];

const TUNNEL_GROUP: &[Stmt] = &[
    leaf(
        "aaa-access-profile",
        NAME,
        "Access profile for subscriber authentication",
    )
    .refers_to(ACCESS_PROFILE),
    leaf(
        "dynamic-profile",
        NAME,
        "Dynamic profile for subscriber interfaces",
    )
    .refers_to(&["dynamic-profiles"]),
    HELLO_INTERVAL,
    flag("hide-avps", "Hide AVPs in control messages"),
    leaf(
        "l2tp-access-profile",
        NAME,
        "Access profile for tunnel authentication",
    )
    .refers_to(ACCESS_PROFILE),
    container(
        "local-gateway",
        "Local gateway of the tunnels",
        &[
            leaf("address", Type::Ipv4, "Local address of the tunnels").mandatory(),
            leaf("gateway-name", NAME, "Local host name sent to the peer"),
        ],
    )
    .mandatory(),
    // Our choice: L2TP windows are 16-bit counters (RFC 2661 AVP 10).
    leaf(
        "maximum-send-window",
        uint(1, 65535),
        "Largest send window offered by the peer we honour (packets)",
    ),
    leaf("ppp-access-profile", NAME, "Access profile for PPP").refers_to(ACCESS_PROFILE),
    // Junos' M-series default is 16; ours is the global `tunnel rx-window-size`, so that one
    // statement sets the window of every tunnel unless a group says otherwise.
    // Our choice: the same ceiling as `rx-window-size`, since every slot of the window may
    // hold an out-of-order message from the peer.
    leaf(
        "receive-window",
        uint(1, 128),
        "Control message receive window (packets; default: tunnel rx-window-size)",
    ),
    // Junos: the maximum retransmit interval (default 30 s), no range given; Juniper's own
    // tunnel-group example writes 5. Ours defaults to the 16 s cap of every other tunnel. RFC
    // 2661 section 5.8 requires any cap to be at least 8 s: below 8 loads, warns and waits 8
    // (validate::l2tp); up to a minute is our choice.
    leaf(
        "retransmit-interval",
        uint(1, 60),
        "Longest wait between retransmissions (seconds; default 16)",
    ),
    leaf(
        "service-device-pool",
        NAME,
        "Pool of service interfaces for dynamic sessions",
    ),
    leaf(
        "service-interface",
        Type::Interface,
        "Service interface anchoring the sessions",
    ),
    flag(
        "tos-reflect",
        "Copy the subscriber's IP ToS into the tunnel header",
    ),
    leaf("tunnel-switch-profile", NAME, "Tunnel switch profile")
        .refers_to(TUNNEL_SWITCH_PROFILE)
        .no_effect(TUNNEL_SWITCHING),
    // Junos' default is 120 s. Ours is none: the retransmission statements already bound
    // the downtime (47 s at their defaults), and a 120 s default would silently cut the
    // counts operators raise on an LNS (Junos advises 16 or more for ISSU). One second up to
    // a day is our choice.
    leaf(
        "tunnel-timeout",
        uint(1, 86400),
        "Maximum downtime before the tunnel is terminated (seconds; default: the retransmission count decides)",
    ),
];
