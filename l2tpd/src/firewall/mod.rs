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
//! - [`reject`]: the ICMP message or TCP RST a `reject` term answers with (sans-IO).
//! - [`icmp_limit`]: RFC 1812's rate limit on those answers, one bucket for both paths.
//! - [`policer`]: the token bucket of a term's `then policer P` (the subscriber's speed
//!   plan), one per policer instance, shared by both paths without a lock.
//!
//! A commit replaces the instances of a changed filter, and the subscriber layer gives each
//! subscriber already up the new ones at once (`subscriber::filters`): docs/firewall.md.
//!
//! Where filters apply: the LNS's IP path, both the I/O shell's fast path
//! ([`crate::io::ip_relay`]) and the engine's slow path (`subscriber::termination`):
//! L2TP → service interface is the subscriber's input, the other way its output.

pub mod counters;
pub mod icmp_limit;
pub mod instances;
pub mod matcher;
pub mod policer;
pub mod reject;

pub use counters::FilterCounters;
pub use instances::{Direction, FilterInstance, Firewall};
pub use matcher::{CompiledFilter, PacketFields, Verdict};

use std::sync::Arc;
use std::time::Instant;

use schema::typed::RejectMessage;

/// What a subscriber's filter decided for one of its packets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judged {
    Pass,
    /// Discarded silently (`discard`, or no term matched).
    Discard,
    /// Discarded, the sender to be told so (`reject`): see [`reject::answer`].
    Reject(RejectMessage),
}

/// The filter instances one subscriber's packets cross: `input` on what it sends, `output`
/// on what it is sent, `rpf_fail` on what it sends from a source not its own (`rpf-check
/// fail-filter`). Shared by the engine's slow path and the I/O shell's fast path.
#[derive(Debug, Clone, Default)]
pub struct SubscriberFilters {
    pub input: Option<Arc<FilterInstance>>,
    pub output: Option<Arc<FilterInstance>>,
    pub rpf_fail: Option<Arc<FilterInstance>>,
    /// `rpf-check mode loose`: a source not the subscriber's goes on to the service
    /// interface, whose kernel loose check (rp_filter 2) drops a source with no route.
    pub rpf_loose: bool,
}

impl SubscriberFilters {
    /// What the input filter decides for `packet` (IPv4, from the subscriber) at `now` (its
    /// policers' time), counted.
    pub fn judge_input(&self, packet: &[u8], now: Instant) -> Judged {
        self.input
            .as_ref()
            .map_or(Judged::Pass, |f| f.judge(packet, now))
    }

    /// Whether `packet` (IPv4, from the subscriber, its source not the subscriber's) goes
    /// on: only when a fail filter passes it (Junos: without one, the failed packets are
    /// silently discarded). Its `reject` discards without an answer, to a source that is
    /// not the sender's. In loose mode it goes on to the kernel's loose check, which drops
    /// a source it has no route to (then the fail filter does not see it).
    pub fn passes_rpf_fail(&self, packet: &[u8], now: Instant) -> bool {
        self.rpf_loose
            || self
                .rpf_fail
                .as_ref()
                .is_some_and(|f| f.judge(packet, now) == Judged::Pass)
    }

    /// What the output filter decides for `packet` (IPv4, to the subscriber) at `now`,
    /// counted.
    pub fn judge_output(&self, packet: &[u8], now: Instant) -> Judged {
        self.output
            .as_ref()
            .map_or(Judged::Pass, |f| f.judge(packet, now))
    }
}

/// Two routes are equal when they hold the same instances (not equal filters).
impl PartialEq for SubscriberFilters {
    fn eq(&self, other: &Self) -> bool {
        let same = |a: &Option<Arc<FilterInstance>>, b: &Option<Arc<FilterInstance>>| match (a, b) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        same(&self.input, &other.input)
            && same(&self.output, &other.output)
            && same(&self.rpf_fail, &other.rpf_fail)
            && self.rpf_loose == other.rpf_loose
    }
}

impl Eq for SubscriberFilters {}
