//! L2TP sessions (RFC 2661 §6.6-6.11, incoming calls): one session per tunnelled PPP
//! subscriber. Sans-IO, like the rest of `l2tp`.
//!
//! A [`Session`] consumes control messages the tunnel has already delivered reliably and in
//! order, and queues the messages it wants sent ([`Session::poll_message`]) for the tunnel to
//! number and retransmit; it reports what happened through [`Session::poll_event`]. The tunnel
//! owns the [`SessionIdAllocator`] and routes messages by the header's Session ID.
//!
//! Refusal policy (RFC 2661 §4.4.2 CDN result codes), chosen so that a LAC does the right
//! thing without knowing our reasons:
//! - draining (`accept_new` false): result 2, error 7 "Try another" — the RFC's code for an
//!   LNS policy that sends the LAC to another LNS, which is what drain is for;
//! - session limit reached: result 4 "lack of appropriate facilities (temporary condition)":
//!   the LAC may retry here later or elsewhere;
//! - an unknown AVP with the M bit: result 2, error 8; a missing mandatory AVP: result 2,
//!   error 6 (as xl2tpd does); Assigned Session ID 0: result 2, error 5.

mod call;
mod call_strings;
mod data;
mod ids;
mod incoming_call;
mod result;

pub use call::{CallInfo, ProxyAuth, ProxyAuthenType, ProxyData, ProxyLcp};
pub use call_strings::{CallString, CallStrings};
pub use data::{DataDrop, EncapError, SessionCounters};
pub use ids::{SessionIdAllocator, MAX_SESSIONS_PER_TUNNEL};
pub use incoming_call::{
    LnsPolicy, OutgoingMessage, Refusal, RefusalReason, Role, Session, SessionEvent, SessionState,
};
pub use result::{cdn_result, disconnect_cause, general_error, lac_ppp_ended_cause, CdnResult};
