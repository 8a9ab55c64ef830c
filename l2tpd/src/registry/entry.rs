//! What the registry holds per destination, tunnel and session.

use std::collections::{BTreeSet, VecDeque};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use schema::typed::TunnelProfile;

use super::call_setup::CallSetup;
use super::counters::{self, Counters};
use super::event::SessionRef;
use super::session_table::SessionTable;
use crate::l2tp::control::Tunnel;
use crate::l2tp::select::{DestinationKey, Lockout};
use crate::l2tp::session::{CallInfo, Session, SessionIdAllocator};

#[derive(Debug)]
pub(super) struct Destination {
    pub key: DestinationKey,
    pub lockout: Option<Lockout>,
    /// Traffic of this destination's tunnels that are gone, since the last clear.
    pub retired: Counters,
    /// Its tunnels (closing ones included), so that nothing needs a walk over every tunnel
    /// to find them (`index`).
    pub tunnels: BTreeSet<u16>,
}

impl Destination {
    pub fn new(key: DestinationKey) -> Self {
        Self {
            key,
            lockout: None,
            retired: Counters::default(),
            tunnels: BTreeSet::new(),
        }
    }
}

/// Why the tunnel exists.
#[derive(Debug, Clone)]
pub(super) enum Origin {
    /// We opened it for `profile`'s tunnel `number`.
    Lac {
        profile: String,
        spec: Arc<TunnelProfile>,
        number: u8,
        preference: u32,
    },
    /// A LAC opened it and `group` accepted it.
    Lns { group: String },
}

/// A call waiting for its tunnel to be established.
#[derive(Debug)]
pub(super) struct PendingCall {
    pub call_ref: SessionRef,
    pub call: CallInfo,
    /// Destinations this call has already failed on.
    pub tried: Vec<DestinationKey>,
}

#[derive(Debug)]
pub(super) struct SessionEntry {
    pub session: Session,
    pub call_ref: SessionRef,
    pub up_at: Option<Instant>,
    /// The counters at the last `clear statistics` of this session; `None` until one. Boxed
    /// and built only then: few sessions are ever cleared, and 96 octets inline were a cache
    /// line and a half more that every teardown read (`counters`) at 65,000 sessions, where
    /// the entries are cold (issue 15, item 4).
    pub baseline: Option<Box<Counters>>,
    /// LNS: the static `si-` unit (service interface, unit) reserved at its ICRQ, given
    /// back when the entry goes (`static_units`).
    pub static_unit: Option<(Arc<str>, u16)>,
}

impl SessionEntry {
    pub fn counters(&self) -> Counters {
        let total = counters::of_session(&self.session.counters());
        match &self.baseline {
            Some(baseline) => total.since(baseline),
            None => total,
        }
    }

    /// `clear statistics`: later readings are taken against the counters now.
    pub fn clear_statistics(&mut self) {
        self.baseline = Some(Box::new(counters::of_session(&self.session.counters())));
    }
}

#[derive(Debug)]
pub(super) struct TunnelEntry {
    pub tunnel: Tunnel,
    /// Where we send (and what we receive from).
    pub peer: SocketAddr,
    /// A second source we receive from: where the LNS answered from when
    /// `tx-address-change` keeps us sending to the original address (`address_change`).
    pub peer_also: Option<SocketAddr>,
    pub local: Option<Ipv4Addr>,
    pub local_name: String,
    pub destination: u32,
    pub origin: Origin,
    /// By Session ID, in a slab (`session_table`).
    pub sessions: SessionTable,
    pub session_ids: SessionIdAllocator,
    pub pending: super::pending::PendingCalls,
    /// Sessions still being set up, oldest first (`call_setup`).
    pub call_setups: VecDeque<CallSetup>,
    pub max_sessions: Option<u32>,
    pub opened_at: Instant,
    pub up_at: Option<Instant>,
    /// Since when it has carried no session (established tunnels only).
    pub idle_since: Option<Instant>,
    /// The Closed event has been seen: it only acknowledges until Gone.
    pub down: bool,
    /// When that happened: the up time shown stops there.
    pub down_at: Option<Instant>,
    pub control_baseline: Counters,
    /// Traffic of sessions that ended, since the last clear.
    pub retired_sessions: Counters,
    /// When the counters were last cleared (or the tunnel opened): `Statistics since`.
    pub statistics_since: Instant,
    /// Where it sits in the registry's timer queue (`index`).
    pub scheduled: Option<Instant>,
}

/// What makes one tunnel entry different from another when it is created (LAC: opened for a
/// profile; LNS: accepted for a group); everything else starts empty.
pub(super) struct NewTunnel {
    pub tunnel: Tunnel,
    pub peer: SocketAddr,
    pub local: Option<Ipv4Addr>,
    pub local_name: String,
    pub destination: u32,
    pub origin: Origin,
    pub max_sessions: Option<u32>,
}

impl TunnelEntry {
    /// A tunnel just opened or accepted at `now`, its session IDs allocated from `start`.
    pub fn new(new: NewTunnel, start: u16, now: Instant) -> Self {
        let NewTunnel {
            tunnel,
            peer,
            local,
            local_name,
            destination,
            origin,
            max_sessions,
        } = new;
        Self {
            tunnel,
            peer,
            peer_also: None,
            local,
            local_name,
            destination,
            origin,
            sessions: SessionTable::default(),
            session_ids: SessionIdAllocator::new(start),
            pending: Default::default(),
            call_setups: VecDeque::new(),
            max_sessions,
            opened_at: now,
            up_at: None,
            idle_since: None,
            down: false,
            down_at: None,
            control_baseline: Counters::default(),
            retired_sessions: Counters::default(),
            statistics_since: now,
            scheduled: None,
        }
    }

    /// Sessions on it, including calls waiting for it.
    pub fn load(&self) -> u32 {
        u32::try_from(self.sessions.len() + self.pending.len()).unwrap_or(u32::MAX)
    }

    pub fn counters(&self) -> Counters {
        self.sessions.values().fold(
            counters::of_control(self.tunnel.stats())
                .since(&self.control_baseline)
                .plus(&self.retired_sessions),
            |total, s| total.plus(&s.counters()),
        )
    }

    pub fn clear_statistics(&mut self, now: Instant) {
        self.statistics_since = now;
        self.control_baseline = counters::of_control(self.tunnel.stats());
        self.retired_sessions = Counters::default();
        for session in self.sessions.values_mut() {
            session.clear_statistics();
        }
    }
}
