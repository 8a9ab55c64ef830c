//! The L2TP operational RPCs (`show/clear services l2tp …`) on the engine's side: the
//! request as the engine takes it, the registry's answer as a management reply, and the
//! closing clears still running.
//!
//! Shows are answered at once from the registry (65,000 session rows take milliseconds).
//! A closing clear may end tens of thousands of sessions, each with a CDN: it runs in steps
//! of [`CLEAR_STEP`] sessions, and the engine task serves datagrams and timers between steps
//! so hellos, acknowledgements and retransmissions of the tunnels that stay keep flowing.
//! The clear is answered when its last step is done.

use std::collections::VecDeque;
use std::sync::mpsc;
use std::time::Instant;

use schema::l2tp_rpc::{ClearLevel, L2tpClear, L2tpShow};
use schema::mgmt::{Reply, Request};

use super::aaa_rpc::AaaRpc;
use super::subscriber_rpc::SubscriberRpc;
use crate::registry::{ClearJob, Clearing, Registry};

/// Sessions a clear ends per turn of the engine task.
pub const CLEAR_STEP: usize = 500;

/// One L2TP operational RPC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum L2tpRpc {
    Summary {
        statistics: bool,
    },
    Destinations(L2tpShow),
    Tunnels(L2tpShow),
    Sessions(L2tpShow),
    DisconnectCauses,
    Clear {
        level: ClearLevel,
        clear: L2tpClear,
    },
    /// `show subscribers`, `show | clear pppoe …`.
    Subscriber(SubscriberRpc),
    /// `show network-access aaa …`, `test aaa ppp`, `clear network-access aaa statistics`.
    Aaa(AaaRpc),
}

impl L2tpRpc {
    /// The RPC a management request names, if it is one of these.
    pub fn from_request(request: &Request) -> Option<Self> {
        Some(match request {
            Request::GetL2tpSummaryInformation { statistics } => Self::Summary {
                statistics: *statistics,
            },
            Request::GetL2tpDestinationInformation(show) => Self::Destinations(show.clone()),
            Request::GetL2tpTunnelInformation(show) => Self::Tunnels(show.clone()),
            Request::GetL2tpSessionInformation(show) => Self::Sessions(show.clone()),
            Request::GetL2tpDisconnectCauseSummary => Self::DisconnectCauses,
            Request::ClearL2tpDestination(clear) => Self::Clear {
                level: ClearLevel::Destination,
                clear: clear.clone(),
            },
            Request::ClearL2tpTunnel(clear) => Self::Clear {
                level: ClearLevel::Tunnel,
                clear: clear.clone(),
            },
            Request::ClearL2tpSession(clear) => Self::Clear {
                level: ClearLevel::Session,
                clear: clear.clone(),
            },
            _ => {
                return SubscriberRpc::from_request(request)
                    .map(Self::Subscriber)
                    .or_else(|| AaaRpc::from_request(request).map(Self::Aaa))
            }
        })
    }
}

/// An RPC's answer, or the sentence saying why there is none (`no tunnel with local tunnel
/// id 99`).
pub type RpcOutcome = Result<Reply, String>;

/// What the registry made of an RPC.
pub(super) enum Answer {
    Now(RpcOutcome),
    /// A closing clear to run step by step.
    Clear(ClearJob),
}

pub(super) fn answer(registry: &mut Registry, now: Instant, rpc: L2tpRpc) -> Answer {
    let reply = match rpc {
        L2tpRpc::Summary { statistics } => Ok(Reply::L2tpSummary(registry.summary(statistics))),
        L2tpRpc::Destinations(show) => registry
            .destinations(now, &show)
            .map(Reply::L2tpDestinations),
        L2tpRpc::Tunnels(show) => registry.tunnels(now, &show).map(Reply::L2tpTunnels),
        L2tpRpc::Sessions(show) => registry.sessions(now, &show).map(Reply::L2tpSessions),
        L2tpRpc::DisconnectCauses => Ok(Reply::L2tpDisconnectCauses(registry.disconnect_causes())),
        L2tpRpc::Clear { level, clear } => match registry.start_clear(now, level, &clear) {
            Err(e) => Err(e),
            Ok(Clearing::Done(cleared)) => Ok(Reply::L2tpCleared(cleared)),
            Ok(Clearing::Confirm { sessions }) => Ok(Reply::ConfirmClear {
                sessions,
                question: format!("Clear {sessions} L2TP sessions? [yes,no] (no) "),
            }),
            Ok(Clearing::Job(job)) => return Answer::Clear(job),
        },
        // Answered by the core, which holds the subscriber tables.
        L2tpRpc::Subscriber(_) => Err("subscriber RPCs are answered by the core".to_string()),
        L2tpRpc::Aaa(_) => Err("AAA RPCs are answered by the core".to_string()),
    };
    Answer::Now(reply)
}

/// Closing clears in progress, oldest first: one runs at a time, so two operators' clears
/// do not interleave their CDNs.
#[derive(Debug, Default)]
pub(super) struct Clears {
    running: VecDeque<(ClearJob, mpsc::Sender<RpcOutcome>)>,
}

impl Clears {
    pub fn push(&mut self, job: ClearJob, reply: mpsc::Sender<RpcOutcome>) {
        self.running.push_back((job, reply));
    }

    pub fn is_busy(&self) -> bool {
        !self.running.is_empty()
    }

    /// One step of the oldest clear; answers it when it is done.
    pub fn step(&mut self, registry: &mut Registry, now: Instant) {
        let Some((job, _)) = self.running.front_mut() else {
            return;
        };
        if registry.continue_clear(now, job, CLEAR_STEP) {
            if let Some((job, reply)) = self.running.pop_front() {
                let _ = reply.send(Ok(Reply::L2tpCleared(job.into_cleared())));
            }
        }
    }

    /// The engine is stopping: the clears still running get no answer but this.
    pub fn abandon(&mut self) {
        for (_, reply) in self.running.drain(..) {
            let _ = reply.send(Err("the L2TP engine is stopping".into()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use schema::l2tp_rpc::ClearTarget;

    #[test]
    fn every_l2tp_request_is_an_rpc_and_nothing_else_is() {
        let show = L2tpShow::default();
        let clear = L2tpClear {
            statistics: true,
            target: ClearTarget::All,
            confirmed: false,
        };
        let cases = [
            (
                Request::GetL2tpSummaryInformation { statistics: true },
                L2tpRpc::Summary { statistics: true },
            ),
            (
                Request::GetL2tpDestinationInformation(show.clone()),
                L2tpRpc::Destinations(show.clone()),
            ),
            (
                Request::GetL2tpTunnelInformation(show.clone()),
                L2tpRpc::Tunnels(show.clone()),
            ),
            (
                Request::GetL2tpSessionInformation(show.clone()),
                L2tpRpc::Sessions(show.clone()),
            ),
            (
                Request::GetL2tpDisconnectCauseSummary,
                L2tpRpc::DisconnectCauses,
            ),
            (
                Request::ClearL2tpDestination(clear.clone()),
                L2tpRpc::Clear {
                    level: ClearLevel::Destination,
                    clear: clear.clone(),
                },
            ),
            (
                Request::ClearL2tpTunnel(clear.clone()),
                L2tpRpc::Clear {
                    level: ClearLevel::Tunnel,
                    clear: clear.clone(),
                },
            ),
            (
                Request::ClearL2tpSession(clear.clone()),
                L2tpRpc::Clear {
                    level: ClearLevel::Session,
                    clear,
                },
            ),
        ];
        for (request, rpc) in cases {
            assert_eq!(L2tpRpc::from_request(&request), Some(rpc));
        }
        assert_eq!(L2tpRpc::from_request(&Request::ShowSystemUsers), None);
    }
}
