//! `| refresh N`: the show runs again every N seconds until the operator presses Ctrl-C.
//! The waiting and the interrupt go through [`Refresher`] so that the loop is tested with
//! simulated time; [`SignalRefresher`] is the real one.

use signal_hook::consts::SIGINT;
use signal_hook::flag;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The clock and the interrupt of a refresh loop.
pub trait Refresher {
    /// Seconds since the Unix epoch, for the `---(refreshed at ...)---` line.
    fn now(&self) -> i64;
    /// Called before the first run: from here on Ctrl-C stops the loop instead of the shell.
    fn start(&mut self) -> io::Result<()>;
    /// Waits `seconds`; false when the operator interrupted the loop (before or during it).
    fn wait(&mut self, seconds: u32) -> bool;
    /// Called when the loop ends: Ctrl-C has its usual effect again.
    fn finish(&mut self);
}

/// SIGINT sets a flag while a refresh loop runs; outside one, SIGINT still does what it
/// always did (end the process), because a command that hangs must stay interruptible.
/// At the interactive prompt the line editor reads Ctrl-C as a key, so no signal arrives.
pub struct SignalRefresher {
    interrupted: Arc<AtomicBool>,
    /// Set outside refresh loops: SIGINT then takes its default action.
    default_action: Arc<AtomicBool>,
    registered: bool,
}

impl Default for SignalRefresher {
    fn default() -> Self {
        SignalRefresher {
            interrupted: Arc::new(AtomicBool::new(false)),
            default_action: Arc::new(AtomicBool::new(true)),
            registered: false,
        }
    }
}

/// How often a wait looks at the interrupt flag: quick enough to feel immediate.
const POLL: Duration = Duration::from_millis(100);

impl Refresher for SignalRefresher {
    fn now(&self) -> i64 {
        chrono::Utc::now().timestamp()
    }

    fn start(&mut self) -> io::Result<()> {
        if !self.registered {
            // Handlers stay installed for the life of the process (signal-hook cannot give
            // the default disposition back), so they are installed once, on first use.
            flag::register_conditional_default(SIGINT, self.default_action.clone())?;
            flag::register(SIGINT, self.interrupted.clone())?;
            self.registered = true;
        }
        self.interrupted.store(false, Ordering::SeqCst);
        self.default_action.store(false, Ordering::SeqCst);
        Ok(())
    }

    fn wait(&mut self, seconds: u32) -> bool {
        let until = Instant::now() + Duration::from_secs(u64::from(seconds));
        loop {
            if self.interrupted.load(Ordering::SeqCst) {
                return false;
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return true;
            }
            std::thread::sleep(left.min(POLL));
        }
    }

    fn finish(&mut self) {
        self.default_action.store(true, Ordering::SeqCst);
        self.interrupted.store(false, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real SIGINT during a refresh loop stops the wait instead of the process.
    #[test]
    fn sigint_stops_the_wait() {
        let mut r = SignalRefresher::default();
        r.start().expect("handlers installed");
        signal_hook::low_level::raise(SIGINT).expect("raise");
        // Interrupted: returns at once, not after the (long) interval.
        let begun = Instant::now();
        assert!(!r.wait(3600));
        assert!(begun.elapsed() < Duration::from_secs(60));
        // A new loop forgets the old interrupt.
        r.start().expect("again");
        assert!(!r.interrupted.load(Ordering::SeqCst));
        // Leave the default action off: another test thread shares this process.
        r.interrupted.store(true, Ordering::SeqCst);
        assert!(!r.wait(1));
    }
}
