//! How long each step of a commit took, logged at debug: an operator whose commit of a large
//! configuration is slow can see which step it is (the check, the engine, the text, the
//! database write, the copy kept in memory) with `--log l2tpd::mgmt=debug`.

use std::time::{Duration, Instant};

/// The steps of one commit, in order, each with its time.
pub(crate) struct StepTimes {
    last: Instant,
    steps: Vec<(&'static str, Duration)>,
}

impl StepTimes {
    pub(crate) fn start() -> StepTimes {
        StepTimes {
            last: Instant::now(),
            steps: Vec::new(),
        }
    }

    /// Ends the step called `name`, which ran since the previous one ended.
    pub(crate) fn step(&mut self, name: &'static str) {
        let now = Instant::now();
        self.steps.push((name, now - self.last));
        self.last = now;
    }

    /// One line: `commit steps: check 12.1 ms, apply 0.3 ms, ..., total 40.2 ms`.
    pub(crate) fn log(&self, what: &str) {
        if !tracing::enabled!(tracing::Level::DEBUG) {
            return;
        }
        tracing::debug!("{what} steps: {}", self.summary());
    }

    fn summary(&self) -> String {
        let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
        let total: Duration = self.steps.iter().map(|(_, d)| *d).sum();
        let mut line = String::new();
        for (name, d) in &self.steps {
            line.push_str(&format!("{name} {:.1} ms, ", ms(d)));
        }
        line.push_str(&format!("total {:.1} ms", ms(&total)));
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_names_every_step_in_order_and_their_total() {
        let mut t = StepTimes::start();
        t.steps.push(("check", Duration::from_micros(1500)));
        t.steps.push(("persist", Duration::from_micros(2500)));
        assert_eq!(t.summary(), "check 1.5 ms, persist 2.5 ms, total 4.0 ms");
    }
}
