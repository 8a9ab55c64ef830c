//! Commit-time checks of a whole configuration: mandatory statements, references,
//! conflicts. Errors are Junos-style, under the `[edit ...]` level of the statement.

use crate::mgmt::CheckError;
use crate::tree::Node;

/// Checks a candidate as `commit check` does. `Ok` carries warnings to show; `Err` the
/// errors and the summary line (`configuration check-out failed`,
/// `commit failed: (missing mandatory statements)`).
pub fn check(root: &Node) -> Result<Vec<String>, (Vec<CheckError>, String)> {
    todo!("{}", root.count())
}
