//! `[edit chassis]`: what a Junos BNG or LNS configuration sets there for subscriber access
//! (`network-services enhanced-ip`, an FPC's `inline-services bandwidth` that makes its `si-`
//! interfaces). This router has no chassis: its `si-` interfaces are the host's TUN devices,
//! which need neither. The statements load, so the configuration is taken whole, and the
//! commit says they have no effect; the rest of Junos' chassis statements are named as not
//! supported (parse/unsupported.rs).

use crate::def::*;

pub(super) const CHASSIS: Stmt = container(
    "chassis",
    "Chassis configuration",
    &[
        // Junos needs the count before any `ae` interface exists; here an aggregated
        // interface is the host's bonding device (table/interfaces.rs).
        container(
            "aggregated-devices",
            "Aggregated devices configuration",
            &[container(
                "ethernet",
                "Aggregated Ethernet devices",
                // MX takes up to 1,000 aggregated Ethernet interfaces.
                &[leaf(
                    "device-count",
                    uint(1, 1000),
                    "Number of aggregated Ethernet devices",
                )],
            )],
        ),
        // Junos' FPC slots run to 19 on the largest MX; its PICs to 3.
        list(
            "fpc",
            uint(0, 19),
            "Flexible PIC Concentrator parameters",
            &[list(
                "pic",
                uint(0, 3),
                "Physical Interface Card number",
                &[container(
                    "inline-services",
                    "Inline services (si- interfaces) on this PIC",
                    &[leaf(
                        "bandwidth",
                        Type::Enum(&["1g", "10g", "20g", "40g", "100g", "200g", "400g"]),
                        "Bandwidth set aside for inline services",
                    )],
                )],
            )],
        ),
        // Junos prints it after the FPCs.
        leaf(
            "network-services",
            Type::Enum(&[
                "enhanced-ethernet",
                "enhanced-ip",
                "enhanced-mode",
                "ethernet",
                "ip",
                "lan",
            ]),
            "Chassis network services configuration",
        ),
    ],
)
.no_effect("this router has no chassis; its si- interfaces are TUN devices of the host");
