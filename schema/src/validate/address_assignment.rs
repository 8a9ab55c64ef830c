//! Semantic checks of what Junos adds to an address pool beyond its ranges: excluded
//! addresses, linked pools, and the utilization marks of `[edit access address-assignment]`.

use super::Findings;
use crate::tree::{NodeId, Path};
use crate::typed::RouterConfig;
use std::collections::BTreeMap;

pub(super) fn check(config: &RouterConfig, findings: &mut Findings) {
    exclusions(config, findings);
    links(config, findings);
    utilization(config, findings);
}

fn pool(name: &str) -> Path {
    vec![
        NodeId::new("access"),
        NodeId::new("address-assignment"),
        NodeId::entry("pool", name),
    ]
}

/// An exclusion names addresses of the pool's network, low to high: one outside it
/// excludes nothing the pool could give, which is a typing error.
fn exclusions(config: &RouterConfig, findings: &mut Findings) {
    for (name, pool_config) in &config.address_pools {
        let mut path = pool(name);
        path.extend([NodeId::new("family"), NodeId::new("inet")]);
        for (statement, range) in &pool_config.excluded {
            if u32::from(range.low) > u32::from(range.high) {
                findings.error(
                    path.clone(),
                    statement.as_str(),
                    format!(
                        "Excluded range low address {} is above high address {}",
                        range.low, range.high
                    ),
                );
                continue;
            }
            let Some(network) = pool_config.network else {
                continue; // `network` is mandatory: the structure check said so.
            };
            if !network.contains(range.low) || !network.contains(range.high) {
                findings.error(
                    path.clone(),
                    statement.as_str(),
                    format!("Excluded addresses are outside network {network}"),
                );
            }
        }
    }
}

/// Junos: a chain of linked pools, each pool linked to at most one and from at most one; a
/// loop would send the search round for ever. (`link` naming a pool that does not exist is
/// the reference check's.)
fn links(config: &RouterConfig, findings: &mut Findings) {
    let pools = &config.address_pools;
    let mut linked_from: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, pool_config) in pools {
        if let Some(next) = &pool_config.link {
            linked_from.entry(next.as_str()).or_default().push(name);
        }
    }
    for (target, sources) in &linked_from {
        if sources.len() > 1 {
            for source in sources {
                findings.error(
                    pool(source),
                    format!("link {target}"),
                    format!(
                        "Address pool {target} is linked from more than one pool ({}): a pool \
                         may be linked from one pool only",
                        sources.join(", ")
                    ),
                );
            }
        }
    }
    // A loop is reported once, at its pool first by name.
    for start in pools.keys() {
        let mut chain: Vec<&str> = vec![start];
        let mut at = start.as_str();
        while let Some(next) = pools.get(at).and_then(|p| p.link.as_deref()) {
            if next == start.as_str() {
                let first = chain.iter().min().is_some_and(|m| *m == start.as_str());
                if first {
                    chain.push(next);
                    findings.error(
                        pool(start),
                        format!("link {}", chain.get(1).unwrap_or(&next)),
                        format!("Address pools link in a loop: {}", chain.join(" -> ")),
                    );
                }
                break;
            }
            if chain.contains(&next) || !pools.contains_key(next) {
                break; // A loop further on (reported from its own pools), or a missing pool.
            }
            chain.push(next);
            at = next;
        }
    }
}

/// `abated-utilization` clears the alarm `high-utilization` raises: it must lie below it,
/// and alone it has nothing to clear.
fn utilization(config: &RouterConfig, findings: &mut Findings) {
    let path = vec![NodeId::new("access"), NodeId::new("address-assignment")];
    match (config.pool_utilization.high, config.pool_utilization.abated) {
        (Some(high), Some(abated)) if abated >= high => findings.error(
            path,
            format!("abated-utilization {abated}"),
            format!("abated-utilization must be below high-utilization ({high})"),
        ),
        (None, Some(_)) => findings.warn(
            &path,
            "abated-utilization",
            "statement has no effect without high-utilization",
        ),
        _ => {}
    }
}
