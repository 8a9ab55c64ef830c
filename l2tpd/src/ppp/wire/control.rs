//! The packet format LCP, IPCP, PAP and CHAP share (RFC 1661 §5): Code, Identifier, Length,
//! Data. Octets past Length are padding and ignored (§5); a Length beyond the frame is refused.

use super::PppError;

/// LCP/NCP codes (RFC 1661 §5). NCPs use 1..=7 only; anything else is a Code-Reject.
pub mod code {
    pub const CONFIGURE_REQUEST: u8 = 1;
    pub const CONFIGURE_ACK: u8 = 2;
    pub const CONFIGURE_NAK: u8 = 3;
    pub const CONFIGURE_REJECT: u8 = 4;
    pub const TERMINATE_REQUEST: u8 = 5;
    pub const TERMINATE_ACK: u8 = 6;
    pub const CODE_REJECT: u8 = 7;
    pub const PROTOCOL_REJECT: u8 = 8;
    pub const ECHO_REQUEST: u8 = 9;
    pub const ECHO_REPLY: u8 = 10;
    pub const DISCARD_REQUEST: u8 = 11;
}

const HEADER_LEN: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlPacket<'a> {
    pub code: u8,
    pub identifier: u8,
    pub data: &'a [u8],
}

impl<'a> ControlPacket<'a> {
    pub fn parse(buf: &'a [u8]) -> Result<ControlPacket<'a>, PppError> {
        let [code, identifier, high, low, ..] = *buf else {
            return Err(PppError::Truncated);
        };
        let length = u16::from_be_bytes([high, low]);
        if (length as usize) < HEADER_LEN || length as usize > buf.len() {
            return Err(PppError::BadLength {
                length,
                available: buf.len(),
            });
        }
        Ok(ControlPacket {
            code,
            identifier,
            data: &buf[HEADER_LEN..length as usize],
        })
    }

    pub fn emit(&self, out: &mut Vec<u8>) -> Result<(), PppError> {
        let length = u16::try_from(HEADER_LEN + self.data.len()).map_err(|_| PppError::TooLong)?;
        out.extend_from_slice(&[self.code, self.identifier]);
        out.extend_from_slice(&length.to_be_bytes());
        out.extend_from_slice(self.data);
        Ok(())
    }

    pub fn to_vec(&self) -> Result<Vec<u8>, PppError> {
        let mut out = Vec::with_capacity(HEADER_LEN + self.data.len());
        self.emit(&mut out)?;
        Ok(out)
    }
}

/// The data of Echo-Request, Echo-Reply and Discard-Request: a Magic-Number then anything
/// (RFC 1661 §5.8).
pub fn parse_magic_data(data: &[u8]) -> Result<(u32, &[u8]), PppError> {
    match data {
        [a, b, c, d, rest @ ..] => Ok((u32::from_be_bytes([*a, *b, *c, *d]), rest)),
        _ => Err(PppError::Truncated),
    }
}

pub fn magic_data(magic: u32, rest: &[u8]) -> Vec<u8> {
    let mut data = magic.to_be_bytes().to_vec();
    data.extend_from_slice(rest);
    data
}

/// The data of a Protocol-Reject: the rejected protocol, then its information field
/// (RFC 1661 §5.7).
pub fn parse_protocol_reject(data: &[u8]) -> Result<(u16, &[u8]), PppError> {
    match data {
        [high, low, rest @ ..] => Ok((u16::from_be_bytes([*high, *low]), rest)),
        _ => Err(PppError::Truncated),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An LCP Echo-Request as pppd sends it: id 7, magic 0x1a2b3c4d, no data.
    static ECHO_REQUEST: [u8; 8] = [0x09, 0x07, 0x00, 0x08, 0x1a, 0x2b, 0x3c, 0x4d];

    #[test]
    fn parses_and_emits_an_echo_request() {
        let packet = ControlPacket::parse(&ECHO_REQUEST).unwrap();
        assert_eq!(packet.code, code::ECHO_REQUEST);
        assert_eq!(packet.identifier, 7);
        assert_eq!(
            parse_magic_data(packet.data).unwrap(),
            (0x1a2b3c4d, &[][..])
        );
        let data = magic_data(0x1a2b3c4d, &[]);
        let built = ControlPacket {
            code: code::ECHO_REQUEST,
            identifier: 7,
            data: &data,
        };
        assert_eq!(built.to_vec().unwrap(), ECHO_REQUEST);
    }

    #[test]
    fn ignores_padding_and_refuses_a_lying_length() {
        let mut padded = ECHO_REQUEST.to_vec();
        padded.extend_from_slice(&[0, 0]);
        assert_eq!(ControlPacket::parse(&padded).unwrap().data.len(), 4);
        let mut lying = ECHO_REQUEST;
        lying[3] = 9;
        assert_eq!(
            ControlPacket::parse(&lying),
            Err(PppError::BadLength {
                length: 9,
                available: 8
            })
        );
        lying[3] = 3;
        assert!(ControlPacket::parse(&lying).is_err());
        assert_eq!(ControlPacket::parse(&[1, 2, 0]), Err(PppError::Truncated));
    }

    proptest! {
        #[test]
        fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = ControlPacket::parse(&bytes);
        }

        #[test]
        fn emit_then_parse_is_identity(
            code in any::<u8>(),
            identifier in any::<u8>(),
            data in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            let packet = ControlPacket { code, identifier, data: &data };
            let bytes = packet.to_vec().unwrap();
            prop_assert_eq!(ControlPacket::parse(&bytes).unwrap(), packet);
        }
    }
}
