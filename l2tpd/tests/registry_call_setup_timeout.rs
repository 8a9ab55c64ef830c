//! A call that never completes its setup expires instead of holding its session for ever:
//! an LNS session whose ICCN never comes, a LAC call whose ICRP never comes. The other end
//! is a bare control connection driven by hand over an in-memory wire, on simulated time,
//! so it can acknowledge and then stay silent.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use l2tpd::l2tp::control::{PeerAuth, Tunnel, TunnelConfig, TunnelEvent};
use l2tpd::l2tp::session::{cdn_result, CallInfo};
use l2tpd::l2tp::wire::attribute::attr;
use l2tpd::l2tp::wire::{Avp, ControlMessage, ControlMessageBuilder, MessageType};
use l2tpd::registry::{Registry, RegistryEvent, SessionEnd};
use rand::rngs::StdRng;
use rand::SeedableRng;
use schema::l2tp_rpc::DisconnectSource;
use schema::typed::{RouterConfig, TunnelProfile};

const LAC: Ipv4Addr = Ipv4Addr::new(127, 0, 14, 1);
const LNS: Ipv4Addr = Ipv4Addr::new(127, 0, 14, 2);

fn config(lines: &str) -> RouterConfig {
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), lines)
        .expect("set lines parse");
    schema::typed::router_config(&tree)
}

fn endpoint(address: Ipv4Addr) -> SocketAddr {
    SocketAddr::new(address.into(), 1701)
}

/// A registry and a hand-driven peer tunnel; `now` only moves forward.
struct Wire {
    registry: Registry,
    /// The registry's address and the peer's.
    ours: Ipv4Addr,
    theirs: Ipv4Addr,
    peer: Tunnel,
    now: Instant,
    events: Vec<RegistryEvent>,
    /// Session messages the peer received, in order.
    peer_heard: Vec<ControlMessage>,
}

impl Wire {
    /// Delivers everything both ways until quiet.
    fn settle(&mut self) {
        loop {
            let mut moved = false;
            while let Some(t) = self.registry.poll_transmit() {
                moved = true;
                self.peer.handle_datagram(self.now, &t.payload);
            }
            while let Some(bytes) = self.peer.poll_transmit(self.now) {
                moved = true;
                let from = endpoint(self.theirs);
                self.registry
                    .handle_datagram(self.now, self.ours, from, &bytes);
            }
            while let Some(event) = self.peer.poll_event() {
                if let TunnelEvent::SessionMessage { msg, .. } = event {
                    self.peer_heard.push(msg);
                }
            }
            while let Some(e) = self.registry.poll_event() {
                self.events.push(e);
            }
            if !moved {
                return;
            }
        }
    }

    /// Runs the registry's and the peer's timers up to `until`.
    fn run_until(&mut self, until: Instant) {
        self.settle();
        while let Some(t) = [self.registry.poll_timeout(), self.peer.poll_timeout()]
            .into_iter()
            .flatten()
            .min()
            .filter(|t| *t <= until)
        {
            self.now = self.now.max(t);
            self.registry.handle_timeout(self.now);
            self.peer.handle_timeout(self.now);
            self.settle();
        }
        self.now = until;
    }

    fn sessions_down(&self) -> Vec<&SessionEnd> {
        self.events
            .iter()
            .filter_map(|e| match e {
                RegistryEvent::SessionDown { end, .. } => Some(end),
                _ => None,
            })
            .collect()
    }

    fn heard(&self, kind: MessageType) -> Vec<&ControlMessage> {
        self.peer_heard
            .iter()
            .filter(|m| m.message_type == Some(kind))
            .collect()
    }
}

fn quiet_peer(name: &str) -> TunnelConfig {
    let mut cfg = TunnelConfig::new(name);
    cfg.hello_interval = Duration::ZERO;
    cfg
}

/// The setup timeout: the full retransmission cycle at the defaults (1+2+4+8+16+16 s).
const SETUP: Duration = Duration::from_secs(47);

fn result_of(end: &SessionEnd) -> Option<u16> {
    match end {
        SessionEnd::Disconnected { result, .. } => Some(result.result),
        _ => None,
    }
}

/// The call ended with CDN result 10, told to the peer and counted, naming the state it
/// was stuck in.
fn assert_expired(wire: &Wire, state: &str) {
    let expected = [Some(cdn_result::NOT_ESTABLISHED_IN_TIME)];
    assert_eq!(
        wire.sessions_down()
            .into_iter()
            .map(result_of)
            .collect::<Vec<_>>(),
        expected
    );
    // The peer is told with a CDN, result 10.
    let cdns = wire.heard(MessageType::CDN);
    let [cdn] = cdns.as_slice() else {
        panic!("one CDN expected, heard {:?}", wire.peer_heard);
    };
    assert!(matches!(
        cdn.get(attr::RESULT_CODE),
        Some(Avp::ResultCode(rc)) if rc.result == cdn_result::NOT_ESTABLISHED_IN_TIME
    ));
    // Counted among the disconnect causes.
    let causes = wire.registry.disconnect_causes();
    let [cause] = causes.sessions.as_slice() else {
        panic!("one session cause: {causes:?}");
    };
    assert_eq!(
        (
            cause.source,
            cause.result_code,
            cause.description.as_str(),
            cause.count
        ),
        (
            DisconnectSource::Local,
            Some(cdn_result::NOT_ESTABLISHED_IN_TIME),
            format!("call not established in time (setup timed out in state {state})").as_str(),
            1
        )
    );
    assert_eq!(wire.registry.population().2, 0, "the session is gone");
}

#[test]
fn an_lns_session_whose_iccn_never_comes_expires() {
    let lns_config = config(&format!(
        "set system host-name lns-h\n\
         set services l2tp tunnel-group g1 local-gateway address {LNS}\n"
    ));
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(1);
    let mut wire = Wire {
        registry: Registry::new(lns_config, 2),
        ours: LNS,
        theirs: LAC,
        peer: Tunnel::new_initiator(quiet_peer("lac-h"), 40, now, &mut rng),
        now,
        events: Vec::new(),
        peer_heard: Vec::new(),
    };
    wire.settle();
    let icrq = ControlMessageBuilder::new(MessageType::ICRQ)
        .avp(Avp::AssignedSessionId(9))
        .avp(Avp::CallSerialNumber(1));
    wire.peer
        .send_session_message(0, &icrq)
        .expect("established");
    wire.settle();
    assert_eq!(wire.heard(MessageType::ICRP).len(), 1, "ICRP, then no ICCN");
    let started = wire.now;
    wire.run_until(started + SETUP - Duration::from_secs(1));
    assert!(wire.sessions_down().is_empty(), "not before the timeout");
    wire.run_until(started + SETUP);
    assert_expired(&wire, "lns-ic-wait-connect");
}

#[test]
fn a_lac_call_whose_icrp_never_comes_expires() {
    let lac_config = config("set system host-name lac-h\n");
    let now = Instant::now();
    let mut rng = StdRng::seed_from_u64(3);
    let mut registry = Registry::new(lac_config, 4);
    let profile = lac_profile();
    registry
        .open_session(now, "tp", &profile, CallInfo::default())
        .expect("placed");
    // The LNS answers the SCCRQ the registry sent, then acknowledges the ICRQ and is silent.
    let sccrq = registry.poll_transmit().expect("SCCRQ").payload;
    let peer = Tunnel::new_responder(
        quiet_peer("lns-h"),
        50,
        &sccrq,
        PeerAuth::Admitted { secret: None },
        now,
        &mut rng,
    )
    .expect("accepted");
    let mut wire = Wire {
        registry,
        ours: LAC,
        theirs: LNS,
        peer,
        now,
        events: Vec::new(),
        peer_heard: Vec::new(),
    };
    wire.settle();
    assert_eq!(wire.heard(MessageType::ICRQ).len(), 1, "ICRQ, then no ICRP");
    let started = wire.now;
    wire.run_until(started + SETUP - Duration::from_secs(1));
    assert!(wire.sessions_down().is_empty(), "not before the timeout");
    wire.run_until(started + SETUP);
    assert_expired(&wire, "lac-ic-wait-reply");
}

fn lac_profile() -> TunnelProfile {
    let tree = schema::parse::apply_set_lines(
        &schema::tree::Node::default(),
        &format!(
            "set access tunnel-profile tp tunnel 1 remote-gateway address {LNS}\n\
             set access tunnel-profile tp tunnel 1 source-gateway address {LAC}\n"
        ),
    )
    .expect("set lines parse");
    let config = schema::typed::router_config(&tree);
    config.tunnel_profiles.get("tp").expect("profile").clone()
}
