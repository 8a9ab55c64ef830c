//! The client side of one PPP link, for the project's subscriber emulator: LCP in the client
//! role, PAP or CHAP-MD5 as the server asks, then (optionally) IPCP asking for an address and
//! DNS servers. Sans-IO: fed whole PPP frames and a clock; returns frames and events.
//!
//! Until the authenticator answers, the link keeps waiting: behind a pass-through LAC the
//! answer comes from the LNS, after a whole L2TP session setup. PAP resends its request on
//! the restart timer up to Max-Configure times, then waits silently for a late answer.

use std::collections::VecDeque;
use std::net::Ipv4Addr;
use std::time::Instant;

use super::chap::{ChapPeer, ChapPeerEvent};
use super::fsm::{self, Event, Fsm};
use super::ipcp::{IpcpPolicy, IpcpRole};
use super::lcp::{Lcp, LcpConfig, LcpEvent, Negotiated, Role};
use super::link::frame;
use super::pap::{PapPeer, PapPeerEvent};
use super::wire::control::ControlPacket;
use super::wire::options::AuthProtocol;
use super::wire::{split_frame, Protocol};

pub use super::lcp::EchoConfig;
pub use super::link::DownReason;

/// Not `Debug`: it holds the password.
#[derive(Clone)]
pub struct ClientLinkConfig {
    pub fsm: fsm::Config,
    pub mru: u16,
    /// The caller's random, non-zero.
    pub magic: u32,
    pub user: Vec<u8>,
    /// The PAP password and the CHAP secret.
    pub password: Vec<u8>,
    pub echo: Option<EchoConfig>,
    /// Run IPCP after authentication.
    pub ipcp: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEvent {
    LcpUp,
    /// Our PAP request or CHAP response went out (the first one).
    AuthSent,
    Authenticated,
    AuthFailed(Vec<u8>),
    IpUp {
        local: Ipv4Addr,
        peer: Ipv4Addr,
        dns: Vec<Ipv4Addr>,
        /// WINS servers (RFC 1877 NBNS).
        nbns: Vec<Ipv4Addr>,
    },
    Down(DownReason),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Establish,
    Authenticate,
    Network,
    Dead,
}

/// What one frame did to authentication.
enum AuthOutcome {
    Nothing,
    Sent,
    Succeeded,
    Failed(Vec<u8>),
}

enum Authentication {
    Pap(PapPeer),
    Chap(ChapPeer),
}

/// Frames counted rather than acted on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientCounters {
    pub malformed: u64,
    /// Frames not for this phase (RFC 1661 §3.5) and packets not for the state we are in.
    pub discarded: u64,
}

pub struct ClientLink {
    lcp: Lcp,
    phase: Phase,
    authentication: Option<Authentication>,
    ipcp: Option<Fsm<IpcpPolicy>>,
    run_ipcp: bool,
    fsm: fsm::Config,
    user: Vec<u8>,
    password: Vec<u8>,
    counters: ClientCounters,
    /// Why the link is going down, when we know better than LCP's Finished.
    down_reason: Option<DownReason>,
    transmit: VecDeque<Vec<u8>>,
    events: VecDeque<ClientEvent>,
}

impl ClientLink {
    pub fn new(config: ClientLinkConfig) -> Self {
        let lcp = Lcp::new(LcpConfig {
            fsm: config.fsm,
            role: Role::Client {
                authentication: vec![AuthProtocol::ChapMd5, AuthProtocol::Pap],
            },
            mru: config.mru,
            magic: config.magic,
            echo: config.echo,
        });
        ClientLink {
            lcp,
            phase: Phase::Establish,
            authentication: None,
            ipcp: None,
            run_ipcp: config.ipcp,
            fsm: config.fsm,
            user: config.user,
            password: config.password,
            counters: ClientCounters::default(),
            down_reason: None,
            transmit: VecDeque::new(),
            events: VecDeque::new(),
        }
    }

    /// The lower layer is up (PADS received): LCP starts.
    pub fn start(&mut self, now: Instant) {
        self.lcp.start(now);
        self.drain(now);
    }

    pub fn handle_frame(&mut self, ppp: &[u8], now: Instant) {
        if self.phase == Phase::Dead {
            return;
        }
        let Ok((protocol, information)) = split_frame(ppp) else {
            self.counters.malformed += 1;
            return;
        };
        let outcome = match (protocol, &mut self.authentication, &mut self.ipcp) {
            (Protocol::Lcp, _, _) => self
                .lcp
                .handle_packet(information, now)
                .map(|_| AuthOutcome::Nothing),
            (Protocol::Pap, Some(Authentication::Pap(pap)), _) => pap
                .handle_packet(information, now)
                .map(|event| match event {
                    Some(PapPeerEvent::Acked(_)) => AuthOutcome::Succeeded,
                    Some(PapPeerEvent::Naked(message)) => AuthOutcome::Failed(message),
                    Some(PapPeerEvent::GaveUp) | None => AuthOutcome::Nothing,
                }),
            (Protocol::Chap, Some(Authentication::Chap(chap)), _) => chap
                .handle_packet(information, now)
                .map(|event| match event {
                    Some(ChapPeerEvent::Responded) => AuthOutcome::Sent,
                    Some(ChapPeerEvent::Succeeded(_)) => AuthOutcome::Succeeded,
                    Some(ChapPeerEvent::Failed(message)) => AuthOutcome::Failed(message),
                    None => AuthOutcome::Nothing,
                }),
            (Protocol::Ipcp, _, Some(ipcp)) => ControlPacket::parse(information)
                .and_then(|packet| ipcp.handle_packet(&packet, now))
                .map(|_| AuthOutcome::Nothing),
            (Protocol::Other(number), _, _) if self.phase == Phase::Network => {
                self.lcp.reject_protocol(number, information);
                Ok(AuthOutcome::Nothing)
            }
            _ => {
                self.counters.discarded += 1;
                Ok(AuthOutcome::Nothing)
            }
        };
        match outcome {
            Ok(AuthOutcome::Nothing) => {}
            Ok(AuthOutcome::Sent) => self.events.push_back(ClientEvent::AuthSent),
            Ok(AuthOutcome::Succeeded) => self.authenticated(now),
            // The server will terminate the link (RFC 1994 §4.2); we wait for it.
            Ok(AuthOutcome::Failed(message)) => {
                self.events.push_back(ClientEvent::AuthFailed(message))
            }
            Err(_) => self.counters.malformed += 1,
        }
        self.drain(now);
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        if self.phase == Phase::Dead {
            return;
        }
        self.lcp.handle_timeout(now);
        if let Some(Authentication::Pap(pap)) = &mut self.authentication {
            // GaveUp: keep waiting for a late answer (see the module comment).
            let _ = pap.handle_timeout(now);
        }
        if let Some(ipcp) = &mut self.ipcp {
            ipcp.handle_timeout(now);
        }
        self.drain(now);
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.phase == Phase::Dead {
            return None;
        }
        let pap = match &self.authentication {
            Some(Authentication::Pap(pap)) => pap.poll_timeout(),
            _ => None,
        };
        let ipcp = self.ipcp.as_ref().and_then(Fsm::poll_timeout);
        [self.lcp.poll_timeout(), pap, ipcp]
            .into_iter()
            .flatten()
            .min()
    }

    /// Whole PPP frames, protocol field included and uncompressed.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        crate::queue::pop_front_releasing(&mut self.transmit)
    }

    pub fn poll_event(&mut self) -> Option<ClientEvent> {
        crate::queue::pop_front_releasing(&mut self.events)
    }

    pub fn negotiated(&self) -> &Negotiated {
        self.lcp.negotiated()
    }

    pub fn counters(&self) -> ClientCounters {
        self.counters
    }

    /// Terminate-Request; `Down(Closed)` once the server acks or the restart counter ends.
    pub fn close(&mut self, now: Instant) {
        if self.phase == Phase::Dead {
            return;
        }
        self.lcp.close(now);
        self.drain(now);
    }

    /// PADT or link loss: nothing more is sent.
    pub fn lower_down(&mut self) {
        self.transmit.clear();
        self.go_down(DownReason::LowerLayerDown);
    }

    fn authenticated(&mut self, now: Instant) {
        self.events.push_back(ClientEvent::Authenticated);
        self.network(now);
    }

    fn network(&mut self, now: Instant) {
        self.phase = Phase::Network;
        if self.run_ipcp {
            let mut ipcp = Fsm::new(Protocol::Ipcp, self.fsm, IpcpPolicy::new(IpcpRole::Client));
            ipcp.open(now);
            ipcp.up(now);
            self.ipcp = Some(ipcp);
        }
    }

    fn lcp_up(&mut self, now: Instant) {
        if self.phase != Phase::Establish {
            return;
        }
        self.events.push_back(ClientEvent::LcpUp);
        self.phase = Phase::Authenticate;
        match self.lcp.negotiated().authentication {
            Some(AuthProtocol::Pap) => match PapPeer::new(self.fsm, &self.user, &self.password) {
                Ok(mut pap) => {
                    pap.start(now);
                    self.authentication = Some(Authentication::Pap(pap));
                    self.events.push_back(ClientEvent::AuthSent);
                }
                // A user name or password over 255 octets cannot be sent.
                Err(_) => self.events.push_back(ClientEvent::AuthFailed(Vec::new())),
            },
            Some(AuthProtocol::ChapMd5) => {
                let chap = ChapPeer::new(&self.user, &self.password);
                self.authentication = Some(Authentication::Chap(chap));
            }
            // The server asked for nothing: straight to the network phase.
            _ => self.network(now),
        }
    }

    /// Moves what the automata queued into whole frames, and their events into ours; LCP's
    /// first, since its Ack precedes the PAP request it makes possible.
    fn drain(&mut self, now: Instant) {
        while let Some(packet) = self.lcp.poll_transmit() {
            self.push_frame(Protocol::Lcp, &packet);
        }
        while let Some(event) = self.lcp.poll_event() {
            match event {
                LcpEvent::Layer(Event::Up) => self.lcp_up(now),
                LcpEvent::Layer(Event::Down) => {
                    // Renegotiation (RFC 1661 §3.1): authenticate again.
                    self.phase = Phase::Establish;
                    self.authentication = None;
                    self.ipcp = None;
                }
                LcpEvent::Layer(Event::Finished(reason)) => {
                    self.go_down(self.down_reason.unwrap_or(DownReason::from_finish(reason)))
                }
                LcpEvent::Layer(Event::Started) | LcpEvent::ProtocolRejected(_) => {}
                // LCP closes the link itself; Down comes with its Finished.
                LcpEvent::LoopbackDetected => {
                    self.down_reason.get_or_insert(DownReason::LoopbackDetected);
                }
                LcpEvent::EchoTimeout => {
                    self.down_reason.get_or_insert(DownReason::EchoTimeout);
                }
            }
        }
        loop {
            let (protocol, packet) = match &mut self.authentication {
                Some(Authentication::Pap(pap)) => (Protocol::Pap, pap.poll_transmit()),
                Some(Authentication::Chap(chap)) => (Protocol::Chap, chap.poll_transmit()),
                None => break,
            };
            let Some(packet) = packet else { break };
            self.push_frame(protocol, &packet);
        }
        self.drain_ipcp(now);
    }

    fn drain_ipcp(&mut self, now: Instant) {
        let Some(ipcp) = &mut self.ipcp else {
            return;
        };
        let mut frames = Vec::new();
        while let Some(packet) = ipcp.poll_transmit() {
            frames.push(frame(Protocol::Ipcp, &packet));
        }
        let (mut up, mut finished) = (false, false);
        while let Some(event) = ipcp.poll_event() {
            up |= event == Event::Up;
            finished |= matches!(event, Event::Finished(_));
        }
        let addresses = ipcp.policy.addresses.clone();
        for frame in frames {
            self.push_raw(frame);
        }
        if up {
            self.events.push_back(ClientEvent::IpUp {
                local: addresses.local.unwrap_or(Ipv4Addr::UNSPECIFIED),
                peer: addresses.peer.unwrap_or(Ipv4Addr::UNSPECIFIED),
                dns: [addresses.primary_dns, addresses.secondary_dns]
                    .into_iter()
                    .flatten()
                    .collect(),
                nbns: [addresses.primary_nbns, addresses.secondary_nbns]
                    .into_iter()
                    .flatten()
                    .collect(),
            });
        }
        if finished {
            // IP was the only reason for the link (RFC 1661 §3.7: no NCP left, close).
            self.ipcp = None;
            self.down_reason
                .get_or_insert(DownReason::NegotiationFailed);
            self.lcp.close(now);
            self.drain(now);
        }
    }

    fn push_frame(&mut self, protocol: Protocol, packet: &[u8]) {
        self.push_raw(frame(protocol, packet));
    }

    fn push_raw(&mut self, frame: Vec<u8>) {
        if self.phase != Phase::Dead {
            self.transmit.push_back(frame);
        }
    }

    fn go_down(&mut self, reason: DownReason) {
        if self.phase == Phase::Dead {
            return;
        }
        self.phase = Phase::Dead;
        self.authentication = None;
        self.ipcp = None;
        self.events.push_back(ClientEvent::Down(reason));
    }
}

#[cfg(test)]
#[path = "client_link_tests.rs"]
mod tests;
