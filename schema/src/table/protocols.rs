//! `[edit protocols pppoe]`: how the access concentrator answers each PPPoE Service-Name.

use super::NAME;
use crate::def::*;

pub(super) const PROTOCOLS: Stmt = container(
    "protocols",
    "Routing protocol configuration",
    &[container(
        "pppoe",
        "PPP over Ethernet configuration",
        &[
            list(
                "service-name-tables",
                NAME,
                "PPPoE service name table",
                &[list(
                    "service",
                    // `any` matches every Service-Name no other entry matches, `empty` the
                    // zero-length one; anything else is a name, quoted when it needs it.
                    // PPPoE tag values are up to 65535 octets; 255 is our choice.
                    Type::Str { max_len: 255 },
                    "Service name (any, empty, or a name)",
                    SERVICE,
                )
                .exclusive(&[ACTIONS])],
            ),
            PPPOE_TRACEOPTIONS,
        ],
    )],
);

/// Junos' `protocols pppoe traceoptions`: the PPPoE trace file (`pppoed` unless named),
/// its flags and level; what it writes is l2tpd's PPPoE discovery and sessions.
const PPPOE_TRACEOPTIONS: Stmt = container(
    "traceoptions",
    "PPPoE trace options",
    &[
        super::services::TRACE_FILE,
        list(
            "flag",
            Type::Enum(&[
                "all",
                "config",
                "events",
                "gres",
                "init",
                "interface-db",
                "memory",
                "protocol",
                "rtsock",
                "session-db",
                "signal",
                "state",
                "timer",
                "ui",
            ]),
            "Tracing parameters",
            &[],
        ),
        super::services::TRACE_LEVEL,
        super::services::NO_REMOTE_TRACE,
    ],
);

/// The action taken on a PADI naming the service, one of the three, each its own statement
/// (`service any { drop; }`, `set service gold delay 25`: "service (PPPoE)", "terminate
/// (PPPoE Service Name Tables)", [edit protocols pppoe] Hierarchy Level 13.2);
/// `terminate` when absent.
const ACTIONS: &[&str] = &["terminate", "drop", "delay"];

const SERVICE: &[Stmt] = &[
    flag("terminate", "Answer the PADI with a PADO (default)"),
    flag("drop", "Do not answer the PADI"),
    // "delay (PPPoE Service Name Tables)": 1 through 120 seconds.
    leaf(
        "delay",
        uint(1, 120),
        "Answer the PADI after this many seconds",
    ),
    // Junos range for service-name-table max-sessions.
    leaf(
        "max-sessions",
        uint(1, 65534),
        "Maximum active sessions for this service",
    ),
    leaf(
        "dynamic-profile",
        NAME,
        "Dynamic profile for sessions of this service",
    )
    .refers_to(&["dynamic-profiles"]),
    leaf(
        "routing-instance",
        NAME,
        "Routing instance for sessions of this service",
    ),
];
