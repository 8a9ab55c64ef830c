//! The schema pass: turns the flat items of the syntax pass into a checked tree, matching
//! braces with an explicit stack. Every `{` must open a statement the schema knows, so the
//! stack is never deeper than the schema, whatever the input.

use super::steps::{self, Step};
use super::syntax::{End, Item, Marker, Statement};
use super::{LoadError, Parsed};
use crate::def::Stmt;
use crate::edit::order;
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
    /// Opened on the way by a one-line statement (`family` in `family inet {`): closed by the
    /// same `}` as the block above it.
    joined: bool,
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
        joined: false,
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
        let at = steps::At {
            text: self.text,
            stmt: top.stmt,
            in_group: top.group,
            path: self.edit_path(),
        };
        let steps = steps::resolve(at, &s)?;
        // Tags and annotation belong to the last block named (`inactive: family inet {` is
        // `inet`'s), or to the statement itself when it names no block (`inactive: drain;`).
        let tagged = steps
            .iter()
            .rposition(|step| matches!(step, Step::Block { .. }))
            .unwrap_or(0);
        let depth = self.stack.len();
        let count = steps.len();
        for (index, step) in steps.into_iter().enumerate() {
            let tags = (index == tagged).then_some(&s);
            let last = index + 1 == count;
            match step {
                Step::Group { stmt } => {
                    self.annotation = None;
                    self.stack.push(Frame {
                        id: None,
                        stmt,
                        node: Node::default(),
                        group: true,
                        joined: false,
                        unsorted: false,
                    });
                }
                Step::Block { stmt, id } => {
                    let path = self.child_path(&id);
                    // A statement written twice is read as one, as `load merge` would.
                    let mut node = self.take_child(&id)?;
                    if let Some(s) = tags {
                        self.decorate(&mut node, path, s);
                    }
                    if last && !matches!(s.end, End::Open) {
                        self.put_child(id, node)?;
                    } else {
                        self.stack.push(Frame {
                            id: Some(id),
                            stmt,
                            node,
                            group: false,
                            joined: !last,
                            unsorted: false,
                        });
                    }
                }
                Step::Leaf { id, values, list } => self.leaf(id, values, list, tags)?,
            }
        }
        // `local-gateway address A;`: the blocks the line opened on the way end with it.
        if !matches!(s.end, End::Open) {
            while self.stack.len() > depth {
                self.pop_frame()?;
            }
        }
        Ok(())
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

    fn leaf(
        &mut self,
        id: NodeId,
        values: Vec<String>,
        list: bool,
        tags: Option<&Statement>,
    ) -> Result<(), LoadError> {
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
        if let Some(s) = tags {
            self.decorate(&mut node, path, s);
        }
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
        self.pop_frame()?;
        // `family inet { ... }`: the one `}` closes `inet` and `family`.
        while self.stack.last().is_some_and(|f| f.joined) {
            self.pop_frame()?;
        }
        Ok(())
    }

    /// Ends the innermost block: its node goes into its owner.
    fn pop_frame(&mut self) -> Result<(), LoadError> {
        let Some(mut frame) = self.stack.pop() else {
            return Err(self.err(0, "syntax error"));
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
