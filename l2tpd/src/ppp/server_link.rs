//! The server side of one subscriber's PPP link (the LAC and the LNS): LCP in the server
//! role, then PAP or CHAP as LCP agreed, then the owner decides — it answers the credentials
//! itself or hands the link over to the LNS (pass-through). At the LNS, LCP and the
//! credentials may come from the LAC (proxy LCP and proxy authentication, RFC 2661 §4.4.5)
//! and the network phase runs IPCP. Sans-IO: fed whole PPP frames and a clock; it returns
//! whole frames to send and events.
//!
//! Phases follow RFC 1661 §3: Establish (LCP) → Authenticate → Network, or Dead. When no
//! authentication protocol is configured (an empty list), LCP asks for none and
//! `LinkEvent::Credentials` never comes: after `LcpUp` the owner calls `auth_success` (enter
//! the network phase), `start_ipcp` or `hand_over`.

mod network;
mod proxy;
mod status;

use std::collections::VecDeque;
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use self::network::{Network, NetworkEvent};
pub use self::status::{LinkPhase, LinkStatus};
use super::chap::{ChapAuthenticator, ChapAuthenticatorEvent};
use super::fsm::{self, Event, State};
use super::lcp::{Lcp, LcpConfig, LcpEvent, Negotiated, Role};
use super::link::frame;
use super::pap::{PapAuthenticator, PapAuthenticatorEvent};
use super::wire::control::{code, ControlPacket};
use super::wire::{split_frame, Protocol};

pub use self::network::IpcpServerAddresses;
pub use self::proxy::ProxyLcpRefusal;
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
    /// LNS: from LCP start (or proxy open) to IPCP Opened; past it the link goes down with
    /// `DownReason::NegotiationTimeout` (a hung session must not live for ever). None: no
    /// limit.
    pub negotiation_timeout: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    Pap {
        /// The Authenticate-Request's: the answer carries it back.
        identifier: u8,
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
    /// IPCP Opened: `peer` is what the client took.
    NetworkUp {
        peer: Ipv4Addr,
    },
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
    /// Network-protocol frames before the network phase (RFC 1661 §3.5), IP frames (the
    /// owner's), and authentication packets not for the protocol, state or identifier in use.
    pub discarded: u64,
    pub protocol_rejects_sent: u64,
}

pub struct ServerLink {
    lcp: Lcp,
    phase: Phase,
    /// Boxed: it lives only while authenticating, and the link lives far longer.
    authenticator: Option<Box<Authenticator>>,
    /// LNS: IPCP, from `start_ipcp` on. Boxed: the LAC never has one.
    network: Option<Box<Network>>,
    /// The identifier of the PAP request we reported (the answer repeats it).
    pap_identifier: u8,
    /// LCP was opened from proxy LCP: the authenticator waits for proxy authentication
    /// rather than asking the client, which answered the LAC already.
    from_proxy: bool,
    auth_timeout: Duration,
    negotiation_timeout: Option<Duration>,
    /// The watchdog, armed at start until IPCP is Opened.
    negotiation_deadline: Option<Instant>,
    challenge: Vec<u8>,
    name: Vec<u8>,
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
            network: None,
            pap_identifier: 0,
            from_proxy: false,
            auth_timeout: config.auth_timeout,
            negotiation_timeout: config.negotiation_timeout,
            negotiation_deadline: None,
            challenge: config.chap_challenge,
            name: config.name,
            proxy_lcp: ProxyLcpRecord::default(),
            down_reason: None,
            counters: LinkCounters::default(),
            transmit: VecDeque::new(),
            events: VecDeque::new(),
        }
    }

    /// The lower layer is up (PADS sent, or the L2TP session at the LNS): LCP starts.
    pub fn start(&mut self, now: Instant) {
        if matches!(self.phase, Phase::HandedOver | Phase::Dead) {
            return;
        }
        self.arm_watchdog(now);
        self.lcp.start(now);
        self.drain_lcp(now);
    }

    /// LNS step 7: takes the LAC's proxy LCP. `last_sent` (the LAC's own request, which the
    /// client acked) holds our options now, our Magic-Number among them; `last_received` (the
    /// client's request, which the LAC acked) the peer's. When acceptable LCP goes straight
    /// to Opened with those values in `negotiated()`, nothing is sent, the Echo keepalive
    /// starts, `LcpUp` comes, and the link is in the Authenticate phase expecting the
    /// protocol of `last_sent` (`take_proxy_credentials`, or a request of the client's own:
    /// PAP waits for the client to repeat its request, CHAP challenges after one restart
    /// interval). Err: nothing changed; the owner calls `start()` to renegotiate.
    pub fn open_from_proxy(
        &mut self,
        proxy: &ProxyLcpRecord,
        now: Instant,
    ) -> Result<(), ProxyLcpRefusal> {
        if self.phase != Phase::Establish || self.lcp.state() != State::Initial {
            return Err(ProxyLcpRefusal::Unacceptable("LCP has started already"));
        }
        let Role::Server { authentication } = self.lcp.role() else {
            return Err(ProxyLcpRefusal::Unacceptable("not a server link"));
        };
        let values = proxy::judge(proxy, authentication)?;
        self.from_proxy = true;
        if !self.lcp.open_with(values.negotiated, values.our_magic, now) {
            // `judge` accepts only what `open_with` takes; kept so the two cannot drift apart
            // silently.
            self.from_proxy = false;
            return Err(ProxyLcpRefusal::Unacceptable("LCP refused the values"));
        }
        self.arm_watchdog(now);
        self.drain_lcp(now);
        Ok(())
    }

    /// LNS step 8: the proxy authentication, as if the client had just sent it: `Credentials`
    /// comes as for a real request, and `auth_success` / `auth_failure` answer with the
    /// identifier in `credentials` (PAP Authenticate-Ack/-Nak, CHAP Success/Failure). A client
    /// that repeats its request (it never saw the LAC answer) gets the same answer again
    /// (RFC 1334 §2.2.1, RFC 1994 §4.2). False, and nothing changed, unless the link was
    /// opened from proxy LCP, still waits for credentials, and LCP agreed on this protocol.
    pub fn take_proxy_credentials(&mut self, credentials: Credentials, _now: Instant) -> bool {
        if !self.from_proxy || self.phase != Phase::Authenticate {
            return false;
        }
        let adopted = match (self.authenticator.as_deref_mut(), &credentials) {
            (Some(Authenticator::Pap(pap)), Credentials::Pap { identifier, .. }) => {
                let adopted = pap.adopt();
                if adopted {
                    self.pap_identifier = *identifier;
                }
                adopted
            }
            (
                Some(Authenticator::Chap(chap)),
                Credentials::Chap {
                    identifier,
                    challenge,
                    ..
                },
            ) => chap.adopt(*identifier, challenge),
            _ => false,
        };
        if adopted {
            self.events.push_back(LinkEvent::Credentials(credentials));
        }
        adopted
    }

    /// The network phase runs IPCP as the server: our address `local`, the client gets
    /// `peer`, DNS answered (RFC 1877) or rejected. It starts at once after `auth_success`,
    /// or after `LcpUp` when no authentication was agreed; called earlier, it starts when
    /// the network phase does. `NetworkUp` when IPCP is Opened; when IPCP fails or leaves
    /// Opened the link terminates with `Down(NegotiationFailed)`. Once per link: later
    /// calls change nothing (an LCP renegotiation before IPCP opened restarts it with the
    /// same addresses).
    pub fn start_ipcp(&mut self, addresses: IpcpServerAddresses, now: Instant) {
        if matches!(self.phase, Phase::HandedOver | Phase::Dead) || self.network.is_some() {
            return;
        }
        self.network = Some(Box::new(Network::new(self.lcp.fsm_config(), addresses)));
        if self.phase == Phase::Authenticate && self.lcp.negotiated().authentication.is_none() {
            self.phase = Phase::Network;
        }
        if self.phase == Phase::Network {
            self.start_network(now);
        }
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
            Protocol::Ipcp => self.handle_ipcp(information, now),
            // IP is the owner's, which routes it before calling us. IPCP before `start_ipcp`
            // (the LAC runs none) is not rejected either, so the peer does not give up on it.
            Protocol::Ip | Protocol::Pap | Protocol::Chap => self.counters.discarded += 1,
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
        if let Some(network) = self.network.as_deref_mut() {
            network.handle_timeout(now);
        }
        self.drain_network(now);
        if self
            .negotiation_deadline
            .is_some_and(|deadline| deadline <= now)
        {
            self.negotiation_deadline = None;
            self.terminate(DownReason::NegotiationTimeout, now);
        }
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
        let network = self.network.as_deref().and_then(Network::poll_timeout);
        [
            self.lcp.poll_timeout(),
            authenticator,
            network,
            self.negotiation_deadline,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Whole PPP frames, protocol field included and uncompressed.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        crate::queue::pop_front_releasing(&mut self.transmit)
    }

    pub fn poll_event(&mut self) -> Option<LinkEvent> {
        crate::queue::pop_front_releasing(&mut self.events)
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
    /// network phase (IPCP, if `start_ipcp` came). With no authentication agreed it only
    /// enters the network phase.
    pub fn auth_success(&mut self, message: &[u8], now: Instant) {
        if self.phase != Phase::Authenticate {
            return;
        }
        self.answer(true, message);
        self.phase = Phase::Network;
        self.start_network(now);
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
        self.network = None;
        self.negotiation_deadline = None;
        self.challenge = Vec::new();
        self.name = Vec::new();
        self.lcp.shrink_queues();
        self.transmit.shrink_to_fit();
        self.events.shrink_to_fit();
        self.phase = Phase::HandedOver;
    }

    /// IPCP opened at the LNS: the link lives as long as the subscriber now, and what only
    /// negotiating needed goes, as `hand_over` does at the LAC (the LNS's budget is 4 KiB per
    /// subscriber too). Our challenge and name serve only `lcp_up`, and LCP cannot come up
    /// again: a renegotiation with IP up ends the link (`drain_lcp`); the proxy LCP record
    /// serves only a LAC's ICCN. The authenticator goes too: it answers a repeated PAP
    /// request or CHAP Response with the same Success (RFC 1994 §4.2) while the client may
    /// still be waiting for it, but a client only starts IPCP once the Success arrived, so
    /// after IPCP opened a repeat is a stale duplicate, discarded and counted. The queues keep
    /// what they hold, in less room.
    fn network_established(&mut self) {
        self.authenticator = None;
        self.challenge = Vec::new();
        self.name = Vec::new();
        self.proxy_lcp = ProxyLcpRecord::default();
        self.lcp.shrink_queues();
        if let Some(network) = self.network.as_deref_mut() {
            network.shrink_queues();
        }
        self.transmit.shrink_to_fit();
        self.events.shrink_to_fit();
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
                            identifier,
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
                    self.from_proxy = false;
                    let renegotiating = matches!(
                        self.lcp.state(),
                        State::RequestSent | State::AckReceived | State::AckSent
                    );
                    let ip_was_up = self.network.as_deref_mut().is_some_and(Network::reset);
                    // IPCP leaves Opened with LCP: a subscriber without IP is of no use
                    // (Junos logs it out), so it does not come back through a renegotiation.
                    if ip_was_up && renegotiating {
                        self.terminate(DownReason::NegotiationFailed, now);
                    }
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
                    // let in, nor one that rejects IPCP used (RFC 1661 §5.7).
                    let ours = (self.phase == Phase::Authenticate
                        && (number == Protocol::Pap.number() || number == Protocol::Chap.number()))
                        || (self.network.is_some() && number == Protocol::Ipcp.number());
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
        // A fresh identifier per challenge value, so a Response to another link's (or an
        // earlier) challenge does not match.
        let identifier = self.challenge.first().copied().unwrap_or(1);
        // After proxy LCP the client answered the LAC's Challenge already: none goes out
        // unless proxy authentication fails to come.
        let chap = if self.from_proxy {
            ChapAuthenticator::deferred
        } else {
            ChapAuthenticator::new
        };
        self.authenticator = match self.lcp.negotiated().authentication {
            // PAP asks nothing of the client: it waits for its request either way.
            Some(AuthProtocol::Pap) => Some(Box::new(Authenticator::Pap(PapAuthenticator::new(
                now,
                self.auth_timeout,
            )))),
            Some(AuthProtocol::ChapMd5) => Some(Box::new(Authenticator::Chap(chap(
                self.lcp.fsm_config(),
                identifier,
                &self.challenge,
                &self.name,
                self.auth_timeout,
                now,
            )))),
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

    /// The network phase has begun: IPCP starts if the owner gave its addresses.
    fn start_network(&mut self, now: Instant) {
        match self.network.as_deref_mut() {
            Some(network) if !network.started() => network.start(now),
            _ => return,
        }
        self.drain_network(now);
    }

    fn handle_ipcp(&mut self, information: &[u8], now: Instant) {
        let Some(network) = self.network.as_deref_mut().filter(|n| n.started()) else {
            self.counters.discarded += 1;
            return;
        };
        if network.handle_packet(information, now).is_err() {
            self.counters.malformed += 1;
        }
        self.drain_network(now);
    }

    fn drain_network(&mut self, now: Instant) {
        let Some(network) = self.network.as_deref_mut() else {
            return;
        };
        let packets: Vec<_> = std::iter::from_fn(|| network.poll_transmit()).collect();
        let events: Vec<_> = std::iter::from_fn(|| network.poll_event()).collect();
        for packet in packets {
            self.push_frame(Protocol::Ipcp, &packet);
        }
        for event in events {
            match event {
                NetworkEvent::Up { peer } => {
                    self.negotiation_deadline = None;
                    self.events.push_back(LinkEvent::NetworkUp { peer });
                    self.network_established();
                }
                NetworkEvent::Failed => self.terminate(DownReason::NegotiationFailed, now),
            }
        }
    }

    /// From the first start only: a renegotiation does not buy the link more time.
    fn arm_watchdog(&mut self, now: Instant) {
        if self.negotiation_deadline.is_none() {
            self.negotiation_deadline = self.negotiation_timeout.map(|timeout| now + timeout);
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
        self.network = None;
        self.negotiation_deadline = None;
        self.events.push_back(LinkEvent::Down(reason));
    }
}

#[cfg(test)]
#[path = "server_link_tests.rs"]
pub(crate) mod tests;

#[cfg(test)]
#[path = "server_link_lns_tests.rs"]
mod lns_tests;
