//! The CHAP challenge a subscriber's link sends (RFC 1994 §4.1: "the Challenge Value is a
//! variable stream of octets ... changed each time a challenge is sent"): random octets, 16
//! of them unless the subscriber's interface says `ppp-options chap { challenge-length
//! minimum N maximum M; }` (Junos, "challenge-length (Static and Dynamic PPP)"), when each
//! challenge's length is drawn from N..=M.

use rand::Rng;

/// The length without `challenge-length`: RFC 1994 recommends at least 16 octets, and it is
/// Junos' default minimum.
pub const DEFAULT_LENGTH: usize = 16;

/// A fresh challenge, its length within `range` (minimum, maximum) when one is given. A
/// range the commit would refuse (maximum below minimum) is read as its minimum.
pub fn challenge(rng: &mut impl Rng, range: Option<(u8, u8)>) -> Vec<u8> {
    let length = match range {
        Some((minimum, maximum)) => usize::from(rng.random_range(minimum..=maximum.max(minimum))),
        None => DEFAULT_LENGTH,
    };
    (0..length).map(|_| rng.random()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn lengths_stay_in_the_range_and_use_all_of_it() {
        let mut rng = StdRng::seed_from_u64(7);
        assert_eq!(challenge(&mut rng, None).len(), DEFAULT_LENGTH);
        let lengths: std::collections::BTreeSet<usize> = (0..500)
            .map(|_| challenge(&mut rng, Some((20, 23))).len())
            .collect();
        assert_eq!(lengths, [20, 21, 22, 23].into());
        assert_eq!(challenge(&mut rng, Some((63, 63))).len(), 63);
        // Never built by a commit; still no panic.
        assert_eq!(challenge(&mut rng, Some((30, 10))).len(), 30);
    }
}
