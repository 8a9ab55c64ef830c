//! The RADIUS client (RFC 2865 §2.4, RFC 2866 §2, RFC 5080 §2.2), sans-IO: the engine owns
//! the sockets and the clock. Requests go to the first live server of their profile's list,
//! are retransmitted identically, fail over to the next server with a new identifier and
//! authenticator, and mark a silent server dead for `dead_time` (Junos `radius-server`
//! `retry`/`timeout`, `revert-interval`-like revival).
//!
//! Identifiers are per socket (RFC 2865 §3: the identifier matches a reply to its request
//! "from the same source IP address and source UDP port"): 256 outstanding per socket, and a
//! new socket is asked for when all are in use. Timers live in one ordered set, never a scan.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};

use super::nas_address::{self, LocalAddressFinder, NasAddress};
use super::radius::{code, verify_response, EncodeError, Packet, VerifyError, MAX_USER_PASSWORD};

/// One `access radius-server ADDRESS { … }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    pub address: Ipv4Addr,
    pub auth_port: u16,
    pub accounting_port: u16,
    pub secret: Arc<[u8]>,
    /// Attempts after the first, on this server.
    pub retry: u32,
    pub timeout: Duration,
    /// `accounting-retry` / `accounting-timeout`: `None`, as `retry` / `timeout`.
    pub accounting_retry: Option<u32>,
    pub accounting_timeout: Option<Duration>,
    /// `routing-instance`: this server's requests leave from that instance, whatever the
    /// request asked (`default`: the main table).
    pub routing_instance: Option<Arc<str>>,
    pub source: Option<Ipv4Addr>,
    pub max_outstanding: usize,
    /// `message-authenticator require`: this server's replies must carry a valid one (the
    /// client's `require_message_authenticator` requires it of every server).
    pub require_message_authenticator: bool,
    /// A profile's `radius options revert-interval` for this server; `None`: the client's
    /// `dead_time`.
    pub revert_interval: Option<Duration>,
}

impl ServerConfig {
    /// Attempts after the first for a request of `service`.
    pub fn retry_for(&self, service: Service) -> u32 {
        match service {
            Service::Accounting => self.accounting_retry.unwrap_or(self.retry),
            Service::Authentication => self.retry,
        }
    }

    /// How long a request of `service` waits for its reply.
    pub fn timeout_for(&self, service: Service) -> Duration {
        match service {
            Service::Accounting => self.accounting_timeout.unwrap_or(self.timeout),
            Service::Authentication => self.timeout,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// Requests waiting for a server's `max_outstanding` room; beyond, `submit` refuses.
    pub queue_limit: usize,
    pub dead_time: Duration,
    /// BlastRADIUS: replies without a Message-Authenticator are dropped.
    pub require_message_authenticator: bool,
    /// Seeds the generator of Request Authenticators (the caller's RNG: no randomness
    /// source inside). StdRng is a CSPRNG: authenticators must be unpredictable (RFC 2865 §3).
    pub seed: [u8; 32],
}

impl ClientConfig {
    /// Defaults: 4096 waiting, 60 s dead time, Message-Authenticator required.
    pub fn with_seed(seed: [u8; 32]) -> Self {
        ClientConfig {
            queue_limit: 4096,
            dead_time: Duration::from_secs(60),
            require_message_authenticator: true,
            seed,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Service {
    Authentication,
    Accounting,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// A socket the I/O shell opens on demand: (source address or wildcard, routing instance,
/// index).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SocketId {
    pub source: Option<Ipv4Addr>,
    /// [`MAIN_INSTANCE`], or a routing instance named by [`RadiusClient::instance_name`]
    /// (`aaa-routing-instance`): the shell binds the socket to that instance's VRF device.
    pub instance: u16,
    pub index: u16,
}

/// The main routing table's instance: sockets bound to no device.
pub const MAIN_INSTANCE: u16 = 0;

/// Sockets are pooled per (routing instance, source address).
type SourceKey = (u16, Option<Ipv4Addr>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    pub socket: SocketId,
    pub to: SocketAddr,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailReason {
    /// None of the request's servers is configured (any more).
    NoServer,
    /// The servers not yet tried are all dead.
    AllServersDown,
    /// The last server tried did not answer.
    TimedOut,
    /// The request cannot be encoded (too long).
    Encode(EncodeError),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEvent {
    Reply {
        id: RequestId,
        server: Ipv4Addr,
        reply: Packet,
        /// With `secret`, what decrypts Tunnel-Password and the like in `reply`.
        request_authenticator: [u8; 16],
        secret: Arc<[u8]>,
        rtt: Duration,
    },
    Failed {
        id: RequestId,
        reason: FailReason,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    #[error("no RADIUS server of the list is configured")]
    NoServer,
    #[error("RADIUS request queue full ({0} waiting)")]
    QueueFull(usize),
    #[error("more than {MAX_SERVERS} servers in one list")]
    TooManyServers,
    #[error("request cannot be encoded: {0}")]
    Encode(#[from] EncodeError),
}

/// A request tries each server of its list once at most (a bit per server).
pub const MAX_SERVERS: usize = 32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerState {
    Up,
    Dead { since: Instant, until: Instant },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerStats {
    pub address: Ipv4Addr,
    pub state: ServerState,
    /// First transmissions (retransmissions apart), of both services.
    pub requests: u64,
    /// Of which Accounting-Requests.
    pub accounting_requests: u64,
    pub accepts: u64,
    pub rejects: u64,
    pub challenges: u64,
    pub accounting_responses: u64,
    /// Other verified replies (CoA/Disconnect ACK/NAK to a request of ours: not expected).
    pub other_replies: u64,
    /// Requests that got no answer after all their attempts on this server.
    pub timeouts: u64,
    pub retransmissions: u64,
    /// Times the server was marked dead.
    pub marked_dead: u64,
    pub malformed: u64,
    pub bad_authenticators: u64,
    pub unknown_identifiers: u64,
    pub outstanding: usize,
    pub queued: usize,
    pub last_rtt_ms: Option<u64>,
    pub average_rtt_ms: Option<u64>,
}

impl ServerStats {
    fn zero(address: Ipv4Addr) -> Self {
        ServerStats {
            address,
            state: ServerState::Up,
            requests: 0,
            accounting_requests: 0,
            accepts: 0,
            rejects: 0,
            challenges: 0,
            accounting_responses: 0,
            other_replies: 0,
            timeouts: 0,
            retransmissions: 0,
            marked_dead: 0,
            malformed: 0,
            bad_authenticators: 0,
            unknown_identifiers: 0,
            outstanding: 0,
            queued: 0,
            last_rtt_ms: None,
            average_rtt_ms: None,
        }
    }
}

/// Drops not attributable to a configured server, and refusals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientStats {
    pub unknown_source: u64,
    pub queue_full: u64,
    pub submitted: u64,
    pub failed: u64,
}

#[derive(Debug)]
struct Server {
    config: ServerConfig,
    dead: Option<(Instant, Instant)>,
    outstanding: usize,
    waiting: VecDeque<RequestId>,
    stats: ServerStats,
    rtt_total_ms: u64,
    rtt_samples: u64,
}

impl Server {
    fn new(config: ServerConfig) -> Self {
        let stats = ServerStats::zero(config.address);
        Server {
            config,
            dead: None,
            outstanding: 0,
            waiting: VecDeque::new(),
            stats,
            rtt_total_ms: 0,
            rtt_samples: 0,
        }
    }

    /// Dead until `dead_time` has passed: revival needs no timer.
    fn dead_since(&self, now: Instant) -> Option<Instant> {
        self.dead
            .filter(|(_, until)| now < *until)
            .map(|(since, _)| since)
    }

    fn port(&self, service: Service) -> u16 {
        match service {
            Service::Authentication => self.config.auth_port,
            Service::Accounting => self.config.accounting_port,
        }
    }
}

/// The identifiers of one socket: a FIFO free list, so a just-freed identifier is the last
/// reused and a late duplicate finds no request (or fails its authenticator check).
#[derive(Debug)]
struct Identifiers {
    free: VecDeque<u8>,
}

impl Identifiers {
    fn new() -> Self {
        Identifiers {
            free: (0..=u8::MAX).collect(),
        }
    }
}

#[derive(Debug)]
struct InFlight {
    /// The server's address and the port of the service.
    to: SocketAddrV4,
    socket: SocketId,
    identifier: u8,
    attempts: u32,
    authenticator: [u8; 16],
    first_sent: Instant,
    last_sent: Instant,
    deadline: Instant,
    /// Kept for identical retransmission.
    bytes: Vec<u8>,
    /// The secret it was signed with: a reconfiguration does not break the check of its reply.
    secret: Arc<[u8]>,
}

#[derive(Debug)]
enum State {
    /// Waiting in `server`'s queue for room under its `max_outstanding`.
    Waiting {
        server: Ipv4Addr,
    },
    InFlight(Box<InFlight>),
}

/// Per request: its packet in clear (re-encoded for each server), its list, what it tried.
#[derive(Debug)]
struct Request {
    packet: Packet,
    servers: Box<[Ipv4Addr]>,
    tried: u32,
    service: Service,
    /// The routing instance its sockets are in.
    instance: u16,
    /// Built with its Request Authenticator (a CHAP challenge,
    /// `chap-challenge-in-request-authenticator`): every send keeps it.
    fixed_authenticator: bool,
    nas_address: NasAddress,
    state: State,
}

/// Size of the per-request record, for the report on memory per outstanding request.
pub const REQUEST_RECORD_SIZE: usize = std::mem::size_of::<Request>();
pub const IN_FLIGHT_RECORD_SIZE: usize = std::mem::size_of::<InFlight>();
// 88 and 128 octets on x86-64 today (plus the packet's attributes and the encoded bytes on
// the heap): a guard against growing them by accident.
const _: () = assert!(REQUEST_RECORD_SIZE <= 96 && IN_FLIGHT_RECORD_SIZE <= 160);

type ReplyKey = (SocketId, SocketAddrV4, u8);

/// Why a datagram was not taken as a reply: counted on the server it came from.
enum ReplyDrop {
    Malformed,
    BadAuthenticator,
    UnknownIdentifier,
}

pub struct RadiusClient {
    config: ClientConfig,
    servers: HashMap<Ipv4Addr, Server>,
    requests: HashMap<RequestId, Request>,
    /// (socket, server address and port, identifier) → request.
    pending: HashMap<ReplyKey, RequestId>,
    timers: BTreeSet<(Instant, RequestId)>,
    sockets: HashMap<SourceKey, Vec<Identifiers>>,
    /// Sockets of a source with a free identifier, lowest index first.
    sockets_with_room: HashMap<SourceKey, BTreeSet<u16>>,
    /// Routing instance names by number (index + 1); numbers are never reused in a run, so
    /// a socket's number keeps meaning the instance it was opened in.
    instances: Vec<Arc<str>>,
    transmits: VecDeque<Transmit>,
    events: VecDeque<ClientEvent>,
    queued: usize,
    outstanding: usize,
    next_id: u64,
    rng: StdRng,
    stats: ClientStats,
    /// The latest `now` seen: `cancel` and `configure` take none but may send.
    now: Option<Instant>,
    /// The shell's answer to "which address does a request to this server leave from"
    /// (none: requests without `source-address` carry no NAS-IP-Address), and its answers
    /// so far by (routing instance, server), forgotten at each commit.
    local_address: Option<LocalAddressFinder>,
    local_addresses: HashMap<(u16, SocketAddrV4), Option<Ipv4Addr>>,
}

impl RadiusClient {
    pub fn new(config: ClientConfig) -> Self {
        let rng = StdRng::from_seed(config.seed);
        RadiusClient {
            config,
            servers: HashMap::new(),
            requests: HashMap::new(),
            pending: HashMap::new(),
            timers: BTreeSet::new(),
            sockets: HashMap::new(),
            sockets_with_room: HashMap::new(),
            instances: Vec::new(),
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            queued: 0,
            outstanding: 0,
            next_id: 0,
            rng,
            stats: ClientStats::default(),
            now: None,
            local_address: None,
            local_addresses: HashMap::new(),
        }
    }

    /// How the address a request leaves from is found when its server has no
    /// `source-address` (the I/O shell asks the kernel; a lab answers as its network would).
    pub fn set_local_address_finder(&mut self, finder: LocalAddressFinder) {
        self.local_address = Some(finder);
        self.local_addresses.clear();
    }

    /// `access radius-options revert-interval`: how long a server that stopped answering is
    /// passed over. A server already dead keeps the end it was given.
    pub fn set_dead_time(&mut self, dead_time: Duration) {
        self.config.dead_time = dead_time;
    }

    /// A commit: servers kept keep their state and counters. A removed server's requests
    /// in flight run their course (their replies are still checked with the secret they were
    /// signed with); its waiting requests choose again.
    pub fn configure(&mut self, servers: Vec<ServerConfig>) {
        // Routes and addresses may have changed with the commit.
        self.local_addresses.clear();
        let mut old = std::mem::take(&mut self.servers);
        for config in servers {
            let server = match old.remove(&config.address) {
                Some(mut kept) => {
                    kept.config = config;
                    kept
                }
                None => Server::new(config),
            };
            self.servers.insert(server.config.address, server);
        }
        let now_orphans: Vec<RequestId> = old
            .into_values()
            .flat_map(|server| server.waiting.into_iter())
            .collect();
        self.queued -= now_orphans.len();
        if let Some(now) = self.now {
            for id in now_orphans {
                self.reroute_waiting(now, id);
            }
            // A kept server may have been given more room.
            let addresses: Vec<Ipv4Addr> = self.servers.keys().copied().collect();
            for address in addresses {
                self.drain(now, address);
            }
        }
    }

    /// `servers`: the profile's order. `request`: code and attributes (User-Password in
    /// clear); identifier and authenticator are set here. From the main table's sockets,
    /// with the NAS-IP-Address of each server's source ([`Self::submit_with`]).
    pub fn submit(
        &mut self,
        now: Instant,
        service: Service,
        servers: &[Ipv4Addr],
        request: Packet,
    ) -> Result<RequestId, SubmitError> {
        self.submit_with(now, service, servers, request, None, NasAddress::FromServer)
    }

    /// [`Self::submit`], sent from sockets in routing instance `instance` (`None`: the main
    /// table), as a domain map's `aaa-routing-instance` asks, with the request's
    /// NAS-IP-Address as `nas_address` says.
    pub fn submit_with(
        &mut self,
        now: Instant,
        service: Service,
        servers: &[Ipv4Addr],
        request: Packet,
        instance: Option<&str>,
        nas_address: NasAddress,
    ) -> Result<RequestId, SubmitError> {
        self.now = Some(now);
        let instance = instance.map_or(MAIN_INSTANCE, |name| self.intern_instance(name));
        if servers.len() > MAX_SERVERS {
            return Err(SubmitError::TooManyServers);
        }
        validate(&request)?;
        if !servers.iter().any(|a| self.servers.contains_key(a)) {
            return Err(SubmitError::NoServer);
        }
        let id = RequestId(self.next_id);
        let fixed_authenticator =
            request.code == code::ACCESS_REQUEST && request.authenticator != [0u8; 16];
        let mut record = Request {
            fixed_authenticator,
            nas_address,
            packet: request,
            servers: servers.into(),
            tried: 0,
            service,
            instance,
            state: State::Waiting {
                server: Ipv4Addr::UNSPECIFIED,
            },
        };
        let Some(server) = self.choose(now, &record) else {
            return Err(SubmitError::NoServer);
        };
        if self.has_room(server) {
            self.next_id += 1;
            self.stats.submitted += 1;
            match self.send_first(now, id, &mut record, server) {
                Ok(()) => {
                    self.requests.insert(id, record);
                    Ok(id)
                }
                Err(error) => Err(SubmitError::Encode(error)),
            }
        } else if self.queued >= self.config.queue_limit {
            self.stats.queue_full += 1;
            Err(SubmitError::QueueFull(self.queued))
        } else {
            self.next_id += 1;
            self.stats.submitted += 1;
            record.state = State::Waiting { server };
            self.enqueue(id, server);
            self.requests.insert(id, record);
            Ok(id)
        }
    }

    /// The subscriber is gone: its late reply is dropped quietly (counted as unknown).
    pub fn cancel(&mut self, id: RequestId) {
        let Some(request) = self.requests.remove(&id) else {
            return;
        };
        match request.state {
            State::Waiting { server } => {
                self.queued -= 1;
                if let Some(server) = self.servers.get_mut(&server) {
                    server.waiting.retain(|w| *w != id);
                }
            }
            State::InFlight(flight) => {
                self.release(id, &flight);
                if let Some(now) = self.now {
                    self.drain(now, *flight.to.ip());
                }
            }
        }
    }

    pub fn handle_datagram(
        &mut self,
        now: Instant,
        socket: SocketId,
        from: SocketAddr,
        bytes: &[u8],
    ) {
        self.now = Some(now);
        let SocketAddr::V4(from) = from else {
            self.stats.unknown_source += 1;
            return;
        };
        let address = *from.ip();
        // A server removed by a commit may still answer a request signed before: the match
        // is on the request, so its reply is checked (with the request's own secret).
        let Some(&identifier) = bytes.get(1) else {
            return self.drop_reply(address, ReplyDrop::Malformed);
        };
        let Some(&id) = self.pending.get(&(socket, from, identifier)) else {
            return self.drop_reply(address, ReplyDrop::UnknownIdentifier);
        };
        let Some(Request {
            state: State::InFlight(flight),
            service,
            ..
        }) = self.requests.get(&id)
        else {
            return self.drop_reply(address, ReplyDrop::UnknownIdentifier);
        };
        // A server's own `message-authenticator require` (a removed server's replies are
        // held to the client's rule alone).
        let require_ma = self.config.require_message_authenticator
            || self
                .servers
                .get(&address)
                .is_some_and(|s| s.config.require_message_authenticator);
        let reply = match verify_response(bytes, &flight.authenticator, &flight.secret, require_ma)
        {
            Ok(reply) => reply,
            Err(VerifyError::Decode(_) | VerifyError::MalformedMessageAuthenticator) => {
                return self.drop_reply(address, ReplyDrop::Malformed);
            }
            Err(_) => return self.drop_reply(address, ReplyDrop::BadAuthenticator),
        };
        let expected = match service {
            Service::Authentication => matches!(
                reply.code,
                code::ACCESS_ACCEPT | code::ACCESS_REJECT | code::ACCESS_CHALLENGE
            ),
            Service::Accounting => reply.code == code::ACCOUNTING_RESPONSE,
        };
        if !expected {
            return self.drop_reply(address, ReplyDrop::Malformed);
        }
        // Karn: a retransmitted request's reply says nothing sure about the round trip,
        // so only first attempts feed the average; the event reports time since the last send.
        let rtt = now.saturating_duration_since(flight.last_sent);
        let first_attempt = flight.attempts == 1;
        if let Some(server) = self.servers.get_mut(&address) {
            let stats = &mut server.stats;
            match reply.code {
                code::ACCESS_ACCEPT => stats.accepts += 1,
                code::ACCESS_REJECT => stats.rejects += 1,
                code::ACCESS_CHALLENGE => stats.challenges += 1,
                code::ACCOUNTING_RESPONSE => stats.accounting_responses += 1,
                _ => stats.other_replies += 1,
            }
            if first_attempt {
                let ms = u64::try_from(rtt.as_millis()).unwrap_or(u64::MAX);
                stats.last_rtt_ms = Some(ms);
                server.rtt_total_ms = server.rtt_total_ms.saturating_add(ms);
                server.rtt_samples += 1;
            }
            // Whatever it was marked, it answers.
            server.dead = None;
        }
        let server_address = address;
        let Some(request) = self.requests.remove(&id) else {
            return;
        };
        let State::InFlight(flight) = request.state else {
            return;
        };
        self.release(id, &flight);
        self.events.push_back(ClientEvent::Reply {
            id,
            server: server_address,
            reply,
            request_authenticator: flight.authenticator,
            secret: flight.secret,
            rtt,
        });
        self.drain(now, server_address);
    }

    fn drop_reply(&mut self, address: Ipv4Addr, drop: ReplyDrop) {
        let Some(server) = self.servers.get_mut(&address) else {
            self.stats.unknown_source += 1;
            return;
        };
        match drop {
            ReplyDrop::Malformed => server.stats.malformed += 1,
            ReplyDrop::BadAuthenticator => server.stats.bad_authenticators += 1,
            ReplyDrop::UnknownIdentifier => server.stats.unknown_identifiers += 1,
        }
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        self.now = Some(now);
        while let Some(&(deadline, id)) = self.timers.first() {
            if deadline > now {
                break;
            }
            self.timers.remove(&(deadline, id));
            self.expire(now, id);
        }
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.first().map(|(deadline, _)| *deadline)
    }

    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<ClientEvent> {
        self.events.pop_front()
    }

    /// Per server, sorted by address; states as of the latest `now` the client was given.
    pub fn server_stats(&self) -> Vec<ServerStats> {
        match self.now {
            Some(now) => self.server_stats_at(now),
            None => self.stats_with(|server| server.dead),
        }
    }

    /// `clear network-access aaa statistics`: every server's counters start again from zero
    /// (its state, what is outstanding and queued stay). Returns how many servers.
    pub fn clear_stats(&mut self) -> usize {
        for server in self.servers.values_mut() {
            server.stats = ServerStats {
                address: server.stats.address,
                state: server.stats.state,
                outstanding: server.stats.outstanding,
                queued: server.stats.queued,
                ..ServerStats::zero(server.stats.address)
            };
            server.rtt_total_ms = 0;
            server.rtt_samples = 0;
        }
        self.stats = ClientStats::default();
        self.servers.len()
    }

    /// States as of `now`: a dead server past its dead time shows up (it is tried again).
    pub fn server_stats_at(&self, now: Instant) -> Vec<ServerStats> {
        self.stats_with(|server| server.dead.filter(|(_, until)| now < *until))
    }

    fn stats_with(&self, dead: impl Fn(&Server) -> Option<(Instant, Instant)>) -> Vec<ServerStats> {
        let mut stats: Vec<ServerStats> = self
            .servers
            .values()
            .map(|server| ServerStats {
                state: match dead(server) {
                    Some((since, until)) => ServerState::Dead { since, until },
                    None => ServerState::Up,
                },
                outstanding: server.outstanding,
                queued: server.waiting.len(),
                average_rtt_ms: (server.rtt_samples > 0)
                    .then(|| server.rtt_total_ms / server.rtt_samples),
                ..server.stats.clone()
            })
            .collect();
        stats.sort_by_key(|s| s.address);
        stats
    }

    pub fn client_stats(&self) -> ClientStats {
        self.stats.clone()
    }

    pub fn queued(&self) -> usize {
        self.queued
    }

    pub fn outstanding(&self) -> usize {
        self.outstanding
    }

    /// Sockets opened so far for `source` (the shell opens them on the first transmit).
    pub fn sockets(&self, source: Option<Ipv4Addr>) -> usize {
        self.sockets
            .get(&(MAIN_INSTANCE, source))
            .map_or(0, Vec::len)
    }

    /// The routing instance socket number `instance` is in (`None` for the main table).
    pub fn instance_name(&self, instance: u16) -> Option<&Arc<str>> {
        self.instances.get(usize::from(instance.checked_sub(1)?))
    }

    /// The address the kernel sends from to `to` in routing instance `instance`, as the
    /// shell's finder says (asked once a commit).
    fn local_address(&mut self, instance: u16, to: SocketAddrV4) -> Option<Ipv4Addr> {
        if let Some(known) = self.local_addresses.get(&(instance, to)) {
            return *known;
        }
        let name = self.instance_name(instance).cloned();
        let finder = self.local_address.as_mut()?;
        let found = finder(name.as_deref(), to);
        self.local_addresses.insert((instance, to), found);
        found
    }

    fn intern_instance(&mut self, name: &str) -> u16 {
        if let Some(at) = self.instances.iter().position(|n| &**n == name) {
            return u16::try_from(at + 1).unwrap_or(u16::MAX);
        }
        // 65,535 distinct names in one run: beyond, the last number is shared (never met:
        // a router has a handful of instances).
        if self.instances.len() < usize::from(u16::MAX) {
            self.instances.push(Arc::from(name));
        }
        u16::try_from(self.instances.len()).unwrap_or(u16::MAX)
    }

    /// The first live server of the list not yet tried; when every untried one is dead and
    /// the request was never sent, the least recently dead (Junos tries them rather than
    /// failing at once).
    fn choose(&self, now: Instant, request: &Request) -> Option<Ipv4Addr> {
        let untried = request
            .servers
            .iter()
            .enumerate()
            .filter(|(index, _)| request.tried & (1 << index) == 0)
            .filter_map(|(_, address)| self.servers.get(address));
        let mut least_recently_dead: Option<(Instant, Ipv4Addr)> = None;
        for server in untried {
            match server.dead_since(now) {
                None => return Some(server.config.address),
                Some(since) => {
                    if least_recently_dead.is_none_or(|(best, _)| since < best) {
                        least_recently_dead = Some((since, server.config.address));
                    }
                }
            }
        }
        if request.tried == 0 {
            least_recently_dead.map(|(_, address)| address)
        } else {
            None
        }
    }

    fn has_room(&self, server: Ipv4Addr) -> bool {
        self.servers.get(&server).is_some_and(|s| {
            s.outstanding < s.config.max_outstanding.max(1)
                && self.identifier_free((MAIN_INSTANCE, s.config.source))
        })
    }

    /// SocketId's index is 16 bits: 65,536 sockets of 256 identifiers per source at most
    /// (16.7 million outstanding, far beyond any max-outstanding-requests in practice).
    fn identifier_free(&self, source: SourceKey) -> bool {
        self.sockets_with_room
            .get(&source)
            .is_some_and(|room| !room.is_empty())
            || self.sockets.get(&source).map_or(0, Vec::len) <= usize::from(u16::MAX)
    }

    fn enqueue(&mut self, id: RequestId, server: Ipv4Addr) {
        if let Some(entry) = self.servers.get_mut(&server) {
            entry.waiting.push_back(id);
            self.queued += 1;
        }
    }

    /// Encodes for `server` and sends the first attempt. On error the record is untouched
    /// but for `tried`.
    fn send_first(
        &mut self,
        now: Instant,
        id: RequestId,
        request: &mut Request,
        address: Ipv4Addr,
    ) -> Result<(), EncodeError> {
        let Some(position) = request.servers.iter().position(|a| *a == address) else {
            return Err(EncodeError::NotARequest(request.packet.code));
        };
        request.tried |= 1 << position;
        let Some(server) = self.servers.get(&address) else {
            return Err(EncodeError::NotARequest(request.packet.code));
        };
        let source = server.config.source;
        let secret = server.config.secret.clone();
        let timeout = server.config.timeout_for(request.service);
        let to = SocketAddrV4::new(address, server.port(request.service));
        let instance = match server.config.routing_instance.clone() {
            Some(name) if &*name == "default" => MAIN_INSTANCE,
            Some(name) => self.intern_instance(&name),
            None => request.instance,
        };
        if request.nas_address == NasAddress::FromServer {
            let address = source.or_else(|| self.local_address(instance, to));
            nas_address::set(&mut request.packet, address);
        }
        let (socket, identifier) = self.allocate((instance, source));
        // A request built with its authenticator (an Access-Request whose CHAP challenge is
        // it, `chap-challenge-in-request-authenticator`) keeps it; any other gets a random
        // one (RFC 2865 §3: unpredictable, and new for each new request).
        let mut authenticator = request.packet.authenticator;
        if !request.fixed_authenticator {
            self.rng.fill_bytes(&mut authenticator);
        }
        request.packet.identifier = identifier;
        request.packet.authenticator = authenticator;
        let bytes = match request.packet.encode_request(&secret) {
            Ok(bytes) => bytes,
            Err(error) => {
                self.free_identifier(socket, identifier);
                return Err(error);
            }
        };
        // Accounting/CoA: the authenticator is computed, and what a reply is checked against.
        let authenticator = bytes
            .get(4..20)
            .and_then(|field| <[u8; 16]>::try_from(field).ok())
            .unwrap_or(authenticator);
        let deadline = now + timeout;
        self.pending.insert((socket, to, identifier), id);
        self.timers.insert((deadline, id));
        self.outstanding += 1;
        if let Some(server) = self.servers.get_mut(&address) {
            server.outstanding += 1;
            server.stats.requests += 1;
            if request.service == Service::Accounting {
                server.stats.accounting_requests += 1;
            }
        }
        self.transmits.push_back(Transmit {
            socket,
            to: SocketAddr::V4(to),
            bytes: bytes.clone(),
        });
        request.state = State::InFlight(Box::new(InFlight {
            to,
            socket,
            identifier,
            attempts: 1,
            authenticator,
            first_sent: now,
            last_sent: now,
            deadline,
            bytes,
            secret,
        }));
        Ok(())
    }

    fn allocate(&mut self, key: SourceKey) -> (SocketId, u8) {
        let (instance, source) = key;
        let pools = self.sockets.entry(key).or_default();
        let room = self.sockets_with_room.entry(key).or_default();
        let index = match room.first() {
            Some(&index) => index,
            None => {
                let index = u16::try_from(pools.len()).unwrap_or(u16::MAX);
                pools.push(Identifiers::new());
                room.insert(index);
                index
            }
        };
        let identifier = pools
            .get_mut(usize::from(index))
            .and_then(|pool| pool.free.pop_front())
            .unwrap_or(0);
        if pools
            .get(usize::from(index))
            .is_none_or(|pool| pool.free.is_empty())
        {
            room.remove(&index);
        }
        (
            SocketId {
                source,
                instance,
                index,
            },
            identifier,
        )
    }

    fn free_identifier(&mut self, socket: SocketId, identifier: u8) {
        if let Some(pool) = self
            .sockets
            .get_mut(&(socket.instance, socket.source))
            .and_then(|pools| pools.get_mut(usize::from(socket.index)))
        {
            pool.free.push_back(identifier);
            self.sockets_with_room
                .entry((socket.instance, socket.source))
                .or_default()
                .insert(socket.index);
        }
    }

    /// Forgets an in-flight attempt: its reply key, timer, identifier and server slot.
    fn release(&mut self, id: RequestId, flight: &InFlight) {
        self.pending
            .remove(&(flight.socket, flight.to, flight.identifier));
        self.timers.remove(&(flight.deadline, id));
        self.free_identifier(flight.socket, flight.identifier);
        self.outstanding -= 1;
        if let Some(server) = self.servers.get_mut(flight.to.ip()) {
            server.outstanding = server.outstanding.saturating_sub(1);
        }
    }

    /// Room freed on `server`: its waiting requests go out, oldest first.
    fn drain(&mut self, now: Instant, server: Ipv4Addr) {
        while self.has_room(server) {
            let Some(id) = self
                .servers
                .get_mut(&server)
                .and_then(|s| s.waiting.pop_front())
            else {
                return;
            };
            self.queued -= 1;
            let Some(mut request) = self.requests.remove(&id) else {
                continue;
            };
            match self.send_first(now, id, &mut request, server) {
                Ok(()) => {
                    self.requests.insert(id, request);
                }
                Err(error) => self.fail(id, FailReason::Encode(error)),
            }
        }
    }

    fn fail(&mut self, id: RequestId, reason: FailReason) {
        self.stats.failed += 1;
        self.events.push_back(ClientEvent::Failed { id, reason });
    }

    fn expire(&mut self, now: Instant, id: RequestId) {
        let Some(request) = self.requests.get_mut(&id) else {
            return;
        };
        let State::InFlight(flight) = &mut request.state else {
            return;
        };
        let Some(server) = self.servers.get_mut(flight.to.ip()) else {
            // Removed by a commit: no retransmission to it.
            return self.fail_over(now, id);
        };
        // Marked dead by another request since this one was sent: move on now.
        let died_meanwhile = server
            .dead_since(now)
            .is_some_and(|since| since > flight.first_sent);
        let service = request.service;
        if flight.attempts <= server.config.retry_for(service) && !died_meanwhile {
            flight.attempts += 1;
            flight.last_sent = now;
            flight.deadline = now + server.config.timeout_for(service);
            server.stats.retransmissions += 1;
            self.timers.insert((flight.deadline, id));
            self.transmits.push_back(Transmit {
                socket: flight.socket,
                to: SocketAddr::V4(flight.to),
                bytes: flight.bytes.clone(),
            });
            return;
        }
        if !died_meanwhile {
            server.stats.timeouts += 1;
            server.stats.marked_dead += 1;
            let dead_time = server
                .config
                .revert_interval
                .unwrap_or(self.config.dead_time);
            server.dead = Some((now, now + dead_time));
            let waiting: Vec<RequestId> = server.waiting.drain(..).collect();
            self.queued -= waiting.len();
            for waiting_id in waiting {
                self.reroute_waiting(now, waiting_id);
            }
        } else {
            server.stats.timeouts += 1;
        }
        self.fail_over(now, id);
    }

    /// The in-flight attempt is over: the next server, or `Failed`.
    fn fail_over(&mut self, now: Instant, id: RequestId) {
        let Some(mut request) = self.requests.remove(&id) else {
            return;
        };
        let previous = match std::mem::replace(
            &mut request.state,
            State::Waiting {
                server: Ipv4Addr::UNSPECIFIED,
            },
        ) {
            State::InFlight(flight) => {
                self.release(id, &flight);
                Some(*flight.to.ip())
            }
            State::Waiting { .. } => None,
        };
        self.place(now, id, request);
        if let Some(server) = previous {
            self.drain(now, server);
        }
    }

    /// Sends a request that has no attempt in flight to its next server, queues it there,
    /// or fails it.
    fn place(&mut self, now: Instant, id: RequestId, mut request: Request) {
        match self.choose(now, &request) {
            Some(server) if self.has_room(server) => {
                match self.send_first(now, id, &mut request, server) {
                    Ok(()) => {
                        self.requests.insert(id, request);
                    }
                    Err(error) => self.fail(id, FailReason::Encode(error)),
                }
            }
            Some(server) => {
                request.state = State::Waiting { server };
                self.enqueue(id, server);
                self.requests.insert(id, request);
            }
            None => {
                let any_configured = request.servers.iter().any(|a| self.servers.contains_key(a));
                let untried_left =
                    request.servers.iter().enumerate().any(|(i, a)| {
                        request.tried & (1 << i) == 0 && self.servers.contains_key(a)
                    });
                let reason = if !any_configured {
                    FailReason::NoServer
                } else if untried_left {
                    FailReason::AllServersDown
                } else {
                    FailReason::TimedOut
                };
                self.fail(id, reason);
            }
        }
    }

    /// A waiting request whose server died or went away: choose again (it was never sent
    /// there, so `tried` is unchanged). The caller took it off its queue.
    fn reroute_waiting(&mut self, now: Instant, id: RequestId) {
        let Some(request) = self.requests.remove(&id) else {
            return;
        };
        self.place(now, id, request);
    }
}

/// What `encode_request` would refuse whatever the server: checked at submit, so a queued
/// request does not fail later for its own sake.
fn validate(request: &Packet) -> Result<(), EncodeError> {
    if !matches!(
        request.code,
        code::ACCESS_REQUEST | code::STATUS_SERVER | code::ACCOUNTING_REQUEST
    ) {
        return Err(EncodeError::NotARequest(request.code));
    }
    for attribute in &request.attributes {
        if attribute.kind == super::radius::AttrKind::Standard(super::radius::attr::USER_PASSWORD)
            && attribute.value.len() > MAX_USER_PASSWORD
        {
            return Err(EncodeError::PasswordTooLong(attribute.value.len()));
        }
    }
    // The Message-Authenticator added is 18 octets; User-Password grows to a multiple of 16;
    // the NAS-IP-Address may be added.
    let raw = request.encode_raw()?;
    if raw.len() + 18 + 16 + nas_address::ATTRIBUTE_LEN > super::radius::packet::MAX_PACKET_LENGTH {
        return Err(EncodeError::TooLong(raw.len() + 18));
    }
    Ok(())
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
