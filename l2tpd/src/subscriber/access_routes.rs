//! A subscriber's access routes, from its dynamic profile's `routing-options access route`
//! stanzas: `route "$junos-framed-route-ip-address-prefix"` stands for each Framed-Route
//! (RFC 2865 §5.22) of the Access-Accept, its `next-hop`, `metric`, `preference` and `tag`
//! taken from the stanza, variables filled from that Framed-Route; a route with a literal
//! prefix (or a user variable) is installed as written, once.
//!
//! A subscriber whose profile has no `access` stanza gets none of its Framed-Routes:
//! Juniper installs Framed-Routes through that stanza only ("Access and Access-Internal
//! Routes for Subscriber Management": "To configure access routes include the access stanza
//! at the [edit dynamic-profiles profile-name routing-options] hierarchy level"). Each route
//! left out is listed with why (`show subscribers detail`, RADIUS Attribute Not Used). A
//! subscriber with no dynamic profile at all has its Framed-Routes installed directly
//! (`framed_routes`), as before profiles existed here.
//!
//! Every route leads to the subscriber's own session: it is the one next hop a subscriber
//! interface has. The next hop written is kept for the view.

use std::net::Ipv4Addr;

use schema::typed::{DynamicProfile, VariableValues, FRAMED_ROUTE_PREFIX};

use crate::aaa::radius::FramedRoute;
use crate::io::prefix_table::Prefix;

/// Junos' preference of an access route ("An access route … is set to a preference of 13").
pub const ACCESS_PREFERENCE: u32 = 13;

/// The Framed-Route parts a stanza names; RADIUS gives no distance in Framed-Route's
/// text, so `"$junos-framed-route-distance"` leaves the preference at its default.
const FRAMED_VARIABLES: [&str; 4] = [
    FRAMED_ROUTE_PREFIX,
    "$junos-framed-route-nexthop",
    "$junos-framed-route-cost",
    "$junos-framed-route-distance",
];

/// One route installed for a subscriber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessRoute {
    pub prefix: Prefix,
    /// The next hop written (or the Framed-Route's gateway); `None`: the subscriber itself.
    pub next_hop: Option<Ipv4Addr>,
    pub metric: Option<u32>,
    pub preference: u32,
    pub tag: Option<u32>,
}

impl AccessRoute {
    /// A Framed-Route installed without a profile: Junos' access-route defaults.
    pub fn from_framed(route: &FramedRoute) -> AccessRoute {
        AccessRoute {
            prefix: route.prefix,
            next_hop: route.gateway,
            metric: route.metric,
            preference: ACCESS_PREFERENCE,
            tag: None,
        }
    }
}

/// What the profile installs, and what it leaves out with why.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Instantiated {
    pub routes: Vec<AccessRoute>,
    pub not_used: Vec<String>,
}

/// `profile`'s access routes for a subscriber: `values` are its variables (`dynamic_profile`),
/// `framed` the Framed-Routes RADIUS gave.
pub fn instantiate(
    name: &str,
    profile: &DynamicProfile,
    values: &VariableValues,
    framed: &[FramedRoute],
) -> Instantiated {
    let mut out = Instantiated::default();
    let mut framed_used = false;
    for template in &profile.access_routes {
        if template.prefix == FRAMED_ROUTE_PREFIX {
            framed_used = true;
            for route in framed {
                let mut values = values.clone();
                for variable in FRAMED_VARIABLES {
                    values.remove(variable);
                }
                values.insert(FRAMED_ROUTE_PREFIX.into(), route.prefix.to_string());
                if let Some(gateway) = route.gateway {
                    values.insert("$junos-framed-route-nexthop".into(), gateway.to_string());
                }
                if let Some(metric) = route.metric {
                    values.insert("$junos-framed-route-cost".into(), metric.to_string());
                }
                match one(profile, template, &values) {
                    Ok(route) => out.routes.push(route),
                    Err(why) => out.not_used.push(format!(
                        "Framed-Route {}: dynamic profile {name}: {why}",
                        route.prefix
                    )),
                }
            }
        } else {
            match one(profile, template, values) {
                Ok(route) => out.routes.push(route),
                Err(why) => out.not_used.push(format!(
                    "dynamic profile {name}: access route {}: {why}",
                    template.prefix
                )),
            }
        }
    }
    if !framed_used {
        for route in framed {
            out.not_used.push(format!(
                "Framed-Route {}: dynamic profile {name} has no routing-options access route \"{FRAMED_ROUTE_PREFIX}\"",
                route.prefix
            ));
        }
    }
    out
}

/// One stanza, variables replaced. A Framed-Route part RADIUS did not give leaves its
/// statement at Junos' default (no metric, preference 13, no tag, the subscriber as next
/// hop); any other variable without a value, or a value of the wrong kind, is an error.
fn one(
    profile: &DynamicProfile,
    template: &schema::typed::AccessRouteTemplate,
    values: &VariableValues,
) -> Result<AccessRoute, String> {
    let value = |written: &Option<String>| -> Result<Option<String>, String> {
        let Some(written) = written else {
            return Ok(None);
        };
        match profile.replace(written, values) {
            Ok(value) => Ok(Some(value)),
            Err(_) if FRAMED_VARIABLES.contains(&written.as_str()) => Ok(None),
            Err(variable) => Err(format!("{variable} has no value for this subscriber")),
        }
    };
    let number = |what: &str, written: &Option<String>| -> Result<Option<u32>, String> {
        value(written)?
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("{what} '{v}' is not a number"))
            })
            .transpose()
    };
    let prefix = profile
        .replace(&template.prefix, values)
        .map_err(|variable| format!("{variable} has no value for this subscriber"))?;
    let prefix =
        parse_prefix(&prefix).ok_or_else(|| format!("'{prefix}' is not an IPv4 prefix"))?;
    // An interface name (`"$junos-interface-name"`) or 0.0.0.0 is the subscriber itself.
    let next_hop = value(&template.next_hop)?
        .and_then(|v| v.parse::<Ipv4Addr>().ok())
        .filter(|a| !a.is_unspecified());
    Ok(AccessRoute {
        prefix,
        next_hop,
        metric: number("metric", &template.metric)?,
        preference: number("preference", &template.preference)?.unwrap_or(ACCESS_PREFERENCE),
        tag: number("tag", &template.tag)?,
    })
}

/// `A.B.C.D/N`, or `A.B.C.D` for a host route; host bits beyond the length are refused, as
/// Junos refuses them in a route's destination.
fn parse_prefix(text: &str) -> Option<Prefix> {
    let (address, length) = match text.split_once('/') {
        Some((a, l)) => (a, l.parse().ok()?),
        None => (text, 32),
    };
    let address: Ipv4Addr = address.parse().ok()?;
    Prefix::new(address, length).filter(|p| p.network() == address)
}

#[cfg(test)]
#[path = "access_routes_tests.rs"]
mod tests;
