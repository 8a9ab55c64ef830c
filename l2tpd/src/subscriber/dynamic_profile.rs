//! A subscriber's interface built from its dynamic profile (Junos: every PPPoE and LNS
//! subscriber interface of a BNG is instantiated from one). The profile is chosen where
//! Junos chooses it — the PPPoE unit's `family pppoe dynamic-profile`; at the LNS the
//! subscriber's domain map's `dynamic-profile`, else its tunnel group's — and its variables
//! are replaced with what the subscriber layer knows of the subscriber.
//!
//! It is built twice, as Junos builds it in two steps: when the session arrives (the link:
//! its interface name, PPP keepalive interval, authentication protocols offered, MRU and
//! MTU), and once
//! the subscriber has authenticated, with what the Access-Accept gave (the network: the
//! routing instance, the router's own IPCP address, user variables RADIUS supplies, and
//! `mandatory` variables, without which the subscriber is refused).
//!
//! The interface is the profile's: `pp0` (PPPoE) or the tunnel group's service interface
//! `"$junos-interface-ifd-name"` stands for (LNS), with the dynamic unit the router
//! allocates for `"$junos-interface-unit"` (`registry::interface::unit`).

use std::net::Ipv4Addr;
use std::time::Duration;

use schema::typed::{
    donor_address, DynamicProfile, PppoeMtu, ProfileInterface, RadiusIgnore, RouterConfig,
    VariableValues, LOOPBACK_INTERFACE,
};

use super::table::AaaGrant;
use crate::ppp::wire::options::AuthProtocol;

/// What the subscriber layer knows of a subscriber when its interface is built.
#[derive(Debug, Clone, Default)]
pub struct SubscriberFacts<'a> {
    /// `pp0`, `si-1/0/0`.
    pub ifd: &'a str,
    pub unit: u32,
    /// The PPPoE unit it arrived on (`ge-1/0/0.100`).
    pub underlying: Option<&'a str>,
    /// VLAN IDs, outermost first.
    pub vlans: &'a [u16],
    /// The routing instance it would come up in without the profile; `None` is `default`.
    pub routing_instance: Option<&'a str>,
    pub address: Option<Ipv4Addr>,
    /// What the Access-Accept granted: `None` before authentication (the link step), or
    /// when no RADIUS server decided.
    pub grant: Option<&'a AaaGrant>,
    /// The network step: the subscriber has authenticated, `mandatory` variables apply.
    pub authenticated: bool,
    /// The access profile's `radius attributes ignore`: filter names from the Accept that
    /// are not to be used.
    pub ignore: RadiusIgnore,
}

/// The profile's contribution to one subscriber, variables replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub profile: String,
    /// The subscriber's logical interface as the profile names it (`pp0.3221225473`).
    pub interface: String,
    /// A routing instance other than the one the subscriber would have had.
    pub routing_instance: Option<String>,
    pub keepalive: Option<Duration>,
    /// `keepalives down-count`: Echo-Requests left unanswered before the link is down;
    /// `None`: the layer's default (Junos' 3).
    pub keepalive_failures: Option<u32>,
    /// `None`: the profile does not say; the layer's default order stands.
    pub authentication: Option<Vec<AuthProtocol>>,
    /// `ppp-options mru`: the MRU the subscriber's LCP asks for (`ppp_sizes::own_mru`).
    pub mru: Option<u16>,
    /// `ppp-options mtu`: the interface's MTU (`ppp_sizes::interface_mtu`).
    pub mtu: Option<PppoeMtu>,
    /// `ppp-options ipcp-suggest-dns-option`.
    pub ipcp_suggest_dns: bool,
    /// `ppp-options chap challenge-length minimum N maximum M` (`chap_challenge`).
    pub chap_challenge_length: Option<(u8, u8)>,
    /// The router's own IPCP address: the unnumbered donor's (`family inet
    /// unnumbered-address`), or the profile's `family inet address`; `None`: the pool's
    /// gateway stands.
    pub local_address: Option<Ipv4Addr>,
    /// A static unit's `unnumbered-address ... destination`: the subscriber's IPCP address
    /// unless RADIUS or its client entry names one (a profile gives none).
    pub peer_address: Option<Ipv4Addr>,
    /// `family inet filter input / output`, once authenticated.
    pub filters: FilterNames,
    /// `interface-mib` beside the unit: the subscriber's interface is an IF-MIB row.
    pub interface_mib: bool,
}

/// The names of a subscriber's input and output filters, and of its `rpf-check
/// fail-filter`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterNames {
    pub input: Option<String>,
    pub output: Option<String>,
    pub rpf_fail: Option<String>,
    /// `rpf-check mode loose`: a source not the subscriber's is not dropped here; the
    /// kernel's loose reverse-path check on the service interface judges it.
    pub rpf_loose: bool,
}

impl FilterNames {
    /// No filter named (whether the check is loose is not a filter).
    pub fn is_empty(&self) -> bool {
        self.input.is_none() && self.output.is_none() && self.rpf_fail.is_none()
    }
}

/// Juniper's VSAs Ingress-Policy-Name and Egress-Policy-Name (26-4874-10 and -11): the
/// values of `"$junos-input-filter"` and `"$junos-output-filter"`.
const ERX_VENDOR: u32 = 4874;
const INGRESS_POLICY_NAME: u8 = 10;
const EGRESS_POLICY_NAME: u8 = 11;

const DEFAULT_INSTANCE: &str = "default";

/// A vendor attribute's value as a variable takes it: its text, or for a 4-octet value
/// that is not printable text, the integer (Junos' integer VSAs).
pub fn vsa_text(value: &[u8]) -> Option<String> {
    match std::str::from_utf8(value) {
        Ok(text) if !text.is_empty() && !text.chars().any(char::is_control) => {
            Some(text.to_string())
        }
        _ => {
            let octets: [u8; 4] = value.try_into().ok()?;
            Some(u32::from_be_bytes(octets).to_string())
        }
    }
}

pub(super) fn values(profile: &DynamicProfile, facts: &SubscriberFacts<'_>) -> VariableValues {
    let mut values = VariableValues::new();
    let mut set = |name: &str, value: String| {
        values.insert(name.to_string(), value);
    };
    let unit = facts.unit.to_string();
    set("$junos-interface-name", format!("{}.{unit}", facts.ifd));
    set("$junos-interface-unit", unit);
    set("$junos-interface-ifd-name", facts.ifd.to_string());
    set("$junos-loopback-interface", LOOPBACK_INTERFACE.to_string());
    let grant = facts.grant;
    // Junos: ERX-Virtual-Router-Name (26-4874-1) is `$junos-routing-instance`.
    let instance = grant
        .and_then(|g| g.virtual_router.as_deref())
        .or(facts.routing_instance)
        .unwrap_or(DEFAULT_INSTANCE);
    set("$junos-routing-instance", instance.to_string());
    if let Some(underlying) = facts.underlying {
        set("$junos-underlying-interface", underlying.to_string());
    }
    // Junos: `$junos-vlan-id` is the inner tag under QinQ, `$junos-stacked-vlan-id` the outer.
    match facts.vlans {
        [outer, inner] => {
            set("$junos-stacked-vlan-id", outer.to_string());
            set("$junos-vlan-id", inner.to_string());
        }
        [single] => set("$junos-vlan-id", single.to_string()),
        _ => {}
    }
    // Framed-IP-Address (8) over the address the pools would give.
    let subscriber_address = grant.and_then(|g| g.framed_address).or(facts.address);
    if let Some(address) = subscriber_address {
        set("$junos-subscriber-ip-address", address.to_string());
    }
    // Framed-Route (22): the first route's parts, for a statement elsewhere in the profile
    // (`access_routes` gives each `routing-options access route` stanza each route's own).
    // A gateway of 0.0.0.0 is the subscriber itself (RFC 2865 §5.22).
    if let Some(route) = grant.and_then(|g| g.framed_routes.first()) {
        set(
            "$junos-framed-route-ip-address-prefix",
            route.prefix.to_string(),
        );
        if let Some(next_hop) = route.gateway.or(subscriber_address) {
            set("$junos-framed-route-nexthop", next_hop.to_string());
        }
        if let Some(metric) = route.metric {
            set("$junos-framed-route-cost", metric.to_string());
        }
    }
    let vsa = |attribute: u8| {
        grant.and_then(|g| {
            g.vendor_values
                .iter()
                .find(|(v, a, _)| *v == ERX_VENDOR && *a == attribute)
                .map(|(_, _, value)| value.clone())
        })
    };
    // Junos: `radius attributes ignore input-filter` leaves the variable without a value,
    // as if RADIUS had not named one.
    if let Some(name) = vsa(INGRESS_POLICY_NAME).filter(|_| !facts.ignore.input_filter) {
        set("$junos-input-filter", name);
    }
    if let Some(name) = vsa(EGRESS_POLICY_NAME).filter(|_| !facts.ignore.output_filter) {
        set("$junos-output-filter", name);
    }
    // User variables a `radius vendor-id V attribute A` statement ties to the Accept.
    for (name, variable) in &profile.variables {
        let Some(source) = variable.radius else {
            continue;
        };
        let value = grant.and_then(|g| {
            g.vendor_values
                .iter()
                .find(|(vendor, attribute, _)| {
                    *vendor == source.vendor && *attribute == source.attribute
                })
                .map(|(_, _, value)| value.clone())
        });
        if let Some(value) = value {
            set(&format!("${name}"), value);
        }
    }
    values
}

/// The profile's interface template for this subscriber: one named as its device (`pp0`,
/// the tunnel group's `si-…`) or `"$junos-interface-ifd-name"`; for an LNS subscriber also
/// any `si-` one (the unit is anchored on the group's service interface whatever the
/// profile names).
fn template<'p>(
    profile: &'p DynamicProfile,
    facts: &SubscriberFacts<'_>,
) -> Option<&'p ProfileInterface> {
    profile
        .interface_for(facts.ifd, |name| name == facts.ifd)
        .or_else(|| {
            let lns = facts.ifd.starts_with("si-");
            profile.interface_for(facts.ifd, |name| lns && name.starts_with("si-"))
        })
}

/// Why a profile could not be built for a subscriber.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    pub text: String,
    /// A `mandatory` variable RADIUS did not give: Junos fails the subscriber's login.
    pub refuses: bool,
}

impl std::fmt::Display for ProfileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

fn error(text: String) -> ProfileError {
    ProfileError {
        text,
        refuses: false,
    }
}

/// Builds `name`'s contribution for a subscriber. `Err` says why: the profile is gone, a
/// variable has no value for this subscriber (`$junos-vlan-id` on an untagged unit) — the
/// caller logs it and the subscriber goes on as without the profile, as a commit cannot
/// know every subscriber's facts — or, once authenticated, a `mandatory` variable has no
/// value from RADIUS, which refuses the subscriber.
pub fn instantiate(
    config: &RouterConfig,
    name: &str,
    facts: &SubscriberFacts<'_>,
) -> Result<Instance, ProfileError> {
    let profile = config
        .dynamic_profiles
        .get(name)
        .ok_or_else(|| error(format!("dynamic profile {name} is not configured")))?;
    let values = values(profile, facts);
    if facts.authenticated {
        if let Some(variable) = profile.missing_mandatory(&values) {
            return Err(ProfileError {
                text: format!(
                    "dynamic profile {name}: mandatory variable {variable} has no value from RADIUS"
                ),
                refuses: true,
            });
        }
    }
    let replace = |template: &str| {
        profile.replace(template, &values).map_err(|variable| {
            error(format!(
                "dynamic profile {name}: {variable} has no value for this subscriber"
            ))
        })
    };
    let routing_instance = match &profile.routing_instance {
        // Before authentication a value RADIUS is to give may be missing yet.
        Some(template) if !facts.authenticated && replace(template).is_err() => None,
        Some(template) => {
            let instance = replace(template)?;
            if instance != DEFAULT_INSTANCE && !config.routing_instances.contains_key(&instance) {
                return Err(error(format!(
                    "dynamic profile {name}: routing instance {instance} is not configured"
                )));
            }
            (instance != facts.routing_instance.unwrap_or(DEFAULT_INSTANCE)).then_some(instance)
        }
        None => None,
    };
    let mut instance = Instance {
        profile: name.to_string(),
        interface: format!("{}.{}", facts.ifd, facts.unit),
        routing_instance,
        keepalive: None,
        keepalive_failures: None,
        authentication: None,
        mru: None,
        mtu: None,
        ipcp_suggest_dns: false,
        chap_challenge_length: None,
        local_address: None,
        peer_address: None,
        filters: FilterNames::default(),
        interface_mib: false,
    };
    let Some(unit) = template(profile, facts) else {
        return Ok(instance);
    };
    // The profile names the interface: `pp0`, or the ifd `"$junos-interface-ifd-name"`
    // stands for; the unit is always the subscriber's own dynamic unit.
    instance.interface = format!("{}.{}", replace(&unit.name)?, facts.unit);
    // `no-keepalives` (commit keeps it apart from `keepalives`): an interval of 0 is off.
    if unit.no_keepalives {
        instance.keepalive = Some(Duration::ZERO);
    }
    if let Some(interval) = &unit.keepalive_interval {
        let seconds: u64 = replace(interval)?.parse().map_err(|_| {
            error(format!(
                "dynamic profile {name}: keepalives interval '{interval}' is not a number"
            ))
        })?;
        instance.keepalive = Some(Duration::from_secs(seconds));
    }
    if let Some(count) = &unit.keepalive_down_count {
        let replaced = replace(count)?;
        let failures = replaced
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=255).contains(n));
        instance.keepalive_failures = Some(failures.ok_or_else(|| {
            error(format!(
                "dynamic profile {name}: keepalives down-count '{replaced}' is not a number \
                 from 1 to 255"
            ))
        })?);
    }
    instance.mru = unit.mru;
    instance.mtu = unit.mtu;
    instance.ipcp_suggest_dns = unit.ipcp_suggest_dns;
    instance.chap_challenge_length = unit.chap_challenge_length;
    instance.interface_mib = unit.interface_mib;
    if !unit.authentication.is_empty() {
        instance.authentication = Some(
            unit.authentication
                .iter()
                .filter_map(|p| match p.as_str() {
                    "chap" => Some(AuthProtocol::ChapMd5),
                    "pap" => Some(AuthProtocol::Pap),
                    _ => None,
                })
                .collect(),
        );
    }
    if facts.authenticated {
        instance.local_address = local_address(config, name, unit, &replace)?;
        // Junos: a filter variable with no value drops the statement: no filter, no error.
        let filter = |template: &Option<String>| template.as_ref().and_then(|t| replace(t).ok());
        instance.filters = FilterNames {
            input: filter(&unit.filters.input),
            output: filter(&unit.filters.output),
            rpf_fail: unit.rpf_fail_filter.clone(),
            rpf_loose: unit.rpf_loose,
        };
    }
    Ok(instance)
}

/// The router's own address on the subscriber's link: the unnumbered interface's donor
/// address (its `preferred-source-address`, else its primary one), else `family inet
/// address` (`A` or `A/len`).
fn local_address(
    config: &RouterConfig,
    name: &str,
    unit: &ProfileInterface,
    replace: &impl Fn(&str) -> Result<String, ProfileError>,
) -> Result<Option<Ipv4Addr>, ProfileError> {
    if let Some(donor) = &unit.unnumbered_address {
        let donor = replace(donor)?;
        let preferred = match &unit.preferred_source_address {
            Some(template) => Some(replace(template)?.parse().map_err(|_| {
                error(format!(
                    "dynamic profile {name}: preferred-source-address '{template}' is not an IPv4 address"
                ))
            })?),
            None => None,
        };
        return donor_address(&config.interfaces, &donor, preferred)
            .map(Some)
            .map_err(|why| error(format!("dynamic profile {name}: {why}")));
    }
    let Some(template) = &unit.address else {
        return Ok(None);
    };
    // The subscriber's own address is the far end's, which IPCP gives the subscriber
    // (Framed-IP-Address already does): our end stays the pool's gateway.
    if template == "$junos-subscriber-ip-address" {
        return Ok(None);
    }
    let written = replace(template)?;
    let host = written.split_once('/').map_or(written.as_str(), |(a, _)| a);
    host.parse().map(Some).map_err(|_| {
        error(format!(
            "dynamic profile {name}: family inet address '{written}' is not an IPv4 address"
        ))
    })
}

#[cfg(test)]
#[path = "dynamic_profile_tests.rs"]
mod tests;
