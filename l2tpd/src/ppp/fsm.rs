//! The option negotiation automaton of RFC 1661 §4, shared by LCP and the NCPs (RFC 1332 §2
//! reuses it for IPCP). It knows nothing of the options themselves: a `Policy` builds our
//! Configure-Request and judges the peer's. Sans-IO: fed packets, lower-layer events and a
//! clock; it queues packets to send and layer events, and names its next deadline.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::wire::control::{code, ControlPacket};
use super::wire::options::{emit_options, parse_options, RawOption};
use super::wire::Protocol;

/// The ten states of RFC 1661 §4.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Initial,
    Starting,
    Closed,
    Stopped,
    Closing,
    Stopping,
    RequestSent,
    AckReceived,
    AckSent,
    Opened,
}

/// The counters and timer of RFC 1661 §4.6, with its suggested defaults.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    pub restart_interval: Duration,
    pub max_configure: u32,
    pub max_terminate: u32,
    pub max_failure: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            restart_interval: Duration::from_secs(3),
            max_configure: 10,
            max_terminate: 2,
            max_failure: 5,
        }
    }
}

/// What the policy thinks of the peer's Configure-Request (RFC 1661 §5.2–5.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Ack,
    /// Acceptable options with values we cannot accept: the values we would.
    Nak(Vec<RawOption>),
    /// Options we do not know or will not negotiate, copied unchanged.
    Reject(Vec<RawOption>),
}

/// The peer refused something we cannot do without (LCP: authentication at the server).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unacceptable;

/// The option knowledge of one protocol (LCP, IPCP) in one role.
pub trait Policy {
    /// The options of our next Configure-Request.
    fn request(&mut self) -> Vec<RawOption>;
    /// Judges the peer's Configure-Request; on `Ack` the policy keeps the peer's values.
    fn check(&mut self, options: &[RawOption]) -> Verdict;
    /// The peer Nak'ed our request: take its hints, or refuse.
    fn nak_received(&mut self, options: &[RawOption]) -> Result<(), Unacceptable>;
    /// The peer Rejected options of our request: stop asking, or refuse.
    fn reject_received(&mut self, options: &[RawOption]) -> Result<(), Unacceptable>;
}

/// Why the layer finished (the This-Layer-Finished action, RFC 1661 §4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinishReason {
    /// We closed, or the lower layer went down before negotiation began.
    Closed,
    /// The restart counter ran out (Max-Configure or Max-Terminate).
    Timeout,
    /// The peer sent a Terminate-Request.
    PeerTerminated,
    /// The peer rejected a code or protocol the automaton cannot work without.
    Catastrophic,
    /// The peer Nak'ed or Rejected our requests more than Max-Configure times.
    NotConverging,
    /// The peer refused an option we cannot do without.
    Unacceptable,
}

/// The This-Layer actions (RFC 1661 §4.4) the caller acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Up,
    Down,
    Started,
    Finished(FinishReason),
}

pub struct Fsm<P> {
    protocol: Protocol,
    config: Config,
    pub policy: P,
    state: State,
    restart_count: u32,
    restart_deadline: Option<Instant>,
    /// Configure-Naks sent since our last Configure-Ack (Max-Failure, RFC 1661 §4.6).
    naks_sent: u32,
    /// Configure-Naks and -Rejects received since the layer came up or last opened.
    naks_received: u32,
    /// Configure-Requests we Nak'ed or Rejected since our last Configure-Ack.
    refusals_sent: u32,
    next_identifier: u8,
    /// The identifier and options of our outstanding Configure-Request.
    request: Option<(u8, Vec<u8>)>,
    /// Why we are terminating, so This-Layer-Finished says who ended the link; `None`
    /// while negotiating, where running out of restarts is a timeout.
    finish_reason: Option<FinishReason>,
    transmit: VecDeque<Vec<u8>>,
    events: VecDeque<Event>,
}

impl<P: Policy> Fsm<P> {
    pub fn new(protocol: Protocol, config: Config, policy: P) -> Self {
        Fsm {
            protocol,
            config,
            policy,
            state: State::Initial,
            restart_count: 0,
            restart_deadline: None,
            naks_sent: 0,
            naks_received: 0,
            refusals_sent: 0,
            next_identifier: 1,
            request: None,
            finish_reason: None,
            transmit: VecDeque::new(),
            events: VecDeque::new(),
        }
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// The counters and timer it runs with (an owner's NCPs run with the same).
    pub fn config(&self) -> Config {
        self.config
    }

    /// The next control packet to send, without the protocol field.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        crate::queue::pop_front_releasing(&mut self.transmit)
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        crate::queue::pop_front_releasing(&mut self.events)
    }

    /// Gives back the room the queues grew to; for a link kept long after negotiation.
    pub fn shrink_queues(&mut self) {
        self.transmit.shrink_to_fit();
        self.events.shrink_to_fit();
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.restart_deadline
    }

    /// Queues a packet of a code the automaton does not own (Echo, Protocol-Reject…).
    pub fn send(&mut self, code: u8, data: &[u8]) -> u8 {
        let identifier = self.allocate_identifier();
        self.queue(code, identifier, data);
        identifier
    }

    pub fn send_with_identifier(&mut self, code: u8, identifier: u8, data: &[u8]) {
        self.queue(code, identifier, data);
    }

    pub fn up(&mut self, now: Instant) {
        match self.state {
            State::Initial => self.state = State::Closed,
            State::Starting => {
                self.initialize_restart_count(self.config.max_configure);
                self.send_configure_request(now);
                self.state = State::RequestSent;
            }
            _ => {}
        }
    }

    pub fn down(&mut self) {
        match self.state {
            State::Closed | State::Closing => self.state = State::Initial,
            State::Stopped => {
                self.emit(Event::Started);
                self.state = State::Starting;
            }
            State::Stopping | State::RequestSent | State::AckReceived | State::AckSent => {
                self.state = State::Starting
            }
            State::Opened => {
                self.emit(Event::Down);
                self.state = State::Starting;
            }
            State::Initial | State::Starting => {}
        }
        self.restart_deadline = None;
    }

    pub fn open(&mut self, now: Instant) {
        match self.state {
            State::Initial => {
                self.emit(Event::Started);
                self.state = State::Starting;
            }
            State::Closed => {
                self.initialize_restart_count(self.config.max_configure);
                self.send_configure_request(now);
                self.state = State::RequestSent;
            }
            State::Closing => self.state = State::Stopping,
            _ => {}
        }
    }

    /// Straight to Opened with the options agreed elsewhere, sending nothing; This-Layer-Up
    /// tells the owner (for LCP: the keepalive starts). RFC 2661 §4.4.5 lets an LNS take the
    /// LCP the LAC negotiated (proxy LCP): the peer is Opened already and has no idea it
    /// changed ends, so the RFC 1661 automaton resumes in the state the LAC left it in. Only
    /// from a state that negotiates nothing (Initial, Starting, Closed, Stopped); false, and
    /// nothing changed, otherwise.
    pub fn force_opened(&mut self) -> bool {
        if !matches!(
            self.state,
            State::Initial | State::Starting | State::Closed | State::Stopped
        ) {
            return false;
        }
        self.request = None;
        self.finish_reason = None;
        self.naks_sent = 0;
        self.refusals_sent = 0;
        self.this_layer_up();
        self.state = State::Opened;
        true
    }

    pub fn close(&mut self, now: Instant) {
        self.finish_reason = Some(FinishReason::Closed);
        match self.state {
            State::Starting => {
                self.finish(FinishReason::Closed);
                self.state = State::Initial;
            }
            State::Stopped => self.state = State::Closed,
            State::Stopping => self.state = State::Closing,
            State::RequestSent | State::AckReceived | State::AckSent | State::Opened => {
                if self.state == State::Opened {
                    self.emit(Event::Down);
                }
                self.initialize_restart_count(self.config.max_terminate);
                self.send_terminate_request(now);
                self.state = State::Closing;
            }
            State::Initial | State::Closed | State::Closing => {}
        }
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        match self.restart_deadline {
            Some(deadline) if deadline <= now => {}
            _ => return,
        }
        self.restart_deadline = None;
        if self.restart_count > 0 {
            match self.state {
                State::Closing | State::Stopping => self.send_terminate_request(now),
                State::RequestSent | State::AckReceived => {
                    self.send_configure_request(now);
                    self.state = State::RequestSent;
                }
                State::AckSent => self.send_configure_request(now),
                _ => {}
            }
            return;
        }
        let reason = self.finish_reason.unwrap_or(FinishReason::Timeout);
        match self.state {
            State::Closing => {
                self.finish(reason);
                self.state = State::Closed;
            }
            State::Stopping | State::RequestSent | State::AckReceived | State::AckSent => {
                self.finish(reason);
                self.state = State::Stopped;
            }
            _ => {}
        }
    }

    /// Feeds one control packet of this protocol. Malformed packets are dropped silently
    /// (RFC 1661 §5: an invalid packet is discarded); the caller counts the `Err`.
    pub fn handle_packet(
        &mut self,
        packet: &ControlPacket<'_>,
        now: Instant,
    ) -> Result<(), super::wire::PppError> {
        if matches!(self.state, State::Initial | State::Starting) {
            return Ok(());
        }
        match packet.code {
            code::CONFIGURE_REQUEST => {
                let options = parse_options(packet.data)?;
                self.receive_configure_request(packet.identifier, &options, now);
            }
            code::CONFIGURE_ACK | code::CONFIGURE_NAK | code::CONFIGURE_REJECT
                if matches!(self.state, State::Closed | State::Stopped) =>
            {
                // RFC 1661 §4.1: sta, so a peer that thinks the link is negotiating learns
                // it is not.
                self.send_terminate_ack(packet.identifier);
            }
            code::CONFIGURE_ACK => {
                if self.is_reply_to_request(packet.identifier, Some(packet.data)) {
                    self.receive_configure_ack(now);
                }
            }
            code::CONFIGURE_NAK | code::CONFIGURE_REJECT => {
                let options = parse_options(packet.data)?;
                if self.is_reply_to_request(packet.identifier, None) {
                    self.receive_configure_nak(packet.code, &options, now);
                }
            }
            code::TERMINATE_REQUEST => self.receive_terminate_request(packet.identifier, now),
            code::TERMINATE_ACK => self.receive_terminate_ack(now),
            code::CODE_REJECT => {
                // Rejecting one of the codes 1..=7 means the peer cannot run the automaton
                // at all (RFC 1661 §5.6); anything else is LCP's extensions.
                let rejected = packet.data.first().copied().unwrap_or(0);
                let catastrophic =
                    (code::CONFIGURE_REQUEST..=code::CODE_REJECT).contains(&rejected);
                self.receive_reject(catastrophic, now);
            }
            _ => self.send_code_reject(packet),
        }
        Ok(())
    }

    /// RXJ (RFC 1661 §4.3): a Code- or Protocol-Reject arrived; `catastrophic` says whether
    /// the layer can go on without what was rejected.
    pub fn receive_reject(&mut self, catastrophic: bool, now: Instant) {
        if !catastrophic {
            if self.state == State::AckReceived {
                self.state = State::RequestSent;
            }
            return;
        }
        match self.state {
            State::Closed | State::Stopped => self.finish(FinishReason::Catastrophic),
            State::Closing => {
                self.finish(FinishReason::Catastrophic);
                self.state = State::Closed;
            }
            State::Stopping | State::RequestSent | State::AckReceived | State::AckSent => {
                self.finish(FinishReason::Catastrophic);
                self.state = State::Stopped;
                self.restart_deadline = None;
            }
            State::Opened => {
                self.emit(Event::Down);
                self.finish_reason = Some(FinishReason::Catastrophic);
                self.initialize_restart_count(self.config.max_terminate);
                self.send_terminate_request(now);
                self.state = State::Stopping;
            }
            State::Initial | State::Starting => {}
        }
    }

    fn send_code_reject(&mut self, packet: &ControlPacket<'_>) {
        let Ok(rejected) = packet.to_vec() else {
            return;
        };
        self.send(code::CODE_REJECT, &rejected);
    }

    fn receive_configure_request(&mut self, identifier: u8, options: &[RawOption], now: Instant) {
        match self.state {
            State::Closed => return self.send_terminate_ack(identifier),
            State::Closing | State::Stopping => return,
            _ => {}
        }
        let verdict = self.judge(options);
        let good = verdict == Verdict::Ack;
        match self.state {
            State::Stopped => {
                self.initialize_restart_count(self.config.max_configure);
                self.send_configure_request(now);
            }
            State::Opened => {
                self.emit(Event::Down);
                self.initialize_restart_count(self.config.max_configure);
                self.send_configure_request(now);
            }
            _ => {}
        }
        self.send_verdict(identifier, options, verdict);
        self.state = match (self.state, good) {
            (State::AckReceived, true) => {
                self.this_layer_up();
                State::Opened
            }
            (_, true) => State::AckSent,
            (State::AckReceived, false) => State::AckReceived,
            (_, false) => State::RequestSent,
        };
        // Max-Failure turns Naks into Rejects, yet a peer may ask again for what we Rejected
        // for ever while Acking our requests (no restart counter runs out then). Past
        // Max-Failure Naks and Max-Configure more refusals it is not converging.
        if self.refusals_sent > self.config.max_failure + self.config.max_configure {
            self.give_up(FinishReason::NotConverging, now);
        }
    }

    /// The policy's verdict, with Naks turned into Rejects once Max-Failure Naks went
    /// unanswered by an acceptable request (RFC 1661 §4.6, Max-Failure).
    fn judge(&mut self, options: &[RawOption]) -> Verdict {
        match self.policy.check(options) {
            Verdict::Nak(naked) if self.naks_sent >= self.config.max_failure => Verdict::Reject(
                options
                    .iter()
                    .filter(|option| naked.iter().any(|nak| nak.kind == option.kind))
                    .cloned()
                    .collect(),
            ),
            verdict => verdict,
        }
    }

    fn send_verdict(&mut self, identifier: u8, options: &[RawOption], verdict: Verdict) {
        let (code, options) = match verdict {
            Verdict::Ack => {
                self.naks_sent = 0;
                self.refusals_sent = 0;
                (code::CONFIGURE_ACK, options.to_vec())
            }
            Verdict::Nak(options) => {
                self.naks_sent += 1;
                self.refusals_sent += 1;
                (code::CONFIGURE_NAK, options)
            }
            Verdict::Reject(options) => {
                self.refusals_sent += 1;
                (code::CONFIGURE_REJECT, options)
            }
        };
        if let Ok(data) = emit_options(&options) {
            self.queue(code, identifier, &data);
        }
    }

    fn receive_configure_ack(&mut self, now: Instant) {
        match self.state {
            State::RequestSent => {
                self.initialize_restart_count(self.config.max_configure);
                self.state = State::AckReceived;
            }
            State::AckReceived => {
                // A second Ack to one request: the link crossed; start over (RFC 1661 §4.1).
                self.send_configure_request(now);
                self.state = State::RequestSent;
            }
            State::AckSent => {
                self.this_layer_up();
                self.state = State::Opened;
            }
            State::Opened => self.renegotiate(now),
            _ => {}
        }
    }

    fn receive_configure_nak(&mut self, code: u8, options: &[RawOption], now: Instant) {
        match self.state {
            State::RequestSent | State::AckReceived | State::AckSent | State::Opened => {}
            _ => return,
        }
        let accepted = if code == code::CONFIGURE_NAK {
            self.policy.nak_received(options)
        } else {
            self.policy.reject_received(options)
        };
        self.naks_received += 1;
        if accepted.is_err() || self.naks_received > self.config.max_configure {
            let reason = if accepted.is_err() {
                FinishReason::Unacceptable
            } else {
                FinishReason::NotConverging
            };
            return self.give_up(reason, now);
        }
        match self.state {
            State::RequestSent | State::AckSent => {
                self.initialize_restart_count(self.config.max_configure)
            }
            State::Opened => {
                self.emit(Event::Down);
                self.initialize_restart_count(self.config.max_configure);
            }
            _ => {}
        }
        self.send_configure_request(now);
        if self.state != State::AckSent {
            self.state = State::RequestSent;
        }
    }

    fn receive_terminate_request(&mut self, identifier: u8, now: Instant) {
        self.send_terminate_ack(identifier);
        match self.state {
            State::RequestSent | State::AckReceived | State::AckSent => {
                self.state = State::RequestSent
            }
            State::Opened => {
                // RFC 1661 §4.1 zrc: wait one restart interval for the Terminate-Ack to leave
                // before the lower layer goes (it would be lost otherwise).
                self.emit(Event::Down);
                self.finish_reason = Some(FinishReason::PeerTerminated);
                self.restart_count = 0;
                self.restart_deadline = Some(now + self.config.restart_interval);
                self.state = State::Stopping;
            }
            _ => {}
        }
    }

    fn receive_terminate_ack(&mut self, now: Instant) {
        match self.state {
            State::Closing => {
                self.restart_deadline = None;
                self.finish(self.finish_reason.unwrap_or(FinishReason::Closed));
                self.state = State::Closed;
            }
            State::Stopping => {
                self.restart_deadline = None;
                self.finish(self.finish_reason.unwrap_or(FinishReason::Closed));
                self.state = State::Stopped;
            }
            State::AckReceived => self.state = State::RequestSent,
            State::Opened => self.renegotiate(now),
            _ => {}
        }
    }

    /// Ack, Nak and Reject must carry the identifier of our last request, and an Ack its
    /// options unchanged (RFC 1661 §5.2); anything else is stale and silently discarded.
    fn is_reply_to_request(&self, identifier: u8, acked_options: Option<&[u8]>) -> bool {
        match &self.request {
            Some((sent, options)) => {
                *sent == identifier && acked_options.is_none_or(|acked| acked == options.as_slice())
            }
            None => false,
        }
    }

    /// Negotiation cannot succeed: Terminate-Request, then Finished with `reason`.
    fn give_up(&mut self, reason: FinishReason, now: Instant) {
        if self.state == State::Opened {
            self.emit(Event::Down);
        }
        self.finish_reason = Some(reason);
        self.initialize_restart_count(self.config.max_terminate);
        self.send_terminate_request(now);
        self.state = State::Stopping;
    }

    /// Opened, then anything that reopens negotiation: tld, irc, scr (RFC 1661 §4.1).
    fn renegotiate(&mut self, now: Instant) {
        self.emit(Event::Down);
        self.initialize_restart_count(self.config.max_configure);
        self.send_configure_request(now);
        self.state = State::RequestSent;
    }

    fn this_layer_up(&mut self) {
        self.restart_deadline = None;
        self.naks_received = 0;
        self.emit(Event::Up);
    }

    fn initialize_restart_count(&mut self, count: u32) {
        self.restart_count = count;
    }

    fn send_configure_request(&mut self, now: Instant) {
        let Ok(options) = emit_options(&self.policy.request()) else {
            return;
        };
        let identifier = self.allocate_identifier();
        self.queue(code::CONFIGURE_REQUEST, identifier, &options);
        self.request = Some((identifier, options));
        self.arm_restart_timer(now);
    }

    fn send_terminate_request(&mut self, now: Instant) {
        self.send(code::TERMINATE_REQUEST, &[]);
        self.arm_restart_timer(now);
    }

    fn send_terminate_ack(&mut self, identifier: u8) {
        self.queue(code::TERMINATE_ACK, identifier, &[]);
    }

    fn arm_restart_timer(&mut self, now: Instant) {
        self.restart_count = self.restart_count.saturating_sub(1);
        self.restart_deadline = Some(now + self.config.restart_interval);
    }

    fn allocate_identifier(&mut self) -> u8 {
        let identifier = self.next_identifier;
        self.next_identifier = self.next_identifier.wrapping_add(1);
        identifier
    }

    fn queue(&mut self, code: u8, identifier: u8, data: &[u8]) {
        let packet = ControlPacket {
            code,
            identifier,
            data,
        };
        if let Ok(bytes) = packet.to_vec() {
            self.transmit.push_back(bytes);
        }
    }

    fn finish(&mut self, reason: FinishReason) {
        self.finish_reason = None;
        self.emit(Event::Finished(reason));
    }

    fn emit(&mut self, event: Event) {
        self.events.push_back(event);
    }
}
