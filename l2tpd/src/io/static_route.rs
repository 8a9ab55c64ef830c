//! `routing-options static` routes as kernel routes, over rtnetlink: what `ip route add
//! PREFIX via GW | blackhole PREFIX | unreachable PREFIX [table T] proto 196` sends. No
//! `unsafe` here: netlink-sys owns the socket.
//!
//! Every route carries [`STATIC_PROTOCOL`], a protocol number of this daemon's own, and is
//! added with NLM_F_EXCL: an operator's route of the same prefix is refused (`EEXIST`),
//! never replaced, and a delete (which the kernel matches on the protocol too) never
//! removes a route that is not ours.

use std::io;
use std::net::Ipv4Addr;

use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL};
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteHeader, RouteMessage, RouteNextHop, RouteProtocol,
    RouteScope, RouteType,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use schema::typed::{Ipv4Prefix, StaticNextHop};

use super::vrf::{dump, request};

/// The protocol number of this daemon's static routes (`ip route` shows `proto 196`): not one
/// of iproute2's `rt_protos`, and not the `static` (4) the Framed-Routes carry
/// (io::route), so neither kind of route is mistaken for the other.
pub const STATIC_PROTOCOL: u8 = 196;

/// Adds the route; `EEXIST` when the table already has a route of that prefix.
pub fn add(table: u32, prefix: Ipv4Prefix, next_hop: &StaticNextHop) -> io::Result<()> {
    request(
        RouteNetlinkMessage::NewRoute(message(table, prefix, Some(next_hop))),
        NLM_F_CREATE | NLM_F_EXCL,
    )
}

/// Deletes this daemon's route of `prefix` in `table`, whatever its next hop.
pub fn delete(table: u32, prefix: Ipv4Prefix) -> io::Result<()> {
    request(
        RouteNetlinkMessage::DelRoute(message(table, prefix, None)),
        0,
    )
}

/// The table and prefix of every IPv4 route of ours ([`STATIC_PROTOCOL`]) in every table:
/// those an earlier run of the daemon left, at start.
pub fn ours() -> io::Result<Vec<(u32, Ipv4Prefix)>> {
    let mut request = RouteMessage::default();
    request.header.address_family = AddressFamily::Inet;
    let replies = dump(RouteNetlinkMessage::GetRoute(request))?;
    Ok(replies
        .into_iter()
        .filter_map(|reply| match reply {
            RouteNetlinkMessage::NewRoute(route) => ours_of(&route),
            _ => None,
        })
        .collect())
}

/// A dumped route's table and prefix, if it is one of ours.
fn ours_of(route: &RouteMessage) -> Option<(u32, Ipv4Prefix)> {
    if route.header.protocol != RouteProtocol::Other(STATIC_PROTOCOL)
        || route.header.address_family != AddressFamily::Inet
    {
        return None;
    }
    let mut table = u32::from(route.header.table);
    let mut address = std::net::Ipv4Addr::UNSPECIFIED;
    for attribute in &route.attributes {
        match attribute {
            RouteAttribute::Table(t) => table = *t,
            RouteAttribute::Destination(RouteAddress::Inet(a)) => address = *a,
            _ => {}
        }
    }
    let prefix = Ipv4Prefix {
        address,
        len: route.header.destination_prefix_length,
    };
    Some((table, prefix))
}

/// RTM_NEWROUTE (with a next hop) or RTM_DELROUTE (without): the table in the header when it
/// fits in 8 bits, else in RTA_TABLE (VRF tables are above 255), as io::route does.
fn message(table: u32, prefix: Ipv4Prefix, next_hop: Option<&StaticNextHop>) -> RouteMessage {
    let mut route = RouteMessage::default();
    route.header.address_family = AddressFamily::Inet;
    route.header.destination_prefix_length = prefix.len;
    route.header.table = u8::try_from(table).unwrap_or(RouteHeader::RT_TABLE_UNSPEC);
    route.header.protocol = RouteProtocol::Other(STATIC_PROTOCOL);
    // A delete leaves the scope (RT_SCOPE_NOWHERE) and the type (RTN_UNSPEC) open, as `ip
    // route del` does: the kernel matches them when given, and a route of ours may be of any
    // type.
    (route.header.scope, route.header.kind) = match next_hop {
        Some(StaticNextHop::Discard) => (RouteScope::Universe, RouteType::BlackHole),
        Some(StaticNextHop::Reject) => (RouteScope::Universe, RouteType::Unreachable),
        Some(StaticNextHop::Gateways(_)) => (RouteScope::Universe, RouteType::Unicast),
        None => (RouteScope::NoWhere, RouteType::Unspec),
    };
    route
        .attributes
        .push(RouteAttribute::Destination(RouteAddress::Inet(
            prefix.network(),
        )));
    if table > 255 {
        route.attributes.push(RouteAttribute::Table(table));
    }
    match next_hop {
        Some(StaticNextHop::Gateways(gateways)) => match gateways.as_slice() {
            [one] => route.attributes.push(gateway(*one)),
            // Equal-cost paths: RTA_MULTIPATH, one rtnexthop per gateway.
            many => route.attributes.push(RouteAttribute::MultiPath(
                many.iter()
                    .map(|g| {
                        let mut hop = RouteNextHop::default();
                        hop.attributes.push(gateway(*g));
                        hop
                    })
                    .collect(),
            )),
        },
        Some(StaticNextHop::Discard | StaticNextHop::Reject) | None => {}
    }
    route
}

fn gateway(address: Ipv4Addr) -> RouteAttribute {
    RouteAttribute::Gateway(RouteAddress::Inet(address))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefix(text: &str) -> Ipv4Prefix {
        Ipv4Prefix::parse(text).unwrap()
    }

    /// What the dump gives back is read as what we sent: table (in the header or RTA_TABLE)
    /// and prefix; another protocol's route is not ours.
    #[test]
    fn a_dumped_route_of_ours_reads_back_as_its_table_and_prefix() {
        for (table, text) in [(254, "0.0.0.0/0"), (1_000_123, "198.18.128.0/17")] {
            let m = message(table, prefix(text), Some(&StaticNextHop::Discard));
            assert_eq!(ours_of(&m), Some((table, prefix(text))));
        }
        let mut theirs = message(254, prefix("198.18.0.0/16"), Some(&StaticNextHop::Reject));
        theirs.header.protocol = RouteProtocol::Static;
        assert_eq!(ours_of(&theirs), None);
    }

    #[test]
    fn a_gateway_route_carries_rta_gateway_and_our_protocol() {
        let gw = Ipv4Addr::new(198, 18, 0, 1);
        let m = message(
            254,
            prefix("0.0.0.0/0"),
            Some(&StaticNextHop::Gateways(vec![gw])),
        );
        assert_eq!(m.header.kind, RouteType::Unicast);
        assert_eq!(m.header.table, 254);
        assert_eq!(m.header.protocol, RouteProtocol::Other(STATIC_PROTOCOL));
        assert!(m.attributes.contains(&gateway(gw)));
    }

    #[test]
    fn discard_is_a_blackhole_and_reject_unreachable_in_a_vrf_table() {
        let m = message(
            1_000_123,
            prefix("198.18.128.0/17"),
            Some(&StaticNextHop::Discard),
        );
        assert_eq!(m.header.kind, RouteType::BlackHole);
        assert_eq!(m.header.table, 0);
        assert!(m.attributes.contains(&RouteAttribute::Table(1_000_123)));
        let m = message(254, prefix("198.19.0.0/16"), Some(&StaticNextHop::Reject));
        assert_eq!(m.header.kind, RouteType::Unreachable);
        assert!(!m
            .attributes
            .iter()
            .any(|a| matches!(a, RouteAttribute::Gateway(_))));
    }

    #[test]
    fn a_delete_matches_any_type_and_scope_but_only_our_protocol() {
        let m = message(254, prefix("198.18.65.0/24"), None);
        assert_eq!(m.header.kind, RouteType::Unspec);
        assert_eq!(m.header.scope, RouteScope::NoWhere);
        assert_eq!(m.header.protocol, RouteProtocol::Other(STATIC_PROTOCOL));
    }

    #[test]
    fn several_gateways_are_one_multipath_attribute() {
        let gws = vec![Ipv4Addr::new(198, 18, 0, 2), Ipv4Addr::new(198, 18, 0, 3)];
        let m = message(
            254,
            prefix("198.18.64.0/24"),
            Some(&StaticNextHop::Gateways(gws)),
        );
        let hops = m
            .attributes
            .iter()
            .find_map(|a| match a {
                RouteAttribute::MultiPath(hops) => Some(hops),
                _ => None,
            })
            .expect("RTA_MULTIPATH");
        assert_eq!(hops.len(), 2);
        assert!(hops[1]
            .attributes
            .contains(&gateway(Ipv4Addr::new(198, 18, 0, 3))));
    }
}
