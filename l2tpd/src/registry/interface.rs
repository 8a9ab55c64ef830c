//! The subscriber's logical interface of a session, as `show services l2tp session` names
//! it and `… session interface IF` selects it.
//!
//! Junos gives every dynamic subscriber a logical unit from 3221225472 up (`FIRST_DYNAMIC_UNIT`,
//! as `show subscribers` prints `pp0.3221225474` on a current MX): on the LAC the
//! PPPoE subscriber's `pp0.UNIT`, on the LNS a unit of the tunnel group's inline-service
//! interface (`si-1/0/0.UNIT`; `si-0/0/0` when the group names none). The unit is derived
//! from the call's [`SessionRef`], which is unique for the daemon's life and stable from the
//! call to its end, and is also the subscriber's handle: `show subscribers`, `show interfaces`
//! and `show services l2tp session` name the same unit.

use schema::l2tp_rpc::FIRST_DYNAMIC_UNIT;

use super::event::SessionRef;
use crate::l2tp::session::Role;

/// The PPPoE subscribers' device (Junos' `pp0`).
pub const LAC_DEVICE: &str = "pp0";
const LNS_DEVICE: &str = "si-0/0/0";

/// Dynamic units available: FIRST_DYNAMIC_UNIT ..= u32::MAX.
const DYNAMIC_UNITS: u64 = u32::MAX as u64 - FIRST_DYNAMIC_UNIT as u64 + 1;

/// The call's unit; after 2³⁰ calls the numbering starts again at the first unit. SNMP
/// carries the unit as an Unsigned32 and RADIUS's NAS-Port-Id names the underlying
/// interface, not the unit: nothing narrower than 32 bits holds it.
pub fn unit(call: SessionRef) -> u32 {
    let offset = u32::try_from(call.0 % DYNAMIC_UNITS).unwrap_or(0);
    FIRST_DYNAMIC_UNIT.saturating_add(offset)
}

fn device(role: Role) -> &'static str {
    match role {
        Role::Lac => LAC_DEVICE,
        Role::Lns => LNS_DEVICE,
    }
}

pub fn name(role: Role, unit: u32) -> String {
    format!("{}.{unit}", device(role))
}

/// An LNS subscriber's unit on `service_interface` (the tunnel group's), or on the default
/// `si-0/0/0` when the group names none.
pub fn lns_name(service_interface: Option<&str>, unit: u32) -> String {
    format!("{}.{unit}", service_interface.unwrap_or(LNS_DEVICE))
}

/// An interface name an operator typed: which side's device and which unit. `None` for
/// anything that cannot be a subscriber interface of ours (it then matches no session).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InterfaceName {
    pub role: Role,
    pub unit: u32,
}

impl InterfaceName {
    pub fn parse(text: &str) -> Option<Self> {
        let (device_name, unit) = text.rsplit_once('.')?;
        // Any inline-service interface may carry LNS units: the unit alone is the call's.
        let role = if device_name == LAC_DEVICE {
            Role::Lac
        } else if device_name.starts_with("si-") {
            Role::Lns
        } else {
            return None;
        };
        // Digits only: `u32::from_str` would also take a leading `+`.
        if unit.is_empty() || !unit.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Self {
            role,
            unit: unit.parse().ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_start_at_the_first_dynamic_unit_and_wrap_inside_the_range() {
        assert_eq!(unit(SessionRef(0)), FIRST_DYNAMIC_UNIT);
        assert_eq!(unit(SessionRef(76)), 3_221_225_548);
        assert_eq!(unit(SessionRef(DYNAMIC_UNITS - 1)), u32::MAX);
        assert_eq!(unit(SessionRef(DYNAMIC_UNITS)), FIRST_DYNAMIC_UNIT);
        assert_eq!(unit(SessionRef(u64::MAX)), {
            let offset = u32::try_from(u64::MAX % DYNAMIC_UNITS).expect("in range");
            FIRST_DYNAMIC_UNIT + offset
        });
    }

    #[test]
    fn names_round_trip_and_junk_is_refused() {
        let lac = name(Role::Lac, 3_221_225_900);
        assert_eq!(lac, "pp0.3221225900");
        assert_eq!(
            InterfaceName::parse(&lac),
            Some(InterfaceName {
                role: Role::Lac,
                unit: 3_221_225_900
            })
        );
        assert_eq!(
            InterfaceName::parse("si-0/0/0.3221225473").map(|i| i.role),
            Some(Role::Lns)
        );
        // The tunnel group's own service interface carries its units.
        let lns = lns_name(Some("si-1/2/0"), 3_221_225_901);
        assert_eq!(lns, "si-1/2/0.3221225901");
        assert_eq!(
            InterfaceName::parse(&lns),
            Some(InterfaceName {
                role: Role::Lns,
                unit: 3_221_225_901
            })
        );
        assert_eq!(lns_name(None, 3_221_225_901), "si-0/0/0.3221225901");
        for junk in [
            "",
            "pp0",
            "pp0.",
            "pp0.+5",
            "pp0.99999999999",
            "ge-0/0/0.5",
            "si-0/0/0.x",
        ] {
            assert_eq!(InterfaceName::parse(junk), None, "{junk:?}");
        }
    }
}
