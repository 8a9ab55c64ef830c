//! The subagent's tokio shell: connects to the master's Unix socket, feeds the session
//! core, pings, and reconnects with backoff when the master goes away (snmpd restarts),
//! opening and registering anew. Every read is cancel-safe, so the SNMP thread's other
//! work (the embedded agent) can interleave with it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use agentx::pdu::{Header, Type};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;
use tokio::time::{sleep_until, timeout, Instant};

use super::session::{Reset, Session, SessionCounters};
use super::wire;
use crate::snmp::snapshot::SnmpSnapshot;
use crate::snmp::view::View;

/// Backoff between connection attempts: doubles from the first to the last.
const FIRST_RETRY: Duration = Duration::from_secs(1);
const LAST_RETRY: Duration = Duration::from_secs(30);
const PING_INTERVAL: Duration = Duration::from_secs(15);
/// A master that takes longer than this to take a PDU is treated as gone.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// Where the subagent gets the view it answers from.
pub trait ViewSource {
    fn current(&mut self) -> impl std::future::Future<Output = Arc<View>>;
}

/// What woke the subagent up.
#[derive(Debug)]
pub enum Event {
    /// Time to (re)connect.
    Connect,
    Pdu(Vec<u8>),
    Ping,
    /// Part of a PDU arrived; nothing to do yet.
    Partial,
    Broken(String),
}

struct Link {
    stream: UnixStream,
    session: Session,
    inbuf: Vec<u8>,
    next_ping: Instant,
}

impl Link {
    /// The first whole PDU in the buffer, if one is in.
    fn take_pdu(&mut self) -> Option<Event> {
        match wire::pdu_length(&self.inbuf) {
            Ok(Some(length)) if self.inbuf.len() >= length => {
                let rest = self.inbuf.split_off(length);
                Some(Event::Pdu(std::mem::replace(&mut self.inbuf, rest)))
            }
            Ok(_) => None,
            Err(length) => Some(Event::Broken(format!(
                "the master announced a PDU of {length} octets"
            ))),
        }
    }
}

/// Counts for `show` and the tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SubagentCounters {
    pub connects: u64,
    pub registrations: u64,
    pub resets: u64,
}

/// The subagent as `show snmp statistics` reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubagentStatus {
    pub path: Option<PathBuf>,
    pub connected: bool,
    pub registered: bool,
    pub counters: SubagentCounters,
    /// What the master asked, over every connection so far.
    pub requests: SessionCounters,
}

pub struct Subagent {
    path: Option<PathBuf>,
    link: Option<Link>,
    retry_at: Instant,
    backoff: Duration,
    started: Instant,
    counters: SubagentCounters,
    /// The request counters of the connections already gone: each session counts from zero.
    retired: SessionCounters,
}

impl Default for Subagent {
    fn default() -> Self {
        Subagent {
            path: None,
            link: None,
            retry_at: Instant::now(),
            backoff: FIRST_RETRY,
            started: Instant::now(),
            counters: SubagentCounters::default(),
            retired: SessionCounters::default(),
        }
    }
}

impl Subagent {
    /// Follows `snmp agentx socket PATH` at commit: a new path reconnects at once.
    pub fn apply(&mut self, path: Option<&str>) {
        let path = path.map(PathBuf::from);
        if path == self.path {
            return;
        }
        if let Some(old) = &self.path {
            tracing::info!("agentx: leaving {}", old.display());
        }
        self.path = path;
        self.drop_link();
        self.retry_at = Instant::now();
        self.backoff = FIRST_RETRY;
    }

    pub fn counters(&self) -> SubagentCounters {
        self.counters
    }

    pub fn status(&self) -> SubagentStatus {
        let current = self.link.as_ref().map(|l| l.session.counters());
        SubagentStatus {
            path: self.path.clone(),
            connected: self.link.is_some(),
            registered: self.link.as_ref().is_some_and(|l| l.session.registered()),
            counters: self.counters,
            requests: current.map_or(self.retired, |c| self.retired.plus(&c)),
        }
    }

    /// Ends the connection, if any, keeping its request counters; true when there was one.
    fn drop_link(&mut self) -> bool {
        match self.link.take() {
            Some(link) => {
                self.retired = self.retired.plus(&link.session.counters());
                true
            }
            None => false,
        }
    }

    /// Waits for the next thing to do. Cancel-safe.
    pub async fn next_event(&mut self) -> Event {
        if self.path.is_none() {
            return std::future::pending().await;
        }
        let Some(link) = &mut self.link else {
            sleep_until(self.retry_at).await;
            return Event::Connect;
        };
        if let Some(event) = link.take_pdu() {
            return event;
        }
        tokio::select! {
            read = link.stream.read_buf(&mut link.inbuf) => match read {
                Ok(0) => Event::Broken("the master closed the connection".into()),
                Ok(_) => link.take_pdu().unwrap_or(Event::Partial),
                Err(e) => Event::Broken(format!("read: {e}")),
            },
            () = sleep_until(link.next_ping) => Event::Ping,
        }
    }

    pub async fn handle(&mut self, event: Event, views: &mut impl ViewSource) {
        match event {
            Event::Connect => self.connect().await,
            Event::Partial => {}
            Event::Broken(reason) => self.reset(&reason),
            Event::Ping => {
                let Some(link) = &mut self.link else { return };
                link.next_ping = Instant::now() + PING_INTERVAL;
                match link.session.ping() {
                    Ok(Some(ping)) => self.send(ping).await,
                    Ok(None) => {}
                    Err(Reset(reason)) => self.reset(&reason),
                }
            }
            Event::Pdu(pdu) => {
                let needs_view = Header::from_bytes(&pdu)
                    .is_ok_and(|h| matches!(h.ty, Type::Get | Type::GetNext | Type::GetBulk));
                let view = if needs_view {
                    views.current().await
                } else {
                    Arc::new(View::new(
                        SnmpSnapshot::default(),
                        std::time::SystemTime::now(),
                    ))
                };
                let up_time =
                    u32::try_from(self.started.elapsed().as_millis() / 10).unwrap_or(u32::MAX);
                let Some(link) = &mut self.link else { return };
                let was_registered = link.session.registered();
                match link.session.handle(&pdu, &view, up_time) {
                    Ok(answer) => {
                        if !was_registered && link.session.registered() {
                            self.counters.registrations += 1;
                            self.backoff = FIRST_RETRY;
                            tracing::info!("agentx: JNX-L2TP-MIB registered with the master");
                        }
                        if let Some(answer) = answer {
                            self.send(answer).await;
                        }
                    }
                    Err(Reset(reason)) => self.reset(&reason),
                }
            }
        }
    }

    async fn connect(&mut self) {
        let Some(path) = self.path.clone() else {
            return;
        };
        match UnixStream::connect(&path).await {
            Ok(stream) => {
                self.counters.connects += 1;
                let (session, open) = Session::open();
                self.link = Some(Link {
                    stream,
                    session,
                    inbuf: Vec::with_capacity(4096),
                    next_ping: Instant::now() + PING_INTERVAL,
                });
                self.send(open).await;
            }
            Err(e) => {
                tracing::debug!("agentx: cannot connect to {}: {e}", path.display());
                self.retry_later();
            }
        }
    }

    async fn send(&mut self, pdu: Vec<u8>) {
        let Some(link) = &mut self.link else { return };
        match timeout(WRITE_TIMEOUT, link.stream.write_all(&pdu)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => self.reset(&format!("write: {e}")),
            Err(_) => self.reset("the master did not take a PDU in time"),
        }
    }

    fn reset(&mut self, reason: &str) {
        if self.drop_link() {
            self.counters.resets += 1;
            tracing::warn!("agentx: session lost ({reason}); reconnecting");
        }
        self.retry_later();
    }

    fn retry_later(&mut self) {
        self.retry_at = Instant::now() + self.backoff;
        self.backoff = (self.backoff * 2).min(LAST_RETRY);
    }

    /// Closes the session politely (the daemon is stopping).
    pub async fn close(&mut self) {
        if let Some(link) = &mut self.link {
            if link.session.registered() {
                // RFC 2741 6.2.2 Close, reason shutdown(5).
                let close = link.session.close_pdu();
                let _ = timeout(WRITE_TIMEOUT, link.stream.write_all(&close)).await;
            }
        }
        self.drop_link();
    }
}
