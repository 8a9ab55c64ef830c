//! What a tunnel tells its owner (the registry): it came up, a session message arrived, it
//! closed and why, and when its state may finally be freed.

use std::fmt;

use crate::l2tp::wire::{ControlMessage, ResultCode, SpeedUpdate};

pub use crate::l2tp::wire::{general_error, stopccn_result};

/// Why tunnel authentication failed (RFC 2661 §5.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    /// We challenged and the answer was wrong: the peer has another secret.
    WrongResponse,
    /// We challenged and got no Challenge Response AVP.
    MissingResponse,
    /// The peer challenged us and we have no secret to answer with.
    NoSecretToAnswer,
    /// We have a secret and the peer never challenged nor answered: it has none.
    PeerHasNoSecret,
    /// The registry found no profile admitting this peer.
    PeerNotAdmitted,
    /// The peer's Host Name is not the one configured for it (`remote-gateway gateway-name`).
    UnexpectedPeerName,
}

impl fmt::Display for AuthFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::WrongResponse => "challenge response does not match the tunnel secret",
            Self::MissingResponse => "challenge sent but no challenge response received",
            Self::NoSecretToAnswer => "peer sent a challenge but no tunnel secret is configured",
            Self::PeerHasNoSecret => "tunnel secret configured but the peer does not use one",
            Self::PeerNotAdmitted => "peer not admitted by any tunnel profile",
            Self::UnexpectedPeerName => "peer host name is not the remote-gateway gateway-name",
        })
    }
}

/// Why a tunnel closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseReason {
    /// The peer sent StopCCN.
    PeerStopCcn(ResultCode),
    /// Our owner called `close` (operator clear, idle timeout, shutdown).
    Local(ResultCode),
    /// A message went unacknowledged through its whole retransmission schedule.
    RetransmissionsExhausted,
    /// Tunnel authentication failed; we sent StopCCN result 4.
    Authentication(AuthFailure),
    /// The peer speaks a protocol version other than 1.0; we sent StopCCN result 5.
    UnsupportedVersion { version: u8, revision: u8 },
    /// The peer broke the protocol; we sent StopCCN with this result.
    Protocol { result: ResultCode },
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PeerStopCcn(rc) => write!(f, "StopCCN received: {}", describe(rc)),
            Self::Local(rc) => write!(f, "closed locally: {}", describe(rc)),
            Self::RetransmissionsExhausted => f.write_str("retransmissions exhausted"),
            Self::Authentication(why) => write!(f, "tunnel authentication failed: {why}"),
            Self::UnsupportedVersion { version, revision } => {
                write!(f, "unsupported protocol version {version}.{revision}")
            }
            Self::Protocol { result } => write!(f, "protocol error: {}", describe(result)),
        }
    }
}

fn describe(rc: &ResultCode) -> String {
    let mut out = format!("result {}", rc.result);
    if let Some(error) = rc.error {
        out.push_str(&format!(" error {error}"));
    }
    if !rc.message.is_empty() {
        out.push_str(&format!(" \"{}\"", String::from_utf8_lossy(&rc.message)));
    }
    out
}

/// What the peer told us about itself in SCCRQ/SCCRP.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PeerInfo {
    pub tunnel_id: u16,
    pub host_name: Vec<u8>,
    pub vendor_name: Option<Vec<u8>>,
    pub firmware_revision: Option<u16>,
    pub framing_capabilities: u32,
    pub bearer_capabilities: u32,
    /// The peer's receive window: how many of our messages may be unacknowledged.
    pub rx_window: u16,
}

/// Events for the tunnel's owner, in the order they happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TunnelEvent {
    /// SCCRQ/SCCRP/SCCCN completed; sessions may be set up.
    Established(PeerInfo),
    /// A session message (ICRQ, ICRP, ICCN, CDN, WEN, SLI, OCxx), delivered once and in
    /// order. `session_id` is the header's, i.e. ours (0 for an ICRQ, which creates one).
    SessionMessage {
        session_id: u16,
        msg: ControlMessage,
    },
    /// RFC 5515: a CSUN gave one of our sessions (`session_id`, ours) new connect speeds,
    /// bit/s. Sent per session the CSUN names; a session we do not have is the owner's to
    /// skip.
    SpeedUpdate(SpeedUpdate),
    /// The tunnel is down: every session on it goes with it.
    Closed(CloseReason),
    /// The post-StopCCN hold is over (or there is nothing to hold): free the Tunnel ID.
    Gone,
}
