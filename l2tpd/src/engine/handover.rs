//! A configuration handed from the management thread to a runtime thread, which the sender
//! may withdraw until the runtime takes it. Exactly one of [`Handover::take`] and
//! [`Handover::withdraw`] succeeds, so a commit that timed out waiting for a busy engine
//! either withdrew its configuration (nothing is applied, and the commit says it failed) or
//! learns that the engine already has it (and waits for the real outcome). Without this, an
//! apply queued behind a flood landed long after the operator read "commit failed".

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

const PENDING: u8 = 0;
const TAKEN: u8 = 1;
const WITHDRAWN: u8 = 2;

/// Both ends share one state; clone it into the command.
#[derive(Clone, Debug, Default)]
pub struct Handover(Arc<AtomicU8>);

impl Handover {
    pub fn new() -> Handover {
        Handover::default()
    }

    /// The runtime's side: true if the configuration is still wanted (and now may not be
    /// withdrawn any more).
    pub fn take(&self) -> bool {
        self.settle(TAKEN)
    }

    /// The sender's side: true if the runtime had not taken it (and now never will).
    pub fn withdraw(&self) -> bool {
        self.settle(WITHDRAWN)
    }

    fn settle(&self, to: u8) -> bool {
        self.0
            .compare_exchange(PENDING, to, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }
}

/// Waits up to `timeout` for the outcome of a configuration handed over with `handover`.
/// If the runtime has not taken it by then it is withdrawn (an error that says nothing was
/// applied); if it has, the wait goes on for the outcome, so what is reported is what
/// happened. `None` waits for the outcome however long it takes. `who` names the runtime in
/// the operator's error.
pub fn wait_outcome(
    answer: &mpsc::Receiver<Result<(), String>>,
    handover: &Handover,
    timeout: Option<Duration>,
    who: &str,
) -> Result<(), String> {
    let stopped = || format!("{who} has stopped");
    let Some(timeout) = timeout else {
        return answer.recv().unwrap_or_else(|_| Err(stopped()));
    };
    match answer.recv_timeout(timeout) {
        Ok(outcome) => outcome,
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(stopped()),
        Err(mpsc::RecvTimeoutError::Timeout) if handover.withdraw() => Err(format!(
            "{who} was busy and did not take the configuration within {} s; nothing was applied",
            timeout.as_secs_f32()
        )),
        Err(mpsc::RecvTimeoutError::Timeout) => answer.recv().unwrap_or_else(|_| Err(stopped())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_one_side_wins() {
        let h = Handover::new();
        assert!(h.clone().take());
        assert!(!h.withdraw(), "taken: too late to withdraw");
        let h = Handover::new();
        assert!(h.withdraw());
        assert!(!h.clone().take(), "withdrawn: never applied");
    }
}
