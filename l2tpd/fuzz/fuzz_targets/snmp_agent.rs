//! Arbitrary datagrams into the embedded SNMP agent, from a listed client with the right
//! community in play: whatever arrives, the agent answers within one UDP datagram or drops it.
#![no_main]

use std::net::SocketAddr;
use std::time::SystemTime;

use l2tpd::snmp::agent::{Agent, AgentConfig, Community};
use l2tpd::snmp::snapshot::SnmpSnapshot;
use l2tpd::snmp::view::View;
use libfuzzer_sys::fuzz_target;

/// The most an answer may take: one Ethernet-sized UDP payload.
const MAX_REPLY: usize = 1472;

fuzz_target!(|data: &[u8]| {
    let mut agent = Agent::new(AgentConfig {
        communities: vec![Community {
            name: "public".into(),
            clients: Vec::new(),
        }],
    });
    let view = View::new(SnmpSnapshot::default(), SystemTime::UNIX_EPOCH);
    let source = SocketAddr::from(([127, 0, 0, 1], 40000));
    if let Some(reply) = agent.handle(source, data, &view) {
        assert!(reply.len() <= MAX_REPLY, "{} bytes", reply.len());
    }
});
