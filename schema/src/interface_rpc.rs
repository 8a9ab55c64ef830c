//! `show interfaces [NAME] [terse | brief | detail | extensive]` for the subscriber
//! interfaces, and `clear network-access aaa subscriber (username U | session-id N)`, as
//! typed requests and replies. As in [`crate::subscriber_rpc`], field names are Junos'
//! element names in kebab-case as best known (`interface-information`,
//! `physical-interface`, `logical-interface`, `traffic-statistics`), nothing is
//! preformatted and states are words the shell capitalises.
//!
//! The interfaces are the dynamic ones a subscriber gets: `pp0.N` at the LAC (one per PPPoE
//! session, under the physical `pp0`) and `si-X/Y/Z.N` at the LNS (one per L2TP session,
//! under the tunnel group's `service-interface si-X/Y/Z`).

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::subscriber_rpc::{MacAddress, SubscriberState};

/// How much `show interfaces` prints. `Default` is Junos' level "none" (no keyword).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InterfaceLevel {
    #[default]
    Default,
    Terse,
    Brief,
    Detail,
    Extensive,
}

/// `show interfaces [NAME] [LEVEL]`: every subscriber interface, or the one named (a
/// physical `pp0` / `si-X/Y/Z`, or one unit `pp0.N` / `si-X/Y/Z.N`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct InterfaceShow {
    pub name: Option<String>,
    pub level: InterfaceLevel,
}

/// Packets and bytes through an interface, from the router's side: `input` is what the
/// subscriber sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct TrafficStatistics {
    pub input_bytes: u64,
    pub input_packets: u64,
    pub output_bytes: u64,
    pub output_packets: u64,
}

impl TrafficStatistics {
    pub fn add(&mut self, other: &TrafficStatistics) {
        self.input_bytes = self.input_bytes.saturating_add(other.input_bytes);
        self.input_packets = self.input_packets.saturating_add(other.input_packets);
        self.output_bytes = self.output_bytes.saturating_add(other.output_bytes);
        self.output_packets = self.output_packets.saturating_add(other.output_packets);
    }
}

/// IP packets the LNS dropped instead of forwarding between subscribers and its service
/// interfaces. The LNS counts them once for the router, so every `si-` interface shows the
/// same totals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ServiceInterfaceDrops {
    /// From a subscriber with a source address other than its own (both paths).
    pub spoofed_source: u64,
    /// For an address no subscriber holds, or from one whose IPCP is not up.
    pub no_subscriber: u64,
    /// Not IPv4, or too short to be one.
    pub malformed: u64,
    /// The tunnel group names no `service-interface`.
    pub no_service_interface: u64,
    /// Discarded by a subscriber's firewall filter, input or output (both paths).
    #[serde(default)]
    pub filtered: u64,
}

/// A unit's address family: on the LNS `inet` with our address (`local`) and the
/// subscriber's (`destination`), as a point-to-point Junos unit shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AddressFamily {
    /// `inet`.
    pub address_family_name: String,
    pub mtu: Option<u16>,
    pub local: Option<Ipv4Addr>,
    pub destination: Option<Ipv4Addr>,
}

/// The L2TP session under an LNS unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct UnitL2tp {
    pub tunnel_group: String,
    /// The LAC's Host Name.
    pub remote_name: String,
    pub tunnel_local_id: u16,
    pub tunnel_remote_id: u16,
    pub session_local_id: u16,
    pub session_remote_id: u16,
}

/// The PPPoE session under a LAC unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct UnitPppoe {
    pub session_id: u16,
    pub remote_mac_address: MacAddress,
    pub underlying_interface: String,
}

/// An auto-sensed VLAN's unit (`ge-1/0/0.1073741824`, `auto-configure`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct UnitVlan {
    /// VLAN IDs, outermost first.
    #[serde(rename = "vlan-id")]
    pub vlan_ids: Vec<u16>,
    /// Each tag's TPID as the VLAN's first PADI carried it (0x8100, 0x88a8), outermost first.
    #[serde(rename = "vlan-tpid", default)]
    pub vlan_tpids: Vec<u16>,
    /// The VLAN dynamic profile it was built from.
    pub dynamic_profile: String,
    /// Its `family pppoe dynamic-profile`: the profile of the PPPoE subscribers on it.
    pub pppoe_dynamic_profile: Option<String>,
    pub pppoe_sessions: u32,
}

/// One subscriber's unit (`pp0.N`, `si-X/Y/Z.N`), or an auto-sensed VLAN's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct LogicalInterface {
    pub name: String,
    /// The subscriber's session ID, what `clear network-access aaa subscriber session-id`
    /// takes.
    pub subscriber_session_id: u64,
    pub state: SubscriberState,
    pub user_name: Option<String>,
    /// `PPPoE` at the LAC, `PPP` at the LNS.
    pub encapsulation: String,
    /// RFC 1661 automaton state of LCP (`opened`, `req-sent`, …).
    pub lcp_state: String,
    /// Seconds since the subscriber's session began.
    pub uptime: u64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub l2tp: Option<UnitL2tp>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pppoe: Option<UnitPppoe>,
    /// Set for an auto-sensed VLAN's unit (it has no subscriber session of its own).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub vlan: Option<UnitVlan>,
    /// `None` while the unit carries no IP (a LAC unit: its PPP is tunnelled).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub address_family: Option<AddressFamily>,
    pub traffic_statistics: TrafficStatistics,
}

/// Whether the configuration wants an interface up (Junos' `admin-status`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AdminStatus {
    #[default]
    Up,
    /// `disable`.
    Down,
}

/// A physical interface (`pp0`, `si-X/Y/Z`) with its subscriber units.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PhysicalInterface {
    pub name: String,
    /// `down` when the configuration `disable`s it.
    #[serde(default)]
    pub admin_status: AdminStatus,
    /// `PPPoE` for `pp0`, `Adaptive-Services` for an inline service interface.
    pub if_type: String,
    pub mtu: Option<u16>,
    /// How many subscriber units it has.
    pub logical_interface_count: u32,
    /// The families its units carry (`inet`), sorted, once each.
    pub address_families: Vec<String>,
    /// Summed over its units.
    pub traffic_statistics: TrafficStatistics,
    /// `si-` interfaces only.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub drops: Option<ServiceInterfaceDrops>,
    #[serde(rename = "logical-interface")]
    pub units: Vec<LogicalInterface>,
}

/// `get-interface-information` → `interface-information`: the physical interfaces with
/// their units, or, when one unit is named, that unit alone in `logical`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Interfaces {
    #[serde(rename = "physical-interface")]
    pub physical: Vec<PhysicalInterface>,
    #[serde(rename = "logical-interface")]
    pub logical: Vec<LogicalInterface>,
}

/// `clear network-access aaa subscriber (username U | session-id N)`: which subscribers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SubscriberLogout {
    /// Every subscriber with this exact user name.
    Username(String),
    /// The subscriber with this session ID.
    SessionId(u64),
}

/// One subscriber logged out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct LoggedOut {
    pub subscriber_session_id: u64,
    pub user_name: Option<String>,
    pub interface: String,
}

/// What a logout ended (never empty: nobody matching is an error).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SubscribersLoggedOut {
    #[serde(rename = "subscriber")]
    pub subscribers: Vec<LoggedOut>,
}

/// `clear auto-configuration interfaces IFD.UNIT`: the auto-sensed VLAN's unit to remove.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AutoVlanClear {
    /// `ge-1/0/0.1073741824`.
    pub interface: String,
}

/// The auto-sensed VLAN's unit that was removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AutoVlanCleared {
    pub interface: String,
}

/// The Junos reply root of `show interfaces`.
pub const INTERFACES_ROOT: &str = "interface-information";

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON names are the Junos element names; the reply round-trips.
    #[test]
    fn interfaces_serialise_with_junos_names_and_round_trip() {
        let unit = LogicalInterface {
            name: "si-0/0/0.1073741825".into(),
            subscriber_session_id: 1,
            state: SubscriberState::Active,
            user_name: Some("alice@isp.example".into()),
            encapsulation: "PPP".into(),
            lcp_state: "opened".into(),
            uptime: 5,
            l2tp: Some(UnitL2tp {
                tunnel_group: "g".into(),
                remote_name: "lac-s".into(),
                tunnel_local_id: 1,
                tunnel_remote_id: 2,
                session_local_id: 3,
                session_remote_id: 4,
            }),
            pppoe: None,
            vlan: None,
            address_family: Some(AddressFamily {
                address_family_name: "inet".into(),
                mtu: Some(1500),
                local: Some(Ipv4Addr::new(198, 18, 0, 1)),
                destination: Some(Ipv4Addr::new(198, 18, 0, 10)),
            }),
            traffic_statistics: TrafficStatistics {
                input_packets: 2,
                ..TrafficStatistics::default()
            },
        };
        let reply = Interfaces {
            physical: vec![PhysicalInterface {
                admin_status: AdminStatus::Up,
                name: "si-0/0/0".into(),
                if_type: "Adaptive-Services".into(),
                mtu: Some(9192),
                logical_interface_count: 1,
                address_families: vec!["inet".into()],
                traffic_statistics: unit.traffic_statistics,
                drops: Some(ServiceInterfaceDrops {
                    spoofed_source: 1,
                    ..ServiceInterfaceDrops::default()
                }),
                units: vec![unit],
            }],
            logical: vec![],
        };
        let json = serde_json::to_string(&reply).unwrap();
        for name in [
            "\"physical-interface\"",
            "\"logical-interface\"",
            "\"logical-interface-count\"",
            "\"traffic-statistics\"",
            "\"input-packets\":2",
            "\"spoofed-source\":1",
            "\"address-family-name\":\"inet\"",
            "\"destination\":\"198.18.0.10\"",
            "\"session-local-id\":3",
            "\"state\":\"active\"",
        ] {
            assert!(json.contains(name), "{name} in {json}");
        }
        // A LAC unit has no PPPoE-less fields in its JSON.
        assert!(!json.contains("\"pppoe\""), "{json}");
        assert_eq!(serde_json::from_str::<Interfaces>(&json).unwrap(), reply);
    }

    #[test]
    fn logout_targets_and_levels_are_kebab_case() {
        assert_eq!(
            serde_json::to_string(&SubscriberLogout::SessionId(7)).unwrap(),
            "{\"session-id\":7}"
        );
        assert_eq!(
            serde_json::to_string(&SubscriberLogout::Username("u".into())).unwrap(),
            "{\"username\":\"u\"}"
        );
        assert_eq!(
            serde_json::to_string(&InterfaceLevel::Terse).unwrap(),
            "\"terse\""
        );
        let shown = InterfaceShow {
            name: Some("pp0".into()),
            level: InterfaceLevel::Extensive,
        };
        let json = serde_json::to_string(&shown).unwrap();
        assert_eq!(serde_json::from_str::<InterfaceShow>(&json).unwrap(), shown);
    }
}
