//! Arbitrary PPP frames into the PPP codec: the protocol field, the control packet, LCP and
//! IPCP options, PAP and CHAP. Nothing panics; what parses re-emits and re-parses the same.
//! Then the same bytes, cut into frames, into a `ServerLink` and a `ClientLink` brought to
//! the phase the first byte names: nothing panics and nothing queues without bound.
#![no_main]

use std::time::{Duration, Instant};

use l2tpd::ppp::client_link::{ClientLink, ClientLinkConfig};
use l2tpd::ppp::fsm;
use l2tpd::ppp::server_link::{AuthProtocol, ServerLink, ServerLinkConfig};
use l2tpd::ppp::wire::auth::{ChapValue, PapRequest};
use l2tpd::ppp::wire::control::ControlPacket;
use l2tpd::ppp::wire::options::{emit_options, parse_options, IpcpOption, LcpOption};
use l2tpd::ppp::wire::split_frame;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    codec(data);
    links(data);
});

fn codec(data: &[u8]) {
    let Ok((_, body)) = split_frame(data) else {
        return;
    };
    let Ok(packet) = ControlPacket::parse(body) else {
        return;
    };
    let bytes = packet.to_vec().expect("a parsed packet re-emits");
    assert_eq!(ControlPacket::parse(&bytes).expect("re-parses"), packet);
    if let Ok(options) = parse_options(packet.data) {
        let again = emit_options(&options).expect("parsed options re-emit");
        assert_eq!(parse_options(&again).expect("re-parse"), options);
        for option in &options {
            let _ = LcpOption::from_raw(option).map(|o| o.to_raw());
            let _ = IpcpOption::from_raw(option).map(|o| o.to_raw());
        }
    }
    if let Ok(request) = PapRequest::parse(packet.data) {
        let again = request.emit().expect("a parsed request re-emits");
        assert_eq!(PapRequest::parse(&again).expect("re-parses"), request);
    }
    if let Ok(value) = ChapValue::parse(packet.data) {
        let again = value.emit().expect("a parsed value re-emits");
        assert_eq!(ChapValue::parse(&again).expect("re-parses"), value);
    }
}

/// First byte: bit 0 CHAP rather than PAP, bit 1 negotiate LCP first, bit 2 answer the
/// credentials. The rest: frames separated by 0x7E (the HDLC flag, rare inside frames).
fn links(data: &[u8]) {
    let [selector, rest @ ..] = data else {
        return;
    };
    let authentication = if selector & 1 == 1 {
        AuthProtocol::ChapMd5
    } else {
        AuthProtocol::Pap
    };
    let mut now = Instant::now();
    let mut server = ServerLink::new(ServerLinkConfig {
        fsm: fsm::Config::default(),
        mru: 1492,
        magic: 0x1111_1111,
        authentication: vec![authentication],
        echo: None,
        auth_timeout: Duration::from_secs(30),
        chap_challenge: vec![7; 16],
        name: b"lac".to_vec(),
        negotiation_timeout: None,
    });
    let mut client = ClientLink::new(ClientLinkConfig {
        fsm: fsm::Config::default(),
        mru: 1492,
        magic: 0x2222_2222,
        user: b"alice".to_vec(),
        password: b"secret".to_vec(),
        echo: None,
        ipcp: true,
    });
    server.start(now);
    client.start(now);
    if selector & 2 == 2 {
        for _ in 0..50 {
            let mut moved = false;
            while let Some(frame) = server.poll_transmit() {
                client.handle_frame(&frame, now);
                moved = true;
            }
            while let Some(frame) = client.poll_transmit() {
                server.handle_frame(&frame, now);
                moved = true;
            }
            if !moved {
                break;
            }
        }
        if selector & 4 == 4 {
            server.auth_success(b"welcome", now);
        }
    }
    for frame in rest.split(|byte| *byte == 0x7E) {
        server.handle_frame(frame, now);
        client.handle_frame(frame, now);
        now += Duration::from_millis(700);
        server.handle_timeout(now);
        client.handle_timeout(now);
        let sent = std::iter::from_fn(|| server.poll_transmit()).count();
        assert!(sent <= 8, "one frame made the server send {sent}");
        let sent = std::iter::from_fn(|| client.poll_transmit()).count();
        assert!(sent <= 8, "one frame made the client send {sent}");
        while server.poll_event().is_some() {}
        while client.poll_event().is_some() {}
    }
}
