//! `l2tp-bench radius-auth`: authentications per second of the daemon's RADIUS client
//! (`l2tpd::aaa::client::RadiusClient`), driven as the engine drives it (one tokio UDP
//! socket per `SocketId` it asks for, each read by a task of its own, replies handed back
//! through a channel: `engine/radius_sockets.rs`), with N PAP Access-Requests outstanding
//! (built by `subscriber::aaa::access_request`, as a LAC subscriber's), against
//! - `responder`: a minimal server on a thread of its own (decode, sign an Accept, send):
//!   the ceiling, where the client should be the bottleneck;
//! - `freeradius`: FreeRADIUS on loopback, started by the tests' harness (`freeradius -X`
//!   with its detail logs, as the AAA tests run it).
//!
//! The client side runs on one current-thread tokio runtime, so the CPU time of that thread
//! (getrusage RUSAGE_THREAD) is all the client costs: codec, client, sockets, channel.
//!
//! `l2tp-bench radius-memory`: RSS before and after N requests outstanding to a server that
//! never answers (a bound socket nobody reads), per request, beside the record sizes the
//! client declares.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket as StdUdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use l2tp_tests::freeradius::{FreeRadius, Options};
use l2tp_tests::ops::thread_cpu;
use l2tpd::aaa::client::{
    ClientConfig, ClientEvent, RadiusClient, RequestId, ServerConfig, Service, SocketId, Transmit,
    IN_FLIGHT_RECORD_SIZE, REQUEST_RECORD_SIZE,
};
use l2tpd::aaa::radius::{code, Packet};
use l2tpd::ppp::server_link::Credentials;
use l2tpd::subscriber::aaa::{access_request, RequestFacts};
use l2tpd::subscriber::radius_options::NAS_PORT_TYPE_ETHERNET;
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

const SECRET: &str = "bench-radius-secret";
const PASSWORD: &str = "bench-password";
/// Users `bench-0` … are accepted by FreeRADIUS with this entry.
const USERS: &str =
    "DEFAULT\tUser-Name =~ \"^bench-[0-9]+$\", Cleartext-Password := \"bench-password\"\n";
/// Largest RADIUS packet (RFC 2865 §3).
const MAX_PACKET: usize = 4096;
/// The client's per-server timeout and retries during the bench: the daemon's defaults
/// (`access radius-server … timeout 3 retry 3`).
const TIMEOUT: Duration = Duration::from_secs(3);
const RETRY: u32 = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Server {
    Responder,
    Freeradius,
}

pub struct AuthBench {
    pub seconds: u64,
    pub in_flight: usize,
    /// The server's `max-outstanding-requests` (default: `in_flight`, so none waits); the
    /// rest of `in_flight` waits in the client's queue.
    pub max_outstanding: Option<usize>,
    pub server: Server,
}

pub struct MemoryBench {
    pub outstanding: usize,
    pub client_only: bool,
}

/// One run's result.
struct Row {
    /// Accepts within the window.
    answered: u64,
    /// Accepts after it, while what was outstanding drained.
    drained: u64,
    rate: f64,
    p50: Duration,
    p99: Duration,
    cpu_per_request: Duration,
    timeouts: u64,
    rejects: u64,
    /// Requests sent again after their timeout (the server answers each copy).
    retransmissions: u64,
}

pub fn run_auth(b: &AuthBench) -> Result<bool, String> {
    if b.in_flight == 0 || b.seconds == 0 {
        return Err("--in-flight and --seconds must be at least 1".into());
    }
    // Held until the end: dropping either stops its server.
    let mut freeradius: Option<FreeRadius> = None;
    let mut responder = None;
    let (target, name) = match b.server {
        Server::Responder => {
            let r = Responder::start(None)?;
            let at = r.address;
            responder = Some(r);
            (at, "responder")
        }
        Server::Freeradius => {
            let options = Options {
                secret: SECRET.into(),
                ..Options::default()
            };
            let server = FreeRadius::start(USERS, options).map_err(|skip| skip.to_string())?;
            let at = SocketAddr::from((Ipv4Addr::LOCALHOST, server.auth_port()));
            freeradius = Some(server);
            (at, "freeradius")
        }
    };
    println!(
        "radius-auth: {name} at {target}, {} in flight, {} s, load average {}",
        b.in_flight,
        b.seconds,
        load_average()
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    let server_cpu_before = freeradius.as_ref().map(|f| process_cpu(f.pid()));
    let row = runtime.block_on(drive(target, b))?;
    // FreeRADIUS's CPU per answer (over the window and the drain: it answered them all).
    let server_cpu = match (server_cpu_before, &freeradius) {
        (Some(before), Some(f)) => {
            let spent = process_cpu(f.pid())?.saturating_sub(before?);
            let answered = row.answered + row.drained;
            format!("{:.1}", spent.as_secs_f64() * 1e6 / answered.max(1) as f64)
        }
        _ => "-".into(),
    };
    let served = responder.map(|r| r.stop()).unwrap_or(0);
    println!(
        "| server | in flight | answered/s | p50 ms | p99 ms | client CPU µs/req | server CPU µs/req | timeouts | rejects |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {name} | {} | {:.0} | {:.2} | {:.2} | {:.1} | {server_cpu} | {} | {} |",
        b.in_flight,
        row.rate,
        row.p50.as_secs_f64() * 1e3,
        row.p99.as_secs_f64() * 1e3,
        row.cpu_per_request.as_secs_f64() * 1e6,
        row.timeouts,
        row.rejects,
    );
    if b.server == Server::Responder {
        println!(
            "responder answered {served} datagrams ({} retransmissions)",
            row.retransmissions
        );
    }
    println!(
        "RESULT radius-auth server={name} in_flight={} answered={} rate={:.0} p50_us={} \
         p99_us={} cpu_us_per_req={:.2} server_cpu_us_per_req={server_cpu} timeouts={} \
         rejects={}",
        b.in_flight,
        row.answered,
        row.rate,
        row.p50.as_micros(),
        row.p99.as_micros(),
        row.cpu_per_request.as_secs_f64() * 1e6,
        row.timeouts,
        row.rejects
    );
    Ok(row.answered > 0 && row.timeouts == 0 && row.rejects == 0)
}

/// A datagram a socket's reader task received.
struct Received {
    socket: SocketId,
    from: SocketAddr,
    bytes: Vec<u8>,
}

/// The engine's `RadiusSockets`, without the logging: one socket per `SocketId`, opened on
/// first use, each with a reader task.
struct Sockets {
    open: HashMap<SocketId, Arc<UdpSocket>>,
    queue: mpsc::Sender<Received>,
    readers: Vec<tokio::task::JoinHandle<()>>,
}

impl Sockets {
    async fn send(&mut self, transmit: Transmit) -> Result<(), String> {
        let socket = match self.open.get(&transmit.socket) {
            Some(socket) => Arc::clone(socket),
            None => {
                let source = transmit.socket.source.unwrap_or(Ipv4Addr::LOCALHOST);
                let socket = UdpSocket::bind(SocketAddr::from((source, 0)))
                    .await
                    .map_err(|e| format!("bind a RADIUS socket: {e}"))?;
                let socket = Arc::new(socket);
                self.readers.push(tokio::spawn(read(
                    Arc::clone(&socket),
                    transmit.socket,
                    self.queue.clone(),
                )));
                self.open.insert(transmit.socket, Arc::clone(&socket));
                socket
            }
        };
        // A full socket buffer loses the request; the client's retransmission covers it.
        let _ = socket.send_to(&transmit.bytes, transmit.to).await;
        Ok(())
    }
}

impl Drop for Sockets {
    fn drop(&mut self) {
        for reader in &self.readers {
            reader.abort();
        }
    }
}

async fn read(socket: Arc<UdpSocket>, id: SocketId, queue: mpsc::Sender<Received>) {
    let mut buf = vec![0u8; MAX_PACKET];
    loop {
        if let Ok((len, from)) = socket.recv_from(&mut buf).await {
            let bytes = buf.get(..len).unwrap_or_default().to_vec();
            let received = Received {
                socket: id,
                from,
                bytes,
            };
            if queue.send(received).await.is_err() {
                return;
            }
        }
    }
}

/// `max_outstanding` on the wire at once; up to `queue_limit` more wait for room.
fn client_for(
    target: SocketAddr,
    max_outstanding: usize,
    queue_limit: usize,
) -> Result<RadiusClient, String> {
    let SocketAddr::V4(target) = target else {
        return Err("the server must be IPv4".into());
    };
    let mut client = RadiusClient::new(ClientConfig {
        queue_limit,
        dead_time: Duration::from_secs(60),
        // Per server, as the daemon configures it (`AaaState::new`).
        require_message_authenticator: false,
        seed: rand::random(),
    });
    client.configure(vec![ServerConfig {
        address: *target.ip(),
        auth_port: target.port(),
        accounting_port: target.port().wrapping_add(1),
        secret: Arc::from(SECRET.as_bytes()),
        retry: RETRY,
        timeout: TIMEOUT,
        accounting_retry: None,
        accounting_timeout: None,
        routing_instance: None,
        source: None,
        max_outstanding,
        require_message_authenticator: false,
        revert_interval: None,
    }]);
    Ok(client)
}

/// The Access-Request of subscriber `n`: a PAP user on PPPoE at the LAC.
fn request(n: u64) -> Packet {
    let user = format!("bench-{n}");
    let credentials = Credentials::Pap {
        identifier: 1,
        name: user.clone().into_bytes(),
        password: PASSWORD.as_bytes().to_vec(),
    };
    let facts = RequestFacts {
        user: &user,
        nas_identifier: b"bench-lac",
        acct_session_id: n.to_string(),
        calling_station: Some(b"02:00:00:00:00:01"),
        nas_port_id: Some("ge-0/0/0.0:100-200"),
        nas_port: None,
        nas_port_type: NAS_PORT_TYPE_ETHERNET,
        tunnel: None,
        vendor_attributes: Vec::new(),
        chap_challenge_in_authenticator: false,
    };
    access_request(&credentials, &facts)
}

async fn drive(target: SocketAddr, b: &AuthBench) -> Result<Row, String> {
    let max_outstanding = b.max_outstanding.unwrap_or(b.in_flight);
    let mut client = client_for(target, max_outstanding, b.in_flight)?;
    let servers = [match target {
        SocketAddr::V4(a) => *a.ip(),
        SocketAddr::V6(_) => return Err("the server must be IPv4".into()),
    }];
    let (queue, mut received) = mpsc::channel::<Received>(65_536);
    let mut sockets = Sockets {
        open: HashMap::new(),
        queue,
        readers: Vec::new(),
    };
    let mut started: HashMap<RequestId, Instant> = HashMap::with_capacity(b.in_flight * 2);
    let mut latencies: Vec<u32> = Vec::new();
    let mut next = 0u64;
    let (mut answered, mut timeouts, mut rejects) = (0u64, 0u64, 0u64);

    let cpu_start = thread_cpu()?;
    let start = Instant::now();
    let end = start + Duration::from_secs(b.seconds);
    // After the end, what is outstanding may still time out: wait for all of it.
    let drain_until = end + TIMEOUT * (RETRY + 1) + Duration::from_secs(1);
    let mut cpu_end = None;
    let mut answered_in_window = 0u64;
    loop {
        let now = Instant::now();
        if now < end {
            while started.len() < b.in_flight {
                let id = client
                    .submit(now, Service::Authentication, &servers, request(next))
                    .map_err(|e| format!("submit: {e}"))?;
                next += 1;
                started.insert(id, now);
            }
        } else if cpu_end.is_none() {
            cpu_end = Some(thread_cpu()?);
            answered_in_window = answered;
        }
        while let Some(transmit) = client.poll_transmit() {
            sockets.send(transmit).await?;
        }
        while let Some(event) = client.poll_event() {
            match event {
                ClientEvent::Reply { id, reply, .. } => {
                    if let Some(at) = started.remove(&id) {
                        if reply.code == code::ACCESS_ACCEPT {
                            answered += 1;
                            let us = now.saturating_duration_since(at).as_micros();
                            latencies.push(u32::try_from(us).unwrap_or(u32::MAX));
                        } else {
                            rejects += 1;
                        }
                    }
                }
                ClientEvent::Failed { id, .. } => {
                    started.remove(&id);
                    timeouts += 1;
                }
            }
        }
        if now >= end && (started.is_empty() || now >= drain_until) {
            break;
        }
        // Wait for a reply, the client's next timer, or the end of the window.
        let wake = client
            .poll_timeout()
            .map_or(drain_until, |t| t.min(drain_until));
        let wake = if now < end { wake.min(end) } else { wake };
        tokio::select! {
            first = received.recv() => {
                let Some(first) = first else { return Err("sockets closed".into()) };
                let now = Instant::now();
                client.handle_datagram(now, first.socket, first.from, &first.bytes);
                // Whatever else is already there, before going round again.
                while let Ok(more) = received.try_recv() {
                    client.handle_datagram(now, more.socket, more.from, &more.bytes);
                }
            }
            _ = tokio::time::sleep_until(wake.into()) => {
                client.handle_timeout(Instant::now());
            }
        }
    }
    let cpu_end = match cpu_end {
        Some(cpu) => cpu,
        None => thread_cpu()?,
    };
    timeouts += started.len() as u64;
    latencies.sort_unstable();
    let percentile = |p: f64| {
        let i = ((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1));
        Duration::from_micros(latencies.get(i).copied().unwrap_or(0).into())
    };
    Ok(Row {
        answered: answered_in_window,
        drained: answered - answered_in_window,
        rate: answered_in_window as f64 / b.seconds as f64,
        p50: percentile(0.50),
        p99: percentile(0.99),
        cpu_per_request: cpu_end
            .saturating_sub(cpu_start)
            .checked_div(answered_in_window.max(1) as u32)
            .unwrap_or_default(),
        timeouts,
        rejects,
        retransmissions: client
            .server_stats()
            .iter()
            .map(|s| s.retransmissions)
            .sum(),
    })
}

/// User and system time of a process, from /proc/PID/stat (USER_HZ ticks).
fn process_cpu(pid: u32) -> Result<Duration, String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map_err(|e| format!("/proc/{pid}/stat: {e}"))?;
    // After the command's closing parenthesis: state is field 3, utime 14, stime 15.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let tick = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
    match (tick(11), tick(12)) {
        (Some(user), Some(system)) => Ok(Duration::from_millis((user + system) * 10)),
        _ => Err(format!("cannot read /proc/{pid}/stat")),
    }
}

/// The ceiling: decodes each request and answers an Accept signed with the secret, on a
/// thread and a socket of its own. No check of the request's Message-Authenticator or
/// password: the client's cost is what is measured.
struct Responder {
    address: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<u64>,
}

impl Responder {
    /// On 127.0.0.1 of this process's namespace, or of the named one (`/run/netns/NAME`).
    fn start(namespace: Option<&str>) -> Result<Responder, String> {
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let namespace = namespace.map(|n| format!("/run/netns/{n}"));
        let (bound, address) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let socket = match bind_responder(namespace.as_deref()) {
                Ok(socket) => socket,
                Err(why) => {
                    let _ = bound.send(Err(why));
                    return 0;
                }
            };
            let _ = bound.send(
                socket
                    .local_addr()
                    .map_err(|e| format!("responder address: {e}")),
            );
            respond(&socket, &stopping)
        });
        let address = address
            .recv()
            .map_err(|_| "the responder thread ended".to_string())??;
        Ok(Responder {
            address,
            stop,
            thread,
        })
    }

    /// Stops the thread; returns how many requests it answered.
    fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or(0)
    }
}

/// The responder's socket, on this thread's namespace after entering `namespace`.
fn bind_responder(namespace: Option<&str>) -> Result<StdUdpSocket, String> {
    if let Some(namespace) = namespace {
        let handle =
            std::fs::File::open(namespace).map_err(|e| format!("open {namespace}: {e}"))?;
        nix::sched::setns(&handle, nix::sched::CloneFlags::CLONE_NEWNET)
            .map_err(|e| format!("setns {namespace}: {e}"))?;
    }
    let socket =
        StdUdpSocket::bind("127.0.0.1:0").map_err(|e| format!("bind the responder: {e}"))?;
    // Wakes up now and then to see whether it should stop.
    socket
        .set_read_timeout(Some(Duration::from_millis(100)))
        .map_err(|e| format!("responder socket: {e}"))?;
    Ok(socket)
}

fn respond(socket: &StdUdpSocket, stop: &AtomicBool) -> u64 {
    let mut buf = vec![0u8; MAX_PACKET];
    let mut served = 0;
    while !stop.load(Ordering::Relaxed) {
        let Ok((len, from)) = socket.recv_from(&mut buf) else {
            continue;
        };
        let Some(Ok(request)) = buf.get(..len).map(Packet::decode) else {
            continue;
        };
        let accept = Packet::new(code::ACCESS_ACCEPT, request.identifier, [0; 16]);
        if let Ok(bytes) = accept.encode_response(&request.authenticator, SECRET.as_bytes()) {
            let _ = socket.send_to(&bytes, from);
            served += 1;
        }
    }
    served
}

/// The RADIUS server of `pppoe-setup --radius`, inside a network namespace (the LAC's);
/// stopped when dropped.
pub struct LabServer {
    pub port: u16,
    pub secret: &'static str,
    responder: Option<Responder>,
    freeradius: Option<FreeRadius>,
}

impl LabServer {
    /// `users`: a regular expression of the user names FreeRADIUS accepts with `password`.
    pub fn start(
        server: Server,
        namespace: &str,
        users: &str,
        password: &str,
    ) -> Result<LabServer, String> {
        match server {
            Server::Responder => {
                let responder = Responder::start(Some(namespace))?;
                Ok(LabServer {
                    port: responder.address.port(),
                    secret: SECRET,
                    responder: Some(responder),
                    freeradius: None,
                })
            }
            Server::Freeradius => {
                let entry = format!(
                    "DEFAULT\tUser-Name =~ \"{users}\", Cleartext-Password := \"{password}\"\n"
                );
                let path = format!("/run/netns/{namespace}");
                // A process inherits the network namespace of the thread that starts it.
                let started = std::thread::spawn(move || {
                    let handle =
                        std::fs::File::open(&path).map_err(|e| format!("open {path}: {e}"))?;
                    nix::sched::setns(&handle, nix::sched::CloneFlags::CLONE_NEWNET)
                        .map_err(|e| format!("setns {path}: {e}"))?;
                    let options = Options {
                        secret: SECRET.into(),
                        ..Options::default()
                    };
                    FreeRadius::start(&entry, options).map_err(|skip| skip.to_string())
                })
                .join()
                .map_err(|_| "the thread starting FreeRADIUS panicked".to_string())??;
                Ok(LabServer {
                    port: started.auth_port(),
                    secret: SECRET,
                    responder: None,
                    freeradius: Some(started),
                })
            }
        }
    }

    /// FreeRADIUS's CPU time so far (none for the responder).
    pub fn cpu(&self) -> Option<Duration> {
        self.freeradius
            .as_ref()
            .and_then(|f| process_cpu(f.pid()).ok())
    }

    /// Stops the server; how many requests the responder answered (none for FreeRADIUS).
    pub fn stop(mut self) -> Option<u64> {
        self.freeradius.take();
        self.responder.take().map(Responder::stop)
    }
}

/// Memory per outstanding request: N requests sent to a bound socket nobody reads, RSS
/// before and after; the timeout is long enough that none expires meanwhile. Each request's
/// datagram is sent (or with `client_only`, dropped) as soon as it is submitted, as the
/// engine does, so the copies in flight to the kernel are not counted.
pub fn run_memory(b: &MemoryBench) -> Result<bool, String> {
    if b.outstanding == 0 {
        return Err("--outstanding must be at least 1".into());
    }
    let silent =
        StdUdpSocket::bind("127.0.0.1:0").map_err(|e| format!("bind the silent server: {e}"))?;
    let target = silent
        .local_addr()
        .map_err(|e| format!("silent server address: {e}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    let (delta, sockets, outstanding) = runtime.block_on(async {
        let mut client = client_for(target, b.outstanding, 0)?;
        let servers = [Ipv4Addr::LOCALHOST];
        let (queue, _received) = mpsc::channel::<Received>(16);
        let mut sockets = Sockets {
            open: HashMap::new(),
            queue,
            readers: Vec::new(),
        };
        let now = Instant::now();
        let before = rss_bytes()?;
        // Each packet built as it is submitted: its attributes are part of what the client
        // keeps.
        for n in 0..b.outstanding as u64 {
            client
                .submit(now, Service::Authentication, &servers, request(n))
                .map_err(|e| format!("submit: {e}"))?;
            while let Some(t) = client.poll_transmit() {
                if !b.client_only {
                    sockets.send(t).await?;
                }
            }
        }
        // Let every reader task start (each holds its receive buffer).
        tokio::task::yield_now().await;
        let after = rss_bytes()?;
        Ok::<_, String>((
            after.saturating_sub(before),
            client.sockets(None),
            client.outstanding(),
        ))
    })?;
    let per = delta as f64 / b.outstanding as f64;
    let what = if b.client_only {
        "client only (datagrams dropped, no sockets opened)"
    } else {
        "client and its sockets (a socket and a reader task with a 4 KiB buffer per 256)"
    };
    println!(
        "radius-memory: {outstanding} requests outstanding, {sockets} socket ids, {what}: \
         RSS +{:.1} MB, {per:.0} bytes per request (client records: Request {REQUEST_RECORD_SIZE} \
         + InFlight {IN_FLIGHT_RECORD_SIZE} bytes, plus the packet's attributes, the encoded \
         bytes and the tables' entries); load average {}",
        delta as f64 / 1e6,
        load_average()
    );
    println!(
        "RESULT radius-memory outstanding={outstanding} client_only={} sockets={sockets} \
         rss_delta={delta} bytes_per_request={per:.0} request_record={REQUEST_RECORD_SIZE} \
         in_flight_record={IN_FLIGHT_RECORD_SIZE}",
        b.client_only
    );
    drop(silent);
    Ok(outstanding == b.outstanding)
}

/// Resident set size of this process, from /proc/self/statm (pages).
fn rss_bytes() -> Result<u64, String> {
    let statm = std::fs::read_to_string("/proc/self/statm")
        .map_err(|e| format!("/proc/self/statm: {e}"))?;
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .ok_or("cannot read /proc/self/statm")?;
    Ok(pages * 4096)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The client loop against the responder: every request answered with an Accept, none
    /// timed out, latencies and CPU measured.
    #[test]
    fn the_responder_accepts_every_request() {
        accepts_every_request(None);
    }

    /// Requests beyond `max-outstanding-requests` wait in the client's queue and are sent
    /// as room frees: all answered too.
    #[test]
    fn queued_requests_are_answered() {
        accepts_every_request(Some(100));
    }

    fn accepts_every_request(max_outstanding: Option<usize>) {
        let responder = Responder::start(None).expect("responder");
        let bench = AuthBench {
            seconds: 1,
            in_flight: 300,
            max_outstanding,
            server: Server::Responder,
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let row = runtime
            .block_on(drive(responder.address, &bench))
            .expect("drive");
        let served = responder.stop();
        assert!(row.answered > 0, "no answer in the window");
        assert_eq!((row.timeouts, row.rejects), (0, 0));
        // An Accept for every request answered, and none for a request not sent: a request
        // a loaded machine kept past its timeout went twice (the second copy may still be
        // unread when the responder stops).
        let answered = row.answered + row.drained;
        assert!(
            (answered..=answered + row.retransmissions).contains(&served),
            "{served} Accepts for {answered} requests answered, {} retransmissions",
            row.retransmissions
        );
        assert!(row.p50 <= row.p99 && row.p99 > Duration::ZERO);
    }

    /// Requests to a server that never answers stay outstanding (none times out during the
    /// measurement), over more than one socket.
    #[test]
    fn memory_counts_requests_outstanding() {
        for client_only in [true, false] {
            let ok = run_memory(&MemoryBench {
                outstanding: 600,
                client_only,
            });
            assert_eq!(ok, Ok(true));
        }
    }

    #[test]
    fn process_cpu_reads_this_process() {
        assert!(process_cpu(std::process::id()).is_ok());
        assert!(thread_cpu().is_ok());
    }
}
