//! LCP echo (RFC 1661 §5.8) on the L2TP data channel for `test services l2tp tunnel`: the
//! LAC's test call proves the data path with an Echo-Request, which the LNS's PPP (ours, or
//! any other: the test call carries proxy LCP, so LCP is open there) answers.
//!
//! L2TP carries PPP frames without HDLC flags and FCS; the Address and Control fields
//! (0xff 0x03) may or may not be present (RFC 2661 §5.1), so both forms are read.

use crate::ppp::wire::control::code::{ECHO_REPLY, ECHO_REQUEST};

/// PPP protocol number of LCP.
const PROTOCOL_LCP: [u8; 2] = [0xc0, 0x21];
/// HDLC-like Address and Control fields.
const ADDRESS_CONTROL: [u8; 2] = [0xff, 0x03];
/// Code, Identifier, Length, Magic-Number.
const ECHO_HEADER_LEN: usize = 8;

/// An LCP echo packet read from a PPP frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Echo<'a> {
    pub reply: bool,
    pub identifier: u8,
    pub magic: u32,
    /// Data after the Magic-Number, echoed back unchanged.
    pub data: &'a [u8],
    /// The frame had Address and Control fields.
    pub framed: bool,
}

/// Reads an LCP Echo-Request or Echo-Reply; anything else (or a malformed packet) is `None`.
pub fn parse(frame: &[u8]) -> Option<Echo<'_>> {
    let (framed, rest) = match frame.strip_prefix(&ADDRESS_CONTROL) {
        Some(rest) => (true, rest),
        None => (false, frame),
    };
    let lcp = rest.strip_prefix(&PROTOCOL_LCP)?;
    let header: &[u8; ECHO_HEADER_LEN] = lcp.get(..ECHO_HEADER_LEN)?.try_into().ok()?;
    let [code, identifier, len_hi, len_lo, m0, m1, m2, m3] = *header;
    let reply = match code {
        ECHO_REQUEST => false,
        ECHO_REPLY => true,
        _ => return None,
    };
    // The Length field covers the LCP packet; octets beyond it are padding (RFC 1661 §5).
    let length = usize::from(u16::from_be_bytes([len_hi, len_lo]));
    let data = lcp.get(ECHO_HEADER_LEN..length)?;
    Some(Echo {
        reply,
        identifier,
        magic: u32::from_be_bytes([m0, m1, m2, m3]),
        data,
        framed,
    })
}

/// Builds an LCP echo frame, with Address and Control fields when `framed`.
pub fn build(reply: bool, identifier: u8, magic: u32, data: &[u8], framed: bool) -> Vec<u8> {
    let mut frame = Vec::with_capacity(4 + ECHO_HEADER_LEN + data.len());
    if framed {
        frame.extend_from_slice(&ADDRESS_CONTROL);
    }
    frame.extend_from_slice(&PROTOCOL_LCP);
    frame.push(if reply { ECHO_REPLY } else { ECHO_REQUEST });
    frame.push(identifier);
    // Echo data is bounded by the L2TP payload (< 64 KiB); saturate rather than wrap.
    let length = u16::try_from(ECHO_HEADER_LEN + data.len()).unwrap_or(u16::MAX);
    frame.extend_from_slice(&length.to_be_bytes());
    frame.extend_from_slice(&magic.to_be_bytes());
    frame.extend_from_slice(data);
    frame
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_request_is_built_in_either_form() {
        let request = build(false, 7, 0x0102_0304, b"ping", true);
        assert_eq!(
            request,
            [0xff, 0x03, 0xc0, 0x21, 9, 7, 0, 12, 1, 2, 3, 4, b'p', b'i', b'n', b'g']
        );
        let bare = build(true, 1, 0, &[], false);
        assert_eq!(bare, [0xc0, 0x21, 10, 1, 0, 8, 0, 0, 0, 0]);
        let echo = parse(&bare).expect("an echo reply");
        assert!(echo.reply && !echo.framed);
    }

    #[test]
    fn other_frames_are_not_echoes() {
        // LCP Configure-Request, IPCP, truncated, lying length.
        assert_eq!(parse(&[0xc0, 0x21, 1, 1, 0, 4]), None);
        assert_eq!(parse(&[0x80, 0x21, 9, 1, 0, 8, 0, 0, 0, 0]), None);
        assert_eq!(parse(&[0xc0, 0x21, 9, 1, 0, 8, 0]), None);
        assert_eq!(parse(&[0xc0, 0x21, 9, 1, 0, 20, 0, 0, 0, 0]), None);
        assert_eq!(parse(&[0xc0, 0x21, 9, 1, 0, 4, 0, 0, 0, 0]), None);
    }

    #[test]
    fn padding_after_the_length_is_not_echoed() {
        let mut frame = build(false, 3, 9, b"ab", false);
        frame.extend_from_slice(&[0, 0, 0]);
        assert_eq!(parse(&frame).map(|e| e.data), Some(&b"ab"[..]));
    }

    proptest! {
        #[test]
        fn parse_never_panics(frame in proptest::collection::vec(any::<u8>(), 0..40)) {
            let _ = parse(&frame);
        }

        #[test]
        fn build_then_parse(reply: bool, id: u8, magic: u32, framed: bool,
                            data in proptest::collection::vec(any::<u8>(), 0..32)) {
            let frame = build(reply, id, magic, &data, framed);
            let echo = parse(&frame).expect("parses");
            prop_assert_eq!(echo, Echo { reply, identifier: id, magic, data: &data, framed });
        }
    }
}
