use proptest::prelude::*;

use super::*;

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
    }
}

fn tag(bytes: &[u8]) -> Vec<Tag> {
    vec![
        Tag::ServiceName(Vec::new()),
        Tag::VendorSpecific(bytes.to_vec()),
    ]
}

#[test]
fn a_dslams_tag_gives_both_identifiers() {
    assert_eq!(
        from_tags(&tag(DSLAM_TAG)),
        Ok(Some(line(Some("dslam1 eth 1/1/2:100"), Some("cpe-42"))))
    );
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
        let line = AccessLine { circuit_id, remote_id };
        let parsed = from_tags(&[line.to_tag()]).unwrap();
        prop_assert_eq!(parsed, Some(line));
    }
}
