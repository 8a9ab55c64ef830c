//! FNV-1a 64 over a stored value.
//!
//! redb already checksums its pages, but only verifies them when it repairs or is asked to;
//! this second check sits on the value itself, so a snapshot damaged anywhere between our
//! serialiser and our deserialiser is refused by name instead of being loaded as a wrong
//! configuration. It guards against accidents, not attackers, so a fast non-cryptographic
//! hash is enough.

const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(OFFSET_BASIS, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::fnv1a64;

    // Reference values published with the FNV specification (draft-eastlake-fnv).
    #[test]
    fn known_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn one_bit_changes_the_sum() {
        assert_ne!(fnv1a64(b"host-name r1"), fnv1a64(b"host-name r0"));
    }
}
