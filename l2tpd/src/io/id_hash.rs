//! A cheap hasher for the forwarding tables' keys that WE assign: our Tunnel and Session
//! IDs (RFC 2661 §3.1, chosen by this side) and our own call references. Profiling the data
//! workers (docs/performance.md, "Data workers", profile) found SipHash, the standard map's
//! keyed hasher, at 6–10 % of a worker's CPU: two keyed hashes per forwarded packet.
//!
//! Why an unkeyed hash is safe here: a keyed hash defends a map against an attacker who
//! chooses the keys INSERTED, filling one bucket chain. These maps are filled only with
//! values the daemon picks; a peer only chooses the keys it LOOKS UP, and a lookup of a
//! key that is not in the map costs one probe sequence whatever its hash. A key holding
//! something a subscriber chooses (its MAC address) may use this hasher only when its
//! `Hash` leaves that part out (the relay's `UpKey`: compared, not hashed); otherwise it
//! keeps the standard keyed hasher.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Fibonacci hashing's multiplier (2^64 / φ), odd: every input bit reaches the high bits.
const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

/// One multiply per integer written; the high half folded into the low one, because the
/// map picks a bucket from the low bits and a control byte from the high ones.
#[derive(Debug, Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 32)
    }

    fn write(&mut self, bytes: &[u8]) {
        // Not used by the integer keys below; correct (if slower) for any other key.
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }

    fn write_u16(&mut self, n: u16) {
        self.write_u64(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(MULTIPLIER);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// A map keyed by IDs this daemon assigns (see the module's note before using it for
/// anything else).
pub type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, Hash};

    fn hash<T: Hash>(value: T) -> u64 {
        BuildHasherDefault::<IdHasher>::default().hash_one(value)
    }

    #[test]
    fn the_session_keys_of_one_tunnel_spread_over_the_buckets() {
        // 4,096 sessions of one tunnel in a table of 8,192 buckets: the low 13 bits pick
        // the bucket; sequential IDs must not pile up beyond what random placement gives
        // (about 6 at most for these numbers).
        let mut buckets = vec![0u32; 8192];
        for session in 1..=4096u16 {
            buckets[(hash((7u16, session)) & 8191) as usize] += 1;
        }
        assert!(
            buckets.iter().all(|n| *n <= 8),
            "{:?}",
            buckets.iter().max()
        );
        // And the map works as a map.
        let mut map: IdMap<(u16, u16), u64> = IdMap::default();
        for session in 1..=4096u16 {
            map.insert((7, session), u64::from(session));
        }
        assert_eq!(map.get(&(7, 4096)), Some(&4096));
        assert_eq!(map.get(&(8, 1)), None);
    }

    #[test]
    fn tunnel_and_session_are_not_interchangeable() {
        assert_ne!(hash((1u16, 2u16)), hash((2u16, 1u16)));
    }
}
