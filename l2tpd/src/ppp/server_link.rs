//! The server side of one subscriber's PPP link (the LAC, later the LNS): LCP in the server
//! role, then PAP or CHAP as LCP agreed, then the owner decides — it answers the credentials
//! itself or hands the link over to the LNS (pass-through). Sans-IO: fed whole PPP frames
//! and a clock; it returns whole frames to send and events.
//!
//! Phases follow RFC 1661 §3: Establish (LCP) → Authenticate → Network, or Dead. When no
//! authentication protocol is configured (an empty list), LCP asks for none and
//! `LinkEvent::Credentials` never comes: after `LcpUp` the owner calls `auth_success` (enter
//! the network phase) or `hand_over`.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::chap::{ChapAuthenticator, ChapAuthenticatorEvent};
use super::fsm::{self, Event};
use super::lcp::{Lcp, LcpConfig, LcpEvent, Negotiated, Role};
use super::link::frame;
use super::pap::{PapAuthenticator, PapAuthenticatorEvent};
use super::wire::control::{code, ControlPacket};
use super::wire::{split_frame, Protocol};

pub use super::lcp::EchoConfig;
pub use super::link::DownReason;
pub use super::wire::options::AuthProtocol;

/// No secret in here, so it may be printed; the owner clones one per subscriber.
#[derive(Debug, Clone)]
pub struct ServerLinkConfig {
    pub fsm: fsm::Config,
    /// PPPoE: min(1492, PPP-Max-Payload).
    pub mru: u16,
    /// The caller's random, non-zero.
    pub magic: u32,
    /// Offered in this order (Pap / ChapMd5).
    pub authentication: Vec<AuthProtocol>,
    pub echo: Option<EchoConfig>,
    /// How long we wait for the PAP request / CHAP response overall.
    pub auth_timeout: Duration,
    /// The caller's random (16 bytes): this module reads no entropy.
    pub chap_challenge: Vec<u8>,
    /// Our CHAP name (the host name).
    pub name: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    Pap {
        name: Vec<u8>,
        password: Vec<u8>,
    },
    Chap {
        identifier: u8,
        name: Vec<u8>,
        challenge: Vec<u8>,
        response: Vec<u8>,
    },
}

/// The proxy LCP data (RFC 2661 §4.4.5, AVPs 26-28): LCP option bytes of Configure-Requests
/// (the Configure-Request body after code/id/length, i.e. the options).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyLcpRecord {
    pub initial_received: Option<Vec<u8>>,
    pub last_sent: Option<Vec<u8>>,
    pub last_received: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkEvent {
    /// LCP is Opened; authentication starts (or, with none agreed, the owner decides).
    /// Comes again if the peer renegotiates LCP before the link is handed over.
    LcpUp,
    Credentials(Credentials),
    Down(DownReason),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Establish,
    Authenticate,
    Network,
    /// Pass-through: the LNS speaks for us from now on.
    HandedOver,
    Dead,
}

enum Authenticator {
    Pap(PapAuthenticator),
    Chap(ChapAuthenticator),
}

/// Frames counted rather than acted on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkCounters {
    /// Frames or packets that do not parse.
    pub malformed: u64,
    /// Network-protocol frames before the network phase (RFC 1661 §3.5), and authentication
    /// packets that are not for the protocol, state or identifier in use.
    pub discarded: u64,
    pub protocol_rejects_sent: u64,
}

pub struct ServerLink {
    lcp: Lcp,
    phase: Phase,
    /// Boxed: it lives only while authenticating, and the link lives far longer.
    authenticator: Option<Box<Authenticator>>,
    /// The identifier of the PAP request we reported (the answer repeats it).
    pap_identifier: u8,
    auth_timeout: Duration,
    challenge: Vec<u8>,
    name: Vec<u8>,
    fsm: fsm::Config,
    proxy_lcp: ProxyLcpRecord,
    /// Why the link is going down, when we know better than LCP's Finished.
    down_reason: Option<DownReason>,
    counters: LinkCounters,
    transmit: VecDeque<Vec<u8>>,
    events: VecDeque<LinkEvent>,
}

impl ServerLink {
    pub fn new(config: ServerLinkConfig) -> Self {
        let lcp = Lcp::new(LcpConfig {
            fsm: config.fsm,
            role: Role::Server {
                authentication: config.authentication,
            },
            mru: config.mru,
            magic: config.magic,
            echo: config.echo,
        });
        ServerLink {
            lcp,
            phase: Phase::Establish,
            authenticator: None,
            pap_identifier: 0,
            auth_timeout: config.auth_timeout,
            challenge: config.chap_challenge,
            name: config.name,
            fsm: config.fsm,
            proxy_lcp: ProxyLcpRecord::default(),
            down_reason: None,
            counters: LinkCounters::default(),
            transmit: VecDeque::new(),
            events: VecDeque::new(),
        }
    }

    /// The lower layer is up (PADS sent): LCP starts.
    pub fn start(&mut self, now: Instant) {
        self.lcp.start(now);
        self.drain_lcp(now);
    }

    /// One PPP frame: protocol field and information (PFC and a leading FF 03 accepted).
    pub fn handle_frame(&mut self, ppp: &[u8], now: Instant) {
        if matches!(self.phase, Phase::HandedOver | Phase::Dead) {
            return;
        }
        let Ok((protocol, information)) = split_frame(ppp) else {
            self.counters.malformed += 1;
            return;
        };
        match protocol {
            Protocol::Lcp => {
                self.record_received_request(information);
                if self.lcp.handle_packet(information, now).is_err() {
                    self.counters.malformed += 1;
                }
                self.drain_lcp(now);
            }
            // Also in the network phase: a repeated request gets the answer again.
            Protocol::Pap | Protocol::Chap
                if matches!(self.phase, Phase::Authenticate | Phase::Network) =>
            {
                self.handle_authentication(protocol, information, now)
            }
            // RFC 1661 §3.5: only LCP and authentication before the network phase.
            _ if self.phase != Phase::Network => self.counters.discarded += 1,
            // No NCP runs here yet (IPCP at the LNS comes later): IPCP and IP are the
            // owner's, not rejected, so the peer does not give up on them.
            Protocol::Ipcp | Protocol::Ip | Protocol::Pap | Protocol::Chap => {
                self.counters.discarded += 1
            }
            Protocol::Other(number) => {
                self.lcp.reject_protocol(number, information);
                self.counters.protocol_rejects_sent += 1;
                self.drain_lcp(now);
            }
        }
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        if matches!(self.phase, Phase::HandedOver | Phase::Dead) {
            return;
        }
        let timed_out = match self.authenticator.as_deref_mut() {
            Some(Authenticator::Pap(pap)) => pap.handle_timeout(now).is_some(),
            Some(Authenticator::Chap(chap)) => chap.handle_timeout(now).is_some(),
            None => false,
        };
        self.drain_authenticator();
        // The only event a timeout gives is TimedOut: the peer never answered.
        if timed_out {
            self.terminate(DownReason::AuthTimeout, now);
        }
        self.lcp.handle_timeout(now);
        self.drain_lcp(now);
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        if matches!(self.phase, Phase::HandedOver | Phase::Dead) {
            return None;
        }
        let authenticator = match self.authenticator.as_deref() {
            Some(Authenticator::Pap(pap)) => pap.poll_timeout(),
            Some(Authenticator::Chap(chap)) => chap.poll_timeout(),
            None => None,
        };
        [self.lcp.poll_timeout(), authenticator]
            .into_iter()
            .flatten()
            .min()
    }

    /// Whole PPP frames, protocol field included and uncompressed.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.transmit.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<LinkEvent> {
        self.events.pop_front()
    }

    pub fn proxy_lcp(&self) -> ProxyLcpRecord {
        self.proxy_lcp.clone()
    }

    /// LCP's RFC 1661 state (`show subscribers detail`).
    pub fn lcp_state(&self) -> super::fsm::State {
        self.lcp.state()
    }

    pub fn negotiated(&self) -> &Negotiated {
        self.lcp.negotiated()
    }

    pub fn counters(&self) -> LinkCounters {
        let ignored = match self.authenticator.as_deref() {
            Some(Authenticator::Pap(pap)) => pap.ignored,
            Some(Authenticator::Chap(chap)) => chap.ignored,
            None => 0,
        };
        LinkCounters {
            discarded: self.counters.discarded + ignored,
            ..self.counters
        }
    }

    /// Answers the credentials locally: PAP Authenticate-Ack / CHAP Success, then the
    /// network phase. With no authentication agreed it only enters the network phase.
    pub fn auth_success(&mut self, message: &[u8], _now: Instant) {
        if self.phase != Phase::Authenticate {
            return;
        }
        self.answer(true, message);
        self.phase = Phase::Network;
    }

    /// Answers PAP Authenticate-Nak / CHAP Failure, then LCP terminates (RFC 1994 §4.2:
    /// the authenticator should end the link); `Down(AuthFailed)` once it is done.
    pub fn auth_failure(&mut self, message: &[u8], now: Instant) {
        if self.phase != Phase::Authenticate {
            return;
        }
        self.answer(false, message);
        self.terminate(DownReason::AuthFailed, now);
    }

    /// Pass-through: stops every timer and answers nothing more; the owner relays frames.
    pub fn hand_over(&mut self) {
        if self.phase == Phase::Dead {
            return;
        }
        // The LNS answers from now on: the authenticator and its timers go, and so does
        // what only authenticating needed; the owner keeps the link as long as the session
        // (the LAC's budget is 4 KiB per subscriber).
        self.authenticator = None;
        self.challenge = Vec::new();
        self.name = Vec::new();
        self.lcp.shrink_queues();
        self.transmit.shrink_to_fit();
        self.events.shrink_to_fit();
        self.phase = Phase::HandedOver;
    }

    /// Sends Terminate-Request; `Down(Closed)` once the peer acks or the restart counter
    /// runs out. After `hand_over` the frames are not ours any more, so no Terminate-Ack
    /// could reach us: the link goes down at once and sends nothing.
    pub fn close(&mut self, now: Instant) {
        match self.phase {
            Phase::Dead => {}
            Phase::HandedOver => self.go_down(DownReason::Closed),
            _ => self.terminate(DownReason::Closed, now),
        }
    }

    /// PADT or link loss: nothing more is sent.
    pub fn lower_down(&mut self) {
        self.transmit.clear();
        self.go_down(DownReason::LowerLayerDown);
    }

    fn answer(&mut self, success: bool, message: &[u8]) {
        match self.authenticator.as_deref_mut() {
            Some(Authenticator::Pap(pap)) => pap.answer(self.pap_identifier, success, message),
            Some(Authenticator::Chap(chap)) => chap.answer(success, message),
            None => {}
        }
        self.drain_authenticator();
    }

    fn terminate(&mut self, reason: DownReason, now: Instant) {
        self.down_reason.get_or_insert(reason);
        self.lcp.close(now);
        self.drain_lcp(now);
    }

    fn handle_authentication(&mut self, protocol: Protocol, information: &[u8], now: Instant) {
        let credentials = match (self.authenticator.as_deref_mut(), protocol) {
            (Some(Authenticator::Pap(pap)), Protocol::Pap) => {
                match pap.handle_packet(information, now) {
                    Ok(Some(PapAuthenticatorEvent::Request {
                        identifier,
                        request,
                    })) => {
                        self.pap_identifier = identifier;
                        Some(Credentials::Pap {
                            name: request.peer_id,
                            password: request.password,
                        })
                    }
                    Ok(_) => None,
                    Err(_) => {
                        self.counters.malformed += 1;
                        None
                    }
                }
            }
            (Some(Authenticator::Chap(chap)), Protocol::Chap) => {
                match chap.handle_packet(information, now) {
                    Ok(Some(ChapAuthenticatorEvent::Response(response))) => {
                        Some(Credentials::Chap {
                            identifier: response.identifier,
                            name: response.name,
                            challenge: response.challenge,
                            response: response.response,
                        })
                    }
                    Ok(_) => None,
                    Err(_) => {
                        self.counters.malformed += 1;
                        None
                    }
                }
            }
            // The protocol LCP did not agree on.
            _ => {
                self.counters.discarded += 1;
                None
            }
        };
        self.drain_authenticator();
        if let Some(credentials) = credentials {
            self.events.push_back(LinkEvent::Credentials(credentials));
        }
    }

    /// RFC 2661 §4.4.5 wants the options of the first and the last Configure-Request the
    /// subscriber sent; the record changes only while LCP negotiates.
    fn record_received_request(&mut self, information: &[u8]) {
        if self.phase != Phase::Establish {
            return;
        }
        let Ok(packet) = ControlPacket::parse(information) else {
            return;
        };
        if packet.code == code::CONFIGURE_REQUEST {
            self.proxy_lcp
                .initial_received
                .get_or_insert_with(|| packet.data.to_vec());
        }
    }

    /// Our own Configure-Request (the last one is what the peer acked when LCP comes up) and
    /// our Configure-Ack (it carries the options of the request we acked, RFC 1661 §5.2).
    fn record_sent(&mut self, packet: &[u8]) {
        if self.phase != Phase::Establish {
            return;
        }
        let Ok(packet) = ControlPacket::parse(packet) else {
            return;
        };
        match packet.code {
            code::CONFIGURE_REQUEST => self.proxy_lcp.last_sent = Some(packet.data.to_vec()),
            code::CONFIGURE_ACK => self.proxy_lcp.last_received = Some(packet.data.to_vec()),
            _ => {}
        }
    }

    fn drain_lcp(&mut self, now: Instant) {
        while let Some(packet) = self.lcp.poll_transmit() {
            self.record_sent(&packet);
            self.push_frame(Protocol::Lcp, &packet);
        }
        while let Some(event) = self.lcp.poll_event() {
            match event {
                LcpEvent::Layer(Event::Up) => self.lcp_up(now),
                LcpEvent::Layer(Event::Down) => {
                    // Renegotiation (RFC 1661 §3.1): back to Establish, authenticate again.
                    if matches!(self.phase, Phase::Authenticate | Phase::Network) {
                        self.phase = Phase::Establish;
                    }
                    self.authenticator = None;
                }
                LcpEvent::Layer(Event::Finished(reason)) => {
                    self.go_down(self.down_reason.unwrap_or(DownReason::from_finish(reason)));
                }
                LcpEvent::Layer(Event::Started) => {}
                LcpEvent::LoopbackDetected => {
                    self.down_reason.get_or_insert(DownReason::LoopbackDetected);
                }
                LcpEvent::EchoTimeout => {
                    self.down_reason.get_or_insert(DownReason::EchoTimeout);
                }
                LcpEvent::ProtocolRejected(number) => {
                    // A peer that rejects the authentication protocol it acked cannot be
                    // let in.
                    let ours = self.phase == Phase::Authenticate
                        && (number == Protocol::Pap.number() || number == Protocol::Chap.number());
                    if ours {
                        self.terminate(DownReason::NegotiationFailed, now);
                    }
                }
            }
        }
    }

    fn lcp_up(&mut self, now: Instant) {
        if self.phase != Phase::Establish {
            return;
        }
        self.phase = Phase::Authenticate;
        self.authenticator = match self.lcp.negotiated().authentication {
            Some(AuthProtocol::Pap) => Some(Box::new(Authenticator::Pap(PapAuthenticator::new(
                now,
                self.auth_timeout,
            )))),
            Some(AuthProtocol::ChapMd5) => {
                Some(Box::new(Authenticator::Chap(ChapAuthenticator::new(
                    self.fsm,
                    // A fresh identifier per challenge value, so a Response to another
                    // link's (or an earlier) challenge does not match.
                    self.challenge.first().copied().unwrap_or(1),
                    &self.challenge,
                    &self.name,
                    self.auth_timeout,
                    now,
                ))))
            }
            _ => None,
        };
        self.events.push_back(LinkEvent::LcpUp);
        self.drain_authenticator();
    }

    fn drain_authenticator(&mut self) {
        loop {
            let (protocol, packet) = match self.authenticator.as_deref_mut() {
                Some(Authenticator::Pap(pap)) => (Protocol::Pap, pap.poll_transmit()),
                Some(Authenticator::Chap(chap)) => (Protocol::Chap, chap.poll_transmit()),
                None => return,
            };
            let Some(packet) = packet else {
                return;
            };
            self.push_frame(protocol, &packet);
        }
    }

    fn push_frame(&mut self, protocol: Protocol, packet: &[u8]) {
        if self.phase == Phase::Dead {
            return;
        }
        self.transmit.push_back(frame(protocol, packet));
    }

    fn go_down(&mut self, reason: DownReason) {
        if self.phase == Phase::Dead {
            return;
        }
        self.phase = Phase::Dead;
        self.authenticator = None;
        self.events.push_back(LinkEvent::Down(reason));
    }
}

#[cfg(test)]
#[path = "server_link_tests.rs"]
pub(crate) mod tests;
