use proptest::prelude::*;

use super::*;
use crate::access_loop::*;

/// The tag a TR-101 DSLAM inserts: vendor 3561, circuit ID "dslam1 eth 1/1/2:100", remote
/// ID "cpe-42", then Actual-Data-Rate-Upstream (0x81, 4 octets) stepped over.
const DSLAM_TAG: &[u8] = &[
    0x00, 0x00, 0x0d, 0xe9, // vendor 3561
    0x01, 20, b'd', b's', b'l', b'a', b'm', b'1', b' ', b'e', b't', b'h', b' ', b'1', b'/', b'1',
    b'/', b'2', b':', b'1', b'0', b'0', // circuit ID
    0x02, 6, b'c', b'p', b'e', b'-', b'4', b'2', // remote ID
    0x81, 4, 0x00, 0x00, 0x03, 0xe8, // upstream 1000 kbit/s
];

fn line(circuit: Option<&str>, remote: Option<&str>) -> AccessLine {
    AccessLine {
        circuit_id: circuit.map(|c| c.as_bytes().into()),
        remote_id: remote.map(|r| r.as_bytes().into()),
        ..AccessLine::default()
    }
}

fn tag(bytes: &[u8]) -> Vec<Tag> {
    vec![
        Tag::ServiceName(Vec::new()),
        Tag::VendorSpecific(bytes.to_vec()),
    ]
}

/// The DSLAM's line with its upstream rate.
fn dslam_line() -> AccessLine {
    let mut line = line(Some("dslam1 eth 1/1/2:100"), Some("cpe-42"));
    line.access_loop
        .set(ACTUAL_RATE_UP, Characteristic::Rate(1_000_000));
    line
}

#[test]
fn a_dslams_tag_gives_both_identifiers_and_the_rate() {
    assert_eq!(from_tags(&tag(DSLAM_TAG)), Ok(Some(dslam_line())));
}

/// Every characteristic of TR-101's table is read, its rates from kbit/s.
#[test]
fn the_access_loop_characteristics_are_read() {
    let mut bytes = vec![0, 0, 0x0d, 0xe9, 0x01, 1, b'c'];
    bytes.extend([0x81, 4, 0, 0, 0x03, 0xe8]); // up 1,000 kbit/s
    bytes.extend([0x82, 4, 0, 0, 0x3e, 0x80]); // down 16,000 kbit/s
    bytes.extend([0x86, 4, 0, 0, 0x5d, 0xc0]); // attainable down 24,000 kbit/s
    bytes.extend([0x8e, 4, 0, 0, 0, 8]); // actual interleaving delay down 8 ms
    bytes.extend([0x90, 3, 2, 1, 0]); // Ethernet, PPPoA LLC… as the agent codes it
    bytes.extend([0x91, 4, 0, 0, 0, 5]); // DSL type: stepped over
    let read = read_tags(&tag(&bytes)).unwrap().unwrap();
    assert_eq!(read.malformed_characteristics, 0);
    let got: Vec<(u8, Characteristic)> = read.line.access_loop.entries().collect();
    assert_eq!(
        got,
        [
            (ACTUAL_RATE_UP, Characteristic::Rate(1_000_000)),
            (ACTUAL_RATE_DOWN, Characteristic::Rate(16_000_000)),
            (ATTAINABLE_RATE_DOWN, Characteristic::Rate(24_000_000)),
            (ACTUAL_DELAY_DOWN, Characteristic::Delay(8)),
            (ENCAPSULATION, Characteristic::Encapsulation([2, 1, 0])),
        ]
    );
    assert_eq!(read.line.circuit_id.as_deref(), Some(&b"c"[..]));
}

/// A rate of the wrong length, or given twice, is counted and left out; the identifiers and
/// the other rates are used.
#[test]
fn a_malformed_characteristic_is_counted_and_the_rest_kept() {
    let mut bytes = vec![0, 0, 0x0d, 0xe9, 0x01, 1, b'c'];
    bytes.extend([0x81, 2, 0x03, 0xe8]); // up, 2 octets: wrong
    bytes.extend([0x82, 4, 0, 0, 0x3e, 0x80]); // down 16,000 kbit/s
    bytes.extend([0x82, 4, 0, 0, 0, 1]); // down again: the first holds
    bytes.extend([0x02, 1, b'r']);
    let read = read_tags(&tag(&bytes)).unwrap().unwrap();
    assert_eq!(read.malformed_characteristics, 2);
    assert_eq!(read.line.access_loop.actual_up(), None);
    assert_eq!(read.line.access_loop.actual_down(), Some(16_000_000));
    assert_eq!(read.line.remote_id.as_deref(), Some(&b"r"[..]));
}

#[test]
fn the_tag_built_for_a_line_is_the_dslams() {
    let built = line(Some("dslam1 eth 1/1/2:100"), Some("cpe-42")).to_tag();
    assert_eq!(
        built,
        Tag::VendorSpecific(DSLAM_TAG[..DSLAM_TAG.len() - 6].to_vec())
    );
}

#[test]
fn one_identifier_alone_is_kept() {
    let remote_only = [0, 0, 0x0d, 0xe9, 0x02, 3, b'a', b'b', b'c'];
    assert_eq!(
        from_tags(&tag(&remote_only)),
        Ok(Some(line(None, Some("abc"))))
    );
}

#[test]
fn no_tag_or_another_vendors_tag_is_no_access_line() {
    assert_eq!(from_tags(&[Tag::ServiceName(Vec::new())]), Ok(None));
    let cisco = [0, 0, 0, 9, 0x01, 3, b'a', b'b', b'c'];
    assert_eq!(from_tags(&tag(&cisco)), Ok(None));
    // Shorter than a vendor ID: not the DSL Forum's either.
    assert_eq!(from_tags(&tag(&[0, 0, 0x0d])), Ok(None));
}

#[test]
fn a_truncated_sub_option_refuses_the_tag() {
    for cut in [5, 10, DSLAM_TAG.len() - 1] {
        assert_eq!(
            from_tags(&tag(&DSLAM_TAG[..cut])),
            Err(AccessLineError::Truncated),
            "cut at {cut}"
        );
    }
}

#[test]
fn an_empty_or_overlong_identifier_refuses_the_tag() {
    let empty = [0, 0, 0x0d, 0xe9, 0x01, 0];
    assert_eq!(from_tags(&tag(&empty)), Err(AccessLineError::BadIdLength));
    let mut long = vec![0, 0, 0x0d, 0xe9, 0x02, 64];
    long.extend([b'x'; 64]);
    assert_eq!(from_tags(&tag(&long)), Err(AccessLineError::BadIdLength));
}

#[test]
fn a_duplicate_identifier_or_a_second_tag_refuses_the_access_line() {
    let twice = [
        0, 0, 0x0d, 0xe9, 0x01, 1, b'a', 0x01, 1, b'b', //
    ];
    assert_eq!(from_tags(&tag(&twice)), Err(AccessLineError::Duplicate));
    let mut tags = tag(DSLAM_TAG);
    tags.push(Tag::VendorSpecific(DSLAM_TAG.to_vec()));
    assert_eq!(from_tags(&tags), Err(AccessLineError::TwoTags));
}

fn any_id() -> impl Strategy<Value = Option<Box<[u8]>>> {
    proptest::option::of(
        proptest::collection::vec(any::<u8>(), 1..=MAX_ID_LEN).prop_map(Vec::into_boxed_slice),
    )
}

proptest! {
    #[test]
    fn arbitrary_vendor_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..120)) {
        let mut value = DSL_FORUM_VENDOR.to_be_bytes().to_vec();
        value.extend(bytes);
        let _ = from_tags(&[Tag::VendorSpecific(value)]);
    }

    #[test]
    fn every_line_parses_back_from_its_tag(circuit_id in any_id(), remote_id in any_id()) {
        let line = AccessLine { circuit_id, remote_id, ..AccessLine::default() };
        let parsed = from_tags(&[line.to_tag()]).unwrap();
        prop_assert_eq!(parsed, Some(line));
    }

    /// Identifiers with any characteristics, in whole kbit/s (the tag's unit): read back
    /// whole, none counted as malformed.
    #[test]
    fn every_line_with_rates_parses_back_from_its_tag(
        circuit_id in any_id(),
        rates in proptest::collection::vec(proptest::option::of(any::<u32>()), 10),
        delays in proptest::collection::vec(proptest::option::of(any::<u32>()), 4),
        encapsulation in proptest::option::of(any::<[u8; 3]>()),
    ) {
        let mut line = AccessLine { circuit_id, ..AccessLine::default() };
        for (kind, kbps) in (ACTUAL_RATE_UP..).zip(rates) {
            if let Some(kbps) = kbps {
                line.access_loop.set(kind, Characteristic::Rate(u64::from(kbps) * 1000));
            }
        }
        for (kind, ms) in (MAXIMUM_DELAY_UP..).zip(delays) {
            if let Some(ms) = ms {
                line.access_loop.set(kind, Characteristic::Delay(ms));
            }
        }
        if let Some(e) = encapsulation {
            line.access_loop.set(ENCAPSULATION, Characteristic::Encapsulation(e));
        }
        let read = read_tags(&[line.to_tag()]).unwrap().unwrap();
        prop_assert_eq!(read.malformed_characteristics, 0);
        prop_assert_eq!(read.line, line);
    }

    /// Characteristic sub-options of any type and length after valid identifiers: never a
    /// panic, never the identifiers lost while the layout holds.
    #[test]
    fn arbitrary_characteristics_never_cost_the_identifiers(
        subs in proptest::collection::vec((0x80u8..=0xff, proptest::collection::vec(any::<u8>(), 0..10)), 0..8)
    ) {
        let mut value = vec![0, 0, 0x0d, 0xe9, 0x01, 1, b'c'];
        for (kind, bytes) in &subs {
            value.push(*kind);
            value.push(bytes.len() as u8);
            value.extend(bytes);
        }
        let read = read_tags(&[Tag::VendorSpecific(value)]).unwrap().unwrap();
        prop_assert_eq!(read.line.circuit_id.as_deref(), Some(&b"c"[..]));
    }
}
