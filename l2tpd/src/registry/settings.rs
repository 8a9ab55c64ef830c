//! The parts of the committed configuration the registry acts on, in protocol units.

use std::time::Duration;

use schema::typed::{RouterConfig, Secret, TxAddressChange};

use crate::l2tp::control::{RetransmitSettings, TunnelConfig};
use crate::l2tp::select::SelectSettings;

/// Host Name we send when neither the profile nor the group names the gateway (RFC 2661
/// requires a Host Name AVP in SCCRQ/SCCRP).
const FALLBACK_HOST_NAME: &str = "l2tpd";

/// Tunnels a single source address may have at once, in every state (being established,
/// up, or in their post-StopCCN hold), before further SCCRQs from it are dropped (our
/// choice: generous for a LAC with a tunnel per profile and the closing ones of a recent
/// clear, small against a spoofed-SCCRQ flood from one address).
pub const DEFAULT_MAX_TUNNELS_PER_SOURCE: usize = 64;

/// Tunnels of all sources waiting for their SCCCN at once. Beyond it, the oldest of the
/// source with the most waiting is dropped to make room (`DropCounters::establishing_evicted`), so a
/// flood from many addresses bounds the table (and memory) without locking out the next
/// legitimate LAC, whose SCCCN comes one round trip after our SCCRP. Our choice: a few
/// thousand handshakes in flight is more than a restart of a large LNS sees.
pub const DEFAULT_MAX_ESTABLISHING: usize = 4096;

/// Tunnels waiting for their SCCCN beyond which SCCRPs go quiet (`reliable::Phase::Quiet`):
/// sent once, and again only when the SCCRQ comes again. Our choice: far more than a healthy
/// LNS has waiting at once, so RFC 2661's retransmissions stay the rule; a LAC that
/// reconnects during a flood loses nothing, its own SCCRQ retransmission brings the SCCRP.
pub const DEFAULT_QUIET_SCCRP_ABOVE: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub host_name: String,
    pub drain: bool,
    pub select: SelectSettings,
    /// Applies to lockouts that start after the commit (Junos rule).
    pub lockout: Duration,
    /// `None`: idle tunnels stay up (`idle-timeout 0`).
    pub idle_timeout: Option<Duration>,
    pub retransmit: RetransmitSettings,
    pub hello_interval: Duration,
    pub rx_window_size: u16,
    pub max_tunnels_per_source: usize,
    pub max_establishing: usize,
    pub quiet_sccrp_above: usize,
    /// What a LAC does when the LNS answers from another address or port.
    pub tx_address_change: TxAddressChange,
    /// The ICRQ leaves out Calling Number (`outgoing_call`).
    pub disable_calling_number_avp: bool,
    /// `access-line-information`: a LAC's ICRQ carries the agent's IDs (`outgoing_call`), an
    /// LNS reads them (`Registry::access_line`).
    pub access_line_information: bool,
    /// The ICCN carries Rx Connect Speed even when equal to Tx (`outgoing_call`).
    pub rx_connect_speed_when_equal: bool,
    /// `tx-connect-speed-method pppoe-ia-tag | dsl-forum`: the ICCN's speeds are the PPPoE
    /// agent's actual rates when it gave them (`outgoing_call`).
    pub speeds_from_agent: bool,
}

impl Settings {
    pub fn from_config(config: &RouterConfig) -> Self {
        let l2tp = &config.l2tp;
        let tunnel = &l2tp.tunnel;
        Self {
            host_name: config
                .host_name
                .clone()
                .unwrap_or_else(|| FALLBACK_HOST_NAME.to_string()),
            drain: l2tp.drain,
            select: SelectSettings {
                fail_over_within_preference: l2tp.fail_over_within_preference,
                weighted_load_balancing: l2tp.weighted_load_balancing,
            },
            lockout: Duration::from_secs(u64::from(l2tp.destination_lockout_timeout)),
            idle_timeout: Some(Duration::from_secs(u64::from(tunnel.idle_timeout)))
                .filter(|t| !t.is_zero()),
            retransmit: RetransmitSettings {
                minimum_interval: Duration::from_secs(u64::from(
                    tunnel.minimum_retransmission_interval,
                )),
                count_established: tunnel.retransmission_count_established,
                count_not_established: tunnel.retransmission_count_not_established,
                ..RetransmitSettings::default()
            },
            hello_interval: Duration::from_secs(u64::from(tunnel.hello_interval)),
            rx_window_size: tunnel.rx_window_size,
            max_tunnels_per_source: DEFAULT_MAX_TUNNELS_PER_SOURCE,
            max_establishing: DEFAULT_MAX_ESTABLISHING,
            quiet_sccrp_above: DEFAULT_QUIET_SCCRP_ABOVE,
            tx_address_change: tunnel.tx_address_change,
            disable_calling_number_avp: l2tp.disable_calling_number_avp,
            access_line_information: l2tp.access_line_information,
            rx_connect_speed_when_equal: l2tp.rx_connect_speed_when_equal,
            speeds_from_agent: l2tp
                .tx_connect_speed_method
                .is_some_and(|m| m.reads_agent_rates()),
        }
    }

    /// A control connection configured from the global `tunnel` statements.
    pub fn tunnel_config(&self, host_name: Option<&str>, secret: Option<&Secret>) -> TunnelConfig {
        let mut cfg = TunnelConfig::new(host_name.unwrap_or(&self.host_name).as_bytes());
        cfg.secret = secret.cloned();
        cfg.retransmit = self.retransmit;
        cfg.hello_interval = self.hello_interval;
        if self.rx_window_size > 0 {
            cfg.rx_window_size = self.rx_window_size;
        }
        cfg
    }
}
