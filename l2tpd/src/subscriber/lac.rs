//! The LAC sequence for every subscriber: PPPoE session → proxy LCP → proxy authentication →
//! domain map → L2TP session → relay, and every way out of it.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use schema::interface_rpc::TrafficStatistics;
use schema::typed::RouterConfig;

use super::aaa::AaaState;
use super::aaa_views::AaaTests;
use super::accounting::Accounting;
use super::decision::{decide, Decision, Refusal};
use super::dynamic_auth::DynamicAuth;
use super::dynamic_profile;
use super::pppoe_access::{AccessEnd, AccessEvent, FrameOut, PppoeAccess, Received, UnitId};
use super::proxy;
use super::session_limits::SessionLimits;
use super::static_pppoe::{StaticPppoeUnits, Take};
use super::table::{AccessLeg, EndCause, Phase, Subscriber, SubscriberId, Subscribers};
use super::termination::{LnsState, LOCAL_SERVICE_INTERFACE};
use super::test_call::TestCalls;
use crate::io::ip_relay::SharedIpRelay;
use crate::io::relay::{RelayCounters, RelayRoute, SharedRelay};
use crate::l2tp::session::{lac_ppp_ended_cause, CdnResult, SessionCounters};
use crate::ppp::fsm;
use crate::ppp::server_link::{
    Credentials, DownReason, EchoConfig, LinkEvent, ServerLink, ServerLinkConfig,
};
use crate::ppp::wire::options::AuthProtocol;
use crate::registry::{interface, Registry, RegistryEvent, SessionEnd};

/// How long a client has to authenticate once LCP is open.
const AUTH_TIMEOUT: Duration = Duration::from_secs(30);
/// Subscribers whose PPP timers are handled in one call; the rest wait for the next turn.
const TIMERS_PER_TURN: usize = 512;

pub struct SubscriberLayer {
    pub access: PppoeAccess,
    pub table: Subscribers,
    out: VecDeque<FrameOut>,
    pub(super) rng: StdRng,
    pub(super) host_name: Vec<u8>,
    next_serial: u32,
    /// The relay's fast path: an entry per Active subscriber, shared with the I/O tasks.
    relay: SharedRelay,
    /// The LNS's side: pools, addresses held, IP on its way to service interfaces.
    pub lns: LnsState,
    /// The LNS's IP fast path: an entry per subscriber whose IPCP is up.
    pub(super) ip_relay: SharedIpRelay,
    /// `test services l2tp tunnel` and the bench's batches (their subscribers are in `table`).
    pub(super) tests: TestCalls,
    /// RADIUS: the client and the requests in flight.
    pub aaa: AaaState,
    /// RADIUS accounting: who is accounted, Interim-Updates, Stops to send again.
    pub accounting: Accounting,
    /// `test aaa ppp` runs waiting for their server.
    pub(super) aaa_tests: AaaTests,
    /// RFC 5176 Disconnect/CoA: the clients and their counters.
    pub dynamic: DynamicAuth,
    /// RADIUS Session-Timeouts.
    pub(super) limits: SessionLimits,
    /// Firewall filters and the instances subscribers hold (`show firewall`).
    pub firewall: crate::firewall::Firewall,
    /// Per interface, the traffic of subscribers that ended: IF-MIB's counters are theirs
    /// plus those of the subscribers there now, so they never go back.
    pub(super) gone_traffic: BTreeMap<String, TrafficStatistics>,
    /// ifIndex numbers of subscriber interfaces with `interface-mib`.
    pub(super) if_indexes: super::if_index_pool::IfIndexPool,
    /// Static `pp0` units and the subscriber each one carries.
    pub(super) static_pppoe: StaticPppoeUnits,
    /// The PPP packets the links received and sent (`show ppp statistics`).
    pub(super) ppp_packets: schema::ppp_rpc::PppPacketCounters,
}

impl SubscriberLayer {
    pub fn new(seed: u64, epoch: Instant) -> Self {
        let mut cookie_rng = StdRng::seed_from_u64(seed ^ 0x5eed_c00c);
        Self {
            access: PppoeAccess::new(epoch, Box::new(move || cookie_rng.random())),
            table: Subscribers::default(),
            out: VecDeque::new(),
            rng: StdRng::seed_from_u64(seed),
            host_name: b"l2tpd".to_vec(),
            next_serial: 1,
            relay: SharedRelay::default(),
            lns: LnsState::default(),
            ip_relay: SharedIpRelay::default(),
            tests: TestCalls::new(1),
            aaa: AaaState::new(StdRng::seed_from_u64(seed ^ 0x00aa_a5ee_d000).random()),
            accounting: Accounting::default(),
            aaa_tests: AaaTests::default(),
            dynamic: DynamicAuth::default(),
            limits: SessionLimits::default(),
            firewall: crate::firewall::Firewall::default(),
            gone_traffic: BTreeMap::new(),
            if_indexes: Default::default(),
            static_pppoe: StaticPppoeUnits::default(),
            ppp_packets: Default::default(),
        }
    }

    pub fn configure(&mut self, now: Instant, config: &RouterConfig, registry: &mut Registry) {
        if let Some(name) = &config.host_name {
            self.host_name = name.as_bytes().to_vec();
        }
        // Before anything this commit ends: their Stops already carry its codes.
        self.accounting.terminate_codes = config.terminate_codes.clone();
        self.access.configure(config);
        for id in self.static_pppoe.configure(config) {
            tracing::info!(
                "subscriber {}: its static pp0 unit was deleted, disabled or changed: logged out",
                id.0
            );
            self.end(now, id, EndCause::Shutdown, registry);
        }
        self.access.settle_idle_vlans(now);
        self.lns
            .pools
            .set_utilization_marks(config.pool_utilization);
        self.lns
            .pools
            .set_linked_pool_aggregation(config.address_policy.linked_pool_aggregation);
        self.lns.pools.configure(&config.address_pools);
        super::termination::log_pool_alarms(&mut self.lns.pools);
        // Junos: an address a pool gave out that this commit excludes is taken back.
        for (address, holder) in self.lns.pools.excluded_holders() {
            tracing::info!(
                "subscriber {holder}: address {address} excluded from its pool, logged out"
            );
            self.end(
                now,
                crate::registry::SessionRef(holder),
                EndCause::AddressReclaimed,
                registry,
            );
        }
        self.aaa.configure(config);
        self.dynamic.configure(config);
        self.firewall.configure(config);
        self.refresh_filters(config);
        self.ip_relay
            .lock()
            .set_answer_rate(config.icmpv4_rate_limit);
        self.drain_access_events(now, config, registry);
    }

    /// The link of `port` went down (its sessions end without PADT) or came back.
    pub fn set_link(
        &mut self,
        now: Instant,
        port: &str,
        up: bool,
        config: &RouterConfig,
        registry: &mut Registry,
    ) {
        self.access.set_link(port, up);
        self.drain_access_events(now, config, registry);
    }

    /// The forwarding table the I/O tasks relay established subscribers' frames with.
    pub fn relay(&self) -> &SharedRelay {
        &self.relay
    }

    /// Adds what the fast path relayed since the last call to the subscribers' and their
    /// sessions' counters: views call it first, so the numbers they show include it.
    pub fn fold_relay_counters(&mut self, registry: &mut Registry) {
        let taken = self.relay.lock().take_counters();
        for (id, relayed) in taken {
            self.count_relayed(id, &relayed, registry);
        }
    }

    pub(super) fn count_relayed(
        &mut self,
        id: SubscriberId,
        relayed: &RelayCounters,
        registry: &mut Registry,
    ) {
        if relayed.is_zero() {
            return;
        }
        // The session's own directions: the LAC sends the subscriber's frames to the LNS;
        // the LNS receives them and sends the subscriber's downstream.
        let mut at_lns = false;
        if let Some(subscriber) = self.table.get_mut(id) {
            at_lns = matches!(subscriber.access, AccessLeg::L2tp { .. });
            subscriber.frames_up += relayed.up_packets;
            // Where PPP ends here the fast path carries IP only.
            if subscriber.terminated {
                subscriber.ip_packets += relayed.up_packets + relayed.down_packets;
                subscriber.ip_packets_in += relayed.up_packets;
            }
            subscriber.bytes_up += relayed.up_bytes;
            subscriber.frames_down += relayed.down_packets;
            subscriber.bytes_down += relayed.down_bytes;
        }
        let (sent, received) = if at_lns {
            (
                (relayed.down_packets, relayed.down_bytes),
                (relayed.up_packets, relayed.up_bytes),
            )
        } else {
            (
                (relayed.up_packets, relayed.up_bytes),
                (relayed.down_packets, relayed.down_bytes),
            )
        };
        registry.add_relayed(
            id,
            &SessionCounters {
                tx_packets: sent.0,
                tx_bytes: sent.1,
                rx_packets: received.0,
                rx_bytes: received.1,
                ..SessionCounters::default()
            },
        );
    }

    /// An Active subscriber's frames take the fast path from now on, when its call allows
    /// (see `Registry::relay_leg`); otherwise they stay on the slow path, still relayed.
    fn install_relay(&mut self, id: SubscriberId, registry: &Registry) {
        let Some(subscriber) = self.table.get(id) else {
            return;
        };
        let Some((unit, session_id)) = subscriber.pppoe_key() else {
            return;
        };
        let (Some(leg), Some(session), Some((port, our_mac))) = (
            registry.relay_leg(id),
            self.access.session(unit, session_id),
            self.access.session_port(unit),
        ) else {
            return;
        };
        self.relay.lock().install(RelayRoute {
            call: id,
            port,
            client: session.client,
            our_mac,
            vlans: session.vlans.clone(),
            pppoe_session: session_id,
            l2tp: leg,
        });
    }

    /// Takes `id` off the fast path, its last relayed frames counted into the subscriber
    /// and its session before either goes. (When the LNS ends the call, the registry has
    /// dropped the session already: only the subscriber's counters get the rest.)
    fn remove_relay(&mut self, id: SubscriberId, registry: &mut Registry) {
        let removed = self.relay.lock().remove(id);
        if let Some(relayed) = removed {
            self.count_relayed(id, &relayed, registry);
        }
    }

    pub fn poll_frame(&mut self) -> Option<FrameOut> {
        self.out.pop_front()
    }

    /// The next PPP timer, discovery timer (a delayed PADO) or RADIUS retransmission.
    pub fn poll_timeout(&self) -> Option<Instant> {
        [
            self.table.next_timeout(),
            self.access.poll_timeout(),
            self.aaa.client.poll_timeout(),
            self.accounting.poll_timeout(),
            self.limits.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    pub fn owns(&self, call: SubscriberId) -> bool {
        self.table.get(call).is_some()
    }

    /// One frame received on `port`.
    pub fn handle_frame(
        &mut self,
        now: Instant,
        port: &str,
        bytes: &[u8],
        config: &RouterConfig,
        registry: &mut Registry,
    ) {
        let mut replies = Vec::new();
        match self.access.handle_frame(port, bytes, now, &mut replies) {
            Received::NoUnit => self.access.count_dropped(port, &Received::NoUnit),
            Received::VlanUnauthorized => {
                self.access.count_dropped(port, &Received::VlanUnauthorized);
            }
            Received::Consumed => {}
            Received::Ppp(session) => {
                let (unit, session_id) = (session.unit, session.session_id);
                self.frame_from_subscriber(now, unit, session_id, session.ppp, config, registry);
            }
        }
        self.out.extend(replies);
        self.drain_access_events(now, config, registry);
    }

    /// A PPP frame from the subscriber: relayed once the LNS has it, negotiated before.
    fn frame_from_subscriber(
        &mut self,
        now: Instant,
        unit: UnitId,
        session_id: u16,
        ppp: &[u8],
        config: &RouterConfig,
        registry: &mut Registry,
    ) {
        let Some(id) = self.table.by_pppoe(unit, session_id) else {
            self.table.orphan_frames += 1;
            return;
        };
        let Some(subscriber) = self.table.get_mut(id) else {
            return;
        };
        if subscriber.terminated {
            return self.terminated_frame(now, id, ppp, config, registry);
        }
        if subscriber.phase == Phase::Active {
            if registry.send_frame(id, ppp).is_ok() {
                subscriber.frames_up += 1;
                subscriber.bytes_up += ppp.len() as u64;
            }
            return;
        }
        if let Some(link) = subscriber.link.as_mut() {
            super::ppp_views::count_frame(&mut self.ppp_packets, ppp, true);
            link.handle_frame(ppp, now);
        }
        self.run_link(now, id, config, registry);
    }

    /// A PPP frame to the subscriber, by its access leg: its PPPoE session, or at the LNS
    /// the L2TP session at whose far end it is.
    pub(super) fn send_to_client(
        &mut self,
        id: SubscriberId,
        frame: &[u8],
        registry: &mut Registry,
    ) {
        let Some(subscriber) = self.table.get(id) else {
            return;
        };
        match subscriber.pppoe_key() {
            Some((unit, session_id)) => {
                if let Some(out) = self.access.session_frame(unit, session_id, frame) {
                    self.out.push_back(out);
                }
            }
            None => {
                if let Err(e) = registry.send_frame(id, frame) {
                    tracing::debug!("PPP frame for LNS session {} not sent: {e}", id.0);
                }
            }
        }
    }

    /// Sends what the subscriber's PPP queued and acts on its events.
    pub(super) fn run_link(
        &mut self,
        now: Instant,
        id: SubscriberId,
        config: &RouterConfig,
        registry: &mut Registry,
    ) {
        loop {
            let Some(subscriber) = self.table.get_mut(id) else {
                return;
            };
            let pppoe = subscriber.pppoe_key();
            let Some(link) = subscriber.link.as_mut() else {
                break;
            };
            let mut frames = Vec::new();
            while let Some(frame) = link.poll_transmit() {
                frames.push(frame);
            }
            let event = link.poll_event();
            for frame in frames {
                super::ppp_views::count_frame(&mut self.ppp_packets, &frame, false);
                self.send_to_client(id, &frame, registry);
            }
            let Some(event) = event else {
                break;
            };
            match event {
                LinkEvent::LcpUp => {
                    if let Some(s) = self.table.get_mut(id) {
                        s.phase = Phase::Authenticating;
                        s.mru = s.link.as_ref().and_then(|l| l.negotiated().peer_mru);
                    }
                }
                LinkEvent::Credentials(credentials) if pppoe.is_none() => {
                    self.check_credentials(now, id, credentials, config, registry);
                }
                LinkEvent::Credentials(credentials) => {
                    self.authenticated(now, id, credentials, config, registry);
                }
                LinkEvent::NetworkUp { peer } => {
                    self.network_up(now, id, peer, registry);
                    self.accounting_start(now, id, config, registry);
                    self.start_idle_watch(now, id, config);
                }
                LinkEvent::Down(reason) => {
                    let known = self.table.get(id).and_then(|s| s.end_cause);
                    let cause = known.unwrap_or(match reason {
                        DownReason::PeerTerminated => EndCause::ClientTerminate,
                        DownReason::AuthTimeout => EndCause::AuthenticationTimeout,
                        DownReason::AuthFailed => EndCause::Refused,
                        DownReason::LowerLayerDown => EndCause::LinkDown,
                        DownReason::Closed => match self.table.get(id).map(|s| s.phase) {
                            Some(Phase::Terminating) => EndCause::Refused,
                            _ => EndCause::Cleared,
                        },
                        DownReason::EchoTimeout
                        | DownReason::LoopbackDetected
                        | DownReason::NegotiationTimeout
                        | DownReason::NegotiationFailed => EndCause::NegotiationFailed,
                    });
                    self.end(now, id, cause, registry);
                    return;
                }
            }
        }
        self.table.reschedule(id);
    }

    /// The client gave its credentials: RADIUS first when the subscriber's access profile
    /// says so (its answer may decide the tunnel), else the domain map decides.
    fn authenticated(
        &mut self,
        now: Instant,
        id: SubscriberId,
        credentials: Credentials,
        config: &RouterConfig,
        registry: &mut Registry,
    ) {
        let kind = match &credentials {
            Credentials::Pap { .. } => "pap",
            Credentials::Chap { .. } => "chap",
        };
        let user = super::local_auth::user_name(&credentials);
        let Some(subscriber) = self.table.get_mut(id) else {
            return;
        };
        subscriber.user = Some(user.clone());
        subscriber.authentication = Some(kind);
        if self.ask_radius_at_the_lac(now, id, &credentials, config) {
            return;
        }
        self.decide_by_domain_map(now, id, credentials, 0, config, registry);
    }

    /// The domain map decides: tunnel, terminate here, or refuse. A subscriber terminated
    /// here is authenticated from the `auth_from`-th method of its profile on (past RADIUS
    /// when RADIUS was asked and did not answer).
    pub(super) fn decide_by_domain_map(
        &mut self,
        now: Instant,
        id: SubscriberId,
        credentials: Credentials,
        auth_from: usize,
        config: &RouterConfig,
        registry: &mut Registry,
    ) {
        let Some(user) = self.table.get(id).and_then(|s| s.user.clone()) else {
            return;
        };
        let refusal = match decide(config, &user) {
            Decision::Refuse(why) => why,
            Decision::Terminate { access_profile } => {
                if let Some(subscriber) = self.table.get_mut(id) {
                    subscriber.terminated = true;
                    subscriber.aaa_profile = access_profile;
                    subscriber.service = Some(Arc::from(LOCAL_SERVICE_INTERFACE));
                }
                tracing::info!("subscriber {user}: terminated on this router");
                return self.authenticate_from(now, id, credentials, auth_from, config, registry);
            }
            Decision::Tunnel { profile } => match config.tunnel_profiles.get(&profile) {
                None => Refusal::UnknownTunnelProfile,
                // Junos builds the PPPoE subscriber's profile whether or not it is tunnelled.
                Some(_) if !self.profile_network_step(now, id, config) => return,
                Some(spec) => {
                    match self.tunnel(now, id, (&profile, spec), &credentials, config, registry) {
                        Ok(()) => return,
                        Err(why) => why,
                    }
                }
            },
        };
        tracing::info!("subscriber {user} refused: {}", refusal.text());
        self.refuse(now, id, refusal);
    }

    /// Opens the subscriber's L2TP session through `spec` (the configured profile `name`, or
    /// one RADIUS changed), with the proxy LCP and authentication for the LNS, and the
    /// Calling Number `config`'s access profile makes ([`super::aaa::lac_calling_number`]).
    pub(super) fn tunnel(
        &mut self,
        now: Instant,
        id: SubscriberId,
        (name, spec): (&str, &schema::typed::TunnelProfile),
        credentials: &Credentials,
        config: &RouterConfig,
        registry: &mut Registry,
    ) -> Result<(), Refusal> {
        let serial = self.next_serial;
        self.next_serial = self.next_serial.wrapping_add(1).max(1);
        let Some(subscriber) = self.table.get_mut(id) else {
            return Ok(());
        };
        let user = subscriber.user.clone().unwrap_or_default();
        let Some(link) = subscriber.link.as_mut() else {
            return Ok(());
        };
        let AccessLeg::Pppoe {
            underlying,
            mac,
            line,
            ..
        } = &subscriber.access
        else {
            return Ok(());
        };
        let calling =
            super::aaa::lac_calling_number(config, &self.host_name, &user, underlying, *mac, line);
        let call = proxy::pppoe_call(serial, &link.proxy_lcp(), credentials, calling, line);
        match registry.open_reserved_session(now, id, name, spec, call) {
            Ok(()) => {
                // From here on the LNS answers the client: the LAC relays.
                link.hand_over();
                subscriber.phase = Phase::Tunnelling;
                subscriber.profile = Some(name.to_string());
                tracing::info!("subscriber {user}: tunnelled through tunnel profile {name}");
                self.table.reschedule(id);
                Ok(())
            }
            Err(no_tunnel) => {
                tracing::info!("subscriber {user}: {no_tunnel}");
                Err(Refusal::NoTunnel)
            }
        }
    }

    /// Answers the client's authentication with a failure; LCP then terminates the link and
    /// the subscriber ends (`EndCause::Refused`). Only `run_link` gets here (through
    /// `authenticated`): its next round sends the failure and the Terminate-Request.
    pub(super) fn refuse(&mut self, now: Instant, id: SubscriberId, why: Refusal) {
        self.table.refused(why);
        if let Some(subscriber) = self.table.get_mut(id) {
            subscriber.phase = Phase::Terminating;
            if let Some(link) = subscriber.link.as_mut() {
                link.auth_failure(why.text().as_bytes(), now);
            }
        }
    }

    /// Ends a subscriber on both sides: PADT to the client (if its session is still there),
    /// CDN to the LNS with PPP disconnect cause 0 (if a call exists).
    pub fn end(
        &mut self,
        now: Instant,
        id: SubscriberId,
        cause: EndCause,
        registry: &mut Registry,
    ) {
        self.remove_relay(id, registry);
        self.remove_ip_route(id, registry);
        self.aaa.forget(id);
        self.limits.remove(id);
        let Some(subscriber) = self.table.remove(id, cause) else {
            return;
        };
        self.release_filters(&subscriber);
        self.accounting_stop(now, &subscriber, cause);
        if subscriber.is_test_call() {
            return self.test_call_ended(subscriber);
        }
        self.interface_gone(now, &subscriber);
        let Some((unit, session_id)) = subscriber.pppoe_key() else {
            self.lns_end(now, &subscriber, cause, registry);
            return;
        };
        if let Some(static_unit) = subscriber.static_unit {
            self.static_pppoe.release(static_unit, id);
        }
        self.access.count_gone(unit, &subscriber.traffic());
        if let Some(padt) = self.access.terminate(unit, session_id, now) {
            self.out.push_back(padt);
        }
        if subscriber.terminated {
            self.release_address(&subscriber);
        } else if matches!(subscriber.phase, Phase::Tunnelling | Phase::Active) {
            let result = match cause {
                EndCause::Cleared => CdnResult::administrative("cleared by operator"),
                EndCause::AaaDisconnect => CdnResult::administrative("RADIUS Disconnect-Request"),
                EndCause::AddressReclaimed => CdnResult::administrative("address reclaimed"),
                EndCause::SessionTimeout => CdnResult::administrative("session timeout"),
                EndCause::IdleTimeout => CdnResult::administrative("idle timeout"),
                _ => CdnResult::lost_carrier(),
            };
            registry.close_session(now, id, result, Some(lac_ppp_ended_cause()));
        }
    }

    /// PPP and discovery timers due now.
    pub fn handle_timeout(&mut self, now: Instant, config: &RouterConfig, registry: &mut Registry) {
        let mut frames = Vec::new();
        self.access.handle_timeout(now, &mut frames);
        self.out.extend(frames);
        if self.accounting.poll_timeout().is_some_and(|t| t <= now) {
            self.accounting_timers(now);
        }
        if self.limits.poll_timeout().is_some_and(|t| t <= now) {
            self.session_timeouts(now, registry);
        }
        if self.aaa.client.poll_timeout().is_some_and(|t| t <= now) {
            self.aaa.client.handle_timeout(now);
            self.drain_aaa(now, config, registry);
        }
        for id in self.table.due(now, TIMERS_PER_TURN) {
            if self.table.get(id).is_some_and(|s| s.is_test_call()) {
                self.test_call_timeout(now, id, registry);
                continue;
            }
            if let Some(link) = self.table.get_mut(id).and_then(|s| s.link.as_mut()) {
                link.handle_timeout(now);
            }
            self.run_link(now, id, config, registry);
        }
    }

    /// A registry event about one of our subscribers' calls; `false` when it is not ours.
    pub fn registry_event(
        &mut self,
        now: Instant,
        event: &RegistryEvent,
        config: &RouterConfig,
        registry: &mut Registry,
    ) -> bool {
        if self.test_call_event(now, event, registry) {
            return true;
        }
        match event {
            RegistryEvent::SessionUp { session, proxy, .. } => {
                if let Some(call) = registry.lns_call(*session) {
                    self.lns_session_up(now, *session, call, proxy, config, registry);
                    return true;
                }
                let Some(subscriber) = self.table.get_mut(*session) else {
                    return false;
                };
                subscriber.phase = Phase::Active;
                // The LNS runs the client's PPP from now on; nothing of ours remains.
                subscriber.link = None;
                self.table.reschedule(*session);
                self.install_relay(*session, registry);
                self.accounting_start(now, *session, config, registry);
                self.start_idle_watch(now, *session, config);
                true
            }
            RegistryEvent::SessionDown { session, end, .. } => {
                if !self.owns(*session) {
                    return false;
                }
                let lns = self.table.get(*session).is_some_and(|s| s.is_lns());
                // Why we were already ending it (a refused password) says more than the
                // LAC's CDN that crossed our Terminate-Request.
                let known = self.table.get(*session).and_then(|s| s.end_cause);
                let cause = known.unwrap_or(match end {
                    SessionEnd::Disconnected { by_peer: false, .. } => EndCause::Cleared,
                    _ if lns => EndCause::Lac,
                    SessionEnd::NoTunnel => {
                        self.table.refused(Refusal::NoTunnel);
                        EndCause::Refused
                    }
                    _ => EndCause::Lns,
                });
                // The call is already gone: only the client is told (PADT).
                if let Some(s) = self.table.get_mut(*session) {
                    s.phase = Phase::Terminating;
                }
                self.end(now, *session, cause, registry);
                true
            }
            RegistryEvent::Frame { session, frame } => {
                let Some(subscriber) = self.table.get_mut(*session) else {
                    return false;
                };
                let Some((unit, session_id)) = subscriber.pppoe_key() else {
                    self.terminated_frame(now, *session, frame, config, registry);
                    return true;
                };
                subscriber.frames_down += 1;
                subscriber.bytes_down += frame.len() as u64;
                if let Some(out) = self.access.session_frame(unit, session_id, frame) {
                    self.out.push_back(out);
                }
                // The LNS began sequencing (RFC 2661 §5.4: the LAC follows its S bit): our
                // frames must carry Ns now, which only the session counts.
                let relayed = self.relay.lock().contains(*session);
                if relayed && registry.relay_leg(*session).is_none() {
                    self.remove_relay(*session, registry);
                }
                true
            }
            RegistryEvent::StaticUnitUnavailable {
                interface_disabled, ..
            } => {
                self.table.refused(if *interface_disabled {
                    Refusal::InterfaceDisabled
                } else {
                    Refusal::NoStaticInterface
                });
                true
            }
            RegistryEvent::TunnelUp { .. } | RegistryEvent::TunnelDown { .. } => false,
        }
    }

    fn drain_access_events(
        &mut self,
        now: Instant,
        config: &RouterConfig,
        registry: &mut Registry,
    ) {
        while let Some(event) = self.access.poll_event() {
            match event {
                AccessEvent::SessionUp { unit, session_id } => {
                    self.start_subscriber(now, unit, session_id, config, registry)
                }
                AccessEvent::SessionDown {
                    unit,
                    session_id,
                    reason,
                } => {
                    let Some(id) = self.table.by_pppoe(unit, session_id) else {
                        continue;
                    };
                    let cause = match reason {
                        AccessEnd::ClientPadt => EndCause::ClientPadt,
                        AccessEnd::LinkDown => EndCause::LinkDown,
                        AccessEnd::Deconfigured => EndCause::Shutdown,
                    };
                    self.end(now, id, cause, registry);
                }
                AccessEvent::VlanAuthentication(request) => {
                    self.authenticate_vlan(now, request, config)
                }
            }
        }
    }

    /// Discovery replies to send (a PADO for the PADI an accepted VLAN held).
    pub(super) fn queue_frames(&mut self, frames: Vec<FrameOut>) {
        self.out.extend(frames);
    }

    /// A PPPoE session was granted: the subscriber begins, and LCP with it.
    fn start_subscriber(
        &mut self,
        now: Instant,
        unit: UnitId,
        session_id: u16,
        config: &RouterConfig,
        registry: &mut Registry,
    ) {
        let Some(session) = self.access.session(unit, session_id) else {
            return;
        };
        let access = AccessLeg::Pppoe {
            unit,
            session_id,
            mac: session.client.0,
            vlans: session.vlans.iter().map(|v| v.vid()).collect(),
            tpids: session.vlans.iter().map(|v| v.tpid).collect(),
            underlying: self.access.unit_name(unit).unwrap_or_default(),
            line: session.access_line.clone(),
        };
        let id = registry.reserve_call_ref();
        // A static pp0 unit of the underlying unit, if it has any; else the dynamic profile.
        let underlying = self.access.unit_name(unit).unwrap_or_default();
        let static_unit = match self.static_pppoe.take(&underlying, id) {
            Take::NotStatic => None,
            Take::Held(number) => Some(number),
            Take::Busy => {
                self.table.refused(Refusal::NoStaticInterface);
                if let Some(padt) = self.access.terminate(unit, session_id, now) {
                    self.out.push_back(padt);
                }
                return;
            }
        };
        let profile = match static_unit {
            Some(number) => self.static_pppoe.instance(config, number),
            None => self
                .access
                .dynamic_profile(unit, &session.service_name)
                .and_then(|name| self.pppoe_profile(id, &name, &access, config)),
        };
        // The profile's `ppp-options mru`, within the session's payload.
        let mru =
            super::ppp_sizes::own_mru(profile.as_ref().and_then(|p| p.mru), session.max_payload);
        let link = ServerLink::new(ServerLinkConfig {
            fsm: fsm::Config::default(),
            mru,
            magic: self.rng.random_range(1..=u32::MAX),
            // CHAP first, as Junos' `ppp-options { chap; pap; }`, unless the dynamic profile
            // says otherwise; a client that cannot do CHAP Naks it with PAP.
            authentication: profile
                .as_ref()
                .and_then(|p| p.authentication.clone())
                .unwrap_or_else(|| vec![AuthProtocol::ChapMd5, AuthProtocol::Pap]),
            // Keepalives only when the dynamic profile (or static unit) asks: a tunnelled
            // subscriber's link is handed over (its timers stop) and the LNS keeps it alive.
            // A static unit's `keepalives down-count` is the echoes it may leave unanswered.
            echo: profile.as_ref().and_then(|p| {
                let interval = p.keepalive.filter(|k| !k.is_zero())?;
                Some(EchoConfig {
                    interval,
                    max_failures: p
                        .keepalive_failures
                        .unwrap_or(super::lns::KEEPALIVE_FAILURES),
                })
            }),
            auth_timeout: AUTH_TIMEOUT,
            chap_challenge: super::chap_challenge::challenge(
                &mut self.rng,
                profile.as_ref().and_then(|p| p.chap_challenge_length),
            ),
            name: self.host_name.clone(),
            // The LAC hands the link over before any NCP: LCP and authentication have
            // their own bounds.
            negotiation_timeout: None,
        });
        let mut subscriber = Subscriber::new(id, access, link, now);
        if let Some(profile) = profile {
            subscriber.mtu = profile.mtu;
            subscriber.if_index = self.if_index_for(now, &profile);
            subscriber.routing_instance = profile.routing_instance;
            if static_unit.is_some() {
                // A static unit's network part is the configuration's, known now.
                subscriber.local_address = profile.local_address;
                subscriber.unit_peer_address = profile.peer_address;
                subscriber.ipcp_suggest_dns = profile.ipcp_suggest_dns;
            } else {
                subscriber.dynamic_profile = Some(profile.profile);
            }
        }
        subscriber.static_unit = static_unit;
        if let Some(link) = subscriber.link.as_mut() {
            link.start(now);
        }
        self.table.insert(subscriber);
        self.run_link(now, id, config, registry);
    }

    /// The PPPoE session's dynamic profile `name`, built for this subscriber; a profile
    /// that cannot be built for it is logged and the subscriber comes up without it.
    fn pppoe_profile(
        &self,
        id: SubscriberId,
        name: &str,
        access: &AccessLeg,
        config: &RouterConfig,
    ) -> Option<dynamic_profile::Instance> {
        let AccessLeg::Pppoe {
            vlans, underlying, ..
        } = access
        else {
            return None;
        };
        let facts = dynamic_profile::SubscriberFacts {
            ifd: interface::LAC_DEVICE,
            unit: interface::unit(id),
            underlying: Some(underlying),
            vlans,
            ..Default::default()
        };
        dynamic_profile::instantiate(config, name, &facts)
            .map_err(|why| tracing::warn!("PPPoE subscriber {}: {why}", id.0))
            .ok()
    }

    /// `clear pppoe sessions [pp0.N]`: every subscriber `select` takes ends as if the client
    /// had left (PADT to it, CDN to the LNS). Returns how many.
    pub fn clear(
        &mut self,
        now: Instant,
        select: impl Fn(&Subscriber) -> bool,
        registry: &mut Registry,
    ) -> usize {
        let ids: Vec<SubscriberId> = self
            .table
            .iter()
            .filter(|s| select(s))
            .map(|s| s.id)
            .collect();
        for id in &ids {
            self.end(now, *id, EndCause::Cleared, registry);
        }
        ids.len()
    }

    /// The daemon stops: every subscriber gets its PADT (the registry's shutdown sends the
    /// StopCCNs that end the calls).
    pub fn shutdown(&mut self, now: Instant, registry: &mut Registry) {
        for id in self.table.ids() {
            self.end(now, id, EndCause::Shutdown, registry);
        }
        self.abandon_batches();
    }
}

#[cfg(test)]
#[path = "lac_timer_tests.rs"]
mod timer_tests;
