//! A call's setup is bounded in time: an LNS session waiting for its ICCN, a LAC session
//! waiting for its ICRP. Without a bound a peer that acknowledges and then stays silent (or a
//! flood of bare ICRQs) holds Session IDs and memory for ever.
//!
//! The bound is one full retransmission cycle at the current settings (47 s at the Junos
//! defaults): the reply follows at once at any sound peer (RFC 2661 §5.2), and a reply lost
//! on the way is retransmitted for at most that long before its sender clears the tunnel.
//! The expiry sends CDN result 10, "call not established within time allotted", and is
//! counted among the disconnect causes as any CDN is.
//!
//! Deadlines are kept per tunnel in the order the calls started; with one timeout for all,
//! that is deadline order, so only the front of each queue is ever looked at.

use std::time::Instant;

use super::entry::TunnelEntry;
use super::{Registry, SessionRef};
use crate::l2tp::session::{cdn_result, general_error, CdnResult};

impl Registry {
    /// A session of `tunnel_id` started its setup now.
    pub(super) fn watch_call_setup(&mut self, now: Instant, tunnel_id: u16, session_id: u16) {
        let timeout = self
            .settings
            .retransmit
            .full_cycle(self.settings.retransmit.count_established);
        let Some(entry) = self.tunnels.get_mut(&tunnel_id) else {
            return;
        };
        let Some(session) = entry.sessions.get(&session_id) else {
            return;
        };
        let call = session.call_ref;
        entry
            .call_setups
            .push_back((now + timeout, session_id, call));
        // The tunnel's next deadline may now be this one (the queue was empty).
        self.reschedule(tunnel_id);
    }

    /// Ends every call of `tunnel_id` whose setup deadline has passed and is still not up.
    pub(super) fn expire_call_setups(&mut self, now: Instant, tunnel_id: u16) {
        let mut expired: Vec<u16> = Vec::new();
        let Some(entry) = self.tunnels.get_mut(&tunnel_id) else {
            return;
        };
        while let Some(&(deadline, session_id, call)) = entry.call_setups.front() {
            if deadline > now {
                break;
            }
            entry.call_setups.pop_front();
            // The Session ID may have been released and given to a later call meanwhile.
            let Some(session) = entry.sessions.get_mut(&session_id) else {
                continue;
            };
            if session.call_ref != call {
                continue;
            }
            let waiting_for = session.session.state().name();
            let result = CdnResult::new(
                cdn_result::NOT_ESTABLISHED_IN_TIME,
                general_error::NONE,
                format!("setup timed out in state {waiting_for}"),
            );
            if session.session.expire_setup(result) {
                expired.push(session_id);
            }
        }
        for session_id in expired {
            self.flush_session(now, tunnel_id, session_id);
        }
        self.pump(now, tunnel_id);
    }
}

/// The next setup deadline of a tunnel.
pub(super) fn next_deadline(entry: &TunnelEntry) -> Option<Instant> {
    entry.call_setups.front().map(|(deadline, ..)| *deadline)
}

/// What a queued deadline names: (deadline, Session ID, the call that held it).
pub(super) type CallSetup = (Instant, u16, SessionRef);
