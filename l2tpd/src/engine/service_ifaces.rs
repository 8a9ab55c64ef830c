//! The engine's service interfaces (the LNS's `si-` interfaces): one endpoint per service
//! interface a tunnel group names — a TUN device, or a lab link (`--service-link`) — each
//! with a task of its own that receives batches of IP packets into reused buffers and sends
//! the established subscribers' ones down their L2TP sessions itself ([`FastPath`]). What
//! the fast path does not take goes to the engine on one queue message per batch, without
//! ever waiting: a flood toward addresses nobody holds fills that queue and is then dropped
//! and counted, and never slows the subscribers' traffic.
//!
//! Packets the other way (subscriber → service interface) are written by the L2TP socket
//! readers (hits) and by the engine (the slow path) on the shared endpoint: a write does not
//! go through this task.
//!
//! A TUN device is multi-queue (issue 15, item 2): each data worker reads a queue of its
//! own with the same task, so the subscribers' downstream IP is relayed on every core (the
//! kernel spreads packets over the queues by flow; a flow stays in order). The engine's
//! queue then takes no packets but still writes. A lab link has one socket: the engine's.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Handle;
use tokio::sync::mpsc as channel;
use tokio::task::JoinHandle;

use schema::typed::{vrf_device_name, RouterConfig};

use super::fast_path::FastPath;
use super::ip_fast_path::IpDownBuffers;
use super::routing_instances::{wanted_vrfs, RoutingInstances};
use crate::io::data_workers::DataWorkers;
use crate::io::prefix_table::Prefix;
use crate::io::route::MAIN_TABLE;
use crate::io::service_endpoint::{linux_name, ServiceEndpoint, SERVICE_MTU};
use crate::io::FrameBatch;

/// Packets per receive batch, and the largest packet (above any MTU we set: a device whose
/// MTU an operator raised by hand must not have its packets dropped as oversized).
const BATCH: usize = 64;
const MAX_PACKET: usize = 9_216;

/// What the core says a service interface must be (after each commit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceInterfaceSpec {
    /// The Junos name, `si-1/0/0`.
    pub name: String,
    /// Each address pool's gateway with the pool's prefix.
    pub addresses: Vec<(Ipv4Addr, u8)>,
    pub mtu: u16,
    /// Some subscriber profile says `rpf-check mode loose`: the kernel checks their sources.
    pub loose_reverse_path: bool,
}

impl ServiceInterfaceSpec {
    /// A service interface with its pools and the default MTU.
    pub fn new(name: impl Into<String>, addresses: Vec<(Ipv4Addr, u8)>) -> Self {
        Self {
            name: name.into(),
            addresses,
            mtu: SERVICE_MTU,
            loose_reverse_path: false,
        }
    }
}

/// What a service interface task reports to the engine.
pub(super) enum ServiceInput {
    /// The packets of one receive batch the fast path did not take.
    Packets {
        service: Arc<str>,
        packets: Vec<Vec<u8>>,
    },
}

struct OpenService {
    endpoint: Arc<ServiceEndpoint>,
    spec: ServiceInterfaceSpec,
    /// The VRF device the TUN is enslaved to (its routing instance), `None` in the main table.
    master: Option<String>,
    task: JoinHandle<()>,
    /// The workers' queues' tasks (a TUN device with workers), ended when dropped.
    readers: QueueReaders,
}

impl Drop for OpenService {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Default)]
struct QueueReaders(Vec<JoinHandle<()>>);

impl Drop for QueueReaders {
    fn drop(&mut self) {
        for reader in &self.0 {
            reader.abort();
        }
    }
}

/// Counts of the service interface tasks, summed over all of them.
#[derive(Debug, Default)]
pub(super) struct ServiceDrops {
    /// Packets not taken by the fast path that the engine's full queue refused.
    pub queue_full: AtomicU64,
    /// Packets longer than a receive slot.
    pub oversized: AtomicU64,
    /// Slow-path packets a full device queue refused.
    pub send_failures: AtomicU64,
}

pub(super) struct ServiceIfaces {
    open: BTreeMap<String, OpenService>,
    links: BTreeMap<String, PathBuf>,
    queue: channel::Sender<ServiceInput>,
    fast: FastPath,
    drops: Arc<ServiceDrops>,
    instances: RoutingInstances,
    /// The data workers' runtimes, each reading a queue of every TUN device.
    workers: Vec<Handle>,
}

impl ServiceIfaces {
    pub fn new(
        links: BTreeMap<String, PathBuf>,
        queue: channel::Sender<ServiceInput>,
        fast: FastPath,
    ) -> Self {
        Self {
            open: BTreeMap::new(),
            links,
            queue,
            fast,
            drops: Arc::default(),
            instances: RoutingInstances::default(),
            workers: Vec::new(),
        }
    }

    /// The data workers now (at start, and after a commit changed them): every open TUN
    /// device gets a queue read on each of them; the old workers' queues went with their
    /// threads (packets toward subscribers in between are dropped by the kernel).
    pub fn set_workers(&mut self, workers: &DataWorkers) {
        self.workers = (0..workers.len())
            .map(|k| workers.worker(k).handle.clone())
            .collect();
        let names: Vec<String> = self.open.keys().cloned().collect();
        for name in names {
            let Some(open) = self.open.get(&name) else {
                continue;
            };
            let readers = self.start_readers(&name, &open.endpoint);
            if let Some(open) = self.open.get_mut(&name) {
                open.readers = readers;
            }
        }
    }

    /// A queue of `endpoint` per worker, each read there; once they all are, the engine's
    /// queue stops receiving. When a queue cannot be made the engine's reads the device
    /// alone, as before (logged); a lab link has no queues.
    fn start_readers(&self, name: &str, endpoint: &Arc<ServiceEndpoint>) -> QueueReaders {
        if !endpoint.is_tun() || self.workers.is_empty() {
            return QueueReaders::default();
        }
        let service: Arc<str> = Arc::from(name);
        let mut readers = QueueReaders::default();
        for handle in &self.workers {
            let queue = {
                let _entered = handle.enter();
                endpoint.worker_queue()
            };
            let queue = match queue {
                Ok(Some(queue)) => Arc::new(queue),
                Ok(None) => return QueueReaders::default(),
                Err(e) => {
                    tracing::warn!("service interface {name}: read by the engine alone, not the data workers: {e}");
                    return QueueReaders::default();
                }
            };
            readers.0.push(handle.spawn(run_service(
                service.clone(),
                queue,
                self.queue.clone(),
                self.fast.clone(),
                Arc::clone(&self.drops),
            )));
        }
        if let Err(e) = endpoint.stop_receiving() {
            // The engine's queue keeps its share: still correct, only less spread.
            tracing::debug!("service interface {name}: the engine's queue still receives: {e}");
        }
        readers
    }

    /// [`Self::reconcile`], and the routing instances of `config` with it: their VRF devices
    /// are made first, each service TUN is then enslaved to the VRF of the instance that names
    /// it (or released to the main table), and the VRFs no instance asks for go last. A
    /// TUN's connected routes — its pools' prefixes — move with it into the VRF's table.
    pub fn reconcile_with_instances(
        &mut self,
        wanted: &[ServiceInterfaceSpec],
        config: &RouterConfig,
    ) {
        let vrfs = wanted_vrfs(&config.routing_instances);
        self.instances.create_missing(&vrfs);
        self.reconcile(wanted);
        for (name, open) in &mut self.open {
            // A lab link has no Linux device to enslave.
            if !open.endpoint.is_tun() {
                continue;
            }
            let master = config
                .routing_instance_of(name)
                .map(vrf_device_name)
                .filter(|device| self.instances.is_present(device));
            if open.master == master {
                continue;
            }
            let Ok(device) = linux_name(name) else {
                continue;
            };
            match self.instances.set_master(&device, master.as_deref()) {
                Ok(()) => {
                    // The kernel drops a device's routes when it changes table.
                    open.endpoint.forget_routes();
                    match &master {
                        Some(vrf) => tracing::info!("service interface {name} in VRF {vrf}"),
                        None => tracing::info!("service interface {name} in the main table"),
                    }
                    open.master = master;
                }
                Err(e) => tracing::warn!(
                    "service interface {name}: cannot move it to {}: {e}",
                    master.as_deref().unwrap_or("the main table")
                ),
            }
        }
        self.instances.delete_unwanted(&vrfs);
    }

    /// Opens the service interfaces in `wanted` not open yet, brings the open ones to their
    /// spec (addresses, MTU) and closes those no longer wanted (a TUN device goes with its
    /// descriptor, its routes with it). One that cannot be opened or set stays as it is,
    /// logged: the next commit tries again.
    pub fn reconcile(&mut self, wanted: &[ServiceInterfaceSpec]) {
        let fast = &self.fast;
        self.open.retain(|name, _| {
            let keep = wanted.iter().any(|spec| &spec.name == name);
            if !keep {
                fast.remove_service(name);
                tracing::info!("service interface {name} closed");
            }
            keep
        });
        for spec in wanted {
            match self.open.get_mut(&spec.name) {
                Some(open) if open.spec == *spec => {}
                Some(open) => {
                    match configure(&open.endpoint, spec) {
                        Ok(()) => {
                            tracing::info!("service interface {}: {}", spec.name, summary(spec))
                        }
                        Err(e) => tracing::warn!("service interface {}: {e}", spec.name),
                    }
                    open.spec = spec.clone();
                }
                None => self.open_one(spec),
            }
        }
    }

    /// Makes the kernel's Framed-Route routes to each service interface `routes` (prefixes
    /// by service interface name), in the table its device is in. A failure is logged; the
    /// next change tries again.
    pub fn set_routes(&self, routes: &BTreeMap<Arc<str>, Vec<Prefix>>) {
        for (name, open) in &self.open {
            let prefixes = routes.get(name.as_str()).map_or(&[][..], Vec::as_slice);
            let table = open
                .master
                .as_deref()
                .and_then(|vrf| self.instances.table_of(vrf))
                .unwrap_or(MAIN_TABLE);
            if let Err(e) = open.endpoint.set_routes(prefixes, table) {
                tracing::warn!("service interface {name}: framed routes: {e}");
            }
        }
    }

    fn open_one(&mut self, spec: &ServiceInterfaceSpec) {
        let endpoint = match self.links.get(&spec.name) {
            Some(path) => ServiceEndpoint::link(path),
            None => ServiceEndpoint::tun(&spec.name),
        };
        let endpoint = match endpoint {
            Ok(endpoint) => Arc::new(endpoint),
            Err(e) => {
                tracing::warn!(
                    "cannot open service interface {}: {e}; its subscribers get no IP service",
                    spec.name
                );
                return;
            }
        };
        if let Err(e) = configure(&endpoint, spec).and_then(|()| endpoint.set_up()) {
            tracing::warn!("service interface {}: {e}", spec.name);
        }
        let name: Arc<str> = Arc::from(spec.name.as_str());
        self.fast.add_service(&name, Arc::clone(&endpoint));
        let task = tokio::spawn(run_service(
            name,
            Arc::clone(&endpoint),
            self.queue.clone(),
            self.fast.clone(),
            Arc::clone(&self.drops),
        ));
        tracing::info!(
            "service interface {} open as {}: {}",
            spec.name,
            endpoint.describe(),
            summary(spec)
        );
        let readers = self.start_readers(&spec.name, &endpoint);
        self.open.insert(
            spec.name.clone(),
            OpenService {
                endpoint,
                spec: spec.clone(),
                master: None,
                task,
                readers,
            },
        );
    }

    /// Writes slow-path `packets` to service interface `name`, without waiting; what does
    /// not fit, or has no open interface, is dropped and counted.
    pub fn send(&self, name: &str, packets: &[Vec<u8>]) {
        let sent = match self.open.get(name) {
            Some(open) => open.endpoint.send_batch(packets.iter().map(Vec::as_slice)),
            None => {
                tracing::debug!(
                    "service interface {name} is not open; {} packets dropped",
                    packets.len()
                );
                0
            }
        };
        let failed = (packets.len() - sent) as u64;
        if failed > 0 {
            self.drops
                .send_failures
                .fetch_add(failed, Ordering::Relaxed);
        }
    }

    #[cfg(test)]
    pub fn endpoint(&self, name: &str) -> Option<&Arc<ServiceEndpoint>> {
        self.open.get(name).map(|open| &open.endpoint)
    }

    #[cfg(test)]
    pub fn drops(&self) -> &ServiceDrops {
        &self.drops
    }
}

/// A TUN device's queues read by the data workers exactly as the engine has them read
/// ([`ServiceIfaces::start_readers`]: one queue per worker, the device's own queue detached),
/// for `l2tp-bench`: what the readers hand the engine (packets no subscriber holds) waits in
/// a queue nobody reads, and drops once it is full.
pub struct ServiceQueueReaders {
    _readers: QueueReaders,
    _slow: channel::Receiver<ServiceInput>,
}

impl ServiceQueueReaders {
    /// A queue of `endpoint` (service interface `name`) per worker, read there.
    pub fn start(
        workers: &DataWorkers,
        name: &str,
        endpoint: &Arc<ServiceEndpoint>,
        fast: &FastPath,
    ) -> std::io::Result<ServiceQueueReaders> {
        let (queue, slow) = channel::channel(super::task::RECEIVE_QUEUE);
        let mut services = ServiceIfaces::new(BTreeMap::new(), queue, fast.clone());
        services.set_workers(workers);
        let readers = services.start_readers(name, endpoint);
        if readers.0.is_empty() {
            return Err(std::io::Error::other(format!(
                "{name}: no queue per worker (not a TUN device?)"
            )));
        }
        Ok(ServiceQueueReaders {
            _readers: readers,
            _slow: slow,
        })
    }
}

fn configure(endpoint: &ServiceEndpoint, spec: &ServiceInterfaceSpec) -> std::io::Result<()> {
    endpoint.set_mtu(spec.mtu)?;
    endpoint.set_loose_reverse_path(spec.loose_reverse_path)?;
    endpoint.set_addresses(&spec.addresses)
}

fn summary(spec: &ServiceInterfaceSpec) -> String {
    let pools: Vec<String> = spec
        .addresses
        .iter()
        .map(|(address, prefix)| format!("{address}/{prefix}"))
        .collect();
    let rpf = if spec.loose_reverse_path {
        ", rp_filter loose"
    } else {
        ""
    };
    format!("mtu {}, addresses [{}]{rpf}", spec.mtu, pools.join(" "))
}

async fn run_service(
    service: Arc<str>,
    endpoint: Arc<ServiceEndpoint>,
    queue: channel::Sender<ServiceInput>,
    fast: FastPath,
    drops: Arc<ServiceDrops>,
) {
    let mut batch = FrameBatch::new(BATCH, MAX_PACKET);
    let mut relayed = IpDownBuffers::default();
    let mut slow: Vec<Vec<u8>> = Vec::new();
    // Answers to packets a subscriber's output filter rejected: back to their senders.
    let mut answers: Vec<Vec<u8>> = Vec::new();
    let mut oversized = 0;
    loop {
        match endpoint.recv_batch(&mut batch, &mut oversized).await {
            Ok(_) => {
                fast.relay_ip_down(
                    batch.frames(),
                    &mut relayed,
                    |packet| slow.push(packet.to_vec()),
                    |answer| answers.push(answer.to_vec()),
                );
                if !answers.is_empty() {
                    endpoint.send_batch(answers.iter().map(|a| &a[..]));
                    answers.clear();
                }
                if !slow.is_empty() {
                    let packets = std::mem::take(&mut slow);
                    let count = packets.len() as u64;
                    let input = ServiceInput::Packets {
                        service: service.clone(),
                        packets,
                    };
                    match queue.try_send(input) {
                        Ok(()) => {}
                        Err(channel::error::TrySendError::Full(_)) => {
                            drops.queue_full.fetch_add(count, Ordering::Relaxed);
                        }
                        Err(channel::error::TrySendError::Closed(_)) => return,
                    }
                }
            }
            Err(e) => {
                tracing::debug!("service interface {service}: receive: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        if oversized > 0 {
            drops.oversized.fetch_add(oversized, Ordering::Relaxed);
            oversized = 0;
        }
    }
}

#[cfg(test)]
#[path = "service_ifaces_tests.rs"]
mod tests;
