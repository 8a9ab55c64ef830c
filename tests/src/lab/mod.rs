//! The lab: router daemons, each a process of its own on a private state directory, with
//! demo configurations committed through the management socket as an operator would: a LAC
//! on 127.0.0.1 and an LNS on 127.0.0.2, joined by an L2TP tunnel on loopback. Without root
//! and without touching the host's network: the LAC's PPPoE port and the LNS's service
//! interface are socket links, with the subscriber emulator on one and a small in-process
//! "internet" host (ICMP echo, UDP echo) on the other.

mod router_process;

pub use router_process::serve_if_asked;

use crate::client::Client;
use schema::mgmt::{Reply, Request, TunnelTestReport};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The LAC's demo configuration, in `set` form.
pub const DEMO_LAC: &str = include_str!("demo-lac.set");
/// The LNS's demo configuration: it accepts the LAC `lab-lac` with the same tunnel secret.
pub const DEMO_LNS: &str = include_str!("demo-lns.set");
/// The LAC's PPPoE port in the lab: a socket link (no root, no interface), where the lab's
/// subscriber emulator plugs in.
pub const LAB_PORT: &str = "lab0";
/// The socket link's file in the LAC's state directory.
pub const LAB_LINK_SOCKET: &str = "lab0.link";
/// The LNS's service interface in the lab: a socket link to the lab's internet host.
pub const LAB_SERVICE_INTERFACE: &str = "si-0/0/0";
/// Its socket file in the LNS's state directory.
pub const LAB_SERVICE_SOCKET: &str = "si-0-0-0.link";
/// The address the lab's subscribers ping (the internet host answers any address it is sent).
pub const LAB_INTERNET_HOST: std::net::Ipv4Addr = std::net::Ipv4Addr::new(198, 18, 254, 2);

/// The demo LAC's tunnel profile towards the demo LNS.
pub const DEMO_PROFILE: &str = "tp-lns1";

/// A router of the lab, a process of its own; stopped when dropped.
pub struct LabDaemon {
    pub state_dir: PathBuf,
    process: Option<router_process::RouterProcess>,
}

impl LabDaemon {
    /// Starts a router as a process of its own: `exe` (a program that runs
    /// [`router_process::serve_if_asked`] first, as `l2tp-lab` does) started again as the
    /// router, with PPPoE ports (`--access-link`) and service interfaces (`--service-link`)
    /// that are socket links. Its system log, trace files and time zone are its own, as a
    /// router's are.
    pub fn start(
        exe: &Path,
        state_dir: &Path,
        access_links: Vec<(String, PathBuf)>,
        service_links: Vec<(String, PathBuf)>,
    ) -> Result<LabDaemon, String> {
        let process =
            router_process::RouterProcess::spawn(exe, state_dir, &access_links, &service_links)?;
        LabDaemon {
            state_dir: state_dir.to_path_buf(),
            process: Some(process),
        }
        .serving()
    }

    /// Returns the daemon once its management socket answers, or why it stopped first.
    fn serving(mut self) -> Result<LabDaemon, String> {
        let socket = self.socket();
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::os::unix::net::UnixStream::connect(&socket).is_err() {
            if let Some(error) = self.stopped_error() {
                return Err(error);
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "l2tpd did not open {} within 10 s",
                    socket.display()
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(self)
    }

    /// Why the daemon stopped, if it has.
    fn stopped_error(&mut self) -> Option<String> {
        self.process.as_mut()?.stopped_error()
    }

    pub fn socket(&self) -> PathBuf {
        l2tpd::daemon::socket_path(&self.state_dir)
    }

    /// Commits `set_lines` as one change, as a scripted commit file would.
    pub fn commit_set_lines(&self, set_lines: &str, comment: &str) -> Result<(), String> {
        Client::connect(&self.socket())
            .map_err(|e| e.to_string())?
            .commit_set_lines(set_lines, comment)
    }
}

impl LabDaemon {
    /// `test services l2tp tunnel user USER password PASSWORD tunnel-name PROFILE`.
    pub fn test_tunnel(
        &self,
        user: &str,
        password: &str,
        profile: &str,
    ) -> Result<TunnelTestReport, String> {
        let mut c = Client::connect(&self.socket()).map_err(|e| e.to_string())?;
        let request = Request::TestL2tpTunnel {
            user: user.into(),
            password: password.into(),
            tunnel_name: profile.into(),
        };
        match c.call(&request).map_err(|e| e.to_string())?.result {
            Ok(Reply::L2tpTunnelTest(report)) => Ok(report),
            Ok(other) => Err(format!("unexpected reply {other:?}")),
            Err(e) => Err(format!("{e:?}")),
        }
    }
}

/// The two-router lab: `lns` first, so the LAC's tunnel finds it listening; `internet` last,
/// so it is dropped first.
pub struct Lab {
    pub lac: LabDaemon,
    pub lns: LabDaemon,
    pub internet: Option<LabInternet>,
}

impl Lab {
    /// Starts both routers under `dir` (`dir/lac`, `dir/lns`), each a process started from
    /// `exe` (see [`LabDaemon::start`]), and commits the demo configurations.
    pub fn start(dir: &Path, exe: &Path) -> Result<Lab, String> {
        let lns_dir = dir.join("lns");
        let service = lns_dir.join(LAB_SERVICE_SOCKET);
        let lns = LabDaemon::start(
            exe,
            &lns_dir,
            Vec::new(),
            vec![(LAB_SERVICE_INTERFACE.to_string(), service.clone())],
        )
        .map_err(|e| format!("LNS: {e}"))?;
        lns.commit_set_lines(DEMO_LNS, "l2tp-lab demo configuration")
            .map_err(|e| format!("the LNS demo configuration did not commit: {e}"))?;
        let internet = LabInternet::start(&service, &lns_dir.join("internet.link"))?;
        let lac_dir = dir.join("lac");
        let link = lac_dir.join(LAB_LINK_SOCKET);
        let lac = LabDaemon::start(
            exe,
            &lac_dir,
            vec![(LAB_PORT.to_string(), link)],
            Vec::new(),
        )
        .map_err(|e| format!("LAC: {e}"))?;
        lac.commit_set_lines(DEMO_LAC, "l2tp-lab demo configuration")
            .map_err(|e| format!("the LAC demo configuration did not commit: {e}"))?;
        Ok(Lab {
            lac,
            lns,
            internet: Some(internet),
        })
    }
}

/// The lab's internet: the far end of the LNS's service interface link, on a thread of its
/// own, answering every ICMP Echo Request and every UDP datagram to port 7 that the LNS
/// routes to it ([`crate::ip_host`]). The daemon opens the link at its first commit; the host
/// waits for it (bounded), then announces itself.
pub struct LabInternet {
    /// Held for its drop, which stops the host.
    _thread: LabThread,
}

impl LabInternet {
    pub fn start(service: &Path, local: &Path) -> Result<LabInternet, String> {
        use l2tpd::io::service_endpoint::ServiceLink;

        let deadline = Instant::now() + Duration::from_secs(10);
        while !service.exists() {
            if Instant::now() > deadline {
                return Err(format!(
                    "the LNS did not open its service interface link {}",
                    service.display()
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = std::fs::remove_file(local);
        let (service, local) = (service.to_path_buf(), local.to_path_buf());
        let (thread, started) =
            LabThread::spawn("lab-internet", move |stopped, ready| async move {
                let link = match ServiceLink::connect(&local, &service) {
                    Ok(link) => link,
                    Err(e) => {
                        let _ = ready.send(Err(format!("{}: {e}", service.display())));
                        return;
                    }
                };
                if let Err(e) = link.announce().await {
                    let _ = ready.send(Err(format!("{}: {e}", service.display())));
                    return;
                }
                let _ = ready.send(Ok(()));
                let mut buffer = vec![0u8; 2048];
                tokio::pin!(stopped);
                loop {
                    tokio::select! {
                        _ = &mut stopped => break,
                        received = link.recv(&mut buffer) => {
                            let Ok(len) = received else { break };
                            if let Some(reply) = crate::ip_host::reply(&buffer[..len]) {
                                if link.send(&reply).await.is_err() {
                                    break;
                                }
                            }
                        }
                    }
                }
                let _ = std::fs::remove_file(&local);
            })?;
        started
            .recv_timeout(Duration::from_secs(10))
            .map_err(|_| "the lab's internet host did not start".to_string())??;
        Ok(LabInternet { _thread: thread })
    }
}

impl Drop for LabDaemon {
    fn drop(&mut self) {
        if let Some(process) = self.process.take() {
            process.stop();
        }
    }
}

/// PPPoE subscribers of the lab: the emulator on the LAC's socket link, on a thread of its
/// own, staying up until the lab ends.
pub struct LabSubscribers {
    /// Held for its drop, which sends the subscribers' PADTs and stops the emulator.
    _thread: LabThread,
}

impl LabSubscribers {
    /// Brings `count` subscribers (`sub1@example.net`, …) up through the LAC and returns once
    /// they are up (or failed): the summary line says which.
    pub fn start(lac: &LabDaemon, count: usize) -> Result<(LabSubscribers, String), String> {
        use crate::emulator::{self, EmulatorConfig, RunOptions};
        use l2tpd::io::{AsyncFrameEndpoint, SocketLink};
        use l2tpd::pppoe::wire::MacAddr;

        let link = lac.state_dir.join(LAB_LINK_SOCKET);
        let local = lac.state_dir.join("lab0.emulator");
        let _ = std::fs::remove_file(&local);
        let mut config = EmulatorConfig::new(count);
        config.user_format = "sub{n}@example.net".into();
        config.password = b"lab-password".to_vec();
        // Through the LNS to an address and the lab's internet host, both ways.
        config.up_at = emulator::UpAt::Ip;
        config.ip_probes = emulator::IpProbeConfig {
            ping: Some(LAB_INTERNET_HOST),
            ping_count: 3,
            udp: Some(std::net::SocketAddrV4::new(
                LAB_INTERNET_HOST,
                crate::ip_host::ECHO_PORT,
            )),
            udp_count: 3,
            udp_source: None,
        };
        let (thread, summary) = LabThread::spawn(
            "lab-subscribers",
            move |stopped, ready| async move {
                let endpoint = SocketLink::connect(&local, &link, MacAddr([0x02, 0, 0, 0, 0, 0]))
                    .and_then(AsyncFrameEndpoint::new);
                let mut endpoint = match endpoint {
                    Ok(e) => e,
                    Err(e) => {
                        let _ = ready.send(Err(format!("socket link {}: {e}", link.display())));
                        return;
                    }
                };
                let options = RunOptions {
                    timeout: Duration::from_secs(10),
                    probe: true,
                    signals: false,
                };
                match emulator::run(&mut endpoint, config, options).await {
                    Ok((summary, answered, mut emulator)) => {
                        let _ = ready.send(Ok(format!(
                            "{} of {} PPPoE subscribers up through the LAC to the LNS, \
                                 {} with an address (setup p50 {:.1} ms); LCP echoes {} across \
                                 the tunnel; pings {}/{} and UDP echoes {}/{} answered by the \
                                 internet host behind the LNS",
                            summary.up,
                            summary.count,
                            summary.ipcp_up,
                            summary.setup_ms.p50,
                            if answered {
                                "answered"
                            } else {
                                "NOT all answered"
                            },
                            summary.ip.ping_replies,
                            summary.ip.ping_sent,
                            summary.ip.udp_replies,
                            summary.ip.udp_sent,
                        )));
                        // Keep answering the LAC (LCP echo) until the lab ends.
                        let mut batch = l2tpd::io::FrameBatch::new(64, 2048);
                        tokio::pin!(stopped);
                        loop {
                            tokio::select! {
                                _ = &mut stopped => break,
                                received = endpoint.recv_batch(&mut batch) => {
                                    if received.is_err() { break; }
                                    let now = Instant::now();
                                    for frame in batch.frames() {
                                        emulator.handle_frame(frame, now);
                                    }
                                    let frames: Vec<Vec<u8>> =
                                        std::iter::from_fn(|| emulator.poll_transmit()).collect();
                                    if !frames.is_empty() && endpoint.send_all(&frames).await.is_err() {
                                        break;
                                    }
                                }
                            }
                        }
                        emulator::finish(&mut emulator, &mut endpoint).await;
                    }
                    Err(e) => {
                        let _ = ready.send(Err(e.to_string()));
                    }
                }
                let _ = std::fs::remove_file(&local);
            },
        )?;
        let line = summary
            .recv_timeout(Duration::from_secs(15))
            .map_err(|_| "the subscriber emulator did not report".to_string())??;
        Ok((LabSubscribers { _thread: thread }, line))
    }
}

/// A part of the lab on a thread of its own, under a single-threaded tokio runtime: `body`
/// gets the signal to stop and a channel to report how it started (or why it could not);
/// dropping the handle stops the thread and waits for it.
struct LabThread {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// How a lab thread reports its start: a value, or why it could not start.
type Started<T> = std::sync::mpsc::Receiver<Result<T, String>>;

impl LabThread {
    fn spawn<T, F, Body>(name: &str, body: F) -> Result<(LabThread, Started<T>), String>
    where
        T: Send + 'static,
        F: FnOnce(
                tokio::sync::oneshot::Receiver<()>,
                std::sync::mpsc::Sender<Result<T, String>>,
            ) -> Body
            + Send
            + 'static,
        Body: std::future::Future<Output = ()>,
    {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (ready, started) = std::sync::mpsc::channel::<Result<T, String>>();
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = ready.send(Err(e.to_string()));
                        return;
                    }
                };
                runtime.block_on(body(stopped, ready));
            })
            .map_err(|e| e.to_string())?;
        Ok((
            LabThread {
                stop: Some(stop),
                thread: Some(thread),
            },
            started,
        ))
    }
}

impl Drop for LabThread {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
