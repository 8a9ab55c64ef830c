//! Disconnect and CoA requests as radclient sends them.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use super::*;
use crate::aaa::radius::{attr, code, erx, verify_response, Attribute, Packet};

const SECRET: &[u8] = b"coa-secret";
const CLIENT: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 21);

fn clients() -> HashMap<Ipv4Addr, Arc<[u8]>> {
    HashMap::from([(CLIENT, Arc::from(SECRET))])
}

fn from() -> SocketAddr {
    SocketAddr::from((CLIENT, 40000))
}

fn request(code: u8, attributes: Vec<Attribute>) -> Vec<u8> {
    let mut packet = Packet::new(code, 77, [0; 16]);
    packet.attributes = attributes;
    packet.encode_request(SECRET).unwrap()
}

#[test]
fn disconnect_by_session_id_is_read_and_acknowledged() {
    let bytes = request(
        code::DISCONNECT_REQUEST,
        vec![
            Attribute::string(attr::ACCT_SESSION_ID, "0000002a"),
            Attribute::string(attr::NAS_IDENTIFIER, "lac1"),
        ],
    );
    let request = handle_request(&clients(), from(), &bytes).unwrap();
    assert_eq!(request.kind, DynamicKind::Disconnect);
    assert_eq!(request.identifier, 77);
    assert_eq!(request.session.acct_session_id.as_deref(), Some("0000002a"));
    assert!(request.unsupported.is_empty() && request.invalid.is_empty());

    let ack = answer(&request, true, None, SECRET);
    let reply = verify_response(&ack, &request.authenticator, SECRET, true).unwrap();
    assert_eq!((reply.code, reply.identifier), (code::DISCONNECT_ACK, 77));
    let nak = answer(
        &request,
        false,
        Some(error_cause::SESSION_CONTEXT_NOT_FOUND),
        SECRET,
    );
    let reply = verify_response(&nak, &request.authenticator, SECRET, true).unwrap();
    assert_eq!(reply.code, code::DISCONNECT_NAK);
    assert_eq!(reply.integer(attr::ERROR_CAUSE), Some(503));
}

#[test]
fn coa_reads_the_selector_and_the_changes() {
    let bytes = request(
        code::COA_REQUEST,
        vec![
            Attribute::string(attr::USER_NAME, "alice@isp.example"),
            Attribute::ipv4(attr::FRAMED_IP_ADDRESS, Ipv4Addr::new(198, 18, 7, 9)),
            Attribute::integer(attr::SESSION_TIMEOUT, 600),
            Attribute::integer(attr::IDLE_TIMEOUT, 60),
            Attribute::vendor(erx::VENDOR, erx::VIRTUAL_ROUTER, "vr"),
            Attribute::string(attr::MESSAGE_AUTHENTICATOR, [0; 16]),
        ],
    );
    let request = handle_request(&clients(), from(), &bytes).unwrap();
    assert_eq!(request.kind, DynamicKind::Coa);
    assert_eq!(
        request.session.user_name.as_deref(),
        Some("alice@isp.example")
    );
    assert_eq!(
        request.session.framed_ip_address,
        Some(Ipv4Addr::new(198, 18, 7, 9))
    );
    assert_eq!(
        (request.session_timeout, request.idle_timeout),
        (Some(600), Some(60))
    );
    assert_eq!(
        request.unsupported,
        vec![AttrKind::Vendor {
            vendor: erx::VENDOR,
            kind: erx::VIRTUAL_ROUTER
        }]
    );
    let ack = answer(&request, true, None, SECRET);
    assert_eq!(
        verify_response(&ack, &request.authenticator, SECRET, true)
            .unwrap()
            .code,
        code::COA_ACK
    );
}

#[test]
fn timeouts_in_a_disconnect_are_unsupported_and_bad_values_invalid() {
    let bytes = request(
        code::DISCONNECT_REQUEST,
        vec![
            Attribute::integer(attr::SESSION_TIMEOUT, 5),
            Attribute::string(attr::FRAMED_IP_ADDRESS, [1, 2, 3]),
            Attribute::string(attr::USER_NAME, [0xFF]),
        ],
    );
    let request = handle_request(&clients(), from(), &bytes).unwrap();
    assert_eq!(
        request.unsupported,
        vec![AttrKind::Standard(attr::SESSION_TIMEOUT)]
    );
    assert_eq!(
        request.invalid,
        vec![
            AttrKind::Standard(attr::FRAMED_IP_ADDRESS),
            AttrKind::Standard(attr::USER_NAME)
        ]
    );
    assert!(request.session.is_empty());
}

#[test]
fn unknown_clients_bad_authenticators_and_other_codes_are_dropped_and_counted() {
    let mut counters = DynamicAuthorizationCounters::default();
    let good = request(
        code::DISCONNECT_REQUEST,
        vec![Attribute::string(attr::USER_NAME, "bob")],
    );

    let result = handle_request(
        &clients(),
        SocketAddr::from(([127, 0, 0, 99], 40000)),
        &good,
    );
    assert!(matches!(result, Err(DropReason::UnknownClient(_))));
    counters.count(&result);

    let mut tampered = good.clone();
    *tampered.last_mut().unwrap() ^= 1;
    let result = handle_request(&clients(), from(), &tampered);
    assert!(matches!(result, Err(DropReason::BadAuthenticator(_))));
    counters.count(&result);

    let mut other_secret = HashMap::new();
    other_secret.insert(CLIENT, Arc::<[u8]>::from(&b"other"[..]));
    let result = handle_request(&other_secret, from(), &good);
    assert!(matches!(result, Err(DropReason::BadAuthenticator(_))));
    counters.count(&result);

    let result = handle_request(&clients(), from(), &good[..10]);
    assert!(matches!(result, Err(DropReason::Malformed(_))));
    counters.count(&result);

    let accounting = request(code::ACCOUNTING_REQUEST, vec![]);
    let result = handle_request(&clients(), from(), &accounting);
    assert_eq!(
        result,
        Err(DropReason::NotDynamicRequest(code::ACCOUNTING_REQUEST))
    );
    counters.count(&result);

    let result = handle_request(&clients(), from(), &good);
    counters.count(&result);
    assert_eq!(
        counters,
        DynamicAuthorizationCounters {
            disconnect_requests: 1,
            coa_requests: 0,
            unknown_client: 1,
            malformed: 1,
            bad_authenticator: 2,
            not_dynamic_request: 1,
        }
    );
}

proptest::proptest! {
    #[test]
    fn nothing_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
        let _ = handle_request(&clients(), from(), &bytes);
    }
}
