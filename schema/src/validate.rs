//! Commit-time checks of a whole configuration: mandatory statements, references,
//! conflicts. Errors are Junos-style, under the `[edit ...]` level of the statement.

use crate::mgmt::CheckError;
use crate::tree::Node;

/// Checks a candidate as `commit check` does. `Ok` carries warnings to show.
pub fn check(root: &Node) -> Result<Vec<String>, Vec<CheckError>> {
    todo!("{}", root.count())
}
