use l2tpd::ppp::wire::options::{emit_options, parse_options, IpcpOption};

use super::*;

fn ipcp_packet(code: u8, identifier: u8, options: &[IpcpOption]) -> Vec<u8> {
    let raw: Vec<_> = options.iter().map(IpcpOption::to_raw).collect();
    let data = emit_options(&raw).expect("small options");
    ControlPacket {
        code,
        identifier,
        data: &data,
    }
    .to_vec()
    .expect("small packet")
}

/// The IPCP packets sent: code, identifier, options.
fn sent(actions: &[Action]) -> Vec<(u8, u8, Vec<IpcpOption>)> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Transmit(frame) => {
                let ppp = lcp::PppFrame::parse(frame).expect("a frame we built");
                assert_eq!(ppp.protocol, 0x8021);
                let packet = ControlPacket::parse(ppp.information).expect("packet");
                let options = parse_options(packet.data)
                    .expect("options")
                    .iter()
                    .map(|raw| IpcpOption::from_raw(raw).expect("option"))
                    .collect();
                Some((packet.code, packet.identifier, options))
            }
            _ => None,
        })
        .collect()
}

fn logged(actions: &[Action]) -> String {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Log(line) => Some(line.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

const ZERO: Ipv4Addr = Ipv4Addr::UNSPECIFIED;
const ASSIGNED: Ipv4Addr = Ipv4Addr::new(198, 18, 240, 10);
const SERVER: Ipv4Addr = Ipv4Addr::new(198, 18, 240, 1);

#[test]
fn asks_for_any_address_takes_the_nak_and_acks_the_server() {
    let now = Instant::now();
    let mut actions = Vec::new();
    let mut ipcp = Ipcp::start(now, &mut actions);
    let first = sent(&actions);
    let (code, id, options) = &first[0];
    assert_eq!(*code, code::CONFIGURE_REQUEST);
    assert_eq!(options[0], IpcpOption::IpAddress(ZERO));
    assert!(logged(&actions).contains("IPCP configure-request sent (address 0.0.0.0)"));

    // The server has no DNS or WINS servers to give (the client asks for both, as Windows
    // does): Reject; then it Naks the address it assigns.
    let mut actions = Vec::new();
    let dns = [
        IpcpOption::PrimaryDns(ZERO),
        IpcpOption::SecondaryDns(ZERO),
        IpcpOption::PrimaryNbns(ZERO),
        IpcpOption::SecondaryNbns(ZERO),
    ];
    ipcp.handle_packet(
        &ipcp_packet(code::CONFIGURE_REJECT, *id, &dns),
        now,
        &mut actions,
    );
    let (_, id, options) = sent(&actions).remove(0);
    assert_eq!(options, [IpcpOption::IpAddress(ZERO)]);
    let mut actions = Vec::new();
    let nak = [IpcpOption::IpAddress(ASSIGNED)];
    ipcp.handle_packet(
        &ipcp_packet(code::CONFIGURE_NAK, id, &nak),
        now,
        &mut actions,
    );
    assert!(logged(&actions).contains("IPCP configure-nak offers IpAddress(198.18.240.10)"));
    let (code, id, options) = sent(&actions).remove(0);
    assert_eq!((code, options), (code::CONFIGURE_REQUEST, nak.to_vec()));

    // The server's own request is acknowledged; its Ack of ours opens IPCP.
    let mut actions = Vec::new();
    let theirs = [IpcpOption::IpAddress(SERVER)];
    ipcp.handle_packet(
        &ipcp_packet(code::CONFIGURE_REQUEST, 1, &theirs),
        now,
        &mut actions,
    );
    assert_eq!(sent(&actions), [(code::CONFIGURE_ACK, 1, theirs.to_vec())]);
    assert_eq!(ipcp.address(), None);
    let mut actions = Vec::new();
    ipcp.handle_packet(
        &ipcp_packet(code::CONFIGURE_ACK, id, &nak),
        now,
        &mut actions,
    );
    assert!(
        logged(&actions).contains("IPCP up, address 198.18.240.10, peer 198.18.240.1"),
        "{actions:?}"
    );
    assert_eq!(ipcp.address(), Some(ASSIGNED));
    assert_eq!(ipcp.poll_timeout(), None);
}

#[test]
fn malformed_packets_are_discarded_and_the_request_repeats() {
    let now = Instant::now();
    let mut actions = Vec::new();
    let mut ipcp = Ipcp::start(now, &mut actions);
    let mut actions = Vec::new();
    ipcp.handle_packet(&[1, 1, 0, 9], now, &mut actions);
    // An option whose length runs past the packet.
    ipcp.handle_packet(&[1, 2, 0, 6, 3, 6], now, &mut actions);
    assert_eq!(sent(&actions), []);
    assert_eq!(
        logged(&actions)
            .matches("malformed IPCP packet discarded")
            .count(),
        2
    );
    let due = ipcp.poll_timeout().expect("restart timer");
    let mut actions = Vec::new();
    ipcp.handle_timeout(due, &mut actions);
    assert_eq!(sent(&actions)[0].0, code::CONFIGURE_REQUEST);
}
