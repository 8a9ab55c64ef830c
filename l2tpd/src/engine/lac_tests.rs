//! The LAC sequence end to end in simulated time: PPPoE subscribers (the daemon's own
//! discovery client and PPP client role) → our LAC core → UDP → our LNS core.

use std::collections::HashMap;
use std::net::{SocketAddr, SocketAddrV4};
use std::sync::Arc;
use std::time::{Duration, Instant};

use schema::l2tp_rpc::{ClearLevel, ClearTarget, L2tpClear, L2tpShow, Level};
use schema::typed::RouterConfig;

use super::core::Core;
use super::echo;
use super::rpc::L2tpRpc;
use crate::l2tp::wire::{DataHeader, DataMessage, Sequence};
use crate::ppp::client_link::{ClientEvent, ClientLink, ClientLinkConfig};
use crate::ppp::fsm;
use crate::pppoe::client::{ClientConfig, ClientEvent as PppoeEvent, DiscoveryClient, Received};
use crate::pppoe::wire::MacAddr;
use crate::registry::Transmit;
use crate::subscriber::pppoe_access::PortFacts;
use crate::subscriber::table::Phase;

const PORT: &str = "veth-sub";
const LAC: &str = "127.0.0.71";
const LNS: &str = "127.0.0.72";
const AC_MAC: [u8; 6] = [0x02, 0, 0, 0, 0xac, 1];

fn config(lines: &str) -> RouterConfig {
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), lines)
        .expect("set lines parse");
    schema::typed::router_config(&tree)
}

fn lac_config(extra: &str) -> RouterConfig {
    config(&format!(
        "set system host-name lac-s\n\
         set interfaces {PORT} unit 0 family pppoe access-concentrator lac-s\n\
         set access tunnel-profile tp tunnel 1 source-gateway address {LAC}\n\
         set access tunnel-profile tp tunnel 1 remote-gateway address {LNS}\n\
         set access domain map isp.example tunnel-profile tp\n{extra}"
    ))
}

fn lns_config() -> RouterConfig {
    config(&format!(
        "set system host-name lns-s\n\
         set services l2tp tunnel-group g local-gateway address {LNS}\n\
         set services l2tp tunnel-group g l2tp-access-profile ap\n\
         set access profile ap client lac-s l2tp maximum-sessions-per-tunnel 2000\n"
    ))
}

/// One emulated subscriber: PPPoE discovery client and PPP client.
pub(super) struct Sub {
    pub pppoe: DiscoveryClient,
    pub ppp: ClientLink,
    pub events: Vec<ClientEvent>,
    ppp_started: bool,
    /// PPP frames received that the PPP client did not take (echo replies from the LNS).
    pub echo_replies: usize,
    ended: bool,
}

impl Sub {
    pub(super) fn new(index: u32, user: &str) -> Self {
        let [a, b, c, d] = index.to_be_bytes();
        let mac = MacAddr([0x02, 0x5b, a, b, c, d]);
        let mut cfg = ClientConfig::new(mac);
        cfg.host_uniq = index.to_be_bytes().to_vec();
        Sub {
            pppoe: DiscoveryClient::new(cfg),
            ppp: ClientLink::new(ClientLinkConfig {
                fsm: fsm::Config::default(),
                mru: 1492,
                magic: 0x1000 + index,
                user: user.as_bytes().to_vec(),
                password: b"pw".to_vec(),
                echo: None,
                ipcp: false,
            }),
            events: Vec::new(),
            ppp_started: false,
            echo_replies: 0,
            ended: false,
        }
    }

    /// Acts on discovery's events: PPP starts with the session and ends with it.
    pub(super) fn discovery_events(&mut self, now: Instant) {
        while let Some(event) = self.pppoe.poll_event() {
            match event {
                PppoeEvent::SessionUp { .. } if !self.ppp_started => {
                    self.ppp_started = true;
                    self.ppp.start(now);
                }
                PppoeEvent::SessionDown(_) | PppoeEvent::Failed(_) => {
                    self.ended = true;
                    self.ppp.lower_down();
                }
                PppoeEvent::SessionUp { .. } => {}
            }
        }
    }

    /// Every frame the subscriber has to send now: discovery, then PPP.
    pub(super) fn outgoing(&mut self, now: Instant) -> Vec<Vec<u8>> {
        let mut frames = Vec::new();
        while let Some(frame) = self.pppoe.poll_transmit() {
            frames.push(frame);
        }
        self.discovery_events(now);
        while let Some(ppp) = self.ppp.poll_transmit() {
            frames.extend(self.pppoe.session_frame(&ppp));
        }
        while let Some(event) = self.ppp.poll_event() {
            self.events.push(event);
        }
        frames
    }

    /// A frame from the access concentrator.
    pub(super) fn receive(&mut self, frame: &[u8], now: Instant) {
        let received = self.pppoe.handle_frame(frame, now);
        // A PADS starts PPP before the LAC's first Configure-Request right behind it.
        self.discovery_events(now);
        if let Received::SessionPpp(ppp) = received {
            if echo::parse(ppp).is_some_and(|e| e.reply) {
                self.echo_replies += 1;
            } else {
                self.ppp.handle_frame(ppp, now);
            }
        }
    }

    fn mac(&self) -> MacAddr {
        self.pppoe.mac()
    }
}

struct Lab {
    now: Instant,
    lac: Core,
    lns: Core,
    subs: Vec<Sub>,
    /// Frames the LAC's relay table carried as the I/O tasks would, without the core:
    /// subscriber → LNS, and LNS → subscriber.
    fast_up: u64,
    fast_down: u64,
}

impl Lab {
    fn new(extra_lac: &str) -> Self {
        let now = Instant::now();
        let mut lac = Core::new(&Arc::new(lac_config(extra_lac)), Some(11));
        lac.attach_port(
            PORT,
            PortFacts {
                mac: AC_MAC,
                mtu: 1500,
            },
            true,
        );
        let lns = Core::new(&Arc::new(lns_config()), Some(12));
        Lab {
            now,
            lac,
            lns,
            subs: Vec::new(),
            fast_up: 0,
            fast_down: 0,
        }
    }

    fn add(&mut self, user: &str) -> usize {
        let index = self.subs.len();
        let mut sub = Sub::new(u32::try_from(index).expect("few"), user);
        sub.pppoe.start(self.now);
        self.subs.push(sub);
        index
    }

    /// Moves frames and datagrams until nothing moves.
    fn settle(&mut self) {
        for _ in 0..200 {
            if self.step() == 0 {
                return;
            }
        }
        panic!("the lab did not settle");
    }

    fn step(&mut self) -> usize {
        let now = self.now;
        let mut moved = 0;
        // Subscribers → LAC.
        for sub in &mut self.subs {
            for frame in sub.outgoing(now) {
                self.fast_up += port_receive(now, &mut self.lac, &mut self.lns, &frame);
                moved += 1;
            }
        }
        // LAC → subscribers, by destination MAC (or to all for broadcast).
        let by_mac: HashMap<MacAddr, usize> = self
            .subs
            .iter()
            .enumerate()
            .map(|(i, s)| (s.mac(), i))
            .collect();
        let mut to_subscribers = Vec::new();
        while let Some(out) = self.lac.poll_frame() {
            assert_eq!(&*out.port, PORT);
            to_subscribers.push(out.frame);
        }
        moved += deliver(now, &mut self.lac, &mut self.lns);
        // LNS → LAC: what the relay table takes goes straight to the port, as the L2TP
        // socket reader would send it; the rest to the core.
        let relay = self.lac.relay();
        let mut frame = Vec::new();
        while let Some(t) = self.lns.poll_transmit() {
            let (source, destination) = addresses(&t);
            moved += 1;
            let fast = relay
                .lock()
                .relay_down(source, &t.payload, &mut frame)
                .is_some();
            if fast {
                self.fast_down += 1;
                to_subscribers.push(frame.clone());
            } else {
                self.lac
                    .handle_datagram(now, *destination.ip(), source, &t.payload);
            }
        }
        while let Some(out) = self.lac.poll_frame() {
            to_subscribers.push(out.frame);
        }
        for frame in to_subscribers {
            let dst = MacAddr(frame[..6].try_into().expect("a MAC"));
            let Some(&i) = by_mac.get(&dst) else {
                continue;
            };
            moved += 1;
            self.subs[i].receive(&frame, now);
        }
        moved
    }

    /// The LNS ends its only session (a CDN), as when its subscriber logs out.
    fn lns_sends_cdn(&mut self) {
        let session = self.lns_sessions().pop().expect("a session");
        let call = self
            .lns
            .registry()
            .call_at(session.tunnel_local_id, session.session_local_id)
            .expect("its call");
        self.lns.close_session_for_test(self.now, call);
    }

    /// Entries in the LAC's relay table.
    fn relayed(&self) -> usize {
        self.lac.relay().lock().len()
    }

    /// A session's data counters at the LAC (fast path folded in, as views see them).
    fn lac_data_counters(&mut self) -> (u64, u64, u64, u64) {
        self.lac.fold_relay_counters();
        let show = L2tpShow {
            level: Level::Extensive,
            ..L2tpShow::default()
        };
        data_counters(&self.lac, self.now, &show)
    }

    fn advance(&mut self, by: Duration) {
        self.now += by;
        let now = self.now;
        self.lac.handle_timeout(now);
        self.lns.handle_timeout(now);
        for sub in &mut self.subs {
            sub.pppoe.handle_timeout(now);
            sub.ppp.handle_timeout(now);
        }
        self.settle();
    }

    fn lns_sessions(&self) -> Vec<schema::l2tp_rpc::L2tpSession> {
        let show = L2tpShow {
            level: Level::Extensive,
            ..L2tpShow::default()
        };
        self.lns
            .registry()
            .sessions(self.now, &show)
            .map(|s| s.sessions)
            .unwrap_or_default()
    }
}

/// (from, to) of a datagram between the two cores.
fn addresses(t: &Transmit) -> (SocketAddr, SocketAddrV4) {
    let (Some(source), SocketAddr::V4(destination)) = (t.source, t.destination) else {
        panic!("a datagram without addresses: {t:?}");
    };
    (SocketAddr::new(source.into(), 1701), destination)
}

fn deliver(now: Instant, from: &mut Core, to: &mut Core) -> usize {
    let mut delivered = 0;
    while let Some(t) = from.poll_transmit() {
        let (source, destination) = addresses(&t);
        to.handle_datagram(now, *destination.ip(), source, &t.payload);
        delivered += 1;
    }
    delivered
}

/// A frame received on the LAC's port: relayed by the table as the port task would
/// (1, straight to the LNS), or handed to the core (0).
fn port_receive(now: Instant, lac: &mut Core, lns: &mut Core, frame: &[u8]) -> u64 {
    let mut datagram = Vec::new();
    let target = lac.relay().lock().relay_up(PORT, frame, &mut datagram);
    match target {
        Some(target) => {
            let SocketAddr::V4(destination) = target.destination else {
                panic!("an IPv4 LNS");
            };
            let source = SocketAddr::new(target.source.into(), 1701);
            lns.handle_datagram(now, *destination.ip(), source, &datagram);
            1
        }
        None => {
            lac.handle_frame(now, PORT, frame);
            0
        }
    }
}

/// The only session's data counters: (tx packets, tx bytes, rx packets, rx bytes).
fn data_counters(core: &Core, now: Instant, show: &L2tpShow) -> (u64, u64, u64, u64) {
    let sessions = core
        .registry()
        .sessions(now, show)
        .map(|s| s.sessions)
        .unwrap_or_default();
    let [session] = sessions.as_slice() else {
        panic!("one session: {sessions:?}");
    };
    let c = session.statistics.expect("extensive has statistics");
    (
        c.data_tx_packets,
        c.data_tx_bytes,
        c.data_rx_packets,
        c.data_rx_bytes,
    )
}

#[test]
fn a_pppoe_subscriber_is_tunnelled_with_proxy_lcp_and_proxy_authentication() {
    let mut lab = Lab::new("");
    let i = lab.add("alice@isp.example");
    lab.settle();
    lab.advance(Duration::from_millis(10));

    let sub = &lab.subs[i];
    assert!(
        sub.events.contains(&ClientEvent::LcpUp) && sub.events.contains(&ClientEvent::AuthSent),
        "{:?}",
        sub.events
    );
    let subscribers: Vec<_> = lab.lac.subscribers().table.iter().collect();
    let [subscriber] = subscribers.as_slice() else {
        panic!("one subscriber at the LAC");
    };
    assert_eq!(subscriber.phase, Phase::Active);
    assert_eq!(subscriber.user.as_deref(), Some("alice@isp.example"));
    assert_eq!(subscriber.authentication, Some("chap"));

    let sessions = lab.lns_sessions();
    let [session] = sessions.as_slice() else {
        panic!("one session at the LNS: {sessions:?}");
    };
    assert_eq!(session.user_name.as_deref(), Some("alice@isp.example"));
    assert!(session.proxy_lcp, "{session:?}");
    assert_eq!(session.proxy_authentication.as_deref(), Some("chap"));

    // A PPP frame from the subscriber crosses to the LNS, and the LNS's answer comes back.
    let request = echo::build(false, 9, 0x1000, b"through the LAC", true);
    let frame = lab.subs[i]
        .pppoe
        .session_frame(&request)
        .expect("session frame");
    let now = lab.now;
    lab.lac.handle_frame(now, PORT, &frame);
    lab.settle();
    assert_eq!(lab.subs[i].echo_replies, 1);
}

#[test]
fn a_padt_ends_the_subscriber_and_its_session_at_the_lns() {
    let mut lab = Lab::new("");
    let i = lab.add("bob@isp.example");
    lab.settle();
    assert_eq!(lab.lns_sessions().len(), 1);
    lab.subs[i].pppoe.terminate();
    lab.settle();
    assert!(lab.lac.subscribers().table.is_empty());
    assert!(lab.lns_sessions().is_empty(), "{:?}", lab.lns_sessions());
}

#[test]
fn a_cdn_from_the_lns_sends_the_subscriber_a_padt() {
    let mut lab = Lab::new("");
    let i = lab.add("carol@isp.example");
    lab.settle();
    lab.lns_sends_cdn();
    lab.settle();
    assert!(lab.subs[i].ended, "the subscriber got its PADT");
    assert!(lab.lac.subscribers().table.is_empty());
}

#[test]
fn a_subscriber_no_domain_map_tunnels_is_refused_and_counted() {
    let mut lab = Lab::new("");
    let i = lab.add("dave@elsewhere.example");
    lab.settle();
    lab.advance(Duration::from_secs(1));
    assert!(
        lab.subs[i]
            .events
            .iter()
            .any(|e| matches!(e, ClientEvent::AuthFailed(_))),
        "{:?}",
        lab.subs[i].events
    );
    assert!(lab.lac.subscribers().table.is_empty());
    assert!(lab.lns_sessions().is_empty());
    let refusals = &lab.lac.subscribers().table.refusals;
    assert_eq!(refusals.values().sum::<u64>(), 1, "{refusals:?}");
}

#[test]
fn many_subscribers_come_up_and_all_leave() {
    let mut lab = Lab::new("");
    for n in 0..200 {
        lab.add(&format!("user{n}@isp.example"));
    }
    lab.settle();
    lab.advance(Duration::from_millis(10));
    assert_eq!(lab.lac.subscribers().table.len(), 200);
    assert_eq!(lab.lns_sessions().len(), 200);
    for sub in &mut lab.subs {
        sub.pppoe.terminate();
    }
    lab.settle();
    assert!(lab.lac.subscribers().table.is_empty());
    assert!(lab.lns_sessions().is_empty());
}

#[test]
fn link_loss_ends_every_subscriber_of_the_port_and_their_sessions() {
    let mut lab = Lab::new("");
    for n in 0..3 {
        lab.add(&format!("user{n}@isp.example"));
    }
    lab.settle();
    assert_eq!(lab.lns_sessions().len(), 3);
    let now = lab.now;
    lab.lac.port_link(now, PORT, false);
    lab.settle();
    assert!(lab.lac.subscribers().table.is_empty());
    assert!(lab.lns_sessions().is_empty(), "CDNs reached the LNS");
    let ends = &lab.lac.subscribers().table.ends;
    assert_eq!(ends.values().sum::<u64>(), 3, "{ends:?}");
}

#[test]
fn clear_pppoe_sessions_sends_padt_and_cdn() {
    use super::rpc::L2tpRpc;
    use super::subscriber_rpc::SubscriberRpc;
    use schema::subscriber_rpc::PppoeSelect;

    let mut lab = Lab::new("");
    let i = lab.add("erin@isp.example");
    lab.settle();
    let (reply, answer) = std::sync::mpsc::channel();
    let now = lab.now;
    lab.lac.l2tp_rpc(
        now,
        L2tpRpc::Subscriber(SubscriberRpc::ClearPppoeSessions(PppoeSelect::default())),
        reply,
    );
    let cleared = answer.try_recv().expect("answered at once");
    assert!(
        matches!(&cleared, Ok(schema::mgmt::Reply::PppoeCleared(c)) if c.sessions.len() == 1),
        "{cleared:?}"
    );
    lab.settle();
    assert!(lab.subs[i].ended, "the client got its PADT");
    assert!(lab.lns_sessions().is_empty(), "the LNS got its CDN");
}

/// Runs an operator's clear on `core` to its end.
fn clear(core: &mut Core, now: Instant, level: ClearLevel) {
    let (reply, answer) = std::sync::mpsc::channel();
    let clear = L2tpClear {
        statistics: false,
        target: ClearTarget::All,
        confirmed: true,
    };
    core.l2tp_rpc(now, L2tpRpc::Clear { level, clear }, reply);
    for _ in 0..100 {
        if !core.clearing() {
            break;
        }
        core.continue_clears(now);
    }
    assert!(answer.try_recv().is_ok(), "the clear answered");
}

#[test]
fn established_frames_cross_the_fast_path_both_ways_and_the_counters_add_up() {
    let mut lab = Lab::new("");
    let i = lab.add("erin@isp.example");
    lab.settle();
    assert_eq!(
        lab.relayed(),
        1,
        "the Active subscriber is in the relay table"
    );
    let (up_before, down_before) = (lab.fast_up, lab.fast_down);
    for n in 0..20u8 {
        let request = echo::build(false, n, 0x1000, b"fast path", true);
        let frame = lab.subs[i].pppoe.session_frame(&request).expect("framed");
        let now = lab.now;
        lab.fast_up += port_receive(now, &mut lab.lac, &mut lab.lns, &frame);
        lab.settle();
    }
    assert_eq!(lab.subs[i].echo_replies, 20, "every echo came back");
    assert_eq!(
        lab.fast_up - up_before,
        20,
        "every request took the fast path up"
    );
    assert_eq!(
        lab.fast_down - down_before,
        20,
        "every reply took the fast path down"
    );

    // What the LAC shows includes the fast path, and matches what the LNS saw (the LNS has
    // no fast path: its counts are the session's own).
    let (tx_packets, tx_bytes, rx_packets, rx_bytes) = lab.lac_data_counters();
    let show = L2tpShow {
        level: Level::Extensive,
        ..L2tpShow::default()
    };
    let (lns_tx_packets, lns_tx_bytes, lns_rx_packets, lns_rx_bytes) =
        data_counters(&lab.lns, lab.now, &show);
    assert!(
        tx_packets >= 20 && rx_packets >= 20,
        "{tx_packets} {rx_packets}"
    );
    assert_eq!((tx_packets, tx_bytes), (lns_rx_packets, lns_rx_bytes));
    assert_eq!((rx_packets, rx_bytes), (lns_tx_packets, lns_tx_bytes));
    let subscriber = lab.lac.subscribers().table.iter().next().expect("one");
    assert_eq!(
        (subscriber.frames_up, subscriber.bytes_up),
        (tx_packets, tx_bytes)
    );
    assert_eq!(
        (subscriber.frames_down, subscriber.bytes_down),
        (rx_packets, rx_bytes)
    );
    // Folding twice adds nothing: the numbers never run ahead of what crossed.
    assert_eq!(
        lab.lac_data_counters(),
        (tx_packets, tx_bytes, rx_packets, rx_bytes)
    );
}

#[test]
fn every_end_takes_the_subscriber_off_the_fast_path() {
    type End = fn(&mut Lab, usize);
    let ends: [(&str, End); 6] = [
        ("PADT from the subscriber", |lab, i| {
            lab.subs[i].pppoe.terminate()
        }),
        ("CDN from the LNS", |lab, _| lab.lns_sends_cdn()),
        ("StopCCN from the LNS", |lab, _| {
            clear(&mut lab.lns, lab.now, ClearLevel::Tunnel)
        }),
        ("clear services l2tp session at the LAC", |lab, _| {
            clear(&mut lab.lac, lab.now, ClearLevel::Session)
        }),
        ("link loss on the port", |lab, _| {
            lab.lac.port_link(lab.now, PORT, false)
        }),
        ("shutdown", |lab, _| lab.lac.shutdown(lab.now)),
    ];
    for (how, end) in ends {
        let mut lab = Lab::new("");
        let i = lab.add("frank@isp.example");
        lab.settle();
        assert_eq!(lab.relayed(), 1, "{how}: relayed once Active");
        let request = echo::build(false, 1, 0x1000, b"last words", true);
        let frame = lab.subs[i].pppoe.session_frame(&request).expect("framed");
        let now = lab.now;
        assert_eq!(port_receive(now, &mut lab.lac, &mut lab.lns, &frame), 1);
        end(&mut lab, i);
        lab.settle();
        assert_eq!(lab.relayed(), 0, "{how}: the entry is gone");
        assert!(lab.lac.subscribers().table.is_empty(), "{how}");
        // A frame of the ended session is no longer relayed.
        assert_eq!(
            port_receive(lab.now, &mut lab.lac, &mut lab.lns, &frame),
            0,
            "{how}"
        );
    }
}

#[test]
fn a_session_the_lns_starts_sequencing_leaves_the_fast_path() {
    let mut lab = Lab::new("");
    let i = lab.add("heidi@isp.example");
    lab.settle();
    assert_eq!(lab.relayed(), 1);
    let show = L2tpShow {
        level: Level::Extensive,
        ..L2tpShow::default()
    };
    let sessions = lab
        .lac
        .registry()
        .sessions(lab.now, &show)
        .expect("sessions")
        .sessions;
    let [session] = sessions.as_slice() else {
        panic!("one session: {sessions:?}");
    };
    // RFC 2661 §5.4: the LNS may begin sequencing mid-session; the LAC follows its S bit,
    // and sequenced data is the session's to number and check, never the table's.
    let reply = echo::build(true, 1, 0x2000, b"now sequenced", true);
    let sequenced = DataMessage {
        header: DataHeader {
            tunnel_id: session.tunnel_local_id,
            session_id: session.session_local_id,
            with_length: true,
            sequence: Some(Sequence { ns: 0, nr: 0 }),
            ..DataHeader::default()
        },
        payload: &reply,
    }
    .to_bytes()
    .expect("a data message");
    let relay = lab.lac.relay();
    let mut frame = Vec::new();
    let lns = SocketAddr::new(LNS.parse().expect("an address"), 1701);
    assert!(
        relay
            .lock()
            .relay_down(lns, &sequenced, &mut frame)
            .is_none(),
        "a sequenced data message takes the slow path"
    );
    let now = lab.now;
    lab.lac
        .handle_datagram(now, LAC.parse().expect("an address"), lns, &sequenced);
    lab.settle();
    assert_eq!(
        lab.subs[i].echo_replies, 1,
        "the frame reached the subscriber"
    );
    assert_eq!(lab.relayed(), 0, "the session left the fast path");
    let request = echo::build(false, 2, 0x1000, b"numbered now", true);
    let frame = lab.subs[i].pppoe.session_frame(&request).expect("framed");
    assert_eq!(port_receive(now, &mut lab.lac, &mut lab.lns, &frame), 0);
    lab.settle();
    assert_eq!(
        lab.subs[i].echo_replies, 2,
        "relayed on the slow path, both ways"
    );
}
