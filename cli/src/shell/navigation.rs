//! `top CMD` and `up [N] CMD`: one command run at another edit level, as Junos does, and the
//! levels `up` counts (a grouped list's entry is two levels: `[edit interfaces ge-0/0/0]` is
//! one `up` from `[edit interfaces]`).

use super::configuration::command_len;
use super::transport::Transport;
use super::{Flow, Input, Lost, Mode, Shell};
use schema::opcmd::{Action, CONFIGURATION};
use schema::tokenize::Word;
use schema::tree::{NodeId, Path};

impl<T: Transport> Shell<T> {
    /// Runs `words` (a whole configuration command, pipes and all) as if typed at `at`.
    /// A command that moves (`top edit access`, `up 2 edit x`) keeps its new level, taken
    /// from `at`; any other leaves the operator where they were.
    pub(super) fn run_at(
        &mut self,
        line: &str,
        words: &[Word],
        at: Path,
        input: &mut dyn Input,
    ) -> Result<Flow, Lost> {
        let Mode::Configuration { level } = &mut self.mode else {
            return Ok(Flow::Continue);
        };
        let before = std::mem::replace(level, at);
        let history = self.edit_history.len();
        let flow = self.configuration(line, words, input)?;
        let action = super::words::match_command(&CONFIGURATION, &words[..command_len(words)])
            .map(|c| c.action)
            .ok();
        let moved = match action {
            // An `edit` that worked pushed the level it left: make that the operator's own
            // level, so `exit` goes back where they were. One that failed moved nobody.
            Some(Action::Edit) if self.edit_history.len() > history => {
                if let Some(from) = self.edit_history.last_mut() {
                    *from = before.clone();
                }
                true
            }
            Some(Action::Up | Action::Top | Action::ExitConfigurationLevel) => true,
            _ => false,
        };
        if let Mode::Configuration { level } = &mut self.mode {
            if !moved {
                *level = before;
            }
        }
        Ok(flow)
    }
}

/// The level `steps` levels above `level`, counting a grouped list (`interfaces`,
/// `access radius-server`) as a level of its own before its entry; the top when there are
/// not that many.
pub(super) fn up_from(level: &[NodeId], steps: usize) -> Path {
    let mut levels: Vec<Path> = Vec::new();
    for (i, id) in level.iter().enumerate() {
        let grouped = schema::edit::stmt_for_path(&level[..=i]).is_some_and(|s| s.grouped);
        if grouped && id.key.is_some() {
            let mut list = level[..i].to_vec();
            list.push(NodeId::new(id.keyword.clone()));
            levels.push(list);
        }
        levels.push(level[..=i].to_vec());
    }
    // `levels` ends with `level` itself; the top is below all of them.
    match levels.len().checked_sub(steps + 1) {
        Some(i) => levels.swap_remove(i),
        None => Path::new(),
    }
}

/// A configuration shown at a grouped list's own level (`show interfaces`, `show` at
/// `[edit access radius-server]`) comes with the list's key-less id last. Returns the path of
/// the list's parent (where the printers place the entries) and whether to show the
/// entries alone, as Junos does (`ge-0/0/0 { … }`, not `interfaces { ge-0/0/0 { … } }`).
pub(super) fn grouped_level(mut path: Path) -> (Path, bool) {
    let grouped = path.last().is_some_and(|id| id.key.is_none())
        && schema::edit::stmt_for_path(&path).is_some_and(|s| s.grouped);
    if grouped {
        path.pop();
    }
    (path, grouped)
}

/// The brace text of one grouped list (`interfaces {` … `}`) without its wrapper.
pub(super) fn entries_only(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    // `## Last changed` cannot be here (a level is shown), so the wrapper is the first line.
    if lines.first().is_some_and(|l| l.ends_with(" {")) && lines.last() == Some(&"}") {
        lines.remove(0);
        lines.pop();
    }
    let mut out = String::with_capacity(text.len());
    for line in lines {
        out.push_str(line.strip_prefix("    ").unwrap_or(line));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(path: &Path) -> String {
        schema::tree::path_words(path)
    }

    #[test]
    fn grouped_entries_are_shown_alone() {
        let (path, alone) = grouped_level(vec![NodeId::new("interfaces")]);
        assert!(path.is_empty() && alone);
        let (path, alone) = grouped_level(vec![NodeId::new("access")]);
        assert_eq!(path, vec![NodeId::new("access")]);
        assert!(!alone);
        assert_eq!(
            entries_only("interfaces {\n    ge-0/0/0 {\n        mtu 1500;\n    }\n}\n"),
            "ge-0/0/0 {\n    mtu 1500;\n}\n"
        );
        assert_eq!(entries_only(""), "");
    }

    #[test]
    fn up_counts_a_grouped_list_as_a_level() {
        let level = vec![
            NodeId::entry("interfaces", "ge-0/0/0"),
            NodeId::entry("unit", "0"),
        ];
        assert_eq!(words(&up_from(&level, 1)), "interfaces ge-0/0/0");
        assert_eq!(up_from(&level, 2), vec![NodeId::new("interfaces")]);
        assert!(up_from(&level, 3).is_empty());
        assert!(up_from(&level, 9).is_empty());
        let radius = vec![
            NodeId::new("access"),
            NodeId::entry("radius-server", "127.0.0.2"),
        ];
        assert_eq!(
            up_from(&radius, 1),
            vec![NodeId::new("access"), NodeId::new("radius-server")]
        );
        assert_eq!(up_from(&radius, 2), vec![NodeId::new("access")]);
        // Other lists' entries are one level: `up` from a profile goes to `[edit access]`.
        let profile = vec![NodeId::new("access"), NodeId::entry("profile", "P")];
        assert_eq!(up_from(&profile, 1), vec![NodeId::new("access")]);
    }
}
