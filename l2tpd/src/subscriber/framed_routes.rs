//! RADIUS Framed-Route (RFC 2865 §5.22) for a subscriber whose PPP ends here: the prefixes
//! the Accept routes to it, installed through its dynamic profile's access routes
//! (`access_routes`), or as RADIUS gave them when it has no profile. While its IPCP is up, packets from a service interface to one of
//! them go down its session (the longest prefix wins; an address a subscriber holds beats
//! every prefix), its packets from inside them are not spoofed, and the kernel has a route
//! for each on the subscriber's service interface (the engine reconciles the device's
//! routes with [`SubscriberLayer::framed_routes_by_service`] when
//! [`SubscriberLayer::take_routes_changed`] says so).
//!
//! Two subscribers given the same prefix: the later one has it, and the earlier one's end
//! does not take it away.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::sync::Arc;

use super::access_routes::AccessRoute;
use super::lac::SubscriberLayer;
use super::table::{Subscriber, SubscriberId};
use crate::io::prefix_table::Prefix;

/// The routes installed for `subscriber`: its dynamic profile's access routes, or without a
/// profile the Framed-Routes RADIUS gave (`access_routes` says why).
pub(super) fn installed_routes(subscriber: &Subscriber) -> Vec<AccessRoute> {
    match &subscriber.access_routes {
        Some(routes) => routes.clone(),
        None => subscriber
            .aaa
            .as_deref()
            .map(|g| {
                g.framed_routes
                    .iter()
                    .map(AccessRoute::from_framed)
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// The prefixes routed to `subscriber`.
pub(super) fn routed_prefixes(subscriber: &Subscriber) -> Vec<Prefix> {
    installed_routes(subscriber)
        .iter()
        .map(|r| r.prefix)
        .collect()
}

/// Whether `source` is `subscriber`'s: its address, or inside a prefix routed to it.
pub(super) fn sends_from_its_own(
    subscriber: &Subscriber,
    address: Ipv4Addr,
    source: Ipv4Addr,
) -> bool {
    if source == address {
        return true;
    }
    match &subscriber.access_routes {
        Some(routes) => routes.iter().any(|r| r.prefix.contains(source)),
        None => subscriber
            .aaa
            .as_deref()
            .is_some_and(|g| g.framed_routes.iter().any(|r| r.prefix.contains(source))),
    }
}

impl SubscriberLayer {
    /// IPCP is up: `id`'s prefixes lead to it.
    pub(super) fn install_framed_routes(&mut self, id: SubscriberId) {
        let Some(subscriber) = self.table.get(id) else {
            return;
        };
        let prefixes = routed_prefixes(subscriber);
        for prefix in &prefixes {
            self.lns.by_prefix.insert(*prefix, id);
        }
        self.lns.routes_changed |= !prefixes.is_empty();
    }

    /// `subscriber` is going: its prefixes no longer lead anywhere (unless another
    /// subscriber has taken one since).
    pub(super) fn remove_framed_routes(&mut self, subscriber: &Subscriber) {
        for prefix in routed_prefixes(subscriber) {
            if self.lns.by_prefix.get(prefix) == Some(&subscriber.id) {
                self.lns.by_prefix.remove(prefix);
                self.lns.routes_changed = true;
            }
        }
    }

    /// The subscriber a packet to `destination` goes to: who holds the address, else whose
    /// routed prefix holds it.
    pub(super) fn subscriber_for(&self, destination: Ipv4Addr) -> Option<SubscriberId> {
        self.lns
            .by_address
            .get(&destination)
            .or_else(|| self.lns.by_prefix.lookup(destination))
            .copied()
    }

    /// Whether the routed prefixes changed since the last call.
    pub fn take_routes_changed(&mut self) -> bool {
        std::mem::take(&mut self.lns.routes_changed)
    }

    /// Every routed prefix, by the service interface its subscriber's packets leave by: the
    /// kernel routes each there.
    pub fn framed_routes_by_service(&self) -> BTreeMap<Arc<str>, Vec<Prefix>> {
        let mut routes: BTreeMap<Arc<str>, Vec<Prefix>> = BTreeMap::new();
        for (prefix, id) in self.lns.by_prefix.iter() {
            let Some(service) = self.table.get(*id).and_then(|s| s.service.clone()) else {
                continue;
            };
            routes.entry(service).or_default().push(*prefix);
        }
        for prefixes in routes.values_mut() {
            prefixes.sort_unstable();
        }
        routes
    }
}
