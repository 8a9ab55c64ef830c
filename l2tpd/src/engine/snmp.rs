//! The SNMP frontends' runtime: a thread of its own, so that building views and answering
//! walks never runs on the L2TP engine's thread. The engine's only part is to hand over a
//! snapshot of the registry when asked (`Command::SnmpSnapshot`), at most once per
//! [`VIEW_MAX_AGE`]: a walk of 65,000 rows is answered from one view, not one snapshot per
//! request.
//!
//! It serves the embedded SNMPv2c agent on `snmp { listen-address A; port N; }` when a
//! community is configured, and the AgentX subagent when `snmp agentx socket PATH` is (the
//! subagent's connection has a thread of its own, `agentx`, with blocking I/O: through
//! snmpd every varbind is one AgentX round trip). `show snmp mib get | walk` reads the
//! same views (`Control::View`), and the subagent's thread shares them.

use std::net::SocketAddr;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use schema::snmp_rpc::SnmpStatistics;
use schema::typed::{RouterConfig, SnmpConfig};
use tokio::sync::{mpsc as channel, oneshot};

use super::handover::{wait_outcome, Handover};
use super::snmp_sockets::{rebind, receive, Listener};
use super::snmp_traps::Traps;
use super::task::Command;
use super::Later;
use crate::snmp::agent::{Agent, AgentConfig, AgentCounters, ClientPrefix, Community, MibView};
use crate::snmp::agentx::runtime::{Subagent, ViewSource};
use crate::snmp::if_state::IfState;
use crate::snmp::snapshot::SnmpSnapshot;
use crate::snmp::statistics::statistics;
use crate::snmp::system::{Host, SystemInfo};
use crate::snmp::trap::Notification;
use crate::snmp::view::View;

/// How old a view may be when a request arrives before a new snapshot is asked for.
pub const VIEW_MAX_AGE: Duration = Duration::from_secs(1);
/// How long `show snmp statistics` and `show snmp mib` wait for the SNMP thread. It
/// answers between two requests, and a request waits at most for one engine snapshot.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);
/// Largest UDP payload; larger requests are read whole so the agent can count them.
const MAX_DATAGRAM: usize = 65_535;

enum Control {
    Apply {
        /// The commit's typed view; the agent keeps only what it derives from `snmp`.
        config: Arc<RouterConfig>,
        handover: Handover,
        reply: mpsc::Sender<Result<(), String>>,
    },
    Statistics {
        reply: mpsc::Sender<SnmpStatistics>,
    },
    /// The current view, for `show snmp mib get | walk`.
    View {
        reply: mpsc::Sender<Arc<View>>,
    },
    /// A PPPoE port's link went up or down: linkUp / linkDown.
    Link {
        port: String,
        up: bool,
    },
    Shutdown,
}

/// Where the engine reports its ports' link changes to the SNMP thread, which numbers the
/// interfaces and sends the traps.
#[derive(Clone)]
pub(super) struct LinkReports(channel::UnboundedSender<Control>);

impl LinkReports {
    pub fn report(&self, port: &str, up: bool) {
        // The SNMP thread stopping first (shutdown) loses a trap nobody could receive.
        let _ = self.0.send(Control::Link {
            port: port.to_string(),
            up,
        });
    }
}

/// The SNMP thread, as the engine handle owns it.
pub(super) struct SnmpHandle {
    control: channel::UnboundedSender<Control>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SnmpHandle {
    /// Starts the SNMP thread; it serves nothing until a configuration asks for it.
    pub fn start(engine: channel::UnboundedSender<Command>) -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the SNMP agent: {e}"))?;
        let (control, receiver) = channel::unbounded_channel();
        let thread = std::thread::Builder::new()
            .name("snmp".into())
            .spawn(move || runtime.block_on(run(receiver, engine)))
            .map_err(|e| format!("cannot start the SNMP thread: {e}"))?;
        Ok(SnmpHandle {
            control,
            thread: Some(thread),
        })
    }

    /// The engine's handle for reporting link changes.
    pub fn link_reports(&self) -> LinkReports {
        LinkReports(self.control.clone())
    }

    /// Takes the `[edit snmp]` of a commit; fails (changing nothing) when the agent's port
    /// cannot be bound, or when the agent has not taken it within `timeout` (it is withdrawn
    /// then). `None` waits for the outcome however long it takes.
    pub fn apply(
        &self,
        config: &Arc<RouterConfig>,
        timeout: Option<Duration>,
    ) -> Result<(), String> {
        let (reply, answer) = mpsc::channel();
        let handover = Handover::new();
        self.control
            .send(Control::Apply {
                config: Arc::clone(config),
                handover: handover.clone(),
                reply,
            })
            .map_err(|_| String::from("the SNMP agent has stopped"))?;
        wait_outcome(&answer, &handover, timeout, "the SNMP agent")
    }

    /// Asks the SNMP thread for a copy of its counters now; the answer is waited for (up
    /// to [`ANSWER_TIMEOUT`]) when the result runs.
    pub fn statistics_later(&self) -> Later<Result<SnmpStatistics, String>> {
        self.ask_later(|reply| Control::Statistics { reply })
    }

    /// Asks the SNMP thread for its current view (fresh from the engine when the last one
    /// is over [`VIEW_MAX_AGE`] old); the caller reads it on its own thread.
    pub fn view_later(&self) -> Later<Result<Arc<View>, String>> {
        self.ask_later(|reply| Control::View { reply })
    }

    fn ask_later<T: Send + 'static>(
        &self,
        control: impl FnOnce(mpsc::Sender<T>) -> Control,
    ) -> Later<Result<T, String>> {
        let (reply, answer) = mpsc::channel();
        if self.control.send(control(reply)).is_err() {
            return Box::new(|| Err(String::from("the SNMP agent has stopped")));
        }
        Box::new(move || {
            answer.recv_timeout(ANSWER_TIMEOUT).map_err(|e| match e {
                mpsc::RecvTimeoutError::Timeout => format!(
                    "the SNMP agent did not answer within {} s",
                    ANSWER_TIMEOUT.as_secs()
                ),
                mpsc::RecvTimeoutError::Disconnected => "the SNMP agent has stopped".into(),
            })
        })
    }
}

impl Drop for SnmpHandle {
    fn drop(&mut self) {
        let _ = self.control.send(Control::Shutdown);
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("the SNMP thread panicked");
            }
        }
    }
}

/// The embedded agent's configuration, or `None` when it must not listen: SNMP is not
/// configured, or no community is (AgentX alone needs no UDP port).
pub fn agent_config(config: &SnmpConfig) -> Option<(Vec<SocketAddr>, AgentConfig)> {
    if !config.enabled || config.communities.is_empty() {
        return None;
    }
    let communities = config
        .communities
        .iter()
        .map(|(name, c)| {
            let prefixes = |restrict: bool| {
                c.clients
                    .iter()
                    .filter(|p| p.restrict == restrict)
                    .map(|p| ClientPrefix {
                        address: p.address,
                        length: p.len,
                    })
                    .collect()
            };
            Community {
                name: name.clone(),
                clients: prefixes(false),
                restricted: prefixes(true),
                // A commit refuses a view that is not defined; were it missing, the
                // community would reach nothing rather than everything.
                view: c.view.as_ref().map(|v| MibView {
                    subtrees: config
                        .views
                        .get(v)
                        .map(|v| v.subtrees.clone())
                        .unwrap_or_default(),
                }),
            }
        })
        .collect();
    let mut at: Vec<SocketAddr> = Vec::new();
    for address in &config.listen_addresses {
        let socket = SocketAddr::new(*address, config.port);
        if !at.contains(&socket) {
            at.push(socket);
        }
    }
    Some((at, AgentConfig { communities }))
}

/// A view and when it was taken.
type Taken = (Instant, Arc<View>);

/// The current view, rebuilt from a fresh engine snapshot when older than `VIEW_MAX_AGE`.
/// Shared by the SNMP thread (the embedded agent, `show snmp mib`) and the AgentX
/// subagent's thread, so both answer from one view and cost the engine one snapshot.
#[derive(Clone)]
pub(crate) struct Views {
    engine: channel::UnboundedSender<Command>,
    current: Arc<Mutex<Option<Taken>>>,
    /// IF-MIB's numbering and link history, which every view's interface rows are given.
    interfaces: Arc<Mutex<IfState>>,
    /// sysUpTime's zero: the SNMP thread starts with the daemon.
    started: Instant,
    /// The system group as the last commit set it; `None` before the first.
    system: Arc<Mutex<Option<SystemInfo>>>,
}

impl ViewSource for Views {
    fn current(&mut self) -> Arc<View> {
        if let Some(view) = self.young() {
            return view;
        }
        let (reply, answer) = oneshot::channel();
        // The subagent's thread is no runtime's: it may wait for the engine in place.
        let snapshot = if self.engine.send(Command::SnmpSnapshot { reply }).is_ok() {
            answer.blocking_recv().unwrap_or_default()
        } else {
            SnmpSnapshot::default()
        };
        self.store(snapshot)
    }
}

impl Views {
    fn new(engine: channel::UnboundedSender<Command>, started: Instant) -> Self {
        Views {
            engine,
            current: Arc::default(),
            interfaces: Arc::new(Mutex::new(IfState::new(started))),
            started,
            system: Arc::default(),
        }
    }

    /// Takes a commit's system group values, and drops the current view so that the next
    /// request already sees them (a view is otherwise kept for up to `VIEW_MAX_AGE`).
    fn apply_system(&self, system: SystemInfo) {
        *self.system.lock().unwrap_or_else(PoisonError::into_inner) = Some(system);
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    fn interfaces(&self) -> std::sync::MutexGuard<'_, IfState> {
        self.interfaces
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The current view if it is younger than `VIEW_MAX_AGE`.
    fn young(&self) -> Option<Arc<View>> {
        let current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        let (taken, view) = current.as_ref()?;
        (taken.elapsed() < VIEW_MAX_AGE).then(|| Arc::clone(view))
    }

    fn store(&self, mut snapshot: SnmpSnapshot) -> Arc<View> {
        self.interfaces().annotate(&mut snapshot.interfaces);
        let up_time = self.started.elapsed();
        snapshot.system = self
            .system
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|s| s.at(up_time));
        let view = Arc::new(View::new(snapshot, SystemTime::now()));
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((Instant::now(), Arc::clone(&view)));
        view
    }

    pub async fn current(&mut self) -> Arc<View> {
        if let Some(view) = self.young() {
            return view;
        }
        let (reply, answer) = oneshot::channel();
        let snapshot = if self.engine.send(Command::SnmpSnapshot { reply }).is_ok() {
            answer.await.unwrap_or_default()
        } else {
            // The engine is stopping: an empty view answers until this thread stops too.
            SnmpSnapshot::default()
        };
        self.store(snapshot)
    }
}

async fn run(
    mut control: channel::UnboundedReceiver<Control>,
    engine: channel::UnboundedSender<Command>,
) {
    // One zero for sysUpTime in answers and in traps, and for ifLastChange.
    let started = Instant::now();
    let mut views = Views::new(engine, started);
    let mut agent = Agent::new(AgentConfig::default());
    let mut listeners: Vec<Listener> = Vec::new();
    let mut subagent = Subagent::new(Box::new(views.clone()));
    let mut traps = Traps::new(started);
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        tokio::select! {
            command = control.recv() => match command {
                None | Some(Control::Shutdown) => break,
                // Withdrawn: the commit already reported that it failed.
                Some(Control::Apply { handover, .. }) if !handover.take() => {}
                Some(Control::Apply { config: router, reply, .. }) => {
                    let config = &router.snmp;
                    let result = apply(config, &mut agent, &mut listeners);
                    if result.is_ok() {
                        views.interfaces().apply(&router);
                        // The host's name is read at each commit: it may have changed.
                        views.apply_system(SystemInfo::from_config(&router, &Host::read()));
                        subagent.apply(config.enabled.then_some(config.agentx_socket.as_deref()).flatten());
                        traps.apply(config);
                    }
                    let _ = reply.send(result);
                }
                Some(Control::Statistics { reply }) => {
                    let at: Vec<SocketAddr> = listeners.iter().map(|l| l.at).collect();
                    let shown = statistics(&at, &agent.counters(), &traps.counters(), &subagent.status());
                    let _ = reply.send(shown);
                }
                Some(Control::View { reply }) => {
                    let _ = reply.send(views.current().await);
                }
                Some(Control::Link { port, up }) => {
                    let changes = views.interfaces().link(&port, up, Instant::now());
                    for change in changes {
                        traps.notify(Notification::Link(change));
                    }
                }
            },
            received = receive(&listeners, &mut buf) => {
                let Some((len, source, index)) = received else { continue };
                let request = buf.get(..len).unwrap_or_default();
                let refused = refusals(&agent.counters());
                let response = serve(&mut agent, &mut views, source, request).await;
                // A wrong community or a refused client: authenticationFailure.
                if refusals(&agent.counters()) != refused {
                    traps.notify(Notification::AuthenticationFailure);
                }
                if let (Some(response), Some(l)) = (response, listeners.get(index)) {
                    if let Err(e) = l.socket.send_to(&response, source).await {
                        tracing::debug!("snmp: answer to {source}: {e}");
                    }
                }
            }
        }
    }
    subagent.close();
}

/// Requests refused as RFC 3418's authenticationFailure counts them: an unknown
/// community, or a known one from a client outside its `clients`.
fn refusals(c: &AgentCounters) -> u64 {
    c.bad_community_names + c.unlisted_clients
}

/// Answers one datagram of the embedded agent, or drops it. The agent's checks come
/// first: only an admitted request may cost the engine a snapshot.
async fn serve(
    agent: &mut Agent,
    views: &mut Views,
    source: SocketAddr,
    request: &[u8],
) -> Option<Vec<u8>> {
    let admitted = agent.admit(source, request)?;
    let view = views.current().await;
    agent.answer(admitted, &view)
}

fn apply(
    config: &SnmpConfig,
    agent: &mut Agent,
    listeners: &mut Vec<Listener>,
) -> Result<(), String> {
    let Some((at, agent_config)) = agent_config(config) else {
        if !listeners.is_empty() {
            listeners.clear();
            tracing::info!("snmp: embedded agent stopped");
        }
        return Ok(());
    };
    let bound: Vec<SocketAddr> = listeners.iter().map(|l| l.at).collect();
    if bound != at {
        rebind(&at, listeners)?;
        for l in listeners.iter().filter(|l| !bound.contains(&l.at)) {
            tracing::info!("snmp: embedded agent listening on {}", l.at);
        }
    }
    agent.reconfigure(agent_config);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;
    use std::net::Ipv4Addr;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use tokio::net::UdpSocket;

    use schema::typed::{Community as ConfiguredCommunity, CommunityAuthorization, SnmpClient};

    fn snmp(communities: &[(&str, &[&str])]) -> SnmpConfig {
        SnmpConfig {
            enabled: true,
            description: None,
            location: None,
            contact: None,
            name: None,
            communities: communities
                .iter()
                .map(|(name, clients)| {
                    let community = ConfiguredCommunity {
                        authorization: CommunityAuthorization::ReadOnly,
                        clients: clients
                            .iter()
                            .flat_map(|p| SnmpClient::parse(p, false))
                            .collect(),
                        view: None,
                    };
                    (name.to_string(), community)
                })
                .collect(),
            listen_addresses: vec![Ipv4Addr::LOCALHOST.into()],
            port: 16161,
            agentx_socket: None,
            views: Default::default(),
            trap_groups: Default::default(),
            trap_source_address: None,
            trap_agent_address_outgoing: false,
        }
    }

    /// A Get of jnxL2tpStatsTotalTunnels.0; `version` 1 is v2c, 0 is v1.
    fn get_request(version: i32, community: &str) -> Vec<u8> {
        use rasn::types::{Integer, ObjectIdentifier, OctetString};
        use rasn_snmp::v2::{GetRequest, Pdu, Pdus, VarBind, VarBindValue};
        let name =
            ObjectIdentifier::new([mibs::JNX_L2TP_STATS, &[1, 0]].concat()).expect("valid OID");
        rasn::ber::encode(&rasn_snmp::v2c::Message {
            version: Integer::from(version),
            community: OctetString::from(community.as_bytes().to_vec()),
            data: Pdus::GetRequest(GetRequest(Pdu {
                request_id: 1,
                error_status: 0,
                error_index: 0,
                variable_bindings: vec![VarBind {
                    name,
                    value: VarBindValue::Unspecified,
                }],
            })),
        })
        .expect("encodes")
    }

    /// A stand-in for the engine task: answers every snapshot request with an empty
    /// snapshot and counts them.
    fn engine_counting_snapshots() -> (channel::UnboundedSender<Command>, Arc<AtomicUsize>) {
        let (engine, mut commands) = channel::unbounded_channel();
        let snapshots = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&snapshots);
        tokio::spawn(async move {
            while let Some(command) = commands.recv().await {
                if let Command::SnmpSnapshot { reply } = command {
                    counted.fetch_add(1, Ordering::SeqCst);
                    let _ = reply.send(SnmpSnapshot::default());
                }
            }
        });
        (engine, snapshots)
    }

    #[tokio::test]
    async fn datagrams_the_agent_drops_cost_no_snapshot() {
        let (engine, snapshots) = engine_counting_snapshots();
        let mut views = Views::new(engine, Instant::now());
        let (_, config) = agent_config(&snmp(&[("public", &["127.0.6.0/24"])])).expect("on");
        let mut agent = Agent::new(config);
        let listed = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 6, 9)), 40_000);
        let unlisted = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 7, 9)), 40_000);
        let flood = [
            (listed, get_request(1, "private")),
            (unlisted, get_request(1, "public")),
            (listed, get_request(0, "public")),
            (listed, b"hello".to_vec()),
        ];
        for _ in 0..1_000 {
            for (source, datagram) in &flood {
                assert_eq!(serve(&mut agent, &mut views, *source, datagram).await, None);
            }
        }
        let c = agent.counters();
        assert_eq!(
            [
                c.bad_community_names,
                c.unlisted_clients,
                c.bad_versions,
                c.asn_parse_errors
            ],
            [1_000; 4]
        );
        assert_eq!(
            snapshots.load(Ordering::SeqCst),
            0,
            "the flood cost snapshots"
        );
        // The legitimate poller is answered from one snapshot.
        let answer = serve(&mut agent, &mut views, listed, &get_request(1, "public")).await;
        assert!(answer.is_some());
        assert_eq!(snapshots.load(Ordering::SeqCst), 1);
    }

    /// A commit's `snmp name` is what the next request reads, not a second later: the
    /// view it replaces may be younger than `VIEW_MAX_AGE`. sysUpTime counts from the
    /// SNMP thread's start.
    #[tokio::test]
    async fn a_commit_changes_the_system_group_at_once() {
        let (engine, snapshots) = engine_counting_snapshots();
        let started = Instant::now() - Duration::from_secs(30);
        let mut views = Views::new(engine, started);
        let sys_name = [crate::snmp::system::SYSTEM, &[5, 0]].concat();
        let sys_up_time = [crate::snmp::system::SYSTEM, &[3, 0]].concat();
        let named = |name: &str| SystemInfo {
            name: name.into(),
            ..SystemInfo::default()
        };
        // Before any commit there is no group to serve.
        assert_eq!(
            views.current().await.get(&sys_name),
            crate::snmp::view::Lookup::NoSuchObject
        );
        views.apply_system(named("r1"));
        let view = views.current().await;
        assert_eq!(
            view.get(&sys_name),
            crate::snmp::view::Lookup::Value(crate::snmp::value::Value::string("r1"))
        );
        let crate::snmp::view::Lookup::Value(crate::snmp::value::Value::TimeTicks(ticks)) =
            view.get(&sys_up_time)
        else {
            panic!("sysUpTime.0 is TimeTicks");
        };
        assert!(ticks >= 3_000, "counted from the start: {ticks}");
        views.apply_system(named("r2"));
        assert_eq!(
            views.current().await.get(&sys_name),
            crate::snmp::view::Lookup::Value(crate::snmp::value::Value::string("r2"))
        );
        assert_eq!(snapshots.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn the_embedded_agent_listens_only_with_a_community() {
        assert_eq!(agent_config(&snmp(&[])), None);
        let mut off = snmp(&[("public", &[])]);
        off.enabled = false;
        assert_eq!(agent_config(&off), None);

        let (at, config) = agent_config(&snmp(&[("public", &["127.0.0.0/8"])])).expect("on");
        assert_eq!(at, [SocketAddr::from(([127, 0, 0, 1], 16161))]);
        assert_eq!(
            config.communities,
            [Community {
                name: "public".into(),
                clients: vec![ClientPrefix {
                    address: IpAddr::V4(Ipv4Addr::new(127, 0, 0, 0)),
                    length: 8
                }],
                ..Community::default()
            }]
        );
    }

    fn listening_on(addresses: &[IpAddr], port: u16) -> SnmpConfig {
        SnmpConfig {
            listen_addresses: addresses.to_vec(),
            port,
            ..snmp(&[("public", &[])])
        }
    }

    /// Commits `listen-address address; port port;` to the agent: the outcome, and where
    /// its socket is bound afterwards.
    async fn move_to(
        agent: &mut Agent,
        listeners: &mut Vec<Listener>,
        address: [u8; 4],
        port: u16,
    ) -> (Result<(), String>, Option<SocketAddr>) {
        let outcome = apply(&listening_on(&[address.into()], port), agent, listeners);
        let bound: Vec<SocketAddr> = listeners
            .iter()
            .filter_map(|l| l.socket.local_addr().ok())
            .collect();
        assert!(bound.len() <= 1, "{bound:?}");
        (outcome, bound.first().copied())
    }

    #[tokio::test]
    async fn the_agent_listens_on_its_listen_address_only() {
        const PORT: u16 = 16_176;
        let at = |address: [u8; 4]| SocketAddr::from((address, PORT));
        let mut agent = Agent::new(AgentConfig::default());
        let mut listener = Vec::new();
        let moved = move_to(&mut agent, &mut listener, [127, 0, 42, 1], PORT).await;
        assert_eq!(moved, (Ok(()), Some(at([127, 0, 42, 1]))));
        // Another address of the host on the same port is not the agent's.
        let other = UdpSocket::bind(at([127, 0, 42, 2])).await;
        assert!(other.is_ok(), "{other:?}");
        drop(other);
        let moved = move_to(&mut agent, &mut listener, [127, 0, 42, 2], PORT).await;
        assert_eq!(moved, (Ok(()), Some(at([127, 0, 42, 2]))));
        let old = UdpSocket::bind(at([127, 0, 42, 1])).await;
        assert!(old.is_ok(), "the old address was let go: {old:?}");
    }

    /// `listen-address [ 127.0.0.1 ::1 ]`: one socket each on one port, IPv6 taking IPv6
    /// only; an IPv6 poller is answered from its own socket, and dropping the IPv6
    /// address closes that socket alone.
    #[tokio::test]
    async fn the_agent_listens_on_ipv4_and_ipv6() {
        const PORT: u16 = 16_177;
        let both: [IpAddr; 2] = [
            Ipv4Addr::LOCALHOST.into(),
            std::net::Ipv6Addr::LOCALHOST.into(),
        ];
        let mut agent = Agent::new(AgentConfig::default());
        let mut listeners = Vec::new();
        apply(&listening_on(&both, PORT), &mut agent, &mut listeners).expect("bound");
        let bound: Vec<SocketAddr> = listeners.iter().map(|l| l.at).collect();
        assert_eq!(bound, both.map(|a| SocketAddr::new(a, PORT)));

        let (engine, _) = engine_counting_snapshots();
        let mut views = Views::new(engine, Instant::now());
        let poller = UdpSocket::bind("[::1]:0").await.expect("an IPv6 loopback");
        poller
            .send_to(&get_request(1, "public"), ("::1", PORT))
            .await
            .expect("sent");
        let mut buf = vec![0u8; 2048];
        let (len, source, index) = receive(&listeners, &mut buf).await.expect("a request");
        assert_eq!((source, index), (poller.local_addr().unwrap(), 1));
        let request = buf[..len].to_vec();
        let answer = serve(&mut agent, &mut views, source, &request).await;
        assert!(answer.is_some(), "an IPv6 client is answered");

        apply(&listening_on(&both[..1], PORT), &mut agent, &mut listeners).expect("moved");
        assert_eq!(listeners.len(), 1);
        let freed = UdpSocket::bind(SocketAddr::new(both[1], PORT)).await;
        assert!(freed.is_ok(), "the IPv6 socket was let go: {freed:?}");
    }

    /// Needs a network namespace of its own (root): there 198.18.42.1 is surely no
    /// address of the host, and 0.0.0.0 reaches nothing outside. The thread that made
    /// it is the only one in it, and ends with the test.
    #[test]
    fn an_address_the_host_lacks_fails_the_commit_and_keeps_the_agent() {
        let outcome = std::thread::spawn(|| {
            if let Err(e) = nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNET) {
                return Err(format!("cannot make a network namespace: {e}"));
            }
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(lacking_and_handed_over());
            Ok(())
        })
        .join()
        .expect("the namespace thread ran");
        if let Err(why) = outcome {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI runs as root and must run this test: {why}"
            );
            eprintln!(
                "SKIPPED an_address_the_host_lacks_fails_the_commit_and_keeps_the_agent: {why}"
            );
        }
    }

    async fn lacking_and_handed_over() {
        const PORT: u16 = 161;
        let lacking = || {
            Err(
                "[edit snmp] 'listen-address 198.18.42.1': this host has no address 198.18.42.1"
                    .to_string(),
            )
        };
        // Until the loopback is up the namespace has no routing table, and the kernel
        // lets any address be bound.
        let up = std::process::Command::new("ip")
            .args(["link", "set", "lo", "up"])
            .status();
        assert!(
            up.as_ref().is_ok_and(|s| s.success()),
            "ip link set lo up: {up:?}"
        );
        let at = |address: [u8; 4]| SocketAddr::from((address, PORT));
        let mut agent = Agent::new(AgentConfig::default());
        let mut listener = Vec::new();
        let refused = move_to(&mut agent, &mut listener, [198, 18, 42, 1], PORT).await;
        assert_eq!(refused, (lacking(), None));
        let moved = move_to(&mut agent, &mut listener, [0, 0, 0, 0], PORT).await;
        assert_eq!(moved, (Ok(()), Some(at([0, 0, 0, 0]))));
        // From every address to one on the same port: the old socket holds the port and
        // is let go of first.
        let moved = move_to(&mut agent, &mut listener, [127, 0, 42, 1], PORT).await;
        assert_eq!(moved, (Ok(()), Some(at([127, 0, 42, 1]))));
        // A refused move keeps the agent where it was.
        let refused = move_to(&mut agent, &mut listener, [198, 18, 42, 1], PORT).await;
        assert_eq!(refused, (lacking(), Some(at([127, 0, 42, 1]))));
    }
}
