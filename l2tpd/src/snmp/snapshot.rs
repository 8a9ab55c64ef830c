//! What the SNMP view needs to know about the engine at one instant. The registry fills
//! these plain structs; the view never reaches into the engine.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, SystemTime};

/// Message and octet counts of one tunnel or session since `collection_start`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    pub control_tx_packets: u64,
    pub control_tx_octets: u64,
    pub control_rx_packets: u64,
    pub control_rx_octets: u64,
    pub data_tx_packets: u64,
    pub data_tx_octets: u64,
    pub data_rx_packets: u64,
    pub data_rx_octets: u64,
    pub error_tx_packets: u64,
    pub error_rx_packets: u64,
}

/// One configured tunnel group (a Junos `tunnel-group` or LAC destination).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TunnelGroupRow {
    /// 1..=128 octets; it is the table's IMPLIED index. Longer or empty names are not served.
    pub name: String,
    /// The local gateway address tunnels of the group terminate on, if configured.
    pub gateway: Option<IpAddr>,
    pub service_interface: String,
}

/// One tunnel. `state` is a value of `mibs::jnx_l2tp_tunnel_stats_state`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TunnelRow {
    pub local_tid: u16,
    /// 0 until the peer's Assigned Tunnel ID is known.
    pub remote_tid: u16,
    pub service_interface: String,
    /// The tunnel group (or destination) name; counts toward that group's totals.
    pub tunnel_group: String,
    pub local: SocketAddr,
    pub remote: SocketAddr,
    pub state: i32,
    pub local_host_name: String,
    pub remote_host_name: String,
    /// 0 means unlimited.
    pub max_sessions: u32,
    /// The peer's receive window (our send window).
    pub window_size: u16,
    /// Seconds; 0 when hellos are off.
    pub hello_interval: u16,
    pub created: SystemTime,
    /// Since the tunnel last carried data (or since creation if it never did).
    pub idle: Duration,
    /// When `counters` started: creation or the last `clear`.
    pub collection_start: SystemTime,
    pub counters: Counters,
}

/// One session. Enumerated fields hold values of the `mibs::jnx_l2tp_session_stats_*`
/// modules of the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub local_tid: u16,
    pub local_sid: u16,
    /// 0 until the peer's Assigned Session ID is known.
    pub remote_sid: u16,
    pub service_interface: String,
    pub tunnel_group: String,
    /// The unit of the subscriber's logical interface, 0 when none is bound yet.
    pub interface_unit: u32,
    pub state: i32,
    pub user_name: String,
    /// The tunnel's endpoints, repeated per session as the MIB does.
    pub local: SocketAddr,
    pub remote: SocketAddr,
    pub local_host_name: String,
    pub remote_host_name: String,
    pub assigned_address: Option<IpAddr>,
    /// Negotiated MRUs; 0 while LCP has not settled them.
    pub local_mru: u32,
    pub remote_mru: u32,
    /// The LAC's (Rx) Connect Speed AVPs, bits per second.
    pub tx_speed: u32,
    pub rx_speed: u32,
    pub call_bearer_type: i32,
    pub framing_type: i32,
    /// Whether LCP was renegotiated instead of accepting the LAC's proxy LCP.
    pub lcp_renegotiation: bool,
    pub auth_method: i32,
    pub calling_station_id: String,
    pub called_station_id: String,
    pub acct_session_id: String,
    /// RADIUS accounting is configured for the session (else it is accounted locally).
    pub radius_accounting: bool,
    /// A value of `mibs::jnx_l2tp_session_stats_acct_nas_port_type`.
    pub nas_port_type: i32,
    pub call_serial_number: u32,
    pub created: SystemTime,
    pub idle: Duration,
    pub collection_start: SystemTime,
    pub counters: Counters,
}

/// IF-MIB ifOperStatus (RFC 2863).
pub mod oper_status {
    pub const UP: i32 = 1;
    pub const DOWN: i32 = 2;
    /// The daemon does not watch the interface (it neither opens nor runs it).
    pub const UNKNOWN: i32 = 4;
    /// Configured, but the host has no such interface to open.
    pub const NOT_PRESENT: i32 = 6;
}

/// IF-MIB ifType (IANAifType) values this router reports.
pub mod if_type {
    pub const ETHERNET_CSMACD: i32 = 6;
    pub const PPP: i32 = 23;
    /// What Junos reports for a logical interface (IFL).
    pub const PROP_VIRTUAL: i32 = 53;
}

/// One interface (a Junos IFD or IFL) as IF-MIB presents it. The engine fills what it
/// knows; `if_index`, `last_change` and `link_traps` are the SNMP side's, which numbers
/// interfaces for the daemon's life and watches their changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterfaceRow {
    /// Junos' name: `ge-0/0/0`, `ge-0/0/0.100`, `si-0/0/0`, `pp0`.
    pub name: String,
    /// 0 until numbered.
    pub if_index: u32,
    pub if_type: i32,
    pub mtu: u32,
    /// `disable`: ifAdminStatus down(2) (and ifOperStatus down); else up(1).
    pub admin_down: bool,
    /// A value of [`oper_status`].
    pub oper_status: i32,
    /// The `description` statement (ifAlias), empty when none.
    pub alias: String,
    /// Traffic through the interface since the daemon started, never going back; `None`
    /// where the daemon carries none of it (an interface it does not run).
    pub traffic: Option<schema::interface_rpc::TrafficStatistics>,
    /// Since the agent started, when the interface entered its current state (zero: before).
    pub last_change: Duration,
    /// ifLinkUpDownTrapEnable: whether a change sends linkUp / linkDown.
    pub link_traps: bool,
}

/// The engine at one instant, as JNX-L2TP-MIB presents it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SnmpSnapshot {
    /// `services l2tp enable-snmp-tunnel-statistics`: while false the data counters of the
    /// tunnel table and the payload scalars read 0, as on Junos.
    pub tunnel_statistics: bool,
    pub tunnel_groups: Vec<TunnelGroupRow>,
    pub tunnels: Vec<TunnelRow>,
    pub sessions: Vec<SessionRow>,
    /// IF-MIB's rows, in no particular order.
    pub interfaces: Vec<InterfaceRow>,
    /// SNMPv2-MIB's system group: the SNMP side's (configuration and uptime), not the
    /// engine's, which leaves it `None`; `None` serves no system group.
    pub system: Option<super::system::SystemGroup>,
}
