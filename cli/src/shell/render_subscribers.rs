//! `show subscribers [user-name U] [detail | extensive] [summary]` in Junos' plain style:
//! the Interface / IP Address/VLAN ID / User Name / LS:RI table, a `Label: value` block per
//! subscriber for detail (extensive adds the packet counters), and the counts by state,
//! client type and underlying interface for summary.

use super::render::{plain_table, utc};
use super::render_l2tp::capitalised;
use schema::subscriber_rpc::{
    AccessRoute, AccessType, AuthenticationProtocol, Count, Level, Subscriber, SubscriberShow,
    SubscriberState, SubscriberSummary, Subscribers,
};

pub fn subscribers(reply: &Subscribers, show: &SubscriberShow) -> String {
    if show.summary {
        return reply.summary.as_ref().map(summary).unwrap_or_default();
    }
    let list = &reply.subscribers;
    match show.level {
        Level::Brief => brief(list),
        level => list
            .iter()
            .map(|s| detail(s, level == Level::Extensive))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn brief(list: &[Subscriber]) -> String {
    if list.is_empty() {
        return String::new();
    }
    let rows = list.iter().map(|s| {
        vec![
            s.interface.clone(),
            address_or_vlan(s),
            s.user_name.clone().unwrap_or_else(|| "-".into()),
            format!("{}:{}", s.logical_system, s.routing_instance),
        ]
    });
    plain_table(
        &["Interface", "IP Address/VLAN ID", "User Name", "LS:RI"],
        rows,
    )
}

/// Junos' second column: the subscriber's address once it has one, else its VLAN: the bare
/// ID of a single tag (`138`, as MX routers print it), both tags with their TPIDs under QinQ
/// (`0x88a8.100 0x8100.7`).
fn address_or_vlan(s: &Subscriber) -> String {
    match (s.ip_address, s.stacked_vlan_id, s.vlan_id) {
        (Some(ip), _, _) => ip.to_string(),
        (None, Some(outer), Some(inner)) => {
            format!(
                "{} {}",
                tagged(s.stacked_vlan_tpid, outer),
                tagged(s.vlan_tpid, inner)
            )
        }
        (None, None, Some(id)) => id.to_string(),
        _ => "-".into(),
    }
}

/// `0x8100.7`: a tag as Junos writes it, TPID then ID; the bare ID when the TPID is unknown.
fn tagged(tpid: Option<u16>, id: u16) -> String {
    match tpid {
        Some(tpid) => format!("{tpid:#06x}.{id}"),
        None => id.to_string(),
    }
}

fn access_type(t: AccessType) -> &'static str {
    match t {
        AccessType::Pppoe => "PPPoE",
        AccessType::L2tp => "L2TP",
        AccessType::Vlan => "VLAN",
    }
}

fn state(s: SubscriberState) -> &'static str {
    match s {
        SubscriberState::Init => "Init",
        SubscriberState::Configured => "Configured",
        SubscriberState::Active => "Active",
        SubscriberState::Terminating => "Terminating",
    }
}

fn detail(s: &Subscriber, extensive: bool) -> String {
    let mut out = String::new();
    let mut line = |label: &str, value: &dyn std::fmt::Display| {
        out.push_str(&format!("{label}: {value}\n"));
    };
    line("Type", &access_type(s.access_type));
    line("User Name", &s.user_name.as_deref().unwrap_or("-"));
    if let Some(ip) = s.ip_address {
        line("IP Address", &ip);
    }
    line("Logical System", &s.logical_system);
    line("Routing Instance", &s.routing_instance);
    line("Interface", &s.interface);
    let kind = if s.static_interface {
        "Static"
    } else {
        "Dynamic"
    };
    line("Interface type", &kind);
    if let Some(underlying) = &s.underlying_interface {
        line("Underlying Interface", underlying);
    }
    if let Some(profile) = &s.dynamic_profile {
        line("Dynamic Profile Name", profile);
    }
    if let Some(mac) = s.mac_address {
        line("MAC Address", &mac);
    }
    line("State", &state(s.state));
    if let Some(id) = s.pppoe_session_id {
        line("Session ID", &id);
    }
    // Under QinQ both tags carry their TPIDs; a single tag is its bare ID.
    if let Some(outer) = s.stacked_vlan_id {
        line("Stacked VLAN Id", &tagged(s.stacked_vlan_tpid, outer));
        if let Some(id) = s.vlan_id {
            line("VLAN Id", &tagged(s.vlan_tpid, id));
        }
    } else if let Some(id) = s.vlan_id {
        line("VLAN Id", &id);
    }
    // Junos prints the intermediate agent's IDs after the VLANs, as the agent sent them.
    if let Some(id) = &s.agent_circuit_id {
        line("Agent Circuit ID", id);
    }
    if let Some(id) = &s.agent_remote_id {
        line("Agent Remote ID", id);
    }
    // The line's rates in kbit/s, the unit DSLAMs and the agent's tag use (our labels).
    if let Some(bps) = s.actual_data_rate_up {
        line("Actual Data Rate Upstream", &format!("{} kbps", bps / 1000));
    }
    if let Some(bps) = s.actual_data_rate_down {
        line(
            "Actual Data Rate Downstream",
            &format!("{} kbps", bps / 1000),
        );
    }
    line("Login Time", &utc(s.login_time));
    if let Some(lcp) = &s.lcp_state {
        line("LCP State", &capitalised(lcp));
    }
    if let Some(how) = &s.lcp_negotiation {
        line("LCP Negotiation", &capitalised(how));
    }
    if let Some(auth) = s.authentication_protocol {
        let name = match auth {
            AuthenticationProtocol::Pap => "PAP",
            AuthenticationProtocol::Chap => "CHAP",
        };
        line("Authentication Protocol", &name);
    }
    if let Some(aaa) = &s.aaa {
        if let Some(server) = aaa.radius_server {
            line("RADIUS Server", &server);
        }
        if let Some(by) = &aaa.tunnel_decided_by {
            line("Tunnel Decided By", by);
        }
    }
    // The limits in force, RADIUS's or the configuration's, each with where it comes from.
    if let Some(limits) = &s.limits {
        let from = |source: &Option<String>| {
            source
                .as_deref()
                .map_or(String::new(), |s| format!(" ({s})"))
        };
        if let Some(seconds) = limits.session_timeout {
            let source = from(&limits.session_timeout_from);
            line("Session Timeout", &format!("{seconds} seconds{source}"));
        }
        if let Some(seconds) = limits.idle_timeout {
            let source = from(&limits.idle_timeout_from);
            let ingress = if limits.idle_ingress_only {
                ", ingress only"
            } else {
                ""
            };
            line(
                "Idle Timeout",
                &format!("{seconds} seconds{source}{ingress}"),
            );
        }
    }
    for route in &s.access_routes {
        line("Access Route", &access_route(route));
    }
    for unused in s.aaa.iter().flat_map(|a| &a.unused_attributes) {
        line("RADIUS Attribute Not Used", unused);
    }
    if let Some(t) = &s.tunnel {
        line("L2TP Tunnel Group", &t.tunnel_group);
        line(
            "L2TP Tunnel ID",
            &format!("{} (remote {})", t.tunnel_local_id, t.tunnel_remote_id),
        );
        line(
            "L2TP Session ID",
            &format!("{} (remote {})", t.session_local_id, t.session_remote_id),
        );
    }
    if extensive {
        if let Some(c) = &s.statistics {
            out.push_str("Statistics:\n");
            out.push_str(&format!(
                "  Input packets: {}, Input bytes: {}\n",
                c.input_packets, c.input_bytes
            ));
            out.push_str(&format!(
                "  Output packets: {}, Output bytes: {}\n",
                c.output_packets, c.output_bytes
            ));
        }
    }
    out
}

/// One route in `show route`'s words: `198.18.60.0/24 [Access/13] metric 5, tag 7, to
/// 198.18.0.2 via si-0/0/0.3221225473`.
fn access_route(r: &AccessRoute) -> String {
    let mut out = format!("{} [Access/{}]", r.prefix, r.preference);
    let mut parts = Vec::new();
    if let Some(metric) = r.metric {
        parts.push(format!("metric {metric}"));
    }
    if let Some(tag) = r.tag {
        parts.push(format!("tag {tag}"));
    }
    parts.push(match r.next_hop {
        Some(hop) => format!("to {hop} via {}", r.interface),
        None => format!("via {}", r.interface),
    });
    out.push(' ');
    out.push_str(&parts.join(", "));
    out
}

/// Junos' summary: each group under its title, indented counts, a Total line.
fn summary(s: &SubscriberSummary) -> String {
    fn group<T>(
        out: &mut String,
        title: &str,
        counts: &[Count<T>],
        name: impl Fn(&T) -> String,
        total: u32,
    ) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!("Subscribers by {title}\n"));
        for c in counts {
            out.push_str(&format!("    {}: {}\n", name(&c.name), c.count));
        }
        out.push_str(&format!("    Total: {total}\n"));
    }
    let mut out = String::new();
    group(
        &mut out,
        "State",
        &s.by_state,
        |st| state(*st).into(),
        s.total,
    );
    group(
        &mut out,
        "Client Type",
        &s.by_type,
        |t| access_type(*t).into(),
        s.total,
    );
    if !s.by_interface.is_empty() {
        group(
            &mut out,
            "Underlying Interface",
            &s.by_interface,
            String::clone,
            s.total,
        );
    }
    for (title, counts) in [
        ("Terminations since start", &s.terminations),
        ("Refusals since start", &s.refusals),
    ] {
        if counts.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title}\n"));
        for c in counts {
            out.push_str(&format!("    {}: {}\n", c.name, c.count));
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use schema::subscriber_rpc::{MacAddress, SubscriberCounters, SubscriberTunnel};

    /// A tunnelled QinQ subscriber and an untagged one still authenticating.
    pub fn sample() -> Subscribers {
        let active = Subscriber {
            interface: "pp0.1073741825".into(),
            user_name: Some("u1@example.net".into()),
            state: SubscriberState::Active,
            access_type: AccessType::Pppoe,
            ip_address: None,
            logical_system: "default".into(),
            routing_instance: "default".into(),
            underlying_interface: Some("ge-1/0/0.101".into()),
            mac_address: Some(MacAddress([0, 0, 0x5e, 0, 0x53, 1])),
            vlan_id: Some(7),
            vlan_tpid: Some(0x8100),
            stacked_vlan_id: Some(100),
            stacked_vlan_tpid: Some(0x88a8),
            pppoe_session_id: Some(1),
            agent_circuit_id: Some("dslam1 eth 1/1/2:100".into()),
            agent_remote_id: Some("cpe-42".into()),
            actual_data_rate_up: Some(1_000_000),
            actual_data_rate_down: Some(16_000_000),
            dynamic_profile: None,
            static_interface: false,
            login_time: 1_796_292_000,
            lcp_state: Some("opened".into()),
            lcp_negotiation: None,
            aaa: None,
            limits: None,
            access_routes: Vec::new(),
            authentication_protocol: Some(AuthenticationProtocol::Chap),
            tunnel: Some(SubscriberTunnel {
                tunnel_group: "tp-lns1".into(),
                tunnel_local_id: 17967,
                tunnel_remote_id: 3,
                session_local_id: 40553,
                session_remote_id: 12,
            }),
            statistics: Some(SubscriberCounters {
                input_packets: 10,
                input_bytes: 1200,
                output_packets: 8,
                output_bytes: 960,
            }),
        };
        let init = Subscriber {
            interface: "pp0.1073741826".into(),
            user_name: None,
            state: SubscriberState::Init,
            underlying_interface: Some("ge-1/0/0.0".into()),
            mac_address: Some(MacAddress([0, 0, 0x5e, 0, 0x53, 2])),
            vlan_id: None,
            vlan_tpid: None,
            stacked_vlan_id: None,
            stacked_vlan_tpid: None,
            pppoe_session_id: Some(2),
            agent_circuit_id: None,
            agent_remote_id: None,
            actual_data_rate_up: None,
            actual_data_rate_down: None,
            lcp_state: Some("req-sent".into()),
            lcp_negotiation: None,
            aaa: None,
            limits: None,
            access_routes: Vec::new(),
            authentication_protocol: None,
            tunnel: None,
            statistics: Some(SubscriberCounters::default()),
            ..active.clone()
        };
        let list = vec![active, init];
        Subscribers {
            summary: Some(SubscriberSummary::of(&list)),
            subscribers: list,
        }
    }

    fn at(level: Level, summary: bool) -> SubscriberShow {
        SubscriberShow {
            level,
            summary,
            user_name: None,
        }
    }

    /// An auto-sensed VLAN is listed as a subscriber of type VLAN, above its PPPoE one.
    #[test]
    fn an_auto_sensed_vlan_is_a_vlan_subscriber() {
        let mut list = sample().subscribers;
        list.truncate(1);
        list[0].underlying_interface = Some("ge-1/0/0.1073741824".into());
        let vlan = Subscriber {
            interface: "ge-1/0/0.1073741824".into(),
            user_name: None,
            access_type: AccessType::Vlan,
            underlying_interface: None,
            mac_address: None,
            pppoe_session_id: None,
            dynamic_profile: Some("SVLAN-PROF".into()),
            static_interface: false,
            lcp_state: None,
            authentication_protocol: None,
            tunnel: None,
            statistics: None,
            ..list[0].clone()
        };
        list.insert(0, vlan);
        let reply = Subscribers {
            summary: Some(SubscriberSummary::of(&list)),
            subscribers: list,
        };
        assert_eq!(
            subscribers(&reply, &at(Level::Brief, false)),
            "\
Interface            IP Address/VLAN ID   User Name       LS:RI
ge-1/0/0.1073741824  0x88a8.100 0x8100.7  -               default:default
pp0.1073741825       0x88a8.100 0x8100.7  u1@example.net  default:default
"
        );
        let detail = subscribers(&reply, &at(Level::Detail, false));
        assert!(
            detail.starts_with(
                "Type: VLAN\nUser Name: -\nLogical System: default\nRouting Instance: default\n\
                 Interface: ge-1/0/0.1073741824\nInterface type: Dynamic\n\
                 Dynamic Profile Name: SVLAN-PROF\nState: Active\nStacked VLAN Id: 0x88a8.100\nVLAN Id: 0x8100.7\n"
            ),
            "{detail}"
        );
        let summary = subscribers(&reply, &at(Level::Brief, true));
        assert!(summary.contains("    PPPoE: 1\n    VLAN: 1\n"), "{summary}");
    }

    #[test]
    fn brief_is_junos_table() {
        assert_eq!(
            subscribers(&sample(), &at(Level::Brief, false)),
            "\
Interface       IP Address/VLAN ID   User Name       LS:RI
pp0.1073741825  0x88a8.100 0x8100.7  u1@example.net  default:default
pp0.1073741826  -                    -               default:default
"
        );
        assert_eq!(
            subscribers(&Subscribers::default(), &at(Level::Brief, false)),
            ""
        );
    }

    #[test]
    fn detail_blocks_and_extensive_counters() {
        let detail = subscribers(&sample(), &at(Level::Detail, false));
        let first = "\
Type: PPPoE
User Name: u1@example.net
Logical System: default
Routing Instance: default
Interface: pp0.1073741825
Interface type: Dynamic
Underlying Interface: ge-1/0/0.101
MAC Address: 00:00:5e:00:53:01
State: Active
Session ID: 1
Stacked VLAN Id: 0x88a8.100
VLAN Id: 0x8100.7
Agent Circuit ID: dslam1 eth 1/1/2:100
Agent Remote ID: cpe-42
Actual Data Rate Upstream: 1000 kbps
Actual Data Rate Downstream: 16000 kbps
Login Time: 2026-12-03 10:00:00 UTC
LCP State: Opened
Authentication Protocol: CHAP
L2TP Tunnel Group: tp-lns1
L2TP Tunnel ID: 17967 (remote 3)
L2TP Session ID: 40553 (remote 12)
";
        assert!(detail.starts_with(first), "{detail}");
        assert!(
            detail.contains("\n\nType: PPPoE\nUser Name: -\n"),
            "{detail}"
        );
        assert!(detail.contains("State: Init\n"), "{detail}");
        assert!(!detail.contains("Statistics"), "{detail}");
        let extensive = subscribers(&sample(), &at(Level::Extensive, false));
        assert!(
            extensive.contains(
                "Statistics:\n  Input packets: 10, Input bytes: 1200\n  Output packets: 8, Output bytes: 960\n"
            ),
            "{extensive}"
        );
    }

    /// `| display json` carries the agent's IDs under Junos' words, and leaves them out of a
    /// subscriber without them.
    #[test]
    fn json_names_the_agents_ids_only_when_known() {
        let reply = sample();
        let active = serde_json::to_value(&reply.subscribers[0]).unwrap();
        assert_eq!(active["agent-circuit-id"], "dslam1 eth 1/1/2:100");
        assert_eq!(active["agent-remote-id"], "cpe-42");
        let init = serde_json::to_value(&reply.subscribers[1]).unwrap();
        assert!(init.get("agent-circuit-id").is_none(), "{init}");
    }

    #[test]
    fn detail_names_each_limit_and_where_it_comes_from() {
        let mut list = sample();
        list.subscribers[0].limits = Some(schema::subscriber_rpc::SubscriberLimits {
            session_timeout: Some(86_400),
            session_timeout_from: Some("session-options".into()),
            idle_timeout: Some(600),
            idle_timeout_from: Some("radius".into()),
            idle_ingress_only: true,
        });
        let detail = subscribers(&list, &at(Level::Detail, false));
        assert!(
            detail.contains(
                "Session Timeout: 86400 seconds (session-options)\n\
                 Idle Timeout: 600 seconds (radius), ingress only\n"
            ),
            "{detail}"
        );
    }

    #[test]
    fn summary_counts_by_state_type_and_interface() {
        assert_eq!(
            subscribers(&sample(), &at(Level::Brief, true)),
            "\
Subscribers by State
    Init: 1
    Active: 1
    Total: 2

Subscribers by Client Type
    PPPoE: 2
    Total: 2

Subscribers by Underlying Interface
    ge-1/0/0.0: 1
    ge-1/0/0.101: 1
    Total: 2
"
        );
    }

    /// Junos names the profile a subscriber's interface came from after its underlying
    /// interface, in `detail` and `extensive`.
    #[test]
    fn the_dynamic_profile_is_named() {
        let mut rows = sample();
        rows.subscribers[0].dynamic_profile = Some("PPPOE-SUBSCRIBER".into());
        for level in [Level::Detail, Level::Extensive] {
            let text = subscribers(&rows, &at(level, false));
            assert!(
                text.contains(
                    "Underlying Interface: ge-1/0/0.101\nDynamic Profile Name: PPPOE-SUBSCRIBER\nMAC Address:"
                ),
                "{text}"
            );
        }
    }

    /// A static unit's subscriber (a configured `pp0` or `si-` unit) reads `Static`.
    #[test]
    fn a_static_units_interface_type_is_static() {
        let mut rows = sample();
        rows.subscribers[0].interface = "pp0.1".into();
        rows.subscribers[0].static_interface = true;
        let text = subscribers(&rows, &at(Level::Detail, false));
        assert!(
            text.contains("Interface: pp0.1\nInterface type: Static\n"),
            "{text}"
        );
        assert!(text.contains("Interface type: Dynamic\n"), "{text}");
    }

    #[test]
    fn access_routes_read_as_show_route_does() {
        let mut rows = sample();
        let route = |prefix: &str, next_hop, metric, tag| AccessRoute {
            prefix: prefix.into(),
            next_hop,
            interface: "si-0/0/0.3221225473".into(),
            metric,
            preference: 13,
            tag,
        };
        rows.subscribers[0].access_routes = vec![
            route(
                "198.18.60.0/24",
                Some([198, 18, 0, 2].into()),
                Some(5),
                Some(7),
            ),
            route("198.18.61.0/29", None, None, None),
        ];
        let detail = subscribers(&rows, &at(Level::Detail, false));
        assert!(
            detail.contains(
                "Authentication Protocol: CHAP\n\
                 Access Route: 198.18.60.0/24 [Access/13] metric 5, tag 7, to 198.18.0.2 via si-0/0/0.3221225473\n\
                 Access Route: 198.18.61.0/29 [Access/13] via si-0/0/0.3221225473\n\
                 L2TP Tunnel Group: tp-lns1\n"
            ),
            "{detail}"
        );
    }
}
