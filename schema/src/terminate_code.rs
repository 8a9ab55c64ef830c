//! Junos' terminate reasons and the RADIUS Acct-Terminate-Cause (RFC 2866 §5.10) each is sent
//! as in an Accounting-Stop: the default tables of Juniper's "AAA / L2TP / PPP termination
//! causes and code values" pages, and `[edit access] terminate-code (aaa | dhcp | l2tp | ppp)
//! REASON radius CODE`, which remaps one (1..4294967295).
//!
//! The reasons are the statement's keywords (the table in `table/access.rs` takes its
//! choices from here) and what `show network-access terminate-code` lists. Which of them this
//! router raises is the subscriber layer's table (`l2tpd::subscriber::terminate_reason`);
//! `raised` here says the same, and a test there holds the two equal.
//!
//! Juniper's pages write a reason in words ("session rx cdn"); the CLI keyword is those
//! words joined with `-`, as in the one example the pages give
//! (`terminate-code aaa shutdown idle-timeout radius 10`).
//!
//! # What could be read, and what is missing
//!
//! Only the opening of each Juniper page could be read (the stored copies give a page's
//! first part, never the whole of a long table), so:
//! - AAA: whole (a short page).
//! - L2TP: its first 27 rows, to "session rx iccn avp bad hidden". Juniper's data model
//!   (below) shows the table goes on much further (the rest of the
//!   ICCN, ICRP, ICRQ, OCCN, OCRP, OCRQ, SLI and WEN AVP errors, session timeouts, the
//!   `tunnel` reasons); their default codes could not be read, so they are not here.
//! - PPP: its first 31 rows, to "bundle fail static link"; the 32nd begins "failover
//!   during" and was cut off. The rest (the `lcp`, `mpls`, `osi`, `recovery`,
//!   `subscriber-mgr`… reasons of the data model) is not here, for the same reason.
//! - DHCP: no page was found. Its five reasons are named by Juniper's data model, so the
//!   statement takes those and no other word (`DHCP_NAMES`); without their defaults DHCP
//!   has no default table, and this router serves no DHCP subscribers (commit says so).
//!
//! The reasons marked `documented: false` are this router's names for ends it raises whose
//! row (with its default code) was not among the rows read. `lcp-peer-terminate-term-req`'s
//! name is Juniper's (the data model has `ppp lcp peer-terminate-term-req`); its code is
//! the one this router always sent. The data model has no PPPoE PADT reason and no single
//! "LCP negotiation failed" one (it splits that end into `lcp negotiation-timeout`,
//! `keepalive-failure`, `loopback-…`, `max-configure-exceeded` and others), so those two
//! names stay ours, as does `session-nas-shutdown`.
//!
//! Sources: "L2TP Termination Causes and Code Values" and "PPP Termination Causes and Code
//! Values" (juniper.net/documentation/us/en/software/junos/subscriber-mgmt-sessions/topics/
//! concept/{l2tp,ppp}-terminate-reasons.html, and the Junos 13.1/13.2 "L2TP / PPP Terminate
//! Reasons" pages); "AAA Terminate Reasons" (Junos 13.2,
//! juniper.net/documentation/en_US/junos13.2/topics/reference/general/aaa-terminate-reasons.html);
//! Juniper's YANG model of the configuration, `junos-conf-access` (github.com/Juniper/yang,
//! 18.2R3 and 21.4R1), for the names only: it carries no default codes.
//!
//! # An open question the data model raises
//!
//! In Juniper's YANG model a reason is not one joined keyword but a path of keywords, and
//! they are not always the pages' words: `l2tp issu in-progress`, `l2tp session
//! administrative-close` (the page: "session admin close"), `l2tp session receive-cdn
//! avp-bad-hidden` ("session rx cdn avp bad hidden"), each ending in `radius
//! acct-terminate-cause CODE`. Its AAA reasons also differ from the 13.2 page (`deny
//! authentication-denied`, a `service-shutdown` group, `shutdown reassign-on-match`; no
//! `deny address-allocation-failure`). Whether Junos' CLI also takes the pages' one-line
//! form is not settled by what could be read; this router keeps the pages' form.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The protocol a terminate reason belongs to: the word after `terminate-code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    Aaa,
    Dhcp,
    L2tp,
    Ppp,
}

impl Protocol {
    pub const ALL: [Protocol; 4] = [Protocol::Aaa, Protocol::Dhcp, Protocol::L2tp, Protocol::Ppp];

    /// The keyword (`aaa`, `dhcp`, `l2tp`, `ppp`).
    pub fn keyword(self) -> &'static str {
        match self {
            Protocol::Aaa => "aaa",
            Protocol::Dhcp => "dhcp",
            Protocol::L2tp => "l2tp",
            Protocol::Ppp => "ppp",
        }
    }

    pub fn from_keyword(word: &str) -> Option<Protocol> {
        Protocol::ALL.into_iter().find(|p| p.keyword() == word)
    }

    /// How Junos' pages name it in headings (`L2TP`).
    pub fn title(self) -> &'static str {
        match self {
            Protocol::Aaa => "AAA",
            Protocol::Dhcp => "DHCP",
            Protocol::L2tp => "L2TP",
            Protocol::Ppp => "PPP",
        }
    }

    /// Its default table, in Juniper's order; AAA's reasons with their `deny` or `shutdown`
    /// word first (`shutdown idle-timeout`).
    pub fn reasons(self) -> impl Iterator<Item = (String, &'static Reason)> {
        let groups: &'static [(&'static str, &'static [Reason])] = match self {
            Protocol::Aaa => &[("deny", &AAA_DENY), ("shutdown", &AAA_SHUTDOWN)],
            // DHCP's reasons are known (`DHCP_NAMES`) but not their defaults.
            Protocol::Dhcp => &[],
            Protocol::L2tp => &[("", &L2TP)],
            Protocol::Ppp => &[("", &PPP)],
        };
        groups.iter().flat_map(|(group, reasons)| {
            reasons.iter().map(move |r| {
                let name = if group.is_empty() {
                    r.name.to_string()
                } else {
                    format!("{group} {}", r.name)
                };
                (name, r)
            })
        })
    }

    /// The reason `name` (`session-rx-cdn`, `shutdown idle-timeout`) of the default table.
    pub fn reason(self, name: &str) -> Option<&'static Reason> {
        self.reasons().find(|(n, _)| n == name).map(|(_, r)| r)
    }
}

/// One terminate reason of a default table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reason {
    /// The keyword (after `deny` or `shutdown` for AAA).
    pub name: &'static str,
    /// The Acct-Terminate-Cause it is sent as unless `terminate-code` says otherwise.
    pub code: u32,
    /// This router ends subscribers for it (some `EndCause` is this reason).
    pub raised: bool,
    /// Found in Juniper's published table; `false`: this router's own name (see the module).
    pub documented: bool,
}

const fn junos(name: &'static str, code: u32) -> Reason {
    Reason {
        name,
        code,
        raised: false,
        documented: true,
    }
}

const fn raised(name: &'static str, code: u32) -> Reason {
    Reason {
        name,
        code,
        raised: true,
        documented: true,
    }
}

/// A reason this router raises whose Junos name could not be confirmed.
const fn ours(name: &'static str, code: u32) -> Reason {
    Reason {
        name,
        code,
        raised: true,
        documented: false,
    }
}

/// The keywords of a table, for the statement's choices.
const fn names<const N: usize>(reasons: [Reason; N]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = reasons[i].name;
        i += 1;
    }
    out
}

// RFC 2866 §5.10 codes, named as the tables below use them.
const USER_REQUEST: u32 = 1;
const LOST_SERVICE: u32 = 3;
const IDLE_TIMEOUT: u32 = 4;
const SESSION_TIMEOUT: u32 = 5;
const ADMIN_RESET: u32 = 6;
const ADMIN_REBOOT: u32 = 7;
const PORT_ERROR: u32 = 8;
const NAS_ERROR: u32 = 9;
const NAS_REQUEST: u32 = 10;
const SERVICE_UNAVAILABLE: u32 = 15;
const USER_ERROR: u32 = 17;

/// Juniper's "AAA terminate reasons" table, whole (Junos 13.2 and later defaults).
const AAA_DENY: [Reason; 3] = [
    junos("address-allocation-failure", USER_ERROR),
    junos("no-resources", NAS_REQUEST),
    junos("server-request-timeout", USER_ERROR),
];
pub(crate) const AAA_DENY_NAMES: [&str; 3] = names(AAA_DENY);

const AAA_SHUTDOWN: [Reason; 4] = [
    raised("idle-timeout", IDLE_TIMEOUT),
    raised("session-timeout", SESSION_TIMEOUT),
    // The router's own address policy logged the subscriber out (its address taken back).
    raised("administrative-reset", ADMIN_RESET),
    // A RADIUS Disconnect-Request (RFC 5176).
    raised("remote-reset", NAS_REQUEST),
];
pub(crate) const AAA_SHUTDOWN_NAMES: [&str; 4] = names(AAA_SHUTDOWN);

/// Juniper's "L2TP terminate reasons" table, its first 27 rows (all that could be read;
/// see the module); then ours.
const L2TP: [Reason; 28] = [
    junos("issu-in-progress", NAS_ERROR),
    raised("session-access-interface-down", PORT_ERROR),
    raised("session-admin-close", ADMIN_RESET),
    junos("session-admin-drain", ADMIN_RESET),
    junos("session-call-down", NAS_REQUEST),
    raised("session-call-failed", SERVICE_UNAVAILABLE),
    junos("session-create-failed-limit-reached", NAS_ERROR),
    junos("session-create-failed-no-resources", NAS_ERROR),
    junos(
        "session-create-failed-single-shot-tunnel-already-fired",
        NAS_ERROR,
    ),
    junos("session-create-failed-too-busy", NAS_ERROR),
    junos("session-failover-protocol-resync-disconnect", ADMIN_RESET),
    junos("session-hardware-unavailable", PORT_ERROR),
    junos("session-no-resources-server-port", NAS_ERROR),
    junos("session-not-ready", NAS_ERROR),
    raised("session-rx-cdn", NAS_REQUEST),
    junos("session-rx-cdn-avp-bad-hidden", NAS_REQUEST),
    junos(
        "session-rx-cdn-avp-bad-value-assigned-session-id",
        NAS_REQUEST,
    ),
    junos(
        "session-rx-cdn-avp-duplicate-value-assigned-session-id",
        NAS_REQUEST,
    ),
    junos("session-rx-cdn-avp-malformed-bad-length", NAS_REQUEST),
    junos("session-rx-cdn-avp-malformed-truncated", NAS_REQUEST),
    junos(
        "session-rx-cdn-avp-missing-mandatory-assigned-session-id",
        NAS_REQUEST,
    ),
    junos(
        "session-rx-cdn-avp-missing-mandatory-result-code",
        NAS_REQUEST,
    ),
    junos("session-rx-cdn-avp-missing-random-vector", NAS_REQUEST),
    junos("session-rx-cdn-avp-missing-secret", NAS_REQUEST),
    junos("session-rx-cdn-avp-unknown", NAS_REQUEST),
    junos("session-rx-cdn-no-resources", NAS_REQUEST),
    junos("session-rx-iccn-avp-bad-hidden", NAS_REQUEST),
    // The daemon stopped, or a commit removed the subscriber's access: Admin Reboot, as
    // this router always sent.
    ours("session-nas-shutdown", ADMIN_REBOOT),
];
pub(crate) const L2TP_NAMES: [&str; 28] = names(L2TP);

/// Juniper's "PPP terminate reasons" table, its first 31 rows (all that could be read;
/// see the module); then ours.
const PPP: [Reason; 34] = [
    junos("admin-logout", NAS_REQUEST),
    // The client never authenticated in time.
    raised("authenticate-authenticator-timeout", USER_ERROR),
    junos("authenticate-challenge-timeout", NAS_REQUEST),
    junos("authenticate-chap-no-resources", NAS_REQUEST),
    junos("authenticate-chap-peer-authenticator-timeout", USER_ERROR),
    // Its credentials were refused.
    raised("authenticate-deny-by-peer", USER_ERROR),
    junos("authenticate-inactivity-timeout", IDLE_TIMEOUT),
    junos("authenticate-max-requests", NAS_REQUEST),
    junos("authenticate-no-authenticator", NAS_REQUEST),
    junos("authenticate-pap-peer-authenticator-timeout", USER_ERROR),
    junos("authenticate-pap-request-timeout", NAS_REQUEST),
    junos("authenticate-session-timeout", SESSION_TIMEOUT),
    junos("authenticate-too-many-requests", NAS_REQUEST),
    junos("authenticate-tunnel-fail-immediate", NAS_REQUEST),
    junos("authenticate-tunnel-unsupported-tunnel-type", NAS_REQUEST),
    junos("bundle-fail-create", NAS_REQUEST),
    junos("bundle-fail-engine-add", NAS_REQUEST),
    junos("bundle-fail-fragment-size-mismatch", NAS_REQUEST),
    junos("bundle-fail-fragmentation-location", NAS_REQUEST),
    junos("bundle-fail-fragmentation-mismatch", NAS_REQUEST),
    junos("bundle-fail-join", NAS_REQUEST),
    junos("bundle-fail-link-selection-mismatch", NAS_REQUEST),
    junos("bundle-fail-local-mped-not-set-yet", NAS_REQUEST),
    junos("bundle-fail-local-mrru-mismatch", NAS_REQUEST),
    junos("bundle-fail-local-mru-mismatch", NAS_REQUEST),
    junos("bundle-fail-peer-mrru-mismatch", NAS_REQUEST),
    junos("bundle-fail-reassembly-location", NAS_REQUEST),
    junos("bundle-fail-reassembly-mismatch", NAS_REQUEST),
    junos("bundle-fail-record-network", NAS_REQUEST),
    junos("bundle-fail-server-location-mismatch", NAS_REQUEST),
    junos("bundle-fail-static-link", NAS_REQUEST),
    // The client ended PPP (LCP Terminate-Request). Juniper's name (its data model's `ppp
    // lcp peer-terminate-term-req`); its default code was not read, so User Request, as
    // this router always sent.
    ours("lcp-peer-terminate-term-req", USER_REQUEST),
    // LCP failed: no agreement, echo timeout, looped link.
    ours("lcp-negotiation-failed", LOST_SERVICE),
    // The client sent a PPPoE PADT.
    ours("pppoe-padt-received", USER_REQUEST),
];
pub(crate) const PPP_NAMES: [&str; 34] = names(PPP);

/// Juniper's DHCP terminate reasons: the statement's keywords, in Junos' order. Their
/// default codes could not be read (see the module), so DHCP has no default table here:
/// `show` lists a DHCP reason only when the configuration remaps it.
///
/// Source: the `terminate-code dhcp` containers of Juniper's YANG data model for the
/// configuration, `junos-conf-access` (github.com/Juniper/yang, releases 18.2R3 and 21.4R1:
/// the same five in both).
pub(crate) const DHCP_NAMES: [&str; 5] = [
    "client-request",
    "lost-carrier",
    "nak",
    "nas-logout",
    "no-offers",
];

/// RFC 2866 §5.10's name of an Acct-Terminate-Cause value (`Port Error`); empty past 22.
pub fn radius_description(code: u32) -> &'static str {
    const NAMES: [&str; 22] = [
        "User Request",
        "Lost Carrier",
        "Lost Service",
        "Idle Timeout",
        "Session Timeout",
        "Admin Reset",
        "Admin Reboot",
        "Port Error",
        "NAS Error",
        "NAS Request",
        "NAS Reboot",
        "Port Unneeded",
        "Port Preempted",
        "Port Suspended",
        "Service Unavailable",
        "Callback",
        "User Error",
        "Host Request",
        // RFC 3580 §3.32.
        "Supplicant Restart",
        "Reauthentication Failure",
        "Port Reinitialized",
        "Port Administratively Disabled",
    ];
    code.checked_sub(1)
        .and_then(|i| NAMES.get(i as usize))
        .copied()
        .unwrap_or("")
}

/// `[edit access terminate-code]`: the reasons whose code the configuration changes, by
/// protocol and reason (`shutdown idle-timeout`, `session-rx-cdn`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TerminateCodes {
    pub remapped: BTreeMap<Protocol, BTreeMap<String, u32>>,
}

impl TerminateCodes {
    /// The code `reason` of `protocol` is sent as: its remap, else its default; `None` for
    /// a reason neither knows.
    pub fn code(&self, protocol: Protocol, reason: &str) -> Option<u32> {
        self.configured(protocol, reason)
            .or_else(|| protocol.reason(reason).map(|r| r.code))
    }

    /// The code `terminate-code` gives `reason`, if it gives one.
    pub fn configured(&self, protocol: Protocol, reason: &str) -> Option<u32> {
        self.remapped.get(&protocol)?.get(reason).copied()
    }

    /// `reason` is sent as `code` from now on.
    pub fn remap(&mut self, protocol: Protocol, reason: impl Into<String>, code: u32) {
        self.remapped
            .entry(protocol)
            .or_default()
            .insert(reason.into(), code);
    }
}

/// What `show network-access terminate-code` shows under `codes`: `only` one protocol's
/// reasons, or all; each default table in Juniper's order, then the reasons only the
/// configuration names (DHCP's).
pub fn information(
    codes: &TerminateCodes,
    only: Option<Protocol>,
) -> crate::aaa_rpc::TerminateCodeInformation {
    use crate::aaa_rpc::{TerminateCodeProtocol, TerminateReasonCode};
    let entry = |reason: String, default: Option<&Reason>, configured: Option<u32>| {
        let code = configured.or(default.map(|r| r.code)).unwrap_or_default();
        TerminateReasonCode {
            description: radius_description(code).to_string(),
            default_code: configured.and(default.map(|r| r.code)),
            raised: default.is_some_and(|r| r.raised),
            reason,
            code,
        }
    };
    let protocols = Protocol::ALL
        .into_iter()
        .filter(|p| only.is_none_or(|o| o == *p))
        .map(|protocol| {
            let mut reasons: Vec<_> = protocol
                .reasons()
                .map(|(name, r)| {
                    let configured = codes.configured(protocol, &name);
                    entry(name, Some(r), configured)
                })
                .collect();
            let only_configured = codes
                .remapped
                .get(&protocol)
                .into_iter()
                .flatten()
                .filter(|(name, _)| protocol.reason(name).is_none());
            for (name, code) in only_configured {
                reasons.push(entry(name.clone(), None, Some(*code)));
            }
            TerminateCodeProtocol { protocol, reasons }
        })
        .collect();
    crate::aaa_rpc::TerminateCodeInformation { protocols }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remap_wins_over_the_default_and_only_for_its_reason() {
        let mut codes = TerminateCodes::default();
        assert_eq!(codes.code(Protocol::L2tp, "session-rx-cdn"), Some(10));
        assert_eq!(codes.code(Protocol::Aaa, "shutdown idle-timeout"), Some(4));
        codes.remap(Protocol::Aaa, "shutdown idle-timeout", 10);
        assert_eq!(codes.code(Protocol::Aaa, "shutdown idle-timeout"), Some(10));
        assert_eq!(
            codes.code(Protocol::Aaa, "shutdown session-timeout"),
            Some(5)
        );
        assert_eq!(codes.code(Protocol::L2tp, "shutdown idle-timeout"), None);
        assert_eq!(codes.code(Protocol::Dhcp, "anything"), None);
        codes.remap(Protocol::Dhcp, "anything", 3);
        assert_eq!(codes.code(Protocol::Dhcp, "anything"), Some(3));
    }

    #[test]
    fn the_show_lists_defaults_remaps_and_configured_only_reasons() {
        let mut codes = TerminateCodes::default();
        codes.remap(Protocol::L2tp, "session-rx-cdn", 12);
        codes.remap(Protocol::Dhcp, "nak", 4);
        let all = information(&codes, None);
        let protocols: Vec<_> = all.protocols.iter().map(|p| p.protocol).collect();
        assert_eq!(protocols, Protocol::ALL);
        let l2tp = information(&codes, Some(Protocol::L2tp));
        let [table] = l2tp.protocols.as_slice() else {
            panic!("one protocol: {l2tp:?}");
        };
        assert_eq!(table.reasons.len(), L2TP.len());
        let row = |name: &str| table.reasons.iter().find(|r| r.reason == name).unwrap();
        let cdn = row("session-rx-cdn");
        assert_eq!((cdn.code, cdn.default_code), (12, Some(10)));
        assert_eq!(cdn.description, "Port Unneeded");
        assert!(cdn.raised);
        let down = row("session-access-interface-down");
        assert_eq!((down.code, down.default_code), (8, None));
        assert_eq!(down.description, "Port Error");
        assert!(!row("issu-in-progress").raised);
        let dhcp = information(&codes, Some(Protocol::Dhcp));
        let reasons = &dhcp.protocols[0].reasons;
        assert_eq!(reasons.len(), 1);
        assert_eq!(
            (
                reasons[0].reason.as_str(),
                reasons[0].code,
                reasons[0].default_code
            ),
            ("nak", 4, None)
        );
    }

    #[test]
    fn reason_names_are_unique_keywords_and_codes_are_rfc_values() {
        for protocol in Protocol::ALL {
            let names: Vec<String> = protocol.reasons().map(|(n, _)| n).collect();
            let mut unique = names.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), names.len(), "{protocol:?}");
            for (name, reason) in protocol.reasons() {
                assert!(
                    name.split(' ')
                        .all(|w| !w.is_empty()
                            && w.chars().all(|c| c.is_ascii_lowercase() || c == '-')),
                    "{name}"
                );
                assert!(!radius_description(reason.code).is_empty(), "{name}");
                assert!(reason.documented || reason.raised, "{name}");
            }
        }
        assert_eq!(radius_description(8), "Port Error");
        assert_eq!(radius_description(0), "");
        assert_eq!(radius_description(4_000_000_000), "");
    }
}

#[cfg(test)]
#[path = "terminate_code_tests.rs"]
mod statement_tests;
