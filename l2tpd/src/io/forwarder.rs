//! The plain forwarder that sets the ceiling for the relay benchmark (issue 10): frames in
//! from a frame endpoint in batches, each frame out as one UDP datagram with sendmmsg,
//! nothing else: no classification, no table, no copy. The relay's packets/s are reported as
//! a share of this one's, measured side by side in the same run.

use std::io;
use std::net::UdpSocket;

use super::async_endpoint::AsyncFrameEndpoint;
use super::frame_batch::{FrameBatch, DEFAULT_MAX_FRAME_LEN};
use super::packet_socket::{send_datagrams, MAX_MESSAGES_PER_CALL};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ForwarderCounters {
    pub frames_in: u64,
    pub datagrams_out: u64,
    /// Frames not sent because the UDP socket refused them (full buffer, ICMP unreachable).
    pub send_failures: u64,
}

pub struct Forwarder {
    input: AsyncFrameEndpoint,
    output: UdpSocket,
    batch: FrameBatch,
    counters: ForwarderCounters,
}

impl Forwarder {
    /// `output` must be connected to the destination: datagrams carry no address.
    pub fn new(input: AsyncFrameEndpoint, output: UdpSocket) -> Self {
        Self {
            input,
            output,
            batch: FrameBatch::new(MAX_MESSAGES_PER_CALL, DEFAULT_MAX_FRAME_LEN),
            counters: ForwarderCounters::default(),
        }
    }

    pub fn counters(&self) -> ForwarderCounters {
        self.counters
    }

    /// Waits for one batch of frames and forwards it; returns the frames forwarded.
    pub async fn forward_batch(&mut self) -> io::Result<usize> {
        let received = self.input.recv_batch(&mut self.batch).await?;
        self.counters.frames_in += received as u64;
        // A blocking UDP socket only refuses on errors; a ceiling forwarder counts them and
        // moves on rather than stopping the measurement.
        let sent = send_datagrams(std::os::fd::AsFd::as_fd(&self.output), self.batch.frames())
            .unwrap_or(0);
        self.counters.datagrams_out += sent as u64;
        self.counters.send_failures += (received - sent) as u64;
        Ok(sent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::socket_link::SocketLink;
    use crate::pppoe::wire::MacAddr;

    #[tokio::test]
    async fn frames_from_a_link_leave_as_udp_datagrams_byte_for_byte() {
        let (input, feeder) =
            SocketLink::pair(MacAddr([2, 0, 0, 0, 0, 1]), MacAddr([2, 0, 0, 0, 0, 2])).unwrap();
        let sink = UdpSocket::bind("127.10.110.1:0").unwrap();
        let output = UdpSocket::bind("127.10.110.2:0").unwrap();
        output.connect(sink.local_addr().unwrap()).unwrap();
        let mut forwarder = Forwarder::new(AsyncFrameEndpoint::new(input).unwrap(), output);

        let frames: Vec<Vec<u8>> = (0..100u8).map(|i| vec![i; 60 + usize::from(i)]).collect();
        let feeder = AsyncFrameEndpoint::new(feeder).unwrap();
        feeder.send_all(&frames[..50]).await.unwrap();
        let mut forwarded = 0;
        while forwarded < 50 {
            forwarded += forwarder.forward_batch().await.unwrap();
        }
        feeder.send_all(&frames[50..]).await.unwrap();
        while forwarded < 100 {
            forwarded += forwarder.forward_batch().await.unwrap();
        }

        let mut buf = [0u8; 2048];
        for frame in &frames {
            let len = sink.recv(&mut buf).unwrap();
            assert_eq!(&buf[..len], &frame[..]);
        }
        assert_eq!(
            forwarder.counters(),
            ForwarderCounters {
                frames_in: 100,
                datagrams_out: 100,
                send_failures: 0
            }
        );
    }
}
