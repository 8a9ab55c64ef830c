//! The schema pass: turns the flat items of the syntax pass into a checked tree, matching
//! braces with an explicit stack. Every `{` must open a statement the schema knows, so the
//! stack is never deeper than the schema, whatever the input.
//!
//! A statement that cannot be taken is reported and the reading goes on after it (after its
//! block, for one that opens a block), so one pass lists every error of the text.

use super::steps::{self, Step};
use super::syntax::{End, Item, Marker, Statement};
use super::{LoadError, Parsed};
use crate::def::{Kind, Stmt};
use crate::edit::order;
use crate::tree::{path_words, Node, NodeId, Path, Values, Word};

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
    /// A leaf-list's block (`name-server {`): each statement in it is one value.
    values: bool,
    unsorted: bool,
    /// How many errors were recorded when the block opened.
    errors_at_open: usize,
}

struct Builder<'t> {
    text: &'t str,
    level_path: Vec<NodeId>,
    stack: Vec<Frame>,
    annotation: Option<String>,
    replace: Vec<Path>,
    /// Every statement refused so far, in text order.
    errors: Vec<LoadError>,
    /// Inside the block of a refused statement: how many `}` end it. Nothing in it is read
    /// (its statements would be checked against the wrong level).
    skip: usize,
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
        values: false,
        unsorted: false,
        errors_at_open: 0,
    };
    let mut b = Builder {
        text,
        level_path: level_path.to_vec(),
        stack: vec![root],
        annotation: None,
        replace: Vec::new(),
        errors: Vec::new(),
        skip: 0,
    };
    for item in items {
        if b.skip > 0 {
            match item {
                Item::Statement(s) if matches!(s.end, End::Open) => b.skip += 1,
                Item::Close(_) => b.skip -= 1,
                // Text that cannot be read is wrong at any level: still listed.
                Item::Broken { at, message, span } => {
                    let e = LoadError::at(text, at, message);
                    b.record(e, written(text, span));
                }
                _ => {}
            }
            continue;
        }
        match item {
            Item::Annotation(text) => {
                b.annotation = Some(match b.annotation.take() {
                    Some(prev) => format!("{prev}\n{text}"),
                    None => text,
                })
            }
            Item::Statement(s) => {
                let opens = matches!(s.end, End::Open);
                let level = path_words(&b.edit_path());
                let statement = written(text, s.span);
                if let Err(mut e) = b.statement(s) {
                    e.context.edit_path = level;
                    e.context.statement = statement;
                    b.errors.push(e);
                    b.annotation = None;
                    if opens {
                        b.skip = 1;
                    }
                }
            }
            Item::Close(at) => {
                if let Err(e) = b.close(at) {
                    b.record(e, "}".into());
                }
            }
            Item::Broken { at, message, span } => {
                b.annotation = None;
                let e = LoadError::at(text, at, message);
                b.record(e, written(text, span));
            }
        }
    }
    if b.stack.len() > 1 || b.skip > 0 {
        // At the level of the innermost block left open: the one whose `}` is missing.
        let e = LoadError::at(text, text.len(), "syntax error, expecting '}'");
        b.record(e, String::new());
    }
    let mut errors = std::mem::take(&mut b.errors).into_iter();
    if let Some(mut first) = errors.next() {
        first.more = errors.collect();
        return Err(first);
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

/// A statement as Junos quotes it in a load error: as written, on one line, without the `{`
/// of a block (`family inet`, `adress 127.0.0.1/24;`).
fn written(text: &str, span: (usize, usize)) -> String {
    let s = text.get(span.0..span.1).unwrap_or_default().trim_end();
    let s = s.strip_suffix('{').unwrap_or(s);
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Builder<'_> {
    /// Records an error at the level of the innermost open block, with the statement shown.
    fn record(&mut self, mut e: LoadError, statement: String) {
        e.context.edit_path = path_words(&self.edit_path());
        e.context.statement = statement;
        self.errors.push(e);
    }

    fn err(&self, at: usize, message: impl Into<String>) -> LoadError {
        LoadError::at(self.text, at, message)
    }

    /// The `[edit ...]` path of the innermost open block, for messages.
    fn edit_path(&self) -> Path {
        let mut path = self.level_path.clone();
        let frames: Vec<&Frame> = self.stack.iter().skip(1).collect();
        for (i, frame) in frames.iter().enumerate() {
            match (&frame.id, frame.group) {
                (Some(id), false) => path.push(id.clone()),
                // `interfaces {` names the level only until an entry in it is open: the
                // entry's id already says `interfaces ge-0/0/0`.
                _ if frames.get(i + 1).is_some() => {}
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
            Some(i) => self
                .stack
                .get_mut(i)
                .ok_or_else(|| LoadError::at("", 0, "syntax error")),
            None => Err(self.err(0, "syntax error")),
        }
    }

    fn statement(&mut self, s: Statement) -> Result<(), LoadError> {
        let top = self.top()?;
        if top.values {
            return self.value_line(s);
        }
        let at = steps::At {
            text: self.text,
            stmt: top.stmt,
            in_group: top.group,
            path: self.edit_path(),
        };
        let at_group = at.in_group;
        let steps = steps::resolve(at, &s)?;
        // Tags and annotation belong to the last block named (`inactive: family inet {` is
        // `inet`'s), or to the statement itself when it names no block (`inactive: drain;`).
        // In `interfaces { ... }` a statement of the list's own block (`apply-groups G;`)
        // opens that block's node on the way: the tags are the statement's, not the node's.
        let opened_on_the_way =
            at_group && matches!(steps.first(), Some(Step::Block { id, .. }) if id.key.is_none());
        let first = usize::from(opened_on_the_way);
        let tagged = steps
            .get(first..)
            .unwrap_or_default()
            .iter()
            .rposition(|step| matches!(step, Step::Block { .. } | Step::Values { .. }))
            .map_or(first, |i| i + first);
        let depth = self.stack.len();
        let count = steps.len();
        for (index, step) in steps.into_iter().enumerate() {
            let tags = (index == tagged).then_some(&s);
            let last = index + 1 == count;
            match step {
                Step::Group { stmt } => {
                    // `inactive: interfaces {`, `/* c */ interfaces {`: tags of the whole
                    // block, held on the list's keyless node (steps refuses them for a list
                    // that has none).
                    if tags.is_some_and(|s| !s.markers.is_empty()) || self.annotation.is_some() {
                        if let (Some(s), true) = (tags, stmt.block_takes_tags()) {
                            let id = NodeId::new(stmt.name);
                            let path = self.child_path(&id);
                            let mut node = self.take_child(&id)?;
                            self.decorate(&mut node, path, s);
                            self.put_child(id, node)?;
                        }
                    }
                    // `/* c */ radius-server {`: a list whose block is no statement of its
                    // own has nothing to hold the comment, so it stays pending for the
                    // block's first statement rather than being lost.
                    if stmt.block_takes_tags() {
                        self.annotation = None;
                    }
                    self.stack.push(Frame {
                        id: None,
                        stmt,
                        node: Node::default(),
                        group: true,
                        joined: false,
                        values: false,
                        unsorted: false,
                        errors_at_open: 0,
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
                            values: false,
                            unsorted: false,
                            errors_at_open: 0,
                        });
                    }
                }
                Step::Values { stmt, id } => {
                    let path = self.child_path(&id);
                    let mut node = self.take_child(&id)?;
                    if let Some(s) = tags {
                        self.decorate(&mut node, path, s);
                    }
                    self.stack.push(Frame {
                        id: Some(id),
                        stmt,
                        node,
                        group: false,
                        joined: false,
                        values: true,
                        unsorted: false,
                        errors_at_open: self.errors.len(),
                    });
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

    /// A line in a leaf-list's block: one value and `;`.
    fn value_line(&mut self, s: Statement) -> Result<(), LoadError> {
        let top = self.top()?;
        let (stmt, path) = (top.stmt, self.edit_path());
        let Kind::LeafList(ty) = stmt.kind else {
            return Err(self.err(0, "syntax error"));
        };
        let first = s.words.first().map_or(0, |w| w.at);
        let value = match (s.markers.first(), s.words.as_slice(), &s.end) {
            (Some((_, at)), _, _) => {
                let message = format!("syntax error: a value of '{}' takes no tag", stmt.name);
                return Err(self.err(*at, message));
            }
            (None, [value], End::Semicolon) => value,
            _ => {
                let message = format!(
                    "syntax error, expecting one {} and ';' under {}",
                    ty.placeholder(),
                    crate::edit::banner(&path)
                );
                return Err(self.err(first, message));
            }
        };
        let value: Word = ty
            .check(&value.text)
            .map_err(|m| self.err(value.at, m))?
            .into();
        self.annotation = None;
        let Some(top) = self.stack.last_mut() else {
            return Err(self.err(first, "syntax error"));
        };
        if !top.node.values.contains(&value) {
            top.node.values.push(value);
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
        values: Values,
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
        // `name-server { }`: a leaf-list with no value is nothing Junos can hold (and would
        // print back as nothing a load takes): dropped, and an error unless one was already
        // reported inside it.
        if let Some(frame) = self
            .stack
            .last()
            .filter(|f| f.values && f.node.values.is_empty())
        {
            if self.errors.len() == frame.errors_at_open {
                let name = frame.id.as_ref().map_or("", |id| id.keyword.as_str());
                let error = self.err(
                    at,
                    format!("syntax error: '{name}' needs at least one value"),
                );
                self.record(error, "}".into());
            }
            self.stack.pop();
        } else {
            self.pop_frame()?;
        }
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
