//! What the `[edit services l2tp]` statements change in the calls a LAC places: AVPs of the
//! ICRQ and ICCN that Junos lets the operator leave out.

use super::settings::Settings;
use crate::access_loop::AccessLoop;
use crate::l2tp::session::{CallInfo, CallString};

impl Settings {
    /// `call` as it goes on the wire under this configuration.
    pub(super) fn outgoing_call(&self, mut call: CallInfo) -> CallInfo {
        // `disable-calling-number-avp`: AVP 22 carries the subscriber's access line
        // identity, which some networks keep to themselves.
        if self.disable_calling_number_avp {
            call.strings.remove(&[CallString::CallingNumber]);
        }
        // `tx-connect-speed-method pppoe-ia-tag`: Tx Connect Speed (AVP 24, LAC to
        // subscriber) is the agent's Actual-Data-Rate-Downstream, Rx (AVP 38) its upstream
        // one. A rate the agent did not give, or gave as 0 (which some LNSs refuse), leaves
        // the static speed, as Junos falls back; one above AVP 24's 32 bits is its maximum.
        if self.speeds_from_agent {
            let speed = |bps: Option<u64>| {
                bps.filter(|&bps| bps > 0)
                    .map(|bps| u32::try_from(bps).unwrap_or(u32::MAX))
            };
            if let Some(down) = speed(call.access_loop.actual_down()) {
                call.tx_connect_speed = down;
                call.rx_connect_speed = speed(call.access_loop.actual_up()).or(Some(down));
            }
        }
        // Junos sends the access line AVPs (RFC 5515) only with `access-line-information`:
        // not every LNS takes them well.
        if !self.access_line_information {
            call.strings
                .remove(&[CallString::AgentCircuitId, CallString::AgentRemoteId]);
            call.access_loop = AccessLoop::default();
        }
        // Rx Connect Speed (AVP 38) equal to the Tx speed says nothing new; Junos leaves it
        // out unless `rx-connect-speed-when-equal`.
        if !self.rx_connect_speed_when_equal && call.rx_connect_speed == Some(call.tx_connect_speed)
        {
            call.rx_connect_speed = None;
        }
        call
    }
}

#[cfg(test)]
#[path = "outgoing_call_tests.rs"]
mod tests;
