//! AVP framing (RFC 2661 §4.1): the 6-octet AVP header and iteration over a message body.
//!
//! ```text
//! |M|H| rsvd  |      Length       |           Vendor ID           |
//! |         Attribute Type        |        Attribute Value...
//! ```
//!
//! Iteration advances by the AVP's own Length, which is checked to be at least the header and
//! within the message, so it always makes progress and stops at the first lie.

use super::error::WireError;

pub const AVP_HEADER_LEN: usize = 6;
/// Length is a 10-bit field.
pub const MAX_AVP_LEN: usize = 0x3ff;
/// The longest value one AVP can carry.
pub const MAX_AVP_VALUE_LEN: usize = MAX_AVP_LEN - AVP_HEADER_LEN;
/// Vendor ID 0: the attribute types defined by the IETF.
pub const VENDOR_IETF: u16 = 0;

const M_BIT: u8 = 0x80;
const H_BIT: u8 = 0x40;
const RESERVED_BITS: u8 = 0x3c;
const LENGTH_HIGH_BITS: u8 = 0x03;

/// One AVP, header and value, borrowed from a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AvpPacket<'a> {
    bytes: &'a [u8],
}

impl<'a> AvpPacket<'a> {
    /// Takes the AVP at the start of `bytes`; `offset` is only used to name it in errors.
    fn split(bytes: &'a [u8], offset: usize) -> Result<(Self, &'a [u8]), WireError> {
        let (first, second) = match bytes {
            [first, second, ..] if bytes.len() >= AVP_HEADER_LEN => (*first, *second),
            _ => {
                return Err(WireError::AvpLength {
                    offset,
                    length: u16::try_from(bytes.len()).unwrap_or(u16::MAX),
                })
            }
        };
        let length = u16::from_be_bytes([first & LENGTH_HIGH_BITS, second]);
        let len = usize::from(length);
        if len < AVP_HEADER_LEN || len > bytes.len() {
            return Err(WireError::AvpLength { offset, length });
        }
        let (avp, rest) = bytes.split_at(len);
        Ok((Self { bytes: avp }, rest))
    }

    fn word(&self, at: usize) -> u16 {
        match self.bytes.get(at..at + 2) {
            Some([hi, lo]) => u16::from_be_bytes([*hi, *lo]),
            _ => 0,
        }
    }

    fn flags(&self) -> u8 {
        self.bytes.first().copied().unwrap_or(0)
    }
    pub fn mandatory(&self) -> bool {
        self.flags() & M_BIT != 0
    }
    pub fn hidden(&self) -> bool {
        self.flags() & H_BIT != 0
    }
    /// RFC 2661 §4.1: an AVP with a reserved bit set is treated as unrecognised.
    pub fn reserved_bits_set(&self) -> bool {
        self.flags() & RESERVED_BITS != 0
    }
    pub fn length(&self) -> usize {
        self.bytes.len()
    }
    pub fn vendor_id(&self) -> u16 {
        self.word(2)
    }
    pub fn attribute_type(&self) -> u16 {
        self.word(4)
    }
    /// The value as carried: still hidden when [`AvpPacket::hidden`] is set.
    pub fn value(&self) -> &'a [u8] {
        self.bytes.get(AVP_HEADER_LEN..).unwrap_or(&[])
    }
}

/// The AVPs of a control message body, in order. Yields one error and then stops when an AVP
/// header lies about its length.
#[derive(Debug, Clone)]
pub struct AvpIter<'a> {
    rest: &'a [u8],
    offset: usize,
    done: bool,
}

impl<'a> AvpIter<'a> {
    /// `body` is the message after its header (a [`super::header::Packet::payload`]).
    pub fn new(body: &'a [u8]) -> Self {
        Self {
            rest: body,
            offset: 0,
            done: false,
        }
    }
}

impl<'a> Iterator for AvpIter<'a> {
    type Item = Result<AvpPacket<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.rest.is_empty() {
            return None;
        }
        match AvpPacket::split(self.rest, self.offset) {
            Ok((avp, rest)) => {
                self.offset += avp.length();
                self.rest = rest;
                Some(Ok(avp))
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// How one AVP is framed when sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AvpHeader {
    pub mandatory: bool,
    pub hidden: bool,
    pub vendor_id: u16,
    pub attribute_type: u16,
}

impl AvpHeader {
    /// Appends the header and `value` to `out`.
    pub fn emit(&self, value: &[u8], out: &mut Vec<u8>) -> Result<(), WireError> {
        if value.len() > MAX_AVP_VALUE_LEN {
            return Err(WireError::AvpTooLong {
                attribute: self.attribute_type,
                len: value.len(),
            });
        }
        let length = (AVP_HEADER_LEN + value.len()) as u16; // <= 0x3ff, checked above
        let [len_high, len_low] = length.to_be_bytes();
        let mut first = len_high & LENGTH_HIGH_BITS;
        if self.mandatory {
            first |= M_BIT;
        }
        if self.hidden {
            first |= H_BIT;
        }
        out.extend_from_slice(&[first, len_low]);
        out.extend_from_slice(&self.vendor_id.to_be_bytes());
        out.extend_from_slice(&self.attribute_type.to_be_bytes());
        out.extend_from_slice(value);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Host Name "lac" (M=1), then a vendor 3561 AVP of type 2 (M=0, reserved bit set).
    static TWO_AVPS: [u8; 17] = [
        0x80, 0x09, // M=1 H=0, Length 9
        0x00, 0x00, // Vendor 0 (IETF)
        0x00, 0x07, // Host Name
        b'l', b'a', b'c', //
        0x04, 0x08, // M=0, a reserved bit, Length 8
        0x0d, 0xe9, // Vendor 3561 (Broadband Forum)
        0x00, 0x02, // type 2
        0xbe, 0xef,
    ];

    #[test]
    fn iterates_and_reads_fields() {
        let avps: Vec<_> = AvpIter::new(&TWO_AVPS)
            .collect::<Result<_, _>>()
            .expect("valid");
        assert_eq!(avps.len(), 2);
        assert!(avps[0].mandatory() && !avps[0].hidden() && !avps[0].reserved_bits_set());
        assert_eq!((avps[0].vendor_id(), avps[0].attribute_type()), (0, 7));
        assert_eq!(avps[0].value(), b"lac");
        assert!(!avps[1].mandatory() && avps[1].reserved_bits_set());
        assert_eq!((avps[1].vendor_id(), avps[1].attribute_type()), (3561, 2));
        assert_eq!(avps[1].value(), &[0xbe, 0xef]);
    }

    #[test]
    fn emits_the_same_bytes() {
        let mut out = Vec::new();
        AvpHeader {
            mandatory: true,
            hidden: false,
            vendor_id: 0,
            attribute_type: 7,
        }
        .emit(b"lac", &mut out)
        .expect("fits");
        assert_eq!(out, TWO_AVPS[..9]);
        assert!(matches!(
            AvpHeader {
                mandatory: false,
                hidden: false,
                vendor_id: 0,
                attribute_type: 8
            }
            .emit(&[0; MAX_AVP_VALUE_LEN + 1], &mut out),
            Err(WireError::AvpTooLong { attribute: 8, .. })
        ));
    }

    #[test]
    fn lying_lengths_stop_iteration_with_one_error() {
        // Length 5 (< header), Length beyond the buffer, a 3-byte tail.
        for body in [
            &[0x00, 0x05, 0, 0, 0, 0, 0][..],
            &[0x00, 0x40, 0, 0, 0, 0][..],
            &TWO_AVPS[..12],
        ] {
            let items: Vec<_> = AvpIter::new(body).collect();
            assert!(matches!(
                items.last(),
                Some(Err(WireError::AvpLength { .. }))
            ));
            assert_eq!(items.iter().filter(|i| i.is_err()).count(), 1);
        }
        assert_eq!(AvpIter::new(&[]).count(), 0);
    }

    proptest! {
        #[test]
        fn arbitrary_bodies_terminate(body in proptest::collection::vec(any::<u8>(), 0..256)) {
            let mut consumed = 0;
            let mut steps = 0;
            for item in AvpIter::new(&body) {
                steps += 1;
                match item {
                    Ok(avp) => consumed += avp.length(),
                    Err(_) => break,
                }
            }
            prop_assert!(consumed <= body.len());
            prop_assert!(steps <= body.len() / AVP_HEADER_LEN + 1);
        }
    }
}
