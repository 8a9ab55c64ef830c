//! Traffic counters at every level (session, tunnel, destination, global), aggregated from
//! `Tunnel::stats` and `Session::counters`, plus the registry's own drop counters.
//!
//! The types are the operational contract's (`schema::l2tp_rpc`), so what `show services
//! l2tp … statistics` returns is what the registry counts, with no copy in between.
//!
//! The tunnel and session counters only ever grow, so "clear statistics" records a baseline
//! that later readings are taken against; the traffic of tunnels and sessions that have gone
//! is folded into their parent so totals never go backwards.

use crate::l2tp::control::ControlStats;
use crate::l2tp::session::SessionCounters;

/// The Control / Data / Errors × Tx / Rx table of `show services l2tp … statistics`.
pub type Counters = schema::l2tp_rpc::L2tpCounters;

/// Datagrams the registry itself threw away before any tunnel saw them.
pub type DropCounters = schema::l2tp_rpc::L2tpDrops;

/// A control connection's counters in the table's terms. Malformed, unexpected,
/// out-of-window and unauthenticated messages all count as errors received.
pub fn of_control(stats: &ControlStats) -> Counters {
    Counters {
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
        ..Counters::default()
    }
}

/// A session's data channel counters in the table's terms.
pub fn of_session(counters: &SessionCounters) -> Counters {
    Counters {
        data_tx_packets: counters.tx_packets,
        data_tx_bytes: counters.tx_bytes,
        data_rx_packets: counters.rx_packets,
        data_rx_bytes: counters.rx_bytes,
        duplicates: counters.rx_duplicates,
        out_of_order: counters.rx_out_of_order,
        errors: counters.rx_discarded,
        ..Counters::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_errors_add_up() {
        let stats = ControlStats {
            malformed: 1,
            unexpected: 2,
            out_of_window: 3,
            auth_failures: 4,
            tx_packets: 7,
            ..ControlStats::default()
        };
        let counters = of_control(&stats);
        assert_eq!(counters.errors, 10);
        assert_eq!(counters.control_tx_packets, 7);
        assert_eq!(counters.data_tx_packets, 0);
    }

    #[test]
    fn session_counters_are_data_counters() {
        let session = SessionCounters {
            tx_packets: 3,
            rx_discarded: 2,
            ..SessionCounters::default()
        };
        let counters = of_session(&session);
        assert_eq!((counters.data_tx_packets, counters.errors), (3, 2));
        assert_eq!(counters.control_tx_packets, 0);
    }
}
