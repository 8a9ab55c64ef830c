//! Who sent a packet: the MD5 Request/Response Authenticators (RFC 2865 §3, RFC 2866 §3,
//! RFC 5176 §2.3) and the HMAC-MD5 Message-Authenticator (RFC 3579 §3.2, RFC 5176 §3.5).

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};

use super::attribute::split_tlv;
use super::dictionary::{attr, code};
use super::packet::{split_packet, DecodeError, Packet, HEADER_LENGTH};

const MESSAGE_AUTHENTICATOR_LENGTH: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("malformed: {0}")]
    Decode(#[from] DecodeError),
    #[error("code {0} is not a reply")]
    NotAReply(u8),
    #[error("code {0} is not a request we verify")]
    NotARequest(u8),
    #[error("wrong authenticator (another secret, or forged)")]
    BadAuthenticator,
    #[error("wrong Message-Authenticator")]
    BadMessageAuthenticator,
    #[error("Message-Authenticator missing (required: BlastRADIUS)")]
    MissingMessageAuthenticator,
    #[error("Message-Authenticator of the wrong length, or more than one")]
    MalformedMessageAuthenticator,
}

/// MD5(Code ‖ Identifier ‖ Length ‖ `authenticator` ‖ Attributes ‖ Secret): the Response
/// Authenticator with the Request's in `authenticator`, the Accounting/CoA/Disconnect Request
/// Authenticator with zeros there. `packet` is exactly the packet (no padding).
pub(crate) fn md5_authenticator(
    packet: &[u8],
    authenticator: &[u8; 16],
    secret: &[u8],
) -> [u8; 16] {
    let mut md5 = Md5::new();
    md5.update(packet.get(..4).unwrap_or_default());
    md5.update(authenticator);
    md5.update(packet.get(HEADER_LENGTH..).unwrap_or_default());
    md5.update(secret);
    md5.finalize().into()
}

/// Where the value of the (single) top-level Message-Authenticator lies, if there is one.
fn message_authenticator_offset(packet: &[u8]) -> Result<Option<usize>, VerifyError> {
    let mut area = packet.get(HEADER_LENGTH..).unwrap_or_default();
    let mut found = None;
    while let Some((kind, value, rest)) = split_tlv(area) {
        if kind == attr::MESSAGE_AUTHENTICATOR {
            if value.len() != MESSAGE_AUTHENTICATOR_LENGTH || found.is_some() {
                return Err(VerifyError::MalformedMessageAuthenticator);
            }
            found = Some(packet.len() - area.len() + 2);
        }
        area = rest;
    }
    Ok(found)
}

/// HMAC-MD5(secret, packet) with `authenticator` in the header and the Message-Authenticator
/// value zeroed.
fn hmac_state(
    packet: &[u8],
    authenticator: &[u8; 16],
    offset: usize,
    secret: &[u8],
) -> Hmac<md5::Md5> {
    let mut copy = packet.to_vec();
    if let Some(field) = copy.get_mut(4..HEADER_LENGTH) {
        field.copy_from_slice(authenticator);
    }
    if let Some(field) = copy.get_mut(offset..offset + MESSAGE_AUTHENTICATOR_LENGTH) {
        field.fill(0);
    }
    // HMAC takes a key of any length: this never fails.
    let mut mac = <Hmac<md5::Md5> as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(&copy);
    mac
}

/// Writes the Message-Authenticator of our own encoded packet, if it has one.
pub(crate) fn sign_message_authenticator(
    packet: &mut [u8],
    authenticator: &[u8; 16],
    secret: &[u8],
) {
    let Ok(Some(offset)) = message_authenticator_offset(packet) else {
        return;
    };
    let tag = hmac_state(packet, authenticator, offset, secret)
        .finalize()
        .into_bytes();
    if let Some(field) = packet.get_mut(offset..offset + MESSAGE_AUTHENTICATOR_LENGTH) {
        field.copy_from_slice(&tag);
    }
}

/// Checks the Message-Authenticator if present; says whether it was.
fn check_message_authenticator(
    packet: &[u8],
    authenticator: &[u8; 16],
    secret: &[u8],
) -> Result<bool, VerifyError> {
    let Some(offset) = message_authenticator_offset(packet)? else {
        return Ok(false);
    };
    let received = packet
        .get(offset..offset + MESSAGE_AUTHENTICATOR_LENGTH)
        .ok_or(VerifyError::MalformedMessageAuthenticator)?;
    hmac_state(packet, authenticator, offset, secret)
        .verify_slice(received)
        .map_err(|_| VerifyError::BadMessageAuthenticator)?;
    Ok(true)
}

/// Comparison in constant time: a forger learns nothing from how long a check took.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn header_authenticator(packet: &[u8]) -> [u8; 16] {
    packet
        .get(4..HEADER_LENGTH)
        .and_then(|field| field.try_into().ok())
        .unwrap_or_default()
}

/// A reply to our request: decodes, checks the Response Authenticator against the request's
/// authenticator and the Message-Authenticator — required when `require_ma` (the default;
/// FreeRADIUS 3.2.1 replies carry none unless told to) on every reply but Accounting-Response.
/// The caller matches the identifier before calling (it picks `request_authenticator` by it).
pub fn verify_response(
    bytes: &[u8],
    request_authenticator: &[u8; 16],
    secret: &[u8],
    require_ma: bool,
) -> Result<Packet, VerifyError> {
    let packet = Packet::decode(bytes)?;
    let (raw, _) = split_packet(bytes)?;
    if !matches!(
        packet.code,
        code::ACCESS_ACCEPT
            | code::ACCESS_REJECT
            | code::ACCESS_CHALLENGE
            | code::ACCOUNTING_RESPONSE
            | code::COA_ACK
            | code::COA_NAK
            | code::DISCONNECT_ACK
            | code::DISCONNECT_NAK
    ) {
        return Err(VerifyError::NotAReply(packet.code));
    }
    let expected = md5_authenticator(raw, request_authenticator, secret);
    if !same(&expected, &packet.authenticator) {
        return Err(VerifyError::BadAuthenticator);
    }
    let present = check_message_authenticator(raw, request_authenticator, secret)?;
    if !present && require_ma && packet.code != code::ACCOUNTING_RESPONSE {
        return Err(VerifyError::MissingMessageAuthenticator);
    }
    Ok(packet)
}

/// A request to us. Accounting/CoA/Disconnect-Request: the computed Request Authenticator
/// and the Message-Authenticator when present (over the zeroed authenticator, RFC 5176 §3.5).
/// Access-Request: the Message-Authenticator when present; Status-Server: required (RFC 5997).
pub fn verify_request(bytes: &[u8], secret: &[u8]) -> Result<Packet, VerifyError> {
    let packet = Packet::decode(bytes)?;
    let (raw, _) = split_packet(bytes)?;
    match packet.code {
        code::ACCOUNTING_REQUEST | code::COA_REQUEST | code::DISCONNECT_REQUEST => {
            let zero = [0u8; 16];
            check_message_authenticator(raw, &zero, secret)?;
            let expected = md5_authenticator(raw, &zero, secret);
            if !same(&expected, &header_authenticator(raw)) {
                return Err(VerifyError::BadAuthenticator);
            }
        }
        code::ACCESS_REQUEST | code::STATUS_SERVER => {
            let present = check_message_authenticator(raw, &packet.authenticator, secret)?;
            if !present && packet.code == code::STATUS_SERVER {
                return Err(VerifyError::MissingMessageAuthenticator);
            }
        }
        other => return Err(VerifyError::NotARequest(other)),
    }
    Ok(packet)
}
