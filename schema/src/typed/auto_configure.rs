//! `interfaces IFD auto-configure` as typed settings: which VLAN tags create a dynamic VLAN
//! unit, from which dynamic profile (Juniper, "Configuring VLAN Interfaces to Use Dynamic
//! Profiles"; "ranges (Dynamic VLAN)": `low-high`, one ID, or `any`; stacked ranges are
//! `outer,inner`, each of those forms).

use super::secret::Secret;
use super::view::View;
use serde::{Deserialize, Serialize};

/// The VLAN IDs a frame may carry (IEEE 802.1Q table 9-2: 0 and 4095 are reserved).
pub const VLAN_IDS: std::ops::RangeInclusive<u16> = 1..=4094;

/// One side of a range: `low-high`, one ID (`low == high`), or `any` (1-4094).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VlanIdRange {
    pub low: u16,
    pub high: u16,
}

impl VlanIdRange {
    pub const ANY: VlanIdRange = VlanIdRange {
        low: *VLAN_IDS.start(),
        high: *VLAN_IDS.end(),
    };

    /// `any`, `100` or `100-199`; `Err` says why not, as the commit reports it.
    pub fn parse(text: &str) -> Result<VlanIdRange, String> {
        if text == "any" {
            return Ok(VlanIdRange::ANY);
        }
        let (low, high) = text.split_once('-').unwrap_or((text, text));
        let id = |word: &str| -> Result<u16, String> {
            let n: u32 = word
                .parse()
                .ok()
                .filter(|_| !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| {
                    format!("Invalid VLAN range '{text}': expecting low-high, an ID or any")
                })?;
            u16::try_from(n)
                .ok()
                .filter(|n| VLAN_IDS.contains(n))
                .ok_or_else(|| format!("VLAN ID {n} in range '{text}' is not within 1..4094"))
        };
        let (low, high) = (id(low)?, id(high)?);
        if low > high {
            return Err(format!(
                "Invalid VLAN range '{text}': the low ID is above the high one"
            ));
        }
        Ok(VlanIdRange { low, high })
    }

    pub fn contains(&self, id: u16) -> bool {
        (self.low..=self.high).contains(&id)
    }

    pub fn overlaps(&self, other: &VlanIdRange) -> bool {
        self.low <= other.high && other.low <= self.high
    }
}

/// One `ranges` entry: the inner (or only) tag's range and, for a stacked range, the outer's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VlanRange {
    pub outer: Option<VlanIdRange>,
    pub inner: VlanIdRange,
}

impl VlanRange {
    /// A single-tag range (`stacked` false) or an `outer,inner` one.
    pub fn parse(text: &str, stacked: bool) -> Result<VlanRange, String> {
        if !stacked {
            if text.contains(',') {
                return Err(format!(
                    "Invalid VLAN range '{text}': outer,inner ranges belong under stacked-vlan-ranges"
                ));
            }
            return Ok(VlanRange {
                outer: None,
                inner: VlanIdRange::parse(text)?,
            });
        }
        let (outer, inner) = text.split_once(',').ok_or_else(|| {
            format!("Invalid stacked VLAN range '{text}': expecting outer,inner (1000-1100,any)")
        })?;
        Ok(VlanRange {
            outer: Some(VlanIdRange::parse(outer)?),
            inner: VlanIdRange::parse(inner)?,
        })
    }

    /// True when a frame with these tags (outer first) falls in the range.
    pub fn takes(&self, tags: &[u16]) -> bool {
        match (self.outer, tags) {
            (None, [id]) => self.inner.contains(*id),
            (Some(outer), [o, i]) => outer.contains(*o) && self.inner.contains(*i),
            _ => false,
        }
    }

    pub fn overlaps(&self, other: &VlanRange) -> bool {
        let outer = match (self.outer, other.outer) {
            (Some(a), Some(b)) => a.overlaps(&b),
            (None, None) => true,
            _ => return false,
        };
        outer && self.inner.overlaps(&other.inner)
    }
}

/// One `dynamic-profile NAME { accept …; ranges { … } }` of `vlan-ranges` or
/// `stacked-vlan-ranges`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VlanRangeProfile {
    pub profile: String,
    /// Each `ranges` entry as written, with its parse (`None` when unreadable: refused at commit).
    pub ranges: Vec<(String, Option<VlanRange>)>,
    /// `accept pppoe` or `accept any`: a PPPoE discovery frame creates the VLAN.
    pub accepts_pppoe: bool,
    /// The IPoE packet types `accept` names (`dhcp-v4`, `inet`, …), in configuration order:
    /// this router has no IPoE subscribers, so they create no VLAN.
    #[serde(default)]
    pub accepts_ipoe: Vec<String>,
    pub stacked: bool,
    /// The ranges' `authentication` (of `vlan-ranges` or `stacked-vlan-ranges`, shared by
    /// its profiles): a new VLAN is created only once AAA accepts it.
    #[serde(default)]
    pub authentication: Option<VlanAuthentication>,
    /// The ranges' `access-profile`: the one that authenticates their VLANs (else the
    /// router's `access-profile`).
    #[serde(default)]
    pub access_profile: Option<String>,
}

/// `authentication { password P; username-include { … } }` of a VLAN range container.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VlanAuthentication {
    pub password: Option<Secret>,
    pub username: VlanUsername,
}

/// `username-include`: the parts of a dynamic VLAN's user name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VlanUsername {
    pub user_prefix: Option<String>,
    pub circuit_type: bool,
    pub circuit_id: bool,
    pub remote_id: bool,
    pub interface_name: bool,
    pub domain_name: Option<String>,
    pub radius_realm: Option<String>,
    /// `.` unless configured.
    pub delimiter: String,
}

impl VlanUsername {
    /// Whether any part is configured (Junos: "You must include at least one of the
    /// optional statements for the username to be valid").
    pub fn has_parts(&self) -> bool {
        self.user_prefix.is_some()
            || self.circuit_type
            || self.circuit_id
            || self.remote_id
            || self.interface_name
            || self.domain_name.is_some()
            || self.radius_realm.is_some()
    }
}

fn vlan_authentication(a: View<'_>) -> Option<VlanAuthentication> {
    if !a.present() {
        return None;
    }
    let u = a.container("username-include");
    Some(VlanAuthentication {
        password: a.secret("password"),
        username: VlanUsername {
            user_prefix: u.string("user-prefix"),
            circuit_type: u.flag("circuit-type"),
            circuit_id: u.flag("circuit-id"),
            remote_id: u.flag("remote-id"),
            interface_name: u.flag("interface-name"),
            domain_name: u.string("domain-name"),
            radius_realm: u.string("radius-realm"),
            delimiter: u.string("delimiter").unwrap_or_else(|| ".".into()),
        },
    })
}

impl VlanRangeProfile {
    pub fn takes(&self, tags: &[u16]) -> bool {
        self.ranges
            .iter()
            .any(|(_, r)| r.is_some_and(|r| r.takes(tags)))
    }
}

/// `auto-configure { vlan-ranges …; stacked-vlan-ranges …; remove-when-no-subscribers; }`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoConfigure {
    /// The single-tag profiles, then the stacked ones, in configuration order.
    pub profiles: Vec<VlanRangeProfile>,
    pub remove_when_no_subscribers: bool,
}

impl AutoConfigure {
    /// The profile whose range takes a frame with these tags (outer first).
    pub fn profile_for(&self, tags: &[u16]) -> Option<&VlanRangeProfile> {
        self.profiles.iter().find(|p| p.takes(tags))
    }
}

pub(super) fn auto_configure(a: View<'_>) -> Option<AutoConfigure> {
    if !a.present() {
        return None;
    }
    let profiles = [("vlan-ranges", false), ("stacked-vlan-ranges", true)]
        .into_iter()
        .flat_map(|(container, stacked)| {
            let ranges = a.container(container);
            let authentication = vlan_authentication(ranges.container("authentication"));
            let access_profile = ranges.string("access-profile");
            ranges.entries("dynamic-profile").map(move |(name, p)| {
                let accept = p.values("accept");
                VlanRangeProfile {
                    profile: name.to_string(),
                    ranges: p
                        .entries("ranges")
                        .map(|(r, _)| (r.to_string(), VlanRange::parse(r, stacked).ok()))
                        .collect(),
                    accepts_pppoe: accept.iter().any(|t| t == "pppoe" || t == "any"),
                    accepts_ipoe: accept
                        .iter()
                        .filter(|t| *t != "pppoe" && *t != "any")
                        .cloned()
                        .collect(),
                    stacked,
                    authentication: authentication.clone(),
                    access_profile: access_profile.clone(),
                }
            })
        })
        .collect();
    Some(AutoConfigure {
        profiles,
        remove_when_no_subscribers: a.flag("remove-when-no-subscribers"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_as_junos_writes_them() {
        assert_eq!(
            VlanIdRange::parse("100-199"),
            Ok(VlanIdRange {
                low: 100,
                high: 199
            })
        );
        assert_eq!(VlanIdRange::parse("7"), Ok(VlanIdRange { low: 7, high: 7 }));
        assert_eq!(VlanIdRange::parse("any"), Ok(VlanIdRange::ANY));
        assert!(VlanIdRange::parse("0-10").is_err());
        assert!(VlanIdRange::parse("100-4095").is_err());
        assert!(VlanIdRange::parse("200-100").is_err());
        assert!(VlanIdRange::parse("-5").is_err());
        assert!(VlanIdRange::parse("99999999999").is_err());
        let stacked = VlanRange::parse("1000-1100,any", true).unwrap();
        assert!(stacked.takes(&[1000, 5]));
        assert!(!stacked.takes(&[999, 5]));
        assert!(!stacked.takes(&[1000]));
        assert!(VlanRange::parse("100", true).is_err());
        assert!(VlanRange::parse("1,2", false).is_err());
        let single = VlanRange::parse("100-199", false).unwrap();
        assert!(single.takes(&[150]) && !single.takes(&[200]) && !single.takes(&[150, 1]));
        assert!(single.overlaps(&VlanRange::parse("199", false).unwrap()));
        assert!(!single.overlaps(&VlanRange::parse("200-300", false).unwrap()));
        assert!(!single.overlaps(&stacked));
    }
}
