//! `show route [PREFIX [exact]] [protocol P] [table T] [terse | detail | extensive]` and
//! `show route summary [table T]`: the routes the router holds for its subscribers, in
//! Junos' reply shapes (`route-information` / `route-table` / `rt` / `rt-entry` / `nh`, and
//! `route-summary-information` / `protocols`). The element names are those of Junos'
//! replies as tools that parse them record them (`table-name`, `destination-count`,
//! `rt-destination`, `active-tag`, `protocol-name`, `preference`, `age`, `metric`,
//! `rt-tag`, `nh`, `to`, `via`, `protocol-route-count`). Nothing is preformatted: the age is
//! seconds since the route was installed (Junos sends the text with `junos:seconds` as an
//! attribute, which these replies do not carry).

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

/// The protocols of the routes a subscriber gets (Junos' names, as `show route` prints them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RouteProtocol {
    /// A `routing-options static` route: preference 5, as Junos gives static routes.
    #[serde(rename = "Static")]
    Static,
    /// A Framed-Route or a dynamic profile's `routing-options access route`: preference 13
    /// unless the profile says otherwise.
    #[serde(rename = "Access")]
    Access,
    /// The subscriber's own address, as IPCP gave it: a /32 at preference 12.
    #[serde(rename = "Access-internal")]
    AccessInternal,
}

impl RouteProtocol {
    /// The name as printed and as `show route protocol` takes it (lower case there).
    pub fn name(self) -> &'static str {
        match self {
            RouteProtocol::Static => "Static",
            RouteProtocol::Access => "Access",
            RouteProtocol::AccessInternal => "Access-internal",
        }
    }

    /// `show route protocol WORD`: Junos' keyword for each protocol.
    pub fn from_keyword(word: &str) -> Option<RouteProtocol> {
        match word {
            "static" => Some(RouteProtocol::Static),
            "access" => Some(RouteProtocol::Access),
            "access-internal" => Some(RouteProtocol::AccessInternal),
            _ => None,
        }
    }
}

/// A destination as typed: `198.18.1.5` is `/32`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteDestination {
    pub address: Ipv4Addr,
    pub length: u8,
}

impl RouteDestination {
    /// `A.B.C.D` or `A.B.C.D/N` (N up to 32); host bits past N are cleared, as Junos reads
    /// `show route 198.18.1.5/24` as the /24.
    pub fn parse(text: &str) -> Option<RouteDestination> {
        let (address, length) = match text.split_once('/') {
            Some((a, l)) => (a, l.parse::<u8>().ok().filter(|l| *l <= 32)?),
            None => (text, 32),
        };
        let address: Ipv4Addr = address.parse().ok()?;
        let mask = u32::MAX.checked_shl(32 - u32::from(length)).unwrap_or(0);
        Some(RouteDestination {
            address: Ipv4Addr::from(u32::from(address) & mask),
            length,
        })
    }

    /// Whether `address/length` lies inside this destination (equal or more specific).
    pub fn covers(&self, address: Ipv4Addr, length: u8) -> bool {
        length >= self.length && within(address, self.address, self.length)
    }

    /// Whether this destination lies inside `address/length` (equal or less specific).
    pub fn is_within(&self, address: Ipv4Addr, length: u8) -> bool {
        length <= self.length && within(self.address, address, length)
    }
}

fn within(address: Ipv4Addr, network: Ipv4Addr, length: u8) -> bool {
    let mask = u32::MAX.checked_shl(32 - u32::from(length)).unwrap_or(0);
    u32::from(address) & mask == u32::from(network) & mask
}

/// `show route …`: which routes. The level (`terse`, `detail`, …) is the shell's alone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RouteShow {
    /// The routes inside it, and the longest route that holds it; only the route to it
    /// with `exact`.
    pub destination: Option<RouteDestination>,
    pub exact: bool,
    pub protocol: Option<RouteProtocol>,
    /// Every table whose name begins with it (`inet` is every `inet.0`), as Junos.
    pub table: Option<String>,
}

/// `get-route-information` → `route-information`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteInformation {
    #[serde(rename = "route-table")]
    pub tables: Vec<RouteTable>,
}

/// One routing table: `inet.0`, or `RI.inet.0` for routing instance RI. The counts are the
/// whole table's, whatever the selection shows of it (as Junos prints them).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RouteTable {
    pub table_name: String,
    #[serde(flatten)]
    pub counts: TableCounts,
    #[serde(rename = "rt")]
    pub destinations: Vec<Rt>,
}

/// A table's counts: `3 destinations, 3 routes (3 active, 0 holddown, 0 hidden)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct TableCounts {
    pub destination_count: u32,
    pub total_route_count: u32,
    pub active_route_count: u32,
    pub holddown_route_count: u32,
    pub hidden_route_count: u32,
}

/// One destination and its routes, the active one first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Rt {
    /// `198.18.7.0/24`.
    pub rt_destination: String,
    #[serde(rename = "rt-entry")]
    pub entries: Vec<RtEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RtEntry {
    /// `*` for the active route (active and last active: `*` is "both").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_tag: Option<String>,
    pub protocol_name: RouteProtocol,
    pub preference: u32,
    /// Seconds since the route was installed.
    pub age: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rt_tag: Option<u32>,
    pub nh: Vec<NextHop>,
}

/// A route's next hop. A subscriber route's: its interface, and the gateway written for it
/// when there is one (`next-hop` of the profile's stanza, or the Framed-Route's gateway). A
/// static route's: its gateway alone (the kernel picks the interface, which this router
/// does not read back), or no next hop at all but a `nh-type` of `Discard` or `Reject`, as
/// Junos replies for those.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct NextHop {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<Ipv4Addr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nh_type: Option<NextHopType>,
}

/// Junos' `nh-type` of a route that forwards nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NextHopType {
    Discard,
    Reject,
}

impl NextHopType {
    pub fn name(self) -> &'static str {
        match self {
            NextHopType::Discard => "Discard",
            NextHopType::Reject => "Reject",
        }
    }
}

/// Junos' preference of static routes.
pub const STATIC_PREFERENCE: u32 = 5;

/// `show route summary [table T]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteSummaryShow {
    pub table: Option<String>,
}

/// `get-route-summary-information` → `route-summary-information`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteSummaryInformation {
    #[serde(rename = "route-table")]
    pub tables: Vec<RouteSummaryTable>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RouteSummaryTable {
    pub table_name: String,
    #[serde(flatten)]
    pub counts: TableCounts,
    pub protocols: Vec<ProtocolSummary>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ProtocolSummary {
    pub protocol_name: RouteProtocol,
    pub protocol_route_count: u32,
    pub active_route_count: u32,
}

/// The Junos reply roots (`| display json` / `| display xml`).
pub const ROUTE_ROOT: &str = "route-information";
pub const ROUTE_SUMMARY_ROOT: &str = "route-summary-information";

/// The table of routing instance `instance` (`None`: the default instance).
pub fn table_name(instance: Option<&str>) -> String {
    match instance {
        Some(ri) => format!("{ri}.inet.0"),
        None => "inet.0".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_read_as_junos_reads_them() {
        let d = |text| RouteDestination::parse(text);
        let addr = |a: [u8; 4]| Ipv4Addr::from(a);
        assert_eq!(
            d("198.18.1.5"),
            Some(RouteDestination {
                address: addr([198, 18, 1, 5]),
                length: 32
            })
        );
        assert_eq!(
            d("198.18.1.5/24"),
            Some(RouteDestination {
                address: addr([198, 18, 1, 0]),
                length: 24
            })
        );
        assert_eq!(d("0.0.0.0/0").map(|d| d.length), Some(0));
        for bad in [
            "198.18.1.5/33",
            "198.18.1",
            "x",
            "198.18.1.5/",
            "198.18.1.5/-1",
        ] {
            assert_eq!(d(bad), None, "{bad}");
        }
        let net = d("198.18.0.0/16").unwrap();
        assert!(net.covers(addr([198, 18, 7, 0]), 24));
        assert!(net.covers(addr([198, 18, 0, 0]), 16));
        assert!(!net.covers(addr([198, 0, 0, 0]), 8));
        assert!(!net.covers(addr([198, 19, 7, 0]), 24));
        let host = d("198.18.7.9").unwrap();
        assert!(host.is_within(addr([198, 18, 7, 0]), 24));
        assert!(host.is_within(addr([0, 0, 0, 0]), 0));
        assert!(!host.is_within(addr([198, 18, 8, 0]), 24));
    }

    #[test]
    fn the_reply_has_junos_element_names() {
        let reply = RouteInformation {
            tables: vec![RouteTable {
                table_name: "inet.0".into(),
                counts: TableCounts {
                    destination_count: 1,
                    total_route_count: 1,
                    active_route_count: 1,
                    holddown_route_count: 0,
                    hidden_route_count: 0,
                },
                destinations: vec![Rt {
                    rt_destination: "198.18.7.0/24".into(),
                    entries: vec![RtEntry {
                        active_tag: Some("*".into()),
                        protocol_name: RouteProtocol::Access,
                        preference: 13,
                        age: 12,
                        metric: Some(5),
                        rt_tag: None,
                        nh: vec![NextHop {
                            to: Some(Ipv4Addr::new(198, 18, 1, 5)),
                            via: Some("si-0/0/0.3".into()),
                            nh_type: None,
                        }],
                    }],
                }],
            }],
        };
        let json = serde_json::to_string(&reply).expect("encodes");
        assert_eq!(
            json,
            r#"{"route-table":[{"table-name":"inet.0","destination-count":1,"total-route-count":1,"active-route-count":1,"holddown-route-count":0,"hidden-route-count":0,"rt":[{"rt-destination":"198.18.7.0/24","rt-entry":[{"active-tag":"*","protocol-name":"Access","preference":13,"age":12,"metric":5,"nh":[{"to":"198.18.1.5","via":"si-0/0/0.3"}]}]}]}]}"#
        );
        // The reply crosses the management socket as JSON: it reads back as it was.
        let back: RouteInformation = serde_json::from_str(&json).expect("decodes");
        assert_eq!(back, reply);
        assert_eq!(table_name(Some("ri1")), "ri1.inet.0");
        assert_eq!(table_name(None), "inet.0");
    }
}
