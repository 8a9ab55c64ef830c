//! `test services l2tp tunnel` and the bench's batches as an access leg of the subscriber
//! layer: a test subscriber has no client, its forward leg is an L2TP session like a PPPoE
//! subscriber's at the LAC, and its "PPP" is the proof of the path: at SessionUp it sends an
//! LCP Echo-Request (resent every `ECHO_RESEND`) and its test ends on the matching
//! Echo-Reply or at its deadline. Its timers sit in the table's timer set with every other
//! subscriber's. A batch call (bench) has neither reply nor echo: it is up at SessionUp,
//! and does the least PPP that keeps an LNS from ending it (`batch_ppp`: IPCP, answers to
//! LCP echoes), so a bench can hold its sessions for as long as it measures.
//!
//! Test subscribers are not subscribers for the operator (a Junos test command creates
//! none): the views and `clear pppoe sessions` skip them; their sessions show in `show
//! services l2tp session`, which reads the registry.

use std::collections::BTreeSet;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use schema::mgmt::{TunnelTestReport, TunnelTestState};
use schema::typed::RouterConfig;

use super::batch::{BatchOutcome, Batches};
use super::batch_ppp;
use super::echo;
use super::table::{AccessLeg, EndCause, Phase, Subscriber, SubscriberId};
use super::test_call_proxy;
use super::SubscriberLayer;
use crate::l2tp::session::CdnResult;
use crate::registry::{Registry, RegistryEvent, SessionEnd, SessionRef};

/// How long a test may take from the call to the echo reply.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a test waits for an LCP echo reply before it sends the request again. Data
/// messages are not retransmitted by L2TP: the first request may be lost, or overtake the
/// ICCN and reach an LNS whose session is not up yet; PPP keepalives retry the same way.
pub const ECHO_RESEND: Duration = Duration::from_secs(1);
/// What the Echo-Request carries after its Magic-Number.
const ECHO_DATA: &[u8] = b"l2tpd test";

/// What a test subscriber asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TunnelTest {
    pub user: String,
    pub password: String,
    pub tunnel_name: String,
}

/// A test's answer: a report, or a sentence when the test could not start.
pub type TestOutcome = Result<TunnelTestReport, String>;

#[derive(Debug)]
enum TestPhase {
    /// Waiting for the session; `tunnel` is where the call currently waits, and
    /// `tunnel_failure` why the last tunnel it waited on went down.
    Establishing {
        tunnel: Option<u16>,
        tunnel_failure: Option<String>,
    },
    /// Up; the Echo-Request with `identifier` first left at `sent` (the round trip is
    /// reported from there, resends included), and goes again at `resend_at`. The peer's
    /// IDs are kept from the moment the session came up, so a report can still name them
    /// after the peer has cleared the session (xl2tpd does within milliseconds when its
    /// pppd fails).
    Echo {
        tunnel_id: u16,
        session_id: u16,
        remote_tunnel_id: Option<u16>,
        remote_session_id: Option<u16>,
        identifier: u8,
        sent: Instant,
        resend_at: Instant,
    },
}

/// The access leg of a test subscriber.
#[derive(Debug)]
pub struct TestCall {
    /// Where the report goes; `None` for a batch call, which the batch reports.
    reply: Option<mpsc::Sender<TestOutcome>>,
    deadline: Instant,
    phase: TestPhase,
    /// The test subscriber's Magic-Number (its proxy LCP's): its Echo-Requests carry it.
    /// The LAC's own would look like a looped-back link to the LNS, whose LCP has it.
    magic: u32,
    /// A batch call's IPCP (`batch_ppp`), when its batch asked for it, and when its
    /// first request goes again while the LNS is silent.
    ipcp: Option<batch_ppp::ClientIpcp>,
    ipcp_resend: Option<Instant>,
}

impl TestCall {
    /// The next instant the test has work: its deadline, or the echo's resend. A batch call
    /// has no timer (the batch has one deadline for all).
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.reply.is_none() {
            return self.ipcp_resend;
        }
        Some(match self.phase {
            TestPhase::Echo { resend_at, .. } => self.deadline.min(resend_at),
            TestPhase::Establishing { .. } => self.deadline,
        })
    }
}

/// What the layer keeps for its test calls beyond the table.
#[derive(Debug)]
pub struct TestCalls {
    /// Our side's LCP magic number for test subscribers' proxy LCP and echoes.
    magic: u32,
    next_serial: u32,
    next_identifier: u8,
    /// Single tests still establishing: only they follow tunnel fail-over and failures.
    establishing: BTreeSet<SubscriberId>,
    /// The bench's batches of test calls.
    batches: Batches,
}

impl TestCalls {
    pub fn new(magic: u32) -> Self {
        Self {
            // Never zero: zero means "no magic number negotiated" (RFC 1661 §6.4).
            magic: magic.max(1),
            next_serial: 1,
            next_identifier: 1,
            establishing: BTreeSet::new(),
            batches: Batches::default(),
        }
    }
}

fn failed_report(local_tunnel_id: Option<u16>, why: String) -> TunnelTestReport {
    TunnelTestReport {
        local_tunnel_id,
        remote_tunnel_id: None,
        local_session_id: None,
        remote_session_id: None,
        state: TunnelTestState::Failed,
        echo_round_trip_us: None,
        failure: Some(why),
    }
}

/// A report for an established session, with the peer's IDs from the registry; the caller
/// adds the echo round trip or what went wrong.
fn established(registry: &Registry, tunnel_id: u16, session_id: u16) -> TunnelTestReport {
    TunnelTestReport {
        local_tunnel_id: Some(tunnel_id),
        remote_tunnel_id: registry.remote_tunnel_id(tunnel_id),
        local_session_id: Some(session_id),
        remote_session_id: registry.remote_session_id(tunnel_id, session_id),
        state: TunnelTestState::Established,
        echo_round_trip_us: None,
        failure: None,
    }
}

/// Why a test call's session ended, in the report's words.
fn session_end_text(end: &SessionEnd, tunnel_failure: Option<&String>) -> String {
    match end {
        SessionEnd::NoTunnel => match tunnel_failure {
            Some(failure) => format!("no tunnel of the profile could carry the session; {failure}"),
            None => "no tunnel of the profile could carry the session".into(),
        },
        SessionEnd::TunnelClosed(reason) => format!("tunnel closed: {reason}"),
        SessionEnd::Disconnected {
            result, by_peer, ..
        } => {
            let by = if *by_peer { "the peer" } else { "this router" };
            let text = result.message_text();
            let mut why = format!(
                "session disconnected by {by}: result {} error {}",
                result.result,
                result.error.unwrap_or(0)
            );
            if !text.is_empty() {
                why.push_str(&format!(" ({text})"));
            }
            why
        }
    }
}

fn test_call(subscriber: &Subscriber) -> Option<&TestCall> {
    match &subscriber.access {
        AccessLeg::TestCall(test) => Some(test),
        _ => None,
    }
}

impl SubscriberLayer {
    /// The magic number test subscribers' proxy LCP gives the LAC (fixed by the engine's
    /// seed, so transcripts repeat).
    pub fn set_test_magic(&mut self, magic: u32) {
        self.tests = TestCalls::new(magic);
    }

    fn test_call_mut(&mut self, id: SubscriberId) -> Option<&mut TestCall> {
        match &mut self.table.get_mut(id)?.access {
            AccessLeg::TestCall(test) => Some(test),
            _ => None,
        }
    }

    /// Opens a test session; the outcome is sent on `reply` once known (at the latest
    /// `TEST_TIMEOUT` from `now`).
    pub fn start_test(
        &mut self,
        now: Instant,
        test: &TunnelTest,
        reply: mpsc::Sender<TestOutcome>,
        config: &RouterConfig,
        registry: &mut Registry,
    ) {
        let Some(profile) = config.tunnel_profiles.get(&test.tunnel_name) else {
            let _ = reply.send(Err(format!(
                "tunnel profile {} is not configured",
                test.tunnel_name
            )));
            return;
        };
        let tests = &mut self.tests;
        let serial = tests.next_serial;
        tests.next_serial = tests.next_serial.wrapping_add(1).max(1);
        let subscriber_magic = tests.magic.rotate_left(serial % 32) ^ serial;
        let call = test_call_proxy::test_call(
            serial,
            &test.user,
            &test.password,
            (subscriber_magic, tests.magic),
        );
        match registry.open_session(now, &test.tunnel_name, profile, call) {
            Ok(call) => {
                let tunnel = registry.locate_call(call).map(|(t, _)| t);
                let leg = TestCall {
                    reply: Some(reply),
                    deadline: now + TEST_TIMEOUT,
                    magic: subscriber_magic,
                    ipcp: None,
                    ipcp_resend: None,
                    phase: TestPhase::Establishing {
                        tunnel,
                        tunnel_failure: None,
                    },
                };
                let mut subscriber =
                    Subscriber::without_link(call, AccessLeg::TestCall(Box::new(leg)), now);
                subscriber.phase = Phase::Tunnelling;
                subscriber.user = Some(test.user.clone());
                subscriber.profile = Some(test.tunnel_name.clone());
                self.table.insert(subscriber);
                self.tests.establishing.insert(call);
            }
            Err(no_tunnel) => {
                tracing::info!(
                    "test call on tunnel profile {}: {no_tunnel}",
                    test.tunnel_name
                );
                let _ = reply.send(Ok(failed_report(None, no_tunnel.to_string())));
            }
        }
    }

    /// Opens `count` test sessions through tunnel profile `profile_name` at once; the
    /// batch's report is sent on `reply` once every session is up and acknowledged, or at
    /// `now + timeout`.
    #[allow(clippy::too_many_arguments)]
    pub fn open_batch(
        &mut self,
        now: Instant,
        profile_name: &str,
        (count, ipcp): (usize, bool),
        timeout: Duration,
        reply: mpsc::Sender<BatchOutcome>,
        config: &RouterConfig,
        registry: &mut Registry,
    ) {
        let Some(profile) = config.tunnel_profiles.get(profile_name) else {
            let _ = reply.send(Err(format!(
                "tunnel profile {profile_name} is not configured"
            )));
            return;
        };
        if !self.tests.batches.begin_open(now, timeout, reply) {
            return;
        }
        let magic = self.tests.magic;
        for _ in 0..count {
            let serial = self.tests.batches.next_serial();
            let user = format!("bench{serial}@example.net");
            let call = test_call_proxy::test_call(serial, &user, "bench", (magic ^ serial, magic));
            match registry.open_session(now, profile_name, profile, call) {
                Ok(call) => {
                    let leg = TestCall {
                        reply: None,
                        // Unused: the batch's deadline bounds it.
                        deadline: now,
                        magic: magic ^ serial,
                        ipcp: ipcp.then(batch_ppp::ClientIpcp::default),
                        ipcp_resend: None,
                        phase: TestPhase::Establishing {
                            tunnel: None,
                            tunnel_failure: None,
                        },
                    };
                    // No user or profile kept: a bench holds tens of thousands of these,
                    // and nothing shows them.
                    let mut subscriber =
                        Subscriber::without_link(call, AccessLeg::TestCall(Box::new(leg)), now);
                    subscriber.phase = Phase::Tunnelling;
                    self.table.insert(subscriber);
                    self.tests.batches.opened(Ok(call));
                }
                Err(no_tunnel) => self.tests.batches.opened(Err(no_tunnel.to_string())),
            }
        }
    }

    /// Ends every batch test session; reported like `open_batch`.
    pub fn close_batch(
        &mut self,
        now: Instant,
        timeout: Duration,
        reply: mpsc::Sender<BatchOutcome>,
        registry: &mut Registry,
    ) {
        for gone in self.tests.batches.close(now, registry, timeout, reply) {
            self.table.remove(gone, EndCause::Cleared);
        }
    }

    /// The bench batch's deadline, for the engine's timer.
    pub fn batch_deadline(&self) -> Option<Instant> {
        self.tests.batches.deadline()
    }

    /// After each round of registry events: establishing tests follow their call to another
    /// tunnel (fail-over), so the next tunnel failure is attributed to the right test; the
    /// running batch is answered once complete.
    pub fn settle_tests(&mut self, now: Instant, registry: &Registry) {
        let establishing: Vec<SubscriberId> = self.tests.establishing.iter().copied().collect();
        for id in establishing {
            let located = registry.locate_call(id).map(|(t, _)| t);
            if let Some(TestCall {
                phase: TestPhase::Establishing { tunnel, .. },
                ..
            }) = self.test_call_mut(id)
            {
                if located.is_some() {
                    *tunnel = located;
                }
            }
        }
        self.tests.batches.settle(now, registry);
    }

    /// A registry event for a test call; `false` when it is not one (a tunnel's going down
    /// is noted by the establishing tests and still `false`: it is nobody's alone).
    pub(super) fn test_call_event(
        &mut self,
        now: Instant,
        event: &RegistryEvent,
        registry: &mut Registry,
    ) -> bool {
        match event {
            RegistryEvent::SessionUp {
                session,
                tunnel_id,
                session_id,
                ..
            } => {
                let Some(test) = self.table.get(*session).and_then(test_call) else {
                    return false;
                };
                if test.reply.is_none() {
                    if let Some(s) = self.table.get_mut(*session) {
                        s.phase = Phase::Active;
                    }
                    self.tests.batches.session_up(*session);
                    // Asks the LNS for an address, as a live subscriber does (`batch_ppp`).
                    self.batch_ipcp_request(now, *session, registry);
                } else {
                    self.test_session_up(now, *session, *tunnel_id, *session_id, registry);
                }
                true
            }
            RegistryEvent::SessionDown { session, end, .. } => {
                if self.table.get(*session).and_then(test_call).is_none() {
                    return false;
                }
                self.test_session_down(*session, end);
                true
            }
            RegistryEvent::Frame { session, frame } => {
                if self.table.get(*session).and_then(test_call).is_none() {
                    return false;
                }
                self.test_frame(now, *session, frame, registry);
                true
            }
            RegistryEvent::TunnelDown { tunnel_id, reason } => {
                let establishing: Vec<SubscriberId> =
                    self.tests.establishing.iter().copied().collect();
                for id in establishing {
                    if let Some(TestCall {
                        phase:
                            TestPhase::Establishing {
                                tunnel: Some(t),
                                tunnel_failure,
                            },
                        ..
                    }) = self.test_call_mut(id)
                    {
                        if *t == *tunnel_id {
                            *tunnel_failure = Some(format!("tunnel {tunnel_id}: {reason}"));
                        }
                    }
                }
                false
            }
            RegistryEvent::TunnelUp { .. } | RegistryEvent::StaticUnitUnavailable { .. } => false,
        }
    }

    fn test_session_up(
        &mut self,
        now: Instant,
        call: SessionRef,
        tunnel_id: u16,
        session_id: u16,
        registry: &mut Registry,
    ) {
        let up = established(registry, tunnel_id, session_id);
        let identifier = self.tests.next_identifier;
        self.tests.next_identifier = self.tests.next_identifier.wrapping_add(1);
        self.tests.establishing.remove(&call);
        if let Some(s) = self.table.get_mut(call) {
            s.phase = Phase::Active;
        }
        let Some(test) = self.test_call_mut(call) else {
            return;
        };
        let request = echo::build(false, identifier, test.magic, ECHO_DATA, true);
        test.phase = TestPhase::Echo {
            tunnel_id,
            session_id,
            remote_tunnel_id: up.remote_tunnel_id,
            remote_session_id: up.remote_session_id,
            identifier,
            sent: now,
            resend_at: now + ECHO_RESEND,
        };
        self.table.reschedule(call);
        if let Err(e) = registry.send_frame(call, &request) {
            let report = TunnelTestReport {
                state: TunnelTestState::EstablishedNoEcho,
                failure: Some(format!("cannot send the LCP echo: {e}")),
                ..up
            };
            self.finish_test(call, Ok(report));
        }
    }

    fn test_session_down(&mut self, call: SessionRef, end: &SessionEnd) {
        self.tests.establishing.remove(&call);
        let Some(subscriber) = self.table.remove(call, EndCause::Lns) else {
            return;
        };
        let AccessLeg::TestCall(test) = subscriber.access else {
            return;
        };
        let Some(reply) = test.reply else {
            self.tests.batches.session_down(call, end);
            return;
        };
        let report = match test.phase {
            TestPhase::Establishing {
                tunnel,
                tunnel_failure,
            } => TunnelTestReport {
                local_tunnel_id: tunnel,
                ..failed_report(None, session_end_text(end, tunnel_failure.as_ref()))
            },
            // The session did come up: say so, and that it ended before proving the path.
            TestPhase::Echo {
                tunnel_id,
                session_id,
                remote_tunnel_id,
                remote_session_id,
                ..
            } => TunnelTestReport {
                local_tunnel_id: Some(tunnel_id),
                remote_tunnel_id,
                local_session_id: Some(session_id),
                remote_session_id,
                state: TunnelTestState::EstablishedNoEcho,
                echo_round_trip_us: None,
                failure: Some(format!(
                    "no LCP echo reply: {}",
                    session_end_text(end, None)
                )),
            },
        };
        let _ = reply.send(Ok(report));
    }

    fn test_frame(
        &mut self,
        now: Instant,
        call: SessionRef,
        frame: &[u8],
        registry: &mut Registry,
    ) {
        if self
            .table
            .get(call)
            .and_then(test_call)
            .is_some_and(|t| t.reply.is_none())
        {
            return self.batch_frame(now, call, frame, registry);
        }
        let Some(lcp) = echo::parse(frame).filter(|e| e.reply) else {
            return;
        };
        let Some(TestCall {
            phase:
                TestPhase::Echo {
                    tunnel_id,
                    session_id,
                    identifier,
                    sent,
                    ..
                },
            ..
        }) = self.table.get(call).and_then(test_call)
        else {
            return;
        };
        if lcp.identifier != *identifier {
            return;
        }
        let round_trip =
            u64::try_from(now.saturating_duration_since(*sent).as_micros()).unwrap_or(u64::MAX);
        let report = TunnelTestReport {
            echo_round_trip_us: Some(round_trip),
            ..established(registry, *tunnel_id, *session_id)
        };
        self.finish_test(call, Ok(report));
    }

    /// A frame from the LNS for a batch call: IPCP and LCP echo answered (`batch_ppp`).
    fn batch_frame(
        &mut self,
        now: Instant,
        call: SessionRef,
        frame: &[u8],
        registry: &mut Registry,
    ) {
        let Some(test) = self.test_call_mut(call) else {
            return;
        };
        let answer = batch_ppp::answer(frame, test.magic);
        let out = match (&mut test.ipcp, answer) {
            (None, batch_ppp::Answer::EchoReply(reply)) => vec![reply],
            (None, _) => Vec::new(),
            (Some(ipcp), answer) => {
                let before = *ipcp;
                let out = ipcp.handle(answer);
                // Answered: the clock's repeats end.
                if *ipcp != before {
                    test.ipcp_resend = ipcp.restart().map(|after| now + after);
                    self.table.reschedule(call);
                }
                out
            }
        };
        for out in out {
            if let Err(e) = registry.send_frame(call, &out) {
                tracing::debug!("PPP answer of a batch call not sent: {e}");
            }
        }
    }

    /// A batch call's current IPCP Configure-Request, sent again until the LNS answers it
    /// (`batch_ppp::ClientIpcp::restart`).
    fn batch_ipcp_request(&mut self, now: Instant, call: SessionRef, registry: &mut Registry) {
        let Some(test) = self.test_call_mut(call) else {
            return;
        };
        let Some(ipcp) = test.ipcp else {
            return;
        };
        let Some(after) = ipcp.restart() else {
            return;
        };
        test.ipcp_resend = Some(now + after);
        let request = ipcp.request();
        self.table.reschedule(call);
        if let Err(e) = registry.send_frame(call, &request) {
            tracing::debug!("IPCP request of a batch call not sent: {e}");
        }
    }

    /// A test subscriber's timer is due: its deadline (the test fails and its call ends), or
    /// the echo's resend.
    pub(super) fn test_call_timeout(
        &mut self,
        now: Instant,
        id: SubscriberId,
        registry: &mut Registry,
    ) {
        let Some(test) = self.test_call_mut(id) else {
            return;
        };
        if test.reply.is_none() {
            if test.ipcp_resend.is_some_and(|at| at <= now) {
                test.ipcp_resend = None;
                self.batch_ipcp_request(now, id, registry);
            }
            self.table.reschedule(id);
            return;
        }
        if test.deadline <= now {
            return self.expire_test(now, id, registry);
        }
        if let TestPhase::Echo {
            identifier,
            resend_at,
            ..
        } = &mut test.phase
        {
            if *resend_at <= now {
                *resend_at = now + ECHO_RESEND;
                let request = echo::build(false, *identifier, test.magic, ECHO_DATA, true);
                if let Err(e) = registry.send_frame(id, &request) {
                    tracing::debug!("LCP echo request not sent again: {e}");
                }
            }
        }
        self.table.reschedule(id);
    }

    /// A test ran out of time: end its call and say where it stood.
    fn expire_test(&mut self, now: Instant, call: SessionRef, registry: &mut Registry) {
        let Some(test) = self.table.get(call).and_then(test_call) else {
            return;
        };
        let seconds = TEST_TIMEOUT.as_secs();
        let report = match &test.phase {
            TestPhase::Establishing {
                tunnel,
                tunnel_failure,
            } => {
                let mut why = format!("the session was not established within {seconds} s");
                if let Some(failure) = tunnel_failure {
                    why.push_str(&format!("; {failure}"));
                }
                TunnelTestReport {
                    local_tunnel_id: *tunnel,
                    ..failed_report(None, why)
                }
            }
            TestPhase::Echo {
                tunnel_id,
                session_id,
                ..
            } => TunnelTestReport {
                state: TunnelTestState::EstablishedNoEcho,
                failure: Some(format!("no LCP echo reply within {seconds} s")),
                ..established(registry, *tunnel_id, *session_id)
            },
        };
        self.finish_test(call, Ok(report));
        // A test call that failed must not linger as a half-working session.
        registry.close_session(
            now,
            call,
            CdnResult::administrative("test session timed out"),
            None,
        );
    }

    /// The test has its answer: the test subscriber goes (a session that proved the path
    /// stays in the registry, as a test session on Junos does until cleared).
    fn finish_test(&mut self, call: SessionRef, outcome: TestOutcome) {
        self.tests.establishing.remove(&call);
        let Some(subscriber) = self.table.remove(call, EndCause::Cleared) else {
            return;
        };
        if let AccessLeg::TestCall(test) = subscriber.access {
            if let Some(reply) = test.reply {
                let _ = reply.send(outcome);
            }
        }
    }

    /// A test subscriber ended by `end` (the daemon stops): its test fails, its batch
    /// forgets it.
    pub(super) fn test_call_ended(&mut self, subscriber: Subscriber) {
        self.tests.establishing.remove(&subscriber.id);
        if let AccessLeg::TestCall(test) = subscriber.access {
            match test.reply {
                Some(reply) => {
                    let _ = reply.send(Err("the L2TP engine is stopping".into()));
                }
                None => self.tests.batches.forget(subscriber.id),
            }
        }
    }

    /// The daemon stops: the running batch gets no report.
    pub(super) fn abandon_batches(&mut self) {
        self.tests.batches.abandon();
    }
}

#[cfg(test)]
#[path = "test_call_tests.rs"]
mod tests;
