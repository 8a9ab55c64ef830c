//! The client with simulated time and an in-test server.

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::*;
use crate::aaa::radius::{attr, code, tunnel_attributes, Attribute, Packet};

const A: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 11);
const B: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 12);
const SECRET_A: &[u8] = b"secret-a";
const SECRET_B: &[u8] = b"secret-b";
const TIMEOUT: Duration = Duration::from_secs(3);

fn server(address: Ipv4Addr, secret: &[u8]) -> ServerConfig {
    ServerConfig {
        address,
        auth_port: 1812,
        accounting_port: 1813,
        secret: Arc::from(secret),
        retry: 2,
        timeout: TIMEOUT,
        accounting_retry: None,
        accounting_timeout: None,
        routing_instance: None,
        source: None,
        require_message_authenticator: false,
        max_outstanding: 100_000,
        revert_interval: None,
    }
}

fn client(servers: Vec<ServerConfig>) -> RadiusClient {
    let mut client = RadiusClient::new(ClientConfig::with_seed([7; 32]));
    client.configure(servers);
    client
}

fn access_request(user: &str) -> Packet {
    let mut packet = Packet::new(code::ACCESS_REQUEST, 0, [0; 16]);
    packet.attributes = vec![
        Attribute::string(attr::USER_NAME, user),
        Attribute::string(attr::USER_PASSWORD, "pw"),
    ];
    packet
}

fn accounting_request() -> Packet {
    let mut packet = Packet::new(code::ACCOUNTING_REQUEST, 0, [0; 16]);
    packet.attributes = vec![
        Attribute::integer(attr::ACCT_STATUS_TYPE, 1),
        Attribute::string(attr::ACCT_SESSION_ID, "1"),
    ];
    packet
}

/// What a server with `secret` answers to `transmit`, with `attributes`.
fn answer(
    transmit: &Transmit,
    secret: &[u8],
    reply_code: u8,
    attributes: Vec<Attribute>,
) -> Vec<u8> {
    let request = Packet::decode(&transmit.bytes).unwrap();
    let mut reply = Packet::new(reply_code, request.identifier, [0; 16]);
    reply.attributes = attributes;
    reply
        .encode_response(&request.authenticator, secret)
        .unwrap()
}

fn transmits(client: &mut RadiusClient) -> Vec<Transmit> {
    std::iter::from_fn(|| client.poll_transmit()).collect()
}

fn events(client: &mut RadiusClient) -> Vec<ClientEvent> {
    std::iter::from_fn(|| client.poll_event()).collect()
}

fn stats_of(client: &RadiusClient, address: Ipv4Addr) -> ServerStats {
    client
        .server_stats()
        .into_iter()
        .find(|s| s.address == address)
        .unwrap()
}

#[test]
fn retransmission_schedule_is_exact_and_identical() {
    let t0 = Instant::now();
    let mut client = client(vec![server(A, SECRET_A)]);
    let id = client
        .submit(t0, Service::Authentication, &[A], access_request("alice"))
        .unwrap();
    let first = transmits(&mut client);
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].to, SocketAddr::from((A, 1812)));
    assert_eq!(client.poll_timeout(), Some(t0 + TIMEOUT));

    client.handle_timeout(t0 + TIMEOUT - Duration::from_millis(1));
    assert!(transmits(&mut client).is_empty());
    for attempt in 1..=2u32 {
        let at = t0 + TIMEOUT * attempt;
        client.handle_timeout(at);
        let again = transmits(&mut client);
        assert_eq!(
            again,
            vec![first[0].clone()],
            "attempt {attempt}: same bytes, same socket"
        );
        assert_eq!(client.poll_timeout(), Some(at + TIMEOUT));
        assert!(events(&mut client).is_empty());
    }
    client.handle_timeout(t0 + TIMEOUT * 3);
    assert!(transmits(&mut client).is_empty());
    assert_eq!(
        events(&mut client),
        vec![ClientEvent::Failed {
            id,
            reason: FailReason::TimedOut
        }]
    );
    assert_eq!(client.poll_timeout(), None);
    let stats = stats_of(&client, A);
    assert_eq!(
        (
            stats.requests,
            stats.retransmissions,
            stats.timeouts,
            stats.marked_dead
        ),
        (1, 2, 1, 1)
    );
    assert_eq!(
        stats.state,
        ServerState::Dead {
            since: t0 + TIMEOUT * 3,
            until: t0 + TIMEOUT * 3 + Duration::from_secs(60)
        }
    );
    assert_eq!(client.outstanding(), 0);
}

#[test]
fn failover_to_the_next_server_then_back_after_dead_time() {
    let t0 = Instant::now();
    let mut client = client(vec![server(A, SECRET_A), server(B, SECRET_B)]);
    let id = client
        .submit(
            t0,
            Service::Authentication,
            &[A, B],
            access_request("alice"),
        )
        .unwrap();
    let to_a = transmits(&mut client).remove(0);
    client.handle_timeout(t0 + TIMEOUT);
    client.handle_timeout(t0 + TIMEOUT * 2);
    assert_eq!(transmits(&mut client).len(), 2);
    let failed_over = t0 + TIMEOUT * 3;
    client.handle_timeout(failed_over);
    let to_b = transmits(&mut client).remove(0);
    assert_eq!(to_b.to, SocketAddr::from((B, 1812)));
    let request_b = Packet::decode(&to_b.bytes).unwrap();
    let request_a = Packet::decode(&to_a.bytes).unwrap();
    assert_ne!(
        request_b.authenticator, request_a.authenticator,
        "a fresh authenticator"
    );
    // Re-encoded with B's secret: B's reply verifies and the password unhides with it.
    let hidden = request_b.string(attr::USER_PASSWORD).unwrap();
    assert_eq!(
        crate::aaa::radius::unhide_user_password(hidden, SECRET_B, &request_b.authenticator)
            .unwrap(),
        b"pw"
    );
    let reply = answer(&to_b, SECRET_B, code::ACCESS_ACCEPT, vec![]);
    client.handle_datagram(
        failed_over + Duration::from_millis(5),
        to_b.socket,
        to_b.to,
        &reply,
    );
    match events(&mut client).as_slice() {
        [ClientEvent::Reply {
            id: got,
            server,
            rtt,
            secret,
            request_authenticator,
            ..
        }] => {
            assert_eq!(*got, id);
            assert_eq!(*server, B);
            assert_eq!(*rtt, Duration::from_millis(5));
            assert_eq!(&secret[..], SECRET_B);
            assert_eq!(*request_authenticator, request_b.authenticator);
        }
        other => panic!("{other:?}"),
    }

    // A is dead: the next request goes straight to B.
    let later = failed_over + Duration::from_secs(10);
    client
        .submit(
            later,
            Service::Authentication,
            &[A, B],
            access_request("bob"),
        )
        .unwrap();
    assert_eq!(transmits(&mut client)[0].to, SocketAddr::from((B, 1812)));
    // After the dead time, A is tried again.
    let revived = failed_over + Duration::from_secs(60);
    client
        .submit(
            revived,
            Service::Authentication,
            &[A, B],
            access_request("carol"),
        )
        .unwrap();
    assert_eq!(transmits(&mut client)[0].to, SocketAddr::from((A, 1812)));
    assert_eq!(stats_of(&client, A).marked_dead, 1);
    assert_eq!(stats_of(&client, A).state, ServerState::Up);
    let dead = client.server_stats_at(revived - Duration::from_millis(1));
    assert!(matches!(dead[0].state, ServerState::Dead { since, .. } if since == failed_over));
    assert_eq!(stats_of(&client, B).accepts, 1);
}

#[test]
fn all_servers_down_fails_and_then_the_least_recently_dead_is_tried() {
    let t0 = Instant::now();
    let mut client = client(vec![server(A, SECRET_A), server(B, SECRET_B)]);
    let first = client
        .submit(
            t0,
            Service::Authentication,
            &[A, B],
            access_request("alice"),
        )
        .unwrap();
    let mut now = t0;
    for _ in 0..6 {
        now += TIMEOUT;
        client.handle_timeout(now);
    }
    let sent: Vec<SocketAddr> = transmits(&mut client).iter().map(|t| t.to).collect();
    let a = SocketAddr::from((A, 1812));
    let b = SocketAddr::from((B, 1812));
    assert_eq!(sent, vec![a, a, a, b, b, b]);
    assert_eq!(
        events(&mut client),
        vec![ClientEvent::Failed {
            id: first,
            reason: FailReason::TimedOut
        }]
    );
    // Both dead: rather than failing at once, the least recently dead (A) is tried.
    let second = client
        .submit(now, Service::Authentication, &[A, B], access_request("bob"))
        .unwrap();
    assert_eq!(transmits(&mut client)[0].to, a);
    for _ in 0..3 {
        now += TIMEOUT;
        client.handle_timeout(now);
    }
    // B, untried by this request, is dead: no point waiting for it.
    assert_eq!(
        events(&mut client),
        vec![ClientEvent::Failed {
            id: second,
            reason: FailReason::AllServersDown
        }]
    );
    assert_eq!(stats_of(&client, A).marked_dead, 2);
}

#[test]
fn ten_thousand_at_once_open_more_sockets_and_are_all_answered() {
    let t0 = Instant::now();
    let mut client = client(vec![server(A, SECRET_A)]);
    let ids: Vec<RequestId> = (0..10_000)
        .map(|n| {
            client
                .submit(
                    t0,
                    Service::Authentication,
                    &[A],
                    access_request(&format!("user{n}")),
                )
                .unwrap()
        })
        .collect();
    assert_eq!(client.outstanding(), 10_000);
    let sent = transmits(&mut client);
    assert_eq!(sent.len(), 10_000);
    assert_eq!(client.sockets(None), 40); // ⌈10000 / 256⌉
    let keys: HashSet<(SocketId, u8)> = sent.iter().map(|t| (t.socket, t.bytes[1])).collect();
    assert_eq!(keys.len(), 10_000, "every identifier unique per socket");
    for transmit in sent.iter().rev() {
        let reply = answer(transmit, SECRET_A, code::ACCESS_REJECT, vec![]);
        client.handle_datagram(t0, transmit.socket, transmit.to, &reply);
    }
    let answered: HashSet<RequestId> = events(&mut client)
        .into_iter()
        .map(|e| match e {
            ClientEvent::Reply { id, .. } => id,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(answered, ids.into_iter().collect());
    assert_eq!(client.outstanding(), 0);
    assert_eq!(client.poll_timeout(), None);
    assert_eq!(stats_of(&client, A).rejects, 10_000);
    // Identifiers came back: the next 10,000 need no new socket.
    for n in 0..10_000 {
        client
            .submit(
                t0,
                Service::Authentication,
                &[A],
                access_request(&format!("again{n}")),
            )
            .unwrap();
    }
    assert_eq!(client.sockets(None), 40);
}

#[test]
fn max_outstanding_queues_and_a_full_queue_refuses() {
    let t0 = Instant::now();
    let mut config = ClientConfig::with_seed([1; 32]);
    config.queue_limit = 3;
    let mut client = RadiusClient::new(config);
    client.configure(vec![ServerConfig {
        require_message_authenticator: false,
        max_outstanding: 2,
        ..server(A, SECRET_A)
    }]);
    let ids: Vec<RequestId> = (0..5)
        .map(|n| {
            client
                .submit(
                    t0,
                    Service::Authentication,
                    &[A],
                    access_request(&format!("u{n}")),
                )
                .unwrap()
        })
        .collect();
    assert_eq!((client.outstanding(), client.queued()), (2, 3));
    assert_eq!(
        client.submit(
            t0,
            Service::Authentication,
            &[A],
            access_request("too many")
        ),
        Err(SubmitError::QueueFull(3))
    );
    assert_eq!(client.client_stats().queue_full, 1);
    let sent = transmits(&mut client);
    assert_eq!(sent.len(), 2);
    // One answer makes room: the oldest waiting request goes out.
    let reply = answer(&sent[0], SECRET_A, code::ACCESS_ACCEPT, vec![]);
    client.handle_datagram(t0, sent[0].socket, sent[0].to, &reply);
    let next = transmits(&mut client);
    assert_eq!(next.len(), 1);
    assert_eq!(
        Packet::decode(&next[0].bytes)
            .unwrap()
            .string(attr::USER_NAME),
        Some(&b"u2"[..])
    );
    assert_eq!((client.outstanding(), client.queued()), (2, 2));
    // A cancelled waiting request leaves the queue.
    client.cancel(ids[4]);
    assert_eq!(client.queued(), 1);
    // Unknown servers only: refused.
    assert_eq!(
        client.submit(t0, Service::Authentication, &[B], access_request("x")),
        Err(SubmitError::NoServer)
    );
}

#[test]
fn forged_or_stray_replies_are_dropped_and_counted() {
    let t0 = Instant::now();
    let mut client = client(vec![server(A, SECRET_A), server(B, SECRET_B)]);
    let id = client
        .submit(t0, Service::Authentication, &[A], access_request("alice"))
        .unwrap();
    let sent = transmits(&mut client).remove(0);
    let good = answer(&sent, SECRET_A, code::ACCESS_ACCEPT, vec![]);

    // Wrong secret: the Response Authenticator does not verify.
    let wrong_secret = answer(&sent, b"guess", code::ACCESS_ACCEPT, vec![]);
    client.handle_datagram(t0, sent.socket, sent.to, &wrong_secret);
    // Right Response Authenticator, wrong Message-Authenticator.
    let mut wrong_ma = Packet::decode(&good).unwrap();
    wrong_ma.attributes[0].value = vec![0; 16];
    let request = Packet::decode(&sent.bytes).unwrap();
    let mut raw = wrong_ma.encode_raw().unwrap();
    let response = {
        use md5::{Digest, Md5};
        let mut md5 = Md5::new();
        md5.update(&raw[..4]);
        md5.update(request.authenticator);
        md5.update(&raw[20..]);
        md5.update(SECRET_A);
        md5.finalize()
    };
    raw[4..20].copy_from_slice(&response);
    client.handle_datagram(t0, sent.socket, sent.to, &raw);
    // No Message-Authenticator at all (FreeRADIUS 3.2.1 style) while it is required.
    let mut bare = Packet::new(code::ACCOUNTING_RESPONSE, request.identifier, [0; 16])
        .encode_response(&request.authenticator, SECRET_A)
        .unwrap();
    bare[0] = code::ACCESS_ACCEPT; // then re-sign the MD5 one for an Accept without MA
    let response = {
        use md5::{Digest, Md5};
        let mut md5 = Md5::new();
        md5.update(&bare[..4]);
        md5.update(request.authenticator);
        md5.update(&bare[20..]);
        md5.update(SECRET_A);
        md5.finalize()
    };
    bare[4..20].copy_from_slice(&response);
    client.handle_datagram(t0, sent.socket, sent.to, &bare);
    // Wrong source: another port of A, another server, a stranger, another socket.
    client.handle_datagram(t0, sent.socket, SocketAddr::from((A, 1645)), &good);
    client.handle_datagram(t0, sent.socket, SocketAddr::from((B, 1812)), &good);
    client.handle_datagram(
        t0,
        sent.socket,
        SocketAddr::from((Ipv4Addr::new(127, 0, 0, 99), 1812)),
        &good,
    );
    client.handle_datagram(
        t0,
        SocketId {
            source: None,
            instance: MAIN_INSTANCE,
            index: 9,
        },
        sent.to,
        &good,
    );
    // Stale identifier.
    let mut stale = good.clone();
    stale[1] = stale[1].wrapping_add(1);
    client.handle_datagram(t0, sent.socket, sent.to, &stale);
    // Truncated.
    client.handle_datagram(t0, sent.socket, sent.to, &good[..good.len() - 1]);
    client.handle_datagram(t0, sent.socket, sent.to, &[]);
    assert!(events(&mut client).is_empty(), "nothing trusted");

    let a = stats_of(&client, A);
    assert_eq!(a.bad_authenticators, 3);
    assert_eq!(a.unknown_identifiers, 3); // port 1645, socket 9, stale id
    assert_eq!(a.malformed, 2);
    assert_eq!(stats_of(&client, B).unknown_identifiers, 1);
    assert_eq!(client.client_stats().unknown_source, 1);

    // The real reply still gets through, once.
    client.handle_datagram(t0, sent.socket, sent.to, &good);
    client.handle_datagram(t0, sent.socket, sent.to, &good);
    assert!(
        matches!(events(&mut client).as_slice(), [ClientEvent::Reply { id: got, .. }] if *got == id)
    );
    assert_eq!(stats_of(&client, A).unknown_identifiers, 4, "the duplicate");
}

#[test]
fn relaxed_message_authenticator_accepts_a_reply_without_one() {
    assert!(bare_accept_gets_through(false));
}

#[test]
fn a_server_that_requires_the_message_authenticator_has_bare_replies_dropped() {
    assert!(!bare_accept_gets_through(true));
}

/// An Accept without Message-Authenticator from a server configured with `message-authenticator
/// require` (`true`) or `optional`, the client itself relaxed.
fn bare_accept_gets_through(server_requires: bool) -> bool {
    let t0 = Instant::now();
    let mut config = ClientConfig::with_seed([2; 32]);
    config.require_message_authenticator = false;
    let mut client = RadiusClient::new(config);
    client.configure(vec![ServerConfig {
        require_message_authenticator: server_requires,
        ..server(A, SECRET_A)
    }]);
    client
        .submit(t0, Service::Authentication, &[A], access_request("alice"))
        .unwrap();
    let sent = transmits(&mut client).remove(0);
    let request = Packet::decode(&sent.bytes).unwrap();
    // An Accept with no Message-Authenticator, signed by hand (RFC 2865 §3).
    let mut bare = vec![code::ACCESS_ACCEPT, request.identifier, 0, 20];
    let response = {
        use md5::{Digest, Md5};
        let mut md5 = Md5::new();
        md5.update(&bare[..4]);
        md5.update(request.authenticator);
        md5.update(SECRET_A);
        md5.finalize()
    };
    bare.extend_from_slice(&response);
    client.handle_datagram(t0, sent.socket, sent.to, &bare);
    matches!(events(&mut client).as_slice(), [ClientEvent::Reply { .. }])
}

#[test]
fn cancel_then_reply_gives_no_event() {
    let t0 = Instant::now();
    let mut client = client(vec![server(A, SECRET_A)]);
    let id = client
        .submit(t0, Service::Authentication, &[A], access_request("alice"))
        .unwrap();
    let sent = transmits(&mut client).remove(0);
    client.cancel(id);
    assert_eq!(client.outstanding(), 0);
    assert_eq!(client.poll_timeout(), None);
    let reply = answer(&sent, SECRET_A, code::ACCESS_ACCEPT, vec![]);
    client.handle_datagram(t0, sent.socket, sent.to, &reply);
    client.handle_timeout(t0 + TIMEOUT * 10);
    assert!(events(&mut client).is_empty());
    assert!(transmits(&mut client).is_empty());
    assert_eq!(stats_of(&client, A).unknown_identifiers, 1);
}

#[test]
fn accounting_goes_to_the_accounting_port() {
    let t0 = Instant::now();
    let mut client = client(vec![server(A, SECRET_A)]);
    let id = client
        .submit(t0, Service::Accounting, &[A], accounting_request())
        .unwrap();
    let sent = transmits(&mut client).remove(0);
    assert_eq!(sent.to, SocketAddr::from((A, 1813)));
    assert!(crate::aaa::radius::verify_request(&sent.bytes, SECRET_A).is_ok());
    // An Access-Accept is not an answer to accounting.
    let wrong = answer(&sent, SECRET_A, code::ACCESS_ACCEPT, vec![]);
    client.handle_datagram(t0, sent.socket, sent.to, &wrong);
    assert!(events(&mut client).is_empty());
    let reply = answer(&sent, SECRET_A, code::ACCOUNTING_RESPONSE, vec![]);
    client.handle_datagram(t0 + Duration::from_millis(2), sent.socket, sent.to, &reply);
    assert!(
        matches!(events(&mut client).as_slice(), [ClientEvent::Reply { id: got, .. }] if *got == id)
    );
    let stats = stats_of(&client, A);
    assert_eq!((stats.accounting_responses, stats.malformed), (1, 1));
    assert_eq!(
        (stats.last_rtt_ms, stats.average_rtt_ms),
        (Some(2), Some(2))
    );
}

#[test]
fn stats_count_each_kind_of_reply_and_round_trips() {
    let t0 = Instant::now();
    let mut client = client(vec![server(A, SECRET_A)]);
    for (n, reply_code) in [
        code::ACCESS_ACCEPT,
        code::ACCESS_REJECT,
        code::ACCESS_CHALLENGE,
    ]
    .into_iter()
    .enumerate()
    {
        client
            .submit(t0, Service::Authentication, &[A], access_request("u"))
            .unwrap();
        let sent = transmits(&mut client).remove(0);
        let reply = answer(&sent, SECRET_A, reply_code, vec![]);
        client.handle_datagram(
            t0 + Duration::from_millis(10 * (n as u64 + 1)),
            sent.socket,
            sent.to,
            &reply,
        );
    }
    // A reply to a retransmission does not feed the average (Karn).
    client
        .submit(t0, Service::Authentication, &[A], access_request("u"))
        .unwrap();
    let sent = transmits(&mut client).remove(0);
    client.handle_timeout(t0 + TIMEOUT);
    assert_eq!(transmits(&mut client).len(), 1);
    let reply = answer(&sent, SECRET_A, code::ACCESS_ACCEPT, vec![]);
    client.handle_datagram(
        t0 + TIMEOUT + Duration::from_millis(500),
        sent.socket,
        sent.to,
        &reply,
    );
    let stats = stats_of(&client, A);
    assert_eq!(
        (
            stats.requests,
            stats.accepts,
            stats.rejects,
            stats.challenges,
            stats.retransmissions
        ),
        (4, 2, 1, 1, 1)
    );
    assert_eq!(
        (stats.last_rtt_ms, stats.average_rtt_ms),
        (Some(30), Some(20))
    );
    assert_eq!(
        (stats.outstanding, stats.queued, stats.state),
        (0, 0, ServerState::Up)
    );
    assert_eq!(events(&mut client).len(), 4);
}

#[test]
fn a_reply_hands_over_what_decrypts_its_tunnel_password() {
    let t0 = Instant::now();
    let mut client = client(vec![server(A, SECRET_A)]);
    client
        .submit(
            t0,
            Service::Authentication,
            &[A],
            access_request("alice@isp"),
        )
        .unwrap();
    let sent = transmits(&mut client).remove(0);
    let request = Packet::decode(&sent.bytes).unwrap();
    let password = crate::aaa::radius::encrypt_tunnel_password(
        1,
        0x1234,
        b"tunnel-pw",
        SECRET_A,
        &request.authenticator,
    );
    let reply = answer(
        &sent,
        SECRET_A,
        code::ACCESS_ACCEPT,
        vec![Attribute::string(attr::TUNNEL_PASSWORD, password)],
    );
    client.handle_datagram(t0, sent.socket, sent.to, &reply);
    let Some(ClientEvent::Reply {
        reply,
        request_authenticator,
        secret,
        ..
    }) = client.poll_event()
    else {
        panic!("no reply");
    };
    let tunnels = tunnel_attributes(&reply, &secret, &request_authenticator);
    assert_eq!(
        tunnels.tunnels[0].password.as_deref(),
        Some(&b"tunnel-pw"[..])
    );
}

#[test]
fn a_source_address_gets_sockets_of_its_own() {
    let t0 = Instant::now();
    let source = Ipv4Addr::new(127, 0, 0, 2);
    let mut client = client(vec![
        ServerConfig {
            source: Some(source),
            ..server(A, SECRET_A)
        },
        server(B, SECRET_B),
    ]);
    client
        .submit(t0, Service::Authentication, &[A], access_request("a"))
        .unwrap();
    client
        .submit(t0, Service::Authentication, &[B], access_request("b"))
        .unwrap();
    let sockets: Vec<SocketId> = transmits(&mut client).iter().map(|t| t.socket).collect();
    assert_eq!(
        sockets,
        vec![
            SocketId {
                source: Some(source),
                instance: MAIN_INSTANCE,
                index: 0
            },
            SocketId {
                source: None,
                instance: MAIN_INSTANCE,
                index: 0
            }
        ]
    );
}

#[test]
fn reconfiguring_keeps_counters_and_moves_waiting_requests() {
    let t0 = Instant::now();
    let mut client = client(vec![
        ServerConfig {
            require_message_authenticator: false,
            max_outstanding: 1,
            ..server(A, SECRET_A)
        },
        server(B, SECRET_B),
    ]);
    client
        .submit(t0, Service::Authentication, &[A, B], access_request("a"))
        .unwrap();
    client
        .submit(t0, Service::Authentication, &[A, B], access_request("b"))
        .unwrap();
    assert_eq!((client.outstanding(), client.queued()), (1, 1));
    transmits(&mut client);
    // A goes away: its waiting request moves to B; B keeps its counters.
    client.configure(vec![server(B, SECRET_B)]);
    assert_eq!(client.queued(), 0);
    let moved = transmits(&mut client);
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].to, SocketAddr::from((B, 1812)));
    assert_eq!(stats_of(&client, B).requests, 1);
    client.configure(vec![server(B, SECRET_B)]);
    assert_eq!(stats_of(&client, B).requests, 1);
}

#[test]
fn per_request_memory_is_reported() {
    // The bounds are compile-time assertions in client.rs; this prints the figures.
    println!("Request {REQUEST_RECORD_SIZE} B, InFlight {IN_FLIGHT_RECORD_SIZE} B");
}

#[test]
fn a_removed_server_still_answers_what_it_was_asked() {
    let t0 = Instant::now();
    let mut client = client(vec![server(A, SECRET_A), server(B, SECRET_B)]);
    let id = client
        .submit(t0, Service::Authentication, &[A, B], access_request("a"))
        .unwrap();
    let sent = transmits(&mut client).remove(0);
    client.configure(vec![server(B, SECRET_B)]);
    let reply = answer(&sent, SECRET_A, code::ACCESS_ACCEPT, vec![]);
    client.handle_datagram(t0, sent.socket, sent.to, &reply);
    assert!(
        matches!(events(&mut client).as_slice(), [ClientEvent::Reply { id: got, server, .. }] if *got == id && *server == A)
    );
    // A stranger's datagram is counted apart.
    client.handle_datagram(t0, sent.socket, sent.to, &reply);
    assert_eq!(client.client_stats().unknown_source, 1);
}

#[test]
fn more_room_after_a_commit_sends_waiting_requests() {
    let t0 = Instant::now();
    let mut client = client(vec![ServerConfig {
        max_outstanding: 1,
        ..server(A, SECRET_A)
    }]);
    for user in ["a", "b", "c"] {
        client
            .submit(t0, Service::Authentication, &[A], access_request(user))
            .unwrap();
    }
    assert_eq!(transmits(&mut client).len(), 1);
    client.configure(vec![server(A, SECRET_A)]);
    assert_eq!(transmits(&mut client).len(), 2);
    assert_eq!((client.outstanding(), client.queued()), (3, 0));
}

/// More requests than `max_outstanding` at once (2,000 against 1,000, as the setup bench
/// with RADIUS in the LAC's path does): the rest wait, and each goes out as room frees; every
/// one is answered, none fails.
#[test]
fn requests_beyond_max_outstanding_wait_and_all_are_answered() {
    let t0 = Instant::now();
    let mut client = client(vec![ServerConfig {
        max_outstanding: 1000,
        ..server(A, SECRET_A)
    }]);
    for i in 0..2000 {
        client
            .submit(
                t0,
                Service::Authentication,
                &[A],
                access_request(&format!("u{i}")),
            )
            .unwrap();
    }
    assert_eq!(client.queued(), 1000);
    let mut replies = 0;
    let mut failures = Vec::new();
    // The server answers what it got, a millisecond later, round after round.
    for round in 1..=10u32 {
        let now = t0 + Duration::from_millis(u64::from(round));
        for sent in transmits(&mut client) {
            let bytes = answer(&sent, SECRET_A, code::ACCESS_ACCEPT, Vec::new());
            client.handle_datagram(now, sent.socket, sent.to, &bytes);
        }
        for event in events(&mut client) {
            match event {
                ClientEvent::Reply { .. } => replies += 1,
                ClientEvent::Failed { id, reason } => failures.push((id, reason)),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed: {:?}",
        failures.len(),
        &failures[..failures.len().min(3)]
    );
    assert_eq!(replies, 2000);
    assert_eq!(client.queued(), 0);
    assert_eq!(client.outstanding(), 0);
}

#[test]
fn requests_in_a_routing_instance_use_that_instances_own_sockets() {
    let t0 = Instant::now();
    let mut client = client(vec![server(A, SECRET_A)]);
    let main = client
        .submit(t0, Service::Authentication, &[A], access_request("m"))
        .unwrap();
    let in_vrf = client
        .submit_with(
            t0,
            Service::Authentication,
            &[A],
            access_request("v"),
            Some("isp-aaa"),
            NasAddress::FromServer,
        )
        .unwrap();
    client
        .submit_with(
            t0,
            Service::Authentication,
            &[A],
            access_request("w"),
            Some("isp-aaa"),
            NasAddress::FromServer,
        )
        .unwrap();
    let sent = transmits(&mut client);
    let instances: Vec<u16> = sent.iter().map(|t| t.socket.instance).collect();
    assert_eq!(
        instances,
        vec![MAIN_INSTANCE, 1, 1],
        "one number per instance"
    );
    assert_eq!(client.instance_name(1).map(|n| &**n), Some("isp-aaa"));
    assert_eq!(client.instance_name(MAIN_INSTANCE), None);
    assert_eq!(client.instance_name(2), None);
    // Each instance numbers its identifiers on its own sockets.
    assert_eq!(sent[0].socket.index, 0);
    assert_eq!(sent[1].socket.index, 0);
    // The reply to the instance's request is taken on the instance's socket only.
    let reply = answer(&sent[1], SECRET_A, code::ACCESS_ACCEPT, vec![]);
    client.handle_datagram(t0, sent[0].socket, sent[1].to, &reply);
    assert!(events(&mut client).is_empty(), "not on the main socket");
    client.handle_datagram(t0, sent[1].socket, sent[1].to, &reply);
    match events(&mut client).as_slice() {
        [ClientEvent::Reply { id, .. }] => assert_eq!(*id, in_vrf),
        other => panic!("{other:?}"),
    }
    let _ = main;
}

#[test]
fn a_servers_routing_instance_wins_over_the_requests() {
    let t0 = Instant::now();
    let mut pinned = server(A, SECRET_A);
    pinned.routing_instance = Some(Arc::from("radius-vrf"));
    let mut main_table = server(B, SECRET_B);
    main_table.routing_instance = Some(Arc::from("default"));
    let mut client = client(vec![pinned, main_table]);
    // Both requests ask for the domain map's instance; each server's own wins.
    for (server, user) in [(A, "a"), (B, "b")] {
        client
            .submit_with(
                t0,
                Service::Authentication,
                &[server],
                access_request(user),
                Some("isp-aaa"),
                NasAddress::FromServer,
            )
            .unwrap();
    }
    let sent = transmits(&mut client);
    assert_eq!(sent.len(), 2);
    let to_a = sent.iter().find(|t| t.to.ip() == A).unwrap();
    let to_b = sent.iter().find(|t| t.to.ip() == B).unwrap();
    assert_eq!(
        client.instance_name(to_a.socket.instance).map(|n| &**n),
        Some("radius-vrf")
    );
    assert_eq!(
        to_b.socket.instance, MAIN_INSTANCE,
        "`default` is the main table"
    );
}

#[test]
fn accounting_requests_follow_accounting_retry_and_timeout() {
    let t0 = Instant::now();
    let accounting_timeout = Duration::from_secs(10);
    let mut s = server(A, SECRET_A);
    s.accounting_retry = Some(0);
    s.accounting_timeout = Some(accounting_timeout);
    let mut client = client(vec![s]);
    let id = client
        .submit(t0, Service::Accounting, &[A], accounting_request())
        .unwrap();
    assert_eq!(transmits(&mut client).len(), 1);
    assert_eq!(client.poll_timeout(), Some(t0 + accounting_timeout));
    // `accounting-retry 0`: no second attempt.
    client.handle_timeout(t0 + accounting_timeout);
    assert!(transmits(&mut client).is_empty());
    assert_eq!(
        events(&mut client),
        vec![ClientEvent::Failed {
            id,
            reason: FailReason::TimedOut
        }]
    );
}

/// A request that times out on every attempt marks `server` dead at the returned instant.
fn kill(client: &mut RadiusClient, at: Instant, servers: &[Ipv4Addr]) -> Instant {
    client
        .submit(at, Service::Authentication, servers, access_request("k"))
        .unwrap();
    let mut now = at;
    for _ in 0..3 {
        now += TIMEOUT;
        client.handle_timeout(now);
    }
    transmits(client);
    events(client);
    now
}

/// A profile's `radius options revert-interval` (here 5 s on A, where the client's own is
/// 60 s): A is passed over for 5 s after it stopped answering, then asked first again.
#[test]
fn a_servers_own_revert_interval_decides_when_it_is_tried_again() {
    let mut client = client(vec![
        ServerConfig {
            revert_interval: Some(Duration::from_secs(5)),
            ..server(A, SECRET_A)
        },
        server(B, SECRET_B),
    ]);
    let t0 = Instant::now();
    let dead_at = kill(&mut client, t0, &[A]);
    let first_server = |client: &mut RadiusClient, at: Instant| {
        client
            .submit(at, Service::Authentication, &[A, B], access_request("u"))
            .unwrap();
        transmits(client)[0].to
    };
    let skipped = dead_at + Duration::from_millis(4_999);
    assert_eq!(
        first_server(&mut client, skipped),
        SocketAddr::from((B, 1812))
    );
    let revived = dead_at + Duration::from_secs(5);
    assert_eq!(
        first_server(&mut client, revived),
        SocketAddr::from((A, 1812))
    );
    // B keeps the client's dead time (60 s).
    let b_dead = kill(&mut client, revived, &[B]);
    assert_eq!(
        client
            .submit(
                b_dead + Duration::from_secs(59),
                Service::Authentication,
                &[B, A],
                access_request("v"),
            )
            .map(|_| transmits(&mut client)[0].to),
        Ok(SocketAddr::from((A, 1812)))
    );
}

/// `chap-challenge-in-request-authenticator`: an Access-Request built with its authenticator
/// (the CHAP challenge) goes with it to every server, and the reply verifies against it.
#[test]
fn a_request_built_with_its_authenticator_keeps_it_through_failover() {
    let t0 = Instant::now();
    let mut client = client(vec![server(A, SECRET_A), server(B, SECRET_B)]);
    let challenge = [0x5a; 16];
    let mut request = Packet::new(code::ACCESS_REQUEST, 0, challenge);
    request.attributes = vec![
        Attribute::string(attr::USER_NAME, "carol"),
        Attribute::string(attr::CHAP_PASSWORD, [1u8; 17]),
    ];
    let id = client
        .submit(t0, Service::Authentication, &[A, B], request)
        .unwrap();
    let to_a = transmits(&mut client).remove(0);
    assert_eq!(
        Packet::decode(&to_a.bytes).unwrap().authenticator,
        challenge
    );
    for k in 1..=3 {
        client.handle_timeout(t0 + TIMEOUT * k);
    }
    let sent = transmits(&mut client);
    let to_b = sent.last().unwrap();
    assert_eq!(to_b.to, SocketAddr::from((B, 1812)));
    assert_eq!(
        Packet::decode(&to_b.bytes).unwrap().authenticator,
        challenge
    );
    let reply = answer(to_b, SECRET_B, code::ACCESS_ACCEPT, vec![]);
    client.handle_datagram(t0 + TIMEOUT * 3, to_b.socket, to_b.to, &reply);
    assert!(matches!(
        events(&mut client).as_slice(),
        [ClientEvent::Reply { id: got, .. }] if *got == id
    ));
}
