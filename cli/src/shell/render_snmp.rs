//! `show snmp mib get | walk` output, one object a line as Junos prints it:
//! `jnxL2tpTunnelStatsRemoteTID.17967 = 5`; and `show snmp statistics`, Junos' groups of
//! comma-separated `Label: value` pairs.

use schema::snmp_rpc::{SnmpObjects, SnmpStatistics, SnmpValue};

pub fn objects(objects: &SnmpObjects) -> String {
    let mut out = String::new();
    for object in &objects.objects {
        out.push_str(&object.name);
        out.push_str(" = ");
        out.push_str(&value(&object.value));
        out.push('\n');
    }
    if objects.truncated {
        out.push_str(&format!(
            "(walk stopped after {} objects: walk a column or a row for the rest)\n",
            objects.objects.len()
        ));
    }
    out
}

fn value(value: &SnmpValue) -> String {
    match value {
        SnmpValue::Integer(v) => v.to_string(),
        SnmpValue::OctetString(octets) => octet_string(octets),
        SnmpValue::IpAddress([a, b, c, d]) => format!("{a}.{b}.{c}.{d}"),
        SnmpValue::Counter32(v) | SnmpValue::Gauge32(v) | SnmpValue::TimeTicks(v) => v.to_string(),
        SnmpValue::Counter64(v) => v.to_string(),
        SnmpValue::ObjectIdentifier(arcs) => arcs
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join("."),
        SnmpValue::NoSuchObject => "No such object".into(),
        SnmpValue::NoSuchInstance => "No such instance".into(),
        SnmpValue::EndOfMibView => "End of MIB view".into(),
    }
}

/// `show snmp statistics`: Input and Output of the embedded agent, then the AgentX
/// subagent, each group's pairs wrapped a few to a line as Junos wraps them.
pub fn statistics(s: &SnmpStatistics) -> String {
    let input = &s.snmp_input_statistics;
    let output = &s.snmp_output_statistics;
    let agentx = &s.agentx_statistics;
    let mut out = String::from("SNMP statistics:\n");
    let addresses: Vec<String> = s.agent_address.iter().map(|a| a.to_string()).collect();
    out.push_str(&match (addresses.is_empty(), s.agent_port) {
        (false, Some(port)) => {
            let addresses = addresses.join(", ");
            format!("  Agent: listening on {addresses} UDP port {port}\n")
        }
        _ => "  Agent: not listening (no community configured)\n".into(),
    });
    group(
        &mut out,
        "Input",
        &[
            &[
                ("Packets", input.packets),
                ("Bad versions", input.bad_versions),
                ("Bad community names", input.bad_community_names),
            ],
            &[
                ("Unlisted clients", input.unlisted_clients),
                ("ASN parse errors", input.asn_parse_errors),
                ("Oversized requests", input.oversized_requests),
            ],
            &[
                ("Get requests", input.get_requests),
                ("Get nexts", input.get_nexts),
                ("Get bulks", input.get_bulks),
                ("Set requests", input.set_requests),
            ],
            &[("Unsupported PDUs", input.unsupported_pdus)],
        ],
    );
    group(
        &mut out,
        "Output",
        &[
            &[
                ("Packets", output.packets),
                ("Too bigs", output.too_bigs),
                ("No such names", output.no_such_names),
                ("Get responses", output.get_responses),
            ],
            &[("Traps", output.traps), ("Trap drops", output.trap_drops)],
        ],
    );
    out.push_str("  AgentX:\n");
    match &agentx.socket {
        Some(socket) => out.push_str(&format!(
            "    Socket: {socket}, Connected: {}, Registered: {}\n",
            yes_no(agentx.connected),
            yes_no(agentx.registered)
        )),
        None => out.push_str("    Socket: not configured\n"),
    }
    pairs(
        &mut out,
        &[
            &[
                ("Connects", agentx.connects),
                ("Registrations", agentx.registrations),
                ("Resets", agentx.resets),
            ],
            &[
                ("Requests", agentx.requests),
                ("Parse errors", agentx.parse_errors),
                ("Set requests", agentx.set_requests),
                ("Unsupported PDUs", agentx.unsupported_pdus),
            ],
        ],
    );
    out
}

type Line<'a> = &'a [(&'a str, u64)];

fn group(out: &mut String, title: &str, lines: &[Line<'_>]) {
    out.push_str(&format!("  {title}:\n"));
    pairs(out, lines);
}

/// `    Label: value, Label: value,` with a comma ending every line but the group's last.
fn pairs(out: &mut String, lines: &[Line<'_>]) {
    for (n, line) in lines.iter().enumerate() {
        let text: Vec<String> = line.iter().map(|(l, v)| format!("{l}: {v}")).collect();
        out.push_str("    ");
        out.push_str(&text.join(", "));
        if n + 1 < lines.len() {
            out.push(',');
        }
        out.push('\n');
    }
}

fn yes_no(flag: bool) -> &'static str {
    if flag {
        "yes"
    } else {
        "no"
    }
}

/// Text when every octet is printable, else the octets in hex (DateAndTime, InetAddress).
fn octet_string(octets: &[u8]) -> String {
    if octets.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        String::from_utf8_lossy(octets).into_owned()
    } else {
        octets
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use schema::snmp_rpc::{
        AgentxStatistics, SnmpInputStatistics, SnmpObject, SnmpOutputStatistics,
    };

    #[test]
    fn one_line_per_object_with_printable_text_or_hex() {
        let shown = objects(&SnmpObjects {
            objects: vec![
                SnmpObject {
                    oid: vec![1, 3],
                    name: "jnxL2tpTunnelStatsRemoteTID.17967".into(),
                    value: SnmpValue::Integer(5),
                },
                SnmpObject {
                    oid: vec![1, 4],
                    name: "jnxL2tpTunnelStatsRemoteHostName.17967".into(),
                    value: SnmpValue::OctetString(b"lns a".to_vec()),
                },
                SnmpObject {
                    oid: vec![1, 5],
                    name: "jnxL2tpTunnelStatsRemoteAddress.17967".into(),
                    value: SnmpValue::OctetString(vec![127, 0, 9, 2]),
                },
                SnmpObject {
                    oid: vec![1, 6],
                    name: "jnxL2tpStatsPayloadTxPkts.0".into(),
                    value: SnmpValue::Counter64(u64::MAX),
                },
            ],
            truncated: false,
        });
        assert_eq!(
            shown,
            "jnxL2tpTunnelStatsRemoteTID.17967 = 5\n\
             jnxL2tpTunnelStatsRemoteHostName.17967 = lns a\n\
             jnxL2tpTunnelStatsRemoteAddress.17967 = 7f 00 09 02\n\
             jnxL2tpStatsPayloadTxPkts.0 = 18446744073709551615\n"
        );
    }

    /// Distinct values in every field, so a swapped field shows.
    pub(crate) fn counted() -> SnmpStatistics {
        SnmpStatistics {
            agent_address: vec![[127, 0, 41, 1].into(), std::net::Ipv6Addr::LOCALHOST.into()],
            agent_port: Some(161),
            snmp_input_statistics: SnmpInputStatistics {
                packets: 40,
                bad_versions: 1,
                bad_community_names: 2,
                unlisted_clients: 3,
                asn_parse_errors: 4,
                oversized_requests: 5,
                get_requests: 6,
                get_nexts: 7,
                get_bulks: 8,
                set_requests: 9,
                unsupported_pdus: 10,
            },
            snmp_output_statistics: SnmpOutputStatistics {
                packets: 32,
                too_bigs: 11,
                no_such_names: 12,
                get_responses: 30,
                traps: 2,
                trap_drops: 1,
            },
            agentx_statistics: AgentxStatistics {
                socket: Some("/run/agentx/master".into()),
                connected: true,
                registered: true,
                connects: 2,
                registrations: 2,
                resets: 1,
                requests: 13,
                parse_errors: 14,
                set_requests: 15,
                unsupported_pdus: 16,
            },
        }
    }

    #[test]
    fn statistics_are_grouped_as_junos_groups_them() {
        assert_eq!(
            statistics(&counted()),
            "SNMP statistics:\n\
             \x20 Agent: listening on 127.0.41.1, ::1 UDP port 161\n\
             \x20 Input:\n\
             \x20   Packets: 40, Bad versions: 1, Bad community names: 2,\n\
             \x20   Unlisted clients: 3, ASN parse errors: 4, Oversized requests: 5,\n\
             \x20   Get requests: 6, Get nexts: 7, Get bulks: 8, Set requests: 9,\n\
             \x20   Unsupported PDUs: 10\n\
             \x20 Output:\n\
             \x20   Packets: 32, Too bigs: 11, No such names: 12, Get responses: 30,\n\
             \x20   Traps: 2, Trap drops: 1\n\
             \x20 AgentX:\n\
             \x20   Socket: /run/agentx/master, Connected: yes, Registered: yes\n\
             \x20   Connects: 2, Registrations: 2, Resets: 1,\n\
             \x20   Requests: 13, Parse errors: 14, Set requests: 15, Unsupported PDUs: 16\n"
        );
    }

    #[test]
    fn statistics_say_what_is_not_running() {
        let idle = SnmpStatistics {
            agent_address: Vec::new(),
            agent_port: None,
            agentx_statistics: AgentxStatistics {
                socket: None,
                ..counted().agentx_statistics
            },
            ..counted()
        };
        let shown = statistics(&idle);
        assert!(
            shown.contains("  Agent: not listening (no community configured)\n"),
            "{shown}"
        );
        assert!(
            shown.contains("  AgentX:\n    Socket: not configured\n    Connects: 2,"),
            "{shown}"
        );
        let lost = SnmpStatistics {
            agentx_statistics: AgentxStatistics {
                connected: false,
                registered: false,
                ..counted().agentx_statistics
            },
            ..counted()
        };
        assert!(statistics(&lost)
            .contains("    Socket: /run/agentx/master, Connected: no, Registered: no\n"));
    }

    #[test]
    fn missing_objects_instances_and_the_end_of_the_view_read_apart() {
        let object = |name: &str, value| SnmpObject {
            oid: vec![1, 3],
            name: name.into(),
            value,
        };
        let shown = objects(&SnmpObjects {
            objects: vec![
                object("1.3.6.1.4.1.2636.3.49.1.1.9.0", SnmpValue::NoSuchObject),
                object("jnxL2tpTunnelStatsRemoteTID.7", SnmpValue::NoSuchInstance),
                object("jnxL2tpSessionStatsTable", SnmpValue::EndOfMibView),
            ],
            truncated: false,
        });
        assert_eq!(
            shown,
            "1.3.6.1.4.1.2636.3.49.1.1.9.0 = No such object\n\
             jnxL2tpTunnelStatsRemoteTID.7 = No such instance\n\
             jnxL2tpSessionStatsTable = End of MIB view\n"
        );
    }

    #[test]
    fn a_truncated_walk_says_so() {
        let shown = objects(&SnmpObjects {
            objects: vec![SnmpObject {
                oid: vec![1, 3],
                name: "jnxL2tpStatsTotalTunnels.0".into(),
                value: SnmpValue::Gauge32(8),
            }],
            truncated: true,
        });
        assert_eq!(
            shown,
            "jnxL2tpStatsTotalTunnels.0 = 8\n\
             (walk stopped after 1 objects: walk a column or a row for the rest)\n"
        );
    }
}
