//! The selection itself (rules in the module docs).

use std::time::Instant;

use schema::typed::{ProfileTunnel, ProfileTunnels};

use super::candidate::{DestinationKey, ExistingTunnel, Lockout, RegistryView, SelectSettings};
use super::rotation::Rotation;
use super::unavailable::{Skipped, Unavailable};

/// What to do with the next call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// Join the existing tunnel `tunnel_id`, opened for profile tunnel `number`.
    Reuse { number: u8, tunnel_id: u16 },
    /// Open a new tunnel for profile tunnel `number` to `destination`.
    Open {
        number: u8,
        destination: DestinationKey,
    },
    /// Every profile tunnel is full, undiallable or already tried: which, and why.
    NoneAvailable(Unavailable),
}

/// Where a call stands when it is re-selected after its tunnel failed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Failover<'a> {
    /// Destinations this call has already failed on.
    pub tried: &'a [DestinationKey],
    /// The preference of the destination that just failed; `None` for a fresh call.
    pub failed_preference: Option<u32>,
}

/// The session limit of a profile tunnel: `None` for unlimited (`max-sessions` absent or 0).
pub fn capacity(tunnel: &ProfileTunnel) -> Option<u32> {
    tunnel.max_sessions.filter(|max| *max > 0)
}

/// The weight of a tunnel under `weighted-load-balancing`: its `max-sessions`, and for an
/// unlimited one the largest value `max-sessions` accepts, so it is never starved.
pub(super) fn weight(tunnel: &ProfileTunnel) -> u32 {
    const LARGEST_MAX_SESSIONS: u32 = 60_000;
    capacity(tunnel).unwrap_or(LARGEST_MAX_SESSIONS)
}

#[derive(Debug)]
pub(super) struct Candidate<'a> {
    pub number: u8,
    pub spec: &'a ProfileTunnel,
    pub destination: DestinationKey,
    pub existing: Option<ExistingTunnel>,
    pub lockout: Option<Lockout>,
}

/// Chooses the tunnel for one call of profile `profile` (its name keys the rotation state).
pub fn select(
    profile: &str,
    tunnels: &ProfileTunnels,
    view: &impl RegistryView,
    settings: SelectSettings,
    failover: Failover<'_>,
    rotation: &mut Rotation,
    now: Instant,
) -> Choice {
    let mut unavailable = Unavailable::default();
    let candidates: Vec<Candidate<'_>> = tunnels
        .iter()
        .filter_map(|(number, spec)| {
            let mut skip = |why| {
                unavailable.skipped.push((*number, why));
                None
            };
            let Some(destination) = DestinationKey::of(spec) else {
                return skip(Skipped::NoRemoteAddress);
            };
            if failover.tried.contains(&destination) {
                return skip(Skipped::AlreadyFailed);
            }
            let existing = view.existing(&destination, spec);
            if let (Some(max), Some(tunnel)) = (capacity(spec), existing) {
                if tunnel.sessions >= max {
                    return skip(Skipped::Full { max });
                }
            }
            let lockout = view.lockout(&destination).filter(|l| l.until > now);
            Some(Candidate {
                number: *number,
                spec,
                destination,
                existing,
                lockout,
            })
        })
        .collect();

    let skipped_level = failover
        .failed_preference
        .filter(|_| !settings.fail_over_within_preference);
    let unlocked = |c: &&Candidate<'_>| c.lockout.is_none();
    let other_level = |c: &&Candidate<'_>| Some(c.spec.preference) != skipped_level;
    let tiers: [Vec<&Candidate<'_>>; 2] = [
        candidates
            .iter()
            .filter(unlocked)
            .filter(other_level)
            .collect(),
        candidates.iter().filter(unlocked).collect(),
    ];
    let chosen = match tiers.into_iter().find(|tier| !tier.is_empty()) {
        Some(tier) => {
            let Some(best) = tier.iter().map(|c| c.spec.preference).min() else {
                return Choice::NoneAvailable(unavailable);
            };
            let level: Vec<&Candidate<'_>> = tier
                .into_iter()
                .filter(|c| c.spec.preference == best)
                .collect();
            rotation.pick(profile, best, &level, settings.weighted_load_balancing)
        }
        // Every candidate is locked out: retry the one that failed first.
        None => candidates
            .iter()
            .min_by_key(|c| (c.lockout.map(|l| l.since), c.number)),
    };
    match chosen {
        Some(c) => match c.existing {
            Some(tunnel) => Choice::Reuse {
                number: c.number,
                tunnel_id: tunnel.tunnel_id,
            },
            None => Choice::Open {
                number: c.number,
                destination: c.destination.clone(),
            },
        },
        None => Choice::NoneAvailable(unavailable),
    }
}
