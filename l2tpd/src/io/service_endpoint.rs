//! A service interface's endpoint: where the LNS's subscribers' IP packets meet the host's
//! routing. On a router it is a TUN device (layer 3, IFF_NO_PI: each read or write is one
//! bare IPv4 packet) that stands for the Junos `si-` interface a tunnel group names: one
//! device per service interface, not one per subscriber. The device carries each address
//! pool's gateway with the pool's prefix, so the kernel routes every pool network to it, one
//! route per pool; the daemon then finds the subscriber by destination address
//! ([`super::ip_relay`]).
//!
//! In the lab and in tests without root it is a Unix datagram socket carrying the same bare
//! IPv4 packets ([`ServiceLink`]), as `--access-link` stands in for a PPPoE port.
//!
//! No `unsafe` here: tun-rs owns the ioctls. They act by name through a socket of the
//! calling thread's network namespace, so a TUN endpoint's settings (addresses, MTU, link,
//! name) must be changed from the namespace it was made in; reads and writes work anywhere.

use std::io;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use tokio::net::UnixDatagram;
use tun_rs::GROTable;

use super::frame_batch::{FrameBatch, HEADROOM};
use super::prefix_table::Prefix;
use super::tun_queue::{send_each, Offload, TunQueue, VNET_HEADROOM};

/// Linux's IFNAMSIZ is 16 with the terminating NUL.
pub const MAX_LINUX_NAME: usize = 15;

/// RFC 2661 over UDP over IPv4 on a 1500-octet path: 1500 − IP 20 − UDP 8 − L2TP 8 (flags,
/// length, IDs; no sequence numbers) − PPP 4 (FF 03 00 21) = 1460. With this MTU on the
/// device the kernel itself answers a packet toward a subscriber that is bigger and has DF
/// set with ICMP fragmentation-needed (RFC 1191) carrying 1460, before the packet ever
/// reaches us, and fragments one without DF; we never have to fragment or send ICMP.
pub const SERVICE_MTU: u16 = 1460;

/// Why a service interface cannot be a TUN device.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ServiceNameError {
    #[error("service interface name is empty")]
    Empty,
    #[error(
        "service interface {name}: its Linux name {linux} is longer than {MAX_LINUX_NAME} characters"
    )]
    TooLong { name: String, linux: String },
    #[error("service interface {name}: a Linux interface name cannot contain {character:?}")]
    BadCharacter { name: String, character: char },
}

/// The Linux name of service interface `service`: `si-1/0/0` → `si-1-0-0` (a `/` cannot be
/// in a Linux interface name). Refuses what Linux would refuse, with the reason.
pub fn linux_name(service: &str) -> Result<String, ServiceNameError> {
    if service.is_empty() {
        return Err(ServiceNameError::Empty);
    }
    if let Some(character) = service
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || *c == ':' || !c.is_ascii())
    {
        return Err(ServiceNameError::BadCharacter {
            name: service.to_string(),
            character,
        });
    }
    let linux = service.replace('/', "-");
    if linux.len() > MAX_LINUX_NAME {
        return Err(ServiceNameError::TooLong {
            name: service.to_string(),
            linux,
        });
    }
    Ok(linux)
}

/// One service interface's packet endpoint.
#[derive(Debug)]
pub struct ServiceEndpoint {
    kind: Kind,
    /// The addresses last set, so a commit that changes one pool touches only that one.
    addresses: Mutex<Vec<(Ipv4Addr, u8)>>,
    /// The Framed-Route prefixes routed to the device, with the table each went in.
    routes: Mutex<Vec<(Prefix, u32)>>,
}

#[derive(Debug)]
enum Kind {
    Tun(TunQueue),
    Link(ServiceLink),
}

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl ServiceEndpoint {
    /// Creates (or attaches to) the TUN device of service interface `service`, with
    /// [`SERVICE_MTU`], down until [`ServiceEndpoint::set_up`]. Needs CAP_NET_ADMIN and a
    /// tokio runtime. With the kernel's offload when it takes it ([`super::tun_queue`]).
    pub fn tun(service: &str) -> io::Result<ServiceEndpoint> {
        Self::tun_with(service, Offload::Auto)
    }

    /// [`Self::tun`], asking for offload or not (tests and benches compare both).
    pub fn tun_with(service: &str, offload: Offload) -> io::Result<ServiceEndpoint> {
        let name =
            linux_name(service).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        // Multi-queue: each data worker reads a queue of its own ([`Self::worker_queue`]).
        let queue = TunQueue::open(&name, SERVICE_MTU, offload)?;
        disable_ipv6(&name);
        Ok(Self::with(Kind::Tun(queue)))
    }

    /// The daemon's end of a lab link, listening at `path` (a socket file left by an earlier
    /// run is replaced). Needs a tokio runtime.
    pub fn link(path: impl AsRef<Path>) -> io::Result<ServiceEndpoint> {
        let path = path.as_ref();
        let _ = std::fs::remove_file(path);
        Ok(Self::from(ServiceLink::bind(path)?))
    }

    fn with(kind: Kind) -> Self {
        Self {
            kind,
            addresses: Mutex::new(Vec::new()),
            routes: Mutex::new(Vec::new()),
        }
    }

    /// Another queue of this TUN device (IFF_MULTI_QUEUE), registered with the calling
    /// thread's runtime: a data worker's share of the packets toward subscribers (the kernel
    /// spreads them over the queues by flow, so a flow stays in order). `None` for a lab
    /// link, which has one socket.
    pub fn worker_queue(&self) -> io::Result<Option<ServiceEndpoint>> {
        match &self.kind {
            Kind::Tun(queue) => Ok(Some(Self::with(Kind::Tun(queue.try_clone()?)))),
            Kind::Link(_) => Ok(None),
        }
    }

    /// Stops this queue from receiving (it still writes): the engine's queue once the
    /// workers' queues read the device.
    pub fn stop_receiving(&self) -> io::Result<()> {
        match &self.kind {
            Kind::Tun(queue) => super::packet_socket::detach_tun_queue(queue.device()),
            Kind::Link(_) => Ok(()),
        }
    }

    pub fn is_tun(&self) -> bool {
        matches!(self.kind, Kind::Tun(_))
    }

    /// Whether the TUN device runs with the kernel's offload (super-packets).
    pub fn offload(&self) -> bool {
        matches!(&self.kind, Kind::Tun(queue) if queue.offload())
    }

    /// The device's name (the Linux one), or the link's path.
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Tun(queue) => queue.device().name().unwrap_or_default(),
            Kind::Link(link) => link.path.display().to_string(),
        }
    }

    /// Makes `addresses` (each pool's gateway with the pool's prefix) the device's IPv4
    /// addresses: the ones no longer wanted go, the new ones come, the others stay (their
    /// routes and the subscribers' traffic are not disturbed). A link only records them.
    pub fn set_addresses(&self, addresses: &[(Ipv4Addr, u8)]) -> io::Result<()> {
        let mut current = locked(&self.addresses);
        if let Kind::Tun(queue) = &self.kind {
            let device = queue.device();
            for old in current.iter().filter(|a| !addresses.contains(a)) {
                device.remove_address(old.0.into())?;
            }
            for new in addresses.iter().filter(|a| !current.contains(a)) {
                device.add_address_v4(new.0, new.1)?;
            }
        }
        *current = addresses.to_vec();
        Ok(())
    }

    pub fn addresses(&self) -> Vec<(Ipv4Addr, u8)> {
        locked(&self.addresses).clone()
    }

    /// Makes `prefixes` the kernel's routes to the device in `table` (the main table, or
    /// its VRF's): the ones no longer wanted go, the new ones come. A link only records
    /// them. Every route is tried; the first error is returned.
    pub fn set_routes(&self, prefixes: &[Prefix], table: u32) -> io::Result<()> {
        let mut current = locked(&self.routes);
        let wanted: Vec<(Prefix, u32)> = prefixes.iter().map(|p| (*p, table)).collect();
        let Kind::Tun(queue) = &self.kind else {
            *current = wanted;
            return Ok(());
        };
        let index = queue.device().if_index()?;
        for (prefix, table) in current.iter().filter(|r| !wanted.contains(r)) {
            // Already gone (the device went down with it) is what was wanted.
            if let Err(e) = super::route::delete_route(*prefix, index, *table) {
                tracing::debug!("service interface {}: route {prefix}: {e}", self.describe());
            }
        }
        // Only what the kernel took is recorded: a failed route is tried again next time.
        let mut first_error = None;
        let mut now_set: Vec<(Prefix, u32)> = Vec::with_capacity(wanted.len());
        for route in wanted {
            let (prefix, table) = route;
            if current.contains(&route) {
                now_set.push(route);
                continue;
            }
            match super::route::add_route(prefix, index, table) {
                Ok(()) => now_set.push(route),
                Err(e) => {
                    first_error.get_or_insert(io::Error::new(
                        e.kind(),
                        format!("route {prefix} table {table}: {e}"),
                    ));
                }
            }
        }
        *current = now_set;
        first_error.map_or(Ok(()), Err)
    }

    /// The routes last set (the kernel dropped them: a device moved to another table loses
    /// its routes), so the next [`Self::set_routes`] adds every one again.
    pub fn forget_routes(&self) {
        locked(&self.routes).clear();
    }

    pub fn routes(&self) -> Vec<(Prefix, u32)> {
        locked(&self.routes).clone()
    }

    pub fn set_mtu(&self, mtu: u16) -> io::Result<()> {
        match &self.kind {
            Kind::Tun(queue) => queue.device().set_mtu(mtu),
            Kind::Link(_) => Ok(()),
        }
    }

    pub fn mtu(&self) -> io::Result<u16> {
        match &self.kind {
            Kind::Tun(queue) => queue.device().mtu(),
            Kind::Link(_) => Ok(SERVICE_MTU),
        }
    }

    /// The kernel's reverse-path check on what subscribers send (`rp_filter`): loose (2), a
    /// source it has no route to is dropped, for subscribers whose profile says `rpf-check
    /// mode loose` (the daemon checks the others strictly itself: their own address and
    /// routed prefixes); else off (0), the daemon's check being the one that applies, and
    /// the kernel's a second lookup per packet. The kernel uses the larger of `all` and the
    /// device's value. A lab link has no kernel check.
    pub fn set_loose_reverse_path(&self, loose: bool) -> io::Result<()> {
        let Kind::Tun(queue) = &self.kind else {
            return Ok(());
        };
        let knob = format!(
            "/proc/sys/net/ipv4/conf/{}/rp_filter",
            queue.device().name()?
        );
        std::fs::write(&knob, if loose { "2" } else { "0" })
            .map_err(|e| io::Error::new(e.kind(), format!("{knob}: {e}")))
    }

    /// Link up: the kernel starts routing the pools' networks to the device.
    pub fn set_up(&self) -> io::Result<()> {
        match &self.kind {
            Kind::Tun(queue) => queue.device().enabled(true),
            Kind::Link(_) => Ok(()),
        }
    }

    /// Waits for at least one packet, then takes what is queued, up to the batch's capacity,
    /// into its reused slots; a TUN super-packet (offload) is split into its packets. A
    /// packet longer than the slots is dropped (counted in `truncated`), never delivered cut
    /// short.
    pub async fn recv_batch(
        &self,
        batch: &mut FrameBatch,
        truncated: &mut u64,
    ) -> io::Result<usize> {
        loop {
            batch.clear();
            match &self.kind {
                Kind::Tun(queue) => {
                    queue.readable().await?;
                    match queue.try_recv_batch(batch, truncated) {
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                        other => other?,
                    }
                }
                Kind::Link(link) => {
                    link.socket.readable().await?;
                    link.recv_batch(batch, truncated)?;
                }
            }
            if !batch.is_empty() {
                return Ok(batch.len());
            }
        }
    }

    /// Writes one packet without waiting: `WouldBlock` when the device's queue (or the
    /// link's socket) is full. The caller drops and counts it, as a full NIC queue would.
    pub fn try_send(&self, packet: &[u8]) -> io::Result<()> {
        match &self.kind {
            Kind::Tun(queue) => queue.try_send(packet),
            Kind::Link(link) => link.try_send(packet),
        }
    }

    /// Writes `packets` in order without waiting, one packet a write; returns how many
    /// went. For the few (slow path, filter answers); a worker's batch goes through
    /// [`Self::send_packets`].
    pub fn send_batch<'a>(&self, packets: impl IntoIterator<Item = &'a [u8]>) -> usize {
        send_each(packets, |packet| self.try_send(packet))
    }

    /// Writes `packets`, each behind [`VNET_HEADROOM`] octets of room, without waiting,
    /// in order within each flow; with offload a flow's packets that can coalesce go out as
    /// one super-packet ([`TunQueue::send_packets`], `gro` reused by the caller). Returns
    /// how many of the packets went.
    pub fn send_packets(&self, packets: &mut [Vec<u8>], gro: &mut GROTable) -> usize {
        match &self.kind {
            Kind::Tun(queue) => queue.send_packets(packets, gro),
            Kind::Link(link) => send_each(packets.iter().map(|p| &p[VNET_HEADROOM..]), |p| {
                link.try_send(p)
            }),
        }
    }
}

impl From<ServiceLink> for ServiceEndpoint {
    fn from(link: ServiceLink) -> Self {
        Self::with(Kind::Link(link))
    }
}

/// The subscribers' addresses are IPv4 (IPCP): without this the kernel gives the device an
/// IPv6 link-local address and sends router solicitations through it, which the LNS could
/// only count as drops. Best effort: a kernel without IPv6 has nothing to turn off.
fn disable_ipv6(device: &str) {
    let knob = format!("/proc/sys/net/ipv6/conf/{device}/disable_ipv6");
    if let Err(e) = std::fs::write(&knob, "1") {
        tracing::debug!("{knob}: {e}");
    }
}

/// A service interface over a Unix datagram socket: each datagram is one bare IPv4 packet.
/// The daemon [`ServiceLink::bind`]s a path and answers whoever sent last (one lab "network"
/// per link); the other end [`ServiceLink::connect`]s from a path of its own and may announce
/// itself with an empty datagram ([`ServiceLink::announce`]) before it has a packet to send.
#[derive(Debug)]
pub struct ServiceLink {
    socket: UnixDatagram,
    path: PathBuf,
    peer: Option<Mutex<Option<PathBuf>>>,
}

impl ServiceLink {
    /// The daemon's end at `path`. Needs a tokio runtime.
    pub fn bind(path: impl AsRef<Path>) -> io::Result<ServiceLink> {
        let path = path.as_ref().to_path_buf();
        Ok(ServiceLink {
            socket: UnixDatagram::bind(&path)?,
            path,
            peer: Some(Mutex::new(None)),
        })
    }

    /// The far end (a test, the lab's "internet"): bound at `local`, connected to `remote`.
    pub fn connect(local: impl AsRef<Path>, remote: impl AsRef<Path>) -> io::Result<ServiceLink> {
        let path = local.as_ref().to_path_buf();
        let socket = UnixDatagram::bind(&path)?;
        socket.connect(remote)?;
        Ok(ServiceLink {
            socket,
            path,
            peer: None,
        })
    }

    /// Both ends in one process (tests).
    pub fn pair() -> io::Result<(ServiceLink, ServiceLink)> {
        let (a, b) = UnixDatagram::pair()?;
        let end = |socket| ServiceLink {
            socket,
            path: PathBuf::from("(pair)"),
            peer: None,
        };
        Ok((end(a), end(b)))
    }

    /// Takes what is queued into `batch` without waiting. An empty datagram is the far end
    /// saying where it is (the daemon answers the last sender), not a packet.
    fn recv_batch(&self, batch: &mut FrameBatch, truncated: &mut u64) -> io::Result<()> {
        let max = batch.max_frame_len();
        for slot in 0..batch.capacity() {
            // One byte more than the largest packet: a read that fills it was longer.
            let len = match self.try_recv(&mut batch.slot_mut(slot)[HEADROOM..]) {
                Ok(len) => len,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if slot == 0 => return Err(e),
                // A later error shows again on the next call.
                Err(_) => break,
            };
            if len > max {
                *truncated += 1;
            } else if len > 0 {
                batch.deliver(slot, HEADROOM..HEADROOM + len);
            }
        }
        Ok(())
    }

    fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        match &self.peer {
            None => self.socket.try_recv(buf),
            Some(peer) => {
                let (len, from) = self.socket.try_recv_from(buf)?;
                if let Some(from) = from.as_pathname() {
                    let mut peer = locked(peer);
                    if peer.as_deref() != Some(from) {
                        *peer = Some(from.to_path_buf());
                    }
                }
                Ok(len)
            }
        }
    }

    fn try_send(&self, packet: &[u8]) -> io::Result<()> {
        match &self.peer {
            None => self.socket.try_send(packet).map(|_| ()),
            Some(peer) => match locked(peer).as_deref() {
                Some(to) => self.socket.try_send_to(packet, to).map(|_| ()),
                None => Err(io::Error::new(
                    io::ErrorKind::NotConnected,
                    "service link: nothing has been received yet, so there is no peer",
                )),
            },
        }
    }

    /// The far end tells the daemon where it is: an empty datagram, which the daemon takes as
    /// the link's peer and not as a packet.
    pub async fn announce(&self) -> io::Result<()> {
        self.send(&[]).await
    }

    /// Waits for one packet (the far end's and tests' side).
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.socket.recv(buf).await
    }

    /// Sends one packet, waiting for room (the far end's and tests' side).
    pub async fn send(&self, packet: &[u8]) -> io::Result<()> {
        match &self.peer {
            None => self.socket.send(packet).await.map(|_| ()),
            Some(_) => loop {
                self.socket.writable().await?;
                match self.try_send(packet) {
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                    other => return other,
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junos_names_become_linux_names_or_a_clear_error() {
        assert_eq!(linux_name("si-1/0/0").unwrap(), "si-1-0-0");
        assert_eq!(linux_name("si-0/0/0.100").unwrap(), "si-0-0-0.100");
        assert_eq!(linux_name("si-10/10/10.99").unwrap(), "si-10-10-10.99");
        let error = linux_name("si-10/10/10.1000").unwrap_err();
        assert_eq!(
            error.to_string(),
            "service interface si-10/10/10.1000: its Linux name si-10-10-10.1000 is longer \
             than 15 characters"
        );
        assert_eq!(linux_name(""), Err(ServiceNameError::Empty));
        assert!(matches!(
            linux_name("si 1"),
            Err(ServiceNameError::BadCharacter { character: ' ', .. })
        ));
    }

    #[tokio::test]
    async fn a_link_carries_batches_of_packets_and_answers_the_last_sender() {
        let dir = tempfile::tempdir().unwrap();
        let daemon = ServiceEndpoint::link(dir.path().join("si.sock")).unwrap();
        let far =
            ServiceLink::connect(dir.path().join("far.sock"), dir.path().join("si.sock")).unwrap();
        assert_eq!(
            daemon.try_send(b"early").unwrap_err().kind(),
            io::ErrorKind::NotConnected
        );
        for packet in [&b"one"[..], b"two", b"three"] {
            far.send(packet).await.unwrap();
        }
        let mut batch = FrameBatch::new(2, 100);
        let mut truncated = 0;
        assert_eq!(
            daemon.recv_batch(&mut batch, &mut truncated).await.unwrap(),
            2
        );
        assert_eq!(batch.frames().collect::<Vec<_>>(), [&b"one"[..], b"two"]);
        assert_eq!(
            daemon.recv_batch(&mut batch, &mut truncated).await.unwrap(),
            1
        );
        assert_eq!(batch.get(0), Some(&b"three"[..]));

        assert_eq!(daemon.send_batch([&b"back"[..], b"again"]), 2);
        let mut buf = [0u8; 100];
        let n = far.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"back");
        let n = far.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"again");
    }

    #[tokio::test]
    async fn an_announcement_is_a_peer_not_a_packet() {
        let dir = tempfile::tempdir().unwrap();
        let daemon = ServiceEndpoint::link(dir.path().join("si.sock")).unwrap();
        let far =
            ServiceLink::connect(dir.path().join("far.sock"), dir.path().join("si.sock")).unwrap();
        far.announce().await.unwrap();
        far.send(b"one").await.unwrap();
        let mut batch = FrameBatch::new(4, 100);
        let mut truncated = 0;
        assert_eq!(
            daemon.recv_batch(&mut batch, &mut truncated).await.unwrap(),
            1
        );
        assert_eq!(batch.frames().collect::<Vec<_>>(), [&b"one"[..]]);
        daemon.try_send(b"back").unwrap();
        let mut buf = [0u8; 100];
        let n = far.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"back");
    }

    #[tokio::test]
    async fn oversized_packets_are_dropped_and_counted() {
        let (daemon, far) = ServiceLink::pair().unwrap();
        let daemon = ServiceEndpoint::from(daemon);
        far.send(&[0u8; 101]).await.unwrap();
        far.send(b"fits").await.unwrap();
        let mut batch = FrameBatch::new(4, 100);
        let mut truncated = 0;
        assert_eq!(
            daemon.recv_batch(&mut batch, &mut truncated).await.unwrap(),
            1
        );
        assert_eq!(batch.get(0), Some(&b"fits"[..]));
        assert_eq!(truncated, 1);
        daemon
            .set_addresses(&[(Ipv4Addr::new(198, 18, 0, 1), 16)])
            .unwrap();
        assert_eq!(daemon.addresses(), [(Ipv4Addr::new(198, 18, 0, 1), 16)]);
        assert_eq!(daemon.mtu().unwrap(), 1460);
    }
}
