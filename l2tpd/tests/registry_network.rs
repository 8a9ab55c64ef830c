//! A LAC registry and an LNS registry joined by an in-memory network, simulated time.

mod support;

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use l2tpd::l2tp::session::{CallInfo, CdnResult};
use l2tpd::l2tp::wire::ControlMessage;
use l2tpd::registry::{Clearing, Registry, RegistryEvent, Selector, SessionEnd, SessionRef};
use schema::l2tp_rpc::{ClearLevel, DestinationState, L2tpClear, L2tpShow};
use schema::typed::{
    router_config, Gateway, ProfileTunnel, RouterConfig, Secret, TunnelMedium, TunnelProfile,
    TunnelType,
};
use support::SimulatedPair;

const LAC: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 1);

fn lns_address(n: u8) -> Ipv4Addr {
    Ipv4Addr::new(198, 18, 1, n)
}

fn base_config() -> RouterConfig {
    router_config(&schema::tree::Node::default())
}

/// An LNS config with one open tunnel group per address in `listening`.
fn lns_config(listening: &[u8]) -> RouterConfig {
    let mut config = base_config();
    let template = config.l2tp.tunnel_groups.values().next().cloned();
    for n in listening {
        let mut group = template.clone().unwrap_or_else(|| group_defaults(&config));
        group.local_address = Some(lns_address(*n));
        group.l2tp_access_profile = None;
        config.l2tp.tunnel_groups.insert(format!("g{n}"), group);
    }
    config
}

fn group_defaults(_: &RouterConfig) -> schema::typed::TunnelGroup {
    schema::typed::TunnelGroup {
        aaa_access_profile: None,
        dynamic_profile: None,
        hello_interval: 60,
        hide_avps: false,
        l2tp_access_profile: None,
        local_address: None,
        local_gateway_name: None,
        maximum_send_window: None,
        ppp_access_profile: None,
        receive_window: None,
        retransmit_interval: None,
        service_device_pool: None,
        service_interface: None,
        tos_reflect: false,
        tunnel_switch_profile: None,
        tunnel_timeout: None,
    }
}

fn tunnel(n: u8, preference: u32, max_sessions: Option<u32>) -> ProfileTunnel {
    ProfileTunnel {
        identification: None,
        logical_system: None,
        max_sessions,
        medium: TunnelMedium::Ipv4,
        preference,
        remote_gateway: Gateway {
            address: Some(lns_address(n)),
            gateway_name: None,
        },
        routing_instance: None,
        secret: None,
        source_gateway: Gateway {
            address: Some(LAC),
            gateway_name: Some("lac1".into()),
        },
        tunnel_type: TunnelType::L2tp,
    }
}

fn profile(tunnels: &[(u8, ProfileTunnel)]) -> TunnelProfile {
    TunnelProfile {
        tunnels: tunnels
            .iter()
            .map(|(n, t)| (*n, Box::new(t.clone())))
            .collect(),
    }
}

struct Net {
    lac: Registry,
    lns: Registry,
    now: Instant,
    lac_events: Vec<RegistryEvent>,
    lns_events: Vec<RegistryEvent>,
    /// LNS addresses that swallow everything (a dead destination).
    dead: Vec<Ipv4Addr>,
    /// Every control datagram sent, in order: who sent it and what it was.
    control_log: Vec<(&'static str, String)>,
}

impl Net {
    fn new(lac: RouterConfig, lns: RouterConfig) -> Self {
        Self {
            lac: Registry::new(lac, 1),
            lns: Registry::new(lns, 2),
            now: Instant::now(),
            lac_events: Vec::new(),
            lns_events: Vec::new(),
            dead: Vec::new(),
            control_log: Vec::new(),
        }
    }

    fn log(&mut self, sender: &'static str, payload: &[u8]) {
        let Ok(msg) = ControlMessage::parse(payload, None) else {
            return;
        };
        let kind = match msg.message_type {
            None => "ZLB".to_string(),
            Some(t) => t.name().unwrap_or("?").to_string(),
        };
        self.control_log.push((sender, kind));
    }

    fn up(&self, call: SessionRef) -> Option<u16> {
        self.lac_events.iter().find_map(|e| match e {
            RegistryEvent::SessionUp {
                session, tunnel_id, ..
            } if *session == call => Some(*tunnel_id),
            _ => None,
        })
    }
}

impl SimulatedPair for Net {
    fn parts(&mut self) -> (&mut Instant, [&mut Registry; 2]) {
        (&mut self.now, [&mut self.lac, &mut self.lns])
    }

    fn settle(&mut self) {
        loop {
            let mut moved = false;
            while let Some(t) = self.lac.poll_transmit() {
                moved = true;
                self.log("lac", &t.payload);
                let std::net::IpAddr::V4(to) = t.destination.ip() else {
                    continue;
                };
                if self.dead.contains(&to) {
                    continue;
                }
                let from = SocketAddr::new(t.source.unwrap_or(LAC).into(), 1701);
                self.lns.handle_datagram(self.now, to, from, &t.payload);
            }
            while let Some(t) = self.lns.poll_transmit() {
                moved = true;
                self.log("lns", &t.payload);
                let from = SocketAddr::new(t.source.unwrap_or(LAC).into(), 1701);
                self.lac.handle_datagram(self.now, LAC, from, &t.payload);
            }
            while let Some(e) = self.lac.poll_event() {
                self.lac_events.push(e);
            }
            while let Some(e) = self.lns.poll_event() {
                self.lns_events.push(e);
            }
            if !moved {
                return;
            }
        }
    }
}

fn call(serial: u32) -> CallInfo {
    CallInfo {
        serial,
        ..CallInfo::default()
    }
}

#[test]
fn sessions_come_up_and_share_one_tunnel() {
    let mut net = Net::new(base_config(), lns_config(&[1]));
    let tp = profile(&[(1, tunnel(1, 0, None))]);
    let a = net
        .lac
        .open_session(net.now, "tp", &tp, call(1))
        .expect("placed");
    let b = net
        .lac
        .open_session(net.now, "tp", &tp, call(2))
        .expect("placed");
    net.settle();
    let (ta, tb) = (net.up(a), net.up(b));
    assert!(
        ta.is_some() && ta == tb,
        "both calls on one tunnel: {ta:?} {tb:?}"
    );
    assert_eq!(net.lac.summary(false).tunnels, 1);
    assert_eq!(net.lns.summary(false).sessions, 2);
    let lns_up = net
        .lns_events
        .iter()
        .filter(|e| matches!(e, RegistryEvent::SessionUp { .. }))
        .count();
    assert_eq!(lns_up, 2);
    // Data both ways.
    net.lac.send_frame(a, &[0xc0, 0x21, 1, 2]).expect("up");
    net.settle();
    assert!(net
        .lns_events
        .iter()
        .any(|e| matches!(e, RegistryEvent::Frame { frame, .. } if frame == &[0xc0, 0x21, 1, 2])));
    let tunnels = net
        .lac
        .tunnels(net.now, &L2tpShow::default())
        .expect("no filter");
    assert_eq!(tunnels.tunnels[0].statistics.data_tx_packets, 1);
}

/// A LAC and an LNS with one session up between them; the control log starts after it.
fn one_session_up() -> (Net, TunnelProfile) {
    let mut net = Net::new(base_config(), lns_config(&[1]));
    let tp = profile(&[(1, tunnel(1, 0, None))]);
    let first = net
        .lac
        .open_session(net.now, "tp", &tp, call(1))
        .expect("placed");
    net.settle();
    assert!(net.up(first).is_some());
    net.control_log.clear();
    (net, tp)
}

#[test]
fn a_reply_carries_the_acknowledgement_and_no_zlb_goes_before_it() {
    // RFC 2661 §5.8: a ZLB only when no message goes out to carry the acknowledgement. The
    // ICRP acknowledges the ICRQ, the ICCN the ICRP; only the ICCN needs a ZLB.
    let (mut net, tp) = one_session_up();
    let second = net
        .lac
        .open_session(net.now, "tp", &tp, call(2))
        .expect("placed");
    net.settle();
    assert!(net.up(second).is_some());
    let expected = [
        ("lac", "ICRQ"),
        ("lns", "ICRP"),
        ("lac", "ICCN"),
        ("lns", "ZLB"),
    ]
    .map(|(who, what)| (who, what.to_string()));
    assert_eq!(net.control_log, expected);
}

#[test]
fn a_call_joins_only_a_tunnel_set_up_with_its_secret_and_local_name() {
    // Two profiles dial one LNS: a tunnel opened with one secret or Host Name cannot carry a
    // call of a profile configured with another (its secret would silently not apply).
    let mut net = Net::new(base_config(), lns_config(&[1]));
    let with = |secret: Option<&str>, name: &str| {
        let mut t = tunnel(1, 0, None);
        t.secret = secret.map(Secret::from);
        t.source_gateway.gateway_name = Some(name.to_string());
        profile(&[(1, t)])
    };
    let mut tunnel_of = |profile: &str, spec: &TunnelProfile, serial: u32| {
        let call = net
            .lac
            .open_session(net.now, profile, spec, call(serial))
            .expect("placed");
        net.lac.locate_call(call).expect("placed").0
    };
    let first = tunnel_of("a", &with(Some("secret-a"), "lac1"), 1);
    let same = tunnel_of("a2", &with(Some("secret-a"), "lac1"), 2);
    let other_secret = tunnel_of("b", &with(Some("secret-b"), "lac1"), 3);
    let no_secret = tunnel_of("c", &with(None, "lac1"), 4);
    let other_name = tunnel_of("d", &with(Some("secret-a"), "lac2"), 5);
    assert_eq!(same, first, "same secret and name: one tunnel");
    for other in [other_secret, no_secret, other_name] {
        assert_ne!(other, first);
    }
    assert_ne!(other_secret, no_secret);
    assert_eq!(net.lac.summary(false).tunnels, 4);
}

#[test]
fn a_lac_that_gives_up_on_a_silent_lns_says_so_with_one_stopccn() {
    let (mut net, tp) = one_session_up();
    // The LNS stops hearing us; the next call's ICRQ goes unacknowledged.
    net.dead.push(lns_address(1));
    net.lac
        .open_session(net.now, "tp", &tp, call(2))
        .expect("placed");
    net.run_until(net.now + Duration::from_secs(60));
    let stopccns = net
        .control_log
        .iter()
        .filter(|(who, what)| *who == "lac" && what == "StopCCN")
        .count();
    assert_eq!(stopccns, 1, "{:?}", net.control_log);
    assert_eq!(net.lac.summary(false).tunnels, 0);
}

#[test]
fn dead_destination_is_locked_out_and_the_call_fails_over() {
    let mut net = Net::new(base_config(), lns_config(&[1, 2]));
    net.dead.push(lns_address(1));
    let tp = profile(&[(1, tunnel(1, 0, None)), (2, tunnel(2, 1, None))]);
    let a = net
        .lac
        .open_session(net.now, "tp", &tp, call(1))
        .expect("placed");
    net.run_until(net.now + Duration::from_secs(120));
    let tunnel_id = net.up(a).expect("failed over");
    let tunnels = net
        .lac
        .tunnels(net.now, &L2tpShow::default())
        .expect("no filter")
        .tunnels;
    let used = tunnels
        .iter()
        .find(|t| t.tunnel_local_id == tunnel_id)
        .expect("live");
    assert_eq!(used.tunnel_name.as_deref(), Some("2"));
    let locked: Vec<_> = net
        .lac
        .destinations(net.now, &L2tpShow::default())
        .expect("no filter")
        .destinations
        .into_iter()
        .filter(|d| d.state == DestinationState::LockedOut)
        .map(|d| d.remote_ip)
        .collect();
    assert_eq!(locked, [lns_address(1)]);
    // A fresh call avoids the locked-out destination too.
    let b = net
        .lac
        .open_session(net.now, "tp", &tp, call(2))
        .expect("placed");
    net.settle();
    let tb = net.up(b).expect("up");
    let tunnels = net
        .lac
        .tunnels(net.now, &L2tpShow::default())
        .expect("no filter")
        .tunnels;
    let t = tunnels
        .iter()
        .find(|t| t.tunnel_local_id == tb)
        .expect("live");
    assert_eq!(t.tunnel_name.as_deref(), Some("2"), "{tunnels:#?}");
    assert_eq!(tb, tunnel_id);
}

#[test]
fn clearing_a_destination_closes_both_ends_and_nothing_leaks() {
    let mut config = base_config();
    config.l2tp.tunnel.idle_timeout = 0;
    let mut net = Net::new(config, lns_config(&[1]));
    let tp = profile(&[(1, tunnel(1, 0, None))]);
    for serial in 0..3 {
        net.lac
            .open_session(net.now, "tp", &tp, call(serial))
            .expect("placed");
    }
    net.settle();
    assert_eq!(net.lns.summary(false).sessions, 3);
    let clear = L2tpClear {
        statistics: false,
        target: Selector::All,
        confirmed: false,
    };
    let Ok(Clearing::Done(cleared)) = net.lac.clear(net.now, ClearLevel::Destination, &clear)
    else {
        panic!("a clear of three sessions runs at once");
    };
    assert_eq!(cleared.destinations.len(), 1);
    net.settle();
    assert_eq!(net.lac.summary(false).sessions, 0);
    assert_eq!(
        net.lns.summary(false).sessions,
        0,
        "the LNS got the StopCCN"
    );
    assert_eq!(net.lns.summary(false).tunnels, 0);
    net.run_until(net.now + Duration::from_secs(200));
    assert_eq!(net.lac.population(), (0, 0, 0));
    assert_eq!(net.lns.population(), (0, 0, 0));
}

#[test]
fn idle_tunnel_closes_after_its_last_session() {
    let mut config = base_config();
    config.l2tp.tunnel.idle_timeout = 30;
    let mut net = Net::new(config, lns_config(&[1]));
    let tp = profile(&[(1, tunnel(1, 0, None))]);
    let a = net
        .lac
        .open_session(net.now, "tp", &tp, call(1))
        .expect("placed");
    net.settle();
    assert!(net.up(a).is_some());
    assert!(net
        .lac
        .close_session(net.now, a, CdnResult::lost_carrier(), None));
    net.settle();
    assert_eq!(net.lns.summary(false).sessions, 0);
    net.run_until(net.now + Duration::from_secs(20));
    assert_eq!(
        net.lac.summary(false).tunnels,
        1,
        "not yet idle long enough"
    );
    net.run_until(net.now + Duration::from_secs(200));
    assert_eq!(net.lac.population(), (0, 0, 0));
    assert_eq!(net.lns.population(), (0, 0, 0));
}

#[test]
fn drain_refuses_new_sessions_at_the_lac() {
    let mut config = base_config();
    config.l2tp.drain = true;
    let mut net = Net::new(config, lns_config(&[1]));
    let tp = profile(&[(1, tunnel(1, 0, None))]);
    assert!(net.lac.open_session(net.now, "tp", &tp, call(1)).is_err());
}

#[test]
fn max_sessions_spills_to_the_next_tunnel() {
    let mut net = Net::new(base_config(), lns_config(&[1, 2]));
    let tp = profile(&[(1, tunnel(1, 0, Some(2))), (2, tunnel(2, 5, None))]);
    let calls: Vec<_> = (0..3)
        .map(|s| {
            net.lac
                .open_session(net.now, "tp", &tp, call(s))
                .expect("placed")
        })
        .collect();
    net.settle();
    let tunnels: Vec<_> = calls.iter().map(|c| net.up(*c).expect("up")).collect();
    assert_eq!(tunnels[0], tunnels[1]);
    assert_ne!(tunnels[1], tunnels[2]);
}

#[test]
fn sccrq_flood_from_one_source_is_bounded_and_counted() {
    let mut lns = Registry::new(lns_config(&[1]), 3);
    lns.set_max_tunnels_per_source(4);
    let now = Instant::now();
    // Ten LACs' worth of SCCRQs from one address: take real SCCRQs from LAC registries.
    let tp = profile(&[(1, tunnel(1, 0, None))]);
    for seed in 0..10 {
        let mut lac = Registry::new(base_config(), 100 + seed);
        lac.open_session(now, "tp", &tp, call(1)).expect("placed");
        let t = lac.poll_transmit().expect("SCCRQ");
        lns.handle_datagram(
            now,
            lns_address(1),
            SocketAddr::new(LAC.into(), 1701),
            &t.payload,
        );
        // Its retransmission must not count as another tunnel.
        lns.handle_datagram(
            now,
            lns_address(1),
            SocketAddr::new(LAC.into(), 1701),
            &t.payload,
        );
    }
    assert_eq!(lns.population().1, 4);
    assert_eq!(lns.drops().flood, 12);
}

#[test]
fn ten_thousand_sessions_over_eight_tunnels() {
    let mut net = Net::new(base_config(), lns_config(&[1, 2, 3, 4, 5, 6, 7, 8]));
    let tp = profile(
        &(1..=8u8)
            .map(|n| (n, tunnel(n, 0, None)))
            .collect::<Vec<_>>(),
    );
    let started = std::time::Instant::now();
    let calls: Vec<_> = (0..10_000)
        .map(|s| {
            net.lac
                .open_session(net.now, "tp", &tp, call(s))
                .expect("placed")
        })
        .collect();
    net.settle();
    let up = calls.iter().filter(|c| net.up(**c).is_some()).count();
    let elapsed = started.elapsed();
    println!(
        "10,000 sessions over 8 tunnels in {elapsed:?} ({:.0} sessions/s)",
        10_000.0 / elapsed.as_secs_f64()
    );
    assert_eq!(up, 10_000);
    assert_eq!(net.lac.summary(false).tunnels, 8);
    let ended = calls
        .iter()
        .filter(|c| {
            net.lac
                .close_session(net.now, **c, CdnResult::lost_carrier(), None)
        })
        .count();
    net.settle();
    assert_eq!(ended, 10_000);
    assert_eq!(net.lns.summary(false).sessions, 0);
    assert!(net.lac_events.iter().all(|e| !matches!(
        e,
        RegistryEvent::SessionDown {
            end: SessionEnd::NoTunnel,
            ..
        }
    )));
}
