//! `show services l2tp tunnel [brief|detail|extensive] [statistics]`.

use super::counters::counters_table;
use super::{by_level, capitalised, duration, name, or_dash, role, toggle};
use crate::shell::render::plain_table;
use schema::l2tp_rpc::{L2tpShow, L2tpTunnel};

pub fn tunnels(list: &[L2tpTunnel], show: &L2tpShow) -> String {
    by_level(list, show, brief, statistics, detail)
}

fn brief(list: &[L2tpTunnel]) -> String {
    let rows = list.iter().map(|t| {
        vec![
            t.tunnel_local_id.to_string(),
            t.tunnel_remote_id.to_string(),
            t.remote_ip.to_string(),
            t.sessions.to_string(),
            capitalised(&t.state),
        ]
    });
    plain_table(
        &["Local ID", "Remote ID", "Remote IP", "Sessions", "State"],
        rows,
    )
}

fn id_line(t: &L2tpTunnel) -> String {
    format!(
        "  Tunnel local ID: {}, Tunnel remote ID: {}\n",
        t.tunnel_local_id, t.tunnel_remote_id
    )
}

/// Detail is extensive without the counters table.
fn detail(t: &L2tpTunnel, extensive: bool) -> String {
    let mut out = id_line(t);
    out.push_str(&format!(
        "  Remote IP: {}, Local IP: {}\n",
        t.remote_ip,
        or_dash(t.local_ip)
    ));
    let sessions = match t.max_sessions {
        Some(max) => format!("{}, Max sessions: {max}", t.sessions),
        None => t.sessions.to_string(),
    };
    out.push_str(&format!(
        "  Sessions: {sessions}, State: {}, Role: {}, Destination ID: {}\n",
        capitalised(&t.state),
        role(t.role),
        t.destination_id
    ));
    out.push_str(&format!(
        "  Tunnel group: {}, Tunnel name: {}, Local name: {}, Remote name: {}\n",
        t.tunnel_group,
        t.tunnel_name.as_deref().unwrap_or("-"),
        name(&t.local_name),
        name(&t.remote_name)
    ));
    out.push_str(&format!(
        "  Local receive window: {}, Remote receive window: {}\n",
        t.local_receive_window, t.remote_receive_window
    ));
    out.push_str(&format!(
        "  Hello interval: {} seconds, Tunnel authentication: {}\n",
        t.hello_interval,
        toggle(t.tunnel_authentication)
    ));
    out.push_str(&format!(
        "  Tunnel Open Time: {}, Tunnel Up Time: {}\n",
        duration(t.tunnel_open_time),
        or_dash(t.tunnel_up_time.map(duration))
    ));
    out.push_str(&format!(
        "  Statistics since: {} ago\n",
        duration(t.statistics_since)
    ));
    if extensive {
        out.push_str(&counters_table(&t.statistics, 4));
    }
    out
}

fn statistics(t: &L2tpTunnel) -> String {
    let mut out = id_line(t);
    out.push_str(&counters_table(&t.statistics, 4));
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::shell::render_l2tp::tests::at;
    use schema::l2tp_rpc::Level;
    use schema::l2tp_rpc::{L2tpCounters, L2tpRole, Toggle};

    pub fn sample() -> Vec<L2tpTunnel> {
        let established = L2tpTunnel {
            tunnel_local_id: 17967,
            tunnel_remote_id: 1,
            destination_id: 1,
            state: "established".into(),
            role: L2tpRole::Lac,
            tunnel_group: "tp-lns1".into(),
            tunnel_name: Some("1".into()),
            local_ip: Some("127.0.0.1:1701".parse().expect("address")),
            remote_ip: "127.0.0.2:1701".parse().expect("address"),
            local_name: "lac-1".into(),
            remote_name: "lns-1".into(),
            sessions: 2,
            max_sessions: None,
            local_receive_window: 4,
            remote_receive_window: 8,
            hello_interval: 60,
            tunnel_authentication: Toggle::Enabled,
            tunnel_open_time: 90_061,
            tunnel_up_time: Some(90_060),
            statistics_since: 303,
            statistics: L2tpCounters {
                control_tx_packets: 14,
                control_tx_bytes: 1_212,
                control_rx_packets: 13,
                control_rx_bytes: 998,
                retransmissions: 1,
                ..L2tpCounters::default()
            },
        };
        let waiting = L2tpTunnel {
            tunnel_local_id: 3,
            tunnel_remote_id: 0,
            state: "cc-responder-wait-ctl-conn".into(),
            role: L2tpRole::Lns,
            tunnel_group: "tg-lac".into(),
            tunnel_name: None,
            local_ip: None,
            remote_ip: "127.0.0.9:40000".parse().expect("address"),
            remote_name: "lac-9".into(),
            sessions: 0,
            max_sessions: Some(100),
            tunnel_open_time: 2,
            tunnel_up_time: None,
            statistics_since: 2,
            statistics: L2tpCounters::default(),
            ..established.clone()
        };
        vec![established, waiting]
    }

    #[test]
    fn brief_table() {
        assert_eq!(
            tunnels(&sample(), &at(Level::Brief, false)),
            "Local ID  Remote ID  Remote IP        Sessions  State\n\
             17967     1          127.0.0.2:1701   2         Established\n\
             3         0          127.0.0.9:40000  0         Cc-responder-wait-ctl-conn\n"
        );
        assert_eq!(tunnels(&[], &at(Level::Extensive, true)), "");
    }

    #[test]
    fn extensive_is_detail_and_the_table() {
        let detail = tunnels(&sample(), &at(Level::Detail, false));
        let first = "  Tunnel local ID: 17967, Tunnel remote ID: 1\n\
             \x20 Remote IP: 127.0.0.2:1701, Local IP: 127.0.0.1:1701\n\
             \x20 Sessions: 2, State: Established, Role: LAC, Destination ID: 1\n\
             \x20 Tunnel group: tp-lns1, Tunnel name: 1, Local name: lac-1, Remote name: lns-1\n\
             \x20 Local receive window: 4, Remote receive window: 8\n\
             \x20 Hello interval: 60 seconds, Tunnel authentication: Enabled\n\
             \x20 Tunnel Open Time: 1d 01:01:01, Tunnel Up Time: 1d 01:01:00\n\
             \x20 Statistics since: 00:05:03 ago\n";
        assert!(detail.starts_with(first), "{detail}");
        assert!(detail.contains(
            "\n\n  Tunnel local ID: 3, Tunnel remote ID: 0\n\
             \x20 Remote IP: 127.0.0.9:40000, Local IP: -\n\
             \x20 Sessions: 0, Max sessions: 100, State: Cc-responder-wait-ctl-conn, Role: LNS, Destination ID: 1\n\
             \x20 Tunnel group: tg-lac, Tunnel name: -, Local name: lac-1, Remote name: lac-9\n"
        ), "{detail}");
        assert!(detail.contains("Tunnel Up Time: -\n"), "{detail}");
        assert!(!detail.contains("Packets"), "{detail}");
        let extensive = tunnels(&sample(), &at(Level::Extensive, false));
        assert!(extensive.starts_with(first), "{extensive}");
        assert!(
            extensive.contains("ago\n                     Packets  Bytes\n    Control Tx  "),
            "{extensive}"
        );
        assert!(
            extensive.contains("    Retransmissions        1\n"),
            "{extensive}"
        );
        assert_eq!(extensive.matches("Packets  Bytes").count(), 2);
    }

    #[test]
    fn statistics_is_the_id_line_and_the_table() {
        let text = tunnels(&sample()[..1], &at(Level::Detail, true));
        assert!(
            text.starts_with(
                "  Tunnel local ID: 17967, Tunnel remote ID: 1\n                     Packets  Bytes\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("    Control Tx            14   1212\n"),
            "{text}"
        );
        assert!(!text.contains("Remote IP"), "{text}");
    }
}
