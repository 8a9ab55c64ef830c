//! `l2tpd`: one daemon per router. It owns the configuration database (the role of Junos'
//! mgd) and the protocol engine (the role of Junos' l2tpd), so a commit is one atomic step:
//! validate, apply to the engine, persist — or change nothing.
#![deny(unsafe_code)]

pub mod aaa;
pub mod access_loop;
pub mod clock;
pub mod daemon;
pub mod engine;
pub mod firewall;
pub mod io;
pub mod l2tp;
pub mod log;
pub mod mgmt;
pub mod ppp;
pub mod pppoe;
pub mod process;
pub mod queue;
pub mod registry;
pub mod snmp;
pub mod state_dir;
pub mod subscriber;
pub mod trace;

/// The typed view of `set` lines, for the tests of the daemon's parts.
#[cfg(test)]
pub(crate) fn test_config(lines: &str) -> schema::typed::RouterConfig {
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), lines)
        .expect("set lines parse");
    schema::typed::router_config(&tree)
}
