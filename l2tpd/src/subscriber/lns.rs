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

use std::collections::{HashMap, VecDeque};
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng;
use schema::typed::{AccessProfile, RouterConfig};

use super::address_pool::AddressPools;
use super::lac::SubscriberLayer;
use super::local_auth::{self, Admission, AuthRejection};
use super::table::{AccessLeg, EndCause, LcpTakeover, Phase, Subscriber, SubscriberId};
use crate::io::ip_relay::{IpRoute, SharedIpRelay};
use crate::l2tp::session::{CdnResult, ProxyAuth, ProxyAuthenType, ProxyData};
use crate::l2tp::wire::{disconnect_cause, PppDisconnectCause};
use crate::ppp::fsm;
use crate::ppp::server_link::{
    Credentials, EchoConfig, IpcpServerAddresses, ProxyLcpRecord, ServerLink, ServerLinkConfig,
};
use crate::ppp::wire::options::AuthProtocol;
use crate::registry::{LnsCall, Registry};

/// Junos' PPP keepalive default (`access profile P client C ppp keepalive`): 30 s.
const DEFAULT_KEEPALIVE: Duration = Duration::from_secs(30);
/// Unanswered Echo-Requests before the link is declared dead.
const KEEPALIVE_FAILURES: u32 = 3;
/// From the session's start to IPCP Opened: a subscriber still negotiating after this is
/// hung (peers report sessions stuck in LCP or IPCP for a day) and is logged out.
const NEGOTIATION_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the client has to answer our authentication request when we ask it.
const AUTH_TIMEOUT: Duration = Duration::from_secs(30);
/// L2TP over UDP over IPv4 on a 1500-octet path: 1500 − 20 − 8 − 8 (L2TP with Length)
/// − 4 (PPP Address, Control and Protocol) = 1460. The service interface gets this MTU, so
/// the kernel itself answers bigger packets with DF set by ICMP "fragmentation needed".
pub const SERVICE_MTU: u16 = 1460;
/// PPP protocol number of IPv4.
const PROTOCOL_IP: [u8; 2] = [0x00, 0x21];
/// The RFC 2661 §4.4.5 MRU when proxy LCP does not tell: the PPPoE MRU behind most LACs.
const DEFAULT_MRU: u16 = 1492;
const CHAP_CHALLENGE_LEN: usize = 16;

/// IP packets the LNS counted rather than forwarded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IpDrops {
    /// From a subscriber with a source address other than its own: on the slow path, and
    /// on the fast path (the I/O shell's table counts those).
    pub spoofed: u64,
    pub spoofed_fast: u64,
    /// For an address no subscriber holds, or from a subscriber whose IPCP is not up.
    pub no_subscriber: u64,
    /// Not IPv4, or too short to be one.
    pub malformed: u64,
    /// The tunnel group names no `service-interface`: the IP has nowhere to go.
    pub no_service_interface: u64,
}

/// What the LNS keeps beside the subscriber table: the address pools, who holds which
/// address, and the IP packets on their way to a service interface.
#[derive(Default)]
pub struct LnsState {
    pub pools: AddressPools,
    pub(super) by_address: HashMap<Ipv4Addr, SubscriberId>,
    pub(super) ip_out: VecDeque<(Arc<str>, Vec<u8>)>,
    pub ip_drops: IpDrops,
    /// Refused authentications by reason (`show subscribers summary`).
    pub auth_refusals: HashMap<AuthRejection, u64>,
    /// Sessions whose proxy LCP was taken, and those renegotiated.
    pub proxy_lcp_accepted: u64,
    pub lcp_renegotiated: u64,
}

/// The PPP protocol and the information of a frame from the L2TP session (Address and
/// Control fields optional, RFC 2661 §5.1; protocol field compression allowed).
fn ip_payload(frame: &[u8]) -> Option<&[u8]> {
    let frame = frame.strip_prefix(&[0xff, 0x03]).unwrap_or(frame);
    frame
        .strip_prefix(&PROTOCOL_IP)
        .or_else(|| frame.strip_prefix(&[0x21]))
}

/// An IPCP packet (protocol 0x8021), with or without Address and Control fields.
fn is_ipcp(frame: &[u8]) -> bool {
    let frame = frame.strip_prefix(&[0xff, 0x03]).unwrap_or(frame);
    frame.starts_with(&[0x80, 0x21])
}

/// The source and destination of an IPv4 packet; `None` when it is not one.
fn ipv4_addresses(packet: &[u8]) -> Option<(Ipv4Addr, Ipv4Addr)> {
    let header = packet.get(..20)?;
    if header[0] >> 4 != 4 || usize::from(header[0] & 0x0f) * 4 < 20 {
        return None;
    }
    let source = Ipv4Addr::new(header[12], header[13], header[14], header[15]);
    let destination = Ipv4Addr::new(header[16], header[17], header[18], header[19]);
    Some((source, destination))
}

fn aaa_profile<'c>(config: &'c RouterConfig, group: &str) -> Option<&'c AccessProfile> {
    let group = config.l2tp.tunnel_groups.get(group)?;
    config
        .access_profiles
        .get(group.aaa_access_profile.as_deref()?)
}

/// `lcp-renegotiation` on the `l2tp-access-profile` client the LAC's Host Name selects
/// (or the profile's `default` client).
fn lcp_renegotiation(config: &RouterConfig, call: &LnsCall) -> bool {
    let Some(profile) = config
        .l2tp
        .tunnel_groups
        .get(&call.group)
        .and_then(|g| g.l2tp_access_profile.as_deref())
        .and_then(|name| config.access_profiles.get(name))
    else {
        return false;
    };
    profile
        .clients
        .get(&call.lac_host_name)
        .or_else(|| profile.clients.get("default"))
        .is_some_and(|client| client.l2tp.lcp_renegotiation)
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
        proxy: &ProxyData,
        config: &RouterConfig,
        registry: &mut Registry,
    ) {
        let Some(call) = registry.lns_call(id) else {
            return;
        };
        let profile = aaa_profile(config, &call.group);
        let user = proxy
            .auth
            .as_ref()
            .and_then(|a| a.name.as_deref())
            .map(|n| String::from_utf8_lossy(n).into_owned());
        let keepalive = user
            .as_deref()
            .and_then(|u| profile?.clients.get(u))
            .map_or(DEFAULT_KEEPALIVE, |c| {
                Duration::from_secs(u64::from(c.ppp.keepalive))
            });
        let mut link = ServerLink::new(ServerLinkConfig {
            fsm: fsm::Config::default(),
            mru: DEFAULT_MRU,
            magic: self.rng.random_range(1..=u32::MAX),
            authentication: vec![AuthProtocol::ChapMd5, AuthProtocol::Pap],
            // `keepalive 0` turns the LNS's echoes off.
            echo: (!keepalive.is_zero()).then_some(EchoConfig {
                interval: keepalive,
                max_failures: KEEPALIVE_FAILURES,
            }),
            auth_timeout: AUTH_TIMEOUT,
            chap_challenge: (0..CHAP_CHALLENGE_LEN).map(|_| self.rng.random()).collect(),
            name: self.host_name.clone(),
            negotiation_timeout: Some(NEGOTIATION_TIMEOUT),
        });
        let renegotiate = lcp_renegotiation(config, &call);
        let proxied = match proxy_lcp_record(proxy) {
            Some(record) if !renegotiate => match link.open_from_proxy(&record, now) {
                Ok(()) => true,
                Err(why) => {
                    tracing::info!("LNS session {}: proxy LCP not taken: {why}", id.0);
                    false
                }
            },
            _ => false,
        };
        let service: Option<Arc<str>> = config
            .l2tp
            .tunnel_groups
            .get(&call.group)
            .and_then(|g| g.service_interface.as_deref())
            .map(Arc::from);
        let access = AccessLeg::L2tp {
            tunnel_id: call.tunnel_id,
            session_id: call.session_id,
            group: call.group.clone(),
            lac: call.lac_host_name.clone(),
        };
        let mut subscriber = Subscriber::new(id, access, link, now);
        subscriber.service = service;
        subscriber.user = user;
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

    /// A frame from an LNS subscriber's session: IP once IPCP is up, PPP otherwise.
    pub(super) fn lns_frame(
        &mut self,
        now: Instant,
        id: SubscriberId,
        frame: &[u8],
        config: &RouterConfig,
        registry: &mut Registry,
    ) {
        let Some(subscriber) = self.table.get_mut(id) else {
            return;
        };
        subscriber.frames_up += 1;
        subscriber.bytes_up += frame.len() as u64;
        if let Some(packet) = ip_payload(frame) {
            let drops = &mut self.lns.ip_drops;
            let (Phase::Active, Some(lease)) = (subscriber.phase, subscriber.lease.as_ref()) else {
                drops.no_subscriber += 1;
                return;
            };
            let Some((source, _)) = ipv4_addresses(packet) else {
                drops.malformed += 1;
                return;
            };
            // A subscriber may only send from the address it was given.
            if source != lease.address {
                drops.spoofed += 1;
                return;
            }
            let Some(service) = subscriber.service.clone() else {
                drops.no_service_interface += 1;
                return;
            };
            self.lns.ip_out.push_back((service, packet.to_vec()));
            return;
        }
        let first_ipcp =
            subscriber.phase == Phase::Addressing && subscriber.lease.is_none() && is_ipcp(frame);
        if first_ipcp {
            self.lns_assign_address(now, id, config);
        }
        if let Some(link) = self.table.get_mut(id).and_then(|s| s.link.as_mut()) {
            link.handle_frame(frame, now);
        }
        self.run_link(now, id, config, registry);
    }

    /// Steps 8–9: the credentials (proxy or the client's own) against the AAA profile, and
    /// the answer to the client.
    pub(super) fn lns_credentials(
        &mut self,
        now: Instant,
        id: SubscriberId,
        credentials: Credentials,
        config: &RouterConfig,
    ) {
        let Some(subscriber) = self.table.get_mut(id) else {
            return;
        };
        let AccessLeg::L2tp { group, .. } = &subscriber.access else {
            return;
        };
        let profile = aaa_profile(config, group);
        let user = local_auth::user_name(&credentials);
        subscriber.user = Some(user.clone());
        subscriber.authentication = Some(match credentials {
            Credentials::Pap { .. } => "pap",
            Credentials::Chap { .. } => "chap",
        });
        let admission = local_auth::authenticate(profile, &credentials);
        let Some(link) = subscriber.link.as_mut() else {
            return;
        };
        if let Err(why) = admission {
            *self.lns.auth_refusals.entry(why).or_default() += 1;
            tracing::info!(
                "LNS subscriber {user}: authentication refused: {}",
                why.key()
            );
            subscriber.phase = Phase::Terminating;
            subscriber.end_cause = Some(EndCause::AuthenticationFailed);
            link.auth_failure(b"authentication failed", now);
            return;
        }
        tracing::info!(
            "LNS subscriber {user}: authenticated ({})",
            match admission {
                Ok(Admission::Password) => "password",
                _ => "none",
            }
        );
        link.auth_success(b"", now);
        subscriber.phase = Phase::Addressing;
    }

    /// The client's first IPCP packet: the address is taken now, when the client asks for
    /// IP (a client that never runs IPCP, like a `test services l2tp tunnel` call, holds
    /// none), and IPCP starts with it. Without an address the subscriber is refused with
    /// that cause: LCP terminates and the LAC gets a CDN saying so.
    fn lns_assign_address(&mut self, now: Instant, id: SubscriberId, config: &RouterConfig) {
        let Some(subscriber) = self.table.get_mut(id) else {
            return;
        };
        let AccessLeg::L2tp { group, .. } = &subscriber.access else {
            return;
        };
        let user = subscriber.user.clone().unwrap_or_default();
        let client = aaa_profile(config, group).and_then(|p| p.clients.get(&user));
        let lease = match client.and_then(|c| c.ppp.framed_ip_address) {
            Some(fixed) => self.lns.pools.allocate_fixed(fixed, id.0),
            None => {
                let pool = client
                    .and_then(|c| c.ppp.framed_pool.as_deref())
                    .or_else(|| super::decision::address_pool(config, &user));
                self.lns.pools.allocate(pool, id.0)
            }
        };
        let Some(link) = subscriber.link.as_mut() else {
            return;
        };
        let lease = match lease {
            Ok(lease) => lease,
            Err(why) => {
                tracing::info!("LNS subscriber {user}: no address: {why}");
                subscriber.phase = Phase::Terminating;
                subscriber.end_cause = Some(EndCause::NoAddress);
                link.close(now);
                return;
            }
        };
        // Client entries may name DNS servers; the pool's `dhcp-attributes` otherwise.
        let addresses = IpcpServerAddresses {
            local: lease.local,
            peer: lease.address,
            primary_dns: client.and_then(|c| c.ppp.primary_dns).or(lease.primary_dns),
            secondary_dns: client
                .and_then(|c| c.ppp.secondary_dns)
                .or(lease.secondary_dns),
        };
        link.start_ipcp(addresses, now);
        self.lns.by_address.insert(lease.address, id);
        subscriber.lease = Some(lease);
    }

    /// IPCP is open: the subscriber's IP flows.
    pub(super) fn lns_network_up(&mut self, id: SubscriberId, peer: Ipv4Addr, registry: &Registry) {
        let Some(subscriber) = self.table.get_mut(id) else {
            return;
        };
        subscriber.phase = Phase::Active;
        tracing::info!(
            "LNS subscriber {}: IPCP up, address {peer}",
            subscriber.user.as_deref().unwrap_or("?")
        );
        self.install_ip_route(id, registry);
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
        if let Some(lease) = &subscriber.lease {
            if self.lns.by_address.get(&lease.address) == Some(&subscriber.id) {
                self.lns.by_address.remove(&lease.address);
            }
            self.lns.pools.release(lease.address);
        }
        if registry.locate_call(subscriber.id).is_some() {
            let (result, ppp_cause) = cdn_for(cause);
            registry.close_session(now, subscriber.id, result, Some(ppp_cause));
        }
    }

    /// IP packets a service interface received, for subscribers (the slow path: the I/O
    /// shell's table takes the packets of subscribers it knows).
    pub fn handle_ip_packets(&mut self, packets: &[Vec<u8>], registry: &mut Registry) {
        for packet in packets {
            let Some((_, destination)) = ipv4_addresses(packet) else {
                self.lns.ip_drops.malformed += 1;
                continue;
            };
            let Some(id) = self.lns.by_address.get(&destination).copied() else {
                self.lns.ip_drops.no_subscriber += 1;
                continue;
            };
            let Some(subscriber) = self.table.get_mut(id) else {
                continue;
            };
            if subscriber.phase != Phase::Active {
                self.lns.ip_drops.no_subscriber += 1;
                continue;
            }
            let mut frame = Vec::with_capacity(packet.len() + 2);
            frame.extend_from_slice(&PROTOCOL_IP);
            frame.extend_from_slice(packet);
            if registry.send_frame(id, &frame).is_ok() {
                subscriber.frames_down += 1;
                subscriber.bytes_down += frame.len() as u64;
            }
        }
    }

    /// The subscriber's IP takes the I/O shell's fast path from now on, when its session
    /// allows (no sequencing: see `Registry::relay_leg`); otherwise it stays on the slow path.
    fn install_ip_route(&mut self, id: SubscriberId, registry: &Registry) {
        let Some(subscriber) = self.table.get(id) else {
            return;
        };
        let (Some(lease), Some(service), Some(leg)) = (
            subscriber.lease.as_ref(),
            subscriber.service.clone(),
            registry.relay_leg(id),
        ) else {
            return;
        };
        self.ip_relay.lock().install(IpRoute {
            call: id,
            address: lease.address,
            service,
            l2tp: leg,
        });
    }

    /// Takes `id` off the IP fast path, its last packets counted first.
    pub(super) fn remove_ip_route(&mut self, id: SubscriberId, registry: &mut Registry) {
        let removed = self.ip_relay.lock().remove(id);
        if let Some(relayed) = removed {
            self.count_relayed(id, &relayed, registry);
        }
    }

    /// The LNS's IP forwarding table, for the I/O tasks.
    pub fn ip_relay(&self) -> &SharedIpRelay {
        &self.ip_relay
    }

    /// Adds what the IP fast path forwarded to the subscribers' and sessions' counters.
    pub fn fold_ip_counters(&mut self, registry: &mut Registry) {
        let taken = self.ip_relay.lock().take_counters();
        for (id, relayed) in taken {
            self.count_relayed(id, &relayed, registry);
        }
        self.lns.ip_drops.spoofed_fast = self.ip_relay.lock().totals().spoofed;
    }

    /// The next IP packet for a service interface.
    pub fn poll_ip_packet(&mut self) -> Option<(Arc<str>, Vec<u8>)> {
        self.lns.ip_out.pop_front()
    }

    /// Every service interface the tunnel groups name, with the addresses it carries: each
    /// pool's gateway with the pool's prefix, so the kernel routes every pool network to
    /// it and the daemon finds the subscriber by destination.
    pub fn service_interfaces(&self, config: &RouterConfig) -> Vec<(String, Vec<(Ipv4Addr, u8)>)> {
        let mut names: Vec<&str> = config
            .l2tp
            .tunnel_groups
            .values()
            .filter_map(|g| g.service_interface.as_deref())
            .collect();
        names.sort_unstable();
        names.dedup();
        let gateways = self.lns.pools.gateways();
        names
            .into_iter()
            .map(|name| (name.to_string(), gateways.clone()))
            .collect()
    }
}

#[cfg(test)]
#[path = "lns_tests.rs"]
mod tests;
