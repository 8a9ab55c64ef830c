use super::*;
use proptest::prelude::*;
use schema::typed::AddressRange;
use std::collections::HashSet;

pub(super) fn a(text: &str) -> Ipv4Addr {
    text.parse().expect("address")
}

pub(super) fn pool(network: &str, ranges: &[(&str, &str, &str)]) -> AddressPool {
    AddressPool {
        network: Ipv4Prefix::parse(network),
        ranges: ranges
            .iter()
            .map(|(name, low, high)| {
                (
                    name.to_string(),
                    AddressRange {
                        low: a(low),
                        high: a(high),
                    },
                )
            })
            .collect(),
        name_servers: Vec::new(),
        wins_servers: Vec::new(),
        excluded: BTreeMap::new(),
        link: None,
        hold_down: false,
    }
}

pub(super) fn config(pools: &[(&str, AddressPool)]) -> BTreeMap<String, AddressPool> {
    pools
        .iter()
        .map(|(name, p)| (name.to_string(), p.clone()))
        .collect()
}

pub(super) fn pools_of(pools: &[(&str, AddressPool)]) -> AddressPools {
    let mut p = AddressPools::new();
    p.configure(&config(pools));
    p
}

/// Every bit set in a pool is a held address and every held address has its bit set in
/// every pool that contains it; the counters agree with the bits.
pub(super) fn check_invariants(pools: &AddressPools) {
    for pool in &pools.pools {
        let mut used = 0;
        for block in &pool.blocks {
            for address in block.low..=block.high {
                let held = block.held_between(address, address) == 1;
                assert_eq!(
                    held,
                    pools.leases.contains_key(&Ipv4Addr::from(address)),
                    "{} in {}",
                    Ipv4Addr::from(address),
                    pool.name
                );
                used += u64::from(held);
            }
        }
        assert_eq!(used, pool.used, "{}", pool.name);
        assert!(pool.used <= pool.size);
    }
}

#[test]
fn allocates_in_order_until_exhausted_and_names_the_pool() {
    let mut pools = pools_of(&[(
        "p1",
        pool("198.18.0.0/24", &[("r", "198.18.0.10", "198.18.0.12")]),
    )]);
    let got: Vec<Ipv4Addr> = (1..=3)
        .map(|holder| pools.allocate(Some("p1"), holder).unwrap().address)
        .collect();
    assert_eq!(got, [a("198.18.0.10"), a("198.18.0.11"), a("198.18.0.12")]);
    assert_eq!(
        pools.allocate(Some("p1"), 4),
        Err(PoolError::Exhausted("p1".into()))
    );
    assert_eq!(
        pools.allocate(Some("p1"), 4).unwrap_err().to_string(),
        "address pool p1 is exhausted"
    );
    assert_eq!(
        pools.allocate(Some("p9"), 4).unwrap_err().to_string(),
        "address pool p9 is not configured"
    );
    assert_eq!(pools.in_use(), 3);
    assert_eq!(pools.holder(a("198.18.0.11")), Some(2));
    check_invariants(&pools);
}

/// A pool's name servers stay the pool's (`show network-access address-assignment pool`):
/// Junos gives them to DHCP clients only, never to PPP, so a lease carries its WINS servers
/// alone.
#[test]
fn a_lease_carries_the_gateway_and_the_wins_servers() {
    let mut p1 = pool("198.18.0.0/24", &[("r", "198.18.0.10", "198.18.0.20")]);
    p1.name_servers = vec![a("127.0.0.53"), a("127.0.0.54"), a("127.0.0.55")];
    p1.wins_servers = vec![a("127.0.0.137")];
    let mut pools = pools_of(&[("p1", p1)]);
    assert_eq!(
        pools.allocate(None, 7),
        Ok(Lease {
            address: a("198.18.0.10"),
            pool: Some(Arc::from("p1")),
            local: a("198.18.0.1"),
            primary_wins: Some(a("127.0.0.137")),
            secondary_wins: None,
        })
    );
}

/// Next-fit: a released address comes back only after the rest of the pool was handed out.
#[test]
fn a_released_address_is_reused_last() {
    let mut pools = pools_of(&[(
        "p1",
        pool("198.18.0.0/24", &[("r", "198.18.0.10", "198.18.0.13")]),
    )]);
    for holder in 0..3 {
        pools.allocate(Some("p1"), holder).unwrap();
    }
    assert!(pools.release(a("198.18.0.10")));
    assert!(!pools.release(a("198.18.0.10")), "released twice");
    assert_eq!(pools.in_use(), 2);
    assert_eq!(
        pools.allocate(Some("p1"), 3).unwrap().address,
        a("198.18.0.13")
    );
    // Wraps around to the freed one.
    assert_eq!(
        pools.allocate(Some("p1"), 4).unwrap().address,
        a("198.18.0.10")
    );
    assert!(pools.release(a("198.18.0.11")));
    assert!(pools.release(a("198.18.0.13")));
    assert_eq!(
        pools.allocate(Some("p1"), 5).unwrap().address,
        a("198.18.0.11")
    );
    assert_eq!(
        pools.allocate(Some("p1"), 6).unwrap().address,
        a("198.18.0.13")
    );
    check_invariants(&pools);
}

/// The network and broadcast addresses are never handed out; overlapping ranges hand out
/// each address once.
#[test]
fn network_broadcast_and_overlaps() {
    let mut pools = pools_of(&[(
        "p1",
        pool(
            "198.18.0.0/29",
            &[
                ("a", "198.18.0.0", "198.18.0.4"),
                ("b", "198.18.0.3", "198.18.0.5"),
                ("c", "198.18.0.4", "198.18.0.7"),
            ],
        ),
    )]);
    // The ranges cover every host address: no gateway, so the pool (refused by the commit
    // check) is not installed rather than handing out addresses with no router address.
    assert_eq!(pools.gateways(), vec![]);
    assert_eq!(pools.allocate(None, 1), Err(PoolError::NoPool));
    let mut pools = pools_of(&[(
        "p1",
        pool(
            "198.18.0.0/29",
            &[
                ("a", "198.18.0.2", "198.18.0.4"),
                ("b", "198.18.0.3", "198.18.0.7"),
            ],
        ),
    )]);
    assert_eq!(pools.gateway("p1"), Some(a("198.18.0.1")));
    let got: Vec<Ipv4Addr> = (0..5)
        .map_while(|h| pools.allocate(Some("p1"), h).ok().map(|l| l.address))
        .collect();
    assert_eq!(
        got,
        [
            "198.18.0.2",
            "198.18.0.3",
            "198.18.0.4",
            "198.18.0.5",
            "198.18.0.6"
        ]
        .map(a)
    );
    let view = pools.view(Some("p1"));
    let p1 = &view.pools[0];
    assert_eq!(
        (p1.addresses_total, p1.addresses_in_use, p1.addresses_free),
        (5, 5, 0)
    );
    assert_eq!(p1.ranges[1].addresses_total, 4, "range b without broadcast");
    assert_eq!(p1.ranges[1].addresses_in_use, 4);
    check_invariants(&pools);
}

/// A pool of a wider network may cover another pool's gateway: it never hands it out.
#[test]
fn another_pools_gateway_is_never_handed_out() {
    let mut pools = pools_of(&[
        (
            "narrow",
            pool("198.18.0.0/24", &[("r", "198.18.0.10", "198.18.0.10")]),
        ),
        (
            "wide",
            pool("198.18.0.0/16", &[("r", "198.18.0.0", "198.18.0.3")]),
        ),
    ]);
    // 198.18.0.0 is the /16's network address, so wide's range holds the hosts .1-.3, of
    // which .1 is narrow's gateway; wide's own gateway is the next address, .4.
    assert_eq!(pools.gateway("wide"), Some(a("198.18.0.4")));
    let got: Vec<Ipv4Addr> = (0..3)
        .map_while(|h| pools.allocate(Some("wide"), h).ok().map(|l| l.address))
        .collect();
    assert_eq!(got, [a("198.18.0.2"), a("198.18.0.3")]);
    assert_eq!(pools.view(Some("wide")).pools[0].addresses_total, 2);
    check_invariants(&pools);
}

#[test]
fn no_pool_names_the_first_pool_with_room() {
    let mut pools = pools_of(&[
        (
            "b",
            pool("198.18.1.0/24", &[("r", "198.18.1.10", "198.18.1.10")]),
        ),
        (
            "a",
            pool("198.18.0.0/24", &[("r", "198.18.0.10", "198.18.0.10")]),
        ),
    ]);
    assert_eq!(pools.allocate(None, 1).unwrap().pool.as_deref(), Some("a"));
    let lease = pools.allocate(None, 2).unwrap();
    assert_eq!(
        (lease.pool.as_deref(), lease.local),
        (Some("b"), a("198.18.1.1"))
    );
    assert_eq!(
        pools.allocate(None, 3),
        Err(PoolError::Exhausted("a, b".into()))
    );
    assert_eq!(
        AddressPools::new()
            .allocate(None, 1)
            .unwrap_err()
            .to_string(),
        "no address pool is configured"
    );
    assert_eq!(
        pools.gateways(),
        vec![(a("198.18.0.1"), 24), (a("198.18.1.1"), 24)]
    );
    // Two pools of one network share its gateway: one service address.
    let shared = pools_of(&[
        (
            "a",
            pool("198.18.0.0/24", &[("r", "198.18.0.10", "198.18.0.19")]),
        ),
        (
            "b",
            pool("198.18.0.0/24", &[("r", "198.18.0.20", "198.18.0.29")]),
        ),
    ]);
    assert_eq!(shared.gateways(), vec![(a("198.18.0.1"), 24)]);
}

#[test]
fn fixed_addresses_inside_and_outside_pools() {
    let mut pools = pools_of(&[(
        "p1",
        pool("198.18.0.0/24", &[("r", "198.18.0.10", "198.18.0.11")]),
    )]);
    let inside = pools.allocate_fixed(a("198.18.0.10"), 1).unwrap();
    assert_eq!(inside.pool.as_deref(), Some("p1"));
    assert_eq!(inside.local, a("198.18.0.1"));
    // The pool skips the fixed address.
    assert_eq!(
        pools.allocate(Some("p1"), 2).unwrap().address,
        a("198.18.0.11")
    );
    assert_eq!(
        pools.allocate_fixed(a("198.18.0.10"), 3),
        Err(PoolError::InUse(a("198.18.0.10")))
    );
    assert_eq!(
        pools
            .allocate_fixed(a("198.18.0.1"), 3)
            .unwrap_err()
            .to_string(),
        "address 198.18.0.1 is already assigned",
        "the gateway is ours"
    );
    let outside = pools.allocate_fixed(a("198.19.5.5"), 4).unwrap();
    assert_eq!((outside.pool, outside.local), (None, a("198.18.0.1")));
    assert_eq!(pools.in_use(), 3);
    assert_eq!(pools.view(None).addresses_outside_pools, 1);
    assert!(pools.release(a("198.19.5.5")));
    assert_eq!(
        AddressPools::new().allocate_fixed(a("198.19.5.5"), 1),
        Err(PoolError::NoPool)
    );
    check_invariants(&pools);
}

/// A commit keeps leases whose address stays in its pool, holds those whose address left it
/// (shown as outside) and those of a removed pool, and never hands them out again.
#[test]
fn commits_keep_move_and_remove_pools_with_live_leases() {
    let wide = pool("198.18.0.0/24", &[("r", "198.18.0.10", "198.18.0.13")]);
    let mut pools = pools_of(&[("p1", wide.clone())]);
    for holder in 0..4 {
        pools.allocate(Some("p1"), holder).unwrap();
    }
    pools.release(a("198.18.0.10"));
    // Same pool: the leases stay, the cursor goes on (.10 is next only after a wrap).
    pools.configure(&config(&[("p1", wide.clone())]));
    assert_eq!(pools.in_use(), 3);
    assert_eq!(
        pools.allocate(Some("p1"), 9).unwrap().address,
        a("198.18.0.10")
    );
    pools.release(a("198.18.0.10"));
    // The range shrinks: .12 and .13 leave it but stay held.
    let narrow = pool("198.18.0.0/24", &[("r", "198.18.0.10", "198.18.0.11")]);
    pools.configure(&config(&[("p1", narrow)]));
    let view = pools.view(None);
    let p1 = &view.pools[0];
    assert_eq!(
        (
            p1.addresses_total,
            p1.addresses_in_use,
            p1.addresses_outside
        ),
        (2, 1, 2)
    );
    assert_eq!(view.addresses_outside_pools, 2);
    // Widened again: the held addresses are not handed out.
    pools.configure(&config(&[("p1", wide.clone())]));
    assert_eq!(
        pools.allocate(Some("p1"), 10).unwrap().address,
        a("198.18.0.10")
    );
    assert_eq!(
        pools.allocate(Some("p1"), 11),
        Err(PoolError::Exhausted("p1".into()))
    );
    check_invariants(&pools);
    // Removed, and its addresses now in another pool: still held.
    let other = pool("198.18.0.0/24", &[("r", "198.18.0.12", "198.18.0.14")]);
    pools.configure(&config(&[("p2", other)]));
    assert_eq!(pools.in_use(), 4);
    assert_eq!(
        pools.allocate(Some("p1"), 12),
        Err(PoolError::NoSuchPool("p1".into()))
    );
    assert_eq!(
        pools.allocate(Some("p2"), 12).unwrap().address,
        a("198.18.0.14")
    );
    let view = pools.view(None);
    assert_eq!(view.pools[0].addresses_in_use, 3);
    assert_eq!(view.addresses_outside_pools, 2, ".10 and .11");
    check_invariants(&pools);
    for address in ["198.18.0.10", "198.18.0.11", "198.18.0.12", "198.18.0.13"] {
        assert!(pools.release(a(address)), "{address}");
    }
    assert_eq!(pools.in_use(), 1);
    check_invariants(&pools);
}

#[test]
fn the_view_of_one_pool() {
    let mut p1 = pool(
        "198.18.0.5/24",
        &[
            ("r1", "198.18.0.10", "198.18.0.19"),
            ("r2", "198.18.0.100", "198.18.0.199"),
        ],
    );
    p1.name_servers = vec![a("127.0.0.53")];
    let mut pools = pools_of(&[
        ("p1", p1),
        (
            "p2",
            pool("198.18.1.0/24", &[("r", "198.18.1.2", "198.18.1.3")]),
        ),
    ]);
    for holder in 0..12 {
        pools.allocate(Some("p1"), holder).unwrap();
    }
    let view = pools.view(Some("p1"));
    assert_eq!(
        view,
        AddressPoolsReply {
            pools: vec![AddressPoolUse {
                pool_name: "p1".into(),
                network: "198.18.0.0/24".into(),
                gateway: Some(a("198.18.0.1")),
                primary_dns: Some(a("127.0.0.53")),
                secondary_dns: None,
                addresses_total: 110,
                addresses_in_use: 12,
                addresses_free: 98,
                addresses_outside: 0,
                linked_pool: None,
                hold_down: false,
                ranges: vec![
                    AddressRangeUse {
                        range_name: "r1".into(),
                        range_low: a("198.18.0.10"),
                        range_high: a("198.18.0.19"),
                        addresses_total: 10,
                        addresses_in_use: 10,
                    },
                    AddressRangeUse {
                        range_name: "r2".into(),
                        range_low: a("198.18.0.100"),
                        range_high: a("198.18.0.199"),
                        addresses_total: 100,
                        addresses_in_use: 2,
                    },
                ],
            }],
            addresses_outside_pools: 0,
        }
    );
    assert!(pools.view(Some("p9")).pools.is_empty());
    assert_eq!(pools.view(None).pools.len(), 2);
}

/// 65,536 subscribers from one pool: allocation stays cheap (next-fit over a bitmap), a
/// released address waits for the cursor, and a full pool is found full at once.
#[test]
fn sixty_five_thousand_subscribers() {
    let mut pools = pools_of(&[(
        "big",
        pool("198.18.0.0/15", &[("r", "198.18.0.2", "198.19.255.254")]),
    )]);
    for holder in 0..65_536u64 {
        pools.allocate(Some("big"), holder).unwrap();
    }
    assert_eq!(pools.in_use(), 65_536);
    assert_eq!(pools.holder(a("198.19.0.1")), Some(65_535));
    assert!(pools.release(a("198.18.0.77")));
    assert_eq!(
        pools.allocate(Some("big"), 1).unwrap().address,
        a("198.19.0.2"),
        "the cursor goes on"
    );
    let view = pools.view(None);
    assert_eq!(
        (
            view.pools[0].addresses_total,
            view.pools[0].addresses_in_use
        ),
        (131_069, 65_536)
    );
}

#[test]
fn blocks_count_and_search_across_words() {
    let mut block = Block::new(1000, 1000 + 199);
    for address in 1000..1000 + 130 {
        block.set(address, true);
    }
    assert_eq!(block.first_free_from(1000), Some(1130));
    assert_eq!(block.held_between(0, u32::MAX), 130);
    assert_eq!(block.held_between(1063, 1064), 2);
    assert_eq!(block.held_between(1129, 1199), 1);
    for address in 1130..1200 {
        block.set(address, true);
    }
    assert_eq!(block.first_free_from(1000), None);
    assert_eq!(block.first_free_from(1199), None);
    block.set(1199, false);
    assert_eq!(block.first_free_from(1150), Some(1199));
}

#[derive(Debug, Clone)]
enum Op {
    Allocate(Option<u8>),
    Fixed(u8),
    Release(u8),
    Configure(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => proptest::option::of(0u8..3).prop_map(Op::Allocate),
        1 => any::<u8>().prop_map(Op::Fixed),
        3 => any::<u8>().prop_map(Op::Release),
        1 => (0u8..4).prop_map(Op::Configure),
    ]
}

/// A few small, overlapping configurations over 198.18.0.0/26.
fn configuration(which: u8) -> BTreeMap<String, AddressPool> {
    let p = |ranges: &[(&str, &str, &str)]| pool("198.18.0.0/26", ranges);
    match which {
        0 => config(&[("p0", p(&[("r", "198.18.0.2", "198.18.0.9")]))]),
        1 => config(&[
            ("p0", linked(p(&[("r", "198.18.0.5", "198.18.0.12")]), "p1")),
            (
                "p1",
                excluding(
                    p(&[
                        ("a", "198.18.0.8", "198.18.0.15"),
                        ("b", "198.18.0.14", "198.18.0.20"),
                    ]),
                    "198.18.0.16",
                    "198.18.0.18",
                ),
            ),
        ]),
        2 => config(&[
            (
                "p1",
                linked(held_down(p(&[("r", "198.18.0.2", "198.18.0.4")])), "p2"),
            ),
            (
                "p2",
                excluding(
                    p(&[("r", "198.18.0.3", "198.18.0.63")]),
                    "198.18.0.3",
                    "198.18.0.3",
                ),
            ),
        ]),
        _ => BTreeMap::new(),
    }
}

pub(super) fn linked(mut pool: AddressPool, to: &str) -> AddressPool {
    pool.link = Some(to.into());
    pool
}

pub(super) fn held_down(mut pool: AddressPool) -> AddressPool {
    pool.hold_down = true;
    pool
}

pub(super) fn excluding(mut pool: AddressPool, low: &str, high: &str) -> AddressPool {
    pool.excluded.insert(
        format!("excluded-range {low}"),
        AddressRange {
            low: a(low),
            high: a(high),
        },
    );
    pool
}

/// Whether `address` is excluded from some pool of `configuration` (given out from none).
fn excluded_in(configuration: &BTreeMap<String, AddressPool>, address: Ipv4Addr) -> bool {
    configuration.values().any(|p| {
        p.excluded
            .values()
            .any(|r| (u32::from(r.low)..=u32::from(r.high)).contains(&u32::from(address)))
    })
}

proptest! {
    /// Whatever the sequence of allocations, releases and commits: no address is held twice,
    /// `in_use` is the number held, and every pool's bits are exactly the held addresses.
    #[test]
    fn random_sequences_keep_the_invariants(ops in proptest::collection::vec(op(), 1..120)) {
        let mut pools = AddressPools::new();
        let mut current = configuration(0);
        pools.configure(&current);
        let mut held: HashSet<Ipv4Addr> = HashSet::new();
        let mut order: Vec<Ipv4Addr> = Vec::new();
        for (holder, op) in ops.into_iter().enumerate() {
            match op {
                Op::Allocate(pool) => {
                    let name = pool.map(|p| format!("p{p}"));
                    if let Ok(lease) = pools.allocate(name.as_deref(), holder as u64) {
                        prop_assert!(held.insert(lease.address), "{} twice", lease.address);
                        prop_assert!(lease.address != lease.local);
                        prop_assert!(!excluded_in(&current, lease.address), "{}", lease.address);
                        let pool = lease.pool.as_deref().and_then(|n| current.get(n));
                        prop_assert!(pool.is_some_and(|p| !p.hold_down));
                        order.push(lease.address);
                    }
                }
                Op::Fixed(last) => {
                    let address = Ipv4Addr::new(198, 18, 0, last % 70);
                    match pools.allocate_fixed(address, holder as u64) {
                        Ok(_) => prop_assert!(held.insert(address)),
                        Err(PoolError::InUse(_)) => {}
                        Err(PoolError::NoPool) => prop_assert!(pools.pools.is_empty()),
                        Err(e) => prop_assert!(false, "{e}"),
                    }
                }
                Op::Release(index) => {
                    if !order.is_empty() {
                        let address = order.remove(usize::from(index) % order.len());
                        prop_assert!(pools.release(address));
                        held.remove(&address);
                    }
                }
                Op::Configure(which) => {
                    current = configuration(which);
                    pools.configure(&current);
                }
            }
            order.retain(|a| held.contains(a));
            for a in &held {
                if !order.contains(a) {
                    order.push(*a);
                }
            }
            prop_assert_eq!(pools.in_use(), held.len());
            check_invariants(&pools);
        }
    }
}
