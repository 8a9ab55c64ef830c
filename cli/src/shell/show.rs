//! Output of the `show` commands: rendering, pipes, then the pager.

use super::pipe::{filter, Pipe};
use super::transport::Transport;
use super::{pager, structured, Input, Shell};
use schema::mgmt::DiffBlock;
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
                    super::display::with_header(header, schema::print::to_detail_text(&path, &tree))
                } else if pipes.iter().any(|p| matches!(p, Pipe::DisplayJson)) {
                    let json = schema::print::to_json(&path, &tree);
                    let mut s = serde_json::to_string_pretty(&json)
                        .unwrap_or_else(|e| format!("error: {e}"));
                    s.push('\n');
                    s
                } else {
                    super::display::with_header(header, schema::print::to_text(&path, &tree))
                }
            }
            Shown::Diff(blocks) => schema::print::diff_to_text(&blocks),
        };
        let text = if pipes.is_empty() {
            text
        } else {
            filter(&text, pipes)
        };
        let paged = !pipes.iter().any(|p| matches!(p, Pipe::NoMore));
        if paged {
            if let Some((rows, next_key)) = input.pager() {
                if text.lines().count() >= rows {
                    let _ = self.out.flush();
                    let text = super::escape::terminal_safe(&text);
                    if let Err(e) = pager::page(&text, rows, &mut self.out, next_key) {
                        self.error(&format!("pager: {e}"));
                    }
                    return;
                }
            }
        }
        self.print(&text);
    }
}
