//! PPPoE access (RFC 2516, RFC 4638), sans-IO: the frame codec and the access concentrator's
//! discovery server. The engine owns the AF_PACKET socket and feeds frames in.

pub mod cookie;
pub mod discovery;
pub mod wire;
