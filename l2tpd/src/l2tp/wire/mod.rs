//! The L2TPv2 wire format (RFC 2661), smoltcp style: checked views over buffers, typed
//! representations with `parse` and `emit`, and typed errors. Nothing here panics on input.

pub mod attribute;
pub mod avp;
pub mod challenge;
pub mod data;
pub mod error;
pub mod header;
pub mod hidden;
pub mod message;
#[cfg(test)]
mod message_tests;
pub mod result_codes;
#[cfg(test)]
mod testing;

pub use attribute::{
    Accm, Avp, CallErrors, PppDisconnectCause, Q931Cause, ResultCode, SpeedUpdate,
};
pub use avp::{AvpHeader, AvpIter, AvpPacket, VENDOR_IETF};
pub use challenge::challenge_response;
pub use data::DataMessage;
pub use error::WireError;
pub use header::{
    ControlHeader, DataHeader, HeaderRepr, OffsetPadLimit, Packet, Sequence, L2TP_VERSION, UDP_PORT,
};
pub use message::{
    zlb, ControlMessage, ControlMessageBuilder, MessageType, StillHidden, UnknownAvp,
};
pub use result_codes::{cdn_result, disconnect_cause, general_error, stopccn_result};
