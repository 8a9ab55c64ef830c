//! Junos statements this router does not implement, by the level they stand at. A pasted
//! Junos configuration names them (`protocols bgp`, `firewall`, `chassis`, ...): the load
//! says they are not supported here, which an operator can act on, instead of calling a
//! correct Junos statement a syntax error. A word not listed (a typo) stays a syntax error.
//!
//! Only Junos' own statement names belong here, at the level Junos has them; a statement this
//! router implements is never reached (the schema is asked first).

use crate::tree::NodeId;

/// (level, as its statement keywords without keys; statements Junos has there).
const KNOWN: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "access-security",
            "accounting-options",
            "applications",
            "apply-groups",
            "apply-groups-except",
            "bridge-domains",
            "chassis",
            "class-of-service",
            "diameter",
            "ethernet-switching-options",
            "event-options",
            "firewall",
            "forwarding-options",
            "groups",
            "jsrc",
            "jsrc-partition",
            "logical-systems",
            "multi-chassis",
            "multicast-snooping-options",
            "poe",
            "policy-options",
            "routing-options",
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
            "archival",
            "authentication-order",
            "backup-router",
            "commit",
            "configuration-database",
            "ddos-protection",
            "domain-name",
            "domain-search",
            "dynamic-profile-options",
            "extensions",
            "internet-options",
            "license",
            "location",
            "max-configurations-on-flash",
            "name-server",
            "ntp",
            "ports",
            "processes",
            "radius-server",
            "root-authentication",
            "scripts",
            "services",
            "static-host-mapping",
            "tacplus-server",
        ],
    ),
    ("system login", &["message", "password", "retry-options"]),
    // Users are the host's accounts, known by the management socket's credentials: the
    // router checks no password of its own.
    ("system login user", &["authentication"]),
    (
        "interfaces",
        &[
            "aggregated-ether-options",
            "auto-configure",
            "disable",
            "ether-options",
            "gigether-options",
            "hold-time",
            "link-mode",
            "mac",
            "mtu",
            "native-vlan-id",
            "speed",
            "traceoptions",
        ],
    ),
    (
        "interfaces unit",
        &[
            "demux-options",
            "demux-source",
            "dial-options",
            "disable",
            "keepalives",
            "ppp-options",
            "pppoe-options",
            "proxy-arp",
        ],
    ),
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
        &[
            "dhcp",
            "filter",
            "mtu",
            "no-redirects",
            "rpf-check",
            "sampling",
            "unnumbered-address",
        ],
    ),
    (
        "routing-instances",
        &[
            "protocols",
            "route-distinguisher",
            "routing-options",
            "vrf-export",
            "vrf-import",
            "vrf-table-label",
            "vrf-target",
        ],
    ),
    ("snmp community", &["routing-instance"]),
    (
        "access",
        &[
            "address-protection",
            "group-profile",
            "ppp-options",
            "profile-options",
        ],
    ),
    (
        "access profile",
        &["provisioning-order", "service", "session-options"],
    ),
    (
        "snmp",
        &["engine-id", "filter-interfaces", "interface", "v3"],
    ),
];

/// True when `word` is a Junos statement at the level `path` that this router does not have.
pub(crate) fn known(path: &[NodeId], word: &str) -> bool {
    let level: Vec<&str> = path.iter().map(|id| id.keyword.as_str()).collect();
    let level = level.join(" ");
    KNOWN
        .iter()
        .any(|(at, names)| *at == level && names.contains(&word))
}
