//! Semantic checks of `[edit interfaces]` and `[edit snmp]`.

use super::Findings;
use crate::tree::{Node, NodeId, Path};
use crate::typed::{CommunityAuthorization, Ipv4Prefix, RouterConfig, SnmpConfig};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

pub(super) fn check(root: &Node, config: &RouterConfig, findings: &mut Findings) {
    unit_named_interfaces(root, findings);
    interface_addresses(root, findings);
    snmp(config, findings);
    trap_source_loopback(root, config, findings);
    snmp_views(root, findings);
    snmp_client_lists(root, findings);
}

/// Junos takes a community's clients from `clients { ... }` or from `client-list-name L`,
/// never from both: which would decide is not something to guess.
fn snmp_client_lists(root: &Node, findings: &mut Findings) {
    let Some(snmp) = root.children.get(&NodeId::new("snmp")) else {
        return;
    };
    for (name, c) in entries(snmp, "community") {
        let has_clients = c.children.keys().any(|id| id.keyword == "clients");
        let Some(list) = c.children.get(&NodeId::new("client-list-name")) else {
            continue;
        };
        if has_clients {
            findings.error(
                vec![NodeId::new("snmp"), NodeId::entry("community", name)],
                format!(
                    "client-list-name {}",
                    list.values.first().map_or("", |v| v.as_str())
                ),
                "client-list-name and clients are mutually exclusive",
            );
        }
    }
}

/// `trap-options source-address lo0` stands for the lowest address of the loopback
/// interface (Junos): with no address there, traps would leave with none the operator chose.
fn trap_source_loopback(root: &Node, config: &RouterConfig, findings: &mut Findings) {
    let names_lo0 = root
        .children
        .get(&NodeId::new("snmp"))
        .and_then(|s| s.children.get(&NodeId::new("trap-options")))
        .and_then(|t| t.children.get(&NodeId::new("source-address")))
        .is_some_and(|a| a.values.first().is_some_and(|v| v.as_str() == "lo0"));
    if names_lo0 && config.snmp.trap_source_address.is_none() {
        findings.error(
            vec![NodeId::new("snmp"), NodeId::new("trap-options")],
            "source-address lo0",
            "lo0 has no family inet address to take as the traps' source address",
        );
    }
}

/// `view V { oid O include|exclude; }`: O is a dotted OID or a MIB name the router knows
/// (`crate::snmp_oid`), and takes one of the two words.
fn snmp_views(root: &Node, findings: &mut Findings) {
    let Some(snmp) = root.children.get(&NodeId::new("snmp")) else {
        return;
    };
    for (view, v) in entries(snmp, "view") {
        let path = vec![NodeId::new("snmp"), NodeId::entry("view", view)];
        for (oid, o) in entries(v, "oid") {
            if let Err(why) = crate::snmp_oid::resolve(oid) {
                findings.error(
                    path.clone(),
                    format!("oid {oid}"),
                    format!(
                        "Invalid OID '{oid}': {why}; use numbers separated by dots \
                         (1.3.6.1.4.1.2636) or a MIB name (jnxL2tp, mib-2, pingMIB)"
                    ),
                );
            }
            let include = o.children.contains_key(&NodeId::new("include"));
            let exclude = o.children.contains_key(&NodeId::new("exclude"));
            if include && exclude {
                findings.error(
                    path.clone(),
                    format!("oid {oid}"),
                    "Only one of 'include' and 'exclude' may be set",
                );
            }
        }
    }
}

/// `ge-0/0/0.0` is Junos' name for unit 0 of `ge-0/0/0`, never a physical interface: one
/// configured under that name (brace text can write it) would be a second, unreachable
/// interface. `set`/`edit` turn the shorthand into the unit; here the rest is refused.
fn unit_named_interfaces(root: &Node, findings: &mut Findings) {
    for (name, _) in entries(root, "interfaces") {
        let Some((ifd, unit)) = name.rsplit_once('.') else {
            continue;
        };
        if ifd.is_empty() || unit.is_empty() || !unit.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        findings.error(
            vec![NodeId::new("interfaces")],
            name.to_string(),
            format!("'{name}' is a logical interface name: configure it as '{ifd} unit {unit}'"),
        );
    }
}

fn inet_path(interface: &str, unit: u16) -> Path {
    vec![
        NodeId::entry("interfaces", interface),
        NodeId::entry("unit", unit.to_string()),
        NodeId::new("family"),
        NodeId::new("inet"),
    ]
}

/// Interface addresses carry host bits (`198.18.0.1/24`), which the table cannot express;
/// they are checked here, from the tree's own keys: the typed view drops what it cannot parse.
fn interface_addresses(root: &Node, findings: &mut Findings) {
    let mut owners: BTreeMap<Ipv4Addr, String> = BTreeMap::new();
    for (name, number, key) in address_keys(root) {
        let statement = format!("address {key}");
        let parsed = Ipv4Prefix::parse(key).filter(|p| p.to_string() == key);
        let Some(address) = parsed else {
            let message = format!("Invalid interface address '{key}': expecting a.b.c.d/len");
            findings.error(inet_path(name, number), statement, message);
            continue;
        };
        if let Some(problem) = host_address_problem(&address) {
            findings.error(inet_path(name, number), statement, problem);
            continue;
        }
        match owners.get(&address.address) {
            Some(first) => findings.error(
                inet_path(name, number),
                statement,
                format!(
                    "Address {} is already configured on {first}",
                    address.address
                ),
            ),
            None => {
                owners.insert(address.address, format!("{name} unit {number}"));
            }
        }
    }
}

/// Every `interfaces NAME unit N family inet address KEY` in the tree, in order.
fn address_keys(root: &Node) -> impl Iterator<Item = (&str, u16, &str)> {
    entries(root, "interfaces").flat_map(|(name, interface)| {
        entries(interface, "unit").flat_map(move |(number, unit)| {
            let number: u16 = number.parse().unwrap_or_default();
            let inet = unit
                .children
                .get(&NodeId::new("family"))
                .and_then(|family| family.children.get(&NodeId::new("inet")));
            inet.into_iter().flat_map(move |inet| {
                entries(inet, "address").map(move |(key, _)| (name, number, key))
            })
        })
    })
}

fn entries<'a>(node: &'a Node, keyword: &'a str) -> impl Iterator<Item = (&'a str, &'a Node)> {
    node.children
        .iter()
        .filter_map(move |(id, child)| match &id.key {
            Some(key) if id.keyword == keyword => Some((key.as_str(), child)),
            _ => None,
        })
}

/// Why `prefix` cannot be an interface's own address, if it cannot.
fn host_address_problem(prefix: &Ipv4Prefix) -> Option<String> {
    let host = prefix.address;
    if host.is_unspecified() || host.is_broadcast() || host.is_multicast() {
        return Some(format!("{host} cannot be an interface address"));
    }
    // /31 (RFC 3021) and /32 have no network or broadcast address to avoid.
    if prefix.len < 31 && (host == prefix.network() || host == prefix.broadcast()) {
        return Some(format!(
            "{host} is the network or broadcast address of {}/{}",
            prefix.network(),
            prefix.len
        ));
    }
    None
}

/// The embedded agent serves the system group from `description`, `location`, `contact`
/// and `name`; it listens only when a community is configured. With the AgentX subagent
/// alone, the master (snmpd) answers the group from its own configuration and the
/// subagent does not register it, so the statements do nothing.
fn system_group_under_agentx(snmp: &SnmpConfig, path: &[NodeId], findings: &mut Findings) {
    if snmp.agentx_socket.is_none() || !snmp.communities.is_empty() {
        return;
    }
    for (statement, value) in [
        ("description", &snmp.description),
        ("location", &snmp.location),
        ("contact", &snmp.contact),
        ("name", &snmp.name),
    ] {
        if value.is_some() {
            findings.warn(
                path,
                statement,
                "statement has no effect: with no community the embedded agent does not \
                 listen, and the AgentX subagent leaves the system group to the master agent \
                 (snmpd), which answers it from its own configuration",
            );
        }
    }
}

fn snmp(config: &RouterConfig, findings: &mut Findings) {
    let snmp_path = vec![NodeId::new("snmp")];
    for (name, community) in &config.snmp.communities {
        if community.authorization == CommunityAuthorization::ReadWrite {
            findings.warn(
                &[
                    NodeId::new("snmp"),
                    NodeId::entry("community", name.as_str()),
                ],
                "authorization read-write",
                "the agent serves read-only objects; set requests are refused",
            );
        }
    }
    for (name, group) in &config.snmp.trap_groups {
        super::routing::referenced_instance(
            config,
            vec![
                NodeId::new("snmp"),
                NodeId::entry("trap-group", name.as_str()),
            ],
            "routing-instance",
            group.routing_instance.as_deref(),
            findings,
        );
    }
    system_group_under_agentx(&config.snmp, &snmp_path, findings);
    if let Some(socket) = &config.snmp.agentx_socket {
        if !socket.starts_with('/') {
            let mut path = snmp_path;
            path.push(NodeId::new("agentx"));
            findings.error(
                path,
                format!("socket {socket}"),
                "AgentX socket must be an absolute path",
            );
        }
    }
}
