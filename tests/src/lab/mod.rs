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
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let opts = l2tpd::daemon::DaemonOptions {
            state_dir: state_dir.to_path_buf(),
            default_host_name: None,
            release_memory: None,
            random_seed: None,
            group: None,
            access_links: Vec::new(),
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
        let lac = LabDaemon::start(&dir.join("lac")).map_err(|e| format!("LAC: {e}"))?;
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
