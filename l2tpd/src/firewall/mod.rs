//! Firewall filters for subscriber IPv4 traffic (issue 16: `family inet filter input /
//! output`, from a dynamic profile's `"$junos-input-filter"` / `"$junos-output-filter"`, a
//! literal name, or a static unit's `family inet filter`).
//!
//! - [`matcher`]: a compiled filter, and what it decides for one packet (sans-IO, pure).
//! - [`counters`]: the per-term `count` counters, sharded by thread so the data workers
//!   count without a lock and without sharing a cache line, summed for `show firewall`.
//! - [`instances`]: the filter instances subscribers hold — one per filter, or one per
//!   interface and direction for an `interface-specific` filter, as Junos names them
//!   (`F-pp0.5-i`) — and the views and clears of `show firewall` / `clear firewall`.
//!
//! Where filters apply: the LNS's IP path, both the I/O shell's fast path
//! ([`crate::io::ip_relay`]) and the engine's slow path (`subscriber::termination`):
//! L2TP → service interface is the subscriber's input, the other way its output.

pub mod counters;
pub mod instances;
pub mod matcher;

pub use counters::FilterCounters;
pub use instances::{Direction, FilterInstance, Firewall};
pub use matcher::{CompiledFilter, PacketFields, Verdict};
