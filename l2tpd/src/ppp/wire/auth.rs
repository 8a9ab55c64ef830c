//! PAP (RFC 1334 §2.2) and CHAP (RFC 1994 §4) packets, carried in the control packet format,
//! and the CHAP-MD5 response computation.

use md5::{Digest, Md5};

use super::PppError;

pub mod pap_code {
    pub const AUTHENTICATE_REQUEST: u8 = 1;
    pub const AUTHENTICATE_ACK: u8 = 2;
    pub const AUTHENTICATE_NAK: u8 = 3;
}

pub mod chap_code {
    pub const CHALLENGE: u8 = 1;
    pub const RESPONSE: u8 = 2;
    pub const SUCCESS: u8 = 3;
    pub const FAILURE: u8 = 4;
}

/// Reads one length-prefixed field (one octet of length) from the front of `data`.
fn take_counted(data: &[u8]) -> Result<(&[u8], &[u8]), PppError> {
    let [length, rest @ ..] = data else {
        return Err(PppError::Truncated);
    };
    if *length as usize > rest.len() {
        return Err(PppError::Truncated);
    }
    Ok(rest.split_at(*length as usize))
}

fn push_counted(field: &[u8], out: &mut Vec<u8>) -> Result<(), PppError> {
    out.push(u8::try_from(field.len()).map_err(|_| PppError::TooLong)?);
    out.extend_from_slice(field);
    Ok(())
}

/// The data of a PAP Authenticate-Request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PapRequest {
    pub peer_id: Vec<u8>,
    pub password: Vec<u8>,
}

impl PapRequest {
    pub fn parse(data: &[u8]) -> Result<PapRequest, PppError> {
        let (peer_id, rest) = take_counted(data)?;
        let (password, _) = take_counted(rest)?;
        Ok(PapRequest {
            peer_id: peer_id.to_vec(),
            password: password.to_vec(),
        })
    }

    pub fn emit(&self) -> Result<Vec<u8>, PppError> {
        let mut out = Vec::new();
        push_counted(&self.peer_id, &mut out)?;
        push_counted(&self.password, &mut out)?;
        Ok(out)
    }
}

/// The data of a PAP Authenticate-Ack or -Nak: a counted message.
pub fn parse_pap_reply(data: &[u8]) -> Result<&[u8], PppError> {
    take_counted(data).map(|(message, _)| message)
}

pub fn pap_reply(message: &[u8]) -> Result<Vec<u8>, PppError> {
    let mut out = Vec::new();
    push_counted(message, &mut out)?;
    Ok(out)
}

/// The data of a CHAP Challenge or Response: a counted value, then the name up to the end
/// (RFC 1994 §4.1). Success and Failure carry only a message, which is the raw data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapValue {
    pub value: Vec<u8>,
    pub name: Vec<u8>,
}

impl ChapValue {
    pub fn parse(data: &[u8]) -> Result<ChapValue, PppError> {
        let (value, name) = take_counted(data)?;
        Ok(ChapValue {
            value: value.to_vec(),
            name: name.to_vec(),
        })
    }

    pub fn emit(&self) -> Result<Vec<u8>, PppError> {
        let mut out = Vec::new();
        push_counted(&self.value, &mut out)?;
        out.extend_from_slice(&self.name);
        Ok(out)
    }
}

/// RFC 1994 §4.1 with MD5 (algorithm 5): MD5(Identifier || secret || Challenge).
pub fn chap_md5_response(identifier: u8, secret: &[u8], challenge: &[u8]) -> [u8; 16] {
    let mut md5 = Md5::new();
    md5.update([identifier]);
    md5.update(secret);
    md5.update(challenge);
    md5.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ppp::wire::control::ControlPacket;
    use proptest::prelude::*;

    /// PAP Authenticate-Request, id 1, user "alice", password "pw".
    static PAP_REQUEST: [u8; 13] = [
        0x01, 0x01, 0x00, 0x0d, 0x05, b'a', b'l', b'i', b'c', b'e', 0x02, b'p', b'w',
    ];

    #[test]
    fn parses_and_emits_a_pap_request() {
        let packet = ControlPacket::parse(&PAP_REQUEST).unwrap();
        assert_eq!(packet.code, pap_code::AUTHENTICATE_REQUEST);
        let request = PapRequest::parse(packet.data).unwrap();
        assert_eq!(request.peer_id, b"alice");
        assert_eq!(request.password, b"pw");
        let data = request.emit().unwrap();
        let built = ControlPacket {
            code: 1,
            identifier: 1,
            data: &data,
        };
        assert_eq!(built.to_vec().unwrap(), PAP_REQUEST);
        assert_eq!(PapRequest::parse(&[5, b'a']), Err(PppError::Truncated));
        assert_eq!(parse_pap_reply(&pap_reply(b"ok").unwrap()).unwrap(), b"ok");
    }

    #[test]
    fn parses_and_emits_a_chap_challenge() {
        let challenge = [0x04, 0x02, 0x00, 0x0b, 0x04, 1, 2, 3, 4, b'l', b'a'];
        let packet = ControlPacket::parse(&challenge).unwrap();
        let value = ChapValue::parse(packet.data).unwrap();
        assert_eq!(value.value, [1, 2, 3, 4]);
        assert_eq!(value.name, b"la");
        assert_eq!(value.emit().unwrap(), packet.data);
    }

    #[test]
    fn computes_the_md5_response_of_rfc_1994() {
        // MD5(0x01 || "secret" || 16 zero octets), computed outside Rust with Python's
        // hashlib.md5(b"\x01secret" + bytes(16)).hexdigest().
        let response = chap_md5_response(1, b"secret", &[0; 16]);
        assert_eq!(hex(&response), "7570c653cdf4755ccffcaa80f29268d1");
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    proptest! {
        #[test]
        fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = PapRequest::parse(&bytes);
            let _ = ChapValue::parse(&bytes);
            let _ = parse_pap_reply(&bytes);
        }

        #[test]
        fn pap_emit_then_parse_is_identity(
            peer_id in proptest::collection::vec(any::<u8>(), 0..40),
            password in proptest::collection::vec(any::<u8>(), 0..40),
        ) {
            let request = PapRequest { peer_id, password };
            prop_assert_eq!(PapRequest::parse(&request.emit().unwrap()).unwrap(), request);
        }

        #[test]
        fn chap_emit_then_parse_is_identity(
            value in proptest::collection::vec(any::<u8>(), 0..40),
            name in proptest::collection::vec(any::<u8>(), 0..40),
        ) {
            let chap = ChapValue { value, name };
            prop_assert_eq!(ChapValue::parse(&chap.emit().unwrap()).unwrap(), chap);
        }
    }
}
