//! The registry as the SNMP side sees it, on an in-memory LAC/LNS pair: the snapshot's rows,
//! the tunnel data counters that come from the statistics poller's cache (zero until a
//! poll, equal to `show … statistics` after one), and the cost of both at 65,000 sessions.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Instant, SystemTime};

use l2tpd::l2tp::session::{CallInfo, ProxyAuth, ProxyAuthenType, ProxyData};
use l2tpd::registry::{Clearing, Registry, SessionRef};
use l2tpd::snmp::poller::{Poller, BATCH, PERIOD};
use mibs::{
    jnx_l2tp_session_stats_state as session_state, jnx_l2tp_tunnel_stats_state as tunnel_state,
};
use schema::l2tp_rpc::{ClearLevel, ClearTarget, L2tpClear, L2tpShow};
use schema::typed::RouterConfig;

const LAC: Ipv4Addr = Ipv4Addr::new(127, 0, 6, 11);

fn config(lines: &str) -> RouterConfig {
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), lines)
        .expect("set lines parse");
    schema::typed::router_config(&tree)
}

fn pair(tunnels: u8, per_tunnel: u32) -> (Registry, Registry, RouterConfig) {
    let mut lac = String::from(
        "set system host-name snmp-lac\nset services l2tp enable-snmp-tunnel-statistics\n",
    );
    let mut lns = String::from("set system host-name snmp-lns\n");
    for n in 1..=tunnels {
        let peer = Ipv4Addr::new(127, 0, 7, 100 + n);
        lac.push_str(&format!(
            "set access tunnel-profile p tunnel {n} source-gateway address {LAC}\n\
             set access tunnel-profile p tunnel {n} remote-gateway address {peer}\n\
             set access tunnel-profile p tunnel {n} max-sessions {per_tunnel}\n\
             set access tunnel-profile p tunnel {n} preference {n}\n"
        ));
        lns.push_str(&format!(
            "set services l2tp tunnel-group g{n} local-gateway address {peer}\n"
        ));
    }
    let lac_config = config(&lac);
    (
        Registry::new(lac_config.clone(), 31),
        Registry::new(config(&lns), 32),
        lac_config,
    )
}

fn subscriber(serial: u32) -> CallInfo {
    CallInfo {
        serial,
        proxy: ProxyData {
            auth: Some(ProxyAuth {
                authen_type: ProxyAuthenType::Pap,
                name: Some(format!("s{serial}@example.net").into_bytes()),
                challenge: None,
                id: None,
                response: Some(b"pw".to_vec()),
            }),
            ..ProxyData::default()
        },
        ..CallInfo::default()
    }
}

fn exchange(lac: &mut Registry, lns: &mut Registry, now: Instant) {
    loop {
        let mut moved = false;
        while let Some(t) = lac.poll_transmit() {
            moved = true;
            if let IpAddr::V4(to) = t.destination.ip() {
                lns.handle_datagram(now, to, SocketAddr::new(LAC.into(), 1701), &t.payload);
            }
        }
        while let Some(t) = lns.poll_transmit() {
            moved = true;
            if let Some(from) = t.source {
                lac.handle_datagram(now, LAC, SocketAddr::new(from.into(), 1701), &t.payload);
            }
        }
        while lac.poll_event().is_some() {}
        while lns.poll_event().is_some() {}
        if !moved {
            return;
        }
    }
}

fn open(
    lac: &mut Registry,
    lns: &mut Registry,
    config: &RouterConfig,
    now: Instant,
    count: u32,
) -> Vec<SessionRef> {
    let profile = config.tunnel_profiles["p"].clone();
    let mut calls = Vec::new();
    for serial in 0..count {
        calls.push(
            lac.open_session(now, "p", &profile, subscriber(serial))
                .expect("placed"),
        );
        if serial % 4096 == 0 {
            exchange(lac, lns, now);
        }
    }
    exchange(lac, lns, now);
    calls
}

#[test]
fn tunnel_data_counters_come_from_the_poller_cache() {
    let (mut lac, mut lns, config) = pair(2, 2);
    let now = Instant::now();
    let calls = open(&mut lac, &mut lns, &config, now, 3);
    for (n, call) in calls.iter().enumerate() {
        for _ in 0..=n {
            lac.send_frame(*call, &[0xc0, 0x21, 9, 1, 0, 8, 0, 0, 0, 0])
                .expect("sent");
        }
    }
    exchange(&mut lac, &mut lns, now);
    let shown = lac
        .tunnels(now, &L2tpShow::default())
        .expect("tunnels")
        .tunnels;
    let shown_tx: u64 = shown.iter().map(|t| t.statistics.data_tx_packets).sum();
    assert_eq!(shown_tx, 1 + 2 + 3);

    let mut poller = Poller::new();
    let wall = SystemTime::now();
    let before = lac.snmp_snapshot(now, wall, &poller);
    assert!(before.tunnel_statistics);
    assert_eq!(before.tunnels.len(), 2);
    assert_eq!(before.sessions.len(), 3);
    assert!(
        before
            .tunnels
            .iter()
            .all(|t| t.counters.data_tx_packets == 0),
        "no poll yet"
    );
    assert!(before
        .tunnels
        .iter()
        .all(|t| t.state == tunnel_state::ESTABLISHED));
    assert!(before
        .sessions
        .iter()
        .all(|s| s.state == session_state::ESTABLISHED));
    // Session rows carry their own live counters.
    let session_tx: u64 = before
        .sessions
        .iter()
        .map(|s| s.counters.data_tx_packets)
        .sum();
    assert_eq!(session_tx, 6);

    poller.set_enabled(now, true);
    assert_eq!(poller.handle_timeout(now, &lac), 3);
    let after = lac.snmp_snapshot(now, wall, &poller);
    for row in &after.tunnels {
        let show = shown
            .iter()
            .find(|t| t.tunnel_local_id == row.local_tid)
            .expect("shown");
        assert_eq!(
            row.counters.data_tx_packets,
            show.statistics.data_tx_packets
        );
        assert_eq!(row.counters.data_tx_octets, show.statistics.data_tx_bytes);
        assert_eq!(row.remote_tid, show.tunnel_remote_id);
        assert_eq!(row.tunnel_group, "p");
    }

    // More traffic shows only after the next poll: the cache is what SNMP serves.
    lac.send_frame(calls[0], &[0xc0, 0x21, 9, 2, 0, 8, 0, 0, 0, 0])
        .expect("sent");
    let stale = lac.snmp_snapshot(now, wall, &poller);
    let total = |s: &l2tpd::snmp::snapshot::SnmpSnapshot| -> u64 {
        s.tunnels.iter().map(|t| t.counters.data_tx_packets).sum()
    };
    assert_eq!(total(&stale), 6);
    assert_eq!(poller.handle_timeout(now + PERIOD, &lac), 3);
    assert_eq!(total(&lac.snmp_snapshot(now, wall, &poller)), 7);
}

/// `clear services l2tp session statistics` restarts a session's counters: they read zero
/// after it and count only later traffic (the baseline is kept only for cleared sessions).
#[test]
fn a_session_statistics_clear_restarts_its_counters() {
    let (mut lac, mut lns, config) = pair(1, 2);
    let now = Instant::now();
    let calls = open(&mut lac, &mut lns, &config, now, 2);
    let frame = [0xc0, 0x21, 9, 1, 0, 8, 0, 0, 0, 0];
    for call in &calls {
        for _ in 0..2 {
            lac.send_frame(*call, &frame).expect("sent");
        }
    }
    exchange(&mut lac, &mut lns, now);
    let poller = Poller::new();
    let sent = |lac: &Registry| -> Vec<u64> {
        lac.snmp_snapshot(now, SystemTime::now(), &poller)
            .sessions
            .iter()
            .map(|s| s.counters.data_tx_packets)
            .collect()
    };
    assert_eq!(sent(&lac), [2, 2]);
    let clear = L2tpClear {
        statistics: true,
        target: ClearTarget::All,
        confirmed: false,
    };
    assert!(matches!(
        lac.clear(now, ClearLevel::Session, &clear),
        Ok(Clearing::Done(_))
    ));
    assert_eq!(sent(&lac), [0, 0]);
    lac.send_frame(calls[1], &frame).expect("sent");
    assert_eq!(sent(&lac), [0, 1]);
}

#[test]
fn sixty_five_thousand_sessions_snapshot_and_poll() {
    let (mut lac, mut lns, config) = pair(16, 4100);
    let now = Instant::now();
    open(&mut lac, &mut lns, &config, now, 65_000);
    let mut poller = Poller::new();
    poller.set_enabled(now, true);

    let started = Instant::now();
    let snapshot = lns.snmp_snapshot(now, SystemTime::now(), &poller);
    println!("snapshot of 65,000 sessions in {:?}", started.elapsed());
    assert_eq!(snapshot.sessions.len(), 65_000);
    assert_eq!(snapshot.tunnels.len(), 16);
    assert_eq!(snapshot.tunnel_groups.len(), 16);

    let started = Instant::now();
    let mut at = now;
    let mut polls = 0;
    while poller.cached_sessions() < 65_000 {
        assert_eq!(poller.handle_timeout(at, &lns), BATCH);
        at += PERIOD;
        polls += 1;
    }
    println!(
        "{polls} polls of {BATCH} sessions in {:?}",
        started.elapsed()
    );
    assert_eq!(
        polls, 65,
        "65,000 sessions in 65 polls: no value older than 65 × 30 s"
    );
}
