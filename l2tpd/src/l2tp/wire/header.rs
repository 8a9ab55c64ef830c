//! The L2TP header (RFC 2661 §3.1).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |T|L|x|x|S|x|O|P|x|x|x|x|  Ver  |          Length (opt)         |
//! |           Tunnel ID           |           Session ID          |
//! |             Ns (opt)          |             Nr (opt)          |
//! |      Offset Size (opt)        |    Offset pad... (opt)
//! ```
//!
//! The layout is variable, so [`Packet::new_checked`] works out where every field sits once,
//! refusing a short or lying buffer, and the accessors are then cheap and cannot fail.

use super::error::WireError;

/// The only version this codec speaks.
pub const L2TP_VERSION: u8 = 2;
/// The IANA port for L2TP over UDP.
pub const UDP_PORT: u16 = 1701;
/// The header of every control message: flags, Length, IDs, Ns, Nr.
pub const CONTROL_HEADER_LEN: usize = 12;

/// Bits of the first header octet.
pub mod flag {
    /// Type: 1 = control message.
    pub const T: u8 = 0x80;
    /// Length field present.
    pub const L: u8 = 0x40;
    /// Ns and Nr present.
    pub const S: u8 = 0x08;
    /// Offset Size present.
    pub const O: u8 = 0x02;
    /// Priority: queue this data message ahead of others (e.g. LCP keepalives).
    pub const P: u8 = 0x01;
}
const VERSION_MASK: u8 = 0x0f;

/// Offset pads up to this size are accepted whatever the configuration says: RFC 2661 leaves
/// the pad to the sender, and small alignment pads are common among LAC implementations.
pub const MIN_OFFSET_PAD_LIMIT: u16 = 16;

/// The longest offset pad a data message may carry before it is refused with
/// [`WireError::OffsetPadTooLong`]; never below [`MIN_OFFSET_PAD_LIMIT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetPadLimit(u16);

impl OffsetPadLimit {
    pub fn new(configured: u16) -> Self {
        Self(configured.max(MIN_OFFSET_PAD_LIMIT))
    }
    pub fn get(self) -> u16 {
        self.0
    }
}

impl Default for OffsetPadLimit {
    fn default() -> Self {
        Self(MIN_OFFSET_PAD_LIMIT)
    }
}

/// Where each optional field of one header sits, worked out once by [`Packet::new_checked`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Layout {
    ids_at: usize,
    sequence_at: Option<usize>,
    offset_size_at: Option<usize>,
    header_len: usize,
    message_end: usize,
}

/// A checked, read-only view of one L2TP message in a buffer.
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
    layout: Layout,
}

fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    let pair = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([*pair.first()?, *pair.get(1)?]))
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Checks the version and that every field the flags announce is inside the buffer and
    /// inside the Length. Bytes after Length (e.g. link padding) are ignored, as RFC 2661
    /// makes Length authoritative when present.
    pub fn new_checked(buffer: T) -> Result<Self, WireError> {
        let bytes = buffer.as_ref();
        let (flags, version) = match bytes {
            [f, v, ..] => (*f, *v & VERSION_MASK),
            _ => return Err(WireError::Truncated),
        };
        if version != L2TP_VERSION {
            return Err(WireError::BadVersion(version));
        }
        let mut at = 2;
        let length = if flags & flag::L != 0 {
            let length = be16(bytes, at).ok_or(WireError::Truncated)?;
            at += 2;
            Some(length)
        } else {
            None
        };
        let ids_at = at;
        at += 4;
        let sequence_at = if flags & flag::S != 0 {
            at += 4;
            Some(at - 4)
        } else {
            None
        };
        let offset_size_at = if flags & flag::O != 0 {
            at += 2;
            Some(at - 2)
        } else {
            None
        };
        if bytes.len() < at {
            return Err(WireError::Truncated);
        }
        let pad = match offset_size_at {
            Some(pos) => usize::from(be16(bytes, pos).ok_or(WireError::Truncated)?),
            None => 0,
        };
        let header_len = at + pad;
        let message_end = match length {
            Some(length) => {
                let end = usize::from(length);
                if end < header_len || end > bytes.len() {
                    return Err(WireError::BadLength {
                        length,
                        header_len,
                        available: bytes.len(),
                    });
                }
                end
            }
            None if header_len > bytes.len() => return Err(WireError::Truncated),
            None => bytes.len(),
        };
        Ok(Self {
            buffer,
            layout: Layout {
                ids_at,
                sequence_at,
                offset_size_at,
                header_len,
                message_end,
            },
        })
    }

    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn field(&self, at: usize) -> u16 {
        // In bounds by construction; 0 is unreachable rather than a silent default.
        be16(self.buffer.as_ref(), at).unwrap_or(0)
    }

    pub fn flags(&self) -> u8 {
        self.buffer.as_ref().first().copied().unwrap_or(0)
    }
    pub fn is_control(&self) -> bool {
        self.flags() & flag::T != 0
    }
    pub fn has_length(&self) -> bool {
        self.flags() & flag::L != 0
    }
    pub fn priority(&self) -> bool {
        self.flags() & flag::P != 0
    }
    pub fn version(&self) -> u8 {
        L2TP_VERSION
    }
    /// The Length field as sent, when L=1.
    pub fn length(&self) -> Option<u16> {
        self.has_length().then(|| self.field(2))
    }
    pub fn tunnel_id(&self) -> u16 {
        self.field(self.layout.ids_at)
    }
    pub fn session_id(&self) -> u16 {
        self.field(self.layout.ids_at + 2)
    }
    pub fn ns(&self) -> Option<u16> {
        self.layout.sequence_at.map(|at| self.field(at))
    }
    pub fn nr(&self) -> Option<u16> {
        self.layout.sequence_at.map(|at| self.field(at + 2))
    }
    /// The Offset Size field: how many pad octets follow it.
    pub fn offset_size(&self) -> Option<u16> {
        self.layout.offset_size_at.map(|at| self.field(at))
    }
    pub fn header_len(&self) -> usize {
        self.layout.header_len
    }
    /// What follows the header up to Length: the AVPs of a control message, or the PPP frame.
    pub fn payload(&self) -> &[u8] {
        self.buffer
            .as_ref()
            .get(self.layout.header_len..self.layout.message_end)
            .unwrap_or(&[])
    }
}

/// Ns and Nr of a sequenced message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sequence {
    pub ns: u16,
    pub nr: u16,
}

/// The header of a control message: always L=1, S=1, O=0, P=0 (RFC 2661 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ControlHeader {
    /// The *receiver's* Tunnel ID (0 until the peer has assigned one).
    pub tunnel_id: u16,
    /// The receiver's Session ID, 0 for tunnel-level messages.
    pub session_id: u16,
    pub ns: u16,
    pub nr: u16,
}

/// The header of a data message: every optional field is the sender's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DataHeader {
    pub tunnel_id: u16,
    pub session_id: u16,
    /// Send the Length field (L=1).
    pub with_length: bool,
    /// Ns/Nr (S=1), used when either side asked for sequencing.
    pub sequence: Option<Sequence>,
    /// Offset Size (O=1) and that many zero pad octets before the PPP frame.
    pub offset_pad: Option<u16>,
    /// The P bit.
    pub priority: bool,
}

/// The parsed header of either class of message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderRepr {
    Control(ControlHeader),
    Data(DataHeader),
}

impl HeaderRepr {
    /// Reads a checked packet. Control messages with the wrong flags and data messages with an
    /// offset pad over `pad_limit` are refused.
    pub fn parse<T: AsRef<[u8]>>(
        packet: &Packet<T>,
        pad_limit: OffsetPadLimit,
    ) -> Result<Self, WireError> {
        let flags = packet.flags();
        if packet.is_control() {
            match (
                packet.length(),
                packet.ns(),
                packet.nr(),
                packet.offset_size(),
            ) {
                (Some(_), Some(ns), Some(nr), None) => Ok(Self::Control(ControlHeader {
                    tunnel_id: packet.tunnel_id(),
                    session_id: packet.session_id(),
                    ns,
                    nr,
                })),
                _ => Err(WireError::ControlFlags { flags }),
            }
        } else {
            let offset_pad = packet.offset_size();
            if let Some(size) = offset_pad {
                if size > pad_limit.get() {
                    return Err(WireError::OffsetPadTooLong {
                        size,
                        limit: pad_limit.get(),
                    });
                }
            }
            let sequence = match (packet.ns(), packet.nr()) {
                (Some(ns), Some(nr)) => Some(Sequence { ns, nr }),
                _ => None,
            };
            Ok(Self::Data(DataHeader {
                tunnel_id: packet.tunnel_id(),
                session_id: packet.session_id(),
                with_length: packet.has_length(),
                sequence,
                offset_pad,
                priority: packet.priority(),
            }))
        }
    }

    fn flags(&self) -> u8 {
        match self {
            Self::Control(_) => flag::T | flag::L | flag::S,
            Self::Data(h) => {
                let mut flags = 0;
                if h.with_length {
                    flags |= flag::L;
                }
                if h.sequence.is_some() {
                    flags |= flag::S;
                }
                if h.offset_pad.is_some() {
                    flags |= flag::O;
                }
                if h.priority {
                    flags |= flag::P;
                }
                flags
            }
        }
    }

    /// The number of octets [`HeaderRepr::emit`] writes.
    pub fn header_len(&self) -> usize {
        match self {
            Self::Control(_) => CONTROL_HEADER_LEN,
            Self::Data(h) => {
                6 + if h.with_length { 2 } else { 0 }
                    + if h.sequence.is_some() { 4 } else { 0 }
                    + h.offset_pad.map_or(0, |pad| 2 + usize::from(pad))
            }
        }
    }

    /// Writes the header at the start of `out`, with Length covering `payload_len` more octets;
    /// returns the header length. The payload itself is the caller's to place after it.
    pub fn emit(&self, out: &mut [u8], payload_len: usize) -> Result<usize, WireError> {
        let header_len = self.header_len();
        let total = header_len + payload_len;
        let length = u16::try_from(total).map_err(|_| WireError::MessageTooLong(total))?;
        let available = out.len();
        let out = out.get_mut(..header_len).ok_or(WireError::BufferTooSmall {
            needed: header_len,
            available,
        })?;
        let (tunnel_id, session_id, sequence, offset_pad, with_length) = match self {
            Self::Control(h) => (
                h.tunnel_id,
                h.session_id,
                Some(Sequence { ns: h.ns, nr: h.nr }),
                None,
                true,
            ),
            Self::Data(h) => (
                h.tunnel_id,
                h.session_id,
                h.sequence,
                h.offset_pad,
                h.with_length,
            ),
        };
        // Every optional field in order; absent ones are skipped. No allocation: this runs
        // once per data packet.
        let words = [
            with_length.then_some(length),
            Some(tunnel_id),
            Some(session_id),
            sequence.map(|s| s.ns),
            sequence.map(|s| s.nr),
            offset_pad,
        ];
        out.fill(0);
        let mut cursor = out.iter_mut();
        for byte in [self.flags(), L2TP_VERSION]
            .into_iter()
            .chain(words.into_iter().flatten().flat_map(u16::to_be_bytes))
        {
            if let Some(slot) = cursor.next() {
                *slot = byte;
            }
        }
        Ok(header_len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A HELLO-sized control header: Length 20, tunnel 0x1234, session 0, Ns 3, Nr 7.
    static CONTROL: [u8; 12] = [
        0xc8, 0x02, // T=1 L=1 S=1, Ver=2
        0x00, 0x14, // Length 20
        0x12, 0x34, // Tunnel ID
        0x00, 0x00, // Session ID
        0x00, 0x03, // Ns
        0x00, 0x07, // Nr
    ];

    #[test]
    fn control_header_parse_and_emit() {
        let mut bytes = CONTROL.to_vec();
        bytes.extend_from_slice(&[0; 8]);
        let packet = Packet::new_checked(&bytes[..]).expect("valid");
        let repr = HeaderRepr::parse(&packet, OffsetPadLimit::default()).expect("valid");
        let expected = ControlHeader {
            tunnel_id: 0x1234,
            session_id: 0,
            ns: 3,
            nr: 7,
        };
        assert_eq!(repr, HeaderRepr::Control(expected));
        assert_eq!(packet.payload().len(), 8);
        let mut out = [0xffu8; 12];
        assert_eq!(HeaderRepr::Control(expected).emit(&mut out, 8), Ok(12));
        assert_eq!(out, CONTROL);
    }

    #[test]
    fn rejects_other_versions_and_lying_lengths() {
        assert_eq!(
            Packet::new_checked(&[0xc8, 0x03][..]).err(),
            Some(WireError::BadVersion(3))
        );
        assert_eq!(
            Packet::new_checked(&[0xc8][..]).err(),
            Some(WireError::Truncated)
        );
        assert_eq!(
            Packet::new_checked(&CONTROL[..]).err(),
            Some(WireError::BadLength {
                length: 20,
                header_len: 12,
                available: 12
            })
        );
        let mut short = CONTROL;
        short[3] = 10;
        assert!(matches!(
            Packet::new_checked(&short[..]),
            Err(WireError::BadLength { length: 10, .. })
        ));
    }

    #[test]
    fn control_needs_length_and_sequence_and_no_offset() {
        // T=1 but S=0.
        let bytes = [0xc0, 0x02, 0x00, 0x08, 0, 1, 0, 0];
        let packet = Packet::new_checked(&bytes[..]).expect("well formed");
        assert_eq!(
            HeaderRepr::parse(&packet, OffsetPadLimit::default()),
            Err(WireError::ControlFlags { flags: 0xc0 })
        );
        // T=1 L=1 S=1 O=1 with an empty pad.
        let bytes = [0xca, 0x02, 0, 14, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        let packet = Packet::new_checked(&bytes[..]).expect("well formed");
        assert_eq!(
            HeaderRepr::parse(&packet, OffsetPadLimit::default()),
            Err(WireError::ControlFlags { flags: 0xca })
        );
    }

    #[test]
    fn offset_pad_limit_is_never_below_sixteen() {
        assert_eq!(OffsetPadLimit::new(0).get(), 16);
        assert_eq!(OffsetPadLimit::new(64).get(), 64);
        // Data, O=1, offset 17, then the pad and one payload byte.
        let mut bytes = vec![0x02, 0x02, 0, 1, 0, 2, 0, 17];
        bytes.extend_from_slice(&[0; 17]);
        bytes.push(0xff);
        let packet = Packet::new_checked(&bytes[..]).expect("well formed");
        assert_eq!(
            HeaderRepr::parse(&packet, OffsetPadLimit::new(0)),
            Err(WireError::OffsetPadTooLong {
                size: 17,
                limit: 16
            })
        );
        assert!(HeaderRepr::parse(&packet, OffsetPadLimit::new(17)).is_ok());
        assert_eq!(packet.payload(), &[0xff]);
    }

    fn data_header() -> impl Strategy<Value = DataHeader> {
        (
            any::<u16>(),
            any::<u16>(),
            any::<bool>(),
            proptest::option::of(
                (any::<u16>(), any::<u16>()).prop_map(|(ns, nr)| Sequence { ns, nr }),
            ),
            proptest::option::of(0u16..=16),
            any::<bool>(),
        )
            .prop_map(
                |(tunnel_id, session_id, with_length, sequence, offset_pad, priority)| DataHeader {
                    tunnel_id,
                    session_id,
                    with_length,
                    sequence,
                    offset_pad,
                    priority,
                },
            )
    }

    proptest! {
        #[test]
        fn data_header_round_trip(header in data_header(), payload in proptest::collection::vec(any::<u8>(), 0..32)) {
            let repr = HeaderRepr::Data(header);
            let mut bytes = vec![0u8; repr.header_len() + payload.len()];
            let len = repr.emit(&mut bytes, payload.len()).expect("fits");
            bytes[len..].copy_from_slice(&payload);
            let packet = Packet::new_checked(&bytes[..]).expect("valid");
            prop_assert_eq!(HeaderRepr::parse(&packet, OffsetPadLimit::default()), Ok(repr));
            prop_assert_eq!(packet.payload(), &payload[..]);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(packet) = Packet::new_checked(&bytes[..]) {
                let _ = HeaderRepr::parse(&packet, OffsetPadLimit::default());
                prop_assert!(packet.header_len() + packet.payload().len() <= bytes.len());
            }
        }
    }
}
