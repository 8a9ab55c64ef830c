//! The calls waiting for their tunnel to be established, in the order they came.
//!
//! A call can end while it waits (the subscriber logs out during tunnel set-up). Finding it
//! in a list to remove it costs the length of the list, so a burst of such logouts on a
//! tunnel with thousands of queued calls was quadratic (issue 15, item 4): a call is removed
//! from an index instead, and the queue drops it when it is next read or when removed calls
//! outnumber the live ones.

use super::entry::PendingCall;
use super::event::SessionRef;
use std::collections::HashSet;

#[derive(Debug, Default)]
pub(super) struct PendingCalls {
    /// Arrival order; may still hold calls no longer in `live`.
    queue: Vec<PendingCall>,
    /// The calls still waiting.
    live: HashSet<SessionRef>,
}

impl PendingCalls {
    pub fn push(&mut self, call: PendingCall) {
        // A handle is never queued twice (it names one call), so a stale copy cannot revive.
        self.live.insert(call.call_ref);
        self.queue.push(call);
    }

    /// Forgets a waiting call; false if it was not waiting here.
    pub fn remove(&mut self, call: SessionRef) -> bool {
        if !self.live.remove(&call) {
            return false;
        }
        // Bounded garbage: compacted once removed calls are the majority (amortised O(1)).
        if self.queue.len() > 2 * self.live.len() + 16 {
            let live = &self.live;
            self.queue.retain(|p| live.contains(&p.call_ref));
        }
        true
    }

    pub fn len(&self) -> usize {
        self.live.len()
    }

    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }

    /// The waiting calls, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &PendingCall> {
        self.queue
            .iter()
            .filter(|p| self.live.contains(&p.call_ref))
    }

    /// Takes every waiting call, oldest first, leaving none.
    pub fn take(&mut self) -> Vec<PendingCall> {
        let live = std::mem::take(&mut self.live);
        let mut queue = std::mem::take(&mut self.queue);
        queue.retain(|p| live.contains(&p.call_ref));
        queue
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::l2tp::session::CallInfo;

    fn call(n: u64) -> PendingCall {
        PendingCall {
            call_ref: SessionRef(n),
            call: CallInfo::default(),
            tried: Vec::new(),
        }
    }

    fn refs(p: &PendingCalls) -> Vec<u64> {
        p.iter().map(|c| c.call_ref.0).collect()
    }

    #[test]
    fn removed_calls_leave_the_order_of_the_others() {
        let mut p = PendingCalls::default();
        for n in [5, 1, 9, 3] {
            p.push(call(n));
        }
        assert!(p.remove(SessionRef(1)));
        assert!(!p.remove(SessionRef(1)));
        assert!(!p.remove(SessionRef(7)));
        assert_eq!(p.len(), 3);
        assert_eq!(refs(&p), [5, 9, 3]);
        let taken: Vec<u64> = p.take().iter().map(|c| c.call_ref.0).collect();
        assert_eq!(taken, [5, 9, 3]);
        assert!(p.is_empty());
        assert_eq!(refs(&p), Vec::<u64>::new());
    }

    /// Many calls ending while their tunnel comes up: the queue does not keep them all.
    #[test]
    fn garbage_is_bounded() {
        let mut p = PendingCalls::default();
        for n in 0..10_000 {
            p.push(call(n));
        }
        for n in 0..9_990 {
            assert!(p.remove(SessionRef(n)));
        }
        assert_eq!(p.len(), 10);
        assert!(p.queue.len() <= 2 * 10 + 16 + 1);
        assert_eq!(refs(&p), (9_990..10_000).collect::<Vec<_>>());
    }
}
