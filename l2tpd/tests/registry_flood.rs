//! An LNS registry under SCCRQ floods from many sources, in simulated time (issue 9): a
//! refused SCCRQ is answered once and leaves nothing behind, one source cannot hold more
//! than its share of tunnels in any state, a global cap bounds the tunnels being
//! established, and through all of it a legitimate LAC gets its tunnel and session at once
//! and its hellos keep their schedule. The cost test runs the registry in a thread with a
//! generous wall-clock bound: before the indexes, forgetting empty destinations walked every
//! tunnel for every destination at each tunnel release, and this flood did not finish.

mod support;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use l2tpd::l2tp::session::CallInfo;
use l2tpd::l2tp::wire::attribute::attr;
use l2tpd::l2tp::wire::{Avp, ControlHeader, ControlMessage, ControlMessageBuilder, MessageType};
use l2tpd::registry::{Registry, RegistryEvent};
use schema::typed::{
    Gateway, ProfileTunnel, RouterConfig, TunnelMedium, TunnelProfile, TunnelType,
};
use support::SimulatedPair;

const LNS: Ipv4Addr = Ipv4Addr::new(198, 18, 1, 1);
const LAC: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 1);

/// The n-th flooding source, none of them the LAC.
fn source(n: usize) -> SocketAddr {
    let [_, _, hi, lo] = u32::try_from(n + 256).unwrap_or(0).to_be_bytes();
    SocketAddr::from((Ipv4Addr::new(198, 18, 2 + hi, lo), 1701))
}

/// A group at `LNS` admitting "lac-a" (and, when `open`, any LAC as client `default`).
fn lns_config(open: bool, drain: bool) -> RouterConfig {
    let mut lines = format!(
        "set services l2tp tunnel-group g local-gateway address {LNS}\n\
         set services l2tp tunnel-group g l2tp-access-profile ap\n\
         set access profile ap client lac-a l2tp maximum-sessions-per-tunnel 10\n"
    );
    if open {
        lines
            .push_str("set access profile ap client default l2tp maximum-sessions-per-tunnel 10\n");
    }
    if drain {
        lines.push_str("set services l2tp drain\n");
    }
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), &lines)
        .expect("set lines parse");
    schema::typed::router_config(&tree)
}

fn lac_profile() -> TunnelProfile {
    let tunnel = ProfileTunnel {
        identification: None,
        logical_system: None,
        max_sessions: None,
        medium: TunnelMedium::Ipv4,
        preference: 0,
        remote_gateway: Gateway {
            address: Some(LNS),
            gateway_name: None,
        },
        routing_instance: None,
        secret: None,
        source_gateway: Gateway {
            address: Some(LAC),
            gateway_name: Some("lac-a".into()),
        },
        tunnel_type: TunnelType::L2tp,
    };
    TunnelProfile {
        tunnels: [(1, Box::new(tunnel))].into_iter().collect(),
    }
}

fn header(tunnel_id: u16, ns: u16, nr: u16) -> ControlHeader {
    ControlHeader {
        tunnel_id,
        session_id: 0,
        ns,
        nr,
    }
}

/// A well-formed SCCRQ from LAC `host` with its Assigned Tunnel ID `id`.
fn sccrq(host: &str, id: u16) -> Vec<u8> {
    ControlMessageBuilder::new(MessageType::SCCRQ)
        .avp(Avp::ProtocolVersion {
            version: 1,
            revision: 0,
        })
        .avp(Avp::HostName(host.as_bytes().to_vec()))
        .avp(Avp::FramingCapabilities(3))
        .avp(Avp::AssignedTunnelId(id))
        .emit(header(0, 0, 0), None)
        .expect("SCCRQ encodes")
}

fn message_type(payload: &[u8]) -> Option<MessageType> {
    ControlMessage::parse(payload, None).ok()?.message_type
}

/// The LNS registry, a LAC registry joined to it, and flooding sources that never answer.
struct Lab {
    lns: Registry,
    lac: Registry,
    now: Instant,
    /// Datagrams the LNS sent to the flooding sources, and those they sent it.
    to_flood: usize,
    from_flood: usize,
    /// What the LNS sent to the flooding sources, by source address.
    flood_replies: HashMap<IpAddr, Vec<Vec<u8>>>,
    lac_events: Vec<RegistryEvent>,
    /// When the LNS sent the LAC a HELLO.
    hellos_to_lac: Vec<Instant>,
}

impl Lab {
    fn new(lns: &RouterConfig) -> Self {
        Self {
            lns: Registry::new(lns.clone(), 11),
            lac: Registry::new(schema::typed::router_config(&Default::default()), 12),
            now: Instant::now(),
            to_flood: 0,
            from_flood: 0,
            flood_replies: HashMap::new(),
            lac_events: Vec::new(),
            hellos_to_lac: Vec::new(),
        }
    }

    fn flood(&mut self, from: SocketAddr, datagram: &[u8]) {
        self.from_flood += 1;
        self.lns.handle_datagram(self.now, LNS, from, datagram);
    }

    /// A call through the LAC: true when its session came up without time passing.
    fn session_at_once(&mut self, serial: u32) -> bool {
        let call = CallInfo {
            serial,
            ..CallInfo::default()
        };
        let call = self
            .lac
            .open_session(self.now, "tp", &lac_profile(), call)
            .expect("placed");
        self.settle();
        self.lac_events
            .iter()
            .any(|e| matches!(e, RegistryEvent::SessionUp { session, .. } if *session == call))
    }
}

impl SimulatedPair for Lab {
    fn parts(&mut self) -> (&mut Instant, [&mut Registry; 2]) {
        (&mut self.now, [&mut self.lac, &mut self.lns])
    }

    fn settle(&mut self) {
        loop {
            let mut moved = false;
            while let Some(t) = self.lac.poll_transmit() {
                moved = true;
                let from = SocketAddr::from((LAC, 1701));
                self.lns.handle_datagram(self.now, LNS, from, &t.payload);
            }
            while let Some(t) = self.lns.poll_transmit() {
                moved = true;
                if t.destination.ip() == IpAddr::V4(LAC) {
                    if message_type(&t.payload) == Some(MessageType::HELLO) {
                        self.hellos_to_lac.push(self.now);
                    }
                    let from = SocketAddr::from((LNS, 1701));
                    self.lac.handle_datagram(self.now, LAC, from, &t.payload);
                } else {
                    self.to_flood += 1;
                    self.flood_replies
                        .entry(t.destination.ip())
                        .or_default()
                        .push(t.payload);
                }
            }
            while let Some(e) = self.lac.poll_event() {
                self.lac_events.push(e);
            }
            while self.lns.poll_event().is_some() {}
            if !moved {
                return;
            }
        }
    }
}

#[test]
fn a_refused_sccrq_gets_one_stopccn_and_leaves_nothing() {
    let mut lab = Lab::new(&lns_config(false, false));
    let stranger = source(0);
    lab.flood(stranger, &sccrq("stranger", 7));
    lab.settle();
    // Its retransmission is refused again the same way.
    lab.flood(stranger, &sccrq("stranger", 7));
    let start = lab.now;
    lab.run_until(start + Duration::from_secs(120));

    let replies = lab.flood_replies.remove(&stranger.ip()).unwrap_or_default();
    assert_eq!(
        replies.len(),
        2,
        "one StopCCN per SCCRQ, never retransmitted"
    );
    for reply in &replies {
        let stopccn = ControlMessage::parse(reply, None).expect("a control message");
        assert_eq!(stopccn.message_type, Some(MessageType::STOPCCN));
        assert_eq!(stopccn.header.tunnel_id, 7);
        assert!(matches!(
            stopccn.get(attr::RESULT_CODE),
            Some(Avp::ResultCode(rc)) if rc.result == 4
        ));
    }
    assert_eq!(lab.lns.population(), (0, 0, 0), "no state kept");
    assert_eq!(lab.lns.drops().sccrq_refused, 2);
    // The refusals are still counted by cause.
    let causes = lab.lns.disconnect_causes();
    assert_eq!(causes.tunnels.iter().map(|c| c.count).sum::<u64>(), 2);
}

#[test]
fn drain_refuses_an_sccrq_once_and_keeps_nothing() {
    let mut lab = Lab::new(&lns_config(true, true));
    lab.flood(source(0), &sccrq("lac-a", 9));
    let start = lab.now;
    lab.run_until(start + Duration::from_secs(120));
    let replies = lab
        .flood_replies
        .remove(&source(0).ip())
        .unwrap_or_default();
    assert_eq!(replies.len(), 1, "one StopCCN");
    assert_eq!(
        message_type(replies.first().map(Vec::as_slice).unwrap_or_default()),
        Some(MessageType::STOPCCN)
    );
    assert_eq!(lab.lns.population(), (0, 0, 0));
}

#[test]
fn the_per_source_limit_counts_tunnels_in_every_state() {
    let mut lab = Lab::new(&lns_config(true, false));
    lab.lns.set_max_tunnels_per_source(4);
    let attacker = source(0);
    for id in 1..=4 {
        lab.flood(attacker, &sccrq("anyone", id));
    }
    lab.settle();
    let sccrps = lab.flood_replies.remove(&attacker.ip()).unwrap_or_default();
    assert_eq!(sccrps.len(), 4);
    // Each tunnel is stopped by the "LAC": it leaves establishment for its post-StopCCN
    // hold, where it still holds a table entry.
    for (n, sccrp) in sccrps.iter().enumerate() {
        let sccrp = ControlMessage::parse(sccrp, None).expect("SCCRP");
        let ours = match sccrp.get(attr::ASSIGNED_TUNNEL_ID) {
            Some(Avp::AssignedTunnelId(id)) => *id,
            _ => panic!("SCCRP without Assigned Tunnel ID"),
        };
        let stopccn = ControlMessageBuilder::new(MessageType::STOPCCN)
            .avp(Avp::AssignedTunnelId(u16::try_from(n + 1).unwrap_or(1)))
            .avp(Avp::ResultCode(l2tpd::l2tp::wire::ResultCode {
                result: 1,
                error: None,
                message: Vec::new(),
            }))
            .emit(header(ours, 1, 1), None)
            .expect("StopCCN encodes");
        lab.flood(attacker, &stopccn);
    }
    lab.settle();
    lab.flood_replies.clear();
    for id in 5..=8 {
        lab.flood(attacker, &sccrq("anyone", id));
    }
    lab.settle();
    assert_eq!(
        lab.lns.population().1,
        4,
        "no new tunnel beside the closing ones"
    );
    assert_eq!(lab.lns.drops().flood, 4);
    assert!(lab.flood_replies.is_empty(), "nothing answered");
}

#[test]
fn the_global_cap_bounds_establishing_tunnels_and_a_real_lac_still_gets_through() {
    const CAP: usize = 200;
    const SOURCES: usize = 250;
    const PER_SOURCE: u16 = 8;
    let mut lab = Lab::new(&lns_config(true, false));
    lab.lns.set_max_establishing(CAP);
    for n in 0..SOURCES {
        for id in 1..=PER_SOURCE {
            lab.flood(source(n), &sccrq("anyone", id));
        }
    }
    lab.settle();
    let flood = SOURCES * usize::from(PER_SOURCE);
    assert_eq!(lab.lns.population().1, CAP, "the cap holds");
    assert_eq!(
        lab.lns.drops().establishing_evicted,
        u64::try_from(flood - CAP).unwrap_or(0)
    );
    // One SCCRP per SCCRQ: nothing amplified.
    assert_eq!(lab.to_flood, lab.from_flood);
    assert!(
        lab.session_at_once(1),
        "the LAC's tunnel and session come up at once"
    );
    assert!(lab.lns.population().1 <= CAP + 1);
}

/// A LAC whose SCCCN arrives after more flooded SCCRQs than the cap (a backlogged LNS reads
/// them in between) keeps its tunnel: the one evicted is the oldest of the source with the
/// most tunnels waiting, and the LAC has one. Before, the oldest of all was evicted, which
/// was the LAC's (found by the SCCRQ flood test on a loaded CI machine).
#[test]
fn the_cap_evicts_from_the_busiest_source_not_the_lac_waiting_for_its_scccn() {
    const CAP: usize = 200;
    const SOURCES: usize = 50;
    const PER_SOURCE: u16 = 8;
    let mut lab = Lab::new(&lns_config(true, false));
    lab.lns.set_max_establishing(CAP);
    let call = lab
        .lac
        .open_session(lab.now, "tp", &lac_profile(), CallInfo::default())
        .expect("placed");
    // Only the LAC's SCCRQ reaches the LNS; its SCCRP waits in the LNS's queue.
    while let Some(t) = lab.lac.poll_transmit() {
        let from = SocketAddr::from((LAC, 1701));
        lab.lns.handle_datagram(lab.now, LNS, from, &t.payload);
    }
    for n in 0..SOURCES {
        for id in 1..=PER_SOURCE {
            lab.flood(source(n), &sccrq("anyone", id));
        }
    }
    lab.settle();
    assert!(
        lab.lns.drops().establishing_evicted
            >= u64::try_from(SOURCES * usize::from(PER_SOURCE) + 1 - CAP).unwrap_or(0),
        "the cap held"
    );
    assert!(
        lab.lac_events
            .iter()
            .any(|e| matches!(e, RegistryEvent::SessionUp { session, .. } if *session == call)),
        "the LAC's tunnel and session come up: {:?}",
        lab.lac_events
    );
}

/// The cost test: 20,000 tunnels from 400 sources live through their whole retransmission
/// cycle and are released, while a real LAC's tunnel keeps its hellos on time.
#[test]
fn a_flood_from_many_sources_never_stalls_the_registry() {
    const SOURCES: usize = 400;
    const PER_SOURCE: u16 = 50;
    /// Generous: the run takes a few seconds; before the indexes it took hours.
    const BOUND: Duration = Duration::from_secs(240);
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lab = Lab::new(&lns_config(true, false));
        lab.lns.set_max_establishing(usize::from(u16::MAX));
        assert!(lab.session_at_once(1), "the LAC's session comes up");
        let up = lab.now;
        for n in 0..SOURCES {
            for id in 1..=PER_SOURCE {
                lab.flood(source(n), &sccrq("anyone", id));
            }
        }
        lab.settle();
        let flooded = lab.lns.population();
        lab.run_until(up + Duration::from_secs(150));
        let _ = done.send((flooded, lab.lns.population(), lab.hellos_to_lac, up));
    });
    let (flooded, after, hellos, up) = finished
        .recv_timeout(BOUND)
        .expect("the flood stalled the registry");
    let flood = SOURCES * usize::from(PER_SOURCE);
    assert_eq!(
        flooded.1,
        flood + 1,
        "every SCCRQ of the flood was admitted"
    );
    // Every flood tunnel ran out its retransmissions and was released with its destination;
    // the LAC's destination, tunnel and session remain.
    assert_eq!(after, (1, 1, 1));
    // Hellos after 60 s of silence, on the dot, flood or not.
    let secs: Vec<u64> = hellos
        .iter()
        .map(|t| t.duration_since(up).as_secs())
        .collect();
    assert_eq!(secs, vec![60, 120], "HELLOs to the LAC at {secs:?} s");
}

/// Under a flood of admitted SCCRQs the LNS sends no more datagrams than it reads, over the
/// whole retransmission cycle: beyond the first tunnels waiting for SCCCN, an SCCRP is sent
/// once and sent again only when its SCCRQ comes again (the LAC's own retransmission says
/// the SCCRP was lost), and the waiting tunnels still give up after a full cycle.
#[test]
fn an_admitted_flood_gets_no_more_datagrams_than_it_sends() {
    const SOURCES: usize = 100;
    const PER_SOURCE: u16 = 10;
    let mut lab = Lab::new(&lns_config(true, false));
    for n in 0..SOURCES {
        for id in 1..=PER_SOURCE {
            lab.flood(source(n), &sccrq("anyone", id));
        }
    }
    lab.settle();
    let answered = lab.to_flood;
    assert_eq!(
        answered,
        SOURCES * usize::from(PER_SOURCE),
        "one SCCRP each"
    );
    // A LAC that lost its SCCRP repeats the SCCRQ and gets the SCCRP again, at once.
    lab.flood(source(5), &sccrq("anyone", 3));
    lab.settle();
    assert_eq!(lab.to_flood, answered + 1);
    let again = lab.flood_replies[&source(5).ip()].last().cloned();
    assert_eq!(
        again.as_deref().and_then(message_type),
        Some(MessageType::SCCRP)
    );
    let end = lab.now + Duration::from_secs(120);
    lab.run_until(end);
    assert_eq!(lab.lns.population().1, 0, "every waiting tunnel gave up");
    assert!(
        lab.to_flood <= lab.from_flood,
        "{} datagrams sent for {} SCCRQs read",
        lab.to_flood,
        lab.from_flood
    );
    assert!(lab.session_at_once(1), "a real LAC still gets through");
}
