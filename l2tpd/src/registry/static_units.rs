//! Static LNS units reserved at the ICRQ (Juniper, "Configuring Options for the LNS Inline
//! Services Logical Interface"): the LAC's access-profile client `l2tp { interface-id NAME; }`
//! puts each of its sessions on an `si-` unit of the tunnel group's service interface whose
//! `dial-options l2tp-interface-id` is NAME. A `dedicated` unit takes one session at a time,
//! a `shared` one any number.
//!
//! Which unit a call gets depends only on its tunnel's LAC client, known when the ICRQ
//! arrives, so the unit is reserved there and then: a call with no unit left is refused by
//! the CDN that answers its ICRQ (no ICRP, no half-set-up session), two ICRQs racing for the
//! last dedicated unit cannot both have it, and the unit comes back whenever the session
//! entry goes — before it is up (no ICCN, setup timeout, tunnel down) or after.
//!
//! The refusal is CDN result code 4, "Call failed due to lack of appropriate facilities
//! being available (temporary condition)" (RFC 2661 §4.4.2): the out-of-resource result an
//! LNS sends so the LAC tries another LNS (JunosE, "Overriding LNS Out-of-Resource Result
//! Codes 4 and 5"), and the one this LNS already gives at `maximum-sessions-per-tunnel`.

use std::collections::HashMap;
use std::sync::Arc;

use schema::typed::RouterConfig;

/// How many sessions hold each static unit: `(service interface, unit)`.
#[derive(Debug, Default)]
pub(super) struct StaticUnits {
    held: HashMap<(Arc<str>, u16), u32>,
}

/// What a call on an LNS tunnel needs: no static unit, one now reserved for it, or a refusal
/// (the CDN's message).
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Reservation {
    NotWanted,
    Held(Arc<str>, u16),
    Refused(String),
    /// The tunnel group's service interface is `disable`d (the CDN's message).
    Disabled(String),
}

impl StaticUnits {
    /// A unit of `service` carrying `interface_id` that can take one more session — the
    /// lowest free dedicated one or a shared one, in unit order — now held; `None` when
    /// every one is dedicated and taken (or none exists).
    pub fn take(
        &mut self,
        config: &RouterConfig,
        service: &Arc<str>,
        interface_id: &str,
    ) -> Option<u16> {
        let units = config.interfaces.get(&**service)?;
        let unit = units.enabled_units().find_map(|(number, unit)| {
            let dial = unit.dial_options.as_ref()?;
            let fits = *number != 0
                && dial.l2tp_interface_id.as_deref() == Some(interface_id)
                && (dial.shared || !self.held.contains_key(&(service.clone(), *number)));
            fits.then_some(*number)
        })?;
        *self.held.entry((service.clone(), unit)).or_default() += 1;
        Some(unit)
    }

    /// A session on `unit` of `service` has ended.
    pub fn release(&mut self, service: &Arc<str>, unit: u16) {
        let key = (service.clone(), unit);
        if let Some(count) = self.held.get_mut(&key) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                self.held.remove(&key);
            }
        }
    }

    /// Sessions on `unit` of `service` now (tests look; the views read each subscriber's).
    #[cfg(test)]
    pub fn sessions_on(&self, service: &str, unit: u16) -> u32 {
        self.held
            .iter()
            .find(|((s, u), _)| &**s == service && *u == unit)
            .map_or(0, |(_, count)| *count)
    }

    /// The unit a new call of tunnel group `group` from the LAC named `lac_host_name` takes
    /// (see the module docs).
    pub fn reserve(
        &mut self,
        config: &RouterConfig,
        group: &str,
        lac_host_name: &str,
    ) -> Reservation {
        let Some(group_config) = config.l2tp.tunnel_groups.get(group) else {
            return Reservation::NotWanted;
        };
        // A disabled service interface takes no session, on a static unit or a dynamic one.
        if let Some(service) = group_config.service_interface.as_deref() {
            if config.interfaces.get(service).is_some_and(|i| i.disable) {
                return Reservation::Disabled(format!("interface {service} is disabled"));
            }
        }
        let wanted = group_config
            .l2tp_access_profile
            .as_deref()
            .and_then(|name| config.access_profiles.get(name))
            .and_then(|profile| profile.tunnel_client(lac_host_name))
            .and_then(|client| client.l2tp.interface_id.as_deref());
        let Some(wanted) = wanted else {
            return Reservation::NotWanted;
        };
        let Some(service) = group_config.service_interface.as_deref() else {
            return Reservation::Refused(format!(
                "l2tp-interface-id {wanted} but tunnel group {group} has no service-interface"
            ));
        };
        let service: Arc<str> = Arc::from(service);
        // No static unit carries it, but the group's dynamic profile does: the session gets
        // a dynamic unit of that profile, as any of the group's sessions.
        let static_units = config
            .interfaces
            .get(&*service)
            .is_some_and(|i| i.units_with_l2tp_interface_id(wanted).next().is_some());
        let dynamic = group_config
            .dynamic_profile
            .as_deref()
            .and_then(|name| config.dynamic_profiles.get(name))
            .is_some_and(|p| p.carries_l2tp_interface_id(wanted));
        if !static_units && dynamic {
            return Reservation::NotWanted;
        }
        match self.take(config, &service, wanted) {
            Some(unit) => Reservation::Held(service, unit),
            None => Reservation::Refused(format!(
                "no free logical interface of {service} with l2tp-interface-id {wanted}"
            )),
        }
    }
}

#[cfg(test)]
impl super::Registry {
    /// Sessions (set up or being set up) holding `unit` of `service` now.
    pub fn static_unit_sessions(&self, service: &str, unit: u16) -> u32 {
        self.static_units.sessions_on(service, unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(lines: &str) -> RouterConfig {
        crate::test_config(lines)
    }

    const UNITS: &str = "set interfaces si-1/0/0 unit 5 dial-options l2tp-interface-id a\n\
         set interfaces si-1/0/0 unit 5 dial-options dedicated\n\
         set interfaces si-1/0/0 unit 6 dial-options l2tp-interface-id a\n\
         set interfaces si-1/0/0 unit 6 dial-options dedicated\n\
         set interfaces si-1/0/0 unit 7 dial-options l2tp-interface-id b\n\
         set interfaces si-1/0/0 unit 7 dial-options shared\n\
         set interfaces si-2/0/0 unit 8 dial-options l2tp-interface-id a\n\
         set interfaces si-2/0/0 unit 8 dial-options dedicated\n";

    #[test]
    fn dedicated_units_take_one_session_each_and_come_back() {
        let config = config(UNITS);
        let si: Arc<str> = Arc::from("si-1/0/0");
        let mut units = StaticUnits::default();
        assert_eq!(units.take(&config, &si, "a"), Some(5));
        assert_eq!(units.take(&config, &si, "a"), Some(6));
        // si-2/0/0's unit is another service interface's: not this group's.
        assert_eq!(units.take(&config, &si, "a"), None);
        units.release(&si, 5);
        assert_eq!(units.sessions_on("si-1/0/0", 5), 0);
        assert_eq!(units.take(&config, &si, "a"), Some(5));
        assert_eq!(units.take(&config, &si, "nobody"), None);
    }

    #[test]
    fn a_shared_unit_takes_many() {
        let config = config(UNITS);
        let si: Arc<str> = Arc::from("si-1/0/0");
        let mut units = StaticUnits::default();
        for _ in 0..3 {
            assert_eq!(units.take(&config, &si, "b"), Some(7));
        }
        assert_eq!(units.sessions_on("si-1/0/0", 7), 3);
        units.release(&si, 7);
        assert_eq!(units.sessions_on("si-1/0/0", 7), 2);
    }

    const GROUP: &str = "set services l2tp tunnel-group g local-gateway address 127.0.0.72\n\
         set services l2tp tunnel-group g l2tp-access-profile ap\n\
         set access profile ap client lac-a l2tp interface-id a\n\
         set access profile ap client lac-z l2tp shared-secret s\n";

    #[test]
    fn the_lac_client_decides_the_reservation() {
        let mut units = StaticUnits::default();
        let config = config(&format!(
            "{GROUP}set services l2tp tunnel-group g service-interface si-1/0/0\n{UNITS}"
        ));
        assert_eq!(
            units.reserve(&config, "g", "lac-a"),
            Reservation::Held(Arc::from("si-1/0/0"), 5)
        );
        assert_eq!(
            units.reserve(&config, "g", "lac-a"),
            Reservation::Held(Arc::from("si-1/0/0"), 6)
        );
        assert_eq!(
            units.reserve(&config, "g", "lac-a"),
            Reservation::Refused(
                "no free logical interface of si-1/0/0 with l2tp-interface-id a".into()
            )
        );
        // A client without an interface-id, or an unknown group, wants none.
        assert_eq!(units.reserve(&config, "g", "lac-z"), Reservation::NotWanted);
        assert_eq!(units.reserve(&config, "h", "lac-a"), Reservation::NotWanted);
    }

    /// Juniper's dynamic LNS example: the LAC's `interface-id` names the group's dynamic
    /// profile's `dial-options l2tp-interface-id`, no static unit: each session a dynamic
    /// unit. Where static units carry it too, they are taken first.
    #[test]
    fn an_interface_id_only_the_dynamic_profile_carries_means_a_dynamic_unit() {
        const PROFILE: &str = "set dynamic-profiles lns interfaces \"$junos-interface-ifd-name\" \
             unit \"$junos-interface-unit\" dial-options l2tp-interface-id c\n\
             set dynamic-profiles lns interfaces \"$junos-interface-ifd-name\" \
             unit \"$junos-interface-unit\" dial-options dedicated\n\
             set services l2tp tunnel-group g dynamic-profile lns\n\
             set services l2tp tunnel-group g service-interface si-1/0/0\n\
             set access profile ap client lac-c l2tp interface-id c\n";
        let mut units = StaticUnits::default();
        let config = config(&format!("{GROUP}{PROFILE}{UNITS}"));
        assert_eq!(units.reserve(&config, "g", "lac-c"), Reservation::NotWanted);
        assert_eq!(units.reserve(&config, "g", "lac-c"), Reservation::NotWanted);
        // lac-a's `a` is on static units: still reserved there, refused when they are full.
        assert_eq!(
            units.reserve(&config, "g", "lac-a"),
            Reservation::Held(Arc::from("si-1/0/0"), 5)
        );
    }

    #[test]
    fn a_group_without_a_service_interface_refuses_what_its_client_wants() {
        let mut units = StaticUnits::default();
        let config = config(&format!("{GROUP}{UNITS}"));
        assert_eq!(
            units.reserve(&config, "g", "lac-a"),
            Reservation::Refused(
                "l2tp-interface-id a but tunnel group g has no service-interface".into()
            )
        );
    }
}
