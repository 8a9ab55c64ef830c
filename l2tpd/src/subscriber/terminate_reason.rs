//! Which Junos terminate reason each way a subscriber ends is, and so which RADIUS
//! Acct-Terminate-Cause (RFC 2866 §5.10) its Accounting-Stop carries: the reason's default
//! (Juniper's tables, `schema::terminate_code`), or what `[edit access] terminate-code`
//! remaps it to.
//!
//! This is the one table from our ends to Junos' reasons. Every end is exactly one reason;
//! two ends Junos does not tell apart share one (the LNS's and the LAC's CDN are both
//! "session rx cdn" to whichever end receives it).

use schema::terminate_code::{Protocol, TerminateCodes};

use super::table::EndCause;

/// The Junos (protocol, reason) an end is.
pub fn junos_reason(cause: EndCause) -> (Protocol, &'static str) {
    use Protocol::{Aaa, L2tp, Ppp};
    match cause {
        EndCause::ClientPadt => (Ppp, "pppoe-padt-received"),
        EndCause::ClientTerminate => (Ppp, "lcp-peer-terminate-term-req"),
        EndCause::NegotiationFailed => (Ppp, "lcp-negotiation-failed"),
        // The access interface went down, or its unit was deconfigured.
        EndCause::LinkDown => (L2tp, "session-access-interface-down"),
        // It never authenticated in time / its credentials (or the LAC) refused it.
        EndCause::AuthenticationTimeout => (Ppp, "authenticate-authenticator-timeout"),
        EndCause::AuthenticationFailed | EndCause::Refused => (Ppp, "authenticate-deny-by-peer"),
        // "session call failed": Service Unavailable.
        EndCause::NoAddress => (L2tp, "session-call-failed"),
        // A CDN from the other end, or its tunnel closed.
        EndCause::Lns | EndCause::Lac => (L2tp, "session-rx-cdn"),
        // `clear … session`: "session admin close".
        EndCause::Cleared => (L2tp, "session-admin-close"),
        EndCause::Shutdown => (L2tp, "session-nas-shutdown"),
        EndCause::SessionTimeout => (Aaa, "shutdown session-timeout"),
        EndCause::IdleTimeout => (Aaa, "shutdown idle-timeout"),
        // A RADIUS Disconnect-Request: Junos' remote reset (NAS Request by default).
        EndCause::AaaDisconnect => (Aaa, "shutdown remote-reset"),
        // The router's own address policy logged it out.
        EndCause::AddressReclaimed => (Aaa, "shutdown administrative-reset"),
    }
}

/// The Acct-Terminate-Cause of an end under `codes` (the committed `terminate-code`).
pub fn terminate_cause(cause: EndCause, codes: &TerminateCodes) -> u32 {
    let (protocol, reason) = junos_reason(cause);
    // Every reason above is in the default table (a test holds it); NAS Request is what
    // RFC 2866 calls an end "for a reason not otherwise listed".
    codes.code(protocol, reason).unwrap_or(10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_end_is_a_reason_of_the_default_table_marked_raised_and_no_other_is() {
        let mut mapped = BTreeSet::new();
        for cause in EndCause::ALL {
            let (protocol, reason) = junos_reason(cause);
            let known = protocol
                .reason(reason)
                .unwrap_or_else(|| panic!("{cause:?}: {reason} is not a {protocol:?} reason"));
            assert!(known.raised, "{cause:?}: {reason} is not marked raised");
            mapped.insert((protocol, reason.to_string()));
        }
        let raised: BTreeSet<_> = Protocol::ALL
            .into_iter()
            .flat_map(|p| p.reasons().map(move |(name, r)| (p, name, r)))
            .filter(|(_, _, r)| r.raised)
            .map(|(p, name, _)| (p, name))
            .collect();
        assert_eq!(mapped, raised);
    }

    /// What the Stops carried before `terminate-code` existed, except the RADIUS
    /// Disconnect-Request, now Junos' `shutdown remote-reset` (10, was 6).
    #[test]
    fn defaults_follow_junos_tables_and_what_the_router_sent_before() {
        let codes = TerminateCodes::default();
        for (cause, code) in [
            (EndCause::ClientPadt, 1),
            (EndCause::ClientTerminate, 1),
            (EndCause::LinkDown, 8),
            (EndCause::NegotiationFailed, 3),
            (EndCause::AuthenticationTimeout, 17),
            (EndCause::AuthenticationFailed, 17),
            (EndCause::Refused, 17),
            (EndCause::NoAddress, 15),
            (EndCause::Lns, 10),
            (EndCause::Lac, 10),
            (EndCause::Cleared, 6),
            (EndCause::Shutdown, 7),
            (EndCause::SessionTimeout, 5),
            (EndCause::IdleTimeout, 4),
            (EndCause::AaaDisconnect, 10),
            (EndCause::AddressReclaimed, 6),
        ] {
            assert_eq!(terminate_cause(cause, &codes), code, "{cause:?}");
        }
    }

    #[test]
    fn a_remap_changes_its_reason_and_every_end_that_is_it() {
        let mut codes = TerminateCodes::default();
        codes.remap(Protocol::L2tp, "session-rx-cdn", 2);
        codes.remap(Protocol::Aaa, "shutdown idle-timeout", 4_294_967_295);
        assert_eq!(terminate_cause(EndCause::Lns, &codes), 2);
        assert_eq!(terminate_cause(EndCause::Lac, &codes), 2);
        assert_eq!(
            terminate_cause(EndCause::IdleTimeout, &codes),
            4_294_967_295
        );
        assert_eq!(terminate_cause(EndCause::SessionTimeout, &codes), 5);
        assert_eq!(terminate_cause(EndCause::Cleared, &codes), 6);
    }
}
