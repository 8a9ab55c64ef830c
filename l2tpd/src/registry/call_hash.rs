//! The hash of the registry's call table (`SessionRef` → where the call is).
//!
//! Call handles are handed out in sequence, and calls mostly end in about the order they
//! began. The default hasher scatters consecutive handles over the whole table, so at 65,000
//! calls every look-up and removal of a teardown was a cache miss of its own (issue 15,
//! item 4). This one keeps a handle's low bits as the bucket index, so consecutive handles sit
//! in consecutive buckets and a run of closes walks the table forward, and mixes the handle
//! into the top seven bits, which the table compares first to tell the entries of a group
//! apart. Handles are ours, never a peer's, so a hash an attacker could steer is no concern.
//!
//! `io::id_hash` is the other hasher for our own IDs: it spreads keys (one multiply), which
//! suits the data path's random look-ups by Tunnel and Session ID; this one keeps their
//! order, which suits a table walked in the order calls began.

use std::hash::{BuildHasherDefault, Hasher};

/// See the module docs.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct SequentialHasher(u64);

/// Fibonacci hashing's multiplier (2^64 / φ): spreads the handle over the top bits.
const MIX: u64 = 0x9E37_79B9_7F4A_7C15;
/// The top seven bits: hashbrown's per-entry tag.
const TAG: u64 = 0x7F << 57;

impl Hasher for SequentialHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n) ^ (n.wrapping_mul(MIX) & TAG);
    }

    /// Any other key (not used by the call table): folded in eight bytes at a time.
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word.iter_mut().zip(chunk).for_each(|(w, b)| *w = *b);
            self.write_u64(self.0.rotate_left(29) ^ u64::from_le_bytes(word));
        }
    }
}

pub(super) type BuildSequentialHasher = BuildHasherDefault<SequentialHasher>;

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::hash::{BuildHasher, Hash};

    use super::*;
    use crate::registry::SessionRef;

    fn hash(call: u64) -> u64 {
        BuildSequentialHasher::default().hash_one(SessionRef(call))
    }

    #[test]
    fn consecutive_handles_get_consecutive_buckets_and_varied_tags() {
        let low = |h: u64| h & !TAG;
        assert_eq!(low(hash(1000)) + 1, low(hash(1001)));
        let tags: std::collections::HashSet<u64> = (0..1000).map(|c| hash(c) >> 57).collect();
        assert!(tags.len() > 100, "tags: {}", tags.len());
    }

    #[test]
    fn a_map_with_it_behaves_as_a_map() {
        let mut map: HashMap<SessionRef, u64, BuildSequentialHasher> = HashMap::default();
        for c in 0..10_000u64 {
            map.insert(SessionRef(c * 3), c);
        }
        for c in (0..10_000u64).step_by(2) {
            assert_eq!(map.remove(&SessionRef(c * 3)), Some(c));
        }
        assert_eq!(map.len(), 5_000);
        assert!((1..10_000u64)
            .step_by(2)
            .all(|c| map.get(&SessionRef(c * 3)) == Some(&c)));
        let mut hasher = SequentialHasher::default();
        "any key".hash(&mut hasher);
        assert_ne!(hasher.finish(), 0);
    }
}
