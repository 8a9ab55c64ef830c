//! `show services l2tp session [brief|detail|extensive] [statistics]`.

use super::counters::counters_table;
use super::{by_level, capitalised, duration, name, or_dash, role, yes_no};
use crate::shell::render::plain_table;
use schema::l2tp_rpc::{L2tpSession, L2tpShow};

pub fn sessions(list: &[L2tpSession], show: &L2tpShow) -> String {
    by_level(list, show, brief, statistics, detail)
}

fn brief(list: &[L2tpSession]) -> String {
    let rows = list.iter().map(|s| {
        vec![
            s.session_local_id.to_string(),
            s.session_remote_id.to_string(),
            s.tunnel_local_id.to_string(),
            capitalised(&s.state),
            s.interface_name.clone(),
            s.user_name.clone().unwrap_or_else(|| "-".to_string()),
        ]
    });
    plain_table(
        &[
            "Local ID",
            "Remote ID",
            "Tunnel local ID",
            "State",
            "Interface",
            "User name",
        ],
        rows,
    )
}

fn id_line(s: &L2tpSession) -> String {
    format!(
        "  Session local ID: {}, Session remote ID: {}, Tunnel local ID: {}, Tunnel remote ID: {}\n",
        s.session_local_id, s.session_remote_id, s.tunnel_local_id, s.tunnel_remote_id
    )
}

fn detail(s: &L2tpSession, extensive: bool) -> String {
    let mut out = id_line(s);
    out.push_str(&format!(
        "  State: {}, Role: {}\n",
        capitalised(&s.state),
        role(s.role)
    ));
    out.push_str(&format!(
        "  Interface: {}, Interface unit: {}\n",
        s.interface_name, s.interface_unit
    ));
    out.push_str(&format!(
        "  User name: {}, Tunnel group: {}\n",
        s.user_name.as_deref().unwrap_or("-"),
        s.tunnel_group
    ));
    out.push_str(&format!(
        "  Remote IP: {}, Local IP: {}\n",
        s.remote_ip,
        or_dash(s.local_ip)
    ));
    out.push_str(&format!(
        "  Local name: {}, Remote name: {}\n",
        name(&s.local_name),
        name(&s.remote_name)
    ));
    out.push_str(&format!("  Call serial number: {}\n", s.call_serial_number));
    out.push_str(&format!(
        "  Tx connect speed: {}, Rx connect speed: {}\n",
        s.tx_connect_speed,
        or_dash(s.rx_connect_speed)
    ));
    out.push_str(&format!(
        "  Sequencing required: {}\n",
        yes_no(s.sequencing_required)
    ));
    out.push_str(&format!(
        "  Proxy LCP: {}, Proxy authentication: {}\n",
        yes_no(s.proxy_lcp),
        s.proxy_authentication.as_deref().unwrap_or("none")
    ));
    out.push_str(&format!(
        "  Session Up Time: {}\n",
        or_dash(s.session_up_time.map(duration))
    ));
    if extensive {
        if let Some(c) = &s.statistics {
            out.push_str(&counters_table(c, 4));
        }
    }
    out
}

fn statistics(s: &L2tpSession) -> String {
    let mut out = id_line(s);
    if let Some(c) = &s.statistics {
        out.push_str(&counters_table(c, 4));
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::shell::render_l2tp::tests::at;
    use schema::l2tp_rpc::Level;
    use schema::l2tp_rpc::{L2tpCounters, L2tpRole, FIRST_DYNAMIC_UNIT};

    pub fn sample() -> Vec<L2tpSession> {
        let up = L2tpSession {
            session_local_id: 40553,
            session_remote_id: 7,
            tunnel_local_id: 17967,
            tunnel_remote_id: 1,
            state: "established".into(),
            role: L2tpRole::Lac,
            tunnel_group: "tp-lns1".into(),
            local_ip: Some("127.0.0.1:1701".parse().expect("address")),
            remote_ip: "127.0.0.2:1701".parse().expect("address"),
            local_name: "lac-1".into(),
            remote_name: "lns-1".into(),
            interface_unit: FIRST_DYNAMIC_UNIT + 1,
            interface_name: "pp0.3221225473".into(),
            user_name: Some("u1@example.net".into()),
            call_serial_number: 1,
            tx_connect_speed: 1_000_000,
            rx_connect_speed: Some(1_000_000),
            sequencing_required: false,
            proxy_lcp: true,
            proxy_authentication: Some("pap".into()),
            session_up_time: Some(61),
            statistics: Some(L2tpCounters {
                data_tx_packets: 3,
                data_tx_bytes: 180,
                data_rx_packets: 2,
                data_rx_bytes: 120,
                ..L2tpCounters::default()
            }),
        };
        let waiting = L2tpSession {
            session_local_id: 2,
            session_remote_id: 0,
            state: "lns-ic-wait-connect".into(),
            role: L2tpRole::Lns,
            interface_unit: FIRST_DYNAMIC_UNIT,
            interface_name: "si-0/0/0.3221225472".into(),
            user_name: None,
            rx_connect_speed: None,
            proxy_lcp: false,
            proxy_authentication: None,
            session_up_time: None,
            statistics: None,
            ..up.clone()
        };
        vec![up, waiting]
    }

    #[test]
    fn brief_table() {
        assert_eq!(
            sessions(&sample(), &at(Level::Brief, false)),
            "Local ID  Remote ID  Tunnel local ID  State                Interface            User name\n\
             40553     7          17967            Established          pp0.3221225473       u1@example.net\n\
             2         0          17967            Lns-ic-wait-connect  si-0/0/0.3221225472  -\n"
        );
        assert_eq!(sessions(&[], &at(Level::Brief, false)), "");
    }

    #[test]
    fn detail_and_extensive() {
        let detail = sessions(&sample(), &at(Level::Detail, false));
        let first = "  Session local ID: 40553, Session remote ID: 7, Tunnel local ID: 17967, Tunnel remote ID: 1\n\
             \x20 State: Established, Role: LAC\n\
             \x20 Interface: pp0.3221225473, Interface unit: 3221225473\n\
             \x20 User name: u1@example.net, Tunnel group: tp-lns1\n\
             \x20 Remote IP: 127.0.0.2:1701, Local IP: 127.0.0.1:1701\n\
             \x20 Local name: lac-1, Remote name: lns-1\n\
             \x20 Call serial number: 1\n\
             \x20 Tx connect speed: 1000000, Rx connect speed: 1000000\n\
             \x20 Sequencing required: no\n\
             \x20 Proxy LCP: yes, Proxy authentication: pap\n\
             \x20 Session Up Time: 00:01:01\n";
        assert!(
            detail.starts_with(&format!("{first}\n  Session local ID: 2,")),
            "{detail}"
        );
        assert!(
            detail.contains("  State: Lns-ic-wait-connect, Role: LNS\n"),
            "{detail}"
        );
        assert!(detail.contains("  User name: -, "), "{detail}");
        assert!(detail.contains("Rx connect speed: -\n"), "{detail}");
        assert!(
            detail.contains("  Proxy LCP: no, Proxy authentication: none\n"),
            "{detail}"
        );
        assert!(detail.ends_with("  Session Up Time: -\n"), "{detail}");
        let extensive = sessions(&sample(), &at(Level::Extensive, false));
        assert!(extensive.starts_with(first), "{extensive}");
        assert!(
            extensive.contains("    Data Tx                3    180\n"),
            "{extensive}"
        );
    }

    #[test]
    fn statistics_blocks() {
        let text = sessions(&sample(), &at(Level::Brief, true));
        assert!(text.starts_with("  Session local ID: 40553, Session remote ID: 7, Tunnel local ID: 17967, Tunnel remote ID: 1\n    "), "{text}");
        assert!(
            text.contains("    Data Rx                2    120\n"),
            "{text}"
        );
        assert!(!text.contains("State:"), "{text}");
    }
}
