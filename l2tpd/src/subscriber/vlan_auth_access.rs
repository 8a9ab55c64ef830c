//! Authenticated auto-sensed VLANs, the PPPoE access side (Junos `auto-configure vlan-ranges
//! authentication`): the first PADI on a VLAN of an authenticated range creates no unit but
//! asks AAA (an [`AccessEvent::VlanAuthentication`] for the subscriber layer, which owns the
//! RADIUS client); frames on that VLAN are dropped (counted by the caller) until AAA answers.
//! Accept creates the unit and replays the PADI that asked, so the client gets its PADO
//! without waiting for its next retransmission; Reject (or no answer) holds the VLAN down for
//! [`VLAN_AUTH_HOLD_DOWN`], so a client retrying its PADI does not send a request each time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use schema::typed::VlanRangeProfile;

use super::auto_vlan;
use super::{AccessEvent, FrameOut, PppoeAccess, Sensed, VlanProfile};
use crate::pppoe::access_line::{self, AccessLine};
use crate::pppoe::wire::{Body, Frame};
use crate::subscriber::vlan::VlanSelector;

/// How long a VLAN AAA refused (or no server answered for) creates nothing. Ours: Juniper
/// does not say how often a refused VLAN's discovery frames are sent to AAA again; a PPPoE
/// client retransmits its PADI every few seconds, and one request a minute per refused VLAN
/// is what a RADIUS server can bear for a port full of them.
pub const VLAN_AUTH_HOLD_DOWN: Duration = Duration::from_secs(60);

/// What a VLAN of an authenticated range waits for.
#[derive(Debug, Clone)]
pub(super) enum VlanAuth {
    /// The Access-Request is out; the PADI that sent it is replayed on Accept.
    Pending { padi: Vec<u8> },
    /// Refused: frames on it are dropped until then.
    Refused { until: Instant },
}

/// What the subscriber layer needs to ask AAA about a new VLAN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VlanAuthRequest {
    pub port: Arc<str>,
    pub selector: VlanSelector,
    /// The intermediate agent's IDs in the PADI (empty without a DSL Forum tag, or with one
    /// that breaks the layout: an ID the agent did not mean never names a VLAN).
    pub line: AccessLine,
    /// The range whose `authentication` and `access-profile` apply.
    pub ranges: VlanRangeProfile,
}

impl PppoeAccess {
    /// A frame on a VLAN of an authenticated range that has no unit: `None` when the VLAN is
    /// not waiting for AAA nor held down (the caller goes on to create or ask), else the
    /// frame is dropped.
    pub(super) fn vlan_auth_state(
        &mut self,
        port: &str,
        selector: VlanSelector,
        now: Instant,
    ) -> Option<Sensed> {
        let entry = self.ports.get_mut(port)?;
        match entry.vlan_auth.get(&selector)? {
            VlanAuth::Pending { .. } => Some(Sensed::Held),
            VlanAuth::Refused { until } if now < *until => Some(Sensed::Held),
            VlanAuth::Refused { .. } => {
                entry.vlan_auth.remove(&selector);
                None
            }
        }
    }

    /// The first PADI on a VLAN of an authenticated range: AAA is asked, the frame held.
    pub(super) fn ask_for_vlan(
        &mut self,
        port: &Arc<str>,
        selector: VlanSelector,
        profile: &VlanProfile,
        padi: &[u8],
        now: Instant,
    ) -> Sensed {
        let Some(entry) = self.ports.get_mut(port) else {
            return Sensed::Nothing;
        };
        // Waiting and refused VLANs count against the port's room as units do: a flood of
        // PADIs over a range of 4,094 (or 16 million stacked) VLANs holds no more.
        if entry.vlan_units + entry.vlan_auth.len() >= auto_vlan::MAX_VLANS_PER_PORT {
            entry
                .vlan_auth
                .retain(|_, a| !matches!(a, VlanAuth::Refused { until } if *until <= now));
            if entry.vlan_units + entry.vlan_auth.len() >= auto_vlan::MAX_VLANS_PER_PORT {
                return Sensed::Nothing;
            }
        }
        entry.vlan_auth.insert(
            selector,
            VlanAuth::Pending {
                padi: padi.to_vec(),
            },
        );
        self.events
            .push_back(AccessEvent::VlanAuthentication(Box::new(VlanAuthRequest {
                port: port.clone(),
                selector,
                line: padi_access_line(padi),
                ranges: profile.ranges.clone(),
            })));
        Sensed::Held
    }

    /// AAA answered for the VLAN `selector` of `port`. Accepted: its unit is created (if a
    /// range still takes it after any commit in between) and the PADI that asked is handled
    /// there, its PADO queued in `out`. Refused: held down. An answer for a VLAN no longer
    /// waiting (its port reconfigured away) is dropped.
    pub fn vlan_authenticated(
        &mut self,
        port: &str,
        selector: VlanSelector,
        accepted: bool,
        now: Instant,
        out: &mut Vec<FrameOut>,
    ) {
        let Some(entry) = self.ports.get_mut(port) else {
            return;
        };
        let Some(VlanAuth::Pending { padi }) = entry.vlan_auth.remove(&selector) else {
            return;
        };
        if !accepted {
            entry.vlan_auth.insert(
                selector,
                VlanAuth::Refused {
                    until: now + VLAN_AUTH_HOLD_DOWN,
                },
            );
            return;
        }
        let tags = auto_vlan::tags_of(selector);
        let Some(profile) = entry
            .auto
            .as_ref()
            .and_then(|a| a.profile_for(&tags))
            .cloned()
        else {
            return;
        };
        let Some((name, facts)) = self
            .ports
            .get_key_value(port)
            .and_then(|(name, e)| Some((name.clone(), e.facts?)))
        else {
            return;
        };
        if self
            .create_vlan_unit(&name, selector, &profile, &padi, facts)
            .is_some()
        {
            let _ = self.handle_frame(port, &padi, now, out);
        }
    }

    /// VLANs waiting for AAA, per port (for the views and tests).
    pub fn vlans_awaiting_aaa(&self) -> usize {
        self.ports
            .values()
            .flat_map(|p| p.vlan_auth.values())
            .filter(|a| matches!(a, VlanAuth::Pending { .. }))
            .count()
    }
}

/// The access line a PADI's DSL Forum tag names, or none.
fn padi_access_line(padi: &[u8]) -> AccessLine {
    let Ok(frame) = Frame::parse(padi) else {
        return AccessLine::default();
    };
    let Body::Discovery { tags, .. } = &frame.body else {
        return AccessLine::default();
    };
    access_line::from_tags(tags)
        .ok()
        .flatten()
        .unwrap_or_default()
}
