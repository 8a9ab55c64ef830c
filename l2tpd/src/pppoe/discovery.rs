//! The access concentrator's discovery server for one interface unit (RFC 2516 §5, RFC 4638),
//! sans-IO: fed received frames and the time, it returns the frame to send and queues events
//! for the subscriber layer.
//!
//! Nothing is kept for a client before a PADR returns a valid AC-Cookie ([`CookieJar`]), so
//! PADI and PADR floods from forged MACs allocate nothing; every refused frame is counted in
//! [`DiscoveryCounters`]. The unit's policies sit in front of every new session: drain
//! ([`DiscoveryServer::set_accepting`]), `short-cycle-protection` ([`ShortCycleGuard`]), the
//! `service-name-table` ([`ServicePolicy`]: drop, delay, per-service `max-sessions`),
//! `max-sessions` and `duplicate-protection`. Delayed PADOs are the server's only timer.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant};

use schema::typed::ServiceNameTable;

use super::access_line::{self, AccessLine};
use super::cookie::CookieJar;
pub use super::discovery_counters::DiscoveryCounters;
use super::service_policy::{ServicePolicy, Verdict};
use super::short_cycle::{ShortCycleConfig, ShortCycleGuard};
use super::wire::{Body, Code, Frame, MacAddr, Tag, VlanTag};
use policy::DelayedPado;

/// PPP payload over plain Ethernet: 1500 - 8 bytes of PPPoE and PPP headers (RFC 2516 §7).
pub const DEFAULT_MAX_PAYLOAD: u16 = 1492;
/// 0xffff is reserved (RFC 2516 §4) and 0 means "no session".
const MAX_SESSION_ID: u16 = 0xfffe;

/// The PPPoE statements of one `family pppoe` unit, plus what the engine knows of the link.
#[derive(Debug, Clone)]
pub struct DiscoveryConfig {
    /// The unit's interface MAC: PADOs come from it and PADRs must go to it.
    pub ac_mac: MacAddr,
    /// `access-concentrator NAME`.
    pub ac_name: String,
    /// `service-name-table`; `None` serves any Service-Name a client asks for.
    pub service_table: Option<ServiceNameTable>,
    /// `max-sessions N`; `None` leaves only the session-id space as the limit.
    pub max_sessions: Option<usize>,
    /// `duplicate-protection`: one session per client MAC.
    pub duplicate_protection: bool,
    /// `short-cycle-protection`: the lockout of clients whose sessions keep ending early.
    pub short_cycle: Option<ShortCycleConfig>,
    /// The largest PPP payload a session may carry (the unit's PPP MTU, at most the interface
    /// MTU - 8). Above 1492 it is offered by PPP-Max-Payload to clients that ask (RFC 4638
    /// §4); below, it caps every session's payload.
    pub max_payload: u16,
    /// How long a PADO's AC-Cookie stays valid (at least this, at most twice this).
    pub cookie_lifetime: Duration,
    /// PADOs held back by `action delay N` at most; PADIs beyond are refused and counted.
    pub delayed_pado_capacity: usize,
}

impl DiscoveryConfig {
    pub fn new(ac_mac: MacAddr, ac_name: impl Into<String>) -> Self {
        Self {
            ac_mac,
            ac_name: ac_name.into(),
            service_table: None,
            max_sessions: None,
            duplicate_protection: false,
            short_cycle: None,
            max_payload: DEFAULT_MAX_PAYLOAD,
            cookie_lifetime: Duration::from_secs(30),
            delayed_pado_capacity: 1024,
        }
    }
}

/// One granted session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub client: MacAddr,
    pub vlans: Vec<VlanTag>,
    pub service_name: Vec<u8>,
    /// The PPP MRU ceiling agreed by PPP-Max-Payload, or 1492 (or the unit's smaller MTU).
    pub max_payload: u16,
    /// When the PADS granted it: `short-cycle-protection` judges its length.
    pub started: Instant,
    /// The line the PADR's intermediate-agent tag names (empty without one, or with one
    /// refused): the PADR is the request the session is granted on.
    pub access_line: AccessLine,
    /// Kept to tell a retransmitted PADR (PADS lost) from a second session of the same host.
    host_uniq: Option<Vec<u8>>,
    relay_session_id: Option<Vec<u8>>,
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// The client sent a PADT.
    ClientPadt,
    /// The engine reported the interface down.
    LinkDown,
}

/// What the subscriber layer learns from discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    SessionUp { session_id: u16 },
    SessionDown { session_id: u16, reason: EndReason },
}

/// What one received frame produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled<'a> {
    /// Dropped (and counted) or consumed without a reply.
    Nothing,
    /// A discovery frame to send back on the same interface.
    Reply(Vec<u8>),
    /// The PPP frame of an established session, for its PPP automaton.
    SessionPpp { session_id: u16, ppp: &'a [u8] },
}

/// The discovery server of one interface unit.
#[derive(Debug)]
pub struct DiscoveryServer {
    config: DiscoveryConfig,
    cookies: CookieJar,
    sessions: HashMap<u16, Session>,
    by_client: HashMap<MacAddr, Vec<u16>>,
    next_session_id: u16,
    events: VecDeque<Event>,
    counters: DiscoveryCounters,
    services: ServicePolicy,
    short_cycle: Option<ShortCycleGuard>,
    /// False while draining: no new sessions, those in progress untouched.
    accepting: bool,
    /// PADOs waiting for their `delay`, by due time (and arrival, for ties).
    delayed: BTreeMap<(Instant, u64), DelayedPado>,
    delayed_seq: u64,
    /// Frames produced by timers, for [`DiscoveryServer::poll_transmit`].
    transmits: VecDeque<Vec<u8>>,
}

impl DiscoveryServer {
    /// `cookie_secret` comes from the caller's random source; `epoch` is any instant before
    /// the first frame (the cookie's time buckets count from it).
    pub fn new(config: DiscoveryConfig, cookie_secret: [u8; 16], epoch: Instant) -> Self {
        let cookies = CookieJar::new(cookie_secret, epoch, config.cookie_lifetime);
        let services = ServicePolicy::new(config.service_table.clone(), []);
        let short_cycle = config.short_cycle.map(ShortCycleGuard::new);
        Self {
            config,
            cookies,
            sessions: HashMap::new(),
            by_client: HashMap::new(),
            next_session_id: 1,
            events: VecDeque::new(),
            counters: DiscoveryCounters::default(),
            services,
            short_cycle,
            accepting: true,
            delayed: BTreeMap::new(),
            delayed_seq: 0,
            transmits: VecDeque::new(),
        }
    }

    pub fn counters(&self) -> &DiscoveryCounters {
        &self.counters
    }

    /// `clear pppoe statistics`.
    pub fn clear_counters(&mut self) {
        self.counters = DiscoveryCounters::default();
    }

    pub fn session(&self, session_id: u16) -> Option<&Session> {
        self.sessions.get(&session_id)
    }

    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// When the last `short-cycle-protection` lockout in force at `now` ends (`None`: no
    /// client is locked out, or the protection is off).
    pub fn lockouts_end(&self, now: Instant) -> Option<Instant> {
        self.short_cycle.as_ref()?.lockouts_end(now)
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// One frame received on this unit (already selected by VLAN tags).
    pub fn handle_frame<'a>(&mut self, bytes: &'a [u8], now: Instant) -> Handled<'a> {
        let frame = match Frame::parse(bytes) {
            Ok(frame) => frame,
            Err(_) => {
                self.counters.malformed += 1;
                return Handled::Nothing;
            }
        };
        if frame.src.is_multicast() {
            self.counters.bad_source += 1;
            return Handled::Nothing;
        }
        let to_us = frame.dst == self.config.ac_mac;
        let to_us_or_broadcast = to_us || frame.dst == MacAddr::BROADCAST;
        let Frame {
            src, vlans, body, ..
        } = frame;
        match body {
            Body::Session { session_id, ppp } => {
                if !to_us {
                    self.counters.not_for_us += 1;
                    return Handled::Nothing;
                }
                match self.sessions.get(&session_id) {
                    None => self.counters.session_frame_unknown_session += 1,
                    Some(session) if session.client != src => {
                        self.counters.session_frame_wrong_mac += 1
                    }
                    Some(_) => return Handled::SessionPpp { session_id, ppp },
                }
                Handled::Nothing
            }
            Body::Discovery {
                code,
                session_id,
                tags,
            } => {
                let reply = match code {
                    Code::Padi if !to_us_or_broadcast => self.not_for_us(),
                    Code::Padr | Code::Padt if !to_us => self.not_for_us(),
                    Code::Padi | Code::Padr => {
                        let received = Received {
                            client: src,
                            vlans: &vlans,
                            session_id,
                            tags: &tags,
                        };
                        if code == Code::Padi {
                            self.padi(received, now)
                        } else {
                            self.padr(received, now)
                        }
                    }
                    Code::Padt => self.padt(src, session_id, now),
                    Code::Pado | Code::Pads => {
                        self.counters.unexpected_code += 1;
                        None
                    }
                };
                reply.map_or(Handled::Nothing, Handled::Reply)
            }
        }
    }

    /// Ends a session from our side (PPP terminated, `clear pppoe sessions`): the PADT to send.
    /// A session that ends this way within a minute counts as a short cycle, as one the
    /// client ends (Junos locks out "failed or short-lived" sessions alike).
    pub fn terminate(&mut self, session_id: u16, now: Instant) -> Option<Vec<u8>> {
        let session = self.remove_session(session_id)?;
        self.short_cycle_check(&session, now);
        self.counters.padt_sent += 1;
        self.frame_to(
            &session.client,
            &session.vlans,
            Code::Padt,
            session_id,
            vec![],
        )
    }

    /// The interface went down: every session ends without a PADT (there is no link to send
    /// it on; the client notices through LCP echo).
    pub fn link_down(&mut self) {
        self.delayed.clear();
        let mut ids: Vec<u16> = self.sessions.keys().copied().collect();
        ids.sort_unstable();
        for session_id in ids {
            self.remove_session(session_id);
            self.events.push_back(Event::SessionDown {
                session_id,
                reason: EndReason::LinkDown,
            });
        }
    }

    /// A PPP frame of an established session, framed for the wire.
    /// Our MAC: the source of every frame we send.
    pub fn ac_mac(&self) -> MacAddr {
        self.config.ac_mac
    }

    pub fn session_frame(&self, session_id: u16, ppp: &[u8]) -> Option<Vec<u8>> {
        let session = self.sessions.get(&session_id)?;
        Frame {
            dst: session.client,
            src: self.config.ac_mac,
            vlans: session.vlans.clone(),
            body: Body::Session { session_id, ppp },
        }
        .to_bytes()
        .ok()
    }

    fn not_for_us(&mut self) -> Option<Vec<u8>> {
        self.counters.not_for_us += 1;
        None
    }

    fn padi(&mut self, received: Received<'_>, now: Instant) -> Option<Vec<u8>> {
        self.counters.padi_received += 1;
        let Received { client, vlans, .. } = received;
        let request = self.checked_request(received)?;
        if !self.accepting {
            self.counters.draining_refused += 1;
            return None;
        }
        if self.is_locked_out(client, now) {
            self.counters.short_cycle_refused += 1;
            return None;
        }
        let delay = match self.services.verdict(&request.service_name) {
            Verdict::NotOffered => {
                self.counters.service_name_refused += 1;
                return None;
            }
            Verdict::Drop => {
                self.counters.service_name_dropped += 1;
                return None;
            }
            Verdict::Full => {
                self.counters.service_max_sessions_refused += 1;
                return None;
            }
            Verdict::Answer { delay } => delay,
        };
        // A PADO we could not honour would only make the client wait for a PADS that refuses.
        if self.at_capacity() {
            self.counters.max_sessions_refused += 1;
            return None;
        }
        if self.config.duplicate_protection && self.by_client.contains_key(&client) {
            self.counters.duplicate_refused += 1;
            return None;
        }
        match delay {
            Some(delay) => {
                self.delay_pado(client, vlans, request, now + delay);
                None
            }
            None => self.pado(client, vlans, &request, now),
        }
    }

    fn pado(
        &mut self,
        client: MacAddr,
        vlans: &[VlanTag],
        request: &Request,
        now: Instant,
    ) -> Option<Vec<u8>> {
        let mut reply = vec![
            Tag::AcName(self.config.ac_name.clone().into_bytes()),
            Tag::ServiceName(request.service_name.clone()),
        ];
        // RFC 2516 §5.2: other Service-Name tags list the other services offered.
        reply.extend(
            self.services
                .offered()
                .filter(|name| name.as_bytes() != request.service_name)
                .map(|name| Tag::ServiceName(name.as_bytes().to_vec())),
        );
        reply.extend(request.echoed());
        if let Some(max_payload) = self.agreed_max_payload(request) {
            reply.push(Tag::PppMaxPayload(max_payload));
        }
        reply.push(Tag::AcCookie(self.cookies.issue(client, now).to_vec()));
        self.counters.pado_sent += 1;
        self.frame_to(&client, vlans, Code::Pado, 0, reply)
    }

    fn padr(&mut self, received: Received<'_>, now: Instant) -> Option<Vec<u8>> {
        self.counters.padr_received += 1;
        let Received { client, vlans, .. } = received;
        let request = self.checked_request(received)?;
        // The cookie first: until it checks, the sender may be anyone, and gets nothing.
        let Some(cookie) = &request.cookie else {
            self.counters.padr_cookie_missing += 1;
            return None;
        };
        if !self.cookies.is_valid(client, cookie, now) {
            self.counters.padr_cookie_invalid += 1;
            return None;
        }
        if let Some(existing) = self.retransmitted(client, vlans, &request) {
            self.counters.padr_retransmitted += 1;
            return self.pads(existing);
        }
        let session_id = match self.padr_refusal(client, &request, now) {
            Some(error) => {
                // RFC 2516 §5.4: a refusing PADS carries SESSION_ID 0.
                let mut tags = vec![Tag::ServiceName(request.service_name.clone()), error];
                tags.extend(request.echoed());
                self.counters.pads_sent += 1;
                return self.frame_to(&client, vlans, Code::Pads, 0, tags);
            }
            None => self.allocate_session_id()?,
        };
        let max_payload = self
            .agreed_max_payload(&request)
            .unwrap_or(DEFAULT_MAX_PAYLOAD.min(self.config.max_payload));
        let access_line = self.access_line(received.tags);
        self.services.session_added(&request.service_name);
        self.sessions.insert(
            session_id,
            Session {
                client,
                vlans: vlans.to_vec(),
                service_name: request.service_name,
                max_payload,
                started: now,
                access_line,
                host_uniq: request.host_uniq,
                relay_session_id: request.relay_session_id,
            },
        );
        self.by_client.entry(client).or_default().push(session_id);
        self.events.push_back(Event::SessionUp { session_id });
        self.pads(session_id)
    }

    fn padt(&mut self, client: MacAddr, session_id: u16, now: Instant) -> Option<Vec<u8>> {
        self.counters.padt_received += 1;
        match self.sessions.get(&session_id) {
            None => self.counters.padt_unknown_session += 1,
            // A PADT for someone else's session would let any host on the segment end it.
            Some(session) if session.client != client => self.counters.padt_wrong_mac += 1,
            Some(_) => {
                if let Some(session) = self.remove_session(session_id) {
                    self.short_cycle_check(&session, now);
                }
                self.events.push_back(Event::SessionDown {
                    session_id,
                    reason: EndReason::ClientPadt,
                });
            }
        }
        None
    }

    /// The access line of a PADR's intermediate-agent tag; a tag that breaks the layout is
    /// counted and left out, the session granted all the same (the agent's fault is no
    /// reason to refuse its subscriber). A bad line characteristic is counted and only it
    /// left out.
    fn access_line(&mut self, tags: &[Tag]) -> AccessLine {
        match access_line::read_tags(tags) {
            Ok(Some(read)) => {
                self.counters.agent_characteristic_malformed +=
                    u64::from(read.malformed_characteristics);
                read.line
            }
            Ok(None) => AccessLine::default(),
            Err(_) => {
                self.counters.agent_tag_malformed += 1;
                AccessLine::default()
            }
        }
    }

    /// The PADS granting an existing session (built again for a retransmitted PADR).
    fn pads(&mut self, session_id: u16) -> Option<Vec<u8>> {
        let session = self.sessions.get(&session_id)?;
        let mut tags = vec![Tag::ServiceName(session.service_name.clone())];
        tags.extend(session.host_uniq.clone().map(Tag::HostUniq));
        tags.extend(session.relay_session_id.clone().map(Tag::RelaySessionId));
        if session.max_payload > DEFAULT_MAX_PAYLOAD {
            tags.push(Tag::PppMaxPayload(session.max_payload));
        }
        let (client, vlans) = (session.client, session.vlans.clone());
        self.counters.pads_sent += 1;
        self.frame_to(&client, &vlans, Code::Pads, session_id, tags)
    }

    /// RFC 2516 §5.1, §5.3: SESSION_ID 0 and exactly one Service-Name.
    fn checked_request(&mut self, received: Received<'_>) -> Option<Request> {
        if received.session_id != 0 {
            self.counters.nonzero_session_id += 1;
            return None;
        }
        let request = Request::from_tags(received.tags);
        if request.service_names != 1 {
            self.counters.service_name_missing += 1;
            return None;
        }
        Some(request)
    }

    fn at_capacity(&self) -> bool {
        let limit = self
            .config
            .max_sessions
            .unwrap_or(usize::from(MAX_SESSION_ID));
        self.sessions.len() >= limit.min(usize::from(MAX_SESSION_ID))
    }

    /// RFC 4638 §4: answered only if the client asked, never above what either side carries,
    /// and only above 1492 (at or below it the tag says nothing new).
    fn agreed_max_payload(&self, request: &Request) -> Option<u16> {
        let asked = request.max_payload?;
        let agreed = asked.min(self.config.max_payload);
        (agreed > DEFAULT_MAX_PAYLOAD).then_some(agreed)
    }

    fn retransmitted(&self, client: MacAddr, vlans: &[VlanTag], request: &Request) -> Option<u16> {
        self.by_client.get(&client)?.iter().copied().find(|id| {
            self.sessions.get(id).is_some_and(|session| {
                session.vlans == vlans
                    && session.host_uniq == request.host_uniq
                    && session.service_name == request.service_name
            })
        })
    }

    fn allocate_session_id(&mut self) -> Option<u16> {
        for _ in 0..MAX_SESSION_ID {
            let candidate = self.next_session_id;
            self.next_session_id = if candidate >= MAX_SESSION_ID {
                1
            } else {
                candidate + 1
            };
            if !self.sessions.contains_key(&candidate) {
                return Some(candidate);
            }
        }
        None
    }

    fn remove_session(&mut self, session_id: u16) -> Option<Session> {
        let session = self.sessions.remove(&session_id)?;
        self.services.session_removed(&session.service_name);
        if let Some(ids) = self.by_client.get_mut(&session.client) {
            ids.retain(|id| *id != session_id);
            if ids.is_empty() {
                self.by_client.remove(&session.client);
            }
        }
        Some(session)
    }

    fn frame_to(
        &self,
        client: &MacAddr,
        vlans: &[VlanTag],
        code: Code,
        session_id: u16,
        tags: Vec<Tag>,
    ) -> Option<Vec<u8>> {
        Frame::discovery(*client, self.config.ac_mac, vlans, code, session_id, tags)
            .to_bytes()
            .ok()
    }
}

/// A PADI or PADR as received.
#[derive(Clone, Copy)]
struct Received<'t> {
    client: MacAddr,
    vlans: &'t [VlanTag],
    session_id: u16,
    tags: &'t [Tag],
}

/// The tags of a PADI or PADR that the server acts on.
#[derive(Debug)]
struct Request {
    service_names: usize,
    service_name: Vec<u8>,
    host_uniq: Option<Vec<u8>>,
    relay_session_id: Option<Vec<u8>>,
    max_payload: Option<u16>,
    cookie: Option<Vec<u8>>,
}

impl Request {
    fn from_tags(tags: &[Tag]) -> Self {
        let mut request = Request {
            service_names: 0,
            service_name: Vec::new(),
            host_uniq: None,
            relay_session_id: None,
            max_payload: None,
            cookie: None,
        };
        for tag in tags {
            match tag {
                Tag::ServiceName(name) => {
                    request.service_names += 1;
                    request.service_name = name.clone();
                }
                Tag::HostUniq(value) => request.host_uniq = Some(value.clone()),
                Tag::RelaySessionId(value) => request.relay_session_id = Some(value.clone()),
                Tag::PppMaxPayload(value) => request.max_payload = Some(*value),
                Tag::AcCookie(value) => request.cookie = Some(value.clone()),
                _ => {}
            }
        }
        request
    }

    /// RFC 2516 §5.2-5.4: Host-Uniq and Relay-Session-Id come back unchanged.
    fn echoed(&self) -> impl Iterator<Item = Tag> + '_ {
        let host_uniq = self.host_uniq.clone().map(Tag::HostUniq);
        let relay = self.relay_session_id.clone().map(Tag::RelaySessionId);
        host_uniq.into_iter().chain(relay)
    }
}

#[path = "discovery_policy.rs"]
mod policy;

#[cfg(test)]
#[path = "discovery_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "discovery_policy_tests.rs"]
mod policy_tests;
