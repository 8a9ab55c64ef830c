//! Every configuration statement the product understands, once: kind, type and range,
//! default, mandatory-ness, references and help. Validation, completion, `?` help,
//! canonical order, `| display set` and the typed view all read this table.
//!
//! Names, ranges and defaults follow the Junos 12.3–13.3 documentation of each statement
//! (see `shared/reference/junos-config.md`). Where Juniper publishes no range, the one chosen
//! here is marked `our choice` with the reason.

mod access;
mod chassis;
mod dynamic_profiles;
mod firewall;
mod interfaces;
mod protocols;
mod routing_instances;
mod routing_options;
mod services;
mod snmp;
mod system;
#[cfg(test)]
mod tests;

use crate::def::*;
pub use system::{PERMISSIONS, PREDEFINED_CLASSES};

/// The root of the configuration: `[edit]`.
pub static ROOT: Stmt = container("", "Configuration", &ROOT_STATEMENTS);

/// The root's statements: `version`, the configuration groups and `apply-groups` (where
/// Junos shows them, before everything else), then [`TOP`].
static ROOT_STATEMENTS: [Stmt; TOP.len() + 3] = joined(
    &[
        // `version 20.4R3.8;` heads every configuration Junos saves or shows. It is kept and
        // printed back, as Junos does, so a saved Junos file loads and shows unchanged; it
        // describes the text, not the router, so nothing acts on it (and no commit warning).
        leaf("version", VERSION, "Software version information"),
        // A group holds what the top level holds (typed::groups applies it).
        list("groups", GROUP_NAME, "Configuration groups", &TOP).grouped(),
        APPLY_GROUPS,
    ],
    &TOP,
);

/// The statements of the top level a configuration group also holds.
const TOP: [Stmt; 12] = [
    system::SYSTEM,
    // Junos shows chassis after system.
    chassis::CHASSIS,
    services::SERVICES,
    // Junos shows dynamic-profiles before interfaces.
    dynamic_profiles::DYNAMIC_PROFILES,
    interfaces::INTERFACES,
    snmp::SNMP,
    // Junos shows routing-options after snmp, before protocols.
    routing_options::ROUTING_OPTIONS,
    // Junos' order: protocols after snmp, before access.
    protocols::PROTOCOLS,
    access::ACCESS,
    // Junos shows firewall after access (and before routing-instances).
    firewall::FIREWALL,
    // Junos `[edit] access-profile`: the profile for subscribers no domain map names.
    leaf(
        "access-profile",
        NAME,
        "Access profile for subscribers no domain map names",
    )
    .refers_to(&["access", "profile"]),
    // Junos shows routing-instances after access.
    routing_instances::ROUTING_INSTANCES,
];

/// Names of configured objects (profiles, groups, pools, users): Junos allows up to 63
/// characters in most of these, and so do we, throughout.
const NAME: Type = Type::Identifier { max_len: 63 };

/// A Junos release name (`20.4R3.8`, `12.3R12-S15`): one word, as Junos writes it.
const VERSION: Type = Type::Identifier { max_len: 63 };

/// Free text such as a description; Junos caps descriptions at 900 characters.
const TEXT: Type = Type::Str { max_len: 900 };

/// A UDP port number.
const PORT: Type = Type::Uint { min: 1, max: 65535 };

/// `proxy-arp` on a unit: Junos answers ARP there for addresses behind it; this router's
/// subscribers arrive by PPP, which has no ARP.
const PROXY_ARP: Stmt = crate::def::flag("proxy-arp", "Proxy ARP for the unit's subscribers")
    .no_effect("subscribers reach this router by PPP, which has no ARP");

/// `rpf-check` under a unit's `family inet`: Junos' unicast reverse-path check. This router
/// checks every subscriber's source address always (its own address or its Framed-Route
/// prefixes; anything else fails), which is the strict check; a packet that fails goes
/// through the `fail-filter` when there is one (Junos: "the filter determines what action to
/// take with the failed packets"), else it is dropped and counted as spoofed. The loose
/// mode is not built: it needs the host's routing table, which the subscriber layer does
/// not see.
const RPF_CHECK: Stmt = crate::def::container(
    "rpf-check",
    "Reverse-path-forwarding check on the unit's incoming packets",
    &[
        crate::def::leaf(
            "fail-filter",
            NAME,
            "Filter for packets that fail the check",
        )
        .refers_to(firewall::FILTERS)
        .refers_also_to(firewall::LEGACY_FILTERS),
        crate::def::container(
            "mode",
            "Reverse-path-forwarding mode",
            // The daemon leaves the check to the kernel: the service interface's TUN device
            // has rp_filter 2 (io::service_endpoint).
            &[crate::def::flag("loose", "Any route to the source passes")],
        )
        .one_line(),
    ],
)
.presence();

/// `rpf-check` on a static unit: only subscribers' traffic is forwarded by this router.
const STATIC_RPF_CHECK: Stmt =
    RPF_CHECK.no_effect("the reverse-path check applies to subscriber interfaces only");

/// Why `tunnel-switch-profile` does nothing, wherever it is set.
const TUNNEL_SWITCHING: &str = "tunnel switching is not implemented";

/// The statement at a schema path of statement names, list keys omitted:
/// `stmt_at(&["access", "tunnel-profile", "tunnel", "preference"])`. Used to read defaults
/// and to resolve `refers_to` paths.
pub fn stmt_at(path: &[&str]) -> Option<&'static Stmt> {
    let mut stmt: &'static Stmt = &ROOT;
    for name in path {
        stmt = stmt.child(name)?;
    }
    Some(stmt)
}
