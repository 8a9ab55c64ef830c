//! Static PPPoE subscriber interfaces (Juniper, "Configuring a PPPoE Server Interface"): each
//! `interfaces pp0 unit N` with `pppoe-options { underlying-interface IFL; server; }` carries
//! one PPPoE session on that underlying unit at a time. The static units of one underlying
//! unit are its pool (Juniper: "the general pool of static interfaces associated with the
//! PPPoE underlying interface"): a session takes the lowest free one, and the underlying
//! unit's discovery server answers no PADI while every one is taken (`PppoeAccess`
//! caps its sessions at the pool's size, and counts the PADIs it leaves unanswered).
//!
//! The session's PPP — authentication protocols, MRU and MTU, keepalives, the router's own
//! IPCP address (`unnumbered-address`) — comes from the unit, as a dynamic subscriber's comes
//! from its profile; from there on it is an ordinary subscriber, shown and accounted as
//! `pp0.N`. A commit that deletes, disables or changes a busy unit logs its subscriber out
//! (our choice: Juniper does not say what a change does to a static unit's session).

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use schema::typed::{donor_address, RouterConfig, StaticPppoe};

use super::dynamic_profile::{FilterNames, Instance};
use super::table::SubscriberId;
use crate::ppp::wire::options::AuthProtocol;

/// The static units of each underlying unit (`ge-0/0/1.100`), lowest first: those of an
/// enabled `pp0` that are themselves enabled and say `server` (the commit requires it).
pub fn by_underlying(config: &RouterConfig) -> BTreeMap<String, Vec<u16>> {
    let mut pools: BTreeMap<String, Vec<u16>> = BTreeMap::new();
    let Some(pp0) = config.interfaces.get(super::interface_views::PPPOE_DEVICE) else {
        return pools;
    };
    for (number, unit) in pp0.enabled_units() {
        if let Some(pppoe) = unit.static_pppoe.as_ref().filter(|p| p.server) {
            pools
                .entry(pppoe.underlying_unit())
                .or_default()
                .push(*number);
        }
    }
    pools
}

/// What a session on an underlying unit gets.
#[derive(Debug, PartialEq, Eq)]
pub enum Take {
    /// The unit has no static pp0 units: its sessions are dynamic.
    NotStatic,
    /// This static unit, now held by the subscriber.
    Held(u16),
    /// Every static unit is taken (the discovery server's cap should have kept it out).
    Busy,
}

#[derive(Debug, Default)]
pub struct StaticPppoeUnits {
    pools: BTreeMap<String, Vec<u16>>,
    /// Each configured unit's settings, to tell a changed unit at a commit.
    settings: BTreeMap<u16, StaticPppoe>,
    /// The subscriber on each busy unit.
    held: HashMap<u16, SubscriberId>,
}

impl StaticPppoeUnits {
    /// A commit: the subscribers whose unit is gone, disabled or changed, to be logged out
    /// (their units are free from now on).
    pub fn configure(&mut self, config: &RouterConfig) -> Vec<SubscriberId> {
        self.pools = by_underlying(config);
        let settings: BTreeMap<u16, StaticPppoe> = self
            .pools
            .values()
            .flatten()
            .filter_map(|n| Some((*n, static_unit(config, *n)?.clone())))
            .collect();
        let mut gone = Vec::new();
        self.held.retain(|unit, id| {
            let same = settings
                .get(unit)
                .is_some_and(|now| self.settings.get(unit) == Some(now));
            if !same {
                gone.push(*id);
            }
            same
        });
        self.settings = settings;
        gone
    }

    /// A session came up on `underlying`: the lowest free static unit, if it has any.
    pub fn take(&mut self, underlying: &str, id: SubscriberId) -> Take {
        let Some(pool) = self.pools.get(underlying) else {
            return Take::NotStatic;
        };
        match pool.iter().find(|n| !self.held.contains_key(n)) {
            Some(&unit) => {
                self.held.insert(unit, id);
                Take::Held(unit)
            }
            None => Take::Busy,
        }
    }

    /// The subscriber on `unit` ended.
    pub fn release(&mut self, unit: u16, id: SubscriberId) {
        if self.held.get(&unit) == Some(&id) {
            self.held.remove(&unit);
        }
    }

    /// What the unit gives its subscriber, as a dynamic profile's instance would.
    pub fn instance(&self, config: &RouterConfig, unit: u16) -> Option<Instance> {
        let pppoe = self.settings.get(&unit)?;
        let authentication = (!pppoe.ppp.authentication.is_empty()).then(|| {
            pppoe
                .ppp
                .authentication
                .iter()
                .filter_map(|p| match p.as_str() {
                    "chap" => Some(AuthProtocol::ChapMd5),
                    "pap" => Some(AuthProtocol::Pap),
                    _ => None,
                })
                .collect()
        });
        // The router's IPCP address: the unnumbered donor's (the commit checked it), else
        // the unit's own `family inet address` (its primary, else its lowest), else the
        // pool's gateway.
        let own = format!("{}.{unit}", super::interface_views::PPPOE_DEVICE);
        let local_address = match pppoe.unnumbered_address.as_deref() {
            Some(donor) => {
                donor_address(&config.interfaces, donor, pppoe.preferred_source_address).ok()
            }
            None => donor_address(&config.interfaces, &own, None).ok(),
        };
        Some(Instance {
            profile: String::new(),
            interface: own,
            routing_instance: None,
            keepalive: pppoe
                .keepalive_interval
                .map(|s| Duration::from_secs(u64::from(s))),
            keepalive_failures: pppoe.keepalive_down_count.map(u32::from),
            authentication,
            mru: pppoe.ppp.mru,
            mtu: pppoe.ppp.mtu,
            ipcp_suggest_dns: pppoe.ppp.ipcp_suggest_dns,
            chap_challenge_length: pppoe.ppp.chap_challenge_length,
            local_address,
            peer_address: pppoe.destination,
            filters: FilterNames::default(),
            interface_mib: false,
        })
    }
}

fn static_unit(config: &RouterConfig, number: u16) -> Option<&StaticPppoe> {
    config
        .interfaces
        .get(super::interface_views::PPPOE_DEVICE)?
        .units
        .get(&number)?
        .static_pppoe
        .as_ref()
}
