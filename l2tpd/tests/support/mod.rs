//! Simulated time for the tests that join two registries by an in-memory network.

use std::time::Instant;

use l2tpd::registry::Registry;

/// Two registries on one simulated clock, and the network that joins them.
pub trait SimulatedPair {
    /// The clock, and the registries in the order their timers fire.
    fn parts(&mut self) -> (&mut Instant, [&mut Registry; 2]);
    /// Delivers datagrams both ways until the network is quiet.
    fn settle(&mut self);

    /// Advances simulated time to `until`, firing every timer on the way.
    fn run_until(&mut self, until: Instant) {
        self.settle();
        loop {
            let (clock, registries) = self.parts();
            let next = registries.iter().filter_map(|r| r.poll_timeout()).min();
            match next {
                Some(t) if t <= until => {
                    *clock = (*clock).max(t);
                    for registry in registries {
                        registry.handle_timeout(*clock);
                    }
                    self.settle();
                }
                _ => break,
            }
        }
        *self.parts().0 = until;
    }
}
