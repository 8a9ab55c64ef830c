//! The LAC sequence end to end in simulated time: PPPoE subscribers (the daemon's own
//! discovery client and PPP client role) → our LAC core → UDP → our LNS core.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use schema::l2tp_rpc::{L2tpShow, Level};
use schema::typed::RouterConfig;

use super::core::Core;
use super::echo;
use crate::ppp::client_link::{ClientEvent, ClientLink, ClientLinkConfig};
use crate::ppp::fsm;
use crate::pppoe::client::{ClientConfig, ClientEvent as PppoeEvent, DiscoveryClient, Received};
use crate::pppoe::wire::MacAddr;
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
struct Sub {
    pppoe: DiscoveryClient,
    ppp: ClientLink,
    events: Vec<ClientEvent>,
    ppp_started: bool,
    /// PPP frames received that the PPP client did not take (echo replies from the LNS).
    echo_replies: usize,
    ended: bool,
}

impl Sub {
    fn new(index: u32, user: &str) -> Self {
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
    fn discovery_events(&mut self, now: Instant) {
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

    fn mac(&self) -> MacAddr {
        self.pppoe.mac()
    }
}

struct Lab {
    now: Instant,
    lac: Core,
    lns: Core,
    subs: Vec<Sub>,
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
            while let Some(frame) = sub.pppoe.poll_transmit() {
                self.lac.handle_frame(now, PORT, &frame);
                moved += 1;
            }
            sub.discovery_events(now);
            while let Some(ppp) = sub.ppp.poll_transmit() {
                if let Some(frame) = sub.pppoe.session_frame(&ppp) {
                    self.lac.handle_frame(now, PORT, &frame);
                    moved += 1;
                }
            }
            while let Some(event) = sub.ppp.poll_event() {
                sub.events.push(event);
            }
        }
        // LAC → subscribers, by destination MAC (or to all for broadcast).
        let by_mac: HashMap<MacAddr, usize> = self
            .subs
            .iter()
            .enumerate()
            .map(|(i, s)| (s.mac(), i))
            .collect();
        while let Some(out) = self.lac.poll_frame() {
            assert_eq!(&*out.port, PORT);
            let dst = MacAddr(out.frame[..6].try_into().expect("a MAC"));
            let Some(&i) = by_mac.get(&dst) else {
                continue;
            };
            moved += 1;
            let sub = &mut self.subs[i];
            let received = sub.pppoe.handle_frame(&out.frame, now);
            // A PADS starts PPP before the LAC's first Configure-Request right behind it.
            sub.discovery_events(now);
            if let Received::SessionPpp(ppp) = received {
                if echo::parse(ppp).is_some_and(|e| e.reply) {
                    sub.echo_replies += 1;
                } else {
                    sub.ppp.handle_frame(ppp, now);
                }
            }
        }
        moved += deliver(now, &mut self.lac, &mut self.lns);
        moved += deliver(now, &mut self.lns, &mut self.lac);
        moved
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

fn deliver(now: Instant, from: &mut Core, to: &mut Core) -> usize {
    let mut delivered = 0;
    while let Some(t) = from.poll_transmit() {
        let (Some(source), SocketAddr::V4(destination)) = (t.source, t.destination) else {
            panic!("a datagram without addresses: {t:?}");
        };
        to.handle_datagram(
            now,
            *destination.ip(),
            SocketAddr::new(source.into(), 1701),
            &t.payload,
        );
        delivered += 1;
    }
    delivered
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
    let session = lab.lns_sessions().pop().expect("a session");
    let call = lab
        .lns
        .registry()
        .call_at(session.tunnel_local_id, session.session_local_id)
        .expect("its call");
    let now = lab.now;
    lab.lns.close_session_for_test(now, call);
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
