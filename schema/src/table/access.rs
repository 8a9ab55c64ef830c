//! `[edit access]`: tunnel profiles and domain maps (LAC), access profiles and RADIUS
//! servers (both ends), address pools (LNS), tunnel switching.

use super::{NAME, PORT, TUNNEL_SWITCHING};
use crate::def::*;
use crate::terminate_code::{
    AAA_DENY_NAMES, AAA_SHUTDOWN_NAMES, DHCP_NAMES, L2TP_NAMES, PPP_NAMES,
};

pub(super) const ACCESS: Stmt = container(
    "access",
    "Network access configuration",
    &[
        container(
            "address-assignment",
            "Address assignment configuration",
            ADDRESS_ASSIGNMENT,
        ),
        // Junos: `address-protection { reassign-on-match; }`; a held address is never given
        // to a second subscriber here, with or without it (see ADDRESS_PROTECTION).
        ADDRESS_PROTECTION,
        container("domain", "Domain name mapping", DOMAIN),
        // Junos: the name servers of subscribers whose RADIUS and access profile give none
        // (per routing instance on Junos; here for the router).
        DOMAIN_NAME_SERVER,
        DOMAIN_NAME_SERVER_INET,
        DOMAIN_NAME_SERVER_INET6,
        // Junos: PPP and L2TP attributes a client inherits with `group-profile`, or every
        // PPP user of a tunnel with the tunnel client's `user-group-profile`.
        list("group-profile", NAME, "Group profile", GROUP_PROFILE),
        list("profile", NAME, "Access profile", PROFILE),
        // Junos: `radius-disconnect { ADDRESS { secret S; } }`, the clients allowed to send
        // Disconnect-Request and CoA-Request (RFC 5176); any other source is dropped.
        list(
            "radius-disconnect",
            Type::Ipv4,
            "RADIUS dynamic-request client (may send Disconnect and CoA requests)",
            &[leaf(
                "secret",
                Type::Secret,
                "Shared secret with the dynamic-request client",
            )
            .mandatory()],
        )
        .grouped(),
        // RFC 5176 §3: 3799 is the Disconnect/CoA port.
        leaf(
            "radius-disconnect-port",
            PORT,
            "Port dynamic requests (Disconnect, CoA) are received on",
        )
        .default("3799"),
        // Junos `[edit access radius-options]`: options for every RADIUS server.
        container(
            "radius-options",
            "RADIUS options for all servers",
            &[
                // Junos: 0 (off: a dead server is tried again at once) through 604800 s,
                // 60 by default.
                leaf(
                    "revert-interval",
                    uint(0, 604800),
                    "Time before a server that stopped answering is tried again (seconds)",
                )
                .default("60"),
            ],
        ),
        list("radius-server", Type::Ipv4, "RADIUS server", RADIUS_SERVER).grouped(),
        // Junos: the configured description of a subscriber's access interface (its unit's,
        // else its port's) goes to RADIUS in VSA 26-4874-63 (Interface-Desc), stored at
        // login; `radius attributes exclude interface-description` leaves it out.
        flag(
            "report-interface-descriptions",
            "Send the access interface's description to RADIUS (VSA 26-63)",
        ),
        TERMINATE_CODE,
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
const GROUP_PROFILE_LIST: &[&str] = &["access", "group-profile"];
/// Junos: `cell-overhead` and `encapsulation-overhead` shape ATM-backed subscribers, which
/// this router does not do.
const NOT_PPP_SHAPING: &str = "ATM overhead accounting is not implemented";
const TUNNEL_PROFILE_LIST: &[&str] = &["access", "tunnel-profile"];
const TUNNEL_SWITCH_PROFILE_LIST: &[&str] = &["access", "tunnel-switch-profile"];

/// `[edit access address-assignment]`, in Junos' order. The utilization marks are Junos'
/// ranges (2..99 and 1..98, neither set by default); they raise a log message (there is no
/// address-pool MIB here to trap with) when a pool's use crosses them.
const ADDRESS_ASSIGNMENT: &[Stmt] = &[
    leaf(
        "abated-utilization",
        uint(1, 98),
        "Use of a pool (percent) below which its high-utilization alarm clears",
    ),
    leaf(
        "high-utilization",
        uint(2, 99),
        "Use of a pool (percent) above which a high-utilization alarm is logged",
    ),
    // Junos 18.1: linked pools are searched "noncontiguously": first from each pool's next
    // address to its end, matching pool then the pools linked after it, and only then every
    // address of every pool of the chain from its first.
    flag(
        "linked-pool-aggregation",
        "Search linked pools from each one's next free address before searching them whole",
    ),
    list("pool", NAME, "Address pool", POOL_STATEMENTS),
];

/// `pool NAME { ... }`, in Junos' order.
const POOL_STATEMENTS: &[Stmt] = &[
    // Junos: for DHCP the server stops allocating from the pool and NAKs renewals so that
    // clients move to another pool. IPCP has no renewal: a PPP subscriber keeps its
    // address until it leaves, and no new one is given from the pool (as hold-down).
    flag(
        "active-drain",
        "Give no new address from this pool (its subscribers keep theirs)",
    ),
    container("family", "Address family", &[POOL_INET]).inline(),
    flag(
        "hold-down",
        "Give no new address from this pool (its subscribers keep theirs)",
    ),
    leaf(
        "link",
        NAME,
        "Pool tried next when this one has no free address",
    )
    .refers_to(POOL),
];

/// `address-protection`: Junos refuses a RADIUS Framed-IP-Address another subscriber holds
/// (the lease map here refuses it always). `reassign-on-match`: when that address is outside
/// every local pool, the holder is also logged out; the newcomer is still refused and gets
/// the address when it tries again (Junos' statement page: "the request from the new
/// subscriber is still rejected, but the existing subscriber is sent a disconnect request").
const ADDRESS_PROTECTION: Stmt = container(
    "address-protection",
    "Refuse an address from RADIUS that another subscriber holds (always done here)",
    &[flag(
        "reassign-on-match",
        "Log out the holder of an address outside every pool that RADIUS gives another subscriber",
    )],
)
.presence();

/// `[edit access domain]`: how a user name splits into user and domain, and the maps.
const DOMAIN: &[Stmt] = &[
    // Junos: up to eight characters, any of which separates user and domain; `@` when
    // absent (then `@` counts only if listed). The commit refuses `;` and blanks.
    leaf(
        "delimiter",
        Type::Str { max_len: 8 },
        "Characters that separate user name and domain (any one of them)",
    )
    .default("@"),
    // Junos: the domain, `default`, `none`, or a wildcard name (`*.example`), looked up
    // when no name is the domain exactly: wildcard maps load, and warn (validate::access).
    list(
        "map",
        Type::WildcardName { max_len: 63 },
        "Domain map (subscriber domain)",
        DOMAIN_MAP,
    ),
    // Junos: from the right, the domain is what follows the last delimiter; from the left,
    // what follows the first (`a@b.example@c.example` → `b.example@c.example`).
    leaf(
        "parse-direction",
        Type::Enum(&["left-to-right", "right-to-left"]),
        "Direction the user name is searched for a delimiter",
    )
    .default("right-to-left"),
];

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
        // Junos: one address per statement, and as many statements as wanted.
        list(
            "excluded-address",
            Type::Ipv4,
            "Address of the network never handed out",
            &[],
        ),
        // Junos writes `excluded-range NAME low X high Y;` on one line.
        list(
            "excluded-range",
            NAME,
            "Addresses of the network never handed out",
            LOW_HIGH,
        )
        .one_line(),
        list("range", NAME, "Address range", LOW_HIGH),
        container(
            "dhcp-attributes",
            "Attributes given to the pool's subscribers",
            DHCP_ATTRIBUTES,
        ),
    ],
);

/// The bounds of a pool's `range` and `excluded-range`.
const LOW_HIGH: &[Stmt] = &[
    leaf("low", Type::Ipv4, "Lowest address of the range").mandatory(),
    leaf("high", Type::Ipv4, "Highest address of the range").mandatory(),
];

/// A pool's `dhcp-attributes`, in Junos' order. The name servers go to PPP subscribers in
/// IPCP (RFC 1877); the rest are DHCP's, loaded so that a pool written for DHCP and PPP
/// subscribers alike is taken whole, and named at commit.
const DHCP_ATTRIBUTES: &[Stmt] = &[
    leaf(
        "maximum-lease-time",
        Type::UintOr {
            min: 60,
            max: 1_209_600,
            words: &["infinite"],
        },
        "Maximum lease time advertised to clients (seconds)",
    )
    .no_effect(DHCP_ONLY),
    // Junos: 0..4294967295 seconds.
    leaf(
        "grace-period",
        uint(0, 4_294_967_295),
        "Grace period for leases (seconds)",
    )
    .no_effect(DHCP_ONLY),
    leaf("boot-file", NAME, "Boot filename advertised to clients").no_effect(DHCP_ONLY),
    leaf("boot-server", NAME, "Boot server advertised to clients").no_effect(DHCP_ONLY),
    leaf("domain-name", NAME, "Domain name advertised to clients").no_effect(DHCP_ONLY),
    // Junos shows `name-server { 198.18.0.53; }`: a list of servers, not `[ ]`.
    leaf_list(
        "name-server",
        Type::Ipv4,
        "DNS servers (IPCP primary and secondary DNS: the first two are used)",
    )
    .braced(),
    leaf_list(
        "wins-server",
        Type::Ipv4,
        "NetBIOS name servers (IPCP primary and secondary NBNS: the first two are used)",
    )
    .braced(),
    // netbios-node-type, 13.2: DHCP option 46. Its place here (and tftp-server's) is ours.
    leaf(
        "netbios-node-type",
        Type::Enum(&["b-node", "h-node", "m-node", "p-node"]),
        "NetBIOS node type advertised to clients",
    )
    .no_effect(DHCP_ONLY),
    // option, 12.3: `option { 19 flag off; 150 array ip-address [ a b ]; }`, one option a
    // line, its code (DHCPv4's 1..254) then its type and value.
    list(
        "option",
        uint(1, 254),
        "DHCP option sent to clients",
        DHCP_OPTION_TYPES,
    )
    .grouped()
    .one_line()
    .choice()
    .no_effect(DHCP_ONLY),
    // option-match, 9.4: the named range of the pool an option 82 value picks.
    container(
        "option-match",
        "Named ranges picked by what DHCP clients send",
        &[container(
            "option-82",
            "By the relay agent information (option 82)",
            &[
                list(
                    "circuit-id",
                    Type::Str { max_len: 255 },
                    "Agent circuit ID to match",
                    DHCP_MATCH_RANGE,
                )
                .one_line(),
                list(
                    "remote-id",
                    Type::Str { max_len: 255 },
                    "Agent remote ID to match",
                    DHCP_MATCH_RANGE,
                )
                .one_line(),
            ],
        )],
    )
    .no_effect(DHCP_ONLY),
    leaf_list("router", Type::Ipv4, "Routers advertised to clients")
        .braced()
        .no_effect(DHCP_ONLY),
    leaf(
        "server-identifier",
        Type::Ipv4,
        "Server identifier (option 54) sent to clients",
    )
    .no_effect(DHCP_ONLY),
    leaf(
        "tftp-server",
        Type::Ipv4,
        "TFTP server advertised to clients",
    )
    .no_effect(DHCP_ONLY),
];

/// The value types option (12.3) names, each made by `$make` (`leaf` for one value,
/// `leaf_list` for an `array`), in one place so the two forms cannot drift apart.
macro_rules! dhcp_option_types {
    ($make:ident $(, $first:expr)?) => {
        &[
            $($first,)?
            $make("byte", uint(0, 255), "Unsigned 8-bit value"),
            $make("byte-stream", Type::Str { max_len: 255 }, "Bytes"),
            $make("flag", Type::Enum(&["off", "on"]), "On or off"),
            $make("hex-string", Type::Str { max_len: 510 }, "Bytes in hexadecimal"),
            $make("integer", Type::Int { min: -2_147_483_648, max: 2_147_483_647 }, "Signed 32-bit value"),
            $make("ip-address", Type::Ipv4, "IPv4 address"),
            $make("short", Type::Int { min: -32_768, max: 32_767 }, "Signed 16-bit value"),
            $make("string", Type::Str { max_len: 255 }, "Text"),
            $make("unsigned-integer", uint(0, 4_294_967_295), "Unsigned 32-bit value"),
            $make("unsigned-short", uint(0, 65_535), "Unsigned 16-bit value"),
        ]
    };
}

/// A DHCP option's value: one of the types, or an `array` of values of one type.
const DHCP_OPTION_TYPES: &[Stmt] = dhcp_option_types!(
    leaf,
    container("array", "Several values of one type", DHCP_OPTION_ARRAY)
        .one_line()
        .choice()
);

const DHCP_OPTION_ARRAY: &[Stmt] = dhcp_option_types!(leaf_list);

const DHCP_MATCH_RANGE: &[Stmt] = &[leaf("range", NAME, "Named range of the pool").mandatory()];

/// Why a pool's DHCP-only attributes do nothing here.
const DHCP_ONLY: &str = "for DHCP clients; this router's subscribers get their address by IPCP";

const DOMAIN_MAP: &[Stmt] = &[
    leaf(
        "aaa-routing-instance",
        NAME,
        "Routing instance AAA requests are sent in",
    ),
    leaf("access-profile", NAME, "Access profile for this domain").refers_to(PROFILE_LIST),
    leaf("address-pool", NAME, "Address pool for this domain").refers_to(POOL),
    leaf("dynamic-profile", NAME, "Dynamic profile for this domain")
        .refers_to(&["dynamic-profiles"]),
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

/// `domain-name-server` (Junos' older name) and `domain-name-server-inet`: IPv4 name
/// servers for subscribers, given by IPCP (RFC 1877) after RADIUS's and the user's own.
const DOMAIN_NAME_SERVER: Stmt = list(
    "domain-name-server",
    Type::Ipv4,
    "IPv4 DNS name servers for subscribers",
    &[],
);
const DOMAIN_NAME_SERVER_INET: Stmt = list(
    "domain-name-server-inet",
    Type::Ipv4,
    "IPv4 DNS name servers for subscribers",
    &[],
);
const DOMAIN_NAME_SERVER_INET6: Stmt = list(
    "domain-name-server-inet6",
    Type::Str { max_len: 39 },
    "IPv6 DNS name servers for subscribers",
    &[],
)
.no_effect("subscribers get IPv4 only on this router");

const PROFILE: &[Stmt] = &[
    container(
        "accounting",
        "RADIUS accounting for this profile",
        ACCOUNTING,
    ),
    // Junos 10.x and later write `accounting-order radius;` where 9.x wrote `accounting {
    // order radius; }`: either turns accounting on.
    leaf_list(
        "accounting-order",
        Type::Enum(&["radius"]),
        "Accounting methods, in order of use (radius turns accounting on)",
    ),
    leaf_list(
        "authentication-order",
        Type::Enum(&["password", "radius", "none"]),
        "Order of authentication methods",
    ),
    list(
        "client",
        Type::ClientName,
        "Client (on the LNS, the peer LAC; * or default: any LAC no other client names)",
        CLIENT,
    ),
    DOMAIN_NAME_SERVER,
    DOMAIN_NAME_SERVER_INET,
    DOMAIN_NAME_SERVER_INET6,
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
            container(
                "options",
                "Attributes the RADIUS requests carry",
                RADIUS_OPTIONS,
            ),
            container(
                "attributes",
                "Attributes left out of requests, or not used in answers",
                &[
                    container(
                        "exclude",
                        "Attributes left out of the requests named",
                        RADIUS_EXCLUDE,
                    ),
                    container(
                        "ignore",
                        "Attributes of an Access-Accept not to use",
                        RADIUS_IGNORE,
                    ),
                ],
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
    container(
        "session-options",
        "Limits on the sessions of the profile's subscribers",
        SESSION_OPTIONS,
    ),
];

/// `session-options { ... }`: the limits a subscriber of the profile gets where RADIUS gives
/// none (RADIUS Session-Timeout and Idle-Timeout win, as on Junos). Junos (MX): idle 10..1440
/// minutes, session 1..527040 minutes (a year), neither set by default. `strip-user-name`
/// (Junos 16.2) modifies the user name at login; `client-group` (J/SRX firewall
/// authentication, "not supported on MX Series") and `pcc-context` (policy and charging
/// control) load and are named in a commit warning.
const SESSION_OPTIONS: &[Stmt] = &[
    leaf_list(
        "client-group",
        NAME,
        "Client groups the profile's clients belong to (firewall authentication)",
    )
    .no_effect(
        "client groups serve firewall authentication (J and SRX Series), not PPP subscribers",
    ),
    leaf(
        "client-idle-timeout",
        uint(10, 1440),
        "Idle time before the subscriber is logged out (minutes)",
    ),
    flag(
        "client-idle-timeout-ingress-only",
        "Only the subscriber's own packets count as activity for client-idle-timeout",
    ),
    leaf(
        "client-session-timeout",
        uint(1, 527_040),
        "Time after which the subscriber is logged out, active or not (minutes)",
    ),
    container(
        "pcc-context",
        "Policy and charging control rules of the profile's subscribers",
        PCC_CONTEXT,
    )
    .no_effect("policy and charging control (PCEF profiles, service sets) is not implemented"),
    container(
        "strip-user-name",
        "Strip the user name from a delimiter on before it is used",
        STRIP_USER_NAME,
    ),
];

/// `pcc-context { ... }`, Junos' statements: a PCEF profile and the service sets and service
/// filters that apply its rules.
const PCC_CONTEXT: &[Stmt] = &[
    leaf("input-service-filter-name", NAME, "Input service filter"),
    leaf("input-service-set-name", NAME, "Input service set"),
    leaf(
        "ipv6-input-service-filter-name",
        NAME,
        "IPv6 input service filter",
    ),
    leaf(
        "ipv6-input-service-set-name",
        NAME,
        "IPv6 input service set",
    ),
    leaf(
        "ipv6-output-service-filter-name",
        NAME,
        "IPv6 output service filter",
    ),
    leaf(
        "ipv6-output-service-set-name",
        NAME,
        "IPv6 output service set",
    ),
    leaf("output-service-filter-name", NAME, "Output service filter"),
    leaf("output-service-set-name", NAME, "Output service set"),
    leaf("profile-name", NAME, "PCEF profile holding the PCC rules"),
];

/// `strip-user-name { delimiter [ ... ]; parse-direction ...; }` (Junos 16.2): the login
/// name is searched for the first of the delimiters in the parse direction, and that
/// delimiter and everything to its right are dropped: `drgt21@example.com$84` with
/// delimiters `@$` is `drgt21` left-to-right (Junos' default), `drgt21@example.com`
/// right-to-left. Each delimiter is one character; the commit refuses anything else.
const STRIP_USER_NAME: &[Stmt] = &[
    leaf_list(
        "delimiter",
        Type::Str { max_len: 1 },
        "Characters at which the user name is cut (one character each)",
    ),
    leaf(
        "parse-direction",
        Type::Enum(&["left-to-right", "right-to-left"]),
        "Direction the user name is searched for a delimiter",
    )
    .default("left-to-right"),
];

/// `accounting { ... }` (Junos 9.1–13.3 names; `order radius` is what turns accounting on).
const ACCOUNTING: &[Stmt] = &[
    flag(
        "accounting-stop-on-access-deny",
        "Send an Acct-Stop when the RADIUS server rejects the subscriber",
    ),
    flag(
        "accounting-stop-on-failure",
        "Send an Acct-Stop when the subscriber fails after the RADIUS server accepted it",
    ),
    // An address never changes during a subscriber's session here: nothing to report.
    flag(
        "address-change-immediate-update",
        "Send an Interim-Update when the subscriber's address changes",
    )
    .no_effect("a subscriber's address does not change during its session on this router"),
    flag(
        "coa-immediate-update",
        "Send an Interim-Update right after a CoA-Request is acknowledged",
    ),
    // Junos 13.1 ("accounting (Access Profile)"): a CoA-Request does not replace the Class
    // attribute the Access-Accept gave, which accounting requests echo.
    container(
        "coa-no-override",
        "Attributes a CoA-Request does not override",
        &[flag(
            "service-class-attribute",
            "Keep the Class attribute of the Access-Accept",
        )],
    )
    .one_line()
    .no_effect("accounting requests here carry no Class attribute (25) for a CoA to override"),
    // Junos: a copy of every accounting request to the duplicate destinations (an access
    // profile's `radius accounting-server` in another routing instance).
    flag(
        "duplication",
        "Send a copy of each accounting request to the duplicate accounting servers",
    )
    .no_effect(
        "accounting requests go to the profile's accounting servers only; there are no \
         duplicate destinations to copy them to",
    ),
    flag(
        "immediate-update",
        "Send an Interim-Update as soon as the Acct-Start is answered or times out",
    ),
    // Junos offers `radius` (EX adds `none`, which is the same as leaving `order` out).
    leaf_list(
        "order",
        Type::Enum(&["radius"]),
        "Accounting methods, in order of use (radius turns accounting on)",
    ),
    // Junos 13.2 ("profile (Access)"): an Accounting-On or -Off when the profile's
    // accounting configuration changes.
    flag(
        "send-acct-status-on-config-change",
        "Send Accounting-On/Off when the accounting configuration changes",
    )
    .no_effect("this router sends no Accounting-On or Accounting-Off"),
    // Our choice: Junos' documented default is volume-time for subscriber access; time
    // alone sends no octet or packet counts.
    leaf(
        "statistics",
        Type::Enum(&["time", "volume-time"]),
        "Statistics sent in accounting records",
    )
    .default("volume-time"),
    // Junos: 10..1440 minutes, no interim updates when absent. Junos rounds 10..14 up to 15;
    // we use the value as configured (our choice).
    leaf(
        "update-interval",
        uint(10, 1440),
        "Interval between Interim-Update records (minutes)",
    ),
    // Junos 12.3: hold new requests until the server acknowledges the Accounting-On that
    // starts a RADIUS accounting session.
    flag(
        "wait-for-acct-on-ack",
        "Wait for the Accounting-On acknowledgement before sending new requests",
    )
    .no_effect("this router sends no Accounting-On, so there is no acknowledgement to wait for"),
];

/// `radius attributes ignore { ... }`, Junos' list: attributes of an Access-Accept not used.
/// The filters RADIUS names (Ingress-/Egress-Policy-Name) leave the dynamic profile's filter
/// variables without a value; the routing instance (ERX Virtual-Router) is not taken.
const RADIUS_IGNORE: &[Stmt] = &[
    // Never used here: a PPP subscriber is a host route whatever the mask. Accepted so that
    // the statement loads; it asks for what the router does anyway.
    flag(
        "framed-ip-netmask",
        "Ignore the netmask RADIUS gives (Framed-IP-Netmask; never used here)",
    ),
    flag(
        "input-filter",
        "Ignore the input filter RADIUS names (Ingress-Policy-Name)",
    ),
    flag(
        "logical-system:routing-instance",
        "Ignore the routing instance RADIUS names (Virtual-Router)",
    ),
    flag(
        "output-filter",
        "Ignore the output filter RADIUS names (Egress-Policy-Name)",
    ),
];

/// The messages `radius attributes exclude ATTRIBUTE [ ... ]` names. Junos' lists differ
/// per attribute and per release (9.4 allows accounting-stop for accounting-session-id,
/// later releases access-request only): every attribute takes any of them here (our choice),
/// and leaving it out of a message that never carries it changes nothing. Interim-Updates
/// carry what a Stop carries and leave out what it leaves out (our choice: Junos names no
/// interim message).
pub const RADIUS_MESSAGES: &[&str] = &[
    "access-request",
    "accounting-off",
    "accounting-on",
    "accounting-start",
    "accounting-stop",
];

const fn excluded(name: &'static str, help: &'static str) -> Stmt {
    leaf_list(name, Type::Enum(RADIUS_MESSAGES), help)
}

/// Why excluding an attribute this router never sends changes nothing.
const NOT_SENT: &str = "this router does not send the attribute";

/// `radius attributes exclude { ATTRIBUTE [ MESSAGE ... ]; }`: Junos' attribute names (the
/// ones of its documented lists a PPP LAC or LNS could send). The attributes this router
/// sends are left out of the messages named; the others are accepted and named at commit.
const RADIUS_EXCLUDE: &[Stmt] = &[
    excluded(
        "acc-aggr-cir-id-asc",
        "DSL Forum Access-Aggregation-Circuit-ID-ASCII",
    )
    .no_effect(NOT_SENT),
    excluded(
        "acc-aggr-cir-id-bin",
        "DSL Forum Access-Aggregation-Circuit-ID-Binary",
    )
    .no_effect(NOT_SENT),
    excluded("acc-loop-cir-id", "DSL Forum Agent-Circuit-Id (26-3561-1)"),
    excluded(
        "acc-loop-encap",
        "DSL Forum Access-Loop-Encapsulation (26-3561-144)",
    ),
    excluded(
        "acc-loop-remote-id",
        "DSL Forum Agent-Remote-Id (26-3561-2)",
    ),
    excluded("accounting-authentic", "Acct-Authentic (45)"),
    excluded("accounting-delay-time", "Acct-Delay-Time (41)"),
    excluded("accounting-session-id", "Acct-Session-Id (44)"),
    excluded("accounting-terminate-cause", "Acct-Terminate-Cause (49)"),
    excluded("acct-tunnel-connection", "Acct-Tunnel-Connection (68)"),
    excluded(
        "act-data-rate-dn",
        "DSL Forum Actual-Data-Rate-Downstream (26-3561-130)",
    ),
    excluded(
        "act-data-rate-up",
        "DSL Forum Actual-Data-Rate-Upstream (26-3561-129)",
    ),
    excluded(
        "act-interlv-delay-dn",
        "DSL Forum Actual-Interleaving-Delay-Downstream (26-3561-142)",
    ),
    excluded(
        "act-interlv-delay-up",
        "DSL Forum Actual-Interleaving-Delay-Upstream (26-3561-140)",
    ),
    excluded(
        "att-data-rate-dn",
        "DSL Forum Attainable-Data-Rate-Downstream (26-3561-134)",
    ),
    excluded(
        "att-data-rate-up",
        "DSL Forum Attainable-Data-Rate-Upstream (26-3561-133)",
    ),
    excluded("called-station-id", "Called-Station-Id (30)").no_effect(NOT_SENT),
    excluded("calling-station-id", "Calling-Station-Id (31)"),
    excluded("chargeable-user-identity", "Chargeable-User-Identity (89)").no_effect(NOT_SENT),
    excluded("class", "Class (25)").no_effect(NOT_SENT),
    excluded("dhcp-gi-address", "DHCP relay agent address (Juniper VSA)").no_effect(NOT_SENT),
    excluded("dhcp-mac-address", "DHCP client MAC address (Juniper VSA)").no_effect(NOT_SENT),
    excluded("event-timestamp", "Event-Timestamp (55)"),
    excluded("framed-ip-address", "Framed-IP-Address (8)"),
    excluded("framed-ip-netmask", "Framed-IP-Netmask (9)").no_effect(NOT_SENT),
    excluded("input-filter", "Input filter name (Juniper VSA)").no_effect(NOT_SENT),
    excluded("input-gigapackets", "Input gigapackets (Juniper VSA)").no_effect(NOT_SENT),
    excluded("input-gigawords", "Acct-Input-Gigawords (52)"),
    excluded(
        "interface-description",
        "Interface description (Juniper VSA 26-63)",
    ),
    excluded("nas-identifier", "NAS-Identifier (32)"),
    excluded("nas-port", "NAS-Port (5)"),
    excluded("nas-port-id", "NAS-Port-Id (87)"),
    excluded("nas-port-type", "NAS-Port-Type (61)"),
    excluded("output-filter", "Output filter name (Juniper VSA)").no_effect(NOT_SENT),
    excluded("output-gigapackets", "Output gigapackets (Juniper VSA)").no_effect(NOT_SENT),
    excluded("output-gigawords", "Acct-Output-Gigawords (53)"),
];

/// `radius options { ... }`: what the requests say about the NAS and the subscriber, and how
/// the profile's servers are chosen.
const RADIUS_OPTIONS: &[Stmt] = &[
    // Junos: `decimal` (the default) or `description`, "jnpr interface-specifier:session-id".
    leaf(
        "accounting-session-id-format",
        Type::Enum(&["decimal", "description"]),
        "Form of the Acct-Session-Id (attribute 44)",
    )
    .default("decimal"),
    // Junos: the character between the values of calling-station-id-format, default '#'.
    leaf(
        "calling-station-id-delimiter",
        Type::Str { max_len: 1 },
        "Separator between the Calling-Station-Id values",
    )
    .default("#"),
    // Junos 13.x offers agent-circuit-id, agent-remote-id, interface-description and
    // nas-identifier; later releases add mac-address, which is what a PPPoE subscriber
    // is known by. Values are joined in nas-port-id-format's default order (NAS
    // identifier, interface description, circuit ID, remote ID), then the MAC address
    // (our choice: Junos documents no order for this one).
    container(
        "calling-station-id-format",
        "Values that make up the Calling-Station-Id (attribute 31)",
        &[
            AGENT_CIRCUIT_ID,
            AGENT_REMOTE_ID,
            INTERFACE_DESCRIPTION,
            flag("mac-address", "MAC address of the subscriber"),
            NAS_IDENTIFIER_VALUE,
        ],
    ),
    // Junos: `direct` (the default) asks the first live server of the list, `round-robin`
    // starts each request at the next server of the list.
    leaf(
        "client-accounting-algorithm",
        Type::Enum(SERVER_ALGORITHMS),
        "How accounting servers are chosen among the profile's",
    )
    .default("direct"),
    leaf(
        "client-authentication-algorithm",
        Type::Enum(SERVER_ALGORITHMS),
        "How authentication servers are chosen among the profile's",
    )
    .default("direct"),
    // Junos 15.1: a 16-octet CHAP challenge is sent as the Access-Request's Request
    // Authenticator (RFC 2865 §2.2 allows it) instead of a CHAP-Challenge attribute.
    flag(
        "chap-challenge-in-request-authenticator",
        "Send a 16-octet CHAP challenge as the Request Authenticator",
    ),
    flag(
        "coa-dynamic-variable-validation",
        "Refuse a CoA-Request whose dynamic-profile variables do not validate",
    )
    .no_effect("CoA-Requests change no dynamic-profile variables here"),
    // Junos: Ethernet subscribers are NAS-Port-Type Ethernet (15) unless this says Virtual.
    flag(
        "ethernet-port-type-virtual",
        "NAS-Port-Type (attribute 61) of Ethernet subscribers is Virtual (5)",
    ),
    container(
        "interface-description-format",
        "What the interface description (NAS-Port-Id, Calling-Station-Id) leaves out",
        &[
            flag(
                "exclude-adapter",
                "Leave out the adapter (the PIC of type-fpc/pic/port)",
            ),
            flag(
                "exclude-sub-interface",
                "Leave out the logical unit (.unit)",
            ),
        ],
    ),
    leaf(
        "ip-address-change-notify",
        Type::Str { max_len: 253 },
        "Message sent to the server when a subscriber's address changes",
    )
    .no_effect("a subscriber's address does not change while it is up here"),
    flag(
        "juniper-dsl-attributes",
        "Send the DSL Forum line attributes of PPPoE intermediate agents",
    )
    .no_effect(NO_AGENT_TAGS),
    // Junos: 1..64 characters.
    leaf(
        "nas-identifier",
        Type::Str { max_len: 64 },
        "NAS-Identifier (attribute 32) sent in requests",
    ),
    container(
        "nas-port-extended-format",
        "Bit widths of the fields of an extended NAS-Port (attribute 5)",
        &[
            leaf("adapter-width", uint(0, 32), "Bits of the adapter field"),
            leaf(
                "ae-width",
                uint(0, 32),
                "Bits of the aggregated Ethernet field",
            )
            .no_effect(NO_AE_FIELD),
            leaf("port-width", uint(0, 32), "Bits of the port field"),
            leaf("slot-width", uint(0, 32), "Bits of the slot field"),
            flag("stacked", "Include the stacked VLAN"),
            leaf(
                "stacked-vlan-width",
                uint(0, 32),
                "Bits of the stacked VLAN field",
            ),
            leaf("vlan-width", uint(0, 32), "Bits of the VLAN field"),
        ],
    ),
    // Junos: the character between the values of nas-port-id-format, default '#'.
    leaf(
        "nas-port-id-delimiter",
        Type::Str { max_len: 1 },
        "Separator between the NAS-Port-Id values",
    )
    .default("#"),
    // Junos' default order: NAS identifier, interface description, circuit ID, remote ID
    // ("nas-port-id-format (Subscriber Management)"); `order V` statements give the values
    // in an order of the operator's instead, and may not be mixed with the values above
    // (commit refuses it, as Junos: validate::access). `interface-text-description` is the
    // access interface's configured description (as `report-interface-descriptions` sends
    // it), after the interface description in the default order. Junos'
    // `postpend-vlan-tags` and `concatenated-vlan-tags` are not taken: Juniper's text does
    // not give the form of what they add (parse/unsupported.rs).
    container(
        "nas-port-id-format",
        "Values that make up the NAS-Port-Id (attribute 87)",
        &[
            AGENT_CIRCUIT_ID,
            AGENT_REMOTE_ID,
            INTERFACE_DESCRIPTION,
            flag(
                "interface-text-description",
                "Configured description of the access interface",
            ),
            NAS_IDENTIFIER_VALUE,
            leaf_list(
                "order",
                Type::Enum(&[
                    "agent-circuit-id",
                    "agent-remote-id",
                    "interface-description",
                    "interface-text-description",
                    "nas-identifier",
                ]),
                "Values in the order given, instead of the default order",
            ),
        ],
    ),
    container(
        "nas-port-type",
        "NAS-Port-Type (attribute 61) sent for a kind of subscriber",
        &[container(
            "ethernet",
            "NAS-Port-Type of Ethernet (PPPoE) subscribers",
            NAS_PORT_TYPES,
        )
        .choice()],
    ),
    // Junos' "override (RADIUS Options)", for an LNS's subscribers: values the LAC
    // conveyed replace the LNS's own. Each option has one keyword, as Junos has it.
    container(
        "override",
        "Values the LAC conveyed that replace the LNS's own in requests",
        &[
            // Juniper's text says only that the ICRQ's Calling Number (AVP 22) is then not
            // the Calling-Station-Id, not what is sent instead.
            leaf(
                "calling-station-id",
                Type::Enum(&["remote-circuit-id"]),
                "Calling-Station-Id (attribute 31) not from the LAC's Calling Number",
            )
            .no_effect("Juniper does not document what replaces the LAC's Calling Number"),
            leaf(
                "nas-ip-address",
                Type::Enum(&["tunnel-client-gateway-address"]),
                "NAS-IP-Address (attribute 4) is the LAC's tunnel address",
            ),
            leaf(
                "nas-port",
                Type::Enum(&["tunnel-client-nas-port"]),
                "NAS-Port (attribute 5) from the LAC's Cisco NAS Port Info (AVP 100)",
            )
            .no_effect(NO_NAS_PORT_INFO),
            leaf(
                "nas-port-type",
                Type::Enum(&["tunnel-client-nas-port-type"]),
                "NAS-Port-Type (attribute 61) from the LAC's Cisco NAS Port Info (AVP 100)",
            )
            .no_effect(NO_NAS_PORT_INFO),
        ],
    ),
    // Junos: 0 (off) through 4294967295 s; without it `access radius-options
    // revert-interval` applies.
    leaf(
        "revert-interval",
        uint(0, 4_294_967_295),
        "Time before a server that stopped answering is tried again (seconds)",
    ),
    flag(
        "vlan-nas-port-stacked-format",
        "Put the stacked VLAN in the NAS-Port (attribute 5)",
    )
    .no_effect(NO_NAS_PORT),
];

/// The values `calling-station-id-format` and `nas-port-id-format` both offer.
const AGENT_CIRCUIT_ID: Stmt = flag(
    "agent-circuit-id",
    "PPPoE Intermediate Agent Circuit-ID of the subscriber",
);
const AGENT_REMOTE_ID: Stmt = flag(
    "agent-remote-id",
    "PPPoE Intermediate Agent Remote-ID of the subscriber",
);
const INTERFACE_DESCRIPTION: Stmt = flag(
    "interface-description",
    "Access interface of the subscriber (interface.unit:vlan)",
);
const NAS_IDENTIFIER_VALUE: Stmt = flag("nas-identifier", "NAS-Identifier of the router");

const SERVER_ALGORITHMS: &[&str] = &["direct", "round-robin"];
/// Juniper's pages name the statement, not the layout it gives NAS-Port; NAS-Port of an
/// Ethernet subscriber follows `nas-port-extended-format` only (l2tpd subscriber::nas_port).
const NO_NAS_PORT: &str = "Juniper does not document the NAS-Port (attribute 5) layout it selects";
/// Juniper gives the width of the aggregated Ethernet field, not its place among the others.
const NO_AE_FIELD: &str =
    "Juniper does not document where the aggregated Ethernet field goes in NAS-Port (attribute 5)";
/// The LNS does not read the Cisco NAS Port Info AVP (100) of an ICRQ.
const NO_NAS_PORT_INFO: &str = "the LAC's Cisco NAS Port Info (AVP 100) is not read";
/// Junos' option sends the agent's line characteristics (rates, encapsulation) as Juniper
/// VSAs; this router reads only the agent's circuit and remote IDs.
const NO_AGENT_TAGS: &str =
    "the access-line characteristics of PPPoE intermediate-agent tags are not read";

/// RFC 2865 §5.41 port types under Junos' names; `subscriber::aaa` holds their numbers.
const NAS_PORT_TYPES: &[Stmt] = &[
    flag("adsl-cap", "ADSL, carrierless amplitude phase (12)"),
    flag("adsl-dmt", "ADSL, discrete multi-tone (13)"),
    flag("async", "Asynchronous (0)"),
    flag("cable", "Cable (17)"),
    flag("ethernet", "Ethernet (15)"),
    flag("fddi", "FDDI (21)"),
    flag("g3-fax", "G.3 fax (10)"),
    flag("hdlc-clear-channel", "HDLC clear channel (7)"),
    flag("iapp", "IAPP (25)"),
    flag("idsl", "ISDN DSL (14)"),
    flag("isdn-async-v110", "ISDN async V.110 (4)"),
    flag("isdn-async-v120", "ISDN async V.120 (3)"),
    flag("isdn-sync", "ISDN synchronous (2)"),
    flag("piafs", "PIAFS (6)"),
    flag("sdsl", "Symmetric DSL (11)"),
    flag("sync", "Synchronous (1)"),
    flag("token-ring", "Token ring (20)"),
    flag("virtual", "Virtual (5)"),
    flag("wireless-1x-ev", "Wireless 1X-EV (24)"),
    flag("wireless-cdma2000", "Wireless CDMA2000 (22)"),
    flag("wireless-ieee80211", "Wireless IEEE 802.11 (19)"),
    flag("wireless-other", "Wireless, other (18)"),
    flag("wireless-umts", "Wireless UMTS (23)"),
    flag("x25", "X.25 (8)"),
    flag("x75", "X.75 (9)"),
    flag("xdsl", "DSL of unknown type (16)"),
];

const CLIENT: &[Stmt] = &[
    leaf("chap-secret", Type::Secret, "CHAP secret"),
    leaf(
        "group-profile",
        NAME,
        "Group profile whose attributes this client inherits",
    )
    .refers_to(GROUP_PROFILE_LIST),
    container(
        "l2tp",
        "L2TP tunnel settings for this client",
        &[
            leaf(
                "aaa-access-profile",
                NAME,
                "Access profile that authenticates the PPP users of this client's tunnels",
            )
            .refers_to(PROFILE_LIST),
            L2TP_INTERFACE_ID,
            LCP_RENEGOTIATION,
            LOCAL_CHAP,
            // Our choice: session IDs are 16-bit (RFC 2661), 0 reserved.
            leaf(
                "maximum-sessions-per-tunnel",
                uint(1, 65535),
                "Maximum sessions in one tunnel",
            ),
            MULTILINK,
            // Junos 14.1: a full tunnel's CDN says "temporary lack of resources" (4), not
            // "general error" (2), so that the LAC tries another LNS.
            container(
                "override-result-code",
                "Result code of the CDN refusing a session",
                &[flag(
                    "session-out-of-resource",
                    "Refuse a session over the tunnel's limit with Result Code 4",
                )],
            )
            .one_line()
            .no_effect(
                "this LNS always refuses a session over maximum-sessions-per-tunnel with \
                 Result Code 4 (temporary lack of resources)",
            ),
            leaf(
                "ppp-authentication",
                Type::Enum(&["chap", "pap"]),
                "PPP authentication protocol",
            ),
            leaf("ppp-profile", NAME, "Dynamic profile for PPP sessions"),
            // Junos ("l2tp (Profile)"): the client's sessions count toward a session limit
            // group (`services l2tp sessions-limit-group G maximum-sessions N`).
            leaf(
                "sessions-limit-group",
                NAME,
                "Session limit group this client's sessions count toward",
            )
            .no_effect(
                "session limit groups are not built: no count is kept for the group \
                 (maximum-sessions-per-tunnel still applies)",
            ),
            leaf("shared-secret", Type::Secret, "Tunnel shared secret"),
        ],
    ),
    leaf("pap-password", Type::Secret, "PAP password"),
    container("ppp", "PPP settings for this client", CLIENT_PPP),
    // Junos: on a tunnel client (the LAC, at the LNS), the PPP attributes every user of its
    // tunnels gets where neither RADIUS nor the user's own client entry gives one.
    leaf(
        "user-group-profile",
        NAME,
        "Group profile with the PPP attributes of every user in this client's tunnels",
    )
    .refers_to(GROUP_PROFILE_LIST),
];

const CLIENT_PPP: &[Stmt] = &[
    CELL_OVERHEAD,
    ENCAPSULATION_OVERHEAD,
    leaf(
        "framed-ip-address",
        Type::Ipv4Host,
        "Address assigned to the subscriber",
    ),
    FRAMED_POOL,
    IDLE_TIMEOUT,
    INTERFACE_ID,
    KEEPALIVE.default("30"),
    PRIMARY_DNS,
    PRIMARY_WINS,
    SECONDARY_DNS,
    SECONDARY_WINS,
];

// The L2TP statements a client and a group profile share.
const L2TP_INTERFACE_ID: Stmt = leaf("interface-id", NAME, "Interface identifier of the sessions");
const LCP_RENEGOTIATION: Stmt = flag(
    "lcp-renegotiation",
    "Ignore proxy LCP and renegotiate LCP with the subscriber",
);
const LOCAL_CHAP: Stmt = flag(
    "local-chap",
    "Authenticate the subscriber with CHAP locally",
);

// The PPP statements a client and a group profile share.
const CELL_OVERHEAD: Stmt =
    flag("cell-overhead", "Account for ATM cell overhead").no_effect(NOT_PPP_SHAPING);
const ENCAPSULATION_OVERHEAD: Stmt = leaf(
    "encapsulation-overhead",
    uint(4, 32),
    "Encapsulation overhead for shaping (bytes)",
)
.no_effect(NOT_PPP_SHAPING);
const FRAMED_POOL: Stmt =
    leaf("framed-pool", NAME, "Address pool for the subscriber").refers_to(POOL);
// Junos: 0 (the default: none) through 4294967295 seconds. Below RADIUS's Idle-Timeout and
// above the profile's `session-options client-idle-timeout` (`subscriber::session_limits`).
const IDLE_TIMEOUT: Stmt = leaf(
    "idle-timeout",
    uint(0, 4294967295),
    "Idle time before the subscriber is logged out (seconds, 0 = none)",
);
// Junos documents the `l2tp` one (the `dial-options l2tp-interface-id` of the LAC's sessions'
// si- units), not what a user's `ppp` one would change: the unit is chosen at the ICRQ,
// before any user is known.
const INTERFACE_ID: Stmt = leaf("interface-id", NAME, "Interface identifier").no_effect(
    "a session's si- unit is chosen at its ICRQ by the LAC's client (l2tp interface-id); a user's ppp interface-id is not acted on",
);
// No default in a group: a group that says nothing leaves the client's (or Junos' 30 s).
const KEEPALIVE: Stmt = leaf(
    "keepalive",
    uint(0, 32767),
    "LCP echo interval (seconds, 0 = off)",
);
const PRIMARY_DNS: Stmt = leaf("primary-dns", Type::Ipv4, "Primary DNS server");
const PRIMARY_WINS: Stmt = leaf("primary-wins", Type::Ipv4, "Primary WINS server");
const SECONDARY_DNS: Stmt = leaf("secondary-dns", Type::Ipv4, "Secondary DNS server");
const SECONDARY_WINS: Stmt = leaf("secondary-wins", Type::Ipv4, "Secondary WINS server");

/// `l2tp multilink { ... }` of a client or a group profile: the LNS's MLPPP bundles.
const MULTILINK: Stmt = container(
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
)
.no_effect("multilink PPP (RFC 1990) is not implemented: each session is a link of its own");

/// `[edit access group-profile NAME]`, as Junos documents it.
const GROUP_PROFILE: &[Stmt] = &[
    container(
        "l2tp",
        "L2TP settings of the clients in this group",
        &[
            L2TP_INTERFACE_ID,
            LCP_RENEGOTIATION,
            LOCAL_CHAP,
            leaf(
                "maximum-sessions-per-tunnel",
                uint(1, 65535),
                "Maximum sessions in one tunnel",
            ),
            MULTILINK,
        ],
    ),
    container(
        "ppp",
        "PPP settings of the clients in this group",
        &[
            CELL_OVERHEAD,
            ENCAPSULATION_OVERHEAD,
            FRAMED_POOL,
            IDLE_TIMEOUT,
            INTERFACE_ID,
            KEEPALIVE,
            container(
                "ppp-options",
                "PPP authentication the subscriber is asked for",
                &[flag("chap", "Ask for CHAP"), flag("pap", "Ask for PAP")],
            ),
            PRIMARY_DNS,
            PRIMARY_WINS,
            SECONDARY_DNS,
            SECONDARY_WINS,
        ],
    ),
];

/// Why a RADIUS server's preauthentication statements do nothing.
const PREAUTHENTICATION: &str =
    "this router sends no preauthentication requests (they serve Junos' LLID for DHCP and VLAN subscribers)";

const RADIUS_SERVER: &[Stmt] = &[
    leaf("port", PORT, "RADIUS authentication port").default("1812"),
    leaf("accounting-port", PORT, "RADIUS accounting port").default("1813"),
    // Junos: unset, accounting requests use `retry` and `timeout`.
    leaf(
        "accounting-retry",
        uint(0, 100),
        "Retry attempts of accounting requests (default: retry)",
    ),
    leaf(
        "accounting-timeout",
        uint(1, 1000),
        "Accounting request timeout (seconds; default: timeout)",
    ),
    // Junos: the port this server's CoA and Disconnect requests arrive on.
    leaf(
        "dynamic-request-port",
        PORT,
        "Port dynamic requests from this server arrive on",
    )
    .default("3799")
    .no_effect(
        "dynamic requests are taken on [edit access] radius-disconnect-port, from the \
         radius-disconnect clients",
    ),
    // Junos: LLID preauthentication of DHCP and VLAN subscribers, before authentication.
    leaf(
        "preauthentication-port",
        PORT,
        "RADIUS preauthentication port",
    )
    .default("1810")
    .no_effect(PREAUTHENTICATION),
    leaf(
        "preauthentication-secret",
        Type::Secret,
        "Shared secret of preauthentication requests",
    )
    .no_effect(PREAUTHENTICATION),
    leaf("retry", uint(1, 100), "Retry attempts").default("3"),
    // Junos: the instance whose table carries this server's requests (`default`: the main
    // table); it wins over a domain map's `aaa-routing-instance`.
    leaf(
        "routing-instance",
        NAME,
        "Routing instance requests to this server are sent in",
    ),
    leaf("timeout", uint(1, 1000), "Request timeout (seconds)").default("3"),
    leaf("secret", Type::Secret, "Shared secret with the server").mandatory(),
    leaf("source-address", Type::Ipv4, "Source address of requests"),
    // Default 1000 as Junos'; the bound is our choice (16 sockets of 256 identifiers).
    leaf(
        "max-outstanding-requests",
        uint(1, 4096),
        "Requests in flight to this server at once",
    )
    .default("1000"),
    // Our choice (not a Junos statement): RFC 3579 and the BlastRADIUS attack (CVE-2024-3596)
    // call for a Message-Authenticator on every reply; FreeRADIUS 3.2.1 does not sign its
    // replies, so it needs `optional`.
    leaf(
        "message-authenticator",
        Type::Enum(&["require", "optional"]),
        "Replies without a valid Message-Authenticator: require drops them, optional \
         accepts them (for servers such as FreeRADIUS 3.2.1 that do not sign replies)",
    )
    .default("require"),
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

/// What to do with an AVP when switching a session into another tunnel ("bearer-type
/// (L2TP Tunnel Switching)", 13.2): `relay` it as received, `regenerate` it, or `drop` it.
const AVP_ACTION: Type = Type::Enum(&["drop", "regenerate", "relay"]);

const TUNNEL_SWITCH_PROFILE: &[Stmt] = &[
    container(
        "avp",
        "Handling of AVPs on tunnel switching",
        &[
            leaf("bearer-type", AVP_ACTION, "Bearer Type AVP").default("relay"),
            leaf("calling-number", AVP_ACTION, "Calling Number AVP").default("relay"),
            leaf("cisco-nas-port-info", AVP_ACTION, "Cisco NAS Port Info AVP").default("relay"),
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

/// Junos: `terminate-code (aaa | dhcp | l2tp | ppp) REASON radius CODE;`, the
/// Acct-Terminate-Cause an Accounting-Stop gives for a reason instead of its default
/// (`crate::terminate_code` holds the reasons and their defaults). Each is written on one
/// line, as the statement's syntax reads (`aaa shutdown idle-timeout radius 10;`).
const TERMINATE_CODE: Stmt = container(
    "terminate-code",
    "Map terminate reasons to RADIUS Acct-Terminate-Cause codes",
    &[
        container(
            "aaa",
            "AAA terminate reasons",
            &[
                terminate_reason("deny", &AAA_DENY_NAMES, "AAA deny reason"),
                terminate_reason("shutdown", &AAA_SHUTDOWN_NAMES, "AAA shutdown reason"),
            ],
        )
        .inline(),
        // Junos' DHCP reasons load (a configuration written for a Junos BNG stays
        // loadable), but this router serves no DHCP subscribers: commit says they do
        // nothing.
        terminate_reason("dhcp", &DHCP_NAMES, "DHCP terminate reason")
            .no_effect("this router serves no DHCP subscribers"),
        terminate_reason("l2tp", &L2TP_NAMES, "L2TP terminate reason"),
        terminate_reason("ppp", &PPP_NAMES, "PPP terminate reason"),
    ],
);

const fn terminate_reason(
    name: &'static str,
    reasons: &'static [&'static str],
    help: &'static str,
) -> Stmt {
    list(name, Type::Enum(reasons), help, TERMINATE_CAUSE).one_line()
}

/// RFC 2866's Acct-Terminate-Cause is 32 bits; Junos takes any value but 0.
const TERMINATE_CAUSE: &[Stmt] = &[leaf(
    "radius",
    uint(1, 4_294_967_295),
    "RADIUS Acct-Terminate-Cause code to send",
)
.mandatory()];
