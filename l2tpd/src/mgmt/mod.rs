//! The management plane: the Unix-socket server (`server`), who may do what (`identity`),
//! and the configuration sessions, candidates and commits (`state`).

mod confirm;
pub mod identity;
pub mod limits;
mod reclaim;
pub mod rights;
pub mod server;
pub mod session;
pub mod state;
mod steps;

pub use state::Mgmt;
