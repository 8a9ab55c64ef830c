//! An LNS registry receiving an SCCRQ whose Assigned Tunnel ID and Challenge are hidden
//! (RFC 2661 §4.3). The LAC side is hand-built so the test controls exactly what is hidden.
//!
//! With the client's secret the LNS unhides both, answers the Challenge and establishes the
//! tunnel. With another secret nothing decodes: there is no Assigned Tunnel ID to address a
//! StopCCN to, so the SCCRQ is dropped and counted as `hidden_undecodable`.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Instant;

use l2tpd::l2tp::wire::attribute::attr;
use l2tpd::l2tp::wire::{
    challenge_response, Avp, ControlHeader, ControlMessage, ControlMessageBuilder, MessageType,
};
use l2tpd::registry::{Registry, RegistryEvent};
use schema::typed::RouterConfig;

const LNS: Ipv4Addr = Ipv4Addr::new(198, 18, 1, 1);
const SECRET: &[u8] = b"s3cret";
const LAC_TUNNEL_ID: u16 = 0x4242;
const LAC_CHALLENGE: [u8; 16] = [0x11; 16];

fn lac_peer() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::new(198, 18, 0, 1), 1701))
}

fn lns_config() -> RouterConfig {
    let tree = schema::parse::apply_set_lines(
        &schema::tree::Node::default(),
        &format!(
            "set system host-name lns-a\n\
             set services l2tp tunnel-group g local-gateway address {LNS}\n\
             set services l2tp tunnel-group g l2tp-access-profile ap\n\
             set access profile ap client lac-a l2tp shared-secret s3cret\n"
        ),
    )
    .expect("set lines parse");
    schema::typed::router_config(&tree)
}

/// An SCCRQ from "lac-a" whose Assigned Tunnel ID and Challenge are hidden with `secret`.
fn hidden_sccrq(secret: &[u8]) -> Vec<u8> {
    ControlMessageBuilder::new(MessageType::SCCRQ)
        .avp(Avp::ProtocolVersion {
            version: 1,
            revision: 0,
        })
        .avp(Avp::HostName(b"lac-a".to_vec()))
        .avp(Avp::FramingCapabilities(3))
        .avp(Avp::RandomVector(vec![0x5a; 16]))
        .hidden_avp(Avp::AssignedTunnelId(LAC_TUNNEL_ID), vec![0xa5; 4])
        .hidden_avp(Avp::Challenge(LAC_CHALLENGE.to_vec()), Vec::new())
        .emit(
            ControlHeader {
                tunnel_id: 0,
                session_id: 0,
                ns: 0,
                nr: 0,
            },
            Some(secret),
        )
        .expect("fits")
}

#[test]
fn hidden_assigned_tunnel_id_with_the_right_secret_establishes_the_tunnel() {
    let now = Instant::now();
    let mut lns = Registry::new(lns_config(), 7);
    lns.handle_datagram(now, LNS, lac_peer(), &hidden_sccrq(SECRET));

    let sccrp = lns.poll_transmit().expect("an SCCRP");
    assert_eq!(sccrp.destination, lac_peer());
    let sccrp = ControlMessage::parse(&sccrp.payload, Some(SECRET)).expect("valid SCCRP");
    assert_eq!(sccrp.message_type, Some(MessageType::SCCRP));
    // Addressed to the hidden Assigned Tunnel ID, and answering the hidden Challenge.
    assert_eq!(sccrp.header.tunnel_id, LAC_TUNNEL_ID);
    assert_eq!(
        sccrp.get(attr::CHALLENGE_RESPONSE),
        Some(&Avp::ChallengeResponse(challenge_response(
            2,
            SECRET,
            &LAC_CHALLENGE
        )))
    );
    let Some(Avp::AssignedTunnelId(lns_tunnel_id)) = sccrp.get(attr::ASSIGNED_TUNNEL_ID) else {
        panic!("SCCRP without Assigned Tunnel ID: {sccrp:?}");
    };
    let Some(Avp::Challenge(lns_challenge)) = sccrp.get(attr::CHALLENGE) else {
        panic!("an LNS with a secret challenges the LAC: {sccrp:?}");
    };

    let scccn = ControlMessageBuilder::new(MessageType::SCCCN)
        .avp(Avp::ChallengeResponse(challenge_response(
            3,
            SECRET,
            lns_challenge,
        )))
        .emit(
            ControlHeader {
                tunnel_id: *lns_tunnel_id,
                session_id: 0,
                ns: 1,
                nr: 1,
            },
            Some(SECRET),
        )
        .expect("fits");
    lns.handle_datagram(now, LNS, lac_peer(), &scccn);

    let events: Vec<RegistryEvent> = std::iter::from_fn(|| lns.poll_event()).collect();
    assert!(
        events.contains(&RegistryEvent::TunnelUp {
            tunnel_id: *lns_tunnel_id,
            peer: lac_peer(),
        }),
        "tunnel not up: {events:?}"
    );
    assert_eq!(lns.summary(false).tunnels, 1);
    assert_eq!(lns.drops().hidden_undecodable, 0);
}

#[test]
fn hidden_assigned_tunnel_id_with_a_wrong_secret_is_dropped_and_counted() {
    let now = Instant::now();
    let mut lns = Registry::new(lns_config(), 7);
    let sccrq = hidden_sccrq(b"not the secret");
    lns.handle_datagram(now, LNS, lac_peer(), &sccrq);
    // A retransmission meets the same fate rather than a half-made tunnel.
    lns.handle_datagram(now, LNS, lac_peer(), &sccrq);

    assert_eq!(lns.poll_transmit(), None, "nothing to address a StopCCN to");
    assert_eq!(lns.poll_event(), None);
    assert_eq!(lns.population(), (0, 0, 0));
    let drops = lns.drops();
    assert_eq!(drops.hidden_undecodable, 2);
    assert_eq!(drops.malformed, 0);
}

#[test]
fn hidden_avps_from_an_unknown_lac_are_dropped_and_counted() {
    let now = Instant::now();
    let mut lns = Registry::new(lns_config(), 7);
    // Rename the LAC in place (same length, framing intact): no client "lac-b", no default.
    let mut renamed = hidden_sccrq(SECRET);
    let at = renamed
        .windows(5)
        .position(|w| w == b"lac-a")
        .expect("host name in the SCCRQ");
    renamed[at + 4] = b'b';
    lns.handle_datagram(now, LNS, lac_peer(), &renamed);
    assert_eq!(lns.poll_transmit(), None);
    assert_eq!(lns.population(), (0, 0, 0));
    assert_eq!(lns.drops().hidden_undecodable, 1);
}
