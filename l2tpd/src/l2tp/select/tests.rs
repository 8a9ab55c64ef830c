use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use schema::typed::{Gateway, ProfileTunnel, ProfileTunnels, TunnelMedium, TunnelType};

use super::*;

fn spec(address: Ipv4Addr, preference: u32, max_sessions: Option<u32>) -> ProfileTunnel {
    ProfileTunnel {
        identification: None,
        logical_system: None,
        max_sessions,
        medium: TunnelMedium::Ipv4,
        preference,
        remote_gateway: Gateway {
            address: Some(address),
            gateway_name: None,
        },
        routing_instance: None,
        secret: None,
        source_gateway: Gateway::default(),
        tunnel_type: TunnelType::L2tp,
    }
}

fn lns(n: u8) -> Ipv4Addr {
    Ipv4Addr::new(198, 18, 0, n)
}

fn key(n: u8) -> DestinationKey {
    DestinationKey {
        address: lns(n),
        routing_instance: None,
    }
}

/// A registry stand-in: lockouts and session counts per destination.
#[derive(Default)]
struct View {
    lockouts: HashMap<DestinationKey, Lockout>,
    sessions: HashMap<DestinationKey, u32>,
}

impl RegistryView for View {
    fn lockout(&self, destination: &DestinationKey) -> Option<Lockout> {
        self.lockouts.get(destination).copied()
    }
    fn existing(&self, destination: &DestinationKey, _: &ProfileTunnel) -> Option<ExistingTunnel> {
        self.sessions
            .get(destination)
            .map(|sessions| ExistingTunnel {
                tunnel_id: u16::from(destination.address.octets()[3]) + 1,
                sessions: *sessions,
            })
    }
}

fn number_of(choice: &Choice) -> Option<u8> {
    match choice {
        Choice::Reuse { number, .. } | Choice::Open { number, .. } => Some(*number),
        Choice::NoneAvailable(_) => None,
    }
}

fn pick(
    tunnels: &BTreeMap<u8, ProfileTunnel>,
    view: &View,
    settings: SelectSettings,
    failover: Failover<'_>,
    rotation: &mut Rotation,
    now: Instant,
) -> Choice {
    // Profiles keep their tunnels boxed; the tests write them plainly.
    let tunnels: ProfileTunnels = tunnels
        .iter()
        .map(|(n, t)| (*n, Box::new(t.clone())))
        .collect();
    select("tp", &tunnels, view, settings, failover, rotation, now)
}

#[test]
fn best_preference_wins_and_round_robins_within_it() {
    let tunnels: BTreeMap<u8, ProfileTunnel> = [
        (1, spec(lns(1), 1, None)),
        (2, spec(lns(2), 0, None)),
        (3, spec(lns(3), 0, None)),
    ]
    .into();
    let (view, mut rotation, now) = (View::default(), Rotation::new(), Instant::now());
    let picks: Vec<_> = (0..4)
        .map(|_| {
            number_of(&pick(
                &tunnels,
                &view,
                SelectSettings::default(),
                Failover::default(),
                &mut rotation,
                now,
            ))
        })
        .collect();
    assert_eq!(picks, [Some(2), Some(3), Some(2), Some(3)]);
}

#[test]
fn existing_tunnel_is_reused_until_full() {
    let tunnels: BTreeMap<u8, ProfileTunnel> =
        [(1, spec(lns(1), 0, Some(2))), (2, spec(lns(2), 5, None))].into();
    let mut view = View::default();
    view.sessions.insert(key(1), 1);
    let now = Instant::now();
    let mut rotation = Rotation::new();
    let choice = pick(
        &tunnels,
        &view,
        SelectSettings::default(),
        Failover::default(),
        &mut rotation,
        now,
    );
    assert_eq!(
        choice,
        Choice::Reuse {
            number: 1,
            tunnel_id: 2
        }
    );
    view.sessions.insert(key(1), 2);
    let choice = pick(
        &tunnels,
        &view,
        SelectSettings::default(),
        Failover::default(),
        &mut rotation,
        now,
    );
    assert_eq!(
        choice,
        Choice::Open {
            number: 2,
            destination: key(2)
        }
    );
}

#[test]
fn max_sessions_zero_is_unlimited() {
    let tunnels: BTreeMap<u8, ProfileTunnel> = [(1, spec(lns(1), 0, Some(0)))].into();
    let mut view = View::default();
    view.sessions.insert(key(1), 50_000);
    let choice = pick(
        &tunnels,
        &view,
        SelectSettings::default(),
        Failover::default(),
        &mut Rotation::new(),
        Instant::now(),
    );
    assert_eq!(number_of(&choice), Some(1));
}

#[test]
fn failover_skips_the_failed_level_unless_within_preference() {
    let tunnels: BTreeMap<u8, ProfileTunnel> = [
        (1, spec(lns(1), 0, None)),
        (2, spec(lns(2), 0, None)),
        (3, spec(lns(3), 1, None)),
    ]
    .into();
    let now = Instant::now();
    let mut view = View::default();
    view.lockouts.insert(
        key(1),
        Lockout {
            since: now,
            until: now + Duration::from_secs(300),
        },
    );
    let tried = [key(1)];
    let failover = Failover {
        tried: &tried,
        failed_preference: Some(0),
    };
    let between = pick(
        &tunnels,
        &view,
        SelectSettings::default(),
        failover,
        &mut Rotation::new(),
        now,
    );
    assert_eq!(number_of(&between), Some(3), "default: next level");
    let within = SelectSettings {
        fail_over_within_preference: true,
        ..SelectSettings::default()
    };
    let same = pick(&tunnels, &view, within, failover, &mut Rotation::new(), now);
    assert_eq!(
        number_of(&same),
        Some(2),
        "within preference: same level first"
    );
    // Nothing worse left: the same level is still tried rather than failing the call.
    let tried = [key(1), key(3)];
    let failover = Failover {
        tried: &tried,
        failed_preference: Some(0),
    };
    let last = pick(
        &tunnels,
        &view,
        SelectSettings::default(),
        failover,
        &mut Rotation::new(),
        now,
    );
    assert_eq!(number_of(&last), Some(2));
    let tried = [key(1), key(2), key(3)];
    let failover = Failover {
        tried: &tried,
        failed_preference: Some(1),
    };
    let none = pick(
        &tunnels,
        &view,
        SelectSettings::default(),
        failover,
        &mut Rotation::new(),
        now,
    );
    let why = |n| (n, Skipped::AlreadyFailed);
    assert_eq!(
        none,
        Choice::NoneAvailable(Unavailable {
            skipped: vec![why(1), why(2), why(3)]
        })
    );
}

#[test]
fn all_locked_out_retries_the_first_that_failed() {
    let tunnels: BTreeMap<u8, ProfileTunnel> =
        [(1, spec(lns(1), 0, None)), (2, spec(lns(2), 1, None))].into();
    let now = Instant::now();
    let mut view = View::default();
    let lock = |at: u64| Lockout {
        since: now + Duration::from_secs(at),
        until: now + Duration::from_secs(at + 300),
    };
    view.lockouts.insert(key(1), lock(20));
    view.lockouts.insert(key(2), lock(10));
    let later = now + Duration::from_secs(30);
    let choice = pick(
        &tunnels,
        &view,
        SelectSettings::default(),
        Failover::default(),
        &mut Rotation::new(),
        later,
    );
    assert_eq!(number_of(&choice), Some(2));
    // Once the lockout of 1 expires it is preferred again.
    let expired = now + Duration::from_secs(321);
    let choice = pick(
        &tunnels,
        &view,
        SelectSettings::default(),
        Failover::default(),
        &mut Rotation::new(),
        expired,
    );
    assert_eq!(number_of(&choice), Some(1));
}

#[test]
fn undiallable_tunnels_are_skipped() {
    let mut no_address = spec(lns(1), 0, None);
    no_address.remote_gateway.address = None;
    let tunnels: BTreeMap<u8, ProfileTunnel> = [(1, no_address)].into();
    let choice = pick(
        &tunnels,
        &View::default(),
        SelectSettings::default(),
        Failover::default(),
        &mut Rotation::new(),
        Instant::now(),
    );
    assert_eq!(
        choice,
        Choice::NoneAvailable(Unavailable {
            skipped: vec![(1, Skipped::NoRemoteAddress)]
        })
    );
}

fn profile_strategy() -> impl Strategy<Value = Vec<(u32, Option<u32>, bool, u32)>> {
    // (preference, max-sessions, locked out, sessions already on it) for up to 31 tunnels.
    prop::collection::vec(
        (0u32..4, prop::option::of(0u32..6), any::<bool>(), 0u32..8),
        1..=31,
    )
}

proptest! {
    #[test]
    fn never_locked_while_unlocked_available_and_never_over_max(
        profile in profile_strategy(),
        weighted in any::<bool>(),
        within in any::<bool>(),
    ) {
        let now = Instant::now();
        let mut tunnels = BTreeMap::new();
        let mut view = View::default();
        for (i, (preference, max, locked, sessions)) in profile.iter().enumerate() {
            let n = u8::try_from(i + 1).unwrap_or(u8::MAX);
            tunnels.insert(n, spec(lns(n), *preference, *max));
            if *locked {
                view.lockouts.insert(key(n), Lockout { since: now, until: now + Duration::from_secs(60) });
            }
            view.sessions.insert(key(n), *sessions);
        }
        let settings = SelectSettings { fail_over_within_preference: within, weighted_load_balancing: weighted };
        let choice = pick(&tunnels, &view, settings, Failover::default(), &mut Rotation::new(), now);
        let has_room = |n: &u8| {
            let t = &tunnels[n];
            capacity(t).is_none_or(|max| view.sessions[&key(*n)] < max)
        };
        let available: Vec<u8> = tunnels.keys().copied().filter(has_room).collect();
        let unlocked_available = available.iter().any(|n| !view.lockouts.contains_key(&key(*n)));
        match number_of(&choice) {
            None => prop_assert!(available.is_empty()),
            Some(n) => {
                prop_assert!(has_room(&n), "tunnel {} is full", n);
                if unlocked_available {
                    prop_assert!(!view.lockouts.contains_key(&key(n)), "picked locked-out {}", n);
                    let best = available.iter()
                        .filter(|m| !view.lockouts.contains_key(&key(**m)))
                        .map(|m| tunnels[m].preference).min();
                    prop_assert_eq!(Some(tunnels[&n].preference), best);
                }
            }
        }
    }

    #[test]
    fn weighted_shares_converge_to_max_sessions_ratio(
        weights in prop::collection::vec(1u32..20, 1..8),
    ) {
        let tunnels: BTreeMap<u8, ProfileTunnel> = weights.iter().enumerate()
            .map(|(i, w)| {
                let n = u8::try_from(i + 1).unwrap_or(u8::MAX);
                (n, spec(lns(n), 7, Some(*w)))
            })
            .collect();
        let total: u32 = weights.iter().sum();
        let rounds = 10;
        let settings = SelectSettings { weighted_load_balancing: true, ..SelectSettings::default() };
        let (view, mut rotation, now) = (View::default(), Rotation::new(), Instant::now());
        let mut counts: BTreeMap<u8, u32> = BTreeMap::new();
        for _ in 0..total * rounds {
            let n = number_of(&pick(&tunnels, &view, settings, Failover::default(), &mut rotation, now));
            prop_assert!(n.is_some());
            *counts.entry(n.unwrap_or(0)).or_default() += 1;
        }
        for (n, spec) in &tunnels {
            let expected = spec.max_sessions.unwrap_or(0) * rounds;
            prop_assert_eq!(counts.get(n).copied().unwrap_or(0), expected);
        }
    }
}
