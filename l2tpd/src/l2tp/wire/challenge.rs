//! Tunnel authentication (RFC 2661 §4.2, §5.1.1): the Challenge Response is computed as a CHAP
//! response (RFC 1994) whose identifier is the Message Type of the message carrying it.

use md5::{Digest, Md5};

use super::message::MessageType;

/// MD5(message type octet ‖ secret ‖ challenge): what an SCCRP (type 2) answers to the
/// SCCRQ's Challenge, and what an SCCCN (type 3) answers to the SCCRP's.
pub fn challenge_response(msg_type: u8, secret: &[u8], challenge: &[u8]) -> [u8; 16] {
    let mut md5 = Md5::new();
    md5.update([msg_type]);
    md5.update(secret);
    md5.update(challenge);
    md5.finalize().into()
}

/// The identifier octet for the response carried in a message of type `kind`, when it is one
/// that carries a Challenge Response.
pub fn response_identifier(kind: MessageType) -> Option<u8> {
    match kind {
        MessageType::SCCRP | MessageType::SCCCN => u8::try_from(kind.0).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_chap_md5_with_the_message_type_as_identifier() {
        let challenge = [0x11u8; 16];
        let mut input = vec![2u8];
        input.extend_from_slice(b"s3cret");
        input.extend_from_slice(&challenge);
        let expected: [u8; 16] = Md5::digest(&input).into();
        assert_eq!(challenge_response(2, b"s3cret", &challenge), expected);
        assert_ne!(challenge_response(3, b"s3cret", &challenge), expected);
        assert_eq!(response_identifier(MessageType::SCCRP), Some(2));
        assert_eq!(response_identifier(MessageType::SCCCN), Some(3));
        assert_eq!(response_identifier(MessageType::HELLO), None);
    }
}
