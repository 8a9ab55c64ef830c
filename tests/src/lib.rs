//! Harness for end-to-end tests: real `l2tpd` processes on private state directories, driven
//! through the real `cli` binary or the management protocol, as an operator or a script would.

pub mod bigconfig;
pub mod client;
pub mod daemon;
pub mod data_flood;
pub mod emulator;
pub mod flood;
pub mod frame_outbox;
pub mod freeradius;
pub mod ip_host;
pub mod lab;
pub mod netns;
pub mod netsnmp;
pub mod ops;
pub mod pppoe_lac;
pub mod relay;
pub mod subscriber_lab;
pub mod transcript;
pub mod xl2tpd;

pub use client::Client;
pub use daemon::{bin_path, output_text, running_as_root, DaemonProcess};
