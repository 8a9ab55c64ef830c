//! The dynamic profile's second step (`dynamic_profile`): the subscriber has authenticated
//! (or, at the LAC, is about to be tunnelled), and its profile is built again with what the
//! Access-Accept gave — Junos instantiates the profile's network part only then. The
//! routing instance, the router's own IPCP address and the access routes (`access_routes`)
//! come from it; a `mandatory` variable RADIUS did not give, or a filter RADIUS named that is
//! not configured, refuses the subscriber, counted with the other refusals and logged.

use std::time::Instant;

use schema::typed::RouterConfig;

use super::access_routes;
use super::decision::Refusal;
use super::dynamic_profile::{instantiate, values, SubscriberFacts};
use super::lac::SubscriberLayer;
use super::table::{AccessLeg, SubscriberId};
use crate::registry::interface;

impl SubscriberLayer {
    /// False when the profile refused the subscriber (its failure is on its way).
    pub(super) fn profile_network_step(
        &mut self,
        now: Instant,
        id: SubscriberId,
        config: &RouterConfig,
    ) -> bool {
        let Some(subscriber) = self.table.get(id) else {
            return true;
        };
        let Some(name) = subscriber.dynamic_profile.as_deref() else {
            return true;
        };
        let name_of_interface = super::views::interface_name(subscriber);
        let ifd = name_of_interface
            .rsplit_once('.')
            .map_or(name_of_interface.as_str(), |(ifd, _)| ifd);
        let (underlying, vlans) = match &subscriber.access {
            AccessLeg::Pppoe {
                underlying, vlans, ..
            } => (Some(underlying.as_str()), vlans.as_slice()),
            _ => (None, &[][..]),
        };
        let facts = SubscriberFacts {
            ifd,
            unit: subscriber
                .static_unit
                .map_or_else(|| interface::unit(id), u32::from),
            underlying,
            vlans,
            routing_instance: subscriber.routing_instance.as_deref(),
            address: None,
            grant: subscriber.aaa.as_deref(),
            authenticated: true,
            ignore: subscriber
                .access_profile(config)
                .map(|p| p.radius_ignore)
                .unwrap_or_default(),
        };
        let user = subscriber.user.clone().unwrap_or_default();
        let routes = config.dynamic_profiles.get(name).map(|profile| {
            let framed = facts.grant.map_or(&[][..], |g| g.framed_routes.as_slice());
            access_routes::instantiate(name, profile, &values(profile, &facts), framed)
        });
        let result = instantiate(config, name, &facts);
        if let Some(routes) = routes {
            for why in &routes.not_used {
                tracing::warn!("subscriber {user}: {why}");
            }
            if let Some(subscriber) = self.table.get_mut(id) {
                if let Some(grant) = subscriber.aaa.as_deref_mut() {
                    grant.ignored.extend(routes.not_used);
                }
                subscriber.access_routes = Some(routes.routes);
            }
        }
        match result {
            Ok(instance) => {
                // Junos: a filter the profile cannot attach fails the profile, so the login
                // fails — never a subscriber up without the filter RADIUS meant for it.
                if let Some(filter) = self.unconfigured_filter(&instance.filters) {
                    tracing::warn!(
                        "subscriber {user}: refused: dynamic profile {}: filter {filter} \
                         (named by RADIUS) is not configured",
                        instance.profile
                    );
                    self.refuse(now, id, Refusal::UnknownFilter);
                    return false;
                }
                if let Some(subscriber) = self.table.get_mut(id) {
                    if let Some(named) = instance.routing_instance {
                        subscriber.routing_instance = (named != "default").then_some(named);
                    }
                    subscriber.local_address = instance.local_address;
                    subscriber.ipcp_suggest_dns = instance.ipcp_suggest_dns;
                    subscriber.filter_names = instance.filters;
                }
                true
            }
            Err(why) if why.refuses => {
                tracing::info!("subscriber {user}: refused: {why}");
                self.refuse(now, id, Refusal::DynamicProfile);
                false
            }
            Err(why) => {
                // As at the link step: the subscriber goes on without the profile's network
                // part, and the operator reads why.
                tracing::warn!("subscriber {user}: {why}");
                true
            }
        }
    }
}
