//! What the registry reports to the engine, and the handles it gives out.

use std::net::{Ipv4Addr, SocketAddr};

use serde::Serialize;
use thiserror::Error;

use super::counters::Counters;
use crate::l2tp::control::CloseReason;
use crate::l2tp::select::Unavailable;
use crate::l2tp::session::{CdnResult, ProxyData};
use crate::l2tp::wire::PppDisconnectCause;

/// A call, stable from `open_session` (or the LNS's ICRQ) to its end, even when the call
/// fails over to another tunnel before it is set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct SessionRef(pub u64);

/// Why `open_session` found no tunnel, precisely enough for the operator to act on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NoTunnel {
    #[error("L2TP is draining: no new sessions")]
    Draining,
    #[error("no tunnel of the profile is available: {0}")]
    NoneAvailable(Unavailable),
    #[error("no tunnel of the profile is available: every local Tunnel ID is in use")]
    NoTunnelId,
}

/// A datagram to send: from `source` (the profile's `source-gateway address` or the
/// tunnel-group's `local-gateway address`; `None` lets the host choose) to `destination`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    pub source: Option<Ipv4Addr>,
    pub destination: SocketAddr,
    pub payload: Vec<u8>,
}

/// Why a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionEnd {
    /// A CDN, sent or received.
    Disconnected {
        result: CdnResult,
        cause: Option<PppDisconnectCause>,
        by_peer: bool,
    },
    /// Its tunnel went down.
    TunnelClosed(CloseReason),
    /// LAC: no tunnel of the profile could carry it (all failed or full).
    NoTunnel,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryEvent {
    TunnelUp {
        tunnel_id: u16,
        peer: SocketAddr,
    },
    TunnelDown {
        tunnel_id: u16,
        reason: CloseReason,
    },
    /// The call is up: `proxy` is what the LAC negotiated with the subscriber.
    SessionUp {
        session: SessionRef,
        tunnel_id: u16,
        session_id: u16,
        proxy: ProxyData,
    },
    SessionDown {
        session: SessionRef,
        end: SessionEnd,
        /// The session's data counters at its end (zero for a call that never got a
        /// session): what accounting reports for it.
        counters: Counters,
    },
    /// LNS: an ICRQ of `tunnel_id` was refused because no static `si-` unit of its LAC's
    /// `l2tp interface-id` was free, or (`interface_disabled`) because its tunnel group's
    /// service interface is `disable`d (`static_units`).
    StaticUnitUnavailable {
        tunnel_id: u16,
        interface_disabled: bool,
    },
    /// A PPP frame received on an established session.
    Frame {
        session: SessionRef,
        frame: Vec<u8>,
    },
}
