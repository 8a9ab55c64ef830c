//! `show firewall [filter NAME]` and `clear firewall (all | filter NAME)`: the filter
//! instances' counters, in Junos' reply shape (`firewall-information` / `filter-information`
//! / `counter` with `counter-name`, `packet-count`, `byte-count`, and `policer` with
//! `policer-name` and the same counts).

use serde::{Deserialize, Serialize};

/// Which filter instance: all when `None`. An interface-specific filter's instances are
/// named `F-<interface>-i` / `-o`, as `show firewall` lists them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirewallSelect {
    pub filter: Option<String>,
}

/// `get-firewall-information` → `firewall-information`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirewallInformation {
    #[serde(rename = "filter-information")]
    pub filters: Vec<FilterInformation>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct FilterInformation {
    pub filter_name: String,
    #[serde(rename = "counter")]
    pub counters: Vec<FilterCounter>,
    /// The instance's policers and what each discarded (`policer` / `policer-name`,
    /// Junos' element names).
    #[serde(rename = "policer", default, skip_serializing_if = "Vec::is_empty")]
    pub policers: Vec<FilterPolicer>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct FilterPolicer {
    pub policer_name: String,
    /// Packets and bytes found out of profile (discarded).
    pub packet_count: u64,
    pub byte_count: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct FilterCounter {
    pub counter_name: String,
    pub packet_count: u64,
    pub byte_count: u64,
}

/// What `clear firewall` cleared: the instances whose counters are now zero.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirewallCleared {
    pub filters: Vec<String>,
}

/// The Junos reply root of `show firewall` (`| display xml` / `| display json`).
pub const FIREWALL_ROOT: &str = "firewall-information";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reply_has_junos_element_names() {
        let reply = FirewallInformation {
            filters: vec![FilterInformation {
                filter_name: "F".into(),
                counters: vec![FilterCounter {
                    counter_name: "c".into(),
                    packet_count: 1,
                    byte_count: 84,
                }],
                policers: vec![FilterPolicer {
                    policer_name: "p-1".into(),
                    packet_count: 2,
                    byte_count: 1000,
                }],
            }],
        };
        let json = serde_json::to_string(&reply).expect("encodes");
        assert_eq!(
            json,
            r#"{"filter-information":[{"filter-name":"F","counter":[{"counter-name":"c","packet-count":1,"byte-count":84}],"policer":[{"policer-name":"p-1","packet-count":2,"byte-count":1000}]}]}"#
        );
    }
}
