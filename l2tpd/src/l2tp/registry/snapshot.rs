//! Plain snapshots for `show services l2tp summary | destination | tunnel | session`.

use std::net::{Ipv4Addr, SocketAddr};

use serde::Serialize;

use super::counters::{Counters, DropCounters};
use super::event::SessionRef;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// `drain` or `enabled`.
    pub administrative_state: &'static str,
    pub failover_within_preference: bool,
    pub weighted_load_balancing: bool,
    pub idle_timeout_seconds: u64,
    pub destination_lockout_timeout_seconds: u64,
    pub destinations: usize,
    pub tunnels: usize,
    pub sessions: usize,
    pub counters: Counters,
    pub drops: DropCounters,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DestinationInfo {
    /// The number Junos shows ("Destination 2").
    pub id: u32,
    pub address: Ipv4Addr,
    pub routing_instance: Option<String>,
    /// `active`, or `locked-out` while the lockout lasts.
    pub state: &'static str,
    pub lockout_remaining_seconds: u64,
    pub tunnels: usize,
    pub sessions: usize,
    pub counters: Counters,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TunnelInfo {
    pub local_tunnel_id: u16,
    pub remote_tunnel_id: u16,
    pub destination: u32,
    /// JNX-L2TP-MIB-style state name.
    pub state: &'static str,
    pub local_address: Option<Ipv4Addr>,
    pub peer: SocketAddr,
    pub local_name: String,
    pub remote_name: String,
    /// `lac` (from a tunnel profile) or `lns` (accepted by a tunnel group).
    pub role: &'static str,
    /// The tunnel profile (LAC) or tunnel group (LNS) it belongs to.
    pub profile_or_group: String,
    /// LAC: the `tunnel N` of the profile it was opened for.
    pub profile_tunnel: Option<u8>,
    pub sessions: usize,
    pub max_sessions: Option<u32>,
    pub seconds_open: u64,
    pub seconds_up: Option<u64>,
    pub counters: Counters,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionInfo {
    pub session: SessionRef,
    pub local_tunnel_id: u16,
    pub local_session_id: u16,
    pub remote_session_id: u16,
    pub state: &'static str,
    pub call_serial: u32,
    pub seconds_up: Option<u64>,
    pub counters: Counters,
}
