//! The project's PPPoE subscriber emulator, sans-IO: many subscribers in one process, each a
//! discovery client (`l2tpd::pppoe::client`) plus the client role of the daemon's own PPP
//! (`ClientLink`), fed frames and a clock like every protocol core of the daemon. The
//! `pppoe-emulator` binary wires it to a packet socket or a socket link; tests drive it with
//! simulated time against the daemon's own server side.
//!
//! It lives in the tests crate, not in l2tpd, because the daemon never runs it: it is the
//! tests' client and the benchmark's load generator.

mod client_link;
mod config;
mod core;
pub mod ip_packet;
mod ip_probe;
mod ppp_client;
mod probe;
mod run;
mod segment;
mod subscriber;
mod summary;

pub use self::config::{EmulatorConfig, EndWith, UpAt};
pub use self::core::Emulator;
pub use self::ip_probe::{IpCounters, IpProbeConfig, MAX_COUNT as MAX_IP_PROBES};
pub use self::ppp_client::{PppClient, PppParams};
pub use self::run::{finish, run, RunOptions};
pub use self::segment::{FarEnd, SimulatedSegment};
pub use self::subscriber::{DownReason, Phase, Subscriber, Timestamps};
pub use self::summary::{Percentiles, Summary};

#[cfg(test)]
mod core_tests;
