//! The subscriber emulator end to end in one process, with simulated time: its discovery
//! clients and `ClientLink`s against the daemon's own `DiscoveryServer` and `ServerLink`s, as
//! the LAC runs them. No sockets, no sleeps: frames are shuttled by hand and the clock jumps
//! from deadline to deadline.

use std::time::{Duration, Instant};

use l2tp_tests::emulator::{Emulator, EmulatorConfig, EndWith, SimulatedSegment, UpAt};
use l2tp_tests::pppoe_lac::{AuthAnswer, Lac};
use l2tpd::ppp::client_link::ClientLink;
use l2tpd::ppp::server_link::Credentials;
use l2tpd::ppp::wire::options::AuthProtocol;

type Segment = SimulatedSegment<ClientLink, Lac>;

fn segment(
    config: EmulatorConfig,
    authentication: Vec<AuthProtocol>,
    answer: AuthAnswer,
) -> Segment {
    let now = Instant::now();
    SimulatedSegment::new(
        Emulator::new(config),
        Lac::new(now, authentication, answer),
        now,
    )
}

/// The emulator's subscriber number (from 0) behind a LAC session.
fn subscriber_of(lac: &Lac, session_id: u16) -> usize {
    let client = lac.discovery.session(session_id).unwrap().client;
    let [.., a, b, c, d] = client.0;
    u32::from_be_bytes([a, b, c, d]) as usize
}

#[test]
fn a_thousand_subscribers_come_up_to_auth_sent_through_a_pass_through_lac_and_padt_ends_them_both_ways(
) {
    let mut config = EmulatorConfig::new(1000);
    config.rate = 10_000.0;
    config.password = b"pw".to_vec();
    let mut segment = segment(config, vec![AuthProtocol::Pap], AuthAnswer::HandOver);
    segment.run_until(Duration::from_secs(60), Emulator::all_up);

    let summary = segment.emulator.summary();
    assert_eq!(summary.up, 1000, "{:?}", summary.to_json());
    assert_eq!(summary.phases.get("auth-sent"), Some(&1000));
    assert!(summary.failures.is_empty(), "{:?}", summary.failures);
    assert_eq!(segment.far_end.discovery.session_count(), 1000);
    // Every LAC session holds exactly the credentials of the subscriber behind it.
    assert_eq!(segment.far_end.credentials.len(), 1000);
    for (session_id, credentials) in &segment.far_end.credentials {
        let n = subscriber_of(&segment.far_end, *session_id) + 1;
        // Any identifier: a request that beat the LAC's LCP Opened is resent under the next.
        let Credentials::Pap { name, password, .. } = credentials else {
            panic!("{credentials:?}");
        };
        assert_eq!(name, &format!("user{n}@isp.example").into_bytes());
        assert_eq!(password, b"pw");
    }

    // The LAC ends ten sessions with a PADT.
    let ended: Vec<u16> = segment.far_end.links.keys().copied().take(10).collect();
    for session_id in ended {
        let padt = segment
            .far_end
            .discovery
            .terminate(session_id, segment.now)
            .unwrap();
        segment.far_end.links.remove(&session_id);
        segment.emulator.handle_frame(&padt, segment.now);
    }
    assert_eq!(
        segment.emulator.summary().failures.get("peer-padt"),
        Some(&10)
    );

    // The emulator ends the other 990 with a PADT each.
    segment.emulator.stop(segment.now);
    segment.exchange();
    assert_eq!(segment.far_end.discovery.session_count(), 0);
    assert_eq!(segment.far_end.discovery.counters().padt_received, 990);
    assert_eq!(segment.emulator.summary().ended.get("stopped"), Some(&990));
}

#[test]
fn with_chap_answered_by_the_lac_subscribers_are_authenticated_and_answer_probes() {
    let mut config = EmulatorConfig::new(50);
    config.up_at = UpAt::Authenticated;
    config.password = b"chap-secret".to_vec();
    let mut segment = segment(config, vec![AuthProtocol::ChapMd5], AuthAnswer::Accept);
    segment.run_until(Duration::from_secs(60), Emulator::all_up);
    let summary = segment.emulator.summary();
    assert_eq!(summary.up, 50, "{:?}", summary.to_json());
    assert_eq!(summary.reached.get("authenticated"), Some(&50));
    assert!(segment
        .far_end
        .credentials
        .values()
        .all(|c| matches!(c, Credentials::Chap { .. })));

    // The LAC's LCP answers each probe (an LCP Echo-Request).
    assert_eq!(segment.emulator.send_probes(), 50);
    segment.exchange();
    assert_eq!(segment.emulator.counters().probe_replies, 50);
}

#[test]
fn after_the_hold_time_lcp_terminate_then_padt_end_every_session_at_the_lac() {
    let mut config = EmulatorConfig::new(20);
    config.up_at = UpAt::Authenticated;
    config.hold = Some(Duration::from_secs(5));
    config.end_with = EndWith::LcpTerminate;
    let mut segment = segment(config, vec![AuthProtocol::Pap], AuthAnswer::Accept);
    segment.run_until(Duration::from_secs(120), Emulator::settled);
    let summary = segment.emulator.summary();
    assert_eq!(
        summary.ended.get("hold-ended"),
        Some(&20),
        "{:?}",
        summary.to_json()
    );
    assert_eq!(segment.far_end.discovery.session_count(), 0);
    // Each LAC session saw the subscriber's Terminate-Request, then the PADT ended its link.
    assert_eq!(segment.far_end.terminate_requests, 20);
    assert_eq!(
        segment.far_end.link_downs.len(),
        20,
        "{:?}",
        segment.far_end.link_downs
    );
}
