use proptest::prelude::*;

use super::*;

#[test]
fn a_tag_rate_is_kbits_and_a_radius_or_l2tp_rate_bits() {
    let kbps_1000 = [0, 0, 0x03, 0xe8];
    assert_eq!(
        decode(ACTUAL_RATE_UP, &kbps_1000, Coding::PppoeTag),
        Decoded::Known(Characteristic::Rate(1_000_000))
    );
    assert_eq!(
        decode(ACTUAL_RATE_UP, &kbps_1000, Coding::Radius),
        Decoded::Known(Characteristic::Rate(1000))
    );
    assert_eq!(
        decode(
            ACTUAL_RATE_DOWN,
            &[0, 0, 0, 0, 0, 0, 0x03, 0xe8],
            Coding::L2tp
        ),
        Decoded::Known(Characteristic::Rate(1000))
    );
    // RFC 5515 rates are 64-bit: the 4-octet form is not one.
    assert_eq!(
        decode(ACTUAL_RATE_DOWN, &kbps_1000, Coding::L2tp),
        Decoded::Malformed
    );
}

#[test]
fn delays_and_encapsulation_read_alike_in_every_coding() {
    for coding in [Coding::PppoeTag, Coding::Radius, Coding::L2tp] {
        assert_eq!(
            decode(ACTUAL_DELAY_DOWN, &[0, 0, 0, 8], coding),
            Decoded::Known(Characteristic::Delay(8))
        );
        assert_eq!(
            decode(ENCAPSULATION, &[2, 1, 0], coding),
            Decoded::Known(Characteristic::Encapsulation([2, 1, 0]))
        );
        assert_eq!(decode(ENCAPSULATION, &[2, 1], coding), Decoded::Malformed);
        assert_eq!(decode(0x91, &[0, 0, 0, 1], coding), Decoded::Other);
        assert_eq!(decode(0x8F, &[], coding), Decoded::Other);
    }
}

#[test]
fn a_rate_above_a_radius_integer_saturates() {
    assert_eq!(
        encode(Characteristic::Rate(10_000_000_000), Coding::Radius),
        u32::MAX.to_be_bytes()
    );
    assert_eq!(
        encode(Characteristic::Rate(10_000_000_000), Coding::L2tp),
        10_000_000_000u64.to_be_bytes()
    );
}

#[test]
fn set_takes_only_a_value_of_the_numbers_kind() {
    let mut line = AccessLoop::default();
    assert!(!line.set(ACTUAL_RATE_UP, Characteristic::Delay(1)));
    assert!(!line.set(0x91, Characteristic::Rate(1)));
    assert!(line.is_empty());
    assert!(line.set(ACTUAL_RATE_DOWN, Characteristic::Rate(16_000_000)));
    assert!(line.set(ACTUAL_RATE_UP, Characteristic::Rate(1_000_000)));
    assert_eq!(
        (line.actual_down(), line.actual_up()),
        (Some(16_000_000), Some(1_000_000))
    );
    let kinds: Vec<u8> = line.entries().map(|(k, _)| k).collect();
    assert_eq!(kinds, [ACTUAL_RATE_UP, ACTUAL_RATE_DOWN]);
}

fn any_characteristic(kind: u8) -> BoxedStrategy<Characteristic> {
    match kind {
        ENCAPSULATION => any::<[u8; 3]>()
            .prop_map(Characteristic::Encapsulation)
            .boxed(),
        k if (MAXIMUM_DELAY_UP..=ACTUAL_DELAY_DOWN).contains(&k) => {
            any::<u32>().prop_map(Characteristic::Delay).boxed()
        }
        // Whole kbit/s: the tag's unit, so every coding carries the value exactly.
        _ => any::<u32>()
            .prop_map(|kbps| Characteristic::Rate(u64::from(kbps) * 1000))
            .boxed(),
    }
}

proptest! {
    #[test]
    fn every_characteristic_survives_every_coding(
        (kind, value) in proptest::sample::select(all_kinds().collect::<Vec<_>>())
            .prop_flat_map(|k| (Just(k), any_characteristic(k)))
    ) {
        for coding in [Coding::PppoeTag, Coding::L2tp] {
            prop_assert_eq!(decode(kind, &encode(value, coding), coding), Decoded::Known(value));
        }
        let radius = decode(kind, &encode(value, Coding::Radius), Coding::Radius);
        match value {
            Characteristic::Rate(bps) if bps > u64::from(u32::MAX) => {
                prop_assert_eq!(radius, Decoded::Known(Characteristic::Rate(u64::from(u32::MAX))));
            }
            _ => prop_assert_eq!(radius, Decoded::Known(value)),
        }
    }

    #[test]
    fn any_bytes_decode_without_panic(kind in any::<u8>(), value in proptest::collection::vec(any::<u8>(), 0..12)) {
        for coding in [Coding::PppoeTag, Coding::Radius, Coding::L2tp] {
            let _ = decode(kind, &value, coding);
        }
    }
}
