//! A terminated subscriber's firewall filters (issue 16): the names its dynamic profile
//! gives (`family inet filter input / output`, `"$junos-input-filter"` filled from RADIUS
//! Ingress-Policy-Name), else its service interface's own `family inet filter` (`si-1/0/0`
//! unit 0, `pp0` unit 0), attached when it first asks for an address — before any of its IP
//! can flow — and released when it goes. A name no filter is configured under (RADIUS may
//! name any) is logged and applies no filter.

use schema::firewall_rpc::{
    FilterCounter, FilterInformation, FirewallCleared, FirewallInformation, FirewallSelect,
};
use schema::typed::RouterConfig;

use super::lac::SubscriberLayer;
use super::table::{FilterNames, Subscriber, SubscriberId};
use crate::firewall::{Direction, SubscriberFilters};

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
    }
}

impl SubscriberLayer {
    pub(super) fn attach_filters(&mut self, id: SubscriberId, config: &RouterConfig) {
        let Some(subscriber) = self.table.get(id) else {
            return;
        };
        if subscriber.filters.input.is_some() || subscriber.filters.output.is_some() {
            return;
        }
        let names = if subscriber.filter_names.is_empty() {
            subscriber
                .service
                .as_deref()
                .map(|s| static_filters(config, s))
                .unwrap_or_default()
        } else {
            subscriber.filter_names.clone()
        };
        if names.is_empty() {
            return;
        }
        let interface = super::views::interface_name(subscriber);
        let user = subscriber.user.clone().unwrap_or_default();
        let mut attach = |name: &Option<String>, direction| {
            let name = name.as_deref()?;
            let instance = self.firewall.attach(name, &interface, direction);
            if instance.is_none() {
                tracing::warn!("subscriber {user}: filter {name} is not configured; none applied");
            }
            instance
        };
        let filters = SubscriberFilters {
            input: attach(&names.input, Direction::Input),
            output: attach(&names.output, Direction::Output),
        };
        if let Some(subscriber) = self.table.get_mut(id) {
            subscriber.filters = filters;
        }
    }

    /// The subscriber is gone: its interface-specific filter instances go with it.
    pub(super) fn release_filters(&mut self, subscriber: &Subscriber) {
        for instance in [&subscriber.filters.input, &subscriber.filters.output]
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
