//! The unit policies of the discovery server, beside its protocol core: drain, the
//! service-name table's delayed PADOs (the server's one timer) and the refusals a PADR can
//! meet, `short-cycle-protection` included.

use std::time::Instant;

use schema::typed::{ServiceName, ServiceNameTable};

use super::{DiscoveryCounters, DiscoveryServer, Request, Session};
use crate::pppoe::service_policy::{ServicePolicy, Verdict};
use crate::pppoe::wire::{MacAddr, Tag, VlanTag};

/// A PADO held back by `action delay N`, built when it is due (so its cookie lives a full
/// lifetime from then).
#[derive(Debug)]
pub(super) struct DelayedPado {
    pub(super) client: MacAddr,
    pub(super) vlans: Vec<VlanTag>,
    pub(super) request: Request,
}

impl DiscoveryServer {
    /// `services l2tp drain` (false) or its removal (true). While not accepting, no PADO and
    /// no new session; sessions in progress go on. Delayed PADOs are dropped, not sent.
    pub fn set_accepting(&mut self, accepting: bool) {
        self.accepting = accepting;
        if !accepting {
            self.counters.draining_refused += self.delayed.len() as u64;
            self.delayed.clear();
        }
    }

    pub fn is_accepting(&self) -> bool {
        self.accepting
    }

    /// A commit changed the unit's `service-name-table` (or the table itself): new PADIs
    /// follow it; live sessions stay and count against the new per-service limits.
    /// The session cap after a commit (a static PPPoE unit added or removed): sessions
    /// already up stay, a lower cap only refuses new ones.
    pub fn set_max_sessions(&mut self, max: Option<usize>) {
        self.config.max_sessions = max;
    }

    pub fn set_service_table(&mut self, table: Option<ServiceNameTable>) {
        let names = self.sessions.values().map(|s| s.service_name.as_slice());
        self.services = ServicePolicy::new(table.clone(), names);
        self.config.service_table = table;
    }

    /// Sessions held by one entry of the `service-name-table`.
    pub fn service_sessions(&self, name: &ServiceName) -> usize {
        self.services.sessions_of(name)
    }

    /// The next delayed PADO's due time.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.delayed.keys().next().map(|(due, _)| *due)
    }

    /// Sends the delayed PADOs due by `now` (through [`DiscoveryServer::poll_transmit`]).
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some(entry) = self.delayed.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let pending = entry.remove();
            if let Some(frame) = self.pado(pending.client, &pending.vlans, &pending.request, now) {
                self.transmits.push_back(frame);
            }
        }
    }

    /// A frame produced by a timer, to send on the unit's interface.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.transmits.pop_front()
    }

    /// Junos `action delay N`: the PADO goes out N seconds later, so that another
    /// concentrator on the segment answers first. A client repeating its PADI meanwhile is
    /// not queued twice; the queue is bounded.
    pub(super) fn delay_pado(
        &mut self,
        client: MacAddr,
        vlans: &[VlanTag],
        request: Request,
        due: Instant,
    ) {
        let repeated = self.delayed.values().any(|pending| {
            pending.client == client
                && pending.request.host_uniq == request.host_uniq
                && pending.request.service_name == request.service_name
        });
        if repeated {
            self.counters.padi_while_delayed += 1;
            return;
        }
        if self.delayed.len() >= self.config.delayed_pado_capacity {
            self.counters.pado_delay_queue_full += 1;
            return;
        }
        self.delayed.insert(
            (due, self.delayed_seq),
            DelayedPado {
                client,
                vlans: vlans.to_vec(),
                request,
            },
        );
        self.delayed_seq += 1;
        self.counters.pado_delayed += 1;
    }

    /// Why a PADR with a valid cookie gets no session, as the PADS's error tag (RFC 2516
    /// §5.4: AC-System-Error for insufficient resources), counted.
    pub(super) fn padr_refusal(
        &mut self,
        client: MacAddr,
        request: &Request,
        now: Instant,
    ) -> Option<Tag> {
        type Counter = fn(&mut DiscoveryCounters) -> &mut u64;
        let (counter, error): (Counter, Tag) = if !self.accepting {
            (
                |c| &mut c.draining_refused,
                Tag::AcSystemError(b"draining: no new sessions".to_vec()),
            )
        } else if self.is_locked_out(client, now) {
            (
                |c| &mut c.short_cycle_refused,
                Tag::GenericError(b"short-cycle-protection: locked out".to_vec()),
            )
        } else {
            match self.services.verdict(&request.service_name) {
                Verdict::NotOffered => (
                    |c| &mut c.service_name_refused,
                    Tag::ServiceNameError(b"service not offered".to_vec()),
                ),
                Verdict::Drop => (
                    |c| &mut c.service_name_dropped,
                    Tag::ServiceNameError(b"service not offered".to_vec()),
                ),
                Verdict::Full => (
                    |c| &mut c.service_max_sessions_refused,
                    Tag::AcSystemError(b"service max-sessions reached".to_vec()),
                ),
                Verdict::Answer { .. }
                    if self.config.duplicate_protection && self.by_client.contains_key(&client) =>
                {
                    (
                        |c| &mut c.duplicate_refused,
                        Tag::GenericError(
                            b"duplicate-protection: a session exists for this MAC".to_vec(),
                        ),
                    )
                }
                Verdict::Answer { .. } if self.at_capacity() => (
                    |c| &mut c.max_sessions_refused,
                    Tag::AcSystemError(b"max-sessions reached".to_vec()),
                ),
                Verdict::Answer { .. } => return None,
            }
        };
        *counter(&mut self.counters) += 1;
        Some(error)
    }

    pub(super) fn is_locked_out(&self, client: MacAddr, now: Instant) -> bool {
        self.short_cycle
            .as_ref()
            .is_some_and(|guard| guard.is_locked_out(client, now))
    }

    /// `short-cycle-protection`: a session that ended soon after it began locks its client out.
    pub(super) fn short_cycle_check(&mut self, session: &Session, now: Instant) {
        if let Some(guard) = self.short_cycle.as_mut() {
            guard.session_ended(session.client, session.started, now);
        }
    }
}
