//! Data messages (RFC 2661 §3.1): a header whose optional fields are the sender's choice, then
//! the PPP frame (address/control field already stripped or not, as the peer sends it).

use super::error::WireError;
use super::header::{DataHeader, HeaderRepr, OffsetPadLimit, Packet};

/// A received or outgoing data message; the payload borrows from the datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataMessage<'a> {
    pub header: DataHeader,
    pub payload: &'a [u8],
}

impl<'a> DataMessage<'a> {
    /// Parses one whole datagram, refusing offset pads over `pad_limit`.
    pub fn parse(bytes: &'a [u8], pad_limit: OffsetPadLimit) -> Result<Self, WireError> {
        let packet = Packet::new_checked(bytes)?;
        let header = match HeaderRepr::parse(&packet, pad_limit)? {
            HeaderRepr::Data(header) => header,
            HeaderRepr::Control(_) => return Err(WireError::WrongClass { expected: "data" }),
        };
        let start = packet.header_len();
        let end = start + packet.payload().len();
        Ok(Self {
            header,
            payload: bytes.get(start..end).unwrap_or(&[]),
        })
    }

    /// The size of the datagram [`DataMessage::emit_into`] writes.
    pub fn len(&self) -> usize {
        HeaderRepr::Data(self.header).header_len() + self.payload.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the datagram into `out`, returning its length.
    pub fn emit_into(&self, out: &mut [u8]) -> Result<usize, WireError> {
        let header_len = HeaderRepr::Data(self.header).emit(out, self.payload.len())?;
        let total = header_len + self.payload.len();
        let available = out.len();
        out.get_mut(header_len..total)
            .ok_or(WireError::BufferTooSmall {
                needed: total,
                available,
            })?
            .copy_from_slice(self.payload);
        Ok(total)
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>, WireError> {
        let mut out = vec![0u8; self.len()];
        self.emit_into(&mut out)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::l2tp::wire::header::Sequence;
    use proptest::prelude::*;

    /// LCP Echo-Request in a sequenced data message with L=1 and a 2-octet offset pad.
    static SEQUENCED: [u8; 24] = [
        0x4a, 0x02, // L=1 S=1 O=1, Ver=2
        0x00, 0x18, // Length 24
        0x00, 0x05, // Tunnel ID 5
        0x00, 0x09, // Session ID 9
        0x00, 0x01, // Ns 1
        0x00, 0x00, // Nr 0
        0x00, 0x02, // Offset Size 2
        0x00, 0x00, // pad
        0xff, 0x03, 0xc0, 0x21, // PPP address, control, LCP
        0x09, 0x01, 0x00, 0x04, // Echo-Request id 1 length 4 (magic omitted)
    ];

    #[test]
    fn exact_bytes_both_ways() {
        let message = DataMessage::parse(&SEQUENCED, OffsetPadLimit::default()).expect("valid");
        let expected = DataMessage {
            header: DataHeader {
                tunnel_id: 5,
                session_id: 9,
                with_length: true,
                sequence: Some(Sequence { ns: 1, nr: 0 }),
                offset_pad: Some(2),
                priority: false,
            },
            payload: &SEQUENCED[16..],
        };
        assert_eq!(message, expected);
        assert_eq!(expected.to_bytes().expect("fits"), SEQUENCED);
    }

    #[test]
    fn minimal_header_and_errors() {
        let bytes = [0x00, 0x02, 0x00, 0x05, 0x00, 0x09, 0xc0, 0x21];
        let message = DataMessage::parse(&bytes, OffsetPadLimit::default()).expect("valid");
        assert_eq!(message.payload, &[0xc0, 0x21]);
        assert_eq!(message.header.sequence, None);
        let control = [0xc8, 0x02, 0, 12, 0, 1, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            DataMessage::parse(&control, OffsetPadLimit::default()),
            Err(WireError::WrongClass { expected: "data" })
        );
        let mut small = [0u8; 7];
        assert!(matches!(
            message.emit_into(&mut small),
            Err(WireError::BufferTooSmall { needed: 8, .. })
        ));
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(message) = DataMessage::parse(&bytes, OffsetPadLimit::new(64)) {
                prop_assert!(message.payload.len() <= bytes.len());
            }
        }
    }
}
