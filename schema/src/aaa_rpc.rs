//! The AAA operational RPCs: `show network-access aaa radius-servers [detail]`, `show
//! network-access aaa statistics [authentication | accounting]`, `show network-access aaa
//! subscribers [username U]`, `test aaa ppp user U password P [profile P]` and `clear
//! network-access aaa statistics`. Typed requests and serde replies; the shell renders them.
//!
//! Junos publishes no XML for these commands that we could check, so the element names are
//! ours, in Junos' style (kebab-case, `-information` roots).

use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

/// `show network-access aaa radius-servers [detail]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RadiusServersShow {
    pub detail: bool,
}

/// Whether the client sends to a server: `Dead` after it stopped answering, until it is
/// revived (the dead time passes, or a probe is answered).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RadiusServerState {
    Up,
    Dead,
}

impl RadiusServerState {
    pub fn as_str(self) -> &'static str {
        match self {
            RadiusServerState::Up => "UP",
            RadiusServerState::Dead => "DEAD",
        }
    }
}

/// The counters of one RADIUS server, since the daemon started or the last
/// `clear network-access aaa statistics`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RadiusServerCounters {
    /// Access-Requests sent (first transmissions).
    pub access_requests: u64,
    pub access_accepts: u64,
    pub access_rejects: u64,
    pub access_challenges: u64,
    /// Accounting-Requests sent (first transmissions).
    pub accounting_requests: u64,
    pub accounting_responses: u64,
    /// Requests given up on this server after its last retry.
    pub timeouts: u64,
    pub retransmissions: u64,
    /// Replies dropped because they did not parse (truncated, lying lengths, bad attributes).
    pub malformed_responses: u64,
    /// Replies dropped for a wrong Response Authenticator or Message-Authenticator, or for a
    /// missing Message-Authenticator the server is required to send.
    pub bad_authenticators: u64,
    /// Replies whose identifier matches no request outstanding to this server.
    pub unknown_identifiers: u64,
}

/// One RADIUS server as the client sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RadiusServerStatus {
    pub address: Ipv4Addr,
    /// The access profile whose `radius-server` entry this is; `None`: `[edit access
    /// radius-server]`. A server configured in both appears once per place.
    pub profile: Option<String>,
    pub authentication_port: u16,
    pub accounting_port: u16,
    pub state: RadiusServerState,
    /// Seconds since the Unix epoch at which the server entered `state`.
    pub state_since: i64,
    /// Requests sent and not yet answered or given up.
    pub outstanding: u32,
    pub counters: RadiusServerCounters,
    /// Round trip of the last answered request, in milliseconds.
    pub last_round_trip_ms: Option<u32>,
    /// Mean round trip of the answered requests, in milliseconds.
    pub average_round_trip_ms: Option<u32>,
}

/// `get-radius-servers` → `radius-server-information`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RadiusServers {
    #[serde(rename = "radius-server")]
    pub servers: Vec<RadiusServerStatus>,
}

/// Which part of `show network-access aaa statistics` to show; `None` both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AaaStatisticsSection {
    Authentication,
    Accounting,
    DynamicRequests,
}

/// `show network-access aaa statistics [authentication | accounting | dynamic-requests]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AaaStatisticsShow {
    pub section: Option<AaaStatisticsSection>,
}

/// Authentication across every server and method.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AuthenticationStatistics {
    pub requests: u64,
    pub accepts: u64,
    pub rejects: u64,
    /// No server answered (every server of the profile tried, every retry spent).
    pub timeouts: u64,
    /// Refused at once because the client's queue was full.
    pub queue_full: u64,
}

/// One kind of accounting record: sent, acknowledged by a server, given up.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AccountingRecordCounters {
    pub sent: u64,
    pub acknowledged: u64,
    pub failed: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AccountingStatistics {
    pub starts: AccountingRecordCounters,
    pub interims: AccountingRecordCounters,
    pub stops: AccountingRecordCounters,
    /// Stops no server has acknowledged yet, held to be sent again (a Stop is never dropped
    /// while the servers are briefly down; the hold is bounded).
    pub stops_awaiting_retry: u64,
}

/// Disconnect-Request and CoA-Request (RFC 5176) on `radius-disconnect-port`: what was
/// taken, how it was answered, and what was dropped unanswered, by reason.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DynamicRequestStatistics {
    pub disconnect_requests: u64,
    pub coa_requests: u64,
    pub acks: u64,
    pub naks: u64,
    /// From an address that is not a `radius-disconnect` client.
    pub unknown_client: u64,
    pub malformed: u64,
    /// Request Authenticator or Message-Authenticator wrong for the client's secret.
    pub bad_authenticator: u64,
    /// A RADIUS code other than Disconnect-Request or CoA-Request.
    pub not_dynamic_request: u64,
}

/// `get-aaa-statistics` → `aaa-statistics-information`. The daemon fills every part; the
/// shell shows the one asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AaaStatistics {
    pub authentication: AuthenticationStatistics,
    pub accounting: AccountingStatistics,
    pub dynamic_requests: DynamicRequestStatistics,
}

/// `show network-access aaa subscribers [username U]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AaaSubscribersShow {
    pub username: Option<String>,
}

/// How AAA admitted a subscriber (`authentication-order` method that decided).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AaaMethod {
    Radius,
    /// `password`: the profile's local clients.
    Local,
    /// `none`: admitted without a check.
    None,
}

impl AaaMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            AaaMethod::Radius => "radius",
            AaaMethod::Local => "local",
            AaaMethod::None => "none",
        }
    }
}

/// What decided a LAC subscriber's tunnel (issue 12: RADIUS beats the domain map).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TunnelDecisionSource {
    /// `access domain map D tunnel-profile P`.
    DomainMap,
    /// Tunnel-Group (26-4874-64) named the profile.
    RadiusTunnelGroup,
    /// RFC 2868 tagged attributes overrode or described the tunnels.
    RadiusTunnelAttributes,
}

impl TunnelDecisionSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TunnelDecisionSource::DomainMap => "domain-map",
            TunnelDecisionSource::RadiusTunnelGroup => "radius-tunnel-group",
            TunnelDecisionSource::RadiusTunnelAttributes => "radius-tunnel-attributes",
        }
    }
}

/// One subscriber AAA admitted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AaaSubscriber {
    pub user_name: String,
    /// The subscriber session ID (`show subscribers`).
    pub session_id: u64,
    pub method: AaaMethod,
    /// The RADIUS server that answered (with `method` radius).
    pub server: Option<Ipv4Addr>,
    /// What chose the tunnel; `None` for a subscriber that is not tunnelled.
    pub tunnel_source: Option<TunnelDecisionSource>,
    /// Acct-Session-Id, when accounting is on.
    pub accounting_session_id: Option<String>,
}

/// `get-aaa-subscribers` → `aaa-subscriber-information`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AaaSubscribers {
    #[serde(rename = "aaa-subscriber")]
    pub subscribers: Vec<AaaSubscriber>,
}

/// `test aaa ppp user U password P [profile P]`: authenticate as a PPP subscriber would
/// (PAP), without a session. `profile` absent: `[edit access-profile]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AaaTest {
    pub user: String,
    pub password: String,
    pub profile: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AaaTestResult {
    Accept,
    Reject,
    /// No server answered.
    Timeout,
    /// The test could not be run (no such profile, queue full…): see `error`.
    Error,
}

impl AaaTestResult {
    pub fn as_str(self) -> &'static str {
        match self {
            AaaTestResult::Accept => "accept",
            AaaTestResult::Reject => "reject",
            AaaTestResult::Timeout => "timeout",
            AaaTestResult::Error => "error",
        }
    }
}

/// One attribute of the reply, as text: `Tunnel-Server-Endpoint:1` = `198.18.1.10`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AaaAttribute {
    pub name: String,
    pub value: String,
}

/// `test-aaa-ppp` → `aaa-test-information`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AaaTestReport {
    pub result: AaaTestResult,
    pub method: Option<AaaMethod>,
    /// The server that answered.
    pub server: Option<Ipv4Addr>,
    #[serde(rename = "attribute")]
    pub attributes: Vec<AaaAttribute>,
    pub elapsed_ms: u64,
    /// Why, for `error` (and a reject's Reply-Message, if any).
    pub error: Option<String>,
}

/// What `clear network-access aaa statistics` reset.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AaaStatisticsCleared {
    /// Servers whose counters were reset.
    pub servers: u32,
}

/// `show network-access terminate-code [aaa | dhcp | l2tp | ppp] [detail]`: one protocol's
/// table, or every protocol's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct TerminateCodeShow {
    pub protocol: Option<crate::terminate_code::Protocol>,
    pub detail: bool,
}

/// `get-terminate-code` → `terminate-code-information`: each protocol's reasons with the
/// code an Accounting-Stop carries for them now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct TerminateCodeInformation {
    #[serde(rename = "terminate-code-protocol")]
    pub protocols: Vec<TerminateCodeProtocol>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct TerminateCodeProtocol {
    pub protocol: crate::terminate_code::Protocol,
    #[serde(rename = "terminate-reason")]
    pub reasons: Vec<TerminateReasonCode>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct TerminateReasonCode {
    /// As `terminate-code` names it (`shutdown idle-timeout`, `session-rx-cdn`).
    pub reason: String,
    /// The Acct-Terminate-Cause sent now.
    pub code: u32,
    /// The table's default when `terminate-code` remaps it; `None`: not remapped (or a
    /// reason only the configuration names, as DHCP's).
    pub default_code: Option<u32>,
    /// RFC 2866's name of `code` (empty for a code it does not name).
    pub description: String,
    /// This router ends subscribers for it.
    pub raised: bool,
}

/// The reply root of each show RPC (`| display json` / `| display xml`).
pub mod roots {
    pub const RADIUS_SERVERS: &str = "radius-server-information";
    pub const AAA_STATISTICS: &str = "aaa-statistics-information";
    pub const AAA_SUBSCRIBERS: &str = "aaa-subscriber-information";
    pub const AAA_TEST: &str = "aaa-test-information";
    pub const TERMINATE_CODE: &str = "terminate-code-information";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_use_kebab_case_names_and_round_trip() {
        let servers = RadiusServers {
            servers: vec![RadiusServerStatus {
                address: Ipv4Addr::new(127, 0, 0, 1),
                profile: None,
                authentication_port: 1812,
                accounting_port: 1813,
                state: RadiusServerState::Dead,
                state_since: 1_700_000_000,
                outstanding: 3,
                counters: RadiusServerCounters {
                    unknown_identifiers: 2,
                    ..Default::default()
                },
                last_round_trip_ms: Some(4),
                average_round_trip_ms: None,
            }],
        };
        let json = serde_json::to_string(&servers).unwrap();
        assert!(json.contains("\"radius-server\":[{"), "{json}");
        assert!(json.contains("\"state\":\"dead\""), "{json}");
        assert!(json.contains("\"unknown-identifiers\":2"), "{json}");
        assert_eq!(
            serde_json::from_str::<RadiusServers>(&json).unwrap(),
            servers
        );

        let subscriber = AaaSubscriber {
            user_name: "alice@isp.example".into(),
            session_id: 7,
            method: AaaMethod::Radius,
            server: Some(Ipv4Addr::new(127, 0, 0, 1)),
            tunnel_source: Some(TunnelDecisionSource::RadiusTunnelGroup),
            accounting_session_id: Some("00000007".into()),
        };
        let json = serde_json::to_string(&subscriber).unwrap();
        assert!(
            json.contains("\"tunnel-source\":\"radius-tunnel-group\""),
            "{json}"
        );
        assert_eq!(
            serde_json::from_str::<AaaSubscriber>(&json).unwrap(),
            subscriber
        );
    }
}
