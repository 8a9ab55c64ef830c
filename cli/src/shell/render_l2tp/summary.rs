//! `show services l2tp summary [statistics]`.

use super::counters::counters_table;
use super::toggle;
use schema::l2tp_rpc::{AdministrativeState, L2tpDrops, L2tpSummary};

pub fn summary(s: &L2tpSummary) -> String {
    let admin = match s.administrative_state {
        AdministrativeState::Enabled => "Enabled",
        AdministrativeState::Drain => "Drain",
    };
    let seconds = |n: u32| format!("{n} seconds");
    let lines: [(&str, String); 15] = [
        ("Administrative state", admin.to_string()),
        (
            "Failover within a preference level",
            toggle(s.failover_within_preference).to_string(),
        ),
        (
            "Weighted load balancing",
            toggle(s.weighted_load_balancing).to_string(),
        ),
        (
            "Tunnel authentication challenge",
            toggle(s.tunnel_authentication_challenge).to_string(),
        ),
        ("Tunnel Receive Window", s.tunnel_receive_window.to_string()),
        ("Tunnel Hello Interval", seconds(s.tunnel_hello_interval)),
        (
            "Max Retransmissions Count established",
            s.max_retransmissions_count_established.to_string(),
        ),
        (
            "Max Retransmissions Count not established",
            s.max_retransmissions_count_not_established.to_string(),
        ),
        (
            "Minimum Retransmissions Timeout",
            seconds(s.minimum_retransmissions_timeout),
        ),
        (
            "Maximum Retransmissions Timeout",
            seconds(s.maximum_retransmissions_timeout),
        ),
        ("Tunnel Idle Timeout", seconds(s.tunnel_idle_timeout)),
        ("Destruct Timeout", seconds(s.destruct_timeout)),
        (
            "Destination Lockout Timeout",
            seconds(s.destination_lockout_timeout),
        ),
        (
            "SNMP tunnel statistics",
            toggle(s.snmp_tunnel_statistics).to_string(),
        ),
        // Ours (issue 15): the threads forwarding established sessions' data.
        ("Data workers", data_workers(s)),
    ];
    let mut out = String::new();
    for (label, value) in lines {
        out.push_str(&format!("{label}: {value}\n"));
    }
    out.push_str(&format!(
        "Destinations: {}, Tunnels: {}, Sessions: {}, Switched sessions: {}\n",
        s.destinations, s.tunnels, s.sessions, s.switched_sessions
    ));
    if let Some(c) = &s.statistics {
        out.push_str(&counters_table(c, 2));
    }
    if let Some(d) = &s.drops {
        out.push_str(&drops(d));
    }
    out
}

/// `3`, or `2 (one per core)` when `data-workers` is not set.
fn data_workers(s: &L2tpSummary) -> String {
    if s.data_workers_per_core {
        format!("{} (one per core)", s.data_workers)
    } else {
        s.data_workers.to_string()
    }
}

/// Datagrams no tunnel saw, by reason.
fn drops(d: &L2tpDrops) -> String {
    let lines = [
        ("Malformed", d.malformed),
        ("Unknown tunnel", d.unknown_tunnel),
        ("Unknown session", d.unknown_session),
        ("Wrong peer", d.wrong_peer),
        ("SCCRQ flood", d.flood),
        ("SCCRQ refused", d.sccrq_refused),
        ("Establishing evicted", d.establishing_evicted),
        ("No tunnel group", d.no_tunnel_group),
        ("Hidden AVP undecodable", d.hidden_undecodable),
        ("No tunnel ID", d.no_tunnel_id),
        ("Sessions refused", d.sessions_refused),
        ("Data queue full", d.data_queue_full),
        ("PPPoE data queue full", d.pppoe_data_queue_full),
        ("Control socket full", d.control_socket_full),
        ("Data socket full", d.data_socket_full),
    ];
    let mut out = String::from("Dropped:\n");
    for (label, n) in lines {
        out.push_str(&format!("  {label}: {n}\n"));
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use schema::l2tp_rpc::{L2tpCounters, Toggle};

    pub fn sample() -> L2tpSummary {
        L2tpSummary {
            administrative_state: AdministrativeState::Enabled,
            failover_within_preference: Toggle::Disabled,
            weighted_load_balancing: Toggle::Disabled,
            tunnel_authentication_challenge: Toggle::Enabled,
            tunnel_receive_window: 4,
            tunnel_hello_interval: 60,
            max_retransmissions_count_established: 7,
            max_retransmissions_count_not_established: 5,
            minimum_retransmissions_timeout: 1,
            maximum_retransmissions_timeout: 16,
            tunnel_idle_timeout: 0,
            destruct_timeout: 300,
            destination_lockout_timeout: 300,
            snmp_tunnel_statistics: Toggle::Disabled,
            data_workers: 2,
            data_workers_per_core: true,
            destinations: 1,
            tunnels: 2,
            sessions: 3,
            switched_sessions: 0,
            statistics: None,
            drops: None,
        }
    }

    #[test]
    fn labels_then_counts() {
        assert_eq!(
            summary(&sample()),
            "Administrative state: Enabled\n\
             Failover within a preference level: Disabled\n\
             Weighted load balancing: Disabled\n\
             Tunnel authentication challenge: Enabled\n\
             Tunnel Receive Window: 4\n\
             Tunnel Hello Interval: 60 seconds\n\
             Max Retransmissions Count established: 7\n\
             Max Retransmissions Count not established: 5\n\
             Minimum Retransmissions Timeout: 1 seconds\n\
             Maximum Retransmissions Timeout: 16 seconds\n\
             Tunnel Idle Timeout: 0 seconds\n\
             Destruct Timeout: 300 seconds\n\
             Destination Lockout Timeout: 300 seconds\n\
             SNMP tunnel statistics: Disabled\n\
             Data workers: 2 (one per core)\n\
             Destinations: 1, Tunnels: 2, Sessions: 3, Switched sessions: 0\n"
        );
    }

    #[test]
    fn statistics_add_the_table_and_drops() {
        let mut s = sample();
        s.administrative_state = AdministrativeState::Drain;
        s.statistics = Some(L2tpCounters {
            control_tx_packets: 9,
            ..L2tpCounters::default()
        });
        s.drops = Some(L2tpDrops {
            unknown_tunnel: 4,
            ..L2tpDrops::default()
        });
        let text = summary(&s);
        assert!(text.starts_with("Administrative state: Drain\n"), "{text}");
        assert!(text.contains("\n  Control Tx"), "{text}");
        assert!(
            text.contains("Dropped:\n  Malformed: 0\n  Unknown tunnel: 4\n"),
            "{text}"
        );
        assert!(
            text.ends_with(
                "  Data queue full: 0\n  PPPoE data queue full: 0\n  Control socket full: 0\n  Data socket full: 0\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_configured_worker_count_is_shown_bare() {
        let mut s = sample();
        s.data_workers = 3;
        s.data_workers_per_core = false;
        assert!(summary(&s).contains("\nData workers: 3\nDestinations: 1"));
    }
}
