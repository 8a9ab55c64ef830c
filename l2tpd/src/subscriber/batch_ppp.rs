//! The least PPP a bench batch call does so that the LNS keeps it as it keeps a live
//! subscriber: IPCP asking for an address (RFC 1332: Configure-Request for 0.0.0.0, the
//! LNS's Nak'ed address asked for again, the LNS's own Configure-Request acknowledged), and
//! LCP Echo-Requests answered (RFC 1661 §5.8). Without it an LNS ends the call after its
//! negotiation timeout (ours: 60 s), or after its keepalives go unanswered; a walk of a
//! 65,000-session table through snmpd takes longer than either.
//!
//! Frames come from the LNS over L2TP, with or without Address and Control (RFC 2661
//! §5.1); answers take the same form. Nothing here panics on what the LNS sends.

use std::net::Ipv4Addr;

use super::echo;

/// PPP protocol number of IPCP.
const PROTOCOL_IPCP: [u8; 2] = [0x80, 0x21];
const ADDRESS_CONTROL: [u8; 2] = [0xff, 0x03];
/// Control packet codes (RFC 1661 §5).
const CONFIGURE_REQUEST: u8 = 1;
const CONFIGURE_ACK: u8 = 2;
const CONFIGURE_NAK: u8 = 3;
/// IPCP option IP-Address (RFC 1332 §3.3).
const OPTION_IP_ADDRESS: u8 = 3;

/// What a frame from the LNS asks of a batch call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// An LCP Echo-Request: send this Echo-Reply back.
    EchoReply(Vec<u8>),
    /// The LNS's IPCP Configure-Request: send this Configure-Ack back (whatever the LNS
    /// says about itself is fine by a client).
    PeerRequest(Vec<u8>),
    /// The LNS Nak'ed our request `identifier` with this address to ask for.
    Nak {
        identifier: u8,
        address: Ipv4Addr,
    },
    /// The LNS acknowledged our request `identifier`.
    Acked {
        identifier: u8,
    },
    Nothing,
}

/// A batch call's side of IPCP. An LNS starts IPCP only on the client's first packet, and
/// L2TP data messages are not retransmitted (the first may even overtake the ICCN to an
/// LNS whose session is not up yet; a burst of 65,000 loses some in each direction). No
/// request may reach an LNS whose IPCP is already open: that renegotiates, and a
/// subscriber that loses IP is logged out. So:
/// - only the Nak of the current request is followed;
/// - the first request (0.0.0.0) goes again every second until the LNS answers it: an
///   LNS that has not answered it cannot have IPCP open;
/// - a later request goes again only when the LNS sends its own Configure-Request while
///   ours is unanswered: an LNS whose IPCP is open sends none, one still negotiating
///   repeats its own at its Restart interval (RFC 1661 §4.6), so our lost request (or its
///   lost Nak) is made good at the LNS's pace. Only a request of the LNS crossing the
///   Ack that opens its IPCP could still find it open, which takes a round trip of the
///   LNS's whole Restart interval (3 s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIpcp {
    identifier: u8,
    address: Ipv4Addr,
    /// The LNS answered the current request (Nak'ed or Acked it).
    answered: bool,
}

/// How often the first request goes again until the LNS answers it.
pub const FIRST_RESTART: std::time::Duration = std::time::Duration::from_secs(1);

impl Default for ClientIpcp {
    fn default() -> Self {
        ClientIpcp {
            identifier: 1,
            address: Ipv4Addr::UNSPECIFIED,
            answered: false,
        }
    }
}

impl ClientIpcp {
    /// The current Configure-Request.
    pub fn request(&self) -> Vec<u8> {
        ipcp_request(self.identifier, self.address)
    }

    /// When the current request goes again by the clock: only the first, unanswered.
    pub fn restart(&self) -> Option<std::time::Duration> {
        (!self.answered && self.address.is_unspecified()).then_some(FIRST_RESTART)
    }

    /// Follows what the LNS sent; returns the frames to send back.
    pub fn handle(&mut self, answer: Answer) -> Vec<Vec<u8>> {
        match answer {
            Answer::EchoReply(frame) => vec![frame],
            Answer::PeerRequest(ack) if self.answered => vec![ack],
            Answer::PeerRequest(ack) => vec![ack, self.request()],
            Answer::Nak {
                identifier,
                address,
            } => {
                if identifier != self.identifier || self.answered {
                    return Vec::new();
                }
                self.identifier = identifier.wrapping_add(1);
                self.address = address;
                vec![self.request()]
            }
            Answer::Acked { identifier } => {
                self.answered |= identifier == self.identifier;
                Vec::new()
            }
            Answer::Nothing => Vec::new(),
        }
    }
}

/// An IPCP Configure-Request for `address` (0.0.0.0: "give me one").
pub fn ipcp_request(identifier: u8, address: Ipv4Addr) -> Vec<u8> {
    let mut frame = Vec::with_capacity(14);
    frame.extend_from_slice(&ADDRESS_CONTROL);
    frame.extend_from_slice(&PROTOCOL_IPCP);
    frame.extend_from_slice(&[CONFIGURE_REQUEST, identifier, 0, 10, OPTION_IP_ADDRESS, 6]);
    frame.extend_from_slice(&address.octets());
    frame
}

/// Reads one frame from the LNS for a batch call whose Magic-Number is `magic`.
pub fn answer(frame: &[u8], magic: u32) -> Answer {
    if let Some(lcp) = echo::parse(frame) {
        if lcp.reply {
            return Answer::Nothing;
        }
        return Answer::EchoReply(echo::build(
            true,
            lcp.identifier,
            magic,
            lcp.data,
            lcp.framed,
        ));
    }
    let (framed, rest) = match frame.strip_prefix(&ADDRESS_CONTROL) {
        Some(rest) => (true, rest),
        None => (false, frame),
    };
    let Some(ipcp) = rest.strip_prefix(&PROTOCOL_IPCP) else {
        return Answer::Nothing;
    };
    let Some(&[code, identifier, len_hi, len_lo]) = ipcp.get(..4) else {
        return Answer::Nothing;
    };
    let length = usize::from(u16::from_be_bytes([len_hi, len_lo]));
    let Some(options) = ipcp.get(4..length) else {
        return Answer::Nothing;
    };
    match code {
        CONFIGURE_REQUEST => {
            let mut ack = Vec::with_capacity(8 + options.len());
            if framed {
                ack.extend_from_slice(&ADDRESS_CONTROL);
            }
            ack.extend_from_slice(&PROTOCOL_IPCP);
            ack.extend_from_slice(&[CONFIGURE_ACK, identifier, len_hi, len_lo]);
            ack.extend_from_slice(options);
            Answer::PeerRequest(ack)
        }
        CONFIGURE_NAK => match ip_address(options) {
            Some(address) => Answer::Nak {
                identifier,
                address,
            },
            None => Answer::Nothing,
        },
        CONFIGURE_ACK => Answer::Acked { identifier },
        _ => Answer::Nothing,
    }
}

/// The IP-Address option among `options`, if any.
fn ip_address(mut options: &[u8]) -> Option<Ipv4Addr> {
    while let Some(&[kind, length]) = options.get(..2) {
        let length = usize::from(length);
        let option = options.get(..length).filter(|_| length >= 2)?;
        if kind == OPTION_IP_ADDRESS {
            let octets: [u8; 4] = option.get(2..6)?.try_into().ok()?;
            return Some(Ipv4Addr::from(octets));
        }
        options = options.get(length..)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_lns_request_is_acked_and_its_nak_read() {
        // The LNS's Configure-Request (its own address), without Address and Control.
        let request = [0x80, 0x21, 1, 7, 0, 10, 3, 6, 198, 19, 0, 1];
        let mut ack = request.to_vec();
        ack[2] = CONFIGURE_ACK;
        assert_eq!(answer(&request, 9), Answer::PeerRequest(ack));
        // Its Nak of our 0.0.0.0 with 198.19.0.10 (after a DNS option), framed.
        let nak = [
            0xff, 0x03, 0x80, 0x21, 3, 1, 0, 16, 129, 6, 0, 0, 0, 0, 3, 6, 198, 19, 0, 10,
        ];
        assert_eq!(
            answer(&nak, 9),
            Answer::Nak {
                identifier: 1,
                address: Ipv4Addr::new(198, 19, 0, 10)
            }
        );
        let acked = [0xff, 0x03, 0x80, 0x21, 2, 2, 0, 10, 3, 6, 198, 19, 0, 10];
        assert_eq!(answer(&acked, 9), Answer::Acked { identifier: 2 });
        // A Nak without an address, or with a lying option length, asks nothing.
        assert_eq!(answer(&[0x80, 0x21, 3, 1, 0, 4], 9), Answer::Nothing);
        assert_eq!(answer(&[0x80, 0x21, 3, 1, 0, 6, 3, 0], 9), Answer::Nothing);
    }

    #[test]
    fn an_echo_request_is_answered_with_our_magic() {
        let request = echo::build(false, 4, 0x1111, b"lns", true);
        assert_eq!(
            answer(&request, 0x2222),
            Answer::EchoReply(echo::build(true, 4, 0x2222, b"lns", true))
        );
        let reply = echo::build(true, 4, 0x1111, b"", false);
        assert_eq!(answer(&reply, 0x2222), Answer::Nothing);
    }

    /// The LNS answered a request sent twice with two Naks: only the first is followed,
    /// so no second request reaches an LNS that may have opened IPCP meanwhile. A later
    /// request goes again only with the LNS's own requests, and never once Acked.
    #[test]
    fn only_the_current_request_is_followed() {
        let mut ipcp = ClientIpcp::default();
        assert_eq!(ipcp.restart(), Some(FIRST_RESTART));
        let address = Ipv4Addr::new(198, 19, 0, 10);
        let nak = Answer::Nak {
            identifier: 1,
            address,
        };
        assert_eq!(ipcp.handle(nak.clone()), vec![ipcp_request(2, address)]);
        assert_eq!(ipcp.restart(), None, "no clock after the first answer");
        assert_eq!(ipcp.handle(nak), Vec::<Vec<u8>>::new());
        let theirs = Answer::PeerRequest(vec![0x80, 0x21, 2, 5, 0, 4]);
        assert_eq!(
            ipcp.handle(theirs.clone()),
            vec![vec![0x80, 0x21, 2, 5, 0, 4], ipcp_request(2, address)],
            "the LNS still negotiates: ours goes with our Ack"
        );
        assert!(ipcp.handle(Answer::Acked { identifier: 1 }).is_empty());
        assert!(!ipcp.answered);
        assert!(ipcp.handle(Answer::Acked { identifier: 2 }).is_empty());
        assert_eq!(ipcp.handle(theirs), vec![vec![0x80, 0x21, 2, 5, 0, 4]]);
        let late = Answer::Nak {
            identifier: 2,
            address,
        };
        assert!(ipcp.handle(late).is_empty());
    }

    #[test]
    fn our_request_asks_for_any_address() {
        assert_eq!(
            ipcp_request(1, Ipv4Addr::UNSPECIFIED),
            [0xff, 0x03, 0x80, 0x21, 1, 1, 0, 10, 3, 6, 0, 0, 0, 0]
        );
    }

    proptest! {
        #[test]
        fn never_panics(frame in proptest::collection::vec(any::<u8>(), 0..40), magic: u32) {
            let _ = answer(&frame, magic);
            let mut ipcp = vec![0x80, 0x21];
            ipcp.extend_from_slice(&frame);
            let _ = answer(&ipcp, magic);
        }
    }
}
