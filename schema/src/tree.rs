//! The configuration tree: what a candidate or a committed configuration is.
//!
//! The tree is generic (it does not embed the schema) but every tree the product builds has
//! been checked against the schema table, so a node's meaning is fixed by its position:
//! a container or list entry has children, a leaf has one value, a leaf-list many, a flag none.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Names one statement among its siblings: `services`, or `tunnel-profile tp1` for a list entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    pub keyword: String,
    /// The key of a list entry (`tp1` in `tunnel-profile tp1`); `None` for everything else.
    pub key: Option<String>,
}

impl NodeId {
    pub fn new(keyword: impl Into<String>) -> Self {
        NodeId {
            keyword: keyword.into(),
            key: None,
        }
    }
    pub fn entry(keyword: impl Into<String>, key: impl Into<String>) -> Self {
        NodeId {
            keyword: keyword.into(),
            key: Some(key.into()),
        }
    }
}

impl NodeId {
    /// The words an operator types for this statement: the keyword and the key, or the key
    /// alone for an entry of a keyless list (`127.0.0.0/8` in `client-list L 127.0.0.0/8`).
    pub fn words(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.keyword)
            .filter(|k| !k.is_empty())
            .chain(self.key.as_ref())
    }
}

/// Shown as the words an operator types: `tunnel-profile tp1`, keys quoted when they need it.
impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.key, self.keyword.is_empty()) {
            (Some(key), true) => f.write_str(&quote_word(key)),
            (Some(key), false) => write!(f, "{} {}", self.keyword, quote_word(key)),
            (None, _) => f.write_str(&self.keyword),
        }
    }
}

// Serialised as one string, "keyword" or "keyword key": keywords never contain a space, so the
// first space splits them back. This keeps JSON maps keyed by plain strings.
impl Serialize for NodeId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.key {
            None => s.serialize_str(&self.keyword),
            Some(k) => s.serialize_str(&format!("{} {}", self.keyword, k)),
        }
    }
}

impl<'de> Deserialize<'de> for NodeId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.split_once(' ') {
            Some((kw, key)) => NodeId::entry(kw, key),
            None => NodeId::new(s),
        })
    }
}

/// A path from the root: `[edit access tunnel-profile tp1 tunnel 1]`.
pub type Path = Vec<NodeId>;

/// Renders a path as the words of an `[edit ...]` banner or a `set` line.
pub fn path_words(path: &[NodeId]) -> String {
    path.iter()
        .map(|id| id.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// One statement and everything below it.
#[derive(Clone, Debug, Default, Eq, Serialize, Deserialize)]
pub struct Node {
    /// A leaf's value, or a leaf-list's members; empty for containers, list entries and flags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// Children in canonical order (schema order; list entries in their own order).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub children: IndexMap<NodeId, Node>,
    /// `inactive:` — kept in the configuration but ignored at commit.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inactive: bool,
    /// `/* annotation */` shown above the statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotation: Option<String>,
}

/// Equal as `IndexMap`s are (the same children, in any order), but children in the same
/// order, which two versions of one configuration nearly always have, are compared by
/// position instead of one hash lookup each: `show | compare` and commit compare large
/// trees (issue 15, item 4).
impl PartialEq for Node {
    fn eq(&self, other: &Node) -> bool {
        if self.values != other.values
            || self.inactive != other.inactive
            || self.annotation != other.annotation
            || self.children.len() != other.children.len()
        {
            return false;
        }
        for ((a_id, a), (b_id, b)) in self.children.iter().zip(other.children.iter()) {
            if a_id != b_id {
                // Another order: the map comparison decides (a hash lookup per child).
                return self.children == other.children;
            }
            if a != b {
                return false;
            }
        }
        true
    }
}

impl Node {
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.children.is_empty()
    }

    pub fn get(&self, path: &[NodeId]) -> Option<&Node> {
        let mut node = self;
        for id in path {
            node = node.children.get(id)?;
        }
        Some(node)
    }

    pub fn get_mut(&mut self, path: &[NodeId]) -> Option<&mut Node> {
        let mut node = self;
        for id in path {
            node = node.children.get_mut(id)?;
        }
        Some(node)
    }

    /// Returns the node at `path`, creating missing nodes on the way (appended at the end:
    /// callers that care about canonical order re-sort with the schema).
    pub fn ensure(&mut self, path: &[NodeId]) -> &mut Node {
        let mut node = self;
        for id in path {
            node = node.children.entry(id.clone()).or_default();
        }
        node
    }

    /// Removes the node at `path`; returns it if it was there.
    pub fn remove(&mut self, path: &[NodeId]) -> Option<Node> {
        let (last, parent) = path.split_last()?;
        self.get_mut(parent)?.children.shift_remove(last)
    }

    /// The tree without `inactive:` statements, copied only when there are any (a large
    /// configuration with nothing deactivated is not copied at every commit).
    pub fn without_inactive(&self) -> std::borrow::Cow<'_, Node> {
        if self.has_inactive() {
            std::borrow::Cow::Owned(self.active_only())
        } else {
            std::borrow::Cow::Borrowed(self)
        }
    }

    /// True if any statement below is `inactive:`.
    pub fn has_inactive(&self) -> bool {
        self.children
            .values()
            .any(|c| c.inactive || c.has_inactive())
    }

    /// A copy of the tree without `inactive:` statements: what the engine sees.
    pub fn active_only(&self) -> Node {
        Node {
            values: self.values.clone(),
            children: self
                .children
                .iter()
                .filter(|(_, n)| !n.inactive)
                .map(|(id, n)| (id.clone(), n.active_only()))
                .collect(),
            inactive: false,
            annotation: None,
        }
    }

    /// Gives back the spare capacity the maps and lists grew while the tree was built: a
    /// committed configuration is kept for a long time and large ones have 100,000+ nodes.
    pub fn shrink_to_fit(&mut self) {
        self.values.shrink_to_fit();
        self.children.shrink_to_fit();
        for child in self.children.values_mut() {
            child.shrink_to_fit();
        }
    }

    /// The same tree in fresh allocations of exactly the size each part needs, taken once
    /// whatever built this one (a parser's tokens, a deserialiser's buffers, the previous
    /// configuration) has been freed: the copy fills those holes, and the pages this one
    /// held, interleaved with that garbage, come free whole when it is dropped, so
    /// `malloc_trim` can return them (issue 15, item 4: the daemon's RSS after a large
    /// `load override` + `commit`). Shrunk first: a clone copies each hash table's capacity.
    pub fn compacted(mut self) -> Node {
        self.shrink_to_fit();
        self.clone()
    }

    /// Number of nodes below (and including) this one; used to size work and in benchmarks.
    pub fn count(&self) -> usize {
        1 + self.children.values().map(Node::count).sum::<usize>()
    }
}

/// Quotes a word for printing when the grammar would not read it back as one bare word.
pub fn quote_word(word: &str) -> String {
    let bare = !word.is_empty()
        && word.chars().all(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '"' | '\'' | ';' | '{' | '}' | '[' | ']' | '#' | '\\' | '|'
                )
        })
        && !word.starts_with("/*")
        // Junos quotes dynamic-profile variables: `unit "$junos-interface-unit"`.
        && !word.starts_with('$');
    if bare {
        word.to_string()
    } else {
        let mut out = String::with_capacity(word.len() + 2);
        out.push('"');
        for c in word.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                _ => out.push(c),
            }
        }
        out.push('"');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ensure_get_remove() {
        let mut root = Node::default();
        let p = vec![
            NodeId::new("access"),
            NodeId::entry("tunnel-profile", "tp1"),
        ];
        root.ensure(&p).values.clear();
        assert!(root.get(&p).is_some());
        assert!(root.remove(&p).is_some());
        assert!(root.get(&p).is_none());
        assert!(root.get(&p[..1]).is_some());
    }

    #[test]
    fn compacted_is_the_same_tree_at_its_length() {
        let mut t = Node::default();
        t.children.reserve(64);
        t.values.reserve(16);
        t.values.push("v".into());
        let child = Node {
            annotation: Some("note".into()),
            inactive: true,
            ..Node::default()
        };
        t.children
            .insert(NodeId::entry("tunnel-profile", "tp1"), child);
        let c = t.clone().compacted();
        assert_eq!(c, t);
        assert_eq!(c.values.capacity(), 1);
        assert!(c.children.capacity() < 64);
    }

    /// The map comparison the derived `PartialEq` made: the same children in any order.
    fn map_eq(a: &Node, b: &Node) -> bool {
        a.values == b.values
            && a.inactive == b.inactive
            && a.annotation == b.annotation
            && a.children.len() == b.children.len()
            && a.children
                .iter()
                .all(|(id, child)| b.children.get(id).is_some_and(|other| map_eq(child, other)))
    }

    fn small_tree() -> impl proptest::strategy::Strategy<Value = Node> {
        use proptest::prelude::*;
        let leaf = (proptest::collection::vec("[ab]", 0..2), any::<bool>()).prop_map(
            |(values, inactive)| Node {
                values,
                inactive,
                ..Node::default()
            },
        );
        leaf.prop_recursive(3, 24, 4, |inner| {
            proptest::collection::vec((0u8..4, proptest::option::of(0u8..3), inner), 0..4).prop_map(
                |children| Node {
                    children: children
                        .into_iter()
                        .map(|(k, key, n)| {
                            let id = match key {
                                Some(key) => NodeId::entry(format!("k{k}"), key.to_string()),
                                None => NodeId::new(format!("k{k}")),
                            };
                            (id, n)
                        })
                        .collect(),
                    ..Node::default()
                },
            )
        })
    }

    proptest::proptest! {
        /// Same answer as the map comparison, for equal trees, trees in another order and
        /// different trees.
        #[test]
        fn eq_is_the_map_comparison(a in small_tree(), b in small_tree(), flip in proptest::prelude::any::<bool>()) {
            proptest::prop_assert_eq!(a == b, map_eq(&a, &b));
            let mut reordered = a.clone();
            if flip {
                reordered.children.reverse();
            }
            proptest::prop_assert!(reordered == a);
            proptest::prop_assert!(map_eq(&reordered, &a));
        }
    }

    #[test]
    fn node_id_json_round_trip() {
        let id = NodeId::entry("map", "example net");
        let s = serde_json::to_string(&id).unwrap();
        assert_eq!(s, "\"map example net\"");
        assert_eq!(serde_json::from_str::<NodeId>(&s).unwrap(), id);
    }

    #[test]
    fn quoting() {
        assert_eq!(quote_word("ge-0/0/0"), "ge-0/0/0");
        assert_eq!(quote_word("a b"), "\"a b\"");
        assert_eq!(quote_word(""), "\"\"");
        assert_eq!(quote_word("x\"y"), "\"x\\\"y\"");
        // `|` starts a pipe on a command line: a value holding one must be quoted.
        assert_eq!(quote_word("|a"), "\"|a\"");
        assert_eq!(
            quote_word("$junos-interface-unit"),
            "\"$junos-interface-unit\""
        );
    }
}
