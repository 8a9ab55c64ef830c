//! What IF-MIB needs beyond one snapshot, sans-IO: each interface's ifIndex, given on first
//! sight and kept for the daemon's life (Junos keeps an interface's across commits; one
//! that goes and comes back gets its old number, and no number is given twice), when each
//! link last changed (ifLastChange), and which changes send linkUp / linkDown
//! (`interfaces IF (traps | no-traps)`).
//!
//! Subscriber interfaces (`interface-mib` in their dynamic profile) are numbered by the
//! subscriber layer from a range of their own ([`SUBSCRIBER_IF_INDEXES`]) and arrive
//! numbered: they are not in this map, which would otherwise grow with every login.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::time::{Duration, Instant};

use schema::typed::RouterConfig;

use super::snapshot::{oper_status, InterfaceRow};

/// The ifIndex values of subscriber interfaces (`subscriber::if_index_pool`): above those of
/// configured interfaces, which stop below it, up to InterfaceIndex's end (RFC 2863:
/// 1..2147483647). A walk sees the configured interfaces first, then the subscribers.
pub const SUBSCRIBER_IF_INDEXES: RangeInclusive<u32> = 1_000_000_000..=i32::MAX as u32;

/// A link that changed, for a linkUp or linkDown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkChange {
    pub if_index: u32,
    pub up: bool,
}

pub struct IfState {
    /// sysUpTime's zero: ifLastChange counts from here.
    started: Instant,
    numbers: HashMap<String, u32>,
    next: u32,
    /// Per interface: whether its link is up, and when it last changed.
    links: HashMap<String, (bool, Instant)>,
    /// `traps` / `no-traps` resolved per configured interface and unit.
    traps: HashMap<String, bool>,
    /// Each configured physical interface's units, by their names (`ge-0/0/0.100`).
    units: HashMap<String, Vec<String>>,
}

impl IfState {
    pub fn new(started: Instant) -> Self {
        IfState {
            started,
            numbers: HashMap::new(),
            next: 1,
            links: HashMap::new(),
            traps: HashMap::new(),
            units: HashMap::new(),
        }
    }

    /// Takes a commit's `interfaces`: which interfaces trap, and each one's units.
    pub fn apply(&mut self, config: &RouterConfig) {
        self.traps.clear();
        self.units.clear();
        for (name, interface) in &config.interfaces {
            // A disabled interface or unit stays down whatever its port's link does: it
            // has no link change to report.
            let traps = interface.link_traps() && !interface.disable;
            self.traps.insert(name.clone(), traps);
            let mut units = Vec::new();
            for (number, unit) in &interface.units {
                let unit_name = format!("{name}.{number}");
                let traps = unit.link_traps() && !interface.disable && !unit.disable;
                self.traps.insert(unit_name.clone(), traps);
                units.push(unit_name);
            }
            self.units.insert(name.clone(), units);
        }
    }

    /// The ifIndex of `name`: the one it was given, else the next never given.
    pub fn number(&mut self, name: &str) -> u32 {
        if let Some(&n) = self.numbers.get(name) {
            return n;
        }
        let n = self.next;
        // Configured interfaces stop below the subscribers' range; the daemon would need a
        // billion of them to reach it, after which the last number is shared.
        self.next = self
            .next
            .saturating_add(1)
            .min(SUBSCRIBER_IF_INDEXES.start() - 1);
        self.numbers.insert(name.to_string(), n);
        n
    }

    /// Fills in what the snapshot's rows leave to the SNMP side. Rows that arrive numbered
    /// are subscribers': they keep their number, send no link trap (a subscriber unit's
    /// default, and `no-traps` is all a dynamic profile may say) and have no link history.
    pub fn annotate(&mut self, rows: &mut [InterfaceRow]) {
        for row in rows {
            if row.if_index != 0 {
                row.link_traps = false;
                continue;
            }
            row.if_index = self.number(&row.name);
            row.link_traps = self.traps_on(&row.name);
            row.last_change = self
                .links
                .get(&row.name)
                .map_or(Duration::ZERO, |&(_, at)| {
                    at.saturating_duration_since(self.started)
                });
        }
    }

    /// Port `port`'s link went up or down at `now`: its state and that of its units (which
    /// follow it) change; those that trap are returned, the port first.
    pub fn link(&mut self, port: &str, up: bool, now: Instant) -> Vec<LinkChange> {
        let mut names = vec![port.to_string()];
        names.extend(self.units.get(port).into_iter().flatten().cloned());
        let mut changes = Vec::new();
        for name in names {
            if self
                .links
                .get(&name)
                .is_some_and(|&(was_up, _)| was_up == up)
            {
                continue;
            }
            self.links.insert(name.clone(), (up, now));
            if self.traps_on(&name) {
                changes.push(LinkChange {
                    if_index: self.number(&name),
                    up,
                });
            }
        }
        changes
    }

    /// Whether `name` traps: as configured, else on for a physical interface (`pp0`, a
    /// tunnel group's `si-`) and off for a unit, as Junos defaults.
    fn traps_on(&self, name: &str) -> bool {
        self.traps.get(name).copied().unwrap_or(!name.contains('.'))
    }
}

/// ifOperStatus of a link that is or is not up.
pub fn oper_of(up: bool) -> i32 {
    if up {
        oper_status::UP
    } else {
        oper_status::DOWN
    }
}

#[cfg(test)]
#[path = "if_state_tests.rs"]
mod tests;
