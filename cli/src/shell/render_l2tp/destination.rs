//! `show services l2tp destination [brief|detail|extensive] [statistics]`.

use super::counters::counters_table;
use super::{by_level, or_dash};
use crate::shell::render::plain_table;
use schema::l2tp_rpc::{DestinationState, L2tpDestination, L2tpShow};

pub fn destinations(list: &[L2tpDestination], show: &L2tpShow) -> String {
    by_level(list, show, brief, statistics, detail)
}

fn names(names: &[String]) -> String {
    if names.is_empty() {
        "-".to_string()
    } else {
        names.join(", ")
    }
}

fn state(d: &L2tpDestination) -> &'static str {
    match d.state {
        DestinationState::Enabled => "Enabled",
        DestinationState::LockedOut => "Locked-out",
    }
}

fn brief(list: &[L2tpDestination]) -> String {
    let rows = list.iter().map(|d| {
        vec![
            d.destination_id.to_string(),
            d.remote_ip.to_string(),
            names(&d.local_name),
            d.tunnels.to_string(),
            d.sessions.to_string(),
            state(d).to_string(),
        ]
    });
    plain_table(
        &[
            "Destination ID",
            "Remote IP",
            "Local name",
            "Tunnels",
            "Sessions",
            "State",
        ],
        rows,
    )
}

fn detail(d: &L2tpDestination, extensive: bool) -> String {
    let mut out = format!("Destination ID: {}\n", d.destination_id);
    out.push_str(&format!(
        "  Remote IP: {}, Local IP: {}\n",
        d.remote_ip,
        or_dash(d.local_ip)
    ));
    out.push_str(&format!(
        "  Routing instance: {}\n",
        d.routing_instance.as_deref().unwrap_or("default")
    ));
    out.push_str(&format!(
        "  Local name: {}, Remote name: {}\n",
        names(&d.local_name),
        names(&d.remote_name)
    ));
    match d.state {
        DestinationState::LockedOut => out.push_str(&format!(
            "  State: {}, Lockout time remaining: {} seconds\n",
            state(d),
            d.lockout_time_remaining
        )),
        DestinationState::Enabled => out.push_str(&format!("  State: {}\n", state(d))),
    }
    out.push_str(&format!(
        "  Tunnels: {}, Established tunnels: {}, Sessions: {}\n",
        d.tunnels, d.tunnels_established, d.sessions
    ));
    if extensive {
        if let Some(c) = &d.statistics {
            out.push_str(&counters_table(c, 2));
        }
    }
    out
}

fn statistics(d: &L2tpDestination) -> String {
    let mut out = format!(
        "Destination ID: {}, Remote IP: {}\n",
        d.destination_id, d.remote_ip
    );
    if let Some(c) = &d.statistics {
        out.push_str(&counters_table(c, 2));
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::shell::render_l2tp::tests::at;
    use schema::l2tp_rpc::L2tpCounters;
    use schema::l2tp_rpc::Level;
    use std::net::Ipv4Addr;

    pub fn sample() -> Vec<L2tpDestination> {
        vec![
            L2tpDestination {
                destination_id: 1,
                local_ip: Some(Ipv4Addr::new(127, 0, 0, 1)),
                remote_ip: Ipv4Addr::new(127, 0, 0, 2),
                routing_instance: None,
                local_name: vec!["lac-1".into()],
                remote_name: vec!["lns-1".into()],
                state: DestinationState::Enabled,
                lockout_time_remaining: 0,
                tunnels: 1,
                tunnels_established: 1,
                sessions: 2,
                statistics: Some(L2tpCounters {
                    control_tx_packets: 6,
                    control_tx_bytes: 420,
                    ..L2tpCounters::default()
                }),
            },
            L2tpDestination {
                destination_id: 2,
                local_ip: None,
                remote_ip: Ipv4Addr::new(127, 0, 0, 3),
                routing_instance: None,
                local_name: vec![],
                remote_name: vec![],
                state: DestinationState::LockedOut,
                lockout_time_remaining: 245,
                tunnels: 0,
                tunnels_established: 0,
                sessions: 0,
                statistics: None,
            },
        ]
    }

    #[test]
    fn brief_table() {
        assert_eq!(
            destinations(&sample(), &at(Level::Brief, false)),
            "Destination ID  Remote IP  Local name  Tunnels  Sessions  State\n\
             1               127.0.0.2  lac-1       1        2         Enabled\n\
             2               127.0.0.3  -           0        0         Locked-out\n"
        );
        assert_eq!(destinations(&[], &at(Level::Brief, false)), "");
    }

    #[test]
    fn detail_and_extensive_blocks() {
        let detail = destinations(&sample(), &at(Level::Detail, false));
        assert_eq!(
            detail,
            "Destination ID: 1\n\
             \x20 Remote IP: 127.0.0.2, Local IP: 127.0.0.1\n\
             \x20 Routing instance: default\n\
             \x20 Local name: lac-1, Remote name: lns-1\n\
             \x20 State: Enabled\n\
             \x20 Tunnels: 1, Established tunnels: 1, Sessions: 2\n\
             \n\
             Destination ID: 2\n\
             \x20 Remote IP: 127.0.0.3, Local IP: -\n\
             \x20 Routing instance: default\n\
             \x20 Local name: -, Remote name: -\n\
             \x20 State: Locked-out, Lockout time remaining: 245 seconds\n\
             \x20 Tunnels: 0, Established tunnels: 0, Sessions: 0\n"
        );
        let extensive = destinations(&sample(), &at(Level::Extensive, false));
        assert!(extensive.starts_with(detail.lines().next().unwrap_or("?")));
        assert!(
            extensive.contains("Sessions: 2\n                   Packets  Bytes\n  Control Tx "),
            "{extensive}"
        );
    }

    #[test]
    fn statistics_tables() {
        let text = destinations(&sample(), &at(Level::Brief, true));
        assert!(
            text.starts_with("Destination ID: 1, Remote IP: 127.0.0.2\n  "),
            "{text}"
        );
        assert!(
            text.contains("\n\nDestination ID: 2, Remote IP: 127.0.0.3\n"),
            "{text}"
        );
        assert_eq!(text.matches("Control Tx").count(), 1, "{text}");
    }
}
