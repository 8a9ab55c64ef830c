//! PPPoE access (RFC 2516, RFC 4638), sans-IO: the frame codec, the access concentrator's
//! discovery server and its policies, and the host's discovery client (the subscriber
//! emulator's). The engine owns the AF_PACKET socket and feeds frames in.

pub mod access_line;
pub mod client;
pub mod cookie;
pub mod discovery;
pub mod discovery_counters;
pub mod service_policy;
pub mod short_cycle;
pub mod wire;

#[cfg(test)]
mod test_frames;
