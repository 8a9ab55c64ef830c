//! `[edit routing-instances]`: the LNS's virtual routers, each a Linux VRF device that the
//! service interfaces named in it are enslaved to (issue 11; junos-config.md §7).

use super::{NAME, TEXT};
use crate::def::*;

pub(super) const ROUTING_INSTANCES: Stmt = list(
    "routing-instances",
    NAME,
    "Routing instance configuration",
    &[
        // Junos: "does not affect the operation of the routing instance"; it shows it in
        // `show route instance detail`, a command this router does not have.
        leaf("description", TEXT, "Text description of routing instance")
            .no_effect("no command here shows a routing instance's description"),
        // Junos also knows vrf, forwarding, l2vpn, …; only the virtual router has a meaning
        // here (its own routing table, no VPN signalling), so only it is accepted.
        leaf(
            "instance-type",
            Type::Enum(&["virtual-router"]),
            "Type of routing instance",
        )
        .mandatory(),
        // Junos writes one `interface si-1/0/0.0;` a line; the unit is accepted and refers
        // to the service interface's single unit.
        list(
            "interface",
            Type::Interface,
            "Interface name for this routing instance",
            &[],
        ),
        // Junos shows routing-options after the instance's interfaces.
        super::routing_options::ROUTING_OPTIONS,
    ],
)
.grouped()
.entries_as("instance");
