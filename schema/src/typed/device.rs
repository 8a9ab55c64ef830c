//! `[edit interfaces]` and `[edit snmp]` as typed settings.

use super::net::Ipv4Prefix;
use super::view::View;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InterfaceEncapsulation {
    Ethernet,
    /// Junos' encapsulation of a port whose units mix VLAN encapsulations: here, as
    /// `ethernet`, a port for PPPoE units.
    FlexibleEthernetServices,
    GenericServices,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnitEncapsulation {
    Ethernet,
    PppOverEther,
}

/// How a physical interface's units select frames by VLAN tag (one of the three, checked
/// at commit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VlanTagging {
    /// `vlan-tagging`: units take `vlan-id`.
    VlanTagging,
    /// `stacked-vlan-tagging`: units take `vlan-tags outer O inner I`.
    StackedVlanTagging,
    /// `flexible-vlan-tagging`: either, unit by unit.
    FlexibleVlanTagging,
}

/// The frames a unit takes: untagged ones, one 802.1Q tag, or an 802.1ad outer and inner tag.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnitVlan {
    #[default]
    None,
    Single(u16),
    Stacked {
        outer: u16,
        inner: u16,
    },
}

/// `family pppoe mtu`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PppoeMtu {
    Bytes(u16),
    /// The underlying interface's MTU less the 8-octet PPPoE and PPP headers (RFC 2516 §7).
    UseLowerLayer,
}

/// `family pppoe`: the unit accepts PPPoE subscribers (LAC).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PppoeFamily {
    pub access_concentrator: Option<String>,
    pub duplicate_protection: bool,
    pub dynamic_profile: Option<String>,
    pub max_sessions: Option<u32>,
    pub service_name_table: Option<String>,
    /// `short-cycle-protection`: `None` when the statement is absent.
    pub short_cycle_protection: Option<ShortCycleProtection>,
    pub mtu: Option<PppoeMtu>,
}

/// `short-cycle-protection <lockout-time-min S> <lockout-time-max S>`: the range the lockout
/// of a client whose sessions keep ending early grows through, in seconds (Junos' defaults
/// 1 and 300 when not written).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShortCycleProtection {
    pub lockout_time_min: u32,
    pub lockout_time_max: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub description: Option<String>,
    /// `disable`: administratively down; it takes no subscriber (see [`Interface::disable`]).
    #[serde(default)]
    pub disable: bool,
    /// `traps` (`Some(true)`) / `no-traps` (`Some(false)`); `None`: neither, the default.
    #[serde(default)]
    pub traps: Option<bool>,
    pub encapsulation: Option<UnitEncapsulation>,
    /// `vlan-id` / `vlan-tags`; `None` is the untagged unit.
    pub vlan: UnitVlan,
    /// The TPIDs `vlan-tags` names (`outer 0x9100.100`), outer then inner; `None` where a
    /// tag is a bare ID, which takes the tag under any TPID the router reads.
    #[serde(default)]
    pub vlan_tpids: [Option<u16>; 2],
    /// `family inet address`: host address with its prefix length (`198.18.0.1/24`).
    pub inet_addresses: Vec<Ipv4Prefix>,
    /// The address marked `primary`, if any.
    pub primary_address: Option<Ipv4Prefix>,
    pub pppoe: Option<PppoeFamily>,
    /// `dial-options` of a static LNS unit (`si-…`).
    pub dial_options: Option<DialOptions>,
    /// `family inet filter input / output`.
    #[serde(default)]
    pub filters: super::firewall::InterfaceFilters,
    /// A static `pp0` unit's PPPoE server (`pppoe-options`, `ppp-options`, `keepalives`,
    /// `unnumbered-address`): one subscriber at a time on its underlying interface.
    #[serde(default)]
    pub static_pppoe: Option<super::static_pppoe::StaticPppoe>,
}

/// `dial-options { l2tp-interface-id NAME; (dedicated | shared); }`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DialOptions {
    pub l2tp_interface_id: Option<String>,
    /// One session at a time (the commit requires one of the two).
    pub dedicated: bool,
    /// Many sessions on the unit.
    pub shared: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interface {
    pub description: Option<String>,
    /// `disable`: administratively down with all its units: its PPPoE units and VLAN ranges
    /// take no subscriber, an `si-` interface's units no LNS session.
    #[serde(default)]
    pub disable: bool,
    /// `traps` (`Some(true)`) / `no-traps` (`Some(false)`); `None`: neither, the default.
    #[serde(default)]
    pub traps: Option<bool>,
    pub encapsulation: Option<InterfaceEncapsulation>,
    /// `vlan-tagging` / `stacked-vlan-tagging` / `flexible-vlan-tagging`; `None`: untagged only.
    pub vlan_tagging: Option<VlanTagging>,
    /// `native-vlan-id`: the unit with this `vlan-id` also takes untagged frames.
    #[serde(default)]
    pub native_vlan_id: Option<u16>,
    /// `auto-configure`: VLANs no unit selects, created from a dynamic profile.
    #[serde(default)]
    pub auto_configure: Option<super::auto_configure::AutoConfigure>,
    pub units: BTreeMap<u16, Unit>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CommunityAuthorization {
    ReadOnly,
    ReadWrite,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Community {
    pub authorization: CommunityAuthorization,
    /// Sources allowed to use the community; empty = any.
    pub clients: Vec<SnmpClient>,
    /// `view NAME`: the objects the community reaches; `None` = all.
    pub view: Option<String>,
}

/// One `clients { P; P restrict; }` line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnmpClient {
    pub address: std::net::IpAddr,
    pub len: u8,
    /// `restrict`: the prefix is refused.
    pub restrict: bool,
}

impl SnmpClient {
    /// `127.0.0.0/8` or `::1/128` (as the table checked it; host bits may be set), or
    /// `default`, every address of both families; nothing if unreadable.
    pub fn parse(prefix: &str, restrict: bool) -> Vec<SnmpClient> {
        let client = |address: &str, len: &str| {
            Some(SnmpClient {
                address: address.parse().ok()?,
                len: len.parse().ok()?,
                restrict,
            })
        };
        if prefix == "default" {
            return [client("0.0.0.0", "0"), client("::", "0")]
                .into_iter()
                .flatten()
                .collect();
        }
        prefix
            .split_once('/')
            .and_then(|(address, len)| client(address, len))
            .into_iter()
            .collect()
    }
}

/// `snmp view NAME { oid OID include|exclude; }`: subtrees, in configuration order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnmpView {
    /// (OID, included): `exclude` wins over nothing, the longest subtree decides.
    pub subtrees: Vec<(Vec<u32>, bool)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnmpConfig {
    /// True when `snmp` is configured at all: the agent runs only then.
    pub enabled: bool,
    pub description: Option<String>,
    pub location: Option<String>,
    pub contact: Option<String>,
    /// `name`: sysName when it is not the host name.
    #[serde(default)]
    pub name: Option<String>,
    /// Keyed by the community name. Not a [`Secret`](super::Secret): Junos keeps a
    /// community as the list's key, printed in clear by `show configuration` and never
    /// stored as `$9$`, and the agent must compare and show it as a name.
    pub communities: BTreeMap<String, Community>,
    /// `listen-address [ 127.0.0.1 ::1 ]`: where the embedded agent binds, one socket
    /// each (0.0.0.0 = every IPv4 address, :: every IPv6 address); never empty.
    pub listen_addresses: Vec<std::net::IpAddr>,
    pub port: u16,
    pub agentx_socket: Option<String>,
    /// `view NAME { ... }`.
    pub views: BTreeMap<String, SnmpView>,
    /// `trap-group NAME { ... }`, keyed by the name (the traps' community).
    pub trap_groups: BTreeMap<String, TrapGroup>,
    /// `trap-options source-address A`.
    pub trap_source_address: Option<std::net::IpAddr>,
    /// `trap-options agent-address outgoing-interface`.
    pub trap_agent_address_outgoing: bool,
}

/// `version` of a trap group: which trap PDUs each target gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrapVersion {
    /// An SNMPv1 Trap and an SNMPv2c Trap of each notification.
    All,
    V1,
    V2,
}

/// `trap-group NAME { version V; destination-port N; categories { ... } targets { A; } }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrapGroup {
    pub version: TrapVersion,
    pub destination_port: u16,
    /// The categories named; `None` when `categories` is absent, which is every category.
    pub categories: Option<Vec<String>>,
    /// `routing-instance NAME`: the instance whose table reaches the targets; `None` (or
    /// Junos' `default`) is the main table.
    pub routing_instance: Option<String>,
    pub targets: Vec<std::net::IpAddr>,
}

impl TrapGroup {
    /// True when the group takes notifications of `category` (`startup`, ...).
    pub fn takes(&self, category: &str) -> bool {
        self.categories
            .as_ref()
            .is_none_or(|named| named.iter().any(|c| c == category))
    }
}

fn unit(u: View<'_>) -> Unit {
    let family = u.container("family");
    let inet = family.container("inet");
    let addresses: Vec<(Ipv4Prefix, bool)> = inet
        .entries("address")
        .filter_map(|(address, a)| Some((Ipv4Prefix::parse(address)?, a.flag("primary"))))
        .collect();
    let pppoe = family.container("pppoe");
    let tags = u.container("vlan-tags");
    let tag = |name: &str| tags.value(name).and_then(|v| crate::def::vlan_tag(v).ok());
    let (outer, inner) = (tag("outer"), tag("inner"));
    let vlan_tpids = [outer.and_then(|t| t.0), inner.and_then(|t| t.0)];
    let vlan = match (u.uint("vlan-id"), outer.map(|t| t.1), inner.map(|t| t.1)) {
        (Some(id), _, _) => UnitVlan::Single(id),
        (None, Some(outer), Some(inner)) => UnitVlan::Stacked { outer, inner },
        _ => UnitVlan::None,
    };
    let dial = u.container("dial-options");
    Unit {
        dial_options: dial.present().then(|| DialOptions {
            l2tp_interface_id: dial.string("l2tp-interface-id"),
            dedicated: dial.flag("dedicated"),
            shared: dial.flag("shared"),
        }),
        filters: super::firewall::InterfaceFilters::of(inet),
        description: u.string("description"),
        disable: u.flag("disable"),
        traps: traps(u),
        encapsulation: u.keyword("encapsulation"),
        vlan,
        vlan_tpids,
        primary_address: addresses
            .iter()
            .find(|(_, primary)| *primary)
            .map(|(a, _)| *a),
        inet_addresses: addresses.into_iter().map(|(a, _)| a).collect(),
        // `pppoe-underlying-options` is Junos' older form of `family pppoe`; a unit has one
        // of the two (validate::pppoe_underlying).
        pppoe: pppoe_family(pppoe)
            .or_else(|| pppoe_family(u.container("pppoe-underlying-options"))),
        static_pppoe: super::static_pppoe::static_pppoe(u),
    }
}

/// `family pppoe`, of a static unit or a VLAN dynamic profile's unit.
pub(super) fn pppoe_family(pppoe: View<'_>) -> Option<PppoeFamily> {
    pppoe.present().then(|| PppoeFamily {
        access_concentrator: pppoe.string("access-concentrator"),
        duplicate_protection: pppoe.flag("duplicate-protection"),
        dynamic_profile: pppoe.string("dynamic-profile"),
        max_sessions: pppoe.uint("max-sessions"),
        service_name_table: pppoe.string("service-name-table"),
        short_cycle_protection: short_cycle_protection(pppoe.container("short-cycle-protection")),
        mtu: pppoe.string("mtu").as_deref().and_then(ppp_mtu),
    })
}

/// An `mtu (size | use-lower-layer)` value, as `family pppoe` and `ppp-options` write it.
pub(super) fn ppp_mtu(mtu: &str) -> Option<PppoeMtu> {
    match mtu {
        "use-lower-layer" => Some(PppoeMtu::UseLowerLayer),
        bytes => bytes.parse().ok().map(PppoeMtu::Bytes),
    }
}

fn short_cycle_protection(s: View<'_>) -> Option<ShortCycleProtection> {
    s.present().then(|| ShortCycleProtection {
        lockout_time_min: s.number("lockout-time-min"),
        lockout_time_max: s.number("lockout-time-max"),
    })
}

/// `traps` / `no-traps` (one at a time: the table makes them exclusive).
fn traps(i: View<'_>) -> Option<bool> {
    if i.flag("no-traps") {
        Some(false)
    } else {
        i.flag("traps").then_some(true)
    }
}

impl Interface {
    /// Whether a change of the physical interface's state sends linkUp / linkDown: yes
    /// unless `no-traps`, as on Junos.
    pub fn link_traps(&self) -> bool {
        self.traps.unwrap_or(true)
    }
}

impl Unit {
    /// Whether a change of the unit's state sends linkUp / linkDown: only with `traps`.
    pub fn link_traps(&self) -> bool {
        self.traps.unwrap_or(false)
    }
}

impl Interface {
    /// The units that are up administratively: none of a disabled interface.
    pub fn enabled_units(&self) -> impl Iterator<Item = (&u16, &Unit)> {
        self.units
            .iter()
            .filter(move |(_, unit)| !self.disable && !unit.disable)
    }

    /// The units (never unit 0, the service's own) whose `dial-options l2tp-interface-id`
    /// is `id`, in unit order.
    pub fn units_with_l2tp_interface_id<'a>(
        &'a self,
        id: &'a str,
    ) -> impl Iterator<Item = (&'a u16, &'a Unit)> {
        self.units.iter().filter(move |(number, unit)| {
            **number != 0
                && unit
                    .dial_options
                    .as_ref()
                    .is_some_and(|d| d.l2tp_interface_id.as_deref() == Some(id))
        })
    }
}

/// The tagging mode; with more than one configured (refused at commit) the most permissive.
fn vlan_tagging(i: View<'_>) -> Option<VlanTagging> {
    [
        ("flexible-vlan-tagging", VlanTagging::FlexibleVlanTagging),
        ("stacked-vlan-tagging", VlanTagging::StackedVlanTagging),
        ("vlan-tagging", VlanTagging::VlanTagging),
    ]
    .into_iter()
    .find(|(name, _)| i.flag(name))
    .map(|(_, mode)| mode)
}

pub(super) fn interfaces(root: View<'_>) -> BTreeMap<String, Interface> {
    root.entries("interfaces")
        .map(|(name, i)| {
            let interface = Interface {
                description: i.string("description"),
                disable: i.flag("disable"),
                traps: traps(i),
                encapsulation: i.keyword("encapsulation"),
                vlan_tagging: vlan_tagging(i),
                native_vlan_id: i.uint("native-vlan-id"),
                auto_configure: super::auto_configure::auto_configure(
                    i.container("auto-configure"),
                ),
                units: i
                    .entries("unit")
                    .filter_map(|(n, u)| Some((n.parse().ok()?, unit(u))))
                    .collect(),
            };
            (name.to_string(), interface)
        })
        .collect()
}

/// The prefixes of `clients { P; P restrict; }` or of a `client-list L { P; }` block.
fn snmp_clients<'a>(entries: impl Iterator<Item = (&'a str, View<'a>)>) -> Vec<SnmpClient> {
    entries
        .flat_map(|(p, e)| SnmpClient::parse(p, e.flag("restrict")))
        .collect()
}

/// The configured addresses, or the table's default (a tree that passed `check` has only
/// readable ones; an unreadable default would still leave the loopback, never nothing).
fn listen_addresses(s: View<'_>) -> Vec<std::net::IpAddr> {
    let configured: Vec<std::net::IpAddr> = s
        .values("listen-address")
        .iter()
        .filter_map(|a| a.parse().ok())
        .collect();
    if !configured.is_empty() {
        return configured;
    }
    let default = s.value("listen-address").and_then(|a| a.parse().ok());
    vec![default.unwrap_or(Ipv4Addr::LOCALHOST.into())]
}

/// Junos' `trap-options source-address lo0`: the lowest address configured on the
/// loopback interface, over all its units; `None` when it has none (a commit error,
/// validate::device).
pub fn lowest_loopback_address(
    interfaces: &BTreeMap<String, Interface>,
) -> Option<std::net::IpAddr> {
    let lo0 = interfaces.get("lo0")?;
    lo0.units
        .values()
        .flat_map(|u| u.inet_addresses.iter().map(|p| p.address))
        .min()
        .map(std::net::IpAddr::V4)
}

pub(super) fn snmp(s: View<'_>, interfaces: &BTreeMap<String, Interface>) -> SnmpConfig {
    // `client-list-name L` gives the community the list's prefixes, decided as `clients`
    // (an unknown list is refused at commit, so none here means an unchecked tree).
    let client_list = |name: &str| {
        s.entries("client-list")
            .find(|(n, _)| *n == name)
            .map(|(_, l)| snmp_clients(l.entries("")))
            .unwrap_or_default()
    };
    SnmpConfig {
        enabled: s.present(),
        description: s.string("description"),
        location: s.string("location"),
        contact: s.string("contact"),
        name: s.string("name"),
        communities: s
            .entries("community")
            .map(|(name, c)| {
                let community = Community {
                    authorization: c
                        .keyword("authorization")
                        .unwrap_or(CommunityAuthorization::ReadOnly),
                    // Configurations committed when `clients` was a leaf-list hold the
                    // prefixes as values: read those too, or an upgrade would open the
                    // community to every client.
                    clients: match c.string("client-list-name") {
                        Some(list) => client_list(&list),
                        None => snmp_clients(c.entries("clients"))
                            .into_iter()
                            .chain(
                                c.values("clients")
                                    .iter()
                                    .flat_map(|p| SnmpClient::parse(p, false)),
                            )
                            .collect(),
                    },
                    view: c.string("view"),
                };
                (name.to_string(), community)
            })
            .collect(),
        // The table defaults it; a tree that passed `check` always has a readable one.
        listen_addresses: listen_addresses(s),
        port: s.number("port"),
        agentx_socket: s.container("agentx").string("socket"),
        trap_groups: s
            .entries("trap-group")
            .map(|(name, g)| {
                let categories = g.container("categories");
                let group = TrapGroup {
                    version: g.keyword("version").unwrap_or(TrapVersion::All),
                    destination_port: g.number("destination-port"),
                    categories: categories.present().then(|| categories.flags()),
                    routing_instance: g.string("routing-instance"),
                    targets: g
                        .entries("targets")
                        .filter_map(|(a, _)| a.parse().ok())
                        .collect(),
                };
                (name.to_string(), group)
            })
            .collect(),
        trap_source_address: match s.container("trap-options").value("source-address") {
            Some("lo0") => lowest_loopback_address(interfaces),
            other => other.and_then(|a| a.parse().ok()),
        },
        trap_agent_address_outgoing: s.container("trap-options").has("agent-address"),
        views: s
            .entries("view")
            .map(|(name, v)| {
                let subtrees = v
                    .entries("oid")
                    .filter_map(|(oid, o)| {
                        let arcs = crate::snmp_oid::resolve(oid).ok()?;
                        Some((arcs, !o.flag("exclude")))
                    })
                    .collect();
                (name.to_string(), SnmpView { subtrees })
            })
            .collect(),
    }
}
