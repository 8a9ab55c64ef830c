//! The subscribers of one daemon: each one's access leg, PPP, authentication result and
//! forward leg, found by its handle, by its PPPoE session, and by time (the next PPP timer of
//! every subscriber sits in one ordered set: a timer event costs O(log n), never a scan).

pub use super::dynamic_profile::FilterNames;
use crate::firewall::SubscriberFilters;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::Ipv4Addr;
use std::sync::Arc;

use schema::typed::{AccessProfile, RouterConfig};
use std::time::{Instant, SystemTime};

use super::address_pool::Lease;
use super::decision::Refusal;
use super::pppoe_access::UnitId;
use super::test_call::TestCall;
use crate::ppp::server_link::ServerLink;
use crate::pppoe::access_line::AccessLine;
use crate::registry::SessionRef;

/// A subscriber's handle. It is also the handle of its L2TP call, so the subscriber's
/// `pp0.UNIT` in `show subscribers` is the interface `show services l2tp session` prints.
pub type SubscriberId = SessionRef;

/// Where the subscriber came from.
#[derive(Debug)]
pub enum AccessLeg {
    Pppoe {
        unit: UnitId,
        session_id: u16,
        mac: [u8; 6],
        /// VLAN IDs, outermost first.
        vlans: Vec<u16>,
        /// Their TPIDs as the client's frames carry them.
        tpids: Vec<u16>,
        /// `eth1.100`.
        underlying: String,
        /// What the PPPoE intermediate agent said of the line (TR-101 tag of the PADR).
        line: AccessLine,
    },
    /// LNS: an L2TP session from a LAC; the subscriber's PPP ends here.
    L2tp {
        tunnel_id: u16,
        session_id: u16,
        /// The tunnel group that accepted the tunnel.
        group: String,
        /// The LAC's Host Name.
        lac: String,
    },
    /// LAC: `test services l2tp tunnel` or a bench batch call. No client: its "PPP" is the
    /// LCP echo that proves the path (boxed: far rarer and larger than the other legs).
    TestCall(Box<TestCall>),
}

/// What an Access-Accept granted a subscriber (`show network-access aaa subscribers`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AaaGrant {
    /// The server that answered.
    pub server: Option<Ipv4Addr>,
    /// Framed-IP-Address: the subscriber's address, outside any pool's rotation.
    pub framed_address: Option<Ipv4Addr>,
    /// Framed-Pool: the pool its address comes from.
    pub framed_pool: Option<String>,
    /// ERX Primary-DNS / Secondary-DNS (26-4, 26-5).
    pub primary_dns: Option<Ipv4Addr>,
    pub secondary_dns: Option<Ipv4Addr>,
    /// ERX Primary-WINS / Secondary-WINS (26-6, 26-7): IPCP's NetBIOS name servers.
    pub primary_wins: Option<Ipv4Addr>,
    pub secondary_wins: Option<Ipv4Addr>,
    /// Framed-Route (22): prefixes routed to the subscriber (on the service interface, and
    /// allowed as its packets' sources).
    pub framed_routes: Vec<crate::aaa::radius::FramedRoute>,
    /// ERX Virtual-Router (26-1): the routing instance the session comes up in.
    pub virtual_router: Option<String>,
    /// Seconds.
    pub session_timeout: Option<u32>,
    pub idle_timeout: Option<u32>,
    /// LAC: where the tunnel came from.
    pub tunnel_source: Option<super::radius_tunnels::TunnelSource>,
    /// Vendor-specific attributes (vendor, type, value as text), for the dynamic profile's
    /// user variables that name one (`variables V radius vendor-id …`).
    pub vendor_values: Vec<(u32, u8, String)>,
    /// Attributes of the Accept that could not be used, each with why.
    pub ignored: Vec<String>,
}

/// How the LNS took the subscriber's LCP (`show subscribers detail`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LcpTakeover {
    /// The LAC's proxy LCP was accepted: LCP opened without renegotiating.
    ProxyAccepted,
    /// LCP was negotiated again with the client: `lcp-renegotiation`, or the proxy LCP was
    /// missing or unacceptable.
    Renegotiated,
}

/// Where the subscriber is in the LAC sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// LCP with the client (proxy LCP).
    Negotiating,
    /// LCP is open; waiting for the client's PAP request or CHAP response.
    Authenticating,
    /// Terminated here and authenticated: IPCP is negotiating the address.
    Addressing,
    /// The domain map tunnels it: the L2TP session is being set up.
    Tunnelling,
    /// Its PPP frames are relayed to the LNS.
    Active,
    /// Ending: LCP Terminate or authentication failure on the way out.
    Terminating,
}

impl Phase {
    /// Junos' subscriber states.
    pub fn junos_state(self) -> &'static str {
        match self {
            Phase::Negotiating | Phase::Authenticating => "INIT",
            Phase::Tunnelling | Phase::Addressing => "CONFIGURED",
            Phase::Active => "ACTIVE",
            Phase::Terminating => "TERMINATING",
        }
    }
}

pub struct Subscriber {
    pub id: SubscriberId,
    pub access: AccessLeg,
    /// The PPP negotiation; dropped once the LNS takes the subscriber's PPP over.
    pub link: Option<Box<ServerLink>>,
    pub phase: Phase,
    pub user: Option<String>,
    /// `pap` or `chap`, once the client authenticated.
    pub authentication: Option<&'static str>,
    /// The tunnel profile the domain map chose.
    pub profile: Option<String>,
    /// Its PPP ends here (the LNS, or a LAC whose domain map does not tunnel it): it gets an
    /// address and its IP goes to `service`.
    pub terminated: bool,
    /// The access profile that authenticates a terminated subscriber (the tunnel group's
    /// `aaa-access-profile`, the domain map's `access-profile`); `None` admits.
    pub aaa_profile: Option<String>,
    /// The address the subscriber holds, and the service interface its IP uses.
    pub lease: Option<Lease>,
    pub service: Option<Arc<str>>,
    /// LNS: the static unit of `service` it holds (`dial-options l2tp-interface-id`); LAC:
    /// the static `pp0` unit its PPPoE session is on (`static_pppoe`). `None`: a dynamic unit.
    pub static_unit: Option<u16>,
    /// The routing instance it came up in (`routing_instance::session_routing_instance`);
    /// `None` is the default instance.
    pub routing_instance: Option<String>,
    /// The dynamic profile its interface was built from (`show subscribers detail`).
    pub dynamic_profile: Option<String>,
    /// Its interface's ifIndex when the profile says `interface-mib` (`if_index_pool`):
    /// it is then an IF-MIB row.
    pub if_index: Option<u32>,
    /// The routes its dynamic profile's `routing-options access` installs for it; `None`
    /// without a profile: its Framed-Routes are installed as RADIUS gave them.
    pub access_routes: Option<Vec<super::access_routes::AccessRoute>>,
    /// The router's own IPCP address the profile gives (`family inet unnumbered-address`
    /// or `address`); `None`: the pool's gateway.
    pub local_address: Option<Ipv4Addr>,
    /// Its static unit's `unnumbered-address ... destination`: its address, after RADIUS's
    /// and its client entry's.
    pub unit_peer_address: Option<Ipv4Addr>,
    /// Its profile's `ppp-options ipcp-suggest-dns-option`: IPCP offers the DNS servers
    /// even when the client does not ask for them.
    pub ipcp_suggest_dns: bool,
    /// The filters the profile names for it (`family inet filter input / output`, variables
    /// replaced; a variable RADIUS gave no value for names none).
    pub filter_names: FilterNames,
    /// The filter instances its IP crosses, once it has an address.
    pub filters: SubscriberFilters,
    pub lcp_takeover: Option<LcpTakeover>,
    /// Why the subscriber is on its way out, when that is known before its link is down
    /// (an authentication failure answered, then LCP terminating).
    pub end_cause: Option<EndCause>,
    /// The MRU the client asked for (what we may send it), from LCP.
    pub mru: Option<u16>,
    /// Its dynamic profile's `ppp-options mtu` (`ppp_sizes::interface_mtu`).
    pub mtu: Option<schema::typed::PppoeMtu>,
    /// What RADIUS granted (boxed: most subscribers of a lab have none, and it is large).
    pub aaa: Option<Box<AaaGrant>>,
    /// The Acct-Session-Id fixed at its first RADIUS request (`radius_options`); `None`
    /// until then.
    pub acct_session_id: Option<Box<str>>,
    pub login: SystemTime,
    pub since: Instant,
    /// When IPCP came up and its routes were installed: the age `show route` prints.
    pub routes_since: Option<Instant>,
    /// Relayed frames: subscriber → LNS and LNS → subscriber.
    pub frames_up: u64,
    pub bytes_up: u64,
    pub frames_down: u64,
    pub bytes_down: u64,
    /// IP packets both ways where PPP ends here: what the idle limit counts as activity.
    pub ip_packets: u64,
    /// Those of them the subscriber sent (`client-idle-timeout-ingress-only`).
    pub ip_packets_in: u64,
    /// Its session and idle limits in force (`session_limits`).
    pub limits: super::session_limits::Limits,
    deadline: Option<Instant>,
}

impl Subscriber {
    /// What the subscriber carried, from its side (input is what it sent).
    pub fn traffic(&self) -> schema::interface_rpc::TrafficStatistics {
        schema::interface_rpc::TrafficStatistics {
            input_packets: self.frames_up,
            input_bytes: self.bytes_up,
            output_packets: self.frames_down,
            output_bytes: self.bytes_down,
        }
    }

    pub fn new(id: SubscriberId, access: AccessLeg, link: ServerLink, now: Instant) -> Self {
        Self {
            link: Some(Box::new(link)),
            ..Self::without_link(id, access, now)
        }
    }

    /// A subscriber with no PPP of its own here (a test call).
    pub fn without_link(id: SubscriberId, access: AccessLeg, now: Instant) -> Self {
        Self {
            id,
            access,
            link: None,
            phase: Phase::Negotiating,
            user: None,
            authentication: None,
            profile: None,
            terminated: false,
            aaa_profile: None,
            lease: None,
            service: None,
            static_unit: None,
            routing_instance: None,
            dynamic_profile: None,
            if_index: None,
            access_routes: None,
            local_address: None,
            unit_peer_address: None,
            ipcp_suggest_dns: false,
            filter_names: FilterNames::default(),
            filters: SubscriberFilters::default(),
            lcp_takeover: None,
            end_cause: None,
            mru: None,
            mtu: None,
            aaa: None,
            acct_session_id: None,
            login: SystemTime::now(),
            since: now,
            routes_since: None,
            frames_up: 0,
            bytes_up: 0,
            frames_down: 0,
            bytes_down: 0,
            ip_packets: 0,
            ip_packets_in: 0,
            limits: Default::default(),
            deadline: None,
        }
    }

    /// The access profile that authenticates and accounts the subscriber (`None`: admit,
    /// no accounting).
    pub fn access_profile<'c>(&self, config: &'c RouterConfig) -> Option<&'c AccessProfile> {
        config.access_profiles.get(self.aaa_profile.as_deref()?)
    }

    /// The PPPoE session a LAC subscriber came in on; `None` at the LNS.
    pub fn pppoe_key(&self) -> Option<(UnitId, u16)> {
        match &self.access {
            AccessLeg::Pppoe {
                unit, session_id, ..
            } => Some((*unit, *session_id)),
            AccessLeg::L2tp { .. } | AccessLeg::TestCall(_) => None,
        }
    }

    /// A test call: no subscriber for the operator (a Junos test command creates none).
    pub fn is_test_call(&self) -> bool {
        matches!(self.access, AccessLeg::TestCall(_))
    }

    pub fn is_lns(&self) -> bool {
        matches!(self.access, AccessLeg::L2tp { .. })
    }
}

/// Why a subscriber ended, counted for `show subscribers summary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EndCause {
    /// The client sent a PADT.
    ClientPadt,
    /// The access interface went down, or its unit was deconfigured.
    LinkDown,
    /// The client ended PPP (LCP Terminate-Request).
    ClientTerminate,
    /// LCP failed: no agreement, echo timeout, looped link.
    NegotiationFailed,
    /// The client never authenticated in time.
    AuthenticationTimeout,
    /// The LAC refused it (see the refusal counters).
    Refused,
    /// LNS: the credentials were wrong (see the authentication refusals).
    AuthenticationFailed,
    /// LNS: no address could be assigned.
    NoAddress,
    /// The LNS disconnected the session (CDN) or its tunnel closed.
    Lns,
    /// LNS: the LAC disconnected the session (CDN) or its tunnel closed.
    Lac,
    /// `clear pppoe sessions` / `clear services l2tp session`.
    Cleared,
    /// The daemon stopped or the configuration removed the access.
    Shutdown,
    /// RADIUS's Session-Timeout ran out.
    SessionTimeout,
    /// RADIUS's Idle-Timeout: no packet for that long.
    IdleTimeout,
    /// A RADIUS Disconnect-Request (RFC 5176) named it.
    AaaDisconnect,
    /// Its address was taken back: RADIUS gave it to another subscriber under
    /// `address-protection reassign-on-match`, or a commit excluded it from its pool.
    AddressReclaimed,
}

impl EndCause {
    /// Every end, for the tables keyed by it (`terminate_reason`).
    pub const ALL: [EndCause; 16] = [
        EndCause::ClientPadt,
        EndCause::LinkDown,
        EndCause::ClientTerminate,
        EndCause::NegotiationFailed,
        EndCause::AuthenticationTimeout,
        EndCause::Refused,
        EndCause::AuthenticationFailed,
        EndCause::NoAddress,
        EndCause::Lns,
        EndCause::Lac,
        EndCause::Cleared,
        EndCause::Shutdown,
        EndCause::SessionTimeout,
        EndCause::IdleTimeout,
        EndCause::AaaDisconnect,
        EndCause::AddressReclaimed,
    ];

    pub fn key(self) -> &'static str {
        match self {
            EndCause::ClientPadt => "client-padt",
            EndCause::LinkDown => "link-down",
            EndCause::ClientTerminate => "client-terminate",
            EndCause::NegotiationFailed => "negotiation-failed",
            EndCause::AuthenticationTimeout => "authentication-timeout",
            EndCause::Refused => "refused",
            EndCause::AuthenticationFailed => "authentication-failed",
            EndCause::NoAddress => "no-address",
            EndCause::Lns => "lns-disconnect",
            EndCause::Lac => "lac-disconnect",
            EndCause::Cleared => "cleared",
            EndCause::Shutdown => "shutdown",
            EndCause::SessionTimeout => "session-timeout",
            EndCause::IdleTimeout => "idle-timeout",
            EndCause::AaaDisconnect => "radius-disconnect",
            EndCause::AddressReclaimed => "address-reclaimed",
        }
    }
}

#[derive(Default)]
pub struct Subscribers {
    /// Boxed: a map's buckets grow by doubling, and empty buckets of a few hundred bytes
    /// each would cost more than the subscribers themselves just after a resize.
    by_id: HashMap<SubscriberId, Box<Subscriber>>,
    by_pppoe: HashMap<(UnitId, u16), SubscriberId>,
    timers: BTreeSet<(Instant, SubscriberId)>,
    pub ends: BTreeMap<EndCause, u64>,
    pub refusals: BTreeMap<Refusal, u64>,
    /// PPPoE session frames for a session no subscriber has (a race with its end).
    pub orphan_frames: u64,
}

impl Subscribers {
    pub fn insert(&mut self, subscriber: Subscriber) {
        let id = subscriber.id;
        if let Some(key) = subscriber.pppoe_key() {
            self.by_pppoe.insert(key, id);
        }
        self.by_id.insert(id, Box::new(subscriber));
        self.reschedule(id);
    }

    pub fn remove(&mut self, id: SubscriberId, cause: EndCause) -> Option<Subscriber> {
        let subscriber = *self.by_id.remove(&id)?;
        if let Some(key) = subscriber.pppoe_key() {
            self.by_pppoe.remove(&key);
        }
        if let Some(deadline) = subscriber.deadline {
            self.timers.remove(&(deadline, id));
        }
        // Test calls are no subscribers in `show subscribers summary`.
        if !subscriber.is_test_call() {
            *self.ends.entry(cause).or_default() += 1;
        }
        Some(subscriber)
    }

    pub fn get(&self, id: SubscriberId) -> Option<&Subscriber> {
        self.by_id.get(&id).map(|s| &**s)
    }

    pub fn get_mut(&mut self, id: SubscriberId) -> Option<&mut Subscriber> {
        self.by_id.get_mut(&id).map(|s| &mut **s)
    }

    pub fn by_pppoe(&self, unit: UnitId, session_id: u16) -> Option<SubscriberId> {
        self.by_pppoe.get(&(unit, session_id)).copied()
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Subscriber> {
        self.by_id.values().map(|s| &**s)
    }

    pub fn ids(&self) -> Vec<SubscriberId> {
        let mut ids: Vec<SubscriberId> = self.by_id.keys().copied().collect();
        ids.sort_unstable();
        ids
    }

    /// Puts the subscriber's next PPP timer in the set (after anything touched its link).
    pub fn reschedule(&mut self, id: SubscriberId) {
        let Some(subscriber) = self.by_id.get_mut(&id) else {
            return;
        };
        let next = match &subscriber.access {
            AccessLeg::TestCall(test) => test.poll_timeout(),
            _ => subscriber.link.as_ref().and_then(|l| l.poll_timeout()),
        };
        if next == subscriber.deadline {
            return;
        }
        if let Some(old) = subscriber.deadline {
            self.timers.remove(&(old, id));
        }
        if let Some(new) = next {
            self.timers.insert((new, id));
        }
        subscriber.deadline = next;
    }

    pub fn next_timeout(&self) -> Option<Instant> {
        self.timers.first().map(|(at, _)| *at)
    }

    /// Takes the subscribers whose timer is due (at most `limit`; the rest wait for the next
    /// turn, so a burst of timers cannot starve the network).
    pub fn due(&mut self, now: Instant, limit: usize) -> Vec<SubscriberId> {
        let mut due = Vec::new();
        while due.len() < limit {
            match self.timers.first().copied() {
                Some((at, id)) if at <= now => {
                    self.timers.remove(&(at, id));
                    if let Some(s) = self.by_id.get_mut(&id) {
                        s.deadline = None;
                    }
                    due.push(id);
                }
                _ => break,
            }
        }
        due
    }

    pub fn refused(&mut self, why: Refusal) {
        *self.refusals.entry(why).or_default() += 1;
    }
}
