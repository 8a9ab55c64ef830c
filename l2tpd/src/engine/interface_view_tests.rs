//! `show interfaces` and `clear network-access aaa subscriber` end to end in simulated time
//! (see `sim_lab`): a subscriber brought up through the LAC to the LNS, then asked for
//! through the engine's RPC path as the management socket asks.

use std::net::Ipv4Addr;
use std::sync::mpsc;
use std::time::Duration;

use schema::interface_rpc::{InterfaceShow, Interfaces, SubscriberLogout, SubscribersLoggedOut};
use schema::mgmt::Reply;
use schema::subscriber_rpc::SubscriberState;

use super::core::Core;
use super::rpc::{L2tpRpc, RpcOutcome};
use super::sim_lab::{config, lac_config, Lab, LNS_BASE, PORT};
use super::subscriber_rpc::SubscriberRpc;
use crate::subscriber::table::EndCause;

const GATEWAY: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 1);
const INTERNET: Ipv4Addr = Ipv4Addr::new(198, 19, 0, 1);

fn lab() -> Lab {
    Lab::new(lac_config(""), config(LNS_BASE))
}

/// A subscriber through the LAC to the LNS, with IPCP up; its address.
fn bring_up(lab: &mut Lab, user: &str) -> (usize, Ipv4Addr) {
    let i = lab.add_ip(user, "pw");
    lab.settle();
    for _ in 0..5 {
        lab.advance(Duration::from_millis(100));
    }
    let address = lab.subs[i].address().expect("IPCP up");
    (i, address)
}

fn ask(core: &mut Core, now: std::time::Instant, rpc: SubscriberRpc) -> RpcOutcome {
    let (reply, answer) = mpsc::channel();
    core.l2tp_rpc(now, L2tpRpc::Subscriber(rpc), reply);
    answer.try_recv().expect("answered at once")
}

fn interfaces(
    core: &mut Core,
    now: std::time::Instant,
    name: Option<&str>,
) -> Result<Interfaces, String> {
    let show = InterfaceShow {
        name: name.map(str::to_string),
        ..InterfaceShow::default()
    };
    match ask(core, now, SubscriberRpc::Interfaces(show)) {
        Ok(Reply::Interfaces(i)) => Ok(i),
        Ok(other) => panic!("{other:?}"),
        Err(e) => Err(format!("{e:?}")),
    }
}

/// A minimal IPv4 header and payload (checksum left zero: nothing on the way checks it).
fn ipv4(source: Ipv4Addr, destination: Ipv4Addr) -> Vec<u8> {
    let mut packet = vec![0x45, 0, 0, 24, 0, 1, 0, 0, 64, 17, 0, 0];
    packet.extend_from_slice(&source.octets());
    packet.extend_from_slice(&destination.octets());
    packet.extend_from_slice(b"ping");
    packet
}

#[test]
fn the_lns_shows_its_service_interface_and_the_subscriber_unit() {
    let mut lab = lab();
    let (i, address) = bring_up(&mut lab, "alice@isp.example");
    // One packet from a source that is not alice's: the LNS drops and counts it.
    let mut ppp = vec![0x00, 0x21];
    ppp.extend_from_slice(&ipv4(Ipv4Addr::new(198, 18, 9, 9), INTERNET));
    let frame = lab.subs[i].pppoe.session_frame(&ppp).expect("a session");
    let now = lab.now;
    lab.lac.handle_frame(now, PORT, &frame);
    lab.settle();
    let now = lab.now;
    let all = interfaces(&mut lab.lns, now, None).expect("shown");
    let [si] = all.physical.as_slice() else {
        panic!("one service interface: {all:?}");
    };
    assert_eq!(si.name, "si-0/0/0");
    assert_eq!(si.logical_interface_count, 1);
    assert_eq!(si.address_families, ["inet"]);
    assert_eq!(si.drops.map(|d| d.spoofed_source), Some(1));
    let [unit] = si.units.as_slice() else {
        panic!("one unit: {si:?}");
    };
    assert!(unit.name.starts_with("si-0/0/0."), "{}", unit.name);
    assert_eq!(unit.state, SubscriberState::Active);
    assert_eq!(unit.user_name.as_deref(), Some("alice@isp.example"));
    assert_eq!(unit.encapsulation, "PPP");
    let family = unit.address_family.as_ref().expect("inet");
    assert_eq!(family.destination, Some(address));
    assert_eq!(family.local, Some(GATEWAY));
    let l2tp = unit.l2tp.as_ref().expect("its L2TP session");
    assert_eq!(l2tp.tunnel_group, "g");
    assert!(
        l2tp.tunnel_local_id != 0 && l2tp.session_remote_id != 0,
        "{l2tp:?}"
    );
    // The physical interface sums its units.
    assert_eq!(si.traffic_statistics, unit.traffic_statistics);
    assert!(unit.traffic_statistics.input_packets > 0, "IPCP came in");

    // The unit alone, by name; the physical interface alone, by name.
    let name = unit.name.clone();
    let one = interfaces(&mut lab.lns, now, Some(&name)).expect("the unit");
    assert!(one.physical.is_empty());
    assert_eq!(one.logical.len(), 1);
    assert_eq!(one.logical[0].name, name);
    let physical = interfaces(&mut lab.lns, now, Some("si-0/0/0")).expect("the device");
    assert_eq!(physical.physical.len(), 1);
    assert!(physical.logical.is_empty());

    // Anything else is not found, as Junos says it.
    let missing = interfaces(&mut lab.lns, now, Some("si-9/0/0.5")).expect_err("not found");
    assert!(missing.contains("device si-9/0/0.5 not found"), "{missing}");
}

#[test]
fn a_service_interface_sums_its_units() {
    let mut lab = lab();
    bring_up(&mut lab, "frank@isp.example");
    bring_up(&mut lab, "grace@isp.example");
    let now = lab.now;
    let all = interfaces(&mut lab.lns, now, Some("si-0/0/0")).expect("shown");
    let [si] = all.physical.as_slice() else {
        panic!("{all:?}");
    };
    assert_eq!(si.logical_interface_count, 2);
    let [a, b] = si.units.as_slice() else {
        panic!("{si:?}");
    };
    assert!(a.name < b.name, "in unit order");
    let mut sum = a.traffic_statistics;
    sum.add(&b.traffic_statistics);
    assert_eq!(si.traffic_statistics, sum);
    assert!(sum.input_packets > a.traffic_statistics.input_packets);
    assert_ne!(
        a.address_family.as_ref().and_then(|f| f.destination),
        b.address_family.as_ref().and_then(|f| f.destination)
    );
}

#[test]
fn the_lac_shows_pp0_units_tunnelled_without_an_address() {
    let mut lab = lab();
    bring_up(&mut lab, "bob@isp.example");
    let now = lab.now;
    let all = interfaces(&mut lab.lac, now, Some("pp0")).expect("pp0");
    let [pp0] = all.physical.as_slice() else {
        panic!("{all:?}");
    };
    assert_eq!(pp0.if_type, "PPPoE");
    assert!(pp0.drops.is_none());
    let [unit] = pp0.units.as_slice() else {
        panic!("{pp0:?}");
    };
    assert!(unit.name.starts_with("pp0."), "{}", unit.name);
    assert_eq!(unit.encapsulation, "PPPoE");
    assert!(unit.address_family.is_none(), "the LAC tunnels the PPP");
    assert!(unit.pppoe.is_some());
    assert!(unit.l2tp.is_some(), "the session it is tunnelled through");
}

fn logout(core: &mut Core, now: std::time::Instant, target: SubscriberLogout) -> RpcOutcome {
    ask(core, now, SubscriberRpc::Logout(target))
}

#[test]
fn logout_by_user_name_at_the_lns_sends_the_cdn_and_names_who_went() {
    let mut lab = lab();
    let (i, _) = bring_up(&mut lab, "carol@isp.example");
    bring_up(&mut lab, "dave@isp.example");
    let now = lab.now;
    let outcome = logout(
        &mut lab.lns,
        now,
        SubscriberLogout::Username("carol@isp.example".into()),
    );
    let Ok(Reply::SubscribersLoggedOut(SubscribersLoggedOut { subscribers })) = outcome else {
        panic!("{outcome:?}");
    };
    let [gone] = subscribers.as_slice() else {
        panic!("{subscribers:?}");
    };
    assert_eq!(gone.user_name.as_deref(), Some("carol@isp.example"));
    assert!(
        gone.interface.starts_with("si-0/0/0."),
        "{}",
        gone.interface
    );
    lab.settle();
    let lns = lab.lns.subscribers();
    assert_eq!(lns.table.len(), 1, "dave stays");
    assert_eq!(lns.table.ends.get(&EndCause::Cleared), Some(&1));
    assert_eq!(lab.lns_sessions().len(), 1, "carol's session closed by CDN");
    assert_eq!(lab.lac.subscribers().table.len(), 1, "the LAC let carol go");
    assert!(lab.subs[i].ended, "the client got its PADT from the LAC");
}

#[test]
fn logout_by_session_id_at_the_lac_and_nobody_matching_is_an_error() {
    let mut lab = lab();
    let (i, _) = bring_up(&mut lab, "erin@isp.example");
    let now = lab.now;
    let id = lab
        .lac
        .subscribers()
        .table
        .iter()
        .next()
        .map(|s| s.id.0)
        .expect("a subscriber");
    let outcome = logout(&mut lab.lac, now, SubscriberLogout::SessionId(id));
    assert!(
        matches!(&outcome, Ok(Reply::SubscribersLoggedOut(l)) if l.subscribers.len() == 1
            && l.subscribers[0].subscriber_session_id == id),
        "{outcome:?}"
    );
    lab.settle();
    assert!(lab.subs[i].ended, "PADT");
    assert!(lab.lns_sessions().is_empty(), "CDN to the LNS");

    let nobody = logout(
        &mut lab.lac,
        now,
        SubscriberLogout::Username("zed@isp.example".into()),
    );
    let error = format!("{nobody:?}");
    assert!(
        nobody.is_err() && error.contains("zed@isp.example"),
        "{error}"
    );
    let nobody = logout(&mut lab.lac, now, SubscriberLogout::SessionId(id));
    assert!(nobody.is_err(), "already gone: {nobody:?}");
}
