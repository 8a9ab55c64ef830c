//! PPP in HDLC-like framing for asynchronous links (RFC 1662 §4 and §7): what pppd reads and
//! writes on the pty xl2tpd hands it. Frames are delimited by Flag octets, the Flag and
//! Control Escape octets (and control characters) inside a frame are escaped, and a 16-bit
//! FCS closes each frame.

/// Flag Sequence: opens and closes a frame.
pub const FLAG: u8 = 0x7e;
/// Control Escape: the next octet was XORed with `TRANSPARENCY`.
pub const ESCAPE: u8 = 0x7d;
const TRANSPARENCY: u8 = 0x20;
/// FCS-16 register before the first octet (RFC 1662 §C.2).
const FCS_INITIAL: u16 = 0xffff;
/// FCS-16 register after a whole frame including its FCS, when nothing was damaged.
const FCS_GOOD: u16 = 0xf0b8;
/// The FCS-16 generator x^16 + x^12 + x^5 + 1, bit-reversed for LSB-first transmission.
const FCS_POLYNOMIAL: u16 = 0x8408;
/// The longest frame kept while decoding: well above the 1500-octet default MRU plus header
/// and FCS. Longer input is a framing fault (a lost Flag), dropped up to the next Flag so a
/// peer that never sends one cannot grow our memory.
pub const MAX_FRAME: usize = 4096;

/// Folds `data` into the FCS-16 register `fcs`.
pub fn fcs16(mut fcs: u16, data: &[u8]) -> u16 {
    for &octet in data {
        fcs ^= u16::from(octet);
        for _ in 0..8 {
            fcs = if fcs & 1 == 1 {
                (fcs >> 1) ^ FCS_POLYNOMIAL
            } else {
                fcs >> 1
            };
        }
    }
    fcs
}

/// The FCS a sender appends to `frame`: the one's complement of the register, least
/// significant octet first.
pub fn frame_check_sequence(frame: &[u8]) -> [u8; 2] {
    (!fcs16(FCS_INITIAL, frame)).to_le_bytes()
}

/// Whether `octet` is sent escaped. We never negotiate an ACCM, so every control character
/// stays mapped (RFC 1662 §7.1 default), which any receiver accepts whatever it asked for.
fn must_escape(octet: u8) -> bool {
    octet < 0x20 || octet == FLAG || octet == ESCAPE
}

fn push_escaped(out: &mut Vec<u8>, octet: u8) {
    if must_escape(octet) {
        out.push(ESCAPE);
        out.push(octet ^ TRANSPARENCY);
    } else {
        out.push(octet);
    }
}

/// One frame (Address, Control, Protocol, Information) ready for the line: opening Flag,
/// escaped content and FCS, closing Flag.
pub fn encode(frame: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(frame.len() * 2 + 6);
    out.push(FLAG);
    for &octet in frame.iter().chain(frame_check_sequence(frame).iter()) {
        push_escaped(&mut out, octet);
    }
    out.push(FLAG);
    out
}

/// Why received octets did not make a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discard {
    /// The FCS did not check: the frame was damaged.
    BadFcs { length: usize },
    /// Fewer octets than an FCS and a protocol number.
    Runt { length: usize },
    /// Control Escape then Flag: the sender aborted the frame (RFC 1662 §4.4.1).
    Aborted,
    /// More than `MAX_FRAME` octets without a Flag.
    TooLong,
}

/// What one received Flag-delimited unit turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// A frame whose FCS checked, without the FCS.
    Frame(Vec<u8>),
    Discarded(Discard),
}

/// Reassembles frames from a byte stream that arrives in arbitrary pieces.
#[derive(Debug, Default)]
pub struct Decoder {
    frame: Vec<u8>,
    escaped: bool,
    /// Dropping octets until the next Flag after an over-long frame.
    overflowed: bool,
}

impl Decoder {
    /// Feeds received octets; returns every frame (or discard) they completed.
    pub fn push(&mut self, octets: &[u8]) -> Vec<Received> {
        let mut out = Vec::new();
        for &octet in octets {
            match octet {
                FLAG => {
                    if let Some(received) = self.close() {
                        out.push(received);
                    }
                }
                _ if self.overflowed => {}
                ESCAPE => self.escaped = true,
                // An unescaped control character was inserted by the link, not the peer,
                // under the default ACCM (RFC 1662 §7.1): drop it.
                _ if octet < 0x20 => {}
                _ => {
                    let octet = if self.escaped {
                        octet ^ TRANSPARENCY
                    } else {
                        octet
                    };
                    self.escaped = false;
                    if self.frame.len() == MAX_FRAME {
                        self.frame.clear();
                        self.overflowed = true;
                        out.push(Received::Discarded(Discard::TooLong));
                    } else {
                        self.frame.push(octet);
                    }
                }
            }
        }
        out
    }

    /// A Flag arrived: what the octets since the previous one were. Back-to-back Flags
    /// (the inter-frame fill and the shared closing/opening Flag) are nothing.
    fn close(&mut self) -> Option<Received> {
        let frame = std::mem::take(&mut self.frame);
        let escaped = std::mem::replace(&mut self.escaped, false);
        if std::mem::replace(&mut self.overflowed, false) {
            return None;
        }
        if escaped {
            return Some(Received::Discarded(Discard::Aborted));
        }
        if frame.is_empty() {
            return None;
        }
        // FCS (2) and at least a compressed protocol number (1).
        if frame.len() < 3 {
            return Some(Received::Discarded(Discard::Runt {
                length: frame.len(),
            }));
        }
        if fcs16(FCS_INITIAL, &frame) != FCS_GOOD {
            return Some(Received::Discarded(Discard::BadFcs {
                length: frame.len(),
            }));
        }
        let mut frame = frame;
        frame.truncate(frame.len() - 2);
        Some(Received::Frame(frame))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fcs16_of_the_standard_check_string() {
        // CRC-16/X-25 (the PPP FCS-16) of "123456789" is 0x906e.
        assert_eq!(!fcs16(FCS_INITIAL, b"123456789"), 0x906e);
        assert_eq!(frame_check_sequence(b"123456789"), [0x6e, 0x90]);
        // A frame followed by its own FCS leaves the good-FCS constant (RFC 1662 §C.2).
        let mut framed = b"123456789".to_vec();
        framed.extend_from_slice(&frame_check_sequence(b"123456789"));
        assert_eq!(fcs16(FCS_INITIAL, &framed), FCS_GOOD);
    }

    #[test]
    fn flag_escape_and_control_characters_are_escaped() {
        let frame = [0xff, 0x03, 0x7e, 0x7d, 0x00, 0x1f, 0x20, 0x41];
        let line = encode(&frame);
        let [fcs_lo, fcs_hi] = frame_check_sequence(&frame);
        let mut expected = vec![
            0x7e, 0xff, 0x7d, 0x23, 0x7d, 0x5e, 0x7d, 0x5d, 0x7d, 0x20, 0x7d, 0x3f, 0x20, 0x41,
        ];
        for octet in [fcs_lo, fcs_hi] {
            push_escaped(&mut expected, octet);
        }
        expected.push(0x7e);
        assert_eq!(line, expected);
        // Between the Flags, no Flag and no control character is left on the line.
        let inner = &line[1..line.len() - 1];
        assert!(inner.iter().all(|&o| o != FLAG && o >= 0x20), "{line:02x?}");
    }

    #[test]
    fn a_known_lcp_echo_request_decodes() {
        // LCP Echo-Request id 1, magic 0x01020304, as pppd writes it, built by hand.
        let frame = [0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 1, 2, 3, 4];
        let mut decoder = Decoder::default();
        let line = encode(&frame);
        // Delivered one octet at a time, as a pty may.
        let mut got = Vec::new();
        for octet in &line {
            got.extend(decoder.push(&[*octet]));
        }
        assert_eq!(got, [Received::Frame(frame.to_vec())]);
    }

    #[test]
    fn damage_is_discarded_and_the_next_frame_still_decodes() {
        let good = encode(&[0xc0, 0x21, 9, 1, 0, 4]);
        let mut bad = good.clone();
        bad[1] ^= 0x01;
        let mut decoder = Decoder::default();
        let mut input = bad;
        input.extend_from_slice(&[0x41, ESCAPE, FLAG]); // aborted frame
        input.extend_from_slice(&[0x41, FLAG]); // runt
        input.extend_from_slice(&good);
        let got = decoder.push(&input);
        assert_eq!(
            got,
            [
                Received::Discarded(Discard::BadFcs { length: 8 }),
                Received::Discarded(Discard::Aborted),
                Received::Discarded(Discard::Runt { length: 1 }),
                Received::Frame(vec![0xc0, 0x21, 9, 1, 0, 4]),
            ]
        );
    }

    #[test]
    fn an_endless_frame_is_dropped_up_to_the_next_flag() {
        let mut decoder = Decoder::default();
        let got = decoder.push(&vec![0x41; MAX_FRAME + 100]);
        assert_eq!(got, [Received::Discarded(Discard::TooLong)]);
        assert_eq!(decoder.push(&[FLAG]), []);
        let frame = [0xc0, 0x21, 5, 2, 0, 4];
        assert_eq!(
            decoder.push(&encode(&frame)),
            [Received::Frame(frame.to_vec())]
        );
    }

    proptest! {
        #[test]
        fn encode_then_decode_round_trips(
            frames in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..300), 1..5),
            cut in any::<prop::sample::Index>(),
        ) {
            let line: Vec<u8> = frames.iter().flat_map(|f| encode(f)).collect();
            let at = cut.index(line.len() + 1);
            let mut decoder = Decoder::default();
            let mut got = decoder.push(&line[..at]);
            got.extend(decoder.push(&line[at..]));
            let expected: Vec<Received> = frames.iter().cloned().map(Received::Frame).collect();
            prop_assert_eq!(got, expected);
        }

        #[test]
        fn arbitrary_input_never_panics(line in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let mut decoder = Decoder::default();
            for received in decoder.push(&line) {
                if let Received::Frame(frame) = received {
                    prop_assert!(frame.len() <= MAX_FRAME);
                }
            }
        }
    }
}
