//! RADIUS in the subscriber sequences, in simulated time (`sim_lab` with lab RADIUS
//! servers): the LAC's tunnel decided by RADIUS attributes over the domain map's profile,
//! rejects and silent servers, the LNS's Access-Request and what its Accept grants, and
//! accounting.

use std::net::Ipv4Addr;
use std::time::Duration;

use super::sim_lab::{config, ipv4_between, Lab, RadiusResponder, LAC, LNS, LNS_BASE, PORT};
use crate::aaa::radius::{attr, code, encrypt_tunnel_password, erx, AttrKind, Attribute, Packet};
use crate::ppp::client_link::ClientEvent;
use crate::subscriber::decision::Refusal;
use crate::subscriber::table::{EndCause, Phase};

pub(super) const SECRET: &str = "radius-secret";
pub(super) const SERVER: &str = "127.0.0.9";

/// The LAC of `sim_lab` whose domain map's access profile asks RADIUS.
pub(super) fn lac_with_radius(extra: &str) -> schema::typed::RouterConfig {
    lac_with_radius_on(
        &format!("set interfaces {PORT} unit 0 family pppoe access-concentrator lac-s\n"),
        extra,
    )
}

/// [`lac_with_radius`] whose PPPoE units are `interfaces` (`set interfaces` lines).
pub(super) fn lac_with_radius_on(interfaces: &str, extra: &str) -> schema::typed::RouterConfig {
    config(&format!(
        "set system host-name lac-s\n{interfaces}\
         set access tunnel-profile tp tunnel 1 source-gateway address {LAC}\n\
         set access tunnel-profile tp tunnel 1 remote-gateway address 198.18.9.9\n\
         set access domain map isp.example tunnel-profile tp\n\
         set access domain map isp.example access-profile ra\n\
         set access profile ra authentication-order radius\n\
         set access radius-server {SERVER} secret {SECRET}\n\
         set access radius-server {SERVER} timeout 2\n\
         set access radius-server {SERVER} retry 1\n\
         set access radius-server {SERVER} message-authenticator optional\n{extra}"
    ))
}

/// The LNS of `sim_lab`, which requires the tunnel secret `tunnel-pw` from the LAC.
pub(super) fn lns_with_secret(extra: &str) -> schema::typed::RouterConfig {
    config(&format!(
        "{LNS_BASE}set access profile ap client lac-s l2tp shared-secret tunnel-pw\n{extra}"
    ))
}

pub(super) fn ip_up(events: &[ClientEvent]) -> Option<(Ipv4Addr, Vec<Ipv4Addr>)> {
    events.iter().find_map(|e| match e {
        ClientEvent::IpUp { local, dns, .. } => Some((*local, dns.clone())),
        _ => None,
    })
}

pub(super) fn bring_up(lab: &mut Lab, user: &str) -> usize {
    let i = lab.add_ip(user, "pw");
    lab.settle();
    for _ in 0..5 {
        lab.advance(Duration::from_millis(100));
    }
    i
}

/// An Accept whose tag 1 sends the subscriber to the sim lab's LNS with its tunnel secret.
pub(super) fn accept_to_the_lns(request: &Packet) -> Option<(u8, Vec<Attribute>)> {
    let password = encrypt_tunnel_password(
        1,
        0x8001,
        b"tunnel-pw",
        SECRET.as_bytes(),
        &request.authenticator,
    );
    Some((
        code::ACCESS_ACCEPT,
        vec![
            Attribute::tagged_integer(attr::TUNNEL_TYPE, 1, 3),
            Attribute::tagged_integer(attr::TUNNEL_MEDIUM_TYPE, 1, 1),
            Attribute::tagged_string(attr::TUNNEL_SERVER_ENDPOINT, 1, LNS),
            Attribute::new(AttrKind::Standard(attr::TUNNEL_PASSWORD), password),
        ],
    ))
}

/// A server that takes every accounting record and sends subscribers to the sim lab's LNS.
pub(super) fn account_or_accept(request: &Packet) -> Option<(u8, Vec<Attribute>)> {
    match request.code {
        code::ACCOUNTING_REQUEST => Some((code::ACCOUNTING_RESPONSE, Vec::new())),
        _ => accept_to_the_lns(request),
    }
}

#[test]
fn radius_tunnel_attributes_override_the_domain_maps_tunnel_and_the_subscriber_gets_ip() {
    let mut lab = Lab::new(lac_with_radius(""), lns_with_secret(""));
    lab.lac_radius = Some(RadiusResponder::new(SECRET, Box::new(accept_to_the_lns)));
    let i = bring_up(&mut lab, "alice@isp.example");
    // The map's tunnel goes to 198.18.9.9 without a secret; RADIUS's tag 1 to the LNS with
    // the secret it requires: only the override gets the subscriber through.
    assert!(
        ip_up(&lab.subs[i].events).is_some(),
        "{:?}",
        lab.subs[i].events
    );
    let server = lab.lac_radius.as_ref().unwrap();
    let [request] = server.received.as_slice() else {
        panic!("one Access-Request: {:?}", server.received);
    };
    assert_eq!(request.code, code::ACCESS_REQUEST);
    assert_eq!(
        request.string(attr::USER_NAME),
        Some(&b"alice@isp.example"[..])
    );
    assert!(
        request.string(attr::CHAP_PASSWORD).is_some()
            || request.string(attr::USER_PASSWORD).is_some()
    );
    assert!(request
        .find(AttrKind::Standard(attr::MESSAGE_AUTHENTICATOR))
        .is_some());
    let lac = lab.lac.subscribers();
    let subscriber = lac.table.iter().next().expect("the subscriber");
    assert_eq!(subscriber.phase, Phase::Active);
    assert_eq!(subscriber.profile.as_deref(), Some("tp"));
    let grant = subscriber.aaa.as_deref().expect("RADIUS granted");
    assert_eq!(
        grant.tunnel_source,
        Some(crate::subscriber::radius_tunnels::TunnelSource::Attributes)
    );
    assert_eq!(lac.aaa.stats.accepts, 1);
    // `show subscribers detail` says what decided the tunnel.
    let show = schema::subscriber_rpc::SubscriberShow {
        level: schema::l2tp_rpc::Level::Detail,
        ..Default::default()
    };
    let rows = lac
        .show_subscribers(lab.lac.registry(), &show)
        .expect("rows");
    let aaa = rows.subscribers[0].aaa.as_ref().expect("the AAA part");
    assert_eq!(
        aaa.tunnel_decided_by.as_deref(),
        Some("radius-tunnel-attributes")
    );
    assert_eq!(aaa.radius_server, Some(SERVER.parse().unwrap()));
}

#[test]
fn an_access_reject_refuses_the_subscriber_with_the_reason() {
    let mut lab = Lab::new(lac_with_radius(""), lns_with_secret(""));
    lab.lac_radius = Some(RadiusResponder::new(
        SECRET,
        Box::new(|_| Some((code::ACCESS_REJECT, Vec::new()))),
    ));
    let i = bring_up(&mut lab, "mallory@isp.example");
    let events = &lab.subs[i].events;
    assert!(
        events
            .iter()
            .any(|e| matches!(e, ClientEvent::AuthFailed(_))),
        "{events:?}"
    );
    lab.advance(Duration::from_secs(5));
    let lac = lab.lac.subscribers();
    assert_eq!(lac.table.refusals.get(&Refusal::RadiusReject), Some(&1));
    assert_eq!(lac.aaa.stats.rejects, 1);
    assert_eq!(lac.table.len(), 0);
}

#[test]
fn a_silent_server_is_asked_again_then_the_next_method_decides() {
    // `radius none`: when RADIUS does not answer, the domain map alone decides at the LAC.
    let mut lab = Lab::new(
        lac_with_radius(
            "set access profile ra authentication-order [ radius none ]\n\
             set access tunnel-profile tp tunnel 1 remote-gateway address 127.0.0.72\n\
             set access tunnel-profile tp tunnel 1 secret tunnel-pw\n",
        ),
        lns_with_secret(""),
    );
    lab.lac_radius = Some(RadiusResponder::new(SECRET, Box::new(|_| None)));
    let i = lab.add_ip("bob@isp.example", "pw");
    lab.settle();
    // timeout 2 s, retry 1: the request goes twice, then the server is given up on.
    for _ in 0..50 {
        lab.advance(Duration::from_millis(100));
    }
    let sent = lab.lac_radius.as_ref().unwrap().received.len();
    assert_eq!(sent, 2, "the first send and one retry");
    assert!(
        ip_up(&lab.subs[i].events).is_some(),
        "{:?}",
        lab.subs[i].events
    );
    assert_eq!(lab.lac.subscribers().aaa.stats.auth_timeouts, 1);

    // `radius` alone: no answer refuses.
    let mut lab = Lab::new(lac_with_radius(""), lns_with_secret(""));
    lab.lac_radius = Some(RadiusResponder::new(SECRET, Box::new(|_| None)));
    let i = lab.add_ip("carol@isp.example", "pw");
    lab.settle();
    for _ in 0..50 {
        lab.advance(Duration::from_millis(100));
    }
    assert!(ip_up(&lab.subs[i].events).is_none());
    assert_eq!(
        lab.lac
            .subscribers()
            .table
            .refusals
            .get(&Refusal::AaaUnavailable),
        Some(&1)
    );
}

/// The LNS's tunnel group authenticates by RADIUS.
pub(super) fn lns_with_radius(extra: &str) -> schema::typed::RouterConfig {
    config(&format!(
        "{LNS_BASE}set services l2tp tunnel-group g aaa-access-profile users\n\
         set access profile users authentication-order radius\n\
         set access radius-server {SERVER} secret {SECRET}\n\
         set access radius-server {SERVER} message-authenticator optional\n{extra}"
    ))
}

#[test]
fn the_lns_access_request_names_the_tunnel_and_the_accept_gives_address_dns_wins_and_instance() {
    let mut lab = Lab::new(
        super::sim_lab::lac_config(""),
        lns_with_radius("set routing-instances isp-b instance-type virtual-router\n"),
    );
    lab.lns_radius = Some(RadiusResponder::new(
        SECRET,
        Box::new(|_| {
            Some((
                code::ACCESS_ACCEPT,
                vec![
                    Attribute::ipv4(attr::FRAMED_IP_ADDRESS, Ipv4Addr::new(198, 18, 0, 77)),
                    Attribute::vendor(erx::VENDOR, erx::PRIMARY_DNS, [198, 18, 0, 53]),
                    Attribute::vendor(erx::VENDOR, erx::SECONDARY_WINS, [198, 18, 0, 138]),
                    Attribute::vendor(erx::VENDOR, erx::VIRTUAL_ROUTER, "isp-b"),
                ],
            ))
        }),
    ));
    let i = bring_up(&mut lab, "dave@isp.example");
    let (address, dns) = ip_up(&lab.subs[i].events).expect("IPCP up");
    assert_eq!(address, Ipv4Addr::new(198, 18, 0, 77));
    assert_eq!(dns.first(), Some(&Ipv4Addr::new(198, 18, 0, 53)));
    assert_eq!(
        lab.subs[i].nbns(),
        Some(vec![Ipv4Addr::new(198, 18, 0, 138)])
    );
    let server = lab.lns_radius.as_ref().unwrap();
    let [request] = server.received.as_slice() else {
        panic!("one Access-Request: {:?}", server.received);
    };
    // The seed's list (17.4R1 on): 64, 65, 66, 67, 68, 82, 90, 91.
    let tagged = |kind| {
        request
            .find(AttrKind::Standard(kind))
            .and_then(|a| a.tagged())
            .map(|(_, value)| value.to_vec())
    };
    assert_eq!(
        request
            .find(AttrKind::Standard(attr::TUNNEL_TYPE))
            .and_then(|a| a.as_tagged_integer()),
        Some((0, 3))
    );
    assert!(request
        .find(AttrKind::Standard(attr::TUNNEL_MEDIUM_TYPE))
        .is_some());
    assert_eq!(
        tagged(attr::TUNNEL_CLIENT_ENDPOINT),
        Some(LAC.as_bytes().to_vec())
    );
    assert_eq!(
        tagged(attr::TUNNEL_SERVER_ENDPOINT),
        Some(LNS.as_bytes().to_vec())
    );
    assert!(request.string(attr::ACCT_TUNNEL_CONNECTION).is_some());
    assert_eq!(tagged(attr::TUNNEL_ASSIGNMENT_ID), Some(b"g".to_vec()));
    assert_eq!(tagged(attr::TUNNEL_CLIENT_AUTH_ID), Some(b"lac-s".to_vec()));
    assert_eq!(tagged(attr::TUNNEL_SERVER_AUTH_ID), Some(b"lns-s".to_vec()));
    assert_eq!(request.integer(attr::NAS_PORT), Some(4_194_303));
    let lns = lab.lns.subscribers();
    let subscriber = lns.table.iter().next().expect("the subscriber");
    assert_eq!(subscriber.routing_instance.as_deref(), Some("isp-b"));
    assert_eq!(subscriber.phase, Phase::Active);
}

#[test]
fn accounting_sends_start_and_a_stop_with_the_counters_and_cause_again_until_taken() {
    let mut lab = Lab::new(
        super::sim_lab::lac_config(""),
        lns_with_radius(&format!(
            "set access profile users accounting order radius\n\
             set access profile users accounting update-interval 10\n\
             set access profile users radius accounting-server {SERVER}\n"
        )),
    );
    // The server answers everything, until `down` says otherwise.
    let down = std::rc::Rc::new(std::cell::Cell::new(false));
    let silent = std::rc::Rc::clone(&down);
    lab.lns_radius = Some(RadiusResponder::new(
        SECRET,
        Box::new(move |request| {
            if silent.get() {
                return None;
            }
            Some(match request.code {
                code::ACCOUNTING_REQUEST => (code::ACCOUNTING_RESPONSE, Vec::new()),
                _ => (code::ACCESS_ACCEPT, Vec::new()),
            })
        }),
    ));
    let i = bring_up(&mut lab, "erin@isp.example");
    let (address, _) = ip_up(&lab.subs[i].events).expect("IPCP up");
    let accounting = |lab: &Lab| -> Vec<Packet> {
        lab.lns_radius
            .as_ref()
            .unwrap()
            .received
            .iter()
            .filter(|p| p.code == code::ACCOUNTING_REQUEST)
            .cloned()
            .collect()
    };
    let starts = accounting(&lab);
    let [start] = starts.as_slice() else {
        panic!("one Start: {starts:?}");
    };
    assert_eq!(start.integer(attr::ACCT_STATUS_TYPE), Some(1));
    assert_eq!(start.ipv4(attr::FRAMED_IP_ADDRESS), Some(address));
    assert_eq!(
        start.string(attr::USER_NAME),
        Some(&b"erin@isp.example"[..])
    );

    // Ten minutes on: an Interim-Update.
    for _ in 0..10 {
        lab.advance(Duration::from_secs(60));
    }
    assert_eq!(
        accounting(&lab)
            .iter()
            .filter(|p| p.integer(attr::ACCT_STATUS_TYPE) == Some(3))
            .count(),
        1
    );

    // The server goes quiet; the client ends PPP: the Stop is sent, unanswered, and sent
    // again once the server is back.
    down.set(true);
    lab.subs[i].ppp.close(lab.now);
    lab.settle();
    for _ in 0..40 {
        lab.advance(Duration::from_secs(1));
    }
    assert_eq!(lab.lns.subscribers().table.len(), 0);
    assert!(lab.lns.subscribers().accounting.stats.stops.failed >= 1);
    down.set(false);
    for _ in 0..40 {
        lab.advance(Duration::from_secs(1));
    }
    let stops: Vec<_> = accounting(&lab)
        .into_iter()
        .filter(|p| p.integer(attr::ACCT_STATUS_TYPE) == Some(2))
        .collect();
    let last = stops.last().expect("a Stop");
    assert!(stops.len() >= 2, "sent again: {}", stops.len());
    assert_eq!(last.integer(attr::ACCT_TERMINATE_CAUSE), Some(1));
    assert!(last.integer(attr::ACCT_DELAY_TIME).unwrap_or(0) >= 30);
    assert!(last.integer(attr::ACCT_SESSION_TIME).is_some());
    assert!(last.integer(attr::ACCT_INPUT_PACKETS).is_some());
    let stats = lab.lns.subscribers().accounting.stats;
    assert_eq!(stats.starts.sent, 1);
    assert_eq!(stats.starts.acknowledged, 1);
    assert_eq!(stats.interims.acknowledged, 1);
    assert_eq!(stats.stops.sent, 1, "a Stop sent again is not another Stop");
    assert_eq!(stats.stops.acknowledged, 1);
    assert_eq!(stats.stops_lost, 0);
    assert_eq!(
        lab.lns
            .subscribers()
            .table
            .ends
            .get(&EndCause::ClientTerminate),
        Some(&1)
    );
}

/// A Disconnect- or CoA-Request from the lab's RADIUS server, signed with `secret`.
fn dynamic_request(kind: u8, secret: &str, attributes: Vec<Attribute>) -> Vec<u8> {
    let mut request = Packet::new(kind, 7, [0; 16]);
    request.attributes = attributes;
    request.encode_request(secret.as_bytes()).expect("encodes")
}

fn from_server() -> std::net::SocketAddr {
    format!("{SERVER}:40000").parse().unwrap()
}

/// The lab's RADIUS server sends `user` a CoA-Request with a new Session-Timeout; the LNS
/// acknowledges it.
fn session_timeout_coa(lab: &mut Lab, user: &str, seconds: u32) {
    let coa = dynamic_request(
        code::COA_REQUEST,
        SECRET,
        vec![
            Attribute::string(attr::USER_NAME, user),
            Attribute::integer(attr::SESSION_TIMEOUT, seconds),
        ],
    );
    let now = lab.now;
    assert_eq!(
        answer_code(lab.lns.handle_dynamic_request(now, from_server(), &coa)),
        (code::COA_ACK, None)
    );
}

fn answer_code(answer: Option<Vec<u8>>) -> (u8, Option<u32>) {
    let bytes = answer.expect("an answer");
    let packet = Packet::decode(&bytes).expect("decodes");
    (packet.code, packet.integer(attr::ERROR_CAUSE))
}

#[test]
fn a_disconnect_request_ends_the_named_subscriber_on_both_sides_and_others_are_refused() {
    let mut lab = Lab::new(
        super::sim_lab::lac_config(&format!(
            "set access radius-disconnect {SERVER} secret {SECRET}\n"
        )),
        lns_with_radius(&format!(
            "set access radius-disconnect {SERVER} secret {SECRET}\n"
        )),
    );
    lab.lns_radius = Some(RadiusResponder::new(
        SECRET,
        Box::new(|_| Some((code::ACCESS_ACCEPT, Vec::new()))),
    ));
    let alice = bring_up(&mut lab, "alice@isp.example");
    let bob = bring_up(&mut lab, "bob@isp.example");
    assert!(ip_up(&lab.subs[alice].events).is_some());
    assert!(ip_up(&lab.subs[bob].events).is_some());
    let now = lab.now;

    // Not a client, or not its secret: dropped without an answer.
    let stranger: std::net::SocketAddr = "127.0.0.99:40000".parse().unwrap();
    let by_name = |user: &str| vec![Attribute::string(attr::USER_NAME, user)];
    let request = dynamic_request(
        code::DISCONNECT_REQUEST,
        SECRET,
        by_name("alice@isp.example"),
    );
    assert!(lab
        .lns
        .handle_dynamic_request(now, stranger, &request)
        .is_none());
    let forged = dynamic_request(
        code::DISCONNECT_REQUEST,
        "guess",
        by_name("alice@isp.example"),
    );
    assert!(lab
        .lns
        .handle_dynamic_request(now, from_server(), &forged)
        .is_none());
    // Nobody by that name: NAK, Session-Context-Not-Found.
    let nobody = dynamic_request(code::DISCONNECT_REQUEST, SECRET, by_name("zed@isp.example"));
    assert_eq!(
        answer_code(lab.lns.handle_dynamic_request(now, from_server(), &nobody)),
        (code::DISCONNECT_NAK, Some(503))
    );
    assert_eq!(lab.lns.subscribers().table.len(), 2);

    // By user name at the LNS: ACK; the LAC's subscriber ends with the CDN (a PADT).
    assert_eq!(
        answer_code(lab.lns.handle_dynamic_request(now, from_server(), &request)),
        (code::DISCONNECT_ACK, None)
    );
    lab.settle();
    assert_eq!(lab.lns.subscribers().table.len(), 1);
    assert_eq!(
        lab.lns
            .subscribers()
            .table
            .ends
            .get(&EndCause::AaaDisconnect),
        Some(&1)
    );
    assert_eq!(lab.lac.subscribers().table.len(), 1);
    assert!(lab.subs[alice].ended, "the client got its PADT");

    // By Acct-Session-Id at the LAC: its subscriber ends, and the LNS's with the CDN.
    let id = lab
        .lac
        .subscribers()
        .table
        .iter()
        .next()
        .map(|s| s.id.0.to_string())
        .expect("bob at the LAC");
    let request = dynamic_request(
        code::DISCONNECT_REQUEST,
        SECRET,
        vec![Attribute::string(attr::ACCT_SESSION_ID, id)],
    );
    assert_eq!(
        answer_code(lab.lac.handle_dynamic_request(now, from_server(), &request)),
        (code::DISCONNECT_ACK, None)
    );
    lab.settle();
    assert_eq!(lab.lac.subscribers().table.len(), 0);
    assert_eq!(lab.lns.subscribers().table.len(), 0);
    assert!(lab.subs[bob].ended);

    // What the LNS took, answered and dropped, as `show network-access aaa statistics
    // dynamic-requests` shows it.
    let counted = lab.lns.subscribers().aaa_statistics().dynamic_requests;
    assert_eq!(
        counted,
        schema::aaa_rpc::DynamicRequestStatistics {
            disconnect_requests: 2,
            acks: 1,
            naks: 1,
            unknown_client: 1,
            bad_authenticator: 1,
            ..Default::default()
        }
    );
    assert_eq!(lab.lac.subscribers().dynamic_request_statistics().acks, 1);
}

#[test]
fn session_timeout_from_the_accept_or_a_coa_ends_the_subscriber_on_time() {
    let mut lab = Lab::new(
        super::sim_lab::lac_config(""),
        lns_with_radius(&format!(
            "set access radius-disconnect {SERVER} secret {SECRET}\n"
        )),
    );
    lab.lns_radius = Some(RadiusResponder::new(
        SECRET,
        Box::new(|_| {
            Some((
                code::ACCESS_ACCEPT,
                vec![Attribute::integer(attr::SESSION_TIMEOUT, 120)],
            ))
        }),
    ));
    let i = bring_up(&mut lab, "frank@isp.example");
    assert!(ip_up(&lab.subs[i].events).is_some());
    // A CoA makes it 60 s, counted from the login.
    session_timeout_coa(&mut lab, "frank@isp.example", 60);
    for _ in 0..55 {
        lab.advance(Duration::from_secs(1));
    }
    assert_eq!(
        lab.lns.subscribers().table.len(),
        1,
        "still within its time"
    );
    for _ in 0..10 {
        lab.advance(Duration::from_secs(1));
    }
    assert_eq!(lab.lns.subscribers().table.len(), 0);
    assert_eq!(
        lab.lns
            .subscribers()
            .table
            .ends
            .get(&EndCause::SessionTimeout),
        Some(&1)
    );
    assert!(lab.subs[i].ended);
}

#[test]
fn the_lac_request_follows_strip_domain_and_the_profiles_radius_options() {
    let mut lab = Lab::new(
        lac_with_radius(
            "set access domain map isp.example strip-domain\n\
             set access profile ra radius options nas-identifier lac-east\n\
             set access profile ra radius options calling-station-id-format mac-address\n\
             set access profile ra radius options calling-station-id-format nas-identifier\n",
        ),
        lns_with_secret(""),
    );
    lab.lac_radius = Some(RadiusResponder::new(SECRET, Box::new(accept_to_the_lns)));
    let i = bring_up(&mut lab, "gina@isp.example");
    assert!(ip_up(&lab.subs[i].events).is_some());
    let request = &lab.lac_radius.as_ref().unwrap().received[0];
    assert_eq!(request.string(attr::USER_NAME), Some(&b"gina"[..]));
    assert_eq!(request.string(attr::NAS_IDENTIFIER), Some(&b"lac-east"[..]));
    let calling = String::from_utf8_lossy(request.string(attr::CALLING_STATION_ID).unwrap());
    assert!(calling.starts_with("lac-east#"), "{calling}");
    assert_eq!(calling.matches(':').count(), 5, "a MAC: {calling}");
    // The LNS still sees the full name in the proxy authentication.
    let lns = lab.lns.subscribers();
    assert_eq!(
        lns.table
            .iter()
            .next()
            .and_then(|s| s.user.clone())
            .as_deref(),
        Some("gina@isp.example")
    );
}

#[test]
fn idle_timeout_ends_a_silent_subscriber_and_spares_one_that_sends() {
    let mut lab = Lab::new(super::sim_lab::lac_config(""), lns_with_radius(""));
    lab.lns_radius = Some(RadiusResponder::new(
        SECRET,
        Box::new(|_| {
            Some((
                code::ACCESS_ACCEPT,
                vec![Attribute::integer(attr::IDLE_TIMEOUT, 60)],
            ))
        }),
    ));
    let quiet = bring_up(&mut lab, "quiet@isp.example");
    let busy = bring_up(&mut lab, "busy@isp.example");
    let (address, _) = ip_up(&lab.subs[busy].events).expect("IPCP up");
    // The busy one sends a packet every 20 s: never a whole minute of silence.
    for _ in 0..9 {
        for _ in 0..20 {
            lab.advance(Duration::from_secs(1));
        }
        let mut ppp = vec![0x00, 0x21];
        ppp.extend_from_slice(&ipv4_packet(address));
        let frame = lab.subs[busy].pppoe.session_frame(&ppp).expect("a session");
        let now = lab.now;
        lab.lac.handle_frame(now, PORT, &frame);
        lab.settle();
    }
    assert!(lab.subs[quiet].ended, "silent for three minutes");
    assert!(!lab.subs[busy].ended);
    let lns = lab.lns.subscribers();
    assert_eq!(lns.table.ends.get(&EndCause::IdleTimeout), Some(&1));
    assert_eq!(lns.table.len(), 1);
}

/// An IPv4 packet from `source` to a host behind the LNS.
pub(super) fn ipv4_packet(source: Ipv4Addr) -> Vec<u8> {
    ipv4_between(source, Ipv4Addr::new(198, 19, 0, 1))
}

#[test]
fn the_lacs_accounting_names_the_tunnel_the_session_runs_in() {
    let mut lab = Lab::new(
        lac_with_radius(&format!(
            "set access profile ra accounting order radius\n\
             set access profile ra radius accounting-server {SERVER}\n"
        )),
        lns_with_secret(""),
    );
    lab.lac_radius = Some(RadiusResponder::new(SECRET, Box::new(account_or_accept)));
    let i = bring_up(&mut lab, "hank@isp.example");
    assert!(ip_up(&lab.subs[i].events).is_some());
    let server = lab.lac_radius.as_ref().unwrap();
    let start = server
        .received
        .iter()
        .find(|p| p.code == code::ACCOUNTING_REQUEST)
        .expect("a Start");
    assert_eq!(start.integer(attr::ACCT_STATUS_TYPE), Some(1));
    let connection = String::from_utf8_lossy(start.string(attr::ACCT_TUNNEL_CONNECTION).unwrap());
    assert!(connection.contains('/'), "{connection}");
    let endpoint = start
        .find(AttrKind::Standard(attr::TUNNEL_SERVER_ENDPOINT))
        .and_then(|a| a.tagged())
        .map(|(_, v)| v.to_vec());
    assert_eq!(endpoint, Some(LNS.as_bytes().to_vec()));
    assert_eq!(
        lab.lac.subscribers().accounting.stats.starts.acknowledged,
        1
    );
}

/// `test aaa ppp` asks as a subscriber's authentication does: an Access-Request to the
/// server's authentication port (a real server ignores one on its accounting port), and the
/// Accept's attributes are shown.
#[test]
fn test_aaa_ppp_asks_the_authentication_port_and_shows_the_accept() {
    use super::aaa_rpc::AaaRpc;
    use super::rpc::L2tpRpc;
    use schema::aaa_rpc::{AaaTest, AaaTestResult};
    use schema::mgmt::Reply;
    let mut lab = Lab::new(lac_with_radius(""), lns_with_secret(""));
    lab.lac_radius = Some(RadiusResponder::new(SECRET, Box::new(accept_to_the_lns)));
    let (reply, answer) = std::sync::mpsc::channel();
    let test = AaaTest {
        user: "alice@isp.example".into(),
        password: "pw".into(),
        profile: Some("ra".into()),
    };
    let now = lab.now;
    lab.lac
        .l2tp_rpc(now, L2tpRpc::Aaa(AaaRpc::Test(test)), reply);
    lab.settle();
    let Ok(Ok(Reply::AaaTest(report))) = answer.try_recv() else {
        panic!("a test report");
    };
    assert_eq!(report.result, AaaTestResult::Accept, "{report:?}");
    assert!(
        report
            .attributes
            .iter()
            .any(|a| a.name == "Tunnel-Server-Endpoint:1" && a.value == LNS),
        "{report:?}"
    );
    assert_eq!(lab.lac_radius.as_ref().unwrap().received.len(), 1);
}

/// A subscriber whose Access-Request is not answered yet has not been admitted by any
/// method: `show network-access aaa subscribers` leaves it out (it showed it as `none`).
#[test]
fn a_subscriber_waiting_for_radius_is_not_shown_as_admitted() {
    let config = lac_with_radius("");
    let mut lab = Lab::new(config.clone(), lns_with_secret(""));
    lab.lac_radius = Some(RadiusResponder::new(SECRET, Box::new(|_| None)));
    lab.add_ip("frank@isp.example", "pw");
    lab.settle();
    lab.advance(Duration::from_millis(100));
    assert_eq!(lab.lac_radius.as_ref().unwrap().received.len(), 1);
    let shown = lab
        .lac
        .subscribers()
        .aaa_subscribers(&config, &schema::aaa_rpc::AaaSubscribersShow::default());
    assert_eq!(shown.subscribers, Vec::new());
}

/// More subscribers at once than the server's `max-outstanding-requests`: the rest wait in
/// the client's queue, and every one is admitted as room frees.
#[test]
fn subscribers_beyond_max_outstanding_requests_wait_their_turn_and_all_come_up() {
    let mut lab = Lab::new(
        lac_with_radius(&format!(
            "set access radius-server {SERVER} max-outstanding-requests 10\n"
        )),
        lns_with_secret(""),
    );
    lab.lac_radius = Some(RadiusResponder::new(SECRET, Box::new(accept_to_the_lns)));
    let subscribers: Vec<usize> = (0..60)
        .map(|n| lab.add_ip(&format!("u{n}@isp.example"), "pw"))
        .collect();
    lab.settle();
    for _ in 0..20 {
        lab.advance(Duration::from_millis(100));
    }
    let lac = lab.lac.subscribers();
    assert!(lac.table.refusals.is_empty(), "{:?}", lac.table.refusals);
    let up = subscribers
        .iter()
        .filter(|i| ip_up(&lab.subs[**i].events).is_some())
        .count();
    assert_eq!(up, 60);
}

/// A slow server: the client's PPP goes on meanwhile (its authenticator may ask again, and a
/// repeated Response asks RADIUS again). However many answers come, the first decides and the
/// subscriber comes up once; none of the later ones refuses it.
#[test]
fn a_slow_server_answering_a_repeated_request_twice_admits_the_subscriber_once() {
    let mut lab = Lab::new(
        lac_with_radius(&format!("set access radius-server {SERVER} timeout 20\n")),
        lns_with_secret(""),
    );
    let mut server = RadiusResponder::new(SECRET, Box::new(accept_to_the_lns));
    server.hold = true;
    lab.lac_radius = Some(server);
    let i = lab.add_ip("ivy@isp.example", "pw");
    lab.settle();
    for _ in 0..100 {
        lab.advance(Duration::from_millis(100));
    }
    let asked = lab.lac_radius.as_ref().unwrap().received.len();
    let now = lab.now;
    let mut server = lab.lac_radius.take().unwrap();
    let released = server.release(now, &mut lab.lac);
    server.hold = false;
    lab.lac_radius = Some(server);
    lab.settle();
    for _ in 0..10 {
        lab.advance(Duration::from_millis(100));
    }
    assert!(released >= 1);
    assert!(
        ip_up(&lab.subs[i].events).is_some(),
        "{asked} requests, {released} answers: {:?}",
        lab.subs[i].events
    );
    let lac = lab.lac.subscribers();
    assert!(lac.table.refusals.is_empty(), "{:?}", lac.table.refusals);
    assert_eq!(lac.table.len(), 1);
}

#[test]
fn framed_routes_lead_to_the_subscriber_until_it_ends_and_a_bad_one_is_listed() {
    let mut lab = Lab::new(super::sim_lab::lac_config(""), lns_with_radius(""));
    lab.lns_radius = Some(RadiusResponder::new(
        SECRET,
        Box::new(|_| {
            Some((
                code::ACCESS_ACCEPT,
                vec![
                    Attribute::string(attr::FRAMED_ROUTE, "198.18.60.0/24 0.0.0.0 1"),
                    Attribute::string(attr::FRAMED_ROUTE, "198.18.61.0 255.255.255.248"),
                    Attribute::string(attr::FRAMED_ROUTE, "198.18.62.9/24 0.0.0.0 1"),
                ],
            ))
        }),
    ));
    let i = bring_up(&mut lab, "routed@isp.example");
    let (address, _) = ip_up(&lab.subs[i].events).expect("IPCP up");
    let prefix = |a: [u8; 4], l| crate::io::prefix_table::Prefix::new(a.into(), l).unwrap();
    let wanted = vec![prefix([198, 18, 60, 0], 24), prefix([198, 18, 61, 0], 29)];
    let routes = lab
        .lns
        .poll_routes_changed()
        .expect("the kernel's routes change");
    assert_eq!(routes.get("si-0/0/0"), Some(&wanted));
    assert!(lab.lns.poll_routes_changed().is_none(), "told once");
    let grant = lab
        .lns
        .subscribers()
        .table
        .iter()
        .next()
        .unwrap()
        .aaa
        .clone()
        .unwrap();
    assert_eq!(
        grant.ignored,
        vec![
            "Framed-Route \"198.18.62.9/24 0.0.0.0 1\": 198.18.62.9/24: host bits set beyond \
              the prefix length"
                .to_string()
        ]
    );

    // Down: to the routed prefixes, to the subscriber; elsewhere, nobody's.
    let server = Ipv4Addr::new(198, 19, 0, 1);
    let to_routed = ipv4_between(server, Ipv4Addr::new(198, 18, 60, 200));
    let to_second = ipv4_between(server, Ipv4Addr::new(198, 18, 61, 7));
    let outside = ipv4_between(server, Ipv4Addr::new(198, 18, 61, 8));
    let now = lab.now;
    lab.lns.handle_ip_packets(
        now,
        "si-0/0/0",
        &[to_routed.clone(), to_second.clone(), outside],
    );
    lab.settle();
    assert_eq!(lab.subs[i].ip_received, vec![to_routed, to_second]);
    assert_eq!(lab.lns.subscribers().lns.ip_drops.no_subscriber, 1);

    // Up: from inside a routed prefix is the subscriber's own; from elsewhere, spoofed.
    let from_routed = ipv4_between(Ipv4Addr::new(198, 18, 60, 5), server);
    let spoofed = ipv4_between(Ipv4Addr::new(198, 18, 63, 5), server);
    for packet in [&from_routed, &spoofed] {
        let mut ppp = vec![0x00, 0x21];
        ppp.extend_from_slice(packet);
        let frame = lab.subs[i].pppoe.session_frame(&ppp).expect("a session");
        let now = lab.now;
        lab.lac.handle_frame(now, PORT, &frame);
    }
    lab.settle();
    let mut out = Vec::new();
    while let Some((_, packet)) = lab.lns.poll_ip_packet() {
        out.push(packet);
    }
    assert_eq!(out, vec![from_routed]);
    assert_eq!(lab.lns.subscribers().lns.ip_drops.spoofed, 1);
    assert_ne!(address, Ipv4Addr::new(198, 18, 60, 5));

    // The subscriber leaves: its routes go.
    lab.subs[i].pppoe.terminate();
    lab.settle();
    lab.advance(Duration::from_secs(5));
    assert_eq!(lab.lns.subscribers().table.len(), 0);
    let routes = lab
        .lns
        .poll_routes_changed()
        .expect("the routes change again");
    assert!(routes.is_empty(), "{routes:?}");
}

#[test]
fn aaa_routing_instance_sends_the_subscribers_requests_from_that_instances_vrf() {
    let mut lab = Lab::new(
        lac_with_radius(
            "set routing-instances isp-aaa instance-type virtual-router\n\
             set access domain map isp.example aaa-routing-instance isp-aaa\n\
             set access profile ra accounting order radius\n\
             set access profile ra radius accounting-server 127.0.0.9\n\
             set access domain map other.example aaa-routing-instance default\n\
             set access domain map other.example tunnel-profile tp\n\
             set access domain map other.example access-profile ra\n",
        ),
        lns_with_secret(""),
    );
    lab.lac_radius = Some(RadiusResponder::new(SECRET, Box::new(accept_to_the_lns)));
    let routed = bring_up(&mut lab, "vera@isp.example");
    assert!(ip_up(&lab.subs[routed].events).is_some());
    let server = lab.lac_radius.as_ref().unwrap();
    let codes: Vec<u8> = server.received.iter().map(|r| r.code).collect();
    assert_eq!(codes, vec![code::ACCESS_REQUEST, code::ACCOUNTING_REQUEST]);
    assert_eq!(
        server.devices,
        vec![Some("vrf-isp-aaa".to_string()); 2],
        "the Access-Request and the accounting Start"
    );
    // `default` is the main table.
    let plain = bring_up(&mut lab, "walt@other.example");
    assert!(ip_up(&lab.subs[plain].events).is_some());
    let server = lab.lac_radius.as_ref().unwrap();
    assert_eq!(server.devices.get(2..), Some(&[None, None][..]));
}

/// `radius options` of a BNG: NAS-Port-Id built from the chosen values, NAS-Port-Type
/// Virtual, the descriptive Acct-Session-Id in the Access-Request, the accounting Start (with
/// the same NAS-Identifier, NAS-Port-Id and NAS-Port-Type) and the AAA view alike, and a
/// Disconnect-Request naming that ID finds the subscriber.
#[test]
fn the_lac_requests_carry_what_the_radius_options_ask() {
    let config = lac_with_radius(&format!(
        "set access profile ra radius options nas-identifier lac-east\n\
             set access profile ra radius options nas-port-id-format nas-identifier\n\
             set access profile ra radius options nas-port-id-format interface-description\n\
             set access profile ra radius options nas-port-id-delimiter %\n\
             set access profile ra radius options ethernet-port-type-virtual\n\
             set access profile ra radius options accounting-session-id-format description\n\
             set access profile ra accounting order radius\n\
             set access profile ra radius accounting-server {SERVER}\n\
             set access radius-disconnect {SERVER} secret {SECRET}\n"
    ));
    let mut lab = Lab::new(config.clone(), lns_with_secret(""));
    lab.lac_radius = Some(RadiusResponder::new(SECRET, Box::new(account_or_accept)));
    let i = bring_up(&mut lab, "ivy@isp.example");
    assert!(ip_up(&lab.subs[i].events).is_some());
    let server = lab.lac_radius.as_ref().unwrap();
    let request = &server.received[0];
    assert_eq!(request.code, code::ACCESS_REQUEST);
    let text = |p: &Packet, a| String::from_utf8_lossy(p.string(a).unwrap()).into_owned();
    let underlying = match &lab.lac.subscribers().table.iter().next().unwrap().access {
        crate::subscriber::table::AccessLeg::Pppoe { underlying, .. } => underlying.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        text(request, attr::NAS_PORT_ID),
        format!("lac-east%{underlying}")
    );
    assert_eq!(request.integer(attr::NAS_PORT_TYPE), Some(5));
    let session_id = text(request, attr::ACCT_SESSION_ID);
    assert!(
        session_id.starts_with(&format!("jnpr {underlying}:")),
        "{session_id}"
    );
    let start = server
        .received
        .iter()
        .find(|p| p.code == code::ACCOUNTING_REQUEST)
        .expect("a Start");
    assert_eq!(text(start, attr::ACCT_SESSION_ID), session_id);
    // Junos: the options describe the NAS and the port in accounting as in authentication.
    assert_eq!(text(start, attr::NAS_IDENTIFIER), "lac-east");
    assert_eq!(
        text(start, attr::NAS_PORT_ID),
        format!("lac-east%{underlying}")
    );
    assert_eq!(start.integer(attr::NAS_PORT_TYPE), Some(5));
    let view = lab
        .lac
        .subscribers()
        .aaa_subscribers(&config, &schema::aaa_rpc::AaaSubscribersShow::default());
    assert_eq!(
        view.subscribers[0].accounting_session_id.as_deref(),
        Some(session_id.as_str())
    );
    let by_session = dynamic_request(
        code::DISCONNECT_REQUEST,
        SECRET,
        vec![Attribute::string(
            attr::ACCT_SESSION_ID,
            session_id.as_str(),
        )],
    );
    let now = lab.now;
    assert_eq!(
        answer_code(
            lab.lac
                .handle_dynamic_request(now, from_server(), &by_session)
        ),
        (code::DISCONNECT_ACK, None)
    );
}

/// `immediate-update`: an Interim-Update goes out as soon as the Start is answered, and
/// `coa-immediate-update` one right after an acknowledged CoA-Request; the periodic ones keep
/// their schedule. Without the statements neither is sent (the test above: one Interim-Update
/// in ten minutes).
#[test]
fn immediate_updates_follow_the_start_and_each_coa() {
    let mut lab = Lab::new(
        super::sim_lab::lac_config(""),
        lns_with_radius(&format!(
            "set access profile users accounting order radius\n\
             set access profile users accounting update-interval 10\n\
             set access profile users accounting immediate-update\n\
             set access profile users accounting coa-immediate-update\n\
             set access profile users radius accounting-server {SERVER}\n\
             set access radius-disconnect {SERVER} secret {SECRET}\n"
        )),
    );
    lab.lns_radius = Some(RadiusResponder::new(
        SECRET,
        Box::new(|request| {
            Some(match request.code {
                code::ACCOUNTING_REQUEST => (code::ACCOUNTING_RESPONSE, Vec::new()),
                _ => (code::ACCESS_ACCEPT, Vec::new()),
            })
        }),
    ));
    let interims = |lab: &Lab| {
        lab.lns_radius
            .as_ref()
            .unwrap()
            .received
            .iter()
            .filter(|p| p.code == code::ACCOUNTING_REQUEST)
            .filter(|p| p.integer(attr::ACCT_STATUS_TYPE) == Some(3))
            .count()
    };
    let i = bring_up(&mut lab, "gina@isp.example");
    assert!(ip_up(&lab.subs[i].events).is_some());
    lab.advance(Duration::from_secs(1));
    assert_eq!(interims(&lab), 1, "one once the Start was answered");

    session_timeout_coa(&mut lab, "gina@isp.example", 3600);
    lab.advance(Duration::from_secs(1));
    assert_eq!(interims(&lab), 2, "one after the CoA");

    for _ in 0..10 {
        lab.advance(Duration::from_secs(60));
    }
    assert_eq!(interims(&lab), 3, "and the periodic one");
    let stats = lab.lns.subscribers().accounting.stats;
    assert_eq!(stats.interims.sent, 3);
    assert_eq!(stats.interims.acknowledged, 3);
}
