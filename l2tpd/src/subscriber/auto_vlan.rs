//! Auto-sensed VLANs (Junos `interfaces IFD auto-configure vlan-ranges | stacked-vlan-ranges`):
//! a PPPoE discovery frame whose tags no configured unit selects, inside a range whose
//! `accept` takes PPPoE, creates a dynamic VLAN unit from the range's dynamic profile
//! (`ge-1/0/0.1073741824`); discovery goes on there under the profile's `family pppoe`.
//! With `remove-when-no-subscribers` the unit goes once it has no PPPoE session. What the
//! unit is and when it goes is decided here; `pppoe_access` holds the units.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use schema::interface_rpc::TrafficStatistics;
use schema::typed::{PppoeFamily, RouterConfig, VlanRangeProfile};

use super::vlan::VlanSelector;
use crate::pppoe::wire::ETHERTYPE_DISCOVERY;

/// Junos numbers dynamic VLAN units from 1073741824 up ("The logical unit number for dynamic
/// interfaces can be a value from 1073741824 through …"); static units stop at 16385.
pub const FIRST_VLAN_UNIT: u32 = 1_073_741_824;

/// Dynamic VLANs one port may hold: stacked `any,any` ranges span 16 million tag pairs, and a
/// PADI from each would otherwise create a unit; beyond this the PADI is dropped and counted
/// as a frame no unit takes.
pub const MAX_VLANS_PER_PORT: usize = 16_384;

/// How long a VLAN created by a PADI that led to no session stays (with
/// `remove-when-no-subscribers`): the client's PADR may still come while its AC-Cookie lives.
pub const UNUSED_VLAN_LIFETIME: Duration = Duration::from_secs(30);

/// One range profile of a port, with the `family pppoe` its VLANs get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VlanProfile {
    pub ranges: VlanRangeProfile,
    pub family: PppoeFamily,
}

/// A port's `auto-configure`, as far as PPPoE acts on it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortAuto {
    pub profiles: Vec<VlanProfile>,
    pub remove_when_no_subscribers: bool,
}

impl PortAuto {
    /// The profile whose range takes these tags (each accepts PPPoE: [`wanted`] keeps no
    /// other).
    pub fn profile_for(&self, tags: &[u16]) -> Option<&VlanProfile> {
        self.profiles.iter().find(|p| p.ranges.takes(tags))
    }
}

/// Per port, the range profiles that accept PPPoE and whose profile builds a VLAN unit
/// with `family pppoe` (commit refuses the others; an unchecked tree loses them here).
pub fn wanted(config: &RouterConfig) -> HashMap<Arc<str>, PortAuto> {
    let mut ports = HashMap::new();
    for (name, interface) in &config.interfaces {
        // A disabled interface creates no VLAN (its existing ones end at the commit).
        let Some(auto) = interface
            .auto_configure
            .as_ref()
            .filter(|_| !interface.disable)
        else {
            continue;
        };
        let profiles: Vec<VlanProfile> = auto
            .profiles
            .iter()
            .filter(|p| p.accepts_pppoe)
            .filter_map(|p| {
                let unit = config.dynamic_profiles.get(&p.profile)?.vlan_unit(name)?;
                Some(VlanProfile {
                    ranges: p.clone(),
                    family: unit.pppoe.clone()?,
                })
            })
            .collect();
        if profiles.is_empty() {
            continue;
        }
        ports.insert(
            Arc::from(name.as_str()),
            PortAuto {
                profiles,
                remove_when_no_subscribers: auto.remove_when_no_subscribers,
            },
        );
    }
    ports
}

/// The VLAN IDs a selector names, outermost first.
pub fn tags_of(selector: VlanSelector) -> Vec<u16> {
    match selector {
        VlanSelector::Untagged => Vec::new(),
        VlanSelector::Single(id) => vec![id],
        VlanSelector::Stacked { outer, inner } => vec![outer, inner],
    }
}

const CODE_PADI: u8 = 0x09;

/// True for a PPPoE PADI (RFC 2516 §5.1) under at most two VLAN tags: only a client
/// starting discovery creates a VLAN; anything else on a VLAN no unit takes is dropped.
/// The tags are read by [`super::vlan::selector_of`]; a frame with more has no selector, and
/// so no unit.
pub fn is_padi(frame: &[u8]) -> bool {
    let tags = match super::vlan::selector_of(frame) {
        None => return false,
        Some(VlanSelector::Untagged) => 0,
        Some(VlanSelector::Single(_)) => 1,
        Some(VlanSelector::Stacked { .. }) => 2,
    };
    let at = 12 + 4 * tags;
    frame.get(at..at + 2) == Some(&ETHERTYPE_DISCOVERY.to_be_bytes()[..])
        && frame.get(at + 3) == Some(&CODE_PADI)
}

/// What a unit created for an auto-sensed VLAN remembers.
#[derive(Debug, Clone)]
pub struct DynamicVlan {
    /// The VLAN dynamic profile it was built from.
    pub profile: String,
    /// The TPIDs of the PADI that created it, outermost first.
    pub tpids: Vec<u16>,
    pub created: SystemTime,
    /// With `remove-when-no-subscribers`: when the unit goes if it still has no session.
    pub remove_at: Option<Instant>,
    /// What its subscribers that left carried: the unit's counters keep what crossed it (a
    /// subscriber's own go with the subscriber).
    pub gone: TrafficStatistics,
}

/// An auto-sensed VLAN as the views show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoVlan {
    /// `ge-1/0/0.1073741824`.
    pub name: String,
    pub port: String,
    pub unit: u32,
    /// Outermost first.
    pub vlans: Vec<u16>,
    /// Each tag's TPID as the VLAN's first PADI carried it.
    pub tpids: Vec<u16>,
    pub profile: String,
    /// The PPPoE profile its subscribers get.
    pub pppoe_profile: Option<String>,
    pub sessions: usize,
    pub created: SystemTime,
    /// What its subscribers that left carried (those still on it are counted by the view).
    pub gone: TrafficStatistics,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_padi_creates_a_vlan() {
        let mut padi = vec![0xff; 6];
        padi.extend([2, 0, 0, 0, 0, 1]);
        padi.extend([0x81, 0x00, 0x00, 0x64]);
        padi.extend([0x88, 0x63, 0x11, 0x09, 0, 0, 0, 0]);
        assert!(is_padi(&padi));
        let mut padr = padi.clone();
        padr[19] = 0x19;
        assert!(!is_padi(&padr));
        let mut session = padi.clone();
        session[17] = 0x64;
        assert!(!is_padi(&session));
        assert!(!is_padi(&padi[..18]));
        // Tags all the way to the end of the frame: no EtherType, no PADI.
        assert!(!is_padi(&[0x81, 0x00].repeat(20)));
    }
}
