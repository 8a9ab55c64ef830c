//! The LCP side of a PPP peer that keeps a link up and proves it answers, without
//! authenticating or bringing up a network protocol: enough to stand in for pppd behind
//! xl2tpd in tests. No I/O: frames (without HDLC framing) come in with the time, and what to
//! send, log or do comes out as [`Action`]s.
//!
//! It follows the RFC 1661 automaton where a test can see it, and departs from it where our
//! own router's PPP stand-in would otherwise lose the call:
//! - It answers Echo-Requests in every state, not only in Opened (§5.8): our daemon sends an
//!   Echo-Request on a session without negotiating LCP first.
//! - When its Configure-Request goes unanswered Max-Configure times, it stops asking but keeps
//!   the link (§4.6 would end it): our daemon never answers Configure-Requests.

use std::time::{Duration, Instant};

use crate::lcp::{self, code, option, LcpPacket, PppFrame, PROTOCOL_LCP};

/// Restart timer (RFC 1661 §4.6 default).
pub const RESTART_TIMER: Duration = Duration::from_secs(3);
/// Max-Configure (RFC 1661 §4.6 default).
pub const MAX_CONFIGURE: u32 = 10;
/// The MRU we assume of the peer: we never negotiate a smaller one (RFC 1661 §6.1 default).
const PEER_MRU: usize = 1500;

/// What the caller must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Send this PPP frame (Address, Control, Protocol, Information).
    Transmit(Vec<u8>),
    /// Log one line about an LCP event.
    Log(String),
    /// The peer terminated the link: the caller sends what came before and exits.
    Exit,
}

/// The LCP state that matters to a responder.
#[derive(Debug)]
pub struct Responder {
    /// The Magic-Number we ask for; `None` once the peer rejected the option.
    magic: Option<u32>,
    /// Identifier of our outstanding Configure-Request.
    request_id: u8,
    /// How many times it has been sent; at `MAX_CONFIGURE` we stop.
    request_sent: u32,
    restart_at: Option<Instant>,
    /// The peer acknowledged our Configure-Request.
    ack_received: bool,
    /// We acknowledged the peer's Configure-Request.
    ack_sent: bool,
}

impl Responder {
    /// `magic` must be random and non-zero (RFC 1661 §6.4).
    pub fn new(magic: u32) -> Self {
        Self {
            magic: Some(magic.max(1)),
            request_id: 0,
            request_sent: 0,
            restart_at: None,
            ack_received: false,
            ack_sent: false,
        }
    }

    /// LCP reached Opened: both Configure-Requests were acknowledged.
    pub fn opened(&self) -> bool {
        self.ack_received && self.ack_sent
    }

    /// When `handle_timeout` is next due.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.restart_at
    }

    /// The link is up (the pty is there): open LCP by asking for our options.
    pub fn start(&mut self, now: Instant) -> Vec<Action> {
        let mut actions = Vec::new();
        self.send_configure_request(now, &mut actions);
        actions
    }

    pub fn handle_timeout(&mut self, now: Instant) -> Vec<Action> {
        let mut actions = Vec::new();
        match self.restart_at {
            Some(at) if now >= at => {}
            _ => return actions,
        }
        if self.request_sent >= MAX_CONFIGURE {
            self.restart_at = None;
            actions.push(Action::Log(format!(
                "LCP configure-request unanswered {MAX_CONFIGURE} times; no longer asking, \
                 still answering"
            )));
        } else {
            // A retransmission keeps its Identifier (RFC 1661 §5.1).
            self.transmit_configure_request(now, &mut actions);
        }
        actions
    }

    /// One received frame, already checked and stripped of its HDLC framing.
    pub fn handle_frame(&mut self, now: Instant, frame: &[u8]) -> Vec<Action> {
        let mut actions = Vec::new();
        let Some(ppp) = PppFrame::parse(frame) else {
            actions.push(Action::Log(format!(
                "frame of {} octets without a valid protocol field discarded",
                frame.len()
            )));
            return actions;
        };
        if ppp.protocol != PROTOCOL_LCP {
            self.reject_protocol(&ppp, &mut actions);
            return actions;
        }
        let Some(packet) = LcpPacket::parse(ppp.information) else {
            actions.push(Action::Log(
                "malformed LCP packet (length field) discarded".into(),
            ));
            return actions;
        };
        match packet.code {
            code::CONFIGURE_REQUEST => self.configure_request(now, &packet, &mut actions),
            code::CONFIGURE_ACK => self.configure_ack(&packet, &mut actions),
            code::CONFIGURE_NAK | code::CONFIGURE_REJECT => {
                self.configure_nak_or_reject(now, &packet, &mut actions)
            }
            code::TERMINATE_REQUEST => {
                actions.push(transmit_lcp(
                    code::TERMINATE_ACK,
                    packet.identifier,
                    packet.data,
                ));
                actions.push(Action::Log(format!(
                    "LCP terminate-request id {} received, terminate-ack sent",
                    packet.identifier
                )));
                actions.push(Action::Exit);
            }
            code::ECHO_REQUEST => self.echo_request(&packet, &mut actions),
            code::TERMINATE_ACK
            | code::CODE_REJECT
            | code::PROTOCOL_REJECT
            | code::ECHO_REPLY
            | code::DISCARD_REQUEST => actions.push(Action::Log(format!(
                "LCP {} id {} received",
                code_name(packet.code),
                packet.identifier
            ))),
            unknown => {
                // RFC 1661 §5.6: an unknown code is answered with a Code-Reject quoting it.
                actions.push(transmit_lcp(
                    code::CODE_REJECT,
                    packet.identifier,
                    packet.packet,
                ));
                actions.push(Action::Log(format!(
                    "LCP code {unknown} id {} received, code-reject sent",
                    packet.identifier
                )));
            }
        }
        actions
    }

    fn our_options(&self) -> Vec<u8> {
        self.magic.map(lcp::magic_number_option).unwrap_or_default()
    }

    /// A new request: new Identifier, counter restarted (RFC 1661 §5.1, §4.6).
    fn send_configure_request(&mut self, now: Instant, actions: &mut Vec<Action>) {
        self.request_id = self.request_id.wrapping_add(1);
        self.request_sent = 0;
        self.ack_received = false;
        self.transmit_configure_request(now, actions);
    }

    fn transmit_configure_request(&mut self, now: Instant, actions: &mut Vec<Action>) {
        self.request_sent += 1;
        self.restart_at = Some(now + RESTART_TIMER);
        actions.push(transmit_lcp(
            code::CONFIGURE_REQUEST,
            self.request_id,
            &self.our_options(),
        ));
        let magic = match self.magic {
            Some(magic) => format!("magic-number {magic:#010x}"),
            None => "no options".into(),
        };
        actions.push(Action::Log(format!(
            "LCP configure-request id {} sent ({magic})",
            self.request_id
        )));
    }

    /// Everything is acceptable but authentication: we cannot authenticate ourselves to
    /// the peer, so an Authentication-Protocol option is rejected (RFC 1661 §5.4), the
    /// minimum a peer that can live without it needs.
    fn configure_request(
        &mut self,
        now: Instant,
        packet: &LcpPacket<'_>,
        actions: &mut Vec<Action>,
    ) {
        let Some(options) = lcp::parse_options(packet.data) else {
            actions.push(Action::Log(format!(
                "LCP configure-request id {} with malformed options discarded",
                packet.identifier
            )));
            return;
        };
        // A new request in Opened renegotiates the link (RFC 1661 §4.3, event RCR in state
        // Opened): our own request goes out again.
        if self.opened() {
            self.ack_sent = false;
            self.send_configure_request(now, actions);
        }
        let rejected: Vec<u8> = options
            .iter()
            .filter(|o| o.kind == option::AUTHENTICATION_PROTOCOL)
            .flat_map(|o| o.raw.iter().copied())
            .collect();
        if rejected.is_empty() {
            self.ack_sent = true;
            actions.push(transmit_lcp(
                code::CONFIGURE_ACK,
                packet.identifier,
                packet.data,
            ));
            let peer_magic = options
                .iter()
                .find_map(lcp::magic_number)
                .map(|m| format!(" (magic-number {m:#010x})"))
                .unwrap_or_default();
            actions.push(Action::Log(format!(
                "LCP configure-request id {}{peer_magic} received, configure-ack sent",
                packet.identifier
            )));
            self.log_if_opened(actions);
        } else {
            self.ack_sent = false;
            actions.push(transmit_lcp(
                code::CONFIGURE_REJECT,
                packet.identifier,
                &rejected,
            ));
            actions.push(Action::Log(format!(
                "LCP configure-request id {} received, configure-reject sent \
                 (authentication-protocol)",
                packet.identifier
            )));
        }
    }

    fn configure_ack(&mut self, packet: &LcpPacket<'_>, actions: &mut Vec<Action>) {
        // An Ack must name our outstanding request and repeat its options exactly (§5.2).
        if packet.identifier != self.request_id || packet.data != self.our_options() {
            actions.push(Action::Log(format!(
                "LCP configure-ack id {} does not match our request id {}: discarded",
                packet.identifier, self.request_id
            )));
            return;
        }
        self.ack_received = true;
        self.restart_at = None;
        actions.push(Action::Log(format!(
            "LCP configure-ack id {} received",
            packet.identifier
        )));
        self.log_if_opened(actions);
    }

    /// The peer wants another Magic-Number (Nak: we pick a new one, §6.4) or none (Reject).
    fn configure_nak_or_reject(
        &mut self,
        now: Instant,
        packet: &LcpPacket<'_>,
        actions: &mut Vec<Action>,
    ) {
        let name = code_name(packet.code);
        if packet.identifier != self.request_id {
            actions.push(Action::Log(format!(
                "LCP {name} id {} does not match our request id {}: discarded",
                packet.identifier, self.request_id
            )));
            return;
        }
        let Some(options) = lcp::parse_options(packet.data) else {
            actions.push(Action::Log(format!(
                "LCP {name} id {} with malformed options discarded",
                packet.identifier
            )));
            return;
        };
        let names_magic = options.iter().any(|o| o.kind == option::MAGIC_NUMBER);
        if names_magic {
            self.magic = match (packet.code, self.magic) {
                (code::CONFIGURE_NAK, Some(magic)) => Some(next_magic(magic)),
                _ => None,
            };
        }
        actions.push(Action::Log(format!(
            "LCP {name} id {} received",
            packet.identifier
        )));
        self.send_configure_request(now, actions);
    }

    fn echo_request(&self, packet: &LcpPacket<'_>, actions: &mut Vec<Action>) {
        // Magic-Number (4 octets) then data; a shorter request is malformed (§5.8).
        let Some(data) = packet.data.get(4..) else {
            actions.push(Action::Log(format!(
                "LCP echo-request id {} without a magic number discarded",
                packet.identifier
            )));
            return;
        };
        // Our Magic-Number only once the peer acknowledged it; zero before (§5.8).
        let magic = if self.ack_received {
            self.magic.unwrap_or(0)
        } else {
            0
        };
        let mut reply = magic.to_be_bytes().to_vec();
        reply.extend_from_slice(data);
        actions.push(transmit_lcp(code::ECHO_REPLY, packet.identifier, &reply));
        actions.push(Action::Log(format!(
            "LCP echo-request id {} received, echo reply sent",
            packet.identifier
        )));
    }

    /// RFC 1661 §5.7: only in Opened may an unknown protocol be rejected; before, its
    /// packets are silently discarded.
    fn reject_protocol(&self, ppp: &PppFrame<'_>, actions: &mut Vec<Action>) {
        if !self.opened() {
            actions.push(Action::Log(format!(
                "protocol {:#06x} frame discarded before LCP is opened",
                ppp.protocol
            )));
            return;
        }
        let mut data = ppp.protocol.to_be_bytes().to_vec();
        data.extend_from_slice(ppp.information);
        // Any Identifier will do; the request's keeps them distinct enough for a log.
        actions.push(transmit_lcp(code::PROTOCOL_REJECT, self.request_id, &data));
        actions.push(Action::Log(format!(
            "protocol {:#06x} frame received, protocol-reject sent",
            ppp.protocol
        )));
    }

    fn log_if_opened(&self, actions: &mut Vec<Action>) {
        if self.opened() {
            actions.push(Action::Log("LCP opened".into()));
        }
    }
}

fn transmit_lcp(code: u8, identifier: u8, data: &[u8]) -> Action {
    Action::Transmit(lcp::build_frame(
        PROTOCOL_LCP,
        &lcp::build_packet(code, identifier, data, PEER_MRU),
    ))
}

/// A different non-zero Magic-Number after a Nak (xorshift32: never zero from non-zero).
fn next_magic(magic: u32) -> u32 {
    let mut x = magic.max(1);
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    x
}

fn code_name(code: u8) -> &'static str {
    match code {
        code::CONFIGURE_REQUEST => "configure-request",
        code::CONFIGURE_ACK => "configure-ack",
        code::CONFIGURE_NAK => "configure-nak",
        code::CONFIGURE_REJECT => "configure-reject",
        code::TERMINATE_REQUEST => "terminate-request",
        code::TERMINATE_ACK => "terminate-ack",
        code::CODE_REJECT => "code-reject",
        code::PROTOCOL_REJECT => "protocol-reject",
        code::ECHO_REQUEST => "echo-request",
        code::ECHO_REPLY => "echo-reply",
        code::DISCARD_REQUEST => "discard-request",
        _ => "unknown code",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MAGIC: u32 = 0x5eed_0001;

    fn lcp_frame(code: u8, id: u8, data: &[u8]) -> Vec<u8> {
        lcp::build_frame(PROTOCOL_LCP, &lcp::build_packet(code, id, data, 1500))
    }

    fn transmitted(actions: &[Action]) -> Vec<Vec<u8>> {
        actions
            .iter()
            .filter_map(|a| match a {
                Action::Transmit(frame) => Some(frame.clone()),
                _ => None,
            })
            .collect()
    }

    fn logged(actions: &[Action]) -> String {
        actions
            .iter()
            .filter_map(|a| match a {
                Action::Log(line) => Some(line.as_str()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn it_asks_for_its_magic_number_and_repeats_until_max_configure() {
        let t0 = Instant::now();
        let mut r = Responder::new(MAGIC);
        let first = r.start(t0);
        let request = lcp_frame(code::CONFIGURE_REQUEST, 1, &lcp::magic_number_option(MAGIC));
        assert_eq!(transmitted(&first), std::slice::from_ref(&request));
        assert_eq!(r.poll_timeout(), Some(t0 + RESTART_TIMER));
        // Nothing before the timer.
        assert_eq!(r.handle_timeout(t0 + Duration::from_secs(1)), []);
        let mut now = t0;
        for _ in 1..MAX_CONFIGURE {
            now += RESTART_TIMER;
            assert_eq!(
                transmitted(&r.handle_timeout(now)),
                std::slice::from_ref(&request)
            );
        }
        now += RESTART_TIMER;
        let last = r.handle_timeout(now);
        assert_eq!(transmitted(&last), Vec::<Vec<u8>>::new());
        assert!(logged(&last).contains("no longer asking"), "{last:?}");
        assert_eq!(r.poll_timeout(), None);
    }

    #[test]
    fn echo_requests_are_answered_before_and_after_lcp_opens() {
        let now = Instant::now();
        let mut r = Responder::new(MAGIC);
        r.start(now);
        // Our daemon's test echo: no LCP negotiation, magic number of its own.
        let echo = [
            0xff, 0x03, 0xc0, 0x21, 9, 7, 0, 12, 1, 2, 3, 4, b'p', b'i', b'n', b'g',
        ];
        let actions = r.handle_frame(now, &echo);
        assert_eq!(
            transmitted(&actions),
            [lcp_frame(
                code::ECHO_REPLY,
                7,
                &[0, 0, 0, 0, b'p', b'i', b'n', b'g']
            )],
            "magic number zero until negotiated"
        );
        assert!(logged(&actions).contains("echo reply sent"));

        // Compressed Address/Control and Protocol fields are read too.
        let actions = r.handle_frame(now, &[0xc0, 0x21, 9, 8, 0, 8, 0, 0, 0, 0]);
        assert_eq!(
            transmitted(&actions),
            [lcp_frame(code::ECHO_REPLY, 8, &[0; 4])]
        );

        // The peer acks ours and we ack its: Opened, and the reply carries our magic.
        let ack = r.handle_frame(
            now,
            &lcp_frame(code::CONFIGURE_ACK, 1, &lcp::magic_number_option(MAGIC)),
        );
        assert!(!logged(&ack).contains("opened"), "{ack:?}");
        assert_eq!(
            r.poll_timeout(),
            None,
            "an acknowledged request is not repeated"
        );
        let theirs = lcp::magic_number_option(0x0102_0304);
        let actions = r.handle_frame(now, &lcp_frame(code::CONFIGURE_REQUEST, 42, &theirs));
        assert_eq!(
            transmitted(&actions),
            [lcp_frame(code::CONFIGURE_ACK, 42, &theirs)]
        );
        assert!(logged(&actions).contains("LCP opened"));
        assert!(r.opened());
        let actions = r.handle_frame(now, &lcp_frame(code::ECHO_REQUEST, 9, &[1, 2, 3, 4]));
        assert_eq!(
            transmitted(&actions),
            [lcp_frame(code::ECHO_REPLY, 9, &MAGIC.to_be_bytes())]
        );
    }

    #[test]
    fn authentication_is_rejected_and_everything_else_acknowledged() {
        let now = Instant::now();
        let mut r = Responder::new(MAGIC);
        r.start(now);
        let chap = [3, 5, 0xc2, 0x23, 5];
        let mut options = lcp::magic_number_option(9);
        options.extend_from_slice(&chap);
        options.extend_from_slice(&[1, 4, 0x05, 0xdc]); // MRU 1500
        let actions = r.handle_frame(now, &lcp_frame(code::CONFIGURE_REQUEST, 3, &options));
        assert_eq!(
            transmitted(&actions),
            [lcp_frame(code::CONFIGURE_REJECT, 3, &chap)]
        );
        // Malformed options: silently discarded.
        let actions = r.handle_frame(now, &lcp_frame(code::CONFIGURE_REQUEST, 4, &[5, 9, 0]));
        assert_eq!(transmitted(&actions), Vec::<Vec<u8>>::new());
    }

    #[test]
    fn a_nak_or_reject_of_the_magic_number_changes_the_request() {
        let now = Instant::now();
        let mut r = Responder::new(MAGIC);
        r.start(now);
        // A Nak for an older request is ignored.
        let stale = r.handle_frame(
            now,
            &lcp_frame(code::CONFIGURE_NAK, 9, &lcp::magic_number_option(1)),
        );
        assert_eq!(transmitted(&stale), Vec::<Vec<u8>>::new());
        let nak = r.handle_frame(
            now,
            &lcp_frame(code::CONFIGURE_NAK, 1, &lcp::magic_number_option(1)),
        );
        let new_magic = next_magic(MAGIC);
        assert_ne!(new_magic, MAGIC);
        assert_eq!(
            transmitted(&nak),
            [lcp_frame(
                code::CONFIGURE_REQUEST,
                2,
                &lcp::magic_number_option(new_magic)
            )]
        );
        let reject = r.handle_frame(
            now,
            &lcp_frame(
                code::CONFIGURE_REJECT,
                2,
                &lcp::magic_number_option(new_magic),
            ),
        );
        assert_eq!(
            transmitted(&reject),
            [lcp_frame(code::CONFIGURE_REQUEST, 3, &[])]
        );
        // An Ack that does not repeat our options is not one.
        let wrong = r.handle_frame(
            now,
            &lcp_frame(code::CONFIGURE_ACK, 3, &lcp::magic_number_option(1)),
        );
        assert!(logged(&wrong).contains("discarded"), "{wrong:?}");
        assert_eq!(r.poll_timeout(), Some(now + RESTART_TIMER));
    }

    #[test]
    fn terminate_request_is_acknowledged_then_the_responder_exits() {
        let now = Instant::now();
        let mut r = Responder::new(MAGIC);
        r.start(now);
        let actions = r.handle_frame(now, &lcp_frame(code::TERMINATE_REQUEST, 5, b"bye"));
        assert_eq!(
            actions.first(),
            Some(&Action::Transmit(lcp_frame(code::TERMINATE_ACK, 5, b"bye")))
        );
        assert_eq!(actions.last(), Some(&Action::Exit));
    }

    #[test]
    fn unknown_codes_and_protocols() {
        let now = Instant::now();
        let mut r = Responder::new(MAGIC);
        r.start(now);
        let unknown = lcp_frame(42, 6, &[1, 2]);
        let actions = r.handle_frame(now, &unknown);
        assert_eq!(
            transmitted(&actions),
            [lcp_frame(code::CODE_REJECT, 6, &[42, 6, 0, 6, 1, 2])]
        );
        // IPCP before Opened: discarded; after: Protocol-Reject.
        let ipcp = lcp::build_frame(0x8021, &[1, 1, 0, 4]);
        assert_eq!(
            transmitted(&r.handle_frame(now, &ipcp)),
            Vec::<Vec<u8>>::new()
        );
        r.handle_frame(
            now,
            &lcp_frame(code::CONFIGURE_ACK, 1, &lcp::magic_number_option(MAGIC)),
        );
        r.handle_frame(now, &lcp_frame(code::CONFIGURE_REQUEST, 1, &[]));
        assert!(r.opened());
        assert_eq!(
            transmitted(&r.handle_frame(now, &ipcp)),
            [lcp_frame(
                code::PROTOCOL_REJECT,
                1,
                &[0x80, 0x21, 1, 1, 0, 4]
            )]
        );
    }

    proptest! {
        #[test]
        fn arbitrary_frames_never_panic(frames in proptest::collection::vec(
            proptest::collection::vec(any::<u8>(), 0..40), 0..20)) {
            let now = Instant::now();
            let mut r = Responder::new(MAGIC);
            r.start(now);
            for frame in &frames {
                for action in r.handle_frame(now, frame) {
                    if let Action::Transmit(out) = action {
                        prop_assert!(out.len() <= PEER_MRU + 4);
                    }
                }
            }
            // LCP frames too, so the parser gets past the protocol field.
            for frame in &frames {
                let mut lcp = vec![0xc0, 0x21];
                lcp.extend_from_slice(frame);
                let _ = r.handle_frame(now, &lcp);
            }
        }
    }
}
