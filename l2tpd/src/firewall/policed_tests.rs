//! Filters whose terms name a policer: what is out of profile is discarded and counted by
//! the policer (not by the term's `count`); instances are per filter instance, and per term
//! unless the policer is `filter-specific`; a changed policer replaces the instances.

use std::time::{Duration, Instant};

use super::*;
use crate::firewall::matcher::tests::{config, ipv4};

const SUB: [u8; 4] = [127, 0, 0, 10];
const SERVER: [u8; 4] = [127, 1, 2, 3];

/// 8 kbit/s is 1000 bytes a second; a burst of 1500 bytes.
const PLAN: &str = "\
set firewall policer slow if-exceeding bandwidth-limit 8k
set firewall policer slow if-exceeding burst-size-limit 1500
set firewall policer slow then discard
set firewall family inet filter PLAN interface-specific
set firewall family inet filter PLAN term 1 then policer slow
set firewall family inet filter PLAN term 1 then count policed
set firewall family inet filter PLAN term 1 then accept
";

/// A UDP packet of 500 bytes.
fn packet() -> Vec<u8> {
    let mut udp = vec![0, 9, 0, 9, 0x01, 0xe0, 0, 0];
    udp.resize(480, 0);
    ipv4(17, SUB, SERVER, &udp)
}

fn passed(instance: &FilterInstance, at: Instant, packets: usize) -> usize {
    (0..packets)
        .filter(|_| instance.accepts(&packet(), at))
        .count()
}

#[test]
fn over_the_limit_is_discarded_and_counted_by_the_policer_and_time_earns_again() {
    let mut firewall = Firewall::default();
    firewall.configure(&config(PLAN));
    let mine = firewall
        .attach("PLAN", "pp0.5", Direction::Input)
        .expect("configured");
    let start = Instant::now();
    assert_eq!(passed(&mine, start, 10), 3, "the burst: 3 × 500 bytes");
    assert_eq!(
        mine.policers(),
        [(
            "slow-1-pp0.5-i".to_string(),
            Count {
                packets: 7,
                bytes: 3500
            }
        )]
    );
    // The term's count sees only what the policer let through (the policer comes first).
    assert_eq!(
        mine.counters(),
        [(
            "policed-pp0.5-i".to_string(),
            Count {
                packets: 3,
                bytes: 1500
            }
        )]
    );
    assert_eq!(mine.discarded(), 7, "a policer's discards are the filter's");
    // Half a second earns one packet; a quiet spell the burst again, no more.
    assert_eq!(passed(&mine, start + Duration::from_millis(500), 3), 1);
    assert_eq!(passed(&mine, start + Duration::from_secs(60), 10), 3);
    mine.clear();
    assert_eq!(mine.policers()[0].1, Count::default());
}

#[test]
fn each_interface_and_direction_of_an_interface_specific_filter_has_its_own_bucket() {
    let mut firewall = Firewall::default();
    firewall.configure(&config(PLAN));
    let a = firewall
        .attach("PLAN", "pp0.5", Direction::Input)
        .expect("a");
    let b = firewall
        .attach("PLAN", "pp0.6", Direction::Input)
        .expect("b");
    let a_out = firewall
        .attach("PLAN", "pp0.5", Direction::Output)
        .expect("a out");
    let start = Instant::now();
    assert_eq!(passed(&a, start, 10), 3);
    assert_eq!(passed(&b, start, 10), 3, "b's bucket is not a's");
    assert_eq!(passed(&a_out, start, 10), 3, "nor is a's other direction");
    let names: Vec<String> = firewall
        .instances(None)
        .iter()
        .flat_map(|i| i.policers().into_iter().map(|(n, _)| n))
        .collect();
    assert_eq!(
        names,
        ["slow-1-pp0.5-i", "slow-1-pp0.5-o", "slow-1-pp0.6-i"]
    );
}

#[test]
fn a_shared_filter_shares_its_policer_and_terms_have_their_own_unless_filter_specific() {
    let lines = "\
set firewall policer slow if-exceeding bandwidth-limit 8k
set firewall policer slow if-exceeding burst-size-limit 1500
set firewall policer slow then discard
set firewall policer one if-exceeding bandwidth-limit 8k
set firewall policer one if-exceeding burst-size-limit 1500
set firewall policer one filter-specific
set firewall policer one then discard
set firewall filter SHARED term udp from protocol udp
set firewall filter SHARED term udp then policer slow
set firewall filter SHARED term tcp from protocol tcp
set firewall filter SHARED term tcp then policer slow
set firewall filter ONE term udp from protocol udp
set firewall filter ONE term udp then policer one
set firewall filter ONE term tcp from protocol tcp
set firewall filter ONE term tcp then policer one
";
    let mut firewall = Firewall::default();
    firewall.configure(&config(lines));
    let a = firewall
        .attach("SHARED", "pp0.5", Direction::Input)
        .expect("a");
    let b = firewall
        .attach("SHARED", "pp0.6", Direction::Input)
        .expect("b");
    let start = Instant::now();
    assert_eq!(passed(&a, start, 2), 2);
    assert_eq!(
        passed(&b, start, 10),
        1,
        "one bucket for all the filter's users"
    );
    let mut tcp = vec![0u8; 480];
    tcp[12] = 0x50;
    let tcp = ipv4(6, SUB, SERVER, &tcp);
    assert!(a.accepts(&tcp, start), "term tcp's policer is its own");
    let names: Vec<String> = a.policers().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["slow-udp", "slow-tcp"]);
    let one = firewall
        .attach("ONE", "pp0.5", Direction::Input)
        .expect("one");
    assert_eq!(passed(&one, start, 2), 2);
    assert!(one.accepts(&tcp, start));
    assert!(
        !one.accepts(&tcp, start),
        "filter-specific: both terms take one bucket"
    );
    let names: Vec<String> = one.policers().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["one"]);
}

#[test]
fn a_changed_policer_replaces_the_filter_instances() {
    let mut firewall = Firewall::default();
    firewall.configure(&config(PLAN));
    let old = firewall
        .attach("PLAN", "pp0.5", Direction::Input)
        .expect("old");
    firewall.configure(&config(PLAN));
    assert!(
        firewall.is_current(&old),
        "an unchanged policer keeps the instance"
    );
    let faster = PLAN.replace("burst-size-limit 1500", "burst-size-limit 5000");
    firewall.configure(&config(&faster));
    assert!(
        !firewall.is_current(&old),
        "a changed policer changes the filter"
    );
    let new = firewall
        .attach("PLAN", "pp0.5", Direction::Input)
        .expect("new");
    assert_eq!(passed(&new, Instant::now(), 20), 10);
}
