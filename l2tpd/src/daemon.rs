//! Starting and stopping the daemon: open the state directory, recover, serve.

use crate::clock::{Clock, SystemClock};
use crate::engine::{Engine, EngineOptions};
use crate::mgmt::server::{self, Command};
use crate::mgmt::Mgmt;
use crate::state_dir;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct DaemonOptions {
    pub state_dir: PathBuf,
    /// Prompt host name until `system host-name` is configured; `None`: the machine's.
    pub default_host_name: Option<String>,
    /// Returns freed memory to the system after large requests (see
    /// [`server::spawn_mgmt_thread`]); the `l2tpd` binary passes glibc's `malloc_trim`.
    pub release_memory: Option<fn()>,
    /// Seeds the engine's random choices (tests only); `None`: from the system's entropy.
    pub random_seed: Option<u64>,
    /// `--group NAME`: members may reach `mgmt.sock` (state directory 0750 instead of 0700).
    pub group: Option<String>,
    /// `--access-link NAME=PATH`: PPPoE port NAME is a Unix datagram socket at PATH carrying
    /// Ethernet frames (the lab's subscriber emulator, unprivileged tests) instead of the host
    /// interface NAME.
    pub access_links: Vec<(String, PathBuf)>,
    /// `--service-link NAME=PATH`: service interface NAME (`si-1/0/0`) is a Unix datagram
    /// socket at PATH carrying bare IPv4 packets instead of a TUN device.
    pub service_links: Vec<(String, PathBuf)>,
}

/// Runs the daemon until `shutdown` resolves. Errors are operator-facing sentences.
pub async fn run(
    opts: DaemonOptions,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), String> {
    raise_open_file_limit();
    let dir = &opts.state_dir;
    let group = opts.group.as_deref().map(state_dir::group_id).transpose()?;
    let corrections = state_dir::prepare(dir, group)?;
    // The log file goes in the state directory, now that it is there with its modes.
    crate::log::open_messages(dir);
    for correction in corrections {
        tracing::warn!("state directory permissions: {correction}");
    }
    let clock = Arc::new(SystemClock);
    let store = commit_db::RedbStore::open(dir, None, clock.now()).map_err(|e| {
        format!(
            "cannot open the configuration database in {}: {e}",
            dir.display()
        )
    })?;
    let mgmt = Mgmt::start(
        Box::new(store),
        Box::new(Engine::start_with(EngineOptions {
            seed: opts.random_seed,
            access_links: opts.access_links.iter().cloned().collect(),
            service_links: opts.service_links.iter().cloned().collect(),
        })?),
        clock,
        opts.default_host_name
            .clone()
            .unwrap_or_else(system_host_name),
    )?;
    let mut mgmt = mgmt;
    mgmt.set_state_dir(dir);
    let socket = socket_path(dir);
    let listener =
        server::bind(&socket).map_err(|e| format!("cannot listen on {}: {e}", socket.display()))?;
    state_dir::socket_group(dir, group)?;
    let (tx, thread) = server::spawn_mgmt_thread(mgmt, opts.release_memory);
    tracing::info!("l2tpd serving {}", socket.display());
    tokio::select! {
        _ = server::serve(listener, tx.clone()) => {}
        _ = shutdown => {}
    }
    let _ = tx.send(Command::Shutdown);
    let _ = tokio::task::spawn_blocking(move || thread.join()).await;
    let _ = std::fs::remove_file(&socket);
    tracing::info!("l2tpd stopped");
    Ok(())
}

/// Raises the soft limit on open files to the hard one: every management connection, L2TP
/// socket and RADIUS socket is a descriptor, and the usual soft limit of 1024 would turn a
/// burst of shells into refused connections long before the management plane's own caps.
fn raise_open_file_limit() {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    match getrlimit(Resource::RLIMIT_NOFILE) {
        Ok((soft, hard)) if soft < hard => {
            if let Err(e) = setrlimit(Resource::RLIMIT_NOFILE, hard, hard) {
                tracing::warn!("cannot raise the open-file limit from {soft} to {hard}: {e}");
            }
        }
        Ok(_) => {}
        Err(e) => tracing::warn!("cannot read the open-file limit: {e}"),
    }
}

pub fn socket_path(state_dir: &Path) -> PathBuf {
    state_dir.join(schema::mgmt::SOCKET_NAME)
}

/// The prompt's host name until `system host-name` is configured.
fn system_host_name() -> String {
    nix::unistd::gethostname()
        .ok()
        .and_then(|h| h.into_string().ok())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "router".into())
}
