//! The AgentX subagent (RFC 2741): JNX-L2TP-MIB served under a master agent such as
//! net-snmp's snmpd, which brings SNMPv3, VACM and MIB-II.
//!
//! - [`wire`]: what the `agentx` crate's codec leaves to us: framing, and encoding the
//!   Response PDU (the crate keeps octet strings as UTF-8 text, and our DateAndTime and
//!   InetAddress values are binary).
//! - [`request`]: reading the master's Get / GetNext / GetBulk.
//! - [`session`]: the sans-IO session: Open, Register, answers to Get / GetNext /
//!   GetBulk from the view, Ping, and when to give the connection up.
//! - [`runtime`]: the I/O shell, a thread of its own with blocking reads and writes on the
//!   master's Unix socket (one round trip per varbind through snmpd), reconnection with
//!   backoff.

pub mod request;
pub mod runtime;
pub mod session;
pub mod wire;
