//! RADIUS for subscribers: the client, the requests in flight and whose they are, and the
//! counters `show network-access aaa statistics` prints. The LAC asks RADIUS before it
//! decides (the Accept may carry tunnel attributes: `radius_tunnels`), the LNS asks it to
//! authenticate (its Access-Request carries the tunnel attributes of the seed's list), both
//! in the order `authentication-order` gives, going on to the next method when no server
//! answers.

use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use schema::typed::{
    AccessProfile, CallingStationIdFormat, RadiusServer, RouterConfig, ServerAlgorithm,
};

use super::accounting::{Kind, QueuedStop};
use super::radius_options::{interface_description, push_agent_ids};
use super::table::SubscriberId;
use crate::aaa::client::{
    ClientConfig, ClientEvent, RadiusClient, RequestId, ServerConfig, Service,
};
use crate::aaa::nas_address::NasAddress;
use crate::aaa::radius::{attr, code, Attribute, Packet};
use crate::aaa::server_order::ServerRotation;
use crate::ppp::server_link::Credentials;
use crate::pppoe::access_line::AccessLine;

/// Requests that wait for a server's room, at most; beyond it a subscriber is refused at
/// once with the reason (a queue without bound would only delay the refusal). A subscriber
/// that waits already holds its PPPoE session and PPP state (about 3 KB); a waiting request
/// about 1.5 KB more: 16,384 of them, 24 MB. Found with the setup bench: at 4,096 a burst of
/// 10,000 subscribers authenticating faster than the LAC sets their sessions up overflowed it.
const QUEUE_LIMIT: usize = 16_384;
/// How long a server that stopped answering is left out before it is tried again.
const DEAD_TIME: Duration = Duration::from_secs(60);
/// `max-outstanding-requests` when the configuration has none.
const DEFAULT_OUTSTANDING: usize = 1000;

/// RFC 2865 values we send.
const SERVICE_TYPE_FRAMED: u32 = 2;
const FRAMED_PROTOCOL_PPP: u32 = 1;
/// radius-and-avps.md §2: the NAS-Port of a tunnelled PPP user at the LNS.
const LNS_NAS_PORT: u32 = 4_194_303;
/// RFC 2868 Tunnel-Type L2TP and Tunnel-Medium-Type IPv4.
const TUNNEL_TYPE_L2TP: u32 = 3;
const MEDIUM_IPV4: u32 = 1;

/// Counters of `show network-access aaa statistics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AaaStats {
    pub auth_requests: u64,
    pub accepts: u64,
    pub rejects: u64,
    /// No server answered: the next method decided.
    pub auth_timeouts: u64,
    /// The request queue was full: refused without asking.
    pub queue_full: u64,
    /// Access-Challenge (PPP cannot carry one): treated as a reject.
    pub challenges: u64,
}

/// What a request in flight is for.
pub(super) enum Purpose {
    /// The subscriber's credentials; where `authentication-order` goes on if no server
    /// answers; the profile's name.
    Authenticate {
        credentials: Box<Credentials>,
        profile: String,
        resume_at: usize,
    },
    /// An Accounting-Request; a Stop keeps what it needs to be sent again.
    Accounting {
        kind: Kind,
        stop: Option<Box<QueuedStop>>,
    },
    /// `test aaa ppp`: the operator's, numbered; no subscriber.
    Test { token: u64, started: Instant },
    /// An authenticated range's VLAN (`auto-configure … authentication`); no subscriber.
    Vlan {
        port: Arc<str>,
        selector: super::vlan::VlanSelector,
    },
}

impl Purpose {
    /// An Access-Request the AAA statistics count, request and answer: a subscriber's or an
    /// authenticated VLAN's (`test aaa ppp` asks too, uncounted).
    fn counted_authentication(&self) -> bool {
        matches!(self, Purpose::Authenticate { .. } | Purpose::Vlan { .. })
    }
}

pub(super) struct Pending {
    pub subscriber: SubscriberId,
    pub purpose: Purpose,
}

/// How RADIUS answered.
pub(super) enum Answer {
    /// A verified reply (Accept, Reject, Challenge, Accounting-Response).
    Reply {
        reply: Packet,
        request_authenticator: [u8; 16],
        secret: Arc<[u8]>,
        server: Ipv4Addr,
    },
    /// No server answered (or none is configured).
    Unanswered,
}

pub struct AaaState {
    pub client: RadiusClient,
    pending: HashMap<RequestId, Pending>,
    /// Subscribers waiting for their Access-Request's answer.
    waiting: HashMap<SubscriberId, RequestId>,
    /// `client-authentication-algorithm` / `client-accounting-algorithm round-robin`.
    rotation: ServerRotation,
    pub stats: AaaStats,
}

impl AaaState {
    /// `seed`: the Request Authenticators' generator's (the caller's RNG).
    pub fn new(seed: [u8; 32]) -> Self {
        Self {
            client: RadiusClient::new(ClientConfig {
                queue_limit: QUEUE_LIMIT,
                dead_time: DEAD_TIME,
                // Per server (`message-authenticator`, `require` by default).
                require_message_authenticator: false,
                seed,
            }),
            pending: HashMap::new(),
            waiting: HashMap::new(),
            rotation: ServerRotation::default(),
            stats: AaaStats::default(),
        }
    }
}

impl AaaState {
    /// The servers of `access radius-server` and of every profile (a profile's own entry for
    /// an address wins: it is what that profile's subscribers are sent with).
    pub fn configure(&mut self, config: &RouterConfig) {
        self.client
            .set_dead_time(Duration::from_secs(config.radius_revert_interval.into()));
        self.rotation.clear();
        let mut servers: BTreeMap<Ipv4Addr, &RadiusServer> =
            config.radius_servers.iter().map(|(a, s)| (*a, s)).collect();
        for profile in config.access_profiles.values() {
            servers.extend(profile.radius_servers.iter().map(|(a, s)| (*a, s)));
        }
        let reverts = revert_intervals(config);
        self.client.configure(
            servers
                .into_iter()
                .filter_map(|(address, s)| {
                    let revert_interval = reverts.get(&address).copied();
                    Some(ServerConfig {
                        revert_interval,
                        ..server_config(address, s)?
                    })
                })
                .collect(),
        );
    }

    /// The order the next request of `service` tries `servers` in, by the profile's
    /// `client-authentication-algorithm` or `client-accounting-algorithm`.
    pub(super) fn server_order(
        &mut self,
        service: Service,
        algorithm: ServerAlgorithm,
        servers: &[Ipv4Addr],
    ) -> Vec<Ipv4Addr> {
        self.rotation.order(service, algorithm, servers)
    }

    /// The servers the next Access-Request of `profile` tries, in order: its
    /// [`authentication_servers`] by its `client-authentication-algorithm`.
    pub(super) fn authentication_order(
        &mut self,
        config: &RouterConfig,
        profile: &AccessProfile,
    ) -> Vec<Ipv4Addr> {
        let servers = authentication_servers(config, profile);
        self.server_order(
            Service::Authentication,
            profile.radius_options.client_authentication_algorithm,
            &servers,
        )
    }

    /// Whether `subscriber`'s Access-Request is still unanswered (not admitted yet).
    pub(super) fn is_waiting(&self, subscriber: SubscriberId) -> bool {
        self.waiting.contains_key(&subscriber)
    }

    /// Sends `request` to the first live server of `servers`. Err (with the purpose back):
    /// the queue is full (or no server is configured), counted; the caller goes on as if
    /// none answered.
    pub(super) fn start(
        &mut self,
        now: Instant,
        subscriber: SubscriberId,
        servers: &[Ipv4Addr],
        instance: Option<&str>,
        request: Packet,
        purpose: Purpose,
    ) -> Result<(), Purpose> {
        self.start_with(
            now,
            subscriber,
            servers,
            instance,
            (request, NasAddress::FromServer),
            purpose,
        )
    }

    /// [`Self::start`], with the request's NAS-IP-Address as `request.1` says.
    pub(super) fn start_with(
        &mut self,
        now: Instant,
        subscriber: SubscriberId,
        servers: &[Ipv4Addr],
        instance: Option<&str>,
        (request, nas_address): (Packet, NasAddress),
        purpose: Purpose,
    ) -> Result<(), Purpose> {
        let authenticating = matches!(purpose, Purpose::Authenticate { .. });
        // `test aaa ppp` authenticates too, without a subscriber waiting on it.
        let service = if purpose.counted_authentication() || matches!(purpose, Purpose::Test { .. })
        {
            Service::Authentication
        } else {
            Service::Accounting
        };
        if purpose.counted_authentication() {
            self.stats.auth_requests += 1;
        }
        match self
            .client
            .submit_with(now, service, servers, request, instance, nas_address)
        {
            Ok(id) => {
                self.pending.insert(
                    id,
                    Pending {
                        subscriber,
                        purpose,
                    },
                );
                if authenticating {
                    self.waiting.insert(subscriber, id);
                }
                Ok(())
            }
            Err(e) => {
                tracing::info!(
                    "radius: request for subscriber {} not sent: {e:?}",
                    subscriber.0
                );
                self.stats.queue_full += 1;
                Err(purpose)
            }
        }
    }

    /// The subscriber went away while its Access-Request was out: the answer is dropped
    /// quietly. (Its accounting requests go on: a Stop must arrive.)
    pub(super) fn forget(&mut self, subscriber: SubscriberId) {
        if let Some(id) = self.waiting.remove(&subscriber) {
            self.pending.remove(&id);
            self.client.cancel(id);
        }
    }

    /// The next answer the client has, with what it was for.
    pub(super) fn poll_answer(&mut self) -> Option<(Pending, Answer)> {
        loop {
            let (id, answer) = match self.client.poll_event()? {
                ClientEvent::Reply {
                    id,
                    server,
                    reply,
                    request_authenticator,
                    secret,
                    ..
                } => (
                    id,
                    Answer::Reply {
                        reply,
                        request_authenticator,
                        secret,
                        server,
                    },
                ),
                ClientEvent::Failed { id, .. } => (id, Answer::Unanswered),
            };
            let Some(pending) = self.pending.remove(&id) else {
                continue;
            };
            if let Purpose::Authenticate { .. } = pending.purpose {
                self.waiting.remove(&pending.subscriber);
            }
            if pending.purpose.counted_authentication() {
                match &answer {
                    Answer::Reply { reply, .. } => match reply.code {
                        code::ACCESS_ACCEPT => self.stats.accepts += 1,
                        code::ACCESS_CHALLENGE => self.stats.challenges += 1,
                        _ => self.stats.rejects += 1,
                    },
                    Answer::Unanswered => self.stats.auth_timeouts += 1,
                }
            }
            return Some((pending, answer));
        }
    }
}

/// A profile's `radius options revert-interval`, for the servers its requests go to. Our
/// choice where profiles sharing a server disagree (the client keeps one dead time per
/// server): the first profile by name that sets one.
fn revert_intervals(config: &RouterConfig) -> HashMap<Ipv4Addr, Duration> {
    let mut reverts = HashMap::new();
    for profile in config.access_profiles.values() {
        let Some(seconds) = profile.radius_options.revert_interval else {
            continue;
        };
        let servers = authentication_servers(config, profile)
            .into_iter()
            .chain(super::accounting::accounting_servers(config, profile));
        for address in servers {
            reverts
                .entry(address)
                .or_insert(Duration::from_secs(seconds.into()));
        }
    }
    reverts
}

fn server_config(address: Ipv4Addr, server: &RadiusServer) -> Option<ServerConfig> {
    let secret = server.secret.as_ref()?;
    Some(ServerConfig {
        address,
        auth_port: server.port,
        accounting_port: server.accounting_port,
        secret: Arc::from(secret.expose()),
        retry: server.retry,
        timeout: Duration::from_secs(u64::from(server.timeout)),
        accounting_retry: server.accounting_retry,
        accounting_timeout: server
            .accounting_timeout
            .map(|s| Duration::from_secs(u64::from(s))),
        routing_instance: server.routing_instance.as_deref().map(Arc::from),
        source: server.source_address,
        max_outstanding: usize::try_from(server.max_outstanding_requests)
            .unwrap_or(DEFAULT_OUTSTANDING),
        require_message_authenticator: server.require_message_authenticator,
        revert_interval: None,
    })
}

/// The servers a profile's Access-Requests go to, in order: its `radius
/// authentication-server` list, else its own `radius-server` entries, else every
/// `access radius-server`.
pub(super) fn authentication_servers(
    config: &RouterConfig,
    profile: &AccessProfile,
) -> Vec<Ipv4Addr> {
    if !profile.authentication_servers.is_empty() {
        return profile.authentication_servers.clone();
    }
    if !profile.radius_servers.is_empty() {
        return profile.radius_servers.keys().copied().collect();
    }
    config.radius_servers.keys().copied().collect()
}

/// Where the Access-Request comes from, beyond the credentials.
pub struct RequestFacts<'a> {
    pub user: &'a str,
    pub nas_identifier: &'a [u8],
    pub acct_session_id: String,
    pub calling_station: Option<&'a [u8]>,
    pub nas_port_id: Option<&'a str>,
    /// NAS-Port (5) of a PPPoE subscriber (`nas_port`); the LNS sends its own with `tunnel`.
    pub nas_port: Option<u32>,
    /// NAS-Port-Type (61): `radius_options::ethernet_nas_port_type` for a PPPoE subscriber,
    /// Virtual at the LNS.
    pub nas_port_type: u32,
    /// LNS: the tunnel the session came through.
    pub tunnel: Option<TunnelFacts<'a>>,
    /// The DSL Forum VSAs of the PPPoE intermediate agent's IDs (`agent_attributes`), and
    /// the interface's description (`interface_text`).
    pub vendor_attributes: Vec<Attribute>,
    /// `radius options chap-challenge-in-request-authenticator`: a 16-octet CHAP challenge
    /// is the Request Authenticator instead of a CHAP-Challenge attribute.
    pub chap_challenge_in_authenticator: bool,
}

/// The seed's list of what an LNS's Access-Request carries about the tunnel (17.4R1 on).
pub struct TunnelFacts<'a> {
    pub client_endpoint: Option<Ipv4Addr>,
    pub server_endpoint: Option<Ipv4Addr>,
    /// Acct-Tunnel-Connection: `tunnel/session`, our IDs.
    pub connection: String,
    pub assignment_id: &'a str,
    pub client_auth_id: &'a str,
    pub server_auth_id: &'a [u8],
}

/// An Access-Request for `credentials` (public for l2tp-bench's `radius-auth`, which sends
/// what the daemon sends). The User-Password goes in clear here: the codec
/// hides it with the server's secret and the request's authenticator when it encodes.
pub fn access_request(credentials: &Credentials, facts: &RequestFacts<'_>) -> Packet {
    let mut attributes = vec![Attribute::string(attr::USER_NAME, facts.user)];
    // Zero: the client draws a random one when it sends (RFC 2865 §3).
    let mut authenticator = [0u8; 16];
    match credentials {
        Credentials::Pap { password, .. } => {
            attributes.push(Attribute::string(attr::USER_PASSWORD, password));
        }
        Credentials::Chap {
            identifier,
            challenge,
            response,
            ..
        } => {
            let mut value = vec![*identifier];
            value.extend_from_slice(response);
            attributes.push(Attribute::string(attr::CHAP_PASSWORD, value));
            // RFC 2865 §2.2: a 16-octet challenge may be the Request Authenticator, the
            // server then reads it there. Ours are random and never zero in practice; an
            // all-zero one would be replaced by the client, so it goes as the attribute.
            match <[u8; 16]>::try_from(challenge.as_slice()) {
                Ok(sixteen) if facts.chap_challenge_in_authenticator && sixteen != [0; 16] => {
                    authenticator = sixteen;
                }
                _ => attributes.push(Attribute::string(attr::CHAP_CHALLENGE, challenge)),
            }
        }
    }
    attributes.push(Attribute::integer(attr::SERVICE_TYPE, SERVICE_TYPE_FRAMED));
    attributes.push(Attribute::integer(
        attr::FRAMED_PROTOCOL,
        FRAMED_PROTOCOL_PPP,
    ));
    attributes.push(Attribute::string(
        attr::NAS_IDENTIFIER,
        facts.nas_identifier,
    ));
    attributes.push(Attribute::string(
        attr::ACCT_SESSION_ID,
        facts.acct_session_id.as_bytes(),
    ));
    if let Some(calling) = facts.calling_station {
        attributes.push(Attribute::string(attr::CALLING_STATION_ID, calling));
    }
    if let Some(port) = facts.nas_port_id {
        attributes.push(Attribute::string(attr::NAS_PORT_ID, port));
    }
    if let Some(port) = facts.nas_port {
        attributes.push(Attribute::integer(attr::NAS_PORT, port));
    }
    attributes.push(Attribute::integer(attr::NAS_PORT_TYPE, facts.nas_port_type));
    attributes.extend(facts.vendor_attributes.iter().cloned());
    if let Some(tunnel) = &facts.tunnel {
        attributes.push(Attribute::integer(attr::NAS_PORT, LNS_NAS_PORT));
        push_tunnel(&mut attributes, tunnel);
    }
    Packet {
        code: code::ACCESS_REQUEST,
        identifier: 0,
        authenticator,
        attributes,
    }
}

/// RFC 2868 §3: in a request the tag is unused and so zero.
fn push_tunnel(attributes: &mut Vec<Attribute>, tunnel: &TunnelFacts<'_>) {
    attributes.push(Attribute::tagged_integer(
        attr::TUNNEL_TYPE,
        0,
        TUNNEL_TYPE_L2TP,
    ));
    attributes.push(Attribute::tagged_integer(
        attr::TUNNEL_MEDIUM_TYPE,
        0,
        MEDIUM_IPV4,
    ));
    if let Some(address) = tunnel.client_endpoint {
        attributes.push(Attribute::tagged_string(
            attr::TUNNEL_CLIENT_ENDPOINT,
            0,
            address.to_string(),
        ));
    }
    if let Some(address) = tunnel.server_endpoint {
        attributes.push(Attribute::tagged_string(
            attr::TUNNEL_SERVER_ENDPOINT,
            0,
            address.to_string(),
        ));
    }
    attributes.push(Attribute::string(
        attr::ACCT_TUNNEL_CONNECTION,
        tunnel.connection.as_bytes(),
    ));
    attributes.push(Attribute::tagged_string(
        attr::TUNNEL_ASSIGNMENT_ID,
        0,
        tunnel.assignment_id,
    ));
    attributes.push(Attribute::tagged_string(
        attr::TUNNEL_CLIENT_AUTH_ID,
        0,
        tunnel.client_auth_id,
    ));
    attributes.push(Attribute::tagged_string(
        attr::TUNNEL_SERVER_AUTH_ID,
        0,
        tunnel.server_auth_id,
    ));
}

/// Calling-Station-Id as `radius options calling-station-id-format` asks: the chosen parts in
/// the order of the schema's note, joined by the delimiter. `None` when nothing is there to
/// join (the caller then sends the L2TP Calling Number form, `IF:MAC`): an agent ID the
/// PPPoE request did not carry is left out.
pub(super) fn calling_station_id(
    format: &CallingStationIdFormat,
    nas_identifier: &[u8],
    interface: &str,
    mac: [u8; 6],
    line: &AccessLine,
) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    if format.nas_identifier {
        parts.push(String::from_utf8_lossy(nas_identifier).into_owned());
    }
    if format.interface_description {
        parts.push(interface.to_string());
    }
    push_agent_ids(
        &mut parts,
        line,
        format.agent_circuit_id,
        format.agent_remote_id,
    );
    if format.mac_address {
        let hex: Vec<String> = mac.iter().map(|b| format!("{b:02x}")).collect();
        parts.push(hex.join(":"));
    }
    (!parts.is_empty()).then(|| parts.join(&format.delimiter))
}

/// The Calling-Station-Id of a PPPoE subscriber's requests, whether it is tunnelled or ends
/// here: the profile's `calling-station-id-format`, else the L2TP Calling Number form.
pub(super) fn pppoe_calling_station(
    profile: &AccessProfile,
    nas_identifier: &[u8],
    interface: &str,
    mac: [u8; 6],
    line: &AccessLine,
) -> String {
    let options = &profile.radius_options;
    let described = interface_description(options.interface_description_format, interface);
    calling_station_id(
        &options.calling_station_id_format,
        nas_identifier,
        &described,
        mac,
        line,
    )
    .unwrap_or_else(|| super::proxy::calling_number(interface, mac))
}

/// The Calling Number AVP (22) of a tunnelled PPPoE subscriber's ICRQ. Junos sends the
/// subscriber's Calling-Station-Id there, as its access profile's `calling-station-id-format`
/// makes it ("override (RADIUS Options)": "the Calling-Station-ID format for the string that
/// the LAC sends to the LNS in the Calling Number AVP 22"), so the LNS's RADIUS sees what the
/// LAC's did. The profile is the one the LAC's RADIUS would use
/// ([`super::decision::lac_access_profile`]); without one, or with no format, the `IF:MAC`
/// form.
pub(super) fn lac_calling_number(
    config: &RouterConfig,
    host_name: &[u8],
    user: &str,
    underlying: &str,
    mac: [u8; 6],
    line: &AccessLine,
) -> String {
    let profile = super::decision::lac_access_profile(config, user)
        .and_then(|name| config.access_profiles.get(name));
    match profile {
        Some(profile) => pppoe_calling_station(
            profile,
            nas_identifier(profile, host_name),
            underlying,
            mac,
            line,
        ),
        None => super::proxy::calling_number(underlying, mac),
    }
}

/// The NAS-Identifier a profile's requests carry: its `radius options nas-identifier`, else
/// the host name.
pub(super) fn nas_identifier<'a>(profile: &'a AccessProfile, host_name: &'a [u8]) -> &'a [u8] {
    profile
        .radius_options
        .nas_identifier
        .as_deref()
        .map_or(host_name, str::as_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::SessionRef;

    /// `chap-challenge-in-request-authenticator`: the 16-octet challenge is the Request
    /// Authenticator and no CHAP-Challenge goes; without it, or with another length, the
    /// attribute carries it and the client draws the authenticator.
    #[test]
    fn a_chap_challenge_rides_in_the_authenticator_when_asked() {
        let chap = |challenge: Vec<u8>| Credentials::Chap {
            identifier: 3,
            name: b"carol".to_vec(),
            challenge,
            response: vec![2; 16],
        };
        let facts = |inside: bool| RequestFacts {
            user: "carol",
            nas_identifier: b"lac1",
            acct_session_id: "1".into(),
            calling_station: None,
            nas_port_id: None,
            nas_port: None,
            nas_port_type: 15,
            tunnel: None,
            vendor_attributes: Vec::new(),
            chap_challenge_in_authenticator: inside,
        };
        let inside = access_request(&chap(vec![7; 16]), &facts(true));
        assert_eq!(inside.authenticator, [7; 16]);
        assert_eq!(inside.string(attr::CHAP_CHALLENGE), None);
        let attribute = access_request(&chap(vec![7; 16]), &facts(false));
        assert_eq!(attribute.authenticator, [0; 16]);
        assert_eq!(attribute.string(attr::CHAP_CHALLENGE), Some(&[7u8; 16][..]));
        let long = access_request(&chap(vec![7; 20]), &facts(true));
        assert_eq!(long.authenticator, [0; 16]);
        assert_eq!(long.string(attr::CHAP_CHALLENGE), Some(&[7u8; 20][..]));
    }

    #[test]
    fn calling_station_id_joins_the_chosen_parts_with_the_delimiter() {
        let mut format = CallingStationIdFormat {
            delimiter: "#".into(),
            ..CallingStationIdFormat::default()
        };
        let mac = [0x02, 0, 0x5e, 0x10, 0, 1];
        let joined = |format: &CallingStationIdFormat| {
            calling_station_id(format, b"lac1", "ge-0/0/1.100", mac, &AccessLine::default())
        };
        assert_eq!(joined(&format), None);
        format.mac_address = true;
        format.interface_description = true;
        format.nas_identifier = true;
        assert_eq!(
            joined(&format).as_deref(),
            Some("lac1#ge-0/0/1.100#02:00:5e:10:00:01")
        );
    }

    #[test]
    fn a_pppoe_subscriber_is_named_by_the_profiles_format_else_the_calling_number() {
        let mac = [0x02, 0, 0x5e, 0x10, 0, 1];
        let profile = |lines: &str| {
            let tree =
                schema::parse::apply_set_lines(&schema::tree::Node::default(), lines).unwrap();
            let mut config = schema::typed::router_config(&tree);
            config.access_profiles.remove("ra").unwrap()
        };
        let plain = profile("set access profile ra authentication-order radius\n");
        assert_eq!(
            pppoe_calling_station(&plain, b"lac1", "ge-0/0/1.100", mac, &AccessLine::default()),
            super::super::proxy::calling_number("ge-0/0/1.100", mac)
        );
        let by_mac =
            profile("set access profile ra radius options calling-station-id-format mac-address\n");
        assert_eq!(
            pppoe_calling_station(
                &by_mac,
                b"lac1",
                "ge-0/0/1.100",
                mac,
                &AccessLine::default()
            ),
            "02:00:5e:10:00:01"
        );
    }

    /// The agent's IDs sit after the interface and before the MAC address; one the request
    /// did not carry is left out, and with nothing left the Calling Number form stands in.
    #[test]
    fn calling_station_id_carries_the_agents_ids() {
        let format = CallingStationIdFormat {
            delimiter: "#".into(),
            agent_circuit_id: true,
            agent_remote_id: true,
            interface_description: true,
            mac_address: true,
            ..CallingStationIdFormat::default()
        };
        let mac = [0x02, 0, 0x5e, 0x10, 0, 1];
        let line = AccessLine {
            circuit_id: Some(b"dslam1 eth 1/1/2:100"[..].into()),
            remote_id: None,
            ..AccessLine::default()
        };
        assert_eq!(
            calling_station_id(&format, b"lac1", "ge-0/0/1.100", mac, &line).as_deref(),
            Some("ge-0/0/1.100#dslam1 eth 1/1/2:100#02:00:5e:10:00:01")
        );
        let agent_only = CallingStationIdFormat {
            delimiter: "#".into(),
            agent_remote_id: true,
            ..CallingStationIdFormat::default()
        };
        assert_eq!(
            calling_station_id(&agent_only, b"lac1", "ge-0/0/1.100", mac, &line),
            None
        );
    }

    /// `client-authentication-algorithm round-robin` spreads a profile's requests over its
    /// servers, and its `revert-interval` becomes the dead time of the servers it uses.
    #[test]
    fn a_profiles_algorithm_and_revert_interval_reach_the_client() {
        let a = Ipv4Addr::new(127, 0, 0, 11);
        let b = Ipv4Addr::new(127, 0, 0, 12);
        let lines = "\
set access radius-server 127.0.0.11 secret s1
set access radius-server 127.0.0.12 secret s2
set access radius-server 127.0.0.13 secret s3
set access profile p authentication-order radius
set access profile p radius authentication-server [ 127.0.0.11 127.0.0.12 ]
set access profile p radius options client-authentication-algorithm round-robin
set access profile p radius options revert-interval 5
set access profile q authentication-order radius
set access profile q radius authentication-server 127.0.0.13
";
        let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), lines).unwrap();
        let config = schema::typed::router_config(&tree);
        let mut aaa = AaaState::new([1; 32]);
        aaa.configure(&config);
        let profile = &config.access_profiles["p"];
        let servers = authentication_servers(&config, profile);
        let now = Instant::now();
        for (token, expected) in [a, b, a].into_iter().enumerate() {
            let order = aaa.server_order(
                Service::Authentication,
                profile.radius_options.client_authentication_algorithm,
                &servers,
            );
            let mut request = Packet::new(code::ACCESS_REQUEST, 0, [0; 16]);
            request.attributes = vec![
                Attribute::string(attr::USER_NAME, "u"),
                Attribute::string(attr::USER_PASSWORD, "pw"),
            ];
            let purpose = Purpose::Test {
                token: u64::try_from(token).unwrap(),
                started: now,
            };
            assert!(aaa
                .start(now, SessionRef(0), &order, None, request, purpose)
                .is_ok());
            let sent = aaa.client.poll_transmit().expect("sent");
            assert_eq!(sent.to, std::net::SocketAddr::from((expected, 1812)));
        }
        assert_eq!(
            revert_intervals(&config),
            HashMap::from([(a, Duration::from_secs(5)), (b, Duration::from_secs(5))]),
            "q sets none: its server keeps the global revert-interval"
        );
    }
}
