//! The responder tunnels waiting for their SCCCN, by source address, for the global cap's
//! choice of whom to evict.
//!
//! Evicting the oldest of all was wrong under load: when the LNS is backlogged, more flooded
//! SCCRQs than the cap can be read between a real LAC's SCCRQ and its SCCCN, and the LAC's
//! tunnel, then the oldest, was the one dropped, so no LAC came up while the flood lasted.
//! A flood needs many tunnels per source to fill the table (the per-source limit bounds
//! each); a LAC has one handshake in flight per tunnel. So the cap takes the oldest tunnel of
//! the source with the most waiting (ties: the one whose oldest has waited longest), as a
//! fair queue would. With one tunnel per source it is the oldest of all, as before.

use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;
use std::time::Instant;

#[derive(Debug, Default)]
pub(super) struct EstablishingBySource {
    /// Source → its waiting tunnels, oldest first: (opened, Tunnel ID).
    by_source: HashMap<IpAddr, BTreeSet<(Instant, u16)>>,
    /// Every source with a tunnel waiting, busiest last: (how many, its oldest reversed,
    /// address).
    busiest: BTreeSet<(usize, Reverse<Instant>, IpAddr)>,
}

impl EstablishingBySource {
    pub(super) fn insert(&mut self, source: IpAddr, opened: Instant, tunnel_id: u16) {
        let tunnels = self.by_source.entry(source).or_default();
        if let Some(key) = rank(source, tunnels) {
            self.busiest.remove(&key);
        }
        tunnels.insert((opened, tunnel_id));
        if let Some(key) = rank(source, tunnels) {
            self.busiest.insert(key);
        }
    }

    pub(super) fn remove(&mut self, source: IpAddr, opened: Instant, tunnel_id: u16) {
        let Some(tunnels) = self.by_source.get_mut(&source) else {
            return;
        };
        if let Some(key) = rank(source, tunnels) {
            self.busiest.remove(&key);
        }
        tunnels.remove(&(opened, tunnel_id));
        match rank(source, tunnels) {
            Some(key) => {
                self.busiest.insert(key);
            }
            None => {
                self.by_source.remove(&source);
            }
        }
    }

    /// The tunnel the cap evicts: the oldest of the busiest source.
    pub(super) fn to_evict(&self) -> Option<u16> {
        let (_, _, source) = self.busiest.last()?;
        let (_, tunnel_id) = self.by_source.get(source)?.first()?;
        Some(*tunnel_id)
    }
}

/// A source's place in `busiest`; `None` when it has nothing waiting.
fn rank(
    source: IpAddr,
    tunnels: &BTreeSet<(Instant, u16)>,
) -> Option<(usize, Reverse<Instant>, IpAddr)> {
    let (oldest, _) = tunnels.first()?;
    Some((tunnels.len(), Reverse(*oldest), source))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn ip(n: u8) -> IpAddr {
        IpAddr::from([127, 0, 0, n])
    }

    #[test]
    fn the_busiest_source_gives_its_oldest_and_ties_go_to_the_longest_waiting() {
        let t0 = Instant::now();
        let at = |s: u64| t0 + Duration::from_secs(s);
        let mut e = EstablishingBySource::default();
        assert_eq!(e.to_evict(), None);
        e.insert(ip(1), at(0), 1); // a LAC: one, the oldest of all
        e.insert(ip(2), at(1), 2);
        e.insert(ip(2), at(2), 3);
        assert_eq!(e.to_evict(), Some(2), "source 2 has two");
        e.remove(ip(2), at(1), 2);
        // One each: the oldest of all, as a cap without sources would.
        assert_eq!(e.to_evict(), Some(1));
        e.remove(ip(1), at(0), 1);
        assert_eq!(e.to_evict(), Some(3));
        e.remove(ip(2), at(2), 3);
        assert_eq!(e.to_evict(), None);
        assert!(
            e.by_source.is_empty() && e.busiest.is_empty(),
            "nothing kept"
        );
        // Removing what is not there changes nothing.
        e.remove(ip(9), at(0), 7);
        assert!(e.busiest.is_empty());
    }
}
