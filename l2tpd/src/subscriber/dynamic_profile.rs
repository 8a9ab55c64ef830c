//! A subscriber's interface built from its dynamic profile (Junos: every PPPoE and LNS
//! subscriber interface of a BNG is instantiated from one). The profile is chosen where
//! Junos chooses it — the PPPoE unit's `family pppoe dynamic-profile`; at the LNS the
//! subscriber's domain map's `dynamic-profile`, else its tunnel group's — and its predefined
//! variables are replaced with what the subscriber layer knows of the subscriber.
//!
//! What the profile decides here: the routing instance (a literal `routing-instances RI`),
//! the PPP keepalive interval (`keepalives interval`) and the authentication protocols
//! offered (`ppp-options`). The interface's name stays the router's (`pp0.UNIT`,
//! `si-…​.UNIT`): Junos too allocates the unit that `"$junos-interface-unit"` stands for.

use std::net::Ipv4Addr;
use std::time::Duration;

use schema::typed::{DynamicProfile, ProfileInterface, RouterConfig, VariableValues};

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
}

/// The profile's contribution to one subscriber, variables replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub profile: String,
    /// A routing instance other than the one the subscriber would have had.
    pub routing_instance: Option<String>,
    pub keepalive: Option<Duration>,
    /// `None`: the profile does not say; the layer's default order stands.
    pub authentication: Option<Vec<AuthProtocol>>,
}

/// The loopback `"$junos-loopback-interface"` stands for: the router's lo0, unit 0.
const LOOPBACK: &str = "lo0.0";
const DEFAULT_INSTANCE: &str = "default";

fn values(facts: &SubscriberFacts<'_>) -> VariableValues {
    let mut values = VariableValues::new();
    let unit = facts.unit.to_string();
    values.insert("$junos-interface-name", format!("{}.{unit}", facts.ifd));
    values.insert("$junos-interface-unit", unit);
    values.insert("$junos-interface-ifd-name", facts.ifd.to_string());
    values.insert("$junos-loopback-interface", LOOPBACK.to_string());
    values.insert(
        "$junos-routing-instance",
        facts
            .routing_instance
            .unwrap_or(DEFAULT_INSTANCE)
            .to_string(),
    );
    if let Some(underlying) = facts.underlying {
        values.insert("$junos-underlying-interface", underlying.to_string());
    }
    // Junos: `$junos-vlan-id` is the inner tag under QinQ, `$junos-stacked-vlan-id` the outer.
    match facts.vlans {
        [outer, inner] => {
            values.insert("$junos-stacked-vlan-id", outer.to_string());
            values.insert("$junos-vlan-id", inner.to_string());
        }
        [single] => {
            values.insert("$junos-vlan-id", single.to_string());
        }
        _ => {}
    }
    if let Some(address) = facts.address {
        values.insert("$junos-subscriber-ip-address", address.to_string());
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

/// Builds `name`'s contribution for a subscriber. `Err` says why (the profile is gone, or a
/// variable has no value for this subscriber: `$junos-vlan-id` on an untagged unit); the
/// caller logs it and the subscriber comes up as without a profile, as a commit cannot know
/// every subscriber's facts.
pub fn instantiate(
    config: &RouterConfig,
    name: &str,
    facts: &SubscriberFacts<'_>,
) -> Result<Instance, String> {
    let profile = config
        .dynamic_profiles
        .get(name)
        .ok_or_else(|| format!("dynamic profile {name} is not configured"))?;
    let values = values(facts);
    let replace = |template: &str| {
        profile.replace(template, &values).map_err(|variable| {
            format!("dynamic profile {name}: {variable} has no value for this subscriber")
        })
    };
    let routing_instance = match &profile.routing_instance {
        Some(template) => {
            let instance = replace(template)?;
            if instance != DEFAULT_INSTANCE && !config.routing_instances.contains_key(&instance) {
                return Err(format!(
                    "dynamic profile {name}: routing instance {instance} is not configured"
                ));
            }
            (instance != facts.routing_instance.unwrap_or(DEFAULT_INSTANCE)).then_some(instance)
        }
        None => None,
    };
    let mut instance = Instance {
        profile: name.to_string(),
        routing_instance,
        keepalive: None,
        authentication: None,
    };
    let Some(unit) = template(profile, facts) else {
        return Ok(instance);
    };
    if let Some(interval) = &unit.keepalive_interval {
        let seconds: u64 = replace(interval)?.parse().map_err(|_| {
            format!("dynamic profile {name}: keepalives interval '{interval}' is not a number")
        })?;
        instance.keepalive = Some(Duration::from_secs(seconds));
    }
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
    Ok(instance)
}

#[cfg(test)]
#[path = "dynamic_profile_tests.rs"]
mod tests;
