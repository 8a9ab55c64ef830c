//! The emulator's bookkeeping (start rate, in-flight bound, up criterion, hold, PADT, probes,
//! summary) against the daemon's own `DiscoveryServer`, with simulated time. PPP here is a
//! scripted double that reports progress as soon as the session is up: what is under test is
//! the core, not PPP (the ClientLink ⇄ ServerLink run is in tests/tests/emulator_ppp.rs).

use std::collections::{HashSet, VecDeque};
use std::net::{Ipv4Addr, SocketAddrV4};
use std::time::{Duration, Instant};

use l2tpd::ppp::client_link::{ClientEvent, DownReason};
use l2tpd::ppp::wire::control::code;
use l2tpd::pppoe::discovery::{DiscoveryConfig, DiscoveryServer, Handled};
use l2tpd::pppoe::wire::MacAddr;
use schema::typed::{PppoeService, ServiceAction, ServiceName, ServiceNameTable};

use super::*;

const AC: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0xac]);
const LCP_CONFIGURE_REQUEST: [u8; 6] = [0xc0, 0x21, code::CONFIGURE_REQUEST, 1, 0, 4];
const LCP_TERMINATE_REQUEST: [u8; 6] = [0xc0, 0x21, code::TERMINATE_REQUEST, 2, 0, 4];

/// Sends one Configure-Request and reports LCP up and the credentials sent at once (with
/// IPCP: authenticated and IP up too, subscriber n at 198.18.100.n); `close` sends a
/// Terminate-Request and reports the link down.
struct ScriptedPpp {
    transmit: VecDeque<Vec<u8>>,
    progress: VecDeque<ClientEvent>,
    lowered: bool,
    /// With IPCP, the address it reports.
    address: Option<Ipv4Addr>,
}

/// Where the far end's IP host is, for the IP probes.
const HOST: Ipv4Addr = Ipv4Addr::new(198, 18, 1, 1);

impl PppClient for ScriptedPpp {
    fn new(params: PppParams) -> Self {
        assert!(
            params.user.starts_with(b"user"),
            "user name from the format"
        );
        let number = std::str::from_utf8(&params.user).ok().and_then(|u| {
            u.strip_prefix("user")?
                .split('@')
                .next()?
                .parse::<u8>()
                .ok()
        });
        Self {
            transmit: VecDeque::new(),
            progress: VecDeque::new(),
            lowered: false,
            address: params
                .ipcp
                .then(|| Ipv4Addr::new(198, 18, 100, number.unwrap_or(0))),
        }
    }
    fn start(&mut self, _now: Instant) {
        self.transmit.push_back(LCP_CONFIGURE_REQUEST.to_vec());
        self.progress
            .extend([ClientEvent::LcpUp, ClientEvent::AuthSent]);
        if let Some(local) = self.address {
            self.progress.extend([
                ClientEvent::Authenticated,
                ClientEvent::IpUp {
                    local,
                    peer: Ipv4Addr::new(198, 18, 100, 254),
                    dns: Vec::new(),
                    nbns: Vec::new(),
                },
            ]);
        }
    }
    fn handle_frame(&mut self, _ppp: &[u8], _now: Instant) {}
    fn handle_timeout(&mut self, _now: Instant) {}
    fn poll_timeout(&self) -> Option<Instant> {
        None
    }
    fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.transmit.pop_front().filter(|_| !self.lowered)
    }
    fn poll_event(&mut self) -> Option<ClientEvent> {
        self.progress.pop_front()
    }
    fn close(&mut self, _now: Instant) {
        self.transmit.push_back(LCP_TERMINATE_REQUEST.to_vec());
        self.progress
            .push_back(ClientEvent::Down(DownReason::Closed));
    }
    fn lower_down(&mut self) {
        self.lowered = true;
    }
}

/// The concentrator: the daemon's discovery server, answering probes as a PPP peer would.
struct Concentrator {
    server: DiscoveryServer,
    /// Session-stage PPP frames received, by session id.
    ppp_at_server: Vec<(u16, Vec<u8>)>,
    answer_probes: bool,
    /// IP inside the sessions is answered by `crate::ip_host`.
    ip_host: bool,
    /// The first ICMP packet of each session is lost (the sessions listed saw theirs).
    lose_first_ping: Option<HashSet<u16>>,
}

impl FarEnd for Concentrator {
    fn handle_frame(&mut self, frame: &[u8], now: Instant) -> Vec<Vec<u8>> {
        match self.server.handle_frame(frame, now) {
            Handled::Reply(reply) => vec![reply],
            Handled::SessionPpp { session_id, ppp } => {
                let ppp = ppp.to_vec();
                let mut replies = Vec::new();
                if let Some(packet) = ppp.strip_prefix(&[0x00, 0x21][..]) {
                    let lost = self
                        .lose_first_ping
                        .as_mut()
                        .is_some_and(|seen| packet.get(9) == Some(&1) && seen.insert(session_id));
                    if let Some(reply) = self
                        .ip_host
                        .then(|| crate::ip_host::reply(packet))
                        .flatten()
                        .filter(|_| !lost)
                    {
                        let mut frame = vec![0x00, 0x21];
                        frame.extend_from_slice(&reply);
                        replies.extend(self.server.session_frame(session_id, &frame));
                    }
                } else if self.answer_probes && ppp[2] == code::ECHO_REQUEST {
                    let mut reply = ppp.clone();
                    reply[2] = code::ECHO_REPLY;
                    replies.extend(self.server.session_frame(session_id, &reply));
                }
                self.ppp_at_server.push((session_id, ppp));
                replies
            }
            Handled::Nothing => Vec::new(),
        }
    }

    /// Delayed PADOs (`action delay` in the service-name table).
    fn handle_timeout(&mut self, now: Instant) -> Vec<Vec<u8>> {
        self.server.handle_timeout(now);
        std::iter::from_fn(|| self.server.poll_transmit()).collect()
    }

    fn poll_timeout(&self) -> Option<Instant> {
        self.server.poll_timeout()
    }
}

type Segment = SimulatedSegment<ScriptedPpp, Concentrator>;

fn segment_with(config: EmulatorConfig, ac: DiscoveryConfig) -> Segment {
    let now = Instant::now();
    let concentrator = Concentrator {
        server: DiscoveryServer::new(ac, [3; 16], now),
        ppp_at_server: Vec::new(),
        answer_probes: true,
        ip_host: true,
        lose_first_ping: None,
    };
    SimulatedSegment::new(Emulator::new(config), concentrator, now)
}

fn segment(config: EmulatorConfig) -> Segment {
    segment_with(config, DiscoveryConfig::new(AC, "lac1"))
}

#[test]
fn subscribers_start_at_the_configured_rate() {
    let mut config = EmulatorConfig::new(5);
    config.rate = 10.0;
    let mut segment = segment(config);
    let start = segment.now;
    segment.run_until(Duration::from_secs(10), Emulator::all_up);
    let started: Vec<Duration> = segment
        .emulator
        .subscribers()
        .iter()
        .map(|s| s.times.padi_sent.unwrap() - start)
        .collect();
    let expected: Vec<Duration> = (0..5).map(|n| Duration::from_millis(100 * n)).collect();
    assert_eq!(started, expected);
}

#[test]
fn no_more_than_max_in_flight_wait_for_an_answer_at_once() {
    let mut config = EmulatorConfig::new(5);
    config.rate = 1000.0;
    config.max_in_flight = 2;
    let mut segment = segment(config);
    // Nobody answers: take the concentrator off the segment.
    segment.emulator.start(segment.now);
    let start = segment.now;
    let mut padi_times = Vec::new();
    while let Some(at) = segment.emulator.poll_timeout() {
        if at > start + Duration::from_secs(60) {
            break;
        }
        segment.now = at;
        segment.emulator.handle_timeout(at);
        while segment.emulator.poll_transmit().is_some() {}
    }
    for subscriber in segment.emulator.subscribers() {
        padi_times.push(subscriber.times.padi_sent.unwrap() - start);
    }
    // Two start at once; the next two when those give up after 15 s, and so on.
    let ms = Duration::from_millis;
    assert_eq!(
        padi_times,
        vec![ms(0), ms(1), ms(15_000), ms(15_001), ms(30_000)]
    );
    let summary = segment.emulator.summary();
    assert_eq!(summary.failures.get("no-pado"), Some(&5));
    assert_eq!(summary.up, 0);
}

#[test]
fn a_hundred_subscribers_come_up_to_auth_sent_and_stop_sends_a_padt_for_each() {
    let mut segment = segment(EmulatorConfig::new(100));
    segment.run_until(Duration::from_secs(10), Emulator::all_up);
    assert!(segment.emulator.all_up());
    assert_eq!(segment.far_end.server.session_count(), 100);
    // Each session carried its own subscriber's first PPP frame.
    assert_eq!(segment.far_end.ppp_at_server.len(), 100);
    assert!(segment
        .far_end
        .ppp_at_server
        .iter()
        .all(|(_, ppp)| ppp == &LCP_CONFIGURE_REQUEST));
    let summary = segment.emulator.summary();
    assert_eq!(summary.up, 100);
    assert_eq!(summary.phases.get("auth-sent"), Some(&100));
    assert_eq!(summary.reached.get("lcp-up"), Some(&100));
    assert!(summary.failures.is_empty());
    // 1000/s: the last starts 99 ms after the first; nothing waits in simulated time.
    assert_eq!(summary.setup_ms.max, 0.0);

    segment.emulator.stop(segment.now);
    segment.exchange();
    assert_eq!(segment.far_end.server.session_count(), 0);
    assert_eq!(segment.far_end.server.counters().padt_received, 100);
    assert_eq!(segment.emulator.summary().ended.get("stopped"), Some(&100));
}

#[test]
fn a_padt_from_the_concentrator_is_a_failure_named_peer_padt() {
    let mut segment = segment(EmulatorConfig::new(3));
    segment.run_until(Duration::from_secs(10), Emulator::all_up);
    let padt = segment.far_end.server.terminate(2, segment.now).unwrap();
    segment.emulator.handle_frame(&padt, segment.now);
    let summary = segment.emulator.summary();
    assert_eq!(summary.failures.get("peer-padt"), Some(&1));
    assert_eq!(summary.phases.get("down"), Some(&1));
    // Up it was, so it still counts as up.
    assert_eq!(summary.up, 3);
}

#[test]
fn after_the_hold_time_each_subscriber_leaves_with_a_padt() {
    let mut config = EmulatorConfig::new(10);
    config.hold = Some(Duration::from_secs(30));
    let mut segment = segment(config);
    let start = segment.now;
    segment.run_until(Duration::from_secs(60), Emulator::settled);
    assert_eq!(segment.far_end.server.session_count(), 0);
    let summary = segment.emulator.summary();
    assert_eq!(summary.ended.get("hold-ended"), Some(&10));
    assert_eq!(summary.up, 10);
    let first = &segment.emulator.subscribers()[0];
    assert_eq!(first.times.down, Some(start + Duration::from_secs(30)));
}

#[test]
fn after_the_hold_time_lcp_terminate_goes_first_then_the_padt() {
    let mut config = EmulatorConfig::new(2);
    config.hold = Some(Duration::from_secs(5));
    config.end_with = EndWith::LcpTerminate;
    let mut segment = segment(config);
    segment.run_until(Duration::from_secs(60), Emulator::settled);
    let terminates = segment
        .far_end
        .ppp_at_server
        .iter()
        .filter(|(_, ppp)| ppp == &LCP_TERMINATE_REQUEST)
        .count();
    assert_eq!(terminates, 2);
    assert_eq!(segment.far_end.server.session_count(), 0);
    assert_eq!(segment.emulator.summary().ended.get("hold-ended"), Some(&2));
}

#[test]
fn probes_go_again_only_to_the_subscribers_whose_probe_was_not_answered() {
    let mut segment = segment(EmulatorConfig::new(20));
    segment.run_until(Duration::from_secs(10), Emulator::all_up);
    segment.far_end.answer_probes = false;
    assert_eq!(segment.emulator.send_probes(), 20);
    segment.exchange();
    assert_eq!(segment.emulator.probes_outstanding(), 20);
    segment.far_end.answer_probes = true;
    assert_eq!(segment.emulator.send_probes(), 20);
    segment.exchange();
    assert_eq!(segment.emulator.probes_outstanding(), 0);
    assert_eq!(segment.emulator.send_probes(), 0);
    let counters = segment.emulator.counters();
    assert_eq!((counters.probes_sent, counters.probe_replies), (40, 20));
    assert_eq!(segment.emulator.summary().probes_answered, 20);
}

#[test]
fn a_service_the_concentrator_does_not_offer_fails_with_no_pado() {
    let mut config = EmulatorConfig::new(1);
    config.service_name = b"video".to_vec();
    let mut ac = DiscoveryConfig::new(AC, "lac1");
    ac.service_table = Some(ServiceNameTable {
        services: vec![PppoeService {
            name: ServiceName::Named("internet".into()),
            action: ServiceAction::Terminate,
            max_sessions: None,
            dynamic_profile: None,
            routing_instance: None,
        }],
    });
    let mut segment = segment_with(config, ac);
    segment.run_until(Duration::from_secs(60), Emulator::settled);
    let summary = segment.emulator.summary();
    assert_eq!(summary.failures.get("no-pado"), Some(&1));
    assert_eq!(summary.to_json()["failures"]["no-pado"], 1);
}

fn ip_probes(count: usize) -> EmulatorConfig {
    let mut config = EmulatorConfig::new(count);
    config.up_at = UpAt::Ip;
    config.ip_probes = IpProbeConfig {
        ping: Some(HOST),
        ping_count: 3,
        udp: Some(SocketAddrV4::new(HOST, crate::ip_host::ECHO_PORT)),
        udp_count: 3,
        udp_source: None,
    };
    config
}

/// Once IPCP is up each subscriber pings (again a second later when the first is lost) and
/// sends its datagrams; the host's replies are matched and counted, and the run settles
/// when every probe is done.
#[test]
fn pings_and_datagrams_go_once_ipcp_is_up_and_their_replies_are_counted() {
    let mut segment = segment(ip_probes(10));
    segment.far_end.lose_first_ping = Some(HashSet::new());
    let start = segment.now;
    segment.run_until(Duration::from_secs(60), Emulator::settled);
    assert!(segment.emulator.settled());
    assert!(segment.emulator.ip_probes_answered());
    // The lost pings went again after a second; the flow's last datagram was waited for
    // only until it came back.
    let last_start = segment.emulator.config().start_offset(9);
    assert_eq!(segment.now, start + last_start + Duration::from_secs(1));
    let summary = segment.emulator.summary();
    assert_eq!((summary.ipcp_up, summary.addresses), (10, 10));
    assert_eq!(
        summary.ip,
        IpCounters {
            ping_sent: 20,
            ping_replies: 10,
            udp_sent: 30,
            udp_replies: 30,
        }
    );
    let json = summary.to_json();
    for (field, value) in [
        ("ipcp_up", 10),
        ("addresses", 10),
        ("ping_sent", 20),
        ("ping_replies", 10),
        ("udp_sent", 30),
        ("udp_replies", 30),
    ] {
        assert_eq!(json[field], value, "{field}");
    }
    // The existing fields are still there.
    assert_eq!(json["up"], 10);
    assert_eq!(json["frames"]["probes_answered"], 0);
}

#[test]
fn unanswered_pings_stop_at_the_count_and_the_run_is_not_ok() {
    let mut segment = segment(ip_probes(4));
    segment.far_end.ip_host = false;
    let start = segment.now;
    segment.run_until(Duration::from_secs(60), Emulator::settled);
    assert!(segment.emulator.settled());
    assert!(!segment.emulator.ip_probes_answered());
    // Three pings a second apart, then a second for the last reply.
    let last_start = segment.emulator.config().start_offset(3);
    assert_eq!(segment.now, start + last_start + Duration::from_secs(3));
    let summary = segment.emulator.summary();
    assert_eq!(
        summary.ip,
        IpCounters {
            ping_sent: 12,
            ping_replies: 0,
            udp_sent: 12,
            udp_replies: 0,
        }
    );
}

#[test]
fn without_ip_probes_nothing_but_ppp_is_sent() {
    let mut config = EmulatorConfig::new(3);
    config.up_at = UpAt::Ip;
    let mut segment = segment(config);
    segment.run_until(Duration::from_secs(10), Emulator::settled);
    let summary = segment.emulator.summary();
    assert_eq!((summary.ipcp_up, summary.addresses), (3, 3));
    assert_eq!(summary.ip, IpCounters::default());
    assert!(segment.emulator.ip_probes_answered());
    assert!(segment
        .far_end
        .ppp_at_server
        .iter()
        .all(|(_, ppp)| ppp == &LCP_CONFIGURE_REQUEST));
}
