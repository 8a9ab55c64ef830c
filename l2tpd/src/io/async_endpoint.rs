//! tokio integration: a [`FrameEndpoint`] registered with the reactor (`AsyncFd`), so the
//! engine awaits readiness instead of polling, then moves whole batches.

use std::io;

use tokio::io::unix::AsyncFd;

use super::frame_batch::FrameBatch;
use super::frame_endpoint::FrameEndpoint;
use super::packet_socket::{register_async, PacketSocket};

/// A packet socket or socket link driven by tokio. Must be made inside a runtime.
#[derive(Debug)]
pub struct AsyncFrameEndpoint {
    inner: AsyncFd<FrameEndpoint>,
}

impl AsyncFrameEndpoint {
    pub fn new(endpoint: impl Into<FrameEndpoint>) -> io::Result<Self> {
        Ok(Self {
            inner: register_async(endpoint.into())?,
        })
    }

    /// An AF_PACKET socket on `interface`, as [`PacketSocket::open`].
    pub fn packet(interface: &str) -> io::Result<Self> {
        Self::new(PacketSocket::open(interface)?)
    }

    pub fn get_ref(&self) -> &FrameEndpoint {
        self.inner.get_ref()
    }

    /// Waits until at least one frame is delivered into `out`, and returns how many.
    pub async fn recv_batch(&mut self, out: &mut FrameBatch) -> io::Result<usize> {
        loop {
            let mut guard = self.inner.readable_mut().await?;
            match guard.try_io(|inner| inner.get_mut().recv_batch(out)) {
                // Every message was dropped (looped-back, oversized): wait for more.
                Ok(Ok(0)) => continue,
                Ok(result) => return result,
                Err(_would_block) => continue,
            }
        }
    }

    /// Sends every frame, in order, waiting for room in the socket when it is full.
    pub async fn send_all<B: AsRef<[u8]>>(&self, frames: &[B]) -> io::Result<()> {
        let mut sent = 0;
        while sent < frames.len() {
            let mut guard = self.inner.writable().await?;
            let rest = &frames[sent..];
            match guard.try_io(|inner| inner.get_ref().send_batch(rest.iter().map(AsRef::as_ref))) {
                Ok(result) => sent += result?,
                Err(_would_block) => continue,
            }
        }
        Ok(())
    }
}
