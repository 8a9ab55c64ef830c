//! The L2TP operational RPCs: `show services l2tp …` and `clear services l2tp …` as typed
//! requests and typed replies. The daemon fills the replies from its registry; the shell
//! renders them as Junos-style text, or as `| display json` / `| display xml` straight from
//! these types. Field names (kebab-case) are the Junos element names, so nothing here is
//! preformatted text: numbers are numbers, states are the JNX-L2TP-MIB names, times are
//! seconds.

use std::net::{Ipv4Addr, SocketAddr};

use serde::{Deserialize, Serialize};

/// How much a show command prints. Junos prints the brief table when no level is given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    #[default]
    Brief,
    Detail,
    Extensive,
}

/// The filters of `show services l2tp destination | tunnel | session`; every one given must
/// match. A filter that matches nothing at all is an error (`no tunnel with local tunnel id
/// 99`), not an empty table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct L2tpFilter {
    pub local_gateway: Option<Ipv4Addr>,
    pub local_gateway_name: Option<String>,
    pub peer_gateway: Option<Ipv4Addr>,
    pub peer_gateway_name: Option<String>,
    pub local_tunnel_id: Option<u16>,
    pub local_session_id: Option<u16>,
    /// A tunnel group (LNS) or tunnel profile (LAC) name.
    pub tunnel_group: Option<String>,
    /// The subscriber's user name (sessions only).
    pub user: Option<String>,
    /// The subscriber's logical interface, e.g. `pp0.1073741825` (sessions only).
    pub interface: Option<String>,
}

impl L2tpFilter {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// What a `show` RPC asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct L2tpShow {
    pub level: Level,
    /// `statistics`: the counters table instead of the level's fields.
    pub statistics: bool,
    pub filter: L2tpFilter,
}

/// What a `clear services l2tp destination | tunnel | session` names. Exactly one target,
/// as on Junos (`all`, or one selector).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClearTarget {
    All,
    LocalGateway(Ipv4Addr),
    LocalGatewayName(String),
    PeerGateway(Ipv4Addr),
    PeerGatewayName(String),
    LocalTunnelId(u16),
    LocalSessionId(u16),
    TunnelGroup(String),
    User(String),
    Interface(String),
}

/// One clear RPC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct L2tpClear {
    /// `clear … statistics …`: reset counters, close nothing.
    pub statistics: bool,
    pub target: ClearTarget,
    /// The operator already agreed to end more than [`CLEAR_CONFIRM_THRESHOLD`] sessions
    /// (answered `yes` on the terminal, or wrote `force`).
    pub confirmed: bool,
}

/// A clear that would end more sessions than this asks first.
pub const CLEAR_CONFIRM_THRESHOLD: usize = 1000;

/// Which level a clear acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClearLevel {
    Destination,
    Tunnel,
    Session,
}

/// `enabled` / `disabled`, as Junos prints switches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Toggle {
    Enabled,
    Disabled,
}

impl From<bool> for Toggle {
    fn from(on: bool) -> Self {
        if on {
            Toggle::Enabled
        } else {
            Toggle::Disabled
        }
    }
}

/// The Control / Data / Errors × Tx / Rx packets and bytes table, at any level (session,
/// tunnel, destination, global). Counters only grow between clears.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct L2tpCounters {
    pub control_tx_packets: u64,
    pub control_tx_bytes: u64,
    pub control_rx_packets: u64,
    pub control_rx_bytes: u64,
    pub data_tx_packets: u64,
    pub data_tx_bytes: u64,
    pub data_rx_packets: u64,
    pub data_rx_bytes: u64,
    /// Control messages sent again after their timer ran out.
    pub retransmissions: u64,
    /// Control and data messages received twice.
    pub duplicates: u64,
    /// Control messages held for a gap, data messages dropped as late.
    pub out_of_order: u64,
    /// Malformed, unexpected, out-of-window or unauthenticated messages received, and data
    /// for a session that is not up.
    pub errors: u64,
}

impl L2tpCounters {
    /// Applies `f` field by field; the one place that lists the fields.
    fn zip(&self, other: &Self, f: impl Fn(u64, u64) -> u64) -> Self {
        Self {
            control_tx_packets: f(self.control_tx_packets, other.control_tx_packets),
            control_tx_bytes: f(self.control_tx_bytes, other.control_tx_bytes),
            control_rx_packets: f(self.control_rx_packets, other.control_rx_packets),
            control_rx_bytes: f(self.control_rx_bytes, other.control_rx_bytes),
            data_tx_packets: f(self.data_tx_packets, other.data_tx_packets),
            data_tx_bytes: f(self.data_tx_bytes, other.data_tx_bytes),
            data_rx_packets: f(self.data_rx_packets, other.data_rx_packets),
            data_rx_bytes: f(self.data_rx_bytes, other.data_rx_bytes),
            retransmissions: f(self.retransmissions, other.retransmissions),
            duplicates: f(self.duplicates, other.duplicates),
            out_of_order: f(self.out_of_order, other.out_of_order),
            errors: f(self.errors, other.errors),
        }
    }

    pub fn plus(&self, other: &Self) -> Self {
        self.zip(other, u64::saturating_add)
    }

    /// `self` since `baseline` was taken (never negative).
    pub fn since(&self, baseline: &Self) -> Self {
        self.zip(baseline, u64::saturating_sub)
    }

    pub fn is_zero(&self) -> bool {
        *self == Self::default()
    }
}

/// Datagrams thrown away before any tunnel saw them (global, in the summary).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct L2tpDrops {
    /// Not even an L2TP header.
    pub malformed: u64,
    /// A Tunnel ID we do not have, or a non-SCCRQ control message for Tunnel ID 0.
    pub unknown_tunnel: u64,
    /// Data or session messages for a Session ID the tunnel does not hold.
    pub unknown_session: u64,
    /// A tunnel's datagram from another peer address than the tunnel's.
    pub wrong_peer: u64,
    /// SCCRQs from a source that already has as many tunnels (in any state) as one source
    /// may have.
    pub flood: u64,
    /// SCCRQs refused at once (no access-profile client, drain, a failed check): answered
    /// by one StopCCN, with no tunnel state kept.
    #[serde(default)]
    pub sccrq_refused: u64,
    /// Tunnels still waiting for their SCCCN dropped, oldest first, to make room when the
    /// global cap of tunnels being established was reached.
    #[serde(default)]
    pub establishing_evicted: u64,
    /// SCCRQs arriving on an address no `tunnel-group` listens on.
    pub no_tunnel_group: u64,
    /// SCCRQs whose hidden AVPs the LAC's secret does not unhide.
    pub hidden_undecodable: u64,
    /// All 65,535 Tunnel IDs in use.
    pub no_tunnel_id: u64,
    /// ICRQs refused (drain, session limit, malformed call).
    pub sessions_refused: u64,
    /// L2TP data messages (subscribers' IP, not PPP control) the I/O shell dropped because
    /// the engine's data queue was full: under a flood, data is what is lost, never
    /// control, which has a queue of its own (issue 15).
    #[serde(default)]
    pub data_queue_full: u64,
    /// PPPoE session frames carrying data dropped likewise at a PPPoE port (the LAC).
    #[serde(default)]
    pub pppoe_data_queue_full: u64,
    /// Datagrams the kernel dropped at the listeners' control sockets, their buffers full
    /// (each listener keeps control and data in sockets of their own: this stays 0 under a
    /// data flood).
    #[serde(default)]
    pub control_socket_full: u64,
    /// Datagrams the kernel dropped at the listeners' data sockets, their buffers full.
    #[serde(default)]
    pub data_socket_full: u64,
}

/// `get-l2tp-summary-information` → `service-l2tp-summary-information`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct L2tpSummary {
    /// `enabled`, or `drain` while `services l2tp drain` is set.
    pub administrative_state: AdministrativeState,
    pub failover_within_preference: Toggle,
    pub weighted_load_balancing: Toggle,
    /// On when any tunnel profile or LNS client has a secret.
    pub tunnel_authentication_challenge: Toggle,
    pub tunnel_receive_window: u16,
    pub tunnel_hello_interval: u32,
    pub max_retransmissions_count_established: u32,
    pub max_retransmissions_count_not_established: u32,
    /// Seconds.
    pub minimum_retransmissions_timeout: u32,
    /// Seconds (the doubling stops here: 16).
    pub maximum_retransmissions_timeout: u32,
    /// Seconds; 0 keeps idle tunnels.
    pub tunnel_idle_timeout: u32,
    pub destruct_timeout: u32,
    pub destination_lockout_timeout: u32,
    /// `enable-snmp-tunnel-statistics`.
    pub snmp_tunnel_statistics: Toggle,
    /// Threads forwarding established sessions' data (`data-workers`, or one per core).
    #[serde(default)]
    pub data_workers: u32,
    /// `data-workers` is not set: the count is the host's number of cores.
    #[serde(default)]
    pub data_workers_per_core: bool,
    pub destinations: u32,
    pub tunnels: u32,
    pub sessions: u32,
    pub switched_sessions: u32,
    /// With `statistics`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub statistics: Option<L2tpCounters>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub drops: Option<L2tpDrops>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AdministrativeState {
    Enabled,
    Drain,
}

/// `get-l2tp-destination-information` → `service-l2tp-destination-information`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct L2tpDestinations {
    #[serde(rename = "l2tp-destination")]
    pub destinations: Vec<L2tpDestination>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct L2tpDestination {
    /// The number `clear` prints (`Destination 2 closed`).
    pub destination_id: u32,
    /// This router's address towards it (`source-gateway` / `local-gateway`), when bound.
    pub local_ip: Option<Ipv4Addr>,
    pub remote_ip: Ipv4Addr,
    pub routing_instance: Option<String>,
    /// The host names this router uses towards the destination.
    pub local_name: Vec<String>,
    pub remote_name: Vec<String>,
    pub state: DestinationState,
    /// Seconds of lockout left (0 when not locked out).
    pub lockout_time_remaining: u32,
    pub tunnels: u32,
    pub tunnels_established: u32,
    pub sessions: u32,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub statistics: Option<L2tpCounters>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DestinationState {
    Enabled,
    /// A tunnel to it failed; no new tunnel before the lockout ends.
    LockedOut,
}

/// `get-l2tp-tunnel-information` → `service-l2tp-tunnel-information`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct L2tpTunnels {
    #[serde(rename = "l2tp-tunnel")]
    pub tunnels: Vec<L2tpTunnel>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct L2tpTunnel {
    pub tunnel_local_id: u16,
    /// 0 until the peer assigned its ID.
    pub tunnel_remote_id: u16,
    pub destination_id: u32,
    /// JNX-L2TP-MIB tunnel state name (`established`, `cc-responder-wait-ctl-conn`, …).
    pub state: String,
    pub role: L2tpRole,
    /// The tunnel profile (LAC) or tunnel group (LNS) it belongs to.
    pub tunnel_group: String,
    /// LAC: the profile's `tunnel N` it was opened for.
    pub tunnel_name: Option<String>,
    pub local_ip: Option<SocketAddr>,
    pub remote_ip: SocketAddr,
    pub local_name: String,
    pub remote_name: String,
    pub sessions: u32,
    pub max_sessions: Option<u32>,
    /// Our Receive Window Size and the peer's.
    pub local_receive_window: u16,
    pub remote_receive_window: u16,
    /// Seconds; 0 = off.
    pub hello_interval: u32,
    pub tunnel_authentication: Toggle,
    /// Seconds since the SCCRQ.
    pub tunnel_open_time: u64,
    /// Seconds since it was established.
    pub tunnel_up_time: Option<u64>,
    /// Seconds since the counters were last cleared (or since open).
    pub statistics_since: u64,
    /// Always filled: the extensive and statistics views show it.
    pub statistics: L2tpCounters,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum L2tpRole {
    Lac,
    Lns,
}

/// `get-l2tp-session-information` → `service-l2tp-session-information`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct L2tpSessions {
    #[serde(rename = "l2tp-session")]
    pub sessions: Vec<L2tpSession>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct L2tpSession {
    pub session_local_id: u16,
    /// 0 until the peer assigned its ID.
    pub session_remote_id: u16,
    pub tunnel_local_id: u16,
    pub tunnel_remote_id: u16,
    /// JNX-L2TP-MIB session state name (`established`, `lns-ic-wait-connect`, …).
    pub state: String,
    pub role: L2tpRole,
    pub tunnel_group: String,
    pub local_ip: Option<SocketAddr>,
    pub remote_ip: SocketAddr,
    pub local_name: String,
    pub remote_name: String,
    /// The subscriber's logical interface unit (dynamic units start at [`FIRST_DYNAMIC_UNIT`]).
    pub interface_unit: u32,
    /// `pp0.UNIT` on the LAC, `si-0/0/0.UNIT` on the LNS.
    pub interface_name: String,
    /// From proxy authentication (or the LNS's own authentication, later).
    pub user_name: Option<String>,
    pub call_serial_number: u32,
    pub tx_connect_speed: u32,
    pub rx_connect_speed: Option<u32>,
    pub sequencing_required: bool,
    /// The LAC sent (LAC) or the LNS received (LNS) proxy LCP AVPs 26–28.
    pub proxy_lcp: bool,
    /// The proxy authentication type (`pap`, `chap`, …), when AVPs 29–33 were carried.
    pub proxy_authentication: Option<String>,
    /// Seconds since the session was established.
    pub session_up_time: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub statistics: Option<L2tpCounters>,
}

/// `get-l2tp-disconnect-cause-summary` → `service-l2tp-disconnect-cause-summary`: how many
/// tunnels and sessions ended, by cause, since the daemon started (or the summary was
/// cleared with `clear services l2tp destination statistics all`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct L2tpDisconnectCauses {
    #[serde(rename = "tunnel-disconnect-cause")]
    pub tunnels: Vec<DisconnectCause>,
    #[serde(rename = "session-disconnect-cause")]
    pub sessions: Vec<DisconnectCause>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DisconnectCause {
    /// Who ended it: `local` (this router sent StopCCN/CDN, or gave up) or `remote`.
    pub source: DisconnectSource,
    /// StopCCN / CDN Result Code; absent for ends without a message (timeouts, the tunnel
    /// going down under a session).
    pub result_code: Option<u16>,
    pub error_code: Option<u16>,
    /// One line: `general request to clear control connection`, `retransmissions exhausted`,
    /// `administrative reasons`, `tunnel closed`, …
    pub description: String,
    pub count: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DisconnectSource {
    Local,
    Remote,
}

/// What a clear did. Closing lists the objects closed (their StopCCN / CDN are on the way);
/// a statistics clear lists the objects whose counters restarted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct L2tpCleared {
    pub level: ClearLevel,
    pub statistics: bool,
    pub destinations: Vec<u32>,
    pub tunnels: Vec<u16>,
    /// (local tunnel ID, local session ID).
    pub sessions: Vec<(u16, u16)>,
}

/// The Junos reply root of each show RPC (`| display xml` / `| display json`).
pub mod roots {
    pub const SUMMARY: &str = "service-l2tp-summary-information";
    pub const DESTINATION: &str = "service-l2tp-destination-information";
    pub const TUNNEL: &str = "service-l2tp-tunnel-information";
    pub const SESSION: &str = "service-l2tp-session-information";
    pub const DISCONNECT_CAUSES: &str = "service-l2tp-disconnect-cause-summary";
}

/// Dynamic subscriber interface units start here, as on Junos with its enhanced subscriber
/// management (the default since 15.1R4 on MX): `pp0.3221225472` up, `0xC000_0000`. The
/// older Junos numbered them from 1073741824 (`0x4000_0000`); both leave every static unit
/// (0..16385) apart, and the 2³⁰ units from here are the daemon's dynamic units.
pub const FIRST_DYNAMIC_UNIT: u32 = 3_221_225_472;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_arithmetic_is_per_field_and_saturating() {
        let a = L2tpCounters {
            control_tx_packets: 5,
            errors: 2,
            ..L2tpCounters::default()
        };
        let b = L2tpCounters {
            control_tx_packets: 3,
            errors: 7,
            ..L2tpCounters::default()
        };
        assert_eq!(a.since(&b).control_tx_packets, 2);
        assert_eq!(a.since(&b).errors, 0);
        assert_eq!(a.plus(&b).errors, 9);
        assert!(!a.is_zero());
    }

    #[test]
    fn element_names_are_kebab_case() {
        let tunnels = L2tpTunnels {
            tunnels: vec![L2tpTunnel {
                tunnel_local_id: 17967,
                tunnel_remote_id: 1,
                destination_id: 1,
                state: "established".into(),
                role: L2tpRole::Lac,
                tunnel_group: "tp-lns1".into(),
                tunnel_name: Some("1".into()),
                local_ip: None,
                remote_ip: "127.0.0.2:1701".parse().unwrap(),
                local_name: "lac-1".into(),
                remote_name: "lns-1".into(),
                sessions: 1,
                max_sessions: None,
                local_receive_window: 4,
                remote_receive_window: 4,
                hello_interval: 60,
                tunnel_authentication: Toggle::Enabled,
                tunnel_open_time: 3,
                tunnel_up_time: Some(2),
                statistics_since: 3,
                statistics: L2tpCounters::default(),
            }],
        };
        let json = serde_json::to_value(&tunnels).unwrap();
        let first = &json["l2tp-tunnel"][0];
        assert_eq!(first["tunnel-local-id"], 17967);
        assert_eq!(first["tunnel-authentication"], "enabled");
        assert_eq!(first["statistics"]["control-tx-packets"], 0);
        let back: L2tpTunnels = serde_json::from_value(json).unwrap();
        assert_eq!(back, tunnels);
    }
}
