//! L2TPv2 (RFC 2661), sans-IO: the wire codec (`wire`), the control connection with its
//! reliable delivery and tunnel authentication (`control`), and the incoming-call session
//! automaton with its data path (`session`). Sockets and the registry of destinations,
//! tunnels and sessions belong to the engine that drives these types.

pub mod control;
pub mod registry;
pub mod select;
pub mod session;
pub mod wire;
