//! LAC tunnel selection (Junos "L2TP LAC subscriber tunneling"): which of a tunnel profile's
//! up to 31 tunnels carries the next session. Pure functions over a snapshot of the registry
//! plus a small rotation state; no I/O, the time is passed in.
//!
//! Rules, in order:
//! 1. A profile tunnel without a `remote-gateway address` cannot be dialled and is skipped.
//! 2. A profile tunnel whose existing tunnel (see 6) already
//!    carries `max-sessions` sessions is full. `max-sessions 0` means *no limit* (our choice:
//!    Junos accepts 0..60,000 without saying; a tunnel that may carry nothing would be a
//!    configuration error, and 0 as "unset" matches the other Junos limits).
//! 3. Destinations locked out (a tunnel to them failed less than `lockout-timeout` ago) are
//!    skipped while any other candidate is left. If every candidate is locked out, the
//!    destination that failed *first* is retried (Junos rule).
//! 4. The best (lowest) preference level with a candidate wins. Within it: round-robin in
//!    tunnel-number order, or with `weighted-load-balancing` a smooth weighted round-robin
//!    whose weights are the `max-sessions` values (an unlimited tunnel weighs 60,000, the
//!    largest configurable limit), so shares converge to the `max-sessions` ratio.
//! 5. Failover of a call whose tunnel failed: destinations already tried are excluded; by
//!    default the rest of the failed destination's level is skipped too (failover goes
//!    between levels), unless `fail-over-within-preference`. When no worse level is left, the
//!    rest of the same level is still tried rather than dropping the call (our choice).
//! 6. An existing tunnel to the chosen destination with the same identity (identification,
//!    source address, local Host Name) and the same secret is reused; otherwise a new one is
//!    opened. Joining a tunnel set up with another secret or name would silently drop the
//!    profile's tunnel authentication.

mod candidate;
mod choose;
mod rotation;
#[cfg(test)]
mod tests;
mod unavailable;

pub use candidate::{DestinationKey, ExistingTunnel, Lockout, RegistryView, SelectSettings};
pub use choose::{capacity, select, Choice, Failover};
pub use rotation::Rotation;
pub use unavailable::{Skipped, Unavailable};
