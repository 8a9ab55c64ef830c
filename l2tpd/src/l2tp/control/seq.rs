//! Ns/Nr arithmetic (RFC 2661 §5.8): 16-bit sequence numbers compared modulo 65536, where a
//! value in the 32,768 numbers before another counts as "earlier" (serial-number comparison,
//! as RFC 1982 does for 16 bits).

/// How far `later` is ahead of `earlier`, modulo 65536.
pub fn distance(earlier: u16, later: u16) -> u16 {
    later.wrapping_sub(earlier)
}

/// `a` comes strictly before `b`.
pub fn before(a: u16, b: u16) -> bool {
    let d = distance(a, b);
    d != 0 && d < 0x8000
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn wraps_at_65535() {
        assert!(before(65535, 0));
        assert!(before(65000, 10));
        assert!(!before(10, 65000));
        assert_eq!(distance(65535, 1), 2);
        assert!(!before(7, 7));
    }

    proptest! {
        #[test]
        fn exactly_one_order_holds_for_distinct_values_not_half_apart(a: u16, b: u16) {
            prop_assume!(a != b && distance(a, b) != 0x8000);
            prop_assert!(before(a, b) ^ before(b, a));
        }

        #[test]
        fn adding_a_small_step_moves_forward(a: u16, step in 1u16..0x8000) {
            prop_assert!(before(a, a.wrapping_add(step)));
            prop_assert_eq!(distance(a, a.wrapping_add(step)), step);
        }
    }
}
