//! The engine's state without sockets: the registry and the subscriber layer (PPPoE at the
//! LAC, PPP termination at the LNS, `test services l2tp tunnel` and the bench's calls). Time comes in as a parameter; datagrams to send
//! leave through `poll_transmit`. The async task in `task` feeds it.

use crate::aaa::client::{SocketId, Transmit as RadiusTransmit};
use std::collections::{BTreeMap, HashMap};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use schema::typed::RouterConfig;

use super::aaa_rpc::AaaRpc;
use super::rpc::{self, Answer, Clears, L2tpRpc, RpcOutcome};
use super::service_ifaces::ServiceInterfaceSpec;
use super::subscriber_rpc::SubscriberRpc;
use crate::io::ip_relay::SharedIpRelay;
use crate::io::prefix_table::Prefix;
use crate::io::relay::SharedRelay;
#[cfg(test)]
use crate::l2tp::session::CdnResult;
#[cfg(test)]
use crate::registry::SessionRef;
use crate::registry::{Registry, Transmit};
use crate::subscriber::batch::BatchOutcome;
use crate::subscriber::pppoe_access::{FrameOut, PortFacts};
use crate::subscriber::route_view::InstalledStatic;
pub use crate::subscriber::test_call::{TestOutcome, TunnelTest};
use crate::subscriber::SubscriberLayer;
use schema::mgmt::Reply;

pub struct Core {
    registry: Registry,
    config: Arc<RouterConfig>,
    /// Closing clears (`clear services l2tp …`) still running.
    clears: Clears,
    /// Subscribers: PPPoE at the LAC, PPP at the LNS, test calls.
    subscribers: SubscriberLayer,
    /// `test aaa ppp` runs waiting for their RADIUS server, by token.
    aaa_tests: HashMap<u64, mpsc::Sender<RpcOutcome>>,
    /// The static routes the task installed, for `show route`.
    static_routes: Vec<InstalledStatic>,
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
        subscribers.set_test_magic(u32::try_from(magic_source % u64::from(u32::MAX)).unwrap_or(1));
        Self {
            registry,
            config: Arc::clone(config),
            clears: Clears::default(),
            subscribers,
            aaa_tests: HashMap::new(),
            static_routes: Vec::new(),
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

    /// A datagram on one of the RADIUS client's sockets (a server's answer).
    pub fn handle_radius_datagram(
        &mut self,
        now: Instant,
        socket: SocketId,
        from: SocketAddr,
        bytes: &[u8],
    ) {
        self.subscribers.handle_radius_datagram(
            now,
            socket,
            from,
            bytes,
            &self.config,
            &mut self.registry,
        );
        self.process(now);
    }

    /// A Disconnect- or CoA-Request (RFC 5176); the answer for `from`, if any.
    pub fn handle_dynamic_request(
        &mut self,
        now: Instant,
        from: SocketAddr,
        bytes: &[u8],
    ) -> Option<Vec<u8>> {
        let answer = self
            .subscribers
            .handle_dynamic_request(now, from, bytes, &mut self.registry);
        self.process(now);
        answer
    }

    /// A RADIUS request to send.
    pub fn poll_radius_transmit(&mut self) -> Option<RadiusTransmit> {
        self.subscribers.poll_radius_transmit()
    }

    /// The VRF device a RADIUS socket is bound to: its routing instance's
    /// (`aaa-routing-instance`), `None` in the main table.
    pub fn radius_socket_device(&self, socket: SocketId) -> Option<String> {
        self.subscribers
            .aaa
            .client
            .instance_name(socket.instance)
            .map(|name| schema::typed::vrf_device_name(name))
    }

    /// How the RADIUS client learns the address its requests leave from (NAS-IP-Address of
    /// a server without `source-address`).
    pub fn set_radius_local_address_finder(
        &mut self,
        finder: crate::aaa::nas_address::LocalAddressFinder,
    ) {
        self.subscribers.aaa.client.set_local_address_finder(finder);
    }

    /// The engine opened PPPoE port `port`: its units start discovery.
    pub fn attach_port(&mut self, port: &str, facts: PortFacts, up: bool) {
        self.subscribers.access.attach(port, facts, up);
    }

    /// IF-MIB's rows: the configured interfaces, service interfaces and `pp0`.
    pub fn snmp_interfaces(&self) -> Vec<crate::snmp::snapshot::InterfaceRow> {
        self.subscribers.snmp_interfaces(&self.config)
    }

    /// The link of PPPoE port `port` went down or came back.
    pub fn port_link(&mut self, now: Instant, port: &str, up: bool) {
        self.subscribers
            .set_link(now, port, up, &self.config, &mut self.registry);
        self.process(now);
    }

    /// Frames the kernel dropped on PPPoE port `port` (`show pppoe statistics`).
    /// Data the readers dropped since the last fold, its queue full.
    pub fn add_data_queue_drops(&mut self, l2tp: u64, pppoe: u64) {
        self.registry.add_data_queue_drops(l2tp, pppoe);
    }

    pub fn add_socket_drops(&mut self, drops: [u64; 2]) {
        self.registry.add_socket_drops(drops);
    }

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

    /// Ends every subscriber as `clear pppoe sessions` would (PADT, CDN); how many.
    #[cfg(test)]
    pub fn clear_subscribers_for_test(&mut self, now: Instant) -> usize {
        let n = self.subscribers.clear(now, |_| true, &mut self.registry);
        self.process(now);
        n
    }

    /// IP packets service interface `service` received that the I/O shell's table did not
    /// take (the subscriber is found by destination, whichever interface it arrived on).
    pub fn handle_ip_packets(&mut self, now: Instant, service: &str, packets: &[Vec<u8>]) {
        self.subscribers
            .handle_ip_packets(now, service, packets, &mut self.registry);
        self.process(now);
    }

    /// An LNS subscriber's IP packet for its service interface.
    pub fn poll_ip_packet(&mut self) -> Option<(Arc<str>, Vec<u8>)> {
        self.subscribers.poll_ip_packet()
    }

    /// The Framed-Route prefixes by service interface when they changed since the last
    /// call (`None`: unchanged), for the kernel's routes.
    pub fn poll_routes_changed(&mut self) -> Option<BTreeMap<Arc<str>, Vec<Prefix>>> {
        self.subscribers
            .take_routes_changed()
            .then(|| self.subscribers.framed_routes_by_service())
    }

    /// The static routes installed now (after each commit), for `show route`.
    pub fn set_static_routes(&mut self, routes: Vec<InstalledStatic>) {
        self.static_routes = routes;
    }

    /// Every Framed-Route prefix by service interface.
    pub fn framed_routes(&self) -> BTreeMap<Arc<str>, Vec<Prefix>> {
        self.subscribers.framed_routes_by_service()
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

    /// See [`SubscriberLayer::filters_held_but_gone`].
    pub fn filters_held_but_gone(
        &self,
        configured: &std::collections::BTreeSet<String>,
    ) -> std::collections::BTreeMap<String, usize> {
        self.subscribers.filters_held_but_gone(configured)
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
        self.process(now);
    }

    /// The earliest instant `handle_timeout` has work.
    pub fn poll_timeout(&self) -> Option<Instant> {
        [
            self.registry.poll_timeout(),
            self.subscribers.batch_deadline(),
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
        self.subscribers
            .start_test(now, test, reply, &self.config, &mut self.registry);
        self.process(now);
    }

    /// Opens `count` test sessions through tunnel profile `profile_name` at once; the
    /// batch's report is sent on `reply` once every session is up and acknowledged, or at
    /// `now + timeout`. `calls` is how many, and whether they ask for an address by IPCP.
    pub fn open_batch(
        &mut self,
        now: Instant,
        profile_name: &str,
        calls: (usize, bool),
        timeout: Duration,
        reply: mpsc::Sender<BatchOutcome>,
    ) {
        self.subscribers.open_batch(
            now,
            profile_name,
            calls,
            timeout,
            reply,
            &self.config,
            &mut self.registry,
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
        self.subscribers
            .close_batch(now, timeout, reply, &mut self.registry);
        self.process(now);
    }

    /// An L2TP operational RPC. Shows and statistics clears are answered at once; a closing
    /// clear is answered once [`Core::continue_clears`] has run its last step.
    pub fn l2tp_rpc(&mut self, now: Instant, rpc: L2tpRpc, reply: mpsc::Sender<RpcOutcome>) {
        // Both fast paths: the LAC's relay and the LNS's IP path.
        self.fold_relay_counters();
        self.fold_ip_counters();
        if let L2tpRpc::Subscriber(rpc) = rpc {
            let _ = reply.send(self.subscriber_rpc(now, rpc));
            self.process(now);
            return;
        }
        if let L2tpRpc::Aaa(rpc) = rpc {
            match self.aaa_rpc(now, rpc) {
                Ok(outcome) => {
                    let _ = reply.send(outcome);
                }
                // Answered when the server has (`process`).
                Err(token) => {
                    self.aaa_tests.insert(token, reply);
                }
            }
            self.process(now);
            return;
        }
        // The registry knows a session on a static `si-` unit by its dynamic unit only: a
        // show or clear naming the static unit names that dynamic unit to it.
        let mut rpc = rpc;
        let named = match &mut rpc {
            L2tpRpc::Sessions(show) => show.filter.interface.as_mut(),
            L2tpRpc::Clear { clear, .. } => match &mut clear.target {
                schema::l2tp_rpc::ClearTarget::Interface(name) => Some(name),
                _ => None,
            },
            _ => None,
        };
        if let Some(name) = named {
            if let Some(dynamic) = self.subscribers.dynamic_name_of_static_unit(name) {
                *name = dynamic;
            }
        }
        match rpc::answer(&mut self.registry, now, rpc) {
            Answer::Now(mut outcome) => {
                if let Ok(Reply::L2tpSessions(sessions)) = &mut outcome {
                    self.subscribers
                        .name_static_units(&mut sessions.sessions, &self.registry);
                }
                let _ = reply.send(outcome);
            }
            Answer::Clear(job) => self.clears.push(job, reply),
        }
        self.process(now);
    }

    /// `show network-access aaa …`, `test aaa ppp`, `clear network-access aaa statistics`.
    /// Err: a `test aaa ppp` waiting for its server, answered under that token later.
    fn aaa_rpc(&mut self, now: Instant, rpc: AaaRpc) -> Result<RpcOutcome, u64> {
        let layer = &mut self.subscribers;
        Ok(Ok(match rpc {
            AaaRpc::RadiusServers(_) => {
                Reply::RadiusServers(layer.radius_servers(&self.config, now))
            }
            AaaRpc::Statistics(_) => Reply::AaaStatistics(layer.aaa_statistics()),
            AaaRpc::Subscribers(show) => {
                Reply::AaaSubscribers(layer.aaa_subscribers(&self.config, &show))
            }
            AaaRpc::ClearStatistics => Reply::AaaStatisticsCleared(layer.clear_aaa_statistics()),
            AaaRpc::TerminateCode(show) => Reply::TerminateCode(
                schema::terminate_code::information(&self.config.terminate_codes, show.protocol),
            ),
            AaaRpc::Test(test) => match layer.start_aaa_test(now, &test, &self.config) {
                Ok(token) => return Err(token),
                Err(report) => Reply::AaaTest(report),
            },
        }))
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
            SubscriberRpc::PppInterfaces(show) => {
                Reply::PppSessions(layer.show_ppp_interfaces(now, &show)?)
            }
            SubscriberRpc::PppSummary => Reply::PppSummary(layer.ppp_summary(now)),
            SubscriberRpc::PppStatistics => Reply::PppStatistics(layer.ppp_statistics(now)),
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
            SubscriberRpc::ClearAutoVlan(vlan) => {
                Reply::AutoVlanCleared(layer.access.clear_auto_vlan(&vlan.interface)?)
            }
            SubscriberRpc::Firewall(select) => Reply::Firewall(layer.show_firewall(&select)?),
            SubscriberRpc::ClearFirewall(select) => {
                Reply::FirewallCleared(layer.clear_firewall(&select)?)
            }
            SubscriberRpc::Routes(show) => {
                Reply::Routes(layer.show_route(now, &self.config, &self.static_routes, &show)?)
            }
            SubscriberRpc::RouteSummary(show) => Reply::RouteSummary(layer.show_route_summary(
                now,
                &self.config,
                &self.static_routes,
                &show,
            )?),
            SubscriberRpc::SystemStatistics(protocol) => {
                Reply::SystemStatistics(layer.system_statistics(protocol))
            }
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

    /// Hands the registry's events to the subscriber layer (test calls are subscribers too).
    fn process(&mut self, now: Instant) {
        while let Some(event) = self.registry.poll_event() {
            self.subscribers
                .registry_event(now, &event, &self.config, &mut self.registry);
        }
        self.subscribers.settle_tests(now, &self.registry);
        for (token, report) in self.subscribers.take_aaa_test_reports() {
            if let Some(reply) = self.aaa_tests.remove(&token) {
                let _ = reply.send(Ok(Reply::AaaTest(report)));
            }
        }
    }

    /// The service interfaces the configuration asks for now, with their pools' gateways
    /// (read after each commit).
    pub fn service_interfaces(&self) -> Vec<ServiceInterfaceSpec> {
        // Any profile may be a subscriber's on any service interface (a tunnel group's, a
        // domain map's, RADIUS's): one that is loose makes every one loose.
        let loose = self
            .config
            .dynamic_profiles
            .values()
            .any(|p| p.interfaces.iter().any(|i| i.rpf_loose));
        self.subscribers
            .service_interfaces(&self.config)
            .into_iter()
            .map(|(name, addresses)| ServiceInterfaceSpec {
                name,
                addresses,
                mtu: crate::subscriber::SERVICE_MTU,
                loose_reverse_path: loose,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::l2tp::wire::Packet;
    use crate::subscriber::test_call::ECHO_RESEND;
    use schema::l2tp_rpc::L2tpShow;
    use schema::mgmt::TunnelTestState;

    fn config(lines: &str) -> Arc<RouterConfig> {
        Arc::new(crate::test_config(lines))
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
        assert!(
            lac.subscribers.table.is_empty(),
            "the test subscriber is gone"
        );
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
        lac.open_batch(now, "tp", (count, false), Duration::from_secs(60), reply);
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
