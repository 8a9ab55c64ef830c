//! Arbitrary datagrams into the RADIUS codec as the client and the dynamic-authorization
//! server meet them: decode, both verifiers, the tunnel grouping, Framed-Route, the RFC 5176
//! reader.
//! Nothing panics; what decodes re-encodes and decodes the same.
#![no_main]

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use l2tpd::aaa::dynamic_authorization::handle_request;
use l2tpd::aaa::radius::{
    attr, parse_framed_route, tunnel_attributes, verify_request, verify_response, AttrKind, Packet,
};
use libfuzzer_sys::fuzz_target;

const SECRET: &[u8] = b"testing123";

fuzz_target!(|data: &[u8]| {
    // The first 16 octets double as the request authenticator a reply is checked against.
    let authenticator: [u8; 16] = data
        .get(..16)
        .and_then(|a| a.try_into().ok())
        .unwrap_or_default();
    let _ = verify_response(data, &authenticator, SECRET, true);
    let _ = verify_response(data, &authenticator, SECRET, false);
    let _ = verify_request(data, SECRET);
    let client = Ipv4Addr::new(127, 0, 0, 1);
    let clients = HashMap::from([(client, Arc::<[u8]>::from(SECRET))]);
    let _ = handle_request(&clients, SocketAddr::from((client, 3799)), data);
    let Ok(packet) = Packet::decode(data) else {
        return;
    };
    let _ = tunnel_attributes(&packet, SECRET, &authenticator);
    let _ = tunnel_attributes(&packet, SECRET, &packet.authenticator);
    for route in packet.find_all(AttrKind::Standard(attr::FRAMED_ROUTE)) {
        let _ = parse_framed_route(&route.value);
    }
    // A Vendor-Specific that did not parse as sub-attributes stays raw and re-encodes as it
    // came; one that did re-encodes one sub-attribute per 26, which decodes to the same list.
    if let Ok(bytes) = packet.encode_raw() {
        assert_eq!(Packet::decode(&bytes).expect("re-decodes"), packet);
    }
});
