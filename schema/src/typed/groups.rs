//! Configuration groups (`groups`, `apply-groups`, `apply-groups-except`): each group's
//! statements written where the configuration applies it, before anything reads the
//! configuration (the commit checks, the typed view), so no consumer knows groups exist.
//! The tree handed on has no group and no `apply-groups` left in it.
//!
//! The rules, from Juniper's "Understanding Configuration Groups", "Applying a Junos
//! Configuration Group", "Disabling Inheritance of a Junos OS Configuration Group" and
//! "Using Wildcards with Configuration Groups":
//! - `apply-groups` at a level applies each named group's statements of that level (the
//!   group's subtree at the same path) to it and to every level below it;
//! - statements of the configuration itself win over inherited ones; of several groups the
//!   first listed wins; groups applied at a lower level win over those of an upper level
//!   (Juniper's regional example: `t3-0/0/0 { apply-groups northwest; }` under a top-level
//!   `apply-groups standard` takes northwest's `compatibility-mode`);
//! - the values of a leaf-list are merged: the configuration's own, then each group's;
//! - `apply-groups-except G` stops the inheritance of G at its level and below;
//! - a wildcard key `<pattern>` (`*` any run of characters, `?` one, `[a-z]` / `[!a-z]` a
//!   class) applies to each entry of its list that exists in the configuration (or that a
//!   group names outright); it creates none.
//!
//! Junos' special group names select a routing engine or cluster node: this router is
//! routing engine 0 of node 0, so `re1` and `node1` are defined but never applied (see
//! `for_another_engine`); every other group applies where `apply-groups` names it.

use crate::def::{is_wildcard_key, Kind, Stmt};
use crate::edit::order;
use crate::mgmt::CheckError;
use crate::table::ROOT;
use crate::tree::{Node, NodeId, Path, Values};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The keyword of the root's list of groups.
pub const GROUPS: &str = "groups";
const APPLY: &str = "apply-groups";
const EXCEPT: &str = "apply-groups-except";

/// The unknown-group error (the one the structure check gives a reference to a list entry
/// that does not exist, when the configuration has no group at all).
pub const UNKNOWN_GROUP: &str = "Referenced group is not defined";

/// Where each inherited statement came from: its path in the expanded tree, and the group.
pub type Inherited = BTreeMap<Path, String>;

/// For each leaf-list holding values from groups: each such value, and its group (the
/// configuration's own values are not listed).
pub type InheritedValues = BTreeMap<Path, Vec<(String, String)>>;

/// A wildcard key of a group: `<ge-*>`, `<*>`, `<ge-0/0/[0-3]>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Char(char),
    AnyOne,
    AnyRun,
    /// `[a-c x]` (or `[!...]`): the ranges, and whether they are negated.
    Class(Vec<(char, char)>, bool),
}

impl Pattern {
    /// Reads `<...>`; the error says what is wrong, as a load error would.
    pub fn new(key: &str) -> Result<Pattern, String> {
        let inner = key
            .strip_prefix('<')
            .and_then(|k| k.strip_suffix('>'))
            .filter(|k| !k.is_empty())
            .ok_or_else(|| format!("invalid wildcard '{key}': expecting <pattern>"))?;
        let mut parts = Vec::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            parts.push(match c {
                '*' => Part::AnyRun,
                '?' => Part::AnyOne,
                '[' => {
                    let mut body: Vec<char> = Vec::new();
                    loop {
                        match chars.next() {
                            Some(']') => break,
                            Some(c) => body.push(c),
                            None => {
                                return Err(format!("invalid wildcard '{key}': '[' without ']'"))
                            }
                        }
                    }
                    let negated = matches!(body.first(), Some('!' | '^'));
                    let body = &body[usize::from(negated)..];
                    if body.is_empty() {
                        return Err(format!("invalid wildcard '{key}': empty '[]'"));
                    }
                    let mut ranges = Vec::new();
                    let mut i = 0;
                    while i < body.len() {
                        if i + 2 < body.len() && body[i + 1] == '-' {
                            ranges.push((body[i], body[i + 2]));
                            i += 3;
                        } else {
                            ranges.push((body[i], body[i]));
                            i += 1;
                        }
                    }
                    Part::Class(ranges, negated)
                }
                c => Part::Char(c),
            });
        }
        Ok(Pattern { parts })
    }

    /// Whether `name` matches the whole pattern. In time of the pattern's length times the
    /// name's, whatever the stars (a backtracking match of `<*a*a*a*a*b>` would take time
    /// exponential in them, and a configuration is the operator's text).
    pub fn matches(&self, name: &str) -> bool {
        let name: Vec<char> = name.chars().collect();
        // `reach[j]`: the parts so far can match the first `j` characters.
        let mut reach = vec![false; name.len() + 1];
        reach[0] = true;
        for part in &self.parts {
            let mut next = vec![false; name.len() + 1];
            match part {
                Part::AnyRun => {
                    let mut any = false;
                    for j in 0..=name.len() {
                        any |= reach[j];
                        next[j] = any;
                    }
                }
                _ => {
                    for j in 0..name.len() {
                        next[j + 1] = reach[j] && one_matches(part, name[j]);
                    }
                }
            }
            reach = next;
        }
        reach[name.len()]
    }
}

fn one_matches(part: &Part, c: char) -> bool {
    match part {
        Part::Char(p) => *p == c,
        Part::AnyOne => true,
        Part::AnyRun => true,
        Part::Class(ranges, negated) => ranges.iter().any(|(a, b)| *a <= c && c <= *b) != *negated,
    }
}

/// Whether the configuration has any group (without one, `apply-groups` can only name a
/// group that does not exist, which the structure check reports as a reference).
pub fn has_groups(root: &Node) -> bool {
    root.children.keys().any(|id| id.keyword == GROUPS)
}

/// `root` with every applied group's statements inherited, and the groups that
/// `apply-groups` names but the configuration does not define (commit errors). Borrowed,
/// untouched, when the configuration has no group.
pub(crate) fn expand(root: &Node) -> (Cow<'_, Node>, Vec<CheckError>) {
    let (tree, errors, _) = expand_recorded(root);
    (tree, errors)
}

/// [`expand`], also saying where each inherited statement came from (for
/// [`name_groups`]); empty when the configuration has no group.
pub(crate) fn expand_recorded(root: &Node) -> (Cow<'_, Node>, Vec<CheckError>, Inherited) {
    if !has_groups(root) {
        return (Cow::Borrowed(root), Vec::new(), Inherited::new());
    }
    let expansion = expansion(root, true);
    (
        Cow::Owned(expansion.tree),
        expansion.errors,
        expansion.inherited,
    )
}

/// Each commit error about a statement a group wrote says which group:
/// `... (inherited from group 'G')`, so that the operator knows where to fix it.
pub(crate) fn name_groups(errors: &mut [CheckError], inherited: &Inherited) {
    if inherited.is_empty() {
        return;
    }
    for error in errors {
        if let Some(group) = group_of(inherited, &error.path, &error.statement) {
            error.message = format!("{} (inherited from group '{group}')", error.message);
        }
    }
}

/// The group that wrote `statement` (as an error names it: `keyword [key] ...`) under
/// `path`, or a level above it.
fn group_of<'a>(inherited: &'a Inherited, path: &[NodeId], statement: &str) -> Option<&'a str> {
    let mut words = statement.split_whitespace();
    let (first, second) = (words.next(), words.next());
    let mut own = Vec::new();
    if let (Some(keyword), Some(key)) = (first, second) {
        own.push(NodeId::entry(keyword, key.trim_matches('"')));
    }
    if let Some(keyword) = first {
        own.push(NodeId::new(keyword));
    }
    let mut candidate = path.to_vec();
    for id in own {
        candidate.push(id);
        if let Some(group) = inherited.get(&candidate) {
            return Some(group);
        }
        candidate.pop();
    }
    (0..=path.len())
        .rev()
        .find_map(|n| inherited.get(&path[..n]))
        .map(String::as_str)
}

/// What [`expansion`] gives.
pub struct Expansion {
    pub tree: Node,
    pub errors: Vec<CheckError>,
    /// Filled only when asked for (`| display inheritance`).
    pub inherited: Inherited,
    /// Filled only when asked for, as `inherited`.
    pub inherited_values: InheritedValues,
}

/// The expanded tree of `root` (which has its inactive statements removed), and, when
/// `record`, where each inherited statement came from.
pub fn expansion(root: &Node, record: bool) -> Expansion {
    let groups: Vec<(&str, &Node)> = root
        .children
        .iter()
        .filter(|(id, node)| id.keyword == GROUPS && !node.inactive)
        .filter_map(|(id, node)| Some((id.key.as_deref()?, node)))
        .collect();
    let mut walk = Walk {
        groups,
        errors: Vec::new(),
        inherited: Inherited::new(),
        inherited_values: InheritedValues::new(),
        record,
    };
    let mut path = Path::new();
    let mut tree = walk.level(&ROOT, Some(root), &[], &mut path);
    tree.children.retain(|id, _| id.keyword != GROUPS);
    Expansion {
        tree,
        errors: walk.errors,
        inherited: walk.inherited,
        inherited_values: walk.inherited_values,
    }
}

/// One group's statements at the level being built.
#[derive(Clone, Copy)]
struct Source<'a> {
    group: &'a str,
    node: &'a Node,
}

struct Walk<'a> {
    groups: Vec<(&'a str, &'a Node)>,
    errors: Vec<CheckError>,
    inherited: Inherited,
    inherited_values: InheritedValues,
    record: bool,
}

impl<'a> Walk<'a> {
    /// The level at `path` of statement `stmt`: the configuration's own node (`None` when
    /// only groups have it) merged with the groups' nodes `inherited` from above, in
    /// priority order.
    fn level(
        &mut self,
        stmt: &'static Stmt,
        own: Option<&'a Node>,
        inherited: &[Source<'a>],
        path: &mut Path,
    ) -> Node {
        let sources = self.sources(own, inherited, path);
        let (values, from_groups) = merged_values(stmt, own, &sources);
        if self.record && !from_groups.is_empty() {
            self.inherited_values.insert(path.clone(), from_groups);
        }
        let mut out = Node {
            values,
            ..Node::default()
        };
        // `| display inheritance` shows the tree as written, tags and all (the commit's tree
        // has no inactive statement left).
        if let Some(own) = own {
            out.annotation = own.annotation.clone();
            out.inactive = own.inactive;
        }
        if !stmt.has_block() {
            return out;
        }
        let lists = self.list_block_sources(stmt, own, &sources, path);
        let mut ids = child_ids(own, &sources);
        for (keyword, list_sources) in &lists {
            let theirs = child_ids(None, list_sources);
            ids.retain(|id| own_child_of(own, id) || id.keyword != *keyword);
            ids.extend(theirs.into_iter().filter(|id| id.keyword == *keyword));
        }
        for id in dedup(ids) {
            let Some(child_stmt) = stmt.child(&id.keyword) else {
                continue;
            };
            let own_child = own.and_then(|o| o.children.get(&id));
            // `traps` from a group where the configuration says `no-traps`, a second
            // `action` of a choice: the statement already there came first, so it wins.
            if own_child.is_none() && super::holds_alternative(stmt, &out, &id.keyword, None) {
                continue;
            }
            // An entry of a grouped list whose own block names groups (`interfaces {
            // apply-groups G; }`) takes the groups in force in that block.
            let level_sources = lists
                .iter()
                .find(|(keyword, _)| *keyword == id.keyword)
                .map_or(&sources, |(_, list_sources)| list_sources);
            let child_sources: Vec<Source<'a>> = level_sources
                .iter()
                .flat_map(|s| matching_children(s, &id))
                .collect();
            path.push(id.clone());
            if own_child.is_none() && self.record {
                if let Some(first) = child_sources.first() {
                    self.inherited.insert(path.clone(), first.group.to_string());
                }
            }
            let child = self.level(child_stmt, own_child, &child_sources, path);
            path.pop();
            // A list's own block that held only its group statements is no statement once
            // they are applied (it would show as `interfaces;`).
            let bare_block = id.key.is_none()
                && child_stmt.has_list_block()
                && child.is_empty()
                && !child.inactive
                && child.annotation.is_none();
            if !bare_block {
                out.children.insert(id, child);
            }
        }
        order::sort_children(&mut out, stmt);
        out
    }

    /// For each grouped list under this level whose own block (`interfaces` without a key)
    /// names groups: the groups in force for its entries, as [`Walk::sources`] gives them
    /// for that block, with the groups' nodes of this level (their entries of the list are
    /// children of it, as the configuration's are). An unknown group is reported once, by
    /// the block's own level.
    fn list_block_sources(
        &mut self,
        stmt: &'static Stmt,
        own: Option<&'a Node>,
        sources: &[Source<'a>],
        path: &Path,
    ) -> Vec<(&'static str, Vec<Source<'a>>)> {
        let Some(own) = own else {
            return Vec::new();
        };
        let mut lists = Vec::new();
        for (id, block) in own.children.iter().filter(|(id, _)| id.key.is_none()) {
            let Some(list) = stmt.child(&id.keyword).filter(|s| s.has_list_block()) else {
                continue;
            };
            let names_groups = block
                .children
                .keys()
                .any(|k| k.keyword == APPLY || k.keyword == EXCEPT);
            if names_groups {
                let errors = self.errors.len();
                lists.push((list.name, self.sources(Some(block), sources, path)));
                self.errors.truncate(errors);
            }
        }
        lists
    }

    /// The groups in force at this level, first the one that wins: those its own
    /// `apply-groups` names (in their order), then those inherited from above, less the
    /// ones its `apply-groups-except` names.
    fn sources(
        &mut self,
        own: Option<&'a Node>,
        inherited: &[Source<'a>],
        path: &Path,
    ) -> Vec<Source<'a>> {
        let names = |keyword: &str| -> Vec<&'a str> {
            own.and_then(|o| o.children.get(&NodeId::new(keyword)))
                .filter(|n| !n.inactive)
                .map(|n| n.values.iter().map(|v| v.as_str()).collect())
                .unwrap_or_default()
        };
        let (apply, except) = (names(APPLY), names(EXCEPT));
        let mut sources = Vec::new();
        for name in &apply {
            match self.groups.iter().find(|(g, _)| g == name) {
                Some(_) if for_another_engine(name) => {}
                Some((group, root)) => sources.extend(
                    nodes_at(root, path)
                        .into_iter()
                        .map(|node| Source { group, node }),
                ),
                None => self.errors.push(CheckError {
                    path: path.clone(),
                    statement: format!("{APPLY} {}", crate::tree::quote_word(name)),
                    message: UNKNOWN_GROUP.to_string(),
                }),
            }
        }
        sources.extend(
            inherited
                .iter()
                .filter(|s| !except.contains(&s.group) && !apply.contains(&s.group)),
        );
        sources
    }
}

/// Junos applies a group named `re1` only on routing engine 1 and `node1` only on cluster
/// node 1 ("Understanding Configuration Groups": the special groups select the engine or
/// node they are for). This router is routing engine 0 of cluster node 0: a configuration
/// written for two engines (`apply-groups [ re0 re1 ]`, each naming its own host name and
/// management address) takes only what it wrote for engine 0, as Junos on RE0 does.
fn for_another_engine(name: &str) -> bool {
    matches!(name, "re1" | "node1")
}

/// The nodes of a group at `path`, each wildcard key on the way matching the path's key:
/// exact entries before wildcards, as a group's own name for an entry is the more specific.
fn nodes_at<'a>(group: &'a Node, path: &[NodeId]) -> Vec<&'a Node> {
    let mut level = vec![group];
    for id in path {
        level = level
            .into_iter()
            .flat_map(|node| matching_children(&Source { group: "", node }, id))
            .map(|s| s.node)
            .collect();
    }
    level
}

/// The children of a group's node that apply to the configuration's child `id`: the one of
/// the same name, then each wildcard of the same list whose pattern matches the key.
fn matching_children<'a>(source: &Source<'a>, id: &NodeId) -> Vec<Source<'a>> {
    let mut found = Vec::new();
    // An inactive statement of a group is not inherited.
    if let Some(node) = source.node.children.get(id).filter(|n| !n.inactive) {
        found.push(Source {
            group: source.group,
            node,
        });
    }
    if let Some(key) = &id.key {
        for (their_id, node) in &source.node.children {
            let wildcard = their_id
                .key
                .as_deref()
                .filter(|k| their_id.keyword == id.keyword && is_wildcard_key(k));
            let matches = !node.inactive
                && wildcard
                    .and_then(|w| Pattern::new(w).ok())
                    .is_some_and(|p| p.matches(key));
            if matches {
                found.push(Source {
                    group: source.group,
                    node,
                });
            }
        }
    }
    found
}

/// Whether `own` has the child `id`.
fn own_child_of(own: Option<&Node>, id: &NodeId) -> bool {
    own.is_some_and(|o| o.children.contains_key(id))
}

/// `ids` without repeats, in their first order.
fn dedup(ids: Vec<NodeId>) -> Vec<NodeId> {
    let set: indexmap::IndexSet<NodeId> = ids.into_iter().collect();
    set.into_iter().collect()
}

/// The children of the level: its own first, then those the groups name outright, in
/// priority order; never a wildcard (it only applies to these) nor `apply-groups`.
fn child_ids(own: Option<&Node>, sources: &[Source<'_>]) -> Vec<NodeId> {
    let mut ids: indexmap::IndexSet<NodeId> = indexmap::IndexSet::new();
    let own_ids = own.into_iter().flat_map(|o| o.children.keys());
    let group_ids = sources.iter().flat_map(|s| {
        s.node
            .children
            .iter()
            .filter(|(_, n)| !n.inactive)
            .map(|(id, _)| id)
    });
    for id in own_ids.chain(group_ids) {
        let group_statement = id.keyword == APPLY || id.keyword == EXCEPT;
        let wildcard = id.key.as_deref().is_some_and(is_wildcard_key);
        if !group_statement && !wildcard {
            ids.insert(id.clone());
        }
    }
    ids.into_iter().collect()
}

/// A leaf's value: the configuration's own, else the first group's. A leaf-list's values:
/// its own, then each group's it does not already have; and those group values, each with
/// its group (for `| display inheritance`, which names each).
fn merged_values(
    stmt: &Stmt,
    own: Option<&Node>,
    sources: &[Source<'_>],
) -> (Values, Vec<(String, String)>) {
    match stmt.kind {
        Kind::LeafList(_) => {
            let mut values: Values = own.map(|o| o.values.clone()).unwrap_or_default();
            let mut from_groups = Vec::new();
            for source in sources {
                for value in &source.node.values {
                    if !values.contains(value) {
                        values.push(value.clone());
                        from_groups.push((value.to_string(), source.group.to_string()));
                    }
                }
            }
            (values, from_groups)
        }
        Kind::Leaf(_) => {
            let values = own
                .or(sources.first().map(|s| s.node))
                .map(|n| n.values.clone())
                .unwrap_or_default();
            (values, Vec::new())
        }
        _ => (Values::new(), Vec::new()),
    }
}
