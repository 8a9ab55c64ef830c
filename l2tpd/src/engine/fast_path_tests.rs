//! The relay's fast path through the real engine tasks: a subscriber on a socket link (the
//! lab's port kind, no root needed) → our LAC → loopback UDP → our LNS, and back. Real
//! sockets and time, so the waits are bounded, and a datagram lost on a busy machine is
//! sent again rather than waited for: the test asserts what arrived, never how fast.

use std::ops::Range;
use std::time::Instant;

use schema::l2tp_rpc::{L2tpCounters, L2tpShow, Level};
use schema::subscriber_rpc::{SubscriberShow, SubscriberState};
use tokio::time::timeout;

use super::sim_lab::Sub;
use super::subscriber_rpc::SubscriberRpc;
use super::*;
use crate::io::{AsyncFrameEndpoint, FrameBatch, SocketLink};
use crate::pppoe::wire::MacAddr;
use crate::subscriber::echo;

const PORT: &str = "link-fast";
const LAC: &str = "127.31.8.1";
const LNS: &str = "127.31.8.2";
/// Echo-Requests sent once the subscriber is Active; every one must be answered.
const ECHOES: u8 = 200;
/// A few at a time: a burst of hundreds could overflow a busy reader's buffer on a shared
/// machine.
const WINDOW: u8 = 10;
/// A window's unanswered requests go again after this long without their replies, as PPP
/// itself copes with loss; it only decides how soon, nothing asserts it.
const RESEND: Duration = Duration::from_millis(100);
/// Only against a hang: a loaded machine takes seconds, a broken fast path forever.
const BOUND: Duration = Duration::from_secs(30);

/// The subscriber ignores the first reply to these requests, as if the datagram had been
/// lost: every run goes through the re-sending the test relies on.
fn lost_on_purpose(id: u8) -> bool {
    id % 50 == 7
}

/// The subscriber's Echo-Requests, identified 0 to [`ECHOES`]: a window at a time, each
/// request of it sent again until answered.
struct Echoes {
    window: Range<u8>,
    answered: [bool; 256],
    /// The replies ignored so far ([`lost_on_purpose`]).
    ignored: Vec<u8>,
    /// Requests sent, the repeated ones included.
    sent: usize,
    last_sent: Instant,
    /// How many of the subscriber's replies have been taken in.
    taken: usize,
}

impl Echoes {
    fn new(now: Instant) -> Self {
        Echoes {
            window: 0..0,
            answered: [false; 256],
            ignored: Vec::new(),
            sent: 0,
            last_sent: now,
            taken: 0,
        }
    }

    fn unanswered(&self) -> Vec<u8> {
        self.window
            .clone()
            .filter(|id| !self.answered[usize::from(*id)])
            .collect()
    }

    fn done(&self) -> bool {
        self.window.end == ECHOES && self.unanswered().is_empty()
    }

    /// Takes in the replies the subscriber received since the last call.
    fn take_replies(&mut self, replies: &[u8]) {
        for &id in replies.get(self.taken..).unwrap_or_default() {
            if lost_on_purpose(id) && !self.ignored.contains(&id) {
                self.ignored.push(id);
            } else {
                self.answered[usize::from(id)] = true;
            }
        }
        self.taken = replies.len();
    }

    /// The requests to send now: the next window once this one is answered (and the
    /// subscriber Active), or this one's unanswered again after [`RESEND`].
    fn due(&mut self, now: Instant, active: bool) -> Vec<u8> {
        let unanswered = self.unanswered();
        let ids: Vec<u8> = if unanswered.is_empty() {
            if !active || self.window.end == ECHOES {
                return Vec::new();
            }
            self.window = self.window.end..self.window.end + WINDOW;
            self.window.clone().collect()
        } else if now.duration_since(self.last_sent) >= RESEND {
            unanswered
        } else {
            return Vec::new();
        };
        self.last_sent = now;
        self.sent += ids.len();
        ids
    }
}

fn config(lines: &str) -> Arc<RouterConfig> {
    Arc::new(config_from_set_lines(lines))
}

fn session_counters(engine: &mut Engine) -> Option<L2tpCounters> {
    let show = L2tpShow {
        level: Level::Extensive,
        ..L2tpShow::default()
    };
    match engine.l2tp_rpc(L2tpRpc::Sessions(show)) {
        Ok(Reply::L2tpSessions(s)) => s.sessions.first().and_then(|s| s.statistics),
        _ => None,
    }
}

/// The LAC's subscriber is Active: from then on its frames are the LNS's, relayed.
fn subscriber_active(engine: &mut Engine) -> bool {
    let show = SubscriberShow {
        summary: true,
        ..SubscriberShow::default()
    };
    match engine.l2tp_rpc(L2tpRpc::Subscriber(SubscriberRpc::Subscribers(show))) {
        Ok(Reply::Subscribers(reply)) => reply.summary.is_some_and(|summary| {
            summary
                .by_state
                .iter()
                .any(|c| c.name == SubscriberState::Active && c.count > 0)
        }),
        _ => false,
    }
}

/// Both ends' counters of the session once they agree, or as they are after [`BOUND`]. A
/// frame either end sent just before (an LCP echo of the LNS's own keepalive, say) is counted
/// by its sender before the other end has it: on a loaded machine a first look can catch it
/// in flight.
fn settled_counters(lac: &mut Engine, lns: &mut Engine) -> (L2tpCounters, L2tpCounters) {
    let deadline = Instant::now() + BOUND;
    loop {
        let lac_counters = session_counters(lac).expect("a session at the LAC");
        let lns_counters = session_counters(lns).expect("a session at the LNS");
        let agree = (lac_counters.data_tx_packets, lac_counters.data_rx_packets)
            == (lns_counters.data_rx_packets, lns_counters.data_tx_packets);
        if agree || Instant::now() >= deadline {
            return (lac_counters, lns_counters);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn an_active_subscriber_s_frames_cross_the_engine_s_fast_path_both_ways() {
    let dir = tempfile::tempdir().expect("tempdir");
    let link = dir.path().join("lac.sock");
    let mut lns = Engine::start().expect("lns");
    lns.apply(&config(&format!(
        "set system host-name lns-f\n\
         set services l2tp tunnel-group g local-gateway address {LNS}\n\
         set services l2tp tunnel-group g l2tp-access-profile ap\n\
         set access profile ap client lac-f l2tp maximum-sessions-per-tunnel 10\n"
    )))
    .expect("lns config");
    let mut lac = Engine::start_with(EngineOptions {
        access_links: [(PORT.to_string(), link.clone())].into(),
        ..EngineOptions::default()
    })
    .expect("lac");
    lac.apply(&config(&format!(
        "set system host-name lac-f\n\
         set interfaces {PORT} unit 0 family pppoe access-concentrator lac-f\n\
         set access tunnel-profile tp tunnel 1 source-gateway address {LAC}\n\
         set access tunnel-profile tp tunnel 1 remote-gateway address {LNS}\n\
         set access domain map isp.example tunnel-profile tp\n"
    )))
    .expect("lac config");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut sub = Sub::new(1, "grace@isp.example");
    let (echoes, counters) = runtime.block_on(async {
        let mut endpoint = AsyncFrameEndpoint::new(
            SocketLink::connect(
                dir.path().join("sub.sock"),
                &link,
                MacAddr([2, 0, 0, 0, 0, 9]),
            )
            .expect("link"),
        )
        .expect("endpoint");
        let mut batch = FrameBatch::new(64, 1600);
        let deadline = Instant::now() + BOUND;
        sub.pppoe.start(Instant::now());
        let mut echoes = Echoes::new(Instant::now());
        let mut active = false;
        while !echoes.done() {
            assert!(
                Instant::now() < deadline,
                "no progress: {:?}, active {active}, window {:?} unanswered {:?}, {} sent, \
                 replies {:?}, lac {:?}, lns {:?}",
                sub.events,
                echoes.window,
                echoes.unanswered(),
                echoes.sent,
                sub.echo_replies,
                session_counters(&mut lac),
                session_counters(&mut lns)
            );
            let now = Instant::now();
            sub.pppoe.handle_timeout(now);
            sub.ppp.handle_timeout(now);
            let mut frames = sub.outgoing(now);
            active = active || subscriber_active(&mut lac);
            for id in echoes.due(now, active) {
                let request = echo::build(false, id, 0x1001, b"engine fast path", true);
                frames.extend(sub.pppoe.session_frame(&request));
            }
            endpoint.send_all(&frames).await.expect("send");
            if let Ok(received) =
                timeout(Duration::from_millis(20), endpoint.recv_batch(&mut batch)).await
            {
                received.expect("receive");
                for frame in batch.frames() {
                    sub.receive(frame, Instant::now());
                }
            }
            echoes.take_replies(&sub.echo_replies);
        }
        (echoes, settled_counters(&mut lac, &mut lns))
    });
    let (lac_counters, lns_counters) = counters;
    // The replies ignored were made good by sending again.
    assert_eq!(echoes.ignored, [7, 57, 107, 157]);
    // Each request answered crossed the LAC at least once: the subscriber was Active.
    assert!(
        lac_counters.data_tx_packets >= u64::from(ECHOES),
        "{lac_counters:?}, {} requests sent",
        echoes.sent
    );
    // The LAC's view folds in what its fast path relayed: it matches what the LNS counted
    // (the LNS's own session counters, no fast path there). Loss on the subscriber's side
    // cannot part them: a frame lost before the LAC is counted by neither, one lost after
    // it by both; loopback UDP between them holds the few datagrams in flight.
    assert_eq!(
        (lac_counters.data_tx_packets, lac_counters.data_tx_bytes),
        (lns_counters.data_rx_packets, lns_counters.data_rx_bytes)
    );
    assert_eq!(
        (lac_counters.data_rx_packets, lac_counters.data_rx_bytes),
        (lns_counters.data_tx_packets, lns_counters.data_tx_bytes)
    );
}
