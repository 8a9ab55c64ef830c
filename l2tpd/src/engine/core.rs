//! The engine's state without sockets: the registry, the subscriber layer (PPPoE at the LAC,
//! PPP termination at the LNS) and the running `test services l2tp tunnel` calls. Time comes in as a parameter; datagrams to send
//! leave through `poll_transmit`. The async task in `task` feeds it.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use schema::mgmt::{TunnelTestReport, TunnelTestState};
use schema::typed::RouterConfig;

use super::batch::{BatchOutcome, Batches};
use super::rpc::{self, Answer, Clears, L2tpRpc, RpcOutcome};
use super::service_ifaces::ServiceInterfaceSpec;
use super::subscriber_rpc::SubscriberRpc;
use super::{echo, subscriber};
use crate::io::ip_relay::SharedIpRelay;
use crate::io::relay::SharedRelay;
use crate::l2tp::session::CdnResult;
use crate::registry::{Registry, RegistryEvent, SessionEnd, SessionRef, Transmit};
use crate::subscriber::pppoe_access::{FrameOut, PortFacts};
use crate::subscriber::SubscriberLayer;
use schema::mgmt::Reply;

/// How long a test may take from the call to the echo reply.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a test waits for an LCP echo reply before it sends the request again. Data
/// messages are not retransmitted by L2TP: the first request may be lost, or overtake the
/// ICCN and reach an LNS whose session is not up yet; PPP keepalives retry the same way.
pub const ECHO_RESEND: Duration = Duration::from_secs(1);

/// What a test subscriber asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TunnelTest {
    pub user: String,
    pub password: String,
    pub tunnel_name: String,
}

/// A test's answer: a report, or a sentence when the test could not start.
pub type TestOutcome = Result<TunnelTestReport, String>;

#[derive(Debug)]
enum Phase {
    /// Waiting for the session; `tunnel` is where the call currently waits, and
    /// `tunnel_failure` why the last tunnel it waited on went down.
    Establishing {
        tunnel: Option<u16>,
        tunnel_failure: Option<String>,
    },
    /// Up; the Echo-Request with `identifier` first left at `sent` (the round trip is
    /// reported from there, resends included), and goes again at `resend_at`. The peer's
    /// IDs are kept from the moment the session came up, so a report can still name them
    /// after the peer has cleared the session (xl2tpd does within milliseconds when its
    /// pppd fails).
    Echo {
        tunnel_id: u16,
        session_id: u16,
        remote_tunnel_id: Option<u16>,
        remote_session_id: Option<u16>,
        identifier: u8,
        sent: Instant,
        resend_at: Instant,
    },
}

#[derive(Debug)]
struct RunningTest {
    reply: mpsc::Sender<TestOutcome>,
    deadline: Instant,
    phase: Phase,
    /// The test subscriber's Magic-Number (its proxy LCP's): its Echo-Requests carry it.
    /// The LAC's own would look like a looped-back link to the LNS, whose LCP has it.
    magic: u32,
}

pub struct Core {
    registry: Registry,
    config: Arc<RouterConfig>,
    tests: HashMap<SessionRef, RunningTest>,
    next_serial: u32,
    next_identifier: u8,
    /// Our side's LCP magic number for test subscribers' proxy LCP and echoes.
    magic: u32,
    /// Test sessions opened and closed in batches by the bench.
    batches: Batches,
    /// Closing clears (`clear services l2tp …`) still running.
    clears: Clears,
    /// PPPoE subscribers and their LAC sequence.
    subscribers: SubscriberLayer,
}

impl Core {
    /// `seed` fixes every random choice (tests, transcripts); `None` takes the operating
    /// system's entropy.
    pub fn new(config: &Arc<RouterConfig>, seed: Option<u64>) -> Self {
        let (registry, magic_source) = match seed {
            Some(seed) => (Registry::new(Arc::clone(config), seed), seed),
            None => (
                Registry::from_os_entropy(Arc::clone(config)),
                rand::random(),
            ),
        };
        let mut registry = registry;
        let mut subscribers = SubscriberLayer::new(
            seed.map_or_else(rand::random, |s| s ^ 0x5ab5),
            Instant::now(),
        );
        subscribers.configure(Instant::now(), config, &mut registry);
        Self {
            registry,
            config: Arc::clone(config),
            tests: HashMap::new(),
            next_serial: 1,
            next_identifier: 1,
            // Never zero: zero means "no magic number negotiated" (RFC 1661 §6.4).
            magic: u32::try_from(magic_source % u64::from(u32::MAX))
                .unwrap_or(1)
                .max(1),
            batches: Batches::default(),
            clears: Clears::default(),
            subscribers,
        }
    }

    /// Read access for the SNMP snapshot and poller (they run on the engine task).
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn apply_config(&mut self, now: Instant, config: &Arc<RouterConfig>) {
        self.registry.apply_config(now, config);
        self.subscribers.configure(now, config, &mut self.registry);
        self.config = Arc::clone(config);
        self.process(now);
    }

    pub fn handle_datagram(
        &mut self,
        now: Instant,
        local: Ipv4Addr,
        peer: SocketAddr,
        bytes: &[u8],
    ) {
        self.registry.handle_datagram(now, local, peer, bytes);
        self.process(now);
    }

    /// A frame received on the PPPoE port `port` (a host interface, or the lab's link).
    pub fn handle_frame(&mut self, now: Instant, port: &str, bytes: &[u8]) {
        self.subscribers
            .handle_frame(now, port, bytes, &self.config, &mut self.registry);
        self.process(now);
    }

    /// The engine opened PPPoE port `port`: its units start discovery.
    pub fn attach_port(&mut self, port: &str, facts: PortFacts, up: bool) {
        self.subscribers.access.attach(port, facts, up);
    }

    /// The link of PPPoE port `port` went down or came back.
    pub fn port_link(&mut self, now: Instant, port: &str, up: bool) {
        self.subscribers
            .set_link(now, port, up, &self.config, &mut self.registry);
        self.process(now);
    }

    /// Frames the kernel dropped on PPPoE port `port` (`show pppoe statistics`).
    pub fn port_kernel_drops(&mut self, port: &str, count: u64) {
        self.subscribers.access.add_kernel_drops(port, count);
    }

    /// A frame to send on a PPPoE port.
    pub fn poll_frame(&mut self) -> Option<FrameOut> {
        self.subscribers.poll_frame()
    }

    /// Ends `call` from this side (a CDN), as an LNS whose subscriber logged out would.
    #[cfg(test)]
    pub fn close_session_for_test(&mut self, now: Instant, call: SessionRef) {
        self.registry
            .close_session(now, call, CdnResult::new(2, 0, "test"), None);
        self.process(now);
    }

    /// IP packets service interface `_service` received that the I/O shell's table did not
    /// take (the subscriber is found by destination, whichever interface it arrived on).
    pub fn handle_ip_packets(&mut self, now: Instant, _service: &str, packets: &[Vec<u8>]) {
        self.subscribers
            .handle_ip_packets(packets, &mut self.registry);
        self.process(now);
    }

    /// An LNS subscriber's IP packet for its service interface.
    pub fn poll_ip_packet(&mut self) -> Option<(Arc<str>, Vec<u8>)> {
        self.subscribers.poll_ip_packet()
    }

    /// The relay's forwarding table, for the I/O tasks' fast path.
    pub fn relay(&self) -> SharedRelay {
        self.subscribers.relay().clone()
    }

    /// Adds the fast path's counts to the sessions' and subscribers' counters; every view
    /// (shows, SNMP) runs after it, so no relayed frame is missing from what they show.
    pub fn fold_relay_counters(&mut self) {
        self.subscribers.fold_relay_counters(&mut self.registry);
    }

    /// The subscriber layer, for tests that look inside.
    #[cfg(test)]
    pub fn subscribers(&self) -> &SubscriberLayer {
        &self.subscribers
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        if self.registry.poll_timeout().is_some_and(|t| t <= now) {
            self.registry.handle_timeout(now);
        }
        if self.subscribers.poll_timeout().is_some_and(|t| t <= now) {
            self.subscribers
                .handle_timeout(now, &self.config, &mut self.registry);
        }
        let expired: Vec<SessionRef> = self
            .tests
            .iter()
            .filter(|(_, t)| t.deadline <= now)
            .map(|(call, _)| *call)
            .collect();
        for call in expired {
            self.expire(now, call);
        }
        self.resend_echoes(now);
        self.process(now);
    }

    /// Sends the Echo-Request again for every test still waiting for its reply.
    fn resend_echoes(&mut self, now: Instant) {
        let mut due = Vec::new();
        for (call, test) in &mut self.tests {
            if let Phase::Echo {
                identifier,
                resend_at,
                ..
            } = &mut test.phase
            {
                if *resend_at <= now {
                    *resend_at = now + ECHO_RESEND;
                    due.push((*call, *identifier, test.magic));
                }
            }
        }
        for (call, identifier, magic) in due {
            let request = echo::build(false, identifier, magic, b"l2tpd test", true);
            if let Err(e) = self.registry.send_frame(call, &request) {
                tracing::debug!("LCP echo request not sent again: {e}");
            }
        }
    }

    /// The earliest instant `handle_timeout` has work.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let tests = self
            .tests
            .values()
            .map(|t| match t.phase {
                Phase::Echo { resend_at, .. } => t.deadline.min(resend_at),
                Phase::Establishing { .. } => t.deadline,
            })
            .min();
        [
            self.registry.poll_timeout(),
            tests,
            self.batches.deadline(),
            self.subscribers.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.registry.poll_transmit()
    }

    /// Stops every tunnel (StopCCN) and fails the tests still running.
    pub fn shutdown(&mut self, now: Instant) {
        for (_, test) in self.tests.drain() {
            let _ = test.reply.send(Err("the L2TP engine is stopping".into()));
        }
        self.batches.abandon();
        self.clears.abandon();
        self.subscribers.shutdown(now, &mut self.registry);
        self.registry.shutdown(now);
        while self.registry.poll_event().is_some() {}
    }

    /// Opens a test session; the outcome is sent on `reply` once known (at the latest
    /// `TEST_TIMEOUT` from `now`).
    pub fn start_test(
        &mut self,
        now: Instant,
        test: &TunnelTest,
        reply: mpsc::Sender<TestOutcome>,
    ) {
        let Some(profile) = self.config.tunnel_profiles.get(&test.tunnel_name) else {
            let _ = reply.send(Err(format!(
                "tunnel profile {} is not configured",
                test.tunnel_name
            )));
            return;
        };
        let serial = self.next_serial;
        self.next_serial = self.next_serial.wrapping_add(1).max(1);
        let subscriber_magic = self.magic.rotate_left(serial % 32) ^ serial;
        let call = subscriber::test_call(
            serial,
            &test.user,
            &test.password,
            (subscriber_magic, self.magic),
        );
        let profile = profile.clone();
        match self
            .registry
            .open_session(now, &test.tunnel_name, &profile, call)
        {
            Ok(call) => {
                let tunnel = self.registry.locate_call(call).map(|(t, _)| t);
                self.tests.insert(
                    call,
                    RunningTest {
                        reply,
                        deadline: now + TEST_TIMEOUT,
                        magic: subscriber_magic,
                        phase: Phase::Establishing {
                            tunnel,
                            tunnel_failure: None,
                        },
                    },
                );
            }
            Err(no_tunnel) => {
                tracing::info!(
                    "test call on tunnel profile {}: {no_tunnel}",
                    test.tunnel_name
                );
                let _ = reply.send(Ok(failed_report(None, no_tunnel.to_string())));
            }
        }
        self.process(now);
    }

    /// Opens `count` test sessions through tunnel profile `profile_name` at once; the
    /// batch's report is sent on `reply` once every session is up and acknowledged, or at
    /// `now + timeout`.
    pub fn open_batch(
        &mut self,
        now: Instant,
        profile_name: &str,
        count: usize,
        timeout: Duration,
        reply: mpsc::Sender<BatchOutcome>,
    ) {
        let Some(profile) = self.config.tunnel_profiles.get(profile_name) else {
            let _ = reply.send(Err(format!(
                "tunnel profile {profile_name} is not configured"
            )));
            return;
        };
        let profile = profile.clone();
        self.batches.open(
            now,
            &mut self.registry,
            profile_name,
            &profile,
            count,
            self.magic,
            timeout,
            reply,
        );
        self.process(now);
    }

    /// Ends every batch test session; reported like `open_batch`.
    pub fn close_batch(
        &mut self,
        now: Instant,
        timeout: Duration,
        reply: mpsc::Sender<BatchOutcome>,
    ) {
        self.batches.close(now, &mut self.registry, timeout, reply);
        self.process(now);
    }

    /// An L2TP operational RPC. Shows and statistics clears are answered at once; a closing
    /// clear is answered once [`Core::continue_clears`] has run its last step.
    pub fn l2tp_rpc(&mut self, now: Instant, rpc: L2tpRpc, reply: mpsc::Sender<RpcOutcome>) {
        self.fold_relay_counters();
        if let L2tpRpc::Subscriber(rpc) = rpc {
            let _ = reply.send(self.subscriber_rpc(now, rpc));
            self.process(now);
            return;
        }
        match rpc::answer(&mut self.registry, now, rpc) {
            Answer::Now(outcome) => {
                let _ = reply.send(outcome);
            }
            Answer::Clear(job) => self.clears.push(job, reply),
        }
        self.process(now);
    }

    /// `show subscribers`, `show pppoe …`, `clear pppoe …`.
    fn subscriber_rpc(&mut self, now: Instant, rpc: SubscriberRpc) -> RpcOutcome {
        let layer = &mut self.subscribers;
        Ok(match rpc {
            SubscriberRpc::Subscribers(show) => {
                Reply::Subscribers(layer.show_subscribers(&self.registry, &show)?)
            }
            SubscriberRpc::PppoeInterfaces(select) => {
                Reply::PppoeInterfaces(layer.show_pppoe_interfaces(now, &select)?)
            }
            SubscriberRpc::PppoeStatistics(select) => {
                Reply::PppoeStatistics(layer.show_pppoe_statistics(&select)?)
            }
            SubscriberRpc::PppoeServiceNameTables => {
                Reply::PppoeServiceNameTables(layer.show_service_name_tables(&self.config))
            }
            SubscriberRpc::AddressPools(select) => {
                Reply::AddressPools(layer.lns.pools.view(select.name.as_deref()))
            }
            SubscriberRpc::ClearPppoeSessions(select) => {
                Reply::PppoeCleared(layer.clear_pppoe_sessions(now, &select, &mut self.registry)?)
            }
            SubscriberRpc::ClearPppoeStatistics(select) => {
                Reply::PppoeCleared(layer.clear_pppoe_statistics(&select)?)
            }
            SubscriberRpc::Interfaces(show) => {
                layer.fold_ip_counters(&mut self.registry);
                Reply::Interfaces(layer.show_interfaces(
                    now,
                    &self.registry,
                    &self.config,
                    &show,
                )?)
            }
            SubscriberRpc::Logout(target) => Reply::SubscribersLoggedOut(
                layer.logout_subscribers(now, &target, &mut self.registry)?,
            ),
        })
    }

    /// Whether a clear has steps left: the task then comes back to
    /// [`Core::continue_clears`] whenever nothing else is ready.
    pub fn clearing(&self) -> bool {
        self.clears.is_busy()
    }

    /// One step of the running clear.
    pub fn continue_clears(&mut self, now: Instant) {
        self.clears.step(&mut self.registry, now);
        self.process(now);
    }

    /// Takes the registry's events: test progress, and the echo responder.
    fn process(&mut self, now: Instant) {
        while let Some(event) = self.registry.poll_event() {
            if self
                .subscribers
                .registry_event(now, &event, &self.config, &mut self.registry)
            {
                continue;
            }
            match event {
                RegistryEvent::SessionUp { session, .. } if self.batches.is_ours(session) => {
                    self.batches.session_up(session);
                }
                RegistryEvent::SessionDown { session, end, .. }
                    if self.batches.is_ours(session) =>
                {
                    self.batches.session_down(session, &end);
                }
                RegistryEvent::SessionUp {
                    session,
                    tunnel_id,
                    session_id,
                    ..
                } => self.session_up(now, session, tunnel_id, session_id),
                RegistryEvent::SessionDown { session, end, .. } => self.session_down(session, &end),
                RegistryEvent::TunnelDown { tunnel_id, reason } => {
                    for test in self.tests.values_mut() {
                        if let Phase::Establishing {
                            tunnel: Some(t),
                            tunnel_failure,
                        } = &mut test.phase
                        {
                            if *t == tunnel_id {
                                *tunnel_failure = Some(format!("tunnel {tunnel_id}: {reason}"));
                            }
                        }
                    }
                }
                RegistryEvent::Frame { session, frame } => self.frame(now, session, &frame),
                RegistryEvent::TunnelUp { .. } => {}
            }
        }
        // A call may have moved to another tunnel (fail-over): follow it, so the next
        // tunnel failure is attributed to the right test.
        for (call, test) in &mut self.tests {
            if let Phase::Establishing { tunnel, .. } = &mut test.phase {
                if let Some((t, _)) = self.registry.locate_call(*call) {
                    *tunnel = Some(t);
                }
            }
        }
        self.batches.settle(now, &self.registry);
    }

    fn session_up(&mut self, now: Instant, call: SessionRef, tunnel_id: u16, session_id: u16) {
        // Only test calls are followed here; the peer's IDs are looked up before the
        // test is borrowed for the update.
        if !self.tests.contains_key(&call) {
            return;
        }
        let up = self.established(tunnel_id, session_id);
        let identifier = self.next_identifier;
        self.next_identifier = self.next_identifier.wrapping_add(1);
        let Some(test) = self.tests.get_mut(&call) else {
            return;
        };
        let request = echo::build(false, identifier, test.magic, b"l2tpd test", true);
        test.phase = Phase::Echo {
            tunnel_id,
            session_id,
            remote_tunnel_id: up.remote_tunnel_id,
            remote_session_id: up.remote_session_id,
            identifier,
            sent: now,
            resend_at: now + ECHO_RESEND,
        };
        if let Err(e) = self.registry.send_frame(call, &request) {
            let report = TunnelTestReport {
                state: TunnelTestState::EstablishedNoEcho,
                failure: Some(format!("cannot send the LCP echo: {e}")),
                ..up
            };
            self.finish(call, report);
        }
    }

    fn session_down(&mut self, call: SessionRef, end: &SessionEnd) {
        let Some(test) = self.tests.remove(&call) else {
            return;
        };
        let why = match (end, &test.phase) {
            (
                SessionEnd::NoTunnel,
                Phase::Establishing {
                    tunnel_failure: Some(failure),
                    ..
                },
            ) => format!("no tunnel of the profile could carry the session; {failure}"),
            (SessionEnd::NoTunnel, _) => "no tunnel of the profile could carry the session".into(),
            (SessionEnd::TunnelClosed(reason), _) => format!("tunnel closed: {reason}"),
            (
                SessionEnd::Disconnected {
                    result, by_peer, ..
                },
                _,
            ) => {
                let by = if *by_peer { "the peer" } else { "this router" };
                let text = result.message_text();
                let mut why = format!(
                    "session disconnected by {by}: result {} error {}",
                    result.result,
                    result.error.unwrap_or(0)
                );
                if !text.is_empty() {
                    why.push_str(&format!(" ({text})"));
                }
                why
            }
        };
        let report = match test.phase {
            Phase::Establishing { tunnel, .. } => TunnelTestReport {
                local_tunnel_id: tunnel,
                ..failed_report(None, why)
            },
            // The session did come up: say so, and that it ended before proving the path.
            Phase::Echo {
                tunnel_id,
                session_id,
                remote_tunnel_id,
                remote_session_id,
                ..
            } => TunnelTestReport {
                local_tunnel_id: Some(tunnel_id),
                remote_tunnel_id,
                local_session_id: Some(session_id),
                remote_session_id,
                state: TunnelTestState::EstablishedNoEcho,
                echo_round_trip_us: None,
                failure: Some(format!("no LCP echo reply: {why}")),
            },
        };
        let _ = test.reply.send(Ok(report));
    }

    fn frame(&mut self, now: Instant, call: SessionRef, frame: &[u8]) {
        // Only a test call's echo reply matters here: the LNS's sessions belong to the
        // subscriber layer, which terminates their PPP.
        let Some(lcp) = echo::parse(frame).filter(|e| e.reply) else {
            return;
        };
        let Some(RunningTest {
            phase:
                Phase::Echo {
                    tunnel_id,
                    session_id,
                    identifier,
                    sent,
                    ..
                },
            ..
        }) = self.tests.get(&call)
        else {
            return;
        };
        if lcp.identifier != *identifier {
            return;
        }
        let (tunnel_id, session_id) = (*tunnel_id, *session_id);
        let round_trip =
            u64::try_from(now.saturating_duration_since(*sent).as_micros()).unwrap_or(u64::MAX);
        let report = TunnelTestReport {
            echo_round_trip_us: Some(round_trip),
            ..self.established(tunnel_id, session_id)
        };
        self.finish(call, report);
    }

    /// A test ran out of time: end its call and say where it stood.
    fn expire(&mut self, now: Instant, call: SessionRef) {
        let Some(test) = self.tests.get(&call) else {
            return;
        };
        let seconds = TEST_TIMEOUT.as_secs();
        let report = match &test.phase {
            Phase::Establishing {
                tunnel,
                tunnel_failure,
            } => {
                let mut why = format!("the session was not established within {seconds} s");
                if let Some(failure) = tunnel_failure {
                    why.push_str(&format!("; {failure}"));
                }
                TunnelTestReport {
                    local_tunnel_id: *tunnel,
                    ..failed_report(None, why)
                }
            }
            Phase::Echo {
                tunnel_id,
                session_id,
                ..
            } => TunnelTestReport {
                state: TunnelTestState::EstablishedNoEcho,
                failure: Some(format!("no LCP echo reply within {seconds} s")),
                ..self.established(*tunnel_id, *session_id)
            },
        };
        self.finish(call, report);
        // A test call that failed must not linger as a half-working session.
        self.registry.close_session(
            now,
            call,
            CdnResult::administrative("test session timed out"),
            None,
        );
    }

    fn finish(&mut self, call: SessionRef, report: TunnelTestReport) {
        if let Some(test) = self.tests.remove(&call) {
            let _ = test.reply.send(Ok(report));
        }
    }

    /// A report for an established session, with the peer's IDs from the registry; the
    /// caller adds the echo round trip or what went wrong.
    fn established(&self, tunnel_id: u16, session_id: u16) -> TunnelTestReport {
        let remote_tunnel_id = self.registry.remote_tunnel_id(tunnel_id);
        let remote_session_id = self.registry.remote_session_id(tunnel_id, session_id);
        TunnelTestReport {
            local_tunnel_id: Some(tunnel_id),
            remote_tunnel_id,
            local_session_id: Some(session_id),
            remote_session_id,
            state: TunnelTestState::Established,
            echo_round_trip_us: None,
            failure: None,
        }
    }

    /// The service interfaces the configuration asks for now, with their pools' gateways
    /// (read after each commit).
    pub fn service_interfaces(&self) -> Vec<ServiceInterfaceSpec> {
        self.subscribers
            .service_interfaces(&self.config)
            .into_iter()
            .map(|(name, addresses)| ServiceInterfaceSpec {
                name,
                addresses,
                mtu: crate::subscriber::SERVICE_MTU,
            })
            .collect()
    }

    /// The LNS's IP forwarding table, for the I/O tasks' fast path.
    pub fn ip_relay(&self) -> SharedIpRelay {
        self.subscribers.ip_relay().clone()
    }

    /// Adds the IP fast path's counts to the sessions' and subscribers' counters.
    pub fn fold_ip_counters(&mut self) {
        self.subscribers.fold_ip_counters(&mut self.registry);
    }
}

fn failed_report(local_tunnel_id: Option<u16>, why: String) -> TunnelTestReport {
    TunnelTestReport {
        local_tunnel_id,
        remote_tunnel_id: None,
        local_session_id: None,
        remote_session_id: None,
        state: TunnelTestState::Failed,
        echo_round_trip_us: None,
        failure: Some(why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::l2tp::wire::Packet;
    use schema::l2tp_rpc::L2tpShow;

    fn config(lines: &str) -> Arc<RouterConfig> {
        let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), lines)
            .expect("set lines parse");
        Arc::new(schema::typed::router_config(&tree))
    }

    /// Hands every datagram one core queued to the other, as UDP on port 1701 would,
    /// except data messages (T bit clear) when `data` is false.
    fn deliver(now: Instant, from: &mut Core, to: &mut Core, data: bool) -> usize {
        let mut delivered = 0;
        while let Some(t) = from.poll_transmit() {
            let control = t.payload.first().is_some_and(|b| b & 0x80 != 0);
            let (Some(source), SocketAddr::V4(destination)) = (t.source, t.destination) else {
                panic!("a datagram without addresses: {t:?}");
            };
            if control || data {
                let peer = SocketAddr::new(source.into(), 1701);
                to.handle_datagram(now, *destination.ip(), peer, &t.payload);
                delivered += 1;
            }
        }
        delivered
    }

    /// xl2tpd's LNS clears a call a few milliseconds after ICCN when its pppd cannot run:
    /// the test report must still say the session was established, with both sides' IDs.
    #[test]
    fn a_session_the_peer_clears_before_the_echo_is_reported_established() {
        let now = Instant::now();
        let mut lac = Core::new(
            &config(
                "set system host-name lac-a\n\
                 set access tunnel-profile tp tunnel 1 source-gateway address 127.0.0.61\n\
                 set access tunnel-profile tp tunnel 1 remote-gateway address 127.0.0.62\n",
            ),
            Some(1),
        );
        let mut lns = Core::new(
            &config(
                "set system host-name lns-a\n\
                 set services l2tp tunnel-group g local-gateway address 127.0.0.62\n\
                 set services l2tp tunnel-group g l2tp-access-profile ap\n\
                 set access profile ap client lac-a l2tp maximum-sessions-per-tunnel 10\n",
            ),
            Some(2),
        );
        let (reply, outcome) = mpsc::channel();
        let test = TunnelTest {
            user: "u1@example.net".into(),
            password: "pw".into(),
            tunnel_name: "tp".into(),
        };
        lac.start_test(now, &test, reply);
        // Establish tunnel and session; the LCP echo never reaches the LNS.
        for _ in 0..20 {
            let moved =
                deliver(now, &mut lac, &mut lns, false) + deliver(now, &mut lns, &mut lac, true);
            if moved == 0 {
                break;
            }
        }
        let all = L2tpShow::default();
        let sessions = lns
            .registry
            .sessions(now, &all)
            .expect("no filter")
            .sessions;
        let [session] = sessions.as_slice() else {
            panic!("one session on the LNS: {sessions:?}");
        };
        let call = lns
            .registry
            .call_at(session.tunnel_local_id, session.session_local_id)
            .expect("the session's call");
        assert!(lns
            .registry
            .close_session(now, call, CdnResult::new(1, 0, ""), None));
        deliver(now, &mut lns, &mut lac, true);

        let report = outcome
            .try_recv()
            .expect("the test has its answer")
            .expect("a report");
        assert_eq!(
            report.state,
            TunnelTestState::EstablishedNoEcho,
            "{report:?}"
        );
        assert_eq!(
            report.failure.as_deref(),
            Some("no LCP echo reply: session disconnected by the peer: result 1 error 0")
        );
        let tunnels = lns.registry.tunnels(now, &all).expect("no filter").tunnels;
        let [tunnel] = tunnels.as_slice() else {
            panic!("one tunnel on the LNS: {tunnels:?}");
        };
        assert_eq!(tunnel.tunnel_local_id, session.tunnel_local_id);
        assert_eq!(report.local_tunnel_id, Some(tunnel.tunnel_remote_id));
        assert_eq!(report.remote_tunnel_id, Some(session.tunnel_local_id));
        assert_eq!(report.local_session_id, Some(session.session_remote_id));
        assert_eq!(report.remote_session_id, Some(session.session_local_id));
        assert!(lac.tests.is_empty());
    }

    const LAC: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 61);
    const LNS: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 62);

    /// Delivers everything both cores queued, except the first data message from the LAC
    /// when `lose_first_data` is set (which it then clears).
    fn exchange(lac: &mut Core, lns: &mut Core, now: Instant, lose_first_data: &mut bool) {
        loop {
            let mut moved = false;
            while let Some(t) = lac.poll_transmit() {
                let data = Packet::new_checked(&t.payload).is_ok_and(|p| !p.is_control());
                if data && std::mem::take(lose_first_data) {
                    continue;
                }
                lns.handle_datagram(now, LNS, SocketAddr::new(LAC.into(), 1701), &t.payload);
                moved = true;
            }
            while let Some(t) = lns.poll_transmit() {
                lac.handle_datagram(now, LAC, SocketAddr::new(LNS.into(), 1701), &t.payload);
                moved = true;
            }
            if !moved {
                return;
            }
        }
    }

    #[test]
    fn a_lost_echo_request_is_sent_again_and_the_test_succeeds() {
        let start = Instant::now();
        let lac_config = config(&format!(
            "set system host-name lac-a\n\
             set access tunnel-profile tp tunnel 1 source-gateway address {LAC}\n\
             set access tunnel-profile tp tunnel 1 remote-gateway address {LNS}\n"
        ));
        let lns_config = config(&format!(
            "set system host-name lns-a\n\
             set services l2tp tunnel-group g local-gateway address {LNS}\n"
        ));
        let mut lac = Core::new(&lac_config, Some(1));
        lac.apply_config(start, &lac_config);
        let mut lns = Core::new(&lns_config, Some(2));
        lns.apply_config(start, &lns_config);
        let (reply, outcome) = mpsc::channel();
        let test = TunnelTest {
            user: "u1@example.net".into(),
            password: "pw".into(),
            tunnel_name: "tp".into(),
        };
        lac.start_test(start, &test, reply);
        let mut lose_first_data = true;
        exchange(&mut lac, &mut lns, start, &mut lose_first_data);
        assert!(!lose_first_data, "the first Echo-Request was sent and lost");
        assert!(outcome.try_recv().is_err(), "no answer without a reply");
        // The resend is the next thing the LAC has to do.
        let resend = start + ECHO_RESEND;
        assert_eq!(lac.poll_timeout(), Some(resend));
        lac.handle_timeout(resend);
        exchange(&mut lac, &mut lns, resend, &mut lose_first_data);
        let report = outcome.try_recv().expect("answered").expect("the test ran");
        assert_eq!(report.state, TunnelTestState::Established, "{report:?}");
        assert_eq!(
            report.echo_round_trip_us,
            Some(u64::try_from(ECHO_RESEND.as_micros()).expect("small")),
            "the round trip counts from the first request"
        );
    }

    /// A closing clear is answered only after its last step; each step ends at most
    /// `CLEAR_STEP` sessions, and the core does other work in between.
    #[test]
    fn a_closing_clear_runs_in_steps_and_answers_at_the_end() {
        use super::super::rpc::CLEAR_STEP;
        use schema::l2tp_rpc::{ClearLevel, ClearTarget, L2tpClear};
        use schema::mgmt::Reply;

        let now = Instant::now();
        let lac_config = config(&format!(
            "set system host-name lac-a\n\
             set access tunnel-profile tp tunnel 1 source-gateway address {LAC}\n\
             set access tunnel-profile tp tunnel 1 remote-gateway address {LNS}\n"
        ));
        let lns_config = config(&format!(
            "set system host-name lns-a\n\
             set services l2tp tunnel-group g local-gateway address {LNS}\n"
        ));
        let mut lac = Core::new(&lac_config, Some(1));
        lac.apply_config(now, &lac_config);
        let mut lns = Core::new(&lns_config, Some(2));
        lns.apply_config(now, &lns_config);
        let count = 2 * CLEAR_STEP + 1;
        let (reply, opened) = mpsc::channel();
        lac.open_batch(now, "tp", count, Duration::from_secs(60), reply);
        let mut keep = false;
        exchange(&mut lac, &mut lns, now, &mut keep);
        let opened = opened.try_recv().expect("answered").expect("ran");
        assert_eq!(opened.completed, count, "{opened:?}");

        let (reply, answer) = mpsc::channel();
        let clear = L2tpClear {
            statistics: false,
            target: ClearTarget::All,
            confirmed: true,
        };
        lac.l2tp_rpc(
            now,
            L2tpRpc::Clear {
                level: ClearLevel::Session,
                clear,
            },
            reply,
        );
        let mut steps = 0;
        while lac.clearing() {
            assert!(answer.try_recv().is_err(), "answered before the end");
            lac.continue_clears(now);
            exchange(&mut lac, &mut lns, now, &mut keep);
            steps += 1;
        }
        assert_eq!(steps, 3);
        let Ok(Ok(Reply::L2tpCleared(cleared))) = answer.try_recv() else {
            panic!("no answer");
        };
        assert_eq!(cleared.sessions.len(), count);
        assert_eq!(lns.registry.summary(false).sessions, 0);
    }
}
