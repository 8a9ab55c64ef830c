//! Where RADIUS enters the subscriber sequences. At the LAC: a subscriber whose access
//! profile (its domain map's `access-profile`) lists `radius` is authenticated by RADIUS
//! before anything is decided, and the Accept's tunnel attributes and Tunnel-Group decide its
//! tunnel with the domain map (`radius_tunnels`). Where PPP ends here (the LNS, a LAC that
//! terminates): `authentication-order` runs method by method, RADIUS among them, and an
//! Accept's Framed-IP-Address, Framed-Pool, DNS and Virtual-Router VSAs are kept for the
//! address and the routing instance.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use schema::typed::{AuthenticationMethod, RadiusMessage, RouterConfig};

use super::aaa::{
    access_request, nas_identifier, pppoe_calling_station, Answer, Pending, Purpose, RequestFacts,
    TunnelFacts,
};
use super::decision::{
    lac_access_profile, map_aaa_routing_instance, map_tunnel_profile, radius_user_name, Refusal,
};
use super::interface_text::{interface_desc_attribute, text_description};
use super::lac::SubscriberLayer;
use super::local_auth::{self, AuthRejection, Step};
use super::nas_port::subscriber_nas_port;
use super::radius_options::{
    acct_session_id, agent_attributes, ethernet_nas_port_type, fix_acct_session_id, nas_port_id,
    NAS_PORT_TYPE_VIRTUAL,
};
use super::radius_override::nas_address;
use super::radius_tunnels::{self, TunnelRefusal};
use super::table::{AaaGrant, AccessLeg, EndCause, Phase, SubscriberId};
use super::termination::LOCAL_SERVICE_INTERFACE;
use crate::aaa::client::{SocketId, Transmit};
use crate::aaa::nas_address::NasAddress;
use crate::aaa::radius::{
    attr, code, erx, parse_framed_route, tunnel_attributes, AttrKind, Packet,
};
use crate::ppp::server_link::Credentials;
use crate::registry::Registry;

impl SubscriberLayer {
    /// LAC: asks RADIUS when the subscriber's access profile lists it; `false` when the
    /// domain map decides alone (no profile, no `radius` in it, or no server to ask).
    pub(super) fn ask_radius_at_the_lac(
        &mut self,
        now: Instant,
        id: SubscriberId,
        credentials: &Credentials,
        config: &RouterConfig,
    ) -> bool {
        let Some(subscriber) = self.table.get(id) else {
            return false;
        };
        // Its credentials again (a repeated request) while RADIUS has the first: the first
        // answer decides.
        if self.aaa.is_waiting(id) {
            return true;
        }
        let user = subscriber.user.clone().unwrap_or_default();
        let Some(name) = lac_access_profile(config, &user) else {
            return false;
        };
        let Some(profile) = config.access_profiles.get(name) else {
            return false;
        };
        let Some(radius_at) = local_auth::order(profile)
            .iter()
            .position(|m| *m == AuthenticationMethod::Radius)
        else {
            return false;
        };
        if let Some(subscriber) = self.table.get_mut(id) {
            fix_acct_session_id(subscriber, &profile.radius_options);
        }
        let Some(subscriber) = self.table.get(id) else {
            return false;
        };
        let nas_identifier = nas_identifier(profile, &self.host_name);
        let text = text_description(config, subscriber);
        let (calling, port, mut vendor_attributes) = match &subscriber.access {
            AccessLeg::Pppoe {
                underlying,
                mac,
                line,
                ..
            } => {
                let pppoe = pppoe_line(profile, nas_identifier, underlying, *mac, line, text);
                (
                    Some(pppoe.calling_station),
                    Some(pppoe.nas_port_id),
                    pppoe.agent,
                )
            }
            _ => (None, None, Vec::new()),
        };
        vendor_attributes.extend(interface_desc_attribute(config, text));
        let facts = RequestFacts {
            user: radius_user_name(config, profile, &user),
            nas_identifier,
            acct_session_id: acct_session_id(subscriber),
            calling_station: calling.as_deref().map(str::as_bytes),
            nas_port_id: port.as_deref(),
            nas_port: subscriber_nas_port(&profile.radius_options, subscriber),
            nas_port_type: ethernet_nas_port_type(&profile.radius_options),
            tunnel: None,
            vendor_attributes,
            chap_challenge_in_authenticator: profile.radius_options.chap_challenge_in_authenticator,
        };
        let mut request = access_request(credentials, &facts);
        super::radius_exclude::apply(&mut request, profile, RadiusMessage::AccessRequest);
        let servers = self.aaa.authentication_order(config, profile);
        let purpose = Purpose::Authenticate {
            credentials: Box::new(credentials.clone()),
            profile: name.to_string(),
            resume_at: radius_at + 1,
        };
        let instance = map_aaa_routing_instance(config, &user);
        if self
            .aaa
            .start(now, id, &servers, instance, request, purpose)
            .is_err()
        {
            self.refuse(now, id, Refusal::AaaBusy);
        }
        true
    }

    /// PPP ends here: `authentication-order` from its `from`-th method on.
    pub(super) fn authenticate_from(
        &mut self,
        now: Instant,
        id: SubscriberId,
        credentials: Credentials,
        from: usize,
        config: &RouterConfig,
        registry: &Registry,
    ) {
        let Some(subscriber) = self.table.get(id) else {
            return;
        };
        let profile_name = subscriber.aaa_profile.clone();
        let profile = profile_name
            .as_deref()
            .and_then(|p| config.access_profiles.get(p));
        if self.aaa.is_waiting(id) {
            return;
        }
        match local_auth::next_step(profile, &credentials, from) {
            Step::Admit(admission) => self.admit(now, id, admission.key(), config),
            Step::Refuse(why) => self.deny(now, id, why),
            Step::AskRadius { resume_at } => {
                let (Some(profile), Some(name)) = (profile, profile_name) else {
                    return;
                };
                if let Some(subscriber) = self.table.get_mut(id) {
                    fix_acct_session_id(subscriber, &profile.radius_options);
                }
                let Some(request) =
                    self.termination_request(id, &credentials, profile, config, registry)
                else {
                    return;
                };
                let servers = self.aaa.authentication_order(config, profile);
                let purpose = Purpose::Authenticate {
                    credentials: Box::new(credentials.clone()),
                    profile: name,
                    resume_at,
                };
                let instance = self
                    .table
                    .get(id)
                    .and_then(|s| s.user.as_deref())
                    .and_then(|user| map_aaa_routing_instance(config, user));
                if self
                    .aaa
                    .start_with(now, id, &servers, instance, request, purpose)
                    .is_err()
                {
                    self.authenticate_from(now, id, credentials, resume_at, config, registry);
                }
            }
        }
    }

    /// The Access-Request of a subscriber whose PPP ends here; at the LNS it carries the
    /// tunnel the session came through (the seed's list). With whose NAS-IP-Address it
    /// carries (`radius_override`).
    fn termination_request(
        &self,
        id: SubscriberId,
        credentials: &Credentials,
        profile: &schema::typed::AccessProfile,
        config: &RouterConfig,
        registry: &Registry,
    ) -> Option<(Packet, NasAddress)> {
        let subscriber = self.table.get(id)?;
        let user = subscriber.user.clone().unwrap_or_default();
        let nas_identifier = nas_identifier(profile, &self.host_name);
        let options = &profile.radius_options;
        let text = text_description(config, subscriber);
        let (calling, port, port_type, tunnel, mut vendor_attributes) = match &subscriber.access {
            AccessLeg::Pppoe {
                underlying,
                mac,
                line,
                ..
            } => {
                let pppoe = pppoe_line(profile, nas_identifier, underlying, *mac, line, text);
                (
                    Some(pppoe.calling_station.into_bytes()),
                    Some(pppoe.nas_port_id),
                    ethernet_nas_port_type(options),
                    None,
                    pppoe.agent,
                )
            }
            AccessLeg::L2tp {
                tunnel_id,
                session_id,
                group,
                lac,
            } => {
                let (client_endpoint, server_endpoint) = registry.tunnel_endpoints(*tunnel_id);
                let tunnel = TunnelFacts {
                    client_endpoint,
                    server_endpoint,
                    connection: format!("{tunnel_id}/{session_id}"),
                    assignment_id: group,
                    client_auth_id: lac,
                    server_auth_id: &self.host_name,
                };
                (
                    registry.calling_number(id),
                    None,
                    NAS_PORT_TYPE_VIRTUAL,
                    Some(tunnel),
                    agent_attributes(&registry.access_line(id)),
                )
            }
            AccessLeg::TestCall(_) => return None,
        };
        vendor_attributes.extend(interface_desc_attribute(config, text));
        let facts = RequestFacts {
            user: profile.session_options.stripped_user_name(&user),
            nas_identifier,
            acct_session_id: acct_session_id(subscriber),
            calling_station: calling.as_deref(),
            nas_port_id: port.as_deref(),
            nas_port: subscriber_nas_port(options, subscriber),
            nas_port_type: port_type,
            tunnel,
            vendor_attributes,
            chap_challenge_in_authenticator: profile.radius_options.chap_challenge_in_authenticator,
        };
        let mut request = access_request(credentials, &facts);
        let (nas_address, nas_ip) = nas_address(options, subscriber, registry);
        request.attributes.extend(nas_ip);
        super::radius_exclude::apply(&mut request, profile, RadiusMessage::AccessRequest);
        Some((request, nas_address))
    }

    /// Authenticated: the dynamic profile's network step, then the client gets its Success
    /// and IPCP may begin.
    pub(super) fn admit(
        &mut self,
        now: Instant,
        id: SubscriberId,
        how: &'static str,
        config: &RouterConfig,
    ) {
        if !self.profile_network_step(now, id, config) {
            return;
        }
        let Some(subscriber) = self.table.get_mut(id) else {
            return;
        };
        tracing::info!(
            "subscriber {}: authenticated ({how})",
            subscriber.user.as_deref().unwrap_or("?")
        );
        if let Some(link) = subscriber.link.as_mut() {
            link.auth_success(b"", now);
        }
        subscriber.phase = Phase::Addressing;
        self.start_session_limit(id, config);
    }

    /// Refused: the client gets its failure and LCP terminates.
    pub(super) fn deny(&mut self, now: Instant, id: SubscriberId, why: AuthRejection) {
        *self.lns.auth_refusals.entry(why).or_default() += 1;
        let Some(subscriber) = self.table.get_mut(id) else {
            return;
        };
        tracing::info!(
            "subscriber {}: authentication refused: {}",
            subscriber.user.as_deref().unwrap_or("?"),
            why.key()
        );
        subscriber.phase = Phase::Terminating;
        subscriber.end_cause = Some(EndCause::AuthenticationFailed);
        if let Some(link) = subscriber.link.as_mut() {
            link.auth_failure(b"authentication failed", now);
        }
    }

    /// Requests the RADIUS client has for the network.
    pub fn poll_radius_transmit(&mut self) -> Option<Transmit> {
        self.aaa.client.poll_transmit()
    }

    /// A datagram on one of the RADIUS client's sockets.
    pub fn handle_radius_datagram(
        &mut self,
        now: Instant,
        socket: SocketId,
        from: SocketAddr,
        bytes: &[u8],
        config: &RouterConfig,
        registry: &mut Registry,
    ) {
        self.aaa.client.handle_datagram(now, socket, from, bytes);
        self.drain_aaa(now, config, registry);
    }

    /// Acts on every answer the client has.
    pub(super) fn drain_aaa(
        &mut self,
        now: Instant,
        config: &RouterConfig,
        registry: &mut Registry,
    ) {
        while let Some((pending, answer)) = self.aaa.poll_answer() {
            let id = pending.subscriber;
            match pending.purpose {
                Purpose::Accounting { kind, stop } => {
                    self.accounting_answered(now, id, kind, stop, &answer);
                    continue;
                }
                Purpose::Test { token, started } => {
                    self.aaa_test_answered(now, token, started, answer);
                    continue;
                }
                Purpose::Vlan { port, selector } => {
                    self.vlan_answered(now, &port, selector, &answer);
                    continue;
                }
                Purpose::Authenticate { .. } => {}
            }
            let lac_subscriber = self
                .table
                .get(id)
                .is_some_and(|s| !s.terminated && s.pppoe_key().is_some());
            if lac_subscriber {
                self.lac_answer(now, pending, answer, config, registry);
            } else {
                self.termination_answer(now, pending, answer, config, registry);
            }
            self.run_link(now, id, config, registry);
        }
    }

    fn lac_answer(
        &mut self,
        now: Instant,
        pending: Pending,
        answer: Answer,
        config: &RouterConfig,
        registry: &mut Registry,
    ) {
        let id = pending.subscriber;
        let Purpose::Authenticate {
            credentials,
            profile,
            resume_at,
        } = pending.purpose
        else {
            return;
        };
        let user = self
            .table
            .get(id)
            .and_then(|s| s.user.clone())
            .unwrap_or_default();
        let (reply, request_authenticator, secret, server) = match answer {
            Answer::Reply { reply, .. } if reply.code != code::ACCESS_ACCEPT => {
                tracing::info!("subscriber {user}: RADIUS rejected");
                return self.refuse(now, id, Refusal::RadiusReject);
            }
            Answer::Unanswered => {
                // Junos goes on with the next method; at the LAC that is the domain map
                // alone (the LNS checks the password).
                tracing::info!("subscriber {user}: no RADIUS server answered");
                let falls_through = config.access_profiles.get(&profile).is_some_and(|p| {
                    local_auth::order(p)
                        .iter()
                        .skip_while(|m| **m != AuthenticationMethod::Radius)
                        .nth(1)
                        .is_some()
                });
                if falls_through {
                    return self.decide_by_domain_map(
                        now,
                        id,
                        *credentials,
                        resume_at,
                        config,
                        registry,
                    );
                }
                return self.refuse(now, id, Refusal::AaaUnavailable);
            }
            Answer::Reply {
                reply,
                request_authenticator,
                secret,
                server,
            } => (reply, request_authenticator, secret, server),
        };
        if let Some(subscriber) = self.table.get_mut(id) {
            // Its accounting goes by this profile.
            subscriber.aaa_profile = Some(profile.clone());
        }
        let attributes = tunnel_attributes(&reply, &secret, &request_authenticator);
        let mut ignored: Vec<String> = attributes
            .ignored
            .iter()
            .map(|(kind, why)| format!("{kind:?}: {why}"))
            .collect();
        let choice = radius_tunnels::decide(
            config,
            map_tunnel_profile(config, &user),
            &attributes,
            &mut ignored,
        );
        for why in &ignored {
            tracing::info!("subscriber {user}: RADIUS attribute not used: {why}");
        }
        let mut grant = grant_from(&reply, server);
        grant.ignored = ignored;
        if let Some(profile) = config.access_profiles.get(&profile) {
            ignore_attributes(&mut grant, profile);
        }
        match choice {
            Err(TunnelRefusal::UnknownTunnelGroup(group)) => {
                tracing::info!("subscriber {user}: Tunnel-Group {group} is not a tunnel profile");
                self.refuse(now, id, Refusal::UnknownTunnelGroup);
            }
            Err(TunnelRefusal::NoServerEndpoint) => {
                self.refuse(now, id, Refusal::NoTunnelEndpoint);
            }
            Ok(Some(choice)) => {
                grant.tunnel_source = Some(choice.source);
                if let Some(subscriber) = self.table.get_mut(id) {
                    subscriber.aaa = Some(Box::new(grant));
                }
                self.start_session_limit(id, config);
                if !self.profile_network_step(now, id, config) {
                    return;
                }
                if let Err(why) = self.tunnel(
                    now,
                    id,
                    (&choice.name, &choice.profile),
                    &credentials,
                    config,
                    registry,
                ) {
                    self.refuse(now, id, why);
                }
            }
            Ok(None) => {
                // Neither RADIUS nor the map tunnels it: PPP ends here, already admitted.
                if let Some(subscriber) = self.table.get_mut(id) {
                    subscriber.terminated = true;
                    subscriber.aaa_profile = Some(profile);
                    subscriber.service = Some(Arc::from(LOCAL_SERVICE_INTERFACE));
                    subscriber.aaa = Some(Box::new(grant));
                }
                self.admit(now, id, "radius", config);
            }
        }
    }

    fn termination_answer(
        &mut self,
        now: Instant,
        pending: Pending,
        answer: Answer,
        config: &RouterConfig,
        registry: &mut Registry,
    ) {
        let id = pending.subscriber;
        let Purpose::Authenticate {
            credentials,
            resume_at,
            ..
        } = pending.purpose
        else {
            return;
        };
        match answer {
            Answer::Reply { reply, server, .. } if reply.code == code::ACCESS_ACCEPT => {
                let mut grant = grant_from(&reply, server);
                let profile = self.table.get(id).and_then(|s| s.access_profile(config));
                if let Some(profile) = profile {
                    ignore_attributes(&mut grant, profile);
                }
                if let Some(subscriber) = self.table.get_mut(id) {
                    // The Virtual-Router VSA puts the session in that instance (the seed's
                    // rule); without it the tunnel's instance stays.
                    if let (Some(vr), AccessLeg::L2tp { group, .. }) =
                        (&grant.virtual_router, &subscriber.access)
                    {
                        subscriber.routing_instance =
                            super::routing_instance::session_routing_instance(
                                config,
                                group,
                                Some(vr),
                            );
                    }
                    subscriber.aaa = Some(Box::new(grant));
                }
                self.admit(now, id, "radius", config);
            }
            Answer::Reply { .. } => self.deny(now, id, AuthRejection::RadiusReject),
            Answer::Unanswered => {
                self.authenticate_from(now, id, *credentials, resume_at, config, registry)
            }
        }
    }
}

/// What an Access-Accept grants a subscriber beyond its tunnel.
pub(super) fn grant_from(reply: &Packet, server: Ipv4Addr) -> AaaGrant {
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let address = |bytes: Option<&[u8]>| {
        let octets: [u8; 4] = bytes?.try_into().ok()?;
        Some(Ipv4Addr::from(octets))
    };
    let mut ignored = Vec::new();
    let framed_routes = reply
        .find_all(AttrKind::Standard(attr::FRAMED_ROUTE))
        .filter_map(|a| {
            parse_framed_route(&a.value)
                .map_err(|why| {
                    ignored.push(format!(
                        "Framed-Route {:?}: {why}",
                        String::from_utf8_lossy(&a.value)
                    ))
                })
                .ok()
        })
        .collect();
    AaaGrant {
        server: Some(server),
        framed_address: reply.ipv4(attr::FRAMED_IP_ADDRESS),
        framed_pool: reply.string(attr::FRAMED_POOL).map(text),
        framed_routes,
        primary_dns: address(reply.vendor(erx::VENDOR, erx::PRIMARY_DNS)),
        secondary_dns: address(reply.vendor(erx::VENDOR, erx::SECONDARY_DNS)),
        primary_wins: address(reply.vendor(erx::VENDOR, erx::PRIMARY_WINS)),
        secondary_wins: address(reply.vendor(erx::VENDOR, erx::SECONDARY_WINS)),
        virtual_router: reply.vendor(erx::VENDOR, erx::VIRTUAL_ROUTER).map(text),
        session_timeout: reply.integer(attr::SESSION_TIMEOUT),
        idle_timeout: reply.integer(attr::IDLE_TIMEOUT),
        tunnel_source: None,
        vendor_values: reply
            .attributes
            .iter()
            .filter_map(|a| match a.kind {
                AttrKind::Vendor { vendor, kind } => {
                    Some((vendor, kind, super::dynamic_profile::vsa_text(&a.value)?))
                }
                AttrKind::Standard(_) => None,
            })
            .collect(),
        ignored,
    }
}

/// `radius attributes ignore logical-system:routing-instance`: the Accept's routing instance
/// (ERX Virtual-Router) is not used, and the subscriber's `show` says so. (The filters the
/// profile ignores are left out where the dynamic profile's variables are replaced.)
fn ignore_attributes(grant: &mut AaaGrant, profile: &schema::typed::AccessProfile) {
    if !profile.radius_ignore.routing_instance {
        return;
    }
    if let Some(instance) = grant.virtual_router.take() {
        grant.ignored.push(format!(
            "Virtual-Router {instance:?}: radius attributes ignore logical-system:routing-instance"
        ));
    }
}

/// What a PPPoE subscriber's Access-Request says of its line, by the profile's options.
struct PppoeLine {
    calling_station: String,
    nas_port_id: String,
    /// The intermediate agent's DSL Forum VSAs.
    agent: Vec<crate::aaa::radius::Attribute>,
}

/// The line facts of a PPPoE subscriber on `underlying` from `mac`, behind the agent's
/// `line`; `text` is its interface's configured description (`interface_text`).
fn pppoe_line(
    profile: &schema::typed::AccessProfile,
    nas_identifier: &[u8],
    underlying: &str,
    mac: [u8; 6],
    line: &crate::pppoe::access_line::AccessLine,
    text: Option<&str>,
) -> PppoeLine {
    PppoeLine {
        calling_station: pppoe_calling_station(profile, nas_identifier, underlying, mac, line),
        nas_port_id: nas_port_id(
            &profile.radius_options,
            nas_identifier,
            underlying,
            text,
            line,
        ),
        agent: agent_attributes(line),
    }
}
