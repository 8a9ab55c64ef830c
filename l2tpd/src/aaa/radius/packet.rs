//! A RADIUS packet (RFC 2865 §3): Code ‖ Identifier ‖ Length ‖ Authenticator ‖ attributes.
//! Decoding checks structure only; [`super::authenticator`] checks who sent it.

use std::net::Ipv4Addr;

use super::attribute::{parse_attributes, AttrKind, Attribute};
use super::authenticator::{md5_authenticator, sign_message_authenticator};
use super::dictionary::{attr, code};
use super::password::{hide_user_password, MAX_USER_PASSWORD};

pub const HEADER_LENGTH: usize = 20;
/// RFC 2865 §3: "The maximum length is 4096."
pub const MAX_PACKET_LENGTH: usize = 4096;
const ZERO_AUTHENTICATOR: [u8; 16] = [0; 16];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("{0} octets: shorter than the 20-octet header")]
    Short(usize),
    #[error("Length field {stated} with {available} octets received (20..=4096 and no more than received)")]
    BadLength { stated: usize, available: usize },
    #[error(
        "attribute {offset_from_end} octets before the end is truncated or has a Length below 2"
    )]
    BadAttribute { offset_from_end: usize },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("attribute {0:?} longer than an attribute can hold")]
    AttributeTooLong(AttrKind),
    #[error("packet of {0} octets: above RADIUS's 4096")]
    TooLong(usize),
    #[error("User-Password of {0} octets: above RFC 2865's 128")]
    PasswordTooLong(usize),
    #[error("code {0} is not a request this encoder signs")]
    NotARequest(u8),
    #[error("code {0} is not a reply this encoder signs")]
    NotAReply(u8),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    pub code: u8,
    pub identifier: u8,
    pub authenticator: [u8; 16],
    pub attributes: Vec<Attribute>,
}

impl Packet {
    pub fn new(code: u8, identifier: u8, authenticator: [u8; 16]) -> Self {
        Packet {
            code,
            identifier,
            authenticator,
            attributes: Vec::new(),
        }
    }

    pub fn find(&self, kind: AttrKind) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.kind == kind)
    }

    pub fn find_all(&self, kind: AttrKind) -> impl Iterator<Item = &Attribute> {
        self.attributes.iter().filter(move |a| a.kind == kind)
    }

    pub fn string(&self, kind: u8) -> Option<&[u8]> {
        self.find(AttrKind::Standard(kind))
            .and_then(Attribute::as_string)
    }

    pub fn integer(&self, kind: u8) -> Option<u32> {
        self.find(AttrKind::Standard(kind))
            .and_then(Attribute::as_integer)
    }

    pub fn ipv4(&self, kind: u8) -> Option<Ipv4Addr> {
        self.find(AttrKind::Standard(kind))
            .and_then(Attribute::as_ipv4)
    }

    pub fn vendor(&self, vendor: u32, kind: u8) -> Option<&[u8]> {
        self.find(AttrKind::Vendor { vendor, kind })
            .map(|a| a.value.as_slice())
    }

    /// Structure only: header, Length (20..=4096, octets beyond it are padding, RFC 2865 §3),
    /// attributes; Vendor-Specific split into its sub-attributes.
    pub fn decode(bytes: &[u8]) -> Result<Packet, DecodeError> {
        let (raw, _) = split_packet(bytes)?;
        let Some(([code, identifier, _, _], rest)) = raw.split_first_chunk::<4>() else {
            return Err(DecodeError::Short(bytes.len()));
        };
        let Some((authenticator, area)) = rest.split_first_chunk::<16>() else {
            return Err(DecodeError::Short(bytes.len()));
        };
        Ok(Packet {
            code: *code,
            identifier: *identifier,
            authenticator: *authenticator,
            attributes: parse_attributes(area)?,
        })
    }

    /// Access-Request / Status-Server: `authenticator` is the caller's random Request
    /// Authenticator; a USER_PASSWORD attribute given in clear is hidden here with it; a
    /// Message-Authenticator is always added first (BlastRADIUS, CVE-2024-3596) and computed.
    /// Accounting-Request, CoA-Request, Disconnect-Request: the authenticator is computed
    /// (RFC 2866 §3; RFC 5176 §2.3), a Message-Authenticator given is computed over the
    /// zeroed authenticator (RFC 5176 §3.5), as FreeRADIUS does.
    pub fn encode_request(&self, secret: &[u8]) -> Result<Vec<u8>, EncodeError> {
        match self.code {
            code::ACCESS_REQUEST | code::STATUS_SERVER => {
                let mut attributes = Vec::with_capacity(self.attributes.len() + 1);
                attributes.push(message_authenticator_placeholder());
                for attribute in &self.attributes {
                    match attribute.kind {
                        AttrKind::Standard(attr::MESSAGE_AUTHENTICATOR) => {}
                        AttrKind::Standard(attr::USER_PASSWORD) => {
                            if attribute.value.len() > MAX_USER_PASSWORD {
                                return Err(EncodeError::PasswordTooLong(attribute.value.len()));
                            }
                            attributes.push(Attribute::string(
                                attr::USER_PASSWORD,
                                hide_user_password(&attribute.value, secret, &self.authenticator),
                            ));
                        }
                        _ => attributes.push(attribute.clone()),
                    }
                }
                let mut bytes = emit(self.code, self.identifier, &self.authenticator, &attributes)?;
                sign_message_authenticator(&mut bytes, &self.authenticator, secret);
                Ok(bytes)
            }
            code::ACCOUNTING_REQUEST | code::COA_REQUEST | code::DISCONNECT_REQUEST => {
                let mut bytes = emit(
                    self.code,
                    self.identifier,
                    &ZERO_AUTHENTICATOR,
                    &self.attributes,
                )?;
                sign_message_authenticator(&mut bytes, &ZERO_AUTHENTICATOR, secret);
                let authenticator = md5_authenticator(&bytes, &ZERO_AUTHENTICATOR, secret);
                write_authenticator(&mut bytes, &authenticator);
                Ok(bytes)
            }
            other => Err(EncodeError::NotARequest(other)),
        }
    }

    /// A reply: the Response Authenticator from the request's authenticator (RFC 2865 §3); a
    /// Message-Authenticator added first for replies to Access-Requests and for CoA/Disconnect
    /// replies, computed with the Request Authenticator in the header (RFC 3579 §3.2).
    /// Accounting-Response: one is computed only if given.
    pub fn encode_response(
        &self,
        request_authenticator: &[u8; 16],
        secret: &[u8],
    ) -> Result<Vec<u8>, EncodeError> {
        let attributes = match self.code {
            code::ACCESS_ACCEPT
            | code::ACCESS_REJECT
            | code::ACCESS_CHALLENGE
            | code::COA_ACK
            | code::COA_NAK
            | code::DISCONNECT_ACK
            | code::DISCONNECT_NAK => {
                let mut attributes = Vec::with_capacity(self.attributes.len() + 1);
                attributes.push(message_authenticator_placeholder());
                attributes.extend(
                    self.attributes
                        .iter()
                        .filter(|a| a.kind != AttrKind::Standard(attr::MESSAGE_AUTHENTICATOR))
                        .cloned(),
                );
                attributes
            }
            code::ACCOUNTING_RESPONSE => self.attributes.clone(),
            other => return Err(EncodeError::NotAReply(other)),
        };
        let mut bytes = emit(
            self.code,
            self.identifier,
            request_authenticator,
            &attributes,
        )?;
        sign_message_authenticator(&mut bytes, request_authenticator, secret);
        let authenticator = md5_authenticator(&bytes, request_authenticator, secret);
        write_authenticator(&mut bytes, &authenticator);
        Ok(bytes)
    }

    /// The packet as it stands, authenticator and attributes untouched (tests, traces).
    pub fn encode_raw(&self) -> Result<Vec<u8>, EncodeError> {
        emit(
            self.code,
            self.identifier,
            &self.authenticator,
            &self.attributes,
        )
    }
}

fn message_authenticator_placeholder() -> Attribute {
    Attribute::string(attr::MESSAGE_AUTHENTICATOR, [0u8; 16])
}

fn emit(
    code: u8,
    identifier: u8,
    authenticator: &[u8; 16],
    attributes: &[Attribute],
) -> Result<Vec<u8>, EncodeError> {
    let mut bytes = Vec::with_capacity(
        HEADER_LENGTH + attributes.iter().map(|a| 8 + a.value.len()).sum::<usize>(),
    );
    bytes.extend_from_slice(&[code, identifier, 0, 0]);
    bytes.extend_from_slice(authenticator);
    for attribute in attributes {
        attribute.emit(&mut bytes)?;
    }
    let length = u16::try_from(bytes.len())
        .ok()
        .filter(|&l| usize::from(l) <= MAX_PACKET_LENGTH)
        .ok_or(EncodeError::TooLong(bytes.len()))?;
    bytes[2..4].copy_from_slice(&length.to_be_bytes());
    Ok(bytes)
}

fn write_authenticator(bytes: &mut [u8], authenticator: &[u8; 16]) {
    if let Some(field) = bytes.get_mut(4..HEADER_LENGTH) {
        field.copy_from_slice(authenticator);
    }
}

/// The packet's octets as its Length field says (the rest is padding) and that length.
pub(crate) fn split_packet(bytes: &[u8]) -> Result<(&[u8], usize), DecodeError> {
    let Some([_, _, high, low]) = bytes.first_chunk::<4>() else {
        return Err(DecodeError::Short(bytes.len()));
    };
    if bytes.len() < HEADER_LENGTH {
        return Err(DecodeError::Short(bytes.len()));
    }
    let stated = usize::from(u16::from_be_bytes([*high, *low]));
    if !(HEADER_LENGTH..=MAX_PACKET_LENGTH).contains(&stated) || stated > bytes.len() {
        return Err(DecodeError::BadLength {
            stated,
            available: bytes.len(),
        });
    }
    let raw = bytes.get(..stated).ok_or(DecodeError::BadLength {
        stated,
        available: bytes.len(),
    })?;
    Ok((raw, stated))
}
