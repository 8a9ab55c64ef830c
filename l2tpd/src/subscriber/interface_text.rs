//! The configured description of a subscriber's access interface, as Junos reports it to
//! RADIUS: in VSA 26-4874-63 (Interface-Desc) with `access report-interface-descriptions`,
//! and in the NAS-Port-Id with `nas-port-id-format interface-text-description`.
//!
//! Junos' precedence: the description of the subscriber's logical interface, else that of
//! the physical interface under it (for an aggregated Ethernet bundle, the bundle's own,
//! not a member link's); an interface without a description is passed over, and with none
//! at all nothing is sent. Read from the committed configuration when a request is built:
//! the accounting Start fixes what the Interim-Updates and the Stop carry, so a commit
//! that changes a description mid-session does not change a session's records.

use schema::typed::RouterConfig;

use super::table::{AccessLeg, Subscriber};
use crate::aaa::radius::{erx, Attribute};

/// Junos: "can contain letters, numbers, and hyphens (-), and can be up to 64 characters
/// long". Our schema takes any description (as `show interfaces` prints it); what goes to
/// RADIUS is cut at 64 characters, on a character boundary.
const MAX_REPORTED: usize = 64;

/// The description of the interface a subscriber came in on: a PPPoE subscriber's unit
/// (`eth1.100`; an auto-sensed VLAN's unit is not in the configuration, so its port's) or
/// its static `pp0` unit, an LNS subscriber's static `si-` unit, else its `si-` interface.
pub fn text_description<'c>(config: &'c RouterConfig, subscriber: &Subscriber) -> Option<&'c str> {
    match &subscriber.access {
        // A static pp0 unit is the subscriber's own interface (`static_pppoe`).
        AccessLeg::Pppoe { .. } if subscriber.static_unit.is_some() => {
            described(config, "pp0", subscriber.static_unit)
        }
        AccessLeg::Pppoe { underlying, .. } => match underlying.rsplit_once('.') {
            Some((port, unit)) => described(config, port, unit.parse::<u16>().ok()),
            None => described(config, underlying, None),
        },
        AccessLeg::L2tp { .. } => described(
            config,
            subscriber.service.as_deref()?,
            subscriber.static_unit,
        ),
        AccessLeg::TestCall(_) => None,
    }
}

/// The description of `port`'s `unit`, else of `port` itself (`unit` `None`: a unit the
/// configuration does not have, as an auto-sensed VLAN's).
pub fn described<'c>(config: &'c RouterConfig, port: &str, unit: Option<u16>) -> Option<&'c str> {
    let interface = config.interfaces.get(port)?;
    unit.and_then(|unit| interface.units.get(&unit)?.description.as_deref())
        .or(interface.description.as_deref())
        .map(|text| cut(text, MAX_REPORTED))
}

/// VSA 26-4874-63 of a description (from [`text_description`] or [`described`]) when the
/// router reports descriptions.
pub fn interface_desc_attribute(config: &RouterConfig, text: Option<&str>) -> Option<Attribute> {
    if !config.report_interface_descriptions {
        return None;
    }
    text.map(|text| Attribute::vendor(erx::VENDOR, erx::INTERFACE_DESC, text))
}

fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
#[path = "interface_text_tests.rs"]
mod tests;
