//! `[edit routing-options]` and `[edit routing-instances R routing-options]`: static routes
//! (Junos "static (Routing Options)", "route (Static Routes)"), installed as kernel routes
//! by the daemon (l2tpd engine::static_routes): in the main table, or in the instance's
//! VRF table. Only the three kinds of next hop the kernel has a route type for are taken:
//! gateways (`next-hop`), `discard` (a blackhole route) and `reject` (an unreachable route).

use crate::def::*;

pub(super) const ROUTING_OPTIONS: Stmt = container(
    "routing-options",
    "Protocol-independent routing option configuration",
    &[container("static", "Static routes", &[ROUTE])],
);

/// Junos shows a route of one statement on one line (`route 0.0.0.0/0 next-hop
/// 198.18.0.1;`), a block for more. A prefix with host bits set is refused, as Junos
/// refuses it. Exactly one kind of next hop: the exclusive group makes `set` of one remove
/// the others, the commit check refuses a route with none (validate::static_routes).
const ROUTE: Stmt = list(
    "route",
    Type::Ipv4Prefix,
    "Static route",
    &[
        // Junos takes several gateways (equal-cost paths): a leaf-list, `next-hop [ a b ]`.
        leaf_list("next-hop", Type::Ipv4, "Next hop to destination"),
        flag(
            "discard",
            "Drop packets to destination; send no ICMP unreachables",
        ),
        flag(
            "reject",
            "Drop packets to destination; send ICMP unreachables",
        ),
    ],
)
.single_line()
.exclusive(&[&["next-hop", "discard", "reject"]]);
