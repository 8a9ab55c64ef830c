//! `routing-options static route P ...` as typed settings, in the main instance and in each
//! routing instance: what the daemon installs as kernel routes (l2tpd engine::static_routes).

use super::net::Ipv4Prefix;
use super::view::View;
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

/// Where a static route's packets go: Junos' `next-hop`, `discard` and `reject`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StaticNextHop {
    /// One gateway, or several (equal-cost paths), in the order written.
    Gateways(Vec<Ipv4Addr>),
    /// Dropped silently (a blackhole route).
    Discard,
    /// Dropped with an ICMP unreachable (an unreachable route).
    Reject,
}

/// One `route PREFIX { ... }`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct StaticRoute {
    pub prefix: Ipv4Prefix,
    /// `None` only in a tree that has not passed the commit check (one is required).
    pub next_hop: Option<StaticNextHop>,
}

/// The static routes under `level`'s `routing-options` (the root, or a routing instance).
/// A route whose prefix does not read (a tree that has not passed the checks) is left out.
pub(super) fn static_routes(level: View<'_>) -> Vec<StaticRoute> {
    level
        .container("routing-options")
        .container("static")
        .entries("route")
        .filter_map(|(prefix, route)| {
            let prefix = Ipv4Prefix::parse(prefix)?;
            let gateways: Vec<Ipv4Addr> = route
                .values("next-hop")
                .iter()
                .filter_map(|a| a.parse().ok())
                .collect();
            let next_hop = if !gateways.is_empty() {
                Some(StaticNextHop::Gateways(gateways))
            } else if route.flag("discard") {
                Some(StaticNextHop::Discard)
            } else if route.flag("reject") {
                Some(StaticNextHop::Reject)
            } else {
                None
            };
            Some(StaticRoute { prefix, next_hop })
        })
        .collect()
}
