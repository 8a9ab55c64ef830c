//! Output of the `show` commands: rendering, pipes, then the pager.

use super::pipe::{filter, Pipe};
use super::transport::Transport;
use super::Lost;
use super::{pager, structured, Input, Shell};
use schema::mgmt::{DiffBlock, Reply, Request};
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

    /// `| display inheritance [no-comments]` of the configuration below `path`: the whole
    /// configuration, which holds the groups, is asked for with `whole`, and the part below
    /// `path` shown with its groups applied. `None` when the pipe is not there.
    pub(super) fn inheritance(
        &mut self,
        pipes: &[Pipe],
        path: &Path,
        words: &[String],
        header: Option<String>,
        whole: Request,
    ) -> Result<Option<Shown>, Lost> {
        let Some(comments) = pipes.iter().find_map(|p| match p {
            Pipe::DisplayInheritance(comments) => Some(*comments),
            _ => None,
        }) else {
            return Ok(None);
        };
        Ok(Some(match self.call(whole)? {
            Ok(Reply::Config { tree, .. }) => {
                // A level only groups write (`show system` with `system` from a group) is
                // nothing in the configuration as written, where the daemon looked: the path
                // is the words' own.
                let resolved = schema::edit::resolve(words).map(|r| r.path);
                let path = resolved.as_ref().unwrap_or(path);
                if pipes.iter().any(|p| matches!(p, Pipe::DisplaySet)) {
                    let lines = schema::print::to_inheritance_set_lines(path, &tree);
                    return Ok(Some(Shown::Text(lines)));
                }
                let text = schema::print::to_inheritance_text(path, &tree, comments);
                // `show interfaces`: the entries alone, as the plain form shows them.
                let (_, alone) = super::navigation::grouped_level(path.to_vec());
                let text = match alone {
                    true => super::navigation::entries_only(&text),
                    false => text,
                };
                Shown::Text(super::display::with_header(header, text))
            }
            Ok(_) | Err(_) => Shown::Text(String::new()),
        }))
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
