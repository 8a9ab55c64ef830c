//! The AAA views: `show network-access aaa radius-servers | statistics | subscribers`,
//! `clear network-access aaa statistics`, and `test aaa ppp` (a PAP Access-Request as a
//! subscriber's, answered to the operator when the server has).

use std::collections::VecDeque;
use std::time::{Instant, SystemTime};

use schema::aaa_rpc::{
    AaaAttribute, AaaMethod, AaaStatistics, AaaStatisticsCleared, AaaSubscriber, AaaSubscribers,
    AaaSubscribersShow, AaaTest, AaaTestReport, AaaTestResult, AccountingRecordCounters,
    AccountingStatistics, AuthenticationStatistics, RadiusServerCounters, RadiusServerState,
    RadiusServerStatus, RadiusServers, TunnelDecisionSource,
};
use schema::typed::RouterConfig;

use super::aaa::{access_request, authentication_servers, Answer, Purpose, RequestFacts};
use super::accounting::RecordCounters;
use super::lac::SubscriberLayer;
use super::local_auth::{self, Step};
use super::radius_tunnels::TunnelSource;
use crate::aaa::client::{ServerState, ServerStats};
use crate::aaa::radius::{attr, attribute_name, AttrKind, Attribute};
use crate::ppp::server_link::Credentials;
use crate::registry::SessionRef;

/// `test aaa ppp` reports ready for the operator, by token.
#[derive(Default)]
pub struct AaaTests {
    next: u64,
    pub(super) done: VecDeque<(u64, AaaTestReport)>,
}

impl SubscriberLayer {
    pub fn radius_servers(&self, config: &RouterConfig, now: Instant) -> RadiusServers {
        let wall = SystemTime::now();
        let mut servers: Vec<RadiusServerStatus> = self
            .aaa
            .client
            .server_stats_at(now)
            .into_iter()
            .map(|stats| server_status(config, &stats, now, wall))
            .collect();
        servers.sort_by_key(|s| s.address);
        RadiusServers { servers }
    }

    pub fn aaa_statistics(&self) -> AaaStatistics {
        let a = &self.aaa.stats;
        let c = &self.accounting.stats;
        let record = |r: &RecordCounters| AccountingRecordCounters {
            sent: r.sent,
            acknowledged: r.acknowledged,
            failed: r.failed,
        };
        AaaStatistics {
            authentication: AuthenticationStatistics {
                requests: a.auth_requests,
                accepts: a.accepts,
                rejects: a.rejects + a.challenges,
                timeouts: a.auth_timeouts,
                queue_full: a.queue_full,
            },
            accounting: AccountingStatistics {
                starts: record(&c.starts),
                interims: record(&c.interims),
                stops: record(&c.stops),
                stops_awaiting_retry: self.accounting.stops.len() as u64,
            },
            dynamic_requests: self.dynamic_request_statistics(),
        }
    }

    pub fn clear_aaa_statistics(&mut self) -> AaaStatisticsCleared {
        let servers = self.aaa.client.clear_stats();
        self.aaa.stats = Default::default();
        self.accounting.stats = Default::default();
        self.dynamic.clear_counters();
        AaaStatisticsCleared {
            servers: u32::try_from(servers).unwrap_or(u32::MAX),
        }
    }

    pub fn aaa_subscribers(
        &self,
        config: &RouterConfig,
        show: &AaaSubscribersShow,
    ) -> AaaSubscribers {
        let mut subscribers: Vec<AaaSubscriber> = self
            .table
            .iter()
            .filter(|s| !s.is_test_call())
            // Not admitted by any method yet: RADIUS has not answered.
            .filter(|s| !self.aaa.is_waiting(s.id))
            .filter_map(|s| {
                let user = s.user.clone()?;
                if show.username.as_ref().is_some_and(|u| *u != user) {
                    return None;
                }
                let grant = s.aaa.as_deref();
                let method = match grant {
                    Some(_) => AaaMethod::Radius,
                    None => {
                        let local = s
                            .aaa_profile
                            .as_deref()
                            .and_then(|p| config.access_profiles.get(p))
                            .is_some_and(|p| p.clients.contains_key(&user));
                        if local {
                            AaaMethod::Local
                        } else {
                            AaaMethod::None
                        }
                    }
                };
                let tunnel_source = if s.profile.is_some() {
                    Some(match grant.and_then(|g| g.tunnel_source) {
                        Some(TunnelSource::TunnelGroup) => TunnelDecisionSource::RadiusTunnelGroup,
                        Some(TunnelSource::Attributes) => {
                            TunnelDecisionSource::RadiusTunnelAttributes
                        }
                        Some(TunnelSource::DomainMap) | None => TunnelDecisionSource::DomainMap,
                    })
                } else {
                    None
                };
                Some(AaaSubscriber {
                    user_name: user,
                    session_id: s.id.0,
                    method,
                    server: grant.and_then(|g| g.server),
                    tunnel_source,
                    accounting_session_id: self
                        .accounting
                        .is_accounted(s.id)
                        .then(|| super::radius_options::acct_session_id(s)),
                })
            })
            .collect();
        subscribers.sort_by_key(|s| s.session_id);
        AaaSubscribers { subscribers }
    }

    /// `test aaa ppp`: the profile's methods in order for a PAP subscriber `test.user`.
    /// `Err` is the report at once (no RADIUS in the way, or it could not be asked); `Ok` a
    /// token whose report comes with [`Self::take_aaa_test_reports`].
    pub fn start_aaa_test(
        &mut self,
        now: Instant,
        test: &AaaTest,
        config: &RouterConfig,
    ) -> Result<u64, AaaTestReport> {
        let error = |why: String| AaaTestReport {
            result: AaaTestResult::Error,
            method: None,
            server: None,
            attributes: Vec::new(),
            elapsed_ms: 0,
            error: Some(why),
        };
        let Some(name) = test.profile.as_deref().or(config.access_profile.as_deref()) else {
            return Err(error(
                "no access profile: give `profile NAME`, or configure `access-profile`".into(),
            ));
        };
        let Some(profile) = config.access_profiles.get(name) else {
            return Err(error(format!("access profile {name} is not configured")));
        };
        let credentials = Credentials::Pap {
            identifier: 0,
            name: test.user.as_bytes().to_vec(),
            password: test.password.as_bytes().to_vec(),
        };
        let verdict = |result, method| AaaTestReport {
            result,
            method: Some(method),
            server: None,
            attributes: Vec::new(),
            elapsed_ms: 0,
            error: None,
        };
        // The methods before RADIUS decide first, as for a subscriber.
        match local_auth::next_step(Some(profile), &credentials, 0) {
            Step::AskRadius { .. } => {}
            Step::Admit(admission) => {
                let method = match admission {
                    local_auth::Admission::Password => AaaMethod::Local,
                    local_auth::Admission::None => AaaMethod::None,
                };
                return Err(verdict(AaaTestResult::Accept, method));
            }
            Step::Refuse(why) => {
                return Err(AaaTestReport {
                    error: Some(why.key().to_string()),
                    ..verdict(AaaTestResult::Reject, AaaMethod::Local)
                });
            }
        }
        self.aaa_tests.next += 1;
        let token = self.aaa_tests.next;
        let facts = RequestFacts {
            // As a subscriber's: the profile's `strip-user-name` applies.
            user: profile.session_options.stripped_user_name(&test.user),
            nas_identifier: &self.host_name,
            acct_session_id: format!("test-{token}"),
            calling_station: None,
            nas_port_id: None,
            nas_port: None,
            nas_port_type: super::radius_options::NAS_PORT_TYPE_ETHERNET,
            tunnel: None,
            vendor_attributes: Vec::new(),
            chap_challenge_in_authenticator: profile.radius_options.chap_challenge_in_authenticator,
        };
        let mut request = access_request(&credentials, &facts);
        // What the profile leaves out of a subscriber's request, it leaves out of a test's.
        super::radius_exclude::apply(
            &mut request,
            profile,
            schema::typed::RadiusMessage::AccessRequest,
        );
        let servers = authentication_servers(config, profile);
        let purpose = Purpose::Test {
            token,
            started: now,
        };
        // No subscriber: the handle only keys the request (tests never wait in `waiting`).
        match self
            .aaa
            .start(now, SessionRef(0), &servers, None, request, purpose)
        {
            Ok(()) => Ok(token),
            Err(_) => Err(error(
                "the RADIUS request could not be sent (no server, or the queue is full)".into(),
            )),
        }
    }

    pub(super) fn aaa_test_answered(
        &mut self,
        now: Instant,
        token: u64,
        started: Instant,
        answer: Answer,
    ) {
        let elapsed_ms =
            u64::try_from(now.saturating_duration_since(started).as_millis()).unwrap_or(u64::MAX);
        let report = match answer {
            Answer::Reply { reply, server, .. } => AaaTestReport {
                result: if reply.code == crate::aaa::radius::code::ACCESS_ACCEPT {
                    AaaTestResult::Accept
                } else {
                    AaaTestResult::Reject
                },
                method: Some(AaaMethod::Radius),
                server: Some(server),
                attributes: reply.attributes.iter().map(shown_attribute).collect(),
                elapsed_ms,
                error: reply
                    .string(attr::REPLY_MESSAGE)
                    .map(|m| String::from_utf8_lossy(m).into_owned()),
            },
            Answer::Unanswered => AaaTestReport {
                result: AaaTestResult::Timeout,
                method: Some(AaaMethod::Radius),
                server: None,
                attributes: Vec::new(),
                elapsed_ms,
                error: Some("no RADIUS server answered".into()),
            },
        };
        self.aaa_tests.done.push_back((token, report));
    }

    /// `test aaa ppp` reports finished since the last call.
    pub fn take_aaa_test_reports(&mut self) -> Vec<(u64, AaaTestReport)> {
        self.aaa_tests.done.drain(..).collect()
    }
}

fn server_status(
    config: &RouterConfig,
    stats: &ServerStats,
    now: Instant,
    wall: SystemTime,
) -> RadiusServerStatus {
    // A profile's own entry for the address (the one the client was configured with), else
    // `[edit access radius-server]`'s.
    let (profile, configured) = match config
        .access_profiles
        .iter()
        .find_map(|(name, p)| Some((name, p.radius_servers.get(&stats.address)?)))
    {
        Some((name, server)) => (Some(name.clone()), Some(server)),
        None => (None, config.radius_servers.get(&stats.address)),
    };
    let (state, since) = match stats.state {
        ServerState::Up => (RadiusServerState::Up, None),
        ServerState::Dead { since, .. } => (RadiusServerState::Dead, Some(since)),
    };
    let unix = |at: Instant| {
        wall.checked_sub(now.saturating_duration_since(at))
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    };
    let ms = |v: Option<u64>| v.map(|v| u32::try_from(v).unwrap_or(u32::MAX));
    RadiusServerStatus {
        address: stats.address,
        profile,
        authentication_port: configured.map_or(1812, |c| c.port),
        accounting_port: configured.map_or(1813, |c| c.accounting_port),
        state,
        state_since: since.map_or(0, unix),
        outstanding: u32::try_from(stats.outstanding).unwrap_or(u32::MAX),
        counters: RadiusServerCounters {
            access_requests: stats.requests - stats.accounting_requests,
            access_accepts: stats.accepts,
            access_rejects: stats.rejects,
            access_challenges: stats.challenges,
            accounting_requests: stats.accounting_requests,
            accounting_responses: stats.accounting_responses,
            timeouts: stats.timeouts,
            retransmissions: stats.retransmissions,
            malformed_responses: stats.malformed,
            bad_authenticators: stats.bad_authenticators,
            unknown_identifiers: stats.unknown_identifiers,
        },
        last_round_trip_ms: ms(stats.last_rtt_ms),
        average_round_trip_ms: ms(stats.average_rtt_ms),
    }
}

/// An attribute as the operator reads it: its dictionary name (with `:tag` for tunnel
/// attributes) and its value as text, an address, a number or hex; a Tunnel-Password never.
fn shown_attribute(attribute: &Attribute) -> AaaAttribute {
    let name = attribute_name(attribute.kind).into_owned();
    let AttrKind::Standard(kind) = attribute.kind else {
        return AaaAttribute {
            name,
            value: text_or_hex(&attribute.value),
        };
    };
    let tagged_integer = matches!(
        kind,
        attr::TUNNEL_TYPE | attr::TUNNEL_MEDIUM_TYPE | attr::TUNNEL_PREFERENCE
    );
    let tagged_string = matches!(
        kind,
        attr::TUNNEL_CLIENT_ENDPOINT
            | attr::TUNNEL_SERVER_ENDPOINT
            | attr::TUNNEL_PRIVATE_GROUP_ID
            | attr::TUNNEL_ASSIGNMENT_ID
            | attr::TUNNEL_CLIENT_AUTH_ID
            | attr::TUNNEL_SERVER_AUTH_ID
    );
    if kind == attr::TUNNEL_PASSWORD {
        let tag = attribute.value.first().copied().unwrap_or(0);
        return AaaAttribute {
            name: format!("{name}:{tag}"),
            value: "<hidden>".into(),
        };
    }
    if tagged_integer {
        if let Some((tag, value)) = attribute.as_tagged_integer() {
            return AaaAttribute {
                name: format!("{name}:{tag}"),
                value: value.to_string(),
            };
        }
    }
    if tagged_string {
        if let Some((tag, value)) = attribute.tagged() {
            return AaaAttribute {
                name: if tag == 0 {
                    name
                } else {
                    format!("{name}:{tag}")
                },
                value: text_or_hex(value),
            };
        }
    }
    let address = matches!(kind, attr::FRAMED_IP_ADDRESS | attr::NAS_IP_ADDRESS);
    let value = match (address, attribute.as_ipv4(), attribute.as_integer()) {
        (true, Some(a), _) => a.to_string(),
        (false, _, Some(n)) if is_integer(kind) => n.to_string(),
        _ => text_or_hex(&attribute.value),
    };
    AaaAttribute { name, value }
}

fn is_integer(kind: u8) -> bool {
    matches!(
        kind,
        attr::SERVICE_TYPE
            | attr::FRAMED_PROTOCOL
            | attr::SESSION_TIMEOUT
            | attr::IDLE_TIMEOUT
            | attr::ACCT_INTERIM_INTERVAL
            | attr::NAS_PORT
            | attr::NAS_PORT_TYPE
    )
}

fn text_or_hex(value: &[u8]) -> String {
    match std::str::from_utf8(value) {
        Ok(text) if text.chars().all(|c| !c.is_control()) => text.to_string(),
        _ => value.iter().map(|b| format!("{b:02x}")).collect(),
    }
}
