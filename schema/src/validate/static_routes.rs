//! Commit checks of `routing-options static`, in the main instance and in each routing
//! instance: every route says where its packets go. The schema already refuses a prefix
//! with host bits set and a second kind of next hop (an exclusive group).

use super::Findings;
use crate::tree::{NodeId, Path};
use crate::typed::{RouterConfig, StaticRoute};

fn static_path(instance: Option<&str>) -> Path {
    let mut path: Path = instance
        .map(|name| vec![NodeId::entry("routing-instances", name)])
        .unwrap_or_default();
    path.push(NodeId::new("routing-options"));
    path.push(NodeId::new("static"));
    path
}

fn check_routes(instance: Option<&str>, routes: &[StaticRoute], findings: &mut Findings) {
    for route in routes.iter().filter(|r| r.next_hop.is_none()) {
        findings.error(
            static_path(instance),
            format!("route {}", route.prefix),
            "a static route needs one of next-hop, discard or reject",
        );
    }
}

pub(super) fn check(config: &RouterConfig, findings: &mut Findings) {
    check_routes(None, &config.static_routes, findings);
    for (name, instance) in &config.routing_instances {
        check_routes(Some(name), &instance.static_routes, findings);
    }
}
