//! SNMP for the L2TP engine: JNX-L2TP-MIB served from a snapshot of the registry.
//!
//! - [`snapshot`]: the plain data the registry hands over (no engine types leak in here).
//! - [`system`]: SNMPv2-MIB's system group (sysDescr, sysUpTime, sysName, ...).
//! - [`if_mib`]: IF-MIB's ifTable and ifXTable over the snapshot's interface rows.
//! - [`if_state`]: ifIndex numbering, ifLastChange and which link changes trap.
//! - [`view`]: the jnxL2tp subtree as a sorted OID -> value view with get / get-next /
//!   get-bulk steps, indexed exactly as the MIB's INDEX clauses say.
//! - [`agent`]: the embedded SNMPv2c responder (sans-IO): datagram in, datagram out.
//! - [`trap`]: the trap sender (sans-IO): `trap-group` and a notification in, datagrams out.
//! - [`statistics`]: the agent's and the subagent's counters for `show snmp statistics`.
//! - [`show_mib`]: `show snmp mib get | walk`, read from the view inside the daemon.
//!
//! The same view is meant to back the AgentX subagent, so both paths answer alike.

pub mod agent;
pub mod agentx;
pub mod if_mib;
pub mod if_state;
pub mod poller;
pub mod show_mib;
pub mod snapshot;
pub mod statistics;
pub mod system;
pub mod trap;
pub mod value;
pub mod view;
