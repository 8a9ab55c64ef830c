//! Batches of test sessions, for the bench (`l2tp-bench`): many `test services l2tp tunnel`
//! calls opened (or closed) at once and reported together, without the per-session LCP
//! echo and without a management round trip per session.
//!
//! A batch is finished when every call in it has an outcome *and* the peers have
//! acknowledged every control message we sent: a call counts as up when our ICCN leaves
//! and as down when our CDN leaves, so only the acknowledgements say the LNS has taken them
//! too. The sessions a batch opened stay up until a close batch ends them.
//!
//! Each batch call is a test subscriber (`AccessLeg::TestCall` without a reply or echo) in
//! the subscriber table, so its registry events come through the subscriber layer like
//! every other call's; this file keeps only what the batch as a whole reports.

use std::collections::HashSet;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::l2tp::session::{lac_ppp_ended_cause, CdnResult};
use crate::registry::{Registry, SessionEnd, SessionRef};

/// Call serial numbers of batch sessions start here, apart from the single tests' (from 1).
const FIRST_SERIAL: u32 = 0x8000_0000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchKind {
    Open,
    Close,
}

/// What a batch came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchReport {
    pub kind: BatchKind,
    /// Calls the batch started (open) or ended (close).
    pub requested: usize,
    /// Established (open) or disconnected (close).
    pub completed: usize,
    /// Calls that ended without being established (open), or could not be found (close).
    pub failed: usize,
    /// From the command reaching the engine to the batch's end.
    pub elapsed: Duration,
    /// The deadline passed before every call had its outcome and every message its
    /// acknowledgement.
    pub timed_out: bool,
    pub first_failure: Option<String>,
    /// Batch sessions still open (or still being set up) afterwards.
    pub held: usize,
}

/// A batch's answer, or why it could not start.
pub type BatchOutcome = Result<BatchReport, String>;

#[derive(Debug)]
struct Running {
    report: BatchReport,
    started: Instant,
    deadline: Instant,
    /// Calls of the batch without an outcome yet.
    waiting: HashSet<SessionRef>,
    reply: mpsc::Sender<BatchOutcome>,
}

/// The batch sessions of the engine and the batch in progress, if any.
#[derive(Debug)]
pub struct Batches {
    /// Every call a batch opened that has not ended yet.
    ours: HashSet<SessionRef>,
    running: Option<Running>,
    next_serial: u32,
}

impl Default for Batches {
    fn default() -> Self {
        Self {
            ours: HashSet::new(),
            running: None,
            next_serial: FIRST_SERIAL,
        }
    }
}

impl Batches {
    fn begin(
        &mut self,
        kind: BatchKind,
        now: Instant,
        timeout: Duration,
        reply: mpsc::Sender<BatchOutcome>,
    ) -> bool {
        if self.running.is_some() {
            let _ = reply.send(Err("a batch of test sessions is already running".into()));
            return false;
        }
        self.running = Some(Running {
            report: BatchReport {
                kind,
                requested: 0,
                completed: 0,
                failed: 0,
                elapsed: Duration::ZERO,
                timed_out: false,
                first_failure: None,
                held: 0,
            },
            started: now,
            deadline: now + timeout,
            waiting: HashSet::new(),
            reply,
        });
        true
    }

    /// Starts an open batch; `false` (answered already) when another batch is running.
    pub(super) fn begin_open(
        &mut self,
        now: Instant,
        timeout: Duration,
        reply: mpsc::Sender<BatchOutcome>,
    ) -> bool {
        self.begin(BatchKind::Open, now, timeout, reply)
    }

    /// The Call Serial Number of the next batch call.
    pub(super) fn next_serial(&mut self) -> u32 {
        let serial = self.next_serial;
        self.next_serial = self.next_serial.wrapping_add(1).max(FIRST_SERIAL);
        serial
    }

    /// One call of the open batch: `Ok` with its handle, or why no tunnel took it.
    pub(super) fn opened(&mut self, call: Result<SessionRef, String>) {
        let Some(running) = self.running.as_mut() else {
            return;
        };
        running.report.requested += 1;
        match call {
            Ok(call) => {
                self.ours.insert(call);
                running.waiting.insert(call);
            }
            Err(no_tunnel) => fail(running, no_tunnel),
        }
    }

    /// Ends every batch session with a CDN, as a subscriber logging out would. Returns the
    /// calls that were already gone (their test subscribers go too).
    pub(super) fn close(
        &mut self,
        now: Instant,
        registry: &mut Registry,
        timeout: Duration,
        reply: mpsc::Sender<BatchOutcome>,
    ) -> Vec<SessionRef> {
        let mut gone = Vec::new();
        if !self.begin(BatchKind::Close, now, timeout, reply) {
            return gone;
        }
        let calls: Vec<SessionRef> = self.ours.iter().copied().collect();
        for call in calls {
            if let Some(running) = self.running.as_mut() {
                running.report.requested += 1;
                running.waiting.insert(call);
            }
            let closed = registry.close_session(
                now,
                call,
                CdnResult::administrative("bench teardown"),
                Some(lac_ppp_ended_cause()),
            );
            if !closed {
                gone.push(call);
                self.ours.remove(&call);
                if let Some(running) = self.running.as_mut() {
                    running.waiting.remove(&call);
                    fail(running, "the session was already gone".into());
                }
            }
        }
        gone
    }

    pub(super) fn session_up(&mut self, call: SessionRef) {
        if let Some(running) = self.running.as_mut() {
            if running.report.kind == BatchKind::Open && running.waiting.remove(&call) {
                running.report.completed += 1;
            }
        }
    }

    pub(super) fn session_down(&mut self, call: SessionRef, end: &SessionEnd) {
        if !self.ours.remove(&call) {
            return;
        }
        let Some(running) = self.running.as_mut() else {
            return;
        };
        if !running.waiting.remove(&call) {
            return;
        }
        match running.report.kind {
            BatchKind::Close => running.report.completed += 1,
            BatchKind::Open => fail(running, describe(end)),
        }
    }

    /// A batch call ended without a registry event (the daemon stops).
    pub(super) fn forget(&mut self, call: SessionRef) {
        self.ours.remove(&call);
    }

    /// The batch's deadline, for the engine's timer.
    pub fn deadline(&self) -> Option<Instant> {
        self.running.as_ref().map(|r| r.deadline)
    }

    /// Answers the running batch when it is complete, or when its deadline has passed.
    pub fn settle(&mut self, now: Instant, registry: &Registry) {
        let Some(running) = self.running.as_ref() else {
            return;
        };
        let timed_out = running.deadline <= now;
        // The backlog sum walks the tunnels only (at most a few dozen), and only once the
        // last call of the batch has its outcome.
        let complete = running.waiting.is_empty() && registry.control_backlog() == 0;
        if !(complete || timed_out) {
            return;
        }
        if let Some(mut running) = self.running.take() {
            running.report.elapsed = now.saturating_duration_since(running.started);
            running.report.timed_out = !complete;
            running.report.held = self.ours.len();
            let _ = running.reply.send(Ok(running.report));
        }
    }

    /// The engine is stopping: the running batch gets no report.
    pub fn abandon(&mut self) {
        if let Some(running) = self.running.take() {
            let _ = running
                .reply
                .send(Err("the L2TP engine is stopping".into()));
        }
    }
}

fn fail(running: &mut Running, why: String) {
    running.report.failed += 1;
    running.report.first_failure.get_or_insert(why);
}

fn describe(end: &SessionEnd) -> String {
    match end {
        SessionEnd::NoTunnel => "no tunnel of the profile could carry the session".into(),
        SessionEnd::TunnelClosed(reason) => format!("tunnel closed: {reason}"),
        SessionEnd::Disconnected {
            result, by_peer, ..
        } => format!(
            "session disconnected by {}: result {} error {}",
            if *by_peer { "the peer" } else { "this router" },
            result.result,
            result.error.unwrap_or(0)
        ),
    }
}
