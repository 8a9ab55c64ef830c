//! `cargo run --release -p l2tpd --example registry_teardown [-- 1000,5000,20000,65000]`
//!
//! Session teardown cost per session at several table sizes (issue 15, item 4: linear within
//! 25 %). A LAC registry and an LNS registry joined in memory, no sockets: N sessions over 8
//! tunnels come up, then every session is closed by the LAC (CDN) and the LNS answers, and the
//! time from the first close to the last acknowledgement is divided by N. This is the
//! registries' own work, without the engine's socket and scheduling noise that the
//! `l2tp-bench setup` figures include.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Instant;

use l2tpd::l2tp::session::{CallInfo, CdnResult};
use l2tpd::registry::{Registry, RegistryEvent};
use schema::typed::{
    router_config, Gateway, ProfileTunnel, RouterConfig, TunnelMedium, TunnelProfile, TunnelType,
};

const LAC: Ipv4Addr = Ipv4Addr::new(127, 0, 9, 1);
const TUNNELS: u8 = 8;

fn lns_address(n: u8) -> Ipv4Addr {
    Ipv4Addr::new(127, 0, 9, 10 + n)
}

fn lns_config() -> RouterConfig {
    let mut config = router_config(&schema::tree::Node::default());
    for n in 1..=TUNNELS {
        let group = schema::typed::TunnelGroup {
            aaa_access_profile: None,
            dynamic_profile: None,
            hello_interval: 60,
            hide_avps: false,
            l2tp_access_profile: None,
            local_address: Some(lns_address(n)),
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
        };
        config.l2tp.tunnel_groups.insert(format!("g{n}"), group);
    }
    config
}

fn profile() -> TunnelProfile {
    let tunnel = |n: u8| ProfileTunnel {
        identification: None,
        logical_system: None,
        max_sessions: None,
        medium: TunnelMedium::Ipv4,
        preference: 0,
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
    };
    TunnelProfile {
        tunnels: (1..=TUNNELS).map(|n| (n, Box::new(tunnel(n)))).collect(),
    }
}

/// Carries every datagram both ways until nothing moves; returns the events seen.
fn settle(now: Instant, lac: &mut Registry, lns: &mut Registry) -> (usize, usize) {
    let (mut up, mut down) = (0, 0);
    loop {
        let mut moved = false;
        while let Some(t) = lac.poll_transmit() {
            moved = true;
            let IpAddr::V4(to) = t.destination.ip() else {
                continue;
            };
            let from = SocketAddr::new(t.source.unwrap_or(LAC).into(), 1701);
            lns.handle_datagram(now, to, from, &t.payload);
        }
        while let Some(t) = lns.poll_transmit() {
            moved = true;
            let from = SocketAddr::new(t.source.unwrap_or(LAC).into(), 1701);
            lac.handle_datagram(now, LAC, from, &t.payload);
        }
        while let Some(e) = lac.poll_event() {
            match e {
                RegistryEvent::SessionUp { .. } => up += 1,
                RegistryEvent::SessionDown { .. } => down += 1,
                _ => {}
            }
        }
        while lns.poll_event().is_some() {}
        if !moved {
            return (up, down);
        }
    }
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "1000,5000,20000,65000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    println!("sessions  tunnels  setup µs/session  teardown µs/session  ratio to the first");
    let mut first = None;
    for n in sizes {
        // The fastest of three: the machine is shared, and other work only ever adds.
        let runs: Vec<(f64, f64, bool)> = (0..3).map(|_| run(n)).collect();
        let setup = runs.iter().map(|r| r.0).fold(f64::MAX, f64::min);
        let per = runs.iter().map(|r| r.1).fold(f64::MAX, f64::min);
        let complete = runs.iter().all(|r| r.2);
        let base = *first.get_or_insert(per);
        println!(
            "{n:>8}  {:>7}  {setup:>16.2}  {per:>19.2}  {:>18.2}{}",
            TUNNELS,
            per / base,
            if complete { "" } else { "  (incomplete)" }
        );
    }
}

/// One size: µs per session for setup and for teardown, and whether every session came up
/// and went down.
fn run(n: usize) -> (f64, f64, bool) {
    let mut lac = Registry::new(router_config(&schema::tree::Node::default()), 1);
    let mut lns = Registry::new(lns_config(), 2);
    let now = Instant::now();
    let tp = profile();
    let started = Instant::now();
    let calls: Vec<_> = (0..n)
        .filter_map(|s| {
            let info = CallInfo {
                serial: u32::try_from(s).unwrap_or(u32::MAX),
                ..CallInfo::default()
            };
            lac.open_session(now, "tp", &tp, info).ok()
        })
        .collect();
    let (up, _) = settle(now, &mut lac, &mut lns);
    let setup = started.elapsed();
    let started = Instant::now();
    for call in &calls {
        lac.close_session(now, *call, CdnResult::lost_carrier(), None);
    }
    let (_, down) = settle(now, &mut lac, &mut lns);
    let teardown = started.elapsed();
    let per = |d: std::time::Duration| d.as_secs_f64() * 1e6 / n.max(1) as f64;
    (per(setup), per(teardown), up == n && down == n)
}
