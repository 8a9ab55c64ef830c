//! Junos statements this router does not implement, by the level they stand at. A pasted
//! Junos configuration names them (`protocols bgp`, `class-of-service`, `routing-options`, ...): the load
//! says they are not supported here, which an operator can act on, instead of calling a
//! correct Junos statement a syntax error. A word not listed (a typo) stays a syntax error.
//!
//! Only Junos' own statement names belong here, at the level Junos has them; a statement this
//! router implements is never reached (the schema is asked first).

use crate::tree::NodeId;

/// Junos' `ppp-options` this router does not have, under a dynamic profile's unit and a
/// static pp0 unit alike (the same statement in both places).
const PPP_OPTIONS_NOT_SUPPORTED: &[&str] = &[
    "compression",
    "initiate-ncp",
    "no-termination-request",
    "on-demand-ip-address",
    "peer-ip-address-optional",
];

/// Junos' `routing-options` statements other than `static`.
const ROUTING_OPTIONS_NOT_SUPPORTED: &[&str] = &[
    "aggregate",
    "auto-export",
    "autonomous-system",
    "confederation",
    "dynamic-tunnels",
    "forwarding-table",
    "generate",
    "graceful-restart",
    "instance-export",
    "instance-import",
    "interface-routes",
    "martians",
    "maximum-paths",
    "maximum-prefixes",
    "multicast",
    "multipath",
    "nonstop-routing",
    "options",
    "ppm",
    "resolution",
    "rib",
    "rib-groups",
    "router-id",
    "source-routing",
    "traceoptions",
];

/// Junos' `static` statements other than `route`.
const STATIC_NOT_SUPPORTED: &[&str] = &["defaults", "rib-group"];

/// Junos' `static route` statements other than `next-hop`, `discard` and `reject`.
const STATIC_ROUTE_NOT_SUPPORTED: &[&str] = &[
    "active",
    "as-path",
    "bfd-liveness-detection",
    "community",
    "install",
    "lsp-next-hop",
    "metric",
    "next-table",
    "no-install",
    "no-readvertise",
    "no-resolve",
    "no-retain",
    "passive",
    "preference",
    "qualified-next-hop",
    "readvertise",
    "receive",
    "resolve",
    "retain",
    "tag",
];

/// (level, as its statement keywords without keys; statements Junos has there).
const KNOWN: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "access-security",
            "accounting-options",
            "applications",
            "bridge-domains",
            "class-of-service",
            "diameter",
            "ethernet-switching-options",
            "event-options",
            "forwarding-options",
            "jsrc",
            "jsrc-partition",
            "logical-systems",
            "multi-chassis",
            "multicast-snooping-options",
            "poe",
            "policy-options",
            "security",
            "services-options",
            "switch-options",
            "virtual-chassis",
            "vlans",
            "vmhost",
        ],
    ),
    (
        "protocols",
        &[
            "bfd",
            "bgp",
            "connections",
            "dcbx",
            "evpn",
            "iccp",
            "igmp",
            "igmp-snooping",
            "isis",
            "l2circuit",
            "l2vpn",
            "lacp",
            "layer2-control",
            "ldp",
            "lldp",
            "lldp-med",
            "mld",
            "mld-snooping",
            "mpls",
            "msdp",
            "mstp",
            "neighbor-discovery",
            "oam",
            "ospf",
            "ospf3",
            "pim",
            "rip",
            "ripng",
            "router-advertisement",
            "router-discovery",
            "rstp",
            "rsvp",
            "sap",
            "stp",
            "vpls",
            "vrrp",
            "vstp",
        ],
    ),
    (
        "services",
        &[
            "adaptive-services-pics",
            "application-identification",
            "captive-portal-content-delivery",
            "dynamic-flow-capture",
            "flow-monitoring",
            "ipsec-vpn",
            "nat",
            "pcef",
            "rpm",
            "service-device-pools",
            "service-set",
            "softwire",
            "stateful-firewall",
            "subscriber-awareness",
        ],
    ),
    (
        "system",
        &[
            "accounting",
            "ddos-protection",
            "extensions",
            "license",
            "radius-options",
            "scripts",
        ],
    ),
    (
        "system internet-options",
        &[
            "gre-path-mtu-discovery",
            "ipip-path-mtu-discovery",
            "ipv6-duplicate-addr-detection-transmits",
            "ipv6-path-mtu-discovery",
            "ipv6-path-mtu-discovery-timeout",
            "ipv6-reject-zero-hop-limit",
            "no-gre-path-mtu-discovery",
            "no-ipip-path-mtu-discovery",
            "no-ipv6-reject-zero-hop-limit",
            "no-tcp-rfc1323",
            "no-tcp-rfc1323-paws",
            "source-port",
            "source-quench",
        ],
    ),
    // Services of a Junos host beside ssh, netconf and subscriber-management (table/system.rs).
    (
        "system services",
        &[
            "dhcp-local-server",
            "dns",
            "extension-service",
            "finger",
            "ftp",
            "outbound-ssh",
            "rest",
            "service-deployment",
            "telnet",
            "web-management",
            "xnm-clear-text",
            "xnm-ssl",
        ],
    ),
    // Chassis statements beside those a subscriber-access configuration sets (table/chassis.rs).
    (
        "chassis",
        &[
            "alarm",
            "fabric",
            "pem",
            "redundancy",
            "routing-engine",
            "synchronization",
        ],
    ),
    (
        "chassis fpc",
        &[
            "flexible-queuing-mode",
            "max-queues",
            "power",
            "sampling-instance",
        ],
    ),
    (
        "chassis fpc pic",
        &[
            "adaptive-services",
            "framing",
            "number-of-ports",
            "tunnel-services",
        ],
    ),
    // `services-options` is an `si-`/`sp-` services PIC's (its own syslog, timeouts).
    ("interfaces", &["services-options", "traceoptions"]),
    // Auto-sensed VLANs (table/interfaces.rs) create VLANs from PPPoE discovery only: a
    // range's own access profile, ANCP-triggered (out-of-band) VLANs, `override` and VLANs
    // for agent circuit IDs are Junos statements this router does not have.
    ("interfaces auto-configure", &["agent-circuit-identifier"]),
    ("interfaces auto-configure vlan-ranges", &["override"]),
    (
        "interfaces auto-configure stacked-vlan-ranges",
        &["override"],
    ),
    // DHCP's parts of a VLAN's user name (Junos: "Used for DHCPv4 packet authentication
    // only"): a PPPoE discovery frame has no chaddr and no option 82.
    (
        "interfaces auto-configure vlan-ranges authentication username-include",
        &["mac-address", "option-18", "option-37", "option-82"],
    ),
    (
        "interfaces auto-configure stacked-vlan-ranges authentication username-include",
        &["mac-address", "option-18", "option-37", "option-82"],
    ),
    (
        "interfaces auto-configure vlan-ranges dynamic-profile",
        &["access-profile", "accept-out-of-band"],
    ),
    (
        "interfaces auto-configure stacked-vlan-ranges dynamic-profile",
        &["access-profile", "accept-out-of-band"],
    ),
    // A unit over a range of VLANs is a Layer 2 circuit's or bridge's (`vlan-id-range`,
    // `vlan-tags inner-range`): this router's units are one VLAN (or VLAN pair) each.
    // Layer 2 policing (`layer2-policer`): hierarchical policers are not supported either.
    (
        "interfaces unit",
        &[
            "demux-options",
            "demux-source",
            "layer2-policer",
            "vlan-id-range",
        ],
    ),
    ("interfaces unit vlan-tags", &["inner-range"]),
    // A static pp0 unit is a PPPoE server's (validate::static_pppoe): Junos' client role
    // and its statements are a CPE's, not this router's.
    (
        "interfaces unit pppoe-options",
        &[
            "access-concentrator",
            "auto-reconnect",
            "client",
            "idle-timeout",
            "service-name",
        ],
    ),
    ("interfaces unit ppp-options", PPP_OPTIONS_NOT_SUPPORTED),
    (
        "interfaces unit family",
        &[
            "bridge",
            "ccc",
            "ethernet-switching",
            "inet6",
            "iso",
            "mpls",
            "vpls",
        ],
    ),
    (
        "interfaces unit family inet",
        // `negotiate-address`: the address from the peer's IPCP, a PPP client's.
        &["dhcp", "negotiate-address", "policer", "sampling"],
    ),
    // The peer's address from a PPP profile's pool (unnumbered-address (PPP)): a static
    // unit's peer gets its `destination`, a subscriber's address comes from RADIUS, its client
    // entry or a pool. In a dynamic profile one address for every subscriber would fit one.
    (
        "interfaces unit family inet unnumbered-address",
        &["destination-profile"],
    ),
    (
        "dynamic-profiles interfaces unit family inet unnumbered-address",
        &["destination"],
    ),
    // Routing beyond static routes (table/routing_options.rs), in the main instance and in
    // a routing instance alike; and the static routes' attributes and next hops other
    // than a gateway, discard or reject.
    ("routing-options", ROUTING_OPTIONS_NOT_SUPPORTED),
    (
        "routing-instances routing-options",
        ROUTING_OPTIONS_NOT_SUPPORTED,
    ),
    ("routing-options static", STATIC_NOT_SUPPORTED),
    (
        "routing-instances routing-options static",
        STATIC_NOT_SUPPORTED,
    ),
    ("routing-options static route", STATIC_ROUTE_NOT_SUPPORTED),
    (
        "routing-instances routing-options static route",
        STATIC_ROUTE_NOT_SUPPORTED,
    ),
    // VPNs and routing beyond the instance's interfaces; Layer 2 wholesale instances
    // (`instance-role`, `vlan-model`).
    (
        "routing-instances",
        &[
            "instance-role",
            "protocols",
            "route-distinguisher",
            "vlan-model",
            "vrf-export",
            "vrf-import",
            "vrf-table-label",
            "vrf-target",
        ],
    ),
    // DHCP options beyond those a pool loads (table/access.rs, DHCP_ATTRIBUTES).
    (
        "access address-assignment pool family inet dhcp-attributes",
        &[
            "next-server",
            "propagate-ppp-settings",
            "propagate-settings",
            "sip-server",
        ],
    ),
    ("snmp community", &["routing-instance"]),
    // Logical systems, and Junos' time-of-day limits of a login class.
    (
        "system login class",
        &[
            "access-end",
            "access-start",
            "allowed-days",
            "logical-system",
            // An op script run at login (`system scripts` is not supported either).
            "login-script",
        ],
    ),
    // A remote syslog host reached through a routing instance.
    ("system syslog host", &["routing-instance"]),
    // `[edit firewall]` beyond IPv4 filters (table/firewall.rs).
    (
        "firewall",
        &[
            "atm-policer",
            "flexible-match",
            "hierarchical-policer",
            "interface-set",
            "load-balance-group",
            "three-color-policer",
        ],
    ),
    // A policer's statements beyond the single-rate two-color policer that discards.
    (
        "firewall policer",
        &[
            "logical-bandwidth-policer",
            "logical-interface-policer",
            "physical-interface-policer",
            "shared-bandwidth-policer",
        ],
    ),
    ("firewall policer if-exceeding", &["bandwidth-percent"]),
    (
        "firewall policer then",
        &["forwarding-class", "loss-priority", "out-of-profile"],
    ),
    (
        "firewall family",
        &[
            "any",
            "bridge",
            "ccc",
            "ethernet-switching",
            "inet6",
            "mpls",
            "vpls",
        ],
    ),
    (
        "firewall family inet",
        &[
            "dialer-filter",
            "prefix-action",
            "service-filter",
            "simple-filter",
        ],
    ),
    (
        "firewall family inet filter",
        &[
            "accounting-profile",
            "enhanced-mode",
            "fast-lookup-filter",
            "instance-shared",
            "physical-interface-filter",
        ],
    ),
    ("firewall family inet filter term", &["filter"]),
    (
        "firewall family inet filter term from",
        &[
            "destination-address-except",
            "destination-port-except",
            "destination-prefix-list",
            "dscp",
            "first-fragment",
            "forwarding-class",
            "fragment-flags",
            "fragment-offset",
            "icmp-code",
            "icmp-type-except",
            "interface",
            "ip-options",
            "is-fragment",
            "packet-length",
            "port-except",
            "precedence",
            "prefix-list",
            "protocol-except",
            "source-address-except",
            "source-port-except",
            "source-prefix-list",
            "tcp-established",
            "tcp-flags",
            "tcp-initial",
            "ttl",
        ],
    ),
    (
        "firewall family inet filter term then",
        &[
            "forwarding-class",
            "log",
            "loss-priority",
            "next",
            "port-mirror",
            "routing-instance",
            "sample",
            "syslog",
        ],
    ),
    // A dynamic profile's hierarchies this router does not build subscribers from.
    (
        "dynamic-profiles",
        &[
            "class-of-service",
            "firewall",
            "policy-options",
            "predefined-variable-defaults",
            "profile-type",
            "protocols",
            "services",
        ],
    ),
    // [edit protocols pppoe] Hierarchy Level (13.2): PADS and PADO variants whose
    // behaviour the statement pages found do not describe, the trace filters by ACI/ARI,
    // and a service's actions by the PPPoE intermediate agent's ACI/ARI (the discovery
    // here reads those tags for RADIUS, but a table's entry decides by Service-Name alone).
    (
        "protocols pppoe",
        &[
            "no-send-pads-ac-info",
            "no-send-pads-error",
            "pado-advertise",
        ],
    ),
    ("protocols pppoe traceoptions", &["filter"]),
    (
        "protocols pppoe service-name-tables service",
        &["agent-specifier"],
    ),
    // IP demux subscribers (DHCP): the demux units here carry PPPoE only.
    (
        "dynamic-profiles interfaces unit family inet",
        &["demux-source", "mac-validate"],
    ),
    // Interface sets group subscriber interfaces for class of service.
    ("dynamic-profiles interfaces", &["interface-set"]),
    (
        "dynamic-profiles interfaces unit",
        &[
            "auto-configure",
            "filter",
            "host-prefix-only",
            "service",
            "targeted-options",
        ],
    ),
    // An interface-shared filter: one instance (counters, policers) for every subscriber
    // naming it (interfaces (Static and Dynamic Subscribers)); each unit has its own here.
    (
        "dynamic-profiles interfaces unit family inet filter input",
        &["shared-name"],
    ),
    (
        "dynamic-profiles interfaces unit family inet filter output",
        &["shared-name"],
    ),
    // L2TP over IPsec: this router has no IPsec.
    (
        "dynamic-profiles interfaces unit dial-options",
        &["ipsec-interface-id"],
    ),
    ("interfaces unit dial-options", &["ipsec-interface-id"]),
    (
        "dynamic-profiles interfaces unit family",
        &["inet6", "mpls"],
    ),
    (
        "dynamic-profiles interfaces unit ppp-options",
        PPP_OPTIONS_NOT_SUPPORTED,
    ),
    // `address-pool`: the M-series LNS's pools (`address-pool P { address-range low A
    // high B; }`), before address-assignment.
    (
        "access",
        &["address-pool", "ppp-options", "profile-options"],
    ),
    // IPv6 pools and their thresholds, and Junos 19's `address-pools` form of the pools.
    (
        "access address-assignment",
        &[
            "abated-utilization-v6",
            "address-pools",
            "high-utilization-v6",
            "neighbor-discovery-router-advertisement",
        ],
    ),
    ("access address-assignment pool family", &["inet6"]),
    // DHCP's static bindings (`host`), IPsec XAuth's attributes, a DHCPv6 range's prefix.
    (
        "access address-assignment pool family inet",
        &["host", "xauth-attributes"],
    ),
    (
        "access address-assignment pool family inet range",
        &["prefix-length"],
    ),
    // An access profile's clients of IPsec (IKE, XAuth) and of firewall authentication.
    (
        "access profile client",
        &["firewall-user", "ike", "xauth-ip-address"],
    ),
    // Realms (a domain before the user's name) and what a map does beyond this router's:
    // logical systems, PADN routes, password overrides, sub-domains.
    (
        "access domain",
        &["parse-order", "realm-delimiter", "realm-parse-direction"],
    ),
    (
        "access domain map",
        &[
            "aaa-logical-system",
            "override-chap-password",
            "override-password",
            "padn",
            "strip-username",
            "sub-domain",
            "target-logical-system",
            "using-user-password",
        ],
    ),
    // Cisco's NAS-Port-Info AVP (100) in the ICRQ.
    ("services l2tp tunnel", &["nas-port-method"]),
    // The M-series AS PIC's LNS: per-interface tracing and the PIC's own system log.
    ("services l2tp traceoptions", &["debug-level", "interfaces"]),
    ("services l2tp tunnel-group", &["syslog"]),
    // JSRC (Juniper's SRC policy server) is not spoken here.
    (
        "access profile",
        &["authorization-order", "provisioning-order", "service"],
    ),
    // NAS-Port-Id values whose form Juniper's statement page does not give (table/access.rs).
    (
        "access profile radius options nas-port-id-format",
        &["concatenated-vlan-tags", "postpend-vlan-tags"],
    ),
    (
        "snmp",
        &[
            "engine-id",
            "filter-interfaces",
            "health-monitor",
            "interface",
            "logical-system-trap-filter",
            "rmon",
            "routing-instance-access",
            "v3",
        ],
    ),
];

/// Junos values of a leaf this router does not take, by the leaf's level (its statement
/// keywords without keys, the leaf's own last): refused as not supported rather than as a
/// value the leaf does not know.
const KNOWN_VALUES: &[(&str, &[&str])] = &[
    // Only the virtual router has a meaning here (table/routing_instances.rs): no VPNs, no
    // filter-based forwarding, no Layer 2 instances ("instance-type", 13.1).
    (
        "routing-instances instance-type",
        &[
            "evpn",
            "forwarding",
            "l2backhaul-vpn",
            "l2vpn",
            "layer2-control",
            "no-forwarding",
            "virtual-switch",
            "vpls",
            "vrf",
        ],
    ),
    // Layer 2 circuits, VPLS, bridging and translational cross-connects: a unit here carries
    // IP or PPPoE (Juniper, "encapsulation (Logical Interface)" / "(Physical Interface)").
    (
        "interfaces unit encapsulation",
        &[
            "ethernet-ccc",
            "ethernet-vpls",
            "vlan-bridge",
            "vlan-ccc",
            "vlan-tcc",
            "vlan-vpls",
        ],
    ),
    (
        "interfaces encapsulation",
        &[
            "ethernet-bridge",
            "ethernet-ccc",
            "ethernet-tcc",
            "ethernet-vpls",
            "extended-vlan-bridge",
            "extended-vlan-ccc",
            "extended-vlan-tcc",
            "extended-vlan-vpls",
            "vlan-ccc",
            "vlan-vpls",
        ],
    ),
];

/// True when `value` is a Junos value of the leaf at `path` (the leaf last) that this router
/// does not take.
pub(crate) fn value_known(path: &[NodeId], value: &str) -> bool {
    let path = match path.split_first() {
        Some((group, rest)) if group.keyword == crate::typed::groups::GROUPS => rest,
        _ => path,
    };
    let level: Vec<&str> = path.iter().map(|id| id.keyword.as_str()).collect();
    let level = level.join(" ");
    KNOWN_VALUES
        .iter()
        .any(|(at, values)| *at == level && values.contains(&value))
}

/// `'VALUE' for 'LEAF' under [edit PATH] is not supported by this router`: `path` ends with
/// the leaf.
pub(crate) fn value_message(path: &[NodeId], value: &str) -> String {
    let (leaf, parent) = path
        .split_last()
        .map_or(("", path), |(l, p)| (l.keyword.as_str(), p));
    format!(
        "'{}' for '{leaf}' under {} is not supported by this router",
        crate::limits::quoted(value),
        crate::edit::banner(parent)
    )
}

/// True when `word` is a Junos statement at the level `path` that this router does not have.
pub(crate) fn known(path: &[NodeId], word: &str) -> bool {
    // A configuration group holds what the top level holds: `groups G routing-options`
    // is the top level's `routing-options`.
    let path = match path.split_first() {
        Some((group, rest)) if group.keyword == crate::typed::groups::GROUPS => rest,
        _ => path,
    };
    let mut level: Vec<&str> = path.iter().map(|id| id.keyword.as_str()).collect();
    // `firewall filter F` is Junos' older form of `firewall family inet filter F`: the same
    // statements stand below it.
    if level.starts_with(&["firewall", "filter"]) {
        level.splice(1..1, ["family", "inet"]);
    }
    let level = level.join(" ");
    KNOWN
        .iter()
        .any(|(at, names)| *at == level && names.contains(&word))
}

/// True when `key`, read as the key of an entry of the list `list` under `path`, is a Junos
/// statement of that list's level this router does not have: `interfaces interface-set S`
/// in a dynamic profile would otherwise be an interface named `interface-set`.
pub(crate) fn key_is_statement(path: &[NodeId], list: &str, key: &str) -> bool {
    let mut level = path.to_vec();
    level.push(NodeId::new(list));
    known(&level, key)
}

#[cfg(test)]
mod tests {
    use super::{KNOWN, KNOWN_VALUES};
    use crate::def::Kind;
    use crate::table::stmt_at;

    /// A listed value stands at a leaf the schema has, and is one the leaf refuses: one it
    /// takes would never reach the list (a stale entry, left when the value was built).
    #[test]
    fn listed_values_are_of_leaves_that_refuse_them() {
        for (level, values) in KNOWN_VALUES {
            let path: Vec<&str> = level.split_whitespace().collect();
            let Some(Kind::Leaf(ty)) = stmt_at(&path).map(|s| s.kind) else {
                panic!("{level} is no leaf of the schema");
            };
            for value in *values {
                assert!(ty.check(value).is_err(), "{level} {value} is taken");
            }
        }
    }

    /// A statement the schema has is never reached here (the schema is asked first): one
    /// listed anyway is a stale entry, left when the statement was built.
    #[test]
    fn no_listed_statement_is_one_the_schema_has() {
        let mut stale = Vec::new();
        for (level, names) in KNOWN {
            let path: Vec<&str> = level.split_whitespace().collect();
            let Some(stmt) = stmt_at(&path) else {
                continue;
            };
            stale.extend(
                names
                    .iter()
                    .filter(|name| stmt.child(name).is_some())
                    .map(|name| format!("{level} {name}")),
            );
        }
        assert!(
            stale.is_empty(),
            "built, yet listed as not supported: {stale:?}"
        );
    }
}
