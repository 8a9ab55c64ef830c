//! L2TPv2 (RFC 2661), sans-IO: the wire codec (`wire`), the control connection with its
//! reliable delivery and tunnel authentication (`control`), the incoming-call session
//! automaton with its data path (`session`), LAC tunnel selection from a tunnel profile
//! (`select`), and the registry destination -> tunnel -> session that drives them (`registry`).
//! Sockets and timers belong to the runtime that feeds the registry.

pub mod control;
pub mod registry;
pub mod select;
pub mod session;
pub mod wire;
