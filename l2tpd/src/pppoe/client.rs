//! The host's side of PPPoE discovery (RFC 2516 §5, RFC 4638) for one subscriber, sans-IO:
//! PADI (broadcast) → first acceptable PADO → PADR echoing AC-Cookie and Relay-Session-Id →
//! PADS with a session id, then session framing, and PADT either way. The project's subscriber
//! emulator runs one per subscriber; the codec is `wire`'s, shared with the server.
//!
//! Retransmission follows RFC 2516 §5.1/§5.3: a PADI (PADR) without answer is sent again after
//! a waiting period that doubles each time, a bounded number of times.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::access_line::AccessLine;
use super::discovery::DEFAULT_MAX_PAYLOAD;
use super::wire::{Body, Code, Frame, MacAddr, Tag, VlanTag};

/// What one subscriber asks for.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Our source MAC (unicast).
    pub mac: MacAddr,
    /// The unit's tags, outermost first, put on every frame we send.
    pub vlans: Vec<VlanTag>,
    /// Empty asks for any service (RFC 2516 §5.1).
    pub service_name: Vec<u8>,
    /// Identifies this subscriber in the concentrator's replies; empty sends none.
    pub host_uniq: Vec<u8>,
    /// Accept PADOs only from this AC-Name; `None` takes the first PADO.
    pub ac_name: Option<Vec<u8>>,
    /// RFC 4638: ask for a PPP payload above 1492.
    pub max_payload: Option<u16>,
    /// The first waiting period for a PADO or PADS; doubled after each resend.
    pub initial_timeout: Duration,
    /// PADIs (PADRs) sent in all before discovery fails.
    pub max_attempts: u32,
    /// The line a PPPoE intermediate agent on the way would name (TR-101): its tag goes in
    /// every PADI and PADR, as the agent would insert it. For the lab and the tests.
    pub access_line: Option<AccessLine>,
}

impl ClientConfig {
    pub fn new(mac: MacAddr) -> Self {
        Self {
            mac,
            vlans: Vec::new(),
            service_name: Vec::new(),
            host_uniq: Vec::new(),
            ac_name: None,
            max_payload: None,
            initial_timeout: Duration::from_secs(1),
            max_attempts: 4,
            access_line: None,
        }
    }
}

/// Where discovery is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientState {
    Idle,
    /// PADI sent, waiting for a PADO.
    Discovering,
    /// PADR sent, waiting for the PADS.
    Requesting,
    Session,
    Finished,
}

/// Why discovery did not give a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No acceptable PADO after every PADI.
    NoPado,
    /// No PADS after every PADR.
    NoPads,
    /// The PADS refused with Service-Name-Error (its text).
    ServiceNameError(Vec<u8>),
    /// The PADS refused with AC-System-Error (e.g. max-sessions).
    AcSystemError(Vec<u8>),
    /// The PADS refused with Generic-Error, or with SESSION_ID 0 and no reason.
    GenericError(Vec<u8>),
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEnd {
    /// The concentrator sent a PADT.
    PeerPadt,
    /// We sent one (`terminate`).
    Terminated,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEvent {
    SessionUp {
        session_id: u16,
        ac: MacAddr,
        ac_name: Vec<u8>,
        /// The PPP payload both ends carry: 1492, or what RFC 4638 agreed above it.
        max_payload: u16,
    },
    Failed(Failure),
    SessionDown(SessionEnd),
}

/// Frames this client did not act on, by reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientCounters {
    pub padi_sent: u64,
    pub padr_sent: u64,
    pub padt_sent: u64,
    pub malformed: u64,
    /// Addressed to another MAC, or on other VLAN tags.
    pub not_for_us: u64,
    /// A discovery frame that does not fit the state (a late PADO, a PADS before any PADR).
    pub unexpected: u64,
    /// A PADO without AC-Name or AC-Cookie, from another AC-Name, or with another Host-Uniq.
    pub pado_refused: u64,
    /// A PADS or PADT from another concentrator or for another session or Host-Uniq.
    pub foreign: u64,
    pub session_frames_received: u64,
    pub session_frames_sent: u64,
}

/// What a received frame gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received<'a> {
    Nothing,
    /// The PPP frame (protocol field first) of our session.
    SessionPpp(&'a [u8]),
}

/// The concentrator that offered and what the PADR must echo.
#[derive(Debug, Clone)]
struct Offer {
    ac: MacAddr,
    ac_name: Vec<u8>,
    cookie: Vec<u8>,
    relay_session_id: Option<Vec<u8>>,
}

#[derive(Debug)]
pub struct DiscoveryClient {
    config: ClientConfig,
    state: ClientState,
    offer: Option<Offer>,
    session_id: u16,
    /// Frames sent in the current stage (PADI or PADR).
    attempts: u32,
    deadline: Option<Instant>,
    transmit: VecDeque<Vec<u8>>,
    events: VecDeque<ClientEvent>,
    counters: ClientCounters,
}

impl DiscoveryClient {
    pub fn new(config: ClientConfig) -> Self {
        Self {
            config,
            state: ClientState::Idle,
            offer: None,
            session_id: 0,
            attempts: 0,
            deadline: None,
            transmit: VecDeque::new(),
            events: VecDeque::new(),
            counters: ClientCounters::default(),
        }
    }

    pub fn state(&self) -> ClientState {
        self.state
    }

    pub fn counters(&self) -> &ClientCounters {
        &self.counters
    }

    pub fn mac(&self) -> MacAddr {
        self.config.mac
    }

    /// The session id once the PADS granted one.
    pub fn session_id(&self) -> Option<u16> {
        (self.state == ClientState::Session).then_some(self.session_id)
    }

    /// Broadcasts the first PADI.
    pub fn start(&mut self, now: Instant) {
        if self.state != ClientState::Idle {
            return;
        }
        self.state = ClientState::Discovering;
        self.attempts = 0;
        self.send_padi(now);
    }

    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        crate::queue::pop_front_releasing(&mut self.transmit)
    }

    pub fn poll_event(&mut self) -> Option<ClientEvent> {
        crate::queue::pop_front_releasing(&mut self.events)
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadline
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        if self.deadline.is_none_or(|deadline| deadline > now) {
            return;
        }
        self.deadline = None;
        let exhausted = self.attempts >= self.config.max_attempts;
        match (self.state, exhausted) {
            (ClientState::Discovering, false) => self.send_padi(now),
            (ClientState::Requesting, false) => self.send_padr(now),
            (ClientState::Discovering, true) => self.fail(Failure::NoPado),
            (ClientState::Requesting, true) => self.fail(Failure::NoPads),
            _ => {}
        }
    }

    /// One frame received on the link; frames for other hosts are counted and ignored, so
    /// many clients may share one link and each see every frame.
    pub fn handle_frame<'a>(&mut self, bytes: &'a [u8], now: Instant) -> Received<'a> {
        let frame = match Frame::parse(bytes) {
            Ok(frame) => frame,
            Err(_) => {
                self.counters.malformed += 1;
                return Received::Nothing;
            }
        };
        if frame.dst != self.config.mac || frame.vlans != self.config.vlans {
            self.counters.not_for_us += 1;
            return Received::Nothing;
        }
        match frame.body {
            Body::Session { session_id, ppp } => {
                if self.state == ClientState::Session
                    && session_id == self.session_id
                    && self.is_from_our_ac(frame.src)
                {
                    self.counters.session_frames_received += 1;
                    return Received::SessionPpp(ppp);
                }
                self.counters.foreign += 1;
            }
            Body::Discovery {
                code,
                session_id,
                tags,
            } => match (code, self.state) {
                (Code::Pado, ClientState::Discovering) => self.pado(frame.src, &tags, now),
                (Code::Pads, ClientState::Requesting) => self.pads(frame.src, session_id, &tags),
                (Code::Padt, ClientState::Session) => self.padt(frame.src, session_id),
                _ => self.counters.unexpected += 1,
            },
        }
        Received::Nothing
    }

    /// Wraps a PPP frame (protocol field first) for our session; `None` without a session.
    pub fn session_frame(&mut self, ppp: &[u8]) -> Option<Vec<u8>> {
        if self.state != ClientState::Session {
            return None;
        }
        let ac = self.offer.as_ref()?.ac;
        let bytes = Frame {
            dst: ac,
            src: self.config.mac,
            vlans: self.config.vlans.clone(),
            body: Body::Session {
                session_id: self.session_id,
                ppp,
            },
        }
        .to_bytes()
        .ok()?;
        self.counters.session_frames_sent += 1;
        Some(bytes)
    }

    /// Ends the session with a PADT (RFC 2516 §5.5), or gives up discovery in progress.
    pub fn terminate(&mut self) {
        match self.state {
            ClientState::Session => {
                if let Some(ac) = self.offer.as_ref().map(|offer| offer.ac) {
                    self.queue(ac, Code::Padt, self.session_id, Vec::new());
                    self.counters.padt_sent += 1;
                }
                self.end(SessionEnd::Terminated);
            }
            ClientState::Discovering | ClientState::Requesting | ClientState::Idle => {
                self.state = ClientState::Finished;
                self.deadline = None;
            }
            ClientState::Finished => {}
        }
    }

    fn pado(&mut self, ac: MacAddr, tags: &[Tag], now: Instant) {
        let mut ac_name = None;
        let mut cookie = None;
        let mut relay_session_id = None;
        let mut host_uniq = None;
        for tag in tags {
            match tag {
                Tag::AcName(name) => ac_name = Some(name.clone()),
                Tag::AcCookie(value) => cookie = Some(value.clone()),
                Tag::RelaySessionId(value) => relay_session_id = Some(value.clone()),
                Tag::HostUniq(value) => host_uniq = Some(value.as_slice()),
                _ => {}
            }
        }
        // RFC 2516 §5.2: a PADO carries an AC-Name. The cookie is optional in the RFC, but
        // every concentrator we talk to sends one, and it is echoed only if present.
        let refused = ac.is_multicast()
            || !self.host_uniq_matches(host_uniq)
            || self
                .config
                .ac_name
                .as_ref()
                .is_some_and(|wanted| ac_name.as_ref() != Some(wanted));
        let Some(ac_name) = ac_name.filter(|_| !refused) else {
            self.counters.pado_refused += 1;
            return;
        };
        self.offer = Some(Offer {
            ac,
            ac_name,
            cookie: cookie.unwrap_or_default(),
            relay_session_id,
        });
        self.state = ClientState::Requesting;
        self.attempts = 0;
        self.send_padr(now);
    }

    fn pads(&mut self, src: MacAddr, session_id: u16, tags: &[Tag]) {
        let mut host_uniq = None;
        let mut error = None;
        let mut agreed_payload = None;
        for tag in tags {
            match tag {
                Tag::HostUniq(value) => host_uniq = Some(value.as_slice()),
                Tag::ServiceNameError(text) => {
                    error.get_or_insert(Failure::ServiceNameError(text.clone()));
                }
                Tag::AcSystemError(text) => {
                    error.get_or_insert(Failure::AcSystemError(text.clone()));
                }
                Tag::GenericError(text) => {
                    error.get_or_insert(Failure::GenericError(text.clone()));
                }
                Tag::PppMaxPayload(value) => agreed_payload = Some(*value),
                _ => {}
            }
        }
        if !self.is_from_our_ac(src) || !self.host_uniq_matches(host_uniq) {
            self.counters.foreign += 1;
            return;
        }
        // RFC 2516 §5.4: a refusing PADS has SESSION_ID 0 and says why in an error tag.
        if session_id == 0 || error.is_some() {
            self.fail(error.unwrap_or(Failure::GenericError(Vec::new())));
            return;
        }
        // RFC 4638 §4: above 1492 only if we asked and the PADS echoes a value.
        let max_payload = match (self.config.max_payload, agreed_payload) {
            (Some(asked), Some(agreed)) => asked.min(agreed).max(DEFAULT_MAX_PAYLOAD),
            _ => DEFAULT_MAX_PAYLOAD,
        };
        let Some(offer) = &self.offer else { return };
        self.state = ClientState::Session;
        self.session_id = session_id;
        self.deadline = None;
        self.events.push_back(ClientEvent::SessionUp {
            session_id,
            ac: offer.ac,
            ac_name: offer.ac_name.clone(),
            max_payload,
        });
    }

    fn padt(&mut self, src: MacAddr, session_id: u16) {
        if !self.is_from_our_ac(src) || session_id != self.session_id {
            self.counters.foreign += 1;
            return;
        }
        self.end(SessionEnd::PeerPadt);
    }

    fn end(&mut self, end: SessionEnd) {
        self.state = ClientState::Finished;
        self.deadline = None;
        self.events.push_back(ClientEvent::SessionDown(end));
    }

    fn fail(&mut self, failure: Failure) {
        self.state = ClientState::Finished;
        self.deadline = None;
        self.events.push_back(ClientEvent::Failed(failure));
    }

    fn is_from_our_ac(&self, src: MacAddr) -> bool {
        self.offer.as_ref().is_some_and(|offer| offer.ac == src)
    }

    /// A reply must carry back the Host-Uniq we sent (RFC 2516 §5.2); without one we sent
    /// none and any reply is ours.
    fn host_uniq_matches(&self, received: Option<&[u8]>) -> bool {
        self.config.host_uniq.is_empty() || received == Some(self.config.host_uniq.as_slice())
    }

    /// From now on every PADI and PADR carries `line`'s intermediate-agent tag.
    pub fn set_access_line(&mut self, line: AccessLine) {
        self.config.access_line = Some(line);
    }

    fn request_tags(&self) -> Vec<Tag> {
        let mut tags = vec![Tag::ServiceName(self.config.service_name.clone())];
        if !self.config.host_uniq.is_empty() {
            tags.push(Tag::HostUniq(self.config.host_uniq.clone()));
        }
        if let Some(max_payload) = self.config.max_payload {
            tags.push(Tag::PppMaxPayload(max_payload));
        }
        tags.extend(self.config.access_line.as_ref().map(AccessLine::to_tag));
        tags
    }

    fn send_padi(&mut self, now: Instant) {
        let tags = self.request_tags();
        self.queue(MacAddr::BROADCAST, Code::Padi, 0, tags);
        self.counters.padi_sent += 1;
        self.arm(now);
    }

    fn send_padr(&mut self, now: Instant) {
        let Some(offer) = &self.offer else { return };
        let ac = offer.ac;
        let mut tags = self.request_tags();
        if !offer.cookie.is_empty() {
            tags.push(Tag::AcCookie(offer.cookie.clone()));
        }
        tags.extend(offer.relay_session_id.clone().map(Tag::RelaySessionId));
        self.queue(ac, Code::Padr, 0, tags);
        self.counters.padr_sent += 1;
        self.arm(now);
    }

    /// The waiting period doubles with each frame of the stage (RFC 2516 §5.1).
    fn arm(&mut self, now: Instant) {
        let doubling = 1u32 << self.attempts.min(16);
        self.attempts += 1;
        self.deadline = Some(now + self.config.initial_timeout * doubling);
    }

    fn queue(&mut self, dst: MacAddr, code: Code, session_id: u16, tags: Vec<Tag>) {
        let frame = Frame::discovery(
            dst,
            self.config.mac,
            &self.config.vlans,
            code,
            session_id,
            tags,
        );
        // Only an over-long Service-Name or Host-Uniq (>65535 bytes) fails to encode.
        if let Ok(bytes) = frame.to_bytes() {
            self.transmit.push_back(bytes);
        }
    }
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
