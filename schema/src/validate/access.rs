//! Semantic checks of `[edit access]`: address pools, RADIUS servers, accounting.

use super::Findings;
use crate::tree::{Node, NodeId, Path};
use crate::typed::{AccessProfile, AddressPool, AuthenticationMethod, RadiusMessage, RouterConfig};
use std::net::Ipv4Addr;

pub(super) fn check(root: &Node, config: &RouterConfig, findings: &mut Findings) {
    address_pools(config, findings);
    super::address_assignment::check(config, findings);
    domain_delimiter(root, findings);
    strip_user_name_delimiters(root, findings);
    pool_name_servers(config, findings);
    aaa_routing_instances(config, findings);
    server_routing_instances(config, findings);
    terminate_codes_never_sent(config, findings);
    for (name, profile) in &config.access_profiles {
        radius_servers_of_profile(config, name, profile, findings);
        accounting_of_profile(root, name, profile, findings);
        exclusions_of_profile(name, profile, findings);
        nas_port_id_order(name, profile, findings);
        nas_port_width(name, profile, findings);
    }
}

/// `[edit access profile NAME radius options]`.
fn radius_options_path(name: &str) -> Path {
    vec![
        NodeId::new("access"),
        NodeId::entry("profile", name),
        NodeId::new("radius"),
        NodeId::new("options"),
    ]
}

/// Junos: "The combined total of the widths of all fields for a subscriber must not exceed 32
/// bits, or the configuration fails" (nas-port-extended-format, access profile).
fn nas_port_width(name: &str, profile: &AccessProfile, findings: &mut Findings) {
    let Some(format) = &profile.radius_options.nas_port_extended_format else {
        return;
    };
    let total = format.total_width();
    if total <= 32 {
        return;
    }
    findings.error(
        radius_options_path(name),
        "nas-port-extended-format",
        format!("The field widths add up to {total} bits: NAS-Port has 32, the widths may add up to at most 32"),
    );
}

/// Junos: "The default and custom order methods are mutually exclusive. The configuration
/// fails if you attempt to configure a NAS-Port-ID that includes values in both types of
/// orders."
fn nas_port_id_order(name: &str, profile: &AccessProfile, findings: &mut Findings) {
    let format = &profile.radius_options.nas_port_id_format;
    let defaults = format.nas_identifier
        || format.interface_description
        || format.interface_text_description
        || format.agent_circuit_id
        || format.agent_remote_id;
    if format.order.is_empty() || !defaults {
        return;
    }
    let mut path = radius_options_path(name);
    path.push(NodeId::new("nas-port-id-format"));
    findings.error(
        path,
        "order",
        "The values may be given in the default order or with order, not both: give every value with order",
    );
}

/// Junos: `delimiter` takes up to eight characters, any of which separates user and
/// domain; `;` cannot be one, and a blank would split names at their spaces.
fn domain_delimiter(root: &Node, findings: &mut Findings) {
    let path = vec![NodeId::new("access"), NodeId::new("domain")];
    let Some(delimiter) = root
        .get(&path)
        .and_then(|domain| domain.children.get(&NodeId::new("delimiter")))
        .and_then(|node| node.values.first())
    else {
        return;
    };
    if delimiter.is_empty() || delimiter.contains(';') || delimiter.contains(char::is_whitespace) {
        findings.error(
            path,
            format!("delimiter \"{delimiter}\""),
            "A delimiter is one to eight characters, neither ';' nor a blank",
        );
    }
}

/// `session-options strip-user-name delimiter [ ... ]`: each is one character; a blank would
/// cut names at their spaces (Junos' examples: `/ @ $ % #`).
fn strip_user_name_delimiters(root: &Node, findings: &mut Findings) {
    let Some(profiles) = root.get(&[NodeId::new("access")]) else {
        return;
    };
    for (id, profile) in profiles
        .children
        .iter()
        .filter(|(id, _)| id.keyword == "profile")
    {
        let path = vec![
            NodeId::new("access"),
            id.clone(),
            NodeId::new("session-options"),
            NodeId::new("strip-user-name"),
        ];
        let Some(delimiters) = profile
            .get(&path[2..])
            .and_then(|strip| strip.children.get(&NodeId::new("delimiter")))
        else {
            continue;
        };
        for delimiter in &delimiters.values {
            if delimiter.chars().count() != 1 || delimiter.contains(char::is_whitespace) {
                findings.error(
                    path.clone(),
                    format!("delimiter \"{delimiter}\""),
                    "A delimiter is one character, not a blank",
                );
            }
        }
    }
}

/// A domain map's `aaa-routing-instance` is Junos' `default` (the main table) or a configured
/// routing instance: AAA requests go from its VRF.
fn aaa_routing_instances(config: &RouterConfig, findings: &mut Findings) {
    for (name, map) in &config.domain_maps {
        super::routing::referenced_instance(
            config,
            vec![
                NodeId::new("access"),
                NodeId::new("domain"),
                NodeId::entry("map", name.as_str()),
            ],
            "aaa-routing-instance",
            map.aaa_routing_instance.as_deref(),
            findings,
        );
    }
}

/// A RADIUS server's `routing-instance` is `default` or a configured instance, in
/// `[edit access radius-server]` and in each profile's own.
fn server_routing_instances(config: &RouterConfig, findings: &mut Findings) {
    let global = config
        .radius_servers
        .iter()
        .map(|(address, server)| (vec![NodeId::new("access")], address, server));
    let in_profiles = config.access_profiles.iter().flat_map(|(name, profile)| {
        profile.radius_servers.iter().map(move |(address, server)| {
            (
                vec![
                    NodeId::new("access"),
                    NodeId::entry("profile", name.as_str()),
                ],
                address,
                server,
            )
        })
    });
    for (mut path, address, server) in global.chain(in_profiles) {
        path.push(NodeId::entry("radius-server", address.to_string().as_str()));
        super::routing::referenced_instance(
            config,
            path,
            "routing-instance",
            server.routing_instance.as_deref(),
            findings,
        );
    }
}

/// `[edit access address-assignment pool NAME family inet]`.
fn pool_inet(name: &str) -> Path {
    vec![
        NodeId::new("access"),
        NodeId::new("address-assignment"),
        NodeId::entry("pool", name),
        NodeId::new("family"),
        NodeId::new("inet"),
    ]
}

fn address_pools(config: &RouterConfig, findings: &mut Findings) {
    for (name, pool) in &config.address_pools {
        let path = pool_inet(name);
        let mut checked: Vec<(&str, u32, u32)> = Vec::new();
        for (range_name, range) in &pool.ranges {
            let statement = format!("range {range_name}");
            if u32::from(range.low) > u32::from(range.high) {
                findings.error(
                    path.clone(),
                    statement.as_str(),
                    format!(
                        "Range low address {} is above high address {}",
                        range.low, range.high
                    ),
                );
                continue;
            }
            if let Some(network) = pool.network {
                if !network.contains(range.low) || !network.contains(range.high) {
                    findings.error(
                        path.clone(),
                        statement.as_str(),
                        format!("Range is outside network {network}"),
                    );
                    continue;
                }
            }
            let (low, high) = (u32::from(range.low), u32::from(range.high));
            // Two ranges handing out the same address would give it to two subscribers.
            if let Some((other, ..)) = checked.iter().find(|(_, l, h)| low <= *h && *l <= high) {
                findings.error(
                    path.clone(),
                    statement.as_str(),
                    format!("Range overlaps range {other}"),
                );
                continue;
            }
            checked.push((range_name, low, high));
        }
        pool_as_a_whole(name, pool, &path, findings);
    }
}

/// What only the whole pool tells: the router's own address in it, its size, its DNS.
fn pool_as_a_whole(name: &str, pool: &AddressPool, path: &Path, findings: &mut Findings) {
    let Some(network) = pool.network else {
        return; // `network` is mandatory: the structure check already said so.
    };
    if pool.ranges.is_empty() {
        return; // Nothing to hand out, nothing to check (Junos allows a pool being built).
    }
    // The pool's gateway is our IPCP address and the service interface's address: without
    // an address of the network outside every range there is none to give.
    if pool.gateway().is_none() {
        findings.error(
            path.clone(),
            format!("network {network}"),
            format!(
                "Address pool {name} needs an address of network {network} outside every \
                 range for the router (its IPCP address)"
            ),
        );
    }
    let size = pool.range_sizes();
    if size > AddressPool::MAX_ADDRESSES {
        findings.error(
            path.clone(),
            "range",
            format!(
                "Address pool {name} has {size} addresses in its ranges, more than \
                 {}",
                AddressPool::MAX_ADDRESSES
            ),
        );
    }
}

/// Junos gives a pool's `dhcp-attributes name-server` to DHCP clients only ("DNS Name Server
/// Addresses for Subscriber Management": PPP takes RADIUS's, the access profile's, the
/// router's), and this router has no DHCP clients: when nothing else names a name server a
/// PPP subscriber could get, the pool's look as if they were handed out and are not.
fn pool_name_servers(config: &RouterConfig, findings: &mut Findings) {
    let client_dns = |c: &crate::typed::PppClient| c.primary_dns.or(c.secondary_dns).is_some();
    let ppp_source = !config.name_servers.is_empty()
        || config.access_profiles.values().any(|p| {
            !p.name_servers.is_empty()
                || p.clients
                    .values()
                    .any(|c| client_dns(&c.ppp) || c.user_group.as_ref().is_some_and(client_dns))
        });
    if ppp_source {
        return;
    }
    for (name, pool) in &config.address_pools {
        if pool.name_servers.is_empty() {
            continue;
        }
        let mut path = pool_inet(name);
        path.push(NodeId::new("dhcp-attributes"));
        findings.warn(
            &path,
            "name-server",
            "statement has no effect for PPP subscribers: a pool's name servers are for DHCP \
             clients only, and no name server for PPP is configured (set access \
             domain-name-server-inet, or an access profile's)",
        );
    }
}

/// A profile's `radius authentication-server` / `accounting-server` must name a server whose
/// secret and ports are configured, in the profile or at `[edit access]`.
fn radius_servers_of_profile(
    config: &RouterConfig,
    name: &str,
    profile: &AccessProfile,
    findings: &mut Findings,
) {
    let path: Path = vec![
        NodeId::new("access"),
        NodeId::entry("profile", name),
        NodeId::new("radius"),
    ];
    let defined = |a: &Ipv4Addr| {
        profile.radius_servers.contains_key(a) || config.radius_servers.contains_key(a)
    };
    let lists = [
        ("authentication-server", &profile.authentication_servers),
        ("accounting-server", &profile.accounting_servers),
    ];
    for (keyword, servers) in lists {
        for server in servers.iter().filter(|a| !defined(a)) {
            findings.error(
                path.clone(),
                format!("{keyword} {server}"),
                "Referenced RADIUS server is not defined",
            );
        }
    }
    // A profile naming no server asks its own `radius-server` entries, else every `access
    // radius-server` (l2tpd's authentication_servers), as Juniper's "L2TP Minimum
    // Configuration" relies on. Our choice (refused at commit rather than failing each
    // login): radius in the order with no server at all would refuse, or silently skip,
    // every subscriber of the profile.
    let uses_radius = profile
        .authentication_order
        .contains(&AuthenticationMethod::Radius);
    if uses_radius
        && profile.authentication_servers.is_empty()
        && profile.radius_servers.is_empty()
        && config.radius_servers.is_empty()
    {
        findings.error(
            vec![NodeId::new("access"), NodeId::entry("profile", name)],
            "authentication-order",
            format!(
                "Access profile {name} lists radius in authentication-order but no RADIUS \
                 server is configured: add 'radius-server ADDRESS' under [edit access], or \
                 'radius authentication-server ADDRESS' to the profile"
            ),
        );
    }
}

/// `accounting` statements without `order radius` turn nothing on: say so.
fn accounting_of_profile(
    root: &Node,
    name: &str,
    profile: &AccessProfile,
    findings: &mut Findings,
) {
    let path: Path = vec![
        NodeId::new("access"),
        NodeId::entry("profile", name),
        NodeId::new("accounting"),
    ];
    if profile.accounting.is_none() && root.get(&path).is_some() {
        findings.warn(
            &path[..2],
            "accounting",
            "accounting has no effect without 'order radius'",
        );
    }
}

/// `radius attributes exclude A accounting-on | accounting-off`: this router sends neither
/// message, so the exclusion changes nothing; say so, naming the attribute.
fn exclusions_of_profile(name: &str, profile: &AccessProfile, findings: &mut Findings) {
    let path: Path = vec![
        NodeId::new("access"),
        NodeId::entry("profile", name),
        NodeId::new("radius"),
        NodeId::new("attributes"),
        NodeId::new("exclude"),
    ];
    let never_sent = [RadiusMessage::AccountingOn, RadiusMessage::AccountingOff];
    for (attribute, messages) in &profile.radius_exclude.attributes {
        if messages.iter().any(|m| never_sent.contains(m)) {
            findings.warn(
                &path,
                attribute,
                "accounting-on and accounting-off have no effect: this router sends no \
                 Accounting-On or Accounting-Off",
            );
        }
    }
}

/// A `terminate-code` for a Junos reason this router never ends a subscriber for loads (a
/// Junos configuration pastes in whole) but is never sent: the operator is told, rather
/// than left to believe the RADIUS server will see it.
fn terminate_codes_never_sent(config: &RouterConfig, findings: &mut Findings) {
    let path = [NodeId::new("access"), NodeId::new("terminate-code")];
    for (protocol, remaps) in &config.terminate_codes.remapped {
        for reason in remaps.keys() {
            if protocol.reason(reason).is_some_and(|known| !known.raised) {
                findings.warn(
                    &path,
                    &format!("{} {reason}", protocol.keyword()),
                    "this router never ends a subscriber for this reason; the code is shown but never sent",
                );
            }
        }
    }
}
