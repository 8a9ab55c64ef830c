//! The subscriber speed plan end to end in simulated time (see `sim_lab`): RADIUS names an
//! `interface-specific` filter whose only term polices (`then { policer P; accept; }`), as
//! Junos BNG configurations write it. Each subscriber and direction gets its own bucket; a
//! burst beyond it is discarded and counted by the policer, on the slow path and the fast
//! path alike (one bucket for both); time earns the rate back.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use schema::firewall_rpc::{FilterPolicer, FirewallSelect};

use super::firewall_lab_tests::{
    accept_with, bring_up, ipv4, lns_with, send_up, EGRESS_POLICY_NAME, INGRESS_POLICY_NAME,
    INTERNET,
};
use super::sim_lab::{lac_config, Lab};
use crate::aaa::radius::{erx, Attribute};
use crate::io::ip_relay::Down;

/// 8 kbit/s (1000 bytes a second) with a burst of 1500 bytes: three 500-byte packets.
const PLAN: &str = "\
set firewall policer speed if-exceeding bandwidth-limit 8k\n\
set firewall policer speed if-exceeding burst-size-limit 1500\n\
set firewall policer speed then discard\n\
set firewall family inet filter PLAN interface-specific\n\
set firewall family inet filter PLAN term 1 then policer speed\n\
set firewall family inet filter PLAN term 1 then accept\n";

/// A 500-byte UDP packet.
fn packet(source: Ipv4Addr, destination: Ipv4Addr) -> Vec<u8> {
    let mut udp = vec![0x9c, 0x40, 0, 80, 0x01, 0xe0, 0, 0];
    udp.resize(480, 0);
    ipv4(17, source, destination, &udp)
}

fn lab_with_two_subscribers() -> (Lab, Ipv4Addr, Ipv4Addr) {
    let mut lab = Lab::new(lac_config(""), lns_with(PLAN, ""));
    lab.lns_radius = Some(accept_with(vec![
        Attribute::vendor(erx::VENDOR, INGRESS_POLICY_NAME, "PLAN"),
        Attribute::vendor(erx::VENDOR, EGRESS_POLICY_NAME, "PLAN"),
    ]));
    bring_up(&mut lab, "ann@isp.example");
    bring_up(&mut lab, "bob@isp.example");
    let address = |lab: &Lab, i: usize| lab.subs[i].address().expect("IPCP up");
    let (ann, bob) = (address(&lab, 0), address(&lab, 1));
    assert_ne!(ann, bob);
    (lab, ann, bob)
}

/// How many of `count` packets toward subscriber `i` it received, by the slow path.
fn slow_down(lab: &mut Lab, i: usize, to: Ipv4Addr, count: usize) -> usize {
    lab.subs[i].ip_received.clear();
    let packets = vec![packet(INTERNET, to); count];
    let now = lab.now;
    lab.lns.handle_ip_packets(now, "si-0/0/0", &packets);
    lab.settle();
    std::mem::take(&mut lab.subs[i].ip_received).len()
}

/// What the fast path's table does with a packet toward `to`, at the lab's time.
fn fast_down(lab: &Lab, to: Ipv4Addr) -> Down {
    let relay = lab.lns.subscribers().ip_relay();
    let mut table = relay.lock();
    table.set_clock(lab.now);
    table.toward_subscriber(&packet(INTERNET, to), &mut Vec::new())
}

fn sent(down: &Down) -> bool {
    matches!(down, Down::Send(_))
}

/// `show firewall`'s policers, by name.
fn policers(lab: &Lab) -> Vec<FilterPolicer> {
    let shown = lab
        .lns
        .subscribers()
        .show_firewall(&FirewallSelect::default())
        .expect("shown");
    shown.filters.into_iter().flat_map(|f| f.policers).collect()
}

#[test]
fn each_subscriber_has_its_own_bucket_and_the_excess_is_discarded_and_counted() {
    let (mut lab, ann, bob) = lab_with_two_subscribers();

    // Toward ann: the burst passes (slow path), the rest is discarded; the fast path
    // finds the same bucket empty.
    assert_eq!(slow_down(&mut lab, 0, ann, 10), 3);
    assert!(!sent(&fast_down(&lab, ann)), "one bucket for both paths");
    // bob's bucket is his own: full.
    assert_eq!(
        (0..4).filter(|_| sent(&fast_down(&lab, bob))).count(),
        3,
        "the fast path polices bob's burst"
    );
    assert_eq!(slow_down(&mut lab, 1, bob, 2), 0);

    // Junos' names: the policer, the term, the interface, the direction; out-of-profile
    // packets and bytes.
    let shown = policers(&lab);
    assert_eq!(shown.len(), 4, "two subscribers, two directions: {shown:?}");
    let toward: Vec<(u64, u64)> = shown
        .iter()
        .filter(|p| p.policer_name.ends_with("-o"))
        .map(|p| (p.packet_count, p.byte_count))
        .collect();
    let mut toward = toward;
    toward.sort();
    assert_eq!(toward, [(3, 1500), (8, 4000)], "bob 1 + 2, ann 7 + 1");
    for p in &shown {
        let interface = p
            .policer_name
            .strip_prefix("speed-1-")
            .and_then(|r| r.strip_suffix("-o").or_else(|| r.strip_suffix("-i")))
            .unwrap_or_default();
        assert!(interface.starts_with("si-0/0/0."), "{}", p.policer_name);
    }
    assert_eq!(lab.lns.subscribers().lns.ip_drops.filtered, 7 + 2);

    // A second earns 1000 bytes: two packets, on either path.
    lab.advance(Duration::from_secs(1));
    assert!(sent(&fast_down(&lab, ann)));
    assert_eq!(slow_down(&mut lab, 0, ann, 3), 1);
    // A quiet spell refills the bucket, no more than the burst.
    lab.advance(Duration::from_secs(10));
    assert_eq!(slow_down(&mut lab, 0, ann, 10), 3);
}

#[test]
fn what_a_subscriber_sends_is_policed_by_its_input_instance() {
    let (mut lab, ann, _) = lab_with_two_subscribers();
    let up = packet(ann, INTERNET);
    let burst: Vec<&Vec<u8>> = std::iter::repeat_n(&up, 10).collect();
    let arrived = send_up(&mut lab, &burst);
    assert_eq!(arrived.len(), 3, "the burst reaches the service interface");
    assert!(arrived
        .iter()
        .all(|(si, p)| *si == Arc::from("si-0/0/0") && *p == up));
    let input: Vec<u64> = policers(&lab)
        .iter()
        .filter(|p| p.policer_name.ends_with("-i"))
        .map(|p| p.packet_count)
        .collect();
    assert_eq!(input.iter().sum::<u64>(), 7);
    // Output was not touched by what ann sent.
    assert_eq!(slow_down(&mut lab, 0, ann, 3), 3);
}
