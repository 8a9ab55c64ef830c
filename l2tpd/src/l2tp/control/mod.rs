//! The L2TP control connection (RFC 2661 §5): one [`Tunnel`] per peer, as initiator (LAC) or
//! responder (LNS). Sans-IO in the quinn-proto manner: the runtime feeds datagrams and the
//! time, and polls for datagrams to send, events and the next timer.
//!
//! - [`tunnel`]: establishment, tunnel authentication, HELLO, StopCCN and dispatch.
//! - [`reliable`]: Ns/Nr, windows, acknowledgement, retransmission on the Junos schedule.
//! - [`auth`]: the Challenge / Challenge Response computation and checks.
//! - `hiding`: the Random Vector and padding for AVPs hidden with the tunnel secret.

pub mod auth;
pub mod config;
pub mod event;
mod hiding;
pub mod reliable;
pub mod seq;
pub mod stats;
pub mod tunnel;

pub use config::{AvpHiding, RetransmitSettings, TunnelConfig};
pub use event::{AuthFailure, CloseReason, PeerInfo, TunnelEvent};
pub use reliable::WindowState;
pub use stats::ControlStats;
pub use tunnel::{PeerAuth, Reject, SendError, Tunnel, TunnelState};
