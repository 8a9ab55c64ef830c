//! What an LNS `tunnel-group` statement does to the tunnels the group accepts, seen on the
//! wire, and what the LAC's messages do to the group's sessions (RFC 5515's connect speed
//! updates): an LNS registry configured from `set` lines, and a LAC control connection
//! driven by hand, on simulated time.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use l2tpd::l2tp::control::{Tunnel, TunnelConfig};
use l2tpd::l2tp::wire::attribute::attr;
use l2tpd::l2tp::wire::{Avp, ControlMessage, ControlMessageBuilder, MessageType, SpeedUpdate};
use l2tpd::registry::{Registry, RegistryEvent};
use rand::rngs::StdRng;
use rand::SeedableRng;
use schema::l2tp_rpc::{L2tpSession, L2tpShow};
use schema::typed::{RouterConfig, Secret};

const LNS: Ipv4Addr = Ipv4Addr::new(127, 0, 70, 2);
const SECRET: &str = "group-secret";

fn lac_address() -> SocketAddr {
    SocketAddr::new(Ipv4Addr::new(127, 0, 70, 1).into(), 1701)
}

/// An LNS with group `g` on `LNS`, admitting `lac1` with `SECRET`, plus `extra` set lines.
fn lns(extra: &str) -> Registry {
    let lines = format!(
        "set services l2tp tunnel-group g local-gateway address {LNS}\n\
         set services l2tp tunnel-group g l2tp-access-profile lacs\n\
         set access profile lacs client lac1 l2tp shared-secret {SECRET}\n\
         {extra}"
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
    Tunnel::new_initiator(cfg, 11, now, &mut StdRng::seed_from_u64(5))
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

/// The first message of `message_type` among `datagrams`, read without the secret, so that
/// hidden AVPs stay hidden.
fn first(datagrams: &[Vec<u8>], message_type: MessageType) -> ControlMessage {
    datagrams
        .iter()
        .filter_map(|d| ControlMessage::parse_leaving_hidden(d).ok())
        .find(|m| m.message_type == Some(message_type))
        .unwrap_or_else(|| panic!("no {message_type:?} sent"))
}

fn receive_window_of(sccrp: &ControlMessage) -> Option<u16> {
    match sccrp.get(attr::RECEIVE_WINDOW_SIZE) {
        Some(Avp::ReceiveWindowSize(w)) => Some(*w),
        _ => None,
    }
}

/// The SCCRP the LNS answers a fresh SCCRQ with.
fn sccrp(extra: &str) -> ControlMessage {
    let now = Instant::now();
    let mut lns = lns(extra);
    let mut lac = lac(now);
    let sccrq = lac.poll_transmit(now).expect("SCCRQ");
    lns.handle_datagram(now, LNS, lac_address(), &sccrq);
    let t = lns.poll_transmit().expect("an answer");
    ControlMessage::parse(&t.payload, Some(SECRET.as_bytes())).expect("SCCRP parses")
}

#[test]
fn receive_window_is_the_window_the_sccrp_offers() {
    // At the global default (4) the AVP is left out, which means 4 (RFC 2661 §4.4.3).
    assert_eq!(receive_window_of(&sccrp("")), None);
    assert_eq!(
        receive_window_of(&sccrp("set services l2tp tunnel rx-window-size 8\n")),
        Some(8)
    );
    // The group's statement wins over the global one for the group's tunnels.
    assert_eq!(
        receive_window_of(&sccrp(
            "set services l2tp tunnel rx-window-size 8\n\
             set services l2tp tunnel-group g receive-window 16\n"
        )),
        Some(16)
    );
}

/// The LAC's ID for its session.
const LAC_SESSION: u16 = 21;

/// Establishes the tunnel, sends an ICRQ and returns the ICRP the LNS answers it with, as sent.
fn call_request(now: Instant, lac: &mut Tunnel, lns: &mut Registry) -> ControlMessage {
    exchange(now, lac, lns);
    let icrq = ControlMessageBuilder::new(MessageType::ICRQ)
        .avp(Avp::AssignedSessionId(LAC_SESSION))
        .avp(Avp::CallSerialNumber(1));
    lac.send_session_message(0, &icrq)
        .expect("tunnel established");
    first(&exchange(now, lac, lns), MessageType::ICRP)
}

/// An established tunnel and the ICRP the LNS answers an ICRQ with, as sent.
fn icrp(extra: &str) -> ControlMessage {
    let now = Instant::now();
    call_request(now, &mut lac(now), &mut lns(extra))
}

#[test]
fn hide_avps_hides_what_the_lns_sends() {
    // Junos' default: AVPs that could be hidden are sent in the clear, secret or not.
    let clear = icrp("");
    assert!(!clear.is_still_hidden(attr::ASSIGNED_SESSION_ID));
    assert!(matches!(
        clear.get(attr::ASSIGNED_SESSION_ID),
        Some(Avp::AssignedSessionId(_))
    ));
    let hidden = icrp("set services l2tp tunnel-group g hide-avps\n");
    assert!(hidden.is_still_hidden(attr::ASSIGNED_SESSION_ID));
    assert!(hidden.get(attr::RANDOM_VECTOR).is_some());
}

/// When the LNS sent its SCCRPs (offsets from the SCCRQ) to a LAC that never answers, and
/// when it reported the tunnel down.
fn silent_lac(extra: &str) -> (Vec<u64>, Option<u64>) {
    let start = Instant::now();
    let mut lns = lns(extra);
    let mut lac = lac(start);
    let sccrq = lac.poll_transmit(start).expect("SCCRQ");
    lns.handle_datagram(start, LNS, lac_address(), &sccrq);
    let mut now = start;
    let mut sent = Vec::new();
    let mut down = None;
    for _ in 0..100 {
        while lns.poll_transmit().is_some() {
            sent.push((now - start).as_secs());
        }
        while let Some(event) = lns.poll_event() {
            if matches!(event, RegistryEvent::TunnelDown { .. }) && down.is_none() {
                down = Some((now - start).as_secs());
            }
        }
        match lns.poll_timeout() {
            Some(at) if at - start <= Duration::from_secs(600) => {
                now = at;
                lns.handle_timeout(now);
            }
            _ => break,
        }
    }
    (sent, down)
}

#[test]
fn retransmit_interval_caps_the_backoff_and_tunnel_timeout_gives_up() {
    // Defaults: 1, 2, 4, 8, 16 s waits, then one more 16 s: down at 47 s.
    assert_eq!(silent_lac(""), (vec![0, 1, 3, 7, 15, 31], Some(47)));
    // The group's cap of 30 s stretches the late waits; with 8 retransmissions allowed the
    // count alone would clear the tunnel at 151 s, but tunnel-timeout gives up at 100 s.
    assert_eq!(
        silent_lac(
            "set services l2tp tunnel retransmission-count-not-established 8\n\
             set services l2tp tunnel-group g retransmit-interval 30\n\
             set services l2tp tunnel-group g tunnel-timeout 100\n"
        ),
        (vec![0, 1, 3, 7, 15, 31, 61, 91], Some(100))
    );
    // Without the timeout, the count decides.
    assert_eq!(
        silent_lac(
            "set services l2tp tunnel retransmission-count-not-established 8\n\
             set services l2tp tunnel-group g retransmit-interval 30\n"
        ),
        (vec![0, 1, 3, 7, 15, 31, 61, 91, 121], Some(151))
    );
    // Below RFC 2661's 8 s floor for a cap (Juniper's example writes 5): 1, 2, 4, then 8 s.
    assert_eq!(
        silent_lac(
            "set services l2tp tunnel retransmission-count-not-established 6\n\
             set services l2tp tunnel-group g retransmit-interval 5\n"
        ),
        (vec![0, 1, 3, 7, 15, 23, 31], Some(39))
    );
}

/// How many ICRPs the LNS sends at once to a LAC offering a window of 8, once acknowledged
/// exchanges have opened the congestion window (RFC 2661 appendix A).
fn icrps_in_flight(extra: &str) -> usize {
    let now = Instant::now();
    let mut lns = lns(extra);
    let mut cfg = TunnelConfig::new("lac1");
    cfg.secret = Some(Secret::from(SECRET));
    cfg.rx_window_size = 8;
    let mut lac = Tunnel::new_initiator(cfg, 11, now, &mut StdRng::seed_from_u64(5));
    exchange(now, &mut lac, &mut lns);
    let icrq = |serial: u32| {
        ControlMessageBuilder::new(MessageType::ICRQ)
            .avp(Avp::AssignedSessionId(20 + serial as u16))
            .avp(Avp::CallSerialNumber(serial))
    };
    // Acknowledged exchanges open the congestion window up to the send window.
    for serial in 1..=10 {
        lac.send_session_message(0, &icrq(serial))
            .expect("established");
        exchange(now, &mut lac, &mut lns);
    }
    // Six ICRQs at once, and what the LNS sends before any acknowledgement comes back.
    for serial in 11..=16 {
        lac.send_session_message(0, &icrq(serial))
            .expect("established");
    }
    while let Some(bytes) = lac.poll_transmit(now) {
        lns.handle_datagram(now, LNS, lac_address(), &bytes);
    }
    let mut icrps = 0;
    while let Some(t) = lns.poll_transmit() {
        if ControlMessage::parse_leaving_hidden(&t.payload)
            .is_ok_and(|m| m.message_type == Some(MessageType::ICRP))
        {
            icrps += 1;
        }
    }
    icrps
}

#[test]
fn maximum_send_window_bounds_what_is_in_flight() {
    let unbounded = icrps_in_flight("");
    assert!(
        unbounded > 2,
        "{unbounded}: the congestion window is open past 2"
    );
    assert_eq!(
        icrps_in_flight("set services l2tp tunnel-group g maximum-send-window 2\n"),
        2,
        "no more in flight than maximum-send-window"
    );
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
    let icrp = call_request(now, lac, lns);
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

/// RFC 5515 at an LNS: the ICCN's connect speeds are the session's until the LAC's
/// Connect-Speed-Update-Notification replaces them, and `show services l2tp session` says so.
#[test]
fn a_csun_replaces_the_iccns_connect_speeds() {
    let now = Instant::now();
    let mut lns = lns("");
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
