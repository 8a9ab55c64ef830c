//! `[edit routing-instances]` as typed settings, and the rules that turn an instance's
//! name into its Linux VRF device and routing table. The rules live here, beside the
//! configuration, because the commit checks refuse names whose devices or tables would
//! collide, and the daemon must derive exactly what was checked.

use super::view::View;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `instance-type`: Junos has more; only the virtual router is implemented.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InstanceType {
    VirtualRouter,
}

/// One `routing-instances NAME`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingInstance {
    /// `None` only in a tree that has not passed the commit check (it is mandatory).
    pub instance_type: Option<InstanceType>,
    /// The `interface` statements as written (`si-1/0/0` or `si-1/0/0.0`).
    pub interfaces: Vec<String>,
    /// `routing-options static`: routes in the instance's own table.
    #[serde(default)]
    pub static_routes: Vec<super::StaticRoute>,
}

/// The routing instance names Junos keeps for itself: `default` is what `show subscribers`
/// prints for the main table, `master` is the main instance's name in `show route`.
pub const RESERVED_INSTANCE_NAMES: [&str; 2] = ["default", "master"];

/// The longest Linux interface name (IFNAMSIZ 16, less the terminating NUL).
pub const MAX_LINUX_IFNAME: usize = 15;

/// The prefix of every VRF device this daemon creates: it marks them as ours.
pub const VRF_PREFIX: &str = "vrf-";

/// The first routing table id given to an instance. Below it are the kernel's own (253
/// default, 254 main, 255 local) and the small numbers operators pick by hand.
pub const FIRST_TABLE_ID: u32 = 1_000;

/// Table ids are kept below 2^31 so that tools that print them signed (old iproute2) agree.
const TABLE_ID_SPAN: u32 = (1 << 31) - FIRST_TABLE_ID;

/// Why a routing instance name cannot be used, if it cannot: Junos' reserved names, names
/// starting with `__` (Junos' internal instances), and — our narrowing, because the name
/// becomes part of a Linux device name — anything but letters, digits, `-` and `_`.
pub fn instance_name_problem(name: &str) -> Option<String> {
    if RESERVED_INSTANCE_NAMES.contains(&name) {
        return Some(format!("'{name}' is a reserved routing instance name"));
    }
    if name.starts_with("__") {
        return Some("routing instance names starting with '__' are reserved".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_')))
    {
        return Some(format!(
            "invalid character {c:?} in routing instance name: use letters, digits, '-' and '_'"
        ));
    }
    None
}

/// FNV-1a, 32 bits: a fixed, documented hash (std's `DefaultHasher` may change between Rust
/// releases, and a table id must survive an upgrade of the daemon).
fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

/// The Linux VRF device of instance `name`: `vrf-NAME` when that fits in 15 characters;
/// otherwise `vrf-` + the first 6 characters of the name + `-` + 4 hex digits of the name's
/// FNV-1a hash (`vrf-custom-1a2b`), so long names that share a beginning still differ. Two
/// configured names that would still meet are refused at commit.
pub fn vrf_device_name(name: &str) -> String {
    let whole = format!("{VRF_PREFIX}{name}");
    if whole.len() <= MAX_LINUX_IFNAME {
        return whole;
    }
    let head: String = name.chars().take(6).collect();
    format!("{VRF_PREFIX}{head}-{:04x}", fnv1a(name) & 0xffff)
}

/// The routing table of instance `name`: 1000 + FNV-1a(name) mod (2^31 − 1000). Derived from
/// the name alone, so it is the same across commits, restarts and upgrades, whatever other
/// instances come and go (an index in sorted order would renumber them); two configured
/// names that meet are refused at commit.
pub fn vrf_table_id(name: &str) -> u32 {
    FIRST_TABLE_ID + fnv1a(name) % TABLE_ID_SPAN
}

/// The service interface an instance's `interface` statement names: the unit is dropped,
/// since a service interface is one device (`si-1/0/0.0` → `si-1/0/0`).
pub fn interface_device(interface: &str) -> &str {
    match interface.rsplit_once('.') {
        Some((device, unit)) if !unit.is_empty() && unit.bytes().all(|b| b.is_ascii_digit()) => {
            device
        }
        _ => interface,
    }
}

impl super::RouterConfig {
    /// The routing instance whose `interface` statements name service interface `service`
    /// (`si-1/0/0`), if any: the commit check allows at most one.
    pub fn routing_instance_of(&self, service: &str) -> Option<&str> {
        self.routing_instances
            .iter()
            .find(|(_, ri)| ri.interfaces.iter().any(|i| interface_device(i) == service))
            .map(|(name, _)| name.as_str())
    }
}

pub(super) fn routing_instances(root: View<'_>) -> BTreeMap<String, RoutingInstance> {
    root.entries("routing-instances")
        .map(|(name, ri)| {
            let instance = RoutingInstance {
                instance_type: ri.keyword("instance-type"),
                interfaces: ri
                    .entries("interface")
                    .map(|(i, _)| i.to_string())
                    .collect(),
                static_routes: super::static_routes::static_routes(ri),
            };
            (name.to_string(), instance)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_become_vrf_dash_name() {
        assert_eq!(vrf_device_name("ri1"), "vrf-ri1");
        assert_eq!(vrf_device_name("abcdefghijk"), "vrf-abcdefghijk");
    }

    #[test]
    fn long_names_are_cut_and_hashed_to_fifteen_characters() {
        let a = vrf_device_name("customer-alpha");
        let b = vrf_device_name("customer-beta");
        assert_eq!(a.len(), MAX_LINUX_IFNAME);
        assert!(a.starts_with("vrf-custom-"), "{a}");
        assert_ne!(a, b);
        // Stable: the same name always gives the same device.
        assert_eq!(a, vrf_device_name("customer-alpha"));
    }

    #[test]
    fn the_hash_is_fnv1a_as_documented() {
        // Published FNV-1a 32-bit test vectors.
        assert_eq!(fnv1a(""), 0x811c_9dc5);
        assert_eq!(fnv1a("a"), 0xe40c_292c);
        assert_eq!(fnv1a("foobar"), 0xbf9c_f968);
    }

    #[test]
    fn table_ids_depend_on_the_name_only_and_avoid_the_kernel_tables() {
        let id = vrf_table_id("ri1");
        assert_eq!(id, FIRST_TABLE_ID + fnv1a("ri1") % TABLE_ID_SPAN);
        assert_eq!(id, vrf_table_id("ri1"));
        for name in [
            "a",
            "ri1",
            "ri2",
            "customer-alpha",
            "zzzzzzzzzzzzzzzzzzzzzzzzzz",
        ] {
            let id = vrf_table_id(name);
            assert!((FIRST_TABLE_ID..1 << 31).contains(&id), "{name}: {id}");
        }
        assert_ne!(vrf_table_id("ri1"), vrf_table_id("ri2"));
    }

    #[test]
    fn reserved_and_unusable_names_are_named() {
        assert!(instance_name_problem("default").is_some());
        assert!(instance_name_problem("master").is_some());
        assert!(instance_name_problem("__juniper_private1__").is_some());
        assert!(instance_name_problem("a.b").is_some());
        assert!(instance_name_problem("a/b").is_some());
        assert_eq!(instance_name_problem("ri-1_a"), None);
    }

    #[test]
    fn the_unit_of_an_interface_statement_is_dropped() {
        assert_eq!(interface_device("si-1/0/0.0"), "si-1/0/0");
        assert_eq!(interface_device("si-1/0/0"), "si-1/0/0");
        assert_eq!(interface_device("pp0"), "pp0");
        assert_eq!(interface_device("x."), "x.");
    }
}
