//! Commit checks of static LNS units: `dial-options` on `si-` units (Juniper, "Configuring
//! Options for the LNS Inline Services Logical Interface") and the access-profile clients
//! whose `l2tp interface-id` selects them. A client naming an identifier no unit carries —
//! or none on the service interface of a tunnel group that admits it — would have every
//! session of its LAC refused; the commit says so instead.

use super::Findings;
use crate::tree::{quote_word, NodeId};
use crate::typed::RouterConfig;

pub(super) fn check(config: &RouterConfig, findings: &mut Findings) {
    for (name, interface) in &config.interfaces {
        for (number, unit) in &interface.units {
            let Some(dial) = &unit.dial_options else {
                continue;
            };
            let path = vec![
                NodeId::entry("interfaces", name),
                NodeId::entry("unit", number.to_string()),
            ];
            if !name.starts_with("si-") {
                findings.error(
                    path,
                    "dial-options",
                    "dial-options is valid only on inline services (si-) interfaces",
                );
                continue;
            }
            // Junos reserves unit 0 of an si- interface for the service itself.
            if *number == 0 {
                findings.error(
                    path,
                    "dial-options",
                    "Unit 0 of an inline services interface is reserved: use another unit for L2TP sessions",
                );
                continue;
            }
            let mut at = path;
            at.push(NodeId::new("dial-options"));
            // Both at once is the table's `exclusive` check.
            if dial.l2tp_interface_id.is_some() && !dial.dedicated && !dial.shared {
                findings.error(
                    at,
                    format!(
                        "l2tp-interface-id {}",
                        quote_word(dial.l2tp_interface_id.as_deref().unwrap_or_default())
                    ),
                    "Either 'dedicated' or 'shared' must be configured",
                );
            }
        }
    }
    for (profile_name, profile) in &config.access_profiles {
        for (client_name, client) in &profile.clients {
            let Some(id) = client.l2tp.interface_id.as_deref() else {
                continue;
            };
            let at = || {
                vec![
                    NodeId::new("access"),
                    NodeId::entry("profile", profile_name),
                    NodeId::entry("client", client_name),
                    NodeId::new("l2tp"),
                ]
            };
            let statement = || format!("interface-id {}", quote_word(id));
            let in_a_profile = config
                .dynamic_profiles
                .values()
                .any(|p| p.carries_l2tp_interface_id(id));
            if units_with(config, id) == 0 && !in_a_profile {
                findings.error(
                    at(),
                    statement(),
                    format!("No si- logical interface or dynamic profile has dial-options l2tp-interface-id {id}"),
                );
                continue;
            }
            // The LNS looks for the unit on the service interface of the tunnel group the
            // LAC called: elsewhere it is never found, and every session would be refused.
            for (group_name, group) in &config.l2tp.tunnel_groups {
                if group.l2tp_access_profile.as_deref() != Some(profile_name.as_str()) {
                    continue;
                }
                // Its sessions may also be dynamic units of the group's dynamic profile.
                let dynamic = group
                    .dynamic_profile
                    .as_deref()
                    .and_then(|name| config.dynamic_profiles.get(name))
                    .is_some_and(|p| p.carries_l2tp_interface_id(id));
                let message = match group.service_interface.as_deref() {
                    None => format!(
                        "Tunnel group {group_name} has no service-interface to put its sessions on a unit with l2tp-interface-id {id}"
                    ),
                    Some(service) if units_on(config, service, id) == 0 && !dynamic => format!(
                        "No unit of {service}, the service-interface of tunnel group {group_name}, nor its dynamic profile has dial-options l2tp-interface-id {id}"
                    ),
                    Some(_) => continue,
                };
                findings.error(at(), statement(), message);
            }
        }
    }
}

/// How many units of `service` carry `l2tp-interface-id id`.
fn units_on(config: &RouterConfig, service: &str, id: &str) -> usize {
    config
        .interfaces
        .get(service)
        .map_or(0, |i| i.units_with_l2tp_interface_id(id).count())
}

/// How many `si-` units carry `l2tp-interface-id id`.
pub(crate) fn units_with(config: &RouterConfig, id: &str) -> usize {
    config
        .interfaces
        .keys()
        .filter(|name| name.starts_with("si-"))
        .map(|name| units_on(config, name, id))
        .sum()
}
