//! `[edit firewall family inet filter]`: stateless IPv4 filters for subscriber traffic, as
//! Junos writes them (issue 16; the "Firewall Filter Match Conditions for IPv4 Traffic" and
//! "Firewall Filter Terminating Actions" pages). Only the match conditions and actions the
//! data path evaluates are taken (l2tpd `firewall`); the rest of Junos' `[edit firewall]`
//! stays "not supported" (parse::unsupported), never accepted and ignored.
//!
//! `[edit firewall policer]` holds the single-rate two-color policers a term's `then policer
//! P` names (the subscriber speed plan: docs/firewall.md "Policers").
//!
//! A filter is applied with `family inet filter input F / output F` on an interface unit or in
//! a dynamic profile (`"$junos-input-filter"`, `"$junos-output-filter"`). Which names,
//! protocols, ports and ICMP types are valid is checked at commit (validate::firewall),
//! so that the error can say what is allowed.

use crate::def::*;

/// Junos: filter names up to 64 characters.
const FILTER_NAME: Type = Type::Identifier { max_len: 64 };
/// Junos: term names up to 255 characters ("term (Normal Filter)").
const TERM_NAME: Type = Type::Identifier { max_len: 255 };
/// Junos: policer names up to 64 characters ("policer (Firewall)").
const POLICER_NAME: Type = Type::Identifier { max_len: 64 };
/// Counter names: Junos allows up to 127 characters for a `count` name.
const COUNTER_NAME: Type = Type::Identifier { max_len: 127 };
/// A protocol, port or ICMP type: a Junos keyword (`tcp`, `http`, `echo-request`), a number
/// or, for ports, a range `N-M`; checked at commit (validate::firewall). A word of letters,
/// digits and `-`: never a space, a quote or a bracket, which a `[ a b ]` list could not
/// tell from its own (a quoted `"["` in a set line read as the list's opening).
const MATCH_VALUE: Type = Type::Identifier { max_len: 32 };

pub(super) const FIREWALL: Stmt = container(
    "firewall",
    "Define a firewall configuration",
    &[
        container(
            "family",
            "Protocol family",
            &[container(
                "inet",
                "Protocol family IPv4 for firewall filter",
                &[list(
                    "filter",
                    FILTER_NAME,
                    "Define an IPv4 firewall filter",
                    FILTER,
                )],
            )],
        )
        // Junos shows `family inet { ... }`, never `family { inet { ... } }`.
        .inline(),
        // Junos' older form of `family inet filter`, still taken and shown as written; the
        // same filters for every purpose (typed::firewall_filters). A name defined both ways
        // is refused at commit (validate::firewall).
        list(
            "filter",
            FILTER_NAME,
            "Define an IPv4 firewall filter (as family inet filter)",
            FILTER,
        ),
        // A single-rate two-color policer, used by a term's `then policer P`.
        list("policer", POLICER_NAME, "Configure a policer", POLICER),
    ],
);

/// `policer P { filter-specific; if-exceeding { ... } then discard; }`: Junos' single-rate
/// two-color policer. `if-exceeding bandwidth-percent` (a share of an interface's media
/// rate) and the `then` actions other than `discard` (`loss-priority`, `forwarding-class`:
/// class of service this router does not have) are "not supported" (parse::unsupported).
const POLICER: &[Stmt] = &[
    // Junos: one instance for every term of a filter that names it, instead of one a term.
    flag(
        "filter-specific",
        "Policer is filter-specific: one instance for all the terms of a filter",
    ),
    container(
        "if-exceeding",
        "Define rate limits",
        &[
            // Junos' ranges for a single-rate two-color policer ("Policer Bandwidth and
            // Burst-Size Limits": the burst up to 10 GB; 100 GB is a hierarchical policer's
            // on MX MPCs), decimal k/m/g suffixes.
            leaf(
                "bandwidth-limit",
                Type::Decimal {
                    min: 8000,
                    max: 100_000_000_000,
                },
                "Bandwidth limit (8000..100000000000 bits per second)",
            )
            .mandatory(),
            leaf(
                "burst-size-limit",
                Type::Decimal {
                    min: 1500,
                    max: 10_000_000_000,
                },
                "Burst size limit (1500..10000000000 bytes)",
            )
            .mandatory(),
        ],
    )
    .mandatory(),
    // Junos writes `then discard;`.
    container(
        "then",
        "Action to take if the rate limits are exceeded",
        &[flag("discard", "Discard the packet").mandatory()],
    )
    .single_line()
    .mandatory(),
];

const FILTER: &[Stmt] = &[
    // Junos: each interface the filter is applied to gets its own instance, with counters
    // named `C-<interface>-i` / `-o`; without it one instance counts for all of them.
    flag(
        "interface-specific",
        "Defined counters are interface specific",
    ),
    list("term", TERM_NAME, "Define a firewall term", TERM),
];

const TERM: &[Stmt] = &[
    container("from", "Define match criteria", FROM),
    // Junos writes `then accept;` for a `then` of one statement, a block for more.
    container(
        "then",
        "Action to take if the 'from' condition is matched",
        THEN,
    )
    .single_line(),
];

/// Junos' order of the IPv4 match conditions we take, as `show` prints them: addresses,
/// then the protocol, then ports, then ICMP (`protocol icmp; icmp-type [ ... ];`).
const FROM: &[Stmt] = &[
    prefixes("address", "Match IP source or destination address"),
    prefixes("destination-address", "Match IP destination address"),
    prefixes("source-address", "Match IP source address"),
    leaf_list("protocol", MATCH_VALUE, "Match IP protocol type"),
    leaf_list(
        "port",
        MATCH_VALUE,
        "Match TCP/UDP source or destination port",
    ),
    leaf_list(
        "destination-port",
        MATCH_VALUE,
        "Match TCP/UDP destination port",
    ),
    leaf_list("source-port", MATCH_VALUE, "Match TCP/UDP source port"),
    leaf_list("icmp-type", MATCH_VALUE, "Match ICMP message type"),
];

/// `source-address { 127.0.0.0/8; 127.1.0.0/16 except; }`: Junos shows each prefix on its
/// line, `except` after it; the longest prefix that contains an address decides. Host bits
/// may be set (Examples: Configuring Static Filters writes `a.b.c.10/24`).
const fn prefixes(name: &'static str, help: &'static str) -> Stmt {
    list(name, Type::Ipv4MatchPrefix, help, EXCEPT)
        .grouped()
        .one_line()
}

const EXCEPT: &[Stmt] = &[flag("except", "Match addresses not in this prefix")];

/// Junos' order: the action modifiers (`policer`, `count`) before the terminating action.
/// `accept`, `discard` and `reject` are alternatives; more than one is refused at commit.
/// `policer` with no terminating action accepts what the policer lets through (Junos).
const THEN: &[Stmt] = &[
    leaf(
        "policer",
        POLICER_NAME,
        "Name of policer to use to rate-limit traffic",
    )
    .refers_to(POLICERS),
    leaf(
        "count",
        COUNTER_NAME,
        "Count the packet in the named counter",
    ),
    flag("accept", "Accept the packet"),
    flag("discard", "Discard the packet"),
    container(
        "reject",
        "Reject the packet: ICMP unreachable (administratively prohibited unless given) or TCP reset",
        REJECT,
    )
    // Junos writes `reject;` or `reject host-unreachable;`: one message type at most.
    .one_line()
    .choice(),
];

/// `reject <message-type>`: the ICMP destination unreachable codes Junos names
/// (typed::REJECT_MESSAGES holds their numbers), and `tcp-reset`.
const REJECT: &[Stmt] = &[
    flag(
        "administratively-prohibited",
        "Communication administratively prohibited (code 13, the default)",
    ),
    flag(
        "bad-host-tos",
        "Host unreachable for type of service (code 12)",
    ),
    flag(
        "bad-network-tos",
        "Network unreachable for type of service (code 11)",
    ),
    flag(
        "fragmentation-needed",
        "Fragmentation needed and don't fragment set (code 4)",
    ),
    flag(
        "host-prohibited",
        "Destination host administratively prohibited (code 10)",
    ),
    flag("host-unknown", "Destination host unknown (code 7)"),
    flag("host-unreachable", "Host unreachable (code 1)"),
    flag(
        "network-prohibited",
        "Destination network administratively prohibited (code 9)",
    ),
    flag("network-unknown", "Destination network unknown (code 6)"),
    flag("network-unreachable", "Network unreachable (code 0)"),
    flag("port-unreachable", "Port unreachable (code 3)"),
    flag("precedence-cutoff", "Precedence cutoff in effect (code 15)"),
    flag(
        "precedence-violation",
        "Host precedence violation (code 14)",
    ),
    flag("protocol-unreachable", "Protocol unreachable (code 2)"),
    flag("source-host-isolated", "Source host isolated (code 8)"),
    flag("source-route-failed", "Source route failed (code 5)"),
    flag(
        "tcp-reset",
        "A TCP reset for a TCP packet (administratively prohibited otherwise)",
    ),
];

/// `family inet filter { input F; output F; }` on an interface unit: `input` filters what
/// the unit receives (a subscriber's own packets), `output` what it transmits.
pub(super) const INTERFACE_FILTER: Stmt = container(
    "filter",
    "Filters to apply to this family",
    &[
        leaf("input", FILTER_NAME, INPUT_HELP)
            .refers_to(FILTERS)
            .refers_also_to(LEGACY_FILTERS),
        leaf("output", FILTER_NAME, OUTPUT_HELP)
            .refers_to(FILTERS)
            .refers_also_to(LEGACY_FILTERS),
    ],
);

/// The same in a dynamic profile, where the name may be a variable (`"$junos-input-filter"`,
/// filled from RADIUS; with no value the statement is dropped and no filter applies), and
/// takes options (pp0 (Dynamic PPPoE): `input filter-name { precedence precedence; }`): a
/// list keyed by the name, `input F;` without options. One filter a direction: `set` of
/// another name replaces it (`single`), two in brace text are refused (validate::dynamic_profiles).
pub(super) const DYNAMIC_INTERFACE_FILTER: Stmt = container(
    "filter",
    "Filters to apply to this family",
    &[
        list(
            "input",
            Type::OrVariable(&FILTER_NAME),
            INPUT_HELP,
            DYNAMIC_FILTER_OPTIONS,
        )
        .refers_to(FILTERS)
        .refers_also_to(LEGACY_FILTERS)
        .single(),
        list(
            "output",
            Type::OrVariable(&FILTER_NAME),
            OUTPUT_HELP,
            DYNAMIC_FILTER_OPTIONS,
        )
        .refers_to(FILTERS)
        .refers_also_to(LEGACY_FILTERS)
        .single(),
    ],
);

/// precedence (Dynamic Profiles Filters), 13.1: 0 through 250, lower first, among the
/// filters of one direction of a subscriber's unit. Junos' `shared-name` is not taken
/// (parse::unsupported).
const DYNAMIC_FILTER_OPTIONS: &[Stmt] = &[leaf(
    "precedence",
    uint(0, 250),
    "Precedence of the filter among the unit's filters of its direction",
)
.no_effect("a unit has one filter a direction here: there is no order to set")];

const INPUT_HELP: &str = "Name of filter applied to received packets";
const OUTPUT_HELP: &str = "Name of filter applied to transmitted packets";

/// Where filter names are defined, for `refers_to`: either form.
pub(super) const FILTERS: &[&str] = &["firewall", "family", "inet", "filter"];
pub(super) const LEGACY_FILTERS: &[&str] = &["firewall", "filter"];
/// Where policers are defined, for `then policer P`.
const POLICERS: &[&str] = &["firewall", "policer"];
