//! Frames waiting to leave on a frame endpoint, sent without ever waiting for room.
//!
//! A socket link is a Unix datagram socket, whose peer queue holds very few datagrams
//! (`net.unix.max_dgram_qlen`, 10 by default). Two ends that each await room to send before
//! reading again can block each other for ever, each queue full of what the other has not
//! read. So the emulator and the in-test LAC keep what did not fit, go on receiving, and try
//! again shortly, as a NIC's transmit ring does.

use std::collections::VecDeque;
use std::io;
use std::time::Duration;

use l2tpd::io::AsyncFrameEndpoint;

/// How soon to try again while frames wait.
pub const RETRY: Duration = Duration::from_millis(1);

#[derive(Default)]
pub struct FrameOutbox {
    pending: VecDeque<Vec<u8>>,
}

impl FrameOutbox {
    pub fn push(&mut self, frames: impl IntoIterator<Item = Vec<u8>>) {
        self.pending.extend(frames);
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Sends what the endpoint takes now, in order; the rest waits for the next call.
    pub fn flush(&mut self, endpoint: &AsyncFrameEndpoint) -> io::Result<()> {
        while !self.pending.is_empty() {
            let (front, back) = self.pending.as_slices();
            let frames = front.iter().chain(back).map(Vec::as_slice);
            match endpoint.get_ref().send_batch(frames) {
                Ok(0) => break,
                Ok(sent) => drop(self.pending.drain(..sent)),
                Err(e) if is_full(&e) => break,
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

/// No room now: the peer's queue (socket link) or the device's (packet socket) is full.
fn is_full(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::WouldBlock
        || error.raw_os_error() == Some(nix::errno::Errno::ENOBUFS as i32)
}
