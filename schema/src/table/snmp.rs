//! `[edit snmp]`: our embedded SNMPv2c agent (read-only JNX-L2TP-MIB) and its AgentX socket.

use super::{NAME, PORT, TEXT};
use crate::def::*;

pub(super) const SNMP: Stmt = container(
    "snmp",
    "Simple Network Management Protocol configuration",
    &[
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
                // Junos shows `clients { 198.18.0.0/24; }`, one prefix a line.
                list(
                    "clients",
                    Type::Ipv4Prefix,
                    "List of source address prefix ranges to accept",
                    &[],
                )
                .grouped(),
            ],
        ),
        // Not Junos (its agent answers on every address, narrowed by `interface`): the
        // embedded agent binds one local address, the loopback unless told otherwise,
        // as Debian's snmpd does out of the box. 0.0.0.0 is every address.
        leaf(
            "listen-address",
            Type::Ipv4,
            "Local address the SNMP agent listens on (0.0.0.0 for every address)",
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
