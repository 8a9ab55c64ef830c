//! The LNS sequence end to end in simulated time (see `sim_lab`): PPPoE subscribers → our
//! LAC → our LNS, which takes the proxy LCP and authentication, assigns an address by IPCP
//! and carries the subscriber's IP to its service interface.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use super::sim_lab::{config, lac_config, Lab, LNS_BASE, PORT};
use crate::ppp::client_link::ClientEvent;
use crate::subscriber::table::{EndCause, LcpTakeover, Phase};

const FIRST: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 10);
const GATEWAY: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 1);
const INTERNET: Ipv4Addr = Ipv4Addr::new(198, 19, 0, 1);

fn lab(lns_extra: &str) -> Lab {
    Lab::new(lac_config(""), config(&format!("{LNS_BASE}{lns_extra}")))
}

/// A minimal IPv4 header (checksum left zero: nothing on the way checks it) and payload.
fn ipv4(source: Ipv4Addr, destination: Ipv4Addr, payload: &[u8]) -> Vec<u8> {
    let total = u16::try_from(20 + payload.len()).expect("small");
    let mut packet = vec![0x45, 0, 0, 0, 0, 1, 0, 0, 64, 17, 0, 0];
    packet[2..4].copy_from_slice(&total.to_be_bytes());
    packet.extend_from_slice(&source.octets());
    packet.extend_from_slice(&destination.octets());
    packet.extend_from_slice(payload);
    packet
}

fn ip_up(events: &[ClientEvent]) -> Option<(Ipv4Addr, Ipv4Addr, Vec<Ipv4Addr>)> {
    events.iter().find_map(|e| match e {
        ClientEvent::IpUp {
            local, peer, dns, ..
        } => Some((*local, *peer, dns.clone())),
        _ => None,
    })
}

fn bring_up(lab: &mut Lab, user: &str, password: &str) -> usize {
    let i = lab.add_ip(user, password);
    lab.settle();
    for _ in 0..5 {
        lab.advance(Duration::from_millis(100));
    }
    i
}

#[test]
fn proxy_lcp_and_authentication_are_taken_and_ipcp_assigns_a_pool_address() {
    let mut lab = lab("set access domain-name-server-inet 198.18.0.53\nset access domain-name-server-inet 198.18.0.54\n");
    let i = bring_up(&mut lab, "alice@isp.example", "pw");
    let events = &lab.subs[i].events;
    assert!(events.contains(&ClientEvent::Authenticated), "{events:?}");
    let (local, peer, dns) = ip_up(events).expect("IPCP up at the client");
    assert_eq!(local, FIRST);
    assert_eq!(peer, GATEWAY);
    assert_eq!(
        dns,
        vec![Ipv4Addr::new(198, 18, 0, 53), Ipv4Addr::new(198, 18, 0, 54)]
    );

    let lns = lab.lns.subscribers();
    let subscribers: Vec<_> = lns.table.iter().collect();
    let [subscriber] = subscribers.as_slice() else {
        panic!("one subscriber at the LNS");
    };
    assert_eq!(subscriber.phase, Phase::Active);
    assert_eq!(subscriber.user.as_deref(), Some("alice@isp.example"));
    assert_eq!(subscriber.lcp_takeover, Some(LcpTakeover::ProxyAccepted));
    assert_eq!(subscriber.lease.as_ref().map(|l| l.address), Some(FIRST));
    assert_eq!(lns.lns.proxy_lcp_accepted, 1);
    // Its IP takes the I/O shell's fast path.
    assert_eq!(lab.lns.ip_relay().lock().len(), 1);
    assert_eq!(lns.lns.lcp_renegotiated, 0);
}

/// A pool's `wins-server`s reach a client that asks for them (as Windows does) in IPCP, and a
/// client entry's `primary-wins` wins over the pool's.
#[test]
fn ipcp_gives_the_wins_servers_of_the_pool_or_the_client_entry() {
    let mut pool_only = lab("set access address-assignment pool lab family inet dhcp-attributes wins-server [ 198.18.0.137 198.18.0.138 ]\n");
    let i = bring_up(&mut pool_only, "alice@isp.example", "pw");
    assert_eq!(
        pool_only.subs[i].nbns().expect("IPCP up"),
        vec![
            Ipv4Addr::new(198, 18, 0, 137),
            Ipv4Addr::new(198, 18, 0, 138)
        ]
    );

    let mut client_entry = lab(
        "set access address-assignment pool lab family inet dhcp-attributes wins-server 198.18.0.137\n\
         set services l2tp tunnel-group g aaa-access-profile users\n\
         set access profile users authentication-order password\n\
         set access profile users client dave@isp.example chap-secret pw\n\
         set access profile users client dave@isp.example ppp primary-wins 198.18.0.139\n",
    );
    let i = bring_up(&mut client_entry, "dave@isp.example", "pw");
    assert_eq!(
        client_entry.subs[i].nbns().expect("IPCP up"),
        vec![Ipv4Addr::new(198, 18, 0, 139)]
    );

    // No WINS server anywhere: the options are rejected and the client goes on without.
    let mut none = lab("");
    let i = bring_up(&mut none, "erin@isp.example", "pw");
    assert_eq!(
        none.subs[i].nbns().expect("IPCP up"),
        Vec::<Ipv4Addr>::new()
    );
}

/// Name servers for IPCP as Junos orders them for PPP subscribers: the access profile's
/// `domain-name-server-inet`, else `[edit access]`'s, each taken whole; a pool's
/// `dhcp-attributes name-server` never (Junos: "for DHCP only").
#[test]
fn ipcp_gives_the_name_servers_of_the_access_profile_else_of_the_router() {
    let pool = "set access address-assignment pool lab family inet dhcp-attributes name-server [ 198.18.0.53 198.18.0.54 ]\n";
    let mut pool_only = lab(pool);
    let i = bring_up(&mut pool_only, "alice@isp.example", "pw");
    let (_, _, dns) = ip_up(&pool_only.subs[i].events).expect("IPCP up");
    assert_eq!(dns, Vec::<Ipv4Addr>::new());

    let mut global = lab(&format!(
        "{pool}set access domain-name-server 198.18.0.60\n"
    ));
    let i = bring_up(&mut global, "alice@isp.example", "pw");
    let (_, _, dns) = ip_up(&global.subs[i].events).expect("IPCP up");
    assert_eq!(dns, vec![Ipv4Addr::new(198, 18, 0, 60)]);

    let mut profile = lab(&format!(
        "{pool}set access domain-name-server 198.18.0.60\n\
         set services l2tp tunnel-group g aaa-access-profile users\n\
         set access profile users authentication-order password\n\
         set access profile users client dave@isp.example chap-secret pw\n\
         set access profile users domain-name-server-inet 198.18.0.61\n\
         set access profile users domain-name-server-inet 198.18.0.62\n"
    ));
    let i = bring_up(&mut profile, "dave@isp.example", "pw");
    let (_, _, dns) = ip_up(&profile.subs[i].events).expect("IPCP up");
    assert_eq!(
        dns,
        vec![Ipv4Addr::new(198, 18, 0, 61), Ipv4Addr::new(198, 18, 0, 62)]
    );
}

#[test]
fn lcp_renegotiation_redoes_lcp_and_authentication_with_the_client() {
    let mut lab = lab("set access profile ap client lac-s l2tp lcp-renegotiation\n");
    let i = bring_up(&mut lab, "bob@isp.example", "pw");
    let events = &lab.subs[i].events;
    assert!(ip_up(events).is_some(), "{events:?}");
    // LCP came up twice at the client: with the LAC, then with the LNS.
    let lcp_ups = events.iter().filter(|e| **e == ClientEvent::LcpUp).count();
    assert_eq!(lcp_ups, 2, "{events:?}");
    let lns = lab.lns.subscribers();
    let subscriber = lns.table.iter().next().expect("a subscriber");
    assert_eq!(subscriber.lcp_takeover, Some(LcpTakeover::Renegotiated));
    assert_eq!(subscriber.phase, Phase::Active);
    assert_eq!(lns.lns.lcp_renegotiated, 1);
}

#[test]
fn a_wrong_password_is_refused_and_both_ends_see_why() {
    let mut lab = lab(
        "set services l2tp tunnel-group g aaa-access-profile users\n\
         set access profile users authentication-order password\n\
         set access profile users client carol@isp.example chap-secret right\n",
    );
    let i = bring_up(&mut lab, "carol@isp.example", "wrong");
    let events = &lab.subs[i].events;
    assert!(
        events
            .iter()
            .any(|e| matches!(e, ClientEvent::AuthFailed(_))),
        "{events:?}"
    );
    assert!(ip_up(events).is_none());
    lab.advance(Duration::from_secs(5));
    let lns = lab.lns.subscribers();
    assert_eq!(lns.table.len(), 0, "the LNS let the subscriber go");
    assert_eq!(
        lns.table.ends.get(&EndCause::AuthenticationFailed),
        Some(&1)
    );
    assert_eq!(lns.lns.pools.in_use(), 0, "no address held");
    // The LAC's subscriber ended with its session.
    assert_eq!(lab.lac.subscribers().table.len(), 0);

    // The right secret gets in.
    let j = bring_up(&mut lab, "carol@isp.example", "right");
    assert!(ip_up(&lab.subs[j].events).is_some());
}

#[test]
fn ip_crosses_between_the_subscriber_and_the_service_interface_and_spoofing_is_dropped() {
    let mut lab = lab("");
    let i = bring_up(&mut lab, "dave@isp.example", "pw");
    let (address, _, _) = ip_up(&lab.subs[i].events).expect("IPCP up");

    // Up: the subscriber's packet leaves the LNS on si-0/0/0.
    let packet = ipv4(address, INTERNET, b"up");
    let spoofed = ipv4(Ipv4Addr::new(198, 18, 9, 9), INTERNET, b"spoofed");
    for p in [&packet, &spoofed] {
        let mut ppp = vec![0x00, 0x21];
        ppp.extend_from_slice(p);
        let frame = lab.subs[i].pppoe.session_frame(&ppp).expect("a session");
        let now = lab.now;
        lab.lac.handle_frame(now, PORT, &frame);
    }
    lab.settle();
    let mut out = Vec::new();
    while let Some(sent) = lab.lns.poll_ip_packet() {
        out.push(sent);
    }
    assert_eq!(out, vec![(Arc::from("si-0/0/0"), packet)]);
    assert_eq!(lab.lns.subscribers().lns.ip_drops.spoofed, 1);

    // Down: a packet for the subscriber's address reaches it; one for nobody is counted.
    let reply = ipv4(INTERNET, address, b"down");
    let stray = ipv4(INTERNET, Ipv4Addr::new(198, 18, 200, 1), b"nobody");
    let now = lab.now;
    lab.lns
        .handle_ip_packets(now, "si-0/0/0", &[reply.clone(), stray]);
    lab.settle();
    assert_eq!(lab.subs[i].ip_received, vec![reply]);
    assert_eq!(lab.lns.subscribers().lns.ip_drops.no_subscriber, 1);
}

#[test]
fn an_exhausted_pool_refuses_the_next_subscriber_with_a_clear_cause() {
    let mut lab = lab(
        "delete access address-assignment pool lab family inet range r\n\
         set access address-assignment pool lab family inet range r low 198.18.0.10\n\
         set access address-assignment pool lab family inet range r high 198.18.0.10\n",
    );
    let first = bring_up(&mut lab, "e1@isp.example", "pw");
    assert!(ip_up(&lab.subs[first].events).is_some());
    let second = bring_up(&mut lab, "e2@isp.example", "pw");
    assert!(ip_up(&lab.subs[second].events).is_none());
    lab.advance(Duration::from_secs(5));
    let lns = lab.lns.subscribers();
    assert_eq!(lns.table.ends.get(&EndCause::NoAddress), Some(&1));
    assert_eq!(lns.table.len(), 1, "the first keeps its address");
}

#[test]
fn the_wildcard_client_admits_the_lac_and_its_user_group_profile_gives_pool_and_dns() {
    let mut lab = lab("delete access profile ap client lac-s\n\
         set access profile ap client * l2tp maximum-sessions-per-tunnel 2000\n\
         set access profile ap client * user-group-profile users\n\
         set access group-profile users ppp framed-pool tunnel-users\n\
         set access group-profile users ppp primary-dns 198.18.0.99\n\
         set access address-assignment pool tunnel-users family inet network 198.19.9.0/24\n\
         set access address-assignment pool tunnel-users family inet range r low 198.19.9.10\n\
         set access address-assignment pool tunnel-users family inet range r high 198.19.9.20\n");
    let i = bring_up(&mut lab, "dave@isp.example", "pw");
    let (local, _, dns) = ip_up(&lab.subs[i].events).expect("IPCP up: the * client took the LAC");
    assert_eq!(local, Ipv4Addr::new(198, 19, 9, 10), "the group's pool");
    assert_eq!(dns, vec![Ipv4Addr::new(198, 18, 0, 99)], "the group's DNS");
}

#[test]
fn a_commit_that_changes_the_pool_keeps_the_addresses_in_use() {
    let mut lab = lab("");
    let i = bring_up(&mut lab, "f@isp.example", "pw");
    let (address, _, _) = ip_up(&lab.subs[i].events).expect("up");
    let changed = config(&format!(
        "{LNS_BASE}set access address-assignment pool lab family inet range r2 low 198.18.1.0\n\
         set access address-assignment pool lab family inet range r2 high 198.18.1.255\n"
    ));
    let now = lab.now;
    lab.lns.apply_config(now, &Arc::new(changed));
    lab.settle();
    let lns = lab.lns.subscribers();
    let subscriber = lns.table.iter().next().expect("still there");
    assert_eq!(subscriber.lease.as_ref().map(|l| l.address), Some(address));
    assert_eq!(lns.lns.pools.in_use(), 1);
    // The next subscriber does not get the same address.
    let j = bring_up(&mut lab, "g@isp.example", "pw");
    let (other, _, _) = ip_up(&lab.subs[j].events).expect("up");
    assert_ne!(other, address);
}

#[test]
fn a_client_that_never_finishes_ipcp_is_logged_out_by_the_watchdog() {
    let mut lab = lab("");
    // This client stops after authentication: no IPCP.
    let i = lab.add("h@isp.example");
    lab.settle();
    lab.advance(Duration::from_secs(1));
    assert_eq!(lab.lns.subscribers().table.len(), 1);
    for _ in 0..70 {
        lab.advance(Duration::from_secs(1));
    }
    let lns = lab.lns.subscribers();
    assert_eq!(lns.table.len(), 0, "hung in IPCP for ever");
    assert_eq!(lns.table.ends.get(&EndCause::NegotiationFailed), Some(&1));
    assert!(ip_up(&lab.subs[i].events).is_none());
}

#[test]
fn a_padt_at_the_lac_releases_the_address_at_the_lns() {
    let mut lab = lab("");
    let i = bring_up(&mut lab, "k@isp.example", "pw");
    assert!(ip_up(&lab.subs[i].events).is_some());
    assert_eq!(lab.lns.subscribers().lns.pools.in_use(), 1);
    lab.subs[i].pppoe.terminate();
    lab.settle();
    lab.advance(Duration::from_secs(1));
    let lns = lab.lns.subscribers();
    assert_eq!(lns.table.len(), 0);
    assert_eq!(lns.table.ends.get(&EndCause::Lac), Some(&1));
    assert_eq!(lns.lns.pools.in_use(), 0);
    assert_eq!(lab.lns.ip_relay().lock().len(), 0, "off the fast path");
}

/// Issue 11: a session comes up in the routing instance its tunnel ends in — the instance
/// that holds its tunnel group's service interface — and `show subscribers` says so.
#[test]
fn a_session_comes_up_in_the_routing_instance_of_its_service_interface() {
    let mut routed = lab("set routing-instances ri1 instance-type virtual-router\n\
         set routing-instances ri1 interface si-0/0/0.0\n");
    bring_up(&mut routed, "alice@isp.example", "pw");
    let lns = routed.lns.subscribers();
    let subscriber = lns.table.iter().next().expect("one subscriber at the LNS");
    assert_eq!(subscriber.routing_instance.as_deref(), Some("ri1"));
    let rows = lns
        .show_subscribers(routed.lns.registry(), &Default::default())
        .expect("rows");
    assert_eq!(rows.subscribers[0].routing_instance, "ri1");

    // Without the instance, the default one.
    let mut plain = lab("");
    bring_up(&mut plain, "bob@isp.example", "pw");
    let lns = plain.lns.subscribers();
    let rows = lns
        .show_subscribers(plain.lns.registry(), &Default::default())
        .expect("rows");
    assert_eq!(rows.subscribers[0].routing_instance, "default");
}

/// `show services l2tp session extensive` at the LNS counts what the IP fast path forwarded,
/// in the LNS's own directions: a packet the fast path sends toward the subscriber is data
/// the LNS transmitted on the session, not received.
#[test]
fn the_lns_session_view_counts_the_ip_fast_path_as_the_lns_sent_it() {
    let mut lab = lab("");
    let i = bring_up(&mut lab, "alice@isp.example", "pw");
    let (address, _, _) = ip_up(&lab.subs[i].events).expect("IPCP up");
    let before = lns_session_counters(&mut lab);
    let mut out = Vec::new();
    let down = lab
        .lns
        .subscribers()
        .ip_relay()
        .lock()
        .toward_subscriber(&ipv4(INTERNET, address, b"down"), &mut out);
    assert!(
        matches!(down, crate::io::ip_relay::Down::Send(_)),
        "{down:?}"
    );
    let after = lns_session_counters(&mut lab);
    assert_eq!(
        (
            after.data_tx_packets - before.data_tx_packets,
            after.data_rx_packets - before.data_rx_packets
        ),
        (1, 0)
    );
}

/// The LNS's only session's counters, as the operator's `show` gets them (an RPC).
fn lns_session_counters(lab: &mut Lab) -> schema::l2tp_rpc::L2tpCounters {
    use schema::l2tp_rpc::{L2tpShow, Level};
    let show = L2tpShow {
        level: Level::Extensive,
        ..L2tpShow::default()
    };
    let (reply, answer) = std::sync::mpsc::channel();
    let now = lab.now;
    lab.lns
        .l2tp_rpc(now, super::rpc::L2tpRpc::Sessions(show), reply);
    match answer.try_recv().expect("answered at once") {
        Ok(schema::mgmt::Reply::L2tpSessions(s)) => s.sessions[0].statistics.expect("extensive"),
        other => panic!("{other:?}"),
    }
}
