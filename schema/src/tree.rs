//! The configuration tree: what a candidate or a committed configuration is.
//!
//! The tree is generic (it does not embed the schema) but every tree the product builds has
//! been checked against the schema table, so a node's meaning is fixed by its position:
//! a container or list entry has children, a leaf has one value, a leaf-list many, a flag none.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

mod children;
mod values;
pub use children::{Children, Entry, OccupiedEntry, VacantEntry};
pub use values::Values;

/// A keyword, a key or a value: a string of up to 24 octets held in place (every keyword of
/// the schema, nearly every key and value), longer ones on the heap. A large configuration
/// has hundreds of thousands of these; as `String`s each was an allocation of its own and a
/// cache miss on every walk of the tree (issue 15, item 4). Derefs to `str`.
pub type Word = compact_str::CompactString;

/// Names one statement among its siblings: `services`, or `tunnel-profile tp1` for a list entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    pub keyword: Word,
    /// The key of a list entry (`tp1` in `tunnel-profile tp1`); `None` for everything else.
    pub key: Option<Word>,
}

impl NodeId {
    pub fn new(keyword: impl Into<Word>) -> Self {
        NodeId {
            keyword: keyword.into(),
            key: None,
        }
    }
    pub fn entry(keyword: impl Into<Word>, key: impl Into<Word>) -> Self {
        NodeId {
            keyword: keyword.into(),
            key: Some(key.into()),
        }
    }
}

impl NodeId {
    /// The words an operator types for this statement: the keyword and the key, or the key
    /// alone for an entry of a keyless list (`127.0.0.0/8` in `client-list L 127.0.0.0/8`).
    pub fn words(&self) -> impl Iterator<Item = &Word> {
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
            // Written straight into the output, not first into a string of its own: a
            // revision of 20,000 profiles has 40,000 keyed entries (issue 15, item 4).
            Some(k) => s.collect_str(&format_args!("{} {}", self.keyword, k)),
        }
    }
}

impl<'de> Deserialize<'de> for NodeId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(NodeIdVisitor)
    }
}

/// Reads the name from the input's own text where it can (no `String` in between).
struct NodeIdVisitor;

impl serde::de::Visitor<'_> for NodeIdVisitor {
    type Value = NodeId;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a statement's name")
    }
    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<NodeId, E> {
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
    #[serde(default, skip_serializing_if = "Values::is_empty")]
    pub values: Values,
    /// Children in canonical order (schema order; list entries in their own order).
    #[serde(default, skip_serializing_if = "Children::is_empty")]
    pub children: Children,
    /// `inactive:` — kept in the configuration but ignored at commit.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inactive: bool,
    /// `/* annotation */` shown above the statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotation: Option<String>,
}

/// Equal as `IndexMap`s are (the same children, in any order), but children in the same
/// order, which two versions of one configuration nearly always have, are compared by
/// position instead of one hash lookup each, and a subtree both versions share is equal
/// without a look inside: `show | compare` and commit compare large trees (issue 15, item 4).
impl PartialEq for Node {
    fn eq(&self, other: &Node) -> bool {
        std::ptr::eq(self, other)
            || (self.values == other.values
                && self.inactive == other.inactive
                && self.annotation == other.annotation
                && self.children == other.children)
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

    /// [`Node::has_inactive`], knowing it of `previous`, a version of this tree: when
    /// `previous` has no inactive statement, neither has any subtree the two share, so only
    /// what this version changed is searched (a commit of a small change does not walk the
    /// whole configuration for it).
    pub fn has_inactive_since(&self, previous: &Node, previous_has_inactive: bool) -> bool {
        if previous_has_inactive {
            return self.has_inactive();
        }
        self.children
            .shared()
            .enumerate()
            .any(
                |(index, (id, child))| match previous.children.counterpart(index, id) {
                    Some(theirs) if Arc::ptr_eq(child, theirs) => false,
                    theirs => {
                        child.inactive
                            || match theirs {
                                Some(theirs) => child.has_inactive_since(theirs, false),
                                None => child.has_inactive(),
                            }
                    }
                },
            )
    }

    /// A copy of the tree without `inactive:` statements: what the engine sees. An inactive
    /// grouped list's own block (`inactive: interfaces { ... }`, the keyword without a key)
    /// takes every entry of its list with it.
    pub fn active_only(&self) -> Node {
        let inactive_lists: Vec<&Word> = self
            .children
            .iter()
            .filter(|(id, n)| n.inactive && id.key.is_none())
            .map(|(id, _)| &id.keyword)
            .collect();
        let dropped = |id: &NodeId, n: &Node| {
            n.inactive || (id.key.is_some() && inactive_lists.contains(&&id.keyword))
        };
        Node {
            values: self.values.clone(),
            children: self
                .children
                .iter()
                .filter(|(id, n)| !dropped(id, n))
                .map(|(id, n)| (id.clone(), n.active_only()))
                .collect(),
            inactive: false,
            annotation: None,
        }
    }

    /// Gives back the spare capacity the maps and lists grew while the tree was built: a
    /// committed configuration is kept for a long time and large ones have 100,000+ nodes.
    /// Children another tree shares are left as they are (shrinking them would copy them).
    pub fn shrink_to_fit(&mut self) {
        self.values.shrink_to_fit();
        self.children.shrink_to_fit();
        for child in self.children.shared_slots_mut() {
            if let Some(child) = Arc::get_mut(child) {
                child.shrink_to_fit();
            }
        }
    }

    /// A copy that shares nothing with this tree, each part at its length: the tree a fresh
    /// parse or a revision read back gives (tests build unshared trees with it).
    #[cfg(test)]
    pub(crate) fn compacted(&self) -> Node {
        let mut children = Children::with_capacity(self.children.len());
        for (id, child) in self.children.shared() {
            children.insert_shared(id.clone(), Arc::new(child.compacted()));
        }
        Node {
            values: self.values.iter().cloned().collect(),
            children,
            inactive: self.inactive,
            annotation: self.annotation.clone(),
        }
    }

    /// Makes this tree share, with `other`, every subtree equal to `other`'s at the same
    /// path, and frees its own copies of them: a configuration loaded whole (`load
    /// override`, `rollback`) then shares what it did not change with the committed one, so
    /// the comparison and the commit that follow cost what it changed. Returns whether the
    /// two trees are equal.
    pub fn share_with(&mut self, other: &Node) -> bool {
        if std::ptr::eq(self, other) {
            return true;
        }
        let mut equal = self.values == other.values
            && self.inactive == other.inactive
            && self.annotation == other.annotation
            && self.children.len() == other.children.len();
        for (position, (id, slot)) in self.children.shared_entries_mut().enumerate() {
            let theirs = match other.children.get_index(position) {
                Some((other_id, _)) if other_id == id => other.children.shared_at(position),
                _ => other.children.get_shared(id),
            };
            let Some(theirs) = theirs else {
                equal = false;
                continue;
            };
            if Arc::ptr_eq(slot, theirs) {
                continue;
            }
            // Only a node no other tree holds is changed in place; a shared one is compared.
            let same = match Arc::get_mut(slot) {
                Some(mine) => mine.share_with(theirs),
                None => **slot == **theirs,
            };
            if same {
                *slot = Arc::clone(theirs);
            } else {
                equal = false;
            }
        }
        equal
    }

    /// Number of nodes below (and including) this one; used to size work and in benchmarks.
    pub fn count(&self) -> usize {
        1 + self.children.values().map(Node::count).sum::<usize>()
    }
}

/// Quotes a word for printing when the grammar would not read it back as one bare word.
pub fn quote_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    push_word(&mut out, word, false);
    out
}

/// [`quote_word`] written at the end of `out` (the printers write a whole configuration
/// into one string, without a string per word); `always`: quoted even when it could stand
/// bare, as Junos shows secrets.
pub fn push_word(out: &mut String, word: &str, always: bool) {
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
    if bare && !always {
        out.push_str(word);
        return;
    }
    out.reserve(word.len() + 2);
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
}

/// `set` without the parser, for tests of the typed view and the validators.
#[cfg(test)]
pub(crate) mod test_paths {
    use super::{Node, NodeId, Path};

    /// `path` is space-separated words, `keyword=key` for list entries.
    pub(crate) fn ids(path: &str) -> Path {
        path.split(' ')
            .map(|w| match w.split_once('=') {
                Some((kw, key)) => NodeId::entry(kw, key),
                None => NodeId::new(w),
            })
            .collect()
    }

    /// Sets the statement at `path` to `values`, making the levels above it.
    pub(crate) fn set(root: &mut Node, path: &str, values: &[&str]) {
        root.ensure(&ids(path)).values = values.iter().copied().collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stored form of a keyed statement's name is one JSON string, escaped as a string
    /// would be, and reads back as the same id.
    #[test]
    fn keyed_ids_serialise_as_one_string() {
        for id in [
            NodeId::new("system"),
            NodeId::entry("tunnel-profile", "tp1"),
            NodeId::entry("user", "a \"quoted\\ name\u{1}"),
        ] {
            let json = serde_json::to_string(&id).unwrap();
            let words = match &id.key {
                Some(k) => format!("{} {k}", id.keyword),
                None => id.keyword.to_string(),
            };
            assert_eq!(json, serde_json::to_string(&words).unwrap());
            assert_eq!(serde_json::from_str::<NodeId>(&json).unwrap(), id);
        }
    }

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
        t.values.push("v");
        let child = Node {
            annotation: Some("note".into()),
            inactive: true,
            ..Node::default()
        };
        t.children
            .insert(NodeId::entry("tunnel-profile", "tp1"), child);
        let c = t.compacted();
        assert_eq!(c, t);
        assert_eq!(c.values.capacity(), 1);
        assert!(c.children.capacity() < 64);
    }

    fn words(line: &str) -> Vec<String> {
        line.split(' ').map(String::from).collect()
    }

    fn profiles(n: usize) -> Node {
        let mut t = Node::default();
        for i in 0..n {
            let line = format!("access tunnel-profile tp{i} tunnel 1 preference 0");
            crate::edit::set(&mut t, &words(&line)).unwrap();
        }
        crate::edit::set(&mut t, &words("system host-name r1")).unwrap();
        t
    }

    fn shared_child(a: &Node, b: &Node, path: &[NodeId]) -> bool {
        let Some((last, parent)) = path.split_last() else {
            return false;
        };
        let (Some(pa), Some(pb)) = (a.get(parent), b.get(parent)) else {
            return false;
        };
        match (pa.children.get_shared(last), pb.children.get_shared(last)) {
            (Some(x), Some(y)) => Arc::ptr_eq(x, y),
            _ => false,
        }
    }

    /// An edit copies the nodes on its path only: the candidate's siblings of the edited
    /// profile, and the other top-level statements, are the committed tree's own.
    #[test]
    fn an_edit_does_not_copy_untouched_subtrees() {
        let committed = profiles(50);
        let mut candidate = committed.clone();
        crate::edit::set(
            &mut candidate,
            &words("access tunnel-profile tp7 tunnel 1 preference 3"),
        )
        .unwrap();
        let access = NodeId::new("access");
        let tp = |i: usize| {
            vec![
                access.clone(),
                NodeId::entry("tunnel-profile", format!("tp{i}")),
            ]
        };
        assert!(!shared_child(&committed, &candidate, &tp(7)));
        assert!(!shared_child(
            &committed,
            &candidate,
            std::slice::from_ref(&access)
        ));
        for i in (0..50).filter(|i| *i != 7) {
            assert!(
                shared_child(&committed, &candidate, &tp(i)),
                "tp{i} was copied"
            );
        }
        assert!(shared_child(
            &committed,
            &candidate,
            &[NodeId::new("system")]
        ));
        // And the committed tree did not see the edit.
        let pref = |t: &Node| {
            let mut p = tp(7);
            p.extend([NodeId::entry("tunnel", "1"), NodeId::new("preference")]);
            t.get(&p).map(|n| n.values.to_strings())
        };
        assert_eq!(pref(&committed), Some(vec!["0".to_string()]));
        assert_eq!(pref(&candidate), Some(vec!["3".to_string()]));
    }

    /// A tree loaded whole shares, afterwards, every subtree equal to the committed one's.
    #[test]
    fn share_with_shares_the_equal_subtrees() {
        let committed = profiles(20);
        let mut loaded = committed.compacted();
        crate::edit::set(&mut loaded, &words("system host-name r2")).unwrap();
        assert!(!loaded.share_with(&committed));
        let access = [NodeId::new("access")];
        assert!(shared_child(&committed, &loaded, &access));
        assert!(!shared_child(&committed, &loaded, &[NodeId::new("system")]));
        let mut same = committed.compacted();
        assert!(same.share_with(&committed));
        assert!(shared_child(&committed, &same, &access));
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
                values: values.into(),
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
