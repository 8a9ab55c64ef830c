//! Commit checks of `[edit dynamic-profiles]`: every variable a profile uses is one the
//! subscriber layer can replace (a supported `$junos-…` one, or a user variable the profile
//! defines under `variables`), and `si-` units are dedicated as Junos' LNS requires.
//! That referenced profiles exist is a table reference (`refers_to`), checked structurally.

use super::Findings;
use crate::tree::{quote_word, Node, NodeId, Path};
use crate::typed::{
    donor_address, is_supported_predefined, ProfileInterface, RouterConfig, LOOPBACK_INTERFACE,
    PREDEFINED_VARIABLES,
};

/// The subscriber's own underlying interface: the only value `pppoe-options
/// underlying-interface` can have in a dynamic profile.
const UNDERLYING: &str = "$junos-underlying-interface";
/// The subscriber's own dynamic unit.
const UNIT: &str = "$junos-interface-unit";

pub(super) fn check(root: &Node, findings: &mut Findings) {
    for (id, profile) in &root.children {
        if id.keyword != "dynamic-profiles" {
            continue;
        }
        let mut path: Path = vec![id.clone()];
        variables(profile, profile, &mut path, findings);
        dial_options(profile, &path, findings);
        pppoe_options(profile, &path, findings);
        dynamic_units(profile, &path, findings);
        routing_instances(root, profile, &path, findings);
        routes(profile, &mut path, findings);
    }
}

/// The one `access-internal` route that has effect: the subscriber's host route, which
/// this router installs for every subscriber whose PPP ends here.
const INTERNAL_ROUTE: &str = "$junos-subscriber-ip-address";

/// Every `access` route is installed (a Framed-Route variable for each Framed-Route, a
/// literal prefix as written: `subscriber::access_routes`); an `access-internal` route other
/// than the subscriber's own is installed by nothing here: accepted, with the warning the
/// table gives every such statement.
fn routes(node: &Node, path: &mut Path, findings: &mut Findings) {
    for (id, child) in &node.children {
        if id.keyword == "routing-options" {
            let Some(internal) = child.children.get(&NodeId::new("access-internal")) else {
                continue;
            };
            for route in internal.children.keys() {
                if route.key.as_deref() != Some(INTERNAL_ROUTE) {
                    let mut at = path.clone();
                    at.extend([id.clone(), NodeId::new("access-internal")]);
                    findings.warn(
                        &at,
                        &route.to_string(),
                        &format!(
                            "statement has no effect: only the subscriber's own route is installed here (route \"{INTERNAL_ROUTE}\")"
                        ),
                    );
                }
            }
        } else if id.keyword == "routing-instances" {
            path.push(id.clone());
            routes(child, path, findings);
            path.pop();
        }
    }
}

/// A routing instance a profile names outright must be configured (a variable is the
/// subscriber's own, or a user variable checked when it is replaced).
fn routing_instances(root: &Node, profile: &Node, path: &Path, findings: &mut Findings) {
    for id in profile.children.keys() {
        let Some(name) = id.key.as_deref() else {
            continue;
        };
        if id.keyword != "routing-instances" || name.starts_with('$') || name == "default" {
            continue;
        }
        if !root
            .children
            .contains_key(&NodeId::entry("routing-instances", name))
        {
            findings.error(
                path.clone(),
                id.to_string(),
                "Referenced routing instance is not defined",
            );
        }
    }
}

/// Walks one profile: each key and value that is a variable must be known.
fn variables(profile: &Node, node: &Node, path: &mut Path, findings: &mut Findings) {
    for (id, child) in &node.children {
        // A user variable's own definition holds values, not uses.
        if id.keyword == "variables" && path.len() == 1 {
            continue;
        }
        if let Some(key) = &id.key {
            if let Some(message) = unknown_variable(profile, key) {
                findings.error(path.clone(), id.to_string(), message);
            }
        }
        for value in &child.values {
            if let Some(message) = unknown_variable(profile, value) {
                findings.error(
                    path.clone(),
                    format!("{} {}", id.keyword, quote_word(value)),
                    message,
                );
            }
        }
        path.push(id.clone());
        variables(profile, child, path, findings);
        path.pop();
    }
}

/// Why `word` is a variable this profile cannot have replaced; `None` for a plain value and
/// for a known variable.
fn unknown_variable(profile: &Node, word: &str) -> Option<String> {
    let name = word.strip_prefix('$')?;
    if name.starts_with("junos-") {
        if is_supported_predefined(word) {
            return None;
        }
        let supported: Vec<&str> = PREDEFINED_VARIABLES.iter().map(|(n, _)| *n).collect();
        return Some(format!(
            "Predefined variable '{word}' is not supported; supported: {}",
            supported.join(", ")
        ));
    }
    let defined = profile
        .children
        .contains_key(&NodeId::entry("variables", name));
    (!defined)
        .then(|| format!("Variable '{word}' is not defined: define it under 'variables {name}'"))
}

/// Junos' LNS takes one session per `si-` unit: `dial-options shared` is refused there, as
/// Junos refuses it.
fn dial_options(profile: &Node, path: &Path, findings: &mut Findings) {
    for (interface_id, interface) in &profile.children {
        if interface_id.keyword != "interfaces" {
            continue;
        }
        let units = interface
            .children
            .iter()
            .filter(|(id, _)| id.keyword == "unit");
        for (unit_id, unit) in units {
            let Some(dial) = unit.children.get(&NodeId::new("dial-options")) else {
                continue;
            };
            if dial.children.contains_key(&NodeId::new("shared")) {
                let mut at = path.clone();
                at.extend([
                    interface_id.clone(),
                    unit_id.clone(),
                    NodeId::new("dial-options"),
                ]);
                findings.error(
                    at,
                    "shared",
                    "L2TP LNS sessions need one logical interface each: only 'dedicated' is supported",
                );
            }
        }
    }
}

/// A dynamic PPPoE interface (`pp0`) needs `pppoe-options { underlying-interface
/// "$junos-underlying-interface"; server; }`, as Junos' "pp0 (Dynamic PPPoE)" writes it:
/// the router is the session's server, on the interface the client came from. A missing
/// `underlying-interface` is the table's own mandatory check.
fn pppoe_options(profile: &Node, path: &Path, findings: &mut Findings) {
    for (interface_id, interface) in &profile.children {
        if interface_id.keyword != "interfaces" || interface_id.key.as_deref() != Some("pp0") {
            continue;
        }
        // Its units: `interface-mib` sits beside them.
        let units = interface
            .children
            .iter()
            .filter(|(id, _)| id.keyword == "unit");
        for (unit_id, unit) in units {
            let mut at = path.clone();
            at.push(interface_id.clone());
            let Some(pppoe) = unit.children.get(&NodeId::new("pppoe-options")) else {
                findings.missing(at, unit_id.to_string(), "pppoe-options");
                continue;
            };
            at.push(unit_id.clone());
            if !pppoe.children.contains_key(&NodeId::new("server")) {
                findings.missing(at.clone(), "pppoe-options", "server");
            }
            at.push(NodeId::new("pppoe-options"));
            let literal = pppoe
                .children
                .get(&NodeId::new("underlying-interface"))
                .and_then(|n| n.values.first())
                .filter(|v| v.as_str() != UNDERLYING);
            if let Some(value) = literal {
                findings.error(
                    at,
                    format!("underlying-interface {}", quote_word(value)),
                    format!("A dynamic PPPoE interface runs on the subscriber's own underlying interface: use \"{UNDERLYING}\""),
                );
            }
        }
    }
}

/// An unnumbered interface borrows its donor's address, which the router gives itself in
/// IPCP: the donor must have one (and a preferred source address must be one of them).
/// A donor given as a user variable is checked when a subscriber logs in.
pub(super) fn check_donors(config: &RouterConfig, findings: &mut Findings) {
    for (name, profile) in &config.dynamic_profiles {
        for template in &profile.interfaces {
            let Some(donor) = template.unnumbered_address.as_deref() else {
                continue;
            };
            let donor = match donor {
                "$junos-loopback-interface" => LOOPBACK_INTERFACE,
                variable if variable.starts_with('$') => continue,
                literal => literal,
            };
            let preferred = template
                .preferred_source_address
                .as_deref()
                .and_then(|a| a.parse().ok());
            if let Err(why) = donor_address(&config.interfaces, donor, preferred) {
                let path = template_inet(name, template);
                let written = template.unnumbered_address.as_deref().unwrap_or(donor);
                findings.error(
                    path,
                    format!("unnumbered-address {}", quote_word(written)),
                    why.to_string(),
                );
            }
        }
    }
}

/// A subscriber interface's unit is the one the router allocates for the subscriber
/// (`pp0.3221225473`): a profile's `pp0`, `si-…` or `"$junos-interface-ifd-name"` unit is
/// `"$junos-interface-unit"`, as every Junos dynamic interface is written. A literal unit
/// would put every subscriber on one interface.
fn dynamic_units(profile: &Node, path: &Path, findings: &mut Findings) {
    for (interface_id, interface) in &profile.children {
        let Some(name) = interface_id.key.as_deref() else {
            continue;
        };
        let subscriber_interface =
            name == "pp0" || name.starts_with("si-") || name == "$junos-interface-ifd-name";
        if interface_id.keyword != "interfaces" || !subscriber_interface {
            continue;
        }
        for unit_id in interface.children.keys() {
            if unit_id.keyword == "unit" && unit_id.key.as_deref() != Some(UNIT) {
                let mut at = path.clone();
                at.push(interface_id.clone());
                findings.error(
                    at,
                    unit_id.to_string(),
                    format!("A subscriber interface's unit is allocated for each subscriber: use \"{UNIT}\""),
                );
            }
        }
    }
}

/// An LNS profile names the subscriber's interface: `"$junos-interface-ifd-name"` (the
/// tunnel group's service interface) or that `si-` interface itself. Another `si-` would
/// name an interface the group's sessions are not on.
pub(super) fn check_service_interfaces(config: &RouterConfig, findings: &mut Findings) {
    for (group_name, group) in &config.l2tp.tunnel_groups {
        let (Some(profile_name), Some(service)) = (
            group.dynamic_profile.as_deref(),
            group.service_interface.as_deref(),
        ) else {
            continue;
        };
        let Some(profile) = config.dynamic_profiles.get(profile_name) else {
            continue;
        };
        let other = profile
            .interfaces
            .iter()
            .find(|i| i.name.starts_with("si-") && i.name != service);
        if let Some(other) = other {
            findings.error(
                vec![
                    NodeId::new("services"),
                    NodeId::new("l2tp"),
                    NodeId::entry("tunnel-group", group_name),
                ],
                format!("dynamic-profile {profile_name}"),
                format!(
                    "Dynamic profile {profile_name} names interface {}, but the tunnel group's sessions are on service-interface {service}: name {service} or \"$junos-interface-ifd-name\"",
                    other.name
                ),
            );
        }
    }
}

/// Junos: an `rpf-check fail-filter` used in a dynamic profile cannot be
/// `interface-specific` ("Configuring a Fail Filter for Unicast RPF in Dynamic Profiles").
pub(super) fn check_rpf_fail_filters(config: &RouterConfig, findings: &mut Findings) {
    for (name, profile) in &config.dynamic_profiles {
        for template in &profile.interfaces {
            let Some(filter) = template.rpf_fail_filter.as_deref() else {
                continue;
            };
            let specific = config
                .firewall_filters
                .get(filter)
                .is_some_and(|f| f.interface_specific);
            if specific {
                let mut path = template_inet(name, template);
                path.push(NodeId::new("rpf-check"));
                findings.error(
                    path,
                    format!("fail-filter {filter}"),
                    format!("Filter {filter} is interface-specific: a dynamic profile's fail filter cannot be"),
                );
            }
        }
    }
}

/// `[edit dynamic-profiles NAME interfaces IF unit U family inet]` of a template.
fn template_inet(name: &str, template: &ProfileInterface) -> Path {
    vec![
        NodeId::entry("dynamic-profiles", name),
        NodeId::entry("interfaces", &template.name),
        NodeId::entry("unit", &template.unit),
        NodeId::new("family"),
        NodeId::new("inet"),
    ]
}
