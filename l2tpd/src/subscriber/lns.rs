//! The LNS sequence of the product document ("LNSでのイベント順序", steps 5–9), once for
//! every session a LAC brings:
//!
//! - step 5: the session is anchored on the tunnel group's service interface (`si-…`, a
//!   TUN device);
//! - steps 6–7: the LAC's proxy LCP is taken when present and acceptable, and LCP opens
//!   without renegotiating; otherwise — or always with `lcp-renegotiation` on the LAC's
//!   `l2tp-access-profile` client — LCP and authentication are negotiated with the client;
//! - step 8: the proxy authentication is checked against the group's `aaa-access-profile`
//!   (when the LAC sent none, the client is asked);
//! - step 9: the result goes back to the client (PAP Ack/Nak, CHAP Success/Failure); IPCP
//!   then assigns an address and the subscriber's IP travels session ↔ service interface.
//!
//! Every end releases the address and the route and sends the LAC a CDN with a result code
//! and a PPP disconnect cause (RFC 3145).

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng;
use schema::typed::{PppAuthentication, PppClient, ProfileClient, RouterConfig};

use super::lac::SubscriberLayer;
use super::table::{AccessLeg, EndCause, LcpTakeover, Phase, Subscriber, SubscriberId};
use crate::l2tp::session::{CdnResult, ProxyAuth, ProxyAuthenType, ProxyData};
use crate::l2tp::wire::{disconnect_cause, PppDisconnectCause};
use crate::ppp::fsm;
use crate::ppp::server_link::{
    Credentials, EchoConfig, ProxyLcpRecord, ServerLink, ServerLinkConfig,
};
use crate::ppp::wire::options::AuthProtocol;
use crate::registry::{LnsCall, Registry};

/// Junos' PPP keepalive default (`access profile P client C ppp keepalive`): 30 s.
const DEFAULT_KEEPALIVE: Duration = Duration::from_secs(30);
/// Unanswered Echo-Requests before the link is declared dead.
pub(super) const KEEPALIVE_FAILURES: u32 = 3;
/// From the session's start to IPCP Opened: a subscriber still negotiating after this is
/// hung (peers report sessions stuck in LCP or IPCP for a day) and is logged out.
const NEGOTIATION_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the client has to answer our authentication request when we ask it.
const AUTH_TIMEOUT: Duration = Duration::from_secs(30);
/// L2TP over UDP over IPv4 on a 1500-octet path: 1500 − 20 − 8 − 8 (L2TP with Length)
/// − 4 (PPP Address, Control and Protocol) = 1460. The service interface gets this MTU, so
/// the kernel itself answers bigger packets with DF set by ICMP "fragmentation needed".
pub const SERVICE_MTU: u16 = 1460;
/// The RFC 2661 §4.4.5 MRU when proxy LCP does not tell: the PPPoE MRU behind most LACs.
const DEFAULT_MRU: u16 = 1492;

/// The tunnel client: the entry of the tunnel group's `l2tp-access-profile` that the LAC's
/// Host Name selects (or the profile's default client, `default` or `*`).
pub(super) fn tunnel_client<'c>(
    config: &'c RouterConfig,
    group: &str,
    lac_host_name: &str,
) -> Option<&'c ProfileClient> {
    config
        .l2tp
        .tunnel_groups
        .get(group)
        .and_then(|g| g.l2tp_access_profile.as_deref())
        .and_then(|name| config.access_profiles.get(name))
        .and_then(|profile| profile.tunnel_client(lac_host_name))
}

/// The PPP attributes every user of the tunnel gets from the tunnel client's
/// `user-group-profile` (below RADIUS and the user's own client entry, as Junos).
pub(super) fn tunnel_user_group<'c>(
    config: &'c RouterConfig,
    group: &str,
    lac_host_name: &str,
) -> Option<&'c PppClient> {
    tunnel_client(config, group, lac_host_name)?
        .user_group
        .as_ref()
}

/// What the user-group profile's `ppp-options` ask a renegotiating client to authenticate
/// with; `None` when it names none.
fn authentication(user_group: Option<&PppClient>) -> Option<Vec<AuthProtocol>> {
    let configured: Vec<AuthProtocol> = user_group
        .map(|g| g.ppp_options.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|a| match a {
            PppAuthentication::Chap => AuthProtocol::ChapMd5,
            PppAuthentication::Pap => AuthProtocol::Pap,
        })
        .collect();
    (!configured.is_empty()).then_some(configured)
}

/// The credentials the LAC collected, in the form the PPP link reports a client's.
fn proxy_credentials(auth: &ProxyAuth) -> Option<Credentials> {
    let name = auth.name.clone()?;
    match auth.authen_type {
        ProxyAuthenType::Pap => Some(Credentials::Pap {
            identifier: auth.id.unwrap_or(0),
            name,
            password: auth.response.clone()?,
        }),
        ProxyAuthenType::Chap => Some(Credentials::Chap {
            identifier: auth.id?,
            name,
            challenge: auth.challenge.clone()?,
            response: auth.response.clone()?,
        }),
        _ => None,
    }
}

fn proxy_lcp_record(proxy: &ProxyData) -> Option<ProxyLcpRecord> {
    let lcp = proxy.lcp.as_ref()?;
    Some(ProxyLcpRecord {
        initial_received: lcp.initial_received.clone(),
        last_sent: lcp.last_sent.clone(),
        last_received: lcp.last_received.clone(),
    })
}

/// The CDN result and PPP disconnect cause the LAC gets for an end at the LNS.
fn cdn_for(cause: EndCause) -> (CdnResult, PppDisconnectCause) {
    const LCP: u16 = 0xc021;
    let ppp_cause = |code: u16, direction: u8, message: &str| PppDisconnectCause {
        code,
        protocol: LCP,
        direction,
        message: message.as_bytes().to_vec(),
    };
    // RFC 3145 global codes: 1 administrative disconnect, 3 normal disconnect (LCP
    // Terminate-Request); 0 with a message for everything else.
    match cause {
        EndCause::Cleared => (
            CdnResult::administrative("cleared by operator"),
            ppp_cause(disconnect_cause::ADMINISTRATIVE, 2, "administrative logout"),
        ),
        EndCause::AaaDisconnect => (
            CdnResult::administrative("RADIUS Disconnect-Request"),
            ppp_cause(disconnect_cause::ADMINISTRATIVE, 2, "RADIUS disconnect"),
        ),
        EndCause::AddressReclaimed => (
            CdnResult::administrative("address reclaimed"),
            ppp_cause(disconnect_cause::ADMINISTRATIVE, 2, "address reclaimed"),
        ),
        EndCause::SessionTimeout => (
            CdnResult::administrative("session timeout"),
            ppp_cause(disconnect_cause::ADMINISTRATIVE, 2, "session timeout"),
        ),
        EndCause::IdleTimeout => (
            CdnResult::administrative("idle timeout"),
            ppp_cause(disconnect_cause::ADMINISTRATIVE, 2, "idle timeout"),
        ),
        EndCause::Shutdown => (
            CdnResult::administrative("LNS shutting down"),
            ppp_cause(disconnect_cause::ADMINISTRATIVE, 2, "LNS shutting down"),
        ),
        EndCause::ClientTerminate => (
            CdnResult::administrative("client terminated PPP"),
            ppp_cause(3, 1, "LCP Terminate-Request from the client"),
        ),
        EndCause::AuthenticationFailed => (
            CdnResult::general_error(0, "authentication failed"),
            ppp_cause(disconnect_cause::NO_INFORMATION, 2, "authentication failed"),
        ),
        EndCause::AuthenticationTimeout => (
            CdnResult::general_error(0, "authentication timed out"),
            ppp_cause(
                disconnect_cause::NO_INFORMATION,
                1,
                "authentication timed out",
            ),
        ),
        EndCause::NoAddress => (
            CdnResult::general_error(0, "no address available"),
            ppp_cause(disconnect_cause::NO_INFORMATION, 2, "no address available"),
        ),
        EndCause::NegotiationFailed => (
            CdnResult::lost_carrier(),
            ppp_cause(
                disconnect_cause::NO_INFORMATION,
                0,
                "PPP negotiation failed",
            ),
        ),
        EndCause::ClientPadt
        | EndCause::LinkDown
        | EndCause::Refused
        | EndCause::Lns
        | EndCause::Lac => (
            CdnResult::lost_carrier(),
            ppp_cause(disconnect_cause::NO_INFORMATION, 0, ""),
        ),
    }
}

impl SubscriberLayer {
    /// Seed steps 5–8 for an established LNS session: the subscriber begins with its PPP
    /// opened from the proxy LCP, or renegotiating.
    pub(super) fn lns_session_up(
        &mut self,
        now: Instant,
        id: SubscriberId,
        call: LnsCall,
        proxy: &ProxyData,
        config: &RouterConfig,
        registry: &mut Registry,
    ) {
        let group = config.l2tp.tunnel_groups.get(&call.group);
        let tunnel_client = tunnel_client(config, &call.group, &call.lac_host_name);
        // The tunnel client's `aaa-access-profile` over the tunnel group's (Junos).
        let aaa_profile = tunnel_client
            .and_then(|c| c.aaa_access_profile.clone())
            .or_else(|| group.and_then(|g| g.aaa_access_profile.clone()));
        let user_group = tunnel_client.and_then(|c| c.user_group.as_ref());
        let profile = aaa_profile
            .as_deref()
            .and_then(|name| config.access_profiles.get(name));
        let user = proxy
            .auth
            .as_ref()
            .and_then(|a| a.name.as_deref())
            .map(|n| String::from_utf8_lossy(n).into_owned());
        let service: Option<Arc<str>> = group
            .and_then(|g| g.service_interface.as_deref())
            .map(Arc::from);
        // The static `si-` unit reserved at the ICRQ (`registry::static_units`).
        let static_unit = call.static_unit;
        let dynamic = self.lns_profile(
            id,
            &call,
            user.as_deref(),
            (service.as_deref(), static_unit),
            config,
        );
        // The user's own client entry (or its group profile), the tunnel's user-group
        // profile (AAA attributes), the dynamic profile's `keepalives interval`, then
        // Junos' 30 s.
        let keepalive = user
            .as_deref()
            .and_then(|u| profile?.clients.get(u)?.ppp.keepalive)
            .or_else(|| user_group?.keepalive)
            .map(|s| Duration::from_secs(u64::from(s)))
            .or_else(|| dynamic.as_ref().and_then(|d| d.keepalive))
            .unwrap_or(DEFAULT_KEEPALIVE);
        let mru_limit = dynamic.as_ref().and_then(|d| d.mru);
        let mut link = ServerLink::new(ServerLinkConfig {
            fsm: fsm::Config::default(),
            // The dynamic profile's `ppp-options mru`; an L2TP session has no payload
            // ceiling of its own.
            mru: mru_limit.unwrap_or(DEFAULT_MRU),
            magic: self.rng.random_range(1..=u32::MAX),
            // The user-group profile's `ppp-options`, the dynamic profile's, CHAP then PAP.
            authentication: authentication(user_group)
                .or_else(|| dynamic.as_ref().and_then(|d| d.authentication.clone()))
                .unwrap_or_else(|| vec![AuthProtocol::ChapMd5, AuthProtocol::Pap]),
            // `keepalive 0` turns the LNS's echoes off; the dynamic profile's `keepalives
            // down-count` is the echoes it may leave unanswered.
            echo: (!keepalive.is_zero()).then_some(EchoConfig {
                interval: keepalive,
                max_failures: dynamic
                    .as_ref()
                    .and_then(|d| d.keepalive_failures)
                    .unwrap_or(KEEPALIVE_FAILURES),
            }),
            auth_timeout: AUTH_TIMEOUT,
            chap_challenge: super::chap_challenge::challenge(
                &mut self.rng,
                dynamic.as_ref().and_then(|d| d.chap_challenge_length),
            ),
            name: self.host_name.clone(),
            negotiation_timeout: Some(NEGOTIATION_TIMEOUT),
        });
        let renegotiate = tunnel_client.is_some_and(|c| c.l2tp.lcp_renegotiation);
        let proxied = match proxy_lcp_record(proxy) {
            Some(record) if !renegotiate => match record
                .mru_within(mru_limit)
                .and_then(|()| link.open_from_proxy(&record, now))
            {
                Ok(()) => true,
                Err(why) => {
                    tracing::info!("LNS session {}: proxy LCP not taken: {why}", id.0);
                    false
                }
            },
            _ => false,
        };
        // A routing instance the dynamic profile names stands where the AAA server's would.
        let routing_instance = super::routing_instance::session_routing_instance(
            config,
            &call.group,
            dynamic.as_ref().and_then(|d| d.routing_instance.as_deref()),
        );
        let access = AccessLeg::L2tp {
            tunnel_id: call.tunnel_id,
            session_id: call.session_id,
            group: call.group,
            lac: call.lac_host_name,
        };
        let mut subscriber = Subscriber::new(id, access, link, now);
        subscriber.terminated = true;
        subscriber.aaa_profile = aaa_profile;
        subscriber.service = service;
        subscriber.static_unit = static_unit;
        subscriber.routing_instance = routing_instance;
        subscriber.user = user;
        subscriber.mtu = dynamic.as_ref().and_then(|d| d.mtu);
        subscriber.if_index = dynamic.as_ref().and_then(|d| self.if_index_for(now, d));
        subscriber.dynamic_profile = dynamic.map(|d| d.profile);
        if proxied {
            self.lns.proxy_lcp_accepted += 1;
            subscriber.lcp_takeover = Some(LcpTakeover::ProxyAccepted);
            subscriber.phase = Phase::Authenticating;
            subscriber.mru = subscriber
                .link
                .as_ref()
                .and_then(|l| l.negotiated().peer_mru);
            // Step 8: the proxy authentication, when the LAC sent one we can check; without
            // it the link asks the client itself.
            let credentials = proxy.auth.as_ref().and_then(proxy_credentials);
            if let (Some(credentials), Some(link)) = (credentials, subscriber.link.as_mut()) {
                link.take_proxy_credentials(credentials, now);
            }
        } else {
            self.lns.lcp_renegotiated += 1;
            subscriber.lcp_takeover = Some(LcpTakeover::Renegotiated);
            if let Some(link) = subscriber.link.as_mut() {
                link.start(now);
            }
        }
        self.table.insert(subscriber);
        self.run_link(now, id, config, registry);
    }

    /// The dynamic profile of an LNS subscriber, built for it: its domain map's, else its
    /// tunnel group's (Junos: the domain map's overrides). One that cannot be built is
    /// logged and the subscriber comes up without it.
    fn lns_profile(
        &self,
        id: SubscriberId,
        call: &LnsCall,
        user: Option<&str>,
        (service, static_unit): (Option<&str>, Option<u16>),
        config: &RouterConfig,
    ) -> Option<super::dynamic_profile::Instance> {
        let name = user
            .and_then(|u| super::decision::map_dynamic_profile(config, u))
            .or_else(|| {
                config
                    .l2tp
                    .tunnel_groups
                    .get(&call.group)?
                    .dynamic_profile
                    .as_deref()
            })?;
        // A static unit (`lns_units`) is the subscriber's interface unit when it holds one.
        let unit = static_unit.map_or_else(|| crate::registry::interface::unit(id), u32::from);
        let ifd = crate::registry::interface::lns_name(service, unit);
        let ifd = ifd.rsplit_once('.').map_or(ifd.as_str(), |(d, _)| d);
        let base = super::routing_instance::session_routing_instance(config, &call.group, None);
        let facts = super::dynamic_profile::SubscriberFacts {
            ifd,
            unit,
            routing_instance: base.as_deref(),
            ..Default::default()
        };
        super::dynamic_profile::instantiate(config, name, &facts)
            .map_err(|why| tracing::warn!("LNS subscriber {}: {why}", id.0))
            .ok()
    }

    /// An LNS subscriber's end: its address and route go, and the LAC gets a CDN unless the
    /// call has already ended.
    pub(super) fn lns_end(
        &mut self,
        now: Instant,
        subscriber: &Subscriber,
        cause: EndCause,
        registry: &mut Registry,
    ) {
        // A static unit comes back when the registry lets the call's session go.
        self.release_address(subscriber);
        if registry.locate_call(subscriber.id).is_some() {
            let (result, ppp_cause) = cdn_for(cause);
            registry.close_session(now, subscriber.id, result, Some(ppp_cause));
        }
    }
}

#[cfg(test)]
#[path = "lns_tests.rs"]
mod tests;
