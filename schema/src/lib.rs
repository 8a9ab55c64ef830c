//! The vocabulary that crosses every boundary of the router: the configuration grammar,
//! the declarative statement schema, the configuration tree, the typed view the engine
//! consumes, the operational command tree and the management protocol.
#![forbid(unsafe_code)]

pub mod aaa_rpc;
pub mod def;
pub mod diff;
pub mod edit;
pub mod firewall_rpc;
pub mod idle;
pub mod interface_rpc;
pub mod l2tp_rpc;
pub mod limits;
pub mod mgmt;
pub mod opcmd;
pub mod parse;
pub mod ppp_rpc;
pub mod print;
pub mod route_rpc;
pub mod secret;
pub mod secret_data;
pub mod snmp_oid;
pub mod snmp_rpc;
pub mod subscriber_rpc;
pub mod system_rpc;
pub mod table;
pub mod terminate_code;
pub mod timezone;
pub mod tokenize;
pub mod tree;
pub mod typed;
pub mod upgrade;
pub mod validate;

pub use def::{Kind, Stmt, Type};
pub use tree::{Node, NodeId, Path};
