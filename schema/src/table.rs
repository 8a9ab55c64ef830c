//! Every configuration statement the product understands, once. (Skeleton: completed with
//! the whole `[edit services l2tp]`, `[edit access ...]`, interfaces and snmp hierarchies.)

use crate::def::*;

/// The root of the configuration: `[edit]`.
pub static ROOT: Stmt = container("", "Configuration", ROOT_CHILDREN);

const ROOT_CHILDREN: &[Stmt] = &[SYSTEM, SERVICES];

const SYSTEM: Stmt = container(
    "system",
    "System parameters",
    &[
        leaf(
            "host-name",
            Type::Identifier { max_len: 255 },
            "Hostname for this router",
        ),
        container(
            "login",
            "Names, login classes, and passwords for users",
            &[list(
                "user",
                Type::Identifier { max_len: 64 },
                "Username",
                &[leaf(
                    "class",
                    Type::Enum(&["super-user", "operator", "read-only"]),
                    "Login class",
                )
                .mandatory()],
            )],
        ),
    ],
);

const SERVICES: Stmt = container(
    "services",
    "Service PIC applications settings",
    &[container(
        "l2tp",
        "Configure Layer 2 Tunneling Protocol",
        &[
            flag("drain", "Prevent new tunnels, sessions and destinations from being created"),
            flag("enable-snmp-tunnel-statistics", "Collect tunnel and global data statistics for SNMP"),
            container(
                "tunnel",
                "L2TP tunnel properties",
                &[
                    leaf("idle-timeout", uint(0, 86400), "Idle timeout for a tunnel with no sessions (seconds)").default("60"),
                    leaf("minimum-retransmission-interval", uint(1, 16), "Wait before the first retransmission (seconds)")
                        .default("1"),
                    leaf("retransmission-count-established", uint(1, 30), "Retransmissions of a control message on an established tunnel")
                        .default("5"),
                    leaf("retransmission-count-not-established", uint(2, 30), "Retransmissions of a control message while the tunnel is being established")
                        .default("5"),
                ],
            ),
        ],
    )],
);
