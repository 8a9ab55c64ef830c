//! The LAC's tunnel decision when RADIUS has spoken (Junos "RADIUS overrides", the product
//! document's tunnel characteristics): the profile comes from the Tunnel-Group VSA [26-64]
//! when the Access-Accept names one, else from the domain map; RFC 2868 attributes tagged
//! 1–31 then override `tunnel N` of that profile attribute by attribute (tag N merges into
//! tunnel N), or, with no profile, describe the tunnels entirely. Tunnel selection then
//! chooses among the result as it does among a configured profile's tunnels.
//!
//! Pure: the configuration and the Accept's tunnel attributes in, a profile out.

use std::net::Ipv4Addr;

use schema::typed::{
    Gateway, ProfileTunnel, RouterConfig, Secret, TunnelMedium, TunnelProfile, TunnelType,
};

use crate::aaa::radius::{RadiusTunnel, TunnelAttributes};

/// RFC 2868 Tunnel-Type L2TP, and Tunnel-Medium-Type IPv4.
const TUNNEL_TYPE_L2TP: u32 = 3;
const MEDIUM_IPV4: u32 = 1;
/// A tunnel RADIUS adds without a preference is the least preferred, as a configured one
/// without `preference` is.
const DEFAULT_PREFERENCE: u32 = 2000;
/// The name shows and logs give a profile RADIUS made up alone (no Tunnel-Group, no map).
pub const RADIUS_PROFILE: &str = "radius";

/// Where the tunnels of a subscriber came from (`show network-access aaa subscribers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TunnelSource {
    /// The domain map's tunnel profile, unchanged.
    DomainMap,
    /// The profile the Tunnel-Group VSA named, unchanged.
    TunnelGroup,
    /// A profile (or none) with RADIUS tunnel attributes merged in.
    Attributes,
}

impl TunnelSource {
    pub fn key(self) -> &'static str {
        match self {
            TunnelSource::DomainMap => "domain-map",
            TunnelSource::TunnelGroup => "radius-tunnel-group",
            TunnelSource::Attributes => "radius-tunnel-attributes",
        }
    }
}

/// The profile a tunnelled subscriber uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TunnelChoice {
    /// The configured profile it is based on, or [`RADIUS_PROFILE`].
    pub name: String,
    pub profile: TunnelProfile,
    pub source: TunnelSource,
}

/// Why RADIUS's answer gave no tunnel although it asked for one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TunnelRefusal {
    /// The Tunnel-Group VSA names a profile that is not configured.
    UnknownTunnelGroup(String),
    /// Tunnel attributes came, but no tunnel has a server endpoint to dial.
    NoServerEndpoint,
}

/// Decides the tunnels of a subscriber whose Access-Accept carried `attributes`;
/// `map_profile` is the domain map's `tunnel-profile`. `Ok(None)`: neither RADIUS nor the map
/// tunnels it (it is terminated here). `ignored` collects what could not be used, with why.
pub fn decide(
    config: &RouterConfig,
    map_profile: Option<&str>,
    attributes: &TunnelAttributes,
    ignored: &mut Vec<String>,
) -> Result<Option<TunnelChoice>, TunnelRefusal> {
    let (base, source) = match attributes.tunnel_group.as_deref() {
        Some(group) => match config.tunnel_profiles.get(group) {
            Some(profile) => (Some((group, profile)), TunnelSource::TunnelGroup),
            None => return Err(TunnelRefusal::UnknownTunnelGroup(group.to_string())),
        },
        None => match map_profile.and_then(|m| config.tunnel_profiles.get_key_value(m)) {
            Some((name, profile)) => (Some((name.as_str(), profile)), TunnelSource::DomainMap),
            None => (None, TunnelSource::Attributes),
        },
    };
    if attributes.tunnels.is_empty() {
        return Ok(base.map(|(name, profile)| TunnelChoice {
            name: name.to_string(),
            profile: profile.clone(),
            source,
        }));
    }
    let mut profile = base.map_or_else(
        || TunnelProfile {
            tunnels: Default::default(),
        },
        |(_, p)| p.clone(),
    );
    for tunnel in &attributes.tunnels {
        merge(&mut profile, tunnel, ignored);
    }
    // A tunnel RADIUS made up without an LNS to dial cannot be selected; one merged into a
    // configured tunnel keeps the configured endpoint.
    profile.tunnels.retain(|number, t| {
        let usable = t.remote_gateway.address.is_some();
        if !usable {
            ignored.push(format!("tunnel {number}: no server endpoint"));
        }
        usable
    });
    if profile.tunnels.is_empty() {
        return Err(TunnelRefusal::NoServerEndpoint);
    }
    Ok(Some(TunnelChoice {
        name: base.map_or(RADIUS_PROFILE, |(name, _)| name).to_string(),
        profile,
        source: TunnelSource::Attributes,
    }))
}

/// Tag N of the Accept into `tunnel N`, attribute by attribute.
fn merge(profile: &mut TunnelProfile, radius: &RadiusTunnel, ignored: &mut Vec<String>) {
    let tag = radius.tag;
    if radius.tunnel_type.is_some_and(|t| t != TUNNEL_TYPE_L2TP) {
        ignored.push(format!("tag {tag}: Tunnel-Type is not L2TP"));
        return;
    }
    if radius.medium_type.is_some_and(|m| m != MEDIUM_IPV4) {
        ignored.push(format!("tag {tag}: Tunnel-Medium-Type is not IPv4"));
        return;
    }
    let tunnel = profile
        .tunnels
        .entry(tag)
        .or_insert_with(|| Box::new(new_tunnel()));
    if let Some(endpoint) = &radius.server_endpoint {
        match endpoint_address(endpoint) {
            Some(address) => tunnel.remote_gateway.address = Some(address),
            None => ignored.push(format!(
                "tag {tag}: Tunnel-Server-Endpoint {endpoint:?} is not an IPv4 address"
            )),
        }
    }
    if let Some(endpoint) = &radius.client_endpoint {
        match endpoint_address(endpoint) {
            Some(address) => tunnel.source_gateway.address = Some(address),
            None => ignored.push(format!(
                "tag {tag}: Tunnel-Client-Endpoint {endpoint:?} is not an IPv4 address"
            )),
        }
    }
    if let Some(password) = &radius.password {
        tunnel.secret = Some(Secret::new(password.clone()));
    }
    if let Some(id) = &radius.assignment_id {
        tunnel.identification = Some(id.clone());
    }
    if let Some(preference) = radius.preference {
        tunnel.preference = preference;
    }
    if let Some(name) = &radius.client_auth_id {
        tunnel.source_gateway.gateway_name = Some(name.clone());
    }
    if let Some(name) = &radius.server_auth_id {
        tunnel.remote_gateway.gateway_name = Some(name.clone());
    }
    if let Some(max) = radius.max_sessions {
        tunnel.max_sessions = Some(max);
    }
    if let Some(instance) = &radius.routing_instance {
        tunnel.routing_instance = Some(instance.clone());
    }
}

fn new_tunnel() -> ProfileTunnel {
    ProfileTunnel {
        identification: None,
        logical_system: None,
        max_sessions: None,
        medium: TunnelMedium::Ipv4,
        preference: DEFAULT_PREFERENCE,
        remote_gateway: Gateway::default(),
        routing_instance: None,
        secret: None,
        source_gateway: Gateway::default(),
        tunnel_type: TunnelType::L2tp,
    }
}

/// RFC 2868 §3.3: an endpoint is a dotted-decimal address for IPv4 (FQDNs are allowed there;
/// we resolve none: the tunnel is then not usable from that attribute).
fn endpoint_address(endpoint: &str) -> Option<Ipv4Addr> {
    endpoint.trim().parse().ok()
}

#[cfg(test)]
#[path = "radius_tunnels_tests.rs"]
mod tests;
