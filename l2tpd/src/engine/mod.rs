//! The protocol engine as the management plane sees it: something that takes a new typed
//! configuration at commit, or refuses it with a reason (and then keeps the old one), and
//! runs `test services l2tp tunnel`.
//!
//! [`Engine::start`] runs the L2TP runtime on a thread of its own (a single-threaded tokio
//! runtime): the registry, its UDP sockets on port 1701 and its timers (`task`, around the
//! sans-IO `core`). The management thread is synchronous, so it talks to the runtime over a
//! channel and waits for each answer with a bound. [`Engine::default`] has no runtime: it
//! only keeps the configuration, for tests of the management plane.

mod aaa_rpc;
mod core;
pub mod fast_path;
mod filters_in_use;
mod handover;
mod host_addresses;
pub mod ip_fast_path;
mod l2tp_batch;
mod l2tp_senders;
mod ports;
mod queues;
mod radius_sockets;
mod read_socket;
mod routing_instances;
mod rpc;
mod service_ifaces;
mod snmp;
mod snmp_poll;
mod snmp_sockets;
mod snmp_traps;
mod socket_drops;
mod sockets;
mod static_routes;
mod subscriber_rpc;
mod task;
mod udp_bind;

use std::collections::BTreeMap;
use std::sync::{mpsc, Arc};
use std::time::Duration;

use schema::mgmt::{MgmtError, Reply, TunnelTestReport};
use schema::typed::RouterConfig;
use tokio::sync::mpsc as channel;

pub use self::ports::PortReaders;
pub use self::rpc::{L2tpRpc, RpcOutcome, CLEAR_STEP};
pub use self::service_ifaces::{ServiceInterfaceSpec, ServiceQueueReaders};
pub use self::sockets::L2TP_PORT;
pub use self::task::ListenerReader;
use crate::io::data_workers::{worker_count, DataWorkers};
use crate::snmp::view::View;
pub use crate::subscriber::batch::{BatchKind, BatchOutcome, BatchReport};
pub use crate::subscriber::test_call::{TestOutcome, TunnelTest, TEST_TIMEOUT};
use handover::{wait_outcome, Handover};
use task::Command;

/// How long a commit waits for the runtime to take the configuration (it is withdrawn if
/// the runtime has not taken it by then; once taken, the commit waits for the outcome).
const APPLY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the commit check waits for the engine's answer about the filters in use.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);
/// The runtime answers a test within `TEST_TIMEOUT`; this covers the hand-over on top.
const TEST_ANSWER_TIMEOUT: Duration = Duration::from_secs(TEST_TIMEOUT.as_secs() + 2);
/// A show is built at once; a clear of 65,000 sessions takes a few seconds of steps. An RPC
/// not answered by then is reported, and a clear goes on in the engine regardless.
const L2TP_RPC_TIMEOUT: Duration = Duration::from_secs(30);

const NOT_RUNNING: &str = "the L2TP engine is not running";

/// How the engine is started.
#[derive(Debug, Clone, Default)]
pub struct EngineOptions {
    /// Fixes every random choice (tests and transcripts only).
    pub seed: Option<u64>,
    /// PPPoE ports that are Unix datagram sockets carrying Ethernet frames (the lab), by name.
    pub access_links: BTreeMap<String, std::path::PathBuf>,
    /// Service interfaces (the LNS's `si-…`) that are Unix datagram sockets carrying bare
    /// IPv4 packets instead of TUN devices (the lab, tests without root), by name.
    pub service_links: BTreeMap<String, std::path::PathBuf>,
}

/// An answer the engine will give: waiting for it blocks (bounded), so the management thread
/// hands it to a thread of its own and goes on serving the other sessions.
pub type Later<T> = Box<dyn FnOnce() -> T + Send>;

pub trait ConfigApply: Send {
    /// Applies a new configuration. On `Err` the engine must still run the previous one.
    fn apply(&mut self, config: &Arc<RouterConfig>) -> Result<(), String>;

    /// Applies the active configuration when the daemon starts. Unlike a commit, which
    /// refuses what the host cannot serve, a start serves what it can: a router must not come
    /// up with no L2TP configuration because its SNMP port or trace file is unavailable now.
    /// What was left out is logged; the next commit tries it again.
    fn apply_at_start(&mut self, config: &Arc<RouterConfig>) -> Result<(), String> {
        self.apply(config)
    }

    /// Puts `config` back after the engine took a commit's configuration and the commit then
    /// failed (the database refused the write). Unlike [`ConfigApply::apply`] it never gives
    /// up on a busy engine: that would leave running what the commit reports as not applied.
    fn restore(&mut self, config: &Arc<RouterConfig>) -> Result<(), String> {
        self.apply(config)
    }

    /// Commit checks that need the host (`commit` and `commit check` both run them): the
    /// local addresses the configuration names must be the host's. Engines that touch no
    /// network (tests) accept everything.
    fn check_host(&self, config: &RouterConfig) -> Vec<schema::mgmt::CheckError> {
        let _ = config;
        Vec::new()
    }

    /// `test services l2tp tunnel`: blocks until the test session is up and answered an LCP
    /// echo, or failed (the report says why). `Err` when the test could not start.
    fn test_tunnel(&mut self, test: &TunnelTest) -> Result<TunnelTestReport, String> {
        let _ = test;
        Err(NOT_RUNNING.into())
    }

    /// `show/clear services l2tp …`: the registry's typed answer. A filter or target that
    /// matches nothing comes back as `MgmtError::Failed` with the operator's sentence.
    fn l2tp_rpc(&mut self, rpc: L2tpRpc) -> Result<Reply, MgmtError> {
        let _ = rpc;
        Err(MgmtError::Failed {
            message: NOT_RUNNING.into(),
        })
    }

    /// `show snmp statistics`: the SNMP thread's counters, asked for now and waited for by
    /// whoever runs the result.
    fn snmp_statistics_later(&mut self) -> Later<Result<Reply, MgmtError>> {
        Box::new(|| {
            Err(MgmtError::Failed {
                message: NOT_RUNNING.into(),
            })
        })
    }

    /// `show snmp mib get | walk`: the SNMP thread's current MIB view, asked for now and
    /// read by whoever runs the result.
    fn snmp_view_later(&mut self) -> Later<Result<Arc<View>, String>> {
        Box::new(|| Err(NOT_RUNNING.into()))
    }

    /// [`ConfigApply::test_tunnel`], started now and waited for by whoever runs the result.
    fn test_tunnel_later(&mut self, test: &TunnelTest) -> Later<Result<TunnelTestReport, String>> {
        let answer = self.test_tunnel(test);
        Box::new(move || answer)
    }

    /// [`ConfigApply::l2tp_rpc`], started now and waited for by whoever runs the result.
    fn l2tp_rpc_later(&mut self, rpc: L2tpRpc) -> Later<Result<Reply, MgmtError>> {
        let answer = self.l2tp_rpc(rpc);
        Box::new(move || answer)
    }
}

/// The engine: the configuration in force and, once started, the L2TP runtime.
#[derive(Default)]
pub struct Engine {
    /// The commit's one typed view, shared with the runtime (core and registry) and the
    /// SNMP thread rather than copied for each of them.
    config: Option<Arc<RouterConfig>>,
    generation: u64,
    runtime: Option<RuntimeHandle>,
    /// [`APPLY_TIMEOUT`]; shorter in tests of a busy runtime.
    apply_timeout: Option<Duration>,
}

struct RuntimeHandle {
    commands: channel::UnboundedSender<Command>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// Dropped before the engine stops (field order), so SNMP never waits on a dead engine.
    snmp: Option<snmp::SnmpHandle>,
}

impl Drop for RuntimeHandle {
    /// Stops the runtime, which closes every tunnel with StopCCN before its thread ends.
    fn drop(&mut self) {
        self.snmp = None;
        let _ = self.commands.send(Command::Shutdown);
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("the L2TP engine thread panicked");
            }
        }
    }
}

impl Engine {
    /// Starts the L2TP runtime on its own thread. It listens on nothing until a
    /// configuration names local addresses.
    pub fn start() -> Result<Engine, String> {
        Self::start_seeded(None)
    }

    /// [`Engine::start`] with its random choices fixed by `seed` (tests and transcripts only).
    pub fn start_seeded(seed: Option<u64>) -> Result<Engine, String> {
        Self::start_with(EngineOptions {
            seed,
            ..EngineOptions::default()
        })
    }

    /// [`Engine::start`] with every option.
    pub fn start_with(options: EngineOptions) -> Result<Engine, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the L2TP engine: {e}"))?;
        let (commands, receiver) = channel::unbounded_channel();
        // One per core until a configuration says otherwise (`data-workers`).
        let workers = DataWorkers::start(worker_count(None))?;
        let snmp = snmp::SnmpHandle::start(commands.clone())?;
        let links = snmp.link_reports();
        let thread = std::thread::Builder::new()
            .name("l2tp-engine".into())
            .spawn(move || runtime.block_on(task::run(receiver, options, workers, links)))
            .map_err(|e| format!("cannot start the L2TP engine thread: {e}"))?;
        Ok(Engine {
            config: None,
            generation: 0,
            apply_timeout: None,
            runtime: Some(RuntimeHandle {
                commands,
                thread: Some(thread),
                snmp: Some(snmp),
            }),
        })
    }

    /// The configuration in force, if any was applied yet.
    pub fn config(&self) -> Option<&RouterConfig> {
        self.config.as_deref()
    }

    /// How many configurations were applied since start.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Sends `command` built around a fresh reply channel and waits up to `timeout`.
    fn ask<T: Send + 'static>(
        &self,
        timeout: Duration,
        what: &'static str,
        command: impl FnOnce(mpsc::Sender<T>) -> Command,
    ) -> Option<Result<T, String>> {
        self.ask_later(timeout, what, command).map(|wait| wait())
    }

    /// Sends `command` now; the answer is waited for (up to `timeout`) when the result runs.
    fn ask_later<T: Send + 'static>(
        &self,
        timeout: Duration,
        what: &'static str,
        command: impl FnOnce(mpsc::Sender<T>) -> Command,
    ) -> Option<Later<Result<T, String>>> {
        let runtime = self.runtime.as_ref()?;
        let (reply, answer) = mpsc::channel();
        if runtime.commands.send(command(reply)).is_err() {
            return Some(Box::new(|| Err("the L2TP engine has stopped".into())));
        }
        Some(Box::new(move || {
            answer.recv_timeout(timeout).map_err(|e| match e {
                mpsc::RecvTimeoutError::Timeout => format!(
                    "the L2TP engine did not {what} within {} s",
                    timeout.as_secs()
                ),
                mpsc::RecvTimeoutError::Disconnected => "the L2TP engine has stopped".into(),
            })
        }))
    }
}

impl Engine {
    /// [`ConfigApply::apply`], withdrawn from a runtime that has not taken it within
    /// `timeout`; `None`: waits as long as the runtime takes ([`ConfigApply::restore`]).
    fn apply_within(
        &mut self,
        config: &Arc<RouterConfig>,
        timeout: Option<Duration>,
        strictness: Strictness,
    ) -> Result<(), String> {
        // The trace file, then SNMP: a file that cannot be opened or a port that cannot be
        // bound refuses the commit before the L2TP engine changes anything. Whatever was
        // taken goes back to the configuration in force if a later step refuses. At start
        // they are left out instead (see `ConfigApply::apply_at_start`).
        let left_out = |what: &str, e: String| -> Result<(), String> {
            match strictness {
                Strictness::Commit => Err(e),
                Strictness::Start => {
                    tracing::error!("{what} left out of the active configuration at start: {e}");
                    Ok(())
                }
            }
        };
        use crate::trace::Domain;
        let traces = |c: &RouterConfig| {
            [
                (Domain::L2tp, c.l2tp.traceoptions.clone()),
                (Domain::Pppoe, c.pppoe_traceoptions.clone()),
            ]
        };
        // Without a configuration in force, no trace.
        let previous_traces = self
            .config
            .as_deref()
            .map_or([(Domain::L2tp, None), (Domain::Pppoe, None)], traces);
        let restore_trace = || {
            for (domain, previous) in &previous_traces {
                let _ = crate::trace::apply(*domain, previous.as_ref());
            }
        };
        for (domain, options) in traces(config) {
            if let Err(e) = crate::trace::apply(domain, options.as_ref()) {
                if let Err(e) = left_out("traceoptions", e) {
                    restore_trace();
                    return Err(e);
                }
            }
        }
        let snmp = self.runtime.as_ref().and_then(|r| r.snmp.as_ref());
        if let Some(snmp) = snmp {
            if let Err(e) = snmp.apply(config, timeout) {
                if let Err(e) = left_out("snmp", e) {
                    restore_trace();
                    return Err(e);
                }
            }
        }
        if let Some(Err(e)) = self.apply_to_runtime(config, timeout) {
            // Back to the SNMP configuration in force (it was taken first), however long
            // that takes.
            if let (Some(snmp), Some(previous)) = (snmp, &self.config) {
                let _ = snmp.apply(previous, None);
            }
            restore_trace();
            return Err(e);
        }
        self.config = Some(Arc::clone(config));
        self.generation += 1;
        Ok(())
    }

    /// Hands `config` to the runtime and waits for the outcome; a runtime too busy to take
    /// it within `timeout` never applies it (see [`handover`]). `None` without a runtime.
    fn apply_to_runtime(
        &self,
        config: &Arc<RouterConfig>,
        timeout: Option<Duration>,
    ) -> Option<Result<(), String>> {
        let runtime = self.runtime.as_ref()?;
        let handover = Handover::new();
        let (reply, answer) = mpsc::channel();
        let command = Command::Apply {
            config: Arc::clone(config),
            handover: handover.clone(),
            reply,
        };
        if runtime.commands.send(command).is_err() {
            return Some(Err("the L2TP engine has stopped".into()));
        }
        Some(wait_outcome(&answer, &handover, timeout, "the L2TP engine"))
    }
}

/// How [`Engine::apply_within`] treats a part of the configuration the host cannot serve.
#[derive(Clone, Copy)]
enum Strictness {
    /// A commit: refused, nothing changes.
    Commit,
    /// The daemon's start: logged and left out; the L2TP engine still gets its part.
    Start,
}

/// What the runtime needs on top of a batch's own deadline to hand its report over.
const BATCH_ANSWER_MARGIN: Duration = Duration::from_secs(2);

impl Engine {
    /// Opens `count` test sessions through tunnel profile `profile` at once, as `count`
    /// subscribers of `test services l2tp tunnel` would (proxy LCP and PAP), without the
    /// LCP echo. Blocks until every session is up and the LNS acknowledged every ICCN, or
    /// `timeout`; the sessions stay up until [`Engine::close_test_sessions`]. For the bench.
    /// The calls answer the LNS's LCP echoes but run no IPCP: an LNS without an address
    /// pool keeps them for its negotiation timeout.
    pub fn open_test_sessions(
        &self,
        profile: &str,
        count: usize,
        timeout: Duration,
    ) -> Result<BatchReport, String> {
        self.open_batch(profile, count, false, timeout)
    }

    /// [`Engine::open_test_sessions`] whose calls also ask the LNS for an address by IPCP,
    /// as live subscribers do, so an LNS with an address pool keeps them for as long as
    /// the bench runs (`subscriber/batch_ppp.rs`). An LNS without a pool refuses them.
    pub fn open_test_sessions_with_ip(
        &self,
        profile: &str,
        count: usize,
        timeout: Duration,
    ) -> Result<BatchReport, String> {
        self.open_batch(profile, count, true, timeout)
    }

    fn open_batch(
        &self,
        profile: &str,
        count: usize,
        ipcp: bool,
        timeout: Duration,
    ) -> Result<BatchReport, String> {
        let asked = self.ask(timeout + BATCH_ANSWER_MARGIN, "finish the batch", |reply| {
            Command::OpenBatch {
                profile: profile.to_string(),
                count,
                ipcp,
                timeout,
                reply,
            }
        });
        asked.ok_or_else(|| String::from("the L2TP engine is not running"))??
    }

    /// Ends every session [`Engine::open_test_sessions`] opened, with a CDN each; blocks
    /// until the LNS acknowledged them all, or `timeout`.
    pub fn close_test_sessions(&self, timeout: Duration) -> Result<BatchReport, String> {
        let asked = self.ask(timeout + BATCH_ANSWER_MARGIN, "finish the batch", |reply| {
            Command::CloseBatch { timeout, reply }
        });
        asked.ok_or_else(|| String::from("the L2TP engine is not running"))??
    }
}

impl ConfigApply for Engine {
    fn check_host(&self, config: &RouterConfig) -> Vec<schema::mgmt::CheckError> {
        let mut errors = host_addresses::check(config);
        let configured = config.firewall_filters.keys().cloned().collect();
        let asked = self.ask(CHECK_TIMEOUT, "check the filters in use", |reply| {
            Command::FiltersHeldButGone { configured, reply }
        });
        match asked {
            Some(Ok(gone)) => errors.extend(filters_in_use::errors(&gone)),
            // An engine that does not answer could not take the commit either.
            Some(Err(e)) => errors.push(filters_in_use::not_checked(&e)),
            // No runtime (a test's engine): no subscribers.
            None => {}
        }
        errors
    }

    fn apply(&mut self, config: &Arc<RouterConfig>) -> Result<(), String> {
        let timeout = self.apply_timeout.unwrap_or(APPLY_TIMEOUT);
        self.apply_within(config, Some(timeout), Strictness::Commit)
    }

    fn apply_at_start(&mut self, config: &Arc<RouterConfig>) -> Result<(), String> {
        let timeout = self.apply_timeout.unwrap_or(APPLY_TIMEOUT);
        self.apply_within(config, Some(timeout), Strictness::Start)
    }

    fn restore(&mut self, config: &Arc<RouterConfig>) -> Result<(), String> {
        self.apply_within(config, None, Strictness::Commit)
    }

    fn test_tunnel(&mut self, test: &TunnelTest) -> Result<TunnelTestReport, String> {
        self.test_tunnel_later(test)()
    }

    fn l2tp_rpc(&mut self, rpc: L2tpRpc) -> Result<Reply, MgmtError> {
        self.l2tp_rpc_later(rpc)()
    }

    fn test_tunnel_later(&mut self, test: &TunnelTest) -> Later<Result<TunnelTestReport, String>> {
        let asked = self.ask_later(TEST_ANSWER_TIMEOUT, "finish the test", |reply| {
            Command::Test {
                test: test.clone(),
                reply,
            }
        });
        match asked {
            Some(wait) => Box::new(move || wait()?),
            None => Box::new(|| Err(NOT_RUNNING.into())),
        }
    }

    fn snmp_statistics_later(&mut self) -> Later<Result<Reply, MgmtError>> {
        let snmp = self.runtime.as_ref().and_then(|r| r.snmp.as_ref());
        let asked = snmp.map(snmp::SnmpHandle::statistics_later);
        Box::new(move || {
            let outcome = match asked {
                Some(wait) => wait(),
                None => Err(NOT_RUNNING.into()),
            };
            outcome
                .map(Reply::SnmpStatistics)
                .map_err(|message| MgmtError::Failed { message })
        })
    }

    fn snmp_view_later(&mut self) -> Later<Result<Arc<View>, String>> {
        match self.runtime.as_ref().and_then(|r| r.snmp.as_ref()) {
            Some(snmp) => snmp.view_later(),
            None => Box::new(|| Err(NOT_RUNNING.into())),
        }
    }

    fn l2tp_rpc_later(&mut self, rpc: L2tpRpc) -> Later<Result<Reply, MgmtError>> {
        let asked = self.ask_later(L2TP_RPC_TIMEOUT, "answer", |reply| Command::L2tp {
            rpc,
            reply,
        });
        Box::new(move || {
            let outcome = match asked {
                Some(wait) => wait().and_then(|answer| answer),
                None => Err(NOT_RUNNING.into()),
            };
            outcome.map_err(|message| MgmtError::Failed { message })
        })
    }
}

/// The typed view of `set` lines, for the tests of this module's parts.
#[cfg(test)]
fn config_from_set_lines(lines: &str) -> RouterConfig {
    crate::test_config(lines)
}

#[cfg(test)]
mod access_line_lab_tests;
#[cfg(test)]
mod access_line_rates_lab_tests;
#[cfg(test)]
mod address_policy_lab_tests;
#[cfg(test)]
mod auto_vlan_lab_tests;
#[cfg(test)]
mod data_workers_tests;
#[cfg(test)]
mod dynamic_profile_lab_tests;
#[cfg(test)]
mod fast_path_tests;
#[cfg(test)]
mod filter_fail_closed_lab_tests;
#[cfg(test)]
mod firewall_lab_tests;
#[cfg(test)]
mod heap_profile;
#[cfg(test)]
mod icmp_statistics_lab_tests;
#[cfg(test)]
mod interface_description_lab_tests;
#[cfg(test)]
mod interface_disable_lab_tests;
#[cfg(test)]
mod interface_mib_tests;
#[cfg(test)]
mod interface_view_tests;
#[cfg(test)]
mod lac_tests;
#[cfg(test)]
mod lns_tests;
#[cfg(test)]
mod lns_units_lab_tests;
#[cfg(test)]
mod lossy_sim_tests;
#[cfg(test)]
mod nas_ip_address_lab_tests;
#[cfg(test)]
mod nas_port_lab_tests;
#[cfg(test)]
mod native_vlan_lab_tests;
#[cfg(test)]
mod policer_lab_tests;
#[cfg(test)]
mod ppp_view_lab_tests;
#[cfg(test)]
mod pppoe_trace_lab_tests;
#[cfg(test)]
mod radius_lab_tests;
#[cfg(test)]
mod route_view_lab_tests;
#[cfg(test)]
mod rpf_fail_filter_lab_tests;
#[cfg(test)]
mod session_options_lab_tests;
#[cfg(test)]
mod sim_lab;
#[cfg(test)]
mod socket_close_tests;
#[cfg(test)]
mod static_pppoe_lab_tests;
#[cfg(test)]
mod terminate_code_lab_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod vlan_auth_lab_tests;
