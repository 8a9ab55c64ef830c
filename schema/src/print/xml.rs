//! `| display xml` of a configuration: Junos' XML of it, `<configuration>` and below (the
//! shell wraps it in `<rpc-reply>`). Lists are elements with a `<name>` child, flags empty
//! elements, leaf-lists repeated elements; `inactive: ` is the `inactive="inactive"`
//! attribute and an annotation a `<junos:comment>` before the element, as Junos writes them.

use super::brace::value_word;
use crate::def::{Kind, Stmt, Type};
use crate::edit::stmt_for_path_in;
use crate::tree::{Node, NodeId};

/// `attributes` go on `<configuration>` (`junos:commit-localtime="..."`). `depth` is the
/// indentation of `<configuration>`; its statements are indented two steps more, as Junos
/// does.
pub(super) fn to_xml(
    root: &'static Stmt,
    path: &[NodeId],
    node: &Node,
    attributes: &[(&str, String)],
    depth: usize,
) -> String {
    let mut out = String::new();
    let pad = "    ".repeat(depth);
    out.push_str(&pad);
    out.push_str("<configuration");
    for (name, value) in attributes {
        out.push_str(&format!(" {name}=\"{}\"", escape(value)));
    }
    out.push_str(">\n");
    // The path down to the shown level is written as enclosing elements; `show system
    // host-name` ends in the leaf itself, written as an element of its own.
    let inner = depth + 2;
    let stmt = stmt_for_path_in(root, path);
    let leaf = match (path.split_last(), stmt) {
        (Some((id, parents)), Some(s)) if !s.has_block() => Some((id, parents, s)),
        _ => None,
    };
    let parents = leaf.map_or(path, |(_, parents, _)| parents);
    let names: Vec<&str> = (0..parents.len())
        .map(|i| name_of(stmt_for_path_in(root, &parents[..=i]), &parents[i]))
        .collect();
    // An entry of a list Junos holds in a container (`<interfaces><interface>`) is two
    // elements deep: the container's, then the entry's.
    let mut opened: Vec<&str> = Vec::new();
    for (i, (id, name)) in parents.iter().zip(&names).enumerate() {
        let list = stmt_for_path_in(root, &parents[..=i]);
        if let Some(container) = list.filter(|s| id.key.is_some() && s.entry_element.is_some()) {
            open(
                container.name,
                &NodeId::new(""),
                &Node::default(),
                inner + opened.len(),
                &mut out,
                false,
            );
            opened.push(container.name);
        }
        open(
            name,
            id,
            &Node::default(),
            inner + opened.len(),
            &mut out,
            false,
        );
        opened.push(name);
    }
    match leaf {
        Some((id, _, s)) => element(Some(s), id, node, inner + opened.len(), &mut out),
        None => children(stmt, node, inner + opened.len(), &mut out),
    }
    for (i, name) in opened.iter().enumerate().rev() {
        close(name, inner + i, &mut out);
    }
    out.push_str(&pad);
    out.push_str("</configuration>\n");
    out
}

fn children(stmt: Option<&'static Stmt>, node: &Node, depth: usize, out: &mut String) {
    let mut wrapped: Vec<&str> = Vec::new();
    for (id, child) in &node.children {
        let child_stmt = stmt.and_then(|s| s.child(&id.keyword));
        match child_stmt.filter(|s| s.entry_element.is_some()) {
            Some(list) if !wrapped.contains(&id.keyword.as_str()) => {
                wrapped.push(&id.keyword);
                container_list(list, node, depth, out);
            }
            Some(_) => {}
            None => element(child_stmt, id, child, depth, out),
        }
    }
}

/// A list Junos holds in a container of its own name (`<interfaces>`): the list's own block
/// (its tags, `interface-range`) is the container's, and each entry of `parent` is an
/// `<interface>` inside it.
fn container_list(list: &'static Stmt, parent: &Node, depth: usize, out: &mut String) {
    let block = parent.children.get(&NodeId::new(list.name));
    let untagged = Node::default();
    let own = block.unwrap_or(&untagged);
    comment(own, depth, out);
    open(list.name, &NodeId::new(""), own, depth, out, true);
    if let Some(block) = block {
        children(Some(list), block, depth + 1, out);
    }
    let entries = parent
        .children
        .iter()
        .filter(|(id, _)| id.keyword == list.name && id.key.is_some());
    for (id, entry) in entries {
        element(Some(list), id, entry, depth + 1, out);
    }
    close(list.name, depth, out);
}

fn element(stmt: Option<&'static Stmt>, id: &NodeId, node: &Node, depth: usize, out: &mut String) {
    let pad = "    ".repeat(depth);
    comment(node, depth, out);
    let inactive = if node.inactive {
        " inactive=\"inactive\""
    } else {
        ""
    };
    let kind = stmt.map(|s| s.kind);
    let name = name_of(stmt, id);
    match kind {
        Some(Kind::Leaf(ty) | Kind::LeafList(ty)) => {
            for value in &node.values {
                let text = if ty == Type::Secret {
                    value_word(value, true).trim_matches('"').to_string()
                } else {
                    value.to_string()
                };
                out.push_str(&format!(
                    "{pad}<{name}{inactive}>{}</{name}>\n",
                    escape(&text)
                ));
            }
            if node.values.is_empty() {
                out.push_str(&format!("{pad}<{name}{inactive}/>\n"));
            }
        }
        Some(Kind::Flag) => out.push_str(&format!("{pad}<{name}{inactive}/>\n")),
        _ if node.children.is_empty() && id.key.is_none() && !node.values.is_empty() => {
            for value in &node.values {
                out.push_str(&format!(
                    "{pad}<{name}{inactive}>{}</{name}>\n",
                    escape(value)
                ));
            }
        }
        _ if node.children.is_empty() && id.key.is_none() => {
            out.push_str(&format!("{pad}<{name}{inactive}/>\n"));
        }
        _ => {
            open(name, id, node, depth, out, true);
            children(stmt, node, depth + 1, out);
            close(name, depth, out);
        }
    }
}

/// A node's annotation, as the `<junos:comment>` before its element.
fn comment(node: &Node, depth: usize, out: &mut String) {
    if let Some(annotation) = &node.annotation {
        out.push_str(&format!(
            "{}<junos:comment>/* {} */</junos:comment>\n",
            "    ".repeat(depth),
            escape(annotation)
        ));
    }
}

/// `<name>` and, for a list entry, its `<name>KEY</name>` line.
/// The element's name: the keyword, or a keyless list's own name (`client-address-list`).
fn name_of<'a>(stmt: Option<&'static Stmt>, id: &'a NodeId) -> &'a str {
    match stmt {
        Some(s) if s.is_keyless() => s.element_name(),
        Some(s) if id.key.is_some() => s.entry_element.unwrap_or(&id.keyword),
        _ => &id.keyword,
    }
}

fn open(name: &str, id: &NodeId, node: &Node, depth: usize, out: &mut String, with_tags: bool) {
    let pad = "    ".repeat(depth);
    let inactive = if with_tags && node.inactive {
        " inactive=\"inactive\""
    } else {
        ""
    };
    out.push_str(&format!("{pad}<{name}{inactive}>\n"));
    if let Some(key) = &id.key {
        out.push_str(&format!("{pad}    <name>{}</name>\n", escape(key)));
    }
}

fn close(name: &str, depth: usize, out: &mut String) {
    out.push_str(&format!("{}</{name}>\n", "    ".repeat(depth)));
}

/// Text and attribute values escaped for XML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}
