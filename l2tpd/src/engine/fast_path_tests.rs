//! The relay's fast path through the real engine tasks: a subscriber on a socket link (the
//! lab's port kind, no root needed) → our LAC → loopback UDP → our LNS, and back. Real
//! sockets and time, so the waits are bounded.

use std::time::Instant;

use schema::l2tp_rpc::{L2tpCounters, L2tpShow, Level};
use tokio::time::timeout;

use super::sim_lab::Sub;
use super::*;
use crate::io::{AsyncFrameEndpoint, FrameBatch, SocketLink};
use crate::pppoe::wire::MacAddr;
use crate::subscriber::echo;

const PORT: &str = "link-fast";
const LAC: &str = "127.31.8.1";
const LNS: &str = "127.31.8.2";
/// Echo-Requests sent once the subscriber is Active; every one must come back.
const ECHOES: u8 = 200;
const WINDOW: u8 = 10;
const BOUND: Duration = Duration::from_secs(20);

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
    let (echo_replies, counters) = runtime.block_on(async {
        let endpoint = AsyncFrameEndpoint::new(
            SocketLink::connect(
                dir.path().join("sub.sock"),
                &link,
                MacAddr([2, 0, 0, 0, 0, 9]),
            )
            .expect("link"),
        )
        .expect("endpoint");
        let mut endpoint = endpoint;
        let mut batch = FrameBatch::new(64, 1600);
        let deadline = Instant::now() + BOUND;
        sub.pppoe.start(Instant::now());
        let mut sent_echoes = 0;
        loop {
            assert!(
                Instant::now() < deadline,
                "no progress: {:?}, {sent_echoes} sent, {} back, lac {:?}, lns {:?}",
                sub.events,
                sub.echo_replies,
                session_counters(&mut lac),
                session_counters(&mut lns)
            );
            let now = Instant::now();
            sub.pppoe.handle_timeout(now);
            sub.ppp.handle_timeout(now);
            let mut frames = sub.outgoing(now);
            // Up once the LNS has the session: the LAC's subscriber is Active by then. A few
            // at a time: a burst of hundreds could overflow a busy reader's UDP buffer on
            // this shared machine, and a lost datagram is not what this test is about.
            let answered = sent_echoes == 0 || sub.echo_replies == usize::from(sent_echoes);
            if sent_echoes < ECHOES && answered && session_counters(&mut lns).is_some() {
                for id in sent_echoes..sent_echoes + WINDOW {
                    let request = echo::build(false, id, 0x1001, b"engine fast path", true);
                    frames.extend(sub.pppoe.session_frame(&request));
                }
                sent_echoes += WINDOW;
            }
            endpoint.send_all(&frames).await.expect("send");
            if sub.echo_replies == usize::from(ECHOES) {
                break;
            }
            if let Ok(received) =
                timeout(Duration::from_millis(20), endpoint.recv_batch(&mut batch)).await
            {
                received.expect("receive");
                for frame in batch.frames() {
                    sub.receive(frame, Instant::now());
                }
            }
        }
        (sub.echo_replies, settled_counters(&mut lac, &mut lns))
    });
    let (lac_counters, lns_counters) = counters;
    assert_eq!(echo_replies, usize::from(ECHOES));
    // The LAC's view folds in what its fast path relayed: it matches what the LNS counted
    // (the LNS's own session counters, no fast path there).
    assert!(lac_counters.data_tx_packets >= u64::from(ECHOES));
    assert_eq!(
        (lac_counters.data_tx_packets, lac_counters.data_tx_bytes),
        (lns_counters.data_rx_packets, lns_counters.data_rx_bytes)
    );
    assert_eq!(
        (lac_counters.data_rx_packets, lac_counters.data_rx_bytes),
        (lns_counters.data_tx_packets, lns_counters.data_tx_bytes)
    );
}
