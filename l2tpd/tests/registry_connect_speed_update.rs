//! RFC 5515 at an LNS: the ICCN's connect speeds are the session's until the LAC's
//! Connect-Speed-Update-Notification replaces them, and `show services l2tp session` says
//! so. An LNS registry configured from `set` lines, and a LAC control connection driven by
//! hand.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Instant;

use l2tpd::l2tp::control::{Tunnel, TunnelConfig};
use l2tpd::l2tp::wire::attribute::attr;
use l2tpd::l2tp::wire::{Avp, ControlMessage, ControlMessageBuilder, MessageType, SpeedUpdate};
use l2tpd::registry::Registry;
use rand::rngs::StdRng;
use rand::SeedableRng;
use schema::l2tp_rpc::{L2tpSession, L2tpShow};
use schema::typed::{RouterConfig, Secret};

const LNS: Ipv4Addr = Ipv4Addr::new(127, 0, 71, 2);
const SECRET: &str = "speed-secret";
/// The LAC's ID for its session.
const LAC_SESSION: u16 = 21;

fn lac_address() -> SocketAddr {
    SocketAddr::new(Ipv4Addr::new(127, 0, 71, 1).into(), 1701)
}

fn lns() -> Registry {
    let lines = format!(
        "set services l2tp tunnel-group g local-gateway address {LNS}\n\
         set services l2tp tunnel-group g l2tp-access-profile lacs\n\
         set access profile lacs client lac1 l2tp shared-secret {SECRET}\n"
    );
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), &lines)
        .expect("set lines parse");
    schema::validate::check(&tree).expect("a valid configuration");
    let config: RouterConfig = schema::typed::router_config(&tree);
    Registry::new(config, 7)
}

fn lac(now: Instant) -> Tunnel {
    let mut cfg = TunnelConfig::new("lac1");
    cfg.secret = Some(Secret::from(SECRET));
    Tunnel::new_initiator(cfg, 11, now, &mut StdRng::seed_from_u64(9))
}

/// Carries datagrams both ways until both sides are quiet; returns what the LNS sent.
fn exchange(now: Instant, lac: &mut Tunnel, lns: &mut Registry) -> Vec<Vec<u8>> {
    let mut from_lns = Vec::new();
    loop {
        let mut moved = false;
        while let Some(bytes) = lac.poll_transmit(now) {
            moved = true;
            lns.handle_datagram(now, LNS, lac_address(), &bytes);
        }
        while let Some(t) = lns.poll_transmit() {
            moved = true;
            lac.handle_datagram(now, &t.payload);
            from_lns.push(t.payload);
        }
        while lac.poll_event().is_some() {}
        if !moved {
            return from_lns;
        }
    }
}

fn session(now: Instant, lns: &Registry) -> L2tpSession {
    let sessions = lns
        .sessions(now, &L2tpShow::default())
        .expect("sessions")
        .sessions;
    let [session] = sessions.as_slice() else {
        panic!("one session: {sessions:?}");
    };
    session.clone()
}

/// An established call at the LNS, set up with the ICCN's speeds; the LNS's ID for it.
fn established_call(now: Instant, lac: &mut Tunnel, lns: &mut Registry) -> u16 {
    exchange(now, lac, lns);
    let icrq = ControlMessageBuilder::new(MessageType::ICRQ)
        .avp(Avp::AssignedSessionId(LAC_SESSION))
        .avp(Avp::CallSerialNumber(1));
    lac.send_session_message(0, &icrq).expect("established");
    let icrp = exchange(now, lac, lns)
        .iter()
        .filter_map(|d| ControlMessage::parse(d, Some(SECRET.as_bytes())).ok())
        .find(|m| m.message_type == Some(MessageType::ICRP))
        .expect("ICRP");
    let Some(Avp::AssignedSessionId(lns_session)) = icrp.get(attr::ASSIGNED_SESSION_ID).cloned()
    else {
        panic!("ICRP without Assigned Session ID");
    };
    let iccn = ControlMessageBuilder::new(MessageType::ICCN)
        .avp(Avp::TxConnectSpeed(16_000_000))
        .avp(Avp::FramingType(1))
        .avp(Avp::RxConnectSpeed(1_000_000));
    lac.send_session_message(lns_session, &iccn)
        .expect("established");
    exchange(now, lac, lns);
    lns_session
}

#[test]
fn a_csun_replaces_the_iccns_connect_speeds() {
    let now = Instant::now();
    let mut lns = lns();
    let mut lac = lac(now);
    let lns_session = established_call(now, &mut lac, &mut lns);
    let before = session(now, &lns);
    assert_eq!(
        (before.tx_connect_speed, before.rx_connect_speed),
        (16_000_000, Some(1_000_000))
    );
    // Tunnel-wide (Session ID 0), one AVP per session; one for a session the LNS does not
    // have is skipped, not an error.
    let csun = ControlMessageBuilder::new(MessageType::CSUN)
        .avp(Avp::ConnectSpeedUpdate(SpeedUpdate {
            session_id: lns_session.wrapping_add(100),
            tx: 1,
            rx: 1,
        }))
        .avp(Avp::ConnectSpeedUpdate(SpeedUpdate {
            session_id: lns_session,
            tx: 12_000_000,
            rx: 800_000,
        }));
    lac.send_session_message(0, &csun).expect("established");
    exchange(now, &mut lac, &mut lns);
    let after = session(now, &lns);
    assert_eq!(
        (after.tx_connect_speed, after.rx_connect_speed),
        (12_000_000, Some(800_000))
    );
    assert_eq!(after.state, before.state, "the session stays up");
}
