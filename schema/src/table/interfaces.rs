//! `[edit interfaces]`: subscriber-facing Ethernet (PPPoE), core-facing addresses and
//! `si-` service interfaces.

use super::{NAME, TEXT};
use crate::def::*;

pub(super) const INTERFACES: Stmt = list(
    "interfaces",
    Type::Interface,
    "Interface configuration",
    INTERFACE,
)
.grouped();

const INTERFACE: &[Stmt] = &[
    leaf("description", TEXT, "Text description of interface"),
    leaf(
        "encapsulation",
        Type::Enum(&["ethernet", "generic-services"]),
        "Physical link-layer encapsulation",
    ),
    // Junos unit range for Ethernet; unit 0 of an si- interface is reserved for the LNS.
    list("unit", uint(0, 16385), "Logical interface", UNIT),
];

const UNIT: &[Stmt] = &[
    leaf("description", TEXT, "Text description of interface"),
    leaf(
        "encapsulation",
        Type::Enum(&["ethernet", "ppp-over-ether"]),
        "Logical link-layer encapsulation",
    ),
    container(
        "family",
        "Protocol family",
        &[
            container(
                "inet",
                "IPv4 parameters",
                // An interface address has host bits (198.18.0.1/24), which `Ipv4Prefix`
                // refuses; it is checked at commit instead (validate::interfaces).
                &[list(
                    "address",
                    Type::Str { max_len: 18 },
                    "Interface address/destination prefix",
                    &[flag("primary", "Candidate for primary address in system")],
                )],
            ),
            container(
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
                    ),
                    // PPPoE session IDs are 16-bit with 0 and 0xffff reserved (RFC 2516).
                    leaf(
                        "max-sessions",
                        uint(1, 65534),
                        "Maximum PPPoE sessions on this interface",
                    ),
                    leaf(
                        "service-name-table",
                        NAME,
                        "Service name table for PADI/PADR matching",
                    ),
                ],
            ),
        ],
    )
    // Junos shows `family inet { ... }`, never `family { inet { ... } }`.
    .inline(),
];
