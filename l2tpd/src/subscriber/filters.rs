//! A terminated subscriber's firewall filters (issue 16): the names its dynamic profile
//! gives (`family inet filter input / output`, `"$junos-input-filter"` filled from RADIUS
//! Ingress-Policy-Name), else its service interface's own `family inet filter` (`si-1/0/0`
//! unit 0, `pp0` unit 0), attached when it first asks for an address — before any of its IP
//! can flow — and released when it goes; every commit gives the subscribers already up what
//! they would be given now (`refresh_filters`).
//!
//! Fail closed, as Junos: a name no filter is configured under (RADIUS may name any) fails
//! the subscriber's profile, so its login fails (`profile_flow`, and here should the filter
//! go between authentication and IPCP). A commit that would delete a filter subscribers hold
//! by RADIUS's name is refused (`filters_held_but_gone`); an apply that is not checked (the
//! automatic rollback of `commit confirmed`) leaves its holders the terms they have until
//! they log out, with a warning, while new logins naming it fail.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Instant;

use schema::firewall_rpc::{
    FilterCounter, FilterInformation, FilterPolicer, FirewallCleared, FirewallInformation,
    FirewallSelect,
};
use schema::typed::RouterConfig;

use super::decision::Refusal;
use super::lac::SubscriberLayer;
use super::table::{EndCause, FilterNames, Phase, Subscriber, SubscriberId};
use crate::firewall::{Direction, FilterInstance, Firewall, SubscriberFilters};

/// The service interface's `unit 0 family inet filter`: what applies to each subscriber on
/// it that its profile gives no filter.
fn static_filters(config: &RouterConfig, service: &str) -> FilterNames {
    let filters = config
        .interfaces
        .get(service)
        .and_then(|i| i.units.get(&0))
        .map(|u| u.filters.clone())
        .unwrap_or_default();
    FilterNames {
        input: filters.input,
        output: filters.output,
        // A static unit's `rpf-check` is not built (commit warns).
        rpf_fail: None,
        rpf_loose: false,
    }
}

/// The filter names that apply to `subscriber`: its profile's, else its service interface's.
fn wanted_names(subscriber: &Subscriber, config: &RouterConfig) -> FilterNames {
    if subscriber.filter_names.is_empty() {
        let names = subscriber
            .service
            .as_deref()
            .map(|s| static_filters(config, s))
            .unwrap_or_default();
        FilterNames {
            rpf_loose: subscriber.filter_names.rpf_loose,
            ..names
        }
    } else {
        subscriber.filter_names.clone()
    }
}

/// True when `held` is what `wanted` gives now: the same filter, not changed since — or
/// deleted since, kept by its holder until it logs out ([`kept_after_deletion`]) — or
/// nothing where nothing is configured under the name.
fn up_to_date(
    firewall: &Firewall,
    held: &Option<Arc<FilterInstance>>,
    wanted: Option<&str>,
) -> bool {
    match (held, wanted) {
        (Some(held), Some(wanted)) => {
            held.filter == wanted
                && (firewall.is_current(held) || kept_after_deletion(firewall, held))
        }
        (None, Some(wanted)) => !firewall.is_configured(wanted),
        (None, None) => true,
        (Some(_), None) => false,
    }
}

/// A filter an unchecked apply (the automatic rollback of `commit confirmed`) deleted while
/// this subscriber held it by its own name for it: the subscriber keeps the instance — its
/// compiled terms — rather than go unfiltered; no one new can take it.
fn kept_after_deletion(firewall: &Firewall, held: &Arc<FilterInstance>) -> bool {
    !firewall.is_configured(&held.filter)
}

/// The warning for a filter held after its deletion, naming it and its holders.
fn held_after_deletion(filter: &str, holders: usize) -> String {
    let subscribers = if holders == 1 {
        "1 subscriber keeps".to_string()
    } else {
        format!("{holders} subscribers keep")
    };
    format!(
        "filter {filter} is no longer configured: {subscribers} its last terms until they log \
         out; a new login naming it fails"
    )
}

impl SubscriberLayer {
    /// The first of `names` no filter is configured under.
    pub(super) fn unconfigured_filter<'n>(&self, names: &'n FilterNames) -> Option<&'n str> {
        [&names.input, &names.output, &names.rpf_fail]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .find(|name| !self.firewall.is_configured(name))
    }

    /// Attaches the subscriber's filters. False when one is not configured (deleted since
    /// the profile named it at authentication): the subscriber is refused and its link
    /// closes, as at a login naming it.
    pub(super) fn attach_filters(
        &mut self,
        now: Instant,
        id: SubscriberId,
        config: &RouterConfig,
    ) -> bool {
        let Some(subscriber) = self.table.get(id) else {
            return true;
        };
        let held = &subscriber.filters;
        if held.input.is_some() || held.output.is_some() || held.rpf_fail.is_some() {
            return true;
        }
        let names = wanted_names(subscriber, config);
        if let Some(filter) = self.unconfigured_filter(&names) {
            let user = subscriber.user.clone().unwrap_or_default();
            tracing::warn!("subscriber {user}: refused: filter {filter} is not configured");
            self.table.refused(Refusal::UnknownFilter);
            if let Some(subscriber) = self.table.get_mut(id) {
                subscriber.phase = Phase::Terminating;
                subscriber.end_cause = Some(EndCause::Refused);
                if let Some(link) = subscriber.link.as_mut() {
                    link.close(now);
                }
            }
            return false;
        }
        if names.is_empty() && !names.rpf_loose {
            return true;
        }
        let filters = self.resolve_filters(id, &names, &SubscriberFilters::default());
        if let Some(subscriber) = self.table.get_mut(id) {
            subscriber.filters = filters;
        }
        true
    }

    /// A commit changed the filters, or the interfaces that name them: every subscriber that
    /// holds its filters (one with an address) gets what it would be given now, at once —
    /// Junos applies a committed filter to every interface using it — in the subscriber
    /// table (the slow path) and in the IP fast path's entry. An operator's commit cannot
    /// delete a filter held (a configured reference fails the commit check, a RADIUS-named
    /// one held fails `filters_held_but_gone`); an automatic rollback can, and then its
    /// holders keep the terms they have until they log out ([`kept_after_deletion`]),
    /// logged with their count: the rollback must happen, and they must not go unfiltered.
    pub(super) fn refresh_filters(&mut self, config: &RouterConfig) {
        let mut kept: BTreeMap<String, usize> = BTreeMap::new();
        for id in self.table.ids() {
            let Some(subscriber) = self.table.get(id) else {
                continue;
            };
            if subscriber.lease.is_none() {
                continue;
            }
            let names = wanted_names(subscriber, config);
            let held = &subscriber.filters;
            let deleted: BTreeSet<&str> = [
                (&held.input, names.input.as_deref()),
                (&held.output, names.output.as_deref()),
                (&held.rpf_fail, names.rpf_fail.as_deref()),
            ]
            .into_iter()
            .filter_map(|(held, wanted)| {
                let held = held.as_ref()?;
                let kept = Some(held.filter.as_str()) == wanted
                    && kept_after_deletion(&self.firewall, held);
                kept.then_some(held.filter.as_str())
            })
            .collect();
            for filter in deleted {
                *kept.entry(filter.to_string()).or_default() += 1;
            }
            if up_to_date(&self.firewall, &held.input, names.input.as_deref())
                && up_to_date(&self.firewall, &held.output, names.output.as_deref())
                && up_to_date(&self.firewall, &held.rpf_fail, names.rpf_fail.as_deref())
                && held.rpf_loose == names.rpf_loose
            {
                continue;
            }
            let held = held.clone();
            let filters = self.resolve_filters(id, &names, &held);
            self.ip_relay.lock().set_filters(id, &filters);
            if let Some(subscriber) = self.table.get_mut(id) {
                subscriber.filters = filters;
            }
        }
        for (filter, holders) in kept {
            tracing::warn!("{}", held_after_deletion(&filter, holders));
        }
    }

    /// The instances of `names` for subscriber `id`: what it holds in `held` where that is
    /// up to date, a fresh attachment otherwise (the old one released).
    fn resolve_filters(
        &mut self,
        id: SubscriberId,
        names: &FilterNames,
        held: &SubscriberFilters,
    ) -> SubscriberFilters {
        let Some(subscriber) = self.table.get(id) else {
            return SubscriberFilters::default();
        };
        let interface = super::views::interface_name(subscriber);
        let user = subscriber.user.clone().unwrap_or_default();
        let firewall = &mut self.firewall;
        let mut resolve = |held: &Option<Arc<FilterInstance>>, name: &Option<String>, direction| {
            if up_to_date(firewall, held, name.as_deref()) {
                return held.clone();
            }
            if let Some(old) = held {
                firewall.release(old);
            }
            let name = name.as_deref()?;
            let instance = firewall.attach(name, &interface, direction);
            if instance.is_none() {
                // Only a service interface's own filter can get here (a configured
                // reference, checked at commit); a RADIUS name was checked at the login.
                tracing::warn!("subscriber {user}: filter {name} is not configured; none applied");
            }
            instance
        };
        SubscriberFilters {
            input: resolve(&held.input, &names.input, Direction::Input),
            output: resolve(&held.output, &names.output, Direction::Output),
            // The fail filter judges what the subscriber sends: an input instance.
            rpf_fail: resolve(&held.rpf_fail, &names.rpf_fail, Direction::Input),
            rpf_loose: names.rpf_loose,
        }
    }

    /// The filters a configuration whose filter names are `configured` would take from
    /// subscribers that hold them by a name of their own (RADIUS's, through the profile's
    /// `"$junos-input-filter"`), with how many subscribers hold each. A name a unit or a
    /// profile writes out cannot be deleted anyway (the commit check refuses it); one
    /// RADIUS gave can, and the commit check asks this so that a filter is not taken from
    /// subscribers logged in with it. One already gone from the running configuration (an
    /// automatic rollback took it; its holders keep it) is not the commit's doing, and does
    /// not hold up every later commit until they log out.
    pub fn filters_held_but_gone(&self, configured: &BTreeSet<String>) -> BTreeMap<String, usize> {
        let mut gone: BTreeMap<String, usize> = BTreeMap::new();
        for id in self.table.ids() {
            let Some(subscriber) = self.table.get(id) else {
                continue;
            };
            let own = &subscriber.filter_names;
            let held = [
                (&subscriber.filters.input, &own.input),
                (&subscriber.filters.output, &own.output),
                (&subscriber.filters.rpf_fail, &own.rpf_fail),
            ];
            let names: BTreeSet<&str> = held
                .into_iter()
                .filter_map(|(instance, own)| {
                    let name = instance.as_ref()?.filter.as_str();
                    let taken = self.firewall.is_configured(name) && !configured.contains(name);
                    (own.as_deref() == Some(name) && taken).then_some(name)
                })
                .collect();
            for name in names {
                *gone.entry(name.to_string()).or_default() += 1;
            }
        }
        gone
    }

    /// The subscriber is gone: its interface-specific filter instances go with it.
    pub(super) fn release_filters(&mut self, subscriber: &Subscriber) {
        let held = &subscriber.filters;
        for instance in [&held.input, &held.output, &held.rpf_fail]
            .into_iter()
            .flatten()
        {
            self.firewall.release(instance);
        }
    }
}

impl SubscriberLayer {
    /// `show firewall [filter NAME]`: every instance by name, or the one named; a name no
    /// instance has is an error.
    pub fn show_firewall(&self, select: &FirewallSelect) -> Result<FirewallInformation, String> {
        let instances = self.firewall.instances(select.filter.as_deref());
        if let (Some(name), true) = (&select.filter, instances.is_empty()) {
            return Err(format!("filter {name} not found"));
        }
        Ok(FirewallInformation {
            filters: instances
                .iter()
                .map(|i| FilterInformation {
                    filter_name: i.name.clone(),
                    counters: i
                        .counters()
                        .into_iter()
                        .map(|(name, count)| FilterCounter {
                            counter_name: name,
                            packet_count: count.packets,
                            byte_count: count.bytes,
                        })
                        .collect(),
                    policers: i
                        .policers()
                        .into_iter()
                        .map(|(name, count)| FilterPolicer {
                            policer_name: name,
                            packet_count: count.packets,
                            byte_count: count.bytes,
                        })
                        .collect(),
                })
                .collect(),
        })
    }

    /// `clear firewall all` / `clear firewall filter NAME`: the counters back to zero (the
    /// discards, a data drop cause, stay).
    pub fn clear_firewall(&self, select: &FirewallSelect) -> Result<FirewallCleared, String> {
        let instances = self.firewall.instances(select.filter.as_deref());
        if let (Some(name), true) = (&select.filter, instances.is_empty()) {
            return Err(format!("filter {name} not found"));
        }
        for instance in &instances {
            instance.clear();
        }
        Ok(FirewallCleared {
            filters: instances.iter().map(|i| i.name.clone()).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::held_after_deletion;

    #[test]
    fn the_warning_names_the_filter_and_counts_its_holders() {
        assert_eq!(
            held_after_deletion("NO-DNS", 1),
            "filter NO-DNS is no longer configured: 1 subscriber keeps its last terms until \
             they log out; a new login naming it fails"
        );
        assert!(held_after_deletion("OUT", 3).contains(": 3 subscribers keep its last terms"));
    }
}
