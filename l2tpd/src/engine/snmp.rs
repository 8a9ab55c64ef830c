//! The SNMP frontends' runtime: a thread of its own, so that building views and answering
//! walks never runs on the L2TP engine's thread. The engine's only part is to hand over a
//! snapshot of the registry when asked (`Command::SnmpSnapshot`), at most once per
//! [`VIEW_MAX_AGE`]: a walk of 65,000 rows is answered from one view, not one snapshot per
//! request.
//!
//! It serves the embedded SNMPv2c agent on `snmp { port N; }` when a community is
//! configured, and the AgentX subagent when `snmp agentx socket PATH` is.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::rc::Rc;
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use schema::snmp_rpc::SnmpStatistics;
use schema::typed::SnmpConfig;
use tokio::net::UdpSocket;
use tokio::sync::{mpsc as channel, oneshot};

use super::handover::{wait_outcome, Handover};
use super::task::Command;
use super::Later;
use crate::snmp::agent::{Agent, AgentConfig, ClientPrefix, Community};
use crate::snmp::agentx::runtime::{Subagent, ViewSource};
use crate::snmp::snapshot::SnmpSnapshot;
use crate::snmp::statistics::statistics;
use crate::snmp::view::View;

/// How old a view may be when a request arrives before a new snapshot is asked for.
pub const VIEW_MAX_AGE: Duration = Duration::from_secs(1);
/// How long `show snmp statistics` waits for the SNMP thread. It answers between two
/// requests, and a request waits at most for one engine snapshot.
const STATISTICS_TIMEOUT: Duration = Duration::from_secs(5);
/// Largest UDP payload; larger requests are read whole so the agent can count them.
const MAX_DATAGRAM: usize = 65_535;

enum Control {
    Apply {
        config: Box<SnmpConfig>,
        handover: Handover,
        reply: mpsc::Sender<Result<(), String>>,
    },
    Statistics {
        reply: mpsc::Sender<SnmpStatistics>,
    },
    Shutdown,
}

/// The SNMP thread, as the engine handle owns it.
pub(super) struct SnmpHandle {
    control: channel::UnboundedSender<Control>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SnmpHandle {
    /// Starts the SNMP thread; it serves nothing until a configuration asks for it.
    pub fn start(engine: channel::UnboundedSender<Command>) -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the SNMP agent: {e}"))?;
        let (control, receiver) = channel::unbounded_channel();
        let thread = std::thread::Builder::new()
            .name("snmp".into())
            .spawn(move || runtime.block_on(run(receiver, engine)))
            .map_err(|e| format!("cannot start the SNMP thread: {e}"))?;
        Ok(SnmpHandle {
            control,
            thread: Some(thread),
        })
    }

    /// Takes the `[edit snmp]` of a commit; fails (changing nothing) when the agent's port
    /// cannot be bound, or when the agent has not taken it within `timeout` (it is withdrawn
    /// then). `None` waits for the outcome however long it takes.
    pub fn apply(&self, config: &SnmpConfig, timeout: Option<Duration>) -> Result<(), String> {
        let (reply, answer) = mpsc::channel();
        let handover = Handover::new();
        self.control
            .send(Control::Apply {
                config: Box::new(config.clone()),
                handover: handover.clone(),
                reply,
            })
            .map_err(|_| String::from("the SNMP agent has stopped"))?;
        wait_outcome(&answer, &handover, timeout, "the SNMP agent")
    }

    /// Asks the SNMP thread for a copy of its counters now; the answer is waited for (up
    /// to [`STATISTICS_TIMEOUT`]) when the result runs.
    pub fn statistics_later(&self) -> Later<Result<SnmpStatistics, String>> {
        let (reply, answer) = mpsc::channel();
        if self.control.send(Control::Statistics { reply }).is_err() {
            return Box::new(|| Err(String::from("the SNMP agent has stopped")));
        }
        Box::new(move || {
            answer
                .recv_timeout(STATISTICS_TIMEOUT)
                .map_err(|e| match e {
                    mpsc::RecvTimeoutError::Timeout => format!(
                        "the SNMP agent did not answer within {} s",
                        STATISTICS_TIMEOUT.as_secs()
                    ),
                    mpsc::RecvTimeoutError::Disconnected => "the SNMP agent has stopped".into(),
                })
        })
    }
}

impl Drop for SnmpHandle {
    fn drop(&mut self) {
        let _ = self.control.send(Control::Shutdown);
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("the SNMP thread panicked");
            }
        }
    }
}

/// The embedded agent's configuration, or `None` when it must not listen: SNMP is not
/// configured, or no community is (AgentX alone needs no UDP port).
pub fn agent_config(config: &SnmpConfig) -> Option<(u16, AgentConfig)> {
    if !config.enabled || config.communities.is_empty() {
        return None;
    }
    let communities = config
        .communities
        .iter()
        .map(|(name, c)| Community {
            name: name.clone(),
            clients: c
                .clients
                .iter()
                .map(|p| ClientPrefix {
                    address: IpAddr::V4(p.address),
                    length: p.len,
                })
                .collect(),
        })
        .collect();
    Some((config.port, AgentConfig { communities }))
}

/// The current view, rebuilt from a fresh engine snapshot when older than `VIEW_MAX_AGE`.
pub(crate) struct Views {
    engine: channel::UnboundedSender<Command>,
    current: Option<(Instant, Rc<View>)>,
}

impl ViewSource for Views {
    async fn current(&mut self) -> Rc<View> {
        Views::current(self).await
    }
}

impl Views {
    fn new(engine: channel::UnboundedSender<Command>) -> Self {
        Views {
            engine,
            current: None,
        }
    }

    pub async fn current(&mut self) -> Rc<View> {
        let now = Instant::now();
        if let Some((taken, view)) = &self.current {
            if now.saturating_duration_since(*taken) < VIEW_MAX_AGE {
                return Rc::clone(view);
            }
        }
        let (reply, answer) = oneshot::channel();
        let snapshot = if self.engine.send(Command::SnmpSnapshot { reply }).is_ok() {
            answer.await.unwrap_or_default()
        } else {
            // The engine is stopping: an empty view answers until this thread stops too.
            SnmpSnapshot::default()
        };
        let view = Rc::new(View::new(snapshot, SystemTime::now()));
        self.current = Some((Instant::now(), Rc::clone(&view)));
        view
    }
}

/// The embedded agent's socket, and what it was bound for.
struct Listener {
    port: u16,
    socket: UdpSocket,
}

async fn run(
    mut control: channel::UnboundedReceiver<Control>,
    engine: channel::UnboundedSender<Command>,
) {
    let mut views = Views::new(engine);
    let mut agent = Agent::new(AgentConfig::default());
    let mut listener: Option<Listener> = None;
    let mut subagent = Subagent::default();
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        tokio::select! {
            command = control.recv() => match command {
                None | Some(Control::Shutdown) => break,
                // Withdrawn: the commit already reported that it failed.
                Some(Control::Apply { handover, .. }) if !handover.take() => {}
                Some(Control::Apply { config, reply, .. }) => {
                    let result = apply(&config, &mut agent, &mut listener).await;
                    if result.is_ok() {
                        subagent.apply(config.enabled.then_some(config.agentx_socket.as_deref()).flatten());
                    }
                    let _ = reply.send(result);
                }
                Some(Control::Statistics { reply }) => {
                    let port = listener.as_ref().map(|l| l.port);
                    let _ = reply.send(statistics(port, &agent.counters(), &subagent.status()));
                }
            },
            received = receive(listener.as_ref(), &mut buf) => {
                let Some((len, source)) = received else { continue };
                let view = views.current().await;
                let request = buf.get(..len).unwrap_or_default();
                if let (Some(response), Some(l)) = (agent.handle(source, request, &view), &listener) {
                    if let Err(e) = l.socket.send_to(&response, source).await {
                        tracing::debug!("snmp: answer to {source}: {e}");
                    }
                }
            }
            event = subagent.next_event() => subagent.handle(event, &mut views).await,
        }
    }
    subagent.close().await;
}

/// Reads one datagram, or waits forever when there is no socket.
async fn receive(listener: Option<&Listener>, buf: &mut [u8]) -> Option<(usize, SocketAddr)> {
    let Some(listener) = listener else {
        return std::future::pending().await;
    };
    match listener.socket.recv_from(buf).await {
        Ok(received) => Some(received),
        Err(e) => {
            tracing::debug!("snmp receive: {e}");
            None
        }
    }
}

async fn apply(
    config: &SnmpConfig,
    agent: &mut Agent,
    listener: &mut Option<Listener>,
) -> Result<(), String> {
    let Some((port, agent_config)) = agent_config(config) else {
        if listener.take().is_some() {
            tracing::info!("snmp: embedded agent stopped");
        }
        return Ok(());
    };
    if listener.as_ref().is_none_or(|l| l.port != port) {
        // Bind the new port before closing the old one, so a refused commit keeps it.
        let at = SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port);
        let socket = UdpSocket::bind(at)
            .await
            .map_err(|e| format!("snmp: cannot listen on UDP port {port}: {e}"))?;
        tracing::info!("snmp: embedded agent listening on UDP port {port}");
        *listener = Some(Listener { port, socket });
    }
    agent.reconfigure(agent_config);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use schema::typed::{Community as ConfiguredCommunity, CommunityAuthorization, Ipv4Prefix};

    fn snmp(communities: &[(&str, &[&str])]) -> SnmpConfig {
        SnmpConfig {
            enabled: true,
            description: None,
            location: None,
            contact: None,
            communities: communities
                .iter()
                .map(|(name, clients)| {
                    let community = ConfiguredCommunity {
                        authorization: CommunityAuthorization::ReadOnly,
                        clients: clients
                            .iter()
                            .filter_map(|p| Ipv4Prefix::parse(p))
                            .collect(),
                    };
                    (name.to_string(), community)
                })
                .collect(),
            port: 16161,
            agentx_socket: None,
        }
    }

    #[test]
    fn the_embedded_agent_listens_only_with_a_community() {
        assert_eq!(agent_config(&snmp(&[])), None);
        let mut off = snmp(&[("public", &[])]);
        off.enabled = false;
        assert_eq!(agent_config(&off), None);

        let (port, config) = agent_config(&snmp(&[("public", &["127.0.0.0/8"])])).expect("on");
        assert_eq!(port, 16161);
        assert_eq!(
            config.communities,
            [Community {
                name: "public".into(),
                clients: vec![ClientPrefix {
                    address: IpAddr::V4(Ipv4Addr::new(127, 0, 0, 0)),
                    length: 8
                }],
            }]
        );
    }
}
