//! What an LNS tunnel group says about the tunnels it accepts, on top of the global
//! `[edit services l2tp tunnel]` statements. Fixed when the tunnel is set up: Junos applies a
//! tunnel-group change to tunnels set up later only (junos-config.md §2).

use std::time::Duration;

use schema::typed::TunnelGroup;

use super::settings::Settings;
use crate::l2tp::control::{AvpHiding, TunnelConfig};

pub(super) fn tunnel_config(settings: &Settings, group: &TunnelGroup) -> TunnelConfig {
    let mut cfg = settings.tunnel_config(group.local_gateway_name.as_deref(), None);
    cfg.hello_interval = seconds(group.hello_interval);
    // Our Receive Window Size AVP in the SCCRP; absent, the global `rx-window-size`.
    if let Some(window) = group.receive_window {
        cfg.rx_window_size = window;
    }
    if let Some(cap) = group.retransmit_interval {
        cfg.retransmit.maximum_interval = seconds(cap);
    }
    cfg.retransmit.give_up_after = group.tunnel_timeout.map(seconds);
    // Junos: "AVPs that can be hidden are exposed" unless `hide-avps`; then every AVP that
    // RFC 2661 lets us hide is, as long as the LAC has a secret to unhide it with.
    cfg.hiding = if group.hide_avps {
        AvpHiding::All
    } else {
        AvpHiding::Nothing
    };
    cfg.maximum_send_window = group.maximum_send_window;
    cfg
}

fn seconds(s: u32) -> Duration {
    Duration::from_secs(u64::from(s))
}
