//! `[edit protocols pppoe service-name-tables]` as typed settings.

use super::view::View;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The Service-Name a `service` entry matches.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServiceName {
    /// `any`: every Service-Name no other entry of the table matches.
    Any,
    /// `empty`: the zero-length Service-Name (RFC 2516: "any service is acceptable").
    Empty,
    Named(String),
}

impl ServiceName {
    /// The configuration key: `any` and `empty` are the keywords, anything else a name.
    pub fn from_key(key: &str) -> ServiceName {
        match key {
            "any" => ServiceName::Any,
            "empty" => ServiceName::Empty,
            name => ServiceName::Named(name.to_string()),
        }
    }
}

impl std::fmt::Display for ServiceName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServiceName::Any => f.write_str("any"),
            ServiceName::Empty => f.write_str("empty"),
            ServiceName::Named(name) => f.write_str(name),
        }
    }
}

/// `terminate | drop | delay N`: what the access concentrator does with a PADI naming the
/// service.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServiceAction {
    /// Answer with a PADO (Junos' default).
    #[default]
    Terminate,
    /// Stay silent.
    Drop,
    /// Answer after this many seconds, so that another concentrator answers first.
    Delay(u8),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PppoeService {
    pub name: ServiceName,
    pub action: ServiceAction,
    pub max_sessions: Option<u32>,
    pub dynamic_profile: Option<String>,
    pub routing_instance: Option<String>,
}

/// One `service-name-tables TABLE`: its services in configuration order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceNameTable {
    pub services: Vec<PppoeService>,
}

impl ServiceNameTable {
    /// The entry that decides a PADI's Service-Name: an exact name, else `empty` for the
    /// zero-length name, else `any`.
    pub fn lookup(&self, service_name: &str) -> Option<&PppoeService> {
        let find = |wanted: &ServiceName| self.services.iter().find(|s| &s.name == wanted);
        let exact = if service_name.is_empty() {
            ServiceName::Empty
        } else {
            ServiceName::Named(service_name.to_string())
        };
        find(&exact).or_else(|| find(&ServiceName::Any))
    }
}

/// The service's own `terminate | drop | delay N` (an older stored `action { ... }` is
/// rewritten to it as the store reads it: `upgrade::stored_tree`).
fn action(service: View<'_>) -> ServiceAction {
    if let Some(seconds) = service.uint("delay") {
        ServiceAction::Delay(seconds)
    } else if service.flag("drop") {
        ServiceAction::Drop
    } else {
        ServiceAction::Terminate
    }
}

pub(super) fn service_name_tables(pppoe: View<'_>) -> BTreeMap<String, ServiceNameTable> {
    pppoe
        .entries("service-name-tables")
        .map(|(table, t)| {
            let services = t
                .entries("service")
                .map(|(key, s)| PppoeService {
                    name: ServiceName::from_key(key),
                    action: action(s),
                    max_sessions: s.uint("max-sessions"),
                    dynamic_profile: s.string("dynamic-profile"),
                    routing_instance: s.string("routing-instance"),
                })
                .collect();
            (table.to_string(), ServiceNameTable { services })
        })
        .collect()
}
