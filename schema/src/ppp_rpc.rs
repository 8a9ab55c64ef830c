//! The PPP operational RPCs: `show ppp interface [NAME] [extensive | terse]`,
//! `show ppp summary` and `show ppp statistics`, as typed requests and replies. As in
//! [`crate::subscriber_rpc`], field names (kebab-case) follow Junos' `show ppp interface` and
//! `show ppp statistics` pages, nothing is preformatted (times are seconds, states are words
//! the shell capitalises), and a field the daemon cannot know is absent rather than zero.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

pub use crate::subscriber_rpc::{AuthenticationProtocol, Count};

/// How much of each session `show ppp interface` shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PppLevel {
    /// A block per session: phase, LCP, authentication and IPCP states.
    #[default]
    Default,
    /// One line per session.
    Terse,
    /// Adds the negotiated options, magic numbers and keepalives.
    Extensive,
}

/// `show ppp interface [NAME] [extensive | terse]`. A name that matches no PPP session is an
/// error (`no PPP session on pp0.7`), as `show pppoe interfaces` does.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PppShow {
    pub interface: Option<String>,
    pub level: PppLevel,
}

/// Which end of the subscriber's PPP this router is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PppRole {
    /// LAC: LCP and authentication with the PPPoE client (`pp0.N`), then tunnelled.
    Lac,
    /// LNS: the client's PPP ends here (`si-0/0/0.N`), after the LAC's proxy LCP.
    Lns,
}

/// Junos' PPP phase of a session (RFC 1661 §3.2, plus Junos' Tunneled).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PppPhase {
    Establish,
    Authenticate,
    Network,
    /// LAC: the session's PPP is relayed to the LNS, which speaks for it.
    Tunneled,
    /// LCP is being terminated, or the link is down.
    Disabled,
}

/// The RFC 1661 §4.2 state of a control protocol, named as Junos prints it. The daemon's
/// `ppp::fsm::State` has the same ten; this crate cannot name it, so the daemon maps one to
/// the other (`subscriber::ppp_views`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ControlState {
    Initial,
    Starting,
    Closed,
    Stopped,
    Closing,
    Stopping,
    ReqSent,
    AckRcvd,
    AckSent,
    Opened,
}

impl ControlState {
    /// Junos' spelling (`Req-sent`, `Ack-rcvd`, …).
    pub fn junos(self) -> &'static str {
        match self {
            ControlState::Initial => "Initial",
            ControlState::Starting => "Starting",
            ControlState::Closed => "Closed",
            ControlState::Stopped => "Stopped",
            ControlState::Closing => "Closing",
            ControlState::Stopping => "Stopping",
            ControlState::ReqSent => "Req-sent",
            ControlState::AckRcvd => "Ack-rcvd",
            ControlState::AckSent => "Ack-sent",
            ControlState::Opened => "Opened",
        }
    }
}

/// Where the session's authentication stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthenticationState {
    /// The peer has not authenticated yet (or the answer is awaited from AAA).
    Pending,
    Success,
}

/// One session of `show ppp interface`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PppSession {
    /// The logical interface (`pp0.3221225473`, `si-0/0/0.3221225474`).
    pub session: String,
    pub role: PppRole,
    pub phase: PppPhase,
    /// Absent once the LAC handed the session to the LNS (its LCP is not ours any more).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub lcp_state: Option<ControlState>,
    /// The protocol the peer authenticates with (none agreed: absent).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub authentication: Option<AuthenticationProtocol>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub authentication_state: Option<AuthenticationState>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub user_name: Option<String>,
    /// LNS only: the LAC runs no IPCP.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ipcp_state: Option<ControlState>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub local_address: Option<Ipv4Addr>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub peer_address: Option<Ipv4Addr>,
    /// Our MRU as we asked for it (`extensive`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub local_mru: Option<u16>,
    /// The peer's MRU as it asked for it: what we send at most.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub peer_mru: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub local_magic_number: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub peer_magic_number: Option<u32>,
    /// Keepalive (LCP Echo) interval, seconds; absent: no keepalives.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub keepalive_interval: Option<u32>,
    /// Echo-Requests unanswered in a row after which the session ends.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub keepalive_down_count: Option<u32>,
    pub echo_requests_sent: u32,
    pub echo_replies_received: u32,
    /// Echo-Requests sent since the last reply.
    pub echoes_unanswered: u32,
    /// Seconds since the session started (its PPPoE PADS or L2TP ICCN).
    pub session_uptime: u64,
}

impl PppSession {
    /// A session of which nothing is known but its interface, role and phase: the daemon
    /// fills in what its link knows.
    pub fn new(session: String, role: PppRole, phase: PppPhase) -> PppSession {
        PppSession {
            session,
            role,
            phase,
            lcp_state: None,
            authentication: None,
            authentication_state: None,
            user_name: None,
            ipcp_state: None,
            local_address: None,
            peer_address: None,
            local_mru: None,
            peer_mru: None,
            local_magic_number: None,
            peer_magic_number: None,
            keepalive_interval: None,
            keepalive_down_count: None,
            echo_requests_sent: 0,
            echo_replies_received: 0,
            echoes_unanswered: 0,
            session_uptime: 0,
        }
    }
}

/// `get-ppp-interface-information` → `ppp-interface-information`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PppSessions {
    #[serde(rename = "ppp-session")]
    pub sessions: Vec<PppSession>,
}

/// `show ppp summary`: sessions by role and by phase (only those with at least one), and
/// the total.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PppSummary {
    pub total_sessions: u32,
    #[serde(rename = "role-count")]
    pub by_role: Vec<Count<PppRole>>,
    #[serde(rename = "phase-count")]
    pub by_phase: Vec<Count<PppPhase>>,
}

impl PppSummary {
    /// The counts of `sessions`.
    pub fn of(sessions: &[PppSession]) -> PppSummary {
        PppSummary {
            total_sessions: u32::try_from(sessions.len()).unwrap_or(u32::MAX),
            by_role: Count::tally(sessions.iter().map(|s| s.role)),
            by_phase: Count::tally(sessions.iter().map(|s| s.phase)),
        }
    }

    /// The sessions in `phase` (zero when none).
    pub fn in_phase(&self, phase: PppPhase) -> u32 {
        self.by_phase
            .iter()
            .find(|c| c.name == phase)
            .map_or(0, |c| c.count)
    }
}

/// Control packets of one protocol the daemon's own PPP received and sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PacketCount {
    pub received: u64,
    pub sent: u64,
}

/// Every PPP packet the daemon itself handled, since it started: those it negotiates with
/// (LAC: until the session is tunnelled; LNS: for the session's life). Relayed frames and
/// IP are not counted here (`show interfaces` counts traffic).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PppPacketCounters {
    pub lcp: PacketCount,
    pub pap: PacketCount,
    pub chap: PacketCount,
    pub ipcp: PacketCount,
    /// Received frames whose protocol field does not parse.
    pub malformed_received: u64,
    /// Received frames of any other protocol (IP excluded), answered by Protocol-Reject.
    pub other_received: u64,
}

/// `show ppp statistics`: Junos' session counts by phase, then the daemon's PPP packet
/// counters and the negotiation failures it counted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PppStatistics {
    pub summary: PppSummary,
    pub packets: PppPacketCounters,
    /// Subscribers ended because LCP failed (no agreement, echo timeout, looped link).
    pub lcp_failures: u64,
    /// Subscribers refused for their credentials: the LNS's own check, or RADIUS's
    /// Access-Reject (at either end).
    pub authentication_failures: u64,
    /// Subscribers that never authenticated in time.
    pub authentication_timeouts: u64,
    /// LNS: subscribers ended because no address could be given them for IPCP.
    pub address_failures: u64,
}

/// The JSON / XML root element of each reply.
pub mod roots {
    pub const PPP_INTERFACES: &str = "ppp-interface-information";
    pub const PPP_SUMMARY: &str = "ppp-summary-information";
    pub const PPP_STATISTICS: &str = "ppp-statistics-information";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(role: PppRole, phase: PppPhase) -> PppSession {
        PppSession {
            lcp_state: Some(ControlState::Opened),
            ..PppSession::new("pp0.3221225473".into(), role, phase)
        }
    }

    #[test]
    fn summary_counts_by_role_and_phase() {
        let sessions = [
            session(PppRole::Lac, PppPhase::Tunneled),
            session(PppRole::Lns, PppPhase::Network),
            session(PppRole::Lns, PppPhase::Network),
            session(PppRole::Lns, PppPhase::Authenticate),
        ];
        let summary = PppSummary::of(&sessions);
        assert_eq!(summary.total_sessions, 4);
        assert_eq!(
            summary.by_role,
            [
                Count {
                    name: PppRole::Lac,
                    count: 1
                },
                Count {
                    name: PppRole::Lns,
                    count: 3
                }
            ]
        );
        assert_eq!(summary.in_phase(PppPhase::Network), 2);
        assert_eq!(summary.in_phase(PppPhase::Authenticate), 1);
        assert_eq!(summary.in_phase(PppPhase::Establish), 0);
        assert_eq!(PppSummary::of(&[]), PppSummary::default());
    }

    /// The requests and replies travel the management protocol under Junos-like names.
    #[test]
    fn ppp_rpcs_round_trip_the_management_protocol() {
        use crate::mgmt::{decode_line, encode_line, Reply, Request};
        let show = Request::GetPppInterfaceInformation(PppShow {
            interface: Some("si-0/0/0.3221225474".into()),
            level: PppLevel::Extensive,
        });
        let line = encode_line(&show);
        assert!(
            line.contains("\"op\":\"get-ppp-interface-information\""),
            "{line}"
        );
        for request in [show, Request::GetPppSummary, Request::GetPppStatistics] {
            assert_eq!(decode_line::<Request>(&encode_line(&request)), Ok(request));
        }
        let reply = Reply::PppSessions(PppSessions {
            sessions: vec![session(PppRole::Lns, PppPhase::Network)],
        });
        assert_eq!(decode_line::<Reply>(&encode_line(&reply)), Ok(reply));
        let reply = Reply::PppStatistics(PppStatistics {
            lcp_failures: u64::MAX,
            ..PppStatistics::default()
        });
        assert_eq!(decode_line::<Reply>(&encode_line(&reply)), Ok(reply));
    }

    #[test]
    fn absent_fields_are_left_out_of_json() {
        let json = serde_json::to_string(&session(PppRole::Lac, PppPhase::Tunneled)).unwrap();
        assert!(json.contains("\"phase\":\"tunneled\""), "{json}");
        assert!(json.contains("\"lcp-state\":\"opened\""), "{json}");
        assert!(!json.contains("ipcp-state"), "{json}");
        let back: PppSession = serde_json::from_str(&json).unwrap();
        assert_eq!(back, session(PppRole::Lac, PppPhase::Tunneled));
    }
}
