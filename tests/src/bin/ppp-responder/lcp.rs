//! PPP frames and LCP packets on the wire (RFC 1661 §2, §5, §6): the Protocol field, the LCP
//! header, and Configuration Options. Views over received bytes that refuse a short or lying
//! buffer, and builders for what we send.

/// PPP Protocol number of the Link Control Protocol.
pub const PROTOCOL_LCP: u16 = 0xc021;
/// Address (All-Stations) and Control (Unnumbered Information), RFC 1662 §3.1.
const ADDRESS_CONTROL: [u8; 2] = [0xff, 0x03];
/// Code, Identifier, Length.
const HEADER_LEN: usize = 4;
/// Type and Length of a Configuration Option.
const OPTION_HEADER_LEN: usize = 2;

/// LCP packet codes (RFC 1661 §5): the daemon's PPP codec's.
pub use l2tpd::ppp::wire::control::code;

/// LCP Configuration Option types we act on (RFC 1661 §6).
pub mod option {
    pub const AUTHENTICATION_PROTOCOL: u8 = 3;
    pub const MAGIC_NUMBER: u8 = 5;
}

/// A received PPP frame: its protocol and the information after the Protocol field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PppFrame<'a> {
    pub protocol: u16,
    pub information: &'a [u8],
}

impl<'a> PppFrame<'a> {
    /// Reads a frame with or without Address and Control, and with a one- or two-octet
    /// Protocol field (Address-and-Control-Field- and Protocol-Field-Compression, which a
    /// peer may use even though we never agree to them: RFC 1661 §6.5 and §6.6 ask receivers
    /// to be liberal). `None` for a Protocol field that is not valid.
    pub fn parse(frame: &'a [u8]) -> Option<Self> {
        let rest = frame.strip_prefix(&ADDRESS_CONTROL).unwrap_or(frame);
        let (&first, after_first) = rest.split_first()?;
        // A protocol number is odd in its last octet and even in its first (RFC 1661 §2):
        // an odd first octet is a compressed one-octet field.
        if first & 1 == 1 {
            return Some(Self {
                protocol: u16::from(first),
                information: after_first,
            });
        }
        let (&second, information) = after_first.split_first()?;
        if second & 1 == 0 {
            return None;
        }
        Some(Self {
            protocol: u16::from_be_bytes([first, second]),
            information,
        })
    }
}

/// A PPP frame as we send it: Address and Control, a full Protocol field (LCP packets are
/// never sent compressed, RFC 1661 §6.5 and §6.6), the information.
pub fn build_frame(protocol: u16, information: &[u8]) -> Vec<u8> {
    let mut frame = Vec::with_capacity(4 + information.len());
    frame.extend_from_slice(&ADDRESS_CONTROL);
    frame.extend_from_slice(&protocol.to_be_bytes());
    frame.extend_from_slice(information);
    frame
}

/// An LCP packet read from a frame's information field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LcpPacket<'a> {
    pub code: u8,
    pub identifier: u8,
    /// The octets the Length field covers after the header; padding is left out (§5).
    pub data: &'a [u8],
    /// The whole packet up to its Length, for a Code-Reject.
    pub packet: &'a [u8],
}

impl<'a> LcpPacket<'a> {
    /// `None` when the buffer is shorter than the header or than its own Length field says,
    /// or the Length is shorter than the header: RFC 1661 §5 has such packets silently
    /// discarded.
    pub fn parse(information: &'a [u8]) -> Option<Self> {
        let header: &[u8; HEADER_LEN] = information.get(..HEADER_LEN)?.try_into().ok()?;
        let [code, identifier, length_hi, length_lo] = *header;
        let length = usize::from(u16::from_be_bytes([length_hi, length_lo]));
        if length < HEADER_LEN {
            return None;
        }
        let packet = information.get(..length)?;
        Some(Self {
            code,
            identifier,
            data: packet.get(HEADER_LEN..)?,
            packet,
        })
    }
}

/// The information field of an LCP packet. `data` is cut so the packet fits `max_len` (a
/// Code-Reject or Protocol-Reject quoting a long packet must still fit the peer's MRU).
pub fn build_packet(code: u8, identifier: u8, data: &[u8], max_len: usize) -> Vec<u8> {
    let room = max_len
        .saturating_sub(HEADER_LEN)
        .min(usize::from(u16::MAX) - HEADER_LEN);
    let data = data.get(..room).unwrap_or(data);
    let length = u16::try_from(HEADER_LEN + data.len()).unwrap_or(u16::MAX);
    let mut packet = Vec::with_capacity(HEADER_LEN + data.len());
    packet.push(code);
    packet.push(identifier);
    packet.extend_from_slice(&length.to_be_bytes());
    packet.extend_from_slice(data);
    packet
}

/// One Configuration Option: its type, and the whole option (type and length included) so
/// it can be acknowledged or rejected octet for octet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigOption<'a> {
    pub kind: u8,
    pub raw: &'a [u8],
}

impl ConfigOption<'_> {
    /// The option's value after Type and Length.
    pub fn value(&self) -> &[u8] {
        self.raw.get(OPTION_HEADER_LEN..).unwrap_or_default()
    }
}

/// The options of a Configure-Request, -Ack, -Nak or -Reject; `None` when one's Length is
/// below 2 or runs past the packet, which makes the whole packet malformed.
pub fn parse_options(mut data: &[u8]) -> Option<Vec<ConfigOption<'_>>> {
    let mut options = Vec::new();
    while !data.is_empty() {
        let [kind, length] = *data.get(..OPTION_HEADER_LEN)? else {
            return None;
        };
        let length = usize::from(length);
        if length < OPTION_HEADER_LEN {
            return None;
        }
        let raw = data.get(..length)?;
        options.push(ConfigOption { kind, raw });
        data = data.get(length..)?;
    }
    Some(options)
}

/// The Magic-Number option with `magic`.
pub fn magic_number_option(magic: u32) -> Vec<u8> {
    let mut option = vec![option::MAGIC_NUMBER, 6];
    option.extend_from_slice(&magic.to_be_bytes());
    option
}

/// The value of a well-formed Magic-Number option; `None` for any other option.
pub fn magic_number(option: &ConfigOption<'_>) -> Option<u32> {
    if option.kind != option::MAGIC_NUMBER {
        return None;
    }
    let value: [u8; 4] = option.value().try_into().ok()?;
    Some(u32::from_be_bytes(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// LCP Configure-Request id 1 with ACCM 0, Magic-Number 0x11223344, PFC and ACFC, as a
    /// pppd on a serial line sends it.
    const CONFIGURE_REQUEST: [u8; 24] = [
        0xff, 0x03, 0xc0, 0x21, // address, control, LCP
        0x01, 0x01, 0x00, 0x14, // Configure-Request, id 1, length 20
        0x02, 0x06, 0x00, 0x00, 0x00, 0x00, // ACCM 0
        0x05, 0x06, 0x11, 0x22, 0x33, 0x44, // Magic-Number
        0x07, 0x02, 0x08, 0x02, // PFC, ACFC
    ];

    #[test]
    fn a_configure_request_reads_option_by_option() {
        let frame = PppFrame::parse(&CONFIGURE_REQUEST).expect("frame");
        assert_eq!(frame.protocol, PROTOCOL_LCP);
        let packet = LcpPacket::parse(frame.information).expect("packet");
        assert_eq!(
            (packet.code, packet.identifier),
            (code::CONFIGURE_REQUEST, 1)
        );
        let options = parse_options(packet.data).expect("options");
        let kinds: Vec<u8> = options.iter().map(|o| o.kind).collect();
        assert_eq!(kinds, [2, 5, 7, 8]);
        assert_eq!(magic_number(&options[1]), Some(0x1122_3344));
        assert_eq!(
            magic_number(&options[0]),
            None,
            "ACCM is not a magic number"
        );
        // Rebuilding it gives the same octets.
        let rebuilt = build_frame(
            PROTOCOL_LCP,
            &build_packet(code::CONFIGURE_REQUEST, 1, packet.data, 1500),
        );
        assert_eq!(rebuilt, CONFIGURE_REQUEST);
    }

    #[test]
    fn compressed_fields_are_read() {
        let frame = PppFrame::parse(&[0x21, 0x45, 0x00]).expect("PFC, no ACFC");
        assert_eq!((frame.protocol, frame.information), (0x21, &[0x45, 0][..]));
        let frame = PppFrame::parse(&[0xc0, 0x21, 9]).expect("no address and control");
        assert_eq!(frame.protocol, PROTOCOL_LCP);
        assert_eq!(PppFrame::parse(&[0xc0, 0x20, 9]), None, "even last octet");
        assert_eq!(PppFrame::parse(&[0xff, 0x03]), None);
    }

    #[test]
    fn lying_lengths_are_refused() {
        assert_eq!(LcpPacket::parse(&[9, 1, 0, 3]), None, "below the header");
        assert_eq!(
            LcpPacket::parse(&[9, 1, 0, 9, 0, 0, 0, 0]),
            None,
            "past the end"
        );
        let padded = LcpPacket::parse(&[9, 1, 0, 8, 1, 2, 3, 4, 0, 0]).expect("padded");
        assert_eq!(padded.data, [1, 2, 3, 4]);
        assert_eq!(parse_options(&[5, 6, 0, 0]), None, "option past the end");
        assert_eq!(parse_options(&[7, 1]), None, "option length below 2");
        assert_eq!(parse_options(&[]), Some(vec![]));
    }

    #[test]
    fn a_long_quote_is_cut_to_fit() {
        let packet = build_packet(code::CODE_REJECT, 3, &[0xaa; 100], 20);
        assert_eq!(packet.len(), 20);
        assert_eq!(&packet[..4], [7, 3, 0, 20]);
    }

    proptest! {
        #[test]
        fn arbitrary_frames_never_panic(frame in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Some(ppp) = PppFrame::parse(&frame) {
                if let Some(packet) = LcpPacket::parse(ppp.information) {
                    prop_assert!(packet.packet.len() <= ppp.information.len());
                    if let Some(options) = parse_options(packet.data) {
                        for option in options {
                            let _ = magic_number(&option);
                            prop_assert!(option.raw.len() >= 2);
                        }
                    }
                }
            }
        }

        #[test]
        fn built_packets_parse_back(code: u8, id: u8,
                                    data in proptest::collection::vec(any::<u8>(), 0..64)) {
            let info = build_packet(code, id, &data, 1500);
            let frame = build_frame(PROTOCOL_LCP, &info);
            let ppp = PppFrame::parse(&frame).expect("frame");
            let packet = LcpPacket::parse(ppp.information).expect("packet");
            prop_assert_eq!((packet.code, packet.identifier, packet.data), (code, id, &data[..]));
        }
    }
}
