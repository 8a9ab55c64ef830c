//! `| refresh N`: the show runs again every N seconds until the operator presses Ctrl-C.
//! The waiting and the interrupt go through [`Refresher`] so that the loop is tested with
//! simulated time; [`SignalRefresher`] is the real one.

use signal_hook::consts::SIGINT;
use signal_hook::flag;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
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

/// The process's SIGINT handlers, installed once (signal-hook cannot give the default
/// disposition back): `pressed` is set by every SIGINT; while `default_action` is set,
/// SIGINT also ends the process, as it always did for scripts (`cli -c`, `-f`), because a
/// script's command that hangs must stay interruptible.
struct Interrupts {
    pressed: Arc<AtomicBool>,
    default_action: Arc<AtomicBool>,
    /// An interactive session: Ctrl-C never ends the shell, only what it waits for.
    session: AtomicBool,
}

static INTERRUPTS: OnceLock<Interrupts> = OnceLock::new();

fn interrupts() -> io::Result<&'static Interrupts> {
    // One registration per process: a second one's conditional default, never switched
    // off, would end an interactive session on Ctrl-C. The lock orders racing first uses.
    static REGISTERING: Mutex<()> = Mutex::new(());
    let _guard = REGISTERING.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(i) = INTERRUPTS.get() {
        return Ok(i);
    }
    let fresh = Interrupts {
        pressed: Arc::new(AtomicBool::new(false)),
        default_action: Arc::new(AtomicBool::new(true)),
        session: AtomicBool::new(false),
    };
    flag::register_conditional_default(SIGINT, fresh.default_action.clone())?;
    flag::register(SIGINT, fresh.pressed.clone())?;
    Ok(INTERRUPTS.get_or_init(|| fresh))
}

/// For an interactive session at a terminal: from here on Ctrl-C during a command sets the
/// returned flag (the transport stops waiting for a show and the prompt comes back) and
/// never ends the shell. At the prompt the line editor reads Ctrl-C as a key, so no signal
/// arrives there.
pub fn catch_for_session() -> io::Result<Arc<AtomicBool>> {
    let i = interrupts()?;
    i.session.store(true, Ordering::SeqCst);
    i.default_action.store(false, Ordering::SeqCst);
    Ok(i.pressed.clone())
}

/// SIGINT stops a refresh loop instead of the process; outside one, it does what the
/// session says (see [`Interrupts`]).
#[derive(Default)]
pub struct SignalRefresher {
    interrupts: Option<&'static Interrupts>,
}

/// How often a wait looks at the interrupt flag: quick enough to feel immediate.
const POLL: Duration = Duration::from_millis(100);

impl SignalRefresher {
    fn pressed(&self) -> bool {
        self.interrupts
            .is_some_and(|i| i.pressed.load(Ordering::SeqCst))
    }
}

impl Refresher for SignalRefresher {
    fn now(&self) -> i64 {
        chrono::Utc::now().timestamp()
    }

    fn start(&mut self) -> io::Result<()> {
        let i = interrupts()?;
        i.pressed.store(false, Ordering::SeqCst);
        i.default_action.store(false, Ordering::SeqCst);
        self.interrupts = Some(i);
        Ok(())
    }

    fn wait(&mut self, seconds: u32) -> bool {
        let until = Instant::now() + Duration::from_secs(u64::from(seconds));
        loop {
            if self.pressed() {
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
        if let Some(i) = self.interrupts {
            let script = !i.session.load(Ordering::SeqCst);
            i.default_action.store(script, Ordering::SeqCst);
            i.pressed.store(false, Ordering::SeqCst);
        }
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
        assert!(!r.pressed());
        // Leave the default action off: another test thread shares this process. A
        // session's SIGINT sets its flag and leaves the process running, after a loop too.
        let pressed = catch_for_session().expect("session");
        r.finish();
        pressed.store(false, Ordering::SeqCst);
        signal_hook::low_level::raise(SIGINT).expect("raise");
        assert!(pressed.load(Ordering::SeqCst));
        assert!(!r.wait(1));
    }
}
