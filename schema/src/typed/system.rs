//! `[edit system]` as typed settings: login classes (and, below, the other system stanzas the
//! daemon acts on).

use super::view::View;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `system login class NAME { ... }`: what its users may do. The daemon turns it into rights
/// (l2tpd/src/mgmt/rights.rs); the regular expressions were checked at commit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginClassConfig {
    /// Junos permission flags as written (`view`, `clear`, `configure`, ...).
    pub permissions: Vec<String>,
    pub allow_commands: Option<String>,
    pub deny_commands: Option<String>,
    pub allow_configuration: Option<String>,
    pub deny_configuration: Option<String>,
    /// `allow-configuration-regexps [ ... ]`: any one allows (exclusive with the above).
    #[serde(default)]
    pub allow_configuration_regexps: Vec<String>,
    /// `deny-configuration-regexps [ ... ]`: any one denies.
    #[serde(default)]
    pub deny_configuration_regexps: Vec<String>,
    /// Minutes.
    pub idle_timeout: Option<u32>,
}

/// `system internet-options icmpv4-rate-limit`: the token bucket of the ICMP messages the
/// router originates (here the answers of `reject` terms, and their TCP resets too).
/// Junos' defaults: 1000 packets a second, a bucket of 5 seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IcmpRateLimit {
    /// Tokens earned per second.
    pub packet_rate: u32,
    /// Seconds of `packet_rate` the bucket holds: the burst after a quiet spell.
    pub bucket_size: u32,
}

impl Default for IcmpRateLimit {
    fn default() -> Self {
        IcmpRateLimit {
            packet_rate: 1000,
            bucket_size: 5,
        }
    }
}

pub(super) fn icmpv4_rate_limit(system: View<'_>) -> IcmpRateLimit {
    let limit = system
        .container("internet-options")
        .container("icmpv4-rate-limit");
    IcmpRateLimit {
        packet_rate: limit.number("packet-rate"),
        bucket_size: limit.number("bucket-size"),
    }
}

pub(super) fn login_classes(login: View<'_>) -> BTreeMap<String, LoginClassConfig> {
    login
        .entries("class")
        .map(|(name, c)| {
            (
                name.to_string(),
                LoginClassConfig {
                    permissions: c.values("permissions"),
                    allow_commands: c.string("allow-commands"),
                    deny_commands: c.string("deny-commands"),
                    allow_configuration: c.string("allow-configuration"),
                    deny_configuration: c.string("deny-configuration"),
                    allow_configuration_regexps: c.values("allow-configuration-regexps"),
                    deny_configuration_regexps: c.values("deny-configuration-regexps"),
                    idle_timeout: c.uint("idle-timeout"),
                },
            )
        })
        .collect()
}

/// Largest compiled size of a class's regular expression: a pattern is the operator's, but a
/// huge one would cost every request of every user of the class.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// An operator's regular expression refused, as Junos says it: `Invalid regular expression
/// 'RE': reason`. The crate's syntax message spans lines (pattern, caret, reason): keep the
/// reason.
pub fn regex_error(text: &str, error: regex::Error) -> String {
    match error {
        regex::Error::Syntax(s) => {
            let last = s.lines().last().unwrap_or("syntax error").trim();
            let reason = last.strip_prefix("error: ").unwrap_or(last);
            format!("Invalid regular expression '{text}': {reason}")
        }
        _ => format!("Invalid regular expression '{text}': too large"),
    }
}

impl LoginClassConfig {
    /// The class's allowed configuration as one expression for [`login_regex`]: its
    /// `allow-configuration`, or its `allow-configuration-regexps` as alternatives.
    pub fn allowed_configuration(&self) -> Option<String> {
        either_form(&self.allow_configuration, &self.allow_configuration_regexps)
    }

    /// As [`Self::allowed_configuration`], for the denied configuration.
    pub fn denied_configuration(&self) -> Option<String> {
        either_form(&self.deny_configuration, &self.deny_configuration_regexps)
    }
}

/// One expression, or several joined so that any one of them matches (each anchored where
/// [`login_regex`] anchors it, as it would be alone).
fn either_form(one: &Option<String>, several: &[String]) -> Option<String> {
    if several.is_empty() {
        return one.clone();
    }
    Some(
        several
            .iter()
            .map(|re| format!("(?:{re})"))
            .collect::<Vec<_>>()
            .join("|"),
    )
}

/// A class's `allow-commands` / `deny-commands` / `allow-configuration` /
/// `deny-configuration` as the daemon matches it: not case-sensitive (as Junos), matched from
/// the start of the command or statement path (`show` covers `show interfaces`), `$` to end it.
pub fn login_regex(text: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(&format!("^(?:{text})"))
        .case_insensitive(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| regex_error(text, e))
}
