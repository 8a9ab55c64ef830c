//! The SNMP statistics poller and snapshot on the engine task: the only SNMP work the L2TP
//! engine's thread does, both bounded (1,000 sessions per poll, one snapshot per second).

use std::time::{Instant, SystemTime};

use crate::registry::Registry;
use crate::snmp::poller::Poller;
use crate::snmp::snapshot::SnmpSnapshot;

/// One poll of the statistics poller, then the cache is pruned of sessions that ended.
pub(super) fn poll(poller: &mut Poller, registry: &Registry, now: Instant) {
    let copied = poller.handle_timeout(now, registry);
    if copied > 0 {
        poller.retain(|key, call| registry.carries_call(key, call));
    }
}

pub(super) fn snapshot(registry: &Registry, poller: &Poller) -> SnmpSnapshot {
    registry.snmp_snapshot(Instant::now(), SystemTime::now(), poller)
}
