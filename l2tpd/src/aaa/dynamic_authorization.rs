//! The server side of Dynamic Authorization (RFC 5176): Disconnect-Request and CoA-Request
//! from configured clients (Junos `access radius-disconnect CLIENT { secret; }`), checked,
//! read into what the engine acts on, and answered with ACK or NAK (and an Error-Cause).
//! Sans-IO: the engine owns the socket (port 3799) and finds the sessions.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use super::radius::{
    attr, code, verify_request, AttrKind, Attribute, DecodeError, Packet, VerifyError,
};

/// Error-Cause values (RFC 5176 §3.5).
pub mod error_cause {
    pub const RESIDUAL_SESSION_CONTEXT_REMOVED: u32 = 201;
    pub const UNSUPPORTED_ATTRIBUTE: u32 = 401;
    pub const MISSING_ATTRIBUTE: u32 = 402;
    pub const NAS_IDENTIFICATION_MISMATCH: u32 = 403;
    pub const INVALID_REQUEST: u32 = 404;
    pub const UNSUPPORTED_SERVICE: u32 = 405;
    pub const INVALID_ATTRIBUTE_VALUE: u32 = 407;
    pub const ADMINISTRATIVELY_PROHIBITED: u32 = 501;
    pub const SESSION_CONTEXT_NOT_FOUND: u32 = 503;
    pub const SESSION_CONTEXT_NOT_REMOVABLE: u32 = 504;
    pub const RESOURCES_UNAVAILABLE: u32 = 506;
    pub const MULTIPLE_SESSION_SELECTION_UNSUPPORTED: u32 = 508;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DynamicKind {
    Disconnect,
    Coa,
}

/// Which session(s) the request names (RFC 5176 §3: session identification attributes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionSelector {
    pub acct_session_id: Option<String>,
    pub user_name: Option<String>,
    pub framed_ip_address: Option<Ipv4Addr>,
}

impl SessionSelector {
    /// Nothing to find a session by: answer NAK with Missing-Attribute (402).
    pub fn is_empty(&self) -> bool {
        self.acct_session_id.is_none()
            && self.user_name.is_none()
            && self.framed_ip_address.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynamicRequest {
    pub kind: DynamicKind,
    pub from: SocketAddr,
    /// For the answer: its identifier and Request Authenticator.
    pub identifier: u8,
    pub authenticator: [u8; 16],
    pub secret: Arc<[u8]>,
    pub session: SessionSelector,
    /// CoA changes.
    pub session_timeout: Option<u32>,
    pub idle_timeout: Option<u32>,
    /// Attributes neither identification nor a change we make: the caller NAKs with
    /// Unsupported-Attribute (401) when there are any (RFC 5176 §3.5).
    pub unsupported: Vec<AttrKind>,
    /// An identification attribute of the wrong form (not UTF-8, not 4 octets): NAK 407.
    pub invalid: Vec<AttrKind>,
}

/// Why a datagram was dropped without an answer (RFC 5176 §3: silently discarded).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DropReason {
    #[error("from {0}, not a configured radius-disconnect client")]
    UnknownClient(IpAddr),
    #[error("malformed: {0}")]
    Malformed(DecodeError),
    #[error("authenticator check failed: {0}")]
    BadAuthenticator(VerifyError),
    #[error("code {0} is neither Disconnect-Request nor CoA-Request")]
    NotDynamicRequest(u8),
}

/// Counters for `show network-access aaa statistics`-like views.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DynamicAuthorizationCounters {
    pub disconnect_requests: u64,
    pub coa_requests: u64,
    pub unknown_client: u64,
    pub malformed: u64,
    pub bad_authenticator: u64,
    pub not_dynamic_request: u64,
}

impl DynamicAuthorizationCounters {
    pub fn count(&mut self, result: &Result<DynamicRequest, DropReason>) {
        match result {
            Ok(request) => match request.kind {
                DynamicKind::Disconnect => self.disconnect_requests += 1,
                DynamicKind::Coa => self.coa_requests += 1,
            },
            Err(DropReason::UnknownClient(_)) => self.unknown_client += 1,
            Err(DropReason::Malformed(_)) => self.malformed += 1,
            Err(DropReason::BadAuthenticator(_)) => self.bad_authenticator += 1,
            Err(DropReason::NotDynamicRequest(_)) => self.not_dynamic_request += 1,
        }
    }
}

/// Checks a datagram on the dynamic-authorization port: a configured client, its secret
/// (the computed Request Authenticator, and the Message-Authenticator when present), a
/// Disconnect- or CoA-Request; then reads it.
pub fn handle_request(
    clients: &HashMap<Ipv4Addr, Arc<[u8]>>,
    from: SocketAddr,
    bytes: &[u8],
) -> Result<DynamicRequest, DropReason> {
    let secret = match from.ip() {
        IpAddr::V4(address) => clients.get(&address),
        IpAddr::V6(_) => None,
    }
    .ok_or(DropReason::UnknownClient(from.ip()))?;
    let packet = verify_request(bytes, secret).map_err(|error| match error {
        VerifyError::Decode(decode) => DropReason::Malformed(decode),
        VerifyError::NotARequest(code) => DropReason::NotDynamicRequest(code),
        other => DropReason::BadAuthenticator(other),
    })?;
    let kind = match packet.code {
        code::DISCONNECT_REQUEST => DynamicKind::Disconnect,
        code::COA_REQUEST => DynamicKind::Coa,
        other => return Err(DropReason::NotDynamicRequest(other)),
    };
    let mut request = DynamicRequest {
        kind,
        from,
        identifier: packet.identifier,
        authenticator: packet.authenticator,
        secret: secret.clone(),
        session: SessionSelector::default(),
        session_timeout: None,
        idle_timeout: None,
        unsupported: Vec::new(),
        invalid: Vec::new(),
    };
    for attribute in &packet.attributes {
        read(&mut request, attribute);
    }
    Ok(request)
}

fn read(request: &mut DynamicRequest, attribute: &Attribute) {
    let text = || {
        std::str::from_utf8(&attribute.value)
            .ok()
            .map(str::to_owned)
    };
    let valid = match attribute.kind {
        AttrKind::Standard(attr::ACCT_SESSION_ID) => {
            request.session.acct_session_id = text();
            request.session.acct_session_id.is_some()
        }
        AttrKind::Standard(attr::USER_NAME) => {
            request.session.user_name = text();
            request.session.user_name.is_some()
        }
        AttrKind::Standard(attr::FRAMED_IP_ADDRESS) => {
            request.session.framed_ip_address = attribute.as_ipv4();
            request.session.framed_ip_address.is_some()
        }
        AttrKind::Standard(attr::SESSION_TIMEOUT) if request.kind == DynamicKind::Coa => {
            request.session_timeout = attribute.as_integer();
            request.session_timeout.is_some()
        }
        AttrKind::Standard(attr::IDLE_TIMEOUT) if request.kind == DynamicKind::Coa => {
            request.idle_timeout = attribute.as_integer();
            request.idle_timeout.is_some()
        }
        // NAS identification is the engine's to compare; the rest carries no instruction.
        AttrKind::Standard(
            attr::NAS_IP_ADDRESS
            | attr::NAS_IDENTIFIER
            | attr::MESSAGE_AUTHENTICATOR
            | attr::EVENT_TIMESTAMP
            | attr::CALLING_STATION_ID
            | attr::NAS_PORT
            | attr::NAS_PORT_ID,
        ) => true,
        other => {
            request.unsupported.push(other);
            true
        }
    };
    if !valid {
        request.invalid.push(attribute.kind);
    }
}

/// The ACK or NAK for `request`, with an Error-Cause when given, signed with the client's
/// secret (Response Authenticator and Message-Authenticator, RFC 5176 §3.5).
pub fn answer(
    request: &DynamicRequest,
    ack: bool,
    error_cause: Option<u32>,
    secret: &[u8],
) -> Vec<u8> {
    let code = match (request.kind, ack) {
        (DynamicKind::Disconnect, true) => code::DISCONNECT_ACK,
        (DynamicKind::Disconnect, false) => code::DISCONNECT_NAK,
        (DynamicKind::Coa, true) => code::COA_ACK,
        (DynamicKind::Coa, false) => code::COA_NAK,
    };
    let mut reply = Packet::new(code, request.identifier, [0; 16]);
    if let Some(cause) = error_cause {
        reply
            .attributes
            .push(Attribute::integer(attr::ERROR_CAUSE, cause));
    }
    // Two attributes at most: this cannot exceed any limit.
    reply
        .encode_response(&request.authenticator, secret)
        .unwrap_or_default()
}

#[cfg(test)]
#[path = "dynamic_authorization_tests.rs"]
mod tests;
