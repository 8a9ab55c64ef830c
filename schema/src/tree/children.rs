//! The children of a configuration node, shared between versions of a configuration.
//!
//! Each child sits behind an `Arc`: a candidate starts as a clone of the committed tree that
//! copies one level of pointers, an edit copies only the nodes on its path
//! (`Arc::make_mut`, copy on write), and a comparison of two versions skips every subtree
//! they still share by pointer. So `show | compare` and commit cost what the change costs,
//! not what the whole configuration costs (issue 15, item 4).
//!
//! The API is `IndexMap`'s where the product used it, with `&Node` / `&mut Node` in place
//! of the `Arc`: readers never see the sharing; a mutable access copies a shared child
//! first, so one version's edit never shows in another.

use super::{Node, NodeId};
use indexmap::map::IndexMap;
use indexmap::Equivalent;
use serde::{Deserialize, Serialize};
use std::hash::Hash;
use std::sync::Arc;

/// Children in canonical order, each shared by every version of the tree that holds it.
#[derive(Clone, Debug, Default)]
pub struct Children(IndexMap<NodeId, Arc<Node>, Hasher>);

/// foldhash, randomly seeded, in place of the standard SipHash: every child lookup hashes a
/// `NodeId`, and SipHash was 11 % of a commit's check and of the parse (docs/performance.md,
/// stage h93). The keys come from configuration text an operator writes or loads, not from
/// the network; the random seed keeps even that from choosing colliding names in advance.
type Hasher = foldhash::fast::RandomState;

/// Up to this many children, a lookup compares each child's name instead of hashing.
const SCANNED: usize = 8;

type Shared<'a> = (&'a NodeId, &'a Arc<Node>);
fn unshared<'a>((id, node): Shared<'a>) -> (&'a NodeId, &'a Node) {
    (id, node)
}
fn unshared_mut<'a>((id, node): (&'a NodeId, &'a mut Arc<Node>)) -> (&'a NodeId, &'a mut Node) {
    (id, Arc::make_mut(node))
}
fn owned((id, node): (NodeId, Arc<Node>)) -> (NodeId, Node) {
    (id, Arc::unwrap_or_clone(node))
}

pub type Iter<'a> = std::iter::Map<
    indexmap::map::Iter<'a, NodeId, Arc<Node>>,
    fn(Shared<'a>) -> (&'a NodeId, &'a Node),
>;
pub type IterMut<'a> = std::iter::Map<
    indexmap::map::IterMut<'a, NodeId, Arc<Node>>,
    fn((&'a NodeId, &'a mut Arc<Node>)) -> (&'a NodeId, &'a mut Node),
>;
pub type Values<'a> =
    std::iter::Map<indexmap::map::Values<'a, NodeId, Arc<Node>>, fn(&'a Arc<Node>) -> &'a Node>;
pub type ValuesMut<'a> = std::iter::Map<
    indexmap::map::ValuesMut<'a, NodeId, Arc<Node>>,
    fn(&'a mut Arc<Node>) -> &'a mut Node,
>;
pub type IntoIter = std::iter::Map<
    indexmap::map::IntoIter<NodeId, Arc<Node>>,
    fn((NodeId, Arc<Node>)) -> (NodeId, Node),
>;

impl Children {
    pub fn new() -> Self {
        Children(IndexMap::default())
    }
    pub fn with_capacity(n: usize) -> Self {
        Children(IndexMap::with_capacity_and_hasher(n, Hasher::default()))
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn capacity(&self) -> usize {
        self.0.capacity()
    }
    pub fn reserve(&mut self, n: usize) {
        self.0.reserve(n)
    }
    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit()
    }
    pub fn clear(&mut self) {
        self.0.clear()
    }
    pub fn truncate(&mut self, len: usize) {
        self.0.truncate(len)
    }
    pub fn reverse(&mut self) {
        self.0.reverse()
    }

    pub fn get<Q: ?Sized + Hash + Equivalent<NodeId>>(&self, id: &Q) -> Option<&Node> {
        self.get_shared(id).map(|n| &**n)
    }
    /// The child, copied first if another version of the tree shares it.
    pub fn get_mut<Q: ?Sized + Hash + Equivalent<NodeId>>(&mut self, id: &Q) -> Option<&mut Node> {
        let index = self.get_index_of(id)?;
        self.0.get_index_mut(index).map(|(_, n)| Arc::make_mut(n))
    }
    pub fn contains_key<Q: ?Sized + Hash + Equivalent<NodeId>>(&self, id: &Q) -> bool {
        self.get_shared(id).is_some()
    }
    pub fn get_index(&self, index: usize) -> Option<(&NodeId, &Node)> {
        self.0.get_index(index).map(unshared)
    }
    pub fn get_index_of<Q: ?Sized + Hash + Equivalent<NodeId>>(&self, id: &Q) -> Option<usize> {
        // A few children are compared one by one: their entries are read anyway by whoever
        // asks (a typed read asks for each field of a level), while the hash table is a
        // separate block, another cache line per level of a tree too large for the cache
        // (issue 15, item 4), and hashing two words costs more than a few comparisons.
        if self.0.len() <= SCANNED {
            return self.0.keys().position(|k| id.equivalent(k));
        }
        self.0.get_index_of(id)
    }

    pub fn keys(&self) -> indexmap::map::Keys<'_, NodeId, Arc<Node>> {
        self.0.keys()
    }
    pub fn iter(&self) -> Iter<'_> {
        self.0.iter().map(unshared as fn(_) -> _)
    }
    /// Every child mutably: each shared one is copied, so prefer `get_mut` on the few that
    /// change.
    pub fn iter_mut(&mut self) -> IterMut<'_> {
        self.0.iter_mut().map(unshared_mut as fn(_) -> _)
    }
    pub fn values(&self) -> Values<'_> {
        self.0.values().map(|n| &**n)
    }
    pub fn values_mut(&mut self) -> ValuesMut<'_> {
        self.0.values_mut().map(Arc::make_mut as fn(_) -> _)
    }

    /// The children with their sharing visible: a comparison of two versions skips the
    /// pairs that are one `Arc`.
    pub fn shared(&self) -> indexmap::map::Iter<'_, NodeId, Arc<Node>> {
        self.0.iter()
    }
    pub fn get_shared<Q: ?Sized + Hash + Equivalent<NodeId>>(&self, id: &Q) -> Option<&Arc<Node>> {
        self.get_index_of(id)
            .and_then(|index| self.shared_at(index))
    }
    pub fn shared_at(&self, index: usize) -> Option<&Arc<Node>> {
        self.0.get_index(index).map(|(_, n)| n)
    }
    /// The child named `id`, looked for first at `index`: two versions of one configuration
    /// nearly always hold their children in the same order, and a position costs no hash.
    pub fn counterpart(&self, index: usize, id: &NodeId) -> Option<&Arc<Node>> {
        match self.0.get_index(index) {
            Some((theirs, node)) if theirs == id => Some(node),
            _ => self.get_shared(id),
        }
    }
    /// The children's slots themselves, so a caller can put another version's `Arc` in one.
    pub(crate) fn shared_entries_mut(&mut self) -> indexmap::map::IterMut<'_, NodeId, Arc<Node>> {
        self.0.iter_mut()
    }
    pub(crate) fn shared_slots_mut(&mut self) -> indexmap::map::ValuesMut<'_, NodeId, Arc<Node>> {
        self.0.values_mut()
    }

    pub fn insert(&mut self, id: NodeId, node: Node) -> Option<Node> {
        self.0.insert(id, Arc::new(node)).map(Arc::unwrap_or_clone)
    }
    /// Inserts a child that another tree may hold as well (no copy).
    pub fn insert_shared(&mut self, id: NodeId, node: Arc<Node>) -> Option<Arc<Node>> {
        self.0.insert(id, node)
    }
    pub fn shift_insert(&mut self, index: usize, id: NodeId, node: Node) -> Option<Node> {
        self.0
            .shift_insert(index, id, Arc::new(node))
            .map(Arc::unwrap_or_clone)
    }
    pub fn shift_remove<Q: ?Sized + Hash + Equivalent<NodeId>>(&mut self, id: &Q) -> Option<Node> {
        self.0.shift_remove(id).map(Arc::unwrap_or_clone)
    }
    pub fn shift_remove_full<Q: ?Sized + Hash + Equivalent<NodeId>>(
        &mut self,
        id: &Q,
    ) -> Option<(usize, NodeId, Node)> {
        self.0
            .shift_remove_full(id)
            .map(|(i, id, n)| (i, id, Arc::unwrap_or_clone(n)))
    }
    /// Keeps the children `keep` accepts; it sees them read-only, so none is copied.
    pub fn retain(&mut self, mut keep: impl FnMut(&NodeId, &Node) -> bool) {
        self.0.retain(|id, node| keep(id, node))
    }
    pub fn sort_by(
        &mut self,
        mut cmp: impl FnMut(&NodeId, &Node, &NodeId, &Node) -> std::cmp::Ordering,
    ) {
        self.0.sort_by(|a, x, b, y| cmp(a, x, b, y))
    }

    pub fn entry(&mut self, id: NodeId) -> Entry<'_> {
        match self.0.entry(id) {
            indexmap::map::Entry::Occupied(e) => Entry::Occupied(OccupiedEntry(e)),
            indexmap::map::Entry::Vacant(e) => Entry::Vacant(VacantEntry(e)),
        }
    }
}

/// A child's place, found or not (`IndexMap::entry`'s shape).
pub enum Entry<'a> {
    Occupied(OccupiedEntry<'a>),
    Vacant(VacantEntry<'a>),
}
pub struct OccupiedEntry<'a>(indexmap::map::OccupiedEntry<'a, NodeId, Arc<Node>>);
pub struct VacantEntry<'a>(indexmap::map::VacantEntry<'a, NodeId, Arc<Node>>);

impl<'a> Entry<'a> {
    pub fn or_default(self) -> &'a mut Node {
        match self {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(Node::default()),
        }
    }
}
impl<'a> OccupiedEntry<'a> {
    /// The child, copied first if another version shares it.
    pub fn into_mut(self) -> &'a mut Node {
        Arc::make_mut(self.0.into_mut())
    }
}
impl<'a> VacantEntry<'a> {
    pub fn insert(self, node: Node) -> &'a mut Node {
        Arc::make_mut(self.0.insert(Arc::new(node)))
    }
    pub fn shift_insert(self, index: usize, node: Node) -> &'a mut Node {
        Arc::make_mut(self.0.shift_insert(index, Arc::new(node)))
    }
}

/// The same children, in any order (`IndexMap`'s equality), in the same order compared by
/// position; a child both sides share is equal without a look inside.
impl PartialEq for Children {
    fn eq(&self, other: &Children) -> bool {
        if self.0.len() != other.0.len() {
            return false;
        }
        for ((a_id, a), (b_id, b)) in self.0.iter().zip(other.0.iter()) {
            if a_id != b_id {
                // Another order: a hash lookup per child decides.
                return self.0.iter().all(|(id, a)| {
                    other
                        .0
                        .get(id)
                        .is_some_and(|b| Arc::ptr_eq(a, b) || **a == **b)
                });
            }
            if !Arc::ptr_eq(a, b) && **a != **b {
                return false;
            }
        }
        true
    }
}
impl Eq for Children {}

impl FromIterator<(NodeId, Node)> for Children {
    fn from_iter<I: IntoIterator<Item = (NodeId, Node)>>(iter: I) -> Self {
        Children(iter.into_iter().map(|(id, n)| (id, Arc::new(n))).collect())
    }
}
impl Extend<(NodeId, Node)> for Children {
    fn extend<I: IntoIterator<Item = (NodeId, Node)>>(&mut self, iter: I) {
        self.0
            .extend(iter.into_iter().map(|(id, n)| (id, Arc::new(n))))
    }
}
impl IntoIterator for Children {
    type Item = (NodeId, Node);
    type IntoIter = IntoIter;
    fn into_iter(self) -> IntoIter {
        self.0.into_iter().map(owned as fn(_) -> _)
    }
}
impl<'a> IntoIterator for &'a Children {
    type Item = (&'a NodeId, &'a Node);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

// The JSON of a revision is a map of children, as before the sharing: stored revisions read
// back unchanged, and serde needs no `rc` feature (a shared child is written once per tree
// that holds it, which is what a revision is).
impl Serialize for Children {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(id, n)| (id, &**n)))
    }
}
impl<'de> Deserialize<'de> for Children {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ChildrenVisitor)
    }
}

struct ChildrenVisitor;

impl<'de> serde::de::Visitor<'de> for ChildrenVisitor {
    type Value = Children;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a map of statements")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Children, A::Error> {
        // The hint comes from the input: bounded so a lying length cannot reserve gigabytes.
        let mut out = Children::with_capacity(map.size_hint().unwrap_or(0).min(4096));
        while let Some((id, node)) = map.next_entry::<NodeId, Node>()? {
            out.0.insert(id, Arc::new(node));
        }
        Ok(out)
    }
}

/// `children[i]`, as `IndexMap` offers it (tests; product code uses `get_index`).
impl std::ops::Index<usize> for Children {
    type Output = Node;
    fn index(&self, index: usize) -> &Node {
        &self.0[index]
    }
}
/// `children[&id]`, as `IndexMap` offers it (tests; product code uses `get`).
impl<Q: ?Sized + Hash + Equivalent<NodeId>> std::ops::Index<&Q> for Children {
    type Output = Node;
    fn index(&self, id: &Q) -> &Node {
        &self.0[id]
    }
}
