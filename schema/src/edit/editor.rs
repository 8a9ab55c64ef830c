//! The editing commands on a tree, against one schema root.

use super::order;
use super::resolve::{check_key, keyword, missing_argument, syntax_error};
use super::{stmt_for_path_in, Applied, Arg, CommandWord, Resolved, WordError};
use crate::def::{Kind, Stmt, Type};
use crate::tree::{Node, NodeId, Path};

/// Edits against the schema rooted at `root` (the product's `table::ROOT`, or a test schema).
#[derive(Clone, Copy)]
pub(crate) struct Editor {
    pub root: &'static Stmt,
    /// Keys are taken as written: `ge-0/0/0.0` is not read as `ge-0/0/0 unit 0`.
    pub literal_keys: bool,
}

fn not_found(word: usize) -> WordError {
    WordError {
        word,
        message: "statement not found".into(),
    }
}

impl Editor {
    pub(crate) fn new(root: &'static Stmt) -> Editor {
        Editor {
            root,
            literal_keys: false,
        }
    }

    pub(crate) fn set<W: CommandWord>(
        &self,
        root: &mut Node,
        words: &[W],
    ) -> Result<(), WordError> {
        for command in self.commands_per_statement(words)? {
            self.set_one(root, &command)?;
        }
        Ok(())
    }

    /// `set system login user u class super-user authentication encrypted-password X`,
    /// `set ... range R low A high B`, `set ... file l2tpd size 10m files 5`: after a leaf's
    /// value (or a flag), Junos reads the next word as another statement of the same
    /// container, and so on. These are the words as one command per statement, each resolved
    /// before any is applied, so that a mistake anywhere sets nothing.
    fn commands_per_statement<W: CommandWord>(
        &self,
        words: &[W],
    ) -> Result<Vec<Vec<Arg>>, WordError> {
        let mut commands: Vec<Vec<Arg>> = Vec::new();
        let mut set_paths: Vec<Path> = Vec::new();
        let total = words.len();
        let mut words: Vec<Arg> = words.iter().map(|w| w.to_arg()).collect();
        // Where each word came from in the command as typed, for the error's caret.
        let mut origin: Vec<usize> = (0..words.len()).collect();
        // Where this command's own words start, after the container's words.
        let mut own_start = 0;
        loop {
            let (head, at) = match self.resolve(&words, true) {
                Ok(resolved) => (resolved, words.len()),
                Err(e) => {
                    let at = e.word;
                    let head = (at > 0 && e.message == syntax_error(at).message)
                        .then(|| self.resolve(&words[..at], true).ok())
                        .flatten()
                        .filter(|head| {
                            matches!(
                                head.stmt.kind,
                                Kind::Leaf(_) | Kind::LeafList(_) | Kind::Flag
                            )
                        });
                    let Some(head) = head else {
                        let word = origin.get(at).copied().unwrap_or(total);
                        return Err(WordError { word, ..e });
                    };
                    (head, at)
                }
            };
            // Each statement once: a second file name is a mistake, not a replacement.
            if set_paths.contains(&head.path) {
                let word = origin.get(own_start).copied().unwrap_or(total);
                return Err(syntax_error(word));
            }
            commands.push(words[..at].to_vec());
            if at == words.len() {
                return Ok(commands);
            }
            let container = head.path.split_last().map_or(&[][..], |(_, p)| p);
            let prefix = Arg::path(container);
            set_paths.push(head.path.clone());
            own_start = prefix.len();
            let next_origin = origin.get(at).copied().unwrap_or(total);
            origin = std::iter::repeat_n(next_origin, prefix.len())
                .chain(origin[at..].iter().copied())
                .collect();
            words = prefix
                .into_iter()
                .chain(words[at..].iter().cloned())
                .collect();
        }
    }

    fn set_one(&self, root: &mut Node, words: &[Arg]) -> Result<(), WordError> {
        let resolved = self.resolve(words, true)?;
        let mut stmt = self.root;
        let mut node = root;
        for id in &resolved.path {
            let Some(child) = stmt.child(&id.keyword) else {
                return Err(syntax_error(0));
            };
            if stmt.choice {
                // One alternative replaces another, as on Junos: `set action drop` after
                // `set action delay 5` leaves `action drop`.
                node.children.retain(|other, _| other.keyword == id.keyword);
            }
            // Each group's statements replace one another, as `choice` does for all.
            for group in stmt.exclusive {
                if group.contains(&id.keyword.as_str()) {
                    node.children.retain(|other, _| {
                        other.keyword == id.keyword || !group.contains(&other.keyword.as_str())
                    });
                }
            }
            if child.single && id.key.is_some() {
                // Another name replaces the entry, as Junos' one statement is set again.
                node.children
                    .retain(|other, _| other.keyword != id.keyword || other == id);
            }
            node = order::child_entry(node, stmt, id);
            stmt = child;
        }
        match resolved.stmt.kind {
            Kind::Leaf(_) => node.values = resolved.values,
            Kind::LeafList(_) => {
                for value in resolved.values {
                    if !node.values.contains(&value) {
                        node.values.push(value);
                    }
                }
            }
            Kind::Container | Kind::List(_) | Kind::Flag => {}
        }
        Ok(())
    }

    pub(crate) fn delete<W: CommandWord>(
        &self,
        root: &mut Node,
        words: &[W],
    ) -> Result<Applied, WordError> {
        // `delete interfaces ge-0/0/3.0` also removes an interface literally named so, which
        // brace text can write and commit refuses: the operator must be able to remove it.
        if !self.literal_keys {
            let literal = Editor {
                literal_keys: true,
                ..*self
            };
            if let Ok(r) = literal.resolve(words, false) {
                if r.path.len() < self.resolve(words, false).map_or(0, |s| s.path.len())
                    && root.get(&r.path).is_some()
                {
                    return literal.delete(root, words);
                }
            }
        }
        let resolved = self.resolve(words, false)?;
        let Some((last, parent_path)) = resolved.path.split_last() else {
            let had = !root.children.is_empty();
            root.children.clear();
            return Ok(if had {
                Applied::Done
            } else {
                Applied::NotFound
            });
        };
        let Some(parent) = root.get_mut(parent_path) else {
            return Ok(Applied::NotFound);
        };
        let found = match (resolved.stmt.kind, &last.key) {
            // `delete access tunnel-profile`: every entry of the list.
            (Kind::List(_), None) => {
                let before = parent.children.len();
                parent.children.retain(|id, _| id.keyword != last.keyword);
                parent.children.len() != before
            }
            (Kind::LeafList(_), _) if !resolved.values.is_empty() => {
                let Some(node) = parent.children.get_mut(last) else {
                    return Ok(Applied::NotFound);
                };
                let before = node.values.len();
                node.values.retain(|v| !resolved.values.contains(v));
                let found = node.values.len() != before;
                // A leaf-list without members is no statement at all.
                if node.values.is_empty() {
                    parent.children.shift_remove(last);
                }
                found
            }
            (Kind::Leaf(_), _) if !resolved.values.is_empty() => {
                let matches = parent
                    .children
                    .get(last)
                    .is_some_and(|n| n.values == resolved.values);
                matches && parent.children.shift_remove(last).is_some()
            }
            _ => parent.children.shift_remove(last).is_some(),
        };
        if found {
            self.prune_empty_containers(root, parent_path);
        }
        Ok(if found {
            Applied::Done
        } else {
            Applied::NotFound
        })
    }

    /// After a delete, containers left with nothing in them go too (as on Junos, where an
    /// empty `domain { }` is not kept); list entries stay, since their key is configuration.
    fn prune_empty_containers(&self, root: &mut Node, mut path: &[NodeId]) {
        while let Some((_, parent_path)) = path.split_last() {
            // A grouped list's own block (`interfaces` holding `interface-range`) is a
            // container too: its keyword is no configuration.
            let list_block = |stmt: &Stmt| {
                stmt.has_list_block() && path.last().is_some_and(|id| id.key.is_none())
            };
            let is_container = stmt_for_path_in(self.root, path).is_some_and(|stmt| {
                (stmt.kind == Kind::Container && !stmt.presence) || list_block(stmt)
            });
            let empty = root
                .get(path)
                .is_some_and(|n| n.is_empty() && !n.inactive && n.annotation.is_none());
            if !(is_container && empty) {
                return;
            }
            root.remove(path);
            path = parent_path;
        }
    }

    /// Changes the tags (`inactive:`, annotation) of the node `words` name, for `activate`,
    /// `deactivate` and `annotate`.
    fn tag<W: CommandWord>(
        &self,
        root: &mut Node,
        words: &[W],
        tag: impl FnOnce(&mut Node),
    ) -> Result<Applied, WordError> {
        let resolved = self.resolve(words, false)?;
        let Some((last, parent_path)) = resolved.path.split_last() else {
            return Err(missing_argument(0));
        };
        if last.key.is_none() && matches!(resolved.stmt.kind, Kind::List(_)) {
            if !resolved.stmt.block_takes_tags() {
                return Err(missing_argument(words.len()));
            }
            return Ok(self.tag_list_block(root, parent_path, last, tag));
        }
        Ok(match root.get_mut(&resolved.path) {
            Some(node) => {
                tag(node);
                Applied::Done
            }
            None => Applied::NotFound,
        })
    }

    /// The whole block of a grouped list (`deactivate interfaces`): its tags are held on the
    /// list's own block node (the one `interface-range` is under), made for them when the
    /// list has any entry, and gone again when it holds nothing and no tag.
    fn tag_list_block(
        &self,
        root: &mut Node,
        parent_path: &[NodeId],
        block_id: &NodeId,
        tag: impl FnOnce(&mut Node),
    ) -> Applied {
        let parent_stmt = stmt_for_path_in(self.root, parent_path);
        let Some((parent, parent_stmt)) = root.get_mut(parent_path).zip(parent_stmt) else {
            return Applied::NotFound;
        };
        if !parent
            .children
            .keys()
            .any(|id| id.keyword == block_id.keyword)
        {
            return Applied::NotFound;
        }
        let block = order::child_entry(parent, parent_stmt, block_id);
        tag(block);
        if block.is_empty() && !block.inactive && block.annotation.is_none() {
            parent.children.shift_remove(block_id);
        }
        Applied::Done
    }

    pub(crate) fn set_inactive<W: CommandWord>(
        &self,
        root: &mut Node,
        words: &[W],
        inactive: bool,
    ) -> Result<Applied, WordError> {
        self.tag(root, words, |node| node.inactive = inactive)
    }

    pub(crate) fn annotate<W: CommandWord>(
        &self,
        root: &mut Node,
        words: &[W],
        comment: &str,
    ) -> Result<Applied, WordError> {
        // The brace form closes an annotation at the first `*/`.
        if comment.contains("*/") {
            return Err(WordError {
                word: words.len(),
                message: "annotation may not contain '*/'".into(),
            });
        }
        crate::limits::check_annotation(comment).map_err(|message| WordError {
            word: words.len(),
            message,
        })?;
        self.tag(root, words, |node| {
            node.annotation = (!comment.is_empty()).then(|| comment.to_string());
        })
    }

    /// Resolves `words` to an existing list entry, and `other` (counted from `base`) to the
    /// id of another entry of the same list.
    fn entry_and_other(
        &self,
        words: &[String],
        other: &[String],
        base: usize,
    ) -> Result<(Resolved, NodeId), WordError> {
        let resolved = self.resolve(words, false)?;
        let Kind::List(key_type) = resolved.stmt.kind else {
            return Err(WordError {
                word: words.len().saturating_sub(1 + resolved.values.len()),
                message: "syntax error, expecting a list entry.".into(),
            });
        };
        if resolved.path.last().is_none_or(|id| id.key.is_none()) {
            return Err(missing_argument(words.len()));
        }
        let key_word = match other {
            [] => return Err(missing_argument(base)),
            [_] => base,
            [kw, _] => {
                let parent = stmt_for_path_in(self.root, &resolved.path[..resolved.path.len() - 1])
                    .unwrap_or(self.root);
                if keyword(parent, resolved.stmt.list_level, kw, base)?.name != resolved.stmt.name {
                    return Err(syntax_error(base));
                }
                base + 1
            }
            _ => return Err(syntax_error(base + 2)),
        };
        let key = other.last().map(String::as_str).unwrap_or_default();
        let key = check_key(key_type, key, key_word, &resolved.path)?;
        let id = NodeId::entry(resolved.stmt.name, key);
        Ok((resolved, id))
    }

    pub(crate) fn rename(
        &self,
        root: &mut Node,
        words: &[String],
        to: &[String],
    ) -> Result<(), WordError> {
        self.rename_or_copy(root, words, to, false)
    }

    pub(crate) fn copy(
        &self,
        root: &mut Node,
        words: &[String],
        to: &[String],
    ) -> Result<(), WordError> {
        self.rename_or_copy(root, words, to, true)
    }

    fn rename_or_copy(
        &self,
        root: &mut Node,
        words: &[String],
        to: &[String],
        keep: bool,
    ) -> Result<(), WordError> {
        let base = words.len() + 1;
        let (resolved, new_id) = self.entry_and_other(words, to, base)?;
        let Some((old_id, parent_path)) = resolved.path.split_last() else {
            return Err(missing_argument(0));
        };
        let parent_stmt = stmt_for_path_in(self.root, parent_path).unwrap_or(self.root);
        let parent = root
            .get_mut(parent_path)
            .filter(|p| p.children.contains_key(old_id));
        let Some(parent) = parent else {
            return Err(not_found(words.len().saturating_sub(1)));
        };
        if parent.children.contains_key(&new_id) {
            return Err(WordError {
                word: base + to.len().saturating_sub(1),
                message: "target statement already exists".into(),
            });
        }
        if keep {
            let copy = parent.children.get(old_id).cloned().unwrap_or_default();
            *order::child_entry(parent, parent_stmt, &new_id) = copy;
        } else if let Some((index, _, node)) = parent.children.shift_remove_full(old_id) {
            // Renaming keeps the entry's place in a list ordered by the operator.
            parent.children.shift_insert(index, new_id, node);
            order::sort_children(parent, parent_stmt);
        }
        Ok(())
    }

    pub(crate) fn insert(
        &self,
        root: &mut Node,
        words: &[String],
        before: bool,
        reference: &[String],
    ) -> Result<(), WordError> {
        let base = words.len() + 1;
        let (resolved, reference_id) = self.entry_and_other(words, reference, base)?;
        if let Kind::List(Type::Uint { .. }) = resolved.stmt.kind {
            return Err(WordError {
                word: words.len().saturating_sub(2),
                message: format!(
                    "cannot insert: '{}' entries are kept in numeric order",
                    resolved.stmt.name
                ),
            });
        }
        let Some((id, parent_path)) = resolved.path.split_last() else {
            return Err(missing_argument(0));
        };
        let Some(parent) = root
            .get_mut(parent_path)
            .filter(|p| p.children.contains_key(id))
        else {
            return Err(not_found(words.len().saturating_sub(1)));
        };
        if !parent.children.contains_key(&reference_id) {
            return Err(not_found(base + reference.len().saturating_sub(1)));
        }
        if *id == reference_id {
            return Ok(());
        }
        if let Some(node) = parent.children.shift_remove(id) {
            let at = parent.children.get_index_of(&reference_id).map_or(0, |i| {
                if before {
                    i
                } else {
                    i + 1
                }
            });
            parent.children.shift_insert(at, id.clone(), node);
        }
        Ok(())
    }

    pub(crate) fn edit_target(&self, words: &[String]) -> Result<Path, WordError> {
        let resolved = self.resolve(words, false)?;
        if !resolved.stmt.has_block() && !resolved.path.is_empty() {
            return Err(syntax_error(
                words.len().saturating_sub(1 + resolved.values.len()),
            ));
        }
        // A grouped list (`interfaces`, `access radius-server`) is a level of its own in
        // Junos (`[edit interfaces]`, entries then named by key alone); other lists need a key.
        if resolved.path.last().is_some_and(|id| id.key.is_none())
            && matches!(resolved.stmt.kind, Kind::List(_))
            && !resolved.stmt.grouped
        {
            return Err(missing_argument(words.len()));
        }
        Ok(resolved.path)
    }
}
