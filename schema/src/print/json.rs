//! `| display json`, in the Junos shape: containers are objects, lists are arrays of objects
//! carrying their key as `name`, flags are `[null]`, tags go in `@` (objects) or `@name`
//! (leaves).

use crate::def::{Kind, Stmt, Type};
use crate::edit::stmt_for_path_in;
use crate::tree::{Node, NodeId};
use serde_json::{json, Map, Value};

pub(super) fn to_json(root: &'static Stmt, path: &[NodeId], node: &Node) -> Value {
    let stmt = stmt_for_path_in(root, path);
    // The innermost object: the node's own members, or (for a leaf) the leaf as a member.
    let (mut object, wrap_from) = match (path.split_last(), stmt) {
        (Some((id, parent)), Some(s)) if !s.has_block() => {
            let mut members = Map::new();
            member(&mut members, Some(s), id, node);
            (members, parent.len())
        }
        _ => {
            let mut members = members(stmt, node);
            if node.inactive && !path.is_empty() {
                members.insert("@".into(), tags(node));
            }
            (members, path.len())
        }
    };
    for (depth, id) in path.iter().enumerate().take(wrap_from).rev() {
        let stmt = stmt_for_path_in(root, &path[..=depth]);
        object = match &id.key {
            Some(key) => {
                let mut entry = Map::new();
                entry.insert("name".into(), key_value(stmt, key));
                entry.extend(object);
                let mut outer = Map::new();
                outer.insert(name_of(stmt, id), Value::Array(vec![Value::Object(entry)]));
                // `"interfaces": {"interface": [...]}`: the list's container around it.
                match stmt.filter(|s| s.entry_element.is_some()) {
                    Some(list) => {
                        let mut container = Map::new();
                        container.insert(list.name.to_string(), Value::Object(outer));
                        container
                    }
                    None => outer,
                }
            }
            None => {
                let mut outer = Map::new();
                outer.insert(id.keyword.to_string(), Value::Object(object));
                outer
            }
        };
    }
    json!({ "configuration": Value::Object(object) })
}

fn members(stmt: Option<&'static Stmt>, node: &Node) -> Map<String, Value> {
    let mut members = Map::new();
    for (id, child) in &node.children {
        member(
            &mut members,
            stmt.and_then(|s| s.child(&id.keyword)),
            id,
            child,
        );
    }
    members
}

fn member(members: &mut Map<String, Value>, stmt: Option<&'static Stmt>, id: &NodeId, node: &Node) {
    let kind = stmt.map(|s| s.kind);
    if let (None, Some(list)) = (&id.key, stmt.filter(|s| s.has_list_block())) {
        // A grouped list's own block (`interface-range`): its statements stand beside the
        // list's array, which holds only entries; in the list's container where Junos has
        // one (`"interfaces": {"@": ..., "interface-range": [...], "interface": [...]}`).
        let Some(target) = list_members(members, list) else {
            return;
        };
        if list.entry_element.is_some() && (node.inactive || node.annotation.is_some()) {
            target.insert("@".into(), tags(node));
        }
        for (child_id, child) in &node.children {
            member(target, list.child(&child_id.keyword), child_id, child);
        }
        return;
    }
    if let Some(key) = &id.key {
        let mut entry = Map::new();
        entry.insert("name".into(), key_value(stmt, key));
        if node.inactive || node.annotation.is_some() {
            entry.insert("@".into(), tags(node));
        }
        entry.extend(self::members(stmt, node));
        let target = match stmt {
            Some(list) => list_members(members, list),
            None => Some(members),
        };
        let Some(target) = target else {
            return;
        };
        let list = target
            .entry(name_of(stmt, id))
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(entries) = list {
            entries.push(Value::Object(entry));
        }
        return;
    }
    let value = match kind {
        Some(Kind::Flag) => json!([null]),
        Some(Kind::LeafList(ty)) => {
            Value::Array(node.values.iter().map(|v| scalar(ty, v)).collect())
        }
        Some(Kind::Leaf(ty)) => node.values.first().map_or(Value::Null, |v| scalar(ty, v)),
        Some(Kind::Container | Kind::List(_)) => {
            let mut object = self::members(stmt, node);
            if node.inactive || node.annotation.is_some() {
                object.insert("@".into(), tags(node));
            }
            Value::Object(object)
        }
        None => match node.values.as_slice() {
            [] if node.children.is_empty() => json!([null]),
            [] => Value::Object(self::members(None, node)),
            [one] => Value::String(one.to_string()),
            many => json!(many),
        },
    };
    let is_object = value.is_object();
    members.insert(id.keyword.to_string(), value);
    if !is_object && (node.inactive || node.annotation.is_some()) {
        members.insert(format!("@{}", id.keyword), tags(node));
    }
}

/// The member's name: the keyword, a keyless list's own name (`client-address-list`), or
/// the entry's element of a list Junos holds in a container (`interface`).
fn name_of(stmt: Option<&'static Stmt>, id: &NodeId) -> String {
    match stmt {
        Some(s) if s.is_keyless() => s.element_name().to_string(),
        Some(s) if id.key.is_some() => s.entry_element.unwrap_or(&id.keyword).to_string(),
        _ => id.keyword.to_string(),
    }
}

/// Where `list`'s entries and own block go among `members`: beside them, or in the list's
/// container (made on first use) where Junos has one (`"interfaces": {...}`).
fn list_members<'m>(
    members: &'m mut Map<String, Value>,
    list: &Stmt,
) -> Option<&'m mut Map<String, Value>> {
    if list.entry_element.is_none() {
        return Some(members);
    }
    members
        .entry(list.name.to_string())
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
}

fn tags(node: &Node) -> Value {
    let mut tags = Map::new();
    if node.inactive {
        tags.insert("inactive".into(), Value::Bool(true));
    }
    if let Some(annotation) = &node.annotation {
        tags.insert(
            "comment".into(),
            Value::String(format!("/* {annotation} */")),
        );
    }
    Value::Object(tags)
}

fn key_value(list: Option<&Stmt>, key: &str) -> Value {
    match list.map(|s| s.kind) {
        Some(Kind::List(ty)) => scalar(ty, key),
        _ => Value::String(key.to_string()),
    }
}

/// Numbers are JSON numbers, everything else a string.
fn scalar(ty: Type, value: &str) -> Value {
    match ty.concrete() {
        Type::Uint { .. } | Type::UintOr { .. } | Type::Size { .. } | Type::Decimal { .. } => value
            .parse::<u64>()
            .map_or_else(|_| Value::String(value.to_string()), Value::from),
        _ => Value::String(value.to_string()),
    }
}
