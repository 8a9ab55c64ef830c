//! `| display set`.

use super::brace::value_word;
use crate::def::{Kind, Stmt, Type};
use crate::tree::{path_words, Node, NodeId};

pub(super) fn to_set_lines(stmt: Option<&'static Stmt>, path: &[NodeId], node: &Node) -> String {
    let mut out = Lines {
        sets: String::new(),
        deactivates: String::new(),
    };
    let mut words = path_words(path);
    let block = path
        .last()
        .is_some_and(|id| id.key.is_none() && stmt.is_some_and(|s| s.has_list_block()));
    out.node(stmt, &mut words, node, !path.is_empty(), block);
    out.sets.push_str(&out.deactivates);
    out.sets
}

struct Lines {
    sets: String,
    /// `deactivate` lines come after every `set`: the statement must exist first.
    deactivates: String,
}

impl Lines {
    /// `words` is the node's path as typed; `named`: the node is a statement (not the root);
    /// `list_block`: it is a grouped list's own block node (`interfaces` without a key),
    /// which with nothing but its tags in it (`deactivate interfaces`) is no statement to set.
    fn node(
        &mut self,
        stmt: Option<&'static Stmt>,
        words: &mut String,
        node: &Node,
        named: bool,
        list_block: bool,
    ) {
        let kind = stmt.map(|s| s.kind);
        match kind {
            Some(Kind::Leaf(ty) | Kind::LeafList(ty)) => {
                for value in &node.values {
                    self.set(words, Some(value.as_str()), ty == Type::Secret);
                }
            }
            Some(Kind::Flag) => self.set(words, None, false),
            _ if node.children.is_empty() && !node.values.is_empty() => {
                for value in &node.values {
                    self.set(words, Some(value.as_str()), false);
                }
            }
            _ => {
                if node.children.is_empty() && named && !list_block {
                    self.set(words, None, false);
                }
                for (id, child) in &node.children {
                    let child_stmt = stmt.and_then(|s| s.child(&id.keyword));
                    let len = words.len();
                    if !positional_alone(stmt, child_stmt, child) {
                        if !words.is_empty() {
                            words.push(' ');
                        }
                        words.push_str(&id.to_string());
                    }
                    let block = id.key.is_none() && child_stmt.is_some_and(|s| s.has_list_block());
                    self.node(child_stmt, words, child, true, block);
                    words.truncate(len);
                }
            }
        }
        if node.inactive && named {
            self.deactivates.push_str("deactivate ");
            self.deactivates.push_str(words);
            self.deactivates.push('\n');
        }
    }

    fn set(&mut self, words: &str, value: Option<&str>, secret: bool) {
        self.sets.push_str("set ");
        self.sets.push_str(words);
        if let Some(value) = value {
            self.sets.push(' ');
            self.sets.push_str(&value_word(value, secret));
            if secret && !crate::secret_data::is_hidden(value) {
                self.sets.push_str(" ## SECRET-DATA");
            }
        }
        self.sets.push('\n');
    }
}

/// `set ... traceoptions file l2tpd`: a positional leaf's value is written without its
/// keyword, as Junos writes it, unless it could be read as (the start of) a keyword, or the
/// leaf is deactivated (its `deactivate` line needs the keyword).
fn positional_alone(parent: Option<&Stmt>, stmt: Option<&Stmt>, node: &Node) -> bool {
    let (Some(parent), Some(stmt)) = (parent, stmt) else {
        return false;
    };
    stmt.positional
        && !node.inactive
        && node
            .values
            .first()
            .is_some_and(|v| parent.children_with_prefix(v).next().is_none())
}
