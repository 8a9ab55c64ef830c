//! `clear services l2tp destination | tunnel | session [statistics] TARGET`.
//!
//! A closing clear is planned first and carried out in steps ([`ClearJob`]): clearing 65,000
//! sessions queues 65,000 CDNs, and the engine must keep answering hellos and
//! retransmitting for the tunnels that stay while it does. The plan fixes what is cleared
//! (what matched when the operator pressed enter); objects that end on their own before
//! their step are skipped. Closing sends StopCCN result 1 (tunnels, destinations) or CDN
//! result 3 (sessions), with the advisory message `cleared by operator`.
//!
//! A statistics clear only restarts counters; it never closes anything and is done at once.

use std::collections::VecDeque;
use std::time::Instant;

use schema::l2tp_rpc::{
    ClearLevel, ClearTarget, L2tpClear, L2tpCleared, L2tpFilter, CLEAR_CONFIRM_THRESHOLD,
};

use super::counters::{Counters, DropCounters};
use super::event::SessionRef;
use super::filter::{Filter, Object};
use super::Registry;
use crate::l2tp::control::event::stopccn_result;
use crate::l2tp::session::CdnResult;
use crate::l2tp::wire::ResultCode;

/// What a clear command names: the contract's target, one selector or `all`.
pub type Selector = ClearTarget;

const OPERATOR_MESSAGE: &str = "cleared by operator";

fn operator_stopccn() -> ResultCode {
    ResultCode {
        result: stopccn_result::GENERAL_REQUEST,
        error: None,
        message: OPERATOR_MESSAGE.as_bytes().to_vec(),
    }
}

/// The target as the filter the shows use, so both select the same objects.
fn target_filter(target: &ClearTarget) -> L2tpFilter {
    let mut f = L2tpFilter::default();
    match target.clone() {
        ClearTarget::All => {}
        ClearTarget::LocalGateway(a) => f.local_gateway = Some(a),
        ClearTarget::LocalGatewayName(n) => f.local_gateway_name = Some(n),
        ClearTarget::PeerGateway(a) => f.peer_gateway = Some(a),
        ClearTarget::PeerGatewayName(n) => f.peer_gateway_name = Some(n),
        ClearTarget::LocalTunnelId(id) => f.local_tunnel_id = Some(id),
        ClearTarget::LocalSessionId(id) => f.local_session_id = Some(id),
        ClearTarget::TunnelGroup(g) => f.tunnel_group = Some(g),
        ClearTarget::User(u) => f.user = Some(u),
        ClearTarget::Interface(i) => f.interface = Some(i),
    }
    f
}

fn object(level: ClearLevel) -> Object {
    match level {
        ClearLevel::Destination => Object::Destination,
        ClearLevel::Tunnel => Object::Tunnel,
        ClearLevel::Session => Object::Session,
    }
}

/// One step of a closing clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Work {
    /// Lift the destination's lockout; its tunnels follow as their own steps.
    Destination(u32),
    Tunnel(u16),
    Session {
        tunnel_id: u16,
        session_id: u16,
        call: SessionRef,
    },
}

/// A closing clear in progress.
#[derive(Debug)]
pub struct ClearJob {
    work: VecDeque<Work>,
    cleared: L2tpCleared,
}

impl ClearJob {
    /// What was closed so far (all of it, once [`Registry::continue_clear`] said done).
    pub fn into_cleared(self) -> L2tpCleared {
        self.cleared
    }
}

/// How a clear request stands.
#[derive(Debug)]
pub enum Clearing {
    /// Done (statistics clears, and closing clears run to the end).
    Done(L2tpCleared),
    /// It would end more than [`CLEAR_CONFIRM_THRESHOLD`] sessions and was not confirmed:
    /// nothing was changed.
    Confirm { sessions: usize },
    /// Planned; run it with [`Registry::continue_clear`].
    Job(ClearJob),
}

impl Registry {
    /// Plans a clear. Statistics clears are done at once; a closing clear comes back as a
    /// job (or as a question when it ends too many sessions unconfirmed). A target that
    /// matches nothing is an error and changes nothing.
    pub fn start_clear(
        &mut self,
        now: Instant,
        level: ClearLevel,
        clear: &L2tpClear,
    ) -> Result<Clearing, String> {
        if level == ClearLevel::Destination
            && !matches!(
                clear.target,
                ClearTarget::All | ClearTarget::LocalGateway(_) | ClearTarget::PeerGateway(_)
            )
        {
            return Err("invalid target for clear services l2tp destination".into());
        }
        let wanted = target_filter(&clear.target);
        let filter = Filter::new(&wanted);
        let cleared = L2tpCleared {
            level,
            statistics: clear.statistics,
            destinations: Vec::new(),
            tunnels: Vec::new(),
            sessions: Vec::new(),
        };
        if clear.statistics {
            let selected = self.select_statistics(&filter, cleared);
            let nothing = selected.destinations.is_empty()
                && selected.tunnels.is_empty()
                && selected.sessions.is_empty();
            if nothing && !wanted.is_empty() {
                return Err(filter.not_found(object(level)));
            }
            self.reset_statistics(now, &selected, clear.target == ClearTarget::All);
            return Ok(Clearing::Done(selected));
        }
        let (work, sessions) = self.plan(level, &filter);
        if work.is_empty() && !wanted.is_empty() {
            return Err(filter.not_found(object(level)));
        }
        if sessions > CLEAR_CONFIRM_THRESHOLD && !clear.confirmed {
            return Ok(Clearing::Confirm { sessions });
        }
        Ok(Clearing::Job(ClearJob { work, cleared }))
    }

    /// Carries a closing clear on by about `budget` sessions (a tunnel counts as the
    /// sessions it carries, plus one). True when it is finished.
    pub fn continue_clear(&mut self, now: Instant, job: &mut ClearJob, budget: usize) -> bool {
        let mut spent = 0;
        while spent < budget {
            let Some(work) = job.work.pop_front() else {
                break;
            };
            spent += self.clear_step(now, work, &mut job.cleared);
        }
        if job.work.is_empty() {
            return true;
        }
        false
    }

    /// A clear from start to end in one go (the tests, and small clears).
    pub fn clear(
        &mut self,
        now: Instant,
        level: ClearLevel,
        clear: &L2tpClear,
    ) -> Result<Clearing, String> {
        match self.start_clear(now, level, clear)? {
            Clearing::Job(mut job) => {
                while !self.continue_clear(now, &mut job, usize::MAX) {}
                Ok(Clearing::Done(job.into_cleared()))
            }
            other => Ok(other),
        }
    }

    /// The steps of a closing clear, and how many sessions it ends.
    fn plan(&self, level: ClearLevel, filter: &Filter<'_>) -> (VecDeque<Work>, usize) {
        let mut work = VecDeque::new();
        let mut sessions = 0;
        match level {
            ClearLevel::Destination => {
                for id in self.filtered_destinations(filter) {
                    work.push_back(Work::Destination(id));
                    for (tunnel_id, entry) in self.tunnels_of(id).filter(|(_, e)| !e.down) {
                        sessions += entry.sessions.len() + entry.pending.len();
                        work.push_back(Work::Tunnel(tunnel_id));
                    }
                }
            }
            ClearLevel::Tunnel => {
                for (tunnel_id, entry) in self.filtered_tunnels(filter).filter(|(_, e)| !e.down) {
                    sessions += entry.sessions.len() + entry.pending.len();
                    work.push_back(Work::Tunnel(tunnel_id));
                }
            }
            ClearLevel::Session => {
                for (tunnel_id, _, session_id, session) in self.filtered_sessions(filter) {
                    work.push_back(Work::Session {
                        tunnel_id,
                        session_id,
                        call: session.call_ref,
                    });
                }
                sessions = work.len();
            }
        }
        (work, sessions)
    }

    /// One step; returns what it cost.
    fn clear_step(&mut self, now: Instant, work: Work, cleared: &mut L2tpCleared) -> usize {
        match work {
            Work::Destination(id) => {
                if let Some(d) = self.destinations.get_mut(&id) {
                    d.lockout = None;
                    cleared.destinations.push(id);
                }
                self.forget_if_empty(id);
                1
            }
            Work::Tunnel(tunnel_id) => {
                let Some(entry) = self.tunnels.get(&tunnel_id).filter(|e| !e.down) else {
                    return 1;
                };
                let cost = entry.sessions.len() + entry.pending.len() + 1;
                self.close_tunnel(now, tunnel_id, operator_stopccn());
                if cleared.level == ClearLevel::Tunnel {
                    cleared.tunnels.push(tunnel_id);
                }
                cost
            }
            Work::Session {
                tunnel_id,
                session_id,
                call,
            } => {
                // The call may have ended, and its IDs been reused, since the plan.
                let same = self.locate_call(call) == Some((tunnel_id, Some(session_id)));
                if same
                    && self.close_session(
                        now,
                        call,
                        CdnResult::administrative(OPERATOR_MESSAGE),
                        None,
                    )
                {
                    cleared.sessions.push((tunnel_id, session_id));
                }
                1
            }
        }
    }

    /// What a statistics clear at `cleared.level` resets.
    fn select_statistics(&self, filter: &Filter<'_>, mut cleared: L2tpCleared) -> L2tpCleared {
        match cleared.level {
            ClearLevel::Destination => cleared.destinations = self.filtered_destinations(filter),
            ClearLevel::Tunnel => {
                cleared.tunnels = self.filtered_tunnels(filter).map(|(id, _)| id).collect();
            }
            ClearLevel::Session => {
                cleared.sessions = self
                    .filtered_sessions(filter)
                    .map(|(tunnel_id, _, session_id, _)| (tunnel_id, session_id))
                    .collect();
            }
        }
        cleared
    }

    /// Restarts the selected counters. `clear … destination statistics all` also restarts
    /// the global totals, the drop counters and the disconnect causes.
    fn reset_statistics(&mut self, now: Instant, selected: &L2tpCleared, all: bool) {
        for id in &selected.destinations {
            if let Some(d) = self.destinations.get_mut(id) {
                d.retired = Counters::default();
            }
            let tunnels: Vec<u16> = self.tunnels_of(*id).map(|(t, _)| t).collect();
            for tunnel_id in tunnels {
                if let Some(entry) = self.tunnels.get_mut(&tunnel_id) {
                    entry.clear_statistics(now);
                }
            }
        }
        if all && selected.level == ClearLevel::Destination {
            self.retired = Counters::default();
            self.drops = DropCounters::default();
            self.events.causes.clear();
        }
        for id in &selected.tunnels {
            if let Some(entry) = self.tunnels.get_mut(id) {
                entry.clear_statistics(now);
            }
        }
        for (tunnel_id, session_id) in &selected.sessions {
            if let Some(session) = self
                .tunnels
                .get_mut(tunnel_id)
                .and_then(|e| e.sessions.get_mut(session_id))
            {
                session.clear_statistics();
            }
        }
    }
}
