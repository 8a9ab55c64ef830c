//! The incoming-call automaton of both ends (RFC 2661 §7.4.1 LAC, §7.4.2 LNS), with the JNX
//! session state names.
//!
//! ```text
//! LAC: new -> ICRQ -> lac-ic-wait-reply --ICRP/ICCN--> established
//! LNS: ICRQ -> ICRP -> lns-ic-wait-connect --ICCN--> established
//! any state: CDN received or sent -> closed
//! ```

use std::collections::VecDeque;
use std::num::NonZeroU16;

use super::call::{describe_missing, is_credential, CallInfo, ProxyData};
use super::data::{DataChannel, DataDrop, EncapError, SequencingAuthority, SessionCounters};
use super::result::{cdn_result, general_error, CdnResult};
use crate::l2tp::wire::attribute::attr;
use crate::l2tp::wire::{
    Accm, Avp, CallErrors, ControlMessage, ControlMessageBuilder, DataMessage, MessageType,
    PppDisconnectCause,
};

/// Which end of the call we are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Lac,
    Lns,
}

/// Session states, named as JNX-L2TP-MIB `jnxL2tpSessionStatsState` and the CLI name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    /// LAC: ICRQ sent, waiting for ICRP. Junos reports no state for a LAC session before it
    /// is established, so this one has no MIB value.
    LacWaitReply,
    /// LNS: ICRP sent, waiting for ICCN.
    LnsWaitConnect,
    Established,
    /// A CDN was sent or received; the session only waits to be removed.
    Closed,
}

impl SessionState {
    /// The name `show services l2tp session` prints (capitalised there).
    pub fn name(self) -> &'static str {
        match self {
            Self::LacWaitReply => "lac-ic-wait-reply",
            Self::LnsWaitConnect => "lns-ic-wait-connect",
            Self::Established => "established",
            Self::Closed => "closed",
        }
    }

    /// The `jnxL2tpSessionStatsState` enumeration value.
    pub fn mib_value(self) -> Option<i32> {
        match self {
            Self::LacWaitReply => None,
            Self::LnsWaitConnect => Some(8),
            Self::Established => Some(1),
            Self::Closed => Some(2),
        }
    }
}

/// A control message for the tunnel to send reliably. The tunnel fills in the header: its
/// peer's Tunnel ID, `peer_session_id` (0 while the peer has not assigned one), Ns and Nr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMessage {
    pub peer_session_id: u16,
    pub builder: ControlMessageBuilder,
}

/// What the engine learns from a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionEvent {
    /// The call is up; data may flow. At the LNS, `proxy` is what the LAC negotiated with the
    /// subscriber (for the LNS-side PPP); at the LAC, what it sent.
    Established { proxy: ProxyData },
    /// LNS: the LAC reported line errors (WEN).
    WanErrors(CallErrors),
    /// LAC: the LNS set the PPP ACCM (SLI).
    LinkInfo(Accm),
    /// The session is over; `by_peer` when the CDN came from the peer.
    Closed {
        result: CdnResult,
        cause: Option<PppDisconnectCause>,
        by_peer: bool,
    },
}

/// What an LNS tunnel allows when an ICRQ arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LnsPolicy {
    /// False while draining (`Administrative state: drain`): no new sessions.
    pub accept_new: bool,
    /// `max-sessions` for the tunnel; `None` for no limit.
    pub max_sessions_per_tunnel: Option<u32>,
    /// Sessions the tunnel already holds, in any state, not counting this call.
    pub sessions_in_tunnel: u32,
    /// Sequence data messages even when the LAC does not ask.
    pub require_sequencing: bool,
}

impl Default for LnsPolicy {
    fn default() -> Self {
        Self {
            accept_new: true,
            max_sessions_per_tunnel: None,
            sessions_in_tunnel: 0,
            require_sequencing: false,
        }
    }
}

/// Why an ICRQ was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefusalReason {
    Draining,
    SessionLimit,
    /// The message handed over is not an ICRQ.
    NotIcrq,
    UnknownMandatoryAvp {
        vendor: u16,
        attribute: u16,
    },
    MissingAvps(Vec<u16>),
    /// Assigned Session ID 0, which RFC 2661 §3.1 forbids.
    InvalidPeerSessionId,
    /// A resource the call needs is exhausted for now (the message says which): a static
    /// `si-` unit of the LAC's `l2tp interface-id`.
    NoFacilities(String),
    /// A call this side never takes: an OCRQ (we place no outgoing calls: PPPoE subscribers
    /// only ever arrive at the LAC), or an ICRQ sent to a LAC by its LNS.
    CallNotSupported,
}

impl RefusalReason {
    /// The CDN Result Code for this refusal (the choices are explained in the module docs).
    pub fn result(&self) -> CdnResult {
        match self {
            Self::Draining => CdnResult::general_error(
                general_error::TRY_ANOTHER,
                "not accepting new sessions (drain)",
            ),
            Self::SessionLimit => CdnResult::new(
                cdn_result::NO_FACILITIES_TEMPORARY,
                general_error::NONE,
                "session limit reached",
            ),
            Self::NotIcrq => {
                CdnResult::general_error(general_error::VENDOR_SPECIFIC, "expected ICRQ")
            }
            Self::UnknownMandatoryAvp { vendor, attribute } => {
                unknown_mandatory(*vendor, *attribute)
            }
            Self::MissingAvps(missing) => {
                CdnResult::general_error(general_error::VENDOR_SPECIFIC, describe_missing(missing))
            }
            Self::InvalidPeerSessionId => {
                CdnResult::general_error(general_error::INVALID_SESSION_ID, "Assigned Session ID 0")
            }
            Self::NoFacilities(why) => CdnResult::new(
                cdn_result::NO_FACILITIES_TEMPORARY,
                general_error::NONE,
                why.clone(),
            ),
            // Result 5, "lack of appropriate facilities (permanent)": retrying is pointless.
            Self::CallNotSupported => CdnResult::new(
                cdn_result::NO_FACILITIES_PERMANENT,
                general_error::NONE,
                "this side takes no calls of this kind",
            ),
        }
    }
}

fn unknown_mandatory(vendor: u16, attribute: u16) -> CdnResult {
    CdnResult::general_error(
        general_error::UNKNOWN_MANDATORY_AVP,
        format!("unknown mandatory AVP {vendor}:{attribute}"),
    )
}

/// A refused ICRQ: the CDN to send, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub reason: RefusalReason,
    pub result: CdnResult,
    pub message: OutgoingMessage,
}

impl Refusal {
    /// Refuses `icrq`. `local_id` goes in the CDN's Assigned Session ID; a tunnel that could
    /// not allocate one (65,535 sessions) passes 0.
    pub fn new(icrq: &ControlMessage, local_id: u16, reason: RefusalReason) -> Self {
        let result = reason.result();
        let message = OutgoingMessage {
            peer_session_id: assigned_session_id(icrq).unwrap_or(0),
            builder: cdn(&result, local_id, None),
        };
        Self {
            reason,
            result,
            message,
        }
    }
}

fn assigned_session_id(message: &ControlMessage) -> Option<u16> {
    message.avps.iter().find_map(|avp| match avp {
        Avp::AssignedSessionId(id) => Some(*id),
        _ => None,
    })
}

fn cdn(
    result: &CdnResult,
    local_id: u16,
    cause: Option<&PppDisconnectCause>,
) -> ControlMessageBuilder {
    let builder = ControlMessageBuilder::new(MessageType::CDN)
        .avp(result.to_avp())
        .avp(Avp::AssignedSessionId(local_id));
    match cause {
        Some(cause) => builder.avp(Avp::PppDisconnectCause(cause.clone())),
        None => builder,
    }
}

fn message_name(kind: MessageType) -> String {
    kind.name()
        .map(str::to_owned)
        .unwrap_or_else(|| format!("message type {}", kind.0))
}

/// One L2TP session: one tunnelled PPP subscriber.
#[derive(Debug, Clone)]
pub struct Session {
    role: Role,
    local_id: NonZeroU16,
    /// The peer's Session ID for this call; 0 until its ICRQ/ICRP has told us.
    peer_id: u16,
    state: SessionState,
    call: CallInfo,
    lns_requires_sequencing: bool,
    data: DataChannel,
    outgoing: VecDeque<OutgoingMessage>,
    events: VecDeque<SessionEvent>,
    /// Control messages that arrived after the session closed (crossing our CDN).
    late_messages: u64,
}

impl Session {
    fn new(role: Role, local_id: NonZeroU16, state: SessionState, call: CallInfo) -> Self {
        let authority = match role {
            Role::Lac => SequencingAuthority::FollowsPeer,
            Role::Lns => SequencingAuthority::Decides,
        };
        Self {
            role,
            local_id,
            peer_id: 0,
            state,
            call,
            lns_requires_sequencing: false,
            data: DataChannel::new(authority),
            outgoing: VecDeque::new(),
            events: VecDeque::new(),
            late_messages: 0,
        }
    }

    /// LAC: a subscriber (or `test services l2tp tunnel`) wants a session on an established
    /// tunnel. Queues the ICRQ.
    pub fn new_outgoing_call_lac(local_id: NonZeroU16, call: CallInfo) -> Self {
        let icrq = call.icrq_avps().into_iter().fold(
            ControlMessageBuilder::new(MessageType::ICRQ)
                .avp(Avp::AssignedSessionId(local_id.get())),
            ControlMessageBuilder::avp,
        );
        let mut session = Self::new(Role::Lac, local_id, SessionState::LacWaitReply, call);
        session.send(icrq);
        session
    }

    /// LNS: an ICRQ arrived on an established tunnel. Queues the ICRP, or returns the CDN
    /// that refuses the call; the caller then releases `local_id`.
    pub fn new_incoming_lns(
        local_id: NonZeroU16,
        icrq: &ControlMessage,
        policy: &LnsPolicy,
    ) -> Result<Self, Refusal> {
        let refuse = |reason| Refusal::new(icrq, local_id.get(), reason);
        if icrq.message_type != Some(MessageType::ICRQ) {
            return Err(refuse(RefusalReason::NotIcrq));
        }
        if let Some(unknown) = icrq.unknown.iter().find(|u| u.mandatory) {
            return Err(refuse(RefusalReason::UnknownMandatoryAvp {
                vendor: unknown.vendor,
                attribute: unknown.attr,
            }));
        }
        let missing = icrq.missing_mandatory();
        if !missing.is_empty() {
            return Err(refuse(RefusalReason::MissingAvps(missing)));
        }
        let peer_id = assigned_session_id(icrq).unwrap_or(0);
        if peer_id == 0 {
            return Err(refuse(RefusalReason::InvalidPeerSessionId));
        }
        if !policy.accept_new {
            return Err(refuse(RefusalReason::Draining));
        }
        if policy
            .max_sessions_per_tunnel
            .is_some_and(|max| policy.sessions_in_tunnel >= max)
        {
            return Err(refuse(RefusalReason::SessionLimit));
        }
        let mut session = Self::new(
            Role::Lns,
            local_id,
            SessionState::LnsWaitConnect,
            CallInfo::from_icrq(icrq),
        );
        session.peer_id = peer_id;
        session.lns_requires_sequencing = policy.require_sequencing;
        session.send(
            ControlMessageBuilder::new(MessageType::ICRP)
                .avp(Avp::AssignedSessionId(local_id.get())),
        );
        Ok(session)
    }

    /// A control message the tunnel delivered for this session (ICRP, ICCN, CDN, WEN, SLI).
    pub fn handle_message(&mut self, msg: &ControlMessage) {
        let Some(kind) = msg.message_type else {
            return; // a ZLB acknowledges; that is the tunnel's business
        };
        if self.state == SessionState::Closed {
            self.late_messages += 1;
            return;
        }
        if kind == MessageType::CDN {
            self.peer_disconnected(msg);
            return;
        }
        if self.role == Role::Lac
            && self.state == SessionState::LacWaitReply
            && kind == MessageType::ICRP
        {
            // Adopt the peer's ID first so that a CDN for a faulty ICRP reaches its session.
            self.peer_id = assigned_session_id(msg).unwrap_or(0);
        }
        // RFC 2661 §4.1: an unrecognised M=1 AVP in a session message clears the session only.
        if let Some(unknown) = msg.unknown.iter().find(|u| u.mandatory) {
            self.fail(unknown_mandatory(unknown.vendor, unknown.attr));
            return;
        }
        let missing = msg.missing_mandatory();
        if !missing.is_empty() {
            self.fail(CdnResult::general_error(
                general_error::VENDOR_SPECIFIC,
                describe_missing(&missing),
            ));
            return;
        }
        match (self.role, self.state, kind) {
            (Role::Lac, SessionState::LacWaitReply, MessageType::ICRP) => self.on_icrp(),
            (Role::Lns, SessionState::LnsWaitConnect, MessageType::ICCN) => self.on_iccn(msg),
            (Role::Lns, SessionState::Established, MessageType::WEN) => {
                if let Some(Avp::CallErrors(errors)) = msg.get(attr::CALL_ERRORS) {
                    self.events.push_back(SessionEvent::WanErrors(*errors));
                }
            }
            (Role::Lac, SessionState::Established, MessageType::SLI) => {
                if let Some(Avp::Accm(accm)) = msg.get(attr::ACCM) {
                    self.events.push_back(SessionEvent::LinkInfo(*accm));
                }
            }
            (_, state, kind) => self.fail(CdnResult::general_error(
                general_error::VENDOR_SPECIFIC,
                format!(
                    "unexpected {} in state {}",
                    message_name(kind),
                    state.name()
                ),
            )),
        }
    }

    fn on_icrp(&mut self) {
        if self.peer_id == 0 {
            self.fail(RefusalReason::InvalidPeerSessionId.result());
            return;
        }
        let iccn = self.call.iccn_avps().into_iter().fold(
            ControlMessageBuilder::new(MessageType::ICCN),
            |iccn, avp| {
                if is_credential(&avp) {
                    iccn.sensitive_avp(avp)
                } else {
                    iccn.avp(avp)
                }
            },
        );
        self.send(iccn);
        if self.call.sequencing_required {
            self.data.require_sequencing();
        }
        self.establish();
        // The proxy data has been handed over: the LAC keeps only what its views show.
        self.call.proxy.forget_handed_over();
    }

    fn on_iccn(&mut self, iccn: &ControlMessage) {
        self.call.absorb_iccn(iccn);
        if self.call.sequencing_required || self.lns_requires_sequencing {
            self.data.require_sequencing();
        }
        self.establish();
        // The event carries the proxy data to the LNS's PPP, which takes it over: the
        // session keeps only what its views show (that there was proxy LCP, the
        // authentication type, the user name), as the LAC's does after sending it. A
        // subscriber's password or CHAP response then lives nowhere longer than needed,
        // and 65,000 sessions do not keep six buffers each.
        self.call.proxy.forget_handed_over();
    }

    fn establish(&mut self) {
        self.state = SessionState::Established;
        self.events.push_back(SessionEvent::Established {
            proxy: self.call.proxy.clone(),
        });
    }

    fn peer_disconnected(&mut self, cdn: &ControlMessage) {
        let result = match cdn.get(attr::RESULT_CODE) {
            Some(Avp::ResultCode(code)) => CdnResult::from(code),
            // Be liberal: a CDN ends the call whatever it lacks (RFC 2661 result 0 is reserved,
            // so it marks the absence).
            _ => CdnResult::new(0, general_error::NONE, "CDN without Result Code"),
        };
        let cause = cdn.avps.iter().find_map(|avp| match avp {
            Avp::PppDisconnectCause(cause) => Some(cause.clone()),
            _ => None,
        });
        self.close(result, cause, true);
    }

    /// Ends the session from this side: queues the CDN. A LAC whose subscriber's PPP ended
    /// passes [`super::lac_ppp_ended_cause`]. Does nothing once closed.
    pub fn disconnect(&mut self, result: CdnResult, cause: Option<PppDisconnectCause>) {
        if self.state == SessionState::Closed {
            return;
        }
        self.send(cdn(&result, self.local_id.get(), cause.as_ref()));
        self.close(result, cause, false);
    }

    /// The owner's setup timer ran out: a session still waiting for its ICRP or ICCN ends
    /// with a CDN of `result`. Returns whether it did (an established or closed session is
    /// left alone).
    pub fn expire_setup(&mut self, result: CdnResult) -> bool {
        if !matches!(
            self.state,
            SessionState::LacWaitReply | SessionState::LnsWaitConnect
        ) {
            return false;
        }
        self.disconnect(result, None);
        true
    }

    /// A protocol error in this session: CDN, close.
    fn fail(&mut self, result: CdnResult) {
        self.disconnect(result, None);
    }

    /// How the session ended goes to the owner in the Closed event only: the registry drops
    /// a closed session at once, and a copy kept here (72 octets of the entry, a clone of the
    /// result's text) was written at every teardown and never read (issue 15, item 4).
    fn close(&mut self, result: CdnResult, cause: Option<PppDisconnectCause>, by_peer: bool) {
        self.state = SessionState::Closed;
        self.events.push_back(SessionEvent::Closed {
            result,
            cause,
            by_peer,
        });
    }

    fn send(&mut self, builder: ControlMessageBuilder) {
        self.outgoing.push_back(OutgoingMessage {
            peer_session_id: self.peer_id,
            builder,
        });
    }

    /// LAC: reports line errors to the LNS (WEN). False unless an established LAC session.
    pub fn wan_error_notify(&mut self, errors: CallErrors) -> bool {
        if self.role != Role::Lac || self.state != SessionState::Established {
            return false;
        }
        self.send(ControlMessageBuilder::new(MessageType::WEN).avp(Avp::CallErrors(errors)));
        true
    }

    /// LNS: tells the LAC the PPP ACCM negotiated (SLI). False unless an established LNS
    /// session.
    pub fn set_link_info(&mut self, accm: Accm) -> bool {
        if self.role != Role::Lns || self.state != SessionState::Established {
            return false;
        }
        self.send(ControlMessageBuilder::new(MessageType::SLI).avp(Avp::Accm(accm)));
        true
    }

    /// The next control message to send, oldest first.
    pub fn poll_message(&mut self) -> Option<OutgoingMessage> {
        crate::queue::pop_front_releasing(&mut self.outgoing)
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<SessionEvent> {
        crate::queue::pop_front_releasing(&mut self.events)
    }

    /// A PPP frame as the data message to send to the peer's `peer_tunnel_id`.
    pub fn encapsulate(
        &mut self,
        peer_tunnel_id: u16,
        ppp_frame: &[u8],
    ) -> Result<Vec<u8>, EncapError> {
        if self.state != SessionState::Established {
            return Err(EncapError::NotEstablished);
        }
        Ok(self
            .data
            .encapsulate(peer_tunnel_id, self.peer_id, ppp_frame)?)
    }

    /// The PPP frame of a data message the tunnel routed here, or why it is dropped (and
    /// counted).
    pub fn decapsulate<'a>(&mut self, message: &DataMessage<'a>) -> Result<&'a [u8], DataDrop> {
        if self.state != SessionState::Established {
            self.data.counters.rx_discarded += 1;
            return Err(DataDrop::NotEstablished);
        }
        self.data.decapsulate(message)
    }

    pub fn role(&self) -> Role {
        self.role
    }
    pub fn local_id(&self) -> NonZeroU16 {
        self.local_id
    }
    /// The peer's Session ID, once known.
    pub fn peer_id(&self) -> Option<NonZeroU16> {
        NonZeroU16::new(self.peer_id)
    }
    pub fn state(&self) -> SessionState {
        self.state
    }
    /// The call's parameters: what the LAC sent, or what the LNS received.
    pub fn call(&self) -> &CallInfo {
        &self.call
    }

    /// LNS: a CSUN's new connect speeds (RFC 5515 §4.1), bit/s, in place of the ICCN's.
    /// Taken only on an established LNS session (before the ICCN there are no speeds to
    /// replace; a LAC is the one that sends them); false when not taken.
    pub fn update_connect_speeds(&mut self, tx: u32, rx: u32) -> bool {
        if self.role != Role::Lns || self.state != SessionState::Established {
            return false;
        }
        self.call.tx_connect_speed = tx;
        self.call.rx_connect_speed = Some(rx);
        true
    }
    /// Whether data messages currently carry Ns/Nr.
    pub fn sequencing(&self) -> bool {
        self.data.sequencing()
    }
    pub fn counters(&self) -> SessionCounters {
        self.data.counters
    }
    /// Frames the relay's fast path carried for this session without passing through it
    /// (issue 10): counted as if they had, sent (`tx`) and received (`rx`).
    pub fn add_relayed(&mut self, relayed: &SessionCounters) {
        let c = &mut self.data.counters;
        c.tx_packets += relayed.tx_packets;
        c.tx_bytes += relayed.tx_bytes;
        c.rx_packets += relayed.rx_packets;
        c.rx_bytes += relayed.rx_bytes;
    }
    /// Control messages ignored because they arrived after the session closed.
    pub fn late_messages(&self) -> u64 {
        self.late_messages
    }
}
