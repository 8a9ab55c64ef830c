//! Commit-time checks of a whole configuration: mandatory statements, references,
//! conflicts. Errors are Junos-style, under the `[edit ...]` level of the statement.
//!
//! The structural checks (known statements, value types, mandatory statements, references)
//! are driven by the table alone; the semantic checks read the typed view, so what is
//! checked is exactly what the engine will be given.

mod access;
mod address_assignment;
#[cfg(test)]
mod address_assignment_tests;
mod auto_configure;
#[cfg(test)]
mod auto_configure_tests;
mod device;
mod dynamic_profiles;
#[cfg(test)]
mod dynamic_profiles_tests;
mod firewall;
#[cfg(test)]
mod firewall_tests;
mod l2tp;
mod lns_units;
#[cfg(test)]
mod lns_units_tests;
#[cfg(test)]
mod policer_tests;
mod ppp_options;
mod pppoe;
#[cfg(test)]
mod pppoe_tests;
mod pppoe_underlying;
mod routing;
#[cfg(test)]
mod routing_tests;
mod short_cycle;
pub mod since;
#[cfg(test)]
mod since_tests;
mod static_pppoe;
#[cfg(test)]
mod static_pppoe_tests;
mod static_routes;
#[cfg(test)]
mod static_routes_tests;
mod structure;
mod system;
#[cfg(test)]
mod test_errors;
#[cfg(test)]
mod tests;

use crate::mgmt::CheckError;
use crate::tree::{Node, Path};
pub use since::Checked;
use since::Skips;

/// The summary when a mandatory statement is missing (Junos' wording).
pub const MISSING_MANDATORY: &str = "commit failed: (missing mandatory statements)";
/// The summary for every other failed check.
pub const CHECK_OUT_FAILED: &str = "configuration check-out failed";

/// Checks a candidate as `commit check` does. `Ok` carries warnings to show; `Err` the
/// errors and the summary line (`configuration check-out failed`,
/// `commit failed: (missing mandatory statements)`). Inactive statements are not checked.
pub fn check(root: &Node) -> Result<Vec<String>, (Vec<CheckError>, String)> {
    check_and_view(root).map(|(warnings, _)| warnings)
}

/// [`check`], also handing back the typed view the semantic checks built, so that a commit
/// does not derive it a second time from the same tree.
pub fn check_and_view(
    root: &Node,
) -> Result<(Vec<String>, crate::typed::RouterConfig), (Vec<CheckError>, String)> {
    check_and_view_since(root, None)
}

/// [`check_and_view`] of a candidate made from `previous`, the configuration last committed:
/// the subtrees the candidate still shares with it are not checked or read again (see
/// [`since`]), so a commit of a small change costs what it changes. The result is the one
/// [`check_and_view`] gives (a property test holds them equal over random edits).
pub fn check_and_view_since(
    root: &Node,
    previous: Option<Checked<'_>>,
) -> Result<(Vec<String>, crate::typed::RouterConfig), (Vec<CheckError>, String)> {
    check_since(root, previous).map(|passed| (passed.warnings, passed.config))
}

/// What a candidate that passed the check gives the commit.
pub struct Passed {
    pub warnings: Vec<String>,
    pub config: crate::typed::RouterConfig,
    /// Whether the candidate holds `inactive:` statements, which the check finds on its way
    /// (the next commit's [`Checked::has_inactive`]): a commit need not walk a whole new
    /// configuration a second time for it.
    pub has_inactive: bool,
}

/// [`check_and_view_since`], also saying whether the candidate holds inactive statements.
pub fn check_since(
    root: &Node,
    previous: Option<Checked<'_>>,
) -> Result<Passed, (Vec<CheckError>, String)> {
    // Skips need the tree the engine sees to be the candidate itself, shared with the
    // previous one; a configuration with inactive statements is checked whole.
    // A candidate that shares nothing (parsed whole by `load override`) is checked whole:
    // comparing it node by node with the previous one would only add to the check.
    // A tree with configuration groups is checked whole: what a subtree holds depends on
    // the groups applied above it, which sharing the subtree does not tell.
    let previous = previous.filter(|p| {
        !crate::typed::groups::has_groups(root)
            && !crate::typed::groups::has_groups(p.tree)
            && !p.has_inactive
            && since::shares_any(root, p.tree, 2)
            && !root.has_inactive_since(p.tree, false)
    });
    let mut findings = Findings::default();
    // A whole check of a tree without groups: the structural walk finds out on its way
    // whether any statement is inactive, instead of a walk of its own before it; only a tree
    // that has one is copied without it and walked again (issue 15, item 4).
    let walked = previous.is_none()
        && !crate::typed::groups::has_groups(root)
        && structure::check_if_all_active(root, &mut findings);
    if !walked {
        findings = Findings::default();
    }
    let active = if previous.is_some() || walked {
        std::borrow::Cow::Borrowed(root)
    } else {
        root.without_inactive()
    };
    // With a previous tree kept, neither it nor what the candidate changed is inactive;
    // without, `without_inactive` copied the tree exactly when it holds inactive statements.
    let has_inactive = matches!(active, std::borrow::Cow::Owned(_));
    // Groups are applied before anything reads the configuration: every check sees the
    // inherited statements as the configuration's own (typed::groups).
    let (active, group_errors, inherited) = crate::typed::groups::expand_recorded(&active);
    findings.errors.extend(group_errors);
    let mut skips = match previous {
        Some(p) => Skips::new(p.tree, &active),
        None => Skips::none(),
    };
    if !walked {
        structure::check(&active, &mut skips, &mut findings);
    }
    // Variables are checked with the structure: a profile's variable is wrong whatever the
    // rest of the configuration says, and the operator should see it in the same pass.
    dynamic_profiles::check(&active, &mut findings);
    firewall::check(&active, &mut findings);
    short_cycle::check(&active, &mut findings);
    // Interface ranges are applied to their members before any check that reads the
    // interfaces, so those see each member as if the range's statements were its own.
    let expanded = match findings.errors.is_empty() {
        true => crate::typed::interface_range::expand(&active),
        false => (std::borrow::Cow::Borrowed(&*active), Vec::new()),
    };
    let (active, range_errors) = (&*expanded.0, expanded.1);
    findings.errors.extend(range_errors);
    // The semantic checks assume well-formed values; on a malformed tree their findings would
    // only repeat the structural errors in other words.
    let config = findings.errors.is_empty().then(|| {
        let config =
            crate::typed::active_router_config_since(active, previous.map(|p| (p.tree, p.config)));
        l2tp::check(&config, &mut findings);
        access::check(active, &config, &mut findings);
        device::check(active, &config, &mut findings);
        pppoe::check(active, &config, &mut findings);
        pppoe_underlying::check(active, &config, &mut findings);
        auto_configure::check(&config, &mut findings);
        routing::check(&config, &mut findings);
        static_routes::check(&config, &mut findings);
        dynamic_profiles::check_donors(&config, &mut findings);
        dynamic_profiles::check_service_interfaces(&config, &mut findings);
        dynamic_profiles::check_rpf_fail_filters(&config, &mut findings);
        lns_units::check(&config, &mut findings);
        static_pppoe::check(active, &config, &mut findings);
        ppp_options::check(&config, &mut findings);
        system::check(&config, &mut findings);
        config
    });
    crate::typed::groups::name_groups(&mut findings.errors, &inherited);
    match config {
        Some(config) if findings.errors.is_empty() => Ok(Passed {
            warnings: findings.warnings,
            config,
            has_inactive,
        }),
        _ => {
            // A missing mandatory statement decides the summary: Junos reports it with its own
            // line, and it is what the operator has to add before anything else makes sense.
            let summary = if findings.missing_mandatory {
                MISSING_MANDATORY
            } else {
                CHECK_OUT_FAILED
            };
            Err((findings.errors, summary.to_string()))
        }
    }
}

/// What the checks found so far.
#[derive(Default)]
pub(crate) struct Findings {
    errors: Vec<CheckError>,
    warnings: Vec<String>,
    missing_mandatory: bool,
}

impl Findings {
    /// An error about `statement` (as written, e.g. `tunnel-profile tp1`) under `[edit path]`.
    pub(crate) fn error(
        &mut self,
        path: Path,
        statement: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.errors.push(CheckError {
            path,
            statement: statement.into(),
            message: message.into(),
        });
    }

    pub(crate) fn missing(&mut self, path: Path, statement: impl Into<String>, missing: &str) {
        self.missing_mandatory = true;
        self.error(
            path,
            statement,
            format!("Missing mandatory statement: '{missing}'"),
        );
    }

    /// A warning line as the shell shows it: `warning: [edit ...] 'statement': text`.
    pub(crate) fn warn(&mut self, path: &[crate::tree::NodeId], statement: &str, message: &str) {
        let level = if path.is_empty() {
            String::new()
        } else {
            format!(" {}", crate::tree::path_words(path))
        };
        self.warnings
            .push(format!("warning: [edit{level}] '{statement}': {message}"));
    }
}
