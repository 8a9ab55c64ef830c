//! A simulated Ethernet segment for tests: the emulator at one end, a sans-IO far end (a
//! LAC's PPPoE side) at the other, frames shuttled by hand and the clock jumping from
//! deadline to deadline. No sockets, no sleeps.

use std::time::{Duration, Instant};

use super::core::Emulator;
use super::ppp_client::PppClient;

/// The other end of the segment.
pub trait FarEnd {
    /// One frame from the emulator; the frames sent back.
    fn handle_frame(&mut self, frame: &[u8], now: Instant) -> Vec<Vec<u8>>;
    /// Its timers at `now`; the frames sent.
    fn handle_timeout(&mut self, now: Instant) -> Vec<Vec<u8>>;
    fn poll_timeout(&self) -> Option<Instant>;
}

pub struct SimulatedSegment<P, F> {
    pub emulator: Emulator<P>,
    pub far_end: F,
    pub now: Instant,
}

impl<P: PppClient, F: FarEnd> SimulatedSegment<P, F> {
    pub fn new(emulator: Emulator<P>, far_end: F, now: Instant) -> Self {
        Self {
            emulator,
            far_end,
            now,
        }
    }

    /// Delivers frames both ways until the emulator has nothing left to send.
    pub fn exchange(&mut self) {
        while let Some(frame) = self.emulator.poll_transmit() {
            let replies = self.far_end.handle_frame(&frame, self.now);
            self.deliver(replies);
        }
    }

    /// Starts the emulator and runs until `done`, until nothing is left to happen, or until
    /// `limit` of simulated time has passed.
    pub fn run_until(&mut self, limit: Duration, done: impl Fn(&Emulator<P>) -> bool) {
        let end = self.now + limit;
        self.emulator.start(self.now);
        loop {
            self.exchange();
            if done(&self.emulator) {
                return;
            }
            let next = [self.emulator.poll_timeout(), self.far_end.poll_timeout()]
                .into_iter()
                .flatten()
                .min();
            match next {
                Some(at) if at <= end => {
                    self.now = self.now.max(at);
                    let replies = self.far_end.handle_timeout(self.now);
                    self.deliver(replies);
                    self.emulator.handle_timeout(self.now);
                }
                _ => return,
            }
        }
    }

    fn deliver(&mut self, frames: Vec<Vec<u8>>) {
        for frame in frames {
            self.emulator.handle_frame(&frame, self.now);
        }
    }
}
