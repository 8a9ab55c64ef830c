//! What both ends of a PPP link (`ServerLink`, `ClientLink`) share: why a link went down,
//! and how a control packet becomes a whole frame.

use super::fsm::FinishReason;
use super::wire::{emit_protocol, Protocol};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownReason {
    PeerTerminated,
    EchoTimeout,
    LoopbackDetected,
    NegotiationFailed,
    AuthTimeout,
    /// By us: `close`.
    Closed,
    /// The server answered Nak/Failure and terminated LCP.
    AuthFailed,
    /// `lower_down`: PADT or the link was lost.
    LowerLayerDown,
    /// The LNS's watchdog: the link did not reach IPCP Opened within
    /// `ServerLinkConfig::negotiation_timeout` of its start.
    NegotiationTimeout,
}

impl DownReason {
    /// LCP's This-Layer-Finished, when nothing above knows better why.
    pub fn from_finish(reason: FinishReason) -> DownReason {
        match reason {
            FinishReason::Closed => DownReason::Closed,
            FinishReason::PeerTerminated => DownReason::PeerTerminated,
            FinishReason::Timeout
            | FinishReason::Catastrophic
            | FinishReason::NotConverging
            | FinishReason::Unacceptable => DownReason::NegotiationFailed,
        }
    }
}

/// A control packet behind its protocol field, never compressed: LCP must not be (RFC 1661
/// §6.5) and the others gain nothing worth a second code path.
pub fn frame(protocol: Protocol, packet: &[u8]) -> Vec<u8> {
    let mut frame = Vec::with_capacity(2 + packet.len());
    emit_protocol(protocol, false, &mut frame);
    frame.extend_from_slice(packet);
    frame
}
