//! What an Access-Accept says about tunnels: RFC 2868 attributes and the ERX VSAs grouped by
//! tag (1–31, as Junos merges them), for the LAC's tunnel decision.

use std::collections::BTreeMap;

use super::attribute::{AttrKind, Attribute, MAX_TAG};
use super::dictionary::{attr, erx};
use super::packet::Packet;
use super::password::decrypt_tunnel_password;

/// One tagged tunnel as RADIUS describes it; what is `None` comes from the profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RadiusTunnel {
    pub tag: u8,
    pub tunnel_type: Option<u32>,
    pub medium_type: Option<u32>,
    pub client_endpoint: Option<String>,
    pub server_endpoint: Option<String>,
    pub password: Option<Vec<u8>>,
    pub assignment_id: Option<String>,
    pub preference: Option<u32>,
    pub client_auth_id: Option<String>,
    pub server_auth_id: Option<String>,
    pub max_sessions: Option<u32>,
    pub routing_instance: Option<String>,
    pub receive_window: Option<u16>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TunnelAttributes {
    /// ERX-Tunnel-Group (26-64): a tunnel-profile name.
    pub tunnel_group: Option<String>,
    /// By tag, 1..=31, each tag that carried at least one usable attribute.
    pub tunnels: Vec<RadiusTunnel>,
    /// Attributes not used, each with why (tag 0 / out of range, undecryptable password, bad
    /// length): counted and shown.
    pub ignored: Vec<(AttrKind, &'static str)>,
}

pub const UNTAGGED: &str = "untagged (tag 0): Junos merges tags 1-31 only";
pub const TAG_OUT_OF_RANGE: &str = "tag above 31";
pub const BAD_LENGTH: &str = "bad length for a tagged integer (6 expected)";
pub const NOT_UTF8: &str = "not UTF-8 text";
pub const UNDECRYPTABLE: &str = "Tunnel-Password does not decrypt";
pub const OUT_OF_RANGE: &str = "value out of range";

enum Field {
    TunnelType,
    MediumType,
    Preference,
    MaxSessions,
    ReceiveWindow,
    ClientEndpoint,
    ServerEndpoint,
    AssignmentId,
    ClientAuthId,
    ServerAuthId,
    RoutingInstance,
    Password,
}

fn field_of(kind: AttrKind) -> Option<Field> {
    Some(match kind {
        AttrKind::Standard(attr::TUNNEL_TYPE) => Field::TunnelType,
        AttrKind::Standard(attr::TUNNEL_MEDIUM_TYPE) => Field::MediumType,
        AttrKind::Standard(attr::TUNNEL_PREFERENCE) => Field::Preference,
        AttrKind::Standard(attr::TUNNEL_CLIENT_ENDPOINT) => Field::ClientEndpoint,
        AttrKind::Standard(attr::TUNNEL_SERVER_ENDPOINT) => Field::ServerEndpoint,
        AttrKind::Standard(attr::TUNNEL_ASSIGNMENT_ID) => Field::AssignmentId,
        AttrKind::Standard(attr::TUNNEL_CLIENT_AUTH_ID) => Field::ClientAuthId,
        AttrKind::Standard(attr::TUNNEL_SERVER_AUTH_ID) => Field::ServerAuthId,
        AttrKind::Standard(attr::TUNNEL_PASSWORD) => Field::Password,
        AttrKind::Vendor {
            vendor: erx::VENDOR,
            kind,
        } => match kind {
            erx::TUNNEL_VIRTUAL_ROUTER => Field::RoutingInstance,
            erx::TUNNEL_PASSWORD => Field::Password,
            erx::TUNNEL_MAXIMUM_SESSIONS => Field::MaxSessions,
            erx::L2TP_RECV_WINDOW_SIZE => Field::ReceiveWindow,
            _ => return None,
        },
        _ => return None,
    })
}

pub fn tunnel_attributes(
    accept: &Packet,
    secret: &[u8],
    request_authenticator: &[u8; 16],
) -> TunnelAttributes {
    let mut out = TunnelAttributes::default();
    let mut tunnels: BTreeMap<u8, RadiusTunnel> = BTreeMap::new();
    for attribute in &accept.attributes {
        if attribute.kind
            == (AttrKind::Vendor {
                vendor: erx::VENDOR,
                kind: erx::TUNNEL_GROUP,
            })
        {
            match std::str::from_utf8(&attribute.value) {
                Ok(name) => out.tunnel_group = Some(name.to_owned()),
                Err(_) => out.ignored.push((attribute.kind, NOT_UTF8)),
            }
            continue;
        }
        let Some(field) = field_of(attribute.kind) else {
            continue;
        };
        if let Err(why) = apply(
            &mut tunnels,
            field,
            attribute,
            secret,
            request_authenticator,
        ) {
            out.ignored.push((attribute.kind, why));
        }
    }
    out.tunnels = tunnels.into_values().collect();
    out
}

fn check_tag(tag: u8) -> Result<u8, &'static str> {
    match tag {
        0 => Err(UNTAGGED),
        1..=MAX_TAG => Ok(tag),
        _ => Err(TAG_OUT_OF_RANGE),
    }
}

fn apply(
    tunnels: &mut BTreeMap<u8, RadiusTunnel>,
    field: Field,
    attribute: &Attribute,
    secret: &[u8],
    request_authenticator: &[u8; 16],
) -> Result<(), &'static str> {
    match field {
        Field::TunnelType
        | Field::MediumType
        | Field::Preference
        | Field::MaxSessions
        | Field::ReceiveWindow => {
            let (tag, value) = attribute.as_tagged_integer().ok_or(BAD_LENGTH)?;
            let tag = check_tag(tag)?;
            let receive_window = match field {
                Field::ReceiveWindow => Some(u16::try_from(value).map_err(|_| OUT_OF_RANGE)?),
                _ => None,
            };
            let tunnel = tunnel(tunnels, tag);
            match field {
                Field::TunnelType => tunnel.tunnel_type = Some(value),
                Field::MediumType => tunnel.medium_type = Some(value),
                Field::Preference => tunnel.preference = Some(value),
                Field::MaxSessions => tunnel.max_sessions = Some(value),
                _ => tunnel.receive_window = receive_window,
            }
        }
        Field::Password => {
            let (tag, password) =
                decrypt_tunnel_password(&attribute.value, secret, request_authenticator)
                    .map_err(|_| UNDECRYPTABLE)?;
            let tag = check_tag(tag)?;
            tunnel(tunnels, tag).password = Some(password);
        }
        Field::ClientEndpoint
        | Field::ServerEndpoint
        | Field::AssignmentId
        | Field::ClientAuthId
        | Field::ServerAuthId
        | Field::RoutingInstance => {
            let (tag, data) = attribute.tagged().ok_or(BAD_LENGTH)?;
            let tag = check_tag(tag)?;
            let text = std::str::from_utf8(data).map_err(|_| NOT_UTF8)?.to_owned();
            let tunnel = tunnel(tunnels, tag);
            let slot = match field {
                Field::ClientEndpoint => &mut tunnel.client_endpoint,
                Field::ServerEndpoint => &mut tunnel.server_endpoint,
                Field::AssignmentId => &mut tunnel.assignment_id,
                Field::ClientAuthId => &mut tunnel.client_auth_id,
                Field::ServerAuthId => &mut tunnel.server_auth_id,
                _ => &mut tunnel.routing_instance,
            };
            *slot = Some(text);
        }
    }
    Ok(())
}

fn tunnel(tunnels: &mut BTreeMap<u8, RadiusTunnel>, tag: u8) -> &mut RadiusTunnel {
    tunnels.entry(tag).or_insert_with(|| RadiusTunnel {
        tag,
        ..RadiusTunnel::default()
    })
}
