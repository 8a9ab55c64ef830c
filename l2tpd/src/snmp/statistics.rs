//! `show snmp statistics`: the embedded agent's counters and the AgentX subagent's state,
//! as the management protocol carries them.

use std::net::SocketAddr;

use schema::snmp_rpc::{
    AgentxStatistics, SnmpInputStatistics, SnmpOutputStatistics, SnmpStatistics,
};

use super::agent::AgentCounters;
use super::agentx::runtime::SubagentStatus;
use super::trap::TrapCounters;

/// The reply, from the counters the SNMP thread keeps. `listening` is where the embedded
/// agent listens (nowhere when it does not); its sockets share one port.
pub fn statistics(
    listening: &[SocketAddr],
    agent: &AgentCounters,
    traps: &TrapCounters,
    subagent: &SubagentStatus,
) -> SnmpStatistics {
    SnmpStatistics {
        agent_address: listening.iter().map(|at| at.ip()).collect(),
        agent_port: listening.first().map(|at| at.port()),
        snmp_input_statistics: SnmpInputStatistics {
            packets: agent.in_packets,
            bad_versions: agent.bad_versions,
            bad_community_names: agent.bad_community_names,
            unlisted_clients: agent.unlisted_clients,
            asn_parse_errors: agent.asn_parse_errors,
            oversized_requests: agent.oversized_requests,
            get_requests: agent.get_requests,
            get_nexts: agent.get_next_requests,
            get_bulks: agent.get_bulk_requests,
            set_requests: agent.set_requests,
            unsupported_pdus: agent.unsupported_pdus,
        },
        snmp_output_statistics: SnmpOutputStatistics {
            packets: agent.out_responses + traps.sent,
            too_bigs: agent.too_bigs,
            no_such_names: agent.no_such_names,
            get_responses: agent.out_responses,
            traps: traps.sent,
            trap_drops: traps.dropped,
        },
        agentx_statistics: AgentxStatistics {
            socket: subagent.path.as_ref().map(|p| p.display().to_string()),
            connected: subagent.connected,
            registered: subagent.registered,
            connects: subagent.counters.connects,
            registrations: subagent.counters.registrations,
            resets: subagent.counters.resets,
            requests: subagent.requests.requests,
            parse_errors: subagent.requests.parse_errors,
            set_requests: subagent.requests.set_requests,
            unsupported_pdus: subagent.requests.unsupported_pdus,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snmp::agentx::runtime::SubagentCounters;
    use crate::snmp::agentx::session::SessionCounters;
    use std::path::PathBuf;

    #[test]
    fn every_counter_lands_in_its_own_field() {
        // Distinct values, so a counter copied into the wrong field shows.
        let agent = AgentCounters {
            in_packets: 1,
            out_responses: 2,
            bad_versions: 3,
            bad_community_names: 4,
            unlisted_clients: 5,
            asn_parse_errors: 6,
            oversized_requests: 7,
            unsupported_pdus: 8,
            get_requests: 9,
            get_next_requests: 10,
            get_bulk_requests: 11,
            set_requests: 12,
            too_bigs: 13,
            no_such_names: 14,
        };
        let subagent = SubagentStatus {
            path: Some(PathBuf::from("/run/agentx/master")),
            connected: true,
            registered: false,
            counters: SubagentCounters {
                connects: 21,
                registrations: 22,
                resets: 23,
            },
            requests: SessionCounters {
                requests: 24,
                parse_errors: 25,
                set_requests: 26,
                unsupported_pdus: 27,
            },
        };
        let at = SocketAddr::from(([127, 0, 41, 1], 161));
        let traps = TrapCounters {
            sent: 3,
            dropped: 4,
        };
        let shown = statistics(&[at], &agent, &traps, &subagent);
        assert_eq!(
            shown,
            SnmpStatistics {
                agent_address: vec![at.ip()],
                agent_port: Some(161),
                snmp_input_statistics: SnmpInputStatistics {
                    packets: 1,
                    bad_versions: 3,
                    bad_community_names: 4,
                    unlisted_clients: 5,
                    asn_parse_errors: 6,
                    oversized_requests: 7,
                    get_requests: 9,
                    get_nexts: 10,
                    get_bulks: 11,
                    set_requests: 12,
                    unsupported_pdus: 8,
                },
                snmp_output_statistics: SnmpOutputStatistics {
                    packets: 5,
                    too_bigs: 13,
                    no_such_names: 14,
                    get_responses: 2,
                    traps: 3,
                    trap_drops: 4,
                },
                agentx_statistics: AgentxStatistics {
                    socket: Some("/run/agentx/master".into()),
                    connected: true,
                    registered: false,
                    connects: 21,
                    registrations: 22,
                    resets: 23,
                    requests: 24,
                    parse_errors: 25,
                    set_requests: 26,
                    unsupported_pdus: 27,
                },
            }
        );
    }
}
