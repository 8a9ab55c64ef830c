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
    /// Send this frame back.
    Send(Vec<u8>),
    /// The LNS acknowledged our Configure-Request: our side of IPCP is done.
    Acked,
    Nothing,
}

/// Our IPCP Configure-Request for `address` (0.0.0.0: "give me one"). An LNS starts IPCP
/// only on the client's first packet, so the caller sends it again until it is Acked.
pub fn ipcp_request(identifier: u8, address: Ipv4Addr) -> Vec<u8> {
    let mut frame = Vec::with_capacity(14);
    frame.extend_from_slice(&ADDRESS_CONTROL);
    frame.extend_from_slice(&PROTOCOL_IPCP);
    frame.extend_from_slice(&[CONFIGURE_REQUEST, identifier, 0, 10, OPTION_IP_ADDRESS, 6]);
    frame.extend_from_slice(&address.octets());
    frame
}

/// Answers one frame from the LNS for a batch call whose Magic-Number is `magic`.
pub fn answer(frame: &[u8], magic: u32) -> Answer {
    if let Some(lcp) = echo::parse(frame) {
        if lcp.reply {
            return Answer::Nothing;
        }
        return Answer::Send(echo::build(
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
    let reply = |code: u8, identifier: u8, options: &[u8]| {
        let mut out = Vec::with_capacity(8 + options.len());
        if framed {
            out.extend_from_slice(&ADDRESS_CONTROL);
        }
        out.extend_from_slice(&PROTOCOL_IPCP);
        out.extend_from_slice(&[code, identifier]);
        out.extend_from_slice(
            &u16::try_from(4 + options.len())
                .unwrap_or(u16::MAX)
                .to_be_bytes(),
        );
        out.extend_from_slice(options);
        out
    };
    match code {
        // Whatever the LNS says about itself is fine by a client.
        CONFIGURE_REQUEST => Answer::Send(reply(CONFIGURE_ACK, identifier, options)),
        // The Nak carries the address to ask for (and any option it wants otherwise).
        CONFIGURE_NAK => Answer::Send(reply(
            CONFIGURE_REQUEST,
            identifier.wrapping_add(1),
            options,
        )),
        CONFIGURE_ACK => Answer::Acked,
        _ => Answer::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_lns_request_is_acked_and_its_nak_asked_for() {
        // The LNS's Configure-Request (its own address), without Address and Control.
        let request = [0x80, 0x21, 1, 7, 0, 10, 3, 6, 198, 19, 0, 1];
        let mut ack = request.to_vec();
        ack[2] = CONFIGURE_ACK;
        assert_eq!(answer(&request, 9), Answer::Send(ack));
        // Its Nak of our 0.0.0.0 with 198.19.0.10, framed: asked for, framed.
        let nak = [0xff, 0x03, 0x80, 0x21, 3, 1, 0, 10, 3, 6, 198, 19, 0, 10];
        assert_eq!(
            answer(&nak, 9),
            Answer::Send(ipcp_request(2, Ipv4Addr::new(198, 19, 0, 10)))
        );
        let acked = [0xff, 0x03, 0x80, 0x21, 2, 2, 0, 10, 3, 6, 198, 19, 0, 10];
        assert_eq!(answer(&acked, 9), Answer::Acked);
    }

    #[test]
    fn an_echo_request_is_answered_with_our_magic() {
        let request = echo::build(false, 4, 0x1111, b"lns", true);
        assert_eq!(
            answer(&request, 0x2222),
            Answer::Send(echo::build(true, 4, 0x2222, b"lns", true))
        );
        let reply = echo::build(true, 4, 0x1111, b"", false);
        assert_eq!(answer(&reply, 0x2222), Answer::Nothing);
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
