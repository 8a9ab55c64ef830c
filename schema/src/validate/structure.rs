//! Checks driven by the statement table alone: every statement is known, every value has
//! its type, mandatory statements are present, references name configured objects.

use super::since::Skips;
use super::Findings;
use crate::def::{Kind, Stmt, Type};
use crate::limits::check_annotation;
use crate::table::ROOT;
use crate::tree::{quote_word, Node, NodeId, Path};
use std::sync::Arc;

/// Checks the whole tree, or, with `skips`, the tree less the subtrees the previous commit
/// holds by the same pointer and that [`Skips::may_skip`] allows.
pub(super) fn check(root: &Node, skips: &mut Skips<'_>, findings: &mut Findings) {
    let previous = skips.previous;
    let mut walk = Walk {
        root,
        skips,
        findings,
        stop_at_inactive: false,
    };
    walk.node(&ROOT, root, previous, &mut Vec::new());
}

/// [`check`] of a whole tree (no previous commit) that no statement of may be inactive:
/// false as soon as the walk meets an `inactive:` statement, the findings then partial. A
/// commit checks most configurations whole without an inactive statement, and finding out
/// on the check's own walk saves a walk of the whole tree only to look for one (issue 15,
/// item 4: each walk of a large configuration is a cache miss per node).
pub(super) fn check_if_all_active(root: &Node, findings: &mut Findings) -> bool {
    let mut skips = Skips::none();
    let mut walk = Walk {
        root,
        skips: &mut skips,
        findings,
        stop_at_inactive: true,
    };
    walk.node(&ROOT, root, None, &mut Vec::new())
}

/// One structural walk: what every level reads.
struct Walk<'w, 's, 'a> {
    root: &'a Node,
    skips: &'w mut Skips<'s>,
    findings: &'w mut Findings,
    /// Stop (the walk answers false) at the first `inactive:` statement.
    stop_at_inactive: bool,
}

impl Walk<'_, '_, '_> {
    /// Checks the children of `node` (at `path`, of statement `stmt`) and below; false when
    /// it stopped at an inactive statement.
    fn node(
        &mut self,
        stmt: &'static Stmt,
        node: &Node,
        previous: Option<&Node>,
        path: &mut Path,
    ) -> bool {
        let list_block = stmt.has_list_block() && path.last().is_some_and(|l| l.key.is_none());
        // The entry before, for a one-entry list's second entry (its entries are adjacent).
        let mut before_id: Option<&NodeId> = None;
        for (index, (id, shared)) in node.children.shared().enumerate() {
            let sibling = before_id.replace(id);
            let child: &Node = shared;
            if self.stop_at_inactive && child.inactive {
                return false;
            }
            let before = previous.and_then(|p| p.children.counterpart(index, id));
            let Some(child_stmt) = stmt.child_in(list_block, &id.keyword) else {
                if self.stop_at_inactive && child.has_inactive() {
                    return false;
                }
                self.findings.error(
                    path.clone(),
                    id.to_string(),
                    "Statement not known to this version",
                );
                continue;
            };
            if let Some(Err(message)) = child.annotation.as_deref().map(check_annotation) {
                self.findings.error(path.clone(), id.to_string(), message);
            }
            if let Some(first) = sibling.filter(|s| child_stmt.single && s.keyword == id.keyword) {
                // Brace text can hold two; `set` replaces (Stmt::single).
                self.findings.error(
                    path.clone(),
                    id.to_string(),
                    format!("Only one '{}' may be configured: {first} is", id.keyword),
                );
            }
            if before.is_some_and(|b| Arc::ptr_eq(b, shared)) && self.skips.may_skip(child_stmt) {
                // Checked last time and unchanged: only its warnings are said again.
                warnings_only(child_stmt, id, child, self.skips, path, self.findings);
                continue;
            }
            let shaped = shape_ok(child_stmt, id, child, path, self.findings);
            if shaped {
                if let Some(why) = child_stmt.no_effect {
                    self.findings.warn(
                        path,
                        &id.to_string(),
                        &format!("statement has no effect: {why}"),
                    );
                }
                references(self.root, child_stmt, id, child, path, self.findings);
            }
            if shaped && child_stmt.has_block() {
                path.push(id.clone());
                let whole = self.node(child_stmt, child, before.map(|b| &**b), path);
                path.pop();
                if !whole {
                    return false;
                }
            } else if self.stop_at_inactive && child.has_inactive() {
                // Not walked into (a statement of the wrong shape, or a leaf that holds
                // statements): an inactive one below is for the check without it to judge.
                return false;
            }
        }
        self.level(stmt, node, list_block, path);
        true
    }

    /// The checks of one level as a whole: a choice made once, exclusive statements, the
    /// mandatory ones.
    fn level(&mut self, stmt: &'static Stmt, node: &Node, list_block: bool, path: &Path) {
        let findings = &mut *self.findings;
        let Some((own_id, parent_path)) = path.split_last() else {
            return;
        };
        if stmt.choice && node.children.len() > 1 {
            let set: Vec<&str> = node.children.keys().map(|id| id.keyword.as_str()).collect();
            findings.error(
                parent_path.to_vec(),
                format!("{own_id} {}", set.join(" ")),
                format!("Only one of {} may be configured", alternatives(stmt)),
            );
        }
        for group in stmt.exclusive {
            let exclusive: Vec<&str> = node
                .children
                .keys()
                .map(|id| id.keyword.as_str())
                .filter(|k| group.contains(k))
                .collect();
            if exclusive.len() > 1 {
                findings.error(
                    path.clone(),
                    exclusive.join(" "),
                    format!("Only one of {} may be configured", group.join(" or ")),
                );
            }
        }
        let wanted = stmt.children.iter().filter(|c| c.list_level == list_block);
        for wanted in wanted.filter(|c| c.mandatory) {
            if !node.children.keys().any(|id| id.keyword == wanted.name) {
                findings.missing(parent_path.to_vec(), own_id.to_string(), wanted.name);
            }
        }
    }
}

/// The `no_effect` warnings of a subtree the previous commit checked, in the order the
/// whole walk gives them; only the statements whose table holds such a statement below are
/// looked into (in a tunnel profile: `tunnel N`, for its `logical-system` and
/// `routing-instance`).
fn warnings_only(
    stmt: &'static Stmt,
    id: &NodeId,
    node: &Node,
    skips: &mut Skips<'_>,
    path: &mut Path,
    findings: &mut Findings,
) {
    if !skips.may_hold_warnings(stmt) {
        return;
    }
    if let Some(why) = stmt.no_effect {
        findings.warn(
            path,
            &id.to_string(),
            &format!("statement has no effect: {why}"),
        );
    }
    if stmt.has_block() {
        path.push(id.clone());
        for (child_id, child) in &node.children {
            if let Some(child_stmt) = stmt.child(&child_id.keyword) {
                warnings_only(child_stmt, child_id, child, skips, path, findings);
            }
        }
        path.pop();
    }
}

/// `terminate, drop or delay`.
fn alternatives(stmt: &Stmt) -> String {
    let names: Vec<&str> = stmt.children.iter().map(|c| c.name).collect();
    match names.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The node has the form its statement calls for; reports and returns false if not.
fn shape_ok(stmt: &Stmt, id: &NodeId, node: &Node, path: &Path, findings: &mut Findings) -> bool {
    let problem = match (stmt.kind, &id.key) {
        (Kind::List(key_type), Some(key)) => bad_value(key_type, key).or_else(|| not_a_block(node)),
        // `interfaces { interface-range ... }`: the list's own block.
        (Kind::List(_), None) if stmt.has_list_block() => not_a_block(node),
        (Kind::List(_), None) => Some("List entry has no name".to_string()),
        (_, Some(_)) => Some("Statement takes no name".to_string()),
        (Kind::Container, None) => not_a_block(node),
        (Kind::Flag, None) => {
            (!node.values.is_empty()).then(|| "Statement takes no value".to_string())
        }
        (Kind::Leaf(ty), None) => match node.values.as_slice() {
            [value] => bad_value(ty, value),
            _ => Some("Statement takes exactly one value".to_string()),
        },
        (Kind::LeafList(_), None) if node.values.is_empty() => {
            Some("Statement needs at least one value".to_string())
        }
        (Kind::LeafList(ty), None) => node.values.iter().find_map(|v| bad_value(ty, v)),
    };
    match problem {
        Some(message) => {
            findings.error(path.clone(), id.to_string(), message);
            false
        }
        None => true,
    }
}

fn not_a_block(node: &Node) -> Option<String> {
    (!node.values.is_empty()).then(|| "Statement takes no value".to_string())
}

/// Why `value` is not a valid `ty`, if it is not. Secrets must already be in stored form:
/// a tree never holds a clear secret.
fn bad_value(ty: Type, value: &str) -> Option<String> {
    match ty {
        Type::Secret => crate::secret::check_stored(value).err(),
        _ => ty.check(value).err(),
    }
}

/// The object a list holds, as the error names it: `tunnel profile`; Junos names the list
/// of service name tables in the plural (`service-name-tables T`), one entry is a table.
fn referenced_name(list: &str) -> String {
    // Junos' own plural names of the lists a reference names (`groups`), before the rules.
    if list == "groups" {
        return "group".into();
    }
    let singular = list
        .strip_suffix("-tables")
        .map(|t| format!("{t}-table"))
        .or_else(|| {
            list.strip_suffix("-profiles")
                .map(|p| format!("{p}-profile"))
        });
    singular.as_deref().unwrap_or(list).replace('-', " ")
}

/// A value naming another configured object must name one that exists.
fn references(
    root: &Node,
    stmt: &Stmt,
    id: &NodeId,
    node: &Node,
    path: &Path,
    findings: &mut Findings,
) {
    let Some(list) = stmt.reference.and_then(|r| r.last()) else {
        return;
    };
    // A leaf's values, or a list entry's key (a dynamic profile's `filter input F { ... }`).
    for value in node.values.iter().chain(id.key.as_ref()) {
        // A dynamic profile's variable names its object only when a subscriber logs in.
        if matches!(
            stmt.kind,
            Kind::Leaf(Type::OrVariable(_)) | Kind::List(Type::OrVariable(_))
        ) && value.starts_with('$')
        {
            continue;
        }
        let defined = stmt.references().any(|reference| {
            let Some((list, containers)) = reference.split_last() else {
                return false;
            };
            let mut target: Path = containers.iter().map(|c| NodeId::new(*c)).collect();
            target.push(NodeId::entry(*list, value.as_str()));
            root.get(&target).is_some()
        });
        if !defined {
            findings.error(
                path.clone(),
                format!("{} {}", id.keyword, quote_word(value)),
                format!("Referenced {} is not defined", referenced_name(list)),
            );
        }
    }
}
