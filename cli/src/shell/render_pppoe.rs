//! `show pppoe interfaces | statistics | service-name-tables` and the lines of
//! `clear pppoe …`, in Junos' plain style: a `Label: value,` block per `pp0.N`, the
//! PacketType Sent/Received table with every refusal counted below it, and each service
//! name table with its services.

use super::render_l2tp::duration;
use schema::subscriber_rpc::{
    PppoeCleared, PppoeCounters, PppoeInterface, PppoeInterfaces, PppoeSelect, PppoeServiceAction,
    PppoeServiceEntry, PppoeServiceNameTables, PppoeSessionState, PppoeStatistics,
};

pub fn interfaces(reply: &PppoeInterfaces) -> String {
    reply
        .interfaces
        .iter()
        .map(interface)
        .collect::<Vec<_>>()
        .join("\n")
}

fn interface(i: &PppoeInterface) -> String {
    let state = match i.state {
        PppoeSessionState::Init => "Init",
        PppoeSessionState::SessionUp => "Session up",
        PppoeSessionState::Terminating => "Terminating",
    };
    // RFC 2516: an empty Service-Name asks for any service.
    let service = if i.service_name.is_empty() {
        "(any)"
    } else {
        i.service_name.as_str()
    };
    let enabled = if i.auto_configured {
        "Enabled"
    } else {
        "Disabled"
    };
    format!(
        "{name}\n  State: {state}, Session ID: {id},\n  Service name: {service}, Session AC name: {ac},\n  \
         Remote MAC address: {mac},\n  Session uptime: {uptime} ago,\n  Auto-configured: {enabled},\n  \
         Underlying interface: {underlying}\n  MRU: {mru}, MTU: {mtu}\n",
        name = i.name,
        id = i.session_id,
        ac = i.session_ac_name,
        mac = i.remote_mac_address,
        uptime = duration(i.session_uptime),
        underlying = i.underlying_interface,
        mru = i.mru,
        mtu = i.mtu,
    )
}

/// The totals (unless one interface was named), then each underlying interface.
pub fn statistics(reply: &PppoeStatistics, select: &PppoeSelect) -> String {
    let mut blocks = Vec::new();
    if select.interface.is_none() {
        blocks.push(format!(
            "Active PPPoE sessions: {}\n{}",
            reply.active_sessions,
            counters(&reply.totals)
        ));
    }
    for i in &reply.interfaces {
        blocks.push(format!(
            "Underlying interface: {}, Active PPPoE sessions: {}\n{}",
            i.underlying_interface,
            i.active_sessions,
            counters(&i.counters)
        ));
    }
    blocks.join("\n")
}

/// Every counter of [`PppoeCounters`], a line each: the discovery packets sent and
/// received, then the frames refused, by reason.
fn counters(c: &PppoeCounters) -> String {
    let mut out = format!("  {:<34}{:>10}{:>14}\n", "PacketType", "Sent", "Received");
    for (packet, sent, received) in [
        ("PADI", 0, c.padi_received),
        ("PADO", c.pado_sent, 0),
        ("PADR", 0, c.padr_received),
        ("PADS", c.pads_sent, 0),
        ("PADT", c.padt_sent, c.padt_received),
    ] {
        out.push_str(&format!("    {packet:<32}{sent:>10}{received:>14}\n"));
    }
    out.push_str("  Errors and refusals\n");
    for (label, value) in [
        ("Malformed packets", c.malformed),
        ("Malformed agent tag (ignored)", c.agent_tag_malformed),
        // 32 columns: the line's rates, delays or encapsulation.
        (
            "Malformed agent rate (ignored)",
            c.agent_characteristic_malformed,
        ),
        ("Not for this concentrator", c.not_for_us),
        ("Bad source address", c.bad_source),
        ("PADO or PADS received", c.unexpected_code),
        ("Non-zero session ID", c.nonzero_session_id),
        ("Service name missing", c.service_name_missing),
        ("Service name error", c.service_name_refused),
        ("Service name dropped", c.service_name_dropped),
        (
            "Service max sessions exceeded",
            c.service_max_sessions_refused,
        ),
        ("PADO delayed", c.pado_delayed),
        ("PADO delay queue full", c.pado_delay_queue_full),
        ("PADI while PADO delayed", c.padi_while_delayed),
        ("PADR without AC cookie", c.padr_cookie_missing),
        ("PADR with invalid AC cookie", c.padr_cookie_invalid),
        ("PADR retransmitted", c.padr_retransmitted),
        ("Max sessions exceeded", c.max_sessions_refused),
        ("Duplicate client refused", c.duplicate_refused),
        ("Short cycle refused", c.short_cycle_refused),
        ("Refused while draining", c.draining_refused),
        ("Kernel drops (buffer full)", c.kernel_drops),
        ("Frames for no PPPoE unit", c.no_unit),
        ("Frames on a VLAN awaiting AAA", c.vlan_awaiting_aaa),
        ("PADT for unknown session", c.padt_unknown_session),
        ("PADT from wrong MAC address", c.padt_wrong_mac),
        (
            "Session frame, unknown session",
            c.session_frame_unknown_session,
        ),
        (
            "Session frame, wrong MAC address",
            c.session_frame_wrong_mac,
        ),
    ] {
        out.push_str(&format!("    {label:<32}{value:>24}\n"));
    }
    out
}

pub fn service_name_tables(reply: &PppoeServiceNameTables) -> String {
    let mut out = String::new();
    for (n, table) in reply.tables.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        out.push_str(&format!("Service Name Table: {}\n", table.table_name));
        for service in &table.services {
            out.push_str(&service_entry(service));
        }
    }
    out
}

fn service_entry(s: &PppoeServiceEntry) -> String {
    // `any` and `empty` are keywords, not names: Junos marks them `<any>`, `<empty>`.
    let name = match s.service_name.as_str() {
        "any" => "<any>",
        "empty" => "<empty>",
        name => name,
    };
    let action = match (s.action, s.delay) {
        (PppoeServiceAction::Terminate, _) => "Terminate".to_string(),
        (PppoeServiceAction::Drop, _) => "Drop".to_string(),
        (PppoeServiceAction::Delay, Some(seconds)) => format!("Delay {seconds} seconds"),
        (PppoeServiceAction::Delay, None) => "Delay".to_string(),
    };
    let mut out = format!("  Service Name: {name}\n    Action: {action}\n");
    out.push_str(&match s.max_sessions {
        Some(max) => format!(
            "    Max Sessions: {max}, Active Sessions: {}\n",
            s.active_sessions
        ),
        None => format!("    Active Sessions: {}\n", s.active_sessions),
    });
    if let Some(profile) = &s.dynamic_profile {
        out.push_str(&format!("    Dynamic Profile: {profile}\n"));
    }
    if let Some(ri) = &s.routing_instance {
        out.push_str(&format!("    Routing Instance: {ri}\n"));
    }
    out
}

/// `Session pp0.1073741825 cleared`, `Statistics of ge-1/0/0.100 cleared`: a line per object.
pub fn cleared(c: &PppoeCleared) -> String {
    if c.statistics {
        c.interfaces
            .iter()
            .map(|i| format!("Statistics of {i} cleared\n"))
            .collect()
    } else {
        c.sessions
            .iter()
            .map(|s| format!("Session {s} cleared\n"))
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use schema::subscriber_rpc::{MacAddress, PppoeInterfaceStatistics, PppoeServiceNameTable};

    pub fn sample_interfaces() -> PppoeInterfaces {
        PppoeInterfaces {
            interfaces: vec![PppoeInterface {
                name: "pp0.1073741825".into(),
                state: PppoeSessionState::SessionUp,
                session_id: 1,
                service_name: String::new(),
                session_ac_name: "lac1".into(),
                remote_mac_address: MacAddress([0, 0, 0x5e, 0, 0x53, 1]),
                underlying_interface: "ge-1/0/0.100".into(),
                mru: 1492,
                mtu: 1492,
                auto_configured: true,
                session_uptime: 303,
            }],
        }
    }

    /// Every counter a different value, so a counter left out of the text is missed.
    fn distinct_counters(base: u64) -> PppoeCounters {
        let fields = serde_json::to_value(PppoeCounters::default()).expect("counters");
        let numbered: serde_json::Map<String, serde_json::Value> = fields
            .as_object()
            .expect("an object")
            .keys()
            .enumerate()
            .map(|(n, name)| (name.clone(), (base + n as u64).into()))
            .collect();
        serde_json::from_value(numbered.into()).expect("counters")
    }

    pub fn sample_statistics() -> PppoeStatistics {
        PppoeStatistics {
            active_sessions: 1,
            totals: distinct_counters(1000),
            interfaces: vec![PppoeInterfaceStatistics {
                underlying_interface: "ge-1/0/0.100".into(),
                active_sessions: 1,
                counters: distinct_counters(2000),
            }],
        }
    }

    pub fn sample_tables() -> PppoeServiceNameTables {
        let entry = |name: &str, action, delay| PppoeServiceEntry {
            service_name: name.into(),
            action,
            delay,
            max_sessions: None,
            active_sessions: 0,
            dynamic_profile: None,
            routing_instance: None,
        };
        PppoeServiceNameTables {
            tables: vec![PppoeServiceNameTable {
                table_name: "svc".into(),
                services: vec![
                    PppoeServiceEntry {
                        max_sessions: Some(100),
                        active_sessions: 3,
                        dynamic_profile: Some("dp".into()),
                        routing_instance: Some("ri1".into()),
                        ..entry("gold", PppoeServiceAction::Delay, Some(5))
                    },
                    entry("empty", PppoeServiceAction::Terminate, None),
                    entry("any", PppoeServiceAction::Drop, None),
                ],
            }],
        }
    }

    #[test]
    fn an_interface_block() {
        assert_eq!(
            interfaces(&sample_interfaces()),
            "\
pp0.1073741825
  State: Session up, Session ID: 1,
  Service name: (any), Session AC name: lac1,
  Remote MAC address: 00:00:5e:00:53:01,
  Session uptime: 00:05:03 ago,
  Auto-configured: Enabled,
  Underlying interface: ge-1/0/0.100
  MRU: 1492, MTU: 1492
"
        );
        assert_eq!(interfaces(&PppoeInterfaces::default()), "");
    }

    #[test]
    fn statistics_show_every_counter() {
        let all = statistics(&sample_statistics(), &PppoeSelect::default());
        let lines = all.lines().count();
        let fields = serde_json::to_value(PppoeCounters::default())
            .expect("counters")
            .as_object()
            .map_or(0, |o| o.len()) as u64;
        for n in 0..fields {
            for base in [1000, 2000] {
                let value = (base + n).to_string();
                assert!(
                    all.split_whitespace().any(|w| w == value),
                    "counter {n} ({value}) missing:\n{all}"
                );
            }
        }
        assert!(all.starts_with(
            "Active PPPoE sessions: 1\n  PacketType                              Sent      Received\n    PADI                                     0          1"
        ), "{all}");
        assert!(
            all.contains("\nUnderlying interface: ge-1/0/0.100, Active PPPoE sessions: 1\n"),
            "{all}"
        );
        // A named interface: its block alone.
        let one = statistics(
            &sample_statistics(),
            &PppoeSelect {
                interface: Some("ge-1/0/0.100".into()),
            },
        );
        assert!(
            one.starts_with("Underlying interface: ge-1/0/0.100"),
            "{one}"
        );
        assert_eq!(one.lines().count() * 2 + 1, lines, "{one}");
    }

    #[test]
    fn service_name_tables_list_each_service() {
        assert_eq!(
            service_name_tables(&sample_tables()),
            "\
Service Name Table: svc
  Service Name: gold
    Action: Delay 5 seconds
    Max Sessions: 100, Active Sessions: 3
    Dynamic Profile: dp
    Routing Instance: ri1
  Service Name: <empty>
    Action: Terminate
    Active Sessions: 0
  Service Name: <any>
    Action: Drop
    Active Sessions: 0
"
        );
    }

    #[test]
    fn clears_list_what_they_did() {
        let sessions = PppoeCleared {
            statistics: false,
            sessions: vec!["pp0.1073741825".into(), "pp0.1073741826".into()],
            interfaces: vec![],
        };
        assert_eq!(
            cleared(&sessions),
            "Session pp0.1073741825 cleared\nSession pp0.1073741826 cleared\n"
        );
        let statistics = PppoeCleared {
            statistics: true,
            sessions: vec![],
            interfaces: vec!["ge-1/0/0.100".into()],
        };
        assert_eq!(cleared(&statistics), "Statistics of ge-1/0/0.100 cleared\n");
    }
}
