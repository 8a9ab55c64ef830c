//! Reading a configuration tree through the schema: a value that is absent reads as the
//! table's default, so no default is ever written twice.

use crate::def::{container, Stmt};
use crate::tree::{Node, NodeId};
use serde::de::DeserializeOwned;
use std::net::Ipv4Addr;
use std::sync::Arc;

/// Stands in for a statement the table does not have; it has no children and no defaults,
/// so a misspelt name in this module reads as "not configured" instead of panicking (and
/// the typed tests, which compare against the table, catch it).
static UNKNOWN: Stmt = container("", "Unknown statement", &[]);

/// A node (possibly absent) together with its schema statement.
#[derive(Clone, Copy)]
pub(crate) struct View<'a> {
    node: Option<&'a Node>,
    stmt: &'static Stmt,
}

impl<'a> View<'a> {
    pub(crate) fn new(node: Option<&'a Node>, stmt: &'static Stmt) -> Self {
        View { node, stmt }
    }

    fn child_stmt(&self, name: &str) -> &'static Stmt {
        self.stmt.child(name).unwrap_or(&UNKNOWN)
    }

    fn child_node(&self, name: &str) -> Option<&'a Node> {
        self.node?.children.get(&NodeId::new(name))
    }

    /// True when the statement itself is configured.
    pub(crate) fn present(&self) -> bool {
        self.node.is_some()
    }

    /// A container below this one (present or not).
    pub(crate) fn container(&self, name: &str) -> View<'a> {
        View {
            node: self.child_node(name),
            stmt: self.child_stmt(name),
        }
    }

    /// The entries of a list below this one, with their keys, in configuration order.
    pub(crate) fn entries(&self, name: &'a str) -> impl Iterator<Item = (&'a str, View<'a>)> + 'a {
        let stmt = self.child_stmt(name);
        self.node.into_iter().flat_map(move |node| {
            node.children
                .iter()
                .filter_map(move |(id, child)| match &id.key {
                    Some(key) if id.keyword == name => Some((
                        key.as_str(),
                        View {
                            node: Some(child),
                            stmt,
                        },
                    )),
                    _ => None,
                })
        })
    }

    /// [`View::entries`], each with whether `previous` (this container in the previous
    /// version of the tree) holds it by the same pointer: its typed value is then the one
    /// read last time (issue 15, item 4: a commit reads what it changed).
    pub(crate) fn entries_since(
        &self,
        name: &'a str,
        previous: Option<&'a Node>,
    ) -> impl Iterator<Item = (&'a str, View<'a>, bool)> + 'a {
        let stmt = self.child_stmt(name);
        self.node.into_iter().flat_map(move |node| {
            node.children
                .shared()
                .enumerate()
                .filter_map(move |(index, (id, child))| match &id.key {
                    Some(key) if id.keyword == name => {
                        let unchanged = previous
                            .and_then(|p| p.children.counterpart(index, id))
                            .is_some_and(|before| Arc::ptr_eq(before, child));
                        let view = View {
                            node: Some(&**child),
                            stmt,
                        };
                        Some((key.as_str(), view, unchanged))
                    }
                    _ => None,
                })
        })
    }

    /// A leaf's value, or its default.
    pub(crate) fn value(&self, name: &str) -> Option<&'a str> {
        match self.child_node(name).and_then(|n| n.values.first()) {
            Some(v) => Some(v.as_str()),
            None => self.child_stmt(name).default,
        }
    }

    /// True when the statement is written here (a default does not count).
    pub(crate) fn has(&self, name: &str) -> bool {
        self.child_node(name).is_some()
    }

    pub(crate) fn string(&self, name: &str) -> Option<String> {
        self.value(name).map(str::to_string)
    }

    /// A numeric leaf (or its default). Absent with no default, or unreadable: `None`.
    pub(crate) fn uint<T: TryFrom<u64>>(&self, name: &str) -> Option<T> {
        // Sizes are kept as Junos prints them (`10m`); plain numbers read the same way.
        crate::def::size_bytes(self.value(name)?).and_then(|n| T::try_from(n).ok())
    }

    /// A numeric leaf that the table defaults; a tree that passed `check` always has it.
    /// If the table ever lost the default, the type's minimum is the safe reading.
    pub(crate) fn number<T: TryFrom<u64> + Default>(&self, name: &str) -> T {
        self.uint(name)
            .unwrap_or_else(|| match self.child_stmt(name).kind {
                crate::def::Kind::Leaf(
                    crate::def::Type::Uint { min, .. } | crate::def::Type::Size { min, .. },
                ) => T::try_from(min).unwrap_or_default(),
                _ => T::default(),
            })
    }

    /// The flags set in this container, in configuration order.
    pub(crate) fn flags(&self) -> Vec<String> {
        self.node.map_or_else(Vec::new, |node| {
            node.children
                .keys()
                .filter(|id| id.key.is_none())
                .map(|id| id.keyword.to_string())
                .collect()
        })
    }

    pub(crate) fn flag(&self, name: &str) -> bool {
        self.child_node(name).is_some()
    }

    /// An address leaf's address; a host prefix (`Type::Ipv4Host`) names its address.
    pub(crate) fn address(&self, name: &str) -> Option<Ipv4Addr> {
        let value = self.value(name)?;
        value.strip_suffix("/32").unwrap_or(value).parse().ok()
    }

    /// A keyword leaf read into its typed enum (whose serde names are the keywords).
    pub(crate) fn keyword<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        keyword(self.value(name)?)
    }

    /// A leaf-list's members.
    pub(crate) fn values(&self, name: &str) -> Vec<String> {
        self.child_node(name)
            .map(|n| n.values.iter().map(|v| v.to_string()).collect())
            .unwrap_or_default()
    }

    /// A secret decoded from `$9$`; `None` when absent or unreadable.
    pub(crate) fn secret(&self, name: &str) -> Option<super::Secret> {
        crate::secret::decode(self.value(name)?)
            .ok()
            .map(super::Secret::new)
    }
}

/// A configuration keyword as a typed enum.
pub(crate) fn keyword<T: DeserializeOwned>(word: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(word.to_string())).ok()
}
