//! Longest-prefix match over IPv4 prefixes, for the routes RADIUS gives a subscriber
//! (Framed-Route): one hash map keyed by (network, length), and a count of the entries of
//! each length, so a lookup probes only the lengths in use, longest first. A router with
//! thousands of routed subscribers has a handful of distinct lengths (/29, /30, /32): a miss
//! costs a few hash probes, and no allocation.

use std::collections::HashMap;
use std::net::Ipv4Addr;

/// An IPv4 prefix, its host bits zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Prefix {
    network: Ipv4Addr,
    length: u8,
}

impl Prefix {
    /// `address/length` with the host bits cleared; `None` for a length above 32.
    pub fn new(address: Ipv4Addr, length: u8) -> Option<Prefix> {
        (length <= 32).then(|| Prefix {
            network: Ipv4Addr::from(u32::from(address) & mask(length)),
            length,
        })
    }

    pub fn network(&self) -> Ipv4Addr {
        self.network
    }

    pub fn length(&self) -> u8 {
        self.length
    }

    pub fn contains(&self, address: Ipv4Addr) -> bool {
        u32::from(address) & mask(self.length) == u32::from(self.network)
    }
}

impl std::fmt::Display for Prefix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network, self.length)
    }
}

fn mask(length: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(length)).unwrap_or(0)
}

#[derive(Debug, Clone)]
pub struct PrefixTable<V> {
    entries: HashMap<Prefix, V>,
    /// How many entries have each length (index = length).
    per_length: [u32; 33],
}

impl<V> Default for PrefixTable<V> {
    fn default() -> Self {
        Self {
            entries: HashMap::new(),
            per_length: [0; 33],
        }
    }
}

impl<V> PrefixTable<V> {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds or replaces `prefix`'s value; the one replaced.
    pub fn insert(&mut self, prefix: Prefix, value: V) -> Option<V> {
        let old = self.entries.insert(prefix, value);
        if old.is_none() {
            self.per_length[usize::from(prefix.length)] += 1;
        }
        old
    }

    pub fn remove(&mut self, prefix: Prefix) -> Option<V> {
        let old = self.entries.remove(&prefix)?;
        self.per_length[usize::from(prefix.length)] -= 1;
        Some(old)
    }

    pub fn get(&self, prefix: Prefix) -> Option<&V> {
        self.entries.get(&prefix)
    }

    /// The value of the longest prefix that holds `address`.
    pub fn lookup(&self, address: Ipv4Addr) -> Option<&V> {
        if self.entries.is_empty() {
            return None;
        }
        (0..=32u8)
            .rev()
            .filter(|&length| self.per_length[usize::from(length)] > 0)
            .find_map(|length| {
                let prefix = Prefix::new(address, length)?;
                self.entries.get(&prefix)
            })
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Prefix, &V)> {
        self.entries.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(text: &str) -> Prefix {
        let (address, length) = text.split_once('/').unwrap();
        Prefix::new(address.parse().unwrap(), length.parse().unwrap()).unwrap()
    }

    #[test]
    fn the_longest_prefix_wins_and_removal_falls_back() {
        let mut table = PrefixTable::default();
        table.insert(p("198.18.0.0/16"), "wide");
        table.insert(p("198.18.7.0/24"), "narrow");
        table.insert(p("198.18.7.9/32"), "host");
        let at = |a: &str| table.lookup(a.parse().unwrap()).copied();
        assert_eq!(at("198.18.7.9"), Some("host"));
        assert_eq!(at("198.18.7.10"), Some("narrow"));
        assert_eq!(at("198.18.8.1"), Some("wide"));
        assert_eq!(at("198.19.0.1"), None);
        table.remove(p("198.18.7.0/24"));
        assert_eq!(
            table.lookup("198.18.7.10".parse().unwrap()).copied(),
            Some("wide")
        );
        assert_eq!(table.len(), 2);
    }

    #[test]
    fn host_bits_are_cleared_and_a_default_route_holds_everything() {
        assert_eq!(p("198.18.7.99/24"), p("198.18.7.0/24"));
        assert_eq!(p("198.18.7.99/24").to_string(), "198.18.7.0/24");
        assert!(Prefix::new(Ipv4Addr::LOCALHOST, 33).is_none());
        let mut table = PrefixTable::default();
        table.insert(p("0.0.0.0/0"), 1);
        assert_eq!(table.lookup(Ipv4Addr::new(203, 0, 113, 1)), Some(&1));
    }

    proptest! {
        /// The table agrees with a scan of every prefix for the longest that contains the
        /// address.
        #[test]
        fn lookup_is_the_longest_containing_prefix(
            routes in proptest::collection::vec((any::<u32>(), 0u8..=32), 0..40),
            probes in proptest::collection::vec(any::<u32>(), 1..40),
        ) {
            let mut table = PrefixTable::default();
            let prefixes: Vec<Prefix> = routes
                .iter()
                .map(|(a, l)| Prefix::new(Ipv4Addr::from(*a), *l).unwrap())
                .collect();
            for prefix in &prefixes {
                table.insert(*prefix, *prefix);
            }
            for probe in probes {
                let address = Ipv4Addr::from(probe);
                let expected = prefixes
                    .iter()
                    .filter(|p| p.contains(address))
                    .max_by_key(|p| p.length());
                prop_assert_eq!(table.lookup(address), expected);
            }
        }
    }
}
