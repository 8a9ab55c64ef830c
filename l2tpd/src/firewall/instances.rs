//! The filter instances subscribers hold, and what `show firewall` / `clear firewall` read.
//!
//! Junos: a filter applied to several interfaces is one instance whose counters count for
//! all of them, unless it is `interface-specific`: then each interface and direction gets
//! its own instance, named `F-<interface>-i` (input) or `-o` (output), whose counters are
//! named `C-<interface>-i` / `-o`. A subscriber's instance goes when the subscriber does. A
//! changed or deleted filter's instances are retired at the commit; no holder is then
//! current ([`Firewall::is_current`]), and the subscriber layer attaches afresh.
//!
//! Owned by the engine (the subscriber layer); the data path holds only `Arc`s of
//! instances and counts through them without a lock ([`super::counters`]).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use schema::typed::{FirewallFilter, RouterConfig};

use super::counters::{Count, FilterCounters};
use super::matcher::CompiledFilter;
use super::policer::TokenBucket;
use super::Judged;

/// Which way the packets cross the subscriber's interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From the subscriber (L2TP → service interface at the LNS): `filter input`.
    Input,
    /// To the subscriber: `filter output`.
    Output,
}

impl Direction {
    fn suffix(self) -> &'static str {
        match self {
            Direction::Input => "i",
            Direction::Output => "o",
        }
    }
}

/// One filter instance: the compiled filter and its counters.
#[derive(Debug)]
pub struct FilterInstance {
    /// As `show firewall` names it: `F`, or `F-si-1/0/0.5-i`.
    pub name: String,
    /// The configured filter (`F`).
    pub filter: String,
    compiled: Arc<CompiledFilter>,
    counter_names: Vec<String>,
    counters: FilterCounters,
    /// The instance's own policers (so an `interface-specific` filter gives each
    /// subscriber and direction its own bucket), named as `show firewall` lists them:
    /// `P-T`, `P-T-pp0.5-i`.
    policers: Box<[(String, TokenBucket)]>,
}

impl FilterInstance {
    fn new(filter: &str, compiled: Arc<CompiledFilter>, specific: Option<&str>) -> Self {
        let named = |c: &String| match specific {
            Some(suffix) => format!("{c}-{suffix}"),
            None => c.clone(),
        };
        let counter_names = compiled.counters().iter().map(named).collect();
        let policers = compiled
            .policers()
            .iter()
            .map(|(name, policer)| (named(name), TokenBucket::new(policer)))
            .collect();
        FilterInstance {
            name: match specific {
                Some(suffix) => format!("{filter}-{suffix}"),
                None => filter.to_string(),
            },
            filter: filter.to_string(),
            counters: FilterCounters::new(compiled.counters().len()),
            compiled,
            counter_names,
            policers,
        }
    }

    /// Evaluates the IPv4 packet `packet` at `now` (for its term's policer) and counts it (a
    /// rejected packet is a discard too, as Junos counts it; so is one a policer found out
    /// of profile, counted by the policer and not by the term's `count`).
    pub fn judge(&self, packet: &[u8], now: Instant) -> Judged {
        let verdict = self.compiled.evaluate(packet);
        let bytes = packet.len() as u64;
        let policed = verdict.policer.and_then(|p| self.policers.get(p));
        if policed.is_some_and(|(_, bucket)| !bucket.conform(now, bytes)) {
            self.counters.discard(bytes);
            return Judged::Discard;
        }
        if let Some(counter) = verdict.counter {
            self.counters.count(counter, bytes);
        }
        if verdict.accept {
            return Judged::Pass;
        }
        self.counters.discard(bytes);
        verdict.reject.map_or(Judged::Discard, Judged::Reject)
    }

    /// [`FilterInstance::judge`]: true when the packet may pass.
    pub fn accepts(&self, packet: &[u8], now: Instant) -> bool {
        self.judge(packet, now) == Judged::Pass
    }

    /// The policers and what each found out of profile, as `show firewall` lists them.
    pub fn policers(&self) -> Vec<(String, Count)> {
        self.policers
            .iter()
            .map(|(name, bucket)| (name.clone(), bucket.out_of_profile()))
            .collect()
    }

    /// The named counters, as `show firewall` lists them.
    pub fn counters(&self) -> Vec<(String, Count)> {
        self.counter_names
            .iter()
            .cloned()
            .zip(self.counters.totals())
            .collect()
    }

    /// Packets the filter discarded, since it was made.
    pub fn discarded(&self) -> u64 {
        self.counters.discarded().packets
    }

    pub fn clear(&self) {
        self.counters.clear();
        for (_, bucket) in self.policers.iter() {
            bucket.clear();
        }
    }
}

/// The filters of the committed configuration and their instances.
#[derive(Debug, Default)]
pub struct Firewall {
    /// Configured filters, compiled.
    filters: BTreeMap<String, (FirewallFilter, Arc<CompiledFilter>)>,
    /// The one instance of each filter that is not interface-specific, by filter name.
    shared: BTreeMap<String, Arc<FilterInstance>>,
    /// Interface-specific instances in use, by instance name.
    specific: BTreeMap<String, Arc<FilterInstance>>,
    /// Discards of instances that are gone (a filter changed or removed, a subscriber left).
    discarded_gone: u64,
}

impl Firewall {
    /// Takes the committed filters, as Junos re-installs a changed filter on every interface
    /// that uses it: an unchanged filter keeps its instances and counters; a changed or
    /// deleted one loses them all (shared and interface-specific), so that no holder is
    /// current any more ([`Firewall::is_current`]) and the subscriber layer attaches the new
    /// one (`subscriber::filters`), whose counters start from zero.
    pub fn configure(&mut self, config: &RouterConfig) {
        let mut filters = BTreeMap::new();
        for (name, filter) in &config.firewall_filters {
            let compiled = match self.filters.remove(name) {
                Some((old, compiled)) if old == *filter => compiled,
                old => {
                    if old.is_some() {
                        self.retire(name);
                    }
                    Arc::new(CompiledFilter::new(filter))
                }
            };
            if !filter.interface_specific && !self.shared.contains_key(name) {
                let instance = FilterInstance::new(name, Arc::clone(&compiled), None);
                self.shared.insert(name.clone(), Arc::new(instance));
            }
            filters.insert(name.clone(), (filter.clone(), compiled));
        }
        for deleted in std::mem::take(&mut self.filters).into_keys() {
            self.retire(&deleted);
        }
        self.filters = filters;
    }

    /// Filter `name` changed or went: its instances leave the views, their discards kept.
    fn retire(&mut self, name: &str) {
        if let Some(gone) = self.shared.remove(name) {
            self.discarded_gone += gone.discarded();
        }
        let specific = std::mem::take(&mut self.specific);
        for (instance_name, instance) in specific {
            if instance.filter == name {
                self.discarded_gone += instance.discarded();
            } else {
                self.specific.insert(instance_name, instance);
            }
        }
    }

    /// True when filter `name` is configured.
    pub fn is_configured(&self, name: &str) -> bool {
        self.filters.contains_key(name)
    }

    /// True when `instance` is the one its filter has now: the filter did not change or go
    /// since it was attached.
    pub fn is_current(&self, instance: &Arc<FilterInstance>) -> bool {
        self.shared
            .get(&instance.name)
            .or_else(|| self.specific.get(&instance.name))
            .is_some_and(|i| Arc::ptr_eq(i, instance))
    }

    /// The instance of filter `name` for `interface` (`si-1/0/0.5`) in `direction`; `None`
    /// when no such filter is configured.
    pub fn attach(
        &mut self,
        name: &str,
        interface: &str,
        direction: Direction,
    ) -> Option<Arc<FilterInstance>> {
        let (filter, compiled) = self.filters.get(name)?;
        if !filter.interface_specific {
            return self.shared.get(name).cloned();
        }
        let suffix = format!("{interface}-{}", direction.suffix());
        let instance = Arc::new(FilterInstance::new(
            name,
            Arc::clone(compiled),
            Some(&suffix),
        ));
        if let Some(old) = self
            .specific
            .insert(instance.name.clone(), Arc::clone(&instance))
        {
            self.discarded_gone += old.discarded();
        }
        Some(instance)
    }

    /// A subscriber that held `instance` is gone: an interface-specific instance goes too.
    pub fn release(&mut self, instance: &Arc<FilterInstance>) {
        let ours = self
            .specific
            .get(&instance.name)
            .is_some_and(|i| Arc::ptr_eq(i, instance));
        if ours {
            self.specific.remove(&instance.name);
            self.discarded_gone += instance.discarded();
        }
    }

    /// Every instance, by name (`show firewall`), or the one named `name`.
    pub fn instances(&self, name: Option<&str>) -> Vec<Arc<FilterInstance>> {
        let mut all: Vec<Arc<FilterInstance>> = self
            .shared
            .values()
            .chain(self.specific.values())
            .filter(|i| name.is_none_or(|n| i.name == n))
            .cloned()
            .collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all
    }

    /// Packets every filter discarded since the daemon started: a data drop cause.
    pub fn discarded(&self) -> u64 {
        self.shared
            .values()
            .chain(self.specific.values())
            .map(|i| i.discarded())
            .fold(self.discarded_gone, u64::wrapping_add)
    }
}

#[cfg(test)]
#[path = "policed_tests.rs"]
mod policed_tests;
#[cfg(test)]
#[path = "instances_tests.rs"]
mod tests;
