//! `[edit access]`: tunnel profiles and domain maps (LAC), access profiles and RADIUS
//! servers (both ends), address pools (LNS), tunnel switching.

use super::{NAME, PORT, TUNNEL_SWITCHING};
use crate::def::*;

pub(super) const ACCESS: Stmt = container(
    "access",
    "Network access configuration",
    &[
        container(
            "address-assignment",
            "Address assignment configuration",
            &[list(
                "pool",
                NAME,
                "Address pool",
                &[container("family", "Address family", &[POOL_INET]).inline()],
            )],
        ),
        container(
            "domain",
            "Domain name mapping",
            &[list(
                "map",
                NAME,
                "Domain map (subscriber domain)",
                DOMAIN_MAP,
            )],
        ),
        list("profile", NAME, "Access profile", PROFILE),
        list("radius-server", Type::Ipv4, "RADIUS server", RADIUS_SERVER).grouped(),
        list(
            "tunnel-profile",
            NAME,
            "Tunnel profile",
            &[list("tunnel", uint(1, 31), "Tunnel (RADIUS tag)", TUNNEL)],
        ),
        list(
            "tunnel-switch-profile",
            NAME,
            "Tunnel switch profile",
            TUNNEL_SWITCH_PROFILE,
        )
        .no_effect(TUNNEL_SWITCHING),
    ],
);

const POOL: &[&str] = &["access", "address-assignment", "pool"];
const PROFILE_LIST: &[&str] = &["access", "profile"];
const TUNNEL_PROFILE_LIST: &[&str] = &["access", "tunnel-profile"];
const TUNNEL_SWITCH_PROFILE_LIST: &[&str] = &["access", "tunnel-switch-profile"];

const POOL_INET: Stmt = container(
    "inet",
    "IPv4 address pool",
    &[
        leaf(
            "network",
            Type::Ipv4Prefix,
            "Network the pool's addresses come from",
        )
        .mandatory(),
        list(
            "range",
            NAME,
            "Address range",
            &[
                leaf("low", Type::Ipv4, "Lowest address of the range").mandatory(),
                leaf("high", Type::Ipv4, "Highest address of the range").mandatory(),
            ],
        ),
        container(
            "dhcp-attributes",
            "Attributes given to the pool's subscribers",
            &[leaf_list(
                "name-server",
                Type::Ipv4,
                "DNS servers (IPCP primary and secondary DNS: the first two are used)",
            )],
        ),
    ],
);

const DOMAIN_MAP: &[Stmt] = &[
    leaf(
        "aaa-routing-instance",
        NAME,
        "Routing instance AAA requests are sent in",
    ),
    leaf("access-profile", NAME, "Access profile for this domain").refers_to(PROFILE_LIST),
    leaf("address-pool", NAME, "Address pool for this domain").refers_to(POOL),
    leaf("dynamic-profile", NAME, "Dynamic profile for this domain"),
    flag(
        "strip-domain",
        "Strip the domain from the user name before authentication",
    ),
    leaf(
        "target-routing-instance",
        NAME,
        "Routing instance subscribers are placed in",
    ),
    leaf("tunnel-profile", NAME, "Tunnel profile for this domain").refers_to(TUNNEL_PROFILE_LIST),
    leaf(
        "tunnel-switch-profile",
        NAME,
        "Tunnel switch profile for this domain",
    )
    .refers_to(TUNNEL_SWITCH_PROFILE_LIST)
    .no_effect(TUNNEL_SWITCHING),
];

const PROFILE: &[Stmt] = &[
    leaf_list(
        "authentication-order",
        Type::Enum(&["password", "radius", "none"]),
        "Order of authentication methods",
    ),
    list("client", NAME, "Client (on the LNS, the peer LAC)", CLIENT),
    container(
        "radius",
        "RADIUS servers for this profile",
        &[
            leaf_list(
                "authentication-server",
                Type::Ipv4,
                "RADIUS authentication servers, in order of use",
            ),
            leaf_list(
                "accounting-server",
                Type::Ipv4,
                "RADIUS accounting servers, in order of use",
            ),
        ],
    ),
    list(
        "radius-server",
        Type::Ipv4,
        "RADIUS server for this profile",
        RADIUS_SERVER,
    )
    .grouped(),
];

const CLIENT: &[Stmt] = &[
    leaf("chap-secret", Type::Secret, "CHAP secret"),
    leaf("pap-password", Type::Secret, "PAP password"),
    container(
        "l2tp",
        "L2TP tunnel settings for this client",
        &[
            leaf("interface-id", NAME, "Interface identifier of the sessions"),
            flag(
                "lcp-renegotiation",
                "Ignore proxy LCP and renegotiate LCP with the subscriber",
            ),
            flag(
                "local-chap",
                "Authenticate the subscriber with CHAP locally",
            ),
            // Our choice: session IDs are 16-bit (RFC 2661), 0 reserved.
            leaf(
                "maximum-sessions-per-tunnel",
                uint(1, 65535),
                "Maximum sessions in one tunnel",
            ),
            container(
                "multilink",
                "Multilink PPP settings",
                &[
                    // Our choice: up to 5 s of waiting for a lost fragment.
                    leaf(
                        "drop-timeout",
                        uint(1, 5000),
                        "Wait for a missing fragment (milliseconds)",
                    ),
                    leaf(
                        "fragment-threshold",
                        uint(128, 16320),
                        "Largest packet sent unfragmented (bytes)",
                    ),
                ],
            ),
            leaf(
                "ppp-authentication",
                Type::Enum(&["chap", "pap"]),
                "PPP authentication protocol",
            ),
            leaf("ppp-profile", NAME, "Dynamic profile for PPP sessions"),
            leaf("shared-secret", Type::Secret, "Tunnel shared secret"),
        ],
    ),
    container(
        "ppp",
        "PPP settings for this client",
        &[
            leaf(
                "framed-ip-address",
                Type::Ipv4,
                "Address assigned to the subscriber",
            ),
            leaf("framed-pool", NAME, "Address pool for the subscriber").refers_to(POOL),
            leaf("interface-id", NAME, "Interface identifier"),
            leaf(
                "keepalive",
                uint(0, 32767),
                "LCP echo interval (seconds, 0 = off)",
            )
            .default("30"),
            leaf("primary-dns", Type::Ipv4, "Primary DNS server"),
            leaf("secondary-dns", Type::Ipv4, "Secondary DNS server"),
            leaf("primary-wins", Type::Ipv4, "Primary WINS server"),
            leaf("secondary-wins", Type::Ipv4, "Secondary WINS server"),
        ],
    ),
];

const RADIUS_SERVER: &[Stmt] = &[
    leaf("port", PORT, "RADIUS authentication port").default("1812"),
    leaf("accounting-port", PORT, "RADIUS accounting port").default("1813"),
    leaf("retry", uint(1, 100), "Retry attempts").default("3"),
    leaf("timeout", uint(1, 1000), "Request timeout (seconds)").default("3"),
    leaf("secret", Type::Secret, "Shared secret with the server").mandatory(),
    leaf("source-address", Type::Ipv4, "Source address of requests"),
];

const TUNNEL: &[Stmt] = &[
    // Junos: the assignment ID, up to 32 characters.
    leaf(
        "identification",
        Type::Identifier { max_len: 32 },
        "Tunnel assignment identifier",
    ),
    leaf(
        "logical-system",
        NAME,
        "Logical system of the tunnel (needs routing-instance)",
    )
    .no_effect("logical systems are not implemented"),
    leaf(
        "max-sessions",
        uint(0, 60000),
        "Maximum sessions in the tunnel",
    ),
    leaf("medium", Type::Enum(&["ipv4"]), "Tunnel medium").default("ipv4"),
    leaf(
        "preference",
        uint(0, 2000),
        "Preference of the tunnel (0 is most preferred)",
    )
    .default("2000"),
    container("remote-gateway", "Remote end of the tunnel (LNS)", GATEWAY),
    // The instance keys the destination (shows and lockouts tell instances apart), but the
    // tunnel's packets go by the host's main routing table.
    leaf("routing-instance", NAME, "Routing instance of the tunnel")
        .no_effect("routing instances are not implemented; the main routing table is used"),
    leaf("secret", Type::Secret, "Tunnel shared secret"),
    container("source-gateway", "Local end of the tunnel (LAC)", GATEWAY),
    leaf("type", Type::Enum(&["l2tp"]), "Tunnel type").default("l2tp"),
];

const GATEWAY: &[Stmt] = &[
    leaf("address", Type::Ipv4, "Gateway address"),
    leaf("gateway-name", NAME, "Gateway host name"),
];

/// What to do with an AVP when switching a session into another tunnel.
const AVP_ACTION: Type = Type::Enum(&["preserve", "drop"]);

const TUNNEL_SWITCH_PROFILE: &[Stmt] = &[
    container(
        "avp",
        "Handling of AVPs on tunnel switching",
        &[
            leaf("bearer-type", AVP_ACTION, "Bearer Type AVP").default("preserve"),
            leaf("calling-number", AVP_ACTION, "Calling Number AVP").default("preserve"),
            leaf("cisco-nas-port-info", AVP_ACTION, "Cisco NAS Port Info AVP").default("preserve"),
        ],
    ),
    leaf(
        "tunnel-profile",
        NAME,
        "Tunnel profile for switched sessions",
    )
    .refers_to(TUNNEL_PROFILE_LIST)
    .mandatory(),
];
