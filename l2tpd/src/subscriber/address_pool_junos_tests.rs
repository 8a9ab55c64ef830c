//! The pool statements Junos adds beyond ranges, acted on: `link` (the chain searched when
//! the matching pool is full), exclusions (never handed out), `hold-down` / `active-drain`
//! (nothing new given), and the utilization marks (alarms raised and cleared).

use super::tests::{a, check_invariants, config, excluding, held_down, linked, pool, pools_of};
use super::*;

fn small(third_octet: u8, last: u8) -> AddressPool {
    let network = format!("198.18.{third_octet}.0/24");
    let low = format!("198.18.{third_octet}.2");
    let high = format!("198.18.{third_octet}.{last}");
    pool(&network, &[("r", &low, &high)])
}

/// Pools A -> B -> C, each with the addresses .2 to .`last` of its own /24.
fn chain_of_three(last: u8) -> AddressPools {
    pools_of(&[
        ("A", linked(small(0, last), "B")),
        ("B", linked(small(1, last), "C")),
        ("C", small(2, last)),
    ])
}

#[test]
fn a_full_pool_falls_over_to_its_linked_pool_along_the_chain() {
    // A -> B -> C, two addresses each.
    let mut pools = chain_of_three(3);
    let got: Vec<(Ipv4Addr, Option<Arc<str>>)> = (1..=6)
        .map(|holder| {
            let lease = pools
                .allocate(Some("A"), holder)
                .expect("room in the chain");
            (lease.address, lease.pool)
        })
        .collect();
    let expected: Vec<(Ipv4Addr, Option<Arc<str>>)> = [
        ("198.18.0.2", "A"),
        ("198.18.0.3", "A"),
        ("198.18.1.2", "B"),
        ("198.18.1.3", "B"),
        ("198.18.2.2", "C"),
        ("198.18.2.3", "C"),
    ]
    .iter()
    .map(|(address, pool)| (a(address), Some(Arc::from(*pool))))
    .collect();
    assert_eq!(got, expected);
    // The lease's IPCP address is the gateway of the pool that gave it.
    assert_eq!(pools.gateway("C"), Some(a("198.18.2.1")));
    assert_eq!(
        pools.allocate(Some("A"), 7).unwrap_err().to_string(),
        "address pool A (and linked pools B, C) is exhausted"
    );
    check_invariants(&pools);
}

#[test]
fn a_matching_pool_in_the_middle_of_a_chain_searches_from_the_chains_head() {
    // Junos: the matched pool first, then the chain from its first pool to its last.
    let mut pools = chain_of_three(2);
    let pools_given: Vec<String> = (1..=3)
        .map(|holder| {
            let lease = pools.allocate(Some("B"), holder).expect("room");
            lease.pool.as_deref().unwrap_or_default().to_string()
        })
        .collect();
    assert_eq!(pools_given, ["B", "A", "C"]);
    // A pool linked to nothing and from nothing searches itself alone.
    let mut alone = pools_of(&[("A", small(0, 2)), ("Z", small(9, 2))]);
    alone.allocate(Some("A"), 1).expect("room");
    assert_eq!(
        alone.allocate(Some("A"), 2),
        Err(PoolError::Exhausted("A".into()))
    );
}

#[test]
fn excluded_addresses_are_never_handed_out() {
    let p1 = excluding(
        excluding(
            pool("198.18.0.0/24", &[("r", "198.18.0.2", "198.18.0.12")]),
            "198.18.0.4",
            "198.18.0.4",
        ),
        "198.18.0.6",
        "198.18.0.10",
    );
    let mut pools = pools_of(&[("P1", p1)]);
    let mut got = Vec::new();
    while let Ok(lease) = pools.allocate(Some("P1"), got.len() as u64) {
        got.push(lease.address);
    }
    assert_eq!(
        got,
        [
            "198.18.0.2",
            "198.18.0.3",
            "198.18.0.5",
            "198.18.0.11",
            "198.18.0.12"
        ]
        .map(a)
    );
    let view = pools.view(Some("P1"));
    assert_eq!(view.pools[0].addresses_total, 5);
    // An excluded address is still a fixed address RADIUS may give (Junos keeps exclusions
    // for static subscribers): taken, our address is the pool's gateway.
    let fixed = pools
        .allocate_fixed(a("198.18.0.7"), 99)
        .expect("excluded, not held");
    assert_eq!((fixed.pool, fixed.local), (None, a("198.18.0.1")));
    check_invariants(&pools);
}

#[test]
fn an_address_excluded_at_a_commit_names_its_holder_and_is_not_given_again() {
    let plain = pool("198.18.0.0/24", &[("r", "198.18.0.2", "198.18.0.4")]);
    let mut pools = pools_of(&[("P1", plain.clone())]);
    let first = pools.allocate(Some("P1"), 1).expect("room").address;
    assert_eq!(first, a("198.18.0.2"));
    // A fixed address (RADIUS's) outside the ranges, excluded by the same commit: Junos
    // keeps exclusions for static subscribers, so its holder is not named.
    let fixed = pools
        .allocate_fixed(a("198.18.0.9"), 7)
        .expect("free")
        .address;
    assert_eq!(pools.excluded_holders(), []);
    pools.configure(&config(&[(
        "P1",
        excluding(
            excluding(plain, "198.18.0.2", "198.18.0.2"),
            "198.18.0.9",
            "198.18.0.9",
        ),
    )]));
    // Junos logs the holder out: the engine ends whoever is named here.
    assert_eq!(pools.excluded_holders(), [(first, 1)]);
    assert_eq!(pools.holder(fixed), Some(7));
    assert_eq!(
        pools.holder(first),
        Some(1),
        "held until the engine releases it"
    );
    let view = pools.view(Some("P1"));
    assert_eq!(
        (
            view.pools[0].addresses_total,
            view.pools[0].addresses_outside
        ),
        (2, 1)
    );
    assert!(pools.release(first));
    assert_eq!(pools.excluded_holders(), []);
    let given: Vec<Ipv4Addr> = (2..=3)
        .map(|holder| pools.allocate(Some("P1"), holder).expect("room").address)
        .collect();
    assert_eq!(given, [a("198.18.0.3"), a("198.18.0.4")]);
    assert!(pools.allocate(Some("P1"), 4).is_err());
    check_invariants(&pools);
}

#[test]
fn reassign_on_match_names_the_holder_only_of_an_address_outside_every_pool() {
    let mut pools = pools_of(&[("P1", small(0, 9))]);
    let outside = a("198.18.7.7");
    let in_range = a("198.18.0.5");
    pools.allocate_fixed(outside, 1).expect("free");
    pools.allocate_fixed(in_range, 2).expect("free");
    // Still refused to the newcomer, whatever reassign-on-match says.
    assert_eq!(
        pools.allocate_fixed(outside, 3),
        Err(PoolError::InUse(outside))
    );
    assert_eq!(pools.reassignable_holder(outside), Some(1));
    // Junos: "If the requested address is in a locally configured pool, the existing
    // subscriber is not disconnected."
    assert_eq!(pools.reassignable_holder(in_range), None);
    assert_eq!(pools.reassignable_holder(a("198.18.7.8")), None, "not held");
    // The holder gone, the newcomer's next try gets the address.
    assert!(pools.release(outside));
    assert_eq!(
        pools.allocate_fixed(outside, 3).map(|l| l.address),
        Ok(outside)
    );
    check_invariants(&pools);
}

#[test]
fn linked_pool_aggregation_searches_each_pool_from_its_next_address_before_any_whole() {
    // A -> B -> C, three addresses each; A is given out whole and its first address freed:
    // A's next address is past its last one. Then the chain is filled from A.
    let run = |aggregation: bool| {
        let mut pools = chain_of_three(4);
        pools.set_linked_pool_aggregation(aggregation);
        for holder in 1..=3 {
            pools.allocate(Some("A"), holder).expect("room in A");
        }
        assert!(pools.release(a("198.18.0.2")));
        let given: Vec<Ipv4Addr> = (4..=10)
            .map(|holder| pools.allocate(Some("A"), holder).expect("room").address)
            .collect();
        assert!(pools.allocate(Some("A"), 11).is_err(), "the chain is full");
        check_invariants(&pools);
        given
    };
    let (b, c) = (
        ["198.18.1.2", "198.18.1.3", "198.18.1.4"].map(a),
        ["198.18.2.2", "198.18.2.3", "198.18.2.4"].map(a),
    );
    let freed = a("198.18.0.2");
    // Junos' default (contiguous): the matching pool whole first, so the freed address.
    assert_eq!(run(false), [&[freed][..], &b, &c].concat());
    // Aggregated: A from its next address (nothing), then B and C from theirs; the freed
    // address of A only once the chain has nothing left from its next addresses on.
    assert_eq!(run(true), [&b[..], &c, &[freed]].concat());
}

#[test]
fn a_held_down_pool_gives_nothing_new_and_keeps_its_leases() {
    let mut pools = pools_of(&[("P1", small(0, 9))]);
    let kept = pools.allocate(Some("P1"), 1).expect("room").address;
    pools.configure(&config(&[("P1", held_down(small(0, 9)))]));
    assert_eq!(pools.holder(kept), Some(1));
    assert_eq!(
        pools.allocate(Some("P1"), 2).unwrap_err().to_string(),
        "address pool P1 gives no new addresses (hold-down or active-drain)"
    );
    // No pool named: a held-down pool is passed over like a full one.
    assert!(matches!(
        pools.allocate(None, 2),
        Err(PoolError::Exhausted(_))
    ));
    // Linked, its subscribers go to the next pool of the chain.
    pools.configure(&config(&[
        ("P1", linked(held_down(small(0, 9)), "P2")),
        ("P2", small(1, 9)),
    ]));
    let lease = pools.allocate(Some("P1"), 3).expect("the linked pool");
    assert_eq!(lease.pool.as_deref(), Some("P2"));
    assert_eq!(
        pools.allocate(None, 4).expect("P2").pool.as_deref(),
        Some("P2")
    );
    // Leaving, the held address goes back (and a pool back in service gives it again).
    assert!(pools.release(kept));
    pools.configure(&config(&[("P1", small(0, 9))]));
    assert!(pools.allocate(Some("P1"), 5).is_ok());
    check_invariants(&pools);
}

#[test]
fn crossing_the_utilization_marks_raises_and_clears_one_alarm_each() {
    let mut pools = AddressPools::new();
    pools.set_utilization_marks(PoolUtilization {
        high: Some(50),
        abated: Some(20),
    });
    // Ten addresses: above 50 % is the sixth.
    pools.configure(&config(&[("P1", small(0, 11))]));
    let mut held = Vec::new();
    for holder in 0..5 {
        held.push(pools.allocate(Some("P1"), holder).expect("room").address);
    }
    assert_eq!(pools.take_alarms(), []);
    held.push(pools.allocate(Some("P1"), 5).expect("room").address);
    let raised = PoolAlarm {
        pool: Arc::from("P1"),
        linked: Vec::new(),
        raised: true,
        used: 6,
        size: 10,
    };
    assert_eq!(pools.take_alarms(), [raised]);
    // Up and down between the marks: nothing new.
    held.push(pools.allocate(Some("P1"), 6).expect("room").address);
    for _ in 0..5 {
        assert!(pools.release(held.pop().expect("held")));
    }
    assert_eq!(pools.in_use(), 2);
    assert_eq!(pools.take_alarms(), []);
    // Below 20 %: one address in use of ten.
    assert!(pools.release(held.pop().expect("held")));
    let cleared = PoolAlarm {
        pool: Arc::from("P1"),
        linked: Vec::new(),
        raised: false,
        used: 1,
        size: 10,
    };
    assert_eq!(pools.take_alarms(), [cleared]);
    // A commit keeps the state: no second alarm for the same crossing.
    pools.configure(&config(&[("P1", small(0, 11))]));
    assert_eq!(pools.take_alarms(), []);
    // Without marks, nothing.
    pools.set_utilization_marks(PoolUtilization::default());
    for holder in 10..19 {
        pools.allocate(Some("P1"), holder).expect("room");
    }
    assert_eq!(pools.take_alarms(), []);
}

#[test]
fn a_linked_set_of_pools_is_measured_as_one() {
    // Junos: the trap is for "the address pool or linked set of address pools".
    let mut pools = AddressPools::new();
    pools.set_utilization_marks(PoolUtilization {
        high: Some(75),
        abated: None,
    });
    // A (4 addresses) -> B (4 addresses): A full is half the set.
    pools.configure(&config(&[
        ("A", linked(small(0, 5), "B")),
        ("B", small(1, 5)),
    ]));
    let mut held = Vec::new();
    for holder in 0..6 {
        held.push(pools.allocate(Some("A"), holder).expect("room").address);
    }
    assert_eq!(pools.take_alarms(), []);
    held.push(pools.allocate(Some("A"), 6).expect("room").address);
    assert_eq!(
        pools.take_alarms(),
        [PoolAlarm {
            pool: Arc::from("A"),
            linked: vec![Arc::from("B")],
            raised: true,
            used: 7,
            size: 8,
        }]
    );
    // No abated mark: the alarm clears below the high one.
    assert!(pools.release(held.pop().expect("held")));
    assert_eq!(pools.take_alarms(), []);
    assert!(pools.release(held.pop().expect("held")));
    assert_eq!(
        pools
            .take_alarms()
            .iter()
            .map(|a| (a.raised, a.used))
            .collect::<Vec<_>>(),
        [(false, 5)]
    );
}
