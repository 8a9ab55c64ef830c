//! `[edit dynamic-profiles]` as the subscriber layer uses it: each profile's interface
//! templates with their values as written (variables not yet replaced), and the
//! replacement itself, which is the same for every subscriber kind.

use super::device::Interface;
use super::view::View;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// The Junos predefined variables this router replaces, and what each is replaced by. Junos
/// has many more (filters, CoS, IPv6, …); the subscriber layer has data for these only, so a
/// profile naming another is refused at commit rather than instantiated with a hole.
pub const PREDEFINED_VARIABLES: &[(&str, &str)] = &[
    (
        "$junos-interface-unit",
        "the subscriber's logical unit number",
    ),
    (
        "$junos-interface-ifd-name",
        "the subscriber's physical interface (pp0, si-…)",
    ),
    (
        "$junos-interface-name",
        "the subscriber's logical interface (pp0.N)",
    ),
    (
        "$junos-underlying-interface",
        "the logical interface PPPoE runs on",
    ),
    ("$junos-vlan-id", "the VLAN ID (the inner one under QinQ)"),
    ("$junos-stacked-vlan-id", "the outer VLAN ID under QinQ"),
    (
        "$junos-routing-instance",
        "the routing instance of the subscriber",
    ),
    (
        "$junos-loopback-interface",
        "the loopback interface (lo0.0)",
    ),
    (
        "$junos-subscriber-ip-address",
        "the address assigned to the subscriber",
    ),
    // Juniper VSAs Ingress-Policy-Name (26-4874-10) and Egress-Policy-Name (26-4874-11).
    ("$junos-input-filter", "the input filter RADIUS names"),
    ("$junos-output-filter", "the output filter RADIUS names"),
    // Framed-Route (RFC 2865 §5.22) parts, for `routing-options access route`.
    (
        "$junos-framed-route-ip-address-prefix",
        "a Framed-Route prefix RADIUS gave",
    ),
    ("$junos-framed-route-nexthop", "the Framed-Route's gateway"),
    ("$junos-framed-route-cost", "the Framed-Route's metric"),
    (
        "$junos-framed-route-distance",
        "the Framed-Route's preference",
    ),
];

/// The loopback `"$junos-loopback-interface"` stands for: the router's lo0, unit 0.
pub const LOOPBACK_INTERFACE: &str = "lo0.0";

/// Why an unnumbered interface has no address to borrow.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DonorError {
    #[error("Donor interface {0} has no family inet address")]
    NoAddress(String),
    #[error("Preferred source address {address} is not an address of donor interface {donor}")]
    NotDonorAddress { address: Ipv4Addr, donor: String },
}

/// The address an unnumbered interface borrows from `donor` (`lo0.0`; `lo0` is unit 0):
/// `preferred` when it is one of the donor's, else the donor's `primary` address, else its
/// lowest (Junos' default primary address).
pub fn donor_address(
    interfaces: &BTreeMap<String, Interface>,
    donor: &str,
    preferred: Option<Ipv4Addr>,
) -> Result<Ipv4Addr, DonorError> {
    let (device, unit) = donor.rsplit_once('.').unwrap_or((donor, "0"));
    let unit = unit
        .parse::<u16>()
        .ok()
        .and_then(|u| interfaces.get(device)?.units.get(&u))
        .filter(|u| !u.inet_addresses.is_empty())
        .ok_or_else(|| DonorError::NoAddress(donor.to_string()))?;
    if let Some(address) = preferred {
        return unit
            .inet_addresses
            .iter()
            .any(|a| a.address == address)
            .then_some(address)
            .ok_or_else(|| DonorError::NotDonorAddress {
                address,
                donor: donor.to_string(),
            });
    }
    unit.primary_address
        .or_else(|| unit.inet_addresses.iter().min().copied())
        .map(|a| a.address)
        .ok_or_else(|| DonorError::NoAddress(donor.to_string()))
}

/// True for a predefined variable this router replaces.
pub fn is_supported_predefined(variable: &str) -> bool {
    PREDEFINED_VARIABLES
        .iter()
        .any(|(name, _)| *name == variable)
}

/// One `dynamic-profiles NAME`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DynamicProfile {
    /// User variables, `$NAME` in the body, by name without the `$`.
    pub variables: BTreeMap<String, ProfileVariable>,
    /// `routing-instances "$junos-routing-instance"`: the template of the instance name.
    pub routing_instance: Option<String>,
    /// `interfaces NAME unit U { … }`, in configuration order.
    pub interfaces: Vec<ProfileInterface>,
    /// `routing-options access route P { … }`, the profile's own then its routing
    /// instance's, values as written.
    pub access_routes: Vec<AccessRouteTemplate>,
}

/// One `routing-options access route PREFIX { next-hop; metric; preference; tag; }`: a
/// prefix of `"$junos-framed-route-ip-address-prefix"` stands for each Framed-Route RADIUS
/// gave, any other is installed as written (Juniper, "route (Access)": "either the specific
/// route prefix … or one of the route prefix variables").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRouteTemplate {
    pub prefix: String,
    pub next_hop: Option<String>,
    pub metric: Option<String>,
    pub preference: Option<String>,
    pub tag: Option<String>,
}

/// The prefix variable that stands for every Framed-Route of the subscriber.
pub const FRAMED_ROUTE_PREFIX: &str = "$junos-framed-route-ip-address-prefix";

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileVariable {
    pub default_value: Option<String>,
    /// RADIUS must give the value: without it the profile fails for the subscriber.
    pub mandatory: bool,
    /// `radius vendor-id V attribute A`: the Access-Accept's VSA that gives the value.
    pub radius: Option<RadiusSource>,
}

/// A vendor-specific attribute of the Access-Accept (RFC 2865 §5.26).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RadiusSource {
    pub vendor: u32,
    pub attribute: u8,
}

/// One interface template: its name (`pp0`, `si-1/0/0`, `"$junos-interface-ifd-name"`) and
/// the unit under it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileInterface {
    pub name: String,
    pub unit: String,
    /// `interface-mib` beside the unit: the subscriber's interface is an IF-MIB row.
    #[serde(default)]
    pub interface_mib: bool,
    pub keepalive_interval: Option<String>,
    /// `keepalives down-count N`: Echo-Requests left unanswered before the link is down (a
    /// number or a variable).
    #[serde(default)]
    pub keepalive_down_count: Option<String>,
    /// `no-keepalives`: the subscriber's link sends no PPP echoes.
    #[serde(default)]
    pub no_keepalives: bool,
    pub vlan_id: Option<String>,
    pub vlan_outer: Option<String>,
    pub vlan_inner: Option<String>,
    pub demux_underlying_interface: Option<String>,
    pub l2tp_interface_id: Option<String>,
    pub dedicated: bool,
    /// `ppp-options`: `authentication [ … ]` in order, else `chap` and `pap` as flagged.
    pub authentication: Vec<String>,
    /// `ppp-options mru N`: the MRU the subscriber's LCP asks for.
    #[serde(default)]
    pub mru: Option<u16>,
    /// `ppp-options ipcp-suggest-dns-option`: IPCP offers DNS servers to a client that
    /// does not ask for them.
    #[serde(default)]
    pub ipcp_suggest_dns: bool,
    /// `ppp-options mtu (N | use-lower-layer)`: the PPP MTU of the subscriber's interface.
    #[serde(default)]
    pub mtu: Option<super::device::PppoeMtu>,
    /// `ppp-options chap challenge-length minimum N maximum M`.
    #[serde(default)]
    pub chap_challenge_length: Option<(u8, u8)>,
    pub pppoe_underlying_interface: Option<String>,
    pub pppoe_server: bool,
    /// `family inet unnumbered-address IF <preferred-source-address A>`.
    pub unnumbered_address: Option<String>,
    pub preferred_source_address: Option<String>,
    pub address: Option<String>,
    /// `family inet filter input / output`, as written (`"$junos-input-filter"`).
    #[serde(default)]
    pub filters: super::firewall::InterfaceFilters,
    /// `family inet rpf-check fail-filter`: where the packets that fail the source check go.
    #[serde(default)]
    pub rpf_fail_filter: Option<String>,
    /// `family inet rpf-check mode loose`: any source the host has a route to passes.
    #[serde(default)]
    pub rpf_loose: bool,
    /// `family pppoe` of a VLAN profile's unit (auto-configure): its PPPoE subscribers.
    #[serde(default)]
    pub pppoe: Option<super::device::PppoeFamily>,
}

pub(super) fn dynamic_profiles(root: View<'_>) -> BTreeMap<String, DynamicProfile> {
    root.entries("dynamic-profiles")
        .map(|(name, p)| (name.to_string(), profile(p)))
        .collect()
}

fn profile(p: View<'_>) -> DynamicProfile {
    DynamicProfile {
        variables: p
            .entries("variables")
            .map(|(name, v)| {
                (
                    name.to_string(),
                    ProfileVariable {
                        default_value: v.string("default-value"),
                        mandatory: v.flag("mandatory"),
                        radius: radius_source(v.container("radius")),
                    },
                )
            })
            .collect(),
        routing_instance: p
            .entries("routing-instances")
            .next()
            .map(|(name, _)| name.to_string()),
        interfaces: p
            .entries("interfaces")
            .flat_map(|(name, i)| {
                let mib = i.flag("interface-mib");
                i.entries("unit").map(move |(unit, u)| ProfileInterface {
                    interface_mib: mib,
                    ..interface(name, unit, u)
                })
            })
            .collect(),
        access_routes: access_routes(p.container("routing-options"))
            .chain(
                p.entries("routing-instances")
                    .flat_map(|(_, ri)| access_routes(ri.container("routing-options"))),
            )
            .collect(),
    }
}

fn access_routes(options: View<'_>) -> impl Iterator<Item = AccessRouteTemplate> + '_ {
    options
        .container("access")
        .entries("route")
        .map(|(prefix, r)| AccessRouteTemplate {
            prefix: prefix.to_string(),
            next_hop: r.string("next-hop"),
            metric: r.string("metric"),
            preference: r.string("preference"),
            tag: r.string("tag"),
        })
}

/// The first `vendor-id` with its `attribute` (Junos takes one).
fn radius_source(radius: View<'_>) -> Option<RadiusSource> {
    radius.entries("vendor-id").find_map(|(vendor, v)| {
        Some(RadiusSource {
            vendor: vendor.parse().ok()?,
            attribute: v.uint("attribute")?,
        })
    })
}

fn interface(name: &str, unit: &str, u: View<'_>) -> ProfileInterface {
    let super::static_pppoe::PppOptions {
        authentication,
        mru,
        mtu,
        ipcp_suggest_dns,
        chap_challenge_length,
    } = super::static_pppoe::ppp_options(u.container("ppp-options"));
    let tags = u.container("vlan-tags");
    let dial = u.container("dial-options");
    let pppoe = u.container("pppoe-options");
    let inet = u.container("family").container("inet");
    ProfileInterface {
        name: name.to_string(),
        unit: unit.to_string(),
        interface_mib: false,
        keepalive_interval: u.container("keepalives").string("interval"),
        keepalive_down_count: u.container("keepalives").string("down-count"),
        no_keepalives: u.flag("no-keepalives"),
        vlan_id: u.string("vlan-id"),
        vlan_outer: tags.string("outer"),
        vlan_inner: tags.string("inner"),
        demux_underlying_interface: u.container("demux-options").string("underlying-interface"),
        l2tp_interface_id: dial.string("l2tp-interface-id"),
        dedicated: dial.flag("dedicated"),
        authentication,
        mru,
        ipcp_suggest_dns,
        mtu,
        chap_challenge_length,
        pppoe_underlying_interface: pppoe.string("underlying-interface"),
        pppoe_server: pppoe.flag("server"),
        unnumbered_address: inet
            .container("unnumbered-address")
            .string("interface-name"),
        preferred_source_address: inet
            .container("unnumbered-address")
            .string("preferred-source-address"),
        address: inet.string("address"),
        filters: super::firewall::InterfaceFilters::of(inet),
        rpf_fail_filter: inet.container("rpf-check").string("fail-filter"),
        rpf_loose: inet.container("rpf-check").container("mode").flag("loose"),
        pppoe: super::device::pppoe_family(u.container("family").container("pppoe")),
    }
}

/// What one subscriber knows, by variable (with its `$`): predefined ones from the
/// subscriber's packets and its Access-Accept, user variables from the Accept's attributes
/// their `radius` statement names. Absent values leave their variable to its
/// `default-value`, or unreplaced, which [`DynamicProfile::replace`] reports.
pub type VariableValues = BTreeMap<String, String>;

impl DynamicProfile {
    /// Whether a unit of the profile says `dial-options l2tp-interface-id id`: the dynamic
    /// LNS sessions of a LAC whose access-profile client names `id` (Juniper's dynamic LNS
    /// example pairs them).
    pub fn carries_l2tp_interface_id(&self, id: &str) -> bool {
        self.interfaces
            .iter()
            .any(|unit| unit.l2tp_interface_id.as_deref() == Some(id))
    }

    /// `template` with its variable, if it is one, replaced: from `values` (predefined
    /// variables, and user variables RADIUS gave), else a user variable's `default-value`.
    /// `Err` names the variable that has no value.
    pub fn replace(&self, template: &str, values: &VariableValues) -> Result<String, String> {
        let Some(name) = template.strip_prefix('$') else {
            return Ok(template.to_string());
        };
        if let Some(value) = values.get(template) {
            return Ok(value.clone());
        }
        self.variables
            .get(name)
            .and_then(|v| v.default_value.clone())
            .ok_or_else(|| template.to_string())
    }

    /// The first `mandatory` user variable `values` has no value for (RADIUS did not give
    /// it): Junos fails the profile, and the subscriber with it.
    pub fn missing_mandatory(&self, values: &VariableValues) -> Option<String> {
        self.variables
            .iter()
            .filter(|(_, v)| v.mandatory)
            .map(|(name, _)| format!("${name}"))
            .find(|variable| !values.contains_key(variable))
    }

    /// The unit a VLAN profile builds for an auto-sensed VLAN of `ifd`: `unit
    /// "$junos-interface-unit"` under `"$junos-interface-ifd-name"` or under `ifd` itself, or
    /// Junos' VLAN demux form, `demux0 unit "$junos-interface-unit"` whose `demux-options
    /// underlying-interface` is the port (`"$junos-interface-ifd-name"` or `ifd`).
    pub fn vlan_unit(&self, ifd: &str) -> Option<&ProfileInterface> {
        let is_port = |name: &str| name == "$junos-interface-ifd-name" || name == ifd;
        self.interfaces.iter().find(|i| {
            i.unit == "$junos-interface-unit"
                && (is_port(&i.name)
                    || (i.name == "demux0"
                        && i.demux_underlying_interface.as_deref().is_some_and(is_port)))
        })
    }

    /// The interface template for a subscriber: the first whose name `wanted` accepts
    /// (after replacement of `$junos-interface-ifd-name` by `ifd`), else none.
    pub fn interface_for(
        &self,
        ifd: &str,
        wanted: impl Fn(&str) -> bool,
    ) -> Option<&ProfileInterface> {
        self.interfaces.iter().find(|i| {
            let name = if i.name == "$junos-interface-ifd-name" {
                ifd
            } else {
                i.name.as_str()
            };
            wanted(name)
        })
    }
}
