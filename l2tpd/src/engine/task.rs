//! The engine task: owns the sockets and the [`Core`], and turns datagrams, timers and
//! management commands into calls on it. No protocol logic lives here.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use schema::typed::RouterConfig;
use tokio::net::UdpSocket;
use tokio::sync::mpsc as channel;
use tokio::task::JoinHandle;

use super::core::{Core, TestOutcome, TunnelTest};
use super::fast_path::{DownBuffers, FastPath};
use super::handover::Handover;
use super::ip_fast_path::{with_thread_ip_up, IpUpBuffers};
use super::ports::{PortInput, Ports};
use super::queues::{
    drain, DataDrops, Inbound, Offered, CONTROL_PER_TURN, CONTROL_QUEUE, DATA_PER_TURN,
    L2TP_DATA_QUEUE, PORT_DATA_QUEUE,
};
use super::radius_sockets::{DynamicAuthListener, DynamicReceived, RadiusReceived, RadiusSockets};
use super::read_socket::{read_only, ReadSocket};
use super::rpc::{L2tpRpc, RpcOutcome};
use super::service_ifaces::{ServiceIfaces, ServiceInput};
use super::snmp::LinkReports;
use super::snmp_poll;
use super::socket_drops::{self, SocketDrops};
use super::sockets::{
    address_not_here, bind_error, bind_listener, more_data_sockets, steer, wanted_addresses,
    Listener, L2TP_PORT,
};
use super::static_routes::{wanted_routes, StaticRoutes};
use super::EngineOptions;
use crate::io::classify::{self, Class};
use crate::io::data_workers::{worker_count, DataWorkers, WorkerRef, WorkerStats};
use crate::io::datagram_batch::{with_worker_batch, DatagramBatch};
use crate::snmp::poller::Poller;
use crate::snmp::snapshot::SnmpSnapshot;
use crate::subscriber::batch::BatchOutcome;
use crate::subscriber::pppoe_access::PppoeAccess;
use std::os::fd::AsFd;

/// Datagrams read but not yet handled on the queues that are not split into control and
/// data (service interfaces, RADIUS); beyond this the readers wait (UDP then drops).
pub(super) const RECEIVE_QUEUE: usize = 4096;
/// Datagrams handled in one turn of the loop before timers come again: a burst costs one
/// flush instead of one each, and a flood cannot keep hellos and retransmissions waiting
/// (the receive branch is always ready under a flood, and `select!` is biased).
const DATAGRAMS_PER_TURN: usize = 64;
/// Datagrams a socket reader takes per wakeup before it sends what it relayed.
const READ_BATCH: usize = 64;
/// How often a listener the configuration no longer names is looked at, to close it once its
/// last tunnel is gone.
const RELEASE_EVERY: Duration = Duration::from_millis(50);
/// How long a commit waits for the readers of sockets it closed to let go of them before
/// it binds: a data worker finishes a batch in far less; a thread stuck longer than this
/// has bigger problems, and the bind then reports the address in use.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

pub(super) enum Command {
    Apply {
        config: Arc<RouterConfig>,
        handover: Handover,
        reply: mpsc::Sender<Result<(), String>>,
    },
    Test {
        test: TunnelTest,
        reply: mpsc::Sender<TestOutcome>,
    },
    /// Opens `count` test sessions through `profile` at once (the bench).
    OpenBatch {
        profile: String,
        count: usize,
        /// The calls ask the LNS for an address by IPCP (`subscriber/batch_ppp.rs`).
        ipcp: bool,
        timeout: Duration,
        reply: mpsc::Sender<BatchOutcome>,
    },
    /// Ends every session the batches opened.
    CloseBatch {
        timeout: Duration,
        reply: mpsc::Sender<BatchOutcome>,
    },
    /// `show/clear services l2tp …`.
    L2tp {
        rpc: L2tpRpc,
        reply: mpsc::Sender<RpcOutcome>,
    },
    /// The filters a commit keeping only these filter names would take from subscribers
    /// holding them (the commit check's question: `filters_in_use`).
    FiltersHeldButGone {
        configured: BTreeSet<String>,
        reply: mpsc::Sender<BTreeMap<String, usize>>,
    },
    /// The SNMP thread's view is out of date.
    SnmpSnapshot {
        reply: tokio::sync::oneshot::Sender<SnmpSnapshot>,
    },
    Shutdown,
    /// Blocks the runtime until the sender side is used or dropped: a deliberately busy
    /// engine, for tests of what a commit reports meanwhile.
    #[cfg(test)]
    Stall(mpsc::Receiver<()>),
}

pub(super) struct Received {
    /// Our address it arrived on; unspecified for the wildcard socket.
    pub(super) local: Ipv4Addr,
    pub(super) peer: SocketAddr,
    pub(super) bytes: Vec<u8>,
}

/// A bound socket and the task reading it.
pub(super) struct Bound {
    socket: ReadSocket,
    /// `None` once retired.
    reader: Option<JoinHandle<()>>,
}

/// Where a listener's socket is read: a runtime (a data worker's, or the engine's own for
/// the control socket), the worker's counters if it is one, and whether the engine sends on
/// the socket too.
pub(super) struct Reading<'a> {
    handle: &'a tokio::runtime::Handle,
    stats: Option<&'a Arc<WorkerStats>>,
    shared: bool,
}

impl<'a> Reading<'a> {
    fn on_worker(worker: WorkerRef<'a>, shared: bool) -> Self {
        Reading {
            handle: worker.handle,
            stats: Some(worker.stats),
            shared,
        }
    }
}

impl Bound {
    /// A listener's socket, read where `reading` says (issue 15, items 1 and 2): on a data
    /// worker its data is forwarded on that thread; what it classifies as control reaches
    /// the engine's queue. The engine sends on it when `reading.shared`; otherwise it is
    /// registered for reading only ([`super::read_socket`]).
    pub(super) fn on(
        socket: std::net::UdpSocket,
        local: Ipv4Addr,
        queues: &Inbound<Received>,
        fast: &FastPath,
        reading: Reading<'_>,
    ) -> std::io::Result<Self> {
        // Registered with that runtime's reactor, so its readiness wakes that thread only.
        let socket = {
            let _entered = reading.handle.enter();
            if reading.shared {
                ReadSocket::Shared(Arc::new(UdpSocket::from_std(socket)?))
            } else {
                read_only(socket)?
            }
        };
        let reader = reading.handle.spawn(read(
            socket.clone(),
            local,
            queues.clone(),
            fast.clone(),
            reading.stats.map(Arc::clone),
        ));
        Ok(Self {
            socket,
            reader: Some(reader),
        })
    }
}

impl Drop for Bound {
    fn drop(&mut self) {
        if let Some(reader) = &self.reader {
            reader.abort();
        }
    }
}

impl Bound {
    /// Stops the reader and hands back its task, which still holds the socket until its
    /// runtime (perhaps a busy data worker) drops it: await it before binding the address
    /// again ([`Runtime::finish_closing`]).
    fn retire(mut self) -> Option<JoinHandle<()>> {
        let reader = self.reader.take();
        if let Some(reader) = &reader {
            reader.abort();
        }
        reader
    }

    /// Closes the socket: returns once no reader of ours holds it (or after
    /// [`CLOSE_WAIT`], if its runtime is stuck that long).
    #[cfg(test)]
    pub(super) async fn close(self) {
        if let Some(reader) = self.retire() {
            let _ = tokio::time::timeout(CLOSE_WAIT, reader).await;
        }
    }
}

/// Reads datagrams: established sessions' data leaves for the subscribers from here (sent
/// in batches: what one wakeup finds queued, at most [`READ_BATCH`]), and so does the LNS's
/// subscribers' IP for the service interfaces; the rest goes to the core, control and data
/// on queues of their own ([`super::queues`]). A control socket's reader finds control
/// only, and passes it on in the order it came.
pub(super) async fn read(
    socket: ReadSocket,
    local: Ipv4Addr,
    queues: Inbound<Received>,
    fast: FastPath,
    worker: Option<Arc<WorkerStats>>,
) {
    let mut relayed = DownBuffers::default();
    // The core's datagrams of one wakeup, copied out of the thread's batch so the batch is
    // free again before this reader waits for room on a queue.
    let mut for_core: Vec<(Class, Received)> = Vec::new();
    loop {
        if let Err(e) = socket.readable().await {
            tracing::debug!("l2tp receive on {local}: {e}");
            return;
        }
        let mut taken = 0;
        let mut truncated = 0;
        let mut failed = None;
        // Up to READ_BATCH datagrams per wakeup, DATAGRAM_SLOTS per recvmmsg; each batch's
        // relayed frames are copied into `relayed`/`ip` at once, so the slots are reused.
        // The IP buffers are the thread's, held until they are flushed below (no await).
        with_thread_ip_up(|ip| {
            with_worker_batch(|batch| {
                let before = batch.truncated();
                while taken < READ_BATCH {
                    let received = socket.try_recv(batch);
                    match received {
                        Ok(0) if batch.truncated() == before => break,
                        Ok(n) => {
                            taken += n;
                            route_batch(
                                batch,
                                local,
                                &queues,
                                &fast,
                                &mut relayed,
                                ip,
                                &mut for_core,
                            );
                            if n < batch.capacity() {
                                break;
                            }
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                        // ICMP port unreachable from an earlier send surfaces here on Linux;
                        // the socket is still good.
                        Err(e) => {
                            failed = Some(e);
                            break;
                        }
                    }
                }
                truncated = batch.truncated() - before;
            });
            if let Some(e) = failed {
                tracing::debug!("l2tp receive on {local}: {e}");
            }
            if truncated > 0 {
                queues.drops.count_truncated(truncated);
            }
            // Counted before anything leaves, so a count read after a packet arrived at its
            // destination includes it (data_workers_tests read them so).
            if let Some(worker) = &worker {
                worker.add_datagrams(taken);
            }
            // What was relayed goes first; control may then wait for room on its queue.
            fast.flush_down(&mut relayed);
            fast.flush_ip_up(ip);
        });
        for (class, received) in for_core.drain(..) {
            match queues.offer(class, received).await {
                Offered::Queued => {}
                Offered::Dropped => queues.drops.count_l2tp(1),
                Offered::Closed => return,
            }
        }
        // No yield here under a flood: the runtime's budget lets this reader take many
        // batches before the others run, and that is what keeps the kernel from dropping
        // from this socket at the sender's rate; yielding after each batch was measured
        // (when control and data still shared a socket) to lose SCCRQs to the kernel and
        // hold a new tunnel up for seconds of retransmissions.
    }
}

/// One receive batch: the PPPoE relay first (the LAC), then the IP table (the LNS), each
/// table locked once for the whole batch; a spoofed packet stops there, dropped and
/// counted by the table. The rest is copied into `for_core`, in arrival order.
fn route_batch(
    batch: &DatagramBatch,
    local: Ipv4Addr,
    queues: &Inbound<Received>,
    fast: &FastPath,
    relayed: &mut DownBuffers,
    ip: &mut IpUpBuffers,
    for_core: &mut Vec<(Class, Received)>,
) {
    let down = fast.push_down_batch(batch.datagrams(), relayed);
    let up = fast.push_ip_up_batch(batch.datagrams(), down, ip);
    let taken = down | up;
    for (i, (peer, bytes)) in batch.datagrams().enumerate() {
        if taken & (1 << i) != 0 {
            continue;
        }
        let class = classify::l2tp_datagram(bytes);
        if class == Class::Data && queues.data_full() {
            // Dropped before it costs a copy.
            queues.drops.count_l2tp(1);
            continue;
        }
        let bytes = bytes.to_vec();
        for_core.push((class, Received { local, peer, bytes }));
    }
}

struct Runtime {
    core: Core,
    /// The listeners by address, each its data and control sockets ([`BoundListener`]).
    sockets: BTreeMap<Ipv4Addr, BoundListener>,
    /// The addresses the configuration in force listens on; `sockets` may hold more, while
    /// tunnels on a removed address still close ([`Runtime::release_listeners`]).
    listening: BTreeSet<Ipv4Addr>,
    /// For tunnels with no source address: a listener on an ephemeral port of every
    /// address, bound on first use.
    wildcard: Option<BoundListener>,
    /// When a listener no longer configured is next looked at ([`Runtime::release_listeners`]).
    release_due: Instant,
    /// Readers of the sockets we stopped using, aborted but perhaps not yet dropped by their
    /// runtime, each still holding its socket: a commit waits for them before it binds, so
    /// that our own closed socket never holds an address it wants (CI: a tunnel group
    /// deleted and added back in the next commit).
    closing: Vec<JoinHandle<()>>,
    /// The data workers (`data-workers`) that read the listeners' data sockets.
    workers: DataWorkers,
    /// This engine's own runtime, which reads the listeners' control sockets.
    engine: tokio::runtime::Handle,
    /// The L2TP readers' control and data queues to the engine.
    queues: Inbound<Received>,
    /// What the readers and port tasks dropped, and how much of it the registry has.
    data_drops: Arc<DataDrops>,
    folded_drops: (u64, u64),
    /// What the kernel dropped at the listeners' sockets, as last read.
    socket_drops: SocketDrops,
    /// `enable-snmp-tunnel-statistics`: copies session counters for SNMP, 1,000 per 30 s.
    poller: Poller,
    /// PPPoE ports (host interfaces or lab links).
    ports: Ports,
    /// The LNS's service interfaces (TUN devices or lab links).
    services: ServiceIfaces,
    /// `routing-options static`: the kernel routes installed for it.
    static_routes: StaticRoutes,
    /// The relay's fast path, shared with the port tasks and socket readers.
    fast: FastPath,
    /// The RADIUS client's sockets.
    radius: RadiusSockets,
    /// The RFC 5176 port, while `access radius-disconnect` names a client.
    dynamic: DynamicAuthListener,
    /// The SNMP thread, told of each port's link changes (linkUp / linkDown).
    link_reports: LinkReports,
}

pub(super) async fn run(
    mut commands: channel::UnboundedReceiver<Command>,
    options: EngineOptions,
    workers: DataWorkers,
    link_reports: LinkReports,
) {
    let seed = options.seed;
    let empty = schema::typed::router_config(&schema::tree::Node::default());
    let data_drops = Arc::new(DataDrops::default());
    let (control, mut received) = channel::channel(CONTROL_QUEUE);
    let (data, mut received_data) = channel::channel(L2TP_DATA_QUEUE);
    let queues = Inbound {
        control,
        data,
        drops: Arc::clone(&data_drops),
    };
    let (control, mut port_inputs) = channel::channel(CONTROL_QUEUE);
    let (data, mut port_data) = channel::channel(PORT_DATA_QUEUE);
    let port_queues = Inbound {
        control,
        data,
        drops: Arc::clone(&data_drops),
    };
    let (service_queue, mut service_inputs) = channel::channel(RECEIVE_QUEUE);
    let (radius_queue, mut radius_replies) = channel::channel::<RadiusReceived>(RECEIVE_QUEUE);
    let (dynamic_queue, mut dynamic_requests) = channel::channel::<DynamicReceived>(RECEIVE_QUEUE);
    let mut core = Core::new(&Arc::new(empty), seed);
    core.set_radius_local_address_finder(Box::new(super::radius_sockets::local_address_towards));
    let fast = FastPath::with_ip(core.relay(), core.ip_relay());
    let mut rt = Runtime {
        core,
        sockets: BTreeMap::new(),
        listening: BTreeSet::new(),
        wildcard: None,
        release_due: Instant::now(),
        closing: Vec::new(),
        workers,
        engine: tokio::runtime::Handle::current(),
        queues,
        data_drops,
        folded_drops: (0, 0),
        socket_drops: SocketDrops::default(),
        poller: Poller::new(),
        ports: Ports::new(options.access_links, port_queues, fast.clone()),
        services: ServiceIfaces::new(options.service_links, service_queue, fast.clone()),
        static_routes: StaticRoutes::default(),
        fast,
        radius: RadiusSockets::new(radius_queue),
        dynamic: DynamicAuthListener::new(dynamic_queue),
        link_reports,
    };
    rt.services.set_workers(&rt.workers);
    loop {
        let deadline = rt.core.poll_timeout();
        let poll_due = rt.poller.poll_timeout();
        let clearing = rt.core.clearing();
        let releasing = rt.keeps_unlistened();
        tokio::select! {
            // Datagrams and timers before the next step of a clear: the tunnels that stay
            // must not wait for a clear of many sessions to finish.
            biased;
            command = commands.recv() => match command {
                None | Some(Command::Shutdown) => break,
                // Withdrawn: the commit already reported that it failed.
                Some(Command::Apply { handover, .. }) if !handover.take() => {
                    tracing::warn!("a configuration withdrawn after the commit timed out is not applied");
                }
                Some(Command::Apply { config, reply, .. }) => {
                    let result = rt.apply(&config).await;
                    let _ = reply.send(result);
                }
                #[cfg(test)]
                Some(Command::Stall(until)) => {
                    let _ = until.recv();
                }
                Some(Command::Test { test, reply }) => {
                    rt.core.start_test(Instant::now(), &test, reply);
                }
                Some(Command::OpenBatch { profile, count, ipcp, timeout, reply }) => {
                    rt.core.open_batch(Instant::now(), &profile, (count, ipcp), timeout, reply);
                }
                Some(Command::CloseBatch { timeout, reply }) => {
                    rt.core.close_batch(Instant::now(), timeout, reply);
                }
                Some(Command::L2tp { rpc, reply }) => {
                    rt.fold_data_drops();
                    rt.fold_socket_drops();
                    rt.core.l2tp_rpc(Instant::now(), rpc, reply);
                }
                Some(Command::FiltersHeldButGone { configured, reply }) => {
                    let _ = reply.send(rt.core.filters_held_but_gone(&configured));
                }
                Some(Command::SnmpSnapshot { reply }) => {
                    rt.core.fold_relay_counters();
                    rt.core.fold_ip_counters();
                    let mut snapshot = snmp_poll::snapshot(rt.core.registry(), &rt.poller);
                    snapshot.interfaces = rt.core.snmp_interfaces();
                    let _ = reply.send(snapshot);
                }
            },
            // Control first (issue 15): tunnels, sessions and subscribers' negotiation.
            Some(d) = received.recv() => {
                rt.datagram(&d);
                drain(&mut received, CONTROL_PER_TURN - 1, |d| rt.datagram(&d));
            }
            Some(input) = port_inputs.recv() => {
                rt.port_input(input);
                drain(&mut port_inputs, DATAGRAMS_PER_TURN - 1, |input| rt.port_input(input));
            }
            Some(reply) = radius_replies.recv() => {
                rt.core.handle_radius_datagram(Instant::now(), reply.socket, reply.from, &reply.bytes);
                for _ in 1..DATAGRAMS_PER_TURN {
                    let Ok(reply) = radius_replies.try_recv() else {
                        break;
                    };
                    rt.core.handle_radius_datagram(Instant::now(), reply.socket, reply.from, &reply.bytes);
                }
            }
            Some(request) = dynamic_requests.recv() => {
                if let Some(answer) = rt.core.handle_dynamic_request(Instant::now(), request.from, &request.bytes) {
                    rt.dynamic.answer(request.from, &answer).await;
                }
            }
            Some(input) = service_inputs.recv() => {
                rt.service_input(input);
                for _ in 1..DATAGRAMS_PER_TURN {
                    let Ok(input) = service_inputs.try_recv() else {
                        break;
                    };
                    rt.service_input(input);
                }
            }
            // Data that missed the fast path: after every kind of control.
            Some(d) = received_data.recv() => {
                rt.datagram(&d);
                drain(&mut received_data, DATA_PER_TURN - 1, |d| rt.datagram(&d));
            }
            Some(input) = port_data.recv() => {
                rt.port_input(input);
                drain(&mut port_data, DATAGRAMS_PER_TURN - 1, |input| rt.port_input(input));
            }
            () = sleep_until(deadline), if deadline.is_some() => {
                rt.core.handle_timeout(Instant::now());
            }
            // A listener kept for a deleted group's closing tunnels goes at the first pass
            // after its last tunnel did: that pass must come even when nothing else wakes
            // us (an LNS left with no tunnel has no timer).
            () = sleep_until(Some(rt.release_due)), if releasing => {}
            () = sleep_until(poll_due), if poll_due.is_some() => {
                rt.core.fold_relay_counters();
                rt.core.fold_ip_counters();
                snmp_poll::poll(&mut rt.poller, rt.core.registry(), Instant::now());
            }
            // `yield_now` first gives the runtime back, so the socket readers (tasks of
            // their own) can queue what arrived during the last step before the next one.
            () = tokio::task::yield_now(), if clearing => {
                rt.core.continue_clears(Instant::now());
            }
        }
        // Every input gets its share every turn, whichever branch ran, control first: under
        // load the L2TP branch is always ready and, biased, would keep subscribers' frames
        // (PADTs, LCP) waiting in their queue while the ports' sockets overflow in the kernel.
        drain(&mut port_inputs, DATAGRAMS_PER_TURN, |input| {
            rt.port_input(input)
        });
        drain(&mut received, CONTROL_PER_TURN, |d| rt.datagram(&d));
        // RADIUS replies too: under a flood of subscribers the branches above are always
        // ready and, biased, would leave the replies waiting until the client's sockets
        // overflow and every request waits out its retransmission timeout.
        for _ in 0..DATAGRAMS_PER_TURN {
            let Ok(reply) = radius_replies.try_recv() else {
                break;
            };
            rt.core
                .handle_radius_datagram(Instant::now(), reply.socket, reply.from, &reply.bytes);
        }
        // Then data, bounded: what does not fit waits in its queue, and a full queue drops
        // at the reader, counted (`queues`).
        drain(&mut port_data, DATAGRAMS_PER_TURN, |input| {
            rt.port_input(input)
        });
        drain(&mut service_inputs, DATAGRAMS_PER_TURN, |input| {
            rt.service_input(input);
        });
        // L2TP data has only its branch, when no control is ready: each turn it takes
        // costs a turn of control under a flood, and what it leaves the reader drops.
        // What is due runs every turn, whatever branch ran: under a flood the receive
        // branch always wins the biased select, and the branches below it would never be
        // reached (timers, the SNMP poller, the next step of an operator's clear).
        let now = Instant::now();
        if rt.core.poll_timeout().is_some_and(|t| t <= now) {
            rt.core.handle_timeout(now);
        }
        if rt.poller.poll_timeout().is_some_and(|t| t <= now) {
            rt.core.fold_relay_counters();
            rt.core.fold_ip_counters();
            snmp_poll::poll(&mut rt.poller, rt.core.registry(), now);
        }
        if rt.core.clearing() {
            rt.core.continue_clears(now);
        }
        if now >= rt.release_due {
            rt.release_due = now + RELEASE_EVERY;
            rt.release_listeners();
        }
        rt.flush().await;
    }
    rt.core.shutdown(Instant::now());
    rt.flush().await;
}

async fn sleep_until(deadline: Option<Instant>) {
    if let Some(deadline) = deadline {
        tokio::time::sleep_until(deadline.into()).await;
    }
}

impl Runtime {
    /// Binds what the new configuration needs, or refuses it and changes nothing. Sockets
    /// no longer needed close only after the registry has said goodbye from them.
    async fn apply(&mut self, config: &Arc<RouterConfig>) -> Result<(), String> {
        // A new pool first, so a host that cannot start it refuses the commit unchanged.
        let wanted_workers = worker_count(config.l2tp.data_workers);
        let mut workers = if wanted_workers == self.workers.len() {
            None
        } else {
            Some(DataWorkers::start(wanted_workers)?)
        };
        let wanted = wanted_addresses(config);
        let data_sockets = workers.as_ref().unwrap_or(&self.workers).len();
        self.finish_closing().await;
        let mut fresh = Vec::new();
        for address in wanted.iter().filter(|a| !self.sockets.contains_key(a)) {
            let at = SocketAddrV4::new(*address, L2TP_PORT);
            match bind_listener(at, data_sockets) {
                Ok(listener) => fresh.push((*address, listener)),
                Err(e) if address_not_here(&e) => {
                    // Not (yet) an address of this host: accepted, as Junos accepts a
                    // gateway address before its interface exists; bound at a later commit.
                    tracing::warn!(
                        tag = crate::log::tags::L2TP_BIND_FAILURE,
                        "{}; L2TP on it stays down",
                        bind_error(at.into(), &e)
                    );
                }
                Err(e) => {
                    let message = bind_error(at.into(), &e);
                    tracing::warn!(tag = crate::log::tags::L2TP_BIND_FAILURE, "{message}");
                    return Err(message);
                }
            }
        }
        let dynamic_port =
            (!config.radius_disconnect.is_empty()).then_some(config.radius_disconnect_port);
        self.dynamic.listen(dynamic_port).await?;
        if let Some(workers) = workers.take() {
            // The listeners move now: the old pool's runtimes stop with it. Each socket
            // stays open (a second descriptor of it goes to the new worker), so nothing
            // sent to it in between is lost but what its buffer cannot hold; a data socket
            // per worker is added or, from the end, let go ([`BoundListener::resized`]).
            tracing::info!("l2tp: {} data workers", workers.len());
            let mut listeners = Vec::new();
            for (address, bound) in &self.sockets {
                listeners.push((*address, bound.resized(*address, data_sockets)?));
            }
            let wildcard = self.wildcard.as_ref();
            let wildcard = wildcard.map(|w| w.resized(Ipv4Addr::UNSPECIFIED, data_sockets));
            let wildcard = wildcard.transpose()?;
            let moved = listeners.iter().map(|(_, l)| l).chain(wildcard.as_ref());
            steer_each(&moved.collect::<Vec<_>>(), self.workers.len())?;
            self.workers = workers;
            for (address, listener) in listeners {
                let moved = self.listener_on_workers(listener, address)?;
                let old = self.sockets.insert(address, moved);
                self.retire_all(old.into_iter().flat_map(BoundListener::sockets));
            }
            if let Some(listener) = wildcard {
                let moved = self.listener_on_workers(listener, Ipv4Addr::UNSPECIFIED)?;
                let old = self.wildcard.replace(moved);
                self.retire_all(old.into_iter().flat_map(BoundListener::sockets));
            }
            self.ports.refan(&self.workers);
            self.services.set_workers(&self.workers);
        }
        for (address, listener) in fresh {
            tracing::info!("l2tp listening on {address}:{L2TP_PORT}");
            let bound = self.listener_on_workers(listener, address)?;
            self.sockets.insert(address, bound);
        }
        self.core.apply_config(Instant::now(), config);
        let wanted_ports = PppoeAccess::wanted_ports(config);
        for (port, facts, up) in self.ports.reconcile(&wanted_ports, &self.workers) {
            self.core.attach_port(&port, facts, up);
        }
        self.services
            .reconcile_with_instances(&self.core.service_interfaces(), config);
        // A device opened again, or moved to another table, has lost its routes.
        self.services.set_routes(&self.core.framed_routes());
        // After the VRFs: an instance's routes go in its VRF's table.
        self.static_routes.apply(&wanted_routes(config));
        self.core.set_static_routes(self.static_routes.installed());
        self.poller
            .set_enabled(Instant::now(), config.l2tp.enable_snmp_tunnel_statistics);
        self.flush().await;
        self.listening = wanted;
        self.release_listeners();
        self.fast.set_l2tp_sockets(self.l2tp_sockets());
        Ok(())
    }

    /// A listener's readers: its data on the data workers, its control on the engine's own
    /// runtime ([`BoundListener::on_workers`]).
    fn listener_on_workers(
        &self,
        listener: Listener,
        address: Ipv4Addr,
    ) -> Result<BoundListener, String> {
        let queues = (&self.queues, &self.fast);
        BoundListener::on_workers(listener, address, queues, &self.workers, &self.engine)
            .map_err(|e| listener_error(address, e))
    }

    /// A listener the configuration no longer names is still open, for its tunnels.
    fn keeps_unlistened(&self) -> bool {
        self.sockets.keys().any(|a| !self.listening.contains(a))
    }

    /// Closes the listeners on addresses the configuration no longer names once no tunnel
    /// uses them: a tunnel group deleted still says goodbye from its own address (its
    /// StopCCN retransmitted and acknowledged there, late retransmissions from the peer
    /// acknowledged during the post-StopCCN hold); the port is the host's again after.
    fn release_listeners(&mut self) {
        // Nearly always every listener is configured: no walk of the tunnels then (this
        // runs every TUNNEL_SOCKETS_EVERY).
        if !self.keeps_unlistened() {
            return;
        }
        let used: HashSet<Ipv4Addr> = self.core.registry().tunnel_locals().collect();
        let unused: Vec<Ipv4Addr> = self
            .sockets
            .keys()
            .filter(|address| !self.listening.contains(address) && !used.contains(address))
            .copied()
            .collect();
        if unused.is_empty() {
            return;
        }
        for address in unused {
            tracing::info!("l2tp no longer listening on {address}:{L2TP_PORT}");
            let gone = self.sockets.remove(&address);
            self.retire_all(gone.into_iter().flat_map(BoundListener::sockets));
        }
        // The relay's fast path sends from the listeners too: it lets go of this one now.
        self.fast.set_l2tp_sockets(self.l2tp_sockets());
    }

    /// Stops reading `sockets`; their readers are kept until they are gone
    /// ([`Self::finish_closing`]).
    fn retire_all(&mut self, sockets: impl IntoIterator<Item = Bound>) {
        self.closing.retain(|reader| !reader.is_finished());
        self.closing
            .extend(sockets.into_iter().filter_map(Bound::retire));
    }

    /// Waits until the readers of the sockets we stopped using have let go of them, so
    /// their addresses are free to bind.
    async fn finish_closing(&mut self) {
        for reader in self.closing.drain(..) {
            let _ = tokio::time::timeout(CLOSE_WAIT, reader).await;
        }
    }

    fn datagram(&mut self, d: &Received) {
        self.core
            .handle_datagram(Instant::now(), d.local, d.peer, &d.bytes);
    }

    /// Hands the registry what the readers dropped since the last time (before a show).
    fn fold_data_drops(&mut self) {
        let (l2tp, pppoe) = self.data_drops.totals();
        let (was_l2tp, was_pppoe) = self.folded_drops;
        self.core.add_data_queue_drops(
            l2tp.saturating_sub(was_l2tp),
            pppoe.saturating_sub(was_pppoe),
        );
        self.folded_drops = (l2tp, pppoe);
    }

    /// Hands the registry what the kernel dropped at the listeners' control and data sockets
    /// since the last time (before a show).
    fn fold_socket_drops(&mut self) {
        let inodes = |sockets: &mut dyn Iterator<Item = &Bound>| -> Vec<u64> {
            sockets
                .filter_map(|bound| socket_drops::inode(&bound.socket))
                .collect()
        };
        let listeners = || self.sockets.values().chain(&self.wildcard);
        let control = inodes(&mut listeners().map(|l| &l.control));
        let data = inodes(&mut listeners().flat_map(|l| &l.data));
        let drops = self
            .socket_drops
            .fold(&socket_drops::udp_drops(), [&control, &data]);
        self.core.add_socket_drops(drops);
    }

    /// Our L2TP sockets by address, the wildcard socket (once bound) under 0.0.0.0.
    fn l2tp_sockets(&self) -> Vec<(Ipv4Addr, Arc<UdpSocket>)> {
        self.sockets
            .iter()
            .chain(self.wildcard.iter().map(|w| (&Ipv4Addr::UNSPECIFIED, w)))
            .filter_map(|(address, bound)| Some((*address, Arc::clone(bound.engine_socket()?))))
            .collect()
    }

    fn service_input(&mut self, input: ServiceInput) {
        match input {
            ServiceInput::Packets { service, packets } => {
                self.core
                    .handle_ip_packets(Instant::now(), &service, &packets);
            }
        }
    }

    fn port_input(&mut self, input: PortInput) {
        match input {
            PortInput::Frames { port, frames } => {
                for bytes in frames {
                    self.core.handle_frame(Instant::now(), &port, &bytes);
                }
            }
            PortInput::Link { port, up } => {
                self.link_reports.report(&port, up);
                self.core.port_link(Instant::now(), &port, up);
            }
            PortInput::KernelDrops { port, count } => self.core.port_kernel_drops(&port, count),
        }
    }

    /// Sends what the core has queued, each datagram from its source address's socket,
    /// and each PPPoE frame on its port (in one batch per port).
    async fn flush(&mut self) {
        while let Some(request) = self.core.poll_radius_transmit() {
            let device = self.core.radius_socket_device(request.socket);
            self.radius.send(request, device.as_deref()).await;
        }
        let mut frames: BTreeMap<Arc<str>, Vec<Vec<u8>>> = BTreeMap::new();
        while let Some(out) = self.core.poll_frame() {
            frames.entry(out.port).or_default().push(out.frame);
        }
        for (port, frames) in frames {
            self.ports.send(&port, frames);
        }
        let mut packets: BTreeMap<Arc<str>, Vec<Vec<u8>>> = BTreeMap::new();
        while let Some((service, packet)) = self.core.poll_ip_packet() {
            packets.entry(service).or_default().push(packet);
        }
        for (service, packets) in packets {
            self.services.send(&service, &packets);
        }
        if let Some(routes) = self.core.poll_routes_changed() {
            self.services.set_routes(&routes);
        }
        while let Some(t) = self.core.poll_transmit() {
            let socket = match t.source {
                Some(source) => match self
                    .sockets
                    .get(&source)
                    .and_then(BoundListener::engine_socket)
                {
                    Some(socket) => Arc::clone(socket),
                    None => {
                        tracing::debug!(
                            "l2tp: no socket on {source}; datagram to {} dropped",
                            t.destination
                        );
                        continue;
                    }
                },
                None => match self.wildcard_socket().await {
                    Some(socket) => socket,
                    None => continue,
                },
            };
            if let Err(e) = socket.send_to(&t.payload, t.destination).await {
                tracing::debug!("l2tp send to {}: {e}", t.destination);
            }
        }
    }

    async fn wildcard_socket(&mut self) -> Option<Arc<UdpSocket>> {
        if self.wildcard.is_none() {
            // Port 0: every socket on one ephemeral port (`bind_listener`).
            let at = SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0);
            let bound = bind_listener(at, self.workers.len())
                .map_err(|e| e.to_string())
                .and_then(|listener| self.listener_on_workers(listener, Ipv4Addr::UNSPECIFIED));
            match bound {
                Ok(bound) => {
                    self.wildcard = Some(bound);
                    // The IP fast path sends from it too (tunnels without a source).
                    self.fast.set_l2tp_sockets(self.l2tp_sockets());
                }
                Err(e) => {
                    tracing::warn!(
                        "l2tp: cannot bind a socket for tunnels without a source address: {e}"
                    );
                    return None;
                }
            }
        }
        self.wildcard
            .as_ref()
            .and_then(BoundListener::engine_socket)
            .map(Arc::clone)
    }
}

/// A listener read by data workers exactly as the engine reads it
/// ([`BoundListener::on_workers`]), for `l2tp-bench data-workers`: what its readers hand the
/// engine (misses, control) waits in queues nobody serves, and drops once they are full.
pub struct ListenerReader {
    bound: BoundListener,
    _control: channel::Receiver<Received>,
    _data: channel::Receiver<Received>,
}

impl ListenerReader {
    /// Binds a listener on `at` with a data socket per worker of `workers`, read by them (the
    /// control socket too, on the first: the bench has no engine thread to read it).
    pub fn start(
        workers: &DataWorkers,
        at: SocketAddrV4,
        fast: &FastPath,
    ) -> std::io::Result<ListenerReader> {
        let (control, control_rx) = channel::channel(CONTROL_QUEUE);
        let (data, data_rx) = channel::channel(L2TP_DATA_QUEUE);
        let queues = Inbound {
            control,
            data,
            drops: Arc::new(DataDrops::default()),
        };
        let listener = bind_listener(at, workers.len())?;
        let control = workers.worker(0).handle;
        let bound =
            BoundListener::on_workers(listener, *at.ip(), (&queues, fast), workers, control)?;
        Ok(ListenerReader {
            bound,
            _control: control_rx,
            _data: data_rx,
        })
    }

    /// The socket the engine would send control from, for [`FastPath::set_l2tp_sockets`].
    pub fn engine_socket(&self) -> Option<Arc<UdpSocket>> {
        self.bound.engine_socket().map(Arc::clone)
    }
}

/// A listener's sockets ([`Listener`]) and their readers: the data sockets, the first of
/// which the engine sends its control from, and the control socket; bound, moved and closed
/// together.
pub(super) struct BoundListener {
    data: Vec<Bound>,
    control: Bound,
}

impl BoundListener {
    /// Data socket k read on worker k, so each worker reads its share of the sessions (the
    /// kernel steers them by Session ID, [`steer`]) and a flood of one session's data is
    /// read, classified and forwarded or dropped there, never on the engine's thread. The
    /// control socket on `control`'s runtime: the engine's own in the daemon. What it reads
    /// is control only, for the engine; read on a worker it waited behind whatever that
    /// worker's data socket held (a flooded session's reader takes the runtime for many
    /// batches before it yields: measured, a flood steered to the control socket's worker
    /// made 2,000 set-ups 17–36× slower with not one control datagram lost).
    pub(super) fn on_workers(
        listener: Listener,
        local: Ipv4Addr,
        (queues, fast): (&Inbound<Received>, &FastPath),
        workers: &DataWorkers,
        control: &tokio::runtime::Handle,
    ) -> std::io::Result<Self> {
        let on = |socket, reading| Bound::on(socket, local, queues, fast, reading);
        let data = listener.data.into_iter().enumerate();
        let data =
            data.map(|(k, socket)| on(socket, Reading::on_worker(workers.worker(k), k == 0)));
        let control = Reading {
            handle: control,
            stats: None,
            shared: false,
        };
        Ok(BoundListener {
            data: data.collect::<std::io::Result<Vec<_>>>()?,
            control: on(listener.control, control)?,
        })
    }

    fn sockets(self) -> impl Iterator<Item = Bound> {
        self.data.into_iter().chain([self.control])
    }

    /// Closes every socket: returns once no reader of ours holds one ([`Bound::close`]).
    #[cfg(test)]
    pub(super) async fn close(self) {
        for bound in self.sockets() {
            bound.close().await;
        }
    }

    /// The socket the engine sends control from.
    fn engine_socket(&self) -> Option<&Arc<UdpSocket>> {
        self.data.first()?.socket.shared()
    }

    /// Second descriptors of the sockets, for a new pool's workers to read while the old
    /// ones let go of the first: the sockets (and their places in their SO_REUSEPORT group)
    /// stay. With `data_sockets` data sockets: more join the group, or the last ones are
    /// left to close with the old readers; [`steer_each`] then replaces the group's program
    /// before any of them closes ([`super::sockets::more_data_sockets`]).
    fn resized(&self, address: Ipv4Addr, data_sockets: usize) -> Result<Listener, String> {
        let error = |e: std::io::Error| {
            format!("l2tp: cannot move {address}:{L2TP_PORT} to the new data workers: {e}")
        };
        let second = |bound: &Bound| {
            let socket = bound.socket.as_fd().try_clone_to_owned().map_err(error)?;
            Ok::<_, String>(std::net::UdpSocket::from(socket))
        };
        let control = second(&self.control)?;
        let kept = self.data.iter().take(data_sockets.max(1));
        let mut data = kept.map(second).collect::<Result<Vec<_>, _>>()?;
        if data.len() < data_sockets {
            let Ok(SocketAddr::V4(at)) = control.local_addr() else {
                return Err(format!("l2tp: {address}: the listener has no IPv4 address"));
            };
            data.extend(more_data_sockets(at, data_sockets - data.len()).map_err(error)?);
        }
        Ok(Listener { data, control })
    }
}

/// Hands each listener's group its data sockets, once every listener has them
/// ([`BoundListener::resized`]): all of them, or none. If the kernel refuses one, those
/// already steered go back to `before` data sockets, the count their readers still read:
/// a program naming more sockets than its group holds would have the kernel pick any
/// socket, the control socket included, for the missing ones' data.
fn steer_each(listeners: &[&Listener], before: usize) -> Result<(), String> {
    for (k, listener) in listeners.iter().enumerate() {
        if let Err(e) = steer(&listener.control, listener.data.len()) {
            for done in &listeners[..k] {
                let _ = steer(&done.control, before);
            }
            return Err(format!(
                "l2tp: cannot steer a listener over the new data workers: {e}"
            ));
        }
    }
    Ok(())
}

/// A listener that could not be read on a data worker (a commit's error).
fn listener_error(address: Ipv4Addr, e: std::io::Error) -> String {
    format!("l2tp: cannot read {address}:{L2TP_PORT} on a data worker: {e}")
}
