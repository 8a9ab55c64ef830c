//! NAS-IP-Address as the client sets it per server, in simulated time.

use std::net::{Ipv4Addr, SocketAddrV4};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::NasAddress;
use crate::aaa::client::{ClientConfig, RadiusClient, ServerConfig, Service};
use crate::aaa::radius::{attr, code, AttrKind, Attribute, Packet};

const WITH_SOURCE: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 11);
const WITHOUT: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 12);
const SOURCE: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 31);
const ROUTE_SOURCE: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 32);
const TIMEOUT: Duration = Duration::from_secs(3);

fn server(address: Ipv4Addr, source: Option<Ipv4Addr>) -> ServerConfig {
    ServerConfig {
        address,
        auth_port: 1812,
        accounting_port: 1813,
        secret: Arc::from(&b"s"[..]),
        retry: 0,
        timeout: TIMEOUT,
        accounting_retry: None,
        accounting_timeout: None,
        routing_instance: None,
        source,
        require_message_authenticator: false,
        max_outstanding: 10,
        revert_interval: None,
    }
}

/// A client whose "kernel" sends to `WITHOUT` from `ROUTE_SOURCE`, counting its questions.
fn client() -> (RadiusClient, Arc<std::sync::atomic::AtomicUsize>) {
    let asked = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = Arc::clone(&asked);
    let mut client = RadiusClient::new(ClientConfig::with_seed([3; 32]));
    client.set_local_address_finder(Box::new(move |instance, to: SocketAddrV4| {
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        (instance.is_none() && *to.ip() == WITHOUT).then_some(ROUTE_SOURCE)
    }));
    client.configure(vec![
        server(WITH_SOURCE, Some(SOURCE)),
        server(WITHOUT, None),
    ]);
    (client, asked)
}

fn request() -> Packet {
    let mut packet = Packet::new(code::ACCESS_REQUEST, 0, [0; 16]);
    packet.attributes = vec![
        Attribute::string(attr::USER_NAME, "u"),
        Attribute::string(attr::USER_PASSWORD, "pw"),
    ];
    packet
}

/// The NAS-IP-Addresses of the next datagram the client sends.
fn sent_nas_addresses(client: &mut RadiusClient) -> Vec<Ipv4Addr> {
    let transmit = client.poll_transmit().expect("a datagram");
    let packet = Packet::decode(&transmit.bytes).expect("decodes");
    packet
        .find_all(AttrKind::Standard(attr::NAS_IP_ADDRESS))
        .map(|a| Ipv4Addr::from(<[u8; 4]>::try_from(a.value.as_slice()).expect("4 octets")))
        .collect()
}

#[test]
fn a_request_carries_the_address_it_leaves_from_for_each_server_it_goes_to() {
    let (mut client, asked) = client();
    let now = Instant::now();
    let servers = [WITH_SOURCE, WITHOUT];
    client
        .submit(now, Service::Authentication, &servers, request())
        .expect("submitted");
    assert_eq!(sent_nas_addresses(&mut client), [SOURCE]);
    // The first server is silent: the request fails over, and leaves from another address.
    client.handle_timeout(now + TIMEOUT);
    assert_eq!(sent_nas_addresses(&mut client), [ROUTE_SOURCE]);
    // The kernel is asked once for a server, until the next commit.
    client
        .submit(
            now + TIMEOUT,
            Service::Authentication,
            &[WITHOUT],
            request(),
        )
        .expect("submitted");
    assert_eq!(sent_nas_addresses(&mut client), [ROUTE_SOURCE]);
    assert_eq!(asked.load(std::sync::atomic::Ordering::Relaxed), 1);
}

#[test]
fn a_request_built_with_its_own_address_or_none_keeps_what_it_was_built_with() {
    let (mut client, _) = client();
    let now = Instant::now();
    let lac = Ipv4Addr::new(127, 0, 0, 71);
    let mut own = request();
    own.attributes
        .push(Attribute::ipv4(attr::NAS_IP_ADDRESS, lac));
    for (packet, expected) in [(own, vec![lac]), (request(), vec![])] {
        client
            .submit_with(
                now,
                Service::Authentication,
                &[WITH_SOURCE],
                packet,
                None,
                NasAddress::AsBuilt,
            )
            .expect("submitted");
        assert_eq!(sent_nas_addresses(&mut client), expected);
    }
}

#[test]
fn without_a_source_or_a_route_no_address_is_sent() {
    let mut client = RadiusClient::new(ClientConfig::with_seed([3; 32]));
    client.configure(vec![server(WITHOUT, None)]);
    client
        .submit(Instant::now(), Service::Accounting, &[WITHOUT], request())
        .expect("submitted");
    assert!(sent_nas_addresses(&mut client).is_empty());
}
