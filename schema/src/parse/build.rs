//! The schema pass: turns the flat items of the syntax pass into a checked tree, matching
//! braces with an explicit stack. Every `{` must open a statement the schema knows, so the
//! stack is never deeper than the schema, whatever the input.

use super::syntax::{End, Item, Marker, Statement, Token};
use super::{LoadError, Parsed};
use crate::def::{Kind, Stmt, Type};
use crate::edit::{banner, order};
use crate::tree::{Node, NodeId, Path};

/// One open block.
struct Frame {
    /// `None` for the level being loaded.
    id: Option<NodeId>,
    stmt: &'static Stmt,
    node: Node,
    /// A grouped list's `interfaces { ... }` block: it holds no node of its own; the entries
    /// written in it belong to the frame below.
    group: bool,
    unsorted: bool,
}

struct Builder<'t> {
    text: &'t str,
    level_path: Vec<NodeId>,
    stack: Vec<Frame>,
    annotation: Option<String>,
    replace: Vec<Path>,
}

pub(super) fn build(
    level: &'static Stmt,
    level_path: &[NodeId],
    text: &str,
    items: Vec<Item>,
) -> Result<Parsed, LoadError> {
    let root = Frame {
        id: None,
        stmt: level,
        node: Node::default(),
        group: false,
        unsorted: false,
    };
    let mut b = Builder {
        text,
        level_path: level_path.to_vec(),
        stack: vec![root],
        annotation: None,
        replace: Vec::new(),
    };
    for item in items {
        match item {
            Item::Annotation(text) => {
                b.annotation = Some(match b.annotation.take() {
                    Some(prev) => format!("{prev}\n{text}"),
                    None => text,
                })
            }
            Item::Statement(s) => b.statement(s)?,
            Item::Close(at) => b.close(at)?,
        }
    }
    if b.stack.len() > 1 {
        return Err(LoadError::at(
            text,
            text.len(),
            "syntax error, expecting '}'",
        ));
    }
    let Some(mut root) = b.stack.pop() else {
        return Err(LoadError::at(text, 0, "syntax error"));
    };
    order::sort_children(&mut root.node, root.stmt);
    Ok(Parsed {
        tree: root.node,
        replace: b.replace,
    })
}

impl Builder<'_> {
    fn err(&self, at: usize, message: impl Into<String>) -> LoadError {
        LoadError::at(self.text, at, message)
    }

    /// The `[edit ...]` path of the innermost open block, for messages.
    fn edit_path(&self) -> Path {
        let mut path = self.level_path.clone();
        for frame in self.stack.iter().skip(1) {
            match (&frame.id, frame.group) {
                (Some(id), false) => path.push(id.clone()),
                _ => path.push(NodeId::new(frame.stmt.name)),
            }
        }
        path
    }

    /// The tree path of a child `id` of the innermost node (relative to the level).
    fn child_path(&self, id: &NodeId) -> Path {
        let mut path: Path = self
            .stack
            .iter()
            .filter(|f| !f.group)
            .filter_map(|f| f.id.clone())
            .collect();
        path.push(id.clone());
        path
    }

    fn top(&self) -> Result<&Frame, LoadError> {
        self.stack.last().ok_or_else(|| self.err(0, "syntax error"))
    }

    /// The frame that owns the nodes of statements written in the innermost block.
    fn owner(&mut self) -> Result<&mut Frame, LoadError> {
        let group = self.stack.last().is_some_and(|f| f.group);
        let index = self.stack.len().checked_sub(if group { 2 } else { 1 });
        match index {
            Some(i) => self.stack.get_mut(i).ok_or_else(|| LoadError {
                line: 1,
                column: 1,
                message: "syntax error".into(),
            }),
            None => Err(self.err(0, "syntax error")),
        }
    }

    fn statement(&mut self, s: Statement) -> Result<(), LoadError> {
        let top = self.top()?;
        let (top_stmt, in_group) = (top.stmt, top.group);
        let Some(first) = s.words.first() else {
            return Err(self.err(0, "syntax error"));
        };
        if in_group {
            // Inside `interfaces { ... }` each statement starts with a key.
            let Kind::List(key_type) = top_stmt.kind else {
                return Err(self.err(first.at, "syntax error"));
            };
            let key = self.value(key_type, first)?;
            self.no_more_words(&s.words, 1)?;
            let id = NodeId::entry(top_stmt.name, key);
            return self.block(top_stmt, id, s);
        }
        let Some(child) = top_stmt.child(&first.text) else {
            let message = format!(
                "syntax error: '{}' is not a statement under {}",
                first.text,
                banner(&self.edit_path())
            );
            return Err(self.err(first.at, message));
        };
        match child.kind {
            Kind::Container => {
                self.no_more_words(&s.words, 1)?;
                self.block(child, NodeId::new(child.name), s)
            }
            Kind::List(key_type) => {
                if s.words.len() == 1 && child.grouped && matches!(s.end, End::Open) {
                    if let Some((_, at)) = s.markers.first() {
                        return Err(self.err(
                            *at,
                            format!(
                                "syntax error: '{}' takes no tag, its entries do",
                                child.name
                            ),
                        ));
                    }
                    self.annotation = None;
                    self.stack.push(Frame {
                        id: None,
                        stmt: child,
                        node: Node::default(),
                        group: true,
                        unsorted: false,
                    });
                    return Ok(());
                }
                let Some(key) = s.words.get(1) else {
                    let message = format!(
                        "syntax error, expecting {} after '{}'",
                        key_type.placeholder(),
                        child.name
                    );
                    return Err(self.err(first.at, message));
                };
                let key = self.value(key_type, key)?;
                self.no_more_words(&s.words, 2)?;
                self.block(child, NodeId::entry(child.name, key), s)
            }
            Kind::Leaf(ty) => {
                let values = self.values(child, ty, &s)?;
                self.leaf(values, false, s)
            }
            Kind::LeafList(ty) => {
                let values = self.values(child, ty, &s)?;
                self.leaf(values, true, s)
            }
            Kind::Flag => {
                self.no_more_words(&s.words, 1)?;
                match s.end {
                    End::Values { open, .. } => {
                        return Err(self.err(
                            open,
                            format!("syntax error: '{}' takes no value", child.name),
                        ));
                    }
                    End::Open => {
                        return Err(self.err(
                            first.at,
                            format!("syntax error: '{}' takes no block", child.name),
                        ))
                    }
                    End::Semicolon => {}
                }
                self.leaf(Vec::new(), false, s)
            }
        }
    }

    /// The values of a leaf (`name v;`) or leaf-list (`name v;`, `name [ a b ];`).
    fn values(&self, child: &Stmt, ty: Type, s: &Statement) -> Result<Vec<String>, LoadError> {
        let list = matches!(child.kind, Kind::LeafList(_));
        let keyword_at = s.words.first().map_or(0, |w| w.at);
        match &s.end {
            End::Open => Err(self.err(
                keyword_at,
                format!("syntax error: '{}' takes no block", child.name),
            )),
            End::Values { open, values } => {
                if !list {
                    return Err(self.err(
                        *open,
                        format!("syntax error: '{}' takes one value", child.name),
                    ));
                }
                self.no_more_words(&s.words, 1)?;
                values.iter().map(|v| self.value(ty, v)).collect()
            }
            End::Semicolon => {
                let Some(value) = s.words.get(1) else {
                    let message = format!(
                        "syntax error, expecting {} after '{}'",
                        ty.placeholder(),
                        child.name
                    );
                    return Err(self.err(keyword_at, message));
                };
                self.no_more_words(&s.words, 2)?;
                Ok(vec![self.value(ty, value)?])
            }
        }
    }

    fn value(&self, ty: Type, token: &Token) -> Result<String, LoadError> {
        ty.check(&token.text)
            .map_err(|reason| self.err(token.at, reason))
    }

    fn no_more_words(&self, words: &[Token], expected: usize) -> Result<(), LoadError> {
        match words.get(expected) {
            Some(extra) => Err(self.err(
                extra.at,
                format!(
                    "syntax error: unexpected '{}'",
                    crate::limits::quoted(&extra.text)
                ),
            )),
            None => Ok(()),
        }
    }

    /// Tags and annotation on a statement just read.
    fn decorate(&mut self, node: &mut Node, path: Path, s: &Statement) {
        for (marker, _) in &s.markers {
            match marker {
                Marker::Inactive => node.inactive = true,
                Marker::Replace => self.replace.push(path.clone()),
                // `protect:` guards a statement against edits on Junos; this product has no
                // such guard, so it reads the statement and drops the tag.
                Marker::Protect => {}
            }
        }
        if let Some(annotation) = self.annotation.take() {
            node.annotation = Some(annotation);
        }
    }

    /// A container or list entry: `name {` opens it, `name;` writes it empty.
    fn block(&mut self, stmt: &'static Stmt, id: NodeId, s: Statement) -> Result<(), LoadError> {
        let path = self.child_path(&id);
        match s.end {
            End::Values { open, .. } => Err(self.err(
                open,
                format!("syntax error: '{}' takes no value", stmt.name),
            )),
            End::Semicolon => {
                let mut node = self.take_child(&id)?;
                self.decorate(&mut node, path, &s);
                self.put_child(id, node)
            }
            End::Open => {
                // A statement written twice is read as one, as `load merge` would.
                let mut node = self.take_child(&id)?;
                self.decorate(&mut node, path, &s);
                self.stack.push(Frame {
                    id: Some(id),
                    stmt,
                    node,
                    group: false,
                    unsorted: false,
                });
                Ok(())
            }
        }
    }

    fn leaf(&mut self, values: Vec<String>, list: bool, s: Statement) -> Result<(), LoadError> {
        let Some(keyword) = s.words.first() else {
            return Err(self.err(0, "syntax error"));
        };
        let id = NodeId::new(keyword.text.clone());
        let path = self.child_path(&id);
        let mut node = self.take_child(&id)?;
        if list {
            for v in values {
                if !node.values.contains(&v) {
                    node.values.push(v);
                }
            }
        } else {
            node.values = values;
        }
        self.decorate(&mut node, path, &s);
        self.put_child(id, node)
    }

    /// Takes the existing child out of the owning node (leaving an empty placeholder that
    /// keeps its position), or a new node.
    fn take_child(&mut self, id: &NodeId) -> Result<Node, LoadError> {
        let owner = self.owner()?;
        Ok(owner
            .node
            .children
            .get_mut(id)
            .map(std::mem::take)
            .unwrap_or_default())
    }

    fn put_child(&mut self, id: NodeId, node: Node) -> Result<(), LoadError> {
        let owner = self.owner()?;
        if owner.node.children.insert(id, node).is_none() {
            owner.unsorted = true;
        }
        Ok(())
    }

    fn close(&mut self, at: usize) -> Result<(), LoadError> {
        if self.stack.len() <= 1 {
            return Err(self.err(at, "syntax error: unexpected '}'"));
        }
        self.annotation = None;
        let Some(mut frame) = self.stack.pop() else {
            return Err(self.err(at, "syntax error: unexpected '}'"));
        };
        let Some(id) = frame.id.take() else {
            return Ok(()); // a grouped list's block
        };
        if frame.unsorted {
            order::sort_children(&mut frame.node, frame.stmt);
        }
        self.put_child(id, frame.node)
    }
}
