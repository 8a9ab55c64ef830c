//! L2TPv2 (RFC 2661), sans-IO: the wire codec (`wire`), the control connection with its
//! reliable delivery and tunnel authentication (`control`), the incoming-call session
//! automaton with its data path (`session`) and LAC tunnel selection from a tunnel profile
//! (`select`). The tables that drive them (destination -> tunnel -> session) and their views
//! live above, in `crate::registry`: this layer imports no show, report or SNMP code.

pub mod control;
pub mod select;
pub mod session;
pub mod wire;
