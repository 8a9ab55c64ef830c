//! `radius options override` at the LNS ("override (RADIUS Options)"): values the LAC
//! conveyed replace the LNS's own in the subscriber's requests. Only `nas-ip-address
//! tunnel-client-gateway-address` acts here; the others need the Cisco NAS Port Info AVP
//! (100), which is not read, or are not documented (the schema warns of them).

use schema::typed::RadiusOptions;

use super::table::{AccessLeg, Subscriber};
use crate::aaa::nas_address::NasAddress;
use crate::aaa::radius::{attr, Attribute};
use crate::registry::Registry;

/// The NAS-IP-Address of `subscriber`'s requests: with `override nas-ip-address
/// tunnel-client-gateway-address`, an LNS subscriber's carries its LAC's tunnel address, or
/// none when that is not known (Junos: "If the value is not present, the attribute is not
/// sent"); any other request carries the address it leaves from (`NasAddress::FromServer`).
pub(super) fn nas_address(
    options: &RadiusOptions,
    subscriber: &Subscriber,
    registry: &Registry,
) -> (NasAddress, Option<Attribute>) {
    match &subscriber.access {
        AccessLeg::L2tp { tunnel_id, .. }
            if options.overrides.nas_ip_address_tunnel_client_gateway =>
        {
            let (lac, _) = registry.tunnel_endpoints(*tunnel_id);
            (
                NasAddress::AsBuilt,
                lac.map(|address| Attribute::ipv4(attr::NAS_IP_ADDRESS, address)),
            )
        }
        _ => (NasAddress::FromServer, None),
    }
}
