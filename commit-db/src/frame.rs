//! The layout of every value this crate stores: an 8-byte little-endian FNV-1a 64 checksum of
//! what follows it, then either the JSON itself (small records, and every value written
//! before issue 15) or a compressed body:
//!
//! ```text
//! [0..8)   FNV-1a 64 of bytes [8..)
//! [8]      0x01: zstd (no JSON text starts with this byte, so the old layout stays readable)
//! [9..17)  the JSON's length, u64 little-endian
//! [17..)   one zstd frame holding the JSON
//! ```
//!
//! Configuration trees are stored compressed, as Junos keeps `juniper.conf.N.gz`: at 20,000
//! tunnel profiles the JSON is 8.6 MB and zstd level 1 makes it about 0.5 MB, and copying
//! the bytes into the page cache was what grew fastest in a commit. The checksum covers the
//! compressed bytes, so damage is refused before the decompressor sees it.

use crate::checksum::fnv1a64;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::io::Write;

const HEADER: usize = 8;
/// The first byte of a compressed body; a JSON text starts with `{`, `[`, `"`, a digit, `-`,
/// `t`, `f` or `n`.
const ZSTD: u8 = 0x01;
const LENGTH: usize = 8;
/// zstd's fastest regular level: about a twentieth of the JSON for the cost of one copy.
const LEVEL: i32 = 1;
/// The serialiser's many small writes are gathered into chunks of this size for the encoder.
const CHUNK: usize = 64 * 1024;
/// Larger than any configuration this daemon writes (its JSON is about 430 bytes per tunnel
/// profile); a stored length above it is damage, and is refused rather than allocated.
const MAX_JSON: u64 = 1 << 30;

/// Why a stored value could not be read back; the caller names the record.
#[derive(Debug)]
pub(crate) enum FrameError {
    Truncated(usize),
    ChecksumMismatch,
    /// The compressed body does not decompress to the length it records.
    Compressed(String),
    Malformed(serde_json::Error),
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::Truncated(len) => write!(f, "truncated ({len} bytes)"),
            FrameError::ChecksumMismatch => f.write_str("checksum mismatch"),
            FrameError::Compressed(why) => write!(f, "undecompressible contents ({why})"),
            FrameError::Malformed(e) => write!(f, "undecodable contents ({e})"),
        }
    }
}

/// Serialises `value` as plain JSON and prepends its checksum, for small records. The JSON
/// is written straight after a reserved header so it is not copied a second time.
pub(crate) fn seal<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let mut buf = Vec::with_capacity(4096);
    buf.extend_from_slice(&[0; HEADER]);
    serde_json::to_writer(&mut buf, value)?;
    Ok(checksummed(buf))
}

/// Serialises `value` compressed, for configuration trees. The JSON is streamed through the
/// encoder in chunks and never held whole: a multi-megabyte buffer, fresh pages each commit,
/// was part of what the commit paid.
pub(crate) fn seal_compressed<T: Serialize + ?Sized>(
    value: &T,
) -> Result<Vec<u8>, serde_json::Error> {
    let mut buf = Vec::with_capacity(CHUNK);
    buf.extend_from_slice(&[0; HEADER]);
    buf.push(ZSTD);
    buf.extend_from_slice(&[0; LENGTH]);
    let mut encoder =
        zstd::stream::write::Encoder::new(buf, LEVEL).map_err(serde_json::Error::io)?;
    // The frame's checksum of the JSON: damage behind a valid FNV (a bug, an edit of the
    // file) is then refused by the decompressor instead of decoding to another tree.
    encoder
        .include_checksum(true)
        .map_err(serde_json::Error::io)?;
    let mut counted = Counted {
        inner: encoder,
        bytes: 0,
    };
    {
        let mut chunks = std::io::BufWriter::with_capacity(CHUNK, &mut counted);
        serde_json::to_writer(&mut chunks, value)?;
        chunks.flush().map_err(serde_json::Error::io)?;
    }
    let json_len = counted.bytes;
    let mut buf = counted.inner.finish().map_err(serde_json::Error::io)?;
    if let Some(length) = buf.get_mut(HEADER + 1..HEADER + 1 + LENGTH) {
        length.copy_from_slice(&json_len.to_le_bytes());
    }
    Ok(checksummed(buf))
}

/// Fills the reserved header of `buf` with the checksum of the rest.
fn checksummed(mut buf: Vec<u8>) -> Vec<u8> {
    let sum = fnv1a64(buf.get(HEADER..).unwrap_or_default());
    if let Some(header) = buf.get_mut(..HEADER) {
        header.copy_from_slice(&sum.to_le_bytes());
    }
    buf
}

/// Counts the JSON's bytes on their way into the encoder.
struct Counted<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(data)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Verifies the checksum and decodes the payload, plain or compressed.
pub(crate) fn open<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, FrameError> {
    let (Some(header), Some(payload)) = (bytes.get(..HEADER), bytes.get(HEADER..)) else {
        return Err(FrameError::Truncated(bytes.len()));
    };
    let mut stored = [0u8; HEADER];
    stored.copy_from_slice(header);
    if u64::from_le_bytes(stored) != fnv1a64(payload) {
        return Err(FrameError::ChecksumMismatch);
    }
    match payload.split_first() {
        Some((&ZSTD, body)) => {
            let json = decompress(body)?;
            serde_json::from_slice(&json).map_err(FrameError::Malformed)
        }
        _ => serde_json::from_slice(payload).map_err(FrameError::Malformed),
    }
}

/// The JSON of a compressed body: its recorded length, then exactly that many bytes.
fn decompress(body: &[u8]) -> Result<Vec<u8>, FrameError> {
    let (Some(length), Some(frame)) = (body.get(..LENGTH), body.get(LENGTH..)) else {
        return Err(FrameError::Truncated(HEADER + 1 + body.len()));
    };
    let mut recorded = [0u8; LENGTH];
    recorded.copy_from_slice(length);
    let recorded = u64::from_le_bytes(recorded);
    if recorded > MAX_JSON {
        return Err(FrameError::Compressed(format!(
            "records {recorded} bytes, more than the {MAX_JSON} a configuration may have"
        )));
    }
    // At most 1 GiB, so the conversion cannot fail on the 64-bit targets the daemon runs on.
    let capacity = usize::try_from(recorded)
        .map_err(|_| FrameError::Compressed(format!("records {recorded} bytes")))?;
    let json = zstd::bulk::decompress(frame, capacity)
        .map_err(|e| FrameError::Compressed(e.to_string()))?;
    if json.len() != capacity {
        return Err(FrameError::Compressed(format!(
            "{} bytes where {recorded} were recorded",
            json.len()
        )));
    }
    Ok(json)
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

    /// Each byte of `bytes` flipped in turn is refused by the checksum.
    fn assert_every_flipped_byte_refused(bytes: &[u8]) {
        for i in 0..bytes.len() {
            let mut bad = bytes.to_vec();
            bad[i] ^= 0x01;
            assert!(
                matches!(open::<Node>(&bad), Err(FrameError::ChecksumMismatch)),
                "flip at byte {i} not detected"
            );
        }
    }

    #[test]
    fn every_flipped_byte_is_refused() {
        assert_every_flipped_byte_refused(&seal(&sample()).unwrap());
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

    /// A value in the layout written before compression, built here byte by byte rather
    /// than with `seal`, so the test holds even if `seal` changes.
    fn old_layout(tree: &Node) -> Vec<u8> {
        let json = serde_json::to_vec(tree).unwrap();
        let mut bytes = fnv1a64(&json).to_le_bytes().to_vec();
        bytes.extend_from_slice(&json);
        bytes
    }

    /// Many profiles, as a tree the size of a real configuration's part.
    fn large() -> Node {
        let mut n = sample();
        for i in 0..2000 {
            let profile = n.ensure(&[
                NodeId::new("access"),
                NodeId::entry("tunnel-profile", format!("tp{i}")),
            ]);
            profile
                .ensure(&[NodeId::entry("tunnel", "1"), NodeId::new("identification")])
                .values
                .push(format!("lns{i}"));
        }
        n
    }

    #[test]
    fn compressed_round_trip() {
        for tree in [sample(), large(), Node::default()] {
            let bytes = seal_compressed(&tree).unwrap();
            assert_eq!(bytes[HEADER], ZSTD);
            assert_eq!(open::<Node>(&bytes).unwrap(), tree);
        }
    }

    #[test]
    fn compressed_is_a_fraction_of_the_json() {
        let tree = large();
        let (plain, compressed) = (seal(&tree).unwrap(), seal_compressed(&tree).unwrap());
        assert!(
            compressed.len() * 5 < plain.len(),
            "{} compressed against {} plain",
            compressed.len(),
            plain.len()
        );
    }

    #[test]
    fn a_value_written_before_compression_still_reads() {
        for tree in [sample(), large()] {
            assert_eq!(open::<Node>(&old_layout(&tree)).unwrap(), tree);
        }
    }

    #[test]
    fn every_flipped_byte_of_a_compressed_value_is_refused() {
        assert_every_flipped_byte_refused(&seal_compressed(&sample()).unwrap());
    }

    /// Rewrites the body after the checksum and seals it again: damage the checksum cannot
    /// see, as a bug or a deliberate edit would leave it.
    fn resealed(mut bytes: Vec<u8>, edit: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
        edit(&mut bytes);
        checksummed(bytes)
    }

    #[test]
    fn a_wrong_recorded_length_is_refused() {
        let good = seal_compressed(&large()).unwrap();
        let length = HEADER + 1..HEADER + 1 + LENGTH;
        for recorded in [0u64, 1, 100, MAX_JSON, MAX_JSON + 1, u64::MAX] {
            let bad = resealed(good.clone(), |b| {
                b[length.clone()].copy_from_slice(&recorded.to_le_bytes())
            });
            let err = open::<Node>(&bad).unwrap_err();
            assert!(
                matches!(err, FrameError::Compressed(_)),
                "{recorded}: {err}"
            );
            assert!(
                err.to_string().starts_with("undecompressible contents"),
                "{err}"
            );
        }
        let short = resealed(good, |b| b.truncate(HEADER + 1 + LENGTH - 1));
        assert!(matches!(
            open::<Node>(&short),
            Err(FrameError::Truncated(_))
        ));
    }

    #[test]
    fn a_compressed_value_that_is_not_json_is_malformed() {
        let mut bytes = vec![0; HEADER];
        bytes.push(ZSTD);
        let text = b"{not json";
        bytes.extend_from_slice(&(text.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&zstd::bulk::compress(text, LEVEL).unwrap());
        assert!(matches!(
            open::<Node>(&checksummed(bytes)),
            Err(FrameError::Malformed(_))
        ));
    }

    proptest! {
        #[test]
        fn any_tree_round_trips_compressed(tree in arb_tree()) {
            prop_assert_eq!(open::<Node>(&seal_compressed(&tree).unwrap()).unwrap(), tree);
        }

        /// Any damage behind a valid checksum is an error, never a panic or a wrong tree.
        #[test]
        fn damaged_compressed_bytes_are_an_error(
            tree in arb_tree(),
            at in any::<prop::sample::Index>(),
            byte in any::<u8>(),
            cut in any::<prop::sample::Index>(),
        ) {
            let good = seal_compressed(&tree).unwrap();
            let body = HEADER + 1 + LENGTH;
            let i = body + at.index(good.len() - body);
            prop_assume!(good[i] != byte);
            let changed = resealed(good.clone(), |b| b[i] = byte);
            // The frame's own checksum catches a change that still decodes; a change the
            // decoder ignores leaves the stored tree, which is then the right one.
            if let Ok(read) = open::<Node>(&changed) {
                prop_assert_eq!(read, tree.clone());
            }
            let cut = HEADER + 1 + cut.index(good.len() - HEADER - 1);
            let truncated = resealed(good, |b| b.truncate(cut));
            prop_assert!(open::<Node>(&truncated).is_err());
        }

        #[test]
        fn arbitrary_compressed_bodies_never_panic(
            length in any::<u32>(),
            frame in prop::collection::vec(any::<u8>(), 0..256),
        ) {
            let mut bytes = vec![0; HEADER];
            bytes.push(ZSTD);
            bytes.extend_from_slice(&u64::from(length).to_le_bytes());
            bytes.extend_from_slice(&frame);
            let _ = open::<Node>(&checksummed(bytes));
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
