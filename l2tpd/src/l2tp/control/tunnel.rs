//! One control connection (RFC 2661 §5.1, §7.2): establishment as initiator or responder,
//! tunnel authentication, HELLO keepalives, StopCCN teardown with its post-close hold, and
//! the dispatch of delivered messages. Sans-IO: datagrams in, datagrams and events out, time
//! passed in.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use schema::typed::Secret;
use thiserror::Error;

use super::auth::{self, Challenge};
use super::config::{AvpHiding, RetransmitSettings, TunnelConfig, DEFAULT_RX_WINDOW};
use super::event::{
    general_error, stopccn_result, AuthFailure, CloseReason, PeerInfo, TunnelEvent,
};
use super::hiding;
use super::reliable::{Exhausted, Phase, Receipt, ReliableChannel, WindowState};
use super::stats::ControlStats;
use crate::l2tp::wire::attribute::attr;
use crate::l2tp::wire::{
    Avp, ControlMessage, ControlMessageBuilder, MessageType, ResultCode, WireError,
};

/// The only L2TP protocol version RFC 2661 defines (Protocol Version AVP 1.0).
const PROTOCOL_VERSION: (u8, u8) = (1, 0);

/// What the registry decided about a calling peer before the tunnel exists: whether any
/// tunnel profile admits it, and with which secret (a per-peer secret depends on the SCCRQ's
/// Host Name and source address, which only the registry can look up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerAuth {
    /// Admitted; `None` means no tunnel authentication for this peer.
    Admitted { secret: Option<Secret> },
    /// No profile admits it: the SCCRQ is answered with StopCCN result 4.
    Refused,
}

/// An SCCRQ that cannot even be answered with a StopCCN.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Reject {
    #[error("malformed SCCRQ: {0}")]
    Malformed(#[from] WireError),
    #[error("not an SCCRQ")]
    NotSccrq,
    /// Without the peer's Tunnel ID a StopCCN could not be addressed to it.
    #[error("SCCRQ without a usable Assigned Tunnel ID")]
    NoAssignedTunnelId,
}

/// Why a session message could not be queued.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SendError {
    #[error("the tunnel is not established")]
    NotEstablished,
    #[error("message does not encode: {0}")]
    Encode(#[from] WireError),
}

/// RFC 2661 §7.2 state names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TunnelState {
    /// Initiator: SCCRQ sent, waiting for SCCRP.
    WaitCtlReply,
    /// Responder: SCCRP sent, waiting for SCCCN.
    WaitCtlConn,
    Established,
    /// StopCCN sent or received: acknowledging late retransmissions until the hold ends.
    Closing,
    /// Nothing left to do; the owner may free the Tunnel ID.
    Gone,
}

#[derive(Debug)]
enum State {
    WaitCtlReply { challenge: Option<Challenge> },
    WaitCtlConn { challenge: Option<Challenge> },
    Established,
    Closing { until: Instant },
    Gone,
}

/// One control connection.
#[derive(Debug)]
pub struct Tunnel {
    cfg: TunnelConfig,
    secret: Option<Secret>,
    local_tunnel_id: u16,
    peer: PeerInfo,
    state: State,
    channel: ReliableChannel,
    events: VecDeque<TunnelEvent>,
    /// When a HELLO is due if nothing arrives before (established only).
    hello_due: Option<Instant>,
    /// Random Vectors and padding for hidden AVPs; seeded from the caller's generator so the
    /// tunnel can hide at any time without one being passed to every send.
    rng: StdRng,
}

impl Tunnel {
    fn blank(
        cfg: TunnelConfig,
        secret: Option<Secret>,
        local_tunnel_id: u16,
        rng: &mut impl RngCore,
    ) -> Self {
        let channel = ReliableChannel::new(cfg.retransmit, cfg.rx_window());
        Self {
            cfg,
            secret,
            local_tunnel_id,
            peer: PeerInfo {
                rx_window: DEFAULT_RX_WINDOW,
                ..PeerInfo::default()
            },
            state: State::Gone,
            channel,
            events: VecDeque::new(),
            hello_due: None,
            rng: StdRng::from_rng(rng),
        }
    }

    /// LAC side (or any initiator): queues an SCCRQ, with a Challenge when a secret is set.
    pub fn new_initiator(
        cfg: TunnelConfig,
        local_tunnel_id: u16,
        now: Instant,
        rng: &mut impl RngCore,
    ) -> Tunnel {
        let secret = cfg.secret.clone();
        let mut tunnel = Self::blank(cfg, secret, local_tunnel_id, rng);
        let challenge = auth::new_challenge(tunnel.secret.as_ref().map(Secret::expose), rng);
        let mut sccrq = tunnel.identity(MessageType::SCCRQ);
        if let Some(challenge) = challenge {
            sccrq = sccrq.avp(Avp::Challenge(challenge.to_vec()));
        }
        tunnel.state = State::WaitCtlReply { challenge };
        tunnel.queue_or_fail(now, &sccrq, 0, Phase::Establishment);
        tunnel
    }

    /// LNS side (or any responder): takes the datagram that carried an SCCRQ and queues an
    /// SCCRP, or a StopCCN when the peer is refused, fails authentication or speaks another
    /// protocol version (the returned tunnel then holds its state for the post-close period).
    pub fn new_responder(
        cfg: TunnelConfig,
        local_tunnel_id: u16,
        sccrq: &[u8],
        peer: PeerAuth,
        now: Instant,
        rng: &mut impl RngCore,
    ) -> Result<Tunnel, Reject> {
        let (secret, admitted) = match peer {
            PeerAuth::Admitted { secret } => (secret, true),
            PeerAuth::Refused => (None, false),
        };
        let msg = ControlMessage::parse(sccrq, secret.as_ref().map(Secret::expose))?;
        if msg.message_type != Some(MessageType::SCCRQ) {
            return Err(Reject::NotSccrq);
        }
        let peer_tunnel_id = match msg.get(attr::ASSIGNED_TUNNEL_ID) {
            Some(Avp::AssignedTunnelId(id)) if *id != 0 => *id,
            _ => return Err(Reject::NoAssignedTunnelId),
        };
        let mut tunnel = Self::blank(cfg, secret, local_tunnel_id, rng);
        tunnel.count_rx(sccrq.len());
        tunnel.peer.tunnel_id = peer_tunnel_id;
        tunnel.channel.set_peer_tunnel_id(peer_tunnel_id);
        tunnel.channel.expect_first(msg.header.ns);
        tunnel.state = State::WaitCtlConn { challenge: None };
        let Receipt::Delivered(delivered) = tunnel.channel.receive(msg) else {
            return Err(Reject::NotSccrq);
        };
        let Some(sccrq) = delivered.into_iter().next() else {
            return Err(Reject::NotSccrq);
        };
        if !admitted {
            tunnel.fail_auth(now, AuthFailure::PeerNotAdmitted);
            return Ok(tunnel);
        }
        if !tunnel.acceptable_start(now, &sccrq) {
            return Ok(tunnel);
        }
        let response = match auth::answer(
            MessageType::SCCRP,
            tunnel.secret.as_ref().map(Secret::expose),
            challenge_of(&sccrq),
        ) {
            Ok(response) => response,
            Err(why) => {
                tunnel.fail_auth(now, why);
                return Ok(tunnel);
            }
        };
        let challenge = auth::new_challenge(tunnel.secret.as_ref().map(Secret::expose), rng);
        let mut sccrp = tunnel.identity(MessageType::SCCRP);
        if let Some(response) = response {
            sccrp = sccrp.avp(Avp::ChallengeResponse(response));
        }
        if let Some(challenge) = challenge {
            sccrp = sccrp.avp(Avp::Challenge(challenge.to_vec()));
        }
        tunnel.state = State::WaitCtlConn { challenge };
        let phase = if tunnel.cfg.quiet_sccrp {
            Phase::Quiet
        } else {
            Phase::Establishment
        };
        tunnel.queue_or_fail(now, &sccrp, peer_tunnel_id, phase);
        Ok(tunnel)
    }

    /// The AVPs both SCCRQ and SCCRP carry about us (RFC 2661 §6.1, §6.2).
    fn identity(&self, message_type: MessageType) -> ControlMessageBuilder {
        let cfg = &self.cfg;
        let mut builder = ControlMessageBuilder::new(message_type)
            .avp(Avp::ProtocolVersion {
                version: PROTOCOL_VERSION.0,
                revision: PROTOCOL_VERSION.1,
            })
            .avp(Avp::HostName(cfg.host_name.clone()))
            .avp(Avp::FramingCapabilities(cfg.framing_capabilities))
            .avp(Avp::BearerCapabilities(cfg.bearer_capabilities))
            .avp(Avp::FirmwareRevision(cfg.firmware_revision))
            .avp(Avp::VendorName(cfg.vendor_name.clone()))
            .avp(Avp::AssignedTunnelId(self.local_tunnel_id));
        // At 4 the AVP is left out: its absence means 4 (RFC 2661 §4.4.3), as Junos does.
        if cfg.rx_window() != DEFAULT_RX_WINDOW {
            builder = builder.avp(Avp::ReceiveWindowSize(cfg.rx_window()));
        }
        builder
    }

    pub fn local_tunnel_id(&self) -> u16 {
        self.local_tunnel_id
    }

    /// What the peer said about itself (complete once established).
    pub fn peer(&self) -> &PeerInfo {
        &self.peer
    }

    pub fn state(&self) -> TunnelState {
        match self.state {
            State::WaitCtlReply { .. } => TunnelState::WaitCtlReply,
            State::WaitCtlConn { .. } => TunnelState::WaitCtlConn,
            State::Established => TunnelState::Established,
            State::Closing { .. } => TunnelState::Closing,
            State::Gone => TunnelState::Gone,
        }
    }

    /// A responder still waiting for its SCCCN stops retransmitting its SCCRP on a timer
    /// (`reliable::Phase::Quiet`): an SCCRQ flood began after it answered.
    pub fn quieten(&mut self, now: Instant) {
        if matches!(self.state, State::WaitCtlConn { .. }) {
            self.channel.quieten(now);
        }
    }

    pub fn stats(&self) -> &ControlStats {
        &self.channel.stats
    }

    /// Silence after which a HELLO is sent (zero: never).
    pub fn hello_interval(&self) -> Duration {
        self.cfg.hello_interval
    }

    /// Our Receive Window Size.
    pub fn receive_window(&self) -> u16 {
        self.cfg.rx_window()
    }

    /// Whether the tunnel runs with a secret (challenges both ways, hidden AVPs).
    pub fn is_authenticated(&self) -> bool {
        self.secret.is_some()
    }

    pub fn window(&self) -> WindowState {
        self.channel.window()
    }

    /// A commit changed the retransmission statements: messages sent from now on use them,
    /// messages in flight finish the schedule they started with. The tunnel group's
    /// `retransmit-interval` and `tunnel-timeout` stay as the tunnel was set up with (Junos:
    /// a tunnel-group change applies to tunnels set up later).
    pub fn update_settings(&mut self, settings: RetransmitSettings) {
        let settings = RetransmitSettings {
            maximum_interval: self.cfg.retransmit.maximum_interval,
            give_up_after: self.cfg.retransmit.give_up_after,
            ..settings
        };
        self.cfg.retransmit = settings;
        self.channel.set_settings(settings);
    }

    /// One datagram the runtime routed to this tunnel (by the Tunnel ID in its header).
    /// The tunnel parses it itself because only it knows the secret hidden AVPs need.
    pub fn handle_datagram(&mut self, now: Instant, datagram: &[u8]) {
        self.count_rx(datagram.len());
        if matches!(self.state, State::Gone) {
            return;
        }
        let msg = match ControlMessage::parse(datagram, self.secret.as_ref().map(Secret::expose)) {
            Ok(msg) => msg,
            Err(_) => {
                // Not acknowledged: if the peer retransmits the same bytes, the tunnel dies by
                // its retransmission limit, which is what an unreadable peer deserves.
                self.channel.stats.malformed += 1;
                return;
            }
        };
        self.restart_hello(now);
        if let Receipt::Delivered(delivered) = self.channel.receive(msg) {
            for msg in delivered {
                self.dispatch(now, msg);
            }
        }
    }

    fn count_rx(&mut self, len: usize) {
        self.channel.stats.rx_packets += 1;
        self.channel.stats.rx_bytes += len as u64;
    }

    fn dispatch(&mut self, now: Instant, msg: ControlMessage) {
        let Some(message_type) = msg.message_type else {
            return;
        };
        if matches!(self.state, State::Closing { .. } | State::Gone) {
            // After StopCCN only acknowledgements matter; the channel has already made one due.
            return;
        }
        if !message_type.is_known() {
            // RFC 2661 §4.4.1 (Message Type): unknown with M=1 clears the tunnel, M=0 is ignored.
            if msg.message_type_mandatory {
                self.channel.stats.unexpected += 1;
                let text = format!("unknown mandatory message type {}", message_type.0);
                self.protocol_error(now, general(general_error::UNKNOWN_MANDATORY_AVP, &text));
            }
            return;
        }
        if message_type == MessageType::STOPCCN {
            self.peer_stopped(now, &msg);
            return;
        }
        if message_type.is_session_message() {
            // An unknown M=1 AVP in a session message clears only that session (RFC 2661
            // §4.1): the session core decides, so the message is passed on as it is.
            if matches!(self.state, State::Established) {
                self.events.push_back(TunnelEvent::SessionMessage {
                    session_id: msg.header.session_id,
                    msg,
                });
            } else {
                self.fsm_error(now, message_type);
            }
            return;
        }
        if msg.has_unknown_mandatory() {
            self.channel.stats.unexpected += 1;
            let text = format!("unknown mandatory AVP in {}", name(message_type));
            self.protocol_error(now, general(general_error::UNKNOWN_MANDATORY_AVP, &text));
            return;
        }
        match (&self.state, message_type) {
            (State::WaitCtlReply { challenge }, MessageType::SCCRP) => {
                let challenge = *challenge;
                self.on_sccrp(now, &msg, challenge);
            }
            (State::WaitCtlConn { challenge }, MessageType::SCCCN) => {
                let challenge = *challenge;
                self.on_scccn(now, &msg, challenge);
            }
            // A HELLO asks for nothing but the acknowledgement already due.
            (_, MessageType::HELLO) => {}
            // RFC 5515 §4.1: the LAC's new speeds for its sessions, each to its owner.
            (State::Established, MessageType::CSUN) => {
                for avp in &msg.avps {
                    if let Avp::ConnectSpeedUpdate(update) = avp {
                        self.events.push_back(TunnelEvent::SpeedUpdate(*update));
                    }
                }
            }
            // A LNS asking this LAC for its speeds: they have not changed since the ICCN (no
            // ANCP here), so there is nothing to report; the acknowledgement is due anyway.
            (State::Established, MessageType::CSURQ) => {}
            _ => self.fsm_error(now, message_type),
        }
    }

    /// Checks what SCCRQ and SCCRP must both satisfy: required AVPs and protocol version 1.0.
    /// On failure a StopCCN is already queued.
    fn acceptable_start(&mut self, now: Instant, msg: &ControlMessage) -> bool {
        let missing = msg.missing_mandatory();
        if !missing.is_empty() {
            self.channel.stats.malformed += 1;
            let text = format!("missing mandatory AVP {missing:?}");
            self.protocol_error(now, general(general_error::NONE, &text));
            return false;
        }
        if msg.has_unknown_mandatory() {
            self.channel.stats.unexpected += 1;
            let text = "unknown mandatory AVP".to_string();
            self.protocol_error(now, general(general_error::UNKNOWN_MANDATORY_AVP, &text));
            return false;
        }
        if let Some(Avp::ProtocolVersion { version, revision }) =
            msg.get(attr::PROTOCOL_VERSION).cloned()
        {
            if (version, revision) != PROTOCOL_VERSION {
                let result = ResultCode {
                    result: stopccn_result::UNSUPPORTED_PROTOCOL_VERSION,
                    error: None,
                    message: Vec::new(),
                };
                self.stop(
                    now,
                    CloseReason::UnsupportedVersion { version, revision },
                    result,
                );
                return false;
            }
        }
        self.learn_peer(msg);
        true
    }

    fn learn_peer(&mut self, msg: &ControlMessage) {
        for avp in &msg.avps {
            match avp {
                Avp::AssignedTunnelId(id) => self.peer.tunnel_id = *id,
                Avp::HostName(name) => self.peer.host_name = name.clone(),
                Avp::VendorName(name) => self.peer.vendor_name = Some(name.clone()),
                Avp::FirmwareRevision(rev) => self.peer.firmware_revision = Some(*rev),
                Avp::FramingCapabilities(caps) => self.peer.framing_capabilities = *caps,
                Avp::BearerCapabilities(caps) => self.peer.bearer_capabilities = *caps,
                Avp::ReceiveWindowSize(window) => self.peer.rx_window = (*window).max(1),
                _ => {}
            }
        }
        self.channel.set_peer_tunnel_id(self.peer.tunnel_id);
        // `maximum-send-window`: we keep no more in flight than this, whatever the peer offers.
        let send_window = self
            .cfg
            .maximum_send_window
            .map_or(self.peer.rx_window, |max| {
                self.peer.rx_window.min(max.max(1))
            });
        self.channel.set_peer_rx_window(send_window);
    }

    fn on_sccrp(&mut self, now: Instant, msg: &ControlMessage, ours: Option<Challenge>) {
        if !self.acceptable_start(now, msg) {
            return;
        }
        if self.peer.tunnel_id == 0 {
            self.channel.stats.malformed += 1;
            let text = "SCCRP with Assigned Tunnel ID 0";
            self.protocol_error(now, general(general_error::OUT_OF_RANGE, text));
            return;
        }
        // The name is part of the peer's identity, checked before its proof (the challenge
        // response): a tunnel to the right address but the wrong LNS is refused as one with
        // the wrong secret is.
        if let Some(expected) = &self.cfg.expected_peer_name {
            if *expected != self.peer.host_name {
                self.fail_auth(now, AuthFailure::UnexpectedPeerName);
                return;
            }
        }
        let secret = self.secret.clone();
        let verified = auth::verify(
            MessageType::SCCRP,
            secret.as_ref().map(Secret::expose),
            ours.as_ref(),
            response_of(msg),
        )
        .and_then(|()| {
            auth::answer(
                MessageType::SCCCN,
                secret.as_ref().map(Secret::expose),
                challenge_of(msg),
            )
        });
        let response = match verified {
            Ok(response) => response,
            Err(why) => {
                self.fail_auth(now, why);
                return;
            }
        };
        let mut scccn = ControlMessageBuilder::new(MessageType::SCCCN);
        if let Some(response) = response {
            scccn = scccn.avp(Avp::ChallengeResponse(response));
        }
        let peer_tunnel_id = self.peer.tunnel_id;
        self.state = State::Established;
        if self.queue_or_fail(now, &scccn, peer_tunnel_id, Phase::Establishment) {
            self.established(now);
        }
    }

    fn on_scccn(&mut self, now: Instant, msg: &ControlMessage, ours: Option<Challenge>) {
        let verified = auth::verify(
            MessageType::SCCCN,
            self.secret.as_ref().map(Secret::expose),
            ours.as_ref(),
            response_of(msg),
        );
        match verified {
            Ok(()) => {
                self.state = State::Established;
                self.established(now);
            }
            Err(why) => self.fail_auth(now, why),
        }
    }

    fn established(&mut self, now: Instant) {
        self.restart_hello(now);
        self.events
            .push_back(TunnelEvent::Established(self.peer.clone()));
    }

    fn restart_hello(&mut self, now: Instant) {
        self.hello_due = (matches!(self.state, State::Established)
            && !self.cfg.hello_interval.is_zero())
        .then(|| now + self.cfg.hello_interval);
    }

    fn peer_stopped(&mut self, now: Instant, msg: &ControlMessage) {
        let result = match msg.get(attr::RESULT_CODE) {
            Some(Avp::ResultCode(rc)) => rc.clone(),
            _ => {
                self.channel.stats.malformed += 1;
                ResultCode {
                    result: 0,
                    error: None,
                    message: Vec::new(),
                }
            }
        };
        // A peer that refuses our authentication during establishment is an authentication
        // failure on this side too (a secret configured on one end only, or a different one).
        if result.result == stopccn_result::NOT_AUTHORIZED
            && !matches!(self.state, State::Established)
        {
            self.channel.stats.auth_failures += 1;
        }
        // A StopCCN answering our SCCRQ is the first message that tells us the peer's Tunnel
        // ID (RFC 2661 §6.4: it carries Assigned Tunnel ID). The ZLB acknowledging it must be
        // addressed there: sent to Tunnel ID 0 the peer cannot match it and retransmits.
        if self.peer.tunnel_id == 0 {
            if let Some(Avp::AssignedTunnelId(id)) = msg.get(attr::ASSIGNED_TUNNEL_ID) {
                self.peer.tunnel_id = *id;
                self.channel.set_peer_tunnel_id(*id);
            }
        }
        // The peer will act on nothing more from us; only the acknowledgement of its StopCCN
        // (already due) still has to go out.
        self.channel.abandon();
        self.enter_closing(now);
        self.events
            .push_back(TunnelEvent::Closed(CloseReason::PeerStopCcn(result)));
    }

    fn fail_auth(&mut self, now: Instant, why: AuthFailure) {
        self.channel.stats.auth_failures += 1;
        let result = ResultCode {
            result: stopccn_result::NOT_AUTHORIZED,
            error: None,
            message: why.to_string().into_bytes(),
        };
        self.stop(now, CloseReason::Authentication(why), result);
    }

    fn fsm_error(&mut self, now: Instant, message_type: MessageType) {
        self.channel.stats.unexpected += 1;
        let result = ResultCode {
            result: stopccn_result::FSM_ERROR,
            error: None,
            message: format!("unexpected {}", name(message_type)).into_bytes(),
        };
        self.protocol_error(now, result);
    }

    fn protocol_error(&mut self, now: Instant, result: ResultCode) {
        self.stop(
            now,
            CloseReason::Protocol {
                result: result.clone(),
            },
            result,
        );
    }

    /// Our owner closes the tunnel (operator clear, idle timeout, shutdown): StopCCN.
    pub fn close(&mut self, now: Instant, result: ResultCode) {
        if matches!(self.state, State::Closing { .. } | State::Gone) {
            return;
        }
        self.stop(now, CloseReason::Local(result.clone()), result);
    }

    /// Queues a StopCCN ahead of anything not yet sent, and holds the tunnel for the
    /// post-close period.
    fn stop(&mut self, now: Instant, reason: CloseReason, result: ResultCode) {
        self.channel.drop_unsent();
        let stopccn = self.stopccn(result);
        let peer_tunnel_id = self.peer.tunnel_id;
        // A StopCCN is a handful of fixed-size AVPs plus a short message: it always encodes.
        let _ = self
            .channel
            .queue(&stopccn, peer_tunnel_id, 0, Phase::Established, None);
        self.enter_closing(now);
        self.events.push_back(TunnelEvent::Closed(reason));
    }

    /// RFC 2661 §5.7: after a StopCCN, keep enough state to acknowledge the peer's
    /// retransmissions for a full retransmission cycle — here our own cycle at the current
    /// settings (47 s at the defaults; the RFC suggests 31 s).
    fn enter_closing(&mut self, now: Instant) {
        let hold = self
            .cfg
            .retransmit
            .full_cycle(self.cfg.retransmit.count_established);
        self.state = State::Closing { until: now + hold };
        self.hello_due = None;
    }

    /// Queues a message, or closes the tunnel if it cannot be encoded (only an AVP too long
    /// for its length field can cause that, i.e. an unusable configuration).
    fn queue_or_fail(
        &mut self,
        now: Instant,
        builder: &ControlMessageBuilder,
        peer_tunnel_id: u16,
        phase: Phase,
    ) -> bool {
        let secret = self.secret.clone();
        match self.channel.queue(
            builder,
            peer_tunnel_id,
            0,
            phase,
            secret.as_ref().map(Secret::expose),
        ) {
            Ok(()) => true,
            Err(err) => {
                let text = format!("cannot encode our own message: {err}");
                self.protocol_error(now, general(general_error::VENDOR_SPECIFIC, &text));
                false
            }
        }
    }

    /// A session's ICRQ/ICRP/ICCN/CDN/…: sent reliably, in order with everything else. With
    /// a secret, the AVPs `cfg.hiding` names go hidden; without one, all go in the clear.
    pub fn send_session_message(
        &mut self,
        session_id_at_peer: u16,
        builder: &ControlMessageBuilder,
    ) -> Result<(), SendError> {
        if !matches!(self.state, State::Established) {
            return Err(SendError::NotEstablished);
        }
        // The secret given to the encoder is what hides: withheld, nothing is hidden.
        let secret = match self.cfg.hiding {
            AvpHiding::Nothing => None,
            AvpHiding::Credentials | AvpHiding::All => self.secret.clone(),
        };
        let hiding;
        let builder = match (&secret, self.cfg.hiding) {
            (None, _) => builder,
            (Some(_), AvpHiding::All) => {
                let all = builder.clone().all_hideable_sensitive();
                hiding = hiding::prepare(&all, &mut self.rng);
                &hiding
            }
            (Some(_), _) => {
                hiding = hiding::prepare(builder, &mut self.rng);
                &hiding
            }
        };
        self.channel.queue(
            builder,
            self.peer.tunnel_id,
            session_id_at_peer,
            Phase::Established,
            secret.as_ref().map(Secret::expose),
        )?;
        Ok(())
    }

    /// The next datagram to send, if any. Call until `None` after every input.
    pub fn poll_transmit(&mut self, now: Instant) -> Option<Vec<u8>> {
        if matches!(self.state, State::Gone) {
            // Only the StopCCN of `farewell` may still leave a gone tunnel.
            return self.channel.poll_once();
        }
        self.channel.poll_transmit(now)
    }

    pub fn poll_event(&mut self) -> Option<TunnelEvent> {
        self.events.pop_front()
    }

    /// When `handle_timeout` must next be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let own = match self.state {
            State::Gone => return None,
            State::Closing { until } => Some(until),
            _ => self.hello_due,
        };
        [own, self.channel.poll_timeout()]
            .into_iter()
            .flatten()
            .min()
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        match self.state {
            State::Gone => return,
            State::Closing { until } if now >= until => {
                self.go(TunnelEvent::Gone);
                return;
            }
            _ => {}
        }
        if let Err(Exhausted) = self.channel.handle_timeout(now) {
            self.channel.abandon();
            if !matches!(self.state, State::Closing { .. }) {
                self.farewell();
                self.events
                    .push_back(TunnelEvent::Closed(CloseReason::RetransmissionsExhausted));
                self.go(TunnelEvent::Gone);
            }
            return;
        }
        if let Some(due) = self.hello_due.filter(|due| *due <= now) {
            // RFC 2661 §6.5: a HELLO after a period with nothing received. While other
            // messages are unacknowledged their own retransmissions already probe the peer.
            if self.channel.is_idle() {
                let hello = ControlMessageBuilder::new(MessageType::HELLO);
                let peer_tunnel_id = self.peer.tunnel_id;
                if self.queue_or_fail(now, &hello, peer_tunnel_id, Phase::Established) {
                    self.channel.stats.hellos_sent += 1;
                }
            }
            if self.hello_due == Some(due) {
                self.hello_due = Some(now + self.cfg.hello_interval);
            }
        }
    }

    /// Retransmissions are spent: one StopCCN, sent once. Our messages may have reached the
    /// peer while only its acknowledgements were lost; told, it need not run out its own
    /// retransmission cycle (RFC 2661 §5.7). Only on an established tunnel: before that the
    /// peer has proven neither its address (an SCCRQ may be spoofed, and one more datagram
    /// per unanswered SCCRP would make us a better reflector) nor, as initiator without an
    /// SCCRP, that it has a tunnel to clear.
    fn farewell(&mut self) {
        let peer_tunnel_id = self.peer.tunnel_id;
        if !matches!(self.state, State::Established) || peer_tunnel_id == 0 {
            return;
        }
        let stopccn = self.stopccn(general(general_error::NONE, "retransmissions exhausted"));
        // A StopCCN is a handful of fixed-size AVPs plus a short message: it always encodes.
        let _ = self.channel.send_once(&stopccn, peer_tunnel_id, 0, None);
    }

    /// RFC 2661 §6.4: our Assigned Tunnel ID and why.
    fn stopccn(&self, result: ResultCode) -> ControlMessageBuilder {
        ControlMessageBuilder::new(MessageType::STOPCCN)
            .avp(Avp::AssignedTunnelId(self.local_tunnel_id))
            .avp(Avp::ResultCode(result))
    }

    fn go(&mut self, event: TunnelEvent) {
        self.state = State::Gone;
        self.hello_due = None;
        self.channel.abandon();
        self.events.push_back(event);
    }
}

fn general(error: u16, text: &str) -> ResultCode {
    ResultCode {
        result: stopccn_result::GENERAL_ERROR,
        error: Some(error),
        message: text.as_bytes().to_vec(),
    }
}

fn name(message_type: MessageType) -> String {
    message_type.name().map_or_else(
        || format!("message type {}", message_type.0),
        str::to_string,
    )
}

fn challenge_of(msg: &ControlMessage) -> Option<&[u8]> {
    match msg.get(attr::CHALLENGE) {
        Some(Avp::Challenge(challenge)) => Some(challenge),
        _ => None,
    }
}

fn response_of(msg: &ControlMessage) -> Option<&[u8; 16]> {
    match msg.get(attr::CHALLENGE_RESPONSE) {
        Some(Avp::ChallengeResponse(response)) => Some(response),
        _ => None,
    }
}
