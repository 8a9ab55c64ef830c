//! The engine's PPPoE ports: one frame endpoint per host interface that has a `family pppoe`
//! unit (AF_PACKET), or per lab link (a Unix datagram socket, `--access-link`). Each port has
//! a task of its own that receives batches into reused buffers, sends what the engine hands
//! it, and watches the interface's link state; the engine sees frames and link changes on
//! two queues: control (discovery, PPP negotiation, link state) awaited, and subscribers'
//! data that missed the fast path, dropped and counted when full ([`super::queues`]).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc as channel;
use tokio::task::JoinHandle;

use super::fast_path::{FastPath, UpBuffers};
use super::queues::{Inbound, Offered};
use crate::io::classify::{self, Class};
use crate::io::{AsyncFrameEndpoint, FrameBatch, FrameEndpoint, SocketLink};
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
}

impl Drop for OpenPort {
    fn drop(&mut self) {
        self.task.abort();
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
    pub fn reconcile(&mut self, wanted: &[String]) -> Vec<(String, PortFacts, bool)> {
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
                    let task = tokio::spawn(run_port(
                        port,
                        endpoint,
                        outgoing,
                        self.queues.clone(),
                        self.fast.clone(),
                    ));
                    tracing::info!("pppoe: port {name} open (mtu {})", facts.mtu);
                    self.open.insert(name.clone(), OpenPort { send, task });
                    opened.push((name.clone(), facts, up));
                }
                Err(e) => {
                    tracing::warn!("pppoe: cannot open port {name}: {e}; its units stay down")
                }
            }
        }
        opened
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
    let mut relayed = UpBuffers::default();
    let mut slow: Vec<Vec<u8>> = Vec::new();
    let mut data: Vec<Vec<u8>> = Vec::new();
    // Counted, not copied, while the data queue is full.
    let mut data_dropped = 0u64;
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
                    // Established subscribers' frames leave for the LNS here; the rest
                    // (discovery, negotiation, strangers) go to the core.
                    let data_full = queues.data_full();
                    fast.relay_up(&port, batch.frames(), &mut relayed, |frame| {
                        match classify::pppoe_frame(frame) {
                            Class::Control => slow.push(frame.to_vec()),
                            Class::Data if data_full => data_dropped += 1,
                            Class::Data => data.push(frame.to_vec()),
                        }
                    });
                    if !data.is_empty() {
                        let frames = std::mem::take(&mut data);
                        let count = frames.len() as u64;
                        let input = PortInput::Frames { port: port.clone(), frames };
                        match queues.offer(Class::Data, input).await {
                            Offered::Queued => {}
                            Offered::Dropped => data_dropped += count,
                            Offered::Closed => return,
                        }
                    }
                    queues.drops.count_pppoe(std::mem::take(&mut data_dropped));
                    if !slow.is_empty() {
                        let frames = std::mem::take(&mut slow);
                        let input = PortInput::Frames { port: port.clone(), frames };
                        if queues.offer(Class::Control, input).await == Offered::Closed {
                            return;
                        }
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
        assert_eq!(ports.reconcile(&[PORT.to_string()]).len(), 1);
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
