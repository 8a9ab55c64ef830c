//! Test calls as subscribers of the layer: a LAC layer and an LNS layer, each with its
//! registry, wired as the engine's core wires them, in simulated time.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use schema::subscriber_rpc::{PppoeSelect, SubscriberShow};
use schema::typed::RouterConfig;

use super::*;
use crate::l2tp::wire::Packet;

const LAC: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 71);
const LNS: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 72);

fn config(lines: &str) -> Arc<RouterConfig> {
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), lines)
        .expect("set lines parse");
    Arc::new(schema::typed::router_config(&tree))
}

/// One router: its registry and its subscriber layer, as `engine::core::Core` holds them.
struct Side {
    config: Arc<RouterConfig>,
    registry: Registry,
    layer: SubscriberLayer,
}

impl Side {
    fn new(now: Instant, lines: &str, seed: u64) -> Self {
        let config = config(lines);
        let mut registry = Registry::new(Arc::clone(&config), seed);
        registry.apply_config(now, &config);
        let mut layer = SubscriberLayer::new(seed, now);
        layer.configure(now, &config, &mut registry);
        layer.set_test_magic(0x5eed_0001);
        Self {
            config,
            registry,
            layer,
        }
    }

    fn process(&mut self, now: Instant) {
        while let Some(event) = self.registry.poll_event() {
            self.layer
                .registry_event(now, &event, &self.config, &mut self.registry);
        }
        self.layer.settle_tests(now, &self.registry);
    }

    fn timeout(&mut self, now: Instant) {
        if self.registry.poll_timeout().is_some_and(|t| t <= now) {
            self.registry.handle_timeout(now);
        }
        if self.layer.poll_timeout().is_some_and(|t| t <= now) {
            self.layer
                .handle_timeout(now, &self.config, &mut self.registry);
        }
        self.process(now);
    }

    fn start_test(&mut self, now: Instant, reply: mpsc::Sender<TestOutcome>) {
        let test = TunnelTest {
            user: "u1@example.net".into(),
            password: "pw".into(),
            tunnel_name: "tp".into(),
        };
        self.layer
            .start_test(now, &test, reply, &self.config, &mut self.registry);
        self.process(now);
    }
}

fn lac(now: Instant) -> Side {
    Side::new(
        now,
        &format!(
            "set system host-name lac-a\n\
             set access tunnel-profile tp tunnel 1 source-gateway address {LAC}\n\
             set access tunnel-profile tp tunnel 1 remote-gateway address {LNS}\n"
        ),
        1,
    )
}

fn lns(now: Instant) -> Side {
    Side::new(
        now,
        &format!(
            "set system host-name lns-a\n\
             set services l2tp tunnel-group g local-gateway address {LNS}\n"
        ),
        2,
    )
}

/// Moves every datagram between the two sides until nothing moves; LAC data messages are
/// dropped while `drop_lac_data` is set.
fn exchange(now: Instant, lac: &mut Side, lns: &mut Side, drop_lac_data: bool) {
    loop {
        let mut moved = false;
        while let Some(t) = lac.registry.poll_transmit() {
            let data = Packet::new_checked(&t.payload).is_ok_and(|p| !p.is_control());
            if data && drop_lac_data {
                continue;
            }
            lns.registry
                .handle_datagram(now, LNS, SocketAddr::new(LAC.into(), 1701), &t.payload);
            lns.process(now);
            moved = true;
        }
        while let Some(t) = lns.registry.poll_transmit() {
            lac.registry
                .handle_datagram(now, LAC, SocketAddr::new(LNS.into(), 1701), &t.payload);
            lac.process(now);
            moved = true;
        }
        if !moved {
            return;
        }
    }
}

fn show_all() -> SubscriberShow {
    SubscriberShow::default()
}

/// While its echo is unanswered, the test subscriber is in the table with its timer in the
/// table's set, and no view or clear of subscribers sees it; the echo reply ends the test
/// and the test subscriber, and no subscriber end is counted for it.
#[test]
fn a_test_call_is_a_hidden_subscriber_until_its_echo_is_answered() {
    let start = Instant::now();
    let (mut lac, mut lns) = (lac(start), lns(start));
    let (reply, outcome) = mpsc::channel();
    lac.start_test(start, reply);
    exchange(start, &mut lac, &mut lns, true);
    assert!(
        outcome.try_recv().is_err(),
        "no answer without an echo reply"
    );

    let [test] = lac.layer.table.ids()[..] else {
        panic!("one test subscriber");
    };
    let subscriber = lac.layer.table.get(test).expect("in the table");
    assert!(subscriber.is_test_call());
    assert_eq!(subscriber.phase, Phase::Active);
    // The echo's resend is the table's next timer: no scan of the tests finds it.
    assert_eq!(lac.layer.table.next_timeout(), Some(start + ECHO_RESEND));

    let rows = lac
        .layer
        .show_subscribers(&lac.registry, &show_all())
        .expect("shown");
    assert!(rows.subscribers.is_empty(), "{rows:?}");
    let interfaces = lac
        .layer
        .show_pppoe_interfaces(start, &PppoeSelect::default())
        .expect("shown");
    assert!(interfaces.interfaces.is_empty(), "{interfaces:?}");
    let cleared = lac
        .layer
        .clear_pppoe_sessions(start, &PppoeSelect::default(), &mut lac.registry)
        .expect("cleared");
    assert!(cleared.sessions.is_empty());
    assert!(lac.layer.table.get(test).is_some(), "not cleared");

    let resend = start + ECHO_RESEND;
    lac.timeout(resend);
    exchange(resend, &mut lac, &mut lns, false);
    let report = outcome.try_recv().expect("answered").expect("ran");
    assert_eq!(report.state, TunnelTestState::Established, "{report:?}");
    assert_eq!(
        report.echo_round_trip_us,
        Some(u64::try_from(ECHO_RESEND.as_micros()).expect("small"))
    );
    assert!(lac.layer.table.is_empty());
    assert!(
        lac.layer.table.ends.is_empty(),
        "{:?}",
        lac.layer.table.ends
    );
    assert_eq!(lac.registry.summary(false).sessions, 1, "the session stays");
}

/// An LNS that never answers: the deadline is the test subscriber's timer, and the report
/// says the session was not established, with the tunnel it waited on.
#[test]
fn a_test_without_an_answer_fails_at_its_deadline() {
    let start = Instant::now();
    let mut lac = lac(start);
    let (reply, outcome) = mpsc::channel();
    lac.start_test(start, reply);
    while lac.registry.poll_transmit().is_some() {}
    assert_eq!(lac.layer.table.next_timeout(), Some(start + TEST_TIMEOUT));

    // The tunnel's retransmissions run meanwhile; the test's own timer comes at 10 s.
    let mut now = start;
    for _ in 0..100 {
        if now >= start + TEST_TIMEOUT {
            break;
        }
        let next = [lac.registry.poll_timeout(), lac.layer.poll_timeout()]
            .into_iter()
            .flatten()
            .min();
        now = next.expect("a timer").max(now);
        lac.timeout(now);
        while lac.registry.poll_transmit().is_some() {}
    }
    assert_eq!(now, start + TEST_TIMEOUT);
    let report = outcome.try_recv().expect("answered").expect("ran");
    assert_eq!(report.state, TunnelTestState::Failed);
    assert!(report.local_tunnel_id.is_some(), "{report:?}");
    assert!(
        report
            .failure
            .as_deref()
            .is_some_and(|f| f.starts_with("the session was not established within 10 s")),
        "{report:?}"
    );
    assert!(lac.layer.table.is_empty());
    assert_eq!(lac.registry.summary(false).sessions, 0, "its call ended");
}

/// The bench's batch calls are test subscribers too: up at SessionUp without an echo,
/// hidden from the subscriber views, gone once the close batch has ended them.
#[test]
fn batch_calls_are_test_subscribers_without_an_echo() {
    batch_calls(false);
    batch_calls(true);
}

fn batch_calls(ipcp: bool) {
    let now = Instant::now();
    let (mut lac, mut lns) = (lac(now), lns(now));
    let (reply, opened) = mpsc::channel();
    lac.layer.open_batch(
        now,
        "tp",
        (3, ipcp),
        Duration::from_secs(60),
        reply,
        &lac.config,
        &mut lac.registry,
    );
    lac.process(now);
    exchange(now, &mut lac, &mut lns, false);
    let opened = opened.try_recv().expect("answered").expect("ran");
    assert_eq!((opened.completed, opened.held), (3, 3), "{opened:?}");
    assert_eq!(lac.layer.table.len(), 3);
    assert!(lac
        .layer
        .table
        .iter()
        .all(|s| s.is_test_call() && s.phase == Phase::Active));
    // No echo timer. Asked for IPCP, the only timer is the resend of the request this
    // LNS (no PPP here) never answers (`batch_ppp`); without, there is none, and nothing
    // asks an LNS without a pool for an address it would refuse.
    assert_eq!(
        lac.layer.table.next_timeout(),
        ipcp.then_some(now + ECHO_RESEND),
        "ipcp {ipcp}"
    );
    let rows = lac
        .layer
        .show_subscribers(&lac.registry, &show_all())
        .expect("shown");
    assert!(rows.subscribers.is_empty());

    let (reply, closed) = mpsc::channel();
    lac.layer
        .close_batch(now, Duration::from_secs(60), reply, &mut lac.registry);
    lac.process(now);
    exchange(now, &mut lac, &mut lns, false);
    let closed = closed.try_recv().expect("answered").expect("ran");
    assert_eq!((closed.completed, closed.held), (3, 0), "{closed:?}");
    assert!(lac.layer.table.is_empty());
}

/// The daemon stops while a test runs: it is answered, not left waiting for its bound.
#[test]
fn a_running_test_is_answered_at_shutdown() {
    let now = Instant::now();
    let mut lac = lac(now);
    let (reply, outcome) = mpsc::channel();
    lac.start_test(now, reply);
    lac.layer.shutdown(now, &mut lac.registry);
    assert_eq!(
        outcome.try_recv().expect("answered"),
        Err("the L2TP engine is stopping".into())
    );
    assert!(lac.layer.table.is_empty());
}
