//! Static LNS interfaces (Juniper, "Configuring Options for the LNS Inline Services Logical
//! Interface"): the LAC's access-profile client `l2tp { interface-id NAME; }` puts each of
//! its sessions on an `si-` unit of the tunnel group's service interface whose `dial-options
//! l2tp-interface-id` is NAME, instead of a dynamic unit. A `dedicated` unit takes one
//! session at a time, a `shared` one any number ("Specify that a logical interface can host
//! multiple (shared) sessions at a time").
//!
//! When every unit of the identifier is dedicated and taken, the session is refused with
//! CDN result code 4, "Call failed due to lack of appropriate facilities being available
//! (temporary condition)" (RFC 2661 §4.4.2): the out-of-resource result Juniper's LNS sends
//! (JunosE, "Overriding LNS Out-of-Resource Result Codes 4 and 5"), which lets the LAC try
//! another LNS. The session is refused once it is established, where the subscriber is
//! created; the LAC sees ICRQ/ICRP/ICCN, then the CDN.

use std::collections::HashMap;
use std::sync::Arc;

use schema::typed::RouterConfig;

use schema::l2tp_rpc::L2tpSession;

use crate::l2tp::session::CdnResult;
use crate::l2tp::session::Role;
use crate::registry::{interface, Registry};

/// RFC 2661 §4.4.2 CDN result code 4 (temporary lack of facilities).
const NO_FACILITIES_TEMPORARY: u16 = 4;

/// How many sessions hold each static unit: `(service interface, unit)`.
#[derive(Debug, Default)]
pub struct StaticUnits {
    held: HashMap<(Arc<str>, u16), u32>,
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
        let unit = units.units.iter().find_map(|(number, unit)| {
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

    /// Sessions on `unit` of `service` now.
    pub fn sessions_on(&self, service: &str, unit: u16) -> u32 {
        self.held
            .iter()
            .find(|((s, u), _)| &**s == service && *u == unit)
            .map_or(0, |(_, count)| *count)
    }
}

impl super::lac::SubscriberLayer {
    /// The registry's name (its dynamic unit) for the session that holds the static unit
    /// `name` (`si-0/0/0.5`), for a show or clear an operator wrote with the static name.
    pub fn dynamic_name_of_static_unit(&self, name: &str) -> Option<String> {
        let holder = self
            .table
            .iter()
            .find(|s| s.static_unit.is_some() && super::views::interface_name(s) == name)?;
        Some(interface::name(Role::Lns, interface::unit(holder.id)))
    }

    /// `show services l2tp session` names a session on a static unit by that unit
    /// (`si-0/0/0.5`), as `show subscribers` does; the registry knows only dynamic units.
    pub fn name_static_units(&self, rows: &mut [L2tpSession], registry: &Registry) {
        let names: HashMap<(u16, u16), String> = self
            .table
            .iter()
            .filter(|s| s.static_unit.is_some())
            .filter_map(|s| {
                let (tunnel, session) = registry.locate_call(s.id)?;
                Some(((tunnel, session?), super::views::interface_name(s)))
            })
            .collect();
        if names.is_empty() {
            return;
        }
        for row in rows {
            if let Some(name) = names.get(&(row.tunnel_local_id, row.session_local_id)) {
                row.interface_name = name.clone();
            }
        }
    }
}

/// The CDN a session gets when no unit of its identifier is free.
pub fn refusal(interface_id: &str) -> CdnResult {
    CdnResult::new(
        NO_FACILITIES_TEMPORARY,
        0,
        format!("no free logical interface with l2tp-interface-id {interface_id}"),
    )
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

    #[test]
    fn the_refusal_is_result_4() {
        let result = refusal("a");
        assert_eq!(
            result.to_string(),
            "result 4 error 0 \"no free logical interface with l2tp-interface-id a\""
        );
    }
}
