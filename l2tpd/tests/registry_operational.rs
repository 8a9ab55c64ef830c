//! `show/clear services l2tp …` on a LAC registry and an LNS registry joined by an
//! in-memory network, simulated time: filters, their errors, every clear kind, the
//! confirmation threshold and the disconnect causes each end counts.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use l2tpd::l2tp::session::{CallInfo, ProxyAuth, ProxyAuthenType, ProxyData, ProxyLcp};
use l2tpd::registry::{Clearing, Registry, SessionRef};
use schema::l2tp_rpc::{
    ClearLevel, ClearTarget, DisconnectSource, L2tpClear, L2tpCleared, L2tpFilter, L2tpRole,
    L2tpSession, L2tpShow, Level, Toggle, CLEAR_CONFIRM_THRESHOLD, FIRST_DYNAMIC_UNIT,
};
use schema::typed::RouterConfig;

const LAC: Ipv4Addr = Ipv4Addr::new(127, 0, 6, 1);
const LNS_A: Ipv4Addr = Ipv4Addr::new(127, 0, 6, 2);
const LNS_B: Ipv4Addr = Ipv4Addr::new(127, 0, 6, 3);

fn config(lines: &str) -> RouterConfig {
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), lines)
        .expect("set lines parse");
    schema::typed::router_config(&tree)
}

/// Tunnel 1 (to A, authenticated, two sessions at most) is preferred; tunnel 2 (to B)
/// takes the rest.
fn lac_config(max_on_a: u32) -> RouterConfig {
    config(&format!(
        "set system host-name lac-h\n\
         set services l2tp tunnel idle-timeout 0\n\
         set access tunnel-profile tp tunnel 1 source-gateway address {LAC}\n\
         set access tunnel-profile tp tunnel 1 source-gateway gateway-name lac1\n\
         set access tunnel-profile tp tunnel 1 remote-gateway address {LNS_A}\n\
         set access tunnel-profile tp tunnel 1 secret s3cret\n\
         set access tunnel-profile tp tunnel 1 max-sessions {max_on_a}\n\
         set access tunnel-profile tp tunnel 1 preference 1\n\
         set access tunnel-profile tp tunnel 2 source-gateway address {LAC}\n\
         set access tunnel-profile tp tunnel 2 source-gateway gateway-name lac1\n\
         set access tunnel-profile tp tunnel 2 remote-gateway address {LNS_B}\n\
         set access tunnel-profile tp tunnel 2 preference 2\n"
    ))
}

fn lns_config() -> RouterConfig {
    config(&format!(
        "set system host-name lns-h\n\
         set services l2tp tunnel-group g1 local-gateway address {LNS_A}\n\
         set services l2tp tunnel-group g1 local-gateway gateway-name lns-a\n\
         set services l2tp tunnel-group g1 l2tp-access-profile ap\n\
         set access profile ap client lac1 l2tp shared-secret s3cret\n\
         set services l2tp tunnel-group g2 local-gateway address {LNS_B}\n\
         set services l2tp tunnel-group g2 local-gateway gateway-name lns-b\n"
    ))
}

struct Net {
    lac: Registry,
    lns: Registry,
    lac_config: RouterConfig,
    now: Instant,
}

impl Net {
    fn new(lac_config: RouterConfig) -> Self {
        Self {
            lac: Registry::new(lac_config.clone(), 11),
            lns: Registry::new(lns_config(), 12),
            lac_config,
            now: Instant::now(),
        }
    }

    /// Delivers datagrams both ways until the network is quiet; events are dropped.
    fn settle(&mut self) {
        loop {
            let mut moved = false;
            while let Some(t) = self.lac.poll_transmit() {
                moved = true;
                let std::net::IpAddr::V4(to) = t.destination.ip() else {
                    continue;
                };
                let from = SocketAddr::new(t.source.unwrap_or(LAC).into(), 1701);
                self.lns.handle_datagram(self.now, to, from, &t.payload);
            }
            while let Some(t) = self.lns.poll_transmit() {
                moved = true;
                let from = SocketAddr::new(t.source.unwrap_or(LNS_A).into(), 1701);
                self.lac.handle_datagram(self.now, LAC, from, &t.payload);
            }
            while self.lac.poll_event().is_some() {}
            while self.lns.poll_event().is_some() {}
            if !moved {
                return;
            }
        }
    }

    fn call(&mut self, serial: u32, user: &str) -> SessionRef {
        let profile = self.lac_config.tunnel_profiles["tp"].clone();
        self.lac
            .open_session(self.now, "tp", &profile, subscriber(serial, user))
            .expect("placed")
    }

    /// Lets simulated time pass (hellos and acknowledgements included).
    fn advance(&mut self, by: Duration) {
        let until = self.now + by;
        self.settle();
        while let Some(t) = [self.lac.poll_timeout(), self.lns.poll_timeout()]
            .into_iter()
            .flatten()
            .min()
            .filter(|t| *t <= until)
        {
            self.now = self.now.max(t);
            self.lac.handle_timeout(self.now);
            self.lns.handle_timeout(self.now);
            self.settle();
        }
        self.now = until;
    }
}

fn subscriber(serial: u32, user: &str) -> CallInfo {
    CallInfo {
        serial,
        tx_connect_speed: 100_000_000,
        proxy: ProxyData {
            lcp: Some(ProxyLcp {
                initial_received: Some(vec![1, 4, 5, 0xd4]),
                last_sent: Some(vec![1, 4, 5, 0xd4, 3, 4, 0xc0, 0x23]),
                last_received: Some(vec![1, 4, 5, 0xd4]),
            }),
            auth: Some(ProxyAuth {
                authen_type: ProxyAuthenType::Pap,
                name: Some(user.as_bytes().to_vec()),
                challenge: None,
                id: None,
                response: Some(b"pw".to_vec()),
            }),
        },
        ..CallInfo::default()
    }
}

fn all() -> L2tpShow {
    L2tpShow::default()
}

fn filtered(filter: L2tpFilter) -> L2tpShow {
    L2tpShow {
        filter,
        ..L2tpShow::default()
    }
}

fn sessions(registry: &Registry, now: Instant, show: &L2tpShow) -> Vec<L2tpSession> {
    registry.sessions(now, show).expect("sessions").sessions
}

fn closing(target: ClearTarget) -> L2tpClear {
    L2tpClear {
        statistics: false,
        target,
        confirmed: false,
    }
}

fn statistics(target: ClearTarget) -> L2tpClear {
    L2tpClear {
        statistics: true,
        target,
        confirmed: false,
    }
}

fn done(outcome: Result<Clearing, String>) -> L2tpCleared {
    match outcome {
        Ok(Clearing::Done(cleared)) => cleared,
        other => panic!("not done: {other:?}"),
    }
}

/// Four subscribers: u1 and u2 on the tunnel to A, u3 and u4 on the tunnel to B.
fn four_subscribers() -> Net {
    let mut net = Net::new(lac_config(2));
    for (serial, user) in [(1, "u1@example.net"), (2, "u2@example.net")] {
        net.call(serial, user);
    }
    net.settle();
    for (serial, user) in [(3, "u3@example.net"), (4, "u4@example.net")] {
        net.call(serial, user);
    }
    net.settle();
    assert_eq!(net.lac.summary(false).sessions, 4);
    assert_eq!(net.lns.summary(false).sessions, 4);
    net
}

fn tunnel_to(registry: &Registry, now: Instant, peer: Ipv4Addr) -> u16 {
    let show = filtered(L2tpFilter {
        peer_gateway: Some(peer),
        ..L2tpFilter::default()
    });
    let tunnels = registry.tunnels(now, &show).expect("a tunnel").tunnels;
    let [tunnel] = tunnels.as_slice() else {
        panic!("one tunnel to {peer}: {tunnels:?}");
    };
    tunnel.tunnel_local_id
}

fn unused_tunnel_id(registry: &Registry, now: Instant) -> u16 {
    let used: Vec<u16> = registry
        .tunnels(now, &all())
        .expect("tunnels")
        .tunnels
        .iter()
        .map(|t| t.tunnel_local_id)
        .collect();
    (1..=u16::MAX)
        .find(|id| !used.contains(id))
        .expect("a free ID")
}

#[test]
fn rows_carry_what_each_end_knows() {
    let net = four_subscribers();
    let lac_rows = sessions(&net.lac, net.now, &all());
    let lns_rows = sessions(&net.lns, net.now, &all());
    assert_eq!((lac_rows.len(), lns_rows.len()), (4, 4));
    for row in &lac_rows {
        assert_eq!(row.role, L2tpRole::Lac);
        assert_eq!(row.state, "established");
        assert!(row.interface_unit > FIRST_DYNAMIC_UNIT, "{row:?}");
        assert_eq!(row.interface_name, format!("pp0.{}", row.interface_unit));
        assert_eq!(row.proxy_authentication.as_deref(), Some("pap"));
        assert!(row.proxy_lcp);
        assert_eq!(row.local_name, "lac1");
        assert_eq!(row.statistics, None, "brief has no statistics");
    }
    let u3 = lns_rows
        .iter()
        .find(|s| s.user_name.as_deref() == Some("u3@example.net"))
        .expect("the LNS knows the user from the proxy authentication");
    assert_eq!(u3.role, L2tpRole::Lns);
    assert_eq!(u3.tunnel_group, "g2");
    assert_eq!(u3.local_name, "lns-b");
    assert_eq!(u3.remote_name, "lac1");
    assert_eq!(u3.interface_name, format!("si-0/0/0.{}", u3.interface_unit));
    assert_eq!(
        (u3.call_serial_number, u3.tx_connect_speed),
        (3, 100_000_000)
    );
    assert!(u3.proxy_lcp);

    let tunnels = net.lac.tunnels(net.now, &all()).expect("tunnels").tunnels;
    assert_eq!(tunnels.len(), 2);
    let to_a = tunnels
        .iter()
        .find(|t| t.remote_ip.ip() == LNS_A)
        .expect("to A");
    assert_eq!(to_a.tunnel_name.as_deref(), Some("1"));
    assert_eq!(to_a.tunnel_group, "tp");
    assert_eq!(to_a.remote_name, "lns-a");
    assert_eq!(to_a.tunnel_authentication, Toggle::Enabled);
    assert_eq!(to_a.sessions, 2);
    assert_eq!(to_a.max_sessions, Some(2));
    assert_eq!(to_a.hello_interval, 60);
    assert!(to_a.statistics.control_tx_packets > 0);
    let to_b = tunnels
        .iter()
        .find(|t| t.remote_ip.ip() == LNS_B)
        .expect("to B");
    assert_eq!(to_b.tunnel_authentication, Toggle::Disabled);

    let destinations = net
        .lac
        .destinations(net.now, &all())
        .expect("destinations")
        .destinations;
    assert_eq!(destinations.len(), 2);
    for d in &destinations {
        assert_eq!((d.tunnels, d.tunnels_established, d.sessions), (1, 1, 2));
        assert_eq!(d.local_ip, Some(LAC));
        assert_eq!(d.local_name, ["lac1"]);
        assert_eq!(d.statistics, None);
    }
    let extensive = L2tpShow {
        level: Level::Extensive,
        ..all()
    };
    let d = net
        .lac
        .destinations(net.now, &extensive)
        .expect("destinations");
    assert!(d.destinations.iter().all(|d| d.statistics.is_some()));
    let stats = L2tpShow {
        statistics: true,
        ..all()
    };
    assert!(sessions(&net.lac, net.now, &stats)
        .iter()
        .all(|s| s.statistics.is_some()));

    let summary = net.lac.summary(false);
    assert_eq!(
        (summary.destinations, summary.tunnels, summary.sessions),
        (2, 2, 4)
    );
    assert_eq!(summary.tunnel_authentication_challenge, Toggle::Enabled);
    assert_eq!(summary.maximum_retransmissions_timeout, 16);
    assert_eq!(summary.tunnel_idle_timeout, 0);
    assert_eq!(summary.statistics, None);
    let with_statistics = net.lac.summary(true);
    assert!(with_statistics
        .statistics
        .is_some_and(|c| c.control_tx_packets > 0));
    assert!(with_statistics.drops.is_some());
    assert_eq!(
        net.lns.summary(false).tunnel_authentication_challenge,
        Toggle::Enabled,
        "the access profile's client has a secret"
    );
}

#[test]
fn filters_select_and_say_when_nothing_matches() {
    let net = four_subscribers();
    let user = |name: &str| {
        filtered(L2tpFilter {
            user: Some(name.into()),
            ..L2tpFilter::default()
        })
    };
    let on_lns = sessions(&net.lns, net.now, &user("u3@example.net"));
    let [u3] = on_lns.as_slice() else {
        panic!("one session for u3: {on_lns:?}");
    };
    let by_interface = sessions(
        &net.lns,
        net.now,
        &filtered(L2tpFilter {
            interface: Some(u3.interface_name.clone()),
            ..L2tpFilter::default()
        }),
    );
    assert_eq!(by_interface, std::slice::from_ref(u3));
    let by_ids = sessions(
        &net.lns,
        net.now,
        &filtered(L2tpFilter {
            local_tunnel_id: Some(u3.tunnel_local_id),
            local_session_id: Some(u3.session_local_id),
            ..L2tpFilter::default()
        }),
    );
    assert_eq!(by_ids, std::slice::from_ref(u3));
    let in_group = sessions(
        &net.lns,
        net.now,
        &filtered(L2tpFilter {
            tunnel_group: Some("g2".into()),
            ..L2tpFilter::default()
        }),
    );
    assert_eq!(in_group.len(), 2);
    assert!(in_group.iter().all(|s| s.tunnel_group == "g2"));

    // Tunnel filters, and a session filter selecting the tunnel that carries it.
    let tunnels = |f: L2tpFilter| net.lac.tunnels(net.now, &filtered(f)).map(|t| t.tunnels);
    let named = tunnels(L2tpFilter {
        local_gateway_name: Some("lac1".into()),
        peer_gateway_name: Some("lns-b".into()),
        ..L2tpFilter::default()
    })
    .expect("one");
    assert_eq!(named.len(), 1);
    assert_eq!(named[0].remote_ip.ip(), LNS_B);
    let carrying_u1 = tunnels(L2tpFilter {
        user: Some("u1@example.net".into()),
        ..L2tpFilter::default()
    })
    .expect("one");
    assert_eq!(carrying_u1.len(), 1);
    assert_eq!(carrying_u1[0].remote_ip.ip(), LNS_A);

    let missing = unused_tunnel_id(&net.lac, net.now);
    assert_eq!(
        tunnels(L2tpFilter {
            local_tunnel_id: Some(missing),
            ..L2tpFilter::default()
        }),
        Err(format!("no tunnel with local tunnel id {missing}"))
    );
    assert_eq!(
        tunnels(L2tpFilter {
            tunnel_group: Some("tg-x".into()),
            ..L2tpFilter::default()
        }),
        Err("no tunnel in tunnel group tg-x".into())
    );
    assert_eq!(
        tunnels(L2tpFilter {
            local_gateway_name: Some("lac-x".into()),
            ..L2tpFilter::default()
        }),
        Err("no tunnel with local gateway name lac-x".into())
    );
    assert_eq!(
        net.lac
            .sessions(net.now, &user("bob@example.net"))
            .map(|s| s.sessions),
        Err("no session for user bob@example.net".into())
    );
    // Both filters hold on their own; together they match nothing.
    assert_eq!(
        net.lns
            .sessions(
                net.now,
                &filtered(L2tpFilter {
                    user: Some("u1@example.net".into()),
                    tunnel_group: Some("g2".into()),
                    ..L2tpFilter::default()
                })
            )
            .map(|s| s.sessions),
        Err("no session in tunnel group g2 for user u1@example.net".into())
    );
    for interface in ["pp0.1073741900", "si-0/0/0.1073741825", "pp0.x"] {
        assert_eq!(
            net.lac
                .sessions(
                    net.now,
                    &filtered(L2tpFilter {
                        interface: Some(interface.into()),
                        ..L2tpFilter::default()
                    })
                )
                .map(|s| s.sessions),
            Err(format!("no session on interface {interface}")),
            "the LAC's subscribers are on pp0"
        );
    }
    assert_eq!(
        net.lac
            .destinations(
                net.now,
                &filtered(L2tpFilter {
                    peer_gateway: Some(Ipv4Addr::new(127, 0, 0, 9)),
                    ..L2tpFilter::default()
                })
            )
            .map(|d| d.destinations),
        Err("no destination with peer gateway 127.0.0.9".into())
    );
    let to_b = net
        .lac
        .destinations(
            net.now,
            &filtered(L2tpFilter {
                peer_gateway: Some(LNS_B),
                ..L2tpFilter::default()
            }),
        )
        .expect("B")
        .destinations;
    assert_eq!(to_b.len(), 1);
    assert_eq!(to_b[0].remote_name, ["lns-b"]);
}

#[test]
fn clearing_a_tunnel_ends_its_sessions_on_both_ends_and_counts_the_causes() {
    let mut net = four_subscribers();
    let to_a = tunnel_to(&net.lac, net.now, LNS_A);
    let cleared = done(net.lac.clear(
        net.now,
        ClearLevel::Tunnel,
        &closing(ClearTarget::LocalTunnelId(to_a)),
    ));
    assert_eq!(cleared.level, ClearLevel::Tunnel);
    assert_eq!(cleared.tunnels, [to_a]);
    net.settle();
    for registry in [&net.lac, &net.lns] {
        let left = sessions(registry, net.now, &all());
        let users: Vec<_> = left.iter().filter_map(|s| s.user_name.clone()).collect();
        assert_eq!(users.len(), 2, "{users:?}");
        assert!(users
            .iter()
            .all(|u| u == "u3@example.net" || u == "u4@example.net"));
        assert_eq!(registry.summary(false).tunnels, 1);
    }

    let ours = net.lac.disconnect_causes();
    let [tunnel] = ours.tunnels.as_slice() else {
        panic!("one tunnel end: {ours:?}");
    };
    assert_eq!(
        (tunnel.source, tunnel.result_code, tunnel.count),
        (DisconnectSource::Local, Some(1), 1)
    );
    assert_eq!(
        tunnel.description,
        "general request to clear control connection (cleared by operator)"
    );
    let [sessions_ended] = ours.sessions.as_slice() else {
        panic!("one session cause: {ours:?}");
    };
    assert_eq!(
        (
            sessions_ended.source,
            sessions_ended.description.as_str(),
            sessions_ended.count
        ),
        (DisconnectSource::Local, "tunnel closed", 2)
    );
    let theirs = net.lns.disconnect_causes();
    let [tunnel] = theirs.tunnels.as_slice() else {
        panic!("one tunnel end: {theirs:?}");
    };
    assert_eq!(
        (
            tunnel.source,
            tunnel.result_code,
            tunnel.description.as_str()
        ),
        (
            DisconnectSource::Remote,
            Some(1),
            "general request to clear control connection"
        )
    );
    assert_eq!(theirs.sessions[0].source, DisconnectSource::Remote);
    assert_eq!(theirs.sessions[0].count, 2);

    let missing = unused_tunnel_id(&net.lac, net.now);
    assert_eq!(
        net.lac
            .clear(
                net.now,
                ClearLevel::Tunnel,
                &closing(ClearTarget::LocalTunnelId(missing))
            )
            .map(|_| ()),
        Err(format!("no tunnel with local tunnel id {missing}"))
    );
}

#[test]
fn clearing_sessions_sends_cdn_result_3_and_leaves_the_tunnel() {
    let mut net = four_subscribers();
    let cleared = done(net.lac.clear(
        net.now,
        ClearLevel::Session,
        &closing(ClearTarget::User("u2@example.net".into())),
    ));
    assert_eq!(cleared.sessions.len(), 1);
    net.settle();
    let lns_rows = sessions(&net.lns, net.now, &all());
    assert_eq!(lns_rows.len(), 3);
    assert!(lns_rows
        .iter()
        .all(|s| s.user_name.as_deref() != Some("u2@example.net")));
    assert_eq!(net.lns.summary(false).tunnels, 2, "the tunnel stays");

    // From the LNS side, by session ID: the LAC sees the peer's CDN.
    let u4 = sessions(
        &net.lns,
        net.now,
        &filtered(L2tpFilter {
            user: Some("u4@example.net".into()),
            ..L2tpFilter::default()
        }),
    );
    let cleared = done(net.lns.clear(
        net.now,
        ClearLevel::Session,
        &closing(ClearTarget::LocalSessionId(u4[0].session_local_id)),
    ));
    assert_eq!(
        cleared.sessions,
        [(u4[0].tunnel_local_id, u4[0].session_local_id)]
    );
    net.settle();
    assert_eq!(net.lac.summary(false).sessions, 2);

    let lac_causes = net.lac.disconnect_causes().sessions;
    let count = |source, description: &str| {
        lac_causes
            .iter()
            .find(|c| c.source == source && c.description == description)
            .map(|c| (c.result_code, c.count))
    };
    assert_eq!(
        count(
            DisconnectSource::Local,
            "administrative reasons (cleared by operator)"
        ),
        Some((Some(3), 1))
    );
    assert_eq!(
        count(DisconnectSource::Remote, "administrative reasons"),
        Some((Some(3), 1))
    );
    assert!(net.lac.disconnect_causes().tunnels.is_empty());
}

#[test]
fn clearing_a_destination_and_its_targets() {
    let mut net = four_subscribers();
    assert_eq!(
        net.lac
            .clear(
                net.now,
                ClearLevel::Destination,
                &closing(ClearTarget::LocalTunnelId(1))
            )
            .map(|_| ()),
        Err("invalid target for clear services l2tp destination".into())
    );
    assert_eq!(
        net.lac
            .clear(
                net.now,
                ClearLevel::Destination,
                &closing(ClearTarget::PeerGateway(Ipv4Addr::new(127, 0, 0, 9)))
            )
            .map(|_| ()),
        Err("no destination with peer gateway 127.0.0.9".into())
    );
    assert_eq!(net.lac.summary(false).sessions, 4, "nothing cleared");
    let cleared = done(net.lac.clear(
        net.now,
        ClearLevel::Destination,
        &closing(ClearTarget::PeerGateway(LNS_A)),
    ));
    assert_eq!(cleared.destinations.len(), 1);
    net.settle();
    for registry in [&net.lac, &net.lns] {
        assert_eq!(registry.summary(false).sessions, 2);
        assert_eq!(registry.summary(false).tunnels, 1);
    }
    // Once the StopCCN hold is over, the destination is gone; B stays.
    net.advance(Duration::from_secs(120));
    let left = net
        .lac
        .destinations(net.now, &all())
        .expect("destinations")
        .destinations;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].remote_ip, LNS_B);
    let cleared = done(net.lac.clear(
        net.now,
        ClearLevel::Destination,
        &closing(ClearTarget::LocalGateway(LAC)),
    ));
    assert_eq!(cleared.destinations, [left[0].destination_id]);
    net.settle();
    assert_eq!(net.lns.summary(false).sessions, 0);
}

#[test]
fn statistics_clears_reset_counters_and_close_nothing() {
    let mut net = four_subscribers();
    net.advance(Duration::from_secs(90));
    let before = net.lac.tunnels(net.now, &all()).expect("tunnels").tunnels;
    assert!(before.iter().all(|t| t.statistics.control_rx_packets > 0));
    assert!(before.iter().all(|t| t.statistics_since >= 90));

    let cleared = done(
        net.lac
            .clear(net.now, ClearLevel::Tunnel, &statistics(ClearTarget::All)),
    );
    assert!(cleared.statistics);
    assert_eq!(cleared.tunnels.len(), 2);
    let after = net.lac.tunnels(net.now, &all()).expect("tunnels").tunnels;
    assert!(after.iter().all(|t| t.statistics.is_zero()), "{after:?}");
    assert!(after.iter().all(|t| t.statistics_since == 0));
    assert_eq!(net.lac.summary(false).sessions, 4, "nothing closed");
    net.settle();
    assert_eq!(net.lns.summary(false).sessions, 4);

    // Disconnect causes and drops restart with `destination statistics all` only.
    let missing = unused_tunnel_id(&net.lac, net.now);
    done(net.lac.clear(
        net.now,
        ClearLevel::Session,
        &closing(ClearTarget::User("u1@example.net".into())),
    ));
    net.lac.handle_datagram(
        net.now,
        LAC,
        SocketAddr::new(LNS_A.into(), 1701),
        &[
            0xc8,
            0x02,
            0,
            12,
            (missing >> 8) as u8,
            missing as u8,
            0,
            0,
            0,
            0,
            0,
            0,
        ],
    );
    assert_eq!(net.lac.drops().unknown_tunnel, 1);
    assert_eq!(net.lac.disconnect_causes().sessions.len(), 1);
    done(
        net.lac
            .clear(net.now, ClearLevel::Session, &statistics(ClearTarget::All)),
    );
    assert_eq!(net.lac.disconnect_causes().sessions.len(), 1);
    let cleared = done(net.lac.clear(
        net.now,
        ClearLevel::Destination,
        &statistics(ClearTarget::All),
    ));
    assert_eq!(cleared.destinations.len(), 2);
    assert!(net.lac.disconnect_causes().sessions.is_empty());
    assert_eq!(net.lac.drops().unknown_tunnel, 0);
    assert!(net
        .lac
        .summary(true)
        .statistics
        .is_some_and(|c| c.is_zero()));
    assert_eq!(
        net.lac
            .clear(
                net.now,
                ClearLevel::Session,
                &statistics(ClearTarget::User("bob@example.net".into()))
            )
            .map(|_| ()),
        Err("no session for user bob@example.net".into())
    );
}

#[test]
fn a_clear_of_more_than_the_threshold_asks_first() {
    let mut net = Net::new(lac_config(5000));
    let count = CLEAR_CONFIRM_THRESHOLD + 1;
    for serial in 0..count {
        net.call(u32::try_from(serial).expect("small"), "bulk@example.net");
    }
    net.settle();
    assert_eq!(net.lns.summary(false).sessions as usize, count);
    let unconfirmed = closing(ClearTarget::All);
    for level in [
        ClearLevel::Session,
        ClearLevel::Tunnel,
        ClearLevel::Destination,
    ] {
        match net.lac.clear(net.now, level, &unconfirmed) {
            Ok(Clearing::Confirm { sessions }) => assert_eq!(sessions, count),
            other => panic!("{level:?}: not asked: {other:?}"),
        }
    }
    net.settle();
    assert_eq!(
        net.lns.summary(false).sessions as usize,
        count,
        "nothing changed"
    );

    // Confirmed, the clear runs in steps; each step ends at most its budget of sessions.
    let confirmed = L2tpClear {
        confirmed: true,
        ..unconfirmed
    };
    let Ok(Clearing::Job(mut job)) = net
        .lac
        .start_clear(net.now, ClearLevel::Session, &confirmed)
    else {
        panic!("a job");
    };
    assert!(!net.lac.continue_clear(net.now, &mut job, 600));
    assert_eq!(net.lac.summary(false).sessions as usize, count - 600);
    assert!(net.lac.continue_clear(net.now, &mut job, 600));
    assert_eq!(job.into_cleared().sessions.len(), count);
    net.settle();
    assert_eq!(net.lns.summary(false).sessions, 0);
}

/// 65,000 sessions over 16 tunnels: the full list is built once per show, a session ID
/// query walks no session list. Times are printed, never asserted.
#[test]
fn sixty_five_thousand_sessions_over_sixteen_tunnels() {
    let mut lines = String::from("set system host-name lac-h\n");
    let mut lns_lines = String::from("set system host-name lns-h\n");
    for n in 1..=16u8 {
        let lns = Ipv4Addr::new(127, 0, 7, n);
        lines.push_str(&format!(
            "set access tunnel-profile big tunnel {n} source-gateway address {LAC}\n\
             set access tunnel-profile big tunnel {n} remote-gateway address {lns}\n\
             set access tunnel-profile big tunnel {n} max-sessions 4100\n\
             set access tunnel-profile big tunnel {n} preference {n}\n"
        ));
        lns_lines.push_str(&format!(
            "set services l2tp tunnel-group g{n} local-gateway address {lns}\n"
        ));
    }
    let lac_config = config(&lines);
    let mut lac = Registry::new(lac_config.clone(), 21);
    let mut lns = Registry::new(config(&lns_lines), 22);
    let profile = lac_config.tunnel_profiles["big"].clone();
    let now = Instant::now();
    let total = 65_000u32;
    for serial in 0..total {
        lac.open_session(now, "big", &profile, subscriber(serial, "many@example.net"))
            .expect("placed");
        // Deliver as we go, so the SCCRQs of later tunnels are not stuck behind 65k calls.
        if serial % 4096 == 0 {
            exchange(&mut lac, &mut lns, now);
        }
    }
    exchange(&mut lac, &mut lns, now);
    assert_eq!(lns.summary(false).sessions, total);
    assert_eq!(lns.summary(false).tunnels, 16);

    let started = std::time::Instant::now();
    let rows = lns.sessions(now, &all()).expect("sessions").sessions;
    println!("65,000 session rows built in {:?}", started.elapsed());
    assert_eq!(rows.len(), 65_000);
    let last = rows.last().expect("rows");
    let started = std::time::Instant::now();
    let one = lns
        .sessions(
            now,
            &filtered(L2tpFilter {
                local_session_id: Some(last.session_local_id),
                ..L2tpFilter::default()
            }),
        )
        .expect("found")
        .sessions;
    println!("one session by ID in {:?}", started.elapsed());
    assert!(one.contains(last));
    assert!(one.len() <= 16, "at most one per tunnel");
}

fn exchange(lac: &mut Registry, lns: &mut Registry, now: Instant) {
    loop {
        let mut moved = false;
        while let Some(t) = lac.poll_transmit() {
            moved = true;
            let std::net::IpAddr::V4(to) = t.destination.ip() else {
                continue;
            };
            lns.handle_datagram(now, to, SocketAddr::new(LAC.into(), 1701), &t.payload);
        }
        while let Some(t) = lns.poll_transmit() {
            moved = true;
            let from = SocketAddr::new(t.source.unwrap_or(LNS_A).into(), 1701);
            lac.handle_datagram(now, LAC, from, &t.payload);
        }
        while lac.poll_event().is_some() {}
        while lns.poll_event().is_some() {}
        if !moved {
            return;
        }
    }
}

#[test]
fn a_cleared_tunnel_in_its_hold_shows_as_closing_and_leaves_the_counts() {
    let mut net = four_subscribers();
    let to_a = tunnel_to(&net.lac, net.now, LNS_A);
    net.advance(Duration::from_secs(5));
    done(net.lac.clear(
        net.now,
        ClearLevel::Tunnel,
        &closing(ClearTarget::LocalTunnelId(to_a)),
    ));
    net.settle();
    // Ten seconds into the post-StopCCN hold, on both ends.
    net.advance(Duration::from_secs(10));
    for registry in [&net.lac, &net.lns] {
        let tunnels = registry
            .tunnels(net.now, &all())
            .expect("no filter")
            .tunnels;
        let [held, live] = tunnels.as_slice() else {
            panic!("the held tunnel and the live one: {tunnels:?}");
        };
        let (held, live) = if held.state == "closing" {
            (held, live)
        } else {
            (live, held)
        };
        assert_eq!(held.state, "closing");
        assert_eq!(held.sessions, 0);
        assert_eq!(held.tunnel_up_time, Some(5), "stopped when it was cleared");
        assert_eq!(held.tunnel_open_time, 15);
        assert_eq!(live.state, "established");
        assert_eq!(live.tunnel_up_time, Some(15));
        // The summary counts what the lists show as live: one destination, one tunnel.
        let summary = registry.summary(false);
        let live_rows = tunnels.iter().filter(|t| t.state != "closing").count();
        assert_eq!(summary.tunnels as usize, live_rows);
        let destinations = registry
            .destinations(net.now, &all())
            .expect("no filter")
            .destinations;
        assert_eq!(summary.destinations as usize, destinations.len());
        assert_eq!(summary.sessions, 2);
    }
    let lac_destinations = net.lac.destinations(net.now, &all()).expect("no filter");
    assert_eq!(
        lac_destinations
            .destinations
            .iter()
            .map(|d| d.remote_ip)
            .collect::<Vec<_>>(),
        [LNS_B],
        "the destination of the cleared tunnel no longer lingers"
    );
}
