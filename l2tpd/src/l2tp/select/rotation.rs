//! The only state selection keeps: where each profile's preference level is in its rotation.

use std::collections::{BTreeMap, HashMap};

use super::choose::{weight, Candidate};

/// Round-robin positions and smooth weighted round-robin credits, per (profile, preference).
#[derive(Debug, Default, Clone)]
pub struct Rotation {
    /// The tunnel number chosen last; the next pick is the next higher number, wrapping.
    last: HashMap<(String, u32), u8>,
    /// Smooth weighted round-robin: each pick adds every candidate's weight to its credit,
    /// takes the highest credit and charges it the total. Deterministic and exact: over any
    /// window of `total` picks each tunnel is chosen `weight` times.
    credit: HashMap<(String, u32), BTreeMap<u8, i64>>,
}

impl Rotation {
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets a profile (deleted by a commit).
    pub fn forget(&mut self, profile: &str) {
        self.last.retain(|(name, _), _| name != profile);
        self.credit.retain(|(name, _), _| name != profile);
    }

    /// Picks one of `level` (candidates sorted by tunnel number, all at `preference`).
    pub(super) fn pick<'c, 'a>(
        &mut self,
        profile: &str,
        preference: u32,
        level: &[&'c Candidate<'a>],
        weighted: bool,
    ) -> Option<&'c Candidate<'a>> {
        let key = (profile.to_string(), preference);
        if weighted {
            let credit = self.credit.entry(key).or_default();
            credit.retain(|number, _| level.iter().any(|c| c.number == *number));
            let total: i64 = level.iter().map(|c| i64::from(weight(c.spec))).sum();
            let mut best: Option<(&'c Candidate<'a>, i64)> = None;
            for candidate in level {
                let slot = credit.entry(candidate.number).or_insert(0);
                *slot += i64::from(weight(candidate.spec));
                if best.is_none_or(|(_, top)| *slot > top) {
                    best = Some((candidate, *slot));
                }
            }
            let (chosen, _) = best?;
            if let Some(slot) = credit.get_mut(&chosen.number) {
                *slot -= total;
            }
            Some(chosen)
        } else {
            let next = match self.last.get(&key) {
                Some(last) => level
                    .iter()
                    .find(|c| c.number > *last)
                    .or_else(|| level.first()),
                None => level.first(),
            }
            .copied()?;
            self.last.insert(key, next.number);
            Some(next)
        }
    }
}
