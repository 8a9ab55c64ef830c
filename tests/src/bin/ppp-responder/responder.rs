//! A minimal PPP client that keeps a link up and proves it answers: LCP, then the
//! authentication the server asks for (PAP or CHAP-MD5, [`crate::auth`]), then IPCP taking the
//! address the server assigns ([`crate::ipcp`]); enough to stand in for pppd behind xl2tpd
//! in tests. No I/O: frames (without HDLC framing) come in with the time, and what to send,
//! log or do comes out as [`Action`]s.
//!
//! Its LCP follows the RFC 1661 automaton where a test can see it, and departs from it where
//! our own router's PPP stand-in would otherwise lose the call:
//! - It answers Echo-Requests in every state, not only in Opened (§5.8): our daemon sends an
//!   Echo-Request on a session without negotiating LCP first.
//! - When its Configure-Request goes unanswered Max-Configure times, it stops asking but keeps
//!   the link (§4.6 would end it): our daemon never answers Configure-Requests.
//!
//! Like pppd, after acknowledging a Terminate-Request it waits one Restart time before it
//! exits (state Stopping, §4.3 event RTR in Opened): a server that terminates LCP before
//! its L2TP CDN (our LNS refusing authentication) gets to send the CDN, instead of xl2tpd
//! seeing its pppd exit and clearing the call first.

use std::time::{Duration, Instant};

use l2tpd::ppp::wire::options::{emit_options, AuthProtocol, LcpOption, RawOption};
use l2tpd::ppp::wire::Protocol;

use crate::auth::{Authentication, Outcome};
use crate::credentials::Credentials;
use crate::ipcp::Ipcp;
use crate::lcp::{self, code, option, ConfigOption, LcpPacket, PppFrame, PROTOCOL_LCP};

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
    /// The peer terminated the link and a Restart time passed: the caller sends what came
    /// before and exits.
    Exit,
}

/// How far the link got (RFC 1661 §3.2 phases, as a client sees them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// LCP is not Opened.
    Establish,
    /// LCP is Opened and the server asked us to authenticate; waiting for its verdict.
    Authenticate,
    /// IPCP runs.
    Network,
}

/// What our LCP thinks of the peer's Authentication-Protocol option (RFC 1661 §6.2).
enum AuthJudgement {
    Acceptable(AuthProtocol),
    /// A protocol we cannot do: Nak'ed with the one we would rather do.
    Nak,
    /// A value too short to name a protocol.
    Reject,
}

/// The link's state that matters to a client standing in for pppd.
pub struct Responder {
    /// The Magic-Number we ask for; `None` once the peer rejected the option.
    magic: Option<u32>,
    /// Identifier of our outstanding Configure-Request.
    request_id: u8,
    /// How many times it has been sent; at `MAX_CONFIGURE` we stop.
    request_sent: u32,
    restart_at: Option<Instant>,
    /// We acknowledged a Terminate-Request: at this time we exit.
    exit_at: Option<Instant>,
    /// The peer acknowledged our Configure-Request.
    ack_received: bool,
    /// We acknowledged the peer's Configure-Request.
    ack_sent: bool,
    /// The authentication protocol of the peer's Configure-Request we acknowledged.
    peer_auth: Option<AuthProtocol>,
    credentials: Credentials,
    phase: Phase,
    auth: Option<Authentication>,
    ipcp: Option<Ipcp>,
}

impl Responder {
    /// `magic` must be random and non-zero (RFC 1661 §6.4); `credentials` answer the
    /// server's PAP or CHAP.
    pub fn new(magic: u32, credentials: Credentials) -> Self {
        Self {
            magic: Some(magic.max(1)),
            request_id: 0,
            request_sent: 0,
            restart_at: None,
            exit_at: None,
            ack_received: false,
            ack_sent: false,
            peer_auth: None,
            credentials,
            phase: Phase::Establish,
            auth: None,
            ipcp: None,
        }
    }

    /// LCP reached Opened: both Configure-Requests were acknowledged.
    pub fn opened(&self) -> bool {
        self.ack_received && self.ack_sent
    }

    /// The address IPCP got from the server, once IPCP is up.
    #[cfg(test)]
    pub fn address(&self) -> Option<std::net::Ipv4Addr> {
        self.ipcp.as_ref().and_then(Ipcp::address)
    }

    /// When `handle_timeout` is next due.
    pub fn poll_timeout(&self) -> Option<Instant> {
        [
            self.restart_at,
            self.exit_at,
            self.auth.as_ref().and_then(Authentication::poll_timeout),
            self.ipcp.as_ref().and_then(Ipcp::poll_timeout),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// The link is up (the pty is there): open LCP by asking for our options.
    pub fn start(&mut self, now: Instant) -> Vec<Action> {
        let mut actions = Vec::new();
        self.send_configure_request(now, &mut actions);
        actions
    }

    pub fn handle_timeout(&mut self, now: Instant) -> Vec<Action> {
        let mut actions = Vec::new();
        if self.exit_at.is_some_and(|at| now >= at) {
            actions.push(Action::Log(
                "a Restart time after the terminate-ack; exiting".into(),
            ));
            actions.push(Action::Exit);
            return actions;
        }
        self.lcp_timeout(now, &mut actions);
        if let Some(auth) = &mut self.auth {
            auth.handle_timeout(now, &mut actions);
        }
        if let Some(ipcp) = &mut self.ipcp {
            ipcp.handle_timeout(now, &mut actions);
        }
        actions
    }

    fn lcp_timeout(&mut self, now: Instant, actions: &mut Vec<Action>) {
        match self.restart_at {
            Some(at) if now >= at => {}
            _ => return,
        }
        if self.request_sent >= MAX_CONFIGURE {
            self.restart_at = None;
            actions.push(Action::Log(format!(
                "LCP configure-request unanswered {MAX_CONFIGURE} times; no longer asking, \
                 still answering"
            )));
        } else {
            // A retransmission keeps its Identifier (RFC 1661 §5.1).
            self.transmit_configure_request(now, actions);
        }
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
        if self.exit_at.is_some() {
            self.handle_terminating(&ppp, &mut actions);
        } else if ppp.protocol == PROTOCOL_LCP {
            self.handle_lcp(now, ppp.information, &mut actions);
        } else {
            self.handle_other(now, &ppp, &mut actions);
        }
        self.follow_lcp(now, &mut actions);
        actions
    }

    /// Stopping (RFC 1661 §4.3): only a repeated Terminate-Request is answered.
    fn handle_terminating(&mut self, ppp: &PppFrame<'_>, actions: &mut Vec<Action>) {
        match LcpPacket::parse(ppp.information) {
            Some(packet)
                if ppp.protocol == PROTOCOL_LCP && packet.code == code::TERMINATE_REQUEST =>
            {
                actions.push(transmit_lcp(
                    code::TERMINATE_ACK,
                    packet.identifier,
                    packet.data,
                ));
                actions.push(Action::Log(format!(
                    "LCP terminate-request id {} received again, terminate-ack sent",
                    packet.identifier
                )));
            }
            _ => actions.push(Action::Log(format!(
                "protocol {:#06x} frame discarded: the link is terminating",
                ppp.protocol
            ))),
        }
    }

    /// Frames of the protocols above LCP: the authentication in use, IPCP, anything else.
    fn handle_other(&mut self, now: Instant, ppp: &PppFrame<'_>, actions: &mut Vec<Action>) {
        let protocol = Protocol::from_number(ppp.protocol);
        if let Some(auth) = self.auth.as_mut().filter(|a| a.protocol() == protocol) {
            let outcome = auth.handle_packet(ppp.information, now, actions);
            if outcome == Outcome::Succeeded && self.phase == Phase::Authenticate {
                self.network(now, actions);
            }
            return;
        }
        if let (Protocol::Ipcp, Some(ipcp)) = (protocol, self.ipcp.as_mut()) {
            ipcp.handle_packet(ppp.information, now, actions);
            return;
        }
        if self.opened() && matches!(protocol, Protocol::Pap | Protocol::Chap | Protocol::Ipcp) {
            // RFC 1661 §3.5: only LCP and the agreed authentication before the network
            // phase; an authentication protocol we did not agree to is not ours to answer.
            actions.push(Action::Log(format!(
                "protocol {:#06x} frame discarded: not for this phase",
                ppp.protocol
            )));
            return;
        }
        self.reject_protocol(ppp, actions);
    }

    fn handle_lcp(&mut self, now: Instant, information: &[u8], actions: &mut Vec<Action>) {
        let Some(packet) = LcpPacket::parse(information) else {
            actions.push(Action::Log(
                "malformed LCP packet (length field) discarded".into(),
            ));
            return;
        };
        match packet.code {
            code::CONFIGURE_REQUEST => self.configure_request(now, &packet, actions),
            code::CONFIGURE_ACK => self.configure_ack(&packet, actions),
            code::CONFIGURE_NAK | code::CONFIGURE_REJECT => {
                self.configure_nak_or_reject(now, &packet, actions)
            }
            code::TERMINATE_REQUEST => {
                actions.push(transmit_lcp(
                    code::TERMINATE_ACK,
                    packet.identifier,
                    packet.data,
                ));
                actions.push(Action::Log(format!(
                    "LCP terminate-request id {} received, terminate-ack sent; exiting in {} s \
                     unless the link closes first",
                    packet.identifier,
                    RESTART_TIMER.as_secs()
                )));
                self.exit_at = Some(now + RESTART_TIMER);
                self.restart_at = None;
                self.ack_received = false;
                self.ack_sent = false;
            }
            code::ECHO_REQUEST => self.echo_request(&packet, actions),
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
    }

    /// Starts or stops what runs above LCP as LCP enters or leaves Opened.
    fn follow_lcp(&mut self, now: Instant, actions: &mut Vec<Action>) {
        match (self.opened(), self.phase) {
            (false, Phase::Establish) | (true, Phase::Authenticate | Phase::Network) => {}
            (false, _) => {
                // Renegotiation (RFC 1661 §3.1): authentication and IPCP start over. Or
                // the peer terminated the link, and nothing starts again.
                self.phase = Phase::Establish;
                self.auth = None;
                self.ipcp = None;
                if self.exit_at.is_none() {
                    actions.push(Action::Log(
                        "LCP left opened: authentication and IPCP start over".into(),
                    ));
                }
            }
            (true, Phase::Establish) => match self.peer_auth.clone() {
                Some(protocol) => {
                    self.phase = Phase::Authenticate;
                    self.auth = Authentication::start(&protocol, &self.credentials, now, actions);
                    if self.auth.is_none() {
                        actions.push(Action::Log(
                            "user or secret too long to send; waiting for the peer".into(),
                        ));
                    }
                }
                // The server asked for no authentication: straight to the network phase.
                None => self.network(now, actions),
            },
        }
    }

    fn network(&mut self, now: Instant, actions: &mut Vec<Action>) {
        self.phase = Phase::Network;
        self.ipcp = Some(Ipcp::start(now, actions));
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

    /// Everything is acceptable: an Authentication-Protocol option we can do (PAP, CHAP-MD5)
    /// is acknowledged, another one is Nak'ed with CHAP-MD5 (RFC 1661 §6.2), one too short to
    /// name a protocol is Rejected.
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
        let (mut asked, mut naks, mut rejects) = (None, Vec::new(), Vec::new());
        for option in options
            .iter()
            .filter(|o| o.kind == option::AUTHENTICATION_PROTOCOL)
        {
            match judge_authentication(option) {
                AuthJudgement::Acceptable(protocol) => asked = Some(protocol),
                AuthJudgement::Nak => naks.extend_from_slice(&chap_md5_option()),
                AuthJudgement::Reject => rejects.extend_from_slice(option.raw),
            }
        }
        let (reply, data) = if !rejects.is_empty() {
            (code::CONFIGURE_REJECT, rejects)
        } else if !naks.is_empty() {
            (code::CONFIGURE_NAK, naks)
        } else {
            (code::CONFIGURE_ACK, packet.data.to_vec())
        };
        actions.push(transmit_lcp(reply, packet.identifier, &data));
        if reply != code::CONFIGURE_ACK {
            self.ack_sent = false;
            actions.push(Action::Log(format!(
                "LCP configure-request id {} received, {} sent (authentication-protocol)",
                packet.identifier,
                code_name(reply)
            )));
            return;
        }
        self.ack_sent = true;
        self.peer_auth = asked;
        let peer_magic = options
            .iter()
            .find_map(lcp::magic_number)
            .map(|m| format!(" (magic-number {m:#010x})"))
            .unwrap_or_default();
        let auth = match &self.peer_auth {
            Some(AuthProtocol::Pap) => ", authenticating with PAP",
            Some(AuthProtocol::ChapMd5) => ", authenticating with CHAP-MD5",
            _ => "",
        };
        actions.push(Action::Log(format!(
            "LCP configure-request id {}{peer_magic} received, configure-ack sent{auth}",
            packet.identifier
        )));
        self.log_if_opened(actions);
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

fn judge_authentication(option: &ConfigOption<'_>) -> AuthJudgement {
    let raw = RawOption {
        kind: option.kind,
        data: option.value().to_vec(),
    };
    match LcpOption::from_raw(&raw) {
        Ok(LcpOption::AuthenticationProtocol(AuthProtocol::Other { .. })) => AuthJudgement::Nak,
        Ok(LcpOption::AuthenticationProtocol(protocol)) => AuthJudgement::Acceptable(protocol),
        _ => AuthJudgement::Reject,
    }
}

/// The Authentication-Protocol option for CHAP with MD5, as a Nak suggests it.
fn chap_md5_option() -> Vec<u8> {
    emit_options(&[LcpOption::AuthenticationProtocol(AuthProtocol::ChapMd5).to_raw()])
        .unwrap_or_default()
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

/// LCP's code names; IPCP's codes 1–7 are the same (RFC 1332 §2).
pub fn code_name(code: u8) -> &'static str {
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
#[path = "responder_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "responder_lns_tests.rs"]
mod lns_tests;
