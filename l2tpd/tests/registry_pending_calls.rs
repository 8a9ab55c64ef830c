//! Calls that end while their tunnel is still being set up (the subscriber logs out between
//! its PPPoE session and the tunnel's SCCCN): they are forgotten at once, the others keep
//! their order and come up when the tunnel does (issue 15, item 4: the removal is by index,
//! no longer a search of the tunnel's queue).

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Instant;

use l2tpd::l2tp::session::{CallInfo, CdnResult};
use l2tpd::registry::{Registry, RegistryEvent, SessionEnd, SessionRef};
use schema::typed::RouterConfig;

const LAC: Ipv4Addr = Ipv4Addr::new(127, 0, 73, 1);
const LNS: Ipv4Addr = Ipv4Addr::new(127, 0, 73, 2);

fn config(lines: &str) -> RouterConfig {
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), lines)
        .expect("set lines parse");
    schema::validate::check(&tree).expect("a valid configuration");
    schema::typed::router_config(&tree)
}

fn addr(ip: Ipv4Addr, port: u16) -> SocketAddr {
    SocketAddr::new(ip.into(), port)
}

/// Delivers both ways until quiet; returns the LAC's events.
fn settle(lac: &mut Registry, lns: &mut Registry, now: Instant) -> Vec<RegistryEvent> {
    let mut events = Vec::new();
    loop {
        let mut moved = false;
        while let Some(t) = lac.poll_transmit() {
            moved = true;
            lns.handle_datagram(now, LNS, addr(LAC, 1701), &t.payload);
        }
        while let Some(t) = lns.poll_transmit() {
            moved = true;
            lac.handle_datagram(now, LAC, addr(LNS, 1701), &t.payload);
        }
        events.extend(std::iter::from_fn(|| lac.poll_event()));
        while lns.poll_event().is_some() {}
        if !moved {
            return events;
        }
    }
}

#[test]
fn calls_closed_while_the_tunnel_comes_up_are_forgotten_the_others_come_up() {
    let lac_config = config(&format!(
        "set access tunnel-profile tp tunnel 1 source-gateway address {LAC}\n\
         set access tunnel-profile tp tunnel 1 remote-gateway address {LNS}\n"
    ));
    let tp = lac_config.tunnel_profiles["tp"].clone();
    let mut lac = Registry::new(lac_config, 1);
    let mut lns = Registry::new(
        config(&format!(
            "set services l2tp tunnel-group g local-gateway address {LNS}\n"
        )),
        2,
    );
    let now = Instant::now();
    // Every call is placed before the LNS has answered the SCCRQ: all wait for the tunnel.
    let calls: Vec<SessionRef> = (1..=200)
        .map(|serial| {
            lac.open_session(
                now,
                "tp",
                &tp,
                CallInfo {
                    serial,
                    ..CallInfo::default()
                },
            )
            .expect("placed")
        })
        .collect();
    let closed: Vec<SessionRef> = calls.iter().copied().step_by(3).collect();
    for call in &closed {
        assert!(lac.close_session(now, *call, CdnResult::administrative("bye"), None));
        // A second close finds nothing.
        assert!(!lac.close_session(now, *call, CdnResult::administrative("bye"), None));
    }
    let events = settle(&mut lac, &mut lns, now);
    let up: Vec<SessionRef> = events
        .iter()
        .filter_map(|e| match e {
            RegistryEvent::SessionUp { session, .. } => Some(*session),
            _ => None,
        })
        .collect();
    let expected: Vec<SessionRef> = calls
        .iter()
        .copied()
        .filter(|c| !closed.contains(c))
        .collect();
    assert_eq!(up, expected, "the others come up, in the order they came");
    let ended: Vec<SessionRef> = events
        .iter()
        .filter_map(|e| match e {
            RegistryEvent::SessionDown {
                session,
                end: SessionEnd::Disconnected { by_peer: false, .. },
                ..
            } => Some(*session),
            _ => None,
        })
        .collect();
    assert_eq!(
        ended, closed,
        "each closed call ends once, as a local disconnect"
    );
    let (_, _, sessions) = lac.population();
    assert_eq!(sessions, expected.len());
}
