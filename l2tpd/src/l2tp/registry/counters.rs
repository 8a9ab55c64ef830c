//! Traffic counters at every level (session, tunnel, destination, global), aggregated from
//! `Tunnel::stats` and `Session::counters`, plus the registry's own drop counters.
//!
//! The tunnel and session counters only ever grow, so "clear statistics" records a baseline
//! that later readings are taken against; the traffic of tunnels and sessions that have gone
//! is folded into their parent so totals never go backwards.

use serde::Serialize;

use crate::l2tp::control::ControlStats;
use crate::l2tp::session::SessionCounters;

/// The Control / Data / Errors × Tx / Rx table of `show services l2tp … statistics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
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
    /// Malformed, unexpected, out-of-window or unauthenticated control messages, and data
    /// messages for a session that is not up.
    pub errors: u64,
}

impl Counters {
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

    pub fn of_control(stats: &ControlStats) -> Self {
        Self {
            control_tx_packets: stats.tx_packets,
            control_tx_bytes: stats.tx_bytes,
            control_rx_packets: stats.rx_packets,
            control_rx_bytes: stats.rx_bytes,
            retransmissions: stats.retransmissions,
            duplicates: stats.duplicates,
            out_of_order: stats.out_of_order,
            errors: stats
                .malformed
                .saturating_add(stats.unexpected)
                .saturating_add(stats.out_of_window)
                .saturating_add(stats.auth_failures),
            ..Self::default()
        }
    }

    pub fn of_session(counters: &SessionCounters) -> Self {
        Self {
            data_tx_packets: counters.tx_packets,
            data_tx_bytes: counters.tx_bytes,
            data_rx_packets: counters.rx_packets,
            data_rx_bytes: counters.rx_bytes,
            duplicates: counters.rx_duplicates,
            out_of_order: counters.rx_out_of_order,
            errors: counters.rx_discarded,
            ..Self::default()
        }
    }

    pub fn is_zero(&self) -> bool {
        *self == Self::default()
    }
}

/// Datagrams the registry itself threw away before any tunnel saw them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DropCounters {
    /// Not even an L2TP header.
    pub malformed: u64,
    /// A Tunnel ID we do not have, or a non-SCCRQ control message for Tunnel ID 0.
    pub unknown_tunnel: u64,
    /// Data or session messages for a Session ID the tunnel does not hold.
    pub unknown_session: u64,
    /// A tunnel's datagram from another peer address than the tunnel's.
    pub wrong_peer: u64,
    /// SCCRQs beyond the per-source limit of tunnels being established.
    pub flood: u64,
    /// SCCRQs arriving on an address no `tunnel-group` listens on.
    pub no_tunnel_group: u64,
    /// SCCRQs whose hidden AVPs the secret found for the LAC does not unhide (a wrong or
    /// missing secret): dropped, since an undecodable Assigned Tunnel ID leaves no address
    /// for a StopCCN.
    pub hidden_undecodable: u64,
    /// All 65,535 Tunnel IDs in use.
    pub no_tunnel_id: u64,
    /// ICRQs refused (drain, session limit, malformed call).
    pub sessions_refused: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_and_plus_are_per_field() {
        let a = Counters {
            control_tx_packets: 5,
            errors: 2,
            ..Counters::default()
        };
        let b = Counters {
            control_tx_packets: 3,
            errors: 7,
            ..Counters::default()
        };
        assert_eq!(a.since(&b).control_tx_packets, 2);
        assert_eq!(a.since(&b).errors, 0, "saturates rather than wrapping");
        assert_eq!(a.plus(&b).errors, 9);
    }

    #[test]
    fn control_errors_add_up() {
        let stats = ControlStats {
            malformed: 1,
            unexpected: 2,
            out_of_window: 3,
            auth_failures: 4,
            ..ControlStats::default()
        };
        assert_eq!(Counters::of_control(&stats).errors, 10);
    }
}
