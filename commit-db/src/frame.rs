//! The layout of every value this crate stores: an 8-byte little-endian FNV-1a 64 checksum of
//! the payload, then the payload (JSON).

use crate::checksum::fnv1a64;
use serde::de::DeserializeOwned;
use serde::Serialize;

const HEADER: usize = 8;

/// Why a stored value could not be read back; the caller names the record.
#[derive(Debug)]
pub(crate) enum FrameError {
    Truncated(usize),
    ChecksumMismatch,
    Malformed(serde_json::Error),
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::Truncated(len) => write!(f, "truncated ({len} bytes)"),
            FrameError::ChecksumMismatch => f.write_str("checksum mismatch"),
            FrameError::Malformed(e) => write!(f, "undecodable contents ({e})"),
        }
    }
}

/// Serialises `value` and prepends its checksum. The JSON is written straight after a
/// reserved header so a multi-megabyte snapshot is not copied a second time.
pub(crate) fn seal<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let mut buf = Vec::with_capacity(4096);
    buf.extend_from_slice(&[0; HEADER]);
    serde_json::to_writer(&mut buf, value)?;
    let sum = fnv1a64(buf.get(HEADER..).unwrap_or_default());
    if let Some(header) = buf.get_mut(..HEADER) {
        header.copy_from_slice(&sum.to_le_bytes());
    }
    Ok(buf)
}

/// Verifies the checksum and decodes the payload.
pub(crate) fn open<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, FrameError> {
    let (Some(header), Some(payload)) = (bytes.get(..HEADER), bytes.get(HEADER..)) else {
        return Err(FrameError::Truncated(bytes.len()));
    };
    let mut stored = [0u8; HEADER];
    stored.copy_from_slice(header);
    if u64::from_le_bytes(stored) != fnv1a64(payload) {
        return Err(FrameError::ChecksumMismatch);
    }
    serde_json::from_slice(payload).map_err(FrameError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use schema::{Node, NodeId};

    fn sample() -> Node {
        let mut n = Node::default();
        n.ensure(&[NodeId::new("system"), NodeId::new("host-name")])
            .values
            .push("r1");
        n
    }

    #[test]
    fn round_trip() {
        let bytes = seal(&sample()).unwrap();
        assert_eq!(open::<Node>(&bytes).unwrap(), sample());
    }

    #[test]
    fn every_flipped_byte_is_refused() {
        let bytes = seal(&sample()).unwrap();
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x01;
            assert!(
                matches!(open::<Node>(&bad), Err(FrameError::ChecksumMismatch)),
                "flip at byte {i} not detected"
            );
        }
    }

    #[test]
    fn short_values_are_refused() {
        for len in 0..HEADER {
            assert!(
                matches!(open::<Node>(&vec![0; len]), Err(FrameError::Truncated(l)) if l == len)
            );
        }
    }

    fn arb_tree() -> impl Strategy<Value = Node> {
        let word = "[a-z0-9 \"\\\\/.-]{0,12}";
        let leaf = (
            prop::collection::vec(word, 0..3),
            any::<bool>(),
            prop::option::of(word),
        )
            .prop_map(|(values, inactive, annotation)| Node {
                values: values.into(),
                inactive,
                annotation,
                ..Node::default()
            });
        leaf.prop_recursive(4, 64, 6, move |inner| {
            prop::collection::vec((("[a-z-]{1,10}", prop::option::of(word)), inner), 0..6).prop_map(
                |kids| {
                    let mut n = Node::default();
                    for ((keyword, key), child) in kids {
                        let id = match key {
                            Some(key) => NodeId::entry(keyword, key),
                            None => NodeId::new(keyword),
                        };
                        n.children.insert(id, child);
                    }
                    n
                },
            )
        })
    }

    proptest! {
        #[test]
        fn any_tree_round_trips(tree in arb_tree()) {
            prop_assert_eq!(open::<Node>(&seal(&tree).unwrap()).unwrap(), tree);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let _ = open::<Node>(&bytes);
        }

        #[test]
        fn any_flipped_bit_is_refused(tree in arb_tree(), at in any::<prop::sample::Index>(), bit in 0u8..8) {
            let mut bytes = seal(&tree).unwrap();
            let i = at.index(bytes.len());
            bytes[i] ^= 1 << bit;
            prop_assert!(open::<Node>(&bytes).is_err());
        }
    }

    #[test]
    fn valid_checksum_over_garbage_is_malformed() {
        let payload = b"{not json";
        let mut bytes = fnv1a64(payload).to_le_bytes().to_vec();
        bytes.extend_from_slice(payload);
        assert!(matches!(
            open::<Node>(&bytes),
            Err(FrameError::Malformed(_))
        ));
    }
}
