//! Instances: shared or per interface and direction, counted and cleared, kept across an
//! unchanged commit.

use super::*;
use crate::firewall::matcher::tests::{config, udp};
use std::time::Instant;

const SUB: [u8; 4] = [127, 0, 0, 10];
const SERVER: [u8; 4] = [127, 1, 2, 3];

const FILTERS: &str = "\
set firewall family inet filter SHARED term dns from destination-port 53
set firewall family inet filter SHARED term dns then count dns
set firewall family inet filter PER-IF interface-specific
set firewall family inet filter PER-IF term dns from destination-port 53
set firewall family inet filter PER-IF term dns then count dns
";

/// (counter, packets, bytes).
type Counted = (String, u64, u64);

fn summary(firewall: &Firewall) -> Vec<(String, Vec<Counted>)> {
    firewall
        .instances(None)
        .iter()
        .map(|i| {
            let counters = i
                .counters()
                .into_iter()
                .map(|(n, c)| (n, c.packets, c.bytes))
                .collect();
            (i.name.clone(), counters)
        })
        .collect()
}

#[test]
fn a_shared_filter_counts_for_every_interface_and_a_specific_one_per_interface() {
    let mut firewall = Firewall::default();
    firewall.configure(&config(FILTERS));
    assert_eq!(
        summary(&firewall),
        [("SHARED".to_string(), vec![("dns".to_string(), 0, 0)])],
        "an interface-specific filter has no instance until it is applied"
    );
    let a = firewall
        .attach("SHARED", "si-1/0/0.1", Direction::Input)
        .expect("configured");
    let b = firewall
        .attach("SHARED", "si-1/0/0.2", Direction::Output)
        .expect("configured");
    assert!(Arc::ptr_eq(&a, &b));
    let dns = udp(SUB, SERVER, 1000, 53);
    assert!(a.accepts(&dns, Instant::now()));
    assert!(b.accepts(&dns, Instant::now()));
    assert!(!a.accepts(&udp(SUB, SERVER, 1000, 54), Instant::now()));
    let mine = firewall
        .attach("PER-IF", "si-1/0/0.1", Direction::Input)
        .expect("configured");
    assert!(mine.accepts(&dns, Instant::now()));
    assert!(firewall
        .attach("NOPE", "si-1/0/0.1", Direction::Input)
        .is_none());
    let len = dns.len() as u64;
    assert_eq!(
        summary(&firewall),
        [
            (
                "PER-IF-si-1/0/0.1-i".to_string(),
                vec![("dns-si-1/0/0.1-i".to_string(), 1, len)]
            ),
            ("SHARED".to_string(), vec![("dns".to_string(), 2, 2 * len)]),
        ]
    );
    assert_eq!(firewall.discarded(), 1);

    // An unchanged commit keeps the counters; a subscriber's leaving takes its instance.
    firewall.configure(&config(FILTERS));
    assert_eq!(
        firewall.instances(Some("SHARED"))[0].counters()[0]
            .1
            .packets,
        2
    );
    firewall.release(&mine);
    assert_eq!(firewall.instances(None).len(), 1);
    assert_eq!(firewall.discarded(), 1, "discards outlive their instance");

    // Clearing zeroes the counters, not the discards (a drop cause, cleared apart).
    firewall.instances(Some("SHARED"))[0].clear();
    assert_eq!(summary(&firewall)[0].1, [("dns".to_string(), 0, 0)]);
    assert_eq!(firewall.discarded(), 1);

    // A changed filter is a new instance; a removed one is gone from the views.
    firewall.configure(&config(&format!(
        "{FILTERS}set firewall family inet filter SHARED term dns then discard\n"
    )));
    let fresh = firewall
        .attach("SHARED", "si-1/0/0.3", Direction::Input)
        .expect("configured");
    assert!(!Arc::ptr_eq(&fresh, &a));
    assert!(!fresh.accepts(&dns, Instant::now()));
    firewall.configure(&config("set system host-name r1\n"));
    assert!(firewall.instances(None).is_empty());
    assert_eq!(firewall.discarded(), 2);
}

#[test]
fn a_changed_or_deleted_filter_leaves_none_of_its_instances_current() {
    let mut firewall = Firewall::default();
    firewall.configure(&config(FILTERS));
    let shared = firewall
        .attach("SHARED", "si-1/0/0.1", Direction::Input)
        .expect("configured");
    let specific = firewall
        .attach("PER-IF", "si-1/0/0.1", Direction::Output)
        .expect("configured");
    assert!(firewall.is_current(&shared) && firewall.is_current(&specific));
    firewall.configure(&config(FILTERS));
    assert!(
        firewall.is_current(&shared) && firewall.is_current(&specific),
        "an unchanged commit keeps them"
    );

    // PER-IF changes: its instance is retired (its counters with it), SHARED's stays.
    assert!(!specific.accepts(&udp(SUB, SERVER, 1000, 54), Instant::now()));
    firewall.configure(&config(&format!(
        "{FILTERS}set firewall family inet filter PER-IF term rest then accept\n"
    )));
    assert!(firewall.is_current(&shared));
    assert!(!firewall.is_current(&specific));
    assert_eq!(firewall.instances(None).len(), 1, "only SHARED is shown");
    assert_eq!(
        firewall.discarded(),
        1,
        "the retired instance's discard is kept"
    );

    // SHARED turns interface-specific: its shared instance is no one's any more.
    firewall.configure(&config(&format!(
        "{FILTERS}set firewall family inet filter SHARED interface-specific\n"
    )));
    assert!(!firewall.is_current(&shared));
    assert!(firewall.is_configured("SHARED"));
    firewall.configure(&config("set system host-name r1\n"));
    assert!(!firewall.is_configured("SHARED"));
}
