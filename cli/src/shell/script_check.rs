//! An atomic script (`cli -f`, piped stdin) that failed is not committed, but it goes on
//! through the configuration edits that follow the failure, so one run names every edit the
//! router refuses, as `load set` names every line (issue 16 item 3). The edits go to the
//! script's private candidate, which is discarded when it stops; the first command that is
//! not an edit (`commit`, `run`, `load`, `exit`, …) is not run.

use super::transport::Transport;
use super::{Mode, Shell};

/// Configuration-mode commands that only change the candidate or the edit level.
const EDITS: &[&str] = &[
    "set",
    "delete",
    "activate",
    "deactivate",
    "annotate",
    "edit",
    "top",
    "up",
];

impl<T: Transport> Shell<T> {
    /// Whether an atomic script that has failed still runs `line`: a comment, a blank line,
    /// or a configuration edit (`top` and `up` only before another edit, or alone).
    pub fn checks_after_failure(&self, line: &str) -> bool {
        if !matches!(self.mode, Mode::Configuration { .. }) {
            return false;
        }
        let Ok(words) = (self.split)(line) else {
            // Run it: its syntax error is one more to report.
            return true;
        };
        let mut words = words
            .iter()
            .take_while(|w| w.quoted || !w.text.starts_with('#'))
            .map(|w| w.text.as_str())
            .peekable();
        loop {
            match words.next() {
                None => return true,
                Some("top") => {}
                Some("up") => {
                    // `up 2 set …`
                    words.next_if(|w| w.parse::<u32>().is_ok());
                }
                Some(word) => return EDITS.contains(&word) && !words.any(|w| w == "|"),
            }
        }
    }
}
