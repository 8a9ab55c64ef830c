//! The engine's PPPoE ports: one frame endpoint per host interface that has a `family pppoe`
//! unit (AF_PACKET), or per lab link (a Unix datagram socket, `--access-link`). Each port has
//! a task of its own that receives batches into reused buffers, sends what the engine hands
//! it, and watches the interface's link state; the engine sees frames and link changes on
//! two queues: control (discovery, PPP negotiation, link state) awaited, and subscribers'
//! data that missed the fast path, dropped and counted when full ([`super::queues`]).
//!
//! A host interface's frames are read on the data workers (issue 15, item 2): one packet
//! socket per worker, joined in a fan-out group that gives each PPPoE session to one worker
//! (by session ID, [`crate::io::packet_socket::PacketSocket::start_fanout`]), so a session's
//! frames stay in order and the relay runs on every core. A worker's reader does what the
//! port task did: relay what the table takes, and offer the rest to the same control and
//! data queues, control first. The port task keeps a socket that no longer receives, for
//! the engine's own frames (discovery, PPP negotiation), the link state and the MAC.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc as channel;
use tokio::task::JoinHandle;

use super::fast_path::{FastPath, UpBuffers};
use super::queues::{DataDrops, Inbound, Offered, CONTROL_QUEUE, PORT_DATA_QUEUE};
use crate::io::classify::{self, Class};
use crate::io::data_workers::{DataWorkers, WorkerStats};
use crate::io::rx_ring::RingSize;
use crate::io::{AsyncFrameEndpoint, FrameBatch, FrameEndpoint, PacketSocket, SocketLink};
use crate::pppoe::wire::MacAddr;
use crate::subscriber::pppoe_access::PortFacts;

/// Frames per receive batch, and the largest frame (a jumbo frame with two VLAN tags).
const BATCH: usize = 64;
const MAX_FRAME: usize = 9_216;
/// How often a port's link state is read (carrier loss ends its subscribers).
const LINK_POLL: Duration = Duration::from_secs(1);
/// The lab link's MAC: locally administered, so it can never be a real NIC's.
const LINK_MAC: MacAddr = MacAddr([0x02, 0x00, 0x5e, 0x10, 0x00, 0x01]);

/// What a port reports to the engine.
pub(super) enum PortInput {
    /// The frames of one receive batch the fast path did not relay: one queue message per
    /// batch, so a burst (a PADT from every subscriber) costs the queue 64 times less.
    Frames {
        port: Arc<str>,
        frames: Vec<Vec<u8>>,
    },
    Link {
        port: Arc<str>,
        up: bool,
    },
    /// Frames the kernel dropped on the port's socket since the last report.
    KernelDrops {
        port: Arc<str>,
        count: u64,
    },
}

struct OpenPort {
    send: channel::UnboundedSender<Vec<Vec<u8>>>,
    task: JoinHandle<()>,
    /// The workers' readers of a host interface's fan-out group; empty for a lab link, or
    /// when the group could not be made (the port task then reads the port itself).
    readers: WorkerReaders,
}

impl Drop for OpenPort {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One reader task per data worker; dropped, they end (and close their sockets).
#[derive(Default)]
struct WorkerReaders {
    tasks: Vec<JoinHandle<()>>,
    /// How many of their sockets read through a receive ring (the rest with recvmmsg).
    rings: usize,
}

impl Drop for WorkerReaders {
    fn drop(&mut self) {
        for reader in &self.tasks {
            reader.abort();
        }
    }
}

pub(super) struct Ports {
    open: BTreeMap<String, OpenPort>,
    links: BTreeMap<String, PathBuf>,
    queues: Inbound<PortInput>,
    fast: FastPath,
}

impl Ports {
    pub fn new(
        links: BTreeMap<String, PathBuf>,
        queues: Inbound<PortInput>,
        fast: FastPath,
    ) -> Self {
        Self {
            open: BTreeMap::new(),
            links,
            queues,
            fast,
        }
    }

    /// Opens the ports in `wanted` not open yet (the facts of each opened, for the core) and
    /// closes those no longer wanted. A port that cannot be opened stays closed, logged: the
    /// interface may appear later, and the next commit tries again.
    pub fn reconcile(
        &mut self,
        wanted: &[String],
        workers: &DataWorkers,
    ) -> Vec<(String, PortFacts, bool)> {
        self.open.retain(|name, _| {
            let keep = wanted.contains(name);
            if !keep {
                self.fast.remove_port(name);
                tracing::info!("pppoe: port {name} closed");
            }
            keep
        });
        let mut opened = Vec::new();
        for name in wanted {
            if self.open.contains_key(name) {
                continue;
            }
            match self.open_endpoint(name) {
                Ok(endpoint) => {
                    let facts = facts_of(endpoint.get_ref());
                    let up = endpoint.get_ref().link_up().unwrap_or(false);
                    let (send, outgoing) = channel::unbounded_channel();
                    let port: Arc<str> = Arc::from(name.as_str());
                    if let Err(e) = self.fast.add_port(&port, endpoint.get_ref(), &send) {
                        // Its subscribers' frames then all take the slow path.
                        tracing::warn!("pppoe: port {name}: no fast path: {e}");
                    }
                    let readers = self.fan_out(&port, endpoint.get_ref(), workers);
                    let task = tokio::spawn(run_port(
                        port,
                        endpoint,
                        outgoing,
                        self.queues.clone(),
                        self.fast.clone(),
                    ));
                    tracing::info!("pppoe: port {name} open (mtu {})", facts.mtu);
                    self.open.insert(
                        name.clone(),
                        OpenPort {
                            send,
                            task,
                            readers,
                        },
                    );
                    opened.push((name.clone(), facts, up));
                }
                Err(e) => {
                    tracing::warn!("pppoe: cannot open port {name}: {e}; its units stay down")
                }
            }
        }
        opened
    }

    /// The data workers changed (a commit of `data-workers`): each host interface's
    /// fan-out group is made again on the new workers. The old group went with the old
    /// workers' threads; frames that arrive in between are lost, as on any reconfiguration
    /// of a forwarding plane (PPP copes with loss).
    pub fn refan(&mut self, workers: &DataWorkers) {
        let names: Vec<String> = self
            .open
            .iter()
            .filter(|(_, port)| !port.readers.tasks.is_empty())
            .map(|(name, _)| name.clone())
            .collect();
        for name in names {
            let port: Arc<str> = Arc::from(name.as_str());
            let readers = match self.start_readers(&port, workers) {
                Ok(readers) => readers,
                Err(e) => {
                    // The engine's socket no longer receives: say so loudly.
                    tracing::error!("pppoe: port {name}: cannot read it on the new data workers: {e}; its subscribers get no frames until the port is opened again");
                    WorkerReaders::default()
                }
            };
            if let Some(open) = self.open.get_mut(&name) {
                open.readers = readers;
            }
        }
    }

    /// Starts the workers' readers of a host interface (not a lab link) and stops the
    /// port task's socket from receiving; when that fails, the port task goes on reading
    /// the port alone, as before the workers (logged).
    fn fan_out(
        &self,
        port: &Arc<str>,
        endpoint: &FrameEndpoint,
        workers: &DataWorkers,
    ) -> WorkerReaders {
        let FrameEndpoint::Packet(socket) = endpoint else {
            return WorkerReaders::default();
        };
        let readers = match self.start_readers(port, workers) {
            Ok(readers) => readers,
            Err(e) => {
                tracing::warn!(
                    "pppoe: port {port}: read by the engine alone, not the data workers: {e}"
                );
                return WorkerReaders::default();
            }
        };
        if let Err(e) = socket.stop_receiving() {
            // Both would read every frame: the workers go, the engine reads alone.
            tracing::warn!(
                "pppoe: port {port}: read by the engine alone, not the data workers: {e}"
            );
            return WorkerReaders::default();
        }
        readers
    }

    /// One packet socket per worker on `port`, in one fan-out group, each read by a task
    /// on its worker's runtime.
    fn start_readers(
        &self,
        port: &Arc<str>,
        workers: &DataWorkers,
    ) -> std::io::Result<WorkerReaders> {
        let mut readers = WorkerReaders::default();
        let mut group = None;
        for k in 0..workers.len() {
            let worker = workers.worker(k);
            // The ring goes on before the socket joins the group: setting it takes the
            // socket out of the group and back in at the end, which would reorder the
            // members (discovery is the first one's).
            let (socket, no_ring) =
                PacketSocket::open_with_ring(port, RingSize::for_member(workers.len()))?;
            match no_ring {
                None => readers.rings += 1,
                Some(why) => ring_unavailable(port, &why),
            }
            match group {
                None => group = Some(socket.start_fanout()?),
                Some(group) => socket.join_fanout(group)?,
            }
            // Registered with the worker's reactor, so its frames wake that thread only.
            let endpoint = {
                let _entered = worker.handle.enter();
                AsyncFrameEndpoint::new(socket)?
            };
            readers.tasks.push(worker.handle.spawn(read_port(
                port.clone(),
                endpoint,
                self.queues.clone(),
                self.fast.clone(),
                Arc::clone(worker.stats),
            )));
        }
        Ok(readers)
    }

    fn open_endpoint(&self, name: &str) -> std::io::Result<AsyncFrameEndpoint> {
        match self.links.get(name) {
            Some(path) => {
                // A socket left by an earlier run would make bind fail.
                let _ = std::fs::remove_file(path);
                AsyncFrameEndpoint::new(SocketLink::bind(path, LINK_MAC)?)
            }
            None => AsyncFrameEndpoint::packet(name),
        }
    }

    /// Hands `frames` to port `name`'s task; dropped (and logged) when the port is closed.
    pub fn send(&self, name: &str, frames: Vec<Vec<u8>>) {
        match self.open.get(name) {
            Some(port) => {
                let _ = port.send.send(frames);
            }
            None => tracing::debug!(
                "pppoe: port {name} is not open; {} frames dropped",
                frames.len()
            ),
        }
    }
}

/// A port's workers read with recvmmsg because the kernel refused the receive ring: said
/// once per daemon (every port and worker would fail alike), not per socket.
fn ring_unavailable(port: &str, why: &std::io::Error) {
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        tracing::warn!(
            "pppoe: port {port}: no receive ring (PACKET_RX_RING, TPACKET_V3): {why}; the data workers read PPPoE ports with recvmmsg"
        );
    });
}

fn facts_of(endpoint: &FrameEndpoint) -> PortFacts {
    PortFacts {
        mac: endpoint.mac().map(|m| m.0).unwrap_or(LINK_MAC.0),
        mtu: endpoint
            .mtu()
            .ok()
            .and_then(|m| u16::try_from(m).ok())
            .unwrap_or(1500),
    }
}

async fn run_port(
    port: Arc<str>,
    mut endpoint: AsyncFrameEndpoint,
    mut outgoing: channel::UnboundedReceiver<Vec<Vec<u8>>>,
    queues: Inbound<PortInput>,
    fast: FastPath,
) {
    let queue = &queues.control;
    let mut batch = FrameBatch::new(BATCH, MAX_FRAME);
    let mut route = Route::default();
    let mut link = tokio::time::interval(LINK_POLL);
    let mut up = endpoint.get_ref().link_up().unwrap_or(false);
    loop {
        tokio::select! {
            biased;
            frames = outgoing.recv() => {
                let Some(frames) = frames else { return };
                if let Err(e) = endpoint.send_all(&frames).await {
                    tracing::debug!("pppoe: send on {port}: {e}");
                }
            }
            received = endpoint.recv_batch(&mut batch) => match received {
                Ok(_) => {
                    if !route.received(&port, &batch, &queues, &fast).await {
                        return;
                    }
                }
                Err(e) => {
                    tracing::debug!("pppoe: receive on {port}: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            _ = link.tick() => {
                let count = endpoint.get_ref().kernel_drops().unwrap_or(0);
                if count > 0 {
                    tracing::warn!("pppoe: port {port}: the kernel dropped {count} frames (receive buffer full)");
                    let input = PortInput::KernelDrops { port: port.clone(), count };
                    if queue.send(input).await.is_err() {
                        return;
                    }
                }
                let now_up = endpoint.get_ref().link_up().unwrap_or(false);
                if now_up != up {
                    up = now_up;
                    tracing::info!("pppoe: port {port} link {}", if up { "up" } else { "down" });
                    if queue.send(PortInput::Link { port: port.clone(), up }).await.is_err() {
                        return;
                    }
                }
            }
        }
    }
}

/// A host interface's fan-out group read by the data workers exactly as the engine reads a
/// port ([`Ports`]), for tests and `l2tp-bench`: what the readers hand the engine waits in
/// queues that the caller reads (or that fill and drop, as the engine's would).
pub struct PortReaders {
    readers: WorkerReaders,
    control: channel::Receiver<PortInput>,
    _data: channel::Receiver<PortInput>,
}

impl PortReaders {
    /// One reader per worker on `port` (opened from the calling thread's namespace).
    pub fn start(
        workers: &DataWorkers,
        port: &str,
        fast: &FastPath,
    ) -> std::io::Result<PortReaders> {
        let (control, control_rx) = channel::channel(CONTROL_QUEUE);
        let (data, data_rx) = channel::channel(PORT_DATA_QUEUE);
        let queues = Inbound {
            control,
            data,
            drops: Arc::new(DataDrops::default()),
        };
        let ports = Ports::new(BTreeMap::new(), queues, fast.clone());
        let readers = ports.start_readers(&Arc::from(port), workers)?;
        Ok(PortReaders {
            readers,
            control: control_rx,
            _data: data_rx,
        })
    }

    /// How many of the workers' sockets read the port through a receive ring
    /// (PACKET_RX_RING); the others read it with recvmmsg.
    pub fn rings(&self) -> usize {
        self.readers.rings
    }

    /// The frames the readers handed the engine's control queue since the last call.
    pub fn control_frames(&mut self) -> Vec<Vec<u8>> {
        let mut frames = Vec::new();
        while let Ok(input) = self.control.try_recv() {
            if let PortInput::Frames { frames: more, .. } = input {
                frames.extend(more);
            }
        }
        frames
    }
}

/// A worker's reader of its share of a port's fan-out group: the receive half of
/// [`run_port`], and the kernel's drops on its socket reported as the port task reports its
/// own (at most once per [`LINK_POLL`], after a batch: a socket drops only under traffic).
async fn read_port(
    port: Arc<str>,
    mut endpoint: AsyncFrameEndpoint,
    queues: Inbound<PortInput>,
    fast: FastPath,
    stats: Arc<WorkerStats>,
) {
    let mut batch = FrameBatch::new(BATCH, MAX_FRAME);
    let mut route = Route::default();
    let mut drops_due = tokio::time::Instant::now() + LINK_POLL;
    loop {
        match endpoint.recv_batch(&mut batch).await {
            Ok(n) => {
                stats.add_frames(n);
                if !route.received(&port, &batch, &queues, &fast).await {
                    return;
                }
            }
            Err(e) => {
                tracing::debug!("pppoe: receive on {port}: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        let now = tokio::time::Instant::now();
        if now >= drops_due {
            drops_due = now + LINK_POLL;
            let count = endpoint.get_ref().kernel_drops().unwrap_or(0);
            if count > 0 {
                tracing::warn!(
                    "pppoe: port {port}: the kernel dropped {count} frames (receive buffer full)"
                );
                let input = PortInput::KernelDrops {
                    port: port.clone(),
                    count,
                };
                if queues.control.send(input).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// What a port's reader does with a received batch, with its reused buffers.
#[derive(Default)]
struct Route {
    relayed: UpBuffers,
    slow: Vec<Vec<u8>>,
    data: Vec<Vec<u8>>,
    /// Counted, not copied, while the data queue is full.
    data_dropped: u64,
}

impl Route {
    /// Established subscribers' frames leave for the LNS here; the rest (discovery,
    /// negotiation, strangers) go to the core, control on its own queue. `false` when the
    /// engine is gone.
    async fn received(
        &mut self,
        port: &Arc<str>,
        batch: &FrameBatch,
        queues: &Inbound<PortInput>,
        fast: &FastPath,
    ) -> bool {
        let data_full = queues.data_full();
        let Route {
            relayed,
            slow,
            data,
            data_dropped,
        } = self;
        fast.relay_up(
            port,
            batch.frames(),
            relayed,
            |frame| match classify::pppoe_frame(frame) {
                Class::Control => slow.push(frame.to_vec()),
                Class::Data if data_full => *data_dropped += 1,
                Class::Data => data.push(frame.to_vec()),
            },
        );
        if !data.is_empty() {
            let frames = std::mem::take(data);
            let count = frames.len() as u64;
            let input = PortInput::Frames {
                port: port.clone(),
                frames,
            };
            match queues.offer(Class::Data, input).await {
                Offered::Queued => {}
                Offered::Dropped => *data_dropped += count,
                Offered::Closed => return false,
            }
        }
        queues.drops.count_pppoe(std::mem::take(data_dropped));
        if !slow.is_empty() {
            let frames = std::mem::take(slow);
            let input = PortInput::Frames {
                port: port.clone(),
                frames,
            };
            if queues.offer(Class::Control, input).await == Offered::Closed {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::queues::{drain, DataDrops};
    use std::time::Duration;

    const PORT: &str = "ge-0/0/1";

    fn frame(ethertype: u16, payload: &[u8]) -> Vec<u8> {
        let mut frame = vec![0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 9];
        frame.extend_from_slice(&ethertype.to_be_bytes());
        frame.extend_from_slice(payload);
        frame
    }

    fn session(ppp: &[u8]) -> Vec<u8> {
        let mut body = vec![0x11, 0x00, 0x00, 0x07, 0x00, 0x00];
        body.extend_from_slice(ppp);
        frame(0x8864, &body)
    }

    /// A port with its data queue full: the subscribers' IP is dropped and counted, the
    /// PADI and the LCP frame still reach the control queue, in one batch.
    #[tokio::test]
    async fn a_port_sorts_control_from_data_and_drops_only_data() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("port.sock");
        let (control, mut control_rx) = channel::channel(8);
        let (data, mut data_rx) = channel::channel(1);
        let drops = Arc::new(DataDrops::default());
        let inbound = Inbound {
            control,
            data,
            drops: Arc::clone(&drops),
        };
        // Full before anything arrives.
        let filler = PortInput::Link {
            port: Arc::from(PORT),
            up: true,
        };
        assert!(inbound.data.try_send(filler).is_ok());
        let mut ports = Ports::new(
            [(PORT.to_string(), path.clone())].into(),
            inbound,
            FastPath::default(),
        );
        let workers = DataWorkers::start(1).expect("workers");
        assert_eq!(ports.reconcile(&[PORT.to_string()], &workers).len(), 1);
        let subscriber = SocketLink::connect(
            dir.path().join("sub.sock"),
            &path,
            MacAddr([0x02, 0, 0, 0, 0, 9]),
        )
        .expect("connect");
        let ip = session(&[0x00, 0x21, 0x45, 0x00]);
        let padi = frame(0x8863, &[0x11, 0x09, 0x00, 0x00, 0x00, 0x00]);
        let lcp = session(&[0xc0, 0x21, 0x01, 0x01, 0x00, 0x04]);
        let frames = [&ip, &ip, &padi, &ip, &lcp];
        subscriber
            .send_batch(frames.iter().map(|f| &f[..]))
            .expect("send");
        let mut control = Vec::new();
        while control.len() < 2 {
            let input = tokio::time::timeout(Duration::from_secs(10), control_rx.recv())
                .await
                .expect("control arrives although the data queue is full")
                .expect("open");
            if let PortInput::Frames { frames, .. } = input {
                control.extend(frames);
            }
        }
        assert_eq!(control, [padi, lcp]);
        assert_eq!(drops.totals(), (0, 3));
        let mut queued = 0;
        drain(&mut data_rx, 8, |_| queued += 1);
        assert_eq!(queued, 1, "only the filler");
    }
}
