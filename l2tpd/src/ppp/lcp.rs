//! LCP (RFC 1661) in either role on a synchronous link (L2TP, PPPoE): the automaton of
//! `fsm` with LCP's options, plus what only LCP has — Echo keepalives, loopback detection by
//! Magic-Number, and Protocol-Reject.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::fsm::{self, Event, Fsm, Policy, State, Unacceptable, Verdict};
use super::wire::control::{
    code, magic_data, parse_magic_data, parse_protocol_reject, ControlPacket,
};
use super::wire::options::{lcp_kind, AuthProtocol, LcpOption, RawOption};
use super::wire::{PppError, Protocol};

/// RFC 1661 §6.1: the MRU both ends assume until another is negotiated.
pub const DEFAULT_MRU: u16 = 1500;
/// Below this a peer's MRU cannot carry an IPv4 header and an LCP packet of any use.
pub const MINIMUM_MRU: u16 = 64;
/// Equal Magic-Numbers this many times in a row mean the link is looped back: two random
/// 32-bit numbers colliding twice by chance is already beyond belief (RFC 1661 §6.4).
const LOOPBACK_COLLISIONS: u32 = 3;

/// Which side of the link we are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// The LAC/LNS: asks the subscriber to authenticate, offering these in order.
    Server { authentication: Vec<AuthProtocol> },
    /// The subscriber: authenticates with any of these when the server asks.
    Client { authentication: Vec<AuthProtocol> },
}

#[derive(Debug, Clone)]
pub struct LcpConfig {
    pub fsm: fsm::Config,
    pub role: Role,
    /// The MRU we ask for; 1492 on PPPoE (RFC 2516 §7).
    pub mru: u16,
    /// Our first Magic-Number; the caller draws it at random (this module reads no entropy).
    pub magic: u32,
    /// Echo-Request every `interval`; the link is dead after `max_failures` unanswered.
    pub echo: Option<EchoConfig>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EchoConfig {
    pub interval: Duration,
    pub max_failures: u32,
}

/// What LCP tells its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LcpEvent {
    Layer(Event),
    /// Our own Magic-Number came back: the link is looped; LCP closes it.
    LoopbackDetected,
    /// `max_failures` Echo-Requests went unanswered; LCP closes the link.
    EchoTimeout,
    /// The peer does not speak this protocol (RFC 1661 §5.7): stop its NCP.
    ProtocolRejected(u16),
}

/// The values both ends agreed on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Negotiated {
    /// What we may send (the peer's MRU).
    pub peer_mru: Option<u16>,
    pub peer_magic: Option<u32>,
    /// The protocol the server authenticates the client with.
    pub authentication: Option<AuthProtocol>,
    /// The peer accepts protocol fields compressed to one octet.
    pub peer_pfc: bool,
}

pub struct LcpPolicy {
    role: Role,
    /// The MRU we ask for now; `None` when it is the default (not asked for) or the peer
    /// rejected the option.
    mru: Option<u16>,
    /// The configured MRU: the most a Nak's hint may raise ours to.
    mru_ceiling: u16,
    magic: Option<u32>,
    /// Server: index into the offered protocols of the one we ask for now.
    offer: usize,
    collisions: u32,
    loopback: bool,
    negotiated: Negotiated,
}

impl LcpPolicy {
    fn new(config: &LcpConfig) -> Self {
        LcpPolicy {
            role: config.role.clone(),
            mru: (config.mru != DEFAULT_MRU).then_some(config.mru),
            // An MRU below 64 is of no use to either end (a test client's): the peer's
            // hint may raise it up to RFC 1661's default.
            mru_ceiling: if config.mru < MINIMUM_MRU {
                DEFAULT_MRU
            } else {
                config.mru
            },
            magic: (config.magic != 0).then_some(config.magic),
            offer: 0,
            collisions: 0,
            loopback: false,
            negotiated: Negotiated::default(),
        }
    }

    fn offered(&self) -> Option<&AuthProtocol> {
        match &self.role {
            Role::Server { authentication } => authentication.get(self.offer),
            Role::Client { .. } => None,
        }
    }

    /// RFC 1661 §6.4 wants a new random number; a xorshift of the old one is as good for
    /// telling two ends apart and keeps this module free of entropy sources.
    fn new_magic(&mut self) {
        if let Some(magic) = self.magic.as_mut() {
            let mut x = *magic;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            *magic = if x == 0 { 1 } else { x };
        }
    }

    /// A Nak suggesting a Magic-Number other than ours (RFC 1661 §6.4).
    fn magic_nak(&self) -> Verdict {
        // Adding a non-zero constant never gives our own number back; 0 is illegal.
        let suggestion = self.magic.unwrap_or(0).wrapping_add(0x9E37_79B9).max(1);
        Verdict::Nak(vec![LcpOption::MagicNumber(suggestion).to_raw()])
    }

    /// Judges one option; `None` means Ack.
    fn judge(&mut self, raw: &RawOption) -> Option<Verdict> {
        let reject = || Some(Verdict::Reject(vec![raw.clone()]));
        let Ok(option) = LcpOption::from_raw(raw) else {
            return reject();
        };
        match option {
            LcpOption::Mru(mru) if mru < MINIMUM_MRU => {
                Some(Verdict::Nak(vec![LcpOption::Mru(DEFAULT_MRU).to_raw()]))
            }
            LcpOption::Mru(mru) => {
                self.negotiated.peer_mru = Some(mru);
                None
            }
            // RFC 1661 §6.4: zero is illegal and always Nak'ed, but is no sign of a loop.
            LcpOption::MagicNumber(0) => Some(self.magic_nak()),
            LcpOption::MagicNumber(magic) if Some(magic) == self.magic => {
                self.collisions += 1;
                if self.collisions >= LOOPBACK_COLLISIONS {
                    self.loopback = true;
                }
                self.new_magic();
                Some(self.magic_nak())
            }
            LcpOption::MagicNumber(magic) => {
                self.collisions = 0;
                self.negotiated.peer_magic = Some(magic);
                None
            }
            LcpOption::AuthenticationProtocol(asked) => match &self.role {
                // We never authenticate ourselves to a subscriber.
                Role::Server { .. } => reject(),
                Role::Client { authentication } if authentication.contains(&asked) => {
                    self.negotiated.authentication = Some(asked);
                    None
                }
                Role::Client { authentication } => match authentication.first() {
                    Some(ours) => Some(Verdict::Nak(vec![LcpOption::AuthenticationProtocol(
                        ours.clone(),
                    )
                    .to_raw()])),
                    None => reject(),
                },
            },
            LcpOption::ProtocolFieldCompression => {
                self.negotiated.peer_pfc = true;
                None
            }
            // Address and control fields do not exist on a synchronous link
            // (RFC 2516 §7 says reject ACFC).
            LcpOption::AddressControlFieldCompression | LcpOption::Unknown(_) => reject(),
        }
    }
}

impl Policy for LcpPolicy {
    fn request(&mut self) -> Vec<RawOption> {
        let mut options = Vec::new();
        if let Some(mru) = self.mru {
            options.push(LcpOption::Mru(mru).to_raw());
        }
        if let Some(auth) = self.offered() {
            options.push(LcpOption::AuthenticationProtocol(auth.clone()).to_raw());
        }
        if let Some(magic) = self.magic {
            options.push(LcpOption::MagicNumber(magic).to_raw());
        }
        options
    }

    fn check(&mut self, options: &[RawOption]) -> Verdict {
        let negotiated_before = self.negotiated.clone();
        let (mut naks, mut rejects) = (Vec::new(), Vec::new());
        let collisions_before = self.collisions;
        for option in options {
            match self.judge(option) {
                Some(Verdict::Nak(mut nak)) => naks.append(&mut nak),
                Some(Verdict::Reject(mut reject)) => rejects.append(&mut reject),
                _ => {}
            }
        }
        if self.collisions > collisions_before {
            // Our own Magic-Number: the request may be our own coming back, so answer only
            // the collision; on a looped link the Nak returns to us too and the count goes on
            // (RFC 1661 §6.4). Rejecting its other options would end it as a refusal instead.
            self.negotiated = negotiated_before;
            naks.retain(|nak| nak.kind == lcp_kind::MAGIC_NUMBER);
            return Verdict::Nak(naks);
        }
        // RFC 1661 §5.4: Rejects first; only a request we Ack sets the peer's values.
        if !rejects.is_empty() || !naks.is_empty() {
            self.negotiated = negotiated_before;
        }
        if !rejects.is_empty() {
            Verdict::Reject(rejects)
        } else if !naks.is_empty() {
            Verdict::Nak(naks)
        } else {
            Verdict::Ack
        }
    }

    fn nak_received(&mut self, options: &[RawOption]) -> Result<(), Unacceptable> {
        for option in options {
            match LcpOption::from_raw(option) {
                // RFC 1661 §6.1: a smaller MRU is the peer's wish we can grant; a larger one
                // than configured is more than we take, so we ask for ours again (pppd
                // does the same), and a peer that insists ends at Max-Configure.
                Ok(LcpOption::Mru(hint))
                    if self.mru.is_some() && (MINIMUM_MRU..=self.mru_ceiling).contains(&hint) =>
                {
                    self.mru = Some(hint)
                }
                Ok(LcpOption::MagicNumber(_)) => {
                    self.collisions += 1;
                    if self.collisions >= LOOPBACK_COLLISIONS {
                        self.loopback = true;
                    }
                    self.new_magic();
                }
                Ok(LcpOption::AuthenticationProtocol(hint)) => {
                    let Role::Server { authentication } = &self.role else {
                        continue;
                    };
                    // Take the client's choice if we offer it at all, else our next offer.
                    self.offer = match authentication.iter().position(|ours| *ours == hint) {
                        Some(index) if index != self.offer => index,
                        _ => self.offer + 1,
                    };
                    if self.offered().is_none() {
                        return Err(Unacceptable);
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn reject_received(&mut self, options: &[RawOption]) -> Result<(), Unacceptable> {
        for option in options {
            match option.kind {
                lcp_kind::MRU => self.mru = None,
                lcp_kind::MAGIC_NUMBER => self.magic = None,
                // A server that cannot authenticate its subscriber does not let it in.
                lcp_kind::AUTHENTICATION_PROTOCOL => return Err(Unacceptable),
                _ => {}
            }
        }
        Ok(())
    }
}

pub struct Lcp {
    fsm: Fsm<LcpPolicy>,
    echo: Option<EchoConfig>,
    echo_deadline: Option<Instant>,
    echoes_unanswered: u32,
    /// Keepalives over the link's life (`show ppp interface extensive`).
    echo_requests_sent: u32,
    echo_replies_received: u32,
    events: VecDeque<LcpEvent>,
}

/// The keepalive side of LCP, for the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EchoStatus {
    pub config: Option<EchoConfig>,
    pub requests_sent: u32,
    pub replies_received: u32,
    pub unanswered: u32,
}

impl Lcp {
    pub fn new(config: LcpConfig) -> Self {
        let policy = LcpPolicy::new(&config);
        Lcp {
            fsm: Fsm::new(Protocol::Lcp, config.fsm, policy),
            echo: config.echo,
            echo_deadline: None,
            echoes_unanswered: 0,
            echo_requests_sent: 0,
            echo_replies_received: 0,
            events: VecDeque::new(),
        }
    }

    pub fn state(&self) -> State {
        self.fsm.state()
    }

    pub fn negotiated(&self) -> &Negotiated {
        &self.fsm.policy.negotiated
    }

    pub fn role(&self) -> &Role {
        &self.fsm.policy.role
    }

    /// Our Magic-Number as we ask for it now (`None`: we ask for none).
    pub fn local_magic(&self) -> Option<u32> {
        self.fsm.policy.magic
    }

    /// The MRU we ask for (the default when we ask for none, or the peer rejected it).
    pub fn local_mru(&self) -> u16 {
        self.fsm.policy.mru.unwrap_or(DEFAULT_MRU)
    }

    pub fn echo_status(&self) -> EchoStatus {
        EchoStatus {
            config: self.echo,
            requests_sent: self.echo_requests_sent,
            replies_received: self.echo_replies_received,
            unanswered: self.echoes_unanswered,
        }
    }

    /// Administrative Open then lower layer Up: LCP starts negotiating at once.
    pub fn start(&mut self, now: Instant) {
        self.fsm.open(now);
        self.fsm.up(now);
        self.collect_events(now);
    }

    /// Proxy LCP at the LNS (RFC 2661 §4.4.5): Opened with what the LAC agreed, sending
    /// nothing; the keepalive starts as after any This-Layer-Up. `negotiated` holds the
    /// peer's values and the authentication protocol our side (the LAC) asked for;
    /// `our_magic` is the Magic-Number the peer knows for us — `None` when it knows none,
    /// so Echo carries zero (RFC 1661 §5.8) and a renegotiation asks for none. False, and
    /// nothing changed, unless this is a server's LCP still in the Initial state and the
    /// authentication is the one it offers (or none when it offers none).
    pub fn open_with(
        &mut self,
        negotiated: Negotiated,
        our_magic: Option<u32>,
        now: Instant,
    ) -> bool {
        if self.fsm.state() != State::Initial {
            return false;
        }
        let Role::Server { authentication } = &self.fsm.policy.role else {
            return false;
        };
        let offer = match &negotiated.authentication {
            Some(agreed) => authentication.iter().position(|ours| ours == agreed),
            None => authentication.is_empty().then_some(0),
        };
        let Some(offer) = offer else {
            return false;
        };
        let policy = &mut self.fsm.policy;
        policy.offer = offer;
        policy.magic = our_magic;
        policy.negotiated = negotiated;
        self.fsm.force_opened();
        self.collect_events(now);
        true
    }

    /// The counters and timer LCP runs with; the NCPs and CHAP use the same.
    pub fn fsm_config(&self) -> fsm::Config {
        self.fsm.config()
    }

    pub fn close(&mut self, now: Instant) {
        self.fsm.close(now);
        self.collect_events(now);
    }

    pub fn lower_down(&mut self, now: Instant) {
        self.fsm.down();
        self.collect_events(now);
    }

    /// An LCP packet (the information field after protocol 0xC021).
    pub fn handle_packet(&mut self, bytes: &[u8], now: Instant) -> Result<(), PppError> {
        let packet = ControlPacket::parse(bytes)?;
        let result = match packet.code {
            code::PROTOCOL_REJECT => self.receive_protocol_reject(packet.data, now),
            code::ECHO_REQUEST | code::ECHO_REPLY | code::DISCARD_REQUEST => {
                self.receive_echo(&packet, now)
            }
            // A peer without Echo (RFC 1661 §5.6 lets it Code-Reject LCP's extensions) would
            // otherwise look dead after max_failures intervals: stop asking it.
            code::CODE_REJECT if packet.data.first() == Some(&code::ECHO_REQUEST) => {
                self.echo = None;
                self.echo_deadline = None;
                Ok(())
            }
            _ => self.fsm.handle_packet(&packet, now),
        };
        self.collect_events(now);
        result
    }

    /// A frame of a protocol nobody here runs: RFC 1661 §5.7 answers with Protocol-Reject,
    /// in the Opened state only, cut to the peer's MRU.
    pub fn reject_protocol(&mut self, protocol: u16, information: &[u8]) {
        if self.fsm.state() != State::Opened {
            return;
        }
        let mru = self.negotiated().peer_mru.unwrap_or(DEFAULT_MRU) as usize;
        // The LCP header (4) and the rejected protocol (2) come out of the MRU.
        let room = mru.saturating_sub(6).min(information.len());
        let mut data = protocol.to_be_bytes().to_vec();
        data.extend_from_slice(&information[..room]);
        self.fsm.send(code::PROTOCOL_REJECT, &data);
    }

    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.fsm.poll_transmit()
    }

    pub fn poll_event(&mut self) -> Option<LcpEvent> {
        crate::queue::pop_front_releasing(&mut self.events)
    }

    /// Gives back the room the queues grew to; for a link kept long after negotiation.
    pub fn shrink_queues(&mut self) {
        self.fsm.shrink_queues();
        self.events.shrink_to_fit();
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        [self.fsm.poll_timeout(), self.echo_deadline]
            .into_iter()
            .flatten()
            .min()
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        self.fsm.handle_timeout(now);
        if let (Some(deadline), Some(echo)) = (self.echo_deadline, self.echo) {
            if deadline <= now && self.fsm.state() == State::Opened {
                if self.echoes_unanswered >= echo.max_failures {
                    self.events.push_back(LcpEvent::EchoTimeout);
                    self.echo_deadline = None;
                    self.fsm.close(now);
                } else {
                    self.echoes_unanswered += 1;
                    self.echo_requests_sent = self.echo_requests_sent.saturating_add(1);
                    let data = magic_data(self.our_magic(), &[]);
                    self.fsm.send(code::ECHO_REQUEST, &data);
                    self.echo_deadline = Some(now + echo.interval);
                }
            }
        }
        self.collect_events(now);
    }

    fn our_magic(&self) -> u32 {
        self.fsm.policy.magic.unwrap_or(0)
    }

    fn receive_echo(&mut self, packet: &ControlPacket<'_>, _now: Instant) -> Result<(), PppError> {
        // RFC 1661 §5.8: only in the Opened state; elsewhere silently discarded.
        if self.fsm.state() != State::Opened {
            return Ok(());
        }
        let (magic, rest) = parse_magic_data(packet.data)?;
        if magic != 0 && magic == self.our_magic() {
            self.fsm.policy.loopback = true;
            return Ok(());
        }
        match packet.code {
            code::ECHO_REQUEST => {
                let data = magic_data(self.our_magic(), rest);
                self.fsm
                    .send_with_identifier(code::ECHO_REPLY, packet.identifier, &data);
            }
            code::ECHO_REPLY => {
                self.echoes_unanswered = 0;
                self.echo_replies_received = self.echo_replies_received.saturating_add(1);
            }
            _ => {}
        }
        Ok(())
    }

    fn receive_protocol_reject(&mut self, data: &[u8], now: Instant) -> Result<(), PppError> {
        if self.fsm.state() != State::Opened {
            return Ok(());
        }
        let (protocol, _) = parse_protocol_reject(data)?;
        let catastrophic = protocol == Protocol::Lcp.number();
        if !catastrophic {
            self.events.push_back(LcpEvent::ProtocolRejected(protocol));
        }
        self.fsm.receive_reject(catastrophic, now);
        Ok(())
    }

    fn collect_events(&mut self, now: Instant) {
        if std::mem::take(&mut self.fsm.policy.loopback) {
            self.events.push_back(LcpEvent::LoopbackDetected);
            self.fsm.policy.collisions = 0;
            self.fsm.close(now);
        }
        while let Some(event) = self.fsm.poll_event() {
            match event {
                Event::Up => {
                    // The server's Authentication-Protocol is in the request the peer just
                    // acked; the client learnt it from the peer's request already.
                    if let Role::Server { .. } = self.fsm.policy.role {
                        self.fsm.policy.negotiated.authentication =
                            self.fsm.policy.offered().cloned();
                    }
                    self.echoes_unanswered = 0;
                    self.echo_deadline = self.echo.map(|echo| now + echo.interval);
                }
                Event::Down => self.echo_deadline = None,
                _ => {}
            }
            self.events.push_back(LcpEvent::Layer(event));
        }
    }
}

#[cfg(test)]
#[path = "lcp_tests.rs"]
mod tests;
