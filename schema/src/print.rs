//! Writing a tree as text: the brace form (`show`), `| display set` and `| display json`.

mod brace;
mod detail;
#[cfg(test)]
mod display_tests;
mod estimate;
#[cfg(test)]
mod estimate_tests;
mod inheritance;
mod json;
mod set;
#[cfg(test)]
mod tests;
mod xml;

use crate::edit::{banner, stmt_for_path_in};
use crate::mgmt::{DiffBlock, DiffSign};
use crate::table;
use crate::tree::{Node, NodeId};

pub(crate) use brace::{statement_lines, Head, Line};

/// Brace form of `node`'s contents, as `show` prints them when the edit level is `path`.
pub fn to_text(path: &[NodeId], node: &Node) -> String {
    brace::to_text(&table::ROOT, path, node)
}

/// `| display set`: the `set` (and `deactivate`) commands that recreate `node`, which sits
/// at `path`; each line carries the full path from the root.
pub fn to_set_lines(path: &[NodeId], node: &Node) -> String {
    set::to_set_lines(stmt_for_path_in(&table::ROOT, path), path, node)
}

/// `| display set relative`: as [`to_set_lines`], but each line written from the edit
/// level `level` (`set host-name r1` at `[edit system]`); lines outside it are left out.
pub fn to_set_lines_relative(level: &[NodeId], path: &[NodeId], node: &Node) -> String {
    let full = to_set_lines(path, node);
    let prefix = crate::tree::path_words(level);
    if prefix.is_empty() {
        return full;
    }
    let mut out = String::with_capacity(full.len());
    for line in full.lines() {
        let Some((verb, rest)) = line.split_once(' ') else {
            continue;
        };
        let relative = rest
            .strip_prefix(prefix.as_str())
            .and_then(|r| r.strip_prefix(' '));
        if let Some(relative) = relative {
            out.push_str(verb);
            out.push(' ');
            out.push_str(relative);
            out.push('\n');
        }
    }
    out
}

/// `| display detail`: the brace form with each statement's help, range and default above
/// it as `##` comments.
pub fn to_detail_text(path: &[NodeId], node: &Node) -> String {
    detail::to_detail_text(&table::ROOT, path, node)
}

/// `| display inheritance`: the configuration below `path` with its configuration groups
/// applied, `root` being the whole configuration as written; with `comments`, each
/// inherited statement under `## 'X' was inherited from group 'G'`.
pub fn to_inheritance_text(path: &[NodeId], root: &Node, comments: bool) -> String {
    inheritance::to_inheritance_text(&table::ROOT, path, root, comments)
}

/// `| display inheritance | display set`: the `set` lines of the configuration below `path`
/// with its groups applied (`root` the whole configuration as written).
pub fn to_inheritance_set_lines(path: &[NodeId], root: &Node) -> String {
    inheritance::to_inheritance_set_lines(&table::ROOT, path, root)
}

/// `| display xml`: `<configuration ATTRIBUTES>` and the statements, `<configuration>`
/// indented `depth` steps (the shell wraps it in `<rpc-reply>`).
pub fn to_xml(path: &[NodeId], node: &Node, attributes: &[(&str, String)], depth: usize) -> String {
    xml::to_xml(&table::ROOT, path, node, attributes, depth)
}

/// `| display json`: the Junos JSON shape, `{"configuration": {...}}` wrapped around `path`.
pub fn to_json(path: &[NodeId], node: &Node) -> serde_json::Value {
    json::to_json(&table::ROOT, path, node)
}

/// The Junos diff text of `show | compare`.
pub fn diff_to_text(blocks: &[DiffBlock]) -> String {
    let mut out = String::new();
    for block in blocks {
        if block.lines.is_empty() {
            continue;
        }
        out.push_str(&banner(&block.path));
        out.push('\n');
        for line in &block.lines {
            let sign = match line.sign {
                DiffSign::Added => '+',
                DiffSign::Removed => '-',
                DiffSign::Context => ' ',
            };
            out.push(sign);
            out.push_str("  ");
            out.push_str(&line.text);
            out.push('\n');
        }
    }
    out
}

/// `to_text` against another schema root (tests use a schema of their own).
#[cfg(test)]
pub(crate) fn brace_text_in(
    root: &'static crate::def::Stmt,
    path: &[NodeId],
    node: &Node,
) -> String {
    brace::to_text(root, path, node)
}

/// Renders lines at 4 spaces per depth.
pub(crate) fn indent_lines(lines: &[Line]) -> String {
    let mut out = String::new();
    for (depth, text) in lines {
        for _ in 0..*depth {
            out.push_str("    ");
        }
        out.push_str(text);
        out.push('\n');
    }
    out
}
