//! The PPP wire formats: the protocol field, the control packet shared by LCP and the NCPs,
//! the configuration options, and the PAP/CHAP authentication packets.

pub mod auth;
pub mod control;
mod error;
pub mod options;

pub use error::PppError;

/// The PPP protocol numbers this router speaks (RFC 1661 §2, assigned numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    Lcp,
    Pap,
    Chap,
    Ipcp,
    Ip,
    Other(u16),
}

impl Protocol {
    pub fn from_number(number: u16) -> Protocol {
        match number {
            0xC021 => Protocol::Lcp,
            0xC023 => Protocol::Pap,
            0xC223 => Protocol::Chap,
            0x8021 => Protocol::Ipcp,
            0x0021 => Protocol::Ip,
            other => Protocol::Other(other),
        }
    }

    pub fn number(self) -> u16 {
        match self {
            Protocol::Lcp => 0xC021,
            Protocol::Pap => 0xC023,
            Protocol::Chap => 0xC223,
            Protocol::Ipcp => 0x8021,
            Protocol::Ip => 0x0021,
            Protocol::Other(other) => other,
        }
    }
}

/// HDLC-like Address and Control fields (RFC 1662 §3.1).
pub const ADDRESS_CONTROL: [u8; 2] = [0xFF, 0x03];

/// The frame without a leading 0xFF 0x03. L2TP may carry them (RFC 2661 §5.1 leaves it to
/// the sender; Linux's PPPoL2TP and xl2tpd send them), PPPoE never does (RFC 2516 §7): a
/// LAC takes them off what it relays to a PPPoE client, whose PPP would otherwise read
/// 0xFF03 as the protocol.
pub fn strip_address_control(frame: &[u8]) -> &[u8] {
    frame.strip_prefix(&ADDRESS_CONTROL).unwrap_or(frame)
}

/// Splits a PPP frame into its protocol and information field. A leading 0xFF 0x03
/// (address and control, RFC 1662 §3.1) is skipped, since peers that did not negotiate ACFC
/// send it over L2TP and PPPoE too. A first octet with its low bit set is a protocol field
/// compressed to one octet (PFC, RFC 1661 §6.5): a full field's first octet is always even.
pub fn split_frame(frame: &[u8]) -> Result<(Protocol, &[u8]), PppError> {
    let frame = strip_address_control(frame);
    match frame {
        [first, rest @ ..] if first & 1 == 1 => Ok((Protocol::from_number(*first as u16), rest)),
        [high, low, rest @ ..] => {
            let number = u16::from_be_bytes([*high, *low]);
            if low & 1 == 0 {
                return Err(PppError::BadProtocol(number));
            }
            Ok((Protocol::from_number(number), rest))
        }
        _ => Err(PppError::Truncated),
    }
}

/// Writes the protocol field; `compress` only after the peer acked PFC, and only for numbers
/// below 0x100 (RFC 1661 §6.5: LCP packets always carry the full field).
pub fn emit_protocol(protocol: Protocol, compress: bool, out: &mut Vec<u8>) {
    let number = protocol.number();
    if compress && number < 0x100 && protocol != Protocol::Lcp {
        out.push(number as u8);
    } else {
        out.extend_from_slice(&number.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_full_compressed_and_address_control_forms() {
        assert_eq!(
            split_frame(&[0xC0, 0x21, 1, 2]).unwrap(),
            (Protocol::Lcp, &[1u8, 2][..])
        );
        assert_eq!(
            split_frame(&[0xFF, 0x03, 0x80, 0x21]).unwrap(),
            (Protocol::Ipcp, &[][..])
        );
        assert_eq!(
            split_frame(&[0x21, 0x45]).unwrap(),
            (Protocol::Ip, &[0x45u8][..])
        );
        assert_eq!(split_frame(&[]), Err(PppError::Truncated));
        assert_eq!(split_frame(&[0xC0]), Err(PppError::Truncated));
        assert_eq!(
            split_frame(&[0xC0, 0x20]),
            Err(PppError::BadProtocol(0xC020))
        );
    }

    #[test]
    fn compresses_only_small_numbers_and_never_lcp() {
        let mut out = Vec::new();
        emit_protocol(Protocol::Ip, true, &mut out);
        emit_protocol(Protocol::Lcp, true, &mut out);
        emit_protocol(Protocol::Ip, false, &mut out);
        assert_eq!(out, [0x21, 0xC0, 0x21, 0x00, 0x21]);
    }
}
