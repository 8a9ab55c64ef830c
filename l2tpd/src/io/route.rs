//! Kernel routes to a service interface for the prefixes RADIUS routes to a subscriber
//! (Framed-Route), over rtnetlink: what `ip route add|del PREFIX dev DEV table T proto
//! static` sends. The route points at the device only: the daemon picks the subscriber by
//! longest prefix, as for the pools' connected routes. No `unsafe` here: netlink-sys owns
//! the socket.

use std::io;

use netlink_packet_core::{NLM_F_CREATE, NLM_F_REPLACE};
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteHeader, RouteMessage, RouteProtocol, RouteScope, RouteType,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};

use super::prefix_table::Prefix;
use super::vrf::request;

/// The main routing table (RT_TABLE_MAIN).
pub const MAIN_TABLE: u32 = RouteHeader::RT_TABLE_MAIN as u32;

/// Adds (or replaces) the route of `prefix` to device `index` in `table`.
pub fn add_route(prefix: Prefix, index: u32, table: u32) -> io::Result<()> {
    request(
        RouteNetlinkMessage::NewRoute(route_message(prefix, index, table)),
        NLM_F_CREATE | NLM_F_REPLACE,
    )
}

/// Deletes the route of `prefix` to device `index` in `table`.
pub fn delete_route(prefix: Prefix, index: u32, table: u32) -> io::Result<()> {
    request(
        RouteNetlinkMessage::DelRoute(route_message(prefix, index, table)),
        0,
    )
}

/// RTM_NEWROUTE/RTM_DELROUTE for a unicast route on a link: the table in the header when it
/// fits in 8 bits, else in RTA_TABLE with the header's left unspecified (iproute2 does the
/// same; VRF tables are above 255).
fn route_message(prefix: Prefix, index: u32, table: u32) -> RouteMessage {
    let mut route = RouteMessage::default();
    route.header.address_family = AddressFamily::Inet;
    route.header.destination_prefix_length = prefix.length();
    route.header.table = u8::try_from(table).unwrap_or(RouteHeader::RT_TABLE_UNSPEC);
    route.header.protocol = RouteProtocol::Static;
    route.header.scope = RouteScope::Link;
    route.header.kind = RouteType::Unicast;
    route
        .attributes
        .push(RouteAttribute::Destination(RouteAddress::Inet(
            prefix.network(),
        )));
    route.attributes.push(RouteAttribute::Oif(index));
    if table > 255 {
        route.attributes.push(RouteAttribute::Table(table));
    }
    route
}

/// For the tests: whether `text` (the output of `ip -4 route show table T`) has `prefix`
/// on device `dev`.
pub fn listed(text: &str, prefix: Prefix, dev: &str) -> bool {
    let want = if prefix.length() == 32 {
        prefix.network().to_string()
    } else {
        prefix.to_string()
    };
    text.lines().any(|line| {
        let words: Vec<&str> = line.split_whitespace().collect();
        words.first() == Some(&want.as_str())
            && words.windows(2).any(|w| w[0] == "dev" && w[1] == dev)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn small_tables_go_in_the_header_and_vrf_tables_in_an_attribute() {
        let prefix = Prefix::new(Ipv4Addr::new(198, 18, 60, 0), 24).unwrap();
        let main = route_message(prefix, 7, MAIN_TABLE);
        assert_eq!(main.header.table, 254);
        assert_eq!(main.header.destination_prefix_length, 24);
        assert!(!main
            .attributes
            .iter()
            .any(|a| matches!(a, RouteAttribute::Table(_))));
        let vrf = route_message(prefix, 7, 1_000_123);
        assert_eq!(vrf.header.table, 0);
        assert!(vrf.attributes.contains(&RouteAttribute::Table(1_000_123)));
        assert!(vrf.attributes.contains(&RouteAttribute::Oif(7)));
    }

    #[test]
    fn listed_reads_ip_route_output() {
        let text = "198.18.60.0/24 dev si-0-0-0 proto static scope link \n\
                    198.18.61.7 dev si-0-0-0 proto static scope link \n";
        let p = |a: [u8; 4], l| Prefix::new(Ipv4Addr::from(a), l).unwrap();
        assert!(listed(text, p([198, 18, 60, 0], 24), "si-0-0-0"));
        assert!(listed(text, p([198, 18, 61, 7], 32), "si-0-0-0"));
        assert!(!listed(text, p([198, 18, 60, 0], 24), "si-1-0-0"));
        assert!(!listed(text, p([198, 18, 62, 0], 24), "si-0-0-0"));
    }
}
