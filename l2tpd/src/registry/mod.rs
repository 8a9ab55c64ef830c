//! The registry of destinations → tunnels → sessions of one daemon, LAC and LNS alike.
//! Sans-IO: datagrams in with the time, datagrams and events out, timers polled.
//!
//! - Destinations are keyed by (peer address, routing instance) and numbered as Junos shows
//!   them; a destination whose tunnel failed to come up is locked out for `destination
//!   lockout-timeout`. It disappears once it has no tunnels and no lockout.
//! - Tunnels are keyed by our Tunnel ID (random start, skipping IDs in use, never 0). An
//!   SCCRQ (Tunnel ID 0) is matched on (peer address, peer's Assigned Tunnel ID) first, so a
//!   retransmitted SCCRQ reaches the tunnel it created instead of opening a second one.
//! - A source may have at most `max_tunnels_per_source` tunnels, in every state; further
//!   SCCRQs from it are dropped and counted (`DropCounters::flood`). At most
//!   `max_establishing` tunnels of all sources wait for their SCCCN; beyond, the oldest of the
//!   source with the most waiting is dropped silently (`DropCounters::establishing_evicted`).
//! - An SCCRQ refused at once (no access-profile client, drain, a failed check) gets one
//!   StopCCN and leaves nothing behind: no tunnel, no retransmission, no hold
//!   (`DropCounters::sccrq_refused`). See `lns`.
//! - LAC: `open_session` selects a tunnel (see `select`), queues the call while the tunnel is
//!   set up, then sends the ICRQ. When the tunnel fails, the destination is locked out and the
//!   queued calls fail over to the next candidate.
//! - LNS: an SCCRQ is accepted by the `tunnel-group` whose `local-gateway address` it arrived
//!   on. The LAC's Host Name names the client in the group's `l2tp-access-profile`; with no
//!   such client the client `default` applies when configured (as on Junos), otherwise the
//!   SCCRQ is refused with StopCCN result 4. A group without `l2tp-access-profile` admits any
//!   LAC without tunnel authentication. The client's `maximum-sessions-per-tunnel` limits
//!   each tunnel; `hello-interval`, `receive-window`, `retransmit-interval`, `tunnel-timeout`,
//!   `hide-avps` and `maximum-send-window` come from the group (`group`). An SCCRQ may hide
//!   AVPs (RFC 2661 §4.3), even its Assigned Tunnel ID: it is read first with them left hidden, and the
//!   client's secret then unhides them. When no secret unhides them, the SCCRQ is dropped
//!   and counted (`DropCounters::hidden_undecodable`): there may be no Tunnel ID to address
//!   a StopCCN to, and a StopCCN to a sender that cannot prove the secret would only make us
//!   a reflector; the LAC gives up after its retransmissions as it would with a silent LNS.
//! - Drain: no new tunnels or sessions. An SCCRQ is answered with StopCCN result 2 error 7
//!   ("try another"), an ICRQ with CDN result 2 error 7; tunnels being set up finish, and
//!   sessions end as usual.
//! - Idle: a tunnel we opened (LAC) closes `idle-timeout` after its last session; the LNS
//!   leaves that decision to the LAC.
//! - Operator clears send StopCCN result 1 ("general request to clear control connection")
//!   and CDN result 3 ("administrative reasons"); `shutdown` sends StopCCN result 6. A clear
//!   is planned, then carried out in steps the engine interleaves with other work (`clear`).
//! - Every tunnel and session end is counted by cause (`causes`); the show commands read
//!   the registry through the filters of `filter` (`show`, `report`).

mod address_change;
mod call_hash;
mod call_setup;
mod causes;
mod chunked_queue;
mod clear;
mod counters;
mod entry;
mod establishing;
mod event;
mod filter;
mod group;
mod index;
pub mod interface;
mod lac;
mod lifecycle;
mod lns;
mod outgoing_call;
mod pending;
mod report;
mod route;
mod session_index;
mod session_table;
mod settings;
mod show;
mod snmp;
mod static_units;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use schema::typed::{ProfileTunnel, RouterConfig};

use crate::l2tp::select::{DestinationKey, ExistingTunnel, Lockout, RegistryView, Rotation};
use crate::l2tp::session::SessionIdAllocator;

use causes::EventQueue;
pub use clear::{ClearJob, Clearing, Selector};
pub use counters::{Counters, DropCounters};
use entry::{Destination, Origin, TunnelEntry};
pub use event::{NoTunnel, RegistryEvent, SessionEnd, SessionRef, Transmit};
pub use lac::{FrameError, RelayLeg};
pub use lns::LnsCall;
pub use settings::{Settings, DEFAULT_MAX_ESTABLISHING, DEFAULT_MAX_TUNNELS_PER_SOURCE};

/// Where a call currently is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CallLocation {
    /// Queued on a tunnel that is still being established.
    Pending {
        tunnel_id: u16,
    },
    Active {
        tunnel_id: u16,
        session_id: u16,
    },
}

/// Every destination, tunnel and session of the daemon.
#[derive(Debug)]
pub struct Registry {
    settings: Settings,
    /// The commit's typed view, shared with the engine (not a copy per commit).
    config: Arc<RouterConfig>,
    rng: StdRng,
    destinations: BTreeMap<u32, Destination>,
    destination_ids: HashMap<DestinationKey, u32>,
    next_destination_id: u32,
    tunnels: BTreeMap<u16, TunnelEntry>,
    tunnel_ids: SessionIdAllocator,
    /// (peer address, peer's Assigned Tunnel ID) → our Tunnel ID, for SCCRQ retransmissions.
    by_peer: HashMap<(SocketAddr, u16), u16>,
    /// Hashed to keep consecutive handles together (`call_hash`).
    calls: HashMap<SessionRef, CallLocation, call_hash::BuildSequentialHasher>,
    next_call: u64,
    rotation: Rotation,
    transmit: VecDeque<Transmit>,
    /// Also counts every end it reports (`disconnect-cause-summary`).
    events: EventQueue,
    drops: DropCounters,
    /// Traffic of destinations that are gone, since the last clear.
    retired: Counters,
    /// Tunnels per peer address, in every state (`index`).
    per_source: HashMap<IpAddr, usize>,
    /// Responder tunnels waiting for SCCCN, oldest first: (opened, Tunnel ID).
    establishing: BTreeSet<(Instant, u16)>,
    /// The same tunnels by source, and the sources busiest first (`establishing`): the cap evicts
    /// from the source with the most waiting, never a LAC's one handshake.
    establishing_by_source: establishing::EstablishingBySource,
    /// Every tunnel's next deadline, earliest first: (deadline, Tunnel ID).
    timers: BTreeSet<(Instant, u16)>,
    /// Lockout ends, earliest first: (until, destination ID).
    lockout_ends: BTreeSet<(Instant, u32)>,
    /// LNS: the static `si-` units its sessions hold, from their ICRQ (`static_units`).
    static_units: static_units::StaticUnits,
}

impl Registry {
    /// `seed` feeds the Tunnel ID start and the challenges; tests pass a fixed one.
    pub fn new(config: impl Into<Arc<RouterConfig>>, seed: u64) -> Self {
        Self::with_rng(config, StdRng::seed_from_u64(seed))
    }

    /// A registry whose Tunnel IDs and challenges come from the operating system's entropy
    /// (a full 256-bit seed): what the daemon runs, so challenges cannot be predicted from
    /// a few observed ones.
    pub fn from_os_entropy(config: impl Into<Arc<RouterConfig>>) -> Self {
        Self::with_rng(config, StdRng::from_os_rng())
    }

    fn with_rng(config: impl Into<Arc<RouterConfig>>, mut rng: StdRng) -> Self {
        let config = config.into();
        let tunnel_ids = SessionIdAllocator::new(rng.random());
        Self {
            settings: Settings::from_config(&config),
            config,
            rng,
            destinations: BTreeMap::new(),
            destination_ids: HashMap::new(),
            next_destination_id: 1,
            tunnels: BTreeMap::new(),
            tunnel_ids,
            by_peer: HashMap::new(),
            calls: HashMap::default(),
            next_call: 1,
            rotation: Rotation::new(),
            transmit: VecDeque::new(),
            events: EventQueue::default(),
            drops: DropCounters::default(),
            retired: Counters::default(),
            per_source: HashMap::new(),
            establishing: BTreeSet::new(),
            establishing_by_source: establishing::EstablishingBySource::default(),
            timers: BTreeSet::new(),
            lockout_ends: BTreeSet::new(),
            static_units: static_units::StaticUnits::default(),
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Overrides the per-source limit of tunnels (every state).
    pub fn set_max_tunnels_per_source(&mut self, limit: usize) {
        self.settings.max_tunnels_per_source = limit;
    }

    /// Overrides the global cap of tunnels waiting for SCCCN.
    pub fn set_max_establishing(&mut self, limit: usize) {
        self.settings.max_establishing = limit;
    }

    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmit.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<RegistryEvent> {
        self.events.pop_front()
    }

    /// The earliest of every tunnel's timer, idle deadline, call-setup deadline and lockout
    /// expiry.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.next_deadline()
    }

    /// Fires what is due: at most `index::TIMERS_PER_TURN` tunnels per call (the rest stay
    /// due for the next), then the lockouts that ended.
    pub fn handle_timeout(&mut self, now: Instant) {
        for tunnel_id in self.take_due(now, index::TIMERS_PER_TURN) {
            let Some(entry) = self.tunnels.get_mut(&tunnel_id) else {
                continue;
            };
            if entry.tunnel.poll_timeout().is_some_and(|t| t <= now) {
                entry.tunnel.handle_timeout(now);
                self.pump(now, tunnel_id);
            }
            let setup_due = self
                .tunnels
                .get(&tunnel_id)
                .and_then(call_setup::next_deadline)
                .is_some_and(|t| t <= now);
            if setup_due {
                self.expire_call_setups(now, tunnel_id);
            }
            let idle = self
                .tunnels
                .get(&tunnel_id)
                .and_then(|e| self.idle_deadline(e))
                .is_some_and(|t| t <= now);
            if idle {
                self.close_tunnel(now, tunnel_id, lac::idle_result());
            }
            self.reschedule(tunnel_id);
        }
        self.expire_lockouts(now);
    }

    /// When an idle LAC tunnel is due to close.
    fn idle_deadline(&self, entry: &TunnelEntry) -> Option<Instant> {
        let timeout = self.settings.idle_timeout?;
        if !matches!(entry.origin, Origin::Lac { .. }) || entry.down {
            return None;
        }
        Some(entry.idle_since? + timeout)
    }

    /// The destination for `key`, created if new.
    fn destination_id(&mut self, key: DestinationKey) -> u32 {
        if let Some(id) = self.destination_ids.get(&key) {
            return *id;
        }
        let id = self.next_destination_id;
        self.next_destination_id = self.next_destination_id.wrapping_add(1).max(1);
        self.destination_ids.insert(key.clone(), id);
        self.destinations.insert(id, Destination::new(key));
        id
    }

    fn new_call_ref(&mut self) -> SessionRef {
        let call = SessionRef(self.next_call);
        self.next_call += 1;
        call
    }

    /// Live objects, for leak checks: (destinations, tunnels, sessions and queued calls).
    pub fn population(&self) -> (usize, usize, usize) {
        (
            self.destinations.len(),
            self.tunnels.len(),
            self.calls.len(),
        )
    }
}

impl RegistryView for Registry {
    fn lockout(&self, destination: &DestinationKey) -> Option<Lockout> {
        let id = self.destination_ids.get(destination)?;
        self.destinations.get(id)?.lockout
    }

    fn existing(
        &self,
        destination: &DestinationKey,
        wanted: &ProfileTunnel,
    ) -> Option<ExistingTunnel> {
        let id = *self.destination_ids.get(destination)?;
        // Without a gateway name the system host name is sent: compare what went out.
        let wanted_name = wanted
            .source_gateway
            .gateway_name
            .as_deref()
            .unwrap_or(&self.settings.host_name);
        self.tunnels_of(id).find_map(|(tunnel_id, entry)| {
            let Origin::Lac { spec, number, .. } = &entry.origin else {
                return None;
            };
            let opened = spec.tunnels.get(number)?;
            let same = !entry.down
                && opened.identity() == wanted.identity()
                && opened.secret == wanted.secret
                && entry.local_name == wanted_name;
            same.then(|| ExistingTunnel {
                tunnel_id,
                sessions: entry.load(),
            })
        })
    }
}
