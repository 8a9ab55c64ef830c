//! The subagent's I/O shell: a thread of its own that connects to the master's Unix
//! socket, feeds the session core with blocking reads and writes, pings, and reconnects
//! with backoff when the master goes away (snmpd restarts), opening and registering anew.
//!
//! Why a thread with blocking I/O and not a task on the SNMP thread's tokio runtime: what
//! a request costs here is what issue 15 measured. net-snmp's snmpd turns each repetition
//! of its client's GetBulk into one AgentX GetNext (its master never sends AgentX
//! GetBulk), one round trip per varbind, so the per-PDU cost of this loop is the whole cost
//! of a walk. Through tokio each PDU was an epoll wakeup, a poll of the task, a read, a
//! write and an `epoll_wait` that parks the thread again; here it is one `read` that
//! sleeps until the PDU is there and one `write` of the answer. Every whole PDU a read
//! brings is answered from one view, into one buffer, written at once; the steps of one
//! walk are answered from the view its first step was (up to [`WALK_VIEW_MAX_AGE`]), so a
//! walk that takes a minute costs the engine a few snapshots, not one a second.
//!
//! The owner ([`Subagent`], on the SNMP thread) talks to the thread through a channel and
//! wakes a blocked read by shutting down the reading half of the connection
//! (`shutdown(SHUT_RD)`): the read returns at once, the channel says why, and the write
//! half still takes a Close PDU when the daemon stops.

use std::io::{ErrorKind, Read, Write};
use std::net::Shutdown;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError, TryRecvError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

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

/// Where the subagent gets the view it answers from. Called on the subagent's thread; it
/// may block (for an engine snapshot).
pub trait ViewSource: Send + 'static {
    fn current(&mut self) -> Arc<View>;
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

/// What the thread publishes after each read: plain values, so publishing costs a lock
/// and a copy, no allocation.
#[derive(Debug, Clone, Copy, Default)]
struct Published {
    connected: bool,
    registered: bool,
    counters: SubagentCounters,
    requests: SessionCounters,
}

/// What the owner and the thread share.
#[derive(Default)]
struct Shared {
    published: Mutex<Published>,
    /// A handle on the current connection, for the owner to wake a blocked read.
    stream: Mutex<Option<UnixStream>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

enum Control {
    Path(Option<PathBuf>),
    Close,
}

/// Timers of the thread; the tests shorten them.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub ping_interval: Duration,
    pub first_retry: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            ping_interval: PING_INTERVAL,
            first_retry: FIRST_RETRY,
        }
    }
}

/// The subagent as its owner holds it: the configured path, and the thread once a path
/// was configured.
pub struct Subagent {
    path: Option<PathBuf>,
    shared: Arc<Shared>,
    /// The views, until the thread starts and takes them.
    views: Option<Box<dyn ViewSource>>,
    timing: Timing,
    thread: Option<(mpsc::Sender<Control>, JoinHandle<()>)>,
}

impl Subagent {
    pub fn new(views: Box<dyn ViewSource>) -> Self {
        Self::with_timing(views, Timing::default())
    }

    pub fn with_timing(views: Box<dyn ViewSource>, timing: Timing) -> Self {
        Subagent {
            path: None,
            shared: Arc::default(),
            views: Some(views),
            timing,
            thread: None,
        }
    }

    /// Follows `snmp agentx socket PATH` at commit: a new path reconnects at once.
    pub fn apply(&mut self, path: Option<&str>) {
        let path = path.map(PathBuf::from);
        if path == self.path {
            return;
        }
        if let Some(old) = &self.path {
            tracing::info!("agentx: leaving {}", old.display());
        }
        self.path = path.clone();
        if self.thread.is_none() {
            if path.is_none() {
                return;
            }
            if let Err(e) = self.spawn() {
                tracing::error!("agentx: {e}");
                return;
            }
        }
        self.tell(Control::Path(path));
    }

    fn spawn(&mut self) -> Result<(), String> {
        let Some(views) = self.views.take() else {
            return Err("the subagent's thread is gone".into());
        };
        let (control, receiver) = mpsc::channel();
        let shared = Arc::clone(&self.shared);
        let timing = self.timing;
        let thread = std::thread::Builder::new()
            .name("agentx".into())
            .spawn(move || Thread::new(shared, timing).run(&receiver, views))
            .map_err(|e| format!("cannot start the subagent's thread: {e}"))?;
        self.thread = Some((control, thread));
        Ok(())
    }

    /// Sends the thread a control and wakes it if it is blocked reading the master.
    fn tell(&self, control: Control) {
        let Some((sender, _)) = &self.thread else {
            return;
        };
        // The message and the wake-up under the lock the thread takes to publish a new
        // connection: a connection published before is woken (the thread reads the
        // channel before each read, and a read begun after the shutdown returns at once);
        // one published after was made after the message was taken, and is left alone.
        let connection = lock(&self.shared.stream);
        if sender.send(control).is_err() {
            return;
        }
        if let Some(stream) = connection.as_ref() {
            let _ = stream.shutdown(Shutdown::Read);
        }
    }

    pub fn counters(&self) -> SubagentCounters {
        lock(&self.shared.published).counters
    }

    pub fn status(&self) -> SubagentStatus {
        let p = *lock(&self.shared.published);
        SubagentStatus {
            path: self.path.clone(),
            connected: p.connected,
            registered: p.registered,
            counters: p.counters,
            requests: p.requests,
        }
    }

    /// Closes the session politely (the daemon is stopping) and ends the thread.
    pub fn close(&mut self) {
        self.tell(Control::Close);
        if let Some((sender, thread)) = self.thread.take() {
            drop(sender);
            if thread.join().is_err() {
                tracing::error!("the AgentX subagent's thread panicked");
            }
        }
    }
}

impl Drop for Subagent {
    fn drop(&mut self) {
        self.close();
    }
}

/// One connection to the master.
struct Link {
    stream: UnixStream,
    session: Session,
    /// Octets read and not yet answered: at most part of one PDU between reads. Sized for
    /// the largest PDU accepted, once per connection, so a read never allocates.
    inbuf: Box<[u8]>,
    filled: usize,
    /// The answers of one read, written together; kept for its capacity.
    outbuf: Vec<u8>,
    next_ping: Instant,
    /// The view the current walk is answered from, and when it was taken.
    walk_view: Option<(Instant, Arc<View>)>,
}

/// The thread's own state.
struct Thread {
    shared: Arc<Shared>,
    timing: Timing,
    path: Option<PathBuf>,
    link: Option<Link>,
    retry_at: Instant,
    backoff: Duration,
    started: Instant,
    counters: SubagentCounters,
    /// The request counters of the connections already gone: each session counts from zero.
    retired: SessionCounters,
    /// What PDUs other than requests are handed (the session reads no view for them).
    empty: Arc<View>,
}

/// How one turn of the thread ended.
enum Turn {
    Go,
    Stop,
}

impl Thread {
    fn new(shared: Arc<Shared>, timing: Timing) -> Self {
        Thread {
            shared,
            timing,
            path: None,
            link: None,
            retry_at: Instant::now(),
            backoff: timing.first_retry,
            started: Instant::now(),
            counters: SubagentCounters::default(),
            retired: SessionCounters::default(),
            empty: Arc::new(View::new(
                SnmpSnapshot::default(),
                std::time::SystemTime::now(),
            )),
        }
    }

    fn run(mut self, control: &mpsc::Receiver<Control>, mut views: Box<dyn ViewSource>) {
        loop {
            let turn = match control.try_recv() {
                Ok(c) => self.control(c),
                Err(TryRecvError::Disconnected) => self.control(Control::Close),
                Err(TryRecvError::Empty) if self.link.is_none() => self.wait_to_connect(control),
                Err(TryRecvError::Empty) => match self.serve(views.as_mut()) {
                    None => Turn::Go,
                    // The read ended: the owner's wake-up, when it sent something (the
                    // connection is then left or closed as it says), else the master.
                    Some(reason) => match control.try_recv() {
                        Ok(c) => self.control(c),
                        Err(TryRecvError::Disconnected) => self.control(Control::Close),
                        Err(TryRecvError::Empty) => {
                            self.reset(&reason);
                            Turn::Go
                        }
                    },
                },
            };
            self.publish();
            if let Turn::Stop = turn {
                return;
            }
        }
    }

    fn control(&mut self, control: Control) -> Turn {
        match control {
            Control::Path(path) => {
                self.path = path;
                self.drop_link();
                self.retry_at = Instant::now();
                self.backoff = self.timing.first_retry;
                Turn::Go
            }
            Control::Close => {
                self.close();
                Turn::Stop
            }
        }
    }

    /// No connection: waits for the next attempt, or for the owner.
    fn wait_to_connect(&mut self, control: &mpsc::Receiver<Control>) -> Turn {
        let received = if self.path.is_none() {
            control.recv().map_err(|_| RecvTimeoutError::Disconnected)
        } else {
            control.recv_timeout(self.retry_at.saturating_duration_since(Instant::now()))
        };
        match received {
            Ok(c) => self.control(c),
            Err(RecvTimeoutError::Disconnected) => self.control(Control::Close),
            Err(RecvTimeoutError::Timeout) => {
                self.connect();
                Turn::Go
            }
        }
    }

    fn publish(&self) {
        let link = self.link.as_ref();
        let current = link.map(|l| l.session.counters());
        *lock(&self.shared.published) = Published {
            connected: link.is_some(),
            registered: link.is_some_and(|l| l.session.registered()),
            counters: self.counters,
            requests: current.map_or(self.retired, |c| self.retired.plus(&c)),
        };
    }

    fn connect(&mut self) {
        let Some(path) = self.path.clone() else {
            return;
        };
        let stream = UnixStream::connect(&path).and_then(|stream| {
            // The read timeout is the ping timer: a master silent for that long is pinged.
            stream.set_read_timeout(Some(self.timing.ping_interval))?;
            stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
            let handle = stream.try_clone()?;
            Ok((stream, handle))
        });
        match stream {
            Ok((stream, handle)) => {
                self.counters.connects += 1;
                *lock(&self.shared.stream) = Some(handle);
                let (session, open) = Session::open();
                self.link = Some(Link {
                    stream,
                    session,
                    inbuf: vec![0u8; wire::MAX_PDU_OCTETS].into_boxed_slice(),
                    filled: 0,
                    outbuf: Vec::new(),
                    next_ping: Instant::now() + self.timing.ping_interval,
                    walk_view: None,
                });
                self.send(&open);
            }
            Err(e) => {
                tracing::debug!("agentx: cannot connect to {}: {e}", path.display());
                self.retry_later();
            }
        }
    }

    /// One blocking read of the master, every whole PDU in it answered, the answers
    /// written in one `write`; a Ping when one is due. `Some(why)` when the read found
    /// the connection ended (by the master, or by the owner waking the thread).
    fn serve(&mut self, views: &mut dyn ViewSource) -> Option<String> {
        let link = self.link.as_mut()?;
        let free = link.inbuf.get_mut(link.filled..).unwrap_or_default();
        match link.stream.read(free) {
            Ok(0) => return Some("the master closed the connection".into()),
            Ok(n) => {
                link.filled += n;
                self.answer_input(views);
            }
            // The read timeout: the master has been silent for a ping interval.
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Some(format!("read: {e}")),
        }
        if self
            .link
            .as_ref()
            .is_some_and(|l| Instant::now() >= l.next_ping)
        {
            self.ping();
        }
        None
    }

    fn ping(&mut self) {
        let Some(link) = &mut self.link else { return };
        link.next_ping = Instant::now() + self.timing.ping_interval;
        match link.session.ping() {
            Ok(Some(ping)) => self.send(&ping),
            Ok(None) => {}
            Err(Reset(reason)) => self.reset(&reason),
        }
    }

    /// Answers every whole PDU read so far, then writes the answers at once.
    fn answer_input(&mut self, views: &mut dyn ViewSource) {
        let Some(link) = &mut self.link else { return };
        let mut output = std::mem::take(&mut link.outbuf);
        output.clear();
        let mut used = 0;
        let mut broken = None;
        loop {
            let Some(link) = &mut self.link else { return };
            let Some(rest) = link.inbuf.get(used..link.filled) else {
                break;
            };
            let length = match wire::pdu_length(rest) {
                Ok(Some(length)) if rest.len() >= length => length,
                Ok(_) => break,
                Err(length) => {
                    broken = Some(format!("the master announced a PDU of {length} octets"));
                    break;
                }
            };
            let start = used;
            used += length;
            if let Err(Reset(reason)) = self.answer_pdu(start..used, views, &mut output) {
                broken = Some(reason);
                break;
            }
        }
        if let Some(reason) = broken {
            return self.reset(&reason);
        }
        let Some(link) = &mut self.link else { return };
        // What is left is the start of the next PDU: to the front of the buffer.
        link.inbuf.copy_within(used..link.filled, 0);
        link.filled -= used;
        if !output.is_empty() {
            self.send(&output);
        }
        if let Some(link) = &mut self.link {
            link.outbuf = output;
        }
    }

    /// Answers the PDU at `at` of the input buffer into `output`.
    fn answer_pdu(
        &mut self,
        at: std::ops::Range<usize>,
        views: &mut dyn ViewSource,
        output: &mut Vec<u8>,
    ) -> Result<(), Reset> {
        let up_time = u32::try_from(self.started.elapsed().as_millis() / 10).unwrap_or(u32::MAX);
        let Some(link) = &mut self.link else {
            return Ok(());
        };
        let pdu = link.inbuf.get(at).unwrap_or_default();
        let request = request::parse(pdu);
        let view = match &request {
            Some(Ok(read)) => view_for(&link.session, &mut link.walk_view, read, views),
            Some(Err(_)) | None => Arc::clone(&self.empty),
        };
        let was_registered = link.session.registered();
        let answer = link.session.handle_read(pdu, request, &view, up_time)?;
        if !was_registered && link.session.registered() {
            self.counters.registrations += 1;
            self.backoff = self.timing.first_retry;
            tracing::info!("agentx: JNX-L2TP-MIB registered with the master");
        }
        if let Some(answer) = answer {
            output.extend_from_slice(&answer);
        }
        Ok(())
    }

    /// Writes `octets` whole, or gives the connection up: the write blocks at most
    /// `WRITE_TIMEOUT` (the socket's send timeout) when the master does not read.
    fn send(&mut self, octets: &[u8]) {
        let Some(link) = &mut self.link else { return };
        match link.stream.write_all(octets) {
            Ok(()) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                self.reset("the master did not take a PDU in time")
            }
            Err(e) => self.reset(&format!("write: {e}")),
        }
    }

    /// Ends the connection, if any, keeping its request counters; true when there was one.
    fn drop_link(&mut self) -> bool {
        *lock(&self.shared.stream) = None;
        match self.link.take() {
            Some(link) => {
                self.retired = self.retired.plus(&link.session.counters());
                true
            }
            None => false,
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
    fn close(&mut self) {
        if let Some(link) = &mut self.link {
            if link.session.registered() {
                // RFC 2741 6.2.2 Close, reason shutdown(5).
                let close = link.session.close_pdu();
                let _ = link.stream.write_all(&close);
            }
        }
        self.drop_link();
    }
}

/// The view to answer `request` from: the walk's own while the request continues it and
/// the view is young enough, else the current one (which the walk then keeps).
fn view_for(
    session: &Session,
    walk_view: &mut Option<(Instant, Arc<View>)>,
    request: &request::Request,
    views: &mut dyn ViewSource,
) -> Arc<View> {
    if session.continues_walk(request) {
        if let Some((taken, view)) = walk_view {
            if taken.elapsed() < WALK_VIEW_MAX_AGE {
                return Arc::clone(view);
            }
        }
    }
    let view = views.current();
    *walk_view = Some((Instant::now(), Arc::clone(&view)));
    view
}

#[cfg(test)]
#[path = "runtime_tests.rs"]
mod tests;
