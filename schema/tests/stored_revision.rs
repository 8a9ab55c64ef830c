//! A revision stored before the compact tree (keywords, keys and values as `String`s, values
//! in a `Vec`) reads back as the same tree, and is written again byte for byte: the commit
//! database keeps revisions as this JSON, so the change of the tree's types must not change
//! what is stored (issue 15, item 4).
//!
//! `data/main_revision.json` was written by the tree before the change (main at a2a3d3d,
//! `serde_json::to_string` of `parse_config` of `data/main_revision.conf`, as commit-db's
//! frames write it). The configuration has keyed entries, a keyless list, a leaf-list, a
//! secret, an `inactive:` statement, an annotation, and names and values longer than the 24
//! octets a word holds in place.

use schema::parse::parse_config;
use schema::tree::Node;

const TEXT: &str = include_str!("data/main_revision.conf");
const STORED: &str = include_str!("data/main_revision.json");

#[test]
fn a_revision_stored_before_the_compact_tree_reads_back_equal() {
    let stored: Node = serde_json::from_str(STORED.trim_end()).unwrap();
    let parsed = parse_config(TEXT).unwrap();
    assert_eq!(stored, parsed);
    assert_eq!(serde_json::to_string(&stored).unwrap(), STORED.trim_end());
    // Read from bytes (as commit-db's frames are) as well as from a string.
    let from_bytes: Node = serde_json::from_slice(STORED.trim_end().as_bytes()).unwrap();
    assert_eq!(from_bytes, parsed);
}

/// The long words are there, so the test covers both the in-place and the heap forms.
#[test]
fn the_fixture_has_words_beyond_the_inline_length() {
    let parsed = parse_config(TEXT).unwrap();
    let json = serde_json::to_string(&parsed).unwrap();
    assert!(json.contains("tunnel-profile a-tunnel-profile-with-a-long-name-0123456789"));
    assert!(json.contains("a-gateway-name-beyond-the-24-octets-held-in-place"));
    assert!(json.contains("\"inactive\":true"));
    assert!(json.contains("\"annotation\":"));
}
