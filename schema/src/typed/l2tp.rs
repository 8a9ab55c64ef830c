//! `[edit services l2tp]` as typed settings.

use super::view::View;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssignmentIdFormat {
    /// Tunnel-Assignment-Id [82] alone identifies a tunnel.
    AssignmentId,
    /// Tunnel-Client-Auth-Id [90] + Tunnel-Server-Auth-Id [91] + Tunnel-Assignment-Id [82].
    ClientServerId,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TxAddressChange {
    Accept,
    Ignore,
    IgnoreIpAddress,
    IgnoreUdpPort,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TxConnectSpeedMethod {
    Actual,
    Advisory,
    Ancp,
    DslForum,
    PppoeIaTag,
    Static,
}

impl TxConnectSpeedMethod {
    /// The ICCN's speeds come from the PPPoE agent's actual rates (Junos `pppoe-ia-tag`,
    /// before 13.1 `dsl-forum`).
    pub fn reads_agent_rates(self) -> bool {
        matches!(self, Self::DslForum | Self::PppoeIaTag)
    }

    /// A method whose source this router does not have (ANCP, CoS shaping): the speed falls
    /// back to the static one.
    pub fn without_source(self) -> bool {
        matches!(self, Self::Actual | Self::Ancp)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TraceLevel {
    Error,
    Warning,
    Notice,
    Info,
    Verbose,
    All,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceFile {
    pub filename: Option<String>,
    pub files: u32,
    pub size: u64,
    pub world_readable: bool,
    /// `match "RE"`: only the lines the expression finds something in are written.
    pub matches: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceOptions {
    pub file: TraceFile,
    /// `flag` keywords (`all`, `protocol`, ...).
    pub flags: Vec<String>,
    pub level: TraceLevel,
    /// `filter protocol P` statements: only these protocols are traced (none: all).
    pub filter_protocols: Vec<String>,
    pub filter_user_name: Option<String>,
    pub no_remote_trace: bool,
}

/// `[edit services l2tp tunnel]`: defaults for every tunnel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TunnelDefaults {
    pub assignment_id_format: AssignmentIdFormat,
    /// Seconds; 0 = no hellos.
    pub hello_interval: u32,
    /// Seconds a tunnel stays up after its last session; 0 = until the peer closes it.
    pub idle_timeout: u32,
    /// Seconds before the first retransmission; doubles up to 16 s.
    pub minimum_retransmission_interval: u32,
    pub retransmission_count_established: u32,
    pub retransmission_count_not_established: u32,
    /// Our control receive window (packets).
    pub rx_window_size: u16,
    pub tx_address_change: TxAddressChange,
}

/// `[edit services l2tp tunnel-group NAME]` (LNS).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TunnelGroup {
    pub aaa_access_profile: Option<String>,
    pub dynamic_profile: Option<String>,
    pub hello_interval: u32,
    pub hide_avps: bool,
    pub l2tp_access_profile: Option<String>,
    /// `local-gateway address` (mandatory, so present in a checked tree).
    pub local_address: Option<Ipv4Addr>,
    pub local_gateway_name: Option<String>,
    pub maximum_send_window: Option<u16>,
    pub ppp_access_profile: Option<String>,
    /// Our control receive window on the group's tunnels; `None`: `tunnel rx-window-size`.
    pub receive_window: Option<u16>,
    /// Seconds: the longest wait between retransmissions; `None`: the usual 16 s.
    pub retransmit_interval: Option<u32>,
    pub service_device_pool: Option<String>,
    pub service_interface: Option<String>,
    pub tos_reflect: bool,
    pub tunnel_switch_profile: Option<String>,
    /// Seconds a control message may stay unacknowledged before the tunnel is presumed lost
    /// and cleared, even with retransmissions left; `None`: only the count decides.
    pub tunnel_timeout: Option<u32>,
}

/// RFC 2661 section 5.8: a cap on the wait between retransmissions "MUST be no less than 8
/// seconds". A `retransmit-interval` below it loads (Juniper's own example writes 5) and warns;
/// the daemon's retransmission timer never waits less at its cap (`RetransmitSettings::cap`).
pub const MINIMUM_RETRANSMIT_CAP: u32 = 8;

/// Every `[edit services l2tp]` setting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct L2tpConfig {
    /// `access-line-information`: the LAC sends the agent's IDs in the ICRQ (RFC 5515), the
    /// LNS reads them.
    #[serde(default)]
    pub access_line_information: bool,
    /// `data-workers`: threads forwarding established sessions' data; `None`: one per
    /// core of the host (the daemon decides, it knows the host).
    #[serde(default)]
    pub data_workers: Option<u16>,
    /// `destination lockout-timeout`, seconds.
    pub destination_lockout_timeout: u32,
    pub destruct_timeout: u32,
    pub disable_calling_number_avp: bool,
    pub disable_failover_protocol: bool,
    pub drain: bool,
    pub enable_snmp_tunnel_statistics: bool,
    pub fail_over_within_preference: bool,
    pub ip_reassembly: bool,
    pub rx_connect_speed_when_equal: bool,
    /// `None` when `traceoptions` is not configured (no tracing).
    pub traceoptions: Option<TraceOptions>,
    pub tunnel: TunnelDefaults,
    pub tunnel_groups: BTreeMap<String, TunnelGroup>,
    pub tunnel_switch_profile: Option<String>,
    pub tx_connect_speed_method: Option<TxConnectSpeedMethod>,
    pub weighted_load_balancing: bool,
}

pub(super) fn l2tp_config(l2tp: View<'_>) -> L2tpConfig {
    L2tpConfig {
        access_line_information: l2tp.container("access-line-information").present(),
        data_workers: l2tp.uint("data-workers"),
        destination_lockout_timeout: l2tp.container("destination").number("lockout-timeout"),
        destruct_timeout: l2tp.number("destruct-timeout"),
        disable_calling_number_avp: l2tp.flag("disable-calling-number-avp"),
        disable_failover_protocol: l2tp.flag("disable-failover-protocol"),
        drain: l2tp.flag("drain"),
        enable_snmp_tunnel_statistics: l2tp.flag("enable-snmp-tunnel-statistics"),
        fail_over_within_preference: l2tp.flag("fail-over-within-preference"),
        ip_reassembly: l2tp.flag("ip-reassembly"),
        rx_connect_speed_when_equal: l2tp.flag("rx-connect-speed-when-equal"),
        traceoptions: traceoptions(l2tp.container("traceoptions")),
        tunnel: tunnel_defaults(l2tp.container("tunnel")),
        tunnel_groups: l2tp
            .entries("tunnel-group")
            .map(|(name, g)| (name.to_string(), tunnel_group(g)))
            .collect(),
        tunnel_switch_profile: l2tp.string("tunnel-switch-profile"),
        tx_connect_speed_method: l2tp.keyword("tx-connect-speed-method"),
        weighted_load_balancing: l2tp.flag("weighted-load-balancing"),
    }
}

pub(super) fn traceoptions(t: View<'_>) -> Option<TraceOptions> {
    if !t.present() {
        return None;
    }
    let file = t.container("file");
    let filter = t.container("filter");
    Some(TraceOptions {
        file: TraceFile {
            filename: file.string("filename"),
            files: file.number("files"),
            size: file.number("size"),
            world_readable: file.flag("world-readable"),
            matches: file.string("match"),
        },
        flags: t
            .entries("flag")
            .map(|(flag, _)| flag.to_string())
            .collect(),
        level: t.keyword("level").unwrap_or(TraceLevel::Error),
        filter_protocols: filter
            .entries("protocol")
            .map(|(protocol, _)| protocol.to_string())
            .collect(),
        filter_user_name: filter.string("user-name"),
        no_remote_trace: t.flag("no-remote-trace"),
    })
}

fn tunnel_defaults(t: View<'_>) -> TunnelDefaults {
    TunnelDefaults {
        assignment_id_format: t
            .keyword("assignment-id-format")
            .unwrap_or(AssignmentIdFormat::AssignmentId),
        hello_interval: t.number("hello-interval"),
        idle_timeout: t.number("idle-timeout"),
        minimum_retransmission_interval: t.number("minimum-retransmission-interval"),
        retransmission_count_established: t.number("retransmission-count-established"),
        retransmission_count_not_established: t.number("retransmission-count-not-established"),
        rx_window_size: t.number("rx-window-size"),
        tx_address_change: t
            .keyword("tx-address-change")
            .unwrap_or(TxAddressChange::Accept),
    }
}

fn tunnel_group(g: View<'_>) -> TunnelGroup {
    let gateway = g.container("local-gateway");
    TunnelGroup {
        aaa_access_profile: g.string("aaa-access-profile"),
        dynamic_profile: g.string("dynamic-profile"),
        hello_interval: g.number("hello-interval"),
        hide_avps: g.flag("hide-avps"),
        l2tp_access_profile: g.string("l2tp-access-profile"),
        local_address: gateway.address("address"),
        local_gateway_name: gateway.string("gateway-name"),
        maximum_send_window: g.uint("maximum-send-window"),
        ppp_access_profile: g.string("ppp-access-profile"),
        receive_window: g.uint("receive-window"),
        retransmit_interval: g.uint("retransmit-interval"),
        service_device_pool: g.string("service-device-pool"),
        service_interface: g.string("service-interface"),
        tos_reflect: g.flag("tos-reflect"),
        tunnel_switch_profile: g.string("tunnel-switch-profile"),
        tunnel_timeout: g.uint("tunnel-timeout"),
    }
}
