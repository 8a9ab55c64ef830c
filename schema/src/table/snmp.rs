//! `[edit snmp]`: our embedded SNMPv2c agent (read-only: SNMPv2-MIB's system group, IF-MIB,
//! JNX-L2TP-MIB) and its AgentX socket.

use super::{NAME, PORT, TEXT};
use crate::def::*;

pub(super) const SNMP: Stmt = container(
    "snmp",
    "Simple Network Management Protocol configuration",
    &[
        // The system group's values. Under AgentX alone the master answers that group
        // from its own configuration: validate::device warns then.
        leaf("description", TEXT, "System description (sysDescr)"),
        leaf(
            "location",
            TEXT,
            "Physical location of system (sysLocation)",
        ),
        leaf(
            "contact",
            TEXT,
            "Contact information for administrator (sysContact)",
        ),
        // Junos: sysName when it is not the host name.
        leaf("name", TEXT, "System name override (sysName)"),
        // Junos ("filter-duplicates"): a request repeated from the same source with the
        // same request ID is answered once.
        flag(
            "filter-duplicates",
            "Filter requests with duplicate source address/port and request ID",
        )
        .no_effect(
            "the embedded agent answers each request it receives; a repeated read-only \
                 request gets the same answer",
        ),
        // Junos ("nonvolatile", "commit-delay"): how long after an SNMP set the configuration
        // is committed, 5 s by default; the page gives no range, so any positive number loads.
        container(
            "nonvolatile",
            "Configure the handling of nonvolatile SNMP Set requests",
            &[leaf(
                "commit-delay",
                uint(1, 65535),
                "Delay between affirmative SNMP Set reply and start of commit (seconds)",
            )],
        )
        .no_effect("the embedded agent is read-only: no SNMP set changes the configuration"),
        // Junos shows `client-list L { 198.18.0.0/24; 198.18.0.5/32 restrict; }`: the
        // prefixes stand alone in the list's block, as in `clients { ... }`.
        list(
            "client-list",
            NAME,
            "Client list",
            &[keyless_list(
                "client-address-list",
                Type::IpPrefix,
                "Client address",
                CLIENT,
            )
            .one_line()],
        ),
        list(
            "community",
            NAME,
            "Configure a community string",
            &[
                // Junos grants read-only access when authorization is left out.
                leaf(
                    "authorization",
                    Type::Enum(&["read-only", "read-write"]),
                    "Authorization type",
                )
                .default("read-only"),
                // Junos: a community takes `clients` or `client-list-name`, not both
                // (validate::device).
                leaf(
                    "client-list-name",
                    NAME,
                    "The name of the client list or prefix list",
                )
                .refers_to(&["snmp", "client-list"]),
                // Junos shows `clients { 198.18.0.0/24; 198.18.0.5/32 restrict; }`, one
                // prefix a line; the longest prefix holding a source decides.
                list(
                    "clients",
                    Type::IpPrefix,
                    "List of source address prefix ranges to accept",
                    CLIENT,
                )
                .grouped()
                .one_line(),
                leaf("view", NAME, "View name").refers_to(&["snmp", "view"]),
            ],
        ),
        list(
            "view",
            NAME,
            "Define a view",
            &[list(
                "oid",
                Type::Oid,
                "Object identifier",
                &[
                    flag("include", "Include this subtree"),
                    flag("exclude", "Exclude this subtree"),
                ],
            )
            .one_line()],
        ),
        list(
            "trap-group",
            NAME,
            "Configure traps and notifications",
            &[
                // The group's name is the community the traps carry, as on Junos.
                leaf("version", Type::Enum(&["all", "v1", "v2"]), "SNMP version").default("all"),
                leaf("destination-port", PORT, "SNMP trap receiver port number").default("162"),
                // Without `categories` every category is sent, as on Junos.
                container(
                    "categories",
                    "Trap categories",
                    &[
                        flag("authentication", "Authentication failures"),
                        flag("chassis", "Chassis or environment notifications").no_effect(NOT_SENT),
                        flag("chassis-cluster", "Clustering notifications").no_effect(NOT_SENT),
                        flag("configuration", "User configuration changes").no_effect(NOT_SENT),
                        flag("link", "Link up-down transitions"),
                        flag("otn-alarms", "OTN alarm trap subcategories").no_effect(NOT_SENT),
                        flag("remote-operations", "Remote operations").no_effect(NOT_SENT),
                        flag("rmon-alarm", "RMON rising and falling alarms").no_effect(NOT_SENT),
                        flag("routing", "Routing protocol notifications").no_effect(NOT_SENT),
                        // JNX-L2TP-MIB defines no notification.
                        flag("services", "Services notifications").no_effect(NOT_SENT),
                        flag("sonet-alarms", "SONET alarm trap subcategories").no_effect(NOT_SENT),
                        flag("startup", "System warm and cold starts"),
                        flag("timing-events", "Timing events and defects").no_effect(NOT_SENT),
                        flag("vrrp-events", "VRRP notifications").no_effect(NOT_SENT),
                    ],
                ),
                // Junos: every target of the group is reached through this instance's
                // table; here its VRF device (`vrf-NAME`), as RADIUS requests are.
                leaf(
                    "routing-instance",
                    NAME,
                    "Routing instance for trap destinations",
                ),
                list("targets", Type::IpAddr, "Targets for trap messages", &[]).grouped(),
            ],
        ),
        container(
            "trap-options",
            "SNMP trap options",
            &[
                // Junos: an SNMPv1 trap carries 0.0.0.0 as its agent address unless told
                // to carry the address it leaves by.
                leaf(
                    "agent-address",
                    Type::Enum(&["outgoing-interface"]),
                    "Address placed in the agent address field of SNMPv1 traps",
                ),
                // Junos: an address of the router, or `lo0`, the lowest address of the
                // loopback interface (typed::device; none there is a commit error).
                leaf(
                    "source-address",
                    Type::IpAddrOr(&["lo0"]),
                    "Source address for traps (an address, or lo0: its lowest address)",
                ),
            ],
        ),
        // Not Junos (its agent answers on every address, narrowed by `interface`): the
        // embedded agent binds local addresses, IPv4 and IPv6, the loopback unless told
        // otherwise, as Debian's snmpd does out of the box. 0.0.0.0 is every IPv4
        // address, :: every IPv6 address.
        leaf_list(
            "listen-address",
            Type::IpAddr,
            "Local addresses the SNMP agent listens on (0.0.0.0 or :: for every address)",
        )
        .default("127.0.0.1"),
        leaf("port", PORT, "UDP port the SNMP agent listens on").default("161"),
        container(
            "agentx",
            "AgentX subagent connection to a master agent",
            &[leaf(
                "socket",
                Type::Str { max_len: 255 },
                "Path of the master agent's AgentX socket",
            )],
        ),
    ],
);

/// Why the trap categories the agent has no notification for warn at commit.
const NOT_SENT: &str = "no trap of this category is sent (only startup, authentication and link)";

/// A client prefix: `127.0.0.5/32 restrict;` refuses the prefix.
const CLIENT: &[Stmt] = &[flag("restrict", "Deny access")];
