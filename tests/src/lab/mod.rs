//! The lab: router daemons running in this process on private state directories, with
//! demo configurations committed through the management socket as an operator would: a LAC
//! on 127.0.0.1 and an LNS on 127.0.0.2, joined by an L2TP tunnel on loopback.

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

/// The demo LAC's tunnel profile towards the demo LNS.
pub const DEMO_PROFILE: &str = "tp-lns1";

/// A daemon running on a thread of this process; stopped when dropped.
pub struct LabDaemon {
    pub state_dir: PathBuf,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), String>>>,
}

impl LabDaemon {
    pub fn start(state_dir: &Path) -> Result<LabDaemon, String> {
        Self::start_with_links(state_dir, Vec::new())
    }

    /// [`LabDaemon::start`] with PPPoE ports that are socket links (`--access-link`).
    pub fn start_with_links(
        state_dir: &Path,
        access_links: Vec<(String, PathBuf)>,
    ) -> Result<LabDaemon, String> {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let opts = l2tpd::daemon::DaemonOptions {
            state_dir: state_dir.to_path_buf(),
            default_host_name: None,
            release_memory: None,
            random_seed: None,
            group: None,
            access_links,
            service_links: Vec::new(),
        };
        let thread = std::thread::Builder::new()
            .name("l2tpd".into())
            .spawn(move || {
                let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
                runtime.block_on(l2tpd::daemon::run(opts, async {
                    let _ = stopped.await;
                }))
            })
            .map_err(|e| e.to_string())?;
        let mut lab = LabDaemon {
            state_dir: state_dir.to_path_buf(),
            stop: Some(stop),
            thread: Some(thread),
        };
        let socket = lab.socket();
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::os::unix::net::UnixStream::connect(&socket).is_err() {
            if lab.thread.as_ref().is_some_and(|t| t.is_finished()) {
                return Err(lab.join_error());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "l2tpd did not open {} within 10 s",
                    socket.display()
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(lab)
    }

    fn join_error(&mut self) -> String {
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(Err(e))) => e,
            Some(Err(_)) => "l2tpd panicked".into(),
            _ => "l2tpd stopped".into(),
        }
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

/// The two-router lab: `lns` first, so the LAC's tunnel finds it listening.
pub struct Lab {
    pub lac: LabDaemon,
    pub lns: LabDaemon,
}

impl Lab {
    /// Starts both daemons under `dir` (`dir/lac`, `dir/lns`) and commits the demo
    /// configurations.
    pub fn start(dir: &Path) -> Result<Lab, String> {
        let lns = LabDaemon::start(&dir.join("lns")).map_err(|e| format!("LNS: {e}"))?;
        lns.commit_set_lines(DEMO_LNS, "l2tp-lab demo configuration")
            .map_err(|e| format!("the LNS demo configuration did not commit: {e}"))?;
        let lac_dir = dir.join("lac");
        let link = lac_dir.join(LAB_LINK_SOCKET);
        let lac = LabDaemon::start_with_links(&lac_dir, vec![(LAB_PORT.to_string(), link)])
            .map_err(|e| format!("LAC: {e}"))?;
        lac.commit_set_lines(DEMO_LAC, "l2tp-lab demo configuration")
            .map_err(|e| format!("the LAC demo configuration did not commit: {e}"))?;
        Ok(Lab { lac, lns })
    }
}

impl Drop for LabDaemon {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// PPPoE subscribers of the lab: the emulator on the LAC's socket link, on a thread of its
/// own, staying up until the lab ends.
pub struct LabSubscribers {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
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
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (ready, summary) = std::sync::mpsc::channel::<Result<String, String>>();
        let thread = std::thread::Builder::new()
            .name("lab-subscribers".into())
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
                runtime.block_on(async move {
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
                                "{} of {} PPPoE subscribers up through the LAC (setup p50 {:.1} ms); \
                                 LCP echoes {} across the tunnel",
                                summary.up,
                                summary.count,
                                summary.setup_ms.p50,
                                if answered { "answered" } else { "NOT all answered" }
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
                });
            })
            .map_err(|e| e.to_string())?;
        let line = summary
            .recv_timeout(Duration::from_secs(15))
            .map_err(|_| "the subscriber emulator did not report".to_string())??;
        Ok((
            LabSubscribers {
                stop: Some(stop),
                thread: Some(thread),
            },
            line,
        ))
    }
}

impl Drop for LabSubscribers {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
