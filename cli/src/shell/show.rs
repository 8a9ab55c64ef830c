//! Output of the `show` commands: rendering, pipes, then the pager.

use super::pipe::{filter, Pipe};
use super::transport::Transport;
use super::Lost;
use super::{pager, structured, Input, Shell};
use schema::mgmt::{DiffBlock, MgmtError, Reply, Request};
use schema::tokenize::Word;
use schema::tree::{Node, Path};

/// What a show command produced, before `| display` decides its form.
pub(super) enum Shown {
    Text(String),
    Config {
        path: Path,
        tree: Node,
        /// `## Last commit: ...`, shown above a whole configuration's brace form.
        header: Option<String>,
        /// The edit level in configuration mode (`| display set relative`, the XML banner).
        level: Option<Path>,
    },
    Diff(Vec<DiffBlock>),
    /// A typed operational reply: its text, and its serde form for `| display json|xml`
    /// under the Junos root element `root`.
    Rpc {
        root: &'static str,
        text: String,
        reply: serde_json::Value,
    },
}

/// `| display inheritance [no-comments]`: with the comments or not; `None` without it.
pub(super) fn inheritance_pipe(pipes: &[Pipe]) -> Option<bool> {
    pipes.iter().find_map(|p| match p {
        Pipe::DisplayInheritance(comments) => Some(*comments),
        _ => None,
    })
}

impl<T: Transport> Shell<T> {
    pub(super) fn emit(&mut self, shown: Shown, pipes: &[Pipe], input: &mut dyn Input) {
        let xml = pipes.iter().any(|p| matches!(p, Pipe::DisplayXml));
        // The operational loop takes `| refresh` off before it gets here.
        if pipes.iter().any(|p| matches!(p, Pipe::Refresh(_))) {
            self.error("refresh is not supported for this command");
            return;
        }
        if xml && !matches!(shown, Shown::Rpc { .. } | Shown::Config { .. }) {
            self.error("display xml is not supported for this command");
            return;
        }
        let text = match shown {
            Shown::Text(t) => t,
            Shown::Rpc { root, reply, .. } if xml => structured::xml_text(root, &reply),
            Shown::Rpc { root, reply, .. }
                if pipes.iter().any(|p| matches!(p, Pipe::DisplayJson)) =>
            {
                structured::json_text(root, &reply)
            }
            Shown::Rpc { text, .. } => text,
            Shown::Config {
                path,
                tree,
                header,
                level,
            } => {
                let (path, alone) = super::navigation::grouped_level(path);
                let brace = |text: String| {
                    if alone {
                        super::navigation::entries_only(&text)
                    } else {
                        text
                    }
                };
                if xml {
                    super::display::config_xml(&path, &tree, header.as_deref(), level.as_ref())
                } else if pipes.iter().any(|p| matches!(p, Pipe::DisplaySetRelative)) {
                    schema::print::to_set_lines_relative(
                        level.as_deref().unwrap_or(&[]),
                        &path,
                        &tree,
                    )
                } else if pipes.iter().any(|p| matches!(p, Pipe::DisplaySet)) {
                    schema::print::to_set_lines(&path, &tree)
                } else if pipes.iter().any(|p| matches!(p, Pipe::DisplayDetail)) {
                    super::display::with_header(
                        header,
                        brace(schema::print::to_detail_text(&path, &tree)),
                    )
                } else if pipes.iter().any(|p| matches!(p, Pipe::DisplayJson)) {
                    let json = schema::print::to_json(&path, &tree);
                    let mut s = serde_json::to_string_pretty(&json)
                        .unwrap_or_else(|e| format!("error: {e}"));
                    s.push('\n');
                    s
                } else {
                    super::display::with_header(header, brace(schema::print::to_text(&path, &tree)))
                }
            }
            Shown::Diff(blocks) => schema::print::diff_to_text(&blocks),
        };
        let text = if pipes.is_empty() {
            text
        } else {
            filter(&text, pipes)
        };
        if let Some(file) = pipes.iter().find_map(|p| match p {
            Pipe::Save(f) => Some(f),
            _ => None,
        }) {
            self.save_output(file, &text);
            return;
        }
        let paged = !pipes.iter().any(|p| matches!(p, Pipe::NoMore));
        let hold = pipes.iter().any(|p| matches!(p, Pipe::Hold));
        if paged {
            let terminal = input.terminal();
            let cli = self.cli;
            if let Some((rows, next_key)) = input.pager() {
                if let Some(screen) = cli.screen(rows, terminal.as_ref()) {
                    if hold || pager::needs_paging(&text, screen) {
                        let _ = self.out.flush();
                        let text = super::escape::terminal_safe(&text);
                        if let Err(e) = pager::page(&text, screen, hold, &mut self.out, next_key) {
                            self.error(&format!("pager: {e}"));
                        }
                        return;
                    }
                }
            }
        }
        self.print(&text);
    }

    /// `| display inheritance [no-comments]` of the configuration `words` name: one request,
    /// `whole`, for the whole configuration (the groups are in it, wherever the words
    /// point), and the part the words name shown with its groups applied. The words are
    /// resolved here, against the same table the daemon uses; a wrong word, or the
    /// daemon's error, is reported as any `show` reports it (`line`, `prefix` and `typed`
    /// place the caret). `None` when nothing is to be shown.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn inheritance(
        &mut self,
        comments: bool,
        pipes: &[Pipe],
        words: &[String],
        whole: Request,
        line: &str,
        prefix: usize,
        typed: &[Word],
    ) -> Result<Option<Shown>, Lost> {
        let path = match words.is_empty() {
            true => Path::new(),
            false => match schema::edit::resolve(words) {
                Ok(resolved) => resolved.path,
                Err(e) => {
                    let error = MgmtError::Syntax {
                        word: e.word,
                        message: e.message,
                    };
                    self.report(line, error, prefix, typed);
                    return Ok(None);
                }
            },
        };
        let (tree, header) = match self.call(whole)? {
            Ok(Reply::Config { tree, header, .. }) => (tree, header),
            Ok(other) => {
                self.unexpected(&other);
                return Ok(None);
            }
            Err(e) => {
                self.report_plain(e, None);
                return Ok(None);
            }
        };
        if pipes.iter().any(|p| matches!(p, Pipe::DisplaySet)) {
            let lines = schema::print::to_inheritance_set_lines(&path, &tree);
            return Ok(Some(Shown::Text(lines)));
        }
        let text = schema::print::to_inheritance_text(&path, &tree, comments);
        // `show interfaces`: the entries alone, as the plain form shows them.
        let (_, alone) = super::navigation::grouped_level(path.clone());
        let text = match alone {
            true => super::navigation::entries_only(&text),
            false => text,
        };
        // Junos heads a whole configuration only, as the daemon's `show` does.
        let header = header.filter(|_| path.is_empty());
        Ok(Some(Shown::Text(super::display::with_header(header, text))))
    }

    /// `| save FILE`: the output to FILE (relative to the directory the shell runs in, the
    /// operator's home on Junos), and only its size on screen.
    fn save_output(&mut self, file: &str, text: &str) {
        match std::fs::write(file, text) {
            Ok(()) => {
                let lines = text.lines().count();
                self.print(&format!("Wrote {lines} lines of output to '{file}'\n"));
            }
            Err(e) => {
                let reason = e.to_string();
                let reason = reason.split(" (os error").next().unwrap_or_default();
                self.error(&format!("could not write '{file}': {reason}"));
            }
        }
    }
}
