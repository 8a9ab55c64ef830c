//! A small schema for tests, independent of the product's table: it has every kind of
//! statement, number-keyed lists and grouped lists.

use crate::def::*;

pub(crate) static TEST_ROOT: Stmt = container("", "Configuration", ROOT_CHILDREN);

const ROOT_CHILDREN: &[Stmt] = &[SYSTEM, INTERFACES, ACCESS, SERVICES];

const SYSTEM: Stmt = container(
    "system",
    "System parameters",
    &[
        leaf(
            "host-name",
            Type::Identifier { max_len: 255 },
            "Hostname for this router",
        ),
        leaf_list("name-server", Type::Ipv4, "DNS servers"),
        container(
            "login",
            "Users",
            &[list(
                "user",
                Type::Identifier { max_len: 64 },
                "Username",
                &[
                    leaf(
                        "class",
                        Type::Enum(&["super-user", "operator", "read-only"]),
                        "Login class",
                    ),
                    leaf("full-name", Type::Str { max_len: 64 }, "Full name"),
                ],
            )],
        ),
    ],
);

const INTERFACES: Stmt = list(
    "interfaces",
    Type::Interface,
    "Interface configuration",
    &[
        leaf("description", Type::Str { max_len: 80 }, "Text description"),
        flag("disable", "Disable this interface"),
        list(
            "unit",
            uint(0, 16385),
            "Logical unit",
            &[container(
                "family",
                "Protocol family",
                &[container(
                    "inet",
                    "IPv4",
                    &[leaf_list("address", Type::Ipv4Prefix, "Interface address")],
                )],
            )
            .inline()],
        ),
    ],
)
.grouped();

const ACCESS: Stmt = container(
    "access",
    "Network access configuration",
    &[
        list(
            "tunnel-profile",
            Type::Identifier { max_len: 64 },
            "Tunnel profile",
            &[list(
                "tunnel",
                uint(1, 31),
                "Tunnel",
                &[
                    leaf("preference", uint(0, 2000), "Preference"),
                    container(
                        "remote-gateway",
                        "Remote gateway",
                        &[
                            leaf("address", Type::Ipv4, "Address"),
                            leaf("gateway-name", Type::Identifier { max_len: 64 }, "Name"),
                        ],
                    ),
                ],
            )],
        ),
        list(
            "radius-server",
            Type::Ipv4,
            "RADIUS server",
            &[
                leaf("port", uint(1, 65535), "Port"),
                leaf("secret", Type::Str { max_len: 64 }, "Shared secret"),
            ],
        )
        .grouped(),
        list(
            "profile",
            Type::Identifier { max_len: 64 },
            "Access profile",
            &[leaf_list(
                "authentication-order",
                Type::Enum(&["radius", "password"]),
                "Methods",
            )],
        ),
    ],
);

const SERVICES: Stmt = container(
    "services",
    "Services",
    &[container(
        "l2tp",
        "L2TP",
        &[
            flag("drain", "Drain"),
            flag("disable-failover-protocol", "Silent failover"),
            container(
                "traceoptions",
                "Tracing",
                &[container(
                    "file",
                    "Trace file",
                    &[
                        leaf("filename", Type::Identifier { max_len: 64 }, "File name")
                            .positional(),
                        leaf(
                            "size",
                            Type::Size {
                                min: 10240,
                                max: 1 << 30,
                            },
                            "Size",
                        ),
                        leaf("files", uint(2, 1000), "Files"),
                        flag("world-readable", "Readable by all"),
                    ],
                )
                .one_line()],
            ),
            container(
                "tunnel",
                "Tunnel",
                &[leaf("idle-timeout", uint(0, 86400), "Idle timeout").default("60")],
            ),
        ],
    )],
);
