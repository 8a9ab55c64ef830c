//! Static LNS interfaces in the subscriber views (Juniper, "Configuring Options for the LNS
//! Inline Services Logical Interface"): a session on an `si-` unit whose `dial-options
//! l2tp-interface-id` its LAC's access-profile client names is shown and cleared by that
//! unit's name. The unit itself is reserved when the ICRQ arrives
//! (`registry::static_units`), and the subscriber only carries it.

use std::collections::HashMap;

use schema::l2tp_rpc::L2tpSession;

use crate::l2tp::session::Role;
use crate::registry::{interface, Registry};

impl super::lac::SubscriberLayer {
    /// The registry's name (its dynamic unit) for the session that holds the static unit
    /// `name` (`si-0/0/0.5`), for a show or clear an operator wrote with the static name.
    pub fn dynamic_name_of_static_unit(&self, name: &str) -> Option<String> {
        let holder = self
            .table
            .iter()
            .find(|s| s.static_unit.is_some() && super::views::interface_name(s) == name)?;
        // A static pp0 unit's subscriber is the LAC's call (`static_pppoe`).
        let role = if holder.is_lns() {
            Role::Lns
        } else {
            Role::Lac
        };
        Some(interface::name(role, interface::unit(holder.id)))
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
