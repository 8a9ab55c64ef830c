//! Calls this router never takes are refused at once with a CDN, not left unanswered: an
//! OCRQ (we place no outgoing calls; subscribers only arrive at the LAC over PPPoE). The peer
//! side is hand-built so the test controls exactly what arrives.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Instant;

use l2tpd::l2tp::wire::attribute::attr;
use l2tpd::l2tp::wire::{Avp, ControlHeader, ControlMessage, ControlMessageBuilder, MessageType};
use l2tpd::registry::Registry;
use schema::typed::RouterConfig;

const LNS: Ipv4Addr = Ipv4Addr::new(198, 18, 1, 1);
const PEER_TUNNEL_ID: u16 = 0x2222;
const PEER_SESSION_ID: u16 = 77;

fn peer() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::new(198, 18, 0, 1), 1701))
}

/// An LNS that admits any LAC without tunnel authentication.
fn lns_config() -> RouterConfig {
    let tree = schema::parse::apply_set_lines(
        &schema::tree::Node::default(),
        &format!("set services l2tp tunnel-group g local-gateway address {LNS}\n"),
    )
    .expect("set lines parse");
    schema::typed::router_config(&tree)
}

fn emit(builder: ControlMessageBuilder, tunnel_id: u16, ns: u16, nr: u16) -> Vec<u8> {
    builder
        .emit(
            ControlHeader {
                tunnel_id,
                session_id: 0,
                ns,
                nr,
            },
            None,
        )
        .expect("fits")
}

/// Brings a tunnel up on `lns` from the hand-built peer; returns the LNS's Tunnel ID.
fn establish(lns: &mut Registry, now: Instant) -> u16 {
    let sccrq = ControlMessageBuilder::new(MessageType::SCCRQ)
        .avp(Avp::ProtocolVersion {
            version: 1,
            revision: 0,
        })
        .avp(Avp::HostName(b"lac-a".to_vec()))
        .avp(Avp::FramingCapabilities(3))
        .avp(Avp::AssignedTunnelId(PEER_TUNNEL_ID));
    lns.handle_datagram(now, LNS, peer(), &emit(sccrq, 0, 0, 0));
    let sccrp = lns.poll_transmit().expect("an SCCRP");
    let sccrp = ControlMessage::parse(&sccrp.payload, None).expect("valid SCCRP");
    let Some(Avp::AssignedTunnelId(tunnel_id)) = sccrp.get(attr::ASSIGNED_TUNNEL_ID) else {
        panic!("SCCRP without Assigned Tunnel ID: {sccrp:?}");
    };
    let tunnel_id = *tunnel_id;
    let scccn = ControlMessageBuilder::new(MessageType::SCCCN);
    lns.handle_datagram(now, LNS, peer(), &emit(scccn, tunnel_id, 1, 1));
    assert_eq!(lns.summary(false).tunnels, 1, "tunnel up");
    while lns.poll_transmit().is_some() {}
    tunnel_id
}

#[test]
fn an_ocrq_is_refused_with_a_cdn_result_5() {
    let now = Instant::now();
    let mut lns = Registry::new(lns_config(), 11);
    let tunnel_id = establish(&mut lns, now);

    let ocrq = ControlMessageBuilder::new(MessageType::OCRQ)
        .avp(Avp::AssignedSessionId(PEER_SESSION_ID))
        .avp(Avp::CallSerialNumber(9))
        .avp(Avp::MinimumBps(64_000))
        .avp(Avp::MaximumBps(1_000_000))
        .avp(Avp::BearerType(2))
        .avp(Avp::FramingType(1))
        .avp(Avp::CalledNumber(b"5551234".to_vec()));
    lns.handle_datagram(now, LNS, peer(), &emit(ocrq, tunnel_id, 2, 1));

    let sent: Vec<ControlMessage> = std::iter::from_fn(|| lns.poll_transmit())
        .filter_map(|t| ControlMessage::parse(&t.payload, None).ok())
        .collect();
    let cdn = sent
        .iter()
        .find(|m| m.message_type == Some(MessageType::CDN))
        .unwrap_or_else(|| panic!("no CDN among {sent:?}"));
    assert_eq!(cdn.header.tunnel_id, PEER_TUNNEL_ID);
    assert_eq!(
        cdn.header.session_id, PEER_SESSION_ID,
        "addressed to the call"
    );
    let Some(Avp::ResultCode(result)) = cdn.get(attr::RESULT_CODE) else {
        panic!("CDN without Result Code: {cdn:?}");
    };
    assert_eq!(result.result, 5, "lack of facilities, permanent: {cdn:?}");
    assert_eq!(lns.summary(false).sessions, 0, "no session was made");
    assert_eq!(lns.drops().sessions_refused, 1);
    let causes = lns.disconnect_causes();
    assert_eq!(
        causes.sessions.iter().map(|c| c.count).sum::<u64>(),
        1,
        "{causes:?}"
    );
}
