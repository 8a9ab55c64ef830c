//! The subagent's tokio shell: connects to the master's Unix socket, feeds the session
//! core, pings, and reconnects with backoff when the master goes away (snmpd restarts),
//! opening and registering anew. Every read is cancel-safe, so the SNMP thread's other
//! work (the embedded agent) can interleave with it.
//!
//! What a request costs here is what issue 15 measured: net-snmp's snmpd turns each
//! repetition of its client's GetBulk into one AgentX GetNext (its master never sends
//! AgentX GetBulk), one round trip per varbind. So each wakeup reads what is there,
//! answers every whole PDU in it from one view, and writes the answers in one `write`;
//! the ping timer is one timer for the connection, not one per wait; and the steps of one
//! walk are answered from the view its first step was (up to [`WALK_VIEW_MAX_AGE`]), so a
//! walk that takes a minute costs the engine a few snapshots, not one a second.

use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;
use tokio::time::{sleep_until, timeout, Instant, Sleep};

use super::request;
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
/// How long the steps of one walk (each request starting where the previous answer
/// ended) go on being answered from the view the walk started on. New requests take the
/// SNMP thread's current view, at most `VIEW_MAX_AGE` (1 s) old.
pub const WALK_VIEW_MAX_AGE: Duration = Duration::from_secs(10);
/// Room read into per wakeup: many PDUs if the master pipelines them.
const READ_CHUNK: usize = 64 * 1024;

/// Where the subagent gets the view it answers from.
pub trait ViewSource {
    fn current(&mut self) -> impl std::future::Future<Output = Arc<View>>;
}

/// What woke the subagent up.
#[derive(Debug)]
pub enum Event {
    /// Time to (re)connect.
    Connect,
    /// Octets arrived: every whole PDU among them is answered.
    Input,
    Ping,
    Broken(String),
}

struct Link {
    stream: UnixStream,
    session: Session,
    /// What was read and not yet handled: at most part of one PDU between wakeups.
    inbuf: Vec<u8>,
    /// The answers of one wakeup, written together; kept for its capacity.
    outbuf: Vec<u8>,
    /// One timer for the connection, moved on at each ping.
    ping: Pin<Box<Sleep>>,
    /// The view the current walk is answered from, and when it was taken.
    walk_view: Option<(Instant, Arc<View>)>,
}

/// The length of the PDU at the start of `buf` once it is all in; `Err` for a giant.
fn whole_pdu(buf: &[u8]) -> Result<Option<usize>, String> {
    match wire::pdu_length(buf) {
        Ok(Some(length)) if buf.len() >= length => Ok(Some(length)),
        Ok(_) => Ok(None),
        Err(length) => Err(format!("the master announced a PDU of {length} octets")),
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
        link.inbuf.reserve(READ_CHUNK);
        tokio::select! {
            read = link.stream.read_buf(&mut link.inbuf) => match read {
                Ok(0) => Event::Broken("the master closed the connection".into()),
                Ok(_) => Event::Input,
                Err(e) => Event::Broken(format!("read: {e}")),
            },
            () = link.ping.as_mut() => Event::Ping,
        }
    }

    pub async fn handle(&mut self, event: Event, views: &mut impl ViewSource) {
        match event {
            Event::Connect => self.connect().await,
            Event::Broken(reason) => self.reset(&reason),
            Event::Ping => {
                let Some(link) = &mut self.link else { return };
                link.ping.as_mut().reset(Instant::now() + PING_INTERVAL);
                match link.session.ping() {
                    Ok(Some(ping)) => self.send(ping).await,
                    Ok(None) => {}
                    Err(Reset(reason)) => self.reset(&reason),
                }
            }
            Event::Input => self.answer_input(views).await,
        }
    }

    /// Answers every whole PDU read so far, then writes the answers at once.
    async fn answer_input(&mut self, views: &mut impl ViewSource) {
        let Some(link) = &mut self.link else { return };
        let input = std::mem::take(&mut link.inbuf);
        let mut output = std::mem::take(&mut link.outbuf);
        output.clear();
        let mut used = 0;
        let mut broken = None;
        while let Some(rest) = input.get(used..) {
            let length = match whole_pdu(rest) {
                Ok(Some(length)) => length,
                Ok(None) => break,
                Err(reason) => {
                    broken = Some(reason);
                    break;
                }
            };
            let pdu = rest.get(..length).unwrap_or_default();
            used += length;
            if let Err(Reset(reason)) = self.answer_pdu(pdu, views, &mut output).await {
                broken = Some(reason);
                break;
            }
        }
        if let Some(reason) = broken {
            self.reset(&reason);
            return;
        }
        let Some(link) = &mut self.link else { return };
        let mut input = input;
        input.drain(..used.min(input.len()));
        link.inbuf = input;
        if !output.is_empty() {
            self.send_all(&output).await;
        }
        if let Some(link) = &mut self.link {
            link.outbuf = output;
        }
    }

    /// Answers one PDU into `output`.
    async fn answer_pdu(
        &mut self,
        pdu: &[u8],
        views: &mut impl ViewSource,
        output: &mut Vec<u8>,
    ) -> Result<(), Reset> {
        let request = request::parse(pdu);
        let view = match &request {
            Some(Ok(read)) => self.view_for(read, views).await,
            Some(Err(_)) | None => None,
        };
        let view = view.unwrap_or_else(|| {
            Arc::new(View::new(
                SnmpSnapshot::default(),
                std::time::SystemTime::now(),
            ))
        });
        let up_time = u32::try_from(self.started.elapsed().as_millis() / 10).unwrap_or(u32::MAX);
        let Some(link) = &mut self.link else {
            return Ok(());
        };
        let was_registered = link.session.registered();
        let answer = link.session.handle_read(pdu, request, &view, up_time)?;
        if !was_registered && link.session.registered() {
            self.counters.registrations += 1;
            self.backoff = FIRST_RETRY;
            tracing::info!("agentx: JNX-L2TP-MIB registered with the master");
        }
        if let Some(answer) = answer {
            output.extend_from_slice(&answer);
        }
        Ok(())
    }

    /// The view to answer `request` from: the walk's own while the request continues it
    /// and the view is young enough, else the SNMP thread's current one (which the walk
    /// then keeps).
    async fn view_for(
        &mut self,
        request: &request::Request,
        views: &mut impl ViewSource,
    ) -> Option<Arc<View>> {
        let link = self.link.as_mut()?;
        if link.session.continues_walk(request) {
            if let Some((taken, view)) = &link.walk_view {
                if taken.elapsed() < WALK_VIEW_MAX_AGE {
                    return Some(Arc::clone(view));
                }
            }
        }
        let view = views.current().await;
        let link = self.link.as_mut()?;
        link.walk_view = Some((Instant::now(), Arc::clone(&view)));
        Some(view)
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
                    inbuf: Vec::with_capacity(READ_CHUNK),
                    outbuf: Vec::new(),
                    ping: Box::pin(sleep_until(Instant::now() + PING_INTERVAL)),
                    walk_view: None,
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
        self.send_all(&pdu).await;
    }

    /// Writes `octets` whole. The socket nearly always has room, so the first attempt is
    /// a plain write with no timer; only what does not fit waits, bounded by
    /// `WRITE_TIMEOUT`.
    async fn send_all(&mut self, octets: &[u8]) {
        let Some(link) = &mut self.link else { return };
        let written = match link.stream.try_write(octets) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => 0,
            Err(e) => {
                self.reset(&format!("write: {e}"));
                return;
            }
        };
        let Some(rest) = octets.get(written..).filter(|r| !r.is_empty()) else {
            return;
        };
        match timeout(WRITE_TIMEOUT, link.stream.write_all(rest)).await {
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

#[cfg(test)]
#[path = "runtime_tests.rs"]
mod tests;
